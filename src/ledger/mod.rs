//! Money: conversions reported by the advertiser (the API and the import), the commissions they
//! earn and when those become final, the append-only ledger per participant, and payouts.

pub mod api;
pub mod commissions;
pub mod conversions;
pub mod decide;
pub mod earnings;
pub mod entries;
pub mod import;
pub mod intake;
pub mod locking;
pub mod pain001;
pub mod payouts;
pub mod queries;
pub mod report;
pub mod secrets;
pub mod signature;
pub mod states;
pub mod words;
