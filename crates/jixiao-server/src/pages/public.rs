//! The public portal (`/public…`): no login, no cookies, no personal data. Pages and files come
//! from [`crate::service::public`]; errors render the portal's own error page (404 for an
//! unknown region, year, unit or version, never a trace). Every route here is limited per client
//! address ([`ServerConfig::public_requests_per_minute`]): over it, 429 with `Retry-After`.
//!
//! The open-data files carry `ETag` and `Last-Modified` (they change only when a form of the
//! region and year is published) and answer `304` to a matching conditional request.

use std::time::{Duration, UNIX_EPOCH};

use axum::extract::{Path, Query, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER,
};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use jixiao_storage::{DatasetStamp, Publication};
use jixiao_web::{
    PublicFormView, PublicHitRow, PublicIndexView, PublicRegionRow, PublicUnitRow, PublicUnitsView,
    PublicVersionRow, PublicYearRow, render_public_error, render_public_form, render_public_index,
    render_public_units,
};
use serde::Deserialize;

use super::html;
use crate::auth::ClientAddr;
use crate::error::ApiError;
use crate::service::public::{self as service, date};
use crate::state::AppState;

/// Public pages and files may be stored by browsers and proxies, but are checked again on every
/// use: a publication shows at once (the open data answers such a check with 304).
const MAX_AGE: &str = "public, no-cache";

/// The portal's error page with the error's status and message (a 5xx says only that the
/// request failed: its detail was logged where it arose).
fn error_page(e: ApiError) -> Response {
    let mut resp = html(e.status, render_public_error(e.status.as_u16(), &e.message));
    let h = resp.headers_mut();
    h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if e.status == StatusCode::SERVICE_UNAVAILABLE {
        h.insert(RETRY_AFTER, HeaderValue::from_static("5"));
    }
    resp
}

fn public_page(page: Result<String, jixiao_web::RenderError>) -> Response {
    let mut resp = html(StatusCode::OK, page);
    resp.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static(MAX_AGE));
    resp
}

/// Limits every public route per client address: over the limit, 429 with `Retry-After`.
pub(crate) async fn rate_limit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    req: Request,
    next: Next,
) -> Response {
    match state.public_throttle.retry_after(&addr) {
        None => next.run(req).await,
        Some(wait) => {
            let mut resp = error_page(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                format!("访问过于频繁，请 {wait} 秒后再试"),
            ));
            if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                resp.headers_mut().insert(RETRY_AFTER, v);
            }
            resp
        }
    }
}

/// `GET /public`: every region and year with published forms.
pub(crate) async fn index(State(state): State<AppState>) -> Response {
    let years = match service::years(&state).await {
        Ok(y) => y,
        Err(e) => return error_page(e),
    };
    let mut regions: Vec<PublicRegionRow> = Vec::new();
    for y in years {
        let row = PublicYearRow {
            fiscal_year: y.fiscal_year,
            units: y.units,
            last_published: date(y.last_published_at),
        };
        match regions.last_mut() {
            Some(r) if r.code == y.region_code => r.years.push(row),
            _ => regions.push(PublicRegionRow {
                code: y.region_code,
                name: y.region_name,
                years: vec![row],
            }),
        }
    }
    public_page(render_public_index(&PublicIndexView { regions }))
}

/// `GET /public/{region}`: the region's latest year.
pub(crate) async fn region(State(state): State<AppState>, Path(region): Path<String>) -> Response {
    let found = async {
        let region = service::code(&region)?;
        let years = service::years(&state).await?;
        years
            .into_iter()
            .find(|y| y.region_code == region)
            .map(|y| format!("/public/{}/{}", y.region_code, y.fiscal_year))
            .ok_or_else(service::not_found)
    }
    .await;
    match found {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => error_page(e),
    }
}

/// Query of the units page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct UnitsQuery {
    q: Option<String>,
    indicator: Option<String>,
}

/// `GET /public/{region}/{year}?q=&indicator=`: the units with published forms, the search.
pub(crate) async fn units(
    State(state): State<AppState>,
    Path((region, year)): Path<(String, String)>,
    query: Result<Query<UnitsQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let name = service::search_text(q.q.as_deref());
    let indicator = service::search_text(q.indicator.as_deref());
    let view = async {
        let region = service::code(&region)?;
        let year = service::year(&year)?;
        let units = service::units(&state, region, year, name.as_deref()).await?;
        let (hits, more) = match &indicator {
            Some(text) => service::search(&state, region, year, text).await?,
            None => (Vec::new(), false),
        };
        let (region_code, region_name) = units
            .years
            .first()
            .map(|y| (y.region_code.clone(), y.region_name.clone()))
            .unwrap_or_default();
        Ok::<_, ApiError>(PublicUnitsView {
            region_code,
            region_name,
            fiscal_year: year,
            other_years: units
                .years
                .iter()
                .map(|y| y.fiscal_year)
                .filter(|y| *y != year)
                .collect(),
            q: name.clone().unwrap_or_default(),
            indicator: indicator.clone().unwrap_or_default(),
            units: units.units.iter().map(unit_row).collect(),
            hits: hits
                .into_iter()
                .map(|h| PublicHitRow {
                    unit_code: h.publication.unit_code,
                    unit_name: h.publication.unit_name,
                    level1: h.level1,
                    level2: h.level2,
                    name: h.name,
                    target: h.target.unwrap_or_default(),
                })
                .collect(),
            hits_truncated: more,
            total_units: units.total,
        })
    }
    .await;
    match view {
        Ok(v) => public_page(render_public_units(&v)),
        Err(e) => error_page(e),
    }
}

fn unit_row(p: &Publication) -> PublicUnitRow {
    PublicUnitRow {
        code: p.unit_code.clone(),
        name: p.unit_name.clone(),
        public_version: usize::try_from(p.ordinal).unwrap_or(1),
        published: date(p.published_at),
    }
}

/// Rendered public form pages, gzip-compressed, by publication and by the number of
/// publications of its form (the page lists them and says whether a newer one exists): a
/// publication never changes, so a page rendered once is good until a new publication makes
/// the key change. A page is about 33 KB of HTML and 6 KB compressed, so the
/// [`PageCache::MAX_BYTES`] hold a province's pages (some 20,000); beyond that the oldest go
/// first. A miss costs about 2.4 ms (read the version, make the public copy, render, compress);
/// a hit sends the compressed bytes as they are to a client that accepts gzip.
#[derive(Debug, Default)]
pub(crate) struct PageCache {
    inner: std::sync::Mutex<CachedPages>,
}

#[derive(Debug, Default)]
struct CachedPages {
    pages: std::collections::HashMap<(i64, usize), std::sync::Arc<[u8]>>,
    /// Keys, oldest first.
    order: std::collections::VecDeque<(i64, usize)>,
    bytes: usize,
}

impl PageCache {
    const MAX_BYTES: usize = 256 << 20;

    fn get(&self, key: (i64, usize)) -> Option<std::sync::Arc<[u8]>> {
        self.inner
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pages
            .get(&key)
            .cloned()
    }

    fn put(&self, key: (i64, usize), page: std::sync::Arc<[u8]>) {
        self.put_bounded(key, page, Self::MAX_BYTES);
    }

    fn put_bounded(&self, key: (i64, usize), page: std::sync::Arc<[u8]>, max_bytes: usize) {
        let mut c = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if c.pages.contains_key(&key) {
            return;
        }
        c.bytes += page.len();
        c.pages.insert(key, page);
        c.order.push_back(key);
        while c.bytes > max_bytes {
            let Some(old) = c.order.pop_front() else {
                break;
            };
            if let Some(p) = c.pages.remove(&old) {
                c.bytes -= p.len();
            }
        }
    }
}

#[cfg(test)]
mod page_cache_tests {
    use super::{PageCache, accepts_gzip, gzip};

    #[test]
    fn gzip_is_sent_only_to_clients_that_take_it() {
        let with = |v: &str| {
            let mut h = axum::http::HeaderMap::new();
            h.insert(axum::http::header::ACCEPT_ENCODING, v.parse().unwrap());
            accepts_gzip(&h)
        };
        assert!(with("gzip, deflate, br, zstd"));
        assert!(with("br;q=1.0, GZIP;q=0.5"));
        assert!(with("*"));
        assert!(!with("gzip;q=0"));
        assert!(!with("br, identity"));
        assert!(!accepts_gzip(&axum::http::HeaderMap::new()));
        let page = "<p>公开的申报表</p>".repeat(500);
        let gz = gzip(page.as_bytes());
        assert!(gz.len() * 10 < page.len(), "{} bytes", gz.len());
    }

    #[test]
    fn the_oldest_pages_go_first_when_the_bytes_run_out() {
        let cache = PageCache::default();
        let page = |n: usize| std::sync::Arc::<[u8]>::from(vec![b'x'; n]);
        cache.put_bounded((1, 1), page(40), 100);
        cache.put_bounded((2, 1), page(40), 100);
        cache.put_bounded((2, 1), page(40), 100); // already there: kept once
        assert!(cache.get((1, 1)).is_some() && cache.get((2, 1)).is_some());
        cache.put_bounded((3, 1), page(40), 100); // 120 bytes: the oldest goes
        assert!(cache.get((1, 1)).is_none());
        assert!(cache.get((2, 1)).is_some() && cache.get((3, 1)).is_some());
        cache.put_bounded((4, 1), page(500), 100); // larger than the bound: nothing stays
        assert!(cache.get((4, 1)).is_none() && cache.get((3, 1)).is_none());
        assert_eq!(cache.inner.lock().unwrap().bytes, 0);
    }
}

/// Query of a form's page and downloads.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct VersionQuery {
    version: Option<String>,
}

/// `?version=N`: a positive number, or not found.
fn ordinal(
    q: Result<Query<VersionQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Option<usize>, ApiError> {
    match q.map(|Query(q)| q.version) {
        Ok(None) | Err(_) => Ok(None),
        Ok(Some(v)) => v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| *n >= 1)
            .map(Some)
            .ok_or_else(service::not_found),
    }
}

/// `GET /public/{region}/{year}/units/{unit}?version=N`: a published form (the latest public
/// version, or the N-th).
pub(crate) async fn form(
    State(state): State<AppState>,
    Path((region, year, unit)): Path<(String, String, String)>,
    headers: axum::http::HeaderMap,
    query: Result<Query<VersionQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let page = async {
        let region = service::code(&region)?;
        let year = service::year(&year)?;
        let unit = service::code(&unit)?;
        let wanted = ordinal(query)?;
        let picked = service::pick(&state, region, year, unit, wanted).await?;
        let key = (picked.publication.id, picked.all.len());
        if let Some(page) = state.public_pages.get(key) {
            return Ok::<_, ApiError>(page);
        }
        let form = service::public_copy(&state, &picked.publication).await?;
        let template = state
            .templates
            .get(&form.template.id, Some(form.template.version))
            .map_err(|e| ApiError::internal(e.to_string()))?
            .clone();
        let p = &picked.publication;
        let view = PublicFormView {
            region_code: p.region_code.clone(),
            region_name: p.region_name.clone(),
            fiscal_year: p.fiscal_year,
            unit_code: p.unit_code.clone(),
            unit_name: p.unit_name.clone(),
            public_version: picked.ordinal,
            published: date(p.published_at),
            superseded: picked.ordinal < picked.all.len(),
            versions: picked
                .all
                .iter()
                .enumerate()
                .rev()
                .map(|(i, v)| PublicVersionRow {
                    public_version: i + 1,
                    published: date(v.published_at),
                    current: i + 1 == picked.ordinal,
                })
                .collect(),
            page: jixiao_web::FormPage {
                id: 0,
                status: "published".into(),
                version: p.version,
                form,
                template,
                findings: Vec::new(),
                comments: Vec::new(),
                grades: None,
                return_reason: None,
                changed_since: None,
            },
        };
        let html = render_public_form(&view)
            .map_err(|e| ApiError::internal(format!("public page: {e}")))?;
        let gz: std::sync::Arc<[u8]> = gzip(html.as_bytes()).into();
        state.public_pages.put(key, gz.clone());
        Ok(gz)
    }
    .await;
    match page {
        Ok(gz) => compressed_page(&headers, &gz),
        Err(e) => error_page(e),
    }
}

/// Gzip at a fast level (a 33 KB page in well under a millisecond, to about 6 KB).
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 4),
        flate2::Compression::fast(),
    );
    // Writing into a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}

/// Whether the client takes `Content-Encoding: gzip` (every browser does; `gzip;q=0` refuses).
fn accepts_gzip(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get_all(axum::http::header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|part| {
            let mut it = part.split(';');
            let coding = it.next().unwrap_or("").trim();
            let refused = it.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

/// A cached page: the compressed bytes as they are for a client that accepts gzip, the HTML
/// for one that does not.
fn compressed_page(headers: &axum::http::HeaderMap, gz: &[u8]) -> Response {
    use axum::http::header::{CONTENT_ENCODING, VARY};
    let mut resp = if accepts_gzip(headers) {
        let mut r = html(StatusCode::OK, Ok(String::new()));
        *r.body_mut() = axum::body::Body::from(gz.to_vec());
        r.headers_mut()
            .insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        r
    } else {
        use std::io::Read;
        let mut text = String::new();
        match flate2::read::GzDecoder::new(gz).read_to_string(&mut text) {
            Ok(_) => html(StatusCode::OK, Ok(text)),
            Err(e) => return error_page(ApiError::internal(format!("cached page: {e}"))),
        }
    };
    let h = resp.headers_mut();
    h.insert(CACHE_CONTROL, HeaderValue::from_static(MAX_AGE));
    h.insert(VARY, HeaderValue::from_static("Accept-Encoding"));
    resp
}

/// `GET /public/{region}/{year}/units/{unit}/{file}?version=N`: `form.pdf` or `form.xlsx`, the
/// public copy of a published form.
pub(crate) async fn download(
    State(state): State<AppState>,
    Path((region, year, unit, file)): Path<(String, String, String, String)>,
    query: Result<Query<VersionQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let done = async {
        let region = service::code(&region)?;
        let year = service::year(&year)?;
        let unit = service::code(&unit)?;
        let format = match file.as_str() {
            "form.pdf" => "pdf",
            "form.xlsx" => "xlsx",
            _ => return Err(service::not_found()),
        };
        let wanted = ordinal(query)?;
        let (file, name) = service::export(&state, region, year, unit, wanted, format).await?;
        let mut resp = crate::api::history::attachment(
            file.bytes,
            &file.content_type,
            &format!("{unit}-{year}.{}", file.extension),
            &name,
        )?;
        resp.headers_mut()
            .insert(CACHE_CONTROL, HeaderValue::from_static(MAX_AGE));
        Ok::<_, ApiError>(resp)
    }
    .await;
    done.unwrap_or_else(error_page)
}

/// The validators of a region's open data: a weak ETag from the publications it holds, and
/// the time of the latest one.
fn validators(kind: &str, stamp: DatasetStamp) -> (String, String) {
    let etag = format!("W/\"{kind}-{}-{}\"", stamp.publications, stamp.last_id);
    let modified =
        UNIX_EPOCH + Duration::from_millis(u64::try_from(stamp.last_published_at).unwrap_or(0));
    (etag, httpdate::fmt_http_date(modified))
}

/// Whether a conditional request already holds this content (`If-None-Match` first, else
/// `If-Modified-Since`, to the second).
fn not_modified(headers: &HeaderMap, etag: &str, stamp: DatasetStamp) -> bool {
    if let Some(tags) = headers.get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        return tags.split(',').map(str::trim).any(|t| {
            t == "*" || t == etag || t.trim_start_matches("W/") == etag.trim_start_matches("W/")
        });
    }
    match headers
        .get(IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
    {
        Some(since) => {
            let since_s = since
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0);
            let last_s = u64::try_from(stamp.last_published_at / 1000).unwrap_or(0);
            last_s <= since_s
        }
        None => false,
    }
}

/// `GET /public/{region}/{year}/open-data.csv` and `.json`: every indicator of the region's
/// published forms of the year (the latest public version of each).
pub(crate) async fn open_data(
    State(state): State<AppState>,
    Path((region, year, file)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Response {
    let done = async {
        let csv = match file.as_str() {
            "open-data.csv" => true,
            "open-data.json" => false,
            _ => return Err(service::not_found()),
        };
        let region = service::code(&region)?;
        let year = service::year(&year)?;
        let stamp = service::stamp(&state, region, year).await?;
        let (etag, modified) = validators(if csv { "csv" } else { "json" }, stamp);
        let mut resp = if not_modified(&headers, &etag, stamp) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let data = service::open_data(&state, region, year).await?;
            if csv {
                let name = format!("{region}-{year}-open-data.csv");
                let mut resp =
                    ([(CONTENT_TYPE, "text/csv; charset=utf-8")], data.to_csv()).into_response();
                if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
                    resp.headers_mut()
                        .insert(axum::http::header::CONTENT_DISPOSITION, v);
                }
                resp
            } else {
                let body = serde_json::to_string(&data.to_json()).map_err(ApiError::internal)?;
                ([(CONTENT_TYPE, "application/json; charset=utf-8")], body).into_response()
            }
        };
        let h = resp.headers_mut();
        h.insert(
            ETAG,
            HeaderValue::from_str(&etag).map_err(ApiError::internal)?,
        );
        h.insert(
            LAST_MODIFIED,
            HeaderValue::from_str(&modified).map_err(ApiError::internal)?,
        );
        h.insert(CACHE_CONTROL, HeaderValue::from_static(MAX_AGE));
        Ok::<_, ApiError>(resp)
    }
    .await;
    done.unwrap_or_else(error_page)
}

/// Anything else under `/public/`: the portal's 404.
pub(crate) async fn missing() -> Response {
    error_page(service::not_found())
}

/// The portal's routes, limited per client address ([`rate_limit`]).
pub(crate) fn router(state: &AppState) -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/public", get(index))
        .route("/public/", get(index))
        .route("/public/{region}", get(region))
        .route("/public/{region}/{year}", get(units))
        .route("/public/{region}/{year}/{file}", get(open_data))
        .route("/public/{region}/{year}/units/{unit}", get(form))
        .route("/public/{region}/{year}/units/{unit}/{file}", get(download))
        .route(
            "/public/{region}/{year}/units/{unit}/{file}/{*rest}",
            get(missing),
        )
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            rate_limit,
        ))
}
