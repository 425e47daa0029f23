//! The judge: one thread takes every queued click in arrival order, resolves its link (through
//! caches of programmes and links), judges it (`crediting`, `abnormal`), gives it a click id and
//! hands the batch to the storage.

use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::Instant;

use diesel::prelude::*;
use tokio::sync::mpsc;

use super::click_ids::ClickIds;
use super::held::HeldConnection;
use super::link_cache::{self, LinkCache, LinkInfo, Unread};
use super::row::ClickRow;
use super::spool::Spool;
use super::storage::Storage;
use super::{Batch, ClickJob, ClickOutcome, Rest, CACHE_TTL, MAX_BATCH, POSTGRES_COMMITTERS};
use crate::config::{ClickDurability, DatabaseKind};
use crate::db::ids::{ChannelId, ProgrammeId};
use crate::db::schema::programmes;
use crate::db::Pool;
use crate::domain::deeplink::DeeplinkPolicy;
use crate::state::CreditingChanges;
use crate::tracking::abnormal::Detector;
use crate::tracking::link::{with_click_id, LinkParams};

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

pub(super) struct Judge {
    db: HeldConnection,
    kind: DatabaseKind,
    detector: Detector,
    /// Looked-up programmes, unknown ones included, each kept `CACHE_TTL`; bounded, the least
    /// recently used going first, so `/click` with ever new ids cannot grow it.
    programmes: lru::LruCache<ProgrammeId, (Instant, Option<Arc<ProgrammeInfo>>)>,
    /// The links, forgotten with the programmes when crediting changes.
    links: LinkCache,
    click_ids: ClickIds,
    spool: Option<Arc<Spool>>,
    durability: ClickDurability,
    /// Until when the database is not asked again after a lookup failed: what the caches hold
    /// is used however old (a link clicked in the last minutes keeps working through an
    /// outage), and a link they do not hold is refused.
    rest: Rest,
}

/// How many programmes the judge remembers.
const PROGRAMMES_KEPT: NonZeroUsize = NonZeroUsize::new(1_024).unwrap();

impl Judge {
    pub(super) fn new(
        pool: Pool,
        kind: DatabaseKind,
        velocity_limit: u32,
        crediting: CreditingChanges,
        spool: Option<Arc<Spool>>,
    ) -> Judge {
        Judge {
            db: HeldConnection::new(pool),
            kind,
            detector: Detector::new(velocity_limit),
            programmes: lru::LruCache::new(PROGRAMMES_KEPT),
            links: LinkCache::new(crediting),
            click_ids: ClickIds::default(),
            spool,
            durability: ClickDurability::Flushed,
            rest: Rest::default(),
        }
    }

    /// How durable a click is before it is answered (flushed unless told otherwise).
    pub(super) fn durable(mut self, durability: ClickDurability) -> Judge {
        self.durability = durability;
        self
    }

    pub(super) fn run(mut self, mut receiver: mpsc::Receiver<ClickJob>) {
        let mut storage = match self.kind {
            DatabaseKind::Sqlite => {
                Storage::sqlite(&mut self.db, self.spool.clone(), self.durability)
            }
            DatabaseKind::Postgres => Storage::threads(
                &self.db.pool,
                POSTGRES_COMMITTERS,
                self.spool.clone(),
                self.durability,
            ),
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

    /// Resolves and judges the clicks. Clicks on unknown links are answered at once, and so are
    /// clicks whose link could not be looked up (the database is unreachable and the writer
    /// never saw the link); the others come back as rows to store, with their answers.
    fn judge_all(&mut self, jobs: &mut Vec<ClickJob>) -> Option<Batch> {
        let resolved = self.resolve_all(jobs);
        let mut batch = Batch {
            rows: Vec::with_capacity(jobs.len()),
            replies: Vec::with_capacity(jobs.len()),
        };
        for (job, found) in jobs.drain(..).zip(resolved) {
            let (link, target) = match found {
                Ok(Some(found)) => found,
                Ok(None) => {
                    let _ = job.reply.send(Ok(ClickOutcome::Unknown));
                    continue;
                }
                Err(e) => {
                    let _ = job.reply.send(Err(e.to_string()));
                    continue;
                }
            };
            let draft = job.draft;
            let now_ms = draft.at_ms;
            let abnormal = self.detector.judge_with_address(
                draft.visitor,
                draft.address,
                link_key(&draft.params),
                now_ms,
            );
            let reason = crate::tracking::crediting::click_verdict(
                link.not_credited,
                draft.is_bot,
                abnormal,
            );
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
                day: crate::db::day_of(now_ms),
                programme_id: draft.params.programme_id,
                channel_id: draft.params.channel_id,
                participant_id: link.participant_id,
                ad_id: draft.params.ad_id,
                epi: draft.params.epi,
                ip_hash: draft.ip_hash,
                user_agent: draft.user_agent,
                referrer: draft.referrer,
                credited: reason.is_none(),
                reason,
            });
        }
        (!batch.rows.is_empty()).then_some(batch)
    }

    /// Where each click goes, `None` for an unknown link or a refused deep URL, or why its link
    /// could not be looked up. Reads only the caches and the database; the detector is
    /// untouched.
    fn resolve_all(
        &mut self,
        jobs: &[ClickJob],
    ) -> Vec<anyhow::Result<Option<(LinkInfo, Target)>>> {
        if self.links.forget_if_changed() {
            self.programmes.clear();
        }
        let mut resolved = Vec::with_capacity(jobs.len());
        for job in jobs {
            let params = &job.draft.params;
            let looked_up = self.programme(params.programme_id).and_then(|programme| {
                Ok((
                    programme,
                    self.link(params.programme_id, params.channel_id)?,
                ))
            });
            let (programme, link) = match looked_up {
                Ok(found) => found,
                Err(e) => {
                    resolved.push(Err(e));
                    continue;
                }
            };
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
            resolved.push(Ok(found));
        }
        resolved
    }

    /// Whether the database failed a moment ago (see `rest`).
    fn database_down(&self) -> bool {
        self.rest.resting()
    }

    /// A lookup failed: the held connection goes, and the database rests for `DOWN_PAUSE`.
    fn database_failed(&mut self, e: &anyhow::Error) {
        if !self.database_down() {
            tracing::warn!(error = %e, "looking up links failed: using what the writer knows");
        }
        self.db.release();
        self.rest.begin();
    }

    fn programme(&mut self, id: ProgrammeId) -> anyhow::Result<Option<Arc<ProgrammeInfo>>> {
        let known = self.programmes.get(&id).cloned();
        if let Some((at, info)) = &known {
            if at.elapsed() < CACHE_TTL || self.database_down() {
                return Ok(info.clone());
            }
        }
        if self.database_down() {
            anyhow::bail!("the database failed a moment ago");
        }
        let held = self.db.is_held();
        let read = match self.read_programme(id) {
            Err(_) if held => {
                // A broken connection: one more try on a fresh one.
                self.db.release();
                self.read_programme(id)
            }
            read => read,
        };
        match read {
            Ok(info) => {
                self.programmes.put(id, (Instant::now(), info.clone()));
                Ok(info)
            }
            Err(e) => {
                self.database_failed(&e);
                known.map(|(_, info)| info).ok_or(e)
            }
        }
    }

    fn read_programme(&mut self, id: ProgrammeId) -> anyhow::Result<Option<Arc<ProgrammeInfo>>> {
        let conn = self.db.get()?;
        let landing: Option<String> = programmes::table
            .filter(programmes::id.eq(id))
            .select(programmes::landing_url)
            .first(conn)
            .optional()?;
        let info = match landing {
            None => None,
            Some(landing) => {
                let deeplinks = crate::programme::queries::deeplink_policy(conn, id)?;
                let landing: url::Url = landing.parse()?;
                let landing_prefix = landing
                    .fragment()
                    .is_none()
                    .then(|| with_click_id(&landing, ""));
                Some(Arc::new(ProgrammeInfo {
                    landing,
                    landing_prefix,
                    deeplinks,
                }))
            }
        };
        Ok(info)
    }

    fn link(
        &mut self,
        programme_id: ProgrammeId,
        channel_id: ChannelId,
    ) -> anyhow::Result<Option<LinkInfo>> {
        let resting = self.database_down();
        let db = &mut self.db;
        let verdict = self.links.verdict((programme_id, channel_id), resting, || {
            let held = db.is_held();
            match read_link(db, programme_id, channel_id) {
                Err(_) if held => {
                    db.release();
                    read_link(db, programme_id, channel_id)
                }
                read => read,
            }
        });
        match verdict {
            Ok(info) => Ok(info),
            Err(Unread::Resting) => anyhow::bail!("the database failed a moment ago"),
            Err(Unread::Failed { error, known }) => {
                self.database_failed(&error);
                known.ok_or(error)
            }
        }
    }
}

fn read_link(
    db: &mut HeldConnection,
    programme_id: ProgrammeId,
    channel_id: ChannelId,
) -> anyhow::Result<Option<LinkInfo>> {
    let conn = db.get()?;
    Ok(link_cache::read_link(conn, programme_id, channel_id)?)
}

/// A click's user agent and referrer as the ids of their rows in `user_agents` and `referrers`.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tracking::writer::test_support::sqlite_pool;
    use crate::tracking::writer::{ClickDraft, ClickJob};

    fn job(programme_id: ProgrammeId, channel_id: ChannelId) -> ClickJob {
        let (reply, _) = tokio::sync::oneshot::channel();
        ClickJob {
            draft: ClickDraft {
                params: LinkParams {
                    programme_id,
                    channel_id,
                    ad_id: None,
                    epi: None,
                    deep_url: None,
                },
                at_ms: 0,
                ip_hash: [0; 16],
                visitor: 1,
                address: 1,
                user_agent: "Mozilla/5.0".into(),
                referrer: None,
                is_bot: false,
            },
            reply,
        }
    }

    /// Security issue 14, weakness 1: clicks with ever new ids are unknown links, and each
    /// miss is remembered (so a repeated one costs no read) — but no more than the bound.
    #[test]
    fn clicks_with_ever_new_ids_fill_the_caches_only_up_to_their_bound() {
        let dir = tempfile::tempdir().unwrap();
        let pool = sqlite_pool(&dir);
        crate::db::run_migrations(&mut pool.get().unwrap()).unwrap();
        let mut judge = Judge::new(
            pool,
            DatabaseKind::Sqlite,
            20,
            CreditingChanges::default(),
            None,
        );
        let programmes = PROGRAMMES_KEPT.get() as i64 + 50;
        let links = link_cache::LINKS_KEPT.get() as i64 + 50;
        for chunk in (0..links).collect::<Vec<_>>().chunks(1_000) {
            let jobs: Vec<ClickJob> = chunk
                .iter()
                .map(|n| job(ProgrammeId(n % programmes), ChannelId(1_000_000 + n)))
                .collect();
            let resolved = judge.resolve_all(&jobs);
            assert!(
                resolved.iter().all(|r| matches!(r, Ok(None))),
                "unknown links"
            );
        }
        assert_eq!(judge.programmes.len(), PROGRAMMES_KEPT.get());
        assert_eq!(judge.links.len(), link_cache::LINKS_KEPT.get());
        // The latest miss is remembered: asked again, it is answered from the cache.
        let last = (
            ProgrammeId((links - 1) % programmes),
            ChannelId(1_000_000 + links - 1),
        );
        assert!(judge.links.contains(&last));
    }
}
