//! Screening names and domains for Alibaba Group brands (rules B.5.a, A.1.e, E.10.i).
//!
//! A hit does not refuse the channel: it is accepted and flagged for an account manager's review.
//! The terms are a list administrators keep (`brand_terms`, seeded with A.1.e's brands); this
//! module only matches them.

/// How a term matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matching {
    /// Only as a whole word or domain label, so that "australia" is not flagged for "ali" nor
    /// "potato" for "tao".
    WholeWord,
    /// Also inside a word or label ("aliexpressdeals.nl").
    Contained,
}

impl Matching {
    pub const ALL: [Matching; 2] = [Matching::WholeWord, Matching::Contained];

    pub fn as_str(self) -> &'static str {
        match self {
            Matching::WholeWord => "whole_word",
            Matching::Contained => "contained",
        }
    }

    pub fn parse(s: &str) -> Option<Matching> {
        Matching::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrandTerm {
    pub term: String,
    pub matching: Matching,
}

impl BrandTerm {
    pub fn new(term: &str, matching: Matching) -> BrandTerm {
        BrandTerm {
            term: term.to_owned(),
            matching,
        }
    }
}

pub const TERM_MAX: usize = 40;

/// A term as typed, checked: trimmed, lower case, 2 to 40 letters or digits (names and domains
/// are split on everything else, so a term with a space or a hyphen could never match). The
/// error is a message key.
pub fn parse_term(input: &str) -> Result<String, &'static str> {
    let term = input.trim().to_lowercase();
    if term.is_empty() {
        return Err("error-brand-term-empty");
    }
    if term.chars().count() < 2 || term.chars().count() > TERM_MAX {
        return Err("error-brand-term-length");
    }
    if !term.chars().all(char::is_alphanumeric) {
        return Err("error-brand-term-characters");
    }
    Ok(term)
}

/// The brand terms of `terms` found in `text`, split on everything that is not a letter or
/// digit, in the order of `terms`.
pub fn brand_terms_in<'a>(text: &str, terms: &'a [BrandTerm]) -> Vec<&'a str> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    terms
        .iter()
        .filter(|t| match t.matching {
            Matching::WholeWord => words.iter().any(|w| *w == t.term),
            Matching::Contained => words.iter().any(|w| w.contains(t.term.as_str())),
        })
        .map(|t| t.term.as_str())
        .collect()
}

/// The brand terms in a channel's name or domain, each once; empty when there is none.
pub fn screen_channel(name: &str, domain: &str, terms: &[BrandTerm]) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for t in brand_terms_in(name, terms)
        .into_iter()
        .chain(brand_terms_in(domain, terms))
    {
        if !found.iter().any(|f| f == t) {
            found.push(t.to_owned());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The terms the migration seeds (A.1.e).
    fn seeded() -> Vec<BrandTerm> {
        let mut terms: Vec<BrandTerm> = ["ali", "tao", "etao"]
            .iter()
            .map(|t| BrandTerm::new(t, Matching::WholeWord))
            .collect();
        for t in [
            "aliexpress",
            "alibaba",
            "taobao",
            "tmall",
            "alimama",
            "alicloud",
            "aliyun",
            "juhuasuan",
        ] {
            terms.push(BrandTerm::new(t, Matching::Contained));
        }
        terms
    }

    #[test]
    fn whole_words_and_labels_only_for_short_terms() {
        let terms = seeded();
        assert_eq!(brand_terms_in("Ali deals", &terms), ["ali"]);
        assert_eq!(brand_terms_in("ali-deals.nl", &terms), ["ali"]);
        assert!(brand_terms_in("australia-travel.com", &terms).is_empty());
        assert!(brand_terms_in("Potato Recipes", &terms).is_empty());
        assert!(brand_terms_in("salient.io", &terms).is_empty());
        assert_eq!(brand_terms_in("tao.shop", &terms), ["tao"]);
    }

    #[test]
    fn distinctive_brands_match_inside_words() {
        let terms = seeded();
        assert_eq!(brand_terms_in("aliexpressdeals.nl", &terms), ["aliexpress"]);
        assert_eq!(
            brand_terms_in("Best AliExpress Finds", &terms),
            ["aliexpress"]
        );
        assert_eq!(brand_terms_in("mytmallshop.com", &terms), ["tmall"]);
        assert!(screen_channel("Koopjes", "koopjes.nl", &terms).is_empty());
        assert_eq!(
            screen_channel("Ali koopjes", "aliexpress-koopjes.nl", &terms),
            ["ali", "aliexpress"]
        );
        // A term in both the name and the domain is named once; one in the domain alone counts.
        assert_eq!(
            screen_channel("AliExpress deals", "aliexpress-deals.nl", &terms),
            ["aliexpress"]
        );
        assert_eq!(
            screen_channel("Koopjes", "tmall-koopjes.nl", &terms),
            ["tmall"]
        );
        assert_eq!(
            screen_channel("Taobao tips", "koopjes.nl", &terms),
            ["taobao"]
        );
    }

    #[test]
    fn the_same_term_matches_by_its_kind() {
        let whole = [BrandTerm::new("lazada", Matching::WholeWord)];
        let contained = [BrandTerm::new("lazada", Matching::Contained)];
        assert!(brand_terms_in("mylazadashop.com", &whole).is_empty());
        assert_eq!(brand_terms_in("mylazadashop.com", &contained), ["lazada"]);
        assert_eq!(brand_terms_in("lazada.shop", &whole), ["lazada"]);
        assert!(brand_terms_in("anything", &[]).is_empty());
    }

    #[test]
    fn terms_are_single_lower_case_words() {
        assert_eq!(parse_term(" Lazada "), Ok("lazada".into()));
        assert_eq!(parse_term("ae"), Ok("ae".into()));
        assert_eq!(parse_term(""), Err("error-brand-term-empty"));
        assert_eq!(parse_term("a"), Err("error-brand-term-length"));
        assert_eq!(parse_term(&"x".repeat(41)), Err("error-brand-term-length"));
        assert_eq!(
            parse_term("ali express"),
            Err("error-brand-term-characters")
        );
        assert_eq!(
            parse_term("ali-express"),
            Err("error-brand-term-characters")
        );
        assert_eq!(Matching::parse("whole_word"), Some(Matching::WholeWord));
        assert_eq!(Matching::parse("contained"), Some(Matching::Contained));
        assert_eq!(Matching::parse("Contained"), None);
    }
}
