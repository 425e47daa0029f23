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
//! and a sync thread flushes the WAL after its commits (see `WalSyncer`), so there too the
//! next batch is stored while the last one reaches the disk. When the
//! server stops, the handlers in flight are still answered: the judge ends when the last sender
//! is gone and the queue is empty, and the committers when they have stored what they hold.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use tokio::sync::{mpsc, oneshot};

use super::abnormal::{Detector, NotCredited};
use super::link::{with_click_id, DeeplinkPolicy, LinkParams};
use crate::config::DatabaseKind;
use crate::db::schema::{
    channels, clicks, memberships, participants, programme_domains, programme_policies, programmes,
    referrers, user_agents,
};
use crate::db::{AnyConnection, Pool};

/// At most this many clicks are judged together (a commit may merge waiting batches).
const MAX_BATCH: usize = 1000;
/// Transactions in flight at once on PostgreSQL: while one waits for its WAL flush, the next
/// batch is inserted already. More committers made smaller batches and cost the server more
/// per click than they saved (measured: 1 → 15.8k, 2 → 18.3k, 3 → 16.0k clicks/s). SQLite has
/// one write lock, so it gets one committer.
const POSTGRES_COMMITTERS: usize = 2;
/// What the writer knows about programmes and links is looked up again after this long, so
/// changes made through another app instance apply within it; changes made through this
/// instance apply at once (see `Tracking::changed`).
const CACHE_TTL: Duration = Duration::from_secs(2);

/// A click as the handler saw it.
#[derive(Debug, Clone)]
pub struct ClickDraft {
    pub params: LinkParams,
    /// When the click arrived, in milliseconds since 1970 (UTC).
    pub at_ms: i64,
    pub ip_hash: [u8; 16],
    /// Identifies the visitor (IP hash and user agent) for duplicate and velocity checks.
    pub visitor: u64,
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

/// The handle the app keeps: where to send clicks, and a counter that tells the writer to
/// forget what it cached after a channel, membership or participant changed.
#[derive(Clone)]
pub struct ClickQueue {
    sender: mpsc::Sender<ClickJob>,
    generation: Arc<AtomicU64>,
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
        let generation = Arc::new(AtomicU64::new(0));
        (ClickQueue { sender, generation }, receiver)
    }

    /// Call after changing anything that decides whether clicks are credited.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::Release);
    }
}

/// Starts the writer thread. It ends when every `ClickQueue` clone is dropped and the queue
/// is drained; join the handle to wait for that.
pub fn start(
    pool: Pool,
    kind: DatabaseKind,
    velocity_limit: u32,
) -> std::io::Result<(ClickQueue, std::thread::JoinHandle<()>)> {
    let (sender, receiver) = mpsc::channel(8192);
    let generation = Arc::new(AtomicU64::new(0));
    let writer = Writer {
        db: HeldConnection::new(pool),
        kind,
        detector: Detector::new(velocity_limit),
        generation: generation.clone(),
        seen_generation: 0,
        programmes: HashMap::new(),
        links: HashMap::new(),
        click_ids: ClickIds::default(),
    };
    let handle = std::thread::Builder::new()
        .name("click-writer".into())
        .spawn(move || writer.run(receiver))?;
    Ok((ClickQueue { sender, generation }, handle))
}

/// What the writer caches about a programme; shared (`Arc`) so a click copies nothing of it.
struct ProgrammeInfo {
    landing: url::Url,
    /// The landing URL with the click id parameter started: append the id and it is done
    /// (`None` when the URL has a fragment, which must stay last).
    landing_prefix: Option<String>,
    deeplinks: DeeplinkPolicy,
}

impl ProgrammeInfo {
    /// The landing page with `click_id` appended.
    fn landing_with(&self, click_id: &str) -> String {
        match &self.landing_prefix {
            Some(prefix) => {
                let mut location = String::with_capacity(prefix.len() + click_id.len());
                location.push_str(prefix);
                location.push_str(click_id);
                location
            }
            None => with_click_id(&self.landing, click_id),
        }
    }
}

#[derive(Clone, Copy)]
struct LinkInfo {
    participant_id: i64,
    /// Why clicks on this link are not credited whatever the visitor does.
    not_credited: Option<NotCredited>,
}

struct Writer {
    db: HeldConnection,
    kind: DatabaseKind,
    detector: Detector,
    generation: Arc<AtomicU64>,
    seen_generation: u64,
    programmes: HashMap<i64, (Instant, Option<Arc<ProgrammeInfo>>)>,
    links: HashMap<(i64, i64), (Instant, Option<LinkInfo>)>,
    click_ids: ClickIds,
}

/// A judged click, as it will be stored.
struct ClickRow {
    click_id: [u8; 16],
    /// Milliseconds since 1970 (UTC).
    clicked_at: i64,
    /// Days since 1970-01-01 (UTC), what the statistics group by.
    day: i32,
    programme_id: i64,
    channel_id: i64,
    participant_id: i64,
    ad_id: Option<i64>,
    epi: Option<String>,
    ip_hash: [u8; 16],
    user_agent: String,
    referrer: Option<String>,
    credited: bool,
    reason: Option<&'static str>,
}

/// A `ClickRow` borrowed for diesel.
#[derive(Insertable)]
#[diesel(table_name = clicks, treat_none_as_default_value = false)]
struct NewClick<'a> {
    click_id: &'a [u8],
    clicked_at: i64,
    day: i32,
    programme_id: i64,
    channel_id: i64,
    participant_id: i64,
    ad_id: Option<i64>,
    epi: Option<&'a str>,
    ip_hash: &'a [u8],
    user_agent_id: i64,
    referrer_id: Option<i64>,
    credited: bool,
    reason: Option<&'static str>,
}

impl<'a> NewClick<'a> {
    fn new(row: &'a ClickRow, (user_agent_id, referrer_id): TextIds) -> NewClick<'a> {
        NewClick {
            click_id: &row.click_id,
            clicked_at: row.clicked_at,
            day: row.day,
            programme_id: row.programme_id,
            channel_id: row.channel_id,
            participant_id: row.participant_id,
            ad_id: row.ad_id,
            epi: row.epi.as_deref(),
            ip_hash: &row.ip_hash,
            user_agent_id,
            referrer_id,
            credited: row.credited,
            reason: row.reason,
        }
    }
}

impl Writer {
    fn run(mut self, mut receiver: mpsc::Receiver<ClickJob>) {
        let mut storage = match self.kind {
            DatabaseKind::Sqlite => Storage::sqlite(&mut self.db),
            DatabaseKind::Postgres => Storage::threads(&self.db.pool, POSTGRES_COMMITTERS),
        };
        let mut jobs = Vec::with_capacity(MAX_BATCH);
        while let Some(first) = receiver.blocking_recv() {
            jobs.push(first);
            while jobs.len() < MAX_BATCH {
                match receiver.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            if let Some(batch) = self.judge_all(&mut jobs) {
                storage.store(batch);
            }
        }
        // Every handle is gone and the queue is empty: let the committers finish what they hold.
        let (clicks, commits) = storage.finish();
        tracing::info!(
            clicks,
            commits,
            "click writer stopped: every click is stored"
        );
    }

    /// Resolves and judges the clicks. Clicks on unknown links are answered at once; the others
    /// come back as rows to store, with their answers. A lookup that fails (a broken
    /// connection) is tried once more on a fresh connection before the clicks are refused.
    fn judge_all(&mut self, jobs: &mut Vec<ClickJob>) -> Option<Batch> {
        let resolved = match self.resolve_all(jobs) {
            Ok(resolved) => resolved,
            Err(first) => {
                tracing::warn!(error = %first, "looking up links failed, trying again");
                self.db.release();
                match self.resolve_all(jobs) {
                    Ok(resolved) => resolved,
                    Err(e) => {
                        tracing::error!(error = %e, clicks = jobs.len(), "looking up links failed");
                        self.db.release();
                        for job in jobs.drain(..) {
                            let _ = job.reply.send(Err(e.to_string()));
                        }
                        return None;
                    }
                }
            }
        };
        let mut batch = Batch {
            rows: Vec::with_capacity(jobs.len()),
            replies: Vec::with_capacity(jobs.len()),
        };
        for (job, found) in jobs.drain(..).zip(resolved) {
            let Some((link, target)) = found else {
                let _ = job.reply.send(Ok(ClickOutcome::Unknown));
                continue;
            };
            let draft = job.draft;
            let now_ms = draft.at_ms;
            let abnormal = self
                .detector
                .judge(draft.visitor, link_key(&draft.params), now_ms);
            let reason = link
                .not_credited
                .or(draft.is_bot.then_some(NotCredited::Bot))
                .or(abnormal);
            let click_id = self.click_ids.next(now_ms);
            let mut hex_id = [0u8; 32];
            hex::encode_to_slice(click_id, &mut hex_id).expect("32 hex digits for 16 bytes");
            let hex_id = std::str::from_utf8(&hex_id).expect("hex digits are ASCII");
            let location = match target {
                Target::Landing(programme) => programme.landing_with(hex_id),
                Target::Deep(url) => with_click_id(&url, hex_id),
            };
            batch
                .replies
                .push((job.reply, ClickOutcome::Redirect(location)));
            batch.rows.push(ClickRow {
                click_id,
                clicked_at: now_ms,
                day: super::day_of(now_ms),
                programme_id: draft.params.programme_id,
                channel_id: draft.params.channel_id,
                participant_id: link.participant_id,
                ad_id: draft.params.ad_id,
                epi: draft.params.epi,
                ip_hash: draft.ip_hash,
                user_agent: draft.user_agent,
                referrer: draft.referrer,
                credited: reason.is_none(),
                reason: reason.map(NotCredited::as_str),
            });
        }
        (!batch.rows.is_empty()).then_some(batch)
    }

    /// Where each click goes, or `None` for an unknown link or a refused deep URL. Reads only
    /// the caches and the database; the detector is untouched.
    fn resolve_all(
        &mut self,
        jobs: &[ClickJob],
    ) -> anyhow::Result<Vec<Option<(LinkInfo, Target)>>> {
        let generation = self.generation.load(Ordering::Acquire);
        if generation != self.seen_generation {
            self.seen_generation = generation;
            self.programmes.clear();
            self.links.clear();
        }
        let mut resolved = Vec::with_capacity(jobs.len());
        for job in jobs {
            let params = &job.draft.params;
            let programme = self.programme(params.programme_id)?;
            let link = self.link(params.programme_id, params.channel_id)?;
            let found = match (programme, link) {
                (Some(programme), Some(link)) => match &params.deep_url {
                    None => Some((link, Target::Landing(programme))),
                    Some(deep) => programme
                        .deeplinks
                        .check(deep)
                        .ok()
                        .map(|url| (link, Target::Deep(url))),
                },
                _ => None,
            };
            resolved.push(found);
        }
        Ok(resolved)
    }

    fn programme(&mut self, id: i64) -> anyhow::Result<Option<Arc<ProgrammeInfo>>> {
        if let Some((at, info)) = self.programmes.get(&id) {
            if at.elapsed() < CACHE_TTL {
                return Ok(info.clone());
            }
        }
        let conn = self.db.get()?;
        let landing: Option<String> = programmes::table
            .filter(programmes::id.eq(id))
            .select(programmes::landing_url)
            .first(conn)
            .optional()?;
        let info = match landing {
            None => None,
            Some(landing) => {
                let policy: Option<String> = programme_policies::table
                    .filter(programme_policies::programme_id.eq(id))
                    .filter(programme_policies::key.eq("deeplinking"))
                    .select(programme_policies::value)
                    .first(conn)
                    .optional()?;
                let domains: Vec<String> = programme_domains::table
                    .filter(programme_domains::programme_id.eq(id))
                    .select(programme_domains::domain)
                    .load(conn)?;
                let landing: url::Url = landing.parse()?;
                let landing_prefix = landing
                    .fragment()
                    .is_none()
                    .then(|| with_click_id(&landing, ""));
                Some(Arc::new(ProgrammeInfo {
                    landing,
                    landing_prefix,
                    deeplinks: DeeplinkPolicy::from_policy(policy.as_deref(), domains),
                }))
            }
        };
        self.programmes.insert(id, (Instant::now(), info.clone()));
        Ok(info)
    }

    fn link(&mut self, programme_id: i64, channel_id: i64) -> anyhow::Result<Option<LinkInfo>> {
        let key = (programme_id, channel_id);
        if let Some((at, info)) = self.links.get(&key) {
            if at.elapsed() < CACHE_TTL {
                return Ok(*info);
            }
        }
        let conn = self.db.get()?;
        let channel: Option<(i64, String, Option<chrono::NaiveDateTime>)> = channels::table
            .inner_join(participants::table)
            .filter(channels::id.eq(channel_id))
            .select((
                channels::participant_id,
                channels::review_state,
                participants::terminated_at,
            ))
            .first(conn)
            .optional()?;
        let info = match channel {
            None => None,
            Some((participant_id, review_state, terminated_at)) => {
                let membership: Option<String> = memberships::table
                    .filter(memberships::programme_id.eq(programme_id))
                    .filter(memberships::channel_id.eq(channel_id))
                    .select(memberships::state)
                    .first(conn)
                    .optional()?;
                let not_credited = if terminated_at.is_some() {
                    Some(NotCredited::ParticipantTerminated)
                } else if review_state != "approved" {
                    Some(NotCredited::ChannelNotApproved)
                } else if membership.as_deref() != Some("approved") {
                    Some(NotCredited::MembershipNotApproved)
                } else {
                    None
                };
                Some(LinkInfo {
                    participant_id,
                    not_credited,
                })
            }
        };
        self.links.insert(key, (Instant::now(), info));
        Ok(info)
    }
}

/// A click's user agent and referrer as the ids of their rows in `user_agents` and `referrers`.
type TextIds = (i64, Option<i64>);

/// The ids of the user agents and referrers a committer has stored or looked up. A text is
/// written once (by whichever committer or app instance sees it first) and never changes, so
/// remembered ids stay right; each map starts over at `TEXTS_KEPT` entries.
#[derive(Default)]
struct TextIdCache {
    user_agents: HashMap<String, i64>,
    referrers: HashMap<String, i64>,
}

const TEXTS_KEPT: usize = 20_000;

impl TextIdCache {
    /// The ids for every row, storing the texts seen for the first time. Runs before the
    /// clicks' transaction: a text stored for clicks that then fail is merely kept unused.
    fn ids(&mut self, conn: &mut AnyConnection, rows: &[ClickRow]) -> QueryResult<Vec<TextIds>> {
        rows.iter()
            .map(|row| {
                let user_agent = text_id(conn, &mut self.user_agents, &row.user_agent, UserAgents)?;
                let referrer = match &row.referrer {
                    Some(referrer) => {
                        Some(text_id(conn, &mut self.referrers, referrer, Referrers)?)
                    }
                    None => None,
                };
                Ok((user_agent, referrer))
            })
            .collect()
    }
}

/// The two text tables, for `text_id`.
#[derive(Clone, Copy)]
struct UserAgents;
#[derive(Clone, Copy)]
struct Referrers;

trait TextTable: Copy {
    fn find(self, conn: &mut AnyConnection, text: &str) -> QueryResult<Option<i64>>;
    fn add(self, conn: &mut AnyConnection, text: &str) -> QueryResult<usize>;
}

/// `TextTable` for a table of (`id`, text column).
macro_rules! text_table {
    ($name:ident, $table:ident, $column:ident) => {
        impl TextTable for $name {
            fn find(self, conn: &mut AnyConnection, text: &str) -> QueryResult<Option<i64>> {
                $table::table
                    .filter($table::$column.eq(text))
                    .select($table::id)
                    .first(conn)
                    .optional()
            }
            fn add(self, conn: &mut AnyConnection, text: &str) -> QueryResult<usize> {
                let insert = diesel::insert_into($table::table)
                    .values($table::$column.eq(text))
                    .on_conflict_do_nothing();
                match conn {
                    AnyConnection::Sqlite(c) => insert.execute(c),
                    AnyConnection::Postgresql(c) => insert.execute(c),
                }
            }
        }
    };
}

text_table!(UserAgents, user_agents, user_agent);
text_table!(Referrers, referrers, referrer);

/// The id of `text` in `table`: remembered, found, or stored now. Two writers storing the same
/// new text at once: one insert adds nothing (`ON CONFLICT DO NOTHING`, so PostgreSQL logs no
/// unique violation) and that writer reads the other's row.
fn text_id(
    conn: &mut AnyConnection,
    known: &mut HashMap<String, i64>,
    text: &str,
    table: impl TextTable,
) -> QueryResult<i64> {
    if let Some(&id) = known.get(text) {
        return Ok(id);
    }
    let id = match table.find(conn, text)? {
        Some(id) => id,
        None => {
            // Adds nothing when another writer stored the text since `find`.
            table.add(conn, text)?;
            table
                .find(conn, text)?
                .ok_or(diesel::result::Error::NotFound)?
        }
    };
    if known.len() >= TEXTS_KEPT {
        known.clear();
    }
    known.insert(text.to_owned(), id);
    Ok(id)
}

/// A connection a writer thread keeps between batches (a pool checkout costs a validation
/// query), taken anew from the pool after a failure.
struct HeldConnection {
    pool: Pool,
    conn: Option<crate::db::PooledConnection>,
    /// Run on each connection taken, and its undoing when it goes back to the pool.
    setup: Option<(&'static str, &'static str)>,
}

impl HeldConnection {
    fn new(pool: Pool) -> HeldConnection {
        HeldConnection {
            pool,
            conn: None,
            setup: None,
        }
    }

    fn get(&mut self) -> anyhow::Result<&mut AnyConnection> {
        if self.conn.is_none() {
            let mut conn = self.pool.get()?;
            if let Some((setup, _)) = self.setup {
                conn.batch_execute(setup)?;
            }
            self.conn = Some(conn);
        }
        Ok(&mut **self.conn.as_mut().expect("connection just set"))
    }

    /// Forgets a connection that failed; the next `get` takes a fresh one.
    fn release(&mut self) {
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

/// The SQLite committer's connection when a `WalSyncer` flushes after its commits, and the
/// pool's setting it goes back to (see `db`).
const UNSYNCED_COMMITS: (&str, &str) = ("PRAGMA synchronous = NORMAL", "PRAGMA synchronous = FULL");

/// Locks a mutex that guards no data (a poisoned one is as good).
fn hold(gate: &Mutex<()>) -> std::sync::MutexGuard<'_, ()> {
    gate.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
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

/// SQLite: makes committed clicks durable before they are answered, without the committer
/// waiting for the disk. The committer commits with `synchronous = NORMAL` — the WAL frames
/// are written, not yet flushed — and hands the answers over; this thread flushes the WAL
/// file (`fdatasync`, what `synchronous = FULL` would do inside the commit) and then answers
/// every click committed before the flush began. Meanwhile the committer stores the next
/// batch, so one flush covers several commits. Checkpoints flush the WAL and the database
/// themselves before the WAL starts over.
struct WalSyncer {
    sender: std::sync::mpsc::SyncSender<Replies>,
    thread: std::thread::JoinHandle<()>,
}

impl WalSyncer {
    fn start(wal: std::path::PathBuf) -> WalSyncer {
        // Bounded: a committer that runs ahead of the disk waits instead of piling up
        // answers (clicks queue in front of the judge meanwhile and make larger batches).
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Replies>(64);
        let thread = std::thread::Builder::new()
            .name("click-sync".into())
            .spawn(move || sync_until_stopped(&wal, &receiver))
            .expect("start the WAL sync thread");
        WalSyncer { sender, thread }
    }

    fn answer_when_synced(&self, replies: Replies) {
        if let Err(unsent) = self.sender.send(replies) {
            refuse(unsent.0, WRITER_STOPPED);
        }
    }

    /// Waits until everything handed over is flushed and answered.
    fn finish(self) {
        drop(self.sender);
        let _ = self.thread.join();
    }
}

fn sync_until_stopped(wal: &std::path::Path, answers: &std::sync::mpsc::Receiver<Replies>) {
    let mut file = None;
    while let Ok(mut replies) = answers.recv() {
        while let Ok(more) = answers.try_recv() {
            replies.extend(more);
        }
        match sync_wal(wal, &mut file) {
            Ok(()) => answer(replies),
            Err(e) => {
                // Stored, but maybe not on disk: the visitor is not told it worked.
                tracing::error!(error = %e, clicks = replies.len(), "flushing the WAL failed");
                file = None;
                refuse(replies, &format!("flushing the WAL failed: {e}"));
            }
        }
    }
}

/// `fdatasync` of the WAL file, opened once and again when the file is a new one (SQLite
/// removes it when the last connection closes; ours stays open while clicks are stored).
fn sync_wal(wal: &std::path::Path, file: &mut Option<(std::fs::File, u64)>) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let inode = std::fs::metadata(wal)?.ino();
    let open = match file.take() {
        Some((open, known)) if known == inode => open,
        _ => std::fs::File::open(wal)?,
    };
    let result = open.sync_data();
    *file = Some((open, inode));
    result
}

/// The WAL file of the connection's main database, or `None` for a database in memory.
fn wal_path(conn: &mut AnyConnection) -> anyhow::Result<Option<std::path::PathBuf>> {
    #[derive(QueryableByName)]
    struct Database {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
        #[diesel(sql_type = diesel::sql_types::Text)]
        file: String,
    }
    let AnyConnection::Sqlite(conn) = conn else {
        return Ok(None);
    };
    let databases: Vec<Database> = diesel::sql_query("PRAGMA database_list").load(conn)?;
    Ok(databases
        .into_iter()
        .find(|d| d.name == "main" && !d.file.is_empty())
        .map(|d| format!("{}-wal", d.file).into()))
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

/// Where judged batches go. PostgreSQL: committer threads, so one batch is inserted while
/// another waits for its WAL flush. SQLite: one write lock, and the flush happens after the
/// commit on the sync thread, so the judge stores its batches itself: a thread and a
/// hand-over fewer per batch.
enum Storage {
    Inline {
        committer: Box<Committer>,
        checkpoints: Checkpoints,
    },
    Threads {
        batches: std::sync::mpsc::SyncSender<Batch>,
        committers: Vec<std::thread::JoinHandle<(u64, u64)>>,
    },
}

/// SQLite's checkpoint thread (see `checkpoint_until_stopped`) and what stops it.
struct Checkpoints {
    stop: std::sync::mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Storage {
    /// SQLite: the judge's own committer, which shares a gate with the checkpoint thread, and
    /// a sync thread for the WAL unless the database has no WAL file (in memory). The WAL is
    /// copied back into the database by a thread of its own, so the committer never waits for
    /// a checkpoint's fsyncs (measured: 80–110 ms each under load).
    fn sqlite(judge: &mut HeldConnection) -> Storage {
        let gate = Arc::new(Mutex::new(()));
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let (pool, checkpoint_gate) = (judge.pool.clone(), gate.clone());
        let thread = std::thread::Builder::new()
            .name("click-checkpoint".into())
            .spawn(move || checkpoint_until_stopped(pool, &checkpoint_gate, stopped))
            .expect("start the checkpoint thread");
        let syncer = match judge.get().and_then(wal_path) {
            Ok(Some(wal)) => Some(WalSyncer::start(wal)),
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = %e, "no WAL file to sync: every commit syncs");
                None
            }
        };
        Storage::Inline {
            committer: Box::new(Committer::sqlite(judge.pool.clone(), gate, syncer)),
            checkpoints: Checkpoints { stop, thread },
        }
    }

    fn threads(pool: &Pool, count: usize) -> Storage {
        let (batches, receiver) = std::sync::mpsc::sync_channel::<Batch>(count);
        let receiver = Arc::new(Mutex::new(receiver));
        let committers = (0..count)
            .map(|n| {
                let committer = Committer::new(pool.clone());
                let receiver = receiver.clone();
                std::thread::Builder::new()
                    .name(format!("click-commit-{n}"))
                    .spawn(move || committer.run(&receiver))
                    .expect("start a click committer thread")
            })
            .collect();
        Storage::Threads {
            batches,
            committers,
        }
    }

    fn store(&mut self, batch: Batch) {
        match self {
            Storage::Inline { committer, .. } => committer.store(batch),
            // `send` blocks while every committer is busy and one batch waits already; clicks
            // queue up meanwhile and make the next batch larger.
            Storage::Threads { batches, .. } => {
                if let Err(unsent) = batches.send(batch) {
                    refuse(unsent.0.replies, WRITER_STOPPED);
                }
            }
        }
    }

    /// Waits until everything handed over is stored (and on SQLite checkpointed once more);
    /// how many clicks in how many commits.
    fn finish(self) -> (u64, u64) {
        match self {
            Storage::Inline {
                committer,
                checkpoints,
            } => {
                let stored = committer.finish();
                drop(checkpoints.stop);
                let _ = checkpoints.thread.join();
                stored
            }
            Storage::Threads {
                batches,
                committers,
            } => {
                drop(batches);
                committers
                    .into_iter()
                    .filter_map(|handle| handle.join().ok())
                    .fold((0, 0), |(c, n), (more_c, more_n)| (c + more_c, n + more_n))
            }
        }
    }
}

/// Stores batches: inserts a batch in one transaction, commits, then answers. As a thread it
/// takes one batch, merges whatever else is waiting, and ends when the judge is gone and
/// nothing waits.
struct Committer {
    db: HeldConnection,
    texts: TextIdCache,
    /// SQLite: held while a transaction is open, so the checkpoint thread can restart the
    /// WAL between two of them (see `checkpoint`) without either side sleeping in SQLite's
    /// busy handler.
    gate: Option<Arc<Mutex<()>>>,
    /// SQLite: commits do not wait for the disk; the syncer flushes the WAL after them and
    /// then answers (see `WalSyncer`). Without one, every commit syncs before it returns.
    syncer: Option<WalSyncer>,
    /// Clicks stored, and in how many commits.
    clicks: u64,
    commits: u64,
}

impl Committer {
    fn new(pool: Pool) -> Committer {
        Committer {
            db: HeldConnection::new(pool),
            texts: TextIdCache::default(),
            gate: None,
            syncer: None,
            clicks: 0,
            commits: 0,
        }
    }

    /// SQLite's one committer. With a syncer its connection commits without syncing
    /// (`UNSYNCED_COMMITS`, undone when the connection goes back to the pool).
    fn sqlite(pool: Pool, gate: Arc<Mutex<()>>, syncer: Option<WalSyncer>) -> Committer {
        let mut committer = Committer::new(pool);
        if syncer.is_some() {
            committer.db.setup = Some(UNSYNCED_COMMITS);
        }
        committer.gate = Some(gate);
        committer.syncer = syncer;
        committer
    }

    /// Waits until every stored click is answered; how many clicks in how many commits.
    fn finish(self) -> (u64, u64) {
        if let Some(syncer) = self.syncer {
            syncer.finish();
        }
        (self.clicks, self.commits)
    }

    /// Returns how many clicks it stored in how many commits.
    fn run(mut self, batches: &Mutex<std::sync::mpsc::Receiver<Batch>>) -> (u64, u64) {
        loop {
            let batch = {
                let batches = batches.lock().expect("click batch queue");
                let Ok(mut batch) = batches.recv() else {
                    break;
                };
                while batch.rows.len() < MAX_BATCH {
                    match batches.try_recv() {
                        Ok(more) => batch.merge(more),
                        Err(_) => break,
                    }
                }
                batch
            };
            self.store(batch);
        }
        (self.clicks, self.commits)
    }

    /// Inserts and commits the batch, then answers its clicks.
    fn store(&mut self, batch: Batch) {
        let result = self.insert(&batch.rows).or_else(|first| {
            // A broken connection: one more try on a fresh one.
            tracing::warn!(error = %first, "storing clicks failed, trying again");
            self.db.release();
            self.insert(&batch.rows)
        });
        match result {
            Ok(()) => {
                self.clicks += batch.rows.len() as u64;
                self.commits += 1;
                match &self.syncer {
                    Some(syncer) => syncer.answer_when_synced(batch.replies),
                    None => answer(batch.replies),
                }
            }
            Err(e) => {
                tracing::error!(error = %e, clicks = batch.rows.len(), "storing clicks failed");
                self.db.release();
                refuse(batch.replies, &e.to_string());
            }
        }
    }

    /// All rows in one transaction, committed before anyone is answered (user agents and
    /// referrers seen for the first time are stored just before, see `TextIdCache`). SQLite runs one
    /// prepared single-row INSERT per click, kept in diesel's statement cache (a multi-row
    /// statement would be built and prepared anew for every batch size); PostgreSQL takes the
    /// whole batch in one statement (see `PgInsertClicks`), atomic without BEGIN and COMMIT.
    fn insert(&mut self, rows: &[ClickRow]) -> anyhow::Result<()> {
        // SQLite: new user agents and referrers are written too, so the gate is held from here.
        let _writing = self.gate.as_deref().map(hold);
        let conn = self.db.get()?;
        let ids = self.texts.ids(conn, rows)?;
        match conn {
            AnyConnection::Sqlite(c) => c.transaction(|c| {
                for (row, ids) in rows.iter().zip(ids) {
                    diesel::insert_into(clicks::table)
                        .values(NewClick::new(row, ids))
                        .execute(c)?;
                }
                diesel::QueryResult::Ok(())
            })?,
            AnyConnection::Postgresql(c) => {
                PgInsertClicks::new(rows, &ids).execute(c)?;
            }
        }
        Ok(())
    }
}

/// How often the checkpoint thread copies the SQLite WAL back into the database. Often, so
/// each checkpoint's fsyncs are small: while they run, the committer's WAL writes wait on
/// the disk (measured at 30k clicks/s: every 500 ms → p99 15–25 ms, 100 ms → 5–9 ms,
/// 50 ms → 4–6 ms). An idle checkpoint costs about 70 µs.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(50);

/// A WAL longer than this many pages (16 MiB of 4 KiB pages) is started over from its
/// beginning. Under steady writing a passive checkpoint never catches up with the writer
/// completely, and SQLite starts the WAL over only when it has: left alone the file grew by
/// about 55 MB a second under load (1.7 GB after 30 s), every commit appending fresh blocks
/// to it, and the disk would fill.
const WAL_RESTART_PAGES: i64 = 4096;

/// What `PRAGMA wal_checkpoint` answers.
#[derive(QueryableByName)]
struct CheckpointResult {
    /// 1 when the checkpoint could not take the locks it needed.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    busy: i32,
    /// Pages in the WAL.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    log: i64,
}

/// SQLite: a passive checkpoint every `CHECKPOINT_EVERY` (it never blocks the committer), and
/// one more when the writer stops. When the WAL has grown past `WAL_RESTART_PAGES` a
/// restarting checkpoint follows: the passive one just copied nearly everything, so it holds
/// the write lock only for the last few pages and a fsync, and the next commit writes the WAL
/// from its beginning again. No other connection checkpoints (`wal_autocheckpoint = 0`
/// on every connection, see `db`): a checkpoint started by a web request's commit would make
/// that request wait for the fsyncs.
fn checkpoint_until_stopped(pool: Pool, gate: &Mutex<()>, stopped: std::sync::mpsc::Receiver<()>) {
    use std::sync::mpsc::RecvTimeoutError;
    let mut db = HeldConnection::new(pool);
    loop {
        let last = !matches!(
            stopped.recv_timeout(CHECKPOINT_EVERY),
            Err(RecvTimeoutError::Timeout)
        );
        if let Err(e) = db
            .get()
            .and_then(|conn| checkpoint(conn, gate, WAL_RESTART_PAGES))
        {
            tracing::warn!(error = %e, "WAL checkpoint failed");
            db.release();
        }
        if last {
            break;
        }
    }
}

/// One passive checkpoint, and a restarting one if the WAL has grown too long. The restart
/// waits for the committer's open transaction and holds the next one back (`gate`): in
/// SQLite's busy handler either side would sleep 1, 2, 5, 10… ms between tries.
fn checkpoint(
    conn: &mut AnyConnection,
    gate: &Mutex<()>,
    restart_pages: i64,
) -> anyhow::Result<()> {
    let AnyConnection::Sqlite(conn) = conn else {
        return Ok(());
    };
    let passive: CheckpointResult =
        diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").get_result(conn)?;
    if passive.busy == 0 && passive.log > restart_pages {
        // Copy what came in during the first one, still beside the committer.
        diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").get_result::<CheckpointResult>(conn)?;
        let _closed = hold(gate);
        diesel::sql_query("PRAGMA wal_checkpoint(RESTART)").get_result::<CheckpointResult>(conn)?;
    }
    Ok(())
}

/// PostgreSQL: `INSERT … SELECT * FROM UNNEST(…)` with one array per column. The SQL is the
/// same for every batch size, so diesel keeps it prepared and the server parses and plans it
/// once per connection; a multi-row VALUES list was planned anew for each batch, which cost
/// the server more than storing the rows.
struct PgInsertClicks<'a> {
    click_id: Vec<&'a [u8]>,
    clicked_at: Vec<i64>,
    day: Vec<i32>,
    programme_id: Vec<i64>,
    channel_id: Vec<i64>,
    participant_id: Vec<i64>,
    ad_id: Vec<Option<i64>>,
    epi: Vec<Option<&'a str>>,
    ip_hash: Vec<&'a [u8]>,
    user_agent_id: Vec<i64>,
    referrer_id: Vec<Option<i64>>,
    credited: Vec<bool>,
    reason: Vec<Option<&'static str>>,
}

/// The same statement for every batch: diesel keys its prepared-statement cache on this type.
impl diesel::query_builder::QueryId for PgInsertClicks<'_> {
    type QueryId = PgInsertClicks<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<'a> PgInsertClicks<'a> {
    /// The rows as columns, borrowed: nothing of a click is copied.
    fn new(rows: &'a [ClickRow], ids: &[TextIds]) -> PgInsertClicks<'a> {
        fn column<'a, T>(rows: &'a [ClickRow], f: impl Fn(&'a ClickRow) -> T) -> Vec<T> {
            rows.iter().map(f).collect()
        }
        PgInsertClicks {
            click_id: column(rows, |r| &r.click_id[..]),
            clicked_at: column(rows, |r| r.clicked_at),
            day: column(rows, |r| r.day),
            programme_id: column(rows, |r| r.programme_id),
            channel_id: column(rows, |r| r.channel_id),
            participant_id: column(rows, |r| r.participant_id),
            ad_id: column(rows, |r| r.ad_id),
            epi: column(rows, |r| r.epi.as_deref()),
            ip_hash: column(rows, |r| &r.ip_hash[..]),
            user_agent_id: ids.iter().map(|&(user_agent, _)| user_agent).collect(),
            referrer_id: ids.iter().map(|&(_, referrer)| referrer).collect(),
            credited: column(rows, |r| r.credited),
            reason: column(rows, |r| r.reason),
        }
    }
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for PgInsertClicks<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{Array, BigInt, Binary, Bool, Integer, Nullable, Text};
        out.push_sql(
            "INSERT INTO clicks (click_id, clicked_at, day, programme_id, channel_id, \
             participant_id, ad_id, epi, ip_hash, user_agent_id, referrer_id, credited, reason) \
             SELECT * FROM UNNEST(",
        );
        out.push_bind_param::<Array<Binary>, _>(&self.click_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.clicked_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.day)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.programme_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.channel_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.participant_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<BigInt>>, _>(&self.ad_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.epi)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Binary>, _>(&self.ip_hash)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.user_agent_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<BigInt>>, _>(&self.referrer_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Bool>, _>(&self.credited)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.reason)?;
        out.push_sql(")");
        Ok(())
    }
}

impl RunQueryDsl<diesel::PgConnection> for PgInsertClicks<'_> {}

/// Where a click goes: the programme's landing page, or a deep URL the programme accepts.
enum Target {
    Landing(Arc<ProgrammeInfo>),
    Deep(url::Url),
}

/// Tells links apart for the duplicate check: the same parameters are the same link.
fn link_key(params: &LinkParams) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    params.hash(&mut hasher);
    hasher.finish()
}

/// Click ids, handed to the advertiser to attribute a later conversion: 128 bits, written as
/// 32 hex characters — the click's time in milliseconds (48 bits) followed by 80 random bits.
/// The random part makes ids unguessable; the time first makes them ascend, so each new row
/// lands at the end of the click log's primary key instead of on a random page of it (a
/// random id dirtied one page per click and made every commit write that many pages). Within
/// one millisecond (or if the clock goes back) an id is the previous one plus a random step,
/// so the ids of one writer strictly ascend: they also tell the order clicks arrived in.
#[derive(Default)]
struct ClickIds {
    last: u128,
}

impl ClickIds {
    fn next(&mut self, now_ms: i64) -> [u8; 16] {
        use rand::Rng;
        let mut rng = rand::thread_rng();
        let random: u128 = rng.gen::<u128>() & ((1u128 << 80) - 1);
        let fresh = (u128::from(now_ms.max(0) as u64 & 0xffff_ffff_ffff) << 80) | random;
        let id = if fresh > self.last {
            fresh
        } else {
            self.last + 1 + u128::from(rng.gen::<u32>())
        };
        self.last = id;
        id.to_be_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn click_ids_ascend_with_time_and_within_a_millisecond() {
        let mut ids = ClickIds::default();
        let a = ids.next(1_764_000_000_000);
        let b = ids.next(1_764_000_000_000);
        let c = ids.next(1_764_000_000_001);
        assert!(a < b && b < c);
        assert_eq!(hex::encode(&a[..6]), "019ab697e800");
        assert_eq!(a[..6], b[..6]);
        // A clock that goes back does not make ids go back (nor repeat).
        let d = ids.next(1_763_999_999_000);
        assert!(d > c);
        // The random part differs between writers.
        let mut other = ClickIds::default();
        assert_ne!(other.next(1_764_000_000_000), a);
    }

    /// The settings of a fresh SQLite file in `dir`.
    fn sqlite_settings(dir: &tempfile::TempDir) -> crate::config::DatabaseSettings {
        let url = format!("sqlite://{}", dir.path().join("portal.db").display());
        crate::config::DatabaseSettings::parse(&url).unwrap()
    }

    /// A pool on a fresh SQLite file, with the portal's connection settings.
    fn sqlite_pool(dir: &tempfile::TempDir) -> Pool {
        crate::db::connect(&sqlite_settings(dir)).unwrap()
    }

    /// The WAL file's size after `commits` commits of about 6 KB made while a checkpoint
    /// thread runs `checkpoint` every millisecond, as the click writer's does.
    fn wal_size_under_load(restart_pages: i64, commits: usize) -> u64 {
        let dir = tempfile::tempdir().unwrap();
        let pool = sqlite_pool(&dir);
        pool.get()
            .unwrap()
            .batch_execute("CREATE TABLE filler (text TEXT NOT NULL)")
            .unwrap();
        let gate = Arc::new(Mutex::new(()));
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let checkpoints = {
            let (pool, gate, done) = (pool.clone(), gate.clone(), done.clone());
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                while !done.load(Ordering::Acquire) {
                    checkpoint(&mut conn, &gate, restart_pages).unwrap();
                    std::thread::sleep(Duration::from_millis(1));
                }
            })
        };
        let mut conn = pool.get().unwrap();
        for _ in 0..commits {
            let _open = hold(&gate);
            conn.batch_execute("INSERT INTO filler VALUES (hex(randomblob(3000)))")
                .unwrap();
        }
        done.store(true, Ordering::Release);
        checkpoints.join().unwrap();
        let rows: i64 =
            diesel::dsl::sql::<diesel::sql_types::BigInt>("SELECT count(*) FROM filler")
                .get_result(&mut *conn)
                .unwrap();
        assert_eq!(rows, commits as i64);
        std::fs::metadata(dir.path().join("portal.db-wal"))
            .unwrap()
            .len()
    }

    #[test]
    fn a_long_wal_starts_over_while_clicks_are_written() {
        // 2,000 commits write about 4,000 pages (16 MB) to the WAL. A passive checkpoint
        // never catches up with a writer that commits all the time, so without restarts the
        // WAL keeps them all; with a restart past 200 pages it stays near that size.
        let restarted = wal_size_under_load(200, 2000);
        assert!(restarted < 4 << 20, "the WAL grew to {restarted} bytes");
        let unrestarted = wal_size_under_load(i64::MAX, 2000);
        assert!(
            unrestarted > 12 << 20,
            "without restarts: {unrestarted} bytes"
        );
    }

    #[test]
    fn the_wal_file_is_found() {
        let dir = tempfile::tempdir().unwrap();
        let pool = sqlite_pool(&dir);
        let wal = wal_path(&mut pool.get().unwrap()).unwrap().unwrap();
        assert_eq!(wal, dir.path().join("portal.db-wal"));
    }

    #[test]
    fn a_new_wal_file_is_opened_to_be_flushed() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let wal = dir.path().join("portal.db-wal");
        let mut file = None;
        assert!(sync_wal(&wal, &mut file).is_err(), "no file yet");
        std::fs::write(&wal, b"frames").unwrap();
        sync_wal(&wal, &mut file).unwrap();
        let first = file.as_ref().map(|(_, inode)| *inode).unwrap();
        sync_wal(&wal, &mut file).unwrap();
        assert_eq!(file.as_ref().map(|(_, inode)| *inode), Some(first));
        // SQLite removes the WAL when the last connection closes and makes a new one later
        // (the old one stays open here, so the new one cannot have its inode).
        std::fs::remove_file(&wal).unwrap();
        std::fs::write(&wal, b"other frames").unwrap();
        sync_wal(&wal, &mut file).unwrap();
        let second = file.as_ref().map(|(_, inode)| *inode).unwrap();
        assert_ne!(second, first);
        assert_eq!(second, std::fs::metadata(&wal).unwrap().ino());
    }

    #[test]
    fn clicks_are_answered_after_the_flush_and_refused_when_it_fails() {
        let dir = tempfile::tempdir().unwrap();
        let wal = dir.path().join("portal.db-wal");
        std::fs::write(&wal, b"frames").unwrap();
        let replies = |n: usize| {
            let (senders, receivers): (Replies, Vec<_>) = (0..n)
                .map(|i| {
                    let (sender, receiver) = oneshot::channel();
                    (
                        (
                            sender,
                            ClickOutcome::Redirect(format!("https://example.com/{i}")),
                        ),
                        receiver,
                    )
                })
                .unzip();
            (senders, receivers)
        };
        let syncer = WalSyncer::start(wal.clone());
        let (flushed, answers) = replies(3);
        syncer.answer_when_synced(flushed);
        for (i, answer) in answers.into_iter().enumerate() {
            assert_eq!(
                answer.blocking_recv().unwrap(),
                Ok(ClickOutcome::Redirect(format!("https://example.com/{i}")))
            );
        }
        // A WAL that cannot be flushed: the clicks are not confirmed to their visitors.
        std::fs::remove_file(&wal).unwrap();
        let (unflushed, answers) = replies(2);
        syncer.answer_when_synced(unflushed);
        for answer in answers {
            let refused = answer.blocking_recv().unwrap().unwrap_err();
            assert!(refused.contains("flushing the WAL failed"), "{refused}");
        }
        syncer.finish();
    }

    #[test]
    fn a_text_another_writer_stored_first_is_read_not_stored_twice() {
        /// `UserAgents`, but another writer stores the text between `find` and `add`.
        #[derive(Clone, Copy)]
        struct Racing<'a>(&'a Pool);
        impl TextTable for Racing<'_> {
            fn find(self, conn: &mut AnyConnection, text: &str) -> QueryResult<Option<i64>> {
                UserAgents.find(conn, text)
            }
            fn add(self, conn: &mut AnyConnection, text: &str) -> QueryResult<usize> {
                assert_eq!(UserAgents.add(&mut self.0.get().unwrap(), text)?, 1);
                UserAgents.add(conn, text)
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let pool = sqlite_pool(&dir);
        crate::db::run_migrations(&mut pool.get().unwrap()).unwrap();
        let mut conn = pool.get().unwrap();
        let mut known = HashMap::new();
        let id = text_id(&mut conn, &mut known, "Mozilla/5.0 racing", Racing(&pool)).unwrap();
        assert_eq!(known.get("Mozilla/5.0 racing"), Some(&id));
        let stored: Vec<i64> = user_agents::table
            .filter(user_agents::user_agent.eq("Mozilla/5.0 racing"))
            .select(user_agents::id)
            .load(&mut *conn)
            .unwrap();
        assert_eq!(stored, vec![id]);
    }

    #[test]
    fn a_writer_connection_goes_back_to_the_pool_as_it_came() {
        #[derive(QueryableByName)]
        struct Synchronous {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            synchronous: i32,
        }
        let synchronous = |conn: &mut AnyConnection| -> i32 {
            let AnyConnection::Sqlite(conn) = conn else {
                unreachable!()
            };
            diesel::sql_query("PRAGMA synchronous")
                .get_result::<Synchronous>(conn)
                .unwrap()
                .synchronous
        };
        let dir = tempfile::tempdir().unwrap();
        // One connection, so the test gets back the very one the writer had.
        let pool = diesel::r2d2::Pool::builder()
            .max_size(1)
            .build(crate::db::Manager::new(&sqlite_settings(&dir)))
            .unwrap();
        // FULL (2) for every connection of the pool; NORMAL (1) while the committer has it.
        assert_eq!(synchronous(&mut pool.get().unwrap()), 2);
        let mut held = HeldConnection::new(pool.clone());
        held.setup = Some(UNSYNCED_COMMITS);
        assert_eq!(synchronous(held.get().unwrap()), 1);
        held.release();
        assert_eq!(synchronous(&mut pool.get().unwrap()), 2);
        assert_eq!(synchronous(held.get().unwrap()), 1);
        drop(held);
        assert_eq!(synchronous(&mut pool.get().unwrap()), 2);
    }
}
