//! Writes the seed workbooks of the `import_xlsx` and `lifecycle_xlsx` corpora from the
//! repository's fixtures (the repository holds no .xlsx file; the writers make them):
//!
//!     cargo run --example seeds -- corpus
//!
//! `import_xlsx`: the seed form (private and public copies) and the blank workbook of every
//! built-in template; `lifecycle_xlsx`: the monitoring report and the self-evaluation made from
//! the seed form, empty and filled (`fixtures/lifecycle/*.filled.json`).
use std::path::Path;

use jixiao_domain::Privacy;
use jixiao_domain::form::FiscalYear;
use jixiao_domain::lifecycle::LifecycleRules;
use jixiao_domain::lifecycle::monitoring::MonitoringReport;
use jixiao_domain::lifecycle::selfeval::SelfEvaluation;
use jixiao_domain::{Form, Registry};
use jixiao_formats::lifecycle::{
    Document, document_from_json, write_monitoring, write_self_evaluation,
};
use jixiao_formats::xlsx::{BlankOptions, write_blank};
use jixiao_formats::xlsx::{XlsxOptions, write_form};

fn fixture(path: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures");
    std::fs::read_to_string(root.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn save(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
    println!("{} ({} bytes)", dir.join(name).display(), bytes.len());
}

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "corpus".into());
    let out = Path::new(&out);
    let registry = Registry::default();
    let form: Form = match document_from_json(&fixture("seed/seed.form.json")).unwrap() {
        Document::Declaration(f) => *f,
        other => panic!("the seed is a declaration, not {:?}", other.kind()),
    };
    let template = registry.get(&form.template.id, None).ok();

    let xlsx = out.join("import_xlsx");
    for (name, privacy) in [
        ("seed-private.xlsx", Privacy::Private),
        ("seed-public.xlsx", Privacy::Public),
    ] {
        save(
            &xlsx,
            name,
            &write_form(&form, template, &XlsxOptions { privacy }).unwrap(),
        );
    }
    for t in registry.all() {
        let year = FiscalYear::new(2026).unwrap();
        let bytes = write_blank(t, &BlankOptions::for_year(year)).unwrap();
        save(&xlsx, &format!("blank-{}.xlsx", t.id), &bytes);
    }

    let life = out.join("lifecycle_xlsx");
    let rules = LifecycleRules::default();
    let m = MonitoringReport::from_declaration(&form, 6);
    save(&life, "monitoring-new.xlsx", &write_monitoring(&m).unwrap());
    let e = SelfEvaluation::from_declaration(&form, &rules);
    save(
        &life,
        "selfeval-new.xlsx",
        &write_self_evaluation(&e, rules.execution_weight).unwrap(),
    );
    match document_from_json(&fixture("lifecycle/monitoring.filled.json")).unwrap() {
        Document::Monitoring(m) => save(
            &life,
            "monitoring-filled.xlsx",
            &write_monitoring(&m).unwrap(),
        ),
        other => panic!("not a monitoring report: {:?}", other.kind()),
    }
    match document_from_json(&fixture("lifecycle/selfeval.filled.json")).unwrap() {
        Document::SelfEvaluation(e) => save(
            &life,
            "selfeval-filled.xlsx",
            &write_self_evaluation(&e, rules.execution_weight).unwrap(),
        ),
        other => panic!("not a self-evaluation: {:?}", other.kind()),
    }
}
