//! SIGTERM under load: the real binary is stopped while clicks keep coming, and every redirect
//! a visitor received is a stored click. The server exits cleanly.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::TestDatabase;

/// The portal binary on the test's database, listening on a port the system picks; its logs
/// are JSON lines.
fn portal(database: &TestDatabase) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portal"));
    command
        .env("PORTAL_DATABASE_URL", &database.settings.url)
        .env("PORTAL_DATA_DIR", database.data_dir())
        .env("PORTAL_BIND", "127.0.0.1:0")
        .env("PORTAL_BASE_URL", BASE)
        .env("PORTAL_LOG_FORMAT", "json")
        // 32 visitors from one address click as fast as they can: no per-address limit.
        .env("PORTAL_CLICK_LIMIT_PER_MINUTE", "0")
        .env("RUST_LOG", "warn,portal=info");
    command
}

/// The public address the portal is told it has (only the path of its links is used here).
const BASE: &str = "http://portal.test/";

/// Reads the server's log (standard output) until it says where it listens, then keeps reading (so the pipe never
/// fills); the thread returns the whole log.
fn watch_log(
    stdout: std::process::ChildStdout,
) -> (
    std::sync::mpsc::Receiver<u16>,
    std::thread::JoinHandle<String>,
) {
    use std::io::BufRead;
    let (port_tx, port) = std::sync::mpsc::channel();
    let log = std::thread::spawn(move || {
        let mut log = String::new();
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if let Ok(event) = serde_json::from_str::<serde_json::Value>(&line) {
                let fields = &event["fields"];
                if fields["message"] == "portal listening" {
                    let address = fields["address"].as_str().unwrap_or_default();
                    if let Some(port) = address.rsplit(':').next().and_then(|p| p.parse().ok()) {
                        let _ = port_tx.send(port);
                    }
                }
            }
            log.push_str(&line);
            log.push('\n');
        }
        log
    });
    (port, log)
}

/// Creates a ready publisher with `portal admin demo-publisher` and returns the path and query
/// of its tracking link.
fn demo_link(database: &TestDatabase) -> String {
    let mut child = portal(database)
        .args(["admin", "demo-publisher", "--email", "demo@uitgever.nl"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run portal admin demo-publisher");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(common::PASSWORD.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let link = stdout
        .split("tracking link: ")
        .nth(1)
        .expect("the command prints the link")
        .trim();
    let path = link
        .strip_prefix(BASE.trim_end_matches('/'))
        .unwrap_or(link);
    assert!(path.starts_with("/click?p="), "{link}");
    path.to_owned()
}

fn stored_clicks(database: &TestDatabase) -> i64 {
    use diesel::prelude::*;
    use portal::db::schema::clicks;
    let pool = portal::db::connect(&database.settings).unwrap();
    let mut conn = pool.get().unwrap();
    clicks::table.count().get_result(&mut conn).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_loses_no_acknowledged_click() {
    let database = TestDatabase::new();
    let link_path = demo_link(&database);

    let mut server = portal(&database)
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start portal serve");
    let (port, log) = watch_log(server.stdout.take().unwrap());
    let port = port
        .recv_timeout(Duration::from_secs(120))
        .expect("the server says where it listens");
    let link = format!("http://127.0.0.1:{port}{link_path}");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
        .build()
        .unwrap();
    // Listening: the socket is bound before the log line is written.
    let health = format!("http://127.0.0.1:{port}/healthz");
    assert_eq!(client.get(&health).send().await.unwrap().status(), 200);

    // 32 visitors click until the server stops answering.
    let redirects = Arc::new(AtomicU64::new(0));
    let mut visitors = Vec::new();
    for _ in 0..32 {
        let client = client.clone();
        let link = link.clone();
        let redirects = redirects.clone();
        visitors.push(tokio::spawn(async move {
            loop {
                match client.get(&link).send().await {
                    Ok(response) if response.status() == 302 => {
                        let location = response.headers()["location"].to_str().unwrap();
                        assert!(location.contains("click_id="), "{location}");
                        redirects.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(response) => panic!("unexpected answer {}", response.status()),
                    // Refused or closed: the server is stopping.
                    Err(_) => break,
                }
            }
        }));
    }
    // Let the load build up, then ask the server to stop while it is under way.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while redirects.load(Ordering::SeqCst) < 300 {
        assert!(
            std::time::Instant::now() < deadline,
            "300 clicks did not get through in 120 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    // The server stops within its 30 s grace period; a server that hangs fails the test.
    let exited = tokio::task::spawn_blocking(move || {
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        loop {
            if let Some(status) = server.try_wait().unwrap() {
                return Some(status);
            }
            if std::time::Instant::now() > deadline {
                let _ = server.kill();
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    })
    .await
    .unwrap();
    let log = log.join().unwrap();
    let status = exited.unwrap_or_else(|| panic!("the server did not stop on SIGTERM\n{log}"));
    assert!(
        status.success(),
        "the server exits cleanly on SIGTERM: {status:?}\n{log}"
    );
    assert!(log.contains("every click is stored"), "{log}");
    for visitor in visitors {
        visitor.await.unwrap();
    }

    let received = redirects.load(Ordering::SeqCst) as i64;
    let stored = stored_clicks(&database);
    assert!(received >= 300);
    assert!(
        stored >= received,
        "{received} redirects answered but only {stored} clicks stored"
    );
}
