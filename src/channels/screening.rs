//! What the screening of a new or changed channel found, kept as message keys with their
//! arguments (JSON in `channels.screening_note`) and put into words in the reader's language:
//! the participant and the account manager each read it in their own.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::ids::ParticipantId;
use crate::db::schema::channels;
use crate::db::AnyConnection;
use crate::domain::brand;
use crate::i18n::Lang;

/// One finding. Stored as `{"key": "brand", "args": {"terms": "ali, aliexpress"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "key", content = "args", rename_all = "snake_case")]
pub enum Note {
    /// B.5.a: the name or domain contains these brand terms (A.1.e), comma-separated.
    Brand { terms: String },
    /// Another participant already has a channel on this domain (named to no one but managers).
    DuplicateDomain { domain: String },
}

impl Note {
    /// The finding in words, in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Note::Brand { terms } => lang.t_args("screening-brand", &[("terms", terms.clone())]),
            Note::DuplicateDomain { domain } => {
                lang.t_args("screening-duplicate-domain", &[("domain", domain.clone())])
            }
        }
    }
}

/// The notes as stored; `None` when there is none (the channel is not flagged).
pub fn encode(notes: &[Note]) -> Option<String> {
    if notes.is_empty() {
        return None;
    }
    serde_json::to_string(notes).ok()
}

/// The stored notes in words, in `lang`. A note stored before notes were keys (a text in English
/// that the migration could not read) is shown as it is.
pub fn text(stored: &str, lang: impl std::borrow::Borrow<Lang>) -> String {
    let lang = *lang.borrow();
    match serde_json::from_str::<Vec<Note>>(stored) {
        Ok(notes) => notes
            .iter()
            .map(|n| n.text(lang))
            .collect::<Vec<_>>()
            .join(" "),
        Err(_) => stored.to_owned(),
    }
}

/// The brand terms in a channel's name or domain (B.5.a) and whether another participant has a
/// channel on the same domain: what makes a new or changed channel flagged for a closer review.
pub fn screen(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    name: &str,
    domain: &str,
) -> QueryResult<Vec<Note>> {
    let mut notes = Vec::new();
    let terms = super::brand_terms::terms(conn)?;
    let found = brand::screen_channel(name, domain, &terms);
    if !found.is_empty() {
        notes.push(Note::Brand {
            terms: found.join(", "),
        });
    }
    let others: i64 = channels::table
        .filter(channels::domain.eq(domain))
        .filter(channels::participant_id.ne(participant_id))
        .count()
        .get_result(conn)?;
    if others > 0 {
        notes.push(Note::DuplicateDomain {
            domain: domain.to_owned(),
        });
    }
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_stored_as_keys_with_arguments() {
        let notes = [
            Note::Brand {
                terms: "ali, aliexpress".into(),
            },
            Note::DuplicateDomain {
                domain: "koopjes.nl".into(),
            },
        ];
        let stored = encode(&notes).unwrap();
        assert_eq!(
            stored,
            r#"[{"key":"brand","args":{"terms":"ali, aliexpress"}},{"key":"duplicate_domain","args":{"domain":"koopjes.nl"}}]"#
        );
        assert_eq!(serde_json::from_str::<Vec<Note>>(&stored).unwrap(), notes);
        assert_eq!(encode(&[]), None);
        // What the migration writes for "B.5.a: contains tmall" reads back.
        assert_eq!(
            serde_json::from_str::<Vec<Note>>(r#"[{"key":"brand","args":{"terms":"tmall"}}]"#)
                .unwrap(),
            [Note::Brand {
                terms: "tmall".into()
            }]
        );
    }

    #[test]
    fn notes_read_in_each_language_and_old_texts_as_they_are() {
        let stored = r#"[{"key":"brand","args":{"terms":"tmall"}}]"#;
        let en = text(stored, Lang::En);
        let nl = text(stored, Lang::Nl);
        assert!(en.contains("tmall") && en.contains("B.5.a"), "{en}");
        assert!(nl.contains("tmall") && nl.contains("B.5.a"), "{nl}");
        assert_ne!(en, nl);
        assert_eq!(text("checked by hand", Lang::Nl), "checked by hand");
    }
}
