//! The routes of rounds (监控、自评任务) and their documents: opening a round, the round board
//! (JSON and XLSX), reading, saving and the workflow steps of a monitoring report or a
//! self-evaluation, its audit log and its files. The work is in [`crate::service::reports`].

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use jixiao_domain::{Action, DocumentKind};
use serde::Deserialize;
use serde_json::{Value, json};

use super::history::attachment;
use crate::auth::CurrentUser;
use crate::error::{ApiError, ApiResult};
use crate::json::{ApiJson, ApiPath, ApiQuery};
use crate::service::reports::{
    self as service, Board, Doc, OpenRound, Opened, ReportFile, ReportRead, ReportSaved, ReportStep,
};
use crate::state::AppState;

/// Body of `POST /api/rounds`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoundBody {
    kind: String,
    fiscal_year: i64,
    #[serde(default)]
    month: Option<i64>,
    deadline: String,
    #[serde(default)]
    region_id: Option<i64>,
    #[serde(default)]
    units: Option<Vec<i64>>,
}

/// `POST /api/rounds`: opens a declaration round over the region's units (all, or `units`), or
/// a monitoring or self-evaluation round for the region's approved declarations of the year
/// (201).
pub async fn open(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(body): ApiJson<RoundBody>,
) -> ApiResult<(axum::http::StatusCode, Json<Value>)> {
    let kind = match DocumentKind::parse(&body.kind) {
        Some(k) => k,
        None => {
            return Err(ApiError::unprocessable(format!(
                "任务种类「{}」无法识别：应为 declaration（申报填报）、monitoring（绩效运行监控）或 self_evaluation（绩效自评）",
                body.kind
            )));
        }
    };
    let created = axum::http::StatusCode::CREATED;
    if kind == DocumentKind::Declaration {
        if body.month.is_some() {
            return Err(ApiError::unprocessable(
                "申报填报任务不用填截止月份（month）",
            ));
        }
        let opened = crate::service::rounds::open(
            &state,
            &user.user,
            crate::service::rounds::OpenDeclaration {
                fiscal_year: body.fiscal_year,
                deadline: body.deadline,
                units: body.units,
                region_id: body.region_id,
            },
        )
        .await?;
        return Ok((created, Json(json!(opened))));
    }
    if body.units.is_some() {
        return Err(ApiError::unprocessable(
            "监控、自评任务覆盖本区划该年度已批复申报表的全部单位，不能选择单位（units）",
        ));
    }
    let opened: Opened = service::open_round(
        &state,
        &user.user,
        OpenRound {
            kind,
            fiscal_year: body.fiscal_year,
            month: body.month,
            deadline: body.deadline,
            region_id: body.region_id,
        },
    )
    .await?;
    Ok((created, Json(json!(opened))))
}

/// `GET /api/rounds`: the rounds the user may see.
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Value>> {
    let rounds = service::rounds(&state, &user.user).await?;
    Ok(Json(json!({ "rounds": rounds })))
}

/// `GET /api/rounds/{id}?status=&overdue=&q=&sort=`: the round board (a declaration round's
/// takes the filter and order; the others list every unit).
pub async fn board(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(params): ApiQuery<super::rounds::BoardParams>,
) -> ApiResult<Json<Value>> {
    let round = service::round(&state, &user.user, id).await?;
    if round.kind == DocumentKind::Declaration {
        let board = crate::service::rounds::board(&state, &user.user, id, &params.into()).await?;
        return Ok(Json(json!(board)));
    }
    let board: Board = service::board(&state, &user.user, id).await?;
    Ok(Json(json!(board)))
}

/// `GET /api/rounds/{id}/board.xlsx`: the round board as a workbook.
pub async fn board_xlsx(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let round = service::round(&state, &user.user, id).await?;
    if round.kind == DocumentKind::Declaration {
        let (bytes, name) = crate::service::rounds::board_workbook(&state, &user.user, id).await?;
        return attachment(
            bytes,
            crate::service::rounds::XLSX,
            &format!("round-{id}.xlsx"),
            &name,
        );
    }
    file(service::board_workbook(&state, &user.user, id).await?)
}

/// `GET /api/reports`: the documents of the user's unit.
pub async fn mine(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Value>> {
    let reports = service::unit_reports(&state, &user.user).await?;
    Ok(Json(json!({ "reports": reports })))
}

/// `GET /api/reports/{id}`: the current version with its lights or scores and findings.
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ReportRead>> {
    Ok(Json(service::read(&state, &user.user, id).await?))
}

/// Body of `PUT /api/reports/{id}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveBody {
    base_version: i64,
    document: Value,
}

/// `PUT /api/reports/{id}`: saves a new version (409 on a stale base).
pub async fn save(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SaveBody>,
) -> ApiResult<Json<ReportSaved>> {
    let row = service::read(&state, &user.user, id).await?.row;
    let doc = Doc::parse(row.kind, &body.document.to_string())?;
    Ok(Json(
        service::save(&state, &user.user, id, body.base_version, doc).await?,
    ))
}

/// Body of a step.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    #[serde(default)]
    base_version: Option<i64>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    decision: Option<String>,
}

async fn step(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    action: Action,
    body: StepBody,
) -> ApiResult<Json<ReportStep>> {
    Ok(Json(
        service::step(
            state,
            &user.user,
            id,
            action,
            body.base_version,
            &body.reason,
        )
        .await?,
    ))
}

/// `POST /api/reports/{id}/submit`: refused (422, with the findings) while errors remain.
pub async fn submit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StepBody>,
) -> ApiResult<Json<ReportStep>> {
    step(&state, &user, id, Action::Submit, body).await
}

/// `POST /api/reports/{id}/sign-off`: the unit approver passes it on (`decision` approve) or
/// returns it with a reason (`decision` return).
pub async fn sign_off(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StepBody>,
) -> ApiResult<Json<ReportStep>> {
    let action = decision(body.decision.as_deref(), Action::SignOff)?;
    step(&state, &user, id, action, body).await
}

/// `POST /api/reports/{id}/withdraw`.
pub async fn withdraw(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ReportStep>> {
    step(&state, &user, id, Action::Withdraw, StepBody::default()).await
}

/// `POST /api/reports/{id}/review`: accept (`decision` approve) or return with a reason.
pub async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<StepBody>,
) -> ApiResult<Json<ReportStep>> {
    let action = decision(body.decision.as_deref(), Action::Approve)?;
    step(&state, &user, id, action, body).await
}

/// `POST /api/reports/{id}/publish`.
pub async fn publish(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ReportStep>> {
    step(&state, &user, id, Action::Publish, StepBody::default()).await
}

fn decision(text: Option<&str>, approve: Action) -> ApiResult<Action> {
    match text {
        Some("approve") => Ok(approve),
        Some("return") => Ok(Action::Return),
        Some(other) => Err(ApiError::unprocessable(format!(
            "审核结论「{other}」无法识别：应为 approve（通过）或 return（退回）"
        ))),
        None => Err(ApiError::unprocessable(
            "请给出审核结论 decision：approve（通过）或 return（退回）",
        )),
    }
}

/// `GET /api/reports/{id}/audit`.
pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Value>> {
    let entries = service::audit(&state, &user.user, id).await?;
    Ok(Json(json!({ "entries": entries })))
}

/// Query of `GET /api/reports/{id}/export`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    format: String,
}

/// `GET /api/reports/{id}/export?format=…`.
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    let format: String = q
        .format
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(10)
        .collect::<String>()
        .to_lowercase();
    file(service::export(&state, &user.user, id, &format).await?)
}

fn file(f: ReportFile) -> ApiResult<Response> {
    attachment(f.bytes, f.content_type, &f.ascii_name, &f.name)
}
