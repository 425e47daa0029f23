//! The integration tests: one binary, each file a module (`cargo test --test it objections::`
//! runs one). `common` starts the real app on port 0 against a fresh database per test.

mod common;

mod admin;
mod administration;
mod append_only;
mod attribution;
mod auth;
mod bank;
mod commissions;
mod concurrency;
mod conversions;
mod corpus;
mod csv;
mod database;
mod deadlines;
mod decisions;
mod e2e;
mod enforcement;
mod explained;
mod holidays;
mod import;
mod instances;
mod ledger_properties;
mod limits;
mod lists;
mod logging;
mod manage_money;
mod nul;
mod numbers;
mod objections;
mod outage;
mod pages;
mod payouts;
mod policies;
mod properties;
mod retention;
mod roles;
mod rules_versions;
mod second_factor;
mod security;
mod shutdown;
mod signup;
mod tracking;
mod uploads;
