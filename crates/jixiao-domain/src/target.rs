//! Typed target values (指标值): a comparator, a number and a unit (`≥90%`, `≥4项`), a qualitative
//! word (`健全`, `持续推进`), or "not applicable". What cannot be read is kept as typed
//! ([`TargetValue::Unparsed`]) so that nothing a user entered is lost; the validator reports it.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::text::to_half_width;

/// The comparison sign of a quantitative target, with the codes deployed systems use
/// (1 `≥`, 2 `>`, 3 `=`, 4 `≤`, 5 `<`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Comparator {
    /// `≥`, code 1, positive direction.
    #[serde(rename = "≥")]
    Ge,
    /// `>`, code 2, positive direction.
    #[serde(rename = ">")]
    Gt,
    /// `=`, code 3.
    #[serde(rename = "=")]
    Eq,
    /// `≤`, code 4, reverse direction.
    #[serde(rename = "≤")]
    Le,
    /// `<`, code 5, reverse direction.
    #[serde(rename = "<")]
    Lt,
}

/// Which way a quantitative target is good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// More is better (`≥`, `>`, and a plain rate such as `100%`).
    Positive,
    /// Exactly the value (`=`).
    Equal,
    /// Less is better (`≤`, `<`).
    Reverse,
}

impl Comparator {
    /// All comparators, in code order.
    pub const ALL: [Comparator; 5] = [Self::Ge, Self::Gt, Self::Eq, Self::Le, Self::Lt];

    /// The printed sign.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Ge => "≥",
            Self::Gt => ">",
            Self::Eq => "=",
            Self::Le => "≤",
            Self::Lt => "<",
        }
    }

    /// The numeric code used by deployed systems (1–5).
    pub fn code(self) -> u8 {
        match self {
            Self::Ge => 1,
            Self::Gt => 2,
            Self::Eq => 3,
            Self::Le => 4,
            Self::Lt => 5,
        }
    }

    /// The comparator for a code 1–5.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Which way the target is good.
    pub fn direction(self) -> Direction {
        match self {
            Self::Ge | Self::Gt => Direction::Positive,
            Self::Eq => Direction::Equal,
            Self::Le | Self::Lt => Direction::Reverse,
        }
    }

    /// The Chinese name (大于等于…).
    pub fn label(self) -> &'static str {
        match self {
            Self::Ge => "大于等于",
            Self::Gt => "大于",
            Self::Eq => "等于",
            Self::Le => "小于等于",
            Self::Lt => "小于",
        }
    }
}

/// Spellings of comparators met in real forms, longest first so that `>=` wins over `>`.
const COMPARATOR_SPELLINGS: &[(&str, Comparator)] = &[
    ("大于或等于", Comparator::Ge),
    ("小于或等于", Comparator::Le),
    ("大于等于", Comparator::Ge),
    ("小于等于", Comparator::Le),
    ("不低于", Comparator::Ge),
    ("不少于", Comparator::Ge),
    ("不小于", Comparator::Ge),
    ("不高于", Comparator::Le),
    ("不超过", Comparator::Le),
    ("不多于", Comparator::Le),
    ("不大于", Comparator::Le),
    (">=", Comparator::Ge),
    ("=>", Comparator::Ge),
    ("<=", Comparator::Le),
    ("=<", Comparator::Le),
    ("≥", Comparator::Ge),
    ("≧", Comparator::Ge),
    ("⩾", Comparator::Ge),
    ("≤", Comparator::Le),
    ("≦", Comparator::Le),
    ("⩽", Comparator::Le),
    ("大于", Comparator::Gt),
    ("高于", Comparator::Gt),
    ("超过", Comparator::Gt),
    ("小于", Comparator::Lt),
    ("低于", Comparator::Lt),
    ("等于", Comparator::Eq),
    (">", Comparator::Gt),
    ("<", Comparator::Lt),
    ("=", Comparator::Eq),
];

/// Words that mean the row has no target.
const NOT_APPLICABLE: &[&str] = &["不适用", "无", "/", "-", "—", "——", "N/A", "n/a"];

/// A target value (指标值) of a level-3 indicator, or one of its history values.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TargetValue {
    /// A number with an optional comparator and a unit. `comparator: None` is a plain value such
    /// as `100%`: it reads as "= 100%" but is scored like `≥` (a rate target).
    Quantity {
        /// The sign, if one was written.
        comparator: Option<Comparator>,
        /// The number, exactly as written (scale kept: `2.5`, `95`).
        number: Decimal,
        /// The unit (`%`, `项`, `家`, `万元`); empty when none was written.
        unit: String,
    },
    /// A qualitative word or phrase (`是`, `健全`, `持续推进`).
    Quality(String),
    /// Explicitly not applicable (`不适用`, `/`).
    NotApplicable,
    /// Text that contains numbers but cannot be read as a target; kept as typed.
    Unparsed(String),
}

impl TargetValue {
    /// Parses a target value, tolerating full-width characters and stray spaces
    /// (`≥2. 5%`, `＞＝90％`, `≥4 项`). Never fails: text that cannot be read becomes
    /// [`TargetValue::Unparsed`]. Returns `None` for empty text.
    pub fn parse(text: &str) -> Option<TargetValue> {
        let compact: String = to_half_width(text)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if compact.is_empty() {
            return None;
        }
        if NOT_APPLICABLE.contains(&compact.as_str()) {
            return Some(TargetValue::NotApplicable);
        }
        let (comparator, rest) = match COMPARATOR_SPELLINGS
            .iter()
            .find(|(s, _)| compact.starts_with(s))
        {
            Some((s, c)) => (Some(*c), &compact[s.len()..]),
            None => (None, compact.as_str()),
        };
        let number_len = number_prefix_len(rest);
        if number_len == 0 {
            if comparator.is_none() && !compact.chars().any(|c| c.is_ascii_digit()) {
                return Some(TargetValue::Quality(crate::text::squeeze_cjk_spaces(text)));
            }
            return Some(TargetValue::Unparsed(text.trim().to_string()));
        }
        let (num, unit) = rest.split_at(number_len);
        let number = match Decimal::from_str_exact(num) {
            Ok(n) if n.abs() <= Decimal::from(crate::money::MAX_AMOUNT) => n,
            _ => return Some(TargetValue::Unparsed(text.trim().to_string())),
        };
        if unit.chars().any(|c| c.is_ascii_digit()) || unit.chars().count() > 10 {
            return Some(TargetValue::Unparsed(text.trim().to_string()));
        }
        Some(TargetValue::Quantity {
            comparator,
            number,
            unit: unit.to_string(),
        })
    }

    /// True for a quantity whose unit is `%`.
    pub fn is_percent(&self) -> bool {
        matches!(self, TargetValue::Quantity { unit, .. } if unit == "%")
    }

    /// The scoring direction of a quantity (`None` for other kinds). A plain value scores like `≥`.
    pub fn direction(&self) -> Option<Direction> {
        match self {
            TargetValue::Quantity {
                comparator: Some(c),
                ..
            } => Some(c.direction()),
            TargetValue::Quantity {
                comparator: None, ..
            } => Some(Direction::Positive),
            _ => None,
        }
    }

    /// The number of a quantity.
    pub fn number(&self) -> Option<Decimal> {
        match self {
            TargetValue::Quantity { number, .. } => Some(*number),
            _ => None,
        }
    }

    /// A short Chinese explanation of how the value was read (`大于等于 90 %`), for the editor.
    pub fn meaning(&self) -> String {
        match self {
            TargetValue::Quantity {
                comparator,
                number,
                unit,
            } => {
                let unit = if unit.is_empty() {
                    "（无单位）"
                } else {
                    unit
                };
                match comparator {
                    Some(c) => format!("定量：{} {} {}", c.label(), number, unit),
                    None => format!("定量：达到 {} {}（按“≥”计分）", number, unit),
                }
            }
            TargetValue::Quality(w) => format!("定性：{w}"),
            TargetValue::NotApplicable => "不适用".to_string(),
            TargetValue::Unparsed(t) => format!("无法识别：「{t}」"),
        }
    }
}

/// Length in bytes of the leading decimal number (`-12.5` in `-12.5%`); 0 when there is none.
fn number_prefix_len(s: &str) -> usize {
    let bytes = s.as_bytes();
    let mut i = 0;
    if i < bytes.len() && (bytes[i] == b'-' || bytes[i] == b'+') {
        i += 1;
    }
    let digits_start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    if i == digits_start {
        return 0;
    }
    if i + 1 < bytes.len() && bytes[i] == b'.' && bytes[i + 1].is_ascii_digit() {
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
    }
    i
}

impl fmt::Display for TargetValue {
    /// The canonical printed form: `≥90%`, `100%`, `≥4项`, `健全`, `不适用`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetValue::Quantity {
                comparator,
                number,
                unit,
            } => {
                if let Some(c) = comparator {
                    f.write_str(c.symbol())?;
                }
                write!(f, "{number}{unit}")
            }
            TargetValue::Quality(w) => f.write_str(w),
            TargetValue::NotApplicable => f.write_str("不适用"),
            TargetValue::Unparsed(t) => f.write_str(t),
        }
    }
}

impl FromStr for TargetValue {
    type Err = &'static str;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TargetValue::parse(s).ok_or("指标值为空")
    }
}

/// The JSON shape: a tagged object. On input a plain string (`"≥90%"`) is accepted too.
#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum Repr {
    Quantity {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comparator: Option<Comparator>,
        number: String,
        #[serde(default)]
        unit: String,
    },
    Quality {
        word: String,
    },
    NotApplicable,
    Unparsed {
        text: String,
    },
}

impl Serialize for TargetValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let repr = match self {
            TargetValue::Quantity {
                comparator,
                number,
                unit,
            } => Repr::Quantity {
                comparator: *comparator,
                number: number.to_string(),
                unit: unit.clone(),
            },
            TargetValue::Quality(w) => Repr::Quality { word: w.clone() },
            TargetValue::NotApplicable => Repr::NotApplicable,
            TargetValue::Unparsed(t) => Repr::Unparsed { text: t.clone() },
        };
        repr.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for TargetValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Input {
            Text(String),
            Tagged(Repr),
        }
        let input = Input::deserialize(deserializer).map_err(|_| {
            serde::de::Error::custom("指标值应为文字（如 \"≥90%\"）或带 kind 字段的对象")
        })?;
        match input {
            Input::Text(t) => {
                TargetValue::parse(&t).ok_or_else(|| serde::de::Error::custom("指标值为空"))
            }
            Input::Tagged(Repr::Quantity {
                comparator,
                number,
                unit,
            }) => {
                let n = Decimal::from_str_exact(number.trim())
                    .map_err(|_| serde::de::Error::custom(format!("指标值数字「{number}」无效")))?;
                Ok(TargetValue::Quantity {
                    comparator,
                    number: n,
                    unit,
                })
            }
            Input::Tagged(Repr::Quality { word }) => Ok(TargetValue::Quality(word)),
            Input::Tagged(Repr::NotApplicable) => Ok(TargetValue::NotApplicable),
            Input::Tagged(Repr::Unparsed { text }) => Ok(TargetValue::Unparsed(text)),
        }
    }
}

impl JsonSchema for TargetValue {
    fn schema_name() -> Cow<'static, str> {
        "TargetValue".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A target value. Written by jixiao as a tagged object; on input a plain string such as \"≥90%\" or \"健全\" is accepted and parsed.",
            "oneOf": [
                { "type": "string", "minLength": 1 },
                {
                    "type": "object",
                    "description": "Quantitative: optional comparator, exact number, unit. No comparator means a plain value (reads as =, scored as ≥).",
                    "properties": {
                        "kind": { "const": "quantity" },
                        "comparator": { "enum": ["≥", ">", "=", "≤", "<"] },
                        "number": { "type": "string", "pattern": "^[-+]?[0-9]+(\\.[0-9]+)?$" },
                        "unit": { "type": "string" }
                    },
                    "required": ["kind", "number"],
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "description": "Qualitative word such as 是, 健全, 持续推进.",
                    "properties": { "kind": { "const": "quality" }, "word": { "type": "string" } },
                    "required": ["kind", "word"],
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "description": "Not applicable.",
                    "properties": { "kind": { "const": "not_applicable" } },
                    "required": ["kind"],
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "description": "Text that could not be read as a target; kept as entered and reported by the validator.",
                    "properties": { "kind": { "const": "unparsed" }, "text": { "type": "string" } },
                    "required": ["kind", "text"],
                    "additionalProperties": false
                }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(c: Option<Comparator>, n: &str, u: &str) -> TargetValue {
        TargetValue::Quantity {
            comparator: c,
            number: n.parse().unwrap(),
            unit: u.into(),
        }
    }

    #[test]
    fn parses_seed_values() {
        assert_eq!(
            TargetValue::parse("≥90%"),
            Some(q(Some(Comparator::Ge), "90", "%"))
        );
        assert_eq!(
            TargetValue::parse("≤5%"),
            Some(q(Some(Comparator::Le), "5", "%"))
        );
        assert_eq!(TargetValue::parse("100%"), Some(q(None, "100", "%")));
        assert_eq!(
            TargetValue::parse("≥4 项"),
            Some(q(Some(Comparator::Ge), "4", "项"))
        );
        assert_eq!(
            TargetValue::parse("≥2. 5%"),
            Some(q(Some(Comparator::Ge), "2.5", "%"))
        );
        assert_eq!(
            TargetValue::parse("＞＝90％"),
            Some(q(Some(Comparator::Ge), "90", "%"))
        );
        assert_eq!(
            TargetValue::parse("是"),
            Some(TargetValue::Quality("是".into()))
        );
        assert_eq!(
            TargetValue::parse("持续 推进"),
            Some(TargetValue::Quality("持续推进".into()))
        );
        assert_eq!(
            TargetValue::parse("不适用"),
            Some(TargetValue::NotApplicable)
        );
        assert_eq!(TargetValue::parse("  "), None);
        assert_eq!(
            TargetValue::parse("约5%左右"),
            Some(TargetValue::Unparsed("约5%左右".into()))
        );
        assert_eq!(
            TargetValue::parse("≥良好"),
            Some(TargetValue::Unparsed("≥良好".into()))
        );
    }

    #[test]
    fn prints_canonically() {
        assert_eq!(TargetValue::parse("≥4 项").unwrap().to_string(), "≥4项");
        assert_eq!(TargetValue::parse("≥2. 5%").unwrap().to_string(), "≥2.5%");
        assert_eq!(TargetValue::parse("100%").unwrap().to_string(), "100%");
    }

    #[test]
    fn json_round_trip_and_string_input() {
        let v = TargetValue::parse("≥95%").unwrap();
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"quantity","comparator":"≥","number":"95","unit":"%"}"#
        );
        assert_eq!(serde_json::from_str::<TargetValue>(&json).unwrap(), v);
        assert_eq!(serde_json::from_str::<TargetValue>("\"≥95%\"").unwrap(), v);
        assert!(serde_json::from_str::<TargetValue>("42").is_err());
    }

    #[test]
    fn comparator_codes() {
        for c in Comparator::ALL {
            assert_eq!(Comparator::from_code(c.code()), Some(c));
        }
        assert_eq!(Comparator::from_code(6), None);
    }
}
