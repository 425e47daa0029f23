//! Where judged batches go: one transaction per batch, committed (and on disk) before the
//! clicks are answered. SQLite and PostgreSQL differ in how (see `sqlite`, `postgres`).

mod postgres;
mod sqlite;

use std::sync::{Arc, Mutex};

use diesel::prelude::*;

use super::held::HeldConnection;
use super::row::{ClickRow, NewClick};
use super::spool::{Spool, SpoolThread};
use super::texts::TextIdCache;
use super::{answer, refuse, Batch, MAX_BATCH, WRITER_STOPPED};
use crate::config::ClickDurability;
use crate::db::schema::clicks;
use crate::db::{AnyConnection, Pool};
use postgres::PgInsertClicks;
use sqlite::{hold, Checkpoints, WalSyncer, UNSYNCED_COMMITS};

/// Where judged batches go. PostgreSQL: committer threads, so one batch is inserted while
/// another waits for its WAL flush. SQLite: one write lock, and the flush happens after the
/// commit on the sync thread, so the judge stores its batches itself: a thread and a
/// hand-over fewer per batch.
pub(super) struct Storage {
    committers: Committers,
    /// Stores what was spooled while the database could not take clicks.
    spool: Option<SpoolThread>,
}

enum Committers {
    Inline {
        committer: Box<Committer>,
        checkpoints: Checkpoints,
    },
    Threads {
        batches: std::sync::mpsc::SyncSender<Batch>,
        committers: Vec<std::thread::JoinHandle<(u64, u64)>>,
    },
}

impl Storage {
    /// SQLite: the judge's own committer, which shares a gate with the checkpoint thread, and
    /// a sync thread for the WAL unless the database has no WAL file (in memory). The WAL is
    /// copied back into the database by a thread of its own, so the committer never waits for
    /// a checkpoint's fsyncs (measured: 80–110 ms each under load).
    pub(super) fn sqlite(
        judge: &mut HeldConnection,
        spool: Option<Arc<Spool>>,
        durability: ClickDurability,
    ) -> Storage {
        let gate = Arc::new(Mutex::new(()));
        let checkpoints = Checkpoints::start(judge.pool.clone(), gate.clone());
        let syncer = match judge.get().and_then(sqlite::wal_path) {
            Ok(Some(wal)) => Some(WalSyncer::start(wal)),
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = %e, "no WAL file to sync: every commit syncs");
                None
            }
        };
        let mut committer = Committer::sqlite(judge.pool.clone(), gate, syncer);
        committer.spool = spool.clone();
        committer.durability = durability;
        Storage {
            committers: Committers::Inline {
                committer: Box::new(committer),
                checkpoints,
            },
            spool: spool.map(|spool| SpoolThread::start(spool, judge.pool.clone())),
        }
    }

    /// `Committed`: the committers' sessions commit with `synchronous_commit = off`.
    pub(super) fn threads(
        pool: &Pool,
        count: usize,
        spool: Option<Arc<Spool>>,
        durability: ClickDurability,
    ) -> Storage {
        let (batches, receiver) = std::sync::mpsc::sync_channel::<Batch>(count);
        let receiver = Arc::new(Mutex::new(receiver));
        let committers = (0..count)
            .map(|n| {
                let mut committer = Committer::new(pool.clone());
                committer.spool = spool.clone();
                if durability == ClickDurability::Committed {
                    committer.db.setup = Some(ASYNC_COMMITS);
                }
                let receiver = receiver.clone();
                std::thread::Builder::new()
                    .name(format!("click-commit-{n}"))
                    .spawn(move || committer.run(&receiver))
                    .expect("start a click committer thread")
            })
            .collect();
        Storage {
            committers: Committers::Threads {
                batches,
                committers,
            },
            spool: spool.map(|spool| SpoolThread::start(spool, pool.clone())),
        }
    }

    pub(super) fn store(&mut self, batch: Batch) {
        match &mut self.committers {
            Committers::Inline { committer, .. } => committer.store(batch),
            // `send` blocks while every committer is busy and one batch waits already; clicks
            // queue up meanwhile and make the next batch larger.
            Committers::Threads { batches, .. } => {
                if let Err(unsent) = batches.send(batch) {
                    refuse(unsent.0.replies, WRITER_STOPPED);
                }
            }
        }
    }

    /// Waits until everything handed over is stored (and on SQLite checkpointed once more);
    /// how many clicks in how many commits.
    pub(super) fn finish(self) -> (u64, u64) {
        let stored = match self.committers {
            Committers::Inline {
                committer,
                checkpoints,
            } => {
                let stored = committer.finish();
                checkpoints.finish();
                stored
            }
            Committers::Threads {
                batches,
                committers,
            } => {
                drop(batches);
                committers
                    .into_iter()
                    .filter_map(|handle| handle.join().ok())
                    .fold((0, 0), |(c, n), (more_c, more_n)| (c + more_c, n + more_n))
            }
        };
        // One last try to store what waits in the spool; what stays is stored after a restart.
        if let Some(spool) = self.spool {
            spool.finish();
        }
        stored
    }
}

/// Stores batches: inserts a batch in one transaction, commits, then answers. As a thread it
/// takes one batch, merges whatever else is waiting, and ends when the judge is gone and
/// nothing waits.
pub(in crate::tracking::writer) struct Committer {
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
    /// Where clicks go when the database does not take them (none in some unit tests).
    spool: Option<Arc<Spool>>,
    /// Until when the database is not tried again after it failed (clicks go to the spool at
    /// once instead of each waiting for the pool's time-out).
    rest: super::Rest,
    /// SQLite with a syncer: `Committed` answers after the commit and has the WAL flushed at
    /// once in the background; `Flushed` answers after that flush.
    durability: ClickDurability,
}

/// PostgreSQL in `Committed` mode: the committers' sessions do not wait for the WAL flush, and
/// go back to the pool as they came.
const ASYNC_COMMITS: (&str, &str) = ("SET synchronous_commit = off", "RESET synchronous_commit");

impl Committer {
    fn new(pool: Pool) -> Committer {
        Committer {
            db: HeldConnection::new(pool),
            texts: TextIdCache::default(),
            gate: None,
            syncer: None,
            clicks: 0,
            commits: 0,
            spool: None,
            rest: super::Rest::default(),
            durability: ClickDurability::Flushed,
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

    /// Inserts and commits the batch, then answers its clicks. When the database does not take
    /// them, they go to the spool (on disk before anyone is answered) and are answered from
    /// there; without a spool, or when it cannot be written either, they are refused.
    fn store(&mut self, batch: Batch) {
        let down = self.rest.resting();
        let result = if down {
            Err(anyhow::anyhow!("the database failed a moment ago"))
        } else {
            let held = self.db.is_held();
            match self.insert(&batch.rows) {
                Err(first) if held => {
                    // A broken connection: one more try on a fresh one.
                    tracing::warn!(error = %first, "storing clicks failed, trying again");
                    self.db.release();
                    self.insert(&batch.rows)
                }
                result => result,
            }
        };
        match result {
            Ok(()) => {
                self.rest.end();
                self.clicks += batch.rows.len() as u64;
                self.commits += 1;
                match (&self.syncer, self.durability) {
                    (Some(syncer), ClickDurability::Flushed) => {
                        syncer.answer_when_synced(batch.replies)
                    }
                    (Some(syncer), ClickDurability::Committed) => {
                        syncer.flush_soon();
                        answer(batch.replies);
                    }
                    (None, _) => answer(batch.replies),
                }
            }
            Err(e) => {
                if !down {
                    self.db.release();
                    self.rest.begin();
                }
                let spooled = match &self.spool {
                    Some(spool) => spool.append(&batch.rows).map_err(anyhow::Error::from),
                    None => Err(anyhow::anyhow!("no spool")),
                };
                match spooled {
                    Ok(()) => {
                        tracing::warn!(error = %e, clicks = batch.rows.len(), "clicks spooled: the database did not take them");
                        answer(batch.replies);
                    }
                    Err(spool_error) => {
                        tracing::error!(error = %e, spool = %spool_error, clicks = batch.rows.len(), "storing clicks failed");
                        refuse(batch.replies, &e.to_string());
                    }
                }
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
