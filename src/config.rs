//! Settings from the environment, validated once at start.
//!
//! Every variable has a default that runs the portal on a laptop; a wrong value stops start-up with
//! one line naming the variable.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use rand::RngCore;

#[derive(Debug, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl ConfigError {
    fn new(variable: &'static str, message: impl Into<String>) -> Self {
        Self {
            variable,
            message: message.into(),
        }
    }
}

/// Which database the URL selects; the query code is the same for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    pub kind: DatabaseKind,
    /// The URL as diesel's connection wants it.
    pub url: String,
}

impl DatabaseSettings {
    /// `sqlite://path` (relative to the working directory) or `postgres://…`/`postgresql://…`.
    pub fn parse(url: &str) -> Result<Self, String> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(
                    "a sqlite:// URL needs a file path, e.g. sqlite://data/portal.db".into(),
                );
            }
            return Ok(Self {
                kind: DatabaseKind::Sqlite,
                url: url.to_owned(),
            });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            url::Url::parse(url).map_err(|e| format!("not a valid PostgreSQL URL ({e})"))?;
            return Ok(Self {
                kind: DatabaseKind::Postgres,
                url: url.to_owned(),
            });
        }
        Err("must start with sqlite:// or postgres://".into())
    }

    /// The SQLite file, for creating its folder before the first connection.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        match self.kind {
            DatabaseKind::Sqlite => self
                .url
                .strip_prefix("sqlite://")
                .map(|p| PathBuf::from(p.split('?').next().unwrap_or(p))),
            DatabaseKind::Postgres => None,
        }
    }
}

/// How durable a click is before its visitor gets the 302 (`PORTAL_CLICK_DURABILITY`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClickDurability {
    /// `flushed` (the default): the click's commit is on disk — it survives a crash of the
    /// portal and a power cut.
    Flushed,
    /// `committed`: the click is committed in the database's log (SQLite's WAL; PostgreSQL with
    /// `synchronous_commit = off` for the click writer's sessions) — it survives a crash of the
    /// portal, SIGKILL included. The log is flushed in the background right after the commit
    /// (SQLite) or by PostgreSQL's WAL writer (`wal_writer_delay`, 200 ms unless set lower), so a
    /// power cut or kernel crash may lose the clicks of that last moment.
    Committed,
}

#[derive(Clone)]
pub struct Settings {
    /// The portal's own connection (`PORTAL_DATABASE_URL`).
    pub database: DatabaseSettings,
    /// PostgreSQL: the role that owns the tables and runs the migrations
    /// (`PORTAL_MIGRATION_DATABASE_URL`); at start it migrates and grants the portal's role what
    /// it needs (`db::privileges`). `None`: the portal's own connection migrates.
    pub migration_database: Option<DatabaseSettings>,
    pub bind: SocketAddr,
    /// Public address of the portal, used in links in e-mails and tracking links.
    pub base_url: url::Url,
    /// 64 bytes: signs cookies and salts hashes.
    pub secret_key: Vec<u8>,
    /// `None`: mail is written to `outbox_dir` as `.eml` files.
    pub smtp_url: Option<String>,
    /// Sender of the portal's mails.
    pub mail_from: String,
    pub data_dir: PathBuf,
    /// Requests per minute per IP on login, signup and mail-sending forms.
    pub rate_limit_per_minute: u32,
    /// Clicks per visitor per minute above which further clicks are not credited (E.10.c).
    pub click_velocity_per_minute: u32,
    /// Clicks per minute from one address (an IPv6 /64) that `/click` takes; more get 429 and
    /// never reach the click writer (`PORTAL_CLICK_LIMIT_PER_MINUTE`, default 600; 0 = none).
    pub click_limit_per_minute: u32,
    /// Requests per minute the conversion API takes from one address (an IPv6 /64), counted
    /// before the signature is checked (`PORTAL_CONVERSION_ADDRESS_LIMIT_PER_MINUTE`, default
    /// 3000; 0 = none), and signed requests per minute per programme
    /// (`PORTAL_CONVERSION_PROGRAMME_LIMIT_PER_MINUTE`, default 6000; 0 = none). More get 429.
    pub conversion_address_limit_per_minute: u32,
    pub conversion_programme_limit_per_minute: u32,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`PORTAL_TRUSTED_PROXIES`,
    /// addresses or networks separated by commas); from any other peer the header is ignored.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    pub click_durability: ClickDurability,
    /// Whole months of clicks kept before the current one (`PORTAL_CLICK_RETENTION_MONTHS`,
    /// default 25): older clicks are removed, their rollups stay.
    pub click_retention_months: u32,
    /// Serves `GET /bench/302`, a bare redirect the click benchmark compares `/click` against.
    pub bench_routes: bool,
    /// Who pays the participants, as the SEPA bank file names it (`PORTAL_PAYER_NAME`, default
    /// "Partnerlink"), and from which account (`PORTAL_PAYER_IBAN`; without it no payout runs).
    pub payer_name: String,
    pub payer_iban: Option<crate::domain::Iban>,
    /// The day of the month the payout run for the month before is made (`PORTAL_PAYOUT_DAY`,
    /// 1 to 28, default 1): the publisher's Commissions tab names the next run's date from it.
    pub payout_day: u32,
    /// What one connection may hold of the server (`startup`).
    pub server: ServerLimits,
    /// How many evidence uploads may be under way, and for how long (`enforcement::upload`).
    pub uploads: UploadLimits,
}

/// Bounds on the connections of one instance, so slow or idle clients cannot hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// Open connections per worker thread (`PORTAL_MAX_CONNECTIONS`, default 1024); more wait
    /// in the listen queue.
    pub max_connections: usize,
    /// Seconds a new connection has to send its request's headers
    /// (`PORTAL_CLIENT_REQUEST_TIMEOUT_SECONDS`, default 5).
    pub client_request_timeout: u64,
    /// Seconds a client has to close its side after the answer
    /// (`PORTAL_CLIENT_DISCONNECT_TIMEOUT_SECONDS`, default 5).
    pub client_disconnect_timeout: u64,
    /// Seconds an idle keep-alive connection stays open (`PORTAL_KEEP_ALIVE_SECONDS`, default 5).
    pub keep_alive: u64,
}

/// Bounds on evidence uploads (the only requests with large bodies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadLimits {
    /// Uploads under way at once on this instance (`PORTAL_UPLOADS_IN_FLIGHT`, default 16).
    pub in_flight: usize,
    /// Of which from one address, an IPv6 /64 (`PORTAL_UPLOADS_PER_ADDRESS`, default 2).
    pub per_address: usize,
    /// Seconds an upload may send nothing before it is ended (`PORTAL_UPLOAD_IDLE_SECONDS`,
    /// default 30).
    pub idle_seconds: u64,
    /// Seconds a whole upload may take (`PORTAL_UPLOAD_SECONDS`, default 600: 50 MB at about
    /// 85 KB a second).
    pub total_seconds: u64,
}

/// A whole number from `low` to `high` (`default` when unset), or the variable's error.
fn bounded(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: u64,
    (low, high): (u64, u64),
) -> Result<u64, ConfigError> {
    let wanted = format!("a whole number from {low} to {high}");
    whole_number(
        get,
        variable,
        default,
        |n| (low..=high).contains(n),
        &wanted,
    )
}

/// A whole number that `fits` (`default` when unset), or the variable's error: "'…' is not
/// `wanted`".
fn whole_number<T: std::str::FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: T,
    fits: impl Fn(&T) -> bool,
    wanted: &str,
) -> Result<T, ConfigError> {
    let Some(text) = get(variable) else {
        return Ok(default);
    };
    text.trim()
        .parse::<T>()
        .ok()
        .filter(fits)
        .ok_or_else(|| ConfigError::new(variable, format!("'{text}' is not {wanted}")))
}

/// Addresses and networks separated by commas (`192.0.2.1, 10.0.0.0/8, ::1`); an address is a
/// network of one. The first entry that is neither comes back as the error.
fn parse_networks(text: &str) -> Result<Vec<ipnet::IpNet>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            part.parse::<ipnet::IpNet>()
                .or_else(|_| part.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map(|net| net.trunc())
                .map_err(|_| part.to_owned())
        })
        .collect()
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database", &self.database.kind)
            .field("migration_database", &self.migration_database.is_some())
            .field("bind", &self.bind)
            .field("base_url", &self.base_url.as_str())
            .field("smtp", &self.smtp_url.is_some())
            .field("data_dir", &self.data_dir)
            .finish_non_exhaustive()
    }
}

pub const SECRET_KEY_LEN: usize = 64;

impl Settings {
    /// Reads the `PORTAL_*` variables of the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests can pass their own variables.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let data_dir = PathBuf::from(get("PORTAL_DATA_DIR").unwrap_or_else(|| "data".into()));

        let database_url =
            get("PORTAL_DATABASE_URL").unwrap_or_else(|| "sqlite://data/portal.db".into());
        let database = DatabaseSettings::parse(&database_url)
            .map_err(|m| ConfigError::new("PORTAL_DATABASE_URL", m))?;

        let migration_database = match get("PORTAL_MIGRATION_DATABASE_URL") {
            None => None,
            Some(url) => Some(
                parse_migration_database(&url, database.kind)
                    .map_err(|m| ConfigError::new("PORTAL_MIGRATION_DATABASE_URL", m))?,
            ),
        };

        let bind_text = get("PORTAL_BIND").unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind: SocketAddr = bind_text.parse().map_err(|_| {
            ConfigError::new(
                "PORTAL_BIND",
                format!("'{bind_text}' is not an address and port such as 127.0.0.1:8080"),
            )
        })?;

        let base_text = get("PORTAL_BASE_URL").unwrap_or_else(|| format!("http://{bind}"));
        let base_url = url::Url::parse(&base_text)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| {
                ConfigError::new(
                    "PORTAL_BASE_URL",
                    format!("'{base_text}' is not an http(s) URL such as https://portal.example"),
                )
            })?;

        let secret_key = match get("PORTAL_SECRET_KEY") {
            Some(hex_key) => {
                parse_secret_key(&hex_key).map_err(|m| ConfigError::new("PORTAL_SECRET_KEY", m))?
            }
            None => load_or_create_secret_key(&data_dir.join("secret.key"))
                .map_err(|m| ConfigError::new("PORTAL_SECRET_KEY", m))?,
        };

        let smtp_url = match get("PORTAL_SMTP_URL") {
            Some(u) => {
                let parsed = url::Url::parse(&u)
                    .ok()
                    .filter(|p| matches!(p.scheme(), "smtp" | "smtps") && p.host_str().is_some());
                if parsed.is_none() {
                    // Never the URL itself: it may hold the SMTP password.
                    return Err(ConfigError::new(
                        "PORTAL_SMTP_URL",
                        "is not an smtp:// or smtps:// URL with a host (the value is not shown: it may hold a password)".to_owned(),
                    ));
                }
                Some(u)
            }
            None => None,
        };

        let mail_from = get("PORTAL_MAIL_FROM").unwrap_or_else(|| {
            let host = match base_url.host() {
                Some(url::Host::Domain(d)) if d.contains('.') => d.to_owned(),
                _ => "localhost".to_owned(),
            };
            format!("Partnerlink <noreply@{host}>")
        });
        if mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::new(
                "PORTAL_MAIL_FROM",
                format!(
                    "'{mail_from}' is not a mail address such as Partnerlink <noreply@example.org>"
                ),
            ));
        }

        const ABOVE_ZERO: &str = "a whole number above 0";
        const OR_NO_LIMIT: &str = "a whole number (0 for no limit)";
        let above_zero = |n: &u32| *n > 0;
        let any = |_: &u32| true;
        let rate_limit_per_minute = whole_number(
            &get,
            "PORTAL_RATE_LIMIT_PER_MINUTE",
            20,
            above_zero,
            ABOVE_ZERO,
        )?;
        let click_velocity_per_minute = whole_number(
            &get,
            "PORTAL_CLICK_VELOCITY_PER_MINUTE",
            20,
            above_zero,
            ABOVE_ZERO,
        )?;
        let click_limit_per_minute =
            whole_number(&get, "PORTAL_CLICK_LIMIT_PER_MINUTE", 600, any, OR_NO_LIMIT)?;
        let conversion_address_limit_per_minute = whole_number(
            &get,
            "PORTAL_CONVERSION_ADDRESS_LIMIT_PER_MINUTE",
            3000,
            any,
            OR_NO_LIMIT,
        )?;
        let conversion_programme_limit_per_minute = whole_number(
            &get,
            "PORTAL_CONVERSION_PROGRAMME_LIMIT_PER_MINUTE",
            6000,
            any,
            OR_NO_LIMIT,
        )?;

        let click_durability = match get("PORTAL_CLICK_DURABILITY").as_deref().map(str::trim) {
            None | Some("flushed") => ClickDurability::Flushed,
            Some("committed") => ClickDurability::Committed,
            Some(other) => {
                return Err(ConfigError::new(
                    "PORTAL_CLICK_DURABILITY",
                    format!("'{other}' is not flushed or committed"),
                ))
            }
        };

        let trusted_proxies = match get("PORTAL_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(text) => parse_networks(&text).map_err(|bad| {
                ConfigError::new(
                    "PORTAL_TRUSTED_PROXIES",
                    format!("'{bad}' is not an address or a network such as 10.0.0.0/8"),
                )
            })?,
        };

        let bench_routes = match get("PORTAL_BENCH_ROUTES").as_deref() {
            None | Some("0") | Some("false") => false,
            Some("1") | Some("true") => true,
            Some(other) => {
                return Err(ConfigError::new(
                    "PORTAL_BENCH_ROUTES",
                    format!("'{other}' is not 1 or 0"),
                ))
            }
        };

        let payer_name = get("PORTAL_PAYER_NAME").unwrap_or_else(|| "Partnerlink".into());
        if payer_name.chars().count() > 70 {
            return Err(ConfigError::new(
                "PORTAL_PAYER_NAME",
                "a SEPA payer name has at most 70 characters",
            ));
        }
        let click_retention_months = whole_number(
            &get,
            "PORTAL_CLICK_RETENTION_MONTHS",
            25,
            |n: &u32| (1..=1200).contains(n),
            "a whole number of months from 1 to 1200",
        )?;
        let payout_day = bounded(&get, "PORTAL_PAYOUT_DAY", 1, (1, 28))? as u32;
        let server = ServerLimits {
            max_connections: bounded(&get, "PORTAL_MAX_CONNECTIONS", 1024, (1, 1_000_000))?
                as usize,
            client_request_timeout: bounded(
                &get,
                "PORTAL_CLIENT_REQUEST_TIMEOUT_SECONDS",
                5,
                (1, 600),
            )?,
            client_disconnect_timeout: bounded(
                &get,
                "PORTAL_CLIENT_DISCONNECT_TIMEOUT_SECONDS",
                5,
                (1, 600),
            )?,
            keep_alive: bounded(&get, "PORTAL_KEEP_ALIVE_SECONDS", 5, (1, 3600))?,
        };
        let uploads = UploadLimits {
            in_flight: bounded(&get, "PORTAL_UPLOADS_IN_FLIGHT", 16, (1, 10_000))? as usize,
            per_address: bounded(&get, "PORTAL_UPLOADS_PER_ADDRESS", 2, (1, 10_000))? as usize,
            idle_seconds: bounded(&get, "PORTAL_UPLOAD_IDLE_SECONDS", 30, (1, 3600))?,
            total_seconds: bounded(&get, "PORTAL_UPLOAD_SECONDS", 600, (1, 86_400))?,
        };
        let payer_iban = match get("PORTAL_PAYER_IBAN") {
            Some(text) => Some(crate::domain::Iban::parse(&text).map_err(|e| {
                ConfigError::new(
                    "PORTAL_PAYER_IBAN",
                    format!("'{text}' is not a valid IBAN: {e}"),
                )
            })?),
            None => None,
        };

        Ok(Self {
            payout_day,
            payer_name,
            payer_iban,
            database,
            migration_database,
            bind,
            base_url,
            secret_key,
            smtp_url,
            mail_from,
            data_dir,
            rate_limit_per_minute,
            click_velocity_per_minute,
            click_limit_per_minute,
            conversion_address_limit_per_minute,
            conversion_programme_limit_per_minute,
            trusted_proxies,
            click_durability,
            click_retention_months,
            bench_routes,
            server,
            uploads,
        })
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    /// Cookies get the Secure flag when the portal is served over https.
    pub fn is_https(&self) -> bool {
        self.base_url.scheme() == "https"
    }
}

/// The owner's URL: PostgreSQL, like the portal's own (SQLite has no roles to separate).
fn parse_migration_database(url: &str, portal: DatabaseKind) -> Result<DatabaseSettings, String> {
    let settings = DatabaseSettings::parse(url)?;
    match (settings.kind, portal) {
        (DatabaseKind::Postgres, DatabaseKind::Postgres) => Ok(settings),
        (DatabaseKind::Sqlite, _) => {
            Err("must be a postgres:// URL: SQLite has no roles; leave it unset".into())
        }
        (DatabaseKind::Postgres, DatabaseKind::Sqlite) => {
            Err("is for PostgreSQL, but PORTAL_DATABASE_URL is SQLite; leave it unset".into())
        }
    }
}

fn parse_secret_key(hex_key: &str) -> Result<Vec<u8>, String> {
    let bytes = hex::decode(hex_key.trim())
        .map_err(|_| format!("must be {} hexadecimal characters", SECRET_KEY_LEN * 2))?;
    if bytes.len() < SECRET_KEY_LEN {
        return Err(format!(
            "must be at least {} hexadecimal characters ({SECRET_KEY_LEN} bytes)",
            SECRET_KEY_LEN * 2
        ));
    }
    Ok(bytes)
}

/// Without `PORTAL_SECRET_KEY` a random key is made once and kept, so sessions survive restarts.
fn load_or_create_secret_key(path: &Path) -> Result<Vec<u8>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            parse_secret_key(&text).map_err(|m| format!("the key in {} {m}", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut key = vec![0u8; SECRET_KEY_LEN];
            rand::thread_rng().fill_bytes(&mut key);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("cannot create {} ({e})", dir.display()))?;
            }
            write_private(path, &hex::encode(&key))
                .map_err(|e| format!("cannot write {} ({e})", path.display()))?;
            Ok(key)
        }
        Err(e) => Err(format!("cannot read {} ({e})", path.display())),
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let mut map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.insert(
            "PORTAL_DATA_DIR".into(),
            dir.path().to_string_lossy().into_owned(),
        );
        let result = Settings::from_lookup(|k| map.get(k).cloned());
        drop(dir);
        result
    }

    #[test]
    fn defaults_run_on_sqlite_on_localhost() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.database.kind, DatabaseKind::Sqlite);
        assert_eq!(s.bind.to_string(), "127.0.0.1:8080");
        assert_eq!(s.base_url.as_str(), "http://127.0.0.1:8080/");
        assert_eq!(s.secret_key.len(), SECRET_KEY_LEN);
        assert!(s.smtp_url.is_none());
        assert!(!s.is_https());
    }

    #[test]
    fn trusted_proxies_are_addresses_and_networks() {
        let s = settings(&[("PORTAL_TRUSTED_PROXIES", " 10.1.2.3/8, 192.0.2.7 ,::1,")]).unwrap();
        let nets: Vec<String> = s.trusted_proxies.iter().map(|n| n.to_string()).collect();
        assert_eq!(nets, ["10.0.0.0/8", "192.0.2.7/32", "::1/128"]);
        assert!(settings(&[]).unwrap().trusted_proxies.is_empty());
        assert_eq!(settings(&[]).unwrap().click_limit_per_minute, 600);
        let off = settings(&[("PORTAL_CLICK_LIMIT_PER_MINUTE", "0")]).unwrap();
        assert_eq!(off.click_limit_per_minute, 0);
        let s = settings(&[]).unwrap();
        assert_eq!(
            (
                s.conversion_address_limit_per_minute,
                s.conversion_programme_limit_per_minute
            ),
            (3000, 6000)
        );
        let chosen = settings(&[
            ("PORTAL_CONVERSION_ADDRESS_LIMIT_PER_MINUTE", " 0"),
            ("PORTAL_CONVERSION_PROGRAMME_LIMIT_PER_MINUTE", "60"),
        ])
        .unwrap();
        assert_eq!(chosen.conversion_address_limit_per_minute, 0);
        assert_eq!(chosen.conversion_programme_limit_per_minute, 60);
        assert_eq!(settings(&[]).unwrap().click_retention_months, 25);
        let kept = settings(&[("PORTAL_CLICK_RETENTION_MONTHS", "13")]).unwrap();
        assert_eq!(kept.click_retention_months, 13);
        assert_eq!(
            settings(&[]).unwrap().click_durability,
            ClickDurability::Flushed
        );
        let committed = settings(&[("PORTAL_CLICK_DURABILITY", "committed")]).unwrap();
        assert_eq!(committed.click_durability, ClickDurability::Committed);
    }

    #[test]
    fn the_payout_day_is_a_day_every_month_has() {
        assert_eq!(settings(&[]).unwrap().payout_day, 1);
        assert_eq!(
            settings(&[("PORTAL_PAYOUT_DAY", "5")]).unwrap().payout_day,
            5
        );
        for bad in ["0", "29", "31", "first"] {
            let error = settings(&[("PORTAL_PAYOUT_DAY", bad)]).unwrap_err();
            assert_eq!(error.variable, "PORTAL_PAYOUT_DAY", "{bad}");
        }
    }

    #[test]
    fn connections_and_uploads_are_bounded_by_default_and_by_choice() {
        let s = settings(&[]).unwrap();
        assert_eq!(
            s.server,
            ServerLimits {
                max_connections: 1024,
                client_request_timeout: 5,
                client_disconnect_timeout: 5,
                keep_alive: 5,
            }
        );
        assert_eq!(
            s.uploads,
            UploadLimits {
                in_flight: 16,
                per_address: 2,
                idle_seconds: 30,
                total_seconds: 600,
            }
        );
        let chosen = settings(&[
            ("PORTAL_MAX_CONNECTIONS", "300"),
            ("PORTAL_KEEP_ALIVE_SECONDS", " 15 "),
            ("PORTAL_UPLOADS_IN_FLIGHT", "64"),
            ("PORTAL_UPLOAD_SECONDS", "120"),
        ])
        .unwrap();
        assert_eq!(chosen.server.max_connections, 300);
        assert_eq!(chosen.server.keep_alive, 15);
        assert_eq!(chosen.uploads.in_flight, 64);
        assert_eq!(chosen.uploads.total_seconds, 120);
    }

    #[test]
    fn postgres_url_selects_postgres() {
        let s = settings(&[("PORTAL_DATABASE_URL", "postgres://u@localhost/portal")]).unwrap();
        assert_eq!(s.database.kind, DatabaseKind::Postgres);
    }

    #[test]
    fn migrations_run_as_the_owner_only_when_asked_and_only_on_postgres() {
        assert!(settings(&[]).unwrap().migration_database.is_none());
        let portal = ("PORTAL_DATABASE_URL", "postgres://portal_app:pw@db/portal");
        assert!(settings(&[portal]).unwrap().migration_database.is_none());
        let owner = (
            "PORTAL_MIGRATION_DATABASE_URL",
            "postgres://owner:pw@db/portal",
        );
        let split = settings(&[portal, owner]).unwrap();
        let migrator = split.migration_database.unwrap();
        assert_eq!(migrator.kind, DatabaseKind::Postgres);
        assert_eq!(migrator.url, "postgres://owner:pw@db/portal");
        let sqlite_owner = ("PORTAL_MIGRATION_DATABASE_URL", "sqlite://data/owner.db");
        let err = settings(&[portal, sqlite_owner]).unwrap_err();
        assert_eq!(err.variable, "PORTAL_MIGRATION_DATABASE_URL");
        assert!(err.message.contains("SQLite has no roles"), "{err}");
    }

    #[test]
    fn each_bad_variable_is_named_in_the_error() {
        for (var, value) in [
            ("PORTAL_DATABASE_URL", "mysql://localhost/x"),
            ("PORTAL_DATABASE_URL", "sqlite://"),
            ("PORTAL_MIGRATION_DATABASE_URL", "sqlite://data/owner.db"),
            (
                "PORTAL_MIGRATION_DATABASE_URL",
                "postgres://owner:s3cret-pw@localhost/portal",
            ),
            (
                "PORTAL_MIGRATION_DATABASE_URL",
                "postgres://owner:s3cret-pw@[::1/portal",
            ),
            ("PORTAL_BIND", "localhost"),
            ("PORTAL_BASE_URL", "ftp://example.org"),
            ("PORTAL_SECRET_KEY", "abc"),
            ("PORTAL_SMTP_URL", "http://mail"),
            ("PORTAL_SMTP_URL", "smtp//user:s3cret-pw@mail"),
            ("PORTAL_MAIL_FROM", "not an address"),
            ("PORTAL_RATE_LIMIT_PER_MINUTE", "0"),
            ("PORTAL_RATE_LIMIT_PER_MINUTE", "many"),
            ("PORTAL_CLICK_LIMIT_PER_MINUTE", "-1"),
            ("PORTAL_CONVERSION_ADDRESS_LIMIT_PER_MINUTE", "lots"),
            ("PORTAL_CONVERSION_PROGRAMME_LIMIT_PER_MINUTE", "-5"),
            ("PORTAL_CLICK_RETENTION_MONTHS", "0"),
            ("PORTAL_CLICK_RETENTION_MONTHS", "twee jaar"),
            ("PORTAL_CLICK_DURABILITY", "fast"),
            ("PORTAL_TRUSTED_PROXIES", "10.0.0.0/8, proxy.example"),
            ("PORTAL_TRUSTED_PROXIES", "10.0.0.0/33"),
            ("PORTAL_MAX_CONNECTIONS", "0"),
            ("PORTAL_CLIENT_REQUEST_TIMEOUT_SECONDS", "5s"),
            ("PORTAL_UPLOADS_PER_ADDRESS", "-2"),
            ("PORTAL_UPLOAD_IDLE_SECONDS", "0"),
        ] {
            let err = settings(&[(var, value)]).unwrap_err();
            assert_eq!(err.variable, var, "{value}");
            assert!(err.to_string().starts_with(var));
            assert!(!err.to_string().contains('\n'));
            // Security 11: a malformed SMTP URL is not printed with its password.
            assert!(!err.to_string().contains("s3cret-pw"));
        }
    }

    #[test]
    fn generated_secret_key_is_kept_for_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret.key");
        let first = load_or_create_secret_key(&path).unwrap();
        let second = load_or_create_secret_key(&path).unwrap();
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "readable by its owner only");
        }
    }

    #[test]
    fn generated_secret_keys_are_64_random_bytes() {
        let keys: Vec<Vec<u8>> = (0..32)
            .map(|_| {
                let dir = tempfile::tempdir().unwrap();
                load_or_create_secret_key(&dir.path().join("secret.key")).unwrap()
            })
            .collect();
        for key in &keys {
            assert_eq!(key.len(), SECRET_KEY_LEN);
            assert_eq!(SECRET_KEY_LEN, 64);
        }
        let distinct: std::collections::HashSet<&Vec<u8>> = keys.iter().collect();
        assert_eq!(distinct.len(), keys.len(), "every new key differs");
        // Every byte position takes many values over the keys: no fixed or zeroed part.
        for position in 0..SECRET_KEY_LEN {
            let values: std::collections::HashSet<u8> = keys.iter().map(|k| k[position]).collect();
            assert!(values.len() >= 16, "byte {position}: {values:?}");
        }
    }
}
