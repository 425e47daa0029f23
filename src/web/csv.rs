//! CSV downloads: what every export shares.
//!
//! A cell is text or a number, and the two are written differently:
//! - text (names, references, reasons, headings) is always quoted, and defused where a
//!   spreadsheet would run it as a formula: at its start, and after every character that some
//!   spreadsheet splits cells or lines on (`,` `;` tab, line breaks). A file is opened in
//!   whatever locale the reader's spreadsheet has: the English `,` file in a Dutch `;` locale
//!   splits `INV-2;=1+1` and runs `=1+1` unless it is defused, quoted or not;
//! - numbers and dates the portal formatted itself are written as they are, so that spreadsheets
//!   read them as numbers: `-3.50` is an amount, not a formula.

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::HttpResponse;

use super::AppError;
use crate::i18n::Lang;

/// One cell of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Words: quoted and defused.
    Text(String),
    /// A number or a date formatted by the portal (`-3,50`, `2026-11-29 14:03`, `17`). Anything
    /// else given as a number is written as text.
    Number(String),
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    pub fn number(value: impl ToString) -> Cell {
        Cell::Number(value.to_string())
    }
}

/// The characters a spreadsheet starts a formula with (OWASP's list).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The characters after which some spreadsheet starts a new cell or line: both locales'
/// separators, tab, and line breaks (for a reader that does not honour quotes).
const CELL_BREAKS: [char; 5] = [',', ';', '\t', '\n', '\r'];

/// `text` with a `'` before every place a spreadsheet could start a formula: the cell's start
/// and every start of a cell it could be split into. Spaces before such a character count (a
/// spreadsheet may trim them).
pub fn defuse(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    let mut at_start = true;
    for c in text.chars() {
        if at_start && FORMULA_START.contains(&c) {
            out.push('\'');
        }
        out.push(c);
        if CELL_BREAKS.contains(&c) {
            at_start = true;
        } else if c != ' ' {
            at_start = false;
        }
    }
    out
}

/// A number as the portal writes it: digits with an optional leading minus, and `.` `,` `:`
/// `-` `/` or spaces between them (decimals, dates, times). Nothing a spreadsheet could run.
fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    digits.starts_with(|c: char| c.is_ascii_digit())
        && digits.ends_with(|c: char| c.is_ascii_digit())
        && digits
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ':' | '-' | '/' | ' '))
}

/// The files of one language: Dutch spreadsheets read `;` as the separator when the decimal
/// comma is in use, so Dutch files use `;`.
#[derive(Debug, Clone, Copy)]
pub struct Format {
    separator: char,
}

impl Format {
    pub fn of(lang: Lang) -> Format {
        Format {
            separator: match lang {
                Lang::Nl => ';',
                Lang::En => ',',
            },
        }
    }

    fn push_cell(self, cell: &Cell, out: &mut String) {
        match cell {
            Cell::Number(n) if is_plain_number(n) && !n.contains(self.separator) => {
                out.push_str(n);
            }
            Cell::Number(text) | Cell::Text(text) => {
                out.push('"');
                out.push_str(&defuse(text).replace('"', "\"\""));
                out.push('"');
            }
        }
    }

    /// One line of the file, with its line break.
    pub fn push_line(self, row: &[Cell], out: &mut String) {
        for (i, cell) in row.iter().enumerate() {
            if i > 0 {
                out.push(self.separator);
            }
            self.push_cell(cell, out);
        }
        out.push('\n');
    }

    /// `rows` as the lines of a file.
    pub fn lines<R: AsRef<[Cell]>>(self, rows: impl IntoIterator<Item = R>) -> Bytes {
        let mut out = String::new();
        for row in rows {
            self.push_line(row.as_ref(), &mut out);
        }
        Bytes::from(out)
    }
}

/// The headers of a CSV download named `{name}.csv`.
pub fn response(name: &str) -> actix_web::HttpResponseBuilder {
    let mut builder = HttpResponse::Ok();
    builder
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.csv\""),
        ));
    builder
}

/// `rows` as a CSV download named `{name}.csv`, in `lang`'s format.
pub fn download(lang: Lang, name: &str, rows: Vec<Vec<Cell>>) -> Result<HttpResponse, AppError> {
    Ok(response(name).body(Format::of(lang).lines(rows)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(lang: Lang, row: &[Cell]) -> String {
        let mut out = String::new();
        Format::of(lang).push_line(row, &mut out);
        out
    }

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
            assert_eq!(defuse(cell), format!("'{cell}"), "{cell:?}");
        }
        for cell in [
            "Koopjes",
            "",
            "a=b",
            "x+y",
            "INV-2",
            "mail@example.org",
            "'quoted",
            "3.5",
        ] {
            assert_eq!(defuse(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn a_formula_after_any_separator_inside_a_cell_is_defused() {
        assert_eq!(defuse("INV-2;=1+1"), "INV-2;'=1+1");
        assert_eq!(defuse("INV-2,=1+1"), "INV-2,'=1+1");
        assert_eq!(defuse("INV-2; =1+1"), "INV-2; '=1+1");
        assert_eq!(defuse("a\n@SUM(A1)"), "a\n'@SUM(A1)");
        assert_eq!(defuse("a\r\n+1"), "a\r\n'+1");
        assert_eq!(defuse("a\t-1"), "a\t'-1");
        assert_eq!(defuse("  =1"), "  '=1");
        assert_eq!(defuse("x;y, z"), "x;y, z");
    }

    #[test]
    fn text_is_quoted_and_numbers_are_not() {
        let row = [
            Cell::text("INV-2;=1+1"),
            Cell::number("-3.50"),
            Cell::number(17),
            Cell::number("2026-11-29 14:03"),
            Cell::text("Zeg \"ja\""),
            Cell::text(""),
        ];
        assert_eq!(
            line(Lang::En, &row),
            "\"INV-2;'=1+1\",-3.50,17,2026-11-29 14:03,\"Zeg \"\"ja\"\"\",\"\"\n"
        );
        let row = [Cell::text("INV-2,=1+1"), Cell::number("-3,50")];
        assert_eq!(line(Lang::Nl, &row), "\"INV-2,'=1+1\";-3,50\n");
    }

    #[test]
    fn a_number_that_is_no_plain_number_is_written_as_text() {
        // A comma in an English file would split the cell; a "number" with letters is text.
        assert_eq!(
            line(Lang::En, &[Cell::number("1,234.50")]),
            "\"1,234.50\"\n"
        );
        assert_eq!(line(Lang::En, &[Cell::number("-1+1")]), "\"'-1+1\"\n");
        assert_eq!(line(Lang::En, &[Cell::number("=1")]), "\"'=1\"\n");
        assert_eq!(line(Lang::En, &[Cell::number("-")]), "\"'-\"\n");
        assert_eq!(line(Lang::En, &[Cell::number("")]), "\"\"\n");
        assert_eq!(line(Lang::Nl, &[Cell::number("1234,56")]), "1234,56\n");
    }
}
