//! Website addresses of advertising channels: http(s) only, a real public host name, no
//! credentials in the URL.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebsiteUrl {
    url: url::Url,
}

#[derive(Debug, Clone, Copy, thiserror::Error, PartialEq, Eq)]
pub enum WebsiteError {
    #[error("a website address is required")]
    Empty,
    #[error("a website address is at most 2,000 characters")]
    TooLong,
    #[error("only http and https addresses are accepted")]
    Scheme,
    #[error("the address may not contain a user name or password")]
    Credentials,
    #[error("not a valid website address")]
    Invalid,
    #[error("the address mixes Latin letters with look-alike letters of another script")]
    LookAlike,
}

impl WebsiteError {
    pub fn message_key(self) -> &'static str {
        match self {
            WebsiteError::Empty => "error-website-empty",
            WebsiteError::TooLong => "error-website-too-long",
            WebsiteError::Scheme => "error-website-scheme",
            WebsiteError::Credentials => "error-website-credentials",
            WebsiteError::Invalid => "error-website-invalid",
            WebsiteError::LookAlike => "error-website-look-alike",
        }
    }
}

impl WebsiteUrl {
    /// `example.nl` is read as `https://example.nl/`.
    pub fn parse(input: &str) -> Result<WebsiteUrl, WebsiteError> {
        let text = input.trim();
        if text.is_empty() {
            return Err(WebsiteError::Empty);
        }
        if text.len() > 2000 {
            return Err(WebsiteError::TooLong);
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(WebsiteError::Invalid);
        }
        let with_scheme = if text.contains("://") {
            text.to_owned()
        } else if text.contains(':') && !text.contains('.') {
            // `javascript:alert(1)`, `mailto:x`: a scheme without slashes.
            return Err(WebsiteError::Scheme);
        } else {
            format!("https://{text}")
        };
        let url = url::Url::parse(&with_scheme).map_err(|_| WebsiteError::Invalid)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(WebsiteError::Scheme);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(WebsiteError::Credentials);
        }
        let Some(url::Host::Domain(host)) = url.host() else {
            // IP addresses and missing hosts are not public websites.
            return Err(WebsiteError::Invalid);
        };
        if !is_public_host_name(host) {
            return Err(WebsiteError::Invalid);
        }
        if is_look_alike(host) {
            return Err(WebsiteError::LookAlike);
        }
        Ok(WebsiteUrl { url })
    }

    pub fn as_str(&self) -> &str {
        self.url.as_str()
    }

    /// The host without a leading `www.`, lower case (`url` has normalised it, IDNs as punycode).
    pub fn domain(&self) -> &str {
        let host = self.url.host_str().unwrap_or("");
        host.strip_prefix("www.").unwrap_or(host)
    }

    /// The path without a trailing slash (`""` for the home page).
    fn path(&self) -> &str {
        self.url.path().trim_end_matches('/')
    }

    /// Whether this address lies within `site`: the same domain, and `site`'s path or a page
    /// below it (`example.nl/store/12/about` lies within `example.nl/store/12`, not
    /// `example.nl/store/123`).
    pub fn is_within(&self, site: &WebsiteUrl) -> bool {
        let (path, prefix) = (self.path(), site.path());
        self.domain() == site.domain()
            && (path == prefix
                || path
                    .strip_prefix(prefix)
                    .is_some_and(|rest| rest.starts_with('/')))
    }

    /// Whether this is a storefront on the AliExpress platform (E.10.k): a host with the label
    /// `aliexpress`, and a page of its own (a path, or a subdomain such as
    /// `shop123.aliexpress.com`), not the platform's home page.
    pub fn is_platform_storefront(&self) -> bool {
        let labels: Vec<&str> = self.domain().split('.').collect();
        let Some(at) = labels.iter().position(|l| *l == "aliexpress") else {
            return false;
        };
        !self.path().is_empty() || at > 0
    }
}

/// Whether a label of the host (read back from punycode) mixes Latin letters with Cyrillic or
/// Greek ones: `аliexpress.com` with a Cyrillic `а` reads as the brand but is another domain, and
/// would pass the brand screening (B.5.a) unseen. A label in one script (`bücher.de`,
/// `пример.рф`) is a real internationalised name and is accepted.
fn is_look_alike(host: &str) -> bool {
    let (unicode, _) = idna::domain_to_unicode(host);
    unicode.split('.').any(|label| {
        let latin = label
            .chars()
            .any(|c| c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{024F}').contains(&c));
        let other = label.chars().any(|c| {
            ('\u{0370}'..='\u{03FF}').contains(&c) || ('\u{0400}'..='\u{052F}').contains(&c)
        });
        latin && other
    })
}

/// At least two labels, each 1-63 letters, digits or inner hyphens, and a top-level label that
/// is alphabetic (or punycode); not `localhost` or an internal name.
fn is_public_host_name(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    if host.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if !labels.iter().all(label_ok) {
        return false;
    }
    let tld = labels[labels.len() - 1];
    let tld_ok =
        tld.starts_with("xn--") || (tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_alphabetic()));
    tld_ok
        && !matches!(
            tld,
            "localhost" | "local" | "internal" | "test" | "invalid" | "example"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_lies_within_a_site_by_domain_and_whole_path_segments() {
        let store = WebsiteUrl::parse("https://www.aliexpress.com/store/912345").unwrap();
        let within = |u: &str| WebsiteUrl::parse(u).unwrap().is_within(&store);
        assert!(within("aliexpress.com/store/912345"));
        assert!(within("https://aliexpress.com/store/912345/"));
        assert!(within(
            "https://www.aliexpress.com/store/912345/pages/all.html"
        ));
        assert!(!within("https://www.aliexpress.com/store/9123456"));
        assert!(!within("https://www.aliexpress.com/"));
        assert!(!within("https://nl.aliexpress.com/store/912345"));
        let shop = WebsiteUrl::parse("koopjes.nl").unwrap();
        assert!(WebsiteUrl::parse("koopjes.nl/blog")
            .unwrap()
            .is_within(&shop));
        assert!(!WebsiteUrl::parse("koopjes.com").unwrap().is_within(&shop));
    }

    #[test]
    fn a_storefront_is_a_page_of_its_own_on_the_platform() {
        let storefront = |u: &str| WebsiteUrl::parse(u).unwrap().is_platform_storefront();
        assert!(storefront("https://www.aliexpress.com/store/912345"));
        assert!(storefront("https://shop912345.aliexpress.com/"));
        assert!(storefront("aliexpress.us/store/1"));
        assert!(!storefront("https://www.aliexpress.com/"));
        assert!(!storefront("aliexpress.com"));
        assert!(!storefront("https://koopjes.nl/store/912345"));
        assert!(!storefront("https://myaliexpress.nl/store/1"));
    }

    #[test]
    fn accepts_websites_with_or_without_scheme() {
        let w = WebsiteUrl::parse("www.Voorbeeld.nl").unwrap();
        assert_eq!(w.as_str(), "https://www.voorbeeld.nl/");
        assert_eq!(w.domain(), "voorbeeld.nl");
        // A port without a scheme is still read as https.
        let w = WebsiteUrl::parse("www.voorbeeld.nl:8080/winkel").unwrap();
        assert_eq!(w.as_str(), "https://www.voorbeeld.nl:8080/winkel");
        let w = WebsiteUrl::parse(" http://blog.example.co.uk/deals?x=1 ").unwrap();
        assert_eq!(w.domain(), "blog.example.co.uk");
        assert!(WebsiteUrl::parse("https://bücher.de")
            .unwrap()
            .domain()
            .starts_with("xn--"));
    }

    #[test]
    fn refuses_what_is_not_a_public_website() {
        use WebsiteError::*;
        for (input, error) in [
            ("", Empty),
            ("   ", Empty),
            ("ftp://example.nl", Scheme),
            ("javascript:alert(1)", Scheme),
            ("https://user:pw@example.nl", Credentials),
            ("https://user@example.nl", Credentials),
            ("https://localhost", Invalid),
            ("https://127.0.0.1", Invalid),
            ("https://[::1]/", Invalid),
            ("https://intranet", Invalid),
            ("https://exa mple.nl", Invalid),
            ("https://example.123", Invalid),
            ("https://-bad-.nl", Invalid),
            ("https://shop.local", Invalid),
            // No scheme and no dot: a name, not a website (not a scheme either).
            ("intranet", Invalid),
            // White space or control characters anywhere, also where a URL would escape them.
            ("https://example.nl/a b", Invalid),
            ("https://example.nl/\u{7}", Invalid),
            ("https://exa\u{a0}mple.nl", Invalid),
        ] {
            assert_eq!(WebsiteUrl::parse(input), Err(error), "{input:?}");
        }
        let long = format!("https://example.nl/{}", "a".repeat(2000));
        assert_eq!(WebsiteUrl::parse(&long), Err(TooLong));
        let longest = format!("https://example.nl/{}", "a".repeat(2000 - 19));
        assert_eq!(longest.len(), 2000);
        assert!(WebsiteUrl::parse(&longest).is_ok());
    }

    #[test]
    fn each_error_has_its_own_message_in_both_languages() {
        use WebsiteError::*;
        let errors = [Empty, TooLong, Scheme, Credentials, Invalid, LookAlike];
        let keys: Vec<&str> = errors.iter().map(|e| e.message_key()).collect();
        assert_eq!(
            keys,
            [
                "error-website-empty",
                "error-website-too-long",
                "error-website-scheme",
                "error-website-credentials",
                "error-website-invalid",
                "error-website-look-alike"
            ]
        );
        crate::i18n::assert_distinct_messages(&keys);
    }

    #[test]
    fn host_names_up_to_253_characters_and_labels_up_to_63() {
        let label63 = "a".repeat(63);
        assert!(WebsiteUrl::parse(&format!("https://{label63}.nl")).is_ok());
        assert_eq!(
            WebsiteUrl::parse(&format!("https://a{label63}.nl")),
            Err(WebsiteError::Invalid)
        );
        // 3 labels of 63, one of 58 and `.nl`: 253 characters.
        let host253 = format!("{label63}.{label63}.{label63}.{}.nl", "b".repeat(58));
        assert_eq!(host253.len(), 253);
        assert!(WebsiteUrl::parse(&format!("https://{host253}/")).is_ok());
        let host254 = format!("c{host253}");
        assert_eq!(
            WebsiteUrl::parse(&format!("https://{host254}/")),
            Err(WebsiteError::Invalid)
        );
        // The top-level label: two letters at least, or punycode.
        assert!(WebsiteUrl::parse("https://example.n").is_err());
        assert!(WebsiteUrl::parse("https://example.xn--p1ai").is_ok());
        assert!(WebsiteUrl::parse("https://ex-ample.nl").is_ok());
        assert!(WebsiteUrl::parse("https://example-.nl").is_err());
        assert!(WebsiteUrl::parse("https://exa_mple.nl").is_err());
    }

    #[test]
    fn look_alike_domains_are_refused_and_real_international_names_accepted() {
        for look_alike in [
            "https://www.аliexpress.com",    // Cyrillic а
            "https://alіexpress-deals.nl",   // Cyrillic і
            "https://shop.αliexpress.nl",    // Greek α
            "https://xn--liexpress-g4g.com", // the first one, as punycode
        ] {
            assert_eq!(
                WebsiteUrl::parse(look_alike),
                Err(WebsiteError::LookAlike),
                "{look_alike}"
            );
        }
        for real in [
            "https://bücher.de",
            "https://пример.рф",
            "https://www.ελλάδα.gr",
        ] {
            assert!(WebsiteUrl::parse(real).is_ok(), "{real}");
        }
        assert_eq!(
            WebsiteUrl::parse("https://aliexpress-deals.nl")
                .unwrap()
                .domain(),
            "aliexpress-deals.nl"
        );
    }
}
