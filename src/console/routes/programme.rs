//! `/{lang}/manage/programme`: the programme's data for administrators — its texts per
//! language, commission rates with the date they take effect (from today on: a new rate never
//! changes a commission already earned, which keeps the rate of its order's time), policies and
//! contacts. A policy is chosen from its own values (the rules it drives come from the value),
//! with an optional note per language; the cookie period carries the session window. No free
//! text may state a rate or a percentage: the commission table does (`programme::free_text`).

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;

use crate::console::handler::{show, Console, FormPage};
use crate::console::programme::{self as stored, Contact, GroupRates, ProgrammeData, TextRow};
use crate::console::programme::{ContactChange, NewRate, PolicyChoice, RowChange, TextChange};
use crate::db::AnyConnection;
use crate::forms::FormState;
use crate::i18n::Lang;
use crate::programme::cache::ProgrammePages;
use crate::programme::policy::{PolicyKey, PolicyValue};
use crate::programme::queries::StoredPolicy;
use crate::web::extract::{Administrator, CsrfForm, InPath, Manager};
use crate::web::{AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/programme", web::get().to(show::<ProgrammePage>))
        .route(
            "/manage/programme/texts/{id}",
            web::post().to(save::<TextChange>),
        )
        .route("/manage/programme/rates", web::post().to(add_rate))
        .route(
            "/manage/programme/policies/{key}",
            web::post().to(save::<PolicyChoice>),
        )
        .route(
            "/manage/programme/contacts/{id}",
            web::post().to(save::<ContactChange>),
        );
}

#[derive(Template)]
#[template(path = "console/programme.html")]
struct ProgrammePage {
    ctx: Ctx,
    texts: Vec<TextRow>,
    groups: Vec<GroupRates>,
    policies: Vec<StoredPolicy>,
    session_window_minutes: i32,
    contacts: Vec<Contact>,
    /// The form that was refused: which one (`text-12`, `rate`, `policy-x`, `contact-3`) and
    /// its state.
    problem: Option<(String, FormState)>,
    notice: Option<String>,
    today: NaiveDate,
}

impl FormPage for ProgrammePage {
    const PATH: &'static str = "/manage/programme";
    const NOTICES: &'static [&'static str] = &["programme-saved", "rate-added"];
    type Seat = Administrator;
    type Data = ProgrammeData;
    type Forms = Option<(String, FormState)>;

    fn load(conn: &mut AnyConnection, lang: Lang) -> diesel::QueryResult<ProgrammeData> {
        stored::load(conn, lang)
    }

    fn build(
        ctx: Ctx,
        _: &Manager,
        data: ProgrammeData,
        problem: Self::Forms,
        notice: Option<String>,
    ) -> Self {
        ProgrammePage {
            ctx,
            texts: data.texts,
            groups: data.groups,
            policies: data.policies,
            session_window_minutes: data.session_window_minutes,
            contacts: data.contacts,
            problem,
            notice,
            today: crate::db::now().date(),
        }
    }
}

impl ProgrammePage {
    fn form_of(&self, which: &str) -> Option<&FormState> {
        self.problem
            .as_ref()
            .filter(|(w, _)| w == which)
            .map(|(_, f)| f)
    }

    fn error(&self, which: &str, field: &str) -> Option<String> {
        self.form_of(which)
            .and_then(|f| f.error(field).map(str::to_owned))
    }

    /// What the field shows: what was typed into a refused form, else the stored value.
    fn value(&self, which: &str, field: &str, stored: &str) -> String {
        match self.form_of(which) {
            Some(f) => f.value(field).to_owned(),
            None => stored.to_owned(),
        }
    }

    fn rate(&self, percent: &str) -> String {
        percent
            .parse::<rust_decimal::Decimal>()
            .map(|d| self.ctx.lang.format_percent(d))
            .unwrap_or_else(|_| percent.to_owned())
    }

    fn upcoming(&self, at: &chrono::NaiveDateTime) -> bool {
        at.date() > self.today
    }

    /// Whether the policy form `which` shows `value` chosen: what was chosen in a refused form,
    /// else the stored value.
    fn chosen(&self, which: &str, policy: &StoredPolicy, value: &PolicyValue) -> bool {
        match self.form_of(which) {
            Some(f) => f.value("value") == value.as_str(),
            None => policy.value == *value,
        }
    }

    fn key_label(&self, key: &PolicyKey) -> String {
        key.label(self.ctx.lang)
    }

    fn value_label(&self, value: &PolicyValue) -> String {
        value.label(self.ctx.lang)
    }

    /// The note fields of a policy's form: name, label and stored note.
    fn note_fields(&self, policy: &StoredPolicy) -> Vec<(&'static str, String, String)> {
        [("note_nl", Lang::Nl), ("note_en", Lang::En)]
            .into_iter()
            .map(|(field, lang)| {
                (
                    field,
                    self.ctx
                        .t(&format!("programme-admin-{}", field.replace('_', "-"))),
                    policy.note(lang).unwrap_or_default().to_owned(),
                )
            })
            .collect()
    }

    fn all_errors(&self) -> Vec<(String, String)> {
        self.problem
            .as_ref()
            .map(|(_, f)| f.errors().to_vec())
            .unwrap_or_default()
    }
}

/// The page again with form `which` refused.
async fn refused(
    console: Console<Administrator>,
    which: String,
    form: FormState,
) -> Result<HttpResponse, AppError> {
    console.refuse::<ProgrammePage>(Some((which, form))).await
}

/// After a change: none to save is the 404 page; else the public programme pages forget what
/// they showed, on every instance (`Console::programme_changed`), and the administrator is sent
/// back with `notice`.
async fn saved(
    console: &Console<Administrator>,
    pages: &ProgrammePages,
    saved: bool,
    notice: &str,
) -> Result<HttpResponse, AppError> {
    if !saved {
        return Err(AppError::NotFound);
    }
    console.programme_changed(pages).await;
    Ok(console.done::<ProgrammePage>(notice))
}

/// `group` (code), `rate` (percent: `3,5` or `3.5`), `effective_from` (today or later).
async fn add_rate(
    console: Console<Administrator>,
    pages: web::Data<ProgrammePages>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let now = crate::db::now();
    let rate = match NewRate::from_form(&data, console.lang(), now) {
        Ok(rate) => rate,
        Err(form) => return refused(console, "rate".into(), form).await,
    };
    let added = console
        .write(move |conn, actor, _| stored::add_rate(conn, actor, &rate, now))
        .await?;
    if !added {
        let form = NewRate::refused(&data, console.lang());
        return refused(console, "rate".into(), form).await;
    }
    saved(&console, &pages, true, "rate-added").await
}

/// A text's (`body`), a policy's (`value`, `note_nl`, `note_en`, and for the cookie period
/// `session_window_minutes`) or a contact's form (`name`, `email`): `RowChange` reads and saves
/// each.
async fn save<C: RowChange>(
    console: Console<Administrator>,
    pages: web::Data<ProgrammePages>,
    InPath(key): InPath<String>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let key: C::Key = key.parse().map_err(|_| AppError::NotFound)?;
    let change = match C::from_form(key, &data, console.lang()) {
        Ok(change) => change,
        Err(form) => return refused(console, format!("{}-{key}", C::FORM), form).await,
    };
    let done = console
        .write(move |conn, actor, _| change.save(conn, actor, key))
        .await?;
    saved(&console, &pages, done, "programme-saved").await
}
