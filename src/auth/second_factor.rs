//! Two-factor login (issue 21 point 10; ASVS 5.0 V6.3.3, V6.5, V6.6): a time-based code (RFC 6238
//! with SHA-1, 6 digits and 30-second steps, which every authenticator app reads) and ten
//! single-use recovery codes. Account managers must have it; a publisher may turn it on.
//!
//! - The secret is stored encrypted (AES-256-GCM, its key derived from the portal's secret key,
//!   the account's id bound in as associated data): a dump of the database alone does not give
//!   it away, nor does moving a row to another account. It is shown only while enrolling.
//! - A code is accepted for the current step and one step either side (a phone's clock a little
//!   off, a code typed as the step turns), and only for a step later than the last one accepted:
//!   a code seen over someone's shoulder cannot be used again (RFC 6238 §5.2). The step is moved
//!   forward by a compare-and-set, so two requests with the same code cannot both pass.
//! - Recovery codes are kept as keyed hashes and used once, by the same kind of compare-and-set.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use diesel::prelude::*;
use hmac::{Hmac, Mac};
use rand::{Rng, RngCore};
use sha2::Sha256;
use totp_rs::{Algorithm, TOTP};

use crate::db::ids::AccountId;
use crate::db::schema::{recovery_codes, second_factors};
use crate::db::AnyConnection;

/// Digits of a code.
pub const DIGITS: usize = 6;
/// Seconds of a time step.
pub const STEP_SECONDS: u64 = 30;
/// Steps either side of the current one whose codes are still accepted.
pub const SKEW: u8 = 1;
/// Recovery codes made at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// The name authenticator apps show above the code.
pub const ISSUER: &str = "Partnerlink";

/// Bytes of a secret: 160 bits, the HMAC-SHA-1 key length RFC 4226 recommends.
const SECRET_BYTES: usize = 20;
/// Recovery codes are 12 characters of this alphabet (no 0/o, 1/i/l): about 59 bits each.
const RECOVERY_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
const RECOVERY_LENGTH: usize = 12;

/// A new random secret.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut secret);
    secret
}

fn totp(secret: &[u8], account_name: &str) -> TOTP {
    // The crate refuses a ':' in the label (it separates issuer and account); an address has none.
    TOTP::new_unchecked(
        Algorithm::SHA1,
        DIGITS,
        SKEW,
        STEP_SECONDS,
        secret.to_vec(),
        Some(ISSUER.to_owned()),
        account_name.replace(':', ""),
    )
}

/// The `otpauth://` address an authenticator app reads from the QR code.
pub fn otpauth_url(secret: &[u8], email: &str) -> String {
    totp(secret, email).get_url()
}

/// The secret as people type it into an app: base32 in groups of four.
pub fn secret_text(secret: &[u8]) -> String {
    let base32 = totp(secret, "").get_secret_base32();
    base32
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The code of `secret` for the step holding `unix_seconds` (for tests and the CLI's checks).
pub fn code_at(secret: &[u8], unix_seconds: u64) -> String {
    totp(secret, "").generate(unix_seconds)
}

/// The time step of `unix_seconds`.
pub fn step_of(unix_seconds: u64) -> i64 {
    (unix_seconds / STEP_SECONDS) as i64
}

pub fn now_seconds() -> u64 {
    chrono::Utc::now().timestamp().max(0) as u64
}

/// What a person typed, as a six-digit code: spaces (apps show "123 456") left out.
pub fn as_code(typed: &str) -> Option<String> {
    let code: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    (code.len() == DIGITS && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

/// The step among the current one and its neighbours whose code `code` is, if that step is later
/// than `last_step` (a code of an already used step is a replay).
pub fn matching_step(secret: &[u8], code: &str, unix_seconds: u64, last_step: i64) -> Option<i64> {
    let now = step_of(unix_seconds);
    let totp = totp(secret, "");
    let mut found = None;
    for step in now - i64::from(SKEW)..=now + i64::from(SKEW) {
        if step <= last_step || step < 0 {
            continue;
        }
        let expected = totp.generate(step as u64 * STEP_SECONDS);
        // Every step is compared, found or not: the time taken says nothing.
        if crate::tokens::constant_time_eq(&expected, code) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

fn derived_key(secret_key: &[u8], purpose: &[u8]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret_key).expect("HMAC takes any key length");
    mac.update(b"second factor ");
    mac.update(purpose);
    mac.finalize().into_bytes().into()
}

fn cipher(secret_key: &[u8]) -> Aes256Gcm {
    Aes256Gcm::new(&derived_key(secret_key, b"secret encryption").into())
}

/// The secret encrypted for `account_id`: hex of a random 96-bit nonce and the ciphertext.
pub fn seal(secret_key: &[u8], account_id: AccountId, secret: &[u8]) -> String {
    let mut nonce = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let aad = account_id.get().to_be_bytes();
    let sealed = cipher(secret_key)
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: secret,
                aad: &aad,
            },
        )
        .expect("AES-GCM encrypts any short message");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&sealed);
    hex::encode(out)
}

/// The secret `seal` made, or `None` when it was sealed with another key or for another account.
pub fn open(secret_key: &[u8], account_id: AccountId, sealed: &str) -> Option<Vec<u8>> {
    let bytes = hex::decode(sealed).ok()?;
    if bytes.len() < 12 {
        return None;
    }
    let (nonce, ciphertext) = bytes.split_at(12);
    let aad = account_id.get().to_be_bytes();
    cipher(secret_key)
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: &aad,
            },
        )
        .ok()
}

/// Ten new recovery codes, as shown: `abcd-efgh-jkmn`.
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::rngs::OsRng;
    (0..RECOVERY_CODES)
        .map(|_| {
            let raw: String = (0..RECOVERY_LENGTH)
                .map(|_| RECOVERY_ALPHABET[rng.gen_range(0..RECOVERY_ALPHABET.len())] as char)
                .collect();
            format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..12])
        })
        .collect()
}

/// A recovery code as typed, in the form that is hashed: lower case, without spaces and dashes.
pub fn normalize_recovery_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The keyed hash a recovery code is stored as (without the portal's key a dump of the hashes
/// cannot even be tried against guesses).
fn recovery_hash(secret_key: &[u8], code: &str) -> String {
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(&derived_key(secret_key, b"recovery codes"))
            .expect("HMAC takes any key length");
    mac.update(normalize_recovery_code(code).as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Whether the account has a second factor (kept with the accounts, which the extractors read).
pub use crate::accounts::has_second_factor as is_enabled;

/// What a login needs after the right password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needed {
    /// A code from the account's app (or a recovery code).
    Code,
    /// An account manager without a second factor: enrolment first, nothing else until then.
    Enrolment,
}

/// Whether `account`'s login needs a second step: every account with a second factor, and every
/// account manager (ASVS 5.0 V6.3.3: multi-factor for those who handle money and terminations).
pub fn needed(
    conn: &mut AnyConnection,
    account: &crate::accounts::Account,
) -> QueryResult<Option<Needed>> {
    if is_enabled(conn, account.id)? {
        Ok(Some(Needed::Code))
    } else if account.is_manager() {
        Ok(Some(Needed::Enrolment))
    } else {
        Ok(None)
    }
}

/// An enrolment under way: the secret to show, or the news that the account has one already.
pub enum Enrolment {
    Pending(Vec<u8>),
    AlreadyOn,
}

/// The secret an account is enrolling with: the one begun earlier (a reloaded page shows the
/// secret the app may have scanned already), or a new one.
pub fn begin(
    conn: &mut AnyConnection,
    secret_key: &[u8],
    account_id: AccountId,
) -> QueryResult<Enrolment> {
    crate::db::write_transaction(conn, |conn| {
        let row: Option<(String, Option<chrono::NaiveDateTime>)> = second_factors::table
            .find(account_id)
            .select((second_factors::secret, second_factors::enabled_at))
            .first(conn)
            .optional()?;
        match row {
            Some((_, Some(_))) => return Ok(Enrolment::AlreadyOn),
            Some((sealed, None)) => {
                if let Some(secret) = open(secret_key, account_id, &sealed) {
                    return Ok(Enrolment::Pending(secret));
                }
                // Sealed under an earlier key: begin anew.
                diesel::delete(second_factors::table.find(account_id)).execute(conn)?;
            }
            None => {}
        }
        let secret = new_secret();
        diesel::insert_into(second_factors::table)
            .values((
                second_factors::account_id.eq(account_id),
                second_factors::secret.eq(seal(secret_key, account_id, &secret)),
                second_factors::last_step.eq(0i64),
                second_factors::created_at.eq(crate::db::now()),
            ))
            .execute(conn)?;
        Ok(Enrolment::Pending(secret))
    })
}

/// Finishes an enrolment with a code from the app: turns the second factor on and returns the
/// ten recovery codes to show (once), or `None` when the code is not the secret's.
pub fn confirm(
    conn: &mut AnyConnection,
    secret_key: &[u8],
    account_id: AccountId,
    code: &str,
    unix_seconds: u64,
) -> QueryResult<Option<Vec<String>>> {
    let Some(code) = as_code(code) else {
        return Ok(None);
    };
    crate::db::write_transaction(conn, |conn| {
        let row: Option<String> = second_factors::table
            .find(account_id)
            .filter(second_factors::enabled_at.is_null())
            .select(second_factors::secret)
            .first(conn)
            .optional()?;
        let Some(secret) = row.and_then(|sealed| open(secret_key, account_id, &sealed)) else {
            return Ok(None);
        };
        let Some(step) = matching_step(&secret, &code, unix_seconds, 0) else {
            return Ok(None);
        };
        let turned_on = diesel::update(
            second_factors::table
                .find(account_id)
                .filter(second_factors::enabled_at.is_null()),
        )
        .set((
            second_factors::enabled_at.eq(Some(crate::db::now())),
            second_factors::last_step.eq(step),
        ))
        .execute(conn)?;
        if turned_on == 0 {
            return Ok(None);
        }
        Ok(Some(replace_recovery_codes(conn, secret_key, account_id)?))
    })
}

fn replace_recovery_codes(
    conn: &mut AnyConnection,
    secret_key: &[u8],
    account_id: AccountId,
) -> QueryResult<Vec<String>> {
    diesel::delete(recovery_codes::table.filter(recovery_codes::account_id.eq(account_id)))
        .execute(conn)?;
    let codes = new_recovery_codes();
    for code in &codes {
        diesel::insert_into(recovery_codes::table)
            .values((
                recovery_codes::account_id.eq(account_id),
                recovery_codes::code_hash.eq(recovery_hash(secret_key, code)),
            ))
            .execute(conn)?;
    }
    Ok(codes)
}

/// What a code typed at login turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// A code from the app, of a step not used before.
    Code,
    /// One of the recovery codes, now used up.
    RecoveryCode,
    /// Neither (a wrong code, a code already used, a recovery code used before).
    Refused,
}

/// Checks a code typed at login (or to turn the second factor off) and uses it up: a six-digit
/// code from the app, or else a recovery code.
pub fn check(
    conn: &mut AnyConnection,
    secret_key: &[u8],
    account_id: AccountId,
    typed: &str,
    unix_seconds: u64,
) -> QueryResult<Checked> {
    let row: Option<(String, i64)> = second_factors::table
        .find(account_id)
        .filter(second_factors::enabled_at.is_not_null())
        .select((second_factors::secret, second_factors::last_step))
        .first(conn)
        .optional()?;
    let Some((sealed, last_step)) = row else {
        return Ok(Checked::Refused);
    };
    if let Some(code) = as_code(typed) {
        let Some(secret) = open(secret_key, account_id, &sealed) else {
            tracing::error!(
                account_id = account_id.get(),
                "a second factor's secret cannot be read with this secret key"
            );
            return Ok(Checked::Refused);
        };
        let Some(step) = matching_step(&secret, &code, unix_seconds, last_step) else {
            return Ok(Checked::Refused);
        };
        // Compare-and-set: of two requests with the same code, one moves the step.
        let moved = diesel::update(
            second_factors::table
                .find(account_id)
                .filter(second_factors::last_step.lt(step)),
        )
        .set(second_factors::last_step.eq(step))
        .execute(conn)?;
        return Ok(if moved == 1 {
            Checked::Code
        } else {
            Checked::Refused
        });
    }
    let normalized = normalize_recovery_code(typed);
    if normalized.len() != RECOVERY_LENGTH {
        return Ok(Checked::Refused);
    }
    let used = diesel::update(
        recovery_codes::table
            .filter(recovery_codes::account_id.eq(account_id))
            .filter(recovery_codes::code_hash.eq(recovery_hash(secret_key, &normalized)))
            .filter(recovery_codes::used_at.is_null()),
    )
    .set(recovery_codes::used_at.eq(Some(crate::db::now())))
    .execute(conn)?;
    Ok(if used == 1 {
        Checked::RecoveryCode
    } else {
        Checked::Refused
    })
}

/// Recovery codes not used yet.
pub fn recovery_codes_left(conn: &mut AnyConnection, account_id: AccountId) -> QueryResult<i64> {
    recovery_codes::table
        .filter(recovery_codes::account_id.eq(account_id))
        .filter(recovery_codes::used_at.is_null())
        .count()
        .get_result(conn)
}

/// Removes the account's second factor and its recovery codes (turned off by a publisher, or
/// reset by an operator for a manager who lost both). Returns whether there was one.
pub fn remove(conn: &mut AnyConnection, account_id: AccountId) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        diesel::delete(recovery_codes::table.filter(recovery_codes::account_id.eq(account_id)))
            .execute(conn)?;
        let removed = diesel::delete(second_factors::table.find(account_id)).execute(conn)?;
        Ok(removed > 0)
    })
}

/// Turns a second factor on with a known secret, as a finished enrolment would (for the test
/// fixtures, which need managers who can log in). Returns the recovery codes.
pub fn enable_with(
    conn: &mut AnyConnection,
    secret_key: &[u8],
    account_id: AccountId,
    secret: &[u8],
) -> QueryResult<Vec<String>> {
    crate::db::write_transaction(conn, |conn| {
        diesel::delete(second_factors::table.find(account_id)).execute(conn)?;
        diesel::insert_into(second_factors::table)
            .values((
                second_factors::account_id.eq(account_id),
                second_factors::secret.eq(seal(secret_key, account_id, secret)),
                second_factors::last_step.eq(0i64),
                second_factors::enabled_at.eq(Some(crate::db::now())),
                second_factors::created_at.eq(crate::db::now()),
            ))
            .execute(conn)?;
        replace_recovery_codes(conn, secret_key, account_id)
    })
}

/// The secret of an account's second factor, read with the portal's key (for the test fixtures,
/// which compute codes as the account's app would).
pub fn secret_of(
    conn: &mut AnyConnection,
    secret_key: &[u8],
    account_id: AccountId,
) -> QueryResult<Option<Vec<u8>>> {
    let sealed: Option<String> = second_factors::table
        .find(account_id)
        .select(second_factors::secret)
        .first(conn)
        .optional()?;
    Ok(sealed.and_then(|s| open(secret_key, account_id, &s)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B's SHA-1 secret and its codes (the last six of its eight digits).
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_are_rfc_6238s() {
        assert_eq!(code_at(RFC_SECRET, 59), "287082");
        assert_eq!(code_at(RFC_SECRET, 1_111_111_109), "081804");
        assert_eq!(code_at(RFC_SECRET, 1_234_567_890), "005924");
        assert_eq!(code_at(RFC_SECRET, 2_000_000_000), "279037");
    }

    #[test]
    fn a_code_is_accepted_one_step_either_side_and_never_for_a_used_step() {
        let now = 1_234_567_890;
        let step = step_of(now);
        let code = |s: i64| code_at(RFC_SECRET, s as u64 * STEP_SECONDS);
        assert_eq!(matching_step(RFC_SECRET, &code(step), now, 0), Some(step));
        assert_eq!(
            matching_step(RFC_SECRET, &code(step - 1), now, 0),
            Some(step - 1)
        );
        assert_eq!(
            matching_step(RFC_SECRET, &code(step + 1), now, 0),
            Some(step + 1)
        );
        assert_eq!(matching_step(RFC_SECRET, &code(step - 2), now, 0), None);
        assert_eq!(matching_step(RFC_SECRET, &code(step + 2), now, 0), None);
        // The step itself or an earlier one was used: refused.
        assert_eq!(matching_step(RFC_SECRET, &code(step), now, step), None);
        assert_eq!(
            matching_step(RFC_SECRET, &code(step - 1), now, step - 1),
            None
        );
        assert_eq!(
            matching_step(RFC_SECRET, &code(step + 1), now, step),
            Some(step + 1)
        );
        assert_eq!(matching_step(RFC_SECRET, "000000", now, 0), None);
    }

    #[test]
    fn typed_codes_may_have_spaces_but_only_six_digits() {
        assert_eq!(as_code(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(as_code("12345"), None);
        assert_eq!(as_code("1234567"), None);
        assert_eq!(as_code("12345a"), None);
        assert_eq!(as_code("١٢٣٤٥٦"), None);
    }

    #[test]
    fn the_sealed_secret_opens_only_with_its_key_and_for_its_account() {
        let key = [7u8; 32];
        let secret = new_secret();
        let sealed = seal(&key, AccountId(42), &secret);
        assert!(!sealed.contains(&hex::encode(&secret)));
        assert_eq!(open(&key, AccountId(42), &sealed), Some(secret.clone()));
        assert_eq!(open(&[8u8; 32], AccountId(42), &sealed), None);
        assert_eq!(open(&key, AccountId(43), &sealed), None);
        assert_eq!(open(&key, AccountId(42), "zz"), None);
        // Two seals of one secret differ (a fresh nonce each time).
        assert_ne!(seal(&key, AccountId(42), &secret), sealed);
    }

    #[test]
    fn recovery_codes_are_ten_distinct_readable_codes() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(code.len(), 14, "{code}");
            assert_eq!(normalize_recovery_code(code).len(), RECOVERY_LENGTH);
        }
        let key = [1u8; 32];
        assert_eq!(
            recovery_hash(&key, "ABCD efgh-JKMN"),
            recovery_hash(&key, "abcd-efgh-jkmn")
        );
        assert_ne!(
            recovery_hash(&key, "abcd-efgh-jkmn"),
            recovery_hash(&[2u8; 32], "abcd-efgh-jkmn")
        );
    }

    #[test]
    fn the_app_reads_sha1_six_digits_thirty_seconds() {
        let url = otpauth_url(RFC_SECRET, "anna@example.nl");
        assert!(
            url.starts_with("otpauth://totp/Partnerlink:anna%40example.nl?secret="),
            "{url}"
        );
        assert!(url.contains("issuer=Partnerlink"), "{url}");
        assert_eq!(
            secret_text(RFC_SECRET),
            "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
        );
    }
}
