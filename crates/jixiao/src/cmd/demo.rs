//! `jixiao demo generate --units N --years Y`: a data set at scale for benchmarks and drills,
//! made from variations of the seed form through the same storage calls the server makes (no
//! SQL of its own). One region (`--region-code`, `--region-name`) with N units of several kinds
//! (乡镇, 学校, 卫生院, 局), each with a form for each of the last Y budget years: amounts scaled
//! per unit (a skewed spread, as real budgets are), core-business indicators drawn per unit from
//! a pool of names with targets spread around the seed's, and statuses as a year goes: past years
//! published or approved, the newest year in every status of the workflow. Deterministic for a
//! given `--seed`. Units whose code exists are skipped, so a run can be resumed.

use std::process::ExitCode;
use std::str::FromStr;

use anyhow::Context;
use jixiao_domain::{Decision, Form, FormStatus};
use jixiao_storage::forms::{NewForm, VersionData, indicator_rows};
use rust_decimal::Decimal;
use serde_json::Value;

use super::db::DbArgs;
use super::export::progress;

/// Arguments of `jixiao demo`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// 生成大规模演示数据：一个区划下 N 个单位、每个单位近 Y 年的申报表（由示例申报表变化而来）
    Generate(GenerateArgs),
}

#[derive(Debug, clap::Args)]
struct GenerateArgs {
    /// 单位数
    #[arg(long)]
    units: u32,
    /// 年度数（截至示例申报表的预算年度，含）
    #[arg(long, default_value_t = 3)]
    years: u32,
    /// 区划代码
    #[arg(long, default_value = "429999")]
    region_code: String,
    /// 区划名称
    #[arg(long, default_value = "演示市")]
    region_name: String,
    /// 上级区划代码（如省、市；不存在时新建，并建其财政审核人 reviewer_代码）
    #[arg(long)]
    parent_code: Option<String>,
    /// 上级区划名称
    #[arg(long, default_value = "演示省")]
    parent_name: String,
    /// 随机种子（同一种子生成同样的数据）
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    #[command(flatten)]
    db: DbArgs,
}

/// Runs the command.
pub fn run(args: Args) -> ExitCode {
    match args.command {
        Command::Generate(g) => super::block_on(generate(g)),
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const KINDS: [(&str, &str); 4] = [
    ("镇人民政府", "乡镇"),
    ("中学", "学校"),
    ("卫生院", "卫生院"),
    ("局", "局"),
];

const CORE_NAMES: [&str; 24] = [
    "服务城市项目数",
    "招商引进项目数",
    "农业产业项目数",
    "全年工作任务数",
    "培训人次",
    "义诊服务人次",
    "新建校舍面积",
    "在校学生数",
    "家庭医生签约率",
    "疫苗接种率",
    "道路维修里程",
    "农田水利工程数",
    "困难群众救助人数",
    "文化活动场次",
    "执法检查次数",
    "安全生产检查覆盖率",
    "政务服务事项办结率",
    "污水处理率",
    "植树造林面积",
    "就业培训人数",
    "慢性病规范管理率",
    "学生资助人数",
    "河湖巡查次数",
    "信访事项按期办结率",
];

/// Multiplies the amounts of funding and projects by `k`: shares and sums stay exact.
fn scale_money(form: &mut Value, k: Decimal) {
    let scale = |v: &mut Value| {
        if let Some(d) = v.as_str().and_then(|s| Decimal::from_str(s).ok()) {
            *v = Value::String((d * k).normalize().to_string());
        }
    };
    for side in ["income", "expenditure"] {
        let part = &mut form["funding"][side];
        if let Some(rows) = part["rows"].as_array_mut() {
            for row in rows {
                for col in ["current", "last_year", "year_before"] {
                    scale(&mut row[col]);
                }
            }
        }
        for col in ["current", "last_year", "year_before"] {
            scale(&mut part["total"][col]);
        }
    }
    if let Some(projects) = form["projects"].as_array_mut() {
        for p in projects {
            scale(&mut p["total_budget"]);
            scale(&mut p["current_budget"]);
        }
    }
}

/// The seed made one unit's form of one year.
fn variant(seed: &Value, rng: &mut Rng, unit: &str, year: i64, k: Decimal) -> anyhow::Result<Form> {
    let mut f = seed.clone();
    f["header"]["unit_name"] = Value::String(unit.to_string());
    f["header"]["fiscal_year"] = Value::from(year);
    f["header"]["fill_date"] = Value::String(format!("{}-11-{:02}", year - 1, 1 + rng.below(28)));
    f["funding"]["last_year"] = Value::from(year - 1);
    f["funding"]["year_before"] = Value::from(year - 2);
    scale_money(&mut f, k);
    let mut names: Vec<&str> = CORE_NAMES.to_vec();
    for table in ["annual", "long_term"] {
        let Some(rows) = f["indicators"][table]["rows"].as_array_mut() else {
            continue;
        };
        for row in rows.iter_mut() {
            if row["level1"] == "履职效能" && !names.is_empty() {
                let pick = names.remove(rng.below(names.len() as u64) as usize);
                row["name"] = Value::String(pick.to_string());
            }
            let target = &mut row["target"];
            if target["kind"] == "quantity"
                && let Some(n) = target["number"]
                    .as_str()
                    .and_then(|s| Decimal::from_str(s).ok())
                && n > Decimal::ONE
                && target["unit"] != "%"
            {
                let spread = Decimal::from(rng.below(5) as i64);
                target["number"] = Value::String((n + spread).normalize().to_string());
            }
        }
    }
    serde_json::from_value(f).context("生成的申报表无法读取")
}

/// The status of a generated form: older years published (some approved), the newest year in
/// every status.
fn status_for(rng: &mut Rng, newest: bool) -> FormStatus {
    if !newest {
        return if rng.below(10) < 8 {
            FormStatus::Published
        } else {
            FormStatus::Approved
        };
    }
    match rng.below(20) {
        0..=3 => FormStatus::Draft,
        4 => FormStatus::AwaitingSignOff,
        5..=9 => FormStatus::Submitted,
        10..=11 => FormStatus::Returned,
        12..=15 => FormStatus::Approved,
        _ => FormStatus::Published,
    }
}

async fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    if args.units == 0 || args.years == 0 || args.years > 10 {
        anyhow::bail!("单位数至少为 1，年度数应在 1–10 之间");
    }
    let db = args.db.connect().await?;
    db.migrate().await.context("数据库迁移失败")?;
    let registry = super::template::registry()?;
    let seed: Value = serde_json::from_str(jixiao_server::demo::SEED_FORM_JSON)?;
    let newest = seed["header"]["fiscal_year"].as_i64().unwrap_or(2026);
    let region = match db
        .regions()
        .await?
        .into_iter()
        .find(|r| r.code == args.region_code)
    {
        Some(r) => r,
        None => {
            let mut tx = db.begin_write().await?;
            let r = tx
                .create_region(&args.region_code, &args.region_name)
                .await?;
            tx.audit(None, None, "region.create", "生成演示数据：新建区划")
                .await?;
            tx.commit().await?;
            r
        }
    };
    if let Some(parent_code) = &args.parent_code {
        let parent = match db
            .regions()
            .await?
            .into_iter()
            .find(|r| &r.code == parent_code)
        {
            Some(p) => p,
            None => {
                let mut tx = db.begin_write().await?;
                let p = tx.create_region(parent_code, &args.parent_name).await?;
                tx.audit(None, None, "region.create", "生成演示数据：新建上级区划")
                    .await?;
                tx.commit().await?;
                p
            }
        };
        if parent.id == region.id {
            anyhow::bail!("上级区划不能是区划本身");
        }
        let mut tx = db.begin_write().await?;
        tx.set_region_parent(region.id, Some(parent.id)).await?;
        tx.commit().await?;
        region_reviewer(&db, &parent).await?;
    }
    let (reviewer_name, reviewer) = region_reviewer(&db, &region).await?;
    let mut rng = Rng(args.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let bar = progress(args.units as usize);
    let started = std::time::Instant::now();
    let (mut made_units, mut made_forms) = (0u32, 0u32);
    for n in 0..args.units {
        let (suffix, _) = KINDS[(n % KINDS.len() as u32) as usize];
        let code = format!("{}{:06}", args.region_code, n + 1);
        let name = format!("{}第{}{suffix}", region.name, n + 1);
        bar.set_message(name.clone());
        if db.unit_by_code_or_name(&code).await?.is_some() {
            bar.inc(1);
            continue;
        }
        // A skewed spread of budgets: most units small, a few large (×1 … ×40).
        let k = Decimal::from(1 + rng.below(4) * rng.below(4) * (1 + rng.below(3)) + rng.below(2));
        let mut tx = db.begin_write().await?;
        let unit = tx.create_unit(region.id, &code, &name).await?;
        for y in 0..args.years {
            let year = newest - i64::from(args.years - 1 - y);
            let form = variant(&seed, &mut rng, &name, year, k)?;
            let template = registry
                .for_form(&form)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let findings = jixiao_domain::validate(&form, template);
            let (errors, warnings, _) = jixiao_domain::validate::counts(&findings);
            let data = VersionData::new(&form, errors as i64, warnings as i64)?;
            let id = tx
                .create_form(
                    &NewForm {
                        region_id: region.id,
                        unit_id: unit.id,
                        fiscal_year: year,
                        template_id: &form.template.id,
                        created_by: reviewer.id,
                    },
                    &data,
                )
                .await?;
            let status = status_for(&mut rng, year == newest);
            if status != FormStatus::Draft {
                tx.store_indicators(id, 1, &indicator_rows(&form)).await?;
                tx.mark_submitted(id).await?;
                if status != FormStatus::AwaitingSignOff {
                    tx.set_status(id, FormStatus::Submitted, None).await?;
                }
                let approved = status.is_approved().then_some(1);
                tx.set_status(id, status, approved).await?;
                if status == FormStatus::Returned {
                    tx.insert_review(id, 1, reviewer.id, Decision::Return, "请补充数量指标", "{}")
                        .await?;
                }
                if status == FormStatus::Published {
                    tx.record_publication(id, 1, Some(reviewer.id)).await?;
                }
            }
            made_forms += 1;
        }
        tx.commit().await?;
        made_units += 1;
        bar.inc(1);
    }
    bar.finish_and_clear();
    eprintln!(
        "已在区划「{}」（{}）生成 {made_units} 个单位、{made_forms} 份申报表（{} 个年度），用时 {:.1} 秒；该区划的财政审核人为 {reviewer_name}（演示密码）",
        region.name,
        region.code,
        args.years,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The finance reviewer `reviewer_<region code>` of a region, made when missing: the generated
/// forms' reviews are hers, and benchmarks log in as her (the demo password).
async fn region_reviewer(
    db: &jixiao_storage::Db,
    region: &jixiao_storage::Region,
) -> anyhow::Result<(String, jixiao_storage::User)> {
    let name = format!("reviewer_{}", region.code);
    if let Some((u, _)) = db.user_for_login(&name).await? {
        return Ok((name, u));
    }
    let hash = jixiao_server::auth::hash_password(jixiao_server::demo::DEMO_PASSWORD)
        .map_err(|e| anyhow::anyhow!(e.message))?;
    let mut tx = db.begin_write().await?;
    let u = tx
        .create_user(&jixiao_storage::users::NewUser {
            username: &name,
            display_name: "演示审核人",
            office: &format!("{}财政局绩效科", region.name),
            password_hash: &hash,
            role: jixiao_storage::Role::Reviewer,
            region_id: Some(region.id),
            unit_id: None,
            must_change_password: false,
        })
        .await?;
    tx.commit().await?;
    Ok((name, u))
}
