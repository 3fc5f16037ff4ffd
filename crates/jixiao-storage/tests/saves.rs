//! Draft saves through the group-committing writer, on SQLite and PostgreSQL: many concurrent
//! saves on many forms each get exactly the answer a one-at-a-time writer would give (one
//! winner per base version, a version row and an audit row per saved version, nothing for the
//! others), a form that is not editable takes nothing, and one save that fails inside a group
//! does not fail the others.

mod support;

use std::collections::BTreeMap;

use jixiao_domain::FormStatus;
use jixiao_storage::forms::{NewForm, VersionData};
use jixiao_storage::saves::{SaveOutcome, SaveRequest};
use jixiao_storage::users::NewUser;
use jixiao_storage::{Db, Role};

const FORMS: i64 = 12;
const ROUNDS: i64 = 15;
const EDITABLE: &[FormStatus] = &[FormStatus::Draft, FormStatus::Returned];

fn data(tag: &str) -> VersionData {
    VersionData {
        form_json: format!("{{\"tag\":\"{tag}\"}}"),
        income_total: Some("100.00".into()),
        expenditure_total: None,
        errors: 0,
        warnings: 1,
    }
}

fn detail(version: i64, errors: i64, warnings: i64) -> String {
    format!("保存第 {version} 版（错误 {errors}，警告 {warnings}）")
}

fn request(form_id: i64, base: i64, user_id: i64, tag: &str) -> SaveRequest {
    SaveRequest {
        form_id,
        base_version: base,
        editable: EDITABLE,
        data: data(tag),
        user_id,
        audit_detail: detail,
    }
}

/// A region, a unit, a filler and `FORMS` forms at version 1; returns (user id, form ids).
async fn setup(db: &Db) -> (i64, Vec<i64>) {
    db.migrate().await.unwrap();
    let mut tx = db.begin_write().await.unwrap();
    let region = tx.create_region("420222", "阳新县").await.unwrap();
    let unit = tx.create_unit(region.id, "001", "兴国镇").await.unwrap();
    let user = tx
        .create_user(&NewUser {
            username: "filler",
            display_name: "填报人",
            office: "",
            password_hash: "x",
            role: Role::Filler,
            region_id: Some(region.id),
            unit_id: Some(unit.id),
            must_change_password: false,
        })
        .await
        .unwrap();
    let mut forms = Vec::new();
    for year in 0..FORMS {
        let new = NewForm {
            region_id: region.id,
            unit_id: unit.id,
            fiscal_year: 2030 + year,
            template_id: "hubei-dept-2026",
            created_by: user.id,
        };
        forms.push(tx.create_form(&new, &data("v1")).await.unwrap());
    }
    tx.commit().await.unwrap();
    (user.id, forms)
}

async fn count(db: &Db, sql: &str, form_id: i64) -> i64 {
    let (n,): (i64,) = jixiao_storage::sqlx::query_as(sql)
        .bind(form_id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    n
}

async fn check(db: &Db) {
    let (user, forms) = setup(db).await;

    // Every form: three writers race from the same base in every round; exactly one wins.
    let mut tasks = Vec::new();
    for &form in &forms {
        for writer in 0..3 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                let mut wins = Vec::new();
                let mut base = 1;
                for round in 0..ROUNDS {
                    let tag = format!("{form}-{writer}-{round}");
                    match db
                        .save_draft(request(form, base, user, &tag))
                        .await
                        .unwrap()
                    {
                        SaveOutcome::Saved(v) => {
                            assert_eq!(v, base + 1);
                            wins.push((v, tag));
                            base = v;
                        }
                        SaveOutcome::Moved => {
                            // Someone else saved: continue from the current version.
                            base = db.form(form).await.unwrap().unwrap().version;
                        }
                    }
                }
                (form, wins)
            }));
        }
    }
    let mut won: BTreeMap<i64, BTreeMap<i64, String>> = BTreeMap::new();
    for t in tasks {
        let (form, wins) = t.await.unwrap();
        for (v, tag) in wins {
            let previous = won.entry(form).or_default().insert(v, tag);
            assert!(previous.is_none(), "form {form} version {v} was won twice");
        }
    }
    for &form in &forms {
        let wins = &won[&form];
        let row = db.form(form).await.unwrap().unwrap();
        // Versions 2..=current were each won once, and the stored text is the winner's.
        assert_eq!(
            wins.keys().copied().collect::<Vec<_>>(),
            (2..=row.version).collect::<Vec<_>>()
        );
        for (v, tag) in wins {
            let json = db.version_json(form, *v).await.unwrap().unwrap();
            assert_eq!(json, format!("{{\"tag\":\"{tag}\"}}"));
        }
        assert_eq!(row.status, FormStatus::Draft);
        assert_eq!(row.warnings, 1);
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM form_versions WHERE form_id = $1",
                form
            )
            .await,
            row.version
        );
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM audit_log WHERE form_id = $1 AND action = 'save'",
                form
            )
            .await,
            row.version - 1
        );
        let versions = db.versions(form).await.unwrap();
        assert_eq!(versions.last().unwrap().saved_by, Some(user));
    }
    let mut details: Vec<String> = db
        .audit(Some(forms[0]), 1000)
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.action == "save")
        .map(|a| a.detail)
        .collect();
    details.sort();
    let last = db.form(forms[0]).await.unwrap().unwrap().version;
    let mut expected: Vec<String> = (2..=last).map(|v| detail(v, 0, 1)).collect();
    expected.sort();
    assert_eq!(details, expected);

    // A submitted form takes no save; a returned one does and stays returned.
    let (submitted, returned) = (forms[0], forms[1]);
    let mut tx = db.begin_write().await.unwrap();
    tx.set_status(submitted, FormStatus::Submitted, None)
        .await
        .unwrap();
    tx.set_status(returned, FormStatus::Returned, None)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let at = db.form(submitted).await.unwrap().unwrap().version;
    assert_eq!(
        db.save_draft(request(submitted, at, user, "late"))
            .await
            .unwrap(),
        SaveOutcome::Moved
    );
    assert_eq!(db.form(submitted).await.unwrap().unwrap().version, at);
    let at = db.form(returned).await.unwrap().unwrap().version;
    assert_eq!(
        db.save_draft(request(returned, at, user, "fix"))
            .await
            .unwrap(),
        SaveOutcome::Saved(at + 1)
    );
    let row = db.form(returned).await.unwrap().unwrap();
    assert_eq!((row.status, row.version), (FormStatus::Returned, at + 1));
    assert_eq!(
        db.versions(returned).await.unwrap().last().unwrap().status,
        FormStatus::Returned
    );
    assert_eq!(
        db.save_draft(request(999_999, 1, user, "nobody"))
            .await
            .unwrap(),
        SaveOutcome::Moved
    );

    // A save by a user who does not exist fails on its foreign key; saves queued with it in
    // the same group are still written.
    let mut tasks = Vec::new();
    for (i, &form) in forms[2..].iter().enumerate() {
        let db = db.clone();
        let base = db.form(form).await.unwrap().unwrap().version;
        let saver = if i == 3 { 987_654 } else { user };
        tasks.push(tokio::spawn(async move {
            (
                saver,
                db.save_draft(request(form, base, saver, "group")).await,
            )
        }));
    }
    let mut failed = 0;
    for t in tasks {
        match t.await.unwrap() {
            (987_654, Err(_)) => failed += 1,
            (987_654, Ok(o)) => panic!("a save by a missing user was stored: {o:?}"),
            (_, r) => assert!(matches!(r, Ok(SaveOutcome::Saved(_))), "{r:?}"),
        }
    }
    assert_eq!(failed, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_group_commit() {
    let t = support::Sqlite::new("saves").await;
    check(&t.db).await;
    assert_eq!(t.db.integrity_check().await.unwrap(), "ok");
    t.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_group_commit() {
    let Some(t) = support::Postgres::new("saves").await else {
        return;
    };
    check(&t.db).await;
    t.finish().await;
}
