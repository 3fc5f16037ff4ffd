//! `GET /forms/{id}/history?from=&to=`: versions, the diff between two, the audit log.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use jixiao_web::{
    AuditRow, DiffEntry, DiffView, HistoryView, VersionRow, form_order, path_label, render_history,
};

use super::{Id, OrPage, PageResult, PageUser};
use crate::service::{forms, history};
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
    let user = &p.cu.user;
    let row = forms::row(&state, user, id).await.page(&p)?;
    let stored = history::versions(&state, user, id).await.page(&p)?;
    let outcomes = history::outcomes(&state, user, id, &stored)
        .await
        .page(&p)?;
    let versions = stored
        .into_iter()
        .zip(outcomes)
        .map(|(v, outcome)| VersionRow {
            version: v.version,
            saved_at: super::people_time(v.saved_at),
            saved_by: v.saved_by_person.or(v.saved_by_name).unwrap_or_default(),
            status: v.status.as_str().to_string(),
            outcome,
        })
        .collect();
    let audit = history::audit(&state, user, id)
        .await
        .page(&p)?
        .into_iter()
        .map(|a| AuditRow {
            at: super::people_time(a.at),
            user: a.person.or(a.username).unwrap_or_default(),
            action: a.action,
            detail: a.detail,
        })
        .collect();
    let diff = match (int("from"), int("to")) {
        (Some(from), Some(to)) => {
            // Labels name rows as the newer version has them; changes come in form order.
            let named = history::version(&state, user, id, from.max(to))
                .await
                .page(&p)?;
            let mut entries: Vec<DiffEntry> = history::diff_versions(&state, user, id, from, to)
                .await
                .page(&p)?
                .into_iter()
                .map(|c| DiffEntry {
                    label: path_label(&c.path, Some(&named)),
                    path: c.path,
                    before: c.before,
                    after: c.after,
                })
                .collect();
            entries.sort_by_cached_key(|e| form_order(&e.path));
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
