//! The SEPA Latin character set (EPC's "SEPA Requirements for an Extended Character Set", the
//! basic set every bank accepts): `a–z A–Z 0–9 / - ? : ( ) . , ' +` and space. Names and
//! remittance text in a bank file must stay inside it, or the bank refuses the file.
//!
//! `transliterate` is the check at entry: a holder name is refused when a character has no
//! faithful Latin spelling, so the name the bank sees is the one the publisher typed.
//! `to_sepa_lossy` is the file writer's last safety net for text that was never checked.

use unicode_normalization::char::{decompose_compatible, is_combining_mark};

use super::text::{is_invisible, readable, Lines, Unreadable};

/// Whether `c` is in the SEPA Latin set as it is.
pub fn is_sepa_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '/' | '-' | '?' | ':' | '(' | ')' | '.' | ',' | '\'' | '+' | ' '
        )
}

/// Letters that Unicode does not decompose into a base letter and a mark, and the punctuation
/// people type for the set's own `'`, `-` and `+`.
fn table(c: char) -> Option<&'static str> {
    Some(match c {
        'ß' => "ss",
        'ẞ' => "SS",
        'æ' => "ae",
        'Æ' => "AE",
        'ø' => "o",
        'Ø' => "O",
        'œ' => "oe",
        'Œ' => "OE",
        'ł' => "l",
        'Ł' => "L",
        'đ' => "d",
        'Đ' => "D",
        'þ' => "th",
        'Þ' => "TH",
        'ð' => "d",
        'ı' => "i",
        'ħ' => "h",
        'Ħ' => "H",
        'ŧ' => "t",
        'Ŧ' => "T",
        '&' => "+",
        // Quotes and apostrophes, typographic and typewriter alike.
        '‘' | '’' | '‚' | '‛' | '“' | '”' | '„' | '‟' | '′' | '″' | '‹' | '›' | '«' | '»' | '"'
        | '`' | '´' | 'ʼ' => "'",
        // Hyphens, dashes and the minus sign.
        '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => "-",
        _ => return None,
    })
}

/// Appends the SEPA spelling of `c` to `out`; false (and `out` possibly half-written) when `c`
/// has none.
fn push_sepa(c: char, out: &mut String) -> bool {
    if is_sepa_char(c) {
        out.push(c);
        return true;
    }
    if let Some(spelling) = table(c) {
        out.push_str(spelling);
        return true;
    }
    // NFKD: "ë" → "e" + U+0308, "ĳ" → "ij", a no-break space → a space, "Ｚ" → "Z". The marks
    // go; every other piece must itself be spellable, so "Ω", "½" (→ "1⁄2") and CJK fail.
    let mut ok = true;
    let mut any = false;
    decompose_compatible(c, |d| {
        any = true;
        if is_combining_mark(d) {
            return;
        }
        if is_sepa_char(d) {
            out.push(d);
        } else if let Some(spelling) = table(d) {
            out.push_str(spelling);
        } else {
            ok = false;
        }
    });
    ok && any
}

/// `text` in the SEPA Latin set, or None when a character cannot be spelled in it (Greek,
/// Cyrillic, CJK, emoji, control and invisible format characters, noncharacters such as U+FFFF).
/// Diacritics are dropped ("Zoë" → "Zoe"), a few letters spelled out ("Straße" → "Strasse"),
/// `&` becomes `+` and typographic quotes and dashes their plain forms.
pub fn transliterate(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !push_sepa(c, &mut out) {
            return None;
        }
    }
    Some(out)
}

/// As `transliterate`, but a character without a SEPA spelling becomes a space; runs of spaces
/// are collapsed and the ends trimmed. For the bank file writer: whatever reached the database,
/// the file stays inside the set.
pub fn to_sepa_lossy(text: &str) -> String {
    let mut spelled = String::with_capacity(text.len());
    for c in text.chars() {
        let mark = spelled.len();
        if !push_sepa(c, &mut spelled) {
            spelled.truncate(mark);
            spelled.push(' ');
        }
    }
    let mut out = String::with_capacity(spelled.len());
    for word in spelled.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The name a bank account is in, as typed (trimmed): 2 to 70 characters, each with a spelling
/// in the SEPA set, so the name in the bank file is the one the publisher gave (EPC: `Nm` of a
/// creditor is at most 70 characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountHolder(String);

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HolderError {
    Empty,
    TooLong,
    /// A direction control or another invisible format character (`domain::text`), perhaps
    /// pasted with the name.
    Invisible,
    /// The characters without a SEPA spelling, each once, in the order typed.
    Characters(Vec<char>),
}

impl AccountHolder {
    pub const MAX_CHARS: usize = 70;

    pub fn parse(text: &str) -> Result<AccountHolder, HolderError> {
        let name = text.trim();
        let length = name.chars().count();
        if length < 2 {
            return Err(HolderError::Empty);
        }
        if length > Self::MAX_CHARS {
            return Err(HolderError::TooLong);
        }
        // Said in words of their own: the characters cannot be seen to be named.
        if let Err(Unreadable::Invisible) = readable(name, Lines::One) {
            return Err(HolderError::Invisible);
        }
        let mut refused: Vec<char> = Vec::new();
        let mut scratch = String::new();
        for c in name.chars() {
            scratch.clear();
            if !push_sepa(c, &mut scratch) && !refused.contains(&c) {
                refused.push(c);
            }
        }
        if refused.is_empty() {
            Ok(AccountHolder(name.to_owned()))
        } else {
            Err(HolderError::Characters(refused))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A refused character as a message names it: itself when it can be seen, its code point when
/// it is invisible, a control or would change the message around it (`U+202E`).
pub fn describe_char(c: char) -> String {
    let code = c as u32;
    // Invisible, or no character at all: noncharacters, private use, specials (U+FFF0–U+FFFF).
    let hidden = c.is_control()
        || c.is_whitespace()
        || is_combining_mark(c)
        || is_invisible(c)
        || matches!(code, 0xFDD0..=0xFDEF | 0xE000..=0xF8FF | 0xFFF0..=0xFFFF | 0xF0000..)
        || code & 0xFFFE == 0xFFFE;
    if hidden {
        format!("U+{code:04X}")
    } else {
        format!("“{c}”")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set_itself_is_kept_as_it_is() {
        let all = "abcxyz ABCXYZ 0189 / - ? : ( ) . , ' +";
        assert_eq!(transliterate(all).as_deref(), Some(all));
        assert_eq!(to_sepa_lossy(all), all);
    }

    #[test]
    fn diacritics_are_dropped_and_ampersand_becomes_plus() {
        assert_eq!(transliterate("Zoë & Søn").as_deref(), Some("Zoe + Son"));
        assert_eq!(transliterate("Łódź").as_deref(), Some("Lodz"));
        assert_eq!(transliterate("Straße").as_deref(), Some("Strasse"));
        assert_eq!(transliterate("Ærø Œuvre").as_deref(), Some("AEro OEuvre"));
        assert_eq!(transliterate("Þór Đorđe").as_deref(), Some("THor Dorde"));
        assert_eq!(
            transliterate("François Müller-Lüdenscheidt").as_deref(),
            Some("Francois Muller-Ludenscheidt")
        );
    }

    #[test]
    fn decomposed_marks_and_compatibility_forms_are_spelled() {
        // "e" followed by a combining diaeresis, as macOS file names and some keyboards send it.
        assert_eq!(transliterate("Zoe\u{308}").as_deref(), Some("Zoe"));
        assert_eq!(transliterate("Ĳsselmeer").as_deref(), Some("IJsselmeer"));
        assert_eq!(transliterate("Ａ\u{a0}B").as_deref(), Some("A B"));
    }

    #[test]
    fn typographic_quotes_and_dashes_become_plain() {
        assert_eq!(
            transliterate("‘t Hoen – “Bakkerij”").as_deref(),
            Some("'t Hoen - 'Bakkerij'")
        );
        assert_eq!(
            transliterate("O’Neil—Smith").as_deref(),
            Some("O'Neil-Smith")
        );
    }

    #[test]
    fn characters_without_a_latin_spelling_are_refused() {
        for text in [
            "Ω",
            "Ohm Ω",
            "Shop 😀",
            "\u{FFFF}",
            "Jan\u{FFFF}",
            "株式会社",
            "Иван",
            "tab\there",
            "line\nbreak",
            "\u{0}",
            "evil\u{202E}txet",
            "zero\u{200B}width",
            "½",
            "under_score",
        ] {
            assert_eq!(transliterate(text), None, "{text:?}");
        }
    }

    #[test]
    fn an_emoji_never_turns_into_words() {
        assert_eq!(to_sepa_lossy("Bakker 🍞 BV"), "Bakker BV");
    }

    #[test]
    fn lossy_replaces_what_cannot_be_spelled_and_collapses_spaces() {
        assert_eq!(to_sepa_lossy("Ω"), "");
        assert_eq!(
            to_sepa_lossy("\u{FFFF}Jan  de\u{FFFF}Vries "),
            "Jan de Vries"
        );
        assert_eq!(to_sepa_lossy("Zoë & Søn Ω GmbH"), "Zoe + Son GmbH");
        assert_eq!(to_sepa_lossy("½ price"), "price");
        // A character that decomposes into a spellable and an unspellable piece leaves no half.
        assert_eq!(to_sepa_lossy("a½b"), "a b");
    }

    #[test]
    fn lossy_output_is_always_inside_the_set() {
        let nasty = "Ω😀\u{FFFF}\u{202E}株\t\r\n\u{0}ëß&“”–½ ";
        let out = to_sepa_lossy(nasty);
        assert!(out.chars().all(is_sepa_char), "{out:?}");
        assert_eq!(transliterate(&out).as_deref(), Some(out.as_str()));
    }

    #[test]
    fn a_holder_name_is_two_to_seventy_spellable_characters() {
        assert_eq!(
            AccountHolder::parse("  Zoë & Søn  ").map(|h| h.as_str().to_owned()),
            Ok("Zoë & Søn".to_owned())
        );
        assert_eq!(AccountHolder::parse(" J "), Err(HolderError::Empty));
        assert!(AccountHolder::parse("Jo").is_ok());
        assert!(AccountHolder::parse(&"a".repeat(70)).is_ok());
        assert_eq!(
            AccountHolder::parse(&"a".repeat(71)),
            Err(HolderError::TooLong)
        );
        assert_eq!(
            AccountHolder::parse("Ωmega 😀 Ωhm\u{7}"),
            Err(HolderError::Characters(vec!['Ω', '😀', '\u{7}']))
        );
        assert_eq!(
            AccountHolder::parse("Ωmega\u{202E}"),
            Err(HolderError::Invisible)
        );
        assert_eq!(
            AccountHolder::parse("Zero\u{200B}Width"),
            Err(HolderError::Invisible)
        );
    }

    #[test]
    fn refused_characters_are_named_without_acting_on_the_message() {
        // A character that shows is quoted; one that does not, or acts on the text, is its code.
        for (c, named) in [
            ('Ω', "“Ω”"),
            ('😀', "“😀”"),
            ('\u{202E}', "U+202E"),
            ('\u{FFFF}', "U+FFFF"),
            ('\u{7}', "U+0007"),
            ('\u{200B}', "U+200B"),
        ] {
            assert_eq!(describe_char(c), named, "{c:?}");
        }
    }
}
