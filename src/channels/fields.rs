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
}

/// Checks a channel's website, name, category and promotion methods; each wrong field gets its
/// message in `form`.
pub fn check_channel_fields(
    form: &mut FormState,
    lang: Lang,
    website_url: &str,
    channel_name: &str,
    category: &str,
    promotion_methods: &[String],
) -> Option<ChannelFields> {
    let website = WebsiteUrl::parse(website_url)
        .map_err(|e| form.fail(lang, "website_url", e.message_key()))
        .ok();
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
    let (website, channel_name) = (website?, channel_name?);
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
    })
}
