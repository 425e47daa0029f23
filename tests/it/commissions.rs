//! The publisher's Commissions tab: figures that add up to the ledger, in both languages, only
//! the participant's own, CSV exports, and the bank details form.

use crate::common;

use crate::common::money::{click, pass_locking_dates, report, secret, send};
use crate::common::{spawn_app, spawn_app_with, Options, TestApp};

/// Anna earns: one order approved (129.95 → 9.10), one pending (50.00 → 3.50), one with a coupon.
async fn anna_with_commissions(app: &TestApp) -> common::Participant {
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(app);
    let (click_id, at) = click(app, anna.channel_id).await;
    let mut approved = report(&click_id, "AE-1001", "129.95", &at);
    approved["status"] = "completed".into();
    send(app, &key, &approved).await;
    pass_locking_dates(app);
    send(app, &key, &report(&click_id, "AE-1002", "50.00", &at)).await;
    let mut coupon = report(&click_id, "=HYPERLINK(\"x\")", "10.00", &at);
    coupon["coupon_redeemed"] = true.into();
    send(app, &key, &coupon).await;
    anna
}

#[tokio::test]
async fn the_commissions_tab_shows_earnings_that_add_up_to_the_ledger_in_both_languages() {
    let app = spawn_app().await;
    anna_with_commissions(&app).await;
    let browser = app.client_for("anna@example.nl").await;

    let (status, nl) = app.page_with(&browser, "/nl/account/commissions").await;
    assert_eq!(status, 200);
    assert!(nl.contains("<h1>Commissies</h1>"));
    // Balance 9,10; pending 3,50; rejected (coupon) 0,70; threshold €25.
    assert!(nl.contains("<dd class=\"num\">€\u{a0}9,10</dd>"), "{nl}");
    assert!(nl.contains("<dd class=\"num\">€\u{a0}25,00</dd>"));
    assert!(nl.contains("<dd class=\"num\">€\u{a0}3,50</dd>"));
    assert!(nl.contains("nog €\u{a0}15,90 te gaan"), "{nl}");
    assert!(nl.contains("We hebben nog geen bankgegevens van u."));
    assert!(nl.contains("<td class=\"num\">€\u{a0}3,50</td><td class=\"num\">€\u{a0}9,10</td><td class=\"num\">€\u{a0}0,70</td><td class=\"num\">€\u{a0}0,00</td>"), "{nl}");
    // The chart is an image with a title and description, beside the table.
    assert!(nl.contains("<svg class=\"chart\" role=\"img\" aria-labelledby=\"earnings-chart-title earnings-chart-desc\""));
    // The commission table with the rate in force and since when.
    assert!(nl.contains("7 % vanaf 01-09-2015"), "{nl}");

    let (_, en) = app.page_with(&browser, "/en/account/commissions").await;
    assert!(en.contains("<dd class=\"num\">€9.10</dd>"));
    assert!(en.contains("7% from 1 Sep 2015"));

    let (_, conversions) = app
        .page_with(&browser, "/en/account/commissions/conversions")
        .await;
    assert!(conversions.contains("AE-1001") && conversions.contains("AE-1002"));
    assert!(conversions.contains("A coupon was redeemed with this order: no commission."));
    assert!(
        conversions.contains("=HYPERLINK(&#34;x&#34;)")
            || conversions.contains("=HYPERLINK(&quot;x&quot;)"),
        "escaped"
    );

    let (_, ledger) = app
        .page_with(&browser, "/nl/account/commissions/ledger")
        .await;
    assert!(
        ledger.contains("<td class=\"num\">€\u{a0}9,10</td><td class=\"num\">€\u{a0}9,10</td>"),
        "{ledger}"
    );
}

#[tokio::test]
async fn csv_exports_follow_the_language_and_defuse_formulas() {
    let app = spawn_app().await;
    anna_with_commissions(&app).await;
    let browser = app.client_for("anna@example.nl").await;
    let r = browser
        .get(app.url("/nl/account/commissions/conversions.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let body = r.text().await.unwrap();
    assert!(
        body.starts_with("\"Bestelling\";\"Besteldatum\";"),
        "{body}"
    );
    assert!(
        body.contains(";129,95;0,00;9,10;\"Goedgekeurd\";"),
        "{body}"
    );
    assert!(body.contains("'=HYPERLINK"), "{body}");
    let en = browser
        .get(app.url("/en/account/commissions/ledger.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        en.starts_with("\"Date\",\"Entry\",\"Reason\",\"Amount\",\"Balance\""),
        "{en}"
    );
    assert!(
        en.contains(",\"Commission\",\"Order AE-1001\",9.10,9.10"),
        "{en}"
    );
    let r = browser
        .get(app.url("/en/account/commissions/secrets.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn a_participant_never_sees_another_participants_money() {
    let app = spawn_app().await;
    anna_with_commissions(&app).await;
    app.add_ready_publisher("bob@example.nl");
    let bob = app.client_for("bob@example.nl").await;
    for path in [
        "/en/account/commissions",
        "/en/account/commissions/conversions",
        "/en/account/commissions/ledger",
        "/en/account/commissions/conversions.csv",
        "/en/account/commissions/ledger.csv",
    ] {
        let (status, body) = app.page_with(&bob, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            !body.contains("AE-1001") && !body.contains("9.10") && !body.contains("9,10"),
            "{path}: {body}"
        );
    }
    // Without logging in: the login page.
    let r = app
        .new_client()
        .get(app.url("/en/account/commissions"))
        .send()
        .await
        .unwrap();
    assert!(
        common::location(&r).starts_with("/en/login"),
        "{}",
        common::location(&r)
    );
}

#[tokio::test]
async fn bank_details_are_checked_kept_on_error_and_their_change_mailed() {
    let app = spawn_app_with(Options {
        smtp: true,
        ..Options::default()
    })
    .await;
    app.add_ready_publisher("anna@example.nl");
    let browser = app.client_for("anna@example.nl").await;
    let path = "/en/account/bank";

    let r = app
        .submit_with(
            &browser,
            path,
            path,
            &[
                ("iban", "NL91 ABNA 0417 1643 01"),
                ("account_holder", "Anna de Vries"),
                ("password", common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("This IBAN is not valid: a character is mistyped."));
    assert!(page.contains("value=\"NL91 ABNA 0417 1643 01\""));
    assert!(page.contains("value=\"Anna de Vries\""));

    let r = app
        .submit_with(
            &browser,
            path,
            path,
            &[
                ("iban", "NL91 ABNA 0417 1643 00"),
                ("account_holder", ""),
                ("password", "wrong password here"),
            ],
        )
        .await;
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Enter the account holder&#39;s name")
            || page.contains("Enter the account holder&#x27;s name")
            || page.contains("Enter the account holder's name"),
        "{page}"
    );
    assert!(page.contains("This is not your password."));
    assert!(page.contains("value=\"NL91 ABNA 0417 1643 00\""));
    let long_name = "A".repeat(71);
    let r = app
        .submit_with(
            &browser,
            path,
            path,
            &[
                ("iban", "NL91ABNA0417164300"),
                ("account_holder", long_name.as_str()),
                ("password", common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let refused = r.text().await.unwrap();
    assert!(
        refused.contains("An account holder&#39;s name has at most 70 characters.")
            || refused.contains("An account holder&#x27;s name has at most 70 characters.")
            || refused.contains("An account holder's name has at most 70 characters."),
        "{refused}"
    );
    assert!(refused.contains(&format!("value=\"{long_name}\"")));
    app.mail_sent().await;
    assert_eq!(app.smtp().count(), 0);

    let r = app
        .submit_with(
            &browser,
            path,
            path,
            &[
                ("iban", "nl91abna0417164300"),
                ("account_holder", "Anna de Vries"),
                ("password", common::PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = app
        .page_with(&browser, "/en/account/bank?notice=bank-saved")
        .await;
    assert!(page.contains("Your bank details are saved."));
    assert!(
        page.contains("NL91 **** **** **** 00 (Anna de Vries)"),
        "{page}"
    );
    let mail = app.smtp().wait_for("anna@example.nl", 0).await;
    assert!(mail.text().contains("NL91 **** **** **** 00"));
    // Without the CSRF token nothing is saved.
    let r = browser
        .post(app.url(path))
        .form(&[
            ("iban", "DE89370400440532013000"),
            ("account_holder", "Mallory"),
            ("password", common::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

/// The row of `order` in a conversions table, from its order cell to the row's end.
fn row_of<'a>(page: &'a str, order: &str) -> &'a str {
    let start = page
        .find(&format!("<th scope=\"row\" class=\"nowrap\">{order}</th>"))
        .unwrap_or_else(|| panic!("no row for {order}"));
    let rest = &page[start..];
    &rest[..rest.find("</tr>").unwrap()]
}

#[tokio::test]
async fn each_conversion_shows_the_locking_date_fixed_when_it_arrived() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let ordered = chrono::DateTime::parse_from_rfc3339(&at)
        .unwrap()
        .naive_utc()
        .date();
    // 45 days to validate when L-1 arrives, 10 when L-2 does.
    app.set_validation_days(45);
    assert_eq!(
        send(&app, &key, &report(&click_id, "L-1", "100.00", &at))
            .await
            .0,
        201
    );
    app.set_validation_days(10);
    assert_eq!(
        send(&app, &key, &report(&click_id, "L-2", "100.00", &at))
            .await
            .0,
        201
    );
    let later = ordered + chrono::Days::new(45);
    let sooner = ordered + chrono::Days::new(10);
    let browser = app.client_for("anna@example.nl").await;
    let (_, en) = app
        .page_with(&browser, "/en/account/commissions/conversions")
        .await;
    assert!(en.contains("<th scope=\"col\">Final on</th>"));
    for (order, day) in [("L-1", later), ("L-2", sooner)] {
        let row = row_of(&en, order);
        let cell = format!(
            "<td class=\"nowrap\">{}</td>",
            portal::i18n::Lang::En.format_date(day)
        );
        assert!(row.trim_end().ends_with(&cell), "{order}: {row}");
    }
    // The programme's period changed again: the dates already fixed stay.
    app.set_validation_days(90);
    let (_, nl) = app
        .page_with(&browser, "/nl/account/commissions/conversions")
        .await;
    for (order, day) in [("L-1", later), ("L-2", sooner)] {
        let cell = format!(
            "<td class=\"nowrap\">{}</td>",
            portal::i18n::Lang::Nl.format_date(day)
        );
        assert!(row_of(&nl, order).trim_end().ends_with(&cell), "{order}");
    }
    let csv = browser
        .get(app.url("/en/account/commissions/conversions.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        csv.lines().next().unwrap().ends_with(",\"Final on\""),
        "{csv}"
    );
    let line = csv.lines().find(|l| l.starts_with("\"L-1\",")).unwrap();
    assert!(line.ends_with(&format!(",{later}")), "{line}");
}

/// The text of the console's card of `order`, from its heading to the card's end.
fn card_of<'a>(page: &'a str, order: &str) -> &'a str {
    let heading = page
        .find(&format!("\">{order} <span class=\"state"))
        .unwrap_or_else(|| panic!("no card for {order}"));
    let rest = &page[heading..];
    &rest[..rest.find("</article>").unwrap_or(rest.len())]
}

#[tokio::test]
async fn a_rejected_conversion_shows_no_commission_on_any_page_or_file() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    // A redeemed coupon (50.00 would earn 3.50) and an order cancelled while pending (40.00
    // earned 2.80 until then), beside one that counts (100.00 earns 7.00).
    let mut coupon = report(&click_id, "X-COUPON", "50.00", &at);
    coupon["coupon_redeemed"] = true.into();
    let mut cancelled = report(&click_id, "X-CANCELLED", "40.00", &at);
    let (_, answer) = send(&app, &key, &cancelled).await;
    assert_eq!(answer["commission"], "2.80");
    cancelled["status"] = "cancelled".into();
    let kept = report(&click_id, "X-KEPT", "100.00", &at);
    for (body, commission) in [(&coupon, "0.00"), (&cancelled, "0.00"), (&kept, "7.00")] {
        let (_, answer) = send(&app, &key, body).await;
        assert_eq!(answer["commission"], commission, "{answer}");
    }

    // The publisher's Conversions page says what the API said, in both languages.
    let browser = app.client_for("anna@example.nl").await;
    for (lang, zero, seven, never) in [
        ("en", "€0.00", "€7.00", ["€3.50", "€2.80"]),
        (
            "nl",
            "€\u{a0}0,00",
            "€\u{a0}7,00",
            ["€\u{a0}3,50", "€\u{a0}2,80"],
        ),
    ] {
        let (_, page) = app
            .page_with(
                &browser,
                &format!("/{lang}/account/commissions/conversions"),
            )
            .await;
        for order in ["X-COUPON", "X-CANCELLED"] {
            let row = row_of(&page, order);
            assert!(
                row.contains(&format!("<td class=\"num\">{zero}</td>")),
                "{lang} {order}: {row}"
            );
            for amount in never {
                assert!(!row.contains(amount), "{lang} {order}: {row}");
            }
        }
        let row = row_of(&page, "X-KEPT");
        assert!(
            row.contains(&format!("<td class=\"num\">{seven}</td>")),
            "{row}"
        );
    }

    // The CSV files: order amount, returned, commission.
    for (lang, lines) in [
        (
            "en",
            [
                ("X-COUPON", ",50.00,0.00,0.00,"),
                ("X-CANCELLED", ",40.00,0.00,0.00,"),
                ("X-KEPT", ",100.00,0.00,7.00,"),
            ],
        ),
        (
            "nl",
            [
                ("X-COUPON", ";50,00;0,00;0,00;"),
                ("X-CANCELLED", ";40,00;0,00;0,00;"),
                ("X-KEPT", ";100,00;0,00;7,00;"),
            ],
        ),
    ] {
        let csv = browser
            .get(app.url(&format!("/{lang}/account/commissions/conversions.csv")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for (order, cells) in lines {
            let line = csv
                .lines()
                .find(|l| l.contains(order))
                .unwrap_or_else(|| panic!("{lang}: no line for {order}: {csv}"))
                .replace('"', "");
            assert!(line.contains(cells), "{lang} {order}: {line}");
        }
    }

    // The account managers' console reads the same figure.
    let boss = app.manager("beheer@partnerlink.nl").await;
    let (_, console) = app.page_with(&boss, "/en/manage/conversions").await;
    for (order, commission) in [
        ("X-COUPON", "€0.00"),
        ("X-CANCELLED", "€0.00"),
        ("X-KEPT", "€7.00"),
    ] {
        let card = card_of(&console, order);
        assert!(
            card.contains(&format!("<dt>Commission</dt><dd>{commission}</dd>")),
            "{order}: {card}"
        );
    }

    // The overview: pending is only what still counts; the rejected column says what the
    // rejected orders would have earned, and its help says so.
    let (_, overview) = app.page_with(&browser, "/en/account/commissions").await;
    assert!(
        overview.contains(
            "<td class=\"num\">€7.00</td><td class=\"num\">€0.00</td><td class=\"num\">€6.30</td>"
        ),
        "{overview}"
    );
    assert!(overview.contains("they earn nothing, and show €0.00 as their commission."));
}

/// Issue 20, one rule one place: the money pages take the currency from the data (the
/// programme's), not from the code — a programme kept in pounds shows pounds.
#[tokio::test]
async fn the_money_pages_show_the_programmes_currency() {
    let app = spawn_app().await;
    let key = secret(&app);
    let anna = app.add_ready_publisher("anna@example.nl");
    let (click_id, at) = click(&app, anna.channel_id).await;
    let mut order = report(&click_id, "GBP-1", "100.00", &at);
    order["status"] = "completed".into();
    assert_eq!(send(&app, &key, &order).await.0, 201);
    pass_locking_dates(&app);
    let browser = app.client_for("anna@example.nl").await;
    let (_, euros) = app.page_with(&browser, "/en/account/commissions").await;
    assert!(euros.contains("€7.00") && !euros.contains("£"), "{euros}");
    app.sql("UPDATE programmes SET currency = 'GBP'");
    for path in [
        "/en/account/commissions",
        "/en/account/commissions/conversions",
        "/en/account/commissions/ledger",
    ] {
        let (_, page) = app.page_with(&browser, path).await;
        assert!(
            page.contains("£7.00") && !page.contains("€7.00"),
            "{path}: {page}"
        );
    }
}
