//! International bank account numbers, checked before a payout is ever sent to one: the
//! country's length and the mod-97 check digits (ISO 13616), so a mistyped digit is caught in the
//! form rather than bounced by the bank weeks later.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Iban(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IbanError {
    #[error("an IBAN starts with a country code and two check digits")]
    Format,
    #[error("payouts go to SEPA countries only")]
    Country,
    #[error("an IBAN of this country has a different length")]
    Length,
    #[error("the check digits do not match: a character is mistyped")]
    Checksum,
}

impl IbanError {
    pub fn message_key(self) -> &'static str {
        match self {
            IbanError::Format => "error-iban-format",
            IbanError::Country => "error-iban-country",
            IbanError::Length => "error-iban-length",
            IbanError::Checksum => "error-iban-checksum",
        }
    }
}

/// The SEPA countries and their IBAN lengths (SWIFT's IBAN registry).
const SEPA_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GI", 23),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LI", 21),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MC", 27),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
    ("SM", 27),
    ("VA", 22),
];

impl Iban {
    /// Accepts what people type: spaces anywhere, lower case. Stored without spaces, upper case.
    pub fn parse(text: &str) -> Result<Iban, IbanError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = compact.as_bytes();
        if bytes.len() < 5
            || !bytes[..2].iter().all(u8::is_ascii_uppercase)
            || !bytes[2..4].iter().all(u8::is_ascii_digit)
            || !bytes.iter().all(u8::is_ascii_alphanumeric)
        {
            return Err(IbanError::Format);
        }
        let length = SEPA_LENGTHS
            .iter()
            .find(|(country, _)| country.as_bytes() == &bytes[..2])
            .map(|(_, len)| *len)
            .ok_or(IbanError::Country)?;
        if bytes.len() != length {
            return Err(IbanError::Length);
        }
        if mod97(&compact) != 1 {
            return Err(IbanError::Checksum);
        }
        Ok(Iban(compact))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `NL91 ABNA 0417 1643 00`: in groups of four, as printed on a bank card.
    pub fn grouped(&self) -> String {
        let mut out = String::with_capacity(self.0.len() + self.0.len() / 4);
        for (i, c) in self.0.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        out
    }

    /// `NL91 **** **** **** 00`: enough to recognise one's account on a page or in a mail.
    pub fn masked(&self) -> String {
        let keep_end = self.0.len() - 2;
        let masked: String = self
            .0
            .chars()
            .enumerate()
            .map(|(i, c)| if i < 4 || i >= keep_end { c } else { '*' })
            .collect();
        Iban(masked).grouped()
    }
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped())
    }
}

/// ISO 7064 mod 97-10 over the rearranged IBAN (first four characters moved to the end, letters
/// as 10..35), computed piecewise so no big integer is needed.
fn mod97(iban: &str) -> u32 {
    let rearranged = iban[4..].bytes().chain(iban[..4].bytes());
    let mut remainder: u32 = 0;
    for b in rearranged {
        let value = if b.is_ascii_digit() {
            u32::from(b - b'0')
        } else {
            u32::from(b - b'A') + 10
        };
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    remainder
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_ibans_are_accepted_as_people_type_them() {
        let iban = Iban::parse("nl91 abna 0417 1643 00").unwrap();
        assert_eq!(iban.as_str(), "NL91ABNA0417164300");
        assert_eq!(iban.to_string(), "NL91 ABNA 0417 1643 00");
        assert_eq!(iban.masked(), "NL91 **** **** **** 00");
        assert!(Iban::parse("DE89370400440532013000").is_ok());
        assert!(Iban::parse("BE68539007547034").is_ok());
        assert!(Iban::parse("GB82WEST12345698765432").is_ok());
        assert!(Iban::parse("FR1420041010050500013M02606").is_ok());
    }

    #[test]
    fn a_mistyped_iban_is_refused_with_its_reason() {
        assert_eq!(Iban::parse("NL91ABNA0417164301"), Err(IbanError::Checksum));
        // Two neighbouring characters swapped: mod 97 catches it.
        assert_eq!(Iban::parse("NL91ABNA0417166400"), Err(IbanError::Checksum));
        assert_eq!(Iban::parse("NL91ABNA041716430"), Err(IbanError::Length));
        assert_eq!(Iban::parse("US12345678901234"), Err(IbanError::Country));
        assert_eq!(Iban::parse("1234"), Err(IbanError::Format));
        assert_eq!(Iban::parse("NLAB ABNA 0417"), Err(IbanError::Format));
        assert_eq!(
            Iban::parse("NL91-ABNA-0417-1643-00"),
            Err(IbanError::Format)
        );
        assert_eq!(Iban::parse(""), Err(IbanError::Format));
    }

    #[test]
    fn every_error_has_its_own_message() {
        crate::i18n::assert_distinct_messages(&[
            IbanError::Format.message_key(),
            IbanError::Country.message_key(),
            IbanError::Length.message_key(),
            IbanError::Checksum.message_key(),
        ]);
    }
}
