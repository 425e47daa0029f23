//! A conversion as the advertiser reports it (the API's JSON body, or a line of an imported CSV
//! file), checked field by field before anything touches the database. Each problem names its
//! field and a Fluent key, so the API answers in English and the import preview in the manager's
//! language.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;

use super::states::OrderStatus;
use crate::domain::{Currency, Money};

/// The fields of the contract (`../shared/DESIGN.md`, "The conversion API"), as received.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReport {
    pub programme: String,
    pub click_id: String,
    pub order_ref: String,
    pub order_amount: String,
    pub currency: String,
    pub commission_group: String,
    pub coupon_redeemed: bool,
    pub status: String,
    #[serde(default)]
    pub returned_amount: Option<String>,
    pub occurred_at: String,
}

/// A report whose every field is well formed; whether its programme, group and click exist is
/// for the intake to find out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub programme: String,
    pub click_ref: String,
    pub order_ref: String,
    pub order_amount: Money,
    pub returned_amount: Money,
    pub commission_group: String,
    pub coupon_redeemed: bool,
    pub status: OrderStatus,
    pub occurred_at: NaiveDateTime,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    /// Fluent key of the message.
    pub key: &'static str,
}

impl Problem {
    pub fn new(field: &'static str, key: &'static str) -> Problem {
        Problem { field, key }
    }
}

/// Order references and click ids longer than this are not what an advertiser's system sends.
pub const REF_MAX: usize = 100;
/// How far in the future an order's time may be (clocks differ).
const FUTURE_TOLERANCE_SECONDS: i64 = 300;

fn check_ref(text: &str, field: &'static str, problems: &mut Vec<Problem>) -> String {
    let text = text.trim();
    if text.is_empty() {
        problems.push(Problem::new(field, "error-conversion-ref-empty"));
    } else if text.chars().count() > REF_MAX {
        problems.push(Problem::new(field, "error-conversion-ref-too-long"));
    } else if text.chars().any(char::is_control) {
        problems.push(Problem::new(field, "error-conversion-ref-control"));
    }
    text.to_owned()
}

fn amount_problem(field: &'static str, e: &crate::domain::money::AmountError) -> Problem {
    Problem::new(field, e.message_key())
}

impl RawReport {
    /// Every problem at once (the import preview lists them all), or the checked report.
    pub fn check(&self, now: NaiveDateTime) -> Result<Report, Vec<Problem>> {
        let mut problems = Vec::new();
        let programme = check_ref(&self.programme, "programme", &mut problems);
        let click_ref = check_ref(&self.click_id, "click_id", &mut problems);
        let order_ref = check_ref(&self.order_ref, "order_ref", &mut problems);
        let commission_group = check_ref(&self.commission_group, "commission_group", &mut problems);
        let currency = Currency::parse(&self.currency);
        if currency.is_none() {
            problems.push(Problem::new("currency", "error-conversion-currency"));
        }
        let currency = currency.unwrap_or(Currency::EUR);
        let order_amount = Money::parse(&self.order_amount, currency)
            .map_err(|e| problems.push(amount_problem("order_amount", &e)))
            .ok();
        let status = OrderStatus::parse(self.status.trim());
        if status.is_none() {
            problems.push(Problem::new("status", "error-conversion-status"));
        }
        let returned_text = self
            .returned_amount
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let returned_amount = match (status, returned_text) {
            (Some(OrderStatus::Returned), Some(text)) => Money::parse(text, currency)
                .map_err(|e| problems.push(amount_problem("returned_amount", &e)))
                .ok(),
            (Some(OrderStatus::Returned), None) => {
                problems.push(Problem::new(
                    "returned_amount",
                    "error-conversion-returned-missing",
                ));
                None
            }
            (_, Some(_)) => {
                problems.push(Problem::new(
                    "returned_amount",
                    "error-conversion-returned-without-return",
                ));
                None
            }
            (_, None) => Some(Money::zero(currency)),
        };
        if let (Some(order), Some(returned)) = (order_amount, returned_amount) {
            if returned.minor > order.minor {
                problems.push(Problem::new(
                    "returned_amount",
                    "error-conversion-returned-too-much",
                ));
            } else if status == Some(OrderStatus::Returned) && returned.minor == 0 {
                problems.push(Problem::new(
                    "returned_amount",
                    "error-conversion-returned-missing",
                ));
            }
        }
        let occurred_at = match DateTime::parse_from_rfc3339(self.occurred_at.trim()) {
            Ok(t) => {
                let t = t.with_timezone(&Utc).naive_utc();
                if (t - now).num_seconds() > FUTURE_TOLERANCE_SECONDS {
                    problems.push(Problem::new("occurred_at", "error-conversion-time-future"));
                }
                Some(t)
            }
            Err(_) => {
                problems.push(Problem::new("occurred_at", "error-conversion-time"));
                None
            }
        };
        match (order_amount, returned_amount, status, occurred_at) {
            (Some(order_amount), Some(returned_amount), Some(status), Some(occurred_at))
                if problems.is_empty() =>
            {
                Ok(Report {
                    programme,
                    click_ref,
                    order_ref,
                    order_amount,
                    returned_amount,
                    commission_group,
                    coupon_redeemed: self.coupon_redeemed,
                    status,
                    occurred_at,
                })
            }
            _ => Err(problems),
        }
    }
}

/// Every key a problem may carry, for the test that each has a message in both languages.
pub const PROBLEM_KEYS: &[&str] = &[
    "error-conversion-ref-empty",
    "error-conversion-ref-too-long",
    "error-conversion-ref-control",
    "error-conversion-currency",
    "error-conversion-status",
    "error-conversion-returned-missing",
    "error-conversion-returned-without-return",
    "error-conversion-returned-too-much",
    "error-conversion-time",
    "error-conversion-time-future",
    "error-conversion-unknown-programme",
    "error-conversion-unknown-group",
    "error-conversion-wrong-currency",
    "error-conversion-changed-fact",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        DateTime::parse_from_rfc3339("2026-11-29T15:00:00Z")
            .unwrap()
            .naive_utc()
    }

    fn raw() -> RawReport {
        RawReport {
            programme: "aliexpress".into(),
            click_id: "019ab697e800aabbccddeeff00112233".into(),
            order_ref: "AE-1001".into(),
            order_amount: "129.95".into(),
            currency: "EUR".into(),
            commission_group: "sales".into(),
            coupon_redeemed: false,
            status: "pending".into(),
            returned_amount: None,
            occurred_at: "2026-11-29T14:03:00Z".into(),
        }
    }

    fn fields(problems: Vec<Problem>) -> Vec<(&'static str, &'static str)> {
        problems.into_iter().map(|p| (p.field, p.key)).collect()
    }

    #[test]
    fn a_well_formed_report_is_read_exactly() {
        let report = raw().check(now()).unwrap();
        assert_eq!(report.order_amount.minor, 12995);
        assert_eq!(report.returned_amount.minor, 0);
        assert_eq!(report.status, OrderStatus::Pending);
        assert_eq!(report.occurred_at.to_string(), "2026-11-29 14:03:00");
        let mut other_zone = raw();
        other_zone.occurred_at = "2026-11-29T15:03:00+01:00".into();
        assert_eq!(
            other_zone.check(now()).unwrap().occurred_at,
            report.occurred_at
        );
        let mut returned = raw();
        returned.status = "returned".into();
        returned.returned_amount = Some("20.00".into());
        assert_eq!(returned.check(now()).unwrap().returned_amount.minor, 2000);
    }

    #[test]
    fn every_problem_is_named_with_its_field() {
        let mut bad = raw();
        bad.order_ref = " ".into();
        bad.order_amount = "12,95".into();
        bad.status = "shipped".into();
        bad.occurred_at = "yesterday".into();
        bad.click_id = "x".repeat(101);
        assert_eq!(
            fields(bad.check(now()).unwrap_err()),
            vec![
                ("click_id", "error-conversion-ref-too-long"),
                ("order_ref", "error-conversion-ref-empty"),
                ("order_amount", "error-amount-not-a-number"),
                ("status", "error-conversion-status"),
                ("occurred_at", "error-conversion-time"),
            ]
        );
        let mut bad = raw();
        bad.currency = "EURO".into();
        bad.occurred_at = "2026-11-29T15:06:00Z".into();
        assert_eq!(
            fields(bad.check(now()).unwrap_err()),
            vec![
                ("currency", "error-conversion-currency"),
                ("occurred_at", "error-conversion-time-future"),
            ]
        );
    }

    #[test]
    fn a_returned_amount_goes_with_a_return_only() {
        let mut bad = raw();
        bad.status = "returned".into();
        assert_eq!(
            fields(bad.check(now()).unwrap_err()),
            vec![("returned_amount", "error-conversion-returned-missing")]
        );
        bad.returned_amount = Some("130.00".into());
        assert_eq!(
            fields(bad.check(now()).unwrap_err()),
            vec![("returned_amount", "error-conversion-returned-too-much")]
        );
        bad.returned_amount = Some("0".into());
        assert_eq!(
            fields(bad.check(now()).unwrap_err()),
            vec![("returned_amount", "error-conversion-returned-missing")]
        );
        let mut bad = raw();
        bad.returned_amount = Some("1.00".into());
        assert_eq!(
            fields(bad.check(now()).unwrap_err()),
            vec![(
                "returned_amount",
                "error-conversion-returned-without-return"
            )]
        );
    }

    #[test]
    fn every_problem_has_its_own_message() {
        crate::i18n::assert_distinct_messages(PROBLEM_KEYS);
    }
}
