//! Differences between two JSON documents (two versions of a form), as JSON Pointers with the
//! value before and after. Arrays are compared position by position, so an inserted row shows
//! as changes to the rows after it plus one added at the end; that is what a side-by-side view
//! of two versions shows too.

use serde::Serialize;
use serde_json::Value;

/// One difference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// RFC 6901 JSON Pointer.
    pub path: String,
    /// Value before (`null` when added).
    pub before: Value,
    /// Value after (`null` when removed).
    pub after: Value,
}

/// The differences between `a` and `b`, object keys in sorted order, array items by index.
pub fn diff(a: &Value, b: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk(a, b, &mut String::new(), &mut out);
    out
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// A value compared whole: an indicator's target value (`{"kind": "quantity", …}`) is one
/// field for people (`≥95%`), not its parts.
fn atomic(path: &str) -> bool {
    path.starts_with("/indicators/")
        && ["/target", "/last_year", "/year_before"]
            .iter()
            .any(|end| path.ends_with(end))
}

fn walk(a: &Value, b: &Value, path: &mut String, out: &mut Vec<Change>) {
    match (a, b) {
        (Value::Object(_), Value::Object(_)) if atomic(path) && a != b => out.push(Change {
            path: path.clone(),
            before: a.clone(),
            after: b.clone(),
        }),
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().collect();
            keys.extend(y.keys().filter(|k| !x.contains_key(*k)));
            for k in keys {
                let len = path.len();
                path.push('/');
                path.push_str(&escape(k));
                walk(
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                    path,
                    out,
                );
                path.truncate(len);
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            for i in 0..x.len().max(y.len()) {
                let len = path.len();
                path.push_str(&format!("/{i}"));
                walk(
                    x.get(i).unwrap_or(&Value::Null),
                    y.get(i).unwrap_or(&Value::Null),
                    path,
                    out,
                );
                path.truncate(len);
            }
        }
        _ if a == b => {}
        _ => out.push(Change {
            path: path.clone(),
            before: a.clone(),
            after: b.clone(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_changes_additions_and_removals() {
        let a = json!({"x": 1, "a/b": [1, 2, 3], "gone": true});
        let b = json!({"x": 2, "a/b": [1, 5], "new": "n"});
        let d = diff(&a, &b);
        let paths: Vec<&str> = d.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(paths, ["/a~1b/1", "/a~1b/2", "/gone", "/x", "/new"]);
        assert_eq!(d[3].before, json!(1));
        assert_eq!(d[1].after, Value::Null);
        assert!(diff(&a, &a).is_empty());
    }

    #[test]
    fn target_values_change_whole() {
        let a = json!({"indicators": {"annual": {"rows": [{"target": {"kind": "quality", "word": "好"}}]}}});
        let b = json!({"indicators": {"annual": {"rows": [{"target": {"kind": "quality", "word": "优"}}]}}});
        let d = diff(&a, &b);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "/indicators/annual/rows/0/target");
        assert_eq!(d[0].after, json!({"kind": "quality", "word": "优"}));
    }
}
