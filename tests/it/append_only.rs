//! Issue 20, points 7 and 8: the append-only tables hold even against the portal's own database
//! role. On PostgreSQL the portal runs as a role that owns nothing (`TestDatabase`) and may only
//! read and add their rows, so it can neither change nor remove one, nor disable the triggers
//! that refuse it to every role; commissions are never removed and move only along the allowed
//! transitions. SQLite has the same triggers.

use crate::common;

use crate::common::money::{
    bank_on, click, pass_locking_dates, plant_click, planted_payout, planted_run, report, secret,
    send, PlantedClick,
};
use crate::common::{spawn_app, TestApp, TestDatabase};
use chrono::Timelike;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use portal::config::DatabaseKind;
use portal::db::privileges::APPEND_ONLY_TABLES;
use portal::db::AnyConnection;

/// `statement` fails; its error.
fn refused(conn: &mut AnyConnection, statement: &str) -> String {
    match conn.batch_execute(statement) {
        Ok(()) => panic!("{statement} was allowed"),
        Err(e) => e.to_string(),
    }
}

fn rows(app: &TestApp, table: &str) -> i64 {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
        .get_result::<Count>(&mut *app.conn())
        .unwrap()
        .n
}

/// A publisher with rows in every append-only table, and commissions in each state: order A-1
/// approved (in the ledger), A-2 rejected and past its locking date, A-3 pending, A-4 rejected
/// before its locking date.
async fn money_in_every_table(app: &TestApp) -> common::Participant {
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(app);
    let (click_id, at) = click(app, anna.channel_id).await;
    let with_status = |order: &str, status: &str| {
        let mut r = report(&click_id, order, "100.00", &at);
        r["status"] = status.into();
        r
    };
    for (order, status) in [("A-1", "completed"), ("A-2", "cancelled")] {
        assert_eq!(send(app, &key, &with_status(order, status)).await.0, 201);
    }
    pass_locking_dates(app);
    for (order, status) in [("A-3", "pending"), ("A-4", "cancelled")] {
        assert_eq!(send(app, &key, &with_status(order, status)).await.0, 201);
    }
    let now = portal::db::now();
    bank_on(
        &mut app.app_conn(),
        anna.participant_id,
        "NL91ABNA0417164300",
        "Anna de Vries",
    );
    let at = now.with_nanosecond(0).unwrap();
    let run = planted_run(app, "2026-11", at, true);
    planted_payout(app, run, anna.participant_id, 700, "Anna de Vries", at);
    // A manager's login is an audit line.
    app.manager("beheer@partnerlink.nl").await;
    for table in [
        "ledger_entries",
        "payouts",
        "commission_events",
        "bank_accounts",
        "audit_log",
    ] {
        assert!(rows(app, table) > 0, "{table} has rows");
    }
    anna
}

/// The commission of order `order_ref`, for a WHERE clause.
fn commission_of(order_ref: &str) -> String {
    format!(
        "conversion_id = (SELECT id FROM conversions WHERE order_ref = '{order_ref}') \
         AND kind = 'order'"
    )
}

#[tokio::test]
async fn the_portals_role_cannot_change_or_remove_money_rows_nor_disable_their_triggers() {
    let app = spawn_app().await;
    money_in_every_table(&app).await;
    let tables = [
        "ledger_entries",
        "payouts",
        "commission_events",
        "bank_accounts",
        "audit_log",
    ];
    let before: Vec<i64> = tables.iter().map(|t| rows(&app, t)).collect();
    let mut app_conn = app.app_conn();
    let portal: &mut AnyConnection = &mut app_conn;
    for table in tables {
        for statement in [
            format!("UPDATE {table} SET id = id"),
            format!("DELETE FROM {table}"),
        ] {
            let error = refused(portal, &statement);
            match app.kind() {
                DatabaseKind::Postgres => assert!(
                    error.contains(&format!("permission denied for table {table}")),
                    "{statement}: {error}"
                ),
                DatabaseKind::Sqlite => {
                    assert!(error.contains("append-only"), "{statement}: {error}")
                }
            }
        }
    }
    if app.kind() == DatabaseKind::Postgres {
        // Owning no table, the portal's role can neither switch the triggers off nor replace
        // or drop them, nor empty a table wholesale.
        for statement in [
            "ALTER TABLE ledger_entries DISABLE TRIGGER ledger_entries_append_only",
            "ALTER TABLE commission_events DISABLE TRIGGER ALL",
            "ALTER TABLE bank_accounts DISABLE TRIGGER USER",
            "DROP TRIGGER payouts_append_only ON payouts",
            "CREATE OR REPLACE FUNCTION refuse_money_change() RETURNS trigger \
             LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
            "TRUNCATE audit_log",
            "TRUNCATE commission_events CASCADE",
            "DROP TABLE bank_accounts CASCADE",
            "SET session_replication_role = replica",
        ] {
            let error = refused(portal, statement);
            assert!(
                error.contains("must be owner") || error.contains("permission denied"),
                "{statement}: {error}"
            );
        }
        // And its owner, who could, is refused by the triggers unless it does.
        let mut owner = app.conn();
        let owner: &mut AnyConnection = &mut owner;
        for statement in [
            "UPDATE commission_events SET amount = amount + 1",
            "DELETE FROM commission_events",
            "TRUNCATE commission_events CASCADE",
            "UPDATE bank_accounts SET iban = 'NL02ABNA0123456789'",
            "DELETE FROM bank_accounts",
            "TRUNCATE bank_accounts",
        ] {
            let error = refused(owner, statement);
            assert!(error.contains("append-only"), "{statement}: {error}");
        }
    }
    drop(app_conn);
    let after: Vec<i64> = tables.iter().map(|t| rows(&app, t)).collect();
    assert_eq!(after, before, "every row is still there");
}

#[tokio::test]
async fn a_commission_is_never_removed_and_moves_only_along_the_allowed_transitions() {
    let app = spawn_app().await;
    money_in_every_table(&app).await;
    let states = || -> Vec<(String, String, i64)> {
        diesel::sql_query(
            "SELECT v.order_ref AS order_ref, c.state AS state, c.amount AS amount \
             FROM commissions c JOIN conversions v ON v.id = c.conversion_id ORDER BY v.order_ref",
        )
        .load::<StateRow>(&mut *app.conn())
        .unwrap()
        .into_iter()
        .map(|r| (r.order_ref, r.state, r.amount))
        .collect()
    };
    let before = states();
    let expected = [
        ("A-1", "approved"),
        ("A-2", "rejected"),
        ("A-3", "pending"),
        ("A-4", "rejected"),
    ];
    assert_eq!(
        before
            .iter()
            .map(|(o, s, _)| (o.as_str(), s.as_str()))
            .collect::<Vec<_>>(),
        expected
    );
    let mut app_conn = app.app_conn();
    let portal: &mut AnyConnection = &mut app_conn;

    let error = refused(portal, "DELETE FROM commissions");
    match app.kind() {
        DatabaseKind::Postgres => {
            assert!(error.contains("permission denied"), "{error}");
            let error = refused(&mut app.conn(), "DELETE FROM commissions");
            assert!(error.contains("never removed"), "the owner too: {error}");
        }
        DatabaseKind::Sqlite => assert!(error.contains("never removed"), "{error}"),
    }

    // Transitions the portal never makes are refused to its role (and to the owner).
    for (order, set) in [
        ("A-2", "state = 'approved'"),
        ("A-1", "state = 'pending'"),
        ("A-1", "state = 'rejected'"),
        ("A-1", "amount = amount + 100"),
        ("A-1", "state = 'reversed', amount = 1"),
        // Rejected after its locking date is final: it is never reopened.
        ("A-2", "state = 'pending'"),
        ("A-4", "state = 'approved'"),
    ] {
        let statement = format!(
            "UPDATE commissions SET {set} WHERE {}",
            commission_of(order)
        );
        let error = refused(portal, &statement);
        assert!(error.contains("allowed transition"), "{statement}: {error}");
        if app.kind() == DatabaseKind::Postgres {
            let error = refused(&mut app.conn(), &statement);
            assert!(
                error.contains("allowed transition"),
                "owner: {statement}: {error}"
            );
        }
    }
    // The facts of the order never change.
    for set in [
        "participant_id = participant_id + 1",
        "rate_percent = '99'",
        "currency = 'USD'",
        "kind = 'return', reverses_id = id",
    ] {
        let statement = format!(
            "UPDATE commissions SET {set} WHERE {}",
            commission_of("A-3")
        );
        let error = refused(portal, &statement);
        match app.kind() {
            DatabaseKind::Postgres => {
                assert!(error.contains("permission denied"), "{statement}: {error}");
                let error = refused(&mut app.conn(), &statement);
                assert!(
                    error.contains("never change"),
                    "owner: {statement}: {error}"
                );
            }
            DatabaseKind::Sqlite => assert!(error.contains("never change"), "{statement}: {error}"),
        }
    }
    // The locking date is fixed on arrival: the portal's role cannot move it (only the owner,
    // as the tests' passing of time does).
    if app.kind() == DatabaseKind::Postgres {
        let statement = format!(
            "UPDATE commissions SET locks_at = '2000-01-01 00:00:00' WHERE {}",
            commission_of("A-3")
        );
        let error = refused(portal, &statement);
        assert!(error.contains("permission denied"), "{statement}: {error}");
    }
    assert_eq!(states(), before, "nothing changed");

    // What the portal does is allowed: a rejection reopened by the advertiser before the
    // locking date, a pending one rejected, an approved one reversed.
    for (order, set) in [
        ("A-4", "state = 'pending', decided_at = NULL"),
        ("A-3", "state = 'rejected', reason = 'test'"),
        ("A-1", "state = 'reversed', reason = 'test'"),
    ] {
        portal
            .batch_execute(&format!(
                "UPDATE commissions SET {set} WHERE {}",
                commission_of(order)
            ))
            .unwrap_or_else(|e| panic!("{order} {set}: {e}"));
    }
    drop(app_conn);
    let after: Vec<(String, String)> = states().into_iter().map(|(o, s, _)| (o, s)).collect();
    assert_eq!(
        after,
        [
            ("A-1".to_owned(), "reversed".to_owned()),
            ("A-2".into(), "rejected".into()),
            ("A-3".into(), "rejected".into()),
            ("A-4".into(), "pending".into()),
        ]
    );
}

#[derive(QueryableByName)]
struct StateRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    order_ref: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    state: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    amount: i64,
}

/// Every table whose triggers refuse changes is in the one list the grants read, and every
/// table of the list has such triggers: a new append-only table cannot be forgotten in either.
#[tokio::test]
async fn the_append_only_list_names_exactly_the_tables_with_refusing_triggers() {
    let app = spawn_app().await;
    #[derive(QueryableByName)]
    struct Table {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    let query = match app.kind() {
        // Triggers that fire on UPDATE (tgtype bit 16) and call a refusing function.
        DatabaseKind::Postgres => {
            "SELECT DISTINCT c.relname::TEXT AS name FROM pg_trigger t \
             JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_proc p ON p.oid = t.tgfoid \
             WHERE NOT t.tgisinternal AND t.tgtype & 16 <> 0 AND p.proname LIKE 'refuse%' \
             ORDER BY 1"
        }
        DatabaseKind::Sqlite => {
            "SELECT DISTINCT tbl_name AS name FROM sqlite_master \
             WHERE type = 'trigger' AND sql LIKE '%BEFORE UPDATE%' AND sql LIKE '%append-only%' \
             ORDER BY 1"
        }
    };
    let with_triggers: Vec<String> = diesel::sql_query(query)
        .load::<Table>(&mut *app.conn())
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    let mut listed: Vec<String> = APPEND_ONLY_TABLES.iter().map(|t| t.to_string()).collect();
    listed.sort();
    assert_eq!(with_triggers, listed);
}

/// The click log's months are created and dropped at run time, which needs the table's owner:
/// the portal's role does it through the owner's two functions and can do nothing else of the
/// kind; on SQLite old clicks are deleted.
#[tokio::test]
async fn the_portals_role_makes_and_drops_click_months_only_through_the_owners_functions() {
    use chrono::NaiveDate;
    use portal::tracking::retention;
    let app = spawn_app().await;
    let p = app.add_ready_publisher("oud@koopjes.nl");
    let month = NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
    let mut app_conn = app.app_conn();
    let portal: &mut AnyConnection = &mut app_conn;
    if let AnyConnection::Postgresql(c) = portal {
        retention::ensure_month(c, month).unwrap();
    }
    let ms = month
        .and_hms_opt(12, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    let click = PlantedClick {
        click_id: ((u128::from(ms as u64) << 80) | 1).to_be_bytes().to_vec(),
        clicked_at: ms,
        day: portal::tracking::day_number(month),
        programme_id: app.programme_id(),
        channel_id: p.channel_id,
        participant_id: p.participant_id,
        ip_hash: vec![0; 16],
        user_agent: "Mozilla/5.0 (oud)",
        credited: true,
        reason: None,
    };
    plant_click(portal, click);
    if app.kind() == DatabaseKind::Postgres {
        for statement in [
            "DROP TABLE clicks_2021_03",
            "CREATE TABLE clicks_2099_01 PARTITION OF clicks FOR VALUES FROM ('\\x00') TO ('\\x01')",
            "ALTER TABLE clicks DETACH PARTITION clicks_2021_03",
            "ALTER TABLE clicks DISABLE TRIGGER clicks_roll_up",
        ] {
            let error = refused(portal, statement);
            assert!(
                error.contains("must be owner") || error.contains("permission denied"),
                "{statement}: {error}"
            );
        }
        // The owner's function drops only months that have ended.
        let this_month = chrono::Utc::now().date_naive();
        let error = diesel::sql_query("SELECT drop_click_partition($1)")
            .bind::<diesel::sql_types::Date, _>(this_month)
            .execute(portal)
            .unwrap_err()
            .to_string();
        assert!(error.contains("only a month that has ended"), "{error}");
    }
    let today = chrono::Utc::now().date_naive();
    let removed = retention::run(portal, today, 25).unwrap();
    match app.kind() {
        DatabaseKind::Postgres => assert_eq!(removed.months, ["2021_03"]),
        DatabaseKind::Sqlite => assert_eq!(removed.deleted, 1),
    }
    drop(app_conn);
    assert_eq!(app.click_count(), 0);
    // The statistics of the month stay.
    let kept: i64 = rows(&app, "click_days");
    assert_eq!(kept, 1);
}

/// A fresh database: the owner migrates it at the portal's start and grants the portal's role
/// its rights. The start is refused when the portal's role could alter tables (one role named
/// as both, or a portal's role owning a table) or the owner's URL names another database; and
/// without `PORTAL_MIGRATION_DATABASE_URL` one role still migrates and serves.
#[test]
fn the_owner_migrates_a_fresh_database_and_a_portal_role_that_could_alter_tables_is_refused() {
    let database = TestDatabase::empty();
    let settings = common::test_settings(&database);
    let pool = portal::startup::prepare_database(&settings).expect("the portal starts");
    let programmes: i64 = portal::db::schema::programmes::table
        .count()
        .get_result(&mut *pool.get().unwrap())
        .unwrap();
    assert_eq!(programmes, 1, "seeded by the portal's role");
    if let Some(owner) = &database.owner {
        let mut both = settings.clone();
        both.database = owner.clone();
        let error = portal::startup::prepare_database(&both)
            .expect_err("one role for both is refused")
            .to_string();
        assert!(error.contains("both the role"), "{error}");
        // The portal's role cannot write diesel's record of migrations.
        let error = refused(
            &mut pool.get().unwrap(),
            "DELETE FROM __diesel_schema_migrations",
        );
        assert!(error.contains("permission denied"), "{error}");
        // A portal's role that owns a table (given one by the owner, who must first let it
        // create in the schema) is refused at start.
        let mut owner_conn = portal::db::connect(owner).unwrap().get().unwrap();
        owner_conn
            .batch_execute(&format!(
                "GRANT CREATE ON SCHEMA public TO {role};
                 ALTER TABLE programme_texts OWNER TO {role};
                 REVOKE CREATE ON SCHEMA public FROM {role};",
                role = common::APP_ROLE
            ))
            .unwrap();
        let error = portal::startup::prepare_database(&settings)
            .expect_err("a portal's role owning a table is refused")
            .to_string();
        assert!(
            error.contains("owns, or is a member of the owner of, 2 objects"),
            "{error}"
        );
        assert!(
            error.contains("(programme_texts, programme_texts_id_seq)"),
            "{error}"
        );
        owner_conn
            .batch_execute("ALTER TABLE programme_texts OWNER TO CURRENT_USER")
            .unwrap();
        portal::startup::prepare_database(&settings).expect("starts again once it owns nothing");

        // One role migrating and serving, as before (a warning says what it could do).
        let alone = TestDatabase::empty();
        let mut one_role = common::test_settings(&alone);
        one_role.database = alone.owner_settings().clone();
        one_role.migration_database = None;
        let pool = portal::startup::prepare_database(&one_role).expect("one role starts");
        let programmes: i64 = portal::db::schema::programmes::table
            .count()
            .get_result(&mut *pool.get().unwrap())
            .unwrap();
        assert_eq!(programmes, 1);
        // The owner's URL must name the portal's database.
        let mut elsewhere = settings.clone();
        elsewhere.migration_database = alone.owner.clone();
        let error = portal::startup::prepare_database(&elsewhere)
            .expect_err("another database's owner is refused")
            .to_string();
        assert!(error.contains("they must be one"), "{error}");
    }
}
