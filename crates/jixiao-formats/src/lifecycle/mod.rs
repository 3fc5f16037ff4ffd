//! Files of the documents that follow a declaration: the monitoring report and the
//! self-evaluation, as canonical JSON and as fillable workbooks.
//!
//! The workbook contract (other programs fill these): the indicator block has one header row
//! whose cells read exactly `三级指标`, `年度指标值` and, for monitoring, `当前完成值`, `完成可能性`,
//! `偏差原因`; for self-evaluation `实际完成值`, `分值`, `得分`. The budget block has a header row
//! with `调整后预算数` and `1-M月执行数` (monitoring) or `全年预算数` and `全年执行数`
//! (self-evaluation), and its rows are labelled with the declaration's funding names. Columns are
//! found by their header text, not their position. The reader takes the entered cells only and
//! recomputes everything derived: cached formula values are ignored, because a workbook filled by
//! a script has none.

mod read;
mod write;

use jixiao_domain::lifecycle::monitoring::MonitoringReport;
use jixiao_domain::lifecycle::selfeval::SelfEvaluation;
use jixiao_domain::{DocumentKind, Form, FormJsonError};

pub use read::{read_monitoring, read_self_evaluation, workbook_kind};
pub use write::{write_monitoring, write_self_evaluation};

/// The sheet of a monitoring report.
pub const MONITORING_SHEET: &str = "绩效运行监控表";
/// The sheet of a self-evaluation.
pub const SELF_EVALUATION_SHEET: &str = "绩效自评表";
/// The very hidden sheet with what the visible one does not show (template, declaration).
pub const META_SHEET: &str = "jixiao_meta";

/// Any document jixiao reads.
#[derive(Debug, Clone, PartialEq)]
pub enum Document {
    /// A declaration (申报表).
    Declaration(Box<Form>),
    /// A monitoring report.
    Monitoring(Box<MonitoringReport>),
    /// A self-evaluation.
    SelfEvaluation(Box<SelfEvaluation>),
}

impl Document {
    /// The kind of document.
    pub fn kind(&self) -> DocumentKind {
        match self {
            Document::Declaration(_) => DocumentKind::Declaration,
            Document::Monitoring(_) => DocumentKind::Monitoring,
            Document::SelfEvaluation(_) => DocumentKind::SelfEvaluation,
        }
    }
}

/// The kind named by a canonical JSON text's top-level `kind` field (a declaration has none).
pub fn json_kind(text: &str) -> DocumentKind {
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(default)]
        kind: Option<String>,
    }
    match serde_json::from_str::<Probe>(text)
        .ok()
        .and_then(|p| p.kind)
    {
        Some(k) => DocumentKind::parse(&k).unwrap_or(DocumentKind::Declaration),
        None => DocumentKind::Declaration,
    }
}

/// Reads a canonical JSON document of any kind, with located errors.
pub fn document_from_json(text: &str) -> Result<Document, FormJsonError> {
    use jixiao_domain::parse::document_from_json as parse;
    Ok(match json_kind(text) {
        DocumentKind::Declaration => Document::Declaration(Box::new(parse(text, "申报表")?)),
        DocumentKind::Monitoring => Document::Monitoring(Box::new(parse(text, "监控表")?)),
        DocumentKind::SelfEvaluation => Document::SelfEvaluation(Box::new(parse(text, "自评表")?)),
    })
}

/// Reads a document of any kind from a file's bytes: canonical JSON of any kind, a monitoring
/// or self-evaluation workbook, or anything the declaration importers read (published text, PDF,
/// a declaration workbook).
pub fn read_document(
    name: &str,
    bytes: &[u8],
    registry: &jixiao_domain::Registry,
    options: &crate::import::ImportOptions,
) -> Result<(Document, crate::ImportReport), crate::ImportError> {
    use crate::import::{SourceFormat, detect, import_bytes};
    use crate::{ImportError, ImportReport};
    if bytes.len() > crate::import::MAX_FILE_BYTES {
        return import_bytes(name, bytes, registry, options)
            .map(|i| (Document::Declaration(Box::new(i.form)), i.report));
    }
    match detect(bytes) {
        Ok(SourceFormat::Json) => {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| ImportError::UnknownFormat("JSON 文件不是 UTF-8 编码".into()))?;
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            if json_kind(text) != DocumentKind::Declaration {
                let doc = document_from_json(text).map_err(|e| ImportError::Malformed {
                    location: Default::default(),
                    message: e.to_string(),
                })?;
                return Ok((doc, ImportReport::new("json")));
            }
        }
        Ok(SourceFormat::Xlsx) => match read::workbook_kind(bytes) {
            Some(DocumentKind::Monitoring) => {
                let (r, rep) = read_monitoring(bytes, registry)?;
                return Ok((Document::Monitoring(Box::new(r)), rep));
            }
            Some(DocumentKind::SelfEvaluation) => {
                let (e, rep) = read_self_evaluation(bytes, registry)?;
                return Ok((Document::SelfEvaluation(Box::new(e)), rep));
            }
            _ => {}
        },
        _ => {}
    }
    let imported = import_bytes(name, bytes, registry, options)?;
    Ok((
        Document::Declaration(Box::new(imported.form)),
        imported.report,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixiao_domain::Registry;
    use jixiao_domain::lifecycle::LifecycleRules;

    fn seed() -> Form {
        serde_json::from_str(include_str!("../../../../fixtures/seed/seed.form.json")).unwrap()
    }

    fn read(bytes: &[u8]) -> Result<(Document, crate::ImportReport), crate::ImportError> {
        read_document("x", bytes, &Registry::default(), &Default::default())
    }

    #[test]
    fn workbooks_round_trip_to_the_same_documents() {
        let form = seed();
        let reg = Registry::default();
        let mut m = MonitoringReport::from_declaration(&form, 6);
        m.indicators[0].actual = "=cmd|' /C calc'!A0".into();
        m.analysis = "经费下达较晚。".into();
        let (back, report) = read_monitoring(&write_monitoring(&m).unwrap(), &reg).unwrap();
        assert!(report.items.is_empty(), "{report:?}");
        assert_eq!(back, m, "a monitoring report reads back as written");
        let rules = LifecycleRules::default();
        let mut e = SelfEvaluation::from_declaration(&form, &rules);
        e.indicators[1].actual = "95%".into();
        e.indicators[1].declared_score = Some("2.1".parse().unwrap());
        e.declared_total = Some("88.5".parse().unwrap());
        e.goal.actual = "完成年度目标。".into();
        let bytes = write_self_evaluation(&e, rules.execution_weight).unwrap();
        let (back, _) = read_self_evaluation(&bytes, &reg).unwrap();
        assert_eq!(back, e, "a self-evaluation reads back as written");
    }

    #[test]
    fn bad_input_is_a_clear_error_never_a_panic() {
        let m = write_monitoring(&MonitoringReport::from_declaration(&seed(), 6)).unwrap();
        for cut in [10, 100, m.len() / 2, m.len() - 1] {
            // A truncated workbook is not a monitoring report: an error, whatever it says.
            assert!(read(&m[..cut]).is_err() || cut == m.len());
        }
        for json in [
            r#"{"kind":"monitoring"}"#,
            r#"{"kind":"monitoring","template":1}"#,
            r#"{"kind":"self_evaluation","indicators":[{"weight":[]}]}"#,
            r#"{"kind":"monitoring","header":{"month":300}}"#,
        ] {
            let e = read(json.as_bytes()).unwrap_err().to_string();
            assert!(e.contains("监控表") || e.contains("自评表"), "{e}");
        }
    }

    #[test]
    fn json_kinds() {
        assert_eq!(
            json_kind(r#"{"kind":"monitoring"}"#),
            DocumentKind::Monitoring
        );
        assert_eq!(
            json_kind(r#"{"kind":"self_evaluation","x":[1,2]}"#),
            DocumentKind::SelfEvaluation
        );
        assert_eq!(json_kind(r#"{"template":{}}"#), DocumentKind::Declaration);
        assert_eq!(json_kind("not json"), DocumentKind::Declaration);
    }
}
