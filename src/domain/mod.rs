//! Rules and value types with no I/O; each validates on construction.

pub mod brand;
pub mod deeplink;
pub mod email;
pub mod iban;
pub mod money;
pub mod participant;
pub mod password;
pub mod rate;
pub mod sepa;
pub mod text;
pub mod website;

pub use email::EmailAddress;
pub use iban::Iban;
pub use money::{Currency, Money};
pub use password::Password;
pub use rate::Rate;
pub use website::WebsiteUrl;

/// The programme the account pages are about (the portal's first and only one today).
pub const ACCOUNT_PROGRAMME: &str = "aliexpress";
