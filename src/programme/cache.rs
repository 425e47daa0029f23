//! The programme pages from memory. A programme's texts, rates, policies, contacts and rules
//! change only when an administrator edits them, yet every view of the programme page read
//! them with eight queries (9.3k requests/s against 84.8k for a bare redirect). Each programme
//! is read once per language and kept; an edit forgets everything at once on every instance
//! (`forget_all`: the console's handlers call it through `Console::programme_changed`, which
//! tells the other instances, see `changes`), and everything is read again within `FRESH_FOR` —
//! for a new rate or rules version that comes into force with time.
//! Only programmes that exist are kept, so asking for ever new slugs fills nothing. For anonymous
//! visitors the rendered page itself is kept too (see `page`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::queries::{ProgrammeView, RulesView};
use crate::i18n::Lang;

/// How long a programme read from the database is served before it is read again.
pub const FRESH_FOR: Duration = Duration::from_secs(5);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Key {
    Programme(String, Lang),
    Rules(String),
    /// A page as an anonymous visitor sees it, by its path (language included, no query).
    Page(String),
}

#[derive(Clone)]
enum Entry {
    Programme(Arc<ProgrammeView>),
    Rules(Arc<RulesView>),
    Page(actix_web::web::Bytes),
}

/// The programmes' pages' data, shared by the app's workers (app data).
#[derive(Default)]
pub struct ProgrammePages {
    entries: Mutex<HashMap<Key, (Instant, Entry)>>,
}

impl ProgrammePages {
    fn get(&self, key: &Key) -> Option<Entry> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(read, _)| read.elapsed() < FRESH_FOR)
            .map(|(_, entry)| entry.clone())
    }

    fn keep(&self, key: Key, entry: Entry) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries.insert(key, (Instant::now(), entry));
    }

    /// The programme page's data of `slug` in `lang`, if it is fresh.
    pub fn programme(&self, slug: &str, lang: Lang) -> Option<Arc<ProgrammeView>> {
        match self.get(&Key::Programme(slug.to_owned(), lang))? {
            Entry::Programme(view) => Some(view),
            _ => None,
        }
    }

    pub fn keep_programme(&self, slug: &str, lang: Lang, view: Arc<ProgrammeView>) {
        self.keep(
            Key::Programme(slug.to_owned(), lang),
            Entry::Programme(view),
        );
    }

    /// The rules page's data of `slug`, if it is fresh.
    pub fn rules(&self, slug: &str) -> Option<Arc<RulesView>> {
        match self.get(&Key::Rules(slug.to_owned()))? {
            Entry::Rules(view) => Some(view),
            _ => None,
        }
    }

    pub fn keep_rules(&self, slug: &str, view: Arc<RulesView>) {
        self.keep(Key::Rules(slug.to_owned()), Entry::Rules(view));
    }

    /// The page at `path` as rendered for an anonymous visitor, if it is fresh. Such a page has
    /// nothing of the visitor in it (no form, no name): the layout shows a logged-in visitor's
    /// name and logout form only, and a query string (which the language links repeat) is
    /// never kept. Rendering the rules' 23 KB of escaped text was most of that page's time.
    pub fn page(&self, path: &str) -> Option<actix_web::web::Bytes> {
        match self.get(&Key::Page(path.to_owned()))? {
            Entry::Page(body) => Some(body),
            _ => None,
        }
    }

    pub fn keep_page(&self, path: &str, body: actix_web::web::Bytes) {
        self.keep(Key::Page(path.to_owned()), Entry::Page(body));
    }

    /// A programme was edited: everything is read again on its next view.
    pub fn forget_all(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// Reads the footer's contact (the publisher team's) again, after the programme changed; a
/// failed read keeps the one shown and says so in the log. Blocking: not on a request thread.
pub fn read_footer_contact(state: &crate::state::AppState) {
    let read = state
        .pool
        .get()
        .map_err(anyhow::Error::from)
        .and_then(|mut conn| Ok(super::queries::publisher_team_contact(&mut conn)?));
    match read {
        Ok(contact) => state.footer_contact.set(contact),
        Err(e) => tracing::warn!(error = %e, "cannot read the footer's contact again"),
    }
}
