//! Templates as data: a template fixes a form's funding rows, its level-1/level-2 indicator frame,
//! its dictionaries, its required columns and the parameters of its rules. Templates are JSON
//! files under `templates/`; the built-in ones are embedded at compile time, and more can be
//! loaded from files at run time.

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A form template, versioned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Stable id (`hubei-dept-2026`).
    pub id: String,
    /// Version of this id; forms record the version they were made with.
    pub version: u32,
    /// Chinese title (`部门整体绩效目标申报表`).
    pub title: String,
    /// Chinese description: where and when it applies.
    pub description: String,
    /// Unit of amounts (`万元`).
    pub amount_unit: String,
    /// The fixed funding rows.
    pub funding: FundingFrame,
    /// 支出项目类别 and which expenditure row each feeds.
    pub project_categories: Vec<ProjectCategory>,
    /// The level-1 / level-2 indicator frame.
    pub indicator_frame: Vec<Level1>,
    /// Closed lists of values.
    pub dictionaries: Dictionaries,
    /// Level-3 columns that must be filled: any of `target`, `basis`, `class`, `history`,
    /// `definition`, `scoring_rule`, `weight`.
    pub required_columns: Vec<String>,
    /// Whether the annual table has the 前年 / 上年 value columns.
    pub annual_history_columns: bool,
    /// Parameters of the validation rules.
    pub rules: RuleParams,
    /// Rules of monitoring and self-evaluation (warning bands, weights, grades); the national
    /// defaults when left out.
    #[serde(default)]
    pub lifecycle: crate::lifecycle::LifecycleRules,
    /// 共性指标: the level-3 rows every unit of the template's region declares (运行成本 and
    /// 管理效率 in Hubei), with their usual targets. A blank form starts from them in both
    /// indicator tables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub common_indicators: Vec<crate::form::Indicator>,
}

/// The fixed rows of 收入构成 and 支出构成.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FundingFrame {
    /// 收入构成 rows, in order (the 合计 row is implicit).
    pub income: Vec<FundingRowDef>,
    /// 支出构成 rows, in order (the 合计 row is implicit).
    pub expenditure: Vec<FundingRowDef>,
}

/// One fixed funding row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FundingRowDef {
    /// Stable key used in the canonical form (`fiscal_appropriation`).
    pub key: String,
    /// Printed name (`财政拨款`).
    pub name: String,
    /// Other names met in published forms for the same row (for importers).
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// A 支出项目类别.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProjectCategory {
    /// Printed name (`特定目标类`).
    pub name: String,
    /// The expenditure row whose amount the category's projects should add up to, if any.
    #[serde(default)]
    pub expenditure_key: Option<String>,
}

/// A level-1 node (一级指标) and its level-2 children.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Level1 {
    /// Printed name (`运行成本`).
    pub name: String,
    /// True for cost indicators (the only ones for which 预算支出标准 is a fitting basis).
    #[serde(default)]
    pub cost: bool,
    /// The class usually used for its rows (`基本型`), if the template implies one.
    #[serde(default)]
    pub usual_class: Option<String>,
    /// Level-2 nodes (二级指标).
    pub children: Vec<Level2>,
}

/// A level-2 node (二级指标).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Level2 {
    /// Printed name (`公用经费控制`), or the stem of a numbered node (`核心业务产出`).
    pub name: String,
    /// A unit-defined, numbered node: `核心业务产出1`, `核心业务产出2`… all match it.
    #[serde(default)]
    pub numbered: bool,
    /// Whether at least one level-3 row is required under it.
    #[serde(default = "yes")]
    pub required: bool,
    /// True for cost indicators (as [`Level1::cost`], for frames where cost is a level-2 node).
    #[serde(default)]
    pub cost: bool,
}

fn yes() -> bool {
    true
}

impl Level2 {
    /// True when a form's level-2 text names this node (numbered nodes accept a number suffix).
    pub fn matches(&self, level2: &str) -> bool {
        if self.numbered {
            match level2.strip_prefix(self.name.as_str()) {
                Some(rest) => rest.is_empty() || rest.chars().all(|c| c.is_ascii_digit()),
                None => false,
            }
        } else {
            self.name == level2
        }
    }
}

/// Closed lists of values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dictionaries {
    /// 指标值确定依据.
    pub basis: Vec<String>,
    /// 指标分类.
    pub class: Vec<String>,
    /// Comparators offered (`≥`, `>`, `=`, `≤`, `<`).
    pub comparators: Vec<String>,
    /// Usual units of measure (`%`, `项`, `家`…); others give a notice, not an error.
    pub units: Vec<String>,
    /// Usual qualitative values (`是`, `健全`…); others give a notice.
    pub qualitative: Vec<String>,
}

/// Parameters of the validation rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleParams {
    /// Largest difference between an entered and a computed amount that is still equal
    /// (rounding of printed totals), in 万元.
    #[schemars(with = "String")]
    pub money_tolerance: Decimal,
    /// Largest difference between an entered and a computed share, in percentage points.
    #[schemars(with = "String")]
    pub share_tolerance: Decimal,
    /// The basis meant for cost indicators only (`预算支出标准`).
    pub cost_basis: Option<String>,
    /// Level-1 or level-2 names whose percentages must lie within 0–100%.
    pub bounded_percent_nodes: Vec<String>,
    /// Whether 收入合计 must equal 支出合计.
    pub income_equals_expenditure: bool,
    /// Rules switched off for this template, by code.
    #[serde(default)]
    pub disabled: Vec<String>,
    /// Most level-3 rows in one table before the form is refused as absurd.
    pub max_indicator_rows: usize,
}

/// Errors loading a template.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// Not valid template JSON.
    #[error("模板文件无法解析：第 {} 行第 {} 列：{}", .0.line(), .0.column(), crate::parse::explain(.0, "模板"))]
    Parse(#[from] serde_json::Error),
    /// Parsed but inconsistent.
    #[error("模板「{id}」有误：{message}")]
    Invalid {
        /// Template id.
        id: String,
        /// What is wrong.
        message: String,
    },
    /// No such template.
    #[error("未知模板「{0}」（可用 jixiao template list 查看已有模板）")]
    Unknown(String),
}

impl Template {
    /// Parses and checks a template from JSON text.
    pub fn from_json(text: &str) -> Result<Template, TemplateError> {
        let t: Template = serde_json::from_str(text)?;
        t.check()?;
        Ok(t)
    }

    /// Checks the template's own consistency (unique keys, known category rows).
    fn check(&self) -> Result<(), TemplateError> {
        let invalid = |message: String| TemplateError::Invalid {
            id: self.id.clone(),
            message,
        };
        if self.id.trim().is_empty() {
            return Err(invalid("缺少 id".into()));
        }
        for block in [&self.funding.income, &self.funding.expenditure] {
            if block.is_empty() {
                return Err(invalid("资金构成至少需要一行".into()));
            }
            let mut keys: Vec<&str> = block.iter().map(|r| r.key.as_str()).collect();
            keys.sort_unstable();
            keys.dedup();
            if keys.len() != block.len() {
                return Err(invalid("资金行的 key 重复".into()));
            }
        }
        for c in &self.project_categories {
            if let Some(k) = &c.expenditure_key
                && !self.funding.expenditure.iter().any(|r| &r.key == k)
            {
                return Err(invalid(format!(
                    "项目类别「{}」指向不存在的支出行 {k}",
                    c.name
                )));
            }
        }
        if self.indicator_frame.is_empty() {
            return Err(invalid("指标框架为空".into()));
        }
        for (i, l1) in self.indicator_frame.iter().enumerate() {
            if self.indicator_frame[..i].iter().any(|o| o.name == l1.name) {
                return Err(invalid(format!("一级指标「{}」重复", l1.name)));
            }
            for (j, l2) in l1.children.iter().enumerate() {
                if l1.children[..j].iter().any(|o| o.name == l2.name) {
                    return Err(invalid(format!(
                        "一级指标「{}」下的二级指标「{}」重复",
                        l1.name, l2.name
                    )));
                }
            }
        }
        for c in &self.required_columns {
            if !COLUMNS.contains(&c.as_str()) {
                return Err(invalid(format!(
                    "required_columns 中的「{c}」不是栏目名，应为 {} 之一",
                    COLUMNS.join("、")
                )));
            }
        }
        for code in &self.rules.disabled {
            if crate::validate::rule(code).is_none() {
                return Err(invalid(format!(
                    "rules.disabled 中的规则代码「{code}」不存在（见 docs/rules.md）"
                )));
            }
        }
        if self.rules.money_tolerance.is_sign_negative()
            || self.rules.share_tolerance.is_sign_negative()
        {
            return Err(invalid("允许误差不能为负数".into()));
        }
        if self.rules.max_indicator_rows == 0 {
            return Err(invalid("max_indicator_rows 至少为 1".into()));
        }
        Ok(())
    }

    /// The level-1 node of this name.
    pub fn level1(&self, name: &str) -> Option<&Level1> {
        self.indicator_frame.iter().find(|l| l.name == name)
    }

    /// True when a rule is switched off for this template.
    pub fn rule_disabled(&self, code: &str) -> bool {
        self.rules.disabled.iter().any(|c| c == code)
    }

    /// True when the column is required (`target`, `basis`, `class`…).
    pub fn requires(&self, column: &str) -> bool {
        self.required_columns.iter().any(|c| c == column)
    }
}

/// The level-3 columns a template may require.
pub const COLUMNS: &[&str] = &[
    "target",
    "basis",
    "class",
    "history",
    "definition",
    "scoring_rule",
    "weight",
];

/// The templates built into jixiao, as JSON text.
const BUILT_IN: &[&str] = &[
    include_str!("../templates/hubei-dept-2026.json"),
    include_str!("../templates/central-dept-2015.json"),
];

/// The built-in templates.
pub fn built_in() -> Vec<Template> {
    BUILT_IN
        .iter()
        .map(|text| Template::from_json(text).expect("built-in templates are tested"))
        .collect()
}

/// A set of templates: the built-in ones plus any loaded at run time.
#[derive(Debug, Clone)]
pub struct Registry {
    templates: Vec<Template>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry {
            templates: built_in(),
        }
    }
}

impl Registry {
    /// Adds a template, replacing one with the same id and version.
    pub fn add(&mut self, t: Template) {
        self.templates
            .retain(|x| !(x.id == t.id && x.version == t.version));
        self.templates.push(t);
    }

    /// All templates.
    pub fn all(&self) -> &[Template] {
        &self.templates
    }

    /// The template with this id: the given version, or the newest.
    pub fn get(&self, id: &str, version: Option<u32>) -> Result<&Template, TemplateError> {
        self.templates
            .iter()
            .filter(|t| t.id == id && version.is_none_or(|v| t.version == v))
            .max_by_key(|t| t.version)
            .ok_or_else(|| TemplateError::Unknown(id.to_string()))
    }

    /// The template a form names: its exact version if known, else the newest version of the
    /// same id (the validator then reports the version difference).
    pub fn for_form(&self, form: &crate::form::Form) -> Result<&Template, TemplateError> {
        let r = &form.template;
        self.get(&r.id, Some(r.version))
            .or_else(|_| self.get(&r.id, None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_templates_load() {
        let all = built_in();
        assert!(all.len() >= 2);
        let reg = Registry::default();
        assert_eq!(
            reg.get("hubei-dept-2026", None)
                .unwrap()
                .funding
                .income
                .len(),
            3
        );
        assert!(matches!(
            reg.get("nope", None),
            Err(TemplateError::Unknown(_))
        ));
    }

    #[test]
    fn numbered_level2_matches_suffix() {
        let l2 = Level2 {
            name: "核心业务产出".into(),
            numbered: true,
            required: true,
            cost: false,
        };
        assert!(l2.matches("核心业务产出1"));
        assert!(l2.matches("核心业务产出12"));
        assert!(!l2.matches("核心业务产出x"));
        assert!(!l2.matches("经济效益"));
    }

    #[test]
    fn inconsistent_templates_are_refused() {
        let base = Registry::default()
            .get("hubei-dept-2026", None)
            .unwrap()
            .clone();
        let refused = |change: &dyn Fn(&mut Template), needle: &str| {
            let mut t = base.clone();
            change(&mut t);
            let err = Template::from_json(&serde_json::to_string(&t).unwrap())
                .unwrap_err()
                .to_string();
            assert!(err.contains(needle), "{err}");
        };
        refused(&|t| t.rules.disabled.push("Z999".into()), "Z999");
        refused(&|t| t.required_columns.push("colour".into()), "colour");
        refused(&|t| t.rules.max_indicator_rows = 0, "max_indicator_rows");
        refused(
            &|t| t.indicator_frame.push(t.indicator_frame[0].clone()),
            "重复",
        );
        refused(&|t| t.funding.income.clear(), "至少需要一行");
        let ok = serde_json::to_string(&base).unwrap();
        assert_eq!(Template::from_json(&ok).unwrap(), base);
    }

    #[test]
    fn bad_template_is_refused_with_a_message() {
        let err = Template::from_json("{").unwrap_err();
        assert!(err.to_string().contains("模板文件无法解析"));
    }
}
