/// Click ids, handed to the advertiser to attribute a later conversion: 128 bits, written as
/// 32 hex characters — the click's time in milliseconds (48 bits) followed by 80 random bits.
/// The random part makes ids unguessable; the time first makes them ascend, so each new row
/// lands at the end of the click log's primary key instead of on a random page of it (a
/// random id dirtied one page per click and made every commit write that many pages). Within
/// one millisecond (or if the clock goes back) an id is the previous one plus a random step,
/// so the ids of one writer strictly ascend: they also tell the order clicks arrived in.
#[derive(Default)]
pub(super) struct ClickIds {
    last: u128,
}

impl ClickIds {
    pub(super) fn next(&mut self, now_ms: i64) -> [u8; 16] {
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
}
