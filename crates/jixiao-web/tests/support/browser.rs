//! A real headless Chromium driven through chromedriver (fantoccini over plain HTTP), and a tiny
//! std::net server on 127.0.0.1:0 that serves rendered pages, the embedded assets and a mock of
//! the few API calls the editor makes.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};

/// A request the mock server received.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: HashMap<String, String>,
    pub body: String,
}

/// The page server.
pub struct Site {
    pub base: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

fn respond(mut s: &TcpStream, status: &str, ct: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes());
    let _ = s.write_all(body);
}

/// What the mock validator finds in a posted form: the seed's typo (立项规范性 = 规划 in the
/// long-term table) is an error until fixed.
fn findings_for(body: &str) -> &'static str {
    if body.contains(r#""word":"规划""#) {
        r#"[{"code":"I021","severity":"error","path":"/indicators/long_term/rows/8/target","message":"“立项规范性”的指标值「规划」与年度指标「规范」不同，可能是笔误"}]"#
    } else {
        "[]"
    }
}

fn handle(stream: TcpStream, pages: &HashMap<String, String>, seen: &Mutex<Vec<Seen>>) {
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
        .min(10_000_000);
    let mut body = vec![0; len];
    let _ = reader.read_exact(&mut body);
    let body = String::from_utf8_lossy(&body).to_string();
    seen.lock().unwrap().push(Seen {
        method: method.clone(),
        path: path.clone(),
        headers,
        body: body.clone(),
    });
    if let Some(html) = pages.get(&path) {
        return respond(
            &stream,
            "200 OK",
            "text/html; charset=utf-8",
            html.as_bytes(),
        );
    }
    if let Some((ct, bytes)) = jixiao_web::asset(&path) {
        return respond(&stream, "200 OK", ct, bytes);
    }
    match (method.as_str(), path.as_str()) {
        ("POST", p) if p.starts_with("/api/forms/") && p.ends_with("/submit") => respond(
            &stream,
            "200 OK",
            "application/json",
            br#"{"status":"submitted"}"#,
        ),
        ("POST", p) if p.starts_with("/forms/") => respond(
            &stream,
            "200 OK",
            "text/html; charset=utf-8",
            "<p>已收到</p>".as_bytes(),
        ),
        ("POST", "/api/validate") => {
            let body = format!(r#"{{"findings":{}}}"#, findings_for(&body));
            respond(&stream, "200 OK", "application/json", body.as_bytes())
        }
        // The first save (based on version 3) succeeds; a save based on 4 meets a newer version.
        ("PUT", p)
            if p.starts_with("/api/forms/")
                && seen
                    .lock()
                    .unwrap()
                    .last()
                    .is_some_and(|r| r.body.contains("\"base_version\":4")) =>
        {
            // Someone else saved version 5 with another filler's name.
            let mut current = serde_json::from_str::<serde_json::Value>(&body)
                .map(|v| v["form"].clone())
                .unwrap_or_default();
            current["header"]["filler"] = serde_json::json!("李四");
            let answer = serde_json::json!({"error": "stale_version", "message": "该表已被他人修改。",
                "current_version": 5, "current": current});
            respond(
                &stream,
                "409 Conflict",
                "application/json",
                answer.to_string().as_bytes(),
            )
        }
        ("PUT", p) if p.starts_with("/api/forms/") => {
            let body = format!(r#"{{"version":4,"findings":{}}}"#, findings_for(&body));
            respond(&stream, "200 OK", "application/json", body.as_bytes())
        }
        _ => respond(&stream, "404 Not Found", "text/plain", b"not found"),
    }
}

/// Serves `pages` (path → HTML) until the process ends.
pub fn serve(pages: HashMap<String, String>) -> Site {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            handle(stream, &pages, &seen2);
        }
    });
    Site { base, seen }
}

/// chromedriver and the browser session; both end when dropped.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
}

/// A directory removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos();
        let p =
            std::env::temp_dir().join(format!("jixiao-web-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn find_program(names: &[&str]) -> Option<String> {
    let path = std::env::var("PATH").unwrap_or_default();
    for name in names {
        for dir in path.split(':').chain(["/usr/bin", "/usr/lib/chromium"]) {
            let p = std::path::Path::new(dir).join(name);
            if p.is_file() {
                return Some(p.to_string_lossy().to_string());
            }
        }
    }
    None
}

impl Browser {
    /// Scrolls an element to the middle of the window (clear of the sticky toolbar) and clicks
    /// it.
    pub async fn click(&self, css: &str) {
        let el = self
            .client
            .find(fantoccini::Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        self.client
            .execute(
                "arguments[0].scrollIntoView({block: 'center'})",
                vec![serde_json::to_value(&el).unwrap()],
            )
            .await
            .unwrap();
        el.click().await.unwrap();
    }

    /// Starts chromedriver on a free port and a headless Chromium at 1366×768. `None` when they
    /// are not installed (a failure instead when `CI=true`).
    pub async fn start() -> Option<Browser> {
        Self::start_with(true).await
    }

    /// As [`Browser::start`], with page scripts switched off when `javascript` is false.
    pub async fn start_with(javascript: bool) -> Option<Browser> {
        let (Some(driver_bin), Some(chrome_bin)) = (
            find_program(&["chromedriver"]),
            find_program(&["chromium", "chromium-browser", "google-chrome"]),
        ) else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true 但未安装 chromium / chromium-driver"
            );
            eprintln!("skipping browser test: chromium or chromedriver not installed");
            return None;
        };
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = TempDir::new("profile");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chrome_bin,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--window-size=1366,768", "--hide-scrollbars", "--lang=zh-CN",
                    format!("--user-data-dir={}", profile.0.display())],
                "prefs": { "profile.managed_default_content_settings.javascript": if javascript { 1 } else { 2 } }
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        // Poll until chromedriver answers; each try fails fast while the port is closed.
        let client = loop {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                let connector = hyper_util::client::legacy::connect::HttpConnector::new();
                match ClientBuilder::new(connector)
                    .capabilities(caps.clone())
                    .connect(&url)
                    .await
                {
                    Ok(c) => break c,
                    Err(e) if Instant::now() > deadline => {
                        panic!("chromedriver did not answer: {e}")
                    }
                    Err(_) => {}
                }
            }
            assert!(
                Instant::now() < deadline,
                "chromedriver did not start on port {port}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        Some(Browser {
            client,
            driver,
            _profile: profile,
        })
    }

    /// Runs a script and returns its value.
    pub async fn js(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Polls a script until it returns `true` (5 s at most).
    pub async fn wait_for(&self, script: &str) {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if self.js(script).await == serde_json::Value::Bool(true) {
                return;
            }
            assert!(Instant::now() < deadline, "condition never held: {script}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Ends the session; the driver ends when the browser is dropped.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    /// Ends chromedriver even when a test fails half-way.
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Decodes an `application/x-www-form-urlencoded` body into its fields, in order.
pub fn form_fields(body: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                    match u8::from_str_radix(hex, 16) {
                        Ok(b) => {
                            out.push(b);
                            i += 2;
                        }
                        Err(_) => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).to_string()
    }
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}
