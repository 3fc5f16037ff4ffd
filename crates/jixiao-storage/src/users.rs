//! Regions (财政区划), units (部门/单位), users with roles, and login sessions.

use serde::Serialize;

use crate::{Db, Result, StorageError, WriteTx, now_ms};

pub use jixiao_domain::Role;

/// A fiscal region (财政区划).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Region {
    /// Id.
    pub id: i64,
    /// Code (区划代码, e.g. `420222`).
    pub code: String,
    /// Name (`阳新县`).
    pub name: String,
    /// Whether the unit approver signs a filler's submission off before it reaches the finance
    /// bureau (单位内部审核).
    pub unit_sign_off: bool,
}

/// A budget unit (部门/单位).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    /// Id.
    pub id: i64,
    /// Region the unit belongs to.
    pub region_id: i64,
    /// Unit code (单位编码).
    pub code: String,
    /// Name (`阳新县兴国镇人民政府`).
    pub name: String,
}

/// A user (without the password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown in pages.
    pub display_name: String,
    /// Office (科室), shown before the name (`县财政局绩效股`); may be empty.
    pub office: String,
    /// Role.
    pub role: Role,
    /// Region the user works in (for unit roles, the unit's region).
    pub region_id: Option<i64>,
    /// Unit, for unit roles.
    pub unit_id: Option<i64>,
    /// A disabled user cannot log in.
    pub disabled: bool,
    /// Failed logins in a row.
    pub failed_logins: i64,
    /// Locked until this time (Unix ms); 0 when not locked.
    pub locked_until: i64,
}

/// The user of a live session, with the session's CSRF token.
#[derive(Debug, Clone)]
pub struct SessionUser {
    /// The user.
    pub user: User,
    /// The session's CSRF token (double-submit value).
    pub csrf_token: String,
    /// When the session ends (Unix ms).
    pub expires_at: i64,
}

/// Fields of a new user.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Login name.
    pub username: &'a str,
    /// Name shown in pages.
    pub display_name: &'a str,
    /// Office (科室); may be empty.
    pub office: &'a str,
    /// argon2 PHC string.
    pub password_hash: &'a str,
    /// Role.
    pub role: Role,
    /// Region.
    pub region_id: Option<i64>,
    /// Unit.
    pub unit_id: Option<i64>,
}

type UserTuple = (
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    i64,
    i64,
    i64,
    String,
);

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.region_id, u.unit_id, u.disabled, u.failed_logins, u.locked_until, u.office";

/// SQL for a user (`u`) as people read it: office and display name (`县财政局绩效股 刘洋`).
pub(crate) const PERSON: &str =
    "CASE WHEN u.office = '' THEN u.display_name ELSE u.office || ' ' || u.display_name END";

fn user_from(t: UserTuple) -> Result<User> {
    let role =
        Role::parse(&t.3).ok_or_else(|| StorageError::Corrupt(format!("未知角色 {}", t.3)))?;
    Ok(User {
        id: t.0,
        username: t.1,
        display_name: t.2,
        role,
        region_id: t.4,
        unit_id: t.5,
        disabled: t.6 != 0,
        failed_logins: t.7,
        locked_until: t.8,
        office: t.9,
    })
}

/// Row shape of a query.
type LoginTuple = (
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    i64,
    i64,
    i64,
    String,
    String,
);

/// Row shape of a query.
type SessionTuple = (
    i64,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    i64,
    i64,
    i64,
    String,
    String,
    i64,
);

impl Db {
    /// All regions, by code.
    pub async fn regions(&self) -> Result<Vec<Region>> {
        let rows: Vec<(i64, String, String, i64)> =
            sqlx::query_as("SELECT id, code, name, unit_sign_off FROM regions ORDER BY code")
                .fetch_all(self.pool())
                .await?;
        Ok(rows
            .into_iter()
            .map(|(id, code, name, sign_off)| Region {
                id,
                code,
                name,
                unit_sign_off: sign_off != 0,
            })
            .collect())
    }

    /// Units, all or of one region, by code.
    pub async fn units(&self, region_id: Option<i64>) -> Result<Vec<Unit>> {
        let rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
            "SELECT id, region_id, code, name FROM units WHERE ($1 IS NULL OR region_id = $1) ORDER BY code",
        )
        .bind(region_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, region_id, code, name)| Unit {
                id,
                region_id,
                code,
                name,
            })
            .collect())
    }

    /// One unit.
    pub async fn unit(&self, id: i64) -> Result<Option<Unit>> {
        let row: Option<(i64, i64, String, String)> =
            sqlx::query_as("SELECT id, region_id, code, name FROM units WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?;
        Ok(row.map(|(id, region_id, code, name)| Unit {
            id,
            region_id,
            code,
            name,
        }))
    }

    /// A unit by its code or exact name.
    pub async fn unit_by_code_or_name(&self, key: &str) -> Result<Option<Unit>> {
        let row: Option<(i64, i64, String, String)> = sqlx::query_as(
            "SELECT id, region_id, code, name FROM units WHERE code = $1 OR name = $1 ORDER BY id",
        )
        .bind(key)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(id, region_id, code, name)| Unit {
            id,
            region_id,
            code,
            name,
        }))
    }

    /// Users, all or of one region, by username.
    pub async fn users(&self, region_id: Option<i64>) -> Result<Vec<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE ($1 IS NULL OR u.region_id = $1) ORDER BY u.username"
        );
        let rows: Vec<UserTuple> = sqlx::query_as(&sql)
            .bind(region_id)
            .fetch_all(self.pool())
            .await?;
        rows.into_iter().map(user_from).collect()
    }

    /// One user by id.
    pub async fn user(&self, id: i64) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        let row: Option<UserTuple> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.map(user_from).transpose()
    }

    /// A user and their password hash, by login name.
    pub async fn user_for_login(&self, username: &str) -> Result<Option<(User, String)>> {
        let sql =
            format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = $1");
        let row: Option<LoginTuple> = sqlx::query_as(&sql)
            .bind(username)
            .fetch_optional(self.pool())
            .await?;
        match row {
            None => Ok(None),
            Some(t) => {
                let hash = t.10.clone();
                let user = user_from((t.0, t.1, t.2, t.3, t.4, t.5, t.6, t.7, t.8, t.9))?;
                Ok(Some((user, hash)))
            }
        }
    }

    /// The user of a live session (`token_hash` is the hash of the cookie value).
    pub async fn session_user(&self, token_hash: &str) -> Result<Option<SessionUser>> {
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0"
        );
        let row: Option<SessionTuple> = sqlx::query_as(&sql)
            .bind(token_hash)
            .bind(now_ms())
            .fetch_optional(self.pool())
            .await?;
        match row {
            None => Ok(None),
            Some(t) => {
                let (csrf_token, expires_at) = (t.10.clone(), t.11);
                let user = user_from((t.0, t.1, t.2, t.3, t.4, t.5, t.6, t.7, t.8, t.9))?;
                Ok(Some(SessionUser {
                    user,
                    csrf_token,
                    expires_at,
                }))
            }
        }
    }

    /// Ends a session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Deletes expired sessions; returns how many.
    pub async fn purge_sessions(&self) -> Result<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now_ms())
            .execute(self.pool())
            .await?;
        Ok(r.rows_affected())
    }

    /// Records a failed login (with its audit row): counts it and, at `max_failures`, locks the
    /// user for `lock_ms`.
    pub async fn record_login_failure(
        &self,
        user_id: i64,
        max_failures: i64,
        lock_ms: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE users SET failed_logins = failed_logins + 1, \
             locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END WHERE id = $1",
        )
        .bind(user_id)
        .bind(max_failures)
        .bind(now_ms() + lock_ms)
        .execute(tx.conn())
        .await?;
        tx.audit(None, Some(user_id), "login.failed", "密码错误")
            .await?;
        tx.commit().await
    }

    /// Creates a session after a good login and clears the failure count.
    pub async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        csrf: &str,
        ttl_ms: i64,
    ) -> Result<()> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = $1")
            .bind(user_id)
            .execute(tx.conn())
            .await?;
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(csrf)
        .bind(now)
        .bind(now + ttl_ms)
        .execute(tx.conn())
        .await?;
        tx.audit(None, Some(user_id), "login", "").await?;
        tx.commit().await
    }
}

impl WriteTx {
    /// Creates a region.
    pub async fn create_region(&mut self, code: &str, name: &str) -> Result<Region> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO regions (code, name, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(code)
        .bind(name)
        .bind(now_ms())
        .fetch_one(self.conn())
        .await
        .map_err(|e| StorageError::duplicate_as(e, &format!("区划代码「{code}」")))?;
        Ok(Region {
            id,
            code: code.into(),
            name: name.into(),
            unit_sign_off: false,
        })
    }

    /// Sets whether a region asks for internal sign-off; false when the region does not exist.
    pub async fn set_region_sign_off(&mut self, region_id: i64, on: bool) -> Result<bool> {
        let r = sqlx::query("UPDATE regions SET unit_sign_off = $2 WHERE id = $1")
            .bind(region_id)
            .bind(i64::from(on))
            .execute(self.conn())
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Creates a unit.
    pub async fn create_unit(&mut self, region_id: i64, code: &str, name: &str) -> Result<Unit> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO units (region_id, code, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(region_id)
        .bind(code)
        .bind(name)
        .bind(now_ms())
        .fetch_one(self.conn())
        .await
        .map_err(|e| StorageError::duplicate_as(e, &format!("单位编码「{code}」")))?;
        Ok(Unit {
            id,
            region_id,
            code: code.into(),
            name: name.into(),
        })
    }

    /// Creates a user.
    pub async fn create_user(&mut self, u: &NewUser<'_>) -> Result<User> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO users (username, display_name, password_hash, role, region_id, unit_id, created_at, office) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(u.username)
        .bind(u.display_name)
        .bind(u.password_hash)
        .bind(u.role.as_str())
        .bind(u.region_id)
        .bind(u.unit_id)
        .bind(now_ms())
        .bind(u.office)
        .fetch_one(self.conn())
        .await
        .map_err(|e| StorageError::duplicate_as(e, &format!("用户名「{}」", u.username)))?;
        Ok(User {
            id,
            username: u.username.into(),
            display_name: u.display_name.into(),
            office: u.office.into(),
            role: u.role,
            region_id: u.region_id,
            unit_id: u.unit_id,
            disabled: false,
            failed_logins: 0,
            locked_until: 0,
        })
    }

    /// Writes what an administrator edits of a user: name, role, scope, disabled. The lock-out
    /// columns are not written here (see [`WriteTx::unlock_user`]), so a lock that a failed
    /// login set between the administrator's read and this write stays in force. Disabling a
    /// user ends their sessions.
    pub async fn update_user(&mut self, u: &User) -> Result<()> {
        sqlx::query(
            "UPDATE users SET display_name = $2, role = $3, region_id = $4, unit_id = $5, disabled = $6, \
             office = $7 WHERE id = $1",
        )
        .bind(u.id)
        .bind(&u.display_name)
        .bind(u.role.as_str())
        .bind(u.region_id)
        .bind(u.unit_id)
        .bind(i64::from(u.disabled))
        .bind(&u.office)
        .execute(self.conn())
        .await?;
        if u.disabled {
            self.delete_sessions_of(u.id).await?;
        }
        Ok(())
    }

    /// Clears a user's failed logins and lock.
    pub async fn unlock_user(&mut self, user_id: i64) -> Result<()> {
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = $1")
            .bind(user_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Sets a new password hash, unlocks the user and ends their sessions.
    pub async fn set_password(&mut self, user_id: i64, password_hash: &str) -> Result<bool> {
        let r = sqlx::query("UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = 0 WHERE id = $1")
            .bind(user_id)
            .bind(password_hash)
            .execute(self.conn())
            .await?;
        self.delete_sessions_of(user_id).await?;
        Ok(r.rows_affected() == 1)
    }

    /// Ends all sessions of a user.
    pub async fn delete_sessions_of(&mut self, user_id: i64) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }
}
