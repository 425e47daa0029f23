//! What the session remembers of the logged-in account, and how long a session lives.

use actix_session::Session;

use crate::db::ids::AccountId;
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

/// Set (true) when the login passed a second factor; an account manager's session, and that of
/// an account with a second factor, counts as logged in only with it (`web::extract`).
pub const SESSION_SECOND_FACTOR: &str = "second_factor";
/// A login whose password was right and whose second factor is still to come (`PendingLogin`).
pub const SESSION_PENDING: &str = "second_factor_pending";

/// Minutes a right password waits for its second factor.
pub const PENDING_MINUTES: i64 = 5;

/// Sessions end after 30 idle minutes…
pub const IDLE_TIMEOUT_MINUTES: i64 = 30;
/// …and 12 hours after login at the latest.
pub const ABSOLUTE_TIMEOUT_HOURS: i64 = 12;

/// The logged-in account as remembered in the session (for the page header; handlers that act
/// for an account use the extractors in `web::extract`, which check the database).
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub id: AccountId,
    pub email: String,
    pub role: Role,
    pub administrator: bool,
}

impl SessionUser {
    /// The session's user, unless the session is past its absolute lifetime.
    pub fn from_session(session: &Session) -> Option<SessionUser> {
        let id = session.get::<AccountId>(SESSION_ACCOUNT).ok().flatten()?;
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

/// Whether this session's login passed a second factor.
pub fn passed_second_factor(session: &Session) -> bool {
    session
        .get::<bool>(SESSION_SECOND_FACTOR)
        .ok()
        .flatten()
        .unwrap_or(false)
}

/// A login half done: the password of `account_id` was right, and the session is not logged in
/// until the second factor is given (or, for a manager without one, enrolled) within
/// `PENDING_MINUTES`.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct PendingLogin {
    pub account_id: AccountId,
    /// Unix seconds after which the password must be given again.
    pub until: i64,
    /// The account must enrol first (a manager without a second factor).
    pub enrol: bool,
}

impl PendingLogin {
    /// Puts the marker into a session renewed for it and emptied of any earlier login.
    pub fn start(session: &Session, account_id: AccountId, enrol: bool) -> Result<(), String> {
        session.renew();
        session.clear();
        let pending = PendingLogin {
            account_id,
            until: chrono::Utc::now().timestamp() + PENDING_MINUTES * 60,
            enrol,
        };
        session
            .insert(SESSION_PENDING, pending)
            .map_err(|e| e.to_string())
    }

    /// The session's pending login, unless it is too old.
    pub fn of(session: &Session) -> Option<PendingLogin> {
        let pending = session
            .get::<PendingLogin>(SESSION_PENDING)
            .ok()
            .flatten()?;
        (chrono::Utc::now().timestamp() < pending.until).then_some(pending)
    }
}
