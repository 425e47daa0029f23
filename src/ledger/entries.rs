//! The ledger's one door: every row of `ledger_entries` — an approved commission or partial
//! return, a manager's reversal, a deduction (F.11.d) or its undoing when lifted, a payout — is
//! written by `enter`, which holds the rule of signs. Rows are never changed or removed (the
//! database refuses); a correction is a new row.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::states::EntryKind;
use crate::db::ids::{CommissionId, MeasureId, ObjectionId, ParticipantId, PayoutId};
use crate::db::schema::ledger_entries;
use crate::db::AnyConnection;
use crate::domain::Money;

/// A row for the ledger. `amount` is signed as the balance moves: what the participant earns
/// is positive, what leaves its balance negative.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub participant_id: ParticipantId,
    pub kind: EntryKind,
    pub amount: Money,
    pub commission_id: Option<CommissionId>,
    pub payout_id: Option<PayoutId>,
    pub measure_id: Option<MeasureId>,
    pub reason: Option<&'a str>,
    pub at: NaiveDateTime,
}

/// Whether `amount` has the sign its kind allows: a commission adds (or is nothing), a return,
/// a reversal and a payout take away, a deduction takes away and its undoing gives back.
pub fn sign_fits(kind: EntryKind, minor: i64) -> bool {
    match kind {
        EntryKind::Commission => minor >= 0,
        EntryKind::Return | EntryKind::Reversal => minor <= 0,
        EntryKind::Payout => minor < 0,
        EntryKind::Deduction => minor != 0,
    }
}

/// Writes `entry`; an amount of the wrong sign for its kind is refused before it is written
/// (a `CheckViolation`, as the database would name it), so no bug upstream can mint money.
pub fn enter(conn: &mut AnyConnection, entry: NewEntry) -> QueryResult<()> {
    insert(conn, entry, None)
}

/// Writes `entry` for the upheld objection `objection_id` (G.12): what a reversal took, given
/// back. At most one row per objection (a unique index), so deciding twice cannot pay twice.
pub fn enter_for_objection(
    conn: &mut AnyConnection,
    entry: NewEntry,
    objection_id: ObjectionId,
) -> QueryResult<()> {
    insert(conn, entry, Some(objection_id))
}

fn insert(
    conn: &mut AnyConnection,
    entry: NewEntry,
    objection_id: Option<ObjectionId>,
) -> QueryResult<()> {
    if !sign_fits(entry.kind, entry.amount.minor) {
        return Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::CheckViolation,
            Box::new(format!(
                "a {} entry of {} has the wrong sign",
                entry.kind.as_str(),
                entry.amount.minor
            )),
        ));
    }
    diesel::insert_into(ledger_entries::table)
        .values((
            ledger_entries::participant_id.eq(entry.participant_id),
            ledger_entries::kind.eq(entry.kind),
            ledger_entries::amount.eq(entry.amount.minor),
            ledger_entries::currency.eq(entry.amount.currency.code()),
            ledger_entries::commission_id.eq(entry.commission_id),
            ledger_entries::payout_id.eq(entry.payout_id),
            ledger_entries::measure_id.eq(entry.measure_id),
            ledger_entries::reason.eq(entry.reason),
            ledger_entries::created_at.eq(entry.at),
            ledger_entries::objection_id.eq(objection_id),
        ))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_moves_the_balance_its_own_way() {
        use EntryKind::*;
        assert!(sign_fits(Commission, 700) && sign_fits(Commission, 0));
        assert!(!sign_fits(Commission, -1));
        assert!(sign_fits(Return, -700) && !sign_fits(Return, 1));
        assert!(sign_fits(Reversal, -700) && !sign_fits(Reversal, 1));
        assert!(sign_fits(Payout, -2500) && !sign_fits(Payout, 0) && !sign_fits(Payout, 2500));
        assert!(sign_fits(Deduction, -100) && sign_fits(Deduction, 100));
        assert!(!sign_fits(Deduction, 0));
    }
}
