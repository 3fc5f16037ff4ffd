//! The region's indicator library (指标库) in the server: rebuilt from the region's approved forms
//! whenever a form is approved, kept in the database (`jixiao_storage::library`), held parsed in
//! each app server's memory while its generation is current, and used for the review aids on
//! every save and read of a form (`jixiao_domain::library::aids`) and for the suggestions of
//! the editor.
//!
//! A library problem never blocks a save: an unreadable library is logged and the aids are left
//! out. A region with no approved form has no library, and its forms get no history-based aid.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jixiao_domain::library::{AidOptions, Entry, Library, aids, build, node, normalise};
use jixiao_domain::{Finding, Form};
use jixiao_storage::{Outcome, Subject, User};
use serde::Serialize;

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// A library's key: (region id, template id).
type LibraryKey = (i64, String);

/// Parsed libraries by (region, template), with the generation they were read at.
#[derive(Default)]
pub struct LibraryCache(Mutex<HashMap<LibraryKey, (i64, Arc<Library>)>>);

impl LibraryCache {
    fn get(&self, key: &(i64, String), generation: i64) -> Option<Arc<Library>> {
        let map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.get(key)
            .filter(|(g, _)| *g == generation)
            .map(|(_, lib)| lib.clone())
    }

    fn put(&self, key: (i64, String), generation: i64, lib: Arc<Library>) {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(key, (generation, lib));
    }
}

/// The region's current library, if it has one.
pub async fn current(
    state: &AppState,
    region_id: i64,
    template_id: &str,
) -> ApiResult<Option<Arc<Library>>> {
    let Some(generation) = state.db.library_generation(region_id, template_id).await? else {
        return Ok(None);
    };
    let key = (region_id, template_id.to_string());
    if let Some(lib) = state.libraries.get(&key, generation) {
        return Ok(Some(lib));
    }
    let Some(stored) = state.db.library(region_id, template_id).await? else {
        return Ok(None);
    };
    let body = stored.body;
    let lib = tokio::task::spawn_blocking(move || Library::from_json(&body))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::internal(format!("stored library unreadable: {e}")))?;
    let lib = Arc::new(lib);
    state.libraries.put(key, stored.generation, lib.clone());
    Ok(Some(lib))
}

/// The library aids of a form of a region: none when the region has no library yet, and none
/// (with a log line) when the library cannot be read.
pub async fn aids_in_region(state: &AppState, region_id: i64, form: &Form) -> Vec<Finding> {
    let lib = match current(state, region_id, &form.template.id).await {
        Ok(Some(lib)) => lib,
        Ok(None) => return Vec::new(),
        Err(e) => {
            tracing::warn!(region_id, error = %e.message, "indicator library not read; aids left out");
            return Vec::new();
        }
    };
    let Ok(template) = state
        .templates
        .get(&form.template.id, Some(form.template.version))
    else {
        return Vec::new();
    };
    aids(form, &lib, template, AidOptions::default()).unwrap_or_default()
}

/// What a rebuild stored.
#[derive(Debug, Clone, Serialize)]
pub struct Rebuilt {
    /// The library's new generation.
    pub generation: i64,
    /// Approved forms read.
    pub forms: usize,
    /// Entries of the library.
    pub entries: usize,
}

/// Rebuilds the region's library from its approved forms (their approved versions) and stores
/// it, with an audit row. `None` when the region has no approved form of the template.
///
/// The forms are read and the library built outside any transaction; the write then checks,
/// under the region's library lock, that the set of approved versions is still the one read, and
/// starts again when another approval came in between (at most three times), so that the
/// stored library is never older than the newest approval that asked for it.
pub async fn rebuild(
    state: &AppState,
    user_id: Option<i64>,
    region_id: i64,
    template_id: &str,
) -> ApiResult<Option<Rebuilt>> {
    for _ in 0..3 {
        let versions = state.db.approved_versions(region_id, template_id).await?;
        if versions.is_empty() {
            return Ok(None);
        }
        let mut forms = Vec::with_capacity(versions.len());
        for &(form_id, version) in &versions {
            match state.db.version_form(form_id, version).await {
                Ok(Some(form)) => forms.push(form),
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(form_id, version, error = %e, "approved version unreadable; left out of the library")
                }
            }
        }
        let template = state.templates.get(template_id, None).ok().cloned();
        let lib = tokio::task::spawn_blocking(move || {
            let lib = build(&forms, template.as_ref())?;
            let body = serde_json::to_string(&lib)
                .map_err(|e| jixiao_domain::library::LibraryError::Malformed(e.to_string()))?;
            Ok::<_, jixiao_domain::library::LibraryError>((lib, body))
        })
        .await
        .map_err(ApiError::internal)?;
        let (lib, body) = match lib {
            Ok(x) => x,
            Err(jixiao_domain::library::LibraryError::Empty) => return Ok(None),
            Err(e) => return Err(ApiError::internal(e)),
        };
        let mut tx = state.db.begin_write().await?;
        tx.lock_library(region_id).await?;
        if tx.approved_versions(region_id, template_id).await? != versions {
            drop(tx);
            continue;
        }
        let generation = tx
            .put_library(
                region_id,
                template_id,
                lib.forms as i64,
                lib.entries.len() as i64,
                &body,
            )
            .await?;
        tx.append_audit(
            Subject::default(),
            user_id,
            "library_rebuild",
            &format!(
                "重建指标库（模板 {template_id}，区划 {region_id}）：{} 份已审核的申报表，{} 个指标，第 {generation} 版",
                lib.forms,
                lib.entries.len()
            ),
            Outcome::Ok,
        )
        .await?;
        tx.commit().await?;
        state.libraries.put(
            (region_id, template_id.to_string()),
            generation,
            Arc::new(lib.clone()),
        );
        return Ok(Some(Rebuilt {
            generation,
            forms: lib.forms,
            entries: lib.entries.len(),
        }));
    }
    Err(ApiError::new(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        "审核通过的申报表变化太快，指标库暂未重建，稍后会随下一次审核通过重建",
    ))
}

/// One suggestion for a new level-3 row.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    /// The library's entry.
    pub entry: Entry,
    /// Why it is offered, most telling first (`本单位上年使用`, `本区划 12 份申报表在该二级指标下使用`).
    pub reasons: Vec<String>,
    /// The typical range of its numeric targets, in words, when it has one.
    pub typical: Option<String>,
}

/// The most suggestions one query answers.
pub const MAX_SUGGESTIONS: usize = 20;

/// Suggestions for a new row under a level-2 node of a form: the region's entries, ranked by the
/// unit's own previous year first, then by use under that node, then by use anywhere, and only
/// those whose name contains `q` when it is given.
pub async fn suggest(
    state: &AppState,
    user: &User,
    form_id: i64,
    level2: &str,
    q: &str,
) -> ApiResult<Vec<Suggestion>> {
    if level2.chars().count() > 100 || q.chars().count() > 100 {
        return Err(ApiError::unprocessable(
            "二级指标和检索文字均不能超过 100 字",
        ));
    }
    let row = super::forms::row(state, user, form_id).await?;
    let Some(lib) = current(state, row.region_id, &row.template_id).await? else {
        return Ok(Vec::new());
    };
    // The unit's own previous year, as approved.
    let mut own: std::collections::HashSet<String> = std::collections::HashSet::new();
    if let Some((prev_id, prev_version)) = state
        .db
        .approved_form_of(row.unit_id, row.fiscal_year - 1)
        .await?
        && let Some(prev) = state.db.version_form(prev_id, prev_version).await?
    {
        for (_, table) in prev.indicators.tables() {
            own.extend(table.rows.iter().map(|r| normalise(&r.name)));
        }
    }
    let wanted_node = node(level2);
    let needle = normalise(q);
    let mut ranked: Vec<(u8, usize, &Entry)> = lib
        .entries
        .iter()
        .filter(|e| needle.is_empty() || e.key.contains(&needle))
        .filter_map(|e| {
            let own_last_year = own.contains(&e.key);
            let same_node = !wanted_node.is_empty() && e.level2 == wanted_node;
            if !(own_last_year || same_node || !needle.is_empty()) {
                return None;
            }
            let tier = match (own_last_year && same_node, same_node, own_last_year) {
                (true, _, _) => 0,
                (_, true, _) => 1,
                (_, _, true) => 2,
                _ => 3,
            };
            Some((tier, e.forms, e))
        })
        .collect();
    ranked.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(b.1.cmp(&a.1))
            .then(a.2.key.cmp(&b.2.key))
    });
    Ok(ranked
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, _, e)| {
            let mut reasons = Vec::new();
            if own.contains(&e.key) {
                reasons.push("本单位上年使用".to_string());
            }
            if e.level2 == wanted_node {
                reasons.push(format!("本区划 {} 份申报表在该二级指标下使用", e.forms));
            } else {
                reasons.push(format!(
                    "本区划 {} 份申报表使用（{} / {}）",
                    e.forms, e.level1, e.level2
                ));
            }
            let typical = e.spread.as_ref().map(|s| {
                format!(
                    "{} 个目标值：p10 {}{u}，中位数 {}{u}，p90 {}{u}",
                    s.n,
                    s.p10.normalize(),
                    s.median.normalize(),
                    s.p90.normalize(),
                    u = e.unit
                )
            });
            Suggestion {
                entry: e.clone(),
                reasons,
                typical,
            }
        })
        .collect())
}

/// The region's library as a finance reviewer reads it.
#[derive(Debug, Clone, Serialize)]
pub struct RegionLibrary {
    /// The region.
    pub region_id: i64,
    /// The template.
    pub template_id: String,
    /// The library's generation (0 while the region has none).
    pub generation: i64,
    /// Approved forms it was built from.
    pub forms: usize,
    /// Budget years of those forms.
    pub years: Vec<i32>,
    /// Entries in all.
    pub total: usize,
    /// The entries matching the search, most used first (at most `limit`).
    pub entries: Vec<Entry>,
}

/// The region's library for a finance reviewer (403 for other roles; only the reviewer's own
/// region), with its entries whose name, node or level 1 contain `q`.
pub async fn region_library(
    state: &AppState,
    user: &User,
    region_id: Option<i64>,
    template_id: Option<&str>,
    q: &str,
    limit: usize,
) -> ApiResult<RegionLibrary> {
    if !user.role.is_finance() {
        return Err(ApiError::forbidden("只有财政审核人可以查看指标库"));
    }
    let region_id = match (user.region_id, region_id) {
        (Some(own), Some(asked)) if own != asked => {
            return Err(ApiError::forbidden("只能查看本区划的指标库"));
        }
        (Some(own), _) => own,
        (None, Some(asked)) => asked,
        (None, None) => return Err(ApiError::unprocessable("请指定区划（region_id）")),
    };
    let template_id = match template_id {
        Some(t) => state
            .templates
            .get(t, None)
            .map_err(|e| ApiError::unprocessable(e.to_string()))?
            .id
            .clone(),
        None => {
            // The template the region's libraries and forms use, when there is one.
            let mut used = state.db.region_templates(region_id).await?;
            if used.len() == 1 {
                used.remove(0)
            } else {
                return Err(ApiError::unprocessable(
                    "本区划的申报表用了多个模板（或还没有申报表），请指定模板（template）",
                ));
            }
        }
    };
    let lib = current(state, region_id, &template_id).await?;
    let generation = state
        .db
        .library_generation(region_id, &template_id)
        .await?
        .unwrap_or(0);
    Ok(match lib {
        None => RegionLibrary {
            region_id,
            template_id,
            generation,
            forms: 0,
            years: Vec::new(),
            total: 0,
            entries: Vec::new(),
        },
        Some(lib) => RegionLibrary {
            region_id,
            template_id,
            generation,
            forms: lib.forms,
            years: lib.years.clone(),
            total: lib.entries.len(),
            entries: lib.search(q).into_iter().take(limit).cloned().collect(),
        },
    })
}
