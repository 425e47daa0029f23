//! The brand terms (A.1.e, B.5.a) a new or changed channel is screened for, kept by
//! administrators at `/{lang}/manage/brands` (`admin::brands`): each matches as a whole word or also inside a
//! word. Screening reads the table each time a channel is saved (rarely), so a change counts
//! from the next channel on. Every change has an audit line.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, action, Actor};
use crate::db::schema::{accounts, brand_terms};
use crate::db::AnyConnection;
use crate::domain::brand::{BrandTerm, Matching};

/// The terms the screening matches.
pub fn terms(conn: &mut AnyConnection) -> QueryResult<Vec<BrandTerm>> {
    let rows: Vec<(String, String)> = brand_terms::table
        .order(brand_terms::id)
        .select((brand_terms::term, brand_terms::matching))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(term, matching)| Matching::parse(&matching).map(|m| BrandTerm::new(&term, m)))
        .collect())
}

/// One term as the page lists it.
#[derive(Debug, Clone)]
pub struct TermLine {
    pub id: i64,
    pub term: String,
    pub matching: String,
    pub created_at: NaiveDateTime,
    pub added_by: Option<String>,
}

pub fn lines(conn: &mut AnyConnection) -> QueryResult<Vec<TermLine>> {
    let rows: Vec<(i64, String, String, NaiveDateTime, Option<String>)> = brand_terms::table
        .left_join(accounts::table.on(accounts::id.nullable().eq(brand_terms::added_by)))
        .order(brand_terms::term)
        .select((
            brand_terms::id,
            brand_terms::term,
            brand_terms::matching,
            brand_terms::created_at,
            accounts::email.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, term, matching, created_at, added_by)| TermLine {
            id,
            term,
            matching,
            created_at,
            added_by,
        })
        .collect())
}

/// Adds a term; `None` when the list has it already (also when another administrator added it
/// at the same moment).
pub fn add(
    conn: &mut AnyConnection,
    actor: &Actor,
    term: &BrandTerm,
    now: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    crate::db::on_unique_violation(add_once(conn, actor, term, now), || Ok(None))
}

fn add_once(
    conn: &mut AnyConnection,
    actor: &Actor,
    term: &BrandTerm,
    now: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    crate::db::write_transaction(conn, |conn| {
        let exists: i64 = brand_terms::table
            .filter(brand_terms::term.eq(&term.term))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Ok(None);
        }
        let id: i64 = diesel::insert_into(brand_terms::table)
            .values((
                brand_terms::term.eq(&term.term),
                brand_terms::matching.eq(term.matching.as_str()),
                brand_terms::added_by.eq(actor.id),
                brand_terms::created_at.eq(now),
            ))
            .returning(brand_terms::id)
            .get_result(conn)?;
        let entry = audit::Entry::new(action::BRAND_TERM_ADDED, format!("brand term {id}"))
            .after(json!({ "term": term.term, "matching": term.matching.as_str() }));
        audit::record(conn, actor, entry, now)?;
        Ok(Some(id))
    })
}

/// Removes term `id`; `false` when there is no such term.
pub fn remove(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        let row: Option<(String, String)> = brand_terms::table
            .find(id)
            .select((brand_terms::term, brand_terms::matching))
            .first(conn)
            .optional()?;
        let Some((term, matching)) = row else {
            return Ok(false);
        };
        // Removed meanwhile by someone else: nothing to write.
        if diesel::delete(brand_terms::table.find(id)).execute(conn)? == 0 {
            return Ok(false);
        }
        let entry = audit::Entry::new(action::BRAND_TERM_REMOVED, format!("brand term {id}"))
            .before(json!({ "term": term, "matching": matching }));
        audit::record(conn, actor, entry, now)?;
        Ok(true)
    })
}
