//! Sessions, CSRF and passwords.
//!
//! - The session cookie `jixiao_session` (HttpOnly, SameSite=Lax) holds a random token; the
//!   database keeps only its SHA-256, so a leaked table does not yield live sessions.
//! - CSRF: each session has a random token, sent to the browser in the script-readable cookie
//!   `jixiao_csrf` (and in pages). A state-changing request must echo it in `X-CSRF-Token`
//!   (fetch) or in the form field `_csrf` (HTML form posts); it is compared with both the
//!   cookie and the session's stored value.
//! - Passwords: argon2id PHC strings.

use std::net::SocketAddr;

use argon2::Argon2;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use jixiao_storage::User;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::state::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "jixiao_session";
/// Name of the CSRF cookie (readable by scripts).
pub const CSRF_COOKIE: &str = "jixiao_csrf";
/// Header carrying the CSRF token on fetch requests.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Form field carrying the CSRF token on HTML form posts.
pub const CSRF_FIELD: &str = "_csrf";

/// The logged-in user of a request whose CSRF token (for state-changing methods, from the
/// `X-CSRF-Token` header) has been checked. Rejects with 401 without a live session and 403
/// on a bad CSRF token.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The user.
    pub user: User,
    /// The session's CSRF token, to put into pages (`<meta name="csrf-token">`, `_csrf`).
    pub csrf_token: String,
    /// The user must change their password before anything else (set by an administrator, or
    /// past the policy's maximum age); only [`PASSWORD_CHANGE_PATHS`] answer meanwhile.
    pub must_change_password: bool,
    /// The login before this session's: time (Unix ms) and client address, shown after login.
    pub previous_login: Option<(i64, String)>,
    session_hash: String,
}

/// What a user who must change their password may still reach.
pub const PASSWORD_CHANGE_PATHS: [&str; 5] = [
    "/api/me",
    "/api/me/password",
    "/api/logout",
    "/password",
    "/logout",
];

/// The refusal of any other route while the password must be changed.
pub fn password_change_required() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "password_change_required",
        "请先修改密码：管理员设置的密码或已到期的密码须由本人更改后才能继续使用",
    )
}

impl CurrentUser {
    /// The hash of the session token (to end the session).
    pub(crate) fn session_hash(&self) -> &str {
        &self.session_hash
    }
}

/// The logged-in user of an HTML form post, before the CSRF check: the handler must call
/// [`FormPostUser::check_csrf`] with the form's `_csrf` field to get a [`CurrentUser`].
#[derive(Debug, Clone)]
pub struct FormPostUser(CurrentUser);

impl FormPostUser {
    /// Checks the `_csrf` form field against the session and the CSRF cookie.
    pub fn check_csrf(self, token: &str) -> Result<CurrentUser, ApiError> {
        if csrf_matches(&self.0.csrf_token, token) {
            Ok(self.0)
        } else {
            Err(csrf_error())
        }
    }
}

/// Constant-time comparison of an expected CSRF token with a given one.
pub fn csrf_matches(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    if a.len() != b.len() || a.is_empty() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn csrf_error() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "csrf",
        "安全校验失败（CSRF），请刷新页面后重试",
    )
}

/// The value of a cookie in the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

async fn session_from(parts: &Parts, state: &AppState) -> Result<CurrentUser, ApiError> {
    let token = cookie(&parts.headers, SESSION_COOKIE).ok_or_else(ApiError::unauthorized)?;
    if token.len() > 128 {
        return Err(ApiError::unauthorized());
    }
    let hash = token_hash(token);
    let policy = state.policy.get(&state.db).await?;
    let s = state
        .db
        .session_user(&hash, policy.idle_ms())
        .await?
        .ok_or_else(ApiError::unauthorized)?;
    let must_change = s.user.must_change_password
        || policy.expired(s.user.password_changed_at, jixiao_storage::now_ms());
    if must_change && !PASSWORD_CHANGE_PATHS.contains(&parts.uri.path()) {
        return Err(password_change_required());
    }
    Ok(CurrentUser {
        user: s.user,
        csrf_token: s.csrf_token,
        must_change_password: must_change,
        previous_login: s
            .previous_login_at
            .map(|at| (at, s.previous_login_address.unwrap_or_default())),
        session_hash: hash,
    })
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = session_from(parts, state).await?;
        if !is_safe(&parts.method) {
            let header = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let cookie = cookie(&parts.headers, CSRF_COOKIE).unwrap_or("");
            if !csrf_matches(&user.csrf_token, header) || !csrf_matches(&user.csrf_token, cookie) {
                return Err(csrf_error());
            }
        }
        Ok(user)
    }
}

impl FromRequestParts<AppState> for FormPostUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let user = session_from(parts, state).await?;
        // Double submit: the cookie must carry the session's token too.
        let cookie = cookie(&parts.headers, CSRF_COOKIE).unwrap_or("");
        if !is_safe(&parts.method) && !csrf_matches(&user.csrf_token, cookie) {
            return Err(csrf_error());
        }
        Ok(FormPostUser(user))
    }
}

/// The client's address (for throttling), `unknown` when the server runs without
/// connection info (in-process tests).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(ClientAddr(addr.unwrap_or_else(|| "unknown".into())))
    }
}

/// 32 random bytes as 64 hex digits.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

/// SHA-256 of a session token, hex.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A readable random password: 20 characters without look-alikes, with lower-case letters,
/// upper-case letters and digits (three character kinds, as the default policy asks).
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    loop {
        let mut bytes = [0u8; 20];
        OsRng.fill_bytes(&mut bytes);
        let pw: String = bytes
            .iter()
            .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
            .collect();
        if pw.chars().any(|c| c.is_ascii_lowercase())
            && pw.chars().any(|c| c.is_ascii_uppercase())
            && pw.chars().any(|c| c.is_ascii_digit())
        {
            return pw;
        }
    }
}

/// Hashes a password with argon2id (default parameters). CPU-heavy: call from a blocking task.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(ApiError::internal)
}

/// Checks a password against a PHC string. CPU-heavy: call from a blocking task.
pub fn verify_password(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// Checks a new password against the policy in force: length, character kinds, and (for a
/// user that exists) none of their last passwords. CPU-heavy when the history is checked.
pub async fn check_new_password(
    state: &AppState,
    user_id: Option<i64>,
    password: &str,
) -> Result<(), ApiError> {
    let policy = state.policy.get(&state.db).await?;
    policy.check_password(password)?;
    if let Some(id) = user_id
        && policy.history > 0
    {
        let recent = state
            .db
            .recent_password_hashes(id, i64::from(policy.history))
            .await?;
        let pw = password.to_string();
        let reused = state
            .jobs
            .run(move || recent.iter().any(|h| verify_password(&pw, h)))
            .await?;
        if reused {
            return Err(ApiError::unprocessable(format!(
                "新密码不能与最近 {} 次使用过的密码相同",
                policy.history
            )));
        }
    }
    Ok(())
}

/// The `Set-Cookie` headers that start a session.
pub fn session_cookies(token: &str, csrf: &str, max_age_s: i64, secure: bool) -> [HeaderValue; 2] {
    let secure = if secure { "; Secure" } else { "" };
    [
        header_value(format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}"
        )),
        header_value(format!(
            "{CSRF_COOKIE}={csrf}; Path=/; SameSite=Lax; Max-Age={max_age_s}{secure}"
        )),
    ]
}

/// The `Set-Cookie` headers that end a session.
pub fn clear_cookies(secure: bool) -> [HeaderValue; 2] {
    let secure = if secure { "; Secure" } else { "" };
    [
        header_value(format!(
            "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"
        )),
        header_value(format!(
            "{CSRF_COOKIE}=; Path=/; SameSite=Lax; Max-Age=0{secure}"
        )),
    ]
}

fn header_value(s: String) -> HeaderValue {
    // Cookie values are hex tokens and fixed text: always valid header values.
    HeaderValue::from_str(&s).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Appends `Set-Cookie` headers to a response's headers.
pub fn set_cookies(headers: &mut HeaderMap, cookies: [HeaderValue; 2]) {
    for c in cookies {
        headers.append(SET_COOKIE, c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify() {
        let h = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn csrf_compare() {
        assert!(csrf_matches("abc", "abc"));
        assert!(!csrf_matches("abc", "abd"));
        assert!(!csrf_matches("", ""));
        assert!(!csrf_matches("abc", "ab"));
    }

    #[test]
    fn reads_cookies() {
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_static("a=1; jixiao_session=tok; b=2"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("tok"));
        assert_eq!(cookie(&h, "c"), None);
        assert_eq!(random_token().len(), 64);
        for _ in 0..200 {
            let pw = random_password();
            assert_eq!(pw.len(), 20);
            assert!(
                crate::policy::SecurityPolicy::default()
                    .check_password(&pw)
                    .is_ok()
            );
        }
    }
}
