//! Logging in and out, the session store, one-time links and rate limits.

pub mod account_tokens;
pub mod mailed_links;
pub mod rate_limit;
pub mod session_store;

pub mod routes;
