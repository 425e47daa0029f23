//! What every page shares: the page context and rendering (`ctx.rs`), the error type that handlers
//! return and the localized error pages (`error.rs`), the middlewares of every request
//! (`middleware.rs`), a connection on the blocking pool (`conn.rs`); the extractors, the session,
//! CSRF, CSV files and charts beside them.

pub mod chart;
pub mod conn;
pub mod csrf;
pub mod csv;
pub mod ctx;
pub mod error;
pub mod extract;
pub mod file_form;
pub mod limiter;
pub mod middleware;
pub mod session;

pub use conn::with_conn;
pub use ctx::{preferred_lang, render, render_form, render_status, see_other, Ctx, NoticeQuery};
pub use error::{error_page, not_found, AppError};
pub use middleware::{access_log, database_outage, redacted_path, refuse_nul};
