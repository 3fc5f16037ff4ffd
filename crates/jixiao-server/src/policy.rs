//! The security policy (安全策略): password rules, session times and one session per user, a
//! setting in the database that the security administrator changes (`PUT
//! /api/admin/security-policy`), so every app server of a deployment applies the same one.
//! Each server re-reads it at most every few seconds.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use jixiao_storage::Db;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};

/// The settings key the policy is stored under (JSON).
pub const KEY: &str = "security.policy";

/// How long a server keeps the policy it read before reading it again.
const CACHE: Duration = Duration::from_secs(5);

/// Password and session rules. Missing fields of a stored policy take their defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityPolicy {
    /// Fewest characters in a password (8–64).
    pub min_length: u32,
    /// How many of the four kinds (lower-case, upper-case, digit, other) a password needs (1–4).
    pub char_classes: u32,
    /// A new password may not be one of the last this many (0–24).
    pub history: u32,
    /// Days after which a password must be changed (0: never; at most 365).
    pub max_age_days: u32,
    /// Minutes without a request after which a session ends (5–240).
    pub idle_minutes: u32,
    /// Hours after which a session ends however busy (1–24; the server's `--session-hours`
    /// caps it).
    pub session_hours: u32,
    /// A new login ends the user's other sessions.
    pub single_session: bool,
    /// Failed logins from one address for one name before each further one is held back (the
    /// hold doubles from 1 s, at most `max_hold_minutes`) (3–20).
    pub free_failures: u32,
    /// The longest hold after repeated failures, in minutes (1–60).
    pub max_hold_minutes: u32,
    /// Days audit rows are kept at least before `jixiao audit archive` may move them out
    /// (180–3650; 网络安全法 asks for six months).
    pub audit_retention_days: u32,
}

impl Default for SecurityPolicy {
    fn default() -> SecurityPolicy {
        SecurityPolicy {
            min_length: 8,
            char_classes: 3,
            history: 5,
            max_age_days: 90,
            idle_minutes: 30,
            session_hours: 12,
            single_session: false,
            free_failures: 5,
            max_hold_minutes: 15,
            audit_retention_days: 180,
        }
    }
}

impl SecurityPolicy {
    /// Checks the bounds of each field; a Chinese message naming the field when out of range.
    pub fn check(&self) -> ApiResult<()> {
        let bounds: [(&str, u32, u32, u32); 9] = [
            ("密码最短长度", self.min_length, 8, 64),
            ("密码须含字符种类", self.char_classes, 1, 4),
            ("不得与最近几次密码相同", self.history, 0, 24),
            ("密码有效期（天）", self.max_age_days, 0, 365),
            ("空闲超时（分钟）", self.idle_minutes, 5, 240),
            ("会话最长时间（小时）", self.session_hours, 1, 24),
            ("不受限的失败次数", self.free_failures, 3, 20),
            ("最长等待（分钟）", self.max_hold_minutes, 1, 60),
            ("操作日志保存（天）", self.audit_retention_days, 180, 3650),
        ];
        for (name, value, lo, hi) in bounds {
            if !(lo..=hi).contains(&value) {
                return Err(ApiError::unprocessable(format!(
                    "{name}须在 {lo}–{hi} 之间（现为 {value}）"
                )));
            }
        }
        Ok(())
    }

    /// Checks a new password against the length and character-kind rules.
    pub fn check_password(&self, password: &str) -> ApiResult<()> {
        let n = password.chars().count();
        if n < self.min_length as usize {
            return Err(ApiError::unprocessable(format!(
                "密码至少需要 {} 个字符",
                self.min_length
            )));
        }
        if n > 256 {
            return Err(ApiError::unprocessable("密码不能超过 256 个字符"));
        }
        let kinds = [
            password.chars().any(|c| c.is_lowercase()),
            password.chars().any(|c| c.is_uppercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password
                .chars()
                .any(|c| !c.is_lowercase() && !c.is_uppercase() && !c.is_ascii_digit()),
        ];
        let have = kinds.iter().filter(|k| **k).count() as u32;
        if have < self.char_classes {
            return Err(ApiError::unprocessable(format!(
                "密码须包含小写字母、大写字母、数字、其他符号中的至少 {} 种（现有 {have} 种）",
                self.char_classes
            )));
        }
        Ok(())
    }

    /// Idle time in milliseconds.
    pub fn idle_ms(&self) -> i64 {
        i64::from(self.idle_minutes) * 60_000
    }

    /// True when a password set at `changed_at` (Unix ms) has passed its maximum age at `now`.
    pub fn expired(&self, changed_at: i64, now: i64) -> bool {
        self.max_age_days > 0 && now - changed_at > i64::from(self.max_age_days) * 86_400_000
    }
}

/// The policy stored in the database (the defaults when none is; a stored value that no longer
/// reads, after a downgrade, also gives the defaults rather than locking everyone out).
pub async fn stored(db: &Db) -> ApiResult<SecurityPolicy> {
    Ok(match db.setting(KEY).await? {
        Some(json) => serde_json::from_str(&json).unwrap_or_default(),
        None => SecurityPolicy::default(),
    })
}

/// The policy of a server, read from the database and kept for a few seconds.
#[derive(Debug, Default)]
pub struct PolicyCache {
    held: Mutex<Option<(Instant, SecurityPolicy)>>,
}

impl PolicyCache {
    /// The policy in force (the defaults when none is stored).
    pub async fn get(&self, db: &Db) -> ApiResult<SecurityPolicy> {
        if let Some((at, p)) = self.held.lock().unwrap_or_else(|p| p.into_inner()).as_ref()
            && at.elapsed() < CACHE
        {
            return Ok(p.clone());
        }
        let policy = stored(db).await?;
        *self.held.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((Instant::now(), policy.clone()));
        Ok(policy)
    }

    /// Forgets the held policy (after a change on this server).
    pub fn forget(&self) {
        *self.held.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_rules() {
        let p = SecurityPolicy::default();
        assert!(p.check_password("short-1").is_err());
        let e = p.check_password("onlylowercase").unwrap_err();
        assert!(e.message.contains("至少 3 种"), "{}", e.message);
        assert!(p.check_password("long-enough-1").is_ok());
        assert!(
            p.check_password("绩效目标2026A").is_ok(),
            "CJK counts as other"
        );
        let loose = SecurityPolicy {
            char_classes: 1,
            ..p.clone()
        };
        assert!(loose.check_password("onlylowercase").is_ok());
    }

    #[test]
    fn bounds_and_age() {
        let mut p = SecurityPolicy::default();
        assert!(p.check().is_ok());
        p.idle_minutes = 1;
        assert!(p.check().unwrap_err().message.contains("空闲超时"));
        let p = SecurityPolicy::default();
        assert!(!p.expired(0, 89 * 86_400_000));
        assert!(p.expired(0, 91 * 86_400_000));
        let never = SecurityPolicy {
            max_age_days: 0,
            ..p
        };
        assert!(!never.expired(0, i64::MAX / 2));
        let stored: SecurityPolicy = serde_json::from_str(r#"{"history": 2}"#).unwrap();
        assert_eq!(stored.history, 2);
        assert_eq!(stored.idle_minutes, 30);
    }
}
