//! Static files, compiled into the binary and served under content-hashed names
//! (`/static/style.3f2a9c01d4.css`) so browsers may cache them for a year.

use std::sync::LazyLock;

use actix_web::{http::header, web, HttpResponse};
use sha2::{Digest, Sha256};

pub struct Asset {
    pub name: &'static str,
    pub hashed_name: String,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "style.css",
        "text/css; charset=utf-8",
        include_bytes!("../static/style.css"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../static/favicon.svg"),
    ),
];

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(name, content_type, bytes)| {
            let digest = hex::encode(Sha256::digest(bytes));
            let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
            Asset {
                name,
                hashed_name: format!("{stem}.{}.{ext}", &digest[..10]),
                content_type,
                bytes,
            }
        })
        .collect()
});

/// The public URL of a static file, by its plain name.
pub fn url(name: &str) -> String {
    ASSETS
        .iter()
        .find(|a| a.name == name)
        .map(|a| format!("/static/{}", a.hashed_name))
        .unwrap_or_else(|| format!("/static/{name}"))
}

pub async fn serve(path: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|a| a.hashed_name == *path) {
        Some(asset) => HttpResponse::Ok()
            .content_type(asset.content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
            .body(asset.bytes),
        None => HttpResponse::NotFound().finish(),
    }
}

/// Browsers ask for `/favicon.ico` on their own; point them at the real icon.
pub async fn favicon() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, url("favicon.svg")))
        .finish()
}
