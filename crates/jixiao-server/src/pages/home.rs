//! `GET /`: the home page of the user's role.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use jixiao_storage::Role;
use jixiao_web::declaration::{NoticeLine, UnitTaskLine};
use jixiao_web::{
    AdminHomeView, FormSummary, QueueFilter, Refused, RegionRow, ReviewerHomeView, UnitHomeView,
    UnitRow, UserRow, render_admin_home, render_reviewer_home, render_unit_home,
};

use super::{OrPage, PageError, PageResult, PageUser};
use crate::error::ApiError;
use crate::service::forms::{self, ListQuery};
use crate::service::{admin, rounds};
use crate::state::AppState;

type RawQuery = Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>;

fn query_value(q: &[(String, String)], key: &str) -> Option<String> {
    q.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The forms in the user's scope, as the lists of the pages show them.
pub(crate) async fn list_forms(
    state: &AppState,
    p: &PageUser,
    query: ListQuery,
) -> Result<Vec<FormSummary>, PageError> {
    let user = &p.cu.user;
    let rows = forms::list(state, user, query).await.page(p)?;
    Ok(rows
        .iter()
        .map(|f| FormSummary {
            id: f.id,
            unit_id: f.unit_id,
            unit_name: f.unit_name.clone(),
            fiscal_year: f.fiscal_year as i32,
            status: f.status.as_str().to_string(),
            status_label: f.status.label().to_string(),
            next_step: f.status.next_step().to_string(),
            may_edit: forms::may_edit(user, f),
            may_review: forms::may_review(user, f),
            approved: f.status.is_approved(),
            version: f.version,
            updated_at: super::people_time(f.updated_at),
            errors: f.errors.max(0) as u32,
            warnings: f.warnings.max(0) as u32,
            steps: super::steps::steps_for(user, f),
        })
        .collect())
}

/// The unit's declaration tasks with its form's status, and its unread notices (marked read
/// as this page shows them).
async fn unit_tasks(
    state: &AppState,
    p: &PageUser,
    forms: &[FormSummary],
) -> Result<(Vec<UnitTaskLine>, Vec<NoticeLine>), PageError> {
    let user = &p.cu.user;
    let tasks = rounds::unit_tasks(state, user)
        .await
        .page(p)?
        .into_iter()
        .map(|t| {
            let form = forms
                .iter()
                .find(|f| i64::from(f.fiscal_year) == t.fiscal_year);
            let done = form.is_some_and(|f| {
                ["submitted", "approved", "published"].contains(&f.status.as_str())
            });
            UnitTaskLine {
                title: t.title,
                fiscal_year: t.fiscal_year,
                deadline: t.deadline,
                days_left: t.days_left,
                past: t.past,
                closed: t.closed,
                may_submit: t.may_submit,
                status_label: form.map_or("未开始".into(), |f| f.status_label.clone()),
                done,
            }
        })
        .collect();
    let notices = rounds::notices(state, user).await.page(p)?;
    if !notices.is_empty() {
        let ids: Vec<i64> = notices.iter().map(|n| n.id).collect();
        rounds::mark_read(state, user, &ids).await.page(p)?;
    }
    let notices = notices
        .into_iter()
        .map(|n| NoticeLine {
            body: n.body,
            sender: n.sender.unwrap_or_else(|| "财政部门".into()),
            at: super::people_time(n.created_at),
        })
        .collect();
    Ok((tasks, notices))
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
            let query = ListQuery {
                unit_id: p.cu.user.unit_id,
                ..ListQuery::default()
            };
            let forms = list_forms(&state, &p, query).await?;
            let (tasks, notices) = unit_tasks(&state, &p, &forms).await?;
            let view = UnitHomeView {
                chrome: p.chrome(None),
                unit_name: p.unit_name.clone().unwrap_or_default(),
                forms,
                tasks,
                notices,
            };
            Ok(p.page(StatusCode::OK, render_unit_home(&view)))
        }
        Role::Reviewer | Role::DepartmentReviewer => {
            let filter = QueueFilter {
                year: query_value(&q, "year").and_then(|y| y.parse().ok()),
                status: query_value(&q, "status"),
                q: query_value(&q, "q"),
            };
            let query = ListQuery {
                year: filter.year.map(i64::from),
                status: filter.status.clone(),
                q: filter.q.clone(),
                ..ListQuery::default()
            };
            let forms = list_forms(&state, &p, query).await?;
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
        Role::Admin | Role::SecurityAdmin => {
            admin_home(&state, &p, StatusCode::OK, None, None).await
        }
        Role::AuditAdmin => Err(PageError::Redirect("/admin/audit".into())),
    }
}

/// The administrator's lists: regions, units and users, as the admin pages show them.
pub(crate) async fn admin_lists(
    state: &AppState,
    p: &PageUser,
) -> Result<(Vec<RegionRow>, Vec<UnitRow>, Vec<UserRow>), PageError> {
    let user = &p.cu.user;
    let regions: Vec<RegionRow> = admin::regions(state, user)
        .await
        .page(p)?
        .into_iter()
        .map(|r| RegionRow {
            id: r.id,
            code: Some(r.code),
            name: r.name,
            unit_sign_off: r.unit_sign_off,
            department_review: r.department_review,
            parent_id: r.parent_id,
        })
        .collect();
    let region_name = |id: Option<i64>| {
        regions
            .iter()
            .find(|r| Some(r.id) == id)
            .map(|r| r.name.clone())
    };
    let units: Vec<UnitRow> = admin::admin_units(state, user, None)
        .await
        .page(p)?
        .into_iter()
        .map(|u| UnitRow {
            id: u.id,
            region_name: region_name(Some(u.region_id)).unwrap_or_default(),
            name: u.name,
            region_id: u.region_id,
            department_id: u.department_id,
            unit_type: u.unit_type,
        })
        .collect();
    let users = admin::users(state, user)
        .await
        .page(p)?
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            role: u.role.as_str().to_string(),
            unit_name: units
                .iter()
                .find(|x| Some(x.id) == u.unit_id)
                .map(|x| x.name.clone()),
            region_name: region_name(u.region_id),
            locked: u.failed_logins > 0,
            username: u.username,
            display_name: u.display_name,
            office: u.office,
            disabled: u.disabled,
            unit_id: u.unit_id,
            region_id: u.region_id,
        })
        .collect();
    Ok((regions, units, users))
}

/// The administrator's home page (also after a refused admin post, with what was typed and
/// the reason).
pub(crate) async fn admin_home(
    state: &AppState,
    p: &PageUser,
    status: StatusCode,
    flash: Option<String>,
    refused: Option<Refused>,
) -> PageResult {
    let (regions, units, users) = admin_lists(state, p).await?;
    let policy = if p.cu.user.role == Role::SecurityAdmin {
        let policy = admin::security_policy(state, &p.cu.user).await.page(p)?;
        serde_json::to_value(policy).ok()
    } else {
        None
    };
    let view = AdminHomeView {
        chrome: p.chrome(flash),
        regions,
        units,
        users,
        refused,
        policy,
    };
    Ok(p.page(status, render_admin_home(&view)))
}
