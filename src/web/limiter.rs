//! The per-address limits on the forms that log in, sign up or send mail: this instance's, in
//! memory (actix-governor), and on PostgreSQL, where several instances may serve, the same
//! limit counted in the database across all of them (issue 24).

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, ResponseError};

use crate::config::DatabaseKind;
use crate::state::AppState;
use crate::web::AppError;

/// Per-address limits on the forms that log in, sign up or send mail (POST only), shared by all
/// workers of this instance. The address is the client's (`client_ip`: behind a trusted proxy
/// the visitor's, not the proxy's), an IPv6 address counted per /64.
#[derive(Clone)]
pub struct Limiter {
    config: actix_governor::GovernorConfig<
        ClientKey,
        actix_governor::governor::middleware::NoOpMiddleware,
    >,
}

impl Limiter {
    pub fn new(per_minute: u32) -> Limiter {
        let config = actix_governor::GovernorConfigBuilder::default()
            .requests_per_minute(u64::from(per_minute))
            .burst_size(per_minute)
            .methods(vec![actix_web::http::Method::POST])
            .key_extractor(ClientKey)
            .finish()
            .expect("a limit above 0 (checked by the settings)");
        Limiter { config }
    }

    pub fn governor(
        &self,
    ) -> actix_governor::Governor<ClientKey, actix_governor::governor::middleware::NoOpMiddleware>
    {
        actix_governor::Governor::new(&self.config)
    }

    /// A form's page (GET) and its submission (POST) at `path`, both under this limit: the
    /// login, password, second-factor, signup and bank forms.
    pub fn form<G, GetArgs, P, PostArgs>(
        &self,
        path: &str,
        get: G,
        post: P,
    ) -> impl actix_web::dev::HttpServiceFactory
    where
        G: actix_web::Handler<GetArgs>,
        GetArgs: actix_web::FromRequest + 'static,
        G::Output: actix_web::Responder + 'static,
        P: actix_web::Handler<PostArgs>,
        PostArgs: actix_web::FromRequest + 'static,
        P::Output: actix_web::Responder + 'static,
    {
        // The governor outermost: this instance's limit refuses first, from memory.
        actix_web::web::resource(path)
            .wrap(actix_web::middleware::from_fn(across_instances))
            .wrap(self.governor())
            .route(actix_web::web::get().to(get))
            .route(actix_web::web::post().to(post))
    }

    /// Forgets the addresses whose limit is full again, so the map holds only those that sent
    /// a form within the last minute; how many it still holds.
    pub fn forget_idle_addresses(&self) -> usize {
        let limiter = self.config.limiter();
        limiter.retain_recent();
        limiter.shrink_to_fit();
        limiter.len()
    }
}

/// The key of `Limiter`: the client's address (see `client_ip::limit_key`).
#[derive(Clone)]
pub struct ClientKey;

impl actix_governor::KeyExtractor for ClientKey {
    type Key = std::net::IpAddr;
    type KeyExtractionError = actix_governor::SimpleKeyExtractionError<&'static str>;

    fn extract(
        &self,
        req: &actix_web::dev::ServiceRequest,
    ) -> Result<Self::Key, Self::KeyExtractionError> {
        crate::client_ip::client_ip(req.request())
            .map(crate::client_ip::limit_key)
            .ok_or_else(|| {
                actix_governor::SimpleKeyExtractionError::new("the client's address is unknown")
            })
    }
}

/// A form's POST, let through by this instance's limit, counted in the database too when that is
/// PostgreSQL: per address (its keyed hash, as the login's limits keep it) across every instance,
/// the same number a minute (`rate_limit::record_then_check`: of posts at the same moment, only
/// those within the limit pass). The count is of the last 60 seconds, refused posts included,
/// so an address that keeps posting past the limit stays refused until it pauses a minute. A
/// 429 past it; the 503 page when the count cannot be read. On SQLite there is one instance and
/// its own limit is the limit.
async fn across_instances<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let shared = state.filter(|s| {
        req.method() == actix_web::http::Method::POST
            && s.settings.database.kind == DatabaseKind::Postgres
    });
    if let Some(state) = shared {
        let address = crate::client_ip::client_ip(req.request()).map(crate::client_ip::limit_key);
        let bucket = format!("form:{}", hex::encode(state.ip_hasher.hash(address)));
        let limit = crate::rate_limit::Limit {
            max: i64::from(state.settings.rate_limit_per_minute),
            window: chrono::Duration::minutes(1),
        };
        let pool = state.pool.clone();
        let within = web::block(move || -> anyhow::Result<bool> {
            Ok(crate::rate_limit::record_then_check(
                &mut *pool.get()?,
                &bucket,
                limit,
            )?)
        })
        .await;
        let refused = match within {
            Ok(Ok(true)) => None,
            Ok(Ok(false)) => Some(AppError::TooManyRequests),
            Ok(Err(e)) => Some(AppError::Unavailable(format!("the form limits: {e}"))),
            Err(e) => Some(AppError::Unavailable(format!("the form limits: {e}"))),
        };
        if let Some(refused) = refused {
            let response = refused.error_response();
            return Ok(req.into_response(response).map_into_right_body());
        }
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}
