//! CSV downloads: what every export shares.

use actix_web::http::header;
use actix_web::HttpResponse;

use super::AppError;
use crate::i18n::Lang;

/// `rows` as a CSV download named `{name}.csv`. A Dutch spreadsheet reads `;` as the separator
/// when the decimal comma is in use, so Dutch files use `;`.
pub fn download(lang: Lang, name: &str, rows: Vec<Vec<String>>) -> Result<HttpResponse, AppError> {
    let delimiter = match lang {
        Lang::Nl => b';',
        Lang::En => b',',
    };
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(Vec::new());
    for row in rows {
        writer
            .write_record(&row)
            .map_err(|e| AppError::Other(e.into()))?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::Other(anyhow::anyhow!("csv: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.csv\""),
        ))
        .body(body))
}

/// A spreadsheet cell that could start a formula is prefixed with `'` (CSV injection).
pub fn safe_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_defused() {
        // Every character a spreadsheet starts a formula with (OWASP's list).
        for cell in [
            "=HYPERLINK(1)",
            "+31 6 1234",
            "-x",
            "@SUM(A1)",
            "\tx",
            "\rx",
        ] {
            assert_eq!(safe_cell(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in [
            "Koopjes",
            "",
            "a=b",
            "x+y",
            "mail@example.org",
            "'quoted",
            "3.5",
        ] {
            assert_eq!(safe_cell(cell), cell, "{cell:?}");
        }
    }
}
