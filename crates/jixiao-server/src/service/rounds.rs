//! Declaration rounds (填报任务): the finance bureau's campaign for a region and year. A round
//! of kind `declaration` covers every unit of the region or chosen ones; each unit sees it on
//! its home page with the days left. Closing the round stops new submissions (a reviewer may
//! reopen one unit for a late one). The round board lists every covered unit with the status of
//! its form of the year (未开始 when it has none), its errors and warnings once the form has
//! reached the finance bureau, and its last change, overdue highlighted; batch actions approve
//! (with one grade), return (with one comment) or remind, one transaction per form, skipping
//! and listing what cannot take the step.

use jixiao_domain::{Decision, DocumentKind, FormStatus, Grade};
use jixiao_storage::{FormRow, ListFilter, Notice, Round, RoundUnit, StorageError, User};
use serde::Serialize;

use super::reports::{check_year, future_deadline, round_region};
use super::workflow::{Grades, ReviewInput};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// What opening a declaration round asks.
#[derive(Debug, Clone)]
pub struct OpenDeclaration {
    /// Budget year.
    pub fiscal_year: i64,
    /// Deadline, `YYYY-MM-DD`, today or later.
    pub deadline: String,
    /// The units it covers; `None` for every unit of the region.
    pub units: Option<Vec<i64>>,
    /// Region (an administrator must name one; a reviewer's is its own).
    pub region_id: Option<i64>,
}

/// The answer to opening a declaration round.
#[derive(Debug, Clone, Serialize)]
pub struct OpenedDeclaration {
    /// The round.
    pub round: Round,
    /// The units it covers.
    pub units: Vec<RoundUnit>,
}

/// Opens a declaration round. A deadline in the past, a unit of another region (or unknown)
/// and an empty choice are refused with 422; a second round of the region and year with 409.
pub async fn open(
    state: &AppState,
    user: &User,
    input: OpenDeclaration,
) -> ApiResult<OpenedDeclaration> {
    let region_id = round_region(user, input.region_id)?;
    check_year(input.fiscal_year)?;
    let deadline = future_deadline(&input.deadline)?;
    let region_units = state.db.units(Some(region_id)).await?;
    let chosen: Vec<i64> = match input.units {
        None => region_units.iter().map(|u| u.id).collect(),
        Some(ids) => {
            let mut ids = ids;
            ids.sort_unstable();
            ids.dedup();
            let foreign: Vec<String> = ids
                .iter()
                .filter(|id| !region_units.iter().any(|u| u.id == **id))
                .map(i64::to_string)
                .collect();
            if !foreign.is_empty() {
                return Err(ApiError::unprocessable(format!(
                    "单位（编号 {}）不属于本区划，不能列入本区划的填报任务",
                    foreign.join("、")
                )));
            }
            ids
        }
    };
    if chosen.is_empty() {
        return Err(ApiError::unprocessable(
            "填报任务至少要包含一个单位（本区划还没有单位时，请先由管理员建立单位）",
        ));
    }
    let mut tx = state.db.begin_write().await?;
    let round_id = tx
        .create_round(&jixiao_storage::reports::NewRound {
            region_id,
            kind: DocumentKind::Declaration,
            fiscal_year: input.fiscal_year,
            month: 0,
            deadline: &deadline,
            opened_by: user.id,
        })
        .await
        .map_err(|e| match e {
            StorageError::Duplicate(_) => ApiError::conflict(
                "round_exists",
                format!(
                    "本区划 {} 年度的申报填报任务已经开启，请在原任务中调整",
                    input.fiscal_year
                ),
            ),
            other => other.into(),
        })?;
    for unit in &chosen {
        tx.add_round_unit(round_id, *unit).await?;
    }
    tx.append_audit(
        jixiao_storage::Subject::default(),
        Some(user.id),
        "round.open",
        &format!(
            "开启 {} 年度申报填报任务（{} 个单位，截止 {deadline}）",
            input.fiscal_year,
            chosen.len()
        ),
        jixiao_storage::Outcome::Ok,
    )
    .await?;
    tx.commit().await?;
    let round = state
        .db
        .round(round_id)
        .await?
        .ok_or_else(|| ApiError::internal("round vanished"))?;
    let units = state.db.round_units(round_id).await?;
    Ok(OpenedDeclaration { round, units })
}

/// A declaration round the user may run: the reviewers of its region; 404 otherwise (its
/// existence does not leak); 409 for a monitoring or self-evaluation round.
pub async fn declaration_round(state: &AppState, user: &User, id: i64) -> ApiResult<Round> {
    let round = super::reports::round(state, user, id).await?;
    if round.kind != DocumentKind::Declaration {
        return Err(ApiError::conflict(
            "not_a_declaration_round",
            "这是监控或自评任务，不是申报填报任务：截止、重新开放和批量操作只用于申报填报任务",
        ));
    }
    Ok(round)
}

/// Closes a round: no new submissions from then on (409 when already closed).
pub async fn close(state: &AppState, user: &User, id: i64) -> ApiResult<Round> {
    let round = declaration_round(state, user, id).await?;
    let mut tx = state.db.begin_write().await?;
    if !tx.close_round(id, user.id).await? {
        return Err(ApiError::conflict("round_closed", "这个填报任务已经截止"));
    }
    tx.append_audit(
        jixiao_storage::Subject::default(),
        Some(user.id),
        "round.close",
        &format!("截止{}", title(&round)),
        jixiao_storage::Outcome::Ok,
    )
    .await?;
    tx.commit().await?;
    state
        .db
        .round(id)
        .await?
        .ok_or_else(|| ApiError::internal("round vanished"))
}

/// Reopens one unit of a closed round, so that it may submit late (409 while the round is
/// open or when the unit was already reopened; 422 for a unit the round does not cover).
pub async fn reopen(state: &AppState, user: &User, id: i64, unit_id: i64) -> ApiResult<RoundUnit> {
    let round = declaration_round(state, user, id).await?;
    if round.closed_at.is_none() {
        return Err(ApiError::conflict(
            "round_open",
            "填报任务尚未截止，单位仍可提交，不需要重新开放",
        ));
    }
    let units = state.db.round_units(id).await?;
    let Some(unit) = units.into_iter().find(|u| u.unit_id == unit_id) else {
        return Err(ApiError::unprocessable(format!(
            "单位（编号 {unit_id}）不在这个填报任务中"
        )));
    };
    let mut tx = state.db.begin_write().await?;
    if !tx.reopen_round_unit(id, unit_id, user.id).await? {
        return Err(ApiError::conflict(
            "already_reopened",
            format!("已经为{}重新开放过", unit.name),
        ));
    }
    tx.add_notice(
        unit_id,
        Some(id),
        &format!(
            "财政部门已为本单位重新开放{}，可以补交申报表。",
            title(&round)
        ),
        user.id,
    )
    .await?;
    tx.append_audit(
        jixiao_storage::Subject::default(),
        Some(user.id),
        "round.reopen",
        &format!("为{}重新开放{}", unit.name, title(&round)),
        jixiao_storage::Outcome::Ok,
    )
    .await?;
    tx.commit().await?;
    Ok(RoundUnit {
        reopened_at: Some(jixiao_storage::now_ms()),
        ..unit
    })
}

/// The title of a declaration round (`阳新县2026年度绩效目标申报`).
pub fn title(round: &Round) -> String {
    format!("{}{}年度绩效目标申报", round.region_name, round.fiscal_year)
}

/// The status of a unit on the board: its form's, or 未开始.
pub fn status_code(status: Option<FormStatus>) -> &'static str {
    status.map_or("not_started", FormStatus::as_str)
}

/// The label of [`status_code`].
pub fn status_label(status: Option<FormStatus>) -> &'static str {
    status.map_or("未开始", FormStatus::label)
}

/// One unit on the board.
#[derive(Debug, Clone, Serialize)]
pub struct BoardLine {
    /// Unit id.
    pub unit_id: i64,
    /// Unit code.
    pub unit_code: String,
    /// Unit name.
    pub unit_name: String,
    /// Its form of the year.
    pub form_id: Option<i64>,
    /// `not_started`, `draft`, `awaiting_sign_off`, `awaiting_department`, `submitted`, `returned`, `approved`,
    /// `published`.
    pub status: &'static str,
    /// 未开始, 草稿 ….
    pub status_label: &'static str,
    /// Current version.
    pub version: Option<i64>,
    /// Errors of the current version, once the form has reached the finance bureau.
    pub errors: Option<i64>,
    /// Warnings, likewise.
    pub warnings: Option<i64>,
    /// Last change (Unix ms).
    pub updated_at: Option<i64>,
    /// Past the deadline and not submitted.
    pub overdue: bool,
    /// Reopened after the close.
    pub reopened: bool,
    /// The finance side may open the form (it has reached the finance bureau).
    pub visible: bool,
}

/// A count on the board (`已提交 3`).
#[derive(Debug, Clone, Serialize)]
pub struct BoardCount {
    /// Status code.
    pub status: &'static str,
    /// Label.
    pub label: &'static str,
    /// How many.
    pub n: usize,
}

/// The declaration round board.
#[derive(Debug, Clone, Serialize)]
pub struct DeclarationBoard {
    /// The round.
    pub round: Round,
    /// Title.
    pub title: String,
    /// Rows after the filter, in the chosen order.
    pub rows: Vec<BoardLine>,
    /// Units in the round (before the filter).
    pub units: usize,
    /// Counts by status (before the filter), in the order of the year.
    pub counts: Vec<BoardCount>,
    /// Units past the deadline and not submitted.
    pub overdue: usize,
}

/// Filter and order of the board.
#[derive(Debug, Clone, Default)]
pub struct BoardQuery {
    /// Only this status code (`not_started` …).
    pub status: Option<String>,
    /// Only overdue units.
    pub overdue: bool,
    /// Unit name or code contains this text.
    pub q: Option<String>,
    /// `unit` (default), `status`, `errors`, `updated`.
    pub sort: Option<String>,
}

/// The board's statuses in the order of the year.
pub const BOARD_STATUSES: [Option<FormStatus>; 8] = [
    None,
    Some(FormStatus::Draft),
    Some(FormStatus::AwaitingSignOff),
    Some(FormStatus::AwaitingDepartment),
    Some(FormStatus::Submitted),
    Some(FormStatus::Returned),
    Some(FormStatus::Approved),
    Some(FormStatus::Published),
];

fn still_with_unit(status: Option<FormStatus>) -> bool {
    // A form waiting for its department in charge has left the unit on time.
    status.is_none_or(|s| s.is_open_for_unit() || s == FormStatus::AwaitingSignOff)
}

/// Days from today (Beijing) to a `YYYY-MM-DD` deadline; negative when past.
pub fn days_to(deadline: &str) -> Option<i64> {
    let mut parts = deadline.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let (ty, tm, td) = jixiao_storage::beijing_date(jixiao_storage::now_ms());
    Some(civil_day(y, m, d) - civil_day(ty, i64::from(tm), i64::from(td)))
}

/// Days since the civil epoch (Howard Hinnant's algorithm).
fn civil_day(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe
}

/// `还剩 5 天`, `今天截止`, `已逾期 2 天`.
pub fn days_left(deadline: &str) -> String {
    match days_to(deadline) {
        Some(0) => "今天截止".into(),
        Some(n) if n > 0 => format!("还剩 {n} 天"),
        Some(n) => format!("已逾期 {} 天", -n),
        None => String::new(),
    }
}

/// The board of a declaration round.
pub async fn board(
    state: &AppState,
    user: &User,
    id: i64,
    query: &BoardQuery,
) -> ApiResult<DeclarationBoard> {
    let round = declaration_round(state, user, id).await?;
    let units = state.db.round_units(id).await?;
    let forms = state
        .db
        .list_forms(&ListFilter {
            region_id: Some(round.region_id),
            fiscal_year: Some(round.fiscal_year),
            limit: 1_000_000,
            ..ListFilter::default()
        })
        .await?;
    let by_unit: std::collections::HashMap<i64, &FormRow> =
        forms.iter().map(|f| (f.unit_id, f)).collect();
    let past = days_to(&round.deadline).is_some_and(|n| n < 0);
    let all: Vec<BoardLine> = units
        .iter()
        .map(|u| {
            let form = by_unit.get(&u.unit_id);
            let status = form.map(|f| f.status);
            let visible = form
                .is_some_and(|f| f.reached_finance_at.is_some() || f.approved_version.is_some());
            BoardLine {
                unit_id: u.unit_id,
                unit_code: u.code.clone(),
                unit_name: u.name.clone(),
                form_id: form.map(|f| f.id),
                status: status_code(status),
                status_label: status_label(status),
                version: form.map(|f| f.version),
                errors: form.filter(|_| visible).map(|f| f.errors),
                warnings: form.filter(|_| visible).map(|f| f.warnings),
                updated_at: form.map(|f| f.updated_at),
                overdue: past && still_with_unit(status),
                reopened: u.reopened_at.is_some(),
                visible,
            }
        })
        .collect();
    let counts = BOARD_STATUSES
        .iter()
        .map(|s| BoardCount {
            status: status_code(*s),
            label: status_label(*s),
            n: all.iter().filter(|l| l.status == status_code(*s)).count(),
        })
        .collect();
    let overdue = all.iter().filter(|l| l.overdue).count();
    let needle = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let mut rows: Vec<BoardLine> = all
        .into_iter()
        .filter(|l| {
            query
                .status
                .as_deref()
                .is_none_or(|s| s.is_empty() || l.status == s)
        })
        .filter(|l| !query.overdue || l.overdue)
        .filter(|l| needle.is_none_or(|q| l.unit_name.contains(q) || l.unit_code.contains(q)))
        .collect();
    let order = |code: &str| BOARD_STATUSES.iter().position(|s| status_code(*s) == code);
    match query.sort.as_deref() {
        Some("status") => rows.sort_by_key(|l| order(l.status)),
        Some("errors") => rows.sort_by_key(|l| std::cmp::Reverse(l.errors.unwrap_or(-1))),
        Some("updated") => rows.sort_by_key(|l| std::cmp::Reverse(l.updated_at.unwrap_or(0))),
        _ => {}
    }
    Ok(DeclarationBoard {
        title: title(&round),
        round,
        rows,
        units: units.len(),
        counts,
        overdue,
    })
}

/// A batch action of the board.
#[derive(Debug, Clone)]
pub enum BatchAction {
    /// Approve every chosen submitted form without errors, with one grade for all four
    /// aspects (优 or 良).
    Approve(Grade),
    /// Return every chosen submitted form with one comment.
    Return(String),
    /// Remind every chosen unit that has not submitted (an in-app notice), with an optional
    /// word of the reviewer's.
    Remind(String),
}

/// What a batch did: the units it went through for, and the ones it skipped with why.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BatchOutcome {
    /// Units done.
    pub done: Vec<String>,
    /// (unit, why) of the units skipped.
    pub skipped: Vec<(String, String)>,
}

/// Runs a batch over chosen units of the round: each form in its own transaction, so one that
/// cannot take the step (errors, a wrong status, a concurrent change) is skipped and listed
/// while the others go through.
pub async fn batch(
    state: &AppState,
    user: &User,
    id: i64,
    action: BatchAction,
    unit_ids: &[i64],
) -> ApiResult<BatchOutcome> {
    if unit_ids.is_empty() {
        return Err(ApiError::unprocessable("请先勾选单位"));
    }
    if unit_ids.len() > 5000 {
        return Err(ApiError::unprocessable("一次最多处理 5000 个单位"));
    }
    match &action {
        BatchAction::Approve(g) if !g.passes() => {
            return Err(ApiError::unprocessable(
                "批量通过只能评为「优」或「良」；评为「中」或「差」的申报表应逐份退回修改",
            ));
        }
        BatchAction::Return(reason) if reason.trim().is_empty() => {
            return Err(ApiError::unprocessable("批量退回时须填写退回意见"));
        }
        BatchAction::Return(reason) | BatchAction::Remind(reason)
            if reason.chars().count() > 5000 =>
        {
            return Err(ApiError::unprocessable("意见不能超过 5000 字"));
        }
        _ => {}
    }
    let board = board(state, user, id, &BoardQuery::default()).await?;
    let mut outcome = BatchOutcome::default();
    for unit_id in unit_ids {
        let Some(line) = board.rows.iter().find(|l| l.unit_id == *unit_id) else {
            outcome
                .skipped
                .push((format!("单位编号 {unit_id}"), "不在这个填报任务中".into()));
            continue;
        };
        let name = line.unit_name.clone();
        let result = match (skip_reason(&action, line), &action) {
            (Some(why), _) => Err(why),
            (None, BatchAction::Remind(word)) => {
                remind(state, user, &board.round, line, word).await
            }
            (None, BatchAction::Approve(grade)) => {
                review(state, user, line, Decision::Approve, "", *grade).await
            }
            (None, BatchAction::Return(reason)) => {
                review(state, user, line, Decision::Return, reason, Grade::Good).await
            }
        };
        match result {
            Ok(()) => outcome.done.push(name),
            Err(why) => outcome.skipped.push((name, why)),
        }
    }
    Ok(outcome)
}

/// Why a unit on the board cannot take a batch action now, judged on its line (the step itself
/// judges again in its transaction): approve and return take submitted forms (approve only
/// without errors); a reminder goes to units that have not submitted.
pub fn skip_reason(action: &BatchAction, line: &BoardLine) -> Option<String> {
    let submitted = line.status == FormStatus::Submitted.as_str();
    let status = BOARD_STATUSES
        .iter()
        .find(|s| status_code(**s) == line.status)
        .copied()
        .flatten();
    match action {
        BatchAction::Approve(_) | BatchAction::Return(_) if !submitted => {
            Some(format!("状态为「{}」，不是待审核", line.status_label))
        }
        BatchAction::Approve(_) if line.errors.unwrap_or(0) > 0 => Some(format!(
            "当前版本有 {} 处错误，请逐份审核",
            line.errors.unwrap_or(0)
        )),
        BatchAction::Remind(_) if !still_with_unit(status) => {
            Some(format!("状态为「{}」，不需要提醒", line.status_label))
        }
        _ => None,
    }
}

async fn review(
    state: &AppState,
    user: &User,
    line: &BoardLine,
    decision: Decision,
    reason: &str,
    grade: Grade,
) -> Result<(), String> {
    let form_id = line.form_id.ok_or("还没有申报表")?;
    let input = ReviewInput {
        decision,
        reason: reason.trim().to_string(),
        grades: Grades {
            completeness: grade,
            relevance: grade,
            suitability: grade,
            feasibility: grade,
        },
        comments: Vec::new(),
    };
    super::workflow::review(state, user, form_id, input)
        .await
        .map(|_| ())
        .map_err(|e| e.message)
}

async fn remind(
    state: &AppState,
    user: &User,
    round: &Round,
    line: &BoardLine,
    word: &str,
) -> Result<(), String> {
    let mut body = format!(
        "请于 {} 前提交{}年度部门整体绩效目标申报表（{}）。",
        round.deadline,
        round.fiscal_year,
        title(round)
    );
    if !word.trim().is_empty() {
        body.push_str(word.trim());
    }
    let run = async {
        let mut tx = state.db.begin_write().await?;
        tx.add_notice(line.unit_id, Some(round.id), &body, user.id)
            .await?;
        tx.append_audit(
            jixiao_storage::Subject::default(),
            Some(user.id),
            "round.remind",
            &format!("提醒{}：{body}", line.unit_name),
            jixiao_storage::Outcome::Ok,
        )
        .await?;
        tx.commit().await?;
        Ok::<(), StorageError>(())
    };
    run.await.map_err(|e| ApiError::from(e).message)
}

/// A unit's declaration task, as its home page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct UnitTask {
    /// Round id.
    pub round_id: i64,
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
    /// The round is closed.
    pub closed: bool,
    /// The unit may submit (open, or reopened for it).
    pub may_submit: bool,
}

/// The declaration tasks of the user's unit (unit roles), newest year first.
pub async fn unit_tasks(state: &AppState, user: &User) -> ApiResult<Vec<UnitTask>> {
    let Some(unit) = user.unit_id.filter(|_| user.role.is_unit_role()) else {
        return Ok(Vec::new());
    };
    let rounds = state.db.declaration_rounds_of_unit(unit).await?;
    Ok(rounds
        .into_iter()
        .map(|(round, entry)| UnitTask {
            round_id: round.id,
            title: title(&round),
            fiscal_year: round.fiscal_year,
            days_left: days_left(&round.deadline),
            past: days_to(&round.deadline).is_some_and(|n| n < 0),
            closed: round.closed_at.is_some(),
            may_submit: entry.may_submit(&round),
            deadline: round.deadline,
        })
        .collect())
}

/// The unread notices of the user's unit (unit roles); 403 for other roles.
pub async fn notices(state: &AppState, user: &User) -> ApiResult<Vec<Notice>> {
    match user.unit_id.filter(|_| user.role.is_unit_role()) {
        Some(unit) => Ok(state.db.unread_notices(unit).await?),
        None => Err(ApiError::forbidden("提醒只发给单位用户")),
    }
}

/// Marks notices of the user's unit read (ids of other units are ignored).
pub async fn mark_read(state: &AppState, user: &User, ids: &[i64]) -> ApiResult<()> {
    let Some(unit) = user.unit_id.filter(|_| user.role.is_unit_role()) else {
        return Err(ApiError::forbidden("提醒只发给单位用户"));
    };
    if ids.len() > 1000 {
        return Err(ApiError::unprocessable("一次最多标记 1000 条提醒"));
    }
    let mut tx = state.db.begin_write().await?;
    tx.mark_notices_read(unit, ids).await?;
    tx.commit().await?;
    Ok(())
}

/// Refuses a submission while the declaration round covering the form's unit and year is
/// closed and has not been reopened for the unit (409).
pub(crate) async fn check_submission_open(
    tx: &mut jixiao_storage::WriteTx,
    row: &FormRow,
) -> ApiResult<()> {
    if let Some((round, entry)) = tx
        .declaration_round_for(row.unit_id, row.fiscal_year)
        .await?
        && !entry.may_submit(&round)
    {
        let when = round
            .closed_at
            .map(|ms| jixiao_storage::format_for_people(ms, jixiao_storage::now_ms()))
            .unwrap_or_default();
        return Err(ApiError::conflict(
            "round_closed",
            format!(
                "{}已于 {when} 截止，不再接受提交；如需补交，请联系财政部门为本单位重新开放",
                title(&round)
            ),
        ));
    }
    Ok(())
}

/// The board as a workbook: one row per unit with its status, errors, warnings, last change
/// and whether it is overdue, then the counts.
pub fn write_board(board: &DeclarationBoard) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, FormatBorder, Workbook};
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("填报任务看板")?;
    let title_format = Format::new().set_bold().set_font_size(14);
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#E8EEF5");
    let cell = Format::new().set_border(FormatBorder::Thin);
    let late = Format::new()
        .set_border(FormatBorder::Thin)
        .set_font_color("#B42318");
    ws.write_string_with_format(0, 0, &board.title, &title_format)?;
    let closed = if board.round.closed_at.is_some() {
        "（已截止）"
    } else {
        ""
    };
    ws.write_string(
        1,
        0,
        format!(
            "截止日期 {}{closed}，共 {} 个单位，逾期未提交 {} 个",
            board.round.deadline, board.units, board.overdue
        ),
    )?;
    let heads = [
        "单位编码",
        "单位",
        "状态",
        "版本",
        "错误",
        "警告",
        "最后修改",
        "逾期",
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &head)?;
    }
    let mut r = 4u32;
    for line in &board.rows {
        let f = if line.overdue { &late } else { &cell };
        ws.write_string_with_format(r, 0, &line.unit_code, f)?;
        ws.write_string_with_format(r, 1, &line.unit_name, f)?;
        ws.write_string_with_format(r, 2, line.status_label, f)?;
        let num = |v: Option<i64>| v.map(|n| n as f64);
        match num(line.version) {
            Some(v) => ws.write_number_with_format(r, 3, v, f)?,
            None => ws.write_blank(r, 3, f)?,
        };
        match num(line.errors) {
            Some(v) => ws.write_number_with_format(r, 4, v, f)?,
            None => ws.write_blank(r, 4, f)?,
        };
        match num(line.warnings) {
            Some(v) => ws.write_number_with_format(r, 5, v, f)?,
            None => ws.write_blank(r, 5, f)?,
        };
        ws.write_string_with_format(
            r,
            6,
            line.updated_at
                .map(|ms| jixiao_storage::format_for_people(ms, jixiao_storage::now_ms()))
                .unwrap_or_default(),
            f,
        )?;
        ws.write_string_with_format(r, 7, if line.overdue { "是" } else { "" }, f)?;
        r += 1;
    }
    r += 1;
    ws.write_string_with_format(r, 0, "状态", &head)?;
    ws.write_string_with_format(r, 1, "单位数", &head)?;
    for c in &board.counts {
        r += 1;
        ws.write_string_with_format(r, 0, c.label, &cell)?;
        ws.write_number_with_format(r, 1, c.n as f64, &cell)?;
    }
    ws.set_column_width(0, 14)?;
    ws.set_column_width(1, 30)?;
    ws.set_column_width(2, 12)?;
    ws.set_column_width(6, 18)?;
    ws.set_freeze_panes(4, 0)?;
    wb.save_to_buffer()
}

/// The content type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The board of a declaration round as a workbook, with its file name.
pub async fn board_workbook(
    state: &AppState,
    user: &User,
    id: i64,
) -> ApiResult<(Vec<u8>, String)> {
    let board = board(state, user, id, &BoardQuery::default()).await?;
    let name = format!("{}填报任务看板.xlsx", board.title);
    super::audit_event(
        state,
        user.id,
        jixiao_storage::Subject::default(),
        "download",
        &format!("下载填报任务看板：{name}"),
        jixiao_storage::Outcome::Ok,
    )
    .await?;
    let bytes = state
        .jobs
        .run(move || write_board(&board))
        .await?
        .map_err(|e| ApiError::internal(format!("board workbook failed: {e}")))?;
    Ok((bytes, name))
}

/// The region summary workbook (汇总表) of the round: the current versions of the covered
/// units' forms that have reached the finance bureau, as `jixiao summary` writes it.
pub async fn summary_workbook(
    state: &AppState,
    user: &User,
    id: i64,
) -> ApiResult<(Vec<u8>, String)> {
    let round = declaration_round(state, user, id).await?;
    let units = state.db.round_units(id).await?;
    let forms = state
        .db
        .list_forms(&ListFilter {
            region_id: Some(round.region_id),
            fiscal_year: Some(round.fiscal_year),
            limit: 1_000_000,
            finance_only: true,
            ..ListFilter::default()
        })
        .await?;
    let mut rows: Vec<FormRow> = forms
        .into_iter()
        .filter(|f| units.iter().any(|u| u.unit_id == f.unit_id))
        .collect();
    rows.sort_by(|a, b| a.unit_name.cmp(&b.unit_name));
    let (bytes, _) = super::summary::workbook_of(state, user, &rows).await?;
    Ok((bytes, format!("{}汇总表.xlsx", title(&round))))
}
