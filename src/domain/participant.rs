//! What a participant tells us at signup: its names, country, and its channel's details (its
//! kind is `participants::ParticipantKind`).

use std::sync::LazyLock;

use crate::i18n::Lang;

/// The kinds of website a channel can be; the select on signup step 2.
pub const CATEGORIES: &[&str] = &[
    "content",
    "reviews",
    "coupons",
    "cashback_loyalty",
    "price_comparison",
    "social_media",
    "email",
    "other",
];

/// How a channel promotes; checkboxes on signup step 2 (`promotion_methods`, repeated).
pub const PROMOTION_METHODS: &[&str] = &[
    "content",
    "reviews",
    "coupons",
    "cashback_loyalty",
    "price_comparison",
    "email_marketing",
    "social_media",
    "keyword_marketing",
];

/// The categories as (value, label in `lang`), for a select.
pub fn category_options(lang: Lang) -> Vec<(&'static str, String)> {
    CATEGORIES
        .iter()
        .map(|c| (*c, lang.t(&format!("category-{}", c.replace('_', "-")))))
        .collect()
}

/// The promotion methods as (value, label in `lang`), for checkboxes.
pub fn method_options(lang: Lang) -> Vec<(&'static str, String)> {
    PROMOTION_METHODS
        .iter()
        .map(|m| (*m, method_label(m, lang)))
        .collect()
}

pub fn method_label(method: &str, lang: Lang) -> String {
    lang.t(&format!("method-{}", method.replace('_', "-")))
}

#[derive(Debug, Clone, Copy, thiserror::Error, PartialEq, Eq)]
pub enum NameError {
    #[error("required")]
    Empty,
    #[error("too short")]
    TooShort,
    #[error("too long")]
    TooLong,
    #[error("contains characters that are not allowed")]
    BadCharacters,
    /// A direction control or another invisible format character (`domain::text`).
    #[error("contains an invisible formatting character")]
    Invisible,
}

/// A name typed by a person (channel, company, contact): trimmed, inner spaces folded, 2 to `max`
/// characters, no control or invisible formatting characters (`domain::text`), no `<` or `>`.
pub fn clean_name(input: &str, max: usize) -> Result<String, NameError> {
    use super::text::{readable, Lines, Unreadable};
    let folded = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.is_empty() {
        return Err(NameError::Empty);
    }
    match readable(&folded, Lines::One) {
        Err(Unreadable::Invisible) => return Err(NameError::Invisible),
        Err(Unreadable::Control) => return Err(NameError::BadCharacters),
        Ok(()) if folded.contains(['<', '>']) => return Err(NameError::BadCharacters),
        Ok(()) => {}
    }
    let count = folded.chars().count();
    if count < 2 {
        return Err(NameError::TooShort);
    }
    if count > max {
        return Err(NameError::TooLong);
    }
    Ok(folded)
}

struct Country {
    code: &'static str,
    nl: &'static str,
    en: &'static str,
}

static COUNTRIES: LazyLock<Vec<Country>> = LazyLock::new(|| {
    include_str!("countries.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .filter_map(|l| {
            let mut parts = l.split('\t');
            Some(Country {
                code: parts.next()?,
                nl: parts.next()?,
                en: parts.next()?,
            })
        })
        .collect()
});

/// An ISO 3166-1 alpha-2 country code that exists.
pub fn is_country(code: &str) -> bool {
    COUNTRIES.iter().any(|c| c.code == code)
}

/// All countries as (code, name) in `lang`, sorted by name.
pub fn countries(lang: Lang) -> Vec<(&'static str, &'static str)> {
    let mut list: Vec<_> = COUNTRIES
        .iter()
        .map(|c| (c.code, if lang == Lang::Nl { c.nl } else { c.en }))
        .collect();
    list.sort_by_key(|(_, name)| name.to_lowercase());
    list
}

pub fn country_name(code: &str, lang: Lang) -> Option<&'static str> {
    COUNTRIES
        .iter()
        .find(|c| c.code == code)
        .map(|c| if lang == Lang::Nl { c.nl } else { c.en })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cleaned() {
        assert_eq!(
            clean_name("  Koopjes   Blog ", 100).unwrap(),
            "Koopjes Blog"
        );
        assert_eq!(clean_name("", 100), Err(NameError::Empty));
        assert_eq!(clean_name("x", 100), Err(NameError::TooShort));
        assert_eq!(clean_name(&"x".repeat(101), 100), Err(NameError::TooLong));
        for hidden in [
            "Shop\u{202e}evil",
            "Shop\u{2066}",
            "Sh\u{200b}op",
            "\u{feff}Shop",
        ] {
            assert_eq!(
                clean_name(hidden, 100),
                Err(NameError::Invisible),
                "{hidden}"
            );
        }
        assert_eq!(clean_name("Shop\u{7}", 100), Err(NameError::BadCharacters));
        assert_eq!(
            clean_name("<b>Shop</b>", 100),
            Err(NameError::BadCharacters)
        );
        assert_eq!(clean_name("Zoë's Winkel", 100).unwrap(), "Zoë's Winkel");
    }

    #[test]
    fn countries_exist_in_both_languages() {
        assert!(is_country("NL") && is_country("HK"));
        assert!(!is_country("XX") && !is_country("nl"));
        assert_eq!(country_name("NL", Lang::Nl), Some("Nederland"));
        assert_eq!(country_name("NL", Lang::En), Some("Netherlands"));
        assert!(countries(Lang::En).len() > 240);
    }
}
