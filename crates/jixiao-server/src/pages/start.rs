//! Starting a form: `GET /forms/new` (from a template, from last year's approved form, or
//! from a file), `POST /forms/new`, `POST /forms/import` (the import report, nothing saved)
//! and `POST /forms/import/confirm` (save the previewed form).

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use jixiao_domain::Form;
use jixiao_web::{
    ExistingForm, ImportPreview, OcrJobProgress, StartView, TemplateChoice, render_start,
};

use super::home::list_forms;
use super::{Fields, Id, PagePost, PageResult, PageUser, this_year};
use crate::error::ApiError;
use crate::service::forms::{self, ListQuery, NewSource};
use crate::service::import::{Imported, SCAN_NEEDS_OCR, preview, read_upload};
use crate::service::ocr;
use crate::state::AppState;
use jixiao_storage::OcrStatus;

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
    start_view_with(state, p, status, import, import_error, flash, None).await
}

/// [`start_view`], with a scan being read by OCR.
async fn start_view_with(
    state: &AppState,
    p: &PageUser,
    status: StatusCode,
    import: Option<ImportPreview>,
    import_error: Option<String>,
    flash: Option<String>,
    ocr_job: Option<OcrJobProgress>,
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
        let query = ListQuery {
            unit_id: p.cu.user.unit_id,
            year: Some(i64::from(fiscal_year) - 1),
            ..ListQuery::default()
        };
        list_forms(state, p, query)
            .await?
            .into_iter()
            .find(|f| f.approved)
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
        ocr_job,
    };
    Ok(p.page(status, render_start(&view)))
}

/// `GET /forms/new`.
pub(crate) async fn start_page(State(state): State<AppState>, p: PageUser) -> PageResult {
    start_view(&state, &p, StatusCode::OK, None, None, None).await
}

/// Saves a new form through the forms service and goes to its editor; a refusal (a form of
/// that year exists, no approved form last year…) shows the start page with the reason.
async fn create_form(state: &AppState, p: &PageUser, source: NewSource) -> PageResult {
    let user = &p.cu.user;
    let result = match forms::unit_for_new(state, user, None).await {
        Ok(unit) => forms::create(state, user, &unit, source).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(created) => Ok(super::redirect_with_flash(
            &format!("/forms/{}/edit", created.id),
            "已新建申报表（第 1 版）",
        )),
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
    let fiscal_year = fields.int("fiscal_year");
    let source = match fields.get("from").unwrap_or("blank") {
        "last_year" => NewSource::LastYear { fiscal_year },
        _ => NewSource::Blank {
            template_id: fields.get("template_id").map(str::to_string),
            fiscal_year,
        },
    };
    create_form(&state, &p, source).await
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
    create_form(&state, &p, NewSource::Uploaded(Box::new(form))).await
}

/// `POST /forms/import` (multipart `_csrf`, `file`): the import report and findings of the
/// file through the server's importer (as `POST /api/import`); nothing is saved. A scanned PDF
/// is queued for OCR and the page follows the job (`GET /forms/import/ocr/{id}`).
pub(crate) async fn import(
    State(state): State<AppState>,
    post: PagePost,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let mp = mp.map_err(|_| crate::api::misc::not_multipart())?;
    let upload = read_upload(mp).await;
    // The CSRF token comes before the file in the page's form; without it nothing is shown.
    let p = post.check(&state, &Fields(upload.fields)).await?;
    let outcome = match upload.file {
        Err(e) => Err(e),
        Ok(None) => Err(ApiError::unprocessable("请选择要导入的文件")),
        Ok(Some(file)) => {
            // Kept for an OCR job should the PDF turn out to be a scan.
            let scan = file.bytes.starts_with(b"%PDF-").then(|| file.clone());
            match preview(&state, &p.cu.user, file).await {
                Err(e) if e.code == SCAN_NEEDS_OCR && ocr::available() => {
                    let Some(file) = scan else {
                        return Err(p.err(ApiError::internal("scan without its file")));
                    };
                    return match ocr::start(&state, &p.cu.user, file).await {
                        Ok(job) => Ok(super::see_other(
                            &format!("/forms/import/ocr/{}", job.id),
                            Vec::new(),
                        )),
                        Err(e) if e.status.is_server_error() => Err(p.err(e)),
                        Err(e) => {
                            start_view(&state, &p, e.status, None, Some(e.message), None).await
                        }
                    };
                }
                other => other,
            }
        }
    };
    match outcome {
        Ok(i) => show_preview(&state, &p, i).await,
        Err(e) if e.status.is_server_error() => Err(p.err(e)),
        Err(e) => start_view(&state, &p, e.status, None, Some(e.message), None).await,
    }
}

/// The start page with the import report of a file read, and whether it can be stored.
async fn show_preview(state: &AppState, p: &PageUser, i: Imported) -> PageResult {
    // Whether the form can be stored for the user's unit is said now, with the ways out, not
    // at the final confirmation.
    let clash = forms::clash(state, &p.cu.user, &i.form)
        .await
        .unwrap_or_default();
    let preview = ImportPreview {
        file_name: i.file_name,
        form: i.form,
        report: i.report,
        findings: i.findings,
        unit_mismatch: clash.unit_mismatch,
        existing: clash.existing.map(|row| ExistingForm {
            id: row.id,
            status_label: row.status.label().to_string(),
            version: row.version,
            discardable: clash.existing_discardable,
        }),
    };
    start_view(state, p, StatusCode::OK, Some(preview), None, None).await
}

/// `GET /forms/import/ocr/{id}`: the user's scan being read by OCR. While it runs, its progress
/// (the page reloads itself every 3 seconds); once read, the import report to confirm; if it
/// failed, why.
pub(crate) async fn ocr_job(State(state): State<AppState>, p: PageUser, Id(id): Id) -> PageResult {
    let view = ocr::get(&state, &p.cu.user, id)
        .await
        .map_err(|e| p.err(e))?;
    let job = view.job;
    match (job.status, view.imported) {
        (OcrStatus::Done, Some(imported)) => show_preview(&state, &p, imported).await,
        (OcrStatus::Failed, _) | (OcrStatus::Done, None) => {
            let why = job.error.unwrap_or_else(|| "识别没有结果".to_string());
            let message = format!("扫描件「{}」识别失败：{why}", job.file_name);
            start_view(&state, &p, StatusCode::OK, None, Some(message), None).await
        }
        (status, _) => {
            let progress = OcrJobProgress {
                id: job.id,
                file_name: job.file_name,
                status: match status {
                    OcrStatus::Queued => "queued",
                    _ => "running",
                }
                .to_string(),
                status_label: view.status_label.to_string(),
                pages_done: job.pages_done,
                pages_total: job.pages_total,
                waited_seconds: (jixiao_storage::now_ms() - job.created_at).max(0) / 1000,
            };
            start_view_with(&state, &p, StatusCode::OK, None, None, None, Some(progress)).await
        }
    }
}
