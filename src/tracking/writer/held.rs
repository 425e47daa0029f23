//! The connection a writer thread keeps.

use diesel::connection::SimpleConnection;

use crate::db::{AnyConnection, Pool};

/// How long a writer waits for a connection from the pool.
const CHECKOUT_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// A connection a writer thread keeps between batches (a pool checkout costs a validation
/// query), taken anew from the pool after a failure.
pub(super) struct HeldConnection {
    pub(super) pool: Pool,
    conn: Option<crate::db::PooledConnection>,
    /// Run on each connection taken, and its undoing when it goes back to the pool.
    pub(super) setup: Option<(&'static str, &'static str)>,
}

impl HeldConnection {
    pub(super) fn new(pool: Pool) -> HeldConnection {
        HeldConnection {
            pool,
            conn: None,
            setup: None,
        }
    }

    /// The held connection, or one from the pool — waiting at most `CHECKOUT_WAIT`: a writer
    /// that cannot get one soon has the database away, and spools instead of waiting.
    pub(super) fn get(&mut self) -> anyhow::Result<&mut AnyConnection> {
        if self.conn.is_none() {
            let mut conn = self.pool.get_timeout(CHECKOUT_WAIT)?;
            if let Some((setup, _)) = self.setup {
                conn.batch_execute(setup)?;
            }
            self.conn = Some(conn);
        }
        Ok(&mut **self.conn.as_mut().expect("connection just set"))
    }

    /// Whether a connection is held (a failure on it may be the connection's, worth one more
    /// try on a fresh one; without one, the pool had none to give).
    pub(super) fn is_held(&self) -> bool {
        self.conn.is_some()
    }

    /// Forgets a connection that failed; the next `get` takes a fresh one.
    pub(super) fn release(&mut self) {
        if let (Some(conn), Some((_, undo))) = (self.conn.as_mut(), self.setup) {
            if let Err(e) = conn.batch_execute(undo) {
                tracing::warn!(error = %e, "resetting a writer's connection failed");
            }
        }
        self.conn = None;
    }
}

impl Drop for HeldConnection {
    fn drop(&mut self) {
        self.release();
    }
}
