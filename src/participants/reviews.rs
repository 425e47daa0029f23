//! A channel's review and a membership's decision as stored: the one update of each, for the
//! review queue's decisions (`channels::decide_channel`, `decide_membership`) and for an upheld
//! objection that approves what was rejected (`enforcement::objections`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{MembershipState, ReviewState};
use crate::db::ids::{AccountId, ChannelId, MembershipId};
use crate::db::schema::{channels, memberships};
use crate::db::AnyConnection;

/// A decided state, with the reason the participant is told, who decided and when.
pub struct Reviewed<'a, S> {
    pub state: S,
    pub reason: Option<&'a str>,
    pub by: Option<AccountId>,
    pub at: NaiveDateTime,
}

/// An account manager's review of a channel or a membership application: approved or rejected,
/// with the reason the participant is told.
#[derive(Debug, Clone, Copy)]
pub struct Review<'a> {
    pub by: AccountId,
    pub approve: bool,
    pub reason: Option<&'a str>,
}

impl<'a> Review<'a> {
    /// The review as stored now: `approved` or `rejected`.
    pub fn decided<S>(self, approved: S, rejected: S) -> Reviewed<'a, S> {
        Reviewed {
            state: if self.approve { approved } else { rejected },
            reason: self.reason,
            by: Some(self.by),
            at: crate::db::now(),
        }
    }
}

/// Channel `id`'s review becomes `decided` if it is in one of `from`; the rows changed (0: it
/// was not, and nothing changed).
pub fn review_channel(
    conn: &mut AnyConnection,
    id: ChannelId,
    from: &[ReviewState],
    decided: Reviewed<'_, ReviewState>,
) -> QueryResult<usize> {
    diesel::update(
        channels::table
            .find(id)
            .filter(channels::review_state.eq_any(from)),
    )
    .set((
        channels::review_state.eq(decided.state),
        channels::review_reason.eq(decided.reason),
        channels::reviewed_by.eq(decided.by),
        channels::reviewed_at.eq(Some(decided.at)),
    ))
    .execute(conn)
}

/// Membership `id` becomes `decided` if it is `from`; the rows changed (0: it was not).
pub fn decide_membership(
    conn: &mut AnyConnection,
    id: MembershipId,
    from: MembershipState,
    decided: Reviewed<'_, MembershipState>,
) -> QueryResult<usize> {
    diesel::update(
        memberships::table
            .find(id)
            .filter(memberships::state.eq(from)),
    )
    .set((
        memberships::state.eq(decided.state),
        memberships::reason.eq(decided.reason),
        memberships::decided_by.eq(decided.by),
        memberships::decided_at.eq(Some(decided.at)),
    ))
    .execute(conn)
}
