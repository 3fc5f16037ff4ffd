//! Load-test client for a running `jixiao serve` (see `scripts/loadtest.sh`).
//!
//! `loadtest PORT CLIENTS SECONDS [RATE]`: logs in once as the demo filler, creates one form per
//! client (the seed form under a distinct fiscal year), then runs two phases of SECONDS each
//! with CLIENTS concurrent keep-alive connections:
//! - `view`: `GET /api/forms/{id}` (the form, its findings, comments and reviews);
//! - `save`: `PUT /api/forms/{id}` with the whole seed form (≈49 KB, 78 indicator rows), which
//!   validates and stores a new version; each client follows its own version numbers.
//!
//! Without RATE every client sends its next request as soon as the last is answered (closed
//! loop: the server's maximum throughput; latency is then clients / throughput). With RATE
//! the clients together send RATE requests per second on a fixed schedule (open loop), and
//! latency is measured from each request's scheduled time, so a stalled server is not hidden.
//!
//! Prints one line per phase: requests, throughput, p50/p95/p99/max latency, errors.

mod common;

use std::time::{Duration, Instant};

use common::{form_for_year, percentile, seed_form};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

struct Conn {
    stream: BufReader<TcpStream>,
    cookie: String,
    csrf: String,
}

impl Conn {
    async fn open(port: u16, cookie: &str, csrf: &str) -> Conn {
        let s = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        s.set_nodelay(true).unwrap();
        Conn {
            stream: BufReader::new(s),
            cookie: cookie.into(),
            csrf: csrf.into(),
        }
    }

    /// One keep-alive request; returns (status, set-cookie values, body).
    async fn call(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> (u16, Vec<String>, Vec<u8>) {
        let body = body.unwrap_or(b"");
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {}\r\nX-CSRF-Token: {}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            self.cookie,
            self.csrf,
            body.len()
        );
        let s = self.stream.get_mut();
        s.write_all(head.as_bytes()).await.unwrap();
        s.write_all(body).await.unwrap();
        let mut line = String::new();
        self.stream.read_line(&mut line).await.unwrap();
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .expect("status line");
        let (mut len, mut cookies) = (0usize, Vec::new());
        loop {
            line.clear();
            self.stream.read_line(&mut line).await.unwrap();
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().unwrap();
                } else if k.eq_ignore_ascii_case("set-cookie") {
                    cookies.push(v.trim().split(';').next().unwrap().to_string());
                }
            }
        }
        let mut buf = vec![0; len];
        self.stream.read_exact(&mut buf).await.unwrap();
        (status, cookies, buf)
    }
}

fn report(name: &str, mut lat: Vec<Duration>, errors: usize, secs: f64) {
    lat.sort();
    println!(
        "{name}: {} requests in {secs:.1} s = {:.0}/s; latency ms p50 {:.1} p95 {:.1} p99 {:.1} max {:.1}; errors {errors}",
        lat.len(),
        lat.len() as f64 / secs,
        percentile(&lat, 0.50),
        percentile(&lat, 0.95),
        percentile(&lat, 0.99),
        percentile(&lat, 1.0),
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = args
        .get(1)
        .and_then(|a| a.parse().ok())
        .expect("usage: loadtest PORT CLIENTS SECONDS");
    let clients: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(100);
    let secs: u64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(15);
    let rate: f64 = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(0.0);

    let mut login = Conn::open(port, "", "").await;
    let body = json!({"username": "xingguo_filler", "password": "jixiao-demo-2026"}).to_string();
    let (status, cookies, _) = login
        .call("POST", "/api/login", Some(body.as_bytes()))
        .await;
    assert_eq!(status, 200, "login failed");
    let cookie = cookies.join("; ");
    let csrf = cookies
        .iter()
        .find_map(|c| c.strip_prefix("jixiao_csrf="))
        .unwrap()
        .to_string();
    let mut setup = Conn::open(port, &cookie, &csrf).await;

    let seed = seed_form();
    let mut forms = Vec::new();
    for i in 0..clients {
        let f = form_for_year(&seed, 2030 + i as i64);
        let (status, _, body) = setup
            .call(
                "POST",
                "/api/forms",
                Some(json!({"form": f}).to_string().as_bytes()),
            )
            .await;
        // 409 names the form made by an earlier run on the same database.
        assert!(
            status == 201 || status == 409,
            "create form: {status} {}",
            String::from_utf8_lossy(&body)
        );
        let id = serde_json::from_slice::<Value>(&body).unwrap()["id"]
            .as_i64()
            .unwrap();
        let (_, _, cur) = setup.call("GET", &format!("/api/forms/{id}"), None).await;
        let version = serde_json::from_slice::<Value>(&cur).unwrap()["version"]
            .as_i64()
            .unwrap();
        forms.push((id, version, f));
    }
    let mode = if rate > 0.0 {
        format!("open loop at {rate}/s")
    } else {
        "closed loop".to_string()
    };
    println!(
        "{clients} clients, {secs} s per phase, {mode}, form JSON {} bytes",
        forms[0].2.to_string().len()
    );

    for phase in ["view", "save"] {
        let deadline = Instant::now() + Duration::from_secs(secs);
        let start = Instant::now();
        let mut tasks = Vec::new();
        for (n, (id, version, form)) in forms.iter().cloned().enumerate() {
            let (cookie, csrf) = (cookie.clone(), csrf.clone());
            // Open loop: client n sends at start + (n + k * clients) / rate.
            let period = if rate > 0.0 {
                Some(Duration::from_secs_f64(clients as f64 / rate))
            } else {
                None
            };
            let offset = Duration::from_secs_f64(if rate > 0.0 { n as f64 / rate } else { 0.0 });
            tasks.push(tokio::spawn(async move {
                let mut c = Conn::open(port, &cookie, &csrf).await;
                let (mut lat, mut errors, mut version) = (Vec::new(), 0usize, version);
                let path = format!("/api/forms/{id}");
                let form_text = form.to_string();
                let mut k = 0u32;
                while Instant::now() < deadline {
                    let t = match period {
                        Some(p) => {
                            let at = start + offset + p * k;
                            k += 1;
                            if at >= deadline {
                                break;
                            }
                            tokio::time::sleep_until(at.into()).await;
                            at
                        }
                        None => Instant::now(),
                    };
                    let status = if phase == "view" {
                        c.call("GET", &path, None).await.0
                    } else {
                        // The form text is made once per client, as a browser holds its form.
                        let body = format!("{{\"base_version\":{version},\"form\":{form_text}}}");
                        let (status, _, resp) = c.call("PUT", &path, Some(body.as_bytes())).await;
                        if status == 200 {
                            version = serde_json::from_slice::<Value>(&resp).unwrap()["version"]
                                .as_i64()
                                .unwrap();
                        }
                        status
                    };
                    lat.push(t.elapsed());
                    if status != 200 {
                        errors += 1;
                    }
                }
                (lat, errors, id, version)
            }));
        }
        let (mut all, mut errors) = (Vec::new(), 0);
        for t in tasks {
            let (lat, e, id, version) = t.await.unwrap();
            all.extend(lat);
            errors += e;
            if let Some(f) = forms.iter_mut().find(|f| f.0 == id) {
                f.1 = version;
            }
        }
        report(phase, all, errors, start.elapsed().as_secs_f64());
    }
}
