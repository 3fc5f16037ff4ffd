//! CSV of the indicator rows, for data exchange: one line per level-3 indicator of both tables.
//! UTF-8 with a byte-order mark (so Excel opens it as UTF-8), CRLF line ends, RFC 4180 quoting,
//! and cells that Excel would run as formulas prefixed with `'`.

use jixiao_domain::{Form, TargetValue};

/// The header line's columns.
pub const COLUMNS: [&str; 18] = [
    "单位名称",
    "预算年度",
    "指标表",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标值",
    "前年",
    "上年",
    "比较符号",
    "数值",
    "单位",
    "指标值确定依据",
    "指标分类",
    "指标内容",
    "评（扣）分标准",
    "权重",
    "备注",
];

/// Quotes a field when needed and neutralises formula-like text.
pub fn field(text: &str) -> String {
    let safe = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

fn target_parts(t: Option<&TargetValue>) -> (String, String, String) {
    match t {
        Some(TargetValue::Quantity {
            comparator,
            number,
            unit,
        }) => (
            comparator
                .map(|c| c.symbol().to_string())
                .unwrap_or_default(),
            number.to_string(),
            unit.clone(),
        ),
        _ => (String::new(), String::new(), String::new()),
    }
}

/// The indicator rows of a form as CSV text (with BOM).
pub fn to_csv(form: &Form) -> String {
    let mut out = String::from("\u{FEFF}");
    push_line(&mut out, COLUMNS.iter().map(|s| s.to_string()));
    for (kind, table) in form.indicators.tables() {
        for ind in &table.rows {
            let show =
                |v: &Option<TargetValue>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
            let (cmp, num, unit) = target_parts(ind.target.as_ref());
            push_line(
                &mut out,
                [
                    form.header.unit_name.clone(),
                    form.header.fiscal_year.to_string(),
                    kind.label().to_string(),
                    ind.level1.clone(),
                    ind.level2.clone(),
                    ind.name.clone(),
                    show(&ind.target),
                    show(&ind.year_before),
                    show(&ind.last_year),
                    cmp,
                    num,
                    unit,
                    ind.basis.clone().unwrap_or_default(),
                    ind.class.clone().unwrap_or_default(),
                    ind.definition.clone().unwrap_or_default(),
                    ind.scoring_rule.clone().unwrap_or_default(),
                    ind.weight.map(|w| w.to_string()).unwrap_or_default(),
                    ind.remark.clone().unwrap_or_default(),
                ]
                .into_iter(),
            );
        }
    }
    out
}

fn push_line(out: &mut String, fields: impl Iterator<Item = String>) {
    let line: Vec<String> = fields.map(|f| field(&f)).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_neutralised() {
        assert_eq!(field("健全"), "健全");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(field("-5%"), "'-5%");
    }

    #[test]
    fn seed_csv_has_a_line_per_indicator() {
        let form: Form =
            serde_json::from_str(include_str!("../../../fixtures/seed/seed.form.json")).unwrap();
        let csv = to_csv(&form);
        assert!(csv.starts_with('\u{FEFF}'));
        let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
        assert_eq!(lines.len(), 1 + 39 + 39);
        assert!(lines[1].starts_with("阳新县兴国镇人民政府,2026,长期绩效指标,运行成本,公用经费控制,公用经费控制率,100%,,,,100,%,预算支出标准,基本型"), "{}", lines[1]);
        assert!(csv.contains("高学历、高层次人才储备率,≥2.5%,"));
    }
}
