//! SQLite: the committer's commits reach the disk through a sync thread (`WalSyncer`), and a
//! checkpoint thread copies the WAL back into the database and starts it over (`Checkpoints`).

use std::sync::Mutex;
use std::time::Duration;

use diesel::prelude::*;
use diesel::SqliteConnection;

use super::super::held::HeldConnection;
use super::super::{answer, refuse, Replies, WRITER_STOPPED};
use crate::db::{AnyConnection, Pool};

/// The SQLite committer's connection when a `WalSyncer` flushes after its commits, and the
/// pool's setting it goes back to (see `db`).
pub(super) const UNSYNCED_COMMITS: (&str, &str) =
    ("PRAGMA synchronous = NORMAL", "PRAGMA synchronous = FULL");

/// Locks a mutex that guards no data (a poisoned one is as good).
pub(super) fn hold(gate: &Mutex<()>) -> std::sync::MutexGuard<'_, ()> {
    gate.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Makes committed clicks durable before they are answered, without the committer
/// waiting for the disk. The committer commits with `synchronous = NORMAL` — the WAL frames
/// are written, not yet flushed — and hands the answers over; this thread flushes the WAL
/// file (`fdatasync`, what `synchronous = FULL` would do inside the commit) and then answers
/// every click committed before the flush began. Meanwhile the committer stores the next
/// batch, so one flush covers several commits. Checkpoints flush the WAL and the database
/// themselves before the WAL starts over.
pub(super) struct WalSyncer {
    sender: std::sync::mpsc::SyncSender<Replies>,
    thread: std::thread::JoinHandle<()>,
}

impl WalSyncer {
    pub(super) fn start(wal: std::path::PathBuf) -> WalSyncer {
        // Bounded: a committer that runs ahead of the disk waits instead of piling up
        // answers (clicks queue in front of the judge meanwhile and make larger batches).
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Replies>(64);
        let thread = std::thread::Builder::new()
            .name("click-sync".into())
            .spawn(move || sync_until_stopped(&wal, &receiver))
            .expect("start the WAL sync thread");
        WalSyncer { sender, thread }
    }

    pub(super) fn answer_when_synced(&self, replies: Replies) {
        if let Err(unsent) = self.sender.send(replies) {
            refuse(unsent.0, WRITER_STOPPED);
        }
    }

    /// Has the WAL flushed soon without anyone waiting for it (`ClickDurability::Committed`):
    /// the sync thread flushes as soon as it is free. When it is busy flushing, a flush is
    /// pending already and this one is not needed.
    pub(super) fn flush_soon(&self) {
        let _ = self.sender.try_send(Vec::new());
    }

    /// Waits until everything handed over is flushed and answered.
    pub(super) fn finish(self) {
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
pub(super) fn wal_path(conn: &mut AnyConnection) -> anyhow::Result<Option<std::path::PathBuf>> {
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

/// A passive checkpoint every `CHECKPOINT_EVERY` (it never blocks the committer), and
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

/// One passive checkpoint, and a restarting one if the WAL has grown too long.
fn checkpoint(
    conn: &mut AnyConnection,
    gate: &Mutex<()>,
    restart_pages: i64,
) -> anyhow::Result<()> {
    let AnyConnection::Sqlite(conn) = conn else {
        return Ok(());
    };
    if needs_restart(&passive(conn)?, restart_pages) {
        // Copy what came in during the first one, still beside the committer.
        passive(conn)?;
        restart(conn, gate)?;
    }
    Ok(())
}

/// Copies what it can of the WAL into the database without taking a lock anyone waits for.
fn passive(conn: &mut SqliteConnection) -> QueryResult<CheckpointResult> {
    diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").get_result(conn)
}

/// Whether the WAL should start over: the passive checkpoint ran and found it long.
fn needs_restart(passive: &CheckpointResult, restart_pages: i64) -> bool {
    passive.busy == 0 && passive.log > restart_pages
}

/// Starts the WAL over, so the next commit writes it from its beginning; whether it did. It
/// holds the committer back while it runs (`gate`: in SQLite's busy handler either side would
/// sleep 1, 2, 5, 10… ms between tries), and so it never waits itself: while a reader still
/// reads an older snapshot (a long statistics request) the WAL cannot start over, and waiting
/// for it with the gate held held every click for as long as the reader read (a 4.3 s
/// statistics request took /click from 15.7k to 1.0k requests/s, p99 4.07 s). SQLite's busy
/// handler is off for this one statement: it answers busy at once, and the next round
/// (`CHECKPOINT_EVERY` later) tries again.
fn restart(conn: &mut SqliteConnection, gate: &Mutex<()>) -> QueryResult<bool> {
    use diesel::connection::SimpleConnection;
    let _closed = hold(gate);
    conn.batch_execute("PRAGMA busy_timeout = 0")?;
    let result =
        diesel::sql_query("PRAGMA wal_checkpoint(RESTART)").get_result::<CheckpointResult>(conn);
    conn.batch_execute(crate::db::SQLITE_BUSY_TIMEOUT)?;
    Ok(result?.busy == 0)
}

/// The checkpoint thread (see `checkpoint_until_stopped`) and what stops it.
pub(in crate::tracking::writer) struct Checkpoints {
    stop: std::sync::mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Checkpoints {
    /// Starts the thread; `gate` is the committer's (held while its transaction is open).
    pub(super) fn start(pool: Pool, gate: std::sync::Arc<Mutex<()>>) -> Checkpoints {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("click-checkpoint".into())
            .spawn(move || checkpoint_until_stopped(pool, &gate, stopped))
            .expect("start the checkpoint thread");
        Checkpoints { stop, thread }
    }

    /// Runs one last checkpoint and waits for the thread to end.
    pub(super) fn finish(self) {
        drop(self.stop);
        let _ = self.thread.join();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use diesel::connection::SimpleConnection;
    use tokio::sync::oneshot;

    use super::*;
    use crate::tracking::writer::test_support::{sqlite_pool, sqlite_settings};
    use crate::tracking::writer::ClickOutcome;

    fn sqlite(conn: &mut AnyConnection) -> &mut SqliteConnection {
        match conn {
            AnyConnection::Sqlite(conn) => conn,
            AnyConnection::Postgresql(_) => unreachable!("a SQLite pool"),
        }
    }

    /// The WAL file's size after `commits` commits of about 6 KB, each open while the
    /// checkpoint thread's passive checkpoint runs: as under load, the checkpoint never finds
    /// the WAL copied to its end when the committer starts its next transaction, so SQLite
    /// never starts the WAL over by itself. The steps run one after the other in this
    /// thread, in the order the two threads take them under load, so the result does not
    /// depend on how threads are scheduled.
    fn wal_size_when_checkpoints_never_catch_up(restart_pages: i64, commits: usize) -> u64 {
        use diesel::r2d2::ManageConnection;
        let dir = tempfile::tempdir().unwrap();
        // Two connections of their own, not a pool's: a pool opens idle connections in the
        // background, and one being opened (its `journal_mode` pragma) makes a restart busy —
        // on a loaded machine, now and then, at the wrong moment.
        let manager = crate::db::ConnectionManager::new(&sqlite_settings(&dir));
        let mut committer = manager.connect().unwrap();
        // Not flushed: the test is about the WAL's length, not the disk.
        committer
            .batch_execute("PRAGMA synchronous = OFF; CREATE TABLE filler (text TEXT NOT NULL)")
            .unwrap();
        let mut checkpointer = manager.connect().unwrap();
        let checkpointer = sqlite(&mut checkpointer);
        let gate = Mutex::new(());
        for _ in 0..commits {
            let checked = {
                let _open = hold(&gate);
                committer
                    .batch_execute("BEGIN; INSERT INTO filler VALUES (hex(randomblob(3000)))")
                    .unwrap();
                let checked = passive(checkpointer).unwrap();
                committer.batch_execute("COMMIT").unwrap();
                checked
            };
            if needs_restart(&checked, restart_pages) {
                passive(checkpointer).unwrap();
                assert!(restart(checkpointer, &gate).unwrap(), "nobody reads");
            }
        }
        let rows: i64 =
            diesel::dsl::sql::<diesel::sql_types::BigInt>("SELECT count(*) FROM filler")
                .get_result(&mut committer)
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
        let restarted = wal_size_when_checkpoints_never_catch_up(200, 2000);
        assert!(restarted < 4 << 20, "the WAL grew to {restarted} bytes");
        let unrestarted = wal_size_when_checkpoints_never_catch_up(i64::MAX, 2000);
        assert!(
            unrestarted > 12 << 20,
            "without restarts: {unrestarted} bytes"
        );
    }

    #[test]
    fn a_long_read_never_holds_the_committer_back() {
        #[derive(QueryableByName)]
        struct BusyTimeout {
            #[diesel(sql_type = diesel::sql_types::Integer)]
            timeout: i32,
        }
        use diesel::r2d2::ManageConnection;
        let dir = tempfile::tempdir().unwrap();
        // Connections of their own, not a pool's: a pool opens idle connections in the
        // background, and one being opened (its `journal_mode` pragma) makes a restart busy.
        let manager = crate::db::ConnectionManager::new(&sqlite_settings(&dir));
        let mut committer = manager.connect().unwrap();
        committer
            .batch_execute(
                "CREATE TABLE filler (n INTEGER NOT NULL); INSERT INTO filler VALUES (1)",
            )
            .unwrap();
        // A statistics request: a read transaction on the snapshot it started with.
        let mut reader = manager.connect().unwrap();
        reader.batch_execute("BEGIN").unwrap();
        let _: i64 = diesel::dsl::sql::<diesel::sql_types::BigInt>("SELECT count(*) FROM filler")
            .get_result(&mut reader)
            .unwrap();
        committer
            .batch_execute("INSERT INTO filler VALUES (2)")
            .unwrap();
        // Were the restart to wait for the reader in SQLite's busy handler, it would wait an
        // hour, with the committer's gate held all along.
        let gate = Arc::new(Mutex::new(()));
        let (done, finished) = std::sync::mpsc::channel();
        let restarting = {
            let mut conn = manager.connect().unwrap();
            let gate = gate.clone();
            std::thread::spawn(move || {
                let sqlite_conn = sqlite(&mut conn);
                sqlite_conn
                    .batch_execute("PRAGMA busy_timeout = 3600000")
                    .unwrap();
                done.send(restart(sqlite_conn, &gate).unwrap()).unwrap();
                let timeout = diesel::sql_query("PRAGMA busy_timeout")
                    .get_result::<BusyTimeout>(sqlite_conn)
                    .unwrap()
                    .timeout;
                (timeout, conn)
            })
        };
        let restarted = finished
            .recv_timeout(Duration::from_secs(60))
            .expect("the restart waited for the reader");
        assert!(!restarted, "the WAL cannot start over under a reader");
        // The connection's busy timeout is back, and the gate is open.
        let (timeout, mut conn) = restarting.join().unwrap();
        assert_eq!(timeout, 5000);
        assert!(gate.try_lock().is_ok());
        committer
            .batch_execute("INSERT INTO filler VALUES (3)")
            .unwrap();
        // Once the reader is done, the next round starts the WAL over.
        reader.batch_execute("COMMIT").unwrap();
        let conn = sqlite(&mut conn);
        passive(conn).unwrap();
        assert!(restart(conn, &gate).unwrap());
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
            .build(crate::db::ConnectionManager::new(&sqlite_settings(&dir)))
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
