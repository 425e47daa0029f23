//! Participants (publishers and networks) and the states of their accounts, channels and
//! memberships.

pub mod explain;
pub mod reviews;
pub mod standing;
mod states;

pub use states::{MeasureKind, MembershipState, ParticipantKind, Restriction, ReviewState, Role};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::{AccountId, ParticipantId};
use crate::db::schema::participants;
use crate::db::AnyConnection;

/// The participant behind an account.
#[derive(Debug, Clone)]
pub struct Participant {
    pub id: ParticipantId,
    pub kind: ParticipantKind,
    pub company_name: String,
    pub terminated: bool,
}

/// Who a new participant is, as signup (or an operator) gives it.
pub struct NewParticipant<'a> {
    pub account_id: AccountId,
    pub kind: ParticipantKind,
    pub company_name: &'a str,
    pub contact_name: &'a str,
    /// ISO 3166-1 alpha-2.
    pub country: &'a str,
}

/// Stores a participant for its account; returns its id.
pub fn create(conn: &mut AnyConnection, new: &NewParticipant<'_>) -> QueryResult<ParticipantId> {
    diesel::insert_into(participants::table)
        .values((
            participants::account_id.eq(new.account_id),
            participants::kind.eq(new.kind),
            participants::company_name.eq(new.company_name),
            participants::contact_name.eq(new.contact_name),
            participants::country.eq(new.country),
            participants::created_at.eq(crate::db::now()),
        ))
        .returning(participants::id)
        .get_result(conn)
}

/// Locks the participant's row for the rest of the transaction (a write that changes nothing):
/// on PostgreSQL a row lock that makes writers acting on one participant take turns; on SQLite,
/// as the transaction's first statement, the write lock. Returns 0 when there is no such
/// participant.
pub fn lock(conn: &mut AnyConnection, participant_id: ParticipantId) -> QueryResult<usize> {
    diesel::update(participants::table.find(participant_id))
        .set(participants::id.eq(participants::id))
        .execute(conn)
}

/// The participant of an account; account managers have none.
pub fn of_account(
    conn: &mut AnyConnection,
    account_id: AccountId,
) -> QueryResult<Option<Participant>> {
    let row: Option<(
        ParticipantId,
        ParticipantKind,
        String,
        Option<NaiveDateTime>,
    )> = participants::table
        .filter(participants::account_id.eq(account_id))
        .select((
            participants::id,
            participants::kind,
            participants::company_name,
            participants::terminated_at,
        ))
        .first(conn)
        .optional()?;
    Ok(
        row.map(|(id, kind, company_name, terminated_at)| Participant {
            id,
            kind,
            company_name,
            terminated: terminated_at.is_some(),
        }),
    )
}
