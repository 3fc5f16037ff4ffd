//! `jixiao template xlsx ID -o blank.xlsx`: a fillable blank workbook for a template, with
//! drop-down lists, that `jixiao import` reads back.

use std::path::PathBuf;

use anyhow::Context;
use jixiao_domain::Registry;
use jixiao_domain::form::FiscalYear;
use jixiao_formats::xlsx::{BlankOptions, write_blank};

/// Arguments of `jixiao template xlsx`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// 模板 ID，如 hubei-dept-2026
    pub id: String,
    /// 输出的空白工作簿（.xlsx）
    #[arg(long, short = 'o')]
    pub output: PathBuf,
    /// 预算年度（默认：明年）
    #[arg(long)]
    pub year: Option<i64>,
    /// 每个二级指标下的空白三级指标行数
    #[arg(long, default_value_t = 3)]
    pub rows: usize,
}

/// This calendar year (UTC), from the system clock.
fn this_year() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = (secs / 86_400) as i64;
    // Civil-from-days (Howard Hinnant's algorithm), year only.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let year = yoe + era * 400;
    if mp >= 10 { year + 1 } else { year }
}

/// Writes the blank workbook of a template from the registry.
pub fn write(registry: &Registry, args: &Args) -> anyhow::Result<()> {
    let template = registry.get(&args.id, None)?;
    let year = FiscalYear::new(args.year.unwrap_or_else(|| this_year() + 1))
        .map_err(anyhow::Error::msg)?;
    let options = BlankOptions {
        rows_per_node: args.rows,
        ..BlankOptions::for_year(year)
    };
    let bytes = write_blank(template, &options)?;
    std::fs::write(&args.output, bytes)
        .with_context(|| format!("无法写入 {}", args.output.display()))?;
    eprintln!(
        "已生成 {} 年「{}」空白工作簿：{}",
        year,
        template.title,
        args.output.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn this_year_is_plausible() {
        let y = super::this_year();
        assert!((2024..2200).contains(&y), "{y}");
    }
}
