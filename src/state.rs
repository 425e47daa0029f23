//! What every handler may reach: the application's state, shared by all workers of this instance.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::config::Settings;
use crate::db::Pool;
use crate::mail::MailSender;

/// Counts the changes that decide whether clicks are credited (a review decision, a changed
/// channel, a measure, an objection upheld, a reinstatement). The click writer compares it with
/// the count it last saw and then forgets what it knows of links. A decision returns whether it
/// changed crediting and its caller tells this once the decision is committed — never inside a
/// transaction: a click judged between the signal and the commit would read the old state and
/// keep it as new.
#[derive(Clone, Default)]
pub struct CreditingChanges(Arc<AtomicU64>);

impl CreditingChanges {
    pub fn changed(&self) {
        self.0.fetch_add(1, Ordering::Release);
    }

    pub fn count(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }
}

/// The footer's contact (the publisher team's name and address), as last read.
#[derive(Default)]
pub struct FooterContact(std::sync::RwLock<Option<(String, Option<String>)>>);

impl FooterContact {
    pub fn new(contact: Option<(String, Option<String>)>) -> FooterContact {
        FooterContact(std::sync::RwLock::new(contact))
    }

    pub fn get(&self) -> Option<(String, Option<String>)> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn set(&self, contact: Option<(String, Option<String>)>) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = contact;
    }
}

pub struct AppState {
    pub pool: Pool,
    pub settings: Settings,
    pub mailer: MailSender,
    /// The publisher team's name and address for the footer: read at start, and again when the
    /// programme changes (`changes`).
    pub footer_contact: FooterContact,
    /// Told of every change that decides whether clicks are credited; the click writer
    /// forgets what it cached when it moves.
    pub crediting: CreditingChanges,
    /// Threads with a lower CPU priority for statistics.
    pub reports: crate::db::reports::Reports,
    /// Hashes addresses as the click log does (for where participants log in from).
    pub ip_hasher: crate::ip_hash::IpHasher,
}

impl AppState {
    /// After a change that credits clicks otherwise has committed: this instance's click writer
    /// forgets what it knew of links, and so do the other instances' (`announce`).
    pub async fn crediting_changed(&self) {
        self.crediting.changed();
        self.announce(crate::changes::Change::Crediting).await;
    }

    /// Tells every instance of `change` (PostgreSQL's `NOTIFY`, see `changes`), once this one has
    /// forgotten what it kept. An announcement that fails is logged: the others read the
    /// programme again within `programme::cache::FRESH_FOR`, and links within the click writer's
    /// 2 s. On SQLite (one instance) there is nobody to tell: no connection is taken.
    pub async fn announce(&self, change: crate::changes::Change) {
        if self.settings.database.kind != crate::config::DatabaseKind::Postgres {
            return;
        }
        let pool = self.pool.clone();
        let sent = actix_web::web::block(move || -> anyhow::Result<()> {
            Ok(crate::changes::announce(&mut *pool.get()?, change)?)
        })
        .await;
        match sent {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, ?change, "cannot tell the other instances"),
            Err(e) => tracing::warn!(error = %e, ?change, "cannot tell the other instances"),
        }
    }
}
