//! The printed monitoring report (绩效运行监控表) and self-evaluation (绩效自评表), laid out once.
//!
//! [`PrintedMonitoring::new`] and [`PrintedSelfEvaluation::new`] turn a document and its
//! template's [`LifecycleRules`] into everything a printed copy shows, as the declaration's
//! [`super::PrintedForm`] does: every cell's text as printed, the merged level-1/level-2 cells
//! (the same rule, [`super::level_cells`]), the block sums, and the personal data the copy may
//! carry. The HTML page and the PDF only draw it.
//!
//! The lights and scores are the domain's ([`warn`], [`score`]): computed from the entered
//! values, never taken from the file. A score the unit declared is printed beside the computed
//! one only where the two differ, and marked, because the difference is a finding to see, not a
//! number to hide; the 总分 and the grade are always the computed ones.

use jixiao_domain::lifecycle::monitoring::{MonitoringReport, MonitoringRow, warn};
use jixiao_domain::lifecycle::selfeval::{SelfEvaluation, score};
use jixiao_domain::lifecycle::{Colour, LifecycleRules};
use jixiao_domain::{Money, Percent, Privacy, TargetValue};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

use super::{Amount, Contact, Source, Spanned, labels, level_cells};

/// The mark printed beside a declared score that differs from the computed one.
pub const DIFFERS_MARK: &str = "※";

/// The note under a self-evaluation that explains [`DIFFERS_MARK`].
pub const DIFFERS_NOTE: &str =
    "注：得分为按评分规则计算的得分；标“※”处为单位填报得分，与计算得分不一致。";

/// A warning light as printed: a coloured mark and its word (`红灯`), so that a black-and-white
/// copy reads the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Light {
    /// The colour's name (`red`, `yellow`, `green`, `blue`); renderers pick the ink by it.
    pub colour: &'static str,
    /// The Chinese word (`红灯`).
    pub label: &'static str,
}

impl Light {
    fn of(colour: Option<Colour>) -> Option<Light> {
        colour.map(|c| Light {
            colour: c.as_str(),
            label: c.label(),
        })
    }
}

/// Title and header of a monitoring report or a self-evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LifecycleHeader {
    /// `2026年度部门整体绩效运行监控表（1-6月）`, `2026年度部门整体绩效自评表`.
    pub title: String,
    /// 填报日期 as printed (`2026 年 7 月 10 日`), empty when unknown.
    pub fill_date: String,
    /// The unit of amounts (`万元`).
    pub amount_unit: String,
    /// 部门（单位）名称.
    pub unit_name: String,
    /// 填报人 and 联系电话; `None` on a public copy.
    pub contact: Option<Contact>,
}

impl LifecycleHeader {
    fn new(
        title: String,
        h: (&Option<jixiao_domain::form::Date>, &str, &str),
        person: (&Option<String>, &Option<String>),
        privacy: Privacy,
    ) -> LifecycleHeader {
        let (fill_date, amount_unit, unit_name) = h;
        LifecycleHeader {
            title,
            fill_date: fill_date.map(|d| d.chinese()).unwrap_or_default(),
            amount_unit: amount_unit.to_string(),
            unit_name: unit_name.to_string(),
            contact: privacy.shows_personal_data().then(|| Contact {
                filler: person.0.clone().unwrap_or_default(),
                phone: person.1.clone().unwrap_or_default(),
            }),
        }
    }
}

/// One row of a monitoring report's budget-execution block (a funding row, or 合计).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonitoringBudgetLine {
    /// The funding row's name (`财政拨款`, `合计`).
    pub name: String,
    /// Whether this is the 合计 row (its amounts are the sums of the rows above).
    pub is_total: bool,
    /// 年初预算数.
    pub initial: Amount,
    /// 调整后预算数.
    pub adjusted: Amount,
    /// 1-M月执行数.
    pub executed: Amount,
    /// 执行率 = 执行数 / 调整后预算数, two decimals (`45.00%`); empty when it cannot be known.
    pub rate: String,
    /// 全年预计执行数.
    pub expected: Amount,
}

/// The budget-execution block of a monitoring report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonitoringBudget {
    /// The executed column's header (`1-6月执行数`).
    pub executed_label: String,
    /// The funding rows, then 合计 (always last).
    pub lines: Vec<MonitoringBudgetLine>,
    /// 序时进度 m/12 (`50.00%`), against which the block's 执行率 is judged.
    pub benchmark: String,
    /// The block's light; `None` when there is no budget or nothing executed yet.
    pub light: Option<Light>,
}

/// One indicator row of a monitoring report. `level1`/`level2` are present only on the first
/// row of their merged cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonitoringLine {
    /// The level-1 cell.
    pub level1: Option<Spanned>,
    /// The level-2 cell.
    pub level2: Option<Spanned>,
    /// 三级指标.
    pub name: String,
    /// 年度指标值 (`≥90%`).
    pub target: String,
    /// 当前完成值, as entered.
    pub actual: String,
    /// 序时目标 t·m/12 in the target's unit (`45%`); empty when not time-proportioned.
    pub benchmark: String,
    /// 完成比 a / 序时目标 (`20.00%`); empty when there is no 序时目标.
    pub ratio: String,
    /// 预警; `None` when the value is missing or cannot be read.
    pub light: Option<Light>,
    /// 完成可能性 (`确定能`).
    pub likelihood: String,
    /// 全年预计完成情况.
    pub expected: String,
    /// 偏差原因: the chosen reasons (`经费保障、其他`), then the text.
    pub reasons: String,
    /// 备注.
    pub remark: String,
}

/// The whole printed monitoring report (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedMonitoring {
    /// Which copy this is.
    pub privacy: Privacy,
    /// Title and header.
    pub header: LifecycleHeader,
    /// The cut-off month m.
    pub month: u8,
    /// 预算执行情况.
    pub budget: MonitoringBudget,
    /// 年度目标.
    pub goal: String,
    /// The goal's light: the worst of its indicators.
    pub goal_light: Option<Light>,
    /// The indicator rows, in stored order.
    pub rows: Vec<MonitoringLine>,
    /// 偏差或不能完成目标原因分析.
    pub analysis: String,
    /// 相关建议或举措.
    pub suggestions: String,
}

impl PrintedMonitoring {
    /// Lays out `report` with its lights under `rules`.
    pub fn new(report: &MonitoringReport, rules: &LifecycleRules, privacy: Privacy) -> Self {
        let w = warn(report, rules);
        let h = &report.header;
        let mut lines: Vec<MonitoringBudgetLine> = report
            .budget
            .iter()
            .map(|b| MonitoringBudgetLine {
                name: b.name.clone(),
                is_total: false,
                initial: Amount::entered(b.initial),
                adjusted: Amount::entered(b.adjusted),
                executed: Amount::entered(b.executed),
                rate: rate(b.executed, b.adjusted),
                expected: Amount::entered(b.expected),
            })
            .collect();
        let b = &report.budget;
        let adjusted = sum(b.iter().map(|r| r.adjusted));
        let executed = sum(b.iter().map(|r| r.executed));
        lines.push(MonitoringBudgetLine {
            name: labels::TOTAL.to_string(),
            is_total: true,
            initial: computed(sum(b.iter().map(|r| r.initial))),
            adjusted: computed(adjusted),
            executed: computed(executed),
            // The domain's rate of the block (it ignores negative amounts, as its light does).
            rate: w
                .budget
                .rate
                .map(|r| Percent::new(r).display2())
                .unwrap_or_default(),
            expected: computed(sum(b.iter().map(|r| r.expected))),
        });
        let levels: Vec<(&str, &str)> = report
            .indicators
            .iter()
            .map(|r| (r.level1.as_str(), r.level2.as_str()))
            .collect();
        let rows = report
            .indicators
            .iter()
            .zip(&w.indicators)
            .zip(level_cells(&levels))
            .map(|((row, light), (level1, level2))| MonitoringLine {
                level1,
                level2,
                name: row.name.clone(),
                target: light.target.clone(),
                actual: row.actual.clone(),
                benchmark: light
                    .benchmark
                    .map(|d| format!("{}{}", round2(d).normalize(), unit(&row.target)))
                    .unwrap_or_default(),
                ratio: light
                    .ratio
                    .map(|r| Percent::new(r).display2())
                    .unwrap_or_default(),
                light: Light::of(light.colour),
                likelihood: row.likelihood.map(|l| l.label()).unwrap_or("").to_string(),
                expected: row.expected.clone(),
                reasons: reasons(row),
                remark: row.remark.clone(),
            })
            .collect();
        PrintedMonitoring {
            privacy,
            header: LifecycleHeader::new(
                labels::monitoring_title(h.fiscal_year.get(), h.month),
                (&h.fill_date, &h.amount_unit, &h.unit_name),
                (&h.filler, &h.phone),
                privacy,
            ),
            month: h.month,
            budget: MonitoringBudget {
                executed_label: labels::executed_to_month(h.month),
                lines,
                benchmark: Percent::new(w.budget.benchmark).display2(),
                light: Light::of(w.budget.colour),
            },
            goal: report.goal.clone(),
            goal_light: Light::of(w.goals.first().and_then(|g| g.colour)),
            rows,
            analysis: report.analysis.clone(),
            suggestions: report.suggestions.clone(),
        }
    }
}

/// One row of a self-evaluation's budget block (a funding row, or 合计).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SelfEvalBudgetLine {
    /// The funding row's name (`财政拨款`, `合计`).
    pub name: String,
    /// Whether this is the 合计 row.
    pub is_total: bool,
    /// 年初预算数.
    pub initial: Amount,
    /// 全年预算数 (A).
    pub full_year: Amount,
    /// 全年执行数 (B).
    pub executed: Amount,
    /// 执行率 B/A, two decimals; empty when it cannot be known.
    pub rate: String,
}

/// The budget block of a self-evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SelfEvalBudget {
    /// The funding rows, then 合计 (always last).
    pub lines: Vec<SelfEvalBudgetLine>,
    /// 分值 of budget execution (`10.00`).
    pub weight: String,
    /// 得分 as computed, min(B/A, 1) × 分值; empty when nothing was executed.
    pub score: String,
    /// The unit's declared 得分 as printed (`填报 2.50※`), only where it differs from the
    /// computed one.
    pub declared: Option<String>,
}

/// One indicator row of a self-evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SelfEvalLine {
    /// The level-1 cell.
    pub level1: Option<Spanned>,
    /// The level-2 cell.
    pub level2: Option<Spanned>,
    /// 三级指标.
    pub name: String,
    /// 年度指标值.
    pub target: String,
    /// 实际完成值, as entered.
    pub actual: String,
    /// 分值 (`2.31`).
    pub weight: String,
    /// 得分 as computed; empty when the value or the weight cannot be read.
    pub score: String,
    /// The unit's declared 得分 as printed (`填报 2.50※`), only where it differs from the
    /// computed one.
    pub declared: Option<String>,
    /// 偏差原因分析及改进措施.
    pub analysis: String,
}

/// The whole printed self-evaluation (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedSelfEvaluation {
    /// Which copy this is.
    pub privacy: Privacy,
    /// Title and header.
    pub header: LifecycleHeader,
    /// 预算执行情况.
    pub budget: SelfEvalBudget,
    /// 年度总体目标: 预期目标.
    pub goal_expected: String,
    /// 年度总体目标: 实际完成情况.
    pub goal_actual: String,
    /// The indicator rows, in stored order.
    pub rows: Vec<SelfEvalLine>,
    /// 指标分值合计 (the rows' weights; `90.00` when the weights are right).
    pub weight_total: String,
    /// 总分 as computed (indicator scores plus the budget score).
    pub total: String,
    /// The unit's declared 总分 as printed (`填报 95.00※`), only where it differs.
    pub declared_total: Option<String>,
    /// 评价等级 of the computed total (`优`).
    pub grade: &'static str,
    /// [`DIFFERS_NOTE`] when any declared score is printed, for under the indicator table.
    pub differs_note: Option<&'static str>,
    /// 偏差原因、改进措施及结果应用.
    pub analysis: String,
}

impl PrintedSelfEvaluation {
    /// Lays out `eval` with its scores under `rules`.
    pub fn new(eval: &SelfEvaluation, rules: &LifecycleRules, privacy: Privacy) -> Self {
        let s = score(eval, rules);
        let h = &eval.header;
        let b = &eval.budget;
        let mut lines: Vec<SelfEvalBudgetLine> = b
            .iter()
            .map(|r| SelfEvalBudgetLine {
                name: r.name.clone(),
                is_total: false,
                initial: Amount::entered(r.initial),
                full_year: Amount::entered(r.full_year),
                executed: Amount::entered(r.executed),
                rate: rate(r.executed, r.full_year),
            })
            .collect();
        lines.push(SelfEvalBudgetLine {
            name: labels::TOTAL.to_string(),
            is_total: true,
            initial: computed(sum(b.iter().map(|r| r.initial))),
            full_year: computed(sum(b.iter().map(|r| r.full_year))),
            executed: computed(sum(b.iter().map(|r| r.executed))),
            rate: s
                .budget
                .rate
                .map(|r| Percent::new(r).display2())
                .unwrap_or_default(),
        });
        let levels: Vec<(&str, &str)> = eval
            .indicators
            .iter()
            .map(|r| (r.level1.as_str(), r.level2.as_str()))
            .collect();
        let rows: Vec<SelfEvalLine> = eval
            .indicators
            .iter()
            .zip(&s.indicators)
            .zip(level_cells(&levels))
            .map(|((row, sc), (level1, level2))| SelfEvalLine {
                level1,
                level2,
                name: row.name.clone(),
                target: sc.target.clone(),
                actual: row.actual.clone(),
                weight: sc.weight.map(dec2).unwrap_or_default(),
                score: sc.score.map(dec2).unwrap_or_default(),
                declared: differing(sc.declared_score, sc.score),
                analysis: row.analysis.clone(),
            })
            .collect();
        let budget = SelfEvalBudget {
            lines,
            weight: dec2(s.budget.weight),
            score: s.budget.score.map(dec2).unwrap_or_default(),
            declared: differing(eval.budget_declared_score, s.budget.score),
        };
        let declared_total = differing(s.declared_total, Some(s.total));
        let differs_note = (declared_total.is_some()
            || budget.declared.is_some()
            || rows.iter().any(|r| r.declared.is_some()))
        .then_some(DIFFERS_NOTE);
        PrintedSelfEvaluation {
            privacy,
            header: LifecycleHeader::new(
                labels::self_evaluation_title(h.fiscal_year.get()),
                (&h.fill_date, &h.amount_unit, &h.unit_name),
                (&h.filler, &h.phone),
                privacy,
            ),
            budget,
            goal_expected: eval.goal.expected.clone(),
            goal_actual: eval.goal.actual.clone(),
            weight_total: dec2(eval.indicators.iter().filter_map(|r| r.weight).sum()),
            rows,
            total: dec2(s.total),
            declared_total,
            grade: s.grade.label(),
            differs_note,
            analysis: eval.analysis.clone(),
        }
    }
}

/// A declared score as printed (`填报 2.50※`), when it is there and not the computed one.
fn differing(declared: Option<Decimal>, computed: Option<Decimal>) -> Option<String> {
    declared
        .filter(|d| Some(*d) != computed)
        .map(|d| format!("填报 {}{DIFFERS_MARK}", dec2(d)))
}

/// Rounded half away from zero to two decimals, the way finance offices round.
fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Two decimals, as scores are printed (`2.31`, `90.00`).
fn dec2(d: Decimal) -> String {
    format!("{:.2}", round2(d))
}

/// The exact sum of the amounts entered; `None` when none was.
fn sum(amounts: impl Iterator<Item = Option<Money>>) -> Option<Money> {
    amounts
        .flatten()
        .try_fold(None::<Money>, |acc, m| match acc {
            None => Some(Some(m)),
            Some(a) => a.checked_add(m).map(Some),
        })
        .flatten()
}

fn computed(value: Option<Money>) -> Amount {
    Amount {
        value,
        text: value.map(Money::display_min2).unwrap_or_default(),
        source: Source::Computed,
    }
}

/// 执行率 of one row, two decimals; empty without both amounts or with a zero budget.
fn rate(executed: Option<Money>, budget: Option<Money>) -> String {
    executed
        .zip(budget)
        .and_then(|(e, b)| e.share_of(b))
        .map(Percent::display2)
        .unwrap_or_default()
}

fn unit(target: &Option<TargetValue>) -> &str {
    match target {
        Some(TargetValue::Quantity { unit, .. }) => unit,
        _ => "",
    }
}

fn reasons(row: &MonitoringRow) -> String {
    let chosen: Vec<&str> = row.reasons.iter().map(|r| r.label()).collect();
    let chosen = chosen.join("、");
    let text = row.reason_text.trim();
    match (chosen.is_empty(), text.is_empty()) {
        (_, true) => chosen,
        (true, false) => text.to_string(),
        (false, false) => format!("{chosen}：{text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixiao_domain::Form;

    fn seed() -> Form {
        serde_json::from_str(include_str!("../../../../fixtures/seed/seed.form.json")).unwrap()
    }

    #[test]
    fn monitoring_lights_come_from_warn_and_spans_cover_every_row() {
        let rules = LifecycleRules::default();
        let mut m = MonitoringReport::from_declaration(&seed(), 6);
        for b in &mut m.budget {
            b.executed = b.adjusted.map(|a| {
                Money::new(a.value() * Decimal::new(45, 2).round_dp(2)).unwrap_or(Money::ZERO)
            });
        }
        m.indicators[0].actual = "0".into();
        m.indicators[1].actual = "100%".into();
        m.indicators[0].reason_text = "经费未到位".into();
        let p = PrintedMonitoring::new(&m, &rules, Privacy::Public);
        assert_eq!(p.header.title, "2026年度部门整体绩效运行监控表（1-6月）");
        assert!(p.header.contact.is_none());
        assert_eq!(p.budget.executed_label, "1-6月执行数");
        assert_eq!(p.budget.benchmark, "50.00%");
        assert_eq!(p.budget.lines.last().unwrap().rate, "45.00%");
        assert_eq!(p.budget.light.unwrap().label, "绿灯");
        assert_eq!(p.rows[0].light.unwrap().label, "红灯");
        assert_eq!(p.rows[0].reasons, "经费未到位");
        assert_eq!(p.goal_light.unwrap().colour, "red");
        let l1: usize = p
            .rows
            .iter()
            .filter_map(|r| r.level1.as_ref())
            .map(|s| s.span)
            .sum();
        let l2: usize = p
            .rows
            .iter()
            .filter_map(|r| r.level2.as_ref())
            .map(|s| s.span)
            .sum();
        assert_eq!((l1, l2), (p.rows.len(), p.rows.len()));
        assert!(p.rows.iter().skip(2).all(|r| r.light.is_none()));
        let p = PrintedMonitoring::new(&m, &rules, Privacy::Private);
        assert_eq!(p.header.contact.unwrap().phone, "15172093138");
    }

    #[test]
    fn self_evaluation_prints_computed_scores_and_marks_declared_differences() {
        let rules = LifecycleRules::default();
        let mut e = SelfEvaluation::from_declaration(&seed(), &rules);
        for b in &mut e.budget {
            b.executed = b.full_year;
        }
        for r in &mut e.indicators {
            r.actual = "达成".into();
            if let Some(TargetValue::Quantity { number, unit, .. }) = &r.target {
                r.actual = format!("{number}{unit}");
            }
        }
        e.indicators[0].declared_score = Some(Decimal::ONE);
        e.declared_total = Some(Decimal::from(100));
        let p = PrintedSelfEvaluation::new(&e, &rules, Privacy::Public);
        assert_eq!(p.header.title, "2026年度部门整体绩效自评表");
        assert_eq!(p.budget.score, "10.00");
        assert_eq!(p.weight_total, "90.00");
        assert_eq!(p.total, "100.00");
        assert_eq!(p.grade, "优");
        assert_eq!(p.rows[0].declared.as_deref(), Some("填报 1.00※"));
        assert!(p.rows[1].declared.is_none());
        assert!(p.declared_total.is_none(), "100 declared, 100 computed");
        assert_eq!(p.differs_note, Some(DIFFERS_NOTE));
    }

    #[test]
    fn empty_documents_lay_out() {
        let rules = LifecycleRules::default();
        let mut m = MonitoringReport::from_declaration(&seed(), 6);
        m.budget.clear();
        m.indicators.clear();
        let p = PrintedMonitoring::new(&m, &rules, Privacy::Public);
        assert_eq!(p.budget.lines.len(), 1);
        assert_eq!(p.budget.lines[0].adjusted.text, "");
        assert!(p.rows.is_empty() && p.goal_light.is_none());
        let mut e = SelfEvaluation::from_declaration(&seed(), &rules);
        e.budget.clear();
        e.indicators.clear();
        let p = PrintedSelfEvaluation::new(&e, &rules, Privacy::Public);
        assert_eq!(p.total, "0.00");
        assert_eq!(p.grade, "差");
    }
}
