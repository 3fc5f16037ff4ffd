//! `GET /`: the home page of the user's role.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use jixiao_storage::Role;
use jixiao_web::{
    AdminHomeView, FormSummary, QueueFilter, RegionRow, ReviewerHomeView, UnitHomeView, UnitRow,
    UserRow, render_admin_home, render_reviewer_home, render_unit_home,
};
use serde_json::{Value, json};

use super::{OrPage, PageError, PageResult, PageUser, api_body, text};
use crate::api::{admin, forms};
use crate::error::ApiError;
use crate::json::ApiQuery;
use crate::state::AppState;

type RawQuery = Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>;

fn query_value(q: &[(String, String)], key: &str) -> Option<String> {
    q.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The forms of `GET /api/forms` with a query.
pub(crate) async fn list_forms(
    state: &AppState,
    p: &PageUser,
    query: Value,
) -> Result<Vec<FormSummary>, PageError> {
    let q = api_body(query).page(p)?;
    let rows = forms::list(State(state.clone()), p.cu.clone(), ApiQuery(q))
        .await
        .page(p)?
        .0;
    Ok(rows
        .into_iter()
        .filter_map(|v| serde_json::from_value(v).ok())
        .collect())
}

/// `GET /?year=&status=&q=`.
pub(crate) async fn home(
    State(state): State<AppState>,
    p: PageUser,
    query: RawQuery,
) -> PageResult {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    match p.cu.user.role {
        Role::Filler | Role::UnitApprover => {
            let unit_id = p.cu.user.unit_id;
            let forms = list_forms(&state, &p, json!({ "unit_id": unit_id })).await?;
            let view = UnitHomeView {
                chrome: p.chrome(None),
                unit_name: p.unit_name.clone().unwrap_or_default(),
                forms,
            };
            Ok(p.page(StatusCode::OK, render_unit_home(&view)))
        }
        Role::Reviewer => {
            let filter = QueueFilter {
                year: query_value(&q, "year").and_then(|y| y.parse().ok()),
                status: query_value(&q, "status"),
                q: query_value(&q, "q"),
            };
            let forms = list_forms(
                &state,
                &p,
                json!({ "year": filter.year, "status": filter.status, "q": filter.q }),
            )
            .await?;
            let region_name = state
                .db
                .regions()
                .await
                .map_err(ApiError::from)
                .page(&p)?
                .into_iter()
                .find(|r| Some(r.id) == p.cu.user.region_id)
                .map(|r| r.name)
                .unwrap_or_default();
            let view = ReviewerHomeView {
                chrome: p.chrome(None),
                region_name,
                forms,
                filter,
            };
            Ok(p.page(StatusCode::OK, render_reviewer_home(&view)))
        }
        Role::Admin => admin_home(&state, &p, StatusCode::OK, None).await,
    }
}

/// The administrator's home page (also after a refused admin post, with its reason).
pub(crate) async fn admin_home(
    state: &AppState,
    p: &PageUser,
    status: StatusCode,
    flash: Option<String>,
) -> PageResult {
    let st = || State(state.clone());
    let regions: Vec<RegionRow> = admin::regions(st(), p.cu.clone())
        .await
        .page(p)?
        .0
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| serde_json::from_value(r).ok())
        .collect();
    let region_name = |id: Option<i64>| {
        regions
            .iter()
            .find(|r| Some(r.id) == id)
            .map(|r| r.name.clone())
    };
    let q = api_body(json!({})).page(p)?;
    let units: Vec<UnitRow> = admin::admin_units(st(), p.cu.clone(), ApiQuery(q))
        .await
        .page(p)?
        .0
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|u| UnitRow {
            id: u["id"].as_i64().unwrap_or(0),
            name: text(&u["name"]),
            region_id: u["region_id"].as_i64().unwrap_or(0),
            region_name: region_name(u["region_id"].as_i64()).unwrap_or_default(),
        })
        .collect();
    let users = admin::users(st(), p.cu.clone())
        .await
        .page(p)?
        .0
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|u| UserRow {
            id: u["id"].as_i64().unwrap_or(0),
            username: text(&u["username"]),
            display_name: text(&u["display_name"]),
            role: text(&u["role"]),
            unit_name: units
                .iter()
                .find(|x| Some(x.id) == u["unit_id"].as_i64())
                .map(|x| x.name.clone()),
            region_name: region_name(u["region_id"].as_i64()),
            locked: u["locked"].as_bool().unwrap_or(false),
        })
        .collect();
    let view = AdminHomeView {
        chrome: p.chrome(flash),
        regions,
        units,
        users,
    };
    Ok(p.page(status, render_admin_home(&view)))
}
