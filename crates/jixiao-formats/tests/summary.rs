//! The summary workbook: one row per unit, a totals row with SUM formulas and cached values, and a
//! row for a file that could not be read.

mod common;

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use jixiao_domain::Registry;
use jixiao_formats::summary::{SUMMARY_SHEET, SummaryInput, figures, write_summary};

#[test]
fn summary_has_a_row_per_unit_and_a_totals_row() {
    let seed = common::seed();
    let mut other = common::seed();
    other.header.unit_name = "=另一个单位".into();
    other.funding.expenditure.rows[0].amounts.current = Some("100".parse().unwrap());
    other.funding.expenditure.total.current = Some("933.27".parse().unwrap());
    other.indicators.annual.rows.truncate(10);
    let inputs = vec![
        SummaryInput {
            source: "a.json".into(),
            form: Ok(seed.clone()),
        },
        SummaryInput {
            source: "b.json".into(),
            form: Ok(other),
        },
        SummaryInput {
            source: "bad.json".into(),
            form: Err("规范 JSON 无法解析".into()),
        },
    ];
    let reg = Registry::default();
    let f = figures(&seed, &reg);
    assert_eq!(f.annual_count, 39);
    assert_eq!(
        f.by_level1
            .iter()
            .find(|(n, _)| n == "管理效率")
            .map(|(_, c)| *c),
        Some(20)
    );
    assert_eq!(
        f.by_class,
        vec![("基本型".to_string(), 32), ("创新型".to_string(), 7)]
    );

    let bytes = write_summary(&inputs, &reg).unwrap();
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    let range = book.worksheet_range(SUMMARY_SHEET).unwrap();
    let formulas = book.worksheet_formula(SUMMARY_SHEET).unwrap();
    let header: Vec<String> = (0..range.width() as u32)
        .map(|c| {
            range
                .get_value((2, c))
                .map(|d| d.to_string())
                .unwrap_or_default()
        })
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}: {header:?}")) as u32
    };
    let at = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);

    assert_eq!(
        at(3, col("单位名称")),
        Data::String("阳新县兴国镇人民政府".into())
    );
    assert_eq!(
        at(4, col("单位名称")),
        Data::String("=另一个单位".into()),
        "formula-like names stay text"
    );
    assert_eq!(at(3, col("收入合计")), Data::Float(1679.6));
    assert_eq!(at(3, col("人员类项目支出")), Data::Float(846.33));
    assert!(
        matches!(at(3, col("人员类项目支出占比")), Data::Float(x) if (x - 846.33 / 1679.6).abs() < 1e-12)
    );
    assert_eq!(at(4, col("年度指标")), Data::Float(10.0));
    assert!(matches!(at(5, col("状态")), Data::String(s) if s.starts_with("无法读取")));
    // The status follows the validator's counts (the validator is data-driven and grows).
    let expected = if f.errors > 0 {
        "有错误"
    } else if f.warnings > 0 {
        "有警告"
    } else {
        "通过"
    };
    assert_eq!(at(3, col("状态")), Data::String(expected.into()));
    assert_eq!(at(3, col("错误")), Data::Float(f.errors as f64));
    assert_eq!(at(3, col("警告")), Data::Float(f.warnings as f64));
    // Totals row (row 6): formulas with cached values.
    let total = col("收入合计");
    assert_eq!(
        formulas.get_value((6, total)).cloned().unwrap_or_default(),
        format!(
            "SUM({0}4:{0}6)",
            rust_xlsxwriter::utility::column_number_to_name(total as u16)
        )
    );
    assert_eq!(at(6, total), Data::Float(3359.2));
    assert_eq!(at(6, col("支出合计")), Data::Float(2612.87));
    assert_eq!(at(6, col("年度指标")), Data::Float(49.0));
    assert!(matches!(at(6, col("单位名称")), Data::String(s) if s.contains("2 个单位")));
}

/// The streamed summary reads only part of each stored form: its figures are those of a full
/// parse, for the seed and for a form with empty classes, missing amounts and fewer rows.
#[test]
fn figures_from_json_equal_those_of_a_full_parse() {
    use jixiao_formats::summary::{figures_from_json, figures_unchecked};
    let seed = common::seed();
    let mut other = common::seed();
    other.funding.income.rows[1].amounts.current = None;
    other.funding.expenditure.total.current = None;
    other.indicators.annual.rows.truncate(7);
    other.indicators.annual.rows[2].class = None;
    other.indicators.annual.rows[3].class = Some(String::new());
    other.indicators.long_term.rows.clear();
    for form in [seed, other] {
        let text = serde_json::to_string(&form).unwrap();
        assert_eq!(figures_from_json(&text).unwrap(), figures_unchecked(&form));
    }
    assert!(figures_from_json("{}").is_err());
    assert!(figures_from_json("not json").is_err());
}

/// The CSV summary: a BOM and a fixed header from the templates' funding rows, one line per
/// form with its amounts under the right columns, quoting, formula-like text made inert, and a
/// line that says why for a form that could not be read.
#[test]
fn csv_summary_lines() {
    use jixiao_formats::summary::{CsvRowMeta, CsvSummary, figures_unchecked};
    let plan = CsvSummary::new(&Registry::default());
    let header = plan.header();
    assert!(header.starts_with('\u{feff}') && header.ends_with("\r\n"));
    let cols: Vec<&str> = header
        .trim_start_matches('\u{feff}')
        .trim_end()
        .split(',')
        .collect();
    assert_eq!(
        cols[..7],
        [
            "区划代码",
            "区划名称",
            "单位编码",
            "单位名称",
            "预算年度",
            "状态",
            "版本"
        ]
    );
    assert_eq!(cols.last(), Some(&"说明"));
    let col = |name: &str| cols.iter().position(|c| *c == name).unwrap();
    let mut seed = common::seed();
    seed.header.unit_name = "=HYPERLINK(\"x\")".into();
    let meta = CsvRowMeta {
        region_code: "420222".into(),
        region_name: "阳新县".into(),
        unit_code: "4202220001".into(),
        unit_name: "兴国镇, 人民政府".into(),
        fiscal_year: 2026,
        status: "已批复".into(),
        version: 3,
        errors: 0,
        warnings: 2,
    };
    let line = plan.row(&meta, Ok(&figures_unchecked(&seed)));
    assert!(line.ends_with("\r\n"));
    assert!(line.contains("\"兴国镇, 人民政府\""), "{line}");
    // Split outside quotes.
    let mut cells = vec![String::new()];
    let mut quoted = false;
    for c in line.trim_end().chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => cells.push(String::new()),
            _ => cells.last_mut().unwrap().push(c),
        }
    }
    assert_eq!(cells.len(), cols.len(), "{line}");
    assert_eq!(cells[col("收入：财政拨款（万元）")], "1679.6");
    assert_eq!(cells[col("支出：人员类项目支出（万元）")], "846.33");
    assert_eq!(cells[col("收入合计（万元）")], "1679.6");
    assert_eq!(cells[col("年度指标数")], "39");
    assert_eq!(cells[col("校验警告")], "2");
    let bad = plan.row(&meta, Err("保存的申报表无法解析"));
    assert!(
        bad.trim_end().ends_with("无法读取：保存的申报表无法解析"),
        "{bad}"
    );
    assert_eq!(
        bad.matches(',').count(),
        line.matches(',').count(),
        "as many cells"
    );
}
