//! The finance bureau's pages of the region's indicator library (指标库): the list with its
//! search, and one entry with its fields, its curation actions (审定, 修改, 合并, 停用, 恢复) and
//! its history.

use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::RenderError;
use crate::engine::render;
use crate::views::Chrome;

/// One entry as the pages show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryLine {
    /// Normalised name (the key, with `unit`).
    pub key: String,
    /// Unit of measure.
    pub unit: String,
    /// Spelling shown.
    pub name: String,
    /// 一级指标.
    pub level1: String,
    /// 二级指标 node.
    pub level2: String,
    /// `≥`, `≤`, `=`, `定性` or empty.
    pub direction: String,
    /// Forms that use it.
    pub forms: usize,
    /// `p10 4项 · 中位数 5项 · p90 6项（8 个）`, or empty.
    pub spread: String,
    /// Up to three targets as written.
    pub examples: Vec<String>,
    /// 指标值确定依据 written most (or the bureau's).
    pub basis: String,
    /// 共性指标.
    pub common: bool,
    /// `harvested`, `seeded`, `approved`, `retired`.
    pub status: String,
    /// Its Chinese label.
    pub status_label: String,
    /// Curation version (0 while nobody curated it).
    pub version: i64,
    /// Names merged into it.
    pub aliases: Vec<String>,
    /// The link to its page (`/library/entry?key=…&unit=…`).
    pub href: String,
}

/// The library page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryView {
    /// Page chrome.
    pub chrome: Chrome,
    /// Region name.
    pub region: String,
    /// Template id.
    pub template_id: String,
    /// The library's generation (0 while none).
    pub generation: i64,
    /// Approved forms it was built from.
    pub forms: usize,
    /// Their budget years, as text.
    pub years: String,
    /// Entries in all.
    pub total: usize,
    /// The search text.
    pub q: String,
    /// The status filter (empty for all).
    pub status: String,
    /// The entries shown.
    pub rows: Vec<LibraryLine>,
    /// More entries matched than are shown.
    pub truncated: bool,
}

/// The curated fields in the entry's form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LibraryFields {
    /// 名称.
    pub name: String,
    /// 一级指标.
    pub level1: String,
    /// 二级指标.
    pub level2: String,
    /// 方向.
    pub direction: String,
    /// 指标解释.
    pub explanation: String,
    /// 计算公式.
    pub formula: String,
    /// 评(扣)分标准.
    pub scoring: String,
    /// 指标值确定依据.
    pub basis: String,
    /// 适用单位类型, separated by 、.
    pub unit_types: String,
    /// 标签, separated by 、.
    pub tags: String,
}

/// One decision of an entry's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryHistoryLine {
    /// Curation version.
    pub version: i64,
    /// What was decided, in Chinese (`审定`, `并入「…」`).
    pub what: String,
    /// Who.
    pub by: String,
    /// When, for people.
    pub at: String,
}

/// A place an entry may be merged into.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergeTarget {
    /// `key|unit`, the option's value.
    pub value: String,
    /// `名称（单位）· N 份`.
    pub label: String,
}

/// An entry's use by the units of one type, or in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryUse {
    /// `行政单位`, `2026 年`.
    pub group: String,
    /// Forms.
    pub forms: usize,
    /// The spread of their targets, as [`LibraryLine::spread`], or empty.
    pub spread: String,
}

/// The page of one entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryEntryView {
    /// Page chrome.
    pub chrome: Chrome,
    /// The entry.
    pub entry: LibraryLine,
    /// Its fields as the form shows them.
    pub fields: LibraryFields,
    /// Entries of the same level-2 node it may be merged into.
    pub merge_targets: Vec<MergeTarget>,
    /// Its curation history, oldest first.
    pub history: Vec<LibraryHistoryLine>,
    /// Its use per unit type, then per year.
    #[serde(default)]
    pub uses: Vec<LibraryUse>,
}

/// The library page.
pub fn render_library(view: &LibraryView) -> Result<String, RenderError> {
    render(
        "library.html",
        context! { chrome => view.chrome, v => view },
    )
}

/// The page of one entry.
pub fn render_library_entry(view: &LibraryEntryView) -> Result<String, RenderError> {
    render(
        "library_entry.html",
        context! { chrome => view.chrome, v => view },
    )
}
