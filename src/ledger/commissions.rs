//! Commission rows: reading them, changing one with its dated event, and the ledger entry an
//! approved one writes. Every change of a commission's state goes through `change` (a hold is
//! released or kept by `set_held`, by the same rule), which changes it only from the state (and
//! hold) it was read in (in the same statement), so two decisions at
//! the same moment cannot both apply: the later one finds the row changed and fails with
//! `changed_meanwhile`, rolling its transaction back. Callers that decide take the conversion's
//! row lock first (`lock_conversion`), so on PostgreSQL they wait for each other and read what
//! the one before them wrote.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::states::{CommissionKind, CommissionState, EntryKind, EventSource};
use crate::db::ids::{AccountId, CommissionId, ConversionId, ObjectionId, ParticipantId};
use crate::db::schema::{commission_events, commissions};
use crate::db::AnyConnection;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = commissions)]
pub struct Commission {
    pub id: CommissionId,
    pub conversion_id: ConversionId,
    pub participant_id: ParticipantId,
    pub kind: CommissionKind,
    pub reverses_id: Option<CommissionId>,
    pub rate_percent: String,
    pub amount: i64,
    pub currency: String,
    pub state: CommissionState,
    pub reason: Option<String>,
    pub held: bool,
    pub locks_at: NaiveDateTime,
}

/// A sample for the unit tests of the ledger: a pending commission of EUR 7.00 at 7 % on
/// conversion 1 (a return reverses commission 1); each test changes what it is about.
#[cfg(test)]
impl Commission {
    pub(crate) fn sample(kind: CommissionKind) -> Commission {
        Commission {
            id: CommissionId(1),
            conversion_id: ConversionId(1),
            participant_id: ParticipantId(1),
            kind,
            reverses_id: (kind == CommissionKind::Return).then_some(CommissionId(1)),
            rate_percent: "7".into(),
            amount: 700,
            currency: "EUR".into(),
            state: CommissionState::Pending,
            reason: None,
            held: false,
            locks_at: NaiveDateTime::default(),
        }
    }
}

/// The error of a change whose commission was changed by someone else since it was read.
pub fn changed_meanwhile() -> diesel::result::Error {
    diesel::result::Error::DatabaseError(
        diesel::result::DatabaseErrorKind::SerializationFailure,
        Box::new(String::from("the commission was changed meanwhile")),
    )
}

/// Whether `e` is `changed_meanwhile`'s (or PostgreSQL's own serialization failure).
pub fn is_changed_meanwhile(e: &diesel::result::Error) -> bool {
    matches!(
        e,
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::SerializationFailure,
            _
        )
    )
}

/// Locks the conversion's row until the transaction ends, so that everything deciding its
/// commissions (an account manager, the advertiser's update, the locking date) happens one
/// after the other. PostgreSQL: a row lock; SQLite: the write transaction's `BEGIN IMMEDIATE`
/// already holds the database's only write lock.
pub fn lock_conversion(conn: &mut AnyConnection, conversion_id: ConversionId) -> QueryResult<()> {
    if let AnyConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT id FROM conversions WHERE id = $1 FOR UPDATE")
            .bind::<diesel::sql_types::BigInt, _>(conversion_id)
            .execute(pg)?;
    }
    Ok(())
}

/// What a conversion earns, from its commission rows (kind, state, amount): the one figure the
/// API answers and every page and CSV file shows as its commission. Nothing when the order's
/// commission is rejected (a redeemed coupon, a cancelled or wholly returned order, a manager's
/// rejection) or reversed; else the order's commission net of its returns, pending or approved
/// (a rejected return takes nothing back).
pub fn net_commission(
    rows: impl IntoIterator<Item = (CommissionKind, CommissionState, i64)>,
) -> i64 {
    let counts = |state| matches!(state, CommissionState::Pending | CommissionState::Approved);
    let mut order_counts = false;
    let mut net = 0;
    for (kind, state, amount) in rows {
        if kind == CommissionKind::Order {
            order_counts = counts(state);
        }
        if counts(state) {
            net += amount;
        }
    }
    if order_counts {
        net
    } else {
        0
    }
}

/// Who changes a commission, and when.
#[derive(Debug, Clone, Copy)]
pub struct ChangedBy {
    pub source: EventSource,
    pub manager: Option<AccountId>,
    pub at: NaiveDateTime,
}

pub fn of_conversion(
    conn: &mut AnyConnection,
    conversion_id: ConversionId,
) -> QueryResult<Vec<Commission>> {
    commissions::table
        .filter(commissions::conversion_id.eq(conversion_id))
        .order(commissions::id)
        .select(Commission::as_select())
        .load(conn)
}

pub fn find(conn: &mut AnyConnection, id: CommissionId) -> QueryResult<Option<Commission>> {
    commissions::table
        .find(id)
        .select(Commission::as_select())
        .first(conn)
        .optional()
}

pub struct NewCommission<'a> {
    pub conversion_id: ConversionId,
    pub participant_id: ParticipantId,
    pub kind: CommissionKind,
    pub reverses_id: Option<CommissionId>,
    pub rate_percent: &'a str,
    pub amount: i64,
    pub currency: &'a str,
    pub state: CommissionState,
    pub reason: Option<&'a str>,
    pub held: bool,
    pub locks_at: NaiveDateTime,
}

/// Stores a commission and its first event; an approved one enters the ledger at once.
pub fn insert(
    conn: &mut AnyConnection,
    new: NewCommission,
    actor: ChangedBy,
) -> QueryResult<CommissionId> {
    let id: CommissionId = diesel::insert_into(commissions::table)
        .values((
            commissions::conversion_id.eq(new.conversion_id),
            commissions::participant_id.eq(new.participant_id),
            commissions::kind.eq(new.kind),
            commissions::reverses_id.eq(new.reverses_id),
            commissions::rate_percent.eq(new.rate_percent),
            commissions::amount.eq(new.amount),
            commissions::currency.eq(new.currency),
            commissions::state.eq(new.state),
            commissions::reason.eq(new.reason),
            commissions::held.eq(new.held),
            commissions::locks_at.eq(new.locks_at),
            commissions::created_at.eq(actor.at),
            commissions::decided_at.eq((new.state != CommissionState::Pending).then_some(actor.at)),
        ))
        .returning(commissions::id)
        .get_result(conn)?;
    let first = Becomes {
        state: new.state,
        amount: new.amount,
        reason: new.reason,
    };
    record_event(conn, id, first, actor)?;
    if new.state == CommissionState::Approved {
        let commission = find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
        enter_in_ledger(
            conn,
            &commission,
            commission.amount,
            commission.reason.as_deref(),
            actor.at,
        )?;
    }
    Ok(id)
}

/// Moves a commission to `state` with `amount` and `reason`, dated; nothing happens when that is
/// what it already is. Approval writes its ledger entry in the same transaction.
pub fn change(
    conn: &mut AnyConnection,
    commission: &Commission,
    state: CommissionState,
    amount: i64,
    reason: Option<&str>,
    actor: ChangedBy,
) -> QueryResult<bool> {
    if commission.state == state
        && commission.amount == amount
        && commission.reason.as_deref() == reason
    {
        return Ok(false);
    }
    if !allowed(commission.state, state) {
        return Err(changed_meanwhile());
    }
    let to = Becomes {
        state,
        amount,
        reason,
    };
    set_state(conn, commission, to, actor)
}

/// What a commission becomes by a change: its state, amount and reason, as its event records.
#[derive(Debug, Clone, Copy)]
struct Becomes<'a> {
    state: CommissionState,
    amount: i64,
    reason: Option<&'a str>,
}

/// Writes the change `change` (or `restore_on_objection`) allowed: from the state it was read
/// in, or not at all; a first approval writes its ledger entry in the same transaction.
fn set_state(
    conn: &mut AnyConnection,
    commission: &Commission,
    to: Becomes,
    actor: ChangedBy,
) -> QueryResult<bool> {
    let Becomes {
        state,
        amount,
        reason,
    } = to;
    let decided_at = (state != CommissionState::Pending).then_some(actor.at);
    // From the state (and amount and hold) it was read in, or not at all.
    let updated = diesel::update(
        commissions::table
            .find(commission.id)
            .filter(commissions::state.eq(commission.state))
            .filter(commissions::amount.eq(commission.amount))
            .filter(commissions::held.eq(commission.held)),
    )
    .set((
        commissions::state.eq(state),
        commissions::amount.eq(amount),
        commissions::reason.eq(reason),
        commissions::decided_at.eq(decided_at),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(changed_meanwhile());
    }
    record_event(conn, commission.id, to, actor)?;
    // Approved for the first time (a reversed one put back on objection was in the ledger
    // already: `restore_on_objection` gives back what its reversal took).
    if state == CommissionState::Approved
        && matches!(
            commission.state,
            CommissionState::Pending | CommissionState::Rejected
        )
    {
        enter_in_ledger(conn, commission, amount, reason, actor.at)?;
    }
    Ok(true)
}

/// The moves an upheld objection (G.12) makes: a rejected commission back to pending or
/// approved (the state the account manager picks), a reversed one back to approved. The
/// database allows them only while an upheld objection names the commission and that state.
pub fn allowed_on_objection(from: CommissionState, to: CommissionState) -> bool {
    use CommissionState::*;
    matches!(
        (from, to),
        (Rejected, Pending | Approved) | (Reversed, Approved)
    )
}

/// Puts a rejected or reversed commission back to `state` after objection `objection_id` was
/// upheld, through the same compare-and-set as `change`. A rejected one approved enters the
/// ledger once (unique per commission); a reversed one gets back what its reversal took, in a
/// row of its own that names the objection (unique per objection), so nothing is paid twice.
pub fn restore_on_objection(
    conn: &mut AnyConnection,
    commission: &Commission,
    state: CommissionState,
    objection_id: ObjectionId,
    actor: ChangedBy,
) -> QueryResult<()> {
    if !allowed_on_objection(commission.state, state) {
        return Err(changed_meanwhile());
    }
    let reason = Some(super::states::reason::OBJECTION_UPHELD);
    let to = Becomes {
        state,
        amount: commission.amount,
        reason,
    };
    set_state(conn, commission, to, actor)?;
    if commission.state == CommissionState::Reversed {
        use crate::db::schema::ledger_entries;
        let taken: Vec<i64> = ledger_entries::table
            .filter(ledger_entries::commission_id.eq(commission.id))
            .filter(ledger_entries::kind.eq(EntryKind::Reversal))
            .select(ledger_entries::amount)
            .load(conn)?;
        let given_back = -taken.iter().sum::<i64>();
        if given_back != 0 {
            // Not the commission's own row (that one it has already): the objection's.
            let entry = super::entries::NewEntry {
                commission_id: None,
                ..entry_of(
                    commission,
                    EntryKind::Commission,
                    given_back,
                    reason,
                    actor.at,
                )
            };
            super::entries::enter_for_objection(conn, entry, objection_id)?;
        }
    }
    Ok(())
}

/// The moves a commission's state may make: a pending one is decided (or stays pending with a
/// new amount), a rejected one may become pending again while not final (the advertiser
/// reported the order completed after all), an approved one can only be reversed; a reversed
/// one never changes. The database's trigger holds the same table.
pub fn allowed(from: CommissionState, to: CommissionState) -> bool {
    use CommissionState::*;
    matches!(
        (from, to),
        (Pending, Pending | Approved | Rejected)
            | (Rejected, Pending | Rejected)
            | (Approved, Reversed)
    )
}

/// Rejects the pending partial returns of a commission that will not be paid (rejected or
/// reversed): there is nothing left for them to take back.
pub fn reject_pending_returns(
    conn: &mut AnyConnection,
    returns: &[&Commission],
    actor: ChangedBy,
) -> QueryResult<()> {
    for row in returns
        .iter()
        .filter(|r| r.state == CommissionState::Pending)
    {
        change(
            conn,
            row,
            CommissionState::Rejected,
            row.amount,
            Some(super::states::reason::ORIGINAL_REJECTED),
            actor,
        )?;
    }
    Ok(())
}

/// Releases (or keeps) the self-purchase hold; the event says who and why.
pub fn set_held(
    conn: &mut AnyConnection,
    commission: &Commission,
    held: bool,
    reason: Option<&str>,
    actor: ChangedBy,
) -> QueryResult<()> {
    let updated = diesel::update(
        commissions::table
            .find(commission.id)
            .filter(commissions::state.eq(commission.state))
            .filter(commissions::held.eq(commission.held)),
    )
    .set((commissions::held.eq(held), commissions::reason.eq(reason)))
    .execute(conn)?;
    if updated == 0 {
        return Err(changed_meanwhile());
    }
    let to = Becomes {
        state: commission.state,
        amount: commission.amount,
        reason,
    };
    record_event(conn, commission.id, to, actor)
}

fn record_event(
    conn: &mut AnyConnection,
    commission_id: CommissionId,
    to: Becomes,
    actor: ChangedBy,
) -> QueryResult<()> {
    diesel::insert_into(commission_events::table)
        .values((
            commission_events::commission_id.eq(commission_id),
            commission_events::state.eq(to.state.as_str()),
            commission_events::amount.eq(to.amount),
            commission_events::reason.eq(to.reason),
            commission_events::source.eq(actor.source),
            commission_events::decided_by.eq(actor.manager),
            commission_events::at.eq(actor.at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Whether an account manager decided this commission (such a decision is not undone by an
/// advertiser's later update).
pub fn decided_by_manager(
    conn: &mut AnyConnection,
    commission_id: CommissionId,
) -> QueryResult<bool> {
    use diesel::dsl::exists;
    diesel::select(exists(
        commission_events::table
            .filter(commission_events::commission_id.eq(commission_id))
            .filter(commission_events::source.eq(EventSource::Manager)),
    ))
    .get_result(conn)
}

/// The ledger entry of an approved commission: `+amount` for an order, `−amount` (already
/// negative) for a partial return. Unique per commission and kind, so approving twice cannot
/// enter it twice.
fn enter_in_ledger(
    conn: &mut AnyConnection,
    commission: &Commission,
    amount: i64,
    reason: Option<&str>,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let kind = match commission.kind {
        CommissionKind::Order => EntryKind::Commission,
        CommissionKind::Return => EntryKind::Return,
    };
    super::entries::enter(conn, entry_of(commission, kind, amount, reason, at))
}

/// A reversal by an account manager: the approved commission's remaining amount (after partial
/// returns) leaves the ledger as a new, negative row.
pub fn enter_reversal(
    conn: &mut AnyConnection,
    commission: &Commission,
    remaining: i64,
    reason: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let entry = entry_of(
        commission,
        EntryKind::Reversal,
        -remaining,
        Some(reason),
        at,
    );
    super::entries::enter(conn, entry)
}

/// A ledger row of `commission`: `minor` in its currency, for its participant, naming it.
fn entry_of<'a>(
    commission: &Commission,
    kind: EntryKind,
    minor: i64,
    reason: Option<&'a str>,
    at: NaiveDateTime,
) -> super::entries::NewEntry<'a> {
    let currency = crate::domain::Currency::parse(&commission.currency)
        .unwrap_or(crate::domain::Currency::EUR);
    super::entries::NewEntry {
        participant_id: commission.participant_id,
        kind,
        amount: crate::domain::Money::new(minor, currency),
        commission_id: Some(commission.id),
        payout_id: None,
        measure_id: None,
        reason,
        at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_conversion_earns_its_commission_net_of_returns_and_nothing_once_rejected() {
        use CommissionKind::{Order, Return};
        use CommissionState::{Approved, Pending, Rejected, Reversed};
        assert_eq!(net_commission([(Order, Pending, 350)]), 350);
        assert_eq!(
            net_commission([(Order, Approved, 700), (Return, Approved, -140)]),
            560
        );
        assert_eq!(
            net_commission([(Order, Pending, 700), (Return, Pending, -140)]),
            560
        );
        // A rejected return takes nothing back.
        assert_eq!(
            net_commission([(Order, Approved, 700), (Return, Rejected, -140)]),
            700
        );
        // Rejected (a coupon, a cancellation) or reversed: nothing, whatever its rows say.
        assert_eq!(net_commission([(Order, Rejected, 350)]), 0);
        assert_eq!(
            net_commission([(Order, Rejected, 700), (Return, Pending, -140)]),
            0
        );
        assert_eq!(
            net_commission([(Order, Reversed, 700), (Return, Approved, -140)]),
            0
        );
        // The rows' order does not matter; no order row earns nothing.
        assert_eq!(
            net_commission([(Return, Approved, -140), (Order, Approved, 700)]),
            560
        );
        assert_eq!(
            net_commission([(Return, Approved, -140), (Order, Rejected, 700)]),
            0
        );
        assert_eq!(net_commission([]), 0);
        assert_eq!(net_commission([(Return, Approved, -140)]), 0);
    }
}
