//! The summary workbook (汇总表) of the forms in the user's scope: one row per form with its
//! funding totals and shares, indicator counts and check status, as `jixiao summary` writes it
//! from files. Phone numbers are masked outside the unit, as everywhere else.

use jixiao_formats::summary::{
    CsvRowMeta, CsvSummary, SummaryInput, figures_from_json, write_summary,
};
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

/// Forms read, parsed and written per step of the streamed summary.
const CSV_BATCH: usize = 250;

/// The streamed summary (CSV) of the forms in the user's scope that match the query: for a
/// finance reviewer the forms that reached the finance bureau in their region **and every region
/// under it** (a province's or a city's summary), for the other roles what `GET /api/forms`
/// shows them, without its limit. Returns the number of forms and the receiving end of the
/// text. The ids are read first (in the order printed: region, unit, year); then one task reads
/// the current versions [`CSV_BATCH`] at a time (one statement each) while another turns the
/// previous batch into lines, each half of a batch on its own blocking thread, reading only the
/// parts of each form the figures need. The channels hold a batch or two, so a slow client holds
/// back the reading and memory stays bounded; a client that goes away stops both tasks. A
/// failure part-way ends the text with a line that says so (the status line has long been sent).
pub async fn csv_stream(
    state: &AppState,
    user: &User,
    query: ListQuery,
) -> ApiResult<(usize, tokio::sync::mpsc::Receiver<String>)> {
    let (ids, subtree) = match forms::scope_filter(user, query)? {
        None => (Vec::new(), false),
        Some(filter) => {
            let subtree = filter.region_id.is_some();
            (state.db.summary_form_ids(&filter, subtree).await?, subtree)
        }
    };
    let n = ids.len();
    super::audit_event(
        state,
        user.id,
        jixiao_storage::Subject::default(),
        "download",
        &format!(
            "下载汇总表 CSV（{n} 份申报表{}）",
            if subtree { "，含下级区划" } else { "" }
        ),
        jixiao_storage::Outcome::Ok,
    )
    .await?;
    let plan = std::sync::Arc::new(CsvSummary::new(&state.templates));
    let (lines_tx, lines_rx) = tokio::sync::mpsc::channel::<String>(2);
    let (rows_tx, mut rows_rx) =
        tokio::sync::mpsc::channel::<ApiResult<Vec<jixiao_storage::SummarySource>>>(1);
    let reader = state.clone();
    tokio::spawn(async move {
        for chunk in ids.chunks(CSV_BATCH) {
            let batch = reader
                .db
                .summary_sources(chunk)
                .await
                .map_err(ApiError::from);
            let failed = batch.is_err();
            if rows_tx.send(batch).await.is_err() || failed {
                return; // the writer stopped (the client went away), or this read failed
            }
        }
    });
    let state = state.clone();
    tokio::spawn(async move {
        if lines_tx.send(plan.header()).await.is_err() {
            return;
        }
        while let Some(batch) = rows_rx.recv().await {
            let text = match batch {
                Ok(sources) => csv_lines(&state, &plan, sources).await,
                Err(e) => Err(e),
            };
            let text = text.unwrap_or_else(|e| {
                tracing::error!(error = %e.message, "summary CSV stopped part-way");
                format!("汇总中断：{}，请重新下载\r\n", e.message)
            });
            let stop = text.starts_with("汇总中断");
            if lines_tx.send(text).await.is_err() || stop {
                return;
            }
        }
    });
    Ok((n, lines_rx))
}

/// The lines of a batch of forms, its two halves on two blocking threads.
async fn csv_lines(
    state: &AppState,
    plan: &std::sync::Arc<CsvSummary>,
    mut sources: Vec<jixiao_storage::SummarySource>,
) -> ApiResult<String> {
    let second = sources.split_off(sources.len() / 2);
    let (p1, p2) = (plan.clone(), plan.clone());
    let (a, b) = tokio::join!(
        state.jobs.run(move || lines_of(&p1, sources)),
        state.jobs.run(move || lines_of(&p2, second)),
    );
    let mut text = a?;
    text.push_str(&b?);
    Ok(text)
}

/// The lines of these forms.
fn lines_of(plan: &CsvSummary, sources: Vec<jixiao_storage::SummarySource>) -> String {
    let mut out = String::with_capacity(sources.len() * 256);
    for s in sources {
        let meta = CsvRowMeta {
            region_code: s.region_code,
            region_name: s.region_name,
            unit_code: s.unit_code,
            unit_name: s.unit_name,
            fiscal_year: s.fiscal_year,
            status: s.status.label().to_string(),
            version: s.version,
            errors: s.errors,
            warnings: s.warnings,
        };
        match figures_from_json(&s.form_json) {
            Ok(fig) => out.push_str(&plan.row(&meta, Ok(&fig))),
            Err(_) => out.push_str(&plan.row(&meta, Err("保存的申报表无法解析"))),
        }
    }
    out
}
