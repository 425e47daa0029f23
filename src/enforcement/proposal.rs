//! The measure form of the console's participant page read into a `Proposal` (F.11): its fields
//! parsed and checked here, in the feature, so the handler only reads the form, calls
//! `measures::take` and renders.

use rand::RngCore;

use super::measures::{self, Proposal, TakeError};
use crate::db::ids::MembershipId;
use crate::domain::{Currency, Money};
use crate::forms::{FormData, FormState, REASON};
use crate::i18n::Lang;
use crate::participants::{MeasureKind, Restriction};
use crate::programme::versions::ClauseText;

/// A fresh key for the measure form: the same key sent twice takes the measure once.
pub fn new_request_key() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// An amount as a person types it: `12,50`, `12.50`, `€ 12,50`.
fn typed_amount(text: &str) -> String {
    let plain = text.trim().trim_start_matches('€').trim();
    if plain.contains(',') && !plain.contains('.') {
        plain.replace(',', ".")
    } else {
        plain.to_owned()
    }
}

/// The measure form's fields of one value each, kept as typed when the form is shown again.
const TYPED: [&str; 7] = [
    "kind",
    "reason",
    "deadline",
    "amount",
    "restriction",
    "membership",
    "escalates",
];

/// The form as typed: its fields of one value, the clauses cited and what a ban covers.
fn as_typed(data: &FormData, citations: Vec<String>) -> FormState {
    let mut form = FormState::new();
    for field in TYPED {
        form.set(field, data.get(field));
    }
    form.set_all("clauses", citations);
    form.set_all("ban", data.all("ban"));
    form
}

impl Proposal {
    /// Reads the measure form; returns the proposal or the form with its errors (and everything
    /// typed kept).
    pub fn from_form(
        data: &FormData,
        lang: Lang,
        clauses: &[ClauseText],
        today: chrono::NaiveDate,
    ) -> Result<Proposal, FormState> {
        let citations: Vec<String> = data
            .all("clauses")
            .into_iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        let mut form = as_typed(data, citations.clone());
        form.set("request_key", data.get("request_key"));
        let kind = MeasureKind::parse(data.get("kind"));
        if kind.is_none() {
            form.fail(lang, "kind", "error-measure-kind");
        }
        if citations.is_empty() {
            form.fail(lang, "clauses", "error-measure-clauses");
        } else if let Some(unknown) = citations
            .iter()
            .find(|c| !clauses.iter().any(|k| k.citation() == **c))
        {
            form.add_error(
                "clauses",
                lang.t_args(
                    "error-measure-clause-unknown",
                    &[("clause", unknown.clone())],
                ),
            );
        } else if !clauses
            .iter()
            .filter(|k| citations.contains(&k.citation()))
            .any(measures::can_be_breached)
        {
            // F.11: a measure answers a breach, so it cites a clause that can be breached.
            form.fail(lang, "clauses", "error-measure-clause-breach");
        }
        let reason = REASON.read(&mut form, lang, "reason", data.get("reason"));
        let mut proposal = Proposal {
            kind: kind.unwrap_or(MeasureKind::Warning),
            citations,
            reason: reason.unwrap_or_default(),
            deadline: None,
            amount: None,
            restriction: None,
            membership_id: None,
            ban_email: false,
            ban_domains: false,
            escalates: data.get("escalates").parse().ok(),
            request_key: data.get("request_key").trim().to_owned(),
        };
        match kind {
            Some(MeasureKind::CurePeriod) => {
                match chrono::NaiveDate::parse_from_str(data.get("deadline").trim(), "%Y-%m-%d") {
                    Ok(d) if d > today => proposal.deadline = Some(d),
                    Ok(_) => form.fail(lang, "deadline", "error-deadline-past"),
                    Err(_) => form.fail(lang, "deadline", "error-deadline-date"),
                }
            }
            Some(MeasureKind::Deduct) => {
                match Money::parse(&typed_amount(data.get("amount")), Currency::EUR) {
                    Ok(m) if m.minor > 0 => proposal.amount = Some(m),
                    Ok(_) => form.fail(lang, "amount", "error-amount-positive"),
                    Err(e) => form.fail(lang, "amount", e.message_key()),
                }
            }
            Some(MeasureKind::Restrict) => match Restriction::parse(data.get("restriction")) {
                Some(Restriction::Membership) => {
                    proposal.restriction = Some(Restriction::Membership);
                    match data.get("membership").parse::<MembershipId>() {
                        Ok(id) => proposal.membership_id = Some(id),
                        Err(_) => form.fail(lang, "membership", "error-membership-choose"),
                    }
                }
                Some(r) => proposal.restriction = Some(r),
                None => form.fail(lang, "restriction", "error-restriction-choose"),
            },
            Some(MeasureKind::Ban) => {
                let ban = data.all("ban");
                proposal.ban_email = ban.iter().any(|b| b == "email");
                proposal.ban_domains = ban.iter().any(|b| b == "domain");
                if !proposal.ban_email && !proposal.ban_domains {
                    form.fail(lang, "ban", "error-ban-choose");
                }
            }
            _ => {}
        }
        let key_ok = (16..=64).contains(&proposal.request_key.len())
            && proposal.request_key.chars().all(|c| c.is_ascii_hexdigit());
        if !key_ok {
            // A form from elsewhere: a new key, and the manager sends it again.
            form.set("request_key", new_request_key());
            form.fail(lang, "kind", "error-form-expired");
        }
        if form.has_errors() {
            Err(form)
        } else {
            Ok(proposal)
        }
    }

    /// The form again as it was typed, with a fresh key and the message of a measure
    /// `measures::take` refused.
    pub fn refused(&self, data: &FormData, lang: Lang, problem: &TakeError) -> FormState {
        let (field, key) = match problem {
            TakeError::UnknownClause(_) => ("clauses", "error-measure-clause-gone"),
            TakeError::NoBreachCited => ("clauses", "error-measure-clause-breach"),
            TakeError::AlreadyTerminated => ("kind", "error-already-terminated"),
            TakeError::UnknownMembership | TakeError::MembershipNotActive => {
                ("membership", "error-membership-choose")
            }
            TakeError::NothingToBan => ("ban", "error-ban-nothing"),
            _ => ("kind", "error-not-escalatable"),
        };
        let mut form = as_typed(data, self.citations.clone());
        form.set("request_key", new_request_key());
        form.fail(lang, field, key);
        form
    }
}
