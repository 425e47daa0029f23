//! Payout runs: every participant whose payable balance reaches the payout threshold and who
//! has bank details is paid that balance — one payout row, one negative ledger entry, one
//! transfer in the run's SEPA bank file.
//!
//! Money is paid once, whoever runs what at the same moment:
//! - A run is one transaction: the run, its payouts, their ledger entries and its bank file are
//!   stored together or not at all (a run killed half-way left nothing, and running again pays
//!   everyone once).
//! - Runs are serialised: on PostgreSQL by a transaction-wide advisory lock taken before anything
//!   is read (so two instances, two managers, or the console and `portal payouts run` wait for
//!   each other, and the second reads the first's payouts), on SQLite by the write lock that
//!   `write_transaction` takes first (`BEGIN IMMEDIATE`).
//! - What a run pays is the balance of the ledger entries made before the period's end plus
//!   every payout already made, to each participant at most once per period, so a period can be
//!   run again (for whoever has entered bank details since) and pays only whom it has not paid;
//!   a run that pays nobody stores nothing and writes no file.
//! - Each run that pays someone has exactly one bank file, written in the same transaction from
//!   that run's payouts only, with its own message id (`MsgId`, unique forever) and creation
//!   time, kept with its SHA-256 and served again byte for byte.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::pain001::{BankFile, Transfer};
use super::states::EntryKind;
use crate::db::ids::{AccountId, ParticipantId, PayoutId, PayoutRunId};
use crate::db::schema::{
    bank_accounts, bank_files, ledger_entries, participants, payout_runs, payouts, programmes,
};
use crate::db::AnyConnection;
use crate::domain::{Currency, Iban, Money};

/// A calendar month, the unit payouts are run for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    first_day: NaiveDate,
}

impl Period {
    /// `2026-11`.
    pub fn parse(text: &str) -> Option<Period> {
        let (year, month) = text.trim().split_once('-')?;
        if year.len() != 4 || month.len() != 2 {
            return None;
        }
        let first_day = NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, 1)?;
        Some(Period { first_day })
    }

    pub fn of(date: NaiveDate) -> Period {
        Period {
            first_day: date.with_day(1).unwrap_or(date),
        }
    }

    pub fn start(self) -> NaiveDateTime {
        self.first_day.and_time(chrono::NaiveTime::MIN)
    }

    /// The first moment after the period.
    pub fn end(self) -> NaiveDateTime {
        self.first_day
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(self.first_day)
            .and_time(chrono::NaiveTime::MIN)
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.first_day.format("%Y-%m"))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PayoutError {
    #[error("the period {0} has not begun")]
    FuturePeriod(Period),
    #[error("set PORTAL_PAYER_IBAN: the account payouts are made from")]
    NoPayerAccount,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// The threshold a balance must reach to be paid: the programmes' setting (the lowest, should
/// programmes differ), €25 when there is none.
pub fn threshold(conn: &mut AnyConnection) -> QueryResult<Money> {
    let lowest: Option<i64> = programmes::table
        .select(diesel::dsl::min(programmes::payout_threshold))
        .first(conn)?;
    Ok(Money::new(lowest.unwrap_or(2500), Currency::EUR))
}

/// The participant's balance: the sum of all its ledger rows.
pub fn balance(conn: &mut AnyConnection, participant_id: ParticipantId) -> QueryResult<i64> {
    let amounts: Vec<i64> = ledger_entries::table
        .filter(ledger_entries::participant_id.eq(participant_id))
        .select(ledger_entries::amount)
        .load(conn)?;
    Ok(amounts.iter().sum())
}

/// What a run would pay a participant: the entries made before `cutoff` and every payout.
fn payable_before(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    cutoff: NaiveDateTime,
) -> QueryResult<i64> {
    let amounts: Vec<i64> = ledger_entries::table
        .filter(ledger_entries::participant_id.eq(participant_id))
        .filter(
            ledger_entries::created_at
                .lt(cutoff)
                .or(ledger_entries::kind.eq(EntryKind::Payout)),
        )
        .select(ledger_entries::amount)
        .load(conn)?;
    Ok(amounts.iter().sum())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = bank_accounts)]
pub struct BankAccount {
    pub iban: String,
    pub holder: String,
    pub created_at: NaiveDateTime,
}

/// The bank details in use: the newest.
pub fn bank_account(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<Option<BankAccount>> {
    bank_accounts::table
        .filter(bank_accounts::participant_id.eq(participant_id))
        .order(bank_accounts::id.desc())
        .select(BankAccount::as_select())
        .first(conn)
        .optional()
}

pub fn set_bank_account(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    iban: &Iban,
    holder: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(bank_accounts::table)
        .values((
            bank_accounts::participant_id.eq(participant_id),
            bank_accounts::iban.eq(iban.as_str()),
            bank_accounts::holder.eq(holder),
            bank_accounts::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The account payouts are made from, as the bank file names it.
#[derive(Debug, Clone, Copy)]
pub struct Payer<'a> {
    pub name: &'a str,
    pub iban: &'a Iban,
}

/// A run that paid someone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub run_id: PayoutRunId,
    pub period: Period,
    pub payouts: usize,
    pub total: Money,
    /// The bank file's message id (`MsgId`).
    pub message_id: String,
}

/// What a run did: paid some participants in a bank file of its own, or nobody (and then it
/// stored nothing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    Paid(RunSummary),
    NobodyToPay(Period),
}

impl RunOutcome {
    pub fn period(&self) -> Period {
        match self {
            RunOutcome::Paid(summary) => summary.period,
            RunOutcome::NobodyToPay(period) => *period,
        }
    }

    pub fn paid(&self) -> Option<&RunSummary> {
        match self {
            RunOutcome::Paid(summary) => Some(summary),
            RunOutcome::NobodyToPay(_) => None,
        }
    }
}

/// One transfer decided by a run, before it is stored. Payouts are SEPA credit transfers, which
/// are in euros by definition: the currency here is the scheme's, not an assumption.
struct Due {
    participant_id: ParticipantId,
    amount: i64,
    bank: BankAccount,
}

/// Runs `period`: pays every payable participant in one transaction with its bank file.
pub fn run(
    conn: &mut AnyConnection,
    period: Period,
    started_by: Option<AccountId>,
    payer: Option<Payer>,
    now: NaiveDateTime,
) -> Result<RunOutcome, PayoutError> {
    // No payout is stored that no bank file could be made for.
    let payer = payer.ok_or(PayoutError::NoPayerAccount)?;
    if period.start() > now {
        return Err(PayoutError::FuturePeriod(period));
    }
    super::locking::settle_due(conn, now)?;
    let cutoff = period.end().min(now + chrono::Duration::seconds(1));
    let outcome = crate::db::write_transaction(conn, |conn| -> QueryResult<RunOutcome> {
        serialise_runs(conn)?;
        let due = payable(conn, period, cutoff)?;
        if due.is_empty() {
            return Ok(RunOutcome::NobodyToPay(period));
        }
        let run_id: PayoutRunId = diesel::insert_into(payout_runs::table)
            .values((
                payout_runs::period.eq(period.to_string()),
                payout_runs::started_at.eq(now),
                payout_runs::started_by.eq(started_by),
                payout_runs::finished_at.eq(now),
            ))
            .returning(payout_runs::id)
            .get_result(conn)?;
        for d in &due {
            let payout_id: PayoutId = diesel::insert_into(payouts::table)
                .values((
                    payouts::run_id.eq(run_id),
                    payouts::participant_id.eq(d.participant_id),
                    payouts::amount.eq(d.amount),
                    payouts::currency.eq(Currency::EUR.code()),
                    payouts::iban.eq(&d.bank.iban),
                    payouts::holder.eq(&d.bank.holder),
                    payouts::created_at.eq(now),
                ))
                .returning(payouts::id)
                .get_result(conn)?;
            super::entries::enter(
                conn,
                super::entries::NewEntry {
                    participant_id: d.participant_id,
                    kind: EntryKind::Payout,
                    amount: Money::new(-d.amount, Currency::EUR),
                    commission_id: None,
                    payout_id: Some(payout_id),
                    measure_id: None,
                    reason: Some(&period.to_string()),
                    at: now,
                },
            )?;
        }
        let run = Run {
            id: run_id,
            period: period.to_string(),
            started_at: now,
            finished_at: Some(now),
        };
        let file = write_bank_file(conn, &run, payer)?;
        Ok(RunOutcome::Paid(RunSummary {
            run_id,
            period,
            payouts: due.len(),
            total: Money::new(due.iter().map(|d| d.amount).sum(), Currency::EUR),
            message_id: file.message_id,
        }))
    })?;
    Ok(outcome)
}

/// Waits for any other payout run to end, on PostgreSQL (released with the transaction). On
/// SQLite the run's `BEGIN IMMEDIATE` already holds the only write lock.
fn serialise_runs(conn: &mut AnyConnection) -> QueryResult<()> {
    if let AnyConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('portal_payout_run'))")
            .execute(pg)?;
    }
    Ok(())
}

/// Who is to be paid how much now: whoever has reached the threshold with the entries made
/// before `cutoff`, has bank details, is not withheld (F.11.c) and was not paid for `period`
/// yet (one payout per participant and month; what is approved after a payout waits for the
/// next month's run).
fn payable(
    conn: &mut AnyConnection,
    period: Period,
    cutoff: NaiveDateTime,
) -> QueryResult<Vec<Due>> {
    let threshold = threshold(conn)?.minor;
    let paid_this_period: Vec<ParticipantId> = payouts::table
        .inner_join(payout_runs::table)
        .filter(payout_runs::period.eq(period.to_string()))
        .select(payouts::participant_id)
        .load(conn)?;
    let candidates: Vec<ParticipantId> = ledger_entries::table
        .inner_join(participants::table)
        .select(ledger_entries::participant_id)
        .distinct()
        .order(ledger_entries::participant_id)
        .load(conn)?;
    let mut due = Vec::new();
    for participant_id in candidates {
        if paid_this_period.contains(&participant_id) {
            continue;
        }
        if crate::participants::standing::withholding(conn, participant_id)?.is_some() {
            continue;
        }
        let amount = payable_before(conn, participant_id, cutoff)?;
        if amount < threshold {
            continue;
        }
        let Some(bank) = bank_account(conn, participant_id)? else {
            continue;
        };
        due.push(Due {
            participant_id,
            amount,
            bank,
        });
    }
    Ok(due)
}

/// The run's line in the audit log: who ran it, for which period, what it paid (or that it paid
/// nobody).
pub fn audit_run(
    conn: &mut AnyConnection,
    actor: &crate::audit::Actor,
    outcome: &RunOutcome,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let entry = match outcome {
        RunOutcome::Paid(summary) => crate::audit::Entry::new(
            crate::audit::action::PAYOUT_RUN,
            format!("payout run {}", summary.run_id),
        )
        .after(serde_json::json!({
            "period": summary.period.to_string(),
            "payouts": summary.payouts,
            "total": summary.total.plain(),
            "message_id": summary.message_id,
        })),
        RunOutcome::NobodyToPay(period) => {
            crate::audit::Entry::new(crate::audit::action::PAYOUT_RUN, "payout run (none)").after(
                serde_json::json!({
                    "period": period.to_string(),
                    "payouts": 0,
                    "total": "0.00",
                }),
            )
        }
    };
    crate::audit::record(conn, actor, entry, now)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payouts)]
pub struct PayoutRow {
    pub id: PayoutId,
    pub participant_id: ParticipantId,
    pub amount: i64,
    pub iban: String,
    pub holder: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payout_runs)]
pub struct Run {
    pub id: PayoutRunId,
    pub period: String,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

pub fn runs(conn: &mut AnyConnection) -> QueryResult<Vec<Run>> {
    payout_runs::table
        .order(payout_runs::id.desc())
        .select(Run::as_select())
        .load(conn)
}

pub fn find_run(conn: &mut AnyConnection, run_id: PayoutRunId) -> QueryResult<Option<Run>> {
    payout_runs::table
        .find(run_id)
        .select(Run::as_select())
        .first(conn)
        .optional()
}

pub fn payouts_of_run(
    conn: &mut AnyConnection,
    run_id: PayoutRunId,
) -> QueryResult<Vec<PayoutRow>> {
    payouts::table
        .filter(payouts::run_id.eq(run_id))
        .order(payouts::id)
        .select(PayoutRow::as_select())
        .load(conn)
}

/// A run's bank file as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = bank_files)]
pub struct StoredFile {
    pub run_id: PayoutRunId,
    pub message_id: String,
    pub created_at: NaiveDateTime,
    pub transactions: i32,
    pub control_sum: i64,
    pub sha256: String,
    pub xml: String,
}

/// The message id of a run's file: the run's creation time and id, so no two files of this
/// portal — or of a portal started anew on an empty database — share one (35 characters at
/// most, as pain.001 allows).
fn message_id(run: &Run) -> String {
    format!("PL-{}-{}", run.started_at.format("%Y%m%d%H%M%S"), run.id)
}

/// Writes and stores the bank file of `run` from its payouts.
fn write_bank_file(conn: &mut AnyConnection, run: &Run, payer: Payer) -> QueryResult<StoredFile> {
    let rows = payouts_of_run(conn, run.id)?;
    let file = BankFile {
        message_id: message_id(run),
        created_at: run.started_at,
        payer_name: payer.name,
        payer_iban: payer.iban,
        execution_date: run.started_at.date(),
        transfers: rows
            .iter()
            .map(|r| Transfer {
                end_to_end_id: format!("PAYOUT-{}", r.id),
                amount: Money::new(r.amount, Currency::EUR),
                holder: &r.holder,
                iban: &r.iban,
                remittance: format!("Partnerlink commission {}", run.period),
            })
            .collect(),
    };
    let xml = file.to_xml();
    let stored = StoredFile {
        run_id: run.id,
        message_id: file.message_id.clone(),
        created_at: file.created_at,
        transactions: i32::try_from(file.transfers.len()).unwrap_or(i32::MAX),
        control_sum: file.control_sum().minor,
        sha256: hex::encode(<sha2::Sha256 as sha2::Digest>::digest(xml.as_bytes())),
        xml,
    };
    diesel::insert_into(bank_files::table)
        .values(&stored)
        .execute(conn)?;
    Ok(stored)
}

/// The run's bank file, byte for byte as written when the run paid. A run stored by an earlier
/// version of the portal (which wrote files on request) gets its file written and kept now.
pub fn bank_file(
    conn: &mut AnyConnection,
    run: &Run,
    payer: Option<Payer>,
) -> Result<Option<StoredFile>, PayoutError> {
    if let Some(stored) = stored_file(conn, run.id)? {
        return Ok(Some(stored));
    }
    let payer = payer.ok_or(PayoutError::NoPayerAccount)?;
    let written = crate::db::write_transaction(conn, |conn| -> QueryResult<_> {
        if let Some(stored) = stored_file(conn, run.id)? {
            return Ok(Some(stored));
        }
        if payouts_of_run(conn, run.id)?.is_empty() {
            return Ok(None);
        }
        write_bank_file(conn, run, payer).map(Some)
    });
    // Two downloads of an old run at the same moment on PostgreSQL: the other wrote it first
    // (one file per run, `bank_files.run_id` is unique); serve the one it wrote.
    crate::db::on_unique_violation(written, || Ok(stored_file(conn, run.id)?))
}

/// The message id of a run's stored file, if it has one yet.
pub fn message_id_of(conn: &mut AnyConnection, run_id: PayoutRunId) -> QueryResult<Option<String>> {
    bank_files::table
        .filter(bank_files::run_id.eq(run_id))
        .select(bank_files::message_id)
        .first(conn)
        .optional()
}

fn stored_file(conn: &mut AnyConnection, run_id: PayoutRunId) -> QueryResult<Option<StoredFile>> {
    bank_files::table
        .filter(bank_files::run_id.eq(run_id))
        .select(StoredFile::as_select())
        .first(conn)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_calendar_months() {
        let p = Period::parse("2026-11").unwrap();
        assert_eq!(p.to_string(), "2026-11");
        assert_eq!(p.start().to_string(), "2026-11-01 00:00:00");
        assert_eq!(p.end().to_string(), "2026-12-01 00:00:00");
        assert_eq!(
            Period::parse("2026-12").unwrap().end().to_string(),
            "2027-01-01 00:00:00"
        );
        assert_eq!(Period::parse("2026-13"), None);
        assert_eq!(Period::parse("2026-1"), None);
        assert_eq!(Period::parse("november"), None);
        assert_eq!(
            Period::of(NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()),
            p
        );
    }
}
