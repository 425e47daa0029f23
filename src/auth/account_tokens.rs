//! One-time links for activation and password reset: 256-bit random tokens, stored only as
//! SHA-256 hashes, single use, valid for 48 hours.

use diesel::prelude::*;

use crate::db::ids::AccountId;
use crate::db::schema::account_tokens;
use crate::db::AnyConnection;
use crate::tokens::{looks_like_token, random_token, sha256_hex};

pub const LIFETIME_HOURS: i64 = 48;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Activation,
    PasswordReset,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::Activation => "activation",
            Purpose::PasswordReset => "password_reset",
        }
    }
}

/// Why a link does not work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenProblem {
    /// Never issued (or mistyped).
    Unknown,
    /// Already used once.
    Used,
    /// Older than 48 hours.
    Expired,
}

/// A new token for `account_id`; earlier unused tokens of the same purpose stop working.
pub fn issue(
    conn: &mut AnyConnection,
    account_id: AccountId,
    purpose: Purpose,
) -> QueryResult<String> {
    let now = crate::db::now();
    diesel::update(
        account_tokens::table
            .filter(account_tokens::account_id.eq(account_id))
            .filter(account_tokens::purpose.eq(purpose.as_str()))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(Some(now)))
    .execute(conn)?;
    let token = random_token();
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::account_id.eq(account_id),
            account_tokens::purpose.eq(purpose.as_str()),
            account_tokens::token_hash.eq(sha256_hex(&token)),
            account_tokens::created_at.eq(now),
            account_tokens::expires_at.eq(now + chrono::Duration::hours(LIFETIME_HOURS)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The account a still-valid token belongs to, without using it up.
pub fn check(
    conn: &mut AnyConnection,
    token: &str,
    purpose: Purpose,
) -> QueryResult<Result<(i64, AccountId), TokenProblem>> {
    if !looks_like_token(token) {
        return Ok(Err(TokenProblem::Unknown));
    }
    let row: Option<(
        i64,
        AccountId,
        chrono::NaiveDateTime,
        Option<chrono::NaiveDateTime>,
    )> = account_tokens::table
        .filter(account_tokens::token_hash.eq(sha256_hex(token)))
        .filter(account_tokens::purpose.eq(purpose.as_str()))
        .select((
            account_tokens::id,
            account_tokens::account_id,
            account_tokens::expires_at,
            account_tokens::used_at,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        None => Err(TokenProblem::Unknown),
        Some((_, _, _, Some(_))) => Err(TokenProblem::Used),
        Some((_, _, expires_at, None)) if expires_at <= crate::db::now() => {
            Err(TokenProblem::Expired)
        }
        Some((id, account_id, _, None)) => Ok((id, account_id)),
    })
}

/// Uses the token up; returns its account. Only one of two concurrent uses succeeds.
pub fn consume(
    conn: &mut AnyConnection,
    token: &str,
    purpose: Purpose,
) -> QueryResult<Result<AccountId, TokenProblem>> {
    let (id, account_id) = match check(conn, token, purpose)? {
        Ok(found) => found,
        Err(problem) => return Ok(Err(problem)),
    };
    let used = diesel::update(
        account_tokens::table
            .filter(account_tokens::id.eq(id))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(Some(crate::db::now())))
    .execute(conn)?;
    Ok(if used == 1 {
        Ok(account_id)
    } else {
        Err(TokenProblem::Used)
    })
}

/// The account a token was issued to, valid or not: to answer in the account's language.
pub fn owner(conn: &mut AnyConnection, token: &str) -> QueryResult<Option<AccountId>> {
    if !looks_like_token(token) {
        return Ok(None);
    }
    account_tokens::table
        .filter(account_tokens::token_hash.eq(sha256_hex(token)))
        .select(account_tokens::account_id)
        .first(conn)
        .optional()
}
