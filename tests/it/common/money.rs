//! Conversions as the advertiser's system sends them: a real click, a programme secret, and a
//! signed POST to the conversion API.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use portal::db::ids::{ChannelId, ParticipantId, PayoutId, PayoutRunId, ProgrammeId};
use portal::db::schema::{clicks, conversions, payout_runs, payouts};
use portal::db::AnyConnection;
use portal::domain::{Currency, Iban, Money};
use portal::ledger::entries::{self, NewEntry};
use portal::ledger::states::EntryKind;
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

/// A click as the click writer stores it, for a test that needs one of a chosen moment,
/// verdict and user agent: the writer dates every click now and judges it itself, so such a click
/// is planted (typed, through diesel) rather than followed.
pub struct PlantedClick<'a> {
    pub click_id: Vec<u8>,
    /// Milliseconds since 1970.
    pub clicked_at: i64,
    /// `tracking::day_number` of its day.
    pub day: i32,
    pub programme_id: ProgrammeId,
    pub channel_id: ChannelId,
    pub participant_id: ParticipantId,
    pub ip_hash: Vec<u8>,
    /// Stored once in `user_agents`, as the writer stores each agent the first time it is seen.
    pub user_agent: &'a str,
    pub credited: bool,
    pub reason: Option<&'a str>,
}

/// Stores `click` on `conn`.
pub fn plant_click(conn: &mut AnyConnection, click: PlantedClick<'_>) {
    use portal::db::schema::user_agents;
    let known: Option<i64> = user_agents::table
        .filter(user_agents::user_agent.eq(click.user_agent))
        .select(user_agents::id)
        .first(conn)
        .optional()
        .unwrap();
    let user_agent_id = match known {
        Some(id) => id,
        None => diesel::insert_into(user_agents::table)
            .values(user_agents::user_agent.eq(click.user_agent))
            .returning(user_agents::id)
            .get_result(conn)
            .unwrap(),
    };
    diesel::insert_into(clicks::table)
        .values((
            clicks::click_id.eq(click.click_id),
            clicks::clicked_at.eq(click.clicked_at),
            clicks::day.eq(click.day),
            clicks::programme_id.eq(click.programme_id),
            clicks::channel_id.eq(click.channel_id),
            clicks::participant_id.eq(click.participant_id),
            clicks::ip_hash.eq(click.ip_hash),
            clicks::user_agent_id.eq(user_agent_id),
            clicks::credited.eq(click.credited),
            clicks::reason.eq(click.reason),
        ))
        .execute(conn)
        .unwrap();
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

/// `holder`'s account `iban` for the participant's payouts, stored as the bank form stores it.
pub fn bank(app: &TestApp, participant_id: ParticipantId, iban: &str, holder: &str) {
    bank_on(&mut app.conn(), participant_id, iban, holder);
}

/// `bank` on a connection of the test's choosing (the portal's role's, or one without an app).
pub fn bank_on(conn: &mut AnyConnection, participant_id: ParticipantId, iban: &str, holder: &str) {
    portal::ledger::payouts::set_bank_account(
        conn,
        participant_id,
        &Iban::parse(iban).unwrap(),
        holder,
        portal::db::now(),
    )
    .unwrap();
}

/// `cents` earned at `at`, through the ledger's own door (`entries::enter`) but without an order
/// behind it: earning through the conversion API cannot date a ledger row in the past, and
/// a payout run pays only what was earned before its period ended.
pub fn credit(app: &TestApp, participant_id: ParticipantId, cents: i64, at: NaiveDateTime) {
    enter(
        app,
        participant_id,
        EntryKind::Commission,
        cents,
        None,
        None,
        at,
    );
}

/// A row for the ledger through `entries::enter`, which holds the rule of signs.
pub fn enter(
    app: &TestApp,
    participant_id: ParticipantId,
    kind: EntryKind,
    cents: i64,
    payout_id: Option<PayoutId>,
    reason: Option<&str>,
    at: NaiveDateTime,
) {
    let entry = NewEntry {
        participant_id,
        kind,
        amount: Money::new(cents, Currency::EUR),
        commission_id: None,
        payout_id,
        measure_id: None,
        reason,
        at,
    };
    entries::enter(&mut app.conn(), entry).unwrap();
}

/// A payout run of `period` started at `at`, finished then too unless `finished` is false (what
/// a run killed half-way leaves behind), with no payouts yet. Planted: the portal's
/// `payouts::run` pays everyone due and finishes in one transaction, so it can make neither an
/// unfinished run nor one that paid only what a test chooses.
pub fn planted_run(app: &TestApp, period: &str, at: NaiveDateTime, finished: bool) -> PayoutRunId {
    diesel::insert_into(payout_runs::table)
        .values((
            payout_runs::period.eq(period),
            payout_runs::started_at.eq(at),
            payout_runs::finished_at.eq(finished.then_some(at)),
        ))
        .returning(payout_runs::id)
        .get_result(&mut *app.conn())
        .unwrap()
}

/// A payout of `cents` to the participant's account NL91ABNA0417164300 held by `holder`, in
/// `run_id` (planted, as `planted_run` says why), without its ledger row.
pub fn planted_payout(
    app: &TestApp,
    run_id: PayoutRunId,
    participant_id: ParticipantId,
    cents: i64,
    holder: &str,
    at: NaiveDateTime,
) -> PayoutId {
    diesel::insert_into(payouts::table)
        .values((
            payouts::run_id.eq(run_id),
            payouts::participant_id.eq(participant_id),
            payouts::amount.eq(cents),
            payouts::currency.eq(Currency::EUR.code()),
            payouts::iban.eq("NL91ABNA0417164300"),
            payouts::holder.eq(holder),
            payouts::created_at.eq(at),
        ))
        .returning(payouts::id)
        .get_result(&mut *app.conn())
        .unwrap()
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
