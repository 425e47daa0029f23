//! Payout runs: who is paid, the bank file, and that nobody is ever paid twice.

use crate::common;
use portal::db::ids::{ChannelId, ParticipantId, PayoutRunId};

use crate::common::money::{
    balance, bank, click, credit, enter, pass_locking_dates, planted_payout, planted_run, report,
    secret, send,
};
use crate::common::{spawn_app, TestApp};
use chrono::Timelike;
use diesel::prelude::*;
use portal::db::schema::{ledger_entries, payouts};
use portal::ledger::payouts::{self as run, Period};
use portal::ledger::states::EntryKind;

/// A completed order of `amount` through `channel_id`'s link, approved.
async fn earn(app: &TestApp, key: &str, channel_id: ChannelId, order_ref: &str, amount: &str) {
    let (click_id, at) = click(app, channel_id).await;
    let mut order = report(&click_id, order_ref, amount, &at);
    order["status"] = "completed".into();
    let (status, answer) = send(app, key, &order).await;
    assert_eq!(status, 201, "{answer}");
    pass_locking_dates(app);
}

fn payer(app: &TestApp) -> run::Payer<'_> {
    run::Payer {
        name: &app.settings.payer_name,
        iban: app.settings.payer_iban.as_ref().unwrap(),
    }
}

/// Runs this month's payouts; the run's summary, or None when it paid nobody.
fn pay(app: &TestApp) -> Option<run::RunSummary> {
    let now = portal::db::now();
    run::run(
        &mut app.conn(),
        Period::of(now.date()),
        None,
        Some(payer(app)),
        now,
    )
    .unwrap()
    .paid()
    .cloned()
}

/// A run's bank file as served.
fn file_of(app: &TestApp, run_id: PayoutRunId) -> run::StoredFile {
    let mut conn = app.conn();
    let the_run = run::find_run(&mut conn, run_id).unwrap().unwrap();
    run::bank_file(&mut conn, &the_run, Some(payer(app)))
        .unwrap()
        .unwrap()
}

fn paid(app: &TestApp, participant_id: ParticipantId) -> Vec<i64> {
    payouts::table
        .filter(payouts::participant_id.eq(participant_id))
        .order(payouts::id)
        .select(payouts::amount)
        .load(&mut *app.conn())
        .unwrap()
}

#[tokio::test]
async fn a_run_pays_whoever_reached_the_threshold_with_bank_details_once() {
    let app = spawn_app().await;
    let key = secret(&app);
    let anna = app.add_ready_publisher("anna@example.nl");
    let bob = app.add_ready_publisher("bob@example.nl");
    let carla = app.add_ready_publisher("carla@example.nl");
    earn(&app, &key, anna.channel_id, "A-1", "400.00").await; // 28.00
    earn(&app, &key, bob.channel_id, "B-1", "300.00").await; // 21.00: below €25
    earn(&app, &key, carla.channel_id, "C-1", "500.00").await; // 35.00, but no bank details
    bank(
        &app,
        anna.participant_id,
        "NL91 ABNA 0417 1643 00",
        "Anna & Zonen",
    );
    bank(&app, bob.participant_id, "DE89370400440532013000", "Bob");

    let summary = pay(&app).expect("Anna is paid");
    assert_eq!((summary.payouts, summary.total.minor), (1, 2800));
    assert_eq!(paid(&app, anna.participant_id), [2800]);
    assert_eq!(balance(&app, anna.participant_id), 0);
    assert_eq!(balance(&app, bob.participant_id), 2100);
    assert_eq!(balance(&app, carla.participant_id), 3500);

    // The bank file: one transfer, its count and control sum right, the name in the SEPA set,
    // valid against the pain.001.001.03 schema, and the same bytes every time it is asked for.
    let first = file_of(&app, summary.run_id);
    common::sepa::assert_valid_pain001(&first.xml);
    let xml = &first.xml;
    assert_eq!(xml.matches("<NbOfTxs>1</NbOfTxs>").count(), 2);
    assert_eq!(xml.matches("<CtrlSum>28.00</CtrlSum>").count(), 2);
    assert!(xml.contains("<IBAN>NL91ABNA0417164300</IBAN>"));
    assert!(xml.contains("<Nm>Anna + Zonen</Nm>"), "{xml}");
    assert!(xml.contains(&format!("<MsgId>{}</MsgId>", summary.message_id)));
    assert_eq!(file_of(&app, summary.run_id).xml, first.xml);
    assert_eq!(
        first.sha256,
        common::sepa::sha256_hex(first.xml.as_bytes()),
        "the stored checksum is the file's"
    );

    // Running the period again pays nobody twice; Carla, with bank details now, is paid in a
    // run of her own, with a file of its own: only her transfer, its own MsgId and CreDtTm.
    bank(&app, carla.participant_id, "BE68539007547034", "Carla");
    let again = pay(&app).expect("Carla is paid");
    assert_ne!(again.run_id, summary.run_id);
    assert_ne!(again.message_id, summary.message_id);
    assert_eq!((again.payouts, again.total.minor), (1, 3500));
    assert_eq!(paid(&app, anna.participant_id), [2800]);
    assert_eq!(paid(&app, carla.participant_id), [3500]);
    let second = file_of(&app, again.run_id);
    common::sepa::assert_valid_pain001(&second.xml);
    assert_eq!(
        second.xml.matches("<CdtTrfTxInf>").count(),
        1,
        "{}",
        second.xml
    );
    assert!(second.xml.contains("<IBAN>BE68539007547034</IBAN>"));
    assert!(
        !second.xml.contains("NL91ABNA0417164300"),
        "Anna's transfer again"
    );
    assert!(!second.xml.contains(&first.message_id));
    // The first file is unchanged by the second run.
    assert_eq!(file_of(&app, summary.run_id).xml, first.xml);

    // A third run pays nobody: no run, no file.
    let runs_before = run::runs(&mut app.conn()).unwrap().len();
    assert_eq!(pay(&app), None);
    assert_eq!(run::runs(&mut app.conn()).unwrap().len(), runs_before);
}

#[tokio::test]
async fn a_run_left_unfinished_by_an_earlier_version_keeps_its_own_file_and_the_next_run_pays_the_rest(
) {
    let app = spawn_app().await;
    let key = secret(&app);
    let anna = app.add_ready_publisher("anna@example.nl");
    let bob = app.add_ready_publisher("bob@example.nl");
    earn(&app, &key, anna.channel_id, "A-1", "400.00").await;
    earn(&app, &key, bob.channel_id, "B-1", "400.00").await;
    bank(&app, anna.participant_id, "NL91ABNA0417164300", "Anna");
    bank(&app, bob.participant_id, "DE89370400440532013000", "Bob");
    // What the portal before issue 20 could leave behind when killed between two participants'
    // transactions: Anna's payout and ledger entry stored, Bob's not, the run not finished and
    // no file written (that version wrote files on request).
    let now = portal::db::now().with_nanosecond(0).unwrap();
    let run = planted_run(&app, &Period::of(now.date()).to_string(), now, false);
    let payout = planted_payout(&app, run, anna.participant_id, 2800, "Anna", now);
    let kind = EntryKind::Payout;
    enter(
        &app,
        anna.participant_id,
        kind,
        -2800,
        Some(payout),
        Some("killed"),
        now,
    );
    let next = pay(&app).expect("Bob is paid");
    assert_eq!((next.payouts, next.total.minor), (1, 2800));
    assert_eq!(paid(&app, anna.participant_id), [2800]);
    assert_eq!(paid(&app, bob.participant_id), [2800]);
    assert_eq!(balance(&app, anna.participant_id), 0);
    assert_eq!(balance(&app, bob.participant_id), 0);
    // Each run's file lists its own transfers only, under its own message id.
    let old = file_of(&app, PayoutRunId(1));
    let new = file_of(&app, next.run_id);
    for file in [&old, &new] {
        common::sepa::assert_valid_pain001(&file.xml);
        assert_eq!(file.xml.matches("<CdtTrfTxInf>").count(), 1);
    }
    assert!(old.xml.contains("NL91ABNA0417164300") && !old.xml.contains("DE89370400440532013000"));
    assert!(new.xml.contains("DE89370400440532013000") && !new.xml.contains("NL91ABNA0417164300"));
    assert_ne!(old.message_id, new.message_id);
    // Written once, kept: asked again, the old run's file is the same bytes.
    assert_eq!(file_of(&app, PayoutRunId(1)).xml, old.xml);
}

#[tokio::test]
async fn a_return_after_payout_is_netted_against_the_next_payout() {
    let app = spawn_app().await;
    let key = secret(&app);
    let anna = app.add_ready_publisher("anna@example.nl");
    bank(&app, anna.participant_id, "NL91ABNA0417164300", "Anna");
    let (click_id, at) = click(&app, anna.channel_id).await;
    let mut order = report(&click_id, "A-1", "500.00", &at);
    order["status"] = "completed".into();
    send(&app, &key, &order).await;
    pass_locking_dates(&app);
    assert_eq!(pay(&app).map(|r| r.payouts), Some(1)); // 35.00
                                                       // Last month's run is done; this month a part comes back and a new order is approved.
    app.sql("UPDATE payout_runs SET period = '2000-01'");
    order["status"] = "returned".into();
    order["returned_amount"] = "100.00".into();
    let (_, answer) = send(&app, &key, &order).await;
    assert_eq!(answer["commission"], "28.00");
    assert_eq!(balance(&app, anna.participant_id), -700);
    // A second order after the same click (a second click this soon would be a duplicate).
    let mut second = report(&click_id, "A-2", "500.00", &at);
    second["status"] = "completed".into();
    assert_eq!(send(&app, &key, &second).await.0, 201);
    pass_locking_dates(&app);
    assert_eq!(balance(&app, anna.participant_id), 2800);
    let next = pay(&app);
    assert_eq!(next.map(|r| r.payouts), Some(1));
    assert_eq!(paid(&app, anna.participant_id), [3500, 2800]);
    let reasons: Vec<(String, i64)> = ledger_entries::table
        .order(ledger_entries::id)
        .select((ledger_entries::kind, ledger_entries::amount))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(
        reasons,
        [
            ("commission".into(), 3500),
            ("payout".into(), -3500),
            ("return".into(), -700),
            ("commission".into(), 3500),
            ("payout".into(), -2800),
        ]
    );

    // Anna's ledger shows the return with its reason, netted before the second payout.
    let browser = app.client_for("anna@example.nl").await;
    let (_, ledger) = app
        .page_with(&browser, "/en/account/commissions/ledger")
        .await;
    let cells: String = ledger.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        cells.contains(
            "<th scope=\"row\">Partial return</th><td>Order A-1 — Part of the order was returned.</td><td class=\"num\">-€7.00</td><td class=\"num\">-€7.00</td>"
        ),
        "{ledger}"
    );
    let (_, dutch) = app
        .page_with(&browser, "/nl/account/commissions/ledger")
        .await;
    assert!(
        dutch.contains("<td>Bestelling A-1 — Een deel van de bestelling is geretourneerd.</td>"),
        "{dutch}"
    );
    // The payouts as CSV, newest first, the account masked, amounts per language.
    let days: Vec<String> = payouts::table
        .order(payouts::id.desc())
        .select(payouts::created_at)
        .load::<chrono::NaiveDateTime>(&mut *app.conn())
        .unwrap()
        .iter()
        .map(|at| at.format("%Y-%m-%d").to_string())
        .collect();
    let csv = |client: reqwest::Client, path: &'static str| {
        let app = &app;
        async move {
            let r = client.get(app.url(path)).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200, "{path}");
            assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
            r.text().await.unwrap()
        }
    };
    let en = csv(browser.clone(), "/en/account/commissions/payouts.csv").await;
    let lines: Vec<&str> = en.lines().collect();
    assert_eq!(
        lines,
        [
            "\"Date\",\"Amount\",\"To account\"",
            &format!("{},28.00,\"NL91 **** **** **** 00\"", days[0]),
            &format!("{},35.00,\"NL91 **** **** **** 00\"", days[1]),
        ],
        "{en}"
    );
    let nl = csv(browser.clone(), "/nl/account/commissions/payouts.csv").await;
    assert!(
        nl.contains(&format!("{};28,00;\"NL91 **** **** **** 00\"", days[0])),
        "{nl}"
    );
    assert!(!nl.contains("NL91ABNA"), "the account number is masked");
    // Another participant reads only its own (none), there and on its ledger page.
    app.add_ready_publisher("bob@example.nl");
    let bob = app.client_for("bob@example.nl").await;
    let theirs = csv(bob.clone(), "/en/account/commissions/payouts.csv").await;
    assert_eq!(
        theirs.lines().collect::<Vec<_>>(),
        ["\"Date\",\"Amount\",\"To account\""]
    );
    let (_, page) = app.page_with(&bob, "/en/account/commissions/ledger").await;
    assert!(page.contains("No payouts yet.") && !page.contains("28.00") && !page.contains("NL91"));
}

#[tokio::test]
async fn no_run_without_the_payers_account_or_for_a_month_to_come() {
    let app = spawn_app().await;
    let now = portal::db::now();
    let err = run::run(&mut app.conn(), Period::of(now.date()), None, None, now).unwrap_err();
    assert!(matches!(err, run::PayoutError::NoPayerAccount));
    let next_month = Period::parse(
        &(now + chrono::Duration::days(40))
            .format("%Y-%m")
            .to_string(),
    )
    .unwrap();
    let err = run::run(&mut app.conn(), next_month, None, Some(payer(&app)), now).unwrap_err();
    assert!(matches!(err, run::PayoutError::FuturePeriod(_)));
}

#[tokio::test]
async fn a_balance_of_exactly_the_threshold_is_paid_and_a_month_can_be_run_from_its_first_second() {
    let app = spawn_app().await;
    let key = secret(&app);
    let anna = app.add_ready_publisher("anna@example.nl");
    // 357.14 × 7 % = 24.9998 → €25.00, the threshold itself.
    earn(&app, &key, anna.channel_id, "T-1", "357.14").await;
    assert_eq!(balance(&app, anna.participant_id), 2500);
    bank(&app, anna.participant_id, "NL91ABNA0417164300", "Anna");
    let now = portal::db::now();
    let period = Period::of(now.date());
    // A run at the very first second of the month is allowed (the month has begun); then the
    // run now. Whichever of the two paid her (the first one does only if this test itself runs
    // in that second), she is paid the threshold once.
    run::run(
        &mut app.conn(),
        period,
        None,
        Some(payer(&app)),
        period.start(),
    )
    .unwrap();
    pay(&app);
    assert_eq!(paid(&app, anna.participant_id), [2500]);
}

#[tokio::test]
async fn what_is_approved_after_a_run_waits_for_the_next_month_however_often_this_one_is_run() {
    let app = spawn_app().await;
    let key = secret(&app);
    let anna = app.add_ready_publisher("anna@example.nl");
    bank(&app, anna.participant_id, "NL91ABNA0417164300", "Anna");
    let (click_id, at) = click(&app, anna.channel_id).await;
    let mut order = report(&click_id, "W-1", "500.00", &at);
    order["status"] = "completed".into();
    send(&app, &key, &order).await;
    pass_locking_dates(&app);
    assert_eq!(pay(&app).map(|r| r.payouts), Some(1));
    // Within the same month another commission is approved, above the threshold on its own.
    let mut second = report(&click_id, "W-2", "500.00", &at);
    second["status"] = "completed".into();
    send(&app, &key, &second).await;
    pass_locking_dates(&app);
    assert_eq!(balance(&app, anna.participant_id), 3500);
    // The month's run again pays it no second time (what is approved after the period's end
    // waits for the next month's run).
    assert_eq!(pay(&app), None);
    assert_eq!(paid(&app, anna.participant_id), [3500]);
}

/// Security issue 14, fault tests: the real `portal payouts run`, killed with SIGKILL in the
/// middle of a run of 1,500 payees, then run again: every payee is paid exactly once, and
/// every balance is zero. A run is one transaction (issue 20), so the killed one is seen inside
/// it — holding the payout runs' advisory lock (PostgreSQL) or the write lock (SQLite) — and
/// leaves nothing behind.
#[test]
fn a_payout_run_killed_with_sigkill_pays_nobody_twice_when_run_again() {
    use crate::common::binary::portal;
    use std::process::Stdio;
    const PAYEES: i64 = 1_500;
    let database = common::TestDatabase::new();
    let pool = portal::startup::prepare_database(&common::test_settings(&database)).unwrap();
    let now = portal::db::now();
    let at = now.format("%Y-%m-%d %H:%M:%S").to_string();
    {
        let mut conn = pool.get().unwrap();
        portal::db::write_transaction(&mut conn, |conn| {
            for chunk in (0..PAYEES).collect::<Vec<_>>().chunks(250) {
                let rows: Vec<String> = chunk
                    .iter()
                    .map(|n| format!("('payee-{n}@uitgever.nl', 'x', 'participant', 'nl', '{at}', '{at}')"))
                    .collect();
                diesel::sql_query(format!(
                    "INSERT INTO accounts (email, password_hash, role, lang, created_at, activated_at) VALUES {}",
                    rows.join(", ")
                ))
                .execute(conn)?;
            }
            let payees = "SELECT p.id, p.created_at FROM participants p JOIN accounts a ON a.id = p.account_id \
                          WHERE a.email LIKE 'payee-%'";
            diesel::sql_query(
                "INSERT INTO participants (account_id, kind, company_name, contact_name, country, created_at) \
                 SELECT id, 'publisher', 'Uitgever', 'Payee', 'NL', created_at FROM accounts WHERE email LIKE 'payee-%'",
            )
            .execute(conn)?;
            diesel::sql_query(format!(
                "INSERT INTO bank_accounts (participant_id, iban, holder, created_at) \
                 SELECT id, 'NL91ABNA0417164300', 'Payee', created_at FROM ({payees}) AS p"
            ))
            .execute(conn)?;
            diesel::sql_query(format!(
                "INSERT INTO ledger_entries (participant_id, kind, amount, currency, created_at) \
                 SELECT id, 'commission', 3000, 'EUR', created_at FROM ({payees}) AS p"
            ))
            .execute(conn)?;
            Ok::<_, diesel::result::Error>(())
        })
        .unwrap();
    }
    let paid_count = || -> i64 {
        payouts::table
            .count()
            .get_result(&mut *pool.get().unwrap())
            .unwrap()
    };
    let period = Period::of(now.date()).to_string();
    let run = || {
        let mut command = portal(&database);
        command
            .env("PORTAL_PAYER_IBAN", "NL02ABNA0123456789")
            .args(["payouts", "run", "--period", &period])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    };

    // Killed while its transaction is open: far from its end (1,500 payees to read and pay).
    let mut child = run().spawn().expect("start portal payouts run");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while !common::binary::payout_run_in_progress(&database) {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it was seen at work"
        );
        assert!(
            std::time::Instant::now() < deadline,
            "no run at work in 120 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    child.kill().unwrap();
    assert!(!child.wait().unwrap().success());
    let at_kill = paid_count();
    assert_eq!(at_kill, 0, "a killed run leaves no payout behind");
    let files: i64 = portal::db::schema::bank_files::table
        .count()
        .get_result(&mut *pool.get().unwrap())
        .unwrap();
    assert_eq!(files, 0, "nor a bank file");

    let output = run().output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(paid_count(), PAYEES);
    #[derive(QueryableByName)]
    struct Twice {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let mut conn = pool.get().unwrap();
    let twice: Twice = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM (SELECT participant_id FROM payouts \
         GROUP BY participant_id HAVING COUNT(*) > 1) AS t",
    )
    .get_result(&mut *conn)
    .unwrap();
    assert_eq!(twice.n, 0, "paid twice");
    let owed: Twice = diesel::sql_query(
        "SELECT COUNT(*) AS n FROM (SELECT participant_id FROM ledger_entries \
         GROUP BY participant_id HAVING SUM(amount) <> 0) AS t",
    )
    .get_result(&mut *conn)
    .unwrap();
    assert_eq!(owed.n, 0, "every balance is paid out");
    // The run that finished is in the audit log as the command's, with what it paid; the
    // killed one never got that far.
    use portal::db::schema::audit_log;
    let lines: Vec<(String, Option<String>, Option<String>)> = audit_log::table
        .filter(audit_log::action.eq("payout_run"))
        .select((audit_log::actor, audit_log::ip_hash, audit_log::after))
        .load(&mut *conn)
        .unwrap();
    assert_eq!(lines.len(), 1, "{lines:?}");
    let (actor, ip_hash, after) = &lines[0];
    assert_eq!(actor, "command: portal payouts run");
    assert_eq!(ip_hash, &None);
    let after = after.as_deref().unwrap();
    assert!(
        after.contains(&format!("\"payouts\":{PAYEES}"))
            && after.contains(&format!("\"period\":\"{period}\"")),
        "{after}"
    );
}

/// Participants with an approved balance entered three months ago (so any of the last months'
/// runs would pay it) and bank details; returns their ids and balances.
fn old_balances(app: &TestApp, amounts: &[i64]) -> Vec<(ParticipantId, i64)> {
    let long_ago = (portal::db::now() - chrono::Duration::days(95))
        .with_nanosecond(0)
        .unwrap();
    amounts
        .iter()
        .enumerate()
        .map(|(n, amount)| {
            let who = app.add_ready_publisher(&format!("payee-{n}@example.nl"));
            bank(app, who.participant_id, "NL91ABNA0417164300", "Payee");
            credit(app, who.participant_id, *amount, long_ago);
            (who.participant_id, *amount)
        })
        .collect()
}

/// The periods of this month and the three before it: all have begun, all would pay an old
/// balance.
fn four_periods() -> Vec<Period> {
    let mut period = Period::of(portal::db::now().date());
    let mut out = vec![period];
    for _ in 0..3 {
        period = Period::of(period.start().date() - chrono::Days::new(1));
        out.push(period);
    }
    out
}

/// What was paid to each, and that every balance is zero and every run's file valid.
fn assert_paid_once(app: &TestApp, owed: &[(ParticipantId, i64)]) {
    for (participant_id, amount) in owed {
        assert_eq!(paid(app, *participant_id), [*amount], "paid once, in full");
        assert_eq!(balance(app, *participant_id), 0);
    }
    let total_paid: i64 = payouts::table
        .select(payouts::amount)
        .load::<i64>(&mut *app.conn())
        .unwrap()
        .iter()
        .sum();
    assert_eq!(total_paid, owed.iter().map(|(_, a)| a).sum::<i64>());
    for the_run in run::runs(&mut app.conn()).unwrap() {
        common::sepa::assert_valid_pain001(&file_of(app, the_run.id).xml);
    }
}

/// Issue 20, point 1: runs for different periods started at the same moment (two managers, or
/// the console and the command, on several instances) pay each approved balance once.
#[tokio::test]
async fn runs_for_different_periods_started_at_once_pay_each_balance_once() {
    let app = spawn_app().await;
    let owed = old_balances(&app, &[10_000, 3_000, 2_500, 7_777]);
    let periods = four_periods();
    let now = portal::db::now();
    type Job<'a> = common::Job<'a, run::RunOutcome>;
    let jobs: Vec<Job> = periods
        .iter()
        .map(|period| -> Job {
            let payer = payer(&app);
            Box::new(move |conn| run::run(conn, *period, None, Some(payer), now).unwrap())
        })
        .collect();
    let outcomes = app.at_once(jobs);
    // One run paid everyone; the others found nobody left to pay and wrote nothing.
    let paying: Vec<_> = outcomes.iter().filter_map(|o| o.paid()).collect();
    assert_eq!(paying.len(), 1, "{outcomes:?}");
    assert_eq!(paying[0].payouts, owed.len());
    assert_paid_once(&app, &owed);
}

/// Issue 20, point 1, from two processes: two `portal payouts run` commands for different
/// months at the same moment pay each balance once.
#[tokio::test]
async fn two_payout_commands_at_once_pay_each_balance_once() {
    let app = spawn_app().await;
    let owed = old_balances(&app, &[4_000, 2_600, 9_100]);
    let periods = four_periods();
    let children: Vec<_> = periods[..2]
        .iter()
        .map(|period| {
            let mut command = common::binary::portal(app.database());
            command
                .env("PORTAL_PAYER_IBAN", "NL02ABNA0123456789")
                .args(["payouts", "run", "--period", &period.to_string()])
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped());
            command.spawn().expect("start portal payouts run")
        })
        .collect();
    let mut said = Vec::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        said.push(String::from_utf8_lossy(&output.stdout).into_owned());
    }
    assert_eq!(
        said.iter()
            .filter(|s| s.contains("nobody is owed a payout"))
            .count(),
        1,
        "{said:?}"
    );
    assert_paid_once(&app, &owed);
}

/// Issue 20, point 4: whatever name reached the database (written before names were checked
/// at entry), the bank file stays well-formed, inside the SEPA set and valid.
#[tokio::test]
async fn names_outside_the_sepa_set_never_break_the_bank_file() {
    let app = spawn_app().await;
    let names = [
        "Zoë & Søn Łódź",
        "Ω Omega Ltd",
        "Shop \u{1F600} B.V.",
        "Bad\u{FFFF}Char",
        "<Tag> \"quoted\"",
    ];
    let owed = old_balances(&app, &[3_000; 5]);
    for ((participant_id, _), name) in owed.iter().zip(names) {
        bank(&app, *participant_id, "DE89370400440532013000", name);
    }
    let summary = pay(&app).expect("all are paid");
    let xml = file_of(&app, summary.run_id).xml;
    common::sepa::assert_valid_pain001(&xml);
    for name in xml.split("<Nm>").skip(1) {
        let name = &name[..name.find("</Nm>").unwrap()];
        assert!(
            name.chars().all(portal::domain::sepa::is_sepa_char),
            "{name:?} is outside the SEPA set"
        );
    }
    assert!(xml.contains("<Nm>Zoe + Son Lodz</Nm>"), "{xml}");
    assert!(xml.contains("<Nm>Omega Ltd</Nm>"), "{xml}");
    assert!(xml.contains("<Nm>Shop B.V.</Nm>"), "{xml}");
}

/// An old run's file asked for twice at the same moment (two administrators' downloads, on
/// PostgreSQL not waiting for each other until the insert): both get the same bytes, and one
/// file is kept.
#[tokio::test]
async fn an_old_runs_file_asked_for_twice_at_once_is_written_once() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let at = portal::db::now().with_nanosecond(0).unwrap();
    let run_id = planted_run(&app, "2026-11", at, false);
    planted_payout(&app, run_id, anna.participant_id, 2800, "Anna", at);
    let the_run = run::find_run(&mut app.conn(), run_id).unwrap().unwrap();
    type Job<'a> = common::Job<'a, run::StoredFile>;
    let jobs: Vec<Job> = (0..2)
        .map(|_| -> Job {
            let (payer, the_run) = (payer(&app), &the_run);
            Box::new(move |conn| run::bank_file(conn, the_run, Some(payer)).unwrap().unwrap())
        })
        .collect();
    let files = app.at_once(jobs);
    assert_eq!(files[0].xml, files[1].xml);
    common::sepa::assert_valid_pain001(&files[0].xml);
    let kept: i64 = portal::db::schema::bank_files::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(kept, 1);
}
