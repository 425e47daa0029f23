//! SIGTERM under load: the real binary is stopped while clicks keep coming, and every redirect
//! a visitor received is a stored click. The server exits cleanly.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::TestDatabase;

fn portal(database: &TestDatabase, port: u16) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_portal"));
    command
        .env("PORTAL_DATABASE_URL", &database.settings.url)
        .env("PORTAL_DATA_DIR", database.data_dir())
        .env("PORTAL_BIND", format!("127.0.0.1:{port}"))
        .env("PORTAL_BASE_URL", format!("http://127.0.0.1:{port}/"))
        .env("RUST_LOG", "warn");
    command
}

fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().port()
}

/// Creates a ready publisher with `portal admin demo-publisher` and returns its tracking link.
fn demo_link(database: &TestDatabase, port: u16) -> String {
    let mut child = portal(database, port)
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
        .trim()
        .to_owned();
    assert!(link.starts_with(&format!("http://127.0.0.1:{port}/click?p=")));
    link
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
    let port = free_port();
    let link = demo_link(&database, port);

    let server = portal(&database, port)
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start portal serve");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
        .build()
        .unwrap();
    let health = format!("http://127.0.0.1:{port}/healthz");
    let mut up = false;
    for _ in 0..200 {
        if client.get(&health).send().await.is_ok() {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(up, "the server did not start");

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
    while redirects.load(Ordering::SeqCst) < 300 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let killed = Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || server.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(
        status.status.success(),
        "the server exits cleanly on SIGTERM: {:?}\n{}",
        status.status,
        String::from_utf8_lossy(&status.stderr)
    );
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
