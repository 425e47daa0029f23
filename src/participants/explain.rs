//! A measure as the participant reads it where it has an effect — beside a membership it ended,
//! a deduction in the ledger, a withholding that stops a payout: its kind, the clauses it cites
//! (linked to the rules), its reason and a link to its notice, in the reader's language. Never
//! the bare "measure 5" that the other tables store to point at it.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{MeasureKind, Restriction};
use crate::db::ids::{MeasureId, ParticipantId};
use crate::db::schema::{measure_clauses, measures, rules_versions};
use crate::db::AnyConnection;
use crate::i18n::Lang;

/// What `enforcement` stores in another table's reason to say a measure decided it (a
/// membership ended by a restriction, F.11.f): `measure 5`.
pub fn in_reason(reason: &str) -> Option<MeasureId> {
    reason
        .strip_prefix("measure ")
        .and_then(|id| id.trim().parse().ok())
}

/// A clause a measure cites: `E.10.c` and its anchor on the rules page (`E-10-c`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    pub citation: String,
    pub anchor: String,
}

#[derive(Debug, Clone)]
pub struct MeasureInWords {
    pub id: MeasureId,
    pub kind: MeasureKind,
    pub restriction: Option<Restriction>,
    pub taken_at: NaiveDateTime,
    /// The account manager's reason, as written.
    pub reason: String,
    /// The clauses cited, in the order the measure gives them.
    pub clauses: Vec<Clause>,
    /// The number of the rules' version in force when it was taken, whose clauses it quotes.
    pub rules_version: i32,
}

impl MeasureInWords {
    /// The measure's name: "Restricted collaboration".
    pub fn title(&self, lang: &Lang) -> String {
        lang.t(&format!("measure-{}", self.kind.as_str().replace('_', "-")))
    }

    /// What it is in a few words, with the clause of F.11 that gives it: "Restricted
    /// collaboration (rule F.11.f), of 7 Dec 2026".
    pub fn heading(&self, lang: &Lang) -> String {
        lang.t_args(
            "measure-words-heading",
            &[
                ("measure", self.title(lang)),
                ("clause", self.kind.clause().to_owned()),
                ("date", lang.format_date(self.taken_at.date())),
            ],
        )
    }

    /// The participant's notice of the measure.
    pub fn notice_href(&self, lang: &Lang) -> String {
        format!("/{}/account/notices/{}", lang.code(), self.id)
    }

    /// Where a cited clause reads on the public rules page, in the version the measure quoted.
    pub fn clause_href(&self, lang: &Lang, clause: &Clause) -> String {
        format!(
            "/{}/programmes/{}/rules/v/{}#{}",
            lang.code(),
            crate::domain::ACCOUNT_PROGRAMME,
            self.rules_version,
            clause.anchor
        )
    }

    /// "Rule cited:" or "Rules cited:", before the linked citations.
    pub fn clauses_lead(&self, lang: &Lang) -> String {
        lang.t_counts(
            "measure-words-clauses-lead",
            &[("count", self.clauses.len() as i64)],
            &[],
        )
    }

    pub fn reason_text(&self, lang: &Lang) -> String {
        lang.t_args("measure-words-reason", &[("reason", self.reason.clone())])
    }

    pub fn citations(&self) -> String {
        self.clauses
            .iter()
            .map(|c| c.citation.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The whole of it in one line of text, for a CSV file or an e-mail.
    pub fn sentence(&self, lang: Lang) -> String {
        let mut text = self.heading(&lang);
        if !self.clauses.is_empty() {
            text.push_str(" — ");
            text.push_str(&self.clauses_lead(&lang));
            text.push(' ');
            text.push_str(&self.citations());
        }
        text.push_str(" — ");
        text.push_str(&self.reason_text(&lang));
        text
    }
}

/// A clause of the rules a measure cites, as stored with the measure (the text as it stood).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = measure_clauses)]
pub struct CitedClause {
    pub measure_id: MeasureId,
    pub citation: String,
    pub anchor: String,
    pub body: String,
}

/// The clauses the measures `ids` cite, measure by measure, each measure's in its order.
pub fn cited_clauses(conn: &mut AnyConnection, ids: &[MeasureId]) -> QueryResult<Vec<CitedClause>> {
    measure_clauses::table
        .filter(measure_clauses::measure_id.eq_any(ids))
        .order((measure_clauses::measure_id, measure_clauses::position))
        .select(CitedClause::as_select())
        .load(conn)
}

/// Every measure of the participant, by id (taken and lifted alike: an old deduction in the
/// ledger still names its measure).
pub fn of_participant(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<HashMap<MeasureId, MeasureInWords>> {
    #[derive(Queryable, Selectable)]
    #[diesel(table_name = measures)]
    struct Row {
        id: MeasureId,
        kind: MeasureKind,
        restriction: Option<Restriction>,
        taken_at: NaiveDateTime,
        reason: String,
        #[diesel(select_expression = rules_versions::number)]
        rules_version: i32,
    }
    let rows: Vec<Row> = measures::table
        .inner_join(rules_versions::table)
        .filter(measures::participant_id.eq(participant_id))
        .select(Row::as_select())
        .load(conn)?;
    let ids: Vec<MeasureId> = rows.iter().map(|r| r.id).collect();
    let cited = cited_clauses(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            let clauses = cited
                .iter()
                .filter(|c| c.measure_id == id)
                .map(|c| Clause {
                    citation: c.citation.clone(),
                    anchor: c.anchor.clone(),
                })
                .collect();
            (
                id,
                MeasureInWords {
                    id,
                    kind: row.kind,
                    restriction: row.restriction,
                    taken_at: row.taken_at,
                    reason: row.reason,
                    clauses,
                    rules_version: row.rules_version,
                },
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_that_points_at_a_measure() {
        assert_eq!(in_reason("measure 5"), Some(MeasureId(5)));
        assert_eq!(in_reason("measure x"), None);
        assert_eq!(in_reason("forbidden-methods:email"), None);
        assert_eq!(in_reason("The site is empty."), None);
    }
}
