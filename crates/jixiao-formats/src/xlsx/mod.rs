//! Excel workbooks (XLSX) in the official layout: export of a form, import of a jixiao workbook,
//! and a fillable blank made from a template.
//!
//! One worksheet (`部门整体绩效目标申报表`) holds the form as printed: merged cells, borders,
//! wrapped text, A4 print set-up. Amounts are numbers with a `0.00` format; totals and shares are
//! formulas with cached values, so Excel and WPS show live arithmetic. A very hidden sheet
//! (`jixiao`) records the template and which formula cells stood for values the form left empty,
//! so that a workbook reads back into the identical canonical form.

mod blank;
pub(crate) mod grid;
mod layout;
mod read;
mod read_funding;
mod read_sections;
mod styles;
mod write;
mod write_sections;
pub(crate) mod zipguard;

use jixiao_domain::{Form, Privacy, Template};
use rust_xlsxwriter::Workbook;

pub use blank::{BlankOptions, write_blank};
pub(crate) use layout::{LAST_COL as LAST_READ_COL, cell_ref};
pub use layout::{META_SHEET, SHEET};
pub use read::read_form;
pub(crate) use styles::is_formula_like as formula_like;
pub use zipguard::{MAX_CELLS, MAX_ENTRIES, MAX_UNCOMPRESSED};

use crate::export::ExportError;
use crate::printed::PrintedForm;

/// Options of the form export.
#[derive(Debug, Clone, Copy, Default)]
pub struct XlsxOptions {
    /// Public (the default: no filler's name, no phone number) or private copy.
    pub privacy: Privacy,
}

/// Writes a form as an XLSX workbook in the official layout. `template` (the form's template)
/// decides the title and whether the annual table has the 前年 / 上年 columns; without it the
/// Hubei layout is used.
pub fn write_form(
    form: &Form,
    template: Option<&Template>,
    options: &XlsxOptions,
) -> Result<Vec<u8>, ExportError> {
    let layout = PrintedForm::new(form, template, options.privacy);
    let spec = write::WriteSpec {
        mode: write::Mode::Form,
        layout: &layout,
    };
    let mut wb = new_workbook();
    write::write_workbook(&mut wb, form, &spec).map_err(xlsx_error)?;
    wb.save_to_buffer().map_err(xlsx_error)
}

/// A workbook with fast ZIP compression: level 1 takes about a quarter of the time of the default
/// level 6, for about a third more bytes (the seed: 29 KB instead of 21 KB).
pub(crate) fn new_workbook() -> Workbook {
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(1);
    wb
}

/// Maps a writer error to the export error, in Chinese for the limits a form can hit.
pub(crate) fn xlsx_error(e: rust_xlsxwriter::XlsxError) -> ExportError {
    use rust_xlsxwriter::XlsxError as E;
    ExportError::Xlsx(match e {
        E::MaxStringLengthExceeded => {
            "某个单元格的文字超过 Excel 上限（32767 个字符），请缩短后再导出".to_string()
        }
        E::RowColumnLimitError => "表格行数超过 Excel 上限（1048576 行）".to_string(),
        other => other.to_string(),
    })
}
