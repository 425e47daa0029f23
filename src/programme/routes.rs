//! `/{lang}/`, `/{lang}/programmes/{slug}`, `/{lang}/programmes/{slug}/rules` (the version in
//! force) and `/{lang}/programmes/{slug}/rules/v/{n}` (version `n`, in force or not).

use std::sync::Arc;

use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use askama::Template;

use super::cache::ProgrammePages;
use super::queries::{self, ProgrammeView, RulesView};
use super::versions::{self, RulesPageView, VersionLine};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::web::extract::InPath;
use crate::web::{with_conn, AppError, Ctx};

/// The programme the home page presents.
const HOME_PROGRAMME: &str = "aliexpress";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/programmes/{slug}", web::get().to(show))
        .route("/programmes/{slug}/rules", web::get().to(rules))
        .route(
            "/programmes/{slug}/rules/v/{number}",
            web::get().to(rules_version),
        );
}

#[derive(Template)]
#[template(path = "programme/home.html")]
struct HomePage {
    ctx: Ctx,
    view: Arc<ProgrammeView>,
}

#[derive(Template)]
#[template(path = "programme/show.html")]
struct ProgrammePage {
    ctx: Ctx,
    view: Arc<ProgrammeView>,
}

#[derive(Template)]
#[template(path = "programme/rules.html")]
struct RulesPage {
    ctx: Ctx,
    view: Arc<RulesView>,
    page: RulesPageView,
}

impl RulesPage {
    fn version_date(&self, version: &VersionLine) -> String {
        version.date_text(self.ctx.lang, &self.view.programme.rules_updated)
    }

    fn version_href(&self, version: &VersionLine) -> String {
        let slug = &self.view.programme.slug;
        if version.number == self.page.in_force.number {
            self.ctx.href(&format!("/programmes/{slug}/rules"))
        } else {
            self.ctx
                .href(&format!("/programmes/{slug}/rules/v/{}", version.number))
        }
    }
}

/// The programme page's data: from memory while fresh (see `cache`), else read and kept.
async fn load_view(
    state: &web::Data<AppState>,
    pages: &ProgrammePages,
    ctx: &Ctx,
    slug: String,
) -> Result<Arc<ProgrammeView>, AppError> {
    let lang = ctx.lang;
    if let Some(view) = pages.programme(&slug, lang) {
        return Ok(view);
    }
    let key = slug.clone();
    let view = Arc::new(
        with_conn(state, move |conn| {
            queries::load_programme(conn, &slug, lang, crate::db::now())
                .map_err(|e| AppError::Other(e.into()))?
                .ok_or(AppError::NotFound)
        })
        .await?,
    );
    pages.keep_programme(&key, lang, view.clone());
    Ok(view)
}

/// Renders the page, and keeps it when it is an anonymous visitor's (`path` from `Visit::kept`).
fn render_kept(
    pages: &ProgrammePages,
    path: Option<String>,
    template: &impl Template,
) -> Result<HttpResponse, AppError> {
    let body = web::Bytes::from(template.render()?);
    if let Some(path) = path {
        pages.keep_page(&path, body.clone());
    }
    Ok(html(body))
}

fn html(body: web::Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// What every programme page takes from its request: the request itself (whether a kept copy
/// may answer it), its context, the state and the kept pages.
struct Visit {
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    pages: web::Data<ProgrammePages>,
}

impl FromRequest for Visit {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let visit = |req: &HttpRequest| -> Result<Visit, actix_web::Error> {
            Ok(Visit {
                req: req.clone(),
                ctx: Ctx::from_request(req),
                state: web::Data::<AppState>::extract(req).into_inner()?,
                pages: web::Data::<ProgrammePages>::extract(req).into_inner()?,
            })
        };
        std::future::ready(visit(req))
    }
}

impl Visit {
    /// The page an anonymous visitor is shown without a query string, if it is kept (see
    /// `ProgrammePages::page`): its path, and the kept body.
    fn kept(&self) -> (Option<String>, Option<HttpResponse>) {
        if self.ctx.user.is_some() || !self.req.query_string().is_empty() {
            return (None, None);
        }
        let path = self.req.path().to_owned();
        let kept = self.pages.page(&path).map(html);
        (Some(path), kept)
    }
}

async fn home(visit: Visit) -> Result<HttpResponse, AppError> {
    let slug = HOME_PROGRAMME.to_owned();
    programme_page(visit, slug, |ctx, view| HomePage { ctx, view }).await
}

async fn show(visit: Visit, InPath(slug): InPath<String>) -> Result<HttpResponse, AppError> {
    programme_page(visit, slug, |ctx, view| ProgrammePage { ctx, view }).await
}

/// A page about programme `slug` (the home page, the programme's page): the copy kept for
/// visitors when there is one, else made from the programme's view and kept.
async fn programme_page<P: Template>(
    visit: Visit,
    slug: String,
    page: impl FnOnce(Ctx, Arc<ProgrammeView>) -> P,
) -> Result<HttpResponse, AppError> {
    let (path, kept) = visit.kept();
    if let Some(kept) = kept {
        return Ok(kept);
    }
    let view = load_view(&visit.state, &visit.pages, &visit.ctx, slug).await?;
    let page = page(visit.ctx, view);
    render_kept(&visit.pages, path, &page)
}

async fn rules(visit: Visit, InPath(slug): InPath<String>) -> Result<HttpResponse, AppError> {
    rules_page(visit, slug, None).await
}

/// Version `number` of the rules; anything but the number of a version is not found.
async fn rules_version(
    visit: Visit,
    path: web::Path<(Lang, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, slug, number) = path.into_inner();
    let number = number
        .parse::<i32>()
        .ok()
        .filter(|n| *n > 0 && !number.starts_with('+'))
        .ok_or(AppError::NotFound)?;
    rules_page(visit, slug, Some(number)).await
}

async fn rules_page(
    visit: Visit,
    slug: String,
    number: Option<i32>,
) -> Result<HttpResponse, AppError> {
    let (page_path, kept) = visit.kept();
    if let Some(kept) = kept {
        return Ok(kept);
    }
    let Visit {
        ctx, state, pages, ..
    } = visit;
    let rules = match pages.rules(&slug) {
        Some(view) => view,
        None => {
            let key = slug.clone();
            let view = Arc::new(
                with_conn(&state, move |conn| {
                    queries::load_rules(conn, &slug)?.ok_or(AppError::NotFound)
                })
                .await?,
            );
            pages.keep_rules(&key, view.clone());
            view
        }
    };
    let page = with_conn(&state, move |conn| {
        versions::rules_page(conn, rules, number)?.ok_or(AppError::NotFound)
    })
    .await?;
    let view = page.rules.clone();
    render_kept(&pages, page_path, &RulesPage { ctx, view, page })
}

/// Helpers the programme templates call.
impl ProgrammeView {
    pub fn rate_text(&self, ctx: &Ctx, line: &queries::RateLine) -> String {
        ctx.lang.format_percent(line.rate)
    }

    /// "7 % voor verkoop op …": the sentence about a rate, rendered from the same rate as the table.
    pub fn rate_sentence(&self, ctx: &Ctx, line: &queries::RateLine) -> String {
        ctx.t_args(
            "programme-rate-sentence",
            &[
                ("rate", ctx.lang.format_percent(line.rate)),
                ("scope", line.scope.clone()),
            ],
        )
    }

    /// A policy's value in the page's language; the cookie period with its session window,
    /// rendered from the programme's own setting.
    pub fn policy_value(&self, ctx: &Ctx, policy: &queries::Policy) -> String {
        use super::policy::{window_words, PolicyValue};
        match policy.value {
            PolicyValue::SessionBased => ctx.t_args(
                "policy-value-session-based-window",
                &[(
                    "window",
                    window_words(ctx.lang, self.programme.session_window_minutes),
                )],
            ),
            value => value.label(ctx.lang),
        }
    }

    /// The session window in words ("24 uur").
    pub fn session_window(&self, ctx: &Ctx) -> String {
        super::policy::window_words(ctx.lang, self.programme.session_window_minutes)
    }

    pub fn policy_label(&self, ctx: &Ctx, policy: &queries::Policy) -> String {
        policy.key.label(ctx.lang)
    }

    pub fn contact_role(&self, ctx: &Ctx, role: &str) -> String {
        ctx.t(&format!("contact-{}", role.replace('_', "-")))
    }
}
