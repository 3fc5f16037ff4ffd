//! The canonical form (部门整体绩效目标申报表): every field of the published form, in the order of
//! the official layout. This is also the canonical JSON format (see `docs/form.schema.json`).
//!
//! Derived values (totals, shares) are stored as *entered*, because published forms carry them;
//! the validator recomputes them and reports any disagreement.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::money::{Money, Percent};
use crate::target::TargetValue;

/// A fiscal (budget) year such as 2026.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(try_from = "i64", into = "i64")]
#[schemars(with = "u16")]
pub struct FiscalYear(u16);

impl FiscalYear {
    /// The earliest year jixiao accepts.
    pub const MIN: u16 = 1990;
    /// The latest year jixiao accepts.
    pub const MAX: u16 = 2200;

    /// A year within [`Self::MIN`]..=[`Self::MAX`].
    pub fn new(year: i64) -> Result<Self, String> {
        if (Self::MIN as i64..=Self::MAX as i64).contains(&year) {
            Ok(FiscalYear(year as u16))
        } else {
            Err(format!("年度 {year} 不在 {}–{} 之间", Self::MIN, Self::MAX))
        }
    }

    /// The year as a number.
    pub fn get(self) -> u16 {
        self.0
    }

    /// The year `n` years earlier (saturating at [`Self::MIN`]).
    pub fn minus(self, n: u16) -> FiscalYear {
        FiscalYear(self.0.saturating_sub(n).max(Self::MIN))
    }

    /// The next year (saturating at [`Self::MAX`]).
    pub fn next(self) -> FiscalYear {
        FiscalYear((self.0 + 1).min(Self::MAX))
    }
}

impl TryFrom<i64> for FiscalYear {
    type Error = String;
    fn try_from(v: i64) -> Result<Self, String> {
        FiscalYear::new(v)
    }
}

impl From<FiscalYear> for i64 {
    fn from(y: FiscalYear) -> i64 {
        y.0 as i64
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A calendar date (填报日期), written `YYYY-MM-DD` in JSON.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(try_from = "String", into = "String")]
#[schemars(with = "String", description = "YYYY-MM-DD")]
pub struct Date {
    /// Year.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day, 1–31 (checked against the month).
    pub day: u8,
}

impl Date {
    /// A valid Gregorian date.
    pub fn new(year: i64, month: i64, day: i64) -> Result<Date, String> {
        let bad = || format!("日期 {year}-{month}-{day} 无效");
        if !(1900..=2200).contains(&year) || !(1..=12).contains(&month) {
            return Err(bad());
        }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        if !(1..=days).contains(&day) {
            return Err(bad());
        }
        Ok(Date {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        })
    }

    /// Chinese form as printed on the form: `2025 年 11 月 17 日`.
    pub fn chinese(self) -> String {
        format!("{} 年 {} 月 {} 日", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = String;

    /// Reads `2025-11-17`, `2025/11/17`, `2025.11.17` and `2025 年 11 月 17 日`.
    fn from_str(s: &str) -> Result<Self, String> {
        let parts: Vec<i64> = s
            .split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .map(|p| p.parse::<i64>().unwrap_or(-1))
            .collect();
        match parts.as_slice() {
            [y, m, d] => Date::new(*y, *m, *d),
            _ => Err(format!("「{}」不是日期（应为 YYYY-MM-DD）", s.trim())),
        }
    }
}

impl TryFrom<String> for Date {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_string()
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The whole declaration form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// The template the form follows (its id and version).
    pub template: TemplateRef,
    /// Header: year, date, unit, filler, phone.
    pub header: Header,
    /// 部门总体资金情况.
    pub funding: Funding,
    /// 部门职能概述: numbered paragraphs, stored without their numbers and without markup.
    #[serde(default)]
    pub functions: Vec<String>,
    /// 年度工作任务: numbered paragraphs.
    #[serde(default)]
    pub annual_tasks: Vec<String>,
    /// 项目支出情况.
    #[serde(default)]
    pub projects: Vec<Project>,
    /// 整体绩效总目标.
    pub goals: Goals,
    /// The long-term and annual indicator tables.
    pub indicators: Indicators,
}

/// Which template (and which version of it) a form follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateRef {
    /// Template id, e.g. `hubei-dept-2026`.
    pub id: String,
    /// Template version the form was made with.
    pub version: u32,
}

/// The header lines of the form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// 预算年度: the budget year the form declares targets for.
    pub fiscal_year: FiscalYear,
    /// 填报日期.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_date: Option<Date>,
    /// 部门（单位）名称.
    pub unit_name: String,
    /// 填报人 (personal data: left out of public copies).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filler: Option<String>,
    /// 联系电话 (personal data: masked or left out outside the unit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// 单位 (the unit of amounts), normally `万元`.
    #[serde(default = "default_amount_unit")]
    pub amount_unit: String,
}

fn default_amount_unit() -> String {
    "万元".to_string()
}

/// 部门总体资金情况: the income and the expenditure blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Funding {
    /// The year printed over the 上年 column (budget year − 1, e.g. 2025).
    pub last_year: FiscalYear,
    /// The year printed over the 前年 column (budget year − 2, e.g. 2024).
    pub year_before: FiscalYear,
    /// 收入构成.
    pub income: FundingBlock,
    /// 支出构成.
    pub expenditure: FundingBlock,
}

/// One block (收入构成 or 支出构成): its rows, then its 合计 row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FundingBlock {
    /// The template's fixed rows, in template order.
    pub rows: Vec<FundingRow>,
    /// The 合计 row as entered.
    pub total: FundingAmounts,
}

/// A fixed funding row (e.g. 财政拨款).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FundingRow {
    /// The template's key for the row (`fiscal_appropriation`).
    pub key: String,
    /// The printed name (`财政拨款`).
    pub name: String,
    /// The row's amounts.
    #[serde(flatten)]
    pub amounts: FundingAmounts,
}

/// The amounts of one funding row: this year, its share, and the two previous years.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FundingAmounts {
    /// 当年金额.
    #[serde(default)]
    pub current: Option<Money>,
    /// 占比 as entered (derived: amount / block total).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<Percent>,
    /// 近两年收支金额, 上年 column.
    #[serde(default)]
    pub last_year: Option<Money>,
    /// 近两年收支金额, 前年 column.
    #[serde(default)]
    pub year_before: Option<Money>,
}

/// A row of 项目支出情况.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Project {
    /// 项目名称.
    pub name: String,
    /// 支出项目类别 (人员类 / 运转类 / 特定目标类, from the template's dictionary).
    pub category: String,
    /// 项目总预算.
    #[serde(default)]
    pub total_budget: Option<Money>,
    /// 项目本年度预算.
    #[serde(default)]
    pub current_budget: Option<Money>,
    /// 项目主要支出方向和用途.
    #[serde(default)]
    pub purpose: String,
}

/// 整体绩效总目标.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Goals {
    /// 长期目标.
    pub long_term: LongTermGoals,
    /// 年度目标: 目标1…n, stored without the `目标 n：` prefix.
    #[serde(default)]
    pub annual: Vec<String>,
}

/// 长期目标（截止 YYYY 年）.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LongTermGoals {
    /// The deadline year (截止 YYYY 年).
    #[serde(default)]
    pub deadline_year: Option<FiscalYear>,
    /// 目标1…n, stored without the `目标 n：` prefix.
    #[serde(default)]
    pub items: Vec<String>,
}

/// The two indicator tables.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicators {
    /// 长期目标 + 长期绩效指标.
    pub long_term: IndicatorTable,
    /// 年度目标 + 年度绩效指标 (with the 前年 / 上年 value columns).
    pub annual: IndicatorTable,
}

/// Which of the two tables; used in locations and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TableKind {
    /// 长期绩效指标.
    LongTerm,
    /// 年度绩效指标.
    Annual,
}

impl TableKind {
    /// The JSON key (`long_term`, `annual`).
    pub fn key(self) -> &'static str {
        match self {
            TableKind::LongTerm => "long_term",
            TableKind::Annual => "annual",
        }
    }

    /// The Chinese name (`长期绩效指标`).
    pub fn label(self) -> &'static str {
        match self {
            TableKind::LongTerm => "长期绩效指标",
            TableKind::Annual => "年度绩效指标",
        }
    }
}

impl Indicators {
    /// Both tables with their kind.
    pub fn tables(&self) -> [(TableKind, &IndicatorTable); 2] {
        [
            (TableKind::LongTerm, &self.long_term),
            (TableKind::Annual, &self.annual),
        ]
    }
}

/// A goal text and its three-level indicator rows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorTable {
    /// The goal paragraph printed above the table (长期目标 / 年度目标).
    #[serde(default)]
    pub goal: String,
    /// Level-3 rows, each naming its level-1 and level-2 node, in display order.
    #[serde(default)]
    pub rows: Vec<Indicator>,
}

/// A level-3 indicator row (三级指标) with its place in the tree.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// 一级指标 (from the template frame).
    pub level1: String,
    /// 二级指标 (from the template frame; numbered nodes such as `核心业务产出1`).
    pub level2: String,
    /// 三级指标: the indicator's name.
    pub name: String,
    /// 指标值 (long-term table) or 预期当年实现值 (annual table).
    #[serde(default)]
    pub target: Option<TargetValue>,
    /// 前年 value (annual table only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year_before: Option<TargetValue>,
    /// 上年 value (annual table only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_year: Option<TargetValue>,
    /// 指标值确定依据 (计划标准, 历史标准, 行业标准, 预算支出标准, 其他标准).
    #[serde(default)]
    pub basis: Option<String>,
    /// 指标分类 (基本型 / 创新型).
    #[serde(default)]
    pub class: Option<String>,
    /// 指标内容 / 指标解释: how the value is computed or judged (not printed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// 评（扣）分标准 (not printed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring_rule: Option<String>,
    /// 计量单位 (not printed; the target's unit is the usual source).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_of_measure: Option<String>,
    /// 权重, used at self-evaluation (not printed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub weight: Option<Decimal>,
    /// 备注 (not printed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
}
