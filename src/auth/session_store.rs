//! Sessions kept in the database, so every app instance sees them, a session can be renewed at
//! login, and changing a password can end the account's other sessions.
//!
//! The cookie holds a random 256-bit key; the table holds only its SHA-256 hash.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::AccountId;
use crate::db::schema::sessions;
use crate::db::Pool;

/// The session entry that names the logged-in account (a JSON number).
pub const ACCOUNT_KEY: &str = crate::web::session::SESSION_ACCOUNT;

#[derive(Clone)]
pub struct DbSessionStore {
    pool: Pool,
}

impl DbSessionStore {
    pub fn new(pool: Pool) -> Self {
        Self { pool }
    }
}

pub fn hash_key(key: &str) -> String {
    crate::tokens::sha256_hex(key)
}

fn expiry(ttl: &Duration) -> NaiveDateTime {
    crate::db::now() + chrono::Duration::seconds(ttl.whole_seconds())
}

fn account_of(state: &HashMap<String, String>) -> Option<AccountId> {
    state.get(ACCOUNT_KEY).and_then(|v| v.parse().ok())
}

/// A store error as the session middleware passes it on: marked `DatabaseUnavailable` when the
/// database could not be reached, and told to `web::database_outage` (which answers 503 instead
/// of 500) by `web::middleware::session_store_unavailable`.
fn unavailable_or(e: anyhow::Error) -> anyhow::Error {
    if crate::db::error_is_unavailable(&e) {
        tracing::warn!(error = %e, "the session store cannot reach the database");
        crate::web::middleware::session_store_unavailable();
        anyhow::Error::new(crate::db::DatabaseUnavailable)
    } else {
        e
    }
}

async fn blocking<T, F>(pool: &Pool, f: F) -> anyhow::Result<T>
where
    F: FnOnce(&mut crate::db::AnyConnection) -> anyhow::Result<T> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?
}

impl SessionStore for DbSessionStore {
    async fn load(
        &self,
        session_key: &SessionKey,
    ) -> Result<Option<HashMap<String, String>>, LoadError> {
        let key_hash = hash_key(session_key.as_ref());
        let row = blocking(&self.pool, move |conn| {
            Ok(sessions::table
                .filter(sessions::key_hash.eq(key_hash))
                .filter(sessions::expires_at.gt(crate::db::now()))
                .select(sessions::state)
                .first::<String>(conn)
                .optional()?)
        })
        .await
        .map_err(|e| LoadError::Other(unavailable_or(e)))?;
        match row {
            None => Ok(None),
            Some(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|e| LoadError::Deserialization(e.into())),
        }
    }

    async fn save(
        &self,
        session_state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, SaveError> {
        let state = serde_json::to_string(&session_state)
            .map_err(|e| SaveError::Serialization(e.into()))?;
        let key = crate::tokens::random_token();
        let key_hash = hash_key(&key);
        let account_id = account_of(&session_state);
        let expires_at = expiry(ttl);
        blocking(&self.pool, move |conn| {
            diesel::insert_into(sessions::table)
                .values((
                    sessions::key_hash.eq(key_hash),
                    sessions::account_id.eq(account_id),
                    sessions::state.eq(state),
                    sessions::expires_at.eq(expires_at),
                ))
                .execute(conn)?;
            Ok(())
        })
        .await
        .map_err(|e| SaveError::Other(unavailable_or(e)))?;
        SessionKey::try_from(key).map_err(|e| SaveError::Other(e.into()))
    }

    async fn update(
        &self,
        session_key: SessionKey,
        session_state: HashMap<String, String>,
        ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        let state = serde_json::to_string(&session_state)
            .map_err(|e| UpdateError::Serialization(e.into()))?;
        let key_hash = hash_key(session_key.as_ref());
        let account_id = account_of(&session_state);
        let expires_at = expiry(ttl);
        let updated = blocking(&self.pool, move |conn| {
            Ok(diesel::update(
                sessions::table
                    .filter(sessions::key_hash.eq(key_hash))
                    .filter(sessions::expires_at.gt(crate::db::now())),
            )
            .set((
                sessions::account_id.eq(account_id),
                sessions::state.eq(state),
                sessions::expires_at.eq(expires_at),
            ))
            .execute(conn)?)
        })
        .await
        .map_err(|e| UpdateError::Other(unavailable_or(e)))?;
        if updated == 1 {
            Ok(session_key)
        } else {
            // Deleted meanwhile (logged out, password changed, "log out everywhere else"): a
            // request that read it before must not bring it back under a new key. A new, empty
            // session starts instead — nothing of the old one, no login.
            self.save(HashMap::new(), ttl).await.map_err(|e| match e {
                SaveError::Serialization(e) => UpdateError::Serialization(e),
                SaveError::Other(e) => UpdateError::Other(e),
            })
        }
    }

    async fn update_ttl(&self, session_key: &SessionKey, ttl: &Duration) -> anyhow::Result<()> {
        let key_hash = hash_key(session_key.as_ref());
        let expires_at = expiry(ttl);
        blocking(&self.pool, move |conn| {
            diesel::update(sessions::table.filter(sessions::key_hash.eq(key_hash)))
                .set(sessions::expires_at.eq(expires_at))
                .execute(conn)?;
            Ok(())
        })
        .await
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        let key_hash = hash_key(session_key.as_ref());
        blocking(&self.pool, move |conn| {
            diesel::delete(sessions::table.filter(sessions::key_hash.eq(key_hash)))
                .execute(conn)?;
            Ok(())
        })
        .await
    }
}

/// Ends every session of `account_id` except the one whose key hashes to `keep` (if any).
pub fn end_other_sessions(
    conn: &mut crate::db::AnyConnection,
    account_id: AccountId,
    keep: Option<&str>,
) -> QueryResult<usize> {
    let mut query = diesel::delete(sessions::table)
        .filter(sessions::account_id.eq(account_id))
        .into_boxed();
    if let Some(keep) = keep {
        query = query.filter(sessions::key_hash.ne(keep.to_owned()));
    }
    query.execute(conn)
}

/// When each of the account's sessions ends if left idle, soonest first.
pub fn sessions_of(
    conn: &mut crate::db::AnyConnection,
    account_id: AccountId,
) -> QueryResult<Vec<NaiveDateTime>> {
    sessions::table
        .filter(sessions::account_id.eq(account_id))
        .filter(sessions::expires_at.gt(crate::db::now()))
        .order(sessions::expires_at)
        .select(sessions::expires_at)
        .load(conn)
}

/// Removes expired sessions; run now and then.
pub fn purge_expired(conn: &mut crate::db::AnyConnection) -> QueryResult<usize> {
    diesel::delete(sessions::table.filter(sessions::expires_at.le(crate::db::now()))).execute(conn)
}
