//! The real `portal` binary as a child process, for the tests that stop, kill or restart it.

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::TestDatabase;

/// The portal binary on the test's database, listening on a port the system picks; its logs
/// are JSON lines.
pub fn portal(database: &TestDatabase) -> Command {
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
    // PostgreSQL: the owner migrates and grants, the portal runs as its own role.
    if let Some(owner) = &database.owner {
        command.env("PORTAL_MIGRATION_DATABASE_URL", &owner.url);
    }
    command
}

/// The public address the portal is told it has (only the path of its links is used here).
pub const BASE: &str = "http://portal.test/";

/// Reads the server's log (standard output) until it says where it listens, then keeps reading (so the pipe never
/// fills); the thread returns the whole log.
pub fn watch_log(
    stdout: std::process::ChildStdout,
) -> (
    std::sync::mpsc::Receiver<u16>,
    std::thread::JoinHandle<String>,
) {
    let (port, log, _) = watch_log_live(stdout);
    (port, log)
}

/// The log so far, while the server runs.
pub type LogSoFar = Arc<std::sync::Mutex<String>>;

/// `watch_log`, and the log as read so far, to wait for a line while the server runs.
pub fn watch_log_live(
    stdout: std::process::ChildStdout,
) -> (
    std::sync::mpsc::Receiver<u16>,
    std::thread::JoinHandle<String>,
    LogSoFar,
) {
    use std::io::BufRead;
    let (port_tx, port) = std::sync::mpsc::channel();
    let so_far = LogSoFar::default();
    let shared = so_far.clone();
    let log = std::thread::spawn(move || {
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
            let mut log = shared.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        }
        let log = shared.lock().unwrap().clone();
        log
    });
    (port, log, so_far)
}

/// Waits until the running server's log holds `text` (at most `seconds`).
pub async fn until_logged(so_far: &LogSoFar, text: &str, seconds: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while !so_far.lock().unwrap().contains(text) {
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not log {text:?} in {seconds} s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

/// Creates a ready publisher with `portal admin demo-publisher` and returns the path and query
/// of its tracking link.
pub fn demo_link(database: &TestDatabase) -> String {
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
        .write_all(super::PASSWORD.as_bytes())
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

pub fn stored_clicks(database: &TestDatabase) -> i64 {
    use diesel::prelude::*;
    use portal::db::schema::clicks;
    let pool = portal::db::connect(&database.settings).unwrap();
    let mut conn = pool.get().unwrap();
    clicks::table.count().get_result(&mut conn).unwrap()
}

/// Rollup buckets: channel, day, sub-ID ('' for none), credited, reason ('' for none), programme.
pub type Bucket = (i64, i32, String, bool, String, i64);

/// Clicks per rollup bucket.
pub type Counts = std::collections::BTreeMap<Bucket, i64>;

/// The click log counted per rollup bucket, and the rollups (`click_days`) as stored: the two
/// must be equal, whatever happened to the server.
pub fn log_and_rollups(database: &TestDatabase) -> (Counts, Counts) {
    use diesel::dsl::count_star;
    use diesel::prelude::*;
    use portal::db::schema::{click_days, clicks};
    let pool = portal::db::connect(&database.settings).unwrap();
    let mut conn = pool.get().unwrap();
    let mut log = std::collections::BTreeMap::new();
    type Raw = (i64, i32, Option<String>, bool, Option<String>, i64, i64);
    let raw: Vec<Raw> = clicks::table
        .group_by((
            clicks::channel_id,
            clicks::day,
            clicks::epi,
            clicks::credited,
            clicks::reason,
            clicks::programme_id,
        ))
        .select((
            clicks::channel_id,
            clicks::day,
            clicks::epi,
            clicks::credited,
            clicks::reason,
            clicks::programme_id,
            count_star(),
        ))
        .load(&mut conn)
        .unwrap();
    for (channel, day, epi, credited, reason, programme, n) in raw {
        let key = (
            channel,
            day,
            epi.unwrap_or_default(),
            credited,
            reason.unwrap_or_default(),
            programme,
        );
        *log.entry(key).or_insert(0) += n;
    }
    let rollups: Vec<(Bucket, i32)> = click_days::table
        .select((
            (
                click_days::channel_id,
                click_days::day,
                click_days::epi,
                click_days::credited,
                click_days::reason,
                click_days::programme_id,
            ),
            click_days::clicks,
        ))
        .load(&mut conn)
        .unwrap();
    let rollups = rollups
        .into_iter()
        .map(|(bucket, n)| (bucket, i64::from(n)))
        .collect();
    (log, rollups)
}

/// The server started with `serve` on the test's database, and where it listens.
pub struct Server {
    pub child: std::process::Child,
    pub port: u16,
    /// The server's whole log, once it has exited.
    pub log: std::thread::JoinHandle<String>,
    /// The log as read so far, while it runs.
    pub so_far: LogSoFar,
}

pub fn serve(database: &TestDatabase) -> Server {
    serve_with(database, &[])
}

/// `serve` with more environment variables.
pub fn serve_with(database: &TestDatabase, env: &[(&str, &str)]) -> Server {
    let mut child = portal(database)
        .envs(env.iter().copied())
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start portal serve");
    let (port, log, so_far) = watch_log_live(child.stdout.take().unwrap());
    let port = port
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("the server says where it listens");
    Server {
        child,
        port,
        log,
        so_far,
    }
}

/// `visitors` visitors click `link_path` until the server stops answering; the count of
/// redirects they received, and their tasks.
pub async fn visitors(
    port: u16,
    link_path: &str,
    count: usize,
) -> (Arc<AtomicU64>, Vec<tokio::task::JoinHandle<()>>) {
    let link = format!("http://127.0.0.1:{port}{link_path}");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .user_agent("Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
        .build()
        .unwrap();
    // Listening: the socket is bound before the log line is written.
    let health = format!("http://127.0.0.1:{port}/healthz");
    assert_eq!(client.get(&health).send().await.unwrap().status(), 200);
    let redirects = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..count {
        let client = client.clone();
        let link = link.clone();
        let redirects = redirects.clone();
        tasks.push(tokio::spawn(async move {
            loop {
                match client.get(&link).send().await {
                    Ok(response) if response.status() == 302 => {
                        let location = response.headers()["location"].to_str().unwrap();
                        assert!(location.contains("click_id="), "{location}");
                        redirects.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(response) => panic!("unexpected answer {}", response.status()),
                    // Refused or closed: the server is stopping or gone.
                    Err(_) => break,
                }
            }
        }));
    }
    (redirects, tasks)
}

/// Waits until `redirects` reaches `n` (at most two minutes).
pub async fn until_redirects(redirects: &AtomicU64, n: u64) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while redirects.load(Ordering::SeqCst) < n {
        assert!(
            std::time::Instant::now() < deadline,
            "{n} clicks did not get through in 120 s"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// Whether a payout run is inside its transaction right now: on PostgreSQL it holds the payout
/// runs' advisory lock; on SQLite somebody holds the write lock (nothing else in a `payouts run`
/// command writes while the test waits for it).
pub fn payout_run_in_progress(database: &TestDatabase) -> bool {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;
    match database.kind() {
        portal::config::DatabaseKind::Postgres => {
            #[derive(QueryableByName)]
            struct Held {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            let mut conn = diesel::PgConnection::establish(&database.settings.url).unwrap();
            let held: Held = diesel::sql_query(
                "SELECT COUNT(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted \
                 AND objsubid = 1 \
                 AND objid::bigint = (hashtext('portal_payout_run')::bigint & 4294967295)",
            )
            .get_result(&mut conn)
            .unwrap();
            held.n > 0
        }
        portal::config::DatabaseKind::Sqlite => {
            let path = database.settings.sqlite_path().unwrap();
            let mut conn = diesel::SqliteConnection::establish(&path.to_string_lossy()).unwrap();
            conn.batch_execute("PRAGMA busy_timeout = 0").unwrap();
            match conn.batch_execute("BEGIN IMMEDIATE") {
                Ok(()) => {
                    conn.batch_execute("ROLLBACK").unwrap();
                    false
                }
                Err(_) => true,
            }
        }
    }
}
