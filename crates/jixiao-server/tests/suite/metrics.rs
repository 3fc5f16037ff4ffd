//! `GET /metrics`: absent unless a token is configured, then only for its bearer; requests
//! counted under their route patterns (never the ids in the address), saves, pool connections.

use crate::common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Kind, TestApp, send};
use jixiao_server::ServerConfig;
use serde_json::json;

async fn scrape(t: &TestApp, token: Option<&str>) -> (StatusCode, String) {
    let mut req = Request::builder().uri("/metrics");
    if let Some(token) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let a = send(&t.app, req.body(Body::empty()).unwrap()).await;
    (a.status, String::from_utf8_lossy(&a.bytes).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_need_a_token_and_count_routes_saves_and_the_pool() {
    let plain = TestApp::new(Kind::Sqlite).await.unwrap();
    assert_eq!(scrape(&plain, None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(scrape(&plain, Some("x")).await.0, StatusCode::NOT_FOUND);
    plain.cleanup().await;

    let t = TestApp::with(Kind::Sqlite, |mut s| {
        s.config = std::sync::Arc::new(ServerConfig {
            metrics_token: Some("s3cret-token".into()),
            ..(*s.config).clone()
        });
        s
    })
    .await
    .unwrap();
    assert_eq!(scrape(&t, None).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        scrape(&t, Some("s3cret-tokem")).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(scrape(&t, Some("s3cret")).await.0, StatusCode::UNAUTHORIZED);

    let filler = t.login("xingguo_filler").await;
    let id = filler.get("/api/forms").await.body[0]["id"]
        .as_i64()
        .unwrap();
    let got = filler.get(&format!("/api/forms/{id}")).await.body;
    let saved = filler
        .put(
            &format!("/api/forms/{id}"),
            &json!({"base_version": got["version"], "form": got["form"]}),
        )
        .await;
    assert!(saved.status.is_success(), "{}", saved.body);
    let missing = filler.get("/api/forms/999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);

    let (status, text) = scrape(&t, Some("s3cret-token")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text.contains(
            r#"jixiao_http_requests_total{route="/api/forms/{id}",method="GET",status="2xx"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"jixiao_http_requests_total{route="/api/forms/{id}",method="GET",status="4xx"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"jixiao_http_requests_total{route="/api/forms/{id}",method="PUT",status="2xx"} 1"#
        ),
        "{text}"
    );
    assert!(!text.contains("999999"), "addresses are counted by pattern");
    assert!(text.contains(r#"jixiao_http_request_duration_seconds_bucket{route="/api/login",method="POST",le="+Inf"} 1"#), "{text}");
    assert!(text.contains("\njixiao_saves_total 1\n"), "{text}");
    let pool: f64 = text
        .lines()
        .find_map(|l| l.strip_prefix("jixiao_db_pool_connections "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(pool >= 1.0);
    // Every sample line is `name{labels} value` or `name value`, as Prometheus reads it.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap();
        assert!(value.parse::<f64>().is_ok(), "{line}");
    }
    t.cleanup().await;
}
