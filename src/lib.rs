//! The publisher portal of an affiliate network.

pub mod accounts;
pub mod admin;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod channels;
pub mod client_ip;
pub mod config;
pub mod db;
pub mod domain;
pub mod enforcement;
pub mod forms;
pub mod i18n;
pub mod ip_hash;
pub mod ledger;
pub mod mail;
pub mod manage;
pub mod participants;
pub mod programme;
pub mod signup;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod tokens;
pub mod tracking;
pub mod web;
