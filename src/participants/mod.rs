//! Participants (publishers and networks) and the states of their accounts, channels and
//! memberships.

mod states;

pub use states::{MembershipState, ReviewState, Role};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::participants;
use crate::db::AnyConnection;
use crate::domain::ParticipantKind;

/// The participant behind an account.
#[derive(Debug, Clone)]
pub struct Participant {
    pub id: i64,
    pub kind: ParticipantKind,
    pub company_name: String,
    pub terminated: bool,
}

/// The participant of an account; account managers have none.
pub fn of_account(conn: &mut AnyConnection, account_id: i64) -> QueryResult<Option<Participant>> {
    let row: Option<(i64, String, String, Option<NaiveDateTime>)> = participants::table
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
            kind: ParticipantKind::parse(&kind).unwrap_or(ParticipantKind::Publisher),
            company_name,
            terminated: terminated_at.is_some(),
        }),
    )
}

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Counts the changes that decide whether clicks are credited (a review decision, a changed
/// channel, a termination). The click writer compares it with the count it last saw and then
/// forgets what it cached about links, so a change made through this instance applies to the
/// next click. The functions that make such a change tell it themselves, after their commit.
#[derive(Clone, Default)]
pub struct CreditingChanges(Arc<AtomicU64>);

impl CreditingChanges {
    pub fn changed(&self) {
        self.0.fetch_add(1, Ordering::Release);
    }

    pub fn count(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }
}
