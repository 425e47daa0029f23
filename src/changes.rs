//! What one instance changes that every instance keeps in memory (issue 24): the programme's
//! data (texts, rates, policies, contacts and with them the footer, rules versions) and the
//! decisions that change which clicks are credited. The instance that made a change forgets
//! what it kept at once; on PostgreSQL it also announces the change with
//! `NOTIFY portal_changes`, and every instance listens (`listen`) and forgets what it kept
//! within a tenth of a second of the commit. SQLite serves one instance: nobody to tell.

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::Text;

use crate::config::{DatabaseKind, DatabaseSettings};
use crate::db::AnyConnection;

/// PostgreSQL's channel for the announcements.
pub const CHANNEL: &str = "portal_changes";

/// How often the listener looks for what arrived (reading the socket without waiting).
const LOOK_EVERY: Duration = Duration::from_millis(100);

/// A change that other instances must hear of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The programme's data: its pages (and the footer's contact) are read again.
    Programme,
    /// Whether clicks are credited: the click writer forgets what it knew of links.
    Crediting,
}

impl Change {
    const ALL: [Change; 2] = [Change::Programme, Change::Crediting];

    fn as_str(self) -> &'static str {
        match self {
            Change::Programme => "programme",
            Change::Crediting => "crediting",
        }
    }

    fn parse(payload: &str) -> Option<Change> {
        Change::ALL.into_iter().find(|c| c.as_str() == payload)
    }
}

/// Announces `change` to every instance: inside a transaction when it commits, else at once.
/// Nothing on SQLite.
pub fn announce(conn: &mut AnyConnection, change: Change) -> QueryResult<()> {
    let AnyConnection::Postgresql(pg) = conn else {
        return Ok(());
    };
    diesel::sql_query("SELECT pg_notify($1, $2)")
        .bind::<Text, _>(CHANNEL)
        .bind::<Text, _>(change.as_str())
        .execute(pg)?;
    Ok(())
}

/// Listens for the changes any instance announces (this one's too) and calls `heard` for each,
/// until the task is dropped. Each time it has connected (at start too: the instance read what
/// it keeps before) it calls `heard` with `Programme`, since what was announced while nobody
/// listened is not known (the footer's contact is kept without an end). Not with `Crediting`:
/// the click writer keeps a link 2 s at most anyway, and through an outage it keeps serving
/// what it knew — forgetting it on reconnecting would answer clicks 503 while the database is
/// still coming back. Returns at once on SQLite.
pub async fn listen(database: DatabaseSettings, heard: impl Fn(Change) + Send + Sync + 'static) {
    if database.kind != DatabaseKind::Postgres {
        return;
    }
    loop {
        let url = database.url.clone();
        let connected = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let mut conn = diesel::PgConnection::establish(&url)?;
            diesel::sql_query(format!("LISTEN {CHANNEL}")).execute(&mut conn)?;
            Ok(conn)
        })
        .await;
        let mut conn = match connected {
            Ok(Ok(conn)) => conn,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "cannot listen for other instances' changes");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
            Err(_) => return,
        };
        heard(Change::Programme);
        // Reading what arrived never waits (libpq's PQconsumeInput), so it runs on this task.
        'connected: loop {
            tokio::time::sleep(LOOK_EVERY).await;
            for notification in conn.notifications_iter() {
                match notification {
                    Ok(n) => match Change::parse(&n.payload) {
                        Some(change) => heard(change),
                        None => tracing::warn!(payload = %n.payload, "unknown change announced"),
                    },
                    Err(e) => {
                        tracing::warn!(error = %e, "lost the connection that listens for changes");
                        break 'connected;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_is_read_back_from_its_name_and_nothing_else_is() {
        for change in Change::ALL {
            assert_eq!(Change::parse(change.as_str()), Some(change));
        }
        assert_eq!(Change::parse("rates"), None);
    }
}
