//! What every page shares: the request's language and context for the layout, the error type that
//! handlers return, and the localized error pages.

use std::future::{ready, Ready};

use actix_web::body::{BoxBody, EitherBody};
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};
use askama::Template;

pub mod chart;
pub mod csrf;
pub mod csv;
pub mod extract;
pub mod file_form;
pub mod session;

use crate::assets;
use crate::i18n::Lang;
use crate::state::AppState;

/// `?notice=NAME` after a redirect: a message the next page shows, chosen by name from the
/// handler's own list (anything else shows nothing, so a link cannot put text on a page).
#[derive(serde::Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    notice: Option<String>,
}

impl NoticeQuery {
    pub fn text(&self, ctx: &Ctx, allowed: &[&str]) -> Option<String> {
        let name = self.notice.as_deref()?;
        allowed
            .contains(&name)
            .then(|| ctx.t(&format!("notice-{name}")))
    }
}

/// Per-request context for templates: the language, where the language switch points, the footer.
#[derive(Clone)]
pub struct Ctx {
    pub lang: Lang,
    /// The logged-in account as the session remembers it (for the header; handlers that act
    /// for an account use the extractors of `extract`, which checks the database).
    pub user: Option<session::SessionUser>,
    session: actix_session::Session,
    /// The path after the language segment, with its query (`/programmes/aliexpress`).
    pub rest: String,
    pub footer_contact: Option<(String, Option<String>)>,
    /// The visitor's anonymous CSRF token (see `csrf`), when the nonce middleware ran.
    anonymous_csrf: Option<String>,
}

impl Ctx {
    pub fn from_request(req: &HttpRequest) -> Ctx {
        let path = req.path();
        let (lang, rest) = match Lang::from_path(path) {
            Some(lang) => (lang, path[1 + lang.code().len()..].to_owned()),
            None => (preferred_lang(req), String::new()),
        };
        let mut rest = if rest.is_empty() {
            "/".to_owned()
        } else {
            rest
        };
        let query = req.query_string();
        if !query.is_empty() {
            rest.push('?');
            rest.push_str(query);
        }
        let footer_contact = req
            .app_data::<web::Data<AppState>>()
            .and_then(|state| state.footer_contact.clone());
        let session = actix_session::SessionExt::get_session(req);
        let user = session::SessionUser::from_session(&session);
        let anonymous_csrf = actix_web::HttpMessage::extensions(req)
            .get::<csrf::AnonymousToken>()
            .map(|t| t.0.clone());
        Ctx {
            lang,
            user,
            session,
            rest,
            footer_contact,
            anonymous_csrf,
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    pub fn t_args(&self, key: &str, args: &[(&'static str, String)]) -> String {
        self.lang.t_args(key, args)
    }

    /// A path in the page's language: `href("/programmes/aliexpress")` → `/nl/programmes/aliexpress`.
    pub fn href(&self, rest: &str) -> String {
        format!("/{}{}", self.lang.code(), rest)
    }

    /// The same page in `lang`, for the language switch.
    pub fn switch_href(&self, lang: &Lang) -> String {
        format!("/{}{}", lang.code(), self.rest)
    }

    /// The CSRF token for a form's hidden `csrf_token` field (see `csrf`).
    pub fn csrf(&self) -> String {
        csrf::token(&self.session, self.anonymous_csrf.as_deref())
    }

    pub fn is_manager(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_manager())
    }

    pub fn is_administrator(&self) -> bool {
        self.user
            .as_ref()
            .is_some_and(|u| u.is_manager() && u.administrator)
    }

    pub fn is_current(&self, rest: &str) -> bool {
        self.rest == rest
    }

    /// Whether the page is `rest` or below it, ignoring the query (`/account/channels/3`).
    /// `/account` itself matches only exactly.
    pub fn is_section(&self, rest: &str) -> bool {
        let path = self.rest.split('?').next().unwrap_or("");
        path == rest || (rest != "/account" && path.starts_with(&format!("{rest}/")))
    }

    pub fn langs(&self) -> [Lang; 2] {
        Lang::ALL
    }

    pub fn asset(&self, name: &str) -> String {
        assets::url(name)
    }
}

impl FromRequest for Ctx {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        ready(Ok(Ctx::from_request(req)))
    }
}

pub fn preferred_lang(req: &HttpRequest) -> Lang {
    req.headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or(Lang::DEFAULT)
}

/// What a handler can fail with. Details are logged; the visitor sees a localized page.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// A POST without this session's CSRF token, or an object that is not the user's.
    #[error("forbidden")]
    Forbidden,
    /// A request that is not what the form sends (a broken upload): 400.
    #[error("bad request")]
    BadRequest,
    /// More requests from this address than its limit allows (`/click`): 429, try in a minute.
    #[error("too many requests")]
    TooManyRequests,
    /// Something the request needs is not available now (the click writer): 503.
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("database pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("database: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("template: {0}")]
    Template(#[from] askama::Error),
    #[error(transparent)]
    Reports(#[from] crate::db::reports::ReportsStopped),
    #[error("blocking task: {0}")]
    Blocking(#[from] actix_web::error::BlockingError),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable(_) | AppError::Pool(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Database(e) if crate::db::is_unavailable(e) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Other(e) if crate::db::error_is_unavailable(e) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if self.status_code().is_server_error() {
            // 503 included: the visitor sees "try again", the log says why.
            tracing::error!(error = %self, "request failed");
        }
        // The body is replaced by the localized error page (see `error_page`).
        let mut response = HttpResponse::build(self.status_code());
        match self.status_code() {
            StatusCode::TOO_MANY_REQUESTS => {
                response.insert_header((header::RETRY_AFTER, "60"));
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            _ => {}
        }
        response.finish()
    }
}

/// Renders a template as an HTML page.
pub fn render(template: &impl Template) -> Result<HttpResponse, AppError> {
    render_status(StatusCode::OK, template)
}

/// Renders a page with another status: 422 for a form re-shown with its errors.
pub fn render_status(
    status: StatusCode,
    template: &impl Template,
) -> Result<HttpResponse, AppError> {
    let body = template.render()?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// A form re-shown: 422 when it has errors, 200 otherwise.
pub fn render_form(has_errors: bool, template: &impl Template) -> Result<HttpResponse, AppError> {
    let status = if has_errors {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render_status(status, template)
}

/// 303 See Other to a path of our own (never a URL taken from the request).
pub fn see_other(path: &str) -> HttpResponse {
    debug_assert!(path.starts_with('/') && !path.starts_with("//"));
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, path))
        .finish()
}

/// Runs `f` with a pooled connection on the blocking thread pool.
pub async fn with_conn<T, F>(state: &web::Data<AppState>, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut crate::db::AnyConnection) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
{
    let pool = state.pool.clone();
    web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await?
}

#[derive(Template)]
#[template(path = "web/error.html")]
struct ErrorPage {
    ctx: Ctx,
    status: u16,
    title: String,
    message: String,
}

/// Replaces the body of error responses with a page in the visitor's language.
pub fn error_page<B>(res: ServiceResponse<B>) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let status = res.status();
    let is_html_already = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/json"));
    // An HTML page is one already; a JSON error is the API's answer to a program.
    if is_html_already {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let ctx = Ctx::from_request(res.request());
    let (title_key, message_key) = match status {
        StatusCode::NOT_FOUND => ("error-404-title", "error-404-message"),
        StatusCode::FORBIDDEN => ("error-403-title", "error-403-message"),
        StatusCode::TOO_MANY_REQUESTS => ("error-429-title", "error-429-message"),
        StatusCode::SERVICE_UNAVAILABLE => ("error-503-title", "error-503-message"),
        s if s.is_client_error() => ("error-400-title", "error-400-message"),
        _ => ("error-500-title", "error-500-message"),
    };
    let page = ErrorPage {
        title: ctx.t(title_key),
        message: ctx.t(message_key),
        status: status.as_u16(),
        ctx,
    };
    let body = page.render().unwrap_or_else(|_| status.to_string());
    let (req, old) = res.into_parts();
    let mut response = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body);
    // Keep headers such as Retry-After or Allow that the original response carried.
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            response.headers_mut().insert(name.clone(), value.clone());
        }
    }
    let response: HttpResponse<BoxBody> = response;
    Ok(ErrorHandlerResponse::Response(
        ServiceResponse::new(req, response).map_into_right_body::<B>(),
    ))
}

pub type ErrorBody<B> = EitherBody<B>;

/// The 404 answer for any route we do not have.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}

impl Ctx {
    pub fn is_lang(&self, lang: &Lang) -> bool {
        self.lang == *lang
    }
}

impl Ctx {
    /// Where the header's account link points: the console for managers, the dashboard otherwise.
    pub fn home_path(&self) -> &'static str {
        if self.is_manager() {
            "/manage"
        } else {
            "/account"
        }
    }
}

/// Refuses (400) a request whose path or query holds an encoded NUL (`%00`) before any handler
/// runs: no address of ours has one, and PostgreSQL cannot compare text holding it (it answered
/// 500 there, 404 on SQLite). Form bodies and JSON are checked where they are read.
pub async fn refuse_nul<B: actix_web::body::MessageBody>(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<B>,
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

/// The session middleware turns a failing session store into an opaque 500; when the store
/// failed because the database is unavailable (`db::DatabaseUnavailable`), the visitor gets
/// the 503 page instead: nothing is broken, it is worth trying again in a moment. Wraps the
/// session middleware from outside.
pub async fn database_outage<B: actix_web::body::MessageBody + 'static>(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<B>,
) -> Result<ServiceResponse<B>, actix_web::Error> {
    match next.call(req).await {
        Err(e) if e.to_string() == crate::db::DatabaseUnavailable.to_string() => {
            Err(AppError::Unavailable("the session store's database is unavailable".into()).into())
        }
        other => other,
    }
}

/// One line per request: method, path (tokens redacted), status, duration and the client's
/// address (`client_ip::client_ip`: `X-Forwarded-For` only from a trusted proxy, since anyone can
/// write it).
pub async fn access_log<B: actix_web::body::MessageBody>(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<B>,
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
