//! An allowance per key per minute, kept in memory (governor): the clicks per address and the
//! conversion API's requests per address and per programme.

use std::hash::Hash;
use std::time::Duration;

/// `per_minute` requests per key, all of them at once if the key was quiet; or no limit.
pub struct PerMinute<K: Hash + Eq + Clone>(Option<governor::DefaultKeyedRateLimiter<K>>);

impl<K: Hash + Eq + Clone> PerMinute<K> {
    /// `per_minute` per key (burst the same); 0: no limit.
    pub fn new(per_minute: u32) -> PerMinute<K> {
        PerMinute(
            std::num::NonZeroU32::new(per_minute).map(|n| {
                governor::RateLimiter::keyed(governor::Quota::per_minute(n).allow_burst(n))
            }),
        )
    }

    /// Whether `key` may go once more now (and counts it); else how long until it may.
    pub fn admit(&self, key: &K) -> Result<(), Duration> {
        use governor::clock::Clock;
        let Some(limiter) = &self.0 else {
            return Ok(());
        };
        limiter.check_key(key).map_err(|not_until| {
            not_until.wait_time_from(governor::clock::DefaultClock::default().now())
        })
    }

    /// Forgets the keys whose allowance is full again (they would be admitted as new), so only
    /// keys seen within the last minute are held; how many it still holds.
    pub fn forget_idle(&self) -> usize {
        self.0.as_ref().map_or(0, |limiter| {
            limiter.retain_recent();
            limiter.shrink_to_fit();
            limiter.len()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_allowance_then_waits_and_zero_is_no_limit() {
        // One a minute: the second within the minute waits (a minute's margin, whatever the
        // machine's speed).
        let limit = PerMinute::<u64>::new(1);
        assert!(limit.admit(&1).is_ok());
        let wait = limit.admit(&1).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_secs(60),
            "{wait:?}"
        );
        assert!(limit.admit(&2).is_ok(), "another key has its own");
        assert_eq!(limit.forget_idle(), 2);
        let none = PerMinute::<u64>::new(0);
        assert!((0..1000).all(|_| none.admit(&1).is_ok()));
        assert_eq!(none.forget_idle(), 0);
    }
}
