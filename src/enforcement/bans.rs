//! The registration ban list (F.11.g): addresses and domains barred from the programme. An
//! administrator adds and lifts bans at `/{lang}/manage/bans`; a ban measure adds them too
//! (`enforcement::measures`), into the same table. A lifted ban stays as a row with who lifted
//! it and why; banning the same address again makes that row active again.
//!
//! Bans are checked at signup (steps 1 and 2), at login (after the right password only) and when
//! a channel is added or changed. All of them ask `find`, the one place that says which ban, if
//! any, bars an address or a domain.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::json;

use super::states::BanKind;
use crate::audit::{self, action, Actor};
use crate::db::ids::{AccountId, BanId, MeasureId};
use crate::db::schema::{accounts, registration_bans};
use crate::db::AnyConnection;
use crate::domain::{EmailAddress, WebsiteUrl};

/// What a ban bars: one address, or a domain with its subdomains (addresses and websites).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Email(EmailAddress),
    Domain(String),
}

impl Target {
    fn kind(&self) -> BanKind {
        match self {
            Target::Email(_) => BanKind::Email,
            Target::Domain(_) => BanKind::Domain,
        }
    }

    fn value(&self) -> &str {
        match self {
            Target::Email(e) => e.as_str(),
            Target::Domain(d) => d,
        }
    }

    /// `jan@example.nl` is an address; `example.nl`, `@example.nl`, `www.example.nl` or
    /// `https://example.nl/` a domain (lower case, without `www.`, IDNs as punycode). The
    /// error is a message key.
    pub fn parse(input: &str) -> Result<Target, &'static str> {
        let text = input.trim();
        if text.is_empty() {
            return Err("error-ban-value-empty");
        }
        if let Some(domain) = text.strip_prefix('@') {
            return Target::domain(domain);
        }
        if text.contains('@') && !text.contains("://") {
            return EmailAddress::parse(text)
                .map(Target::Email)
                .map_err(|_| "error-ban-value-invalid");
        }
        Target::domain(text)
    }

    fn domain(text: &str) -> Result<Target, &'static str> {
        let website = WebsiteUrl::parse(text).map_err(|_| "error-ban-value-invalid")?;
        Ok(Target::Domain(website.domain().to_owned()))
    }
}

/// A domain and each domain above it that still has two labels: a ban on `example.nl` bars
/// `shop.example.nl` as well.
fn domain_and_parents(domain: &str) -> Vec<String> {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = domain.split('.').collect();
    (0..labels.len().saturating_sub(1))
        .map(|i| labels[i..].join("."))
        .collect()
}

/// One ban, as the list shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = registration_bans)]
pub struct Ban {
    pub id: BanId,
    pub kind: BanKind,
    pub value: String,
    pub reason: String,
    pub created_at: NaiveDateTime,
    /// The ban measure that made it, if a measure did.
    pub measure_id: Option<MeasureId>,
    /// The administrator who added it on the ban page.
    #[diesel(select_expression = accounts::email.nullable())]
    pub added_by: Option<String>,
    pub lifted_at: Option<NaiveDateTime>,
    pub lift_reason: Option<String>,
}

impl Ban {
    pub fn is_active(&self) -> bool {
        self.lifted_at.is_none()
    }
}

macro_rules! ban_query {
    () => {
        registration_bans::table
            .left_join(accounts::table.on(accounts::id.nullable().eq(registration_bans::added_by)))
            .select(Ban::as_select())
    };
}

/// The ban in force that bars `email` (the address itself, or its domain) or one of
/// `domains` (a website's), subdomains included; `None` when nothing bars them.
pub fn find(
    conn: &mut AnyConnection,
    email: Option<&EmailAddress>,
    domains: &[&str],
) -> QueryResult<Option<Ban>> {
    let mut barred_domains: Vec<String> = Vec::new();
    for domain in email
        .map(EmailAddress::domain)
        .into_iter()
        .chain(domains.iter().copied())
    {
        barred_domains.extend(domain_and_parents(domain));
    }
    let emails: Vec<String> = email.map(|e| e.as_str().to_owned()).into_iter().collect();
    ban_query!()
        .filter(registration_bans::lifted_at.is_null())
        .filter(
            registration_bans::kind
                .eq(BanKind::Email)
                .and(registration_bans::value.eq_any(&emails))
                .or(registration_bans::kind
                    .eq(BanKind::Domain)
                    .and(registration_bans::value.eq_any(&barred_domains))),
        )
        .order(registration_bans::id)
        .first(conn)
        .optional()
}

/// The ban in force that bars the participant of account `account_id`: by its address or by
/// the domain of one of its channels.
pub fn find_for_account(
    conn: &mut AnyConnection,
    account_id: AccountId,
) -> QueryResult<Option<Ban>> {
    use crate::db::schema::{channels, participants};
    let email: String = accounts::table
        .find(account_id)
        .select(accounts::email)
        .first(conn)?;
    let domains: Vec<String> = channels::table
        .inner_join(participants::table)
        .filter(participants::account_id.eq(account_id))
        .select(channels::domain)
        .load(conn)?;
    let email = EmailAddress::parse(&email).ok();
    let domains: Vec<&str> = domains.iter().map(String::as_str).collect();
    find(conn, email.as_ref(), &domains)
}

/// One ban by its id, in force or lifted.
pub fn by_id(conn: &mut AnyConnection, id: BanId) -> QueryResult<Option<Ban>> {
    ban_query!()
        .filter(registration_bans::id.eq(id))
        .first(conn)
        .optional()
}

/// Every ban: those in force first, newest first.
pub fn all(conn: &mut AnyConnection) -> QueryResult<Vec<Ban>> {
    let mut bans: Vec<Ban> = ban_query!()
        .order(registration_bans::id.desc())
        .load(conn)?;
    bans.sort_by_key(|b| !b.is_active());
    Ok(bans)
}

/// Bars `target` (no audit line: the caller writes its own). A ban in force on the same value
/// is kept as it is; a lifted one is put in force again with the new reason. The ban's id and
/// whether anything changed.
pub fn put(
    conn: &mut AnyConnection,
    target: &Target,
    reason: &str,
    added_by: Option<AccountId>,
    measure_id: Option<MeasureId>,
    now: NaiveDateTime,
) -> QueryResult<(BanId, bool)> {
    let existing: Option<(BanId, Option<NaiveDateTime>)> = registration_bans::table
        .filter(registration_bans::kind.eq(target.kind()))
        .filter(registration_bans::value.eq(target.value()))
        .select((registration_bans::id, registration_bans::lifted_at))
        .first(conn)
        .optional()?;
    match existing {
        Some((id, None)) => Ok((id, false)),
        Some((id, Some(_))) => {
            diesel::update(registration_bans::table.find(id))
                .set((
                    registration_bans::reason.eq(reason),
                    registration_bans::created_at.eq(now),
                    registration_bans::added_by.eq(added_by),
                    registration_bans::measure_id.eq(measure_id),
                    registration_bans::lifted_at.eq(None::<NaiveDateTime>),
                    registration_bans::lifted_by.eq(None::<AccountId>),
                    registration_bans::lift_reason.eq(None::<String>),
                ))
                .execute(conn)?;
            Ok((id, true))
        }
        None => {
            let id = diesel::insert_into(registration_bans::table)
                .values((
                    registration_bans::kind.eq(target.kind()),
                    registration_bans::value.eq(target.value()),
                    registration_bans::reason.eq(reason),
                    registration_bans::created_at.eq(now),
                    registration_bans::added_by.eq(added_by),
                    registration_bans::measure_id.eq(measure_id),
                ))
                .returning(registration_bans::id)
                .get_result(conn)?;
            Ok((id, true))
        }
    }
}

/// Lifts the bans a ban measure made (the measure is lifted; its audit line says so).
pub fn lift_of_measure(
    conn: &mut AnyConnection,
    measure_id: MeasureId,
    lifted_by: Option<AccountId>,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(
        registration_bans::table
            .filter(registration_bans::measure_id.eq(measure_id))
            .filter(registration_bans::lifted_at.is_null()),
    )
    .set((
        registration_bans::lifted_at.eq(Some(now)),
        registration_bans::lifted_by.eq(lifted_by),
        registration_bans::lift_reason.eq(Some(reason)),
    ))
    .execute(conn)
}

/// What adding a ban on the page came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// Barred now (new, or a lifted ban in force again), with its audit line.
    Added(BanId),
    /// A ban in force bars it already: nothing written.
    Already(BanId),
}

/// An administrator bars `target`, with a reason and an audit line. Two administrators barring
/// the same address at the same moment: one adds it, the other finds it barred.
pub fn add(
    conn: &mut AnyConnection,
    actor: &Actor,
    target: &Target,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<Added> {
    let added = crate::db::write_transaction(conn, |conn| {
        let (id, changed) = put(conn, target, reason, actor.id, None, now)?;
        if !changed {
            return Ok(Added::Already(id));
        }
        let entry = audit::Entry::new(action::BAN_ADDED, format!("ban {id}")).after(json!({
            "kind": target.kind().as_str(),
            "value": target.value(),
            "reason": reason,
        }));
        audit::record(conn, actor, entry, now)?;
        Ok(Added::Added(id))
    });
    crate::db::on_unique_violation(added, || {
        let id = registration_bans::table
            .filter(registration_bans::kind.eq(target.kind()))
            .filter(registration_bans::value.eq(target.value()))
            .select(registration_bans::id)
            .first(conn)?;
        Ok(Added::Already(id))
    })
}

/// Lifts ban `id`, with a reason and an audit line. `None` when no ban in force has that id.
pub fn lift(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: BanId,
    reason: &str,
    now: NaiveDateTime,
) -> QueryResult<Option<Ban>> {
    crate::db::write_transaction(conn, |conn| {
        let Some(ban) = by_id(conn, id)?.filter(Ban::is_active) else {
            return Ok(None);
        };
        // Lifted meanwhile by someone else (the row lock made this wait): nothing to write.
        let lifted = diesel::update(
            registration_bans::table
                .find(id)
                .filter(registration_bans::lifted_at.is_null()),
        )
        .set((
            registration_bans::lifted_at.eq(Some(now)),
            registration_bans::lifted_by.eq(actor.id),
            registration_bans::lift_reason.eq(Some(reason)),
        ))
        .execute(conn)?;
        if lifted == 0 {
            return Ok(None);
        }
        let entry = audit::Entry::new(action::BAN_LIFTED, format!("ban {id}"))
            .before(json!({ "kind": ban.kind.as_str(), "value": ban.value, "lifted": false }))
            .after(json!({ "lifted": true, "reason": reason }));
        audit::record(conn, actor, entry, now)?;
        Ok(Some(ban))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_domains_are_told_apart_and_normalised() {
        assert_eq!(
            Target::parse(" Jan@Example.NL "),
            Ok(Target::Email(
                EmailAddress::parse("jan@example.nl").unwrap()
            ))
        );
        for domain in [
            "example.nl",
            "@Example.nl",
            "www.example.nl",
            "https://example.nl/x",
        ] {
            assert_eq!(
                Target::parse(domain),
                Ok(Target::Domain("example.nl".into())),
                "{domain}"
            );
        }
        assert_eq!(Target::parse("  "), Err("error-ban-value-empty"));
        assert_eq!(Target::parse("jan@"), Err("error-ban-value-invalid"));
        assert_eq!(Target::parse("localhost"), Err("error-ban-value-invalid"));
        assert_eq!(Target::parse("@"), Err("error-ban-value-invalid"));
    }

    #[test]
    fn a_domain_bars_its_subdomains_but_not_its_top_level() {
        assert_eq!(
            domain_and_parents("shop.example.co.uk"),
            ["shop.example.co.uk", "example.co.uk", "co.uk"]
        );
        assert_eq!(domain_and_parents("example.nl"), ["example.nl"]);
    }
}
