//! The typst "world" jixiao compiles in: one fixed template, one virtual data file, the
//! embedded font (plus an optional font directory), and nothing else — no file system access,
//! no packages, no network, no clock.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::PdfError;

/// The embedded font: Noto Sans SC Regular subset to GBK (see `scripts/make-font-subset.sh`).
static EMBEDDED_FONT: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-Regular-GBK.ttf");

/// The fixed templates, one per document kind. User text never enters them; each reads its
/// document from [`DATA_PATH`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sheet {
    /// The declaration (`form.typ`, A4 portrait).
    Form,
    /// The monitoring report (`monitoring.typ`, A4 landscape).
    Monitoring,
    /// The self-evaluation (`selfeval.typ`, A4 landscape).
    SelfEvaluation,
}

impl Sheet {
    /// The template's parsed source, made once per process.
    fn source(self) -> &'static Source {
        static FORM: OnceLock<Source> = OnceLock::new();
        static MONITORING: OnceLock<Source> = OnceLock::new();
        static SELF_EVALUATION: OnceLock<Source> = OnceLock::new();
        let (cell, path, text) = match self {
            Sheet::Form => (&FORM, "/form.typ", include_str!("form.typ")),
            Sheet::Monitoring => (
                &MONITORING,
                "/monitoring.typ",
                include_str!("monitoring.typ"),
            ),
            Sheet::SelfEvaluation => (
                &SELF_EVALUATION,
                "/selfeval.typ",
                include_str!("selfeval.typ"),
            ),
        };
        cell.get_or_init(|| Source::new(file_id(path), text.to_string()))
    }
}

/// The virtual path of the form data the template reads with `json(...)`.
pub(crate) const DATA_PATH: &str = "/form.json";

/// The largest font file read from a font directory (a CJK collection is ~30 MB).
const MAX_FONT_FILE: u64 = 64 * 1024 * 1024;

/// Fonts parsed once: their book (metadata for selection) and the faces themselves.
pub(crate) struct FontSet {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    /// Family names of the fonts from a font directory, in the order found (empty for the
    /// embedded set).
    pub(crate) extra_families: Vec<String>,
}

impl FontSet {
    fn new(fonts: Vec<Font>, extra_families: Vec<String>) -> FontSet {
        FontSet {
            book: LazyHash::new(FontBook::from_fonts(&fonts)),
            fonts,
            extra_families,
        }
    }
}

/// The family name of the embedded font, used last in the template's font list.
pub(crate) const EMBEDDED_FAMILY: &str = "Noto Sans SC";

fn embedded_fonts() -> Vec<Font> {
    Font::iter(Bytes::new(EMBEDDED_FONT)).collect()
}

/// The embedded font set, parsed on first use and kept for the life of the process.
pub(crate) fn default_fonts() -> Arc<FontSet> {
    static FONTS: OnceLock<Arc<FontSet>> = OnceLock::new();
    FONTS
        .get_or_init(|| Arc::new(FontSet::new(embedded_fonts(), Vec::new())))
        .clone()
}

/// The embedded font plus every font file (`.otf`, `.ttf`, `.otc`, `.ttc`) directly inside
/// `dir`; cached per directory for the life of the process.
pub(crate) fn fonts_with_dir(dir: &Path) -> Result<Arc<FontSet>, PdfError> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<FontSet>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(set) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(dir) {
        return Ok(set.clone());
    }
    let font_dir_err = |reason: String| PdfError::FontDir {
        dir: dir.to_path_buf(),
        reason,
    };
    let entries = std::fs::read_dir(dir).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => font_dir_err("目录不存在".to_string()),
        std::io::ErrorKind::PermissionDenied => font_dir_err("没有读取权限".to_string()),
        _ => font_dir_err(e.to_string()),
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let ext = p
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or("")
                .to_ascii_lowercase();
            matches!(ext.as_str(), "otf" | "ttf" | "otc" | "ttc")
        })
        .collect();
    paths.sort();
    let mut fonts = Vec::new();
    let mut families = Vec::new();
    for path in paths {
        let len = std::fs::metadata(&path)
            .map(|m| m.len())
            .unwrap_or(u64::MAX);
        if len > MAX_FONT_FILE {
            continue;
        }
        let Ok(data) = std::fs::read(&path) else {
            continue;
        };
        for font in Font::iter(Bytes::new(data)) {
            let family = font.info().family.clone();
            if !families.contains(&family) {
                families.push(family);
            }
            fonts.push(font);
        }
    }
    if fonts.is_empty() {
        return Err(font_dir_err(
            "目录中没有可用的字体文件（.otf、.ttf、.otc、.ttc）".to_string(),
        ));
    }
    fonts.extend(embedded_fonts());
    let set = Arc::new(FontSet::new(fonts, families));
    cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(dir.to_path_buf(), set.clone());
    Ok(set)
}

/// See [`crate::preload`].
pub(crate) fn preload() {
    let fonts = default_fonts();
    // Hashes are computed once and cached inside the values (`LazyHash`, `Bytes`).
    typst::utils::hash128(&fonts.book);
    for font in &fonts.fonts {
        typst::utils::hash128(font);
    }
    typst::utils::hash128(library());
    Sheet::Form.source();
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a valid constant path"),
    )
    .intern()
}

/// One compilation: a template, one document's data, and a font set.
pub(crate) struct FormWorld {
    fonts: Arc<FontSet>,
    main: &'static Source,
    data_id: FileId,
    data: Bytes,
}

impl FormWorld {
    /// A world compiling `sheet` whose `/form.json` holds `data`.
    pub(crate) fn new(fonts: Arc<FontSet>, sheet: Sheet, data: Vec<u8>) -> FormWorld {
        FormWorld {
            fonts,
            main: sheet.source(),
            data_id: file_id(DATA_PATH),
            data: Bytes::new(data),
        }
    }
}

impl World for FormWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.data_id {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
