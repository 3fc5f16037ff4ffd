//! One test per rule of the header, funding, projects and goals sections: a mutation of the
//! clean seed that breaks it (the clean seed itself gives no finding).

mod common;

use common::{clean, m, run};
use jixiao_domain::form::Date;

#[test]
fn clean_seed_has_no_findings() {
    assert_eq!(run(&clean()), vec![]);
}

case!(h001_template_differs, "H001", "/template/id", |f| f
    .template
    .id =
    "other-template".into());
case!(h002_version_differs, "H002", "/template/version", |f| f
    .template
    .version =
    9);
case!(h003_unit_name_empty, "H003", "/header/unit_name", |f| f
    .header
    .unit_name =
    " ".into());
case!(h004_bad_phone, "H004", "/header/phone", |f| f
    .header
    .phone =
    Some("1234".into()));
case!(h005_no_filler, "H005", "/header/filler", |f| f
    .header
    .filler =
    None);
case!(h006_fill_date_late, "H006", "/header/fill_date", |f| f
    .header
    .fill_date =
    Some(Date::new(2027, 1, 5).unwrap()));
case!(h007_amount_unit, "H007", "/header/amount_unit", |f| f
    .header
    .amount_unit =
    "元".into());
case!(h008_no_functions, "H008", "/functions", |f| f
    .functions
    .clear());
case!(h009_no_tasks, "H009", "/annual_tasks", |f| f
    .annual_tasks
    .clear());
case!(h010_markup, "H010", "/functions/0", |f| f.functions[0] =
    "<p>宣传、贯彻落实</p>".into());
case!(h011_too_long, "H011", "/functions/1", |f| f.functions[1] =
    "字".repeat(10_001));
case!(h012_empty_paragraph, "H012", "/goals/annual/1", |f| f
    .goals
    .annual[1] =
    " ".into());

case!(f001_missing_row, "F001", "/funding/income/rows", |f| f
    .funding
    .income
    .rows
    .remove(2));
case!(
    f002_unknown_row,
    "F002",
    "/funding/income/rows/2/key",
    |f| f.funding.income.rows[2].key = "other".into()
);
case!(f003_row_name, "F003", "/funding/income/rows/0/name", |f| {
    f.funding.income.rows[0].name = "财政拨款资金".into()
});
case!(
    f005_income_ne_expenditure,
    "F005",
    "/funding/expenditure/total/last_year",
    |f| {
        f.funding.income.rows[0].amounts.last_year = m("1170.3");
        f.funding.income.total.last_year = m("1170.3");
    }
);
case!(
    f006_share,
    "F006",
    "/funding/expenditure/rows/1/share",
    |f| f.funding.expenditure.rows[1].amounts.share = Some("4.8".parse().unwrap())
);
case!(
    f007_total_share,
    "F007",
    "/funding/income/total/share",
    |f| f.funding.income.total.share = Some("99".parse().unwrap())
);
case!(
    f008_negative,
    "F008",
    "/funding/income/rows/1/current",
    |f| f.funding.income.rows[1].amounts.current = m("-5")
);
case!(
    f009_current_missing,
    "F009",
    "/funding/income/rows/1/current",
    |f| f.funding.income.rows[1].amounts.current = None
);
case!(
    f010_history_partly_missing,
    "F010",
    "/funding/income/total/last_year",
    |f| f.funding.income.rows[1].amounts.last_year = None
);
case!(f011_year_labels, "F011", "/funding/last_year", |f| f
    .funding
    .last_year =
    jixiao_domain::form::FiscalYear::new(2024).unwrap());
case!(f012_duplicate_row, "F012", "/funding/income/rows/3", |f| {
    let dup = f.funding.income.rows[1].clone();
    f.funding.income.rows.push(dup);
});

#[test]
fn f004_sum_names_both_values() {
    let mut f = clean();
    f.funding.expenditure.rows[2].amounts.current = m("751.61");
    let hit = common::expect_rule(
        &f,
        &common::hubei(),
        "F004",
        "/funding/expenditure/total/current",
    );
    assert_eq!(
        hit.message,
        "支出构成当年金额合计为 1679.60，各行相加为 1680.20，相差 -0.60"
    );
}

#[test]
fn f004_within_tolerance_is_not_a_finding() {
    let mut f = clean();
    // 1679.6 vs 1679.605 rounds to 1679.61: a difference of 0.01 is within the tolerance.
    f.funding.expenditure.rows[0].amounts.current = m("846.335");
    assert!(!run(&f).iter().any(|x| x.code == "F004"));
}

case!(p001_no_name, "P001", "/projects/0/name", |f| f.projects
    [0]
.name =
    String::new());
case!(p002_category, "P002", "/projects/0/category", |f| f
    .projects[0]
    .category =
    "其他类".into());
case!(
    p003_current_over_total,
    "P003",
    "/projects/1/current_budget",
    |f| f.projects[1].total_budget = m("100")
);
case!(p004_negative, "P004", "/projects/1/total_budget", |f| f
    .projects[1]
    .total_budget =
    m("-1"));
case!(p005_no_current, "P005", "/projects/0/current_budget", |f| {
    f.projects[0].current_budget = None
});
case!(p006_no_total, "P006", "/projects/0/total_budget", |f| f
    .projects[0]
    .total_budget =
    None);
case!(
    p007_sum,
    "P007",
    "/funding/expenditure/rows/2/current",
    |f| {
        f.projects[1].current_budget = m("210");
        f.projects[1].total_budget = m("210");
    }
);
case!(p008_duplicate, "P008", "/projects/2/name", |f| f.projects
    [2]
.name =
    f.projects[1].name.clone());
case!(p009_no_purpose, "P009", "/projects/0/purpose", |f| f
    .projects[0]
    .purpose =
    String::new());

#[test]
fn p007_seed_sum_equal_to_two_decimals() {
    // 1.008 + 200 + 180 + 180 + 190 = 751.008, printed 751.01: no finding.
    assert!(!run(&clean()).iter().any(|x| x.code == "P007"));
}

case!(
    g001_deadline_early,
    "G001",
    "/goals/long_term/deadline_year",
    |f| f.goals.long_term.deadline_year = Some(jixiao_domain::form::FiscalYear::new(2025).unwrap())
);
case!(
    g002_no_deadline,
    "G002",
    "/goals/long_term/deadline_year",
    |f| f.goals.long_term.deadline_year = None
);
case!(g003_no_long_term, "G003", "/goals/long_term/items", |f| f
    .goals
    .long_term
    .items
    .clear());
case!(g004_no_annual, "G004", "/goals/annual", |f| f
    .goals
    .annual
    .clear());
case!(g005_table_goal, "G005", "/indicators/annual/goal", |f| f
    .indicators
    .annual
    .goal =
    String::new());

#[test]
fn disabled_rules_are_skipped() {
    let mut t = common::hubei();
    let seed = common::seed();
    assert!(
        jixiao_domain::validate(&seed, &t)
            .iter()
            .any(|f| f.code == "X007")
    );
    t.rules.disabled = vec!["X007".into(), "I021".into()];
    let findings = jixiao_domain::validate(&seed, &t);
    assert!(
        !findings
            .iter()
            .any(|f| f.code == "X007" || f.code == "I021")
    );
    assert!(findings.iter().any(|f| f.code == "X003"));
}
