//! The printed form's fixed Chinese labels, named once for every renderer (and for the XLSX
//! reader, which finds sections by these labels).

/// Title when the form's template is not known.
pub const DEFAULT_TITLE: &str = "部门整体绩效目标申报表";
/// 部门（单位）名称.
pub const UNIT_NAME: &str = "部门（单位）名称";
/// 填报人.
pub const FILLER: &str = "填报人";
/// 联系电话.
pub const PHONE: &str = "联系电话";
/// The label before the fill date.
pub const FILL_DATE: &str = "填报日期：";
/// The prefix of the amount unit (`单位：万元`).
pub const AMOUNT_UNIT: &str = "单位：";
/// Section: funding.
pub const FUNDING: &str = "部门总体资金情况";
/// Header over the funding rows' names.
pub const FUNDING_HEAD: &str = "总体资金情况";
/// Header of the current amounts.
pub const CURRENT: &str = "当年金额";
/// Header of the shares.
pub const SHARE: &str = "占比";
/// Header over the two previous years' amounts.
pub const HISTORY_AMOUNTS: &str = "近两年收支金额";
/// Funding block: income.
pub const INCOME: &str = "收入构成";
/// Funding block: expenditure.
pub const EXPENDITURE: &str = "支出构成";
/// The total row of a funding block.
pub const TOTAL: &str = "合计";
/// Section: functions.
pub const FUNCTIONS: &str = "部门职能概述";
/// Section: annual tasks.
pub const TASKS: &str = "年度工作任务";
/// Section: projects.
pub const PROJECTS: &str = "项目支出情况";
/// Project column headers, in printed order.
pub const PROJECT_COLUMNS: [&str; 5] = [
    "项目名称",
    "支出项目类别",
    "项目总预算",
    "项目本年度预算",
    "项目主要支出方向和用途",
];
/// Section: overall goals.
pub const GOALS: &str = "整体绩效总目标";
/// The long-term goal label (followed by the deadline).
pub const LONG_TERM_GOAL: &str = "长期目标";
/// The annual goal label.
pub const ANNUAL_GOAL: &str = "年度目标";
/// Section: long-term indicators.
pub const LONG_TERM_TABLE: &str = "长期绩效指标";
/// Section: annual indicators.
pub const ANNUAL_TABLE: &str = "年度绩效指标";
/// Indicator column: level 1 (also marks an indicator table's header in a workbook).
pub const LEVEL1: &str = "一级指标";
/// Indicator column: level 2.
pub const LEVEL2: &str = "二级指标";
/// Indicator column: level 3.
pub const LEVEL3: &str = "三级指标";
/// Indicator column: the target value.
pub const TARGET: &str = "指标值";
/// Header over the two previous years' values (annual table).
pub const HISTORY_VALUES: &str = "近两年指标值";
/// The annual table's target column.
pub const EXPECTED: &str = "预期当年实现值";
/// The 前年 column.
pub const YEAR_BEFORE: &str = "前年";
/// The 上年 column.
pub const LAST_YEAR: &str = "上年";
/// Indicator column: basis.
pub const BASIS: &str = "指标值确定依据";
/// Indicator column: class.
pub const CLASS: &str = "指标分类";

/// `长期目标（截止 2026 年）`, or `长期目标` when the form gives no deadline year.
pub fn long_term_label(deadline: Option<u16>) -> String {
    match deadline {
        Some(y) => format!("{LONG_TERM_GOAL}（截止 {y} 年）"),
        None => LONG_TERM_GOAL.to_string(),
    }
}

/// The header of a previous year's column (`2025 年`).
pub fn year_label(year: u16) -> String {
    format!("{year} 年")
}

/// The title of a monitoring report (`2026年度部门整体绩效运行监控表（1-6月）`), on the workbook
/// and on every printed copy.
pub fn monitoring_title(fiscal_year: u16, month: u8) -> String {
    format!("{fiscal_year}年度部门整体绩效运行监控表（1-{month}月）")
}

/// The title of a self-evaluation (`2026年度部门整体绩效自评表`).
pub fn self_evaluation_title(fiscal_year: u16) -> String {
    format!("{fiscal_year}年度部门整体绩效自评表")
}

/// The header of a monitoring report's executed amounts (`1-6月执行数`), also read back from
/// workbooks.
pub fn executed_to_month(month: u8) -> String {
    format!("1-{month}月执行数")
}
