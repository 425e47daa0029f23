//! Migrations, seeding and configuration against the real database.

use crate::common::{test_settings, TestDatabase};
use diesel::prelude::*;
use portal::db::schema::*;

#[test]
fn migrations_and_seed_apply_twice_without_harm() {
    let database = TestDatabase::new();
    let settings = test_settings(&database);
    let pool = portal::startup::prepare_database(&settings).expect("first start");
    let mut conn = pool.get().unwrap();
    let counts = |conn: &mut portal::db::AnyConnection| -> (i64, i64, i64, i64) {
        (
            programmes::table.count().get_result(conn).unwrap(),
            commission_rates::table.count().get_result(conn).unwrap(),
            rule_clauses::table.count().get_result(conn).unwrap(),
            programme_texts::table.count().get_result(conn).unwrap(),
        )
    };
    let first = counts(&mut conn);
    assert_eq!(first.0, 1);
    assert_eq!(first.1, 3);
    assert!(first.2 > 60, "all clauses A-G seeded: {}", first.2);

    // Second start: nothing applied again, nothing duplicated.
    assert_eq!(portal::db::run_migrations(&mut conn).unwrap(), 0);
    assert_eq!(portal::programme::seed::apply(&mut conn).unwrap(), 0);
    drop(conn);
    let pool = portal::startup::prepare_database(&settings).expect("second start");
    let mut conn = pool.get().unwrap();
    assert_eq!(counts(&mut conn), first);
}

#[test]
fn seeding_never_overwrites_an_edited_programme() {
    let database = TestDatabase::new();
    let settings = test_settings(&database);
    let pool = portal::startup::prepare_database(&settings).unwrap();
    let mut conn = pool.get().unwrap();
    diesel::update(programmes::table)
        .set(programmes::landing_url.eq("https://example.org/edited"))
        .execute(&mut conn)
        .unwrap();
    drop(conn);
    let pool = portal::startup::prepare_database(&settings).unwrap();
    let mut conn = pool.get().unwrap();
    let url: String = programmes::table
        .select(programmes::landing_url)
        .first(&mut conn)
        .unwrap();
    assert_eq!(url, "https://example.org/edited");
}

/// Every column in schema.rs exists in the migrated database with a loadable type.
#[test]
fn schema_matches_migrations() {
    let database = TestDatabase::new();
    let pool = portal::startup::prepare_database(&test_settings(&database)).unwrap();
    let mut conn = pool.get().unwrap();
    let conn = &mut *conn;
    programmes::table
        .select(programmes::all_columns)
        .load::<(
            i64,
            String,
            String,
            String,
            String,
            String,
            String,
            String,
            chrono::NaiveDateTime,
            i32,
            i64,
            i32,
        )>(conn)
        .unwrap();
    programme_texts::table
        .select(programme_texts::all_columns)
        .load::<(i64, i64, String, String, i32, String)>(conn)
        .unwrap();
    commission_groups::table
        .select(commission_groups::all_columns)
        .load::<(i64, i64, String, i32)>(conn)
        .unwrap();
    commission_group_texts::table
        .select(commission_group_texts::all_columns)
        .load::<(i64, String, String, String)>(conn)
        .unwrap();
    commission_rates::table
        .select(commission_rates::all_columns)
        .load::<(
            i64,
            i64,
            String,
            chrono::NaiveDateTime,
            chrono::NaiveDateTime,
        )>(conn)
        .unwrap();
    programme_policies::table
        .select(programme_policies::all_columns)
        .load::<(i64, String, String, i32, Option<String>, Option<String>)>(conn)
        .unwrap();
    programme_contacts::table
        .select(programme_contacts::all_columns)
        .load::<(i64, i64, String, String, Option<String>, i32)>(conn)
        .unwrap();
    rule_sections::table
        .select(rule_sections::all_columns)
        .load::<(i64, i64, String, String, i32)>(conn)
        .unwrap();
    rule_clauses::table
        .select(rule_clauses::all_columns)
        .load::<(i64, i64, String, String, String, i32, String, i32)>(conn)
        .unwrap();
    accounts::table
        .select(accounts::all_columns)
        .load::<(
            i64,
            String,
            String,
            String,
            String,
            chrono::NaiveDateTime,
            Option<chrono::NaiveDateTime>,
            bool,
            Option<chrono::NaiveDateTime>,
        )>(conn)
        .unwrap();
    type Time = chrono::NaiveDateTime;
    participants::table
        .select(participants::all_columns)
        .load::<(i64, i64, String, String, String, String, Time, Option<Time>)>(conn)
        .unwrap();
    channels::table
        .select(channels::all_columns)
        .load::<(
            i64,
            i64,
            String,
            String,
            String,
            String,
            String,
            String,
            Option<String>,
            Time,
            Time,
            Option<String>,
            Option<i64>,
            Option<Time>,
            bool,
            Option<String>,
        )>(conn)
        .unwrap();
    registration_bans::table
        .select(registration_bans::all_columns)
        .load::<(
            i64,
            String,
            String,
            String,
            Time,
            Option<i64>,
            Option<i64>,
            Option<Time>,
            Option<i64>,
            Option<String>,
        )>(conn)
        .unwrap();
    brand_terms::table
        .select(brand_terms::all_columns)
        .load::<(i64, String, String, Option<i64>, Time)>(conn)
        .unwrap();
    programme_domains::table
        .select(programme_domains::all_columns)
        .load::<(i64, String)>(conn)
        .unwrap();
    memberships::table
        .select(memberships::all_columns)
        .load::<(
            i64,
            i64,
            i64,
            String,
            Option<String>,
            Time,
            Option<i64>,
            Option<Time>,
        )>(conn)
        .unwrap();
    clicks::table
        .select(clicks::all_columns)
        .load::<(
            Vec<u8>,
            i64,
            i32,
            i64,
            i64,
            i64,
            Option<i64>,
            Option<String>,
            Vec<u8>,
            i64,
            Option<i64>,
            bool,
            Option<String>,
        )>(conn)
        .unwrap();
    user_agents::table
        .select(user_agents::all_columns)
        .load::<(i64, String)>(conn)
        .unwrap();
    referrers::table
        .select(referrers::all_columns)
        .load::<(i64, String)>(conn)
        .unwrap();
    programme_secrets::table
        .select(programme_secrets::all_columns)
        .load::<(i64, i64, String, Time, Option<Time>)>(conn)
        .unwrap();
    signatures_seen::table
        .select(signatures_seen::all_columns)
        .load::<(String, i64)>(conn)
        .unwrap();
    login_addresses::table
        .select(login_addresses::all_columns)
        .load::<(i64, Vec<u8>, Time)>(conn)
        .unwrap();
    conversions::table
        .select(conversions::all_columns)
        .load::<(
            i64,
            i64,
            String,
            String,
            Option<i64>,
            Option<i64>,
            i64,
            String,
            i64,
            i64,
            bool,
            String,
            String,
            Time,
            Time,
            Time,
            String,
            Option<i64>,
            Option<i64>,
            String,
            Option<bool>,
        )>(conn)
        .unwrap();
    commissions::table
        .select(commissions::all_columns)
        .load::<(
            i64,
            i64,
            i64,
            String,
            Option<i64>,
            String,
            i64,
            String,
            String,
            Option<String>,
            bool,
            Time,
            Time,
            Option<Time>,
        )>(conn)
        .unwrap();
    commission_events::table
        .select(commission_events::all_columns)
        .load::<(
            i64,
            i64,
            String,
            i64,
            Option<String>,
            String,
            Option<i64>,
            Time,
        )>(conn)
        .unwrap();
    bank_accounts::table
        .select(bank_accounts::all_columns)
        .load::<(i64, i64, String, String, Time)>(conn)
        .unwrap();
    payout_runs::table
        .select(payout_runs::all_columns)
        .load::<(i64, String, Time, Option<i64>, Option<Time>)>(conn)
        .unwrap();
    bank_files::table
        .select(bank_files::all_columns)
        .load::<(i64, i64, String, Time, i32, i64, String, String)>(conn)
        .unwrap();
    payouts::table
        .select(payouts::all_columns)
        .load::<(i64, i64, i64, i64, String, String, String, Time)>(conn)
        .unwrap();
    ledger_entries::table
        .select(ledger_entries::all_columns)
        .load::<(
            i64,
            i64,
            String,
            i64,
            String,
            Option<i64>,
            Option<i64>,
            Option<String>,
            Time,
            Option<i64>,
            Option<i64>,
        )>(conn)
        .unwrap();
    audit_log::table
        .select(audit_log::all_columns)
        .load::<(
            i64,
            Time,
            Option<i64>,
            String,
            Option<String>,
            String,
            String,
            Option<i64>,
            Option<String>,
            Option<String>,
        )>(conn)
        .unwrap();
    holidays::table
        .select(holidays::all_columns)
        .load::<(chrono::NaiveDate, String)>(conn)
        .unwrap();
    objections::table
        .select(objections::all_columns)
        .load::<(
            i64,
            i64,
            String,
            Time,
            chrono::NaiveDate,
            Option<String>,
            Option<String>,
            Option<i64>,
            Option<Time>,
            String,
            i64,
            Option<String>,
        )>(conn)
        .unwrap();
    rules_versions::table
        .select(rules_versions::all_columns)
        .load::<(i64, i64, i32, String, String, Time, Option<i64>, String)>(conn)
        .unwrap();
}

#[test]
fn bad_database_url_stops_start_up_with_a_clear_message() {
    // Not a supported scheme: refused while reading the settings, naming the variable.
    let err = portal::config::Settings::from_lookup(|name| match name {
        "PORTAL_DATABASE_URL" => Some("mysql://localhost/portal".into()),
        "PORTAL_DATA_DIR" => Some(std::env::temp_dir().to_string_lossy().into_owned()),
        _ => None,
    })
    .unwrap_err();
    assert!(err.to_string().starts_with("PORTAL_DATABASE_URL:"), "{err}");

    // A PostgreSQL server that is not there: start-up fails fast with the reason, and no SQLite
    // file named after the URL appears.
    let settings = portal::config::Settings::from_lookup(|name| match name {
        "PORTAL_DATABASE_URL" => Some("postgres://nobody@127.0.0.1:1/none".into()),
        "PORTAL_DATA_DIR" => Some(std::env::temp_dir().to_string_lossy().into_owned()),
        _ => None,
    })
    .unwrap();
    let started = std::time::Instant::now();
    let err = portal::startup::prepare_database(&settings).unwrap_err();
    assert!(
        format!("{err:#}").contains("cannot connect to the database"),
        "{err:#}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(30));
    assert!(!std::path::Path::new("postgres:").exists());
}

#[test]
fn the_binary_reports_a_bad_variable_in_one_line() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_portal"))
        .arg("migrate")
        .env("PORTAL_DATABASE_URL", "oracle://db")
        .output()
        .expect("run portal");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("PORTAL_DATABASE_URL"), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

/// Typed ids (`portal::db::ids`) are the same `BIGINT` columns: they go into a filter, an insert
/// and `RETURNING`, and come out of a `Selectable` struct, on both databases.
#[test]
fn typed_ids_are_written_and_read_as_their_numbers() {
    use portal::db::ids::{AccountId, ProgrammeId};

    #[derive(Queryable, Selectable, Debug, PartialEq)]
    #[diesel(table_name = programme_domains)]
    struct Domain {
        programme_id: ProgrammeId,
        domain: String,
    }

    let database = TestDatabase::new();
    let pool = portal::startup::prepare_database(&test_settings(&database)).unwrap();
    let mut conn = pool.get().unwrap();
    let programme: ProgrammeId = programmes::table
        .select(programmes::id)
        .first(&mut conn)
        .unwrap();
    diesel::insert_into(programme_domains::table)
        .values((
            programme_domains::programme_id.eq(programme),
            programme_domains::domain.eq("typed.example"),
        ))
        .execute(&mut conn)
        .unwrap();
    let read: Vec<Domain> = programme_domains::table
        .filter(programme_domains::programme_id.eq(programme))
        .filter(programme_domains::domain.eq("typed.example"))
        .select(Domain::as_select())
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        read,
        vec![Domain {
            programme_id: programme,
            domain: "typed.example".into(),
        }]
    );
    let (id, added_by): (i64, Option<AccountId>) = diesel::insert_into(brand_terms::table)
        .values((
            brand_terms::term.eq("typed"),
            brand_terms::matching.eq("whole_word"),
            brand_terms::added_by.eq(None::<AccountId>),
            brand_terms::created_at.eq(portal::db::now()),
        ))
        .returning((brand_terms::id, brand_terms::added_by))
        .get_result(&mut conn)
        .unwrap();
    assert!(id > 0);
    assert_eq!(added_by, None);
    assert_eq!(
        serde_json::from_str::<ProgrammeId>("12").unwrap(),
        ProgrammeId(12)
    );
    assert!(serde_json::from_str::<ProgrammeId>("\"twelve\"").is_err());
    assert_eq!(programme.to_string(), programme.get().to_string());
}

/// Two instances' periodic jobs (issue 24): while one instance runs a job — its connection holds
/// the job's advisory lock, held here by a second connection of the same database as another
/// instance would — the other skips that round without doing the work; once it is done, the
/// next round runs. A job that panics still lets go. On SQLite (one instance) a job always runs.
#[tokio::test]
async fn a_job_running_on_one_instance_is_skipped_on_another_until_it_is_done() {
    use portal::db::once::{once, Job};
    use portal::db::AnyConnection;
    let app = crate::common::spawn_app().await;
    let mut here = app.pool.get().unwrap();
    let work = |_: &mut AnyConnection| -> Result<&str, diesel::result::Error> { Ok("done") };
    if app.kind() != portal::config::DatabaseKind::Postgres {
        assert_eq!(once(&mut here, Job::Retention, work).unwrap(), Some("done"));
        return;
    }
    let mut elsewhere = app.pool.get().unwrap();
    let lock = |conn: &mut AnyConnection, sql: &str| {
        diesel::sql_query(format!("SELECT {sql}({})", Job::Retention.key()))
            .execute(conn)
            .unwrap();
    };
    lock(&mut elsewhere, "pg_advisory_lock");
    let mut ran = false;
    let skipped = once(
        &mut here,
        Job::Retention,
        |_| -> Result<(), diesel::result::Error> {
            ran = true;
            Ok(())
        },
    )
    .unwrap();
    assert_eq!((skipped, ran), (None, false));
    // Another job is not held up by this one.
    assert_eq!(
        once(&mut here, Job::Maintenance, work).unwrap(),
        Some("done")
    );
    lock(&mut elsewhere, "pg_advisory_unlock");
    assert_eq!(once(&mut here, Job::Retention, work).unwrap(), Some("done"));

    // The job panics on this instance: the lock is released, the other instance can run it.
    let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = once(
            &mut here,
            Job::Retention,
            |_| -> Result<(), diesel::result::Error> { panic!("the job failed") },
        );
    }));
    assert!(panicked.is_err());
    assert_eq!(
        once(&mut elsewhere, Job::Retention, work).unwrap(),
        Some("done")
    );
}
