//! An account manager's decisions on a commission: reject a pending one, reverse an approved
//! one, or release one held for self-purchase review (E.10.j). Every decision carries a reason
//! the participant sees; a reversal is a new negative ledger row, never a change of one.

use chrono::NaiveDateTime;

use super::commissions::{self, ChangedBy, Commission};
use super::states::{CommissionKind, CommissionState, EventSource};
use crate::db::ids::{AccountId, CommissionId, ParticipantId};
use crate::db::AnyConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Reject,
    Reverse,
    Release,
}

impl Action {
    pub fn parse(text: &str) -> Option<Action> {
        match text {
            "reject" => Some(Action::Reject),
            "reverse" => Some(Action::Reverse),
            "release" => Some(Action::Release),
            _ => None,
        }
    }

    /// Whether the action needs the manager's reason (the participant reads it).
    pub fn needs_reason(self) -> bool {
        !matches!(self, Action::Release)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("no such commission")]
    NotFound,
    /// The commission is no longer in a state the action applies to (decided meanwhile).
    #[error("the commission changed meanwhile")]
    Gone,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// The actions open on a commission in its present state.
pub fn actions_for(kind: CommissionKind, state: CommissionState, held: bool) -> Vec<Action> {
    match (kind, state) {
        (CommissionKind::Order, CommissionState::Pending) if held => {
            vec![Action::Release, Action::Reject]
        }
        (CommissionKind::Order, CommissionState::Pending) => vec![Action::Reject],
        (CommissionKind::Order, CommissionState::Approved) => vec![Action::Reverse],
        _ => Vec::new(),
    }
}

/// Applies `action` to commission `id` in one transaction; returns the participant's id.
pub fn decide(
    conn: &mut AnyConnection,
    id: CommissionId,
    action: Action,
    why: Option<&str>,
    manager_id: AccountId,
    now: NaiveDateTime,
) -> Result<ParticipantId, DecideError> {
    let decided = crate::db::write_transaction(conn, |conn| {
        let found = commissions::find(conn, id)?.ok_or(DecideError::NotFound)?;
        // Whoever decides second waits here, then reads the first one's decision.
        commissions::lock_conversion(conn, found.conversion_id)?;
        let commission = commissions::find(conn, id)?.ok_or(DecideError::NotFound)?;
        if !actions_for(commission.kind, commission.state, commission.held).contains(&action) {
            return Err(DecideError::Gone);
        }
        let actor = ChangedBy {
            source: EventSource::Manager,
            manager: Some(manager_id),
            at: now,
        };
        let returns: Vec<Commission> = commissions::of_conversion(conn, commission.conversion_id)?
            .into_iter()
            .filter(|c| c.reverses_id == Some(commission.id))
            .collect();
        match action {
            Action::Release => {
                commissions::set_held(conn, &commission, false, None, actor)?;
                // Past its locking date it becomes final now.
                super::locking::settle_conversion(conn, commission.conversion_id, now)?;
            }
            Action::Reject | Action::Reverse => {
                let state = if action == Action::Reject {
                    CommissionState::Rejected
                } else {
                    CommissionState::Reversed
                };
                commissions::change(conn, &commission, state, commission.amount, why, actor)?;
                if action == Action::Reverse {
                    // What still counts of it: the order less its approved returns.
                    let returned: i64 = returns
                        .iter()
                        .filter(|r| r.state == CommissionState::Approved)
                        .map(|r| r.amount)
                        .sum();
                    let remaining = commission.amount + returned;
                    if remaining != 0 {
                        commissions::enter_reversal(
                            conn,
                            &commission,
                            remaining,
                            why.unwrap_or_default(),
                            now,
                        )?;
                    }
                }
                commissions::reject_pending_returns(
                    conn,
                    &returns.iter().collect::<Vec<_>>(),
                    actor,
                )?;
            }
        }
        Ok(commission.participant_id)
    });
    gone_if_changed(decided)
}

/// A compare-and-set refused inside a decision (the commission changed since it was read) is
/// answered as an action no longer offered: `Gone`, never a 500. Under the conversion's lock in
/// `decide` the second decider re-reads and is refused by `actions_for` first; this keeps the
/// answer right for any path that reaches `commissions::change` without that lock.
fn gone_if_changed(
    decided: Result<ParticipantId, DecideError>,
) -> Result<ParticipantId, DecideError> {
    match decided {
        Err(DecideError::Db(e)) if commissions::is_changed_meanwhile(&e) => Err(DecideError::Gone),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_made_meanwhile_is_gone_and_other_outcomes_pass_through() {
        let gone = gone_if_changed(Err(DecideError::Db(commissions::changed_meanwhile())));
        assert!(matches!(gone, Err(DecideError::Gone)), "{gone:?}");
        let other = gone_if_changed(Err(DecideError::Db(diesel::result::Error::NotFound)));
        assert!(
            matches!(other, Err(DecideError::Db(diesel::result::Error::NotFound))),
            "{other:?}"
        );
        assert!(matches!(
            gone_if_changed(Err(DecideError::NotFound)),
            Err(DecideError::NotFound)
        ));
        assert_eq!(
            gone_if_changed(Ok(ParticipantId(7))).ok(),
            Some(ParticipantId(7))
        );
    }

    #[test]
    fn only_fitting_actions_are_offered() {
        use CommissionKind::*;
        use CommissionState::*;
        assert_eq!(actions_for(Order, Pending, false), [Action::Reject]);
        assert_eq!(
            actions_for(Order, Pending, true),
            [Action::Release, Action::Reject]
        );
        assert_eq!(actions_for(Order, Approved, false), [Action::Reverse]);
        assert!(actions_for(Order, Rejected, false).is_empty());
        assert!(actions_for(Order, Reversed, false).is_empty());
        assert!(actions_for(Return, Pending, false).is_empty());
        assert!(actions_for(Return, Approved, false).is_empty());
    }
}
