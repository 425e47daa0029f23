//! What a participant may object to (G.12: "any enforcement actions"): a measure (F.11.a–g), a
//! commission rejected, reversed or held for review (E.10.j), a rejected channel or membership,
//! and a registration ban (F.11.g) on its address or domain. Each is found here, with whose it
//! is, when it was taken and by whom (for four eyes), its claim period, and how an upheld
//! objection undoes it. Every other module names an action by its `Subject` only.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::states::BanKind;
use crate::calendar::working_days::{self, Calendar};
use crate::db::ids::{AccountId, AnyId, MeasureId, ParticipantId};
use crate::db::schema::{
    accounts, channels, commission_events, commissions, conversions, measures, memberships,
    participants, programmes, registration_bans,
};
use crate::db::{stored_as_text, AnyConnection};
use crate::ledger::states::{CommissionKind, CommissionState, EventSource};
use crate::participants::{MeasureKind, MembershipState, ReviewState};

stored_as_text!(
    /// The kind of enforcement action an objection is to (`objections.subject_kind`).
    SubjectKind {
        Measure => "measure",
        Commission => "commission",
        Channel => "channel",
        Membership => "membership",
        Ban => "ban",
    }
);

/// An enforcement action, by kind and number: a measure's, commission's, channel's,
/// membership's or registration ban's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Subject {
    pub kind: SubjectKind,
    pub id: i64,
}

impl Subject {
    pub fn new(kind: SubjectKind, id: impl AnyId) -> Subject {
        Subject {
            kind,
            id: id.number(),
        }
    }

    /// The participant's page of the action: a measure's notice, else its objection page.
    pub fn path(&self) -> String {
        match self.kind {
            SubjectKind::Measure => format!("/account/notices/{}", self.id),
            kind => format!("/account/objections/{}/{}", kind.as_str(), self.id),
        }
    }
}

/// What the action did, for its words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum What {
    Measure(MeasureKind),
    /// A commission rejected, reversed, or held (pending) for review.
    Commission(CommissionState, bool),
    Channel,
    Membership,
    Ban,
}

/// An enforcement action as its objection needs it.
#[derive(Debug, Clone)]
pub struct Action {
    pub subject: Subject,
    pub participant_id: ParticipantId,
    pub what: What,
    /// What it concerns, as the participant knows it: an order's reference, a channel's name,
    /// the banned address or domain (empty for a measure).
    pub label: String,
    /// Its reason as stored (a code or a manager's words), if any.
    pub reason: Option<String>,
    pub taken_at: NaiveDateTime,
    /// The account manager who took it (four eyes); `None` when the portal did (a coupon, the
    /// locking date, a self-purchase hold, an administrator's ban list).
    pub taken_by: Option<AccountId>,
    /// The last Hong Kong day an objection may be filed (G.12: 5 working days).
    pub claim_until: NaiveDate,
    /// Whether the action is still in force (a commission still rejected, a ban not lifted…).
    pub in_force: bool,
}

impl Action {
    /// Whether an objection may still be filed on the Hong Kong day `today`.
    pub fn claim_open(&self, today: NaiveDate) -> bool {
        self.in_force && today <= self.claim_until
    }
}

/// The last day of the claim period of an action taken at `at` (G.12, G.13).
pub fn claim_until(calendar: &Calendar, at: NaiveDateTime) -> NaiveDate {
    calendar.add_working_days(working_days::hong_kong_day(at), working_days::CLAIM_PERIOD)
}

/// The action `subject`, if it exists and is of `participant_id` (`None` for anyone else's,
/// so a guessed number answers as a missing one).
pub fn find(
    conn: &mut AnyConnection,
    calendar: &Calendar,
    participant_id: ParticipantId,
    subject: Subject,
) -> QueryResult<Option<Action>> {
    let found = match subject.kind {
        SubjectKind::Measure => measure(conn, subject.id)?,
        SubjectKind::Commission => commission(conn, calendar, subject.id)?,
        SubjectKind::Channel => channel(conn, calendar, subject.id)?,
        SubjectKind::Membership => membership(conn, calendar, subject.id)?,
        SubjectKind::Ban => {
            let bans = bans_of(conn, calendar, participant_id)?;
            bans.into_iter().find(|b| b.subject == subject)
        }
    };
    Ok(found.filter(|a| a.participant_id == participant_id))
}

/// The action `subject` whoever's it is, for the console.
pub fn find_any(
    conn: &mut AnyConnection,
    calendar: &Calendar,
    subject: Subject,
) -> QueryResult<Option<Action>> {
    match subject.kind {
        SubjectKind::Measure => measure(conn, subject.id),
        SubjectKind::Commission => commission(conn, calendar, subject.id),
        SubjectKind::Channel => channel(conn, calendar, subject.id),
        SubjectKind::Membership => membership(conn, calendar, subject.id),
        SubjectKind::Ban => ban(conn, calendar, subject.id),
    }
}

/// Every action against the participant that is open to objection or was objected to, newest
/// first: its measures, its commissions rejected, reversed or held, its rejected channels and
/// memberships, and the bans on its address or its channels' domains.
pub fn of_participant(
    conn: &mut AnyConnection,
    calendar: &Calendar,
    participant_id: ParticipantId,
) -> QueryResult<Vec<Action>> {
    let mut all = Vec::new();
    let measure_ids: Vec<i64> = measures::table
        .filter(measures::participant_id.eq(participant_id))
        .select(measures::id)
        .load(conn)?;
    for id in measure_ids {
        all.extend(measure(conn, id)?);
    }
    let commission_ids: Vec<i64> = commissions::table
        .filter(commissions::participant_id.eq(participant_id))
        .filter(commissions::kind.eq(CommissionKind::Order))
        .filter(
            commissions::state
                .eq_any([CommissionState::Rejected, CommissionState::Reversed])
                .or(commissions::held.eq(true)),
        )
        .select(commissions::id)
        .load(conn)?;
    for id in commission_ids {
        all.extend(commission(conn, calendar, id)?);
    }
    let channel_ids: Vec<i64> = channels::table
        .filter(channels::participant_id.eq(participant_id))
        .filter(channels::review_state.eq(ReviewState::Rejected))
        .select(channels::id)
        .load(conn)?;
    for id in channel_ids {
        all.extend(channel(conn, calendar, id)?);
    }
    let membership_ids: Vec<i64> = memberships::table
        .inner_join(channels::table)
        .filter(channels::participant_id.eq(participant_id))
        .filter(memberships::state.eq(MembershipState::Rejected))
        .select(memberships::id)
        .load(conn)?;
    for id in membership_ids {
        all.extend(membership(conn, calendar, id)?);
    }
    all.extend(bans_of(conn, calendar, participant_id)?);
    all.sort_by_key(|a| std::cmp::Reverse(a.taken_at));
    Ok(all)
}

fn measure(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<Action>> {
    #[derive(Queryable, Selectable)]
    #[diesel(table_name = measures)]
    struct Row {
        participant_id: ParticipantId,
        kind: MeasureKind,
        reason: String,
        taken_at: NaiveDateTime,
        taken_by: AccountId,
        claim_until: NaiveDate,
        lifted_at: Option<NaiveDateTime>,
    }
    let row: Option<Row> = measures::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(|row| Action {
        subject: Subject::new(SubjectKind::Measure, id),
        participant_id: row.participant_id,
        what: What::Measure(row.kind),
        label: String::new(),
        reason: Some(row.reason),
        taken_at: row.taken_at,
        taken_by: Some(row.taken_by),
        claim_until: row.claim_until,
        in_force: row.lifted_at.is_none(),
    }))
}

/// An order's commission that was rejected, reversed or held; `None` for one that is none of
/// these and never was objected to.
fn commission(
    conn: &mut AnyConnection,
    calendar: &Calendar,
    id: i64,
) -> QueryResult<Option<Action>> {
    #[derive(Queryable, Selectable)]
    #[diesel(table_name = commissions)]
    struct Row {
        participant_id: ParticipantId,
        kind: CommissionKind,
        state: CommissionState,
        held: bool,
        reason: Option<String>,
        created_at: NaiveDateTime,
        decided_at: Option<NaiveDateTime>,
        #[diesel(select_expression = conversions::order_ref)]
        order_ref: String,
    }
    let row: Option<Row> = commissions::table
        .inner_join(conversions::table)
        .filter(commissions::id.eq(id))
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    let Some(Row {
        participant_id,
        kind,
        state,
        held,
        reason,
        created_at,
        decided_at,
        order_ref,
    }) = row
    else {
        return Ok(None);
    };
    if kind != CommissionKind::Order {
        return Ok(None);
    }
    let held_now = held && state == CommissionState::Pending;
    let in_force =
        held_now || matches!(state, CommissionState::Rejected | CommissionState::Reversed);
    // The hold is set when the order arrives; a rejection or reversal when it is decided.
    let taken_at = if held_now {
        created_at
    } else {
        decided_at.unwrap_or(created_at)
    };
    let taken_by: Option<AccountId> = if held_now {
        None
    } else {
        commission_events::table
            .filter(commission_events::commission_id.eq(id))
            .filter(commission_events::source.eq(EventSource::Manager))
            .order(commission_events::id.desc())
            .select(commission_events::decided_by)
            .first::<Option<AccountId>>(conn)
            .optional()?
            .flatten()
    };
    if !in_force && !objected(conn, SubjectKind::Commission, id)? {
        return Ok(None);
    }
    Ok(Some(Action {
        subject: Subject::new(SubjectKind::Commission, id),
        participant_id,
        what: What::Commission(state, held_now),
        label: order_ref,
        reason,
        taken_at,
        taken_by,
        claim_until: claim_until(calendar, taken_at),
        in_force,
    }))
}

fn objected(conn: &mut AnyConnection, kind: SubjectKind, id: i64) -> QueryResult<bool> {
    use crate::db::schema::objections;
    diesel::select(diesel::dsl::exists(
        objections::table
            .filter(objections::subject_kind.eq(kind))
            .filter(objections::subject_id.eq(id)),
    ))
    .get_result(conn)
}

fn channel(conn: &mut AnyConnection, calendar: &Calendar, id: i64) -> QueryResult<Option<Action>> {
    #[derive(Queryable, Selectable)]
    #[diesel(table_name = channels)]
    struct Row {
        participant_id: ParticipantId,
        review_state: ReviewState,
        name: String,
        review_reason: Option<String>,
        updated_at: NaiveDateTime,
        reviewed_at: Option<NaiveDateTime>,
        reviewed_by: Option<AccountId>,
    }
    let row: Option<Row> = channels::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    let Some(Row {
        participant_id,
        review_state: state,
        name,
        review_reason: reason,
        updated_at,
        reviewed_at,
        reviewed_by,
    }) = row
    else {
        return Ok(None);
    };
    let in_force = state == ReviewState::Rejected;
    if !in_force && !objected(conn, SubjectKind::Channel, id)? {
        return Ok(None);
    }
    let taken_at = reviewed_at.unwrap_or(updated_at);
    Ok(Some(Action {
        subject: Subject::new(SubjectKind::Channel, id),
        participant_id,
        what: What::Channel,
        label: name,
        reason,
        taken_at,
        taken_by: reviewed_by,
        claim_until: claim_until(calendar, taken_at),
        in_force,
    }))
}

/// A rejected membership. One ended by a restriction (F.11.f) is that measure's: the
/// objection is to the measure.
fn membership(
    conn: &mut AnyConnection,
    calendar: &Calendar,
    id: i64,
) -> QueryResult<Option<Action>> {
    #[derive(Queryable, Selectable)]
    #[diesel(table_name = memberships)]
    struct Row {
        #[diesel(select_expression = channels::participant_id)]
        participant_id: ParticipantId,
        state: MembershipState,
        #[diesel(select_expression = channels::name)]
        channel: String,
        #[diesel(select_expression = programmes::name)]
        programme: String,
        reason: Option<String>,
        applied_at: NaiveDateTime,
        decided_at: Option<NaiveDateTime>,
        decided_by: Option<AccountId>,
    }
    let row: Option<Row> = memberships::table
        .inner_join(channels::table)
        .inner_join(programmes::table)
        .filter(memberships::id.eq(id))
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    let Some(Row {
        participant_id,
        state,
        channel,
        programme,
        reason,
        applied_at,
        decided_at,
        decided_by: by,
    }) = row
    else {
        return Ok(None);
    };
    if reason.as_deref().is_some_and(|r| r.starts_with("measure ")) {
        return Ok(None);
    }
    let in_force = state == MembershipState::Rejected;
    if !in_force && !objected(conn, SubjectKind::Membership, id)? {
        return Ok(None);
    }
    let taken_at = decided_at.unwrap_or(applied_at);
    Ok(Some(Action {
        subject: Subject::new(SubjectKind::Membership, id),
        participant_id,
        what: What::Membership,
        label: format!("{channel} · {programme}"),
        reason,
        taken_at,
        taken_by: by,
        claim_until: claim_until(calendar, taken_at),
        in_force,
    }))
}

/// A registration ban as its row holds it.
#[derive(Queryable, Selectable)]
#[diesel(table_name = registration_bans)]
struct BanRow {
    id: i64,
    kind: BanKind,
    value: String,
    reason: String,
    created_at: NaiveDateTime,
    measure_id: Option<MeasureId>,
    added_by: Option<AccountId>,
    lifted_at: Option<NaiveDateTime>,
}

fn ban_rows(conn: &mut AnyConnection, only: Option<i64>) -> QueryResult<Vec<BanRow>> {
    let mut query = registration_bans::table
        .select(BanRow::as_select())
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(registration_bans::id.eq(id));
    }
    query.load(conn)
}

/// The participant a ban is against: the one whose measure made it, else the one whose login
/// address is the banned address or whose channel is on the banned domain (the oldest such
/// participant; a ban on a domain nobody uses is against nobody).
fn banned_participant(
    conn: &mut AnyConnection,
    row: &BanRow,
) -> QueryResult<Option<ParticipantId>> {
    if let Some(measure_id) = row.measure_id {
        return measures::table
            .find(measure_id)
            .select(measures::participant_id)
            .first(conn)
            .optional();
    }
    let value = row.value.to_lowercase();
    if row.kind == BanKind::Email {
        participants::table
            .inner_join(accounts::table)
            .filter(accounts::email.eq(&value))
            .order(participants::id)
            .select(participants::id)
            .first(conn)
            .optional()
    } else {
        let by_channel: Option<ParticipantId> = channels::table
            .filter(channels::domain.eq(&value))
            .order(channels::participant_id)
            .select(channels::participant_id)
            .first(conn)
            .optional()?;
        if by_channel.is_some() {
            return Ok(by_channel);
        }
        participants::table
            .inner_join(accounts::table)
            .filter(accounts::email.like(format!("%@{value}")))
            .order(participants::id)
            .select(participants::id)
            .first(conn)
            .optional()
    }
}

fn ban_action(
    conn: &mut AnyConnection,
    calendar: &Calendar,
    row: BanRow,
) -> QueryResult<Option<Action>> {
    let Some(participant_id) = banned_participant(conn, &row)? else {
        return Ok(None);
    };
    let BanRow {
        id,
        value,
        reason,
        created_at,
        measure_id,
        added_by,
        lifted_at,
        ..
    } = row;
    let taken_by = match (added_by, measure_id) {
        (Some(by), _) => Some(by),
        (None, Some(m)) => measures::table
            .find(m)
            .select(measures::taken_by)
            .first(conn)
            .optional()?,
        (None, None) => None,
    };
    Ok(Some(Action {
        subject: Subject::new(SubjectKind::Ban, id),
        participant_id,
        what: What::Ban,
        label: value,
        reason: Some(reason),
        taken_at: created_at,
        taken_by,
        claim_until: claim_until(calendar, created_at),
        in_force: lifted_at.is_none(),
    }))
}

/// The ban `id`, as the registration ban list holds it.
fn ban(conn: &mut AnyConnection, calendar: &Calendar, id: i64) -> QueryResult<Option<Action>> {
    match ban_rows(conn, Some(id))?.into_iter().next() {
        Some(row) => ban_action(conn, calendar, row),
        None => Ok(None),
    }
}

/// The bans against the participant: on its login address, its address's domain or one of
/// its channels' domains. A ban a measure made is objected to as that measure while the
/// participant can log in (lifting the measure lifts the ban), so only the others are listed.
fn bans_of(
    conn: &mut AnyConnection,
    calendar: &Calendar,
    participant_id: ParticipantId,
) -> QueryResult<Vec<Action>> {
    let email: Option<String> = participants::table
        .inner_join(accounts::table)
        .filter(participants::id.eq(participant_id))
        .select(accounts::email)
        .first(conn)
        .optional()?;
    let Some(email) = email.map(|e| e.to_lowercase()) else {
        return Ok(Vec::new());
    };
    let mut domains: Vec<String> = channels::table
        .filter(channels::participant_id.eq(participant_id))
        .select(channels::domain)
        .load(conn)?;
    domains.extend(email.rsplit_once('@').map(|(_, d)| d.to_owned()));
    let ids: Vec<i64> = registration_bans::table
        .filter(registration_bans::measure_id.is_null())
        .filter(
            (registration_bans::kind
                .eq(BanKind::Email)
                .and(registration_bans::value.eq(&email)))
            .or(registration_bans::kind
                .eq(BanKind::Domain)
                .and(registration_bans::value.eq_any(&domains))),
        )
        .select(registration_bans::id)
        .load(conn)?;
    let mut found = Vec::new();
    for id in ids {
        let Some(row) = ban_rows(conn, Some(id))?.into_iter().next() else {
            continue;
        };
        if let Some(mut action) = ban_action(conn, calendar, row)? {
            // Against each participant it bars, whoever else it bars too.
            action.participant_id = participant_id;
            if action.in_force || objected(conn, SubjectKind::Ban, id)? {
                found.push(action);
            }
        }
    }
    Ok(found)
}
