//! Keyed hashes of visitors' addresses: the click log and the record of where participants log
//! in from keep these, never the address, and the same address hashes alike in both, which is
//! what the self-purchase check (rule E.10.j) compares.

use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct IpHasher {
    salt: [u8; 32],
}

impl IpHasher {
    /// The salt is derived from the secret key, so every instance hashes an address alike and
    /// the hashes cannot be reversed by trying all addresses without the key.
    pub fn new(secret_key: &[u8]) -> IpHasher {
        let mut hasher = Sha256::new();
        hasher.update(b"portal click ip salt\0");
        hasher.update(secret_key);
        IpHasher {
            salt: hasher.finalize().into(),
        }
    }

    /// 16 bytes of a keyed SHA-256 of the address.
    pub fn hash(&self, ip: Option<std::net::IpAddr>) -> [u8; 16] {
        let mut hasher = Sha256::new();
        hasher.update(self.salt);
        match ip {
            Some(std::net::IpAddr::V4(v4)) => hasher.update(v4.octets()),
            Some(std::net::IpAddr::V6(v6)) => hasher.update(v6.octets()),
            None => hasher.update(b"unknown"),
        }
        let digest = hasher.finalize();
        let mut hash = [0u8; 16];
        hash.copy_from_slice(&digest[..16]);
        hash
    }
}
