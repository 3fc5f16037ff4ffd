//! The finance bureau's dashboard of a region: charts where people would rather look than read,
//! each with the table of the same numbers (`jixiao_web::charts`).
//!
//! What it counts follows the finance side's view of forms: every unit's status is counted (as
//! on a board), but amounts, indicators and rule findings come only from forms that reached
//! the finance bureau (submitted at least once, or approved), as the finance side sees them.

use std::collections::BTreeMap;

use jixiao_domain::{Form, FormStatus, Indicator, Severity};
use jixiao_storage::{DashboardForm, User};
use jixiao_web::charts::{Chart, ChartKind, Series};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// Units shown on a per-unit chart (the largest first).
pub const TOP_UNITS: usize = 20;
/// Rules shown on the most-often-broken chart.
pub const TOP_RULES: usize = 10;
/// Income rows shown by name on the composition chart; the rest are added up as 其他.
const TOP_ROWS: usize = 5;

/// The dashboard of a region and year.
#[derive(Debug, Clone)]
pub struct Dashboard {
    /// Region name.
    pub region_name: String,
    /// The year shown.
    pub fiscal_year: i64,
    /// Every year with forms in the region, newest first.
    pub years: Vec<i64>,
    /// Units in the region.
    pub units: usize,
    /// Forms of the year the finance bureau sees.
    pub seen: usize,
    /// The charts, in page order.
    pub charts: Vec<Chart>,
}

fn amount(text: Option<&str>) -> Decimal {
    text.and_then(|t| t.parse::<Decimal>().ok())
        .unwrap_or_default()
}

fn f(d: Decimal) -> f64 {
    d.round_dp(2).to_f64().unwrap_or(0.0)
}

/// The dashboard of the user's region for `year` (default: the latest year with forms, else
/// the current one). Finance roles of a region only.
pub async fn dashboard(state: &AppState, user: &User, year: Option<i64>) -> ApiResult<Dashboard> {
    let region_id = match (user.role.is_finance(), user.region_id) {
        (true, Some(r)) => r,
        _ => {
            return Err(ApiError::forbidden(
                "只有财政部门的审核人员可以查看本区划的统计图表",
            ));
        }
    };
    let region = state
        .db
        .regions()
        .await?
        .into_iter()
        .find(|r| r.id == region_id)
        .ok_or_else(|| ApiError::not_found("区划不存在"))?;
    let units = state.db.units(Some(region_id)).await?.len();
    let all_years = state.db.dashboard_forms(region_id, None, false).await?;
    let mut years: Vec<i64> = all_years.iter().map(|f| f.fiscal_year).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let this_year = jixiao_storage::beijing_date(jixiao_storage::now_ms()).0;
    let fiscal_year = year
        .filter(|y| (1900..=2200).contains(y))
        .or_else(|| years.first().copied())
        .unwrap_or(this_year);
    let forms = state
        .db
        .dashboard_forms(region_id, Some(fiscal_year), true)
        .await?;
    let validator = state.validator.clone();
    let templates = state.templates.clone();
    // Parsing and validating a region's forms is CPU work: off the async threads, split over
    // the machine's cores.
    let parsed = state
        .jobs
        .run(move || {
            let check = |row: DashboardForm| -> Parsed {
                let form: Option<Form> = row
                    .form_json
                    .as_deref()
                    .and_then(|j| serde_json::from_str(j).ok());
                let codes: Vec<&'static str> = form
                    .as_ref()
                    .and_then(|form| {
                        templates
                            .get(&form.template.id, Some(form.template.version))
                            .ok()
                            .map(|t| validator(form, t))
                    })
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|f| matches!(f.severity, Severity::Error | Severity::Warning))
                    .filter_map(|f| f.rule().map(|r| r.code))
                    .collect();
                (row, form, codes)
            };
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
            let chunk = forms.len().div_ceil(threads).max(1);
            let mut parts: Vec<Vec<DashboardForm>> = Vec::new();
            let mut rest = forms;
            while rest.len() > chunk {
                let tail = rest.split_off(chunk);
                parts.push(rest);
                rest = tail;
            }
            parts.push(rest);
            std::thread::scope(|scope| {
                let handles: Vec<_> = parts
                    .into_iter()
                    .map(|part| scope.spawn(|| part.into_iter().map(check).collect::<Vec<_>>()))
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                    .collect::<Vec<_>>()
            })
        })
        .await?;
    let seen = parsed.iter().filter(|(r, _, _)| r.finance_sees).count();
    let (lights, grades) = lifecycle_charts(state, region_id, fiscal_year).await?;
    let charts = vec![
        progress(&parsed, units, fiscal_year),
        statuses(&parsed, units),
        budget_by_year(&all_years),
        composition(&parsed),
        indicators_by_level1(&parsed),
        indicators_by_unit(&parsed),
        rules_broken(&parsed),
        units_with_errors(&parsed),
        lights,
        grades,
    ];
    Ok(Dashboard {
        region_name: region.name,
        fiscal_year,
        years,
        units,
        seen,
        charts,
    })
}

type Parsed = (DashboardForm, Option<Form>, Vec<&'static str>);

/// After approval: the warning lights of the year's latest monitoring round and the grades of
/// its self-evaluation round, counted over the documents that reached the finance bureau (a
/// document still with its unit counts as 未评, as on the round board).
async fn lifecycle_charts(
    state: &AppState,
    region_id: i64,
    year: i64,
) -> ApiResult<(Chart, Chart)> {
    use jixiao_domain::DocumentKind;
    let rounds = state.db.rounds(Some(region_id)).await?;
    let of_year = |kind: DocumentKind| {
        rounds
            .iter()
            .filter(|r| r.kind == kind && r.fiscal_year == year)
            .max_by_key(|r| (r.month, r.id))
    };
    let count = |rows: &[jixiao_storage::ReportRow],
                 pick: &dyn Fn(&jixiao_storage::ReportRow) -> Option<String>,
                 keys: &[&str]| {
        let mut values: Vec<f64> = keys.iter().map(|_| 0.0).collect();
        for r in rows {
            let key = r.reached_finance_at.and_then(|_| pick(r));
            let i = key
                .as_deref()
                .and_then(|k| keys.iter().position(|x| *x == k))
                .unwrap_or(keys.len() - 1);
            values[i] += 1.0;
        }
        values
    };
    let (light_title, light_values, light_note) = match of_year(DocumentKind::Monitoring) {
        Some(r) => {
            let rows = state.db.reports_of_round(r.id).await?;
            let values = count(
                &rows,
                &|r| r.colour.clone(),
                &["red", "yellow", "green", "blue", "none"],
            );
            (
                format!("{year}年1-{}月监控的预警灯", r.month),
                values,
                "每个单位一份监控表，按其整体预警灯计；单位尚未报送的记为未评。".to_string(),
            )
        }
        None => (
            format!("{year}年监控的预警灯"),
            Vec::new(),
            "本年度还没有开启监控任务。".to_string(),
        ),
    };
    let lights = Chart {
        id: "chart-lights".into(),
        title: light_title,
        kind: ChartKind::Bars,
        unit: "个单位".into(),
        categories: if light_values.is_empty() {
            Vec::new()
        } else {
            ["红灯", "黄灯", "绿灯", "蓝灯", "未评"]
                .map(String::from)
                .to_vec()
        },
        series: vec![Series {
            name: "单位数".into(),
            values: light_values,
        }],
        note: light_note,
    };
    let (grade_values, grade_note) = match of_year(DocumentKind::SelfEvaluation) {
        Some(r) => {
            let rows = state.db.reports_of_round(r.id).await?;
            (
                count(
                    &rows,
                    &|r| r.grade.clone(),
                    &["优", "良", "中", "差", "未评"],
                ),
                "按自评总分对应的等级计；单位尚未报送的记为未评。".to_string(),
            )
        }
        None => (Vec::new(), "本年度还没有开启自评任务。".to_string()),
    };
    let grades = Chart {
        id: "chart-grades".into(),
        title: format!("{year}年度自评等级"),
        kind: ChartKind::Bars,
        unit: "个单位".into(),
        categories: if grade_values.is_empty() {
            Vec::new()
        } else {
            ["优", "良", "中", "差", "未评"].map(String::from).to_vec()
        },
        series: vec![Series {
            name: "单位数".into(),
            values: grade_values,
        }],
        note: grade_note,
    };
    Ok((lights, grades))
}

fn date(ms: i64) -> String {
    let (_, m, d) = jixiao_storage::beijing_date(ms);
    format!("{m}月{d}日")
}

/// Submissions day by day (cumulative) against the number of units.
fn progress(forms: &[Parsed], units: usize, year: i64) -> Chart {
    let mut days: Vec<i64> = forms
        .iter()
        .filter_map(|(r, _, _)| r.first_submitted_at)
        .map(|ms| (ms + 8 * 3_600_000).div_euclid(86_400_000))
        .collect();
    days.sort_unstable();
    let mut categories = Vec::new();
    let mut submitted = Vec::new();
    if let (Some(first), Some(last)) = (days.first(), days.last()) {
        let today = (jixiao_storage::now_ms() + 8 * 3_600_000).div_euclid(86_400_000);
        let end = (*last).max(today.min(last + 30));
        let span = (end - first + 1).max(1);
        let step = (span + 59) / 60;
        let mut day = *first;
        while day <= end {
            categories.push(date(day * 86_400_000 - 8 * 3_600_000));
            submitted.push(days.iter().filter(|d| **d <= day).count() as f64);
            day += step;
        }
        if day - step < end {
            categories.push(date(end * 86_400_000 - 8 * 3_600_000));
            submitted.push(days.len() as f64);
        }
    }
    Chart {
        id: "chart-progress".into(),
        title: format!("{year} 年申报表提交进度"),
        kind: ChartKind::Line,
        unit: "个单位".into(),
        series: vec![
            Series {
                name: "累计已提交".into(),
                values: submitted.clone(),
            },
            Series {
                name: "单位总数".into(),
                values: vec![units as f64; submitted.len()],
            },
        ],
        categories,
        note: "按各单位首次提交的日期（北京时间）累计。".into(),
    }
}

/// Units per status, with the units that have not started.
fn statuses(forms: &[Parsed], units: usize) -> Chart {
    let mut categories = vec!["未开始".to_string()];
    let mut values = vec![units.saturating_sub(forms.len()) as f64];
    for s in FormStatus::ALL {
        categories.push(s.label().to_string());
        values.push(forms.iter().filter(|(r, _, _)| r.status == s).count() as f64);
    }
    Chart {
        id: "chart-status".into(),
        title: "各状态的单位数".into(),
        kind: ChartKind::Bars,
        unit: "个单位".into(),
        categories,
        series: vec![Series {
            name: "单位数".into(),
            values,
        }],
        note: "未开始：本年度还没有申报表的单位。".into(),
    }
}

/// Income and expenditure totals per year.
fn budget_by_year(all: &[DashboardForm]) -> Chart {
    let mut by_year: BTreeMap<i64, (Decimal, Decimal)> = BTreeMap::new();
    for r in all.iter().filter(|r| r.finance_sees) {
        let e = by_year.entry(r.fiscal_year).or_default();
        e.0 += amount(r.income_total.as_deref());
        e.1 += amount(r.expenditure_total.as_deref());
    }
    Chart {
        id: "chart-budget".into(),
        title: "各年度预算总额".into(),
        kind: ChartKind::Bars,
        unit: "万元".into(),
        categories: by_year.keys().map(|y| format!("{y} 年")).collect(),
        series: vec![
            Series {
                name: "收入合计".into(),
                values: by_year.values().map(|v| f(v.0)).collect(),
            },
            Series {
                name: "支出合计".into(),
                values: by_year.values().map(|v| f(v.1)).collect(),
            },
        ],
        note: "已报送财政的申报表当年金额之和。".into(),
    }
}

/// A unit's name, its income rows (name, amount) and their sum.
type UnitIncome<'a> = (&'a str, Vec<(String, Decimal)>, Decimal);

/// Income composition of the largest units: one stacked bar per unit.
fn composition(forms: &[Parsed]) -> Chart {
    let mut rows: Vec<UnitIncome> = forms
        .iter()
        .filter_map(|(r, form, _)| {
            let form = form.as_ref()?;
            let parts: Vec<(String, Decimal)> = form
                .funding
                .income
                .rows
                .iter()
                .map(|row| {
                    (
                        row.name.clone(),
                        row.amounts.current.map(|m| m.value()).unwrap_or_default(),
                    )
                })
                .collect();
            let total = parts.iter().map(|p| p.1).sum();
            Some((r.unit_name.as_str(), parts, total))
        })
        .collect();
    rows.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    rows.truncate(TOP_UNITS);
    // Row names by their sum over the units shown; the first few by name, the rest as 其他.
    let mut sums: Vec<(String, Decimal)> = Vec::new();
    for (_, parts, _) in &rows {
        for (name, v) in parts {
            match sums.iter_mut().find(|s| &s.0 == name) {
                Some(s) => s.1 += *v,
                None => sums.push((name.clone(), *v)),
            }
        }
    }
    sums.sort_by_key(|s| std::cmp::Reverse(s.1));
    let named: Vec<String> = sums
        .iter()
        .filter(|s| s.1 > Decimal::ZERO)
        .take(TOP_ROWS)
        .map(|s| s.0.clone())
        .collect();
    let mut series: Vec<Series> = named
        .iter()
        .map(|name| Series {
            name: name.clone(),
            values: rows
                .iter()
                .map(|(_, parts, _)| f(parts.iter().filter(|p| &p.0 == name).map(|p| p.1).sum()))
                .collect(),
        })
        .collect();
    let rest: Vec<f64> = rows
        .iter()
        .map(|(_, parts, _)| {
            f(parts
                .iter()
                .filter(|p| !named.contains(&p.0))
                .map(|p| p.1)
                .sum())
        })
        .collect();
    if rest.iter().any(|v| *v > 0.0) {
        series.push(Series {
            name: "其他".into(),
            values: rest,
        });
    }
    Chart {
        id: "chart-composition".into(),
        title: "收入构成（按单位）".into(),
        kind: ChartKind::StackedBars,
        unit: "万元".into(),
        categories: rows.iter().map(|r| r.0.to_string()).collect(),
        series,
        note: format!("收入合计最大的 {TOP_UNITS} 个单位（已报送财政的申报表）。"),
    }
}

fn rows_of(form: &Form) -> impl Iterator<Item = &Indicator> {
    form.indicators
        .tables()
        .into_iter()
        .flat_map(|(_, t)| t.rows.iter())
}

/// Level-3 indicators per level-1 indicator, over the year's forms.
fn indicators_by_level1(forms: &[Parsed]) -> Chart {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for form in forms.iter().filter_map(|p| p.1.as_ref()) {
        for row in rows_of(form) {
            let name = if row.level1.trim().is_empty() {
                "（未填一级指标）".to_string()
            } else {
                row.level1.trim().to_string()
            };
            match counts.iter_mut().find(|c| c.0 == name) {
                Some(c) => c.1 += 1,
                None => counts.push((name, 1)),
            }
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Chart {
        id: "chart-level1".into(),
        title: "三级指标数（按一级指标）".into(),
        kind: ChartKind::Bars,
        unit: "条".into(),
        categories: counts.iter().map(|c| c.0.clone()).collect(),
        series: vec![Series {
            name: "三级指标".into(),
            values: counts.iter().map(|c| c.1 as f64).collect(),
        }],
        note: "长期和年度绩效指标表合计。".into(),
    }
}

/// Level-3 indicators per unit (the units with most first).
fn indicators_by_unit(forms: &[Parsed]) -> Chart {
    let mut counts: Vec<(&str, usize)> = forms
        .iter()
        .filter_map(|(r, form, _)| Some((r.unit_name.as_str(), rows_of(form.as_ref()?).count())))
        .collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    counts.truncate(TOP_UNITS);
    Chart {
        id: "chart-units-indicators".into(),
        title: "三级指标数（按单位）".into(),
        kind: ChartKind::Bars,
        unit: "条".into(),
        categories: counts.iter().map(|c| c.0.to_string()).collect(),
        series: vec![Series {
            name: "三级指标".into(),
            values: counts.iter().map(|c| c.1 as f64).collect(),
        }],
        note: format!("指标最多的 {TOP_UNITS} 个单位。"),
    }
}

/// The rules broken by most forms (errors and warnings).
fn rules_broken(forms: &[Parsed]) -> Chart {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (_, _, codes) in forms {
        let mut distinct = codes.clone();
        distinct.sort_unstable();
        distinct.dedup();
        for c in distinct {
            *counts.entry(c).or_default() += 1;
        }
    }
    let mut counts: Vec<(&str, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    counts.truncate(TOP_RULES);
    let title = |code: &str| {
        jixiao_domain::validate::rule(code)
            .map(|r| format!("{code} {}", r.title))
            .unwrap_or_else(|| code.to_string())
    };
    Chart {
        id: "chart-rules".into(),
        title: "最常见的问题（按规则）".into(),
        kind: ChartKind::Bars,
        unit: "份申报表".into(),
        categories: counts.iter().map(|c| title(c.0)).collect(),
        series: vec![Series {
            name: "出现问题的申报表".into(),
            values: counts.iter().map(|c| c.1 as f64).collect(),
        }],
        note: format!("按当前版本校验；错误和警告，每条规则每份表计一次，前 {TOP_RULES} 条。"),
    }
}

/// The units whose current version has most errors.
fn units_with_errors(forms: &[Parsed]) -> Chart {
    let mut rows: Vec<(&str, i64)> = forms
        .iter()
        .filter(|(r, _, _)| r.finance_sees && r.errors > 0)
        .map(|(r, _, _)| (r.unit_name.as_str(), r.errors))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    rows.truncate(TOP_UNITS);
    Chart {
        id: "chart-unit-errors".into(),
        title: "错误最多的单位".into(),
        kind: ChartKind::Bars,
        unit: "条错误".into(),
        categories: rows.iter().map(|r| r.0.to_string()).collect(),
        series: vec![Series {
            name: "错误".into(),
            values: rows.iter().map(|r| r.1 as f64).collect(),
        }],
        note: format!("已报送财政的申报表当前版本的错误数，前 {TOP_UNITS} 个单位。"),
    }
}
