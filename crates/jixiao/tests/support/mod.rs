//! Helpers for tests that run the real `jixiao` binary: temporary directories, a server process
//! whose port is read from its start-up line, readiness by polling `/healthz` (bounded, no fixed
//! sleeps), and a tiny HTTP/1.1 client over `std::net::TcpStream`.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A unique temporary directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let p = std::env::temp_dir().join(format!(
            "{prefix}-{}-{}-{nanos}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&p).unwrap();
        TempDir(p)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The binary under test.
pub fn jixiao() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_jixiao"));
    for var in [
        "JIXIAO_LISTEN",
        "JIXIAO_DATA",
        "JIXIAO_DATABASE_URL",
        "JIXIAO_DEMO",
    ] {
        c.env_remove(var);
    }
    c
}

/// A running server.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub stdout: Vec<String>,
}

impl Server {
    /// Starts `jixiao serve --listen 127.0.0.1:0` with more arguments, reads the port from the
    /// start-up line and waits until `/healthz` answers (at most 60 s).
    pub fn start(args: &[&str]) -> Server {
        let mut child = jixiao()
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn jixiao serve");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut lines = Vec::new();
        let port = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = rx
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("server did not start: {lines:?}"));
            let port = line
                .split("http://127.0.0.1:")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .and_then(|p| p.parse::<u16>().ok());
            lines.push(line);
            if let Some(p) = port {
                break p;
            }
        };
        let server = Server {
            child,
            port,
            stdout: lines,
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = server.try_call("GET", "/healthz", &[], None)
                && r.status == 200
            {
                break;
            }
            assert!(Instant::now() < deadline, "server never became healthy");
            std::thread::yield_now();
        }
        server
    }

    pub fn try_call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> std::io::Result<Resp> {
        http(self.port, method, path, headers, body)
    }

    /// Kills the process with SIGKILL (no clean shutdown) and reaps it.
    pub fn kill9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Value,
}

impl Resp {
    pub fn cookies(&self) -> Vec<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .map(|(_, v)| v.split(';').next().unwrap().to_string())
            .collect()
    }
}

/// One request with `Connection: close`.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> std::io::Result<Resp> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !body.is_empty() {
        req.push_str("Content-Type: application/json\r\n");
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(&body);
    s.write_all(req.as_bytes())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, rest) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no header"))?;
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidData, "bad status line"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| {
            l.split_once(':')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        })
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body_text = if chunked {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    Ok(Resp {
        status,
        headers,
        body: serde_json::from_str(&body_text).unwrap_or(Value::Null),
    })
}

fn dechunk(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

/// A logged-in session against a server port.
#[derive(Clone)]
pub struct Session {
    pub port: u16,
    pub cookie: String,
    pub csrf: String,
}

impl Session {
    pub fn login(port: u16, user: &str, password: &str) -> Session {
        let r = http(
            port,
            "POST",
            "/api/login",
            &[],
            Some(&serde_json::json!({"username": user, "password": password})),
        )
        .unwrap();
        assert_eq!(r.status, 200, "login {user}: {}", r.body);
        let cookies = r.cookies();
        let csrf = cookies
            .iter()
            .find_map(|c| c.strip_prefix("jixiao_csrf="))
            .unwrap()
            .to_string();
        Session {
            port,
            cookie: cookies.join("; "),
            csrf,
        }
    }

    pub fn on(&self, port: u16) -> Session {
        Session {
            port,
            ..self.clone()
        }
    }

    pub fn call(&self, method: &str, path: &str, body: Option<&Value>) -> std::io::Result<Resp> {
        http(
            self.port,
            method,
            path,
            &[("Cookie", &self.cookie), ("X-CSRF-Token", &self.csrf)],
            body,
        )
    }
}
