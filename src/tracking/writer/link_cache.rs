//! What the click writer knows of links, and the signal that makes it forget. Per link
//! (programme, channel): whose channel it is and why its clicks are not credited, whoever the
//! visitor is (`crediting::link_verdict`). Kept `CACHE_TTL`; forgotten whenever
//! `CreditingChanges` moved, so a change applies to the next click once it is committed and
//! signalled — made through this instance, or announced by another (`changes`, PostgreSQL).

use std::num::NonZeroUsize;
use std::time::Instant;

use diesel::prelude::*;

use super::CACHE_TTL;
use crate::db::ids::{ChannelId, ParticipantId, ProgrammeId};
use crate::db::schema::{channels, memberships, participants};
use crate::db::AnyConnection;
use crate::participants::{MembershipState, ReviewState};
use crate::state::CreditingChanges;
use crate::tracking::abnormal::NotCredited;

/// A link as the click writer judges it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkInfo {
    pub participant_id: ParticipantId,
    /// Why clicks on this link are not credited whatever the visitor does.
    pub not_credited: Option<NotCredited>,
}

/// How many links the writer remembers.
pub(super) const LINKS_KEPT: NonZeroUsize = NonZeroUsize::new(16_384).unwrap();

/// The links the click writer knows, unknown ones included, each kept `CACHE_TTL`; bounded, the
/// least recently used going first, so `/click` with ever new ids cannot grow it.
pub struct LinkCache {
    crediting: CreditingChanges,
    seen_changes: u64,
    links: lru::LruCache<(ProgrammeId, ChannelId), (Instant, Option<LinkInfo>)>,
}

impl LinkCache {
    pub fn new(crediting: CreditingChanges) -> LinkCache {
        LinkCache {
            seen_changes: crediting.count(),
            crediting,
            links: lru::LruCache::new(LINKS_KEPT),
        }
    }

    /// Forgets every link when crediting changed since the last call; whether it did.
    pub fn forget_if_changed(&mut self) -> bool {
        let changes = self.crediting.count();
        if changes == self.seen_changes {
            return false;
        }
        self.seen_changes = changes;
        self.links.clear();
        true
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.links.len()
    }

    #[cfg(test)]
    pub(super) fn contains(&self, link: &(ProgrammeId, ChannelId)) -> bool {
        self.links.contains(link)
    }

    /// How a click on `link` is judged now — the one rule, for the judge and for the tests that
    /// stand in for it (who look at the signal first, `forget_if_changed`, as the judge does per
    /// batch): what is known of the link if younger than `CACHE_TTL`, or however old while
    /// `resting` (the database failed a moment ago: a link clicked in the last minutes keeps
    /// working through an outage); else what `read` reads now, remembered. While resting, a
    /// link not known is not read; when the read fails, the caller hears what was known.
    pub fn verdict<E>(
        &mut self,
        link: (ProgrammeId, ChannelId),
        resting: bool,
        read: impl FnOnce() -> Result<Option<LinkInfo>, E>,
    ) -> Result<Option<LinkInfo>, Unread<E>> {
        let known = self.links.get(&link).copied();
        if let Some((at, info)) = known {
            if resting || at.elapsed() < CACHE_TTL {
                return Ok(info);
            }
        }
        if resting {
            return Err(Unread::Resting);
        }
        match read() {
            Ok(info) => {
                self.links.put(link, (Instant::now(), info));
                Ok(info)
            }
            Err(error) => Err(Unread::Failed {
                error,
                known: known.map(|(_, info)| info),
            }),
        }
    }
}

/// Why `LinkCache::verdict` has no answer from the database.
#[derive(Debug)]
pub enum Unread<E> {
    /// The database failed a moment ago and the link is not known: it was not asked.
    Resting,
    /// The read failed; what was known of the link, however old, if anything.
    Failed {
        error: E,
        known: Option<Option<LinkInfo>>,
    },
}

/// The link as the database has it now; `None` for a channel that does not exist.
pub fn read_link(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
    channel_id: ChannelId,
) -> QueryResult<Option<LinkInfo>> {
    let channel: Option<(ParticipantId, ReviewState, Option<chrono::NaiveDateTime>)> =
        channels::table
            .inner_join(participants::table)
            .filter(channels::id.eq(channel_id))
            .select((
                channels::participant_id,
                channels::review_state,
                participants::terminated_at,
            ))
            .first(conn)
            .optional()?;
    let Some((participant_id, review_state, terminated_at)) = channel else {
        return Ok(None);
    };
    let membership: Option<MembershipState> = memberships::table
        .filter(memberships::programme_id.eq(programme_id))
        .filter(memberships::channel_id.eq(channel_id))
        .select(memberships::state)
        .first(conn)
        .optional()?;
    let not_credited =
        crate::tracking::crediting::link_verdict(terminated_at.is_some(), review_state, membership);
    Ok(Some(LinkInfo {
        participant_id,
        not_credited,
    }))
}
