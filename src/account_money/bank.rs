//! The bank details payouts go to: the form read into an IBAN and a holder's name, the password
//! asked again, and the change saved with its audit line — decided in one place and without HTTP
//! (`routes::bank_submit` reads the form, calls `submit` and renders what it comes to).

use crate::accounts::Account;
use crate::db::ids::ParticipantId;
use crate::db::AnyConnection;
use crate::domain::sepa::{describe_char, AccountHolder, HolderError};
use crate::domain::Iban;
use crate::forms::{FormData, FormState};
use crate::i18n::Lang;
use crate::ledger::payouts::{self, BankAccount};
use crate::rate_limit::PasswordTry;
use crate::web::AppError;

/// A stored IBAN as pages and files show it: `NL91 **** **** **** 00`.
pub fn masked_iban(iban: &str) -> String {
    Iban::parse(iban).map(|i| i.masked()).unwrap_or_default()
}

/// The bank form as submitted: what was typed (kept in `form`, with each field's problem beside
/// it) and what it reads as.
pub struct BankForm {
    pub form: FormState,
    iban: Option<Iban>,
    holder: Option<AccountHolder>,
    password: String,
}

impl BankForm {
    pub fn read(data: &FormData, lang: Lang) -> BankForm {
        let mut form = FormState::new();
        let iban_text = data.get("iban").trim().to_owned();
        let holder_text = data.get("account_holder").trim().to_owned();
        form.set("iban", iban_text.clone());
        form.set("account_holder", holder_text.clone());
        let iban = Iban::parse(&iban_text)
            .map_err(|e| form.fail(lang, "iban", e.message_key()))
            .ok();
        let holder = AccountHolder::parse(&holder_text)
            .map_err(|e| holder_refused(&mut form, lang, e))
            .ok();
        let password = data.get("password").to_owned();
        if password.is_empty() {
            form.fail(lang, "password", "error-password-empty");
        }
        BankForm {
            form,
            iban,
            holder,
            password,
        }
    }
}

/// The holder's name refused, in words beside the field: what banks take, and which characters
/// they would not (EPC's SEPA character set).
fn holder_refused(form: &mut FormState, lang: Lang, error: HolderError) {
    match error {
        HolderError::Empty => form.fail(lang, "account_holder", "error-holder-empty"),
        HolderError::TooLong => form.fail(lang, "account_holder", "error-holder-too-long"),
        HolderError::Invisible => form.fail(lang, "account_holder", "error-holder-invisible"),
        HolderError::Characters(chars) => {
            let named: Vec<String> = chars.into_iter().map(describe_char).collect();
            form.add_error(
                "account_holder",
                lang.t_args(
                    "error-holder-characters",
                    &[("characters", named.join(", "))],
                ),
            );
        }
    }
}

/// What a submission of the bank form comes to.
pub enum Submitted {
    /// Saved: the new IBAN, masked, for the mail that tells the participant.
    Saved { masked: String },
    /// Not saved: the form with its problems, beside the details in use; `limited` when the
    /// password was not even checked (too many tries).
    Refused {
        form: FormState,
        current: Option<BankAccount>,
        limited: bool,
    },
}

/// Checks the password again and saves the details `bank` reads as, for `account`'s participant
/// from the address whose keyed hash is `ip_hash`. Runs Argon2 (~15 ms): not on a request
/// thread.
pub fn submit(
    conn: &mut AnyConnection,
    mut bank: BankForm,
    account: &Account,
    participant_id: ParticipantId,
    ip_hash: &[u8; 16],
    lang: Lang,
) -> Result<Submitted, AppError> {
    // Changing where money goes asks for the password again: a session left open is not enough.
    // Each try counts against the login's limits (per account and address, and per account),
    // so guessing here and at the login together is limited as one (issue 21, point 8).
    let mut limited = false;
    if !bank.password.is_empty() {
        match password_matches(conn, account, &bank.password, ip_hash)? {
            None => {
                limited = true;
                bank.form.fail(lang, "password", "error-password-limited");
            }
            Some(false) => bank.form.fail(lang, "password", "error-password-wrong"),
            Some(true) => {}
        }
    }
    let (Some(iban), Some(holder), false) = (bank.iban, bank.holder, bank.form.has_errors()) else {
        return Ok(Submitted::Refused {
            form: bank.form,
            current: payouts::bank_account(conn, participant_id)?,
            limited,
        });
    };
    let actor = account.actor(ip_hash);
    crate::db::write_transaction(conn, |conn| {
        save(conn, &actor, participant_id, &iban, &holder)
    })?;
    Ok(Submitted::Saved {
        masked: iban.masked(),
    })
}

/// Whether `typed` is the account's password, as a try under the login's limits: `None` past
/// them (not even the right password is accepted).
fn password_matches(
    conn: &mut AnyConnection,
    account: &Account,
    typed: &str,
    ip_hash: &[u8; 16],
) -> Result<Option<bool>, AppError> {
    let attempt = PasswordTry::new(&account.email, ip_hash);
    if !attempt.record_then_check(conn)? {
        return Ok(None);
    }
    let matches = crate::domain::password::verify(typed, &account.password_hash);
    if matches {
        attempt.succeeded(conn)?;
    }
    Ok(Some(matches))
}

/// New bank details, with their audit line (old and new IBAN masked) in the same transaction:
/// where money goes is never changed without a trace.
fn save(
    conn: &mut AnyConnection,
    actor: &crate::audit::Actor,
    participant_id: ParticipantId,
    iban: &Iban,
    holder: &AccountHolder,
) -> Result<(), AppError> {
    let before = payouts::bank_account(conn, participant_id)?;
    let now = crate::db::now();
    payouts::set_bank_account(conn, participant_id, iban, holder.as_str(), now)?;
    let mut entry = crate::audit::Entry::new(
        crate::audit::action::BANK_DETAILS_CHANGED,
        format!("participant {participant_id}"),
    )
    .participant(participant_id)
    .after(serde_json::json!({ "iban": iban.masked(), "holder": holder.as_str() }));
    if let Some(old) = before {
        entry = entry.before(serde_json::json!({
            "iban": masked_iban(&old.iban),
            "holder": old.holder,
        }));
    }
    crate::audit::record(conn, actor, entry, now)?;
    Ok(())
}
