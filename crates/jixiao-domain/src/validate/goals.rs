//! Rules on 整体绩效总目标 and the goal texts above the indicator tables (G…).

use super::Ctx;

pub(crate) fn check(ctx: &mut Ctx) {
    let form = ctx.form;
    let goals = &form.goals;
    let fy = form.header.fiscal_year;
    match goals.long_term.deadline_year {
        Some(y) if y < fy => ctx.push(
            "G001",
            "/goals/long_term/deadline_year".into(),
            format!("长期目标截止 {y} 年，早于预算年度 {fy} 年"),
        ),
        Some(_) => {}
        None => ctx.push(
            "G002",
            "/goals/long_term/deadline_year".into(),
            "长期目标未写明截止年度（截止 YYYY 年）".into(),
        ),
    }
    if goals.long_term.items.iter().all(|g| g.trim().is_empty()) {
        ctx.push(
            "G003",
            "/goals/long_term/items".into(),
            "整体绩效总目标没有长期目标".into(),
        );
    }
    if goals.annual.iter().all(|g| g.trim().is_empty()) {
        ctx.push(
            "G004",
            "/goals/annual".into(),
            "整体绩效总目标没有年度目标".into(),
        );
    }
    for (kind, table) in form.indicators.tables() {
        if table.goal.trim().is_empty() {
            ctx.push(
                "G005",
                format!("/indicators/{}/goal", kind.key()),
                format!("{}表上方的目标文字为空", kind.label()),
            );
        }
    }
}
