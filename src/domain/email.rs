//! E-mail addresses, validated and normalised once.

use validator::ValidateEmail;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EmailAddress(String);

#[derive(Debug, Clone, Copy, thiserror::Error, PartialEq, Eq)]
pub enum EmailError {
    #[error("an e-mail address is required")]
    Empty,
    #[error("an e-mail address is at most 254 characters")]
    TooLong,
    #[error("not a valid e-mail address")]
    Invalid,
}

impl EmailError {
    /// The Fluent key of the message shown next to the field.
    pub fn message_key(self) -> &'static str {
        match self {
            EmailError::Empty => "error-email-empty",
            EmailError::TooLong => "error-email-too-long",
            EmailError::Invalid => "error-email-invalid",
        }
    }
}

impl EmailAddress {
    /// Trims and lower-cases the address, so `Jan@Example.NL` and `jan@example.nl` are one account.
    /// Only ASCII addresses are accepted: look-alike letters from other scripts could otherwise
    /// make two addresses that read the same.
    pub fn parse(input: &str) -> Result<EmailAddress, EmailError> {
        let email = input.trim().to_lowercase();
        if email.is_empty() {
            return Err(EmailError::Empty);
        }
        if email.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = email.rsplit_once('@').ok_or(EmailError::Invalid)?;
        // The validator refuses spaces and control characters, but accepts a host without a
        // dot (`localhost`) and letters beyond ASCII in the domain.
        if !email.is_ascii() || local.is_empty() || !domain.contains('.') || !email.validate_email()
        {
            return Err(EmailError::Invalid);
        }
        Ok(EmailAddress(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn local_part(&self) -> &str {
        self.0.rsplit_once('@').map(|(l, _)| l).unwrap_or(&self.0)
    }

    pub fn domain(&self) -> &str {
        self.0.rsplit_once('@').map(|(_, d)| d).unwrap_or("")
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_spaces() {
        let e = EmailAddress::parse("  Jan.Jansen@Example.NL ").unwrap();
        assert_eq!(e.as_str(), "jan.jansen@example.nl");
        assert_eq!(e.local_part(), "jan.jansen");
        assert_eq!(e.domain(), "example.nl");
        assert_eq!(e.to_string(), "jan.jansen@example.nl");
    }

    #[test]
    fn refuses_what_is_not_an_address() {
        assert_eq!(EmailAddress::parse("   "), Err(EmailError::Empty));
        for bad in [
            "jan",
            "jan@",
            "@example.nl",
            "jan@localhost",
            "jan jansen@example.nl",
            "jan@exa mple.nl",
            "jаn@example.nl", // Cyrillic а
            "jan@exämple.nl", // a look-alike domain the validator would take
            "jan@example",
            "\"jan jansen\"@example.nl",
            "jan@exam\tple.nl",
            "a@b@c.nl",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} accepted");
        }
        let long = format!("{}@example.nl", "a".repeat(250));
        assert_eq!(EmailAddress::parse(&long), Err(EmailError::TooLong));
    }

    #[test]
    fn each_error_has_its_own_message_in_both_languages() {
        let errors = [EmailError::Empty, EmailError::TooLong, EmailError::Invalid];
        let keys: Vec<&str> = errors.iter().map(|e| e.message_key()).collect();
        assert_eq!(
            keys,
            [
                "error-email-empty",
                "error-email-too-long",
                "error-email-invalid"
            ]
        );
        crate::i18n::assert_distinct_messages(&keys);
    }

    #[test]
    fn addresses_up_to_254_characters() {
        // A 64-character local part and a 189-character domain of labels up to 63.
        let domain = format!(
            "{}.{}.{}.nl",
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(58)
        );
        let longest = format!("{}@{domain}", "a".repeat(64));
        assert_eq!(longest.len(), 254);
        assert_eq!(EmailAddress::parse(&longest).unwrap().as_str(), longest);
        let one_more = format!("{}@d{domain}", "a".repeat(64));
        assert_eq!(EmailAddress::parse(&one_more), Err(EmailError::TooLong));
        // Counted after trimming, and a short valid address is fine.
        assert!(EmailAddress::parse(&format!("  {longest}  ")).is_ok());
        assert!(EmailAddress::parse("a@b.nl").is_ok());
    }
}
