//! CSRF protection: every form carries `csrf_token`, checked on every POST.
//!
//! A logged-in session keeps a random token in the session (the session has its row anyway). A
//! visitor who is not logged in gets no session row for it (security issue 2: every anonymous GET
//! of a page with a form used to insert one): a random nonce goes into an HttpOnly cookie instead,
//! and the token is an HMAC of that nonce under the portal's secret key. Only this browser sends
//! the nonce, and nobody can compute the token without the key.

use actix_session::{Session, SessionExt};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{HttpMessage, HttpRequest};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::tokens::{constant_time_eq, random_token};

const KEY: &str = "csrf";

/// The anonymous visitor's token, put into the request by `nonce_cookie`.
#[derive(Clone, Debug)]
pub struct AnonymousToken(pub String);

/// The nonce cookie's name: with the `__Host-` prefix over https.
pub fn cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-portal_csrf"
    } else {
        "portal_csrf"
    }
}

fn anonymous_token(secret_key: &[u8], nonce: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key).expect("HMAC takes any key length");
    mac.update(b"csrf nonce ");
    mac.update(nonce.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Reads the nonce cookie (or makes one, set on the response) and puts the visitor's anonymous
/// token into the request for the pages and the checks below.
pub async fn nonce_cookie<B: actix_web::body::MessageBody>(
    req: ServiceRequest,
    next: actix_web::middleware::Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    let Some(state) = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .cloned()
    else {
        return next.call(req).await;
    };
    let https = state.settings.is_https();
    let name = cookie_name(https);
    let existing = req
        .cookie(name)
        .map(|c| c.value().to_owned())
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()));
    let (nonce, fresh) = match existing {
        Some(n) => (n, false),
        None => (random_token(), true),
    };
    req.extensions_mut().insert(AnonymousToken(anonymous_token(
        &state.settings.secret_key,
        &nonce,
    )));
    let mut response = next.call(req).await?;
    if fresh {
        let cookie = actix_web::cookie::Cookie::build(name, nonce)
            .path("/")
            .http_only(true)
            .secure(https)
            .same_site(actix_web::cookie::SameSite::Lax)
            .finish();
        response.response_mut().add_cookie(&cookie)?;
    }
    Ok(response)
}

/// The token for this request's forms: the session's own when it has one or is logged in, the
/// anonymous one otherwise (no session row), the session's as a last resort.
pub fn token(session: &Session, anonymous: Option<&str>) -> String {
    if let Ok(Some(existing)) = session.get::<String>(KEY) {
        return existing;
    }
    let logged_in = super::session::SessionUser::from_session(session).is_some();
    if let (false, Some(anonymous)) = (logged_in, anonymous) {
        return anonymous.to_owned();
    }
    let fresh = random_token();
    // Failing to store it only means the form will be refused later with a clear 403 page.
    let _ = session.insert(KEY, &fresh);
    fresh
}

/// Whether `submitted` is this session's token, or — for a visitor who is not logged in — this
/// browser's anonymous token. Once an account is logged in, only the token made for its session
/// (at login, `auth::routes::start_session` removes any earlier one) is taken: the anonymous
/// token follows the nonce cookie, which another site on the same host could have planted over
/// http (no `__Host-` prefix there), and a token from before the login is not the session's.
pub fn verify(session: &Session, anonymous: Option<&str>, submitted: &str) -> bool {
    if submitted.is_empty() {
        return false;
    }
    if let Ok(Some(expected)) = session.get::<String>(KEY) {
        if constant_time_eq(&expected, submitted) {
            return true;
        }
    }
    let logged_in = matches!(
        session.get::<i64>(super::session::SESSION_ACCOUNT),
        Ok(Some(_))
    );
    !logged_in && anonymous.is_some_and(|expected| constant_time_eq(expected, submitted))
}

/// `verify` for a request: its session and its anonymous token.
pub fn verify_request(req: &HttpRequest, submitted: &str) -> bool {
    let anonymous = req
        .extensions()
        .get::<AnonymousToken>()
        .map(|t| t.0.clone());
    verify(&req.get_session(), anonymous.as_deref(), submitted)
}
