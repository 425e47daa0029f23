//! Conversions as the advertiser's system sends them: a real click, a programme secret, and a
//! signed POST to the conversion API.

use diesel::prelude::*;
use portal::db::ids::{ChannelId, ParticipantId};
use portal::db::schema::{clicks, conversions};
use portal::ledger::{secrets, signature};

use super::{TestApp, BROWSER};

/// A visitor follows `channel_id`'s tracking link; returns the click id handed to the advertiser
/// and the click's time (RFC 3339, whole seconds) to report the order at.
pub async fn click(app: &TestApp, channel_id: ChannelId) -> (String, String) {
    let r = app
        .new_client()
        .get(app.url(&format!("/click?p={}&a={channel_id}", app.programme_id())))
        .header("user-agent", BROWSER)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 302);
    let target = super::location(&r);
    let click_id = target
        .split("click_id=")
        .nth(1)
        .expect("a click id")
        .to_owned();
    let clicked_at: i64 = clicks::table
        .find(hex::decode(&click_id).unwrap())
        .select(clicks::clicked_at)
        .first(&mut *app.conn())
        .unwrap();
    let at = chrono::DateTime::from_timestamp(clicked_at.div_euclid(1000), 0).unwrap();
    (
        click_id,
        at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}

/// A fresh secret for the programme (as `portal programme secret` makes one).
pub fn secret(app: &TestApp) -> String {
    secrets::rotate(&mut app.conn(), app.programme_id(), portal::db::now()).unwrap()
}

/// A report with the contract's fields; change what the test is about.
pub fn report(
    click_id: &str,
    order_ref: &str,
    amount: &str,
    occurred_at: &str,
) -> serde_json::Value {
    serde_json::json!({
        "programme": "aliexpress",
        "click_id": click_id,
        "order_ref": order_ref,
        "order_amount": amount,
        "currency": "EUR",
        "commission_group": "sales",
        "coupon_redeemed": false,
        "status": "pending",
        "occurred_at": occurred_at,
    })
}

pub fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Posts `body` signed with `secret` at time `t`; returns the status and the JSON answer.
pub async fn post_signed(
    app: &TestApp,
    secret: &str,
    t: i64,
    body: &[u8],
) -> (u16, serde_json::Value) {
    let r = app
        .client
        .post(app.url("/api/v1/conversions"))
        .header("content-type", "application/json")
        .header("Partnerlink-Signature", signature::header(secret, t, body))
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let json = r.json().await.unwrap_or(serde_json::Value::Null);
    (status, json)
}

/// Posts `report` signed now.
pub async fn send(
    app: &TestApp,
    secret: &str,
    report: &serde_json::Value,
) -> (u16, serde_json::Value) {
    post_signed(app, secret, now_unix(), report.to_string().as_bytes()).await
}

/// Makes every locking date pass and settles, as the portal's maintenance does every few
/// minutes; returns how many commissions became final.
pub fn pass_locking_dates(app: &TestApp) -> usize {
    app.age("commissions", &["locks_at"], 400 * 86_400);
    portal::ledger::locking::settle_due(&mut app.conn(), portal::db::now()).unwrap()
}

/// The participant's ledger balance in cents: the sum of its rows.
pub fn balance(app: &TestApp, participant_id: ParticipantId) -> i64 {
    use portal::db::schema::ledger_entries as le;
    let amounts: Vec<i64> = le::table
        .filter(le::participant_id.eq(participant_id))
        .select(le::amount)
        .load(&mut *app.conn())
        .unwrap();
    amounts.iter().sum()
}

/// The CSV import's header row: the conversion API's fields as columns.
pub const IMPORT_HEADER: &str = "programme,click_id,order_ref,order_amount,currency,commission_group,coupon_redeemed,status,returned_amount,occurred_at\n";

/// Uploads `csv` on the Dutch import page as an account manager's browser does (the page's CSRF
/// token, the file as a multipart part); returns the preview.
pub async fn upload_import(
    app: &TestApp,
    client: &reqwest::Client,
    csv: String,
) -> reqwest::Response {
    let (_, page) = app.page_with(client, "/nl/manage/conversions/import").await;
    let token = super::csrf_token(&page).expect("the import page's csrf token");
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

/// Confirms a previewed file as the preview page's button does (the text carried in `content`);
/// returns the answer.
pub async fn confirm_import(
    app: &TestApp,
    client: &reqwest::Client,
    csv: &str,
) -> reqwest::Response {
    app.submit_with(
        client,
        "/nl/manage/conversions/import",
        "/nl/manage/conversions/import/confirm",
        &[("content", csv)],
    )
    .await
}

/// How many conversions are stored.
pub fn stored_conversions(app: &TestApp) -> i64 {
    conversions::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}
