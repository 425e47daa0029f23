//! What the console's payouts page (`routes/payouts.rs`) reads and does: the runs with their
//! totals, the conversion API's secrets as an administrator may know them, a run with its audit
//! line, and a run's bank file with the audit line of its download.

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::audit::{self, action, Actor};
use crate::db::ids::{AccountId, PayoutRunId};
use crate::db::AnyConnection;
use crate::domain::{Currency, Iban};
use crate::ledger::payouts::{self, Payer, PayoutError, Period, Run, RunOutcome, StoredFile};

/// A run as the page lists it: its payouts' count and total, and its file's message id.
pub struct RunLine {
    pub run: Run,
    pub count: usize,
    pub total: i64,
    pub message_id: Option<String>,
}

/// The conversion API's secrets as an administrator may know them (never the secret itself,
/// which is shown once, on the page that answers the rotation).
#[derive(Default)]
pub struct SecretState {
    pub current_since: Option<NaiveDateTime>,
    /// When the replaced secret(s) stop working, if one still works.
    pub previous_until: Option<NaiveDateTime>,
}

/// What the payouts page shows.
pub struct Overview {
    pub runs: Vec<RunLine>,
    pub secrets: SecretState,
    pub currency: Currency,
}

pub fn overview(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<Overview> {
    let mut runs = Vec::new();
    for run in payouts::runs(conn)? {
        let rows = payouts::payouts_of_run(conn, run.id)?;
        let message_id = payouts::message_id_of(conn, run.id)?;
        runs.push(RunLine {
            count: rows.len(),
            total: rows.iter().map(|r| r.amount).sum(),
            message_id,
            run,
        });
    }
    let programme =
        crate::ledger::intake::programme_terms(conn, crate::programme::ACCOUNT_PROGRAMME)?;
    let secrets = match programme {
        Some(terms) => {
            let (current_since, previous_until) =
                crate::ledger::secrets::status(conn, terms.id, now)?;
            SecretState {
                current_since,
                previous_until,
            }
        }
        None => SecretState::default(),
    };
    Ok(Overview {
        runs,
        secrets,
        currency: crate::ledger::queries::programme_currency(conn)?,
    })
}

/// The account payouts are paid from, as the settings name it.
pub struct PayerAccount {
    pub name: String,
    pub iban: Option<Iban>,
}

impl PayerAccount {
    fn payer(&self) -> Option<Payer<'_>> {
        self.iban.as_ref().map(|iban| Payer {
            name: &self.name,
            iban,
        })
    }
}

/// Pays `period` (a run started by `by`), with the run's audit line.
pub fn pay(
    conn: &mut AnyConnection,
    actor: &Actor,
    period: Period,
    by: AccountId,
    from: &PayerAccount,
    now: NaiveDateTime,
) -> Result<RunOutcome, PayoutError> {
    let outcome = payouts::run(conn, period, Some(by), from.payer(), now)?;
    payouts::audit_run(conn, actor, &outcome, now)?;
    Ok(outcome)
}

/// Run `run_id`'s bank file (made the first time it is asked for) and the run's period, with the
/// audit line of the download; `None` when there is no such run or file.
pub fn bank_file(
    conn: &mut AnyConnection,
    actor: &Actor,
    run_id: PayoutRunId,
    from: &PayerAccount,
    now: NaiveDateTime,
) -> Result<Option<(String, StoredFile)>, PayoutError> {
    let Some(run) = payouts::find_run(conn, run_id)? else {
        return Ok(None);
    };
    let Some(file) = payouts::bank_file(conn, &run, from.payer())? else {
        return Ok(None);
    };
    let entry = audit::Entry::new(
        action::BANK_FILE_DOWNLOADED,
        format!("payout run {}", run.id),
    )
    .after(serde_json::json!({
        "message_id": file.message_id,
        "sha256": file.sha256,
    }));
    audit::record(conn, actor, entry, now)?;
    Ok(Some((run.period, file)))
}
