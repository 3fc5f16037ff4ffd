//! The editor: `GET /forms/{id}/edit`, the no-JavaScript save `POST /forms/{id}/save` and
//! `POST /forms/{id}/submit`.

use axum::extract::State;
use axum::http::StatusCode;
use jixiao_domain::{Finding, Form, Severity};
use jixiao_web::{Conflict, ConflictRow, EditorView, FormPage, form_from_fields, render_editor};

use super::{
    Fields, Id, OrPage, PagePost, PageResult, PageUser, form_page, redirect_with_flash, see_other,
};
use crate::error::ApiError;
use crate::service::{findings_of, forms, workflow};
use crate::state::AppState;

/// The editor page of the current version; with `typed`, the form as the user typed it and
/// their input errors shown as findings (code `INPUT`).
async fn editor_page(
    state: &AppState,
    p: &PageUser,
    id: i64,
    status: StatusCode,
    flash: Option<String>,
    typed: Option<(Form, Vec<Finding>)>,
) -> PageResult {
    let page = form_page(state, p, id, None).await?;
    editor_with(state, p, page, status, flash, typed)
}

/// [`editor_page`] on a page already read.
fn editor_with(
    state: &AppState,
    p: &PageUser,
    mut page: FormPage,
    status: StatusCode,
    flash: Option<String>,
    typed: Option<(Form, Vec<Finding>)>,
) -> PageResult {
    if let Some((form, mut input)) = typed {
        input.extend(findings_of(state, &form).unwrap_or_default());
        page.form = form;
        page.findings = input;
    }
    let view = EditorView {
        chrome: p.chrome(flash),
        page,
        conflict: None,
    };
    Ok(p.page(status, render_editor(&view)))
}

/// `GET /forms/{id}/edit`: for members of the form's unit while it is a draft or returned;
/// anyone else who may see the form goes to its read-only view.
pub(crate) async fn edit(State(state): State<AppState>, p: PageUser, Id(id): Id) -> PageResult {
    let row = forms::row(&state, &p.cu.user, id).await.page(&p)?;
    if !forms::may_edit(&p.cu.user, &row) {
        return Ok(see_other(&format!("/forms/{id}"), Vec::new()));
    }
    editor_page(&state, &p, id, StatusCode::OK, None, None).await
}

/// Applies the fields one at a time, skipping the ones that do not parse, so that a refused
/// save shows everything else the user typed.
fn apply_what_parses(base: &Form, fields: &[(String, String)]) -> Form {
    let mut form = base.clone();
    for field in fields.iter().filter(|(n, _)| n.starts_with('/')) {
        if let Ok(next) = form_from_fields(&form, std::slice::from_ref(field)) {
            form = next;
        }
    }
    form
}

/// `POST /forms/{id}/save`: the posted fields applied to the current form, saved as
/// `PUT /api/forms/{id}` would.
pub(crate) async fn save(
    State(state): State<AppState>,
    post: PagePost,
    Id(id): Id,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let base_version = fields
        .int("base_version")
        .ok_or_else(|| ApiError::unprocessable("缺少所基于的版本号，请刷新页面后重试"))
        .page(&p)?;
    // Read once: the current form the fields apply to; the save validates once.
    let current = forms::current(&state, &p.cu.user, id).await.page(&p)?.form;
    let form = match form_from_fields(&current, &fields.0) {
        Ok(form) => form,
        Err(errors) => {
            let n = errors.len();
            let input = errors
                .into_iter()
                .map(|(path, message)| Finding {
                    code: "INPUT".into(),
                    severity: Severity::Error,
                    path,
                    message,
                })
                .collect();
            let typed = apply_what_parses(&current, &fields.0);
            let flash = format!("有 {n} 处填写有误，未保存，请按提示修改");
            return editor_page(
                &state,
                &p,
                id,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(flash),
                Some((typed, input)),
            )
            .await;
        }
    };
    match forms::save(&state, &p.cu.user, id, base_version, &form).await {
        Ok(saved) => Ok(redirect_with_flash(
            &format!("/forms/{id}/edit"),
            &format!("已保存（第 {} 版）", saved.version),
        )),
        Err(e) if e.code == "stale_version" => {
            // The user's form stays on the page, now based on the newer version, with the
            // places where the two differ side by side above it.
            let mut page = form_page(&state, &p, id, None).await?;
            let theirs = serde_json::to_value(&page.form).unwrap_or_default();
            let mine = serde_json::to_value(&form).unwrap_or_default();
            let rows = crate::diff::diff(&mine, &theirs)
                .into_iter()
                .map(|c| ConflictRow {
                    label: jixiao_web::path_label(&c.path, Some(&form)),
                    mine: c.before,
                    theirs: c.after,
                })
                .collect();
            let conflict = Conflict {
                version: page.version,
                rows,
            };
            let flash = format!("他人已保存了第 {} 版，您的修改尚未保存", page.version);
            page.findings = findings_of(&state, &form).unwrap_or_default();
            page.form = form;
            let view = EditorView {
                chrome: p.chrome(Some(flash)),
                page,
                conflict: Some(conflict),
            };
            Ok(p.page(StatusCode::CONFLICT, render_editor(&view)))
        }
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            editor_page(
                &state,
                &p,
                id,
                e.status,
                Some(e.message),
                Some((form, Vec::new())),
            )
            .await
        }
        Err(e) => Err(p.err(e)),
    }
}

/// `POST /forms/{id}/submit`: as `POST /api/forms/{id}/submit`; refused while errors remain
/// (the editor again, with the reason).
pub(crate) async fn submit(
    State(state): State<AppState>,
    post: PagePost,
    Id(id): Id,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let result = match fields.int("base_version") {
        Some(base) => workflow::submit(&state, &p.cu.user, id, base).await,
        None => Err(ApiError::unprocessable(
            "缺少所基于的版本号，请刷新页面后重试",
        )),
    };
    match result {
        Ok(step) => Ok(redirect_with_flash(
            &format!("/forms/{id}"),
            super::submitted_message(step.status),
        )),
        Err(e) if matches!(e.status.as_u16(), 409 | 422) && e.code != "wrong_status" => {
            editor_page(&state, &p, id, e.status, Some(e.message), None).await
        }
        Err(e) => Err(p.err(e)),
    }
}
