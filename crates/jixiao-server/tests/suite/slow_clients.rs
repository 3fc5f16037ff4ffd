//! Slow and broken clients against the real server loop (`jixiao_server::serve`) on a TCP port:
//! headers sent too slowly, a body sent one byte at a time, hundreds of idle connections and
//! uploads broken off halfway. The server keeps answering others, cuts the slow ones off within
//! its limits, and frees what they held (the connection slots come back).

use crate::common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Kind, TestApp};
use jixiao_server::ServerConfig;
use jixiao_server::serve::{ConnLimits, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn start(
    limits: ConnLimits,
    request_timeout_ms: u64,
) -> (
    TestApp,
    std::net::SocketAddr,
    tokio::sync::oneshot::Sender<()>,
) {
    let t = TestApp::with(Kind::Sqlite, move |mut s| {
        s.config = Arc::new(ServerConfig {
            request_timeout_ms,
            ..ServerConfig::default()
        });
        s
    })
    .await
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = jixiao_server::app(t.state.clone());
    tokio::spawn(serve(listener, app, limits, async {
        let _ = stopped.await;
    }));
    (t, addr, stop)
}

/// One whole request; the status line of the answer.
async fn health(addr: std::net::SocketAddr) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut buf))
        .await
        .expect("answered within 5 s")
        .unwrap();
    String::from_utf8_lossy(&buf)
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

/// Reads until the server closes the connection (or `limit` passes); what it sent.
async fn until_closed(s: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut buf = Vec::new();
    match tokio::time::timeout(limit, s.read_to_end(&mut buf)).await {
        Ok(_) => Some(String::from_utf8_lossy(&buf).to_string()),
        Err(_) => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_clients_are_cut_off_and_others_served() {
    let limits = ConnLimits {
        header_read: Duration::from_secs(1),
        max_connections: 400,
        grace: Duration::from_secs(2),
    };
    let (t, addr, stop) = start(limits, 1_500).await;
    assert!(health(addr).await.contains("200"), "served");

    // 300 idle connections and one that sends its headers a byte at a time.
    let mut idle = Vec::new();
    for _ in 0..300 {
        idle.push(TcpStream::connect(addr).await.unwrap());
    }
    let mut slow_head = TcpStream::connect(addr).await.unwrap();
    slow_head
        .write_all(b"GET /healthz HTTP/1.1\r\nHo")
        .await
        .unwrap();
    // A body announced as 100 bytes, sent one byte every 200 ms.
    let mut slow_body = TcpStream::connect(addr).await.unwrap();
    slow_body
        .write_all(b"POST /api/login HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
        .await
        .unwrap();
    let dribble = tokio::spawn(async move {
        let start = Instant::now();
        for _ in 0..30 {
            tokio::time::sleep(Duration::from_millis(200)).await;
            if slow_body.write_all(b" ").await.is_err() {
                break;
            }
        }
        let answer = until_closed(&mut slow_body, Duration::from_secs(5)).await;
        (answer, start.elapsed())
    });

    // Others are served meanwhile, promptly.
    let t0 = Instant::now();
    assert!(health(addr).await.contains("200"));
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());

    // The slow header is cut off after about the header time.
    let t0 = Instant::now();
    let got = until_closed(&mut slow_head, Duration::from_secs(5)).await;
    assert!(got.is_some(), "the slow header's connection was closed");
    assert!(t0.elapsed() < Duration::from_secs(4), "{:?}", t0.elapsed());

    // The slow body gets 408 with a Chinese message after the request time.
    let (answer, took) = dribble.await.unwrap();
    let answer = answer.expect("the slow body's connection was closed");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("规定时间"), "{answer}");
    assert!(took < Duration::from_secs(6), "{took:?}");

    // The idle connections are closed too, and the server still answers.
    let mut closed = 0;
    for s in &mut idle {
        if until_closed(s, Duration::from_secs(3)).await.is_some() {
            closed += 1;
        }
    }
    assert_eq!(closed, 300, "idle connections closed after the header time");
    assert!(health(addr).await.contains("200"));
    let _ = stop.send(());
    t.cleanup().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_broken_off_give_their_slot_back() {
    let limits = ConnLimits {
        header_read: Duration::from_secs(5),
        max_connections: 3,
        grace: Duration::from_secs(2),
    };
    let (t, addr, stop) = start(limits, 10_000).await;
    // Three uploads take every slot, then break off halfway.
    let mut uploads = Vec::new();
    for _ in 0..3 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(
            b"POST /api/import HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=x\r\nContent-Length: 1000000\r\n\r\n--x\r\n",
        )
        .await
        .unwrap();
        s.write_all(&[b'a'; 4096]).await.unwrap();
        uploads.push(s);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    drop(uploads);
    // Their slots come back: a new client is served.
    let t0 = Instant::now();
    assert!(health(addr).await.contains("200"));
    assert!(t0.elapsed() < Duration::from_secs(3), "{:?}", t0.elapsed());
    let _ = stop.send(());
    t.cleanup().await;
}
