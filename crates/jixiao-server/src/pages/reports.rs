//! The pages after approval (`docs/ui.md`): `/rounds` (a finance user opens rounds and finds
//! their boards; a unit user finds its monitoring and self-evaluation tasks), `/rounds/{id}`
//! (the round board) and `/reports/{id}` (one monitoring report or self-evaluation: the unit
//! fills it in, finance accepts or returns it). Every page calls [`crate::service::reports`].

use axum::extract::{Query, State};
use axum::http::StatusCode;
use jixiao_domain::lifecycle::Colour;
use jixiao_domain::lifecycle::monitoring::{DeviationReason, Likelihood};
use jixiao_domain::{Action, Decision, DocumentKind, FormStatus, Money, Role};
use jixiao_storage::ReportRow;
use jixiao_web::lifecycle::{
    BoardCount, BoardLine, BoardView, BudgetLine, ReportDecision, ReportFinding, ReportLine,
    ReportView, RoundLine, RoundsView, TaskLine, render_board, render_report, render_rounds,
};
use rust_decimal::Decimal;

use super::{Fields, Id, OrPage, PagePost, PageResult, PageUser, people_time, redirect_with_flash};
use crate::error::{ApiError, ApiResult};
use crate::service::reports::{
    self as service, Doc, Evaluation, OpenRound, can, colour_label, round_title,
};
use crate::state::AppState;

/// Today in Beijing as (y, m, d).
fn today() -> (i64, i64, i64) {
    let (y, m, d) = jixiao_storage::beijing_date(jixiao_storage::now_ms());
    (y, i64::from(m), i64::from(d))
}

fn date_text((y, m, d): (i64, i64, i64)) -> String {
    format!("{y}-{m:02}-{d:02}")
}

use crate::service::rounds::{days_left, days_to};

/// Past the deadline while still with the unit.
fn overdue(row: &ReportRow) -> bool {
    row.status.is_open_for_unit() && days_to(&row.deadline).is_some_and(|n| n < 0)
}

fn score_text(row: &ReportRow) -> String {
    match (&row.total, &row.grade) {
        (Some(t), Some(g)) if row.kind == DocumentKind::SelfEvaluation => format!("{t} 分 · {g}"),
        _ => String::new(),
    }
}

/// `GET /rounds`.
pub(crate) async fn rounds_page(State(state): State<AppState>, p: PageUser) -> PageResult {
    let user = &p.cu.user;
    let finance = user.role.is_finance();
    let rounds = service::rounds(&state, user).await.page(&p)?;
    let units = match user.region_id.filter(|_| finance) {
        Some(region) => state
            .db
            .units(Some(region))
            .await
            .map_err(ApiError::from)
            .page(&p)?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect(),
        None => Vec::new(),
    };
    let tasks = service::unit_reports(&state, user).await.page(&p)?;
    let (y, ..) = today();
    let in_a_month = jixiao_storage::beijing_date(jixiao_storage::now_ms() + 30 * 86_400_000);
    let view = RoundsView {
        chrome: p.chrome(None),
        finance,
        rounds: rounds
            .iter()
            .map(|r| RoundLine {
                id: r.id,
                title: round_title(r),
                kind: r.kind.as_str().into(),
                deadline: r.deadline.clone(),
                opened: people_time(r.created_at),
            })
            .collect(),
        tasks: tasks
            .iter()
            .map(|r| TaskLine {
                id: r.id,
                title: task_title(r),
                status: r.status.as_str().into(),
                status_label: r.status.label_for(r.kind).into(),
                deadline: r.deadline.clone(),
                days_left: days_left(&r.deadline),
                overdue: overdue(r),
                colour: r.colour.clone().unwrap_or_default(),
                colour_label: if r.kind == DocumentKind::Monitoring {
                    colour_label(r.colour.as_deref()).into()
                } else {
                    String::new()
                },
                score: score_text(r),
                may_edit: service::may_edit(user, r),
            })
            .collect(),
        default_year: y,
        default_deadline: date_text((
            in_a_month.0,
            i64::from(in_a_month.1),
            i64::from(in_a_month.2),
        )),
        min_deadline: date_text(today()),
        units,
    };
    Ok(p.page(StatusCode::OK, render_rounds(&view)))
}

fn task_title(r: &ReportRow) -> String {
    match r.kind {
        DocumentKind::Monitoring => format!("{}年1-{}月绩效运行监控表", r.fiscal_year, r.month),
        _ => format!("{}年度绩效自评表", r.fiscal_year),
    }
}

/// `POST /rounds`: opens a round, then its board.
pub(crate) async fn open_round(
    State(state): State<AppState>,
    post: PagePost,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    if fields.get("kind") == Some("declaration") {
        return open_declaration(&state, &p, &fields).await;
    }
    let kind = match fields.get("kind") {
        Some("monitoring") => DocumentKind::Monitoring,
        Some("self_evaluation") => DocumentKind::SelfEvaluation,
        _ => {
            return Err(p.err(ApiError::unprocessable(
                "请选择任务：绩效运行监控或绩效自评",
            )));
        }
    };
    let fiscal_year = fields
        .int("fiscal_year")
        .ok_or_else(|| p.err(ApiError::unprocessable("请填写年度")))?;
    let month = match fields.get("month").map(str::trim).filter(|m| !m.is_empty()) {
        None => None,
        Some(m) => Some(m.parse::<i64>().map_err(|_| {
            p.err(ApiError::unprocessable(format!(
                "截止月份「{m}」不是 1–12 的数字"
            )))
        })?),
    };
    let opened = service::open_round(
        &state,
        &p.cu.user,
        OpenRound {
            kind,
            fiscal_year,
            month: month.filter(|_| kind == DocumentKind::Monitoring),
            deadline: fields.get("deadline").unwrap_or("").to_string(),
            region_id: None,
        },
    )
    .await
    .page(&p)?;
    let mut flash = format!(
        "已开启{}：{} 个单位已收到{}",
        round_title(&opened.round),
        opened.created,
        opened.round.kind.label()
    );
    if !opened.skipped.is_empty() {
        flash.push_str(&format!(
            "；{} 个单位没有已批复的申报表，未生成（{}）",
            opened.skipped.len(),
            opened.skipped.join("、")
        ));
    }
    Ok(redirect_with_flash(
        &format!("/rounds/{}", opened.round.id),
        &flash,
    ))
}

/// `POST /rounds` with `kind=declaration`: opens a declaration round over the ticked units.
async fn open_declaration(state: &AppState, p: &PageUser, fields: &Fields) -> PageResult {
    let fiscal_year = fields
        .int("fiscal_year")
        .ok_or_else(|| p.err(ApiError::unprocessable("请填写年度")))?;
    let units: Vec<i64> = fields
        .0
        .iter()
        .filter(|(k, _)| k == "unit")
        .filter_map(|(_, v)| v.trim().parse().ok())
        .collect();
    if units.is_empty() {
        return Err(p.err(ApiError::unprocessable("请至少勾选一个单位")));
    }
    let opened = crate::service::rounds::open(
        state,
        &p.cu.user,
        crate::service::rounds::OpenDeclaration {
            fiscal_year,
            deadline: fields.get("deadline").unwrap_or("").to_string(),
            units: Some(units),
            region_id: None,
        },
    )
    .await
    .page(p)?;
    Ok(redirect_with_flash(
        &format!("/rounds/{}", opened.round.id),
        &format!(
            "已开启{}：{} 个单位的首页会出现这项任务，截止 {}",
            crate::service::rounds::title(&opened.round),
            opened.units.len(),
            opened.round.deadline
        ),
    ))
}

type RawQuery = Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>;

/// `GET /rounds/{id}?sort=unit|status|colour|total|updated`.
pub(crate) async fn board_page(
    State(state): State<AppState>,
    p: PageUser,
    Id(id): Id,
    query: RawQuery,
) -> PageResult {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let round = service::round(&state, &p.cu.user, id).await.page(&p)?;
    if round.kind == DocumentKind::Declaration {
        return super::rounds::board_page(&state, &p, id, &q).await;
    }
    let board = service::board(&state, &p.cu.user, id).await.page(&p)?;
    let sort = q
        .iter()
        .find(|(k, _)| k == "sort")
        .map(|(_, v)| v.as_str())
        .filter(|s| ["unit", "status", "colour", "total", "updated"].contains(s))
        .unwrap_or("unit")
        .to_string();
    let mut rows = board.rows.clone();
    let severity = |c: &Option<String>| match c.as_deref() {
        Some("red") => 0,
        Some("yellow") => 1,
        Some("green") => 2,
        Some("blue") => 3,
        _ => 4,
    };
    let total = |r: &ReportRow| {
        r.total
            .as_deref()
            .and_then(|t| t.parse::<Decimal>().ok())
            .unwrap_or(Decimal::MIN)
    };
    match sort.as_str() {
        "status" => rows.sort_by_key(|r| FormStatus::ALL.iter().position(|s| *s == r.status)),
        "colour" => rows.sort_by_key(|r| severity(&r.colour)),
        "total" => rows.sort_by_key(|r| std::cmp::Reverse(total(r))),
        "updated" => rows.sort_by_key(|r| std::cmp::Reverse(r.updated_at)),
        _ => {}
    }
    let kind = board.round.kind;
    let view = BoardView {
        chrome: p.chrome(None),
        round_id: id,
        title: round_title(&board.round),
        deadline: board.round.deadline.clone(),
        monitoring: kind == DocumentKind::Monitoring,
        rows: rows
            .iter()
            .map(|r| BoardLine {
                id: r.id,
                unit_name: r.unit_name.clone(),
                status: r.status.as_str().into(),
                status_label: r.status.label_for(kind).into(),
                colour: r.colour.clone().unwrap_or_default(),
                colour_label: colour_label(r.colour.as_deref()).into(),
                total: r.total.clone().unwrap_or_default(),
                grade: r.grade.clone().unwrap_or_default(),
                errors: r.errors,
                warnings: r.warnings,
                version: r.version,
                updated_at: people_time(r.updated_at),
                overdue: overdue(r),
            })
            .collect(),
        statuses: board
            .counts
            .statuses
            .iter()
            .map(|(s, n)| BoardCount {
                label: s.label_for(kind).into(),
                class: format!("s-{}", s.as_str()),
                n: *n,
            })
            .collect(),
        outcomes: if kind == DocumentKind::Monitoring {
            board
                .counts
                .colours
                .iter()
                .map(|(c, n)| BoardCount {
                    label: colour_label(Some(c)).into(),
                    class: c.clone(),
                    n: *n,
                })
                .collect()
        } else {
            board
                .counts
                .grades
                .iter()
                .map(|(g, n)| BoardCount {
                    label: g.clone(),
                    class: "grade".into(),
                    n: *n,
                })
                .collect()
        },
        sort,
    };
    Ok(p.page(StatusCode::OK, render_board(&view)))
}

fn light(c: Option<Colour>) -> (String, String) {
    match c {
        Some(c) => (c.as_str().into(), c.label().into()),
        None => (String::new(), "未评".into()),
    }
}

fn money(m: Option<Money>) -> String {
    m.map(|m| m.to_string()).unwrap_or_default()
}

fn decimal(d: Option<Decimal>) -> String {
    d.map(jixiao_domain::lifecycle::dec).unwrap_or_default()
}

/// `GET /reports/{id}`.
pub(crate) async fn report_page(
    State(state): State<AppState>,
    p: PageUser,
    Id(id): Id,
) -> PageResult {
    let user = &p.cu.user;
    let read = service::read(&state, user, id).await.page(&p)?;
    let row = &read.row;
    let rules = read.document.rules(&state);
    let mut view = ReportView {
        chrome: p.chrome(None),
        id,
        kind: row.kind.as_str().into(),
        title: format!("{} · {}", row.unit_name, task_title(row)),
        unit_name: row.unit_name.clone(),
        status: row.status.as_str().into(),
        status_label: row.status.label_for(row.kind).into(),
        version: row.version,
        deadline: format!("{}（{}）", row.deadline, days_left(&row.deadline)),
        month: row.month.clamp(1, 12) as u8,
        declaration_id: row.declaration_id,
        declaration_version: row.declaration_version,
        editable: service::may_edit(user, row),
        may_submit: can(user, row, Action::Submit),
        may_withdraw: can(user, row, Action::Withdraw),
        may_sign_off: can(user, row, Action::SignOff),
        sign_off_label: if user.role == Role::DepartmentReviewer {
            "审核通过，报送财政"
        } else if row.department_review && row.department_id.is_some() {
            "签批，报送主管部门"
        } else {
            "签批，报送财政"
        }
        .into(),
        may_review: can(user, row, Action::Approve),
        may_publish: can(user, row, Action::Publish),
        return_reason: read.return_reason().map(str::to_string),
        budget: Vec::new(),
        budget_rate: String::new(),
        budget_benchmark: String::new(),
        budget_colour: String::new(),
        budget_colour_label: String::new(),
        budget_score: String::new(),
        goal: String::new(),
        goal_colour: String::new(),
        goal_colour_label: String::new(),
        goal_actual: String::new(),
        rows: Vec::new(),
        analysis: String::new(),
        suggestions: String::new(),
        colour: String::new(),
        colour_label: String::new(),
        total: String::new(),
        grade: String::new(),
        declared_total: String::new(),
        findings: read
            .evaluation
            .findings()
            .iter()
            .map(|f| ReportFinding {
                severity: match f.severity {
                    jixiao_domain::Severity::Error => "error",
                    jixiao_domain::Severity::Warning => "warning",
                    jixiao_domain::Severity::Info => "info",
                }
                .into(),
                code: f.code.to_string(),
                path: f.path.clone(),
                message: f.message.clone(),
            })
            .collect(),
        decisions: read
            .reviews
            .iter()
            .map(|r| ReportDecision {
                label: match r.decision {
                    Decision::Approve => "审核通过".into(),
                    Decision::Return => "退回".into(),
                },
                who: r.reviewer_name.clone(),
                at: people_time(r.created_at),
                reason: r.reason.clone(),
                version: r.version,
            })
            .collect(),
        rules_json: serde_json::to_string(&rules).unwrap_or_default(),
        downloads: vec!["pdf".into(), "xlsx".into(), "html".into(), "json".into()],
    };
    let mut last = (String::new(), String::new());
    let mut levels = |l1: &str, l2: &str| {
        let shown = (
            if l1 == last.0 {
                String::new()
            } else {
                l1.to_string()
            },
            if l1 == last.0 && l2 == last.1 {
                String::new()
            } else {
                l2.to_string()
            },
        );
        last = (l1.to_string(), l2.to_string());
        shown
    };
    let target_json = |t: &Option<jixiao_domain::TargetValue>| {
        t.as_ref()
            .and_then(|t| serde_json::to_string(t).ok())
            .unwrap_or_else(|| "null".into())
    };
    match (&read.document, &read.evaluation) {
        (Doc::Monitoring(r), Evaluation::Warnings(w)) => {
            view.budget = r
                .budget
                .iter()
                .enumerate()
                .map(|(i, b)| BudgetLine {
                    index: i,
                    name: b.name.clone(),
                    initial: money(b.initial),
                    budget: money(b.adjusted),
                    executed: money(b.executed),
                    expected: money(b.expected),
                })
                .collect();
            view.budget_rate = decimal(w.budget.rate);
            view.budget_benchmark = jixiao_domain::lifecycle::dec(w.budget.benchmark);
            (view.budget_colour, view.budget_colour_label) = light(w.budget.colour);
            view.goal = r.goal.clone();
            (view.goal_colour, view.goal_colour_label) =
                light(w.goals.first().and_then(|g| g.colour));
            (view.colour, view.colour_label) = light(w.colour);
            view.analysis = r.analysis.clone();
            view.suggestions = r.suggestions.clone();
            view.rows = r
                .indicators
                .iter()
                .zip(&w.indicators)
                .enumerate()
                .map(|(i, (row, l))| {
                    let (level1, level2) = levels(&row.level1, &row.level2);
                    let (colour, colour_label) = light(l.colour);
                    ReportLine {
                        index: i,
                        level1,
                        level2,
                        name: row.name.clone(),
                        target: l.target.clone(),
                        target_json: target_json(&row.target),
                        levels: format!("{}\u{1f}{}", row.level1, row.level2),
                        actual: row.actual.clone(),
                        likelihood: row
                            .likelihood
                            .map(|l| likelihood_code(l).to_string())
                            .unwrap_or_default(),
                        reasons: row.reasons.iter().map(|r| reason_code(*r).into()).collect(),
                        reason_text: row.reason_text.clone(),
                        expected: row.expected.clone(),
                        remark: row.remark.clone(),
                        colour,
                        colour_label,
                        benchmark: decimal(l.benchmark),
                        ratio: decimal(l.ratio),
                        weight: String::new(),
                        score: String::new(),
                        declared_score: String::new(),
                        analysis: String::new(),
                        flags: Vec::new(),
                    }
                })
                .collect();
        }
        (Doc::SelfEvaluation(e), Evaluation::Scores(s)) => {
            view.budget = e
                .budget
                .iter()
                .enumerate()
                .map(|(i, b)| BudgetLine {
                    index: i,
                    name: b.name.clone(),
                    initial: money(b.initial),
                    budget: money(b.full_year),
                    executed: money(b.executed),
                    expected: String::new(),
                })
                .collect();
            view.budget_rate = decimal(s.budget.rate);
            view.budget_benchmark = jixiao_domain::lifecycle::dec(s.budget.weight);
            view.budget_score = decimal(s.budget.score);
            view.goal = e.goal.expected.clone();
            view.goal_actual = e.goal.actual.clone();
            view.analysis = e.analysis.clone();
            view.total = jixiao_domain::lifecycle::dec(s.total);
            view.grade = s.grade.label().into();
            view.declared_total = decimal(e.declared_total);
            view.rows = e
                .indicators
                .iter()
                .zip(&s.indicators)
                .enumerate()
                .map(|(i, (row, sc))| {
                    let (level1, level2) = levels(&row.level1, &row.level2);
                    ReportLine {
                        index: i,
                        level1,
                        level2,
                        name: row.name.clone(),
                        target: sc.target.clone(),
                        target_json: target_json(&row.target),
                        levels: format!("{}\u{1f}{}", row.level1, row.level2),
                        actual: row.actual.clone(),
                        likelihood: String::new(),
                        reasons: Vec::new(),
                        reason_text: String::new(),
                        expected: String::new(),
                        remark: String::new(),
                        colour: String::new(),
                        colour_label: String::new(),
                        benchmark: String::new(),
                        ratio: String::new(),
                        weight: decimal(row.weight),
                        score: decimal(sc.score),
                        declared_score: decimal(row.declared_score),
                        analysis: row.analysis.clone(),
                        flags: sc.flags.iter().map(|f| f.to_string()).collect(),
                    }
                })
                .collect();
        }
        _ => return Err(p.err(ApiError::internal("document and evaluation differ"))),
    }
    Ok(p.page(StatusCode::OK, render_report(&view)))
}

fn likelihood_code(l: Likelihood) -> &'static str {
    match l {
        Likelihood::Certain => "certain",
        Likelihood::Possible => "possible",
        Likelihood::Impossible => "impossible",
    }
}

fn reason_code(r: DeviationReason) -> &'static str {
    match r {
        DeviationReason::Funding => "funding",
        DeviationReason::Rules => "rules",
        DeviationReason::Staff => "staff",
        DeviationReason::Equipment => "equipment",
        DeviationReason::Other => "other",
    }
}

/// An amount field: empty is none; anything else must be an amount.
fn amount_field(fields: &Fields, name: &str, what: &str) -> ApiResult<Option<Money>> {
    match fields.get(name).map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v.parse::<Money>().map(Some).map_err(|_| {
            ApiError::unprocessable(format!("{what}「{v}」不是金额，请填写数字（万元）"))
        }),
    }
}

/// A decimal field (weights, scores): empty is none.
fn decimal_field(fields: &Fields, name: &str, what: &str) -> ApiResult<Option<Decimal>> {
    match fields.get(name).map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => v
            .parse::<Money>()
            .ok()
            .and_then(|m| m.to_string().parse::<Decimal>().ok())
            .map(Some)
            .ok_or_else(|| ApiError::unprocessable(format!("{what}「{v}」不是数字"))),
    }
}

fn text_field(fields: &Fields, name: &str, current: &str) -> String {
    fields
        .get(name)
        .map(|v| v.replace("\r\n", "\n"))
        .unwrap_or_else(|| current.to_string())
}

/// The stored document with the posted fields applied: only what a unit enters (values,
/// likelihoods, reasons, amounts, weights, scores, texts); targets stay as approved.
fn apply_fields(doc: &mut Doc, fields: &Fields) -> ApiResult<()> {
    match doc {
        Doc::Monitoring(r) => {
            for (i, b) in r.budget.iter_mut().enumerate() {
                b.adjusted = amount_field(
                    fields,
                    &format!("b.{i}.budget"),
                    &format!("「{}」调整后预算数", b.name),
                )?;
                b.executed = amount_field(
                    fields,
                    &format!("b.{i}.executed"),
                    &format!("「{}」执行数", b.name),
                )?;
                b.expected = amount_field(
                    fields,
                    &format!("b.{i}.expected"),
                    &format!("「{}」全年预计执行数", b.name),
                )?;
            }
            for (i, row) in r.indicators.iter_mut().enumerate() {
                row.actual = text_field(fields, &format!("a.{i}"), &row.actual)
                    .trim()
                    .to_string();
                if let Some(l) = fields.get(&format!("l.{i}")) {
                    row.likelihood = match l {
                        "certain" => Some(Likelihood::Certain),
                        "possible" => Some(Likelihood::Possible),
                        "impossible" => Some(Likelihood::Impossible),
                        _ => None,
                    };
                }
                let key = format!("r.{i}");
                row.reasons = DeviationReason::ALL
                    .into_iter()
                    .filter(|r| {
                        fields
                            .0
                            .iter()
                            .any(|(k, v)| *k == key && v == reason_code(*r))
                    })
                    .collect();
                row.reason_text = text_field(fields, &format!("rt.{i}"), &row.reason_text);
            }
            r.analysis = text_field(fields, "analysis", &r.analysis);
            r.suggestions = text_field(fields, "suggestions", &r.suggestions);
        }
        Doc::SelfEvaluation(e) => {
            for (i, b) in e.budget.iter_mut().enumerate() {
                b.full_year = amount_field(
                    fields,
                    &format!("b.{i}.budget"),
                    &format!("「{}」全年预算数", b.name),
                )?;
                b.executed = amount_field(
                    fields,
                    &format!("b.{i}.executed"),
                    &format!("「{}」全年执行数", b.name),
                )?;
            }
            for (i, row) in e.indicators.iter_mut().enumerate() {
                row.actual = text_field(fields, &format!("a.{i}"), &row.actual)
                    .trim()
                    .to_string();
                row.weight = decimal_field(
                    fields,
                    &format!("w.{i}"),
                    &format!("「{}」的分值", row.name),
                )?;
                row.declared_score = decimal_field(
                    fields,
                    &format!("ds.{i}"),
                    &format!("「{}」的填报得分", row.name),
                )?;
                row.analysis = text_field(fields, &format!("an.{i}"), &row.analysis);
            }
            e.goal.actual = text_field(fields, "goal_actual", &e.goal.actual);
            e.declared_total = decimal_field(fields, "declared_total", "填报总分")?;
            e.analysis = text_field(fields, "analysis", &e.analysis);
        }
    }
    Ok(())
}

/// `POST /reports/{id}/save` (and `then=submit`): saves the entered values as a new version,
/// then submits when asked; a refused submission comes back to the page with its findings.
pub(crate) async fn save(
    State(state): State<AppState>,
    post: PagePost,
    Id(id): Id,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let user = &p.cu.user;
    let base = fields.int("base_version").ok_or_else(|| {
        p.err(ApiError::unprocessable(
            "缺少所基于的版本号，请刷新页面后重试",
        ))
    })?;
    let read = service::read(&state, user, id).await.page(&p)?;
    let mut doc = read.document;
    apply_fields(&mut doc, &fields).map_err(|e| p.err(e))?;
    let saved = service::save(&state, user, id, base, doc).await.page(&p)?;
    let errors = saved
        .evaluation
        .findings()
        .iter()
        .filter(|f| f.severity == jixiao_domain::Severity::Error)
        .count();
    let to = format!("/reports/{id}");
    if fields.get("then") != Some("submit") {
        let flash = if errors > 0 {
            format!(
                "已保存第 {} 版；还有 {errors} 处错误，改正后才能提交",
                saved.version
            )
        } else {
            format!("已保存第 {} 版", saved.version)
        };
        return Ok(redirect_with_flash(&to, &flash));
    }
    match service::step(&state, user, id, Action::Submit, Some(saved.version), "").await {
        Ok(s) => Ok(redirect_with_flash(
            &to,
            &format!(
                "已保存第 {} 版并提交，状态：{}",
                saved.version, s.status_label
            ),
        )),
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => Ok(redirect_with_flash(
            &to,
            &format!(
                "已保存第 {} 版，但未能提交：{}（见下方检查结果）",
                saved.version, e.message
            ),
        )),
        Err(e) => Err(p.err(e)),
    }
}

/// `POST /reports/{id}/step` with `action` = `approve`, `return`, `sign_off`, `withdraw`,
/// `publish` (and `reason`).
pub(crate) async fn step(
    State(state): State<AppState>,
    post: PagePost,
    Id(id): Id,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let action = match fields.get("action") {
        Some("approve") => Action::Approve,
        Some("return") => Action::Return,
        Some("sign_off") => Action::SignOff,
        Some("withdraw") => Action::Withdraw,
        Some("publish") => Action::Publish,
        _ => return Err(p.err(ApiError::unprocessable("未知的操作"))),
    };
    let reason = fields.get("reason").unwrap_or("");
    let s = service::step(&state, &p.cu.user, id, action, None, reason)
        .await
        .page(&p)?;
    Ok(redirect_with_flash(
        &format!("/reports/{id}"),
        &format!("{}完成，状态：{}", action.label(), s.status_label),
    ))
}
