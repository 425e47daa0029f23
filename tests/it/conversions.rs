//! The conversion API: signed reports in, commissions out, and every refusal storing nothing.

use crate::common;
use portal::db::ids::ParticipantId;

use crate::common::money::{
    self, balance, click, pass_locking_dates, post_signed, report, secret, send,
};
use crate::common::spawn_app;
use diesel::prelude::*;
use portal::db::schema::{commission_events, commissions, conversions, ledger_entries};

fn count(app: &common::TestApp, table: &str) -> i64 {
    use diesel::sql_types::BigInt;
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
        .get_result::<N>(&mut *app.conn())
        .unwrap()
        .n
}

#[tokio::test]
async fn a_signed_conversion_for_a_real_click_earns_its_commission_pending_then_approved() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;

    let (status, answer) = send(&app, &key, &report(&click_id, "AE-1001", "129.95", &at)).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["state"], "pending");
    assert_eq!(answer["attribution"], "credited");
    // 129.95 × 7 % = 9.0965 → 9.10
    assert_eq!(answer["commission"], "9.10");
    let locks_at = answer["locks_at"].as_str().unwrap();
    let occurred = chrono::DateTime::parse_from_rfc3339(&at).unwrap();
    let locks = chrono::DateTime::parse_from_rfc3339(locks_at).unwrap();
    assert_eq!(locks - occurred, chrono::Duration::days(30));
    assert_eq!(
        balance(&app, anna.participant_id),
        0,
        "pending is not in the ledger"
    );

    // The advertiser completes the order; the commission stays pending until its locking date.
    let mut completed = report(&click_id, "AE-1001", "129.95", &at);
    completed["status"] = "completed".into();
    let (status, answer) = send(&app, &key, &completed).await;
    assert_eq!(status, 200);
    assert_eq!(answer["state"], "pending");
    // The same report again (signed anew: the same signed request would be a replay) changes
    // nothing.
    let body = completed.to_string();
    let (status, again) = post_signed(&app, &key, money::now_unix() + 1, body.as_bytes()).await;
    assert_eq!(status, 200);
    assert_eq!(again, answer);
    assert_eq!(count(&app, "conversions"), 1);

    assert_eq!(pass_locking_dates(&app), 1);
    assert_eq!(pass_locking_dates(&app), 0, "final is final");
    let (state, amount): (String, i64) = commissions::table
        .select((commissions::state, commissions::amount))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!((state.as_str(), amount), ("approved", 910));
    assert_eq!(balance(&app, anna.participant_id), 910);
    // Each change is dated with who made it.
    let sources: Vec<String> = commission_events::table
        .order(commission_events::id)
        .select(commission_events::source)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(sources, ["advertiser", "locking"]);

    // After the locking date an update cannot change it any more: it is refused as locked.
    let mut cancelled = completed.clone();
    cancelled["status"] = "cancelled".into();
    let (status, answer) = send(&app, &key, &cancelled).await;
    assert_eq!(status, 409, "{answer}");
    assert_eq!(answer["error"]["code"], "locked");
    assert_eq!(balance(&app, anna.participant_id), 910);
}

#[tokio::test]
async fn a_partial_return_reverses_its_share_and_after_approval_becomes_a_negative_entry() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let mut order = report(&click_id, "AE-2001", "100.00", &at);
    order["status"] = "completed".into();
    assert_eq!(send(&app, &key, &order).await.0, 201);

    // Before locking: 20 of 100 returned reverses 20 % of 7.00.
    let mut returned = order.clone();
    returned["status"] = "returned".into();
    returned["returned_amount"] = "20.00".into();
    let (status, answer) = send(&app, &key, &returned).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["commission"], "5.60");
    pass_locking_dates(&app);
    assert_eq!(balance(&app, anna.participant_id), 560);

    // After approval, a further return is a new negative ledger row with its reason.
    returned["returned_amount"] = "50.00".into();
    let (_, answer) = send(&app, &key, &returned).await;
    assert_eq!(answer["commission"], "3.50");
    assert_eq!(balance(&app, anna.participant_id), 350);
    let kinds: Vec<(String, i64, Option<String>)> = ledger_entries::table
        .order(ledger_entries::id)
        .select((
            ledger_entries::kind,
            ledger_entries::amount,
            ledger_entries::reason,
        ))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(
        kinds,
        [
            ("commission".into(), 700, None),
            ("return".into(), -140, Some("partial_return".into())),
            ("return".into(), -210, Some("partial_return".into())),
        ]
    );
    // The return rows are linked to the original.
    let linked: i64 = commissions::table
        .filter(commissions::reverses_id.is_not_null())
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(linked, 2);
}

#[tokio::test]
async fn coupons_cancellations_and_unfinished_orders_earn_nothing() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;

    let mut coupon = report(&click_id, "C-1", "50.00", &at);
    coupon["coupon_redeemed"] = true.into();
    coupon["status"] = "completed".into();
    let (_, answer) = send(&app, &key, &coupon).await;
    assert_eq!(
        (answer["state"].as_str(), answer["commission"].as_str()),
        (Some("rejected"), Some("0.00"))
    );

    let mut cancelled = report(&click_id, "C-2", "50.00", &at);
    let (_, answer) = send(&app, &key, &cancelled).await;
    assert_eq!(answer["state"], "pending");
    cancelled["status"] = "cancelled".into();
    let (_, answer) = send(&app, &key, &cancelled).await;
    assert_eq!(answer["state"], "rejected");
    // Before the locking date the advertiser may still correct it.
    cancelled["status"] = "completed".into();
    let (_, answer) = send(&app, &key, &cancelled).await;
    assert_eq!(
        (answer["state"].as_str(), answer["commission"].as_str()),
        (Some("pending"), Some("3.50"))
    );

    let unfinished = report(&click_id, "C-3", "10.00", &at);
    send(&app, &key, &unfinished).await;
    pass_locking_dates(&app);
    let states: Vec<(String, Option<String>)> = commissions::table
        .order(commissions::id)
        .select((commissions::state, commissions::reason))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(
        states,
        [
            ("rejected".into(), Some("coupon_redeemed".into())),
            ("approved".into(), None),
            ("rejected".into(), Some("not_completed_by_locking".into())),
        ]
    );
    assert_eq!(balance(&app, anna.participant_id), 350);
}

#[tokio::test]
async fn conversions_without_a_credited_click_in_time_are_kept_as_not_commissionable() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;

    let (status, answer) = send(&app, &key, &report("not-a-click", "N-1", "10.00", &at)).await;
    assert_eq!(status, 201);
    assert_eq!(answer["state"], "not_commissionable");
    assert_eq!(answer["attribution"], "unknown_click");
    assert_eq!(answer["locks_at"], serde_json::Value::Null);

    // Session based: an order more than the session window (24 hours) after the click is
    // outside it.
    let next_day = (chrono::DateTime::parse_from_rfc3339(&at).unwrap()
        + chrono::Duration::days(1)
        + chrono::Duration::minutes(1))
    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut late = report(&click_id, "N-2", "10.00", &next_day);
    if chrono::DateTime::parse_from_rfc3339(&next_day).unwrap() > chrono::Utc::now() {
        // The order time may not lie in the future: move the click back instead.
        app.sql("UPDATE clicks SET day = day - 1, clicked_at = clicked_at - 86460000");
        late = report(&click_id, "N-2", "10.00", &at);
    }
    let (_, answer) = send(&app, &key, &late).await;
    assert_eq!(answer["attribution"], "outside_cookie_period");
    assert_eq!(count(&app, "commissions"), 0);
    // Kept with the participant, so the publisher sees why.
    let participants: Vec<Option<ParticipantId>> = conversions::table
        .order(conversions::id)
        .select(conversions::participant_id)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(participants, [None, Some(anna.participant_id)]);
}

#[tokio::test]
async fn a_click_from_where_the_publisher_logged_in_is_held_as_possible_self_purchase() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    // Anna logs in from this machine, and a click comes from the same address (E.10.j).
    app.client_for("anna@example.nl").await;
    let (click_id, at) = click(&app, anna.channel_id).await;
    let mut order = report(&click_id, "S-1", "100.00", &at);
    order["status"] = "completed".into();
    let (_, answer) = send(&app, &key, &order).await;
    assert_eq!(answer["attribution"], "self_purchase");
    assert_eq!(answer["state"], "pending");
    // It is not approved at its locking date: it waits for an account manager.
    pass_locking_dates(&app);
    let (state, held, reason): (String, bool, Option<String>) = commissions::table
        .select((commissions::state, commissions::held, commissions::reason))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(
        (state.as_str(), held, reason.as_deref()),
        ("pending", true, Some("self_purchase_review"))
    );
    assert_eq!(balance(&app, anna.participant_id), 0);
}

#[tokio::test]
async fn bad_old_replayed_oversized_and_malformed_requests_are_refused_and_store_nothing() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let body = report(&click_id, "AE-1", "10.00", &at).to_string();
    let now = money::now_unix();

    let (status, answer) = post_signed(&app, "not-the-secret", now, body.as_bytes()).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (401, Some("bad_signature"))
    );
    let (status, answer) = post_signed(&app, &key, now - 301, body.as_bytes()).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (401, Some("stale_timestamp"))
    );
    // No signature at all.
    let r = app
        .client
        .post(app.url("/api/v1/conversions"))
        .header("content-type", "application/json")
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let answer: serde_json::Value = r.json().await.unwrap();
    assert_eq!(answer["error"]["code"], "bad_signature");
    // A signature over another body.
    let r = app
        .client
        .post(app.url("/api/v1/conversions"))
        .header("content-type", "application/json")
        .header(
            "Partnerlink-Signature",
            portal::ledger::signature::header(&key, now, b"{}"),
        )
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);

    let big = format!(
        "{{\"programme\": \"aliexpress\", \"x\": \"{}\"}}",
        "a".repeat(17_000)
    );
    let (status, answer) = post_signed(&app, &key, now, big.as_bytes()).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (413, Some("too_large"))
    );
    let (status, answer) = post_signed(&app, &key, now, b"{not json").await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (400, Some("malformed"))
    );
    // A programme that does not exist has no secret: refused as a wrong signature (issue 21).
    let mut unknown = report(&click_id, "AE-1", "10.00", &at);
    unknown["programme"] = "bol".into();
    let (status, answer) = send(&app, &key, &unknown).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (401, Some("bad_signature"))
    );
    let mut bad_amount = report(&click_id, "AE-1", "10,00", &at);
    bad_amount["commission_group"] = "shoes".into();
    let (status, answer) = send(&app, &key, &bad_amount).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (422, Some("malformed"))
    );
    assert_eq!(answer["error"]["field"], "order_amount");
    let mut bad_group = report(&click_id, "AE-1", "10.00", &at);
    bad_group["commission_group"] = "shoes".into();
    let (status, answer) = send(&app, &key, &bad_group).await;
    assert_eq!(
        (status, answer["error"]["field"].as_str()),
        (422, Some("commission_group"))
    );
    let mut dollars = report(&click_id, "AE-1", "10.00", &at);
    dollars["currency"] = "USD".into();
    let (status, answer) = send(&app, &key, &dollars).await;
    assert_eq!(
        (status, answer["error"]["field"].as_str()),
        (422, Some("currency"))
    );
    assert_eq!(count(&app, "conversions"), 0);

    // Accepted once; the very same signed request again answers as stored (a safe retry).
    let (status, first) = post_signed(&app, &key, now, body.as_bytes()).await;
    assert_eq!(status, 201);
    let (status, again) = post_signed(&app, &key, now, body.as_bytes()).await;
    assert_eq!((status, &again), (200, &first));
    assert_eq!(count(&app, "conversions"), 1);
    // An update may not move the order to another click.
    let mut moved = report("0123456789abcdef0123456789abcdef", "AE-1", "10.00", &at);
    moved["status"] = "completed".into();
    let (status, answer) = send(&app, &key, &moved).await;
    assert_eq!(
        (status, answer["error"]["field"].as_str()),
        (422, Some("order_ref"))
    );
}

#[tokio::test]
async fn a_rotated_secret_keeps_working_for_24_hours() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let old = secret(&app);
    let new = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    assert_eq!(
        send(&app, &old, &report(&click_id, "R-1", "10.00", &at))
            .await
            .0,
        201
    );
    assert_eq!(
        send(&app, &new, &report(&click_id, "R-2", "10.00", &at))
            .await
            .0,
        201
    );
    // A day later the old one is refused, the new one still works.
    app.age("programme_secrets", &["retires_at"], 24 * 3600 + 1);
    let (status, answer) = send(&app, &old, &report(&click_id, "R-3", "10.00", &at)).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (401, Some("bad_signature"))
    );
    assert_eq!(
        send(&app, &new, &report(&click_id, "R-4", "10.00", &at))
            .await
            .0,
        201
    );
}

#[tokio::test]
async fn the_ledger_refuses_update_and_delete() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let mut order = report(&click_id, "L-1", "100.00", &at);
    order["status"] = "completed".into();
    send(&app, &key, &order).await;
    pass_locking_dates(&app);
    use diesel::connection::SimpleConnection;
    let mut pooled = app.conn();
    let conn: &mut portal::db::AnyConnection = &mut pooled;
    for statement in [
        "UPDATE ledger_entries SET amount = 100000",
        "DELETE FROM ledger_entries",
    ] {
        let refused = conn.batch_execute(statement).unwrap_err().to_string();
        assert!(refused.contains("append-only"), "{statement}: {refused}");
    }
    drop(pooled);
    assert_eq!(balance(&app, anna.participant_id), 700);
}

#[tokio::test]
async fn changing_the_validation_period_does_not_move_a_stored_locking_date() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let (_, first) = send(&app, &key, &report(&click_id, "V-1", "10.00", &at)).await;
    app.set_validation_days(60);
    let (_, second) = send(&app, &key, &report(&click_id, "V-2", "10.00", &at)).await;
    // An update of the first order answers with the date it got on arrival.
    let mut update = report(&click_id, "V-1", "12.00", &at);
    update["status"] = "completed".into();
    let (_, updated) = send(&app, &key, &update).await;
    let day = |v: &serde_json::Value| {
        chrono::DateTime::parse_from_rfc3339(v["locks_at"].as_str().unwrap()).unwrap()
    };
    assert_eq!(day(&second) - day(&first), chrono::Duration::days(30));
    assert_eq!(day(&updated), day(&first));
    assert_eq!(updated["commission"], "0.84");
}

#[tokio::test]
async fn a_commission_is_final_from_the_moment_of_its_locking_date() {
    use portal::ledger::locking::settle_due;
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let mut order = report(&click_id, "F-1", "10.00", &at);
    order["status"] = "completed".into();
    send(&app, &key, &order).await;
    app.sql("UPDATE commissions SET locks_at = '2030-01-01 00:00:00'");
    let date = chrono::NaiveDate::from_ymd_opt(2030, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    assert_eq!(
        settle_due(&mut app.conn(), date - chrono::Duration::seconds(1)).unwrap(),
        0
    );
    assert_eq!(balance(&app, anna.participant_id), 0);
    assert_eq!(settle_due(&mut app.conn(), date).unwrap(), 1);
    assert_eq!(balance(&app, anna.participant_id), 70);
}

/// The conversion's stored facts: status, amounts, and how many events its commissions have.
fn stored_facts(app: &common::TestApp, order_ref: &str) -> (String, i64, i64, bool, i64) {
    let (status, amount, returned, coupon): (String, i64, i64, bool) = conversions::table
        .filter(conversions::order_ref.eq(order_ref))
        .select((
            conversions::order_status,
            conversions::order_amount,
            conversions::returned_amount,
            conversions::coupon_redeemed,
        ))
        .first(&mut *app.conn())
        .unwrap();
    (
        status,
        amount,
        returned,
        coupon,
        count(app, "commission_events"),
    )
}

#[tokio::test]
async fn a_change_of_status_after_the_locking_date_is_refused_as_locked_and_changes_nothing() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let mut order = report(&click_id, "K-1", "100.00", &at);
    order["status"] = "completed".into();
    assert_eq!(send(&app, &key, &order).await.0, 201);
    pass_locking_dates(&app);
    assert_eq!(balance(&app, anna.participant_id), 700);
    let locks_at: chrono::NaiveDateTime = commissions::table
        .select(commissions::locks_at)
        .first(&mut *app.conn())
        .unwrap();
    let date = locks_at
        .and_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let before = stored_facts(&app, "K-1");
    assert_eq!(before.0, "completed");

    // Cancelled, back to pending, another amount, a coupon after all: each one too late.
    let mut cancelled = order.clone();
    cancelled["status"] = "cancelled".into();
    let mut pending = order.clone();
    pending["status"] = "pending".into();
    let mut other_amount = order.clone();
    other_amount["order_amount"] = "90.00".into();
    let mut coupon = order.clone();
    coupon["coupon_redeemed"] = true.into();
    for late in [cancelled, pending, other_amount, coupon] {
        let (status, answer) = send(&app, &key, &late).await;
        assert_eq!(status, 409, "{late}: {answer}");
        assert_eq!(answer["error"]["code"], "locked", "{answer}");
        assert_eq!(answer["error"]["field"], "status", "{answer}");
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(
            message.contains(&date),
            "the locking date {date} in: {message}"
        );
        assert_eq!(stored_facts(&app, "K-1"), before, "nothing changed");
        assert_eq!(balance(&app, anna.participant_id), 700);
    }
    // The report as stored, sent again: a repeat, not a change.
    let (status, answer) = send(&app, &key, &order).await;
    assert_eq!((status, answer["state"].as_str()), (200, Some("approved")));

    // A return still counts after the locking date: a new negative row…
    let mut returned = order.clone();
    returned["status"] = "returned".into();
    returned["returned_amount"] = "40.00".into();
    let (status, answer) = send(&app, &key, &returned).await;
    assert_eq!(
        (status, answer["commission"].as_str()),
        (200, Some("4.20")),
        "{answer}"
    );
    assert_eq!(balance(&app, anna.participant_id), 420);
    // …but returning less than before, or completing it again, is a change too late.
    let after_return = stored_facts(&app, "K-1");
    returned["returned_amount"] = "10.00".into();
    // (`order` as it was first reported, signed anew: the same signed request again would be
    // a repeat, answered as stored.)
    let completed_again = order.clone();
    for late in [returned, completed_again] {
        let body = late.to_string();
        let (status, answer) =
            post_signed(&app, &key, money::now_unix() + 1, body.as_bytes()).await;
        assert_eq!(
            (status, answer["error"]["code"].as_str()),
            (409, Some("locked")),
            "{late}"
        );
        assert_eq!(stored_facts(&app, "K-1"), after_return);
    }
    assert_eq!(balance(&app, anna.participant_id), 420);

    // An order whose commission was rejected at its locking date takes no return either.
    let unfinished = report(&click_id, "K-2", "50.00", &at);
    assert_eq!(send(&app, &key, &unfinished).await.0, 201);
    pass_locking_dates(&app);
    let mut completed = unfinished.clone();
    completed["status"] = "completed".into();
    let (status, answer) = send(&app, &key, &completed).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (409, Some("locked"))
    );
    assert_eq!(stored_facts(&app, "K-2").0, "pending");
}

#[tokio::test]
async fn the_identical_signed_request_sent_again_answers_200_with_the_stored_answer() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let body = report(&click_id, "T-1", "100.00", &at).to_string();
    let t = money::now_unix();

    let (status, first) = post_signed(&app, &key, t, body.as_bytes()).await;
    assert_eq!(status, 201, "{first}");
    // The answer was lost on the way: the advertiser sends the very same request again.
    for _ in 0..2 {
        let (status, again) = post_signed(&app, &key, t, body.as_bytes()).await;
        assert_eq!((status, &again), (200, &first));
    }
    assert_eq!(count(&app, "conversions"), 1);
    assert_eq!(count(&app, "commission_events"), 1, "nothing changed");

    // A newer report completes the order; the old request sent again cannot undo it: it
    // answers what is stored now.
    let mut completed = report(&click_id, "T-1", "100.00", &at);
    completed["status"] = "completed".into();
    let (status, newer) = send(&app, &key, &completed).await;
    assert_eq!(status, 200);
    let (status, replayed) = post_signed(&app, &key, t, body.as_bytes()).await;
    assert_eq!((status, &replayed), (200, &newer));
    let (order_status,): (String,) = conversions::table
        .select((conversions::order_status,))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(order_status, "completed");

    // Another body under that signature does not verify.
    let other = report(&click_id, "T-2", "100.00", &at).to_string();
    let r = app
        .client
        .post(app.url("/api/v1/conversions"))
        .header("content-type", "application/json")
        .header(
            "Partnerlink-Signature",
            portal::ledger::signature::header(&key, t, body.as_bytes()),
        )
        .body(other)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    assert_eq!(count(&app, "conversions"), 1);

    // A request that was refused is refused again when repeated, and still stores nothing.
    let mut wrong = report(&click_id, "T-3", "100.00", &at);
    wrong["commission_group"] = "shoes".into();
    let wrong = wrong.to_string();
    for _ in 0..2 {
        let (status, _) = post_signed(&app, &key, t, wrong.as_bytes()).await;
        assert_eq!(status, 422);
    }
    assert_eq!(count(&app, "conversions"), 1);
}

#[tokio::test]
async fn amounts_more_precise_than_the_currency_and_json_of_the_wrong_type_are_refused_by_field() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;

    for amount in ["12.999999999999999999999999999999", "12.345"] {
        let (status, answer) = send(&app, &key, &report(&click_id, "P-1", amount, &at)).await;
        assert_eq!(
            (
                status,
                answer["error"]["code"].as_str(),
                answer["error"]["field"].as_str()
            ),
            (422, Some("malformed"), Some("order_amount")),
            "{amount}: {answer}"
        );
        let mut returned = report(&click_id, "P-1", "100.00", &at);
        returned["status"] = "returned".into();
        returned["returned_amount"] = amount.into();
        let (status, answer) = send(&app, &key, &returned).await;
        assert_eq!(
            (status, answer["error"]["field"].as_str()),
            (422, Some("returned_amount")),
            "{amount}: {answer}"
        );
    }
    // Trailing zeros are only zeros.
    let (status, answer) = send(&app, &key, &report(&click_id, "P-2", "12.50000", &at)).await;
    assert_eq!((status, answer["commission"].as_str()), (201, Some("0.88")));

    // JSON of another type, or a field left out: 400, naming the field.
    let mut number = report(&click_id, "P-3", "10.00", &at);
    number["order_amount"] = serde_json::json!(10.0);
    let mut text_flag = report(&click_id, "P-3", "10.00", &at);
    text_flag["coupon_redeemed"] = "false".into();
    let mut no_status = report(&click_id, "P-3", "10.00", &at);
    no_status.as_object_mut().unwrap().remove("status");
    let mut null_time = report(&click_id, "P-3", "10.00", &at);
    null_time["occurred_at"] = serde_json::Value::Null;
    let mut extra = report(&click_id, "P-3", "10.00", &at);
    extra["discount"] = "1.00".into();
    for (body, field) in [
        (number, "order_amount"),
        (text_flag, "coupon_redeemed"),
        (no_status, "status"),
        (null_time, "occurred_at"),
        (extra, "discount"),
    ] {
        let (status, answer) = send(&app, &key, &body).await;
        assert_eq!(
            (
                status,
                answer["error"]["code"].as_str(),
                answer["error"]["field"].as_str()
            ),
            (400, Some("malformed"), Some(field)),
            "{answer}"
        );
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.starts_with(field), "{message}");
    }

    // The currency's message names the programme's currency.
    let mut dollars = report(&click_id, "P-4", "10.00", &at);
    dollars["currency"] = "USD".into();
    let (status, answer) = send(&app, &key, &dollars).await;
    assert_eq!(
        (status, answer["error"]["field"].as_str()),
        (422, Some("currency"))
    );
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(message.contains("EUR"), "{message}");

    // The body's limit is in the answer.
    let big = format!("{{\"order_ref\": \"{}\"}}", "a".repeat(16 * 1024));
    let (status, answer) = post_signed(&app, &key, money::now_unix(), big.as_bytes()).await;
    assert_eq!(
        (status, answer["error"]["code"].as_str()),
        (413, Some("too_large"))
    );
    let message = answer["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("16 KiB") && message.contains("16384 bytes"),
        "{message}"
    );
    assert_eq!(count(&app, "conversions"), 1, "only P-2");
}

#[tokio::test]
async fn an_order_reference_with_a_direction_control_or_invisible_character_is_refused() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    for order_ref in [
        "AE-\u{202e}1001",
        "AE-\u{2066}1001",
        "AE-\u{200b}1001",
        "\u{feff}AE-1001",
    ] {
        let (status, answer) = send(&app, &key, &report(&click_id, order_ref, "10.00", &at)).await;
        assert_eq!(
            (status, answer["error"]["field"].as_str()),
            (422, Some("order_ref")),
            "{order_ref:?}: {answer}"
        );
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains("invisible"), "{message}");
    }
    assert_eq!(count(&app, "conversions"), 0);

    // The CSV import checks its lines the same way, next to the line.
    let boss = app.manager("beheer@partnerlink.nl").await;
    let (_, page) = app.page_with(&boss, "/en/manage/conversions/import").await;
    let token = common::csrf_token(&page).unwrap();
    let csv = format!(
        "programme,click_id,order_ref,order_amount,currency,commission_group,coupon_redeemed,status,returned_amount,occurred_at\n\
         aliexpress,{click_id},AE-\u{202e}1001,10.00,EUR,sales,false,pending,,{at}\n"
    );
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("conversions.csv"),
        );
    let r = boss
        .post(app.url("/en/manage/conversions/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("order_ref: This field contains an invisible formatting character"),
        "{page}"
    );
    assert_eq!(count(&app, "conversions"), 0);
}

#[tokio::test]
async fn the_same_request_sent_twice_at_once_stores_one_conversion_and_answers_both() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    for round in 0..4 {
        let body = report(&click_id, &format!("D-{round}"), "100.00", &at).to_string();
        let t = money::now_unix();
        let (a, b) = tokio::join!(
            post_signed(&app, &key, t, body.as_bytes()),
            post_signed(&app, &key, t, body.as_bytes())
        );
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(statuses, [200, 201], "{a:?} {b:?}");
        assert_eq!(a.1["conversion_id"], b.1["conversion_id"]);
        assert_eq!(a.1["commission"], "7.00");
        assert_eq!(b.1["commission"], "7.00");
    }
    assert_eq!(count(&app, "conversions"), 4);
    assert_eq!(count(&app, "commissions"), 4);
}

/// Posts `body` with `signature` as the `Partnerlink-Signature` header (none: no header);
/// returns the status, the `Retry-After` header and the body as text.
async fn post_raw(
    app: &common::TestApp,
    signature: Option<&str>,
    body: &[u8],
) -> (u16, Option<String>, String) {
    let mut request = app
        .client
        .post(app.url("/api/v1/conversions"))
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header("Partnerlink-Signature", signature);
    }
    let r = request.send().await.unwrap();
    let retry_after = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (r.status().as_u16(), retry_after, r.text().await.unwrap())
}

/// A conversion report padded with white space to exactly 16 KiB, the largest body the API
/// takes.
fn padded_report(click_id: &str, order_ref: &str, at: &str) -> Vec<u8> {
    let mut body = report(click_id, order_ref, "10.00", at).to_string();
    body.push_str(&" ".repeat(portal::ledger::api::BODY_LIMIT - body.len()));
    body.into_bytes()
}

#[tokio::test]
async fn a_header_of_thousands_of_signatures_is_refused_unread_and_stores_nothing() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    secret(&app); // two secrets in force, as the attack measured
    let (click_id, at) = click(&app, anna.channel_id).await;
    let body = padded_report(&click_id, "AE-ATTACK", &at);
    let now = money::now_unix();
    let good = portal::ledger::signature::sign(&key, now, &body);

    // Issue 21: 32,000 empty `v1=` (a 128 KB header) over a 16 KiB body.
    let attack = format!("t={now},{}", "v1=,".repeat(32_000));
    assert!(attack.len() > 128_000);
    let (status, _, answer) = post_raw(&app, Some(&attack), &body).await;
    assert!(matches!(status, 400 | 401 | 431), "{status} {answer}");
    // The right signature among them does not make such a header acceptable.
    let hidden = format!("t={now},v1={good},{}", "v1=,".repeat(32_000));
    let (status, _, answer) = post_raw(&app, Some(&hidden), &body).await;
    assert!(matches!(status, 400 | 401 | 431), "{status} {answer}");
    // Nor does padding of another scheme past the length limit.
    let long = format!("t={now},v1={good},x={}", "0".repeat(128 * 1024));
    let (status, _, answer) = post_raw(&app, Some(&long), &body).await;
    assert!(matches!(status, 400 | 401 | 431), "{status} {answer}");
    // Five values, the right one among them: more than a rotation needs.
    let wrong = "00".repeat(32);
    let five = format!("t={now},{}v1={good}", format!("v1={wrong},").repeat(4));
    let (status, _, answer) = post_raw(&app, Some(&five), &body).await;
    assert_eq!(status, 401, "{answer}");
    assert!(answer.contains("bad_signature"), "{answer}");
    assert_eq!(count(&app, "conversions"), 0);
    assert_eq!(count(&app, "signatures_seen"), 0);

    // Four values are taken: the same report is accepted once, by the right one.
    let four = format!("t={now},{}v1={good}", format!("v1={wrong},").repeat(3));
    let (status, _, answer) = post_raw(&app, Some(&four), &body).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(count(&app, "conversions"), 1);
}

#[tokio::test]
async fn a_caller_without_the_secret_cannot_tell_a_known_programme_from_an_unknown_one() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let known = report(&click_id, "AE-1", "10.00", &at).to_string();
    let mut unknown = report(&click_id, "AE-1", "10.00", &at);
    unknown["programme"] = "bol".into();
    let unknown = unknown.to_string();
    let now = money::now_unix();
    let guessed = "plsec_guessed-by-somebody-else";

    for (what, signature_of) in [
        ("no header", None::<Box<dyn Fn(&[u8]) -> String>>),
        (
            "a wrong secret",
            Some(Box::new(|body: &[u8]| {
                portal::ledger::signature::header(guessed, now, body)
            })),
        ),
        (
            "a malformed header",
            Some(Box::new(|_: &[u8]| format!("t={now},v1=abc"))),
        ),
    ] {
        let sign = |body: &str| signature_of.as_ref().map(|f| f(body.as_bytes()));
        let for_known = post_raw(&app, sign(&known).as_deref(), known.as_bytes()).await;
        let for_unknown = post_raw(&app, sign(&unknown).as_deref(), unknown.as_bytes()).await;
        assert_eq!(for_known.0, 401, "{what}: {}", for_known.2);
        assert_eq!(for_known, for_unknown, "{what}: the same status and body");
    }
    // A stale signature by somebody else is no different from a fresh one: only a matching
    // signature gets to hear that it is stale.
    let stale = portal::ledger::signature::header(guessed, now - 3600, known.as_bytes());
    let stale_known = post_raw(&app, Some(&stale), known.as_bytes()).await;
    assert_eq!(stale_known.0, 401);
    assert!(stale_known.2.contains("bad_signature"), "{}", stale_known.2);
    // The advertiser's own secret, signing for a programme that is not theirs or not there.
    let ours = portal::ledger::signature::header(&key, now, unknown.as_bytes());
    let (status, _, answer) = post_raw(&app, Some(&ours), unknown.as_bytes()).await;
    assert_eq!(status, 401, "{answer}");
    assert_eq!(count(&app, "conversions"), 0);
}

#[tokio::test]
async fn too_many_requests_from_one_address_get_429_with_retry_after_before_any_work() {
    let app = common::spawn_app_with(common::Options {
        conversion_limits: Some((3, 0)),
        ..Default::default()
    })
    .await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    let body = report(&click_id, "AE-1", "10.00", &at).to_string();
    // Three from this address in a minute, signed or not.
    for _ in 0..3 {
        let (status, _, _) = post_raw(&app, None, body.as_bytes()).await;
        assert_eq!(status, 401);
    }
    let signed = portal::ledger::signature::header(&key, money::now_unix(), body.as_bytes());
    let (status, retry_after, answer) = post_raw(&app, Some(&signed), body.as_bytes()).await;
    assert_eq!(status, 429, "{answer}");
    let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["error"]["code"], "rate_limited");
    let seconds: u64 = retry_after.expect("Retry-After").parse().unwrap();
    assert!((1..=60).contains(&seconds), "{seconds}");
    assert_eq!(count(&app, "conversions"), 0);
}

#[tokio::test]
async fn a_programme_gets_its_signed_requests_per_minute_and_anonymous_ones_use_none_of_them() {
    let app = common::spawn_app_with(common::Options {
        conversion_limits: Some((0, 2)),
        ..Default::default()
    })
    .await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    // Anonymous callers naming the programme do not use up its allowance.
    let body = report(&click_id, "AE-0", "10.00", &at).to_string();
    for _ in 0..10 {
        assert_eq!(post_raw(&app, None, body.as_bytes()).await.0, 401);
    }
    for order in ["AE-1", "AE-2"] {
        let (status, answer) = send(&app, &key, &report(&click_id, order, "10.00", &at)).await;
        assert_eq!(status, 201, "{answer}");
    }
    let body = report(&click_id, "AE-3", "10.00", &at).to_string();
    let signed = portal::ledger::signature::header(&key, money::now_unix(), body.as_bytes());
    let (status, retry_after, answer) = post_raw(&app, Some(&signed), body.as_bytes()).await;
    assert_eq!(status, 429, "{answer}");
    assert!(answer.contains("rate_limited"), "{answer}");
    let seconds: u64 = retry_after.expect("Retry-After").parse().unwrap();
    assert!((1..=30).contains(&seconds), "{seconds}");
    assert_eq!(count(&app, "conversions"), 2);
}

/// The reasons stored on the commissions of `order_refs`, in that order.
fn reasons_of(app: &common::TestApp, order_refs: &[&str]) -> Vec<(String, String, Option<String>)> {
    order_refs
        .iter()
        .map(|order_ref| {
            let (state, reason): (String, Option<String>) = commissions::table
                .inner_join(conversions::table)
                .filter(conversions::order_ref.eq(*order_ref))
                .select((commissions::state, commissions::reason))
                .first(&mut *app.conn())
                .unwrap();
            ((*order_ref).to_owned(), state, reason)
        })
        .collect()
}

#[tokio::test]
async fn more_than_one_coupon_or_items_out_of_stock_earn_nothing_and_say_why() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;

    let mut two_coupons = report(&click_id, "CS-1", "100.00", &at);
    two_coupons["coupon_codes"] = serde_json::json!(["SUMMER10", "WELKOM5"]);
    let (status, answer) = send(&app, &key, &two_coupons).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(
        (answer["state"].as_str(), answer["commission"].as_str()),
        (Some("rejected"), Some("0.00"))
    );
    let mut out_of_stock = report(&click_id, "CS-2", "100.00", &at);
    out_of_stock["in_stock"] = false.into();
    let (_, answer) = send(&app, &key, &out_of_stock).await;
    assert_eq!(answer["state"], "rejected");
    // One coupon, in stock: earns as before; so does a report without the new fields.
    let mut one_coupon = report(&click_id, "CS-3", "100.00", &at);
    one_coupon["coupon_codes"] = serde_json::json!(["SUMMER10"]);
    one_coupon["in_stock"] = true.into();
    let (_, answer) = send(&app, &key, &one_coupon).await;
    assert_eq!(
        (answer["state"].as_str(), answer["commission"].as_str()),
        (Some("pending"), Some("7.00"))
    );
    let (_, answer) = send(&app, &key, &report(&click_id, "CS-4", "100.00", &at)).await;
    assert_eq!(answer["state"], "pending");
    // `coupon_redeemed` keeps working.
    let mut redeemed = report(&click_id, "CS-5", "100.00", &at);
    redeemed["coupon_redeemed"] = true.into();
    redeemed["coupon_codes"] = serde_json::json!(["SUMMER10"]);
    let (_, answer) = send(&app, &key, &redeemed).await;
    assert_eq!(answer["state"], "rejected");
    assert_eq!(
        reasons_of(&app, &["CS-1", "CS-2", "CS-3", "CS-4", "CS-5"]),
        [
            (
                "CS-1".into(),
                "rejected".into(),
                Some("more_than_one_coupon".into())
            ),
            (
                "CS-2".into(),
                "rejected".into(),
                Some("not_in_stock".into())
            ),
            ("CS-3".into(), "pending".into(), None),
            ("CS-4".into(), "pending".into(), None),
            (
                "CS-5".into(),
                "rejected".into(),
                Some("coupon_redeemed".into())
            ),
        ]
    );
    // The facts are stored with the conversion.
    let facts: Vec<(String, String, Option<bool>)> = conversions::table
        .order(conversions::order_ref)
        .select((
            conversions::order_ref,
            conversions::coupon_codes,
            conversions::in_stock,
        ))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(facts[0], ("CS-1".into(), "SUMMER10\nWELKOM5".into(), None));
    assert_eq!(facts[1], ("CS-2".into(), String::new(), Some(false)));
    assert_eq!(facts[2], ("CS-3".into(), "SUMMER10".into(), Some(true)));

    // The publisher and the account manager read why, in their language.
    let publisher = app.client_for(&anna.email).await;
    let manager = app.manager("beheer@partnerlink.nl").await;
    for (client, path) in [
        (&publisher, "/account/commissions/conversions"),
        (&manager, "/manage/conversions"),
    ] {
        let (_, nl) = app.page_with(client, &format!("/nl{path}")).await;
        assert!(
            nl.contains("meer dan één kortingscode gebruikt"),
            "{path}: {nl}"
        );
        assert!(nl.contains("niet op voorraad waren"), "{path}");
        let (_, en) = app.page_with(client, &format!("/en{path}")).await;
        assert!(en.contains("one coupon per transaction"), "{path}: {en}");
        assert!(en.contains("as not in stock"), "{path}");
    }

    // Before its locking date, the advertiser may correct the codes: one code earns again.
    two_coupons["coupon_codes"] = serde_json::json!(["SUMMER10"]);
    let (status, answer) = send(&app, &key, &two_coupons).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        (answer["state"].as_str(), answer["commission"].as_str()),
        (Some("pending"), Some("7.00"))
    );
    // The same report again is a repeat: nothing changes.
    let (status, again) = send(&app, &key, &two_coupons).await;
    assert_eq!((status, &again), (200, &answer));
}

#[tokio::test]
async fn coupon_codes_or_stock_of_another_json_type_get_a_400_naming_the_field() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    for (field, value, says) in [
        (
            "coupon_codes",
            serde_json::json!("SUMMER10"),
            "a list of strings",
        ),
        (
            "coupon_codes",
            serde_json::json!([10, 5]),
            "a list of strings",
        ),
        ("in_stock", serde_json::json!("no"), "true or false"),
        ("in_stock", serde_json::json!(1), "true or false"),
    ] {
        let mut body = report(&click_id, "T-1", "10.00", &at);
        body[field] = value.clone();
        let (status, answer) = send(&app, &key, &body).await;
        assert_eq!(status, 400, "{field} {value}: {answer}");
        assert_eq!(answer["error"]["code"], "malformed");
        assert_eq!(answer["error"]["field"], field);
        let message = answer["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
    }
    // A list of codes that are no readable line: 422, by field.
    let mut body = report(&click_id, "T-1", "10.00", &at);
    body["coupon_codes"] = serde_json::json!(["SUMMER\u{200b}10"]);
    let (status, answer) = send(&app, &key, &body).await;
    assert_eq!(
        (status, answer["error"]["field"].as_str()),
        (422, Some("coupon_codes"))
    );
    assert_eq!(count(&app, "conversions"), 0);
}
