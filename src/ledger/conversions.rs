//! The conversion row: the order as the advertiser last reported it, and whom it is attributed
//! to. Read by the intake, which writes it, and by locking, which decides from it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::states::{Attribution, OrderStatus};
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
