//! Starting a form: `GET /forms/new` (from a template, from last year's approved form, or
//! from a file), `POST /forms/new`, `POST /forms/import` (the import report, nothing saved)
//! and `POST /forms/import/confirm` (save the previewed form).

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use jixiao_domain::Form;
use jixiao_formats::ImportReport;
use jixiao_web::{ImportPreview, StartView, TemplateChoice, render_start};
use serde_json::json;

use super::home::list_forms;
use super::{Fields, OrPage, PagePost, PageResult, PageUser, api_body, this_year};
use crate::api::forms;
use crate::error::ApiError;
use crate::json::ApiJson;
use crate::state::AppState;

/// Renders the start page: the templates, the proposed year (next calendar year), the unit's
/// approved form of the year before it, and an import preview or error.
async fn start_view(
    state: &AppState,
    p: &PageUser,
    status: StatusCode,
    import: Option<ImportPreview>,
    import_error: Option<String>,
    flash: Option<String>,
) -> PageResult {
    let fiscal_year = this_year() + 1;
    let templates = state
        .templates
        .all()
        .iter()
        .map(|t| TemplateChoice {
            id: t.id.clone(),
            version: t.version,
            title: t.title.clone(),
        })
        .collect();
    let last_year = if p.cu.user.role.is_unit_role() {
        list_forms(
            state,
            p,
            json!({ "unit_id": p.cu.user.unit_id, "year": fiscal_year - 1 }),
        )
        .await?
        .into_iter()
        .find(|f| matches!(f.status.as_str(), "approved" | "published"))
    } else {
        None
    };
    let view = StartView {
        chrome: p.chrome(flash),
        templates,
        fiscal_year,
        last_year,
        import,
        import_error,
    };
    Ok(p.page(status, render_start(&view)))
}

/// `GET /forms/new`.
pub(crate) async fn start_page(State(state): State<AppState>, p: PageUser) -> PageResult {
    start_view(&state, &p, StatusCode::OK, None, None, None).await
}

/// Saves a new form through `POST /api/forms` and goes to its editor; a refusal (a form of
/// that year exists, no approved form last year…) shows the start page with the reason.
async fn create_form(state: &AppState, p: &PageUser, body: serde_json::Value) -> PageResult {
    let result = match api_body(body) {
        Ok(b) => forms::create(State(state.clone()), p.cu.clone(), ApiJson(b)).await,
        Err(e) => Err(e),
    };
    match result {
        Ok((_, created)) => {
            let id = created.0["id"].as_i64().unwrap_or(0);
            Ok(super::redirect_with_flash(
                &format!("/forms/{id}/edit"),
                "已新建申报表（第 1 版）",
            ))
        }
        Err(e) if e.status.is_client_error() && e.status != StatusCode::FORBIDDEN => {
            start_view(state, p, e.status, None, None, Some(e.message)).await
        }
        Err(e) => Err(p.err(e)),
    }
}

/// `POST /forms/new`: `from` = `blank` (with `template_id`) or `last_year`, and `fiscal_year`.
pub(crate) async fn create(
    State(state): State<AppState>,
    post: PagePost,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let from = fields.get("from").unwrap_or("blank");
    let body = json!({
        "from": from,
        "template_id": fields.get("template_id").filter(|_| from == "blank"),
        "fiscal_year": fields.int("fiscal_year"),
    });
    create_form(&state, &p, body).await
}

/// `POST /forms/import/confirm`: the previewed form (`form_json`) saved as a new draft.
pub(crate) async fn confirm_import(
    State(state): State<AppState>,
    post: PagePost,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let form: Form = match serde_json::from_str(fields.get("form_json").unwrap_or("")) {
        Ok(f) => f,
        Err(e) => {
            let msg = format!("导入的申报表内容有误，请重新上传文件：{e}");
            return start_view(
                &state,
                &p,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(msg),
                None,
            )
            .await;
        }
    };
    create_form(&state, &p, json!({ "form": form })).await
}

/// `POST /forms/import` (multipart `_csrf`, `file`): the import report and findings of the
/// file through the server's importer (as `POST /api/import`); nothing is saved.
pub(crate) async fn import(
    State(state): State<AppState>,
    post: PagePost,
    mut mp: Multipart,
) -> PageResult {
    let mut csrf = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut read_error: Option<ApiError> = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => match field.name() {
                Some("_csrf") => csrf = field.text().await.unwrap_or_default(),
                Some("file") => {
                    let name = crate::api::misc::upload_name(field.file_name());
                    match field.bytes().await {
                        Ok(b) => file = Some((name, b.to_vec())),
                        Err(e) => read_error = Some(upload_error(e.status())),
                    }
                }
                _ => {}
            },
            Ok(None) => break,
            Err(e) => {
                read_error = Some(upload_error(e.status()));
                break;
            }
        }
    }
    // The CSRF token comes before the file in the page's form; without it nothing is read.
    let p = match post
        .check(&state, &Fields(vec![("_csrf".into(), csrf)]))
        .await
    {
        Ok(p) => p,
        Err(e) => return Err(e),
    };
    let fail = |e: ApiError| (e.status, e.message);
    let outcome = match (read_error, file) {
        (Some(e), _) => Err(fail(e)),
        (None, None) => Err(fail(ApiError::unprocessable("请选择要导入的文件"))),
        (None, Some((_, bytes))) if bytes.is_empty() => {
            Err(fail(ApiError::unprocessable("上传的文件是空的")))
        }
        (None, Some((name, bytes))) => {
            let hook = state.import.clone();
            let hook_name = name.clone();
            let result = tokio::task::spawn_blocking(move || hook(&hook_name, &bytes))
                .await
                .map_err(ApiError::internal)
                .page(&p)?;
            match result {
                Ok((form, report)) => {
                    let findings = forms::findings_of(&state, &form).unwrap_or_default();
                    let report: ImportReport = serde_json::from_value(report.clone())
                        .unwrap_or_else(|_| {
                            ImportReport::new(report["format"].as_str().unwrap_or("json"))
                        });
                    Ok(ImportPreview {
                        file_name: name,
                        form,
                        report,
                        findings,
                    })
                }
                Err(msg) => Err((StatusCode::UNPROCESSABLE_ENTITY, msg)),
            }
        }
    };
    match outcome {
        Ok(preview) => start_view(&state, &p, StatusCode::OK, Some(preview), None, None).await,
        Err((status, msg)) => start_view(&state, &p, status, None, Some(msg), None).await,
    }
}

fn upload_error(status: StatusCode) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "上传的文件过大")
    } else {
        ApiError::bad_request("上传内容无法读取")
    }
}
