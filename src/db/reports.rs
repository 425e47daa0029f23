//! Reports (statistics) run on threads of their own with a lower CPU priority (nice 10), so a
//! long report shares the cores with the click path instead of taking one from it: on a busy
//! 2-core machine the click writer, the sync thread and the workers come first.

use std::sync::{mpsc, Arc, Mutex};

use super::{AnyConnection, Pool};

type Job = Box<dyn FnOnce(&Pool) + Send>;

/// The report threads. Cloning shares them.
#[derive(Clone)]
pub struct Reports {
    jobs: mpsc::Sender<Job>,
}

/// How much lower the report threads' priority is than the rest (Linux nice, 0–19).
const NICENESS: i32 = 10;

/// The report threads' handles, to wait for their end once every `Reports` is dropped.
pub struct ReportThreads(Vec<std::thread::JoinHandle<()>>);

impl ReportThreads {
    /// Waits until every report thread has ended (after the last `Reports` is dropped).
    pub fn join(self) {
        for thread in self.0 {
            let _ = thread.join();
        }
    }
}

impl Reports {
    /// Starts `threads` report threads on `pool`. They end when the last `Reports` is dropped.
    pub fn start(pool: Pool, threads: usize) -> std::io::Result<(Reports, ReportThreads)> {
        let (jobs, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        let mut handles = Vec::new();
        for n in 0..threads.max(1) {
            let (pool, receiver) = (pool.clone(), receiver.clone());
            let handle = std::thread::Builder::new()
                .name(format!("reports-{n}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        let job = match receiver.lock() {
                            Ok(jobs) => jobs.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(&pool),
                            Err(_) => return,
                        }
                    }
                })?;
            handles.push(handle);
        }
        Ok((Reports { jobs }, ReportThreads(handles)))
    }

    /// Runs `f` with a pooled connection on a report thread and waits for its result.
    pub async fn run<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&mut AnyConnection) -> Result<T, E> + Send + 'static,
        E: From<diesel::r2d2::PoolError> + From<ReportsStopped> + Send + 'static,
        T: Send + 'static,
    {
        let (answer, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |pool: &Pool| {
            let outcome = pool
                .get()
                .map_err(E::from)
                .and_then(|mut conn| f(&mut conn));
            let _ = answer.send(outcome);
        });
        self.jobs.send(job).map_err(|_| ReportsStopped)?;
        result.await.map_err(|_| ReportsStopped)?
    }
}

/// The report threads are gone (the app is stopping).
#[derive(Debug, thiserror::Error)]
#[error("the report threads have stopped")]
pub struct ReportsStopped;

/// Lowers this thread's CPU priority (on Linux the nice value is per thread). A failure only
/// leaves the report at normal priority.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority has no memory effects; `who = 0` names the calling thread.
    unsafe {
        if libc::setpriority(libc::PRIO_PROCESS, 0, NICENESS) != 0 {
            tracing::warn!("cannot lower the report threads' priority");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    enum Failure {
        Report,
        Other,
    }

    impl From<diesel::r2d2::PoolError> for Failure {
        fn from(_: diesel::r2d2::PoolError) -> Failure {
            Failure::Other
        }
    }

    impl From<ReportsStopped> for Failure {
        fn from(_: ReportsStopped) -> Failure {
            Failure::Other
        }
    }

    #[test]
    fn report_threads_run_at_a_lower_priority() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("r.db").display());
        let pool =
            crate::db::connect(&crate::config::DatabaseSettings::parse(&url).unwrap()).unwrap();
        let (reports, threads) = Reports::start(pool, 1).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let (nice, name) = rt
            .block_on(reports.run(|_conn| -> Result<_, Failure> {
                // SAFETY: getpriority only reads the calling thread's nice value.
                let nice = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
                Ok((nice, std::thread::current().name().map(str::to_owned)))
            }))
            .unwrap();
        assert_eq!(nice, NICENESS);
        assert_eq!(name.as_deref(), Some("reports-0"));
        // An error of the report comes back as the handler's error.
        let failed =
            rt.block_on(reports.run(|_conn| -> Result<(), Failure> { Err(Failure::Report) }));
        assert!(matches!(failed, Err(Failure::Report)));
        // Without a `Reports` left, the threads end.
        drop(reports);
        threads.join();
    }
}
