//! Measures and objections (rules F.11 and G.12): account managers take measures against
//! participants, participants read them as notices and may object; every step is in the audit
//! log.

pub mod bans;
pub mod evidence;
pub mod links;
pub mod measures;
pub mod notices;
pub mod objectable;
pub mod objections;
pub mod proposal;
pub mod reinstatement;
pub mod routes;
pub mod states;
pub mod subjects;
pub mod telling;
pub mod upload;
