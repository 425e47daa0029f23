//! Tracking links: `BASE/click?p=<programme>&a=<channel>&g=<ad>&epi=<sub-id>[&u=<deep URL>]`,
//! the checks on each parameter, and the deeplink policy of a programme.

use crate::db::ids::{ChannelId, ProgrammeId};
/// What a tracking link carries, checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LinkParams {
    pub programme_id: ProgrammeId,
    pub channel_id: ChannelId,
    pub ad_id: Option<i64>,
    pub epi: Option<String>,
    /// A deep URL, only for programmes whose policy allows deeplinks (checked by the writer).
    pub deep_url: Option<String>,
}

pub const EPI_MAX: usize = 64;
/// Ad ids are the advertiser's creative numbers: 1 to 999,999,999.
pub const AD_ID_MAX: i64 = 999_999_999;

/// A sub-ID: 1 to 64 letters, digits, `-`, `_` or `.`.
pub fn is_valid_epi(text: &str) -> bool {
    (1..=EPI_MAX).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// A database id as it appears in a link: 1 to 18 digits, no sign, no leading zero.
fn parse_id(text: &str) -> Option<i64> {
    if text.is_empty()
        || text.len() > 18
        || text.starts_with('0')
        || !text.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    text.parse().ok()
}

/// An ad id typed by a participant or found in a link.
pub fn parse_ad_id(text: &str) -> Option<i64> {
    parse_id(text).filter(|id| *id <= AD_ID_MAX)
}

impl LinkParams {
    /// Reads a click's query string. `None` when `p` or `a` is missing or any of `p`, `a`, `g`,
    /// `epi`, `u` is malformed or repeated. Other parameters (`utm_source`, `fbclid` that social
    /// sites append) are ignored. Empty `g` and `epi` count as absent.
    pub fn from_query(query: &str) -> Option<LinkParams> {
        let mut p = None;
        let mut a = None;
        let mut g = None;
        let mut epi = None;
        let mut u = None;
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match key.as_ref() {
                "p" => &mut p,
                "a" => &mut a,
                "g" => &mut g,
                "epi" => &mut epi,
                "u" => &mut u,
                _ => continue,
            };
            if slot.is_some() {
                return None;
            }
            *slot = Some(value.into_owned());
        }
        let programme_id = ProgrammeId(parse_id(p.as_deref()?)?);
        let channel_id = ChannelId(parse_id(a.as_deref()?)?);
        let ad_id = match g.as_deref() {
            None | Some("") => None,
            Some(text) => Some(parse_ad_id(text)?),
        };
        let epi = match epi {
            None => None,
            Some(text) if text.is_empty() => None,
            Some(text) if is_valid_epi(&text) => Some(text),
            Some(_) => return None,
        };
        let deep_url = match u {
            None => None,
            Some(text) if text.is_empty() => None,
            Some(text) if text.len() <= 2000 => Some(text),
            Some(_) => return None,
        };
        Some(LinkParams {
            programme_id,
            channel_id,
            ad_id,
            epi,
            deep_url,
        })
    }

    /// The tracking link on `base` (the portal's public address).
    pub fn url(&self, base: &url::Url) -> String {
        let mut url = base.join("/click").expect("base URL joins a path");
        {
            let mut query = url.query_pairs_mut();
            query.append_pair("p", &self.programme_id.to_string());
            query.append_pair("a", &self.channel_id.to_string());
            if let Some(g) = self.ad_id {
                query.append_pair("g", &g.to_string());
            }
            if let Some(epi) = &self.epi {
                query.append_pair("epi", epi);
            }
            if let Some(u) = &self.deep_url {
                query.append_pair("u", u);
            }
        }
        url.into()
    }
}

/// `target` with the click id appended as `click_id`, for the advertiser to report back.
pub fn with_click_id(target: &url::Url, click_id: &str) -> String {
    let mut url = target.clone();
    url.query_pairs_mut().append_pair("click_id", click_id);
    url.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epi_is_one_to_64_safe_characters() {
        for ok in ["a", "nieuwsbrief-2026_11.v2", &"x".repeat(64)] {
            assert!(is_valid_epi(ok), "{ok}");
        }
        for bad in ["", &"x".repeat(65), "a b", "a/b", "é", "a&b=c", "<x>"] {
            assert!(!is_valid_epi(bad), "{bad}");
        }
    }

    #[test]
    fn query_strings_are_read_strictly() {
        let p = LinkParams::from_query("p=1&a=22&g=3&epi=nl-home&utm_source=x").unwrap();
        assert_eq!(
            p,
            LinkParams {
                programme_id: ProgrammeId(1),
                channel_id: ChannelId(22),
                ad_id: Some(3),
                epi: Some("nl-home".into()),
                deep_url: None
            }
        );
        let p = LinkParams::from_query("a=5&p=1&g=&epi=").unwrap();
        assert_eq!((p.ad_id, p.epi), (None, None));
        for bad in [
            "",
            "p=1",
            "a=1",
            "p=x&a=1",
            "p=1&a=-1",
            "p=01&a=1",
            "p=1&a=0",
            "p=1&a=1&p=2",
            "p=1&a=1&epi=a%20b",
            "p=1&a=1&g=1000000000",
            "p=1&a=99999999999999999999",
            "p=1&a=1&epi=a&epi=b",
        ] {
            assert_eq!(LinkParams::from_query(bad), None, "{bad}");
        }
    }

    #[test]
    fn ids_have_1_to_18_digits() {
        let max18 = "9".repeat(18);
        let p = LinkParams::from_query(&format!("p={max18}&a={max18}")).unwrap();
        assert_eq!(
            (p.programme_id, p.channel_id),
            (
                ProgrammeId(999_999_999_999_999_999),
                ChannelId(999_999_999_999_999_999)
            )
        );
        assert_eq!(LinkParams::from_query(&format!("p=1&a=1{max18}")), None);
        assert_eq!(LinkParams::from_query(&format!("p=1{max18}&a=1")), None);
        assert_eq!(parse_ad_id("999999999"), Some(AD_ID_MAX));
        assert_eq!(parse_ad_id("1000000000"), None);
        assert_eq!(parse_ad_id("1"), Some(1));
        for bad in ["", "0", "+1", " 1", "1 ", "1e3", "٣"] {
            assert_eq!(parse_ad_id(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_deep_url_is_read_from_u_decoded_and_bounded() {
        let p =
            LinkParams::from_query("p=1&a=2&u=https%3A%2F%2Fshop.example%2Fitem%3Fid%3D7%26c%3Dnl")
                .unwrap();
        assert_eq!(
            p.deep_url.as_deref(),
            Some("https://shop.example/item?id=7&c=nl")
        );
        assert_eq!(LinkParams::from_query("p=1&a=2&u=").unwrap().deep_url, None);
        let longest = format!("https://shop.example/{}", "x".repeat(2000 - 21));
        assert_eq!(longest.len(), 2000);
        let query = |u: &str| {
            format!(
                "p=1&a=2&u={}",
                url::form_urlencoded::byte_serialize(u.as_bytes()).collect::<String>()
            )
        };
        assert_eq!(
            LinkParams::from_query(&query(&longest)).unwrap().deep_url,
            Some(longest.clone())
        );
        assert_eq!(LinkParams::from_query(&query(&format!("{longest}x"))), None);
        assert_eq!(LinkParams::from_query("p=1&a=2&u=a&u=b"), None);
        // The deep URL survives the link's own round trip.
        let base: url::Url = "https://portal.example/".parse().unwrap();
        let params = LinkParams {
            programme_id: ProgrammeId(1),
            channel_id: ChannelId(2),
            ad_id: None,
            epi: None,
            deep_url: Some("https://shop.example/a b?x=1&y=é".into()),
        };
        let link = params.url(&base);
        assert_eq!(
            LinkParams::from_query(link.split_once('?').unwrap().1),
            Some(params)
        );
    }

    #[test]
    fn links_round_trip_through_the_query() {
        let base: url::Url = "https://portal.example/".parse().unwrap();
        let params = LinkParams {
            programme_id: ProgrammeId(1),
            channel_id: ChannelId(7),
            ad_id: Some(42),
            epi: Some("a.b_c-d".into()),
            deep_url: None,
        };
        let link = params.url(&base);
        assert_eq!(
            link,
            "https://portal.example/click?p=1&a=7&g=42&epi=a.b_c-d"
        );
        let query = link.split_once('?').unwrap().1;
        assert_eq!(LinkParams::from_query(query), Some(params));
    }

    #[test]
    fn the_click_id_is_appended() {
        let landing: url::Url = "https://www.aliexpress.com/".parse().unwrap();
        assert_eq!(
            with_click_id(&landing, "abc"),
            "https://www.aliexpress.com/?click_id=abc"
        );
        let landing: url::Url = "https://shop.example/p?id=1".parse().unwrap();
        assert_eq!(
            with_click_id(&landing, "abc"),
            "https://shop.example/p?id=1&click_id=abc"
        );
    }
}
