//! Objections (G.12): a participant objects in writing to a measure, with evidence, within the
//! claim period (5 working days); the account manager decides within 15 working days. Upheld,
//! the measure is lifted and its effect undone; rejected, with a reason. One objection per
//! measure, decided once.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use super::evidence::Stored;
use super::measures;
use crate::audit::{self, action, Actor};
use crate::db::schema::{accounts, measures as m, objection_files, objections, participants};
use crate::db::AnyConnection;
use crate::domain::working_days::{self, Calendar};
use crate::participants::{CreditingChanges, MeasureKind};

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("no such measure of this participant")]
    NotFound,
    #[error("the claim period is over")]
    ClaimPeriodOver,
    #[error("an objection was filed already")]
    AlreadyFiled,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Files the objection with its evidence (stored already); returns its id.
#[allow(clippy::too_many_arguments)]
pub fn file(
    conn: &mut AnyConnection,
    actor: &Actor,
    participant_id: i64,
    measure_id: i64,
    text: &str,
    evidence: &[Stored],
    calendar: &Calendar,
    now: NaiveDateTime,
) -> Result<i64, FileError> {
    crate::db::write_transaction(conn, |conn| {
        // The write lock (SQLite) or the row lock (PostgreSQL) first: two objections sent at
        // once take turns, and the second finds the first.
        measures::lock_measure(conn, measure_id)?;
        let measure: Option<(NaiveDate, Option<NaiveDateTime>)> = m::table
            .find(measure_id)
            .filter(m::participant_id.eq(participant_id))
            .select((m::claim_until, m::lifted_at))
            .first(conn)
            .optional()?;
        let (claim_until, lifted_at) = measure.ok_or(FileError::NotFound)?;
        let today = working_days::hong_kong_day(now);
        if today > claim_until || lifted_at.is_some() {
            return Err(FileError::ClaimPeriodOver);
        }
        let due_on = calendar.add_working_days(today, working_days::DECISION_PERIOD);
        let inserted = diesel::insert_into(objections::table)
            .values((
                objections::measure_id.eq(measure_id),
                objections::participant_id.eq(participant_id),
                objections::text.eq(text),
                objections::filed_at.eq(now),
                objections::due_on.eq(due_on),
            ))
            .returning(objections::id)
            .get_result::<i64>(conn);
        let id = match inserted {
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => return Err(FileError::AlreadyFiled),
            other => other?,
        };
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
            .after(
                json!({ "measure": measure_id, "text": text, "evidence": files, "due_on": due_on }),
            );
        audit::record(conn, actor, entry, now)?;
        Ok(id)
    })
}

/// Whether the participant already objected to the measure.
pub fn exists_for(conn: &mut AnyConnection, measure_id: i64) -> QueryResult<bool> {
    let n: i64 = objections::table
        .filter(objections::measure_id.eq(measure_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

#[derive(Debug, Clone)]
pub struct EvidenceFile {
    pub id: i64,
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

/// An objection as the pages show it.
#[derive(Debug, Clone)]
pub struct Objection {
    pub id: i64,
    pub measure_id: i64,
    pub measure_kind: MeasureKind,
    pub participant_id: i64,
    pub company_name: String,
    pub text: String,
    pub filed_at: NaiveDateTime,
    pub due_on: NaiveDate,
    pub decision: Option<String>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<NaiveDateTime>,
    pub files: Vec<EvidenceFile>,
}

impl Objection {
    pub fn is_open(&self) -> bool {
        self.decision.is_none()
    }

    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.is_open() && self.due_on < today
    }
}

type Row = (
    (i64, i64, MeasureKind, i64, String, String),
    (NaiveDateTime, NaiveDate, Option<String>, Option<String>),
    (Option<i64>, Option<NaiveDateTime>),
);

enum Which {
    All,
    Participant(i64),
    Measure(i64),
    Id(i64),
}

fn load(conn: &mut AnyConnection, which: Which) -> QueryResult<Vec<Objection>> {
    let mut query = objections::table.select(objections::id).into_boxed();
    query = match which {
        Which::All => query,
        Which::Participant(id) => query.filter(objections::participant_id.eq(id)),
        Which::Measure(id) => query.filter(objections::measure_id.eq(id)),
        Which::Id(id) => query.filter(objections::id.eq(id)),
    };
    let ids: Vec<i64> = query.load(conn)?;
    let rows: Vec<Row> = objections::table
        .inner_join(m::table)
        .inner_join(participants::table.on(participants::id.eq(objections::participant_id)))
        .filter(objections::id.eq_any(&ids))
        .order((
            objections::decision.is_not_null(),
            objections::due_on,
            objections::id,
        ))
        .select((
            (
                objections::id,
                objections::measure_id,
                m::kind,
                objections::participant_id,
                participants::company_name,
                objections::text,
            ),
            (
                objections::filed_at,
                objections::due_on,
                objections::decision,
                objections::decision_reason,
            ),
            (objections::decided_by, objections::decided_at),
        ))
        .load(conn)?;
    let files: Vec<(i64, i64, String, String, i64, String)> = objection_files::table
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
    let deciders: Vec<(i64, String)> = accounts::table
        .filter(accounts::id.eq_any(rows.iter().filter_map(|r| r.2 .0).collect::<Vec<_>>()))
        .select((accounts::id, accounts::email))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(a, b, c)| Objection {
            id: a.0,
            measure_id: a.1,
            measure_kind: a.2,
            participant_id: a.3,
            company_name: a.4,
            text: a.5,
            filed_at: b.0,
            due_on: b.1,
            decision: b.2,
            decision_reason: b.3,
            decided_by: c
                .0
                .and_then(|id| deciders.iter().find(|d| d.0 == id).map(|d| d.1.clone())),
            decided_at: c.1,
            files: files
                .iter()
                .filter(|f| f.0 == a.0)
                .map(|f| EvidenceFile {
                    id: f.1,
                    file_name: f.2.clone(),
                    content_type: f.3.clone(),
                    size: f.4,
                    stored_as: f.5.clone(),
                })
                .collect(),
        })
        .collect())
}

/// Every objection: open ones first, by due date.
pub fn all(conn: &mut AnyConnection) -> QueryResult<Vec<Objection>> {
    load(conn, Which::All)
}

pub fn of_participant(
    conn: &mut AnyConnection,
    participant_id: i64,
) -> QueryResult<Vec<Objection>> {
    load(conn, Which::Participant(participant_id))
}

pub fn of_measure(conn: &mut AnyConnection, measure_id: i64) -> QueryResult<Option<Objection>> {
    Ok(load(conn, Which::Measure(measure_id))?.into_iter().next())
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<Objection>> {
    Ok(load(conn, Which::Id(id))?.into_iter().next())
}

/// An evidence file with the participant it belongs to: (participant, name, type, stored as).
pub fn evidence_file(
    conn: &mut AnyConnection,
    file_id: i64,
) -> QueryResult<Option<(i64, String, String, String)>> {
    objection_files::table
        .inner_join(objections::table)
        .filter(objection_files::id.eq(file_id))
        .select((
            objections::participant_id,
            objection_files::file_name,
            objection_files::content_type,
            objection_files::stored_as,
        ))
        .first(conn)
        .optional()
}

/// Who decides an objection (G.12, four eyes): any active account manager but the one who
/// took the measure — unless that one is the only active manager.
#[derive(Debug, Clone)]
pub struct Deciders {
    pub measure_id: i64,
    /// The manager who took the measure: (id, address).
    pub taken_by: (i64, String),
    /// The other active account managers (by address): they decide. None: the one who took
    /// it is the only manager, and decides.
    pub others: Vec<(i64, String)>,
}

impl Deciders {
    pub fn may_decide(&self, manager_id: i64) -> bool {
        may_decide(self.taken_by.0, manager_id, self.others.len())
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

/// The four-eyes rule: the manager who took a measure does not decide the objection to it
/// while another active manager (`others` of them) can.
pub fn may_decide(taken_by: i64, manager_id: i64, others: usize) -> bool {
    manager_id != taken_by || others == 0
}

/// Who decides each of the objections to `measure_ids`.
pub fn deciders(conn: &mut AnyConnection, measure_ids: &[i64]) -> QueryResult<Vec<Deciders>> {
    let takers: Vec<(i64, i64, String)> = m::table
        .inner_join(accounts::table.on(accounts::id.eq(m::taken_by)))
        .filter(m::id.eq_any(measure_ids))
        .select((m::id, accounts::id, accounts::email))
        .load(conn)?;
    let active = crate::accounts::active_managers(conn)?;
    Ok(takers
        .into_iter()
        .map(|(measure_id, taker, email)| Deciders {
            measure_id,
            taken_by: (taker, email),
            others: active
                .iter()
                .filter(|(id, _)| *id != taker)
                .cloned()
                .collect(),
        })
        .collect())
}

#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("no such objection")]
    NotFound,
    #[error("the objection was decided already")]
    Decided,
    #[error("the manager who took the measure does not decide the objection to it")]
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

/// Decides the objection; upheld lifts the measure and undoes its effect, in one transaction.
/// Returns the participant's id.
pub fn decide(
    conn: &mut AnyConnection,
    crediting: &CreditingChanges,
    actor: &Actor,
    objection_id: i64,
    upheld: bool,
    reason: &str,
    now: NaiveDateTime,
) -> Result<i64, DecideError> {
    let (participant_id, kind) = crate::db::write_transaction(conn, |conn| {
        let locked = diesel::update(objections::table.find(objection_id))
            .set(objections::id.eq(objections::id))
            .execute(conn)?;
        if locked == 0 {
            return Err(DecideError::NotFound);
        }
        let row: Option<(i64, i64, Option<String>)> = objections::table
            .find(objection_id)
            .select((
                objections::measure_id,
                objections::participant_id,
                objections::decision,
            ))
            .first(conn)
            .optional()?;
        let (measure_id, participant_id, decision) = row.ok_or(DecideError::NotFound)?;
        if decision.is_some() {
            return Err(DecideError::Decided);
        }
        // Four eyes (G.12): checked here, under the objection's lock, whatever the page offered.
        if let Some(manager_id) = actor.id {
            let who = deciders(conn, &[measure_id])?;
            if who.iter().any(|d| !d.may_decide(manager_id)) {
                return Err(DecideError::OwnMeasure);
            }
        }
        let decision = if upheld { "upheld" } else { "rejected" };
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
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(DecideError::Decided);
        }
        let mut kind = None;
        if upheld {
            match measures::lift_in(conn, actor, measure_id, reason, true, now) {
                Ok((_, k)) => kind = Some(k),
                // Lifted by hand meanwhile: the objection is still upheld.
                Err(measures::LiftError::AlreadyLifted) => {}
                Err(e) => return Err(e.into()),
            }
        }
        let entry = audit::Entry::new(
            action::OBJECTION_DECIDED,
            format!("objection {objection_id}"),
        )
        .participant(participant_id)
        .before(json!({ "decision": null }))
        .after(json!({ "decision": decision, "reason": reason, "measure": measure_id }));
        audit::record(conn, actor, entry, now)?;
        Ok((participant_id, kind))
    })?;
    if matches!(kind, Some(MeasureKind::Terminate | MeasureKind::Restrict)) {
        crediting.changed();
    }
    Ok(participant_id)
}

#[cfg(test)]
mod tests {
    use super::may_decide;

    #[test]
    fn the_manager_who_took_the_measure_decides_only_when_no_other_can() {
        assert!(!may_decide(1, 1, 1), "another manager can: four eyes");
        assert!(may_decide(1, 2, 1), "another manager decides");
        assert!(may_decide(1, 1, 0), "the only manager decides");
    }
}
