//! The indicator library of each region and template, as the server keeps it: the
//! `jixiao-library/1` JSON built by `jixiao_domain::library::build` from the region's approved
//! forms, with a generation number that grows with every rebuild. App servers hold the parsed
//! library in memory and ask for the generation (one indexed row) before using it.

use serde::Serialize;

use crate::{Db, Result, WriteTx, now_ms};

/// A stored library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredLibrary {
    /// Grows with every rebuild (1 for the first).
    pub generation: i64,
    /// Approved forms it was built from.
    pub forms: i64,
    /// Its entries.
    pub entries: i64,
    /// When it was built (Unix ms).
    pub built_at: i64,
    /// The library JSON.
    pub body: String,
}

/// One decision of the finance bureau about an entry of a region's library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CurationRow {
    /// The entry's normalised name.
    pub key: String,
    /// The entry's unit of measure.
    pub unit: String,
    /// The entry's curation version (1 for the first decision).
    pub version: i64,
    /// `approve`, `edit`, `merge`, `retire` or `restore`.
    pub action: String,
    /// The decision as JSON (`jixiao_domain::library::Curation`).
    pub body: String,
    /// Who decided.
    pub user_id: Option<i64>,
    /// Who decided, as people read it.
    pub person: Option<String>,
    /// When (Unix ms).
    pub at: i64,
}

type CurationTuple = (
    String,
    String,
    i64,
    String,
    String,
    Option<i64>,
    Option<String>,
    i64,
);

fn curation_from(t: CurationTuple) -> CurationRow {
    CurationRow {
        key: t.0,
        unit: t.1,
        version: t.2,
        action: t.3,
        body: t.4,
        user_id: t.5,
        person: t.6,
        at: t.7,
    }
}

fn curation_select(filter: &str) -> String {
    format!(
        "SELECT c.entry_key, c.entry_unit, c.version, c.action, c.body, c.user_id, {}, c.created_at \
         FROM library_curations c LEFT JOIN users u ON u.id = c.user_id \
         WHERE c.region_id = $1 AND c.template_id = $2 {filter}",
        crate::users::PERSON
    )
}

/// The current decision of every curated entry of a region's library (the latest version of
/// each), then how many decisions there are in all: a rebuild compares that count to tell
/// whether a curation came in while it built.
const CURRENT_CURATIONS: &str = "AND c.version = (SELECT MAX(d.version) FROM library_curations d \
     WHERE d.region_id = c.region_id AND d.template_id = c.template_id \
     AND d.entry_key = c.entry_key AND d.entry_unit = c.entry_unit) \
     ORDER BY c.entry_key, c.entry_unit";

const CURATION_COUNT: &str =
    "SELECT COUNT(*) FROM library_curations WHERE region_id = $1 AND template_id = $2";

/// `(form id, approved version, unit type)` of every approved form of a region and template.
const APPROVED_VERSIONS: &str = "SELECT f.id, f.approved_version, u.unit_type FROM forms f \
     JOIN units u ON u.id = f.unit_id \
     WHERE f.region_id = $1 AND f.template_id = $2 AND f.approved_version IS NOT NULL ORDER BY f.id";

impl Db {
    /// `(form id, approved version, unit type)` of every approved form of a region and
    /// template.
    pub async fn approved_versions(
        &self,
        region_id: i64,
        template_id: &str,
    ) -> Result<Vec<(i64, i64, String)>> {
        Ok(sqlx::query_as(APPROVED_VERSIONS)
            .bind(region_id)
            .bind(template_id)
            .fetch_all(self.pool())
            .await?)
    }

    /// The templates a region has a library or a form for, in id order.
    pub async fn region_templates(&self, region_id: i64) -> Result<Vec<String>> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT template_id FROM libraries WHERE region_id = $1 \
             UNION SELECT DISTINCT template_id FROM forms WHERE region_id = $1 \
             ORDER BY template_id",
        )
        .bind(region_id)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|r| r.0).collect())
    }

    /// The generation of a region's library, if it has one.
    pub async fn library_generation(
        &self,
        region_id: i64,
        template_id: &str,
    ) -> Result<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT generation FROM libraries WHERE region_id = $1 AND template_id = $2",
        )
        .bind(region_id)
        .bind(template_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|r| r.0))
    }

    /// The current decision about every curated entry of a region's library.
    pub async fn library_curations(
        &self,
        region_id: i64,
        template_id: &str,
    ) -> Result<Vec<CurationRow>> {
        let rows: Vec<CurationTuple> = sqlx::query_as(&curation_select(CURRENT_CURATIONS))
            .bind(region_id)
            .bind(template_id)
            .fetch_all(self.pool())
            .await?;
        Ok(rows.into_iter().map(curation_from).collect())
    }

    /// Every decision about one entry, oldest first.
    pub async fn library_curation_history(
        &self,
        region_id: i64,
        template_id: &str,
        key: &str,
        unit: &str,
    ) -> Result<Vec<CurationRow>> {
        let rows: Vec<CurationTuple> = sqlx::query_as(&curation_select(
            "AND c.entry_key = $3 AND c.entry_unit = $4 ORDER BY c.version",
        ))
        .bind(region_id)
        .bind(template_id)
        .bind(key)
        .bind(unit)
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(curation_from).collect())
    }

    /// How many curation decisions a region's library has had.
    pub async fn library_curation_count(&self, region_id: i64, template_id: &str) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as(CURATION_COUNT)
            .bind(region_id)
            .bind(template_id)
            .fetch_one(self.pool())
            .await?;
        Ok(n)
    }

    /// A region's library, if it has one.
    pub async fn library(
        &self,
        region_id: i64,
        template_id: &str,
    ) -> Result<Option<StoredLibrary>> {
        let row: Option<(i64, i64, i64, i64, String)> = sqlx::query_as(
            "SELECT generation, forms, entries, built_at, body FROM libraries \
             WHERE region_id = $1 AND template_id = $2",
        )
        .bind(region_id)
        .bind(template_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(
            |(generation, forms, entries, built_at, body)| StoredLibrary {
                generation,
                forms,
                entries,
                built_at,
                body,
            },
        ))
    }
}

impl WriteTx {
    /// Holds the region's library lock until the transaction ends: an advisory lock on
    /// PostgreSQL; nothing on SQLite, whose write transactions already run one at a time.
    pub async fn lock_library(&mut self, region_id: i64) -> Result<()> {
        if self.backend == crate::Backend::Postgres {
            // The key space of library locks: 0x6a78 ("jx") in the high bits.
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind((0x6a78_i64 << 48) | (region_id & 0xffff_ffff_ffff))
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// `(form id, approved version, unit type)` of every approved form of a region and
    /// template, read inside the transaction.
    pub async fn approved_versions(
        &mut self,
        region_id: i64,
        template_id: &str,
    ) -> Result<Vec<(i64, i64, String)>> {
        Ok(sqlx::query_as(APPROVED_VERSIONS)
            .bind(region_id)
            .bind(template_id)
            .fetch_all(self.conn())
            .await?)
    }

    /// How many curation decisions a region's library has had, read inside the transaction.
    pub async fn library_curation_count(
        &mut self,
        region_id: i64,
        template_id: &str,
    ) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as(CURATION_COUNT)
            .bind(region_id)
            .bind(template_id)
            .fetch_one(self.conn())
            .await?;
        Ok(n)
    }

    /// Records a decision about an entry as its next version and answers that version. Call it
    /// under [`WriteTx::lock_library`] so that two decisions about one entry queue.
    #[allow(clippy::too_many_arguments)]
    pub async fn put_library_curation(
        &mut self,
        region_id: i64,
        template_id: &str,
        key: &str,
        unit: &str,
        action: &str,
        body: &str,
        user_id: Option<i64>,
    ) -> Result<i64> {
        let (last,): (Option<i64>,) = sqlx::query_as(
            "SELECT MAX(version) FROM library_curations WHERE region_id = $1 AND template_id = $2 \
             AND entry_key = $3 AND entry_unit = $4",
        )
        .bind(region_id)
        .bind(template_id)
        .bind(key)
        .bind(unit)
        .fetch_one(self.conn())
        .await?;
        let version = last.unwrap_or(0) + 1;
        sqlx::query(
            "INSERT INTO library_curations (region_id, template_id, entry_key, entry_unit, version, \
             action, body, user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(region_id)
        .bind(template_id)
        .bind(key)
        .bind(unit)
        .bind(version)
        .bind(action)
        .bind(body)
        .bind(user_id)
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        Ok(version)
    }

    /// Stores a region's rebuilt library and answers its new generation.
    pub async fn put_library(
        &mut self,
        region_id: i64,
        template_id: &str,
        forms: i64,
        entries: i64,
        body: &str,
    ) -> Result<i64> {
        let (generation,): (i64,) = sqlx::query_as(
            "INSERT INTO libraries (region_id, template_id, generation, forms, entries, built_at, body) \
             VALUES ($1, $2, 1, $3, $4, $5, $6) \
             ON CONFLICT (region_id, template_id) DO UPDATE SET \
             generation = libraries.generation + 1, forms = excluded.forms, \
             entries = excluded.entries, built_at = excluded.built_at, body = excluded.body \
             RETURNING generation",
        )
        .bind(region_id)
        .bind(template_id)
        .bind(forms)
        .bind(entries)
        .bind(now_ms())
        .bind(body)
        .fetch_one(self.conn())
        .await?;
        Ok(generation)
    }
}
