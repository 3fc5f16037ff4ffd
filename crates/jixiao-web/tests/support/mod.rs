//! Shared fixtures: the seed form and plausible view models around it.
#![allow(dead_code)]

pub mod browser;

use jixiao_domain::{Finding, Form, Registry, Severity, Template};
use jixiao_web::*;

/// The seed form (fixtures/seed/seed.form.json).
pub fn seed_form() -> Form {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/seed/seed.form.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The seed's JSON value.
pub fn seed_json() -> serde_json::Value {
    serde_json::to_value(seed_form()).unwrap()
}

/// The seed's template.
pub fn seed_template() -> Template {
    Registry::default()
        .get("hubei-dept-2026", None)
        .unwrap()
        .clone()
}

/// Findings like the validator's, on real places of the seed.
pub fn seed_findings() -> Vec<Finding> {
    vec![
        Finding {
            code: "F010".into(),
            severity: Severity::Warning,
            path: "/projects/0/current_budget".into(),
            message: "项目本年度预算合计 751.008 与特定目标类项目支出 751.01 不一致（相差 0.002）"
                .into(),
        },
        Finding {
            code: "I021".into(),
            severity: Severity::Error,
            path: "/indicators/long_term/rows/8/target".into(),
            message: "“立项规范性”的指标值「规划」与年度指标「规范」不同，可能是笔误".into(),
        },
        Finding {
            code: "H003".into(),
            severity: Severity::Warning,
            path: "/header/phone".into(),
            message: "联系电话 <b>无效</b> 时请核对".into(),
        },
    ]
}

pub fn chrome(role: &str) -> Chrome {
    Chrome {
        user: Some(UserView {
            username: "liuyang".into(),
            display_name: if role == "reviewer" {
                "王审核".into()
            } else {
                "刘洋".into()
            },
            role: role.into(),
            unit_name: (role == "filler").then(|| "阳新县兴国镇人民政府".into()),
        }),
        csrf_token: "csrf-TOKEN".into(),
        flash: None,
    }
}

pub fn seed_page(status: &str) -> FormPage {
    FormPage {
        id: 7,
        status: status.into(),
        version: 3,
        form: seed_form(),
        template: seed_template(),
        findings: seed_findings(),
        comments: vec![
            CommentView {
                path: "/indicators/annual/rows/2/target".into(),
                text: "请说明“三公经费”变动率的计算口径".into(),
                author: "王审核".into(),
                at: "2025-11-20 09:30".into(),
                resolved_in: None,
            },
            CommentView {
                path: "/funding".into(),
                text: "收支合计一致".into(),
                author: "王审核".into(),
                at: "2025-11-20 09:31".into(),
                resolved_in: Some(4),
            },
        ],
        grades: None,
        return_reason: None,
        changed_since: Some(ChangedSince {
            version: 2,
            paths: vec!["/indicators/annual/rows/2/target".into()],
        }),
    }
}

pub fn editor_view() -> EditorView {
    EditorView {
        chrome: chrome("filler"),
        page: seed_page("draft"),
        conflict: Some(Conflict {
            version: 4,
            rows: vec![ConflictRow {
                label: "部门总体资金情况 · 支出构成 · 第 2 行「运转类项目支出」 · 当年金额".into(),
                mine: "90".into(),
                theirs: "82.26".into(),
            }],
        }),
    }
}

pub fn review_view() -> ReviewView {
    ReviewView {
        chrome: chrome("reviewer"),
        page: seed_page("submitted"),
        errors: vec![],
    }
}
