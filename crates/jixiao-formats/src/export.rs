//! The error type shared by the exporters.

/// Why a form could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The XLSX writer refused the content (for example a text longer than Excel's 32,767
    /// characters per cell).
    #[error("生成 Excel 文件失败：{0}")]
    Xlsx(String),
    /// The HTML template failed to render.
    #[error("生成 HTML 失败：{0}")]
    Html(String),
    /// Serialising JSON failed.
    #[error("生成 JSON 失败：{0}")]
    Json(String),
    /// The form names a template that is not known where one is required.
    #[error("未知模板「{0}」")]
    UnknownTemplate(String),
}

/// The public copy of a form: the filler's name and the phone number (personal data) removed.
pub fn public_copy(form: &jixiao_domain::Form) -> jixiao_domain::Form {
    let mut f = form.clone();
    f.header.filler = None;
    f.header.phone = None;
    f
}
