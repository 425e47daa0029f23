//! What every console page shares: its words (deadlines, measures, shares of clicks; dates are
//! `Ctx::date` and `Ctx::day`, money `Ctx::money` in the programme's currency). A manager's
//! reason is read by `forms::REASON`, the audit actor is `Manager::actor`.

use crate::i18n::Lang;
use crate::participants::MeasureKind;

use super::participants::ClickQuality;

/// Shared words of the console's pages.
pub struct ConsoleWords {
    pub lang: Lang,
}

impl ConsoleWords {
    /// A period that ends with the Hong Kong day `day`, with its zone (`i18n::deadline_moment`).
    pub fn deadline(&self, day: &chrono::NaiveDate) -> String {
        crate::calendar::working_days::deadline_day_moment(
            self.lang,
            *day,
            crate::i18n::READER_ZONE,
        )
    }

    pub fn measure(&self, kind: &MeasureKind) -> String {
        crate::enforcement::notices::title(self.lang, *kind)
    }

    pub fn share(&self, q: &ClickQuality) -> String {
        self.lang.format_percent(q.share_percent())
    }

    pub fn number(&self, n: &i64) -> String {
        self.lang.format_decimal(rust_decimal::Decimal::from(*n))
    }
}
