//! Storage micro-benchmark: sequential saves of the seed form straight through
//! `jixiao-storage` (no HTTP), timing each part of the write step.
//!
//! `cargo run --release -p jixiao-server --example savebench -- 'sqlite:///tmp/sb.db?mode=rwc'`
//! (`N=2000` for more saves; a PostgreSQL URL works too, on an empty database or schema).

use std::time::Instant;

use jixiao_storage::forms::{NewForm, VersionData};
use jixiao_storage::users::NewUser;
use jixiao_storage::{ConnectOptions, Db, Role};

#[tokio::main]
async fn main() {
    let url = std::env::args()
        .nth(1)
        .expect("usage: savebench DATABASE_URL");
    let n: i64 = std::env::var("N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let db = Db::connect(&url, &ConnectOptions::default()).await.unwrap();
    db.migrate().await.unwrap();
    let mut tx = db.begin_write().await.unwrap();
    let r = tx.create_region("bench", "bench").await.unwrap();
    let u = tx.create_unit(r.id, "bench", "bench").await.unwrap();
    let nu = NewUser {
        username: "bench",
        display_name: "bench",
        office: "",
        password_hash: "-",
        role: Role::Admin,
        region_id: None,
        unit_id: None,
        must_change_password: false,
    };
    let user = tx.create_user(&nu).await.unwrap();
    let form: jixiao_domain::Form =
        serde_json::from_str(jixiao_server::demo::SEED_FORM_JSON).unwrap();
    let data = VersionData::new(&form, 0, 0).unwrap();
    let new = NewForm {
        region_id: r.id,
        unit_id: u.id,
        fiscal_year: 2026,
        template_id: "t",
        created_by: user.id,
    };
    let id = tx.create_form(&new, &data).await.unwrap();
    tx.commit().await.unwrap();

    let (mut tj, mut tb, mut tl, mut ta, mut tc) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let t0 = Instant::now();
    for v in 1..=n {
        let t = Instant::now();
        let f: jixiao_domain::Form =
            serde_json::from_str(jixiao_server::demo::SEED_FORM_JSON).unwrap();
        let data = VersionData::new(&f, 0, 0).unwrap();
        tj += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let mut tx = db.begin_write().await.unwrap();
        tb += t.elapsed().as_secs_f64();
        let t = Instant::now();
        tx.lock_form(id).await.unwrap().unwrap();
        tl += t.elapsed().as_secs_f64();
        let t = Instant::now();
        tx.append_version(id, v, jixiao_domain::FormStatus::Draft, &data, user.id)
            .await
            .unwrap()
            .unwrap();
        tx.audit(Some(id), Some(user.id), "save", "bench")
            .await
            .unwrap();
        ta += t.elapsed().as_secs_f64();
        let t = Instant::now();
        tx.commit().await.unwrap();
        tc += t.elapsed().as_secs_f64();
    }
    let all = t0.elapsed().as_secs_f64();
    let ms = |x: f64| x * 1000.0 / n as f64;
    println!(
        "{n} saves, {:.0}/s; per save ms: json {:.2} begin {:.2} lock {:.2} append+audit {:.2} commit {:.2}",
        n as f64 / all,
        ms(tj),
        ms(tb),
        ms(tl),
        ms(ta),
        ms(tc)
    );
    db.close().await;
}
