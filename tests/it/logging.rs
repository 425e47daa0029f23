//! What the portal writes to its log (security issues 6 and 15): one line per request with method,
//! path, status, duration and the TCP peer (never a forged `X-Forwarded-For`), tokens in paths
//! redacted; failed logins and refused forms logged. One test owns the process's subscriber, in a
//! process of its own (this test binary again, that test alone); the other runs the binary.

use crate::common;

use std::sync::{Arc, Mutex};

use crate::common::{spawn_app, PASSWORD};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// Set in the process that runs `logged_alone` by itself.
const ALONE: &str = "PORTAL_TEST_LOGGING_ALONE";

/// The log subscriber is the process's: in this binary it would also hear every other test's
/// app (their pages, refusals and failed logins), so the test runs alone, in a process of its own.
#[test]
fn requests_refusals_and_failed_logins_are_logged_without_tokens_or_forged_addresses() {
    // On Linux /proc/self/exe: this very binary, even when a newer build replaced its file.
    let binary = if cfg!(target_os = "linux") {
        std::path::PathBuf::from("/proc/self/exe")
    } else {
        std::env::current_exe().expect("the test binary")
    };
    let output = std::process::Command::new(binary)
        .args([
            "--exact",
            "logging::logged_alone",
            "--include-ignored",
            "--test-threads=1",
        ])
        .env(ALONE, "1")
        .output()
        .expect("run the test binary");
    let out = String::from_utf8_lossy(&output.stdout);
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{out}{err}");
    assert!(out.contains("1 passed"), "the test ran: {out}{err}");
}

#[tokio::test]
#[ignore = "run alone, in a process of its own, by the test above"]
async fn logged_alone() {
    if std::env::var_os(ALONE).is_none() {
        return;
    }
    let captured = Captured::default();
    let writer = captured.clone();
    tracing_subscriber::fmt()
        .with_env_filter("info")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .init();
    let app = spawn_app().await;
    app.add_ready_publisher("anna@example.nl");

    // A page, a 404 on an activation link, a reset link, a forged forwarded address.
    app.get("/en/programmes/aliexpress").await;
    let token = "a".repeat(43);
    app.get(&format!("/activate/{token}")).await;
    app.get(&format!("/en/password/reset/{token}")).await;
    app.client
        .get(app.url("/en/"))
        .header("x-forwarded-for", "6.6.6.6")
        .send()
        .await
        .unwrap();
    // A form without its CSRF token, and a wrong password.
    app.client
        .post(app.url("/en/login"))
        .form(&[("email", "anna@example.nl"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    app.log_in(
        &app.new_client(),
        "en",
        "anna@example.nl",
        "not the password at all",
    )
    .await;

    let log = captured.text();
    let line = |needle: &str| {
        log.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle} in:\n{log}"))
            .to_owned()
    };
    let page = line("path=/en/programmes/aliexpress ");
    assert!(
        page.contains("method=GET") && page.contains("status=200"),
        "{page}"
    );
    assert!(
        page.contains("ms=") && page.contains("peer=127.0.0.1"),
        "{page}"
    );
    assert!(!log.contains(&token), "a token reached the log");
    assert!(line("path=/activate/…").contains("status="));
    assert!(line("path=/en/password/reset/…").contains("status="));
    assert!(!log.contains("6.6.6.6"), "a forged address was logged");
    assert!(line("CSRF token").contains("WARN"));
    assert!(line("status=403").contains("WARN"));
    let failed = line("login failed");
    assert!(
        failed.contains("WARN") && failed.contains("peer=127.0.0.1"),
        "{failed}"
    );
    assert!(
        !failed.contains("anna@example.nl"),
        "no address in the log: {failed}"
    );
}

/// Issue 21 point 11: a command whose standard error is a pipe (a script, a service manager)
/// writes plain log lines, without the terminal's colour codes.
#[test]
fn a_command_logging_into_a_pipe_writes_no_colour_codes() {
    let database = common::TestDatabase::new();
    let output = common::binary::portal(&database)
        .env_remove("PORTAL_LOG_FORMAT")
        .env("RUST_LOG", "info")
        .arg("migrate")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .output()
        .expect("run portal migrate");
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{log}");
    assert!(log.contains("database ready"), "the log is written: {log}");
    assert!(
        !log.contains("\x1b["),
        "colour codes in a piped log: {log:?}"
    );
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(!out.contains("\x1b["), "{out:?}");
}
