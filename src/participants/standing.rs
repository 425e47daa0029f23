//! What open measures (F.11) mean for the rest of the portal, read where it is decided: payout
//! runs skip a participant whose payments are withheld, applications are refused while they are
//! restricted, a terminated participant cannot log in. Measures are taken and lifted in
//! `enforcement`; these queries only read them, so every part sees a measure the moment it is
//! committed.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{MeasureKind, Restriction};
use crate::db::ids::{AccountId, MeasureId, ParticipantId};
use crate::db::schema::{measures, participants};
use crate::db::AnyConnection;

/// The open (not lifted) withholding of the participant's payments, if any: its measure's id.
pub fn withholding(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<Option<MeasureId>> {
    open_measure(conn, participant_id, MeasureKind::Withhold, None)
}

/// The open restriction on new applications (F.11.f), if any: its measure's id.
pub fn applications_restricted(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<Option<MeasureId>> {
    let applications = Some(Restriction::Applications);
    open_measure(conn, participant_id, MeasureKind::Restrict, applications)
}

/// The newest open (not lifted) measure of `kind` on the participant, of `restriction` when one
/// is named: its id.
fn open_measure(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    kind: MeasureKind,
    restriction: Option<Restriction>,
) -> QueryResult<Option<MeasureId>> {
    let open: Vec<(MeasureId, Option<Restriction>)> = measures::table
        .filter(measures::participant_id.eq(participant_id))
        .filter(measures::kind.eq(kind))
        .filter(measures::lifted_at.is_null())
        .select((measures::id, measures::restriction))
        .order(measures::id.desc())
        .load(conn)?;
    Ok(open
        .into_iter()
        .find(|(_, r)| restriction.is_none() || *r == restriction)
        .map(|(id, _)| id))
}

/// When the participant was terminated (F.11.e), if it is.
pub fn terminated_at(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<Option<NaiveDateTime>> {
    Ok(participants::table
        .find(participant_id)
        .select(participants::terminated_at)
        .first::<Option<NaiveDateTime>>(conn)
        .optional()?
        .flatten())
}

/// Whether the account belongs to a terminated participant.
pub fn account_terminated(conn: &mut AnyConnection, account_id: AccountId) -> QueryResult<bool> {
    let count: i64 = participants::table
        .filter(participants::account_id.eq(account_id))
        .filter(participants::terminated_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

/// Why and since when a participant is terminated, as its login page says it.
#[derive(Debug, Clone)]
pub struct Termination {
    pub measure_id: Option<MeasureId>,
    pub at: NaiveDateTime,
    pub reason: Option<String>,
    /// The last day an objection is accepted (G.12).
    pub claim_until: Option<chrono::NaiveDate>,
}

impl Termination {
    pub fn message(&self, lang: crate::i18n::Lang) -> String {
        let mut text = lang.t_args(
            "login-terminated-text",
            &[("date", lang.format_date(self.at.date()))],
        );
        if let Some(reason) = &self.reason {
            text.push('\n');
            text.push_str(&lang.t_args("login-terminated-reason", &[("reason", reason.clone())]));
        }
        if let Some(until) = self.claim_until {
            text.push('\n');
            text.push_str(&lang.t_args(
                "login-terminated-objection",
                &[(
                    "date",
                    crate::calendar::working_days::deadline_day_moment(
                        lang,
                        until,
                        crate::i18n::READER_ZONE,
                    ),
                )],
            ));
        }
        // What becomes of the money: the payout runs still pay the approved balance, the
        // locking leaves pending commissions waiting (`ledger::locking`).
        text.push('\n');
        text.push_str(&lang.t("login-terminated-money"));
        text
    }
}

/// The termination of the account's participant, if it is terminated.
pub fn termination_of_account(
    conn: &mut AnyConnection,
    account_id: AccountId,
) -> QueryResult<Option<Termination>> {
    let row: Option<(ParticipantId, Option<NaiveDateTime>)> = participants::table
        .filter(participants::account_id.eq(account_id))
        .select((participants::id, participants::terminated_at))
        .first(conn)
        .optional()?;
    let Some((participant_id, Some(at))) = row else {
        return Ok(None);
    };
    let measure: Option<(MeasureId, String, chrono::NaiveDate)> = measures::table
        .filter(measures::participant_id.eq(participant_id))
        .filter(measures::kind.eq(MeasureKind::Terminate))
        .filter(measures::lifted_at.is_null())
        .order(measures::id.desc())
        .select((measures::id, measures::reason, measures::claim_until))
        .first(conn)
        .optional()?;
    Ok(Some(Termination {
        measure_id: measure.as_ref().map(|m| m.0),
        at,
        reason: measure.as_ref().map(|m| m.1.clone()),
        claim_until: measure.map(|m| m.2),
    }))
}

/// Notices (measures) the participant has not opened yet.
pub fn unread_notices(conn: &mut AnyConnection, participant_id: ParticipantId) -> QueryResult<i64> {
    measures::table
        .filter(measures::participant_id.eq(participant_id))
        .filter(measures::read_at.is_null())
        .count()
        .get_result(conn)
}
