//! Demo data for `jixiao serve --demo`: the region 阳新县, three units, one user per role (and
//! a filler of a second unit, to show the scoping), and the seed form for the first unit.

use jixiao_domain::Form;
use jixiao_storage::Role;

use crate::api::admin::{NewUserInput, create_user_in};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

/// The seed form (阳新县兴国镇人民政府, 2026).
pub const SEED_FORM_JSON: &str = include_str!("../../../fixtures/seed/seed.form.json");

/// The password of every demo account. Demo mode is for trying jixiao on one's own machine.
pub const DEMO_PASSWORD: &str = "jixiao-demo-2026";

/// A demo login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    /// Login name.
    pub username: String,
    /// The demo password, while the account has it; `None` for an account whose password was
    /// changed (demo mode never resets one).
    pub password: Option<String>,
    /// Role.
    pub role: Role,
    /// Unit name, for unit roles.
    pub unit: Option<String>,
}

const REGION: (&str, &str) = ("420222", "阳新县");
const UNITS: [(&str, &str); 3] = [
    ("420222001", "阳新县兴国镇人民政府"),
    ("420222002", "阳新县教育局"),
    ("420222003", "阳新县卫生健康局"),
];

/// (username, display name, role, index of the unit).
/// (login name, display name, office, role, unit index). Other code takes accounts by their
/// index here: add new ones at the end.
const USERS: [(&str, &str, &str, Role, Option<usize>); 8] = [
    (
        "xingguo_filler",
        "刘洋",
        "兴国镇财政所",
        Role::Filler,
        Some(0),
    ),
    (
        "xingguo_approver",
        "陈静",
        "兴国镇党政办",
        Role::UnitApprover,
        Some(0),
    ),
    (
        "jiaoyu_filler",
        "王磊",
        "县教育局计财股",
        Role::Filler,
        Some(1),
    ),
    ("reviewer", "张敏", "县财政局绩效股", Role::Reviewer, None),
    ("admin", "李强", "县财政局信息中心", Role::Admin, None),
    (
        "security",
        "周婷",
        "县财政局信息中心",
        Role::SecurityAdmin,
        None,
    ),
    ("auditor", "吴刚", "县财政局办公室", Role::AuditAdmin, None),
    (
        "jiaoyu_dept",
        "赵丽",
        "县教育局计财股",
        Role::DepartmentReviewer,
        Some(1),
    ),
];

/// Creates what is missing of the demo data; returns the accounts to print.
///
/// Demo mode makes accounts with a published password, so it refuses a database that holds
/// anything else (another region, unit or user: real data), and it never resets the password of
/// an account that already exists.
pub async fn seed(state: &AppState) -> ApiResult<Vec<DemoAccount>> {
    let db = &state.db;
    refuse_real_data(state).await?;
    let region = match db.regions().await?.into_iter().find(|r| r.code == REGION.0) {
        Some(r) => r,
        None => {
            let mut tx = db.begin_write().await?;
            let r = tx.create_region(REGION.0, REGION.1).await?;
            tx.audit(None, None, "region.create", "演示数据：新建区划")
                .await?;
            tx.commit().await?;
            r
        }
    };
    let mut units = Vec::new();
    for (code, name) in UNITS {
        units.push(demo_unit(db, region.id, code, name).await?);
    }
    let existing = db.users(None).await?;
    let mut accounts = Vec::new();
    for (username, display, office, role, unit) in USERS {
        let unit = unit.map(|i| &units[i]);
        let usable = match existing.iter().find(|u| u.username == username) {
            // An account that exists keeps its password; it is printed only while it still is
            // the demo password.
            Some(_) => still_demo_password(db, username).await?,
            None => {
                let input = NewUserInput {
                    username: username.into(),
                    display_name: Some(display.into()),
                    office: Some(office.into()),
                    password: DEMO_PASSWORD.into(),
                    role,
                    unit_id: unit.map(|u| u.id),
                    region_id: matches!(role, Role::Reviewer | Role::Admin).then_some(region.id),
                };
                create_user_in(db, &input, None, false).await?;
                true
            }
        };
        accounts.push(DemoAccount {
            username: username.into(),
            password: usable.then(|| DEMO_PASSWORD.to_string()),
            role,
            unit: unit.map(|u| u.name.clone()),
        });
    }
    let form: Form = serde_json::from_str(SEED_FORM_JSON).map_err(ApiError::internal)?;
    let year = form.header.fiscal_year.get() as i64;
    let first = &units[0];
    let has_form = db
        .list_forms(&jixiao_storage::ListFilter {
            unit_id: Some(first.id),
            fiscal_year: Some(year),
            limit: 1,
            ..Default::default()
        })
        .await?;
    if has_form.is_empty() {
        let filler = db
            .user_for_login(USERS[0].0)
            .await?
            .ok_or_else(|| ApiError::internal("demo filler missing"))?;
        crate::service::forms::insert_form(state, first, &form, filler.0.id, "演示数据").await?;
    }
    Ok(accounts)
}

/// A demo unit, made (and audited) when missing.
async fn demo_unit(
    db: &jixiao_storage::Db,
    region_id: i64,
    code: &str,
    name: &str,
) -> ApiResult<jixiao_storage::Unit> {
    if let Some(u) = db.unit_by_code_or_name(code).await? {
        return Ok(u);
    }
    let mut tx = db.begin_write().await?;
    let mut u = tx.create_unit(region_id, code, name).await?;
    // The demo's units (a township government and two county bureaus) are all 行政单位.
    tx.set_unit_type(u.id, "行政单位").await?;
    u.unit_type = "行政单位".to_string();
    tx.audit(
        None,
        None,
        "unit.create",
        &format!("演示数据：新建单位 {name}（行政单位）"),
    )
    .await?;
    tx.commit().await?;
    Ok(u)
}

/// True while an existing demo account's password is still the demo password.
async fn still_demo_password(db: &jixiao_storage::Db, username: &str) -> ApiResult<bool> {
    let Some((_, hash)) = db.user_for_login(username).await? else {
        return Ok(false);
    };
    tokio::task::spawn_blocking(move || crate::auth::verify_password(DEMO_PASSWORD, &hash))
        .await
        .map_err(ApiError::internal)
}

/// 409 when the database holds a region, unit or user that is not demo data.
async fn refuse_real_data(state: &AppState) -> ApiResult<()> {
    let db = &state.db;
    let foreign_region = db.regions().await?.into_iter().find(|r| r.code != REGION.0);
    let foreign_unit = match &foreign_region {
        Some(_) => None,
        None => db.units(None).await?.into_iter().find(|u| {
            !UNITS
                .iter()
                .chain(ROUND_UNITS.iter())
                .any(|(code, _)| *code == u.code)
        }),
    };
    let foreign_user = db
        .users(None)
        .await?
        .into_iter()
        .find(|u| !USERS.iter().any(|(name, ..)| *name == u.username));
    let what = match (foreign_region, foreign_unit, foreign_user) {
        (Some(r), _, _) => format!("区划「{}」", r.name),
        (_, Some(u), _) => format!("单位「{}」", u.name),
        (_, _, Some(u)) => format!("用户「{}」", u.username),
        _ => return Ok(()),
    };
    Err(ApiError::conflict(
        "not_demo_data",
        format!(
            "数据库中已有非演示数据（{what}），拒绝以演示模式启动：演示模式会建立密码公开的账号。请去掉 --demo（或 JIXIAO_DEMO），或换一个数据目录"
        ),
    ))
}

/// A form stored as approved at its first version (and published when `publish`), its indicator
/// rows stored as a submission stores them: demo data for the pages after review.
async fn approved_form(
    state: &AppState,
    unit: &jixiao_storage::Unit,
    form: &Form,
    filler: i64,
    reviewer: i64,
    publish: bool,
) -> ApiResult<i64> {
    use jixiao_domain::FormStatus;
    let (id, _) = crate::service::forms::insert_form(state, unit, form, filler, "演示数据").await?;
    let mut tx = state.db.begin_write().await?;
    tx.store_indicators(id, 1, &jixiao_storage::forms::indicator_rows(form))
        .await?;
    tx.mark_submitted(id).await?;
    let status = if publish {
        FormStatus::Published
    } else {
        FormStatus::Approved
    };
    tx.set_status(id, status, Some(1)).await?;
    tx.audit(
        Some(id),
        Some(reviewer),
        "approve",
        "演示数据：申报表已批复",
    )
    .await?;
    if publish {
        tx.record_publication(id, 1, Some(reviewer)).await?;
        tx.audit(Some(id), Some(reviewer), "publish", "演示数据：公开第 1 版")
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// The year before the seed's: an approved declaration of 兴国镇 with an open monitoring round
/// over it, so that `serve --demo` shows the monitoring pages on first start. Only `serve
/// --demo` calls it (the tests start from the seed's draft alone); it does nothing once a round
/// exists.
pub async fn seed_lifecycle(state: &AppState) -> ApiResult<()> {
    use jixiao_domain::DocumentKind;
    let db = &state.db;
    if !db.rounds(None).await?.is_empty() {
        return Ok(());
    }
    let mut form: Form = serde_json::from_str(SEED_FORM_JSON).map_err(ApiError::internal)?;
    let year = form.header.fiscal_year.get() as i64 - 1;
    form.header.fiscal_year =
        jixiao_domain::form::FiscalYear::new(year).map_err(ApiError::internal)?;
    let unit = db
        .unit_by_code_or_name(UNITS[0].0)
        .await?
        .ok_or_else(|| ApiError::internal("demo unit missing"))?;
    let (filler, _) = db
        .user_for_login(USERS[0].0)
        .await?
        .ok_or_else(|| ApiError::internal("demo filler missing"))?;
    let (reviewer, _) = db
        .user_for_login(USERS[3].0)
        .await?
        .ok_or_else(|| ApiError::internal("demo reviewer missing"))?;
    let has_form = db
        .list_forms(&jixiao_storage::ListFilter {
            unit_id: Some(unit.id),
            fiscal_year: Some(year),
            limit: 1,
            ..Default::default()
        })
        .await?;
    if has_form.is_empty() {
        // Last year's form of 兴国镇, approved and published; the one of 教育局 approved but not
        // published (the portal must not show it); and 兴国镇's of the year before, published,
        // so the public portal has two years.
        approved_form(state, &unit, &form, filler.id, reviewer.id, true).await?;
        let education = db
            .unit_by_code_or_name(UNITS[1].0)
            .await?
            .ok_or_else(|| ApiError::internal("demo unit missing"))?;
        let (education_filler, _) = db
            .user_for_login(USERS[2].0)
            .await?
            .ok_or_else(|| ApiError::internal("demo filler missing"))?;
        let mut other = form.clone();
        other.header.unit_name = education.name.clone();
        approved_form(
            state,
            &education,
            &other,
            education_filler.id,
            reviewer.id,
            false,
        )
        .await?;
        let mut older = form.clone();
        older.header.fiscal_year =
            jixiao_domain::form::FiscalYear::new(year - 1).map_err(ApiError::internal)?;
        approved_form(state, &unit, &older, filler.id, reviewer.id, true).await?;
    }
    let (y, m, d) = jixiao_storage::beijing_date(jixiao_storage::now_ms() + 30 * 86_400_000);
    crate::service::reports::open_round(
        state,
        &reviewer,
        crate::service::reports::OpenRound {
            kind: DocumentKind::Monitoring,
            fiscal_year: year,
            month: Some(6),
            deadline: format!("{y}-{m:02}-{d:02}"),
            region_id: None,
        },
    )
    .await?;
    seed_declaration_round(state, &reviewer, year + 1).await?;
    // The region's indicator library from the approved forms above, as an approval would build
    // it: the editor's suggestions and the review aids work on first start.
    crate::service::library::rebuild(state, Some(reviewer.id), unit.region_id, &form.template.id)
        .await?;
    Ok(())
}

/// More units of the demo region, without accounts: they fill the declaration round's board.
/// The school stands under 教育局, its department in charge (主管部门).
const ROUND_UNITS: [(&str, &str); 5] = [
    ("420222004", "阳新县农业农村局"),
    ("420222005", "阳新县水利和湖泊局"),
    ("420222006", "阳新县民政局"),
    ("420222007", "阳新县文化和旅游局"),
    ("420222008", "阳新县第一中学"),
];

/// The seed's year: an open declaration round over every unit of the region, whose units stand
/// in every status of the board (未开始, 草稿, 已提交, 已退回, 已批复, 已公开), and a reminder
/// to 兴国镇, so the board, the batch actions and a unit's task and notice show on first start.
async fn seed_declaration_round(
    state: &AppState,
    reviewer: &jixiao_storage::User,
    year: i64,
) -> ApiResult<()> {
    use jixiao_domain::{Decision, FormStatus, Grade};
    let db = &state.db;
    let region = db
        .regions()
        .await?
        .into_iter()
        .find(|r| r.code == REGION.0)
        .ok_or_else(|| ApiError::internal("demo region missing"))?;
    let mut extra = Vec::new();
    for (code, name) in ROUND_UNITS {
        extra.push(demo_unit(db, region.id, code, name).await?);
    }
    let health = db
        .unit_by_code_or_name(UNITS[2].0)
        .await?
        .ok_or_else(|| ApiError::internal("demo unit missing"))?;
    // Two review levels where a unit has a department in charge: the school's form goes to
    // 教育局 first.
    let education = db
        .unit_by_code_or_name(UNITS[1].0)
        .await?
        .ok_or_else(|| ApiError::internal("demo unit missing"))?;
    let mut tx = db.begin_write().await?;
    tx.set_unit_department(extra[4].id, Some(education.id))
        .await?;
    tx.set_region_department_review(region.id, true).await?;
    tx.audit(
        None,
        None,
        "unit.update",
        "演示数据：阳新县第一中学的主管部门设为阳新县教育局，区划开启主管部门审核",
    )
    .await?;
    tx.commit().await?;
    let form: Form = serde_json::from_str(SEED_FORM_JSON).map_err(ApiError::internal)?;
    let of = |unit: &jixiao_storage::Unit| {
        let mut f = form.clone();
        f.header.unit_name = unit.name.clone();
        f
    };
    let plan = [
        (&health, Some(FormStatus::Submitted)),
        (&extra[0], Some(FormStatus::Submitted)),
        (&extra[1], Some(FormStatus::Returned)),
        (&extra[2], None),
        (&extra[3], None),
        (&extra[4], Some(FormStatus::AwaitingDepartment)),
    ];
    for (unit, status) in plan {
        let f = of(unit);
        let Some(status) = status else { continue };
        let (id, _) =
            crate::service::forms::insert_form(state, unit, &f, reviewer.id, "演示数据").await?;
        let mut tx = db.begin_write().await?;
        tx.store_indicators(id, 1, &jixiao_storage::forms::indicator_rows(&f))
            .await?;
        tx.mark_submitted(id).await?;
        if status == FormStatus::AwaitingDepartment {
            tx.set_status(id, status, None).await?;
            tx.audit(
                Some(id),
                None,
                "submit",
                "演示数据：提交第 1 版，待主管部门审核",
            )
            .await?;
        } else {
            tx.set_status(id, FormStatus::Submitted, None).await?;
            tx.set_status(id, status, None).await?;
            tx.audit(Some(id), None, "submit", "演示数据：提交第 1 版")
                .await?;
        }
        if status == FormStatus::Returned {
            let grades = crate::service::workflow::Grades {
                completeness: Grade::Good,
                relevance: Grade::Fair,
                suitability: Grade::Good,
                feasibility: Grade::Good,
            };
            let grades = serde_json::to_string(&grades).map_err(ApiError::internal)?;
            let reason = "产出指标与年度工作任务对应不够：请补充乡村振兴项目的数量指标";
            tx.insert_review(id, 1, reviewer.id, Decision::Return, reason, &grades)
                .await?;
            tx.set_grades(id, &grades).await?;
            tx.audit(
                Some(id),
                Some(reviewer.id),
                "return",
                &format!("演示数据：退回第 1 版：{reason}"),
            )
            .await?;
        }
        tx.commit().await?;
    }
    approved_form(
        state,
        &extra[2],
        &of(&extra[2]),
        reviewer.id,
        reviewer.id,
        false,
    )
    .await?;
    approved_form(
        state,
        &extra[3],
        &of(&extra[3]),
        reviewer.id,
        reviewer.id,
        true,
    )
    .await?;
    let (y, m, d) = jixiao_storage::beijing_date(jixiao_storage::now_ms() + 20 * 86_400_000);
    let opened = crate::service::rounds::open(
        state,
        reviewer,
        crate::service::rounds::OpenDeclaration {
            fiscal_year: year,
            deadline: format!("{y}-{m:02}-{d:02}"),
            units: None,
            region_id: None,
        },
    )
    .await?;
    let xingguo = db
        .unit_by_code_or_name(UNITS[0].0)
        .await?
        .ok_or_else(|| ApiError::internal("demo unit missing"))?;
    crate::service::rounds::batch(
        state,
        reviewer,
        opened.round.id,
        crate::service::rounds::BatchAction::Remind(String::new()),
        &[xingguo.id],
    )
    .await?;
    Ok(())
}
