//! The click writer: stores clicks in batches (group commit) before their redirects are sent.
//!
//! Handlers send a click and wait. One judge thread takes the first waiting click, drains
//! whatever else is queued already (no timer), resolves the links and judges the clicks
//! (abnormal-click memory needs one place that sees every click in order), and passes the
//! batch to a committer. A committer inserts the batch (merged with any other waiting batch) in
//! one transaction and answers every waiting handler only once the commit is on disk; a
//! handler answers 302 only after its answer, so an acknowledged click survives a crash of
//! the portal and a power cut alike. PostgreSQL has several committer threads, so one batch is
//! inserted while another waits for its WAL flush. On SQLite the judge is its own committer
//! and a sync thread flushes the WAL after its commits (see `storage::sqlite`), so there too the
//! next batch is stored while the last one reaches the disk. When the
//! server stops, the handlers in flight are still answered: the judge ends when the last sender
//! is gone and the queue is empty, and the committers when they have stored what they hold.

mod click_ids;
mod held;
mod judge;
mod link_cache;
mod row;
mod spool;
mod storage;
mod texts;

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

use super::link::LinkParams;
use crate::config::{ClickDurability, DatabaseKind};
use crate::db::Pool;
use crate::state::CreditingChanges;
use judge::Judge;
pub use link_cache::{read_link, LinkCache, LinkInfo, Unread};
use row::ClickRow;

/// At most this many clicks are judged together (a commit may merge waiting batches).
const MAX_BATCH: usize = 1000;
/// Transactions in flight at once on PostgreSQL: while one waits for its WAL flush, the next
/// batch is inserted already. More committers made smaller batches and cost the server more
/// per click than they saved (measured: 1 → 15.8k, 2 → 18.3k, 3 → 16.0k clicks/s). SQLite has
/// one write lock, so it gets one committer.
const POSTGRES_COMMITTERS: usize = 2;
/// What the writer knows about programmes and links is looked up again after this long, so
/// changes made through another app instance apply within it; changes made through this
/// instance apply at once (see `CreditingChanges`).
const CACHE_TTL: Duration = Duration::from_secs(2);
/// After the database failed, the writer does not try it again for this long: clicks are
/// judged from what it knows (however old) and go to the spool, instead of each waiting for the
/// pool's time-out.
const DOWN_PAUSE: Duration = Duration::from_secs(5);

/// A writer thread's rest from the database: `DOWN_PAUSE` from its last failure.
#[derive(Default)]
struct Rest(Option<std::time::Instant>);

impl Rest {
    fn resting(&self) -> bool {
        self.0
            .is_some_and(|until| std::time::Instant::now() < until)
    }

    /// The database failed: rest from now on.
    fn begin(&mut self) {
        self.0 = Some(std::time::Instant::now() + DOWN_PAUSE);
    }

    fn end(&mut self) {
        self.0 = None;
    }
}

/// A click as the handler saw it.
#[derive(Debug, Clone)]
pub struct ClickDraft {
    pub params: LinkParams,
    /// When the click arrived, in milliseconds since 1970 (UTC).
    pub at_ms: i64,
    pub ip_hash: [u8; 16],
    /// Identifies the visitor (IP hash and user agent) for duplicate and velocity checks.
    pub visitor: u64,
    /// Identifies the address whatever the user agent (IPv6 by its /64), for the per-address
    /// velocity check.
    pub address: u64,
    pub user_agent: String,
    pub referrer: Option<String>,
    pub is_bot: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClickOutcome {
    /// Stored; send the visitor here.
    Redirect(String),
    /// No such programme or channel, or a deep URL the programme does not accept: nothing stored.
    Unknown,
}

pub struct ClickJob {
    pub draft: ClickDraft,
    pub reply: oneshot::Sender<Result<ClickOutcome, String>>,
}

/// The handle the app keeps: where to send clicks.
#[derive(Clone)]
pub struct ClickQueue {
    sender: mpsc::Sender<ClickJob>,
}

impl ClickQueue {
    /// Queues a click and waits until it is stored (or refused).
    pub async fn record(&self, draft: ClickDraft) -> Result<ClickOutcome, String> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send(ClickJob { draft, reply })
            .await
            .map_err(|_| WRITER_STOPPED.to_owned())?;
        answer
            .await
            .map_err(|_| "the click writer dropped the click".to_owned())?
    }

    /// A queue no writer reads, for unit tests.
    #[doc(hidden)]
    pub fn detached() -> (ClickQueue, mpsc::Receiver<ClickJob>) {
        let (sender, receiver) = mpsc::channel(1);
        (ClickQueue { sender }, receiver)
    }
}

/// Starts the writer thread. It ends when every `ClickQueue` clone is dropped and the queue
/// is drained; join the handle to wait for that. With `spool_dir`, clicks the database does
/// not take are kept there (see `spool`); without, they are refused.
pub fn start(
    pool: Pool,
    kind: DatabaseKind,
    velocity_limit: u32,
    crediting: CreditingChanges,
    spool_dir: Option<&std::path::Path>,
    durability: ClickDurability,
) -> std::io::Result<(ClickQueue, std::thread::JoinHandle<()>)> {
    let (sender, receiver) = mpsc::channel(8192);
    let spool = spool_dir.map(spool::Spool::open).transpose()?;
    let judge = Judge::new(pool, kind, velocity_limit, crediting, spool).durable(durability);
    let handle = std::thread::Builder::new()
        .name("click-writer".into())
        .spawn(move || judge.run(receiver))?;
    Ok((ClickQueue { sender }, handle))
}

/// Judged clicks on their way to the database, with the answers to send once they are stored.
struct Batch {
    rows: Vec<ClickRow>,
    replies: Replies,
}

impl Batch {
    fn merge(&mut self, more: Batch) {
        self.rows.extend(more.rows);
        self.replies.extend(more.replies);
    }
}

type Replies = Vec<(oneshot::Sender<Result<ClickOutcome, String>>, ClickOutcome)>;

fn answer(replies: Replies) {
    for (reply, outcome) in replies {
        let _ = reply.send(Ok(outcome));
    }
}

/// Tells every waiting handler that its click was not stored, and why.
fn refuse(replies: Replies, why: &str) {
    for (reply, _) in replies {
        let _ = reply.send(Err(why.to_owned()));
    }
}

const WRITER_STOPPED: &str = "the click writer has stopped";

/// Helpers for the writer's unit tests.
#[cfg(test)]
mod test_support {
    use crate::db::Pool;

    /// The settings of a fresh SQLite file in `dir`.
    pub fn sqlite_settings(dir: &tempfile::TempDir) -> crate::config::DatabaseSettings {
        let url = format!("sqlite://{}", dir.path().join("portal.db").display());
        crate::config::DatabaseSettings::parse(&url).unwrap()
    }

    /// A pool on a fresh SQLite file, with the portal's connection settings.
    pub fn sqlite_pool(dir: &tempfile::TempDir) -> Pool {
        crate::db::connect(&sqlite_settings(dir)).unwrap()
    }
}
