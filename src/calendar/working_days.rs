//! Working days as the rules count them (G.12, governed by Hong Kong law, G.13): Monday to
//! Friday, minus the Hong Kong general holidays. Days are Hong Kong calendar days (UTC+8 all
//! year: Hong Kong has no summer time), so a measure taken at 20:00 UTC counts from the next day.
//!
//! "Within 5 working days of the measure" means up to and including the fifth working day after
//! the day the measure was taken: a measure on Friday 4 December 2026 may be objected to until
//! Friday 11 December. A decision "within 15 working days" is due on the fifteenth working day
//! after the objection was filed.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, Weekday};

/// Hong Kong's offset from UTC, all year.
pub const HONG_KONG_OFFSET_HOURS: i64 = 8;

/// Days a participant has to object to a measure (G.12).
pub const CLAIM_PERIOD: u32 = 5;
/// Days an account manager has to decide an objection (G.12).
pub const DECISION_PERIOD: u32 = 15;

/// The Hong Kong calendar day of a moment stored in UTC.
pub fn hong_kong_day(at: NaiveDateTime) -> NaiveDate {
    (at + chrono::Duration::hours(HONG_KONG_OFFSET_HOURS)).date()
}

/// Today as the rules count days: the Hong Kong day now (`db::now`, which tests can move).
pub fn today() -> NaiveDate {
    hong_kong_day(crate::db::now())
}

/// The last moment (in UTC, to the second) of a Hong Kong calendar day: a period that runs "up to
/// and including" `day` ends then, 15:59:59 UTC. What a reader is shown: `i18n::deadline`.
pub fn end_of_hong_kong_day(day: NaiveDate) -> NaiveDateTime {
    day.and_hms_opt(23, 59, 59).unwrap_or_default()
        - chrono::Duration::hours(HONG_KONG_OFFSET_HOURS)
}

/// The words of a deadline that runs up to and including the Hong Kong day `day`
/// (`i18n::deadline_moment` at the end of that day): a claim period, a decision due.
pub fn deadline_day_moment(
    lang: crate::i18n::Lang,
    day: chrono::NaiveDate,
    reader: chrono_tz::Tz,
) -> String {
    crate::i18n::deadline_moment(lang, end_of_hong_kong_day(day), reader)
}

/// The public holidays the calendar knows.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    pub fn new(holidays: impl IntoIterator<Item = NaiveDate>) -> Calendar {
        Calendar {
            holidays: holidays.into_iter().collect(),
        }
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&day)
    }

    /// The `n`th working day after `day` (`day` itself does not count).
    pub fn add_working_days(&self, day: NaiveDate, n: u32) -> NaiveDate {
        let mut current = day;
        let mut left = n;
        while left > 0 {
            current = current + Days::new(1);
            if self.is_working_day(current) {
                left -= 1;
            }
        }
        current
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not after `from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| self.is_working_day(*d))
            .count() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    /// The shipped 2026–2027 table, as the migration seeds it.
    fn hong_kong() -> Calendar {
        let csv = include_str!("../../migrations/sqlite/2026-11-30-000009_enforcement/up.sql");
        Calendar::new(
            csv.lines()
                .filter_map(|l| l.trim().strip_prefix("('"))
                .map(|l| day(&l[..10])),
        )
    }

    #[test]
    fn the_seeded_table_is_the_hong_kong_one() {
        let calendar = hong_kong();
        assert_eq!(calendar.holidays.len(), 37);
        for holiday in ["2026-12-25", "2026-12-26", "2027-01-01", "2026-10-01"] {
            assert!(!calendar.is_working_day(day(holiday)), "{holiday}");
        }
    }

    #[test]
    fn claim_and_decision_periods_around_weekends_and_holidays() {
        let calendar = hong_kong();
        // (measure taken on, last day to object, decision due for an objection filed that day)
        let cases = [
            // An ordinary Monday: Tuesday..Monday next week.
            ("2026-11-16", "2026-11-23", "2026-12-07"),
            // Taken on a Friday: the weekend does not count.
            ("2026-11-20", "2026-11-27", "2026-12-11"),
            // Taken on a Saturday or Sunday: counting starts on Monday.
            ("2026-11-21", "2026-11-27", "2026-12-11"),
            ("2026-11-22", "2026-11-27", "2026-12-11"),
            // The year's end: 25 (Friday) and 26 December (Saturday, a holiday anyway) and
            // 1 January (Friday) are holidays.
            ("2026-12-22", "2026-12-30", "2027-01-14"),
            ("2026-12-24", "2027-01-04", "2027-01-18"),
            ("2026-12-31", "2027-01-08", "2027-01-22"),
            // A holiday on a Friday (Good Friday, 26 March 2027), Easter Monday after it, and
            // Ching Ming on Monday 5 April.
            ("2027-03-24", "2027-04-02", "2027-04-19"),
            // Taken on a holiday: it counts from the next working day.
            ("2026-10-01", "2026-10-08", "2026-10-23"),
        ];
        for (taken, claim_until, due) in cases {
            assert_eq!(
                calendar.add_working_days(day(taken), CLAIM_PERIOD),
                day(claim_until),
                "claim period of a measure on {taken}"
            );
            assert_eq!(
                calendar.add_working_days(day(taken), DECISION_PERIOD),
                day(due),
                "decision due for an objection filed on {taken}"
            );
        }
    }

    #[test]
    fn counting_back_agrees_with_adding() {
        let calendar = hong_kong();
        let start = day("2026-12-20");
        for n in 0..30 {
            let end = calendar.add_working_days(start, n);
            assert_eq!(calendar.working_days_between(start, end), n);
        }
        assert_eq!(calendar.working_days_between(start, start), 0);
        assert_eq!(calendar.working_days_between(start, day("2026-12-01")), 0);
    }

    #[test]
    fn days_are_hong_kong_days() {
        let at = |t: &str| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M").unwrap();
        assert_eq!(hong_kong_day(at("2026-12-04 15:59")), day("2026-12-04"));
        assert_eq!(hong_kong_day(at("2026-12-04 16:00")), day("2026-12-05"));
        let end = end_of_hong_kong_day(day("2026-12-04"));
        assert_eq!(end, at("2026-12-04 15:59") + chrono::Duration::seconds(59));
        assert_eq!(hong_kong_day(end), day("2026-12-04"));
        assert_eq!(
            hong_kong_day(end + chrono::Duration::seconds(1)),
            day("2026-12-05")
        );
    }
}
