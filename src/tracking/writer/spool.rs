//! The click spool: clicks the database cannot take (unreachable, locked, failing) are appended
//! to a file in the data folder and flushed to disk before their visitors are redirected; a
//! thread stores them once the database answers again — each once, by its click id — and the
//! file starts over. A visitor is never kept from the advertiser by a database outage, and no
//! acknowledged click is lost (security issue 14, fault tests).

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use diesel::prelude::*;

use super::held::HeldConnection;
use super::row::{ClickRow, NewClick};
use super::texts::TextIdCache;

use crate::db::schema::clicks;
use crate::db::{AnyConnection, Pool};

/// How often the spool thread tries the database while clicks wait in the spool.
const RETRY_EVERY: Duration = Duration::from_millis(500);

/// The spool file, shared by the committers and the spool thread.
pub(in crate::tracking::writer) struct Spool {
    path: PathBuf,
    /// Held while the file is written, read or emptied.
    file: Mutex<()>,
    /// Whether the file may hold clicks (checked without touching the disk).
    pending: AtomicBool,
}

impl Spool {
    /// The spool in `dir` (made when missing); clicks left from before a crash wait in it.
    pub(in crate::tracking::writer) fn open(dir: &Path) -> std::io::Result<Arc<Spool>> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join("clicks.jsonl");
        let pending = std::fs::metadata(&path)
            .map(|m| m.len() > 0)
            .unwrap_or(false);
        Ok(Arc::new(Spool {
            path,
            file: Mutex::new(()),
            pending: AtomicBool::new(pending),
        }))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Appends the rows and flushes them to disk; only then may their visitors be answered.
    pub(in crate::tracking::writer) fn append(&self, rows: &[ClickRow]) -> std::io::Result<()> {
        let mut text = String::new();
        for row in rows {
            text.push_str(&serde_json::to_string(row).map_err(std::io::Error::other)?);
            text.push('\n');
        }
        let _file = self.lock();
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        file.write_all(text.as_bytes())?;
        file.sync_data()?;
        self.pending.store(true, Ordering::SeqCst);
        Ok(())
    }

    pub(in crate::tracking::writer) fn is_pending(&self) -> bool {
        self.pending.load(Ordering::SeqCst)
    }

    /// Stores every spooled click (those stored already are skipped by their click id) and
    /// empties the file; how many were in it. On an error the file is left as it was.
    pub(in crate::tracking::writer) fn store_all(
        &self,
        db: &mut HeldConnection,
        texts: &mut TextIdCache,
    ) -> anyhow::Result<usize> {
        let _file = self.lock();
        let rows = match std::fs::File::open(&self.path) {
            Ok(file) => std::io::BufReader::new(file)
                .lines()
                .map_while(Result::ok)
                // A line cut short by a crash was never acknowledged: nothing to store.
                .filter_map(|line| serde_json::from_str::<ClickRow>(&line).ok())
                .collect::<Vec<_>>(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e.into()),
        };
        if !rows.is_empty() {
            let conn = db.get()?;
            let ids = texts.ids(conn, &rows)?;
            crate::db::write_transaction(conn, |conn| {
                for (row, ids) in rows.iter().zip(ids) {
                    insert_once(conn, &NewClick::new(row, ids))?;
                }
                diesel::QueryResult::Ok(())
            })?;
        }
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&self.path)?;
        file.sync_all()?;
        self.pending.store(false, Ordering::SeqCst);
        Ok(rows.len())
    }
}

/// Inserts a click unless its click id is stored already.
fn insert_once(conn: &mut AnyConnection, click: &NewClick<'_>) -> QueryResult<usize> {
    match conn {
        AnyConnection::Sqlite(c) => diesel::insert_into(clicks::table)
            .values(click)
            .on_conflict_do_nothing()
            .execute(c),
        AnyConnection::Postgresql(c) => diesel::insert_into(clicks::table)
            .values(click)
            .on_conflict_do_nothing()
            .execute(c),
    }
}

/// The spool thread: stores spooled clicks once the database answers, trying every
/// `RETRY_EVERY` while any wait; ends (after one last try) when told to.
pub(in crate::tracking::writer) struct SpoolThread {
    stop: mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl SpoolThread {
    pub(in crate::tracking::writer) fn start(spool: Arc<Spool>, pool: Pool) -> SpoolThread {
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("click-spool".into())
            .spawn(move || {
                let mut db = HeldConnection::new(pool);
                let mut texts = TextIdCache::default();
                loop {
                    let last = !matches!(
                        stopped.recv_timeout(RETRY_EVERY),
                        Err(mpsc::RecvTimeoutError::Timeout)
                    );
                    if spool.is_pending() {
                        match spool.store_all(&mut db, &mut texts) {
                            Ok(stored) => {
                                tracing::info!(clicks = stored, "spooled clicks stored")
                            }
                            Err(e) => {
                                db.release();
                                tracing::warn!(error = %e, "spooled clicks wait for the database");
                            }
                        }
                    }
                    if last {
                        return;
                    }
                }
            })
            .expect("start the click spool thread");
        SpoolThread { stop, thread }
    }

    /// One last try, then the thread ends.
    pub(in crate::tracking::writer) fn finish(self) {
        drop(self.stop);
        let _ = self.thread.join();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::ids::{ChannelId, ParticipantId, ProgrammeId};
    use crate::tracking::abnormal::NotCredited;
    use crate::tracking::writer::test_support::sqlite_pool;

    fn row(n: u8) -> ClickRow {
        ClickRow {
            click_id: [n; 16],
            clicked_at: 1_764_000_000_000,
            day: 20_416,
            programme_id: ProgrammeId(1),
            channel_id: ChannelId(2),
            participant_id: ParticipantId(3),
            ad_id: None,
            epi: Some("blog".into()),
            ip_hash: [9; 16],
            user_agent: "Mozilla/5.0".into(),
            referrer: None,
            credited: n.is_multiple_of(2),
            reason: (n % 2 == 1).then_some(NotCredited::Duplicate),
        }
    }

    /// Spooled clicks are stored each once — also when the spool is stored again after a
    /// crash between the commit and emptying the file — and a line cut short is skipped.
    #[test]
    fn spooled_clicks_are_stored_once_and_a_torn_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let pool = sqlite_pool(&dir);
        crate::db::run_migrations(&mut pool.get().unwrap()).unwrap();
        let spool = Spool::open(&dir.path().join("spool")).unwrap();
        assert!(!spool.is_pending());
        spool.append(&[row(1), row(2)]).unwrap();
        spool.append(&[row(3)]).unwrap();
        assert!(spool.is_pending());
        let kept = std::fs::read(&spool.path).unwrap();
        // A crash while a line was written: half of it is on disk.
        let mut torn = kept.clone();
        torn.extend_from_slice(b"{\"click_id\":[4,4,4");
        std::fs::write(&spool.path, &torn).unwrap();
        let mut db = HeldConnection::new(pool.clone());
        let mut texts = TextIdCache::default();
        assert_eq!(spool.store_all(&mut db, &mut texts).unwrap(), 3);
        assert!(!spool.is_pending());
        assert_eq!(std::fs::metadata(&spool.path).unwrap().len(), 0);
        // Stored again (the file was not emptied before a crash): nothing twice.
        std::fs::write(&spool.path, &kept).unwrap();
        assert_eq!(spool.store_all(&mut db, &mut texts).unwrap(), 3);
        let stored: Vec<(Vec<u8>, bool, Option<String>)> = clicks::table
            .order(clicks::click_id)
            .select((clicks::click_id, clicks::credited, clicks::reason))
            .load(&mut *pool.get().unwrap())
            .unwrap();
        assert_eq!(
            stored,
            vec![
                (vec![1; 16], false, Some("duplicate".into())),
                (vec![2; 16], true, None),
                (vec![3; 16], false, Some("duplicate".into())),
            ]
        );
        // The daily rollups count each once too: the clicks stored again were not inserted.
        use crate::db::schema::click_days;
        let rollups: Vec<(bool, String, i32)> = click_days::table
            .order(click_days::credited)
            .select((click_days::credited, click_days::reason, click_days::clicks))
            .load(&mut *pool.get().unwrap())
            .unwrap();
        assert_eq!(
            rollups,
            vec![(false, "duplicate".into(), 2), (true, String::new(), 1)]
        );
        // A spool left from before a restart is found pending.
        std::fs::write(&spool.path, &kept).unwrap();
        assert!(Spool::open(&dir.path().join("spool")).unwrap().is_pending());
    }

    /// A spool line is the click row as JSON, its reason as text; a reason a later version wrote
    /// and this one does not know is read as "not credited" without a reason.
    #[test]
    fn a_spooled_reason_this_version_does_not_know_is_stored_as_none() {
        let dir = tempfile::tempdir().unwrap();
        let pool = sqlite_pool(&dir);
        crate::db::run_migrations(&mut pool.get().unwrap()).unwrap();
        let spool = Spool::open(&dir.path().join("spool")).unwrap();
        spool.append(&[row(1)]).unwrap();
        let line = std::fs::read_to_string(&spool.path).unwrap();
        assert!(line.contains(r#""reason":"duplicate""#), "{line}");
        std::fs::write(
            &spool.path,
            line.replace(r#""duplicate""#, r#""a_later_reason""#),
        )
        .unwrap();
        let mut db = HeldConnection::new(pool.clone());
        let mut texts = TextIdCache::default();
        assert_eq!(spool.store_all(&mut db, &mut texts).unwrap(), 1);
        let stored: (bool, Option<String>) = clicks::table
            .select((clicks::credited, clicks::reason))
            .first(&mut *pool.get().unwrap())
            .unwrap();
        assert_eq!(stored, (false, None));
    }
}
