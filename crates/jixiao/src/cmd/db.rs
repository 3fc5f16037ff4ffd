//! Database options shared by `serve`, `migrate`, `user` and `backup`.

use std::path::PathBuf;
use std::str::FromStr;

use anyhow::Context;
use jixiao_storage::{ConnectOptions, Db};

/// A secret string (a database URL with a password): shown as `***` by `Debug`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The secret value.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.to_string()))
    }
}

/// Where the data lives.
#[derive(Debug, Clone, clap::Args)]
pub struct DbArgs {
    /// 数据目录（内置 SQLite 数据库 jixiao.db 所在目录）
    #[arg(
        long,
        global = true,
        env = "JIXIAO_DATA",
        default_value = "./jixiao-data"
    )]
    pub data: PathBuf,
    /// 数据库地址：postgres://用户:密码@主机/库 使用 PostgreSQL；不填则用数据目录中的 SQLite
    #[arg(
        long,
        global = true,
        env = "JIXIAO_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<Secret>,
    /// 数据库连接池大小
    #[arg(
        long,
        global = true,
        env = "JIXIAO_MAX_CONNECTIONS",
        default_value_t = 16
    )]
    pub max_connections: u32,
}

impl DbArgs {
    /// The URL to use: the given one, or the SQLite file in the data directory.
    pub fn url(&self) -> anyhow::Result<String> {
        match &self.database_url {
            Some(u) => Ok(u.expose().to_string()),
            None => {
                std::fs::create_dir_all(&self.data)
                    .with_context(|| format!("无法创建数据目录 {}", self.data.display()))?;
                Ok(Db::sqlite_url(&self.data.join("jixiao.db")))
            }
        }
    }

    /// A description without secrets, for messages.
    pub fn describe(&self) -> String {
        match &self.database_url {
            Some(u) => {
                let url = u.expose();
                let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
                // user[:password]@host[:port]/database?options → user@host[:port]/database
                let (user, place) = match rest.rsplit_once('@') {
                    Some((credentials, place)) => {
                        let user = credentials.split(':').next().unwrap_or("");
                        (format!("{user}@"), place)
                    }
                    None => (String::new(), rest),
                };
                let place = place.split('?').next().unwrap_or("");
                format!("{scheme}://{user}{place}")
            }
            None => format!("SQLite {}", self.data.join("jixiao.db").display()),
        }
    }

    /// Connects (without migrating), for a short command.
    pub async fn connect(&self) -> anyhow::Result<Db> {
        self.connect_with(false).await
    }

    /// Connects; `server` turns on the background WAL checkpoints of a long-running server.
    pub async fn connect_with(&self, server: bool) -> anyhow::Result<Db> {
        let url = self.url()?;
        Db::connect(
            &url,
            &ConnectOptions {
                max_connections: self.max_connections,
                background_checkpoint: server,
                ..ConnectOptions::default()
            },
        )
        .await
        .with_context(|| format!("无法连接数据库（{}）", self.describe()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_hidden_from_debug() {
        let s: Secret = "postgres://u:hunter2@db/x".parse().unwrap();
        assert!(!format!("{s:?}").contains("hunter2"));
        let args = DbArgs {
            data: "d".into(),
            database_url: Some(s),
            max_connections: 1,
        };
        assert!(!format!("{args:?}").contains("hunter2"));
        assert_eq!(args.describe(), "postgres://u@db/x");
    }
}
