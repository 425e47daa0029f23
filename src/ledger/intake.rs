//! Conversions in, from the API or an import: attribution to the click, the commission on the
//! order, and the advertiser's later updates. Idempotent by (programme, order reference): the
//! same report twice changes nothing.
//!
//! The rules, in the order they apply:
//! - A conversion earns only through the click id it carries: the click that began the visitor's
//!   session at the advertiser. No other click of the publisher counts, earlier or later. It is
//!   credited to that click's channel when the click was credited and the order came within the
//!   programme's session window after the click (`session_window_minutes`, 24 hours unless set
//!   otherwise): from the click's time up to and including the moment the window ends, whatever
//!   the calendar day. Else it is kept, not commissionable, with the reason. A click from an address the participant
//!   logged in from holds the commission for review as possible self-purchase (E.10.j).
//! - Commission = order amount × the rate of the group in force at the order time, rounded once
//!   (`domain::money`). A redeemed coupon earns none; more than one coupon code on the order
//!   ("one coupon per transaction"), items reported not in stock, a cancelled or wholly returned
//!   order neither (`Conversion::refusal`, with the reason the publisher reads).
//! - The locking date is fixed on arrival: the order time plus the programme's validation
//!   period. Until then an update may change the commission; from then on it is final (see
//!   `locking`). A report that would change the conversion after its locking date is refused as
//!   `locked` (the error names the date) and changes nothing — with one exception: a further
//!   return of an order whose commission still counts (approved, or pending while held for
//!   review) is a new negative row, so a return after payout is netted against the next payout.
//!   An order returned less than before, a cancellation, a new amount or coupon, or any change
//!   of an order whose commission was rejected or reversed is refused. A conversion that earns
//!   no commission has no locking date and may be updated at any time.
//! - The same report as the one stored changes nothing and answers as a repeat, before or after
//!   the locking date.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::commissions::net_commission;
use super::commissions::{self, ChangedBy, Commission, NewCommission};
use super::conversions::{currency_of, find, stored_coupons, Conversion};
use super::locking;
use super::report::{Detail, Problem, Report, LOCKED};
use super::states::{reason, Attribution, CommissionKind, CommissionState, EnteredBy, OrderStatus};
use crate::db::ids::{
    ChannelId, CommissionGroupId, ConversionId, ParticipantId, ProgrammeId, SecretId,
};
use crate::db::schema::{
    clicks, commission_groups, conversions, login_addresses, participants, programmes,
    signatures_seen,
};
use crate::db::AnyConnection;
use crate::domain::{money, Currency, Money, Rate};

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("unknown programme")]
    UnknownProgramme,
    #[error("the report does not fit the programme")]
    Problems(Vec<Problem>),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// What happened to a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Created,
    Updated,
    /// The same report as the one stored: nothing changed.
    Repeated,
}

/// The answer of the API: the conversion, its commission's state and amount (net of returns) and
/// its locking date. Not commissionable: no state of a commission and no date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub outcome: Outcome,
    pub conversion_id: ConversionId,
    pub attribution: Attribution,
    pub state: Option<CommissionState>,
    pub commission: Money,
    pub locks_at: Option<NaiveDateTime>,
}

/// A programme's money settings.
#[derive(Debug, Clone, Queryable)]
pub struct ProgrammeTerms {
    pub id: ProgrammeId,
    pub currency: String,
    pub session_window_minutes: i32,
    pub validation_days: i32,
}

pub fn programme_terms(
    conn: &mut AnyConnection,
    slug: &str,
) -> QueryResult<Option<ProgrammeTerms>> {
    programmes::table
        .filter(programmes::slug.eq(slug))
        .select((
            programmes::id,
            programmes::currency,
            programmes::session_window_minutes,
            programmes::validation_days,
        ))
        .first(conn)
        .optional()
}

/// Records `report` (one transaction): a new conversion, an update of a stored one, or nothing
/// for a repeat.
pub fn record(
    conn: &mut AnyConnection,
    report: &Report,
    entered: EnteredBy,
    now: NaiveDateTime,
) -> Result<Recorded, IntakeError> {
    crate::db::write_transaction(conn, |conn| {
        let terms =
            programme_terms(conn, &report.programme)?.ok_or(IntakeError::UnknownProgramme)?;
        record_for(conn, &terms, report, entered, now)
    })
}

/// A report as the conversion API received it: checked, and signed by a secret in force.
pub struct SignedReport<'a> {
    pub report: &'a Report,
    /// The signature that matched (remembered, so the same request again changes nothing).
    pub signature: &'a str,
    /// The advertiser's secret that signed it.
    pub secret_id: SecretId,
    pub now: NaiveDateTime,
}

/// Takes in a report the conversion API received, in one transaction with one read of the
/// programme: the signature is remembered (the same request again answers with what is stored
/// now, unchanged), the report is recorded and, new or changed, written to the audit log. A
/// refusal rolls back the remembered signature too: nothing is stored.
pub fn receive(
    conn: &mut AnyConnection,
    signed: &SignedReport<'_>,
) -> Result<Recorded, IntakeError> {
    let SignedReport {
        report,
        signature,
        secret_id,
        now,
    } = *signed;
    crate::db::write_transaction(conn, |conn| {
        let terms =
            programme_terms(conn, &report.programme)?.ok_or(IntakeError::UnknownProgramme)?;
        if !first_time(conn, signature, now.and_utc().timestamp())? {
            if let Some(stored) = stored_conversion(conn, terms.id, &report.order_ref)? {
                return Ok(recorded(conn, &stored, Outcome::Repeated)?);
            }
        }
        let entered = EnteredBy::Api { secret_id };
        let recorded = record_for(conn, &terms, report, entered, now)?;
        audit_received(conn, report, &recorded, secret_id, now)?;
        Ok(recorded)
    })
}

/// Remembers a signature; `false` when it was seen before (the same request again). In a
/// savepoint: on PostgreSQL a refused insert would otherwise end the whole transaction.
fn first_time(conn: &mut AnyConnection, signature: &str, signed_at: i64) -> QueryResult<bool> {
    let inserted = crate::db::write_transaction(conn, |conn| {
        diesel::insert_into(signatures_seen::table)
            .values((
                signatures_seen::signature.eq(signature),
                signatures_seen::signed_at.eq(signed_at),
            ))
            .execute(conn)
    });
    crate::db::on_unique_violation(inserted.map(|_| true), || Ok(false))
}

/// A conversion that arrived by the API (new or changed; not a repeat) in the audit log: which
/// order, its state and commission now, and the secret that signed it.
fn audit_received(
    conn: &mut AnyConnection,
    report: &Report,
    recorded: &Recorded,
    secret_id: SecretId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    if recorded.outcome == Outcome::Repeated {
        return Ok(());
    }
    let entry = crate::audit::Entry::new(
        crate::audit::action::CONVERSION_RECEIVED,
        format!("conversion {}", recorded.conversion_id),
    )
    .after(serde_json::json!({
        "order_ref": report.order_ref,
        "status": report.status.as_str(),
        "new": recorded.outcome == Outcome::Created,
        "state": recorded.state.map(|s| s.as_str()),
        "commission": recorded.commission.plain(),
    }));
    crate::audit::record(
        conn,
        &crate::audit::Actor::advertiser(secret_id),
        entry,
        now,
    )
}

/// Records `report` for the programme of `terms`, inside the caller's transaction.
fn record_for(
    conn: &mut AnyConnection,
    terms: &ProgrammeTerms,
    report: &Report,
    entered: EnteredBy,
    now: NaiveDateTime,
) -> Result<Recorded, IntakeError> {
    let group_id: Option<CommissionGroupId> = commission_groups::table
        .filter(commission_groups::programme_id.eq(terms.id))
        .filter(commission_groups::code.eq(&report.commission_group))
        .select(commission_groups::id)
        .first(conn)
        .optional()?;
    let problems = misfits(report, &terms.currency, group_id);
    let (Some(group_id), true) = (group_id, problems.is_empty()) else {
        return Err(IntakeError::Problems(problems));
    };
    let actor = ChangedBy {
        source: entered.source(),
        manager: entered.manager_id(),
        at: now,
    };
    let stored = stored_conversion(conn, terms.id, &report.order_ref)?;
    let (conversion, outcome) = match stored {
        None => (
            create(conn, report, terms, group_id, entered, actor)?,
            Outcome::Created,
        ),
        Some(stored) => {
            if let Some(problem) = changed_fact(&stored, report, group_id) {
                return Err(IntakeError::Problems(vec![problem]));
            }
            if same_report(&stored, report) {
                (stored, Outcome::Repeated)
            } else {
                // What fell due before this report is settled by the report it had.
                locking::settle_conversion(conn, stored.id, actor.at)?;
                if let Some(locks_at) = locked_since(conn, &stored, report, actor.at)? {
                    return Err(IntakeError::Problems(vec![
                        Problem::new("status", LOCKED).with(Detail::LockedSince(locks_at))
                    ]));
                }
                (update(conn, stored, report, actor)?, Outcome::Updated)
            }
        }
    };
    Ok(recorded(conn, &conversion, outcome)?)
}

/// What keeps `report` from fitting its programme: another currency than the programme's
/// `currency`, or a commission group the programme does not have (`group_id`: the one of the
/// report's code, if any). The import's preview asks the same.
pub fn misfits(
    report: &Report,
    currency: &str,
    group_id: Option<CommissionGroupId>,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    if report.order_amount.currency.code() != currency {
        let problem = Problem::new("currency", "error-conversion-wrong-currency");
        problems.push(match Currency::parse(currency) {
            Some(currency) => problem.with(Detail::Currency(currency)),
            None => problem,
        });
    }
    if group_id.is_none() {
        problems.push(Problem::new(
            "commission_group",
            "error-conversion-unknown-group",
        ));
    }
    problems
}

/// The problem of a report that changes what no report may change of the order `stored`: its
/// click, its commission group (`group_id`: the report's), its time. The import's preview asks
/// the same.
pub fn changed_fact(
    stored: &Conversion,
    report: &Report,
    group_id: CommissionGroupId,
) -> Option<Problem> {
    (stored.click_ref != report.click_ref
        || stored.group_id != group_id
        || stored.occurred_at != report.occurred_at)
        .then(|| Problem::new("order_ref", "error-conversion-changed-fact"))
}

fn stored_conversion(
    conn: &mut AnyConnection,
    programme_id: ProgrammeId,
    order_ref: &str,
) -> QueryResult<Option<Conversion>> {
    conversions::table
        .filter(conversions::programme_id.eq(programme_id))
        .filter(conversions::order_ref.eq(order_ref))
        .select(Conversion::as_select())
        .first(conn)
        .optional()
}

/// The locking date of `stored`, when it has passed and `report` may no longer change it (see
/// the module's rules).
fn locked_since(
    conn: &mut AnyConnection,
    stored: &Conversion,
    report: &Report,
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    let order = commissions::of_conversion(conn, stored.id)?
        .into_iter()
        .find(|c| c.kind == CommissionKind::Order);
    Ok(order
        .filter(|o| o.locks_at <= now && !is_further_return(stored, report, o.state))
        .map(|o| o.locks_at))
}

/// Whether `report` only returns more of `stored`'s order while its commission still counts:
/// the one change a conversion takes after its locking date.
/// Whether `report` only returns more of an order whose commission still counts: the one change
/// taken after the locking date (the import's preview asks the same).
pub fn is_further_return(stored: &Conversion, report: &Report, order: CommissionState) -> bool {
    report.status == OrderStatus::Returned
        && report.order_amount.minor == stored.order_amount
        && report.coupon_redeemed == stored.coupon_redeemed
        && same_coupons_and_stock(stored, report)
        && report.returned_amount.minor > stored.returned_amount
        && matches!(order, CommissionState::Approved | CommissionState::Pending)
}

/// Whether `report` says what is stored already (a repeat; the import's preview asks the same).
pub fn same_report(stored: &Conversion, report: &Report) -> bool {
    stored.order_amount == report.order_amount.minor
        && stored.returned_amount == report.returned_amount.minor
        && stored.coupon_redeemed == report.coupon_redeemed
        && stored.order_status == report.status
        && same_coupons_and_stock(stored, report)
}

/// Whether `report` names the coupon codes and stock that `stored` holds.
fn same_coupons_and_stock(stored: &Conversion, report: &Report) -> bool {
    stored.coupon_codes == stored_coupons(&report.coupon_codes)
        && stored.in_stock == report.in_stock
}

/// The click behind a conversion, as attribution needs it.
#[derive(Debug, Queryable)]
struct ClickFacts {
    programme_id: ProgrammeId,
    channel_id: ChannelId,
    participant_id: ParticipantId,
    clicked_at_ms: i64,
    credited: bool,
    ip_hash: Vec<u8>,
}

/// A click id is 32 hex characters (16 bytes); anything else names no click.
fn click_key(click_ref: &str) -> Option<Vec<u8>> {
    (click_ref.len() == 32)
        .then(|| hex::decode(click_ref).ok())
        .flatten()
}

fn attribute(
    conn: &mut AnyConnection,
    report: &Report,
    terms: &ProgrammeTerms,
) -> QueryResult<(Attribution, Option<ClickFacts>)> {
    let Some(key) = click_key(&report.click_ref) else {
        return Ok((Attribution::UnknownClick, None));
    };
    let click: Option<ClickFacts> = clicks::table
        .find(key)
        .select((
            clicks::programme_id,
            clicks::channel_id,
            clicks::participant_id,
            clicks::clicked_at,
            clicks::credited,
            clicks::ip_hash,
        ))
        .first(conn)
        .optional()?;
    let Some(click) = click.filter(|c| c.programme_id == terms.id) else {
        return Ok((Attribution::UnknownClick, None));
    };
    let attribution = attribution_of(&click, report.occurred_at, terms.session_window_minutes);
    if attribution != Attribution::Credited {
        return Ok((attribution, Some(click)));
    }
    // E.10.j: the click came from an address the participant's own account logged in from.
    let own_address: bool = diesel::select(diesel::dsl::exists(
        login_addresses::table
            .inner_join(
                participants::table.on(participants::account_id.eq(login_addresses::account_id)),
            )
            .filter(participants::id.eq(click.participant_id))
            .filter(login_addresses::ip_hash.eq(&click.ip_hash)),
    ))
    .get_result(conn)?;
    let attribution = if own_address {
        Attribution::SelfPurchase
    } else {
        Attribution::Credited
    };
    Ok((attribution, Some(click)))
}

/// Clocks of advertiser and portal differ a little: an order stamped up to five minutes before
/// its click still follows it.
const CLOCK_TOLERANCE_MS: i64 = 300_000;

/// The attribution of an order at `occurred_at` to `click` (the click whose id the order
/// carries), before the self-purchase check. Session based: the order earns when it came at most
/// `window_minutes` after the click — an order at the very moment the window ends still earns,
/// one a second later does not — whatever the calendar day (a click at 23:50 and an order at
/// 00:10 UTC are one session).
fn attribution_of(
    click: &ClickFacts,
    occurred_at: NaiveDateTime,
    window_minutes: i32,
) -> Attribution {
    if !click.credited {
        return Attribution::ClickNotCredited;
    }
    let order_ms = occurred_at.and_utc().timestamp_millis();
    let window_ms = i64::from(window_minutes) * 60_000;
    if order_ms + CLOCK_TOLERANCE_MS < click.clicked_at_ms
        || order_ms > click.clicked_at_ms + window_ms
    {
        return Attribution::OutsideCookiePeriod;
    }
    Attribution::Credited
}

fn create(
    conn: &mut AnyConnection,
    report: &Report,
    terms: &ProgrammeTerms,
    group_id: CommissionGroupId,
    entered: EnteredBy,
    actor: ChangedBy,
) -> Result<Conversion, IntakeError> {
    let (mut attribution, click) = attribute(conn, report, terms)?;
    let rate = crate::programme::queries::rate_at(conn, group_id, report.occurred_at)?
        .and_then(|stored| stored.rate().ok());
    if rate.is_none() && attribution.earns_commission() {
        attribution = Attribution::NoRate;
    }
    let id: ConversionId = diesel::insert_into(conversions::table)
        .values((
            conversions::programme_id.eq(terms.id),
            conversions::order_ref.eq(&report.order_ref),
            conversions::click_ref.eq(&report.click_ref),
            conversions::participant_id.eq(click.as_ref().map(|c| c.participant_id)),
            conversions::channel_id.eq(click.as_ref().map(|c| c.channel_id)),
            conversions::group_id.eq(group_id),
            conversions::currency.eq(&terms.currency),
            ReportedOrder::of(report, actor.at),
            conversions::attribution.eq(attribution),
            conversions::occurred_at.eq(report.occurred_at),
            conversions::received_at.eq(actor.at),
            conversions::entered_via.eq(entered.via()),
            conversions::secret_id.eq(entered.secret_id()),
            conversions::imported_by.eq(entered.manager_id()),
        ))
        .returning(conversions::id)
        .get_result(conn)?;
    let conversion = find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
    if let (true, Some(click), Some(rate)) = (attribution.earns_commission(), click, rate) {
        let held = attribution == Attribution::SelfPurchase;
        let amount = money::commission(report.order_amount, rate);
        let locks_at =
            report.occurred_at + chrono::Duration::days(i64::from(terms.validation_days));
        let (state, why) = order_state(&conversion, held);
        commissions::insert(
            conn,
            NewCommission {
                conversion_id: id,
                participant_id: click.participant_id,
                kind: CommissionKind::Order,
                reverses_id: None,
                rate_percent: &rate.to_db(),
                amount: amount.minor,
                currency: &terms.currency,
                state,
                reason: why,
                held,
                locks_at,
            },
            actor,
        )?;
        apply_returns(conn, &conversion, actor)?;
        // An order reported only after its validation period is final at once.
        locking::settle_conversion(conn, id, actor.at)?;
    }
    Ok(conversion)
}

/// What a report says of the order, as a new conversion stores it and an update changes it
/// (the facts it may not change — click, group, order time — are written once, by `create`).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = conversions, treat_none_as_null = true)]
struct ReportedOrder {
    order_amount: i64,
    returned_amount: i64,
    coupon_redeemed: bool,
    coupon_codes: String,
    in_stock: Option<bool>,
    order_status: OrderStatus,
    updated_at: NaiveDateTime,
}

impl ReportedOrder {
    fn of(report: &Report, at: NaiveDateTime) -> ReportedOrder {
        ReportedOrder {
            order_amount: report.order_amount.minor,
            returned_amount: report.returned_amount.minor,
            coupon_redeemed: report.coupon_redeemed,
            coupon_codes: stored_coupons(&report.coupon_codes),
            in_stock: report.in_stock,
            order_status: report.status,
            updated_at: at,
        }
    }
}

/// What the advertiser's report makes of an order commission that is not final yet (the
/// reasons in `Conversion::refusal`'s order, as at the locking date).
fn order_state(conversion: &Conversion, held: bool) -> (CommissionState, Option<&'static str>) {
    match conversion.refusal() {
        Some(why) => (CommissionState::Rejected, Some(why)),
        None if held => (CommissionState::Pending, Some(reason::SELF_PURCHASE_REVIEW)),
        None => (CommissionState::Pending, None),
    }
}

fn update(
    conn: &mut AnyConnection,
    stored: Conversion,
    report: &Report,
    actor: ChangedBy,
) -> Result<Conversion, IntakeError> {
    diesel::update(conversions::table.find(stored.id))
        .set(ReportedOrder::of(report, actor.at))
        .execute(conn)?;
    let conversion = find(conn, stored.id)?.ok_or(diesel::result::Error::NotFound)?;
    let order = commissions::of_conversion(conn, conversion.id)?
        .into_iter()
        .find(|c| c.kind == CommissionKind::Order);
    if let Some(order) = order {
        // Not final yet (pending, or held for review): the report decides it.
        if order.state == CommissionState::Pending
            || (order.state == CommissionState::Rejected
                && order.locks_at > actor.at
                && !commissions::decided_by_manager(conn, order.id)?)
        {
            let rate = Rate::parse_percent(&order.rate_percent)
                .map_err(|_| diesel::result::Error::NotFound)?;
            let amount = money::commission(
                Money::new(conversion.order_amount, currency_of(&conversion)),
                rate,
            );
            let (state, why) = order_state(&conversion, order.held);
            let why = why.or((amount.minor != order.amount).then_some(reason::AMOUNT_CHANGED));
            commissions::change(conn, &order, state, amount.minor, why, actor)?;
        }
        apply_returns(conn, &conversion, actor)?;
    }
    Ok(conversion)
}

/// Brings the return rows of a conversion in line with the total returned: before the order
/// commission is final, one pending row holds the share of the total; once it is approved, each
/// further return is a new row, approved at once (it enters the ledger, and so is netted
/// against the next payout when the commission was paid already).
fn apply_returns(
    conn: &mut AnyConnection,
    conversion: &Conversion,
    actor: ChangedBy,
) -> QueryResult<()> {
    let rows = commissions::of_conversion(conn, conversion.id)?;
    let Some(order) = rows.iter().find(|c| c.kind == CommissionKind::Order) else {
        return Ok(());
    };
    let returns: Vec<&Commission> = rows
        .iter()
        .filter(|c| c.kind == CommissionKind::Return)
        .collect();
    let currency = currency_of(conversion);
    let share = money::reversed_share(
        Money::new(order.amount, currency),
        Money::new(conversion.order_amount, currency),
        Money::new(conversion.returned_amount, currency),
    )
    .minor;
    match order.state {
        CommissionState::Pending => {
            let pending = returns.iter().find(|c| c.state == CommissionState::Pending);
            let wholly_returned = conversion.returned_amount >= conversion.order_amount;
            match pending {
                Some(row) => {
                    commissions::change(
                        conn,
                        row,
                        CommissionState::Pending,
                        -share,
                        Some(reason::PARTIAL_RETURN),
                        actor,
                    )?;
                }
                None if share > 0 && !wholly_returned => {
                    commissions::insert(
                        conn,
                        return_row(order, -share, CommissionState::Pending),
                        actor,
                    )?;
                }
                None => {}
            }
        }
        CommissionState::Approved => {
            let reversed: i64 = returns
                .iter()
                .filter(|c| c.state == CommissionState::Approved)
                .map(|c| -c.amount)
                .sum();
            if share > reversed {
                commissions::insert(
                    conn,
                    return_row(order, -(share - reversed), CommissionState::Approved),
                    actor,
                )?;
            }
        }
        CommissionState::Rejected | CommissionState::Reversed => {
            commissions::reject_pending_returns(conn, &returns, actor)?;
        }
    }
    Ok(())
}

fn return_row(order: &Commission, amount: i64, state: CommissionState) -> NewCommission<'_> {
    NewCommission {
        conversion_id: order.conversion_id,
        participant_id: order.participant_id,
        kind: CommissionKind::Return,
        reverses_id: Some(order.id),
        rate_percent: &order.rate_percent,
        amount,
        currency: &order.currency,
        state,
        reason: Some(reason::PARTIAL_RETURN),
        held: false,
        locks_at: order.locks_at,
    }
}

fn recorded(
    conn: &mut AnyConnection,
    conversion: &Conversion,
    outcome: Outcome,
) -> QueryResult<Recorded> {
    let rows = commissions::of_conversion(conn, conversion.id)?;
    let order = rows.iter().find(|c| c.kind == CommissionKind::Order);
    let net = net_commission(rows.iter().map(|c| (c.kind, c.state, c.amount)));
    Ok(Recorded {
        outcome,
        conversion_id: conversion.id,
        attribution: conversion.attribution,
        state: order.map(|o| o.state),
        commission: Money::new(net, currency_of(conversion)),
        locks_at: order.map(|o| o.locks_at),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn click(day: i32, credited: bool) -> ClickFacts {
        ClickFacts {
            programme_id: ProgrammeId(1),
            channel_id: ChannelId(1),
            participant_id: ParticipantId(1),
            clicked_at_ms: i64::from(day) * 86_400_000 + 10 * 3_600_000,
            credited,
            ip_hash: vec![0; 16],
        }
    }

    fn at(day: i32, hour: u32) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(i64::from(day) * 86_400 + i64::from(hour) * 3600, 0)
            .unwrap()
            .naive_utc()
    }

    fn second(at: NaiveDateTime, seconds: i64) -> NaiveDateTime {
        at + chrono::Duration::seconds(seconds)
    }

    #[test]
    fn session_based_attribution_counts_the_window_after_the_click_not_the_day() {
        use Attribution::{ClickNotCredited, Credited, OutsideCookiePeriod};
        const DAY: i32 = 24 * 60;
        // Clicked at 10:00 on day 20 000.
        let c = click(20_000, true);
        let cases = [
            (&c, at(20_000, 14), DAY, Credited),
            // The next calendar day, within 24 hours: the same session.
            (&c, at(20_001, 6), DAY, Credited),
            // The window's last moment earns; a second later does not.
            (&c, at(20_001, 10), DAY, Credited),
            (&c, second(at(20_001, 10), 1), DAY, OutsideCookiePeriod),
            // A window of one hour.
            (&c, at(20_000, 11), 60, Credited),
            (&c, second(at(20_000, 11), 1), 60, OutsideCookiePeriod),
            // Before the click (beyond the clocks' tolerance of five minutes) is not after it.
            (&c, at(20_000, 9), DAY, OutsideCookiePeriod),
            (&c, second(at(20_000, 10), -300), DAY, Credited),
            (&c, second(at(20_000, 10), -301), DAY, OutsideCookiePeriod),
            (&click(20_000, false), at(20_000, 14), DAY, ClickNotCredited),
        ];
        for (click, order_at, window, expected) in cases {
            assert_eq!(
                attribution_of(click, order_at, window),
                expected,
                "an order at {order_at} in a window of {window} minutes"
            );
        }
    }

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::EUR)
    }

    fn stored(status: OrderStatus, returned: i64) -> Conversion {
        Conversion {
            returned_amount: returned,
            ..Conversion::sample(status)
        }
    }

    fn reported(status: OrderStatus, order: i64, returned: i64, coupon: bool) -> Report {
        Report {
            programme: "aliexpress".into(),
            click_ref: "x".into(),
            order_ref: "AE-1".into(),
            order_amount: eur(order),
            returned_amount: eur(returned),
            commission_group: "sales".into(),
            coupon_redeemed: coupon,
            status,
            occurred_at: at(20_000, 12),
            coupon_codes: Vec::new(),
            in_stock: None,
        }
    }

    #[test]
    fn after_the_locking_date_only_a_further_return_of_a_counting_order_is_taken() {
        use CommissionState::{Approved, Pending, Rejected, Reversed};
        use OrderStatus::{Cancelled, Completed, Returned};
        let sold = stored(Completed, 0);
        let partly = stored(Returned, 2_000);
        // (stored, reported: status, order amount, returned amount, coupon; the order's state,
        // whether the report is taken)
        let cases = [
            // A further return of an approved order, or of one held for review.
            (&sold, (Returned, 10_000, 2_000, false), Approved, true),
            (&partly, (Returned, 10_000, 2_001, false), Approved, true),
            (&partly, (Returned, 10_000, 10_000, false), Pending, true),
            // Nothing to take back from a rejected or reversed commission.
            (&sold, (Returned, 10_000, 2_000, false), Rejected, false),
            (&sold, (Returned, 10_000, 2_000, false), Reversed, false),
            // Not more returned than before, or anything else changed with it: refused.
            (&partly, (Returned, 10_000, 2_000, false), Approved, false),
            (&partly, (Returned, 10_000, 1_000, false), Approved, false),
            (&partly, (Returned, 12_000, 3_000, false), Approved, false),
            (&partly, (Returned, 10_000, 3_000, true), Approved, false),
            (&sold, (Cancelled, 10_000, 0, false), Approved, false),
            (&partly, (Completed, 10_000, 0, false), Approved, false),
        ];
        for (stored, (status, order, returned, coupon), state, taken) in cases {
            assert_eq!(
                is_further_return(stored, &reported(status, order, returned, coupon), state),
                taken,
                "{stored:?} reported {status:?} {order} returned {returned} coupon {coupon}, {state:?}"
            );
        }
    }

    #[test]
    fn only_click_ids_of_the_right_form_are_looked_up() {
        assert_eq!(
            click_key("019ab697e800aabbccddeeff00112233").map(|k| k.len()),
            Some(16)
        );
        assert_eq!(click_key("019ab697e800aabbccddeeff0011223"), None);
        assert_eq!(click_key("zz9ab697e800aabbccddeeff00112233"), None);
        assert_eq!(click_key(""), None);
    }
}
