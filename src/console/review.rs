//! The review queue's decisions (`routes/home.rs`): a channel waiting for review or a programme
//! application approved or rejected by an account manager, with its audit line, in one
//! transaction; and the decision as its form gives it.

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::audit::{self, action, Actor};
use crate::channels::DecisionNotice;
use crate::db::ids::{AccountId, ChannelId, MembershipId};
use crate::db::AnyConnection;
use crate::forms::FormData;
use crate::i18n::Lang;
use crate::participants::reviews::Review;

/// What a manager decides on: a channel waiting for review, or a membership application
/// (`/manage/channels/{id}/review`, `/manage/memberships/{id}/review`).
#[derive(Debug, Clone, Copy, serde::Deserialize)]
pub enum Subject {
    #[serde(rename = "channels")]
    Channel,
    #[serde(rename = "memberships")]
    Membership,
}

impl Subject {
    pub fn name(self) -> &'static str {
        match self {
            Subject::Channel => "channel",
            Subject::Membership => "membership",
        }
    }
}

/// A decision as a manager takes it: approve or reject, with a reason (required to reject).
pub struct Decision {
    pub approve: bool,
    pub reason: Option<String>,
}

/// A decision form that was refused: which item, and the message for its reason field.
pub struct FormProblem {
    pub field_id: String,
    pub message: String,
    pub reason: String,
}

impl Decision {
    /// Reads `decision` (approve/reject) and `reason` (required to reject) of the form of
    /// `subject` number `id`.
    pub fn from_form(
        data: &FormData,
        lang: Lang,
        subject: Subject,
        id: i64,
    ) -> Result<Decision, FormProblem> {
        let fail = |key: &str| FormProblem {
            field_id: format!("reason-{}-{id}", subject.name()),
            message: lang.t(key),
            reason: data.get("reason").to_owned(),
        };
        let reason = crate::forms::REASON
            .check_optional(data.get("reason"))
            .map_err(fail)?;
        match (data.get("decision"), reason) {
            ("approve", reason) => Ok(Decision {
                approve: true,
                reason,
            }),
            ("reject", None) => Err(fail("error-reason-required")),
            ("reject", reason) => Ok(Decision {
                approve: false,
                reason,
            }),
            _ => Err(fail("error-decision")),
        }
    }
}

/// Approves or rejects `subject` number `id` (the URL's number, a channel's or a membership's
/// id) with its audit line, in one transaction; `None` when it is no longer waiting (decided
/// meanwhile by another manager): nothing changes then.
pub fn decide(
    conn: &mut AnyConnection,
    actor: &Actor,
    (subject, id): (Subject, i64),
    manager_id: AccountId,
    decision: &Decision,
    now: NaiveDateTime,
) -> QueryResult<Option<DecisionNotice>> {
    let Decision { approve, reason } = decision;
    let (approve, reason) = (*approve, reason.as_deref());
    let review = Review {
        by: manager_id,
        approve,
        reason,
    };
    crate::db::write_transaction(conn, |conn| {
        let decided = match subject {
            Subject::Channel => crate::channels::decide_channel(conn, ChannelId(id), review)?,
            Subject::Membership => {
                crate::channels::decide_membership(conn, MembershipId(id), review)?
            }
        };
        if let Some(notice) = &decided {
            let code = match subject {
                Subject::Channel => action::CHANNEL_REVIEW,
                Subject::Membership => action::MEMBERSHIP_REVIEW,
            };
            let entry = audit::Entry::new(code, format!("{} {id}", subject.name()))
                .participant(notice.participant_id)
                .before(serde_json::json!({ "state": "pending" }))
                .after(serde_json::json!({
                    "state": if approve { "approved" } else { "rejected" },
                    "reason": reason,
                }));
            audit::record(conn, actor, entry, now)?;
        }
        Ok(decided)
    })
}
