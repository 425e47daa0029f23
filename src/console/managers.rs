//! Account managers who leave and who is an administrator: an administrator in the console (or
//! `portal admin disable`/`enable` on the server) disables a manager, which ends the manager's
//! sessions at once, or enables one again, and makes a manager an administrator or not. The
//! portal never ends up without an enabled administrator: each change counts them under a lock.
//! Every change leaves an audit line.

use diesel::prelude::*;

use serde_json::json;

use crate::audit::{self, action};
use crate::db::ids::AccountId;
use crate::db::schema::accounts;
use crate::db::AnyConnection;
use crate::domain::{EmailAddress, Password};
use crate::forms::{FormData, FormState};
use crate::i18n::Lang;
use crate::participants::Role;

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
fn manager_standing(conn: &mut AnyConnection, id: AccountId) -> QueryResult<Option<(bool, bool)>> {
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
fn is_last_administrator(conn: &mut AnyConnection, id: AccountId) -> QueryResult<bool> {
    let (administrator, disabled) = manager_standing(conn, id)?.unwrap_or((false, true));
    Ok(administrator && !disabled && enabled_administrators(conn)? <= 1)
}

/// What an administrator changes of an account manager: its role (administrator or not) or its
/// access (disabled or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Administrator(bool),
    Disabled(bool),
}

impl Change {
    /// The change a form asks for: its `role` (`administrator` or `manager`) or its `access`
    /// (`disable` or `enable`), as `field` names.
    pub fn from_form(field: &str, data: &FormData) -> Option<Change> {
        match (field, data.get(field)) {
            ("role", "administrator") => Some(Change::Administrator(true)),
            ("role", "manager") => Some(Change::Administrator(false)),
            ("access", "disable") => Some(Change::Disabled(true)),
            ("access", "enable") => Some(Change::Disabled(false)),
            _ => None,
        }
    }

    /// The notices of the page the administrator goes back to: done, and refused because the
    /// account is the last enabled administrator.
    pub fn notices(self) -> (&'static str, &'static str) {
        match self {
            Change::Administrator(_) => ("role-changed", "role-last-administrator"),
            Change::Disabled(true) => ("manager-disabled", "access-last-administrator"),
            Change::Disabled(false) => ("manager-enabled", "access-last-administrator"),
        }
    }

    /// Whether it takes administration away (demoting or disabling).
    fn takes_administration_away(self) -> bool {
        matches!(self, Change::Administrator(false) | Change::Disabled(true))
    }
}

/// Changes account manager `id`'s role or access, with its audit line. The last enabled
/// administrator stays one and stays enabled. A disabled manager cannot log in, and every
/// session it has ends at once, in the same transaction.
pub fn change(
    conn: &mut AnyConnection,
    actor: &audit::Actor,
    id: AccountId,
    change: Change,
    now: chrono::NaiveDateTime,
) -> QueryResult<ManagerChange> {
    crate::db::write_transaction(conn, |conn| {
        lock_administrators(conn)?;
        let Some((administrator, disabled)) = manager_standing(conn, id)? else {
            return Ok(ManagerChange::NotFound);
        };
        if change == Change::Administrator(administrator) || change == Change::Disabled(disabled) {
            return Ok(ManagerChange::Unchanged);
        }
        if change.takes_administration_away() && is_last_administrator(conn, id)? {
            return Ok(ManagerChange::LastAdministrator);
        }
        let entry = match change {
            Change::Administrator(to) => {
                crate::accounts::set_administrator(conn, id, to)?;
                audit::Entry::new(action::ROLE_CHANGED, format!("account {id}"))
                    .before(json!({ "administrator": administrator }))
                    .after(json!({ "administrator": to }))
            }
            Change::Disabled(to) => {
                diesel::update(accounts::table.find(id))
                    .set(accounts::disabled_at.eq(to.then_some(now)))
                    .execute(conn)?;
                let code = if to {
                    action::MANAGER_DISABLED
                } else {
                    action::MANAGER_ENABLED
                };
                let mut after = json!({ "disabled": to, "administrator": administrator });
                if to {
                    let ended = crate::auth::session_store::end_other_sessions(conn, id, None)?;
                    after["sessions_ended"] = ended.into();
                }
                audit::Entry::new(code, format!("account {id}"))
                    .before(json!({ "disabled": disabled }))
                    .after(after)
            }
        };
        audit::record(conn, actor, entry, now)?;
        Ok(ManagerChange::Changed)
    })
}

/// An account manager as the console lists it.
#[derive(Debug, Clone, Queryable)]
pub struct ManagerLine {
    pub id: AccountId,
    pub email: String,
    pub administrator: bool,
    pub created_at: chrono::NaiveDateTime,
    pub disabled_at: Option<chrono::NaiveDateTime>,
}

/// Every account manager, by address.
pub fn all(conn: &mut AnyConnection) -> QueryResult<Vec<ManagerLine>> {
    accounts::table
        .filter(accounts::role.eq(Role::Manager))
        .order(accounts::email)
        .select((
            accounts::id,
            accounts::email,
            accounts::administrator,
            accounts::created_at,
            accounts::disabled_at,
        ))
        .load(conn)
}

/// A new account manager as an administrator types it: `email`, `lang`, `administrator` (`yes`).
pub struct NewManager {
    pub email: EmailAddress,
    pub lang: Lang,
    pub administrator: bool,
}

fn manager_form(data: &FormData) -> FormState {
    let mut form = FormState::new();
    for f in ["email", "lang", "administrator"] {
        form.set(f, data.get(f));
    }
    form
}

impl NewManager {
    /// Reads the form; the form with its errors (and what was typed) otherwise.
    pub fn from_form(data: &FormData, lang: Lang) -> Result<NewManager, FormState> {
        let mut form = manager_form(data);
        let email = match EmailAddress::parse(data.get("email")) {
            Ok(e) => Some(e),
            Err(e) => {
                form.fail(lang, "email", e.message_key());
                None
            }
        };
        let chosen = Lang::from_code(data.get("lang"));
        if chosen.is_none() {
            form.fail(lang, "lang", "error-manager-lang");
        }
        let (Some(email), Some(chosen)) = (email, chosen) else {
            return Err(form);
        };
        Ok(NewManager {
            email,
            lang: chosen,
            administrator: data.get("administrator") == "yes",
        })
    }

    /// The form again, as typed, when an account has that address already (`create` said None).
    pub fn refused(data: &FormData, lang: Lang) -> FormState {
        let mut form = manager_form(data);
        form.fail(lang, "email", "error-manager-exists");
        form
    }
}

/// Creates the account manager, with its audit line, and an unusable password until the new
/// manager chooses one with the mailed link. Its id; None when an account has the address.
pub fn create(
    conn: &mut AnyConnection,
    actor: &audit::Actor,
    new: &NewManager,
    now: chrono::NaiveDateTime,
) -> QueryResult<Option<AccountId>> {
    let placeholder = Password::random_hash();
    crate::db::write_transaction(conn, |conn| {
        let id = match crate::accounts::create_manager(conn, &new.email, &placeholder, new.lang) {
            Ok(id) => id,
            Err(crate::accounts::CreateError::Exists(_)) => return Ok(None),
            Err(crate::accounts::CreateError::Database(e)) => return Err(e),
        };
        diesel::update(accounts::table.find(id))
            .set(accounts::administrator.eq(new.administrator))
            .execute(conn)?;
        let entry = audit::Entry::new(action::MANAGER_CREATED, format!("account {id}"))
            .after(json!({ "email": new.email.as_str(), "administrator": new.administrator }));
        audit::record(conn, actor, entry, now)?;
        Ok(Some(id))
    })
}
