//! Texts an administrator writes about a programme (its description, advantages, a policy's
//! note) may not state a rate or a percentage: the commission table is the one source of the
//! rates, rendered from the stored rate, so the page can never contradict it (the seed's prose
//! said 3 % for mobile phones while its table said 3.5 %). Such a text is refused with a message
//! that refers to the commission table.

/// Number words that can stand before "procent"/"percent" ("negen procent", "five per cent").
const NUMBER_WORDS: &[&str] = &[
    "een",
    "één",
    "twee",
    "drie",
    "vier",
    "vijf",
    "zes",
    "zeven",
    "acht",
    "negen",
    "tien",
    "elf",
    "twaalf",
    "twintig",
    "half",
    "halve",
    "anderhalf",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fifteen",
    "twenty",
    "thirty",
    "fifty",
    "hundred",
    "honderd",
];

/// Words that say "percent" in Dutch or English.
const PERCENT_WORDS: &[&str] = &["procent", "percent", "pct", "percentage", "procenten"];

/// Whether `text` states a rate or a percentage: a percent sign, or a number (in figures or a
/// number word) followed by "procent", "percent", "per cent" or "pct".
pub fn states_a_rate(text: &str) -> bool {
    if text.contains(['%', '％', '‰', '﹪']) {
        return true;
    }
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '.' || c == ','))
        .map(|w| w.trim_matches(|c: char| c == '.' || c == ','))
        .filter(|w| !w.is_empty())
        .collect();
    words.iter().enumerate().any(|(i, word)| {
        let percent =
            PERCENT_WORDS.contains(word) || (*word == "cent" && i > 0 && words[i - 1] == "per");
        if !percent {
            return false;
        }
        let before = if *word == "cent" {
            i.checked_sub(2)
        } else {
            i.checked_sub(1)
        };
        let Some(number) = before.map(|b| words[b]) else {
            return false;
        };
        // "9", "3,5", "3.5", or the figure glued to the word ("9procent").
        number.chars().next().is_some_and(|c| c.is_ascii_digit()) || NUMBER_WORDS.contains(&number)
    }) || words.iter().any(|w| {
        PERCENT_WORDS.iter().any(|p| {
            w.strip_suffix(p).is_some_and(|n| {
                !n.is_empty()
                    && n.chars()
                        .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_in_figures_words_or_signs_is_found() {
        for text in [
            "AliExpress pays up to 9% on every order.",
            "Tot 3,5 % commissie op telefoons.",
            "Verdien 9 procent op elke bestelling.",
            "Earn 9 percent on every order.",
            "Earn 7 per cent.",
            "Nu 3.5 pct!",
            "negen procent extra",
            "Vijf Procent op alles",
            "9procent",
            "100％ gratis",
        ] {
            assert!(states_a_rate(text), "{text}");
        }
    }

    #[test]
    fn ordinary_text_with_numbers_passes() {
        for text in [
            "AliExpress has more than 100 million products on its platform",
            "Een breed scala aan producten in meer dan 20 categorieën.",
            "Free shipping on almost all products",
            "Percentages staan in de commissietabel.",
            "See the commission table for the percentage of each group.",
            "Open 24 hours, 7 days a week.",
            "",
        ] {
            assert!(!states_a_rate(text), "{text}");
        }
    }
}
