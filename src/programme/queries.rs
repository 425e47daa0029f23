//! Reading a programme for its pages.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::db::ids::{CommissionGroupId, ProgrammeId};
use crate::db::schema::*;
use crate::db::AnyConnection;
use crate::domain::rate::RateError;
use crate::domain::Rate;
use crate::i18n::Lang;
use crate::programme::policy::{PolicyKey, PolicyValue};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = programmes)]
pub struct Programme {
    pub id: ProgrammeId,
    pub slug: String,
    pub name: String,
    pub advertiser: String,
    pub landing_url: String,
    pub currency: String,
    pub rules_title: String,
    pub rules_updated: String,
    /// Session based attribution: how long after a click an order earns through it.
    pub session_window_minutes: i32,
}

/// One row of the commission table, with the rate in force at the time asked for.
#[derive(Debug, Clone)]
pub struct RateLine {
    pub code: String,
    pub event_name: String,
    pub scope: String,
    pub rate: Decimal,
}

#[derive(Debug, Clone)]
pub struct Contact {
    pub role: String,
    pub name: String,
    pub email: Option<String>,
}

/// A policy as the programme page shows it: its typed value, and the administrator's note in
/// the page's language, if any.
#[derive(Debug, Clone)]
pub struct Policy {
    pub key: PolicyKey,
    pub value: PolicyValue,
    pub note: Option<String>,
}

/// Everything the programme page shows, in one language.
#[derive(Debug, Clone)]
pub struct ProgrammeView {
    pub programme: Programme,
    /// Section name → paragraphs (or list items) in order.
    pub texts: HashMap<String, Vec<String>>,
    pub commission: Vec<RateLine>,
    pub policies: Vec<Policy>,
    pub contacts: Vec<Contact>,
}

impl ProgrammeView {
    pub fn text(&self, section: &str) -> &[String] {
        self.texts.get(section).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn policy(&self, key: PolicyKey) -> Option<PolicyValue> {
        self.policies.iter().find(|p| p.key == key).map(|p| p.value)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error("commission group {0} has no rate in force")]
    NoRate(String),
    #[error("commission group {group} has an invalid stored rate: {message}")]
    BadRate { group: String, message: String },
}

pub fn find_programme(conn: &mut AnyConnection, slug: &str) -> QueryResult<Option<Programme>> {
    programmes::table
        .filter(programmes::slug.eq(slug))
        .select(Programme::as_select())
        .first(conn)
        .optional()
}

/// The programme page's data in `lang`, with the rates in force at `at`.
pub fn load_programme(
    conn: &mut AnyConnection,
    slug: &str,
    lang: Lang,
    at: NaiveDateTime,
) -> Result<Option<ProgrammeView>, QueryError> {
    let Some(programme) = find_programme(conn, slug)? else {
        return Ok(None);
    };

    let mut texts: HashMap<String, Vec<String>> = HashMap::new();
    let rows: Vec<(String, String)> = programme_texts::table
        .filter(programme_texts::programme_id.eq(programme.id))
        .filter(programme_texts::lang.eq(lang.code()))
        .order((programme_texts::section, programme_texts::position))
        .select((programme_texts::section, programme_texts::body))
        .load(conn)?;
    for (section, body) in rows {
        texts.entry(section).or_default().push(body);
    }

    let commission = load_commission(conn, programme.id, lang, at)?;

    let policies = load_policies(conn, programme.id)?
        .into_iter()
        .map(|p| Policy {
            key: p.key,
            value: p.value,
            note: p.note(lang).map(str::to_owned),
        })
        .collect();

    let contacts = programme_contacts::table
        .filter(programme_contacts::programme_id.eq(programme.id))
        .order(programme_contacts::position)
        .select((
            programme_contacts::role,
            programme_contacts::name,
            programme_contacts::email,
        ))
        .load::<(String, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(role, name, email)| Contact { role, name, email })
        .collect();

    Ok(Some(ProgrammeView {
        programme,
        texts,
        commission,
        policies,
        contacts,
    }))
}

/// The commission table: each group with the rate whose `effective_from` is the latest not after
/// `at`. One rate per group, so the table and every sentence about rates agree.
pub fn load_commission(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
    lang: Lang,
    at: NaiveDateTime,
) -> Result<Vec<RateLine>, QueryError> {
    let groups = groups_in(conn, programme_id, lang)?;
    let group_ids: Vec<CommissionGroupId> = groups.iter().map(|g| g.0).collect();
    let history = rate_history(conn, &group_ids)?;

    groups
        .into_iter()
        .map(|(id, code, event_name, scope)| {
            let step = in_force(history.iter().filter(|s| s.group_id == id), at)
                .ok_or_else(|| QueryError::NoRate(code.clone()))?;
            let rate = step.rate().map_err(|e| QueryError::BadRate {
                group: code.clone(),
                message: e.to_string(),
            })?;
            Ok(RateLine {
                code,
                event_name,
                scope,
                rate: rate.percent(),
            })
        })
        .collect()
}

/// A commission rate as stored: a group's rate from a moment on. A group's rates form its
/// history; a new rate is a new row.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct StoredRate {
    pub group_id: CommissionGroupId,
    pub effective_from: NaiveDateTime,
    pub rate_percent: String,
}

impl StoredRate {
    pub fn rate(&self) -> Result<Rate, RateError> {
        Rate::parse_percent(&self.rate_percent)
    }
}

/// The rule of the rate in force, for the programme page, the publisher's commission tables and
/// the commission on an order alike: of a group's rates, the one with the latest start not after
/// `at` (none before its first). Pass one group's rates.
pub fn in_force<'a>(
    rates: impl IntoIterator<Item = &'a StoredRate>,
    at: NaiveDateTime,
) -> Option<&'a StoredRate> {
    rates
        .into_iter()
        .filter(|r| r.effective_from <= at)
        .max_by_key(|r| r.effective_from)
}

/// The programme's commission groups in order, each as (id, code, event name, scope) in `lang`.
pub fn groups_in(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
    lang: Lang,
) -> QueryResult<Vec<(CommissionGroupId, String, String, String)>> {
    commission_groups::table
        .inner_join(commission_group_texts::table)
        .filter(commission_groups::programme_id.eq(programme_id))
        .filter(commission_group_texts::lang.eq(lang.code()))
        .order(commission_groups::position)
        .select((
            commission_groups::id,
            commission_groups::code,
            commission_group_texts::event_name,
            commission_group_texts::scope,
        ))
        .load(conn)
}

/// Every rate of the groups `group_ids`, newest first per group.
pub fn rate_history(
    conn: &mut AnyConnection,
    group_ids: &[CommissionGroupId],
) -> QueryResult<Vec<StoredRate>> {
    commission_rates::table
        .filter(commission_rates::group_id.eq_any(group_ids))
        .order((
            commission_rates::group_id,
            commission_rates::effective_from.desc(),
        ))
        .select((
            commission_rates::group_id,
            commission_rates::effective_from,
            commission_rates::rate_percent,
        ))
        .load(conn)
}

/// The rate of `group_id` in force at `at` (`in_force`), if there is one.
pub fn rate_at(
    conn: &mut AnyConnection,
    group_id: CommissionGroupId,
    at: NaiveDateTime,
) -> QueryResult<Option<StoredRate>> {
    let history = rate_history(conn, &[group_id])?;
    Ok(in_force(&history, at).cloned())
}

#[derive(Debug, Clone)]
pub struct RuleClause {
    pub anchor: String,
    pub label: String,
    pub depth: i32,
    pub body: String,
}

#[derive(Debug, Clone)]
pub struct RuleSection {
    pub letter: String,
    pub title: String,
    pub clauses: Vec<RuleClause>,
}

#[derive(Debug, Clone)]
pub struct RulesView {
    pub programme: Programme,
    pub preamble: Vec<String>,
    pub sections: Vec<RuleSection>,
}

/// The programme's clauses as they read now, in order, each with its section's letter.
pub fn clauses(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
) -> QueryResult<Vec<(String, RuleClause)>> {
    let rows: Vec<(String, String, String, i32, String)> = rule_clauses::table
        .filter(rule_clauses::programme_id.eq(programme_id))
        .order(rule_clauses::position)
        .select((
            rule_clauses::section_letter,
            rule_clauses::anchor,
            rule_clauses::label,
            rule_clauses::depth,
            rule_clauses::body,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(letter, anchor, label, depth, body)| {
            let clause = RuleClause {
                anchor,
                label,
                depth,
                body,
            };
            (letter, clause)
        })
        .collect())
}

/// The rules of a programme. They are published in English only, whatever the page's language.
pub fn load_rules(conn: &mut AnyConnection, slug: &str) -> QueryResult<Option<RulesView>> {
    let Some(programme) = find_programme(conn, slug)? else {
        return Ok(None);
    };
    let preamble = programme_texts::table
        .filter(programme_texts::programme_id.eq(programme.id))
        .filter(programme_texts::lang.eq(Lang::En.code()))
        .filter(programme_texts::section.eq("rules_preamble"))
        .order(programme_texts::position)
        .select(programme_texts::body)
        .load(conn)?;
    let section_rows: Vec<(String, String)> = rule_sections::table
        .filter(rule_sections::programme_id.eq(programme.id))
        .order(rule_sections::position)
        .select((rule_sections::letter, rule_sections::title))
        .load(conn)?;
    let mut sections: Vec<RuleSection> = section_rows
        .into_iter()
        .map(|(letter, title)| RuleSection {
            letter,
            title,
            clauses: Vec::new(),
        })
        .collect();
    for (letter, clause) in clauses(conn, programme.id)? {
        if let Some(section) = sections.iter_mut().find(|s| s.letter == letter) {
            section.clauses.push(clause);
        }
    }
    Ok(Some(RulesView {
        programme,
        preamble,
        sections,
    }))
}

/// The publisher team's contact, shown in every page's footer.
pub fn publisher_team_contact(
    conn: &mut AnyConnection,
) -> QueryResult<Option<(String, Option<String>)>> {
    programme_contacts::table
        .filter(programme_contacts::role.eq("publisher_team"))
        .order((
            programme_contacts::programme_id,
            programme_contacts::position,
        ))
        .select((programme_contacts::name, programme_contacts::email))
        .first(conn)
        .optional()
}

impl RuleClause {
    /// How the rules cite the clause: `E.10.c` for anchor `E-10-c`.
    pub fn citation(&self) -> String {
        self.anchor.replace('-', ".")
    }
}

/// The paragraphs of one text section in `lang` (the programme's own words).
pub fn programme_text(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
    section: &str,
    lang: Lang,
) -> QueryResult<Vec<String>> {
    programme_texts::table
        .filter(programme_texts::programme_id.eq(programme_id))
        .filter(programme_texts::lang.eq(lang.code()))
        .filter(programme_texts::section.eq(section))
        .order(programme_texts::position)
        .select(programme_texts::body)
        .load(conn)
}

/// A policy as stored: its typed value and its note in each language.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct StoredPolicy {
    pub key: PolicyKey,
    pub value: PolicyValue,
    pub note_nl: Option<String>,
    pub note_en: Option<String>,
}

impl StoredPolicy {
    pub fn note(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Nl => self.note_nl.as_deref(),
            Lang::En => self.note_en.as_deref(),
        }
    }
}

/// The programme's policies, in the order its page lists them.
pub fn load_policies(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
) -> QueryResult<Vec<StoredPolicy>> {
    programme_policies::table
        .filter(programme_policies::programme_id.eq(programme_id))
        .order(programme_policies::position)
        .select((
            programme_policies::key,
            programme_policies::value,
            programme_policies::note_nl,
            programme_policies::note_en,
        ))
        .load(conn)
}

pub fn policy_value(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
    key: PolicyKey,
) -> QueryResult<Option<PolicyValue>> {
    programme_policies::table
        .filter(programme_policies::programme_id.eq(programme_id))
        .filter(programme_policies::key.eq(key))
        .select(programme_policies::value)
        .first(conn)
        .optional()
}

/// The promotion methods a programme forbids, from its policies' values (keyword marketing
/// closed, e-mail marketing, cashback/loyalty, coupon or price comparison sites not allowed).
pub fn forbidden_methods(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
) -> QueryResult<Vec<&'static str>> {
    Ok(load_policies(conn, programme_id)?
        .into_iter()
        .filter_map(|p| p.key.forbidden_method(p.value))
        .collect())
}

/// Whether the programme takes deep links, and to which of its domains.
pub fn deeplink_policy(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
) -> QueryResult<crate::domain::deeplink::DeeplinkPolicy> {
    let value = policy_value(conn, programme_id, PolicyKey::Deeplinking)?;
    let domains = programme_domains::table
        .filter(programme_domains::programme_id.eq(programme_id))
        .order(programme_domains::domain)
        .select(programme_domains::domain)
        .load(conn)?;
    Ok(crate::domain::deeplink::DeeplinkPolicy::new(
        crate::programme::policy::takes_deeplinks(value),
        domains,
    ))
}

/// The first programme's id (the portal has one today: AliExpress).
pub fn first_programme_id(conn: &mut AnyConnection) -> QueryResult<Option<ProgrammeId>> {
    programmes::table
        .select(programmes::id)
        .order(programmes::id)
        .first(conn)
        .optional()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(day: u32, second: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, day)
            .unwrap()
            .and_hms_opt(0, 0, second)
            .unwrap()
    }

    fn stored(day: u32, percent: &str) -> StoredRate {
        StoredRate {
            group_id: CommissionGroupId(1),
            effective_from: at(day, 0),
            rate_percent: percent.into(),
        }
    }

    #[test]
    fn the_rate_in_force_is_the_latest_started_not_after_the_moment() {
        // In any order: the rule does not depend on how the rows were read.
        let history = [stored(10, "7"), stored(1, "5"), stored(20, "8")];
        let percent = |when| in_force(&history, when).map(|r| r.rate_percent.as_str());
        assert_eq!(percent(at(1, 0)), Some("5"), "from its very first second");
        assert_eq!(percent(at(9, 59)), Some("5"));
        assert_eq!(percent(at(10, 0)), Some("7"));
        assert_eq!(percent(at(19, 0)), Some("7"));
        assert_eq!(percent(at(25, 0)), Some("8"));
        assert_eq!(
            in_force(&history, at(1, 0) - chrono::Duration::seconds(1)),
            None,
            "none before the first"
        );
        assert_eq!(in_force(&[], at(25, 0)), None);
        assert_eq!(stored(1, "3.5").rate().map(|r| r.to_db()), Ok("3.5".into()));
        assert!(stored(1, "abc").rate().is_err());
    }
}
