//! Measures (F.11.a–g): taking one, in one transaction with its effect and its audit line, and
//! lifting one, which undoes the effect with new rows (a deduction is paid back by a new ledger
//! row, never by changing the old one).
//!
//! What each does at once, everywhere:
//! - warning, cure period: nothing but the notice (a cure period has a deadline);
//! - withhold: payout runs skip the participant (`participants::standing`);
//! - deduct: a negative ledger row that names the measure;
//! - terminate: `participants.terminated_at` (no login, clicks not credited, commissions wait);
//! - restrict: new applications refused, or one membership ended;
//! - ban: the account's address and/or its channels' domains onto the registration ban list.
//!
//! The form's one-time `request_key` is unique: the same form sent twice (two tabs, a double
//! click, two managers pressing at once on one form) is one measure. Lifting is a conditional
//! update, so two managers lifting at once lift once.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::states::CureDecision;
use crate::audit::{self, action, Actor};
use crate::calendar::working_days::{self, Calendar};
use crate::db::ids::{AccountId, MeasureId, MembershipId, ParticipantId};
use crate::db::schema::{accounts, channels, measure_clauses, measures, memberships, participants};
use crate::db::AnyConnection;
use crate::domain::Money;
use crate::ledger::states::EntryKind;
use crate::participants::{MeasureKind, MembershipState, Restriction};
use crate::programme::versions;

/// Ledger reasons of a deduction and of its repayment.
pub const DEDUCTION: &str = "deduction";
pub const DEDUCTION_UNDONE: &str = "deduction_undone";

/// Sections of the rules a participant can breach: B (obligations), C and D (contents),
/// E (restricted behaviours). F.11 imposes its measures "in the event of any breach", so a
/// measure cites at least one clause of these; A defines words, F and G are the penalties
/// and the claims.
pub const BREACH_SECTIONS: [&str; 4] = ["B", "C", "D", "E"];

/// Whether the clause is one a participant can breach (F.11: "in the event of any breach").
pub fn can_be_breached(clause: &versions::ClauseText) -> bool {
    BREACH_SECTIONS.contains(&clause.section.as_str())
}

/// A measure as the manager asked for it, checked by the form.
#[derive(Debug, Clone)]
pub struct Proposal {
    pub kind: MeasureKind,
    /// Citations such as `E.10.c`, at least one.
    pub citations: Vec<String>,
    pub reason: String,
    pub deadline: Option<NaiveDate>,
    pub amount: Option<Money>,
    pub restriction: Option<Restriction>,
    pub membership_id: Option<MembershipId>,
    pub ban_email: bool,
    pub ban_domains: bool,
    /// The cure period this measure escalates.
    pub escalates: Option<i64>,
    pub request_key: String,
}

#[derive(Debug, thiserror::Error)]
pub enum TakeError {
    #[error("no such participant")]
    UnknownParticipant,
    #[error("no clause {0} in the rules in force")]
    UnknownClause(String),
    #[error("no cited clause can be breached (sections B to E)")]
    NoBreachCited,
    #[error("the participant is terminated already")]
    AlreadyTerminated,
    #[error("no such membership of this participant")]
    UnknownMembership,
    #[error("the membership is not active")]
    MembershipNotActive,
    #[error("nothing to ban")]
    NothingToBan,
    #[error("the cure period cannot be escalated")]
    NotEscalatable,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// What `take` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    pub measure_id: MeasureId,
    /// False when the same form had been sent before: nothing new was done.
    pub new: bool,
    /// Whether clicks are credited otherwise now (a termination, a restriction that ends a
    /// membership): the caller tells the click writer once this is committed.
    pub crediting_changed: bool,
}

/// Takes the measure against `participant_id`, with its effect and its audit line, in one
/// transaction.
pub fn take(
    conn: &mut AnyConnection,
    actor: &Actor,
    participant_id: ParticipantId,
    proposal: &Proposal,
    calendar: &Calendar,
    now: NaiveDateTime,
) -> Result<Taken, TakeError> {
    let taken = crate::db::write_transaction(conn, |conn| {
        take_in(conn, actor, participant_id, proposal, calendar, now)
    });
    let taken = match taken {
        // The same form, committed by a request a moment ago.
        Err(TakeError::Db(e)) if crate::db::is_unique_violation(&e) => {
            let id = measure_by_key(conn, &proposal.request_key)?
                .ok_or(TakeError::Db(diesel::result::Error::NotFound))?;
            return Ok(Taken {
                measure_id: id,
                new: false,
                crediting_changed: false,
            });
        }
        other => other?,
    };
    Ok(Taken {
        crediting_changed: taken.new && changes_crediting(proposal),
        ..taken
    })
}

fn changes_crediting(proposal: &Proposal) -> bool {
    proposal.kind == MeasureKind::Terminate
        || (proposal.kind == MeasureKind::Restrict
            && proposal.restriction == Some(Restriction::Membership))
}

/// Locks the measure's row for the rest of the transaction; 0 when there is none.
pub fn lock_measure(conn: &mut AnyConnection, measure_id: MeasureId) -> QueryResult<usize> {
    diesel::update(measures::table.find(measure_id))
        .set(measures::id.eq(measures::id))
        .execute(conn)
}

fn measure_by_key(conn: &mut AnyConnection, key: &str) -> QueryResult<Option<MeasureId>> {
    measures::table
        .filter(measures::request_key.eq(key))
        .select(measures::id)
        .first(conn)
        .optional()
}

fn take_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    participant_id: ParticipantId,
    proposal: &Proposal,
    calendar: &Calendar,
    now: NaiveDateTime,
) -> Result<Taken, TakeError> {
    // First the participant's row, for writing: on PostgreSQL a row lock that makes managers
    // acting on one participant take turns; on SQLite the write lock, taken before anything is
    // read (a read first would make a concurrent writer fail instead of wait).
    if crate::participants::lock(conn, participant_id)? == 0 {
        return Err(TakeError::UnknownParticipant);
    }
    if let Some(id) = measure_by_key(conn, &proposal.request_key)? {
        return Ok(Taken {
            measure_id: id,
            new: false,
            crediting_changed: false,
        });
    }
    let participant: Option<(AccountId, Option<NaiveDateTime>)> = participants::table
        .find(participant_id)
        .select((participants::account_id, participants::terminated_at))
        .first(conn)
        .optional()?;
    let (account_id, terminated_at) = participant.ok_or(TakeError::UnknownParticipant)?;
    let programme_id = crate::programme::queries::first_programme_id(conn)?
        .ok_or(TakeError::UnknownParticipant)?;
    let version = versions::current(conn, programme_id)?
        .ok_or_else(|| TakeError::UnknownClause(proposal.citations.join(", ")))?;
    let mut quoted = Vec::new();
    for citation in &proposal.citations {
        let clause = version
            .clause(citation)
            .ok_or_else(|| TakeError::UnknownClause(citation.clone()))?;
        quoted.push(clause.clone());
    }
    if !quoted.iter().any(can_be_breached) {
        return Err(TakeError::NoBreachCited);
    }
    if proposal.kind == MeasureKind::Terminate && terminated_at.is_some() {
        return Err(TakeError::AlreadyTerminated);
    }
    let claim_until =
        calendar.add_working_days(working_days::hong_kong_day(now), working_days::CLAIM_PERIOD);
    let (ban_email, ban_domain) = if proposal.kind == MeasureKind::Ban {
        ban_values(conn, account_id, participant_id, proposal)?
    } else {
        (None, None)
    };
    let measure_id: MeasureId = diesel::insert_into(measures::table)
        .values((
            measures::participant_id.eq(participant_id),
            measures::kind.eq(proposal.kind),
            measures::reason.eq(&proposal.reason),
            measures::rules_version_id.eq(version.id),
            measures::deadline.eq(proposal.deadline),
            measures::amount.eq(proposal.amount.map(|m| m.minor)),
            measures::currency.eq(proposal.amount.map(|m| m.currency.code().to_owned())),
            measures::restriction.eq(proposal.restriction),
            measures::membership_id.eq(proposal.membership_id),
            measures::ban_email.eq(&ban_email),
            measures::ban_domain.eq(&ban_domain),
            measures::escalates_id.eq(proposal.escalates),
            measures::request_key.eq(&proposal.request_key),
            measures::taken_by.eq(actor.id.unwrap_or_default()),
            measures::taken_at.eq(now),
            measures::claim_until.eq(claim_until),
        ))
        .returning(measures::id)
        .get_result(conn)?;
    for (position, clause) in quoted.iter().enumerate() {
        diesel::insert_into(measure_clauses::table)
            .values((
                measure_clauses::measure_id.eq(measure_id),
                measure_clauses::position.eq(position as i32),
                measure_clauses::citation.eq(clause.citation()),
                measure_clauses::anchor.eq(&clause.anchor),
                measure_clauses::body.eq(&clause.body),
            ))
            .execute(conn)?;
    }
    apply_effect(
        conn,
        participant_id,
        measure_id,
        proposal,
        (&ban_email, &ban_domain),
        now,
    )?;
    if let Some(cure_id) = proposal.escalates {
        let cure = (participant_id, MeasureId(cure_id));
        if !decide_cure(conn, actor, cure, CureDecision::Escalated, now)? {
            return Err(TakeError::NotEscalatable);
        }
    }
    let entry = audit::Entry::new(action::MEASURE_TAKEN, format!("measure {measure_id}"))
        .participant(participant_id)
        .after(json!({
            "kind": proposal.kind.as_str(),
            "clauses": proposal.citations,
            "rules_version": version.number,
            "reason": proposal.reason,
            "deadline": proposal.deadline,
            "amount": proposal.amount.map(|m| m.plain()),
            "restriction": proposal.restriction.map(|r| r.as_str()),
            "membership": proposal.membership_id,
            "ban_email": ban_email,
            "ban_domain": ban_domain,
            "escalates": proposal.escalates,
            "claim_until": claim_until,
        }));
    audit::record(conn, actor, entry, now)?;
    Ok(Taken {
        measure_id,
        new: true,
        crediting_changed: false,
    })
}

/// The address and the domains (comma-separated) a ban covers.
fn ban_values(
    conn: &mut AnyConnection,
    account_id: AccountId,
    participant_id: ParticipantId,
    proposal: &Proposal,
) -> Result<(Option<String>, Option<String>), TakeError> {
    let email = if proposal.ban_email {
        Some(
            accounts::table
                .find(account_id)
                .select(accounts::email)
                .first::<String>(conn)?,
        )
    } else {
        None
    };
    let domains = if proposal.ban_domains {
        let mut domains: Vec<String> = channels::table
            .filter(channels::participant_id.eq(participant_id))
            .select(channels::domain)
            .load(conn)?;
        domains.sort();
        domains.dedup();
        (!domains.is_empty()).then(|| domains.join(","))
    } else {
        None
    };
    if email.is_none() && domains.is_none() {
        return Err(TakeError::NothingToBan);
    }
    Ok((email, domains))
}

fn apply_effect(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    measure_id: MeasureId,
    proposal: &Proposal,
    (ban_email, ban_domain): (&Option<String>, &Option<String>),
    now: NaiveDateTime,
) -> Result<(), TakeError> {
    match proposal.kind {
        MeasureKind::Warning | MeasureKind::CurePeriod | MeasureKind::Withhold => {}
        MeasureKind::Deduct => {
            let amount = proposal
                .amount
                .ok_or(TakeError::Db(diesel::result::Error::NotFound))?;
            crate::ledger::entries::enter(
                conn,
                crate::ledger::entries::NewEntry {
                    participant_id,
                    kind: EntryKind::Deduction,
                    amount: crate::domain::Money::new(-amount.minor, amount.currency),
                    commission_id: None,
                    payout_id: None,
                    measure_id: Some(measure_id),
                    reason: Some(DEDUCTION),
                    at: now,
                },
            )?;
        }
        MeasureKind::Terminate => {
            let changed = diesel::update(
                participants::table
                    .find(participant_id)
                    .filter(participants::terminated_at.is_null()),
            )
            .set(participants::terminated_at.eq(now))
            .execute(conn)?;
            if changed == 0 {
                return Err(TakeError::AlreadyTerminated);
            }
        }
        MeasureKind::Restrict => {
            if proposal.restriction == Some(Restriction::Membership) {
                let membership_id = proposal.membership_id.ok_or(TakeError::UnknownMembership)?;
                end_membership(conn, participant_id, membership_id, measure_id, now)?;
            }
        }
        MeasureKind::Ban => {
            // Into the ban list administrators keep (enforcement::bans), the same rows the administrators' page shows.
            use crate::enforcement::bans::{self, Target};
            let mut targets: Vec<Target> = Vec::new();
            if let Some(email) = ban_email
                .as_deref()
                .and_then(|e| crate::domain::EmailAddress::parse(e).ok())
            {
                targets.push(Target::Email(email));
            }
            for domain in ban_domain.iter().flat_map(|d| d.split(',')) {
                targets.push(Target::Domain(domain.to_owned()));
            }
            for target in &targets {
                bans::put(conn, target, &proposal.reason, None, Some(measure_id), now)?;
            }
        }
    }
    Ok(())
}

fn end_membership(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    membership_id: MembershipId,
    measure_id: MeasureId,
    now: NaiveDateTime,
) -> Result<(), TakeError> {
    let own: Option<String> = memberships::table
        .inner_join(channels::table)
        .filter(memberships::id.eq(membership_id))
        .filter(channels::participant_id.eq(participant_id))
        .select(memberships::state)
        .first(conn)
        .optional()?;
    match own.as_deref().and_then(MembershipState::parse) {
        None => return Err(TakeError::UnknownMembership),
        Some(MembershipState::Approved) => {}
        Some(_) => return Err(TakeError::MembershipNotActive),
    }
    diesel::update(
        memberships::table
            .find(membership_id)
            .filter(memberships::state.eq(MembershipState::Approved)),
    )
    .set((
        memberships::state.eq(MembershipState::Rejected),
        memberships::reason.eq(format!("measure {measure_id}")),
        memberships::decided_at.eq(now),
    ))
    .execute(conn)?;
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum LiftError {
    #[error("no such measure")]
    NotFound,
    #[error("the measure was lifted already")]
    AlreadyLifted,
    /// A termination ends only by an upheld objection (F.11.e, G.12).
    #[error("a termination is lifted only by an upheld objection")]
    TerminationNeedsObjection,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Lifts measure `measure_id` and undoes its effect, in the caller's transaction. Returns the
/// participant's id and the measure's kind.
pub fn lift_in(
    conn: &mut AnyConnection,
    actor: &Actor,
    measure_id: MeasureId,
    reason: &str,
    by_objection: bool,
    now: NaiveDateTime,
) -> Result<(ParticipantId, MeasureKind), LiftError> {
    /// What lifting needs of the measure: whose, which kind, and what to undo.
    #[derive(Queryable, Selectable)]
    #[diesel(table_name = measures)]
    struct Row {
        participant_id: ParticipantId,
        kind: MeasureKind,
        amount: Option<i64>,
        currency: Option<String>,
        membership_id: Option<MembershipId>,
        lifted_at: Option<NaiveDateTime>,
    }
    if lock_measure(conn, measure_id)? == 0 {
        return Err(LiftError::NotFound);
    }
    let row: Option<Row> = measures::table
        .find(measure_id)
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    let Row {
        participant_id,
        kind,
        amount,
        currency,
        membership_id,
        lifted_at,
    } = row.ok_or(LiftError::NotFound)?;
    if lifted_at.is_some() {
        return Err(LiftError::AlreadyLifted);
    }
    if kind == MeasureKind::Terminate && !by_objection {
        return Err(LiftError::TerminationNeedsObjection);
    }
    let lifted = diesel::update(
        measures::table
            .find(measure_id)
            .filter(measures::lifted_at.is_null()),
    )
    .set((
        measures::lifted_at.eq(now),
        measures::lifted_by.eq(actor.id),
        measures::lift_reason.eq(reason),
    ))
    .execute(conn)?;
    if lifted == 0 {
        return Err(LiftError::AlreadyLifted);
    }
    match kind {
        MeasureKind::Warning | MeasureKind::CurePeriod | MeasureKind::Withhold => {}
        MeasureKind::Deduct => {
            if let (Some(amount), Some(currency)) = (amount, currency) {
                let currency = crate::domain::Currency::parse(&currency)
                    .unwrap_or(crate::domain::Currency::EUR);
                crate::ledger::entries::enter(
                    conn,
                    crate::ledger::entries::NewEntry {
                        participant_id,
                        kind: EntryKind::Deduction,
                        amount: crate::domain::Money::new(amount, currency),
                        commission_id: None,
                        payout_id: None,
                        measure_id: Some(measure_id),
                        reason: Some(DEDUCTION_UNDONE),
                        at: now,
                    },
                )?;
            }
        }
        MeasureKind::Terminate => {
            diesel::update(participants::table.find(participant_id))
                .set(participants::terminated_at.eq(None::<NaiveDateTime>))
                .execute(conn)?;
        }
        MeasureKind::Restrict => {
            if let Some(membership_id) = membership_id {
                // Active again, unless it was decided otherwise since.
                diesel::update(
                    memberships::table
                        .find(membership_id)
                        .filter(memberships::reason.eq(format!("measure {measure_id}"))),
                )
                .set((
                    memberships::state.eq(MembershipState::Approved),
                    memberships::reason.eq(None::<String>),
                    memberships::decided_at.eq(now),
                ))
                .execute(conn)?;
            }
        }
        MeasureKind::Ban => {
            // The ban list keeps the lifted bans, with who lifted them and why.
            crate::enforcement::bans::lift_of_measure(conn, measure_id, actor.id, reason, now)?;
        }
    }
    let entry = audit::Entry::new(action::MEASURE_LIFTED, format!("measure {measure_id}"))
        .participant(participant_id)
        .before(json!({ "kind": kind.as_str(), "lifted": false }))
        .after(json!({ "lifted": true, "reason": reason, "by_objection": by_objection }));
    audit::record(conn, actor, entry, now)?;
    Ok((participant_id, kind))
}

/// What `lift` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifted {
    pub participant_id: ParticipantId,
    /// Whether clicks are credited otherwise now (a termination or restriction lifted): the
    /// caller tells the click writer once this is committed.
    pub crediting_changed: bool,
}

/// Lifts a measure (not a termination) with the manager's reason, in one transaction.
pub fn lift(
    conn: &mut AnyConnection,
    actor: &Actor,
    measure_id: MeasureId,
    reason: &str,
    now: NaiveDateTime,
) -> Result<Lifted, LiftError> {
    let (participant_id, kind) = crate::db::write_transaction(conn, |conn| {
        lift_in(conn, actor, measure_id, reason, false, now)
    })?;
    Ok(Lifted {
        participant_id,
        crediting_changed: matches!(kind, MeasureKind::Terminate | MeasureKind::Restrict),
    })
}

/// A cited clause, quoted as the rules read when the measure was taken.
#[derive(Debug, Clone, Queryable)]
pub struct Cited {
    pub citation: String,
    pub anchor: String,
    pub body: String,
}

/// A measure as the pages show it.
#[derive(Debug, Clone)]
pub struct Measure {
    pub id: MeasureId,
    pub participant_id: ParticipantId,
    pub kind: MeasureKind,
    pub reason: String,
    pub rules_version: i32,
    pub deadline: Option<NaiveDate>,
    pub amount: Option<Money>,
    pub restriction: Option<Restriction>,
    pub membership_id: Option<MembershipId>,
    pub ban_email: Option<String>,
    pub ban_domain: Option<String>,
    pub taken_by: String,
    pub taken_at: NaiveDateTime,
    pub claim_until: NaiveDate,
    pub read_at: Option<NaiveDateTime>,
    pub cured_text: Option<String>,
    pub cured_at: Option<NaiveDateTime>,
    pub cure_decision: Option<CureDecision>,
    pub lifted_at: Option<NaiveDateTime>,
    pub lift_reason: Option<String>,
    pub clauses: Vec<Cited>,
}

impl Measure {
    pub fn is_open(&self) -> bool {
        self.lifted_at.is_none()
            && !(self.kind == MeasureKind::CurePeriod && self.cure_decision.is_some())
    }

    /// Whether an objection may still be filed today (Hong Kong day).
    pub fn claim_open(&self, today: NaiveDate) -> bool {
        today <= self.claim_until && self.lifted_at.is_none()
    }

    /// A cure period past its deadline with no decision.
    pub fn cure_overdue(&self, today: NaiveDate) -> bool {
        self.kind == MeasureKind::CurePeriod
            && self.cure_decision.is_none()
            && self.lifted_at.is_none()
            && self.deadline.is_some_and(|d| d < today)
    }

    /// Whether a manager may lift it by hand (a termination ends only by an upheld objection).
    pub fn liftable(&self) -> bool {
        self.lifted_at.is_none() && self.kind != MeasureKind::Terminate
    }
}

/// A measure as `load` reads it, before its cited clauses are added.
#[derive(Queryable, Selectable)]
#[diesel(table_name = measures)]
struct MeasureRow {
    id: MeasureId,
    participant_id: ParticipantId,
    kind: MeasureKind,
    reason: String,
    #[diesel(select_expression = crate::db::schema::rules_versions::number)]
    rules_version: i32,
    deadline: Option<NaiveDate>,
    amount: Option<i64>,
    currency: Option<String>,
    restriction: Option<Restriction>,
    membership_id: Option<MembershipId>,
    ban_email: Option<String>,
    ban_domain: Option<String>,
    #[diesel(select_expression = accounts::email)]
    taken_by: String,
    taken_at: NaiveDateTime,
    claim_until: NaiveDate,
    read_at: Option<NaiveDateTime>,
    cured_text: Option<String>,
    cured_at: Option<NaiveDateTime>,
    cure_decision: Option<CureDecision>,
    lifted_at: Option<NaiveDateTime>,
    lift_reason: Option<String>,
}

fn load(
    conn: &mut AnyConnection,
    participant_id: Option<ParticipantId>,
    measure_id: Option<MeasureId>,
) -> QueryResult<Vec<Measure>> {
    use crate::db::schema::rules_versions;
    let mut query = measures::table
        .inner_join(accounts::table.on(accounts::id.eq(measures::taken_by)))
        .inner_join(rules_versions::table)
        .select(MeasureRow::as_select())
        .order(measures::id.desc())
        .into_boxed();
    if let Some(p) = participant_id {
        query = query.filter(measures::participant_id.eq(p));
    }
    if let Some(m) = measure_id {
        query = query.filter(measures::id.eq(m));
    }
    let rows: Vec<MeasureRow> = query.load(conn)?;
    let ids: Vec<MeasureId> = rows.iter().map(|r| r.id).collect();
    let cited = crate::participants::explain::cited_clauses(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let currency = r
                .currency
                .as_deref()
                .and_then(crate::domain::Currency::parse);
            Measure {
                id: r.id,
                participant_id: r.participant_id,
                kind: r.kind,
                reason: r.reason,
                rules_version: r.rules_version,
                deadline: r.deadline,
                amount: r.amount.zip(currency).map(|(m, c)| Money::new(m, c)),
                restriction: r.restriction,
                membership_id: r.membership_id,
                ban_email: r.ban_email,
                ban_domain: r.ban_domain,
                taken_by: r.taken_by,
                taken_at: r.taken_at,
                claim_until: r.claim_until,
                read_at: r.read_at,
                cured_text: r.cured_text,
                cured_at: r.cured_at,
                cure_decision: r.cure_decision,
                lifted_at: r.lifted_at,
                lift_reason: r.lift_reason,
                clauses: cited
                    .iter()
                    .filter(|c| c.measure_id == r.id)
                    .map(|c| Cited {
                        citation: c.citation.clone(),
                        anchor: c.anchor.clone(),
                        body: c.body.clone(),
                    })
                    .collect(),
            }
        })
        .collect())
}

/// The participant's measures, newest first.
pub fn of_participant(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<Vec<Measure>> {
    load(conn, Some(participant_id), None)
}

pub fn find(conn: &mut AnyConnection, measure_id: MeasureId) -> QueryResult<Option<Measure>> {
    Ok(load(conn, None, Some(measure_id))?.into_iter().next())
}

/// Marks the participant's notice read (the first time it is opened).
pub fn mark_read(
    conn: &mut AnyConnection,
    measure_id: MeasureId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        measures::table
            .find(measure_id)
            .filter(measures::read_at.is_null()),
    )
    .set(measures::read_at.eq(now))
    .execute(conn)?;
    Ok(())
}

/// Cure periods past their deadline that nobody decided on, oldest deadline first.
pub fn overdue_cures(conn: &mut AnyConnection, today: NaiveDate) -> QueryResult<Vec<Measure>> {
    let ids: Vec<MeasureId> = measures::table
        .filter(measures::kind.eq(MeasureKind::CurePeriod))
        .filter(measures::cure_decision.is_null())
        .filter(measures::lifted_at.is_null())
        .filter(measures::deadline.lt(today))
        .order(measures::deadline)
        .select(measures::id)
        .load(conn)?;
    let mut all = Vec::new();
    for id in ids {
        all.extend(find(conn, id)?);
    }
    Ok(all)
}

#[derive(Debug, thiserror::Error)]
pub enum CureError {
    #[error("no such cure period of this participant")]
    NotFound,
    #[error("the cure period is closed")]
    Closed,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// The participant says it fixed the breach, with an explanation (a later answer replaces it
/// while the manager has not decided).
pub fn answer_cure(
    conn: &mut AnyConnection,
    actor: &Actor,
    participant_id: ParticipantId,
    measure_id: MeasureId,
    text: &str,
    now: NaiveDateTime,
) -> Result<(), CureError> {
    crate::db::write_transaction(conn, |conn| {
        let changed = diesel::update(
            measures::table
                .find(measure_id)
                .filter(measures::participant_id.eq(participant_id))
                .filter(measures::kind.eq(MeasureKind::CurePeriod))
                .filter(measures::cure_decision.is_null())
                .filter(measures::lifted_at.is_null()),
        )
        .set((measures::cured_text.eq(text), measures::cured_at.eq(now)))
        .execute(conn)?;
        if changed == 0 {
            let exists: i64 = measures::table
                .find(measure_id)
                .filter(measures::participant_id.eq(participant_id))
                .filter(measures::kind.eq(MeasureKind::CurePeriod))
                .count()
                .get_result(conn)?;
            return Err(if exists > 0 {
                CureError::Closed
            } else {
                CureError::NotFound
            });
        }
        let entry = audit::Entry::new(action::CURE_ANSWERED, format!("measure {measure_id}"))
            .participant(participant_id)
            .after(json!({ "fixed": text }));
        audit::record(conn, actor, entry, now)?;
        Ok(())
    })
}

/// Decides a participant's cure period (escalated by a new measure, or accepted); false when
/// it was decided or lifted already.
fn decide_cure(
    conn: &mut AnyConnection,
    actor: &Actor,
    (participant_id, cure_id): (ParticipantId, MeasureId),
    decision: CureDecision,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    diesel::update(
        measures::table
            .filter(measures::id.eq(cure_id))
            .filter(measures::participant_id.eq(participant_id))
            .filter(measures::kind.eq(MeasureKind::CurePeriod))
            .filter(measures::cure_decision.is_null())
            .filter(measures::lifted_at.is_null()),
    )
    .set((
        measures::cure_decision.eq(decision),
        measures::cure_decided_by.eq(actor.id),
        measures::cure_decided_at.eq(now),
    ))
    .execute(conn)
    .map(|changed| changed > 0)
}

/// The manager accepts a participant's "fixed": the cure period ends.
pub fn accept_cure(
    conn: &mut AnyConnection,
    actor: &Actor,
    measure_id: MeasureId,
    now: NaiveDateTime,
) -> Result<ParticipantId, CureError> {
    crate::db::write_transaction(conn, |conn| {
        let participant_id: Option<ParticipantId> = measures::table
            .find(measure_id)
            .filter(measures::kind.eq(MeasureKind::CurePeriod))
            .select(measures::participant_id)
            .first(conn)
            .optional()?;
        let participant_id = participant_id.ok_or(CureError::NotFound)?;
        let cure = (participant_id, measure_id);
        if !decide_cure(conn, actor, cure, CureDecision::Accepted, now)? {
            return Err(CureError::Closed);
        }
        let entry = audit::Entry::new(action::CURE_DECIDED, format!("measure {measure_id}"))
            .participant(participant_id)
            .after(json!({ "decision": CureDecision::Accepted.as_str() }));
        audit::record(conn, actor, entry, now)?;
        Ok(participant_id)
    })
}
