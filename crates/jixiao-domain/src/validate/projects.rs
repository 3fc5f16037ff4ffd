//! Rules on 项目支出情况 (P…): names, categories, amounts, and the projects' sum against the
//! expenditure rows their category feeds.

use super::{Ctx, quote};
use crate::compute::funding::Column;
use crate::money::Money;

pub(crate) fn check(ctx: &mut Ctx) {
    let form = ctx.form;
    let t = ctx.template;
    for (i, p) in form.projects.iter().enumerate() {
        let base = format!("/projects/{i}");
        let who = if p.name.trim().is_empty() {
            format!("第 {} 个项目", i + 1)
        } else {
            format!("项目{}", quote(&p.name))
        };
        if p.name.trim().is_empty() {
            ctx.push(
                "P001",
                format!("{base}/name"),
                format!("第 {} 个项目未填项目名称", i + 1),
            );
        }
        if !t
            .project_categories
            .iter()
            .any(|c| c.name == p.category.trim())
        {
            let allowed: Vec<&str> = t
                .project_categories
                .iter()
                .map(|c| c.name.as_str())
                .collect();
            ctx.push(
                "P002",
                format!("{base}/category"),
                format!(
                    "{who}的支出项目类别为{}，应为 {} 之一",
                    quote(&p.category),
                    allowed.join("、")
                ),
            );
        }
        for (field, label, amount) in [
            ("total_budget", "项目总预算", p.total_budget),
            ("current_budget", "本年度预算", p.current_budget),
        ] {
            if let Some(m) = amount
                && m.is_negative()
            {
                ctx.push(
                    "P004",
                    format!("{base}/{field}"),
                    format!("{who}的{label}为 {}，不能为负数", m.display2()),
                );
            }
        }
        match (p.total_budget, p.current_budget) {
            (_, None) => ctx.push(
                "P005",
                format!("{base}/current_budget"),
                format!("{who}未填本年度预算"),
            ),
            (None, Some(_)) => ctx.push(
                "P006",
                format!("{base}/total_budget"),
                format!("{who}未填项目总预算"),
            ),
            (Some(total), Some(current)) if current > total => ctx.push(
                "P003",
                format!("{base}/current_budget"),
                format!(
                    "{who}的本年度预算 {} 大于项目总预算 {}",
                    current.display2(),
                    total.display2()
                ),
            ),
            _ => {}
        }
        if !p.name.trim().is_empty()
            && form.projects[..i]
                .iter()
                .any(|q| q.name.trim() == p.name.trim())
        {
            ctx.push(
                "P008",
                format!("{base}/name"),
                format!("{who}与前面的项目同名，可能重复录入"),
            );
        }
        if p.purpose.trim().is_empty() {
            ctx.push(
                "P009",
                format!("{base}/purpose"),
                format!("{who}未填主要支出方向和用途"),
            );
        }
    }
    category_sums(ctx);
}

/// P007: per category that has projects, their 本年度预算 against the expenditure row it feeds.
fn category_sums(ctx: &mut Ctx) {
    let form = ctx.form;
    let tol = ctx.template.rules.money_tolerance;
    for cat in &ctx.template.project_categories {
        let Some(key) = &cat.expenditure_key else {
            continue;
        };
        let in_cat = || {
            form.projects
                .iter()
                .filter(|p| p.category.trim() == cat.name)
        };
        let count = in_cat().count();
        if count == 0 {
            continue;
        }
        let sum = crate::money::sum(in_cat().filter_map(|p| p.current_budget.as_ref()));
        let Some((i, row)) = form
            .funding
            .expenditure
            .rows
            .iter()
            .enumerate()
            .find(|(_, r)| &r.key == key)
        else {
            continue;
        };
        let Some(amount) = Column::Current.of(&row.amounts) else {
            continue;
        };
        if (sum.round(2) - amount.round(2)).abs() > tol {
            let hint = if sum < amount {
                "；未列出全部项目时请说明"
            } else {
                "；项目预算超出支出构成"
            };
            ctx.push(
                "P007",
                format!("/funding/expenditure/rows/{i}/current"),
                format!(
                    "{} 个{}项目的本年度预算合计 {}，支出构成「{}」为 {}，相差 {}{hint}",
                    count,
                    cat.name,
                    sum.display2(),
                    row.name,
                    amount.display2(),
                    Money::new(amount.value() - sum.value())
                        .unwrap_or_default()
                        .display2()
                ),
            );
        }
    }
}
