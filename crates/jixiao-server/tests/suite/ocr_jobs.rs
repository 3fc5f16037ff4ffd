//! Scans uploaded through the web are read by OCR in the background, on SQLite and PostgreSQL.
//! The importer is replaced by one that behaves as OCR does (a scan is refused without OCR,
//! read page by page with it) but takes milliseconds and holds a job until the test lets it
//! go; the real OCR path is tested in jixiao-formats (`import_pdf_scans`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use jixiao_server::{ImportFailure, ImportHook};
use serde_json::Value;

use crate::common::{self, Answer, Client, Kind, TestApp, send};
use crate::page_helpers::{html, location};

/// Whether this machine can read scans; CI installs Tesseract, so there it must.
fn ocr_here() -> bool {
    let ok = jixiao_server::service::ocr::available();
    if !ok {
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true" || v == "1"),
            "Tesseract with chi_sim and pdftoppm must be installed in CI"
        );
        eprintln!("SKIP: Tesseract or pdftoppm missing");
    }
    ok
}

/// A reader that treats `%PDF-` files as scans of the demo form: refused without OCR; with
/// it, two pages reported, held while `hold` is set and the name has `slow`, failed when the
/// name has `broken`.
fn scan_reader(inner: ImportHook, hold: Arc<AtomicBool>) -> ImportHook {
    Arc::new(move |name: &str, bytes: &[u8], ocr| {
        if !bytes.starts_with(b"%PDF-") {
            return inner(name, bytes, ocr);
        }
        let Some(progress) = ocr else {
            return Err(ImportFailure {
                message: "没有文字层".into(),
                scan: true,
            });
        };
        (progress.0)(1, 2);
        let until = Instant::now() + Duration::from_secs(30);
        while name.contains("slow") && hold.load(Ordering::SeqCst) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(5));
        }
        (progress.0)(2, 2);
        if name.contains("broken") {
            return Err("扫描件第 2 页无法识别".to_string().into());
        }
        inner(
            "seed.form.json",
            jixiao_server::demo::SEED_FORM_JSON.as_bytes(),
            None,
        )
    })
}

fn multipart(
    c: &Client,
    path: &str,
    name: &str,
    content: &[u8],
    csrf_field: bool,
) -> Request<Body> {
    let boundary = "jixiaoOCRBOUNDARY";
    let mut body = Vec::new();
    if csrf_field {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n",
                c.csrf
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    Request::post(path)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(
            header::COOKIE,
            format!("jixiao_session={}; jixiao_csrf={}", c.session, c.csrf),
        )
        .header("x-csrf-token", &c.csrf)
        .body(Body::from(body))
        .unwrap()
}

async fn upload_api(c: &Client, name: &str) -> Answer {
    send(
        &c.app,
        multipart(c, "/api/import/ocr", name, b"%PDF-1.4 scan", false),
    )
    .await
}

/// Polls a job until it has ended.
async fn ended(c: &Client, id: i64) -> Value {
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let a = c.get(&format!("/api/import/ocr/{id}")).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        if matches!(a.body["status"].as_str(), Some("done" | "failed")) {
            return a.body;
        }
        assert!(Instant::now() < until, "job {id} did not end: {}", a.body);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn scans_in_the_background(kind: Kind) {
    if !ocr_here() {
        return;
    }
    let hold = Arc::new(AtomicBool::new(true));
    let h = hold.clone();
    let Some(t) = TestApp::with(kind, move |mut s| {
        s.import = scan_reader(s.import.clone(), h);
        s
    })
    .await
    else {
        return;
    };
    let c = t.login("xingguo_filler").await;

    // A scan through the plain import is refused, saying where to send it.
    let plain = send(
        &c.app,
        multipart(&c, "/api/import", "scan.pdf", b"%PDF-1.4 scan", false),
    )
    .await;
    assert_eq!(plain.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(plain.body["error"], "scan_needs_ocr");
    assert!(
        plain.body["message"]
            .as_str()
            .unwrap()
            .contains("/api/import/ocr")
    );

    // Queued, then read in the background with its pages counted; the owner sees the form.
    let slow = upload_api(&c, "slow-scan.pdf").await;
    assert_eq!(slow.status, StatusCode::ACCEPTED, "{}", slow.body);
    let id = slow.body["id"].as_i64().unwrap();
    assert!(matches!(
        slow.body["status"].as_str(),
        Some("queued" | "running")
    ));
    assert!(slow.body.get("form").is_none());
    // While held, the job is running on page 1 of 2.
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let a = c.get(&format!("/api/import/ocr/{id}")).await.body;
        if a["status"] == "running" && a["pages_total"] == 2 {
            assert_eq!(a["pages_done"], 0);
            assert_eq!(a["status_label"], "正在识别");
            break;
        }
        assert!(Instant::now() < until, "{a}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Two more wait behind it; a fourth is one too many.
    let second = upload_api(&c, "slow-second.pdf").await;
    let broken = upload_api(&c, "broken.pdf").await;
    assert_eq!(second.status, StatusCode::ACCEPTED);
    assert_eq!(broken.status, StatusCode::ACCEPTED);
    assert_eq!(second.body["status"], "queued");
    let fourth = upload_api(&c, "fourth.pdf").await;
    assert_eq!(
        fourth.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        fourth.body
    );
    assert!(
        fourth.body["message"]
            .as_str()
            .unwrap()
            .contains("3 个扫描件")
    );

    // Someone else cannot see it, nor can a page of another user.
    let other = t.login("jiaoyu_filler").await;
    assert_eq!(
        other.get(&format!("/api/import/ocr/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    hold.store(false, Ordering::SeqCst);
    let done = ended(&c, id).await;
    assert_eq!(done["status"], "done", "{done}");
    assert_eq!(
        (done["pages_done"].as_i64(), done["pages_total"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(done["form"]["header"]["unit_name"], "阳新县兴国镇人民政府");
    assert!(done["findings"].is_array());
    assert!(done["report"]["items"].is_array());
    let failed = ended(&c, broken.body["id"].as_i64().unwrap()).await;
    assert_eq!(failed["status"], "failed");
    assert_eq!(failed["error"], "扫描件第 2 页无法识别");
    assert!(failed.get("form").is_none());
    assert_eq!(
        ended(&c, second.body["id"].as_i64().unwrap()).await["status"],
        "done"
    );

    // Not a PDF: nothing to read by OCR. Not multipart: 400.
    let text = send(
        &c.app,
        multipart(&c, "/api/import/ocr", "a.txt", "部门".as_bytes(), false),
    )
    .await;
    assert_eq!(text.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text.body["message"]
            .as_str()
            .unwrap()
            .contains("只有 PDF 扫描件")
    );
    assert_eq!(
        c.post("/api/import/ocr", &serde_json::json!({}))
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        c.get("/api/import/ocr/abc").await.status,
        StatusCode::BAD_REQUEST
    );

    // The page: a scan uploaded on the start page goes to its job, which shows the progress
    // and reloads itself, then the import report to confirm.
    hold.store(true, Ordering::SeqCst);
    let posted = send(
        &c.app,
        multipart(&c, "/forms/import", "slow-page.pdf", b"%PDF-1.7 x", true),
    )
    .await;
    assert_eq!(posted.status, StatusCode::SEE_OTHER, "{}", html(&posted));
    let job_page = location(&posted);
    assert!(job_page.starts_with("/forms/import/ocr/"), "{job_page}");
    let waiting = html(&c.get(&job_page).await);
    assert!(
        waiting.contains("正在识别扫描件：slow-page.pdf"),
        "{waiting}"
    );
    assert!(waiting.contains("http-equiv=\"refresh\""));
    assert!(waiting.contains("<progress"));
    hold.store(false, Ordering::SeqCst);
    let id: i64 = job_page.rsplit('/').next().unwrap().parse().unwrap();
    ended(&c, id).await;
    let preview = html(&c.get(&job_page).await);
    assert!(preview.contains("导入结果：slow-page.pdf"), "{preview}");
    // 兴国镇 has its form of that year in the demo: the preview says so, as for any upload.
    assert!(preview.contains("id=\"import-clash\""), "{preview}");
    assert!(!preview.contains("http-equiv=\"refresh\""));
    // Another user's job page is the 404 page.
    assert_eq!(other.get(&job_page).await.status, StatusCode::NOT_FOUND);

    // Every upload queued and every end is on the audit log.
    let count = |like: &'static str| {
        let db = t.state.db.clone();
        async move {
            let (n,): (i64,) = jixiao_storage::sqlx::query_as(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND detail LIKE $1",
            )
            .bind(like)
            .fetch_one(db.pool())
            .await
            .unwrap();
            n
        }
    };
    assert_eq!(count("%排队文字识别%").await, 4);
    assert_eq!(count("文字识别任务%识别完成").await, 3);
    assert_eq!(count("文字识别任务%识别失败%").await, 1);
    t.cleanup().await;
}
on_both!(scans_in_the_background);
