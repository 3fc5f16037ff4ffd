//! The review decision posted by the review page without JavaScript (`POST /forms/{id}/review`),
//! turned into the body of `POST /api/forms/{id}/review`.

use jixiao_domain::{Decision, Grade};
use serde::{Deserialize, Serialize};

use crate::views::Grades;

/// A review comment as posted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostedComment {
    /// JSON Pointer of the place.
    pub path: String,
    /// Text.
    pub text: String,
}

/// The review decision: the JSON body of `POST /api/forms/{id}/review`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewDecision {
    /// `approve` or `return`.
    pub decision: String,
    /// Reason (required to return).
    pub reason: String,
    /// The four grades.
    pub grades: Grades,
    /// Comments attached to places in the form.
    pub comments: Vec<PostedComment>,
}

/// Reads the review page's posted fields (`decision`, `reason`, `completeness`, `relevance`,
/// `suitability`, `feasibility`, then `comment_path`/`comment_text` pairs in order). Returns
/// the Chinese reasons when the post is incomplete.
pub fn review_from_fields(fields: &[(String, String)]) -> Result<ReviewDecision, Vec<String>> {
    let mut errors = Vec::new();
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let decision = get("decision");
    let parsed = Decision::parse(&decision);
    if parsed.is_none() {
        errors.push("请选择审核结论：通过或退回".to_string());
    }
    let reason = get("reason");
    if parsed == Some(Decision::Return) && reason.is_empty() {
        errors.push("退回时必须填写退回原因".to_string());
    }
    let mut grade = |key: &str, label: &str| {
        let v = get(key);
        if Grade::parse(&v).is_some() {
            Some(v)
        } else {
            errors.push(format!("请为“{label}”选择评分（优、良、中、差）"));
            None
        }
    };
    let grades = Grades {
        completeness: grade("completeness", "完整性"),
        relevance: grade("relevance", "相关性"),
        suitability: grade("suitability", "适当性"),
        feasibility: grade("feasibility", "可行性"),
    };
    let paths = fields
        .iter()
        .filter(|(n, _)| n == "comment_path")
        .map(|(_, v)| v.trim());
    let texts = fields
        .iter()
        .filter(|(n, _)| n == "comment_text")
        .map(|(_, v)| v.trim());
    let mut comments = Vec::new();
    for (path, text) in paths.zip(texts) {
        if text.is_empty() {
            continue;
        }
        if !(path.is_empty() || path.starts_with('/')) || path.len() > 200 {
            errors.push(format!("意见位置「{path}」无效"));
            continue;
        }
        if text.chars().count() > 2000 {
            errors.push("单条意见不能超过 2000 字".to_string());
            continue;
        }
        comments.push(PostedComment {
            path: path.to_string(),
            text: text.to_string(),
        });
    }
    if errors.is_empty() {
        Ok(ReviewDecision {
            decision,
            reason,
            grades,
            comments,
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn reads_a_return_with_comments() {
        let d = review_from_fields(&f(&[
            ("_csrf", "x"),
            ("completeness", "良"),
            ("relevance", "中"),
            ("suitability", "优"),
            ("feasibility", "良"),
            ("comment_path", "/indicators/annual/rows/3"),
            ("comment_text", "指标值偏低"),
            ("comment_path", ""),
            ("comment_text", ""),
            ("decision", "return"),
            ("reason", "请修改年度指标"),
        ]))
        .unwrap();
        assert_eq!(d.decision, "return");
        assert_eq!(d.grades.relevance.as_deref(), Some("中"));
        assert_eq!(
            d.comments,
            vec![PostedComment {
                path: "/indicators/annual/rows/3".into(),
                text: "指标值偏低".into()
            }]
        );
        let json = serde_json::to_value(&d).unwrap();
        assert_eq!(json["grades"]["completeness"], "良");
    }

    #[test]
    fn refuses_incomplete_posts_in_chinese() {
        let e =
            review_from_fields(&f(&[("decision", "return"), ("completeness", "好")])).unwrap_err();
        assert!(e.iter().any(|m| m.contains("退回原因")));
        assert!(e.iter().any(|m| m.contains("完整性")));
        assert!(e.iter().any(|m| m.contains("可行性")));
        let e = review_from_fields(&f(&[])).unwrap_err();
        assert!(e[0].contains("审核结论"));
    }
}
