//! # jixiao-domain
//!
//! The department performance-target form (部门整体绩效目标申报表) as types: the canonical form
//! model and its JSON format, exact money, typed target values, templates as data, the arithmetic
//! of totals and shares, and the validation rules. This crate does no I/O: no files, no database,
//! no network. Everything else in jixiao builds on it.

pub mod compute;
pub mod form;
pub mod library;
pub mod lifecycle;
pub mod money;
pub mod parse;
pub mod privacy;
pub mod rollover;
pub mod target;
pub mod template;
pub mod text;
pub mod validate;
pub mod workflow;

pub use form::{Form, Indicator, IndicatorTable, TableKind};
pub use money::{Money, Percent};
pub use parse::{FormJsonError, form_from_json};
pub use privacy::{Privacy, mask_phone};
pub use target::{Comparator, TargetValue};
pub use template::{Registry, Template};
pub use validate::{Finding, Section, Severity, validate};
pub use workflow::{
    Action, Actor, Decision, DocumentKind, FormStatus, Grade, Owner, Refusal, Role,
};

/// The JSON Schema of the canonical form, as pretty JSON text (committed as
/// `docs/form.schema.json`).
pub fn form_schema_json() -> String {
    let schema = schemars::schema_for!(Form);
    serde_json::to_string_pretty(&schema).expect("a schema always serializes") + "\n"
}
