//! Commission rates: a percentage as an exact decimal, never a float.

use std::str::FromStr;

use rust_decimal::Decimal;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rate(Decimal);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RateError {
    #[error("'{0}' is not a decimal number")]
    NotANumber(String),
    #[error("a commission rate must be more than 0 and at most 100 percent")]
    OutOfRange,
    #[error("a commission rate has at most 4 decimals")]
    TooPrecise,
}

impl Rate {
    /// A rate in percent, as written in the database or a form: `"3.5"` is 3.5 %.
    pub fn parse_percent(text: &str) -> Result<Rate, RateError> {
        let value =
            Decimal::from_str(text.trim()).map_err(|_| RateError::NotANumber(text.to_owned()))?;
        Rate::from_percent(value)
    }

    pub fn from_percent(value: Decimal) -> Result<Rate, RateError> {
        if value <= Decimal::ZERO || value > Decimal::ONE_HUNDRED {
            return Err(RateError::OutOfRange);
        }
        let value = value.normalize();
        if value.scale() > 4 {
            return Err(RateError::TooPrecise);
        }
        Ok(Rate(value))
    }

    pub fn percent(self) -> Decimal {
        self.0
    }

    /// The canonical text stored in the database.
    pub fn to_db(self) -> String {
        self.0.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_programme_rates() {
        assert_eq!(Rate::parse_percent("7").unwrap().to_db(), "7");
        assert_eq!(Rate::parse_percent("3.50").unwrap().to_db(), "3.5");
        assert_eq!(Rate::parse_percent(" 0.8 ").unwrap().to_db(), "0.8");
    }

    #[test]
    fn refuses_what_is_not_a_rate() {
        assert!(matches!(
            Rate::parse_percent("abc"),
            Err(RateError::NotANumber(_))
        ));
        assert!(matches!(
            Rate::parse_percent("3,5"),
            Err(RateError::NotANumber(_))
        ));
        assert_eq!(Rate::parse_percent("0"), Err(RateError::OutOfRange));
        assert_eq!(Rate::parse_percent("-1"), Err(RateError::OutOfRange));
        assert_eq!(Rate::parse_percent("100.01"), Err(RateError::OutOfRange));
        assert_eq!(Rate::parse_percent("1.00001"), Err(RateError::TooPrecise));
        assert!(Rate::parse_percent("100").is_ok());
    }
}
