//! Golden test: importing the seed text gives exactly the hand-checked canonical JSON.

use jixiao_domain::{Form, Registry};
use jixiao_formats::import::{ImportOptions, import_bytes, import_path};
use jixiao_formats::{ImportError, ReportKind};

fn fixture(rel: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(rel)
}

fn seed_form() -> Form {
    serde_json::from_str(&std::fs::read_to_string(fixture("seed/seed.form.json")).unwrap()).unwrap()
}

#[test]
fn seed_text_imports_to_the_canonical_json() {
    let imported = import_path(
        &fixture("seed/seed.txt"),
        &Registry::default(),
        &ImportOptions::default(),
    )
    .unwrap();
    let expected = seed_form();
    let got = &imported.form;
    // Compare section by section first for readable failures, then the whole form.
    assert_eq!(got.header, expected.header);
    assert_eq!(got.funding, expected.funding);
    assert_eq!(got.functions, expected.functions);
    assert_eq!(got.annual_tasks, expected.annual_tasks);
    assert_eq!(got.projects, expected.projects);
    assert_eq!(got.goals, expected.goals);
    for (a, b) in got
        .indicators
        .long_term
        .rows
        .iter()
        .zip(&expected.indicators.long_term.rows)
    {
        assert_eq!(a, b);
    }
    for (a, b) in got
        .indicators
        .annual
        .rows
        .iter()
        .zip(&expected.indicators.annual.rows)
    {
        assert_eq!(a, b);
    }
    assert_eq!(got, &expected);
    assert_eq!(imported.template_id, "hubei-dept-2026");
}

#[test]
fn seed_report_lists_the_layout_repairs_with_lines() {
    let imported = import_path(
        &fixture("seed/seed.txt"),
        &Registry::default(),
        &ImportOptions::default(),
    )
    .unwrap();
    let r = &imported.report;
    for item in &r.items {
        eprintln!(
            "{:?} {} {:?} {}",
            item.kind, item.source, item.path, item.message
        );
    }
    assert_eq!(r.format, "text");
    // The two page-break joins (functions paragraph 7, annual task 4) are guesses with lines.
    let joins: Vec<_> = r
        .items
        .iter()
        .filter(|i| i.message.contains("分页"))
        .collect();
    assert_eq!(joins.len(), 2, "{joins:?}");
    assert_eq!(joins[0].source.line, Some(21));
    assert_eq!(joins[0].path.as_deref(), Some("/functions/6"));
    assert_eq!(joins[1].path.as_deref(), Some("/annual_tasks/3"));
    // `≥2. 5%` is a repaired number.
    assert!(
        r.items
            .iter()
            .any(|i| i.kind == ReportKind::Guess && i.message.contains("≥2. 5%"))
    );
    // Nothing was left unplaced.
    assert_eq!(r.count(ReportKind::Unplaced), 0, "{:#?}", r.items);
    // The fiscal year is explained.
    assert!(
        r.items
            .iter()
            .any(|i| i.message.contains("预算年度定为 2026 年"))
    );
}

#[test]
fn strict_mode_turns_the_guesses_into_an_error() {
    let bytes = std::fs::read(fixture("seed/seed.txt")).unwrap();
    let opts = ImportOptions {
        strict: true,
        ..Default::default()
    };
    match import_bytes("seed.txt", &bytes, &Registry::default(), &opts) {
        Err(ImportError::Strict { count, report }) => {
            assert_eq!(
                count,
                report.count(ReportKind::Guess) + report.count(ReportKind::Unplaced)
            );
            assert!(count >= 3);
        }
        other => panic!("expected a strict error, got {other:?}"),
    }
}

#[test]
fn canonical_json_round_trips_through_the_importer() {
    let imported = import_path(
        &fixture("seed/seed.form.json"),
        &Registry::default(),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(imported.form, seed_form());
    assert_eq!(imported.report.format, "json");
}

#[test]
fn text_artefacts_are_repaired_as_guesses() {
    let seed = std::fs::read_to_string(fixture("seed/seed.txt")).unwrap();
    // `≥` read as 2 in the 上年 column, `≥` lost in the long-term table, and a long-term row
    // whose value, basis and class ran together into one cell.
    let text = seed
        .replace(
            "群众满意度\t≥95%\t≥95%\t≥95%",
            "群众满意度\t≥95%\t295%\t≥95%",
        )
        .replace(
            "政府采购执行率\t≥90%\t预算支出标准\t基本型",
            "政府采购执行率\t90%\t预算支出标准\t基本型",
        )
        .replace(
            "\t\t\t结转结余率\t≤5%\t预算支出标准\t基本型",
            "\t\t\t结转结余率≤5%预算支出标准基本型",
        );
    assert_ne!(text, seed);
    let imported = import_bytes(
        "x.txt",
        text.as_bytes(),
        &Registry::default(),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(imported.form, seed_form());
    let r = &imported.report;
    let has = |s: &str| {
        r.items.iter().any(|i| {
            i.kind == ReportKind::Guess && i.message.contains(s) && i.source.line.is_some()
        })
    };
    assert!(has("「295%」读作「≥95%」"), "{:#?}", r.items);
    assert!(has("「90%」读作「≥90%」"), "{:#?}", r.items);
    assert!(has("列连在一起"), "{:#?}", r.items);
}

#[test]
fn a_suspicious_value_without_evidence_is_kept_and_reported() {
    let seed = std::fs::read_to_string(fixture("seed/seed.txt")).unwrap();
    let text = seed.replace("业务学习与培训 完成率\t≥95%", "业务学习与培训 完成率\t295%");
    let imported = import_bytes(
        "x.txt",
        text.as_bytes(),
        &Registry::default(),
        &ImportOptions::default(),
    )
    .unwrap();
    // The annual table has `≥95%` for the same indicator: that is evidence, so it is repaired.
    let row = &imported.form.indicators.long_term.rows[33];
    assert_eq!(row.name, "业务学习与培训完成率");
    assert_eq!(row.target, jixiao_domain::TargetValue::parse("≥95%"));
    // Without the annual table there is no evidence: kept as written and reported.
    let cut = text.split("\n年度目标\t").next().unwrap();
    let imported = import_bytes(
        "x.txt",
        cut.as_bytes(),
        &Registry::default(),
        &ImportOptions::default(),
    )
    .unwrap();
    let row = &imported.form.indicators.long_term.rows[33];
    assert_eq!(row.target, jixiao_domain::TargetValue::parse("295%"));
    assert!(
        imported
            .report
            .items
            .iter()
            .any(|i| i.kind == ReportKind::Unplaced && i.message.contains("可疑"))
    );
}

#[test]
fn gbk_encoded_text_is_read_too() {
    let seed = std::fs::read_to_string(fixture("seed/seed.txt")).unwrap();
    let (gbk, _, lossy) = encoding_rs::GB18030.encode(&seed);
    assert!(!lossy);
    let imported = import_bytes(
        "seed.txt",
        &gbk,
        &Registry::default(),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(imported.form, seed_form());
    assert!(
        imported
            .report
            .items
            .iter()
            .any(|i| i.message.contains("GB18030"))
    );
}

#[test]
fn a_row_run_into_one_line_is_split_by_the_frame() {
    let seed = std::fs::read_to_string(fixture("seed/seed.txt")).unwrap();
    // The first long-term indicator row with its cells run together by spaces.
    let text = seed.replace(
        "\t运行成本\t公用经费控制\t公用经费控制率\t100%\t预算支出标准\t基本型",
        "\t运行成本 公用经费控制 公用经费控制率 100% 预算支出标准 基本型",
    );
    assert_ne!(text, seed);
    let imported = import_bytes(
        "x.txt",
        text.as_bytes(),
        &Registry::default(),
        &ImportOptions::default(),
    )
    .unwrap();
    assert_eq!(imported.form, seed_form());
    assert!(
        imported
            .report
            .items
            .iter()
            .any(|i| i.kind == ReportKind::Guess && i.message.contains("列连在一起"))
    );
}
