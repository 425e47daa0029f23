//! The figures of the Commissions tab, computed from the commission rows and the ledger alone,
//! so they add up to the ledger to the cent:
//! - per month (of the order) and commission group: pending, approved (in the ledger, not paid
//!   yet), rejected and paid;
//! - which ledger entries are paid: payouts pay the oldest entries first, so an entry is paid when
//!   the running sum of the entries up to it is covered by what was paid out in all;
//! - why a balance was not paid.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use super::queries::{CommissionLine, LedgerLine};
use super::states::{CommissionKind, CommissionState, EntryKind};
use crate::db::ids::{CommissionId, MeasureId};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Earnings {
    pub pending: i64,
    pub approved: i64,
    pub rejected: i64,
    pub paid: i64,
}

impl Earnings {
    fn add(&mut self, other: &Earnings) {
        self.pending += other.pending;
        self.approved += other.approved;
        self.rejected += other.rejected;
        self.paid += other.paid;
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EarningsLine {
    /// The first day of the month.
    pub month: NaiveDate,
    pub group: String,
    pub figures: Earnings,
}

/// For each ledger entry (not a payout), whether it is paid. The entries are read oldest first.
pub fn paid_entries(ledger: &[LedgerLine]) -> HashMap<i64, bool> {
    let paid_out: i64 = -ledger
        .iter()
        .filter(|e| e.kind == EntryKind::Payout)
        .map(|e| e.amount)
        .sum::<i64>();
    let mut running = 0i64;
    let mut paid = HashMap::new();
    for entry in ledger.iter().filter(|e| e.kind != EntryKind::Payout) {
        running += entry.amount;
        paid.insert(entry.id, running <= paid_out);
    }
    paid
}

/// Earnings per month and group, oldest month first, groups in the order first seen.
pub fn earnings(commissions: &[CommissionLine], ledger: &[LedgerLine]) -> Vec<EarningsLine> {
    let paid = paid_entries(ledger);
    // Per commission, what its ledger entries add up to, paid and not.
    let mut entered: HashMap<CommissionId, (i64, i64)> = HashMap::new();
    for entry in ledger {
        if let Some(commission_id) = entry.commission_id {
            let slot = entered.entry(commission_id).or_default();
            if paid.get(&entry.id).copied().unwrap_or(false) {
                slot.0 += entry.amount;
            } else {
                slot.1 += entry.amount;
            }
        }
    }
    let mut lines: BTreeMap<(NaiveDate, usize), EarningsLine> = BTreeMap::new();
    let mut group_order: Vec<String> = Vec::new();
    for c in commissions {
        let month = c
            .occurred_at
            .date()
            .with_day(1)
            .unwrap_or(c.occurred_at.date());
        let position = match group_order.iter().position(|g| *g == c.group_code) {
            Some(p) => p,
            None => {
                group_order.push(c.group_code.clone());
                group_order.len() - 1
            }
        };
        let line = lines
            .entry((month, position))
            .or_insert_with(|| EarningsLine {
                month,
                group: c.group_code.clone(),
                figures: Earnings::default(),
            });
        match c.commission.state {
            CommissionState::Pending => line.figures.pending += c.commission.amount,
            CommissionState::Rejected if c.commission.kind == CommissionKind::Order => {
                line.figures.rejected += c.commission.amount
            }
            CommissionState::Rejected => {}
            CommissionState::Approved | CommissionState::Reversed => {
                let (paid, unpaid) = entered.get(&c.commission.id).copied().unwrap_or_default();
                line.figures.paid += paid;
                line.figures.approved += unpaid;
            }
        }
    }
    lines.into_values().collect()
}

pub fn totals(lines: &[EarningsLine]) -> Earnings {
    let mut total = Earnings::default();
    for line in lines {
        total.add(&line.figures);
    }
    total
}

/// Why a balance was not paid (empty: it will be, in the next payout run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotPaid {
    /// An account manager withholds the payments (F.11.c): the measure's notice says why.
    Withheld {
        measure_id: MeasureId,
    },
    NoBankDetails,
    BelowThreshold {
        missing: i64,
    },
    /// Commissions held for review as possible self-purchase (E.10.j): they wait for an account
    /// manager's decision, not for their final date.
    Held {
        amount: i64,
        orders: i64,
    },
    /// Commissions still pending: they count once their locking date has passed.
    NotYetLocked {
        pending: i64,
    },
    /// Approved on or after the next run's cutoff (the first day of its month): that run pays
    /// the month before, so this part waits for the run after it.
    ApprovedSinceCutoff {
        amount: i64,
    },
}

impl NotPaid {
    /// Whether it keeps the balance itself from being paid (a hold keeps back only the held
    /// commissions, which are not in the balance).
    pub fn blocks_balance(&self) -> bool {
        !matches!(
            self,
            NotPaid::Held { .. } | NotPaid::ApprovedSinceCutoff { .. }
        )
    }
}

/// What has not reached the balance yet: commissions pending until their final date, and those
/// held for review.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Waiting {
    pub pending: i64,
    pub held: i64,
    pub held_orders: i64,
}

impl Waiting {
    pub fn of(commissions: &[CommissionLine]) -> Waiting {
        let mut waiting = Waiting::default();
        for c in commissions
            .iter()
            .filter(|c| c.commission.state == CommissionState::Pending)
        {
            if c.commission.held {
                waiting.held += c.commission.amount;
                if c.commission.kind == CommissionKind::Order {
                    waiting.held_orders += 1;
                }
            } else {
                waiting.pending += c.commission.amount;
            }
        }
        waiting
    }
}

/// What the next run pays of the balance: the entries made before `cutoff` less every payout
/// (as `payouts::payable_before` counts it), and the rest, which waits for the run after.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Payable {
    pub next_run: i64,
    pub later: i64,
}

impl Payable {
    pub fn of(ledger: &[LedgerLine], cutoff: NaiveDateTime) -> Payable {
        let balance: i64 = ledger.iter().map(|e| e.amount).sum();
        let next_run: i64 = ledger
            .iter()
            .filter(|e| e.created_at < cutoff || e.kind == EntryKind::Payout)
            .map(|e| e.amount)
            .sum();
        Payable {
            next_run,
            later: balance - next_run,
        }
    }
}

pub fn why_not_paid(
    payable: Payable,
    threshold: i64,
    has_bank: bool,
    waiting: Waiting,
    withheld: Option<MeasureId>,
) -> Vec<NotPaid> {
    let mut reasons = Vec::new();
    if let Some(measure_id) = withheld {
        reasons.push(NotPaid::Withheld { measure_id });
    }
    let balance = payable.next_run;
    if balance < threshold {
        reasons.push(NotPaid::BelowThreshold {
            missing: threshold - balance,
        });
        if waiting.pending > 0 {
            reasons.push(NotPaid::NotYetLocked {
                pending: waiting.pending,
            });
        }
    }
    if !has_bank {
        reasons.push(NotPaid::NoBankDetails);
    }
    if payable.later > 0 {
        reasons.push(NotPaid::ApprovedSinceCutoff {
            amount: payable.later,
        });
    }
    // Said whatever the balance: held money is not in it, and no date will release it.
    if waiting.held_orders > 0 {
        reasons.push(NotPaid::Held {
            amount: waiting.held,
            orders: waiting.held_orders,
        });
    }
    reasons
}

/// The date of the next payout run, made on day `payout_day` of each month for the month
/// before (`Settings::payout_day`): this month's, unless that day has passed.
pub fn next_payout_run(today: NaiveDate, payout_day: u32) -> NaiveDate {
    let this_month = today.with_day(payout_day).unwrap_or(today);
    if today <= this_month {
        this_month
    } else {
        this_month
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(this_month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::commissions::Commission;
    use chrono::NaiveDateTime;
    use proptest::prelude::*;

    fn at(month: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, month, 15)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    fn commission(
        id: i64,
        month: u32,
        group: &str,
        amount: i64,
        state: CommissionState,
    ) -> CommissionLine {
        let kind = if amount < 0 {
            CommissionKind::Return
        } else {
            CommissionKind::Order
        };
        CommissionLine {
            commission: Commission {
                id: CommissionId(id),
                amount,
                state,
                locks_at: at(month),
                ..Commission::sample(kind)
            },
            order_ref: format!("O-{id}"),
            occurred_at: at(month),
            group_code: group.into(),
        }
    }

    fn entry(id: i64, kind: EntryKind, amount: i64, commission_id: Option<i64>) -> LedgerLine {
        LedgerLine {
            id,
            kind,
            amount,
            currency: "EUR".into(),
            commission_id: commission_id.map(CommissionId),
            reason: None,
            created_at: at(11),
            order_ref: None,
            measure_id: None,
        }
    }

    #[test]
    fn payouts_pay_the_oldest_entries_first() {
        let ledger = [
            entry(1, EntryKind::Commission, 1000, Some(1)),
            entry(2, EntryKind::Commission, 500, Some(2)),
            entry(3, EntryKind::Payout, -1000, None),
            entry(4, EntryKind::Commission, 700, Some(3)),
        ];
        let paid = paid_entries(&ledger);
        assert_eq!((paid[&1], paid[&2], paid[&4]), (true, false, false));
    }

    #[test]
    fn earnings_per_month_and_group() {
        let commissions = [
            commission(1, 10, "sales", 1000, CommissionState::Approved),
            commission(2, 10, "sales", 300, CommissionState::Pending),
            commission(3, 10, "marketplace", 80, CommissionState::Rejected),
            commission(4, 11, "sales", 500, CommissionState::Approved),
            commission(5, 11, "sales", -100, CommissionState::Approved),
            // A return rejected with its original counts nowhere.
            commission(6, 11, "sales", -50, CommissionState::Rejected),
        ];
        let ledger = [
            entry(1, EntryKind::Commission, 1000, Some(1)),
            entry(2, EntryKind::Payout, -1000, None),
            entry(3, EntryKind::Commission, 500, Some(4)),
            entry(4, EntryKind::Return, -100, Some(5)),
        ];
        let lines = earnings(&commissions, &ledger);
        let figures: Vec<(u32, &str, Earnings)> = lines
            .iter()
            .map(|l| (l.month.month(), l.group.as_str(), l.figures.clone()))
            .collect();
        assert_eq!(
            figures,
            [
                (
                    10,
                    "sales",
                    Earnings {
                        pending: 300,
                        approved: 0,
                        rejected: 0,
                        paid: 1000
                    }
                ),
                (
                    10,
                    "marketplace",
                    Earnings {
                        pending: 0,
                        approved: 0,
                        rejected: 80,
                        paid: 0
                    }
                ),
                (
                    11,
                    "sales",
                    Earnings {
                        pending: 0,
                        approved: 400,
                        rejected: 0,
                        paid: 0
                    }
                ),
            ]
        );
        assert_eq!(
            totals(&lines),
            Earnings {
                pending: 300,
                approved: 400,
                rejected: 80,
                paid: 1000
            }
        );
    }

    /// A balance the next run pays in full.
    fn now(balance: i64) -> Payable {
        Payable {
            next_run: balance,
            later: 0,
        }
    }

    #[test]
    fn the_next_run_pays_what_was_approved_before_its_cutoff() {
        let mut late = entry(2, EntryKind::Commission, 700, Some(2));
        late.created_at = at(12);
        let mut payout = entry(3, EntryKind::Payout, -1000, None);
        payout.created_at = at(12);
        let ledger = [entry(1, EntryKind::Commission, 3000, Some(1)), late, payout];
        // `entry` is made in November: the run of 1 December (cutoff 1 December) pays it.
        let cutoff = NaiveDate::from_ymd_opt(2026, 12, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        assert_eq!(
            Payable::of(&ledger, cutoff),
            Payable {
                next_run: 2000,
                later: 700
            }
        );
    }

    fn pending(pending: i64) -> Waiting {
        Waiting {
            pending,
            ..Waiting::default()
        }
    }

    #[test]
    fn why_a_balance_was_not_paid() {
        assert_eq!(why_not_paid(now(3000), 2500, true, pending(0), None), []);
        assert_eq!(why_not_paid(now(2500), 2500, true, pending(0), None), []);
        assert_eq!(
            why_not_paid(now(2499), 2500, true, pending(900), None),
            [
                NotPaid::BelowThreshold { missing: 1 },
                NotPaid::NotYetLocked { pending: 900 }
            ]
        );
        assert_eq!(
            why_not_paid(now(3000), 2500, false, pending(10), None),
            [NotPaid::NoBankDetails]
        );
        assert_eq!(
            why_not_paid(now(0), 2500, false, pending(0), None),
            [
                NotPaid::BelowThreshold { missing: 2500 },
                NotPaid::NoBankDetails
            ]
        );
        // Withheld comes first, whatever else holds; the rest is still said.
        assert_eq!(
            why_not_paid(now(3000), 2500, true, pending(0), Some(MeasureId(7))),
            [NotPaid::Withheld {
                measure_id: MeasureId(7)
            }]
        );
        assert_eq!(
            why_not_paid(now(100), 2500, false, pending(0), Some(MeasureId(7))),
            [
                NotPaid::Withheld {
                    measure_id: MeasureId(7)
                },
                NotPaid::BelowThreshold { missing: 2400 },
                NotPaid::NoBankDetails
            ]
        );
        // Approved since the next run's cutoff: it waits for the run after, and the threshold
        // counts what the next run pays.
        let split = Payable {
            next_run: 2000,
            later: 1000,
        };
        assert_eq!(
            why_not_paid(split, 2500, true, pending(0), None),
            [
                NotPaid::BelowThreshold { missing: 500 },
                NotPaid::ApprovedSinceCutoff { amount: 1000 }
            ]
        );
        // A hold is said whatever the balance, and is not a commission waiting for its date.
        let held = Waiting {
            pending: 0,
            held: 700,
            held_orders: 1,
        };
        assert_eq!(
            why_not_paid(now(3000), 2500, true, held, None),
            [NotPaid::Held {
                amount: 700,
                orders: 1
            }]
        );
        assert_eq!(
            why_not_paid(now(0), 2500, true, held, None),
            [
                NotPaid::BelowThreshold { missing: 2500 },
                NotPaid::Held {
                    amount: 700,
                    orders: 1
                }
            ]
        );
    }

    #[test]
    fn held_commissions_are_apart_from_pending_ones() {
        let mut held = commission(1, 10, "sales", 700, CommissionState::Pending);
        held.commission.held = true;
        let lines = [
            held,
            commission(2, 10, "sales", 300, CommissionState::Pending),
            commission(3, 10, "sales", 900, CommissionState::Approved),
        ];
        assert_eq!(
            Waiting::of(&lines),
            Waiting {
                pending: 300,
                held: 700,
                held_orders: 1
            }
        );
    }

    #[test]
    fn the_next_payout_run() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(next_payout_run(day(12, 1), 1), day(12, 1));
        assert_eq!(
            next_payout_run(day(12, 2), 1),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
        assert_eq!(next_payout_run(day(11, 4), 5), day(11, 5));
        assert_eq!(next_payout_run(day(11, 5), 5), day(11, 5));
        assert_eq!(next_payout_run(day(11, 30), 28), day(12, 28));
        assert_eq!(next_payout_run(day(1, 31), 28), day(2, 28));
    }

    proptest! {
        /// Approved and paid together are what the commission rows put in the ledger; paid is
        /// never more than was paid out.
        #[test]
        fn approved_and_paid_add_up_to_the_ledger(
            amounts in proptest::collection::vec((1i64..100_000, 0usize..3, any::<bool>()), 1..30),
            payout_share in 0i64..=100,
        ) {
            let mut commissions = Vec::new();
            let mut ledger = Vec::new();
            for (i, (amount, state, has_return)) in amounts.iter().enumerate() {
                let id = i as i64 * 2 + 1;
                let state = [CommissionState::Pending, CommissionState::Approved, CommissionState::Rejected][*state];
                commissions.push(commission(id, 1 + (i as u32 % 12), "sales", *amount, state));
                if state == CommissionState::Approved {
                    ledger.push(entry(ledger.len() as i64 + 1, EntryKind::Commission, *amount, Some(id)));
                    if *has_return {
                        commissions.push(commission(id + 1, 1 + (i as u32 % 12), "sales", -amount / 3, CommissionState::Approved));
                        ledger.push(entry(ledger.len() as i64 + 1, EntryKind::Return, -amount / 3, Some(id + 1)));
                    }
                }
            }
            let earned: i64 = ledger.iter().map(|e| e.amount).sum();
            let paid_out = earned * payout_share / 100;
            if paid_out > 0 {
                ledger.push(entry(ledger.len() as i64 + 1, EntryKind::Payout, -paid_out, None));
            }
            let total = totals(&earnings(&commissions, &ledger));
            prop_assert_eq!(total.approved + total.paid, earned);
            prop_assert!(total.paid <= paid_out);
            let pending: i64 = commissions.iter().filter(|c| c.commission.state == CommissionState::Pending).map(|c| c.commission.amount).sum();
            prop_assert_eq!(total.pending, pending);
        }
    }
}
