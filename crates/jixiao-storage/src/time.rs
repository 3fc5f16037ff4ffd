//! Times as Unix milliseconds, formatted as RFC 3339 (UTC) for APIs and as Beijing time in a
//! Chinese format for people (`2026年12月2日 14:05`, `今天 14:05`).

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in Unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `2026-11-26T13:31:07.123Z` for a Unix-millisecond time.
pub fn format_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let millis = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Beijing time (UTC+8, no daylight saving) is this many milliseconds ahead of UTC.
const BEIJING_OFFSET_MS: i64 = 8 * 3_600_000;

/// The Beijing calendar date of a Unix-millisecond time: (year, month, day).
pub fn beijing_date(ms: i64) -> (i64, u32, u32) {
    civil_from_days((ms + BEIJING_OFFSET_MS).div_euclid(86_400_000))
}

/// A time as people in China read it, in Beijing time: `今天 14:05` and `昨天 09:30` near
/// `now`, else `2026年12月2日 14:05`.
pub fn format_for_people(ms: i64, now: i64) -> String {
    let local = ms + BEIJING_OFFSET_MS;
    let day = local.div_euclid(86_400_000);
    let today = (now + BEIJING_OFFSET_MS).div_euclid(86_400_000);
    let minute = local.rem_euclid(86_400_000) / 60_000;
    let clock = format!("{:02}:{:02}", minute / 60, minute % 60);
    match today - day {
        0 => format!("今天 {clock}"),
        1 => format!("昨天 {clock}"),
        _ => {
            let (y, m, d) = civil_from_days(day);
            format!("{y}年{m}月{d}日 {clock}")
        }
    }
}

/// Gregorian date of a day count since 1970-01-01 (Howard Hinnant's civil-from-days algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_time(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_time(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(format_time(1_795_700_000_123), "2026-11-26T13:33:20.123Z");
    }

    #[test]
    fn people_read_beijing_time() {
        // 2026-12-02T06:05:27Z is 14:05 in Beijing.
        let t = 1_796_191_527_021;
        assert_eq!(format_time(t), "2026-12-02T06:05:27.021Z");
        let day = 86_400_000;
        assert_eq!(format_for_people(t, t + 3_600_000), "今天 14:05");
        assert_eq!(format_for_people(t, t + day), "昨天 14:05");
        assert_eq!(format_for_people(t, t + 3 * day), "2026年12月2日 14:05");
        // 23:30 UTC on 1 Dec is 07:30 on 2 Dec in Beijing.
        let late = t - 6 * 3_600_000 - 35 * 60_000 - 27_021;
        assert_eq!(format_for_people(late, t + 3 * day), "2026年12月2日 07:30");
        assert_eq!(beijing_date(late), (2026, 12, 2));
    }
}
