//! `portal admin create`: account managers are made from the command line, never with a default
//! password.

use crate::common;
use crate::common::ReviewState;

use std::io::Write;
use std::process::{Command, Stdio};

use crate::common::TestDatabase;
use diesel::prelude::*;
use portal::db::schema::accounts;

fn admin_create(database: &TestDatabase, email: &str, password: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_portal"))
        .args(["admin", "create", "--email", email, "--lang", "en"])
        .env("PORTAL_DATABASE_URL", &database.settings.url)
        .env("PORTAL_DATA_DIR", database.data_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run portal");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{password}\n").as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn creates_an_account_manager_with_an_argon2id_hash() {
    let database = TestDatabase::new();
    let output = admin_create(&database, "Manager@Example.org", "a long enough secret");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let pool = portal::db::connect(&database.settings).unwrap();
    let mut conn = pool.get().unwrap();
    let (email, role, hash, activated): (String, String, String, Option<chrono::NaiveDateTime>) =
        accounts::table
            .select((
                accounts::email,
                accounts::role,
                accounts::password_hash,
                accounts::activated_at,
            ))
            .first(&mut conn)
            .unwrap();
    assert_eq!(email, "manager@example.org");
    assert_eq!(role, "manager");
    assert!(hash.starts_with("$argon2id$"));
    assert!(portal::domain::password::verify(
        "a long enough secret",
        &hash
    ));
    assert!(activated.is_some());

    // The same address again is refused, in one line.
    let again = admin_create(&database, "manager@example.org", "another long secret");
    assert!(!again.status.success());
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("exists already"), "{stderr}");
}

#[test]
fn refuses_a_short_password_or_a_bad_address() {
    let database = TestDatabase::new();
    let short = admin_create(&database, "m@example.org", "short");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 12"));

    let bad = admin_create(&database, "not-an-address", "a long enough secret");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--email"));

    let empty = admin_create(&database, "m@example.org", "");
    assert!(!empty.status.success());
}

/// Security 11: a manager's password meets the policy every account's password meets: not a
/// common password, not the address's name.
#[test]
fn a_common_password_or_one_with_the_address_is_refused_for_a_manager() {
    let database = TestDatabase::new();
    for (email, password) in [
        ("boss@example.org", "password1234"),
        ("jansen@example.org", "jansen-is-de-baas-hier"),
    ] {
        let output = admin_create(&database, email, password);
        assert!(!output.status.success(), "{email}: {password} was accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("password"), "{stderr}");
    }
    let pool = portal::db::connect(&database.settings).unwrap();
    let mut conn = pool.get().unwrap();
    portal::db::run_migrations(&mut conn).unwrap();
    let count: i64 = accounts::table.count().get_result(&mut conn).unwrap();
    assert_eq!(count, 0);
}

/// `portal admin disable|enable --email …` on the app's database: (success, stdout, stderr).
fn admin_access(app: &common::TestApp, command: &str, email: &str) -> (bool, String, String) {
    let output = common::binary::portal(app.database())
        .args(["admin", command, "--email", email])
        .output()
        .expect("run portal");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Issue 21, point 4: a manager who leaves is disabled from the server's command line too: the
/// session ends at once, the login is refused, an audit line names the command; the last
/// administrator cannot be disabled; `enable` lets the manager in again.
#[tokio::test]
async fn portal_admin_disable_ends_a_managers_sessions_and_enable_lets_them_in_again() {
    let app = common::spawn_app().await;
    let jan = app.add_manager("jan@partnerlink.nl");
    let boss = app.add_manager("baas@partnerlink.nl");
    app.make_administrator(boss);
    let browser = app.client_for("jan@partnerlink.nl").await;

    let (ok, out, err) = admin_access(&app, "disable", "Jan@Partnerlink.nl");
    assert!(ok, "{err}");
    assert!(out.contains("jan@partnerlink.nl disabled"), "{out}");
    let r = browser.get(app.url("/en/manage")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    assert!(common::location(&r).starts_with("/en/login"));
    let r = app
        .log_in(
            &app.new_client(),
            "en",
            "jan@partnerlink.nl",
            common::PASSWORD,
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("has been disabled"));
    let line = common::audit::only(&app, "manager_disabled");
    assert_eq!(line.actor, "command: portal admin disable");
    assert_eq!(line.subject, format!("account {jan}"));

    // The only administrator stays; an address that is no manager is said to be none.
    let (ok, _, err) = admin_access(&app, "disable", "baas@partnerlink.nl");
    assert!(!ok);
    assert!(err.contains("last administrator"), "{err}");
    app.add_publisher("anna@example.nl", ReviewState::Approved);
    for email in ["anna@example.nl", "nobody@example.nl"] {
        let (ok, _, err) = admin_access(&app, "disable", email);
        assert!(!ok, "{email}");
        assert!(err.contains("there is no account manager"), "{err}");
    }
    let (ok, _, err) = admin_access(&app, "disable", "not an address");
    assert!(!ok);
    assert!(err.contains("--email"), "{err}");

    let (ok, out, err) = admin_access(&app, "enable", "jan@partnerlink.nl");
    assert!(ok, "{err}");
    assert!(out.contains("enabled again"), "{out}");
    assert_eq!(
        common::audit::only(&app, "manager_enabled").actor,
        "command: portal admin enable"
    );
    app.login_as(&browser, "jan@partnerlink.nl").await;
}
