//! Advertising channels and programme membership: what a participant may add, change and apply
//! for, and what an account manager decides. Every query that reads a channel for a participant
//! filters on the participant, so an id typed into a URL never shows another participant's data.

pub mod brand_terms;
pub mod fields;
pub mod routes;
pub mod screening;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::{ChannelId, MeasureId, MembershipId, ParticipantId, ProgrammeId};
use crate::db::schema::{accounts, channels, memberships, participants, programmes};
use crate::db::AnyConnection;
use crate::participants::reviews::{self, Review};
use crate::participants::{MembershipState, Participant, ReviewState};
use fields::ChannelFields;

#[derive(Debug, Clone)]
pub struct Membership {
    pub id: MembershipId,
    pub state: MembershipState,
    pub reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Channel {
    pub id: ChannelId,
    pub name: String,
    pub website_url: String,
    pub category: String,
    pub promotion_methods: Vec<String>,
    pub review_state: ReviewState,
    pub review_reason: Option<String>,
    /// What the screening found (`screening::text` puts it into words).
    pub screening_note: Option<String>,
    /// The storefront on the platform the participant sells from (E.10.k), if it sells there.
    pub storefront_url: Option<String>,
    /// The channel's membership of the programme the page is about.
    pub membership: Option<Membership>,
}

impl Channel {
    pub fn is_approved(&self) -> bool {
        self.review_state == ReviewState::Approved
    }

    pub fn membership_approved(&self) -> bool {
        self.membership
            .as_ref()
            .is_some_and(|m| m.state == MembershipState::Approved)
    }

    /// Approved channels without a membership, or with a rejected one, may apply.
    pub fn may_apply(&self) -> bool {
        self.is_approved()
            && self
                .membership
                .as_ref()
                .is_none_or(|m| m.state == MembershipState::Rejected)
    }
}

/// One of a participant's channels, for the dashboard.
pub struct ChannelSummary {
    pub name: String,
    pub website_url: String,
    pub review_state: ReviewState,
}

/// The participant's channels in the order they were added.
pub fn summaries(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<Vec<ChannelSummary>> {
    let rows: Vec<(String, String, ReviewState)> = channels::table
        .filter(channels::participant_id.eq(participant_id))
        .order(channels::id)
        .select((
            channels::name,
            channels::website_url,
            channels::review_state,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(name, website_url, review_state)| ChannelSummary {
            name,
            website_url,
            review_state,
        })
        .collect())
}

/// A channel's promotion methods as stored: comma-separated (see `create_channel`).
fn methods_of(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|m| !m.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A channel as `channels_of` reads it, with its membership of the programme asked for.
#[derive(Queryable, Selectable)]
#[diesel(table_name = channels)]
struct ChannelRow {
    id: ChannelId,
    name: String,
    website_url: String,
    category: String,
    promotion_methods: String,
    review_state: ReviewState,
    review_reason: Option<String>,
    screening_note: Option<String>,
    storefront_url: Option<String>,
    #[diesel(select_expression = memberships::id.nullable())]
    membership_id: Option<MembershipId>,
    #[diesel(select_expression = memberships::state.nullable())]
    membership_state: Option<MembershipState>,
    #[diesel(select_expression = memberships::reason.nullable())]
    membership_reason: Option<String>,
}

fn channel_from_row(row: ChannelRow) -> Channel {
    Channel {
        id: row.id,
        name: row.name,
        website_url: row.website_url,
        category: row.category,
        promotion_methods: methods_of(&row.promotion_methods),
        review_state: row.review_state,
        review_reason: row.review_reason,
        screening_note: row.screening_note,
        storefront_url: row.storefront_url,
        membership: match (row.membership_id, row.membership_state) {
            (Some(id), Some(state)) => Some(Membership {
                id,
                state,
                reason: row.membership_reason,
            }),
            _ => None,
        },
    }
}

/// The participant's channels, with their membership of `programme_id`; `only` narrows to one.
pub fn channels_of(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    programme_id: ProgrammeId,
    only: Option<ChannelId>,
) -> QueryResult<Vec<Channel>> {
    let mut query = channels::table
        .left_join(
            memberships::table.on(memberships::channel_id
                .eq(channels::id)
                .and(memberships::programme_id.eq(programme_id))),
        )
        .filter(channels::participant_id.eq(participant_id))
        .select(ChannelRow::as_select())
        .order(channels::id)
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(channels::id.eq(id));
    }
    Ok(query
        .load::<ChannelRow>(conn)?
        .into_iter()
        .map(channel_from_row)
        .collect())
}

/// One of the participant's channels; `None` for a channel of someone else.
pub fn own_channel(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    programme_id: ProgrammeId,
    channel_id: ChannelId,
) -> QueryResult<Option<Channel>> {
    Ok(
        channels_of(conn, participant_id, programme_id, Some(channel_id))?
            .into_iter()
            .next(),
    )
}

/// Whether the participant may add another channel: a publisher has one (A.1.g), a network
/// several (A.1.f).
pub fn may_add_channel(participant: &Participant, count: usize) -> bool {
    !participant.terminated
        && participant
            .kind
            .max_channels()
            .is_none_or(|max| count < max)
}

/// B.5.a: a brand in the name or domain is accepted but flagged for a closer review, and so is
/// a domain another participant already uses; the notes say why.
fn review_state_for(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    fields: &ChannelFields,
) -> QueryResult<(ReviewState, Option<String>)> {
    let notes = screening::screen(
        conn,
        participant_id,
        &fields.channel_name,
        fields.website.domain(),
    )?;
    let state = if notes.is_empty() {
        ReviewState::Pending
    } else {
        ReviewState::Flagged
    };
    Ok((state, screening::encode(&notes)))
}

/// Adds a channel when the participant may have another (A.1.f/g): the participant's row is
/// locked first, so two forms sent at once cannot both pass the count. `None` at the limit.
pub fn add_channel(
    conn: &mut AnyConnection,
    participant: &Participant,
    fields: &ChannelFields,
) -> QueryResult<Option<ChannelId>> {
    crate::db::write_transaction(conn, |conn| {
        crate::participants::lock(conn, participant.id)?;
        let count: i64 = channels::table
            .filter(channels::participant_id.eq(participant.id))
            .count()
            .get_result(conn)?;
        if !may_add_channel(participant, usize::try_from(count).unwrap_or(usize::MAX)) {
            return Ok(None);
        }
        create_channel(conn, participant.id, fields).map(Some)
    })
}

pub fn create_channel(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    fields: &ChannelFields,
) -> QueryResult<ChannelId> {
    let now = crate::db::now();
    let (state, note) = review_state_for(conn, participant_id, fields)?;
    diesel::insert_into(channels::table)
        .values((
            channels::participant_id.eq(participant_id),
            channels::website_url.eq(fields.website.as_str()),
            channels::domain.eq(fields.website.domain()),
            channels::name.eq(&fields.channel_name),
            channels::category.eq(&fields.category),
            channels::promotion_methods.eq(fields.promotion_methods.join(",")),
            channels::review_state.eq(state),
            channels::screening_note.eq(note),
            channels::platform_seller.eq(fields.storefront.is_some()),
            channels::storefront_url.eq(fields.storefront.as_ref().map(|s| s.as_str())),
            channels::created_at.eq(now),
            channels::updated_at.eq(now),
        ))
        .returning(channels::id)
        .get_result(conn)
}

/// Saves a changed channel; it waits for a new review (and is screened again). Saving the same
/// values again changes nothing and keeps the review. Returns whether anything changed: a changed
/// channel is back in review and its clicks are no longer credited, so the caller tells the
/// click writer once this is committed.
pub fn update_channel(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    channel_id: ChannelId,
    fields: &ChannelFields,
) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        let current: Option<(String, String, String, String, Option<String>)> = channels::table
            .filter(channels::id.eq(channel_id))
            .filter(channels::participant_id.eq(participant_id))
            .select((
                channels::website_url,
                channels::name,
                channels::category,
                channels::promotion_methods,
                channels::storefront_url,
            ))
            .first(conn)
            .optional()?;
        let Some(current) = current else {
            return Err(diesel::result::Error::NotFound);
        };
        let new = (
            fields.website.as_str().to_owned(),
            fields.channel_name.clone(),
            fields.category.clone(),
            fields.promotion_methods.join(","),
            fields.storefront.as_ref().map(|s| s.as_str().to_owned()),
        );
        if current == new {
            return Ok(false);
        }
        let (state, note) = review_state_for(conn, participant_id, fields)?;
        diesel::update(
            channels::table
                .filter(channels::id.eq(channel_id))
                .filter(channels::participant_id.eq(participant_id)),
        )
        .set((
            channels::website_url.eq(&new.0),
            channels::domain.eq(fields.website.domain()),
            channels::name.eq(&new.1),
            channels::category.eq(&new.2),
            channels::promotion_methods.eq(&new.3),
            channels::review_state.eq(state),
            channels::screening_note.eq(note),
            channels::platform_seller.eq(new.4.is_some()),
            channels::storefront_url.eq(&new.4),
            channels::review_reason.eq(None::<String>),
            channels::reviewed_by.eq(None::<i64>),
            channels::reviewed_at.eq(None::<NaiveDateTime>),
            channels::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
        end_forbidden_memberships(conn, channel_id, &fields.promotion_methods)?;
        Ok(true)
    })
}

/// The reason stored on a membership ended because its channel now declares methods the
/// programme forbids: `forbidden-methods:` and the methods, words chosen by the page.
pub const FORBIDDEN_METHODS_REASON: &str = "forbidden-methods:";

/// A changed channel that now declares a method its programme forbids loses the membership at
/// once (approved or waiting): the forbidden-methods rule is not only checked when applying.
fn end_forbidden_memberships(
    conn: &mut AnyConnection,
    channel_id: ChannelId,
    methods: &[String],
) -> QueryResult<()> {
    let rows: Vec<(MembershipId, ProgrammeId)> = memberships::table
        .filter(memberships::channel_id.eq(channel_id))
        .filter(memberships::state.eq_any([MembershipState::Approved, MembershipState::Pending]))
        .select((memberships::id, memberships::programme_id))
        .load(conn)?;
    for (membership_id, programme_id) in rows {
        let forbidden: Vec<&str> =
            crate::programme::queries::forbidden_methods(conn, programme_id)?
                .into_iter()
                .filter(|f| methods.iter().any(|m| m == f))
                .collect();
        if forbidden.is_empty() {
            continue;
        }
        diesel::update(memberships::table.find(membership_id))
            .set((
                memberships::state.eq(MembershipState::Rejected),
                memberships::reason
                    .eq(format!("{FORBIDDEN_METHODS_REASON}{}", forbidden.join(","))),
                memberships::decided_by.eq(None::<i64>),
                memberships::decided_at.eq(Some(crate::db::now())),
            ))
            .execute(conn)?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplyRefusal {
    Terminated,
    /// An account manager restricted new applications (F.11.f): the measure that does.
    Restricted {
        measure_id: MeasureId,
    },
    ChannelNotApproved,
    AlreadyApplied,
    /// The channel declares methods the programme forbids.
    ForbiddenMethods(Vec<&'static str>),
}

/// Applies `channel` to the programme: a new pending membership, or a rejected one pending again.
pub fn apply(
    conn: &mut AnyConnection,
    participant: &Participant,
    channel: &Channel,
    programme_id: ProgrammeId,
) -> Result<(), ApplyRefusalOr> {
    if participant.terminated {
        return Err(ApplyRefusal::Terminated.into());
    }
    if let Some(measure_id) =
        crate::participants::standing::applications_restricted(conn, participant.id)?
    {
        return Err(ApplyRefusal::Restricted { measure_id }.into());
    }
    if !channel.is_approved() {
        return Err(ApplyRefusal::ChannelNotApproved.into());
    }
    if !channel.may_apply() {
        return Err(ApplyRefusal::AlreadyApplied.into());
    }
    let forbidden: Vec<&'static str> =
        crate::programme::queries::forbidden_methods(conn, programme_id)?
            .into_iter()
            .filter(|m| channel.promotion_methods.iter().any(|c| c == m))
            .collect();
    if !forbidden.is_empty() {
        return Err(ApplyRefusal::ForbiddenMethods(forbidden).into());
    }
    let now = crate::db::now();
    match &channel.membership {
        Some(m) => {
            diesel::update(
                memberships::table
                    .filter(memberships::id.eq(m.id))
                    .filter(memberships::state.eq(MembershipState::Rejected)),
            )
            .set((
                memberships::state.eq(MembershipState::Pending),
                memberships::reason.eq(None::<String>),
                memberships::applied_at.eq(now),
                memberships::decided_by.eq(None::<i64>),
                memberships::decided_at.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        }
        None => {
            let inserted = diesel::insert_into(memberships::table)
                .values((
                    memberships::programme_id.eq(programme_id),
                    memberships::channel_id.eq(channel.id),
                    memberships::state.eq(MembershipState::Pending),
                    memberships::applied_at.eq(now),
                ))
                .execute(conn);
            crate::db::on_unique_violation(inserted, || {
                Err(ApplyRefusalOr::Refused(ApplyRefusal::AlreadyApplied))
            })?;
        }
    }
    Ok(())
}

#[derive(Debug, thiserror::Error)]
pub enum ApplyRefusalOr {
    #[error("refused: {0:?}")]
    Refused(ApplyRefusal),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

impl From<ApplyRefusal> for ApplyRefusalOr {
    fn from(r: ApplyRefusal) -> Self {
        ApplyRefusalOr::Refused(r)
    }
}

/// A channel waiting for review, as the account managers' queue shows it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = channels)]
pub struct ChannelForReview {
    pub id: ChannelId,
    pub name: String,
    pub website_url: String,
    pub category: String,
    /// As stored, comma-separated: `promotion_methods()` lists them.
    #[diesel(column_name = promotion_methods)]
    stored_methods: String,
    pub review_state: ReviewState,
    /// What the screening found (`screening::text` puts it into words).
    pub screening_note: Option<String>,
    /// The participant's answer to "do you sell on AliExpress?" (E.10.k): its storefront.
    pub storefront_url: Option<String>,
    #[diesel(select_expression = participants::company_name)]
    pub company_name: String,
    #[diesel(select_expression = accounts::email)]
    pub email: String,
    pub updated_at: NaiveDateTime,
}

impl ChannelForReview {
    pub fn promotion_methods(&self) -> Vec<String> {
        methods_of(&self.stored_methods)
    }
}

pub fn channels_for_review(conn: &mut AnyConnection) -> QueryResult<Vec<ChannelForReview>> {
    channels::table
        .inner_join(participants::table.inner_join(accounts::table))
        .filter(channels::review_state.eq_any(ReviewState::OPEN))
        .filter(accounts::activated_at.is_not_null())
        .order(channels::updated_at)
        .select(ChannelForReview::as_select())
        .load(conn)
}

/// A membership application waiting for a decision.
#[derive(Debug, Clone)]
pub struct MembershipForReview {
    pub id: MembershipId,
    pub programme_name: String,
    pub channel_name: String,
    pub website_url: String,
    pub promotion_methods: Vec<String>,
    pub company_name: String,
    pub applied_at: NaiveDateTime,
}

pub fn memberships_for_review(conn: &mut AnyConnection) -> QueryResult<Vec<MembershipForReview>> {
    let rows: Vec<(
        MembershipId,
        String,
        String,
        String,
        String,
        String,
        NaiveDateTime,
    )> = memberships::table
        .inner_join(programmes::table)
        .inner_join(channels::table.inner_join(participants::table))
        .filter(memberships::state.eq(MembershipState::Pending))
        .order(memberships::applied_at)
        .select((
            memberships::id,
            programmes::name,
            channels::name,
            channels::website_url,
            channels::promotion_methods,
            participants::company_name,
            memberships::applied_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, programme_name, channel_name, website_url, methods, company_name, applied_at)| {
                MembershipForReview {
                    id,
                    programme_name,
                    channel_name,
                    website_url,
                    promotion_methods: methods_of(&methods),
                    company_name,
                    applied_at,
                }
            },
        )
        .collect())
}

/// Who is told about a decision: the participant's address, language and the channel's name.
#[derive(Debug, Clone)]
pub struct DecisionNotice {
    pub participant_id: ParticipantId,
    pub email: String,
    pub lang: String,
    pub channel_name: String,
    pub programme_name: Option<String>,
}

/// Decides a channel waiting for review. `None` when there is no such channel waiting.
/// The decision changes whether clicks are credited: the caller tells `CreditingChanges` once
/// its own transaction, which may hold this one, has committed.
pub fn decide_channel(
    conn: &mut AnyConnection,
    channel_id: ChannelId,
    review: Review,
) -> QueryResult<Option<DecisionNotice>> {
    let decision = review.decided(ReviewState::Approved, ReviewState::Rejected);
    decided(
        conn,
        |conn| reviews::review_channel(conn, channel_id, &ReviewState::OPEN, decision),
        |conn| told_of(conn, channel_id, None),
    )
}

/// Decides a pending membership application. `None` when there is no such application waiting.
/// The decision changes whether clicks are credited: the caller tells `CreditingChanges` once
/// its own transaction, which may hold this one, has committed.
pub fn decide_membership(
    conn: &mut AnyConnection,
    membership_id: MembershipId,
    review: Review,
) -> QueryResult<Option<DecisionNotice>> {
    let decision = review.decided(MembershipState::Approved, MembershipState::Rejected);
    let pending = MembershipState::Pending;
    decided(
        conn,
        |conn| reviews::decide_membership(conn, membership_id, pending, decision),
        |conn| {
            let (channel_id, programme_name): (ChannelId, String) = memberships::table
                .inner_join(programmes::table)
                .filter(memberships::id.eq(membership_id))
                .select((memberships::channel_id, programmes::name))
                .first(conn)?;
            told_of(conn, channel_id, Some(programme_name))
        },
    )
}

/// A decision in one transaction: `decide` marks it (no row when nothing was waiting any
/// more: `None`), then `told` reads who is told of it.
fn decided(
    conn: &mut AnyConnection,
    decide: impl FnOnce(&mut AnyConnection) -> QueryResult<usize>,
    told: impl FnOnce(&mut AnyConnection) -> QueryResult<DecisionNotice>,
) -> QueryResult<Option<DecisionNotice>> {
    crate::db::write_transaction(conn, |conn| {
        if decide(conn)? == 0 {
            return Ok(None);
        }
        told(conn).map(Some)
    })
}

/// Who is told of a decision on `channel_id` (or on its membership of `programme_name`).
fn told_of(
    conn: &mut AnyConnection,
    channel_id: ChannelId,
    programme_name: Option<String>,
) -> QueryResult<DecisionNotice> {
    let (participant_id, email, lang, channel_name): (ParticipantId, String, String, String) =
        channels::table
            .inner_join(participants::table.inner_join(accounts::table))
            .filter(channels::id.eq(channel_id))
            .select((
                participants::id,
                accounts::email,
                accounts::lang,
                channels::name,
            ))
            .first(conn)?;
    Ok(DecisionNotice {
        participant_id,
        email,
        lang,
        channel_name,
        programme_name,
    })
}

/// For demonstrations and the benchmark: an active publisher whose channel and membership of
/// `programme_slug` are approved at once, as if an account manager had reviewed them. Returns
/// the programme and channel ids that make up its tracking link.
pub fn create_demo_publisher(
    conn: &mut AnyConnection,
    email: &crate::domain::EmailAddress,
    password_hash: &str,
    website: &crate::domain::WebsiteUrl,
    programme_slug: &str,
) -> anyhow::Result<(ProgrammeId, ChannelId)> {
    let programme = crate::programme::queries::find_programme(conn, programme_slug)?
        .ok_or_else(|| anyhow::anyhow!("no programme {programme_slug}"))?;
    let result =
        crate::db::write_transaction(conn, |conn| -> Result<ChannelId, diesel::result::Error> {
            let now = crate::db::now();
            let new = crate::accounts::NewAccount {
                email,
                password_hash,
                role: crate::participants::Role::Participant,
                lang: crate::i18n::Lang::Nl,
                active: true,
            };
            let account_id = crate::accounts::insert(conn, &new, now)?;
            let participant_id = crate::participants::create(
                conn,
                &crate::participants::NewParticipant {
                    account_id,
                    kind: crate::participants::ParticipantKind::Publisher,
                    company_name: website.domain(),
                    contact_name: email.as_str(),
                    country: "NL",
                },
            )?;
            let channel_id: ChannelId = diesel::insert_into(channels::table)
                .values((
                    channels::participant_id.eq(participant_id),
                    channels::website_url.eq(website.as_str()),
                    channels::domain.eq(website.domain()),
                    channels::name.eq(website.domain()),
                    channels::category.eq("content"),
                    channels::promotion_methods.eq("content"),
                    channels::review_state.eq(ReviewState::Approved),
                    channels::review_reason.eq(Some("demo")),
                    channels::reviewed_at.eq(Some(now)),
                    channels::created_at.eq(now),
                    channels::updated_at.eq(now),
                ))
                .returning(channels::id)
                .get_result(conn)?;
            diesel::insert_into(memberships::table)
                .values((
                    memberships::programme_id.eq(programme.id),
                    memberships::channel_id.eq(channel_id),
                    memberships::state.eq(MembershipState::Approved),
                    memberships::reason.eq(Some("demo")),
                    memberships::applied_at.eq(now),
                    memberships::decided_at.eq(Some(now)),
                ))
                .execute(conn)?;
            Ok(channel_id)
        });
    crate::db::on_unique_violation(result.map(|channel_id| (programme.id, channel_id)), || {
        anyhow::bail!("an account with the address {email} exists already")
    })
}
