//! What the console's programme page (`routes/programme.rs`) reads and writes of the programme's
//! data: its texts per language, the commission groups with their rates, policies and contacts;
//! and a new rate, read from its form and added with its audit line.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, action, Actor};
use crate::db::schema::{
    commission_group_texts, commission_groups, commission_rates, programme_contacts,
    programme_texts, programmes,
};
use crate::db::AnyConnection;
use crate::domain::rate::RateError;
use crate::domain::Rate;
use crate::forms::{FormData, FormState};
use crate::i18n::Lang;
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

fn rate_form(data: &FormData) -> FormState {
    let mut form = FormState::new();
    for f in RATE_FIELDS {
        form.set(f, data.get(f));
    }
    form
}

impl NewRate {
    /// Reads the rate form at `now`; the form with its errors (and what was typed) otherwise.
    pub fn from_form(
        data: &FormData,
        lang: Lang,
        now: NaiveDateTime,
    ) -> Result<NewRate, FormState> {
        let mut form = rate_form(data);
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
        let mut form = rate_form(data);
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
