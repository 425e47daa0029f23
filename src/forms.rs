//! HTML forms: reading a urlencoded body (repeated fields included), and the state a form is
//! re-shown with — what the user typed and a message per wrong field.

use std::collections::HashMap;

use crate::i18n::Lang;

/// Longest reason an account manager can give (a decision, a measure, a lift, a ban).
pub const REASON_MAX: usize = 1000;

/// Longest text of a page's own (a programme text paragraph) or a participant's (an objection,
/// a cure answer).
pub const TEXT_MAX: usize = 5000;

/// Whether any field name or value holds a NUL character: no person types one, and PostgreSQL
/// refuses it in text, so such a request is refused before any query.
pub fn has_nul(text: &str) -> bool {
    text.contains('\0')
}

/// `has_nul` for every string (and key) of a JSON document.
pub fn json_has_nul(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => has_nul(s),
        serde_json::Value::Array(items) => items.iter().any(json_has_nul),
        serde_json::Value::Object(map) => map.iter().any(|(k, v)| has_nul(k) || json_has_nul(v)),
        _ => false,
    }
}

/// What is wrong with a text written into a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextProblem {
    Empty,
    TooLong,
    /// Control characters other than line breaks and tabs.
    Characters,
    /// A direction control or another invisible format character (`domain::text`).
    Invisible,
}

/// A written text (a reason, an objection, a programme text): trimmed, not empty, at most `max`
/// characters, no control characters but line breaks and tabs, no direction controls or other
/// invisible format characters (`domain::text`). Each form says the problem in its own words.
pub fn written_text(text: &str, max: usize) -> Result<String, TextProblem> {
    use crate::domain::text::{readable, Lines, Unreadable};
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(TextProblem::Empty);
    }
    if trimmed.chars().count() > max {
        return Err(TextProblem::TooLong);
    }
    match readable(trimmed, Lines::Several) {
        Err(Unreadable::Control) => Err(TextProblem::Characters),
        Err(Unreadable::Invisible) => Err(TextProblem::Invisible),
        Ok(()) => Ok(trimmed.to_owned()),
    }
}

/// A written text field: its longest length and what the form says when it is empty or too long
/// (the characters' problems have the same words in every form). Every reason and text a person
/// writes is read through one of these, so each gets all of `written_text`'s checks.
#[derive(Debug, Clone, Copy)]
pub struct TextField {
    pub max: usize,
    pub empty: &'static str,
    pub too_long: &'static str,
}

/// An account manager's reason (a decision, a measure, a lift).
pub const REASON: TextField = TextField {
    max: REASON_MAX,
    empty: "error-reason-required",
    too_long: "error-reason-too-long",
};

impl TextField {
    /// The text (`written_text`), or the Fluent key of its problem.
    pub fn check(&self, text: &str) -> Result<String, &'static str> {
        written_text(text, self.max).map_err(|problem| match problem {
            TextProblem::Empty => self.empty,
            TextProblem::TooLong => self.too_long,
            TextProblem::Characters => "error-reason-characters",
            TextProblem::Invisible => "error-text-invisible",
        })
    }

    /// A text that may be left empty (approving needs no reason): `None` when it is.
    pub fn check_optional(&self, text: &str) -> Result<Option<String>, &'static str> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        self.check(text).map(Some)
    }

    /// `check` for a form's field: the text, or `None` with the problem beside `field`.
    pub fn read(
        &self,
        form: &mut FormState,
        lang: Lang,
        field: &str,
        text: &str,
    ) -> Option<String> {
        self.check(text)
            .map_err(|key| form.fail(lang, field, key))
            .ok()
    }
}

/// A submitted form body. Field names may repeat (`promotion_methods`).
#[derive(Debug, Default)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> FormData {
        FormData(url::form_urlencoded::parse(body).into_owned().collect())
    }

    /// Whether a field's name or value holds a NUL character.
    pub fn has_nul(&self) -> bool {
        self.0.iter().any(|(k, v)| has_nul(k) || has_nul(v))
    }

    /// The first value of `name`, or "" when absent.
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }
}

/// What a form shows: values to fill in and errors next to fields (already translated).
#[derive(Debug, Default, Clone)]
pub struct FormState {
    values: HashMap<String, String>,
    multi: HashMap<String, Vec<String>>,
    errors: Vec<(String, String)>,
}

impl FormState {
    pub fn new() -> FormState {
        FormState::default()
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.values.insert(name.to_owned(), value.into());
    }

    pub fn set_all(&mut self, name: &str, values: Vec<String>) {
        self.multi.insert(name.to_owned(), values);
    }

    /// Adds the message for `field` (the first error of a field wins).
    pub fn add_error(&mut self, field: &str, message: impl Into<String>) {
        if self.error(field).is_none() {
            self.errors.push((field.to_owned(), message.into()));
        }
    }

    /// Adds the translated message `key` for `field`.
    pub fn fail(&mut self, lang: Lang, field: &str, key: &str) {
        self.add_error(field, lang.t(key));
    }

    pub fn value(&self, name: impl AsRef<str>) -> &str {
        self.values
            .get(name.as_ref())
            .map(String::as_str)
            .unwrap_or("")
    }

    /// Whether `option` is chosen for `name` (checkboxes, radio buttons, select options).
    pub fn is_chosen(&self, name: impl AsRef<str>, option: impl AsRef<str>) -> bool {
        let (name, option) = (name.as_ref(), option.as_ref());
        self.multi
            .get(name)
            .is_some_and(|values| values.iter().any(|v| v == option))
            || self.value(name) == option
    }

    pub fn error(&self, name: impl AsRef<str>) -> Option<&str> {
        let name = name.as_ref();
        self.errors
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, m)| m.as_str())
    }

    pub fn invalid(&self, name: impl AsRef<str>) -> bool {
        self.error(name).is_some()
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    pub fn errors(&self) -> &[(String, String)] {
        &self.errors
    }

    /// `aria-describedby` for a field: its help text and its error, when present.
    pub fn described_by(&self, name: impl AsRef<str>, help: impl AsRef<str>) -> String {
        let name = name.as_ref();
        let mut ids = Vec::new();
        if !help.as_ref().is_empty() {
            ids.push(format!("{name}-help"));
        }
        if self.invalid(name) {
            ids.push(format!("{name}-error"));
        }
        ids.join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_are_all_kept() {
        let form =
            FormData::parse(b"a=1&promotion_methods=content&promotion_methods=coupons&e=%C3%A9+x");
        assert_eq!(form.get("a"), "1");
        assert_eq!(form.all("promotion_methods"), ["content", "coupons"]);
        assert_eq!(form.get("e"), "é x");
        assert_eq!(form.get("missing"), "");
        assert!(!form.has("missing"));
    }

    #[test]
    fn first_error_of_a_field_wins() {
        let mut state = FormState::new();
        state.add_error("email", "first");
        state.add_error("email", "second");
        assert_eq!(state.error("email"), Some("first"));
        assert_eq!(state.errors().len(), 1);
        assert_eq!(
            state.described_by("email", "help"),
            "email-help email-error"
        );
        assert_eq!(state.described_by("email", ""), "email-error");
    }
}

#[cfg(test)]
mod written_text_tests {
    use super::{written_text, TextProblem};

    #[test]
    fn written_texts_are_trimmed_bounded_and_plain() {
        assert_eq!(
            written_text("  Fixed.\nAll pages.  ", 20),
            Ok("Fixed.\nAll pages.".into())
        );
        assert_eq!(written_text(" \n ", 20), Err(TextProblem::Empty));
        assert_eq!(written_text("abcdef", 5), Err(TextProblem::TooLong));
        assert_eq!(
            written_text("ééééé", 5),
            Ok("ééééé".into()),
            "characters, not bytes"
        );
        assert_eq!(written_text("a\u{7}b", 5), Err(TextProblem::Characters));
        assert_eq!(written_text("a\tb", 5), Ok("a\tb".into()));
        assert_eq!(
            written_text("Fixed \u{202e}today", 20),
            Err(TextProblem::Invisible)
        );
        assert_eq!(written_text("a\u{200b}b", 5), Err(TextProblem::Invisible));
    }
}
