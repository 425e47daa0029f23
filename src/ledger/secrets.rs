//! Programme secrets for the conversion API. The newest is current; rotating makes a new one
//! and lets the previous ones work for 24 more hours, so an advertiser can switch without
//! losing a conversion.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::{ProgrammeId, SecretId};
use crate::db::schema::programme_secrets as ps;
use crate::db::AnyConnection;

/// How long a replaced secret keeps working.
pub const OVERLAP_HOURS: i64 = 24;

/// The secrets a request may be signed with at `now`, newest first, with their ids (a
/// conversion records which one signed it).
pub fn in_force(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
    now: NaiveDateTime,
) -> QueryResult<Vec<(SecretId, String)>> {
    ps::table
        .filter(ps::programme_id.eq(programme_id))
        .filter(ps::retires_at.is_null().or(ps::retires_at.gt(now)))
        .order(ps::id.desc())
        .select((ps::id, ps::secret))
        .load(conn)
}

/// Since when the current secret is in force, and until when a replaced one still works (the
/// latest such moment), for the administrators' page.
pub fn status(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
    now: NaiveDateTime,
) -> QueryResult<(Option<NaiveDateTime>, Option<NaiveDateTime>)> {
    let current: Option<NaiveDateTime> = ps::table
        .filter(ps::programme_id.eq(programme_id))
        .filter(ps::retires_at.is_null())
        .order(ps::id.desc())
        .select(ps::created_at)
        .first(conn)
        .optional()?;
    let previous: Option<NaiveDateTime> = ps::table
        .filter(ps::programme_id.eq(programme_id))
        .filter(ps::retires_at.gt(now))
        .select(diesel::dsl::max(ps::retires_at))
        .first::<Option<NaiveDateTime>>(conn)?;
    Ok((current, previous))
}

/// Makes a new secret for the programme and returns it (it is shown once); the ones in force
/// retire in 24 hours.
pub fn rotate(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
    now: NaiveDateTime,
) -> QueryResult<String> {
    crate::db::write_transaction(conn, |conn| {
        diesel::update(
            ps::table
                .filter(ps::programme_id.eq(programme_id))
                .filter(ps::retires_at.is_null()),
        )
        .set(ps::retires_at.eq(now + chrono::Duration::hours(OVERLAP_HOURS)))
        .execute(conn)?;
        let secret = super::signature::new_secret();
        diesel::insert_into(ps::table)
            .values((
                ps::programme_id.eq(programme_id),
                ps::secret.eq(&secret),
                ps::created_at.eq(now),
            ))
            .execute(conn)?;
        Ok(secret)
    })
}

/// An administrator makes a new secret for the account programme (`rotate`), with its audit
/// line: the secret itself is never written down, only that it changed and until when the
/// previous one works. None when there is no such programme.
pub fn rotate_recorded(
    conn: &mut AnyConnection,
    actor: &crate::audit::Actor,
    now: NaiveDateTime,
) -> QueryResult<Option<String>> {
    let Some(terms) = super::intake::programme_terms(conn, crate::programme::ACCOUNT_PROGRAMME)?
    else {
        return Ok(None);
    };
    let secret = rotate(conn, terms.id, now)?;
    let entry = crate::audit::Entry::new(
        crate::audit::action::SECRET_ROTATED,
        format!("programme {}", terms.id),
    )
    .after(serde_json::json!({
        "previous_until": (now + chrono::Duration::hours(OVERLAP_HOURS))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string(),
    }));
    crate::audit::record(conn, actor, entry, now)?;
    Ok(Some(secret))
}

/// Secrets with their ids, newest first.
pub type Secrets = Vec<(SecretId, String)>;

/// The programme named `slug` and its secrets in force at `now`, newest first, in one query;
/// `None` when there is no such programme. The conversion API reads them with a connection of
/// its own and lets it go before it computes a single HMAC (issue 21, 1).
pub fn in_force_for(
    conn: &mut AnyConnection,
    slug: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<(ProgrammeId, Secrets)>> {
    use crate::db::schema::programmes as p;
    let rows: Vec<(ProgrammeId, Option<(SecretId, String)>)> = p::table
        .left_join(
            ps::table.on(ps::programme_id
                .eq(p::id)
                .and(ps::retires_at.is_null().or(ps::retires_at.gt(now)))),
        )
        .filter(p::slug.eq(slug))
        .order(ps::id.desc())
        .select((p::id, (ps::id, ps::secret).nullable()))
        .load(conn)?;
    let Some((programme_id, _)) = rows.first() else {
        return Ok(None);
    };
    let programme_id = *programme_id;
    Ok(Some((
        programme_id,
        rows.into_iter().filter_map(|(_, secret)| secret).collect(),
    )))
}
