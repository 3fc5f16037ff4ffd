//! Rules on the template reference, the header lines and the text sections (H…), including the
//! length limit on every text field of the form.

use super::{Ctx, quote};
use crate::target::TargetValue;

/// The most characters one text field may hold.
pub const MAX_TEXT_CHARS: usize = 10_000;

pub(crate) fn check(ctx: &mut Ctx) {
    let form = ctx.form;
    let t = ctx.template;
    if form.template.id != t.id {
        ctx.push(
            "H001",
            "/template/id".into(),
            format!(
                "申报表使用模板「{}」，本次按模板「{}」校验",
                short(&form.template.id),
                t.id
            ),
        );
    } else if form.template.version != t.version {
        ctx.push(
            "H002",
            "/template/version".into(),
            format!(
                "申报表使用模板版本 {}，本次按版本 {} 校验",
                form.template.version, t.version
            ),
        );
    }
    let h = &form.header;
    if h.unit_name.trim().is_empty() {
        ctx.push(
            "H003",
            "/header/unit_name".into(),
            "部门（单位）名称为空".into(),
        );
    }
    match h.phone.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => {
            if !phone_is_valid(p) {
                ctx.push(
                    "H004",
                    "/header/phone".into(),
                    format!(
                        "联系电话{}不是有效的手机号（11 位，1 开头）或固定电话（区号-号码）",
                        quote(p)
                    ),
                );
            }
        }
        _ => ctx.push("H005", "/header/phone".into(), "未填写联系电话".into()),
    }
    if h.filler.as_deref().is_none_or(|f| f.trim().is_empty()) {
        ctx.push("H005", "/header/filler".into(), "未填写填报人".into());
    }
    if let Some(d) = h.fill_date
        && d.year > h.fiscal_year.get()
    {
        ctx.push(
            "H006",
            "/header/fill_date".into(),
            format!("填报日期 {d} 晚于预算年度 {} 年", h.fiscal_year),
        );
    }
    if h.amount_unit.trim() != t.amount_unit {
        ctx.push(
            "H007",
            "/header/amount_unit".into(),
            format!(
                "金额单位为{}，模板规定为「{}」",
                quote(&h.amount_unit),
                t.amount_unit
            ),
        );
    }
    if form.functions.is_empty() {
        ctx.push("H008", "/functions".into(), "部门职能概述为空".into());
    }
    if form.annual_tasks.is_empty() {
        ctx.push("H009", "/annual_tasks".into(), "年度工作任务为空".into());
    }
    paragraphs(ctx, "/functions", "部门职能概述", &form.functions);
    paragraphs(ctx, "/annual_tasks", "年度工作任务", &form.annual_tasks);
    paragraphs(
        ctx,
        "/goals/long_term/items",
        "长期目标",
        &form.goals.long_term.items,
    );
    paragraphs(ctx, "/goals/annual", "年度目标", &form.goals.annual);
    text_lengths(ctx);
}

/// A template id as quoted in a message (ids come from the file and may be anything).
fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Empty paragraphs (H012) and leaked markup (H010) in a list of paragraphs.
fn paragraphs(ctx: &mut Ctx, base: &str, label: &str, items: &[String]) {
    for (i, p) in items.iter().enumerate() {
        if p.trim().is_empty() {
            ctx.push(
                "H012",
                format!("{base}/{i}"),
                format!("{label}第 {} 段为空", i + 1),
            );
        } else if let Some(tag) = markup(p) {
            ctx.push(
                "H010",
                format!("{base}/{i}"),
                format!(
                    "{label}第 {} 段含网页标记{}，请删除标记只保留文字",
                    i + 1,
                    quote(tag)
                ),
            );
        }
    }
}

/// The first HTML-like tag (`<p>`, `</p>`, `<br/>`) or entity (`&nbsp;`) in the text.
fn markup(s: &str) -> Option<&str> {
    // Fast path: `contains` with an ASCII char is a memchr.
    if !s.contains('<') && !s.contains('&') {
        return None;
    }
    let bytes = s.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'<' {
            let rest = &bytes[i + 1..];
            let name_start = usize::from(rest.first() == Some(&b'/'));
            let name_len = rest[name_start..]
                .iter()
                .take_while(|c| c.is_ascii_alphabetic())
                .count();
            if name_len > 0 && name_len <= 10 {
                let after = name_start + name_len;
                if let Some(end) = rest[after..].iter().take(40).position(|&c| c == b'>') {
                    return s.get(i..i + 1 + after + end + 1);
                }
            }
        } else if b == b'&' {
            for entity in ["&nbsp;", "&lt;", "&gt;", "&amp;", "&quot;"] {
                if s[i..].starts_with(entity) {
                    return Some(&s[i..i + entity.len()]);
                }
            }
        }
    }
    None
}

/// True for a Chinese mobile number, a landline with or without area code, or a 400/800 number;
/// several numbers may be separated by `、`, `/`, `,` or `；`.
pub fn phone_is_valid(text: &str) -> bool {
    text.split(['、', '/', ',', '，', ';', '；'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .all(one_phone_is_valid)
}

fn one_phone_is_valid(p: &str) -> bool {
    let p = p
        .strip_prefix("+86")
        .or_else(|| p.strip_prefix("86-"))
        .unwrap_or(p)
        .trim();
    let parts: Vec<&str> = p
        .split(['-', ' ', '—', '（', '）', '(', ')'])
        .filter(|s| !s.is_empty())
        .collect();
    if parts.is_empty() || !parts.iter().all(|s| s.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let digits: String = parts.concat();
    let n = digits.len();
    let first = digits.as_bytes()[0];
    if first == b'1' && n == 11 {
        return (b'3'..=b'9').contains(&digits.as_bytes()[1]);
    }
    if digits.starts_with("400") || digits.starts_with("800") {
        return n == 10;
    }
    if first == b'0' {
        // Area code (3–4 digits with the 0) + 7–8 digit number, optionally an extension.
        let (area, rest) = if parts.len() >= 2 {
            (parts[0].len(), parts[1].len())
        } else {
            (0, 0)
        };
        if parts.len() >= 2 {
            return (3..=4).contains(&area) && (7..=8).contains(&rest) && parts.len() <= 3;
        }
        return (10..=12).contains(&n);
    }
    // A local number without area code.
    parts.len() == 1 && (7..=8).contains(&n) && first != b'1'
}

/// True when the text is longer than [`MAX_TEXT_CHARS`]; cheap for normal text (a character is at
/// most 4 bytes, so text under the limit in bytes is under it in characters).
fn too_long(s: &str) -> Option<usize> {
    if s.len() <= MAX_TEXT_CHARS {
        return None;
    }
    let n = s.chars().count();
    (n > MAX_TEXT_CHARS).then_some(n)
}

/// The text part of a target value (word, unparsed text or unit).
fn target_text(v: &Option<TargetValue>) -> &str {
    match v {
        Some(TargetValue::Quality(w)) => w,
        Some(TargetValue::Unparsed(t)) => t,
        Some(TargetValue::Quantity { unit, .. }) => unit,
        _ => "",
    }
}

/// Every text field longer than [`MAX_TEXT_CHARS`] (H011). Paths are built only for long fields.
fn text_lengths(ctx: &mut Ctx) {
    let form = ctx.form;
    let mut long: Vec<(String, usize)> = Vec::new();
    let mut check = |s: &str, path: &dyn Fn() -> String| {
        if let Some(n) = too_long(s) {
            long.push((path(), n));
        }
    };
    let h = &form.header;
    check(&h.unit_name, &|| "/header/unit_name".into());
    check(h.filler.as_deref().unwrap_or(""), &|| {
        "/header/filler".into()
    });
    check(h.phone.as_deref().unwrap_or(""), &|| "/header/phone".into());
    check(&h.amount_unit, &|| "/header/amount_unit".into());
    check(&form.template.id, &|| "/template/id".into());
    for (block, b) in [
        ("income", &form.funding.income),
        ("expenditure", &form.funding.expenditure),
    ] {
        for (i, r) in b.rows.iter().enumerate() {
            check(&r.key, &|| format!("/funding/{block}/rows/{i}/key"));
            check(&r.name, &|| format!("/funding/{block}/rows/{i}/name"));
        }
    }
    for (i, s) in form.functions.iter().enumerate() {
        check(s, &|| format!("/functions/{i}"));
    }
    for (i, s) in form.annual_tasks.iter().enumerate() {
        check(s, &|| format!("/annual_tasks/{i}"));
    }
    for (i, p) in form.projects.iter().enumerate() {
        check(&p.name, &|| format!("/projects/{i}/name"));
        check(&p.category, &|| format!("/projects/{i}/category"));
        check(&p.purpose, &|| format!("/projects/{i}/purpose"));
    }
    for (i, s) in form.goals.long_term.items.iter().enumerate() {
        check(s, &|| format!("/goals/long_term/items/{i}"));
    }
    for (i, s) in form.goals.annual.iter().enumerate() {
        check(s, &|| format!("/goals/annual/{i}"));
    }
    for (kind, table) in form.indicators.tables() {
        let key = kind.key();
        check(&table.goal, &|| format!("/indicators/{key}/goal"));
        if ctx.oversized(kind) {
            continue;
        }
        for (i, r) in table.rows.iter().enumerate() {
            let texts = [
                ("level1", r.level1.as_str()),
                ("level2", r.level2.as_str()),
                ("name", r.name.as_str()),
                ("basis", r.basis.as_deref().unwrap_or("")),
                ("class", r.class.as_deref().unwrap_or("")),
                ("definition", r.definition.as_deref().unwrap_or("")),
                ("scoring_rule", r.scoring_rule.as_deref().unwrap_or("")),
                (
                    "unit_of_measure",
                    r.unit_of_measure.as_deref().unwrap_or(""),
                ),
                ("remark", r.remark.as_deref().unwrap_or("")),
                ("target", target_text(&r.target)),
                ("year_before", target_text(&r.year_before)),
                ("last_year", target_text(&r.last_year)),
            ];
            for (field, text) in texts {
                check(text, &|| format!("/indicators/{key}/rows/{i}/{field}"));
            }
        }
    }
    for (path, n) in long {
        ctx.push(
            "H011",
            path,
            format!("文字长达 {n} 字，超过上限 {MAX_TEXT_CHARS} 字，多为误粘贴"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        for ok in [
            "15172093138",
            "0714-6421234",
            "(0714)6421234",
            "07146421234",
            "6421234",
            "400-123-4567",
            "151 7209 3138",
            "+8615172093138",
            "15172093138、0714-6421234",
        ] {
            assert!(phone_is_valid(ok), "{ok}");
        }
        for bad in [
            "1517209313",
            "12172093138",
            "abc",
            "0714-12",
            "123",
            "151720931388",
            "-",
        ] {
            assert!(!phone_is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn finds_markup() {
        assert_eq!(markup("<p>1、宣传</p>"), Some("<p>"));
        assert_eq!(markup("甲</p>"), Some("</p>"));
        assert_eq!(markup("a&nbsp;b"), Some("&nbsp;"));
        assert_eq!(markup("收入 < 支出 > 0"), None);
        assert_eq!(markup("≤5%"), None);
    }
}
