//! `/{lang}/`, `/{lang}/programmes/{slug}` and `/{lang}/programmes/{slug}/rules`.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::queries::{self, ProgrammeView, RulesView};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::web::{render, with_conn, AppError, Ctx};

/// The programme the home page presents.
const HOME_PROGRAMME: &str = "aliexpress";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(home))
        .route("/programmes/{slug}", web::get().to(show))
        .route("/programmes/{slug}/rules", web::get().to(rules));
}

#[derive(Template)]
#[template(path = "programme/home.html")]
struct HomePage {
    ctx: Ctx,
    view: ProgrammeView,
}

#[derive(Template)]
#[template(path = "programme/show.html")]
struct ProgrammePage {
    ctx: Ctx,
    view: ProgrammeView,
}

#[derive(Template)]
#[template(path = "programme/rules.html")]
struct RulesPage {
    ctx: Ctx,
    view: RulesView,
}

async fn load_view(
    state: &web::Data<AppState>,
    ctx: &Ctx,
    slug: String,
) -> Result<ProgrammeView, AppError> {
    let lang = ctx.lang;
    with_conn(state, move |conn| {
        queries::load_programme(conn, &slug, lang, crate::db::now())
            .map_err(|e| AppError::Other(e.into()))?
            .ok_or(AppError::NotFound)
    })
    .await
}

async fn home(ctx: Ctx, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let view = load_view(&state, &ctx, HOME_PROGRAMME.to_owned()).await?;
    render(&HomePage { ctx, view })
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(Lang, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, slug) = path.into_inner();
    let view = load_view(&state, &ctx, slug).await?;
    render(&ProgrammePage { ctx, view })
}

async fn rules(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(Lang, String)>,
) -> Result<HttpResponse, AppError> {
    let (_, slug) = path.into_inner();
    let view = with_conn(&state, move |conn| {
        queries::load_rules(conn, &slug)?.ok_or(AppError::NotFound)
    })
    .await?;
    render(&RulesPage { ctx, view })
}

/// Helpers the programme templates call.
impl ProgrammeView {
    pub fn rate_text(&self, ctx: &Ctx, line: &queries::CommissionLine) -> String {
        ctx.lang.format_percent(line.rate)
    }

    /// "7 % voor verkoop op …": the sentence about a rate, rendered from the same rate as the table.
    pub fn rate_sentence(&self, ctx: &Ctx, line: &queries::CommissionLine) -> String {
        ctx.t_args(
            "programme-rate-sentence",
            &[
                ("rate", ctx.lang.format_percent(line.rate)),
                ("scope", line.scope.clone()),
            ],
        )
    }

    /// A known value (`not_allowed`) in the page's language; a value an administrator wrote in
    /// words as written.
    pub fn policy_value(&self, ctx: &Ctx, value: &str) -> String {
        ctx.lang
            .try_t(&format!("policy-value-{}", value.replace('_', "-")))
            .unwrap_or_else(|| value.to_owned())
    }

    pub fn policy_label(&self, ctx: &Ctx, key: &str) -> String {
        ctx.t(&format!("policy-{}", key.replace('_', "-")))
    }

    pub fn contact_role(&self, ctx: &Ctx, role: &str) -> String {
        ctx.t(&format!("contact-{}", role.replace('_', "-")))
    }
}
