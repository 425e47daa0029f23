//! A small form with one file (the CSV imports of conversions and holidays): its CSRF token and
//! the file, read into memory up to a limit. Only an administrator or manager reaches such a form,
//! and the server's request limits bound what is read past the limit.

use futures_util::StreamExt;

use super::AppError;

/// The `csrf_token` and `file` fields of `multipart`; the file is `None` when it is longer than
/// `limit` bytes (what comes past it is read and dropped, so the answer can still be a page).
pub async fn read(
    mut multipart: actix_multipart::Multipart,
    limit: usize,
) -> Result<(String, Option<Vec<u8>>), AppError> {
    let mut token = String::new();
    let mut file = Vec::new();
    let mut too_large = false;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|_| AppError::BadRequest)?;
        let name = field.name().unwrap_or("").to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| AppError::BadRequest)?;
            if bytes.len() + chunk.len() > limit + 1 {
                too_large = true;
                continue;
            }
            bytes.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "csrf_token" => token = String::from_utf8_lossy(&bytes).into_owned(),
            "file" => file = bytes,
            _ => {}
        }
    }
    Ok((token, (!too_large).then_some(file)))
}
