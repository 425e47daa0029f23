//! Retention of the click log. A click's IP hash and user agent are personal data: clicks are
//! kept for a number of whole months before the current one (`PORTAL_CLICK_RETENTION_MONTHS`,
//! 25 by default) and then removed; the daily rollups (`click_days`) stay, so the statistics
//! of those months do not change. A click is removed once its calendar month (UTC) is more than
//! that many months before the current one, on both databases alike.
//!
//! On PostgreSQL the click log is partitioned by month (migration 000012): a month past the
//! period is one `DROP TABLE`, and the months ahead are created here — both through functions
//! that run as the table's owner (`ensure_click_partition`, `drop_click_partition`, migration
//! 000014), since the portal's own role owns no table. On SQLite old clicks are
//! deleted by click id (its first 48 bits are the time) in batches of `BATCH`, each its own
//! short transaction with a pause after it, so the click writer is never kept waiting for
//! long.

use std::time::Duration;

use chrono::{Datelike, Months, NaiveDate};
use diesel::prelude::*;

use crate::db::schema::clicks;
use crate::db::AnyConnection;

/// Clicks deleted per transaction.
pub const BATCH: i64 = 1000;
/// The pause after each batch: the click writer takes the write lock in between.
const PAUSE: Duration = Duration::from_millis(5);
/// Months of partitions kept ready after the current one (PostgreSQL).
const MONTHS_AHEAD: u32 = 2;

/// What one round of retention removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Removed {
    /// Months dropped as a whole (PostgreSQL's partitions), as `YYYY_MM`.
    pub months: Vec<String>,
    /// Clicks deleted one batch at a time.
    pub deleted: usize,
}

/// The first day of the oldest month kept: clicks before it are removed.
pub fn first_day_kept(today: NaiveDate, months: u32) -> NaiveDate {
    let this_month = today.with_day(1).expect("every month has a first day");
    this_month
        .checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

/// The lowest click id of a day (see the click writer's `ClickIds`: the time in ms first).
pub fn click_id_at(day: NaiveDate) -> [u8; 16] {
    let ms = day
        .and_hms_opt(0, 0, 0)
        .expect("midnight exists")
        .and_utc()
        .timestamp_millis()
        .max(0) as u128;
    ((ms & 0xffff_ffff_ffff) << 80).to_be_bytes()
}

/// PostgreSQL: the partitions of this month and the next `MONTHS_AHEAD` exist. SQLite: nothing.
pub fn ensure_partitions(conn: &mut AnyConnection, today: NaiveDate) -> QueryResult<()> {
    if let AnyConnection::Postgresql(c) = conn {
        for ahead in 0..=MONTHS_AHEAD {
            let month = today
                .with_day(1)
                .and_then(|d| d.checked_add_months(Months::new(ahead)))
                .expect("a month within range");
            ensure_month(c, month)?;
        }
    }
    Ok(())
}

/// PostgreSQL: the partition of `month` exists (a test or an import may need an older one).
pub fn ensure_month(conn: &mut diesel::PgConnection, month: NaiveDate) -> QueryResult<()> {
    diesel::sql_query("SELECT ensure_click_partition($1)")
        .bind::<diesel::sql_types::Date, _>(month)
        .execute(conn)
        .map(|_| ())
}

#[derive(QueryableByName)]
struct Partition {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
}

/// Removes the clicks before `first_kept` (see `first_day_kept`).
pub fn remove_before(conn: &mut AnyConnection, first_kept: NaiveDate) -> QueryResult<Removed> {
    let mut removed = Removed::default();
    if let AnyConnection::Postgresql(c) = conn {
        removed.months = drop_months_before(c, first_kept)?;
    }
    // What is left before the first day kept: on SQLite every old click, on PostgreSQL those
    // in the catch-all partition (which the id range alone prunes to).
    let first_id = click_id_at(first_kept).to_vec();
    loop {
        // The highest id of the oldest batch; the batch is every id up to it.
        let last: Option<Vec<u8>> = clicks::table
            .select(clicks::click_id)
            .filter(clicks::click_id.lt(first_id.clone()))
            .order(clicks::click_id)
            .offset(BATCH - 1)
            .first(conn)
            .optional()?;
        let deleted = match &last {
            Some(last) => {
                diesel::delete(clicks::table.filter(clicks::click_id.le(last))).execute(conn)?
            }
            None => diesel::delete(clicks::table.filter(clicks::click_id.lt(&first_id)))
                .execute(conn)?,
        };
        removed.deleted += deleted;
        if last.is_none() {
            return Ok(removed);
        }
        std::thread::sleep(PAUSE);
    }
}

#[derive(QueryableByName)]
struct Dropped {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    dropped: bool,
}

/// PostgreSQL: drops every month's partition that ends on or before `first_kept`.
fn drop_months_before(
    conn: &mut diesel::PgConnection,
    first_kept: NaiveDate,
) -> QueryResult<Vec<String>> {
    let partitions: Vec<Partition> = diesel::sql_query(
        "SELECT c.relname AS name FROM pg_inherits i \
         JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent \
         WHERE p.relname = 'clicks' ORDER BY c.relname",
    )
    .load(conn)?;
    let mut dropped = Vec::new();
    for Partition { name } in partitions {
        let Some(month) = month_of_partition(&name) else {
            continue; // clicks_other
        };
        let end = month
            .checked_add_months(Months::new(1))
            .expect("a month within range");
        if end > first_kept {
            continue;
        }
        // The drop locks the click log for a moment; a busy one is tried again next round
        // rather than keeping clicks waiting. Dropping needs the table's owner: the function
        // runs as the owner (migration 000014), the portal's role may only call it.
        let Dropped { dropped: done } = conn.transaction(|c| {
            diesel::sql_query("SET LOCAL lock_timeout = '2s'").execute(c)?;
            diesel::sql_query("SELECT drop_click_partition($1) AS dropped")
                .bind::<diesel::sql_types::Date, _>(month)
                .get_result(c)
        })?;
        if done {
            dropped.push(name["clicks_".len()..].to_owned());
        }
    }
    Ok(dropped)
}

/// `clicks_2024_10` → 2024-10-01; anything else → None.
fn month_of_partition(name: &str) -> Option<NaiveDate> {
    let rest = name.strip_prefix("clicks_")?;
    let (year, month) = rest.split_once('_')?;
    if year.len() != 4 || month.len() != 2 {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)
}

/// One round: the months ahead exist, and clicks past the retention period are gone.
pub fn run(conn: &mut AnyConnection, today: NaiveDate, months: u32) -> QueryResult<Removed> {
    ensure_partitions(conn, today)?;
    remove_before(conn, first_day_kept(today, months))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn whole_months_are_kept_before_the_current_one() {
        assert_eq!(first_day_kept(day(2026, 11, 30), 25), day(2024, 10, 1));
        assert_eq!(first_day_kept(day(2026, 11, 1), 25), day(2024, 10, 1));
        assert_eq!(first_day_kept(day(2026, 1, 31), 1), day(2025, 12, 1));
    }

    #[test]
    fn a_days_first_click_id_is_its_midnight_in_milliseconds() {
        // 2025-11-24T00:00:00Z = 1,763,942,400,000 ms = 0x019ab3...
        let id = click_id_at(day(2025, 11, 24));
        assert_eq!(
            u64::from_be_bytes([0, 0, id[0], id[1], id[2], id[3], id[4], id[5]]),
            1_763_942_400_000
        );
        assert!(id[6..].iter().all(|b| *b == 0));
    }

    #[test]
    fn partitions_are_named_by_month() {
        assert_eq!(month_of_partition("clicks_2024_10"), Some(day(2024, 10, 1)));
        assert_eq!(month_of_partition("clicks_other"), None);
        assert_eq!(month_of_partition("clicks_2024_13"), None);
    }
}
