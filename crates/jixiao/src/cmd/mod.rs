//! One module per subcommand.

pub mod pdf;
pub mod validate;
