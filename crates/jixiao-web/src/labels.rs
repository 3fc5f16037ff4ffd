//! Chinese labels: statuses, roles, next steps, and readable names for JSON Pointers into a form.

use jixiao_domain::{Action, Form, FormStatus, Role};

/// Chinese name of a form status (`draft` → `草稿`), from the workflow module.
pub fn status_label(status: &str) -> &'static str {
    FormStatus::parse(status).map_or("未知状态", FormStatus::label)
}

/// Chinese name of a role (`reviewer` → `财政审核人`), from the workflow module.
pub fn role_label(role: &str) -> &'static str {
    Role::parse(role).map_or("未知角色", Role::label)
}

/// What a unit should do next with a form in this status, from the workflow module.
pub fn next_step(status: &str) -> &'static str {
    FormStatus::parse(status).map_or("", FormStatus::next_step)
}

/// Chinese name of an audit action (workflow steps from the workflow module; the
/// administration rows, `user.create` and the like, read as 操作).
pub fn action_label(action: &str) -> &'static str {
    if let Some(a) = Action::parse(action) {
        return a.label();
    }
    match action {
        "login" => "登录",
        "login.failed" => "登录失败",
        "login.held" => "登录等待中",
        "login.throttled" => "登录过频",
        "login.disabled" => "停用账号登录",
        "logout" => "退出登录",
        "logout.other" => "结束会话",
        "user.password.own" => "本人修改密码",
        "policy.update" => "修改安全策略",
        "audit.export" => "导出操作日志",
        "audit.verify" => "校验操作日志",
        "download" => "下载",
        "import" => "导入文件",
        "user.create" => "新建用户",
        "user.update" => "修改用户",
        "user.password" => "重设密码",
        "unit.create" => "新建单位",
        "region.create" => "新建区划",
        "region.update" => "修改区划",
        "library_rebuild" => "重建指标库",
        "library_curate" => "维护指标库",
        _ => "操作",
    }
}

fn field_label(key: &str) -> Option<&'static str> {
    Some(match key {
        "template" => "模板",
        "header" => "表头",
        "fiscal_year" => "预算年度",
        "fill_date" => "填报日期",
        "unit_name" => "部门（单位）名称",
        "filler" => "填报人",
        "phone" => "联系电话",
        "amount_unit" => "金额单位",
        "funding" => "部门总体资金情况",
        "income" => "收入构成",
        "expenditure" => "支出构成",
        "total" => "合计",
        "current" => "当年金额",
        "share" => "占比",
        "functions" => "部门职能概述",
        "annual_tasks" => "年度工作任务",
        "projects" => "项目支出情况",
        "category" => "支出项目类别",
        "total_budget" => "项目总预算",
        "current_budget" => "项目本年度预算",
        "purpose" => "主要支出方向和用途",
        "goals" => "整体绩效总目标",
        "deadline_year" => "截止年度",
        "items" => "目标",
        "indicators" => "绩效指标",
        "goal" => "目标",
        "level1" => "一级指标",
        "level2" => "二级指标",
        "target" => "指标值",
        "basis" => "指标值确定依据",
        "class" => "指标分类",
        "definition" => "指标内容",
        "scoring_rule" => "评（扣）分标准",
        "unit_of_measure" => "计量单位",
        "weight" => "权重",
        "remark" => "备注",
        _ => return None,
    })
}

/// Keys of the canonical form in the order the printed form shows them.
const FORM_ORDER: &[&str] = &[
    "template",
    "header",
    "fiscal_year",
    "fill_date",
    "unit_name",
    "filler",
    "phone",
    "amount_unit",
    "funding",
    "income",
    "expenditure",
    "rows",
    "total",
    "key",
    "name",
    "amounts",
    "functions",
    "annual_tasks",
    "projects",
    "category",
    "total_budget",
    "current_budget",
    "purpose",
    "goals",
    "indicators",
    "long_term",
    "annual",
    "deadline_year",
    "text",
    "items",
    "goal",
    "level1",
    "level2",
    "target",
    "year_before",
    "last_year",
    "current",
    "share",
    "basis",
    "class",
    "definition",
    "scoring_rule",
    "unit_of_measure",
    "weight",
    "remark",
];

/// A sort key that puts JSON Pointers into a form in the order of the printed form (header,
/// funding, functions … indicators; rows by number), for lists of changes.
pub fn form_order(path: &str) -> Vec<(usize, String)> {
    path.split('/')
        .skip(1)
        .map(|seg| match seg.parse::<usize>() {
            Ok(n) => (n, String::new()),
            Err(_) => (
                FORM_ORDER
                    .iter()
                    .position(|k| *k == seg)
                    .unwrap_or(FORM_ORDER.len()),
                seg.to_string(),
            ),
        })
        .collect()
}

/// A readable Chinese name for a JSON Pointer into a form, using row names from `form` when
/// given: `/indicators/annual/rows/3/target` → `年度绩效指标 · 第 4 行「预算执行率」 · 指标值`.
pub fn path_label(path: &str, form: Option<&Form>) -> String {
    let segs: Vec<String> = path
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    if segs.is_empty() {
        return "整张表".to_string();
    }
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < segs.len() {
        let s = segs[i].as_str();
        let prev = if i > 0 { segs[i - 1].as_str() } else { "" };
        let prev2 = if i > 1 { segs[i - 2].as_str() } else { "" };
        if let Ok(n) = s.parse::<usize>() {
            let name = form.and_then(|f| row_name(f, &segs[..i], n));
            let label = match name {
                Some(name) if !name.is_empty() => format!("第 {} 行「{}」", n + 1, clip(&name, 16)),
                _ if matches!(prev, "functions" | "annual_tasks" | "items" | "annual") => {
                    format!("第 {} 段", n + 1)
                }
                _ => format!("第 {} 行", n + 1),
            };
            out.push(label);
        } else if prev == "indicators" {
            out.push(
                if s == "long_term" {
                    "长期绩效指标"
                } else {
                    "年度绩效指标"
                }
                .to_string(),
            );
        } else if prev == "goals" && s == "long_term" {
            out.push("长期目标".to_string());
        } else if prev == "goals" && s == "annual" {
            out.push("年度目标".to_string());
        } else if s == "rows" {
            // the row number follows
        } else if s == "last_year" {
            out.push(
                if prev2 == "funding" || prev == "funding" {
                    "上年"
                } else {
                    "上年值"
                }
                .to_string(),
            );
        } else if s == "year_before" {
            out.push(
                if prev2 == "funding" || prev == "funding" {
                    "前年"
                } else {
                    "前年值"
                }
                .to_string(),
            );
        } else if s == "name" {
            out.push(
                if prev2 == "projects" || prev == "projects" {
                    "项目名称"
                } else {
                    "名称"
                }
                .to_string(),
            );
        } else if let Some(l) = field_label(s) {
            out.push(l.to_string());
        } else {
            out.push(s.to_string());
        }
        i += 1;
    }
    out.join(" · ")
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n).collect::<String>() + "…"
    }
}

/// The name of row `n` of the list at `parent` (a funding row, a project, an indicator).
fn row_name(form: &Form, parent: &[String], n: usize) -> Option<String> {
    let p: Vec<&str> = parent.iter().map(String::as_str).collect();
    match p.as_slice() {
        ["funding", "income", "rows"] => form.funding.income.rows.get(n).map(|r| r.name.clone()),
        ["funding", "expenditure", "rows"] => {
            form.funding.expenditure.rows.get(n).map(|r| r.name.clone())
        }
        ["projects"] => form.projects.get(n).map(|r| r.name.clone()),
        ["indicators", "long_term", "rows"] => form
            .indicators
            .long_term
            .rows
            .get(n)
            .map(|r| r.name.clone()),
        ["indicators", "annual", "rows"] => {
            form.indicators.annual.rows.get(n).map(|r| r.name.clone())
        }
        _ => None,
    }
}

/// A short readable text for a JSON value in a diff: strings as they are, target values as
/// printed (`≥90%`), rows as their main fields, `null` as `（空）`.
pub fn value_text(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => "（空）".to_string(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(items) => items.iter().map(value_text).collect::<Vec<_>>().join("；"),
        Value::Object(map) => {
            if let Ok(t) = serde_json::from_value::<jixiao_domain::TargetValue>(v.clone()) {
                return t.to_string();
            }
            const ORDER: &[&str] = &[
                "name",
                "level1",
                "level2",
                "target",
                "year_before",
                "last_year",
                "basis",
                "class",
                "category",
                "current",
            ];
            let rank = |k: &str| ORDER.iter().position(|o| *o == k).unwrap_or(ORDER.len());
            let mut entries: Vec<_> = map.iter().filter(|(_, x)| !x.is_null()).collect();
            entries.sort_by_key(|(k, _)| rank(k));
            entries
                .into_iter()
                .map(|(k, x)| {
                    let label = match k.as_str() {
                        "name" => "名称",
                        other => field_label(other).unwrap_or(other),
                    };
                    format!("{label}：{}", value_text(x))
                })
                .collect::<Vec<_>>()
                .join("，")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_paths_readably() {
        assert_eq!(
            path_label("/funding/income/total/current", None),
            "部门总体资金情况 · 收入构成 · 合计 · 当年金额"
        );
        assert_eq!(
            path_label("/indicators/annual/rows/3/target", None),
            "绩效指标 · 年度绩效指标 · 第 4 行 · 指标值"
        );
        assert_eq!(path_label("/functions/0", None), "部门职能概述 · 第 1 段");
        assert_eq!(
            path_label("/goals/long_term/deadline_year", None),
            "整体绩效总目标 · 长期目标 · 截止年度"
        );
        assert_eq!(path_label("", None), "整张表");
    }

    #[test]
    fn value_text_reads_targets_and_nulls() {
        let v =
            serde_json::json!({"kind": "quantity", "comparator": "≥", "number": "90", "unit": "%"});
        assert_eq!(value_text(&v), "≥90%");
        assert_eq!(value_text(&serde_json::Value::Null), "（空）");
        assert_eq!(
            value_text(&serde_json::json!({"name": "预算执行率", "basis": "计划标准"})),
            "名称：预算执行率，指标值确定依据：计划标准"
        );
    }

    #[test]
    fn status_and_role_labels() {
        assert_eq!(status_label("returned"), "已退回");
        assert_eq!(role_label("reviewer"), "财政审核人");
        assert_eq!(status_label("weird"), "未知状态");
    }
}
