//! What a visitor typed during signup, kept server-side between the steps for 24 hours, keyed by
//! a random id that only the visitor's session knows.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::schema::signup_drafts;
use crate::db::AnyConnection;
use crate::i18n::Lang;

pub const LIFETIME_HOURS: i64 = 24;
/// Session entry holding the draft's id.
pub const SESSION_KEY: &str = "signup_draft";

/// Step 2 exactly as typed, so going back shows it again even when it was wrong.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ChannelInput {
    pub website_url: String,
    pub channel_name: String,
    pub category: String,
    pub participant_kind: String,
    pub promotion_methods: Vec<String>,
    pub company_name: String,
    pub contact_name: String,
    pub country: String,
    pub is_platform_seller: bool,
    /// The seller's storefront on the platform (E.10.k), asked when it sells there.
    #[serde(default)]
    pub storefront_url: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DraftData {
    #[serde(default)]
    pub channel: ChannelInput,
    /// Step 2 passed validation as it stands.
    #[serde(default)]
    pub channel_valid: bool,
}

#[derive(Debug, Clone)]
pub struct Draft {
    pub id: String,
    pub lang: Lang,
    pub email: String,
    pub data: DraftData,
}

pub fn load(conn: &mut AnyConnection, id: &str) -> QueryResult<Option<Draft>> {
    let row: Option<(String, String, String, String)> = signup_drafts::table
        .filter(signup_drafts::id.eq(id))
        .filter(signup_drafts::expires_at.gt(crate::db::now()))
        .select((
            signup_drafts::id,
            signup_drafts::lang,
            signup_drafts::email,
            signup_drafts::data,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(id, lang, email, data)| Draft {
        id,
        lang: Lang::from_code(&lang).unwrap_or(Lang::DEFAULT),
        email,
        // A draft written by an older version that no longer parses starts step 2 afresh.
        data: serde_json::from_str(&data).unwrap_or_default(),
    }))
}

/// Creates a draft (new id) or updates the one with `id`; the 24 hours start again.
pub fn save(
    conn: &mut AnyConnection,
    id: Option<&str>,
    lang: Lang,
    email: &str,
    data: &DraftData,
) -> QueryResult<String> {
    let now = crate::db::now();
    let expires_at = now + chrono::Duration::hours(LIFETIME_HOURS);
    let json = serde_json::to_string(data).unwrap_or_else(|_| "{}".into());
    if let Some(id) = id {
        let updated = diesel::update(signup_drafts::table.filter(signup_drafts::id.eq(id)))
            .set((
                signup_drafts::lang.eq(lang.code()),
                signup_drafts::email.eq(email),
                signup_drafts::data.eq(&json),
                signup_drafts::expires_at.eq(expires_at),
            ))
            .execute(conn)?;
        if updated == 1 {
            return Ok(id.to_owned());
        }
    }
    let id = crate::tokens::random_token();
    diesel::insert_into(signup_drafts::table)
        .values((
            signup_drafts::id.eq(&id),
            signup_drafts::lang.eq(lang.code()),
            signup_drafts::email.eq(email),
            signup_drafts::data.eq(&json),
            signup_drafts::created_at.eq(now),
            signup_drafts::expires_at.eq(expires_at),
        ))
        .execute(conn)?;
    Ok(id)
}

pub fn delete(conn: &mut AnyConnection, id: &str) -> QueryResult<usize> {
    diesel::delete(signup_drafts::table.filter(signup_drafts::id.eq(id))).execute(conn)
}

pub fn purge_expired(conn: &mut AnyConnection) -> QueryResult<usize> {
    diesel::delete(signup_drafts::table.filter(signup_drafts::expires_at.le(crate::db::now())))
        .execute(conn)
}
