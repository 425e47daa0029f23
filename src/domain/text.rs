//! Text a person reads: what the portal stores from a form, a report or an import and later shows
//! on a page, in a CSV file or a mail. Such text may not hold characters that change how the text
//! *around* it reads without being seen themselves:
//! - direction controls (U+202A–U+202E, U+2066–U+2069): "AE-1<U+202E>gpj.exe" shows as
//!   "AE-1exe.jpg";
//! - the other invisible format characters (Unicode general category Cf: zero-width spaces and
//!   joiners, U+200B–U+200F, U+2060–U+2064, the byte order mark U+FEFF, tag characters…), which
//!   make two texts that look the same differ, or hide a word from a search;
//! - control characters (category Cc); multi-line texts keep their line breaks and tabs.
//!
//! Every validator of such a text calls `readable` (names, reasons, objections, order
//! references, the account holder); each says the problem in its own words.

/// What makes a text unfit to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// A control character (other than a line break or tab in a multi-line text).
    Control,
    /// A direction control or another invisible format character (category Cf).
    Invisible,
}

/// Whether the text is one line (a name, a reference) or may have several (a reason).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Several,
}

/// Why an uploaded file (a CSV file of an import) cannot be read as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotText {
    /// Larger than its import takes.
    TooLarge,
    /// Not UTF-8, or holding a NUL: no text a spreadsheet writes (and PostgreSQL refuses a NUL in
    /// any query).
    Binary,
}

/// An uploaded file of at most `limit` bytes as text, without the byte order marks a
/// spreadsheet may write first.
pub fn uploaded(bytes: &[u8], limit: usize) -> Result<&str, NotText> {
    if bytes.len() > limit {
        return Err(NotText::TooLarge);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| NotText::Binary)?;
    if text.contains('\0') {
        return Err(NotText::Binary);
    }
    Ok(text.trim_start_matches('\u{feff}'))
}

/// The characters of Unicode's general category Cf (format), Unicode 15.1. The direction
/// controls are among them. Kept as a table here rather than a dependency: it changes rarely,
/// and a new Cf character in a later Unicode version is at worst let through.
const FORMAT: &[(char, char)] = &[
    ('\u{00AD}', '\u{00AD}'),
    ('\u{0600}', '\u{0605}'),
    ('\u{061C}', '\u{061C}'),
    ('\u{06DD}', '\u{06DD}'),
    ('\u{070F}', '\u{070F}'),
    ('\u{0890}', '\u{0891}'),
    ('\u{08E2}', '\u{08E2}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{2066}', '\u{206F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFF9}', '\u{FFFB}'),
    ('\u{110BD}', '\u{110BD}'),
    ('\u{110CD}', '\u{110CD}'),
    ('\u{13430}', '\u{1343F}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0001}', '\u{E0001}'),
    ('\u{E0020}', '\u{E007F}'),
];

/// Whether `c` is an invisible format character (category Cf), direction controls included.
pub fn is_invisible(c: char) -> bool {
    FORMAT.iter().any(|&(from, to)| from <= c && c <= to)
}

/// Checks a text a person will read. A control character is named before an invisible one
/// when a text holds both.
pub fn readable(text: &str, lines: Lines) -> Result<(), Unreadable> {
    let allowed_control = |c: char| lines == Lines::Several && matches!(c, '\n' | '\r' | '\t');
    if text.chars().any(|c| c.is_control() && !allowed_control(c)) {
        return Err(Unreadable::Control);
    }
    if text.chars().any(is_invisible) {
        return Err(Unreadable::Invisible);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_uploaded_file_is_text_of_its_size_without_byte_order_marks() {
        assert_eq!(uploaded(b"date,name\n", 64), Ok("date,name\n"));
        assert_eq!(uploaded("\u{feff}a,b".as_bytes(), 64), Ok("a,b"));
        assert_eq!(uploaded(b"a,b", 2), Err(NotText::TooLarge));
        assert_eq!(uploaded(b"\xff\xfe2", 64), Err(NotText::Binary));
        assert_eq!(uploaded(b"a\0b", 64), Err(NotText::Binary));
    }

    #[test]
    fn every_direction_control_is_refused() {
        for c in ('\u{202A}'..='\u{202E}').chain('\u{2066}'..='\u{2069}') {
            assert_eq!(
                readable(&format!("AE-{c}1001"), Lines::One),
                Err(Unreadable::Invisible),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn other_invisible_format_characters_are_refused() {
        for c in [
            '\u{00AD}',
            '\u{061C}',
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{200E}',
            '\u{200F}',
            '\u{2060}',
            '\u{2064}',
            '\u{206F}',
            '\u{FEFF}',
            '\u{FFFB}',
            '\u{E0001}',
            '\u{E0041}',
            '\u{E007F}',
        ] {
            assert!(is_invisible(c), "U+{:04X}", c as u32);
            assert_eq!(
                readable(&format!("Shop{c}"), Lines::Several),
                Err(Unreadable::Invisible)
            );
        }
    }

    #[test]
    fn the_neighbours_of_the_ranges_are_ordinary_characters() {
        for c in [
            '\u{00AC}',
            '\u{00AE}',
            '\u{200A}',
            '\u{2010}',
            '\u{2029}',
            '\u{202F}',
            '\u{205F}',
            '\u{2065}',
            '\u{2070}',
            '\u{FEFE}',
            '\u{FF00}',
            '\u{FFFC}',
            '\u{E0000}',
            '\u{E0002}',
            '\u{E001F}',
            '\u{E0080}',
        ] {
            assert!(!is_invisible(c), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn ordinary_text_in_any_script_is_readable() {
        for text in [
            "AE-1001",
            "Zoë's Winkel",
            "Ωmega — 100 % (€ 5,00)",
            "Müller & Söhne",
            "مرحبا",
            "日本語のブログ",
            "Koopjes 🛒",
        ] {
            assert_eq!(readable(text, Lines::One), Ok(()), "{text}");
        }
    }

    #[test]
    fn line_breaks_and_tabs_belong_to_texts_of_several_lines_only() {
        assert_eq!(readable("First line.\r\n\tSecond.", Lines::Several), Ok(()));
        assert_eq!(readable("AE\n1001", Lines::One), Err(Unreadable::Control));
        assert_eq!(readable("AE\t1001", Lines::One), Err(Unreadable::Control));
        for c in ['\0', '\u{7}', '\u{1b}', '\u{7f}', '\u{85}'] {
            assert_eq!(
                readable(&format!("a{c}b"), Lines::Several),
                Err(Unreadable::Control)
            );
        }
        // Both: the control character is named.
        assert_eq!(
            readable("a\u{7}\u{202e}b", Lines::Several),
            Err(Unreadable::Control)
        );
    }
}
