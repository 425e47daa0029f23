//! Passwords: the length rule at construction, argon2id for storage.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

pub const MIN_CHARS: usize = 12;

static COMMON: std::sync::LazyLock<std::collections::HashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        include_str!("common-passwords.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect()
    });
pub const MAX_CHARS: usize = 128;

/// A password that meets the rules. Never logged: `Debug` hides it.
#[derive(Clone)]
pub struct Password(String);

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[derive(Debug, Clone, Copy, thiserror::Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("a password has at least 12 characters")]
    TooShort,
    #[error("a password has at most 128 characters")]
    TooLong,
    #[error("this password is too common")]
    Common,
    #[error("a password may not contain the e-mail address")]
    ContainsEmail,
}

impl PasswordError {
    pub fn message_key(self) -> &'static str {
        match self {
            PasswordError::TooShort => "error-password-too-short",
            PasswordError::TooLong => "error-password-too-long",
            PasswordError::Common => "error-password-common",
            PasswordError::ContainsEmail => "error-password-contains-email",
        }
    }
}

impl Password {
    /// Any characters are allowed; only the length (in characters, not bytes) is checked here.
    pub fn parse(input: &str) -> Result<Password, PasswordError> {
        let chars = input.chars().count();
        if chars < MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        Ok(Password(input.to_owned()))
    }

    /// The full policy for an account's password: the length, not in the list of common
    /// passwords shipped with the portal, and not containing the e-mail address's local part.
    pub fn parse_for(
        input: &str,
        email: &crate::domain::EmailAddress,
    ) -> Result<Password, PasswordError> {
        let password = Password::parse(input)?;
        let lower = input.to_lowercase();
        if COMMON.contains(lower.as_str()) {
            return Err(PasswordError::Common);
        }
        let local = email.local_part();
        if local.chars().count() >= 3 && lower.contains(local) {
            return Err(PasswordError::ContainsEmail);
        }
        Ok(password)
    }

    /// The hash of a random password nobody knows: for an account that chooses its own with
    /// a mailed link. Costs what `hash` costs.
    pub fn random_hash() -> String {
        use rand::RngCore;
        let mut bytes = [0u8; 24];
        rand::thread_rng().fill_bytes(&mut bytes);
        Password(hex::encode(bytes)).hash()
    }

    /// An argon2id PHC string with the OWASP parameters (m = 19 MiB, t = 2, p = 1) and a random
    /// salt. Costs ~15 ms: call it off the async workers.
    pub fn hash(&self) -> String {
        let salt = SaltString::generate(&mut OsRng);
        one_at_a_core(|| {
            Argon2::default()
                .hash_password(self.0.as_bytes(), &salt)
                .map(|h| h.to_string())
                // Only fails for parameters or salts out of range, which these are not.
                .unwrap_or_default()
        })
    }
}

/// Whether `candidate` matches the stored PHC string; a malformed hash never matches.
pub fn verify(candidate: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => one_at_a_core(|| {
            Argon2::default()
                .verify_password(candidate.as_bytes(), &parsed)
                .is_ok()
        }),
        Err(_) => false,
    }
}

/// How many argon2 computations run at once: one per core. Each holds 19 MiB while it runs;
/// without a bound, a flood of login or signup posts ran one on every blocking thread (up to
/// 256) and the memory they had held stayed with the process (492 MB after 15,000 scanner
/// requests, `bench/scan_memory.sh`). Beyond the bound they wait their turn.
static HASHING: std::sync::LazyLock<Gate> = std::sync::LazyLock::new(|| {
    Gate::new(std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
});

fn one_at_a_core<T>(f: impl FnOnce() -> T) -> T {
    let _turn = HASHING.enter();
    f()
}

/// A counting semaphore for blocking threads.
struct Gate {
    limit: usize,
    running: std::sync::Mutex<usize>,
    free: std::sync::Condvar,
}

/// A place taken in a `Gate`, given back when dropped.
struct Turn<'a>(&'a Gate);

impl Gate {
    fn new(limit: usize) -> Gate {
        Gate {
            limit: limit.max(1),
            running: std::sync::Mutex::new(0),
            free: std::sync::Condvar::new(),
        }
    }

    fn enter(&self) -> Turn<'_> {
        let mut running = self
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        while *running >= self.limit {
            running = self
                .free
                .wait(running)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        *running += 1;
        Turn(self)
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut running = self
            .0
            .running
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *running -= 1;
        self.0.free.notify_one();
    }
}

#[cfg(test)]
mod gate_tests {
    use super::Gate;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// However the threads are scheduled, never more than the limit are inside at once, and
    /// everyone gets in.
    #[test]
    fn a_gate_lets_in_at_most_its_limit() {
        let gate = Gate::new(2);
        let (inside, most, done) = (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        );
        std::thread::scope(|scope| {
            for _ in 0..8 {
                scope.spawn(|| {
                    for _ in 0..50 {
                        let _turn = gate.enter();
                        let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::yield_now();
                        inside.fetch_sub(1, Ordering::SeqCst);
                        done.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        assert!(most.load(Ordering::SeqCst) <= 2);
        assert_eq!(done.load(Ordering::SeqCst), 400);
        assert_eq!(*gate.running.lock().unwrap(), 0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_is_counted_in_characters() {
        assert_eq!(
            Password::parse("short").unwrap_err(),
            PasswordError::TooShort
        );
        assert!(Password::parse("ééééééééééé").is_err()); // 11 characters, 22 bytes
        assert!(Password::parse("éééééééééééé").is_ok());
        assert_eq!(
            Password::parse(&"x".repeat(129)).unwrap_err(),
            PasswordError::TooLong
        );
    }

    #[test]
    fn each_error_has_its_own_message_in_both_languages() {
        let errors = [
            PasswordError::TooShort,
            PasswordError::TooLong,
            PasswordError::Common,
            PasswordError::ContainsEmail,
        ];
        let keys: Vec<&str> = errors.iter().map(|e| e.message_key()).collect();
        assert_eq!(
            keys,
            [
                "error-password-too-short",
                "error-password-too-long",
                "error-password-common",
                "error-password-contains-email"
            ]
        );
        crate::i18n::assert_distinct_messages(&keys);
    }

    #[test]
    fn twelve_to_128_characters() {
        assert_eq!(
            Password::parse(&"k".repeat(11)).unwrap_err(),
            PasswordError::TooShort
        );
        assert!(Password::parse(&"k".repeat(12)).is_ok());
        assert!(Password::parse(&"k".repeat(128)).is_ok());
        // 128 characters of two bytes each: still 128 characters.
        assert!(Password::parse(&"é".repeat(128)).is_ok());
        assert_eq!(
            Password::parse(&"é".repeat(129)).unwrap_err(),
            PasswordError::TooLong
        );
        assert_eq!((MIN_CHARS, MAX_CHARS), (12, 128));
    }

    #[test]
    fn policy_refuses_common_passwords_and_the_address() {
        let email = crate::domain::EmailAddress::parse("jansen@example.nl").unwrap();
        assert_eq!(
            Password::parse_for("Password1234", &email).unwrap_err(),
            PasswordError::Common
        );
        assert_eq!(
            Password::parse_for("my name is JANSEN really", &email).unwrap_err(),
            PasswordError::ContainsEmail
        );
        assert!(Password::parse_for("paars konijn op de fiets", &email).is_ok());
        // The common list is read case-blind.
        assert_eq!(
            Password::parse_for("PASSWORD1234", &email).unwrap_err(),
            PasswordError::Common
        );
        // A local part of three characters counts; of two, it is too common a string to refuse.
        let jan = crate::domain::EmailAddress::parse("jan@example.nl").unwrap();
        assert_eq!(
            Password::parse_for("mijn naam is jan, echt waar", &jan).unwrap_err(),
            PasswordError::ContainsEmail
        );
        let jo = crate::domain::EmailAddress::parse("jo@example.nl").unwrap();
        assert!(Password::parse_for("joggen in het bos elke dag", &jo).is_ok());
        // Too short is said before too common.
        assert_eq!(
            Password::parse_for("password", &email).unwrap_err(),
            PasswordError::TooShort
        );
    }

    #[test]
    fn hashes_with_argon2id_and_verifies() {
        let p = Password::parse("correct horse battery").unwrap();
        let phc = p.hash();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify("correct horse battery", &phc));
        assert!(!verify("correct horse batterY", &phc));
        assert!(!verify("anything", "not a hash"));
        assert_eq!(format!("{p:?}"), "Password(***)");
    }
}
