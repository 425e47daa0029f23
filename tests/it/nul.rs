//! A NUL character anywhere in a request (security issue 16) is refused before the database:
//! PostgreSQL cannot hold or compare text with NUL and answered 500; now both databases answer
//! the same clear 400 (422 for a file), in the request's language, and store nothing.

use crate::common;

use crate::common::money::{now_unix, post_signed, secret};
use crate::common::{spawn_app, PASSWORD};

#[tokio::test]
async fn a_nul_in_the_path_or_the_query_is_a_bad_request_in_the_page_language() {
    let app = spawn_app().await;
    for (path, words) in [
        ("/nl/programmes/%00", "Foutcode 400"),
        ("/en/programmes/%00", "Error code 400"),
        ("/en/programmes/aliexpress%00", "Error code 400"),
        ("/en/programmes/aliexpress/rules?x=%00", "Error code 400"),
        ("/click?p=1&a=%00", ""),
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status().as_u16(), 400, "{path}");
        assert!(r.text().await.unwrap().contains(words), "{path}");
    }
    // A manager's search with a NUL in it.
    let boss = app.manager("beheer@partnerlink.nl").await;
    let r = boss
        .get(app.url("/en/manage/participants?q=a%00b"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
}

#[tokio::test]
async fn a_nul_in_a_form_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    let r = app
        .submit("/en/signup", &[("email", "anna\0@example.nl")])
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let r = app
        .log_in(&app.new_client(), "en", "anna@example.nl\0", PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 400);
    let boss = app.manager("beheer@partnerlink.nl").await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let r = common::enforcement::take(
        &app,
        &boss,
        anna.participant_id,
        &[
            ("kind", "warning"),
            ("clauses", "E.10.a"),
            ("reason", "bad\0reason"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 400);
    use diesel::prelude::*;
    let measures: i64 = portal::db::schema::measures::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(measures, 0);
}

#[tokio::test]
async fn a_nul_in_a_conversion_or_an_import_file_is_refused() {
    let app = spawn_app().await;
    let key = secret(&app);
    let body = br#"{"programme":"ali\u0000express","click_id":"00","order_ref":"X","order_amount":"1.00","currency":"EUR","commission_group":"sales","coupon_redeemed":false,"status":"pending","occurred_at":"2026-11-30T10:00:00Z"}"#;
    let (status, answer) = post_signed(&app, &key, now_unix(), body).await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(answer["error"]["code"], "malformed");

    let boss = app.manager("beheer@partnerlink.nl").await;
    let html = boss
        .get(app.url("/en/manage/conversions/import"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = common::csrf_token(&html).unwrap();
    let csv = "programme,click_id,order_ref,order_amount,currency,commission_group,coupon_redeemed,status,returned_amount,occurred_at\n\
               ali\0express,00,X,1.00,EUR,sales,false,pending,,2026-11-30T10:00:00Z\n";
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec())
                .file_name("orders.csv")
                .mime_str("text/csv")
                .unwrap(),
        );
    let r = boss
        .post(app.url("/en/manage/conversions/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
}
