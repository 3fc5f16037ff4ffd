//! The pages of a declaration round (填报任务): its board at `/rounds/{id}` (reached through
//! [`super::reports::board_page`], which serves every kind of round), the batch actions behind
//! a confirmation page, closing the round and reopening one unit. Every page calls
//! [`crate::service::rounds`].

use axum::extract::State;
use axum::http::StatusCode;
use jixiao_web::declaration::{
    BatchConfirmView, DeclarationBoardView, DeclarationCount, DeclarationLine,
    render_batch_confirm, render_declaration_board,
};

use super::{Fields, Id, OrPage, PagePost, PageResult, PageUser, people_time, redirect_with_flash};
use crate::api::rounds::batch_action;
use crate::error::ApiError;
use crate::service::rounds::{self as service, BatchAction, BoardLine, BoardQuery};
use crate::state::AppState;

fn line(l: &BoardLine) -> DeclarationLine {
    DeclarationLine {
        unit_id: l.unit_id,
        unit_code: l.unit_code.clone(),
        unit_name: l.unit_name.clone(),
        form_id: l.form_id.filter(|_| l.visible),
        status: l.status.into(),
        status_label: l.status_label.into(),
        version: l.version.map(|v| format!("第 {v} 版")).unwrap_or_default(),
        errors: l.errors,
        warnings: l.warnings,
        updated_at: l.updated_at.map(people_time).unwrap_or_default(),
        overdue: l.overdue,
        reopened: l.reopened,
    }
}

/// `GET /rounds/{id}?status=&overdue=&q=&sort=` of a declaration round.
pub(crate) async fn board_page(
    state: &AppState,
    p: &PageUser,
    id: i64,
    q: &[(String, String)],
) -> PageResult {
    let value = |k: &str| {
        q.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let sort = value("sort")
        .filter(|s| ["unit", "status", "errors", "updated"].contains(&s.as_str()))
        .unwrap_or_else(|| "unit".into());
    let query = BoardQuery {
        status: value("status"),
        overdue: value("overdue").is_some_and(|v| v == "true" || v == "1"),
        q: value("q").map(|s| s.chars().take(100).collect()),
        sort: Some(sort.clone()),
    };
    let board = service::board(state, &p.cu.user, id, &query)
        .await
        .page(p)?;
    let mut filter_query = String::new();
    for (key, value) in [
        ("status", query.status.clone()),
        ("q", query.q.clone()),
        ("overdue", query.overdue.then(|| "true".to_string())),
    ] {
        if let Some(v) = value {
            filter_query.push_str(&format!("&{key}={}", super::pct_encode(&v)));
        }
    }
    let view = DeclarationBoardView {
        chrome: p.chrome(None),
        round_id: id,
        title: board.title.clone(),
        deadline: board.round.deadline.clone(),
        days_left: service::days_left(&board.round.deadline),
        closed: board.round.closed_at.map(people_time).unwrap_or_default(),
        units: board.units,
        overdue: board.overdue,
        counts: board
            .counts
            .iter()
            .map(|c| DeclarationCount {
                status: c.status.into(),
                label: c.label.into(),
                n: c.n,
            })
            .collect(),
        rows: board.rows.iter().map(line).collect(),
        status: query.status.unwrap_or_default(),
        only_overdue: query.overdue,
        q: query.q.unwrap_or_default(),
        sort,
        filter_query,
    };
    Ok(p.page(StatusCode::OK, render_declaration_board(&view)))
}

/// A flash message small enough for its cookie: counts, and the first names skipped.
fn outcome_flash(label: &str, done: usize, skipped: &[(String, String)]) -> String {
    let mut flash = format!("{label}：已办理 {done} 个单位");
    if !skipped.is_empty() {
        flash.push_str(&format!("；跳过 {} 个：", skipped.len()));
        let shown: Vec<String> = skipped
            .iter()
            .take(8)
            .map(|(u, why)| format!("{u}（{why}）"))
            .collect();
        flash.push_str(&shown.join("、"));
        if skipped.len() > 8 {
            flash.push_str(" 等");
        }
    }
    flash.chars().take(600).collect()
}

/// `POST /rounds/{id}/batch`: first the confirmation (which units go, which are skipped and
/// why), then, with `confirmed`, the batch.
pub(crate) async fn batch(
    State(state): State<AppState>,
    post: PagePost,
    Id(id): Id,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let units: Vec<i64> = fields
        .0
        .iter()
        .filter(|(k, _)| k == "unit")
        .filter_map(|(_, v)| v.trim().parse().ok())
        .collect();
    let action_code = fields.get("action").unwrap_or("").to_string();
    let action = batch_action(&action_code, fields.get("grade"), fields.get("comment"))
        .map_err(|e| p.err(e))?;
    let label = match &action {
        BatchAction::Approve(_) => "批量通过",
        BatchAction::Return(_) => "批量退回",
        BatchAction::Remind(_) => "提醒",
    };
    if units.is_empty() {
        return Err(p.err(ApiError::unprocessable(
            "请先在看板上勾选单位，再选择批量操作",
        )));
    }
    if let BatchAction::Return(reason) = &action
        && reason.trim().is_empty()
    {
        return Err(p.err(ApiError::unprocessable("批量退回时须填写退回意见")));
    }
    if fields.get("confirmed") == Some("1") {
        let outcome = service::batch(&state, &p.cu.user, id, action, &units)
            .await
            .page(&p)?;
        let flash = outcome_flash(label, outcome.done.len(), &outcome.skipped);
        return Ok(redirect_with_flash(&format!("/rounds/{id}"), &flash));
    }
    let board = service::board(&state, &p.cu.user, id, &BoardQuery::default())
        .await
        .page(&p)?;
    let mut going = Vec::new();
    let mut skipped = Vec::new();
    for unit in &units {
        match board.rows.iter().find(|l| l.unit_id == *unit) {
            None => skipped.push((format!("单位编号 {unit}"), "不在这个填报任务中".into())),
            Some(l) => match service::skip_reason(&action, l) {
                Some(why) => skipped.push((l.unit_name.clone(), why)),
                None => going.push(line(l)),
            },
        }
    }
    let (grade, comment, explanation) = match &action {
        BatchAction::Approve(g) => (
            g.label().to_string(),
            String::new(),
            format!(
                "下列申报表将逐份审核通过，完整性、相关性、适当性、可行性四项均评为「{}」，每份一个事务并记入操作日志。",
                g.label()
            ),
        ),
        BatchAction::Return(c) => (
            String::new(),
            c.clone(),
            format!("下列申报表将逐份退回填报人修改，退回意见：{}", c.trim()),
        ),
        BatchAction::Remind(c) => (
            String::new(),
            c.clone(),
            format!(
                "下列单位将收到提醒（下次登录时在首页看到）：请于 {} 前提交申报表。{}",
                board.round.deadline,
                c.trim()
            ),
        ),
    };
    let view = BatchConfirmView {
        chrome: p.chrome(None),
        round_id: id,
        title: board.title.clone(),
        action: action_code,
        action_label: label.into(),
        explanation,
        grade,
        comment,
        going,
        skipped,
    };
    Ok(p.page(StatusCode::OK, render_batch_confirm(&view)))
}

/// `POST /rounds/{id}/close`.
pub(crate) async fn close(
    State(state): State<AppState>,
    post: PagePost,
    Id(id): Id,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    if fields.get("confirm") != Some("1") {
        return Err(p.err(ApiError::unprocessable("请勾选“确认截止”后再截止任务")));
    }
    let round = service::close(&state, &p.cu.user, id).await.page(&p)?;
    Ok(redirect_with_flash(
        &format!("/rounds/{id}"),
        &format!("{}已截止，不再接受提交", service::title(&round)),
    ))
}

/// `POST /rounds/{id}/reopen` (`reopen` = the unit id).
pub(crate) async fn reopen(
    State(state): State<AppState>,
    post: PagePost,
    Id(id): Id,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let unit = fields
        .int("reopen")
        .ok_or_else(|| p.err(ApiError::unprocessable("请选择要重新开放的单位")))?;
    let entry = service::reopen(&state, &p.cu.user, id, unit)
        .await
        .page(&p)?;
    Ok(redirect_with_flash(
        &format!("/rounds/{id}"),
        &format!("已为{}重新开放，单位可以补交", entry.name),
    ))
}
