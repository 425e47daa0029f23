//! The programme pages from memory. A programme's texts, rates, policies, contacts and rules
//! change only when an administrator edits them, yet every view of the programme page read
//! them with eight queries (9.3k requests/s against 84.8k for a bare redirect). Each programme
//! is read once per language and kept; an edit through this instance forgets everything at once
//! (`forget_all`, called by the console's handlers), and what another instance edited is read
//! again within `FRESH_FOR` — as is a new rate or rules version that comes into force with time.
//! Only programmes that exist are kept, so asking for ever new slugs fills nothing.

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
}

#[derive(Clone)]
enum Entry {
    Programme(Arc<ProgrammeView>),
    Rules(Arc<RulesView>),
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
            Entry::Rules(_) => None,
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
            Entry::Programme(_) => None,
        }
    }

    pub fn keep_rules(&self, slug: &str, view: Arc<RulesView>) {
        self.keep(Key::Rules(slug.to_owned()), Entry::Rules(view));
    }

    /// A programme was edited: everything is read again on its next view.
    pub fn forget_all(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}
