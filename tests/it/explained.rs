//! Every decision in words, in the reader's language (issue 22, point 8): a restriction, a held
//! commission, a deduction and "why not paid yet" say what was decided, under which clause and
//! why, with the measure's notice; counts take their plural forms.

use crate::common;
use crate::common::enforcement::{take, taken, Measure, MeasureKind};
use crate::common::money::{bank, click, credit, report, secret, send, IMPORT_HEADER};
use crate::common::ReviewState;
use crate::common::{csrf_token, fixtures::manager_and_anna, spawn_app, TestApp, PASSWORD};
use chrono::Datelike;
use diesel::prelude::*;

use portal::db::schema::commissions;

/// The page's text without its tags, spaces folded, the few entities askama writes undone.
fn text_of(html: &str) -> String {
    common::text_of(html)
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// An amount of cents as the page of `lang` writes it (small amounts: no thousands).
fn euros(lang: &str, cents: i64) -> String {
    match lang {
        "nl" => format!("€ {},{:02}", cents / 100, cents % 100),
        _ => format!("€{}.{:02}", cents / 100, cents % 100),
    }
}

#[tokio::test]
async fn a_restriction_shows_its_kind_clauses_and_reason_not_its_number() {
    let app = spawn_app().await;
    let boss = app.manager("beheer@partnerlink.nl").await;
    let bob = app.add_ready_publisher("bob@example.nl");
    let membership = app.membership_of(bob.channel_id);
    let id = taken(
        &app,
        &boss,
        bob.participant_id,
        Measure::new(MeasureKind::Restrict, &["F.11.f", "E.10.l"], "Coupon site.")
            .with("restriction", "membership")
            .with("membership", &membership.to_string()),
    )
    .await;
    let browser = app.client_for("bob@example.nl").await;
    for (lang, heading, lead, reason) in [
        (
            "en",
            "Restricted collaboration (rule F.11.f) of",
            "Rules cited:",
            "Reason: Coupon site.",
        ),
        (
            "nl",
            "Beperkte samenwerking (regel F.11.f) van",
            "Aangehaalde regels:",
            "Reden: Coupon site.",
        ),
    ] {
        let (status, page) = app
            .page_with(&browser, &format!("/{lang}/account/channels"))
            .await;
        assert_eq!(status, 200);
        let words = text_of(&page);
        assert!(!words.contains(&format!("measure {id}")), "{lang}: {words}");
        assert!(
            words.contains(heading) && words.contains(lead) && words.contains(reason),
            "{lang}: {words}"
        );
        assert!(page.contains(&format!("href=\"/{lang}/account/notices/{id}\"")));
        for anchor in ["F-11-f", "E-10-l"] {
            assert!(
                page.contains(&format!(
                    "href=\"/{lang}/programmes/aliexpress/rules/v/1#{anchor}\""
                )),
                "{lang}: {anchor}"
            );
        }
    }
}

#[tokio::test]
async fn a_deduction_in_the_ledger_says_its_measure_in_words_with_its_notice() {
    let (app, boss, anna) = manager_and_anna().await;
    let id = taken(
        &app,
        &boss,
        anna.participant_id,
        Measure::new(
            MeasureKind::Deduct,
            &["F.11.d", "E.10.d"],
            "Cookie stuffing damages.",
        )
        .with("amount", "12,50"),
    )
    .await;
    let browser = app.client_for("anna@example.nl").await;
    for (lang, what, heading, reason) in [
        (
            "en",
            "Deducted by an account manager (rule F.11.d)",
            "Deduction (rule F.11.d) of",
            "Reason: Cookie stuffing damages.",
        ),
        (
            "nl",
            "Ingehouden door een accountmanager (regel F.11.d)",
            "Inhouding (regel F.11.d) van",
            "Reden: Cookie stuffing damages.",
        ),
    ] {
        let (_, page) = app
            .page_with(&browser, &format!("/{lang}/account/commissions/ledger"))
            .await;
        let words = text_of(&page);
        // The stored code is not shown as it is.
        assert!(!page.contains(">deduction<"), "{lang}");
        assert!(
            words.contains(what) && words.contains(heading) && words.contains(reason),
            "{lang}: {words}"
        );
        assert!(page.contains(&format!("href=\"/{lang}/account/notices/{id}\"")));
        assert!(page.contains(&format!(
            "href=\"/{lang}/programmes/aliexpress/rules/v/1#E-10-d\""
        )));
        // The CSV file says the same in words.
        let csv = browser
            .get(app.url(&format!("/{lang}/account/commissions/ledger.csv")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            csv.contains(what) && csv.contains(heading) && csv.contains(reason),
            "{lang}: {csv}"
        );
    }
}

#[tokio::test]
async fn a_held_commission_is_explained_as_a_hold_not_as_waiting_for_its_date() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    // Anna logs in from this machine, and the clicks come from the same address (E.10.j).
    let browser = app.client_for("anna@example.nl").await;
    let (click_id, at) = click(&app, anna.channel_id).await;
    let (_, answer) = send(&app, &key, &report(&click_id, "H-1", "100.00", &at)).await;
    assert_eq!(answer["attribution"], "self_purchase");
    let held: i64 = commissions::table
        .select(commissions::amount)
        .first(&mut *app.conn())
        .unwrap();
    for (lang, state, why, after, one_held, not_locked) in [
        (
            "en",
            "Held for review",
            "is held for review as possible self-purchase (rule E.10.j): the click came from an address your account logged in from. It does not become final on its date",
            "after the review",
            "in commissions on one order is held for review as possible self-purchase (rule E.10.j)",
            "counts once its final date has passed",
        ),
        (
            "nl",
            "Ter beoordeling aangehouden",
            "wordt ter beoordeling aangehouden als mogelijke eigen aankoop (regel E.10.j): de klik kwam van een adres waarvandaan uw account heeft ingelogd. Ze wordt niet definitief op haar datum",
            "na de beoordeling",
            "aan commissie op één bestelling wordt ter beoordeling aangehouden als mogelijke eigen aankoop (regel E.10.j)",
            "telt mee zodra de datum waarop het definitief wordt voorbij is",
        ),
    ] {
        let (_, page) = app
            .page_with(
                &browser,
                &format!("/{lang}/account/commissions/conversions"),
            )
            .await;
        let words = text_of(&page);
        assert!(
            words.contains(state) && words.contains(why) && words.contains(after),
            "{lang}: {words}"
        );
        assert!(words.contains(&euros(lang, held)), "{lang}: {words}");
        let (_, page) = app
            .page_with(&browser, &format!("/{lang}/account/commissions"))
            .await;
        let words = text_of(&page);
        assert!(
            words.contains(&format!("{} {one_held}", euros(lang, held))),
            "{lang}: {words}"
        );
        // A hold does not wait for a date: it is not said to count once its date has passed.
        assert!(!words.contains(not_locked), "{lang}: {words}");
    }

    // A second held order through the same click: the plural.
    let (_, answer) = send(&app, &key, &report(&click_id, "H-2", "50.00", &at)).await;
    assert_eq!(answer["attribution"], "self_purchase");
    for (lang, two_held) in [
        ("en", "in commissions on 2 orders are held for review"),
        (
            "nl",
            "aan commissie op 2 bestellingen wordt ter beoordeling aangehouden",
        ),
    ] {
        let (_, page) = app
            .page_with(&browser, &format!("/{lang}/account/commissions"))
            .await;
        assert!(text_of(&page).contains(two_held), "{lang}");
    }
}

/// The next payout run's date with the default `PORTAL_PAYOUT_DAY` (1): today if today is the
/// first, else the first of next month.
fn next_first(today: chrono::NaiveDate) -> chrono::NaiveDate {
    if today.day() == 1 {
        today
    } else {
        (today.with_day(1).unwrap() + chrono::Months::new(1))
            .with_day(1)
            .unwrap()
    }
}

#[tokio::test]
async fn why_not_paid_yet_names_the_next_payout_run_and_every_blocker() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let browser = app.client_for("anna@example.nl").await;
    let next = next_first(chrono::Utc::now().date_naive());
    for (lang, date, run, threshold, bank) in [
        (
            "en",
            next.format("%-d %b %Y").to_string(),
            "The next payout run is on",
            "Your balance is below the payout threshold of €25.00: €25.00 to go.",
            "We have no bank details for you yet.",
        ),
        (
            "nl",
            next.format("%d-%m-%Y").to_string(),
            "De volgende uitbetalingsronde is op",
            "Uw saldo ligt onder de uitbetalingsdrempel van € 25,00: nog € 25,00 te gaan.",
            "We hebben nog geen bankgegevens van u.",
        ),
    ] {
        let (_, page) = app
            .page_with(&browser, &format!("/{lang}/account/commissions"))
            .await;
        let words = text_of(&page);
        assert!(words.contains(&format!("{run} {date}")), "{lang}: {words}");
        assert!(
            words.contains(threshold) && words.contains(bank),
            "{lang}: {words}"
        );
    }

    // Above the threshold (approved long before the run's cutoff), with bank details: paid in
    // the next run, on its date.
    credit(
        &app,
        anna.participant_id,
        3000,
        portal::db::now() - chrono::Days::new(40),
    );
    bank(
        &app,
        anna.participant_id,
        "NL91ABNA0417164300",
        "Anna de Vries",
    );
    for (lang, paid) in [
        (
            "en",
            format!(
                "Your balance will be paid in the next payout run, on {}.",
                next.format("%-d %b %Y")
            ),
        ),
        (
            "nl",
            format!(
                "Uw saldo wordt uitbetaald bij de volgende uitbetalingsronde, op {}.",
                next.format("%d-%m-%Y")
            ),
        ),
    ] {
        let (_, page) = app
            .page_with(&browser, &format!("/{lang}/account/commissions"))
            .await;
        assert!(text_of(&page).contains(&paid), "{lang}");
    }
}

#[tokio::test]
async fn a_terminated_participant_is_told_what_becomes_of_the_money() {
    let (app, boss, anna) = manager_and_anna().await;
    let r = take(
        &app,
        &boss,
        anna.participant_id,
        &[
            ("kind", "terminate"),
            ("clauses", "F.11.e"),
            ("clauses", "E.10.c"),
            ("reason", "Fraudulent traffic."),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    for (lang, money) in [
        (
            "en",
            "Your approved balance is still paid in the payout runs once it reaches the payout threshold",
        ),
        (
            "nl",
            "Uw goedgekeurde saldo wordt nog steeds uitbetaald bij de uitbetalingsrondes",
        ),
    ] {
        let r = app
            .log_in(&app.new_client(), lang, "anna@example.nl", PASSWORD)
            .await;
        assert_eq!(r.status().as_u16(), 422, "{lang}");
        let words = text_of(&r.text().await.unwrap());
        assert!(words.contains(money), "{lang}: {words}");
    }
}

/// Uploads `csv` on the import page of `lang`; returns the preview's text.
async fn preview(app: &TestApp, client: &reqwest::Client, lang: &str, csv: String) -> String {
    let path = format!("/{lang}/manage/conversions/import");
    let (_, page) = app.page_with(client, &path).await;
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", csrf_token(&page).unwrap())
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("conversions.csv"),
        );
    let r = client
        .post(app.url(&path))
        .multipart(form)
        .send()
        .await
        .unwrap();
    text_of(&r.text().await.unwrap())
}

#[tokio::test]
async fn counts_take_their_plural_forms_in_both_languages() {
    let app = spawn_app().await;
    let boss = app.manager("beheer@partnerlink.nl").await;
    let bad = |order: &str| {
        format!("aliexpress,00,{order},twelve,EUR,sales,false,pending,,2026-11-01T10:00:00Z\n")
    };
    for (lang, one, two) in [
        ("en", "1 line has a problem.", "2 lines have a problem."),
        ("nl", "1 regel heeft een fout.", "2 regels hebben een fout."),
    ] {
        let words = preview(&app, &boss, lang, format!("{IMPORT_HEADER}{}", bad("A-1"))).await;
        assert!(words.contains(one), "{lang}: {words}");
        let words = preview(
            &app,
            &boss,
            lang,
            format!("{IMPORT_HEADER}{}{}", bad("A-1"), bad("A-2")),
        )
        .await;
        assert!(words.contains(two), "{lang}: {words}");
    }
    for (lang, one, two) in [
        ("en", "1 new conversion,", "2 new conversions,"),
        ("nl", "1 nieuwe conversie,", "2 nieuwe conversies,"),
    ] {
        for (created, expected) in [(1, one), (2, two)] {
            let (_, page) = app
                .page_with(
                    &boss,
                    &format!(
                        "/{lang}/manage/conversions?notice=import-stored&created={created}&updated=0&unchanged=0"
                    ),
                )
                .await;
            assert!(text_of(&page).contains(expected), "{lang} {created}");
        }
    }
    // The link in a mail: one hour, not "1 hours".
    assert_eq!(
        portal::i18n::Lang::En.t_counts("mail-link-validity", &[("hours", 1)], &[]),
        "The link is valid for one hour and works once."
    );
}

#[tokio::test]
async fn a_refused_application_names_the_restriction_with_its_clauses_and_reason() {
    let app = spawn_app().await;
    let boss = app.manager("beheer@partnerlink.nl").await;
    // Anna's channel is approved, without a membership: she could apply.
    let anna = app.add_publisher("anna@example.nl", ReviewState::Approved);
    let r = take(
        &app,
        &boss,
        anna.participant_id,
        &[
            ("kind", "restrict"),
            ("clauses", "F.11.f"),
            ("clauses", "B.5.a"),
            ("reason", "Until the review ends."),
            ("restriction", "applications"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let browser = app.client_for("anna@example.nl").await;
    for (lang, heading, cited, reason) in [
        (
            "en",
            "Restricted collaboration (rule F.11.f) of",
            "Rules cited: F.11.f, B.5.a",
            "Reason: Until the review ends.",
        ),
        (
            "nl",
            "Beperkte samenwerking (regel F.11.f) van",
            "Aangehaalde regels: F.11.f, B.5.a",
            "Reden: Until the review ends.",
        ),
    ] {
        let r = app
            .submit_with(
                &browser,
                &format!("/{lang}/account/channels"),
                &format!("/{lang}/account/channels/{}/apply", anna.channel_id),
                &[],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422, "{lang}");
        let words = text_of(&r.text().await.unwrap());
        assert!(
            words.contains(heading) && words.contains(cited) && words.contains(reason),
            "{lang}: {words}"
        );
    }
}

#[tokio::test]
async fn what_is_approved_after_the_next_runs_cutoff_waits_for_the_run_after() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let next = next_first(chrono::Utc::now().date_naive());
    // The next run pays the month before it: what is approved from the first of its month on
    // waits for the run after it.
    let cutoff = next.with_day(1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    credit(
        &app,
        anna.participant_id,
        3000,
        cutoff - chrono::Days::new(40),
    );
    credit(
        &app,
        anna.participant_id,
        700,
        cutoff + chrono::Duration::hours(1),
    );
    let browser = app.client_for("anna@example.nl").await;
    for (lang, waits) in [
        (
            "en",
            format!(
                "€7.00 was approved on or after {}: the run of {} pays what was approved before that day, so this waits for the run after it.",
                cutoff.format("%-d %b %Y"),
                next.format("%-d %b %Y")
            ),
        ),
        (
            "nl",
            format!(
                "€ 7,00 is goedgekeurd op of na {}: de ronde van {} betaalt wat daarvoor is goedgekeurd, dus dit wacht op de ronde daarna.",
                cutoff.format("%d-%m-%Y"),
                next.format("%d-%m-%Y")
            ),
        ),
    ] {
        let (_, page) = app
            .page_with(&browser, &format!("/{lang}/account/commissions"))
            .await;
        let words = text_of(&page);
        assert!(words.contains(&waits), "{lang}: {words}");
    }
}
