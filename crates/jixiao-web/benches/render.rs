//! Rendering the seed's editor page (goal: under 20 ms on the server) and its weight with the
//! assets (goal: under 300 KB). Run: `cargo bench -p jixiao-web --bench render`.

use criterion::{Criterion, criterion_group, criterion_main};
use jixiao_domain::{Finding, Form, Registry, Severity};
use jixiao_web::*;

fn editor_view() -> EditorView {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fixtures/seed/seed.form.json"
    );
    let form: Form = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let template = Registry::default()
        .get("hubei-dept-2026", None)
        .unwrap()
        .clone();
    let findings = vec![Finding {
        code: "F010".into(),
        severity: Severity::Warning,
        path: "/projects/0/current_budget".into(),
        message: "项目本年度预算合计与特定目标类项目支出不一致".into(),
    }];
    EditorView {
        chrome: Chrome {
            user: Some(UserView {
                username: "liuyang".into(),
                display_name: "刘洋".into(),
                role: jixiao_domain::Role::Filler.as_str().into(),
                unit_name: None,
            }),
            csrf_token: "0123456789abcdef0123456789abcdef".into(),
            flash: None,
        },
        page: FormPage {
            id: 7,
            status: jixiao_domain::FormStatus::Draft.as_str().into(),
            version: 3,
            form,
            template,
            findings,
            comments: vec![],
            grades: None,
            return_reason: None,
            changed_since: None,
        },
        conflict: None,
    }
}

fn bench(c: &mut Criterion) {
    let view = editor_view();
    let html = render_editor(&view).unwrap();
    let assets: usize = asset_paths().map(|p| asset(p).unwrap().1.len()).sum();
    println!(
        "editor page {} bytes + assets {} bytes = {} bytes",
        html.len(),
        assets,
        html.len() + assets
    );
    c.bench_function("render_editor_seed", |b| {
        b.iter(|| render_editor(std::hint::black_box(&view)).unwrap())
    });
    let review = ReviewView {
        chrome: view.chrome.clone(),
        page: view.page.clone(),
        errors: vec![],
    };
    c.bench_function("render_review_seed", |b| {
        b.iter(|| render_review(std::hint::black_box(&review)).unwrap())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
