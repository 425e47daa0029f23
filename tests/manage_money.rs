//! The account managers' money pages: decisions on commissions, the CSV import, payout runs and
//! the API secret.

mod common;

use common::money::{balance, click, pass_locking_dates, report, secret, send};
use common::{csrf_token, location, spawn_app, TestApp};
use diesel::prelude::*;
use portal::db::schema::{commissions, conversions, ledger_entries};

async fn manager(app: &TestApp) -> reqwest::Client {
    app.add_manager("beheer@partnerlink.nl");
    app.client_for("beheer@partnerlink.nl").await
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
    let app = spawn_app().await;
    let boss = manager(&app).await;
    let anna = app.add_ready_publisher("anna@example.nl");
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
}

#[tokio::test]
async fn a_held_commission_is_approved_once_a_manager_releases_it() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    app.client_for("anna@example.nl").await; // logs in from the address the click comes from
    let boss = manager(&app).await;
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let mut order = report(&click_id, "H-1", "100.00", &at);
    order["status"] = "completed".into();
    send(&app, &key, &order).await;
    pass_locking_dates(&app);
    assert_eq!(balance(&app, anna.participant_id), 0);
    let (_, page) = app.page_with(&boss, "/en/manage/conversions").await;
    assert!(page.contains("Release the hold: not a self-purchase"));
    let r = decide(&app, &boss, commission_id(&app), "release", "").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(balance(&app, anna.participant_id), 700);
}

const HEADER: &str = "programme,click_id,order_ref,order_amount,currency,commission_group,coupon_redeemed,status,returned_amount,occurred_at\n";

async fn upload(app: &TestApp, client: &reqwest::Client, csv: String) -> reqwest::Response {
    let (_, page) = app.page_with(client, "/nl/manage/conversions/import").await;
    let token = csrf_token(&page).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("conversies.csv"),
        );
    client
        .post(app.url("/nl/manage/conversions/import"))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn stored(app: &TestApp) -> i64 {
    conversions::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

#[tokio::test]
async fn an_import_is_previewed_line_by_line_and_stores_all_or_nothing_once() {
    let app = spawn_app().await;
    let boss = manager(&app).await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let (click_id, at) = click(&app, anna.channel_id).await;
    let bad = format!(
        "{HEADER}aliexpress,{click_id},I-1,129.95,EUR,sales,false,completed,,{at}\n\
         aliexpress,{click_id},I-2,12.95,EUR,shoes,false,completed,,{at}\n"
    );
    let r = upload(&app, &boss, bad).await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("1 regels hebben een fout"), "{page}");
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
    let r = app
        .submit_with(
            &boss,
            "/nl/manage/conversions/import",
            "/nl/manage/conversions/import/confirm",
            &[("content", good.as_str())],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    assert_eq!(stored(&app), 2);
    // The same file again stores nothing new.
    let r = app
        .submit_with(
            &boss,
            "/nl/manage/conversions/import",
            "/nl/manage/conversions/import/confirm",
            &[("content", good.as_str())],
        )
        .await;
    assert!(
        location(&r).contains("created=0&updated=0&unchanged=2"),
        "{}",
        location(&r)
    );
    assert_eq!(stored(&app), 2);
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
    let boss = manager(&app).await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let mut order = report(&click_id, "B-1", "500.00", &at);
    order["status"] = "completed".into();
    send(&app, &key, &order).await;
    pass_locking_dates(&app);
    portal::ledger::payouts::set_bank_account(
        &mut app.conn(),
        anna.participant_id,
        &portal::domain::Iban::parse("NL91ABNA0417164300").unwrap(),
        "Anna",
        portal::db::now(),
    )
    .unwrap();
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
    let app = spawn_app().await;
    let boss = manager(&app).await;
    let anna = app.add_ready_publisher("anna@example.nl");
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
    let r = app
        .submit_with(
            &boss,
            "/nl/manage/conversions/import",
            "/nl/manage/conversions/import/confirm",
            &[("content", csv.as_str())],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(stored(&app), 2000);
}

#[tokio::test]
async fn a_decision_with_an_unknown_action_or_an_overlong_reason_is_refused_with_its_words_kept() {
    let app = spawn_app().await;
    let boss = manager(&app).await;
    let anna = app.add_ready_publisher("anna@example.nl");
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
