//! The fillable blank: it imports back as an empty form, and a blank filled and saved by another
//! program (openpyxl, which does not calculate formulas) imports with the values typed in.

mod common;

use jixiao_domain::form::FiscalYear;
use jixiao_domain::{Comparator, Registry, TargetValue};
use jixiao_formats::xlsx::{self, BlankOptions};

fn blank() -> Vec<u8> {
    let reg = Registry::default();
    let t = reg.get("hubei-dept-2026", None).unwrap();
    xlsx::write_blank(t, &BlankOptions::for_year(FiscalYear::new(2026).unwrap())).unwrap()
}

#[test]
fn untouched_blank_imports_as_an_empty_form() {
    let (form, _report) = xlsx::read_form(&blank(), &Registry::default()).unwrap();
    assert_eq!(form.template.id, "hubei-dept-2026");
    assert_eq!(form.header.fiscal_year.get(), 2026);
    assert_eq!(form.funding.last_year.get(), 2025);
    assert_eq!(form.funding.year_before.get(), 2024);
    assert_eq!(form.header.unit_name, "");
    assert_eq!(
        form.goals.long_term.deadline_year.map(|y| y.get()),
        Some(2026)
    );
    assert!(form.functions.is_empty() && form.projects.is_empty() && form.goals.annual.is_empty());
    assert!(form.indicators.long_term.rows.is_empty() && form.indicators.annual.rows.is_empty());
    for row in form
        .funding
        .income
        .rows
        .iter()
        .chain(&form.funding.expenditure.rows)
    {
        assert_eq!(row.amounts, Default::default(), "{}", row.name);
    }
    assert_eq!(form.funding.income.total, Default::default());
    assert_eq!(form.funding.income.rows.len(), 3);
}

#[test]
fn blank_has_drop_down_lists_and_formulas() {
    let dir = common::scratch("blank-xml");
    let path = dir.join("blank.xlsx");
    std::fs::write(&path, blank()).unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    for list in [
        "\"≥,&gt;,=,≤,&lt;\"",
        "\"计划标准,历史标准,行业标准,预算支出标准,其他标准\"",
        "\"基本型,创新型\"",
        "\"人员类,运转类,特定目标类\"",
    ] {
        assert!(xml.contains(list), "missing list {list}");
    }
    assert!(xml.contains("<f>SUM(F7:F9)</f>"), "income total formula");
    assert!(
        xml.contains("<f>IF(F$10=0,\"\",F7/F$10)</f>"),
        "share formula"
    );
}

#[test]
fn blank_filled_by_openpyxl_imports() {
    if !common::have_openpyxl() {
        return;
    }
    let dir = common::scratch("openpyxl-fill");
    let (src, dst) = (dir.join("blank.xlsx"), dir.join("filled.xlsx"));
    std::fs::write(&src, blank()).unwrap();
    common::run_python("openpyxl_fill.py", &[&src, &dst]);
    let bytes = std::fs::read(&dst).unwrap();
    let (form, report) = xlsx::read_form(&bytes, &Registry::default()).unwrap();

    let h = &form.header;
    assert_eq!(h.unit_name, "测试县教育局");
    assert_eq!(h.filler.as_deref(), Some("张三"));
    assert_eq!(h.phone.as_deref(), Some("13800138000"));
    assert_eq!(h.fill_date.unwrap().to_string(), "2025-11-20");

    // openpyxl saves no cached formula results: totals and shares are computed by jixiao.
    let inc = &form.funding.income;
    assert_eq!(inc.rows[0].amounts.current.unwrap().to_string(), "1000.5");
    assert_eq!(inc.total.current.unwrap().to_string(), "1020.5");
    assert_eq!(inc.total.last_year.unwrap().to_string(), "910");
    assert_eq!(inc.rows[0].amounts.share.unwrap().display2(), "98.04%");
    assert_eq!(inc.total.share.unwrap().display2(), "100.00%");
    let exp = &form.funding.expenditure;
    assert_eq!(exp.total.current.unwrap().to_string(), "1020.5");
    assert_eq!(exp.rows[1].amounts.share.unwrap().display2(), "11.81%");
    assert!(
        report
            .items
            .iter()
            .any(|i| i.message.contains("已由 jixiao 按金额计算"))
    );

    assert_eq!(
        form.functions,
        ["负责全县教育事业发展规划。", "管理县直学校。"]
    );
    assert_eq!(form.annual_tasks, ["新建幼儿园 2 所。"]);
    assert_eq!(form.projects.len(), 1);
    assert_eq!(
        form.projects[0].current_budget.unwrap().to_string(),
        "1.008"
    );
    assert_eq!(form.projects[0].category, "特定目标类");
    assert_eq!(form.goals.long_term.items, ["办好人民满意的教育。"]);
    assert_eq!(form.goals.annual, ["完成年度建设任务。"]);
    assert_eq!(form.indicators.annual.goal, "提升教育质量。");

    let lt = &form.indicators.long_term.rows;
    assert_eq!(lt.len(), 3, "{lt:#?}");
    assert_eq!(
        (
            lt[0].level1.as_str(),
            lt[0].level2.as_str(),
            lt[0].name.as_str()
        ),
        ("运行成本", "公用经费控制", "公用经费控制率")
    );
    assert_eq!(lt[0].target, TargetValue::parse("100%"));
    assert_eq!(
        lt[0].class.as_deref(),
        Some("基本型"),
        "class pre-filled from the template"
    );
    assert_eq!(
        lt[1].target,
        Some(TargetValue::Quantity {
            comparator: Some(Comparator::Le),
            number: 5.into(),
            unit: "%".into()
        })
    );
    assert_eq!(lt[2].level1, "满意度");
    assert_eq!(lt[2].target, TargetValue::parse("≥95%"));
    assert_eq!(lt[2].basis.as_deref(), Some("行业标准"));

    let an = &form.indicators.annual.rows;
    assert_eq!(an.len(), 2, "{an:#?}");
    assert_eq!(an[0].target, Some(TargetValue::Quality("健全".into())));
    assert_eq!(an[0].year_before, Some(TargetValue::Quality("健全".into())));
    assert_eq!(
        (an[1].level1.as_str(), an[1].level2.as_str()),
        ("履职效能", "核心业务产出2")
    );
    assert_eq!(an[1].target, TargetValue::parse("≥2所"));
    assert_eq!(an[1].last_year, TargetValue::parse("≥1所"));
    assert_eq!(an[1].class.as_deref(), Some("创新型"));
}

#[test]
fn filled_blank_without_jixiao_metadata_still_imports() {
    if !common::have_openpyxl() {
        return;
    }
    let dir = common::scratch("openpyxl-nometa");
    let (src, dst) = (dir.join("blank.xlsx"), dir.join("filled.xlsx"));
    std::fs::write(&src, blank()).unwrap();
    let out = std::process::Command::new("python3")
        .arg(common::script("openpyxl_fill.py"))
        .args([&src, &dst])
        .arg("--drop-meta")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (form, report) =
        xlsx::read_form(&std::fs::read(&dst).unwrap(), &Registry::default()).unwrap();
    assert_eq!(
        form.template.id, "hubei-dept-2026",
        "template recognised by its funding rows"
    );
    assert_eq!(
        form.header.fiscal_year.get(),
        2026,
        "budget year from the 上年 column"
    );
    assert_eq!(form.header.unit_name, "测试县教育局");
    assert_eq!(form.indicators.long_term.rows.len(), 3);
    let guesses: Vec<&str> = report
        .items
        .iter()
        .filter(|i| i.kind == jixiao_formats::ReportKind::Guess)
        .map(|i| i.message.as_str())
        .collect();
    assert!(
        guesses
            .iter()
            .any(|m| m.contains("推定为「hubei-dept-2026」")),
        "{guesses:?}"
    );
    assert!(
        guesses.iter().any(|m| m.contains("推定为 2026 年")),
        "{guesses:?}"
    );
}
