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
    /// Whether a form of a unit with a department in charge goes to that department before the
    /// finance bureau (两级审核).
    pub department_review: bool,
    /// The region above (a city over its counties); `None` at the top.
    pub parent_id: Option<i64>,
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
    /// The department in charge (主管部门): another unit of the region, if any.
    pub department_id: Option<i64>,
    /// Unit type (单位类型, `jixiao_domain::library::UNIT_TYPES`); empty while not set.
    pub unit_type: String,
}

/// The columns [`unit_from`] reads.
const UNIT_COLUMNS: &str = "id, region_id, code, name, department_id, unit_type";

type UnitTuple = (i64, i64, String, String, Option<i64>, String);

fn unit_from((id, region_id, code, name, department_id, unit_type): UnitTuple) -> Unit {
    Unit {
        id,
        region_id,
        code,
        name,
        department_id,
        unit_type,
    }
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
    /// The user must choose a new password before anything else (after an administrator set
    /// it: a new account or a reset).
    pub must_change_password: bool,
    /// When the password was last set (Unix ms).
    pub password_changed_at: i64,
    /// The last successful login (Unix ms).
    pub last_login_at: Option<i64>,
    /// Client address of the last successful login.
    pub last_login_address: Option<String>,
}

/// The user of a live session, with the session's CSRF token.
#[derive(Debug, Clone)]
pub struct SessionUser {
    /// The user.
    pub user: User,
    /// The session's CSRF token (double-submit value).
    pub csrf_token: String,
    /// When the session ends at the latest (Unix ms).
    pub expires_at: i64,
    /// When the session started (Unix ms).
    pub created_at: i64,
    /// The login before this session's (time, Unix ms), shown after login.
    pub previous_login_at: Option<i64>,
    /// Client address of the login before this session's.
    pub previous_login_address: Option<String>,
}

/// A live session as its owner sees it in the list of their sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionInfo {
    /// A short public id: the first 16 hex digits of the token's hash (the token itself and its
    /// full hash never leave the server).
    pub id: String,
    /// The full hash (server side only).
    #[serde(skip)]
    pub token_hash: String,
    /// Started (Unix ms).
    pub created_at: i64,
    /// Last request (Unix ms, to the minute).
    pub last_seen_at: i64,
    /// Ends at the latest (Unix ms).
    pub expires_at: i64,
    /// Client address at login.
    pub address: String,
    /// Browser at login.
    pub user_agent: String,
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
    /// The password was set by someone else: the user must change it at first login.
    pub must_change_password: bool,
}

const USER_COLUMNS: &str = "u.id, u.username, u.display_name, u.role, u.region_id, u.unit_id, \
    u.disabled, u.failed_logins, u.locked_until, u.office, u.must_change_password, \
    u.password_changed_at, u.last_login_at, u.last_login_address";

/// How many columns [`USER_COLUMNS`] reads (a query's further columns start there).
const USER_WIDTH: usize = 14;

/// SQL for a user (`u`) as people read it: office and display name (`县财政局绩效股 刘洋`).
pub(crate) const PERSON: &str =
    "CASE WHEN u.office = '' THEN u.display_name ELSE u.office || ' ' || u.display_name END";

fn user_from(row: &sqlx::any::AnyRow) -> Result<User> {
    use sqlx::Row;
    let role: String = row.try_get(3)?;
    let role =
        Role::parse(&role).ok_or_else(|| StorageError::Corrupt(format!("未知角色 {role}")))?;
    Ok(User {
        id: row.try_get(0)?,
        username: row.try_get(1)?,
        display_name: row.try_get(2)?,
        role,
        region_id: row.try_get(4)?,
        unit_id: row.try_get(5)?,
        disabled: row.try_get::<i64, _>(6)? != 0,
        failed_logins: row.try_get(7)?,
        locked_until: row.try_get(8)?,
        office: row.try_get(9)?,
        must_change_password: row.try_get::<i64, _>(10)? != 0,
        password_changed_at: row.try_get(11)?,
        last_login_at: row.try_get(12)?,
        last_login_address: row.try_get(13)?,
    })
}

impl Db {
    /// All regions, by code.
    pub async fn regions(&self) -> Result<Vec<Region>> {
        let rows: Vec<(i64, String, String, i64, i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, code, name, unit_sign_off, department_review, parent_id FROM regions ORDER BY code",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, code, name, sign_off, department, parent_id)| Region {
                id,
                code,
                name,
                unit_sign_off: sign_off != 0,
                department_review: department != 0,
                parent_id,
            })
            .collect())
    }

    /// The ids of a region and of every region under it, at any depth (empty when the region
    /// does not exist).
    pub async fn region_subtree(&self, region_id: i64) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = sqlx::query_as(
            "WITH RECURSIVE sub(id) AS (SELECT id FROM regions WHERE id = $1 \
             UNION SELECT r.id FROM regions r JOIN sub ON r.parent_id = sub.id) \
             SELECT id FROM sub ORDER BY id",
        )
        .bind(region_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// Units, all or of one region, by code.
    pub async fn units(&self, region_id: Option<i64>) -> Result<Vec<Unit>> {
        let sql = format!(
            "SELECT {UNIT_COLUMNS} FROM units WHERE ($1 IS NULL OR region_id = $1) ORDER BY code"
        );
        let rows: Vec<UnitTuple> = sqlx::query_as(&sql)
            .bind(region_id)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().map(unit_from).collect())
    }

    /// One unit.
    pub async fn unit(&self, id: i64) -> Result<Option<Unit>> {
        let sql = format!("SELECT {UNIT_COLUMNS} FROM units WHERE id = $1");
        let row: Option<UnitTuple> = sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(unit_from))
    }

    /// A unit by its code or exact name.
    pub async fn unit_by_code_or_name(&self, key: &str) -> Result<Option<Unit>> {
        let sql =
            format!("SELECT {UNIT_COLUMNS} FROM units WHERE code = $1 OR name = $1 ORDER BY id");
        let row: Option<UnitTuple> = sqlx::query_as(&sql)
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        Ok(row.map(unit_from))
    }

    /// Users, all or of one region, by username.
    pub async fn users(&self, region_id: Option<i64>) -> Result<Vec<User>> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users u WHERE ($1 IS NULL OR u.region_id = $1) ORDER BY u.username"
        );
        let rows = sqlx::query(&sql)
            .bind(region_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(user_from).collect()
    }

    /// One user by id.
    pub async fn user(&self, id: i64) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(user_from).transpose()
    }

    /// A user and their password hash, by login name.
    pub async fn user_for_login(&self, username: &str) -> Result<Option<(User, String)>> {
        let sql =
            format!("SELECT {USER_COLUMNS}, u.password_hash FROM users u WHERE u.username = $1");
        let row = sqlx::query(&sql)
            .bind(username)
            .fetch_optional(self.pool())
            .await?;
        match row {
            None => Ok(None),
            Some(r) => {
                use sqlx::Row;
                Ok(Some((user_from(&r)?, r.try_get(USER_WIDTH)?)))
            }
        }
    }

    /// The user of a live session (`token_hash` is the hash of the cookie value): `None` when
    /// there is none, it has passed its absolute end, it has been idle `idle_ms` or longer, or
    /// the user is disabled. A session seen is marked seen now (at most once a minute, to keep
    /// writes few).
    pub async fn session_user(
        &self,
        token_hash: &str,
        idle_ms: i64,
    ) -> Result<Option<SessionUser>> {
        use sqlx::Row;
        let now = now_ms();
        let sql = format!(
            "SELECT {USER_COLUMNS}, s.csrf_token, s.expires_at, s.created_at, s.previous_login_at, \
             s.previous_login_address FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.disabled = 0"
        );
        let row = sqlx::query(&sql)
            .bind(token_hash)
            .bind(now)
            .bind(now - idle_ms)
            .fetch_optional(self.pool())
            .await?;
        let Some(r) = row else {
            return Ok(None);
        };
        sqlx::query(
            "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $3",
        )
        .bind(token_hash)
        .bind(now)
        .bind(now - 60_000)
        .execute(self.pool())
        .await?;
        Ok(Some(SessionUser {
            user: user_from(&r)?,
            csrf_token: r.try_get(USER_WIDTH)?,
            expires_at: r.try_get(USER_WIDTH + 1)?,
            created_at: r.try_get(USER_WIDTH + 2)?,
            previous_login_at: r.try_get(USER_WIDTH + 3)?,
            previous_login_address: r.try_get(USER_WIDTH + 4)?,
        }))
    }

    /// The live sessions of a user (not past their end), newest first. `idle_ms` marks those
    /// idle too long as ended, as [`Db::session_user`] does.
    pub async fn sessions_of(&self, user_id: i64, idle_ms: i64) -> Result<Vec<SessionInfo>> {
        use sqlx::Row;
        let now = now_ms();
        let rows = sqlx::query(
            "SELECT token_hash, created_at, last_seen_at, expires_at, address, user_agent \
             FROM sessions WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3 \
             ORDER BY created_at DESC",
        )
        .bind(user_id)
        .bind(now)
        .bind(now - idle_ms)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let hash: String = r.try_get(0)?;
                Ok(SessionInfo {
                    id: hash.chars().take(16).collect(),
                    token_hash: hash,
                    created_at: r.try_get(1)?,
                    last_seen_at: r.try_get(2)?,
                    expires_at: r.try_get(3)?,
                    address: r.try_get(4)?,
                    user_agent: r.try_get(5)?,
                })
            })
            .collect()
    }

    /// Deletes expired sessions; returns how many.
    pub async fn purge_sessions(&self) -> Result<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now_ms())
            .execute(self.pool())
            .await?;
        Ok(r.rows_affected())
    }

    /// How long (ms) logins for `username` from `address` are still held back, if they are.
    pub async fn login_blocked(&self, username: &str, address: &str) -> Result<Option<i64>> {
        use sqlx::Row;
        let row = sqlx::query(
            "SELECT blocked_until FROM login_failures WHERE username = $1 AND address = $2",
        )
        .bind(username)
        .bind(address)
        .fetch_optional(self.pool())
        .await?;
        let now = now_ms();
        Ok(match row {
            Some(r) => {
                let until: i64 = r.try_get(0)?;
                (until > now).then_some(until - now)
            }
            None => None,
        })
    }

    /// Records a failed login for a name (known or not) from an address, with its audit row:
    /// after `free` failures in a row from that address, each further one holds the pair back
    /// twice as long as the one before (1 s, 2 s, 4 s… at most `max_ms`). The owner logging in
    /// from elsewhere is not held back. A known user's failure count goes up too (shown to the
    /// security administrator). Returns how long the pair is now held back (0 when not).
    pub async fn record_login_failure(
        &self,
        username: &str,
        address: &str,
        user_id: Option<i64>,
        free: i64,
        max_ms: i64,
        detail: &str,
    ) -> Result<i64> {
        use sqlx::Row;
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(&format!(
            "SELECT failures FROM login_failures WHERE username = $1 AND address = $2{}",
            tx.for_update()
        ))
        .bind(username)
        .bind(address)
        .fetch_optional(tx.conn())
        .await?;
        let failures = match &row {
            Some(r) => r.try_get::<i64, _>(0)? + 1,
            None => 1,
        };
        let hold = if failures > free {
            let doublings = (failures - free - 1).min(30) as u32;
            (1000_i64 << doublings).min(max_ms)
        } else {
            0
        };
        if row.is_some() {
            sqlx::query(
                "UPDATE login_failures SET failures = $3, last_at = $4, blocked_until = $5 \
                 WHERE username = $1 AND address = $2",
            )
        } else {
            sqlx::query(
                "INSERT INTO login_failures (username, address, failures, last_at, blocked_until) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
        }
        .bind(username)
        .bind(address)
        .bind(failures)
        .bind(now)
        .bind(now + hold)
        .execute(tx.conn())
        .await?;
        if let Some(id) = user_id {
            sqlx::query("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1")
                .bind(id)
                .execute(tx.conn())
                .await?;
        }
        tx.append_audit(
            crate::audit::Subject::default(),
            user_id,
            "login.failed",
            detail,
            crate::audit::Outcome::Refused,
        )
        .await?;
        tx.commit().await?;
        Ok(hold)
    }

    /// Records a login attempt refused without checking the password (held back, or the
    /// address throttled), with its audit row.
    pub async fn record_login_refused(
        &self,
        user_id: Option<i64>,
        action: &str,
        detail: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        tx.append_audit(
            crate::audit::Subject::default(),
            user_id,
            action,
            detail,
            crate::audit::Outcome::Refused,
        )
        .await?;
        tx.commit().await
    }

    /// Creates a session after a good login: clears the name's failures from this address,
    /// notes the login (the previous one stays on the session, to be shown), optionally ends the
    /// user's other sessions, and audits.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_session(
        &self,
        user: &User,
        username_typed: &str,
        address: &str,
        token_hash: &str,
        csrf: &str,
        ttl_ms: i64,
        single_session: bool,
    ) -> Result<()> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM login_failures WHERE username = $1 AND address = $2")
            .bind(username_typed)
            .bind(address)
            .execute(tx.conn())
            .await?;
        sqlx::query(
            "UPDATE users SET failed_logins = 0, locked_until = 0, last_login_at = $2, \
             last_login_address = $3 WHERE id = $1",
        )
        .bind(user.id)
        .bind(now)
        .bind(address)
        .execute(tx.conn())
        .await?;
        let ended = if single_session {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user.id)
                .execute(tx.conn())
                .await?
                .rows_affected()
        } else {
            0
        };
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, \
             last_seen_at, previous_login_at, previous_login_address, address, user_agent) \
             VALUES ($1, $2, $3, $4, $5, $4, $6, $7, $8, $9)",
        )
        .bind(token_hash)
        .bind(user.id)
        .bind(csrf)
        .bind(now)
        .bind(now + ttl_ms)
        .bind(user.last_login_at)
        .bind(user.last_login_address.as_deref())
        .bind(address)
        .bind(crate::AuditContext::current().user_agent)
        .execute(tx.conn())
        .await?;
        let detail = if ended > 0 {
            format!("结束了此前的 {ended} 个会话（一人一会话）")
        } else {
            String::new()
        };
        tx.audit(None, Some(user.id), "login", &detail).await?;
        tx.commit().await
    }

    /// The latest `n` password hashes of a user (the current one first), for the history rule.
    pub async fn recent_password_hashes(&self, user_id: i64, n: i64) -> Result<Vec<String>> {
        use sqlx::Row;
        let mut out = Vec::new();
        let current = sqlx::query("SELECT password_hash FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(self.pool())
            .await?;
        if let Some(r) = current {
            out.push(r.try_get(0)?);
        }
        let rows = sqlx::query(
            "SELECT password_hash FROM password_history WHERE user_id = $1 \
             ORDER BY changed_at DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(n.max(0))
        .fetch_all(self.pool())
        .await?;
        for r in rows {
            out.push(r.try_get(0)?);
        }
        out.truncate(n.max(0) as usize);
        Ok(out)
    }

    /// A setting's stored value.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        use sqlx::Row;
        let row = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(r) => Some(r.try_get(0)?),
            None => None,
        })
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
            department_review: false,
            parent_id: None,
        })
    }

    /// Puts a region under another (`Some`) or at the top (`None`); false when the region does
    /// not exist. The caller checks that the parent is not the region itself or under it.
    pub async fn set_region_parent(&mut self, region_id: i64, parent: Option<i64>) -> Result<bool> {
        let r = sqlx::query("UPDATE regions SET parent_id = $2 WHERE id = $1")
            .bind(region_id)
            .bind(parent)
            .execute(self.conn())
            .await?;
        Ok(r.rows_affected() == 1)
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

    /// Sets whether a region asks the department in charge to review before the finance bureau;
    /// false when the region does not exist.
    pub async fn set_region_department_review(&mut self, region_id: i64, on: bool) -> Result<bool> {
        let r = sqlx::query("UPDATE regions SET department_review = $2 WHERE id = $1")
            .bind(region_id)
            .bind(i64::from(on))
            .execute(self.conn())
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Sets (or clears) a unit's department in charge; false when the unit does not exist. The
    /// caller checks that the department is another unit of the same region.
    pub async fn set_unit_department(
        &mut self,
        unit_id: i64,
        department_id: Option<i64>,
    ) -> Result<bool> {
        let r = sqlx::query("UPDATE units SET department_id = $2 WHERE id = $1")
            .bind(unit_id)
            .bind(department_id)
            .execute(self.conn())
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Sets a unit's type (empty clears it); false when there is no such unit.
    pub async fn set_unit_type(&mut self, unit_id: i64, unit_type: &str) -> Result<bool> {
        let r = sqlx::query("UPDATE units SET unit_type = $2 WHERE id = $1")
            .bind(unit_id)
            .bind(unit_type)
            .execute(self.conn())
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Creates a unit (with no type).
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
            department_id: None,
            unit_type: String::new(),
        })
    }

    /// Creates a user.
    pub async fn create_user(&mut self, u: &NewUser<'_>) -> Result<User> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO users (username, display_name, password_hash, role, region_id, unit_id, created_at, office, \
             must_change_password, password_changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7) RETURNING id",
        )
        .bind(u.username)
        .bind(u.display_name)
        .bind(u.password_hash)
        .bind(u.role.as_str())
        .bind(u.region_id)
        .bind(u.unit_id)
        .bind(now_ms())
        .bind(u.office)
        .bind(i64::from(u.must_change_password))
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
            must_change_password: u.must_change_password,
            password_changed_at: now_ms(),
            last_login_at: None,
            last_login_address: None,
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

    /// Sets a new password hash (the old one goes into the history), unlocks the user and ends
    /// their sessions. `must_change`: an administrator set it, so the user must choose their
    /// own at the next login.
    pub async fn set_password(
        &mut self,
        user_id: i64,
        password_hash: &str,
        must_change: bool,
    ) -> Result<bool> {
        let now = now_ms();
        sqlx::query(
            "INSERT INTO password_history (user_id, password_hash, changed_at) \
             SELECT id, password_hash, password_changed_at FROM users WHERE id = $1",
        )
        .bind(user_id)
        .execute(self.conn())
        .await?;
        let r = sqlx::query(
            "UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = 0, \
             must_change_password = $3, password_changed_at = $4 WHERE id = $1",
        )
        .bind(user_id)
        .bind(password_hash)
        .bind(i64::from(must_change))
        .bind(now)
        .execute(self.conn())
        .await?;
        self.delete_sessions_of(user_id).await?;
        Ok(r.rows_affected() == 1)
    }

    /// Clears every held-back login of a name (the security administrator's unlock).
    pub async fn clear_login_failures(&mut self, username: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE username = $1")
            .bind(username)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Stores a setting.
    pub async fn set_setting(&mut self, key: &str, value: &str, by: Option<i64>) -> Result<()> {
        sqlx::query("DELETE FROM settings WHERE key = $1")
            .bind(key)
            .execute(self.conn())
            .await?;
        sqlx::query(
            "INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)",
        )
        .bind(key)
        .bind(value)
        .bind(now_ms())
        .bind(by)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Ends a session.
    pub async fn delete_session(&mut self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(self.conn())
            .await?;
        Ok(())
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
