//! `GET /forms/{id}/history?from=&to=`: versions, the diff between two, the audit log.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use jixiao_web::{AuditRow, DiffEntry, DiffView, HistoryView, VersionRow, render_history};
use serde_json::json;

use super::{Id, OrPage, PageResult, PageUser, api_body, text};
use crate::api::history;
use crate::json::{ApiPath, ApiQuery};
use crate::state::AppState;

/// The history page.
pub(crate) async fn history(
    State(state): State<AppState>,
    p: PageUser,
    Id(id): Id,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let int = |k: &str| {
        q.iter()
            .find(|(n, _)| n == k)
            .and_then(|(_, v)| v.parse::<i64>().ok())
    };
    let st = || State(state.clone());
    let row = state
        .db
        .form(id)
        .await
        .map_err(crate::error::ApiError::from)
        .page(&p)?;
    let row = crate::access::visible(&p.cu.user, row).page(&p)?;
    let versions = history::versions(st(), p.cu.clone(), ApiPath(id))
        .await
        .page(&p)?
        .0
        .into_iter()
        .map(|v| VersionRow {
            version: v["version"].as_i64().unwrap_or(0),
            saved_at: text(&v["saved_at"]),
            saved_by: text(&v["saved_by"]),
            status: text(&v["status"]),
        })
        .collect();
    let audit = history::audit(st(), p.cu.clone(), ApiPath(id))
        .await
        .page(&p)?
        .0
        .into_iter()
        .map(|a| AuditRow {
            at: text(&a["at"]),
            user: text(&a["user"]),
            action: text(&a["action"]),
            detail: text(&a["detail"]),
        })
        .collect();
    let diff = match (int("from"), int("to")) {
        (Some(from), Some(to)) => {
            let q = api_body(json!({ "from": from, "to": to })).page(&p)?;
            let d = history::diff_versions(st(), p.cu.clone(), ApiPath(id), ApiQuery(q))
                .await
                .page(&p)?
                .0;
            let entries = d
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|e| DiffEntry {
                    path: text(&e["path"]),
                    before: e["before"].clone(),
                    after: e["after"].clone(),
                })
                .collect();
            Some(DiffView { from, to, entries })
        }
        _ => None,
    };
    let view = HistoryView {
        chrome: p.chrome(None),
        form_id: id,
        unit_name: row.unit_name.clone(),
        fiscal_year: row.fiscal_year as i32,
        versions,
        diff,
        audit,
    };
    Ok(p.page(StatusCode::OK, render_history(&view)))
}
