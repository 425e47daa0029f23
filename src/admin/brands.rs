//! The brand terms (A.1.e, B.5.a) a new or changed channel is screened for, kept by
//! administrators at `/{lang}/manage/brands`: each matches as a whole word or also inside a
//! word. Screening reads the table each time a channel is saved (rarely), so a change counts
//! from the next channel on. Every change has an audit line.

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, action, Actor};
use crate::db::schema::{accounts, brand_terms};
use crate::db::AnyConnection;
use crate::domain::brand::{self, BrandTerm, Matching};
use crate::forms::FormState;
use crate::state::AppState;
use crate::web::extract::{Administrator, CsrfForm};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx, NoticeQuery};

/// The terms the screening matches.
pub fn terms(conn: &mut AnyConnection) -> QueryResult<Vec<BrandTerm>> {
    let rows: Vec<(String, String)> = brand_terms::table
        .order(brand_terms::id)
        .select((brand_terms::term, brand_terms::matching))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(term, matching)| Matching::parse(&matching).map(|m| BrandTerm::new(&term, m)))
        .collect())
}

/// One term as the page lists it.
#[derive(Debug, Clone)]
pub struct TermLine {
    pub id: i64,
    pub term: String,
    pub matching: String,
    pub created_at: NaiveDateTime,
    pub added_by: Option<String>,
}

fn lines(conn: &mut AnyConnection) -> QueryResult<Vec<TermLine>> {
    let rows: Vec<(i64, String, String, NaiveDateTime, Option<String>)> = brand_terms::table
        .left_join(accounts::table.on(accounts::id.nullable().eq(brand_terms::added_by)))
        .order(brand_terms::term)
        .select((
            brand_terms::id,
            brand_terms::term,
            brand_terms::matching,
            brand_terms::created_at,
            accounts::email.nullable(),
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, term, matching, created_at, added_by)| TermLine {
            id,
            term,
            matching,
            created_at,
            added_by,
        })
        .collect())
}

/// Adds a term; `None` when the list has it already (also when another administrator added it
/// at the same moment).
pub fn add(
    conn: &mut AnyConnection,
    actor: &Actor,
    term: &BrandTerm,
    now: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    match add_once(conn, actor, term, now) {
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(None),
        other => other,
    }
}

fn add_once(
    conn: &mut AnyConnection,
    actor: &Actor,
    term: &BrandTerm,
    now: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    crate::db::write_transaction(conn, |conn| {
        let exists: i64 = brand_terms::table
            .filter(brand_terms::term.eq(&term.term))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Ok(None);
        }
        let id: i64 = diesel::insert_into(brand_terms::table)
            .values((
                brand_terms::term.eq(&term.term),
                brand_terms::matching.eq(term.matching.as_str()),
                brand_terms::added_by.eq(actor.id),
                brand_terms::created_at.eq(now),
            ))
            .returning(brand_terms::id)
            .get_result(conn)?;
        let entry = audit::Entry::new(action::BRAND_TERM_ADDED, format!("brand term {id}"))
            .after(json!({ "term": term.term, "matching": term.matching.as_str() }));
        audit::record(conn, actor, entry, now)?;
        Ok(Some(id))
    })
}

/// Removes term `id`; `false` when there is no such term.
pub fn remove(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: i64,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        let row: Option<(String, String)> = brand_terms::table
            .find(id)
            .select((brand_terms::term, brand_terms::matching))
            .first(conn)
            .optional()?;
        let Some((term, matching)) = row else {
            return Ok(false);
        };
        // Removed meanwhile by someone else: nothing to write.
        if diesel::delete(brand_terms::table.find(id)).execute(conn)? == 0 {
            return Ok(false);
        }
        let entry = audit::Entry::new(action::BRAND_TERM_REMOVED, format!("brand term {id}"))
            .before(json!({ "term": term, "matching": matching }));
        audit::record(conn, actor, entry, now)?;
        Ok(true)
    })
}

// ---- the page ----

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/brands", web::get().to(list))
        .route("/manage/brands", web::post().to(add_submit))
        .route("/manage/brands/{id}/remove", web::post().to(remove_submit));
}

const NOTICES: &[&str] = &["brand-term-added", "brand-term-removed"];

#[derive(Template)]
#[template(path = "admin/brands.html")]
struct BrandsPage {
    ctx: Ctx,
    terms: Vec<TermLine>,
    form: FormState,
    notice: Option<String>,
}

impl BrandsPage {
    fn date(&self, at: &NaiveDateTime) -> String {
        self.ctx.lang.format_date(at.date())
    }

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
    let actor = super::actor(&admin);
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
    path: web::Path<(crate::i18n::Lang, i64)>,
    _data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let (_, id) = path.into_inner();
    let actor = super::actor(&admin);
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
