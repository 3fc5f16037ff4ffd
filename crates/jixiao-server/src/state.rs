//! The application state shared by all handlers, the hooks through which import and export
//! formats are plugged in, and [`render`]: the one export dispatcher, used by the server's
//! downloads and by `jixiao export`.

use std::path::Path;
use std::sync::Arc;

use jixiao_domain::{Finding, Form, Privacy, Registry, Template};
use jixiao_formats::Format;
use jixiao_storage::Db;

use crate::throttle::Throttle;

/// Reads an uploaded file (`file name`, bytes) into a form and its import report. With
/// `Some(progress)` scanned pages are read by OCR, telling `progress` each page (an OCR job);
/// with `None` they are not (a request).
pub type ImportHook = Arc<
    dyn Fn(
            &str,
            &[u8],
            Option<jixiao_formats::import::OcrProgress>,
        ) -> Result<(Form, jixiao_formats::ImportReport), ImportFailure>
        + Send
        + Sync,
>;

/// Why an import failed: a Chinese message for the user, and whether the file is a scan that
/// OCR could read (a PDF whose pages are images).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportFailure {
    /// The message.
    pub message: String,
    /// True for a scan refused because OCR was off.
    pub scan: bool,
}

impl From<String> for ImportFailure {
    fn from(message: String) -> ImportFailure {
        ImportFailure {
            message,
            scan: false,
        }
    }
}

/// A file made by an exporter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportFile {
    /// MIME type (`application/pdf`).
    pub content_type: String,
    /// File extension without the dot (`pdf`).
    pub extension: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Why an export failed.
#[derive(Debug)]
pub enum ExportError {
    /// The format is not known to this server.
    UnsupportedFormat,
    /// The exporter failed (its message is Chinese).
    Failed(RenderError),
}

/// Why [`render`] failed: the exporter's own error, kept typed.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// XLSX, HTML or JSON.
    #[error(transparent)]
    Formats(#[from] jixiao_formats::ExportError),
    /// PDF.
    #[error(transparent)]
    Pdf(#[from] jixiao_pdf::PdfError),
}

/// Writes a form in a format (`pdf`, `xlsx`, `html`, `json`, `csv`).
pub type ExportHook = Arc<dyn Fn(&str, &Form) -> Result<ExportFile, ExportError> + Send + Sync>;

/// Checks a form against its template. The default is `jixiao_domain::validate::validate`;
/// tests and deployments may wrap it.
pub type ValidateHook = Arc<dyn Fn(&Form, &Template) -> Vec<Finding> + Send + Sync>;

/// Server settings (not secrets).
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Add `Secure` to cookies (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Session lifetime in milliseconds.
    pub session_ttl_ms: i64,
    /// Largest JSON request body in bytes.
    pub max_body_bytes: usize,
    /// Largest uploaded file for import, in bytes.
    pub max_upload_bytes: usize,
    /// Failed logins in a row before the account is locked.
    pub max_login_failures: i64,
    /// Time a request may take from its headers to its answer, body included (ms); longer is
    /// answered 408. Above the jobs' queue wait and time limit, so an export is not cut short.
    pub request_timeout_ms: u64,
    /// Lock-out duration in milliseconds.
    pub lockout_ms: i64,
    /// Login attempts allowed per client address per minute (0: no limit). Behind a reverse
    /// proxy every client has the proxy's address: raise it or set 0 there and rely on the
    /// per-account lock-out.
    pub login_attempts_per_minute: u32,
    /// Requests to the public portal (`/public…`) allowed per client address per minute (0: no
    /// limit); more are answered 429 with `Retry-After`. Behind a reverse proxy every client
    /// has the proxy's address: limit there instead (nginx `limit_req`) and set 0 here.
    pub public_requests_per_minute: u32,
    /// Heavy jobs (import, export, password hashing) at once; more wait (`crate::jobs`).
    pub max_jobs: usize,
    /// How long a heavy job may wait for a place before it is refused with 503, in milliseconds.
    pub job_queue_wait_ms: u64,
    /// How long a heavy job may run before it is answered 503, in milliseconds.
    pub job_timeout_ms: u64,
    /// The bearer token of `GET /metrics`; `None` (the default) serves no metrics.
    pub metrics_token: Option<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            secure_cookies: false,
            session_ttl_ms: 12 * 3600 * 1000,
            max_body_bytes: 2 * 1024 * 1024,
            max_upload_bytes: 20 * 1024 * 1024,
            request_timeout_ms: 120_000,
            max_login_failures: 5,
            lockout_ms: 15 * 60 * 1000,
            login_attempts_per_minute: 30,
            public_requests_per_minute: 600,
            max_jobs: std::thread::available_parallelism().map_or(2, |n| n.get() * 2),
            job_queue_wait_ms: 10_000,
            job_timeout_ms: 60_000,
            metrics_token: None,
        }
    }
}

/// Everything a handler needs: the database, the templates, the format hooks and settings.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The templates forms are validated against.
    pub templates: Arc<Registry>,
    /// The importer.
    pub import: ImportHook,
    /// The exporter.
    pub export: ExportHook,
    /// The validator.
    pub validator: ValidateHook,
    /// Settings.
    pub config: Arc<ServerConfig>,
    /// Login attempts per client address.
    pub(crate) login_throttle: Arc<Throttle>,
    /// Public portal requests per client address.
    pub(crate) public_throttle: Arc<Throttle>,
    /// Rendered public form pages (a publication never changes).
    pub(crate) public_pages: Arc<crate::pages::public::PageCache>,
    /// The portal's publication lookups, trusted for 30 seconds.
    pub(crate) public_lookups: Arc<crate::service::public::LookupCache>,
    /// The gate for heavy work (imports, exports, password hashing).
    pub jobs: crate::jobs::Jobs,
    /// The security policy (password and session rules), re-read every few seconds.
    pub policy: Arc<crate::policy::PolicyCache>,
    /// Request, save and pool counters for `GET /metrics`.
    pub metrics: Arc<crate::metrics::Metrics>,
    /// The regions' indicator libraries, parsed, by generation.
    pub(crate) libraries: Arc<crate::service::library::LibraryCache>,
    /// This process's OCR worker (scans uploaded through the web are read in the background).
    pub(crate) ocr_worker: Arc<crate::service::ocr::Worker>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("db", &self.db)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// A state with the built-in templates and the importers and exporters of
    /// `jixiao-formats`.
    pub fn new(db: Db, config: ServerConfig) -> AppState {
        let throttle = Throttle::new(config.login_attempts_per_minute, 60_000);
        let public_throttle = Throttle::new(config.public_requests_per_minute, 60_000);
        let templates = Arc::new(Registry::default());
        AppState {
            db,
            import: formats_import(templates.clone()),
            export: formats_export(templates.clone()),
            templates,
            validator: Arc::new(jixiao_domain::validate::validate),
            jobs: crate::jobs::Jobs::new(
                config.max_jobs,
                std::time::Duration::from_millis(config.job_queue_wait_ms),
                std::time::Duration::from_millis(config.job_timeout_ms),
            ),
            config: Arc::new(config),
            login_throttle: Arc::new(throttle),
            public_throttle: Arc::new(public_throttle),
            public_pages: Arc::default(),
            public_lookups: Arc::default(),
            policy: Arc::new(crate::policy::PolicyCache::default()),
            metrics: Arc::default(),
            libraries: Arc::default(),
            ocr_worker: Arc::default(),
        }
    }

    /// The same state with other templates (`--template-dir`): the pages, the API and the
    /// import and export hooks all use them.
    pub fn with_templates(mut self, templates: Arc<Registry>) -> AppState {
        self.import = formats_import(templates.clone());
        self.export = formats_export(templates.clone());
        self.templates = templates;
        self
    }
}

/// The importers of `jixiao-formats` (canonical JSON, published text, PDF, XLSX) as an import
/// hook; the report comes back as JSON. Scanned pages are read by OCR only in an OCR job
/// (`Some(progress)`): a page takes seconds, past a request's job time.
pub fn formats_import(registry: Arc<Registry>) -> ImportHook {
    Arc::new(
        move |name: &str, bytes: &[u8], ocr: Option<jixiao_formats::import::OcrProgress>| {
            let options = jixiao_formats::import::ImportOptions {
                no_ocr: ocr.is_none(),
                ocr_progress: ocr,
                ..Default::default()
            };
            let imported = jixiao_formats::import::import_bytes(name, bytes, &registry, &options)
                .map_err(|e| ImportFailure {
                scan: matches!(e, jixiao_formats::ImportError::NoTextLayer(_)),
                message: e.to_string(),
            })?;
            Ok((imported.form, imported.report))
        },
    )
}

/// Renders a form in a format: the one dispatcher over every exporter (the server's downloads
/// and `jixiao export` both call it). `template` is the form's template (title, annual history
/// columns; without it the Hubei layout); `font_dir` adds fonts to the PDF. It lives here because
/// this is the crate that sees both `jixiao-formats` and `jixiao-pdf`, and the `jixiao` binary
/// already depends on it.
pub fn render(
    format: Format,
    form: &Form,
    template: Option<&Template>,
    privacy: Privacy,
    font_dir: Option<&Path>,
) -> Result<Vec<u8>, RenderError> {
    use jixiao_formats::{csv, html, json, xlsx};
    Ok(match format {
        Format::Pdf => {
            let options = jixiao_pdf::PdfOptions {
                privacy,
                font_dir: font_dir.map(Path::to_path_buf),
            };
            jixiao_pdf::render_with(form, template, &options)?
        }
        Format::Xlsx => xlsx::write_form(form, template, &xlsx::XlsxOptions { privacy })?,
        Format::Html => html::to_html(form, template, &html::HtmlOptions { privacy })?.into_bytes(),
        Format::Json => json::to_json(form, privacy)?.into_bytes(),
        Format::Csv => csv::to_csv(form).into_bytes(),
    })
}

/// [`render`] as the server's export hook. The form handed in is already what the viewer may
/// see (phone masked outside the unit), so the documents are private copies: they keep the
/// filler and the (masked) phone.
pub fn formats_export(registry: Arc<Registry>) -> ExportHook {
    Arc::new(move |name: &str, form: &Form| {
        let format = Format::from_name(name).ok_or(ExportError::UnsupportedFormat)?;
        let template = registry.for_form(form).ok();
        let bytes =
            render(format, form, template, Privacy::Private, None).map_err(ExportError::Failed)?;
        Ok(ExportFile {
            content_type: format.content_type().into(),
            extension: format.extension().into(),
            bytes,
        })
    })
}
