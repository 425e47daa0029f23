//! Money in words, shared by the participant's money pages (`account_money`) and the console's
//! conversions and payouts: amounts in the programme's currency, commission states, reasons.

use super::queries::ConversionLine;
use super::states::{reason, CommissionState};
use crate::domain::{Currency, Money};
use crate::i18n::Lang;

/// A commission and its conversion in the page's language: amounts, states and reasons, for
/// the participant's Commissions tab and the console's conversions and payouts alike.
pub struct CommissionWords {
    pub lang: Lang,
    /// The currency of the amounts on the page, taken from the data
    /// (`queries::programme_currency`).
    pub currency: Currency,
}

impl CommissionWords {
    pub fn money(&self, minor: impl std::borrow::Borrow<i64>) -> String {
        Money::new(*minor.borrow(), self.currency).written(self.lang)
    }

    /// A stored reason: a code in words, or an account manager's own words as they are.
    pub fn reason(&self, text: &str) -> String {
        reason::in_words(self.lang, text)
    }

    /// Why a conversion earns nothing, or what happened to its commission.
    pub fn why(&self, line: &ConversionLine) -> String {
        if is_held(line) {
            return self.lang.t_args(
                "conversion-held",
                &[("amount", self.money(line.commission))],
            );
        }
        match (line.state, line.reason.as_deref()) {
            (None, _) => self.lang.t(&format!(
                "attribution-{}",
                line.attribution.as_str().replace('_', "-")
            )),
            (Some(_), Some(reason)) => self.reason(reason),
            (Some(_), None) => String::new(),
        }
    }

    pub fn state(&self, state: CommissionState) -> String {
        self.lang.t(&format!("commission-state-{}", state.as_str()))
    }

    /// The state in words: a held commission is pending, but not waiting for its date.
    pub fn state_of(&self, line: &ConversionLine) -> String {
        match line.state {
            _ if is_held(line) => self.lang.t("commission-state-held"),
            Some(state) => self.state(state),
            None => self.lang.t("commission-state-none"),
        }
    }
}

/// A commission held for review as possible self-purchase (E.10.j): pending until an account
/// manager decides, whatever its final date says.
pub fn is_held(line: &ConversionLine) -> bool {
    line.held && line.state == Some(CommissionState::Pending)
}

/// A payout month: `nov. 2026` / `Nov 2026`.
pub fn month_label(lang: Lang, month: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let key = format!("month-{}", month.month());
    format!("{} {}", lang.t(&key), month.year())
}
