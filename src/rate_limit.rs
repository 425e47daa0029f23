//! Limits counted in the database, so every app instance shares them: tries of an account's
//! password per account and address and per account, mails per address. (Per-IP limits on the same routes are actix-governor's, in memory.)

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

/// Twenty attempts per account from all addresses together in 15 minutes (issue 21, point 8):
/// guesses spread over many addresses, or made on a form that asks for the password again
/// (the bank details) with a session someone took over, are limited as one. Four addresses'
/// worth, so one address guessing cannot lock the owner out; someone who keeps guessing from
/// many can, for as long as they keep at it — the price of limiting the account at all.
pub const ACCOUNT_PASSWORD_FAILURES: Limit = Limit {
    max: 20,
    window: Duration::minutes(15),
};

/// Three mails of one kind to one address per hour.
pub const MAILS_PER_ADDRESS: Limit = Limit {
    max: 3,
    window: Duration::hours(1),
};

/// Whether `bucket` has reached its limit.
pub fn is_limited(conn: &mut AnyConnection, bucket: &str, limit: Limit) -> QueryResult<bool> {
    Ok(count_in_window(conn, bucket, limit)? >= limit.max)
}

/// How many uses `bucket` had within `limit`'s window, up to now.
fn count_in_window(conn: &mut AnyConnection, bucket: &str, limit: Limit) -> QueryResult<i64> {
    let since = crate::db::now() - limit.window;
    rate_limit_events::table
        .filter(rate_limit_events::bucket.eq(bucket))
        .filter(rate_limit_events::at.gt(since))
        .count()
        .get_result(conn)
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
    Ok(count_in_window(conn, bucket, limit)? <= limit.max)
}

/// Records one use of `bucket` unless it is at its limit; returns whether it was allowed.
pub fn try_acquire(conn: &mut AnyConnection, bucket: &str, limit: Limit) -> QueryResult<bool> {
    if is_limited(conn, bucket, limit)? {
        return Ok(false);
    }
    record(conn, bucket)?;
    Ok(true)
}

/// One try of an account's password, at the login or on a form that asks for it again (the
/// bank details): counted per account and address (`LOGIN_FAILURES`) and per account
/// (`ACCOUNT_PASSWORD_FAILURES`), both keyed by the address as typed, so an address that has no
/// account is limited the same way and the answer tells nothing about which exist.
pub struct PasswordTry {
    by_address: String,
    by_account: String,
}

impl PasswordTry {
    /// A try for the account with (normalised) address `email` from the address whose keyed
    /// hash is `ip_hash`.
    pub fn new(email: &str, ip_hash: &[u8; 16]) -> PasswordTry {
        PasswordTry {
            by_address: format!("login:{email}:{}", hex::encode(ip_hash)),
            by_account: format!("login-account:{email}"),
        }
    }

    /// Records the try before the password is checked, then whether it is within both limits
    /// (see `record_then_check`). Past either, not even the right password is accepted.
    pub fn record_then_check(&self, conn: &mut AnyConnection) -> QueryResult<bool> {
        let by_address = record_then_check(conn, &self.by_address, LOGIN_FAILURES)?;
        let by_account = record_then_check(conn, &self.by_account, ACCOUNT_PASSWORD_FAILURES)?;
        Ok(by_address && by_account)
    }

    /// The password was right: this address's tries are forgotten, and this try no longer
    /// counts against the account — the wrong ones made from elsewhere still do, so the owner
    /// logging in does not hand whoever guesses elsewhere a fresh allowance.
    pub fn succeeded(&self, conn: &mut AnyConnection) -> QueryResult<()> {
        clear(conn, &self.by_address)?;
        let newest: Option<i64> = rate_limit_events::table
            .filter(rate_limit_events::bucket.eq(&self.by_account))
            .select(diesel::dsl::max(rate_limit_events::id))
            .first(conn)?;
        if let Some(id) = newest {
            diesel::delete(rate_limit_events::table.find(id)).execute(conn)?;
        }
        Ok(())
    }
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
