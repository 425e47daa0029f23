//! What the console's participants list and participant page read (small queries returning
//! view structs), and the measures' changes as the participant page makes them: each checked to
//! be the participant's in the URL.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rust_decimal::Decimal;

use crate::audit::like_pattern;
use crate::audit::Actor;
use crate::db::ids::{AccountId, MeasureId, ParticipantId, ProgrammeId};
use crate::db::schema::{
    accounts, channels, click_days, measures, memberships, participants, programmes,
};
use crate::db::AnyConnection;
use crate::domain::Currency;
use crate::enforcement::measures::{self as measure, CureError, LiftError, Lifted, Measure};
use crate::enforcement::measures::{Proposal, TakeError, Taken};
use crate::enforcement::objections::Objection;
use crate::enforcement::states::CureDecision;
use crate::ledger::states::{CommissionKind, CommissionState};
use crate::participants::{MeasureKind, MembershipState, ParticipantKind, ReviewState};
use crate::programme::versions::{self, ClauseText};

/// The list's page size.
pub const PAGE_SIZE: usize = 50;
/// Click quality covers this many days up to today.
pub const QUALITY_DAYS: u64 = 30;

/// The list's filters, as the query string gives them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    /// `active`, `terminated`, `inactive`.
    #[serde(default)]
    pub status: String,
    /// `publisher`, `network`.
    #[serde(default)]
    pub kind: String,
    /// ISO 3166-1 alpha-2.
    #[serde(default)]
    pub country: String,
    /// `yes`: a channel flagged by brand screening (B.5.a).
    #[serde(default)]
    pub flagged: String,
    /// At least this percentage of the last 30 days' clicks not credited.
    #[serde(default)]
    pub share: String,
    /// `any` or a measure kind: has such a measure in force.
    #[serde(default)]
    pub open: String,
    #[serde(default)]
    pub page: Option<usize>,
}

impl ListQuery {
    pub fn min_share(&self) -> Option<Decimal> {
        let text = self.share.trim().trim_end_matches('%').replace(',', ".");
        text.parse::<Decimal>().ok().filter(|d| *d >= Decimal::ZERO)
    }

    /// The query string without `page`, for the pager's links.
    pub fn without_page(&self) -> String {
        super::filters::query_string([
            ("q", self.q.as_str()),
            ("status", self.status.as_str()),
            ("kind", self.kind.as_str()),
            ("country", self.country.as_str()),
            ("flagged", self.flagged.as_str()),
            ("share", self.share.as_str()),
            ("open", self.open.as_str()),
        ])
    }
}

/// Clicks of the last 30 days: all, and not credited.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClickQuality {
    pub total: i64,
    pub not_credited: i64,
}

impl ClickQuality {
    /// Not-credited clicks as a percentage, one decimal, half away from zero.
    pub fn share_percent(&self) -> Decimal {
        if self.total == 0 {
            return Decimal::ZERO;
        }
        (Decimal::from(self.not_credited) * Decimal::from(100) / Decimal::from(self.total))
            .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    }
}

/// A line of the participants list.
#[derive(Debug, Clone)]
pub struct ParticipantLine {
    pub id: ParticipantId,
    pub company_name: String,
    pub email: String,
    pub kind: String,
    pub country: String,
    pub activated: bool,
    pub terminated_at: Option<NaiveDateTime>,
    pub domains: Vec<String>,
    pub flagged: bool,
    pub open_measures: Vec<MeasureKind>,
    pub quality: ClickQuality,
}

pub struct ListResult {
    pub lines: Vec<ParticipantLine>,
    pub total: usize,
    pub page: usize,
    pub pages: usize,
}

/// Open measures: not lifted, and a cure period not decided.
fn open_measures(conn: &mut AnyConnection) -> QueryResult<Vec<(ParticipantId, MeasureKind)>> {
    let rows: Vec<(ParticipantId, MeasureKind, Option<CureDecision>)> = measures::table
        .filter(measures::lifted_at.is_null())
        .select((
            measures::participant_id,
            measures::kind,
            measures::cure_decision,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(_, kind, decision)| !(*kind == MeasureKind::CurePeriod && decision.is_some()))
        .map(|(p, k, _)| (p, k))
        .collect())
}

/// Click quality per participant since `since`.
pub fn click_quality(
    conn: &mut AnyConnection,
    since: NaiveDate,
    participant: Option<ParticipantId>,
) -> QueryResult<HashMap<ParticipantId, ClickQuality>> {
    // From the daily rollups, which outlive the click log's retention period.
    let mut query = click_days::table
        .filter(click_days::day.ge(crate::db::day_number(since)))
        .group_by((click_days::participant_id, click_days::credited))
        .select((
            click_days::participant_id,
            click_days::credited,
            diesel::dsl::sum(click_days::clicks),
        ))
        .into_boxed();
    if let Some(p) = participant {
        query = query.filter(click_days::participant_id.eq(p));
    }
    let rows: Vec<(ParticipantId, bool, Option<i64>)> = query.load(conn)?;
    let mut map: HashMap<ParticipantId, ClickQuality> = HashMap::new();
    for (p, credited, n) in rows {
        let n = n.unwrap_or(0);
        let q = map.entry(p).or_default();
        q.total += n;
        if !credited {
            q.not_credited += n;
        }
    }
    Ok(map)
}

/// The countries participants are in, for the list's filter.
pub fn countries(conn: &mut AnyConnection) -> QueryResult<Vec<String>> {
    participants::table
        .select(participants::country)
        .distinct()
        .order(participants::country)
        .load(conn)
}

/// A participant as the list reads it, before its domains, measures and clicks are added.
#[derive(Queryable, Selectable)]
#[diesel(table_name = participants)]
struct ListRow {
    id: ParticipantId,
    company_name: String,
    #[diesel(select_expression = accounts::email)]
    email: String,
    kind: String,
    country: String,
    #[diesel(select_expression = accounts::activated_at)]
    activated_at: Option<NaiveDateTime>,
    terminated_at: Option<NaiveDateTime>,
}

/// The participants matching `query`, the page asked for.
pub fn list(
    conn: &mut AnyConnection,
    query: &ListQuery,
    today: NaiveDate,
) -> QueryResult<ListResult> {
    let mut rows = participants::table
        .inner_join(accounts::table)
        .select(ListRow::as_select())
        .order(participants::id.desc())
        .into_boxed();
    let q = query.q.trim();
    if !q.is_empty() {
        let pattern = like_pattern(q);
        let by_domain = channels::table
            .filter(
                channels::domain
                    .like(pattern.clone())
                    .escape('\\')
                    .or(channels::name.like(pattern.clone()).escape('\\')),
            )
            .select(channels::participant_id);
        rows = rows.filter(
            participants::company_name
                .like(pattern.clone())
                .escape('\\')
                .or(participants::contact_name
                    .like(pattern.clone())
                    .escape('\\'))
                .or(accounts::email.like(pattern).escape('\\'))
                .or(participants::id.eq_any(by_domain)),
        );
    }
    match query.status.as_str() {
        "active" => {
            rows = rows
                .filter(participants::terminated_at.is_null())
                .filter(accounts::activated_at.is_not_null())
        }
        "terminated" => rows = rows.filter(participants::terminated_at.is_not_null()),
        "inactive" => rows = rows.filter(accounts::activated_at.is_null()),
        _ => {}
    }
    if let Some(kind) = ParticipantKind::parse(&query.kind) {
        rows = rows.filter(participants::kind.eq(kind));
    }
    let country = query.country.trim().to_ascii_uppercase();
    if country.len() == 2 {
        rows = rows.filter(participants::country.eq(country));
    }
    if query.flagged == "yes" {
        rows = rows.filter(
            participants::id.eq_any(
                channels::table
                    .filter(channels::screening_note.is_not_null())
                    .select(channels::participant_id),
            ),
        );
    }
    let found: Vec<ListRow> = rows.load(conn)?;
    let open = open_measures(conn)?;
    let wanted_open = match query.open.as_str() {
        "" => None,
        "any" => Some(None),
        kind => MeasureKind::parse(kind).map(Some),
    };
    let since = today - chrono::Days::new(QUALITY_DAYS - 1);
    let min_share = query.min_share();
    let quality = if min_share.is_some() || !found.is_empty() {
        click_quality(conn, since, None)?
    } else {
        HashMap::new()
    };
    let mut lines: Vec<ParticipantLine> = found
        .into_iter()
        .map(|row| ParticipantLine {
            id: row.id,
            company_name: row.company_name,
            email: row.email,
            kind: row.kind,
            country: row.country,
            activated: row.activated_at.is_some(),
            terminated_at: row.terminated_at,
            domains: Vec::new(),
            flagged: false,
            open_measures: open
                .iter()
                .filter(|(p, _)| *p == row.id)
                .map(|(_, k)| *k)
                .collect(),
            quality: quality.get(&row.id).copied().unwrap_or_default(),
        })
        .filter(|l| match wanted_open {
            None => true,
            Some(None) => !l.open_measures.is_empty(),
            Some(Some(kind)) => l.open_measures.contains(&kind),
        })
        .filter(|l| {
            min_share.is_none_or(|min| l.quality.total > 0 && l.quality.share_percent() >= min)
        })
        .collect();
    let total = lines.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    lines = lines
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    let ids: Vec<ParticipantId> = lines.iter().map(|l| l.id).collect();
    let channel_rows: Vec<(ParticipantId, String, Option<String>)> = channels::table
        .filter(channels::participant_id.eq_any(&ids))
        .order(channels::id)
        .select((
            channels::participant_id,
            channels::domain,
            channels::screening_note,
        ))
        .load(conn)?;
    for line in &mut lines {
        for (p, domain, note) in &channel_rows {
            if *p == line.id {
                line.domains.push(domain.clone());
                line.flagged |= note.is_some();
            }
        }
    }
    Ok(ListResult {
        lines,
        total,
        page,
        pages,
    })
}

/// The account and participant at the top of a participant's page.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = participants)]
pub struct Profile {
    pub id: ParticipantId,
    pub account_id: AccountId,
    #[diesel(select_expression = accounts::email)]
    pub email: String,
    #[diesel(select_expression = accounts::lang)]
    pub lang: String,
    pub kind: String,
    pub company_name: String,
    pub contact_name: String,
    pub country: String,
    pub created_at: NaiveDateTime,
    #[diesel(select_expression = accounts::activated_at)]
    pub activated_at: Option<NaiveDateTime>,
    pub terminated_at: Option<NaiveDateTime>,
}

pub fn profile(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<Option<Profile>> {
    participants::table
        .inner_join(accounts::table)
        .filter(participants::id.eq(participant_id))
        .select(Profile::as_select())
        .first(conn)
        .optional()
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = channels)]
pub struct ChannelLine {
    pub id: i64,
    pub name: String,
    pub website_url: String,
    pub review_state: ReviewState,
    pub screening_note: Option<String>,
    /// The participant's storefront on the platform, when it sells there (E.10.k).
    pub storefront_url: Option<String>,
}

/// A membership as the participant page lists it (the query's columns, in their order).
#[derive(Debug, Clone, Queryable)]
pub struct MembershipLine {
    pub id: i64,
    pub channel_name: String,
    pub programme_name: String,
    pub state: MembershipState,
    pub reason: Option<String>,
}

pub fn channels_of(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<Vec<ChannelLine>> {
    channels::table
        .filter(channels::participant_id.eq(participant_id))
        .order(channels::id)
        .select(ChannelLine::as_select())
        .load(conn)
}

pub fn memberships_of(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<Vec<MembershipLine>> {
    memberships::table
        .inner_join(channels::table)
        .inner_join(programmes::table)
        .filter(channels::participant_id.eq(participant_id))
        .order(memberships::id)
        .select((
            memberships::id,
            channels::name,
            programmes::name,
            memberships::state,
            memberships::reason,
        ))
        .load(conn)
}

/// The rules' sections, letter and title, in their order: the clause chooser groups by them.
pub fn rule_sections(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
) -> QueryResult<Vec<(String, String)>> {
    use crate::db::schema::rule_sections;
    rule_sections::table
        .filter(rule_sections::programme_id.eq(programme_id))
        .order(rule_sections::position)
        .select((rule_sections::letter, rule_sections::title))
        .load(conn)
}

/// A participant's company name and whether it is terminated (the reinstatement page).
pub fn terminated(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<Option<(String, bool)>> {
    let found: Option<(String, Option<NaiveDateTime>)> = participants::table
        .find(participant_id)
        .select((participants::company_name, participants::terminated_at))
        .first(conn)
        .optional()?;
    Ok(found.map(|(name, at)| (name, at.is_some())))
}

/// For the console's home page: cure periods past their deadline, and open objections (those
/// past their due date first).
pub fn overdue(conn: &mut AnyConnection) -> QueryResult<(Vec<Measure>, Vec<Objection>)> {
    let today = crate::calendar::working_days::today();
    let cures = crate::enforcement::measures::overdue_cures(conn, today)?;
    let open: Vec<Objection> = crate::enforcement::objections::all(conn)?
        .into_iter()
        .filter(|o| o.is_open())
        .collect();
    Ok((cures, open))
}

/// What a participant's page shows of its money: amounts in minor units of the programme's
/// `currency`.
pub struct Summary {
    pub conversions: i64,
    pub pending: i64,
    pub approved: i64,
    pub balance: i64,
    pub currency: Currency,
}

fn summary(conn: &mut AnyConnection, participant_id: ParticipantId) -> QueryResult<Summary> {
    let commissions = crate::ledger::queries::commission_lines(conn, participant_id)?;
    let amount = |state: CommissionState| {
        commissions
            .iter()
            .filter(|c| c.commission.state == state)
            .map(|c| c.commission.amount)
            .sum()
    };
    Ok(Summary {
        // One order row per conversion; a return is a row of its own, not a conversion.
        conversions: commissions
            .iter()
            .filter(|c| c.commission.kind == CommissionKind::Order)
            .count() as i64,
        pending: amount(CommissionState::Pending),
        approved: amount(CommissionState::Approved),
        balance: crate::ledger::payouts::balance(conn, participant_id)?,
        currency: crate::ledger::queries::programme_currency(conn)?,
    })
}

/// Everything a participant's page reads.
pub struct ParticipantData {
    pub profile: Profile,
    pub channels: Vec<ChannelLine>,
    pub memberships: Vec<MembershipLine>,
    pub quality: ClickQuality,
    pub summary: Summary,
    /// Every measure with the objection to it, if any.
    pub measures: Vec<(Measure, Option<Objection>)>,
    pub acceptances: Vec<(i32, NaiveDateTime)>,
    /// The clauses of the rules in force, their version's number, and the rules' sections.
    pub clauses: Vec<ClauseText>,
    pub rules_version: i32,
    pub sections: Vec<(String, String)>,
}

/// Participant `participant_id`'s page as of `today`; `None` when there is no such participant.
pub fn participant_data(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    today: NaiveDate,
) -> QueryResult<Option<ParticipantData>> {
    let Some(profile) = profile(conn, participant_id)? else {
        return Ok(None);
    };
    let since = today - chrono::Days::new(QUALITY_DAYS - 1);
    let quality = click_quality(conn, since, Some(participant_id))?
        .get(&participant_id)
        .copied()
        .unwrap_or_default();
    let mut history = Vec::new();
    for m in measure::of_participant(conn, participant_id)? {
        let objection = crate::enforcement::objections::of_measure(conn, m.id)?;
        history.push((m, objection));
    }
    let programme_id = crate::programme::current(conn)?;
    let (clauses, rules_version) = versions::current(conn, programme_id)?
        .map(|v| (v.clauses, v.number))
        .unwrap_or_default();
    Ok(Some(ParticipantData {
        profile,
        channels: channels_of(conn, participant_id)?,
        memberships: memberships_of(conn, participant_id)?,
        quality,
        summary: summary(conn, participant_id)?,
        measures: history,
        acceptances: versions::acceptances(conn, participant_id)?,
        clauses,
        rules_version,
        sections: rule_sections(conn, programme_id)?,
    }))
}

/// The clauses of the rules in force: what a measure may cite.
pub fn clauses_in_force(conn: &mut AnyConnection) -> QueryResult<Vec<ClauseText>> {
    let programme_id = crate::programme::current(conn)?;
    Ok(versions::current(conn, programme_id)?
        .map(|v| v.clauses)
        .unwrap_or_default())
}

/// Takes the measure `proposal` against `participant_id`, its deadlines counted in working days
/// by the holiday table (`measures::take`).
pub fn take_measure(
    conn: &mut AnyConnection,
    actor: &Actor,
    participant_id: ParticipantId,
    proposal: &Proposal,
    now: NaiveDateTime,
) -> Result<Taken, TakeError> {
    let calendar = crate::calendar::holidays::load(conn)?;
    measure::take(conn, actor, participant_id, proposal, &calendar, now)
}

/// Whether measure `measure_id` is `participant_id`'s: the URL names both.
fn is_of(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    measure_id: MeasureId,
) -> QueryResult<bool> {
    Ok(measure::find(conn, measure_id)?.is_some_and(|m| m.participant_id == participant_id))
}

/// Lifts measure `measure_id` of `participant_id` with the manager's reason (`measures::lift`).
pub fn lift_measure(
    conn: &mut AnyConnection,
    actor: &Actor,
    (participant_id, measure_id): (ParticipantId, MeasureId),
    reason: &str,
    now: NaiveDateTime,
) -> Result<Lifted, LiftError> {
    if !is_of(conn, participant_id, measure_id)? {
        return Err(LiftError::NotFound);
    }
    measure::lift(conn, actor, measure_id, reason, now)
}

/// Accepts the cure of cure period `measure_id` of `participant_id` (`measures::accept_cure`).
pub fn accept_cure(
    conn: &mut AnyConnection,
    actor: &Actor,
    (participant_id, measure_id): (ParticipantId, MeasureId),
    now: NaiveDateTime,
) -> Result<ParticipantId, CureError> {
    if !is_of(conn, participant_id, measure_id)? {
        return Err(CureError::NotFound);
    }
    measure::accept_cure(conn, actor, measure_id, now)
}
