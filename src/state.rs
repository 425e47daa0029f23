//! What every handler may reach: the application's state, shared by all workers of this instance.

use crate::config::Settings;
use crate::db::Pool;
use crate::mail::MailSender;
use crate::participants::CreditingChanges;

pub struct AppState {
    pub pool: Pool,
    pub settings: Settings,
    pub mailer: MailSender,
    /// The publisher team's name and address for the footer, read once at start.
    pub footer_contact: Option<(String, Option<String>)>,
    /// Told of every change that decides whether clicks are credited; the click writer
    /// forgets what it cached when it moves.
    pub crediting: CreditingChanges,
    /// Threads with a lower CPU priority for statistics.
    pub reports: crate::db::reports::Reports,
    /// Hashes addresses as the click log does (for where participants log in from).
    pub ip_hasher: crate::ip_hash::IpHasher,
}

/// Per-IP limits on the forms that log in, sign up or send mail (POST only), shared by all
/// workers of this instance.
#[derive(Clone)]
pub struct Limiter {
    config: actix_governor::GovernorConfig<
        actix_governor::PeerIpKeyExtractor,
        actix_governor::governor::middleware::NoOpMiddleware,
    >,
}

impl Limiter {
    pub fn new(per_minute: u32) -> Limiter {
        let config = actix_governor::GovernorConfigBuilder::default()
            .requests_per_minute(u64::from(per_minute))
            .burst_size(per_minute)
            .methods(vec![actix_web::http::Method::POST])
            .finish()
            .unwrap_or_default();
        Limiter { config }
    }

    pub fn governor(
        &self,
    ) -> actix_governor::Governor<
        actix_governor::PeerIpKeyExtractor,
        actix_governor::governor::middleware::NoOpMiddleware,
    > {
        actix_governor::Governor::new(&self.config)
    }
}
