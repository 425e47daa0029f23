//! CSV downloads: what every export shares.

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
