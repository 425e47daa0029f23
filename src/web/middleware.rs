//! The middlewares of every request: NUL bytes refused, an unavailable session store answered 503,
//! the access log.

use std::cell::Cell;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::ResponseError;

use super::AppError;

/// Refuses (400) a request whose path or query holds an encoded NUL (`%00`) before any handler
/// runs: no address of ours has one, and PostgreSQL cannot compare text holding it (it answered
/// 500 there, 404 on SQLite). Form bodies and JSON are checked where they are read.
pub async fn refuse_nul<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<EitherBody<B>>, actix_web::Error> {
    let uri = req.uri();
    // `%00` has no letters: no case to fold, and nothing to allocate on the click path.
    let nul = |s: &str| s.contains("%00");
    if nul(uri.path()) || uri.query().is_some_and(nul) {
        // A response, not an error: the error pages and the security headers wrap it as usual.
        let response = AppError::BadRequest.error_response();
        return Ok(req.into_response(response).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// The path as the access log writes it: one-time tokens and keys replaced by `…`.
pub fn redacted_path(path: &str) -> std::borrow::Cow<'_, str> {
    // Most paths (every click) hold no token: borrowed as they are, nothing allocated.
    if !["/activate/", "/reset/", "/objection/"]
        .iter()
        .any(|marker| path.contains(marker))
    {
        return std::borrow::Cow::Borrowed(path);
    }
    let parts: Vec<&str> = path.split('/').collect();
    let mut out: Vec<&str> = Vec::with_capacity(parts.len());
    for (i, part) in parts.iter().enumerate() {
        let secret = match (
            i,
            parts.get(i.wrapping_sub(1)),
            parts.get(i.wrapping_sub(2)),
        ) {
            // /activate/{token}
            (_, Some(&"activate"), _) => true,
            // /{lang}/password/reset/{token}
            (_, Some(&"reset"), Some(&"password")) => true,
            // /{lang}/objection/{measure}/{key}
            (_, _, Some(&"objection")) => true,
            _ => false,
        };
        out.push(if secret && !part.is_empty() {
            "…"
        } else {
            part
        });
    }
    std::borrow::Cow::Owned(out.join("/"))
}

tokio::task_local! {
    /// Whether the session store found the database unavailable during this request: the
    /// session middleware hands its error on as an opaque 500 whose cause cannot be read back,
    /// so the store says so here (`session_store_unavailable`), typed, not in words.
    static SESSION_STORE_UNAVAILABLE: Cell<bool>;
}

/// Called by the session store (`auth::session_store`) when it could not reach the database
/// (`db::DatabaseUnavailable`); outside a request (`database_outage` not running) it does nothing.
pub fn session_store_unavailable() {
    let _ = SESSION_STORE_UNAVAILABLE.try_with(|unavailable| unavailable.set(true));
}

/// The session middleware turns a failing session store into an opaque 500; when the store
/// failed because the database is unavailable (`db::DatabaseUnavailable`), the visitor gets
/// the 503 page instead: nothing is broken, it is worth trying again in a moment. Wraps the
/// session middleware from outside.
pub async fn database_outage<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    let (result, unavailable) = SESSION_STORE_UNAVAILABLE
        .scope(Cell::new(false), async {
            let result = next.call(req).await;
            (result, SESSION_STORE_UNAVAILABLE.with(Cell::get))
        })
        .await;
    match result {
        Err(_) if unavailable => {
            Err(AppError::Unavailable("the session store's database is unavailable".into()).into())
        }
        other => other,
    }
}

/// One line per request: method, path (tokens redacted), status, duration and the client's
/// address (`client_ip::client_ip`: `X-Forwarded-For` only from a trusted proxy, since anyone can
/// write it).
pub async fn access_log<B: MessageBody>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    // A clone of the URI shares its bytes (no copy); the path is read after the response.
    let uri = req.uri().clone();
    let peer = crate::client_ip::client_ip(req.request());
    let result = next.call(req).await;
    let status = match &result {
        Ok(res) => res.status().as_u16(),
        Err(e) => e.as_response_error().status_code().as_u16(),
    };
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let path = redacted_path(uri.path());
    let peer = peer.map(|p| p.to_string()).unwrap_or_default();
    if status >= 500 {
        tracing::error!(%method, %path, status, ms, %peer, "request");
    } else if status == 401 || status == 403 || status == 429 {
        tracing::warn!(%method, %path, status, ms, %peer, "request");
    } else {
        tracing::info!(%method, %path, status, ms, %peer, "request");
    }
    result
}

#[cfg(test)]
mod log_tests {
    use super::redacted_path;

    #[test]
    fn tokens_in_paths_are_redacted() {
        assert_eq!(redacted_path("/activate/abc123"), "/activate/…");
        assert_eq!(
            redacted_path("/nl/password/reset/abc123"),
            "/nl/password/reset/…"
        );
        assert_eq!(
            redacted_path("/en/objection/12/deadbeef"),
            "/en/objection/12/…"
        );
        assert_eq!(
            redacted_path("/en/account/notices/12"),
            "/en/account/notices/12"
        );
        assert_eq!(redacted_path("/click"), "/click");
        assert_eq!(redacted_path("/"), "/");
    }
}
