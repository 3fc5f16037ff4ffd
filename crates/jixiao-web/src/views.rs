//! View models: what the server hands to each page. Plain data, filled from the API types of
//! `docs/api.md`; the render functions in this crate turn them into HTML.

use jixiao_domain::{Finding, Form, Template};
use jixiao_formats::report::ImportReport;
use serde::{Deserialize, Serialize};

/// The signed-in user, as shown in the page header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserView {
    /// Login name.
    pub username: String,
    /// Name shown (`刘洋`).
    pub display_name: String,
    /// Role code: `filler`, `unit_approver`, `reviewer`, `admin`, `security_admin` or
    /// `audit_admin`.
    pub role: String,
    /// The user's unit, for unit roles.
    #[serde(default)]
    pub unit_name: Option<String>,
}

/// What every page of a signed-in user carries: the user and the CSRF token (put in
/// `<meta name="csrf-token">` and in every HTML form as `_csrf`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chrome {
    /// The user, or `None` on public pages.
    pub user: Option<UserView>,
    /// The CSRF token of the session (the `jixiao_csrf` cookie's value).
    pub csrf_token: String,
    /// A one-time message after a redirect (`已保存`), shown at the top.
    #[serde(default)]
    pub flash: Option<String>,
}

/// The login page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoginView {
    /// CSRF token for the login form (may be a pre-session token).
    pub csrf_token: String,
    /// The name typed before, kept after a failed attempt.
    #[serde(default)]
    pub username: String,
    /// Why the last attempt failed (`用户名或密码错误`, `尝试次数过多，请 15 分钟后再试`).
    #[serde(default)]
    pub error: Option<String>,
    /// Where to go after signing in (a local path).
    #[serde(default)]
    pub next: Option<String>,
    /// A notice above the form (`密码已修改，请用新密码登录`).
    #[serde(default)]
    pub notice: Option<String>,
}

/// The page where users change their own password (`/password`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PasswordView {
    /// Page chrome.
    pub chrome: Chrome,
    /// The user must change it before going on (a first password, a reset, or past its age).
    pub required: bool,
    /// The rules the new password must meet, as one sentence.
    pub rules: String,
    /// Why the last attempt was refused.
    #[serde(default)]
    pub error: Option<String>,
    /// The user's live sessions, newest first.
    #[serde(default)]
    pub sessions: Vec<SessionLine>,
}

/// One live session of the user, on the password page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionLine {
    /// Public id (the first 16 hex digits of the token's hash).
    pub id: String,
    /// Started, as people read it.
    pub started: String,
    /// Last request, as people read it.
    pub last_seen: String,
    /// Client address.
    pub address: String,
    /// Browser (the `User-Agent`, shortened).
    pub browser: String,
    /// The session this page is shown in.
    pub current: bool,
}

/// One form in a list (the `/api/forms` item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormSummary {
    /// Form id.
    pub id: i64,
    /// Unit id.
    pub unit_id: i64,
    /// Unit name.
    pub unit_name: String,
    /// Budget year.
    pub fiscal_year: i32,
    /// Status code (the workflow module's name; pages use it for CSS classes only).
    pub status: String,
    /// The status's Chinese label.
    #[serde(default)]
    pub status_label: String,
    /// What the unit should do next.
    #[serde(default)]
    pub next_step: String,
    /// The user may edit it now (继续填报).
    #[serde(default)]
    pub may_edit: bool,
    /// The user may review it now (审核).
    #[serde(default)]
    pub may_review: bool,
    /// It has been approved (its targets are in force; next year may roll it forward).
    #[serde(default)]
    pub approved: bool,
    /// Current version number.
    pub version: i64,
    /// Last change, as text (`2025-11-17 10:32`).
    pub updated_at: String,
    /// Number of validation errors.
    pub errors: u32,
    /// Number of validation warnings.
    pub warnings: u32,
    /// The workflow steps the user may take on it now, besides editing and reviewing.
    #[serde(default)]
    pub steps: Vec<StepButton>,
}

/// A workflow step offered as a button: it opens the step's confirmation page
/// (`/forms/{id}/step/{step}`), which says what will happen before anything does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepButton {
    /// The step's name in the URL (`withdraw`, `discard`, `publish`, `adjust`, `sign-off`).
    pub step: String,
    /// The button text (`撤回`).
    pub label: String,
    /// Shown as the main action.
    #[serde(default)]
    pub primary: bool,
}

/// The confirmation page of a workflow step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfirmView {
    /// Page chrome.
    pub chrome: Chrome,
    /// Form id.
    pub form_id: i64,
    /// Unit name.
    pub unit_name: String,
    /// Budget year.
    pub fiscal_year: i32,
    /// The step's name in the URL.
    pub step: String,
    /// The question (`撤回这份申报表的提交？`).
    pub title: String,
    /// What will happen, one line each.
    pub explanation: Vec<String>,
    /// The confirm button text.
    pub button: String,
    /// A dangerous step (deletion): the button is red.
    #[serde(default)]
    pub danger: bool,
    /// The step offers a return with a reason as its alternative (单位签批).
    #[serde(default)]
    pub return_option: bool,
}

/// A template the user can start a form from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateChoice {
    /// Template id.
    pub id: String,
    /// Template version.
    pub version: u32,
    /// Chinese title.
    pub title: String,
}

/// The home page of a unit user: its forms by year, each with status and the next step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitHomeView {
    /// Page chrome.
    pub chrome: Chrome,
    /// The unit's name.
    pub unit_name: String,
    /// The unit's forms (any order; shown grouped by year, newest first).
    pub forms: Vec<FormSummary>,
    /// Its declaration tasks (填报任务), newest year first.
    pub tasks: Vec<crate::declaration::UnitTaskLine>,
    /// Notices not read before this visit.
    pub notices: Vec<crate::declaration::NoticeLine>,
}

/// The home page of a finance reviewer: the queue with counts by status and by unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewerHomeView {
    /// Page chrome.
    pub chrome: Chrome,
    /// Name of the region reviewed (`阳新县`).
    pub region_name: String,
    /// Forms of the region visible to the reviewer (the page counts them by status and unit).
    pub forms: Vec<FormSummary>,
    /// The filter currently applied (echoed into the filter form).
    #[serde(default)]
    pub filter: QueueFilter,
}

/// The reviewer queue's filter (query string of `/`: `year`, `status`, `q`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueFilter {
    /// Budget year.
    #[serde(default)]
    pub year: Option<i32>,
    /// Status code.
    #[serde(default)]
    pub status: Option<String>,
    /// Search text (unit name).
    #[serde(default)]
    pub q: Option<String>,
}

/// A region in the administrator's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionRow {
    /// Region id.
    pub id: i64,
    /// Name (`阳新县`).
    pub name: String,
    /// Administrative code, if known (`420222`).
    #[serde(default)]
    pub code: Option<String>,
    /// Whether a filler's submission needs the unit approver's sign-off first.
    #[serde(default)]
    pub unit_sign_off: bool,
    /// Whether a unit's submission goes to its department in charge before the finance bureau.
    #[serde(default)]
    pub department_review: bool,
    /// The region above (a city over its counties), if any.
    #[serde(default)]
    pub parent_id: Option<i64>,
}

/// A unit in the administrator's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitRow {
    /// Unit id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Its region's id.
    pub region_id: i64,
    /// Its region's name.
    pub region_name: String,
    /// Its department in charge (主管部门), if any.
    #[serde(default)]
    pub department_id: Option<i64>,
    /// Its type (单位类型), empty while not set.
    #[serde(default)]
    pub unit_type: String,
}

/// A user in the administrator's list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserRow {
    /// User id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Role code.
    pub role: String,
    /// Unit name for unit roles.
    #[serde(default)]
    pub unit_name: Option<String>,
    /// Region name.
    #[serde(default)]
    pub region_name: Option<String>,
    /// Locked after repeated failed logins.
    #[serde(default)]
    pub locked: bool,
    /// Office (科室).
    #[serde(default)]
    pub office: String,
    /// Disabled: cannot log in.
    #[serde(default)]
    pub disabled: bool,
    /// Unit id for unit roles.
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// Region id.
    #[serde(default)]
    pub region_id: Option<i64>,
}

/// What an administrator typed into a form that was refused, to show it again with the reason
/// next to the field it concerns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Refused {
    /// Which form (`users`, `units`, `regions`, `user`).
    pub form: String,
    /// The posted fields (never the password).
    pub values: std::collections::BTreeMap<String, String>,
    /// The field the reason concerns, if one does.
    #[serde(default)]
    pub field: Option<String>,
    /// The reason.
    pub message: String,
}

/// The page where an administrator edits one user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminUserView {
    /// Page chrome.
    pub chrome: Chrome,
    /// The user as stored.
    pub user: UserRow,
    /// Regions to choose from.
    pub regions: Vec<RegionRow>,
    /// Units to choose from.
    pub units: Vec<UnitRow>,
    /// A refused edit, shown again.
    #[serde(default)]
    pub refused: Option<Refused>,
}

/// One row of the audit page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditLine {
    /// When, as text.
    pub at: String,
    /// Who (office and name), or `系统`.
    pub user: String,
    /// The action code.
    pub action: String,
    /// The form it concerns, if any.
    #[serde(default)]
    pub form_id: Option<i64>,
    /// Details.
    pub detail: String,
    /// Client address.
    #[serde(default)]
    pub address: String,
    /// `ok` or `refused`.
    #[serde(default)]
    pub outcome: String,
}

/// The audit page of the whole system.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminAuditView {
    /// Page chrome.
    pub chrome: Chrome,
    /// The newest rows first.
    pub rows: Vec<AuditLine>,
    /// How many rows were asked for.
    pub limit: i64,
}

/// The administrator's home: regions, units and users with forms to add them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AdminHomeView {
    /// Page chrome.
    pub chrome: Chrome,
    /// Regions.
    pub regions: Vec<RegionRow>,
    /// Units.
    pub units: Vec<UnitRow>,
    /// Users.
    pub users: Vec<UserRow>,
    /// A refused post, shown again in its form.
    #[serde(default)]
    pub refused: Option<Refused>,
    /// The security policy's fields (the security administrator's page), by name.
    #[serde(default)]
    pub policy: Option<serde_json::Value>,
}

/// A review comment attached to a place in the form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommentView {
    /// JSON Pointer of the place (`/indicators/annual/rows/3`, `/funding`).
    pub path: String,
    /// The comment.
    pub text: String,
    /// Who wrote it (display name).
    pub author: String,
    /// When, as text.
    pub at: String,
    /// The version whose submission resolved it; `None` while it is open.
    #[serde(default)]
    pub resolved_in: Option<i64>,
}

/// The four review grades, each `优`, `良`, `中` or `差`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Grades {
    /// 完整性.
    #[serde(default)]
    pub completeness: Option<String>,
    /// 相关性.
    #[serde(default)]
    pub relevance: Option<String>,
    /// 适当性.
    #[serde(default)]
    pub suitability: Option<String>,
    /// 可行性.
    #[serde(default)]
    pub feasibility: Option<String>,
}

/// A form with everything pages show around it (the `GET /api/forms/{id}` answer plus the
/// template).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormPage {
    /// Form id.
    pub id: i64,
    /// Status code.
    pub status: String,
    /// Current version (the `base_version` of the next save).
    pub version: i64,
    /// The form.
    pub form: Form,
    /// The template the form follows (gives the indicator frame and dictionaries).
    pub template: Template,
    /// Validation findings of this version.
    pub findings: Vec<Finding>,
    /// Review comments.
    #[serde(default)]
    pub comments: Vec<CommentView>,
    /// The last review's grades, if any.
    #[serde(default)]
    pub grades: Option<Grades>,
    /// The last return reason, if the form was returned.
    #[serde(default)]
    pub return_reason: Option<String>,
    /// What the unit changed since the version that was last returned, if it was.
    #[serde(default)]
    pub changed_since: Option<ChangedSince>,
}

/// The places changed since the last returned version (for the reviewer's second look).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangedSince {
    /// The version that was returned.
    pub version: i64,
    /// JSON Pointers of the changed values.
    pub paths: Vec<String>,
}

/// The form editor page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EditorView {
    /// Page chrome.
    pub chrome: Chrome,
    /// The form and its surroundings.
    pub page: FormPage,
    /// A save refused because someone saved meanwhile: the user's form is in `page`, on top
    /// of the newer version; these are the places where the two differ.
    #[serde(default)]
    pub conflict: Option<Conflict>,
}

/// The differences between the user's unsaved form and the version someone saved meanwhile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// The version saved meanwhile.
    pub version: i64,
    /// The places that differ.
    pub rows: Vec<ConflictRow>,
}

/// One place where the user's form and the newer version differ.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConflictRow {
    /// The place in Chinese.
    pub label: String,
    /// The user's value.
    pub mine: serde_json::Value,
    /// The newer version's value.
    pub theirs: serde_json::Value,
}

/// The review page of a finance reviewer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewView {
    /// Page chrome.
    pub chrome: Chrome,
    /// The form and its surroundings (grades pre-fill the grade fields).
    pub page: FormPage,
    /// Errors of a refused review post, to show above the decision form.
    #[serde(default)]
    pub errors: Vec<String>,
}

/// The read-only view of a form, with export buttons and print.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormViewView {
    /// Page chrome.
    pub chrome: Chrome,
    /// The form and its surroundings.
    pub page: FormPage,
    /// The user may edit the form now (the workflow module decides).
    #[serde(default)]
    pub may_edit: bool,
    /// The user may review the form now (the workflow module decides).
    #[serde(default)]
    pub may_review: bool,
    /// The other workflow steps the user may take now.
    #[serde(default)]
    pub steps: Vec<StepButton>,
}

/// A saved version in the history list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VersionRow {
    /// Version number.
    pub version: i64,
    /// When, as text.
    pub saved_at: String,
    /// Who (display name).
    pub saved_by: String,
    /// Status after the save.
    pub status: String,
    /// What became of the version afterwards (`提交后被退回`, `已批复`), if anything did.
    #[serde(default)]
    pub outcome: String,
}

/// One changed place between two versions (the `/api/forms/{id}/diff` item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffEntry {
    /// JSON Pointer.
    pub path: String,
    /// Where, in the form's Chinese labels with row names (`年度绩效指标 · 第 4 行「预算执行率」 ·
    /// 指标值`); the pointer's generic label when empty.
    #[serde(default)]
    pub label: String,
    /// The value before (`null` when added).
    pub before: serde_json::Value,
    /// The value after (`null` when removed).
    pub after: serde_json::Value,
}

/// A diff between two versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiffView {
    /// The older version.
    pub from: i64,
    /// The newer version.
    pub to: i64,
    /// The changes.
    pub entries: Vec<DiffEntry>,
}

/// An audit-log row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditRow {
    /// When, as text.
    pub at: String,
    /// Who (display name).
    pub user: String,
    /// Action code (`save`, `submit`, `return`, `approve`, `publish`, `adjust`, `create`).
    pub action: String,
    /// Detail in Chinese.
    #[serde(default)]
    pub detail: String,
}

/// The history page: versions, a diff between two of them, the audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryView {
    /// Page chrome.
    pub chrome: Chrome,
    /// Form id.
    pub form_id: i64,
    /// Unit name.
    pub unit_name: String,
    /// Budget year.
    pub fiscal_year: i32,
    /// Versions, any order (shown newest first).
    pub versions: Vec<VersionRow>,
    /// The diff asked for (`?from=&to=`), if any.
    #[serde(default)]
    pub diff: Option<DiffView>,
    /// The audit log.
    pub audit: Vec<AuditRow>,
}

/// The outcome of an import, shown before anything is saved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    /// The uploaded file's name (shown only; never used as a path).
    pub file_name: String,
    /// The imported form.
    pub form: Form,
    /// The importer's report.
    pub report: ImportReport,
    /// Validation findings of the imported form.
    pub findings: Vec<Finding>,
    /// The file names another unit: why it cannot be saved as the user's form.
    #[serde(default)]
    pub unit_mismatch: Option<String>,
    /// The unit's form of the same year, which a confirmation would clash with.
    #[serde(default)]
    pub existing: Option<ExistingForm>,
}

/// The unit's form of a year that an import would clash with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExistingForm {
    /// Form id.
    pub id: i64,
    /// Its status label.
    pub status_label: String,
    /// Current version.
    pub version: i64,
    /// The user may delete it (a draft never submitted).
    pub discardable: bool,
}

/// The start page: a new form from a template, from last year's approved form, or from a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartView {
    /// Page chrome.
    pub chrome: Chrome,
    /// Templates to start from.
    pub templates: Vec<TemplateChoice>,
    /// The budget year proposed.
    pub fiscal_year: i32,
    /// Last year's approved form of the unit, if there is one.
    #[serde(default)]
    pub last_year: Option<FormSummary>,
    /// The result of an upload, to confirm before saving.
    #[serde(default)]
    pub import: Option<ImportPreview>,
    /// Why the upload failed (`无法识别的文件格式`), if it did.
    #[serde(default)]
    pub import_error: Option<String>,
    /// A scan being read by OCR in the background, while it is not done.
    #[serde(default)]
    pub ocr_job: Option<OcrJobProgress>,
}

/// A scan being read by OCR: what the start page shows while it waits (and reloads itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrJobProgress {
    /// The job's id (the page's address).
    pub id: i64,
    /// The uploaded file's name.
    pub file_name: String,
    /// `queued` or `running`.
    pub status: String,
    /// The status in Chinese (`正在识别`).
    pub status_label: String,
    /// Pages read.
    pub pages_done: i64,
    /// Pages to read (0 until known).
    pub pages_total: i64,
    /// Seconds since the upload.
    pub waited_seconds: i64,
}

/// An error page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorView {
    /// Page chrome (user may be `None`).
    pub chrome: Chrome,
    /// HTTP status.
    pub status: u16,
    /// Chinese message for the user.
    pub message: String,
}
