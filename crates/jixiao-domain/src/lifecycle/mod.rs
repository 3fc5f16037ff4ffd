//! After approval: the monitoring report (绩效运行监控表) and the self-evaluation (绩效自评表),
//! the two documents a unit files against its approved declaration (DOMAIN.md §4 and §4a).
//!
//! Both are made from an approved declaration ([`monitoring::MonitoringReport::from_declaration`],
//! [`selfeval::SelfEvaluation::from_declaration`]): they copy the annual targets they are measured
//! against and keep a reference to that declaration. Their rules — warning bands, which indicators
//! are time-proportioned, which colours need a reason, default weights, grade bands — are template
//! data ([`LifecycleRules`] in [`crate::Template`]), because provinces differ.
//!
//! Findings use the validator's [`Finding`] (code, severity, JSON Pointer, Chinese message) with
//! codes of their own ([`RULES`]: `M…` for monitoring, `S…` for self-evaluation).

pub mod actual;
pub mod monitoring;
pub mod selfeval;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::form::{FiscalYear, Form};
use crate::validate::{Finding, Severity};

pub use actual::{Actual, ActualError};

/// A warning colour (预警等级).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    /// 蓝: far ahead of the time-proportioned benchmark (the target may be too low).
    Blue,
    /// 绿: on track.
    Green,
    /// 黄: behind; a reason is needed.
    Yellow,
    /// 红: well behind or not met.
    Red,
}

impl Colour {
    /// The JSON name (`red`).
    pub fn as_str(self) -> &'static str {
        match self {
            Colour::Blue => "blue",
            Colour::Green => "green",
            Colour::Yellow => "yellow",
            Colour::Red => "red",
        }
    }

    /// The Chinese name (`红灯`).
    pub fn label(self) -> &'static str {
        match self {
            Colour::Blue => "蓝灯",
            Colour::Green => "绿灯",
            Colour::Yellow => "黄灯",
            Colour::Red => "红灯",
        }
    }

    /// How bad the colour is, for "the worst colour of its indicators": red > yellow > green >
    /// blue.
    pub fn severity(self) -> u8 {
        match self {
            Colour::Blue => 0,
            Colour::Green => 1,
            Colour::Yellow => 2,
            Colour::Red => 3,
        }
    }

    /// The worst of several colours; `None` when there are none.
    pub fn worst(colours: impl IntoIterator<Item = Colour>) -> Option<Colour> {
        colours.into_iter().max_by_key(|c| c.severity())
    }
}

/// The monitoring and self-evaluation rules of a template. The defaults are the national
/// platform's (DOMAIN.md §4a).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct LifecycleRules {
    /// Ratio bands (in percent of the time-proportioned benchmark): below `red_below` red,
    /// below `yellow_below` yellow, below `blue_from` green, from it blue. National: 60/80/120.
    #[schemars(with = "String")]
    pub red_below: Decimal,
    /// See [`LifecycleRules::red_below`].
    #[schemars(with = "String")]
    pub yellow_below: Decimal,
    /// See [`LifecycleRules::red_below`].
    #[schemars(with = "String")]
    pub blue_from: Decimal,
    /// Level-1 or level-2 names whose indicators are time-proportioned (序时进度). Empty: every
    /// quantitative indicator is. An indicator not time-proportioned is green when it already
    /// meets its target, else red.
    pub time_proportioned: Vec<String>,
    /// The colours that make 偏差原因 required (national: red and yellow; some provinces red
    /// only).
    pub reason_required_for: Vec<Colour>,
    /// The usual cut-off month of a monitoring round (6 or 7).
    pub default_month: u8,
    /// Points of the indicators in a self-evaluation (90).
    #[schemars(with = "String")]
    pub indicator_points: Decimal,
    /// Points of budget execution (10).
    #[schemars(with = "String")]
    pub execution_weight: Decimal,
    /// Default weights per level-1 node, shared equally among its indicators; empty: the
    /// indicator points are shared equally among all indicators.
    pub default_weights: Vec<LevelWeight>,
    /// Grade bands of the total score: 优 from `excellent`, 良 from `good`, 中 from `fair`.
    pub grade_bands: GradeBandsDef,
}

/// A default weight of a level-1 node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelWeight {
    /// The level-1 name (`产出`).
    pub level1: String,
    /// Its points (50).
    #[schemars(with = "String")]
    pub weight: Decimal,
}

/// Grade bands as template data.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeBandsDef {
    /// 优 from this total.
    #[schemars(with = "String")]
    pub excellent: Decimal,
    /// 良 from this total.
    #[schemars(with = "String")]
    pub good: Decimal,
    /// 中 from this total; below is 差.
    #[schemars(with = "String")]
    pub fair: Decimal,
}

impl GradeBandsDef {
    /// The bands as the scoring functions take them.
    pub fn bands(self) -> crate::compute::GradeBands {
        crate::compute::GradeBands {
            excellent: self.excellent,
            good: self.good,
            fair: self.fair,
        }
    }
}

impl Default for LifecycleRules {
    fn default() -> Self {
        let m = crate::compute::GradeBands::MINISTRY;
        LifecycleRules {
            red_below: Decimal::from(60),
            yellow_below: Decimal::from(80),
            blue_from: Decimal::from(120),
            time_proportioned: Vec::new(),
            reason_required_for: vec![Colour::Red, Colour::Yellow],
            default_month: 6,
            indicator_points: Decimal::from(90),
            execution_weight: Decimal::from(10),
            default_weights: Vec::new(),
            grade_bands: GradeBandsDef {
                excellent: m.excellent,
                good: m.good,
                fair: m.fair,
            },
        }
    }
}

impl LifecycleRules {
    /// The colour of a ratio (in percent of the benchmark); `blue` false for budget execution,
    /// which has no blue.
    pub fn band(&self, ratio: Decimal, blue: bool) -> Colour {
        if ratio < self.red_below {
            Colour::Red
        } else if ratio < self.yellow_below {
            Colour::Yellow
        } else if blue && ratio >= self.blue_from {
            Colour::Blue
        } else {
            Colour::Green
        }
    }

    /// True when indicators under these level-1 / level-2 names are time-proportioned.
    pub fn is_time_proportioned(&self, level1: &str, level2: &str) -> bool {
        self.time_proportioned.is_empty()
            || self
                .time_proportioned
                .iter()
                .any(|n| n == level1 || level2.starts_with(n.as_str()))
    }

    /// True when a row of this colour needs a 偏差原因.
    pub fn needs_reason(&self, colour: Colour) -> bool {
        self.reason_required_for.contains(&colour)
    }
}

/// The declaration a later document is measured against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclarationRef {
    /// The declaration's unit.
    pub unit_name: String,
    /// Its budget year.
    pub fiscal_year: FiscalYear,
    /// The stored version it was made from, when it came from the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
}

impl DeclarationRef {
    /// The reference to a declaration (without a stored version).
    pub fn of(form: &Form) -> Self {
        DeclarationRef {
            unit_name: form.header.unit_name.clone(),
            fiscal_year: form.header.fiscal_year,
            version: None,
        }
    }
}

/// One rule of monitoring or self-evaluation, for the catalogue in `docs/lifecycle.md`.
#[derive(Debug, Clone, Copy)]
pub struct LifecycleRule {
    /// Stable code (`M003`).
    pub code: &'static str,
    /// Severity of its findings.
    pub severity: Severity,
    /// Chinese title.
    pub title: &'static str,
}

/// The rules of monitoring (`M…`) and self-evaluation (`S…`).
pub const RULES: &[LifecycleRule] = &[
    LifecycleRule {
        code: "M001",
        severity: Severity::Error,
        title: "截止月份应在 1–12 之间",
    },
    LifecycleRule {
        code: "M002",
        severity: Severity::Error,
        title: "金额不能为负数",
    },
    LifecycleRule {
        code: "M003",
        severity: Severity::Warning,
        title: "执行数超过预算数",
    },
    LifecycleRule {
        code: "M004",
        severity: Severity::Error,
        title: "当前完成值必填",
    },
    LifecycleRule {
        code: "M005",
        severity: Severity::Error,
        title: "完成值无法识别或单位与指标值不符",
    },
    LifecycleRule {
        code: "M006",
        severity: Severity::Error,
        title: "红灯、黄灯指标须填写偏差原因",
    },
    LifecycleRule {
        code: "M007",
        severity: Severity::Error,
        title: "完成可能性不是“确定能”时须填写原因分析",
    },
    LifecycleRule {
        code: "M008",
        severity: Severity::Info,
        title: "完成值未写单位，按指标值的单位理解",
    },
    LifecycleRule {
        code: "S001",
        severity: Severity::Error,
        title: "金额不能为负数",
    },
    LifecycleRule {
        code: "S002",
        severity: Severity::Warning,
        title: "全年执行数超过全年预算数",
    },
    LifecycleRule {
        code: "S003",
        severity: Severity::Error,
        title: "实际完成值必填",
    },
    LifecycleRule {
        code: "S004",
        severity: Severity::Error,
        title: "实际完成值无法识别或单位与指标值不符",
    },
    LifecycleRule {
        code: "S005",
        severity: Severity::Error,
        title: "指标分值之和应等于指标总分",
    },
    LifecycleRule {
        code: "S006",
        severity: Severity::Warning,
        title: "填报得分与计算得分不一致",
    },
    LifecycleRule {
        code: "S007",
        severity: Severity::Warning,
        title: "实际完成值达到指标值的 1.2 倍以上，请复核指标值",
    },
    LifecycleRule {
        code: "S008",
        severity: Severity::Error,
        title: "分值不能为负数或缺失",
    },
    LifecycleRule {
        code: "S009",
        severity: Severity::Warning,
        title: "未达成目标须填写偏差原因分析及改进措施",
    },
    LifecycleRule {
        code: "S010",
        severity: Severity::Warning,
        title: "填报总分与计算总分不一致",
    },
    LifecycleRule {
        code: "S011",
        severity: Severity::Info,
        title: "实际完成值未写单位，按指标值的单位理解",
    },
    LifecycleRule {
        code: "S012",
        severity: Severity::Error,
        title: "定性指标的得分不在其完成程度对应的区间内",
    },
];

/// A finding of a lifecycle rule.
pub(crate) fn finding(code: &str, path: String, message: String) -> Finding {
    let severity = RULES
        .iter()
        .find(|r| r.code == code)
        .map_or(Severity::Error, |r| r.severity);
    Finding {
        code: code.to_string(),
        severity,
        path,
        message,
    }
}

/// The catalogue as Markdown (the table in `docs/lifecycle.md`).
pub fn rules_markdown() -> String {
    let mut s = String::from("| code | severity | rule |\n|---|---|---|\n");
    for r in RULES {
        s.push_str(&format!(
            "| {} | {} | {} |\n",
            r.code,
            r.severity.label(),
            r.title
        ));
    }
    s
}

/// One budget row as both documents check it: its amounts (JSON field, Chinese label, value),
/// and which of them are the budget and the executed amount.
pub(crate) struct BudgetRowCheck<'a> {
    pub name: &'a str,
    pub amounts: &'a [(&'static str, &'static str, Option<crate::Money>)],
    pub budget: usize,
    pub executed: usize,
}

/// Sums of a budget block: the budget, the executed amount, and whether any execution was
/// entered. Negative amounts (finding `negative`) count as zero; an executed amount above its
/// budget is finding `over`.
pub(crate) fn check_budget<'a>(
    rows: impl IntoIterator<Item = BudgetRowCheck<'a>>,
    (negative, over): (&str, &str),
    findings: &mut Vec<Finding>,
) -> (Decimal, Decimal, bool) {
    let (mut budget, mut executed, mut any) = (Decimal::ZERO, Decimal::ZERO, false);
    for (i, row) in rows.into_iter().enumerate() {
        for (field, label, value) in row.amounts {
            if let Some(v) = value
                && v.is_negative()
            {
                findings.push(finding(
                    negative,
                    format!("/budget/{i}/{field}"),
                    format!("{}的{label}为 {v}，不能为负数", row.name),
                ));
            }
        }
        let (_, b_label, b) = row.amounts[row.budget];
        let (e_field, e_label, e) = row.amounts[row.executed];
        if let (Some(b), Some(e)) = (b, e)
            && e.value() > b.value()
        {
            findings.push(finding(
                over,
                format!("/budget/{i}/{e_field}"),
                format!("{}的{e_label} {e} 超过{b_label} {b}", row.name),
            ));
        }
        budget += b.map_or(Decimal::ZERO, |m| m.value().max(Decimal::ZERO));
        if let Some(e) = e {
            any = true;
            executed += e.value().max(Decimal::ZERO);
        }
    }
    (budget, executed, any)
}

/// Writes a decimal for JSON and text: trailing zeros removed (`48.3`, `100`).
pub fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Serialises decimals as decimal strings (`"48.3"`), the JSON contract of `warn` and `score`.
pub(crate) mod decimal_text {
    use rust_decimal::Decimal;
    use serde::Serializer;

    /// A decimal as a string.
    pub fn one<S: Serializer>(v: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::dec(*v))
    }

    /// An optional decimal as a string or `null`.
    pub fn opt<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_str(&super::dec(*d)),
            None => s.serialize_none(),
        }
    }
}

/// Percent of `part` in `whole`, to two decimals; `None` when `whole` is zero.
pub(crate) fn percent(part: Decimal, whole: Decimal) -> Option<Decimal> {
    if whole.is_zero() {
        return None;
    }
    part.checked_mul(Decimal::ONE_HUNDRED)?
        .checked_div(whole)
        .map(|p| p.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_have_exact_edges() {
        let r = LifecycleRules::default();
        let c = |s: &str, blue| r.band(s.parse().unwrap(), blue);
        assert_eq!(c("59.99", true), Colour::Red);
        assert_eq!(c("60", true), Colour::Yellow);
        assert_eq!(c("79.99", true), Colour::Yellow);
        assert_eq!(c("80", true), Colour::Green);
        assert_eq!(c("119.99", true), Colour::Green);
        assert_eq!(c("120", true), Colour::Blue);
        assert_eq!(c("120", false), Colour::Green);
    }

    #[test]
    fn worst_colour() {
        assert_eq!(
            Colour::worst([Colour::Blue, Colour::Yellow, Colour::Green]),
            Some(Colour::Yellow)
        );
        assert_eq!(Colour::worst([]), None);
    }

    #[test]
    fn every_code_is_unique() {
        let mut codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), RULES.len());
    }
}
