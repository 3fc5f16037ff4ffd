//! An actual value (当前完成值 / 实际完成值) read against the target it is measured by: `92%`
//! against `≥90%`, `12次` against `≥10次`, `达成` or the target's own word against `健全`. A unit
//! that differs from the target's is an error, never a guess; a number without a unit is read in
//! the target's unit and said so.

use rust_decimal::Decimal;

use crate::target::{Direction, TargetValue};
use crate::text::to_half_width;

/// An actual value, read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actual {
    /// A number in the target's unit. `unit_assumed` when the text had no unit.
    Number {
        /// The value.
        value: Decimal,
        /// True when no unit was written and the target's was taken.
        unit_assumed: bool,
    },
    /// How far a qualitative target was reached.
    Achievement(crate::compute::Achievement),
}

/// Why an actual value cannot be read against its target.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActualError {
    /// Nothing was entered.
    #[error("未填写")]
    Empty,
    /// A number target needs a number.
    #[error("指标值「{target}」是定量指标，完成值「{actual}」不是数字")]
    NotANumber {
        /// The target as printed.
        target: String,
        /// The actual as typed.
        actual: String,
    },
    /// The unit differs from the target's.
    #[error("完成值「{actual}」的单位「{unit}」与指标值「{target}」的单位「{target_unit}」不一致")]
    UnitMismatch {
        /// The target as printed.
        target: String,
        /// The actual as typed.
        actual: String,
        /// The actual's unit.
        unit: String,
        /// The target's unit.
        target_unit: String,
    },
    /// A qualitative target needs 达成 / 部分达成 / 未达成 (or the target's own word).
    #[error(
        "指标值「{target}」是定性指标，完成值应为“达成”“部分达成”“未达成”或指标值本身，填写为「{actual}」"
    )]
    NotAnAchievement {
        /// The target as printed.
        target: String,
        /// The actual as typed.
        actual: String,
    },
    /// The target itself cannot be measured (not applicable, or unreadable).
    #[error("指标值「{target}」无法作为衡量标准")]
    NoTarget {
        /// The target as printed.
        target: String,
    },
}

/// How a target measures: a direction and a number in a unit, or a qualitative word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Measure<'a> {
    /// A quantity: direction (a plain value counts as positive), strictness, number and unit.
    Quantity {
        /// Positive, equal or reverse.
        direction: Direction,
        /// True for `>` and `<`.
        strict: bool,
        /// The target number.
        number: Decimal,
        /// The target unit (may be empty).
        unit: &'a str,
    },
    /// A qualitative target (`健全`).
    Quality(&'a str),
}

impl<'a> Measure<'a> {
    /// How a target measures, or `None` when it cannot (not applicable, unreadable).
    pub fn of(target: &'a TargetValue) -> Option<Measure<'a>> {
        match target {
            TargetValue::Quantity {
                comparator,
                number,
                unit,
            } => Some(Measure::Quantity {
                direction: target.direction().unwrap_or(Direction::Positive),
                strict: matches!(
                    comparator,
                    Some(crate::Comparator::Gt) | Some(crate::Comparator::Lt)
                ),
                number: *number,
                unit,
            }),
            TargetValue::Quality(w) => Some(Measure::Quality(w)),
            TargetValue::NotApplicable | TargetValue::Unparsed(_) => None,
        }
    }

    /// The scoring direction name used in JSON (`positive`, `equal`, `reverse`, `qualitative`).
    pub fn direction_name(&self) -> &'static str {
        match self {
            Measure::Quantity { direction, .. } => match direction {
                Direction::Positive => "positive",
                Direction::Equal => "equal",
                Direction::Reverse => "reverse",
            },
            Measure::Quality(_) => "qualitative",
        }
    }
}

/// Reads `text` as the actual value of `target`.
pub fn read_actual(target: Option<&TargetValue>, text: &str) -> Result<Actual, ActualError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ActualError::Empty);
    }
    let target_text = target.map(|t| t.to_string()).unwrap_or_default();
    let Some(measure) = target.and_then(Measure::of) else {
        return Err(ActualError::NoTarget {
            target: target_text,
        });
    };
    match measure {
        Measure::Quality(word) => {
            let compact: String = to_half_width(trimmed)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            use crate::compute::Achievement as A;
            let achievement = match compact.as_str() {
                "达成" | "已达成" | "完成" | "已完成" | "是" => Some(A::Achieved),
                "部分达成" | "基本达成" | "部分完成" | "基本完成" => {
                    Some(A::Partly)
                }
                "未达成" | "未完成" | "否" => Some(A::NotAchieved),
                w if w == word.replace(char::is_whitespace, "") => Some(A::Achieved),
                _ => None,
            };
            achievement
                .map(Actual::Achievement)
                .ok_or(ActualError::NotAnAchievement {
                    target: target_text,
                    actual: trimmed.to_string(),
                })
        }
        Measure::Quantity { unit, .. } => match TargetValue::parse(trimmed) {
            Some(TargetValue::Quantity {
                number, unit: u, ..
            }) => {
                if u.is_empty() {
                    Ok(Actual::Number {
                        value: number,
                        unit_assumed: !unit.is_empty(),
                    })
                } else if same_unit(&u, unit) {
                    Ok(Actual::Number {
                        value: number,
                        unit_assumed: false,
                    })
                } else {
                    Err(ActualError::UnitMismatch {
                        target: target_text,
                        actual: trimmed.to_string(),
                        unit: u,
                        target_unit: unit.to_string(),
                    })
                }
            }
            _ => Err(ActualError::NotANumber {
                target: target_text,
                actual: trimmed.to_string(),
            }),
        },
    }
}

/// Units compare after full-width folding (`％` is `%`); `个` and `项` stay different.
fn same_unit(a: &str, b: &str) -> bool {
    to_half_width(a).trim() == to_half_width(b).trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::Achievement;

    fn t(s: &str) -> TargetValue {
        TargetValue::parse(s).unwrap()
    }

    #[test]
    fn numbers_in_the_targets_unit() {
        assert_eq!(
            read_actual(Some(&t("≥90%")), "92%"),
            Ok(Actual::Number {
                value: Decimal::from(92),
                unit_assumed: false
            })
        );
        assert_eq!(
            read_actual(Some(&t("≥90%")), "９２％"),
            Ok(Actual::Number {
                value: Decimal::from(92),
                unit_assumed: false
            })
        );
        assert_eq!(
            read_actual(Some(&t("≥10次")), "12"),
            Ok(Actual::Number {
                value: Decimal::from(12),
                unit_assumed: true
            })
        );
    }

    #[test]
    fn another_unit_is_refused() {
        assert!(matches!(
            read_actual(Some(&t("≥10次")), "12项"),
            Err(ActualError::UnitMismatch { .. })
        ));
        assert!(matches!(
            read_actual(Some(&t("≥90%")), "较好"),
            Err(ActualError::NotANumber { .. })
        ));
    }

    #[test]
    fn qualitative_words() {
        assert_eq!(
            read_actual(Some(&t("健全")), "健全"),
            Ok(Actual::Achievement(Achievement::Achieved))
        );
        assert_eq!(
            read_actual(Some(&t("健全")), "部分达成"),
            Ok(Actual::Achievement(Achievement::Partly))
        );
        assert!(read_actual(Some(&t("健全")), "95%").is_err());
        assert_eq!(read_actual(Some(&t("健全")), "  "), Err(ActualError::Empty));
        assert!(matches!(
            read_actual(None, "12"),
            Err(ActualError::NoTarget { .. })
        ));
    }
}
