//! Property tests: money and percentage arithmetic, target-value parse/print round trips, and
//! the bounds of scoring.

use jixiao_domain::compute::scoring::score_quantitative;
use jixiao_domain::money::{Money, sum};
use jixiao_domain::target::{Comparator, Direction, TargetValue};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// An amount as a finance officer types it: up to 9 integer digits and up to 4 decimals.
fn amount() -> impl Strategy<Value = Decimal> {
    (0i64..1_000_000_000, 0u32..=4).prop_map(|(units, scale)| Decimal::new(units, scale))
}

const UNITS: &[&str] = &["%", "项", "个", "家", "件", "人次", "万元", "公里", "km"];

fn target() -> impl Strategy<Value = TargetValue> {
    (
        proptest::option::of(proptest::sample::select(Comparator::ALL.to_vec())),
        (0i64..10_000_000, 0u32..=3),
        proptest::sample::select(UNITS),
    )
        .prop_map(|(comparator, (n, scale), unit)| TargetValue::Quantity {
            comparator,
            number: Decimal::new(n, scale),
            unit: unit.to_string(),
        })
}

/// Full-width forms of ASCII characters, as Chinese input methods type them.
fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            _ => c,
        })
        .collect()
}

proptest! {
    #[test]
    fn money_text_round_trips(d in amount()) {
        let m = Money::new(d).unwrap();
        let back: Money = m.to_string().parse().unwrap();
        prop_assert_eq!(back, m);
        let json = serde_json::to_string(&m).unwrap();
        prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
    }

    #[test]
    fn display2_is_half_away_from_zero(units in -1_000_000_000i64..1_000_000_000, scale in 0u32..=4) {
        let d = Decimal::new(units, scale);
        let shown: Decimal = Money::new(d).unwrap().display2().parse().unwrap();
        prop_assert!((shown - d).abs() <= Decimal::new(5, 3));
        prop_assert_eq!(shown, d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero));
    }

    #[test]
    fn sum_is_exact_and_order_free(parts in proptest::collection::vec(amount(), 0..20)) {
        let money: Vec<Money> = parts.iter().map(|d| Money::new(*d).unwrap()).collect();
        let total = sum(&money);
        prop_assert_eq!(total.value(), parts.iter().sum::<Decimal>());
        let mut reversed = money.clone();
        reversed.reverse();
        prop_assert_eq!(sum(&reversed), total);
    }

    #[test]
    fn shares_lie_in_0_100_and_add_up_to_100(parts in proptest::collection::vec(amount(), 1..8)) {
        let money: Vec<Money> = parts.iter().map(|d| Money::new(*d).unwrap()).collect();
        let total = sum(&money);
        prop_assume!(!total.value().is_zero());
        let shares: Vec<Decimal> = money.iter().map(|m| m.share_of(total).unwrap().value()).collect();
        for s in &shares {
            prop_assert!(*s >= Decimal::ZERO && *s <= Decimal::ONE_HUNDRED);
        }
        // Each share is rounded by at most 0.005 points.
        let drift = (shares.iter().sum::<Decimal>() - Decimal::ONE_HUNDRED).abs();
        prop_assert!(drift <= Decimal::new(5, 3) * Decimal::from(shares.len() as i64));
    }

    #[test]
    fn target_print_parse_round_trip(v in target()) {
        let printed = v.to_string();
        prop_assert_eq!(TargetValue::parse(&printed), Some(v.clone()));
        let json = serde_json::to_string(&v).unwrap();
        prop_assert_eq!(serde_json::from_str::<TargetValue>(&json).unwrap(), v);
    }

    #[test]
    fn target_parse_tolerates_spaces_and_full_width(v in target(), gap in 0usize..3) {
        let printed = v.to_string();
        let spaced: String = printed.chars().flat_map(|c| std::iter::once(c).chain(std::iter::repeat_n(' ', gap))).collect();
        prop_assert_eq!(TargetValue::parse(&spaced), Some(v.clone()));
        prop_assert_eq!(TargetValue::parse(&full_width(&printed)), Some(v));
    }

    #[test]
    fn qualitative_words_round_trip(word in proptest::sample::select(vec!["是", "健全", "持续推进", "合规", "相符", "按时完成"])) {
        let v = TargetValue::parse(word).unwrap();
        prop_assert_eq!(&v, &TargetValue::Quality(word.to_string()));
        prop_assert_eq!(TargetValue::parse(&v.to_string()), Some(v));
    }

    #[test]
    fn parse_never_panics(text in "\\PC{0,40}") {
        let _ = TargetValue::parse(&text);
        let _ = text.parse::<Money>();
    }

    #[test]
    fn scores_stay_within_weight(
        dir in proptest::sample::select(vec![Direction::Positive, Direction::Equal, Direction::Reverse]),
        a in -1_000_000i64..1_000_000, t in -1_000i64..1_000_000, w in 0i64..10_000,
    ) {
        let weight = Decimal::new(w, 2);
        let s = score_quantitative(dir, Decimal::new(a, 2), Decimal::new(t, 2), weight);
        prop_assert!(s.points >= Decimal::ZERO && s.points <= weight);
    }
}
