//! `/{lang}/`, `/{lang}/programmes/{slug}`, `/{lang}/programmes/{slug}/rules` (the version in
//! force) and `/{lang}/programmes/{slug}/rules/v/{n}` (version `n`, in force or not).

use std::sync::Arc;

use actix_web::{web, HttpRequest, HttpResponse};
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

/// The page an anonymous visitor is shown without a query string, if it is kept (see
/// `ProgrammePages::page`): its path, and the kept body.
fn kept_page(
    req: &HttpRequest,
    ctx: &Ctx,
    pages: &ProgrammePages,
) -> (Option<String>, Option<HttpResponse>) {
    if ctx.user.is_some() || !req.query_string().is_empty() {
        return (None, None);
    }
    let path = req.path().to_owned();
    let kept = pages.page(&path).map(html);
    (Some(path), kept)
}

/// Renders the page, and keeps it when it is an anonymous visitor's (`path` from `kept_page`).
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

async fn home(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    pages: web::Data<ProgrammePages>,
) -> Result<HttpResponse, AppError> {
    let slug = HOME_PROGRAMME.to_owned();
    programme_page(&req, ctx, &state, &pages, slug, |ctx, view| HomePage {
        ctx,
        view,
    })
    .await
}

async fn show(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    pages: web::Data<ProgrammePages>,
    InPath(slug): InPath<String>,
) -> Result<HttpResponse, AppError> {
    programme_page(&req, ctx, &state, &pages, slug, |ctx, view| ProgrammePage {
        ctx,
        view,
    })
    .await
}

/// A page about programme `slug` (the home page, the programme's page): the copy kept for
/// visitors when there is one, else made from the programme's view and kept.
async fn programme_page<P: Template>(
    req: &HttpRequest,
    ctx: Ctx,
    state: &web::Data<AppState>,
    pages: &ProgrammePages,
    slug: String,
    page: impl FnOnce(Ctx, Arc<ProgrammeView>) -> P,
) -> Result<HttpResponse, AppError> {
    let (path, kept) = kept_page(req, &ctx, pages);
    if let Some(kept) = kept {
        return Ok(kept);
    }
    let view = load_view(state, pages, &ctx, slug).await?;
    render_kept(pages, path, &page(ctx, view))
}

async fn rules(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    pages: web::Data<ProgrammePages>,
    InPath(slug): InPath<String>,
) -> Result<HttpResponse, AppError> {
    rules_page(req, ctx, state, pages, slug, None).await
}

/// Version `number` of the rules; anything but the number of a version is not found.
async fn rules_version(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    pages: web::Data<ProgrammePages>,
    path: web::Path<(Lang, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, slug, number) = path.into_inner();
    let number = number
        .parse::<i32>()
        .ok()
        .filter(|n| *n > 0 && !number.starts_with('+'))
        .ok_or(AppError::NotFound)?;
    rules_page(req, ctx, state, pages, slug, Some(number)).await
}

async fn rules_page(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    pages: web::Data<ProgrammePages>,
    slug: String,
    number: Option<i32>,
) -> Result<HttpResponse, AppError> {
    let (page_path, kept) = kept_page(&req, &ctx, &pages);
    if let Some(kept) = kept {
        return Ok(kept);
    }
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
