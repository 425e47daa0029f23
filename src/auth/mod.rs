//! Logging in and out (with a second factor), the session store, one-time links and rate limits.

pub mod account_tokens;
pub mod login;
pub mod mailed_links;
pub mod second_factor;
pub mod session_store;

pub mod routes;
pub mod second_factor_routes;
