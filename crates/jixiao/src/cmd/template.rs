//! `jixiao template list` / `show ID` / `xlsx ID`, and the one place every subcommand gets its
//! template registry from: the built-in templates plus those in `--template-dir` /
//! `JIXIAO_TEMPLATE_DIR`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::OnceLock;

use jixiao_domain::template::{Registry, Template};

/// The largest template file jixiao reads.
const MAX_TEMPLATE_BYTES: u64 = 4 * 1024 * 1024;

/// Where extra templates come from: a global option of the binary, so every subcommand that
/// resolves templates honours it the same way.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Source {
    /// 额外模板所在目录（其中每个 .json 文件是一个模板；校验、导入、导出、汇总、模板和网页服务都会使用）
    #[arg(long, global = true, env = "JIXIAO_TEMPLATE_DIR", value_name = "DIR")]
    pub template_dir: Option<PathBuf>,
}

/// The template source of this process, set once by `main` from the parsed command line. A
/// process-wide setting rather than a parameter of every subcommand, so a subcommand obtains
/// its registry with one call ([`registry`]) and cannot forget the directory.
static SOURCE: OnceLock<Source> = OnceLock::new();

/// Records where extra templates come from; called once by `main` before any subcommand runs.
pub fn set_source(source: Source) {
    // A second call (never made by `main`) keeps the first setting.
    let _ = SOURCE.set(source);
}

/// Arguments of `jixiao template`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// 列出可用模板（内置模板和 JIXIAO_TEMPLATE_DIR 中的模板）
    List,
    /// 以 JSON 显示一个模板（可另存为文件修改后用 --template-file 加载）
    Show {
        /// 模板 id，如 hubei-dept-2026
        id: String,
        /// 版本（默认最新）
        #[arg(long)]
        version: Option<u32>,
    },
    /// 生成模板的空白工作簿（含下拉列表），供单位离线填写后导入
    Xlsx(super::blank::Args),
}

/// Reads one template file.
pub fn load_template_file(path: &Path) -> anyhow::Result<Template> {
    let text = super::validate::read_text(path, MAX_TEMPLATE_BYTES)?;
    Template::from_json(&text).map_err(|e| anyhow::anyhow!("模板文件 {} 有误：{e}", path.display()))
}

/// The built-in templates plus every `*.json` in the template directory, if one is given.
pub fn registry() -> anyhow::Result<Registry> {
    let mut reg = Registry::default();
    if let Some(dir) = SOURCE.get().and_then(|s| s.template_dir.as_ref()) {
        let entries = std::fs::read_dir(dir).map_err(|e| super::validate::io_error(dir, &e))?;
        let mut paths: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json") && p.is_file())
            .collect();
        paths.sort();
        for p in paths {
            reg.add(load_template_file(&p)?);
        }
    }
    Ok(reg)
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    match execute(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::from(2)
        }
    }
}

fn execute(args: Args) -> anyhow::Result<()> {
    let reg = registry()?;
    match args.command {
        Command::List => {
            for t in reg.all() {
                println!("{}\t第 {} 版\t{}", t.id, t.version, t.title);
                println!("\t{}", t.description);
            }
        }
        Command::Show { id, version } => {
            let t = reg.get(&id, version)?;
            println!("{}", serde_json::to_string_pretty(t)?);
        }
        Command::Xlsx(blank) => super::blank::write(&reg, &blank)?,
    }
    Ok(())
}
