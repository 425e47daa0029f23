//! Limits counted in the database, so every app instance shares them: failed logins per account,
//! mails per address. (Per-IP limits on the same routes are actix-governor's, in memory.)

use chrono::Duration;
use diesel::prelude::*;

use crate::db::schema::rate_limit_events;
use crate::db::AnyConnection;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i64,
    pub window: Duration,
}

/// Five login attempts per account *and address* in 15 minutes without a success: an attacker
/// elsewhere cannot lock the owner out, and each address gets five guesses per account.
pub const LOGIN_FAILURES: Limit = Limit {
    max: 5,
    window: Duration::minutes(15),
};

/// Three mails of one kind to one address per hour.
pub const MAILS_PER_ADDRESS: Limit = Limit {
    max: 3,
    window: Duration::hours(1),
};

/// Whether `bucket` has reached its limit.
pub fn is_limited(conn: &mut AnyConnection, bucket: &str, limit: Limit) -> QueryResult<bool> {
    let since = crate::db::now() - limit.window;
    let count: i64 = rate_limit_events::table
        .filter(rate_limit_events::bucket.eq(bucket))
        .filter(rate_limit_events::at.gt(since))
        .count()
        .get_result(conn)?;
    Ok(count >= limit.max)
}

pub fn record(conn: &mut AnyConnection, bucket: &str) -> QueryResult<()> {
    diesel::insert_into(rate_limit_events::table)
        .values((
            rate_limit_events::bucket.eq(bucket),
            rate_limit_events::at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records one attempt first, then counts: of attempts made at the same moment, only the first
/// `max` to be recorded see a count within the limit (a check before the record let every
/// simultaneous attempt through). Returns whether this attempt is within the limit.
pub fn record_then_check(
    conn: &mut AnyConnection,
    bucket: &str,
    limit: Limit,
) -> QueryResult<bool> {
    record(conn, bucket)?;
    let since = crate::db::now() - limit.window;
    let count: i64 = rate_limit_events::table
        .filter(rate_limit_events::bucket.eq(bucket))
        .filter(rate_limit_events::at.gt(since))
        .count()
        .get_result(conn)?;
    Ok(count <= limit.max)
}

/// Records one use of `bucket` unless it is at its limit; returns whether it was allowed.
pub fn try_acquire(conn: &mut AnyConnection, bucket: &str, limit: Limit) -> QueryResult<bool> {
    if is_limited(conn, bucket, limit)? {
        return Ok(false);
    }
    record(conn, bucket)?;
    Ok(true)
}

pub fn clear(conn: &mut AnyConnection, bucket: &str) -> QueryResult<usize> {
    diesel::delete(rate_limit_events::table.filter(rate_limit_events::bucket.eq(bucket)))
        .execute(conn)
}

/// Forgets events older than a day.
pub fn purge_old(conn: &mut AnyConnection) -> QueryResult<usize> {
    let before = crate::db::now() - Duration::days(1);
    diesel::delete(rate_limit_events::table.filter(rate_limit_events::at.lt(before))).execute(conn)
}
