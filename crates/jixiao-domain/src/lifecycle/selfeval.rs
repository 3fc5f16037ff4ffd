//! The self-evaluation (绩效自评表) and its exact scores (DOMAIN.md §4 and §4a).
//!
//! Each indicator is scored by [`crate::compute::score_quantitative`] or, for a qualitative
//! target, within the band of its achievement ([`crate::compute::score_qualitative`]); budget
//! execution scores min(B/A, 1) × the execution weight; the total is their sum and the grade comes
//! from the template's bands. The *computed* score and the *declared* one (what the unit typed)
//! are kept apart: a difference is a finding that names both numbers.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::actual::{Actual, ActualError, Measure, read_actual};
use super::{DeclarationRef, LifecycleRules, dec, finding, percent};
use crate::compute::{Achievement, Grade, score_qualitative, score_quantitative};
use crate::form::{Date, FiscalYear, Form, TemplateRef};
use crate::money::Money;
use crate::target::TargetValue;
use crate::validate::Finding;

/// The header of a self-evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfEvalHeader {
    /// The budget year evaluated.
    pub fiscal_year: FiscalYear,
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

/// One funding row of the budget block.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfEvalBudgetRow {
    /// The declaration's funding key.
    pub key: String,
    /// The printed name (`财政拨款`).
    pub name: String,
    /// 年初预算数.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initial: Option<Money>,
    /// 全年预算数 (A).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_year: Option<Money>,
    /// 全年执行数 (B).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executed: Option<Money>,
}

/// One indicator row of a self-evaluation.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfEvalRow {
    /// 一级指标.
    pub level1: String,
    /// 二级指标.
    pub level2: String,
    /// 三级指标.
    pub name: String,
    /// 年度指标值, copied from the approved declaration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetValue>,
    /// 实际完成值, as typed.
    #[serde(default)]
    pub actual: String,
    /// 分值 (weight).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub weight: Option<Decimal>,
    /// 得分 as the unit declared it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub declared_score: Option<Decimal>,
    /// 偏差原因分析及改进措施.
    #[serde(default)]
    pub analysis: String,
}

/// 年度总体目标: expected and actual.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalOutcome {
    /// 预期目标 (the declaration's annual goal).
    #[serde(default)]
    pub expected: String,
    /// 实际完成情况.
    #[serde(default)]
    pub actual: String,
}

/// The tag of a self-evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SelfEvaluationKind {
    /// 绩效自评表.
    #[default]
    SelfEvaluation,
}

/// The self-evaluation (绩效自评表).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfEvaluation {
    /// Always `self_evaluation`.
    pub kind: SelfEvaluationKind,
    /// The template (its rules decide weights and grades).
    pub template: TemplateRef,
    /// The declaration measured against.
    pub declaration: DeclarationRef,
    /// Header.
    pub header: SelfEvalHeader,
    /// Budget execution, one row per income row.
    pub budget: Vec<SelfEvalBudgetRow>,
    /// 预算执行率得分 as the unit declared it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub budget_declared_score: Option<Decimal>,
    /// 年度总体目标.
    #[serde(default)]
    pub goal: GoalOutcome,
    /// One row per annual level-3 indicator.
    pub indicators: Vec<SelfEvalRow>,
    /// 总分 as the unit declared it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub declared_total: Option<Decimal>,
    /// 偏差原因、改进措施及结果应用.
    #[serde(default)]
    pub analysis: String,
}

impl SelfEvaluation {
    /// A self-evaluation of an approved declaration, with the template's default weights (or the
    /// indicator points shared equally), summing exactly to the indicator points.
    pub fn from_declaration(form: &Form, rules: &LifecycleRules) -> SelfEvaluation {
        let rows = &form.indicators.annual.rows;
        let weights = default_weights(
            rows.iter()
                .map(|r| r.level1.as_str())
                .collect::<Vec<_>>()
                .as_slice(),
            rules,
        );
        SelfEvaluation {
            kind: SelfEvaluationKind::SelfEvaluation,
            template: form.template.clone(),
            declaration: DeclarationRef::of(form),
            header: SelfEvalHeader {
                fiscal_year: form.header.fiscal_year,
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
                .map(|r| SelfEvalBudgetRow {
                    key: r.key.clone(),
                    name: r.name.clone(),
                    initial: r.amounts.current,
                    full_year: r.amounts.current,
                    executed: None,
                })
                .collect(),
            budget_declared_score: None,
            goal: GoalOutcome {
                expected: form.indicators.annual.goal.clone(),
                actual: String::new(),
            },
            indicators: rows
                .iter()
                .zip(weights)
                .map(|(i, w)| SelfEvalRow {
                    level1: i.level1.clone(),
                    level2: i.level2.clone(),
                    name: i.name.clone(),
                    target: i.target.clone(),
                    weight: Some(i.weight.unwrap_or(w)),
                    ..SelfEvalRow::default()
                })
                .collect(),
            declared_total: None,
            analysis: String::new(),
        }
    }

    /// Starts the actual values from a monitoring report of the same declaration: each row
    /// still without an actual value takes the 当前完成值 of the report's row with the same
    /// 一级, 二级 and 三级 names (a value to date, which the unit then corrects to the year's).
    /// Returns how many rows took one.
    pub fn take_actuals(&mut self, report: &super::monitoring::MonitoringReport) -> usize {
        let mut taken = 0;
        for row in self
            .indicators
            .iter_mut()
            .filter(|r| r.actual.trim().is_empty())
        {
            let found = report
                .indicators
                .iter()
                .find(|m| m.level1 == row.level1 && m.level2 == row.level2 && m.name == row.name);
            if let Some(m) = found.filter(|m| !m.actual.trim().is_empty()) {
                row.actual = m.actual.trim().to_string();
                taken += 1;
            }
        }
        taken
    }
}

/// Default weights for rows under these level-1 names: a level-1's default weight shared equally
/// among its rows (rows under a level-1 without one share what is left), rounded to two decimals
/// with the remainder on the last row of each share, so that the sum is exact.
pub fn default_weights(level1s: &[&str], rules: &LifecycleRules) -> Vec<Decimal> {
    let mut out = vec![Decimal::ZERO; level1s.len()];
    let mut groups: Vec<(Decimal, Vec<usize>)> = Vec::new();
    let mut rest = Vec::new();
    for lw in &rules.default_weights {
        let idx: Vec<usize> = (0..level1s.len())
            .filter(|&i| level1s[i] == lw.level1)
            .collect();
        if !idx.is_empty() {
            groups.push((lw.weight, idx));
        }
    }
    for i in 0..level1s.len() {
        if !groups.iter().any(|(_, idx)| idx.contains(&i)) {
            rest.push(i);
        }
    }
    let assigned: Decimal = groups.iter().map(|(w, _)| *w).sum();
    if !rest.is_empty() {
        let left = (rules.indicator_points - assigned).max(Decimal::ZERO);
        groups.push((left, rest));
    }
    for (weight, idx) in groups {
        let n = Decimal::from(idx.len());
        let each = (weight / n).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero);
        for (k, &i) in idx.iter().enumerate() {
            out[i] = if k + 1 == idx.len() {
                weight - each * (n - Decimal::ONE)
            } else {
                each
            };
        }
    }
    out
}

/// The score of one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorScore {
    /// JSON Pointer of the row (`/indicators/3`).
    pub path: String,
    /// 三级指标.
    pub name: String,
    /// `positive`, `equal`, `reverse` or `qualitative`; `None` when the target cannot measure.
    pub direction: Option<&'static str>,
    /// The target as printed.
    pub target: String,
    /// The actual as typed.
    pub actual: String,
    /// 分值.
    #[serde(serialize_with = "super::decimal_text::opt")]
    pub weight: Option<Decimal>,
    /// The computed score; `None` when the actual or the weight cannot be read.
    #[serde(serialize_with = "super::decimal_text::opt")]
    pub score: Option<Decimal>,
    /// The score the unit declared.
    #[serde(serialize_with = "super::decimal_text::opt")]
    pub declared_score: Option<Decimal>,
    /// `over_120` (a ≥ 1.2·t) and `declared_differs`.
    pub flags: Vec<&'static str>,
}

/// The budget-execution score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetScore {
    /// 执行率 = ΣB / ΣA × 100, to two decimals.
    #[serde(serialize_with = "super::decimal_text::opt")]
    pub rate: Option<Decimal>,
    /// The execution weight (10).
    #[serde(serialize_with = "super::decimal_text::one")]
    pub weight: Decimal,
    /// min(B/A, 1) × weight.
    #[serde(serialize_with = "super::decimal_text::opt")]
    pub score: Option<Decimal>,
}

/// The scores of a self-evaluation (`jixiao selfeval score --format json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// Total of the computed scores.
    #[serde(serialize_with = "super::decimal_text::one")]
    pub total: Decimal,
    /// Its grade.
    pub grade: Grade,
    /// The total the unit declared.
    #[serde(serialize_with = "super::decimal_text::opt")]
    pub declared_total: Option<Decimal>,
    /// Budget execution.
    pub budget: BudgetScore,
    /// Every indicator, in order.
    pub indicators: Vec<IndicatorScore>,
    /// Located findings.
    pub findings: Vec<Finding>,
}

/// The exact scores of a self-evaluation under a template's rules, with findings.
pub fn score(eval: &SelfEvaluation, rules: &LifecycleRules) -> Scores {
    let mut findings = Vec::new();
    let budget = budget_score(eval, rules, &mut findings);
    let indicators: Vec<IndicatorScore> = eval
        .indicators
        .iter()
        .enumerate()
        .map(|(i, row)| indicator_score(i, row, &mut findings))
        .collect();
    let weight_sum: Decimal = eval.indicators.iter().filter_map(|r| r.weight).sum();
    if !eval.indicators.is_empty() && weight_sum != rules.indicator_points {
        findings.push(finding(
            "S005",
            "/indicators".into(),
            format!(
                "各指标分值之和为 {}，应为 {}",
                dec(weight_sum),
                dec(rules.indicator_points)
            ),
        ));
    }
    let total = indicators.iter().filter_map(|s| s.score).sum::<Decimal>()
        + budget.score.unwrap_or_default();
    if let Some(d) = eval.declared_total
        && d != total
    {
        findings.push(finding(
            "S010",
            "/declared_total".into(),
            format!("填报总分为 {}，按规则计算为 {}", dec(d), dec(total)),
        ));
    }
    Scores {
        total,
        grade: rules.grade_bands.bands().grade(total),
        declared_total: eval.declared_total,
        budget,
        indicators,
        findings,
    }
}

fn budget_score(
    eval: &SelfEvaluation,
    rules: &LifecycleRules,
    findings: &mut Vec<Finding>,
) -> BudgetScore {
    let amounts: Vec<_> = eval
        .budget
        .iter()
        .map(|row| {
            [
                ("initial", "年初预算数", row.initial),
                ("full_year", "全年预算数", row.full_year),
                ("executed", "全年执行数", row.executed),
            ]
        })
        .collect();
    let (a, b, any_b) = super::check_budget(
        eval.budget
            .iter()
            .zip(&amounts)
            .map(|(row, amounts)| super::BudgetRowCheck {
                name: &row.name,
                amounts,
                budget: 1,
                executed: 2,
            }),
        ("S001", "S002"),
        findings,
    );
    let rate = percent(b, a).filter(|_| any_b);
    let score = rate.map(|r| crate::compute::total_score(&[], r, rules.execution_weight));
    BudgetScore {
        rate,
        weight: rules.execution_weight,
        score,
    }
}

fn indicator_score(i: usize, row: &SelfEvalRow, findings: &mut Vec<Finding>) -> IndicatorScore {
    let path = format!("/indicators/{i}");
    let measure = row.target.as_ref().and_then(Measure::of);
    let mut out = IndicatorScore {
        path: path.clone(),
        name: row.name.clone(),
        direction: measure.as_ref().map(Measure::direction_name),
        target: row
            .target
            .as_ref()
            .map(|t| t.to_string())
            .unwrap_or_default(),
        actual: row.actual.clone(),
        weight: row.weight,
        score: None,
        declared_score: row.declared_score,
        flags: Vec::new(),
    };
    let weight = match row.weight {
        Some(w) if w >= Decimal::ZERO => w,
        other => {
            findings.push(finding(
                "S008",
                format!("{path}/weight"),
                match other {
                    Some(w) => format!("「{}」的分值为 {}，不能为负数", row.name, dec(w)),
                    None => format!("「{}」未填写分值", row.name),
                },
            ));
            return out;
        }
    };
    let actual = match read_actual(row.target.as_ref(), &row.actual) {
        Ok(a) => a,
        Err(ActualError::Empty) => {
            findings.push(finding(
                "S003",
                format!("{path}/actual"),
                format!("「{}」的实际完成值未填写", row.name),
            ));
            return out;
        }
        Err(ActualError::NoTarget { .. }) => return out,
        Err(e) => {
            findings.push(finding(
                "S004",
                format!("{path}/actual"),
                format!("「{}」：{e}", row.name),
            ));
            return out;
        }
    };
    let (points, met) = match (measure, actual) {
        (
            Some(Measure::Quantity {
                direction,
                number,
                unit,
                ..
            }),
            Actual::Number {
                value,
                unit_assumed,
            },
        ) => {
            if unit_assumed {
                findings.push(finding(
                    "S011",
                    format!("{path}/actual"),
                    format!(
                        "「{}」的实际完成值「{}」未写单位，按指标值的单位「{unit}」理解",
                        row.name,
                        row.actual.trim()
                    ),
                ));
            }
            let s = score_quantitative(direction, value, number, weight);
            if s.review_flag {
                out.flags.push("over_120");
                findings.push(finding(
                    "S007",
                    format!("{path}/actual"),
                    format!(
                        "「{}」实际完成值 {} 达到指标值 {} 的 1.2 倍以上，请复核指标值是否偏低",
                        row.name,
                        dec(value),
                        dec(number)
                    ),
                ));
            }
            (s.points, s.points == weight)
        }
        (Some(Measure::Quality(_)), Actual::Achievement(a)) => {
            let (_, hi) = a.band();
            let p = match row.declared_score {
                Some(d) => match score_qualitative(a, d, weight) {
                    Ok(p) => p,
                    Err(msg) => {
                        findings.push(finding(
                            "S012",
                            format!("{path}/declared_score"),
                            format!("「{}」：{msg}", row.name),
                        ));
                        (weight * hi).round_dp(2)
                    }
                },
                None => (weight * hi).round_dp(2),
            };
            (p, a == Achievement::Achieved)
        }
        _ => return out,
    };
    out.score = Some(points);
    if let Some(d) = row.declared_score
        && d != points
    {
        out.flags.push("declared_differs");
        findings.push(finding(
            "S006",
            format!("{path}/declared_score"),
            format!(
                "「{}」填报得分 {}，按规则计算为 {}",
                row.name,
                dec(d),
                dec(points)
            ),
        ));
    }
    if !met && row.analysis.trim().is_empty() {
        findings.push(finding(
            "S009",
            format!("{path}/analysis"),
            format!(
                "「{}」未完全达成目标，请填写偏差原因分析及改进措施",
                row.name
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn seed() -> Form {
        serde_json::from_str(include_str!("../../../../fixtures/seed/seed.form.json")).unwrap()
    }

    fn one(target: &str, actual: &str, weight: &str) -> SelfEvaluation {
        let mut e = SelfEvaluation::from_declaration(&seed(), &LifecycleRules::default());
        e.indicators.truncate(1);
        e.indicators[0].target = TargetValue::parse(target);
        e.indicators[0].actual = actual.into();
        e.indicators[0].weight = Some(weight.parse().unwrap());
        e
    }

    fn row_score(target: &str, actual: &str) -> Option<String> {
        score(&one(target, actual, "10"), &LifecycleRules::default()).indicators[0]
            .score
            .map(dec)
    }

    #[test]
    fn takes_actuals_from_monitoring() {
        let form = seed();
        let mut report = super::super::monitoring::MonitoringReport::from_declaration(&form, 6);
        report.indicators[0].actual = " 12次 ".into();
        report.indicators[2].actual = "50%".into();
        let mut eval = SelfEvaluation::from_declaration(&form, &LifecycleRules::default());
        eval.indicators[2].actual = "80%".into();
        assert_eq!(eval.take_actuals(&report), 1);
        assert_eq!(eval.indicators[0].actual, "12次");
        assert_eq!(eval.indicators[2].actual, "80%", "a typed value is kept");
        assert_eq!(eval.indicators[1].actual, "");
    }

    #[test]
    fn new_weights_sum_exactly() {
        let e = SelfEvaluation::from_declaration(&seed(), &LifecycleRules::default());
        let sum: Decimal = e.indicators.iter().filter_map(|r| r.weight).sum();
        assert_eq!(sum, Decimal::from(90));
        let rules = LifecycleRules {
            default_weights: vec![super::super::LevelWeight {
                level1: "满意度".into(),
                weight: Decimal::from(10),
            }],
            ..LifecycleRules::default()
        };
        let w = default_weights(&["产出", "满意度", "产出", "满意度", "效益"], &rules);
        assert_eq!(w[1] + w[3], Decimal::from(10));
        assert_eq!(w.iter().copied().sum::<Decimal>(), Decimal::from(90));
    }

    #[test]
    fn scoring_edges() {
        assert_eq!(row_score("≥90%", "90%").as_deref(), Some("10"));
        assert_eq!(row_score("≥90%", "45%").as_deref(), Some("5"));
        assert_eq!(row_score("≤5%", "7.5%").as_deref(), Some("5"));
        assert_eq!(row_score("≤5%", "10%").as_deref(), Some("0"));
        assert_eq!(row_score("=0起", "0起").as_deref(), Some("10"));
        assert_eq!(row_score("=0起", "1起").as_deref(), Some("0"));
        assert_eq!(row_score("≥10次", "0次").as_deref(), Some("0"));
        assert_eq!(row_score("健全", "健全").as_deref(), Some("10"));
        assert_eq!(row_score("≥10次", "12项"), None);
        let s = score(&one("≥10次", "20次", "10"), &LifecycleRules::default());
        assert_eq!(s.indicators[0].flags, vec!["over_120"]);
    }

    #[test]
    fn declared_differs_names_both_numbers() {
        let mut e = one("≥90%", "45%", "10");
        e.indicators[0].declared_score = Some(Decimal::from(10));
        let s = score(&e, &LifecycleRules::default());
        assert!(s.indicators[0].flags.contains(&"declared_differs"));
        let f = s.findings.iter().find(|f| f.code == "S006").unwrap();
        assert!(
            f.message.contains("填报得分 10") && f.message.contains("计算为 5"),
            "{}",
            f.message
        );
    }

    #[test]
    fn total_and_grade() {
        let mut e = SelfEvaluation::from_declaration(&seed(), &LifecycleRules::default());
        for r in &mut e.indicators {
            r.actual = r
                .target
                .as_ref()
                .map(|t| match t {
                    TargetValue::Quantity { number, unit, .. } => format!("{number}{unit}"),
                    other => other.to_string(),
                })
                .unwrap_or_default();
        }
        for b in &mut e.budget {
            b.executed = b.full_year;
        }
        let s = score(&e, &LifecycleRules::default());
        let measurable = s.indicators.iter().filter(|i| i.score.is_some()).count();
        assert!(measurable > 30, "{measurable}");
        assert_eq!(s.budget.score, Some(Decimal::from(10)));
        assert!(s.total <= Decimal::from(100));
    }

    fn weight_sum_finding(weights: &[&str]) -> bool {
        let mut e = one("≥90%", "90%", "10");
        let row = e.indicators[0].clone();
        e.indicators = weights
            .iter()
            .map(|w| SelfEvalRow {
                weight: Some(w.parse().unwrap()),
                ..row.clone()
            })
            .collect();
        score(&e, &LifecycleRules::default())
            .findings
            .iter()
            .any(|f| f.code == "S005")
    }

    #[test]
    fn weights_must_sum_to_ninety() {
        assert!(weight_sum_finding(&["45", "40"]));
        assert!(!weight_sum_finding(&["45", "45"]));
    }

    proptest! {
        #[test]
        fn score_within_weight_and_monotone(t in 1u32..10_000, a1 in 0u32..20_000, a2 in 0u32..20_000, w in 0u32..100) {
            let (lo, hi) = (a1.min(a2), a1.max(a2));
            let sc = |cmp: &str, a: u32| -> Decimal {
                row_score_w(&format!("{cmp}{t}次"), &format!("{a}次"), w).unwrap().parse().unwrap()
            };
            for cmp in ["≥", "≤"] {
                let (s_lo, s_hi) = (sc(cmp, lo), sc(cmp, hi));
                prop_assert!(s_lo >= Decimal::ZERO && s_lo <= Decimal::from(w));
                prop_assert!(s_hi >= Decimal::ZERO && s_hi <= Decimal::from(w));
                if cmp == "≥" { prop_assert!(s_lo <= s_hi); } else { prop_assert!(s_lo >= s_hi); }
            }
        }
    }

    fn row_score_w(target: &str, actual: &str, w: u32) -> Option<String> {
        score(
            &one(target, actual, &w.to_string()),
            &LifecycleRules::default(),
        )
        .indicators[0]
            .score
            .map(dec)
    }
}
