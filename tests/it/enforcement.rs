//! Measures F.11.a–g from the console, their effects everywhere at once and their lifting;
//! notices, cure periods and objections (G.12); the audit log.

use crate::common;
use crate::common::{fixtures::manager_and_anna, MembershipState, ReviewState};
use portal::db::ids::{MeasureId, ObjectionId, ParticipantId};

use crate::common::audit;
use crate::common::enforcement::{
    hidden, last_measure, object, objection_to, picture, take, taken, Measure, MeasureKind,
    SubjectKind, PDF,
};
use crate::common::money::{
    balance, bank, click, credit, pass_locking_dates, plant_click, report, secret, send,
    PlantedClick,
};
use crate::common::{location, spawn_app, text_of, TestApp, PASSWORD};
use diesel::prelude::*;
use portal::db::schema::{
    audit_log, clicks, commissions, ledger_entries, measures, memberships, objections, participants,
};

fn clause_body(app: &TestApp, anchor: &str) -> String {
    use portal::db::schema::rule_clauses;
    rule_clauses::table
        .filter(rule_clauses::anchor.eq(anchor))
        .select(rule_clauses::body)
        .first(&mut *app.conn())
        .unwrap()
}

fn audit_actions(app: &TestApp) -> Vec<String> {
    audit_log::table
        .order(audit_log::id)
        .select(audit_log::action)
        .load(&mut *app.conn())
        .unwrap()
}

async fn lift(
    app: &TestApp,
    client: &reqwest::Client,
    participant_id: ParticipantId,
    measure_id: MeasureId,
    reason: &str,
) -> reqwest::Response {
    let page = format!("/en/manage/participants/{participant_id}");
    app.submit_with(
        client,
        &page,
        &format!("{page}/measures/{measure_id}/lift"),
        &[("reason", reason)],
    )
    .await
}

#[tokio::test]
async fn a_warning_is_mailed_shown_with_its_clauses_and_written_to_the_audit_log() {
    let (app, boss, anna) = manager_and_anna().await;
    let bob = app.add_ready_publisher("bob@example.nl");

    let r = take(
        &app,
        &boss,
        anna.participant_id,
        &[
            ("kind", "warning"),
            ("clauses", "E.10.i"),
            ("clauses", "F.11.a"),
            (
                "reason",
                "Brand bidding on “aliexpress korting” <b>seen on 28 November</b>.",
            ),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).ends_with(&format!(
        "/manage/participants/{}?notice=measure-taken",
        anna.participant_id
    )));
    let id = last_measure(&app);

    // The mail, in Anna's language (Dutch), quotes the clause and links to the notice.
    let mail = app.smtp().wait_for("anna@example.nl", 0).await;
    assert!(
        mail.subject().contains("Schriftelijke waarschuwing"),
        "{}",
        mail.subject()
    );
    let text = mail.text();
    assert!(text.contains(&clause_body(&app, "E-10-i")));
    assert!(text.contains("E.10.i"));
    assert!(text.contains("aliexpress korting"));
    assert!(mail
        .link_containing(&format!("/nl/account/notices/{id}"))
        .is_some());

    // The dashboard shows the unread notice; the notice quotes the clause and links to it.
    let anna_browser = app.client_for("anna@example.nl").await;
    let (_, dashboard) = app.page_with(&anna_browser, "/en/account").await;
    assert!(dashboard.contains("Unread notices: 1."));
    let (status, notice) = app
        .page_with(&anna_browser, &format!("/en/account/notices/{id}"))
        .await;
    assert_eq!(status, 200);
    assert!(notice.contains("Written warning"));
    assert!(notice.contains(&clause_body(&app, "F-11-a")));
    assert!(notice.contains("href=\"/en/programmes/aliexpress/rules/v/1#E-10-i\""));
    // The manager's words are escaped, not markup.
    assert!(!notice.contains("<b>seen") && notice.contains("seen on 28 November"));
    let (_, dashboard) = app.page_with(&anna_browser, "/en/account").await;
    assert!(!dashboard.contains("Unread notices"));
    let (_, list) = app.page_with(&anna_browser, "/nl/account/notices").await;
    assert!(list.contains("Schriftelijke waarschuwing"));

    // Nobody else reads it.
    let bob_browser = app.client_for("bob@example.nl").await;
    let (status, _) = app
        .page_with(&bob_browser, &format!("/en/account/notices/{id}"))
        .await;
    assert_eq!(status, 404);
    let (_, bob_list) = app.page_with(&bob_browser, "/en/account/notices").await;
    assert!(bob_list.contains("There are no notices for your account."));
    let _ = bob;

    // The console's page of the participant has it in the history.
    let (_, page) = app
        .page_with(
            &boss,
            &format!("/en/manage/participants/{}", anna.participant_id),
        )
        .await;
    assert!(page.contains("Written warning"));
    assert!(page.contains("beheer@partnerlink.nl"));

    // And the audit log has it: who, whom, what.
    let (actor, action, participant, after): (
        String,
        String,
        Option<ParticipantId>,
        Option<String>,
    ) = audit_log::table
        .filter(audit_log::action.eq("measure_taken"))
        .select((
            audit_log::actor,
            audit_log::action,
            audit_log::participant_id,
            audit_log::after,
        ))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(actor, "beheer@partnerlink.nl");
    assert_eq!(action, "measure_taken");
    assert_eq!(participant, Some(anna.participant_id));
    assert!(after.unwrap().contains("E.10.i"));
    assert!(audit_actions(&app).contains(&"manager_login".to_owned()));
}

#[tokio::test]
async fn a_measure_form_with_mistakes_says_so_per_field_and_keeps_what_was_typed() {
    let (app, boss, anna) = manager_and_anna().await;
    // (the fields sent, the field that is wrong, what the page says)
    type Case<'a> = (Vec<(&'a str, &'a str)>, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec![("clauses", "E.10.c"), ("reason", "Kept words")],
            "kind",
            "Choose a measure.",
        ),
        (
            vec![("kind", "warning"), ("reason", "Kept words")],
            "clauses",
            "Choose at least one clause of the rules.",
        ),
        (
            vec![
                ("kind", "warning"),
                ("clauses", "Z.99.z"),
                ("reason", "Kept words"),
            ],
            "clauses",
            "Z.99.z is not a clause of the rules in force.",
        ),
        (
            vec![
                ("kind", "warning"),
                ("clauses", "E.10.c"),
                ("reason", "   "),
            ],
            "reason",
            "Give the reason",
        ),
        (
            vec![
                ("kind", "cure_period"),
                ("clauses", "F.11.b"),
                ("clauses", "E.10.h"),
                ("reason", "Kept words"),
                ("deadline", "next week"),
            ],
            "deadline",
            "Enter the deadline as a date",
        ),
        (
            vec![
                ("kind", "cure_period"),
                ("clauses", "F.11.b"),
                ("clauses", "E.10.h"),
                ("reason", "Kept words"),
                ("deadline", "2020-01-01"),
            ],
            "deadline",
            "The deadline must be after today.",
        ),
        (
            vec![
                ("kind", "deduct"),
                ("clauses", "F.11.d"),
                ("clauses", "E.10.h"),
                ("reason", "Kept words"),
                ("amount", "twelve"),
            ],
            "amount",
            "",
        ),
        (
            vec![
                ("kind", "deduct"),
                ("clauses", "F.11.d"),
                ("clauses", "E.10.h"),
                ("reason", "Kept words"),
                ("amount", "0"),
            ],
            "amount",
            "Enter an amount above zero.",
        ),
        (
            vec![
                ("kind", "restrict"),
                ("clauses", "F.11.f"),
                ("clauses", "E.10.h"),
                ("reason", "Kept words"),
            ],
            "restriction",
            "Choose what to restrict.",
        ),
        (
            vec![
                ("kind", "restrict"),
                ("clauses", "F.11.f"),
                ("clauses", "E.10.h"),
                ("reason", "Kept words"),
                ("restriction", "membership"),
            ],
            "membership",
            "Choose an active membership of this participant.",
        ),
        (
            vec![
                ("kind", "ban"),
                ("clauses", "F.11.g"),
                ("clauses", "E.10.h"),
                ("reason", "Kept words"),
            ],
            "ban",
            "Choose the e-mail address, the domains, or both.",
        ),
    ];
    for (fields, field, message) in cases {
        let r = take(&app, &boss, anna.participant_id, &fields).await;
        assert_eq!(r.status().as_u16(), 422, "{fields:?}");
        let page = r.text().await.unwrap();
        assert!(
            page.contains(&format!("id=\"{field}-error\"")),
            "{fields:?}: no error for {field}"
        );
        assert!(page.contains(message), "{fields:?}: {message}");
        if fields.iter().any(|(_, v)| *v == "Kept words") {
            assert!(
                page.contains(">Kept words</textarea>"),
                "{fields:?}: the reason was lost"
            );
        }
    }
    // Nothing was taken.
    let count: i64 = measures::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(count, 0);
    // An unknown participant is not found; a form without its CSRF token is refused.
    let r = boss
        .post(app.url("/en/manage/participants/999999/measures"))
        .form(&[("kind", "warning")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let (status, _) = app.page_with(&boss, "/en/manage/participants/999999").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn withheld_payments_are_skipped_by_payout_runs_until_the_measure_is_lifted() {
    let (app, boss, anna) = manager_and_anna().await;
    let p = anna.participant_id;
    let new_year = common::moment("2026-01-01 00:00:00");
    credit(&app, p, 5000, new_year);
    bank(&app, p, "NL91ABNA0417164300", "Anna Koopjes");
    let r = take(
        &app,
        &boss,
        p,
        &[
            ("kind", "withhold"),
            ("clauses", "F.11.c"),
            ("clauses", "E.10.j"),
            ("reason", "Orders from your own address."),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let id = last_measure(&app);

    let now = portal::db::now();
    let period = portal::ledger::payouts::Period::of(now.date());
    let payer = portal::domain::Iban::parse("NL02ABNA0123456789").unwrap();
    let run = |app: &TestApp| {
        portal::ledger::payouts::run(
            &mut app.conn(),
            period,
            None,
            Some(portal::ledger::payouts::Payer {
                name: "Partnerlink",
                iban: &payer,
            }),
            portal::db::now(),
        )
        .unwrap()
        .paid()
        .map_or(0, |summary| summary.payouts)
    };
    assert_eq!(run(&app), 0);
    assert_eq!(balance(&app, p), 5000);

    // Anna sees why, with the notice.
    let anna_browser = app.client_for("anna@example.nl").await;
    let (_, page) = app
        .page_with(&anna_browser, "/en/account/commissions")
        .await;
    assert!(page.contains("Your payments are withheld by the account manager (rule F.11.c)"));
    assert!(page.contains(&format!("href=\"/en/account/notices/{id}\"")));

    // Lifting needs a reason; then the next run pays.
    let r = lift(&app, &boss, p, id, "").await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains(&format!("id=\"lift-reason-{id}-error\"")));
    let r = lift(
        &app,
        &boss,
        p,
        id,
        "The orders were checked: not self-purchases.",
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).contains("notice=measure-lifted"));
    let mail = app.smtp().wait_for("anna@example.nl", 1).await;
    assert!(mail.subject().contains("opgeheven"), "{}", mail.subject());
    let (_, page) = app
        .page_with(&anna_browser, "/en/account/commissions")
        .await;
    assert!(!page.contains("withheld"));
    assert_eq!(run(&app), 1);
    assert_eq!(balance(&app, p), 0);
    // Lifting again changes nothing.
    let r = lift(&app, &boss, p, id, "again").await;
    assert!(location(&r).contains("notice=measure-already-lifted"));
}

#[tokio::test]
async fn a_deduction_is_a_ledger_row_naming_its_measure_and_lifting_pays_it_back() {
    let (app, boss, anna) = manager_and_anna().await;
    let p = anna.participant_id;
    let id = taken(
        &app,
        &boss,
        p,
        Measure::new(
            MeasureKind::Deduct,
            &["F.11.d", "E.10.d"],
            "Cookie stuffing damages.",
        )
        .with("amount", "12,50"),
    )
    .await;
    let rows: Vec<(String, i64, Option<MeasureId>, Option<String>)> = ledger_entries::table
        .filter(ledger_entries::participant_id.eq(p))
        .order(ledger_entries::id)
        .select((
            ledger_entries::kind,
            ledger_entries::amount,
            ledger_entries::measure_id,
            ledger_entries::reason,
        ))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(
        rows,
        [(
            "deduction".into(),
            -1250,
            Some(id),
            Some("deduction".into())
        )]
    );
    assert_eq!(balance(&app, p), -1250);
    let anna_browser = app.client_for("anna@example.nl").await;
    let (_, notice) = app
        .page_with(&anna_browser, &format!("/nl/account/notices/{id}"))
        .await;
    let words = text_of(&notice);
    assert!(
        words.contains("12,50 wordt ingehouden op uw saldo"),
        "{words}"
    );

    let r = lift(&app, &boss, p, id, "Damages were not proven.").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(balance(&app, p), 0);
    let kinds: Vec<(i64, Option<String>)> = ledger_entries::table
        .filter(ledger_entries::measure_id.eq(id))
        .order(ledger_entries::id)
        .select((ledger_entries::amount, ledger_entries::reason))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(
        kinds,
        [
            (-1250, Some("deduction".into())),
            (1250, Some("deduction_undone".into()))
        ]
    );
}

#[tokio::test]
async fn a_terminated_participant_cannot_log_in_earns_nothing_and_can_object_by_the_mailed_link() {
    let (app, boss, anna) = manager_and_anna().await;
    let p = anna.participant_id;
    // A pending commission from before the termination.
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let mut order = report(&click_id, "T-1", "100.00", &at);
    order["status"] = "completed".into();
    send(&app, &key, &order).await;
    let anna_browser = app.client_for("anna@example.nl").await;

    let id = taken(
        &app,
        &boss,
        p,
        Measure::new(
            MeasureKind::Terminate,
            &["F.11.e", "E.10.c"],
            "Fraudulent traffic.",
        ),
    )
    .await;

    // Logged out at once, and the login page says why, in the visitor's language.
    let r = anna_browser
        .get(app.url("/en/account"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/en/login?notice=account-terminated");
    for (lang, title, why) in [
        (
            "en",
            "Your account has been terminated",
            "Reason: Fraudulent traffic.",
        ),
        (
            "nl",
            "Uw account is beëindigd",
            "Reden: Fraudulent traffic.",
        ),
    ] {
        let r = app
            .log_in(&app.new_client(), lang, "anna@example.nl", PASSWORD)
            .await;
        assert_eq!(r.status().as_u16(), 422, "{lang}");
        let page = r.text().await.unwrap();
        assert!(page.contains(title) && page.contains(why), "{lang}");
    }
    // A wrong password learns nothing of it.
    let r = app
        .log_in(
            &app.new_client(),
            "en",
            "anna@example.nl",
            "wrong password here",
        )
        .await;
    assert!(!r.text().await.unwrap().contains("terminated"));

    // Clicks are recorded, not credited.
    let before = app.click_count();
    let r = app
        .new_client()
        .get(app.url(&format!(
            "/click?p={}&a={}",
            app.programme_id(),
            anna.channel_id
        )))
        .header("user-agent", common::BROWSER)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 302);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.click_count() == before {
        assert!(
            std::time::Instant::now() < deadline,
            "the click was not recorded"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let (credited, reason): (bool, Option<String>) = clicks::table
        .order(clicks::clicked_at.desc())
        .select((clicks::credited, clicks::reason))
        .first(&mut *app.conn())
        .unwrap();
    assert!(!credited);
    assert_eq!(reason.as_deref(), Some("participant_terminated"));

    // Its pending commission is not approved at its locking date.
    pass_locking_dates(&app);
    let state: String = commissions::table
        .filter(commissions::participant_id.eq(p))
        .select(commissions::state)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(state, "pending");

    // A termination is not lifted by hand.
    let r = lift(&app, &boss, p, id, "Changed my mind").await;
    assert_eq!(r.status().as_u16(), 409);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("only by an upheld objection"));

    // The mail's link lets Anna object without logging in; the manager upholds it.
    let mail = app.smtp().wait_for("anna@example.nl", 0).await;
    let link = mail
        .link_containing("/objection/")
        .expect("an objection link");
    let path = link[link.find("/nl/").unwrap()..].to_owned();
    let (status, page) = app.page(&path).await;
    assert_eq!(status, 200);
    assert!(page.contains("Fraudulent traffic.") && page.contains("name=\"evidence\""));
    // A forged key is not found.
    let (status, _) = app
        .page(&format!("/nl/objection/{id}/{}", "0".repeat(32)))
        .await;
    assert_eq!(status, 404);
    let client = app.new_client();
    let r = object(
        &app,
        &client,
        &path,
        &path,
        "The traffic came from my newsletter.",
        &[("newsletter.pdf", "application/pdf", PDF)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let objection_id: ObjectionId = objections::table
        .select(objections::id)
        .first(&mut *app.conn())
        .unwrap();
    let r = app
        .submit_with(
            &boss,
            "/en/manage/objections",
            &format!("/en/manage/objections/{objection_id}/decision"),
            &[
                ("decision", "upheld"),
                ("reason", "The newsletter explains the traffic."),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let terminated: Option<chrono::NaiveDateTime> = participants::table
        .find(p)
        .select(participants::terminated_at)
        .first(&mut *app.conn())
        .unwrap();
    assert!(terminated.is_none());
    let r = app
        .log_in(&app.new_client(), "en", "anna@example.nl", PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303);
    // The commission settles as any other now.
    assert_eq!(pass_locking_dates(&app), 1);
    let decision = app.smtp().wait_for("anna@example.nl", 1).await;
    assert!(decision.subject().contains("Beslissing op uw bezwaar"));
}

#[tokio::test]
async fn restrictions_stop_applications_or_end_a_membership_until_lifted() {
    let app = spawn_app().await;
    let boss = app.manager("beheer@partnerlink.nl").await;
    // Anna has an approved channel without a membership yet: she may apply.
    let anna = app.add_publisher("anna@example.nl", ReviewState::Approved);
    let p = anna.participant_id;
    let restriction = taken(
        &app,
        &boss,
        p,
        Measure::new(
            MeasureKind::Restrict,
            &["F.11.f", "B.5.a"],
            "Until the review ends.",
        )
        .with("restriction", "applications"),
    )
    .await;
    let anna_browser = app.client_for("anna@example.nl").await;
    let apply = |client: reqwest::Client| {
        let app = &app;
        async move {
            app.submit_with(
                &client,
                "/en/account/channels",
                &format!("/en/account/channels/{}/apply", anna.channel_id),
                &[],
            )
            .await
        }
    };
    let r = apply(anna_browser.clone()).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("restricted new applications"));
    lift(&app, &boss, p, restriction, "Review done.").await;
    let r = apply(anna_browser.clone()).await;
    assert_eq!(r.status().as_u16(), 303);

    // Ending a membership: the approved one of Bob.
    let bob = app.add_ready_publisher("bob@example.nl");
    let membership = app.membership_of(bob.channel_id);
    let ended = taken(
        &app,
        &boss,
        bob.participant_id,
        Measure::new(MeasureKind::Restrict, &["F.11.f", "E.10.l"], "Coupon site.")
            .with("restriction", "membership")
            .with("membership", &membership.to_string()),
    )
    .await;
    let state = |app: &TestApp| -> String {
        memberships::table
            .find(membership)
            .select(memberships::state)
            .first(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(state(&app), "rejected");
    lift(
        &app,
        &boss,
        bob.participant_id,
        ended,
        "Not a coupon site after all.",
    )
    .await;
    assert_eq!(state(&app), "approved");
}

#[tokio::test]
async fn a_ban_bars_the_address_and_the_domains_from_signing_up_until_lifted() {
    let app = spawn_app().await;
    let boss = app.manager("beheer@partnerlink.nl").await;
    let anna = app.add_ready_publisher("anna@koopjes.nl");
    let id = taken(
        &app,
        &boss,
        anna.participant_id,
        Measure::new(MeasureKind::Ban, &["F.11.g", "E.10.j"], "Repeated fraud.")
            .with("ban", "email")
            .with("ban", "domain"),
    )
    .await;
    let r = app
        .submit("/en/signup", &[("email", "anna@koopjes.nl")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Please contact the publisher team."));
    // Her website's domain (anna-koopjes.nl) is barred too.
    let r = app
        .submit("/en/signup", &[("email", "someone@anna-koopjes.nl")])
        .await;
    assert_eq!(r.status().as_u16(), 422);

    lift(&app, &boss, anna.participant_id, id, "Settled.").await;
    let client = app.new_client();
    let r = app
        .submit_with(
            &client,
            "/en/signup",
            "/en/signup",
            &[("email", "someone@anna-koopjes.nl")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn a_cure_period_is_answered_accepted_or_escalated_and_overdue_ones_are_on_the_home_page() {
    let (app, boss, anna) = manager_and_anna().await;
    let p = anna.participant_id;
    let deadline = (chrono::Utc::now().date_naive() + chrono::Days::new(7)).to_string();
    let id = taken(
        &app,
        &boss,
        p,
        Measure::new(
            MeasureKind::CurePeriod,
            &["F.11.b", "E.10.h"],
            "Remove the pop-ups.",
        )
        .with("deadline", &deadline),
    )
    .await;
    let anna_browser = app.client_for("anna@example.nl").await;
    let notice = format!("/en/account/notices/{id}");
    let r = app
        .submit_with(
            &anna_browser,
            &notice,
            &format!("{notice}/cured"),
            &[("text", " ")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("id=\"cured_text-error\""));
    let r = app
        .submit_with(
            &anna_browser,
            &notice,
            &format!("{notice}/cured"),
            &[("text", "Pop-ups removed on 30 November.")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = app
        .page_with(&boss, &format!("/en/manage/participants/{p}"))
        .await;
    assert!(page.contains("Pop-ups removed on 30 November."));
    let r = app
        .submit_with(
            &boss,
            &format!("/en/manage/participants/{p}"),
            &format!("/en/manage/participants/{p}/measures/{id}/cure"),
            &[],
        )
        .await;
    assert!(location(&r).contains("notice=cure-accepted"));
    // Closed: no more answers.
    let (_, page) = app.page_with(&anna_browser, &notice).await;
    assert!(page.contains("accepted your fix") && !page.contains("name=\"text\" rows=\"5\""));

    // A second one runs past its deadline: the console's home page lists it.
    let second = taken(
        &app,
        &boss,
        p,
        Measure::new(
            MeasureKind::CurePeriod,
            &["F.11.b", "B.5.c"],
            "Fix the disclosure.",
        )
        .with("deadline", &deadline),
    )
    .await;
    app.sql(&format!(
        "UPDATE measures SET deadline = '2026-01-05' WHERE id = {second}"
    ));
    let (_, home) = app.page_with(&boss, "/en/manage").await;
    assert!(
        home.contains("Cure periods past their deadline") && home.contains("Fix the disclosure.")
    );
    // Escalated to a deduction: the cure period is closed as escalated.
    let r = take(
        &app,
        &boss,
        p,
        &[
            ("kind", "deduct"),
            ("clauses", "F.11.d"),
            ("clauses", "B.5.c"),
            ("reason", "Not fixed in time."),
            ("amount", "50"),
            ("escalates", &second.to_string()),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let decision: Option<String> = measures::table
        .find(second)
        .select(measures::cure_decision)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(decision.as_deref(), Some("escalated"));
    let (_, home) = app.page_with(&boss, "/en/manage").await;
    assert!(!home.contains("Fix the disclosure."));
}

#[tokio::test]
async fn objections_carry_checked_evidence_are_decided_once_and_are_refused_after_the_claim_period()
{
    let (app, boss, anna) = manager_and_anna().await;
    let bob = app.add_ready_publisher("bob@example.nl");
    let p = anna.participant_id;
    let id = taken(
        &app,
        &boss,
        p,
        Measure::new(MeasureKind::Deduct, &["F.11.d", "E.10.j"], "Fake orders.")
            .with("amount", "20"),
    )
    .await;
    let anna_browser = app.client_for("anna@example.nl").await;
    let notice = format!("/en/account/notices/{id}");
    let action = format!("{notice}/objection");

    // A text file named .pdf and sent as a PDF is refused; the words stay.
    let r = object(
        &app,
        &anna_browser,
        &notice,
        &action,
        "They were real orders.",
        &[(
            "orders.pdf",
            "application/pdf",
            b"just some text, not a PDF",
        )],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("orders.pdf is not a PDF, PNG or JPEG file."));
    assert!(page.contains(">They were real orders.</textarea>"));
    // No words, no files, too many files.
    let r = object(
        &app,
        &anna_browser,
        &notice,
        &action,
        "",
        &[("a.pdf", "application/pdf", PDF)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("Write your objection."));
    let r = object(&app, &anna_browser, &notice, &action, "Words", &[]).await;
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Add at least one file as evidence."));
    let six: Vec<(&str, &str, &[u8])> = (0..6).map(|_| ("a.pdf", "application/pdf", PDF)).collect();
    let r = object(&app, &anna_browser, &notice, &action, "Words", &six).await;
    assert!(r.text().await.unwrap().contains("Add at most 5 files."));
    let count: i64 = objections::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(count, 0);

    let r = object(
        &app,
        &anna_browser,
        &notice,
        &action,
        "They were real orders.",
        &[("orders.pdf", "application/pdf", PDF)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).ends_with("?notice=objection-filed"));
    // Once only.
    let r = object(
        &app,
        &anna_browser,
        &notice,
        &action,
        "Again",
        &[("orders.pdf", "application/pdf", PDF)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 409);

    // The evidence: Anna and the managers may fetch it, Bob may not; never shown inline.
    let (objection_id, file_id): (i64, i64) = {
        use portal::db::schema::objection_files;
        objection_files::table
            .select((objection_files::objection_id, objection_files::id))
            .first(&mut *app.conn())
            .unwrap()
    };
    let r = anna_browser
        .get(app.url(&format!("{notice}/evidence/{file_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
    let r = boss
        .get(app.url(&format!("/en/manage/evidence/{file_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let bob_browser = app.client_for("bob@example.nl").await;
    let r = bob_browser
        .get(app.url(&format!("{notice}/evidence/{file_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let r = bob_browser
        .get(app.url(&format!("/en/manage/evidence/{file_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let _ = bob;

    // The console shows the due date; a decision needs a choice and a reason.
    let (_, page) = app.page_with(&boss, "/en/manage/objections").await;
    assert!(page.contains("They were real orders.") && page.contains("Decide by"));
    let decide = |fields: Vec<(&'static str, &'static str)>| {
        let app = &app;
        let boss = boss.clone();
        async move {
            app.submit_with(
                &boss,
                "/en/manage/objections",
                &format!("/en/manage/objections/{objection_id}/decision"),
                &fields,
            )
            .await
        }
    };
    let r = decide(vec![("reason", "No choice")]).await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("Choose upheld or rejected.") && page.contains(">No choice</textarea>"));
    let r = decide(vec![("decision", "rejected"), ("reason", "")]).await;
    assert_eq!(r.status().as_u16(), 422);
    let r = decide(vec![
        ("decision", "rejected"),
        ("reason", "The orders came from one address."),
    ])
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = decide(vec![("decision", "upheld"), ("reason", "Changed")]).await;
    assert!(location(&r).contains("objection-already-decided"));
    // One decision in the audit log, by the manager from this machine; the second one wrote none.
    let line = audit::only(&app, "objection_decided");
    audit::assert_by(&app, &line, "beheer@partnerlink.nl");
    assert_eq!(line.subject, format!("objection {objection_id}"));
    assert_eq!(line.participant_id, Some(p));
    let after = line.after.unwrap();
    assert!(
        after.contains("\"rejected\"") && after.contains("The orders came from one address."),
        "{after}"
    );
    assert!(audit::lines(&app, "measure_lifted").is_empty());
    assert_eq!(
        balance(&app, p),
        -2000,
        "a rejected objection leaves the deduction"
    );
    let (_, page) = app.page_with(&anna_browser, &notice).await;
    assert!(
        page.contains("Your objection was rejected.")
            && page.contains("The orders came from one address.")
    );

    // A measure whose claim period has ended: no button, and a direct POST is refused.
    let late = taken(
        &app,
        &boss,
        p,
        Measure::warning(&["E.10.a"], "Old warning."),
    )
    .await;
    app.sql(&format!(
        "UPDATE measures SET claim_until = '2026-01-09' WHERE id = {late}"
    ));
    let late_notice = format!("/en/account/notices/{late}");
    let (_, page) = app.page_with(&anna_browser, &late_notice).await;
    assert!(!page.contains("name=\"evidence\""));
    assert!(
        text_of(&page).contains(
            "The period to object ended on 9 January 2026, 23:59 Hong Kong time (16:59 in the Netherlands)."
        ),
        "{}",
        text_of(&page)
    );
    let r = object(
        &app,
        &anna_browser,
        &late_notice,
        &format!("{late_notice}/objection"),
        "Too late?",
        &[("late.pdf", "application/pdf", PDF)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 409);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("The period to object has ended"));
    let count: i64 = objections::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn the_same_form_sent_twice_takes_one_measure_and_two_lifts_lift_once() {
    let app = spawn_app().await;
    let boss = app.manager("beheer@partnerlink.nl").await;
    let other = app.manager("collega@partnerlink.nl").await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let p = anna.participant_id;
    let page = format!("/en/manage/participants/{p}");
    let html = boss
        .get(app.url(&format!("{page}?kind=deduct")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = common::csrf_token(&html).unwrap();
    let key = hidden(&html, "request_key").unwrap();
    let fields = [
        ("csrf_token", token.as_str()),
        ("request_key", key.as_str()),
        ("kind", "deduct"),
        ("clauses", "F.11.d"),
        ("clauses", "E.10.g"),
        ("reason", "Damages."),
        ("amount", "10"),
    ];
    let send = || {
        boss.post(app.url(&format!("{page}/measures")))
            .form(&fields)
            .send()
    };
    let (a, b) = tokio::join!(send(), send());
    let mut notices = vec![location(&a.unwrap()), location(&b.unwrap())];
    notices.sort();
    assert!(
        notices[0].ends_with("notice=measure-exists")
            || notices[1].ends_with("notice=measure-exists"),
        "{notices:?}"
    );
    let count: i64 = measures::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(count, 1);
    assert_eq!(balance(&app, p), -1000);

    // Two managers lift it at the same moment: one lift, one repayment.
    let id = last_measure(&app);
    let (a, b) = tokio::join!(
        lift(&app, &boss, p, id, "Lifted by one."),
        lift(&app, &other, p, id, "Lifted by the other.")
    );
    let mut notices = vec![location(&a), location(&b)];
    notices.sort();
    assert!(
        notices[0].ends_with("notice=measure-already-lifted"),
        "{notices:?}"
    );
    assert!(notices[1].ends_with("notice=measure-lifted"), "{notices:?}");
    assert_eq!(balance(&app, p), 0);
    let lifts: i64 = audit_log::table
        .filter(audit_log::action.eq("measure_lifted"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(lifts, 1);
}

#[tokio::test]
async fn nobody_can_change_or_remove_an_audit_line() {
    let app = spawn_app().await;
    app.manager("beheer@partnerlink.nl").await;
    let count: i64 = audit_log::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(count, 1, "the manager's login");
    use diesel::connection::SimpleConnection;
    let mut conn = app.conn();
    let conn: &mut portal::db::AnyConnection = &mut conn;
    for statement in [
        "UPDATE audit_log SET actor = 'someone else'",
        "DELETE FROM audit_log",
    ] {
        let refused = conn.batch_execute(statement);
        assert!(refused.is_err(), "{statement} was allowed");
        assert!(refused.unwrap_err().to_string().contains("append-only"));
    }
    if app.kind() == portal::config::DatabaseKind::Postgres {
        assert!(conn.batch_execute("TRUNCATE audit_log").is_err());
    }
    let actor: String = audit_log::table
        .select(audit_log::actor)
        .first(conn)
        .unwrap();
    assert_eq!(actor, "beheer@partnerlink.nl");
}

#[tokio::test]
async fn an_upheld_objection_to_a_deduction_pays_it_back_with_a_new_ledger_row() {
    let (app, boss, anna) = manager_and_anna().await;
    let p = anna.participant_id;
    let id = taken(
        &app,
        &boss,
        p,
        Measure::new(MeasureKind::Deduct, &["F.11.d", "E.10.g"], "Damages.").with("amount", "30"),
    )
    .await;
    let anna_browser = app.client_for("anna@example.nl").await;
    let notice = format!("/nl/account/notices/{id}");
    let png = picture(image::ImageFormat::Png, 32, 20);
    let r = object(
        &app,
        &anna_browser,
        &notice,
        &format!("{notice}/objection"),
        "Geen schade: zie de schermafdruk.",
        &[("schermafdruk.png", "image/png", &png)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let objection_id: ObjectionId = objections::table
        .select(objections::id)
        .first(&mut *app.conn())
        .unwrap();
    let r = app
        .submit_with(
            &boss,
            "/en/manage/objections",
            &format!("/en/manage/objections/{objection_id}/decision"),
            &[("decision", "upheld"), ("reason", "No damage was shown.")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let rows: Vec<(i64, Option<String>)> = ledger_entries::table
        .filter(ledger_entries::measure_id.eq(id))
        .order(ledger_entries::id)
        .select((ledger_entries::amount, ledger_entries::reason))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(
        rows,
        [
            (-3000, Some("deduction".into())),
            (3000, Some("deduction_undone".into()))
        ]
    );
    let lifted: Option<chrono::NaiveDateTime> = measures::table
        .find(id)
        .select(measures::lifted_at)
        .first(&mut *app.conn())
        .unwrap();
    assert!(lifted.is_some());
    let (_, page) = app.page_with(&anna_browser, &notice).await;
    assert!(
        page.contains("Uw bezwaar is gegrond verklaard") && page.contains("No damage was shown.")
    );
    // The audit log has the decision and the lifting it caused, each by the manager.
    let line = audit::only(&app, "objection_decided");
    audit::assert_by(&app, &line, "beheer@partnerlink.nl");
    assert_eq!(line.participant_id, Some(p));
    assert!(line.after.unwrap().contains("\"upheld\""));
    let lifted = audit::only(&app, "measure_lifted");
    audit::assert_by(&app, &lifted, "beheer@partnerlink.nl");
    assert_eq!(lifted.subject, format!("measure {id}"));
    assert!(lifted.after.unwrap().contains("\"by_objection\":true"));
}

#[tokio::test]
async fn the_participants_list_searches_filters_and_pages() {
    let app = spawn_app().await;
    let boss = app.manager("beheer@partnerlink.nl").await;
    let anna = app.add_ready_publisher("anna@koopjes.nl");
    let bob = app.add_network("bob@example.be", ReviewState::Approved);
    app.sql(&format!(
        "UPDATE participants SET country = 'BE' WHERE id = {}",
        bob.participant_id
    ));
    app.sql(&format!(
        "UPDATE channels SET screening_note = 'B.5.a: aliexpress' WHERE id = {}",
        bob.channel_id
    ));
    taken(
        &app,
        &boss,
        anna.participant_id,
        Measure::new(MeasureKind::Withhold, &["F.11.c", "E.10.j"], "x"),
    )
    .await;
    // Anna's clicks in the last 30 days: 1 credited, 3 not.
    let day = portal::tracking::day_number(chrono::Utc::now().date_naive());
    for (n, credited) in [(1u8, true), (2, false), (3, false), (4, false)] {
        let click = PlantedClick {
            click_id: (n as u128).to_be_bytes().to_vec(),
            clicked_at: 0,
            day,
            programme_id: app.programme_id(),
            channel_id: anna.channel_id,
            participant_id: anna.participant_id,
            ip_hash: vec![0],
            user_agent: &format!("ua{n}"),
            credited,
            reason: None,
        };
        plant_click(&mut app.conn(), click);
    }
    let list = |query: &'static str| {
        let app = &app;
        let boss = boss.clone();
        async move {
            let (status, page) = app
                .page_with(&boss, &format!("/en/manage/participants?{query}"))
                .await;
            assert_eq!(status, 200, "{query}");
            (
                page.contains("anna@koopjes.nl"),
                page.contains("bob@example.be"),
            )
        }
    };
    assert_eq!(list("").await, (true, true));
    assert_eq!(list("q=koopjes").await, (true, false));
    assert_eq!(
        list("q=anna-koopjes.nl").await,
        (true, false),
        "by a website's domain"
    );
    assert_eq!(
        list("q=%25").await,
        (false, false),
        "a LIKE wildcard is taken literally"
    );
    assert_eq!(list("kind=network").await, (false, true));
    assert_eq!(list("country=be").await, (false, true));
    assert_eq!(list("flagged=yes").await, (false, true));
    assert_eq!(list("open=any").await, (true, false));
    assert_eq!(list("open=withhold").await, (true, false));
    assert_eq!(list("open=terminate").await, (false, false));
    assert_eq!(list("share=70").await, (true, false));
    assert_eq!(list("share=80").await, (false, false));
    assert_eq!(list("status=terminated").await, (false, false));
    assert_eq!(list("status=active&kind=publisher").await, (true, false));
    let (_, page) = app
        .page_with(&boss, "/en/manage/participants?share=70")
        .await;
    assert!(page.contains(">75%<"), "the share shown per language");
    // Odd values filter nothing rather than fail.
    assert_eq!(
        list("share=abc&status=odd&kind=odd&page=999").await,
        (true, true)
    );

    // 60 more participants: two pages of 50.
    for n in 0..60 {
        app.add_publisher(&format!("p{n}@example.org"), ReviewState::Pending);
    }
    let (_, first) = app.page_with(&boss, "/en/manage/participants").await;
    assert!(first.contains("Page 1 of 2") && first.contains("rel=\"next\""));
    let (_, second) = app.page_with(&boss, "/en/manage/participants?page=2").await;
    assert!(second.contains("Page 2 of 2") && second.contains("anna@koopjes.nl"));
}

#[tokio::test]
async fn unknown_or_foreign_ids_and_malformed_values_are_refused_cleanly() {
    let (app, boss, anna) = manager_and_anna().await;
    let bob = app.add_ready_publisher("bob@example.nl");
    let id = taken(
        &app,
        &boss,
        anna.participant_id,
        Measure::new(MeasureKind::Deduct, &["F.11.d", "E.10.g"], "x").with("amount", "5"),
    )
    .await;
    let home = "/en/manage";
    // Anna's measure lifted or accepted through Bob's page, a decision on no objection, a file
    // that does not exist: not found, nothing changed.
    for path in [
        format!(
            "/en/manage/participants/{}/measures/{id}/lift",
            bob.participant_id
        ),
        format!(
            "/en/manage/participants/{}/measures/{id}/cure",
            bob.participant_id
        ),
        "/en/manage/participants/1/measures/999999/cure".to_owned(),
        "/en/manage/objections/999999/decision".to_owned(),
    ] {
        let r = app
            .submit_with(
                &boss,
                home,
                &path,
                &[("reason", "why"), ("decision", "upheld")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 404, "{path}");
    }
    assert_eq!(balance(&app, anna.participant_id), -500);
    let r = boss
        .get(app.url("/en/manage/evidence/999999"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let r = boss
        .get(app.url("/en/manage/participants/abc"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    // Anna's own pages: a malformed version to accept, someone else's notice to answer.
    let anna_browser = app.client_for("anna@example.nl").await;
    let r = app
        .submit_with(
            &anna_browser,
            "/en/account/rules",
            "/en/account/rules",
            &[("version", "abc")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let bob_browser = app.client_for("bob@example.nl").await;
    let r = app
        .submit_with(
            &bob_browser,
            "/en/account/notices",
            &format!("/en/account/notices/{id}/cured"),
            &[("text", "fixed")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn review_decisions_on_channels_and_memberships_are_in_the_audit_log_with_the_address_hash() {
    let app = spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let anna = app.add_publisher("anna@example.nl", ReviewState::Pending);
    let p = anna.participant_id;
    let channel_review = format!("/en/manage/channels/{}/review", anna.channel_id);
    let r = app
        .submit_with(
            &admin,
            "/en/manage",
            &channel_review,
            &[("decision", "approve"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).ends_with("notice=decision-saved"));
    let membership = app.add_membership(anna.channel_id, MembershipState::Pending);
    let r = app
        .submit_with(
            &admin,
            "/en/manage",
            &format!("/en/manage/memberships/{membership}/review"),
            &[
                ("decision", "reject"),
                ("reason", "Not enough content yet."),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);

    let line = audit::only(&app, "channel_review");
    audit::assert_by(&app, &line, "admin@partnerlink.nl");
    assert_eq!(line.subject, format!("channel {}", anna.channel_id));
    assert_eq!(line.participant_id, Some(p));
    assert_eq!(line.before.as_deref(), Some(r#"{"state":"pending"}"#));
    assert!(line.after.unwrap().contains(r#""state":"approved""#));
    let line = audit::only(&app, "membership_review");
    audit::assert_by(&app, &line, "admin@partnerlink.nl");
    assert_eq!(line.subject, format!("membership {membership}"));
    assert_eq!(line.participant_id, Some(p));
    let after = line.after.unwrap();
    assert!(
        after.contains(r#""state":"rejected""#) && after.contains("Not enough content yet."),
        "{after}"
    );

    // A decision on a channel decided already changes nothing and writes no line.
    let r = app
        .submit_with(
            &admin,
            "/en/manage",
            &channel_review,
            &[("decision", "reject"), ("reason", "Too late")],
        )
        .await;
    assert!(location(&r).ends_with("notice=decision-gone"));
    assert_eq!(audit::lines(&app, "channel_review").len(), 1);

    // The administrators' page shows the lines with the address's hash.
    let (_, page) = app
        .page_with(&admin, "/en/manage/audit?action=membership_review")
        .await;
    assert!(page.contains(&audit::local_ip_hash(&app)));
    assert!(page.contains("Not enough content yet."));
    assert!(!page.contains(&format!("channel {}<", anna.channel_id)));
}

#[tokio::test]
async fn an_objection_past_its_decision_date_is_marked_overdue_on_the_console() {
    let (app, boss, anna) = manager_and_anna().await;
    let id = taken(
        &app,
        &boss,
        anna.participant_id,
        Measure::warning(&["E.10.i"], "Brand bidding."),
    )
    .await;
    let anna_browser = app.client_for("anna@example.nl").await;
    let notice = format!("/en/account/notices/{id}");
    let r = object(
        &app,
        &anna_browser,
        &notice,
        &format!("{notice}/objection"),
        "Not my advertisement.",
        &[("ad.pdf", "application/pdf", PDF)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let objection_id: ObjectionId = objections::table
        .select(objections::id)
        .first(&mut *app.conn())
        .unwrap();
    const BADGE: &str = "<strong class=\"badge\">overdue</strong>";

    // Within its decision period: listed with its date, not overdue.
    let (_, home) = app.page_with(&boss, "/en/manage").await;
    assert!(text_of(&home).contains("Bedrijf anna@example.nl · Written warning — Decide by"));
    assert!(!home.contains(BADGE));
    let (_, list) = app.page_with(&boss, "/en/manage/objections").await;
    assert!(list.contains("Not my advertisement."));
    assert!(!list.contains(BADGE) && !list.contains("Objections past their due date"));

    // Its decision date has passed.
    app.sql(&format!(
        "UPDATE objections SET due_on = '2026-01-05' WHERE id = {objection_id}"
    ));
    let (_, home) = app.page_with(&boss, "/en/manage").await;
    assert!(
        text_of(&home).contains(
            "Written warning — Decide by 5 January 2026, 23:59 Hong Kong time \
             (16:59 in the Netherlands). overdue"
        ),
        "{}",
        text_of(&home)
    );
    assert!(home.contains(BADGE));
    let (_, list) = app.page_with(&boss, "/en/manage/objections").await;
    assert!(list.contains("Objections past their due date: 1"));
    assert!(list.contains(BADGE));
    let (_, dutch) = app.page_with(&boss, "/nl/manage/objections").await;
    assert!(dutch.contains("Bezwaren voorbij hun termijn: 1"));
    assert!(dutch.contains("<strong class=\"badge\">te laat</strong>"));

    // Decided, it is overdue no more.
    let r = app
        .submit_with(
            &boss,
            "/en/manage/objections",
            &format!("/en/manage/objections/{objection_id}/decision"),
            &[("decision", "rejected"), ("reason", "It was yours.")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, list) = app.page_with(&boss, "/en/manage/objections").await;
    assert!(!list.contains(BADGE) && !list.contains("Objections past their due date"));
    let (_, home) = app.page_with(&boss, "/en/manage").await;
    assert!(!home.contains(BADGE) && !home.contains("Not my advertisement."));
}

#[tokio::test]
async fn the_participant_page_shows_click_quality_conversions_and_the_ledger_summary() {
    let (app, boss, anna) = manager_and_anna().await;
    let bob = app.add_ready_publisher("bob@example.nl");
    let p = anna.participant_id;
    let key = secret(&app);
    // Anna: one credited click; an order on it approved (100.00 → 7.00) and one pending
    // (50.00 → 3.50) of which 10.00 came back (−0.70).
    let (click_id, at) = click(&app, anna.channel_id).await;
    let mut approved = report(&click_id, "F-1", "100.00", &at);
    approved["status"] = "completed".into();
    assert_eq!(send(&app, &key, &approved).await.0, 201);
    pass_locking_dates(&app);
    assert_eq!(
        send(&app, &key, &report(&click_id, "F-2", "50.00", &at))
            .await
            .0,
        201
    );
    let mut returned = report(&click_id, "F-2", "50.00", &at);
    returned["status"] = "returned".into();
    returned["returned_amount"] = "10.00".into();
    let (status, answer) = send(&app, &key, &returned).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["commission"], "2.80", "{answer}");
    // A deduction of 2.00: the balance is 5.00.
    let r = take(
        &app,
        &boss,
        p,
        &[
            ("kind", "deduct"),
            ("clauses", "F.11.d"),
            ("clauses", "E.10.g"),
            ("reason", "Damages."),
            ("amount", "2"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    // And a click that was not credited (a robot's), today.
    let day = portal::tracking::day_number(chrono::Utc::now().date_naive());
    let robot = PlantedClick {
        click_id: 901u128.to_be_bytes().to_vec(),
        clicked_at: 0,
        day,
        programme_id: app.programme_id(),
        channel_id: anna.channel_id,
        participant_id: p,
        ip_hash: vec![0],
        user_agent: "robot",
        credited: false,
        reason: Some("bot"),
    };
    plant_click(&mut app.conn(), robot);
    // Bob's order is not Anna's.
    let (bob_click, bob_at) = click(&app, bob.channel_id).await;
    assert_eq!(
        send(&app, &key, &report(&bob_click, "B-1", "1000.00", &bob_at))
            .await
            .0,
        201
    );

    let (status, page) = app
        .page_with(&boss, &format!("/en/manage/participants/{p}"))
        .await;
    assert_eq!(status, 200);
    let words = text_of(&page);
    assert!(
        words.contains(
            "Clicks (30 days) 2 Not credited 50% Conversions 2 Pending €2.80 \
             Approved commission €7.00 Approved balance €5.00"
        ),
        "{words}"
    );
    let (_, page) = app
        .page_with(
            &boss,
            &format!("/en/manage/participants/{}", bob.participant_id),
        )
        .await;
    let words = text_of(&page);
    assert!(
        words.contains(
            "Clicks (30 days) 1 Not credited 0% Conversions 1 Pending €70.00 \
             Approved commission €0.00 Approved balance €0.00"
        ),
        "{words}"
    );
}

#[tokio::test]
async fn a_lifted_warning_and_a_lifted_cure_period_show_as_lifted_to_the_participant_and_in_the_audit_log(
) {
    let (app, boss, anna) = manager_and_anna().await;
    let p = anna.participant_id;
    let warning = taken(
        &app,
        &boss,
        p,
        Measure::warning(&["E.10.i"], "Brand bidding seen."),
    )
    .await;
    let deadline = (chrono::Utc::now().date_naive() + chrono::Days::new(7)).to_string();
    let cure = taken(
        &app,
        &boss,
        p,
        Measure::new(
            MeasureKind::CurePeriod,
            &["F.11.b", "E.10.h"],
            "Remove the pop-ups.",
        )
        .with("deadline", &deadline),
    )
    .await;
    let anna_browser = app.client_for("anna@example.nl").await;
    let (_, list) = app.page_with(&anna_browser, "/en/account/notices").await;
    assert_eq!(text_of(&list).matches(" in force").count(), 2, "{list}");
    let cure_notice = format!("/en/account/notices/{cure}");
    let (_, page) = app.page_with(&anna_browser, &cure_notice).await;
    assert!(
        page.contains("id=\"cured_text\""),
        "the cure can be answered"
    );

    let r = lift(&app, &boss, p, warning, "The ads were taken down.").await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).contains("notice=measure-lifted"));
    // The cure period ran past its deadline: the console's home page lists it until it is lifted.
    app.sql(&format!(
        "UPDATE measures SET deadline = '2026-01-05' WHERE id = {cure}"
    ));
    let (_, home) = app.page_with(&boss, "/en/manage").await;
    assert!(home.contains("Remove the pop-ups."));
    let r = lift(&app, &boss, p, cure, "Checked: the pop-ups are gone.").await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, home) = app.page_with(&boss, "/en/manage").await;
    assert!(!home.contains("Remove the pop-ups."));

    // Anna's notices say lifted, with the reason; the cure period takes no more answers.
    let (_, list) = app.page_with(&anna_browser, "/en/account/notices").await;
    let words = text_of(&list);
    assert!(!words.contains(" in force"), "{words}");
    assert_eq!(words.matches(" lifted").count(), 2, "{words}");
    let (_, page) = app
        .page_with(&anna_browser, &format!("/en/account/notices/{warning}"))
        .await;
    assert!(
        text_of(&page).contains("Lifted on") && page.contains(" — The ads were taken down."),
        "{page}"
    );
    let (_, page) = app.page_with(&anna_browser, &cure_notice).await;
    assert!(page.contains(" — Checked: the pop-ups are gone."));
    assert!(!page.contains("id=\"cured_text\""));
    let r = app
        .submit_with(
            &anna_browser,
            &format!("/en/account/notices/{warning}"),
            &format!("{cure_notice}/cured"),
            &[("text", "Fixed anyway.")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 409);
    // Both lifts are mailed, in Anna's language.
    app.mail_sent().await;
    let lifted_mails = app
        .smtp()
        .all()
        .into_iter()
        .filter(|m| m.subject().contains("opgeheven"))
        .count();
    assert_eq!(lifted_mails, 2);
    // The console's history shows both lifted, with the reasons.
    let (_, console) = app
        .page_with(&boss, &format!("/en/manage/participants/{p}"))
        .await;
    assert!(
        console.contains("The ads were taken down.") && console.contains("the pop-ups are gone")
    );
    assert!(!console.contains(&format!("/measures/{warning}/lift")));
    assert!(!console.contains(&format!("/measures/{cure}/lift")));

    // One audit line per lift, by the manager from this machine.
    let lifts = audit::lines(&app, "measure_lifted");
    assert_eq!(lifts.len(), 2, "{lifts:?}");
    for (line, (id, kind, reason)) in lifts.iter().zip([
        (warning, "warning", "The ads were taken down."),
        (cure, "cure_period", "Checked: the pop-ups are gone."),
    ]) {
        audit::assert_by(&app, line, "beheer@partnerlink.nl");
        assert_eq!(line.subject, format!("measure {id}"));
        assert_eq!(line.participant_id, Some(p));
        assert!(line
            .before
            .as_deref()
            .unwrap()
            .contains(&format!("\"kind\":\"{kind}\"")));
        assert!(line.after.as_deref().unwrap().contains(reason));
    }
}

#[tokio::test]
async fn a_reason_or_objection_with_a_direction_control_or_invisible_character_is_refused_next_to_it(
) {
    let (app, boss, anna) = manager_and_anna().await;
    let p = anna.participant_id;
    let measures_taken = |app: &TestApp| -> i64 {
        measures::table
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    // U+202E would show "Fake clicks" reversed on the notice; U+200B hides inside a word.
    for reason in ["Fake clicks \u{202e}today.", "Fake cl\u{200b}icks."] {
        let r = take(
            &app,
            &boss,
            p,
            &[
                ("kind", "warning"),
                ("clauses", "E.10.c"),
                ("reason", reason),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 422, "{reason:?}");
        let page = r.text().await.unwrap();
        assert!(
            page.contains("The text contains an invisible formatting character"),
            "{page}"
        );
        assert_eq!(measures_taken(&app), 0);
    }
    let r = take(
        &app,
        &boss,
        p,
        &[
            ("kind", "warning"),
            ("clauses", "E.10.c"),
            ("reason", "Fake clicks."),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let id = last_measure(&app);

    // The participant's objection, in Dutch: the message in Dutch, the words kept.
    let anna_browser = app.client_for("anna@example.nl").await;
    let notice = format!("/nl/account/notices/{id}");
    let action = format!("{notice}/objection");
    let r = object(
        &app,
        &anna_browser,
        &notice,
        &action,
        "Het waren echte \u{2066}klikken.",
        &[("bewijs.pdf", "application/pdf", PDF)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("De tekst bevat een onzichtbaar opmaakteken"),
        "{page}"
    );
    let count: i64 = objections::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(count, 0);
}

/// Anna's objection to a warning `boss` gave her: (measure, objection).
async fn objection_to_a_warning(
    app: &TestApp,
    boss: &reqwest::Client,
    anna: &common::Participant,
) -> (MeasureId, ObjectionId) {
    let measure = taken(
        app,
        boss,
        anna.participant_id,
        Measure::warning(&["F.11.a", "E.10.i"], "Brand bidding seen on 28 November."),
    )
    .await;
    let browser = app.client_for(&anna.email).await;
    let notice = format!("/en/account/notices/{measure}");
    let r = object(
        app,
        &browser,
        &notice,
        &format!("{notice}/objection"),
        "We never bid on the brand.",
        &[("proof.pdf", "application/pdf", PDF)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    (measure, objection_to(app, SubjectKind::Measure, measure))
}

fn decision_of(app: &TestApp, objection: ObjectionId) -> Option<String> {
    objections::table
        .find(objection)
        .select(objections::decision)
        .first(&mut *app.conn())
        .unwrap()
}

/// Issue 21, point 9 (four eyes): while another active manager exists, the manager who took a
/// measure is not offered the decision on the objection to it, and is refused when sending it
/// anyway (403, in their language, saying who decides); another manager decides it.
#[tokio::test]
async fn the_manager_who_took_a_measure_does_not_decide_the_objection_while_another_can() {
    let app = spawn_app().await;
    let boss = app.manager("beheer@partnerlink.nl").await;
    let second = app.manager("tweede@partnerlink.nl").await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let (_, objection) = objection_to_a_warning(&app, &boss, &anna).await;
    let action = format!("/manage/objections/{objection}/decision");

    for (lang, words) in [
        (
            "en",
            "You took this measure, so another account manager decides the objection to it: tweede@partnerlink.nl.",
        ),
        (
            "nl",
            "U hebt deze maatregel genomen; daarom beslist een andere accountmanager over het bezwaar: tweede@partnerlink.nl.",
        ),
    ] {
        let (status, page) = app
            .page_with(&boss, &format!("/{lang}/manage/objections"))
            .await;
        assert_eq!(status, 200);
        assert!(text_of(&page).contains(words), "{lang}: {page}");
        assert!(!page.contains(&action), "{lang}: the form is offered: {page}");
    }
    for (lang, refusal) in [
        (
            "en",
            "You took this measure: another account manager decides the objection to it (four eyes).",
        ),
        (
            "nl",
            "U hebt deze maatregel genomen: een andere accountmanager beslist over het bezwaar (vier ogen).",
        ),
    ] {
        let r = app
            .submit_with(
                &boss,
                &format!("/{lang}/manage/objections"),
                &format!("/{lang}{action}"),
                &[("decision", "upheld"), ("reason", "I was wrong.")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403, "{lang}");
        assert!(text_of(&r.text().await.unwrap()).contains(refusal), "{lang}");
    }
    assert_eq!(decision_of(&app, objection), None);
    assert!(audit::lines(&app, "objection_decided").is_empty());

    // The other manager is told who took it, is offered the form and decides.
    let (_, page) = app.page_with(&second, "/en/manage/objections").await;
    assert!(page.contains(&action), "{page}");
    assert!(
        text_of(&page).contains(
            "Decided by another account manager than beheer@partnerlink.nl: tweede@partnerlink.nl."
        ),
        "{page}"
    );
    let r = app
        .submit_with(
            &second,
            "/en/manage/objections",
            &format!("/en{action}"),
            &[
                ("decision", "rejected"),
                ("reason", "The screenshots show it."),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(decision_of(&app, objection).as_deref(), Some("rejected"));
    audit::assert_by(
        &app,
        &audit::only(&app, "objection_decided"),
        "tweede@partnerlink.nl",
    );
}

/// Issue 21, point 9: the only active account manager decides the objection to their own
/// measure, and the page says why; a disabled manager is no second pair of eyes.
#[tokio::test]
async fn the_only_active_manager_decides_the_objection_to_their_own_measure() {
    let app = spawn_app().await;
    let boss = app.manager("beheer@partnerlink.nl").await;
    let left = app.add_manager("vertrokken@partnerlink.nl");
    app.disable_quietly(left);
    let anna = app.add_ready_publisher("anna@example.nl");
    let (_, objection) = objection_to_a_warning(&app, &boss, &anna).await;
    let action = format!("/manage/objections/{objection}/decision");
    for (lang, words) in [
        (
            "en",
            "beheer@partnerlink.nl is the only account manager and so decides this objection too.",
        ),
        (
            "nl",
            "beheer@partnerlink.nl is de enige accountmanager en beslist daarom ook over dit bezwaar.",
        ),
    ] {
        let (_, page) = app
            .page_with(&boss, &format!("/{lang}/manage/objections"))
            .await;
        assert!(text_of(&page).contains(words), "{lang}: {page}");
        assert!(page.contains(&action), "{lang}: no form: {page}");
    }
    let r = app
        .submit_with(
            &boss,
            "/en/manage/objections",
            &format!("/en{action}"),
            &[("decision", "upheld"), ("reason", "No bidding was shown.")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(decision_of(&app, objection).as_deref(), Some("upheld"));
}

/// The console's measure form as a manager fills it in `lang`: the page's token and one-time
/// key, plus `fields`.
async fn take_in(
    app: &TestApp,
    client: &reqwest::Client,
    lang: &str,
    participant_id: ParticipantId,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = format!("/{lang}/manage/participants/{participant_id}?kind=warning");
    let html = client
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = common::csrf_token(&html).unwrap();
    let key = hidden(&html, "request_key").unwrap();
    let mut body: Vec<(&str, &str)> = vec![("csrf_token", &token), ("request_key", &key)];
    body.extend_from_slice(fields);
    client
        .post(app.url(&format!(
            "/{lang}/manage/participants/{participant_id}/measures"
        )))
        .form(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_measure_must_cite_a_clause_the_participant_can_breach() {
    // F.11 applies "in the event of any breach": a penalty (F) or a definition (A) alone is
    // no breach; at least one clause of sections B to E must be cited.
    let (app, boss, anna) = manager_and_anna().await;
    let p = anna.participant_id;
    for (lang, help, message) in [
        (
            "en",
            "at least one from sections B to E",
            "Cite at least one clause the participant breached, from sections B to E",
        ),
        (
            "nl",
            "ten minste één uit de hoofdstukken B tot en met E",
            "Kies ten minste één artikel dat de deelnemer heeft geschonden, uit de hoofdstukken B tot en met E",
        ),
    ] {
        // The form says so before anything is sent.
        let form = boss
            .get(app.url(&format!("/{lang}/manage/participants/{p}?kind=warning")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(form.contains(help), "{lang}: no hint on the clauses");
        for cited in [vec!["F.11.a"], vec!["F.11.a", "A.1.g"], vec!["G.12"]] {
            let mut fields = vec![("kind", "warning"), ("reason", "Brand bidding seen.")];
            fields.extend(cited.iter().map(|c| ("clauses", *c)));
            let r = take_in(&app, &boss, lang, p, &fields).await;
            assert_eq!(r.status().as_u16(), 422, "{lang} {cited:?}");
            let page = r.text().await.unwrap();
            let at = page
                .find("id=\"clauses-error\"")
                .unwrap_or_else(|| panic!("{lang} {cited:?}: no message at the clauses"));
            assert!(page[at..].contains(message), "{lang} {cited:?}");
            // Everything typed is kept: the reason and the ticked clauses.
            assert!(page.contains(">Brand bidding seen.</textarea>"), "{lang}");
            for c in &cited {
                assert!(
                    page.contains(&format!("value=\"{c}\" checked")),
                    "{lang}: {c} not kept"
                );
            }
        }
    }
    let taken: i64 = measures::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(taken, 0, "a measure without a breach was taken");
    // With the clause breached (brand bidding: E.10.i) the same measure is taken.
    let r = take_in(
        &app,
        &boss,
        "nl",
        p,
        &[
            ("kind", "warning"),
            ("clauses", "F.11.a"),
            ("clauses", "E.10.i"),
            ("reason", "Brand bidding seen."),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn the_measure_form_asks_the_kind_first_then_shows_only_its_fields_above_the_history() {
    let (app, boss, anna) = manager_and_anna().await;
    let p = anna.participant_id;
    taken(
        &app,
        &boss,
        p,
        Measure::warning(&["E.10.i"], "Brand bidding seen."),
    )
    .await;
    for (lang, choose) in [
        ("en", "First choose the measure"),
        ("nl", "Kies eerst de maatregel"),
    ] {
        let get = |query: &str| {
            let url = app.url(&format!("/{lang}/manage/participants/{p}{query}"));
            let boss = boss.clone();
            async move { boss.get(url).send().await.unwrap().text().await.unwrap() }
        };
        // Step one: a link per measure, no fields yet, and the form above the history.
        let first = get("").await;
        assert!(first.contains(choose), "{lang}");
        for kind in [
            "warning",
            "cure_period",
            "withhold",
            "deduct",
            "terminate",
            "restrict",
            "ban",
        ] {
            assert!(
                first.contains(&format!("?kind={kind}#measure-form\"")),
                "{lang}: no link for {kind}"
            );
        }
        assert!(
            !first.contains("id=\"reason\""),
            "{lang}: fields before the kind"
        );
        let form_at = first.find("id=\"measure-form\"").unwrap();
        let history_at = first.find("id=\"history-heading\"").unwrap();
        assert!(
            form_at < history_at,
            "{lang}: the form is below the history"
        );
        // Step two: the kind's own fields only, its F.11 clause ticked, each clause a
        // checkbox with its whole text, sections B to E before F and A.
        let fields = |page: &str| {
            [
                "name=\"deadline\"",
                "name=\"amount\"",
                "name=\"restriction\"",
                "name=\"membership\"",
                "name=\"ban\"",
            ]
            .into_iter()
            .filter(|f| page.contains(f))
            .collect::<Vec<_>>()
        };
        let warning = get("?kind=warning").await;
        assert!(warning.contains("id=\"reason\""), "{lang}");
        assert!(
            fields(&warning).is_empty(),
            "{lang}: {:?}",
            fields(&warning)
        );
        assert!(warning.contains("value=\"F.11.a\" checked"), "{lang}");
        assert!(
            !warning.contains("multiple size="),
            "{lang}: a multi-select"
        );
        assert!(
            warning.contains("type=\"checkbox\" id=\"clause-E-10-i\" name=\"clauses\""),
            "{lang}"
        );
        assert!(
            warning.contains(&clause_body(&app, "E-10-d")),
            "{lang}: text cut"
        );
        let (b, e, f, a) = (
            warning.find("id=\"clause-B-2\"").unwrap(),
            warning.find("id=\"clause-E-10-a\"").unwrap(),
            warning.find("id=\"clause-F-11-a\"").unwrap(),
            warning.find("id=\"clause-A-1-a\"").unwrap(),
        );
        assert!(b < e && e < f && f < a, "{lang}: sections out of order");
        assert_eq!(
            fields(&get("?kind=cure_period").await),
            ["name=\"deadline\""]
        );
        assert_eq!(fields(&get("?kind=deduct").await), ["name=\"amount\""]);
        assert_eq!(
            fields(&get("?kind=restrict").await),
            ["name=\"restriction\"", "name=\"membership\""]
        );
        assert_eq!(fields(&get("?kind=ban").await), ["name=\"ban\""]);
        assert!(get("?kind=terminate")
            .await
            .contains("value=\"F.11.e\" checked"));
    }
}

#[tokio::test]
async fn the_audit_log_says_each_change_in_words_in_the_readers_language() {
    let app = spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let id = taken(
        &app,
        &admin,
        anna.participant_id,
        Measure::new(
            MeasureKind::Withhold,
            &["E.10.j", "F.11.c"],
            "Orders from your own address.",
        ),
    )
    .await;
    assert_eq!(
        lift(
            &app,
            &admin,
            anna.participant_id,
            id,
            "The orders were real."
        )
        .await
        .status()
        .as_u16(),
        303
    );
    for (lang, summary, fields, logged_in) in [
        (
            "en",
            format!("Measure {id} — Payments withheld, under E.10.j, F.11.c"),
            ["Reason:", "Objection possible until:", "Lifted:"],
            "Manager logged in",
        ),
        (
            "nl",
            format!("Maatregel {id} — Ingehouden betalingen, volgens E.10.j, F.11.c"),
            ["Reden:", "Bezwaar mogelijk tot en met:", "Opgeheven:"],
            "Accountmanager ingelogd",
        ),
    ] {
        let (status, html) = app
            .page_with(&admin, &format!("/{lang}/manage/audit"))
            .await;
        assert_eq!(status, 200);
        let table = &html[html.find("<table").unwrap()..html.find("</table>").unwrap()];
        let text = text_of(table);
        assert!(text.contains(&summary), "{lang}: {summary}");
        for field in fields {
            assert!(text.contains(field), "{lang}: no field {field}");
        }
        // The lift: what it was, struck through, and what it is.
        assert!(html.contains("<span class=\"was\">"), "{lang}");
        // No stored subject or raw JSON on the page.
        assert!(!text.contains(&format!("measure {id}")), "{lang}: {text}");
        assert!(
            !text_of(&html).contains("Unknown localization key"),
            "{lang}"
        );
        assert!(!html.contains("&quot;kind&quot;"), "{lang}: raw JSON");
        assert!(!html.contains("class=\"json\""), "{lang}: raw JSON");
        // The subject filter takes the subject as the reader writes it.
        let typed = summary.split(" — ").next().unwrap().to_lowercase();
        let (status, found) = app
            .page_with(
                &admin,
                &format!("/{lang}/manage/audit?subject={}", typed.replace(' ', "+")),
            )
            .await;
        assert_eq!(status, 200);
        let found = text_of(&found[found.find("<table").unwrap()..]);
        assert!(found.contains(&summary), "{lang}: {typed}");
        assert!(!found.contains(logged_in), "{lang}: {typed} found logins");
        // The CSV keeps the stored codes and JSON.
        let csv = admin
            .get(app.url(&format!("/{lang}/manage/audit.csv?action=measure_taken")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(csv.contains(&format!("measure {id}")), "{lang}");
        assert!(
            csv.contains("\"\"kind\"\":\"\"withhold\"\""),
            "{lang}: {csv}"
        );
    }
}

#[tokio::test]
async fn the_console_names_languages_and_roles_in_words_and_shows_measures_in_force_early() {
    let app = spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let boss = app.manager("beheer@partnerlink.nl").await;
    let anna = app.add_ready_publisher("anna@example.nl");
    taken(
        &app,
        &admin,
        anna.participant_id,
        Measure::warning(&["E.10.i"], "Brand bidding seen."),
    )
    .await;
    for (lang, language, administrator, manager_role, warning) in [
        (
            "en",
            "Language Dutch",
            "logged in as an administrator",
            "logged in as an account manager",
            "Written warning",
        ),
        (
            "nl",
            "Taal Nederlands",
            "ingelogd als beheerder",
            "ingelogd als accountmanager",
            "Schriftelijke waarschuwing",
        ),
    ] {
        let (_, page) = app
            .page_with(
                &boss,
                &format!("/{lang}/manage/participants/{}", anna.participant_id),
            )
            .await;
        assert!(text_of(&page).contains(language), "{lang}: {language}");
        let (_, home) = app.page_with(&admin, &format!("/{lang}/manage")).await;
        assert!(text_of(&home).contains(administrator), "{lang}");
        assert!(!text_of(&home).contains(manager_role), "{lang}");
        let (_, home) = app.page_with(&boss, &format!("/{lang}/manage")).await;
        assert!(text_of(&home).contains(manager_role), "{lang}");
        // The list: the measures in force right after the participant, each cell named for
        // the phone's layout.
        let (_, list) = app
            .page_with(&boss, &format!("/{lang}/manage/participants"))
            .await;
        let table = &list[list.find("<table").unwrap()..list.find("</table>").unwrap()];
        let headers: Vec<&str> = table
            .split("<th scope=\"col\"")
            .skip(1)
            .map(|h| &h[h.find('>').unwrap() + 1..h.find("</th>").unwrap()])
            .collect();
        assert!(headers.len() <= 6, "{lang}: {headers:?}");
        let open = if lang == "nl" {
            "Maatregelen van kracht"
        } else {
            "Measures in force"
        };
        assert_eq!(headers.get(1).copied(), Some(open), "{lang}: {headers:?}");
        let row = &table[table.find("<tbody>").unwrap()..];
        let cells: Vec<&str> = row.split("<td").skip(1).collect();
        assert!(cells[1].contains(warning), "{lang}: {}", cells[1]);
        assert!(
            cells.iter().all(|c| c.contains("data-label=\"")),
            "{lang}: a cell without its column's name"
        );
    }
}
