//! Import: an uploaded file read into a form with its import report and findings; nothing is
//! saved (a confirmed preview is created with [`super::forms::create`]). The multipart upload is
//! read here once for the API and the page.

use axum::extract::Multipart;
use axum::http::StatusCode;
use jixiao_domain::{Finding, Form};
use jixiao_formats::ImportReport;
use jixiao_storage::User;

use super::{counts, findings_of};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// An uploaded file: its name (last path component only) and bytes.
#[derive(Debug, Clone)]
pub struct UploadedFile {
    /// The file's name: it serves messages and the importer's format guess, never a path.
    pub name: String,
    /// Its content.
    pub bytes: Vec<u8>,
}

/// A multipart upload: its text fields (such as `_csrf`) and the `file` field. Reading stops at
/// the first broken part; the fields read before it are kept, so that a page can still check
/// its CSRF token before it answers.
#[derive(Debug)]
pub struct Upload {
    /// Text fields, in order.
    pub fields: Vec<(String, String)>,
    /// The file, if one came; or why the upload could not be read.
    pub file: ApiResult<Option<UploadedFile>>,
}

/// Reads a multipart upload.
pub async fn read_upload(mut mp: Multipart) -> Upload {
    let mut fields = Vec::new();
    let mut file = None;
    loop {
        match mp.next_field().await {
            Ok(Some(field)) => match field.name().map(str::to_string) {
                Some(n) if n == "file" => {
                    let name = upload_name(field.file_name());
                    match field.bytes().await {
                        Ok(b) => {
                            file = Some(UploadedFile {
                                name,
                                bytes: b.to_vec(),
                            })
                        }
                        Err(e) => return broken(fields, e.status()),
                    }
                }
                Some(n) => {
                    let value = field.text().await.unwrap_or_default();
                    fields.push((n, value));
                }
                None => {}
            },
            Ok(None) => break,
            Err(e) => return broken(fields, e.status()),
        }
    }
    Upload {
        fields,
        file: Ok(file),
    }
}

fn broken(fields: Vec<(String, String)>, status: StatusCode) -> Upload {
    let e = if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large()
    } else {
        ApiError::bad_request("上传内容无法读取")
    };
    Upload {
        fields,
        file: Err(e),
    }
}

/// The uploaded file's name, only its last path component.
fn upload_name(raw: Option<&str>) -> String {
    raw.unwrap_or("")
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .to_string()
}

/// A file read into a form: the form, what the importer noticed, and the findings.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The uploaded file's name.
    pub file_name: String,
    /// The form read from it.
    pub form: Form,
    /// The import report.
    pub report: ImportReport,
    /// Findings of the form.
    pub findings: Vec<Finding>,
    /// Number of errors.
    pub errors: i64,
    /// Number of warnings.
    pub warnings: i64,
}

/// Reads an uploaded file through the server's importer; 422 with the importer's message when
/// it cannot. Every upload is audited (name, size, and what became of it).
pub async fn preview(state: &AppState, user: &User, file: UploadedFile) -> ApiResult<Imported> {
    let size = file.bytes.len();
    let result = read(state, file.name.clone(), file.bytes).await;
    let (outcome, what) = match &result {
        Ok(_) => (jixiao_storage::Outcome::Ok, "已读出".to_string()),
        Err(e) => (jixiao_storage::Outcome::Refused, e.message.clone()),
    };
    let shown: String = file.name.chars().take(100).collect();
    super::audit_event(
        state,
        user.id,
        jixiao_storage::Subject::default(),
        "import",
        &format!("上传「{shown}」（{size} 字节）：{what}"),
        outcome,
    )
    .await?;
    let (form, report) = result?;
    let findings = findings_of(state, &form)?;
    let (errors, warnings) = counts(&findings);
    Ok(Imported {
        file_name: file.name,
        form,
        report,
        findings,
        errors,
        warnings,
    })
}

/// The importer's reading of an upload.
async fn read(state: &AppState, name: String, bytes: Vec<u8>) -> ApiResult<(Form, ImportReport)> {
    if bytes.is_empty() {
        return Err(ApiError::unprocessable("上传的文件是空的"));
    }
    let hook = state.import.clone();
    let result = state.jobs.run(move || hook(&name, &bytes, None)).await?;
    result.map_err(|failure| {
        if !failure.scan {
            return ApiError::unprocessable(failure.message);
        }
        // A scan: read in the background by an OCR job, when this server can.
        match super::ocr::unavailable_reason() {
            None => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                SCAN_NEEDS_OCR,
                "这份 PDF 是扫描件（页面是图片，没有文字层），需要文字识别（OCR），每页需数秒到数十秒：请改用 POST /api/import/ocr 上传，在后台识别",
            ),
            Some(why) => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                SCAN_NEEDS_OCR,
                format!(
                    "这份 PDF 是扫描件（页面是图片，没有文字层），需要文字识别（OCR），但本服务器不能识别：{why}。请联系管理员，或在命令行用 jixiao import 识别后导入得到的 JSON，或提供可复制文字的 PDF 或原始表格"
                ),
            ),
        }
    })
}

/// The error code of an upload that is a scan: OCR could read it ([`super::ocr::start`]).
pub const SCAN_NEEDS_OCR: &str = "scan_needs_ocr";
