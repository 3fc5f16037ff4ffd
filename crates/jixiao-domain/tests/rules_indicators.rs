//! One test per rule of the indicator and cross-check sections.

mod common;

use common::{run, tv};
use jixiao_domain::form::Indicator;

case!(
    i001_too_many_rows,
    "I001",
    "/indicators/annual/rows",
    |f, t| t.rules.max_indicator_rows = 10
);
case!(
    i002_empty_table,
    "I002",
    "/indicators/long_term/rows",
    |f| f.indicators.long_term.rows.clear()
);
case!(
    i003_unknown_level1,
    "I003",
    "/indicators/annual/rows/0/level1",
    |f| f.indicators.annual.rows[0].level1 = "运营成本".into()
);
case!(
    i004_unknown_level2,
    "I004",
    "/indicators/annual/rows/0/level2",
    |f| f.indicators.annual.rows[0].level2 = "公用经费".into()
);
case!(
    i005_missing_level1,
    "I005",
    "/indicators/annual/rows",
    |f| f.indicators.annual.rows.truncate(37)
);
case!(
    i006_missing_level2,
    "I006",
    "/indicators/annual/rows",
    |f| f.indicators.annual.rows.remove(0)
);
case!(i007_numbering_gap, "I007", "/indicators/annual/rows", |f| {
    f.indicators.annual.rows[27].level2 = "核心业务产出5".into()
});
case!(
    i008_no_name,
    "I008",
    "/indicators/annual/rows/0/name",
    |f| f.indicators.annual.rows[0].name = String::new()
);
case!(
    i009_no_target,
    "I009",
    "/indicators/annual/rows/0/target",
    |f| f.indicators.annual.rows[0].target = None
);
case!(
    i010_unparsed,
    "I010",
    "/indicators/annual/rows/0/target",
    |f| f.indicators.annual.rows[0].target = tv("约5%左右")
);
case!(
    i011_no_unit,
    "I011",
    "/indicators/annual/rows/0/target",
    |f| f.indicators.annual.rows[0].target = tv("≥100")
);
case!(
    i012_unusual_unit,
    "I012",
    "/indicators/annual/rows/24/target",
    |f| f.indicators.annual.rows[24].target = tv("≥4 栋")
);
case!(
    i013_unusual_word,
    "I013",
    "/indicators/annual/rows/5/target",
    |f| f.indicators.annual.rows[5].target = tv("很健全")
);
case!(
    i014_comparator_not_allowed,
    "I014",
    "/indicators/long_term/rows/3/target",
    |f, t| t.dictionaries.comparators = vec!["≥".into()]
);
case!(
    i015_percent_bound,
    "I015",
    "/indicators/annual/rows/37/target",
    |f| f.indicators.annual.rows[37].target = tv("≥105%")
);
case!(
    i016_no_basis,
    "I016",
    "/indicators/annual/rows/0/basis",
    |f| f.indicators.annual.rows[0].basis = None
);
case!(
    i017_unknown_basis,
    "I017",
    "/indicators/annual/rows/0/basis",
    |f| f.indicators.annual.rows[0].basis = Some("上级要求".into())
);
case!(
    i018_no_class,
    "I018",
    "/indicators/annual/rows/0/class",
    |f| f.indicators.annual.rows[0].class = None
);
case!(
    i019_unknown_class,
    "I019",
    "/indicators/annual/rows/0/class",
    |f| f.indicators.annual.rows[0].class = Some("核心型".into())
);
case!(
    i020_unusual_class,
    "I020",
    "/indicators/annual/rows/0/class",
    |f| {
        f.indicators.annual.rows[0].class = Some("创新型".into());
        f.indicators.long_term.rows[0].class = Some("创新型".into());
    }
);
case!(
    i021_cost_basis,
    "I021",
    "/indicators/annual/rows/12/basis",
    |f| f.indicators.annual.rows[12].basis = Some("预算支出标准".into())
);
case!(
    i022_required_column,
    "I022",
    "/indicators/annual/rows/0/definition",
    |f, t| t.required_columns.push("definition".into())
);
case!(
    i023_duplicate_name,
    "I023",
    "/indicators/annual/rows/11/name",
    |f| f.indicators.annual.rows[11].name = f.indicators.annual.rows[10].name.clone()
);
case!(
    i024_history_copied,
    "I024",
    "/indicators/annual/rows/0/year_before",
    |f| {
        let row = &mut f.indicators.annual.rows[0];
        row.year_before = row.target.clone();
        row.last_year = row.target.clone();
    }
);
case!(
    i025_history_is_target,
    "I025",
    "/indicators/annual/rows/3/year_before",
    |f| {
        let row = &mut f.indicators.annual.rows[3];
        row.year_before = tv("≤5%");
        row.last_year = tv("3%");
    }
);
case!(
    i026_history_in_long_term,
    "I026",
    "/indicators/long_term/rows/0/year_before",
    |f| f.indicators.long_term.rows[0].year_before = tv("100%")
);
case!(
    i027_weight_range,
    "I027",
    "/indicators/annual/rows/0/weight",
    |f| {
        for row in &mut f.indicators.annual.rows {
            row.weight = Some(2.into());
        }
        f.indicators.annual.rows[0].weight = Some((-1).into());
    }
);
case!(
    i028_weight_partly,
    "I028",
    "/indicators/annual/rows/1/weight",
    |f| f.indicators.annual.rows[0].weight = Some(5.into())
);

case!(
    x001_only_in_one_table,
    "X001",
    "/indicators/annual/rows/39/name",
    |f| f.indicators.annual.rows.push(Indicator {
        level1: "满意度".into(),
        level2: "服务对象满意度".into(),
        name: "办事群众满意度".into(),
        target: tv("≥90%"),
        basis: Some("行业标准".into()),
        class: Some("基本型".into()),
        ..Default::default()
    })
);
case!(
    x002_renamed,
    "X002",
    "/indicators/annual/rows/24/name",
    |f| f.indicators.annual.rows[24].name = "服务城市项目数".into()
);
case!(
    x003_word_typo,
    "X003",
    "/indicators/long_term/rows/8/target",
    |f| f.indicators.long_term.rows[8].target = tv("规划")
);
case!(
    x004_direction,
    "X004",
    "/indicators/annual/rows/9/target",
    |f| f.indicators.annual.rows[9].target = tv("0%")
);
case!(
    x005_unit,
    "X005",
    "/indicators/annual/rows/24/target",
    |f| f.indicators.annual.rows[24].target = tv("≥4 个")
);
case!(x006_class, "X006", "/indicators/annual/rows/0/class", |f| {
    f.indicators.annual.rows[0].class = Some("创新型".into())
});
case!(x007_promise, "X007", "/annual_tasks/1", |f| f.annual_tasks
    [1]
.push_str("力争新增市场主体 7 家。"));

#[test]
fn unknown_level1_is_reported_once_per_name() {
    let mut f = common::clean();
    for row in &mut f.indicators.annual.rows[..4] {
        row.level1 = "成本".into();
    }
    let hits: Vec<_> = run(&f).into_iter().filter(|x| x.code == "I003").collect();
    assert_eq!(hits.len(), 1);
    assert!(hits[0].message.contains("共 4 行"), "{}", hits[0].message);
}

#[test]
fn few_repeats_stay_per_row_many_are_summarised() {
    let mut f = common::clean();
    for i in [4, 5] {
        f.indicators.annual.rows[i].basis = Some("预算支出标准".into());
    }
    let hits: Vec<_> = run(&f).into_iter().filter(|x| x.code == "I021").collect();
    assert_eq!(
        hits.iter().map(|h| h.path.as_str()).collect::<Vec<_>>(),
        [
            "/indicators/annual/rows/4/basis",
            "/indicators/annual/rows/5/basis"
        ]
    );
    for i in 6..12 {
        f.indicators.annual.rows[i].basis = Some("预算支出标准".into());
    }
    let hits: Vec<_> = run(&f).into_iter().filter(|x| x.code == "I021").collect();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].path, "/indicators/annual/rows");
    assert!(hits[0].message.contains("8 行"), "{}", hits[0].message);
}

#[test]
fn every_catalogue_rule_has_a_test() {
    let sources = [
        include_str!("rules_general.rs"),
        include_str!("rules_indicators.rs"),
    ];
    for rule in jixiao_domain::validate::RULES {
        let quoted = format!("\"{}\"", rule.code);
        assert!(
            sources.iter().any(|s| s.contains(&quoted)),
            "no test for {}",
            rule.code
        );
    }
}

/// The library aids: silent on the seed against a library of its own variants; each fires on a
/// constructed row, with its numbers.
#[test]
fn library_aids_fire_with_their_basis() {
    use jixiao_domain::library::{AidOptions, aids, build};
    let seed = common::seed();
    let forms: Vec<_> = (0..8)
        .map(|k| {
            let mut f = seed.clone();
            f.header.unit_name = format!("单位{k}");
            for r in f.indicators.annual.rows.iter_mut() {
                if r.name == "服务城市项目数" {
                    r.target = tv(&format!("≥{}项", 4 + k % 3));
                }
            }
            // A row of its own, so that no two units' tables are the same (L005).
            let mut own = f.indicators.annual.rows[0].clone();
            own.name = format!("单位{k}专项指标");
            f.indicators.annual.rows.push(own);
            f
        })
        .collect();
    let template = common::hubei();
    let lib = build(&forms, Some(&template)).unwrap();
    assert!(
        aids(&seed, &lib, &template, AidOptions::default())
            .unwrap()
            .is_empty()
    );
    let mut weak = seed.clone();
    for r in weak.indicators.annual.rows.iter_mut() {
        match r.name.as_str() {
            "服务城市项目数" => r.target = tv("≥40项"),
            "群众满意度" => r.target = tv("≥90%"),
            "全年工作任务数" => r.target = tv("进一步提高"),
            _ => {}
        }
    }
    let found = aids(&weak, &lib, &template, AidOptions::default()).unwrap();
    let codes: Vec<&str> = found.iter().map(|f| f.code.as_str()).collect();
    for code in ["L001", "L002", "L003"] {
        assert!(codes.contains(&code), "{code} in {codes:?}");
    }
    let l002 = found.iter().find(|f| f.code == "L002").unwrap();
    assert!(l002.message.contains("p90 为 6项"), "{}", l002.message);
    assert!(l002.path.starts_with("/indicators/annual/rows/"));
}

/// A library of the seed's region: the seed's unit in 2025 and eight other units in 2026, each
/// with its own targets, so that no two annual tables are the same.
fn region_library(seed: &jixiao_domain::Form) -> jixiao_domain::library::Library {
    let template = common::hubei();
    let mut forms: Vec<_> = (0..8)
        .map(|k| {
            let mut f = seed.clone();
            f.header.unit_name = format!("单位{k}");
            for r in f.indicators.annual.rows.iter_mut() {
                if r.name == "服务城市项目数" {
                    r.target = tv(&format!("≥{}项", 10 + k));
                }
            }
            f
        })
        .collect();
    let mut last_year = seed.clone();
    last_year.header.fiscal_year = jixiao_domain::form::FiscalYear::new(2025).unwrap();
    // Last year's own table differs in one target: this year's is not a copy.
    for r in last_year.indicators.annual.rows.iter_mut() {
        if r.name == "服务城市项目数" {
            r.target = tv("≥3项");
        }
    }
    last_year.funding.expenditure.total.current = last_year.funding.expenditure.total.last_year;
    forms.push(last_year);
    jixiao_domain::library::build(&forms, Some(&template)).unwrap()
}

/// L004: the annual table unchanged from the unit's own previous year while the budget grew by
/// 43.5 %; silent when one target changed, or when the budget moved less than 20 %.
#[test]
fn library_aid_copied_from_last_year() {
    use jixiao_domain::library::{AidOptions, aids, build};
    let template = common::hubei();
    let seed = common::seed();
    let lib = region_library(&seed);
    assert!(
        aids(&seed, &lib, &template, AidOptions::default())
            .unwrap()
            .is_empty()
    );

    // Last year's form with exactly this year's table.
    let mut last_year = seed.clone();
    last_year.header.fiscal_year = jixiao_domain::form::FiscalYear::new(2025).unwrap();
    last_year.funding.expenditure.total.current = last_year.funding.expenditure.total.last_year;
    let lib = build(&[last_year.clone()], Some(&template)).unwrap();
    let found = aids(&seed, &lib, &template, AidOptions::default()).unwrap();
    let l004: Vec<_> = found.iter().filter(|f| f.code == "L004").collect();
    assert_eq!(l004.len(), 1, "{found:?}");
    assert_eq!(l004[0].path, "/indicators/annual");
    assert!(l004[0].message.contains("2025 年"), "{}", l004[0].message);
    assert!(
        l004[0].message.contains("由 1170.2 变为 1679.6（+43.5%）"),
        "{}",
        l004[0].message
    );

    // The same table with a budget that moved 10 %: nothing to ask.
    let mut steady = seed.clone();
    let before = last_year.funding.expenditure.total.current.unwrap().value();
    steady.funding.expenditure.total.current =
        Some(jixiao_domain::Money::new(before * rust_decimal::Decimal::new(11, 1)).unwrap());
    let found = aids(&steady, &lib, &template, AidOptions::default()).unwrap();
    assert!(found.iter().all(|f| f.code != "L004"), "{found:?}");
}

/// L005: another unit of the region with the same annual table in the same year; the common
/// indicators alone (every unit has them) never make two tables the same.
#[test]
fn library_aid_same_table_as_another_unit() {
    use jixiao_domain::library::{AidOptions, aids, build};
    let template = common::hubei();
    let seed = common::seed();
    let mut other = seed.clone();
    other.header.unit_name = "某某县文化和旅游局".into();
    // Spaces and full-width forms do not hide a copy.
    for r in other.indicators.annual.rows.iter_mut() {
        r.name = format!(" {} ", r.name.replace('（', "("));
    }
    let lib = build(&[other], Some(&template)).unwrap();
    let found = aids(&seed, &lib, &template, AidOptions::default()).unwrap();
    let l005: Vec<_> = found.iter().filter(|f| f.code == "L005").collect();
    assert_eq!(l005.len(), 1, "{found:?}");
    assert!(
        l005[0].message.contains("「某某县文化和旅游局」"),
        "{}",
        l005[0].message
    );
    assert!(l005[0].message.contains("2026 年"), "{}", l005[0].message);

    // Two units with only the common indicators are not copies of each other.
    let only_common = |name: &str| {
        let mut f = seed.clone();
        f.header.unit_name = name.into();
        f.indicators
            .annual
            .rows
            .retain(|r| template.common_indicators.iter().any(|c| c.name == r.name));
        f
    };
    let lib = build(&[only_common("甲单位")], Some(&template)).unwrap();
    assert!(lib.tables.is_empty());
    let found = aids(
        &only_common("乙单位"),
        &lib,
        &template,
        AidOptions::default(),
    )
    .unwrap();
    assert!(found.iter().all(|f| f.code != "L005"), "{found:?}");
}

/// L006 and L007: a common indicator missing, a 满意度 target below 80 %.
#[test]
fn library_aid_common_indicator_and_satisfaction() {
    use jixiao_domain::library::{AidOptions, aids};
    let template = common::hubei();
    let seed = common::seed();
    let lib = region_library(&seed);
    let mut form = seed.clone();
    form.indicators
        .annual
        .rows
        .retain(|r| r.name != "预算执行率");
    for r in form.indicators.annual.rows.iter_mut() {
        if r.name == "群众满意度" {
            r.target = tv("≥70%");
        }
    }
    let found = aids(&form, &lib, &template, AidOptions::default()).unwrap();
    let codes: Vec<(&str, &str)> = found
        .iter()
        .map(|f| (f.code.as_str(), f.path.as_str()))
        .collect();
    assert!(
        codes.contains(&("L006", "/indicators/annual/rows")),
        "{codes:?}"
    );
    let l006 = found.iter().find(|f| f.code == "L006").unwrap();
    assert!(
        l006.message
            .contains("「预算执行率」（管理效率 / 预算执行）"),
        "{}",
        l006.message
    );
    let l007 = found.iter().find(|f| f.code == "L007").expect("L007");
    assert!(l007.message.contains("70%"), "{}", l007.message);
    let row = &form.indicators.annual.rows[l007
        .path
        .split('/')
        .nth(4)
        .unwrap()
        .parse::<usize>()
        .unwrap()];
    assert_eq!(row.name, "群众满意度");
    // The long-term table still has both: nothing about it.
    assert!(
        found
            .iter()
            .all(|f| !f.path.starts_with("/indicators/long_term")),
        "{found:?}"
    );
}

/// Curation on top of a rebuild: a merged name counts under the entry it was merged into and
/// finds it; a retired entry is no basis for an aid; an approved entry keeps its fields and stays
/// when no form uses it any more; the template's common indicators are seeded and marked 共性.
#[test]
fn library_curation_merges_retires_and_survives_rebuilds() {
    use jixiao_domain::library::{
        AidOptions, CuratedFields, Curation, CurationState, EntryRef, EntryStatus, aids,
        build_curated,
    };
    let template = common::hubei();
    let seed = common::seed();
    // Eight units: five write 服务城市项目数, three call it 城市服务项目数 (same unit 项).
    let forms: Vec<_> = (0..8)
        .map(|k| {
            let mut f = seed.clone();
            f.header.unit_name = format!("单位{k}");
            for r in f.indicators.annual.rows.iter_mut() {
                if r.name == "服务城市项目数" {
                    r.target = tv(&format!("≥{}项", 4 + k % 3));
                    if k >= 5 {
                        r.name = "城市服务 项目数".to_string();
                    }
                }
            }
            f
        })
        .collect();
    let main = EntryRef {
        key: "服务城市项目数".into(),
        unit: "项".into(),
    };
    let alias = EntryRef {
        key: "城市服务项目数".into(),
        unit: "项".into(),
    };
    let plain = build_curated(&forms, Some(&template), &[]).unwrap();
    assert_eq!(plain.entry_by_ref(&main).unwrap().forms, 5);
    assert_eq!(plain.entry_by_ref(&alias).unwrap().forms, 3);
    // Seeded and 共性: every common indicator of the template is an entry.
    for row in &template.common_indicators {
        let e = plain
            .entries_named(&row.name)
            .next()
            .unwrap_or_else(|| panic!("{} seeded", row.name));
        assert!(e.common, "{} 共性", row.name);
    }
    assert!(
        plain
            .entries
            .iter()
            .all(|e| e.status != EntryStatus::Retired)
    );

    let fields = CuratedFields {
        explanation: "年度内为城市提供服务的项目个数".into(),
        formula: "已完成服务项目的个数".into(),
        basis: "计划标准".into(),
        tags: vec!["城市服务".into()],
        ..Default::default()
    };
    let gone = EntryRef {
        key: "已停办的指标".into(),
        unit: "项".into(),
    };
    let curations = vec![
        Curation {
            entry: alias.clone(),
            state: CurationState::Merged { into: main.clone() },
            fields: None,
            version: 1,
        },
        Curation {
            entry: main.clone(),
            state: CurationState::Approved,
            fields: Some(fields.clone()),
            version: 2,
        },
        Curation {
            entry: gone.clone(),
            state: CurationState::Approved,
            fields: Some(CuratedFields {
                name: "已停办的指标".into(),
                level1: "产出指标".into(),
                level2: "数量指标".into(),
                ..Default::default()
            }),
            version: 1,
        },
    ];
    let lib = build_curated(&forms, Some(&template), &curations).unwrap();
    let e = lib.entry_by_ref(&main).unwrap();
    assert_eq!(
        (e.forms, e.status, e.version),
        (8, EntryStatus::Approved, 2)
    );
    assert_eq!(e.aliases, vec![alias.clone()]);
    assert_eq!(e.basis, "计划标准");
    assert_eq!(e.curated.as_ref().unwrap().explanation, fields.explanation);
    assert!(lib.entry_by_ref(&alias).is_none(), "merged away");
    assert_eq!(lib.entry("城市服务项目数", "项").unwrap().key, main.key);
    let kept = lib.entry_by_ref(&gone).expect("approved entry kept");
    assert_eq!((kept.forms, kept.status), (0, EntryStatus::Approved));
    // The merged spelling is checked against the merged entry's range (L002).
    let mut odd = seed.clone();
    for r in odd.indicators.annual.rows.iter_mut() {
        if r.name == "服务城市项目数" {
            r.name = "城市服务项目数".into();
            r.target = tv("≥40项");
        }
    }
    let found = aids(&odd, &lib, &template, AidOptions::default()).unwrap();
    let l002 = found.iter().find(|f| f.code == "L002").expect("L002");
    assert!(l002.message.contains("8 份申报表"), "{}", l002.message);
    // Retired: no basis for an aid any more.
    let mut retired = curations.clone();
    retired[1].state = CurationState::Retired;
    let lib = build_curated(&forms, Some(&template), &retired).unwrap();
    assert_eq!(
        lib.entry_by_ref(&main).unwrap().status,
        EntryStatus::Retired
    );
    let found = aids(&odd, &lib, &template, AidOptions::default()).unwrap();
    assert!(found.iter().all(|f| f.code != "L002"), "{found:?}");
}

/// L008: the name of an entry with another unit, or with the opposite direction.
#[test]
fn library_aid_other_unit_or_direction() {
    use jixiao_domain::library::{AidOptions, aids};
    let template = common::hubei();
    let seed = common::seed();
    let lib = region_library(&seed);
    assert!(
        aids(&seed, &lib, &template, AidOptions::default())
            .unwrap()
            .iter()
            .all(|f| f.code != "L008")
    );
    let mut form = seed.clone();
    for r in form.indicators.annual.rows.iter_mut() {
        match r.name.as_str() {
            "服务城市项目数" => r.target = tv("≥12个"),
            "群众满意度" => r.target = tv("≤95%"),
            _ => {}
        }
    }
    let found = aids(&form, &lib, &template, AidOptions::default()).unwrap();
    let l008: Vec<&str> = found
        .iter()
        .filter(|f| f.code == "L008")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(l008.len(), 2, "{found:?}");
    assert!(
        l008.iter()
            .any(|m| m.contains("计量单位为「项」") && m.contains("此处为「个」")),
        "{l008:?}"
    );
    assert!(
        l008.iter()
            .any(|m| m.contains("「≥」方向") && m.contains("此处为「≤」")),
        "{l008:?}"
    );
}

/// Unit types: an entry counts its use per type, and `L002` compares a form with the range of
/// the units of its own type when they have enough targets.
#[test]
fn library_use_and_range_per_unit_type() {
    use jixiao_domain::library::{AidOptions, aids, build_typed};
    let template = common::hubei();
    let seed = common::seed();
    // Six 行政单位 aim at 4–6 projects, six 事业单位 at 40–60.
    let mut forms = Vec::new();
    let mut types = Vec::new();
    for k in 0..12 {
        let mut f = seed.clone();
        f.header.unit_name = format!("单位{k}");
        let (t, base) = if k < 6 {
            ("行政单位", 4)
        } else {
            ("公益一类事业单位", 40)
        };
        for r in f.indicators.annual.rows.iter_mut() {
            if r.name == "服务城市项目数" {
                let n = base + (k % 3) * base / 4;
                r.target = tv(&format!("≥{n}项"));
            }
        }
        forms.push(f);
        types.push(t.to_string());
    }
    let lib = build_typed(&forms, &types, Some(&template), &[]).unwrap();
    let e = lib.entry("服务城市项目数", "项").unwrap();
    assert_eq!(e.forms, 12);
    assert_eq!(e.by_type["行政单位"].forms, 6);
    assert_eq!(e.by_type["公益一类事业单位"].forms, 6);
    // All twelve are 2026 forms: one year, with the whole spread.
    assert_eq!(e.by_year.keys().copied().collect::<Vec<_>>(), [2026]);
    assert_eq!(e.by_year[&2026].forms, 12);
    assert_eq!(e.by_year[&2026].spread, e.spread);
    assert_eq!(
        e.by_type["行政单位"]
            .spread
            .as_ref()
            .unwrap()
            .median
            .to_string(),
        "5"
    );
    let mut form = seed.clone();
    for r in form.indicators.annual.rows.iter_mut() {
        if r.name == "服务城市项目数" {
            r.target = tv("≥45项");
        }
    }
    // Usual for a 事业单位; far outside the range of the 行政单位.
    let as_type = |t: &'static str| {
        aids(
            &form,
            &lib,
            &template,
            AidOptions {
                unit_type: Some(t),
                ..AidOptions::default()
            },
        )
        .unwrap()
        .into_iter()
        .filter(|f| f.code == "L002")
        .map(|f| f.message)
        .collect::<Vec<_>>()
    };
    assert!(as_type("公益一类事业单位").is_empty());
    let admin = as_type("行政单位");
    assert_eq!(admin.len(), 1, "{admin:?}");
    assert!(
        admin[0].contains("超出本区划行政单位的常见范围：6 份申报表的 6 个目标值"),
        "{}",
        admin[0]
    );
    // A type with no history falls back to the whole region's range (4–60: 45 is inside).
    assert!(as_type("其他").is_empty());
}
