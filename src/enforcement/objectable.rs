//! The actions against a participant that are open to objection or objected to (G.12), as the
//! pages that list actions (conversions, channels) and the objections page show them.

use super::objections::{self, Objection};
use super::states::ObjectionDecision;
use super::subjects::{self, Action, Subject, SubjectKind};
use crate::calendar::working_days;
use crate::db::ids::{AnyId, ChannelId, MembershipId, ParticipantId};
use crate::i18n::Lang;
use crate::web::AppError;

/// The last day to object (or to decide), as the participant reads it: the end of the Hong
/// Kong day the period ends on (G.12, G.13), and the same moment in the reader's time.
pub fn claim_deadline(lang: Lang, day: chrono::NaiveDate) -> String {
    crate::calendar::working_days::deadline_day_moment(lang, day, crate::i18n::READER_ZONE)
}

/// What an objection's state says to the participant: decided, or decided by when.
pub fn decision_words(lang: Lang, o: &Objection) -> String {
    match o.decision {
        Some(ObjectionDecision::Upheld) => lang.t("objection-upheld"),
        Some(ObjectionDecision::Rejected) => lang.t("objection-rejected"),
        None => lang.t_args(
            "objection-pending",
            &[("date", claim_deadline(lang, o.due_on))],
        ),
    }
}

pub fn today() -> chrono::NaiveDate {
    working_days::hong_kong_day(crate::db::now())
}

/// Every action against the participant, each with its objection (if any).
pub fn actions_with_objections(
    conn: &mut crate::db::AnyConnection,
    participant_id: ParticipantId,
) -> Result<Vec<(Action, Option<Objection>)>, AppError> {
    let calendar = crate::calendar::holidays::load(conn)?;
    let actions = subjects::of_participant(conn, &calendar, participant_id)?;
    let objections = objections::of_participant(conn, participant_id)?;
    Ok(actions
        .into_iter()
        .map(|a| {
            let o = objections.iter().find(|o| o.subject == a.subject).cloned();
            (a, o)
        })
        .collect())
}

/// For the pages that list actions (conversions, channels): the actions against the participant
/// open to objection or objected to, to put "Object" (with its deadline) or the objection's
/// state next to each.
pub struct Objectable {
    lang: Lang,
    today: chrono::NaiveDate,
    actions: Vec<(Action, Option<Objection>)>,
    /// The channel of each membership among the actions: (membership, channel).
    membership_channels: Vec<(MembershipId, ChannelId)>,
}

impl Objectable {
    pub fn load(
        conn: &mut crate::db::AnyConnection,
        lang: Lang,
        participant_id: ParticipantId,
    ) -> Result<Objectable, AppError> {
        use crate::db::schema::memberships;
        use diesel::prelude::*;
        let actions = actions_with_objections(conn, participant_id)?;
        let ids: Vec<i64> = actions
            .iter()
            .filter(|(a, _)| a.subject.kind == SubjectKind::Membership)
            .map(|(a, _)| a.subject.id)
            .collect();
        let membership_channels = memberships::table
            .filter(memberships::id.eq_any(&ids))
            .select((memberships::id, memberships::channel_id))
            .load(conn)?;
        Ok(Objectable {
            lang,
            today: today(),
            actions,
            membership_channels,
        })
    }

    /// `link` for the membership of channel `channel_id`.
    pub fn membership_link(&self, channel_id: &ChannelId) -> Option<(String, String)> {
        let (membership_id, _) = self
            .membership_channels
            .iter()
            .find(|(_, c)| c == channel_id)?;
        self.link("membership", membership_id)
    }

    fn find(&self, kind: SubjectKind, id: i64) -> Option<&(Action, Option<Objection>)> {
        self.actions
            .iter()
            .find(|(a, _)| a.subject == Subject::new(kind, id))
    }

    /// The link and words for the action `kind` `id`: ("Object (until …)" or the objection's
    /// state, where it leads). `None` when it is no action, or no longer open to objection.
    pub fn link(&self, kind: &str, id: impl AnyId) -> Option<(String, String)> {
        let kind = SubjectKind::parse(kind)?;
        let (action, objection) = self.find(kind, id.number())?;
        let href = format!("/{}{}", self.lang.code(), action.subject.path());
        match objection {
            Some(o) => Some((decision_words(self.lang, o), href)),
            None if action.claim_open(self.today) => Some((
                self.lang.t_args(
                    "objection-object-until",
                    &[("date", claim_deadline(self.lang, action.claim_until))],
                ),
                href,
            )),
            None => None,
        }
    }
}
