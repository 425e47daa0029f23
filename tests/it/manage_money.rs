//! The account managers' money pages: decisions on commissions, the CSV import, payout runs and
//! the API secret.

use crate::common;
use crate::common::fixtures::manager_and_anna;
use portal::db::ids::SecretId;

use crate::common::audit;
use crate::common::money::{
    balance, bank, click, pass_locking_dates, report, secret, send, stored_conversions as stored,
    upload_import as upload, IMPORT_HEADER as HEADER,
};
use crate::common::{location, spawn_app, TestApp};
use diesel::prelude::*;
use portal::db::schema::{commissions, conversions, ledger_entries};

/// An account manager who is also an administrator: releases holds, runs payouts and makes the
/// conversion API's secret (separation of duties).
async fn treasurer(app: &TestApp) -> reqwest::Client {
    app.administrator("beheer@partnerlink.nl").await
}

fn commission_id(app: &TestApp) -> i64 {
    commissions::table
        .filter(commissions::kind.eq("order"))
        .order(commissions::id.desc())
        .select(commissions::id)
        .first(&mut *app.conn())
        .unwrap()
}

async fn decide(
    app: &TestApp,
    client: &reqwest::Client,
    id: i64,
    action: &str,
    reason: &str,
) -> reqwest::Response {
    let path = "/en/manage/conversions";
    app.submit_with(
        client,
        path,
        &format!("/en/manage/commissions/{id}/decision"),
        &[("action", action), ("reason", reason)],
    )
    .await
}

#[tokio::test]
async fn a_manager_rejects_and_reverses_with_a_reason_the_participant_reads() {
    let (app, boss, anna) = manager_and_anna().await;
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    send(&app, &key, &report(&click_id, "P-1", "100.00", &at)).await;
    // (Sent before Anna logs in from this machine, which would hold it as a self-purchase.)
    let mut approved = report(&click_id, "P-2", "200.00", &at);
    approved["status"] = "completed".into();

    // A reason is required; the page says so next to the field.
    let id = commission_id(&app);
    send(&app, &key, &approved).await;
    let r = decide(&app, &boss, id, "reject", "  ").await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"reason-") && page.contains("aria-invalid=\"true\""));
    assert!(page.contains("Give the reason for the rejection."));
    let r = decide(
        &app,
        &boss,
        id,
        "reject",
        "Order from a test account (E.10.j)",
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).contains("notice=commission-decided"));
    // Deciding it again finds it decided.
    let r = decide(&app, &boss, id, "reject", "again").await;
    assert!(location(&r).contains("notice=commission-gone"));

    let anna_browser = app.client_for("anna@example.nl").await;
    let (_, page) = app
        .page_with(&anna_browser, "/en/account/commissions/conversions")
        .await;
    assert!(
        page.contains("Order from a test account (E.10.j)"),
        "{page}"
    );

    // An approved commission reversed: a new negative ledger row, the original untouched.
    pass_locking_dates(&app);
    assert_eq!(balance(&app, anna.participant_id), 1400);
    let id = commission_id(&app);
    let r = decide(&app, &boss, id, "reverse", "Fraudulent order").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(balance(&app, anna.participant_id), 0);
    let rows: Vec<(String, i64)> = ledger_entries::table
        .order(ledger_entries::id)
        .select((ledger_entries::kind, ledger_entries::amount))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(
        rows,
        [("commission".into(), 1400), ("reversal".into(), -1400)]
    );
    let (_, ledger) = app
        .page_with(&anna_browser, "/en/account/commissions/ledger")
        .await;
    assert!(ledger.contains("Order P-2 — Fraudulent order"), "{ledger}");

    // A participant is not let in; an unknown commission is a 404.
    let r = anna_browser
        .get(app.url("/en/manage/conversions"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = decide(&app, &boss, 999_999, "reject", "x").await;
    assert_eq!(r.status().as_u16(), 404);

    // Two decisions in the audit log (none for the refused, repeated or unknown ones), each by
    // the manager from this machine, with the action and the reason.
    let lines = audit::lines(&app, "commission_decided");
    assert_eq!(lines.len(), 2, "{lines:?}");
    for (line, (action, reason)) in lines.iter().zip([
        ("reject", "Order from a test account (E.10.j)"),
        ("reverse", "Fraudulent order"),
    ]) {
        audit::assert_by(&app, line, "beheer@partnerlink.nl");
        assert_eq!(line.participant_id, Some(anna.participant_id));
        let after = line.after.as_deref().unwrap();
        assert!(
            after.contains(&format!("\"action\":\"{action}\"")) && after.contains(reason),
            "{after}"
        );
    }
}

#[tokio::test]
async fn a_held_commission_is_approved_once_an_administrator_releases_it_and_never_by_a_plain_manager(
) {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    app.client_for("anna@example.nl").await; // logs in from the address the click comes from
    let colleague = app.manager("collega@partnerlink.nl").await;
    let boss = treasurer(&app).await;
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let mut order = report(&click_id, "H-1", "100.00", &at);
    order["status"] = "completed".into();
    send(&app, &key, &order).await;
    pass_locking_dates(&app);
    assert_eq!(balance(&app, anna.participant_id), 0);
    let (_, page) = app.page_with(&boss, "/en/manage/conversions").await;
    assert!(page.contains("Release the hold: not a self-purchase"));
    let id = commission_id(&app);
    // A plain account manager is not offered the release, and a release sent anyway is refused
    // next to the commission, in words; nothing changes.
    let (_, page) = app.page_with(&colleague, "/en/manage/conversions").await;
    assert!(!page.contains("Release the hold: not a self-purchase"));
    assert!(page.contains("H-1"));
    let r = decide(&app, &colleague, id, "release", "").await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Only an administrator can release a held commission."));
    assert_eq!(balance(&app, anna.participant_id), 0);
    assert!(audit::lines(&app, "commission_decided").is_empty());
    let r = decide(&app, &boss, id, "release", "").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(balance(&app, anna.participant_id), 700);
    let line = audit::only(&app, "commission_decided");
    audit::assert_by(&app, &line, "beheer@partnerlink.nl");
    assert_eq!(line.subject, format!("commission {id}"));
    assert_eq!(line.participant_id, Some(anna.participant_id));
    assert!(line.after.unwrap().contains("\"action\":\"release\""));
}

#[tokio::test]
async fn an_import_is_previewed_line_by_line_and_stores_all_or_nothing_once() {
    let (app, boss, anna) = manager_and_anna().await;
    let (click_id, at) = click(&app, anna.channel_id).await;
    let bad = format!(
        "{HEADER}aliexpress,{click_id},I-1,129.95,EUR,sales,false,completed,,{at}\n\
         aliexpress,{click_id},I-2,12.95,EUR,shoes,false,completed,,{at}\n"
    );
    let r = upload(&app, &boss, bad).await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("1 regel heeft een fout"), "{page}");
    assert!(
        page.contains("commission_group: Het programma heeft geen commissiegroep met deze naam.")
    );
    assert!(
        !page.contains("name=\"content\""),
        "no confirmation with a problem"
    );
    assert_eq!(stored(&app), 0, "the preview stores nothing");

    let good = format!(
        "{HEADER}aliexpress,{click_id},I-1,129.95,EUR,sales,false,completed,,{at}\n\
         aliexpress,{click_id},I-2,12.95,EUR,marketplace,false,pending,,{at}\n"
    );
    let r = upload(&app, &boss, good.clone()).await;
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Elke regel klopt: 2 nieuwe conversies"),
        "{page}"
    );
    assert_eq!(stored(&app), 0);
    let r = common::money::confirm_import(&app, &boss, &good).await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    assert_eq!(stored(&app), 2);
    // The previews wrote no audit line; the confirmation writes one, with what it stored.
    let line = audit::only(&app, "conversions_imported");
    audit::assert_by(&app, &line, "beheer@partnerlink.nl");
    assert_eq!(line.subject, "2 lines");
    assert_eq!(
        line.after.as_deref(),
        Some(r#"{"created":2,"unchanged":0,"updated":0}"#)
    );
    // The same file again stores nothing new.
    let r = common::money::confirm_import(&app, &boss, &good).await;
    assert!(
        location(&r).contains("created=0&updated=0&unchanged=2"),
        "{}",
        location(&r)
    );
    assert_eq!(stored(&app), 2);
    let lines = audit::lines(&app, "conversions_imported");
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[1].after.as_deref(),
        Some(r#"{"created":0,"unchanged":2,"updated":0}"#)
    );
    let events: i64 = portal::db::schema::commission_events::table
        .filter(portal::db::schema::commission_events::source.eq("import"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(events, 2);

    // A file that is not an import: a message next to the field.
    let r = upload(&app, &boss, "naam,bedrag\nx,1\n".into()).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("De kopregel mist een kolom"));
}

#[tokio::test]
async fn a_payout_run_from_the_console_gives_its_bank_file_and_the_secret_is_shown_once() {
    let app = spawn_app().await;
    let boss = treasurer(&app).await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let mut order = report(&click_id, "B-1", "500.00", &at);
    order["status"] = "completed".into();
    send(&app, &key, &order).await;
    pass_locking_dates(&app);
    bank(&app, anna.participant_id, "NL91ABNA0417164300", "Anna");
    let path = "/en/manage/payouts";
    let r = app
        .submit_with(&boss, path, path, &[("period", "2026-13")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Write the month as 2026-11."));
    let this_month = portal::ledger::payouts::Period::of(portal::db::now().date()).to_string();
    let r = app
        .submit_with(&boss, path, path, &[("period", this_month.as_str())])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = app.page_with(&boss, path).await;
    assert!(page.contains(&format!("pain001-{this_month}.xml")));
    let file = boss
        .get(app.url("/en/manage/payouts/1/pain001.xml"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        file.headers()["content-type"],
        "application/xml; charset=utf-8"
    );
    let xml = file.text().await.unwrap();
    assert!(xml.contains("<CtrlSum>35.00</CtrlSum>") && xml.contains("<NbOfTxs>1</NbOfTxs>"));
    assert_eq!(balance(&app, anna.participant_id), 0);
    // The run is in the audit log (the refused month wrote nothing): who, which month, what.
    let line = audit::only(&app, "payout_run");
    audit::assert_by(&app, &line, "beheer@partnerlink.nl");
    assert_eq!(line.subject, "payout run 1");
    let after = line.after.unwrap();
    assert!(
        after.contains(&format!("\"period\":\"{this_month}\""))
            && after.contains("\"payouts\":1")
            && after.contains("\"total\":\"35.00\""),
        "{after}"
    );
    // A participant cannot fetch a bank file.
    let anna_browser = app.client_for("anna@example.nl").await;
    let r = anna_browser
        .get(app.url("/en/manage/payouts/1/pain001.xml"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);

    // A new secret, shown once; the old one keeps working for now.
    let r = app
        .submit_with(&boss, path, "/en/manage/programme/secret", &[])
        .await;
    assert_eq!(r.headers()["cache-control"], "no-store");
    let page = r.text().await.unwrap();
    let at_value = page
        .find("id=\"secret\" class=\"code\" type=\"text\" readonly value=\"")
        .unwrap();
    let new_key = page[at_value..]
        .split("value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    assert!(new_key.starts_with("plsec_"));
    let (_, again) = app.page_with(&boss, path).await;
    assert!(!again.contains(&new_key));
    // The rotation is in the audit log, the secret itself is not.
    let line = audit::only(&app, "secret_rotated");
    audit::assert_by(&app, &line, "beheer@partnerlink.nl");
    assert_eq!(line.subject, format!("programme {}", app.programme_id()));
    assert_eq!(line.before, None);
    let after = line.after.unwrap();
    assert!(
        after.contains("previous_until") && !after.contains(&new_key),
        "{after}"
    );
    // The page says when the old secret stops working.
    let (_, again) = app.page_with(&boss, path).await;
    assert!(
        again.contains("The previous secret stops working on "),
        "{again}"
    );
    assert_eq!(
        send(&app, &new_key, &report(&click_id, "B-2", "10.00", &at))
            .await
            .0,
        201
    );
    assert_eq!(
        send(&app, &key, &report(&click_id, "B-3", "10.00", &at))
            .await
            .0,
        201
    );
}

#[tokio::test]
async fn a_large_import_is_confirmed_as_well_as_a_small_one() {
    let (app, boss, anna) = manager_and_anna().await;
    let (click_id, at) = click(&app, anna.channel_id).await;
    // About 200 KB: URL-encoded in the confirmation it is far more than a form usually carries.
    let mut csv = HEADER.to_owned();
    for n in 0..2000 {
        csv.push_str(&format!(
            "aliexpress,{click_id},LARGE-IMPORT-ORDER-{n:05},{}.{:02},EUR,sales,false,pending,,{at}\n",
            10 + n,
            n % 100
        ));
    }
    assert!(
        csv.len() > 200_000 && csv.len() < portal::ledger::import::FILE_LIMIT,
        "{}",
        csv.len()
    );
    let r = upload(&app, &boss, csv.clone()).await;
    assert_eq!(r.status().as_u16(), 200);
    let r = common::money::confirm_import(&app, &boss, &csv).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(stored(&app), 2000);
}

#[tokio::test]
async fn a_decision_with_an_unknown_action_or_an_overlong_reason_is_refused_with_its_words_kept() {
    let (app, boss, anna) = manager_and_anna().await;
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    send(&app, &key, &report(&click_id, "X-1", "100.00", &at)).await;
    let id = commission_id(&app);
    let r = decide(&app, &boss, id, "approve-all", "Mijn reden").await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Choose one of the actions offered for this commission."),
        "{page}"
    );
    assert!(page.contains(">Mijn reden</textarea>"));
    let long = "x".repeat(1001);
    let r = decide(&app, &boss, id, "reject", &long).await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains(&format!(">{long}</textarea>")));
    let state: String = commissions::table
        .find(id)
        .select(commissions::state)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(state, "pending");
}

#[tokio::test]
async fn the_conversions_of_one_participant_are_listed_without_anyone_elses() {
    let (app, boss, anna) = manager_and_anna().await;
    let bob = app.add_ready_publisher("bob@example.nl");
    let key = secret(&app);
    for (who, order) in [(&anna, "ANNA-ORDER-1"), (&bob, "BOB-ORDER-1")] {
        let (click_id, at) = click(&app, who.channel_id).await;
        let (status, answer) = send(&app, &key, &report(&click_id, order, "100.00", &at)).await;
        assert_eq!(status, 201, "{answer}");
    }
    let (click_id, at) = click(&app, anna.channel_id).await;
    let mut second = report(&click_id, "ANNA-ORDER-2", "40.00", &at);
    second["coupon_redeemed"] = true.into();
    assert_eq!(send(&app, &key, &second).await.0, 201);

    let (_, everyone) = app.page_with(&boss, "/en/manage/conversions").await;
    for order in ["ANNA-ORDER-1", "ANNA-ORDER-2", "BOB-ORDER-1"] {
        assert!(everyone.contains(order), "{order}");
    }
    let only_anna = format!("/en/manage/conversions?participant={}", anna.participant_id);
    let (status, page) = app.page_with(&boss, &only_anna).await;
    assert_eq!(status, 200);
    assert!(page.contains("ANNA-ORDER-1") && page.contains("ANNA-ORDER-2"));
    assert!(!page.contains("BOB-ORDER-1"), "{page}");
    assert!(page.contains(&format!(
        "<option value=\"{}\" selected>Bedrijf anna@example.nl</option>",
        anna.participant_id
    )));
    let (_, page) = app
        .page_with(
            &boss,
            &format!("/en/manage/conversions?participant={}", bob.participant_id),
        )
        .await;
    assert!(page.contains("BOB-ORDER-1") && !page.contains("ANNA-ORDER"));
    // Nobody's number: no conversions; a number that is none: everyone's.
    let (_, page) = app
        .page_with(&boss, "/en/manage/conversions?participant=999999")
        .await;
    assert!(!page.contains("ANNA-ORDER") && !page.contains("BOB-ORDER"));
    let (status, page) = app
        .page_with(&boss, "/en/manage/conversions?participant=abc")
        .await;
    assert_eq!(status, 200);
    assert!(page.contains("ANNA-ORDER-1") && page.contains("BOB-ORDER-1"));

    // A decision taken in the filtered list comes back to it.
    let anna_order: i64 = commissions::table
        .inner_join(conversions::table)
        .filter(conversions::order_ref.eq("ANNA-ORDER-1"))
        .select(commissions::id)
        .first(&mut *app.conn())
        .unwrap();
    let anna_id = anna.participant_id.to_string();
    let r = app
        .submit_with(
            &boss,
            &only_anna,
            &format!("/en/manage/commissions/{anna_order}/decision"),
            &[
                ("action", "reject"),
                ("reason", "Test order"),
                ("participant", anna_id.as_str()),
            ],
        )
        .await;
    assert_eq!(
        location(&r),
        format!(
            "/en/manage/conversions?participant={}&notice=commission-decided",
            anna.participant_id
        )
    );
}

/// `portal programme secret` run on the server, as an operator does while the portal serves.
fn secret_command(app: &TestApp, programme: &str) -> std::process::Output {
    common::binary::portal(app.database())
        .args(["programme", "secret", "--programme", programme])
        .output()
        .expect("run portal programme secret")
}

#[tokio::test]
async fn the_programme_secret_command_prints_a_new_secret_once_that_signs_accepted_conversions() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let (click_id, at) = click(&app, anna.channel_id).await;

    let output = secret_command(&app, "aliexpress");
    let (stdout, stderr) = (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    );
    assert!(output.status.success(), "{stdout}{stderr}");
    // Standard output holds the secret and nothing else; the words go to standard error.
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    let first = lines[0].to_owned();
    assert!(first.starts_with("plsec_") && first.len() > 30, "{first}");
    assert!(stderr.contains("shown once"), "{stderr}");
    assert!(!stderr.contains(&first));

    // The running portal accepts a conversion signed with it; a made-up secret is refused.
    let (status, answer) = send(&app, &first, &report(&click_id, "S-1", "100.00", &at)).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["commission"], "7.00", "{answer}");
    let forged = format!("plsec_{}", "0".repeat(first.len() - 6));
    let (status, answer) = send(&app, &forged, &report(&click_id, "S-2", "100.00", &at)).await;
    assert_eq!(status, 401);
    assert_eq!(answer["error"]["code"], "bad_signature", "{answer}");
    assert_eq!(stored(&app), 1);

    // In the audit log as the command's doing, without the secret.
    let line = audit::only(&app, "secret_rotated");
    assert_eq!(line.actor, "command: portal programme secret");
    assert_eq!((line.ip_hash, line.before, line.after), (None, None, None));

    // Run again: another secret, and the first keeps working for now.
    let output = secret_command(&app, "aliexpress");
    assert!(output.status.success());
    let second = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    assert!(second.starts_with("plsec_") && second != first);
    assert_eq!(
        send(&app, &second, &report(&click_id, "S-3", "10.00", &at))
            .await
            .0,
        201
    );
    assert_eq!(
        send(&app, &first, &report(&click_id, "S-4", "10.00", &at))
            .await
            .0,
        201
    );

    // A programme that does not exist: an error, no secret.
    let output = secret_command(&app, "bol");
    assert!(!output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("there is no programme 'bol'"));
    assert_eq!(audit::lines(&app, "secret_rotated").len(), 2);
}

/// Issue 20, separation of duties: every conversion records who entered it — the API with the
/// id of the secret that signed it (and a line in the audit log), or an import with the
/// manager — and the console says so. A plain manager cannot make or see the secret (the role
/// table in tests/roles.rs), so cannot pass as the advertiser.
#[tokio::test]
async fn every_conversion_records_who_entered_it_and_api_conversions_are_audited() {
    use portal::db::schema::programme_secrets;
    let app = spawn_app().await;
    let boss = app.manager("beheer@partnerlink.nl").await;
    let boss_id: i64 = portal::db::schema::accounts::table
        .filter(portal::db::schema::accounts::email.eq("beheer@partnerlink.nl"))
        .select(portal::db::schema::accounts::id)
        .first(&mut *app.conn())
        .unwrap();
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let secret_id: SecretId = programme_secrets::table
        .filter(programme_secrets::secret.eq(&key))
        .select(programme_secrets::id)
        .first(&mut *app.conn())
        .unwrap();
    let (click_id, at) = click(&app, anna.channel_id).await;
    let order = report(&click_id, "API-1", "100.00", &at);
    assert_eq!(send(&app, &key, &order).await.0, 201);
    // The identical request again (a retry) is no new arrival: one audit line.
    let again = report(&click_id, "API-1", "100.00", &at);
    assert_eq!(send(&app, &key, &again).await.0, 200);

    let csv = format!("{HEADER}aliexpress,{click_id},IMP-1,50.00,EUR,sales,false,pending,,{at}\n");
    assert_eq!(
        upload(&app, &boss, csv.clone()).await.status().as_u16(),
        200
    );
    let r = common::money::confirm_import(&app, &boss, &csv).await;
    assert_eq!(r.status().as_u16(), 303);

    let entered: Vec<(String, String, Option<SecretId>, Option<i64>)> = conversions::table
        .order(conversions::id)
        .select((
            conversions::order_ref,
            conversions::entered_via,
            conversions::secret_id,
            conversions::imported_by,
        ))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(
        entered,
        [
            ("API-1".into(), "api".into(), Some(secret_id), None),
            ("IMP-1".into(), "import".into(), None, Some(boss_id)),
        ]
    );
    let line = audit::only(&app, "conversion_received");
    assert_eq!(line.actor, format!("api: programme secret {secret_id}"));
    let after = line.after.unwrap();
    assert!(
        after.contains("\"order_ref\":\"API-1\"") && after.contains("\"new\":true"),
        "{after}"
    );
    // The console says who entered each, in both languages.
    let (_, page) = app.page_with(&boss, "/en/manage/conversions").await;
    assert!(
        page.contains(&format!("the advertiser&#39;s API (secret {secret_id})"))
            || page.contains(&format!("the advertiser&#x27;s API (secret {secret_id})"))
            || page.contains(&format!("the advertiser's API (secret {secret_id})")),
        "{page}"
    );
    assert!(page.contains("import by beheer@partnerlink.nl"), "{page}");
    let (_, dutch) = app.page_with(&boss, "/nl/manage/conversions").await;
    assert!(dutch.contains(&format!("de API van de adverteerder (geheim {secret_id})")));
    assert!(dutch.contains("import door beheer@partnerlink.nl"));
}
