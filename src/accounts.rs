//! Accounts: who can log in. `portal admin create` makes account managers here; an
//! administrator (or `portal admin disable`/`enable`) disables a manager who leaves and changes
//! who is an administrator, never leaving the portal without one.

use diesel::prelude::*;

use crate::db::schema::accounts;
use crate::db::AnyConnection;
use crate::domain::EmailAddress;
use crate::i18n::Lang;
pub use crate::participants::Role;

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("an account with the address {0} exists already")]
    Exists(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Creates an account manager, active at once (no activation mail: an operator made it).
pub fn create_manager(
    conn: &mut AnyConnection,
    email: &EmailAddress,
    password_hash: &str,
    lang: Lang,
) -> Result<i64, CreateError> {
    let result = diesel::insert_into(accounts::table)
        .values((
            accounts::email.eq(email.as_str()),
            accounts::password_hash.eq(password_hash),
            accounts::role.eq(Role::Manager),
            accounts::lang.eq(lang.code()),
            accounts::created_at.eq(crate::db::now()),
            accounts::activated_at.eq(Some(crate::db::now())),
        ))
        .returning(accounts::id)
        .get_result(conn);
    match result {
        Ok(id) => Ok(id),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Err(CreateError::Exists(email.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// An account as login and the account pages need it.
#[derive(Debug, Clone, Queryable)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    pub lang: String,
    pub activated_at: Option<chrono::NaiveDateTime>,
    /// An account manager who also manages managers and the programme's data.
    pub administrator: bool,
    /// Set when an administrator disabled the account (a manager who left): it cannot log in,
    /// and a session it had ends.
    pub disabled_at: Option<chrono::NaiveDateTime>,
}

type AccountColumns = (
    accounts::id,
    accounts::email,
    accounts::password_hash,
    accounts::role,
    accounts::lang,
    accounts::activated_at,
    accounts::administrator,
    accounts::disabled_at,
);

const ACCOUNT_COLUMNS: AccountColumns = (
    accounts::id,
    accounts::email,
    accounts::password_hash,
    accounts::role,
    accounts::lang,
    accounts::activated_at,
    accounts::administrator,
    accounts::disabled_at,
);

impl Account {
    pub fn lang(&self) -> Lang {
        Lang::from_code(&self.lang).unwrap_or(Lang::DEFAULT)
    }

    pub fn is_active(&self) -> bool {
        self.activated_at.is_some()
    }

    pub fn is_disabled(&self) -> bool {
        self.disabled_at.is_some()
    }

    pub fn is_manager(&self) -> bool {
        self.role == Role::Manager
    }

    /// An administrator as the console admits one: a disabled account is none.
    pub fn is_administrator(&self) -> bool {
        self.is_manager() && self.administrator && !self.is_disabled()
    }
}

pub fn find_by_email(
    conn: &mut AnyConnection,
    email: &EmailAddress,
) -> QueryResult<Option<Account>> {
    accounts::table
        .filter(accounts::email.eq(email.as_str()))
        .select(ACCOUNT_COLUMNS)
        .first(conn)
        .optional()
}

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<Account>> {
    accounts::table
        .find(id)
        .select(ACCOUNT_COLUMNS)
        .first(conn)
        .optional()
}

pub fn set_administrator(
    conn: &mut AnyConnection,
    id: i64,
    administrator: bool,
) -> QueryResult<usize> {
    diesel::update(accounts::table.find(id))
        .set(accounts::administrator.eq(administrator))
        .execute(conn)
}

pub fn activate(conn: &mut AnyConnection, id: i64) -> QueryResult<usize> {
    diesel::update(
        accounts::table
            .find(id)
            .filter(accounts::activated_at.is_null()),
    )
    .set(accounts::activated_at.eq(Some(crate::db::now())))
    .execute(conn)
}

pub fn set_password_hash(conn: &mut AnyConnection, id: i64, hash: &str) -> QueryResult<usize> {
    diesel::update(accounts::table.find(id))
        .set(accounts::password_hash.eq(hash))
        .execute(conn)
}

/// Notes that `account_id` logged in from the address with this keyed hash (the click log's
/// hash): a conversion whose click came from there is held as possible self-purchase (E.10.j).
pub fn record_login_address(
    conn: &mut AnyConnection,
    account_id: i64,
    ip_hash: &[u8; 16],
) -> QueryResult<()> {
    use crate::db::schema::login_addresses as la;
    let now = crate::db::now();
    let this = la::table
        .filter(la::account_id.eq(account_id))
        .filter(la::ip_hash.eq(&ip_hash[..]));
    if diesel::update(this)
        .set(la::last_seen_at.eq(now))
        .execute(conn)?
        > 0
    {
        return Ok(());
    }
    let inserted = diesel::insert_into(la::table)
        .values((
            la::account_id.eq(account_id),
            la::ip_hash.eq(&ip_hash[..]),
            la::last_seen_at.eq(now),
        ))
        .execute(conn);
    match inserted {
        // Another login from the same address stored it a moment ago.
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(()),
        other => other.map(|_| ()),
    }
}

/// What a change of an account manager's role or standing came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManagerChange {
    /// Changed, with its audit line.
    Changed,
    /// It was so already: nothing written.
    Unchanged,
    /// Refused: the account is the last administrator who is not disabled.
    LastAdministrator,
    /// No account manager has that id.
    NotFound,
}

/// The role and standing of account manager `id`: (administrator, disabled).
fn manager_standing(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<(bool, bool)>> {
    let row: Option<(bool, Option<chrono::NaiveDateTime>)> = accounts::table
        .find(id)
        .filter(accounts::role.eq(Role::Manager))
        .select((accounts::administrator, accounts::disabled_at))
        .first(conn)
        .optional()?;
    Ok(row.map(|(administrator, disabled_at)| (administrator, disabled_at.is_some())))
}

/// Administrators who are not disabled.
fn enabled_administrators(conn: &mut AnyConnection) -> QueryResult<i64> {
    accounts::table
        .filter(accounts::role.eq(Role::Manager))
        .filter(accounts::administrator.eq(true))
        .filter(accounts::disabled_at.is_null())
        .count()
        .get_result(conn)
}

/// Makes every change of who is an administrator wait for any other, before it counts them:
/// two administrators demoting (or disabling) each other at the same moment would otherwise
/// both count two and leave none. On PostgreSQL a transaction-wide advisory lock (released
/// with the transaction); on SQLite the caller's `write_transaction` already holds the only
/// write lock (`BEGIN IMMEDIATE`), taken before anything is read.
fn lock_administrators(conn: &mut AnyConnection) -> QueryResult<()> {
    if let AnyConnection::Postgresql(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext('portal_administrators'))")
            .execute(pg)?;
    }
    Ok(())
}

/// Whether taking `id`'s administration away (demoting or disabling it) would leave no
/// enabled administrator. Called under `lock_administrators`.
fn is_last_administrator(conn: &mut AnyConnection, id: i64) -> QueryResult<bool> {
    let (administrator, disabled) = manager_standing(conn, id)?.unwrap_or((false, true));
    Ok(administrator && !disabled && enabled_administrators(conn)? <= 1)
}

/// Makes account manager `id` an administrator or a plain account manager. The last enabled
/// administrator stays one.
pub fn set_administrator_role(
    conn: &mut AnyConnection,
    actor: &crate::audit::Actor,
    id: i64,
    administrator: bool,
    now: chrono::NaiveDateTime,
) -> QueryResult<ManagerChange> {
    use crate::audit::{self, action};
    crate::db::write_transaction(conn, |conn| {
        lock_administrators(conn)?;
        let Some((before, _)) = manager_standing(conn, id)? else {
            return Ok(ManagerChange::NotFound);
        };
        if before == administrator {
            return Ok(ManagerChange::Unchanged);
        }
        if !administrator && is_last_administrator(conn, id)? {
            return Ok(ManagerChange::LastAdministrator);
        }
        set_administrator(conn, id, administrator)?;
        let entry = audit::Entry::new(action::ROLE_CHANGED, format!("account {id}"))
            .before(serde_json::json!({ "administrator": before }))
            .after(serde_json::json!({ "administrator": administrator }));
        audit::record(conn, actor, entry, now)?;
        Ok(ManagerChange::Changed)
    })
}

/// Disables (`disabled`) or enables account manager `id` again. A disabled manager cannot log
/// in, and every session it has ends at once, in the same transaction; the last enabled
/// administrator cannot be disabled.
pub fn set_manager_disabled(
    conn: &mut AnyConnection,
    actor: &crate::audit::Actor,
    id: i64,
    disabled: bool,
    now: chrono::NaiveDateTime,
) -> QueryResult<ManagerChange> {
    use crate::audit::{self, action};
    crate::db::write_transaction(conn, |conn| {
        lock_administrators(conn)?;
        let Some((administrator, before)) = manager_standing(conn, id)? else {
            return Ok(ManagerChange::NotFound);
        };
        if before == disabled {
            return Ok(ManagerChange::Unchanged);
        }
        if disabled && is_last_administrator(conn, id)? {
            return Ok(ManagerChange::LastAdministrator);
        }
        diesel::update(accounts::table.find(id))
            .set(accounts::disabled_at.eq(disabled.then_some(now)))
            .execute(conn)?;
        let ended = if disabled {
            crate::auth::session_store::end_other_sessions(conn, id, None)?
        } else {
            0
        };
        let code = if disabled {
            action::MANAGER_DISABLED
        } else {
            action::MANAGER_ENABLED
        };
        let mut after = serde_json::json!({ "disabled": disabled, "administrator": administrator });
        if disabled {
            after["sessions_ended"] = ended.into();
        }
        let entry = audit::Entry::new(code, format!("account {id}"))
            .before(serde_json::json!({ "disabled": before }))
            .after(after);
        audit::record(conn, actor, entry, now)?;
        Ok(ManagerChange::Changed)
    })
}

/// The account managers who may act now (activated, not disabled): (id, address), by address.
pub fn active_managers(conn: &mut AnyConnection) -> QueryResult<Vec<(i64, String)>> {
    accounts::table
        .filter(accounts::role.eq(Role::Manager))
        .filter(accounts::activated_at.is_not_null())
        .filter(accounts::disabled_at.is_null())
        .order(accounts::email)
        .select((accounts::id, accounts::email))
        .load(conn)
}

/// Account manager `email`'s id, for the command line.
pub fn manager_id_by_email(
    conn: &mut AnyConnection,
    email: &EmailAddress,
) -> QueryResult<Option<i64>> {
    accounts::table
        .filter(accounts::email.eq(email.as_str()))
        .filter(accounts::role.eq(Role::Manager))
        .select(accounts::id)
        .first(conn)
        .optional()
}
