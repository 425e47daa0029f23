//! Logging in with an address and a password: what a login attempt comes to, decided in one
//! place and without HTTP (`routes::login_submit` parses the form and renders the outcome).

use super::second_factor;
use crate::accounts::{self, Account};
use crate::db::ids::{AccountId, BanId};
use crate::db::AnyConnection;
use crate::domain::{password, EmailAddress, Password};
use crate::participants::standing::{self, Termination};
use crate::rate_limit;
use crate::web::AppError;

/// A hash that never matches, verified against when the address is unknown so that a login
/// takes as long for unknown addresses as for known ones.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    Password::parse(&crate::tokens::random_token())
        .map(|p| p.hash())
        .unwrap_or_default()
});

/// What a login attempt comes to.
pub enum LoginOutcome {
    /// Logged in: where to.
    LoggedIn(Account, Landing),
    /// The password was right; the second factor is to come (or, for a manager without one,
    /// its enrolment). The session is not logged in yet.
    SecondFactor(AccountId, second_factor::Needed),
    /// No login: the form is shown again, saying why.
    Refused(Refusal),
}

/// Why a login is refused. Only `Wrong` and `Limited` are said to whoever does not know the
/// password.
pub enum Refusal {
    /// The password was right but the account is not activated yet.
    Inactive,
    /// The participant was terminated: the measure that did it (F.11.e).
    Terminated(Termination),
    /// An administrator disabled the account (a manager who left).
    Disabled,
    /// The participant's address or a channel's domain is on the ban list (F.11.g): the ban, to
    /// object to it by its link (G.12).
    Banned(BanId),
    /// An unknown address or a wrong password.
    Wrong,
    /// Too many tries for the address or the account.
    Limited,
}

/// Where a login lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Landing {
    /// The console for a manager, the account's overview for a participant.
    Home,
    /// A new version of the rules waits for the participant's acceptance.
    Rules,
    /// Where the account was (a session renewed on the account's own pages).
    Stay,
}

/// Tries `password` for `email` from the address whose keyed hash is `ip_hash`. The try is
/// recorded before the password is checked, per account and address and per account; the bank
/// form's password counts against the same limits. The password is verified on this (blocking)
/// thread, ~15 ms, also for unknown addresses.
pub fn attempt(
    conn: &mut AnyConnection,
    email: &EmailAddress,
    password: &str,
    ip_hash: &[u8; 16],
) -> Result<LoginOutcome, AppError> {
    let refused = |refusal| Ok(LoginOutcome::Refused(refusal));
    let tried = rate_limit::PasswordTry::new(email.as_str(), ip_hash);
    if !tried.record_then_check(conn)? {
        return refused(Refusal::Limited);
    }
    let account = accounts::find_by_email(conn, email)?;
    let hash = account
        .as_ref()
        .map(|a| a.password_hash.as_str())
        .unwrap_or(DUMMY_HASH.as_str());
    let matches = password::verify(password, hash);
    let Some(account) = account.filter(|_| matches) else {
        // The try is recorded already.
        return refused(Refusal::Wrong);
    };
    // With a second factor to come, the tries count on through the code step (a right password
    // alone must not give the code step a fresh allowance).
    let second_factor = second_factor::needed(conn, &account)?;
    if second_factor.is_none() {
        tried.succeeded(conn)?;
    }
    if let Some(termination) = standing::termination_of_account(conn, account.id)? {
        return refused(Refusal::Terminated(termination));
    }
    // Said only to whoever knows the password, like a termination.
    if account.is_disabled() {
        return refused(Refusal::Disabled);
    }
    if account.role == accounts::Role::Participant {
        if let Some(ban) = crate::enforcement::bans::find_for_account(conn, account.id)? {
            return refused(Refusal::Banned(ban.id));
        }
    }
    if !account.is_active() {
        return refused(Refusal::Inactive);
    }
    if let Some(step) = second_factor {
        return Ok(LoginOutcome::SecondFactor(account.id, step));
    }
    let landing = after_login(conn, &account, ip_hash)?;
    Ok(LoginOutcome::LoggedIn(account, landing))
}

/// What follows a right password (and second factor, when the account has one), in the
/// login's transaction: the address is noted (E.10.j), a manager's login is an audit line, and
/// a participant with new rules to accept is sent to them.
pub(super) fn after_login(
    conn: &mut AnyConnection,
    account: &Account,
    ip_hash: &[u8; 16],
) -> Result<Landing, AppError> {
    accounts::record_login_address(conn, account.id, ip_hash)?;
    if !account.is_manager() {
        if let Some(p) = crate::participants::of_account(conn, account.id)? {
            if crate::programme::versions::to_accept(conn, p.id)?.is_some() {
                return Ok(Landing::Rules);
            }
        }
    }
    if account.is_manager() {
        let actor = account.actor(ip_hash);
        let entry = crate::audit::Entry::new(
            crate::audit::action::MANAGER_LOGIN,
            format!("account {}", account.id),
        );
        crate::audit::record(conn, &actor, entry, crate::db::now())?;
    }
    Ok(Landing::Home)
}
