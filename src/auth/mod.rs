//! Logging in and out (with a second factor), the session store, one-time links and rate limits.

pub mod account_tokens;
pub mod login;
pub mod mailed_links;
pub mod second_factor;
pub mod session_store;

pub mod routes;
pub mod second_factor_routes;

use crate::domain::{EmailAddress, Password};
use crate::forms::{FormData, FormState};
use crate::i18n::Lang;

/// Checks a new password (`password`) for the account with address `email` and its
/// confirmation (`password_confirm`): at signup, at a reset and on the password page. Errors go
/// on `form`; the password only when the whole form has none.
pub fn new_password(
    form: &mut FormState,
    lang: Lang,
    data: &FormData,
    email: &str,
) -> Option<Password> {
    let email = EmailAddress::parse(email).ok()?;
    let password = Password::parse_for(data.get("password"), &email)
        .map_err(|e| form.fail(lang, "password", e.message_key()))
        .ok();
    if data.get("password_confirm").is_empty() {
        form.fail(lang, "password_confirm", "error-password-confirm-empty");
    } else if data.get("password_confirm") != data.get("password") {
        form.fail(lang, "password_confirm", "error-password-mismatch");
    }
    password.filter(|_| !form.has_errors())
}
