//! What the console's programme page (`routes/programme.rs`) reads and writes of the programme's
//! data: its texts per language, the commission groups with their rates, policies and contacts;
//! each change read from its form and saved with its audit line. No free text may state a rate
//! or a percentage: the commission table does (`programme::free_text`).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, action, Actor};
use crate::db::schema::{
    commission_group_texts, commission_groups, commission_rates, programme_contacts,
    programme_policies, programme_texts, programmes,
};
use crate::db::AnyConnection;
use crate::domain::rate::RateError;
use crate::domain::{EmailAddress, Rate};
use crate::forms::{FormData, FormState, TEXT_MAX};
use crate::i18n::Lang;
use crate::programme::free_text::states_a_rate;
use crate::programme::policy::{PolicyKey, PolicyValue, WINDOW_MAX_MINUTES};
use crate::programme::queries::StoredPolicy;

#[derive(Debug, Clone, Queryable)]
pub struct TextRow {
    pub id: i64,
    pub lang: String,
    pub section: String,
    pub position: i32,
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct GroupRates {
    pub code: String,
    pub name: String,
    /// (rate in percent, effective from), oldest first.
    pub rates: Vec<(String, chrono::NaiveDateTime)>,
}

/// A contact: id, role, name, address.
pub type Contact = (i64, String, String, Option<String>);

/// The programme's data as the page shows it.
pub struct ProgrammeData {
    pub texts: Vec<TextRow>,
    pub groups: Vec<GroupRates>,
    pub policies: Vec<StoredPolicy>,
    pub session_window_minutes: i32,
    pub contacts: Vec<Contact>,
}

pub fn load(conn: &mut AnyConnection, lang: Lang) -> QueryResult<ProgrammeData> {
    let programme_id = crate::programme::current(conn)?;
    let texts: Vec<TextRow> = programme_texts::table
        .filter(programme_texts::programme_id.eq(programme_id))
        .order((
            programme_texts::section,
            programme_texts::lang,
            programme_texts::position,
        ))
        .select((
            programme_texts::id,
            programme_texts::lang,
            programme_texts::section,
            programme_texts::position,
            programme_texts::body,
        ))
        .load(conn)?;
    let group_rows: Vec<(i64, String)> = commission_groups::table
        .filter(commission_groups::programme_id.eq(programme_id))
        .order(commission_groups::position)
        .select((commission_groups::id, commission_groups::code))
        .load(conn)?;
    let mut groups = Vec::new();
    for (id, code) in group_rows {
        let name: Option<String> = commission_group_texts::table
            .filter(commission_group_texts::group_id.eq(id))
            .filter(commission_group_texts::lang.eq(lang.code()))
            .select(commission_group_texts::event_name)
            .first(conn)
            .optional()?;
        let rates = commission_rates::table
            .filter(commission_rates::group_id.eq(id))
            .order(commission_rates::effective_from)
            .select((
                commission_rates::rate_percent,
                commission_rates::effective_from,
            ))
            .load(conn)?;
        groups.push(GroupRates {
            name: name.unwrap_or_else(|| code.clone()),
            code,
            rates,
        });
    }
    let policies = crate::programme::queries::load_policies(conn, programme_id)?;
    let session_window_minutes = programmes::table
        .find(programme_id)
        .select(programmes::session_window_minutes)
        .first(conn)
        .optional()?
        .unwrap_or(24 * 60);
    let contacts = programme_contacts::table
        .filter(programme_contacts::programme_id.eq(programme_id))
        .order(programme_contacts::position)
        .select((
            programme_contacts::id,
            programme_contacts::role,
            programme_contacts::name,
            programme_contacts::email,
        ))
        .load(conn)?;
    Ok(ProgrammeData {
        texts,
        groups,
        policies,
        session_window_minutes,
        contacts,
    })
}

/// A new commission rate as an administrator types it: the group's code, the rate in percent
/// (`12,5`, `12.5 %`), and the day it takes effect, today or later.
pub struct NewRate {
    pub code: String,
    pub rate: Rate,
    /// Today means from now on (an order earlier today keeps the rate it had); a later day from
    /// its start.
    pub effective: NaiveDateTime,
}

const RATE_FIELDS: [&str; 3] = ["group", "rate", "effective_from"];

impl NewRate {
    /// Reads the rate form at `now`; the form with its errors (and what was typed) otherwise.
    pub fn from_form(
        data: &FormData,
        lang: Lang,
        now: NaiveDateTime,
    ) -> Result<NewRate, FormState> {
        let mut form = typed(data, &RATE_FIELDS);
        let typed = data
            .get("rate")
            .trim()
            .trim_end_matches('%')
            .replace(',', ".");
        let rate = match Rate::parse_percent(&typed) {
            Ok(r) => Some(r),
            Err(RateError::NotANumber(_)) => {
                form.fail(lang, "rate", "error-rate-number");
                None
            }
            Err(RateError::OutOfRange) => {
                form.fail(lang, "rate", "error-rate-range");
                None
            }
            Err(RateError::TooPrecise) => {
                form.fail(lang, "rate", "error-rate-precision");
                None
            }
        };
        let today = now.date();
        let from = match NaiveDate::parse_from_str(data.get("effective_from").trim(), "%Y-%m-%d") {
            Ok(d) if d >= today => Some(d),
            Ok(_) => {
                form.fail(lang, "effective_from", "error-rate-past");
                None
            }
            Err(_) => {
                form.fail(lang, "effective_from", "error-rate-date");
                None
            }
        };
        let (Some(rate), Some(from)) = (rate, from) else {
            return Err(form);
        };
        let effective = if from == today {
            now
        } else {
            from.and_time(chrono::NaiveTime::MIN)
        };
        Ok(NewRate {
            code: data.get("group").to_owned(),
            rate,
            effective,
        })
    }

    /// The form again, as typed, when its group is not the programme's (`add_rate` said false).
    pub fn refused(data: &FormData, lang: Lang) -> FormState {
        let mut form = typed(data, &RATE_FIELDS);
        form.fail(lang, "group", "error-rate-group");
        form
    }
}

/// Adds the rate to its group of the current programme, with its audit line; false when the
/// programme has no group of that code.
pub fn add_rate(
    conn: &mut AnyConnection,
    actor: &Actor,
    new: &NewRate,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        let programme_id = crate::programme::current(conn)?;
        let group: Option<i64> = commission_groups::table
            .filter(commission_groups::programme_id.eq(programme_id))
            .filter(commission_groups::code.eq(&new.code))
            .select(commission_groups::id)
            .first(conn)
            .optional()?;
        let Some(group_id) = group else {
            return Ok(false);
        };
        diesel::insert_into(commission_rates::table)
            .values((
                commission_rates::group_id.eq(group_id),
                commission_rates::rate_percent.eq(new.rate.to_db()),
                commission_rates::effective_from.eq(new.effective),
                commission_rates::created_at.eq(now),
            ))
            .execute(conn)?;
        let entry = audit::Entry::new(action::RATE_CHANGED, format!("group {}", new.code))
            .after(json!({ "rate_percent": new.rate.to_db(), "effective_from": new.effective }));
        audit::record(conn, actor, entry, now)?;
        Ok(true)
    })
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

/// The form of one of the page's forms, as typed.
fn typed(data: &FormData, fields: &[&str]) -> FormState {
    let mut form = FormState::new();
    for f in fields {
        form.set(f, data.get(f));
    }
    form
}

/// A change of one of the programme's stored rows as its form on the programme page gives it —
/// a text, a policy or a contact, which the URL names by its `Key` — saved with its audit line.
pub trait RowChange: Sized + Send + 'static {
    /// The row the URL names, as the URL writes it (`12`, `cookie_period`).
    type Key: Copy + std::fmt::Display + std::str::FromStr + Send + 'static;
    /// Its form's name on the page, before the key (`text` → `text-12`).
    const FORM: &'static str;

    /// Reads the form; the form with its errors (and what was typed) otherwise.
    fn from_form(key: Self::Key, data: &FormData, lang: Lang) -> Result<Self, FormState>;

    /// Stores it, at `db::now()`, with its audit line (none when nothing changed) in the caller's
    /// transaction; false when the programme has no such row.
    fn store(&self, conn: &mut AnyConnection, actor: &Actor, key: Self::Key) -> QueryResult<bool>;

    /// `store` in one transaction: the row read, changed and its audit line written together.
    fn save(&self, conn: &mut AnyConnection, actor: &Actor, key: Self::Key) -> QueryResult<bool> {
        crate::db::write_transaction(conn, |conn| self.store(conn, actor, key))
    }
}

/// A programme text's new paragraph (`body`): plain text that states no rate.
pub struct TextChange(String);

impl RowChange for TextChange {
    type Key = i64;
    const FORM: &'static str = "text";

    fn from_form(_: i64, data: &FormData, lang: Lang) -> Result<Self, FormState> {
        let body = programme_text(data.get("body"), TEXT_MAX).map_err(|key| {
            let mut form = typed(data, &["body"]);
            form.fail(lang, "body", key);
            form
        })?;
        Ok(TextChange(body))
    }

    fn store(&self, conn: &mut AnyConnection, actor: &Actor, id: i64) -> QueryResult<bool> {
        let now = crate::db::now();
        let body = &self.0;
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
        let entry = audit::Entry::new(
            action::TEXT_CHANGED,
            format!("text {id} ({section}, {lang})"),
        )
        .changed("body", before.as_str(), body.as_str());
        if entry.changes_anything() {
            diesel::update(programme_texts::table.find(id))
                .set(programme_texts::body.eq(body))
                .execute(conn)?;
            audit::record(conn, actor, entry, now)?;
        }
        Ok(true)
    }
}

/// Longest note beside a policy.
const NOTE_MAX: usize = 500;

/// A policy's note in one language: none when left empty.
fn policy_note(text: &str) -> Result<Option<String>, &'static str> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    programme_text(text, NOTE_MAX).map(Some)
}

/// What an administrator chose for one policy.
pub struct PolicyChoice {
    pub value: PolicyValue,
    pub note_nl: Option<String>,
    pub note_en: Option<String>,
    /// The session window, for the cookie period only.
    pub window: Option<i32>,
}

impl RowChange for PolicyChoice {
    type Key = PolicyKey;
    const FORM: &'static str = "policy";

    /// Reads policy `key`'s form: `value` (one of the policy's values), `note_nl` and `note_en`
    /// (optional, no rates), and for the cookie period `session_window_minutes` (1 to 43 200).
    fn from_form(key: PolicyKey, data: &FormData, lang: Lang) -> Result<Self, FormState> {
        let mut form = typed(
            data,
            &["value", "note_nl", "note_en", "session_window_minutes"],
        );
        let value = key.value(data.get("value"));
        if value.is_none() {
            form.fail(lang, "value", "error-policy-value");
        }
        let mut notes = [None, None];
        for (note, field) in notes.iter_mut().zip(["note_nl", "note_en"]) {
            match policy_note(data.get(field)) {
                Ok(n) => *note = n,
                Err(k) => form.fail(lang, field, k),
            }
        }
        let window = match key {
            PolicyKey::CookiePeriod => {
                match data.get("session_window_minutes").trim().parse::<i32>() {
                    Ok(m) if (1..=WINDOW_MAX_MINUTES).contains(&m) => Some(m),
                    _ => {
                        form.fail(lang, "session_window_minutes", "error-session-window");
                        None
                    }
                }
            }
            _ => None,
        };
        let (Some(value), false) = (value, form.has_errors()) else {
            return Err(form);
        };
        let [note_nl, note_en] = notes;
        Ok(PolicyChoice {
            value,
            note_nl,
            note_en,
            window,
        })
    }

    /// Stores `choice` for `key` with an audit line of the fields that changed (none: no line);
    /// `false` when the programme has no such policy.
    fn store(&self, conn: &mut AnyConnection, actor: &Actor, key: PolicyKey) -> QueryResult<bool> {
        let now = crate::db::now();
        let choice = self;
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
        let mut entry = audit::Entry::new(action::TEXT_CHANGED, format!("policy {key}"))
            .changed("value", value.as_str(), choice.value.as_str())
            .changed("note_nl", &note_nl, &choice.note_nl)
            .changed("note_en", &note_en, &choice.note_en);
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
            }
            entry = entry.changed("session_window_minutes", old, window);
        }
        if entry.changes_anything() {
            audit::record(conn, actor, entry, now)?;
        }
        Ok(true)
    }
}

/// A contact as an administrator types it: a name, and an address or none.
pub struct ContactChange {
    pub name: String,
    pub email: Option<String>,
}

impl RowChange for ContactChange {
    type Key = i64;
    const FORM: &'static str = "contact";

    /// Reads a contact's form: `name` (plain text), `email` (an address, or empty).
    fn from_form(_: i64, data: &FormData, lang: Lang) -> Result<Self, FormState> {
        let mut form = typed(data, &["name", "email"]);
        let name = plain_text(data.get("name"), 200);
        if let Err(k) = name {
            form.fail(lang, "name", k);
        }
        let email = match data.get("email").trim() {
            "" => Ok(None),
            text => EmailAddress::parse(text).map(Some),
        };
        if let Err(e) = &email {
            form.fail(lang, "email", e.message_key());
        }
        let (Ok(name), Ok(email)) = (name, email) else {
            return Err(form);
        };
        Ok(ContactChange {
            name,
            email: email.map(|e| e.as_str().to_owned()),
        })
    }

    /// Saves contact `id` with its audit line; false when the programme has no such contact.
    fn store(&self, conn: &mut AnyConnection, actor: &Actor, id: i64) -> QueryResult<bool> {
        let now = crate::db::now();
        let ContactChange { name, email } = self;
        let before: Option<(String, Option<String>)> = programme_contacts::table
            .find(id)
            .select((programme_contacts::name, programme_contacts::email))
            .first(conn)
            .optional()?;
        let Some((old_name, old_email)) = before else {
            return Ok(false);
        };
        let entry = audit::Entry::new(action::TEXT_CHANGED, format!("contact {id}"))
            .changed("name", old_name.as_str(), name.as_str())
            .changed("email", old_email.as_deref(), email.as_deref());
        if entry.changes_anything() {
            diesel::update(programme_contacts::table.find(id))
                .set((
                    programme_contacts::name.eq(name),
                    programme_contacts::email.eq(email),
                ))
                .execute(conn)?;
            audit::record(conn, actor, entry, now)?;
        }
        Ok(true)
    }
}
