//! Amounts of money: exact decimals in code, whole minor units (cents) in the database.
//!
//! The rounding rule, written once here and in the README: a commission is computed exactly
//! (`order amount × rate ÷ 100`) and rounded **once**, to the currency's minor unit, **half away
//! from zero** (0.005 → 0.01, −0.005 → −0.01). A partial return reverses the same share of that
//! rounded commission, computed on the *total* returned so far and rounded by the same rule; the
//! reversal row holds the difference from what was reversed before, so however an order is
//! returned in parts, a full return reverses exactly the commission — no cent is created or lost.

use std::fmt;
use std::str::FromStr;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use super::Rate;

/// An ISO 4217 currency the portal pays in, with the digits of its minor unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: [u8; 3],
    minor_digits: u32,
}

/// The currencies programmes may use: those of SEPA countries and the common others.
const CURRENCIES: &[(&str, u32)] = &[
    ("EUR", 2),
    ("USD", 2),
    ("GBP", 2),
    ("CHF", 2),
    ("SEK", 2),
    ("DKK", 2),
    ("NOK", 2),
    ("PLN", 2),
    ("CZK", 2),
    ("HUF", 2),
    ("JPY", 0),
];

impl Currency {
    pub const EUR: Currency = Currency {
        code: *b"EUR",
        minor_digits: 2,
    };

    /// `EUR`, `eur` → EUR; `None` for a code the portal does not know.
    pub fn parse(code: &str) -> Option<Currency> {
        let upper = code.trim().to_ascii_uppercase();
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == upper)
            .map(|(c, digits)| Currency {
                code: c.as_bytes().try_into().expect("three letters"),
                minor_digits: *digits,
            })
    }

    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    pub fn minor_digits(&self) -> u32 {
        self.minor_digits
    }

    /// `€` for the euro, else the code (`USD`), as the amount is written on a page.
    pub fn symbol(&self) -> &str {
        match self.code() {
            "EUR" => "€",
            "GBP" => "£",
            other => other,
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount in a currency, held as whole minor units (cents): what the database stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("'{0}' is not an amount (write it like 129.95)")]
    NotANumber(String),
    #[error("an amount cannot be negative")]
    Negative,
    #[error("{currency} amounts have at most {digits} decimals")]
    TooPrecise { currency: String, digits: u32 },
    #[error("the amount is too large")]
    TooLarge,
}

impl AmountError {
    /// The Fluent key of the message shown next to a field or in an import preview.
    pub fn message_key(&self) -> &'static str {
        match self {
            AmountError::NotANumber(_) => "error-amount-not-a-number",
            AmountError::Negative => "error-amount-negative",
            AmountError::TooPrecise { .. } => "error-amount-too-precise",
            AmountError::TooLarge => "error-amount-too-large",
        }
    }
}

/// Larger than any order or balance the portal will see (10^13 minor units = €100 billion), and
/// small enough that sums of many of them stay far from `i64`'s limit.
const MAX_MINOR: i64 = 10_000_000_000_000;

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Money {
        Money::new(0, currency)
    }

    /// An amount as an advertiser writes it: `"129.95"` (a dot, no grouping, no sign), with at
    /// most the currency's minor digits. Trailing zeros beyond them are fine (`"10.500"`).
    pub fn parse(text: &str, currency: Currency) -> Result<Money, AmountError> {
        let trimmed = text.trim();
        let plain = !trimmed.is_empty()
            && trimmed
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.' || c == '-');
        // The precision is judged on the digits as written: `Decimal` keeps at most 28 decimals
        // and rounds the rest away, so "12.999999999999999999999999999999" would read as 13.
        let written_decimals = trimmed
            .split_once('.')
            .filter(|(_, decimals)| decimals.chars().all(|c| c.is_ascii_digit()))
            .map_or(0, |(_, decimals)| decimals.trim_end_matches('0').len());
        if plain && written_decimals > currency.minor_digits as usize {
            return Err(AmountError::TooPrecise {
                currency: currency.code().to_owned(),
                digits: currency.minor_digits,
            });
        }
        let value = Decimal::from_str(trimmed)
            .ok()
            .filter(|_| plain)
            .ok_or_else(|| AmountError::NotANumber(text.to_owned()))?;
        if value.is_sign_negative() && !value.is_zero() {
            return Err(AmountError::Negative);
        }
        Money::from_decimal(value.abs(), currency)
    }

    /// An exact decimal that must already be a whole number of minor units.
    pub fn from_decimal(value: Decimal, currency: Currency) -> Result<Money, AmountError> {
        let value = value.normalize();
        if value.scale() > currency.minor_digits {
            return Err(AmountError::TooPrecise {
                currency: currency.code().to_owned(),
                digits: currency.minor_digits,
            });
        }
        let minor = value
            .checked_mul(Decimal::from(10i64.pow(currency.minor_digits)))
            .and_then(|m| m.to_i64())
            .ok_or(AmountError::TooLarge)?;
        if minor.abs() > MAX_MINOR {
            return Err(AmountError::TooLarge);
        }
        Ok(Money::new(minor, currency))
    }

    /// The exact decimal value (`12995` cents → `129.95`).
    pub fn to_decimal(self) -> Decimal {
        Decimal::new(self.minor, self.currency.minor_digits)
    }

    /// The value with exactly the currency's minor digits (`7` → `7.00`), as amounts are shown.
    pub fn for_display(self) -> Decimal {
        let mut d = self.to_decimal();
        d.rescale(self.currency.minor_digits);
        d
    }

    /// `129.95`: the plain form of the API, CSV files and the bank file.
    pub fn plain(self) -> String {
        self.for_display().to_string()
    }

    /// The amount as a reader sees it in `lang` (`€ 1.234,56` / `€1,234.56`): pages
    /// (`web::Ctx::money`), notices and mails.
    pub fn written(self, lang: crate::i18n::Lang) -> String {
        lang.format_money(self.for_display(), self.currency.symbol())
    }
}

/// Rounds an exact amount to the currency's minor unit, half away from zero: the one rounding
/// step money goes through.
pub fn round_to_minor(value: Decimal, currency: Currency) -> Money {
    let rounded = value.round_dp_with_strategy(
        currency.minor_digits,
        RoundingStrategy::MidpointAwayFromZero,
    );
    // `rounded` has at most `minor_digits` decimals, so this is a whole number.
    let minor = (rounded * Decimal::from(10i64.pow(currency.minor_digits)))
        .to_i64()
        .unwrap_or(if rounded.is_sign_negative() {
            -MAX_MINOR
        } else {
            MAX_MINOR
        });
    Money::new(minor.clamp(-MAX_MINOR, MAX_MINOR), currency)
}

/// The commission on an order: `amount × rate`, rounded once (see the module's rule).
pub fn commission(order: Money, rate: Rate) -> Money {
    let exact = order.to_decimal() * rate.percent() / Decimal::ONE_HUNDRED;
    round_to_minor(exact, order.currency)
}

/// How much of `commission` is reversed when `returned` of an order of `order` has come back in
/// all (the total so far, not one return): the same share, rounded by the same rule. A return
/// larger than the order counts as the whole order.
pub fn reversed_share(commission: Money, order: Money, returned: Money) -> Money {
    if order.minor <= 0 || returned.minor <= 0 {
        return Money::zero(commission.currency);
    }
    if returned.minor >= order.minor {
        return commission;
    }
    let exact =
        commission.to_decimal() * Decimal::from(returned.minor) / Decimal::from(order.minor);
    round_to_minor(exact, commission.currency)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eur(text: &str) -> Money {
        Money::parse(text, Currency::EUR).unwrap()
    }

    fn rate(text: &str) -> Rate {
        Rate::parse_percent(text).unwrap()
    }

    #[test]
    fn amounts_are_parsed_exactly_into_cents() {
        assert_eq!(eur("129.95").minor, 12995);
        assert_eq!(eur("129.9").minor, 12990);
        assert_eq!(eur("10.500").minor, 1050);
        assert_eq!(eur("0").minor, 0);
        assert_eq!(eur(" 7 ").minor, 700);
        assert_eq!(eur("129.95").plain(), "129.95");
        assert_eq!(eur("7").plain(), "7.00");
        let yen = Currency::parse("jpy").unwrap();
        assert_eq!(Money::parse("1500", yen).unwrap().minor, 1500);
        assert_eq!(Money::parse("1500", yen).unwrap().plain(), "1500");
    }

    #[test]
    fn what_is_not_an_amount_is_refused() {
        assert!(matches!(
            Money::parse("12,95", Currency::EUR),
            Err(AmountError::NotANumber(_))
        ));
        assert!(matches!(
            Money::parse("1e3", Currency::EUR),
            Err(AmountError::NotANumber(_))
        ));
        assert!(matches!(
            Money::parse("", Currency::EUR),
            Err(AmountError::NotANumber(_))
        ));
        assert_eq!(
            Money::parse("-1.00", Currency::EUR),
            Err(AmountError::Negative)
        );
        assert!(matches!(
            Money::parse("1.005", Currency::EUR),
            Err(AmountError::TooPrecise { digits: 2, .. })
        ));
        assert!(matches!(
            Money::parse("1.5", Currency::parse("JPY").unwrap()),
            Err(AmountError::TooPrecise { digits: 0, .. })
        ));
        // More decimals than `Decimal` keeps: refused, not rounded to 13.00.
        for text in [
            "12.999999999999999999999999999999",
            "12.0000000000000000000000000000001",
            "12.345",
        ] {
            assert!(
                matches!(
                    Money::parse(text, Currency::EUR),
                    Err(AmountError::TooPrecise { digits: 2, .. })
                ),
                "{text}"
            );
        }
        // What is no number stays no number, however many digits follow a dot.
        for text in ["1x.123", "1.2.345", "12.34-5"] {
            assert!(
                matches!(
                    Money::parse(text, Currency::EUR),
                    Err(AmountError::NotANumber(_))
                ),
                "{text}"
            );
        }
        // Zeros beyond the minor unit are only zeros, however many.
        assert_eq!(
            Money::parse("12.500000000000000000000000000000", Currency::EUR),
            Ok(Money::new(1250, Currency::EUR))
        );
        assert_eq!(
            Money::parse("100000000000.01", Currency::EUR),
            Err(AmountError::TooLarge)
        );
        assert!(Money::parse("100000000000.00", Currency::EUR).is_ok());
    }

    #[test]
    fn unknown_currencies_are_refused() {
        assert_eq!(Currency::parse("EUR"), Some(Currency::EUR));
        assert_eq!(Currency::parse("XYZ"), None);
        assert_eq!(Currency::parse("EURO"), None);
        assert_eq!(Currency::EUR.symbol(), "€");
        assert_eq!(Currency::parse("USD").unwrap().symbol(), "USD");
        assert_eq!(Currency::EUR.minor_digits(), 2);
        assert_eq!(Currency::parse("JPY").unwrap().minor_digits(), 0);
        assert_eq!(Currency::EUR.to_string(), "EUR");
    }

    #[test]
    fn amounts_beyond_any_order_are_held_at_the_limit() {
        let huge = Decimal::from(10u64.pow(19));
        assert_eq!(round_to_minor(huge, Currency::EUR).minor, MAX_MINOR);
        assert_eq!(round_to_minor(-huge, Currency::EUR).minor, -MAX_MINOR);
        assert_eq!(
            round_to_minor(Decimal::new(-15, 1), Currency::EUR).minor,
            -150
        );
    }

    #[test]
    fn commission_is_rounded_once_half_away_from_zero() {
        // 129.95 × 7 % = 9.0965 → 9.10
        assert_eq!(commission(eur("129.95"), rate("7")).minor, 910);
        // 12.50 × 3.5 % = 0.4375 → 0.44
        assert_eq!(commission(eur("12.50"), rate("3.5")).minor, 44);
        // 0.50 × 1 % = 0.005 → 0.01 (half away from zero, not to even)
        assert_eq!(commission(eur("0.50"), rate("1")).minor, 1);
        // 1.50 × 1 % = 0.015 → 0.02; 2.50 × 1 % = 0.025 → 0.03 (banker's would give 0.02)
        assert_eq!(commission(eur("1.50"), rate("1")).minor, 2);
        assert_eq!(commission(eur("2.50"), rate("1")).minor, 3);
        // 0.49 × 1 % = 0.0049 → 0.00
        assert_eq!(commission(eur("0.49"), rate("1")).minor, 0);
        assert_eq!(commission(eur("100"), rate("100")).minor, 10000);
        assert_eq!(round_to_minor(Decimal::new(-5, 3), Currency::EUR).minor, -1);
        assert_eq!(round_to_minor(Decimal::new(-4, 3), Currency::EUR).minor, 0);
    }

    #[test]
    fn a_partial_return_reverses_its_share() {
        let order = eur("100.00");
        let paid = commission(order, rate("7")); // 7.00
        assert_eq!(reversed_share(paid, order, eur("20.00")).minor, 140);
        assert_eq!(reversed_share(paid, order, eur("100.00")), paid);
        assert_eq!(reversed_share(paid, order, eur("150.00")), paid);
        assert_eq!(reversed_share(paid, order, eur("0")).minor, 0);
        // Without an order there is nothing to take back.
        assert_eq!(reversed_share(paid, eur("0"), eur("10")).minor, 0);
        // 9.10 × 1/3 = 3.0333 → 3.03
        assert_eq!(
            reversed_share(Money::new(910, Currency::EUR), eur("30"), eur("10")).minor,
            303
        );
        // 0.05 × 1/2 = 0.025 → 0.03
        assert_eq!(
            reversed_share(Money::new(5, Currency::EUR), eur("2"), eur("1")).minor,
            3
        );
    }

    proptest! {
        /// Rounding is within half a cent of the exact commission, and never further.
        #[test]
        fn commission_is_within_half_a_cent_of_exact(cents in 0i64..100_000_000, rate_bp in 1u32..=10_000) {
            let order = Money::new(cents, Currency::EUR);
            let rate = Rate::from_percent(Decimal::new(i64::from(rate_bp), 2)).unwrap();
            let exact = order.to_decimal() * rate.percent() / Decimal::ONE_HUNDRED;
            let rounded = commission(order, rate).to_decimal();
            let error = (rounded - exact).abs();
            prop_assert!(error <= Decimal::new(5, 3));
            // Exactly half a cent only at a midpoint, and then rounded up (away from zero).
            if error == Decimal::new(5, 3) {
                prop_assert!(rounded > exact);
            }
        }

        /// However an order comes back in parts, the reversals add up to the share of the total
        /// returned, and a full return to exactly the commission.
        #[test]
        fn returns_in_parts_add_up_to_the_whole(
            order_cents in 1i64..10_000_000,
            rate_bp in 1u32..=10_000,
            parts in proptest::collection::vec(1i64..1_000_000, 1..8),
        ) {
            let order = Money::new(order_cents, Currency::EUR);
            let rate = Rate::from_percent(Decimal::new(i64::from(rate_bp), 2)).unwrap();
            let paid = commission(order, rate);
            let mut returned = 0i64;
            let mut reversed = 0i64;
            for part in parts {
                returned = (returned + part).min(order_cents);
                let total = reversed_share(paid, order, Money::new(returned, Currency::EUR));
                let step = total.minor - reversed;
                prop_assert!(step >= 0, "a return never adds commission");
                reversed += step;
                prop_assert!(reversed <= paid.minor);
            }
            let full = reversed_share(paid, order, order).minor - reversed;
            prop_assert_eq!(reversed + full, paid.minor);
        }

        #[test]
        fn parsing_and_writing_an_amount_round_trips(cents in 0i64..MAX_MINOR) {
            let money = Money::new(cents, Currency::EUR);
            prop_assert_eq!(Money::parse(&money.plain(), Currency::EUR), Ok(money));
        }
    }
}
