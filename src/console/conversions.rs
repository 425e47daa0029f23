//! What the console's conversions pages (`routes/conversions.rs`) read and do: the conversions
//! listed with who they belong to and who imported them, a manager's decision on a commission
//! with its audit line, and an imported file checked or stored with its audit line.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::audit::{self, action, Actor};
use crate::db::ids::{AccountId, CommissionId, ParticipantId};
use crate::db::schema::{accounts, participants};
use crate::db::AnyConnection;
use crate::domain::Currency;
use crate::forms::FormData;
use crate::ledger::decide::{self, Action, DecideError};
use crate::ledger::import::{self, Counts, FileProblem, ImportLine};
use crate::ledger::queries::{self, ConversionLine, Scope};
use crate::ledger::states::EnteredBy;

/// The list shows the newest this many conversions.
const SHOWN: i64 = 300;

/// What the conversions page lists.
pub struct Conversions {
    pub lines: Vec<ConversionLine>,
    /// Every participant (id, company), for the filter and the lines' names.
    pub participants: Vec<(ParticipantId, String)>,
    /// The accounts that imported the listed conversions: id, e-mail.
    pub importers: Vec<(AccountId, String)>,
    pub currency: Currency,
}

/// The newest conversions, of one participant (`chosen`) or of all.
pub fn conversions(
    conn: &mut AnyConnection,
    chosen: Option<ParticipantId>,
) -> QueryResult<Conversions> {
    let scope = chosen.map(Scope::Participant).unwrap_or(Scope::All);
    let lines = queries::conversion_lines(conn, scope, SHOWN)?;
    let importer_ids: Vec<AccountId> = lines.iter().filter_map(|l| l.imported_by).collect();
    Ok(Conversions {
        currency: queries::programme_currency(conn)?,
        participants: participants::table
            .order(participants::company_name)
            .select((participants::id, participants::company_name))
            .load(conn)?,
        importers: accounts::table
            .filter(accounts::id.eq_any(importer_ids))
            .select((accounts::id, accounts::email))
            .load(conn)?,
        lines,
    })
}

/// A manager's decision on a commission: reject, reverse or release, with a reason (required
/// where the action needs one).
pub struct CommissionDecision {
    pub action: Action,
    pub why: Option<String>,
}

impl CommissionDecision {
    /// Reads `action` and `reason`; the Fluent key of the problem otherwise. Releasing a hold
    /// makes money payable: an `administrator`'s decision (separation of duties).
    pub fn from_form(
        data: &FormData,
        administrator: bool,
    ) -> Result<CommissionDecision, &'static str> {
        let reason = data.get("reason").trim();
        let action = match Action::parse(data.get("action")) {
            None => return Err("error-commission-action"),
            Some(Action::Release) if !administrator => return Err("error-release-administrator"),
            Some(a) if a.needs_reason() && reason.is_empty() => {
                return Err("error-reason-required")
            }
            Some(a) => a,
        };
        crate::forms::REASON.check_optional(reason)?;
        Ok(CommissionDecision {
            action,
            why: Some(reason.to_owned()).filter(|r| !r.is_empty()),
        })
    }
}

fn action_name(action: Action) -> &'static str {
    match action {
        Action::Reject => "reject",
        Action::Reverse => "reverse",
        Action::Release => "release",
    }
}

/// Decides commission `commission_id` as manager `manager_id`, with its audit line, in one
/// transaction.
pub fn decide(
    conn: &mut AnyConnection,
    actor: &Actor,
    (commission_id, manager_id): (CommissionId, AccountId),
    decision: &CommissionDecision,
    now: NaiveDateTime,
) -> Result<(), DecideError> {
    let CommissionDecision { action, why } = decision;
    crate::db::write_transaction(conn, |conn| {
        let participant_id = decide::decide(
            conn,
            commission_id,
            *action,
            why.as_deref(),
            manager_id,
            now,
        )?;
        let entry = audit::Entry::new(
            action::COMMISSION_DECIDED,
            format!("commission {commission_id}"),
        )
        .participant(participant_id)
        .after(serde_json::json!({ "action": action_name(*action), "reason": why }));
        audit::record(conn, actor, entry, now)?;
        Ok(())
    })
}

/// An imported file as checked: its lines with their problems, what storing it does (or did;
/// `None` when a line has a problem), and its bytes to carry to the confirmation.
pub type Checked = (Vec<ImportLine>, Option<Counts>, Vec<u8>);

/// Checks every line of `bytes`, storing nothing; with `store` (the manager who imports, who
/// is then who entered these conversions), stores the file with its audit line when no line
/// has a problem.
pub fn check_file(
    conn: &mut AnyConnection,
    store: Option<&Actor>,
    bytes: Vec<u8>,
    now: NaiveDateTime,
) -> QueryResult<Result<Checked, FileProblem>> {
    let mut lines = match import::read(&bytes, now) {
        Ok(lines) => lines,
        Err(problem) => return Ok(Err(problem)),
    };
    let counts = match store {
        // The preview reads only: no write transaction while a large file is checked.
        None => import::preview(conn, &mut lines, now)?,
        Some(actor) => crate::db::write_transaction(conn, |conn| {
            let manager_id = actor.id.ok_or(diesel::result::Error::NotFound)?;
            let entered = EnteredBy::Import { manager_id };
            let counts = import::store(conn, &mut lines, entered, now)?;
            if let Some(c) = &counts {
                let entry = audit::Entry::new(
                    action::CONVERSIONS_IMPORTED,
                    format!("{} lines", lines.len()),
                )
                .after(serde_json::json!({
                    "created": c.created,
                    "updated": c.updated,
                    "unchanged": c.unchanged,
                }));
                audit::record(conn, actor, entry, now)?;
            }
            Ok::<_, diesel::result::Error>(counts)
        })?,
    };
    Ok(Ok((lines, counts, bytes)))
}
