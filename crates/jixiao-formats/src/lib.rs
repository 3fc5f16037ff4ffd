//! # jixiao-formats
//!
//! Getting forms in and out of jixiao. Importers (published text, PDF, XLSX, canonical JSON)
//! build a canonical [`jixiao_domain::Form`] and an [`ImportReport`] that lists everything they
//! could not place and every guess they made: nothing is dropped silently. Exporters write the
//! official layout (XLSX, HTML) and data exchange formats (JSON, CSV). The PDF exporter lives in
//! its own crate (`jixiao-pdf`) because its engine is heavy.

pub mod csv;
pub mod export;
pub mod format;
pub mod html;
pub mod import;
pub mod json;
pub mod lifecycle;
pub mod printed;
pub mod report;
pub mod summary;
pub mod xlsx;

pub use export::ExportError;
pub use format::{Format, UnknownFormat};
pub use report::{ImportError, ImportReport, ReportItem, ReportKind, SourceLocation};
