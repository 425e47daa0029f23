//! The keyed links by which a participant who cannot log in objects: a terminated one (its
//! measure) and a banned one (the ban, F.11.g). Each key is an HMAC of what the link is for.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::subjects::Subject;
use crate::db::ids::MeasureId;
use crate::i18n::Lang;

/// The HMAC of `what` under the portal's secret: the one way every objection link is keyed.
fn mac_of(secret_key: &[u8], what: &str) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key).expect("HMAC takes any key length");
    mac.update(what.as_bytes());
    mac
}

/// A link's key: the first 16 bytes of the HMAC, in hex.
fn key_of(mac: Hmac<Sha256>) -> String {
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// Whether `key` is that key, compared in constant time.
fn verifies(mac: Hmac<Sha256>, key: &str) -> bool {
    match hex::decode(key) {
        Ok(bytes) if bytes.len() == 16 => mac.verify_truncated_left(&bytes).is_ok(),
        _ => false,
    }
}

fn measure_mac(secret_key: &[u8], measure_id: MeasureId) -> Hmac<Sha256> {
    mac_of(secret_key, &format!("objection link {measure_id}"))
}

fn action_mac(secret_key: &[u8], subject: Subject) -> Hmac<Sha256> {
    mac_of(
        secret_key,
        &format!("objection link {} {}", subject.kind.as_str(), subject.id),
    )
}

/// The key in a termination mail's objection link: an HMAC of the measure's number, so the
/// link works for that measure only and cannot be guessed.
pub fn objection_key(secret_key: &[u8], measure_id: MeasureId) -> String {
    key_of(measure_mac(secret_key, measure_id))
}

pub fn key_matches(secret_key: &[u8], measure_id: MeasureId, key: &str) -> bool {
    verifies(measure_mac(secret_key, measure_id), key)
}

/// The key in the objection link of an action whose participant cannot log in (a registration
/// ban): an HMAC of its kind and number, so the link works for that action only.
pub fn action_objection_key(secret_key: &[u8], subject: Subject) -> String {
    key_of(action_mac(secret_key, subject))
}

/// The path of that link: `/{lang}/objection/ban/{id}/{key}`.
pub fn action_objection_path(secret_key: &[u8], lang: Lang, subject: Subject) -> String {
    format!(
        "/{}/objection/{}/{}/{}",
        lang.code(),
        subject.kind.as_str(),
        subject.id,
        action_objection_key(secret_key, subject)
    )
}

/// Whether `key` is the key of the objection link of `subject`, compared in constant time.
pub fn action_key_matches(secret_key: &[u8], subject: Subject, key: &str) -> bool {
    verifies(action_mac(secret_key, subject), key)
}
