//! The monitoring report (绩效运行监控表) and its warning lights (DOMAIN.md §4a).
//!
//! With m the cut-off month, t the target and a the value to date, the time-proportioned
//! benchmark (序时进度) is t·m/12 and the ratio r = a / benchmark × 100:
//! - positive targets (≥, >, a plain value, = with t ≠ 0): r below the template's red band → red,
//!   below its yellow band → yellow, from its blue band (or a ≥ 1.2·t) → blue, else green;
//!   a = 0 → red;
//! - = with t = 0: a = t green, else red; reverse (≤, <): a ≤ t (a < t) green, else red — never
//!   time-proportioned;
//! - qualitative: 达成 green, 部分达成 yellow, 未达成 red;
//! - an indicator the template does not time-proportion: green when it already meets its target,
//!   else red;
//! - budget execution: r = 执行率 / (m/12) × 100 with the same red and yellow bands, no blue;
//! - the goal and the whole report: the worst colour of their rows.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::actual::{Actual, Measure, read_actual};
use super::{Colour, DeclarationRef, LifecycleRules, finding, percent};
use crate::compute::Achievement;
use crate::form::{Date, FiscalYear, Form, TemplateRef};
use crate::money::Money;
use crate::target::{Direction, TargetValue};
use crate::validate::Finding;

/// The header of a monitoring report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitoringHeader {
    /// The budget year monitored.
    pub fiscal_year: FiscalYear,
    /// The cut-off month m (1–12): the report covers 1–m月.
    pub month: u8,
    /// 部门（单位）名称.
    pub unit_name: String,
    /// 填报日期.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_date: Option<Date>,
    /// 填报人 (personal data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filler: Option<String>,
    /// 联系电话 (personal data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Unit of amounts (`万元`).
    pub amount_unit: String,
}

/// One funding row of the budget-execution block.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetExecutionRow {
    /// The declaration's funding key (`fiscal_appropriation`).
    pub key: String,
    /// The printed name (`财政拨款`).
    pub name: String,
    /// 年初预算数 (from the declaration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial: Option<Money>,
    /// 调整后预算数.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjusted: Option<Money>,
    /// 1–m月执行数.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executed: Option<Money>,
    /// 全年预计执行数.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<Money>,
}

/// 完成可能性.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Likelihood {
    /// 确定能.
    Certain,
    /// 有可能.
    Possible,
    /// 完全不可能.
    Impossible,
}

impl Likelihood {
    /// Every value, in printed order.
    pub const ALL: [Likelihood; 3] = [
        Likelihood::Certain,
        Likelihood::Possible,
        Likelihood::Impossible,
    ];

    /// The printed label.
    pub fn label(self) -> &'static str {
        match self {
            Likelihood::Certain => "确定能",
            Likelihood::Possible => "有可能",
            Likelihood::Impossible => "完全不可能",
        }
    }

    /// Reads the printed label.
    pub fn from_label(s: &str) -> Option<Likelihood> {
        let s = s.trim();
        Likelihood::ALL.into_iter().find(|l| l.label() == s)
    }
}

/// 偏差原因 (multi-choice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeviationReason {
    /// 经费保障.
    Funding,
    /// 制度保障.
    Rules,
    /// 人员保障.
    Staff,
    /// 硬件条件保障.
    Equipment,
    /// 其他.
    Other,
}

impl DeviationReason {
    /// Every reason, in printed order.
    pub const ALL: [DeviationReason; 5] = [
        DeviationReason::Funding,
        DeviationReason::Rules,
        DeviationReason::Staff,
        DeviationReason::Equipment,
        DeviationReason::Other,
    ];

    /// The printed label.
    pub fn label(self) -> &'static str {
        match self {
            DeviationReason::Funding => "经费保障",
            DeviationReason::Rules => "制度保障",
            DeviationReason::Staff => "人员保障",
            DeviationReason::Equipment => "硬件条件保障",
            DeviationReason::Other => "其他",
        }
    }

    /// Reads a list of labels separated by `、`, `,`, `，`, `;` or spaces; unknown words are
    /// returned apart.
    pub fn parse_list(s: &str) -> (Vec<DeviationReason>, Vec<String>) {
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        for part in s
            .split(['、', ',', '，', ';', '；', '/', ' ', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match DeviationReason::ALL.into_iter().find(|r| r.label() == part) {
                Some(r) if !known.contains(&r) => known.push(r),
                Some(_) => {}
                None => unknown.push(part.to_string()),
            }
        }
        (known, unknown)
    }
}

/// One indicator row of a monitoring report.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitoringRow {
    /// 一级指标.
    pub level1: String,
    /// 二级指标.
    pub level2: String,
    /// 三级指标.
    pub name: String,
    /// 年度指标值, copied from the approved declaration (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetValue>,
    /// 当前完成值, as typed.
    #[serde(default)]
    pub actual: String,
    /// 完成可能性.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likelihood: Option<Likelihood>,
    /// 全年预计完成情况.
    #[serde(default)]
    pub expected: String,
    /// 偏差原因.
    #[serde(default)]
    pub reasons: Vec<DeviationReason>,
    /// 偏差原因 in words (what 其他 means, or detail).
    #[serde(default)]
    pub reason_text: String,
    /// 备注.
    #[serde(default)]
    pub remark: String,
}

/// The monitoring report (绩效运行监控表).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MonitoringReport {
    /// Always `monitoring`: tells the document kinds apart in files.
    pub kind: MonitoringKind,
    /// The template (its rules decide the colours).
    pub template: TemplateRef,
    /// The declaration measured against.
    pub declaration: DeclarationRef,
    /// Header.
    pub header: MonitoringHeader,
    /// Budget execution, one row per income row of the declaration.
    pub budget: Vec<BudgetExecutionRow>,
    /// 年度目标 of the declaration.
    #[serde(default)]
    pub goal: String,
    /// One row per annual level-3 indicator of the declaration.
    pub indicators: Vec<MonitoringRow>,
    /// 偏差或不能完成目标原因分析.
    #[serde(default)]
    pub analysis: String,
    /// 相关建议或举措.
    #[serde(default)]
    pub suggestions: String,
}

/// The tag of a monitoring report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MonitoringKind {
    /// 绩效运行监控表.
    #[default]
    Monitoring,
}

impl MonitoringReport {
    /// A report for month `month` of an approved declaration: its income rows with their
    /// amounts as 年初预算数 and 调整后预算数, its annual indicators with their targets.
    pub fn from_declaration(form: &Form, month: u8) -> MonitoringReport {
        MonitoringReport {
            kind: MonitoringKind::Monitoring,
            template: form.template.clone(),
            declaration: DeclarationRef::of(form),
            header: MonitoringHeader {
                fiscal_year: form.header.fiscal_year,
                month,
                unit_name: form.header.unit_name.clone(),
                fill_date: None,
                filler: form.header.filler.clone(),
                phone: form.header.phone.clone(),
                amount_unit: form.header.amount_unit.clone(),
            },
            budget: form
                .funding
                .income
                .rows
                .iter()
                .map(|r| BudgetExecutionRow {
                    key: r.key.clone(),
                    name: r.name.clone(),
                    initial: r.amounts.current,
                    adjusted: r.amounts.current,
                    executed: None,
                    expected: None,
                })
                .collect(),
            goal: form.indicators.annual.goal.clone(),
            indicators: form
                .indicators
                .annual
                .rows
                .iter()
                .map(|i| MonitoringRow {
                    level1: i.level1.clone(),
                    level2: i.level2.clone(),
                    name: i.name.clone(),
                    target: i.target.clone(),
                    ..MonitoringRow::default()
                })
                .collect(),
            analysis: String::new(),
            suggestions: String::new(),
        }
    }
}

/// The light of one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorLight {
    /// JSON Pointer of the row (`/indicators/3`).
    pub path: String,
    /// 三级指标.
    pub name: String,
    /// The target as printed.
    pub target: String,
    /// The value to date as typed.
    pub actual: String,
    /// The time-proportioned benchmark t·m/12 (a decimal string), where there is one.
    #[serde(serialize_with = "super::decimal_text::opt")]
    pub benchmark: Option<Decimal>,
    /// a / benchmark × 100, to two decimals, where there is one.
    #[serde(serialize_with = "super::decimal_text::opt")]
    pub ratio: Option<Decimal>,
    /// The colour; `None` when the value is missing or unreadable.
    pub colour: Option<Colour>,
}

/// The budget-execution light.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetLight {
    /// 执行率 = Σ1–m月执行数 / Σ调整后预算数 × 100, to two decimals.
    #[serde(serialize_with = "super::decimal_text::opt")]
    pub rate: Option<Decimal>,
    /// The time-proportioned benchmark m/12 × 100, to two decimals.
    #[serde(serialize_with = "super::decimal_text::one")]
    pub benchmark: Decimal,
    /// The colour; `None` when there is no budget or no execution entered.
    pub colour: Option<Colour>,
}

/// The light of a goal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalLight {
    /// JSON Pointer of the goal (`/goal`).
    pub path: String,
    /// The worst colour of its indicators.
    pub colour: Option<Colour>,
}

/// The warnings of a monitoring report (`jixiao monitoring warn --format json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warnings {
    /// The cut-off month.
    pub month: u8,
    /// The worst colour of the whole report.
    pub colour: Option<Colour>,
    /// Budget execution.
    pub budget: BudgetLight,
    /// Every indicator, in order.
    pub indicators: Vec<IndicatorLight>,
    /// The goals.
    pub goals: Vec<GoalLight>,
    /// Located findings.
    pub findings: Vec<Finding>,
}

const TWELVE: Decimal = Decimal::from_parts(12, 0, 0, false, 0);

/// The warning lights of a report under a template's rules, with findings.
pub fn warn(report: &MonitoringReport, rules: &LifecycleRules) -> Warnings {
    let mut findings = Vec::new();
    let m = report.header.month;
    let month_ok = (1..=12).contains(&m);
    if !month_ok {
        findings.push(finding(
            "M001",
            "/header/month".into(),
            format!("截止月份为 {m}，应在 1–12 之间"),
        ));
    }
    // Ratios are computed as (a · 12) / (t · m), one division at the end, so that they are the
    // exact quotient rounded once (the page's script computes the same with exact integers).
    let month = Decimal::from(m.clamp(1, 12));
    let budget = budget_light(report, rules, month, &mut findings);
    let indicators: Vec<IndicatorLight> = report
        .indicators
        .iter()
        .enumerate()
        .map(|(i, row)| indicator_light(i, row, rules, month, &mut findings))
        .collect();
    let footer_needed = report
        .indicators
        .iter()
        .any(|r| matches!(r.likelihood, Some(l) if l != Likelihood::Certain));
    if footer_needed && report.analysis.trim().is_empty() {
        findings.push(finding(
            "M007",
            "/analysis".into(),
            "有指标的完成可能性不是“确定能”，须填写“偏差或不能完成目标原因分析”".into(),
        ));
    }
    let goal_colour = Colour::worst(indicators.iter().filter_map(|l| l.colour));
    let colour = Colour::worst(goal_colour.into_iter().chain(budget.colour));
    Warnings {
        month: m,
        colour,
        budget,
        indicators,
        goals: vec![GoalLight {
            path: "/goal".into(),
            colour: goal_colour,
        }],
        findings,
    }
}

fn budget_light(
    report: &MonitoringReport,
    rules: &LifecycleRules,
    month: Decimal,
    findings: &mut Vec<Finding>,
) -> BudgetLight {
    let amounts: Vec<_> = report
        .budget
        .iter()
        .map(|row| {
            [
                ("initial", "年初预算数", row.initial),
                ("adjusted", "调整后预算数", row.adjusted),
                ("executed", "执行数", row.executed),
                ("expected", "全年预计执行数", row.expected),
            ]
        })
        .collect();
    let (adjusted, executed, any_executed) = super::check_budget(
        report
            .budget
            .iter()
            .zip(&amounts)
            .map(|(row, a)| super::BudgetRowCheck {
                name: &row.name,
                amounts: a,
                budget: 1,
                executed: 2,
            }),
        ("M002", "M003"),
        findings,
    );
    let benchmark = percent(month, TWELVE).unwrap_or_default();
    let rate = percent(executed, adjusted).filter(|_| any_executed);
    let colour = rate.and_then(|r| {
        let ratio = percent(r.checked_mul(TWELVE)?, month * Decimal::ONE_HUNDRED)?;
        Some(rules.band(ratio, false))
    });
    BudgetLight {
        rate,
        benchmark,
        colour,
    }
}

fn indicator_light(
    i: usize,
    row: &MonitoringRow,
    rules: &LifecycleRules,
    month: Decimal,
    findings: &mut Vec<Finding>,
) -> IndicatorLight {
    let path = format!("/indicators/{i}");
    let mut light = IndicatorLight {
        path: path.clone(),
        name: row.name.clone(),
        target: row
            .target
            .as_ref()
            .map(|t| t.to_string())
            .unwrap_or_default(),
        actual: row.actual.clone(),
        benchmark: None,
        ratio: None,
        colour: None,
    };
    let actual = match read_actual(row.target.as_ref(), &row.actual) {
        Ok(a) => a,
        Err(super::ActualError::Empty) => {
            findings.push(finding(
                "M004",
                format!("{path}/actual"),
                format!("「{}」的当前完成值未填写", row.name),
            ));
            return light;
        }
        Err(super::ActualError::NoTarget { .. }) => return light,
        Err(e) => {
            findings.push(finding(
                "M005",
                format!("{path}/actual"),
                format!("「{}」：{e}", row.name),
            ));
            return light;
        }
    };
    let measure = row.target.as_ref().and_then(Measure::of);
    light.colour = match (measure, actual) {
        (
            Some(Measure::Quantity {
                direction,
                strict,
                number: t,
                unit,
            }),
            Actual::Number {
                value: a,
                unit_assumed,
            },
        ) => {
            if unit_assumed {
                findings.push(finding(
                    "M008",
                    format!("{path}/actual"),
                    format!(
                        "「{}」的当前完成值「{}」未写单位，按指标值的单位「{unit}」理解",
                        row.name,
                        row.actual.trim()
                    ),
                ));
            }
            Some(quantity_colour(
                rules,
                month,
                direction,
                strict,
                t,
                a,
                rules.is_time_proportioned(&row.level1, &row.level2),
                &mut light,
            ))
        }
        (Some(Measure::Quality(_)), Actual::Achievement(a)) => Some(match a {
            Achievement::Achieved => Colour::Green,
            Achievement::Partly => Colour::Yellow,
            Achievement::NotAchieved => Colour::Red,
        }),
        _ => None,
    };
    if let Some(c) = light.colour
        && rules.needs_reason(c)
        && row.reasons.is_empty()
        && row.reason_text.trim().is_empty()
    {
        findings.push(finding(
            "M006",
            format!("{path}/reasons"),
            format!("「{}」为{}，须填写偏差原因", row.name, c.label()),
        ));
    }
    light
}

#[allow(clippy::too_many_arguments)]
fn quantity_colour(
    rules: &LifecycleRules,
    month: Decimal,
    direction: Direction,
    strict: bool,
    t: Decimal,
    a: Decimal,
    time_proportioned: bool,
    light: &mut IndicatorLight,
) -> Colour {
    let meets = match direction {
        Direction::Reverse if strict => a < t,
        Direction::Reverse => a <= t,
        Direction::Equal if t.is_zero() => a == t,
        _ if strict => a > t,
        _ => a >= t,
    };
    let proportioned = time_proportioned && direction != Direction::Reverse && !t.is_zero();
    if !proportioned || t < Decimal::ZERO {
        return if meets { Colour::Green } else { Colour::Red };
    }
    let Some(tm) = t.checked_mul(month) else {
        return if meets { Colour::Green } else { Colour::Red };
    };
    light.benchmark = Some((tm / TWELVE).round_dp(4));
    let Some(ratio) = a.checked_mul(TWELVE).and_then(|a12| percent(a12, tm)) else {
        return if meets { Colour::Blue } else { Colour::Red };
    };
    light.ratio = Some(ratio);
    if a <= Decimal::ZERO {
        return Colour::Red;
    }
    if t.checked_mul(Decimal::new(12, 1)).is_some_and(|l| a >= l) {
        return Colour::Blue;
    }
    rules.band(ratio, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(target: &str, actual: &str, month: u8) -> MonitoringReport {
        let form: Form =
            serde_json::from_str(include_str!("../../../../fixtures/seed/seed.form.json")).unwrap();
        let mut r = MonitoringReport::from_declaration(&form, month);
        r.indicators.truncate(1);
        r.indicators[0].target = TargetValue::parse(target);
        r.indicators[0].actual = actual.into();
        r.indicators[0].level1 = "履职效能".into();
        r
    }

    fn colour(target: &str, actual: &str, month: u8) -> Option<Colour> {
        warn(&report(target, actual, month), &LifecycleRules::default()).indicators[0].colour
    }

    #[test]
    fn band_edges_at_month_six() {
        // t = 100, m = 6: benchmark 50; r = a / 50 × 100.
        assert_eq!(colour("≥100次", "29.995次", 6), Some(Colour::Red)); // 59.99
        assert_eq!(colour("≥100次", "30次", 6), Some(Colour::Yellow)); // 60
        assert_eq!(colour("≥100次", "39.995次", 6), Some(Colour::Yellow)); // 79.99
        assert_eq!(colour("≥100次", "40次", 6), Some(Colour::Green)); // 80
        assert_eq!(colour("≥100次", "59.995次", 6), Some(Colour::Green)); // 119.99
        assert_eq!(colour("≥100次", "60次", 6), Some(Colour::Blue)); // 120
        assert_eq!(colour("≥100次", "0次", 6), Some(Colour::Red));
        assert_eq!(colour("≥100次", "200次", 12), Some(Colour::Blue)); // a = 2t
    }

    #[test]
    fn zero_reverse_and_qualitative() {
        assert_eq!(colour("=0起", "0起", 6), Some(Colour::Green));
        assert_eq!(colour("=0起", "1起", 6), Some(Colour::Red));
        assert_eq!(colour("≤5%", "5%", 6), Some(Colour::Green));
        assert_eq!(colour("<5%", "5%", 6), Some(Colour::Red));
        assert_eq!(colour("健全", "部分达成", 6), Some(Colour::Yellow));
        assert_eq!(colour("健全", "未达成", 6), Some(Colour::Red));
        assert_eq!(colour("≥100次", "60项", 6), None);
    }

    #[test]
    fn red_needs_a_reason_and_month_is_checked() {
        let r = report("≥100次", "10次", 6);
        let w = warn(&r, &LifecycleRules::default());
        assert!(
            w.findings
                .iter()
                .any(|f| f.code == "M006" && f.path == "/indicators/0/reasons")
        );
        let mut r2 = r.clone();
        r2.indicators[0].reasons = vec![DeviationReason::Funding];
        assert!(
            !warn(&r2, &LifecycleRules::default())
                .findings
                .iter()
                .any(|f| f.code == "M006")
        );
        let mut r3 = r.clone();
        r3.header.month = 13;
        assert!(
            warn(&r3, &LifecycleRules::default())
                .findings
                .iter()
                .any(|f| f.code == "M001")
        );
    }

    #[test]
    fn budget_rate_against_months() {
        let mut r = report("≥100次", "50次", 6);
        for row in &mut r.budget {
            row.adjusted = Some("100".parse().unwrap());
            row.executed = Some("30".parse().unwrap());
        }
        let w = warn(&r, &LifecycleRules::default());
        assert_eq!(w.budget.rate, Some(Decimal::from(30)));
        assert_eq!(w.budget.benchmark, Decimal::from(50));
        assert_eq!(w.budget.colour, Some(Colour::Yellow)); // 60
        assert_eq!(w.colour, Some(Colour::Yellow));
    }

    #[test]
    fn not_time_proportioned_is_in_range_or_red() {
        let rules = LifecycleRules {
            time_proportioned: vec!["数量".into()],
            ..LifecycleRules::default()
        };
        let r = report("≥100次", "40次", 6);
        assert_eq!(warn(&r, &rules).indicators[0].colour, Some(Colour::Red));
        let r = report("≥100次", "100次", 6);
        assert_eq!(warn(&r, &rules).indicators[0].colour, Some(Colour::Green));
    }
}
