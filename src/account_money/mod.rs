//! The participant's money pages: the Commissions tab (overview, conversions, ledger and their
//! CSV files) and the bank details. The figures come from `ledger` (its rules and queries), the
//! "Object" links beside rejected or reversed commissions from `enforcement::objectable`; this
//! feature sits above both, as the console does on the managers' side. The bank details' flow —
//! the form read, the password asked again, the change saved with its audit line — is `bank`;
//! `routes` reads the requests and renders.

pub mod bank;
pub mod routes;
