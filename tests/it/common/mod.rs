//! Shared test setup: the real app on a random port against a fresh database.
//!
//! With `PORTAL_TEST_DATABASE_URL=postgres://user@host/` every test gets its own new PostgreSQL
//! database (dropped at the end), owned and migrated by that user, with the app running as the
//! least-privileged role `portal_app` (see `TestDatabase`); without it, its own SQLite file in a
//! temporary folder.
//!
//! What a test starts from has one home each: `fixtures` (participants, channels, memberships,
//! managers, bans, planted states — through the portal's own functions where it has them),
//! `enforcement` (measures and objections), `money` (clicks, conversions, ledger rows, payouts)
//! and `audit` (the log as a test reads it).

pub mod audit;
pub mod binary;
pub mod enforcement;
pub mod fixtures;
pub mod money;
pub mod proxy;
pub mod qr;
pub mod sepa;
pub mod smtp;

use std::sync::Once;

use diesel::connection::SimpleConnection;
use diesel::Connection;
pub use fixtures::{Participant, PASSWORD};
use portal::config::{DatabaseKind, DatabaseSettings, Settings};
use portal::db::{AnyConnection, Pool};
pub use portal::participants::{MembershipState, ParticipantKind, ReviewState};

/// Work for one connection of `TestApp::at_once`.
pub type Job<'a, T> = Box<dyn FnOnce(&mut portal::db::AnyConnection) -> T + Send + 'a>;

/// Fields drop in this order: the server stops first, the database goes last.
pub struct TestApp {
    /// Held for its `Drop`, which stops the app.
    _server: RunningServer,
    pub smtp: Option<smtp::SmtpServer>,
    pub address: String,
    pub port: u16,
    pub settings: Settings,
    /// The test's own hands at the database, as an operator's: on PostgreSQL the owner's
    /// connection (fixtures, `sql`, `age`), on SQLite the one file.
    pub pool: Pool,
    /// The portal's own role, as the app connects (on SQLite the same file as `pool`).
    pub app_pool: Pool,
    pub client: reqwest::Client,
    database: TestDatabase,
}

/// The app, served from a thread of its own (its own actix system), so the test can stop it
/// and wait for it: a test ends with its server stopped and its click writer finished, before
/// the database is dropped. (Left running, the app's connections broke when the test database
/// was dropped, the pools kept reconnecting, and a test binary could crash in its exit
/// handlers while a reconnect was under way.)
struct RunningServer {
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl RunningServer {
    fn start(settings: Settings, listener: std::net::TcpListener) -> (RunningServer, u16) {
        let (started_tx, started) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("test-app".into())
            .spawn(move || {
                actix_web::rt::System::new().block_on(async move {
                    let app = portal::startup::Application::build_on(settings, listener)
                        .expect("app builds");
                    started_tx.send((app.port(), app.handle())).unwrap();
                    let _ = app.run_until_stopped().await;
                });
            })
            .expect("start the app thread");
        let (port, handle) = started.recv().expect("the app starts");
        let thread = Some(thread);
        (RunningServer { handle, thread }, port)
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        // The stop command is sent at once; the returned future only waits for it.
        drop(self.handle.stop(true));
        // The app's thread is joined, not merely heard from: a thread still ending when the
        // last test returns races the process's exit (glibc's `exit` is not safe against it).
        let Some(thread) = self.thread.take() else {
            return;
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while !thread.is_finished() && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        if thread.is_finished() {
            let _ = thread.join();
        } else if !std::thread::panicking() {
            // A server that does not stop fails its test (unless the test failed already).
            panic!("the test app did not stop within 60 seconds");
        }
    }
}

/// A database that exists for one test.
///
/// On PostgreSQL it is set up as the README's deployment section says: the role of
/// `PORTAL_TEST_DATABASE_URL` creates the database, owns it and every table, and migrates it;
/// the portal runs as `portal_app` (`settings`), a plain role that owns nothing and may only
/// read and add rows of the append-only tables (`portal::db::privileges`).
pub struct TestDatabase {
    /// The portal's own connection (on PostgreSQL the least-privileged role).
    pub settings: DatabaseSettings,
    /// PostgreSQL: the owner's connection to the same database, which migrates it
    /// (`PORTAL_MIGRATION_DATABASE_URL`); SQLite has no roles.
    pub owner: Option<DatabaseSettings>,
    /// Keeps the SQLite folder alive for the test.
    _dir: tempfile::TempDir,
    /// PostgreSQL: the server URL and the database name, to drop it afterwards.
    postgres: Option<(String, String)>,
}

/// A folder for a test's SQLite database: in memory (`/dev/shm`) where there is one. The
/// database is the real thing, every commit still fsynced (`synchronous = FULL`); only the
/// disk's flushes, which no test can tell from memory's, are not waited for (the suite on
/// SQLite ran 8 % faster, README "Tests").
fn sqlite_dir() -> tempfile::TempDir {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::Builder::new()
            .prefix("portal-test")
            .tempdir_in(shm)
        {
            return dir;
        }
    }
    tempfile::tempdir().expect("temp dir")
}

/// The portal's role in the tests on PostgreSQL.
pub const APP_ROLE: &str = "portal_app";
const APP_PASSWORD: &str = "portal_app";

/// Makes `APP_ROLE` once per server (tests of one binary and test binaries may start together:
/// the statements are one transaction, holding a transaction-wide advisory lock until the role
/// is committed): a login role that is no superuser and may create neither databases nor roles.
/// The owner becomes a member of it, so that dropping a test database may end the app's
/// sessions.
fn ensure_app_role(admin: &mut diesel::PgConnection) {
    static DONE: Once = Once::new();
    DONE.call_once(|| {
        admin
            .batch_execute(&format!(
                "SELECT pg_advisory_xact_lock(hashtext('portal test role'));
                 DO $$ BEGIN
                   IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                     CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{APP_PASSWORD}'
                       NOSUPERUSER NOCREATEDB NOCREATEROLE;
                   END IF;
                   IF NOT pg_has_role(current_user, '{APP_ROLE}', 'MEMBER') THEN
                     EXECUTE format('GRANT {APP_ROLE} TO %I', current_user);
                   END IF;
                 END $$;"
            ))
            .expect("create the portal's role for the tests");
    });
}

impl TestDatabase {
    /// A database migrated by its owner, ready for the portal's role.
    pub fn new() -> TestDatabase {
        let database = TestDatabase::empty();
        if let (Some(owner), Some(_)) = (&database.owner, &database.postgres) {
            let mut owner =
                diesel::PgConnection::establish(&owner.url).expect("connect as the owner");
            let mut portal = diesel::PgConnection::establish(&database.settings.url)
                .expect("connect as the portal's role");
            portal::db::privileges::migrate_as_owner(&mut owner, &mut portal)
                .expect("migrate as the owner");
        }
        database
    }

    /// A database with nothing in it (on PostgreSQL the portal's role can then not even read it).
    pub fn empty() -> TestDatabase {
        let dir = sqlite_dir();
        match std::env::var("PORTAL_TEST_DATABASE_URL") {
            Ok(server) if !server.trim().is_empty() => {
                let server = server.trim().trim_end_matches('/').to_owned();
                let name = format!("portal_test_{}", random_suffix());
                let mut admin = diesel::PgConnection::establish(&format!("{server}/postgres"))
                    .expect("connect to PORTAL_TEST_DATABASE_URL");
                ensure_app_role(&mut admin);
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                let owner = DatabaseSettings::parse(&format!("{server}/{name}")).unwrap();
                let mut app = url::Url::parse(&owner.url).unwrap();
                app.set_username(APP_ROLE).unwrap();
                app.set_password(Some(APP_PASSWORD)).unwrap();
                TestDatabase {
                    settings: DatabaseSettings::parse(app.as_str()).unwrap(),
                    owner: Some(owner),
                    _dir: dir,
                    postgres: Some((server, name)),
                }
            }
            _ => {
                let path = dir.path().join("portal.db");
                TestDatabase {
                    settings: DatabaseSettings::parse(&format!("sqlite://{}", path.display()))
                        .unwrap(),
                    owner: None,
                    _dir: dir,
                    postgres: None,
                }
            }
        }
    }

    pub fn kind(&self) -> DatabaseKind {
        self.settings.kind
    }

    pub fn data_dir(&self) -> std::path::PathBuf {
        self._dir.path().to_path_buf()
    }

    /// The owner's connection settings on PostgreSQL, the one database file on SQLite: for what
    /// a test does at the database as an operator would (ageing rows, checking the triggers).
    pub fn owner_settings(&self) -> &DatabaseSettings {
        self.owner.as_ref().unwrap_or(&self.settings)
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.postgres {
            if let Ok(mut admin) = diesel::PgConnection::establish(&format!("{server}/postgres")) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

fn random_suffix() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..12)
        .map(|_| char::from(b'a' + rng.gen_range(0..26)))
        .collect()
}

pub fn test_settings(database: &TestDatabase) -> Settings {
    settings_with(database, None, &Options::default())
}

fn settings_with(database: &TestDatabase, smtp_url: Option<String>, options: &Options) -> Settings {
    let (rate_limit, click_velocity) = (options.rate_limit, options.click_velocity);
    let click_limit = options.click_limit;
    let trusted_proxies = options.trusted_proxies;
    let conversion_limits = options.conversion_limits;
    let data_dir = database.data_dir();
    let db_url = database.settings.url.clone();
    let owner_url = database.owner.as_ref().map(|o| o.url.clone());
    Settings::from_lookup(|name| match name {
        "PORTAL_DATABASE_URL" => Some(db_url.clone()),
        "PORTAL_MIGRATION_DATABASE_URL" => owner_url.clone(),
        "PORTAL_BIND" => Some("127.0.0.1:0".into()),
        "PORTAL_BASE_URL" => Some("http://127.0.0.1".into()),
        "PORTAL_DATA_DIR" => Some(data_dir.to_string_lossy().into_owned()),
        "PORTAL_SMTP_URL" => smtp_url.clone(),
        "PORTAL_RATE_LIMIT_PER_MINUTE" => Some(rate_limit.to_string()),
        "PORTAL_CLICK_VELOCITY_PER_MINUTE" => Some(click_velocity.to_string()),
        "PORTAL_CLICK_LIMIT_PER_MINUTE" => Some(click_limit.to_string()),
        "PORTAL_TRUSTED_PROXIES" => trusted_proxies.map(str::to_owned),
        "PORTAL_CONVERSION_ADDRESS_LIMIT_PER_MINUTE" => conversion_limits.map(|l| l.0.to_string()),
        "PORTAL_CONVERSION_PROGRAMME_LIMIT_PER_MINUTE" => {
            conversion_limits.map(|l| l.1.to_string())
        }
        // The app's own hourly removal keeps every click (100 years), so a test that plants old
        // clicks and removes them itself is not raced by the job's first run at start.
        "PORTAL_CLICK_RETENTION_MONTHS" => Some("1200".into()),
        "PORTAL_PAYER_NAME" => Some("Partnerlink B.V.".into()),
        "PORTAL_PAYER_IBAN" => Some("NL02 ABNA 0123 4567 89".into()),
        _ => None,
    })
    .expect("test settings")
}

/// How a test wants its app.
pub struct Options {
    /// Mail through an in-process SMTP server (true) or into the outbox folder (false).
    pub smtp: bool,
    /// Per-IP requests per minute on login, signup and mail forms.
    pub rate_limit: u32,
    /// Pretend the public address is https (Secure cookies, HSTS).
    pub https: bool,
    /// Clicks per visitor per minute before they count as abnormal.
    pub click_velocity: u32,
    /// An SMTP server that is down (nothing listens at its address).
    pub smtp_down: bool,
    /// Clicks per minute per address on `/click` (the portal's default, 600).
    pub click_limit: u32,
    /// `PORTAL_TRUSTED_PROXIES` (none).
    pub trusted_proxies: Option<&'static str>,
    /// The conversion API's requests per minute per address and per programme (the portal's
    /// defaults).
    pub conversion_limits: Option<(u32, u32)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            smtp: true,
            rate_limit: 10_000,
            https: false,
            click_velocity: 20,
            smtp_down: false,
            click_limit: 600,
            trusted_proxies: None,
            conversion_limits: None,
        }
    }
}

static TRACING: Once = Once::new();

pub async fn spawn_app() -> TestApp {
    spawn_app_with(Options::default()).await
}

pub async fn spawn_app_with(options: Options) -> TestApp {
    TRACING.call_once(|| {
        if std::env::var("TEST_LOG").is_ok() {
            portal::telemetry::init_to(false);
        }
    });
    let database = TestDatabase::new();
    let smtp = if options.smtp {
        Some(smtp::SmtpServer::start().await)
    } else {
        None
    };
    let down = options.smtp_down.then(|| {
        // A port that was free a moment ago: nothing answers there.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        format!("smtp://127.0.0.1:{port}")
    });
    let settings = settings_with(&database, down.or(smtp.as_ref().map(|s| s.url())), &options);
    // The base URL must carry the real port so links in mails work: the listener is bound
    // first and handed to the app.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut settings = settings;
    settings.bind = format!("127.0.0.1:{port}").parse().unwrap();
    let scheme = if options.https { "https" } else { "http" };
    settings.base_url = format!("{scheme}://127.0.0.1:{port}/").parse().unwrap();
    let (server, port) = RunningServer::start(settings.clone(), listener);
    let pool = portal::db::connect(database.owner_settings()).expect("test pool");
    let app_pool = portal::db::connect(&database.settings).expect("the portal's pool");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .unwrap();
    TestApp {
        smtp,
        address: format!("http://127.0.0.1:{port}"),
        port,
        settings,
        pool,
        app_pool,
        client,
        _server: server,
        database,
    }
}

/// Another instance of the portal beside a test's app: the same settings and database, as
/// behind a load balancer, on a port and in a data folder (its click spool) of its own. It
/// stops when dropped (before the app, which drops the database).
pub struct Instance {
    _server: RunningServer,
    pub address: String,
    _data: tempfile::TempDir,
}

impl TestApp {
    /// Starts `Instance` on this app's database.
    pub fn another_instance(&self) -> Instance {
        let data = tempfile::tempdir().expect("temp dir");
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut settings = self.settings.clone();
        settings.bind = listener.local_addr().unwrap();
        settings.data_dir = data.path().to_owned();
        let (server, port) = RunningServer::start(settings, listener);
        Instance {
            _server: server,
            address: format!("http://127.0.0.1:{port}"),
            _data: data,
        }
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// GET a page and return its status and body.
    pub async fn page(&self, path: &str) -> (u16, String) {
        self.page_with(&self.client, path).await
    }

    /// `page` in another browser (a logged-in client, say).
    pub async fn page_with(&self, client: &reqwest::Client, path: &str) -> (u16, String) {
        let response = client.get(self.url(path)).send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap())
    }

    pub fn conn(&self) -> diesel::r2d2::PooledConnection<portal::db::ConnectionManager> {
        self.pool.get().expect("test connection")
    }

    /// A connection as the portal's own role (on PostgreSQL the least-privileged one).
    pub fn app_conn(&self) -> diesel::r2d2::PooledConnection<portal::db::ConnectionManager> {
        self.app_pool.get().expect("the portal's connection")
    }

    /// Runs `jobs` on threads of their own, each with its own connection as the portal's role,
    /// released at the same moment by a barrier: what two requests at once do (on PostgreSQL
    /// nothing orders them but the database's locks). The answers, in the jobs' order.
    pub fn at_once<'a, T: Send>(&self, jobs: Vec<Job<'a, T>>) -> Vec<T> {
        let barrier = std::sync::Barrier::new(jobs.len());
        let conns: Vec<_> = jobs.iter().map(|_| self.app_conn()).collect();
        std::thread::scope(|scope| {
            let handles: Vec<_> = jobs
                .into_iter()
                .zip(conns)
                .map(|(job, mut conn)| {
                    let barrier = &barrier;
                    scope.spawn(move || {
                        barrier.wait();
                        job(&mut conn)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    }

    pub fn kind(&self) -> DatabaseKind {
        self.database.kind()
    }

    /// The test's database, for running the `portal` binary on it.
    pub fn database(&self) -> &TestDatabase {
        &self.database
    }

    /// A second browser: its own cookies.
    pub fn new_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .unwrap()
    }

    /// Waits (10 s at most) until the mail queue has sent everything queued so far: after it,
    /// the SMTP server holds every mail the requests made.
    pub async fn mail_sent(&self) {
        use diesel::prelude::*;
        use portal::db::schema::mail_queue;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let waiting: i64 = mail_queue::table
                .filter(mail_queue::sent_at.is_null())
                .count()
                .get_result(&mut *self.conn())
                .unwrap();
            if waiting == 0 {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "{waiting} mails still queued"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    pub fn smtp(&self) -> &smtp::SmtpServer {
        self.smtp.as_ref().expect("this app sends mail over SMTP")
    }

    /// GETs `form_path` with `client`, then POSTs `fields` plus the page's CSRF token to
    /// `post_path`.
    pub async fn submit_with(
        &self,
        client: &reqwest::Client,
        form_path: &str,
        post_path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let page = client.get(self.url(form_path)).send().await.unwrap();
        let html = page.text().await.unwrap();
        let token = csrf_token(&html).unwrap_or_else(|| panic!("no csrf_token on {form_path}"));
        let mut body: Vec<(&str, &str)> = vec![("csrf_token", token.as_str())];
        body.extend_from_slice(fields);
        client
            .post(self.url(post_path))
            .form(&body)
            .send()
            .await
            .unwrap()
    }

    /// Opens an activation link (a form) and sends `password` with it.
    pub async fn activate_with(
        &self,
        client: &reqwest::Client,
        link: &str,
        password: &str,
    ) -> reqwest::Response {
        let html = client.get(link).send().await.unwrap().text().await.unwrap();
        let token = csrf_token(&html).unwrap_or_else(|| panic!("no activation form at {link}"));
        client
            .post(link)
            .form(&[("csrf_token", token.as_str()), ("password", password)])
            .send()
            .await
            .unwrap()
    }

    /// `submit_with` on the app's own client, the form on the page it posts to.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.submit_with(&self.client, path, path, fields).await
    }

    /// Moves the timestamps `columns` of every row of `table` `seconds` into the past, as if
    /// that much time had gone by since they were written.
    pub fn age(&self, table: &str, columns: &[&str], seconds: i64) {
        let sets: Vec<String> = columns
            .iter()
            .map(|c| match self.kind() {
                DatabaseKind::Postgres => format!("{c} = {c} - INTERVAL '{seconds} seconds'"),
                DatabaseKind::Sqlite => format!("{c} = datetime({c}, '-{seconds} seconds')"),
            })
            .collect();
        self.sql(&format!("UPDATE {table} SET {}", sets.join(", ")));
    }

    /// Runs SQL directly, as an operator at the database would.
    pub fn sql(&self, statement: &str) {
        let mut conn = self.conn();
        let conn: &mut AnyConnection = &mut conn;
        conn.batch_execute(statement).expect(statement);
    }
}

/// The page without its CSRF token (which differs per session), to compare two answers.
pub fn strip_tokens(html: &str) -> String {
    html.lines()
        .filter(|l| !l.contains("csrf_token"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A moment as the database writes it: `moment("2026-01-01 00:00:00")`.
pub fn moment(text: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").expect("a moment")
}

/// The page's text with tags removed and spaces folded, for reading it as a person would.
pub fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The value of the first `csrf_token` field in a page.
pub fn csrf_token(html: &str) -> Option<String> {
    let at = html.find("name=\"csrf_token\" value=\"")?;
    let rest = &html[at + "name=\"csrf_token\" value=\"".len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

pub fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// What a browser following a link sends as its user agent (an empty or robot one is not credited).
pub const BROWSER: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                           Chrome/131.0.0.0 Safari/537.36";

/// The secret of the authenticator app of every manager `add_manager` makes (20 bytes).
pub const MANAGER_SECRET: &[u8] = b"fixture manager key!";

/// The secret an enrolment page shows as text (`id="secret"`, base32 in groups of four).
pub fn shown_secret(html: &str) -> Vec<u8> {
    let at = html
        .find("id=\"secret\"")
        .expect("the secret shown as text");
    let text = &html[at..];
    let text = &text[text.find('>').unwrap() + 1..];
    let text: String = text[..text.find('<').unwrap()]
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    totp_rs::Secret::Encoded(text).to_bytes().expect("base32")
}

/// The recovery codes a page lists (`<code class="code">abcd-efgh-jkmn</code>` items).
pub fn recovery_codes(html: &str) -> Vec<String> {
    let Some(list) = html.split("class=\"recovery-codes\"").nth(1) else {
        return Vec::new();
    };
    let list = &list[..list.find("</ol>").unwrap()];
    list.split("<code class=\"code\">")
        .skip(1)
        .map(|c| c[..c.find('<').unwrap()].to_owned())
        .collect()
}

impl TestApp {
    /// Submits the login form of `lang` with `client` and, when the account has a second
    /// factor, its second step with a code computed from the account's secret (a manager not
    /// enrolled yet enrols first, as its first login asks, then logs out and in again); returns the
    /// last answer, as a login in one step would have given it.
    pub async fn log_in(
        &self,
        client: &reqwest::Client,
        lang: &str,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let r = self.log_in_password(client, lang, email, password).await;
        let next = location(&r);
        if next == format!("/{lang}/login/code") {
            return self.enter_code(client, lang, email).await;
        }
        if next == format!("/{lang}/login/enrol") {
            self.enrol_at_login(client, lang).await;
            // Logged in by the enrolment; out again, and in as a login is after enrolment.
            let account_page = format!("/{lang}/account/second-factor");
            let r = self
                .submit_with(client, &account_page, "/logout", &[("lang", lang)])
                .await;
            assert_eq!(r.status().as_u16(), 303, "logged out after the enrolment");
            let r = self.log_in_password(client, lang, email, password).await;
            assert_eq!(
                location(&r),
                format!("/{lang}/login/code"),
                "{email} enrolled"
            );
            return self.enter_code(client, lang, email).await;
        }
        r
    }

    /// The login form of `lang` alone (the password step); returns the answer.
    pub async fn log_in_password(
        &self,
        client: &reqwest::Client,
        lang: &str,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        let path = format!("/{lang}/login");
        self.submit_with(
            client,
            &path,
            &path,
            &[("email", email), ("password", password)],
        )
        .await
    }

    /// The account's id by its address.
    pub fn account_id(&self, email: &str) -> portal::db::ids::AccountId {
        use diesel::prelude::*;
        use portal::db::schema::accounts;
        accounts::table
            .filter(accounts::email.eq(email))
            .select(accounts::id)
            .first(&mut *self.conn())
            .unwrap_or_else(|_| panic!("no account {email}"))
    }

    /// The code the account's authenticator app shows now, for a step the portal still takes:
    /// when this step's code was used already (a login a moment before), the step last used is
    /// moved one step into the past first, as if 30 seconds had gone by since (as `age` does
    /// with timestamps). Submitted at once it is taken even if the step turns meanwhile (one
    /// step of skew).
    pub fn second_factor_code(&self, email: &str) -> String {
        use diesel::prelude::*;
        use portal::auth::second_factor;
        use portal::db::schema::second_factors;
        let id = self.account_id(email);
        let secret = second_factor::secret_of(&mut self.conn(), &self.settings.secret_key, id)
            .unwrap()
            .unwrap_or_else(|| panic!("{email} has no second factor"));
        let now = second_factor::now_seconds();
        let step = second_factor::step_of(now);
        diesel::update(
            second_factors::table
                .find(id)
                .filter(second_factors::last_step.ge(step)),
        )
        .set(second_factors::last_step.eq(step - 1))
        .execute(&mut *self.conn())
        .unwrap();
        second_factor::code_at(&secret, now)
    }

    /// The second step of a login (`/{lang}/login/code`) with the app's code now.
    pub async fn enter_code(
        &self,
        client: &reqwest::Client,
        lang: &str,
        email: &str,
    ) -> reqwest::Response {
        let code = self.second_factor_code(email);
        let path = format!("/{lang}/login/code");
        self.submit_with(client, &path, &path, &[("code", &code)])
            .await
    }

    /// A manager's enrolment at its first login (`/{lang}/login/enrol`), as a person with an
    /// authenticator app does it: the key shown as text, the code it makes now. Returns the
    /// recovery codes shown.
    pub async fn enrol_at_login(&self, client: &reqwest::Client, lang: &str) -> Vec<String> {
        let path = format!("/{lang}/login/enrol");
        let (status, page) = self.page_with(client, &path).await;
        assert_eq!(status, 200, "{page}");
        let code = portal::auth::second_factor::code_at(
            &shown_secret(&page),
            portal::auth::second_factor::now_seconds(),
        );
        let r = self
            .submit_with(client, &path, &path, &[("code", &code)])
            .await;
        assert_eq!(r.status().as_u16(), 200, "the enrolment is taken");
        let codes = recovery_codes(&r.text().await.unwrap());
        assert_eq!(codes.len(), 10);
        codes
    }

    /// Logs `client` in as `email` (with the fixtures' password).
    pub async fn login_as(&self, client: &reqwest::Client, email: &str) {
        let r = self.log_in(client, "nl", email, PASSWORD).await;
        assert_eq!(r.status().as_u16(), 303, "login as {email}");
    }

    /// A new browser, logged in as `email`.
    pub async fn client_for(&self, email: &str) -> reqwest::Client {
        let client = self.new_client();
        self.login_as(&client, email).await;
        client
    }

    pub fn click_count(&self) -> i64 {
        use diesel::prelude::*;
        use portal::db::schema::clicks;
        clicks::table.count().get_result(&mut *self.conn()).unwrap()
    }
}
