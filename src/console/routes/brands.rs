//! The brand terms' page (A.1.e, B.5.a): administrators add and remove the terms a channel is
//! screened for at `/{lang}/manage/brands`. The terms themselves: `channels::brand_terms`.

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::channels::brand_terms::{add, lines, remove, TermLine};
use crate::domain::brand::{self, BrandTerm, Matching};
use crate::forms::FormState;
use crate::state::AppState;
use crate::web::extract::{Administrator, CsrfForm, InPath};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx, NoticeQuery};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/brands", web::get().to(list))
        .route("/manage/brands", web::post().to(add_submit))
        .route("/manage/brands/{id}/remove", web::post().to(remove_submit));
}

const NOTICES: &[&str] = &["brand-term-added", "brand-term-removed"];

#[derive(Template)]
#[template(path = "console/brands.html")]
struct BrandsPage {
    ctx: Ctx,
    terms: Vec<TermLine>,
    form: FormState,
    notice: Option<String>,
}

impl BrandsPage {
    fn matching_label(&self, matching: &str) -> String {
        self.ctx
            .t(&format!("brands-matching-{}", matching.replace('_', "-")))
    }

    fn matchings(&self) -> Vec<(&'static str, String, String)> {
        Matching::ALL
            .iter()
            .map(|m| {
                let key = format!("brands-matching-{}", m.as_str().replace('_', "-"));
                (
                    m.as_str(),
                    self.ctx.t(&key),
                    self.ctx.t(&format!("{key}-help")),
                )
            })
            .collect()
    }
}

async fn brands_page(
    ctx: Ctx,
    state: &web::Data<AppState>,
    form: FormState,
    notice: Option<String>,
) -> Result<BrandsPage, AppError> {
    let terms = with_conn(state, |conn| Ok(lines(conn)?)).await?;
    Ok(BrandsPage {
        ctx,
        terms,
        form,
        notice,
    })
}

async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    _admin: Administrator,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query.text(&ctx, NOTICES);
    render(&brands_page(ctx, &state, FormState::new(), notice).await?)
}

/// `term`, `matching` (`whole_word` or `contained`).
async fn add_submit(
    ctx: Ctx,
    state: web::Data<AppState>,
    admin: Administrator,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let lang = ctx.lang;
    let mut form = FormState::new();
    form.set("term", data.get("term"));
    form.set("matching", data.get("matching"));
    let term = brand::parse_term(data.get("term"))
        .map_err(|key| form.fail(lang, "term", key))
        .ok();
    let matching = Matching::parse(data.get("matching"));
    if matching.is_none() {
        form.fail(lang, "matching", "error-brand-matching");
    }
    let (Some(term), Some(matching)) = (term, matching) else {
        let page = brands_page(ctx, &state, form, None).await?;
        return render_form(true, &page);
    };
    let actor = admin.actor();
    let term = BrandTerm::new(&term, matching);
    let added = with_conn(&state, move |conn| {
        Ok(add(conn, &actor, &term, crate::db::now())?)
    })
    .await?;
    if added.is_none() {
        form.fail(lang, "term", "error-brand-term-exists");
        let page = brands_page(ctx, &state, form, None).await?;
        return render_form(true, &page);
    }
    Ok(see_other(
        &ctx.href("/manage/brands?notice=brand-term-added"),
    ))
}

async fn remove_submit(
    ctx: Ctx,
    state: web::Data<AppState>,
    admin: Administrator,
    InPath(id): InPath<i64>,
    _data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let actor = admin.actor();
    let removed = with_conn(&state, move |conn| {
        Ok(remove(conn, &actor, id, crate::db::now())?)
    })
    .await?;
    if !removed {
        return Err(AppError::NotFound);
    }
    Ok(see_other(
        &ctx.href("/manage/brands?notice=brand-term-removed"),
    ))
}
