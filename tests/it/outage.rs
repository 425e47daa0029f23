//! The database unavailable for a few seconds, on the real binary (security issue 14, fault
//! tests). PostgreSQL: the connection goes through a proxy the test cuts. SQLite, which cannot
//! be unreachable: another process holds its write lock. Meanwhile pages that need the
//! database answer a localized 503, and `/click` keeps sending visitors to the advertiser: each
//! click is in the spool on disk before its 302, and stored once the database is back, none
//! lost. Everything recovers by itself.

use crate::common;

use std::time::Duration;

use crate::common::binary::{demo_link, log_and_rollups, portal, stored_clicks, watch_log};
use crate::common::proxy::Proxy;
use crate::common::TestDatabase;
use portal::config::DatabaseKind;

/// SQLite's write lock, held by another connection until `end`.
struct Outage(std::thread::JoinHandle<()>, std::sync::mpsc::Sender<()>);

impl Outage {
    fn end(self) {
        drop(self.1);
        self.0.join().unwrap();
    }
}

/// Another connection takes SQLite's write lock and keeps it until told.
fn hold_sqlite_write_lock(database: &TestDatabase) -> Outage {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let path = database.settings.sqlite_path().unwrap();
    let (release, released) = std::sync::mpsc::channel::<()>();
    let (locked_tx, locked) = std::sync::mpsc::channel();
    let holder = std::thread::spawn(move || {
        let mut conn = diesel::SqliteConnection::establish(path.to_str().unwrap()).unwrap();
        conn.batch_execute("BEGIN IMMEDIATE").unwrap();
        locked_tx.send(()).unwrap();
        let _ = released.recv();
        conn.batch_execute("ROLLBACK").unwrap();
    });
    locked.recv().unwrap();
    Outage(holder, release)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_database_away_pages_answer_503_and_clicks_are_spooled_then_stored() {
    let started = std::time::Instant::now();
    let phase = |what: &str| eprintln!("{:>6.1} s  {what}", started.elapsed().as_secs_f64());
    let database = TestDatabase::new();
    let link_path = demo_link(&database);
    let proxy = match database.kind() {
        DatabaseKind::Postgres => {
            let url = url::Url::parse(&database.settings.url).unwrap();
            let upstream = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(5432));
            let upstream = tokio::net::lookup_host(upstream)
                .await
                .unwrap()
                .next()
                .unwrap();
            Some(Proxy::start(upstream).await)
        }
        DatabaseKind::Sqlite => None,
    };
    let mut command = portal(&database);
    if let Some(proxy) = &proxy {
        let mut url = url::Url::parse(&database.settings.url).unwrap();
        url.set_host(Some("127.0.0.1")).unwrap();
        url.set_port(Some(proxy.port)).unwrap();
        command.env("PORTAL_DATABASE_URL", url.as_str());
    }
    let mut server = command
        .arg("serve")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("start portal serve");
    let (port, log) = watch_log(server.stdout.take().unwrap());
    let port = port.recv_timeout(Duration::from_secs(120)).unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .user_agent("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let click = || async {
        let r = client
            .get(format!("{base}{link_path}"))
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.headers().get("location").cloned())
    };

    // Before: the link works and its click is stored.
    assert_eq!(click().await.0, 302);
    let before = stored_clicks(&database);
    assert_eq!(before, 1);
    // The page whose form is posted while the database is away.
    let signup = client
        .get(format!("{base}/nl/signup"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = common::csrf_token(&signup).unwrap();

    let outage = match &proxy {
        Some(proxy) => {
            proxy.cut();
            None
        }
        None => Some(hold_sqlite_write_lock(&database)),
    };

    phase("database away");
    // Clicks still reach the advertiser, each with its click id.
    let mut redirects = 0;
    for _ in 0..5 {
        let (status, location) = click().await;
        assert_eq!(status, 302, "a click while the database is away");
        let location = location.unwrap();
        assert!(location.to_str().unwrap().contains("click_id="));
        redirects += 1;
        phase("a click redirected");
    }
    // A page that writes (PostgreSQL: any page) answers 503 in the visitor's language.
    let r = client
        .post(format!("{base}/nl/signup"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "nieuw@koopjes.nl"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 503);
    assert_eq!(r.headers()["retry-after"], "5");
    let page = r.text().await.unwrap();
    assert!(page.contains("<html lang=\"nl\""), "{page}");
    assert!(
        page.contains("Het portaal is even niet bereikbaar"),
        "{page}"
    );
    if proxy.is_some() {
        let r = client
            .get(format!("{base}/en/programmes/aliexpress"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 503);
        assert!(r
            .text()
            .await
            .unwrap()
            .contains("The portal is unavailable for a moment"));
    }
    phase("pages answered 503");
    // The spooled clicks are on disk, not in the database yet.
    let spool = database.data_dir().join("spool").join("clicks.jsonl");
    let spooled = std::fs::read_to_string(&spool).unwrap_or_default();
    assert_eq!(spooled.lines().count(), redirects, "{spooled}");

    // The database is back: the spool is stored by itself, each click once.
    match (outage, &proxy) {
        (Some(outage), _) => outage.end(),
        (None, Some(proxy)) => proxy.restore(),
        (None, None) => unreachable!(),
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while stored_clicks(&database) < before + redirects as i64 {
        assert!(
            std::time::Instant::now() < deadline,
            "the spooled clicks were not stored within 60 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(stored_clicks(&database), before + redirects as i64);
    phase("spool stored");
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while std::fs::metadata(&spool).map(|m| m.len()).unwrap_or(0) > 0 {
        assert!(std::time::Instant::now() < deadline, "the spool stays full");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Pages and clicks work as before.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let r = client
            .get(format!("{base}/en/programmes/aliexpress"))
            .send()
            .await
            .unwrap();
        if r.status() == 200 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "pages did not recover"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    phase("pages back");
    assert_eq!(click().await.0, 302);
    assert_eq!(stored_clicks(&database), before + redirects as i64 + 1);
    // The spooled clicks are in the daily rollups once each, like the others (issue 15).
    let (counted, rollups) = log_and_rollups(&database);
    assert_eq!(rollups, counted, "rollups after the spool was stored");
    phase("clicks back");

    server.kill().unwrap();
    let _ = server.wait();
    let log = log.join().unwrap();
    assert!(log.contains("clicks spooled"), "{log}");
    assert!(log.contains("spooled clicks stored"), "{log}");
}
