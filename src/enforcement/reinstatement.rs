//! Reinstating a terminated participant (G.12): an administrator's decision, at any time —
//! also after the claim period, when no objection can be filed any more.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, action, Actor};
use crate::db::ids::ParticipantId;
use crate::db::schema::{measures, participants};
use crate::db::AnyConnection;
use crate::participants::MeasureKind;

#[derive(Debug, thiserror::Error)]
pub enum ReinstateError {
    #[error("no such participant")]
    NotFound,
    #[error("the participant is not terminated")]
    NotTerminated,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Reinstates a terminated participant (an administrator's decision, at any time — also after
/// the claim period, when no objection can be filed any more): its terminations are lifted with
/// the reason, it can log in again, and the audit log says who did it and why. Its clicks are
/// credited again: the caller tells the click writer once this is committed.
pub fn reinstate_participant(
    conn: &mut AnyConnection,
    actor: &Actor,
    participant_id: ParticipantId,
    reason: &str,
    now: NaiveDateTime,
) -> Result<(), ReinstateError> {
    crate::db::write_transaction(conn, |conn| {
        let terminated_at: Option<Option<NaiveDateTime>> = participants::table
            .find(participant_id)
            .select(participants::terminated_at)
            .first(conn)
            .optional()?;
        let terminated_at = terminated_at.ok_or(ReinstateError::NotFound)?;
        let Some(terminated_at) = terminated_at else {
            return Err(ReinstateError::NotTerminated);
        };
        let changed = diesel::update(
            participants::table
                .find(participant_id)
                .filter(participants::terminated_at.is_not_null()),
        )
        .set(participants::terminated_at.eq(None::<NaiveDateTime>))
        .execute(conn)?;
        if changed == 0 {
            return Err(ReinstateError::NotTerminated);
        }
        let lifted: Vec<i64> = measures::table
            .filter(measures::participant_id.eq(participant_id))
            .filter(measures::kind.eq(MeasureKind::Terminate))
            .filter(measures::lifted_at.is_null())
            .select(measures::id)
            .load(conn)?;
        diesel::update(measures::table.filter(measures::id.eq_any(&lifted)))
            .set((
                measures::lifted_at.eq(now),
                measures::lifted_by.eq(actor.id),
                measures::lift_reason.eq(reason),
            ))
            .execute(conn)?;
        let entry = audit::Entry::new(
            action::PARTICIPANT_REINSTATED,
            format!("participant {participant_id}"),
        )
        .participant(participant_id)
        .before(json!({ "terminated_at": terminated_at }))
        .after(json!({ "terminated_at": null, "reason": reason, "measures_lifted": lifted }));
        audit::record(conn, actor, entry, now)?;
        Ok(())
    })
}
