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

use jixiao_domain::library::{
    AidOptions, CuratedFields, Curation, CurationState, Entry, EntryRef, EntryStatus, Library,
    aids, build_typed, node, normalise,
};
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

/// The library aids of a form of a unit of a region (the unit's type picks the range `L002`
/// compares with): none when the region has no library yet, and none (with a log line) when
/// the library cannot be read.
pub async fn aids_in_region(
    state: &AppState,
    region_id: i64,
    unit_id: i64,
    form: &Form,
) -> Vec<Finding> {
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
    let unit_type = match state.db.unit(unit_id).await {
        Ok(Some(u)) => u.unit_type,
        _ => String::new(),
    };
    let options = AidOptions {
        unit_type: Some(unit_type.as_str()).filter(|t| !t.is_empty()),
        ..AidOptions::default()
    };
    aids(form, &lib, template, options).unwrap_or_default()
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
        let curated = state
            .db
            .library_curation_count(region_id, template_id)
            .await?;
        let curations = curations(state, region_id, template_id).await?;
        let mut forms = Vec::with_capacity(versions.len());
        let mut types = Vec::with_capacity(versions.len());
        for (form_id, version, unit_type) in &versions {
            let (form_id, version) = (*form_id, *version);
            match state.db.version_form(form_id, version).await {
                Ok(Some(form)) => {
                    forms.push(form);
                    types.push(unit_type.clone());
                }
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(form_id, version, error = %e, "approved version unreadable; left out of the library")
                }
            }
        }
        let template = state.templates.get(template_id, None).ok().cloned();
        let lib = tokio::task::spawn_blocking(move || {
            let lib = build_typed(&forms, &types, template.as_ref(), &curations)?;
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
        if tx.approved_versions(region_id, template_id).await? != versions
            || tx.library_curation_count(region_id, template_id).await? != curated
        {
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

/// The current curation decisions of a region's library. A decision that cannot be read is
/// logged and left out (it never blocks a rebuild).
async fn curations(
    state: &AppState,
    region_id: i64,
    template_id: &str,
) -> ApiResult<Vec<Curation>> {
    Ok(state
        .db
        .library_curations(region_id, template_id)
        .await?
        .into_iter()
        .filter_map(|row| match serde_json::from_str::<Curation>(&row.body) {
            Ok(c) => Some(Curation {
                version: row.version,
                ..c
            }),
            Err(e) => {
                tracing::warn!(key = %row.key, version = row.version, error = %e, "curation unreadable; left out");
                None
            }
        })
        .collect())
}

/// What the finance bureau does to an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CurateAction {
    /// Approve into the library (offered first), with its fields.
    Approve,
    /// Change its fields (an entry nobody curated yet becomes approved).
    Edit,
    /// Merge it into another entry.
    Merge,
    /// Retire it.
    Retire,
    /// Undo the decisions: back to harvested.
    Restore,
}

impl CurateAction {
    fn key(self) -> &'static str {
        match self {
            CurateAction::Approve => "approve",
            CurateAction::Edit => "edit",
            CurateAction::Merge => "merge",
            CurateAction::Retire => "retire",
            CurateAction::Restore => "restore",
        }
    }
}

/// A curation request.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurateRequest {
    /// The region (a finance reviewer's own by default).
    #[serde(default)]
    pub region_id: Option<i64>,
    /// The template (the one the region uses by default).
    #[serde(default)]
    pub template: Option<String>,
    /// What to do.
    pub action: CurateAction,
    /// The entry's normalised name (`key` of the library's entry).
    pub key: String,
    /// The entry's unit of measure.
    #[serde(default)]
    pub unit: String,
    /// For `merge`: the entry it goes into.
    #[serde(default)]
    pub into: Option<EntryRef>,
    /// For `approve` and `edit`: the fields (指标解释, 计算公式 …).
    #[serde(default)]
    pub fields: Option<CuratedFields>,
}

/// What a curation did.
#[derive(Debug, Clone, Serialize)]
pub struct Curated {
    /// The entry's new curation version.
    pub version: i64,
    /// The library's generation after the rebuild.
    pub generation: i64,
    /// The entry as the rebuilt library has it (`None` once merged away).
    pub entry: Option<Entry>,
}

/// The fields names people read, for the audit row of an edit.
fn changed_fields(before: &CuratedFields, after: &CuratedFields) -> Vec<&'static str> {
    let pairs: [(&str, bool); 10] = [
        ("名称", before.name != after.name),
        ("一级指标", before.level1 != after.level1),
        ("二级指标", before.level2 != after.level2),
        ("方向", before.direction != after.direction),
        ("指标解释", before.explanation != after.explanation),
        ("计算公式", before.formula != after.formula),
        ("评(扣)分标准", before.scoring != after.scoring),
        ("指标值确定依据", before.basis != after.basis),
        ("适用单位类型", before.unit_types != after.unit_types),
        ("标签", before.tags != after.tags),
    ];
    pairs.into_iter().filter(|p| p.1).map(|p| p.0).collect()
}

/// The entry's fields as they stand, with the harvested name, nodes, direction and basis filled
/// in where the bureau wrote none: what a curated entry keeps when no form uses it any more.
fn snapshot(entry: &Entry, given: Option<&CuratedFields>) -> CuratedFields {
    let mut f = given
        .cloned()
        .or_else(|| entry.curated.clone())
        .unwrap_or_default();
    let fill = |v: &mut String, from: &str| {
        if v.trim().is_empty() {
            *v = from.to_string();
        }
    };
    fill(&mut f.name, &entry.name);
    fill(&mut f.level1, &entry.level1);
    fill(&mut f.level2, &entry.level2);
    fill(&mut f.direction, &entry.direction);
    fill(&mut f.basis, &entry.basis);
    f.unit_types
        .iter_mut()
        .for_each(|t| *t = t.trim().to_string());
    f.tags.iter_mut().for_each(|t| *t = t.trim().to_string());
    f
}

fn shown(r: &EntryRef, name: &str) -> String {
    if r.unit.is_empty() {
        format!("「{name}」")
    } else {
        format!("「{name}」（{}）", r.unit)
    }
}

/// A finance reviewer's decision about an entry of the region's library: recorded as the entry's
/// next version (with who and when), audited, and applied by rebuilding the library at once.
pub async fn curate(state: &AppState, user: &User, req: CurateRequest) -> ApiResult<Curated> {
    let (region_id, template_id) =
        scope(state, user, req.region_id, req.template.as_deref()).await?;
    let Some(lib) = current(state, region_id, &template_id).await? else {
        return Err(ApiError::unprocessable(
            "本区划还没有指标库：有申报表审核通过后才会生成",
        ));
    };
    let target = EntryRef {
        key: normalise(&req.key),
        unit: req.unit.trim().to_string(),
    };
    if target.key.is_empty() || target.key.chars().count() > 100 || target.unit.chars().count() > 20
    {
        return Err(ApiError::unprocessable(
            "请指定指标（key，1 至 100 字；unit 不超过 20 字）",
        ));
    }
    if let Some(f) = &req.fields {
        f.check().map_err(ApiError::unprocessable)?;
    }
    let known = state
        .db
        .library_curation_history(region_id, &template_id, &target.key, &target.unit)
        .await?;
    let entry = lib.entry_by_ref(&target);
    let last = known
        .last()
        .and_then(|row| serde_json::from_str::<Curation>(&row.body).ok());
    let name = entry.map_or_else(
        || {
            last.as_ref()
                .and_then(|c| c.fields.as_ref().map(|f| f.name.clone()))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| target.key.clone())
        },
        |e| e.name.clone(),
    );
    let missing =
        || ApiError::not_found(format!("指标库中没有指标{}", shown(&target, &target.key)));
    let (curation_state, fields, detail) = match req.action {
        CurateAction::Approve | CurateAction::Edit | CurateAction::Retire => {
            let entry = entry.ok_or_else(missing)?;
            let fields = snapshot(entry, req.fields.as_ref());
            let before = entry.curated.clone().unwrap_or_default();
            match req.action {
                CurateAction::Approve => (
                    CurationState::Approved,
                    fields,
                    format!("审定指标{}", shown(&target, &name)),
                ),
                CurateAction::Retire => (
                    CurationState::Retired,
                    fields,
                    format!("停用指标{}", shown(&target, &name)),
                ),
                _ => {
                    if req.fields.is_none() {
                        return Err(ApiError::unprocessable("修改指标须给出字段（fields）"));
                    }
                    let changed = changed_fields(&snapshot(entry, Some(&before)), &fields);
                    if changed.is_empty() {
                        return Err(ApiError::unprocessable("字段没有变化，无需修改"));
                    }
                    let state = if entry.status == EntryStatus::Retired {
                        CurationState::Retired
                    } else {
                        CurationState::Approved
                    };
                    (
                        state,
                        fields,
                        format!("修改指标{}的{}", shown(&target, &name), changed.join("、")),
                    )
                }
            }
        }
        CurateAction::Merge => {
            entry.ok_or_else(missing)?;
            let Some(into) = req.into.clone() else {
                return Err(ApiError::unprocessable("合并须指定并入的指标（into）"));
            };
            let into = EntryRef {
                key: normalise(&into.key),
                unit: into.unit.trim().to_string(),
            };
            if into == target {
                return Err(ApiError::unprocessable("不能把指标并入它自己"));
            }
            let Some(dest) = lib.entry_by_ref(&into) else {
                return Err(ApiError::not_found(format!(
                    "指标库中没有要并入的指标{}",
                    shown(&into, &into.key)
                )));
            };
            if dest.status == EntryStatus::Retired {
                return Err(ApiError::unprocessable(format!(
                    "指标{}已停用，不能并入",
                    shown(&into, &dest.name)
                )));
            }
            let detail = format!(
                "将指标{}并入{}",
                shown(&target, &name),
                shown(&into, &dest.name)
            );
            (
                CurationState::Merged { into },
                CuratedFields::default(),
                detail,
            )
        }
        CurateAction::Restore => {
            if entry.is_none() && last.is_none() {
                return Err(missing());
            }
            if last
                .as_ref()
                .is_none_or(|c| c.state == CurationState::Harvested)
            {
                return Err(ApiError::unprocessable(format!(
                    "指标{}没有审定、停用或合并，无需恢复",
                    shown(&target, &name)
                )));
            }
            (
                CurationState::Harvested,
                CuratedFields::default(),
                format!("恢复指标{}为采集状态", shown(&target, &name)),
            )
        }
    };
    let keeps_fields = matches!(
        curation_state,
        CurationState::Approved | CurationState::Retired
    );
    let mut tx = state.db.begin_write().await?;
    tx.lock_library(region_id).await?;
    // The stored body's `version` is 0: the row's version (the entry's next one, taken under the
    // lock) is the one readers use.
    let curation = Curation {
        entry: target.clone(),
        state: curation_state,
        fields: keeps_fields.then_some(fields),
        version: 0,
    };
    let body = serde_json::to_string(&curation).map_err(ApiError::internal)?;
    let version = tx
        .put_library_curation(
            region_id,
            &template_id,
            &target.key,
            &target.unit,
            req.action.key(),
            &body,
            Some(user.id),
        )
        .await?;
    tx.append_audit(
        Subject::default(),
        Some(user.id),
        "library_curate",
        &format!("指标库（模板 {template_id}，区划 {region_id}）：{detail}，第 {version} 版"),
        Outcome::Ok,
    )
    .await?;
    tx.commit().await?;
    let rebuilt = rebuild(state, Some(user.id), region_id, &template_id).await?;
    let generation = match rebuilt {
        Some(r) => r.generation,
        None => state
            .db
            .library_generation(region_id, &template_id)
            .await?
            .unwrap_or(0),
    };
    let entry = current(state, region_id, &template_id)
        .await?
        .and_then(|lib| lib.entry_by_ref(&target).cloned());
    Ok(Curated {
        version,
        generation,
        entry,
    })
}

/// One decision of an entry's history, as the finance bureau reads it.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryItem {
    /// The entry's curation version.
    pub version: i64,
    /// `approve`, `edit`, `merge`, `retire`, `restore`.
    pub action: String,
    /// The decision.
    pub curation: Option<Curation>,
    /// Who decided.
    pub by: Option<String>,
    /// When (Unix ms).
    pub at: i64,
}

/// The history of one entry's curation (`key` given) or the current decision of every curated
/// entry of the region's library.
pub async fn curation_history(
    state: &AppState,
    user: &User,
    region_id: Option<i64>,
    template_id: Option<&str>,
    key: Option<&str>,
    unit: &str,
) -> ApiResult<Vec<HistoryItem>> {
    let (region_id, template_id) = scope(state, user, region_id, template_id).await?;
    let rows = match key {
        Some(key) => {
            state
                .db
                .library_curation_history(region_id, &template_id, &normalise(key), unit.trim())
                .await?
        }
        None => state.db.library_curations(region_id, &template_id).await?,
    };
    Ok(rows
        .into_iter()
        .map(|row| HistoryItem {
            version: row.version,
            action: row.action,
            curation: serde_json::from_str::<Curation>(&row.body)
                .ok()
                .map(|c| Curation {
                    version: row.version,
                    ..c
                }),
            by: row.person,
            at: row.at,
        })
        .collect())
}

/// The region and template a finance reviewer works on: 403 for other roles and other regions,
/// the template the region uses when none is given (422 when that is ambiguous).
async fn scope(
    state: &AppState,
    user: &User,
    region_id: Option<i64>,
    template_id: Option<&str>,
) -> ApiResult<(i64, String)> {
    if !user.role.is_finance() {
        return Err(ApiError::forbidden("只有财政审核人可以查看和维护指标库"));
    }
    let region_id = match (user.region_id, region_id) {
        (Some(own), Some(asked)) if own != asked => {
            return Err(ApiError::forbidden("只能查看和维护本区划的指标库"));
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
    Ok((region_id, template_id))
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
    let unit_type = state
        .db
        .unit(row.unit_id)
        .await?
        .map(|u| u.unit_type)
        .unwrap_or_default();
    let same_type = |e: &Entry| {
        if unit_type.is_empty() {
            0
        } else {
            e.by_type.get(&unit_type).map_or(0, |u| u.forms)
        }
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
    let mut ranked: Vec<(u8, bool, usize, usize, &Entry)> = lib
        .entries
        .iter()
        .filter(|e| e.status != EntryStatus::Retired)
        .filter(|e| {
            needle.is_empty()
                || e.key.contains(&needle)
                || e.aliases.iter().any(|a| a.key.contains(&needle))
        })
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
            Some((
                tier,
                e.status != EntryStatus::Approved,
                same_type(e),
                e.forms,
                e,
            ))
        })
        .collect();
    // Within a tier: approved entries first, then the most used by units of the same type, then
    // the most used.
    ranked.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then(a.1.cmp(&b.1))
            .then(b.2.cmp(&a.2))
            .then(b.3.cmp(&a.3))
            .then(a.4.key.cmp(&b.4.key))
    });
    Ok(ranked
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, _, typed, _, e)| {
            let mut reasons = Vec::new();
            match e.status {
                EntryStatus::Approved => reasons.push("财政已审定".to_string()),
                EntryStatus::Seeded => reasons.push("模板共性指标".to_string()),
                _ => {}
            }
            if own.contains(&e.key) {
                reasons.push("本单位上年使用".to_string());
            }
            if typed > 0 {
                reasons.push(format!("同类单位（{unit_type}）{typed} 份使用"));
            }
            if e.forms == 0 {
                // Seeded or kept by the bureau: no form uses it yet.
            } else if e.level2 == wanted_node {
                reasons.push(format!("本区划 {} 份申报表在该二级指标下使用", e.forms));
            } else {
                reasons.push(format!(
                    "本区划 {} 份申报表使用（{} / {}）",
                    e.forms, e.level1, e.level2
                ));
            }
            let typical = e.spread.as_ref().map(|s| {
                if s.n < jixiao_domain::library::MIN_SPREAD {
                    return format!(
                        "{} 个目标值，中位数 {}{}",
                        s.n,
                        s.median.normalize(),
                        e.unit
                    );
                }
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
    let (region_id, template_id) = scope(state, user, region_id, template_id).await?;
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

/// One entry of the region's library for its page: the entry, the live entries of its level-2
/// node it may be merged into, and its curation history.
#[derive(Debug, Clone, Serialize)]
pub struct EntryDetail {
    /// The entry.
    pub entry: Entry,
    /// Entries of the same level-2 node (not retired), most used first.
    pub same_node: Vec<Entry>,
    /// Its decisions, oldest first.
    pub history: Vec<HistoryItem>,
}

/// The page of one entry (finance reviewers of the region; 404 for an entry the library lacks).
pub async fn entry_detail(
    state: &AppState,
    user: &User,
    key: &str,
    unit: &str,
) -> ApiResult<EntryDetail> {
    let (region_id, template_id) = scope(state, user, None, None).await?;
    let target = EntryRef {
        key: normalise(key),
        unit: unit.trim().to_string(),
    };
    let missing = || ApiError::not_found(format!("指标库中没有指标「{}」", target.key));
    let lib = current(state, region_id, &template_id)
        .await?
        .ok_or_else(missing)?;
    let entry = lib.entry_by_ref(&target).cloned().ok_or_else(missing)?;
    let same_node = lib
        .entries
        .iter()
        .filter(|e| {
            e.level2 == entry.level2 && e.reference() != target && e.status != EntryStatus::Retired
        })
        .take(200)
        .cloned()
        .collect();
    let history = curation_history(
        state,
        user,
        Some(region_id),
        Some(&template_id),
        Some(&target.key),
        &target.unit,
    )
    .await?;
    Ok(EntryDetail {
        entry,
        same_node,
        history,
    })
}
