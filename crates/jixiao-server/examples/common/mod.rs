//! What the load examples share (`mod common;` in each): latency percentiles, the seed form
//! made into one form per fiscal year, and a keep-alive HTTP client with a session.

#![allow(dead_code)] // each example uses part of it

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// The `p` quantile (0–1) of sorted latencies, in milliseconds; 0 for none.
pub fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

/// The `i`-th command-line argument, or `default` when it is missing or does not parse.
pub fn arg<T: std::str::FromStr>(args: &[String], i: usize, default: T) -> T {
    args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default)
}

/// The first argument, the server's port; exits with the usage line when it is missing.
pub fn port_arg(args: &[String], usage: &str) -> u16 {
    args.get(1).and_then(|a| a.parse().ok()).unwrap_or_else(|| {
        eprintln!("usage: {usage}");
        std::process::exit(2)
    })
}

/// The demo's seed form as JSON.
pub fn seed_form() -> Value {
    serde_json::from_str(jixiao_server::demo::SEED_FORM_JSON).expect("the seed form is JSON")
}

/// The seed form for another fiscal year (its funding's year columns follow), so that one unit
/// can hold many forms: one per load-test client.
pub fn form_for_year(seed: &Value, year: i64) -> Value {
    let mut f = seed.clone();
    f["header"]["fiscal_year"] = json!(year);
    f["funding"]["last_year"] = json!(year - 1);
    f["funding"]["year_before"] = json!(year - 2);
    f
}

/// One keep-alive HTTP/1.1 connection with a session (cookie and CSRF token); reconnects after
/// an error. Reads `Content-Length` and chunked bodies. Like a browser it accepts gzip (bodies
/// are kept as they arrive, not decoded).
pub struct Client {
    port: u16,
    stream: Option<BufReader<TcpStream>>,
    cookie: String,
    csrf: String,
    /// Time from the request's last byte sent to its status line, for the last call.
    pub first_byte: Duration,
}

impl Client {
    pub fn new(port: u16) -> Client {
        Client {
            port,
            stream: None,
            cookie: String::new(),
            csrf: String::new(),
            first_byte: Duration::ZERO,
        }
    }

    /// One request; `Err` for a broken or refused connection (the connection is dropped).
    pub async fn call(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> std::io::Result<(u16, Vec<String>, Vec<u8>)> {
        let r = self.try_call(method, path, body).await;
        if r.is_err() {
            self.stream = None;
        }
        r
    }

    async fn try_call(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> std::io::Result<(u16, Vec<String>, Vec<u8>)> {
        use std::io::ErrorKind::{InvalidData, UnexpectedEof};
        if self.stream.is_none() {
            let s = TcpStream::connect(("127.0.0.1", self.port)).await?;
            s.set_nodelay(true)?;
            self.stream = Some(BufReader::new(s));
        }
        let stream = self.stream.as_mut().expect("just connected");
        let body = body.unwrap_or(b"");
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {}\r\nX-CSRF-Token: {}\r\n\
             Accept-Encoding: gzip\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
            self.cookie,
            self.csrf,
            body.len()
        );
        stream.get_mut().write_all(head.as_bytes()).await?;
        stream.get_mut().write_all(body).await?;
        let sent = Instant::now();
        let mut line = String::new();
        if stream.read_line(&mut line).await? == 0 {
            return Err(UnexpectedEof.into());
        }
        self.first_byte = sent.elapsed();
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .ok_or(InvalidData)?;
        let (mut len, mut cookies, mut close, mut chunked) = (0usize, Vec::new(), false, false);
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                return Err(UnexpectedEof.into());
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().map_err(|_| InvalidData)?;
                } else if k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked") {
                    chunked = true;
                } else if k.eq_ignore_ascii_case("set-cookie") {
                    cookies.extend(v.trim().split(';').next().map(str::to_string));
                } else if k.eq_ignore_ascii_case("connection") && v.trim() == "close" {
                    close = true;
                }
            }
        }
        let mut buf = Vec::new();
        if chunked {
            loop {
                line.clear();
                if stream.read_line(&mut line).await? == 0 {
                    return Err(UnexpectedEof.into());
                }
                let size = usize::from_str_radix(line.trim_end(), 16).map_err(|_| InvalidData)?;
                let start = buf.len();
                buf.resize(start + size + 2, 0); // the chunk and its CRLF
                stream.read_exact(&mut buf[start..]).await?;
                buf.truncate(start + size);
                if size == 0 {
                    break;
                }
            }
        } else {
            buf.resize(len, 0);
            stream.read_exact(&mut buf).await?;
        }
        if close {
            self.stream = None;
        }
        Ok((status, cookies, buf))
    }

    /// Logs in as `username` with the demo password; panics when refused.
    pub async fn login(&mut self, username: &str) {
        let body = json!({"username": username, "password": jixiao_server::demo::DEMO_PASSWORD});
        let (status, cookies, resp) = self
            .call("POST", "/api/login", Some(body.to_string().as_bytes()))
            .await
            .expect("login: connection");
        assert_eq!(
            status,
            200,
            "login of {username}: {}",
            String::from_utf8_lossy(&resp)
        );
        self.cookie = cookies.join("; ");
        self.csrf = cookies
            .iter()
            .find_map(|c| c.strip_prefix("jixiao_csrf="))
            .expect("csrf cookie")
            .to_string();
    }
}
