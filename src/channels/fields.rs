//! The fields that describe an advertising channel, checked once (signup step 2 and the channel
//! form alike).

use crate::domain::participant::{clean_name, NameError, CATEGORIES, PROMOTION_METHODS};
use crate::domain::WebsiteUrl;
use crate::forms::FormState;
use crate::i18n::Lang;

pub const CHANNEL_NAME_MAX: usize = 100;

/// The message key for a name field's error (`error-channel-name-too-short`).
pub fn name_error_key(field: &str, error: NameError) -> String {
    let what = match error {
        NameError::Empty => "empty",
        NameError::TooShort => "too-short",
        NameError::TooLong => "too-long",
        NameError::BadCharacters => "characters",
        NameError::Invisible => "invisible",
    };
    format!("error-{field}-{what}")
}

/// The fields that describe an advertising channel, checked (signup step 2 and the channel form).
#[derive(Debug, Clone)]
pub struct ChannelFields {
    pub website: WebsiteUrl,
    pub channel_name: String,
    pub category: String,
    /// Sorted, without repeats.
    pub promotion_methods: Vec<String>,
    /// The participant's storefront on the platform when it sells there (E.10.k); `None` when it
    /// does not.
    pub storefront: Option<WebsiteUrl>,
}

/// The answer to "do you sell on AliExpress?": `yes` (or a checked box) and the storefront.
pub fn is_seller_answer(value: &str) -> bool {
    matches!(value, "yes" | "on" | "true")
}

/// A channel as typed into a form (signup step 2 or the channel form).
pub struct ChannelTyped<'a> {
    pub website_url: &'a str,
    pub channel_name: &'a str,
    pub category: &'a str,
    pub promotion_methods: &'a [String],
    pub is_platform_seller: bool,
    pub storefront_url: &'a str,
}

/// E.10.k as written: a seller on the platform may join, but its channel may not be its own
/// storefront. A seller names its storefront; a channel within it is refused (next to the
/// website's field). `Err(())` when a field is wrong (its message is in `form`).
fn check_storefront(
    form: &mut FormState,
    lang: Lang,
    website: Option<&WebsiteUrl>,
    typed: &ChannelTyped,
) -> Result<Option<WebsiteUrl>, ()> {
    if !typed.is_platform_seller {
        return Ok(None);
    }
    let storefront = match WebsiteUrl::parse(typed.storefront_url) {
        Ok(s) if s.is_platform_storefront() => s,
        Ok(_) => {
            form.fail(lang, "storefront_url", "error-storefront-platform");
            return Err(());
        }
        Err(crate::domain::website::WebsiteError::Empty) => {
            form.fail(lang, "storefront_url", "error-storefront-empty");
            return Err(());
        }
        Err(_) => {
            form.fail(lang, "storefront_url", "error-storefront-invalid");
            return Err(());
        }
    };
    if website.is_some_and(|w| w.is_within(&storefront)) {
        form.fail(lang, "website_url", "error-own-storefront");
        return Err(());
    }
    Ok(Some(storefront))
}

/// Checks a channel's website, name, category, promotion methods and the seller's storefront;
/// each wrong field gets its message in `form`.
pub fn check_channel_fields(
    form: &mut FormState,
    lang: Lang,
    typed: &ChannelTyped,
) -> Option<ChannelFields> {
    let ChannelTyped {
        website_url,
        channel_name,
        category,
        promotion_methods,
        ..
    } = *typed;
    let website = WebsiteUrl::parse(website_url)
        .map_err(|e| form.fail(lang, "website_url", e.message_key()))
        .ok();
    let storefront = check_storefront(form, lang, website.as_ref(), typed);
    let channel_name = clean_name(channel_name, CHANNEL_NAME_MAX)
        .map_err(|e| form.fail(lang, "channel_name", &name_error_key("channel-name", e)))
        .ok();
    let category_ok = CATEGORIES.contains(&category);
    if !category_ok {
        form.fail(lang, "category", "error-category");
    }
    let methods_ok = if promotion_methods.is_empty() {
        form.fail(lang, "promotion_methods", "error-promotion-methods-empty");
        false
    } else if promotion_methods
        .iter()
        .any(|m| !PROMOTION_METHODS.contains(&m.as_str()))
    {
        form.fail(lang, "promotion_methods", "error-promotion-methods-unknown");
        false
    } else {
        true
    };
    let (website, channel_name, storefront) = (website?, channel_name?, storefront.ok()?);
    if !(category_ok && methods_ok) {
        return None;
    }
    let mut methods = promotion_methods.to_vec();
    methods.sort();
    methods.dedup();
    Some(ChannelFields {
        website,
        channel_name,
        category: category.to_owned(),
        promotion_methods: methods,
        storefront,
    })
}
