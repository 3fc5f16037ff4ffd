//! One module per subcommand.

pub mod audit;
pub mod backup;
pub mod blank;
pub mod db;
pub mod demo;
pub mod export;
pub mod import;
pub mod library;
pub mod lifecycle;
pub mod migrate;
pub mod schema;
pub mod serve;
pub mod summary;
pub mod template;
pub mod user;
pub mod validate;

/// Runs an async command on a multi-threaded runtime; prints an error in Chinese on failure.
pub fn block_on(
    f: impl std::future::Future<Output = anyhow::Result<()>>,
) -> std::process::ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match rt.block_on(f) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
