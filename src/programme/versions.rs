//! Versions of a programme's rules. The seeded rules are version 1; an administrator publishes
//! a new version by changing clauses, and every version is kept as it read, so a measure can quote
//! the clauses in force when it was taken and anyone can read what changed between versions.
//! Participants accept each version (signup records the first; later ones on their next login).
//! The public rules page names the version in force and links every earlier one
//! (`/{lang}/programmes/{slug}/rules/v/{n}`), where a notice's clause links lead: a measure quotes
//! the version in force when it was taken.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::{self, action, Actor};
use crate::db::ids::{AccountId, ParticipantId, ProgrammeId, RulesVersionId};
use crate::db::schema::{
    participants, programmes, rule_clauses, rules_acceptances, rules_versions,
};
use crate::db::AnyConnection;
use crate::forms::{FormData, FormState, TextField, REASON, TEXT_MAX};
use crate::i18n::Lang;
use crate::mail::MailContent;

/// A clause as a version has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClauseText {
    pub section: String,
    pub anchor: String,
    pub label: String,
    pub depth: i32,
    pub body: String,
}

impl ClauseText {
    /// How the rules cite it: `E.10.c` for anchor `E-10-c`.
    pub fn citation(&self) -> String {
        citation_of(&self.anchor)
    }
}

pub fn citation_of(anchor: &str) -> String {
    anchor.replace('-', ".")
}

/// `E.10.c` → `E-10-c`.
pub fn anchor_of(citation: &str) -> String {
    citation.trim().replace('.', "-")
}

#[derive(Debug, Clone)]
pub struct Version {
    pub id: RulesVersionId,
    pub programme_id: ProgrammeId,
    pub number: i32,
    /// What changed, in English, for the participants' mail and acceptance page.
    pub summary: String,
    /// The same in Dutch (empty for versions published before summaries were written per
    /// language: those show the English one).
    pub summary_nl: String,
    pub published_at: NaiveDateTime,
    pub clauses: Vec<ClauseText>,
}

impl Version {
    /// The summary a reader of `lang` is shown.
    pub fn summary_in(&self, lang: impl std::borrow::Borrow<Lang>) -> &str {
        match lang.borrow() {
            Lang::Nl if !self.summary_nl.is_empty() => &self.summary_nl,
            _ => &self.summary,
        }
    }

    pub fn clause(&self, citation: &str) -> Option<&ClauseText> {
        let anchor = anchor_of(citation);
        self.clauses.iter().find(|c| c.anchor == anchor)
    }
}

/// A version as stored: its clauses as JSON.
#[derive(Queryable, Selectable)]
#[diesel(table_name = rules_versions)]
struct VersionRow {
    id: RulesVersionId,
    programme_id: ProgrammeId,
    number: i32,
    summary: String,
    summary_nl: String,
    published_at: NaiveDateTime,
    clauses: String,
}

fn from_row(row: VersionRow) -> Version {
    Version {
        id: row.id,
        programme_id: row.programme_id,
        number: row.number,
        summary: row.summary,
        summary_nl: row.summary_nl,
        published_at: row.published_at,
        clauses: serde_json::from_str(&row.clauses).unwrap_or_default(),
    }
}

fn clauses_now(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
) -> QueryResult<Vec<ClauseText>> {
    Ok(super::queries::clauses(conn, programme_id)?
        .into_iter()
        .map(|(section, c)| ClauseText {
            section,
            anchor: c.anchor,
            label: c.label,
            depth: c.depth,
            body: c.body,
        })
        .collect())
}

/// Makes the rules as seeded version 1 of every programme that has no version yet; returns how
/// many it made. Safe on every start.
pub fn ensure_first(conn: &mut AnyConnection, now: NaiveDateTime) -> QueryResult<usize> {
    let ids: Vec<ProgrammeId> = programmes::table.select(programmes::id).load(conn)?;
    let mut made = 0;
    for programme_id in ids {
        let has: i64 = rules_versions::table
            .filter(rules_versions::programme_id.eq(programme_id))
            .count()
            .get_result(conn)?;
        if has > 0 {
            continue;
        }
        let clauses = clauses_now(conn, programme_id)?;
        let inserted = diesel::insert_into(rules_versions::table)
            .values((
                rules_versions::programme_id.eq(programme_id),
                rules_versions::number.eq(1),
                rules_versions::summary.eq(""),
                rules_versions::clauses.eq(serde_json::to_string(&clauses).unwrap_or_default()),
                rules_versions::published_at.eq(now),
            ))
            .execute(conn);
        // Another instance made it at the same moment.
        made += crate::db::on_unique_violation(inserted, || QueryResult::Ok(0))?;
    }
    Ok(made)
}

/// The version in force: the newest.
pub fn current(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
) -> QueryResult<Option<Version>> {
    rules_versions::table
        .filter(rules_versions::programme_id.eq(programme_id))
        .order(rules_versions::number.desc())
        .select(VersionRow::as_select())
        .first::<VersionRow>(conn)
        .optional()
        .map(|r| r.map(from_row))
}

pub fn find(conn: &mut AnyConnection, version_id: RulesVersionId) -> QueryResult<Option<Version>> {
    rules_versions::table
        .find(version_id)
        .select(VersionRow::as_select())
        .first::<VersionRow>(conn)
        .optional()
        .map(|r| r.map(from_row))
}

/// The programme's version numbered `number`, if there is one.
pub fn by_number(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
    number: i32,
) -> QueryResult<Option<Version>> {
    rules_versions::table
        .filter(rules_versions::programme_id.eq(programme_id))
        .filter(rules_versions::number.eq(number))
        .select(VersionRow::as_select())
        .first::<VersionRow>(conn)
        .optional()
        .map(|r| r.map(from_row))
}

/// A version as the public rules page lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionLine {
    pub number: i32,
    pub published_at: NaiveDateTime,
    /// Version 1 as seeded (nobody published it): it is as old as the rules' own date.
    pub seeded: bool,
}

impl VersionLine {
    /// The version's date in `lang`: the day it was published ("7 december 2026"); for the
    /// seeded first version the month the rules carry ("september 2015", from
    /// `rules_updated`), since the portal's start is not when those rules were written.
    pub fn date_text(&self, lang: Lang, rules_updated: &str) -> String {
        if self.seeded {
            if let Some(month) = month_of(rules_updated) {
                return lang.format_month(month);
            }
        }
        lang.format_long_date(self.published_at.date())
    }
}

/// "September 2015" → 1 September 2015.
fn month_of(text: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(&format!("1 {}", text.trim()), "%d %B %Y").ok()
}

/// The programme's versions, oldest first, without their clauses.
pub fn list(conn: &mut AnyConnection, programme_id: ProgrammeId) -> QueryResult<Vec<VersionLine>> {
    let rows: Vec<(i32, NaiveDateTime, Option<AccountId>)> = rules_versions::table
        .filter(rules_versions::programme_id.eq(programme_id))
        .order(rules_versions::number)
        .select((
            rules_versions::number,
            rules_versions::published_at,
            rules_versions::published_by,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(number, published_at, by)| VersionLine {
            number,
            published_at,
            seeded: number == 1 && by.is_none(),
        })
        .collect())
}

/// The public rules page of one version: the programme's rules (preamble, section titles) with
/// the clauses as that version has them, which version is in force, and every version.
#[derive(Debug, Clone)]
pub struct RulesPageView {
    pub rules: std::sync::Arc<super::RulesView>,
    /// The version shown.
    pub shown: VersionLine,
    /// The version in force (the newest).
    pub in_force: VersionLine,
    /// Every version, oldest first.
    pub versions: Vec<VersionLine>,
}

impl RulesPageView {
    pub fn is_in_force(&self) -> bool {
        self.shown.number == self.in_force.number
    }

    /// The versions before the one in force, newest first.
    pub fn earlier(&self) -> impl Iterator<Item = &VersionLine> {
        self.versions
            .iter()
            .rev()
            .filter(|v| v.number != self.in_force.number)
    }
}

/// The rules page of `slug` in version `number` (the one in force when `None`); `None` when the
/// programme or that version does not exist. `rules` is the programme's rules as they read now
/// (`queries::load_rules`, kept by the page cache).
pub fn rules_page(
    conn: &mut AnyConnection,
    rules: std::sync::Arc<super::RulesView>,
    number: Option<i32>,
) -> QueryResult<Option<RulesPageView>> {
    let versions = list(conn, rules.programme.id)?;
    let Some(in_force) = versions.last().cloned() else {
        return Ok(None);
    };
    let number = number.unwrap_or(in_force.number);
    let Some(shown) = versions.iter().find(|v| v.number == number).cloned() else {
        return Ok(None);
    };
    let rules = if number == in_force.number {
        rules
    } else {
        let Some(version) = by_number(conn, rules.programme.id, number)? else {
            return Ok(None);
        };
        std::sync::Arc::new(with_clauses(&rules, &version.clauses))
    };
    Ok(Some(RulesPageView {
        rules,
        shown,
        in_force,
        versions,
    }))
}

/// The rules with their clauses replaced by `clauses`, each in its section.
fn with_clauses(rules: &super::RulesView, clauses: &[ClauseText]) -> super::RulesView {
    let mut sections = rules.sections.clone();
    for section in &mut sections {
        section.clauses = clauses
            .iter()
            .filter(|c| c.section == section.letter)
            .map(|c| super::RuleClause {
                anchor: c.anchor.clone(),
                label: c.label.clone(),
                depth: c.depth,
                body: c.body.clone(),
            })
            .collect();
    }
    super::RulesView {
        programme: rules.programme.clone(),
        preamble: rules.preamble.clone(),
        sections,
    }
}

/// Every version of the programme, oldest first.
pub fn all(conn: &mut AnyConnection, programme_id: ProgrammeId) -> QueryResult<Vec<Version>> {
    let rows: Vec<VersionRow> = rules_versions::table
        .filter(rules_versions::programme_id.eq(programme_id))
        .order(rules_versions::number)
        .select(VersionRow::as_select())
        .load(conn)?;
    Ok(rows.into_iter().map(from_row).collect())
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("nothing changed")]
    Unchanged,
    #[error("no such clause")]
    UnknownClause,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// What changed in a new version, for the participants, in each language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summaries {
    pub en: String,
    pub nl: String,
}

/// Publishes a new version in which the clause `anchor` reads `body`; the rules page shows it
/// from now on. Returns the new version.
pub fn publish(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
    anchor: &str,
    body: &str,
    summary: &Summaries,
    by: AccountId,
    now: NaiveDateTime,
) -> Result<Version, PublishError> {
    crate::db::write_transaction(conn, |conn| {
        let current = current(conn, programme_id)?.ok_or(PublishError::UnknownClause)?;
        let mut clauses = current.clauses.clone();
        let clause = clauses
            .iter_mut()
            .find(|c| c.anchor == anchor)
            .ok_or(PublishError::UnknownClause)?;
        if clause.body == body {
            return Err(PublishError::Unchanged);
        }
        clause.body = body.to_owned();
        let number = current.number + 1;
        let id: RulesVersionId = diesel::insert_into(rules_versions::table)
            .values((
                rules_versions::programme_id.eq(programme_id),
                rules_versions::number.eq(number),
                rules_versions::summary.eq(&summary.en),
                rules_versions::summary_nl.eq(&summary.nl),
                rules_versions::clauses.eq(serde_json::to_string(&clauses).unwrap_or_default()),
                rules_versions::published_at.eq(now),
                rules_versions::published_by.eq(Some(by)),
            ))
            .returning(rules_versions::id)
            .get_result(conn)?;
        diesel::update(
            rule_clauses::table
                .filter(rule_clauses::programme_id.eq(programme_id))
                .filter(rule_clauses::anchor.eq(anchor)),
        )
        .set(rule_clauses::body.eq(body))
        .execute(conn)?;
        Ok(Version {
            id,
            programme_id,
            number,
            summary: summary.en.clone(),
            summary_nl: summary.nl.clone(),
            published_at: now,
            clauses,
        })
    })
}

/// A part of a changed clause's text: kept, removed or added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Words {
    Same(String),
    Removed(String),
    Added(String),
}

/// What changed in one clause from one version to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClauseChange {
    pub anchor: String,
    pub label: String,
    pub words: Vec<Words>,
}

impl ClauseChange {
    pub fn citation(&self) -> String {
        citation_of(&self.anchor)
    }
}

/// The clauses that differ between `old` and `new`, word by word; a clause only in one of them
/// is all removed or all added.
pub fn diff(old: &[ClauseText], new: &[ClauseText]) -> Vec<ClauseChange> {
    let mut changes = Vec::new();
    for clause in new {
        let before = old.iter().find(|c| c.anchor == clause.anchor);
        let before_body = before.map(|c| c.body.as_str()).unwrap_or("");
        if before.is_some_and(|c| c.body == clause.body) {
            continue;
        }
        let words = similar::TextDiff::from_words(before_body, &clause.body)
            .iter_all_changes()
            .map(|change| {
                let text = change.value().to_owned();
                match change.tag() {
                    similar::ChangeTag::Equal => Words::Same(text),
                    similar::ChangeTag::Delete => Words::Removed(text),
                    similar::ChangeTag::Insert => Words::Added(text),
                }
            })
            .collect();
        changes.push(ClauseChange {
            anchor: clause.anchor.clone(),
            label: clause.label.clone(),
            words,
        });
    }
    for clause in old {
        if !new.iter().any(|c| c.anchor == clause.anchor) {
            changes.push(ClauseChange {
                anchor: clause.anchor.clone(),
                label: clause.label.clone(),
                words: vec![Words::Removed(clause.body.clone())],
            });
        }
    }
    changes
}

/// Records that the participant accepted `version_id` (again: nothing changes).
pub fn accept(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    version_id: RulesVersionId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let already: i64 = rules_acceptances::table
        .filter(rules_acceptances::participant_id.eq(participant_id))
        .filter(rules_acceptances::version_id.eq(version_id))
        .count()
        .get_result(conn)?;
    if already > 0 {
        return Ok(false);
    }
    let inserted = diesel::insert_into(rules_acceptances::table)
        .values((
            rules_acceptances::participant_id.eq(participant_id),
            rules_acceptances::version_id.eq(version_id),
            rules_acceptances::accepted_at.eq(now),
        ))
        .execute(conn);
    crate::db::on_unique_violation(inserted.map(|n| n > 0), || Ok(false))
}

/// The versions the participant accepted, with when: (version number, accepted at).
pub fn acceptances(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<Vec<(i32, NaiveDateTime)>> {
    rules_acceptances::table
        .inner_join(rules_versions::table)
        .filter(rules_acceptances::participant_id.eq(participant_id))
        .order(rules_versions::number)
        .select((rules_versions::number, rules_acceptances::accepted_at))
        .load(conn)
}

/// The version in force if the participant has not accepted it yet, with the newest version
/// it did accept (for the diff).
pub fn to_accept(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<Option<(Version, Option<Version>)>> {
    let programme_id: Option<ProgrammeId> = programmes::table
        .select(programmes::id)
        .order(programmes::id)
        .first(conn)
        .optional()?;
    let Some(programme_id) = programme_id else {
        return Ok(None);
    };
    let Some(current) = current(conn, programme_id)? else {
        return Ok(None);
    };
    let accepted: Option<RulesVersionId> = rules_acceptances::table
        .inner_join(rules_versions::table)
        .filter(rules_acceptances::participant_id.eq(participant_id))
        .order(rules_versions::number.desc())
        .select(rules_versions::id)
        .first(conn)
        .optional()?;
    if accepted == Some(current.id) {
        return Ok(None);
    }
    let before = match accepted {
        Some(id) => find(conn, id)?,
        None => None,
    };
    Ok(Some((current, before)))
}

/// Accounts (address, language) of every participant that is not terminated: whom a new
/// version is mailed to.
pub fn participants_to_tell(conn: &mut AnyConnection) -> QueryResult<Vec<(String, String)>> {
    use crate::db::schema::accounts;
    participants::table
        .inner_join(accounts::table)
        .filter(participants::terminated_at.is_null())
        .filter(accounts::activated_at.is_not_null())
        .select((accounts::email, accounts::lang))
        .load(conn)
}

/// Every version, newest first, each with what changed from the one before: the console's
/// rules page.
pub fn history(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
) -> QueryResult<Vec<(Version, Vec<ClauseChange>)>> {
    let all = all(conn, programme_id)?;
    let mut with_changes: Vec<(Version, Vec<ClauseChange>)> = Vec::new();
    for (i, v) in all.iter().enumerate() {
        let changes = if i == 0 {
            Vec::new()
        } else {
            diff(&all[i - 1].clauses, &v.clauses)
        };
        with_changes.push((v.clone(), changes));
    }
    with_changes.reverse();
    Ok(with_changes)
}

/// What the participant's rules page shows.
pub struct ForParticipant {
    /// The version in force, if the participant has not accepted it yet.
    pub version: Option<Version>,
    /// What changed since the newest version the participant accepted (none the first time).
    pub changes: Vec<ClauseChange>,
    /// The versions it accepted: (number, accepted at).
    pub accepted: Vec<(i32, NaiveDateTime)>,
}

pub fn for_participant(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<ForParticipant> {
    let (version, changes) = match to_accept(conn, participant_id)? {
        Some((current, before)) => {
            let old = before.map(|b| b.clauses).unwrap_or_default();
            let changes = if old.is_empty() {
                Vec::new()
            } else {
                diff(&old, &current.clauses)
            };
            (Some(current), changes)
        }
        None => (None, Vec::new()),
    };
    Ok(ForParticipant {
        version,
        changes,
        accepted: acceptances(conn, participant_id)?,
    })
}

/// The participant accepts version `version_id`, with its audit line. Only the version in force
/// can be accepted: false when another one is in force now (an old tab's form); true when it is
/// accepted, or nothing is left to accept.
pub fn accept_in_force(
    conn: &mut AnyConnection,
    actor: &Actor,
    participant_id: ParticipantId,
    version_id: RulesVersionId,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        let Some((current, _)) = to_accept(conn, participant_id)? else {
            return Ok(true);
        };
        if current.id != version_id {
            return Ok(false);
        }
        accept(conn, participant_id, version_id, now)?;
        let entry = audit::Entry::new(
            action::RULES_ACCEPTED,
            format!("rules version {}", current.number),
        )
        .participant(participant_id);
        audit::record(conn, actor, entry, now)?;
        Ok(true)
    })
}

/// The summary fields, one per language: each participant is mailed the one in their language.
const SUMMARY_FIELDS: [(Lang, &str); 2] = [(Lang::En, "summary_en"), (Lang::Nl, "summary_nl")];

const FORM_FIELDS: [&str; 4] = ["clause", "body", "summary_en", "summary_nl"];

/// A new version as an administrator writes it: the clause (an anchor, `E-10-c`), its new text
/// and what changed, for the participants, in each language.
pub struct Draft {
    pub anchor: String,
    pub body: String,
    pub summary: Summaries,
}

impl Draft {
    /// Reads the publishing form (`clause`, `body`, `summary_en`, `summary_nl`); every
    /// participant reads the texts, so none has control, direction or other invisible
    /// characters. The form with its errors (and everything typed kept) otherwise.
    pub fn from_form(data: &FormData, lang: Lang) -> Result<Draft, FormState> {
        let mut form = FormState::new();
        for f in FORM_FIELDS {
            form.set(f, data.get(f));
        }
        let body = super::text_field(TEXT_MAX)
            .read(&mut form, lang, "body", data.get("body"))
            .unwrap_or_default();
        let mut summary = Summaries {
            en: String::new(),
            nl: String::new(),
        };
        for (in_lang, field) in SUMMARY_FIELDS {
            let summary_field = TextField {
                empty: match in_lang {
                    Lang::En => "error-rules-summary-en",
                    Lang::Nl => "error-rules-summary-nl",
                },
                ..REASON
            };
            match summary_field.read(&mut form, lang, field, data.get(field)) {
                Some(text) if in_lang == Lang::En => summary.en = text,
                Some(text) => summary.nl = text,
                None => {}
            }
        }
        if form.has_errors() {
            return Err(form);
        }
        Ok(Draft {
            anchor: data.get("clause").to_owned(),
            body,
            summary,
        })
    }

    /// The form again, as typed, with the message of a publication `publish_draft` refused.
    pub fn refused(data: &FormData, lang: Lang, problem: &PublishError) -> FormState {
        let mut form = FormState::new();
        for f in FORM_FIELDS {
            form.set(f, data.get(f));
        }
        let (field, key) = match problem {
            PublishError::Unchanged => ("body", "error-rules-unchanged"),
            _ => ("clause", "error-rules-clause"),
        };
        form.fail(lang, field, key);
        form
    }
}

/// Publishes the draft as the programme's next version, with its audit line. Returns the new
/// version and whom to tell about it (address, language).
pub fn publish_draft(
    conn: &mut AnyConnection,
    actor: &Actor,
    draft: &Draft,
    now: NaiveDateTime,
) -> Result<(Version, Vec<(String, String)>), PublishError> {
    let programme_id = crate::programme::current(conn)?;
    let by = actor.id.unwrap_or_default();
    let version = crate::db::write_transaction(conn, |conn| {
        let version = publish(
            conn,
            programme_id,
            &draft.anchor,
            &draft.body,
            &draft.summary,
            by,
            now,
        )?;
        let entry = audit::Entry::new(
            action::RULES_PUBLISHED,
            format!("rules version {}", version.number),
        )
        .after(json!({
            "clause": citation_of(&draft.anchor),
            "body": draft.body,
            "summary": draft.summary.en,
            "summary_nl": draft.summary.nl,
        }));
        audit::record(conn, actor, entry, now)?;
        Ok::<_, PublishError>(version)
    })?;
    Ok((version, participants_to_tell(conn)?))
}

/// The mail about a new version, in the participant's language, with the summary written in it.
pub fn new_rules_mail(lang: Lang, version: &Version, link: &str) -> MailContent {
    let mut mail = MailContent::new(lang, "mail-rules-subject");
    mail.paragraphs.push(lang.t_args(
        "mail-rules-intro",
        &[("number", version.number.to_string())],
    ));
    mail.paragraphs.push(version.summary_in(lang).to_owned());
    mail.action = Some((lang.t("mail-rules-action"), link.to_owned()));
    mail
}

/// Mails every participant to tell (`publish_draft`) about the new version, each in their
/// language, with the link to accept it at `base_url`.
pub async fn tell_participants(
    mailer: &crate::mail::MailSender,
    base_url: &str,
    version: &Version,
    recipients: Vec<(String, String)>,
) {
    let base = base_url.trim_end_matches('/');
    for (email, lang) in recipients {
        let lang = Lang::from_code(&lang).unwrap_or(Lang::DEFAULT);
        let link = format!("{base}/{}/account/rules", lang.code());
        mailer
            .deliver(new_rules_mail(lang, version, &link), &email)
            .await;
    }
}

/// A part of a changed clause, for the templates.
pub struct WordPart {
    pub removed: bool,
    pub added: bool,
    pub text: String,
}

pub fn word_parts(change: &ClauseChange) -> Vec<WordPart> {
    change
        .words
        .iter()
        .map(|w| match w {
            Words::Same(t) => WordPart {
                removed: false,
                added: false,
                text: t.clone(),
            },
            Words::Removed(t) => WordPart {
                removed: true,
                added: false,
                text: t.clone(),
            },
            Words::Added(t) => WordPart {
                removed: false,
                added: true,
                text: t.clone(),
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause(anchor: &str, body: &str) -> ClauseText {
        ClauseText {
            section: "E".into(),
            anchor: anchor.into(),
            label: "c.".into(),
            depth: 2,
            body: body.into(),
        }
    }

    #[test]
    fn a_version_is_dated_in_the_readers_language() {
        // The seeded version (1) carries the rules' own month, not the day the portal started.
        let seeded = (1, "2026-12-01 09:00", true);
        let published = (2, "2027-03-04 23:30", false);
        for ((number, at, seeded), lang, month, dated) in [
            (seeded, Lang::Nl, "September 2015", "september 2015"),
            (seeded, Lang::En, "September 2015", "September 2015"),
            (seeded, Lang::En, "someday", "1 December 2026"),
            (published, Lang::Nl, "September 2015", "4 maart 2027"),
            (published, Lang::En, "September 2015", "4 March 2027"),
        ] {
            let line = VersionLine {
                number,
                published_at: NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M").unwrap(),
                seeded,
            };
            assert_eq!(
                line.date_text(lang, month),
                dated,
                "version {number} in {lang:?}"
            );
        }
    }

    #[test]
    fn the_dutch_reader_gets_the_dutch_summary() {
        let mut version = Version {
            id: RulesVersionId(1),
            programme_id: ProgrammeId(1),
            number: 2,
            summary: "E.10.c now covers misspellings.".into(),
            summary_nl: "E.10.c geldt nu ook voor verschrijvingen.".into(),
            published_at: NaiveDateTime::default(),
            clauses: Vec::new(),
        };
        assert_eq!(
            version.summary_in(Lang::Nl),
            "E.10.c geldt nu ook voor verschrijvingen."
        );
        assert_eq!(
            version.summary_in(Lang::En),
            "E.10.c now covers misspellings."
        );
        // A version from before summaries per language: the only one there is.
        version.summary_nl.clear();
        assert_eq!(
            version.summary_in(Lang::Nl),
            "E.10.c now covers misspellings."
        );
    }

    #[test]
    fn citations_and_anchors() {
        assert_eq!(citation_of("E-10-c"), "E.10.c");
        assert_eq!(anchor_of(" E.10.c "), "E-10-c");
    }

    #[test]
    fn the_diff_names_changed_clauses_word_by_word() {
        let old = [
            clause("E-10-a", "Keep this."),
            clause("E-10-c", "No brand bidding at all."),
        ];
        let new = [
            clause("E-10-a", "Keep this."),
            clause("E-10-c", "No brand bidding on any engine."),
            clause("E-10-d", "New."),
        ];
        let changes = diff(&old, &new);
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[0].citation(), "E.10.c");
        let removed: Vec<&str> = changes[0]
            .words
            .iter()
            .filter_map(|w| match w {
                Words::Removed(t) if !t.trim().is_empty() => Some(t.as_str()),
                _ => None,
            })
            .collect();
        let added: Vec<&str> = changes[0]
            .words
            .iter()
            .filter_map(|w| match w {
                Words::Added(t) if !t.trim().is_empty() => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(removed, ["at", "all."]);
        assert_eq!(added, ["on", "any", "engine."]);
        assert_eq!(changes[1].words, [Words::Added("New.".into())]);
        assert!(diff(&new, &new).is_empty());
        let gone = diff(&new, &old);
        assert!(gone
            .iter()
            .any(|c| c.anchor == "E-10-d" && c.words == [Words::Removed("New.".into())]));
    }
}
