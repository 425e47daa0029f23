//! Payout runs: once per period (`2026-11`), every participant whose approved balance reaches
//! the payout threshold and who has bank details is paid that balance — one payout row, one
//! negative ledger entry, one transfer in the SEPA bank file.
//!
//! A run pays the balance of the ledger entries made before the period's end (plus every payout
//! already made, so nothing is paid twice). Each participant's payout is stored in its own
//! transaction, and a participant is paid at most once per run (a unique key), so running a
//! period again — or again after a run was killed half-way — pays only whom it had not paid yet.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::pain001::{BankFile, Transfer};
use super::states::EntryKind;
use crate::db::schema::{
    bank_accounts, ledger_entries, participants, payout_runs, payouts, programmes,
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
pub fn balance(conn: &mut AnyConnection, participant_id: i64) -> QueryResult<i64> {
    let amounts: Vec<i64> = ledger_entries::table
        .filter(ledger_entries::participant_id.eq(participant_id))
        .select(ledger_entries::amount)
        .load(conn)?;
    Ok(amounts.iter().sum())
}

/// What a run would pay a participant: the entries made before `cutoff` and every payout.
fn payable_before(
    conn: &mut AnyConnection,
    participant_id: i64,
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

#[derive(Debug, Clone, Queryable)]
pub struct BankAccount {
    pub iban: String,
    pub holder: String,
    pub created_at: NaiveDateTime,
}

/// The bank details in use: the newest.
pub fn bank_account(
    conn: &mut AnyConnection,
    participant_id: i64,
) -> QueryResult<Option<BankAccount>> {
    bank_accounts::table
        .filter(bank_accounts::participant_id.eq(participant_id))
        .order(bank_accounts::id.desc())
        .select((
            bank_accounts::iban,
            bank_accounts::holder,
            bank_accounts::created_at,
        ))
        .first(conn)
        .optional()
}

pub fn set_bank_account(
    conn: &mut AnyConnection,
    participant_id: i64,
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    pub run_id: i64,
    pub period: Period,
    /// Paid by this call (not by an earlier run of the same period).
    pub paid_now: usize,
    /// Every payout of the run so far.
    pub payouts: usize,
    pub total: Money,
}

/// Runs (or resumes) the payout run of `period`.
pub fn run(
    conn: &mut AnyConnection,
    period: Period,
    started_by: Option<i64>,
    payer_iban: Option<&Iban>,
    now: NaiveDateTime,
) -> Result<RunSummary, PayoutError> {
    // No payout is stored that no bank file could be made for.
    payer_iban.ok_or(PayoutError::NoPayerAccount)?;
    if period.start() > now {
        return Err(PayoutError::FuturePeriod(period));
    }
    super::locking::settle_due(conn, now)?;
    let run_id = find_or_start_run(conn, period, started_by, now)?;
    let cutoff = period.end().min(now + chrono::Duration::seconds(1));
    let threshold = threshold(conn)?.minor;
    let candidates: Vec<i64> = ledger_entries::table
        .inner_join(participants::table)
        .select(ledger_entries::participant_id)
        .distinct()
        .order(ledger_entries::participant_id)
        .load(conn)?;
    let mut paid_now = 0;
    for participant_id in candidates {
        let paid = crate::db::write_transaction(conn, |conn| -> QueryResult<bool> {
            let already: i64 = payouts::table
                .filter(payouts::run_id.eq(run_id))
                .filter(payouts::participant_id.eq(participant_id))
                .count()
                .get_result(conn)?;
            if already > 0 {
                return Ok(false);
            }
            // F.11.c: withheld until the measure is lifted; read in this transaction, so a
            // withholding committed before it is never paid out.
            if crate::participants::standing::withholding(conn, participant_id)?.is_some() {
                return Ok(false);
            }
            let amount = payable_before(conn, participant_id, cutoff)?;
            if amount < threshold {
                return Ok(false);
            }
            let Some(bank) = bank_account(conn, participant_id)? else {
                return Ok(false);
            };
            let payout_id: i64 = diesel::insert_into(payouts::table)
                .values((
                    payouts::run_id.eq(run_id),
                    payouts::participant_id.eq(participant_id),
                    payouts::amount.eq(amount),
                    payouts::currency.eq("EUR"),
                    payouts::iban.eq(&bank.iban),
                    payouts::holder.eq(&bank.holder),
                    payouts::created_at.eq(now),
                ))
                .returning(payouts::id)
                .get_result(conn)?;
            diesel::insert_into(ledger_entries::table)
                .values((
                    ledger_entries::participant_id.eq(participant_id),
                    ledger_entries::kind.eq(EntryKind::Payout),
                    ledger_entries::amount.eq(-amount),
                    ledger_entries::currency.eq("EUR"),
                    ledger_entries::payout_id.eq(payout_id),
                    ledger_entries::reason.eq(period.to_string()),
                    ledger_entries::created_at.eq(now),
                ))
                .execute(conn)?;
            Ok(true)
        })?;
        paid_now += usize::from(paid);
    }
    diesel::update(payout_runs::table.find(run_id))
        .set(payout_runs::finished_at.eq(now))
        .execute(conn)?;
    let amounts: Vec<i64> = payouts::table
        .filter(payouts::run_id.eq(run_id))
        .select(payouts::amount)
        .load(conn)?;
    Ok(RunSummary {
        run_id,
        period,
        paid_now,
        payouts: amounts.len(),
        total: Money::new(amounts.iter().sum(), Currency::EUR),
    })
}

/// The run's line in the audit log: who ran it, for which period, what it paid now.
pub fn audit_run(
    conn: &mut AnyConnection,
    actor: &crate::audit::Actor,
    summary: &RunSummary,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let entry = crate::audit::Entry::new(
        crate::audit::action::PAYOUT_RUN,
        format!("payout run {}", summary.run_id),
    )
    .after(serde_json::json!({
        "period": summary.period.to_string(),
        "paid_now": summary.paid_now,
        "payouts": summary.payouts,
        "total": summary.total.plain(),
    }));
    crate::audit::record(conn, actor, entry, now)
}

fn find_or_start_run(
    conn: &mut AnyConnection,
    period: Period,
    started_by: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    let existing = payout_runs::table
        .filter(payout_runs::period.eq(period.to_string()))
        .select(payout_runs::id)
        .first(conn)
        .optional()?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let inserted = diesel::insert_into(payout_runs::table)
        .values((
            payout_runs::period.eq(period.to_string()),
            payout_runs::started_at.eq(now),
            payout_runs::started_by.eq(started_by),
        ))
        .returning(payout_runs::id)
        .get_result(conn);
    match inserted {
        // Started a moment ago by someone else: join it.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => payout_runs::table
            .filter(payout_runs::period.eq(period.to_string()))
            .select(payout_runs::id)
            .first(conn),
        other => other,
    }
}

#[derive(Debug, Clone, Queryable)]
pub struct PayoutRow {
    pub id: i64,
    pub participant_id: i64,
    pub amount: i64,
    pub iban: String,
    pub holder: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable)]
pub struct Run {
    pub id: i64,
    pub period: String,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

pub fn runs(conn: &mut AnyConnection) -> QueryResult<Vec<Run>> {
    payout_runs::table
        .order(payout_runs::id.desc())
        .select((
            payout_runs::id,
            payout_runs::period,
            payout_runs::started_at,
            payout_runs::finished_at,
        ))
        .load(conn)
}

pub fn find_run(conn: &mut AnyConnection, run_id: i64) -> QueryResult<Option<Run>> {
    payout_runs::table
        .find(run_id)
        .select((
            payout_runs::id,
            payout_runs::period,
            payout_runs::started_at,
            payout_runs::finished_at,
        ))
        .first(conn)
        .optional()
}

pub fn payouts_of_run(conn: &mut AnyConnection, run_id: i64) -> QueryResult<Vec<PayoutRow>> {
    payouts::table
        .filter(payouts::run_id.eq(run_id))
        .order(payouts::id)
        .select((
            payouts::id,
            payouts::participant_id,
            payouts::amount,
            payouts::iban,
            payouts::holder,
            payouts::created_at,
        ))
        .load(conn)
}

/// The run's SEPA bank file, written from its stored payouts (so it is the same every time it
/// is asked for).
pub fn bank_file(
    conn: &mut AnyConnection,
    run: &Run,
    payer_name: &str,
    payer_iban: Option<&Iban>,
) -> Result<String, PayoutError> {
    let payer_iban = payer_iban.ok_or(PayoutError::NoPayerAccount)?;
    let rows = payouts_of_run(conn, run.id)?;
    let file = BankFile {
        message_id: format!("PORTAL-{}-{}", run.period, run.id),
        created_at: run.started_at,
        payer_name,
        payer_iban,
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
    Ok(file.to_xml())
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
