//! `jixiao schema`: prints the JSON Schema of the canonical form.

use std::process::ExitCode;

/// Runs the command.
pub fn run() -> ExitCode {
    print!("{}", jixiao_domain::form_schema_json());
    ExitCode::SUCCESS
}
