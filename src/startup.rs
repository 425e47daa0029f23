//! Builds the application from `Settings`: used by `main` and by the tests, which start the very
//! same app on port 0.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::{DefaultHeaders, ErrorHandlers};
use actix_web::{web, App, HttpRequest, HttpResponse, HttpServer};
use anyhow::Context;

use crate::config::Settings;
use crate::db::once::Job;
use crate::db::{self, Pool};
use crate::state::AppState;
use crate::state::CreditingChanges;
use crate::web::limiter::Limiter;
use crate::{assets, programme, web as webx};

/// Connects, migrates (as the owner when `PORTAL_MIGRATION_DATABASE_URL` is set, granting the
/// portal's role its rights) and seeds the database; safe to run on every start and more than once.
pub fn prepare_database(settings: &Settings) -> anyhow::Result<Pool> {
    let pool = db::connect(&settings.database)?;
    let mut conn = pool.get().context("cannot get a database connection")?;
    let applied = db::migrate(&mut conn, settings.migration_database.as_ref())?;
    let seeded = programme::seed::apply(&mut conn)?;
    programme::versions::ensure_first(&mut conn, db::now())?;
    // The click log's months ahead (PostgreSQL's partitions) exist before the first click.
    crate::tracking::retention::ensure_partitions(&mut conn, db::now().date())?;
    tracing::info!(
        migrations = applied,
        programmes_seeded = seeded,
        "database ready"
    );
    Ok(pool)
}

pub struct Application {
    port: u16,
    server: Server,
    pool: Pool,
    click_writer: std::thread::JoinHandle<()>,
    report_threads: crate::db::reports::ReportThreads,
    limits: Limits,
    /// Whole months of clicks kept (see `tracking::retention`).
    click_retention_months: u32,
    /// Sends the mail queue while the server runs.
    mail_worker: crate::mail::MailSender,
    /// Hears the changes other instances announce (PostgreSQL) while the server runs.
    listening: std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
}

impl Application {
    /// Prepares the database and binds the listener; the server runs when awaited.
    pub fn build(settings: Settings) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(settings.bind)
            .with_context(|| format!("cannot listen on {}", settings.bind))?;
        Application::build_on(settings, listener)
    }

    /// `build` on a listener bound already (port 0 in the tests: the port is known, and kept,
    /// before the settings that name it are made).
    pub fn build_on(settings: Settings, listener: TcpListener) -> anyhow::Result<Application> {
        let pool = prepare_database(&settings)?;
        let click_retention_months = settings.click_retention_months;
        let footer_contact = {
            let mut conn = pool.get().context("cannot get a database connection")?;
            crate::state::FooterContact::new(programme::queries::publisher_team_contact(&mut conn)?)
        };
        let mailer = crate::mail::MailSender::from_settings(&settings)?.with_queue(pool.clone());
        let mail_worker = mailer.clone();
        let limiter = Limiter::new(settings.rate_limit_per_minute);
        let session_key = actix_web::cookie::Key::from(&settings.secret_key[..]);
        let port = listener.local_addr()?.port();
        let crediting = CreditingChanges::default();
        let (click_queue, click_writer) = crate::tracking::writer::start(
            pool.clone(),
            settings.database.kind,
            settings.click_velocity_per_minute,
            crediting.clone(),
            Some(&settings.data_dir.join("spool")),
            settings.click_durability,
        )
        .context("cannot start the click writer")?;
        let tracking = web::Data::new(crate::tracking::Tracking::new(
            click_queue,
            &settings.secret_key,
            settings.click_limit_per_minute,
        ));
        let proxies = crate::client_ip::TrustedProxies::new(&settings.trusted_proxies);
        let programme_pages = web::Data::new(programme::cache::ProgrammePages::default());
        let conversion_api = web::Data::new(crate::ledger::api::ConversionApi::new(
            settings.conversion_address_limit_per_minute,
            settings.conversion_programme_limit_per_minute,
        ));
        let uploads = web::Data::new(crate::enforcement::upload::UploadGate::new(
            settings.uploads,
        ));
        let server_limits = settings.server;
        let (reports, report_threads) = crate::db::reports::Reports::start(pool.clone(), 2)
            .context("cannot start the report threads")?;
        let ip_hasher = crate::ip_hash::IpHasher::new(&settings.secret_key);
        let state = web::Data::new(AppState {
            pool: pool.clone(),
            settings,
            mailer,
            footer_contact,
            ip_hasher,
            crediting,
            reports,
        });
        let listening = Box::pin(crate::changes::listen(
            state.settings.database.clone(),
            heard(state.clone(), programme_pages.clone()),
        ));
        let limits = Limits {
            forms: limiter.clone(),
            clicks: std::sync::Arc::downgrade(&tracking.clone().into_inner()),
            conversions: conversion_api.clone(),
        };
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(tracking.clone())
                .app_data(proxies.clone())
                .app_data(programme_pages.clone())
                .app_data(conversion_api.clone())
                .app_data(uploads.clone())
                .wrap(actix_web::middleware::from_fn(webx::refuse_nul))
                .wrap(error_pages())
                .wrap(security_headers(state.settings.is_https()))
                .wrap(actix_web::middleware::from_fn(webx::access_log))
                .configure(|cfg| routes(cfg, &state, &limiter, &session_key))
        })
        // Bounded connections, and clients that are slow to send their headers, to close, or
        // to ask again are let go (issue 21 point 2; uploads' bodies have their own clock).
        .max_connections(server_limits.max_connections)
        .client_request_timeout(std::time::Duration::from_secs(
            server_limits.client_request_timeout,
        ))
        .client_disconnect_timeout(std::time::Duration::from_secs(
            server_limits.client_disconnect_timeout,
        ))
        .keep_alive(std::time::Duration::from_secs(server_limits.keep_alive))
        .listen(listener)?
        .shutdown_timeout(30)
        .run();
        Ok(Application {
            port,
            server,
            pool,
            click_writer,
            report_threads,
            mail_worker,
            limits,
            click_retention_months,
            listening,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server from elsewhere (as SIGTERM would): `run_until_stopped` then finishes
    /// the requests in flight and waits for the click writer.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGINT or SIGTERM, then finishes the requests in flight and waits until
    /// the click writer has stored every click it was given.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let maintenance = tokio::spawn(maintain(self.pool.clone()));
        let retention = tokio::spawn(retain_clicks(
            self.pool.clone(),
            self.click_retention_months,
        ));
        let forgetting = tokio::spawn(self.limits.forget_idle_addresses());
        let mail = tokio::spawn(self.mail_worker.run_queue());
        let listening = tokio::spawn(self.listening);
        let result = self.server.await;
        listening.abort();
        maintenance.abort();
        retention.abort();
        forgetting.abort();
        mail.abort();
        // The app (and with it the last click queue handle and `Reports`) is gone now; the
        // writer drains what is queued and ends, so do the report threads.
        let (writer, reports) = (self.click_writer, self.report_threads);
        let joined = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            tokio::task::spawn_blocking(move || {
                let _ = writer.join();
                reports.join();
            }),
        )
        .await;
        if joined.is_err() {
            tracing::error!("the click writer or a report did not stop within 30 seconds");
        }
        result
    }
}

/// The per-address limits of this instance: their maps grow with every new address, so the
/// addresses that may send as much as a new one again are forgotten every minute.
struct Limits {
    forms: Limiter,
    /// Weak: the click handler's state holds the click queue, which must go when the server
    /// stops (the click writer ends then).
    clicks: std::sync::Weak<crate::tracking::Tracking>,
    conversions: web::Data<crate::ledger::api::ConversionApi>,
}

impl Limits {
    async fn forget_idle_addresses(self) {
        let mut interval = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            interval.tick().await;
            let forms = self.forms.forget_idle_addresses();
            let clicks = self
                .clicks
                .upgrade()
                .map_or(0, |tracking| tracking.forget_idle_addresses());
            let conversions = self.conversions.forget_idle();
            tracing::debug!(
                forms,
                clicks,
                conversions,
                "addresses kept by the rate limits"
            );
        }
    }
}

/// What this instance does when any instance announces a change (`changes::listen`): the
/// footer's contact is read again and the programme's pages forget what they kept, or the click
/// writer forgets what it knew of links.
fn heard(
    state: web::Data<AppState>,
    pages: web::Data<programme::cache::ProgrammePages>,
) -> impl Fn(crate::changes::Change) + Send + Sync + 'static {
    move |change| match change {
        crate::changes::Change::Programme => {
            // The footer first: a page kept before it is read again would show the old one.
            let (state, pages) = (state.clone(), pages.clone());
            tokio::task::spawn_blocking(move || {
                programme::cache::read_footer_contact(&state);
                pages.forget_all();
            });
        }
        crate::changes::Change::Crediting => state.crediting.changed(),
    }
}

/// Every ten minutes: make commissions whose locking date has passed final, and forget the
/// conversion API's stale signatures, expired sessions, signup drafts and old rate-limit counts.
async fn maintain(pool: Pool) {
    let round = |conn: &mut db::AnyConnection| -> anyhow::Result<_> {
        let now = crate::db::now();
        let settled = crate::ledger::locking::settle_due(conn, now)?;
        crate::ledger::signature::forget_stale(conn, now.and_utc().timestamp())?;
        if settled > 0 {
            tracing::info!(settled, "commissions final at their locking date");
        }
        Ok((
            crate::auth::session_store::purge_expired(conn)?,
            crate::signup::draft::purge_expired(conn)?,
            crate::rate_limit::purge_old(conn)?,
        ))
    };
    periodically(
        pool,
        600,
        Job::Maintenance,
        round,
        |(sessions, drafts, events)| {
            tracing::debug!(sessions, drafts, events, "expired rows purged")
        },
    )
    .await
}

/// At start and then every hour: the click log's months ahead exist (PostgreSQL), and clicks
/// past the retention period are removed (`tracking::retention`).
async fn retain_clicks(pool: Pool, months: u32) {
    let round = move |conn: &mut db::AnyConnection| -> anyhow::Result<_> {
        Ok(crate::tracking::retention::run(
            conn,
            db::now().date(),
            months,
        )?)
    };
    periodically(pool, 3600, Job::Retention, round, |removed| {
        if removed.deleted > 0 || !removed.months.is_empty() {
            tracing::info!(deleted = removed.deleted, months = ?removed.months, "old clicks removed")
        }
    })
    .await
}

/// Runs `round` of `job` at once and then every `seconds`, on the blocking pool and on one
/// instance at a time (`db::once`: a round another instance is running is skipped); `done`
/// hears what a round did, a failed round is logged.
async fn periodically<T, R, D>(pool: Pool, seconds: u64, job: Job, round: R, done: D)
where
    T: Send + 'static,
    R: Fn(&mut db::AnyConnection) -> anyhow::Result<T> + Clone + Send + 'static,
    D: Fn(T),
{
    let mut interval = tokio::time::interval(std::time::Duration::from_secs(seconds));
    loop {
        interval.tick().await;
        let (pool, round) = (pool.clone(), round.clone());
        let result =
            tokio::task::spawn_blocking(move || db::once::once(&mut *pool.get()?, job, round))
                .await;
        match result {
            Ok(Ok(Some(outcome))) => done(outcome),
            Ok(Ok(None)) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, ?job, "a periodic job failed"),
            Err(e) => tracing::warn!(error = %e, ?job, "a periodic job failed"),
        }
    }
}

/// The session cookie's name: `__Host-portal_session` over https, `portal_session` on plain
/// http (development), where browsers refuse `__Host-` cookies.
pub fn session_cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-portal_session"
    } else {
        "portal_session"
    }
}

/// Sessions live in the database; the cookie is HttpOnly, SameSite=Lax, Secure on https, and
/// lasts as long as the browser session. They end after 30 idle minutes (12 hours after login
/// at the latest, see `web::session::SessionUser`).
fn session_middleware(
    state: &web::Data<AppState>,
    key: &actix_web::cookie::Key,
) -> actix_session::SessionMiddleware<crate::auth::session_store::DbSessionStore> {
    use actix_session::config::{BrowserSession, TtlExtensionPolicy};
    actix_session::SessionMiddleware::builder(
        crate::auth::session_store::DbSessionStore::new(state.pool.clone()),
        key.clone(),
    )
    // Over https the `__Host-` prefix: the browser keeps the cookie only if it is Secure, for
    // path `/` and this host alone (no Domain), so no subdomain can set or shadow it.
    .cookie_name(session_cookie_name(state.settings.is_https()).into())
    .cookie_secure(state.settings.is_https())
    .cookie_http_only(true)
    .cookie_same_site(actix_web::cookie::SameSite::Lax)
    .session_lifecycle(
        BrowserSession::default()
            .state_ttl(actix_web::cookie::time::Duration::minutes(
                crate::web::session::IDLE_TIMEOUT_MINUTES,
            ))
            .state_ttl_extension_policy(TtlExtensionPolicy::OnEveryRequest),
    )
    .build()
}

fn routes(
    cfg: &mut web::ServiceConfig,
    state: &web::Data<AppState>,
    limiter: &Limiter,
    key: &actix_web::cookie::Key,
) {
    let limiter = limiter.clone();
    if state.settings.bench_routes {
        cfg.route(
            "/bench/302",
            web::get().to(crate::tracking::routes::bare_redirect),
        );
    }
    cfg.route("/healthz", web::get().to(healthz))
        .route("/click", web::get().to(crate::tracking::routes::click))
        .configure(crate::ledger::api::configure)
        .route("/", web::get().to(root))
        .route("/favicon.ico", web::get().to(assets::favicon))
        .route("/static/{file}", web::get().to(assets::serve))
        .service(
            web::resource("/logout")
                .wrap(error_pages())
                .wrap(session_middleware(state, key))
                .wrap(actix_web::middleware::from_fn(webx::database_outage))
                .route(web::post().to(crate::auth::routes::logout)),
        )
        .service(
            web::resource("/activate/{token}")
                .wrap(limiter.governor())
                .wrap(actix_web::middleware::from_fn(webx::csrf::nonce_cookie))
                .wrap(error_pages())
                .wrap(session_middleware(state, key))
                .wrap(actix_web::middleware::from_fn(webx::database_outage))
                .route(web::get().to(crate::signup::routes::activate_form))
                .route(web::post().to(crate::signup::routes::activate_submit)),
        )
        .service(
            web::scope("/{lang:nl|en}")
                .wrap(actix_web::middleware::from_fn(webx::csrf::nonce_cookie))
                .wrap(error_pages())
                .wrap(session_middleware(state, key))
                .wrap(actix_web::middleware::from_fn(webx::database_outage))
                .route("", web::get().to(add_slash))
                .configure(programme::routes::configure)
                .configure(|cfg| crate::signup::routes::configure(cfg, &limiter))
                .configure(|cfg| crate::auth::routes::configure(cfg, &limiter))
                .configure(|cfg| crate::auth::second_factor_routes::configure(cfg, &limiter))
                .configure(crate::channels::routes::configure)
                .configure(crate::tracking::links::configure)
                .configure(crate::tracking::stats::configure)
                .configure(|cfg| crate::account_money::routes::configure(cfg, &limiter))
                .configure(crate::enforcement::routes::configure)
                .configure(crate::console::configure),
        )
        .default_service(web::to(webx::not_found));
}

/// Error responses get a page in the visitor's language. Inside the routes that have sessions
/// it wraps them from within the session middleware, so the page's header shows who is logged
/// in; around the whole app it catches the rest (`/click`, static files, unknown paths).
fn error_pages<B: actix_web::body::MessageBody + 'static>() -> ErrorHandlers<B> {
    ErrorHandlers::new()
        .default_handler_client(webx::error_page)
        .default_handler_server(webx::error_page)
}

/// Content-Security-Policy and friends on every response. No inline script or style is allowed.
fn security_headers(https: bool) -> DefaultHeaders {
    let mut headers = DefaultHeaders::new()
        .add((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add((header::REFERRER_POLICY, "strict-origin-when-cross-origin"))
        .add((
            header::HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ));
    if https {
        headers = headers.add((
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=63072000; includeSubDomains",
        ));
    }
    headers
}

/// 200 when the database answers a query, 503 otherwise.
async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    use diesel::connection::SimpleConnection;
    let pool = state.pool.clone();
    let ok = web::block(move || {
        pool.get()
            .ok()
            .is_some_and(|mut c| c.batch_execute("SELECT 1").is_ok())
    })
    .await
    .unwrap_or(false);
    if ok {
        HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body("ok")
    } else {
        HttpResponse::build(StatusCode::SERVICE_UNAVAILABLE)
            .content_type("text/plain; charset=utf-8")
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body("database unavailable")
    }
}

/// `/` sends the visitor to the language its browser prefers.
async fn root(req: HttpRequest) -> HttpResponse {
    let lang = webx::preferred_lang(&req);
    HttpResponse::Found()
        .insert_header((header::LOCATION, format!("/{}/", lang.code())))
        .insert_header((header::VARY, "Accept-Language"))
        .finish()
}

/// `/nl` → `/nl/`.
async fn add_slash(req: HttpRequest) -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, format!("{}/", req.path())))
        .finish()
}
