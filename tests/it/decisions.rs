//! Issue 20, point 5: decisions on one commission at the same moment. Two account managers (or
//! a manager and the locking date's settlement) deciding the same held commission: exactly one
//! decision applies, the other is told it was decided meanwhile, and the ledger agrees with the
//! commission's final state. On PostgreSQL the deciders wait for the conversion's row lock; on
//! SQLite for the write lock.

use crate::common;
use portal::db::ids::{CommissionId, ParticipantId};

use crate::common::money::{click, pass_locking_dates, report, secret, send};
use crate::common::spawn_app;
use diesel::prelude::*;
use portal::db::schema::{commissions, ledger_entries};
use portal::ledger::decide::{self, Action, DecideError};

#[tokio::test]
async fn release_and_reject_at_the_same_moment_decide_once_and_the_ledger_agrees() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    // Anna logs in from the address the clicks come from: her orders are held (E.10.j).
    app.client_for("anna@example.nl").await;
    let boss = app.add_manager("beheer@partnerlink.nl");
    let other = app.add_manager("collega@partnerlink.nl");
    let key = secret(&app);
    const ROUNDS: usize = 8;
    let (click_id, at) = click(&app, anna.channel_id).await;
    for n in 0..ROUNDS {
        let mut order = report(&click_id, &format!("R-{n}"), "100.00", &at);
        order["status"] = "completed".into();
        let (status, answer) = send(&app, &key, &order).await;
        assert_eq!(status, 201, "{answer}");
        assert_eq!(answer["attribution"], "self_purchase");
    }
    // Past their locking dates: a release approves at once (and enters the ledger).
    pass_locking_dates(&app);
    let ids: Vec<CommissionId> = commissions::table
        .filter(commissions::kind.eq("order"))
        .filter(commissions::held.eq(true))
        .order(commissions::id)
        .select(commissions::id)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(ids.len(), ROUNDS);

    for (n, id) in ids.iter().enumerate() {
        // Who goes first differs per round; the outcome must not depend on it.
        let actions = if n % 2 == 0 {
            [(Action::Release, boss), (Action::Reject, other)]
        } else {
            [(Action::Reject, other), (Action::Release, boss)]
        };
        type Job<'a> = common::Job<'a, (Action, Result<ParticipantId, DecideError>)>;
        let jobs: Vec<Job> = actions
            .into_iter()
            .map(|(action, manager)| -> Job {
                Box::new(move |conn| {
                    let why = (action == Action::Reject).then_some("Zelfaankoop");
                    let result = decide::decide(conn, *id, action, why, manager, portal::db::now());
                    (action, result)
                })
            })
            .collect();
        let results = app.at_once(jobs);
        let applied: Vec<Action> = results
            .iter()
            .filter(|(_, r)| r.is_ok())
            .map(|(a, _)| *a)
            .collect();
        assert_eq!(applied.len(), 1, "round {n}: {results:?}");
        assert!(
            results
                .iter()
                .any(|(_, r)| matches!(r, Err(DecideError::Gone))),
            "round {n}: the other is told it was decided meanwhile: {results:?}"
        );
        let (state, held): (String, bool) = commissions::table
            .find(id)
            .select((commissions::state, commissions::held))
            .first(&mut *app.conn())
            .unwrap();
        let entries: Vec<i64> = ledger_entries::table
            .filter(ledger_entries::commission_id.eq(id))
            .select(ledger_entries::amount)
            .load(&mut *app.conn())
            .unwrap();
        match applied[0] {
            Action::Release => {
                assert_eq!((state.as_str(), held), ("approved", false), "round {n}");
                assert_eq!(entries, [700], "round {n}");
            }
            _ => {
                assert_eq!(state, "rejected", "round {n}");
                assert!(
                    entries.is_empty(),
                    "round {n}: a rejected commission paid {entries:?}"
                );
            }
        }
    }
}

/// The locking date's settlement racing a manager's rejection of a pending commission: one of
/// the two decides, never both (approved in the ledger and rejected).
#[tokio::test]
async fn settlement_and_a_rejection_at_the_same_moment_decide_once() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let boss = app.add_manager("beheer@partnerlink.nl");
    let key = secret(&app);
    const ROUNDS: usize = 8;
    let (click_id, at) = click(&app, anna.channel_id).await;
    for n in 0..ROUNDS {
        let mut order = report(&click_id, &format!("S-{n}"), "100.00", &at);
        order["status"] = "completed".into();
        assert_eq!(send(&app, &key, &order).await.0, 201);
    }
    let ids: Vec<CommissionId> = commissions::table
        .filter(commissions::kind.eq("order"))
        .order(commissions::id)
        .select(commissions::id)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(ids.len(), ROUNDS);
    for (n, id) in ids.iter().enumerate() {
        // This one falls due now, not settled yet.
        app.sql(&format!(
            "UPDATE commissions SET locks_at = '2000-01-01 00:00:00' WHERE id = {id}"
        ));
        let now = portal::db::now();
        type Job<'a> = common::Job<'a, Option<Result<ParticipantId, DecideError>>>;
        let settle: Job = Box::new(move |conn| {
            portal::ledger::locking::settle_due(conn, now).unwrap();
            None
        });
        let reject: Job = Box::new(move |conn| {
            Some(decide::decide(
                conn,
                *id,
                Action::Reject,
                Some("Fraude"),
                boss,
                now,
            ))
        });
        let rejected = app
            .at_once(vec![settle, reject])
            .into_iter()
            .flatten()
            .next()
            .expect("the rejection's answer");
        let state: String = commissions::table
            .find(id)
            .select(commissions::state)
            .first(&mut *app.conn())
            .unwrap();
        let entries: i64 = ledger_entries::table
            .filter(ledger_entries::commission_id.eq(id))
            .count()
            .get_result(&mut *app.conn())
            .unwrap();
        match rejected {
            Ok(_) => assert_eq!((state.as_str(), entries), ("rejected", 0), "round {n}"),
            Err(DecideError::Gone) => {
                assert_eq!((state.as_str(), entries), ("approved", 1), "round {n}")
            }
            Err(e) => panic!("round {n}: {e}"),
        }
    }
}

/// The compare-and-set under every change: a change from a state read before someone else's
/// decision is refused as `changed_meanwhile` and changes nothing — whatever path it came by.
#[tokio::test]
async fn a_change_from_a_stale_reading_is_refused_and_changes_nothing() {
    use portal::ledger::commissions::{self, ChangedBy};
    use portal::ledger::states::{CommissionState, EventSource};
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let boss = app.add_manager("beheer@partnerlink.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    assert_eq!(
        send(&app, &key, &report(&click_id, "C-1", "100.00", &at))
            .await
            .0,
        201
    );
    let id: CommissionId = portal::db::schema::commissions::table
        .select(portal::db::schema::commissions::id)
        .first(&mut *app.conn())
        .unwrap();
    let mut conn = app.app_conn();
    let stale = commissions::find(&mut conn, id).unwrap().unwrap();
    assert_eq!(stale.state, CommissionState::Pending);
    // Someone rejects it meanwhile.
    decide::decide(
        &mut conn,
        id,
        Action::Reject,
        Some("Fraude"),
        boss,
        portal::db::now(),
    )
    .unwrap();
    let actor = ChangedBy {
        source: EventSource::Locking,
        manager: None,
        at: portal::db::now(),
    };
    let late = commissions::change(
        &mut conn,
        &stale,
        CommissionState::Approved,
        stale.amount,
        None,
        actor,
    )
    .unwrap_err();
    assert!(commissions::is_changed_meanwhile(&late), "{late}");
    assert!(!commissions::is_changed_meanwhile(
        &diesel::result::Error::NotFound
    ));
    let state: String = portal::db::schema::commissions::table
        .find(id)
        .select(portal::db::schema::commissions::state)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(state, "rejected");
    let entries: i64 = ledger_entries::table
        .filter(ledger_entries::commission_id.eq(id))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(entries, 0, "nothing entered the ledger");
    // A move the table does not allow is refused the same way, before any statement.
    let rejected = commissions::find(&mut conn, id).unwrap().unwrap();
    let refused = commissions::change(
        &mut conn,
        &rejected,
        CommissionState::Approved,
        rejected.amount,
        None,
        actor,
    )
    .unwrap_err();
    assert!(commissions::is_changed_meanwhile(&refused));
}

/// `commissions::change` does nothing only when nothing changes: a pending commission follows
/// every new amount the advertiser reports (twice with the same reason, "amount changed"), and
/// a rejected one takes a new reason at the same amount (cancelled, then the coupon reported).
#[tokio::test]
async fn every_real_change_of_amount_or_reason_is_applied() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let of = |order_ref: &str| -> (String, i64, Option<String>) {
        commissions::table
            .inner_join(portal::db::schema::conversions::table)
            .filter(portal::db::schema::conversions::order_ref.eq(order_ref))
            .filter(commissions::kind.eq("order"))
            .select((commissions::state, commissions::amount, commissions::reason))
            .first(&mut *app.conn())
            .unwrap()
    };
    let decided_at = |order_ref: &str| -> Option<chrono::NaiveDateTime> {
        commissions::table
            .inner_join(portal::db::schema::conversions::table)
            .filter(portal::db::schema::conversions::order_ref.eq(order_ref))
            .filter(commissions::kind.eq("order"))
            .select(commissions::decided_at)
            .first(&mut *app.conn())
            .unwrap()
    };
    for (amount, commission) in [("100.00", 700), ("200.00", 1400), ("300.00", 2100)] {
        let (status, answer) = send(&app, &key, &report(&click_id, "N-1", amount, &at)).await;
        assert!(status == 200 || status == 201, "{answer}");
        assert_eq!(of("N-1").1, commission, "after {amount}");
        assert_eq!(
            decided_at("N-1"),
            None,
            "pending from its arrival on: not decided"
        );
    }
    assert_eq!(of("N-1").2.as_deref(), Some("amount_changed"));
    assert_eq!(decided_at("N-1"), None, "pending: not decided");

    let mut cancelled = report(&click_id, "N-2", "100.00", &at);
    cancelled["status"] = "cancelled".into();
    assert_eq!(send(&app, &key, &cancelled).await.0, 201);
    assert_eq!(
        of("N-2"),
        ("rejected".into(), 700, Some("order_cancelled".into()))
    );
    assert!(
        decided_at("N-2").is_some(),
        "rejected on arrival: decided then"
    );
    cancelled["coupon_redeemed"] = true.into();
    assert_eq!(send(&app, &key, &cancelled).await.0, 200);
    assert_eq!(
        of("N-2"),
        ("rejected".into(), 700, Some("coupon_redeemed".into()))
    );
    assert!(decided_at("N-2").is_some(), "rejected: decided");
}

/// A reversal takes back what is left of an approved commission after its partial returns:
/// the ledger of the order adds up to nothing, never less.
#[tokio::test]
async fn a_reversal_after_a_partial_return_takes_back_only_what_is_left() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let boss = app.add_manager("beheer@partnerlink.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let mut order = report(&click_id, "V-1", "100.00", &at);
    order["status"] = "completed".into();
    assert_eq!(send(&app, &key, &order).await.0, 201);
    pass_locking_dates(&app);
    // Part of it comes back after it was approved: a new approved return row.
    order["status"] = "returned".into();
    order["returned_amount"] = "50.00".into();
    let (status, answer) = send(&app, &key, &order).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(common::money::balance(&app, anna.participant_id), 350);
    let id: CommissionId = commissions::table
        .filter(commissions::kind.eq("order"))
        .select(commissions::id)
        .first(&mut *app.conn())
        .unwrap();
    decide::decide(
        &mut app.app_conn(),
        id,
        Action::Reverse,
        Some("Fraude"),
        boss,
        portal::db::now(),
    )
    .unwrap();
    let reversal: Vec<i64> = ledger_entries::table
        .filter(ledger_entries::kind.eq("reversal"))
        .select(ledger_entries::amount)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(reversal, [-350]);
    assert_eq!(common::money::balance(&app, anna.participant_id), 0);
}
