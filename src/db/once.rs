//! Work that one instance at a time does (issue 24): the periodic jobs take PostgreSQL's
//! session-level advisory lock named after them (`pg_try_advisory_lock`), and an instance that
//! finds it held skips that round — the holder is doing the work — instead of doing it a second
//! time beside it. What the jobs write is safe twice anyway (each conversion is settled under
//! its row lock, each mail is claimed before it is sent); the lock keeps two instances from
//! racing to create the same month's partition and from deleting the same old clicks twice.
//!
//! SQLite serves one instance, whose jobs are tasks of one process: there is nothing to take.

use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::AnyConnection;

/// A job that runs on one instance at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Every 10 minutes: commissions past their locking date settled, expired rows purged.
    Maintenance,
    /// Every hour: the click log's months ahead created, clicks past retention removed.
    Retention,
}

impl Job {
    /// The advisory lock's key: fixed numbers ("port" and the job's), so that every instance and
    /// every version agrees on them.
    pub fn key(self) -> i64 {
        match self {
            Job::Maintenance => 0x706f_7274_0001,
            Job::Retention => 0x706f_7274_0002,
        }
    }
}

diesel::define_sql_function!(fn pg_try_advisory_lock(key: BigInt) -> Bool);
diesel::define_sql_function!(fn pg_advisory_unlock(key: BigInt) -> Bool);

/// Runs `work` unless another instance is running `job` right now: `None` then. The lock is
/// released on this connection whatever `work` did, a panic included (a connection that breaks
/// meanwhile takes its lock with it).
pub fn once<T, E>(
    conn: &mut AnyConnection,
    job: Job,
    work: impl FnOnce(&mut AnyConnection) -> Result<T, E>,
) -> Result<Option<T>, E>
where
    E: From<diesel::result::Error>,
{
    let AnyConnection::Postgresql(pg) = &mut *conn else {
        return work(conn).map(Some);
    };
    let taken: bool = diesel::select(pg_try_advisory_lock(job.key())).get_result(pg)?;
    if !taken {
        tracing::debug!(?job, "running on another instance: skipped");
        return Ok(None);
    }
    let done = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&mut *conn)));
    if let AnyConnection::Postgresql(pg) = &mut *conn {
        diesel::select(pg_advisory_unlock(job.key())).execute(pg)?;
    }
    match done {
        Ok(result) => result.map(Some),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
