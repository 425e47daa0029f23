//! The audit log: who did what to whom, when, from which address (its keyed hash), with the
//! values before and after. Rows are only ever added; the database refuses UPDATE and DELETE.
//! Writers call `record` in the same transaction as the change it describes, so a change is
//! never without its line nor a line without its change.

pub mod words;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use crate::db::ids::{AccountId, ParticipantId, SecretId};
use crate::db::schema::audit_log;
use crate::db::AnyConnection;

/// What was done: one stable code per kind of action (the page translates them).
pub mod action {
    pub const MANAGER_LOGIN: &str = "manager_login";
    pub const CHANNEL_REVIEW: &str = "channel_review";
    pub const MEMBERSHIP_REVIEW: &str = "membership_review";
    pub const MEASURE_TAKEN: &str = "measure_taken";
    pub const MEASURE_LIFTED: &str = "measure_lifted";
    pub const CURE_ANSWERED: &str = "cure_answered";
    pub const CURE_DECIDED: &str = "cure_decided";
    pub const OBJECTION_FILED: &str = "objection_filed";
    pub const OBJECTION_DECIDED: &str = "objection_decided";
    pub const ROLE_CHANGED: &str = "role_changed";
    pub const MANAGER_CREATED: &str = "manager_created";
    pub const MANAGER_DISABLED: &str = "manager_disabled";
    pub const MANAGER_ENABLED: &str = "manager_enabled";
    /// An operator removed an account's second factor (`portal admin reset-second-factor`).
    pub const SECOND_FACTOR_RESET: &str = "second_factor_reset";
    pub const RATE_CHANGED: &str = "rate_changed";
    pub const TEXT_CHANGED: &str = "text_changed";
    pub const HOLIDAY_CHANGED: &str = "holiday_changed";
    pub const RULES_PUBLISHED: &str = "rules_published";
    pub const RULES_ACCEPTED: &str = "rules_accepted";
    pub const COMMISSION_DECIDED: &str = "commission_decided";
    pub const CONVERSIONS_IMPORTED: &str = "conversions_imported";
    pub const PAYOUT_RUN: &str = "payout_run";
    pub const SECRET_ROTATED: &str = "secret_rotated";
    pub const BANK_DETAILS_CHANGED: &str = "bank_details_changed";
    pub const BANK_FILE_DOWNLOADED: &str = "bank_file_downloaded";
    pub const CONVERSION_RECEIVED: &str = "conversion_received";
    /// A terminated participant reinstated by an administrator (G.12, issue 22 point 4).
    pub const PARTICIPANT_REINSTATED: &str = "participant_reinstated";
    /// The registration ban list (F.11.g) and the brand terms (A.1.e, B.5.a), edited by an
    /// administrator.
    pub const BAN_ADDED: &str = "ban_added";
    pub const BAN_LIFTED: &str = "ban_lifted";
    pub const BRAND_TERM_ADDED: &str = "brand_term_added";
    pub const BRAND_TERM_REMOVED: &str = "brand_term_removed";

    pub const ALL: &[&str] = &[
        MANAGER_LOGIN,
        CHANNEL_REVIEW,
        MEMBERSHIP_REVIEW,
        MEASURE_TAKEN,
        MEASURE_LIFTED,
        CURE_ANSWERED,
        CURE_DECIDED,
        OBJECTION_FILED,
        OBJECTION_DECIDED,
        ROLE_CHANGED,
        MANAGER_CREATED,
        MANAGER_DISABLED,
        MANAGER_ENABLED,
        SECOND_FACTOR_RESET,
        RATE_CHANGED,
        TEXT_CHANGED,
        HOLIDAY_CHANGED,
        RULES_PUBLISHED,
        RULES_ACCEPTED,
        COMMISSION_DECIDED,
        CONVERSIONS_IMPORTED,
        PAYOUT_RUN,
        SECRET_ROTATED,
        BANK_DETAILS_CHANGED,
        BANK_FILE_DOWNLOADED,
        CONVERSION_RECEIVED,
        PARTICIPANT_REINSTATED,
        BAN_ADDED,
        BAN_LIFTED,
        BRAND_TERM_ADDED,
        BRAND_TERM_REMOVED,
    ];
}

/// Who acted: an account (with the hash of the address it acted from) or the system itself
/// (a command on the server, the maintenance loop).
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<AccountId>,
    pub name: String,
    pub ip_hash: Option<String>,
}

impl Actor {
    /// An account (`accounts::Account::actor`), from the address with this keyed hash.
    pub fn account(id: AccountId, email: &str, ip_hash: &[u8; 16]) -> Actor {
        Actor {
            id: Some(id),
            name: email.to_owned(),
            ip_hash: Some(hex::encode(ip_hash)),
        }
    }

    /// The advertiser's system, by the secret that signed its request.
    pub fn advertiser(secret_id: SecretId) -> Actor {
        Actor {
            id: None,
            name: format!("api: programme secret {secret_id}"),
            ip_hash: None,
        }
    }

    /// A command run on the server (`portal payouts run`).
    pub fn command(name: &str) -> Actor {
        Actor {
            id: None,
            name: format!("command: {name}"),
            ip_hash: None,
        }
    }
}

/// One line: the action, what it was done to (`measure 12`, `channel 3`), the participant it
/// concerns, and the values before and after.
#[derive(Debug, Clone)]
pub struct Entry {
    pub action: &'static str,
    pub subject: String,
    pub participant_id: Option<ParticipantId>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl Entry {
    pub fn new(action: &'static str, subject: impl Into<String>) -> Entry {
        Entry {
            action,
            subject: subject.into(),
            participant_id: None,
            before: None,
            after: None,
        }
    }

    pub fn participant(mut self, id: ParticipantId) -> Entry {
        self.participant_id = Some(id);
        self
    }

    pub fn before(mut self, value: serde_json::Value) -> Entry {
        self.before = Some(value);
        self
    }

    pub fn after(mut self, value: serde_json::Value) -> Entry {
        self.after = Some(value);
        self
    }

    /// Adds `field` to the values before and after when it changed (`old` ≠ `new`); a field
    /// left as it was is not named.
    pub fn changed<T: serde::Serialize + PartialEq>(
        mut self,
        field: &str,
        old: T,
        new: T,
    ) -> Entry {
        if old != new {
            for (side, value) in [
                (&mut self.before, json!(old)),
                (&mut self.after, json!(new)),
            ] {
                if let serde_json::Value::Object(fields) =
                    side.get_or_insert_with(|| serde_json::Value::Object(Default::default()))
                {
                    fields.insert(field.to_owned(), value);
                }
            }
        }
        self
    }

    /// Whether it records any change (`changed` found one, or `before`/`after` were set).
    pub fn changes_anything(&self) -> bool {
        self.before.is_some() || self.after.is_some()
    }
}

pub fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    entry: Entry,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(at),
            audit_log::actor_id.eq(actor.id),
            audit_log::actor.eq(&actor.name),
            audit_log::ip_hash.eq(&actor.ip_hash),
            audit_log::action.eq(entry.action),
            audit_log::subject.eq(&entry.subject),
            audit_log::participant_id.eq(entry.participant_id),
            audit_log::before.eq(entry.before.map(|v| v.to_string())),
            audit_log::after.eq(entry.after.map(|v| v.to_string())),
        ))
        .execute(conn)?;
    Ok(())
}

/// A line as the page and the CSV show it.
#[derive(Debug, Clone, Queryable)]
pub struct Line {
    pub id: i64,
    pub at: NaiveDateTime,
    pub actor: String,
    pub ip_hash: Option<String>,
    pub action: String,
    pub subject: String,
    pub participant_id: Option<ParticipantId>,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The page's filters; empty ones filter nothing.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Part of the actor's name (e-mail address).
    pub actor: String,
    /// Part of the subject (`measure 12`), or a participant's number.
    pub subject: String,
    pub action: Option<&'static str>,
    pub from: Option<chrono::NaiveDate>,
    /// Up to and including this day.
    pub to: Option<chrono::NaiveDate>,
}

type Backend = <AnyConnection as diesel::Connection>::Backend;

/// The audit log's rows matching `filter`.
fn matching(filter: &Filter) -> audit_log::BoxedQuery<'static, Backend> {
    let mut query = audit_log::table.into_boxed();
    if !filter.actor.is_empty() {
        query = query.filter(
            audit_log::actor
                .like(like_pattern(&filter.actor))
                .escape('\\'),
        );
    }
    if !filter.subject.is_empty() {
        match filter.subject.trim_start_matches('#').parse::<i64>() {
            Ok(participant) => query = query.filter(audit_log::participant_id.eq(participant)),
            Err(_) => {
                query = query.filter(
                    audit_log::subject
                        .like(like_pattern(&filter.subject))
                        .escape('\\'),
                )
            }
        }
    }
    if let Some(action) = filter.action {
        query = query.filter(audit_log::action.eq(action));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::at.ge(from.and_time(chrono::NaiveTime::MIN)));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        query = query.filter(audit_log::at.lt(to.and_time(chrono::NaiveTime::MIN)));
    }
    query
}

/// Lines matching `filter`, newest first, at most `limit` from `offset`.
pub fn lines(
    conn: &mut AnyConnection,
    filter: &Filter,
    offset: i64,
    limit: i64,
) -> QueryResult<Vec<Line>> {
    matching(filter)
        .select((
            audit_log::id,
            audit_log::at,
            audit_log::actor,
            audit_log::ip_hash,
            audit_log::action,
            audit_log::subject,
            audit_log::participant_id,
            audit_log::before,
            audit_log::after,
        ))
        .order(audit_log::id.desc())
        .offset(offset)
        .limit(limit)
        .load(conn)
}

/// How many lines match `filter` (for the pager: a page past the last shows the last).
pub fn count(conn: &mut AnyConnection, filter: &Filter) -> QueryResult<i64> {
    matching(filter).count().get_result(conn)
}

/// `%text%` with the LIKE wildcards in `text` taken literally.
pub fn like_pattern(text: &str) -> String {
    let escaped: String = text
        .trim()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_names_only_the_fields_that_changed() {
        let same = Entry::new("text_changed", "contact 1")
            .changed("name", "Anna", "Anna")
            .changed("email", None::<&str>, None);
        assert!(!same.changes_anything());
        assert_eq!((same.before, same.after), (None, None));

        let entry = Entry::new("text_changed", "contact 1")
            .changed("name", "Anna", "Anna")
            .changed("email", None, Some("anna@example.nl"))
            .changed("minutes", 1_440, 60);
        assert!(entry.changes_anything());
        assert_eq!(
            entry.before,
            Some(json!({ "email": null, "minutes": 1_440 }))
        );
        assert_eq!(
            entry.after,
            Some(json!({ "email": "anna@example.nl", "minutes": 60 }))
        );
    }
}
