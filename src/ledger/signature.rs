//! The conversion API's signature, the scheme Stripe signs webhooks with, so advertisers'
//! developers know it: `Partnerlink-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
//! "<t>.<raw body>")>`. Several `v1` values may be sent (while a secret is being rotated); one
//! matching signature by a secret in force is enough.

use crate::db::ids::SecretId;
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

/// The longest `Partnerlink-Signature` header taken: a time and four `v1` values fit in a third
/// of it. Longer ones are refused unread (issue 21: 32,000 empty `v1=` made a request cost
/// 32,000 HMACs of the body).
pub const MAX_HEADER_LEN: usize = 1024;

/// The most `v1` values one header may carry: one per secret in force while a rotation is under
/// way is plenty.
pub const MAX_SIGNATURES: usize = 4;

/// The hex signature of `body` at time `t`.
pub fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    hex::encode(mac(secret, t, body).finalize().into_bytes())
}

/// The header a client sends: `t=…,v1=…`.
pub fn header(secret: &str, t: i64, body: &[u8]) -> String {
    format!("t={t},v1={}", sign(secret, t, body))
}

#[cfg(test)]
thread_local! {
    /// How many HMACs of a body this thread computed (the unit tests count the work).
    static MACS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn mac(secret: &str, t: i64, body: &[u8]) -> Hmac<Sha256> {
    #[cfg(test)]
    MACS.with(|n| n.set(n.get() + 1));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// A `Partnerlink-Signature` header read strictly: one `t`, one to `MAX_SIGNATURES` `v1`
/// values of 64 hex digits each, at most `MAX_HEADER_LEN` bytes. Parts of other schemes (a
/// future `v2`) are skipped, as Stripe's clients do, but count towards the length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    pub t: i64,
    signatures: Vec<[u8; 32]>,
}

impl SignatureHeader {
    pub fn parse(header: &str) -> Result<SignatureHeader, SignatureError> {
        if header.len() > MAX_HEADER_LEN {
            return Err(SignatureError::Bad);
        }
        let mut t = None;
        let mut signatures = Vec::new();
        for part in header.split(',') {
            let (key, value) = part.trim().split_once('=').ok_or(SignatureError::Bad)?;
            match key {
                "t" if t.is_none() => {
                    t = Some(value.parse::<i64>().map_err(|_| SignatureError::Bad)?)
                }
                // A second time: which one was signed?
                "t" => return Err(SignatureError::Bad),
                "v1" => {
                    if signatures.len() == MAX_SIGNATURES {
                        return Err(SignatureError::Bad);
                    }
                    let mut bytes = [0u8; 32];
                    hex::decode_to_slice(value, &mut bytes).map_err(|_| SignatureError::Bad)?;
                    signatures.push(bytes);
                }
                _ => {}
            }
        }
        let t = t.ok_or(SignatureError::Bad)?;
        if signatures.is_empty() {
            return Err(SignatureError::Bad);
        }
        Ok(SignatureHeader { t, signatures })
    }
}

/// A request whose signature matched: the signature (remembered, so a repeat is known) and the
/// secret that made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub signature: String,
    pub secret_id: SecretId,
}

/// Checks `header` against the secrets in force (see `SignatureHeader::verify`).
pub fn verify(
    header: Option<&str>,
    body: &[u8],
    secrets: &[(SecretId, String)],
    now: i64,
) -> Result<Verified, SignatureError> {
    SignatureHeader::parse(header.ok_or(SignatureError::Bad)?)?.verify(body, secrets, now)
}

impl SignatureHeader {
    /// Checks the header against the secrets in force and returns the matching signature
    /// (lower-case hex, the key the replay check remembers) with the secret that made it.
    ///
    /// The work does not depend on the header: one HMAC of the body per secret, each compared
    /// with every `v1` value in constant time. No secrets (a programme nobody has a secret
    /// for) costs one HMAC with a key nobody knows, as a programme with one secret does.
    pub fn verify(
        &self,
        body: &[u8],
        secrets: &[(SecretId, String)],
        now: i64,
    ) -> Result<Verified, SignatureError> {
        use hmac::digest::CtOutput;
        if secrets.is_empty() {
            let unknowable = crate::tokens::random_token();
            let _ = mac(&unknowable, self.t, body).finalize();
            return Err(SignatureError::Bad);
        }
        let mut matched = None;
        for (secret_id, secret) in secrets {
            let expected = mac(secret, self.t, body).finalize();
            for candidate in &self.signatures {
                // `CtOutput`'s equality takes the same time wherever the bytes differ.
                if expected == CtOutput::new((*candidate).into()) && matched.is_none() {
                    matched = Some((*secret_id, *candidate));
                }
            }
        }
        let (secret_id, candidate) = matched.ok_or(SignatureError::Bad)?;
        if now.abs_diff(self.t) > TOLERANCE_SECONDS.unsigned_abs() {
            return Err(SignatureError::Stale);
        }
        Ok(Verified {
            signature: hex::encode(candidate),
            secret_id,
        })
    }
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
    fn secrets(list: &[&str]) -> Vec<(SecretId, String)> {
        (1..)
            .map(SecretId)
            .zip(list.iter().map(|s| s.to_string()))
            .collect()
    }

    #[test]
    fn a_request_signed_with_a_secret_in_force_is_accepted() {
        let body = br#"{"order_ref":"AE-1001"}"#;
        let h = header("s3cret", NOW, body);
        assert_eq!(
            verify(Some(&h), body, &secrets(&["s3cret"]), NOW),
            Ok(Verified {
                signature: sign("s3cret", NOW, body),
                secret_id: SecretId(1)
            })
        );
        // Within five minutes either way.
        assert!(verify(Some(&h), body, &secrets(&["s3cret"]), NOW + 300).is_ok());
        assert!(verify(Some(&h), body, &secrets(&["s3cret"]), NOW - 300).is_ok());
        // By the old secret while it still works, alongside the new one.
        assert_eq!(
            verify(Some(&h), body, &secrets(&["new", "s3cret"]), NOW).map(|v| v.secret_id),
            Ok(SecretId(2)),
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

    /// How many HMACs of a body `f` computes on this thread.
    fn macs_of(f: impl FnOnce()) -> usize {
        let before = MACS.with(|n| n.get());
        f();
        MACS.with(|n| n.get()) - before
    }

    #[test]
    fn the_header_of_the_attack_is_refused_before_any_hmac() {
        // Issue 21: a 16 KiB body and 32,000 empty `v1=` (a 128 KB header).
        let body = vec![b'x'; 16 * 1024];
        let attack = format!("t={NOW},{}", "v1=,".repeat(32_000));
        let ours = secrets(&["s3cret", "older"]);
        let n = macs_of(|| {
            assert_eq!(SignatureHeader::parse(&attack), Err(SignatureError::Bad));
            assert_eq!(
                verify(Some(&attack), &body, &ours, NOW),
                Err(SignatureError::Bad)
            );
        });
        assert_eq!(n, 0, "refused by the parser, no HMAC computed");
        // Within the length limit: empty, short or long values, too many values, two times,
        // no time or no signature at all are refused as well, before any HMAC.
        let good = sign("s3cret", NOW, &body);
        for header in [
            format!("t={NOW},v1="),
            format!("t={NOW},v1=00"),
            format!("t={NOW},v1={good}00"),
            format!("t={NOW},v1={}", "zz".repeat(32)),
            format!("t={NOW},{}", format!("v1={good},").repeat(5)),
            format!("t={NOW},t={NOW},v1={good}"),
            format!("v1={good}"),
            format!("t={NOW}"),
            format!("t={NOW},v0={good}"),
            format!("t={NOW},v1={good},{}", "x".repeat(MAX_HEADER_LEN)),
        ] {
            let n = macs_of(|| {
                assert_eq!(
                    verify(Some(&header), &body, &ours, NOW),
                    Err(SignatureError::Bad),
                    "{header}"
                );
            });
            assert_eq!(n, 0, "{header}");
        }
        // Four values and another scheme's part are taken.
        let four = format!(
            "t={NOW},v0=abc,{}v1={good}",
            format!("v1={},", "00".repeat(32)).repeat(3)
        );
        assert!(four.len() <= MAX_HEADER_LEN);
        assert!(verify(Some(&four), &body, &ours, NOW).is_ok());
    }

    #[test]
    fn verifying_computes_one_hmac_per_secret_whatever_the_number_of_signatures() {
        let body = vec![b'x'; 16 * 1024];
        let wrong = "00".repeat(32);
        for count in 1..=MAX_SIGNATURES {
            let header = format!("t={NOW}{}", format!(",v1={wrong}").repeat(count));
            let parsed = SignatureHeader::parse(&header).unwrap();
            for list in [&["a"][..], &["a", "b"], &["a", "b", "c"]] {
                let n = macs_of(|| {
                    assert_eq!(
                        parsed.verify(&body, &secrets(list), NOW),
                        Err(SignatureError::Bad)
                    );
                });
                assert_eq!(n, list.len(), "{count} signatures, {} secrets", list.len());
            }
            // A programme without secrets (an unknown one) costs what one secret costs.
            let n = macs_of(|| {
                assert_eq!(parsed.verify(&body, &[], NOW), Err(SignatureError::Bad));
            });
            assert_eq!(n, 1);
        }
        // A match by the first of two secrets still computes the second: no early answer.
        let right = header("a", NOW, &body);
        let parsed = SignatureHeader::parse(&right).unwrap();
        let n = macs_of(|| {
            assert_eq!(
                parsed
                    .verify(&body, &secrets(&["a", "b"]), NOW)
                    .map(|v| v.secret_id),
                Ok(SecretId(1))
            );
        });
        assert_eq!(n, 2);
    }

    #[test]
    fn a_time_far_from_now_is_stale_not_an_overflow() {
        let body = b"{}";
        for t in [i64::MIN, i64::MAX, -1, 0] {
            let h = header("s3cret", t, body);
            assert_eq!(
                verify(Some(&h), body, &secrets(&["s3cret"]), NOW),
                Err(SignatureError::Stale),
                "{t}"
            );
        }
    }

    #[test]
    fn signatures_in_capitals_are_remembered_in_lower_case() {
        let body = b"{}";
        let sig = sign("s3cret", NOW, body);
        let upper = format!("t={NOW},v1={}", sig.to_ascii_uppercase());
        assert_eq!(
            verify(Some(&upper), body, &secrets(&["s3cret"]), NOW).map(|v| v.signature),
            Ok(sig)
        );
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
