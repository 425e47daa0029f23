//! The conversion row: the order as the advertiser last reported it, and whom it is attributed
//! to. Read by the intake, which writes it, and by locking, which decides from it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::states::{reason, Attribution, OrderStatus};
use crate::db::schema::conversions;
use crate::db::AnyConnection;
use crate::domain::Currency;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = conversions)]
pub struct Conversion {
    pub id: i64,
    pub programme_id: i64,
    pub click_ref: String,
    pub participant_id: Option<i64>,
    pub group_id: i64,
    pub currency: String,
    pub order_amount: i64,
    pub returned_amount: i64,
    pub coupon_redeemed: bool,
    pub order_status: OrderStatus,
    pub attribution: Attribution,
    pub occurred_at: NaiveDateTime,
}

impl Conversion {
    /// Why the order earns no commission, from the advertiser's report: the reasons in the order
    /// they apply — a redeemed coupon first (the rules: none on redeemed coupons), then a
    /// cancellation, then a whole return. The same for the intake (while the commission is
    /// pending) and at the locking date (when it becomes final).
    pub fn refusal(&self) -> Option<&'static str> {
        if self.coupon_redeemed {
            return Some(reason::COUPON_REDEEMED);
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

pub fn find(conn: &mut AnyConnection, id: i64) -> QueryResult<Option<Conversion>> {
    conversions::table
        .find(id)
        .select(Conversion::as_select())
        .first(conn)
        .optional()
}

pub fn currency_of(conversion: &Conversion) -> Currency {
    Currency::parse(&conversion.currency).unwrap_or(Currency::EUR)
}
