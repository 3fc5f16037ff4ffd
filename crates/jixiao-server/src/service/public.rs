//! The public portal and the open data: what anyone may read without logging in. Everything
//! here starts from the publications (`jixiao_storage::publications`), never from a form's
//! current state, and every form leaves as its public copy (no filler, no phone), so neither an
//! unpublished version nor personal data can reach a public page, a search or a file.
//!
//! Addresses are `region code / fiscal year / unit code`, and a form's public versions are
//! numbered from 1 in the order they were published (`?version=2`): all of them stay
//! reachable, with their dates, after an adjustment is published again.

use jixiao_domain::Form;
use jixiao_storage::{DatasetStamp, PublicIndicator, PublicYear, Publication};
use serde::Serialize;

use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, ExportError, ExportFile};

/// Most indicators a search lists.
pub const MAX_HITS: usize = 200;

/// Longest region or unit code accepted in an address (longer is not found).
const MAX_CODE: usize = 64;

/// The portal's one 'not found' (unknown region, year, unit, version or file).
pub fn not_found() -> ApiError {
    ApiError::not_found("没有找到公开的申报表：请检查区划、年度和单位，或从公开首页进入")
}

/// A region or unit code from an address: letters, digits, `-` and `_`, at most 64.
pub fn code(text: &str) -> ApiResult<&str> {
    let ok = !text.is_empty()
        && text.len() <= MAX_CODE
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok { Ok(text) } else { Err(not_found()) }
}

/// A fiscal year from an address (four digits, 1900–2200).
pub fn year(text: &str) -> ApiResult<i64> {
    match text.parse::<i64>() {
        Ok(y) if text.len() == 4 && (1900..=2200).contains(&y) => Ok(y),
        _ => Err(not_found()),
    }
}

/// A search text: trimmed, at most 100 characters, `None` when blank.
pub fn search_text(text: Option<&str>) -> Option<String> {
    let t: String = text?.trim().chars().take(100).collect();
    (!t.is_empty()).then_some(t)
}

/// Every region and year with published forms.
pub async fn years(state: &AppState) -> ApiResult<Vec<PublicYear>> {
    Ok(state.db.public_years().await?)
}

/// The units of a region and year with published forms.
pub struct Units {
    /// The region's years (this one included), newest first.
    pub years: Vec<PublicYear>,
    /// The latest publication of each unit whose name matches.
    pub units: Vec<Publication>,
    /// Units with a published form this year, before the name filter.
    pub total: usize,
}

/// The units of a region and year (404 when it has no published form), filtered by name.
pub async fn units(
    state: &AppState,
    region: &str,
    fiscal_year: i64,
    name: Option<&str>,
) -> ApiResult<Units> {
    let years: Vec<PublicYear> = years(state)
        .await?
        .into_iter()
        .filter(|y| y.region_code == region)
        .collect();
    let Some(this) = years.iter().find(|y| y.fiscal_year == fiscal_year) else {
        return Err(not_found());
    };
    let total = usize::try_from(this.units).unwrap_or(0);
    let units = state.db.public_units(region, fiscal_year, name).await?;
    Ok(Units {
        years,
        units,
        total,
    })
}

/// Indicators of a region's published forms of a year whose names or targets contain `text`:
/// at most [`MAX_HITS`], and whether there were more.
pub async fn search(
    state: &AppState,
    region: &str,
    fiscal_year: i64,
    text: &str,
) -> ApiResult<(Vec<PublicIndicator>, bool)> {
    let mut hits = state
        .db
        .public_indicators(region, fiscal_year, Some(text), MAX_HITS as i64 + 1)
        .await?;
    let more = hits.len() > MAX_HITS;
    hits.truncate(MAX_HITS);
    Ok((hits, more))
}

/// A published form as the public may read it.
pub struct PublicForm {
    /// The publication shown.
    pub publication: Publication,
    /// Its number among the form's publications (1 = first).
    pub ordinal: usize,
    /// Every publication of the form, oldest first.
    pub all: Vec<Publication>,
    /// The public copy of the published version.
    pub form: Form,
}

/// A publication picked from a unit's form of a year.
pub struct Picked {
    /// The publication.
    pub publication: Publication,
    /// Its number among the form's publications (1 = first).
    pub ordinal: usize,
    /// Every publication of the form, oldest first.
    pub all: Vec<Publication>,
}

/// The latest publication of a unit's form of a year, or its `ordinal`-th (1 = first); 404
/// when there is none. Reads no form.
pub async fn pick(
    state: &AppState,
    region: &str,
    fiscal_year: i64,
    unit: &str,
    ordinal: Option<usize>,
) -> ApiResult<Picked> {
    let key = (region.to_string(), fiscal_year, unit.to_string());
    let all = match state.public_lookups.get(&key) {
        Some(all) => all,
        None => {
            let mut all = state.db.publications_of(region, fiscal_year, unit).await?;
            all.reverse();
            state.public_lookups.put(key, all.clone());
            all
        }
    };
    let ordinal = ordinal.unwrap_or(all.len());
    let publication = ordinal
        .checked_sub(1)
        .and_then(|i| all.get(i))
        .cloned()
        .ok_or_else(not_found)?;
    Ok(Picked {
        publication,
        ordinal,
        all,
    })
}

/// The publications of a unit's form of a year, as the portal last read them, for
/// [`LookupCache::TTL`]: a unit's page read by many costs one query every 30 seconds
/// instead of one per reader. A publication on this app server empties the cache at once; on
/// another app server of a province it shows within the TTL. An address with no publication
/// is kept too (its 404). At most [`LookupCache::MAX`] addresses; when full it starts again.
#[derive(Debug, Default)]
pub(crate) struct LookupCache {
    #[allow(clippy::type_complexity)]
    entries: std::sync::Mutex<
        std::collections::HashMap<(String, i64, String), (std::time::Instant, Vec<Publication>)>,
    >,
}

impl LookupCache {
    /// How long a lookup is trusted.
    pub(crate) const TTL: std::time::Duration = std::time::Duration::from_secs(30);
    const MAX: usize = 50_000;

    fn get(&self, key: &(String, i64, String)) -> Option<Vec<Publication>> {
        let entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < Self::TTL)
            .map(|(_, all)| all.clone())
    }

    fn put(&self, key: (String, i64, String), all: Vec<Publication>) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.len() >= Self::MAX {
            entries.clear();
        }
        entries.insert(key, (std::time::Instant::now(), all));
    }

    /// Forgets every lookup (after a publication on this app server).
    pub(crate) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

/// The public copy of a published version.
pub async fn public_copy(state: &AppState, publication: &Publication) -> ApiResult<Form> {
    let form = state
        .db
        .version_form(publication.form_id, publication.version)
        .await?
        .ok_or_else(|| ApiError::internal("a published version is missing"))?;
    Ok(jixiao_formats::export::public_copy(&form))
}

/// The latest publication of a unit's form of a year, or its `ordinal`-th, with its public
/// copy; 404 when there is none.
pub async fn form(
    state: &AppState,
    region: &str,
    fiscal_year: i64,
    unit: &str,
    ordinal: Option<usize>,
) -> ApiResult<PublicForm> {
    let Picked {
        publication,
        ordinal,
        all,
    } = pick(state, region, fiscal_year, unit, ordinal).await?;
    let form = public_copy(state, &publication).await?;
    Ok(PublicForm {
        publication,
        ordinal,
        all,
        form,
    })
}

/// The public copy of a published form as a file: `pdf` or `xlsx`, named
/// `单位-年度部门整体绩效目标申报表（公开）.ext`.
pub async fn export(
    state: &AppState,
    region: &str,
    fiscal_year: i64,
    unit: &str,
    ordinal: Option<usize>,
    format: &str,
) -> ApiResult<(ExportFile, String)> {
    if !matches!(format, "pdf" | "xlsx") {
        return Err(not_found());
    }
    let public = form(state, region, fiscal_year, unit, ordinal).await?;
    let hook = state.export.clone();
    let fmt = format.to_string();
    let copy = public.form;
    let file = match state.jobs.run(move || hook(&fmt, &copy)).await? {
        Ok(f) => f,
        Err(ExportError::UnsupportedFormat) => return Err(not_found()),
        Err(ExportError::Failed(msg)) => {
            return Err(ApiError::internal(format!("export {format} failed: {msg}")));
        }
    };
    let name = format!(
        "{}-{}年度部门整体绩效目标申报表（公开）.{}",
        public.publication.unit_name, fiscal_year, file.extension
    );
    Ok((file, name))
}

/// The stamp of a region's open data for a year (404 when nothing is published).
pub async fn stamp(state: &AppState, region: &str, fiscal_year: i64) -> ApiResult<DatasetStamp> {
    let stamp = state.db.public_stamp(region, fiscal_year).await?;
    if stamp.publications == 0 {
        return Err(not_found());
    }
    Ok(stamp)
}

/// The open data of a region and year: the latest publication of every unit and all their
/// level-3 indicators.
pub struct OpenData {
    /// Region code.
    pub region_code: String,
    /// Region name.
    pub region_name: String,
    /// Fiscal year.
    pub fiscal_year: i64,
    /// The latest publication of each unit, by unit code.
    pub forms: Vec<Publication>,
    /// Their indicators, by unit code, table (长期 first) and row.
    pub indicators: Vec<PublicIndicator>,
}

/// Reads the open data of a region and year (404 when nothing is published). The indicator
/// rows are derived from each published version by the same function that fills the
/// `indicators` table when a version is submitted, so they are the rows the search reads.
pub async fn open_data(state: &AppState, region: &str, fiscal_year: i64) -> ApiResult<OpenData> {
    let published = state.db.public_forms_json(region, fiscal_year).await?;
    let Some((first, _)) = published.first() else {
        return Err(not_found());
    };
    let (region_code, region_name) = (first.region_code.clone(), first.region_name.clone());
    // Parsing a region's forms is CPU work: off the async threads.
    let (forms, indicators) = state
        .jobs
        .run(
            move || -> ApiResult<(Vec<Publication>, Vec<PublicIndicator>)> {
                let mut forms = Vec::with_capacity(published.len());
                let mut indicators = Vec::new();
                for (p, json) in published {
                    let form: Form = serde_json::from_str(&json).map_err(|e| {
                        ApiError::internal(format!(
                            "published form {} v{}: {e}",
                            p.form_id, p.version
                        ))
                    })?;
                    for row in jixiao_storage::forms::indicator_rows(&form) {
                        indicators.push(PublicIndicator {
                            publication: p.clone(),
                            table_kind: row.table_kind.to_string(),
                            position: row.position,
                            level1: row.level1,
                            level2: row.level2,
                            name: row.name,
                            target: row.target,
                            comparator: row.comparator,
                            target_number: row.target_number,
                            unit_of_measure: row.unit_of_measure,
                            basis: row.basis,
                            class: row.class,
                        });
                    }
                    forms.push(p);
                }
                Ok((forms, indicators))
            },
        )
        .await??;
    Ok(OpenData {
        region_code,
        region_name,
        fiscal_year,
        forms,
        indicators,
    })
}

/// The CSV's columns (documented in `docs/open-data.md`).
pub const CSV_COLUMNS: [&str; 19] = [
    "区划代码",
    "区划名称",
    "预算年度",
    "单位代码",
    "单位名称",
    "公开次序",
    "公开日期",
    "指标表",
    "行号",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "比较符号",
    "数值",
    "计量单位",
    "指标值确定依据",
    "指标分类",
    "网页地址",
];

/// `2026-03-01` (Beijing date) of a Unix-millisecond time.
pub fn date(ms: i64) -> String {
    let (y, m, d) = jixiao_storage::beijing_date(ms);
    format!("{y:04}-{m:02}-{d:02}")
}

fn table_label(kind: &str) -> &str {
    match kind {
        "long_term" => "长期绩效指标",
        "annual" => "年度绩效指标",
        other => other,
    }
}

/// The page of a published form, relative to the site (`/public/420222/2026/units/…`).
pub fn form_url(p: &Publication, ordinal: Option<usize>) -> String {
    let base = format!(
        "/public/{}/{}/units/{}",
        p.region_code, p.fiscal_year, p.unit_code
    );
    match ordinal {
        Some(n) => format!("{base}?version={n}"),
        None => base,
    }
}

impl OpenData {
    /// One line per indicator: UTF-8 with a byte-order mark, CRLF, RFC 4180 quoting, text that
    /// a spreadsheet would run as a formula prefixed with `'` (numbers are written as they are).
    pub fn to_csv(&self) -> String {
        use jixiao_formats::csv::field;
        let mut out = String::with_capacity(64 + self.indicators.len() * 200);
        out.push('\u{feff}');
        out.push_str(&CSV_COLUMNS.join(","));
        out.push_str("\r\n");
        for i in &self.indicators {
            let p = &i.publication;
            let cells = [
                field(&p.region_code),
                field(&p.region_name),
                p.fiscal_year.to_string(),
                field(&p.unit_code),
                field(&p.unit_name),
                p.ordinal.to_string(),
                date(p.published_at),
                field(table_label(&i.table_kind)),
                (i.position + 1).to_string(),
                field(&i.level1),
                field(&i.level2),
                field(&i.name),
                field(i.target.as_deref().unwrap_or("")),
                field(i.comparator.as_deref().unwrap_or("")),
                i.target_number.clone().unwrap_or_default(),
                field(i.unit_of_measure.as_deref().unwrap_or("")),
                field(i.basis.as_deref().unwrap_or("")),
                field(i.class.as_deref().unwrap_or("")),
                field(&form_url(p, Some(p.ordinal as usize))),
            ];
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        }
        out
    }

    /// The same data as JSON: the region, and per form its publication and its indicators.
    pub fn to_json(&self) -> OpenDataJson<'_> {
        let mut by_publication: std::collections::HashMap<i64, Vec<&PublicIndicator>> =
            std::collections::HashMap::new();
        for i in &self.indicators {
            by_publication.entry(i.publication.id).or_default().push(i);
        }
        let forms = self
            .forms
            .iter()
            .map(|p| OpenForm {
                unit_code: &p.unit_code,
                unit_name: &p.unit_name,
                public_version: p.ordinal,
                published_at: jixiao_storage::format_time(p.published_at),
                published_on: date(p.published_at),
                url: form_url(p, Some(p.ordinal as usize)),
                indicators: by_publication
                    .get(&p.id)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .map(|i| OpenIndicator {
                        table: &i.table_kind,
                        row: i.position + 1,
                        level1: &i.level1,
                        level2: &i.level2,
                        level3: &i.name,
                        target: i.target.as_deref(),
                        comparator: i.comparator.as_deref(),
                        number: i.target_number.as_deref(),
                        unit_of_measure: i.unit_of_measure.as_deref(),
                        basis: i.basis.as_deref(),
                        class: i.class.as_deref(),
                    })
                    .collect(),
            })
            .collect();
        OpenDataJson {
            region_code: &self.region_code,
            region_name: &self.region_name,
            fiscal_year: self.fiscal_year,
            forms,
        }
    }
}

/// The open data as JSON (`docs/open-data.md`).
#[derive(Debug, Serialize)]
pub struct OpenDataJson<'a> {
    /// Region code.
    pub region_code: &'a str,
    /// Region name.
    pub region_name: &'a str,
    /// Fiscal year.
    pub fiscal_year: i64,
    /// The latest publication of each unit, by unit code.
    pub forms: Vec<OpenForm<'a>>,
}

/// A published form in the JSON open data.
#[derive(Debug, Serialize)]
pub struct OpenForm<'a> {
    /// Unit code.
    pub unit_code: &'a str,
    /// Unit name as published.
    pub unit_name: &'a str,
    /// Its number among the form's publications (1 = first).
    pub public_version: i64,
    /// When it was published (UTC, RFC 3339).
    pub published_at: String,
    /// The Beijing date it was published.
    pub published_on: String,
    /// Its page on the portal, relative to the site.
    pub url: String,
    /// Its level-3 indicators.
    pub indicators: Vec<OpenIndicator<'a>>,
}

/// A level-3 indicator in the JSON open data.
#[derive(Debug, Serialize)]
pub struct OpenIndicator<'a> {
    /// `long_term` or `annual`.
    pub table: &'a str,
    /// Row number within the table (from 1).
    pub row: i64,
    /// 一级指标.
    pub level1: &'a str,
    /// 二级指标.
    pub level2: &'a str,
    /// 三级指标.
    pub level3: &'a str,
    /// The target as the form shows it.
    pub target: Option<&'a str>,
    /// Comparator of a numeric target.
    pub comparator: Option<&'a str>,
    /// Number of a numeric target (decimal text, kept exact).
    pub number: Option<&'a str>,
    /// Unit of measure.
    pub unit_of_measure: Option<&'a str>,
    /// 指标值确定依据.
    pub basis: Option<&'a str>,
    /// 指标分类.
    pub class: Option<&'a str>,
}
