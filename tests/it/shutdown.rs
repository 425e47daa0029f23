//! SIGTERM and SIGKILL under load: the real binary is stopped or killed while clicks keep
//! coming, and every redirect a visitor received is a stored click. On SIGTERM the server exits
//! cleanly; after SIGKILL it starts again on the same database and serves.

use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::common::binary::{
    self, demo_link, log_and_rollups, serve, serve_with, stored_clicks, until_redirects, Server,
};
use crate::common::TestDatabase;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_loses_no_acknowledged_click() {
    let database = TestDatabase::new();
    let link_path = demo_link(&database);

    let Server {
        child: mut server,
        port,
        log,
        ..
    } = serve(&database);
    // 32 visitors click until the server stops answering; it is asked to stop under way.
    let (redirects, visitors) = binary::visitors(port, &link_path, 32).await;
    until_redirects(&redirects, 300).await;
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

/// Security issue 14, fault tests: SIGKILL in the middle of the click load. No redirect is
/// sent before its click is on disk, so none of those received is lost; the database recovers
/// when the server starts again, and the link works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_load_loses_no_acknowledged_click_and_the_server_starts_again() {
    sigkill_under_load("flushed").await;
}

/// The same in `committed` mode (issue 15): a click is answered once committed, before its
/// flush, and still survives SIGKILL — the operating system has it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_under_load_in_committed_mode_loses_no_acknowledged_click() {
    sigkill_under_load("committed").await;
}

async fn sigkill_under_load(durability: &str) {
    let database = TestDatabase::new();
    let link_path = demo_link(&database);
    let Server {
        child: mut server,
        port,
        log,
        ..
    } = serve_with(&database, &[("PORTAL_CLICK_DURABILITY", durability)]);
    let (redirects, visitors) = binary::visitors(port, &link_path, 32).await;
    until_redirects(&redirects, 300).await;
    server.kill().unwrap();
    let status = tokio::task::spawn_blocking(move || server.wait().unwrap())
        .await
        .unwrap();
    assert!(!status.success(), "killed: {status:?}");
    for visitor in visitors {
        visitor.await.unwrap();
    }
    let _ = log.join();
    let received = redirects.load(Ordering::SeqCst) as i64;
    let stored = stored_clicks(&database);
    assert!(received >= 300);
    assert!(
        stored >= received,
        "{received} redirects answered but only {stored} clicks stored"
    );
    // The daily rollups count every stored click once, none twice (issue 15).
    let (log, rollups) = log_and_rollups(&database);
    assert_eq!(log.values().sum::<i64>(), stored);
    assert_eq!(rollups, log, "rollups after SIGKILL");

    // Started again on the same database: it serves, and clicks are stored again.
    let Server {
        child: mut again,
        port,
        log,
        ..
    } = serve(&database);
    let (redirects, visitors) = binary::visitors(port, &link_path, 2).await;
    until_redirects(&redirects, 20).await;
    again.kill().unwrap();
    let _ = tokio::task::spawn_blocking(move || again.wait()).await;
    for visitor in visitors {
        visitor.await.unwrap();
    }
    let _ = log.join();
    assert!(stored_clicks(&database) >= stored + 20);
    let (log, rollups) = log_and_rollups(&database);
    assert_eq!(rollups, log, "rollups after the second SIGKILL");
}
