//! The brand terms' page (A.1.e, B.5.a): administrators add and remove the terms a channel is
//! screened for at `/{lang}/manage/brands`. The terms themselves: `channels::brand_terms`.

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::channels::brand_terms::{add, lines, remove, TermLine};
use crate::console::handler::{show, Console, FormPage};
use crate::db::AnyConnection;
use crate::domain::brand::{self, BrandTerm, Matching};
use crate::forms::{FormData, FormState};
use crate::i18n::Lang;
use crate::web::extract::{Administrator, CsrfForm, InPath, Manager};
use crate::web::{AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/brands", web::get().to(show::<BrandsPage>))
        .route("/manage/brands", web::post().to(add_submit))
        .route("/manage/brands/{id}/remove", web::post().to(remove_submit));
}

#[derive(Template)]
#[template(path = "console/brands.html")]
struct BrandsPage {
    ctx: Ctx,
    terms: Vec<TermLine>,
    form: FormState,
    notice: Option<String>,
}

impl FormPage for BrandsPage {
    const PATH: &'static str = "/manage/brands";
    const NOTICES: &'static [&'static str] = &["brand-term-added", "brand-term-removed"];
    type Seat = Administrator;
    type Data = Vec<TermLine>;
    type Forms = FormState;

    fn load(conn: &mut AnyConnection, _: Lang) -> diesel::QueryResult<Vec<TermLine>> {
        lines(conn)
    }

    fn build(
        ctx: Ctx,
        _: &Manager,
        terms: Vec<TermLine>,
        form: FormState,
        notice: Option<String>,
    ) -> Self {
        BrandsPage {
            ctx,
            terms,
            form,
            notice,
        }
    }
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

/// The form of a new term as typed: `term`, `matching`.
fn typed(data: &FormData) -> FormState {
    let mut form = FormState::new();
    form.set("term", data.get("term"));
    form.set("matching", data.get("matching"));
    form
}

/// Reads the new term's form: `term`, `matching` (`whole_word` or `contained`).
fn read_term(data: &FormData, lang: Lang) -> Result<BrandTerm, FormState> {
    let mut form = typed(data);
    let term = brand::parse_term(data.get("term"))
        .map_err(|key| form.fail(lang, "term", key))
        .ok();
    let matching = Matching::parse(data.get("matching"));
    if matching.is_none() {
        form.fail(lang, "matching", "error-brand-matching");
    }
    match (term, matching) {
        (Some(term), Some(matching)) => Ok(BrandTerm::new(&term, matching)),
        _ => Err(form),
    }
}

async fn add_submit(
    console: Console<Administrator>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let term = match read_term(&data, console.lang()) {
        Ok(term) => term,
        Err(form) => return console.refuse::<BrandsPage>(form).await,
    };
    let added = console
        .write(move |conn, actor, now| add(conn, actor, &term, now))
        .await?;
    if added.is_none() {
        let mut form = typed(&data);
        form.fail(console.lang(), "term", "error-brand-term-exists");
        return console.refuse::<BrandsPage>(form).await;
    }
    Ok(console.done::<BrandsPage>("brand-term-added"))
}

async fn remove_submit(
    console: Console<Administrator>,
    InPath(id): InPath<i64>,
    _data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let removed = console
        .write(move |conn, actor, now| remove(conn, actor, id, now))
        .await?;
    if !removed {
        return Err(AppError::NotFound);
    }
    Ok(console.done::<BrandsPage>("brand-term-removed"))
}
