//! X007: numbers promised in 年度工作任务 (15 家, 95%) that no indicator measures.
//!
//! A promise is an Arabic number followed by `%` or by one of the template's units. Years
//! (`2026 年`), dates, ordinals (`第 3 个`) and codes (`4A 级`) are not promises. A promise is
//! measured when some indicator value (target or history, either table) has the same number;
//! percentages are matched only with percentages, counts with any other unit (`10 件` and
//! `≥10 项` are the same promise written twice).

use rust_decimal::Decimal;

use super::Ctx;
use crate::target::TargetValue;

/// At most this many promises are read from one paragraph (bounds the work on pasted text).
const MAX_PROMISES_PER_PARAGRAPH: usize = 50;
/// Characters of context quoted before and after a promise.
const CONTEXT_BEFORE: usize = 14;
const CONTEXT_AFTER: usize = 4;

/// A number promised in a text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Promise<'a> {
    pub number: Decimal,
    pub unit: &'a str,
    pub percent: bool,
    /// Byte range of the number and its unit in the text.
    pub start: usize,
    pub end: usize,
}

pub(crate) fn check(ctx: &mut Ctx) {
    let form = ctx.form;
    let mut measured: Vec<(Decimal, bool)> = Vec::new();
    for (kind, table) in form.indicators.tables() {
        if ctx.oversized(kind) {
            continue;
        }
        for row in &table.rows {
            for v in [&row.target, &row.year_before, &row.last_year]
                .into_iter()
                .flatten()
            {
                if let TargetValue::Quantity { number, .. } = v {
                    measured.push((*number, v.is_percent()));
                }
            }
        }
    }
    let units: Vec<&str> = ctx
        .template
        .dictionaries
        .units
        .iter()
        .map(String::as_str)
        .collect();
    for (p, text) in form.annual_tasks.iter().enumerate() {
        for promise in promises(text, &units) {
            let hit = measured
                .iter()
                .any(|(n, pct)| *n == promise.number && *pct == promise.percent);
            if hit {
                continue;
            }
            let shown = &text[promise.start..promise.end];
            ctx.push(
                "X007",
                format!("/annual_tasks/{p}"),
                format!(
                    "年度工作任务第 {} 段承诺「{shown}」（{}），但没有指标的指标值为 {}{}：请补充衡量它的指标，或说明理由",
                    p + 1,
                    context(text, promise.start, promise.end),
                    promise.number.normalize(),
                    if promise.percent { "%" } else { "" }
                ),
            );
        }
    }
}

/// The promises in a text, in order.
pub(crate) fn promises<'u>(text: &str, units: &[&'u str]) -> Vec<Promise<'u>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() && out.len() < MAX_PROMISES_PER_PARAGRAPH {
        if !bytes[i].is_ascii_digit()
            || (i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.'))
        {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        }
        let num_end = i;
        let Ok(number) = Decimal::from_str_exact(&text[start..num_end]) else {
            continue;
        };
        let rest = text[num_end..].trim_start_matches([' ', '\u{3000}']);
        let unit_start = text.len() - rest.len();
        let (unit, unit_len, percent) = if rest.starts_with('%') {
            ("%", 1, true)
        } else if rest.starts_with('％') {
            ("%", '％'.len_utf8(), true)
        } else {
            match units
                .iter()
                .filter(|u| **u != "%" && rest.starts_with(**u))
                .max_by_key(|u| u.len())
            {
                Some(u) => (*u, u.len(), false),
                None => continue,
            }
        };
        let before = text[..start].trim_end_matches([' ', '\u{3000}']);
        let is_year = unit == "年"
            && (1900..=2200).contains(&number.trunc().mantissa())
            && number.scale() == 0;
        let after_unit = text[unit_start + unit_len..].trim_start_matches([' ', '\u{3000}']);
        let is_date = (unit == "月" || unit == "日")
            && (before.ends_with('年') || before.ends_with('月'))
            || unit == "月" && after_unit.starts_with(|c: char| c.is_ascii_digit());
        let is_ordinal = before.ends_with('第');
        if is_year || is_date || is_ordinal {
            continue;
        }
        out.push(Promise {
            number,
            unit,
            percent,
            start,
            end: unit_start + unit_len,
        });
        i = unit_start + unit_len;
    }
    out
}

/// A short quotation around `start..end`: a few characters before, the promise, a few after.
fn context(text: &str, start: usize, end: usize) -> String {
    let before: Vec<char> = text[..start].chars().rev().take(CONTEXT_BEFORE).collect();
    let after: String = text[end..].chars().take(CONTEXT_AFTER).collect();
    let mut s = String::new();
    if before.len() == CONTEXT_BEFORE {
        s.push('…');
    }
    s.extend(before.iter().rev());
    s.push_str(&text[start..end]);
    s.push_str(&after);
    if text[end..].chars().nth(CONTEXT_AFTER).is_some() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNITS: &[&str] = &["%", "家", "件", "个", "项", "人", "人次", "年", "月", "日"];

    fn found(text: &str) -> Vec<String> {
        promises(text, UNITS)
            .iter()
            .map(|p| format!("{}{}", p.number, p.unit))
            .collect()
    }

    #[test]
    fn reads_promises_and_skips_years_dates_ordinals_and_codes() {
        assert_eq!(
            found(
                "2026 年力争进规进限企业 15 家以上，招引 2 家；普及率达 95%以上，3 个品牌，4A 级景区，第 3 个，11 月 17 日，10 件"
            ),
            ["15家", "2家", "95%", "3个", "10件"]
        );
        assert_eq!(found("培训 120 人次"), ["120人次"]);
        assert_eq!(found("增长 2.5％"), ["2.5%"]);
        assert!(found("没有数字").is_empty());
    }

    #[test]
    fn context_is_short() {
        let text = "一二三四五六七八九十一二三四五六七八九十力争 15 家以上的企业";
        let p = &promises(text, UNITS)[0];
        assert_eq!(
            context(text, p.start, p.end),
            "…十一二三四五六七八九十力争 15 家以上的企…"
        );
    }
}
