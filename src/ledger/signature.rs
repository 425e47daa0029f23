//! The conversion API's signature, the scheme Stripe signs webhooks with, so advertisers'
//! developers know it: `Partnerlink-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
//! "<t>.<raw body>")>`. Several `v1` values may be sent (while a secret is being rotated); one
//! matching signature by a secret in force is enough.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far a signature's time may be from ours, either way (Stripe's default).
pub const TOLERANCE_SECONDS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    /// No header, or not of the form `t=…,v1=…`, or no `v1` matches.
    Bad,
    /// The signature matches but its time is more than five minutes from now.
    Stale,
}

/// The hex signature of `body` at time `t`.
pub fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    hex::encode(mac(secret, t, body).finalize().into_bytes())
}

/// The header a client sends: `t=…,v1=…`.
pub fn header(secret: &str, t: i64, body: &[u8]) -> String {
    format!("t={t},v1={}", sign(secret, t, body))
}

fn mac(secret: &str, t: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// Checks `header` against the secrets in force and returns the matching signature (its hex, the
/// key the replay check remembers). The comparison takes constant time.
/// A request whose signature matched: the signature (remembered, so a repeat is known) and the
/// secret that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub signature: String,
    pub secret_id: i64,
}

pub fn verify(
    header: Option<&str>,
    body: &[u8],
    secrets: &[(i64, String)],
    now: i64,
) -> Result<Verified, SignatureError> {
    let header = header.ok_or(SignatureError::Bad)?;
    let mut t = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        let (key, value) = part.trim().split_once('=').ok_or(SignatureError::Bad)?;
        match key {
            "t" => t = Some(value.parse::<i64>().map_err(|_| SignatureError::Bad)?),
            "v1" => candidates.push(value),
            // Other schemes (a future v2) are ignored, as Stripe's clients do.
            _ => {}
        }
    }
    let t = t.ok_or(SignatureError::Bad)?;
    for candidate in candidates {
        let Ok(bytes) = hex::decode(candidate) else {
            continue;
        };
        for (secret_id, secret) in secrets {
            if mac(secret, t, body).verify_slice(&bytes).is_ok() {
                if (now - t).abs() > TOLERANCE_SECONDS {
                    return Err(SignatureError::Stale);
                }
                return Ok(Verified {
                    signature: candidate.to_ascii_lowercase(),
                    secret_id: *secret_id,
                });
            }
        }
    }
    Err(SignatureError::Bad)
}

/// Forgets the signatures of accepted requests whose time can no longer pass the freshness
/// check anyway (run by the maintenance loop, not per request). Returns how many.
pub fn forget_stale(conn: &mut crate::db::AnyConnection, now: i64) -> diesel::QueryResult<usize> {
    use crate::db::schema::signatures_seen as s;
    use diesel::prelude::*;
    diesel::delete(s::table.filter(s::signed_at.lt(now - 2 * TOLERANCE_SECONDS))).execute(conn)
}

/// A new secret: 32 random bytes, prefixed so it is recognised when pasted somewhere wrong.
pub fn new_secret() -> String {
    format!("plsec_{}", crate::tokens::random_token())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_764_424_980;

    /// Secrets with ids 1, 2, … in the order given.
    fn secrets(list: &[&str]) -> Vec<(i64, String)> {
        (1..).zip(list.iter().map(|s| s.to_string())).collect()
    }

    #[test]
    fn a_request_signed_with_a_secret_in_force_is_accepted() {
        let body = br#"{"order_ref":"AE-1001"}"#;
        let h = header("s3cret", NOW, body);
        assert_eq!(
            verify(Some(&h), body, &secrets(&["s3cret"]), NOW),
            Ok(Verified {
                signature: sign("s3cret", NOW, body),
                secret_id: 1
            })
        );
        // Within five minutes either way.
        assert!(verify(Some(&h), body, &secrets(&["s3cret"]), NOW + 300).is_ok());
        assert!(verify(Some(&h), body, &secrets(&["s3cret"]), NOW - 300).is_ok());
        // By the old secret while it still works, alongside the new one.
        assert_eq!(
            verify(Some(&h), body, &secrets(&["new", "s3cret"]), NOW).map(|v| v.secret_id),
            Ok(2),
            "the secret that signed it"
        );
        // Several v1 values, one of them right.
        let two = format!(
            "t={NOW},v1={},v1={}",
            "00".repeat(32),
            sign("s3cret", NOW, body)
        );
        assert!(verify(Some(&two), body, &secrets(&["s3cret"]), NOW).is_ok());
    }

    #[test]
    fn known_vector() {
        // HMAC-SHA256("key", "1.x"), computed independently (Python's hmac module).
        assert_eq!(
            sign("key", 1, b"x"),
            "fc4913c41a7bf793267e2a384f3261c9436ec2cd097bd745e7b0d99113f510ec"
        );
    }

    #[test]
    fn bad_and_old_signatures_are_refused() {
        let body = b"{}";
        let h = header("s3cret", NOW, body);
        let ours = secrets(&["s3cret"]);
        assert_eq!(verify(None, body, &ours, NOW), Err(SignatureError::Bad));
        assert_eq!(verify(Some(""), body, &ours, NOW), Err(SignatureError::Bad));
        assert_eq!(
            verify(Some("t=abc,v1=00"), body, &ours, NOW),
            Err(SignatureError::Bad)
        );
        assert_eq!(
            verify(Some(&h), body, &secrets(&["other"]), NOW),
            Err(SignatureError::Bad)
        );
        assert_eq!(
            verify(Some(&h), b"{ }", &ours, NOW),
            Err(SignatureError::Bad)
        );
        assert_eq!(verify(Some(&h), body, &[], NOW), Err(SignatureError::Bad));
        // The time is part of what is signed: changing it breaks the signature.
        let moved = h.replace(&format!("t={NOW}"), &format!("t={}", NOW + 1));
        assert_eq!(
            verify(Some(&moved), body, &ours, NOW),
            Err(SignatureError::Bad)
        );
        assert_eq!(
            verify(Some(&h), body, &ours, NOW + 301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(Some(&h), body, &ours, NOW - 301),
            Err(SignatureError::Stale)
        );
    }
}
