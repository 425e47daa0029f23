//! What the publisher's Commissions tab and the account managers' pages read. Every query of a
//! participant's money takes the participant's id from the session, never from the request.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rust_decimal::Decimal;

use super::commissions::{net_commission, Commission};
use super::states::{Attribution, CommissionKind, CommissionState, EntryKind, OrderStatus};
use crate::db::ids::{
    AccountId, CommissionGroupId, CommissionId, ConversionId, MeasureId, ParticipantId,
    ProgrammeId, SecretId,
};
use crate::db::schema::{
    channels, commission_group_texts, commission_groups, commissions, conversions, ledger_entries,
    memberships, payouts, programmes,
};
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::programme::queries::{groups_in, in_force, rate_history, StoredRate};

/// One rate of a group: from when, how much, and whether it is the one in force now.
#[derive(Debug, Clone)]
pub struct RateStep {
    pub from: NaiveDate,
    pub percent: Decimal,
    pub in_force: bool,
    pub future: bool,
}

#[derive(Debug, Clone)]
pub struct GroupRates {
    pub code: String,
    pub event_name: String,
    pub scope: String,
    /// Newest first.
    pub steps: Vec<RateStep>,
}

impl GroupRates {
    pub fn current(&self) -> Option<Decimal> {
        self.steps.iter().find(|s| s.in_force).map(|s| s.percent)
    }
}

#[derive(Debug, Clone)]
pub struct ProgrammeRates {
    pub name: String,
    pub slug: String,
    pub groups: Vec<GroupRates>,
}

/// The commission table of each programme the participant is a member of (any channel's
/// membership, whatever its state: an applicant wants to see the rates too).
pub fn rate_tables(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
    lang: Lang,
    now: NaiveDateTime,
) -> QueryResult<Vec<ProgrammeRates>> {
    let programme_ids: Vec<i64> = memberships::table
        .inner_join(channels::table)
        .filter(channels::participant_id.eq(participant_id))
        .select(memberships::programme_id)
        .distinct()
        .load(conn)?;
    let mut tables = Vec::new();
    for programme_id in programme_ids {
        let (name, slug): (String, String) = programmes::table
            .find(programme_id)
            .select((programmes::name, programmes::slug))
            .first(conn)?;
        let groups = groups_in(conn, ProgrammeId(programme_id), lang)?;
        let group_ids: Vec<CommissionGroupId> = groups.iter().map(|g| g.0).collect();
        let history = rate_history(conn, &group_ids)?;
        let mut rows = Vec::new();
        for (group_id, code, event_name, scope) in groups {
            let rates: Vec<&StoredRate> =
                history.iter().filter(|r| r.group_id == group_id).collect();
            let current = in_force(rates.iter().copied(), now);
            let steps = rates
                .iter()
                .filter_map(|stored| {
                    Some(RateStep {
                        from: stored.effective_from.date(),
                        percent: stored.rate().ok()?.percent(),
                        in_force: current.is_some_and(|c| std::ptr::eq(c, *stored)),
                        future: stored.effective_from > now,
                    })
                })
                .collect();
            rows.push(GroupRates {
                code,
                event_name,
                scope,
                steps,
            });
        }
        tables.push(ProgrammeRates {
            name,
            slug,
            groups: rows,
        });
    }
    Ok(tables)
}

/// A commission with its order as the publisher reads it: the reference, the time and the group.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = commissions)]
pub struct CommissionLine {
    #[diesel(embed)]
    pub commission: Commission,
    #[diesel(select_expression = conversions::order_ref)]
    pub order_ref: String,
    #[diesel(select_expression = conversions::occurred_at)]
    pub occurred_at: NaiveDateTime,
    #[diesel(select_expression = commission_groups::code)]
    pub group_code: String,
}

pub fn commission_lines(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<Vec<CommissionLine>> {
    commissions::table
        .inner_join(conversions::table.inner_join(commission_groups::table))
        .filter(commissions::participant_id.eq(participant_id))
        .order(commissions::id)
        .select(CommissionLine::as_select())
        .load(conn)
}

/// A conversion as the publisher sees it: the order, whether it counts and why, and its
/// commission (`commission`: what it earns, `commissions::net_commission`).
#[derive(Debug, Clone)]
pub struct ConversionLine {
    pub id: ConversionId,
    pub order_ref: String,
    pub occurred_at: NaiveDateTime,
    pub group_code: String,
    pub order_amount: i64,
    pub returned_amount: i64,
    pub currency: String,
    pub order_status: OrderStatus,
    pub attribution: Attribution,
    pub participant_id: Option<ParticipantId>,
    /// The commission on the order, when the conversion earns one.
    pub commission_id: Option<CommissionId>,
    pub state: Option<CommissionState>,
    pub reason: Option<String>,
    pub held: bool,
    pub commission: i64,
    pub locks_at: Option<NaiveDateTime>,
    /// Who entered it: the API with the secret that signed it, or a manager's import.
    pub entered_via: String,
    pub secret_id: Option<SecretId>,
    pub imported_by: Option<AccountId>,
}

/// A conversion as read for `conversion_lines`, before its commissions are added.
#[derive(Queryable, Selectable)]
#[diesel(table_name = conversions)]
struct ConversionRow {
    id: ConversionId,
    order_ref: String,
    occurred_at: NaiveDateTime,
    #[diesel(select_expression = commission_groups::code)]
    group_code: String,
    order_amount: i64,
    returned_amount: i64,
    currency: String,
    order_status: OrderStatus,
    attribution: Attribution,
    participant_id: Option<ParticipantId>,
    entered_via: String,
    secret_id: Option<SecretId>,
    imported_by: Option<AccountId>,
}

/// Whose conversions: one participant's (their own pages, or a manager looking at them), or
/// everyone's (a manager).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Participant(ParticipantId),
    All,
}

/// The conversions in `scope`, newest first (at most `limit`).
pub fn conversion_lines(
    conn: &mut AnyConnection,
    scope: Scope,
    limit: i64,
) -> QueryResult<Vec<ConversionLine>> {
    let mut query = conversions::table
        .inner_join(commission_groups::table)
        .into_boxed();
    if let Scope::Participant(id) = scope {
        query = query.filter(conversions::participant_id.eq(id));
    }
    let rows: Vec<ConversionRow> = query
        .order((conversions::occurred_at.desc(), conversions::id.desc()))
        .limit(limit)
        .select(ConversionRow::as_select())
        .load(conn)?;
    let ids: Vec<ConversionId> = rows.iter().map(|r| r.id).collect();
    // A conversion's commissions are its participant's: the scope holds for them too.
    let rows_of_commission: Vec<Commission> = commissions::table
        .filter(commissions::conversion_id.eq_any(&ids))
        .order(commissions::id)
        .select(Commission::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mine: Vec<_> = rows_of_commission
                .iter()
                .filter(|c| c.conversion_id == r.id)
                .collect();
            let order = mine.iter().find(|c| c.kind == CommissionKind::Order);
            let commission = net_commission(mine.iter().map(|c| (c.kind, c.state, c.amount)));
            ConversionLine {
                id: r.id,
                order_ref: r.order_ref,
                occurred_at: r.occurred_at,
                group_code: r.group_code,
                order_amount: r.order_amount,
                returned_amount: r.returned_amount,
                currency: r.currency,
                order_status: r.order_status,
                attribution: r.attribution,
                participant_id: r.participant_id,
                commission_id: order.map(|o| o.id),
                state: order.map(|o| o.state),
                reason: order.and_then(|o| o.reason.clone()),
                held: order.is_some_and(|o| o.held),
                commission,
                locks_at: order.map(|o| o.locks_at),
                entered_via: r.entered_via,
                secret_id: r.secret_id,
                imported_by: r.imported_by,
            }
        })
        .collect())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ledger_entries)]
pub struct LedgerLine {
    pub id: i64,
    pub kind: EntryKind,
    pub amount: i64,
    pub currency: String,
    pub commission_id: Option<CommissionId>,
    pub reason: Option<String>,
    pub created_at: NaiveDateTime,
    /// The order behind a commission's entry.
    #[diesel(select_expression = conversions::order_ref.nullable())]
    #[diesel(select_expression_type = diesel::dsl::Nullable<conversions::order_ref>)]
    pub order_ref: Option<String>,
    /// The measure behind a deduction (F.11.d) or its undoing.
    pub measure_id: Option<MeasureId>,
}

/// The participant's ledger, oldest first (the running balance is read down the page).
pub fn ledger_lines(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<Vec<LedgerLine>> {
    ledger_entries::table
        .left_join(commissions::table.inner_join(conversions::table))
        .filter(ledger_entries::participant_id.eq(participant_id))
        .order(ledger_entries::id)
        .select(LedgerLine::as_select())
        .load(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payouts)]
pub struct PayoutLine {
    pub id: i64,
    pub amount: i64,
    pub currency: String,
    pub iban: String,
    pub created_at: NaiveDateTime,
}

pub fn payout_lines(
    conn: &mut AnyConnection,
    participant_id: ParticipantId,
) -> QueryResult<Vec<PayoutLine>> {
    payouts::table
        .filter(payouts::participant_id.eq(participant_id))
        .order(payouts::id.desc())
        .select(PayoutLine::as_select())
        .load(conn)
}

/// The event names of commission groups in `lang`, by code.
pub fn group_names(
    conn: &mut AnyConnection,
    lang: Lang,
) -> QueryResult<std::collections::HashMap<String, String>> {
    let rows: Vec<(String, String)> = commission_groups::table
        .inner_join(commission_group_texts::table)
        .filter(commission_group_texts::lang.eq(lang.code()))
        .select((commission_groups::code, commission_group_texts::event_name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

/// The currency the participants' money is kept in: the programme's, as stored (pages and files
/// take it from here, never assume the euro).
pub fn programme_currency(conn: &mut AnyConnection) -> QueryResult<crate::domain::Currency> {
    use crate::db::schema::programmes;
    use crate::domain::Currency;
    let code: Option<String> = programmes::table
        .filter(programmes::slug.eq(crate::programme::ACCOUNT_PROGRAMME))
        .select(programmes::currency)
        .first(conn)
        .optional()?;
    Ok(code
        .as_deref()
        .and_then(Currency::parse)
        .unwrap_or(Currency::EUR))
}
