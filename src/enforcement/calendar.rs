//! The holiday table behind working days (G.13): seeded with the Hong Kong general holidays
//! 2026–2027 by the migration, kept up to date by administrators.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, action, Actor};
use crate::db::schema::holidays;
use crate::db::AnyConnection;
use crate::domain::working_days::Calendar;

pub fn load(conn: &mut AnyConnection) -> QueryResult<Calendar> {
    let days: Vec<NaiveDate> = holidays::table.select(holidays::day).load(conn)?;
    Ok(Calendar::new(days))
}

/// Every holiday, in date order.
pub fn all(conn: &mut AnyConnection) -> QueryResult<Vec<(NaiveDate, String)>> {
    holidays::table
        .order(holidays::day)
        .select((holidays::day, holidays::name))
        .load(conn)
}

/// Adds a holiday (or renames the one on that day).
pub fn put(
    conn: &mut AnyConnection,
    actor: &Actor,
    day: NaiveDate,
    name: &str,
    now: chrono::NaiveDateTime,
) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        let before: Option<String> = holidays::table
            .find(day)
            .select(holidays::name)
            .first(conn)
            .optional()?;
        if before.is_some() {
            diesel::update(holidays::table.find(day))
                .set(holidays::name.eq(name))
                .execute(conn)?;
        } else {
            diesel::insert_into(holidays::table)
                .values((holidays::day.eq(day), holidays::name.eq(name)))
                .execute(conn)?;
        }
        let entry = audit::Entry::new(action::HOLIDAY_CHANGED, format!("holiday {day}"))
            .before(json!({ "name": before }))
            .after(json!({ "name": name }));
        audit::record(conn, actor, entry, now)
    })
}

/// Removes the holiday on `day`; false when there was none.
pub fn remove(
    conn: &mut AnyConnection,
    actor: &Actor,
    day: NaiveDate,
    now: chrono::NaiveDateTime,
) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        let before: Option<String> = holidays::table
            .find(day)
            .select(holidays::name)
            .first(conn)
            .optional()?;
        let Some(before) = before else {
            return Ok(false);
        };
        diesel::delete(holidays::table.find(day)).execute(conn)?;
        let entry = audit::Entry::new(action::HOLIDAY_CHANGED, format!("holiday {day}"))
            .before(json!({ "name": before }))
            .after(json!({ "name": null }));
        audit::record(conn, actor, entry, now)?;
        Ok(true)
    })
}
