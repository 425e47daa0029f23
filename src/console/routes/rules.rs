//! `/{lang}/manage/rules`: every version of the Advertising Rules with what changed from the one
//! before, and publishing a new version (a clause's new text and what changed, written in English
//! and in Dutch). Participants are mailed in their language and asked to accept it on their next
//! login; measures cite the version in force when they are taken.

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::forms::FormState;
use crate::programme::cache::ProgrammePages;
use crate::programme::versions::{self, ClauseChange, Draft, PublishError, Version};
use crate::programme::versions::{word_parts, WordPart};
use crate::state::AppState;
use crate::web::extract::{Administrator, CsrfForm};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx, NoticeQuery};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/rules", web::get().to(page))
        .route("/manage/rules", web::post().to(publish));
}

const NOTICES: &[&str] = &["rules-published"];

#[derive(Template)]
#[template(path = "console/rules.html")]
struct RulesPage {
    ctx: Ctx,
    /// Newest first, each with its changes from the one before.
    versions: Vec<(Version, Vec<ClauseChange>)>,
    form: FormState,
    notice: Option<String>,
}

impl RulesPage {
    fn parts(&self, change: &ClauseChange) -> Vec<WordPart> {
        word_parts(change)
    }

    fn clauses(&self) -> Vec<(String, String)> {
        self.versions
            .first()
            .map(|(v, _)| {
                v.clauses
                    .iter()
                    .map(|c| (c.anchor.clone(), c.citation()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

async fn rules_page(
    ctx: Ctx,
    state: &web::Data<AppState>,
    form: FormState,
    notice: Option<String>,
) -> Result<RulesPage, AppError> {
    let versions = with_conn(state, |conn| {
        let programme_id = crate::programme::current(conn)?;
        Ok(versions::history(conn, programme_id)?)
    })
    .await?;
    Ok(RulesPage {
        ctx,
        versions,
        form,
        notice,
    })
}

async fn page(
    ctx: Ctx,
    state: web::Data<AppState>,
    _admin: Administrator,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query.text(&ctx, NOTICES);
    render(&rules_page(ctx, &state, FormState::new(), notice).await?)
}

/// `clause` (an anchor, `E-10-c`), `body` (its new text), `summary_en` and `summary_nl` (what
/// changed, for the participants, in each language).
async fn publish(
    ctx: Ctx,
    state: web::Data<AppState>,
    pages: web::Data<ProgrammePages>,
    admin: Administrator,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let draft = match Draft::from_form(&data, ctx.lang) {
        Ok(draft) => draft,
        Err(form) => return render_form(true, &rules_page(ctx, &state, form, None).await?),
    };
    let actor = admin.actor();
    let published = with_conn(&state, move |conn| {
        match versions::publish_draft(conn, &actor, &draft, crate::db::now()) {
            Err(PublishError::Db(e)) => Err(e.into()),
            result => Ok(result),
        }
    })
    .await?;
    let (version, recipients) = match published {
        Ok(published) => published,
        Err(problem) => {
            let form = Draft::refused(&data, ctx.lang, &problem);
            return render_form(true, &rules_page(ctx, &state, form, None).await?);
        }
    };
    // Mailed in the background: a large programme has many participants.
    let state = state.into_inner();
    actix_web::rt::spawn(async move {
        let base_url = state.settings.base_url.as_str();
        versions::tell_participants(&state.mailer, base_url, &version, recipients).await;
    });
    // The public programme pages show what was just saved.
    pages.forget_all();
    Ok(see_other(&ctx.href("/manage/rules?notice=rules-published")))
}
