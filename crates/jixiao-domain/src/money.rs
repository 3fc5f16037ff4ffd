//! Exact amounts (万元) and percentages.
//!
//! Amounts are kept exactly as entered (`1.008` stays `1.008`), as a decimal, never as `f64`.
//! They are shown with two decimals. In JSON an amount is a string (`"1679.6"`) so that no
//! reader turns it into a float; a JSON number is accepted on input.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest amount jixiao accepts, in 万元 (a thousand trillion yuan). Anything larger is a
/// typing or unit error, not a budget.
pub const MAX_AMOUNT: i64 = 100_000_000_000;

/// Why a text is not an amount.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Empty text.
    #[error("金额为空")]
    Empty,
    /// Not a decimal number.
    #[error("「{0}」不是有效的金额")]
    NotANumber(String),
    /// Larger than [`MAX_AMOUNT`] in absolute value.
    #[error("金额「{0}」超出合理范围（绝对值不超过 1000 亿万元）")]
    OutOfRange(String),
}

/// An exact amount of money in the form's unit (万元). May be negative as entered: the validator,
/// not the parser, reports negative amounts, so that what a user typed is never lost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(Decimal);

impl Money {
    /// Zero.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Wraps a decimal, rejecting absurd magnitudes.
    pub fn new(value: Decimal) -> Result<Self, MoneyError> {
        if value.abs() > Decimal::from(MAX_AMOUNT) {
            return Err(MoneyError::OutOfRange(value.normalize().to_string()));
        }
        Ok(Money(value))
    }

    /// The exact value.
    pub fn value(self) -> Decimal {
        self.0
    }

    /// True when below zero.
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// Rounded half away from zero to `dp` decimals (the way finance offices round).
    pub fn round(self, dp: u32) -> Decimal {
        self.0
            .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
    }

    /// Shown with two decimals, as printed on the form (`1679.60`).
    pub fn display2(self) -> String {
        format!("{:.2}", self.round(2))
    }

    /// Shown with at least two decimals and with every further decimal it has (`1679.6` →
    /// `1679.60`, `1.008` → `1.008`), so that a page or a print shows the stored value; forms
    /// in 万元 sometimes carry three decimals (the seed's `1.008`).
    pub fn display_min2(self) -> String {
        let exact = self.0.normalize();
        if exact.scale() <= 2 {
            self.display2()
        } else {
            exact.to_string()
        }
    }

    /// Exact sum; `None` on overflow (cannot happen below [`MAX_AMOUNT`] with sane row counts).
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// The value as `f64`, for export boundaries (spreadsheet cells) only.
    pub fn to_f64(self) -> f64 {
        self.0.to_f64().unwrap_or(0.0)
    }

    /// Share of `self` in `total`, in percent, rounded to two decimals; `None` when the total is 0.
    pub fn share_of(self, total: Money) -> Option<Percent> {
        if total.0.is_zero() {
            return None;
        }
        let ratio = self
            .0
            .checked_mul(Decimal::ONE_HUNDRED)?
            .checked_div(total.0)?;
        Some(Percent(ratio.round_dp_with_strategy(
            2,
            RoundingStrategy::MidpointAwayFromZero,
        )))
    }
}

/// Sums amounts exactly.
pub fn sum<'a>(items: impl IntoIterator<Item = &'a Money>) -> Money {
    items
        .into_iter()
        .fold(Money::ZERO, |acc, m| acc.checked_add(*m).unwrap_or(acc))
}

impl fmt::Display for Money {
    /// The exact value as entered, without trailing zeros noise (`1.008`, `1679.6`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

impl FromStr for Money {
    type Err = MoneyError;

    /// Accepts `1679.6`, ` 1,679.60 `, full-width digits, and stray spaces inside (`751. 01`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let cleaned: String = crate::text::to_half_width(s)
            .chars()
            .filter(|c| !c.is_whitespace() && *c != ',')
            .collect();
        if cleaned.is_empty() {
            return Err(MoneyError::Empty);
        }
        if cleaned.len() > 40 {
            return Err(MoneyError::OutOfRange(cleaned.chars().take(40).collect()));
        }
        let value = Decimal::from_str_exact(&cleaned)
            .or_else(|_| Decimal::from_scientific(&cleaned))
            .map_err(|_| {
                if cleaned
                    .chars()
                    .all(|c| c.is_ascii_digit() || "+-.eE".contains(c))
                {
                    MoneyError::OutOfRange(cleaned.clone())
                } else {
                    MoneyError::NotANumber(s.trim().to_string())
                }
            })?;
        Money::new(value)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(DecimalVisitor("金额"))
            .and_then(|d| Money::new(d).map_err(serde::de::Error::custom))
    }
}

impl JsonSchema for Money {
    fn schema_name() -> Cow<'static, str> {
        "Money".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An exact amount in the form's unit (万元), written as a decimal string such as \"1679.6\" or \"1.008\"; a JSON number is accepted on input.",
            "oneOf": [
                { "type": "string", "pattern": "^-?[0-9]{1,15}(\\.[0-9]{1,10})?$" },
                { "type": "number" }
            ]
        })
    }
}

/// A percentage value such as a share (`50.39` means 50.39%).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Percent(Decimal);

impl Percent {
    /// 100%.
    pub const HUNDRED: Percent = Percent(Decimal::ONE_HUNDRED);

    /// Wraps a decimal percentage value.
    pub fn new(value: Decimal) -> Self {
        Percent(value)
    }

    /// The value in percent.
    pub fn value(self) -> Decimal {
        self.0
    }

    /// Shown with two decimals and a sign, as on the form (`50.39%`).
    pub fn display2(self) -> String {
        format!(
            "{:.2}%",
            self.0
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        )
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.0.normalize())
    }
}

impl FromStr for Percent {
    type Err = MoneyError;

    /// Accepts `50.39%`, `50.39`, `50.39％`, `4. 90%`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let half = crate::text::to_half_width(s);
        let trimmed = half.trim().trim_end_matches('%').trim();
        let m: Money = trimmed.parse()?;
        Ok(Percent(m.value()))
    }
}

impl Serialize for Percent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0.normalize())
    }
}

impl<'de> Deserialize<'de> for Percent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(DecimalVisitor("占比"))
            .map(Percent)
    }
}

impl JsonSchema for Percent {
    fn schema_name() -> Cow<'static, str> {
        "Percent".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A percentage value without the sign, as a decimal string (\"50.39\" means 50.39%); a JSON number is accepted on input.",
            "oneOf": [
                { "type": "string", "pattern": "^-?[0-9]{1,15}(\\.[0-9]{1,10})?$" },
                { "type": "number" }
            ]
        })
    }
}

/// Reads a decimal from a JSON string or number without going through binary floating point
/// where it can be avoided.
pub(crate) struct DecimalVisitor(pub(crate) &'static str);

impl serde::de::Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}：十进制数字（字符串或数值）", self.0)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Decimal, E> {
        v.parse::<Money>().map(Money::value).map_err(|e| {
            // Money errors already say 金额; other labels (占比) are named first.
            if self.0 == "金额" {
                E::custom(e)
            } else {
                E::custom(format!("{}：{e}", self.0))
            }
        })
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Decimal, E> {
        if !v.is_finite() {
            return Err(E::custom(format!("{}：不是有限数值", self.0)));
        }
        // `f64`'s Display is the shortest text that reads back to the same float, so 1.008
        // becomes "1.008" and not 1.00799999….
        self.visit_str(&v.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_keeps_exact_value() {
        let m: Money = "1.008".parse().unwrap();
        assert_eq!(m.to_string(), "1.008");
        assert_eq!(m.display2(), "1.01");
        assert_eq!(m.display_min2(), "1.008");
        for (text, shown) in [
            ("1679.6", "1679.60"),
            ("1", "1.00"),
            ("2.5000", "2.50"),
            ("100.005", "100.005"),
            ("0", "0.00"),
        ] {
            assert_eq!(text.parse::<Money>().unwrap().display_min2(), shown);
        }
        let m: Money = " 1,679.60 ".parse().unwrap();
        assert_eq!(m.to_string(), "1679.6");
        assert_eq!("751. 01".parse::<Money>().unwrap().to_string(), "751.01");
        assert_eq!("１２３．５".parse::<Money>().unwrap().to_string(), "123.5");
    }

    #[test]
    fn rejects_bad_text_and_absurd_values() {
        assert_eq!("".parse::<Money>(), Err(MoneyError::Empty));
        assert!(matches!(
            "abc".parse::<Money>(),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(
            "1e30".parse::<Money>(),
            Err(MoneyError::OutOfRange(_))
        ));
        assert!(matches!(
            "NaN".parse::<Money>(),
            Err(MoneyError::NotANumber(_))
        ));
    }

    #[test]
    fn share_is_rounded_half_away_from_zero() {
        let part: Money = "846.33".parse().unwrap();
        let total: Money = "1679.6".parse().unwrap();
        assert_eq!(part.share_of(total).unwrap().display2(), "50.39%");
        let part: Money = "82.26".parse().unwrap();
        assert_eq!(part.share_of(total).unwrap().display2(), "4.90%");
        assert_eq!(part.share_of(Money::ZERO), None);
    }

    #[test]
    fn json_accepts_strings_and_numbers_and_writes_strings() {
        let m: Money = serde_json::from_str("1.008").unwrap();
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"1.008\"");
        let m: Money = serde_json::from_str("\"1679.60\"").unwrap();
        assert_eq!(m.to_string(), "1679.6");
        assert!(serde_json::from_str::<Money>("1e30").is_err());
        assert!(serde_json::from_str::<Money>("\"x\"").is_err());
    }
}
