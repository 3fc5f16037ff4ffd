//! Rules on 部门总体资金情况 (F…): the fixed rows, sums, the income/expenditure balance, shares,
//! signs, and the two previous-year columns.

use rust_decimal::Decimal;

use super::{Ctx, quote};
use crate::compute::funding::{Column, block_figures};
use crate::form::{FundingBlock, FundingRow};
use crate::money::Money;
use crate::template::FundingRowDef;

pub(crate) fn check(ctx: &mut Ctx) {
    let f = &ctx.form.funding;
    let t = ctx.template;
    let fy = ctx.form.header.fiscal_year;
    if f.last_year != fy.minus(1) {
        ctx.push(
            "F011",
            "/funding/last_year".into(),
            format!(
                "“上年”列标为 {} 年，预算年度 {fy} 年的上年应为 {} 年",
                f.last_year,
                fy.minus(1)
            ),
        );
    }
    if f.year_before != fy.minus(2) {
        ctx.push(
            "F011",
            "/funding/year_before".into(),
            format!(
                "“前年”列标为 {} 年，预算年度 {fy} 年的前年应为 {} 年",
                f.year_before,
                fy.minus(2)
            ),
        );
    }
    block(ctx, "income", "收入构成", &f.income, &t.funding.income);
    block(
        ctx,
        "expenditure",
        "支出构成",
        &f.expenditure,
        &t.funding.expenditure,
    );
    if t.rules.income_equals_expenditure {
        balance(ctx);
    }
}

fn block(ctx: &mut Ctx, key: &str, label: &str, b: &FundingBlock, frame: &[FundingRowDef]) {
    rows_against_frame(ctx, key, label, b, frame);
    let funding = &ctx.form.funding;
    let tol = ctx.template.rules.money_tolerance;
    let figures = block_figures(b);
    for (i, row) in b.rows.iter().enumerate() {
        for c in Column::ALL {
            if let Some(m) = c.of(&row.amounts)
                && m.is_negative()
            {
                ctx.push(
                    "F008",
                    format!("/funding/{key}/rows/{i}/{}", c.key()),
                    format!(
                        "{label}「{}」{}为 {}，金额不能为负数",
                        row.name,
                        c.label(funding),
                        m.display2()
                    ),
                );
            }
        }
        if row.amounts.current.is_none() {
            ctx.push(
                "F009",
                format!("/funding/{key}/rows/{i}/current"),
                format!("{label}「{}」未填当年金额（没有时填 0）", row.name),
            );
        }
    }
    for c in Column::ALL {
        let fig = figures.column(c);
        let total_path = format!("/funding/{key}/total/{}", c.key());
        match (fig.entered_total, fig.sum) {
            (Some(total), _) if total.is_negative() => ctx.push(
                "F008",
                total_path,
                format!(
                    "{label}合计{}为 {}，金额不能为负数",
                    c.label(funding),
                    total.display2()
                ),
            ),
            (Some(total), Some(sum)) => {
                if differs(total, sum, tol) {
                    ctx.push(
                        "F004",
                        total_path,
                        format!(
                            "{label}{}合计为 {}，各行相加为 {}，相差 {}",
                            c.label(funding),
                            total.display2(),
                            sum.display2(),
                            Money::new(total.value() - sum.value())
                                .unwrap_or_default()
                                .display2()
                        ),
                    );
                } else if fig.missing_rows > 0 && c != Column::Current {
                    partly_missing(ctx, key, label, b, c);
                }
            }
            (None, Some(sum)) if c == Column::Current => ctx.push(
                "F009",
                total_path,
                format!("{label}合计未填当年金额，各行相加为 {}", sum.display2()),
            ),
            (None, Some(sum)) => ctx.push(
                "F010",
                total_path,
                format!(
                    "{label}合计未填{}，各行相加为 {}",
                    c.label(funding),
                    sum.display2()
                ),
            ),
            (None, None) if c == Column::Current => {
                ctx.push("F009", total_path, format!("{label}合计未填当年金额"));
            }
            (Some(total), None) if c != Column::Current && !total.value().is_zero() => {
                partly_missing(ctx, key, label, b, c);
            }
            _ => {}
        }
    }
    shares(ctx, key, label, b);
}

/// True when two amounts differ by more than the tolerance after rounding to two decimals.
fn differs(a: Money, b: Money, tol: Decimal) -> bool {
    (a.round(2) - b.round(2)).abs() > tol
}

/// F010: a previous-year column with a total but empty rows.
fn partly_missing(ctx: &mut Ctx, key: &str, label: &str, b: &FundingBlock, c: Column) {
    let funding = &ctx.form.funding;
    let names: Vec<&str> = b
        .rows
        .iter()
        .filter(|r| c.of(&r.amounts).is_none())
        .map(|r| r.name.as_str())
        .take(5)
        .collect();
    ctx.push(
        "F010",
        format!("/funding/{key}/total/{}", c.key()),
        format!(
            "{label}{}填了合计，但「{}」未填（没有时填 0）",
            c.label(funding),
            names.join("、")
        ),
    );
}

/// F001, F002, F003, F012: the block's rows against the template's fixed rows.
fn rows_against_frame(
    ctx: &mut Ctx,
    key: &str,
    label: &str,
    b: &FundingBlock,
    frame: &[FundingRowDef],
) {
    for def in frame {
        if !b.rows.iter().any(|r| r.key == def.key) {
            ctx.push(
                "F001",
                format!("/funding/{key}/rows"),
                format!("{label}缺少模板规定的「{}」行（key {}）", def.name, def.key),
            );
        }
    }
    for (i, row) in b.rows.iter().enumerate() {
        match frame.iter().find(|d| d.key == row.key) {
            None => ctx.push(
                "F002",
                format!("/funding/{key}/rows/{i}/key"),
                format!(
                    "{label}第 {} 行的 key {}（{}）不是模板规定的行；应为 {}",
                    i + 1,
                    quote(&row.key),
                    quote(&row.name),
                    frame
                        .iter()
                        .map(|d| d.key.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            ),
            Some(def) => {
                if !name_matches(row, def) {
                    ctx.push(
                        "F003",
                        format!("/funding/{key}/rows/{i}/name"),
                        format!(
                            "{label}行 {} 的名称为{}，模板为「{}」",
                            def.key,
                            quote(&row.name),
                            def.name
                        ),
                    );
                }
                if b.rows[..i].iter().any(|r| r.key == row.key) {
                    ctx.push(
                        "F012",
                        format!("/funding/{key}/rows/{i}"),
                        format!("{label}「{}」行重复出现（第 {} 行）", def.name, i + 1),
                    );
                }
            }
        }
    }
}

fn name_matches(row: &FundingRow, def: &FundingRowDef) -> bool {
    let name = row.name.trim();
    name == def.name || def.aliases.iter().any(|a| a == name)
}

/// F006, F007: entered shares against amount ÷ total (the entered total when there is one, so
/// that one wrong amount does not make every share wrong too).
fn shares(ctx: &mut Ctx, key: &str, label: &str, b: &FundingBlock) {
    let tol = ctx.template.rules.share_tolerance;
    let sum = crate::money::sum(b.rows.iter().filter_map(|r| r.amounts.current.as_ref()));
    let total = b.total.current.unwrap_or(sum);
    for (i, row) in b.rows.iter().enumerate() {
        let (Some(entered), Some(amount)) = (row.amounts.share, row.amounts.current) else {
            continue;
        };
        let computed = match amount.share_of(total) {
            Some(p) => p,
            // A total of 0: any share other than 0 is wrong.
            None => crate::money::Percent::new(Decimal::ZERO),
        };
        if (entered.value() - computed.value()).abs() > tol {
            ctx.push(
                "F006",
                format!("/funding/{key}/rows/{i}/share"),
                format!(
                    "{label}「{}」占比填为 {}，按 {} ÷ {} 计算应为 {}",
                    row.name,
                    entered.display2(),
                    amount.display2(),
                    total.display2(),
                    computed.display2()
                ),
            );
        }
    }
    if let Some(share) = b.total.share
        && !total.value().is_zero()
        && (share.value() - Decimal::ONE_HUNDRED).abs() > tol
    {
        ctx.push(
            "F007",
            format!("/funding/{key}/total/share"),
            format!("{label}合计行占比填为 {}，应为 100.00%", share.display2()),
        );
    }
}

/// F005: 收入合计 = 支出合计, per column (using the entered totals, else the sums).
fn balance(ctx: &mut Ctx) {
    let f = &ctx.form.funding;
    let tol = ctx.template.rules.money_tolerance;
    let inc = block_figures(&f.income);
    let exp = block_figures(&f.expenditure);
    for c in Column::ALL {
        let income = inc.column(c).entered_total.or(inc.column(c).sum);
        let expenditure = exp.column(c).entered_total.or(exp.column(c).sum);
        if let (Some(i), Some(e)) = (income, expenditure)
            && differs(i, e, tol)
        {
            ctx.push(
                "F005",
                format!("/funding/expenditure/total/{}", c.key()),
                format!(
                    "{}：收入合计为 {}，支出合计为 {}，两者应相等",
                    c.label(f),
                    i.display2(),
                    e.display2()
                ),
            );
        }
    }
}
