//! Property tests of the money rules against the real database: under any sequence of
//! advertiser reports, locking, reversals and payouts, the ledger is only ever appended to, a
//! balance is the sum of its rows and equals what the Commissions tab adds up, every commission
//! is what the rounding rule gives, and sending the same reports again changes nothing.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::fixtures;
use crate::common::money::{bank_on, plant_click, PlantedClick};
use crate::common::{test_settings, ParticipantKind, ReviewState, TestDatabase};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use portal::db::ids::{AccountId, ParticipantId};
use portal::db::schema::{commissions, ledger_entries};
use portal::db::AnyConnection;
use portal::domain::{money, Currency, Money, Rate};
use portal::ledger::states::{CommissionKind, CommissionState, EnteredBy, OrderStatus};
use portal::ledger::{decide, earnings, intake, locking, payouts, queries, report::Report};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    /// The advertiser reports order `order` (0–2) with this status, amount and share returned.
    Report {
        order: usize,
        status: usize,
        cents: i64,
        returned_percent: i64,
        coupon: bool,
    },
    /// Every locking date passes.
    Lock,
    /// An account manager reverses order `order`'s commission, if approved.
    Reverse {
        order: usize,
    },
    Payout,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (0usize..3, 0usize..4, 1i64..200_000, 0i64..=100, proptest::bool::weighted(0.15)).prop_map(
            |(order, status, cents, returned_percent, coupon)| Op::Report { order, status, cents, returned_percent, coupon }
        ),
        2 => Just(Op::Lock),
        1 => (0usize..3).prop_map(|order| Op::Reverse { order }),
        1 => Just(Op::Payout),
    ]
}

/// A participant with a channel, a credited click of today and bank details; returns
/// (participant id, click id in hex, the click's time).
fn participant(
    conn: &mut AnyConnection,
    n: usize,
) -> (ParticipantId, String, chrono::NaiveDateTime) {
    let email = format!("p{n}@example.nl");
    let p = fixtures::participant(
        conn,
        &email,
        ParticipantKind::Publisher,
        ReviewState::Approved,
    );
    let now = portal::db::now();
    bank_on(conn, p.participant_id, "NL91ABNA0417164300", "P");
    // A credited click as the writer stores it.
    let ms = now.and_utc().timestamp_millis();
    let click_id = format!("{:012x}{:020x}", ms, n as u128 + 1);
    let click = PlantedClick {
        click_id: hex::decode(&click_id).unwrap(),
        clicked_at: ms,
        day: ms.div_euclid(86_400_000) as i32,
        programme_id: fixtures::programme_id(conn),
        channel_id: p.channel_id,
        participant_id: p.participant_id,
        ip_hash: vec![0xab; 16],
        user_agent: "UA",
        credited: true,
        reason: None,
    };
    plant_click(conn, click);
    let at = chrono::DateTime::from_timestamp(ms.div_euclid(1000), 0)
        .unwrap()
        .naive_utc();
    (p.participant_id, click_id, at)
}

const STATUSES: [OrderStatus; 4] = [
    OrderStatus::Pending,
    OrderStatus::Completed,
    OrderStatus::Cancelled,
    OrderStatus::Returned,
];

fn eur(cents: i64) -> Money {
    Money::new(cents, Currency::EUR)
}

/// The checks after every step.
fn check(
    conn: &mut AnyConnection,
    participant: ParticipantId,
    ledger_before: &[(i64, i64)],
) -> Vec<(i64, i64)> {
    let ledger: Vec<(i64, i64)> = ledger_entries::table
        .filter(ledger_entries::participant_id.eq(participant))
        .order(ledger_entries::id)
        .select((ledger_entries::id, ledger_entries::amount))
        .load(conn)
        .unwrap();
    // Append-only: what was there is still there, unchanged.
    assert!(ledger.len() >= ledger_before.len());
    assert_eq!(&ledger[..ledger_before.len()], ledger_before);
    // The balance is the sum of the rows, and the tab's figures add up to it.
    let balance: i64 = ledger.iter().map(|r| r.1).sum();
    assert_eq!(payouts::balance(conn, participant).unwrap(), balance);
    let lines = queries::commission_lines(conn, participant).unwrap();
    let entries = queries::ledger_lines(conn, participant).unwrap();
    let totals = earnings::totals(&earnings::earnings(&lines, &entries));
    let paid_out: i64 = -entries
        .iter()
        .filter(|e| e.kind == portal::ledger::states::EntryKind::Payout)
        .map(|e| e.amount)
        .sum::<i64>();
    assert_eq!(totals.approved + totals.paid - paid_out, balance);
    // Every commission is what the rounding rule gives for its order at its rate.
    let orders: Vec<(i64, i64, String, i64, CommissionState)> = commissions::table
        .inner_join(portal::db::schema::conversions::table)
        .filter(commissions::participant_id.eq(participant))
        .filter(commissions::kind.eq(CommissionKind::Order))
        .select((
            commissions::id,
            commissions::amount,
            commissions::rate_percent,
            portal::db::schema::conversions::order_amount,
            commissions::state,
        ))
        .load(conn)
        .unwrap();
    for (id, amount, rate, order_cents, state) in orders {
        if state == CommissionState::Pending {
            let rate = Rate::parse_percent(&rate).unwrap();
            assert_eq!(
                amount,
                money::commission(eur(order_cents), rate).minor,
                "commission {id}"
            );
        }
        // Its returns never take back more than it earned.
        let returned: i64 = commissions::table
            .filter(commissions::reverses_id.eq(id))
            .filter(commissions::state.ne(CommissionState::Rejected))
            .select(commissions::amount)
            .load::<i64>(conn)
            .unwrap()
            .iter()
            .sum();
        assert!(-returned <= amount, "returns of {id} exceed it");
    }
    ledger
}

static CASE: AtomicUsize = AtomicUsize::new(0);
/// One database for every case (each case has a participant of its own) and an account manager.
/// The test database, the portal's pool, an account manager, and the owner's pool (what an
/// operator may do that the portal's role may not: move a locking date).
static DATABASE: std::sync::LazyLock<(
    TestDatabase,
    portal::db::Pool,
    AccountId,
    portal::db::Pool,
)> = std::sync::LazyLock::new(|| {
    let database = TestDatabase::new();
    let pool = portal::startup::prepare_database(&test_settings(&database)).unwrap();
    let owner = portal::db::connect(database.owner_settings()).unwrap();
    let manager = portal::accounts::create_manager(
        &mut pool.get().unwrap(),
        &portal::domain::EmailAddress::parse("beheer@partnerlink.nl").unwrap(),
        "x",
        portal::i18n::Lang::Nl,
    )
    .unwrap();
    (database, pool, manager, owner)
});

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn the_ledger_adds_up_under_any_sequence_of_operations(ops in proptest::collection::vec(op(), 1..25)) {
        let n = CASE.fetch_add(1, Ordering::SeqCst);
        let mut conn = DATABASE.1.get().unwrap();
        let conn: &mut AnyConnection = &mut conn;
        let (participant, click, at) = participant(conn, n);
        let payer = portal::domain::Iban::parse("NL02ABNA0123456789").unwrap();
        let mut latest: Vec<Option<Report>> = vec![None, None, None];
        let mut ledger = Vec::new();
        for op in &ops {
            let now = portal::db::now();
            match op {
                Op::Report { order, status, cents, returned_percent, coupon } => {
                    let status = STATUSES[*status];
                    let returned = if status == OrderStatus::Returned { (cents * returned_percent / 100).max(1) } else { 0 };
                    let report = Report {
                        programme: "aliexpress".into(),
                        click_ref: click.clone(),
                        order_ref: format!("C{n}-O{order}"),
                        order_amount: eur(*cents),
                        returned_amount: eur(returned),
                        commission_group: "sales".into(),
                        coupon_redeemed: *coupon,
                        status,
                        occurred_at: at,
                        coupon_codes: Vec::new(),
                        in_stock: None,
                    };
                    match intake::record(conn, &report, EnteredBy::Import { manager_id: DATABASE.2 }, now) {
                        Ok(_) => latest[*order] = Some(report),
                        // After its locking date a conversion takes no change but a further
                        // return: the others are refused as locked, and change nothing (the
                        // checks below).
                        Err(intake::IntakeError::Problems(problems))
                            if problems.iter().all(|p| p.key == portal::ledger::report::LOCKED) => {}
                        Err(e) => panic!("{e:?}"),
                    }
                }
                Op::Lock => {
                    // Time passes: the owner moves the dates (the portal's role cannot).
                    DATABASE.3.get().unwrap().batch_execute(&format!(
                        "UPDATE commissions SET locks_at = '2000-01-01 00:00:00' WHERE participant_id = {participant}"
                    )).unwrap();
                    locking::settle_due(conn, now).unwrap();
                }
                Op::Reverse { order } => {
                    let id: Option<portal::db::ids::CommissionId> = commissions::table
                        .inner_join(portal::db::schema::conversions::table)
                        .filter(portal::db::schema::conversions::order_ref.eq(format!("C{n}-O{order}")))
                        .filter(commissions::kind.eq(CommissionKind::Order))
                        .filter(commissions::state.eq(CommissionState::Approved))
                        .select(commissions::id)
                        .first(conn)
                        .optional()
                        .unwrap();
                    if let Some(id) = id {
                        decide::decide(conn, id, decide::Action::Reverse, Some("test"), DATABASE.2, now).unwrap();
                    }
                }
                Op::Payout => {
                    let payer = payouts::Payer { name: "Partnerlink", iban: &payer };
                    payouts::run(conn, payouts::Period::of(now.date()), None, Some(payer), now).unwrap();
                }
            }
            ledger = check(conn, participant, &ledger);
        }
        // The same reports again: nothing changes.
        let commission_rows: i64 = commissions::table.filter(commissions::participant_id.eq(participant)).count().get_result(conn).unwrap();
        for report in latest.iter().flatten() {
            let again = intake::record(conn, report, EnteredBy::Import { manager_id: DATABASE.2 }, portal::db::now()).unwrap();
            prop_assert_eq!(again.outcome, intake::Outcome::Repeated);
        }
        let after: i64 = commissions::table.filter(commissions::participant_id.eq(participant)).count().get_result(conn).unwrap();
        prop_assert_eq!(after, commission_rows);
        check(conn, participant, &ledger);
    }
}
