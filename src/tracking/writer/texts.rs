//! User agents and referrers are stored once each (`user_agents`, `referrers`); clicks keep
//! their ids. A committer remembers the ids it has seen.

use std::collections::HashMap;

use diesel::prelude::*;

use super::row::{ClickRow, TextIds};
use crate::db::schema::{referrers, user_agents};
use crate::db::AnyConnection;

/// The ids of the user agents and referrers a committer has stored or looked up. A text is
/// written once (by whichever committer or app instance sees it first) and never changes, so
/// remembered ids stay right; each map starts over at `TEXTS_KEPT` entries or `TEXT_BYTES_KEPT`
/// bytes of text, whichever comes first (a scanner sends a new long referrer every click).
#[derive(Default)]
pub(super) struct TextIdCache {
    user_agents: KnownTexts,
    referrers: KnownTexts,
}

/// Texts and their ids, with the bytes their texts take.
#[derive(Default)]
pub(super) struct KnownTexts {
    ids: HashMap<String, i64>,
    bytes: usize,
}

impl KnownTexts {
    fn get(&self, text: &str) -> Option<i64> {
        self.ids.get(text).copied()
    }

    fn remember(&mut self, text: &str, id: i64) {
        if self.ids.len() >= TEXTS_KEPT || self.bytes + text.len() > TEXT_BYTES_KEPT {
            // Starting over also gives the memory back (`clear` would keep the capacity).
            *self = KnownTexts::default();
        }
        self.bytes += text.len();
        self.ids.insert(text.to_owned(), id);
    }
}

const TEXTS_KEPT: usize = 20_000;
const TEXT_BYTES_KEPT: usize = 2 << 20;

impl TextIdCache {
    /// The ids for every row, storing the texts seen for the first time. Runs before the
    /// clicks' transaction: a text stored for clicks that then fail is merely kept unused.
    pub(super) fn ids(
        &mut self,
        conn: &mut AnyConnection,
        rows: &[ClickRow],
    ) -> QueryResult<Vec<TextIds>> {
        rows.iter()
            .map(|row| {
                let user_agent = text_id(conn, &mut self.user_agents, &row.user_agent, UserAgents)?;
                let referrer = match &row.referrer {
                    Some(referrer) => {
                        Some(text_id(conn, &mut self.referrers, referrer, Referrers)?)
                    }
                    None => None,
                };
                Ok((user_agent, referrer))
            })
            .collect()
    }
}

/// The two text tables, for `text_id`.
#[derive(Clone, Copy)]
pub(super) struct UserAgents;
#[derive(Clone, Copy)]
struct Referrers;

pub(super) trait TextTable: Copy {
    fn find(self, conn: &mut AnyConnection, text: &str) -> QueryResult<Option<i64>>;
    fn add(self, conn: &mut AnyConnection, text: &str) -> QueryResult<usize>;
}

/// `TextTable` for a table of (`id`, text column).
macro_rules! text_table {
    ($name:ident, $table:ident, $column:ident) => {
        impl TextTable for $name {
            fn find(self, conn: &mut AnyConnection, text: &str) -> QueryResult<Option<i64>> {
                $table::table
                    .filter($table::$column.eq(text))
                    .select($table::id)
                    .first(conn)
                    .optional()
            }
            fn add(self, conn: &mut AnyConnection, text: &str) -> QueryResult<usize> {
                let insert = diesel::insert_into($table::table)
                    .values($table::$column.eq(text))
                    .on_conflict_do_nothing();
                match conn {
                    AnyConnection::Sqlite(c) => insert.execute(c),
                    AnyConnection::Postgresql(c) => insert.execute(c),
                }
            }
        }
    };
}

text_table!(UserAgents, user_agents, user_agent);
text_table!(Referrers, referrers, referrer);

/// The id of `text` in `table`: remembered, found, or stored now. Two writers storing the same
/// new text at once: one insert adds nothing (`ON CONFLICT DO NOTHING`, so PostgreSQL logs no
/// unique violation) and that writer reads the other's row.
pub(super) fn text_id(
    conn: &mut AnyConnection,
    known: &mut KnownTexts,
    text: &str,
    table: impl TextTable,
) -> QueryResult<i64> {
    if let Some(id) = known.get(text) {
        return Ok(id);
    }
    let id = match table.find(conn, text)? {
        Some(id) => id,
        None => {
            // Adds nothing when another writer stored the text since `find`.
            table.add(conn, text)?;
            table
                .find(conn, text)?
                .ok_or(diesel::result::Error::NotFound)?
        }
    };
    known.remember(text, id);
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Pool;
    use crate::tracking::writer::test_support::sqlite_pool;

    /// Security issue 14, weaknesses 1 and 14: long new referrers on every click keep at most
    /// `TEXT_BYTES_KEPT` bytes of text.
    #[test]
    fn remembered_texts_are_bounded_by_count_and_by_bytes() {
        let mut known = KnownTexts::default();
        let long = "r".repeat(1024);
        for n in 0..10_000i64 {
            known.remember(&format!("{long}{n}"), n);
            assert!(known.bytes <= TEXT_BYTES_KEPT);
            assert!(known.ids.len() <= TEXTS_KEPT);
        }
        assert_eq!(known.get(&format!("{long}9999")), Some(9_999));
        let mut short = KnownTexts::default();
        for n in 0..(TEXTS_KEPT as i64 + 5) {
            short.remember(&n.to_string(), n);
        }
        assert_eq!(short.ids.len(), 5);
    }

    #[test]
    fn a_text_another_writer_stored_first_is_read_not_stored_twice() {
        /// `UserAgents`, but another writer stores the text between `find` and `add`.
        #[derive(Clone, Copy)]
        struct Racing<'a>(&'a Pool);
        impl TextTable for Racing<'_> {
            fn find(self, conn: &mut AnyConnection, text: &str) -> QueryResult<Option<i64>> {
                UserAgents.find(conn, text)
            }
            fn add(self, conn: &mut AnyConnection, text: &str) -> QueryResult<usize> {
                assert_eq!(UserAgents.add(&mut self.0.get().unwrap(), text)?, 1);
                UserAgents.add(conn, text)
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let pool = sqlite_pool(&dir);
        crate::db::run_migrations(&mut pool.get().unwrap()).unwrap();
        let mut conn = pool.get().unwrap();
        let mut known = KnownTexts::default();
        let id = text_id(&mut conn, &mut known, "Mozilla/5.0 racing", Racing(&pool)).unwrap();
        assert_eq!(known.get("Mozilla/5.0 racing"), Some(id));
        let stored: Vec<i64> = user_agents::table
            .filter(user_agents::user_agent.eq("Mozilla/5.0 racing"))
            .select(user_agents::id)
            .load(&mut *conn)
            .unwrap();
        assert_eq!(stored, vec![id]);
    }
}
