//! The validation engine: rules with stable codes, severities, JSON Pointer locations and Chinese
//! messages that name the values involved.
//!
//! Each section of the form has its own file; the rules themselves are listed in [`catalogue`]
//! (which also generates `docs/rules.md`). Validation is pure and bounded: tables larger than the
//! template's `max_indicator_rows` are reported once and not checked row by row, and every value
//! quoted in a message is shortened.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::form::{Form, TableKind};
use crate::template::Template;

pub mod catalogue;
mod cross;
mod funding;
mod goals;
mod header;
mod indicators;
mod projects;
mod rows;
mod tasks;

pub use catalogue::{RULES, Rule, Section, rule, rules_markdown};

/// How serious a finding is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The form is wrong; it cannot be submitted.
    Error,
    /// A reviewer should look.
    Warning,
    /// For information.
    Info,
}

impl Severity {
    /// Chinese label (错误 / 警告 / 提示).
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "错误",
            Severity::Warning => "警告",
            Severity::Info => "提示",
        }
    }

    /// The JSON spelling (`error`, `warning`, `info`).
    pub fn key(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding of the validator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Finding {
    /// Stable rule code (`F001`).
    pub code: String,
    /// Severity.
    pub severity: Severity,
    /// RFC 6901 JSON Pointer into the canonical form (`/funding/expenditure/total/current`).
    pub path: String,
    /// Chinese message naming the values involved.
    pub message: String,
}

impl Finding {
    /// The catalogue entry of the finding's rule.
    pub fn rule(&self) -> Option<&'static Rule> {
        catalogue::rule(&self.code)
    }

    /// The section the finding belongs to (from its rule; [`Section::Header`] if unknown).
    pub fn section(&self) -> Section {
        self.rule().map_or(Section::Header, |r| r.section)
    }
}

/// Validates a form against its template. Findings come in section order (as
/// [`Section::ALL`]), and within a section in form order.
pub fn validate(form: &Form, template: &Template) -> Vec<Finding> {
    let mut ctx = Ctx::new(form, template);
    header::check(&mut ctx);
    funding::check(&mut ctx);
    projects::check(&mut ctx);
    goals::check(&mut ctx);
    indicators::check(&mut ctx);
    cross::check(&mut ctx);
    tasks::check(&mut ctx);
    ctx.findings
}

/// True when any finding is an error.
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// Counts of (errors, warnings, infos).
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    findings
        .iter()
        .fold((0, 0, 0), |(e, w, i), f| match f.severity {
            Severity::Error => (e + 1, w, i),
            Severity::Warning => (e, w + 1, i),
            Severity::Info => (e, w, i + 1),
        })
}

/// FNV-1a: a fast hasher for the short keys (indicator names) of one validation run; the keys
/// come from one form, so hash flooding is not a concern and SipHash's cost is not needed.
#[derive(Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// A hash builder for [`Fnv`].
pub(crate) type FnvBuild = std::hash::BuildHasherDefault<Fnv>;

/// More rows than this with the same aggregated cause in one table give one summary finding.
const AGGREGATE_OVER: usize = 3;
/// How many examples a summary finding names.
const SUMMARY_EXAMPLES: usize = 5;
/// How many characters of a user's value a message quotes.
const QUOTE_CHARS: usize = 30;

/// The state of one validation run.
pub(crate) struct Ctx<'a> {
    pub form: &'a Form,
    pub template: &'a Template,
    /// Tables too large to check row by row (by [`TableKind`] index: long-term, annual).
    oversized: [bool; 2],
    findings: Vec<Finding>,
}

/// One row's share of an aggregated rule. Messages are built only when they are shown, so that a
/// rule hitting every row of a table costs little.
pub(crate) struct RowHit<'f> {
    /// The table the pointer goes to.
    pub kind: TableKind,
    /// Row index.
    pub row: usize,
    /// Field of the row the pointer goes to.
    pub field: &'static str,
    /// The row's name (or the value the message is about).
    pub name: &'f str,
    /// A second value for the message (the other table's name), if any.
    pub other: &'f str,
}

impl RowHit<'_> {
    /// `第 9 行「立项规范性」`.
    pub fn label(&self) -> String {
        row_label(self.row, self.name)
    }
}

impl<'a> Ctx<'a> {
    fn new(form: &'a Form, template: &'a Template) -> Self {
        let max = template.rules.max_indicator_rows;
        Ctx {
            form,
            template,
            oversized: [
                form.indicators.long_term.rows.len() > max,
                form.indicators.annual.rows.len() > max,
            ],
            findings: Vec::new(),
        }
    }

    /// True when the table is too large to check row by row.
    pub fn oversized(&self, kind: TableKind) -> bool {
        self.oversized[kind as usize]
    }

    /// True unless the template switches the rule off.
    pub fn enabled(&self, code: &str) -> bool {
        !self.template.rule_disabled(code)
    }

    /// Records a finding of rule `code` (its severity comes from the catalogue).
    pub fn push(&mut self, code: &'static str, path: String, message: String) {
        if !self.enabled(code) {
            return;
        }
        let severity = catalogue::rule(code).map_or(Severity::Error, |r| r.severity);
        self.findings.push(Finding {
            code: code.to_string(),
            severity,
            path,
            message,
        });
    }

    /// Records row findings of an aggregated rule: one per row (built by `message`) when there
    /// are few, otherwise one summary at the rows pointer of `kind`, built by
    /// `summary(count, examples)` with examples made by `detail`.
    pub fn push_grouped<'f>(
        &mut self,
        code: &'static str,
        kind: TableKind,
        hits: &[RowHit<'f>],
        message: impl Fn(&RowHit<'f>) -> String,
        detail: impl Fn(&RowHit<'f>) -> String,
        summary: impl FnOnce(usize, String) -> String,
    ) {
        if hits.is_empty() || !self.enabled(code) {
            return;
        }
        if hits.len() <= AGGREGATE_OVER {
            for h in hits {
                self.push(code, row_ptr(h.kind, h.row, h.field), message(h));
            }
            return;
        }
        let mut examples: Vec<String> = hits.iter().take(SUMMARY_EXAMPLES).map(detail).collect();
        if hits.len() > SUMMARY_EXAMPLES {
            examples.push("……".to_string());
        }
        let message = summary(hits.len(), examples.join("、"));
        self.push(code, rows_ptr(kind), message);
    }
}

/// A user's value for a message: quoted with 「」 and cut to a readable length.
pub(crate) fn quote(s: &str) -> String {
    if s.chars().count() <= QUOTE_CHARS {
        format!("「{s}」")
    } else {
        let head: String = s.chars().take(QUOTE_CHARS).collect();
        format!("「{head}…」")
    }
}

/// `/indicators/annual/rows`.
pub(crate) fn rows_ptr(kind: TableKind) -> String {
    format!("/indicators/{}/rows", kind.key())
}

/// `/indicators/annual/rows/8/target`.
pub(crate) fn row_ptr(kind: TableKind, row: usize, field: &str) -> String {
    format!("/indicators/{}/rows/{row}/{field}", kind.key())
}

/// `第 9 行「立项规范性」` (1-based, as a person counts).
pub(crate) fn row_label(row: usize, name: &str) -> String {
    format!("第 {} 行{}", row + 1, quote(name))
}
