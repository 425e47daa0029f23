//! The locking date: when it has passed, a pending commission becomes final — approved (it
//! enters the ledger) when the order was completed, rejected otherwise — and never changes
//! again. A commission held for self-purchase review waits for an account manager.
//!
//! Settling runs when a conversion is updated (what fell due is decided by the report it had),
//! before every payout run, and every few minutes while the portal runs.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::commissions::{self, ChangedBy, Commission};
use super::conversions::{self, Conversion};
use super::states::{reason, CommissionKind, CommissionState, EventSource, OrderStatus};
use crate::db::ids::ConversionId;
use crate::db::schema::commissions as c;
use crate::db::AnyConnection;

/// The final state of a commission whose locking date has passed, from its order and, for a
/// partial return, from its original commission.
pub fn final_state(
    commission: &Commission,
    conversion: &Conversion,
    original: Option<CommissionState>,
) -> (CommissionState, Option<&'static str>) {
    match commission.kind {
        // The same reasons, in the same order, as the intake's (`Conversion::refusal`, which
        // also refuses an order returned in full: a report gives a returned amount only with
        // the status "returned").
        CommissionKind::Order => match conversion.refusal() {
            Some(why) => (CommissionState::Rejected, Some(why)),
            None if matches!(
                conversion.order_status,
                OrderStatus::Completed | OrderStatus::Returned
            ) =>
            {
                (CommissionState::Approved, None)
            }
            None => (
                CommissionState::Rejected,
                Some(reason::NOT_COMPLETED_BY_LOCKING),
            ),
        },
        CommissionKind::Return => match original {
            Some(CommissionState::Approved) => {
                (CommissionState::Approved, Some(reason::PARTIAL_RETURN))
            }
            _ => (CommissionState::Rejected, Some(reason::ORIGINAL_REJECTED)),
        },
    }
}

/// Settles the due commissions of one conversion. Returns how many became final.
pub fn settle_conversion(
    conn: &mut AnyConnection,
    conversion_id: ConversionId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    // After a decision made meanwhile, not beside it (see `commissions::change`).
    commissions::lock_conversion(conn, conversion_id)?;
    let Some(conversion) = conversions::find(conn, conversion_id)? else {
        return Ok(0);
    };
    let actor = ChangedBy {
        source: EventSource::Locking,
        manager: None,
        at: now,
    };
    let mut settled = 0;
    // Orders first: a return follows the decision on its original.
    let mut rows = commissions::of_conversion(conn, conversion_id)?;
    // F.11.e: a terminated participant's pending commissions are not approved; they wait, and
    // settle as usual should an upheld objection lift the termination.
    if let Some(first) = rows.first() {
        if crate::participants::standing::terminated_at(conn, first.participant_id)?.is_some() {
            return Ok(0);
        }
    }
    rows.sort_by_key(|r| (r.kind != CommissionKind::Order, r.id));
    let mut original_state = None;
    for row in rows {
        if row.kind == CommissionKind::Order {
            original_state = Some(row.state);
        }
        if row.state != CommissionState::Pending || row.held || row.locks_at > now {
            continue;
        }
        let (state, why) = final_state(&row, &conversion, original_state);
        commissions::change(conn, &row, state, row.amount, why, actor)?;
        if row.kind == CommissionKind::Order {
            original_state = Some(state);
        }
        settled += 1;
    }
    Ok(settled)
}

/// Settles every commission whose locking date has passed, conversion by conversion, each in
/// its own transaction (a long run stopped half-way keeps what it finished; the rest is done
/// next time). Returns how many became final.
pub fn settle_due(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<usize> {
    let due: Vec<ConversionId> = c::table
        .filter(c::state.eq(CommissionState::Pending))
        .filter(c::held.eq(false))
        .filter(c::locks_at.le(now))
        .select(c::conversion_id)
        .distinct()
        .order(c::conversion_id)
        .load(conn)?;
    let mut settled = 0;
    for conversion_id in due {
        settled +=
            crate::db::write_transaction(conn, |conn| settle_conversion(conn, conversion_id, now))?;
    }
    Ok(settled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conversion(status: OrderStatus, coupon: bool, returned: i64) -> Conversion {
        Conversion {
            returned_amount: returned,
            coupon_redeemed: coupon,
            ..Conversion::sample(status)
        }
    }

    #[test]
    fn at_its_locking_date_a_commission_is_approved_only_for_a_completed_order() {
        use reason::{COUPON_REDEEMED, NOT_COMPLETED_BY_LOCKING, ORDER_CANCELLED, ORDER_RETURNED};
        use CommissionState::{Approved, Rejected};
        use OrderStatus::*;
        let order = Commission::sample(CommissionKind::Order);
        // (the order's status, coupon redeemed, amount returned; the state and reason it gets)
        let cases = [
            (Completed, false, 0, Approved, None),
            (Returned, false, 2_000, Approved, None),
            (Returned, false, 9_999, Approved, None),
            (Returned, false, 10_000, Rejected, Some(ORDER_RETURNED)),
            (Completed, true, 0, Rejected, Some(COUPON_REDEEMED)),
            (Returned, true, 2_000, Rejected, Some(COUPON_REDEEMED)),
            (Pending, true, 0, Rejected, Some(COUPON_REDEEMED)),
            (Cancelled, false, 0, Rejected, Some(ORDER_CANCELLED)),
            (Cancelled, true, 0, Rejected, Some(COUPON_REDEEMED)),
            (Pending, false, 0, Rejected, Some(NOT_COMPLETED_BY_LOCKING)),
        ];
        for (status, coupon, returned, state, why) in cases {
            assert_eq!(
                final_state(&order, &conversion(status, coupon, returned), None),
                (state, why),
                "{status:?} coupon {coupon} returned {returned}"
            );
        }
    }

    #[test]
    fn a_return_follows_its_original() {
        let row = Commission::sample(CommissionKind::Return);
        let sold = conversion(OrderStatus::Returned, false, 2_000);
        assert_eq!(
            final_state(&row, &sold, Some(CommissionState::Approved)),
            (CommissionState::Approved, Some(reason::PARTIAL_RETURN))
        );
        for original in [
            Some(CommissionState::Rejected),
            Some(CommissionState::Pending),
            Some(CommissionState::Reversed),
            None,
        ] {
            assert_eq!(
                final_state(&row, &sold, original),
                (CommissionState::Rejected, Some(reason::ORIGINAL_REJECTED)),
                "{original:?}"
            );
        }
    }
}
