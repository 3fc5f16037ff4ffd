//! Self-evaluation scoring (绩效自评), as DOMAIN.md §4 describes the common practice
//! (a = actual value, t = target, w = weight):
//!
//! - positive (`≥`, `>`, a plain rate): a ≥ t → w, else a/t·w;
//! - equal (`=`): as positive; with t = 0: a ≤ 0 → w, else 0;
//! - reverse (`≤`, `<`): a ≤ t → w; t < a < 2t → (1 − (a − t)/t)·w; a ≥ 2t → 0;
//! - qualitative: the evaluator picks a score within the band of 达成 (80–100% of w),
//!   部分达成 (60–80%) or 未达成 (0–60%).
//!
//! A score is never below 0 nor above its weight; a ≥ 1.2·t (positive and equal targets) is
//! flagged for a human look. Total = indicator scores + 预算执行率 × the execution weight (10).
//! Grade bands are settings ([`GradeBands`]).

use rust_decimal::{Decimal, RoundingStrategy};

use crate::target::Direction;
pub use crate::workflow::Grade;

/// Decimals kept in a score.
const SCORE_DP: u32 = 2;

fn round(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(SCORE_DP, RoundingStrategy::MidpointAwayFromZero)
}

/// The score of a quantitative indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuantScore {
    /// Points, 0 ≤ points ≤ weight, rounded to two decimals.
    pub points: Decimal,
    /// True when the actual value is at least 1.2 times the target (a positive or equal target
    /// greater than 0): the target may have been set too low, a person should look.
    pub review_flag: bool,
}

/// Scores a quantitative indicator. A negative weight counts as 0.
pub fn score_quantitative(
    direction: Direction,
    actual: Decimal,
    target: Decimal,
    weight: Decimal,
) -> QuantScore {
    let w = weight.max(Decimal::ZERO);
    let zero = Decimal::ZERO;
    let fraction = match direction {
        Direction::Equal if target.is_zero() => {
            if actual <= zero {
                Decimal::ONE
            } else {
                zero
            }
        }
        Direction::Positive | Direction::Equal => {
            if actual >= target {
                Decimal::ONE
            } else if target > zero {
                actual.checked_div(target).unwrap_or(zero)
            } else {
                zero
            }
        }
        Direction::Reverse => {
            if actual <= target {
                Decimal::ONE
            } else if target > zero
                && target
                    .checked_mul(Decimal::TWO)
                    .is_some_and(|t2| actual < t2)
            {
                // Here target < actual < 2·target, so the subtraction cannot overflow.
                Decimal::ONE
                    - (actual - target)
                        .checked_div(target)
                        .unwrap_or(Decimal::ONE)
            } else {
                zero
            }
        }
    };
    let fraction = fraction.clamp(zero, Decimal::ONE);
    // A partial score is w·a/t (reverse: w·(2t − a)/t) with the one division last, so that it is
    // the exact quotient rounded once; the page's script computes the same with exact integers.
    let partial = (fraction > zero && fraction < Decimal::ONE)
        .then(|| match direction {
            Direction::Reverse => target
                .checked_mul(Decimal::TWO)
                .and_then(|t2| t2.checked_sub(actual))
                .and_then(|n| w.checked_mul(n))
                .and_then(|n| n.checked_div(target)),
            _ => w.checked_mul(actual).and_then(|n| n.checked_div(target)),
        })
        .flatten();
    let exact = partial.unwrap_or_else(|| w.checked_mul(fraction).unwrap_or(w));
    let points = round(exact).clamp(zero, w);
    let review_flag = matches!(direction, Direction::Positive | Direction::Equal)
        && target > zero
        && target
            .checked_mul(Decimal::new(12, 1))
            .is_some_and(|limit| actual >= limit);
    QuantScore {
        points,
        review_flag,
    }
}

/// How far a qualitative indicator was reached, as judged by the evaluator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Achievement {
    /// 达成: 80–100% of the weight.
    Achieved,
    /// 部分达成: 60–80%.
    Partly,
    /// 未达成: 0–60%.
    NotAchieved,
}

impl Achievement {
    /// The band as fractions of the weight (inclusive).
    pub fn band(self) -> (Decimal, Decimal) {
        match self {
            Achievement::Achieved => (Decimal::new(8, 1), Decimal::ONE),
            Achievement::Partly => (Decimal::new(6, 1), Decimal::new(8, 1)),
            Achievement::NotAchieved => (Decimal::ZERO, Decimal::new(6, 1)),
        }
    }

    /// Chinese label.
    pub fn label(self) -> &'static str {
        match self {
            Achievement::Achieved => "达成",
            Achievement::Partly => "部分达成",
            Achievement::NotAchieved => "未达成",
        }
    }
}

/// Checks the evaluator's score of a qualitative indicator against the band of its achievement.
/// Returns the score (rounded to two decimals), or a Chinese message naming the allowed range.
pub fn score_qualitative(
    achievement: Achievement,
    points: Decimal,
    weight: Decimal,
) -> Result<Decimal, String> {
    let w = weight.max(Decimal::ZERO);
    let (lo, hi) = achievement.band();
    let (lo, hi) = (
        round(w.checked_mul(lo).unwrap_or(w)),
        round(w.checked_mul(hi).unwrap_or(w)),
    );
    let p = round(points);
    if p < lo || p > hi {
        return Err(format!(
            "{}的得分应在 {} 至 {} 分之间（权重 {}），填报为 {}",
            achievement.label(),
            lo.normalize(),
            hi.normalize(),
            w.normalize(),
            p.normalize()
        ));
    }
    Ok(p)
}

/// The total score: indicator scores plus the budget execution rate (in percent, capped at
/// 100%) times `execution_weight` (10 in the Ministry's scheme, with indicators worth 90).
pub fn total_score(
    indicator_points: &[Decimal],
    execution_rate_percent: Decimal,
    execution_weight: Decimal,
) -> Decimal {
    let indicators = indicator_points
        .iter()
        .fold(Decimal::ZERO, |acc, p| acc.checked_add(*p).unwrap_or(acc));
    let rate = execution_rate_percent.clamp(Decimal::ZERO, Decimal::ONE_HUNDRED);
    let execution = (rate / Decimal::ONE_HUNDRED)
        .checked_mul(execution_weight)
        .unwrap_or(Decimal::ZERO);
    round(indicators.checked_add(execution).unwrap_or(indicators))
}

/// The lowest total score of each grade: a setting, because deployments differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GradeBands {
    /// 优 from this score.
    pub excellent: Decimal,
    /// 良 from this score.
    pub good: Decimal,
    /// 中 from this score; below it is 差.
    pub fair: Decimal,
}

impl GradeBands {
    /// The Ministry of Finance's bands: 优 ≥ 90, 良 80–89, 中 60–79, 差 < 60.
    pub const MINISTRY: GradeBands = GradeBands {
        excellent: Decimal::from_parts(90, 0, 0, false, 0),
        good: Decimal::from_parts(80, 0, 0, false, 0),
        fair: Decimal::from_parts(60, 0, 0, false, 0),
    };

    /// Bands used by some deployments: 优 ≥ 80, 良 70–79, 中 60–69, 差 < 60.
    pub const LENIENT: GradeBands = GradeBands {
        excellent: Decimal::from_parts(80, 0, 0, false, 0),
        good: Decimal::from_parts(70, 0, 0, false, 0),
        fair: Decimal::from_parts(60, 0, 0, false, 0),
    };

    /// The grade of a total score.
    pub fn grade(&self, total: Decimal) -> Grade {
        if total >= self.excellent {
            Grade::Excellent
        } else if total >= self.good {
            Grade::Good
        } else if total >= self.fair {
            Grade::Fair
        } else {
            Grade::Poor
        }
    }
}

impl Default for GradeBands {
    fn default() -> Self {
        GradeBands::MINISTRY
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn pts(dir: Direction, a: &str, t: &str, w: &str) -> Decimal {
        score_quantitative(dir, d(a), d(t), d(w)).points
    }

    #[test]
    fn positive() {
        assert_eq!(pts(Direction::Positive, "95", "90", "10"), d("10"));
        assert_eq!(pts(Direction::Positive, "45", "90", "10"), d("5"));
        assert_eq!(pts(Direction::Positive, "-5", "90", "10"), d("0"));
        assert_eq!(pts(Direction::Positive, "0", "0", "10"), d("10"));
        assert!(score_quantitative(Direction::Positive, d("108"), d("90"), d("10")).review_flag);
        assert!(!score_quantitative(Direction::Positive, d("107.9"), d("90"), d("10")).review_flag);
    }

    #[test]
    fn equal() {
        assert_eq!(pts(Direction::Equal, "100", "100", "8"), d("8"));
        assert_eq!(pts(Direction::Equal, "50", "100", "8"), d("4"));
        assert_eq!(pts(Direction::Equal, "0", "0", "8"), d("8"));
        assert_eq!(pts(Direction::Equal, "0.5", "0", "8"), d("0"));
    }

    #[test]
    fn reverse() {
        assert_eq!(pts(Direction::Reverse, "4", "5", "10"), d("10"));
        assert_eq!(pts(Direction::Reverse, "5", "5", "10"), d("10"));
        assert_eq!(pts(Direction::Reverse, "6", "5", "10"), d("8"));
        assert_eq!(pts(Direction::Reverse, "10", "5", "10"), d("0"));
        assert_eq!(pts(Direction::Reverse, "12", "5", "10"), d("0"));
        assert_eq!(pts(Direction::Reverse, "1", "0", "10"), d("0"));
        assert!(!score_quantitative(Direction::Reverse, d("0"), d("5"), d("10")).review_flag);
    }

    #[test]
    fn never_above_weight_nor_negative_weight() {
        assert_eq!(pts(Direction::Positive, "1000", "1", "3"), d("3"));
        assert_eq!(pts(Direction::Positive, "1", "1", "-3"), d("0"));
    }

    #[test]
    fn extreme_values_do_not_overflow() {
        let (max, min) = (Decimal::MAX, Decimal::MIN);
        for dir in [Direction::Positive, Direction::Equal, Direction::Reverse] {
            for (a, t) in [
                (max, max),
                (max, d("1")),
                (min, max),
                (max, min),
                (d("1"), max),
                (max - d("1"), max / d("2")),
            ] {
                let s = score_quantitative(dir, a, t, d("10"));
                assert!(s.points >= Decimal::ZERO && s.points <= d("10"));
            }
        }
        assert!(score_qualitative(Achievement::Achieved, max, max).is_ok());
        let _ = total_score(&[max, max], max, max);
    }

    #[test]
    fn qualitative_bands() {
        assert_eq!(
            score_qualitative(Achievement::Achieved, d("9"), d("10")),
            Ok(d("9"))
        );
        assert_eq!(
            score_qualitative(Achievement::Partly, d("6"), d("10")),
            Ok(d("6"))
        );
        let err = score_qualitative(Achievement::Partly, d("9"), d("10")).unwrap_err();
        assert!(err.contains("6 至 8 分"), "{err}");
        assert!(score_qualitative(Achievement::NotAchieved, d("-1"), d("10")).is_err());
    }

    #[test]
    fn total_and_grades() {
        let total = total_score(&[d("40"), d("42.5")], d("95"), d("10"));
        assert_eq!(total, d("92"));
        assert_eq!(total_score(&[d("80")], d("130"), d("10")), d("90"));
        let b = GradeBands::MINISTRY;
        assert_eq!(b.grade(d("90")), Grade::Excellent);
        assert_eq!(b.grade(d("89.99")), Grade::Good);
        assert_eq!(b.grade(d("60")), Grade::Fair);
        assert_eq!(b.grade(d("59.5")), Grade::Poor);
        assert_eq!(GradeBands::LENIENT.grade(d("85")), Grade::Excellent);
        assert_eq!(GradeBands::default(), GradeBands::MINISTRY);
    }
}
