//! Languages: the `Lang` of every page, the Fluent strings, and numbers and dates per language.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use chrono::Datelike;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use rust_decimal::Decimal;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: they would end up inside HTML attributes
        // and e-mail subjects.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// The strings without arguments, per language (`Lang as usize`), once looked up: fluent-templates
/// negotiates the language and resolves the message on every lookup, and a page makes dozens of
/// them (they were most of the programme page's time). Keys come from the code and from a few
/// stored codes, so the memo stays small; past `MEMO_MAX` keys a lookup is not remembered.
type Memo = std::sync::RwLock<rustc_hash::FxHashMap<Box<str>, Option<Arc<str>>>>;
static MEMO: std::sync::LazyLock<[Memo; 2]> = std::sync::LazyLock::new(Default::default);
const MEMO_MAX: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Nl,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];
    /// The language of a visitor whose browser tells us nothing.
    pub const DEFAULT: Lang = Lang::Nl;

    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "nl" => Some(Lang::Nl),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The language a path starts with (`/en/...`), if any.
    pub fn from_path(path: &str) -> Option<Lang> {
        let first = path.trim_start_matches('/').split('/').next()?;
        Lang::from_code(first)
    }

    /// The most preferred of our languages in an `Accept-Language` header, or `DEFAULT`.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (index, item) in header.split(',').enumerate() {
            let mut parts = item.split(';');
            let tag = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .filter_map(|q| q.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            let primary = tag.split('-').next().unwrap_or("");
            let Some(lang) = Lang::from_code(primary) else {
                continue;
            };
            if quality <= 0.0 {
                continue;
            }
            // Highest quality wins; on a tie the one listed first.
            let better = match best {
                None => true,
                Some((q, i, _)) => quality > q || (quality == q && index < i),
            };
            if better {
                best = Some((quality, index, lang));
            }
        }
        best.map(|(_, _, lang)| lang).unwrap_or(Lang::DEFAULT)
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
        }
    }

    fn langid(self) -> LanguageIdentifier {
        match self {
            Lang::Nl => fluent_templates::langid!("nl"),
            Lang::En => fluent_templates::langid!("en"),
        }
    }

    /// The UI string `key`; a missing key shows as the key itself (the test
    /// `every_key_exists_in_both_languages` keeps that from happening).
    pub fn t(self, key: &str) -> String {
        self.try_t(key)
            .unwrap_or_else(|| LOCALES.lookup(&self.langid(), key))
    }

    /// The UI string `key`, if there is one (a stored code may have none: an administrator's
    /// own words).
    pub fn try_t(self, key: &str) -> Option<String> {
        let memo = &MEMO[self as usize];
        if let Some(found) = memo.read().unwrap_or_else(|e| e.into_inner()).get(key) {
            return found.as_deref().map(str::to_owned);
        }
        let found: Option<Arc<str>> = LOCALES.try_lookup(&self.langid(), key).map(Arc::from);
        let mut memo = memo.write().unwrap_or_else(|e| e.into_inner());
        if memo.len() < MEMO_MAX {
            memo.insert(key.into(), found.clone());
        }
        found.as_deref().map(str::to_owned)
    }

    /// The UI string `key` with Fluent arguments.
    pub fn t_args(self, key: &str, args: &[(&'static str, String)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
            .collect();
        LOCALES.lookup_with_args(&self.langid(), key, &map)
    }

    /// The UI string `key` with counts among its arguments: each of `counts` goes to Fluent as a
    /// number, so a message chooses its plural form by it (`{ $count -> [one] … *[other] … }`);
    /// a number passed as text never matches `[one]`.
    pub fn t_counts(
        self,
        key: &str,
        counts: &[(&'static str, i64)],
        args: &[(&'static str, String)],
    ) -> String {
        let mut map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Borrowed(*k), FluentValue::from(v.clone())))
            .collect();
        for (k, n) in counts {
            map.insert(Cow::Borrowed(*k), FluentValue::from(*n));
        }
        LOCALES.lookup_with_args(&self.langid(), key, &map)
    }

    /// A decimal number: `3,5` in Dutch, `3.5` in English; thousands grouped (`1.234,5` / `1,234.5`).
    pub fn format_decimal(self, value: Decimal) -> String {
        let (thousands, decimal) = match self {
            Lang::Nl => ('.', ','),
            Lang::En => (',', '.'),
        };
        let text = value.normalize().to_string();
        let (sign, digits) = match text.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", text.as_str()),
        };
        let (int_part, frac_part) = match digits.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (digits, None),
        };
        let mut grouped = String::with_capacity(int_part.len() + int_part.len() / 3);
        for (i, ch) in int_part.chars().enumerate() {
            if i > 0 && (int_part.len() - i) % 3 == 0 {
                grouped.push(thousands);
            }
            grouped.push(ch);
        }
        match frac_part {
            Some(f) => format!("{sign}{grouped}{decimal}{f}"),
            None => format!("{sign}{grouped}"),
        }
    }

    /// A percentage: `3,5 %` in Dutch (with a space, as Dutch typography has it), `3.5%` in English.
    pub fn format_percent(self, percent: Decimal) -> String {
        let number = self.format_decimal(percent);
        match self {
            Lang::Nl => format!("{number} %"),
            Lang::En => format!("{number}%"),
        }
    }

    /// An amount of money: `€ 1.234,56` and `€ -1.234,56` in Dutch, `€1,234.56` and `-€1,234.56`
    /// in English (CLDR's patterns), with as many decimals as `amount` has (`Money` gives the
    /// currency's minor digits: `domain::Money::for_display`).
    pub fn format_money(self, amount: Decimal, symbol: &str) -> String {
        let negative = amount.is_sign_negative() && !amount.is_zero();
        let number = self.format_decimal_fixed(amount.abs());
        match (self, negative) {
            (Lang::Nl, false) => format!("{symbol}\u{a0}{number}"),
            (Lang::Nl, true) => format!("{symbol}\u{a0}-{number}"),
            (Lang::En, false) => format!("{symbol}{number}"),
            (Lang::En, true) => format!("-{symbol}{number}"),
        }
    }

    /// An amount for a CSV file in this language: `1234,56` / `1234.56` (no grouping, so a
    /// spreadsheet reads it as a number).
    pub fn format_plain_amount(self, amount: Decimal) -> String {
        let text = amount.to_string();
        match self {
            Lang::Nl => text.replace('.', ","),
            Lang::En => text,
        }
    }

    /// Like `format_decimal`, but keeps trailing zeros (`1.50` stays `1,50`).
    fn format_decimal_fixed(self, value: Decimal) -> String {
        let digits = value.to_string();
        let (int_part, frac_part) = match digits.split_once('.') {
            Some((i, f)) => (i.to_owned(), Some(f.to_owned())),
            None => (digits, None),
        };
        let grouped = self.format_decimal(Decimal::from_str_exact(&int_part).unwrap_or_default());
        match (frac_part, self) {
            (Some(f), Lang::Nl) => format!("{grouped},{f}"),
            (Some(f), Lang::En) => format!("{grouped}.{f}"),
            (None, _) => grouped,
        }
    }

    /// A date: `24-11-2026` in Dutch, `24 Nov 2026` in English.
    pub fn format_date(self, date: chrono::NaiveDate) -> String {
        match self {
            Lang::Nl => date.format("%d-%m-%Y").to_string(),
            Lang::En => date.format("%-d %b %Y").to_string(),
        }
    }
}

impl Lang {
    /// A date written out: `14 januari 2027` in Dutch, `14 January 2027` in English (in running
    /// text: deadlines, the date of a rules version).
    pub fn format_long_date(self, date: chrono::NaiveDate) -> String {
        const NL: [&str; 12] = [
            "januari",
            "februari",
            "maart",
            "april",
            "mei",
            "juni",
            "juli",
            "augustus",
            "september",
            "oktober",
            "november",
            "december",
        ];
        const EN: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let months = match self {
            Lang::Nl => &NL,
            Lang::En => &EN,
        };
        let month = months[date.month0() as usize];
        format!("{} {month} {}", date.day(), date.year())
    }

    /// A month: `september 2015` in Dutch, `September 2015` in English.
    pub fn format_month(self, date: chrono::NaiveDate) -> String {
        let long = self.format_long_date(date);
        long.split_once(' ')
            .map(|(_, rest)| rest.to_owned())
            .unwrap_or(long)
    }
}

/// The zone a reader sees deadlines in when we know no other: the programme's participants are
/// mostly in the Netherlands.
pub const READER_ZONE: chrono_tz::Tz = chrono_tz::Europe::Amsterdam;

/// A deadline as the rules count it, in Hong Kong time (G.13), with the same moment in the
/// reader's zone: "tot en met 14 januari 2027, 23:59 Hongkongse tijd (16:59 in Nederland)" /
/// "until 14 January 2027, 23:59 Hong Kong time (16:59 in the Netherlands)". `last_moment` is
/// the last moment of the period in UTC (minutes shown, seconds dropped); when the reader's date
/// is another than Hong Kong's, the reader's date is said too. The one place deadlines are
/// worded: every page, notice and mail calls this.
pub fn deadline(lang: Lang, last_moment: chrono::NaiveDateTime, reader: chrono_tz::Tz) -> String {
    lang.t_args(
        "deadline-until",
        &[("moment", deadline_moment(lang, last_moment, reader))],
    )
}

/// The moment of `deadline` without "until", for a sentence of its own ("Decide by …"):
/// "14 januari 2027, 23:59 Hongkongse tijd (16:59 in Nederland)".
pub fn deadline_moment(
    lang: Lang,
    last_moment: chrono::NaiveDateTime,
    reader: chrono_tz::Tz,
) -> String {
    use chrono::TimeZone;
    let hong_kong = chrono_tz::Asia::Hong_Kong.from_utc_datetime(&last_moment);
    let date = lang.format_long_date(hong_kong.date_naive());
    let time = hong_kong.format("%H:%M").to_string();
    if reader == chrono_tz::Asia::Hong_Kong {
        return lang.t_args(
            "deadline-moment-hong-kong",
            &[("date", date), ("time", time)],
        );
    }
    let theirs = reader.from_utc_datetime(&last_moment);
    let place = zone_place(lang, reader);
    let their_time = theirs.format("%H:%M").to_string();
    let reader_text = if theirs.date_naive() == hong_kong.date_naive() {
        lang.t_args(
            "deadline-reader-same-day",
            &[("time", their_time), ("place", place)],
        )
    } else {
        let their_date = lang.format_long_date(theirs.date_naive());
        lang.t_args(
            "deadline-reader-other-day",
            &[("time", their_time), ("date", their_date), ("place", place)],
        )
    };
    lang.t_args(
        "deadline-moment",
        &[("date", date), ("time", time), ("reader", reader_text)],
    )
}

/// Where a zone is, in words ("Nederland", "the Netherlands"); a zone without a message of its
/// own is named by its IANA name.
fn zone_place(lang: Lang, zone: chrono_tz::Tz) -> String {
    let key = format!(
        "zone-place-{}",
        zone.name().to_ascii_lowercase().replace(['/', '_'], "-")
    );
    lang.try_t(&key).unwrap_or_else(|| zone.name().to_owned())
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl Lang {
    /// `NL` / `EN` in the language switch.
    pub fn label(&self) -> &'static str {
        match self {
            Lang::Nl => "NL",
            Lang::En => "EN",
        }
    }

    /// Fluent key of the language's name (`Nederlands`, `English`).
    pub fn name_key(&self) -> &'static str {
        match self {
            Lang::Nl => "lang-name-nl",
            Lang::En => "lang-name-en",
        }
    }
}

/// For the tests of types whose errors name their message by key: every key has a message of its
/// own in every language (a missing key would show as the key itself).
#[cfg(test)]
pub(crate) fn assert_distinct_messages(keys: &[&str]) {
    for lang in Lang::ALL {
        let messages: std::collections::HashSet<String> = keys.iter().map(|k| lang.t(k)).collect();
        assert_eq!(messages.len(), keys.len(), "{lang:?}: {messages:?}");
        assert!(
            messages.iter().all(|m| !m.contains("error-")),
            "{lang:?}: {messages:?}"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn money_follows_each_language() {
        let eur = |minor| Decimal::new(minor, 2);
        assert_eq!(Lang::Nl.format_money(eur(123456), "€"), "€\u{a0}1.234,56");
        assert_eq!(Lang::En.format_money(eur(123456), "€"), "€1,234.56");
        assert_eq!(Lang::Nl.format_money(eur(-150), "€"), "€\u{a0}-1,50");
        assert_eq!(Lang::En.format_money(eur(-150), "€"), "-€1.50");
        assert_eq!(Lang::Nl.format_money(eur(0), "€"), "€\u{a0}0,00");
        assert_eq!(
            Lang::En.format_money(eur(100_000_000), "€"),
            "€1,000,000.00"
        );
        assert_eq!(Lang::Nl.format_plain_amount(eur(-123456)), "-1234,56");
        assert_eq!(Lang::En.format_plain_amount(eur(5)), "0.05");
    }

    #[test]
    fn percentages_follow_each_language() {
        use Lang::{En, Nl};
        for (lang, percent, text) in [
            (Nl, "7", "7 %"),
            (Nl, "3.5", "3,5 %"),
            (Nl, "0.8", "0,8 %"),
            (En, "7", "7%"),
            (En, "3.50", "3.5%"),
            (En, "0.8", "0.8%"),
        ] {
            assert_eq!(
                lang.format_percent(d(percent)),
                text,
                "{percent} in {lang:?}"
            );
        }
    }

    #[test]
    fn large_numbers_are_grouped() {
        use Lang::{En, Nl};
        for (lang, number, text) in [
            (Nl, "1234567.89", "1.234.567,89"),
            (En, "1234567.89", "1,234,567.89"),
            (En, "-1234", "-1,234"),
            (En, "123", "123"),
        ] {
            assert_eq!(lang.format_decimal(d(number)), text, "{number} in {lang:?}");
        }
    }

    #[test]
    fn dates_follow_each_language() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 4).unwrap();
        assert_eq!(Lang::Nl.format_date(date), "04-11-2026");
        assert_eq!(Lang::En.format_date(date), "4 Nov 2026");
    }

    #[test]
    fn long_dates_follow_each_language() {
        let date = chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        assert_eq!(Lang::Nl.format_long_date(date), "4 januari 2027");
        assert_eq!(Lang::En.format_long_date(date), "4 January 2027");
        assert_eq!(Lang::Nl.format_month(date), "januari 2027");
        assert_eq!(Lang::En.format_month(date), "January 2027");
    }

    #[test]
    fn deadlines_say_hong_kong_time_and_the_readers_time() {
        let day = |t: &str| t.parse::<chrono::NaiveDate>().unwrap();
        // The end of a Hong Kong day (UTC+8) is 15:59:59 UTC (working_days::end_of_hong_kong_day).
        let deadline_day = |lang, d: chrono::NaiveDate, zone| {
            deadline(lang, d.and_hms_opt(15, 59, 59).unwrap(), zone)
        };
        let deadline_day_moment = |lang, d: chrono::NaiveDate, zone| {
            deadline_moment(lang, d.and_hms_opt(15, 59, 59).unwrap(), zone)
        };
        // Winter: Amsterdam is 7 hours behind Hong Kong.
        assert_eq!(
            deadline_day(Lang::Nl, day("2027-01-14"), READER_ZONE),
            "tot en met 14 januari 2027, 23:59 Hongkongse tijd (16:59 in Nederland)"
        );
        assert_eq!(
            deadline_day(Lang::En, day("2027-01-14"), READER_ZONE),
            "until 14 January 2027, 23:59 Hong Kong time (16:59 in the Netherlands)"
        );
        // Summer time: 6 hours.
        assert_eq!(
            deadline_day(Lang::En, day("2027-06-30"), READER_ZONE),
            "until 30 June 2027, 23:59 Hong Kong time (17:59 in the Netherlands)"
        );
        // A reader ahead of Hong Kong reaches the deadline on the next day: the date is said.
        assert_eq!(
            deadline_day(Lang::Nl, day("2027-01-14"), chrono_tz::Pacific::Auckland),
            "tot en met 14 januari 2027, 23:59 Hongkongse tijd \
             (04:59 op 15 januari 2027 in Nieuw-Zeeland)"
        );
        assert_eq!(
            deadline_day(Lang::En, day("2027-01-14"), chrono_tz::Pacific::Auckland),
            "until 14 January 2027, 23:59 Hong Kong time (04:59 on 15 January 2027 in New Zealand)"
        );
        // A zone without a name of its own is named by its IANA name; Hong Kong needs no second time.
        assert_eq!(
            deadline_day(Lang::En, day("2027-01-14"), chrono_tz::America::New_York),
            "until 14 January 2027, 23:59 Hong Kong time (10:59 in America/New_York)"
        );
        assert_eq!(
            deadline_day(Lang::Nl, day("2027-01-14"), chrono_tz::Asia::Hong_Kong),
            "tot en met 14 januari 2027, 23:59 Hongkongse tijd"
        );
        // Without "until", for a sentence of its own.
        assert_eq!(
            deadline_day_moment(Lang::Nl, day("2027-01-14"), READER_ZONE),
            "14 januari 2027, 23:59 Hongkongse tijd (16:59 in Nederland)"
        );
        // Any moment, not only a day's end.
        let moment = day("2026-12-04").and_hms_opt(4, 30, 0).unwrap();
        assert_eq!(
            deadline(Lang::En, moment, READER_ZONE),
            "until 4 December 2026, 12:30 Hong Kong time (05:30 in the Netherlands)"
        );
    }

    #[test]
    fn accept_language_picks_the_preferred_supported_language() {
        assert_eq!(
            Lang::from_accept_language("en-GB,en;q=0.9,nl;q=0.8"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("nl-BE, en;q=0.5"), Lang::Nl);
        assert_eq!(
            Lang::from_accept_language("fr-FR,fr;q=0.9,en;q=0.3"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("en;q=0.2, nl;q=0.7"), Lang::Nl);
        assert_eq!(Lang::from_accept_language("de"), Lang::Nl);
        assert_eq!(Lang::from_accept_language(""), Lang::Nl);
        assert_eq!(Lang::from_accept_language("en;q=0"), Lang::Nl);
        assert_eq!(Lang::from_accept_language("*;q=garbage,,;"), Lang::Nl);
    }

    #[test]
    fn path_language() {
        assert_eq!(Lang::from_path("/en/programmes"), Some(Lang::En));
        assert_eq!(Lang::from_path("/nl"), Some(Lang::Nl));
        assert_eq!(Lang::from_path("/fr/"), None);
        assert_eq!(Lang::from_path("/"), None);
    }

    fn message_ids(lang: &str) -> std::collections::BTreeSet<String> {
        let dir = format!("{}/locales/{lang}", env!("CARGO_MANIFEST_DIR"));
        let mut ids = std::collections::BTreeSet::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines() {
                if let Some((id, _)) = line.split_once(" =") {
                    if !id.starts_with([' ', '#', '.']) && !id.is_empty() {
                        ids.insert(id.trim().to_owned());
                    }
                }
            }
        }
        ids
    }

    #[test]
    fn every_key_exists_in_both_languages() {
        let nl = message_ids("nl");
        let en = message_ids("en");
        assert!(!nl.is_empty());
        let only_nl: Vec<_> = nl.difference(&en).collect();
        let only_en: Vec<_> = en.difference(&nl).collect();
        assert!(only_nl.is_empty(), "missing in en: {only_nl:?}");
        assert!(only_en.is_empty(), "missing in nl: {only_en:?}");
    }

    #[test]
    fn lookups_are_translated() {
        assert_eq!(Lang::Nl.t("nav-signup"), "Aanmelden");
        assert_eq!(Lang::En.t("nav-signup"), "Sign up");
    }
}
