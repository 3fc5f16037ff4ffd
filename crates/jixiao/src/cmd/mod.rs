//! One module per subcommand.

pub mod schema;
pub mod template;
pub mod blank;
pub mod export;
pub mod summary;
pub mod validate;
