//! Issue 22, point 4 (G.12: "any enforcement actions"): a participant objects, with the same
//! claim period, evidence and decision period, to a rejected, reversed or held commission, a
//! rejected channel, a registration ban — not only to a measure. Upheld by another account
//! manager, the action is undone the way that fits it, once, with audit lines. An administrator
//! reinstates a terminated participant at any time.

use crate::common;
use crate::common::{MembershipState, ReviewState};
use portal::db::ids::{AccountId, AnyId, CommissionId, ObjectionId};

use crate::common::enforcement::{object, objection_to, take, SubjectKind, PDF};
use crate::common::money::{balance, click, pass_locking_dates, report, secret, send};
use crate::common::{csrf_token, spawn_app, Participant, TestApp};
use diesel::prelude::*;
use portal::db::schema::{
    channels, commissions, ledger_entries, objections, participants, registration_bans,
};
use portal::ledger::decide::{self, Action};

/// Completed orders of 100.00 through one click on Anna's channel (commission 7.00 each); their
/// commissions' ids.
async fn orders(app: &TestApp, anna: &Participant, refs: &[&str]) -> Vec<CommissionId> {
    use portal::db::schema::conversions;
    let key = secret(app);
    let (click_id, at) = click(app, anna.channel_id).await;
    let mut ids = Vec::new();
    for order_ref in refs {
        let mut body = report(&click_id, order_ref, "100.00", &at);
        body["status"] = "completed".into();
        let (status, answer) = send(app, &key, &body).await;
        assert_eq!(status, 201, "{answer}");
        ids.push(
            commissions::table
                .inner_join(conversions::table)
                .filter(conversions::order_ref.eq(order_ref))
                .filter(commissions::kind.eq("order"))
                .select(commissions::id)
                .first(&mut *app.conn())
                .unwrap(),
        );
    }
    ids
}

/// One such order.
async fn order(app: &TestApp, anna: &Participant, order_ref: &str) -> CommissionId {
    orders(app, anna, &[order_ref]).await[0]
}

fn decide_commission(app: &TestApp, id: CommissionId, action: Action, manager: AccountId) {
    let why = (action != Action::Release).then_some("Bestelling niet bij ons bekend");
    decide::decide(&mut app.conn(), id, action, why, manager, portal::db::now()).unwrap();
}

fn state_of(app: &TestApp, id: CommissionId) -> (String, bool) {
    commissions::table
        .find(id)
        .select((commissions::state, commissions::held))
        .first(&mut *app.conn())
        .unwrap()
}

/// Files an objection from the action's own page, as the browser does.
async fn object_to(
    app: &TestApp,
    client: &reqwest::Client,
    lang: &str,
    kind: &str,
    id: impl AnyId,
) -> reqwest::Response {
    let id = id.number();
    let page = format!("/{lang}/account/objections/{kind}/{id}");
    object(
        app,
        client,
        &page,
        &page,
        "The order was real; here is the receipt.",
        &[("receipt.pdf", "application/pdf", PDF)],
    )
    .await
}

/// Decides objection `id` from the console's objections page, as a manager's browser does.
async fn decide_objection(
    app: &TestApp,
    manager: &reqwest::Client,
    id: ObjectionId,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (_, html) = app.page_with(manager, "/en/manage/objections").await;
    let token = csrf_token(&html).expect("a csrf token");
    let mut body: Vec<(&str, &str)> = vec![("csrf_token", &token)];
    body.extend_from_slice(fields);
    manager
        .post(app.url(&format!("/en/manage/objections/{id}/decision")))
        .form(&body)
        .send()
        .await
        .unwrap()
}

/// An account manager, logged in.
const UPHELD: &[(&str, &str)] = &[("decision", "upheld"), ("reason", "The receipt shows it.")];

#[tokio::test]
async fn an_upheld_objection_to_a_rejected_commission_approves_it_once_in_both_languages() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let boss = app.add_manager("beheer@partnerlink.nl");
    let colleague = app.manager("collega@partnerlink.nl").await;
    let id = order(&app, &anna, "R-1").await;
    decide_commission(&app, id, Action::Reject, boss);
    let client = app.client_for(&anna.email).await;

    // "Object" with its deadline, next to the rejected commission, in both languages.
    let (_, en) = app
        .page_with(&client, "/en/account/commissions/conversions")
        .await;
    assert!(en.contains("Object (until"), "{en}");
    assert!(en.contains("Hong Kong time"), "{en}");
    assert!(en.contains(&format!("/en/account/objections/commission/{id}")));
    let (_, nl) = app
        .page_with(&client, "/nl/account/commissions/conversions")
        .await;
    assert!(nl.contains("Bezwaar maken (tot en met"), "{nl}");

    let r = object_to(&app, &client, "nl", "commission", id).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = app
        .page_with(&client, &format!("/nl/account/objections/commission/{id}"))
        .await;
    assert!(page.contains("U hebt op"), "the objection is shown: {page}");
    assert!(page.contains("beslist uiterlijk"), "{page}");

    let objection = objection_to(&app, SubjectKind::Commission, id);
    let r = decide_objection(&app, &colleague, objection, UPHELD).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(state_of(&app, id), ("approved".into(), false));
    assert_eq!(balance(&app, anna.participant_id), 700);
    // Deciding again changes nothing: the commission is paid once.
    let r = decide_objection(&app, &colleague, objection, UPHELD).await;
    assert!(common::location(&r).contains("objection-already-decided"));
    assert_eq!(balance(&app, anna.participant_id), 700);
    // Anna is told in her language (Dutch), with the action in words and a link to it.
    let mail = app.smtp().wait_for(&anna.email, 0).await;
    assert!(
        mail.subject()
            .contains("Commissie op bestelling R-1 afgewezen"),
        "{}",
        mail.subject()
    );
    assert!(mail.text().contains("gegrond verklaard"), "{}", mail.text());
    assert!(mail
        .text()
        .contains(&format!("/nl/account/objections/commission/{id}")));
    let line = common::audit::only(&app, "commission_decided");
    assert!(
        line.subject.contains(&format!("commission {id}")),
        "{line:?}"
    );

    let (_, en) = app
        .page_with(&client, &format!("/en/account/objections/commission/{id}"))
        .await;
    assert!(en.contains("Your objection was upheld"), "{en}");
}

#[tokio::test]
async fn a_rejected_commission_may_go_back_to_pending_when_the_manager_picks_it() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let boss = app.add_manager("beheer@partnerlink.nl");
    let colleague = app.manager("collega@partnerlink.nl").await;
    let id = order(&app, &anna, "R-2").await;
    decide_commission(&app, id, Action::Reject, boss);
    let client = app.client_for(&anna.email).await;
    assert_eq!(
        object_to(&app, &client, "en", "commission", id)
            .await
            .status(),
        303
    );
    let objection = objection_to(&app, SubjectKind::Commission, id);
    let mut fields = UPHELD.to_vec();
    fields.push(("restore", "pending"));
    assert_eq!(
        decide_objection(&app, &colleague, objection, &fields)
            .await
            .status(),
        303
    );
    assert_eq!(state_of(&app, id), ("pending".into(), false));
    assert_eq!(balance(&app, anna.participant_id), 0);
    pass_locking_dates(&app);
    assert_eq!(state_of(&app, id), ("approved".into(), false));
    assert_eq!(balance(&app, anna.participant_id), 700);
}

#[tokio::test]
async fn an_upheld_objection_to_a_held_commission_releases_it() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let colleague = app.manager("collega@partnerlink.nl").await;
    // Anna logs in from the address the click comes from: the order is held (E.10.j).
    let client = app.client_for(&anna.email).await;
    let id = order(&app, &anna, "H-1").await;
    assert_eq!(state_of(&app, id), ("pending".into(), true));
    let (_, page) = app
        .page_with(&client, &format!("/en/account/objections/commission/{id}"))
        .await;
    assert!(page.contains("held for review"), "{page}");
    assert_eq!(
        object_to(&app, &client, "en", "commission", id)
            .await
            .status(),
        303
    );
    pass_locking_dates(&app);
    assert_eq!(state_of(&app, id), ("pending".into(), true), "still held");
    let objection = objection_to(&app, SubjectKind::Commission, id);
    assert_eq!(
        decide_objection(&app, &colleague, objection, UPHELD)
            .await
            .status(),
        303
    );
    // Released past its final date: approved at once, in the ledger once.
    assert_eq!(state_of(&app, id), ("approved".into(), false));
    assert_eq!(balance(&app, anna.participant_id), 700);
}

#[tokio::test]
async fn an_upheld_objection_to_a_reversal_gives_back_what_it_took_once() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let boss = app.add_manager("beheer@partnerlink.nl");
    let colleague = app.manager("collega@partnerlink.nl").await;
    let id = order(&app, &anna, "V-1").await;
    pass_locking_dates(&app);
    assert_eq!(balance(&app, anna.participant_id), 700);
    decide_commission(&app, id, Action::Reverse, boss);
    assert_eq!(balance(&app, anna.participant_id), 0);
    // Without an upheld objection the database refuses to put it back.
    let refused = diesel::sql_query(format!(
        "UPDATE commissions SET state = 'approved' WHERE id = {id}"
    ))
    .execute(&mut *app.conn());
    assert!(refused.is_err(), "a reversal undone without an objection");
    let client = app.client_for(&anna.email).await;
    assert_eq!(
        object_to(&app, &client, "en", "commission", id)
            .await
            .status(),
        303
    );
    let objection = objection_to(&app, SubjectKind::Commission, id);
    assert_eq!(
        decide_objection(&app, &colleague, objection, UPHELD)
            .await
            .status(),
        303
    );
    assert_eq!(state_of(&app, id), ("approved".into(), false));
    assert_eq!(balance(&app, anna.participant_id), 700);
    let given_back: Vec<i64> = ledger_entries::table
        .filter(ledger_entries::objection_id.eq(objection))
        .select(ledger_entries::amount)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(given_back, [700]);
    assert_eq!(
        decide_objection(&app, &colleague, objection, UPHELD)
            .await
            .status(),
        303
    );
    assert_eq!(balance(&app, anna.participant_id), 700, "never twice");
}

#[tokio::test]
async fn an_upheld_objection_to_a_rejected_channel_approves_it() {
    let app = spawn_app().await;
    let anna = app.add_publisher("anna@example.nl", ReviewState::Rejected);
    app.sql(&format!(
        "UPDATE channels SET review_reason = 'Geen eigen inhoud', reviewed_at = created_at WHERE id = {}",
        anna.channel_id
    ));
    let colleague = app.manager("collega@partnerlink.nl").await;
    let client = app.client_for(&anna.email).await;
    let (_, list) = app.page_with(&client, "/en/account/channels").await;
    let link = format!("/en/account/objections/channel/{}", anna.channel_id);
    assert!(list.contains(&link), "{list}");
    assert_eq!(
        object_to(&app, &client, "en", "channel", anna.channel_id)
            .await
            .status(),
        303
    );
    let objection = objection_to(&app, SubjectKind::Channel, anna.channel_id);
    assert_eq!(
        decide_objection(&app, &colleague, objection, UPHELD)
            .await
            .status(),
        303
    );
    let state: String = channels::table
        .find(anna.channel_id)
        .select(channels::review_state)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(state, "approved");
    let line = common::audit::only(&app, "channel_review");
    assert!(line
        .subject
        .contains(&format!("channel {}", anna.channel_id)));
}

#[tokio::test]
async fn an_upheld_objection_to_a_registration_ban_lifts_it() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let colleague = app.manager("collega@partnerlink.nl").await;
    let client = app.client_for(&anna.email).await;
    // An administrator bans the domain of Anna's channel from the ban list (no measure).
    let ban = app.add_ban("anna-example.nl", "Spam");
    let (_, list) = app.page_with(&client, "/nl/account/objections").await;
    assert!(
        list.contains("Registratieverbod op anna-example.nl"),
        "{list}"
    );
    assert_eq!(
        object_to(&app, &client, "nl", "ban", ban).await.status(),
        303
    );
    let objection = objection_to(&app, SubjectKind::Ban, ban);
    assert_eq!(
        decide_objection(&app, &colleague, objection, UPHELD)
            .await
            .status(),
        303
    );
    let lifted: Option<chrono::NaiveDateTime> = registration_bans::table
        .find(ban)
        .select(registration_bans::lifted_at)
        .first(&mut *app.conn())
        .unwrap();
    assert!(lifted.is_some());
    common::audit::only(&app, "ban_lifted");
}

#[tokio::test]
async fn an_objection_after_the_claim_period_is_refused_with_a_clear_message() {
    let app = spawn_app().await;
    let anna = app.add_publisher("anna@example.nl", ReviewState::Rejected);
    // Rejected a month ago: the 5 working days are over.
    app.sql(&format!(
        "UPDATE channels SET reviewed_at = created_at WHERE id = {}",
        anna.channel_id
    ));
    app.age("channels", &["reviewed_at"], 30 * 86_400);
    let client = app.client_for(&anna.email).await;
    for (lang, text) in [
        ("en", "The period to object has ended"),
        ("nl", "De termijn om bezwaar te maken is verlopen"),
    ] {
        let page = format!("/{lang}/account/objections/channel/{}", anna.channel_id);
        let (status, html) = app.page_with(&client, &page).await;
        assert_eq!(status, 200);
        assert!(
            !html.contains("name=\"evidence\""),
            "no form after the period"
        );
        let r = object_to(&app, &client, lang, "channel", anna.channel_id).await;
        assert_eq!(r.status().as_u16(), 409);
        let body = r.text().await.unwrap();
        assert!(body.contains(text), "{lang}: {body}");
    }
    let count: i64 = objections::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn another_participants_commission_is_not_found() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let bert = app.add_ready_publisher("bert@example.nl");
    let boss = app.add_manager("beheer@partnerlink.nl");
    let id = order(&app, &anna, "R-3").await;
    decide_commission(&app, id, Action::Reject, boss);
    let bert_client = app.client_for(&bert.email).await;
    let page = format!("/en/account/objections/commission/{id}");
    let (status, _) = app.page_with(&bert_client, &page).await;
    assert_eq!(status, 404);
    // Bert posts to Anna's commission with a form token of his own page.
    let r = object(
        &app,
        &bert_client,
        "/en/account/objections",
        &page,
        "Mine",
        &[("receipt.pdf", "application/pdf", PDF)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 404);
    let count: i64 = objections::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(count, 0);
}

/// Two managers deciding the same objection at the same moment: one decision applies, the
/// other is told it was decided, and the commission is paid once.
#[tokio::test]
async fn two_managers_deciding_one_objection_at_once_decide_once() {
    use portal::enforcement::objections::{decide as decide_objection_now, DecideError, Decided};
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let boss = app.add_manager("beheer@partnerlink.nl");
    let first = app.add_manager("een@partnerlink.nl");
    let second = app.add_manager("twee@partnerlink.nl");
    const ROUNDS: usize = 4;
    let refs: Vec<String> = (0..ROUNDS).map(|n| format!("C-{n}")).collect();
    let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
    let rejected = orders(&app, &anna, &refs).await;
    for id in &rejected {
        decide_commission(&app, *id, Action::Reject, boss);
    }
    let client = app.client_for(&anna.email).await;
    let mut ids = Vec::new();
    for id in rejected {
        assert_eq!(
            object_to(&app, &client, "en", "commission", id)
                .await
                .status(),
            303
        );
        ids.push((id, objection_to(&app, SubjectKind::Commission, id)));
    }
    for (n, (id, objection)) in ids.iter().enumerate() {
        type Job<'a> = common::Job<'a, Result<Decided, DecideError>>;
        let jobs: Vec<Job> = [(first, n % 2 == 0), (second, n % 2 == 1)]
            .into_iter()
            .map(|(manager, upheld)| -> Job {
                Box::new(move |conn| {
                    let actor = portal::audit::Actor {
                        id: Some(manager),
                        name: format!("manager {manager}"),
                        ip_hash: None,
                    };
                    let now = portal::db::now();
                    decide_objection_now(conn, &actor, *objection, upheld, None, "Besloten", now)
                })
            })
            .collect();
        let results = app.at_once(jobs);
        let decided = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(decided, 1, "round {n}: {results:?}");
        assert!(
            results
                .iter()
                .any(|r| matches!(r, Err(DecideError::Decided))),
            "round {n}: {results:?}"
        );
        let decision: Option<String> = objections::table
            .find(objection)
            .select(objections::decision)
            .first(&mut *app.conn())
            .unwrap();
        let (state, _) = state_of(&app, *id);
        let paid: Vec<i64> = ledger_entries::table
            .filter(ledger_entries::commission_id.eq(id))
            .select(ledger_entries::amount)
            .load(&mut *app.conn())
            .unwrap();
        match decision.as_deref() {
            Some("upheld") => {
                assert_eq!(state, "approved", "round {n}");
                assert_eq!(paid, [700], "round {n}");
            }
            _ => {
                assert_eq!(state, "rejected", "round {n}");
                assert!(paid.is_empty(), "round {n}");
            }
        }
    }
}

/// A termination whose claim period has passed can still be ended: an administrator
/// reinstates the participant, with a reason, and the audit log says so.
#[tokio::test]
async fn an_administrator_reinstates_a_terminated_participant_after_the_claim_period() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let manager = app.manager("beheer@partnerlink.nl").await;
    let r = take(
        &app,
        &manager,
        anna.participant_id,
        &[
            ("kind", "terminate"),
            ("clauses", "E.10.c"),
            ("reason", "Merkbieden op AliExpress."),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    app.age("measures", &["taken_at"], 60 * 86_400);
    app.sql("UPDATE measures SET claim_until = '2026-01-09'");
    let admin = app.administrator("baas@partnerlink.nl").await;
    let page = format!("/nl/manage/participants/{}", anna.participant_id);
    let (_, html) = app.page_with(&admin, &page).await;
    assert!(html.contains("Deelnemer herstellen"), "{html}");
    let token = csrf_token(&html).unwrap();
    let action = app.url(&format!(
        "/nl/manage/participants/{}/reinstate",
        anna.participant_id
    ));
    // Without a reason: refused, the message next to the field, in the reader's language.
    for (lang, message) in [
        ("nl", "Geef de reden voor het herstel"),
        ("en", "Give the reason for reinstating"),
    ] {
        let action = action.replace("/nl/", &format!("/{lang}/"));
        let r = admin
            .post(&action)
            .form(&[("csrf_token", token.as_str()), ("reason", "  ")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(body.contains("id=\"reason-error\""), "{body}");
        assert!(body.contains(message), "{lang}: {body}");
    }
    let r = admin
        .post(&action)
        .form(&[
            ("csrf_token", token.as_str()),
            ("reason", "Uitgelegd aan de telefoon."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let terminated: Option<chrono::NaiveDateTime> = participants::table
        .find(anna.participant_id)
        .select(participants::terminated_at)
        .first(&mut *app.conn())
        .unwrap();
    assert!(terminated.is_none());
    let line = common::audit::only(&app, "participant_reinstated");
    common::audit::assert_by(&app, &line, "baas@partnerlink.nl");
    assert!(
        line.after
            .as_deref()
            .unwrap_or_default()
            .contains("Uitgelegd aan de telefoon."),
        "{line:?}"
    );
    // She can log in again.
    app.client_for(&anna.email).await;
}

#[tokio::test]
async fn an_account_manager_who_is_no_administrator_cannot_reinstate() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    app.terminate(anna.participant_id);
    let manager = app.manager("beheer@partnerlink.nl").await;
    let (_, html) = app.page_with(&manager, "/en/manage/participants").await;
    let token = csrf_token(&html).unwrap_or_default();
    let r = manager
        .post(app.url(&format!(
            "/en/manage/participants/{}/reinstate",
            anna.participant_id
        )))
        .form(&[("csrf_token", token.as_str()), ("reason", "Toch maar niet")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let terminated: Option<chrono::NaiveDateTime> = participants::table
        .find(anna.participant_id)
        .select(participants::terminated_at)
        .first(&mut *app.conn())
        .unwrap();
    assert!(terminated.is_some());
}

/// A banned participant cannot log in (F.11.g), so the login page — once the password is right
/// — links to the ban's objection page; the objection filed there, upheld, lets it log in again.
#[tokio::test]
async fn a_banned_participant_objects_by_the_link_the_login_page_gives() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let colleague = app.manager("collega@partnerlink.nl").await;
    let ban = app.add_ban("anna@example.nl", "Spam");
    let browser = app.new_client();
    let r = app
        .log_in_password(&browser, "nl", &anna.email, common::PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    let marker = format!("href=\"/nl/objection/ban/{ban}/");
    let at = html.find(&marker).expect("a link to object to the ban") + 6;
    let link = html[at..at + html[at..].find('"').unwrap()].to_owned();
    assert!(html.contains("Bezwaar maken tegen het verbod"), "{html}");
    // A wrong key is no link.
    let forged = format!("/nl/objection/ban/{ban}/{}", "0".repeat(32));
    assert_eq!(app.page_with(&browser, &forged).await.0, 404);
    let r = object(
        &app,
        &browser,
        &link,
        &link,
        "Mijn adres is nooit voor spam gebruikt.",
        &[("bewijs.pdf", "application/pdf", PDF)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(common::location(&r).contains("notice=objection-filed"));
    let objection = objection_to(&app, SubjectKind::Ban, ban);
    assert_eq!(
        decide_objection(&app, &colleague, objection, UPHELD)
            .await
            .status(),
        303
    );
    let r = app
        .log_in_password(&app.new_client(), "nl", &anna.email, common::PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303, "logged in again");
}

/// Four eyes (G.12): the manager who rejected a commission is not offered the decision on the
/// objection to it, and is refused (403) if it sends one; another manager decides.
#[tokio::test]
async fn the_manager_who_rejected_a_commission_does_not_decide_the_objection_to_it() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let boss_client = app.manager("beheer@partnerlink.nl").await;
    let boss = app.account_id("beheer@partnerlink.nl");
    let colleague = app.manager("collega@partnerlink.nl").await;
    let id = order(&app, &anna, "F-1").await;
    decide_commission(&app, id, Action::Reject, boss);
    let client = app.client_for(&anna.email).await;
    assert_eq!(
        object_to(&app, &client, "en", "commission", id)
            .await
            .status(),
        303
    );
    let objection = objection_to(&app, SubjectKind::Commission, id);
    let (_, page) = app.page_with(&boss_client, "/en/manage/objections").await;
    assert!(!page.contains(&format!("/manage/objections/{objection}/decision")));
    let r = decide_objection(&app, &boss_client, objection, UPHELD).await;
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(state_of(&app, id), ("rejected".into(), false));
    let r = decide_objection(&app, &colleague, objection, UPHELD).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(state_of(&app, id), ("approved".into(), false));
}

#[tokio::test]
async fn an_upheld_objection_to_a_rejected_membership_approves_it() {
    use portal::db::schema::memberships;
    let app = spawn_app().await;
    let anna = app.add_publisher("anna@example.nl", ReviewState::Approved);
    let membership = app.add_membership(anna.channel_id, MembershipState::Rejected);
    app.sql(&format!(
        "UPDATE memberships SET reason = 'Te weinig bezoekers', decided_at = applied_at WHERE id = {membership}"
    ));
    let colleague = app.manager("collega@partnerlink.nl").await;
    let client = app.client_for(&anna.email).await;
    let (_, list) = app.page_with(&client, "/nl/account/channels").await;
    let link = format!("/nl/account/objections/membership/{membership}");
    assert!(list.contains(&link), "{list}");
    assert!(list.contains("Bezwaar maken (tot en met"), "{list}");
    assert_eq!(
        object_to(&app, &client, "nl", "membership", membership)
            .await
            .status(),
        303
    );
    let objection = objection_to(&app, SubjectKind::Membership, membership);
    assert_eq!(
        decide_objection(&app, &colleague, objection, UPHELD)
            .await
            .status(),
        303
    );
    let state: String = memberships::table
        .find(membership)
        .select(memberships::state)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(state, "approved");
    common::audit::only(&app, "membership_review");
}
