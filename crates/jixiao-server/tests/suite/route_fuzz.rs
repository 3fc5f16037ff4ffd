//! Every route of the route table, for every role, fed malformed requests: broken and mutated
//! JSON bodies (wrong types, huge numbers, deep nesting, invalid UTF-8, duplicated and unknown
//! keys, random bytes), junk path parameters and query strings, wrong content types. The answer
//! is never a 5xx, the server never panics (the router is called in-process: a panic fails the
//! test), every refusal is a JSON error with a Chinese message, and a refused request changes
//! nothing — the database's content digest is the same before and after (audit rows, sessions
//! and login counters, which record attempts by design, are left out of the digest).
//!
//! The mutations come from a fixed seed, so a failure repeats; `JIXIAO_ROUTE_FUZZ_CASES` sets
//! how many random cases each route and role get besides the fixed ones (default 4).

use crate::common;
use crate::matrix::{ROLES, body, concrete, setup};

use axum::body::Body;
use axum::http::{Method, Request, header};
use common::{Answer, Client, Kind, TestApp, send};
use jixiao_server::ServerConfig;
use jixiao_storage::sqlx::{self, Row};
use serde_json::{Value, json};

/// A small deterministic generator (xorshift64*), so a failing case can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// Values of the wrong type or out of every range.
fn odd_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(""),
        json!("abc"),
        json!(-1),
        json!(0),
        json!(1.5),
        json!(9_223_372_036_854_775_807_i64),
        json!(-9_223_372_036_854_775_808_i64),
        json!(1e300),
        json!(true),
        json!([]),
        json!({}),
        json!("😀\u{0}\u{202e}"),
        json!("x".repeat(70_000)),
        json!([[[[[[[[[[1]]]]]]]]]]),
    ]
}

/// Bodies that are not what any route expects.
fn broken_bodies(rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut out = vec![
        Vec::new(),
        b"{".to_vec(),
        b"null".to_vec(),
        b"[]".to_vec(),
        b"\"text\"".to_vec(),
        b"12345678901234567890123456789012345678901234567890".to_vec(),
        b"1e400".to_vec(),
        b"{\"a\":1,\"a\":2}".to_vec(),
        b"{\"unknown_field\":true}".to_vec(),
        vec![0xff, 0xfe, 0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d],
        "[".repeat(20_000).into_bytes(),
        format!("{{\"k\":{}1{}}}", "[".repeat(5_000), "]".repeat(5_000)).into_bytes(),
    ];
    out.push(rng.bytes(200));
    out
}

/// The valid body with one top-level field replaced, removed, or doubled as a raw duplicate.
fn mutated(valid: &Value, rng: &mut Rng) -> Vec<u8> {
    let Value::Object(map) = valid else {
        return serde_json::to_vec(&odd_values()[rng.below(15)]).unwrap();
    };
    let mut m = map.clone();
    let keys: Vec<String> = m.keys().cloned().collect();
    match (keys.is_empty(), rng.below(3)) {
        (true, _) | (false, 0) => {
            let odd = odd_values();
            let key = if keys.is_empty() {
                "base_version".to_string()
            } else {
                keys[rng.below(keys.len())].clone()
            };
            m.insert(key, odd[rng.below(odd.len())].clone());
            serde_json::to_vec(&m).unwrap()
        }
        (false, 1) => {
            m.remove(&keys[rng.below(keys.len())]);
            serde_json::to_vec(&m).unwrap()
        }
        _ => {
            // A duplicated key: the first copy valid, the second odd.
            let key = &keys[rng.below(keys.len())];
            let text = serde_json::to_string(&m).unwrap();
            let extra = format!(",\"{key}\":\"dup\"}}");
            format!("{}{extra}", &text[..text.len() - 1]).into_bytes()
        }
    }
}

const BAD_IDS: [&str; 8] = [
    "abc",
    "-1",
    "0",
    "99999999999999999999",
    "1.5",
    "%00",
    "%F0%9F%98%80",
    "1%20OR%201=1",
];

const BAD_QUERIES: [&str; 6] = [
    "?year=abc&status=%ff&limit=-5&q=%00",
    "?limit=99999999999999999999&unit_id=x",
    "?format=../../etc/passwd&version=-3",
    "?from=x&to=99999999999999999999",
    "?region_id=1&region_id=2&verify=1&verify=0",
    "?%zz=%zz",
];

/// What a request may change and a refusal must not: the business tables, as text.
async fn digest(t: &TestApp) -> String {
    let queries = [
        "SELECT id, status, version, approved_version, updated_at, reached_finance_at FROM forms ORDER BY id",
        "SELECT form_id, version, status FROM form_versions ORDER BY form_id, version",
        "SELECT id, username, display_name, office, role, region_id, unit_id, disabled, password_hash, must_change_password FROM users ORDER BY id",
        "SELECT id, code, name, unit_sign_off FROM regions ORDER BY id",
        "SELECT id, region_id, code, name FROM units ORDER BY id",
        "SELECT id, form_id, version, decision FROM reviews ORDER BY id",
        "SELECT id, form_id, version, path FROM comments ORDER BY id",
        "SELECT id, kind, fiscal_year, month FROM rounds ORDER BY id",
        "SELECT id, status, version, updated_at FROM reports ORDER BY id",
        "SELECT report_id, version FROM report_versions ORDER BY report_id, version",
        "SELECT key, value FROM settings ORDER BY key",
        "SELECT user_id, changed_at FROM password_history ORDER BY user_id, changed_at",
    ];
    let mut out = String::new();
    for q in queries {
        let rows = sqlx::query(q).fetch_all(t.state.db.pool()).await.unwrap();
        for r in rows {
            for i in 0..r.len() {
                let cell = r
                    .try_get::<Option<i64>, _>(i)
                    .map(|v| format!("{v:?}"))
                    .or_else(|_| r.try_get::<Option<String>, _>(i).map(|v| format!("{v:?}")))
                    .unwrap_or_else(|_| "?".into());
                out.push_str(&cell);
                out.push('|');
            }
            out.push('\n');
        }
    }
    out
}

fn request(
    c: &Client,
    method: &Method,
    url: &str,
    content_type: &str,
    body: Vec<u8>,
) -> Request<Body> {
    let mut b = Request::builder()
        .method(method.clone())
        .uri(url)
        .header(
            header::COOKIE,
            format!("jixiao_session={}; jixiao_csrf={}", c.session, c.csrf),
        )
        .header("x-csrf-token", &c.csrf);
    if !content_type.is_empty() {
        b = b.header(header::CONTENT_TYPE, content_type);
    }
    b.body(Body::from(body)).unwrap()
}

async fn route_fuzz(kind: Kind) {
    let Some(t) = TestApp::new(kind).await else {
        return;
    };
    let cases: usize = std::env::var("JIXIAO_ROUTE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4);
    let (ids, _, form) = setup(&t).await;
    let (_, routes) = jixiao_server::api_routes(&ServerConfig::default());
    let mut clients = Vec::new();
    for (_, account) in ROLES {
        clients.push(t.login(account).await);
    }
    let mut rng = Rng(0x6a69_7869_616f_2026);
    let mut problems = Vec::new();
    let mut sent = 0usize;
    let mut before = digest(&t).await;
    for r in routes.iter().filter(|r| r.auth) {
        // Logging out and changing one's password end the session every later call needs.
        if r.path == "/api/logout" || r.path == "/api/me/password" {
            continue;
        }
        let method = Method::from_bytes(r.method.to_uppercase().as_bytes()).unwrap();
        let valid = body(r.path, &ids, &form);
        let url = concrete(r.path, &ids, ids.form);
        for (i, (role, _)) in ROLES.iter().enumerate() {
            let c = &clients[i];
            let mut reqs: Vec<(String, String, Vec<u8>)> = Vec::new();
            for b in broken_bodies(&mut rng) {
                reqs.push((url.clone(), "application/json".into(), b));
            }
            for _ in 0..cases {
                reqs.push((
                    url.clone(),
                    "application/json".into(),
                    mutated(&valid, &mut rng),
                ));
            }
            let valid_bytes = serde_json::to_vec(&valid).unwrap();
            reqs.push((url.clone(), "text/plain".into(), valid_bytes.clone()));
            reqs.push((url.clone(), String::new(), valid_bytes.clone()));
            reqs.push((
                url.clone(),
                "multipart/form-data; boundary=x".into(),
                b"--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nabc".to_vec(),
            ));
            if r.path.contains('{') {
                for bad in BAD_IDS {
                    let u = r
                        .path
                        .replace("{id}", bad)
                        .replace("{v}", BAD_IDS[rng.below(BAD_IDS.len())]);
                    reqs.push((u, "application/json".into(), valid_bytes.clone()));
                }
            }
            for q in BAD_QUERIES {
                reqs.push((
                    format!("{url}{q}"),
                    "application/json".into(),
                    valid_bytes.clone(),
                ));
            }
            for (u, ct, b) in reqs {
                let shown = String::from_utf8_lossy(&b[..b.len().min(80)]).to_string();
                let a: Answer = send(&t.app, request(c, &method, &u, &ct, b)).await;
                sent += 1;
                let what = format!("{} {u} as {role} ({ct}) body {shown:?}", r.method);
                if a.status.is_server_error() {
                    problems.push(format!("{what}: {} {}", a.status, a.body));
                    continue;
                }
                if a.status.is_success() || a.status.is_redirection() {
                    before = digest(&t).await;
                    continue;
                }
                let message = a.body["message"].as_str().unwrap_or("");
                if !message
                    .chars()
                    .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch))
                {
                    problems.push(format!(
                        "{what}: {} without a Chinese message: {}",
                        a.status, a.body
                    ));
                }
                let after = digest(&t).await;
                if after != before {
                    problems.push(format!(
                        "{what}: refused with {} but the data changed",
                        a.status
                    ));
                    before = after;
                }
            }
        }
    }
    assert!(sent > 3_000, "{sent} requests");
    assert!(
        problems.is_empty(),
        "{} of {sent}:\n{}",
        problems.len(),
        problems.join("\n")
    );
    t.cleanup().await;
}
on_both!(route_fuzz);
