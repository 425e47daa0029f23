//! `/{lang}/manage/rules`: every version of the Advertising Rules with what changed from the one
//! before, and publishing a new version (a clause's new text and what changed, written in English
//! and in Dutch). Participants are mailed in their language and asked to accept it on their next
//! login; measures cite the version in force when they are taken.

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::console::handler::{show, Console, FormPage};
use crate::db::AnyConnection;
use crate::forms::FormState;
use crate::i18n::Lang;
use crate::programme::cache::ProgrammePages;
use crate::programme::versions::{self, ClauseChange, Draft, Version};
use crate::programme::versions::{word_parts, WordPart};
use crate::web::extract::{Administrator, CsrfForm, Manager};
use crate::web::{AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/rules", web::get().to(show::<RulesPage>))
        .route("/manage/rules", web::post().to(publish));
}

#[derive(Template)]
#[template(path = "console/rules.html")]
struct RulesPage {
    ctx: Ctx,
    /// Newest first, each with its changes from the one before.
    versions: Vec<(Version, Vec<ClauseChange>)>,
    form: FormState,
    notice: Option<String>,
}

impl FormPage for RulesPage {
    const PATH: &'static str = "/manage/rules";
    const NOTICES: &'static [&'static str] = &["rules-published"];
    type Seat = Administrator;
    type Data = Vec<(Version, Vec<ClauseChange>)>;
    type Forms = FormState;

    fn load(conn: &mut AnyConnection, _: Lang) -> diesel::QueryResult<Self::Data> {
        let programme_id = crate::programme::current(conn)?;
        versions::history(conn, programme_id)
    }

    fn build(
        ctx: Ctx,
        _: &Manager,
        versions: Self::Data,
        form: FormState,
        notice: Option<String>,
    ) -> Self {
        RulesPage {
            ctx,
            versions,
            form,
            notice,
        }
    }
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

/// `clause` (an anchor, `E-10-c`), `body` (its new text), `summary_en` and `summary_nl` (what
/// changed, for the participants, in each language).
async fn publish(
    console: Console<Administrator>,
    pages: web::Data<ProgrammePages>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let draft = match Draft::from_form(&data, console.lang()) {
        Ok(draft) => draft,
        Err(form) => return console.refuse::<RulesPage>(form).await,
    };
    let published = console
        .attempt(move |conn, actor, now| versions::publish_draft(conn, actor, &draft, now))
        .await?;
    let (version, recipients) = match published {
        Ok(published) => published,
        Err(problem) => {
            let form = Draft::refused(&data, console.lang(), &problem);
            return console.refuse::<RulesPage>(form).await;
        }
    };
    // Mailed in the background: a large programme has many participants.
    let state = console.state.clone().into_inner();
    actix_web::rt::spawn(async move {
        let base_url = state.settings.base_url.as_str();
        versions::tell_participants(&state.mailer, base_url, &version, recipients).await;
    });
    // The public programme pages show what was just saved, on every instance.
    console.programme_changed(&pages).await;
    Ok(console.done::<RulesPage>("rules-published"))
}
