//! The states of orders, attributions, commissions and ledger entries, each mapped to the text
//! the database stores in one place.

use crate::db::ids::{AccountId, SecretId};
use crate::db::stored_as_text;

stored_as_text!(
    /// The order's status as the advertiser reports it.
    OrderStatus {
        Pending => "pending",
        Completed => "completed",
        Cancelled => "cancelled",
        Returned => "returned",
    }
);

stored_as_text!(
    /// Whether a conversion earns commission, and if not, why.
    Attribution {
        /// The click was credited and the order came within its session window.
        Credited => "credited",
        /// No click with this id was ever recorded.
        UnknownClick => "unknown_click",
        /// The click was recorded but not credited (a bot, a duplicate, a channel not approved…).
        ClickNotCredited => "click_not_credited",
        /// The order came after the session window of the click it carries.
        OutsideCookiePeriod => "outside_cookie_period",
        /// No commission rate of the group was in force yet at the order time.
        NoRate => "no_rate",
        /// The click came from an address the participant logged in from: held for review as
        /// possible self-purchase (rule E.10.j).
        SelfPurchase => "self_purchase",
    }
);

impl Attribution {
    /// Whether the conversion earns a commission row at all (a held one does, pending review).
    pub fn earns_commission(self) -> bool {
        matches!(self, Attribution::Credited | Attribution::SelfPurchase)
    }
}

stored_as_text!(
    /// A commission's state. Pending until its locking date; then approved (it enters the
    /// ledger) or rejected. Reversed: approved, then taken back by an account manager.
    CommissionState {
        Pending => "pending",
        Approved => "approved",
        Rejected => "rejected",
        Reversed => "reversed",
    }
);

stored_as_text!(
    /// The commission on the order itself, or the part reversed by a partial return.
    CommissionKind {
        Order => "order",
        Return => "return",
    }
);

stored_as_text!(
    /// Who changed a commission.
    EventSource {
        Advertiser => "advertiser",
        Import => "import",
        Locking => "locking",
        Manager => "manager",
    }
);

stored_as_text!(
    /// A ledger entry's kind: approved commission (+), partial return after approval (−),
    /// reversal by an account manager (−), deduction (F.11.d, −) and payout (−).
    EntryKind {
        Commission => "commission",
        Return => "return",
        Reversal => "reversal",
        Deduction => "deduction",
        Payout => "payout",
    }
);

/// Why a commission was rejected or changed: stable codes, shown to the publisher in words
/// (`reason-<code>` in the Fluent files); a manager's own words are stored as they are typed.
pub mod reason {
    pub const COUPON_REDEEMED: &str = "coupon_redeemed";
    /// More than one coupon code on the order ("one coupon per transaction").
    pub const MORE_THAN_ONE_COUPON: &str = "more_than_one_coupon";
    /// The advertiser reported the items not in stock (commission only on items in stock).
    pub const NOT_IN_STOCK: &str = "not_in_stock";
    pub const ORDER_CANCELLED: &str = "order_cancelled";
    pub const ORDER_RETURNED: &str = "order_returned";
    pub const PARTIAL_RETURN: &str = "partial_return";
    pub const NOT_COMPLETED_BY_LOCKING: &str = "not_completed_by_locking";
    pub const SELF_PURCHASE_REVIEW: &str = "self_purchase_review";
    pub const ORIGINAL_REJECTED: &str = "original_rejected";
    pub const AMOUNT_CHANGED: &str = "amount_changed";
    /// Put back (approved, or pending again) by an upheld objection (G.12).
    pub const OBJECTION_UPHELD: &str = "objection_upheld";

    pub const ALL: &[&str] = &[
        COUPON_REDEEMED,
        MORE_THAN_ONE_COUPON,
        NOT_IN_STOCK,
        ORDER_CANCELLED,
        ORDER_RETURNED,
        PARTIAL_RETURN,
        NOT_COMPLETED_BY_LOCKING,
        SELF_PURCHASE_REVIEW,
        ORIGINAL_REJECTED,
        AMOUNT_CHANGED,
        OBJECTION_UPHELD,
    ];

    /// A stored reason in the reader's language: a code in words, or an account manager's own
    /// words as they are.
    pub fn in_words(lang: crate::i18n::Lang, text: &str) -> String {
        if ALL.contains(&text) {
            lang.t(&format!("reason-{}", text.replace('_', "-")))
        } else {
            text.to_owned()
        }
    }
}

/// Who entered a conversion (issue 20, separation of duties): the advertiser's system through
/// the API, with the secret that signed the request, or an account manager's import. Stored
/// with the conversion and shown in the console; the events of its commission carry the source.
/// Nothing else can enter one: a manager can never pass as the advertiser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnteredBy {
    Api { secret_id: SecretId },
    Import { manager_id: AccountId },
}

impl EnteredBy {
    /// What the commission's events say of it.
    pub fn source(self) -> EventSource {
        match self {
            EnteredBy::Api { .. } => EventSource::Advertiser,
            EnteredBy::Import { .. } => EventSource::Import,
        }
    }

    /// `api` or `import`, as the `entered_via` column holds it.
    pub fn via(self) -> &'static str {
        match self {
            EnteredBy::Api { .. } => "api",
            EnteredBy::Import { .. } => "import",
        }
    }

    pub fn secret_id(self) -> Option<SecretId> {
        match self {
            EnteredBy::Api { secret_id } => Some(secret_id),
            EnteredBy::Import { .. } => None,
        }
    }

    pub fn manager_id(self) -> Option<AccountId> {
        match self {
            EnteredBy::Import { manager_id } => Some(manager_id),
            EnteredBy::Api { .. } => None,
        }
    }
}
