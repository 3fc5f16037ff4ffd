//! The application state shared by all handlers, and the hooks through which import and
//! export formats are plugged in.

use std::sync::Arc;

use jixiao_domain::{Finding, Form, Registry, Template};
use jixiao_storage::Db;

use crate::throttle::Throttle;

/// Reads an uploaded file (`file name`, bytes) into a form and an import report (JSON).
/// The error is a Chinese message for the user.
pub type ImportHook =
    Arc<dyn Fn(&str, &[u8]) -> Result<(Form, serde_json::Value), String> + Send + Sync>;

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
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportError {
    /// The format is not known to this server.
    UnsupportedFormat,
    /// The exporter failed; a Chinese message.
    Failed(String),
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
    /// Lock-out duration in milliseconds.
    pub lockout_ms: i64,
    /// Login attempts allowed per client address per minute.
    pub login_attempts_per_minute: u32,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            secure_cookies: false,
            session_ttl_ms: 12 * 3600 * 1000,
            max_body_bytes: 2 * 1024 * 1024,
            max_upload_bytes: 20 * 1024 * 1024,
            max_login_failures: 5,
            lockout_ms: 15 * 60 * 1000,
            login_attempts_per_minute: 30,
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
    /// A state with the built-in templates and the JSON-only import and export hooks.
    pub fn new(db: Db, config: ServerConfig) -> AppState {
        let throttle = Throttle::new(config.login_attempts_per_minute, 60_000);
        AppState {
            db,
            templates: Arc::new(Registry::default()),
            import: Arc::new(json_import),
            export: Arc::new(json_export),
            validator: Arc::new(jixiao_domain::validate::validate),
            config: Arc::new(config),
            login_throttle: Arc::new(throttle),
        }
    }

    /// Replaces the importer.
    pub fn with_import(mut self, hook: ImportHook) -> AppState {
        self.import = hook;
        self
    }

    /// Replaces the validator.
    pub fn with_validator(mut self, hook: ValidateHook) -> AppState {
        self.validator = hook;
        self
    }

    /// Replaces the exporter.
    pub fn with_export(mut self, hook: ExportHook) -> AppState {
        self.export = hook;
        self
    }
}

/// The built-in importer: canonical form JSON only.
pub fn json_import(name: &str, bytes: &[u8]) -> Result<(Form, serde_json::Value), String> {
    let lower = name.to_lowercase();
    if !lower.ends_with(".json") {
        return Err(format!(
            "暂不支持导入该类型的文件「{name}」，请上传规范 JSON 文件"
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| "文件不是 UTF-8 编码的文本".to_string())?;
    let form: Form =
        serde_json::from_str(text).map_err(|e| format!("文件不是有效的申报表 JSON：{e}"))?;
    Ok((form, serde_json::json!({ "format": "json", "issues": [] })))
}

/// The built-in exporter: canonical form JSON only.
pub fn json_export(format: &str, form: &Form) -> Result<ExportFile, ExportError> {
    match format {
        "json" => {
            let bytes =
                serde_json::to_vec_pretty(form).map_err(|e| ExportError::Failed(e.to_string()))?;
            Ok(ExportFile {
                content_type: "application/json".into(),
                extension: "json".into(),
                bytes,
            })
        }
        _ => Err(ExportError::UnsupportedFormat),
    }
}
