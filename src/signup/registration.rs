//! Registration: checking step 2, screening against the ban list and the rules, and creating
//! the account.

use diesel::prelude::*;

use super::draft::ChannelInput;
use crate::accounts::Role;
use crate::auth::account_tokens::{self, Purpose};
use crate::channels::fields::{check_channel_fields, name_error_key, ChannelFields, ChannelTyped};
use crate::db::ids::AccountId;
use crate::db::AnyConnection;
use crate::domain::participant::{self, clean_name};
use crate::domain::EmailAddress;
use crate::forms::FormState;
use crate::i18n::Lang;
use crate::participants::ParticipantKind;

pub const PERSON_NAME_MAX: usize = 200;

/// Step 2, checked.
#[derive(Debug, Clone)]
pub struct ValidChannel {
    pub channel: ChannelFields,
    pub kind: ParticipantKind,
    pub company_name: String,
    pub contact_name: String,
    pub country: String,
}

/// Checks every field of step 2; the errors name each wrong field, in `lang`.
pub fn validate_channel(input: &ChannelInput, lang: Lang) -> Result<ValidChannel, FormState> {
    let mut form = channel_form_state(input);
    // E.10.k: a seller on the platform may join; its own storefront may not be the channel.
    let fields = check_channel_fields(
        &mut form,
        lang,
        &ChannelTyped {
            website_url: &input.website_url,
            channel_name: &input.channel_name,
            category: &input.category,
            promotion_methods: &input.promotion_methods,
            is_platform_seller: input.is_platform_seller,
            storefront_url: &input.storefront_url,
        },
    );
    let kind = ParticipantKind::parse(&input.participant_kind);
    if kind.is_none() {
        form.fail(lang, "participant_kind", "error-participant-kind");
    }
    let company_name = clean_name(&input.company_name, PERSON_NAME_MAX)
        .map_err(|e| form.fail(lang, "company_name", &name_error_key("company-name", e)))
        .ok();
    let contact_name = clean_name(&input.contact_name, PERSON_NAME_MAX)
        .map_err(|e| form.fail(lang, "contact_name", &name_error_key("contact-name", e)))
        .ok();
    if !participant::is_country(&input.country) {
        form.fail(lang, "country", "error-country");
    }
    match (fields, kind, company_name, contact_name) {
        (Some(fields), Some(kind), Some(company_name), Some(contact_name))
            if !form.has_errors() =>
        {
            Ok(ValidChannel {
                channel: fields,
                kind,
                company_name,
                contact_name,
                country: input.country.clone(),
            })
        }
        _ => Err(form),
    }
}

/// The form state that shows `input` as typed.
pub fn channel_form_state(input: &ChannelInput) -> FormState {
    let mut form = FormState::new();
    form.set("website_url", &input.website_url);
    form.set("channel_name", &input.channel_name);
    form.set("category", &input.category);
    form.set("participant_kind", &input.participant_kind);
    form.set_all("promotion_methods", input.promotion_methods.clone());
    form.set("company_name", &input.company_name);
    form.set("contact_name", &input.contact_name);
    form.set("country", &input.country);
    if input.is_platform_seller {
        form.set("is_platform_seller", "yes");
    }
    form.set("storefront_url", &input.storefront_url);
    form
}

/// Whether the address, its domain or a website domain is barred from registering (F.11.g):
/// the ban list's `find`.
pub fn is_banned(
    conn: &mut AnyConnection,
    email: Option<&EmailAddress>,
    website_domain: Option<&str>,
) -> QueryResult<bool> {
    let domains: Vec<&str> = website_domain.into_iter().collect();
    Ok(crate::enforcement::bans::find(conn, email, &domains)?.is_some())
}

/// What happened at the end of step 3. The visitor sees the same page either way.
#[derive(Debug)]
pub enum Outcome {
    /// A new account waits for activation with this token.
    Created {
        account_id: AccountId,
        token: String,
    },
    /// The address had an account already; it is told so by mail, nothing was created.
    AlreadyRegistered { lang: Lang },
}

/// Creates the account, participant, channel and activation token in one transaction.
pub fn complete(
    conn: &mut AnyConnection,
    email: &EmailAddress,
    channel: &ValidChannel,
    password_hash: &str,
    lang: Lang,
) -> QueryResult<Outcome> {
    let result = crate::db::write_transaction(conn, |conn| {
        if let Some(existing) = crate::accounts::find_by_email(conn, email)? {
            return Ok(Outcome::AlreadyRegistered {
                lang: existing.lang(),
            });
        }
        let now = crate::db::now();
        let new = crate::accounts::NewAccount {
            email,
            password_hash,
            role: Role::Participant,
            lang,
            active: false,
        };
        let account_id = crate::accounts::insert(conn, &new, now)?;
        let participant_id = crate::participants::create(
            conn,
            &crate::participants::NewParticipant {
                account_id,
                kind: channel.kind,
                company_name: &channel.company_name,
                contact_name: &channel.contact_name,
                country: &channel.country,
            },
        )?;
        crate::channels::create_channel(conn, participant_id, &channel.channel)?;
        // The signup form's "I accept the rules" is an acceptance of the version in force.
        if let Some(programme_id) = crate::programme::queries::first_programme_id(conn)? {
            if let Some(version) = crate::programme::versions::current(conn, programme_id)? {
                crate::programme::versions::accept(conn, participant_id, version.id, now)?;
            }
        }
        let token = account_tokens::issue(conn, account_id, Purpose::Activation)?;
        Ok(Outcome::Created { account_id, token })
    });
    // Two signups for one address at the same moment: the second one finds the first.
    crate::db::on_unique_violation(result, || Ok(Outcome::AlreadyRegistered { lang }))
}
