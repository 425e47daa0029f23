//! `/{lang}/manage/rules`: every version of the Advertising Rules with what changed from the one
//! before, and publishing a new version (a clause's new text and what changed, written in English
//! and in Dutch). Participants are mailed in their language and asked to accept it on their next
//! login; measures cite the version in force when they are taken.

use actix_web::{web, HttpResponse};
use askama::Template;
use serde_json::json;

use super::actor;
use crate::audit::{self, action};
use crate::forms::{written_text, FormState, TextProblem};
use crate::i18n::Lang;
use crate::mail::MailContent;
use crate::programme::cache::ProgrammePages;
use crate::programme::versions::{self, ClauseChange, PublishError, Summaries, Version};
use crate::programme::versions::{word_parts, WordPart};
use crate::state::AppState;
use crate::web::extract::{Administrator, CsrfForm};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx, NoticeQuery};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/rules", web::get().to(page))
        .route("/manage/rules", web::post().to(publish));
}

const NOTICES: &[&str] = &["rules-published"];
/// Longest clause text.
const CLAUSE_MAX: usize = 5000;

#[derive(Template)]
#[template(path = "admin/rules.html")]
struct RulesPage {
    ctx: Ctx,
    /// Newest first, each with its changes from the one before.
    versions: Vec<(Version, Vec<ClauseChange>)>,
    form: FormState,
    notice: Option<String>,
}

impl RulesPage {
    fn date(&self, at: &chrono::NaiveDateTime) -> String {
        self.ctx.lang.format_date(at.date())
    }

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
    let all = with_conn(state, |conn| {
        let programme_id = crate::programme::queries::first_programme_id(conn)?.unwrap_or(0);
        Ok(versions::all(conn, programme_id)?)
    })
    .await?;
    let mut with_changes: Vec<(Version, Vec<ClauseChange>)> = Vec::new();
    for (i, v) in all.iter().enumerate() {
        let changes = if i == 0 {
            Vec::new()
        } else {
            versions::diff(&all[i - 1].clauses, &v.clauses)
        };
        with_changes.push((v.clone(), changes));
    }
    with_changes.reverse();
    Ok(RulesPage {
        ctx,
        versions: with_changes,
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

/// The summary fields, one per language: each participant is mailed the one in their language.
const SUMMARY_FIELDS: [(Lang, &str); 2] = [(Lang::En, "summary_en"), (Lang::Nl, "summary_nl")];

/// `clause` (an anchor, `E-10-c`), `body` (its new text), `summary_en` and `summary_nl` (what
/// changed, for the participants, in each language).
async fn publish(
    ctx: Ctx,
    state: web::Data<AppState>,
    pages: web::Data<ProgrammePages>,
    admin: Administrator,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let mut form = FormState::new();
    for f in ["clause", "body", "summary_en", "summary_nl"] {
        form.set(f, data.get(f));
    }
    // Every participant reads both: no control, direction or other invisible characters.
    let body = match written_text(data.get("body"), CLAUSE_MAX) {
        Ok(body) => body,
        Err(problem) => {
            let key = match problem {
                TextProblem::Empty => "error-programme-text-required",
                TextProblem::TooLong => "error-programme-text-too-long",
                TextProblem::Characters => "error-reason-characters",
                TextProblem::Invisible => "error-text-invisible",
            };
            form.fail(ctx.lang, "body", key);
            String::new()
        }
    };
    let mut summary = Summaries {
        en: String::new(),
        nl: String::new(),
    };
    for (lang, field) in SUMMARY_FIELDS {
        match written_text(data.get(field), crate::forms::REASON_MAX) {
            Ok(text) if lang == Lang::En => summary.en = text,
            Ok(text) => summary.nl = text,
            Err(problem) => {
                let key = match problem {
                    TextProblem::Empty if lang == Lang::En => "error-rules-summary-en",
                    TextProblem::Empty => "error-rules-summary-nl",
                    TextProblem::TooLong => "error-reason-too-long",
                    TextProblem::Characters => "error-reason-characters",
                    TextProblem::Invisible => "error-text-invisible",
                };
                form.fail(ctx.lang, field, key);
            }
        }
    }
    if form.has_errors() {
        let page = rules_page(ctx, &state, form, None).await?;
        return render_form(true, &page);
    }
    let anchor = data.get("clause").to_owned();
    let actor = actor(&admin);
    let by = admin.account.id;
    let published = with_conn(&state, move |conn| {
        let programme_id = crate::programme::queries::first_programme_id(conn)?.unwrap_or(0);
        let now = crate::db::now();
        let result = crate::db::write_transaction(conn, |conn| {
            let version = versions::publish(conn, programme_id, &anchor, &body, &summary, by, now)?;
            let entry = audit::Entry::new(
                action::RULES_PUBLISHED,
                format!("rules version {}", version.number),
            )
            .after(json!({
                "clause": versions::citation_of(&anchor),
                "body": body,
                "summary": summary.en,
                "summary_nl": summary.nl,
            }));
            audit::record(conn, &actor, entry, now)?;
            Ok::<_, PublishError>(version)
        });
        match result {
            Ok(v) => Ok(Ok((v, versions::participants_to_tell(conn)?))),
            Err(PublishError::Db(e)) => Err(e.into()),
            Err(other) => Ok(Err(other)),
        }
    })
    .await?;
    let (version, recipients) = match published {
        Ok(p) => p,
        Err(problem) => {
            let (field, key) = match problem {
                PublishError::Unchanged => ("body", "error-rules-unchanged"),
                _ => ("clause", "error-rules-clause"),
            };
            form.fail(ctx.lang, field, key);
            let page = rules_page(ctx, &state, form, None).await?;
            return render_form(true, &page);
        }
    };
    // Mailed in the background: a large programme has many participants.
    let state_for_mail = state.clone();
    actix_web::rt::spawn(async move {
        let base = state_for_mail
            .settings
            .base_url
            .as_str()
            .trim_end_matches('/')
            .to_owned();
        for (email, lang) in recipients {
            let lang = Lang::from_code(&lang).unwrap_or(Lang::DEFAULT);
            let content = new_rules_mail(
                lang,
                &version,
                &format!("{base}/{}/account/rules", lang.code()),
            );
            state_for_mail.mailer.deliver(content, &email).await;
        }
    });
    // The public programme pages show what was just saved.
    pages.forget_all();
    Ok(see_other(&ctx.href("/manage/rules?notice=rules-published")))
}

/// The mail about a new version, in the participant's language, with the summary written in it.
pub(crate) fn new_rules_mail(lang: Lang, version: &Version, link: &str) -> MailContent {
    let mut mail = MailContent::new(lang, "mail-rules-subject");
    mail.paragraphs.push(lang.t_args(
        "mail-rules-intro",
        &[("number", version.number.to_string())],
    ));
    mail.paragraphs.push(version.summary_in(lang).to_owned());
    mail.action = Some((lang.t("mail-rules-action"), link.to_owned()));
    mail
}
