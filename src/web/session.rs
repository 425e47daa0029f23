//! What the session remembers of the logged-in account, and how long a session lives.

use actix_session::Session;

use crate::participants::Role;

/// Session entries.
pub const SESSION_ACCOUNT: &str = "account_id";
pub const SESSION_EMAIL: &str = "email";
pub const SESSION_ROLE: &str = "role";
/// Whether the manager is an administrator (for the console's menu only; the routes check the
/// database).
pub const SESSION_ADMIN: &str = "administrator";
/// Unix seconds of the login: sessions end 12 hours after it, whatever the activity.
pub const SESSION_AUTH_AT: &str = "auth_at";

/// Sessions end after 30 idle minutes…
pub const IDLE_TIMEOUT_MINUTES: i64 = 30;
/// …and 12 hours after login at the latest.
pub const ABSOLUTE_TIMEOUT_HOURS: i64 = 12;

/// The logged-in account as remembered in the session (for the page header; handlers that act
/// for an account use the extractors in `web::extract`, which check the database).
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id: i64,
    pub email: String,
    pub role: Role,
    pub administrator: bool,
}

impl SessionUser {
    /// The session's user, unless the session is past its absolute lifetime.
    pub fn from_session(session: &Session) -> Option<SessionUser> {
        let id = session.get::<i64>(SESSION_ACCOUNT).ok().flatten()?;
        let auth_at = session.get::<i64>(SESSION_AUTH_AT).ok().flatten()?;
        let age = chrono::Utc::now().timestamp() - auth_at;
        if !(0..ABSOLUTE_TIMEOUT_HOURS * 3600).contains(&age) {
            return None;
        }
        let role = session.get::<String>(SESSION_ROLE).ok().flatten()?;
        Some(SessionUser {
            id,
            email: session.get::<String>(SESSION_EMAIL).ok().flatten()?,
            role: Role::parse(&role)?,
            administrator: session
                .get::<bool>(SESSION_ADMIN)
                .ok()
                .flatten()
                .unwrap_or(false),
        })
    }

    pub fn is_manager(&self) -> bool {
        self.role == Role::Manager
    }
}
