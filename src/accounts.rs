//! Accounts: who can log in. `portal admin create` makes account managers here; whether a
//! manager is disabled or an administrator is changed, with its audit line and never leaving
//! the portal without an administrator, in `admin::managers`.

use diesel::prelude::*;

use crate::db::ids::AccountId;
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
) -> Result<AccountId, CreateError> {
    let new = NewAccount {
        email,
        password_hash,
        role: Role::Manager,
        lang,
        active: true,
    };
    let result = insert(conn, &new, crate::db::now());
    crate::db::on_unique_violation(result, || Err(CreateError::Exists(email.to_string())))
}

/// An account to create: a manager, or a participant's login.
pub struct NewAccount<'a> {
    pub email: &'a EmailAddress,
    pub password_hash: &'a str,
    pub role: Role,
    pub lang: Lang,
    /// Active from its creation (else from when its activation link is used).
    pub active: bool,
}

/// Inserts the account `new`, created at `now`; a unique violation when the address has one.
pub fn insert(
    conn: &mut AnyConnection,
    new: &NewAccount<'_>,
    now: chrono::NaiveDateTime,
) -> QueryResult<AccountId> {
    diesel::insert_into(accounts::table)
        .values((
            accounts::email.eq(new.email.as_str()),
            accounts::password_hash.eq(new.password_hash),
            accounts::role.eq(new.role),
            accounts::lang.eq(new.lang.code()),
            accounts::created_at.eq(now),
            accounts::activated_at.eq(new.active.then_some(now)),
        ))
        .returning(accounts::id)
        .get_result(conn)
}

/// An account as login and the account pages need it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub id: AccountId,
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

impl Account {
    /// Who acts in the audit log: this account, from the address with this keyed hash.
    pub fn actor(&self, ip_hash: &[u8; 16]) -> crate::audit::Actor {
        crate::audit::Actor::account(self.id, &self.email, ip_hash)
    }

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
        .select(Account::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut AnyConnection, id: AccountId) -> QueryResult<Option<Account>> {
    accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .optional()
}

pub fn set_administrator(
    conn: &mut AnyConnection,
    id: AccountId,
    administrator: bool,
) -> QueryResult<usize> {
    diesel::update(accounts::table.find(id))
        .set(accounts::administrator.eq(administrator))
        .execute(conn)
}

pub fn activate(conn: &mut AnyConnection, id: AccountId) -> QueryResult<usize> {
    diesel::update(
        accounts::table
            .find(id)
            .filter(accounts::activated_at.is_null()),
    )
    .set(accounts::activated_at.eq(Some(crate::db::now())))
    .execute(conn)
}

pub fn set_password_hash(
    conn: &mut AnyConnection,
    id: AccountId,
    hash: &str,
) -> QueryResult<usize> {
    diesel::update(accounts::table.find(id))
        .set(accounts::password_hash.eq(hash))
        .execute(conn)
}

/// Notes that `account_id` logged in from the address with this keyed hash (the click log's
/// hash): a conversion whose click came from there is held as possible self-purchase (E.10.j).
pub fn record_login_address(
    conn: &mut AnyConnection,
    account_id: AccountId,
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
    // Another login from the same address stored it a moment ago.
    crate::db::on_unique_violation(inserted.map(|_| ()), || Ok(()))
}

/// Whether account `id` logs in with a second factor (`auth::second_factor`; an enrolment begun
/// but not confirmed does not count). Here, below the login's code, since the extractors ask it
/// on every request.
pub fn has_second_factor(conn: &mut AnyConnection, id: AccountId) -> QueryResult<bool> {
    use crate::db::schema::second_factors;
    let enabled: i64 = second_factors::table
        .filter(second_factors::account_id.eq(id))
        .filter(second_factors::enabled_at.is_not_null())
        .count()
        .get_result(conn)?;
    Ok(enabled > 0)
}

/// The account managers who may act now (activated, not disabled): (id, address), by address.
pub fn active_managers(conn: &mut AnyConnection) -> QueryResult<Vec<(AccountId, String)>> {
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
) -> QueryResult<Option<AccountId>> {
    let account = find_by_email(conn, email)?;
    Ok(account.filter(Account::is_manager).map(|a| a.id))
}
