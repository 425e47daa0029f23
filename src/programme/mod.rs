//! Programmes: the public programme page, its commission table and policies, and its rules.

pub mod cache;
pub mod free_text;
pub mod policy;
pub mod queries;
pub mod routes;
pub mod seed;
pub mod versions;

pub use queries::{ProgrammeView, RateLine, RuleClause, RuleSection, RulesView};

use actix_web::web;

use crate::state::AppState;
use crate::web::{with_conn, AppError};

pub use crate::domain::ACCOUNT_PROGRAMME;

/// The id of the programme a participant's pages and the console are about: the portal has one
/// today, the first (the seeded `ACCOUNT_PROGRAMME`). Before the seed ran, 0, which no row has,
/// so every query about it finds nothing. The one place that says which programme that is.
pub fn current(
    conn: &mut crate::db::AnyConnection,
) -> diesel::QueryResult<crate::db::ids::ProgrammeId> {
    Ok(queries::first_programme_id(conn)?.unwrap_or_default())
}

/// A text of the programme's own pages (a paragraph, a note, a clause of the rules) of at most
/// `max` characters, with what the administrator's forms say when it is empty or too long.
pub const fn text_field(max: usize) -> crate::forms::TextField {
    crate::forms::TextField {
        max,
        empty: "error-programme-text-required",
        too_long: "error-programme-text-too-long",
    }
}

/// The programme of the account pages (channels, links, statistics).
pub async fn account_programme(
    state: &web::Data<AppState>,
) -> Result<queries::Programme, AppError> {
    with_conn(state, |conn| {
        Ok(queries::find_programme(conn, ACCOUNT_PROGRAMME)?)
    })
    .await?
    .ok_or(AppError::NotFound)
}
