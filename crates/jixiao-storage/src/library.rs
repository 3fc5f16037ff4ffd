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

/// `(form id, approved version)` of every approved form of a region and template.
const APPROVED_VERSIONS: &str = "SELECT id, approved_version FROM forms \
     WHERE region_id = $1 AND template_id = $2 AND approved_version IS NOT NULL ORDER BY id";

impl Db {
    /// `(form id, approved version)` of every approved form of a region and template.
    pub async fn approved_versions(
        &self,
        region_id: i64,
        template_id: &str,
    ) -> Result<Vec<(i64, i64)>> {
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

    /// `(form id, approved version)` of every approved form of a region and template, read
    /// inside the transaction.
    pub async fn approved_versions(
        &mut self,
        region_id: i64,
        template_id: &str,
    ) -> Result<Vec<(i64, i64)>> {
        Ok(sqlx::query_as(APPROVED_VERSIONS)
            .bind(region_id)
            .bind(template_id)
            .fetch_all(self.conn())
            .await?)
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
