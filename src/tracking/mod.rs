//! Tracking links and clicks: the link format, the click redirect and its writer, abnormal-click
//! detection, the link generator and the statistics.

pub mod abnormal;
pub mod crediting;
pub mod link;
pub mod links;
pub mod retention;
pub mod routes;
pub mod stats;
pub mod writer;

/// What the click handler needs besides the queue: the bot list and the salt for IP hashes.
pub struct Tracking {
    pub queue: writer::ClickQueue,
    bots: isbot::Bots,
    ip_hasher: crate::ip_hash::IpHasher,
    /// Keys the user-agent hashes of `BOT_VERDICTS` (random per instance, so nobody can
    /// craft a user agent that collides with a browser's).
    verdict_keys: std::collections::hash_map::RandomState,
    /// Clicks per minute per address (`abnormal::address_key`: IPv4, or IPv6 per /64), or
    /// unlimited. Over the limit a click is refused before it reaches the click writer.
    limiter: crate::keyed_limit::PerMinute<u64>,
}

/// How many bot verdicts a worker thread keeps before it starts over.
const BOT_VERDICTS_KEPT: usize = 4096;

thread_local! {
    static BOT_VERDICTS: std::cell::RefCell<std::collections::HashMap<u64, bool>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

impl Tracking {
    /// `clicks_per_minute`: what one address may click (0: no limit).
    pub fn new(queue: writer::ClickQueue, secret_key: &[u8], clicks_per_minute: u32) -> Tracking {
        Tracking {
            queue,
            bots: isbot::Bots::default(),
            ip_hasher: crate::ip_hash::IpHasher::new(secret_key),
            verdict_keys: std::collections::hash_map::RandomState::new(),
            limiter: crate::keyed_limit::PerMinute::new(clicks_per_minute),
        }
    }

    /// Whether `address` may click once more now (and counts the click).
    pub fn admits(&self, address: u64) -> bool {
        self.limiter.admit(&address).is_ok()
    }

    /// Forgets the addresses whose limit is full again (they would be admitted as new), so the
    /// limiter holds only addresses that clicked within the last minute; how many it still holds.
    pub fn forget_idle_addresses(&self) -> usize {
        self.limiter.forget_idle()
    }

    /// A keyed hash of the visitor's address: 16 bytes. The address is never stored.
    pub fn ip_hash(&self, ip: Option<std::net::IpAddr>) -> [u8; 16] {
        self.ip_hasher.hash(ip)
    }

    /// Known crawlers, and requests without a user agent (real browsers always send one).
    ///
    /// The bot list is one large regular expression, the costliest step of a click's handler;
    /// a handful of user agents make most clicks, so each worker thread remembers its latest
    /// verdicts (by a 64-bit hash of the user agent; at most `BOT_VERDICTS_KEPT`).
    pub fn is_bot(&self, user_agent: &str) -> bool {
        if user_agent.trim().is_empty() {
            return true;
        }
        let key = {
            use std::hash::{BuildHasher, Hasher};
            let mut hasher = self.verdict_keys.build_hasher();
            hasher.write(user_agent.as_bytes());
            hasher.finish()
        };
        BOT_VERDICTS.with(|verdicts| {
            let mut verdicts = verdicts.borrow_mut();
            if let Some(&verdict) = verdicts.get(&key) {
                return verdict;
            }
            let verdict = self.bots.is_bot(user_agent);
            if verdicts.len() >= BOT_VERDICTS_KEPT {
                verdicts.clear();
            }
            verdicts.insert(key, verdict);
            verdict
        })
    }
}

/// The click log's day numbers (days since 1970-01-01, UTC) live in `db`, below the writer.
pub use crate::db::{date_of_day, day_number, day_of};

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn days_are_utc_dates() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let last_ms = day
            .and_hms_milli_opt(23, 59, 59, 999)
            .unwrap()
            .and_utc()
            .timestamp_millis();
        let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        assert_eq!(day_of(last_ms), (day - epoch).num_days() as i32);
        assert_eq!(day_of(last_ms + 1), day_of(last_ms) + 1);
        assert_eq!(day_of(-1), -1);
    }

    #[test]
    fn statistics_days_are_the_days_the_writer_stores() {
        for (y, m, d) in [(1970, 1, 1), (2026, 2, 28), (2028, 2, 29), (2026, 12, 31)] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let midnight = date
                .and_hms_opt(0, 0, 0)
                .unwrap()
                .and_utc()
                .timestamp_millis();
            assert_eq!(day_number(date), day_of(midnight));
            assert_eq!(day_number(date), day_of(midnight + 86_399_999));
            assert_eq!(date_of_day(day_number(date)), date);
        }
        assert_eq!(day_number(NaiveDate::from_ymd_opt(1970, 1, 2).unwrap()), 1);
    }

    #[test]
    fn ip_hashes_are_keyed_and_stable() {
        let (queue_a, _) = dummy_queue();
        let a = Tracking::new(queue_a, b"key one", 0);
        let (queue_b, _) = dummy_queue();
        let b = Tracking::new(queue_b, b"key two", 0);
        let ip = Some("192.0.2.7".parse().unwrap());
        assert_eq!(a.ip_hash(ip), a.ip_hash(ip));
        assert_ne!(a.ip_hash(ip), b.ip_hash(ip));
        assert_ne!(a.ip_hash(ip), a.ip_hash(Some("192.0.2.8".parse().unwrap())));
        assert_ne!(a.ip_hash(ip), [0u8; 16]);
        assert!(!a.ip_hash(ip).windows(4).any(|w| w == [192, 0, 2, 7]));
    }

    #[test]
    fn bots_are_recognised() {
        let (queue, _) = dummy_queue();
        let t = Tracking::new(queue, b"k", 0);
        let browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
                       (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
        // Twice each: the second verdict comes from the thread's memory.
        for _ in 0..2 {
            assert!(t.is_bot("Googlebot/2.1 (+http://www.google.com/bot.html)"));
            assert!(t.is_bot(""));
            assert!(t.is_bot("curl/8.5.0"));
            assert!(!t.is_bot(browser));
        }
        // A full memory starts over and still answers right.
        for n in 0..BOT_VERDICTS_KEPT + 10 {
            assert!(!t.is_bot(&format!("{browser} build/{n}")));
        }
        assert!(t.is_bot("curl/8.5.0"));
        assert!(BOT_VERDICTS.with(|v| v.borrow().len()) <= BOT_VERDICTS_KEPT);
    }

    #[test]
    fn an_address_clicks_up_to_its_limit_per_minute_and_an_idle_one_is_forgotten() {
        let (queue, _) = dummy_queue();
        let t = Tracking::new(queue, b"k", 3);
        let (one, other) = (abnormal::address_key(Some("192.0.2.1".parse().unwrap())), 7);
        assert!((0..3).all(|_| t.admits(one)));
        assert!(!t.admits(one), "the fourth click within the minute");
        // Another address has its own limit.
        assert!(t.admits(other));
        // Both are within their minute: neither is forgotten.
        assert_eq!(t.forget_idle_addresses(), 2);
        // Unlimited.
        let (queue, _) = dummy_queue();
        let free = Tracking::new(queue, b"k", 0);
        assert!((0..10_000).all(|_| free.admits(one)));
        assert_eq!(free.forget_idle_addresses(), 0);
    }

    fn dummy_queue() -> (
        writer::ClickQueue,
        tokio::sync::mpsc::Receiver<writer::ClickJob>,
    ) {
        writer::ClickQueue::detached()
    }
}
