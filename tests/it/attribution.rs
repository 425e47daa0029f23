//! Session based attribution ("Cookietijd: Session Based", issue 22 point 2): an order earns
//! through the click id it carries when it comes within the programme's session window after
//! that click — whatever the calendar day — and through no other click.

use crate::common::money::{click, report, secret, send};
use crate::common::{spawn_app, TestApp};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use portal::db::ids::{ChannelId, ParticipantId};
use portal::db::schema::{commissions, conversions};

/// Midnight (UTC) two days ago: every time the tests use lies around it, in the past.
fn midnight() -> DateTime<Utc> {
    (Utc::now() - Duration::days(2))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// A visitor follows `channel_id`'s link at `at` (a real click, then dated `at`).
async fn click_at(app: &TestApp, channel_id: ChannelId, at: DateTime<Utc>) -> String {
    let (click_id, _) = click(app, channel_id).await;
    let ms = at.timestamp_millis();
    app.sql(&format!(
        "UPDATE clicks SET clicked_at = {ms}, day = {} WHERE channel_id = {channel_id}",
        ms.div_euclid(86_400_000)
    ));
    click_id
}

/// Reports order `order_ref` carrying `click_id` at `at`; returns the attribution.
async fn order(
    app: &TestApp,
    key: &str,
    click_id: &str,
    order_ref: &str,
    at: DateTime<Utc>,
) -> String {
    let (status, answer) = send(
        app,
        key,
        &report(click_id, order_ref, "100.00", &rfc3339(at)),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    answer["attribution"].as_str().unwrap().to_owned()
}

/// Who earns a commission on `order_ref`, if anyone.
fn earner(app: &TestApp, order_ref: &str) -> Option<ParticipantId> {
    commissions::table
        .inner_join(conversions::table)
        .filter(conversions::order_ref.eq(order_ref))
        .select(commissions::participant_id)
        .first(&mut *app.conn())
        .optional()
        .unwrap()
}

#[tokio::test]
async fn an_order_after_midnight_in_the_same_session_earns() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    // Clicked at 23:50 UTC, ordered at 00:10 the next day: one session.
    let click_id = click_at(&app, anna.channel_id, midnight() - Duration::minutes(10)).await;
    let attribution = order(
        &app,
        &key,
        &click_id,
        "M-1",
        midnight() + Duration::minutes(10),
    )
    .await;
    assert_eq!(attribution, "credited");
    assert_eq!(earner(&app, "M-1"), Some(anna.participant_id));
}

#[tokio::test]
async fn an_order_earns_up_to_the_last_second_of_the_window_and_not_after() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    // Clicked at 10:00; the window is 24 hours (the programme's default).
    let clicked = midnight() - Duration::days(1) + Duration::hours(10);
    let click_id = click_at(&app, anna.channel_id, clicked).await;
    // 20 hours later, the next calendar day: still the session.
    assert_eq!(
        order(&app, &key, &click_id, "W-1", clicked + Duration::hours(20)).await,
        "credited"
    );
    // The window's last second earns; the next one does not.
    assert_eq!(
        order(&app, &key, &click_id, "W-2", clicked + Duration::hours(24)).await,
        "credited"
    );
    assert_eq!(
        order(
            &app,
            &key,
            &click_id,
            "W-3",
            clicked + Duration::hours(24) + Duration::seconds(1)
        )
        .await,
        "outside_cookie_period"
    );
    assert_eq!(earner(&app, "W-2"), Some(anna.participant_id));
    assert_eq!(earner(&app, "W-3"), None);

    // The window is the programme's setting: with 12 hours, 20 hours after the click is too late.
    app.set_session_window(720);
    assert_eq!(
        order(&app, &key, &click_id, "W-4", clicked + Duration::hours(20)).await,
        "outside_cookie_period"
    );
    assert_eq!(
        order(&app, &key, &click_id, "W-5", clicked + Duration::hours(12)).await,
        "credited"
    );
}

#[tokio::test]
async fn a_later_click_neither_extends_the_first_nor_takes_its_orders() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let bob = app.add_ready_publisher("bob@example.nl");
    let key = secret(&app);
    // The visitor comes through Anna's link at 22:00, and ten hours later through Bob's.
    let first = midnight() - Duration::hours(2);
    let anna_click = click_at(&app, anna.channel_id, first).await;
    let bob_click = click_at(&app, bob.channel_id, first + Duration::hours(10)).await;

    // An order carrying Anna's click within its window, after midnight and after Bob's click:
    // Anna's, not Bob's.
    assert_eq!(
        order(&app, &key, &anna_click, "L-1", first + Duration::hours(23)).await,
        "credited"
    );
    assert_eq!(earner(&app, "L-1"), Some(anna.participant_id));
    // Anna's click id after her window: Bob's later click does not keep it alive, nor earns it.
    assert_eq!(
        order(&app, &key, &anna_click, "L-2", first + Duration::hours(25)).await,
        "outside_cookie_period"
    );
    assert_eq!(earner(&app, "L-2"), None);
    let kept_with: Option<ParticipantId> = conversions::table
        .filter(conversions::order_ref.eq("L-2"))
        .select(conversions::participant_id)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(
        kept_with,
        Some(anna.participant_id),
        "kept with the click it carries"
    );
    // The same moment through Bob's click id is within his window: his.
    assert_eq!(
        order(&app, &key, &bob_click, "L-3", first + Duration::hours(25)).await,
        "credited"
    );
    assert_eq!(earner(&app, "L-3"), Some(bob.participant_id));
}

#[tokio::test]
async fn the_programme_page_states_the_session_window_from_its_setting() {
    let app = spawn_app().await;
    let (_, en) = app.page("/en/programmes/aliexpress").await;
    assert!(
        en.contains("Session based: 24 hours after the click"),
        "{en}"
    );
    assert!(en.contains("within 24 hours after the click on your link"));
    let (_, nl) = app.page("/nl/programmes/aliexpress").await;
    assert!(nl.contains("Sessiegebaseerd: 24 uur na de klik"), "{nl}");
    assert!(nl.contains("binnen 24 uur wordt geplaatst na de klik"));

    let app = spawn_app().await;
    app.set_session_window(90);
    let (_, en) = app.page("/en/programmes/aliexpress").await;
    assert!(
        en.contains("Session based: 90 minutes after the click"),
        "{en}"
    );
    let (_, nl) = app.page("/nl/programmes/aliexpress").await;
    assert!(
        nl.contains("Sessiegebaseerd: 90 minuten na de klik"),
        "{nl}"
    );
    assert!(!nl.contains("24 uur"));
}
