//! The HTML pages (`docs/ui.md`, routes section): server-rendered with `jixiao-web`.
//!
//! Every page handler calls the same typed service functions as the JSON API
//! ([`crate::service`]: same access checks, same transactions, same validation), never the API
//! handlers, then fills a `jixiao-web` view model with the typed answer. Pages add only what a
//! browser needs around them:
//! - a page without a session answers `303 /login?next=…` ([`PageUser`], [`PagePost`]);
//! - every POST checks the `_csrf` field (and the CSRF cookie) before anything else;
//! - a successful POST answers `303` (Post/Redirect/Get), with a one-line flash message
//!   carried to the next page by the short-lived `jixiao_flash` cookie;
//! - errors render the error page with the real status.

mod admin;
mod assets;
mod auth;
mod dashboard;
mod editor;
mod history;
mod home;
mod library;
pub(crate) mod public;
mod reports;
mod review;
mod rounds;
mod start;
mod steps;
mod view;

use crate::access::sees_personal_data;
use crate::auth::{CurrentUser, FormPostUser, cookie};
use crate::error::{ApiError, ApiResult};
use crate::service::history as history_service;
use crate::service::{findings_of, forms};
use crate::state::{AppState, ServerConfig};
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Request};
use axum::http::header::{CONTENT_TYPE, LOCATION, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jixiao_web::{
    ChangedSince, Chrome, CommentView, ErrorView, FormPage, Grades, UserView, render_error,
};

/// Name of the cookie that carries a flash message to the page after a redirect.
pub(crate) const FLASH_COOKIE: &str = "jixiao_flash";

/// The HTML routes, to merge into the application next to the API.
#[rustfmt::skip]
pub fn router(config: &ServerConfig) -> Router<AppState> {
    let upload_limit = DefaultBodyLimit::max(config.max_upload_bytes);
    Router::new()
        .route("/assets/{name}", get(assets::asset))
        .route("/favicon.ico", get(assets::favicon))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/password", get(auth::password_page).post(auth::change_password))
        .route("/password/sessions/{id}/end", post(auth::end_session))
        .route("/", get(home::home))
        .route("/admin/regions", post(admin::create_region))
        .route("/admin/units", post(admin::create_unit))
        .route("/admin/users", post(admin::create_user))
        .route("/admin/users/{id}/unlock", post(admin::unlock_user))
        .route("/admin/users/{id}", get(admin::edit_user_page).post(admin::edit_user))
        .route("/admin/regions/{id}/sign-off", post(admin::region_sign_off))
        .route("/admin/regions/{id}/department-review", post(admin::region_department_review))
        .route("/admin/regions/{id}/parent", post(admin::region_parent))
        .route("/admin/units/{id}/department", post(admin::unit_department))
        .route("/admin/units/{id}/type", post(admin::unit_type))
        .route("/admin/audit", get(admin::audit_page))
        .route("/admin/security-policy", post(admin::security_policy))
        .route("/forms/new", get(start::start_page).post(start::create))
        .route("/forms/import", post(start::import).layer(upload_limit))
        .route("/forms/import/confirm", post(start::confirm_import))
        .route("/forms/import/ocr/{id}", get(start::ocr_job))
        .route("/forms/{id}", get(view::form_view))
        .route("/forms/{id}/edit", get(editor::edit))
        .route("/forms/{id}/save", post(editor::save))
        .route("/forms/{id}/submit", post(editor::submit))
        .route("/forms/{id}/review", get(review::review_page).post(review::review))
        .route("/forms/{id}/history", get(history::history))
        .route("/forms/{id}/step/{step}", get(steps::confirm_page).post(steps::take_step))
        .route("/dashboard", get(dashboard::dashboard_page))
        .route("/library", get(library::library_page))
        .route("/library/entry", get(library::entry_page))
        .route("/library/curate", post(library::curate))
        .route("/rounds", get(reports::rounds_page).post(reports::open_round))
        .route("/rounds/{id}", get(reports::board_page))
        .route("/rounds/{id}/batch", post(rounds::batch))
        .route("/rounds/{id}/close", post(rounds::close))
        .route("/rounds/{id}/reopen", post(rounds::reopen))
        .route("/reports/{id}", get(reports::report_page))
        .route("/reports/{id}/save", post(reports::save))
        .route("/reports/{id}/step", post(reports::step))
}

/// Why a page handler stopped: a redirect (to the login page) or an error page.
#[derive(Debug)]
pub(crate) enum PageError {
    /// `303` to this location.
    Redirect(String),
    /// The error page with this status and message, in this chrome.
    Page {
        status: StatusCode,
        message: String,
        chrome: Box<Chrome>,
    },
}

impl PageError {
    fn from_api(e: ApiError, chrome: Chrome) -> PageError {
        PageError::Page {
            status: e.status,
            message: e.message,
            chrome: Box::new(chrome),
        }
    }
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> PageError {
        PageError::from_api(e, anonymous_chrome())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Redirect(to) => see_other(&to, Vec::new()),
            PageError::Page {
                status,
                message,
                chrome,
            } => {
                let view = ErrorView {
                    chrome: *chrome,
                    status: status.as_u16(),
                    message,
                };
                html(status, render_error(&view))
            }
        }
    }
}

/// The result of a page handler.
pub(crate) type PageResult = Result<Response, PageError>;

fn anonymous_chrome() -> Chrome {
    Chrome {
        user: None,
        csrf_token: String::new(),
        flash: None,
    }
}

/// A page's HTML answer; a render failure (a bug, never user input) is a plain 500.
pub(crate) fn html(status: StatusCode, page: Result<String, jixiao_web::RenderError>) -> Response {
    match page {
        Ok(body) => (
            status,
            [(CONTENT_TYPE, "text/html; charset=utf-8")],
            Body::from(body),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "page render failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(CONTENT_TYPE, "text/plain; charset=utf-8")],
                "页面渲染失败，请联系管理员",
            )
                .into_response()
        }
    }
}

/// `303 See Other` to a local location, with extra `Set-Cookie` headers.
pub(crate) fn see_other(to: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut resp = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        resp.headers_mut().insert(LOCATION, v);
    }
    for c in cookies {
        resp.headers_mut().append(SET_COOKIE, c);
    }
    resp
}

/// `303` to a location with a flash message for the next page.
pub(crate) fn redirect_with_flash(to: &str, flash: &str) -> Response {
    let value = format!(
        "{FLASH_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60",
        pct_encode(flash)
    );
    let cookies = HeaderValue::from_str(&value).into_iter().collect();
    see_other(to, cookies)
}

/// Percent-encodes everything but unreserved characters and `/` (for cookies and `next`).
pub(crate) fn pct_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn pct_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(h * 16 + l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The logged-in user of a page, with the flash message the request carried.
#[derive(Debug, Clone)]
pub(crate) struct PageUser {
    /// The user and the session's CSRF token, as the API handlers take them.
    pub cu: CurrentUser,
    /// The user's unit name, for the page header.
    pub unit_name: Option<String>,
    /// The flash message of the previous POST, if any.
    pub flash: Option<String>,
}

impl PageUser {
    async fn load(cu: CurrentUser, state: &AppState) -> Result<PageUser, PageError> {
        let unit_name = match cu.user.unit_id {
            Some(id) => state
                .db
                .unit(id)
                .await
                .map_err(ApiError::from)?
                .map(|u| u.name),
            None => None,
        };
        Ok(PageUser {
            cu,
            unit_name,
            flash: None,
        })
    }

    /// The chrome of the user's pages, with a flash message (else the one the request carried).
    pub fn chrome(&self, flash: Option<String>) -> Chrome {
        let u = &self.cu.user;
        Chrome {
            user: Some(UserView {
                username: u.username.clone(),
                display_name: u.display_name.clone(),
                role: u.role.as_str().to_string(),
                unit_name: self.unit_name.clone(),
            }),
            csrf_token: self.cu.csrf_token.clone(),
            flash: flash.or_else(|| self.flash.clone()),
        }
    }

    /// An HTML page for this user; clears the flash cookie once its message has been shown.
    pub fn page(
        &self,
        status: StatusCode,
        page: Result<String, jixiao_web::RenderError>,
    ) -> Response {
        let mut resp = html(status, page);
        if self.flash.is_some() {
            resp.headers_mut().append(
                SET_COOKIE,
                HeaderValue::from_static(
                    "jixiao_flash=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
                ),
            );
        }
        resp
    }

    /// The error page of an API error, in this user's chrome.
    pub fn err(&self, e: ApiError) -> PageError {
        PageError::from_api(e, self.chrome(None))
    }
}

/// `ApiResult` → page result with the user's chrome on the error page.
pub(crate) trait OrPage<T> {
    /// Maps the error to the error page of the user.
    fn page(self, p: &PageUser) -> Result<T, PageError>;
}

impl<T> OrPage<T> for ApiResult<T> {
    fn page(self, p: &PageUser) -> Result<T, PageError> {
        self.map_err(|e| p.err(e))
    }
}

fn login_redirect(parts: &Parts) -> PageError {
    let next = parts
        .uri
        .path_and_query()
        .map(|pq| pq.as_str())
        .unwrap_or("/");
    if next == "/" {
        PageError::Redirect("/login".into())
    } else {
        PageError::Redirect(format!("/login?next={}", pct_encode(next)))
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        let cu = match CurrentUser::from_request_parts(parts, state).await {
            Ok(cu) => cu,
            Err(e) if e.status == StatusCode::UNAUTHORIZED => return Err(login_redirect(parts)),
            Err(e) if e.code == "password_change_required" => {
                return Err(PageError::Redirect("/password".into()));
            }
            Err(e) => return Err(e.into()),
        };
        let mut p = PageUser::load(cu, state).await?;
        p.flash = cookie(&parts.headers, FLASH_COOKIE)
            .filter(|v| !v.is_empty() && v.len() <= 1000)
            .map(pct_decode);
        Ok(p)
    }
}

/// The user of an HTML form post before the `_csrf` field is checked ([`PagePost::check`]).
pub(crate) struct PagePost(FormPostUser);

impl FromRequestParts<AppState> for PagePost {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        match FormPostUser::from_request_parts(parts, state).await {
            Ok(u) => Ok(PagePost(u)),
            Err(e) if e.status == StatusCode::UNAUTHORIZED => {
                Err(PageError::Redirect("/login".into()))
            }
            Err(e) if e.code == "password_change_required" => {
                Err(PageError::Redirect("/password".into()))
            }
            Err(e) => Err(e.into()),
        }
    }
}

impl PagePost {
    /// Checks the posted `_csrf` field; the page user on success, 403 otherwise.
    pub async fn check(self, state: &AppState, fields: &Fields) -> Result<PageUser, PageError> {
        let cu = self.0.check_csrf(fields.get("_csrf").unwrap_or(""))?;
        PageUser::load(cu, state).await
    }
}

/// The numeric `{id}` of a page path; anything else is the 404 page.
pub(crate) struct Id(pub i64);

impl FromRequestParts<AppState> for Id {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        match axum::extract::Path::<i64>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(id)) => Ok(Id(id)),
            Err(_) => Err(ApiError::not_found("页面不存在").into()),
        }
    }
}

/// The fields of an urlencoded form post, in order (`comment_path`/`comment_text` repeat).
#[derive(Debug, Clone, Default)]
pub(crate) struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// A field as an integer.
    pub fn int(&self, name: &str) -> Option<i64> {
        self.get(name).and_then(|v| v.trim().parse().ok())
    }
}

impl FromRequest<AppState> for Fields {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        match axum::Form::<Vec<(String, String)>>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(Fields(v)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::too_large().into())
            }
            Err(_) => Err(ApiError::bad_request("提交的内容无法读取，请刷新页面后重试").into()),
        }
    }
}

/// The form (the current version, or one older version of it) with everything the form pages
/// show around it, from the forms service.
pub(crate) async fn form_page(
    state: &AppState,
    p: &PageUser,
    id: i64,
    version: Option<i64>,
) -> Result<FormPage, PageError> {
    let user = &p.cu.user;
    let read = forms::read(state, user, id).await.page(p)?;
    let current = read.current.row.version;
    let (form, shown, findings) = match version {
        Some(n) if n != current => {
            let form = history_service::version(state, user, id, n).await.page(p)?;
            // An older version comes masked for viewers outside the unit: its masked phone
            // number is not a finding.
            let masked = !sees_personal_data(user.role);
            let findings = findings_of(state, &form)
                .unwrap_or_default()
                .into_iter()
                .filter(|f| !(masked && f.path == "/header/phone"))
                .collect();
            (form, n, findings)
        }
        _ => (
            read.current.form.clone(),
            current,
            read.current.findings.clone(),
        ),
    };
    let template = state
        .templates
        .get(&form.template.id, Some(form.template.version))
        .map_err(|e| p.err(ApiError::unprocessable(e.to_string())))?
        .clone();
    let comments = read
        .comments
        .iter()
        .map(|c| CommentView {
            path: c.path.clone(),
            text: c.body.clone(),
            author: c.author_name.clone(),
            at: people_time(c.created_at),
            resolved_in: c.resolved_version,
        })
        .collect();
    // The stored grades column is the review's own JSON; the page shows what parses.
    let grades: Option<Grades> = read
        .current
        .row
        .grades
        .as_deref()
        .and_then(|g| serde_json::from_str(g).ok());
    let return_reason = read.return_reason().map(str::to_string);
    // After a return, what the unit changed since the returned version (shown on the current
    // version only).
    let last_return = read
        .reviews
        .iter()
        .rev()
        .find(|r| r.decision == jixiao_domain::Decision::Return)
        .map(|r| r.version)
        .filter(|&v| v < current && shown == current);
    let changed_since = match last_return {
        Some(v) => Some(ChangedSince {
            version: v,
            paths: history_service::diff_versions(state, user, id, v, current)
                .await
                .page(p)?
                .into_iter()
                .map(|c| c.path)
                .collect(),
        }),
        None => None,
    };
    Ok(FormPage {
        id,
        status: read.current.row.status.as_str().to_string(),
        version: shown,
        form,
        template,
        findings,
        comments,
        grades,
        return_reason,
        changed_since,
    })
}

/// The success message of a submission, by the status it reached.
pub(crate) fn submitted_message(status: jixiao_domain::FormStatus) -> &'static str {
    if status == jixiao_domain::FormStatus::AwaitingSignOff {
        "已提交，等待本单位审核人签批后报送财政"
    } else if status == jixiao_domain::FormStatus::AwaitingDepartment {
        "已提交，等待主管部门审核后报送财政"
    } else {
        "已提交审核，等待财政审核"
    }
}

/// The current calendar year in Beijing.
pub(crate) fn this_year() -> i32 {
    jixiao_storage::beijing_date(jixiao_storage::now_ms()).0 as i32
}

/// A stored time as pages show it: Beijing time, relative near today (`今天 14:05`).
pub(crate) fn people_time(ms: i64) -> String {
    jixiao_storage::format_for_people(ms, jixiao_storage::now_ms())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_round_trip() {
        for s in ["已保存（第 4 版）", "/forms/3/edit?x=1&y=2", "a b%c"] {
            let e = pct_encode(s);
            assert!(e.is_ascii() && !e.contains(' ') && !e.contains(';'));
            assert_eq!(pct_decode(&e), s);
        }
        assert_eq!(pct_decode("%E5%"), "\u{FFFD}%");
        assert_eq!(pct_decode("%zz"), "%zz");
    }
}
