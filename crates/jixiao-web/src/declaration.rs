//! The pages of a declaration round (填报任务): its board (status per unit, filters, order,
//! batch actions), the confirmation of a batch, and the tasks and notices on a unit's home page.

use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::RenderError;
use crate::engine::render;
use crate::views::Chrome;

/// One unit on the board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeclarationLine {
    /// Unit id.
    pub unit_id: i64,
    /// Unit code.
    pub unit_code: String,
    /// Unit name.
    pub unit_name: String,
    /// Form id, when the finance side may open it.
    pub form_id: Option<i64>,
    /// Status code (`not_started` …).
    pub status: String,
    /// Status label.
    pub status_label: String,
    /// `第 2 版` or empty.
    pub version: String,
    /// Errors, once the form reached the finance bureau.
    pub errors: Option<i64>,
    /// Warnings, likewise.
    pub warnings: Option<i64>,
    /// Last change for people, or empty.
    pub updated_at: String,
    /// Past the deadline and not submitted.
    pub overdue: bool,
    /// Reopened after the close.
    pub reopened: bool,
}

/// A count on the board, also a filter link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeclarationCount {
    /// Status code.
    pub status: String,
    /// Label.
    pub label: String,
    /// How many.
    pub n: usize,
}

/// The board page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeclarationBoardView {
    /// Page chrome.
    pub chrome: Chrome,
    /// Round id.
    pub round_id: i64,
    /// Title.
    pub title: String,
    /// Deadline.
    pub deadline: String,
    /// `还剩 5 天` ….
    pub days_left: String,
    /// Closed, for people, or empty while open.
    pub closed: String,
    /// Units in the round.
    pub units: usize,
    /// Overdue units.
    pub overdue: usize,
    /// Counts by status.
    pub counts: Vec<DeclarationCount>,
    /// Rows after the filter.
    pub rows: Vec<DeclarationLine>,
    /// The status filter in use (empty for all).
    pub status: String,
    /// Only overdue units.
    pub only_overdue: bool,
    /// The name filter.
    pub q: String,
    /// The order in use.
    pub sort: String,
    /// The filter as the rest of a query (`&status=draft&q=…`), for the sort links.
    pub filter_query: String,
}

/// The confirmation of a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchConfirmView {
    /// Page chrome.
    pub chrome: Chrome,
    /// Round id.
    pub round_id: i64,
    /// Round title.
    pub title: String,
    /// `approve`, `return` or `remind`.
    pub action: String,
    /// `批量通过` ….
    pub action_label: String,
    /// What will happen, for people.
    pub explanation: String,
    /// Grade (approve).
    pub grade: String,
    /// Comment (return, remind).
    pub comment: String,
    /// The units that will take the step.
    pub going: Vec<DeclarationLine>,
    /// (unit, why) of the ones that will be skipped.
    pub skipped: Vec<(String, String)>,
}

/// A declaration task on a unit's home page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitTaskLine {
    /// Title.
    pub title: String,
    /// Budget year.
    pub fiscal_year: i64,
    /// Deadline.
    pub deadline: String,
    /// `还剩 5 天` ….
    pub days_left: String,
    /// Past the deadline.
    pub past: bool,
    /// Closed.
    pub closed: bool,
    /// The unit may still submit.
    pub may_submit: bool,
    /// The status of the unit's form of the year (`未开始` when none).
    pub status_label: String,
    /// Submitted or further: nothing left to do.
    pub done: bool,
}

/// A notice on a unit's home page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoticeLine {
    /// Text.
    pub body: String,
    /// Who sent it.
    pub sender: String,
    /// When, for people.
    pub at: String,
}

/// The board page.
pub fn render_declaration_board(view: &DeclarationBoardView) -> Result<String, RenderError> {
    render(
        "declaration_board.html",
        context! { chrome => view.chrome, v => view },
    )
}

/// The confirmation of a batch.
pub fn render_batch_confirm(view: &BatchConfirmView) -> Result<String, RenderError> {
    render(
        "batch_confirm.html",
        context! { chrome => view.chrome, v => view },
    )
}
