//! Screening names and domains for Alibaba Group brands (rules B.5.a, A.1.e, E.10.i).
//!
//! A hit does not refuse the channel: it is accepted and flagged for an account manager's review.

/// Short brand terms match only as a whole word or domain label, so that "australia" is not
/// flagged for "ali" nor "potato" for "tao".
const WHOLE_WORD_TERMS: &[&str] = &["ali", "tao", "etao"];

/// Distinctive brand names also match inside a word or label ("aliexpressdeals.nl").
const CONTAINED_TERMS: &[&str] = &[
    "aliexpress",
    "alibaba",
    "taobao",
    "tmall",
    "alimama",
    "alicloud",
    "aliyun",
    "juhuasuan",
];

/// The brand terms found in `text`, split on everything that is not a letter or digit.
pub fn brand_terms_in(text: &str) -> Vec<&'static str> {
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut found = Vec::new();
    for term in WHOLE_WORD_TERMS {
        if words.iter().any(|w| w == term) {
            found.push(*term);
        }
    }
    for term in CONTAINED_TERMS {
        if words.iter().any(|w| w.contains(term)) {
            found.push(*term);
        }
    }
    found
}

/// A review note when the channel's name or domain contains a brand, `None` otherwise.
pub fn screen_channel(name: &str, domain: &str) -> Option<String> {
    let mut terms = brand_terms_in(name);
    for t in brand_terms_in(domain) {
        if !terms.contains(&t) {
            terms.push(t);
        }
    }
    if terms.is_empty() {
        None
    } else {
        Some(format!("B.5.a: contains {}", terms.join(", ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_words_and_labels_only_for_short_terms() {
        assert_eq!(brand_terms_in("Ali deals"), ["ali"]);
        assert_eq!(brand_terms_in("ali-deals.nl"), ["ali"]);
        assert!(brand_terms_in("australia-travel.com").is_empty());
        assert!(brand_terms_in("Potato Recipes").is_empty());
        assert!(brand_terms_in("salient.io").is_empty());
        assert_eq!(brand_terms_in("tao.shop"), ["tao"]);
    }

    #[test]
    fn distinctive_brands_match_inside_words() {
        assert_eq!(brand_terms_in("aliexpressdeals.nl"), ["aliexpress"]);
        assert_eq!(brand_terms_in("Best AliExpress Finds"), ["aliexpress"]);
        assert_eq!(brand_terms_in("mytmallshop.com"), ["tmall"]);
        assert!(screen_channel("Koopjes", "koopjes.nl").is_none());
        assert_eq!(
            screen_channel("Ali koopjes", "aliexpress-koopjes.nl").unwrap(),
            "B.5.a: contains ali, aliexpress"
        );
        // A term in both the name and the domain is named once; one in the domain alone counts.
        assert_eq!(
            screen_channel("AliExpress deals", "aliexpress-deals.nl").unwrap(),
            "B.5.a: contains aliexpress"
        );
        assert_eq!(
            screen_channel("Koopjes", "tmall-koopjes.nl").unwrap(),
            "B.5.a: contains tmall"
        );
        assert_eq!(
            screen_channel("Taobao tips", "koopjes.nl").unwrap(),
            "B.5.a: contains taobao"
        );
    }
}
