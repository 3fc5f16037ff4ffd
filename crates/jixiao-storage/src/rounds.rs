//! Declaration rounds (填报任务): a round of kind `declaration` in the `rounds` table, the units
//! it covers (`round_units`, each with the time a reviewer reopened it after the close), and the
//! notices (提醒) the round board sends to units.

use jixiao_domain::workflow::DocumentKind;
use serde::Serialize;

use crate::reports::{ROUND_COLUMNS, Round, round_from};
use crate::{Db, Result, WriteTx, now_ms};

/// A unit covered by a declaration round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundUnit {
    /// Unit id.
    pub unit_id: i64,
    /// Unit code.
    pub code: String,
    /// Unit name.
    pub name: String,
    /// When a reviewer reopened the unit after the round closed (Unix ms).
    pub reopened_at: Option<i64>,
}

impl RoundUnit {
    /// May the unit still submit in `round`: the round is open, or it reopened the unit.
    pub fn may_submit(&self, round: &Round) -> bool {
        round.closed_at.is_none() || self.reopened_at.is_some()
    }
}

/// A notice to a unit (a reminder from the round board).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// Id.
    pub id: i64,
    /// The round it is about.
    pub round_id: Option<i64>,
    /// Text.
    pub body: String,
    /// Sent (Unix ms).
    pub created_at: i64,
    /// Who sent it (display name).
    pub sender: Option<String>,
}

/// The unit columns after [`ROUND_COLUMNS`] and the tables of a unit's entry in a round.
const ENTRY_FROM: &str = "u.id, u.code, u.name, ru.reopened_at FROM rounds r \
    JOIN regions rg ON rg.id = r.region_id \
    JOIN round_units ru ON ru.round_id = r.id JOIN units u ON u.id = ru.unit_id";

/// A round with a unit's entry, as [`ENTRY_FROM`] reads them.
fn round_entry_from(row: sqlx::any::AnyRow) -> Result<(Round, RoundUnit)> {
    use sqlx::Row;
    let unit = RoundUnit {
        unit_id: row.try_get(9)?,
        code: row.try_get(10)?,
        name: row.try_get(11)?,
        reopened_at: row.try_get(12)?,
    };
    Ok((round_from(row)?, unit))
}

/// (id, round, body, sent, sender) as read.
type NoticeTuple = (i64, Option<i64>, String, i64, Option<String>);

impl Db {
    /// The units a round covers, by unit code.
    pub async fn round_units(&self, round_id: i64) -> Result<Vec<RoundUnit>> {
        let rows: Vec<(i64, String, String, Option<i64>)> = sqlx::query_as(
            "SELECT u.id, u.code, u.name, ru.reopened_at FROM round_units ru \
             JOIN units u ON u.id = ru.unit_id WHERE ru.round_id = $1 ORDER BY u.code, u.id",
        )
        .bind(round_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(unit_id, code, name, reopened_at)| RoundUnit {
                unit_id,
                code,
                name,
                reopened_at,
            })
            .collect())
    }

    /// The declaration rounds covering a unit, newest year first, with the unit's entry.
    pub async fn declaration_rounds_of_unit(
        &self,
        unit_id: i64,
    ) -> Result<Vec<(Round, RoundUnit)>> {
        let sql = format!(
            "SELECT {ROUND_COLUMNS}, {ENTRY_FROM} \
             WHERE ru.unit_id = $1 AND r.kind = $2 ORDER BY r.fiscal_year DESC, r.id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(unit_id)
            .bind(DocumentKind::Declaration.as_str())
            .fetch_all(self.pool())
            .await?;
        rows.into_iter().map(round_entry_from).collect()
    }

    /// The unread notices of a unit, newest first (at most 50).
    pub async fn unread_notices(&self, unit_id: i64) -> Result<Vec<Notice>> {
        let rows: Vec<NoticeTuple> = sqlx::query_as(
            "SELECT n.id, n.round_id, n.body, n.created_at, u.display_name FROM notices n \
             LEFT JOIN users u ON u.id = n.created_by \
             WHERE n.unit_id = $1 AND n.read_at IS NULL ORDER BY n.id DESC LIMIT 50",
        )
        .bind(unit_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, round_id, body, created_at, sender)| Notice {
                id,
                round_id,
                body,
                created_at,
                sender,
            })
            .collect())
    }
}

impl WriteTx {
    /// Adds a unit to a round.
    pub async fn add_round_unit(&mut self, round_id: i64, unit_id: i64) -> Result<()> {
        sqlx::query("INSERT INTO round_units (round_id, unit_id) VALUES ($1, $2)")
            .bind(round_id)
            .bind(unit_id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Closes a round; false when it was already closed.
    pub async fn close_round(&mut self, round_id: i64, user_id: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE rounds SET closed_at = $1, closed_by = $2 WHERE id = $3 AND closed_at IS NULL",
        )
        .bind(now_ms())
        .bind(user_id)
        .bind(round_id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Reopens one unit of a closed round; false when the unit is not in the round or was
    /// already reopened.
    pub async fn reopen_round_unit(
        &mut self,
        round_id: i64,
        unit_id: i64,
        user_id: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE round_units SET reopened_at = $1, reopened_by = $2 \
             WHERE round_id = $3 AND unit_id = $4 AND reopened_at IS NULL",
        )
        .bind(now_ms())
        .bind(user_id)
        .bind(round_id)
        .bind(unit_id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The entry of a unit in the declaration round of its region and year, if one covers it.
    pub async fn declaration_round_for(
        &mut self,
        unit_id: i64,
        fiscal_year: i64,
    ) -> Result<Option<(Round, RoundUnit)>> {
        let sql = format!(
            "SELECT {ROUND_COLUMNS}, {ENTRY_FROM} \
             WHERE ru.unit_id = $1 AND r.kind = $2 AND r.fiscal_year = $3 ORDER BY r.id DESC LIMIT 1"
        );
        let row = sqlx::query(&sql)
            .bind(unit_id)
            .bind(DocumentKind::Declaration.as_str())
            .bind(fiscal_year)
            .fetch_optional(self.conn())
            .await?;
        row.map(round_entry_from).transpose()
    }

    /// Sends a notice to a unit; returns its id.
    pub async fn add_notice(
        &mut self,
        unit_id: i64,
        round_id: Option<i64>,
        body: &str,
        user_id: i64,
    ) -> Result<i64> {
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO notices (unit_id, round_id, body, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(unit_id)
        .bind(round_id)
        .bind(body)
        .bind(user_id)
        .bind(now_ms())
        .fetch_one(self.conn())
        .await?;
        Ok(id)
    }

    /// Marks a unit's notices read (only that unit's).
    pub async fn mark_notices_read(&mut self, unit_id: i64, ids: &[i64]) -> Result<()> {
        let at = now_ms();
        for id in ids {
            sqlx::query(
                "UPDATE notices SET read_at = $1 WHERE id = $2 AND unit_id = $3 AND read_at IS NULL",
            )
            .bind(at)
            .bind(id)
            .bind(unit_id)
            .execute(self.conn())
            .await?;
        }
        Ok(())
    }
}
