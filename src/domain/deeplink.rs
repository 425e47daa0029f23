//! Deep links (a link to a page other than the programme's landing page): whether a programme
//! takes them, and to which of its own domains.

/// Whether and where a programme accepts deep links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeeplinkPolicy {
    /// Only the landing page (the `deeplinking` policy's value is not `allowed`).
    NotPossible,
    /// Deep links to pages on these domains (and their subdomains).
    Allowed { domains: Vec<String> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeeplinkRefusal {
    /// The programme does not allow deep links at all.
    NotPossible,
    /// Not an http(s) URL.
    Invalid,
    /// A URL outside the programme's own domains.
    OtherDomain,
}

impl DeeplinkPolicy {
    /// `allowed`: what the programme's typed `deeplinking` policy says
    /// (`programme::policy::takes_deeplinks`).
    pub fn new(allowed: bool, domains: Vec<String>) -> DeeplinkPolicy {
        if allowed {
            DeeplinkPolicy::Allowed { domains }
        } else {
            DeeplinkPolicy::NotPossible
        }
    }

    /// The deep URL as it will be redirected to, or why not.
    pub fn check(&self, text: &str) -> Result<url::Url, DeeplinkRefusal> {
        let DeeplinkPolicy::Allowed { domains } = self else {
            return Err(DeeplinkRefusal::NotPossible);
        };
        let url = url::Url::parse(text.trim()).map_err(|_| DeeplinkRefusal::Invalid)?;
        if !matches!(url.scheme(), "http" | "https")
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(DeeplinkRefusal::Invalid);
        }
        let Some(url::Host::Domain(host)) = url.host() else {
            return Err(DeeplinkRefusal::OtherDomain);
        };
        let host = host.trim_end_matches('.');
        let ours = domains.iter().any(|d| {
            host == d
                || host
                    .strip_suffix(d.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        });
        if ours {
            Ok(url)
        } else {
            Err(DeeplinkRefusal::OtherDomain)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_links_only_to_the_programmes_own_domains() {
        let closed = DeeplinkPolicy::new(false, vec!["shop.example".into()]);
        assert_eq!(
            closed.check("https://shop.example/item/1"),
            Err(DeeplinkRefusal::NotPossible)
        );
        let open = DeeplinkPolicy::new(true, vec!["shop.example".into()]);
        assert!(open.check("https://shop.example/item/1").is_ok());
        assert!(open.check("https://www.shop.example/item/1").is_ok());
        for (url, why) in [
            ("https://evilshop.example/", DeeplinkRefusal::OtherDomain),
            (
                "https://shop.example.evil.com/",
                DeeplinkRefusal::OtherDomain,
            ),
            ("https://1.2.3.4/", DeeplinkRefusal::OtherDomain),
            ("javascript:alert(1)", DeeplinkRefusal::Invalid),
            ("https://user@shop.example/", DeeplinkRefusal::Invalid),
            ("shop.example/item", DeeplinkRefusal::Invalid),
        ] {
            assert_eq!(open.check(url), Err(why), "{url}");
        }
    }
}
