//! "Send me a link by mail": the forgotten-password link and the activation link asked for
//! again. Both forms answer the same whatever the address, so a stranger cannot learn which
//! addresses are registered; the mail goes only to an account in the right state, at most
//! three of a kind per address an hour.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::account_tokens::{self, Purpose};
use crate::accounts;
use crate::domain::EmailAddress;
use crate::forms::{FormData, FormState};
use crate::i18n::Lang;
use crate::rate_limit;
use crate::state::AppState;
use crate::web::{render, render_form, with_conn, AppError, Ctx};

/// The page of a "send me a link" form (`/password/forgot`, `/signup/resend`): one page,
/// worded and addressed by its purpose.
#[derive(Template)]
#[template(path = "auth/mailed_link.html")]
struct LinkRequestPage {
    ctx: Ctx,
    form: FormState,
    sent: bool,
    purpose: Purpose,
}

impl LinkRequestPage {
    /// Its words: `part` is `title`, `sent` (the notice), `intro` or `submit` (the button),
    /// under `forgot-` or `resend-` by purpose.
    fn t(&self, part: &str) -> String {
        let page = match self.purpose {
            Purpose::PasswordReset => "forgot",
            Purpose::Activation => "resend",
        };
        self.ctx.t(&format!("{page}-{part}"))
    }

    /// Where the form posts to, and what a password manager may fill in its address field.
    fn action(&self) -> String {
        self.ctx.href(match self.purpose {
            Purpose::PasswordReset => "/password/forgot",
            Purpose::Activation => "/signup/resend",
        })
    }

    fn autocomplete(&self) -> &'static str {
        match self.purpose {
            Purpose::PasswordReset => "username",
            Purpose::Activation => "email",
        }
    }
}

/// The empty form asking for a link of `purpose`.
pub async fn form(ctx: Ctx, purpose: Purpose) -> Result<HttpResponse, AppError> {
    render(&LinkRequestPage {
        ctx,
        form: FormState::new(),
        sent: false,
        purpose,
    })
}

/// The form as submitted (see `requested`): shown again, with its message or that a link is on
/// its way — the same answer whether or not the address is known.
pub async fn submit(
    ctx: Ctx,
    state: web::Data<AppState>,
    data: &FormData,
    purpose: Purpose,
) -> Result<HttpResponse, AppError> {
    let (form, sent) = requested(&state, ctx.lang, data, purpose).await?;
    render_form(
        !sent,
        &LinkRequestPage {
            ctx,
            form,
            sent,
            purpose,
        },
    )
}

/// A "send me a link" form as submitted: the address checked, then `send`. Gives the form to
/// show again and whether a link was asked for: the form with the address's message when it is
/// not one (nothing sent), else an empty one, the same whether or not the address is known.
async fn requested(
    state: &web::Data<AppState>,
    lang: Lang,
    data: &FormData,
    purpose: Purpose,
) -> Result<(FormState, bool), AppError> {
    let mut form = FormState::new();
    match EmailAddress::parse(data.get("email")) {
        Ok(email) => {
            send(state, email, purpose).await?;
            Ok((form, true))
        }
        Err(e) => {
            form.set("email", data.get("email"));
            form.fail(lang, "email", e.message_key());
            Ok((form, false))
        }
    }
}

/// Mails a new one-time link of `purpose` to `email` when that is an account that may use
/// one: a reset link to any account (one not activated yet is activated by choosing a new
/// password: the owner of an address someone else signed up with takes it over that way), an
/// activation link to one not activated yet.
pub async fn send(
    state: &web::Data<AppState>,
    email: EmailAddress,
    purpose: Purpose,
) -> Result<(), AppError> {
    let to = email.clone();
    let issued = with_conn(state, move |conn| {
        let Some(account) = accounts::find_by_email(conn, &email)? else {
            return Ok(None);
        };
        let may_use = match purpose {
            Purpose::PasswordReset => true,
            Purpose::Activation => !account.is_active(),
        };
        let bucket = format!("mail:{}:{}", bucket_name(purpose), account.id);
        if !may_use || !rate_limit::try_acquire(conn, &bucket, rate_limit::MAILS_PER_ADDRESS)? {
            return Ok(None);
        }
        let token = account_tokens::issue(conn, account.id, purpose)?;
        Ok(Some((account.lang(), token)))
    })
    .await?;
    let Some((lang, token)) = issued else {
        return Ok(());
    };
    let base = state.settings.base_url.as_str().trim_end_matches('/');
    let content = match purpose {
        Purpose::PasswordReset => crate::mail::password_reset(
            lang,
            &format!("{base}/{}/password/reset/{token}", lang.code()),
            account_tokens::LIFETIME_HOURS,
        ),
        Purpose::Activation => crate::mail::activation(
            lang,
            &format!("{base}/activate/{token}"),
            account_tokens::LIFETIME_HOURS,
        ),
    };
    state.mailer.deliver(content, to.as_str()).await;
    Ok(())
}

/// The mail limit's bucket per purpose (`mail:reset:ACCOUNT`, `mail:activation:ACCOUNT`).
fn bucket_name(purpose: Purpose) -> &'static str {
    match purpose {
        Purpose::PasswordReset => "reset",
        Purpose::Activation => "activation",
    }
}
