//! The page context every template gets (`Ctx`: the language, links in it, the header's account,
//! the CSRF token, dates and amounts in words) and the rendering of pages and redirects.

use std::future::{ready, Ready};

use actix_web::http::{header, StatusCode};
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;

use super::{csrf, session, AppError};
use crate::assets;
use crate::domain::{Currency, Money};
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
            .and_then(|state| state.footer_contact.get());
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

impl Ctx {
    pub fn is_lang(&self, lang: &Lang) -> bool {
        self.lang == *lang
    }

    /// The date of a moment, in the page's language (`24-11-2026` / `24 Nov 2026`): every page
    /// writes dates through this (or `day`), built on `i18n`.
    pub fn date(&self, at: &chrono::NaiveDateTime) -> String {
        self.lang.format_date(at.date())
    }

    /// A moment to the minute, in UTC as stored (`24-11-2026 14:05 UTC`).
    pub fn moment(&self, at: &chrono::NaiveDateTime) -> String {
        format!("{} {} UTC", self.date(at), at.format("%H:%M"))
    }

    /// A day, in the page's language (`24-11-2026` / `24 Nov 2026`).
    pub fn day(&self, day: &chrono::NaiveDate) -> String {
        self.lang.format_date(*day)
    }

    /// An amount of `currency` in minor units (cents), in the page's language (`€ 1.234,56` /
    /// `€1,234.56`).
    pub fn money(
        &self,
        minor: impl std::borrow::Borrow<i64>,
        currency: impl std::borrow::Borrow<Currency>,
    ) -> String {
        Money::new(*minor.borrow(), *currency.borrow()).written(self.lang)
    }

    /// Where the header's account link points: the console for managers, the dashboard otherwise.
    pub fn home_path(&self) -> &'static str {
        if self.is_manager() {
            "/manage"
        } else {
            "/account"
        }
    }
}
