//! The indicator library (指标库) harvested from forms, and the review aids that use it.
//!
//! An entry is one distinct level-3 indicator: its normalised name and unit of measure, with
//! the level-1 and level-2 nodes it is used under, how many forms use it, how often its target
//! is a number or a word, and the spread of its numeric targets (p10, median, p90). Names are
//! matched after [`normalise`]: full-width characters, spaces and the bracket forms 〔〕［］【】
//! （） do not make two indicators different.
//!
//! The aids are findings like the validator's (code, severity, JSON Pointer, Chinese message),
//! each naming its basis and its numbers:
//! - `L001` a positive target below the unit's own 上年 value (or a reverse one above it);
//! - `L002` a numeric target outside the region's usual range for the indicator, beyond
//!   [`AidOptions::range_multiple`] times the p10–p90 span, naming the range and how many
//!   forms it comes from;
//! - `L003` a vague word (较好, 有效, 进一步 …) where the library's entry (or a 数量 node)
//!   expects a number;
//! - `L004` an annual table copied from the unit's own previous year (same indicators and
//!   targets) while the budget changed by [`COPY_BUDGET_CHANGE`] or more;
//! - `L005` the same annual table as another unit's of the same year (copy and paste);
//! - `L006` a common indicator (共性指标) of the template missing from a table;
//! - `L007` a 满意度 target below [`SATISFACTION_FLOOR`] % (or above 100 % where the template does
//!   not already bound the node);
//! - `L008` (提示) the name of an entry written with another unit of measure, or with the opposite
//!   direction (≥ against ≤), than the entry has (an entry approved by the finance bureau, or one
//!   at least [`MIN_AGREEING`] forms of the region agree on).
//!
//! The finance bureau curates the harvested library ([`Curation`], applied by [`build_curated`]
//! on every rebuild): approve an entry (offered first, with its 指标解释, 计算公式, 评(扣)分标准 and
//! 指标值确定依据), merge duplicates (培训人数 into 培训人次: the merged name then finds the entry),
//! retire one (no longer offered, no basis for an aid).
//!
//! `L004` and `L005` compare [`TablePrint`]s: a hash of a table's own rows (the rows that are
//! not the template's common indicators), kept in the library for every form it was built from.
//! A library with no history for an indicator or a unit says nothing about it: no false alarm.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::form::{Form, Indicator, TableKind};
use crate::target::{Comparator, Direction, TargetValue};
use crate::template::Template;
use crate::text::to_half_width;
use crate::validate::{Finding, Severity};

/// The format marker of a library file.
pub const FORMAT: &str = "jixiao-library/1";

/// Words that promise nothing measurable.
pub const VAGUE_WORDS: [&str; 14] = [
    "较好",
    "良好",
    "有效",
    "明显",
    "进一步",
    "逐步",
    "不断",
    "显著",
    "大幅",
    "稳步",
    "持续",
    "积极",
    "加强",
    "提升",
];

/// The unit types (单位类型) a unit can have: entries count their use per type, suggestions rank
/// by units of the same type, and `L002` compares with the same type's range when it has one.
pub const UNIT_TYPES: [&str; 5] = [
    "行政单位",
    "参公事业单位",
    "公益一类事业单位",
    "公益二类事业单位",
    "其他",
];

/// Fewest numeric targets an entry needs before its range is used.
pub const MIN_SPREAD: usize = 5;

/// Fewest forms that must agree on an entry's unit or direction before another one is noticed
/// (`L008`).
pub const MIN_AGREEING: usize = 2;

/// True when an entry's unit and direction are settled enough to notice another: approved by
/// the finance bureau, or used by at least [`MIN_AGREEING`] forms.
fn settled(e: &Entry) -> bool {
    e.status == EntryStatus::Approved || e.forms >= MIN_AGREEING
}

/// Fewest own rows (not common indicators) a table needs before it is compared with others.
pub const MIN_PRINT_ROWS: usize = 3;

/// Relative budget change (20 %) from which an unchanged table is worth a question.
pub const COPY_BUDGET_CHANGE: Decimal = Decimal::from_parts(20, 0, 0, false, 2);

/// Lowest 满意度 target (in %) that is not flagged.
pub const SATISFACTION_FLOOR: Decimal = Decimal::from_parts(80, 0, 0, false, 0);

/// A name as the library matches it: half-width, no spaces, one kind of bracket, ASCII in
/// lower case.
pub fn normalise(name: &str) -> String {
    to_half_width(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '〔' | '［' | '【' | '[' | '{' | '（' => '(',
            '〕' | '］' | '】' | ']' | '}' | '）' => ')',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// A level-2 node without its number (`核心业务产出1` → `核心业务产出`).
pub fn node(level2: &str) -> String {
    level2
        .trim()
        .trim_end_matches(|c: char| c.is_ascii_digit())
        .to_string()
}

/// The spread of an entry's numeric targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    /// Numeric targets counted.
    pub n: usize,
    /// 10th percentile.
    pub p10: Decimal,
    /// Median.
    pub median: Decimal,
    /// 90th percentile.
    pub p90: Decimal,
}

/// One indicator of the library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Normalised name (the matching key with `unit`).
    pub key: String,
    /// 一级指标 it is used under most.
    pub level1: String,
    /// 二级指标 node (without its number) it is used under most.
    pub level2: String,
    /// The spelling used most.
    pub name: String,
    /// Unit of measure of its numeric targets (`%`, `项`; empty for words or none).
    pub unit: String,
    /// The direction used most: `≥`, `≤`, `=` or `定性`.
    pub direction: String,
    /// Forms that use it.
    pub forms: usize,
    /// Targets that are numbers.
    pub numeric: usize,
    /// Targets that are words.
    pub qualitative: usize,
    /// Spread of the numeric targets, once there are some.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<Spread>,
    /// Up to three targets as written.
    pub examples: Vec<String>,
    /// The 指标值确定依据 written most (计划标准, 历史标准 …), when any.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub basis: String,
    /// A common indicator of the template (共性指标) rather than one of the unit's own (个性).
    #[serde(default)]
    pub common: bool,
    /// Where the entry stands: harvested, seeded from the template, approved or retired by the
    /// finance bureau.
    #[serde(default)]
    pub status: EntryStatus,
    /// What the finance bureau wrote about it, once curated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub curated: Option<CuratedFields>,
    /// The curation version the entry is at (0 while nobody curated it).
    #[serde(default)]
    pub version: i64,
    /// Entries merged into this one (their forms and targets are counted here).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<EntryRef>,
    /// Its use by units of each type (单位类型), for the forms whose unit has one.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_type: BTreeMap<String, TypeUse>,
    /// Its use in each budget year (the key is the year).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_year: BTreeMap<i32, TypeUse>,
}

/// An entry's use by the units of one type, or in one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeUse {
    /// Forms of units of that type that use it.
    pub forms: usize,
    /// Spread of their numeric targets, once there are some.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spread: Option<Spread>,
}

impl Entry {
    /// True when most of its targets are numbers.
    pub fn expects_number(&self) -> bool {
        self.numeric > self.qualitative
    }

    /// Its reference (normalised name and unit).
    pub fn reference(&self) -> EntryRef {
        EntryRef {
            key: self.key.clone(),
            unit: self.unit.clone(),
        }
    }
}

/// Where an entry of the library stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryStatus {
    /// Harvested from approved forms; nobody has looked at it yet.
    #[default]
    Harvested,
    /// A common indicator of the template that no form has used yet.
    Seeded,
    /// Approved into the library by the finance bureau: offered first.
    Approved,
    /// Retired by the finance bureau: no longer offered, and no basis for an aid.
    Retired,
}

impl EntryStatus {
    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            EntryStatus::Harvested => "采集",
            EntryStatus::Seeded => "模板共性指标",
            EntryStatus::Approved => "已审定",
            EntryStatus::Retired => "已停用",
        }
    }
}

/// An entry's reference: its normalised name and unit of measure.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EntryRef {
    /// Normalised name.
    pub key: String,
    /// Unit of measure (empty for words).
    #[serde(default)]
    pub unit: String,
}

/// What the finance bureau writes about an entry (指标解释, 计算公式 …). `name`, `level1`,
/// `level2` and `direction` replace the harvested ones when not empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CuratedFields {
    /// The spelling to offer.
    #[serde(default)]
    pub name: String,
    /// 一级指标.
    #[serde(default)]
    pub level1: String,
    /// 二级指标 node.
    #[serde(default)]
    pub level2: String,
    /// `≥`, `≤`, `=` or `定性`.
    #[serde(default)]
    pub direction: String,
    /// 指标解释.
    #[serde(default)]
    pub explanation: String,
    /// 计算公式.
    #[serde(default)]
    pub formula: String,
    /// 评(扣)分标准.
    #[serde(default)]
    pub scoring: String,
    /// 指标值确定依据.
    #[serde(default)]
    pub basis: String,
    /// Unit types it suits (行政单位, 事业单位 …).
    #[serde(default)]
    pub unit_types: Vec<String>,
    /// Free tags.
    #[serde(default)]
    pub tags: Vec<String>,
}

/// The longest text a curated field may hold, in characters.
pub const MAX_CURATED_TEXT: usize = 2000;

impl CuratedFields {
    /// Checks lengths and the direction; the message names the field.
    pub fn check(&self) -> Result<(), String> {
        let texts = [
            ("名称", &self.name, 100),
            ("一级指标", &self.level1, 100),
            ("二级指标", &self.level2, 100),
            ("指标解释", &self.explanation, MAX_CURATED_TEXT),
            ("计算公式", &self.formula, MAX_CURATED_TEXT),
            ("评(扣)分标准", &self.scoring, MAX_CURATED_TEXT),
            ("指标值确定依据", &self.basis, MAX_CURATED_TEXT),
        ];
        for (label, text, max) in texts {
            if text.chars().count() > max {
                return Err(format!("{label}不能超过 {max} 字"));
            }
        }
        if !["", "≥", "≤", "=", "定性"].contains(&self.direction.as_str()) {
            return Err(format!(
                "方向「{}」无效：应为 ≥、≤、= 或 定性",
                self.direction
            ));
        }
        for (label, list) in [("适用单位类型", &self.unit_types), ("标签", &self.tags)] {
            if list.len() > 20
                || list
                    .iter()
                    .any(|t| t.trim().is_empty() || t.chars().count() > 30)
            {
                return Err(format!("{label}最多 20 个，每个 1 至 30 字"));
            }
        }
        Ok(())
    }
}

/// The finance bureau's current decision about one entry, applied on top of every rebuild.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Curation {
    /// The entry it is about.
    pub entry: EntryRef,
    /// What the bureau decided.
    pub state: CurationState,
    /// Its fields (approved, retired and edited entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<CuratedFields>,
    /// The curation version of the entry (1 for the first decision).
    pub version: i64,
}

/// A curation decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum CurationState {
    /// Approved into the library.
    Approved,
    /// Retired.
    Retired,
    /// Merged into another entry.
    Merged {
        /// The entry it now counts for.
        into: EntryRef,
    },
    /// Back to harvested (a decision undone).
    Harvested,
}

/// A library: its entries, most used first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Library {
    /// [`FORMAT`].
    pub format: String,
    /// The template of the forms it was built from.
    pub template_id: String,
    /// Forms read.
    pub forms: usize,
    /// Their budget years.
    pub years: Vec<i32>,
    /// The entries.
    pub entries: Vec<Entry>,
    /// The annual tables of the forms read, one print per form with enough own rows.
    #[serde(default)]
    pub tables: Vec<TablePrint>,
    /// The lookup tables of the aids, made at their first use (a library is not changed once
    /// built or read).
    #[serde(skip)]
    index: Index,
}

/// An entry's position by `key␟unit` and by key (its own and its aliases), live entries only.
#[derive(Debug, Clone, Default)]
struct Index(std::sync::OnceLock<Lookup>);

#[derive(Debug, Clone, Default)]
struct Lookup {
    by_key: std::collections::HashMap<String, usize>,
    by_name: std::collections::HashMap<String, Vec<usize>>,
}

impl PartialEq for Index {
    /// The index is derived from the entries: it never makes two libraries differ.
    fn eq(&self, _: &Index) -> bool {
        true
    }
}

fn lookup_key(key: &str, unit: &str) -> String {
    format!("{key}\u{1f}{unit}")
}

/// The fingerprint of one form's annual indicator table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TablePrint {
    /// The unit's name, normalised.
    pub unit: String,
    /// The unit's name as written.
    pub unit_name: String,
    /// Budget year.
    pub year: i32,
    /// Total expenditure of the year (支出合计, 当年), when filled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<Decimal>,
    /// Own rows hashed.
    pub rows: usize,
    /// FNV-1a hash of the sorted own rows (node, name, target), as 16 hex digits.
    pub print: String,
}

/// The normalised names of a template's common indicators.
fn common_keys(template: Option<&Template>) -> BTreeSet<String> {
    template
        .map(|t| {
            t.common_indicators
                .iter()
                .map(|r| normalise(&r.name))
                .collect()
        })
        .unwrap_or_default()
}

/// The print of a form's annual table, leaving out `common` rows; `None` below
/// [`MIN_PRINT_ROWS`] own rows.
pub fn table_print(form: &Form, common: &BTreeSet<String>) -> Option<TablePrint> {
    let mut lines: Vec<String> = form
        .indicators
        .annual
        .rows
        .iter()
        .map(|r| (normalise(&r.name), r))
        .filter(|(key, _)| !key.is_empty() && !common.contains(key))
        .map(|(key, r)| {
            let target = r
                .target
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            format!(
                "{}\t{key}\t{}",
                normalise(&node(&r.level2)),
                normalise(&target)
            )
        })
        .collect();
    if lines.len() < MIN_PRINT_ROWS {
        return None;
    }
    lines.sort_unstable();
    // FNV-1a, 64 bits: stable across builds and platforms, unlike the std hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in lines.join("\n").bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    Some(TablePrint {
        unit: normalise(&form.header.unit_name),
        unit_name: form.header.unit_name.trim().to_string(),
        year: form.header.fiscal_year.get() as i32,
        budget: form.funding.expenditure.total.current.map(|m| m.value()),
        rows: lines.len(),
        print: format!("{hash:016x}"),
    })
}

/// Why a library file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LibraryError {
    /// Not a library file.
    #[error("不是有效的指标库文件：{0}")]
    Malformed(String),
    /// Built from another template's forms.
    #[error("指标库由模板「{library}」的申报表生成，不能用于模板「{form}」的申报表")]
    OtherTemplate {
        /// The library's template.
        library: String,
        /// The form's template.
        form: String,
    },
    /// No form to build from.
    #[error("没有可用的申报表，无法生成指标库")]
    Empty,
    /// Forms of several templates.
    #[error("申报表来自不同的模板（{0}），请按模板分开生成指标库")]
    MixedTemplates(String),
}

impl Library {
    /// Reads a library file's JSON.
    pub fn from_json(text: &str) -> Result<Library, LibraryError> {
        let lib: Library =
            serde_json::from_str(text).map_err(|e| LibraryError::Malformed(e.to_string()))?;
        if lib.format != FORMAT {
            return Err(LibraryError::Malformed(format!(
                "格式标记为「{}」，应为「{FORMAT}」",
                lib.format
            )));
        }
        Ok(lib)
    }

    /// The entry of an indicator name and unit, if the library has one.
    /// Retired entries and those merged away answer for nothing; a merged name finds the entry
    /// it was merged into.
    pub fn entry(&self, name: &str, unit: &str) -> Option<&Entry> {
        self.lookup()
            .by_key
            .get(&lookup_key(&normalise(name), unit))
            .map(|&i| &self.entries[i])
    }

    /// The entry of a reference, whatever its status.
    pub fn entry_by_ref(&self, r: &EntryRef) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.key == r.key && e.unit == r.unit)
    }

    /// The live entries of a name, in any unit.
    pub fn entries_named(&self, name: &str) -> impl Iterator<Item = &Entry> {
        let key = normalise(name);
        self.entries.iter().filter(move |e| {
            e.status != EntryStatus::Retired
                && (e.key == key || e.aliases.iter().any(|a| a.key == key))
        })
    }

    /// Entries whose name, node or level-1 contains `text` (normalised).
    pub fn search(&self, text: &str) -> Vec<&Entry> {
        let needle = normalise(text);
        self.entries
            .iter()
            .filter(|e| {
                needle.is_empty()
                    || e.key.contains(&needle)
                    || normalise(&e.level2).contains(&needle)
                    || normalise(&e.level1).contains(&needle)
            })
            .collect()
    }
}

fn unit_of(target: Option<&TargetValue>) -> String {
    match target {
        Some(TargetValue::Quantity { unit, .. }) => unit.clone(),
        _ => String::new(),
    }
}

fn direction_of(target: Option<&TargetValue>) -> &'static str {
    match target {
        Some(TargetValue::Quantity { comparator, .. }) => {
            match comparator.map(Comparator::direction) {
                Some(Direction::Reverse) => "≤",
                Some(Direction::Equal) => "=",
                _ => "≥",
            }
        }
        Some(TargetValue::Quality(_)) => "定性",
        _ => "",
    }
}

fn most(counts: &BTreeMap<String, usize>) -> String {
    counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(k, _)| k.clone())
        .unwrap_or_default()
}

/// The value at quantile `q` of sorted numbers (nearest rank).
fn quantile(sorted: &[Decimal], q: f64) -> Decimal {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

#[derive(Default)]
struct Acc {
    level1: BTreeMap<String, usize>,
    level2: BTreeMap<String, usize>,
    names: BTreeMap<String, usize>,
    directions: BTreeMap<String, usize>,
    forms: BTreeSet<usize>,
    numbers: Vec<Decimal>,
    qualitative: usize,
    examples: Vec<String>,
    bases: BTreeMap<String, usize>,
    /// Per unit type: the forms and the numbers.
    types: BTreeMap<String, (BTreeSet<usize>, Vec<Decimal>)>,
    /// Per budget year: the forms and the numbers.
    years: BTreeMap<i32, (BTreeSet<usize>, Vec<Decimal>)>,
}

/// Forms and numbers grouped by a key, as [`TypeUse`]s.
fn uses<K: Ord>(groups: BTreeMap<K, (BTreeSet<usize>, Vec<Decimal>)>) -> BTreeMap<K, TypeUse> {
    groups
        .into_iter()
        .map(|(k, (forms, mut numbers))| {
            (
                k,
                TypeUse {
                    forms: forms.len(),
                    spread: spread_of(&mut numbers),
                },
            )
        })
        .collect()
}

fn spread_of(numbers: &mut [Decimal]) -> Option<Spread> {
    numbers.sort_unstable();
    (!numbers.is_empty()).then(|| Spread {
        n: numbers.len(),
        p10: quantile(numbers, 0.1),
        median: quantile(numbers, 0.5),
        p90: quantile(numbers, 0.9),
    })
}

/// Every row of both indicator tables with its table and index.
fn rows(form: &Form) -> impl Iterator<Item = (TableKind, usize, &Indicator)> {
    form.indicators
        .tables()
        .into_iter()
        .flat_map(|(kind, t)| t.rows.iter().enumerate().map(move |(i, r)| (kind, i, r)))
}

/// Builds a library from forms of one template. Rows without a name are skipped. With the
/// template, its common indicators are seeded as entries (when no form uses them) and left out of
/// the table prints.
pub fn build(forms: &[Form], template: Option<&Template>) -> Result<Library, LibraryError> {
    build_curated(forms, template, &[])
}

/// Where each merged entry's rows go: `from → into`, chains followed, cycles dropped.
fn merge_targets(curations: &[Curation]) -> BTreeMap<EntryRef, EntryRef> {
    let direct: BTreeMap<&EntryRef, &EntryRef> = curations
        .iter()
        .filter_map(|c| match &c.state {
            CurationState::Merged { into } if *into != c.entry => Some((&c.entry, into)),
            _ => None,
        })
        .collect();
    let mut out = BTreeMap::new();
    for (&from, &first) in &direct {
        let mut to = first;
        let mut steps = 0;
        while let Some(&next) = direct.get(to) {
            steps += 1;
            if next == from || steps > direct.len() {
                break;
            }
            to = next;
        }
        if to != from {
            out.insert(from.clone(), to.clone());
        }
    }
    out
}

/// Applies a curation's fields to an entry.
fn apply_fields(e: &mut Entry, f: &CuratedFields) {
    if !f.name.trim().is_empty() {
        e.name = f.name.trim().to_string();
    }
    if !f.level1.trim().is_empty() {
        e.level1 = f.level1.trim().to_string();
    }
    if !f.level2.trim().is_empty() {
        e.level2 = node(&f.level2);
    }
    if !f.direction.is_empty() {
        e.direction = f.direction.clone();
    }
    if !f.basis.trim().is_empty() {
        e.basis = f.basis.trim().to_string();
    }
    e.curated = Some(f.clone());
}

/// An entry nobody's form uses (seeded from the template or kept by a curation).
fn unused_entry(r: &EntryRef, level1: &str, level2: &str, name: &str) -> Entry {
    Entry {
        key: r.key.clone(),
        level1: level1.trim().to_string(),
        level2: node(level2),
        name: name.trim().to_string(),
        unit: r.unit.clone(),
        direction: String::new(),
        forms: 0,
        numeric: 0,
        qualitative: 0,
        spread: None,
        examples: Vec::new(),
        basis: String::new(),
        common: false,
        status: EntryStatus::Harvested,
        curated: None,
        version: 0,
        aliases: Vec::new(),
        by_type: BTreeMap::new(),
        by_year: BTreeMap::new(),
    }
}

/// [`build`], then the finance bureau's curations on top: merged entries counted under the entry
/// they were merged into (their spellings become its aliases), approved and retired entries
/// marked and given their curated fields. An approved entry no form uses any more stays in the
/// library. Curations survive every rebuild because they are applied to each.
pub fn build_curated(
    forms: &[Form],
    template: Option<&Template>,
    curations: &[Curation],
) -> Result<Library, LibraryError> {
    build_typed(forms, &[], template, curations)
}

/// [`build_curated`] with each form's unit type (`unit_types[i]` for `forms[i]`; empty or missing
/// for a unit without one): entries then carry their use and spread per type (`by_type`).
pub fn build_typed(
    forms: &[Form],
    unit_types: &[String],
    template: Option<&Template>,
    curations: &[Curation],
) -> Result<Library, LibraryError> {
    let Some(first) = forms.first() else {
        return Err(LibraryError::Empty);
    };
    let templates: BTreeSet<&str> = forms.iter().map(|f| f.template.id.as_str()).collect();
    if templates.len() > 1 {
        return Err(LibraryError::MixedTemplates(
            templates.into_iter().collect::<Vec<_>>().join("、"),
        ));
    }
    let merges = merge_targets(curations);
    let mut aliases: BTreeMap<EntryRef, BTreeSet<EntryRef>> = BTreeMap::new();
    let mut acc: BTreeMap<EntryRef, Acc> = BTreeMap::new();
    for (i, form) in forms.iter().enumerate() {
        for (_, _, row) in rows(form) {
            let key = normalise(&row.name);
            if key.is_empty() {
                continue;
            }
            let target = row.target.as_ref();
            let mut r = EntryRef {
                key,
                unit: unit_of(target),
            };
            if let Some(into) = merges.get(&r) {
                aliases.entry(into.clone()).or_default().insert(r);
                r = into.clone();
            }
            if let Some(b) = row
                .basis
                .as_deref()
                .map(str::trim)
                .filter(|b| !b.is_empty())
            {
                *acc.entry(r.clone())
                    .or_default()
                    .bases
                    .entry(b.to_string())
                    .or_default() += 1;
            }
            let a = acc.entry(r).or_default();
            *a.level1.entry(row.level1.trim().to_string()).or_default() += 1;
            *a.level2.entry(node(&row.level2)).or_default() += 1;
            *a.names.entry(row.name.trim().to_string()).or_default() += 1;
            let direction = direction_of(target);
            if !direction.is_empty() {
                *a.directions.entry(direction.to_string()).or_default() += 1;
            }
            a.forms.insert(i);
            let typed = unit_types
                .get(i)
                .map(|t| t.trim())
                .filter(|t| !t.is_empty())
                .map(|t| a.types.entry(t.to_string()).or_default());
            let typed = typed.map(|(forms, numbers)| {
                forms.insert(i);
                numbers
            });
            let (year_forms, year_numbers) = a
                .years
                .entry(form.header.fiscal_year.get() as i32)
                .or_default();
            year_forms.insert(i);
            match target {
                Some(t @ TargetValue::Quantity { number, .. }) => {
                    if let Some(numbers) = typed {
                        numbers.push(*number);
                    }
                    year_numbers.push(*number);
                    a.numbers.push(*number);
                    if a.examples.len() < 3 && !a.examples.contains(&t.to_string()) {
                        a.examples.push(t.to_string());
                    }
                }
                Some(t @ TargetValue::Quality(_)) => {
                    a.qualitative += 1;
                    if a.examples.len() < 3 && !a.examples.contains(&t.to_string()) {
                        a.examples.push(t.to_string());
                    }
                }
                _ => {}
            }
        }
    }
    let mut entries: Vec<Entry> = acc
        .into_iter()
        .map(|(r, mut a)| {
            let EntryRef { key, unit } = r;
            let spread = spread_of(&mut a.numbers);
            let by_type = uses(std::mem::take(&mut a.types));
            let by_year = uses(std::mem::take(&mut a.years));
            Entry {
                key,
                level1: most(&a.level1),
                level2: most(&a.level2),
                name: most(&a.names),
                unit,
                direction: most(&a.directions),
                forms: a.forms.len(),
                numeric: a.numbers.len(),
                qualitative: a.qualitative,
                spread,
                examples: a.examples,
                basis: most(&a.bases),
                common: false,
                status: EntryStatus::Harvested,
                curated: None,
                version: 0,
                aliases: Vec::new(),
                by_type,
                by_year,
            }
        })
        .collect();
    for e in &mut entries {
        if let Some(list) = aliases.remove(&e.reference()) {
            e.aliases = list.into_iter().collect();
        }
    }
    // Seeds: the template's common indicators, marked 共性, added when no form uses them.
    if let Some(t) = template {
        for row in &t.common_indicators {
            let key = normalise(&row.name);
            if key.is_empty() {
                continue;
            }
            let mut found = false;
            for e in entries.iter_mut().filter(|e| e.key == key) {
                e.common = true;
                found = true;
            }
            if !found {
                let target = row.target.as_ref();
                let r = EntryRef {
                    key,
                    unit: unit_of(target),
                };
                let mut e = unused_entry(&r, &row.level1, &row.level2, &row.name);
                e.direction = direction_of(target).to_string();
                e.examples = target.map(|t| vec![t.to_string()]).unwrap_or_default();
                e.basis = row.basis.clone().unwrap_or_default();
                e.common = true;
                e.status = EntryStatus::Seeded;
                entries.push(e);
            }
        }
    }
    // The finance bureau's decisions.
    for c in curations {
        let status = match c.state {
            CurationState::Approved => EntryStatus::Approved,
            CurationState::Retired => EntryStatus::Retired,
            CurationState::Merged { .. } | CurationState::Harvested => {
                if let Some(e) = entries.iter_mut().find(|e| e.reference() == c.entry) {
                    e.version = c.version;
                }
                continue;
            }
        };
        let at = match entries.iter().position(|e| e.reference() == c.entry) {
            Some(at) => at,
            None => {
                // Kept although no form uses it any more.
                let Some(f) = c.fields.as_ref() else {
                    continue;
                };
                entries.push(unused_entry(&c.entry, &f.level1, &f.level2, &f.name));
                entries.len() - 1
            }
        };
        let e = &mut entries[at];
        e.status = status;
        e.version = c.version;
        if let Some(f) = &c.fields {
            apply_fields(e, f);
        }
    }
    entries.sort_by(|a, b| b.forms.cmp(&a.forms).then(a.key.cmp(&b.key)));
    let years: BTreeSet<i32> = forms
        .iter()
        .map(|f| f.header.fiscal_year.get() as i32)
        .collect();
    let common = common_keys(template);
    let mut tables: Vec<TablePrint> = forms
        .iter()
        .filter_map(|f| table_print(f, &common))
        .collect();
    tables.sort_by(|a, b| (a.year, &a.unit, &a.print).cmp(&(b.year, &b.unit, &b.print)));
    tables.dedup();
    Ok(Library {
        format: FORMAT.to_string(),
        template_id: first.template.id.clone(),
        forms: forms.len(),
        years: years.into_iter().collect(),
        entries,
        tables,
        index: Index::default(),
    })
}

impl Library {
    fn lookup(&self) -> &Lookup {
        self.index.0.get_or_init(|| {
            let mut l = Lookup::default();
            for (i, e) in self.entries.iter().enumerate() {
                if e.status == EntryStatus::Retired {
                    continue;
                }
                l.by_key.entry(lookup_key(&e.key, &e.unit)).or_insert(i);
                l.by_name.entry(e.key.clone()).or_default().push(i);
                for a in &e.aliases {
                    l.by_key.entry(lookup_key(&a.key, &a.unit)).or_insert(i);
                    l.by_name.entry(a.key.clone()).or_default().push(i);
                }
            }
            l
        })
    }
}

/// Settings of the aids.
#[derive(Debug, Clone, Copy)]
pub struct AidOptions<'a> {
    /// How many p10–p90 spans beyond the range a target may lie before `L002` speaks.
    pub range_multiple: Decimal,
    /// The form's unit type (单位类型), when it has one: `L002` then uses the range of the units
    /// of that type where they have at least [`MIN_SPREAD`] numeric targets.
    pub unit_type: Option<&'a str>,
}

impl Default for AidOptions<'_> {
    fn default() -> Self {
        AidOptions {
            range_multiple: Decimal::ONE,
            unit_type: None,
        }
    }
}

fn finding(code: &str, severity: Severity, path: String, message: String) -> Finding {
    Finding {
        code: code.to_string(),
        severity,
        path,
        message,
    }
}

fn shown(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The aids of a form against a library. The library must come from the form's template;
/// `template` is the form's template (its common indicators and bounded nodes).
pub fn aids(
    form: &Form,
    library: &Library,
    template: &Template,
    options: AidOptions<'_>,
) -> Result<Vec<Finding>, LibraryError> {
    if library.template_id != form.template.id {
        return Err(LibraryError::OtherTemplate {
            library: library.template_id.clone(),
            form: form.template.id.clone(),
        });
    }
    let lookup = library.lookup();
    let by_name = |key: &str| {
        lookup
            .by_name
            .get(key)
            .into_iter()
            .flatten()
            .map(|&i| &library.entries[i])
    };
    let mut out = Vec::new();
    let common = common_keys(Some(template));
    if let Some(print) = table_print(form, &common) {
        copied_tables(form, &print, library, &mut out);
    }
    template_aids(form, template, &mut out);
    for (kind, i, row) in rows(form) {
        let path = format!("/indicators/{}/rows/{i}/target", kind.key());
        let name = row.name.trim();
        let Some(target) = row.target.as_ref() else {
            continue;
        };
        // L001: against the unit's own last year.
        if let (
            TargetValue::Quantity {
                comparator,
                number,
                unit,
            },
            Some(TargetValue::Quantity {
                number: last,
                unit: last_unit,
                ..
            }),
        ) = (target, row.last_year.as_ref())
            && unit == last_unit
        {
            let direction = comparator.map_or(Direction::Positive, Comparator::direction);
            let worse = match direction {
                Direction::Positive => number < last,
                Direction::Reverse => number > last,
                Direction::Equal => false,
            };
            if worse {
                let (word, kind_word) = match direction {
                    Direction::Reverse => ("高于", "反向指标（越小越好）"),
                    _ => ("低于", "正向指标（越大越好）"),
                };
                out.push(finding(
                    "L001",
                    Severity::Warning,
                    path.clone(),
                    format!(
                        "「{name}」的目标 {target} {word}本单位上年实际 {}{unit}：{kind_word}的目标一般不应比上年差，请说明依据",
                        shown(*last)
                    ),
                ));
            }
        }
        let unit = unit_of(Some(target));
        let key = normalise(name);
        let entry = lookup
            .by_key
            .get(&lookup_key(&key, &unit))
            .map(|&i| &library.entries[i]);
        // L002: against the region's usual range (of the units of the same type, when they
        // have enough targets).
        let typed = entry.and_then(|e| {
            let t = options.unit_type?;
            let u = e.by_type.get(t)?;
            let s = u.spread.as_ref().filter(|s| s.n >= MIN_SPREAD)?;
            Some((format!("本区划{t}"), u.forms, s))
        });
        let ranged = typed.or_else(|| {
            let e = entry?;
            let s = e.spread.as_ref().filter(|s| s.n >= MIN_SPREAD)?;
            Some(("本区划".to_string(), e.forms, s))
        });
        if let (Some((whose, forms, s)), Some(number)) = (ranged, target.number()) {
            let span = s.p90 - s.p10;
            let margin = span * options.range_multiple;
            let (lo, hi) = (s.p10 - margin, s.p90 + margin);
            if span > Decimal::ZERO && (number < lo || number > hi) {
                out.push(finding(
                    "L002",
                    Severity::Warning,
                    path.clone(),
                    format!(
                        "「{name}」的目标 {target} 超出{whose}的常见范围：{forms} 份申报表的 {} 个目标值中，p10 为 {}{unit}，中位数 {}{unit}，p90 为 {}{unit}",
                        s.n,
                        shown(s.p10),
                        shown(s.median),
                        shown(s.p90)
                    ),
                ));
            }
        }
        // L008: the name of an entry with another unit or direction.
        if let TargetValue::Quantity { comparator, .. } = target {
            match entry {
                None => {
                    let other = by_name(&key)
                        .filter(|e| e.expects_number() && !e.unit.is_empty() && settled(e))
                        .max_by_key(|e| e.forms);
                    if let Some(e) = other {
                        out.push(finding(
                            "L008",
                            Severity::Info,
                            path.clone(),
                            format!(
                                "「{name}」在本区划指标库中的计量单位为「{}」（{} 份申报表），此处为「{}」：如为同一指标，请统一计量单位；如不是，请换一个能区分的名称",
                                e.unit,
                                e.forms,
                                if unit.is_empty() { "无" } else { unit.as_str() }
                            ),
                        ));
                    }
                }
                Some(e) => {
                    let here = comparator.map(|c| match c.direction() {
                        Direction::Reverse => "≤",
                        Direction::Equal => "=",
                        Direction::Positive => "≥",
                    });
                    if let Some(here) = here
                        && settled(e)
                        && matches!((here, e.direction.as_str()), ("≥", "≤") | ("≤", "≥"))
                    {
                        out.push(finding(
                            "L008",
                            Severity::Info,
                            path.clone(),
                            format!(
                                "「{name}」在本区划指标库中是「{}」方向的指标（{} 份申报表），此处为「{here}」：请核对指标的方向（越大越好还是越小越好）",
                                e.direction, e.forms
                            ),
                        ));
                    }
                }
            }
        }
        // L003: a vague word where a number is expected.
        if let TargetValue::Quality(word) = target
            && let Some(vague) = VAGUE_WORDS.iter().find(|v| word.contains(**v))
        {
            let numeric_entry = by_name(&key)
                .filter(|e| e.expects_number())
                .max_by_key(|e| e.forms);
            let basis = match numeric_entry {
                Some(e) => Some(format!(
                    "本区划 {} 份申报表中该指标多为数值（如 {}）",
                    e.forms,
                    e.examples.first().cloned().unwrap_or_default()
                )),
                None if node(&row.level2).contains("数量") => {
                    Some(format!("二级指标「{}」应以数量衡量", row.level2.trim()))
                }
                None => None,
            };
            if let Some(basis) = basis {
                out.push(finding(
                    "L003",
                    Severity::Warning,
                    path.clone(),
                    format!(
                        "「{name}」的目标「{word}」含模糊表述「{vague}」，无法据以考核：{basis}，请改为可衡量的数值"
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// `L004` and `L005`: the form's annual table printed the same as its own previous year's or as
/// another unit's of the same year.
fn copied_tables(form: &Form, print: &TablePrint, library: &Library, out: &mut Vec<Finding>) {
    let same = library.tables.iter().filter(|t| t.print == print.print);
    let last = same
        .clone()
        .find(|t| t.unit == print.unit && t.year == print.year - 1);
    if let Some(last) = last {
        // Last year's budget as that form declared it, else this form's 上年 column.
        let before = last
            .budget
            .or_else(|| form.funding.expenditure.total.last_year.map(|m| m.value()));
        if let (Some(before), Some(now)) = (before, print.budget)
            && before > Decimal::ZERO
        {
            let change = (now - before) / before;
            if change.abs() >= COPY_BUDGET_CHANGE {
                let percent = (change * Decimal::ONE_HUNDRED).round_dp(1);
                out.push(finding(
                    "L004",
                    Severity::Warning,
                    "/indicators/annual".to_string(),
                    format!(
                        "年度绩效指标表与本单位 {} 年的申报表相同（{} 个个性指标及其目标值完全一致），而支出合计由 {} 变为 {}（{}{}%）：预算变化 20% 以上，指标和目标值应随之调整",
                        last.year,
                        print.rows,
                        shown(before),
                        shown(now),
                        if change > Decimal::ZERO { "+" } else { "" },
                        shown(percent)
                    ),
                ));
            }
        }
    }
    let others: Vec<&TablePrint> = same
        .filter(|t| t.year == print.year && t.unit != print.unit)
        .collect();
    if !others.is_empty() {
        let names: Vec<&str> = others
            .iter()
            .take(3)
            .map(|t| t.unit_name.as_str())
            .collect();
        let more = if others.len() > 3 {
            format!("等 {} 个单位", others.len())
        } else {
            String::new()
        };
        out.push(finding(
            "L005",
            Severity::Warning,
            "/indicators/annual".to_string(),
            format!(
                "年度绩效指标表与本区划「{}」{more}的 {} 年申报表相同（{} 个个性指标及其目标值完全一致）：各单位的指标应反映本单位的职能和任务，请核实是否照搬",
                names.join("」「"),
                print.year,
                print.rows
            ),
        ));
    }
}

/// `L006` and `L007`: what the template alone tells (common indicators, 满意度 range).
fn template_aids(form: &Form, template: &Template, out: &mut Vec<Finding>) {
    for (kind, table) in form.indicators.tables() {
        // A table left empty is the validator's business, not a list of 24 missing rows.
        if table.rows.is_empty() {
            continue;
        }
        let present: BTreeSet<String> = table.rows.iter().map(|r| normalise(&r.name)).collect();
        for common in &template.common_indicators {
            if !present.contains(&normalise(&common.name)) {
                out.push(finding(
                    "L006",
                    Severity::Warning,
                    format!("/indicators/{}/rows", kind.key()),
                    format!(
                        "{}缺少模板规定的共性指标「{}」（{} / {}），各单位均应申报",
                        kind.label(),
                        common.name.trim(),
                        common.level1.trim(),
                        common.level2.trim()
                    ),
                ));
            }
        }
        for (i, row) in table.rows.iter().enumerate() {
            let n2 = node(&row.level2);
            if !(row.level1.contains("满意度") || n2.contains("满意度")) {
                continue;
            }
            let Some(TargetValue::Quantity { number, unit, .. }) = row.target.as_ref() else {
                continue;
            };
            if unit != "%" {
                continue;
            }
            let bounded = template
                .rules
                .bounded_percent_nodes
                .iter()
                .any(|b| b == &n2 || b == row.level1.trim());
            let name = row.name.trim();
            let message = if *number < SATISFACTION_FLOOR {
                format!(
                    "满意度指标「{name}」的目标 {}% 低于 80%：满意度目标一般不低于 80%，过低的目标失去约束作用",
                    shown(*number)
                )
            } else if *number > Decimal::ONE_HUNDRED && !bounded {
                format!(
                    "满意度指标「{name}」的目标 {}% 高于 100%，满意度不可能超过 100%",
                    shown(*number)
                )
            } else {
                continue;
            };
            out.push(finding(
                "L007",
                Severity::Warning,
                format!("/indicators/{}/rows/{i}/target", kind.key()),
                message,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_across_spaces_widths_and_brackets() {
        assert_eq!(normalise("培训 人次（次）"), normalise("培训人次(次)"));
        assert_eq!(normalise("〔三公〕经费"), normalise("（三公）经费"));
        assert_eq!(normalise("ＡＢＣ达标率"), "abc达标率");
        assert_eq!(node("核心业务产出12"), "核心业务产出");
    }

    #[test]
    fn quantiles_are_nearest_rank() {
        let v: Vec<Decimal> = (1..=10).map(Decimal::from).collect();
        assert_eq!(quantile(&v, 0.1), Decimal::from(1));
        assert_eq!(quantile(&v, 0.5), Decimal::from(5));
        assert_eq!(quantile(&v, 0.9), Decimal::from(9));
        assert_eq!(quantile(&v[..1], 0.9), Decimal::from(1));
    }

    #[test]
    fn a_malformed_library_is_refused() {
        assert!(matches!(
            Library::from_json("{}"),
            Err(LibraryError::Malformed(_))
        ));
        let other = r#"{"format":"x/1","template_id":"t","forms":0,"years":[],"entries":[]}"#;
        assert!(Library::from_json(other).is_err());
        assert!(matches!(build(&[], None), Err(LibraryError::Empty)));
    }
}
