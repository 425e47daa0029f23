//! The audit log in words, in the reader's language: what was done to what ("Maatregel 5 —
//! Ingehouden betalingen, volgens E.10.c") and the fields that changed, each named in words
//! with its value before and after. The stored line keeps its codes and its JSON: the CSV
//! gives them as they are.

use serde_json::{Map, Value};

use crate::i18n::Lang;

/// How stored subjects begin (`measure 12`, `rules version 3`), longest first, and the part of
/// their message key (`audit-subject-measure`).
const SUBJECTS: &[(&str, &str)] = &[
    ("rules version", "rules-version"),
    ("payout run", "payout-run"),
    ("brand term", "brand-term"),
    ("measure", "measure"),
    ("objection", "objection"),
    ("channel", "channel"),
    ("membership", "membership"),
    ("account", "account"),
    ("ban", "ban"),
    ("holiday", "holiday"),
    ("group", "group"),
    ("policy", "policy"),
    ("contact", "contact"),
    ("text", "text"),
    ("commission", "commission"),
    ("participant", "participant"),
    ("programme", "programme"),
    ("conversion", "conversion"),
];

/// A value longer than this is cut (with "…"); the CSV has it whole.
const VALUE_MAX: usize = 80;

/// The subject in the reader's words: `measure 5` → "Maatregel 5".
pub fn subject(lang: Lang, stored: &str) -> String {
    if stored == "payout run (none)" {
        return lang.t("audit-subject-payout-run-none");
    }
    if let Some(n) = stored.strip_suffix(" lines") {
        return lang.t_args("audit-subject-lines", &[("id", n.to_owned())]);
    }
    for (word, key) in SUBJECTS {
        if let Some(rest) = stored.strip_prefix(word).and_then(|r| r.strip_prefix(' ')) {
            return lang.t_args(&format!("audit-subject-{key}"), &[("id", rest.to_owned())]);
        }
    }
    stored.to_owned()
}

/// A subject as a person types it in the filter, in either language, as the log stores it:
/// `Maatregel 12` → `measure 12`. Anything else is searched as typed.
pub fn stored_subject(typed: &str) -> String {
    let typed = typed.trim();
    let lower = typed.to_lowercase();
    for lang in [Lang::Nl, Lang::En] {
        for (word, key) in SUBJECTS {
            let name = lang
                .t_args(&format!("audit-subject-{key}"), &[("id", String::new())])
                .trim()
                .to_lowercase();
            if name.is_empty() {
                continue;
            }
            if let Some(rest) = lower.strip_prefix(&name) {
                if rest.is_empty() || rest.starts_with(' ') {
                    return format!("{word}{rest}");
                }
            }
        }
    }
    typed.to_owned()
}

/// The line's subject with what the change was, where the line says it: a measure's kind and
/// the clauses it cites.
pub fn summary(lang: Lang, action: &str, stored_subject: &str, after: Option<&str>) -> String {
    let subject = subject(lang, stored_subject);
    let after: Option<Value> = after.and_then(|a| serde_json::from_str(a).ok());
    if action == super::action::MEASURE_TAKEN {
        if let Some(Value::Object(fields)) = &after {
            let kind = fields.get("kind").and_then(Value::as_str).unwrap_or("");
            let clauses = fields
                .get("clauses")
                .map(|c| plain(lang, "clauses", c))
                .unwrap_or_default();
            if let Some(kind) = lang.try_t(&format!("measure-{}", kind.replace('_', "-"))) {
                return lang.t_args(
                    "audit-summary-measure",
                    &[("subject", subject), ("kind", kind), ("clauses", clauses)],
                );
            }
        }
    }
    subject
}

/// One field that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The field in words.
    pub field: String,
    /// Its value before; `None` when the line has no value before (something new).
    pub before: Option<String>,
    pub after: String,
}

/// The fields that differ between `before` and `after` (stored JSON), in words. A new thing
/// (no `before`) lists its fields that have a value.
pub fn changes(lang: Lang, before: Option<&str>, after: Option<&str>) -> Vec<Change> {
    let parse =
        |text: Option<&str>| -> Option<Value> { text.and_then(|t| serde_json::from_str(t).ok()) };
    let (before, after) = (parse(before), parse(after));
    let as_map = |v: &Option<Value>| -> Map<String, Value> {
        match v {
            Some(Value::Object(m)) => m.clone(),
            Some(Value::Null) | None => Map::new(),
            Some(other) => {
                let mut m = Map::new();
                m.insert("value".to_owned(), other.clone());
                m
            }
        }
    };
    let had_before = before.is_some();
    let (old, new) = (as_map(&before), as_map(&after));
    // A field the line states after the change; one it names only before (`kind` of a lifted
    // measure) did not change.
    new.iter()
        .filter_map(|(key, is)| {
            let was = old.get(key);
            if was == Some(is) || (was.is_none() && is_empty(is)) {
                return None;
            }
            Some(Change {
                field: field_name(lang, key),
                before: if had_before {
                    was.map(|w| plain(lang, key, w))
                } else {
                    None
                },
                after: plain(lang, key, is),
            })
        })
        .collect()
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// A field's name in words (`claim_until` → "Bezwaar mogelijk tot en met"); a field without a
/// message shows its code with spaces.
pub fn field_name(lang: Lang, key: &str) -> String {
    lang.try_t(&format!("audit-field-{}", key.replace('_', "-")))
        .unwrap_or_else(|| key.replace('_', " "))
}

/// A value in words, cut to `VALUE_MAX` characters.
fn plain(lang: Lang, key: &str, value: &Value) -> String {
    let text = match value {
        Value::Null => "—".to_owned(),
        Value::Bool(true) => lang.t("audit-yes"),
        Value::Bool(false) => lang.t("audit-no"),
        Value::Number(n) => n.to_string(),
        Value::String(s) if key == "kind" => lang
            .try_t(&format!("measure-{}", s.replace('_', "-")))
            .unwrap_or_else(|| s.clone()),
        // What an objection is about (`measure`, `commission`), in words.
        Value::String(s) if key == "subject" => SUBJECTS
            .iter()
            .find(|(word, _)| word == s)
            .map(|(_, k)| {
                lang.t_args(&format!("audit-subject-{k}"), &[("id", String::new())])
                    .trim()
                    .to_owned()
            })
            .unwrap_or_else(|| s.clone()),
        // A stored code (`upheld`, `approved`) in words where there are words for it.
        Value::String(s) if s.chars().all(|c| c.is_ascii_lowercase() || c == '_') => lang
            .try_t(&format!("audit-value-{}", s.replace('_', "-")))
            .unwrap_or_else(|| s.clone()),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| format!("{} {}", field_name(lang, k), plain(lang, k, v)))
            .collect::<Vec<_>>()
            .join(", "),
    };
    if text.chars().count() > VALUE_MAX {
        let mut cut: String = text.chars().take(VALUE_MAX - 1).collect();
        cut.push('…');
        cut
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_worded_in_the_readers_language_and_typed_ones_found() {
        for (lang, stored, shown) in [
            (Lang::Nl, "measure 5", "Maatregel 5"),
            (Lang::En, "measure 5", "Measure 5"),
            (Lang::Nl, "objection 3", "Bezwaar 3"),
            (Lang::Nl, "rules version 2", "Regels, versie 2"),
            (Lang::Nl, "something else", "something else"),
        ] {
            assert_eq!(subject(lang, stored), shown, "{stored} in {lang:?}");
        }
        // What a reader types in the filter, found as stored.
        for (typed, stored) in [
            ("Maatregel 12", "measure 12"),
            ("bezwaar 3", "objection 3"),
            ("Measure 12", "measure 12"),
            ("koopjes", "koopjes"),
        ] {
            assert_eq!(stored_subject(typed), stored, "{typed}");
        }
    }

    #[test]
    fn a_measure_is_summed_up_with_its_kind_and_clauses() {
        let after = r#"{"kind":"withhold","clauses":["E.10.c","F.11.c"]}"#;
        assert_eq!(
            summary(Lang::Nl, "measure_taken", "measure 5", Some(after)),
            "Maatregel 5 — Ingehouden betalingen, volgens E.10.c, F.11.c"
        );
        assert_eq!(
            summary(Lang::En, "measure_taken", "measure 5", Some(after)),
            "Measure 5 — Payments withheld, under E.10.c, F.11.c"
        );
    }

    #[test]
    fn only_the_changed_fields_are_listed_in_words() {
        let c = changes(
            Lang::Nl,
            Some(r#"{"state":"pending","reason":null,"amount":"1.00"}"#),
            Some(r#"{"state":"approved","reason":"ok","amount":"1.00"}"#),
        );
        assert_eq!(c.len(), 2, "{c:?}");
        let state = c.iter().find(|c| c.field == "Toestand").unwrap();
        assert_eq!(state.before.as_deref(), Some("in behandeling"));
        assert_eq!(state.after, "goedgekeurd");
        assert!(c.iter().all(|c| !c.field.contains('_')));
        let new = changes(Lang::En, None, Some(r#"{"kind":"ban","deadline":null}"#));
        assert_eq!(new.len(), 1);
        assert_eq!(new[0].before, None);
        assert_eq!(new[0].after, "Barred from registering");
        let filed = changes(
            Lang::Nl,
            None,
            Some(r#"{"subject":"measure","subject_id":1,"decision":"upheld"}"#),
        );
        let after = |field: &str| {
            filed
                .iter()
                .find(|c| c.field == field)
                .unwrap()
                .after
                .clone()
        };
        assert_eq!(after("Onderwerp"), "Maatregel");
        assert_eq!(after("Beslissing"), "gegrond");
    }
}
