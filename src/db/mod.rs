//! The database: one query code path for SQLite and PostgreSQL.
//!
//! `AnyConnection` is diesel's `MultiConnection`; queries are written once against it. The backend is
//! chosen from the URL scheme by our own pool manager, because `MultiConnection::establish` would
//! silently fall back to SQLite (and create a file named like the URL) when PostgreSQL is down.

pub mod ids;
mod joins;
pub mod once;
pub mod privileges;
pub mod reports;
pub mod schema;
mod text_enum;

#[cfg(test)]
pub(crate) use text_enum::check as text_check;
pub(crate) use text_enum::stored_as_text;
pub use text_enum::UnknownText;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use crate::config::{DatabaseKind, DatabaseSettings};

#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

pub type Pool = r2d2::Pool<ConnectionManager>;
pub type PooledConnection = r2d2::PooledConnection<ConnectionManager>;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// The busy timeout, written once for `SQLITE_PRAGMAS` and `SQLITE_BUSY_TIMEOUT`.
macro_rules! busy_timeout {
    () => {
        "PRAGMA busy_timeout = 5000"
    };
}

/// Per-connection SQLite settings: WAL for concurrent readers; `synchronous = FULL`, so a
/// commit is on disk (the WAL fsynced) before it returns — a click is acknowledged only after
/// its commit, and a power cut must not take it back (NORMAL syncs only at checkpoints);
/// foreign keys enforced; a busy timeout so a writer waits for the lock instead of failing.
/// No connection checkpoints the WAL after its own commits: the click writer's checkpoint
/// thread does (see `tracking::writer`), and it makes the WAL start over from its beginning
/// once it has grown, so the file stays small; `journal_size_limit` cuts it back to 64 MiB
/// if it grew beyond. SQLite still checkpoints when the last connection closes.
const SQLITE_PRAGMAS: &str = concat!(
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; ",
    busy_timeout!(),
    "; ",
    "PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;"
);

/// The busy timeout of every SQLite connection, as set by `SQLITE_PRAGMAS` (for a connection
/// that turns it off for a moment and back on).
pub const SQLITE_BUSY_TIMEOUT: &str = busy_timeout!();

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    #[error("database migration failed: {0}")]
    Migrate(String),
    #[error("the database roles are not as they must be: {0}")]
    Privileges(String),
}

#[derive(Debug)]
pub struct ConnectionManager {
    settings: DatabaseSettings,
}

impl ConnectionManager {
    pub fn new(settings: &DatabaseSettings) -> ConnectionManager {
        ConnectionManager {
            settings: settings.clone(),
        }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = AnyConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<AnyConnection, r2d2::Error> {
        let url = &self.settings.url;
        match self.settings.kind {
            DatabaseKind::Postgres => diesel::PgConnection::establish(url)
                .map(AnyConnection::Postgresql)
                .map_err(r2d2::Error::ConnectionError),
            DatabaseKind::Sqlite => {
                let mut conn = diesel::SqliteConnection::establish(url)
                    .map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(r2d2::Error::QueryError)?;
                Ok(AnyConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut AnyConnection) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut AnyConnection) -> bool {
        false
    }
}

/// The threads that open connections for every pool in the process (r2d2 starts three per pool
/// otherwise). They live as long as the process: pools come and go (every test starts one or
/// two) without threads ending at the same moment as the process, which glibc's `exit` does not
/// survive reliably (a SIGSEGV at exit after all tests passed). A dropped pool leaves its idle
/// reaper behind as a job that finds the pool gone and returns at once, every 30 s.
static POOL_THREADS: std::sync::LazyLock<
    std::sync::Arc<scheduled_thread_pool::ScheduledThreadPool>,
> = std::sync::LazyLock::new(|| {
    std::sync::Arc::new(
        scheduled_thread_pool::ScheduledThreadPool::builder()
            .num_threads(3)
            .thread_name_pattern("db-pool-{}")
            .build(),
    )
});

/// Opens a pool; fails fast (a few seconds) when the database cannot be reached.
pub fn connect(settings: &DatabaseSettings) -> Result<Pool, DbError> {
    if let Some(path) = settings.sqlite_path() {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| DbError::Connect(format!("cannot create {} ({e})", dir.display())))?;
        }
    }
    let manager = ConnectionManager::new(settings);
    // Check the first connection directly so the error says why, not just "timed out".
    manager
        .connect()
        .map_err(|e| DbError::Connect(e.to_string()))?;
    let max_size = match settings.kind {
        DatabaseKind::Sqlite => 8,
        DatabaseKind::Postgres => 20,
    };
    r2d2::Pool::builder()
        .thread_pool(POOL_THREADS.clone())
        .max_size(max_size)
        .min_idle(Some(1))
        .connection_timeout(std::time::Duration::from_secs(5))
        .build(manager)
        .map_err(|e| DbError::Connect(e.to_string()))
}

/// Applies the embedded migrations of the connection's dialect; applying twice is harmless.
/// With nothing pending it changes nothing and needs no more than to read diesel's record of the
/// migrations applied: a role that may not create tables (the portal's own, when another role
/// migrates) can call it too.
pub fn run_migrations(conn: &mut AnyConnection) -> Result<usize, DbError> {
    match conn {
        AnyConnection::Sqlite(c) => run_pending(c, SQLITE_MIGRATIONS),
        AnyConnection::Postgresql(c) => run_postgres_migrations(c),
    }
}

pub(crate) fn run_postgres_migrations(c: &mut diesel::PgConnection) -> Result<usize, DbError> {
    run_pending(c, POSTGRES_MIGRATIONS)
}

/// Applies the migrations of `source` that `c` has not applied yet (see `run_migrations`).
fn run_pending<C>(c: &mut C, source: EmbeddedMigrations) -> Result<usize, DbError>
where
    C: MigrationHarness<C::Backend> + diesel::connection::LoadConnection,
    EmbeddedMigrations: diesel::migration::MigrationSource<C::Backend>,
    for<'a> diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'a, C, AppliedVersion>,
{
    let applied = diesel::sql_query(APPLIED_VERSIONS).load(c);
    if nothing_pending::<C::Backend>(applied, &source) {
        return Ok(0);
    }
    c.run_pending_migrations(source)
        .map(|v| v.len())
        .map_err(|e| DbError::Migrate(e.to_string()))
}

#[derive(QueryableByName)]
struct AppliedVersion {
    #[diesel(sql_type = diesel::sql_types::Text)]
    version: String,
}

/// diesel's record of the migrations applied, read without its harness (which first creates
/// its table, needing the right to create).
const APPLIED_VERSIONS: &str = "SELECT version FROM __diesel_schema_migrations";

/// Whether every embedded migration of `source` is among those `applied`. When the record could
/// not be read, the harness is asked, and says why.
fn nothing_pending<DB: diesel::backend::Backend>(
    applied: QueryResult<Vec<AppliedVersion>>,
    source: &EmbeddedMigrations,
) -> bool
where
    EmbeddedMigrations: diesel::migration::MigrationSource<DB>,
{
    use diesel::migration::MigrationSource;
    let Ok(applied) = applied else {
        return false;
    };
    let applied: std::collections::HashSet<String> =
        applied.into_iter().map(|v| v.version).collect();
    MigrationSource::<DB>::migrations(source).is_ok_and(|embedded| {
        embedded
            .iter()
            .all(|m| applied.contains(&m.name().version().to_string()))
    })
}

/// Migrates the database at start. With `owner` (`PORTAL_MIGRATION_DATABASE_URL`) the owner
/// migrates and grants the portal's role what it needs, and the portal's role is checked to own
/// nothing (`privileges`); without it the portal's own connection migrates, as on SQLite.
pub fn migrate(
    portal: &mut AnyConnection,
    owner: Option<&DatabaseSettings>,
) -> Result<usize, DbError> {
    match (owner, portal) {
        (None, portal) => {
            let applied = run_migrations(portal)?;
            if let AnyConnection::Postgresql(c) = portal {
                privileges::warn_when_owner(c);
            }
            Ok(applied)
        }
        (Some(owner), AnyConnection::Postgresql(portal)) => {
            let mut owner = diesel::PgConnection::establish(&owner.url)
                .map_err(|e| DbError::Connect(format!("PORTAL_MIGRATION_DATABASE_URL: {e}")))?;
            privileges::migrate_as_owner(&mut owner, portal)
        }
        (Some(_), AnyConnection::Sqlite(_)) => Err(DbError::Migrate(
            "PORTAL_MIGRATION_DATABASE_URL is for PostgreSQL; SQLite has no roles".into(),
        )),
    }
}

/// The database cannot be reached (or is locked) at the moment: a request that needs it is
/// answered 503, "try again in a moment", not 500.
#[derive(Debug, thiserror::Error)]
#[error("the database is unavailable")]
pub struct DatabaseUnavailable;

/// Whether a query failed because the database is unavailable rather than because of the query.
pub fn is_unavailable(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        Error::DatabaseError(_, info) => {
            let message = info.message();
            [
                "database is locked",
                "server closed the connection",
                "no connection to the server",
                "terminating connection",
                "connection refused",
                "could not connect",
                "disk I/O error",
                "unable to open database",
            ]
            .iter()
            .any(|m| message.contains(m))
        }
        _ => false,
    }
}

/// `result`, with a unique index's refusal (diesel's `UniqueViolation`) turned into what
/// `instead` says: another request or instance wrote the same row a moment ago, and the caller
/// knows what that means (found, refused, nothing to do). Any other error is passed on.
pub fn on_unique_violation<T, E: From<diesel::result::Error>>(
    result: QueryResult<T>,
    instead: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    match result {
        Err(e) if is_unique_violation(&e) => instead(),
        other => Ok(other?),
    }
}

/// Whether a unique index refused the row (see `on_unique_violation`); for an error that holds
/// diesel's inside one of its own.
pub fn is_unique_violation(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    matches!(
        e,
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Whether an error (of any layer) comes from an unavailable database or pool.
pub fn error_is_unavailable(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause.is::<DatabaseUnavailable>()
            || cause.is::<r2d2::PoolError>()
            || cause
                .downcast_ref::<diesel::result::Error>()
                .is_some_and(is_unavailable)
            || cause.downcast_ref::<diesel::ConnectionError>().is_some()
    })
}

/// Current UTC time as stored in `TIMESTAMP` columns (whole microseconds, the precision both
/// backends keep).
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// Runs `f` in a transaction that may write. On SQLite it begins `IMMEDIATE`: the write lock is
/// taken first (waiting up to the busy timeout), before anything is read. A transaction begun
/// deferred reads first and must then upgrade to a writer, which in WAL mode fails at once with
/// "database is locked" when another writer committed meanwhile — the busy timeout never applies.
/// On PostgreSQL, and nested inside another transaction, it is `Connection::transaction`.
pub fn write_transaction<T, E, F>(conn: &mut AnyConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut AnyConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let began = match conn {
        AnyConnection::Sqlite(inner) => {
            let depth = AnsiTransactionManager::transaction_manager_status_mut(inner)
                .transaction_depth()?;
            if depth.is_none() {
                AnsiTransactionManager::begin_transaction_sql(inner, "BEGIN IMMEDIATE")?;
                true
            } else {
                false
            }
        }
        AnyConnection::Postgresql(_) => false,
    };
    if !began {
        return conn.transaction(f);
    }
    let result = f(conn);
    let AnyConnection::Sqlite(inner) = conn else {
        unreachable!("began on SQLite")
    };
    match result {
        Ok(value) => match AnsiTransactionManager::commit_transaction(inner) {
            Ok(()) => Ok(value),
            Err(e) => {
                let _ = AnsiTransactionManager::rollback_transaction(inner);
                Err(e.into())
            }
        },
        Err(e) => {
            AnsiTransactionManager::rollback_transaction(inner)?;
            Err(e)
        }
    }
}

/// A date as the click log stores it.
pub fn day_number(date: chrono::NaiveDate) -> i32 {
    (date - chrono::DateTime::UNIX_EPOCH.date_naive()).num_days() as i32
}

/// The date of a day number of the click log.
pub fn date_of_day(day: i32) -> chrono::NaiveDate {
    chrono::DateTime::UNIX_EPOCH.date_naive() + chrono::Duration::days(i64::from(day))
}

/// The click log counts days as days since 1970-01-01 (UTC): the writer stores them, the
/// statistics select and show them.
const MS_PER_DAY: i64 = 86_400_000;

/// The day number of a click at `at_ms` (milliseconds since 1970, UTC).
pub fn day_of(at_ms: i64) -> i32 {
    at_ms.div_euclid(MS_PER_DAY) as i32
}
