//! The public portal (公开): no login, no personal data. Regions and years with published forms,
//! the units of a year with search by unit name and by indicator text, and each published form
//! as a public page with its earlier public versions. The server fills these views from the
//! publications only.

use minijinja::context;
use serde::{Deserialize, Serialize};

use crate::RenderError;
use crate::editor::FormCtx;
use crate::engine::render;
use crate::views::{Chrome, FormPage};

/// A year of a region on the portal's first page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicYearRow {
    /// Fiscal year.
    pub fiscal_year: i64,
    /// Units with a published form.
    pub units: i64,
    /// Date of the latest publication (`2026-03-01`).
    pub last_published: String,
}

/// A region on the portal's first page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicRegionRow {
    /// Region code.
    pub code: String,
    /// Region name.
    pub name: String,
    /// Years with published forms, newest first.
    pub years: Vec<PublicYearRow>,
}

/// `/public`: every region and year with published forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicIndexView {
    /// Regions by code.
    pub regions: Vec<PublicRegionRow>,
}

/// A unit's published form in the list of a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicUnitRow {
    /// Unit code (the URL segment).
    pub code: String,
    /// Unit name as published.
    pub name: String,
    /// Public version number (1 for the first publication of the form, 2 after an adjustment…).
    pub public_version: usize,
    /// Date of publication.
    pub published: String,
}

/// An indicator found by the search of a year's published forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicHitRow {
    /// Unit code.
    pub unit_code: String,
    /// Unit name.
    pub unit_name: String,
    /// 一级指标.
    pub level1: String,
    /// 二级指标.
    pub level2: String,
    /// 三级指标.
    pub name: String,
    /// The target as the form shows it.
    pub target: String,
}

/// `/public/{region}/{year}`: the units with published forms, and the search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicUnitsView {
    /// Region code.
    pub region_code: String,
    /// Region name.
    pub region_name: String,
    /// Fiscal year.
    pub fiscal_year: i64,
    /// The other years of the region with published forms.
    pub other_years: Vec<i64>,
    /// The unit-name search as typed.
    pub q: String,
    /// The indicator search as typed.
    pub indicator: String,
    /// Units (filtered by `q`).
    pub units: Vec<PublicUnitRow>,
    /// Indicators matching `indicator` (empty without one).
    pub hits: Vec<PublicHitRow>,
    /// More indicators matched than are listed.
    pub hits_truncated: bool,
    /// Published forms of the year in all (before the name filter).
    pub total_units: usize,
}

/// A public version of a form in the list on its page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicVersionRow {
    /// Public version number (1, 2, …).
    pub public_version: usize,
    /// Date of publication.
    pub published: String,
    /// The version shown.
    pub current: bool,
}

/// `/public/{region}/{year}/units/{unit}`: one published form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicFormView {
    /// Region code.
    pub region_code: String,
    /// Region name.
    pub region_name: String,
    /// Fiscal year.
    pub fiscal_year: i64,
    /// Unit code.
    pub unit_code: String,
    /// Unit name as published.
    pub unit_name: String,
    /// The public version shown.
    pub public_version: usize,
    /// Its date of publication.
    pub published: String,
    /// Whether a newer public version exists.
    pub superseded: bool,
    /// Every public version, newest first.
    pub versions: Vec<PublicVersionRow>,
    /// The form (its public copy: no filler, no phone) with no findings and no comments.
    pub page: FormPage,
}

/// The public chrome: no user, no session.
fn chrome() -> Chrome {
    Chrome {
        user: None,
        csrf_token: String::new(),
        flash: None,
    }
}

/// The portal's first page.
pub fn render_public_index(view: &PublicIndexView) -> Result<String, RenderError> {
    render(
        "public_index.html",
        context! { chrome => chrome(), v => view },
    )
}

/// The units of a region and year.
pub fn render_public_units(view: &PublicUnitsView) -> Result<String, RenderError> {
    render(
        "public_units.html",
        context! { chrome => chrome(), v => view },
    )
}

/// One published form.
pub fn render_public_form(view: &PublicFormView) -> Result<String, RenderError> {
    let f = FormCtx::new(&view.page, false);
    render(
        "public_form.html",
        context! { chrome => chrome(), v => view, f, public => true },
    )
}

/// The portal's error page (404 for an unknown region, year, unit or version; 429 when a
/// client asks too often).
pub fn render_public_error(status: u16, message: &str) -> Result<String, RenderError> {
    render(
        "public_error.html",
        context! { chrome => chrome(), status, message },
    )
}
