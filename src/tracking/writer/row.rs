//! A judged click as it is stored.

use diesel::prelude::*;

use crate::db::ids::{ChannelId, ParticipantId, ProgrammeId};
use crate::db::schema::clicks;
use crate::tracking::abnormal::NotCredited;

/// A click's user agent and referrer as the ids of their rows in `user_agents` and `referrers`.
pub(super) type TextIds = (i64, Option<i64>);

/// A judged click, as it will be stored; a line of the spool file (JSON) while the database
/// cannot take it.
#[derive(serde::Serialize, serde::Deserialize)]
pub(super) struct ClickRow {
    pub(super) click_id: [u8; 16],
    /// Milliseconds since 1970 (UTC).
    pub(super) clicked_at: i64,
    /// Days since 1970-01-01 (UTC), what the statistics group by.
    pub(super) day: i32,
    pub(super) programme_id: ProgrammeId,
    pub(super) channel_id: ChannelId,
    pub(super) participant_id: ParticipantId,
    pub(super) ad_id: Option<i64>,
    pub(super) epi: Option<String>,
    pub(super) ip_hash: [u8; 16],
    pub(super) user_agent: String,
    pub(super) referrer: Option<String>,
    pub(super) credited: bool,
    /// Why it is not credited. In the spool file as its text; read back, a reason this version
    /// does not know is kept as "not credited" without one.
    #[serde(with = "reason_text")]
    pub(super) reason: Option<NotCredited>,
}

mod reason_text {
    use super::NotCredited;

    pub fn serialize<S: serde::Serializer>(
        reason: &Option<NotCredited>,
        to: S,
    ) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(&reason.map(NotCredited::as_str), to)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        from: D,
    ) -> Result<Option<NotCredited>, D::Error> {
        let text: Option<String> = serde::Deserialize::deserialize(from)?;
        Ok(text.as_deref().and_then(NotCredited::parse))
    }
}

/// A `ClickRow` borrowed for diesel.
#[derive(Insertable)]
#[diesel(table_name = clicks, treat_none_as_default_value = false)]
pub(super) struct NewClick<'a> {
    click_id: &'a [u8],
    clicked_at: i64,
    day: i32,
    programme_id: ProgrammeId,
    channel_id: ChannelId,
    participant_id: ParticipantId,
    ad_id: Option<i64>,
    epi: Option<&'a str>,
    ip_hash: &'a [u8],
    user_agent_id: i64,
    referrer_id: Option<i64>,
    credited: bool,
    reason: Option<&'static str>,
}

impl<'a> NewClick<'a> {
    pub(super) fn new(row: &'a ClickRow, (user_agent_id, referrer_id): TextIds) -> NewClick<'a> {
        NewClick {
            click_id: &row.click_id,
            clicked_at: row.clicked_at,
            day: row.day,
            programme_id: row.programme_id,
            channel_id: row.channel_id,
            participant_id: row.participant_id,
            ad_id: row.ad_id,
            epi: row.epi.as_deref(),
            ip_hash: &row.ip_hash,
            user_agent_id,
            referrer_id,
            credited: row.credited,
            reason: row.reason.map(NotCredited::as_str),
        }
    }
}
