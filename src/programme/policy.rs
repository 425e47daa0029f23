//! A programme's policies as typed values: each policy (`PolicyKey`) takes one of its own values
//! (`PolicyValue`), stored as text under a CHECK of the pairs (migration `typed_policies`). The
//! rules a policy drives — which promotion methods a programme forbids, whether it takes deep
//! links — come from the value alone, never from words an administrator typed; the words go in
//! a note per language, shown beside the value's label.

use crate::db::stored_as_text;
use crate::i18n::Lang;

stored_as_text!(
    /// The policies the programme's page lists (the seed's "Beleid" table).
    PolicyKey {
        CookiePeriod => "cookie_period",
        Deeplinking => "deeplinking",
        ProductFeed => "product_feed",
        Prepayment => "prepayment",
        KeywordMarketing => "keyword_marketing",
        EmailMarketing => "email_marketing",
        CashbackLoyalty => "cashback_loyalty",
        CouponSites => "coupon_sites",
        PriceComparison => "price_comparison",
    }
);

stored_as_text!(
    /// A policy's value; which values a policy takes is `PolicyKey::values`.
    PolicyValue {
        /// Cookie period: the session window after the click (`programmes.session_window_minutes`).
        SessionBased => "session_based",
        Allowed => "allowed",
        AllowedAfterPreview => "allowed_after_preview",
        NotAllowed => "not_allowed",
        NotPossible => "not_possible",
        Yes => "yes",
        No => "no",
        /// Keyword marketing closed: no search engine ads at all (so no brand bidding either).
        Closed => "closed",
        OpenNoBrandBidding => "open_no_brand_bidding",
        OpenBrandBidding => "open_brand_bidding",
    }
);

impl PolicyKey {
    /// The values this policy takes, in the order the administrator's form offers them.
    pub fn values(self) -> &'static [PolicyValue] {
        use PolicyValue::*;
        match self {
            PolicyKey::CookiePeriod => &[SessionBased],
            PolicyKey::Deeplinking => &[NotPossible, Allowed],
            PolicyKey::ProductFeed | PolicyKey::Prepayment => &[No, Yes],
            PolicyKey::KeywordMarketing => &[Closed, OpenNoBrandBidding, OpenBrandBidding],
            PolicyKey::EmailMarketing => &[NotAllowed, AllowedAfterPreview, Allowed],
            PolicyKey::CashbackLoyalty | PolicyKey::CouponSites | PolicyKey::PriceComparison => {
                &[NotAllowed, Allowed]
            }
        }
    }

    /// `value` if this policy takes it.
    pub fn value(self, text: &str) -> Option<PolicyValue> {
        PolicyValue::parse(text.trim()).filter(|v| self.values().contains(v))
    }

    /// The promotion method (as a channel declares it) that this policy forbids at `value`.
    pub fn forbidden_method(self, value: PolicyValue) -> Option<&'static str> {
        match (self, value) {
            (PolicyKey::KeywordMarketing, PolicyValue::Closed) => Some("keyword_marketing"),
            (PolicyKey::EmailMarketing, PolicyValue::NotAllowed) => Some("email_marketing"),
            (PolicyKey::CashbackLoyalty, PolicyValue::NotAllowed) => Some("cashback_loyalty"),
            (PolicyKey::CouponSites, PolicyValue::NotAllowed) => Some("coupons"),
            (PolicyKey::PriceComparison, PolicyValue::NotAllowed) => Some("price_comparison"),
            _ => None,
        }
    }

    /// The policy's name in `lang`.
    pub fn label(self, lang: Lang) -> String {
        lang.t(&format!("policy-{}", self.as_str().replace('_', "-")))
    }
}

impl PolicyValue {
    /// The value's words in `lang`.
    pub fn label(self, lang: Lang) -> String {
        lang.t(&format!("policy-value-{}", self.as_str().replace('_', "-")))
    }
}

/// Whether a programme with `deeplinking` takes deep links.
pub fn takes_deeplinks(deeplinking: Option<PolicyValue>) -> bool {
    deeplinking == Some(PolicyValue::Allowed)
}

/// The session window in words: "24 hours", "90 minutes", "1 uur".
pub fn window_words(lang: Lang, minutes: i32) -> String {
    let minutes = i64::from(minutes);
    if minutes % 60 == 0 {
        lang.t_counts("session-window-hours", &[("hours", minutes / 60)], &[])
    } else {
        lang.t_counts("session-window-minutes", &[("minutes", minutes)], &[])
    }
}

/// The longest session window an administrator may set: 30 days.
pub const WINDOW_MAX_MINUTES: i32 = 30 * 24 * 60;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_policy_takes_its_own_values_only() {
        assert_eq!(
            PolicyKey::KeywordMarketing.value("closed"),
            Some(PolicyValue::Closed)
        );
        assert_eq!(PolicyKey::KeywordMarketing.value("Gesloten"), None);
        assert_eq!(
            PolicyKey::KeywordMarketing.value("closed_no_brand_bidding"),
            None
        );
        assert_eq!(PolicyKey::Deeplinking.value("closed"), None);
        assert_eq!(PolicyKey::Deeplinking.value("yes"), None);
        assert_eq!(
            PolicyKey::Deeplinking.value(" allowed "),
            Some(PolicyValue::Allowed)
        );
        assert_eq!(PolicyKey::CookiePeriod.value("allowed"), None);
        for key in PolicyKey::ALL {
            assert!(!key.values().is_empty());
            for value in key.values() {
                assert_eq!(key.value(value.as_str()), Some(*value));
            }
        }
    }

    #[test]
    fn the_rules_come_from_the_value() {
        use PolicyKey::*;
        use PolicyValue::*;
        assert_eq!(
            KeywordMarketing.forbidden_method(Closed),
            Some("keyword_marketing")
        );
        assert_eq!(KeywordMarketing.forbidden_method(OpenNoBrandBidding), None);
        assert_eq!(KeywordMarketing.forbidden_method(OpenBrandBidding), None);
        assert_eq!(
            EmailMarketing.forbidden_method(NotAllowed),
            Some("email_marketing")
        );
        assert_eq!(EmailMarketing.forbidden_method(AllowedAfterPreview), None);
        assert_eq!(CouponSites.forbidden_method(NotAllowed), Some("coupons"));
        assert_eq!(CouponSites.forbidden_method(Allowed), None);
        assert_eq!(
            CashbackLoyalty.forbidden_method(NotAllowed),
            Some("cashback_loyalty")
        );
        assert_eq!(
            PriceComparison.forbidden_method(NotAllowed),
            Some("price_comparison")
        );
        assert_eq!(Deeplinking.forbidden_method(NotPossible), None);
        assert!(takes_deeplinks(Some(Allowed)));
        assert!(!takes_deeplinks(Some(NotPossible)));
        assert!(!takes_deeplinks(None));
    }

    #[test]
    fn every_value_and_policy_has_a_label_in_both_languages() {
        for lang in Lang::ALL {
            for key in PolicyKey::ALL {
                let label = key.label(lang);
                assert!(!label.starts_with("policy-"), "{label}");
                for value in key.values() {
                    let label = value.label(lang);
                    assert!(!label.starts_with("policy-"), "{label}");
                }
            }
        }
        assert_ne!(
            PolicyValue::Closed.label(Lang::Nl),
            PolicyValue::Closed.label(Lang::En)
        );
    }

    #[test]
    fn the_window_is_said_in_hours_or_minutes_with_plural_forms() {
        assert_eq!(window_words(Lang::En, 1440), "24 hours");
        assert_eq!(window_words(Lang::Nl, 1440), "24 uur");
        assert_eq!(window_words(Lang::En, 60), "1 hour");
        assert_eq!(window_words(Lang::En, 90), "90 minutes");
        assert_eq!(window_words(Lang::Nl, 1), "1 minuut");
        assert_eq!(window_words(Lang::Nl, 90), "90 minuten");
    }
}
