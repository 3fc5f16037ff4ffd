//! Two app servers on one database (each with its own connection pool, as two processes would
//! have): a session made on one works on the other, and racing saves on the same base version
//! stay consistent — exactly one wins, the other gets 409.

use crate::common;

use axum::http::StatusCode;
use common::{Kind, TestApp};
use jixiao_server::{AppState, ServerConfig};
use serde_json::json;

async fn two_servers(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let other_db = t.tdb.reconnect().await;
    let app_b = jixiao_server::app(AppState::new(other_db.clone(), ServerConfig::default()));

    let on_a = t.login("xingguo_filler").await;
    let on_b = on_a.on(&app_b);
    let me = on_b.get("/api/me").await;
    assert_eq!(me.status, StatusCode::OK, "session made on A works on B");
    assert_eq!(me.body["username"], "xingguo_filler");

    let id = on_a.get("/api/forms").await.body[0]["id"].as_i64().unwrap();
    let form = on_a.get(&format!("/api/forms/{id}")).await.body["form"].clone();
    // A second session of the same unit, logged in through B.
    let other = common::Client::login(
        &app_b,
        "xingguo_approver",
        jixiao_server::demo::DEMO_PASSWORD,
    )
    .await;

    const ROUNDS: i64 = 8;
    for round in 0..ROUNDS {
        let base = 1 + round;
        let mut f1 = form.clone();
        f1["header"]["filler"] = json!(format!("甲{round}"));
        let mut f2 = form.clone();
        f2["header"]["filler"] = json!(format!("乙{round}"));
        let path = format!("/api/forms/{id}");
        let (b1, b2) = (
            json!({"base_version": base, "form": f1}),
            json!({"base_version": base, "form": f2}),
        );
        let (r1, r2) = tokio::join!(on_a.put(&path, &b1), other.put(&path, &b2));
        let mut statuses = [r1.status, r2.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::OK, StatusCode::CONFLICT],
            "round {round}: {} / {}",
            r1.body,
            r2.body
        );
        let (winner, loser) = if r1.status == StatusCode::OK {
            (&r1, &r2)
        } else {
            (&r2, &r1)
        };
        assert_eq!(winner.body["version"], base + 1);
        assert_eq!(loser.body["current_version"], base + 1);
        let expected = if r1.status == StatusCode::OK {
            format!("甲{round}")
        } else {
            format!("乙{round}")
        };
        let stored = on_b.get(&path).await.body;
        assert_eq!(
            stored["form"]["header"]["filler"],
            json!(expected),
            "the winner's save is the one stored"
        );
    }
    let versions = on_b.get(&format!("/api/forms/{id}/versions")).await.body;
    assert_eq!(versions.as_array().unwrap().len() as i64, 1 + ROUNDS);
    let audit = on_a.get(&format!("/api/forms/{id}/audit")).await.body;
    let saves = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] == "save")
        .count() as i64;
    assert_eq!(
        saves, ROUNDS,
        "one audit row per successful save, none for refused ones"
    );

    // Logging out on B ends the session on A.
    assert_eq!(
        on_b.post("/api/logout", &json!({})).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(on_a.get("/api/me").await.status, StatusCode::UNAUTHORIZED);
    other_db.close().await;
    t.cleanup().await;
}
on_both!(two_servers);
