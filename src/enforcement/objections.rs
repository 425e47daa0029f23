//! Objections (G.12): a participant objects in writing to any enforcement action against it (a
//! measure, a commission rejected, reversed or held, a rejected channel or membership, a
//! registration ban — see `subjects`), with evidence, within the claim period (5 working days);
//! an account manager other than the one who took the action decides within 15 working days.
//! Upheld, the action is undone in the way that fits it; rejected, with a reason. One
//! objection per action, decided once.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::evidence::Stored;
use super::measures;
use super::states::ObjectionDecision;
use super::subjects::{self, Action, Subject, SubjectKind, What};
use crate::audit::{self, action, Actor};
use crate::calendar::working_days::{self, Calendar};
use crate::db::ids::{
    AccountId, BanId, ChannelId, CommissionId, MeasureId, MembershipId, ObjectionFileId,
    ObjectionId, ParticipantId,
};
use crate::db::schema::{accounts, objection_files, objections, participants};
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::ledger::commissions;
use crate::ledger::states::{CommissionState, EventSource};
use crate::participants::reviews::{self, Reviewed};
use crate::participants::{MeasureKind, MembershipState, ReviewState};

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("no such action against this participant")]
    NotFound,
    #[error("the claim period is over")]
    ClaimPeriodOver,
    #[error("an objection was filed already")]
    AlreadyFiled,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Files the objection to `subject` (an action against `participant_id`) with its evidence
/// (stored already); returns its id. Refused when the action is not the participant's, is no
/// longer in force, or its claim period (5 working days, to the end of the Hong Kong day) is
/// over.
#[allow(clippy::too_many_arguments)]
pub fn file(
    conn: &mut AnyConnection,
    actor: &Actor,
    participant_id: ParticipantId,
    subject: Subject,
    text: &str,
    evidence: &[Stored],
    calendar: &Calendar,
    now: NaiveDateTime,
) -> Result<i64, FileError> {
    crate::db::write_transaction(conn, |conn| {
        // The write lock (SQLite) or the measure's row lock (PostgreSQL) first: two objections
        // sent at once take turns, and the second finds the first (for the other kinds the
        // unique subject refuses the second).
        if subject.kind == SubjectKind::Measure {
            measures::lock_measure(conn, MeasureId(subject.id))?;
        }
        let action =
            subjects::find(conn, calendar, participant_id, subject)?.ok_or(FileError::NotFound)?;
        let today = working_days::hong_kong_day(now);
        if !action.claim_open(today) {
            return Err(FileError::ClaimPeriodOver);
        }
        let due_on = calendar.add_working_days(today, working_days::DECISION_PERIOD);
        let inserted = diesel::insert_into(objections::table)
            .values((
                objections::subject_kind.eq(subject.kind),
                objections::subject_id.eq(subject.id),
                objections::participant_id.eq(participant_id),
                objections::text.eq(text),
                objections::filed_at.eq(now),
                objections::due_on.eq(due_on),
            ))
            .returning(objections::id)
            .get_result::<i64>(conn);
        let id = crate::db::on_unique_violation(inserted, || Err(FileError::AlreadyFiled))?;
        for stored in evidence {
            diesel::insert_into(objection_files::table)
                .values((
                    objection_files::objection_id.eq(id),
                    objection_files::file_name.eq(&stored.file_name),
                    objection_files::content_type.eq(stored.file_type.content_type()),
                    objection_files::size.eq(stored.size as i64),
                    objection_files::stored_as.eq(&stored.stored_as),
                    objection_files::sha256.eq(&stored.sha256),
                ))
                .execute(conn)?;
        }
        let files: Vec<_> = evidence
            .iter()
            .map(|s| json!({ "name": s.file_name, "sha256": s.sha256, "size": s.size }))
            .collect();
        let entry = audit::Entry::new(action::OBJECTION_FILED, format!("objection {id}"))
            .participant(participant_id)
            .after(json!({
                "subject": subject.kind.as_str(),
                "subject_id": subject.id,
                "text": text,
                "evidence": files,
                "due_on": due_on,
            }));
        audit::record(conn, actor, entry, now)?;
        Ok(id)
    })
}

#[derive(Debug, Clone)]
pub struct EvidenceFile {
    pub id: ObjectionFileId,
    /// The upload's name, cleaned (`evidence::clean_name`): shown as text, never used as one.
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub stored_as: String,
}

impl EvidenceFile {
    /// The name it is offered under: `evidence-12.pdf`.
    pub fn download_name(&self) -> String {
        super::evidence::download_name(self.id, &self.content_type)
    }
}

/// An objection as the pages show it, with the action it is to.
#[derive(Debug, Clone)]
pub struct Objection {
    pub id: ObjectionId,
    pub subject: Subject,
    /// The action objected to, as it is now (`None` only should its row be gone).
    pub action: Option<Action>,
    pub participant_id: ParticipantId,
    pub company_name: String,
    pub text: String,
    pub filed_at: NaiveDateTime,
    pub due_on: NaiveDate,
    pub decision: Option<ObjectionDecision>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    /// An upheld objection to a commission: the state it went back to.
    pub restored_to: Option<CommissionState>,
    pub files: Vec<EvidenceFile>,
}

impl Objection {
    pub fn is_open(&self) -> bool {
        self.decision.is_none()
    }

    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && self.due_on < today
    }

    /// The measure objected to, if the action is a measure.
    pub fn measure_id(&self) -> Option<i64> {
        (self.subject.kind == SubjectKind::Measure).then_some(self.subject.id)
    }

    /// The action objected to, in words: "Written warning", "Commission on order 1001
    /// rejected".
    pub fn title(&self, lang: &Lang) -> String {
        let lang = *lang;
        match &self.action {
            Some(action) => super::notices::action_title(lang, action),
            None => lang.t(&format!("objection-subject-{}", self.subject.kind.as_str())),
        }
    }

    /// Whether the upheld objection may put a commission back in a state the manager picks
    /// (a rejected one: approved or pending again).
    pub fn offers_restore_choice(&self) -> bool {
        self.is_open()
            && matches!(
                self.action.as_ref().map(|a| &a.what),
                Some(What::Commission(CommissionState::Rejected, false))
            )
    }
}

/// An objection as `load` reads it, before its evidence and decider are added.
#[derive(Queryable, Selectable)]
#[diesel(table_name = objections)]
struct Row {
    id: ObjectionId,
    subject_kind: SubjectKind,
    subject_id: i64,
    participant_id: ParticipantId,
    #[diesel(select_expression = participants::company_name)]
    company_name: String,
    text: String,
    filed_at: NaiveDateTime,
    due_on: NaiveDate,
    decision: Option<ObjectionDecision>,
    decision_reason: Option<String>,
    decided_by: Option<AccountId>,
    decided_at: Option<NaiveDateTime>,
    restored_to: Option<CommissionState>,
}

enum Which {
    All,
    Participant(ParticipantId),
    Subject(Subject),
    Id(ObjectionId),
}

fn load(conn: &mut AnyConnection, which: Which) -> QueryResult<Vec<Objection>> {
    let mut query = objections::table
        .inner_join(participants::table.on(participants::id.eq(objections::participant_id)))
        .into_boxed();
    query = match which {
        Which::All => query,
        Which::Participant(id) => query.filter(objections::participant_id.eq(id)),
        Which::Subject(subject) => query
            .filter(objections::subject_kind.eq(subject.kind))
            .filter(objections::subject_id.eq(subject.id)),
        Which::Id(id) => query.filter(objections::id.eq(id)),
    };
    let rows: Vec<Row> = query
        .order((
            objections::decision.is_not_null(),
            objections::due_on,
            objections::id,
        ))
        .select(Row::as_select())
        .load(conn)?;
    let ids: Vec<ObjectionId> = rows.iter().map(|r| r.id).collect();
    let files: Vec<(ObjectionId, ObjectionFileId, String, String, i64, String)> =
        objection_files::table
            .filter(objection_files::objection_id.eq_any(&ids))
            .order(objection_files::id)
            .select((
                objection_files::objection_id,
                objection_files::id,
                objection_files::file_name,
                objection_files::content_type,
                objection_files::size,
                objection_files::stored_as,
            ))
            .load(conn)?;
    let deciders: Vec<(AccountId, String)> = accounts::table
        .filter(accounts::id.eq_any(rows.iter().filter_map(|r| r.decided_by).collect::<Vec<_>>()))
        .select((accounts::id, accounts::email))
        .load(conn)?;
    let calendar = crate::calendar::holidays::load(conn)?;
    let mut all = Vec::with_capacity(rows.len());
    for r in rows {
        let subject = Subject::new(r.subject_kind, r.subject_id);
        all.push(Objection {
            id: r.id,
            subject,
            action: subjects::find_any(conn, &calendar, subject)?,
            participant_id: r.participant_id,
            company_name: r.company_name,
            text: r.text,
            filed_at: r.filed_at,
            due_on: r.due_on,
            decision: r.decision,
            decision_reason: r.decision_reason,
            decided_by: r
                .decided_by
                .and_then(|id| deciders.iter().find(|d| d.0 == id).map(|d| d.1.clone())),
            decided_at: r.decided_at,
            restored_to: r.restored_to,
            files: files
                .iter()
                .filter(|f| f.0 == r.id)
                .map(|f| EvidenceFile {
                    id: f.1,
                    file_name: f.2.clone(),
                    content_type: f.3.clone(),
                    size: f.4,
                    stored_as: f.5.clone(),
                })
                .collect(),
        });
    }
    Ok(all)
}

/// Every objection: open ones first, by due date.
pub fn all(conn: &mut AnyConnection) -> QueryResult<Vec<Objection>> {
    load(conn, Which::All)
}

pub fn of_participant(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<Vec<Objection>> {
    load(conn, Which::Participant(participant_id))
}

/// The objection to `subject`, if one was filed.
pub fn of_subject(conn: &mut AnyConnection, subject: Subject) -> QueryResult<Option<Objection>> {
    Ok(load(conn, Which::Subject(subject))?.into_iter().next())
}

pub fn of_measure(
    conn: &mut AnyConnection,
    measure_id: MeasureId,
) -> QueryResult<Option<Objection>> {
    of_subject(conn, Subject::new(SubjectKind::Measure, measure_id))
}

pub fn find(conn: &mut AnyConnection, id: ObjectionId) -> QueryResult<Option<Objection>> {
    Ok(load(conn, Which::Id(id))?.into_iter().next())
}

/// Who decides an objection (G.12, four eyes): any active account manager but the one who
/// took the action — unless that one is the only active manager. An action the portal took
/// itself (a coupon, the locking date, a hold) is decided by any manager.
#[derive(Debug, Clone)]
pub struct Deciders {
    pub objection_id: ObjectionId,
    /// The manager who took the action: (id, address); `None` when the portal did.
    pub taken_by: Option<(AccountId, String)>,
    /// The other active account managers (by address): they decide. None: the one who took
    /// it is the only manager, and decides.
    pub others: Vec<(AccountId, String)>,
}

impl Deciders {
    pub fn may_decide(&self, manager_id: AccountId) -> bool {
        match &self.taken_by {
            Some((taker, _)) => may_decide(*taker, manager_id, self.others.len()),
            None => true,
        }
    }

    /// The address of the manager who took the action, or empty.
    pub fn taker(&self) -> String {
        self.taken_by
            .as_ref()
            .map(|(_, email)| email.clone())
            .unwrap_or_default()
    }

    /// The addresses of the other managers, for a sentence.
    pub fn other_names(&self) -> String {
        self.others
            .iter()
            .map(|(_, email)| email.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The four-eyes rule: the manager who took an action does not decide the objection to it
/// while another active manager (`others` of them) can.
pub fn may_decide(taken_by: AccountId, manager_id: AccountId, others: usize) -> bool {
    manager_id != taken_by || others == 0
}

/// Who decides each of `objections`.
pub fn deciders(conn: &mut AnyConnection, objections: &[&Objection]) -> QueryResult<Vec<Deciders>> {
    let active = crate::accounts::active_managers(conn)?;
    let mut all = Vec::new();
    for o in objections {
        let taker = o.action.as_ref().and_then(|a| a.taken_by);
        all.push(deciders_of(conn, &active, o.id, taker)?);
    }
    Ok(all)
}

fn deciders_of(
    conn: &mut AnyConnection,
    active: &[(AccountId, String)],
    objection_id: ObjectionId,
    taker: Option<AccountId>,
) -> QueryResult<Deciders> {
    let taken_by = match taker {
        Some(id) => accounts::table
            .find(id)
            .select(accounts::email)
            .first::<String>(conn)
            .optional()?
            .map(|email| (id, email)),
        None => None,
    };
    Ok(Deciders {
        objection_id,
        others: active
            .iter()
            .filter(|(id, _)| Some(*id) != taker)
            .cloned()
            .collect(),
        taken_by,
    })
}

#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("no such objection")]
    NotFound,
    #[error("the objection was decided already")]
    Decided,
    #[error("the manager who took the action does not decide the objection to it")]
    OwnMeasure,
    #[error(transparent)]
    Lift(#[from] measures::LiftError),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<DecideError> for diesel::result::Error {
    fn from(e: DecideError) -> Self {
        match e {
            DecideError::Db(e) => e,
            _ => diesel::result::Error::RollbackTransaction,
        }
    }
}

/// The objection decided: whose it is and what it was to, for the mail.
#[derive(Debug, Clone, Copy)]
pub struct Decided {
    pub participant_id: ParticipantId,
    pub subject: Subject,
    /// Whether clicks are credited otherwise now (an upheld objection lifted a termination or
    /// restriction, or approved a channel or membership): the caller tells the click writer
    /// once this is committed.
    pub crediting_changed: bool,
}

/// Decides the objection; upheld undoes the action in the way that fits it, in the same
/// transaction: a measure is lifted, a rejected commission goes back to `restore` (approved
/// unless the manager picks pending) and a reversed one to approved, a held one is released, a
/// rejected channel or membership is approved, a ban is lifted — each with its audit line.
pub fn decide(
    conn: &mut AnyConnection,
    actor: &Actor,
    objection_id: ObjectionId,
    upheld: bool,
    restore: Option<CommissionState>,
    reason: &str,
    now: NaiveDateTime,
) -> Result<Decided, DecideError> {
    crate::db::write_transaction(conn, |conn| {
        let locked = diesel::update(objections::table.find(objection_id))
            .set(objections::id.eq(objections::id))
            .execute(conn)?;
        if locked == 0 {
            return Err(DecideError::NotFound);
        }
        let row: Option<(SubjectKind, i64, ParticipantId, Option<ObjectionDecision>)> =
            objections::table
                .find(objection_id)
                .select((
                    objections::subject_kind,
                    objections::subject_id,
                    objections::participant_id,
                    objections::decision,
                ))
                .first(conn)
                .optional()?;
        let (kind, subject_id, participant_id, decision) = row.ok_or(DecideError::NotFound)?;
        if decision.is_some() {
            return Err(DecideError::Decided);
        }
        let subject = Subject::new(kind, subject_id);
        let calendar = crate::calendar::holidays::load(conn)?;
        let action = subjects::find_any(conn, &calendar, subject)?;
        // Four eyes (G.12): checked here, under the objection's lock, whatever the page offered.
        if let Some(manager_id) = actor.id {
            let active = crate::accounts::active_managers(conn)?;
            let who = deciders_of(
                conn,
                &active,
                objection_id,
                action.as_ref().and_then(|a| a.taken_by),
            )?;
            if !who.may_decide(manager_id) {
                return Err(DecideError::OwnMeasure);
            }
        }
        let decision = if upheld {
            ObjectionDecision::Upheld
        } else {
            ObjectionDecision::Rejected
        };
        // The state a commission goes back to is written with the decision: the database lets
        // a rejected or reversed commission move only to the state an upheld objection names.
        let restored_to = match action.as_ref().map(|a| &a.what) {
            Some(What::Commission(CommissionState::Rejected, _)) if upheld => {
                Some(restore.unwrap_or(CommissionState::Approved))
            }
            Some(What::Commission(CommissionState::Reversed, _)) if upheld => {
                Some(CommissionState::Approved)
            }
            _ => None,
        };
        let changed = diesel::update(
            objections::table
                .find(objection_id)
                .filter(objections::decision.is_null()),
        )
        .set((
            objections::decision.eq(decision),
            objections::decision_reason.eq(reason),
            objections::decided_by.eq(actor.id),
            objections::decided_at.eq(now),
            objections::restored_to.eq(restored_to),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(DecideError::Decided);
        }
        let mut credits_changed = false;
        let mut undone = serde_json::Value::Null;
        if upheld {
            let undo = Undo {
                actor,
                objection_id,
                participant_id,
                reason,
                now,
            };
            (undone, credits_changed) = undo.apply(conn, subject, restored_to)?;
        }
        let entry = audit::Entry::new(
            action::OBJECTION_DECIDED,
            format!("objection {objection_id}"),
        )
        .participant(participant_id)
        .before(json!({ "decision": null }))
        .after(json!({
            "decision": decision.as_str(),
            "reason": reason,
            "subject": kind.as_str(),
            "subject_id": subject_id,
            "undone": undone,
        }));
        audit::record(conn, actor, entry, now)?;
        Ok(Decided {
            participant_id,
            subject,
            crediting_changed: credits_changed,
        })
    })
}

/// What an upheld objection undoes, and who and why.
struct Undo<'a> {
    actor: &'a Actor,
    objection_id: ObjectionId,
    participant_id: ParticipantId,
    reason: &'a str,
    now: NaiveDateTime,
}

impl Undo<'_> {
    /// A rejection undone: `state` (approved) with no reason, decided by this manager now.
    fn approved<S>(&self, state: S) -> Reviewed<'static, S> {
        Reviewed {
            state,
            reason: None,
            by: self.actor.id,
            at: self.now,
        }
    }

    /// Undoes the action `subject` in the caller's transaction; what was undone (for the audit
    /// line), and whether crediting of clicks changes (a termination, restriction, channel or
    /// membership). An action that changed meanwhile (a commission the advertiser approved, a
    /// measure lifted by hand) is left as it is: the objection is still upheld.
    fn apply(
        &self,
        conn: &mut AnyConnection,
        subject: Subject,
        restore: Option<CommissionState>,
    ) -> Result<(serde_json::Value, bool), DecideError> {
        let id = subject.id;
        match subject.kind {
            SubjectKind::Measure => {
                match measures::lift_in(
                    conn,
                    self.actor,
                    MeasureId(id),
                    self.reason,
                    true,
                    self.now,
                ) {
                    Ok((_, kind)) => Ok((
                        json!({ "measure": id, "lifted": true }),
                        matches!(kind, MeasureKind::Terminate | MeasureKind::Restrict),
                    )),
                    // Lifted by hand meanwhile: the objection is still upheld.
                    Err(measures::LiftError::AlreadyLifted) => Ok((json!(null), false)),
                    Err(e) => Err(e.into()),
                }
            }
            SubjectKind::Commission => {
                Ok((self.commission(conn, CommissionId(id), restore)?, false))
            }
            SubjectKind::Channel => {
                let changed = reviews::review_channel(
                    conn,
                    ChannelId(id),
                    &[ReviewState::Rejected],
                    self.approved(ReviewState::Approved),
                )?;
                self.record(
                    conn,
                    action::CHANNEL_REVIEW,
                    format!("channel {id}"),
                    changed,
                )?;
                Ok((
                    json!({ "channel": id, "approved": changed > 0 }),
                    changed > 0,
                ))
            }
            SubjectKind::Membership => {
                let changed = reviews::decide_membership(
                    conn,
                    MembershipId(id),
                    MembershipState::Rejected,
                    self.approved(MembershipState::Approved),
                )?;
                let subject = format!("membership {id}");
                self.record(conn, action::MEMBERSHIP_REVIEW, subject, changed)?;
                Ok((
                    json!({ "membership": id, "approved": changed > 0 }),
                    changed > 0,
                ))
            }
            SubjectKind::Ban => {
                // A ban a measure made ends with its measure (and the measure's other bans).
                let measure_id =
                    crate::enforcement::bans::by_id(conn, BanId(id))?.and_then(|b| b.measure_id);
                if let Some(measure_id) = measure_id {
                    match measures::lift_in(
                        conn,
                        self.actor,
                        measure_id,
                        self.reason,
                        true,
                        self.now,
                    ) {
                        Ok(_) | Err(measures::LiftError::AlreadyLifted) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
                let lifted = crate::enforcement::bans::lift(
                    conn,
                    self.actor,
                    BanId(id),
                    self.reason,
                    self.now,
                )?;
                Ok((
                    json!({ "ban": id, "measure": measure_id, "lifted": true, "was_in_force": lifted.is_some() }),
                    false,
                ))
            }
        }
    }

    /// A channel or membership approved on objection: its own audit line.
    fn record(
        &self,
        conn: &mut AnyConnection,
        what: &'static str,
        subject: String,
        changed: usize,
    ) -> QueryResult<()> {
        if changed == 0 {
            return Ok(());
        }
        let entry = audit::Entry::new(what, subject)
            .participant(self.participant_id)
            .before(json!({ "state": "rejected" }))
            .after(json!({
                "state": "approved",
                "reason": self.reason,
                "objection": self.objection_id,
            }));
        audit::record(conn, self.actor, entry, self.now)
    }

    /// A rejected commission back to `restore`, a reversed one to approved (with what its
    /// reversal took given back), a held one released — under the conversion's lock, through
    /// the compare-and-set of `commissions`, so nothing is paid twice.
    fn commission(
        &self,
        conn: &mut AnyConnection,
        id: CommissionId,
        restore: Option<CommissionState>,
    ) -> Result<serde_json::Value, DecideError> {
        let Some(found) = commissions::find(conn, id)? else {
            return Ok(json!(null));
        };
        commissions::lock_conversion(conn, found.conversion_id)?;
        let Some(commission) = commissions::find(conn, id)? else {
            return Ok(json!(null));
        };
        let before = commission.state;
        let actor = commissions::ChangedBy {
            source: EventSource::Manager,
            manager: self.actor.id,
            at: self.now,
        };
        let after = match (commission.state, commission.held) {
            (CommissionState::Pending, true) => {
                commissions::set_held(conn, &commission, false, None, actor)?;
                // Past its locking date it becomes final now.
                crate::ledger::locking::settle_conversion(
                    conn,
                    commission.conversion_id,
                    self.now,
                )?;
                "released"
            }
            (CommissionState::Rejected | CommissionState::Reversed, _) => {
                let Some(to) = restore else {
                    return Ok(json!(null));
                };
                commissions::restore_on_objection(conn, &commission, to, self.objection_id, actor)?;
                to.as_str()
            }
            // Decided otherwise meanwhile: nothing left to undo.
            _ => return Ok(json!(null)),
        };
        let entry = audit::Entry::new(action::COMMISSION_DECIDED, format!("commission {id}"))
            .participant(self.participant_id)
            .before(json!({ "state": before.as_str(), "held": commission.held }))
            .after(json!({
                "state": after,
                "reason": self.reason,
                "objection": self.objection_id,
            }));
        audit::record(conn, self.actor, entry, self.now)?;
        Ok(json!({ "commission": id, "from": before.as_str(), "to": after }))
    }
}

#[cfg(test)]
mod tests {
    use super::may_decide;
    use crate::db::ids::AccountId;

    #[test]
    fn the_manager_who_took_the_measure_decides_only_when_no_other_can() {
        let (one, two) = (AccountId(1), AccountId(2));
        assert!(!may_decide(one, one, 1), "another manager can: four eyes");
        assert!(may_decide(one, two, 1), "another manager decides");
        assert!(may_decide(one, one, 0), "the only manager decides");
    }
}
