//! The pages after approval: the rounds page (a finance user opens and lists rounds; a unit
//! user finds its monitoring and self-evaluation tasks), the round board, and the page of one
//! monitoring report or self-evaluation (edited by the unit, read and decided by finance).

use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::RenderError;
use crate::engine::render;
use crate::views::Chrome;

/// A round in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundLine {
    /// Id.
    pub id: i64,
    /// `2026年1-6月绩效运行监控`.
    pub title: String,
    /// `monitoring` or `self_evaluation`.
    pub kind: String,
    /// Deadline `YYYY-MM-DD`.
    pub deadline: String,
    /// When it was opened, for people.
    pub opened: String,
}

/// A unit's task: one monitoring report or self-evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskLine {
    /// Report id.
    pub id: i64,
    /// Title of its round.
    pub title: String,
    /// Status code.
    pub status: String,
    /// Status label for the kind.
    pub status_label: String,
    /// Deadline.
    pub deadline: String,
    /// `还剩 5 天`, `今天截止`, `已逾期 2 天`.
    pub days_left: String,
    /// Overdue and still with the unit.
    pub overdue: bool,
    /// Light (`red` …) or empty.
    pub colour: String,
    /// `红灯` … or `未评`.
    pub colour_label: String,
    /// Total and grade (`96.5 分 · 优`) or empty.
    pub score: String,
    /// May the user fill it in now.
    pub may_edit: bool,
}

/// The rounds page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundsView {
    /// Page chrome.
    pub chrome: Chrome,
    /// The user opens rounds and sees boards.
    pub finance: bool,
    /// Rounds (finance).
    pub rounds: Vec<RoundLine>,
    /// Tasks (unit roles).
    pub tasks: Vec<TaskLine>,
    /// Year the open form suggests.
    pub default_year: i64,
    /// Deadline the open form suggests.
    pub default_deadline: String,
    /// Earliest allowed deadline (today).
    pub min_deadline: String,
    /// The region's units (id, name), for a declaration round (finance).
    pub units: Vec<(i64, String)>,
}

/// One unit on a round board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardLine {
    /// Report id.
    pub id: i64,
    /// Unit.
    pub unit_name: String,
    /// Status code.
    pub status: String,
    /// Status label.
    pub status_label: String,
    /// Light code or empty.
    pub colour: String,
    /// Light label.
    pub colour_label: String,
    /// Total (decimal text) or empty.
    pub total: String,
    /// Grade or empty.
    pub grade: String,
    /// Errors of the current version.
    pub errors: i64,
    /// Warnings.
    pub warnings: i64,
    /// Current version.
    pub version: i64,
    /// Last change, for people.
    pub updated_at: String,
    /// Past the deadline and not submitted.
    pub overdue: bool,
}

/// A count on a board (`红灯 3`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardCount {
    /// What is counted.
    pub label: String,
    /// CSS class (`red`, `s-submitted`…).
    pub class: String,
    /// How many.
    pub n: usize,
}

/// The round board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardView {
    /// Page chrome.
    pub chrome: Chrome,
    /// Round id.
    pub round_id: i64,
    /// Title.
    pub title: String,
    /// Deadline.
    pub deadline: String,
    /// A monitoring round (lights) or a self-evaluation round (scores).
    pub monitoring: bool,
    /// Rows, in the chosen order.
    pub rows: Vec<BoardLine>,
    /// Counts by status.
    pub statuses: Vec<BoardCount>,
    /// Counts by light or grade.
    pub outcomes: Vec<BoardCount>,
    /// The sort key in use (`unit`, `status`, `colour`, `total`, `updated`).
    pub sort: String,
}

/// A budget row of a report page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BudgetLine {
    /// Index in the document.
    pub index: usize,
    /// Funding name.
    pub name: String,
    /// 年初预算数.
    pub initial: String,
    /// 调整后预算数 (monitoring) or 全年预算数 (self-evaluation).
    pub budget: String,
    /// 1–m月执行数 or 全年执行数.
    pub executed: String,
    /// 全年预计执行数 (monitoring).
    pub expected: String,
}

/// An indicator row of a report page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportLine {
    /// Index in the document.
    pub index: usize,
    /// 一级指标 (empty when the same as the row above).
    pub level1: String,
    /// 二级指标 (empty when the same as the row above).
    pub level2: String,
    /// 三级指标.
    pub name: String,
    /// The target as printed.
    pub target: String,
    /// The target as canonical JSON (for the page's script).
    pub target_json: String,
    /// 一级 and 二级 names, for the time-proportioned rule of the script.
    pub levels: String,
    /// The value entered.
    pub actual: String,
    /// 完成可能性 code.
    pub likelihood: String,
    /// 偏差原因 codes chosen.
    pub reasons: Vec<String>,
    /// 偏差原因 in words.
    pub reason_text: String,
    /// 全年预计完成情况.
    pub expected: String,
    /// 备注.
    pub remark: String,
    /// Light code or empty.
    pub colour: String,
    /// Light label.
    pub colour_label: String,
    /// 序时目标.
    pub benchmark: String,
    /// 完成比 (%).
    pub ratio: String,
    /// 分值.
    pub weight: String,
    /// 得分 (computed).
    pub score: String,
    /// 填报得分.
    pub declared_score: String,
    /// 偏差原因分析及改进措施.
    pub analysis: String,
    /// Flags (`over_120`, `declared_differs`).
    pub flags: Vec<String>,
}

/// A finding shown on a report page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportFinding {
    /// `error`, `warning`, `info`.
    pub severity: String,
    /// Code (`M006`).
    pub code: String,
    /// JSON Pointer.
    pub path: String,
    /// Message.
    pub message: String,
}

/// A decision shown on a report page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDecision {
    /// `通过` or `退回`.
    pub label: String,
    /// Who.
    pub who: String,
    /// When.
    pub at: String,
    /// Reason.
    pub reason: String,
    /// Version decided on.
    pub version: i64,
}

/// The page of one monitoring report or self-evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportView {
    /// Page chrome.
    pub chrome: Chrome,
    /// Report id.
    pub id: i64,
    /// `monitoring` or `self_evaluation`.
    pub kind: String,
    /// Page title.
    pub title: String,
    /// Unit.
    pub unit_name: String,
    /// Status code and label.
    pub status: String,
    /// Status label.
    pub status_label: String,
    /// Current version.
    pub version: i64,
    /// Deadline.
    pub deadline: String,
    /// Cut-off month (monitoring).
    pub month: u8,
    /// The approved declaration measured against: link and version.
    pub declaration_id: i64,
    /// Its version.
    pub declaration_version: i64,
    /// The unit fills it in now.
    pub editable: bool,
    /// May submit.
    pub may_submit: bool,
    /// May withdraw.
    pub may_withdraw: bool,
    /// May sign off (unit approver), or pass on (department in charge).
    pub may_sign_off: bool,
    /// The sign-off button: 签批，报送财政, 签批，报送主管部门 (the report goes to the department in
    /// charge next), or 审核通过，报送财政 (the department in charge passing it on).
    pub sign_off_label: String,
    /// May accept or return (finance).
    pub may_review: bool,
    /// May publish.
    pub may_publish: bool,
    /// Reason of the last return, while returned.
    pub return_reason: Option<String>,
    /// Budget rows.
    pub budget: Vec<BudgetLine>,
    /// 执行率 (%).
    pub budget_rate: String,
    /// Monitoring: 序时进度 (%); self-evaluation: 分值.
    pub budget_benchmark: String,
    /// Monitoring: light of the budget; self-evaluation: empty.
    pub budget_colour: String,
    /// Light label.
    pub budget_colour_label: String,
    /// Self-evaluation: budget score.
    pub budget_score: String,
    /// 年度目标 (monitoring) or 预期目标 (self-evaluation).
    pub goal: String,
    /// Light of the goal (monitoring).
    pub goal_colour: String,
    /// Its label.
    pub goal_colour_label: String,
    /// 实际完成情况 of the goal (self-evaluation).
    pub goal_actual: String,
    /// Indicator rows.
    pub rows: Vec<ReportLine>,
    /// Monitoring: 偏差或不能完成目标原因分析; self-evaluation: analysis.
    pub analysis: String,
    /// Monitoring: 相关建议或举措.
    pub suggestions: String,
    /// The report's worst light (monitoring).
    pub colour: String,
    /// Its label.
    pub colour_label: String,
    /// Computed total (self-evaluation).
    pub total: String,
    /// Grade.
    pub grade: String,
    /// Total the unit declared.
    pub declared_total: String,
    /// Findings.
    pub findings: Vec<ReportFinding>,
    /// Decisions.
    pub decisions: Vec<ReportDecision>,
    /// The rules for the page's script (JSON).
    pub rules_json: String,
    /// Download formats offered (`xlsx`, `json`, …).
    pub downloads: Vec<String>,
}

/// Likelihood choices: (code, label).
const LIKELIHOODS: &[(&str, &str)] = &[
    ("certain", "确定能"),
    ("possible", "有可能"),
    ("impossible", "完全不可能"),
];

/// Reason choices: (code, label).
const REASONS: &[(&str, &str)] = &[
    ("funding", "经费保障"),
    ("rules", "制度保障"),
    ("staff", "人员保障"),
    ("equipment", "硬件条件保障"),
    ("other", "其他"),
];

/// The rounds page.
pub fn render_rounds(view: &RoundsView) -> Result<String, RenderError> {
    render("rounds.html", context! { chrome => view.chrome, v => view })
}

/// The round board.
pub fn render_board(view: &BoardView) -> Result<String, RenderError> {
    render(
        "round_board.html",
        context! { chrome => view.chrome, v => view },
    )
}

/// The report page.
pub fn render_report(view: &ReportView) -> Result<String, RenderError> {
    render(
        "report.html",
        context! { chrome => view.chrome, v => view, likelihoods => LIKELIHOODS, reasons => REASONS },
    )
}
