//! Programmes: the public programme page, its commission table and policies, and its rules.

pub mod queries;
pub mod routes;
pub mod seed;

pub use queries::{CommissionLine, ProgrammeView, RuleClause, RuleSection, RulesView};
