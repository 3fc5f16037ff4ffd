//! XLSX export and import: the seed, hand-varied forms and generated forms read back into the
//! identical canonical form; calamine sees the promised cells, numbers, formulas and merges.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use jixiao_domain::form::{Date, FiscalYear, Indicator, Project};
use jixiao_domain::{Form, Money, Percent, Registry, TargetValue};
use jixiao_formats::xlsx::{self, SHEET};
use jixiao_formats::{ImportError, ReportKind};
use proptest::prelude::*;

use common::{export, seed};

fn import(bytes: &[u8]) -> Form {
    let (form, report) = xlsx::read_form(bytes, &Registry::default()).unwrap();
    assert_eq!(report.format, "xlsx");
    assert_eq!(report.count(ReportKind::Unplaced), 0, "{report:#?}");
    form
}

fn assert_round_trip(form: &Form) {
    let back = import(&export(form, false));
    assert_eq!(
        serde_json::to_string_pretty(&back).unwrap(),
        serde_json::to_string_pretty(form).unwrap()
    );
    assert_eq!(&back, form);
}

fn money(s: &str) -> Money {
    s.parse().unwrap()
}

#[test]
fn seed_round_trips_exactly() {
    let form = seed();
    let back = import(&export(&form, false));
    assert_eq!(
        back.projects[0].current_budget.unwrap().to_string(),
        "1.008"
    );
    assert_round_trip(&form);
}

#[test]
fn public_copy_has_no_filler_or_phone() {
    let bytes = export(&seed(), true);
    let back = import(&bytes);
    assert_eq!(back.header.filler, None);
    assert_eq!(back.header.phone, None);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    let range = book.worksheet_range(SHEET).unwrap();
    assert!(!range.cells().any(
        |(_, _, v)| matches!(v, Data::String(s) if s.contains("15172093138") || s.contains("刘洋"))
    ));
}

#[test]
fn calamine_sees_numbers_formulas_and_merges() {
    let bytes = export(&seed(), false);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    let range = book.worksheet_range(SHEET).unwrap();
    let formulas = book.worksheet_formula(SHEET).unwrap();
    let merges = book.merge_cells_by_sheet_name(SHEET).unwrap();
    let at = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    let formula = |r: u32, c: u32| formulas.get_value((r, c)).cloned().unwrap_or_default();
    let merged = |r1: u32, c1: u32, r2: u32, c2: u32| {
        merges
            .iter()
            .any(|d| d.start == (r1, c1) && d.end == (r2, c2))
    };

    assert_eq!(at(0, 0), Data::String("部门整体绩效目标申报表".into()));
    assert!(merged(0, 0, 0, 10));
    assert_eq!(at(2, 2), Data::String("阳新县兴国镇人民政府".into()));
    // Funding: amounts are numbers, totals SUM formulas, shares ratio formulas, with cached values.
    assert_eq!(at(6, 2), Data::String("财政拨款".into()));
    assert_eq!(at(6, 5), Data::Float(1679.6));
    assert_eq!(formula(9, 5), "SUM(F7:F9)");
    assert_eq!(at(9, 5), Data::Float(1679.6));
    assert_eq!(formula(10, 6), "IF(F$14=0,\"\",F11/F$14)");
    assert_eq!(at(10, 6), Data::Float(846.33 / 1679.6));
    assert!(merged(6, 1, 9, 1), "收入构成 spans its rows and 合计");
    assert!(
        merged(4, 0, 13, 0),
        "部门总体资金情况 spans the funding table"
    );
    // The 1.008 project budget is stored exactly.
    assert!(
        range
            .cells()
            .any(|(_, c, v)| c == 6 && *v == Data::Float(1.008))
    );
    // Level-1 运行成本 spans its four rows in the long-term table.
    let (r, _, _) = range
        .cells()
        .find(|(_, c, v)| *c == 3 && **v == Data::String("公用经费控制率".into()))
        .unwrap();
    let r = r as u32 + range.start().unwrap().0;
    assert_eq!(at(r, 1), Data::String("运行成本".into()));
    assert!(merged(r, 1, r + 3, 1));
    assert!(
        merged(r + 2, 2, r + 3, 2),
        "项目支出成本控制 spans two rows"
    );
}

/// A variant of the seed that exercises every path: entered totals and shares that disagree with
/// the amounts, missing values, text that looks like a formula, unprinted fields, odd decimals.
fn varied() -> Form {
    let mut f = seed();
    f.header.fill_date = None;
    f.header.filler = None;
    f.header.unit_name = "=HYPERLINK(\"http://x\",\"点击\")".into();
    f.header.phone = Some("+86 151 7209 3138".into());
    let inc = &mut f.funding.income;
    inc.total.current = Some(money("1679.61")); // disagrees with the rows: kept as entered
    inc.rows[0].amounts.share = Some(Percent::new("99.5".parse().unwrap()));
    inc.rows[1].amounts.share = None;
    inc.rows[2].amounts.current = None;
    inc.rows[2].amounts.share = None;
    let exp = &mut f.funding.expenditure;
    exp.total.last_year = None;
    exp.total.share = None;
    exp.rows[0].amounts.current = Some(money("846.123456"));
    exp.rows[1].amounts.year_before = Some(money("-5"));
    exp.rows[2].amounts.current = Some(money("99999999.99"));
    f.functions = vec![
        "-开头的段落".into(),
        "第二段\n含换行".into(),
        "@提及".into(),
    ];
    f.annual_tasks.clear();
    f.projects = vec![Project {
        name: "+项目".into(),
        category: "特定目标类".into(),
        total_budget: None,
        current_budget: Some(money("0.000001")),
        purpose: String::new(),
    }];
    f.goals.long_term.deadline_year = None;
    f.goals.long_term.items.truncate(1);
    f.indicators.long_term.goal.clear();
    let rows = &mut f.indicators.annual.rows;
    rows[0].definition = Some("公用经费支出 / 预算数".into());
    rows[0].scoring_rule = Some("每低 1% 扣 1 分".into());
    rows[0].unit_of_measure = Some("%".into());
    rows[0].weight = Some("2.5".parse().unwrap());
    rows[0].remark = Some("=备注".into());
    rows[1].target = TargetValue::parse("-3%");
    rows[2].target = TargetValue::parse("约5%左右");
    rows[3].target = Some(TargetValue::NotApplicable);
    rows[4].target = None;
    rows[4].basis = None;
    rows[4].class = None;
    rows[5].year_before = None;
    f.indicators.long_term.rows.truncate(5);
    f
}

#[test]
fn varied_form_round_trips_exactly() {
    assert_round_trip(&varied());
}

#[test]
fn disagreeing_values_are_written_as_entered_not_as_formulas() {
    let bytes = export(&varied(), false);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    let range = book.worksheet_range(SHEET).unwrap();
    let formulas = book.worksheet_formula(SHEET).unwrap();
    let formula = |r: u32, c: u32| formulas.get_value((r, c)).cloned().unwrap_or_default();
    assert_eq!(
        formula(9, 5),
        "",
        "the entered income total disagrees: a constant"
    );
    assert_eq!(range.get_value((9, 5)), Some(&Data::Float(1679.61)));
    assert_eq!(formula(6, 6), "", "the entered share disagrees: a constant");
    assert_eq!(range.get_value((6, 6)), Some(&Data::Float(0.995)));
    assert_eq!(
        formula(7, 6),
        "IF(F$10=0,\"\",F8/F$10)",
        "a share left empty is still a live formula"
    );
    // Formula-like text stays text (and carries Excel's quote prefix).
    assert_eq!(
        range.get_value((2, 2)),
        Some(&Data::String("=HYPERLINK(\"http://x\",\"点击\")".into()))
    );
    assert_eq!(formula(2, 2), "");
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.as_slice())).unwrap();
    let mut styles = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("xl/styles.xml").unwrap(), &mut styles).unwrap();
    assert!(styles.contains("quotePrefix=\"1\""));
}

#[test]
fn foreign_and_broken_workbooks_are_refused_in_chinese() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write_string(0, 0, "别的表格").unwrap();
    let foreign = wb.save_to_buffer().unwrap();
    let err = xlsx::read_form(&foreign, &Registry::default()).unwrap_err();
    assert!(matches!(err, ImportError::UnknownFormat(_)));
    assert!(err.to_string().contains("部门整体绩效目标申报表"), "{err}");

    let err = xlsx::read_form(b"PK\x03\x04 truncated", &Registry::default()).unwrap_err();
    assert!(err.to_string().contains("XLSX"), "{err}");

    // The right sheet name but nothing of the layout.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET).unwrap();
    ws.write_string(5, 5, "随便").unwrap();
    let err = xlsx::read_form(&wb.save_to_buffer().unwrap(), &Registry::default()).unwrap_err();
    assert!(err.to_string().contains("部门总体资金情况"), "{err}");
}

#[test]
fn huge_sheets_are_refused_without_allocating_the_grid() {
    // One cell at the far corner: calamine's Range would allocate 17 billion cells.
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET).unwrap();
    ws.write_string(0, 0, "部门总体资金情况").unwrap();
    ws.write_string(1_048_575, 16_383, "远处").unwrap();
    let err = xlsx::read_form(&wb.save_to_buffer().unwrap(), &Registry::default()).unwrap_err();
    assert!(!err.to_string().is_empty());

    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(SHEET).unwrap();
    for r in 0..(xlsx::MAX_CELLS as u32 / 4 + 1) {
        for c in 0..4 {
            ws.write_number(r, c, 1.0).unwrap();
        }
    }
    let err = xlsx::read_form(&wb.save_to_buffer().unwrap(), &Registry::default()).unwrap_err();
    assert!(matches!(err, ImportError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains("单元格数量"), "{err}");
}

fn text() -> impl Strategy<Value = String> {
    // Trimmed (the reader trims cells), non-empty text mixing Chinese, ASCII, XML specials and formula starters.
    "[=+@<&\"a-z一-龥（）、：%≥]{0,3}[一-龥a-zA-Z0-9<>&\"'，。][一-龥a-zA-Z0-9<>&\"' ，。\n]{0,40}[一-龥a-z0-9。]"
}

fn amount() -> impl Strategy<Value = Option<Money>> {
    prop::option::of(
        (0i64..10_000_000_000, 0u32..7)
            .prop_map(|(m, s)| Money::new(rust_decimal::Decimal::new(m, s)).unwrap()),
    )
}

fn target() -> impl Strategy<Value = Option<TargetValue>> {
    prop::option::of(
        prop::sample::select(vec![
            "≥90%",
            "100%",
            "≤5%",
            "≥4项",
            "≥2.5%",
            ">0",
            "<3天",
            "=1",
            "健全",
            "是",
            "持续推进",
            "不适用",
            "约5%左右",
            "-3%",
            "98.75%",
        ])
        .prop_map(|s| TargetValue::parse(s).unwrap()),
    )
}

prop_compose! {
    fn indicator()(level1 in prop::sample::select(vec!["运行成本", "管理效率", "满意度"]),
                   level2 in prop::sample::select(vec!["公用经费控制", "预算执行", "核心业务产出1"]),
                   name in text(), t in target(), yb in target(), ly in target(),
                   basis in prop::option::of(prop::sample::select(vec!["计划标准", "行业标准"])),
                   class in prop::option::of(prop::sample::select(vec!["基本型", "创新型"])),
                   definition in prop::option::of(text()),
                   weight in prop::option::of((0i64..1000, 0u32..3).prop_map(|(m, s)| rust_decimal::Decimal::new(m, s).normalize())))
        -> Indicator {
        Indicator { level1: level1.into(), level2: level2.into(), name, target: t, year_before: yb, last_year: ly,
            basis: basis.map(Into::into), class: class.map(Into::into), definition, weight, ..Default::default() }
    }
}

prop_compose! {
    fn form()(amounts in prop::collection::vec(amount(), 24),
              shares in prop::collection::vec(prop::option::of((0i64..10000).prop_map(|m| Percent::new(rust_decimal::Decimal::new(m, 2)))), 8),
              functions in prop::collection::vec(text(), 0..4),
              projects in prop::collection::vec((text(), amount(), amount(), text()), 0..4),
              goals in prop::collection::vec(text(), 0..3),
              deadline in prop::option::of(2020i64..2040),
              day in 1i64..28,
              long_rows in prop::collection::vec(indicator(), 0..8),
              annual_rows in prop::collection::vec(indicator(), 0..8),
              unit_name in text())
        -> Form {
        let mut f = seed();
        f.header.unit_name = unit_name;
        f.header.fill_date = Some(Date::new(2025, 11, day).unwrap());
        let mut a = amounts.into_iter();
        let mut s = shares.into_iter();
        for block in [&mut f.funding.income, &mut f.funding.expenditure] {
            for row in block.rows.iter_mut().map(|r| &mut r.amounts).chain([&mut block.total]) {
                row.current = a.next().unwrap();
                row.last_year = a.next().unwrap();
                row.year_before = a.next().unwrap();
                row.share = s.next().unwrap();
            }
        }
        f.functions = functions;
        f.projects = projects.into_iter().map(|(name, t, c, purpose)| Project {
            name, category: "特定目标类".into(), total_budget: t, current_budget: c, purpose }).collect();
        f.goals.long_term.items = goals.clone();
        f.goals.long_term.deadline_year = deadline.map(|y| FiscalYear::new(y).unwrap());
        f.goals.annual = goals.into_iter().rev().collect();
        f.indicators.long_term.rows = long_rows.into_iter().map(|mut r| { r.year_before = None; r.last_year = None; r }).collect();
        f.indicators.annual.rows = annual_rows;
        f
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn generated_forms_round_trip(form in form()) {
        let back = import(&export(&form, false));
        let (a, b) = (serde_json::to_string_pretty(&back).unwrap(), serde_json::to_string_pretty(&form).unwrap());
        let diff: Vec<String> = a.lines().zip(b.lines()).enumerate().filter(|(_, (x, y))| x != y).take(6)
            .map(|(i, (x, y))| format!("line {i}: read {x} | wrote {y}")).collect();
        prop_assert!(back == form, "differences: {diff:#?}");
    }
}

/// A form of another template (central, without the 前年/上年 columns) round-trips too.
#[test]
fn central_template_form_round_trips() {
    use jixiao_domain::form::{FundingAmounts, FundingRow, TemplateRef};
    let reg = Registry::default();
    let t = reg.get("central-dept-2015", None).unwrap();
    assert!(!t.annual_history_columns);
    let mut f = seed();
    f.template = TemplateRef {
        id: t.id.clone(),
        version: t.version,
    };
    let rows = |defs: &[jixiao_domain::template::FundingRowDef]| -> Vec<FundingRow> {
        defs.iter()
            .enumerate()
            .map(|(i, d)| FundingRow {
                key: d.key.clone(),
                name: d.name.clone(),
                amounts: FundingAmounts {
                    current: Some(money(&format!("{}.5", 100 * (i + 1)))),
                    ..Default::default()
                },
            })
            .collect()
    };
    f.funding.income.rows = rows(&t.funding.income);
    f.funding.income.total = FundingAmounts {
        current: Some(money("301")),
        ..Default::default()
    };
    f.funding.expenditure.rows = rows(&t.funding.expenditure);
    f.funding.expenditure.total = FundingAmounts {
        current: Some(money("301")),
        ..Default::default()
    };
    for table in [&mut f.indicators.long_term, &mut f.indicators.annual] {
        table.rows.truncate(3);
        for (i, r) in table.rows.iter_mut().enumerate() {
            r.level1 = "产出指标".into();
            r.level2 = if i < 2 {
                "数量指标".into()
            } else {
                "质量指标".into()
            };
            r.year_before = None;
            r.last_year = None;
        }
    }
    let bytes = xlsx::write_form(
        &f,
        Some(t),
        &xlsx::XlsxOptions {
            privacy: jixiao_domain::Privacy::Private,
        },
    )
    .unwrap();
    let (back, _) = xlsx::read_form(&bytes, &reg).unwrap();
    assert_eq!(back, f);
    let blank = xlsx::write_blank(
        t,
        &xlsx::BlankOptions::for_year(FiscalYear::new(2026).unwrap()),
    )
    .unwrap();
    let (empty, _) = xlsx::read_form(&blank, &reg).unwrap();
    assert_eq!(empty.template.id, "central-dept-2015");
    assert_eq!(empty.funding.expenditure.rows[1].name, "项目支出");
    assert!(empty.indicators.annual.rows.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Damaged workbooks (bytes overwritten anywhere) are refused or read, never a panic.
    #[test]
    fn damaged_workbooks_never_panic(edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut bytes = export(&seed(), false);
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let _ = xlsx::read_form(&bytes, &Registry::default());
    }
}

#[test]
fn text_beyond_excel_limit_is_a_chinese_error() {
    let mut f = seed();
    f.functions = vec!["很长".repeat(20_000)];
    let err = xlsx::write_form(
        &f,
        None,
        &xlsx::XlsxOptions {
            privacy: jixiao_domain::Privacy::Private,
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("32767"), "{err}");
}
