//! The client's address: the TCP peer, or — when the peer is one of the reverse proxies named in
//! `PORTAL_TRUSTED_PROXIES` — the address that proxy put in `X-Forwarded-For`. Limits, IP hashes
//! and the access log all use this one function, so nobody outside the trusted proxies can
//! choose the address they are counted under.

use std::net::IpAddr;
use std::sync::Arc;

use actix_web::http::header::HeaderMap;
use ipnet::IpNet;

/// The trusted proxies, as app data of every route (see `startup`).
#[derive(Clone, Default)]
pub struct TrustedProxies(Arc<[IpNet]>);

impl TrustedProxies {
    pub fn new(networks: &[IpNet]) -> TrustedProxies {
        TrustedProxies(networks.into())
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client behind `peer`: `X-Forwarded-For` is read from the right (the entry the
    /// nearest proxy wrote) past every trusted proxy; the first address that is not one is the
    /// client. A malformed entry ends the walk at the proxy that passed it on.
    pub fn client(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Option<IpAddr> {
        let mut client = peer?;
        if self.0.is_empty() || !self.trusts(client) {
            return Some(client);
        }
        let hops = headers
            .get_all("x-forwarded-for")
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        for hop in hops.into_iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) => {
                    client = ip;
                    if !self.trusts(ip) {
                        break;
                    }
                }
                Err(_) => break,
            }
        }
        Some(client)
    }
}

/// The client address of a request (see the module's text).
pub fn client_ip(req: &actix_web::HttpRequest) -> Option<IpAddr> {
    let peer = req.peer_addr().map(|a| a.ip());
    match req.app_data::<TrustedProxies>() {
        Some(proxies) => proxies.client(peer, req.headers()),
        None => peer,
    }
}

/// The address per-address limits count under: an IPv4 address, or the /64 network of an IPv6
/// address (one subscriber holds a whole /64 and can change addresses inside it at will).
pub fn limit_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut octets = v6.octets();
                octets[8..].fill(0);
                IpAddr::V6(octets.into())
            }
        },
    }
}

/// The per-address key: an IPv4 address, or the /64 of an IPv6 address (one subscriber's
/// network); not stored anywhere.
pub fn address_key(ip: Option<std::net::IpAddr>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    ip.map(limit_key).hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(
                HeaderName::from_static("x-forwarded-for"),
                HeaderValue::from_str(value).unwrap(),
            );
        }
        map
    }

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(&list.iter().map(|n| n.parse().unwrap()).collect::<Vec<_>>())
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("203.0.113.9"), &headers(&["198.51.100.1"])),
            ip("203.0.113.9")
        );
        // A peer that is not trusted cannot name another client either.
        let some = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            some.client(ip("203.0.113.9"), &headers(&["198.51.100.1"])),
            ip("203.0.113.9")
        );
        assert_eq!(none.client(None, &headers(&[])), None);
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_forged_entries_to_the_left_are_ignored() {
        let p = proxies(&["10.0.0.0/8", "192.0.2.5/32"]);
        // The visitor forged "1.2.3.4"; the proxy appended the address it saw.
        assert_eq!(
            p.client(ip("10.0.0.2"), &headers(&["1.2.3.4, 198.51.100.7"])),
            ip("198.51.100.7")
        );
        // Two proxies in a row, and the header split over two lines.
        assert_eq!(
            p.client(
                ip("10.0.0.2"),
                &headers(&["1.2.3.4, 198.51.100.7", "192.0.2.5"])
            ),
            ip("198.51.100.7")
        );
        // No header: the proxy itself.
        assert_eq!(p.client(ip("10.0.0.2"), &headers(&[])), ip("10.0.0.2"));
        // A malformed entry ends the walk at the proxy that passed it on.
        assert_eq!(
            p.client(ip("10.0.0.2"), &headers(&["198.51.100.7, nonsense"])),
            ip("10.0.0.2")
        );
        // IPv6 behind an IPv4 proxy.
        assert_eq!(
            p.client(ip("10.0.0.2"), &headers(&["2001:db8::1"])),
            ip("2001:db8::1")
        );
    }

    #[test]
    fn limits_count_ipv6_per_64() {
        assert_eq!(
            limit_key("2001:db8:1:2:aaaa::1".parse().unwrap()),
            "2001:db8:1:2::".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            limit_key("2001:db8:1:2:bbbb::9".parse().unwrap()),
            limit_key("2001:db8:1:2:aaaa::1".parse().unwrap())
        );
        assert_ne!(
            limit_key("2001:db8:1:3::1".parse().unwrap()),
            limit_key("2001:db8:1:2::1".parse().unwrap())
        );
        assert_eq!(
            limit_key("::ffff:192.0.2.1".parse().unwrap()),
            "192.0.2.1".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            limit_key("192.0.2.1".parse().unwrap()),
            "192.0.2.1".parse::<IpAddr>().unwrap()
        );
    }
}
