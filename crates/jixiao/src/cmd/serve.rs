//! `jixiao serve`: the web application.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use jixiao_server::{AppState, ServerConfig};

use super::db::DbArgs;

/// Arguments of `jixiao serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 监听地址（端口 0 表示任选空闲端口）
    #[arg(long, env = "JIXIAO_LISTEN", default_value = "127.0.0.1:8080")]
    listen: String,
    #[command(flatten)]
    db: DbArgs,
    /// 载入演示数据（阳新县的区划、单位、各角色用户和示例申报表），并在启动时显示演示账号
    #[arg(long, env = "JIXIAO_DEMO")]
    demo: bool,
    /// 会话 Cookie 加 Secure 标记（经 HTTPS 访问时开启）
    #[arg(long, env = "JIXIAO_SECURE_COOKIES")]
    secure_cookies: bool,
    /// 会话有效期（小时）
    #[arg(long, env = "JIXIAO_SESSION_HOURS", default_value_t = 12)]
    session_hours: u32,
    /// 每个客户端地址每分钟允许的登录次数（0 表示不限；在反向代理之后请调大或设为 0）
    #[arg(long, env = "JIXIAO_LOGIN_RATE", default_value_t = 30)]
    login_rate: u32,
    /// 每个客户端地址每分钟允许访问公开页面和开放数据的次数（0 表示不限；在反向代理之后请在代理上限流并设为 0）
    #[arg(long, env = "JIXIAO_PUBLIC_RATE", default_value_t = 600)]
    public_rate: u32,
    /// 客户端须在多少秒内发完请求头（空闲连接也在此后关闭）
    #[arg(long, env = "JIXIAO_HEADER_TIMEOUT", default_value_t = 30)]
    header_timeout: u32,
    /// 一个请求从请求头到答复（含上传）最长多少秒，超时答复 408
    #[arg(long, env = "JIXIAO_REQUEST_TIMEOUT", default_value_t = 120)]
    request_timeout: u32,
    /// 同时服务的最多客户端连接数（更多的客户端在监听队列中等待）
    #[arg(long, env = "JIXIAO_MAX_CLIENTS", default_value_t = 10_000)]
    max_clients: usize,
    /// 监控令牌：设置后 GET /metrics 以 Prometheus 格式提供请求数、耗时、保存次数和连接池用量，须带 Authorization: Bearer 令牌；不设置则不提供
    #[arg(long, env = "JIXIAO_METRICS_TOKEN", hide_env_values = true)]
    metrics_token: Option<String>,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    super::block_on(async move {
        // The templates of `--template-dir` serve the pages, the API and the format hooks alike;
        // read first, so a bad template stops the start before the database is touched.
        let templates = Arc::new(super::template::registry()?);
        let db = args.db.connect_with(true).await?;
        db.migrate().await.context("数据库迁移失败")?;
        let config = ServerConfig {
            secure_cookies: args.secure_cookies,
            session_ttl_ms: i64::from(args.session_hours.max(1)) * 3600 * 1000,
            login_attempts_per_minute: args.login_rate,
            public_requests_per_minute: args.public_rate,
            request_timeout_ms: u64::from(args.request_timeout.max(1)) * 1000,
            metrics_token: args
                .metrics_token
                .filter(|t| !t.trim().is_empty())
                .map(|t| t.trim().to_string()),
            ..ServerConfig::default()
        };
        // The PDF font and engine get ready in the background, so the first download is as fast
        // as the rest.
        std::thread::spawn(jixiao_pdf::preload);
        let state = AppState::new(db.clone(), config).with_templates(templates);
        if args.demo {
            let accounts = jixiao_server::demo::seed(&state)
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?;
            jixiao_server::demo::seed_lifecycle(&state)
                .await
                .map_err(|e| anyhow::anyhow!(e.message))?;
            println!("演示模式：已载入阳新县演示数据。演示账号（仅供本机试用）：");
            for a in &accounts {
                let unit = a
                    .unit
                    .as_deref()
                    .map(|u| format!("，{u}"))
                    .unwrap_or_default();
                let password = a
                    .password
                    .as_deref()
                    .map_or("（密码已修改，未重置）".to_string(), |p| {
                        format!("密码 {p}")
                    });
                println!(
                    "  {:<18} {password}  （{}{unit}）",
                    a.username,
                    a.role.label()
                );
            }
        }
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .with_context(|| format!("无法监听 {}", args.listen))?;
        let addr = listener.local_addr()?;
        println!(
            "jixiao 已启动：http://{addr}/ （数据库：{}）",
            args.db.describe()
        );
        let purge = db.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(3600));
            loop {
                tick.tick().await;
                if let Err(e) = purge.purge_sessions().await {
                    tracing::warn!(error = %e, "purging expired sessions failed");
                }
            }
        });
        // Slow and idle clients are cut off; at most so many connections at once
        // (jixiao_server::serve, docs/server.md).
        let limits = jixiao_server::serve::ConnLimits {
            header_read: Duration::from_secs(u64::from(args.header_timeout.max(1))),
            max_connections: args.max_clients.max(1),
            ..Default::default()
        };
        // Scans uploaded through the web: this server reads its share, and what another left.
        jixiao_server::service::ocr::spawn_sweeper(state.clone());
        jixiao_server::serve::serve(listener, jixiao_server::app(state), limits, shutdown())
            .await
            .context("服务器异常退出")?;
        db.close().await;
        println!("jixiao 已停止");
        Ok(())
    })
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
