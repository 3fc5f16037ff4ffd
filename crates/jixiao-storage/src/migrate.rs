//! The migrations, embedded in the binary: one directory per SQL dialect, the same versions in
//! both. Append-only: a new change is a new file in both directories.

use std::borrow::Cow;

use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::Backend;

/// (version, description, SQLite text, PostgreSQL text).
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../migrations/sqlite/0001_init.sql"),
        include_str!("../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "everyday",
        include_str!("../migrations/sqlite/0002_everyday.sql"),
        include_str!("../migrations/postgres/0002_everyday.sql"),
    ),
    (
        3,
        "lifecycle",
        include_str!("../migrations/sqlite/0003_lifecycle.sql"),
        include_str!("../migrations/postgres/0003_lifecycle.sql"),
    ),
    (
        4,
        "security",
        include_str!("../migrations/sqlite/0004_security.sql"),
        include_str!("../migrations/postgres/0004_security.sql"),
    ),
    (
        5,
        "publications",
        include_str!("../migrations/sqlite/0005_publications.sql"),
        include_str!("../migrations/postgres/0005_publications.sql"),
    ),
    (
        6,
        "declaration_rounds",
        include_str!("../migrations/sqlite/0006_declaration_rounds.sql"),
        include_str!("../migrations/postgres/0006_declaration_rounds.sql"),
    ),
    (
        7,
        "departments",
        include_str!("../migrations/sqlite/0007_departments.sql"),
        include_str!("../migrations/postgres/0007_departments.sql"),
    ),
    (
        8,
        "library",
        include_str!("../migrations/sqlite/0008_library.sql"),
        include_str!("../migrations/postgres/0008_library.sql"),
    ),
    (
        9,
        "library_curations",
        include_str!("../migrations/sqlite/0009_library_curations.sql"),
        include_str!("../migrations/postgres/0009_library_curations.sql"),
    ),
    (
        10,
        "unit_types",
        include_str!("../migrations/sqlite/0010_unit_types.sql"),
        include_str!("../migrations/postgres/0010_unit_types.sql"),
    ),
    (
        11,
        "region_tree",
        include_str!("../migrations/sqlite/0011_region_tree.sql"),
        include_str!("../migrations/postgres/0011_region_tree.sql"),
    ),
    (
        12,
        "ocr_jobs",
        include_str!("../migrations/sqlite/0012_ocr_jobs.sql"),
        include_str!("../migrations/postgres/0012_ocr_jobs.sql"),
    ),
];

/// The latest migration this program knows.
pub(crate) fn latest_version() -> i64 {
    MIGRATIONS.iter().map(|m| m.0).max().unwrap_or(0)
}

/// The migrator of a backend.
pub(crate) fn migrator(backend: Backend) -> Migrator {
    let migrations = MIGRATIONS
        .iter()
        .map(|(version, description, sqlite, postgres)| {
            let sql = match backend {
                Backend::Sqlite => *sqlite,
                Backend::Postgres => *postgres,
            };
            Migration::new(
                *version,
                Cow::Borrowed(*description),
                MigrationType::Simple,
                Cow::Borrowed(sql),
                false,
            )
        })
        .collect::<Vec<_>>();
    Migrator {
        migrations: Cow::Owned(migrations),
        ignore_missing: false,
        locking: true,
        no_tx: false,
    }
}
