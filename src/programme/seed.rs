//! The programmes as published, shipped with the portal and inserted once.
//!
//! Seeding is idempotent: a programme whose slug exists is left alone, so account managers' later
//! edits (a new rate, a changed text) are never overwritten by a restart.

use chrono::NaiveDate;
use diesel::prelude::*;
use serde::Deserialize;

use crate::db::ids::{CommissionGroupId, ProgrammeId};
use crate::db::schema::*;
use crate::db::AnyConnection;
use crate::domain::Rate;
use crate::programme::policy::{PolicyKey, PolicyValue};

const ALIEXPRESS: &str = include_str!("seed/aliexpress.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedFile {
    programme: SeedProgramme,
    texts: Vec<SeedText>,
    commission_groups: Vec<SeedGroup>,
    policies: Vec<SeedPolicy>,
    contacts: Vec<SeedContact>,
    rule_sections: Vec<SeedSection>,
    rule_clauses: Vec<SeedClause>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedProgramme {
    slug: String,
    name: String,
    advertiser: String,
    landing_url: String,
    currency: String,
    rules_title: String,
    rules_updated: String,
    /// Session based attribution: how long after its click an order earns.
    session_window_minutes: i32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedText {
    lang: String,
    section: String,
    position: i32,
    body: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedGroup {
    code: String,
    position: i32,
    rate: String,
    effective_from: NaiveDate,
    event_nl: String,
    event_en: String,
    scope_nl: String,
    scope_en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedPolicy {
    key: String,
    value: String,
}

impl SeedPolicy {
    /// The policy and its value, each one the portal knows (the value one the policy takes).
    fn typed(&self) -> Result<(PolicyKey, PolicyValue), SeedError> {
        let key = PolicyKey::parse(&self.key)
            .ok_or_else(|| SeedError::Invalid(format!("unknown policy {}", self.key)))?;
        let value = key.value(&self.value).ok_or_else(|| {
            SeedError::Invalid(format!("policy {} takes no value {}", self.key, self.value))
        })?;
        Ok((key, value))
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedContact {
    role: String,
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedSection {
    letter: String,
    title: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SeedClause {
    section: String,
    anchor: String,
    label: String,
    depth: i32,
    body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("the shipped seed file is invalid: {0}")]
    Invalid(String),
    #[error("seeding failed: {0}")]
    Database(#[from] diesel::result::Error),
}

/// Inserts every shipped programme that is not in the database yet; returns how many were added.
pub fn apply(conn: &mut AnyConnection) -> Result<usize, SeedError> {
    let file: SeedFile =
        toml::from_str(ALIEXPRESS).map_err(|e| SeedError::Invalid(e.to_string()))?;
    let inserted = crate::db::write_transaction(conn, |conn| insert_if_missing(conn, &file));
    match inserted {
        Ok(added) => Ok(added),
        // Another instance seeded it at the same moment (several app servers on PostgreSQL).
        Err(SeedError::Database(e)) if crate::db::is_unique_violation(&e) => Ok(0),
        Err(e) => Err(e),
    }
}

fn insert_if_missing(conn: &mut AnyConnection, file: &SeedFile) -> Result<usize, SeedError> {
    let p = &file.programme;
    let exists: i64 = programmes::table
        .filter(programmes::slug.eq(&p.slug))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(0);
    }
    let now = crate::db::now();
    let programme_id: ProgrammeId = diesel::insert_into(programmes::table)
        .values((
            programmes::slug.eq(&p.slug),
            programmes::name.eq(&p.name),
            programmes::advertiser.eq(&p.advertiser),
            programmes::landing_url.eq(&p.landing_url),
            programmes::currency.eq(&p.currency),
            programmes::rules_title.eq(&p.rules_title),
            programmes::rules_updated.eq(&p.rules_updated),
            programmes::session_window_minutes.eq(p.session_window_minutes),
            programmes::created_at.eq(now),
        ))
        .returning(programmes::id)
        .get_result(conn)?;

    for text in &file.texts {
        diesel::insert_into(programme_texts::table)
            .values((
                programme_texts::programme_id.eq(programme_id),
                programme_texts::lang.eq(&text.lang),
                programme_texts::section.eq(&text.section),
                programme_texts::position.eq(text.position),
                programme_texts::body.eq(text.body.trim()),
            ))
            .execute(conn)?;
    }

    for group in &file.commission_groups {
        let rate = Rate::parse_percent(&group.rate)
            .map_err(|e| SeedError::Invalid(format!("group {}: {e}", group.code)))?;
        let group_id: CommissionGroupId = diesel::insert_into(commission_groups::table)
            .values((
                commission_groups::programme_id.eq(programme_id),
                commission_groups::code.eq(&group.code),
                commission_groups::position.eq(group.position),
            ))
            .returning(commission_groups::id)
            .get_result(conn)?;
        for (lang, event, scope) in [
            ("nl", &group.event_nl, &group.scope_nl),
            ("en", &group.event_en, &group.scope_en),
        ] {
            diesel::insert_into(commission_group_texts::table)
                .values((
                    commission_group_texts::group_id.eq(group_id),
                    commission_group_texts::lang.eq(lang),
                    commission_group_texts::event_name.eq(event),
                    commission_group_texts::scope.eq(scope),
                ))
                .execute(conn)?;
        }
        diesel::insert_into(commission_rates::table)
            .values((
                commission_rates::group_id.eq(group_id),
                commission_rates::rate_percent.eq(rate.to_db()),
                commission_rates::effective_from
                    .eq(group.effective_from.and_time(Default::default())),
                commission_rates::created_at.eq(now),
            ))
            .execute(conn)?;
    }

    for (position, policy) in (1..).zip(&file.policies) {
        let (key, value) = policy.typed()?;
        diesel::insert_into(programme_policies::table)
            .values((
                programme_policies::programme_id.eq(programme_id),
                programme_policies::key.eq(key),
                programme_policies::value.eq(value),
                programme_policies::position.eq(position),
            ))
            .execute(conn)?;
    }

    for (position, contact) in (1..).zip(&file.contacts) {
        diesel::insert_into(programme_contacts::table)
            .values((
                programme_contacts::programme_id.eq(programme_id),
                programme_contacts::role.eq(&contact.role),
                programme_contacts::name.eq(&contact.name),
                programme_contacts::email.eq(None::<String>),
                programme_contacts::position.eq(position),
            ))
            .execute(conn)?;
    }

    for (position, section) in (1..).zip(&file.rule_sections) {
        diesel::insert_into(rule_sections::table)
            .values((
                rule_sections::programme_id.eq(programme_id),
                rule_sections::letter.eq(&section.letter),
                rule_sections::title.eq(&section.title),
                rule_sections::position.eq(position),
            ))
            .execute(conn)?;
    }

    for (position, clause) in (1..).zip(&file.rule_clauses) {
        diesel::insert_into(rule_clauses::table)
            .values((
                rule_clauses::programme_id.eq(programme_id),
                rule_clauses::section_letter.eq(&clause.section),
                rule_clauses::anchor.eq(&clause.anchor),
                rule_clauses::label.eq(&clause.label),
                rule_clauses::depth.eq(clause.depth),
                rule_clauses::body.eq(clause.body.trim()),
                rule_clauses::position.eq(position),
            ))
            .execute(conn)?;
    }
    Ok(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_seed_is_complete() {
        let file: SeedFile = toml::from_str(ALIEXPRESS).unwrap();
        assert_eq!(file.programme.slug, "aliexpress");
        let rates: Vec<_> = file
            .commission_groups
            .iter()
            .map(|g| g.rate.as_str())
            .collect();
        // The seed's table, not its prose (which says 3 % for mobile phones).
        assert_eq!(rates, ["7", "3.5", "0.8"]);
        assert_eq!(file.policies.len(), 9);
        let policies: Vec<_> = file.policies.iter().map(|p| p.typed().unwrap()).collect();
        assert!(policies.contains(&(PolicyKey::KeywordMarketing, PolicyValue::Closed)));
        assert!(policies.contains(&(PolicyKey::Deeplinking, PolicyValue::NotPossible)));
        assert_eq!(file.programme.session_window_minutes, 24 * 60);
        // No shipped text states a rate: the commission table does.
        for text in &file.texts {
            if text.section != "rules_preamble" {
                assert!(
                    !crate::programme::free_text::states_a_rate(&text.body),
                    "{}",
                    text.body
                );
            }
        }
        for anchor in [
            "A-1-a-i", "B-5-a", "E-10-c", "E-10-k", "F-11-g", "G-12", "G-13",
        ] {
            assert!(
                file.rule_clauses.iter().any(|c| c.anchor == anchor),
                "missing {anchor}"
            );
        }
        let mut anchors: Vec<_> = file.rule_clauses.iter().map(|c| &c.anchor).collect();
        anchors.sort();
        let count = anchors.len();
        anchors.dedup();
        assert_eq!(anchors.len(), count, "anchors must be unique");
        for section in [
            "summary",
            "description",
            "advantage",
            "marketing_methods",
            "commission_rules",
        ] {
            for lang in ["nl", "en"] {
                assert!(
                    file.texts
                        .iter()
                        .any(|t| t.section == section && t.lang == lang),
                    "missing {section}/{lang}"
                );
            }
        }
    }
}
