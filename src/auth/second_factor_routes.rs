//! The second step of a login and the second factor's own pages:
//! - `/{lang}/login/code` (`code`, or `recovery_code`): after a right password, the code from the
//!   app or a recovery code; only then is the session logged in;
//! - `/{lang}/login/enrol` (`code`): an account manager without a second factor enrols before
//!   anything else;
//! - `/{lang}/account/second-factor` (`code`): a logged-in account turns it on (a publisher may);
//!   `POST /{lang}/account/second-factor/off` (`password`, `code`) turns it off again.

use actix_session::Session;
use actix_web::{web, HttpResponse};
use askama::Template;
use diesel::QueryResult;

use super::login::{after_login, Landing};
use super::routes::land;
use super::second_factor::{self, Checked, Enrolment};
use super::session_store;
use crate::accounts::{self, Account};
use crate::db::ids::AccountId;
use crate::db::AnyConnection;
use crate::domain::password;
use crate::forms::FormState;
use crate::rate_limit::PasswordTry;
use crate::state::AppState;
use crate::web::extract::{AccountPage, CsrfForm, SessionPage};
use crate::web::session::PendingLogin;
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig, limiter: &crate::web::limiter::Limiter) {
    cfg.service(limiter.form("/login/code", code_form, code_submit))
        .service(limiter.form("/login/enrol", enrol_at_login_form, enrol_at_login_submit))
        .service(limiter.form("/account/second-factor", account_page, account_enrol))
        .service(
            web::resource("/account/second-factor/off")
                .wrap(limiter.governor())
                .route(web::post().to(turn_off)),
        );
}

/// The login waiting for its second step: the enrolment (`enrol`) or the code.
fn pending_step(page: &SessionPage, enrol: bool) -> Option<PendingLogin> {
    PendingLogin::of(&page.who).filter(|p| p.enrol == enrol)
}

/// The login page again, saying the password must be given anew (no pending login, or an old one).
fn login_again(ctx: &Ctx) -> HttpResponse {
    see_other(&ctx.href("/login?notice=second-factor-expired"))
}

#[derive(Template)]
#[template(path = "auth/login_code.html")]
struct CodePage {
    ctx: Ctx,
    form: FormState,
}

async fn code_form(ctx: Ctx, session: Session) -> Result<HttpResponse, AppError> {
    match PendingLogin::of(&session) {
        Some(p) if !p.enrol => render(&CodePage {
            ctx,
            form: FormState::new(),
        }),
        _ => Ok(login_again(&ctx)),
    }
}

enum CodeResult {
    LoggedIn(Account, Landing),
    Wrong,
    Limited,
    Gone,
}

/// The account of a pending login, unless it was disabled or is no longer active meanwhile
/// (then the password again, which says why).
fn pending_account(
    conn: &mut AnyConnection,
    account_id: AccountId,
) -> QueryResult<Option<Account>> {
    Ok(accounts::find(conn, account_id)?.filter(|a| a.is_active() && !a.is_disabled()))
}

async fn code_submit(page: SessionPage, data: CsrfForm) -> Result<HttpResponse, AppError> {
    let Some(pending) = pending_step(&page, false) else {
        return Ok(login_again(&page.ctx));
    };
    let ip_hash = page.ip_hash();
    let (ctx, state, session) = page.into_parts();
    let lang = ctx.lang;
    // The app's code, or else a recovery code from the other field.
    let (field, typed) = if data.get("recovery_code").trim().is_empty() {
        ("code", data.get("code").trim().to_owned())
    } else {
        ("recovery_code", data.get("recovery_code").trim().to_owned())
    };
    let mut form = FormState::new();
    if typed.is_empty() {
        form.fail(lang, "code", "error-second-factor-code-empty");
        return render_form(true, &CodePage { ctx, form });
    }
    let key = state.settings.secret_key.clone();
    let account_id = pending.account_id;
    let result = with_conn(&state, move |conn| {
        let Some(account) = pending_account(conn, account_id)? else {
            return Ok(CodeResult::Gone);
        };
        // The code counts against the same limits as the password it follows.
        let attempt = PasswordTry::new(&account.email, &ip_hash);
        if !attempt.record_then_check(conn)? {
            return Ok(CodeResult::Limited);
        }
        match second_factor::check(conn, &key, account_id, &typed, second_factor::now_seconds())? {
            Checked::Refused => Ok(CodeResult::Wrong),
            Checked::Code | Checked::RecoveryCode => {
                // Both tries of this login, the password's and the code's, were right.
                attempt.succeeded(conn)?;
                attempt.succeeded(conn)?;
                let landing = after_login(conn, &account, &ip_hash)?;
                Ok(CodeResult::LoggedIn(account, landing))
            }
        }
    })
    .await?;
    match result {
        CodeResult::LoggedIn(account, landing) => {
            Ok(see_other(&land(&ctx, &session, &account, landing, true)?))
        }
        CodeResult::Gone => Ok(login_again(&ctx)),
        CodeResult::Wrong => {
            tracing::warn!(account_id = account_id.get(), "second factor refused");
            form.fail(lang, field, "error-second-factor-code-wrong");
            render_form(true, &CodePage { ctx, form })
        }
        CodeResult::Limited => {
            tracing::warn!(
                account_id = account_id.get(),
                "second factor refused: too many failures"
            );
            form.fail(lang, field, "error-login-limited");
            crate::web::render_status(
                actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                &CodePage { ctx, form },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "auth/second_factor.html")]
struct EnrolPage {
    ctx: Ctx,
    form: FormState,
    /// Where the form posts: `/login/enrol` or `/account/second-factor`.
    action: String,
    /// The QR code of the `otpauth://` address, as an inline SVG element.
    qr_svg: String,
    /// The secret in base32, for typing into an app that cannot scan.
    secret_text: String,
    /// Enrolling at login (a manager must), not from the account page.
    at_login: bool,
}

impl EnrolPage {
    fn new(ctx: Ctx, form: FormState, secret: &[u8], email: &str, at_login: bool) -> EnrolPage {
        let url = second_factor::otpauth_url(secret, email);
        let qr_svg = crate::tracking::links::qr_svg(&url)
            .map(|svg| inline_svg(&svg))
            .unwrap_or_default();
        EnrolPage {
            action: ctx.href(if at_login {
                "/login/enrol"
            } else {
                "/account/second-factor"
            }),
            ctx,
            form,
            qr_svg,
            secret_text: second_factor::secret_text(secret),
            at_login,
        }
    }
}

/// The QR code's SVG document as an element, labelled by the figure's caption.
fn inline_svg(document: &str) -> String {
    let start = document.find("<svg").unwrap_or(0);
    document[start..].replacen("<svg", "<svg role=\"img\" aria-labelledby=\"qr-label\"", 1)
}

#[derive(Template)]
#[template(path = "auth/recovery_codes.html")]
struct RecoveryCodesPage {
    ctx: Ctx,
    codes: Vec<String>,
    /// Where "continue" leads: the console or the account.
    next: String,
}

/// The account and its enrolment's secret (begun now, or the one begun before).
async fn begun(
    state: &web::Data<AppState>,
    account_id: AccountId,
) -> Result<Option<(Account, Enrolment)>, AppError> {
    let key = state.settings.secret_key.clone();
    with_conn(state, move |conn| {
        let Some(account) = accounts::find(conn, account_id)? else {
            return Ok(None);
        };
        let enrolment = second_factor::begin(conn, &key, account_id)?;
        Ok(Some((account, enrolment)))
    })
    .await
}

async fn enrol_at_login_form(page: SessionPage) -> Result<HttpResponse, AppError> {
    let Some(pending) = pending_step(&page, true) else {
        return Ok(login_again(&page.ctx));
    };
    let (ctx, state, _) = page.into_parts();
    match begun(&state, pending.account_id).await? {
        Some((account, Enrolment::Pending(secret))) => render(&EnrolPage::new(
            ctx,
            FormState::new(),
            &secret,
            &account.email,
            true,
        )),
        // Enrolled meanwhile in another window: the password again, then the code.
        _ => Ok(login_again(&ctx)),
    }
}

async fn enrol_at_login_submit(
    page: SessionPage,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let Some(pending) = pending_step(&page, true) else {
        return Ok(login_again(&page.ctx));
    };
    let ip_hash = page.ip_hash();
    let (ctx, state, session) = page.into_parts();
    let key = state.settings.secret_key.clone();
    let code = data.get("code").to_owned();
    let account_id = pending.account_id;
    let done = with_conn(&state, move |conn| {
        let Some(account) = pending_account(conn, account_id)? else {
            return Ok(None);
        };
        let codes = second_factor::confirm(conn, &key, account_id, &code, now())?;
        let Some(codes) = codes else {
            return Ok(Some((account, None)));
        };
        let landing = after_login(conn, &account, &ip_hash)?;
        Ok(Some((account, Some((codes, landing)))))
    })
    .await?;
    match done {
        None => Ok(login_again(&ctx)),
        Some((account, Some((codes, landing)))) => {
            tracing::info!(
                account_id = account_id.get(),
                "second factor enrolled at login"
            );
            let next = land(&ctx, &session, &account, landing, true)?;
            render(&RecoveryCodesPage {
                ctx: logged_in(ctx, &session),
                codes,
                next,
            })
        }
        Some((account, None)) => enrol_again(ctx, &state, account, data.get("code"), true).await,
    }
}

/// The enrolment page again, with the code's problem next to its field.
async fn enrol_again(
    ctx: Ctx,
    state: &web::Data<AppState>,
    account: Account,
    typed: &str,
    at_login: bool,
) -> Result<HttpResponse, AppError> {
    let mut form = FormState::new();
    form.set("code", typed);
    let key = if typed.trim().is_empty() {
        "error-second-factor-code-empty"
    } else {
        "error-second-factor-code-wrong"
    };
    form.fail(ctx.lang, "code", key);
    match begun(state, account.id).await? {
        Some((account, Enrolment::Pending(secret))) => render_form(
            true,
            &EnrolPage::new(ctx, form, &secret, &account.email, at_login),
        ),
        _ => Ok(login_again(&ctx)),
    }
}

/// The page's context as the session is now (logged in by this request): the header shows the
/// account's menu and logout.
fn logged_in(mut ctx: Ctx, session: &Session) -> Ctx {
    ctx.user = crate::web::session::SessionUser::from_session(session);
    ctx
}

fn now() -> u64 {
    second_factor::now_seconds()
}

#[derive(Template)]
#[template(path = "auth/second_factor_on.html")]
struct OnPage {
    ctx: Ctx,
    form: FormState,
    recovery_codes_left: i64,
    /// Account managers must keep it: no form to turn it off.
    required: bool,
}

/// `/{lang}/account/second-factor`: turned on, with the form to turn it off; or the enrolment.
async fn account_page(page: AccountPage) -> Result<HttpResponse, AppError> {
    show_account_page(page.ctx, &page.state, page.who.account, FormState::new()).await
}

async fn show_account_page(
    ctx: Ctx,
    state: &web::Data<AppState>,
    account: Account,
    form: FormState,
) -> Result<HttpResponse, AppError> {
    let invalid = form.has_errors();
    let account_id = account.id;
    match begun(state, account_id).await? {
        Some((_, Enrolment::AlreadyOn)) => {
            let left = with_conn(state, move |conn| {
                Ok(second_factor::recovery_codes_left(conn, account_id)?)
            })
            .await?;
            render_form(
                invalid,
                &OnPage {
                    ctx,
                    form,
                    recovery_codes_left: left,
                    required: account.is_manager(),
                },
            )
        }
        Some((account, Enrolment::Pending(secret))) => render_form(
            invalid,
            &EnrolPage::new(ctx, form, &secret, &account.email, false),
        ),
        None => Err(AppError::NotFound),
    }
}

/// Turns the second factor on from the account page: this session goes on under a new key as
/// one that passed it, every other session of the account ends (they did not).
async fn account_enrol(
    session: Session,
    page: AccountPage,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let (ctx, state, user) = page.into_parts();
    let key = state.settings.secret_key.clone();
    let code = data.get("code").to_owned();
    let account_id = user.account.id;
    let codes = with_conn(&state, move |conn| {
        let codes = second_factor::confirm(conn, &key, account_id, &code, now())?;
        if codes.is_some() {
            session_store::end_other_sessions(conn, account_id, None)?;
        }
        Ok(codes)
    })
    .await?;
    let Some(codes) = codes else {
        return enrol_again(ctx, &state, user.account, data.get("code"), false).await;
    };
    tracing::info!(account_id = account_id.get(), "second factor turned on");
    land(&ctx, &session, &user.account, Landing::Stay, true)?;
    let next = ctx.href("/account/second-factor");
    render(&RecoveryCodesPage {
        ctx: logged_in(ctx, &session),
        codes,
        next,
    })
}

enum OffResult {
    Done,
    WrongPassword,
    WrongCode,
    Limited,
}

/// `POST /{lang}/account/second-factor/off`: the password and a code, and it is off.
async fn turn_off(page: AccountPage, data: CsrfForm) -> Result<HttpResponse, AppError> {
    let ip_hash = page.ip_hash();
    let (ctx, state, user) = page.into_parts();
    if user.account.is_manager() {
        // Required for account managers: there is no form for it, and none is taken.
        return Err(AppError::Forbidden);
    }
    let lang = ctx.lang;
    let mut form = FormState::new();
    let typed_password = data.get("password").to_owned();
    let typed_code = data.get("code").trim().to_owned();
    if typed_password.is_empty() {
        form.fail(lang, "password", "error-password-empty");
    }
    if typed_code.is_empty() {
        form.fail(lang, "code", "error-second-factor-code-empty");
    }
    if form.has_errors() {
        form.set("code", typed_code);
        return show_account_page(ctx, &state, user.account, form).await;
    }
    let key = state.settings.secret_key.clone();
    let account = user.account.clone();
    let code = typed_code.clone();
    let result = with_conn(&state, move |conn| {
        let attempt = PasswordTry::new(&account.email, &ip_hash);
        if !attempt.record_then_check(conn)? {
            return Ok(OffResult::Limited);
        }
        // Verification runs on this blocking thread (~15 ms).
        if !password::verify(&typed_password, &account.password_hash) {
            return Ok(OffResult::WrongPassword);
        }
        match second_factor::check(conn, &key, account.id, &code, now())? {
            Checked::Refused => Ok(OffResult::WrongCode),
            Checked::Code | Checked::RecoveryCode => {
                attempt.succeeded(conn)?;
                second_factor::remove(conn, account.id)?;
                Ok(OffResult::Done)
            }
        }
    })
    .await?;
    let problem = match result {
        OffResult::Done => {
            tracing::info!(
                account_id = user.account.id.get(),
                "second factor turned off"
            );
            return Ok(see_other(
                &ctx.href("/account?notice=second-factor-turned-off"),
            ));
        }
        OffResult::WrongPassword => ("password", "error-current-password"),
        OffResult::WrongCode => ("code", "error-second-factor-code-wrong"),
        OffResult::Limited => ("password", "error-login-limited"),
    };
    form.fail(lang, problem.0, problem.1);
    form.set("code", typed_code);
    show_account_page(ctx, &state, user.account, form).await
}
