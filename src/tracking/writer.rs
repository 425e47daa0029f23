//! The click writer: one thread that owns a database connection and stores clicks in batches
//! (group commit).
//!
//! Handlers send a click and wait; the writer takes the first waiting click, drains whatever
//! else is queued already (no timer), resolves and judges them, inserts them all with one
//! statement, and only after that statement has committed answers every waiting handler. A
//! handler answers 302 only after its answer, so an acknowledged click is on disk. When the
//! server stops, the handlers in flight are still answered: the writer ends when the last
//! sender is gone and the queue is empty.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use tokio::sync::{mpsc, oneshot};

use super::abnormal::{Detector, NotCredited};
use super::link::{with_click_id, DeeplinkPolicy, LinkParams};
use crate::db::schema::{
    channels, clicks, memberships, participants, programme_domains, programme_policies, programmes,
};
use crate::db::{AnyConnection, Pool};

/// At most this many clicks go into one statement.
const MAX_BATCH: usize = 1000;
/// What the writer knows about programmes and links is looked up again after this long, so
/// changes made through another app instance apply within it; changes made through this
/// instance apply at once (see `Tracking::changed`).
const CACHE_TTL: Duration = Duration::from_secs(2);

/// A click as the handler saw it.
#[derive(Debug, Clone)]
pub struct ClickDraft {
    pub params: LinkParams,
    pub at: chrono::NaiveDateTime,
    pub ip_hash: String,
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
            .map_err(|_| "the click writer has stopped".to_owned())?;
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
    velocity_limit: u32,
) -> std::io::Result<(ClickQueue, std::thread::JoinHandle<()>)> {
    let (sender, receiver) = mpsc::channel(8192);
    let generation = Arc::new(AtomicU64::new(0));
    let writer = Writer {
        pool,
        conn: None,
        detector: Detector::new(velocity_limit),
        generation: generation.clone(),
        seen_generation: 0,
        programmes: HashMap::new(),
        links: HashMap::new(),
    };
    let handle = std::thread::Builder::new()
        .name("click-writer".into())
        .spawn(move || writer.run(receiver))?;
    Ok((ClickQueue { sender, generation }, handle))
}

#[derive(Clone)]
struct ProgrammeInfo {
    landing: url::Url,
    /// The landing URL with the click id parameter started: append the id and it is done
    /// (`None` when the URL has a fragment, which must stay last).
    landing_prefix: Option<String>,
    deeplinks: DeeplinkPolicy,
}

#[derive(Clone)]
struct LinkInfo {
    participant_id: i64,
    /// Why clicks on this link are not credited whatever the visitor does.
    not_credited: Option<NotCredited>,
}

struct Writer {
    pool: Pool,
    conn: Option<crate::db::PooledConnection>,
    detector: Detector,
    generation: Arc<AtomicU64>,
    seen_generation: u64,
    programmes: HashMap<i64, (Instant, Option<ProgrammeInfo>)>,
    links: HashMap<(i64, i64), (Instant, Option<LinkInfo>)>,
}

#[derive(Insertable)]
#[diesel(table_name = clicks)]
struct NewClick {
    click_id: String,
    clicked_at: chrono::NaiveDateTime,
    day: String,
    programme_id: i64,
    channel_id: i64,
    participant_id: i64,
    ad_id: Option<i64>,
    epi: Option<String>,
    ip_hash: String,
    user_agent: String,
    referrer: Option<String>,
    credited: bool,
    reason: Option<&'static str>,
}

impl Writer {
    fn run(mut self, mut receiver: mpsc::Receiver<ClickJob>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while let Some(first) = receiver.blocking_recv() {
            batch.push(first);
            while batch.len() < MAX_BATCH {
                match receiver.try_recv() {
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            self.write(&mut batch);
        }
        tracing::info!("click writer stopped: every click is stored");
    }

    fn write(&mut self, batch: &mut Vec<ClickJob>) {
        let result = self.try_write(batch);
        let result = match result {
            Ok(outcomes) => Ok(outcomes),
            Err(first) => {
                // A broken connection: one more try on a fresh one.
                tracing::warn!(error = %first, "storing clicks failed, trying again");
                self.conn = None;
                self.try_write(batch)
            }
        };
        match result {
            Ok(outcomes) => {
                for (job, outcome) in batch.drain(..).zip(outcomes) {
                    let _ = job.reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                tracing::error!(error = %e, clicks = batch.len(), "storing clicks failed");
                self.conn = None;
                for job in batch.drain(..) {
                    let _ = job.reply.send(Err(e.to_string()));
                }
            }
        }
    }

    fn connection(&mut self) -> anyhow::Result<&mut AnyConnection> {
        if self.conn.is_none() {
            self.conn = Some(self.pool.get()?);
        }
        Ok(&mut **self.conn.as_mut().expect("connection just set"))
    }

    fn try_write(&mut self, batch: &[ClickJob]) -> anyhow::Result<Vec<ClickOutcome>> {
        let generation = self.generation.load(Ordering::Acquire);
        if generation != self.seen_generation {
            self.seen_generation = generation;
            self.programmes.clear();
            self.links.clear();
        }
        // Resolve every click first; a lookup error leaves the detector untouched.
        let mut resolved = Vec::with_capacity(batch.len());
        for job in batch {
            let params = &job.draft.params;
            let programme = self.programme(params.programme_id)?;
            let link = self.link(params.programme_id, params.channel_id)?;
            let found = match (programme, link) {
                (Some(programme), Some(link)) => match &params.deep_url {
                    None => Some((
                        link,
                        match programme.landing_prefix {
                            Some(prefix) => Target::Prefix(prefix),
                            None => Target::Url(programme.landing),
                        },
                    )),
                    Some(deep) => programme
                        .deeplinks
                        .check(deep)
                        .ok()
                        .map(|url| (link, Target::Url(url))),
                },
                _ => None,
            };
            resolved.push(found);
        }
        let mut rows = Vec::with_capacity(batch.len());
        let mut outcomes = Vec::with_capacity(batch.len());
        for (job, found) in batch.iter().zip(resolved) {
            let Some((link, target)) = found else {
                outcomes.push(ClickOutcome::Unknown);
                continue;
            };
            let draft = &job.draft;
            let now_ms = draft.at.and_utc().timestamp_millis();
            let abnormal = self
                .detector
                .judge(draft.visitor, link_key(&draft.params), now_ms);
            let reason = link
                .not_credited
                .or(draft.is_bot.then_some(NotCredited::Bot))
                .or(abnormal);
            let click_id = new_click_id();
            let location = match target {
                Target::Prefix(prefix) => prefix + &click_id,
                Target::Url(url) => with_click_id(&url, &click_id),
            };
            outcomes.push(ClickOutcome::Redirect(location));
            rows.push(NewClick {
                click_id,
                clicked_at: draft.at,
                day: day_of(draft.at),
                programme_id: draft.params.programme_id,
                channel_id: draft.params.channel_id,
                participant_id: link.participant_id,
                ad_id: draft.params.ad_id,
                epi: draft.params.epi.clone(),
                ip_hash: draft.ip_hash.clone(),
                user_agent: draft.user_agent.clone(),
                referrer: draft.referrer.clone(),
                credited: reason.is_none(),
                reason: reason.map(NotCredited::as_str),
            });
        }
        if !rows.is_empty() {
            let conn = self.connection()?;
            // One multi-row INSERT is one atomic statement, committed before anyone is answered.
            match conn {
                AnyConnection::Sqlite(c) => diesel::insert_into(clicks::table)
                    .values(&rows)
                    .execute(c)?,
                AnyConnection::Postgresql(c) => diesel::insert_into(clicks::table)
                    .values(&rows)
                    .execute(c)?,
            };
        }
        Ok(outcomes)
    }

    fn programme(&mut self, id: i64) -> anyhow::Result<Option<ProgrammeInfo>> {
        if let Some((at, info)) = self.programmes.get(&id) {
            if at.elapsed() < CACHE_TTL {
                return Ok(info.clone());
            }
        }
        let conn = self.connection()?;
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
                Some(ProgrammeInfo {
                    landing,
                    landing_prefix,
                    deeplinks: DeeplinkPolicy::from_policy(policy.as_deref(), domains),
                })
            }
        };
        self.programmes.insert(id, (Instant::now(), info.clone()));
        Ok(info)
    }

    fn link(&mut self, programme_id: i64, channel_id: i64) -> anyhow::Result<Option<LinkInfo>> {
        let key = (programme_id, channel_id);
        if let Some((at, info)) = self.links.get(&key) {
            if at.elapsed() < CACHE_TTL {
                return Ok(info.clone());
            }
        }
        let conn = self.connection()?;
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
        self.links.insert(key, (Instant::now(), info.clone()));
        Ok(info)
    }
}

enum Target {
    Prefix(String),
    Url(url::Url),
}

/// The UTC date of a click, `2026-11-25`.
fn day_of(at: chrono::NaiveDateTime) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", at.year(), at.month(), at.day())
}

/// Tells links apart for the duplicate check: the same parameters are the same link.
fn link_key(params: &LinkParams) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    params.hash(&mut hasher);
    hasher.finish()
}

/// 128 random bits, URL-safe: handed to the advertiser to attribute a later conversion.
fn new_click_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}
