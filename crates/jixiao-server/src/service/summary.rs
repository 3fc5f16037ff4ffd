//! The summary workbook (汇总表) of the forms in the user's scope: one row per form with its
//! funding totals and shares, indicator counts and check status, as `jixiao summary` writes it
//! from files. Phone numbers are masked outside the unit, as everywhere else.

use jixiao_formats::summary::{SummaryInput, write_summary};
use jixiao_storage::User;

use super::forms::{self, ListQuery};
use super::{for_viewer, parse_stored};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The summary workbook of the forms in scope that match the query (current versions), and
/// how many forms it holds.
pub async fn workbook(
    state: &AppState,
    user: &User,
    query: ListQuery,
) -> ApiResult<(Vec<u8>, usize)> {
    let rows = forms::list(state, user, query).await?;
    workbook_of(state, user, &rows).await
}

/// The summary workbook of these forms (current versions), and how many forms it holds.
pub async fn workbook_of(
    state: &AppState,
    user: &User,
    rows: &[jixiao_storage::FormRow],
) -> ApiResult<(Vec<u8>, usize)> {
    let mut inputs = Vec::with_capacity(rows.len());
    for row in rows {
        let form = match state.db.version_json(row.id, row.version).await? {
            Some(text) => parse_stored(&text)
                .map(|f| for_viewer(user, f))
                .map_err(|e| e.message),
            None => Err("当前版本缺失".to_string()),
        };
        inputs.push(SummaryInput {
            source: format!(
                "{} {} 年（第 {} 版，{}）",
                row.unit_name,
                row.fiscal_year,
                row.version,
                row.status.label()
            ),
            form,
        });
    }
    let n = inputs.len();
    super::audit_event(
        state,
        user.id,
        jixiao_storage::Subject::default(),
        "download",
        &format!("下载汇总表（{n} 份申报表）"),
        jixiao_storage::Outcome::Ok,
    )
    .await?;
    let registry = state.templates.clone();
    let bytes = state
        .jobs
        .run(move || write_summary(&inputs, &registry))
        .await?
        .map_err(|e| ApiError::internal(format!("summary workbook failed: {e}")))?;
    Ok((bytes, n))
}
