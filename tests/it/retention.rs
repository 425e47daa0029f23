//! Issue 15, retention: clicks older than the retention period are removed (on PostgreSQL a
//! month is a partition dropped whole, on SQLite deleted in batches), the daily rollups keep
//! their statistics, and the server does it by itself from its start.

use crate::common;
use portal::db::ids::ParticipantId;

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use portal::config::DatabaseKind;
use portal::db::schema::{click_days, clicks};
use portal::tracking::retention;

use crate::common::{spawn_app, TestApp, TestDatabase};

/// Copies of the participant's one real click on `date`, `n` of them, with click ids of that
/// day (as the click writer makes them: the time first) — on PostgreSQL in the month's
/// partition when `partition` is set, else wherever the id falls.
fn clicks_on(
    app: &TestApp,
    participant_id: ParticipantId,
    date: NaiveDate,
    n: u32,
    partition: bool,
) {
    if partition {
        if let portal::db::AnyConnection::Postgresql(c) = &mut *app.conn() {
            retention::ensure_month(c, date.with_day(1).unwrap()).unwrap();
        }
    }
    let ms = date
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    let day = portal::tracking::day_number(date);
    for i in 0..n {
        let id = ((u128::from(ms as u64) << 80) | u128::from(i + 1)).to_be_bytes();
        let id = match app.kind() {
            DatabaseKind::Sqlite => format!("X'{}'", hex::encode(id)),
            DatabaseKind::Postgres => format!("'\\x{}'::bytea", hex::encode(id)),
        };
        app.sql(&format!(
            "INSERT INTO clicks (click_id, clicked_at, day, programme_id, channel_id, \
             participant_id, ad_id, epi, ip_hash, user_agent_id, referrer_id, credited, reason) \
             SELECT {id}, {ms}, {day}, programme_id, channel_id, participant_id, ad_id, epi, \
             ip_hash, user_agent_id, referrer_id, credited, reason FROM clicks \
             WHERE participant_id = {participant_id} ORDER BY click_id DESC LIMIT 1"
        ));
    }
}

fn click_days_on(app: &TestApp) -> Vec<(i32, i32)> {
    click_days::table
        .group_by(click_days::day)
        .select((click_days::day, diesel::dsl::sum(click_days::clicks)))
        .order(click_days::day)
        .load::<(i32, Option<i64>)>(&mut *app.conn())
        .unwrap()
        .into_iter()
        .map(|(d, n)| (d, n.unwrap_or(0) as i32))
        .collect()
}

fn days_in_log(app: &TestApp) -> Vec<i32> {
    clicks::table
        .select(clicks::day)
        .distinct()
        .order(clicks::day)
        .load(&mut *app.conn())
        .unwrap()
}

async fn one_real_click(app: &TestApp, email: &str) -> common::Participant {
    let p = app.add_ready_publisher(email);
    let link = format!("/click?p={}&a={}", app.programme_id(), p.channel_id);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
        .build()
        .unwrap();
    let response = client.get(app.url(&link)).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 302);
    p
}

#[tokio::test]
async fn clicks_past_the_period_are_removed_and_their_statistics_stay() {
    let app = spawn_app().await;
    let p = one_real_click(&app, "bewaren@koopjes.nl").await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let month = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    // With 25 months kept, October 2024 is the oldest month kept (see `first_day_kept`).
    let gone = [month(2024, 5, 3), month(2024, 9, 30)];
    let kept = [month(2024, 10, 1), month(2025, 6, 15)];
    for date in gone.iter().chain(&kept) {
        clicks_on(&app, p.participant_id, *date, 3, true);
    }
    // More old clicks than one batch, in a month with no partition of its own (on PostgreSQL
    // the catch-all one), and clicks far ahead, which stay.
    clicks_on(
        &app,
        p.participant_id,
        month(2023, 2, 1),
        2 * retention::BATCH as u32 + 5,
        false,
    );
    clicks_on(&app, p.participant_id, month(2101, 1, 1), 2, false);
    let rollups_before = click_days_on(&app);
    let before: i64 = clicks::table.count().get_result(&mut *app.conn()).unwrap();

    let removed = retention::run(&mut app.conn(), today, 25).unwrap();

    let remaining: i64 = clicks::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(before - remaining, 3 + 3 + 2 * retention::BATCH + 5);
    let day = portal::tracking::day_number;
    let real_day = *days_in_log(&app)
        .iter()
        .find(|d| **d > day(kept[1]))
        .unwrap();
    assert_eq!(
        days_in_log(&app),
        vec![day(kept[0]), day(kept[1]), real_day, day(month(2101, 1, 1))]
    );
    match app.kind() {
        // Two months dropped whole, the rest deleted from the catch-all in batches.
        DatabaseKind::Postgres => {
            assert_eq!(removed.months, vec!["2024_05", "2024_09"]);
            assert_eq!(removed.deleted as i64, 2 * retention::BATCH + 5);
        }
        DatabaseKind::Sqlite => {
            assert!(removed.months.is_empty());
            assert_eq!(removed.deleted as i64, 3 + 3 + 2 * retention::BATCH + 5);
        }
    }
    // The statistics of the removed months are still there.
    assert_eq!(click_days_on(&app), rollups_before);
    // A second round finds nothing more to remove.
    assert_eq!(
        retention::run(&mut app.conn(), today, 25).unwrap(),
        retention::Removed::default()
    );
}

/// The server removes old clicks by itself when it starts (and every hour after).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_removes_old_clicks_from_its_start() {
    let database = TestDatabase::new();
    // The binary migrates and seeds; the demo publisher gets a click log of one old click.
    let _link = common::binary::demo_link(&database);
    let pool = portal::db::connect(&database.settings).unwrap();
    let old = chrono::Utc::now().date_naive() - chrono::Days::new(400);
    let ms = old
        .and_hms_opt(8, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    let id = (u128::from(ms as u64) << 80).to_be_bytes().to_vec();
    let (programme, channel, participant): (i64, i64, i64) = {
        use portal::db::schema::{channels, memberships};
        memberships::table
            .inner_join(channels::table)
            .select((
                memberships::programme_id,
                channels::id,
                channels::participant_id,
            ))
            .first(&mut *pool.get().unwrap())
            .unwrap()
    };
    let mut conn = pool.get().unwrap();
    diesel::sql_query("INSERT INTO user_agents (user_agent) VALUES ('Mozilla/5.0 (oud)')")
        .execute(&mut *conn)
        .unwrap();
    let ua: i64 = portal::db::schema::user_agents::table
        .select(portal::db::schema::user_agents::id)
        .first(&mut *conn)
        .unwrap();
    diesel::insert_into(clicks::table)
        .values((
            clicks::click_id.eq(id),
            clicks::clicked_at.eq(ms),
            clicks::day.eq(portal::tracking::day_number(old)),
            clicks::programme_id.eq(programme),
            clicks::channel_id.eq(channel),
            clicks::participant_id.eq(participant),
            clicks::ip_hash.eq(vec![0u8; 16]),
            clicks::user_agent_id.eq(ua),
            clicks::credited.eq(true),
        ))
        .execute(&mut *conn)
        .unwrap();
    drop(conn);
    assert_eq!(common::binary::stored_clicks(&database), 1);

    let common::binary::Server {
        child: mut server,
        log,
        so_far,
        ..
    } = common::binary::serve_with(&database, &[("PORTAL_CLICK_RETENTION_MONTHS", "12")]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while common::binary::stored_clicks(&database) > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the old click is still there after 60 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // The line is written after the removal commits: wait for it before stopping the server.
    common::binary::until_logged(&so_far, "old clicks removed", 60).await;
    server.kill().unwrap();
    let _ = server.wait();
    let log = log.join().unwrap();
    assert!(log.contains("old clicks removed"), "{log}");
    // Its day is still counted.
    let counted: Option<i64> = click_days::table
        .select(diesel::dsl::sum(click_days::clicks))
        .get_result(&mut *pool.get().unwrap())
        .unwrap();
    assert_eq!(counted, Some(1));
}

/// Instances starting together on one PostgreSQL database create the months ahead at the same
/// time: each month is created once, and nobody fails for it.
#[tokio::test]
async fn months_created_at_once_by_several_instances_are_created_once() {
    let app = spawn_app().await;
    if app.kind() != DatabaseKind::Postgres {
        return;
    }
    let threads: Vec<_> = (0..8)
        .map(|n| {
            let pool = app.pool.clone();
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                let portal::db::AnyConnection::Postgresql(c) = &mut *conn else {
                    unreachable!()
                };
                for month in 1..=6 {
                    let day = NaiveDate::from_ymd_opt(2090, month, 1 + n).unwrap();
                    retention::ensure_month(c, day)
                        .unwrap_or_else(|e| panic!("thread {n}, month {month}: {e}"));
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().unwrap();
    }
    let made: i64 = diesel::sql_query(
        "SELECT count(*) AS n FROM pg_class WHERE relkind = 'r' AND relname LIKE 'clicks\\_2090\\_%'",
    )
    .get_result::<Count>(&mut *app.conn())
    .unwrap()
    .n;
    assert_eq!(made, 6);
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}
