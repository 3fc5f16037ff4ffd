//! The audit log is tamper-evident on both databases: each row carries the request's client,
//! and changing, deleting or removing the last rows is found by `verify_audit`, which names the
//! first broken row.

mod support;

use jixiao_storage::sqlx;
use jixiao_storage::{AuditContext, Db};

async fn write_rows(db: &Db, n: usize) {
    for i in 0..n {
        let ctx = AuditContext {
            address: format!("10.0.0.{i}"),
            user_agent: "测试浏览器/1.0".into(),
        };
        ctx.scope(async {
            let mut tx = db.begin_write().await.unwrap();
            tx.audit(Some(i as i64), None, "save", &format!("第 {i} 行"))
                .await
                .unwrap();
            tx.commit().await.unwrap();
        })
        .await;
    }
}

async fn exec(db: &Db, sql: &str) {
    sqlx::query(sql).execute(db.pool()).await.unwrap();
}

async fn check(db: &Db) {
    db.migrate().await.unwrap();
    let empty = db.verify_audit().await.unwrap();
    assert_eq!((empty.checked, empty.broken), (0, None));

    write_rows(db, 6).await;
    let ok = db.verify_audit().await.unwrap();
    assert_eq!((ok.checked, ok.unchained), (6, 0));
    assert_eq!(ok.broken, None);

    let rows = db.audit(None, 100).await.unwrap();
    assert_eq!(rows[2].address, "10.0.0.2");
    assert_eq!(rows[2].user_agent, "测试浏览器/1.0");
    assert_eq!(rows[2].outcome, "ok");
    let third = rows[2].id;

    // A changed detail breaks the chain at that row.
    exec(
        db,
        &format!("UPDATE audit_log SET detail = '改过' WHERE id = {third}"),
    )
    .await;
    let v = db.verify_audit().await.unwrap();
    let broken = v.broken.expect("a changed row is found");
    assert_eq!((broken.id, broken.seq, v.checked), (Some(third), 3, 2));
    assert!(broken.reason.contains("被修改"), "{}", broken.reason);
    exec(
        db,
        &format!("UPDATE audit_log SET detail = '第 2 行' WHERE id = {third}"),
    )
    .await;
    assert_eq!(db.verify_audit().await.unwrap().broken, None, "restored");

    // A changed address is covered by the hash too.
    exec(
        db,
        &format!("UPDATE audit_log SET address = '1.1.1.1' WHERE id = {third}"),
    )
    .await;
    assert_eq!(
        db.verify_audit().await.unwrap().broken.unwrap().id,
        Some(third)
    );
    exec(
        db,
        &format!("UPDATE audit_log SET address = '10.0.0.2' WHERE id = {third}"),
    )
    .await;

    // A deleted row in the middle: the next one shows the gap.
    exec(db, &format!("DELETE FROM audit_log WHERE id = {third}")).await;
    let v = db.verify_audit().await.unwrap();
    let broken = v.broken.expect("a deleted row is found");
    assert_eq!((broken.id, broken.seq), (Some(rows[3].id), 3));
    assert!(broken.reason.contains("删除"), "{}", broken.reason);
}

async fn check_tail(db: &Db) {
    db.migrate().await.unwrap();
    write_rows(db, 3).await;
    let last = db.audit(None, 100).await.unwrap()[2].id;
    exec(db, &format!("DELETE FROM audit_log WHERE id = {last}")).await;
    let v = db.verify_audit().await.unwrap();
    let broken = v.broken.expect("a removed tail is found");
    assert_eq!((broken.id, broken.seq, v.checked), (None, 3, 2));
    assert!(broken.reason.contains("末尾"), "{}", broken.reason);
}

/// Archiving removes the old rows and the chain goes on from the last one's hash; a broken
/// chain is not archived.
async fn check_archive(db: &Db) {
    db.migrate().await.unwrap();
    write_rows(db, 4).await;
    let future = jixiao_storage::now_ms() + 60_000;
    let batch = db.audit_rows_to_archive(future).await.unwrap();
    assert_eq!(batch.rows.len(), 4);
    assert_eq!(batch.last_seq, Some(4));
    assert_eq!(batch.rows[0]["address"], "10.0.0.0");
    let removed = db
        .drop_archived_audit(&batch, None, "a.jsonl")
        .await
        .unwrap();
    assert_eq!(removed, 4);
    let left = db.audit(None, 100).await.unwrap();
    assert_eq!(left.len(), 1, "only the archive's own row");
    assert_eq!(left[0].action, "audit.archive");
    write_rows(db, 2).await;
    let v = db.verify_audit().await.unwrap();
    assert_eq!((v.checked, v.broken), (3, None));
    // Tampered: archiving is refused and nothing is removed.
    exec(db, "UPDATE audit_log SET detail = '改过' WHERE seq = 6").await;
    let batch = db.audit_rows_to_archive(future).await.unwrap();
    let e = db
        .drop_archived_audit(&batch, None, "b.jsonl")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("不能归档"), "{e}");
    assert_eq!(db.audit(None, 100).await.unwrap().len(), 3);
}

#[tokio::test]
async fn sqlite_audit_chain() {
    let t = support::Sqlite::new("audit").await;
    check(&t.db).await;
    t.finish().await;
    let t = support::Sqlite::new("audit-tail").await;
    check_tail(&t.db).await;
    t.finish().await;
    let t = support::Sqlite::new("audit-archive").await;
    check_archive(&t.db).await;
    t.finish().await;
}

#[tokio::test]
async fn postgres_audit_chain() {
    let Some(t) = support::Postgres::new("audit").await else {
        return;
    };
    check(&t.db).await;
    t.finish().await;
    let Some(t) = support::Postgres::new("audittail").await else {
        return;
    };
    check_tail(&t.db).await;
    t.finish().await;
    let Some(t) = support::Postgres::new("auditarch").await else {
        return;
    };
    check_archive(&t.db).await;
    t.finish().await;
}
