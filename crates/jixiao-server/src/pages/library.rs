//! The finance bureau's pages of the region's indicator library: the list at `/library`, one
//! entry at `/library/entry?key=&unit=`, and `POST /library/curate` for its actions. Every page
//! calls [`crate::service::library`], as the JSON API does.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use jixiao_domain::library::{CuratedFields, CurationState, Entry, EntryRef, Spread};
use jixiao_web::library::{
    LibraryEntryView, LibraryFields, LibraryHistoryLine, LibraryLine, LibraryUse, LibraryView,
    MergeTarget, render_library, render_library_entry,
};

use super::{
    Fields, OrPage, PagePost, PageResult, PageUser, pct_encode, people_time, redirect_with_flash,
};
use crate::error::ApiError;
use crate::service::library::{self as service, CurateAction, CurateRequest};
use crate::state::AppState;

type RawQuery = Result<Query<Vec<(String, String)>>, axum::extract::rejection::QueryRejection>;

/// The most entries the list shows.
const SHOWN: usize = 300;

fn entry_href(e: &EntryRef) -> String {
    format!(
        "/library/entry?key={}&unit={}",
        pct_encode(&e.key),
        pct_encode(&e.unit)
    )
}

fn shown_ref(r: &EntryRef) -> String {
    if r.unit.is_empty() {
        r.key.clone()
    } else {
        format!("{}（{}）", r.key, r.unit)
    }
}

fn spread_text(s: Option<&Spread>, unit: &str) -> String {
    s.map(|s| {
        format!(
            "p10 {}{unit} · 中位数 {}{unit} · p90 {}{unit}（{} 个）",
            s.p10.normalize(),
            s.median.normalize(),
            s.p90.normalize(),
            s.n
        )
    })
    .unwrap_or_default()
}

fn line(e: &Entry) -> LibraryLine {
    LibraryLine {
        key: e.key.clone(),
        unit: e.unit.clone(),
        name: e.name.clone(),
        level1: e.level1.clone(),
        level2: e.level2.clone(),
        direction: e.direction.clone(),
        forms: e.forms,
        spread: spread_text(e.spread.as_ref(), &e.unit),
        examples: e.examples.clone(),
        basis: e.basis.clone(),
        common: e.common,
        status: serde_json::to_value(e.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        status_label: e.status.label().to_string(),
        version: e.version,
        aliases: e.aliases.iter().map(shown_ref).collect(),
        href: entry_href(&e.reference()),
    }
}

fn value<'a>(q: &'a [(String, String)], k: &str) -> &'a str {
    q.iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

/// `GET /library?q=&status=`.
pub(crate) async fn library_page(
    State(state): State<AppState>,
    p: PageUser,
    query: RawQuery,
) -> PageResult {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let text: String = value(&q, "q").chars().take(100).collect();
    let status = value(&q, "status").to_string();
    let lib = service::region_library(&state, &p.cu.user, None, None, &text, usize::MAX)
        .await
        .page(&p)?;
    let region = state
        .db
        .regions()
        .await
        .map_err(ApiError::from)
        .page(&p)?
        .into_iter()
        .find(|r| r.id == lib.region_id)
        .map(|r| r.name)
        .unwrap_or_default();
    let matching: Vec<LibraryLine> = lib
        .entries
        .iter()
        .map(line)
        .filter(|l| status.is_empty() || l.status == status)
        .collect();
    let truncated = matching.len() > SHOWN;
    let view = LibraryView {
        chrome: p.chrome(None),
        region,
        template_id: lib.template_id.clone(),
        generation: lib.generation,
        forms: lib.forms,
        years: lib
            .years
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("、"),
        total: lib.total,
        q: text,
        status,
        rows: matching.into_iter().take(SHOWN).collect(),
        truncated,
    };
    Ok(p.page(StatusCode::OK, render_library(&view)))
}

fn history_line(h: &service::HistoryItem) -> LibraryHistoryLine {
    let what = match h.curation.as_ref().map(|c| &c.state) {
        Some(CurationState::Merged { into }) => format!("并入「{}」", shown_ref(into)),
        _ => match h.action.as_str() {
            "approve" => "审定入库".to_string(),
            "edit" => "修改说明".to_string(),
            "retire" => "停用".to_string(),
            "restore" => "恢复为采集状态".to_string(),
            other => other.to_string(),
        },
    };
    LibraryHistoryLine {
        version: h.version,
        what,
        by: h.by.clone().unwrap_or_else(|| "—".into()),
        at: people_time(h.at),
    }
}

/// `GET /library/entry?key=&unit=`.
pub(crate) async fn entry_page(
    State(state): State<AppState>,
    p: PageUser,
    query: RawQuery,
) -> PageResult {
    let q = query.map(|Query(q)| q).unwrap_or_default();
    let key: String = value(&q, "key").chars().take(100).collect();
    let unit: String = value(&q, "unit").chars().take(20).collect();
    let d = service::entry_detail(&state, &p.cu.user, &key, &unit)
        .await
        .page(&p)?;
    let e = &d.entry;
    let c = e.curated.clone().unwrap_or_default();
    let or = |a: &str, b: &str| {
        if a.trim().is_empty() {
            b.to_string()
        } else {
            a.to_string()
        }
    };
    let fields = LibraryFields {
        name: or(&c.name, &e.name),
        level1: or(&c.level1, &e.level1),
        level2: or(&c.level2, &e.level2),
        direction: or(&c.direction, &e.direction),
        explanation: c.explanation.clone(),
        formula: c.formula.clone(),
        scoring: c.scoring.clone(),
        basis: or(&c.basis, &e.basis),
        unit_types: c.unit_types.join("、"),
        tags: c.tags.join("、"),
    };
    let view = LibraryEntryView {
        chrome: p.chrome(None),
        entry: line(e),
        fields,
        merge_targets: d
            .same_node
            .iter()
            .map(|t| MergeTarget {
                value: format!("{}|{}", t.key, t.unit),
                label: format!(
                    "{}{} · {} 份",
                    t.name,
                    if t.unit.is_empty() {
                        String::new()
                    } else {
                        format!("（{}）", t.unit)
                    },
                    t.forms
                ),
            })
            .collect(),
        history: d.history.iter().map(history_line).collect(),
        uses: e
            .by_type
            .iter()
            .map(|(t, u)| (t.clone(), u))
            .chain(e.by_year.iter().map(|(y, u)| (format!("{y} 年"), u)))
            .map(|(group, u)| LibraryUse {
                group,
                forms: u.forms,
                spread: spread_text(u.spread.as_ref(), &e.unit),
            })
            .collect(),
    };
    Ok(p.page(StatusCode::OK, render_library_entry(&view)))
}

/// A list typed as `行政单位、事业单位` (or with commas).
fn list(text: Option<&str>) -> Vec<String> {
    text.unwrap_or("")
        .split(['、', ',', '，', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `POST /library/curate`: the entry page's buttons.
pub(crate) async fn curate(
    State(state): State<AppState>,
    post: PagePost,
    fields: Fields,
) -> PageResult {
    let p = post.check(&state, &fields).await?;
    let action = match fields.get("action").unwrap_or("") {
        "approve" => CurateAction::Approve,
        "edit" => CurateAction::Edit,
        "merge" => CurateAction::Merge,
        "retire" => CurateAction::Retire,
        "restore" => CurateAction::Restore,
        _ => return Err(p.err(ApiError::unprocessable("请选择要做的操作"))),
    };
    let key = fields.get("key").unwrap_or("").to_string();
    let unit = fields.get("unit").unwrap_or("").to_string();
    let into = match action {
        CurateAction::Merge => {
            let Some((k, u)) = fields.get("into").and_then(|v| v.split_once('|')) else {
                return Err(p.err(ApiError::unprocessable("请选择要并入的指标")));
            };
            Some(EntryRef {
                key: k.to_string(),
                unit: u.to_string(),
            })
        }
        _ => None,
    };
    let text = |k: &str| fields.get(k).unwrap_or("").trim().to_string();
    let curated =
        matches!(action, CurateAction::Approve | CurateAction::Edit).then(|| CuratedFields {
            name: text("name"),
            level1: text("level1"),
            level2: text("level2"),
            direction: text("direction"),
            explanation: text("explanation"),
            formula: text("formula"),
            scoring: text("scoring"),
            basis: text("basis"),
            unit_types: list(fields.get("unit_types")),
            tags: list(fields.get("tags")),
        });
    let req = CurateRequest {
        region_id: None,
        template: None,
        action,
        key: key.clone(),
        unit: unit.clone(),
        into: into.clone(),
        fields: curated,
    };
    let done = service::curate(&state, &p.cu.user, req).await.page(&p)?;
    let label = match action {
        CurateAction::Approve => "已审定入库",
        CurateAction::Edit => "已保存修改",
        CurateAction::Merge => "已合并",
        CurateAction::Retire => "已停用",
        CurateAction::Restore => "已恢复为采集状态",
    };
    let flash = format!(
        "{label}（第 {} 版）；指标库已重建为第 {} 版",
        done.version, done.generation
    );
    let back = match (&done.entry, into) {
        (Some(e), _) => entry_href(&e.reference()),
        (None, Some(into)) => entry_href(&into),
        (None, None) => "/library".to_string(),
    };
    Ok(redirect_with_flash(&back, &flash))
}
