//! Publications (公开): each time a form is published, its approved version is recorded here with
//! the date. A publication is never changed or removed: publishing again after an adjustment
//! adds a new one, and the older stays readable. The public portal and the open data read this
//! table only (with the version's JSON and indicator rows), so a draft, a submitted version or
//! an approved but unpublished one cannot reach them whatever the form's current state.

use serde::Serialize;

use crate::{Db, Result, WriteTx, now_ms};

/// One published version of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Publication {
    /// Id (grows with every publication).
    pub id: i64,
    /// The form.
    pub form_id: i64,
    /// The published version of the form.
    pub version: i64,
    /// Region code (`420222`).
    pub region_code: String,
    /// Region name.
    pub region_name: String,
    /// Unit code.
    pub unit_code: String,
    /// Unit name when it was published.
    pub unit_name: String,
    /// Fiscal year.
    pub fiscal_year: i64,
    /// When it was published (Unix ms).
    pub published_at: i64,
    /// Its number among the form's publications: 1 for the first, 2 after an adjustment was
    /// published again, …
    pub ordinal: i64,
}

/// A region and year with published forms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicYear {
    /// Region code.
    pub region_code: String,
    /// Region name.
    pub region_name: String,
    /// Fiscal year.
    pub fiscal_year: i64,
    /// Units with at least one published form.
    pub units: i64,
    /// The latest publication (Unix ms).
    pub last_published_at: i64,
}

/// What identifies the content of a region's open data for a year: it changes with every new
/// publication (the ETag and Last-Modified of the open-data files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DatasetStamp {
    /// Publications of the region and year.
    pub publications: i64,
    /// The highest publication id among them (0 when none).
    pub last_id: i64,
    /// The latest publication (Unix ms; 0 when none).
    pub last_published_at: i64,
}

/// One level-3 indicator of a published form: a row of the open data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicIndicator {
    /// The publication it belongs to.
    pub publication: Publication,
    /// The table: `long_term` (长期绩效指标) or `annual` (年度绩效指标).
    pub table_kind: String,
    /// Row number within its table (0-based).
    pub position: i64,
    /// 一级指标.
    pub level1: String,
    /// 二级指标.
    pub level2: String,
    /// 三级指标.
    pub name: String,
    /// The target as the form shows it.
    pub target: Option<String>,
    /// The comparator of a numeric target (`≥`, `≤`, `=`, …).
    pub comparator: Option<String>,
    /// The number of a numeric target (decimal text).
    pub target_number: Option<String>,
    /// Unit of measure.
    pub unit_of_measure: Option<String>,
    /// 指标值确定依据.
    pub basis: Option<String>,
    /// 指标分类.
    pub class: Option<String>,
}

/// Columns of [`Publication`], in [`publication_from`]'s order.
const PUB_COLUMNS: &str = "p.id, p.form_id, p.version, rg.code, rg.name, un.code, p.unit_name, \
    p.fiscal_year, p.published_at, \
    (SELECT COUNT(*) FROM publications p3 WHERE p3.form_id = p.form_id AND p3.id <= p.id)";

const PUB_FROM: &str =
    "publications p JOIN regions rg ON rg.id = p.region_id JOIN units un ON un.id = p.unit_id";

/// Only the latest publication of each form.
const LATEST: &str = "p.id = (SELECT MAX(p2.id) FROM publications p2 WHERE p2.form_id = p.form_id)";

fn publication_at(row: &sqlx::any::AnyRow, at: usize) -> Result<Publication> {
    use sqlx::Row;
    Ok(Publication {
        id: row.try_get(at)?,
        form_id: row.try_get(at + 1)?,
        version: row.try_get(at + 2)?,
        region_code: row.try_get(at + 3)?,
        region_name: row.try_get(at + 4)?,
        unit_code: row.try_get(at + 5)?,
        unit_name: row.try_get(at + 6)?,
        fiscal_year: row.try_get(at + 7)?,
        published_at: row.try_get(at + 8)?,
        ordinal: row.try_get(at + 9)?,
    })
}

/// `%text%` for `LIKE … ESCAPE '\'`, with the text's own `%`, `_` and `\` matched literally.
/// Blank text gives `None` (no filter).
pub fn like_pattern(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let mut p = String::with_capacity(text.len() + 2);
    p.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    Some(p)
}

impl WriteTx {
    /// Records the publication of `version` of a form (by `user_id`, now). Publishing the same
    /// version again records nothing; returns whether a publication was added.
    pub async fn record_publication(
        &mut self,
        form_id: i64,
        version: i64,
        user_id: Option<i64>,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO publications \
             (form_id, version, region_id, unit_id, fiscal_year, unit_name, published_by, published_at) \
             SELECT f.id, $2, f.region_id, f.unit_id, f.fiscal_year, un.name, $3, $4 \
             FROM forms f JOIN units un ON un.id = f.unit_id WHERE f.id = $1 \
             ON CONFLICT (form_id, version) DO NOTHING",
        )
        .bind(form_id)
        .bind(version)
        .bind(user_id)
        .bind(now_ms())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() > 0)
    }
}

impl Db {
    /// Every region and year with published forms, regions by code, newest year first.
    pub async fn public_years(&self) -> Result<Vec<PublicYear>> {
        let rows: Vec<(String, String, i64, i64, i64)> = sqlx::query_as(
            "SELECT rg.code, rg.name, p.fiscal_year, COUNT(DISTINCT p.unit_id), MAX(p.published_at) \
             FROM publications p JOIN regions rg ON rg.id = p.region_id \
             GROUP BY rg.code, rg.name, p.fiscal_year ORDER BY rg.code, p.fiscal_year DESC",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows
            .into_iter()
            .map(
                |(region_code, region_name, fiscal_year, units, last_published_at)| PublicYear {
                    region_code,
                    region_name,
                    fiscal_year,
                    units,
                    last_published_at,
                },
            )
            .collect())
    }

    /// The latest publication of each unit's form of a region and year, by unit code; only
    /// units whose name contains `name` when it is given.
    pub async fn public_units(
        &self,
        region_code: &str,
        fiscal_year: i64,
        name: Option<&str>,
    ) -> Result<Vec<Publication>> {
        let sql = format!(
            "SELECT {PUB_COLUMNS} FROM {PUB_FROM} \
             WHERE rg.code = $1 AND p.fiscal_year = $2 AND {LATEST} \
             AND ($3 IS NULL OR p.unit_name LIKE $3 ESCAPE '\\') \
             ORDER BY un.code, p.id"
        );
        let rows = sqlx::query(&sql)
            .bind(region_code)
            .bind(fiscal_year)
            .bind(name.and_then(like_pattern))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| publication_at(r, 0)).collect()
    }

    /// Every publication of a unit's form of a year, newest first (empty when there is none).
    pub async fn publications_of(
        &self,
        region_code: &str,
        fiscal_year: i64,
        unit_code: &str,
    ) -> Result<Vec<Publication>> {
        let sql = format!(
            "SELECT {PUB_COLUMNS} FROM {PUB_FROM} \
             WHERE rg.code = $1 AND p.fiscal_year = $2 AND un.code = $3 ORDER BY p.id DESC"
        );
        let rows = sqlx::query(&sql)
            .bind(region_code)
            .bind(fiscal_year)
            .bind(unit_code)
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(|r| publication_at(r, 0)).collect()
    }

    /// The level-3 indicators of the latest publication of every form of a region and year,
    /// by unit code, table and row; with `text`, only those whose level-1, level-2 or level-3
    /// name or target contains it; at most `limit` rows (0: no limit).
    pub async fn public_indicators(
        &self,
        region_code: &str,
        fiscal_year: i64,
        text: Option<&str>,
        limit: i64,
    ) -> Result<Vec<PublicIndicator>> {
        // The latest publications first (one row per form, with their ordinals computed once
        // each), then their indicator rows: a correlated subquery per indicator row would run
        // tens of thousands of times for a county.
        let sql = format!(
            "WITH lp AS MATERIALIZED (SELECT p.id AS id, p.form_id AS form_id, p.version AS version, \
               rg.code AS region_code, rg.name AS region_name, un.code AS unit_code, \
               p.unit_name AS unit_name, p.fiscal_year AS fiscal_year, p.published_at AS published_at, \
               (SELECT COUNT(*) FROM publications p3 WHERE p3.form_id = p.form_id AND p3.id <= p.id) AS ordinal \
               FROM {PUB_FROM} WHERE rg.code = $1 AND p.fiscal_year = $2 AND {LATEST}) \
             SELECT lp.id, lp.form_id, lp.version, lp.region_code, lp.region_name, lp.unit_code, \
             lp.unit_name, lp.fiscal_year, lp.published_at, lp.ordinal, i.table_kind, i.position, i.level1, i.level2, i.name, i.target, \
             i.comparator, i.target_number, i.unit_of_measure, i.basis, i.class \
             FROM lp JOIN indicators i ON i.form_id = lp.form_id AND i.version = lp.version \
             WHERE ($3 IS NULL OR i.name LIKE $3 ESCAPE '\\' OR i.level2 LIKE $3 ESCAPE '\\' \
                  OR i.level1 LIKE $3 ESCAPE '\\' OR i.target LIKE $3 ESCAPE '\\') \
             ORDER BY lp.unit_code, lp.id, i.table_kind DESC, i.position \
             LIMIT $4"
        );
        let limit = if limit <= 0 { i64::MAX } else { limit };
        let rows = sqlx::query(&sql)
            .bind(region_code)
            .bind(fiscal_year)
            .bind(text.and_then(like_pattern))
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                use sqlx::Row;
                Ok(PublicIndicator {
                    publication: publication_at(r, 0)?,
                    table_kind: r.try_get(10)?,
                    position: r.try_get(11)?,
                    level1: r.try_get(12)?,
                    level2: r.try_get(13)?,
                    name: r.try_get(14)?,
                    target: r.try_get(15)?,
                    comparator: r.try_get(16)?,
                    target_number: r.try_get(17)?,
                    unit_of_measure: r.try_get(18)?,
                    basis: r.try_get(19)?,
                    class: r.try_get(20)?,
                })
            })
            .collect()
    }

    /// The latest publication of every form of a region and year with the published version's
    /// JSON, by unit code: the open data is derived from these (one row per form reads far
    /// faster than one row per indicator).
    pub async fn public_forms_json(
        &self,
        region_code: &str,
        fiscal_year: i64,
    ) -> Result<Vec<(Publication, String)>> {
        let sql = format!(
            "SELECT {PUB_COLUMNS}, v.form_json FROM {PUB_FROM} \
             JOIN form_versions v ON v.form_id = p.form_id AND v.version = p.version \
             WHERE rg.code = $1 AND p.fiscal_year = $2 AND {LATEST} ORDER BY un.code, p.id"
        );
        let rows = sqlx::query(&sql)
            .bind(region_code)
            .bind(fiscal_year)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                use sqlx::Row;
                Ok((publication_at(r, 0)?, r.try_get(10)?))
            })
            .collect()
    }

    /// The stamp of a region's published forms of a year (see [`DatasetStamp`]).
    pub async fn public_stamp(&self, region_code: &str, fiscal_year: i64) -> Result<DatasetStamp> {
        let (publications, last_id, last_published_at): (i64, i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(MAX(p.id), 0), COALESCE(MAX(p.published_at), 0) \
             FROM publications p JOIN regions rg ON rg.id = p.region_id \
             WHERE rg.code = $1 AND p.fiscal_year = $2",
        )
        .bind(region_code)
        .bind(fiscal_year)
        .fetch_one(self.pool())
        .await?;
        Ok(DatasetStamp {
            publications,
            last_id,
            last_published_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::like_pattern;

    #[test]
    fn like_patterns_match_metacharacters_literally() {
        assert_eq!(like_pattern("  "), None);
        assert_eq!(like_pattern("培训").as_deref(), Some("%培训%"));
        assert_eq!(like_pattern("100%").as_deref(), Some("%100\\%%"));
        assert_eq!(like_pattern("a_b\\c").as_deref(), Some("%a\\_b\\\\c%"));
        assert_eq!(
            like_pattern("' OR 1=1 --").as_deref(),
            Some("%' OR 1=1 --%")
        );
    }
}
