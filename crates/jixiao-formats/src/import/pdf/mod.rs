//! PDF import (placeholder while the reader is written).

use super::rows::SourceRow;
use crate::report::ImportError;

/// Reads a PDF into rows.
pub fn read_rows(bytes: &[u8]) -> Result<Vec<SourceRow>, ImportError> {
    let _ = bytes;
    Err(ImportError::NoTextLayer)
}
