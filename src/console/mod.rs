//! The console: everything an account manager (and an administrator) does under
//! `/{lang}/manage…`. Handlers live in `routes/`, one file per area of the console
//! (`/manage/participants…` → `routes/participants.rs`); the queries only the console reads sit
//! beside them here (`participants.rs`, `managers.rs`); the rules both sides use stay in their
//! features (`enforcement/`, `ledger/`, `programme/`, `audit/`), and no console module imports a
//! participant-facing routes file. Templates: `templates/console/`.

pub mod audit;
pub mod conversions;
pub mod filters;
pub mod handler;
pub mod managers;
pub mod page;
pub mod participants;
pub mod payouts;
pub mod programme;
pub mod review;
pub mod routes;

pub use routes::configure;
