//! The console's handlers, one file per area; a URL `/{lang}/manage/X…` is handled in `X.rs`
//! (`/manage` itself, the review queue, in `home.rs`), and its template is
//! `templates/console/X.html`.

pub mod audit;
pub mod bans;
pub mod brands;
pub mod conversions;
pub mod holidays;
pub mod home;
pub mod managers;
pub mod objections;
pub mod participants;
pub mod payouts;
pub mod programme;
pub mod rules;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    // The order the routes had before they were one console (actix tries them in turn).
    cfg.configure(conversions::configure)
        .configure(payouts::configure)
        .configure(objections::configure)
        .configure(participants::configure)
        .configure(audit::configure)
        .configure(managers::configure)
        .configure(holidays::configure)
        .configure(programme::configure)
        .configure(rules::configure)
        .configure(bans::configure)
        .configure(brands::configure)
        .configure(home::configure);
}
