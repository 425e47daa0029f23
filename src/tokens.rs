//! Random tokens for links and sessions: 256 bits from the OS, stored only as SHA-256 hashes.

use rand::RngCore;
use sha2::{Digest, Sha256};

/// 32 random bytes as 64 hex characters.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A token as it may arrive in a URL: exactly 64 lower-case hex characters.
pub fn looks_like_token(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_random_bits() {
        let tokens: Vec<String> = (0..200).map(|_| random_token()).collect();
        for t in &tokens {
            assert_eq!(t.len(), 64);
            assert!(looks_like_token(t), "{t}");
        }
        let distinct: std::collections::HashSet<&String> = tokens.iter().collect();
        assert_eq!(distinct.len(), tokens.len());
        // Every hex position takes many values over 200 tokens (a fixed or counting part
        // would not): random bits all the way.
        for position in 0..64 {
            let seen: std::collections::HashSet<u8> =
                tokens.iter().map(|t| t.as_bytes()[position]).collect();
            assert!(seen.len() >= 8, "position {position}: {seen:?}");
        }
    }

    #[test]
    fn the_stored_hash_is_sha256_in_hex() {
        // FIPS 180-2's test vector.
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let token = random_token();
        assert_eq!(sha256_hex(&token), sha256_hex(&token));
        assert_ne!(sha256_hex(&token), token);
        assert!(looks_like_token(&sha256_hex(&token)));
    }

    #[test]
    fn comparison_and_shape() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
        assert!(!looks_like_token("../../etc/passwd"));
        assert!(!looks_like_token(&"A".repeat(64)));
    }
}
