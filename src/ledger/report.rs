//! A conversion as the advertiser reports it (the API's JSON body, or a line of an imported CSV
//! file), checked field by field before anything touches the database. Each problem names its
//! field and a Fluent key, so the API answers in English and the import preview in the manager's
//! language.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::Deserialize;

use super::states::OrderStatus;
use crate::domain::text::{readable, Lines, Unreadable};
use crate::domain::{Currency, Money};
use crate::i18n::Lang;

/// The fields of the contract (README.md, "Money: conversions, commissions, the ledger and
/// payouts"), as received.
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
    /// The coupon codes used on the order (optional): more than one earns nothing.
    #[serde(default)]
    pub coupon_codes: Option<Vec<String>>,
    /// Whether the items were in stock (optional): `false` earns nothing.
    #[serde(default)]
    pub in_stock: Option<bool>,
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
    /// The coupon codes used on the order, as reported (none: empty).
    pub coupon_codes: Vec<String>,
    /// Whether the items were in stock; `None` when the report does not say.
    pub in_stock: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    /// Fluent key of the message.
    pub key: &'static str,
    /// What the message can say in addition (the message is then `Detail::key`'s, which says
    /// all that `key`'s does and this).
    pub detail: Option<Detail>,
}

/// The fact a problem's fuller message names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// The currency the programme pays in (a report in another).
    Currency(Currency),
    /// The locking date that has passed (a change that came after it).
    LockedSince(NaiveDateTime),
}

/// The key of the problem "the locking date has passed": the API answers it with 409 `locked`.
pub const LOCKED: &str = "error-conversion-locked";

impl Problem {
    pub fn new(field: &'static str, key: &'static str) -> Problem {
        Problem {
            field,
            key,
            detail: None,
        }
    }

    pub fn with(self, detail: Detail) -> Problem {
        Problem {
            detail: Some(detail),
            ..self
        }
    }

    /// The message in `lang`, with the detail when there is one.
    pub fn message(&self, lang: Lang) -> String {
        match self.detail {
            None => lang.t(self.key),
            Some(Detail::Currency(currency)) => lang.t_args(
                "error-conversion-wrong-currency-named",
                &[("currency", currency.code().to_owned())],
            ),
            Some(Detail::LockedSince(at)) => lang.t_args(
                "error-conversion-locked-since",
                &[(
                    "date",
                    at.and_utc()
                        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                )],
            ),
        }
    }
}

/// Order references and click ids longer than this are not what an advertiser's system sends.
pub const REF_MAX: usize = 100;
/// More coupon codes than this on one order is no report of an order (one earns already nothing
/// when there are two).
pub const COUPONS_MAX: usize = 20;
/// How far in the future an order's time may be (clocks differ).
const FUTURE_TOLERANCE_SECONDS: i64 = 300;

/// An order reference, click id, programme or group: one line a person may read (the order
/// reference is shown on pages and in CSV files), so no control or invisible format characters.
fn check_ref(text: &str, field: &'static str, problems: &mut Vec<Problem>) -> String {
    let text = text.trim();
    if text.is_empty() {
        problems.push(Problem::new(field, "error-conversion-ref-empty"));
    } else if text.chars().count() > REF_MAX {
        problems.push(Problem::new(field, "error-conversion-ref-too-long"));
    } else {
        match readable(text, Lines::One) {
            Err(Unreadable::Control) => {
                problems.push(Problem::new(field, "error-conversion-ref-control"))
            }
            Err(Unreadable::Invisible) => {
                problems.push(Problem::new(field, "error-conversion-ref-invisible"))
            }
            Ok(()) => {}
        }
    }
    text.to_owned()
}

/// Why a body is not a conversion report at all (the API answers 400): its JSON has the wrong
/// shape, before any field's value is judged. `field` names the field when one is to blame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShapeError {
    pub field: Option<String>,
    pub message: String,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shape {
    Text,
    Flag,
    /// A text that may be left out or `null`.
    OptionalText,
    /// `true` or `false`, or left out or `null`.
    OptionalFlag,
    /// A list of texts, or left out or `null`.
    OptionalTexts,
}

/// The contract's fields in the order a developer reads them, with the JSON type of each.
const SHAPES: &[(&str, Shape)] = &[
    ("programme", Shape::Text),
    ("click_id", Shape::Text),
    ("order_ref", Shape::Text),
    ("order_amount", Shape::Text),
    ("currency", Shape::Text),
    ("commission_group", Shape::Text),
    ("coupon_redeemed", Shape::Flag),
    ("status", Shape::Text),
    ("returned_amount", Shape::OptionalText),
    ("occurred_at", Shape::Text),
    ("coupon_codes", Shape::OptionalTexts),
    ("in_stock", Shape::OptionalFlag),
];

impl RawReport {
    /// The report in a JSON body, each field of the right JSON type; the first field that is
    /// missing, unknown or of another type is named.
    pub fn from_json(value: serde_json::Value) -> Result<RawReport, ShapeError> {
        use serde_json::Value;
        let shape_error = |field: &str, message: String| ShapeError {
            field: Some(field.to_owned()),
            message,
        };
        let Value::Object(object) = &value else {
            return Err(ShapeError {
                field: None,
                message: "the body is not a JSON object with a conversion's fields".into(),
            });
        };
        if let Some(unknown) = object
            .keys()
            .find(|k| !SHAPES.iter().any(|(name, _)| name == k))
        {
            return Err(shape_error(
                unknown,
                format!("{unknown}: this field is not part of a conversion report"),
            ));
        }
        for &(name, shape) in SHAPES {
            let fits = match (object.get(name), shape) {
                (None | Some(Value::Null), Shape::OptionalText)
                | (None | Some(Value::Null), Shape::OptionalFlag)
                | (None | Some(Value::Null), Shape::OptionalTexts) => true,
                (None, _) => {
                    return Err(shape_error(name, format!("{name}: the field is missing")))
                }
                (Some(Value::String(_)), Shape::Text | Shape::OptionalText) => true,
                (Some(Value::Bool(_)), Shape::Flag | Shape::OptionalFlag) => true,
                (Some(Value::Array(items)), Shape::OptionalTexts) => {
                    items.iter().all(Value::is_string)
                }
                _ => false,
            };
            if !fits {
                let expected = match (name, shape) {
                    ("order_amount" | "returned_amount", _) => {
                        "a string with a dot, such as \"129.95\" (a JSON number could lose cents)"
                    }
                    (_, Shape::Flag) => "true or false",
                    (_, Shape::OptionalFlag) => "true or false, or left out",
                    (_, Shape::OptionalTexts) => {
                        "a list of strings, such as [\"SUMMER10\"], or left out"
                    }
                    _ => "a string",
                };
                return Err(shape_error(name, format!("{name}: must be {expected}")));
            }
        }
        serde_json::from_value(value).map_err(|e| ShapeError {
            field: None,
            message: format!("the body is not a conversion report: {e}"),
        })
    }
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
        let coupon_codes = self.check_coupons(&mut problems);
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
                    coupon_codes,
                    in_stock: self.in_stock,
                })
            }
            _ => Err(problems),
        }
    }
}

impl RawReport {
    /// The coupon codes, each one line a person may read, at most `COUPONS_MAX` of them.
    fn check_coupons(&self, problems: &mut Vec<Problem>) -> Vec<String> {
        let codes = self.coupon_codes.as_deref().unwrap_or_default();
        if codes.len() > COUPONS_MAX {
            problems.push(Problem::new(
                "coupon_codes",
                "error-conversion-coupons-too-many",
            ));
            return Vec::new();
        }
        let mut found = Vec::new();
        let checked = codes
            .iter()
            .map(|code| check_ref(code, "coupon_codes", &mut found))
            .collect();
        // One problem for the field, however many codes share it.
        problems.extend(found.into_iter().take(1));
        checked
    }
}

/// Every key a problem may carry, for the test that each has a message in both languages.
pub const PROBLEM_KEYS: &[&str] = &[
    "error-conversion-ref-empty",
    "error-conversion-ref-too-long",
    "error-conversion-ref-control",
    "error-conversion-ref-invisible",
    "error-conversion-currency",
    "error-conversion-status",
    "error-conversion-returned-missing",
    "error-conversion-returned-without-return",
    "error-conversion-returned-too-much",
    "error-conversion-time",
    "error-conversion-time-future",
    "error-conversion-coupons-too-many",
    "error-conversion-unknown-programme",
    "error-conversion-unknown-group",
    "error-conversion-wrong-currency",
    "error-conversion-changed-fact",
    LOCKED,
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
            coupon_codes: None,
            in_stock: None,
        }
    }

    /// The problems `bad` is refused with: (field, message key) each.
    fn refused(bad: &RawReport) -> Vec<(&'static str, &'static str)> {
        let problems = bad.check(now()).unwrap_err();
        problems.into_iter().map(|p| (p.field, p.key)).collect()
    }

    /// A well-formed report as the API's JSON body.
    fn good_json() -> serde_json::Value {
        serde_json::json!({
            "programme": "aliexpress", "click_id": "x", "order_ref": "AE-1001",
            "order_amount": "129.95", "currency": "EUR", "commission_group": "sales",
            "coupon_redeemed": false, "status": "pending", "occurred_at": "2026-11-29T14:03:00Z",
        })
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
            refused(&bad),
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
            refused(&bad),
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
            refused(&bad),
            vec![("returned_amount", "error-conversion-returned-missing")]
        );
        bad.returned_amount = Some("130.00".into());
        assert_eq!(
            refused(&bad),
            vec![("returned_amount", "error-conversion-returned-too-much")]
        );
        bad.returned_amount = Some("0".into());
        assert_eq!(
            refused(&bad),
            vec![("returned_amount", "error-conversion-returned-missing")]
        );
        let mut bad = raw();
        bad.returned_amount = Some("1.00".into());
        assert_eq!(
            refused(&bad),
            vec![(
                "returned_amount",
                "error-conversion-returned-without-return"
            )]
        );
    }

    #[test]
    fn a_json_body_of_the_wrong_shape_names_its_field() {
        use serde_json::json;
        let good = good_json;
        let read = |value| {
            RawReport::from_json(value)
                .map(|r| (r.order_ref, r.returned_amount))
                .map_err(|e| e.field)
        };
        assert_eq!(read(good()), Ok(("AE-1001".into(), None)));
        let mut returned = good();
        returned["returned_amount"] = "20.00".into();
        assert_eq!(
            read(returned.clone()),
            Ok(("AE-1001".into(), Some("20.00".into())))
        );
        returned["returned_amount"] = serde_json::Value::Null;
        assert_eq!(read(returned), Ok(("AE-1001".into(), None)));
        for (field, value) in [
            ("order_amount", json!(129.95)),
            ("coupon_redeemed", json!("false")),
            ("order_ref", json!(1001)),
            ("occurred_at", serde_json::Value::Null),
            ("returned_amount", json!(20)),
            ("programme", json!(["aliexpress"])),
        ] {
            let mut body = good();
            body[field] = value;
            assert_eq!(read(body), Err(Some(field.to_owned())), "{field}");
        }
        for field in ["status", "coupon_redeemed", "click_id"] {
            let mut body = good();
            body.as_object_mut().unwrap().remove(field);
            let error = RawReport::from_json(body).unwrap_err();
            assert_eq!(error.field.as_deref(), Some(field));
            assert!(error.message.contains("missing"), "{}", error.message);
        }
        let mut extra = good();
        extra["discount"] = json!("5.00");
        assert_eq!(read(extra), Err(Some("discount".to_owned())));
        assert_eq!(read(json!(["a list"])), Err(None));
    }

    #[test]
    fn coupon_codes_and_stock_are_optional_and_of_their_own_json_types() {
        use serde_json::json;
        let body = |field: &str, value: serde_json::Value| {
            let mut body = good_json();
            if !field.is_empty() {
                body[field] = value;
            }
            RawReport::from_json(body)
        };
        let plain = body("", json!(null)).unwrap();
        assert_eq!((plain.coupon_codes, plain.in_stock), (None, None));
        let codes = body("coupon_codes", json!(["SUMMER10", "WELKOM5"])).unwrap();
        assert_eq!(
            codes.coupon_codes,
            Some(vec!["SUMMER10".to_owned(), "WELKOM5".to_owned()])
        );
        assert_eq!(
            body("in_stock", json!(false)).unwrap().in_stock,
            Some(false)
        );
        assert_eq!(body("in_stock", json!(null)).unwrap().in_stock, None);
        assert_eq!(
            body("coupon_codes", json!(null)).unwrap().coupon_codes,
            None
        );
        for (field, value, says) in [
            ("coupon_codes", json!("SUMMER10"), "a list of strings"),
            ("coupon_codes", json!([1, 2]), "a list of strings"),
            ("coupon_codes", json!({"code": "X"}), "a list of strings"),
            ("in_stock", json!("false"), "true or false"),
            ("in_stock", json!(0), "true or false"),
        ] {
            let error = body(field, value).unwrap_err();
            assert_eq!(error.field.as_deref(), Some(field));
            assert!(error.message.contains(says), "{}", error.message);
        }
    }

    #[test]
    fn coupon_codes_are_readable_lines_and_a_few() {
        let mut report = raw();
        report.coupon_codes = Some(vec![" SUMMER10 ".into(), "WELKOM5".into()]);
        report.in_stock = Some(false);
        let checked = report.check(now()).unwrap();
        assert_eq!(checked.coupon_codes, ["SUMMER10", "WELKOM5"]);
        assert_eq!(checked.in_stock, Some(false));
        let mut bad = raw();
        bad.coupon_codes = Some(vec!["".into(), "A\u{200b}B".into()]);
        assert_eq!(
            refused(&bad),
            vec![("coupon_codes", "error-conversion-ref-empty")]
        );
        bad.coupon_codes = Some(vec!["X".into(); COUPONS_MAX + 1]);
        assert_eq!(
            refused(&bad),
            vec![("coupon_codes", "error-conversion-coupons-too-many")]
        );
        bad.coupon_codes = Some(vec!["X".into(); COUPONS_MAX]);
        assert!(bad.check(now()).is_ok());
    }

    #[test]
    fn references_people_read_have_no_hidden_characters() {
        let mut bad = raw();
        bad.order_ref = "AE-\u{202e}1001".into();
        bad.click_id = "019ab697e800\u{200b}aabbccddeeff00112233".into();
        bad.commission_group = "sa\u{7}les".into();
        assert_eq!(
            refused(&bad),
            vec![
                ("click_id", "error-conversion-ref-invisible"),
                ("order_ref", "error-conversion-ref-invisible"),
                ("commission_group", "error-conversion-ref-control"),
            ]
        );
    }

    #[test]
    fn an_amount_more_precise_than_the_currency_is_named() {
        for amount in ["12.999999999999999999999999999999", "12.345"] {
            let mut bad = raw();
            bad.order_amount = amount.into();
            assert_eq!(
                refused(&bad),
                vec![("order_amount", "error-amount-too-precise")],
                "{amount}"
            );
            let mut bad = raw();
            bad.status = "returned".into();
            bad.returned_amount = Some(amount.into());
            assert_eq!(
                refused(&bad),
                vec![("returned_amount", "error-amount-too-precise")],
                "{amount}"
            );
        }
    }

    #[test]
    fn a_detail_makes_the_message_name_the_fact() {
        let currency = Problem::new("currency", "error-conversion-wrong-currency")
            .with(Detail::Currency(Currency::EUR));
        assert!(currency.message(Lang::En).contains("EUR"));
        assert!(currency.message(Lang::Nl).contains("EUR"));
        let at = now() + chrono::Duration::days(30);
        let locked = Problem::new("status", LOCKED).with(Detail::LockedSince(at));
        for lang in Lang::ALL {
            assert!(
                locked.message(lang).contains("2026-12-29T15:00:00Z"),
                "{}",
                locked.message(lang)
            );
        }
        assert_eq!(
            Problem::new("status", LOCKED).message(Lang::En),
            Lang::En.t(LOCKED)
        );
        // Each in its own words in both languages.
        assert_ne!(currency.message(Lang::En), currency.message(Lang::Nl));
        assert_ne!(locked.message(Lang::En), locked.message(Lang::Nl));
        for message in [currency.message(Lang::Nl), locked.message(Lang::En)] {
            assert!(
                !message.contains("error-") && !message.contains('$'),
                "{message}"
            );
        }
    }

    #[test]
    fn every_problem_has_its_own_message() {
        crate::i18n::assert_distinct_messages(PROBLEM_KEYS);
    }
}
