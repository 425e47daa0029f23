//! What the click writer knows of links, and the signal that makes it forget. Per link
//! (programme, channel): whose channel it is and why its clicks are not credited, whoever the
//! visitor is (`crediting::link_verdict`). Kept `CACHE_TTL`, so a change made through another
//! app instance applies within it; forgotten whenever `CreditingChanges` moved, so a change
//! made through this instance applies to the next click — once it is committed and signalled.

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

    /// The link as last read, and when.
    pub(super) fn known(
        &mut self,
        link: (ProgrammeId, ChannelId),
    ) -> Option<(Instant, Option<LinkInfo>)> {
        self.links.get(&link).copied()
    }

    pub(super) fn remember(&mut self, link: (ProgrammeId, ChannelId), info: Option<LinkInfo>) {
        self.links.put(link, (Instant::now(), info));
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.links.len()
    }

    #[cfg(test)]
    pub(super) fn contains(&self, link: &(ProgrammeId, ChannelId)) -> bool {
        self.links.contains(link)
    }

    /// How a click on the link is judged now: after the signal is looked at, what is known of
    /// it if younger than `CACHE_TTL`, else what `conn` reads. The judge does the same for each
    /// batch, with its care for a database that is down on top.
    pub fn verdict(
        &mut self,
        conn: &mut AnyConnection,
        programme_id: ProgrammeId,
        channel_id: ChannelId,
    ) -> QueryResult<Option<LinkInfo>> {
        self.forget_if_changed();
        let link = (programme_id, channel_id);
        if let Some((at, info)) = self.known(link) {
            if at.elapsed() < CACHE_TTL {
                return Ok(info);
            }
        }
        let info = read_link(conn, programme_id, channel_id)?;
        self.remember(link, info);
        Ok(info)
    }
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
