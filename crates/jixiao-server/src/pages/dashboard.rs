//! `GET /dashboard?year=`: the finance bureau's charts of its region
//! ([`crate::service::dashboard`]), drawn on the server as SVG with a table each.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use jixiao_web::charts::{DashboardView, render_dashboard};

use super::{OrPage, PageResult, PageUser};
use crate::service::dashboard;
use crate::state::AppState;

/// The dashboard of the user's region for `?year=` (default: the latest year with forms).
pub(crate) async fn dashboard_page(
    State(state): State<AppState>,
    p: PageUser,
    query: Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>,
) -> PageResult {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let year = q
        .iter()
        .find(|(k, _)| k == "year")
        .and_then(|(_, v)| v.trim().parse::<i64>().ok());
    let d = dashboard::dashboard(&state, &p.cu.user, year)
        .await
        .page(&p)?;
    let view = DashboardView {
        chrome: p.chrome(None),
        region_name: d.region_name,
        fiscal_year: d.fiscal_year,
        years: d.years,
        units: d.units,
        seen: d.seen,
        charts: d.charts,
    };
    Ok(p.page(StatusCode::OK, render_dashboard(&view)))
}
