//! What a handler can fail with (`AppError`), the status each failure answers, and the localized
//! error page that replaces the body of every error response.

use actix_web::body::BoxBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::{header, StatusCode};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::Ctx;

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

/// The 404 answer for any route we do not have.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
