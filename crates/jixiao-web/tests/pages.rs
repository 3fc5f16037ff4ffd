//! Rendered pages: snapshots of every page for the seed, escaping, the editor's JSON Pointers,
//! the no-JavaScript save round trip, and the page weight.

mod support;

use jixiao_formats::report::{ImportReport, ReportKind, SourceLocation};
use jixiao_web::*;
use support::*;

/// Replaces times (`2025-11-20 09:30`) by `[time]` so snapshots do not depend on them.
fn redact(html: &str) -> String {
    let chars: Vec<char> = html.chars().collect();
    let mut out = String::with_capacity(html.len());
    let shape = "0000-00-00 00:00";
    let mut i = 0;
    while i < chars.len() {
        let fits = i + shape.len() <= chars.len()
            && shape.chars().zip(&chars[i..]).all(|(s, c)| {
                if s == '0' {
                    c.is_ascii_digit()
                } else {
                    s == *c
                }
            });
        if fits {
            out.push_str("[time]");
            i += shape.len();
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn summaries() -> Vec<FormSummary> {
    use jixiao_domain::{Action, DocumentKind, FormStatus};
    let f = |id, unit: &str, year, status: &str, errors| FormSummary {
        id,
        unit_id: id * 10,
        unit_name: unit.into(),
        fiscal_year: year,
        status: status.into(),
        status_label: status_label(status).into(),
        next_step: FormStatus::parse(status).unwrap().next_step().into(),
        may_edit: FormStatus::parse(status).unwrap().is_open_for_unit(),
        may_review: Action::Approve.allowed_from(
            DocumentKind::Declaration,
            FormStatus::parse(status).unwrap(),
        ),
        approved: FormStatus::parse(status).unwrap().is_approved(),
        version: 3,
        updated_at: "2025-11-17 10:32".into(),
        errors,
        warnings: 1,
        steps: match status {
            "submitted" => vec![StepButton {
                step: "withdraw".into(),
                label: "撤回".into(),
                primary: false,
            }],
            _ => Vec::new(),
        },
    };
    vec![
        f(7, "阳新县兴国镇人民政府", 2026, "draft", 1),
        f(5, "阳新县兴国镇人民政府", 2025, "approved", 0),
        f(8, "阳新县教育局", 2026, "submitted", 0),
        f(9, "阳新县卫生健康局", 2026, "returned", 2),
    ]
}

fn start_view() -> StartView {
    let mut report = ImportReport::new("text");
    report.push(
        ReportKind::Guess,
        SourceLocation {
            line: Some(120),
            ..Default::default()
        },
        Some("/indicators/annual/rows/3/target".into()),
        "「≥2. 5%」中的空格已去除",
    );
    report.push(
        ReportKind::Unplaced,
        SourceLocation {
            line: Some(7),
            ..Default::default()
        },
        None,
        "无法识别的行：<p>备注</p>",
    );
    StartView {
        chrome: chrome("filler"),
        templates: vec![TemplateChoice {
            id: "hubei-dept-2026".into(),
            version: 1,
            title: "部门整体绩效目标申报表".into(),
        }],
        fiscal_year: 2026,
        last_year: Some(summaries()[1].clone()),
        import: Some(ImportPreview {
            file_name: "000_2e16d3a21eff93c2.txt".into(),
            form: seed_form(),
            report,
            findings: seed_findings(),
            unit_mismatch: None,
            existing: None,
        }),
        import_error: None,
        ocr_job: None,
    }
}

fn history_view() -> HistoryView {
    HistoryView {
        chrome: chrome("filler"),
        form_id: 7,
        unit_name: "阳新县兴国镇人民政府".into(),
        fiscal_year: 2026,
        versions: (1..=3)
            .map(|v| VersionRow {
                version: v,
                saved_at: format!("2025-11-1{v} 10:00"),
                saved_by: "兴国镇财政所 刘洋".into(),
                status: "draft".into(),
                outcome: if v == 3 {
                    "当前版本，尚未提交".into()
                } else {
                    String::new()
                },
            })
            .collect(),
        diff: Some(DiffView {
            from: 2,
            to: 3,
            entries: vec![
                DiffEntry {
                    label: "部门总体资金情况 · 支出 · 第 2 行「运转类」 · 当年".into(),
                    path: "/funding/expenditure/rows/1/current".into(),
                    before: "82.26".into(),
                    after: "90".into(),
                },
                DiffEntry {
                    label: String::new(),
                    path: "/indicators/annual/rows/3/target".into(),
                    before: serde_json::json!({"kind": "quantity", "comparator": "≥", "number": "2", "unit": "%"}),
                    after: serde_json::json!({"kind": "quantity", "comparator": "≥", "number": "2.5", "unit": "%"}),
                },
                DiffEntry {
                    label: String::new(),
                    path: "/indicators/annual/rows/39".into(),
                    before: serde_json::Value::Null,
                    after: serde_json::json!({"level1": "管理效率", "level2": "预算执行", "name": "预算调整率", "basis": "计划标准"}),
                },
            ],
        }),
        audit: vec![
            AuditRow {
                at: "2025-11-17 10:00".into(),
                user: "刘洋".into(),
                action: "create".into(),
                detail: "从文件导入".into(),
            },
            AuditRow {
                at: "2025-11-18 10:00".into(),
                user: "刘洋".into(),
                action: "save".into(),
                detail: "第 3 版".into(),
            },
        ],
    }
}

fn all_pages() -> Vec<(&'static str, String)> {
    let admin = AdminHomeView {
        chrome: chrome("admin"),
        regions: vec![
            RegionRow {
                id: 2,
                name: "黄石市".into(),
                code: Some("420200".into()),
                unit_sign_off: false,
                department_review: false,
                parent_id: None,
            },
            RegionRow {
                id: 1,
                name: "阳新县".into(),
                code: Some("420222".into()),
                unit_sign_off: true,
                department_review: true,
                parent_id: Some(2),
            },
        ],
        units: vec![
            UnitRow {
                id: 70,
                name: "阳新县兴国镇人民政府".into(),
                region_id: 1,
                region_name: "阳新县".into(),
                department_id: None,
                unit_type: "行政单位".into(),
            },
            UnitRow {
                id: 71,
                name: "阳新县第一中学".into(),
                region_id: 1,
                region_name: "阳新县".into(),
                department_id: Some(72),
                unit_type: "公益一类事业单位".into(),
            },
            UnitRow {
                id: 72,
                name: "阳新县教育局".into(),
                region_id: 1,
                region_name: "阳新县".into(),
                department_id: None,
                unit_type: String::new(),
            },
        ],
        users: vec![UserRow {
            id: 3,
            username: "liuyang".into(),
            display_name: "刘洋".into(),
            role: "filler".into(),
            unit_name: Some("阳新县兴国镇人民政府".into()),
            region_name: Some("阳新县".into()),
            locked: true,
            office: "兴国镇财政所".into(),
            disabled: false,
            unit_id: Some(70),
            region_id: Some(1),
        }],
        refused: Some(Refused {
            form: "users".into(),
            values: [("username".to_string(), "new_user".to_string())].into(),
            field: Some("unit_id".into()),
            message: "填报人和单位审核人须指定所属单位".into(),
        }),
        policy: None,
    };
    vec![
        (
            "login",
            render_login(&LoginView {
                csrf_token: "csrf-TOKEN".into(),
                username: "liuyang".into(),
                error: Some("用户名或密码错误".into()),
                next: Some("/forms/7/edit".into()),
                notice: None,
            })
            .unwrap(),
        ),
        (
            "home_unit",
            render_unit_home(&UnitHomeView {
                chrome: chrome("filler"),
                unit_name: "阳新县兴国镇人民政府".into(),
                forms: summaries()[..2].to_vec(),
                tasks: vec![declaration::UnitTaskLine {
                    title: "阳新县2026年度绩效目标申报".into(),
                    fiscal_year: 2026,
                    deadline: "2025-12-20".into(),
                    days_left: "还剩 5 天".into(),
                    past: false,
                    closed: false,
                    may_submit: true,
                    status_label: "草稿".into(),
                    done: false,
                }],
                notices: vec![declaration::NoticeLine {
                    body: "请于 2025-12-20 前提交2026年度部门整体绩效目标申报表。".into(),
                    sender: "张敏".into(),
                    at: "今天 09:30".into(),
                }],
            })
            .unwrap(),
        ),
        (
            "home_reviewer",
            render_reviewer_home(&ReviewerHomeView {
                chrome: chrome("reviewer"),
                region_name: "阳新县".into(),
                forms: summaries(),
                filter: QueueFilter {
                    year: Some(2026),
                    status: None,
                    q: None,
                },
            })
            .unwrap(),
        ),
        ("home_admin", render_admin_home(&admin).unwrap()),
        (
            "home_security",
            render_admin_home(&AdminHomeView {
                chrome: chrome("security_admin"),
                regions: Vec::new(),
                policy: Some(serde_json::json!({
                    "min_length": 8, "char_classes": 3, "history": 5, "max_age_days": 90,
                    "idle_minutes": 30, "session_hours": 12, "single_session": false,
                    "free_failures": 5, "max_hold_minutes": 15, "audit_retention_days": 180
                })),
                refused: None,
                ..admin.clone()
            })
            .unwrap(),
        ),
        (
            "password",
            render_password(&PasswordView {
                chrome: chrome("filler"),
                required: true,
                rules:
                    "新密码至少 8 个字符，须包含小写字母、大写字母、数字、其他符号中的至少 3 种。"
                        .into(),
                error: Some("当前密码不正确".into()),
                sessions: vec![
                    SessionLine {
                        id: "0123456789abcdef".into(),
                        started: "今天 09:30".into(),
                        last_seen: "今天 10:02".into(),
                        address: "10.20.30.40".into(),
                        browser: "Mozilla/5.0 (X11; Linux x86_64)".into(),
                        current: true,
                    },
                    SessionLine {
                        id: "fedcba9876543210".into(),
                        started: "昨天 16:10".into(),
                        last_seen: "昨天 17:45".into(),
                        address: "10.20.30.41".into(),
                        browser: "Mozilla/5.0 (Windows NT 10.0)".into(),
                        current: false,
                    },
                ],
            })
            .unwrap(),
        ),
        (
            "admin_user",
            render_admin_user(&AdminUserView {
                chrome: chrome("admin"),
                user: admin.users[0].clone(),
                regions: admin.regions.clone(),
                units: admin.units.clone(),
                refused: None,
            })
            .unwrap(),
        ),
        (
            "admin_audit",
            render_admin_audit(&AdminAuditView {
                chrome: chrome("audit_admin"),
                rows: vec![AuditLine {
                    at: "2025-11-20 09:30".into(),
                    user: "县财政局绩效股 张敏".into(),
                    action: "approve".into(),
                    form_id: Some(7),
                    detail: "批复通过第 3 版".into(),
                    address: "10.20.30.40".into(),
                    outcome: "ok".into(),
                }],
                limit: 500,
            })
            .unwrap(),
        ),
        ("editor", render_editor(&editor_view()).unwrap()),
        ("review", render_review(&review_view()).unwrap()),
        (
            "view",
            render_form_view(&FormViewView {
                chrome: chrome("filler"),
                page: seed_page("returned"),
                may_edit: true,
                may_review: false,
                steps: Vec::new(),
            })
            .unwrap(),
        ),
        ("history", render_history(&history_view()).unwrap()),
        (
            "confirm",
            render_confirm(&ConfirmView {
                chrome: chrome("unit_approver"),
                form_id: 7,
                unit_name: "阳新县兴国镇人民政府".into(),
                fiscal_year: 2026,
                step: "sign-off".into(),
                title: "签批并报送财政审核？".into(),
                explanation: vec!["填报人提交的第 3 版将报送财政审核人审核。".into()],
                button: "签批，报送财政".into(),
                danger: false,
                return_option: true,
            })
            .unwrap(),
        ),
        ("start", render_start(&start_view()).unwrap()),
        (
            "start_ocr",
            render_start(&StartView {
                import: None,
                ocr_job: Some(OcrJobProgress {
                    id: 12,
                    file_name: "兴国镇2026申报表扫描件.pdf".into(),
                    status: "running".into(),
                    status_label: "正在识别".into(),
                    pages_done: 2,
                    pages_total: 4,
                    waited_seconds: 41,
                }),
                ..start_view()
            })
            .unwrap(),
        ),
        (
            "error",
            render_error(&ErrorView {
                chrome: chrome("filler"),
                status: 404,
                message: "找不到编号为 99 的申报表".into(),
            })
            .unwrap(),
        ),
        ("dashboard", charts::render_dashboard(&dashboard()).unwrap()),
        (
            "declaration_board",
            declaration::render_declaration_board(&declaration_board()).unwrap(),
        ),
        (
            "batch_confirm",
            declaration::render_batch_confirm(&declaration::BatchConfirmView {
                chrome: chrome("reviewer"),
                round_id: 4,
                title: "阳新县2026年度绩效目标申报".into(),
                action: "approve".into(),
                action_label: "批量通过".into(),
                explanation: "下列申报表将逐份审核通过，四项均评为「优」。".into(),
                grade: "优".into(),
                comment: String::new(),
                going: declaration_board().rows[..1].to_vec(),
                skipped: vec![(
                    "阳新县教育局".into(),
                    "当前版本有 2 处错误，请逐份审核".into(),
                )],
            })
            .unwrap(),
        ),
        (
            "public_index",
            render_public_index(&public_index()).unwrap(),
        ),
        (
            "public_units",
            render_public_units(&public_units()).unwrap(),
        ),
        ("public_form", render_public_form(&public_form()).unwrap()),
        (
            "public_error",
            render_public_error(429, "访问过于频繁，请 12 秒后再试").unwrap(),
        ),
        (
            "library",
            library::render_library(&library::LibraryView {
                chrome: chrome("reviewer"),
                region: "阳新县".into(),
                template_id: "hubei-dept-2026".into(),
                generation: 3,
                forms: 12,
                years: "2025、2026".into(),
                total: 2,
                q: "项目".into(),
                status: String::new(),
                rows: vec![library_line("approved"), library_line("harvested")],
                truncated: false,
            })
            .unwrap(),
        ),
        (
            "library_entry",
            library::render_library_entry(&library::LibraryEntryView {
                chrome: chrome("reviewer"),
                entry: library_line("approved"),
                fields: library::LibraryFields {
                    name: "服务城市项目数".into(),
                    level1: "履职效能".into(),
                    level2: "核心业务产出".into(),
                    direction: "≥".into(),
                    explanation: "年度内为城市提供服务的项目个数<script>".into(),
                    basis: "计划标准".into(),
                    unit_types: "行政单位、事业单位".into(),
                    ..Default::default()
                },
                merge_targets: vec![library::MergeTarget {
                    value: "招商引进项目数|项".into(),
                    label: "招商引进项目数（项） · 8 份".into(),
                }],
                history: vec![library::LibraryHistoryLine {
                    version: 1,
                    what: "审定入库".into(),
                    by: "县财政局绩效股 王磊".into(),
                    at: "2026-12-06 10:00".into(),
                }],
                uses: vec![
                    library::LibraryUse {
                        group: "行政单位".into(),
                        forms: 9,
                        spread: "p10 4项 · 中位数 5项 · p90 6项（9 个）".into(),
                    },
                    library::LibraryUse {
                        group: "2026 年".into(),
                        forms: 12,
                        spread: "p10 4项 · 中位数 5项 · p90 6项（12 个）".into(),
                    },
                ],
            })
            .unwrap(),
        ),
    ]
}

fn library_line(status: &str) -> library::LibraryLine {
    library::LibraryLine {
        key: "服务城市项目数".into(),
        unit: "项".into(),
        name: "服务城市项目数".into(),
        level1: "履职效能".into(),
        level2: "核心业务产出".into(),
        direction: "≥".into(),
        forms: 12,
        spread: "p10 4项 · 中位数 5项 · p90 6项（12 个）".into(),
        examples: vec!["≥4项".into(), "≥5项".into()],
        basis: "计划标准".into(),
        common: false,
        status: status.into(),
        status_label: if status == "approved" {
            "已审定"
        } else {
            "采集"
        }
        .into(),
        version: i64::from(status == "approved"),
        aliases: vec!["招商引进项目数（项）".into()],
        href: "/library/entry?key=%E6%9C%8D&unit=%E9%A1%B9".into(),
    }
}

fn declaration_board() -> declaration::DeclarationBoardView {
    use declaration::{DeclarationCount, DeclarationLine};
    let line = |id: i64, name: &str, status: &str, label: &str, errors: Option<i64>, overdue| {
        DeclarationLine {
            unit_id: id,
            unit_code: format!("42022200{id}"),
            unit_name: name.into(),
            form_id: errors.map(|_| id + 10),
            status: status.into(),
            status_label: label.into(),
            version: if status == "not_started" {
                String::new()
            } else {
                "第 2 版".into()
            },
            errors,
            warnings: errors.map(|_| 1),
            updated_at: if status == "not_started" {
                String::new()
            } else {
                "今天 09:30".into()
            },
            overdue,
            reopened: false,
        }
    };
    declaration::DeclarationBoardView {
        chrome: chrome("reviewer"),
        round_id: 4,
        title: "阳新县2026年度绩效目标申报".into(),
        deadline: "2025-12-20".into(),
        days_left: "已逾期 1 天".into(),
        closed: String::new(),
        units: 3,
        overdue: 1,
        counts: vec![
            DeclarationCount {
                status: "not_started".into(),
                label: "未开始".into(),
                n: 1,
            },
            DeclarationCount {
                status: "submitted".into(),
                label: "已提交".into(),
                n: 2,
            },
        ],
        rows: vec![
            line(
                1,
                "阳新县兴国镇人民政府",
                "submitted",
                "已提交",
                Some(0),
                false,
            ),
            line(2, "阳新县教育局", "submitted", "已提交", Some(2), false),
            line(3, "阳新县卫生健康局", "not_started", "未开始", None, true),
        ],
        status: String::new(),
        only_overdue: false,
        q: String::new(),
        sort: "unit".into(),
        filter_query: String::new(),
    }
}

fn dashboard() -> charts::DashboardView {
    use charts::{Chart, ChartKind, Series};
    charts::DashboardView {
        chrome: chrome("reviewer"),
        region_name: "阳新县".into(),
        fiscal_year: 2026,
        years: vec![2026, 2025],
        units: 3,
        seen: 2,
        charts: vec![
            Chart {
                id: "chart-progress".into(),
                title: "2026 年申报表提交进度".into(),
                kind: ChartKind::Line,
                unit: "个单位".into(),
                categories: vec!["11月1日".into(), "11月2日".into()],
                series: vec![
                    Series {
                        name: "累计已提交".into(),
                        values: vec![1.0, 2.0],
                    },
                    Series {
                        name: "单位总数".into(),
                        values: vec![3.0, 3.0],
                    },
                ],
                note: "按各单位首次提交的日期累计。".into(),
            },
            Chart {
                id: "chart-composition".into(),
                title: "收入构成（按单位）".into(),
                kind: ChartKind::StackedBars,
                unit: "万元".into(),
                categories: vec!["阳新县兴国镇人民政府".into()],
                series: vec![
                    Series {
                        name: "财政拨款".into(),
                        values: vec![1597.34],
                    },
                    Series {
                        name: "其他".into(),
                        values: vec![82.26],
                    },
                ],
                note: String::new(),
            },
        ],
    }
}

fn public_index() -> PublicIndexView {
    PublicIndexView {
        regions: vec![PublicRegionRow {
            code: "420222".into(),
            name: "阳新县".into(),
            years: vec![
                PublicYearRow {
                    fiscal_year: 2026,
                    units: 2,
                    last_published: "2026-03-01".into(),
                },
                PublicYearRow {
                    fiscal_year: 2025,
                    units: 1,
                    last_published: "2025-02-20".into(),
                },
            ],
        }],
    }
}

fn public_units() -> PublicUnitsView {
    PublicUnitsView {
        region_code: "420222".into(),
        region_name: "阳新县".into(),
        fiscal_year: 2026,
        other_years: vec![2025],
        q: String::new(),
        indicator: "满意度".into(),
        units: vec![PublicUnitRow {
            code: "420222001".into(),
            name: "阳新县兴国镇人民政府".into(),
            public_version: 2,
            published: "2026-03-01".into(),
        }],
        hits: vec![PublicHitRow {
            unit_code: "420222001".into(),
            unit_name: "阳新县兴国镇人民政府".into(),
            level1: "效益指标".into(),
            level2: "满意度".into(),
            name: "群众满意度".into(),
            target: "≥90%".into(),
        }],
        hits_truncated: false,
        total_units: 2,
    }
}

fn public_form() -> PublicFormView {
    let mut page = seed_page("published");
    page.findings.clear();
    page.comments.clear();
    page.form.header.filler = None;
    page.form.header.phone = None;
    PublicFormView {
        region_code: "420222".into(),
        region_name: "阳新县".into(),
        fiscal_year: 2026,
        unit_code: "420222001".into(),
        unit_name: "阳新县兴国镇人民政府".into(),
        public_version: 1,
        published: "2026-02-01".into(),
        superseded: true,
        versions: vec![
            PublicVersionRow {
                public_version: 2,
                published: "2026-03-01".into(),
                current: false,
            },
            PublicVersionRow {
                public_version: 1,
                published: "2026-02-01".into(),
                current: true,
            },
        ],
        page,
    }
}

#[test]
fn snapshots_of_every_page() {
    for (name, html) in all_pages() {
        insta::assert_snapshot!(name, redact(&html));
    }
}

#[test]
fn user_text_is_escaped_everywhere() {
    let evil = "<script>alert(1)</script>\"'&";
    let mut page = seed_page("draft");
    page.form.header.unit_name = evil.into();
    page.form.indicators.annual.rows[0].name = evil.into();
    page.form.functions[0] = evil.into();
    page.comments[0].text = evil.into();
    page.findings[0].message = evil.into();
    let mut chrome = chrome("filler");
    chrome.user.as_mut().unwrap().display_name = evil.into();
    let pages = [
        render_editor(&EditorView {
            chrome: chrome.clone(),
            page: page.clone(),
            conflict: None,
        })
        .unwrap(),
        render_review(&ReviewView {
            chrome: chrome.clone(),
            page: page.clone(),
            errors: vec![evil.into()],
        })
        .unwrap(),
        render_form_view(&FormViewView {
            chrome: chrome.clone(),
            page,
            may_edit: true,
            may_review: false,
            steps: Vec::new(),
        })
        .unwrap(),
        render_error(&ErrorView {
            chrome,
            status: 500,
            message: evil.into(),
        })
        .unwrap(),
    ];
    for html in pages {
        assert!(!html.contains("<script>alert"), "raw user text in page");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;"));
    }
}

/// The opening tags of form controls outside `<template>` elements.
fn controls(html: &str) -> Vec<String> {
    let mut body = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("<template") {
        body.push_str(&rest[..i]);
        rest = &rest[rest[i..]
            .find("</template>")
            .map(|j| i + j + 11)
            .unwrap_or(rest.len())..];
    }
    body.push_str(rest);
    let mut out = Vec::new();
    for tag in ["<input", "<select", "<textarea"] {
        let mut from = 0;
        while let Some(i) = body[from..].find(tag) {
            let start = from + i;
            let end = start + body[start..].find('>').unwrap();
            out.push(body[start..=end].to_string());
            from = end;
        }
    }
    out
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = tag.find(&key)? + key.len();
    let j = tag[i..].find('"')?;
    Some(unescape(&tag[i..i + j]))
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[test]
fn every_editor_input_has_a_data_path_that_resolves_in_the_seed() {
    let html = render_editor(&editor_view()).unwrap();
    let seed = seed_json();
    let tags = controls(&html);
    let mut checked = 0;
    for tag in &tags {
        let name = attr(tag, "name");
        if matches!(name.as_deref(), Some("_csrf" | "base_version")) {
            continue;
        }
        let path =
            attr(tag, "data-path").unwrap_or_else(|| panic!("control without data-path: {tag}"));
        assert_eq!(
            name.as_deref(),
            Some(path.as_str()),
            "name differs from data-path: {tag}"
        );
        assert!(
            seed.pointer(&path).is_some(),
            "{path} does not resolve in the seed"
        );
        checked += 1;
    }
    // header 6 + years/template 4 + funding 2×4×6 + paragraphs + projects 5×4 + goals + 2 goals + 39×4 + 39×6
    assert!(checked > 450, "only {checked} controls");
    // Every level-3 row of both tables is on the page, under its level-2 group.
    for key in ["long_term", "annual"] {
        let n = seed["indicators"][key]["rows"].as_array().unwrap().len();
        for i in 0..n {
            assert!(
                html.contains(&format!("name=\"/indicators/{key}/rows/{i}/target\"")),
                "{key} row {i} missing"
            );
        }
    }
}

/// What a browser without JavaScript posts for the editor: every named control's value.
fn posted_fields(html: &str) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    // textarea contents and selected options need the text after the tag (each tag is unique:
    // it carries its JSON Pointer)
    for tag in controls(html) {
        let Some(name) = attr(&tag, "name") else {
            continue;
        };
        if tag.starts_with("<input") {
            fields.push((name, attr(&tag, "value").unwrap_or_default()));
        } else {
            let at = html.find(&tag).unwrap();
            let after = &html[at + tag.len()..];
            if tag.starts_with("<textarea") {
                let end = after.find("</textarea>").unwrap();
                fields.push((name, unescape(&after[..end])));
            } else {
                let end = after.find("</select>").unwrap();
                let opts = &after[..end];
                let value = opts
                    .split("<option")
                    .find(|o| o.starts_with(" selected>"))
                    .map(|o| {
                        unescape(
                            o.trim_start_matches(" selected>")
                                .trim_end_matches("</option>"),
                        )
                    })
                    .unwrap_or_default();
                fields.push((name, value));
            }
        }
    }
    fields
}

#[test]
fn posting_the_editor_without_javascript_gives_back_the_same_form() {
    let html = render_editor(&editor_view()).unwrap();
    let fields = posted_fields(&html);
    assert!(
        fields
            .iter()
            .any(|(n, v)| n == "/funding/expenditure/rows/2/current" && v == "751.01")
    );
    assert!(
        fields
            .iter()
            .any(|(n, v)| n == "/indicators/annual/rows/0/basis" && v == "预算支出标准")
    );
    let seed = seed_form();
    let back = form_from_fields(&seed, &fields).expect("the rendered editor posts a valid form");
    assert_eq!(back, seed);
    // and a changed field comes through
    let mut changed = fields.clone();
    for (n, v) in &mut changed {
        if n == "/indicators/annual/rows/3/target" {
            *v = "≥2. 5%".into();
        }
    }
    let back = form_from_fields(&seed, &changed).unwrap();
    assert_eq!(
        back.indicators.annual.rows[3]
            .target
            .as_ref()
            .unwrap()
            .to_string(),
        "≥2.5%"
    );
}

#[test]
fn editor_page_with_assets_weighs_under_300_kb() {
    let html = render_editor(&editor_view()).unwrap();
    let assets: usize = asset_paths().map(|p| asset(p).unwrap().1.len()).sum();
    let total = html.len() + assets;
    assert!(
        total < 300 * 1024,
        "editor {} + assets {} = {} bytes",
        html.len(),
        assets,
        total
    );
    // the page refers only to embedded assets, nothing external
    for src in ["src=\"", "href=\""] {
        for part in html.split(src).skip(1) {
            let url = &part[..part.find('"').unwrap()];
            assert!(
                !url.starts_with("http") && !url.starts_with("//"),
                "external reference {url}"
            );
            if let Some(name) = url.strip_prefix(ASSET_PREFIX) {
                assert!(asset(name).is_some(), "missing asset {url}");
            }
        }
    }
}

#[test]
fn editor_shows_values_findings_and_comments_without_javascript() {
    let html = render_editor(&editor_view()).unwrap();
    assert!(html.contains("name=\"/funding/expenditure/rows/0/current\" data-path=\"/funding/expenditure/rows/0/current\" data-t=\"money\" value=\"846.33\""));
    assert!(html.contains("定量：大于等于 90 %"));
    assert!(html.contains("请说明“三公经费”变动率的计算口径"));
    assert!(html.contains("href=\"#f-indicators-long_term-rows-8-target\""));
    assert!(html.contains("id=\"f-indicators-long_term-rows-8-target\""));
    assert!(html.contains("id=\"submit-btn\" disabled"));
    assert!(html.contains("尚有 1 个错误，修正后才能提交。"));
    // review page masks the phone (personal data)
    let review = render_review(&review_view()).unwrap();
    assert!(review.contains("151****3138") && !review.contains("15172093138"));
}
