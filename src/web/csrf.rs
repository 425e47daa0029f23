//! CSRF protection: a random token per session, put in every form as `csrf_token` and checked on
//! every POST.

use actix_session::Session;

use crate::tokens::{constant_time_eq, random_token};

const KEY: &str = "csrf";

/// The session's token, created on first use.
pub fn token(session: &Session) -> String {
    if let Ok(Some(existing)) = session.get::<String>(KEY) {
        return existing;
    }
    let fresh = random_token();
    // Failing to store it only means the form will be refused later with a clear 403 page.
    let _ = session.insert(KEY, &fresh);
    fresh
}

/// Whether `submitted` is this session's token.
pub fn verify(session: &Session, submitted: &str) -> bool {
    match session.get::<String>(KEY) {
        Ok(Some(expected)) => !submitted.is_empty() && constant_time_eq(&expected, submitted),
        _ => false,
    }
}
