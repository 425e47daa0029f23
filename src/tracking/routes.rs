//! `GET /click`: the tracking redirect, and `GET /bench/302`, the bare redirect the benchmark
//! compares it with (served only with `PORTAL_BENCH_ROUTES=1`).

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use super::link::LinkParams;
use super::writer::{ClickDraft, ClickOutcome};
use crate::web::AppError;

/// Longest user agent and referrer kept; longer ones are cut (at a character boundary).
const USER_AGENT_MAX: usize = 512;
const REFERRER_MAX: usize = 1024;

fn header_text(req: &HttpRequest, name: header::HeaderName, max: usize) -> Option<String> {
    let value = req.headers().get(name)?.as_bytes();
    // Valid UTF-8 is checked at once; only a broken header takes the slower lossy path.
    let text = match std::str::from_utf8(value) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(value),
    };
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Some(text[..end].to_owned())
}

/// Stores the click, then sends the visitor to the programme's landing page with the click id.
/// Unknown or malformed parameters get the 404 page; the target never comes from the request
/// (a deep URL is followed only when the programme allows deep links to its own domains).
pub async fn click(
    req: HttpRequest,
    tracking: web::Data<super::Tracking>,
) -> Result<HttpResponse, AppError> {
    let params = LinkParams::from_query(req.query_string()).ok_or(AppError::NotFound)?;
    let client = crate::client_ip::client_ip(&req);
    let address = super::abnormal::address_key(client);
    if !tracking.admits(address) {
        return Err(AppError::TooManyRequests);
    }
    let user_agent = header_text(&req, header::USER_AGENT, USER_AGENT_MAX).unwrap_or_default();
    let referrer = header_text(&req, header::REFERER, REFERRER_MAX).filter(|r| !r.is_empty());
    let ip_hash = tracking.ip_hash(client);
    let visitor = {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (&ip_hash, &user_agent).hash(&mut hasher);
        hasher.finish()
    };
    let draft = ClickDraft {
        params,
        at_ms: chrono::Utc::now().timestamp_millis(),
        ip_hash,
        visitor,
        address,
        is_bot: tracking.is_bot(&user_agent),
        user_agent,
        referrer,
    };
    match tracking.queue.record(draft).await {
        Ok(ClickOutcome::Redirect(location)) => Ok(HttpResponse::Found()
            .insert_header((header::LOCATION, location))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .finish()),
        Ok(ClickOutcome::Unknown) => Err(AppError::NotFound),
        Err(e) => Err(AppError::Unavailable(e)),
    }
}

/// The benchmark's baseline: the same middleware and a 302, but no click.
pub async fn bare_redirect() -> HttpResponse {
    HttpResponse::Found()
        .insert_header((header::LOCATION, "https://www.aliexpress.com/"))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}
