//! PostgreSQL: a whole batch in one constant statement.

use diesel::prelude::*;

use super::super::row::{ClickRow, TextIds};
use crate::db::ids::{ChannelId, ParticipantId, ProgrammeId};
use crate::tracking::abnormal::NotCredited;

/// /// the server more than storing the rows.
pub(super) struct PgInsertClicks<'a> {
    click_id: Vec<&'a [u8]>,
    clicked_at: Vec<i64>,
    day: Vec<i32>,
    programme_id: Vec<ProgrammeId>,
    channel_id: Vec<ChannelId>,
    participant_id: Vec<ParticipantId>,
    ad_id: Vec<Option<i64>>,
    epi: Vec<Option<&'a str>>,
    ip_hash: Vec<&'a [u8]>,
    user_agent_id: Vec<i64>,
    referrer_id: Vec<Option<i64>>,
    credited: Vec<bool>,
    reason: Vec<Option<&'static str>>,
}

/// The same statement for every batch: diesel keys its prepared-statement cache on this type.
impl diesel::query_builder::QueryId for PgInsertClicks<'_> {
    type QueryId = PgInsertClicks<'static>;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl<'a> PgInsertClicks<'a> {
    /// The rows as columns, borrowed: nothing of a click is copied.
    pub(super) fn new(rows: &'a [ClickRow], ids: &[TextIds]) -> PgInsertClicks<'a> {
        fn column<'a, T>(rows: &'a [ClickRow], f: impl Fn(&'a ClickRow) -> T) -> Vec<T> {
            rows.iter().map(f).collect()
        }
        PgInsertClicks {
            click_id: column(rows, |r| &r.click_id[..]),
            clicked_at: column(rows, |r| r.clicked_at),
            day: column(rows, |r| r.day),
            programme_id: column(rows, |r| r.programme_id),
            channel_id: column(rows, |r| r.channel_id),
            participant_id: column(rows, |r| r.participant_id),
            ad_id: column(rows, |r| r.ad_id),
            epi: column(rows, |r| r.epi.as_deref()),
            ip_hash: column(rows, |r| &r.ip_hash[..]),
            user_agent_id: ids.iter().map(|&(user_agent, _)| user_agent).collect(),
            referrer_id: ids.iter().map(|&(_, referrer)| referrer).collect(),
            credited: column(rows, |r| r.credited),
            reason: column(rows, |r| r.reason.map(NotCredited::as_str)),
        }
    }
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for PgInsertClicks<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        use diesel::sql_types::{Array, BigInt, Binary, Bool, Integer, Nullable, Text};
        out.push_sql(
            "INSERT INTO clicks (click_id, clicked_at, day, programme_id, channel_id, \
             participant_id, ad_id, epi, ip_hash, user_agent_id, referrer_id, credited, reason) \
             SELECT * FROM UNNEST(",
        );
        out.push_bind_param::<Array<Binary>, _>(&self.click_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.clicked_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Integer>, _>(&self.day)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.programme_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.channel_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.participant_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<BigInt>>, _>(&self.ad_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.epi)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Binary>, _>(&self.ip_hash)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<BigInt>, _>(&self.user_agent_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<BigInt>>, _>(&self.referrer_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Bool>, _>(&self.credited)?;
        out.push_sql(", ");
        out.push_bind_param::<Array<Nullable<Text>>, _>(&self.reason)?;
        out.push_sql(")");
        Ok(())
    }
}

impl RunQueryDsl<diesel::PgConnection> for PgInsertClicks<'_> {}
