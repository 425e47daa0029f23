//! What the console's audit page (`routes/audit.rs`) reads: one page of the audit log's lines
//! that match a filter, of `PAGE_SIZE` lines each.

use diesel::QueryResult;

use crate::audit::{lines, Filter, Line};
use crate::db::AnyConnection;

/// Lines per page; the CSV has them all.
pub const PAGE_SIZE: i64 = 100;

/// One page of the lines that match a filter.
pub struct Found {
    pub lines: Vec<Line>,
    /// The page's number: the one asked for, within the first and the last.
    pub page: i64,
    /// Whether a page follows.
    pub more: bool,
}

/// Page `asked` of the lines that match `filter` (below the first the first, past the last the
/// last).
pub fn find(conn: &mut AnyConnection, filter: &Filter, asked: i64) -> QueryResult<Found> {
    let pages = Pages::of(crate::audit::count(conn, filter)?);
    let page = pages.clamp(asked);
    Ok(Found {
        lines: lines(conn, filter, pages.offset(page), PAGE_SIZE)?,
        page,
        more: page < pages.last,
    })
}

/// The pages of a list of `PAGE_SIZE` lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pages {
    /// The last page's number (1 for an empty list).
    last: i64,
}

impl Pages {
    fn of(lines: i64) -> Pages {
        Pages {
            last: (lines.max(0) / PAGE_SIZE + i64::from(lines % PAGE_SIZE > 0)).max(1),
        }
    }

    /// The page shown when `asked` is asked for: below the first the first, past the last the
    /// last, as the participants list does (issue 21, 7: `page=92233720368547760` overflowed).
    fn clamp(self, asked: i64) -> i64 {
        asked.clamp(1, self.last)
    }

    /// The first line of page `page` (a page `clamp` gave).
    fn offset(self, page: i64) -> i64 {
        (page - 1) * PAGE_SIZE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_past_the_last_or_before_the_first_are_the_last_and_the_first() {
        assert_eq!(Pages::of(0).last, 1);
        assert_eq!(Pages::of(1).last, 1);
        assert_eq!(Pages::of(100).last, 1);
        assert_eq!(Pages::of(101).last, 2);
        assert_eq!(Pages::of(i64::MAX).last, i64::MAX / 100 + 1);
        let three = Pages::of(250);
        for (asked, shown) in [
            (i64::MIN, 1),
            (-1, 1),
            (0, 1),
            (1, 1),
            (3, 3),
            (4, 3),
            (92_233_720_368_547_760, 3),
            (i64::MAX, 3),
        ] {
            assert_eq!(three.clamp(asked), shown, "{asked}");
        }
        assert_eq!(three.offset(3), 200);
        let most = Pages::of(i64::MAX);
        assert_eq!(most.offset(most.clamp(i64::MAX)), i64::MAX / 100 * 100);
    }
}
