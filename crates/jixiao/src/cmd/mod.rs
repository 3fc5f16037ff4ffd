//! One module per subcommand.

pub mod blank;
pub mod export;
pub mod summary;
pub mod validate;
