//! One module per subcommand.

pub mod schema;
pub mod template;
pub mod validate;
