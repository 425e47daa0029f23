//! `/{lang}/manage/programme`: the programme's data for administrators — its texts per
//! language, commission rates with the date they take effect (from today on: a new rate never
//! changes a commission already earned, which keeps the rate of its order's time), policies and
//! contacts. A policy is chosen from its own values (the rules it drives come from the value),
//! with an optional note per language; the cookie period carries the session window. No free
//! text may state a rate or a percentage: the commission table does (`programme::free_text`).

use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, action};
use crate::console::programme::{self as stored, Contact, GroupRates, NewRate, TextRow};
use crate::db::schema::{programme_contacts, programme_policies, programme_texts, programmes};
use crate::db::AnyConnection;
use crate::domain::EmailAddress;
use crate::forms::FormState;
use crate::i18n::Lang;
use crate::programme::cache::ProgrammePages;
use crate::programme::free_text::states_a_rate;
use crate::programme::policy::{PolicyKey, PolicyValue, WINDOW_MAX_MINUTES};
use crate::programme::queries::StoredPolicy;
use crate::state::AppState;
use crate::web::extract::{Administrator, CsrfForm, InPath};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx, NoticeQuery};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/programme", web::get().to(page))
        .route("/manage/programme/texts/{id}", web::post().to(save_text))
        .route("/manage/programme/rates", web::post().to(add_rate))
        .route(
            "/manage/programme/policies/{key}",
            web::post().to(save_policy),
        )
        .route(
            "/manage/programme/contacts/{id}",
            web::post().to(save_contact),
        );
}

const NOTICES: &[&str] = &["programme-saved", "rate-added"];
/// Longest programme text paragraph.

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

async fn programme_page(
    ctx: Ctx,
    state: &web::Data<AppState>,
    problem: Option<(String, FormState)>,
    notice: Option<String>,
) -> Result<ProgrammePage, AppError> {
    let lang = ctx.lang;
    let data = with_conn(state, move |conn| Ok(stored::load(conn, lang)?)).await?;
    Ok(ProgrammePage {
        ctx,
        texts: data.texts,
        groups: data.groups,
        policies: data.policies,
        session_window_minutes: data.session_window_minutes,
        contacts: data.contacts,
        problem,
        notice,
        today: crate::db::now().date(),
    })
}

async fn page(
    ctx: Ctx,
    state: web::Data<AppState>,
    _admin: Administrator,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query.text(&ctx, NOTICES);
    render(&programme_page(ctx, &state, None, notice).await?)
}

async fn refused(
    ctx: Ctx,
    state: &web::Data<AppState>,
    which: String,
    form: FormState,
) -> Result<HttpResponse, AppError> {
    let page = programme_page(ctx, state, Some((which, form)), None).await?;
    render_form(true, &page)
}

/// A programme text the public pages show: plain text that states no rate or percentage.
fn programme_text(text: &str, max: usize) -> Result<String, &'static str> {
    let text = plain_text(text, max)?;
    if states_a_rate(&text) {
        return Err("error-programme-text-rate");
    }
    Ok(text)
}

fn plain_text(text: &str, max: usize) -> Result<String, &'static str> {
    crate::programme::text_field(max).check(text)
}

async fn save_text(
    ctx: Ctx,
    state: web::Data<AppState>,
    pages: web::Data<ProgrammePages>,
    admin: Administrator,
    InPath(id): InPath<i64>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let mut form = FormState::new();
    form.set("body", data.get("body"));
    let body = match programme_text(data.get("body"), crate::forms::TEXT_MAX) {
        Ok(b) => b,
        Err(key) => {
            form.fail(ctx.lang, "body", key);
            return refused(ctx, &state, format!("text-{id}"), form).await;
        }
    };
    let actor = admin.actor();
    let saved = with_conn(&state, move |conn| {
        crate::db::write_transaction(conn, |conn| -> QueryResult<_> {
            let before: Option<(String, String, String)> = programme_texts::table
                .find(id)
                .select((
                    programme_texts::lang,
                    programme_texts::section,
                    programme_texts::body,
                ))
                .first(conn)
                .optional()?;
            let Some((lang, section, before)) = before else {
                return Ok(false);
            };
            if before == body {
                return Ok(true);
            }
            diesel::update(programme_texts::table.find(id))
                .set(programme_texts::body.eq(&body))
                .execute(conn)?;
            let entry = audit::Entry::new(
                action::TEXT_CHANGED,
                format!("text {id} ({section}, {lang})"),
            )
            .before(json!({ "body": before }))
            .after(json!({ "body": body }));
            audit::record(conn, &actor, entry, crate::db::now())?;
            Ok(true)
        })
        .map_err(AppError::from)
    })
    .await?;
    if !saved {
        return Err(AppError::NotFound);
    }
    // The public programme pages show what was just saved.
    pages.forget_all();
    Ok(see_other(
        &ctx.href("/manage/programme?notice=programme-saved"),
    ))
}

/// `group` (code), `rate` (percent: `3,5` or `3.5`), `effective_from` (today or later).
async fn add_rate(
    ctx: Ctx,
    state: web::Data<AppState>,
    pages: web::Data<ProgrammePages>,
    admin: Administrator,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let now = crate::db::now();
    let rate = match NewRate::from_form(&data, ctx.lang, now) {
        Ok(rate) => rate,
        Err(form) => return refused(ctx, &state, "rate".into(), form).await,
    };
    let actor = admin.actor();
    let added = with_conn(&state, move |conn| {
        Ok(stored::add_rate(conn, &actor, &rate, now)?)
    })
    .await?;
    if !added {
        let form = NewRate::refused(&data, ctx.lang);
        return refused(ctx, &state, "rate".into(), form).await;
    }
    // The public programme pages show what was just saved.
    pages.forget_all();
    Ok(see_other(&ctx.href("/manage/programme?notice=rate-added")))
}

/// A policy's note in one language: none when left empty.
fn policy_note(text: &str) -> Result<Option<String>, &'static str> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    programme_text(text, NOTE_MAX).map(Some)
}

/// Longest note beside a policy.
const NOTE_MAX: usize = 500;

/// What an administrator chose for one policy.
struct PolicyChoice {
    value: PolicyValue,
    note_nl: Option<String>,
    note_en: Option<String>,
    /// The session window, for the cookie period only.
    window: Option<i32>,
}

/// `value` (one of the policy's values), `note_nl` and `note_en` (optional, no rates), and for
/// the cookie period `session_window_minutes` (1 to 43 200).
async fn save_policy(
    ctx: Ctx,
    state: web::Data<AppState>,
    pages: web::Data<ProgrammePages>,
    admin: Administrator,
    InPath(key): InPath<String>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let key = PolicyKey::parse(&key).ok_or(AppError::NotFound)?;
    let which = format!("policy-{key}");
    let mut form = FormState::new();
    for f in ["value", "note_nl", "note_en", "session_window_minutes"] {
        form.set(f, data.get(f));
    }
    let value = key.value(data.get("value"));
    if value.is_none() {
        form.fail(ctx.lang, "value", "error-policy-value");
    }
    let mut notes = [None, None];
    for (note, field) in notes.iter_mut().zip(["note_nl", "note_en"]) {
        match policy_note(data.get(field)) {
            Ok(n) => *note = n,
            Err(k) => form.fail(ctx.lang, field, k),
        }
    }
    let window = match key {
        PolicyKey::CookiePeriod => match data.get("session_window_minutes").trim().parse::<i32>() {
            Ok(m) if (1..=WINDOW_MAX_MINUTES).contains(&m) => Some(m),
            _ => {
                form.fail(ctx.lang, "session_window_minutes", "error-session-window");
                None
            }
        },
        _ => None,
    };
    let (Some(value), false) = (value, form.has_errors()) else {
        return refused(ctx, &state, which, form).await;
    };
    let [note_nl, note_en] = notes;
    let choice = PolicyChoice {
        value,
        note_nl,
        note_en,
        window,
    };
    let actor = admin.actor();
    let saved = with_conn(&state, move |conn| {
        crate::db::write_transaction(conn, |conn| save_choice(conn, key, &choice, &actor))
            .map_err(AppError::from)
    })
    .await?;
    if !saved {
        return Err(AppError::NotFound);
    }
    // The public programme pages show what was just saved.
    pages.forget_all();
    Ok(see_other(
        &ctx.href("/manage/programme?notice=programme-saved"),
    ))
}

/// Stores `choice` for `key` with an audit line of the fields that changed (none: no line);
/// `false` when the programme has no such policy.
fn save_choice(
    conn: &mut AnyConnection,
    key: PolicyKey,
    choice: &PolicyChoice,
    actor: &audit::Actor,
) -> QueryResult<bool> {
    let programme_id = crate::programme::current(conn)?;
    let this = programme_policies::table
        .filter(programme_policies::programme_id.eq(programme_id))
        .filter(programme_policies::key.eq(key));
    let before: Option<(PolicyValue, Option<String>, Option<String>)> = this
        .select((
            programme_policies::value,
            programme_policies::note_nl,
            programme_policies::note_en,
        ))
        .first(conn)
        .optional()?;
    let Some((value, note_nl, note_en)) = before else {
        return Ok(false);
    };
    let mut before = serde_json::Map::new();
    let mut after = serde_json::Map::new();
    if value != choice.value {
        before.insert("value".into(), json!(value.as_str()));
        after.insert("value".into(), json!(choice.value.as_str()));
    }
    for (field, old, new) in [
        ("note_nl", &note_nl, &choice.note_nl),
        ("note_en", &note_en, &choice.note_en),
    ] {
        if old != new {
            before.insert(field.into(), json!(old));
            after.insert(field.into(), json!(new));
        }
    }
    diesel::update(this)
        .set((
            programme_policies::value.eq(choice.value),
            programme_policies::note_nl.eq(&choice.note_nl),
            programme_policies::note_en.eq(&choice.note_en),
        ))
        .execute(conn)?;
    if let Some(window) = choice.window {
        let old: i32 = programmes::table
            .find(programme_id)
            .select(programmes::session_window_minutes)
            .first(conn)?;
        if old != window {
            diesel::update(programmes::table.find(programme_id))
                .set(programmes::session_window_minutes.eq(window))
                .execute(conn)?;
            before.insert("session_window_minutes".into(), json!(old));
            after.insert("session_window_minutes".into(), json!(window));
        }
    }
    if !after.is_empty() {
        let entry = audit::Entry::new(action::TEXT_CHANGED, format!("policy {key}"))
            .before(serde_json::Value::Object(before))
            .after(serde_json::Value::Object(after));
        audit::record(conn, actor, entry, crate::db::now())?;
    }
    Ok(true)
}

async fn save_contact(
    ctx: Ctx,
    state: web::Data<AppState>,
    pages: web::Data<ProgrammePages>,
    admin: Administrator,
    InPath(id): InPath<i64>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let mut form = FormState::new();
    form.set("name", data.get("name"));
    form.set("email", data.get("email"));
    let which = format!("contact-{id}");
    let name = plain_text(data.get("name"), 200);
    if let Err(k) = name {
        form.fail(ctx.lang, "name", k);
    }
    let email = match data.get("email").trim() {
        "" => Ok(None),
        text => EmailAddress::parse(text).map(Some),
    };
    if let Err(e) = &email {
        form.fail(ctx.lang, "email", e.message_key());
    }
    let (Ok(name), Ok(email)) = (name, email) else {
        return refused(ctx, &state, which, form).await;
    };
    let actor = admin.actor();
    let email = email.map(|e| e.as_str().to_owned());
    let saved = with_conn(&state, move |conn| {
        crate::db::write_transaction(conn, |conn| -> QueryResult<_> {
            let before: Option<(String, Option<String>)> = programme_contacts::table
                .find(id)
                .select((programme_contacts::name, programme_contacts::email))
                .first(conn)
                .optional()?;
            let Some(before) = before else {
                return Ok(false);
            };
            diesel::update(programme_contacts::table.find(id))
                .set((
                    programme_contacts::name.eq(&name),
                    programme_contacts::email.eq(&email),
                ))
                .execute(conn)?;
            let entry = audit::Entry::new(action::TEXT_CHANGED, format!("contact {id}"))
                .before(json!({ "name": before.0, "email": before.1 }))
                .after(json!({ "name": name, "email": email }));
            audit::record(conn, &actor, entry, crate::db::now())?;
            Ok(true)
        })
        .map_err(AppError::from)
    })
    .await?;
    if !saved {
        return Err(AppError::NotFound);
    }
    // The public programme pages show what was just saved.
    pages.forget_all();
    Ok(see_other(
        &ctx.href("/manage/programme?notice=programme-saved"),
    ))
}
