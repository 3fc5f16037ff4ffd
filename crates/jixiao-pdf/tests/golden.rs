//! Structure tests of the rendered PDF: page count, and the text poppler's `pdftotext` reads
//! back (every indicator of the seed, the unit, amounts, page numbers, repeated headers).
//! Bytes are not compared: they change with typst versions without the form changing.
//!
//! Needs `pdftotext` (Debian `poppler-utils`). Without it the text checks are skipped with a
//! message, except when `CI` is set, where a missing tool fails the test.

use std::path::PathBuf;
use std::process::Command;

use jixiao_domain::Privacy;
use jixiao_domain::form::{Form, Indicator};
use jixiao_domain::target::TargetValue;
use jixiao_pdf::{PdfError, PdfOptions, page_count, render};

fn seed() -> Form {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/seed/seed.form.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The text of each page (pdftotext separates pages with form feeds), or `None` when
/// pdftotext is not installed and CI is not set.
fn pages_text(pdf: &[u8], name: &str) -> Option<Vec<String>> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    match Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) => {
            assert!(
                out.status.success(),
                "pdftotext failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let text = String::from_utf8(out.stdout).unwrap();
            let mut pages: Vec<String> = text.split('\u{c}').map(compact).collect();
            if pages.last().is_some_and(|p| p.is_empty()) {
                pages.pop();
            }
            Some(pages)
        }
        Err(e) => {
            let ci = std::env::var("CI")
                .map(|v| !v.is_empty() && v != "false" && v != "0")
                .unwrap_or(false);
            assert!(!ci, "pdftotext (poppler-utils) is required in CI: {e}");
            eprintln!("SKIPPED text checks: pdftotext not found ({e}); install poppler-utils");
            None
        }
    }
}

/// Text without any whitespace: cells wrap and typst spaces CJK from Latin, so words are
/// compared without spaces.
fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn value(t: &Option<TargetValue>) -> String {
    compact(&t.as_ref().map(ToString::to_string).unwrap_or_default())
}

fn assert_page_numbers(pages: &[String]) {
    let n = pages.len();
    for (i, page) in pages.iter().enumerate() {
        let footer = format!("第{}页共{n}页", i + 1);
        assert!(page.contains(&footer), "page {} lacks {footer}", i + 1);
    }
}

#[test]
fn seed_has_every_indicator_value_and_amount() {
    let form = seed();
    let options = PdfOptions {
        privacy: Privacy::Private,
        ..Default::default()
    };
    let pdf = render(&form, &options).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let pages = page_count(&form, &options).unwrap();
    assert!((2..=6).contains(&pages), "seed printed on {pages} pages");
    let Some(text) = pages_text(&pdf, "seed") else {
        return;
    };
    assert_eq!(text.len(), pages);
    assert_page_numbers(&text);
    let all = text.concat();
    for needle in [
        "部门整体绩效目标申报表",
        "填报日期：2025年11月17日",
        "单位：万元",
        "阳新县兴国镇人民政府",
        "刘洋",
        "15172093138",
    ] {
        assert!(all.contains(needle), "missing {needle}");
    }
    for needle in [
        "1679.60", "100.00%", "50.39%", "4.90%", "44.71%", "1170.20", "1247.10", "344.94",
        "2025年", "2024年",
    ] {
        assert!(all.contains(needle), "missing amount {needle}");
    }
    for p in &form.projects {
        assert!(
            all.contains(&compact(&p.name)),
            "missing project {}",
            p.name
        );
    }
    assert!(
        all.contains("1.0081.008"),
        "project amounts 1.008 printed as stored (and as the published form prints them)"
    );
    assert!(all.contains("长期目标（截止2026年）"));
    assert!(all.contains("目标4："));
    for (_, table) in form.indicators.tables() {
        let mut last: Option<&Indicator> = None;
        for row in &table.rows {
            assert!(
                all.contains(&compact(&row.name)),
                "missing indicator {}",
                row.name
            );
            for v in [&row.target, &row.year_before, &row.last_year] {
                let v = value(v);
                assert!(all.contains(&v), "missing value {v} of {}", row.name);
            }
            // Level-1 and level-2 names print once per merged cell.
            if last.is_none_or(|l| l.level1 != row.level1) {
                assert!(
                    all.contains(&compact(&row.level1)),
                    "missing level-1 {}",
                    row.level1
                );
            }
            assert!(
                all.contains(&compact(&row.level2)),
                "missing level-2 {}",
                row.level2
            );
            last = Some(row);
        }
    }
    // Headers of narrow columns wrap (指标值确定/依据), as on the official form.
    for header in [
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值确定",
        "依据",
        "指标分",
        "近两年指标值",
        "前年",
        "上年",
        "预期当年",
        "实现值",
    ] {
        assert!(all.contains(header), "missing header {header}");
    }
}

#[test]
fn public_copy_leaves_out_filler_and_phone() {
    let form = seed();
    let pdf = render(
        &form,
        &PdfOptions {
            privacy: Privacy::Public,
            ..Default::default()
        },
    )
    .unwrap();
    let Some(text) = pages_text(&pdf, "seed-public") else {
        return;
    };
    let all = text.concat();
    assert!(all.contains("阳新县兴国镇人民政府"));
    for absent in ["刘洋", "15172093138", "3138", "填报人", "联系电话"] {
        assert!(!all.contains(absent), "public copy shows {absent}");
    }
}

/// A form far longer than any real one: long paragraphs and 200 rows in each table.
fn long_form() -> Form {
    let mut form = seed();
    let sentence = "加强基层治理能力建设，推进新型城镇化，改善营商环境，确保各项工作有序运转。";
    form.functions = (1..=12)
        .map(|i| format!("{}职能段落{i}结束标记", sentence.repeat(40)))
        .collect();
    form.annual_tasks = (1..=6)
        .map(|i| format!("{}任务段落{i}结束标记", sentence.repeat(60)))
        .collect();
    let frame: Vec<(String, String)> = form
        .indicators
        .annual
        .rows
        .iter()
        .map(|r| (r.level1.clone(), r.level2.clone()))
        .collect();
    for table in [&mut form.indicators.long_term, &mut form.indicators.annual] {
        let template = table.rows[0].clone();
        table.rows = (0..200)
            .map(|i| {
                // 10 rows per level-2 node, walking the seed's frame in order.
                let (l1, l2) = &frame[(i / 10) % frame.len()];
                Indicator {
                    level1: l1.clone(),
                    level2: l2.clone(),
                    name: format!("测试指标第{i:03}号"),
                    target: TargetValue::parse(&format!("≥{i}项")),
                    ..template.clone()
                }
            })
            .collect();
    }
    form
}

#[test]
fn long_form_repeats_headers_and_keeps_every_paragraph_whole() {
    let form = long_form();
    let pdf = render(&form, &PdfOptions::default()).unwrap();
    let Some(text) = pages_text(&pdf, "long") else {
        assert!(page_count(&form, &PdfOptions::default()).unwrap() > 8);
        return;
    };
    assert!(text.len() > 8, "only {} pages", text.len());
    assert_page_numbers(&text);
    let all = text.concat();
    for i in 1..=12 {
        assert!(
            all.contains(&format!("职能段落{i}结束标记")),
            "functions paragraph {i} cut"
        );
    }
    for i in 1..=6 {
        assert!(
            all.contains(&format!("任务段落{i}结束标记")),
            "task paragraph {i} cut"
        );
    }
    for i in 0..200 {
        let name = format!("测试指标第{i:03}号");
        assert_eq!(
            all.matches(&name).count(),
            2,
            "{name} should print once per table"
        );
        assert!(all.contains(&format!("≥{i}项")));
    }
    // Every page that shows indicator rows also shows the table's column headers.
    let mut table_pages = 0;
    for (i, page) in text.iter().enumerate() {
        if page.contains("测试指标第") {
            table_pages += 1;
            assert!(
                page.contains("三级指标"),
                "page {} continues a table without its header",
                i + 1
            );
        }
    }
    assert!(
        table_pages >= 6,
        "200-row tables on only {table_pages} pages"
    );
}

#[test]
fn user_text_is_printed_literally_never_run_as_markup() {
    let mut form = seed();
    form.header.unit_name =
        "#set page(width: 1cm) *粗体* $x$ ] } \\ <标签> @引用 // 注释".to_string();
    form.functions = vec!["#panic(\"不应执行\")".to_string(), "= 不是标题".to_string()];
    let pdf = render(&form, &PdfOptions::default()).unwrap();
    let Some(text) = pages_text(&pdf, "markup") else {
        return;
    };
    let all = text.concat();
    assert!(all.contains(&compact(
        "#set page(width: 1cm) *粗体* $x$ ] } \\ <标签> @引用 // 注释"
    )));
    assert!(all.contains(&compact("1、#panic(\"不应执行\")")));
    assert!(all.contains("2、=不是标题"));
}

#[test]
fn odd_characters_and_unbreakable_words_do_not_fail() {
    let mut form = seed();
    form.header.unit_name = "控制\u{0}字符\u{7}\t制表\r\n换行\u{feff}\u{202e}反向".to_string();
    form.functions = vec!["A".repeat(3000), "𠀀𪚥𰻞（扩展区汉字）".to_string()];
    form.indicators.annual.rows[0].name = "x".repeat(500);
    let pdf = render(&form, &PdfOptions::default()).unwrap();
    let Some(text) = pages_text(&pdf, "odd") else {
        return;
    };
    let all = text.concat();
    assert!(
        all.contains("控制字符制表换行反向"),
        "control characters and bidi overrides are dropped"
    );
    assert!(all.contains("（扩展区汉字）"));
}

#[test]
fn empty_form_renders() {
    let mut form = seed();
    form.header.fill_date = None;
    form.header.filler = None;
    form.header.phone = None;
    form.functions.clear();
    form.annual_tasks.clear();
    form.projects.clear();
    form.goals = Default::default();
    form.indicators = Default::default();
    for block in [&mut form.funding.income, &mut form.funding.expenditure] {
        block.rows.clear();
        block.total = Default::default();
    }
    let pdf = render(&form, &PdfOptions::default()).unwrap();
    let Some(text) = pages_text(&pdf, "empty") else {
        return;
    };
    assert_eq!(text.len(), 1);
    assert!(text[0].contains("长期绩效指标") && text[0].contains("年度绩效指标"));
}

#[test]
fn font_dir_is_used_and_errors_are_chinese() {
    let form = seed();
    let missing = PdfOptions {
        font_dir: Some("/nonexistent/jixiao-fonts".into()),
        ..Default::default()
    };
    let err = render(&form, &missing).unwrap_err();
    assert!(matches!(err, PdfError::FontDir { .. }));
    assert!(err.to_string().contains("字体目录"), "{err}");

    let empty = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("no-fonts");
    std::fs::create_dir_all(&empty).unwrap();
    let err = render(
        &form,
        &PdfOptions {
            font_dir: Some(empty),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("没有可用的字体文件"), "{err}");

    // A directory holding a copy of the embedded font works like the default.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("fonts");
    std::fs::create_dir_all(&dir).unwrap();
    let font = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/fonts/NotoSansSC-Regular-GBK.ttf"
    );
    std::fs::copy(font, dir.join("copy.ttf")).unwrap();
    let pdf = render(
        &form,
        &PdfOptions {
            font_dir: Some(dir),
            ..Default::default()
        },
    )
    .unwrap();
    let Some(text) = pages_text(&pdf, "font-dir") else {
        return;
    };
    assert!(text.concat().contains("阳新县兴国镇人民政府"));
}

#[test]
fn oversized_form_is_refused() {
    let mut form = seed();
    let row = form.indicators.annual.rows[0].clone();
    form.indicators.annual.rows = vec![row; jixiao_pdf::MAX_ROWS + 1];
    let err = render(&form, &PdfOptions::default()).unwrap_err();
    assert!(matches!(err, PdfError::TooLarge(_)), "{err}");
    assert!(err.to_string().contains("超过上限"));
}

#[test]
fn preload_on_another_thread_and_output_is_reproducible() {
    // `export` and `serve` preload on a second thread while the first render may already run.
    let preloading = std::thread::spawn(jixiao_pdf::preload);
    let form = seed();
    let first = render(&form, &PdfOptions::default()).unwrap();
    preloading.join().unwrap();
    jixiao_pdf::preload();
    let second = render(&form, &PdfOptions::default()).unwrap();
    assert!(first.starts_with(b"%PDF-"));
    // No clock, no random ids: the same form gives the same bytes (diffable archives).
    assert!(first == second, "two renders of the same form differ");
}
