//! The conversion row: the order as the advertiser last reported it, and whom it is attributed
//! to. Read by the intake, which writes it, and by locking, which decides from it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::states::{reason, Attribution, OrderStatus};
use crate::db::ids::{CommissionGroupId, ConversionId, ParticipantId, ProgrammeId};
use crate::db::schema::conversions;
use crate::db::AnyConnection;
use crate::domain::Currency;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = conversions)]
pub struct Conversion {
    pub id: ConversionId,
    pub programme_id: ProgrammeId,
    pub click_ref: String,
    pub participant_id: Option<ParticipantId>,
    pub group_id: CommissionGroupId,
    pub currency: String,
    pub order_amount: i64,
    pub returned_amount: i64,
    pub coupon_redeemed: bool,
    pub order_status: OrderStatus,
    pub attribution: Attribution,
    pub occurred_at: NaiveDateTime,
    /// The coupon codes used on the order, one a line (none: empty).
    pub coupon_codes: String,
    /// Whether the items were in stock, when the advertiser said so.
    pub in_stock: Option<bool>,
}

impl Conversion {
    /// Why the order earns no commission, from the advertiser's report: the reasons in the order
    /// they apply — a redeemed coupon first (the rules: none on redeemed coupons), then more than
    /// one coupon ("one coupon per transaction"), then items not in stock (commission only on
    /// items in stock), then a cancellation, then a whole return. The same for the intake (while
    /// the commission is pending) and at the locking date (when it becomes final).
    pub fn refusal(&self) -> Option<&'static str> {
        if self.coupon_redeemed {
            return Some(reason::COUPON_REDEEMED);
        }
        if self.coupons().count() > 1 {
            return Some(reason::MORE_THAN_ONE_COUPON);
        }
        if self.in_stock == Some(false) {
            return Some(reason::NOT_IN_STOCK);
        }
        match self.order_status {
            OrderStatus::Cancelled => Some(reason::ORDER_CANCELLED),
            OrderStatus::Returned if self.returned_amount >= self.order_amount => {
                Some(reason::ORDER_RETURNED)
            }
            _ => None,
        }
    }
}

impl Conversion {
    /// The coupon codes used on the order.
    pub fn coupons(&self) -> impl Iterator<Item = &str> {
        self.coupon_codes.lines().filter(|c| !c.is_empty())
    }
}

/// Coupon codes as the `coupon_codes` column holds them: one a line (a code is one line, see
/// `report::check_ref`).
pub fn stored_coupons(codes: &[String]) -> String {
    codes.join("\n")
}

pub fn find(conn: &mut AnyConnection, id: ConversionId) -> QueryResult<Option<Conversion>> {
    conversions::table
        .find(id)
        .select(Conversion::as_select())
        .first(conn)
        .optional()
}

pub fn currency_of(conversion: &Conversion) -> Currency {
    Currency::parse(&conversion.currency).unwrap_or(Currency::EUR)
}

/// A sample for the unit tests of the ledger: a credited order of EUR 100.00, nothing returned,
/// no coupon; each test changes what it is about (`Conversion { .., ..Conversion::sample(status) }`).
#[cfg(test)]
impl Conversion {
    pub(crate) fn sample(order_status: OrderStatus) -> Self {
        Conversion {
            id: ConversionId(1),
            programme_id: ProgrammeId(1),
            click_ref: "x".into(),
            participant_id: Some(ParticipantId(1)),
            group_id: CommissionGroupId(1),
            currency: "EUR".into(),
            order_amount: 10_000,
            returned_amount: 0,
            coupon_redeemed: false,
            order_status,
            attribution: Attribution::Credited,
            occurred_at: NaiveDateTime::default(),
            coupon_codes: String::new(),
            in_stock: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(codes: &[&str], in_stock: Option<bool>, status: OrderStatus) -> Conversion {
        Conversion {
            coupon_codes: stored_coupons(
                &codes.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>(),
            ),
            in_stock,
            ..Conversion::sample(status)
        }
    }

    #[test]
    fn one_coupon_per_transaction_and_items_in_stock_only() {
        use OrderStatus::{Cancelled, Completed};
        assert_eq!(order(&[], None, Completed).refusal(), None);
        assert_eq!(order(&["SUMMER10"], Some(true), Completed).refusal(), None);
        assert_eq!(
            order(&["SUMMER10", "WELKOM5"], None, Completed).refusal(),
            Some(reason::MORE_THAN_ONE_COUPON)
        );
        assert_eq!(
            order(&[], Some(false), Completed).refusal(),
            Some(reason::NOT_IN_STOCK)
        );
        // In the order the rules apply: coupons, then stock, then the order's status.
        assert_eq!(
            order(&["A", "B"], Some(false), Cancelled).refusal(),
            Some(reason::MORE_THAN_ONE_COUPON)
        );
        assert_eq!(
            order(&["A"], Some(false), Cancelled).refusal(),
            Some(reason::NOT_IN_STOCK)
        );
        let mut redeemed = order(&["A", "B"], Some(false), Completed);
        redeemed.coupon_redeemed = true;
        assert_eq!(redeemed.refusal(), Some(reason::COUPON_REDEEMED));
        assert_eq!(order(&["A", "B"], None, Completed).coupons().count(), 2);
    }
}
