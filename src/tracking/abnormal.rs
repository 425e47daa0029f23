//! Abnormal clicks (rules E.10.c): recorded, but not credited, with the reason.
//!
//! A visitor is the pair (keyed IP hash, user agent). The same visitor clicking the same link
//! again within 30 seconds is a duplicate; more clicks per visitor in 60 seconds than the
//! configured limit is abnormal velocity. An address (IPv6: its /64) clicking more than
//! `ADDRESS_FACTOR` times the limit in 60 seconds is abnormal velocity too, whatever user agents
//! it sends — changing the user agent per click no longer makes every click a new visitor. The
//! memory is per app instance and holds one minute.

use std::collections::{HashMap, VecDeque};

/// Why a click is recorded but not credited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotCredited {
    ParticipantTerminated,
    ChannelNotApproved,
    MembershipNotApproved,
    Bot,
    Duplicate,
    Velocity,
}

impl NotCredited {
    pub const ALL: [NotCredited; 6] = [
        NotCredited::ParticipantTerminated,
        NotCredited::ChannelNotApproved,
        NotCredited::MembershipNotApproved,
        NotCredited::Bot,
        NotCredited::Duplicate,
        NotCredited::Velocity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotCredited::ParticipantTerminated => "participant_terminated",
            NotCredited::ChannelNotApproved => "channel_not_approved",
            NotCredited::MembershipNotApproved => "membership_not_approved",
            NotCredited::Bot => "bot",
            NotCredited::Duplicate => "duplicate",
            NotCredited::Velocity => "velocity",
        }
    }

    pub fn parse(text: &str) -> Option<NotCredited> {
        NotCredited::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// An address may click this many times the per-visitor limit (several people behind one
/// address, a family or an office) before its clicks count as abnormal.
pub const ADDRESS_FACTOR: usize = 3;

pub use crate::client_ip::address_key;

pub const DUPLICATE_WINDOW_MS: i64 = 30_000;
pub const VELOCITY_WINDOW_MS: i64 = 60_000;

/// Remembers recent clicks per visitor. Used by the single click writer, so it needs no lock.
pub struct Detector {
    velocity_limit: usize,
    /// Per visitor: the times of its latest clicks (at most `velocity_limit`).
    recent: HashMap<u64, VecDeque<i64>>,
    /// Per (visitor, link): the time of the latest click.
    last_on_link: HashMap<(u64, u64), i64>,
    /// Per address: the times of its latest clicks (at most `ADDRESS_FACTOR` × the limit).
    per_address: HashMap<u64, VecDeque<i64>>,
    last_pruned: i64,
}

impl Detector {
    pub fn new(velocity_limit: u32) -> Detector {
        Detector {
            velocity_limit: velocity_limit as usize,
            recent: HashMap::new(),
            last_on_link: HashMap::new(),
            per_address: HashMap::new(),
            last_pruned: 0,
        }
    }

    /// `judge`, and the per-address count: an address over `ADDRESS_FACTOR` × the limit in a
    /// minute makes its click abnormal velocity whatever the visitor.
    pub fn judge_with_address(
        &mut self,
        visitor: u64,
        address: u64,
        link: u64,
        now_ms: i64,
    ) -> Option<NotCredited> {
        let verdict = self.judge(visitor, link, now_ms);
        let limit = self.velocity_limit.saturating_mul(ADDRESS_FACTOR);
        let times = self.per_address.entry(address).or_default();
        while times
            .front()
            .is_some_and(|t| now_ms - t >= VELOCITY_WINDOW_MS)
        {
            times.pop_front();
        }
        times.push_back(now_ms);
        let too_fast = times.len() > limit;
        while times.len() > limit {
            times.pop_front();
        }
        match verdict {
            None if too_fast => Some(NotCredited::Velocity),
            other => other,
        }
    }

    /// Records a click by `visitor` on `link` at `now_ms` and says whether it is abnormal.
    pub fn judge(&mut self, visitor: u64, link: u64, now_ms: i64) -> Option<NotCredited> {
        self.prune(now_ms);
        let duplicate = self
            .last_on_link
            .insert((visitor, link), now_ms)
            .is_some_and(|before| now_ms - before < DUPLICATE_WINDOW_MS);
        let times = self.recent.entry(visitor).or_default();
        while times
            .front()
            .is_some_and(|t| now_ms - t >= VELOCITY_WINDOW_MS)
        {
            times.pop_front();
        }
        times.push_back(now_ms);
        let too_fast = times.len() > self.velocity_limit;
        // The next verdict needs only the latest `velocity_limit` times.
        while times.len() > self.velocity_limit {
            times.pop_front();
        }
        if duplicate {
            Some(NotCredited::Duplicate)
        } else if too_fast {
            Some(NotCredited::Velocity)
        } else {
            None
        }
    }

    /// Forgets what is older than the windows, at most once a second.
    fn prune(&mut self, now_ms: i64) {
        if now_ms - self.last_pruned < 1_000 {
            return;
        }
        self.last_pruned = now_ms;
        self.last_on_link
            .retain(|_, t| now_ms - *t < DUPLICATE_WINDOW_MS);
        self.recent.retain(|_, times| {
            times
                .back()
                .is_some_and(|t| now_ms - t < VELOCITY_WINDOW_MS)
        });
        self.per_address.retain(|_, times| {
            times
                .back()
                .is_some_and(|t| now_ms - t < VELOCITY_WINDOW_MS)
        });
    }

    pub fn remembered_visitors(&self) -> usize {
        self.recent.len()
    }

    /// How many (visitor, link) pairs the duplicate check remembers.
    pub fn remembered_links(&self) -> usize {
        self.last_on_link.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_changing_its_user_agent_per_click_is_held_to_the_address_limit() {
        // Limit 2 per visitor: 6 per address. Every click a new user agent (a new visitor).
        let mut d = Detector::new(2);
        let verdicts: Vec<_> = (0..8)
            .map(|n| d.judge_with_address(100 + n, 7, n, 1_000 + n as i64))
            .collect();
        assert_eq!(verdicts[..6], [None; 6]);
        assert_eq!(verdicts[6..], [Some(NotCredited::Velocity); 2]);
        // Another address is not affected; a minute later this one is back within its limit.
        assert_eq!(d.judge_with_address(500, 8, 1, 2_000), None);
        assert_eq!(d.judge_with_address(501, 7, 1, 62_000), None);
    }

    #[test]
    fn ipv6_addresses_count_per_64() {
        let a: std::net::IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: std::net::IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: std::net::IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(address_key(Some(a)), address_key(Some(b)));
        assert_ne!(address_key(Some(a)), address_key(Some(c)));
        let v4: std::net::IpAddr = "192.0.2.1".parse().unwrap();
        let mapped: std::net::IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(address_key(Some(v4)), address_key(Some(mapped)));
    }

    #[test]
    fn the_same_link_again_within_30_seconds_is_a_duplicate() {
        let mut d = Detector::new(100);
        assert_eq!(d.judge(1, 10, 0), None);
        assert_eq!(d.judge(1, 10, 29_999), Some(NotCredited::Duplicate));
        // The window counts from the latest click.
        assert_eq!(d.judge(1, 10, 59_998), Some(NotCredited::Duplicate));
        assert_eq!(d.judge(1, 10, 89_998), None);
        // Another link, or another visitor, is not a duplicate.
        assert_eq!(d.judge(1, 11, 89_999), None);
        assert_eq!(d.judge(2, 10, 89_999), None);
    }

    #[test]
    fn more_clicks_per_minute_than_the_limit_is_velocity() {
        let mut d = Detector::new(3);
        for (i, t) in [0, 10_000, 20_000].into_iter().enumerate() {
            assert_eq!(d.judge(7, i as u64, t), None);
        }
        assert_eq!(d.judge(7, 100, 30_000), Some(NotCredited::Velocity));
        // A minute after the first clicks the visitor is back within the limit.
        assert_eq!(d.judge(7, 101, 75_000), None);
        // Another visitor is not affected.
        assert_eq!(d.judge(8, 100, 30_000), None);
    }

    #[test]
    fn the_duplicate_window_is_30_seconds_exactly() {
        let mut d = Detector::new(100);
        assert_eq!(d.judge(1, 10, 1_000), None);
        assert_eq!(d.judge(1, 10, 1_000 + 29_999), Some(NotCredited::Duplicate));
        let mut d = Detector::new(100);
        assert_eq!(d.judge(1, 10, 1_000), None);
        assert_eq!(d.judge(1, 10, 1_000 + DUPLICATE_WINDOW_MS), None);
        assert_eq!(DUPLICATE_WINDOW_MS, 30_000);
        // The same at the edge when the memory was pruned less than a second before.
        let mut d = Detector::new(100);
        assert_eq!(d.judge(1, 10, 1_000), None);
        assert_eq!(d.judge(2, 20, 30_500), None);
        assert_eq!(d.judge(1, 10, 31_000), None, "30 s after: a new click");
        assert_eq!(d.judge(2, 20, 31_200), Some(NotCredited::Duplicate));
    }

    #[test]
    fn the_velocity_limit_counts_one_minute_exactly() {
        let mut d = Detector::new(2);
        assert_eq!(d.judge(5, 1, 0), None);
        assert_eq!(d.judge(5, 2, 1), None);
        // The third click in the same minute is one too many…
        assert_eq!(d.judge(5, 3, 59_999), Some(NotCredited::Velocity));
        // …but a minute after the first one, that one no longer counts.
        let mut d = Detector::new(2);
        assert_eq!(d.judge(5, 1, 0), None);
        assert_eq!(d.judge(5, 2, 1), None);
        assert_eq!(d.judge(5, 3, VELOCITY_WINDOW_MS), None);
        // The minute counts back from each click, not from the first one remembered.
        let mut d = Detector::new(2);
        assert_eq!(d.judge(5, 1, 10_000), None);
        assert_eq!(d.judge(5, 2, 20_000), None);
        assert_eq!(d.judge(5, 3, 40_000), Some(NotCredited::Velocity));
        assert_eq!(
            d.judge(5, 4, 75_000),
            Some(NotCredited::Velocity),
            "20 s, 40 s, 75 s"
        );
        assert_eq!(d.judge(5, 5, 101_000), None, "only 75 s within the minute");
        // A duplicate that is also too fast is named a duplicate.
        let mut d = Detector::new(1);
        assert_eq!(d.judge(6, 1, 0), None);
        assert_eq!(d.judge(6, 1, 10), Some(NotCredited::Duplicate));
        assert_eq!(d.judge(6, 2, 20), Some(NotCredited::Velocity));
    }

    #[test]
    fn pruning_forgets_only_what_the_windows_no_longer_need_at_most_once_a_second() {
        let mut d = Detector::new(100);
        let remembered = |d: &Detector| (d.remembered_visitors(), d.remembered_links());
        d.judge(1, 1, 10_000);
        d.judge(2, 2, 20_000);
        d.judge(3, 3, 20_500);
        assert_eq!(remembered(&d), (3, 3));
        // 30 s after visitor 1's click its link is forgotten; the visitor itself is kept for
        // the velocity check (one minute).
        d.judge(4, 4, 40_000);
        assert_eq!(remembered(&d), (4, 3));
        d.judge(5, 5, 50_000);
        assert_eq!(remembered(&d), (5, 3), "(2, 2) forgotten at 30 s");
        // Less than a second after the last pruning nothing is forgotten, though (3, 3) is
        // past its window now…
        d.judge(6, 6, 50_600);
        assert_eq!(remembered(&d), (6, 4));
        // …a second after it, it is.
        d.judge(7, 7, 51_000);
        assert_eq!(remembered(&d), (7, 4));
        // A minute after visitor 1's click, visitor 1 is forgotten.
        d.judge(8, 8, 70_000);
        assert_eq!(remembered(&d), (7, 4));
        // Forgetting changes no verdict: what is kept still counts, what is gone was done.
        assert_eq!(d.judge(5, 5, 79_999), Some(NotCredited::Duplicate));
        assert_eq!(d.judge(1, 1, 80_000), None);
        assert_eq!(d.judge(4, 4, 80_000), None);
    }

    #[test]
    fn memory_stays_bounded() {
        let mut d = Detector::new(5);
        for i in 0..10_000u64 {
            d.judge(i, i, i as i64);
        }
        d.judge(0, 0, 200_000);
        assert_eq!(d.remembered_visitors(), 1);
        for t in 0..10_000 {
            d.judge(3, 3, 300_000 + t);
        }
        assert_eq!(d.recent[&3].len(), 5);
    }

    #[test]
    fn reasons_round_trip() {
        for r in NotCredited::ALL {
            assert_eq!(NotCredited::parse(r.as_str()), Some(r));
        }
    }
}
