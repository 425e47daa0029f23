//! The three-step signup (`/{lang}/signup`, `/channel`, `/account`), activation by e-mail and
//! "send the link again".

pub mod draft;
pub mod registration;
pub mod routes;
