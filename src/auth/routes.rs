//! `/{lang}/login`, `POST /logout`, `/{lang}/password/forgot`, `/{lang}/password/reset/{token}`,
//! `/{lang}/account` (dashboard), `/{lang}/account/password` and `/{lang}/manage`.

use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::account_tokens::{self, Purpose, TokenProblem};
use super::login::{self, Landing, LoginOutcome, Refusal};
use super::{second_factor, session_store};
use crate::accounts::{self, Account};
use crate::domain::{password, EmailAddress};
use crate::enforcement::links;
use crate::enforcement::subjects::{Subject, SubjectKind};
use crate::forms::FormState;
use crate::i18n::Lang;
use crate::participants;
use crate::state::AppState;
use crate::web::extract::{AccountPage, CsrfForm, InPath, SessionPage};
use crate::web::session::{self, PendingLogin};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx, NoticeQuery};

pub fn configure(cfg: &mut web::ServiceConfig, limiter: &crate::web::limiter::Limiter) {
    cfg.service(limiter.form("/login", login_form, login_submit))
        .service(limiter.form("/password/forgot", forgot_form, forgot_submit))
        .service(limiter.form("/password/reset/{token}", reset_form, reset_submit))
        .route("/account", web::get().to(dashboard))
        .route("/account/sessions", web::get().to(sessions_page))
        .route("/account/sessions", web::post().to(end_other_sessions))
        .service(limiter.form("/account/password", change_form, change_submit));
}

/// Messages a page may show after a redirect, chosen by name from this list only.
const NOTICES: &[&str] = &[
    "login-required",
    "logged-out",
    "password-reset-done",
    "password-changed",
    "account-terminated",
    "second-factor-expired",
    "second-factor-turned-off",
];

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage {
    ctx: Ctx,
    form: FormState,
    notice: Option<String>,
    /// Set when the password was right but the account is not activated yet.
    inactive: bool,
    /// Set when the password was right but the participant was terminated (F.11.e): why, in
    /// the visitor's language.
    terminated: Option<String>,
    /// Set when the password was right but the participant is banned (F.11.g): the link to
    /// object to the ban.
    ban_objection: Option<String>,
}

impl LoginPage {
    /// The login form shown again with what was typed and the messages next to its fields.
    fn again(ctx: Ctx, form: FormState) -> LoginPage {
        LoginPage {
            ctx,
            form,
            notice: None,
            inactive: false,
            terminated: None,
            ban_objection: None,
        }
    }

    /// The login form shown again after `refusal`, with its answer's status; whoever
    /// refused logins come from (`peer`) is logged.
    fn refused(
        ctx: Ctx,
        mut form: FormState,
        refusal: Refusal,
        peer: &str,
        secret_key: &[u8],
    ) -> (StatusCode, LoginPage) {
        let lang = ctx.lang;
        let mut page = LoginPage::again(ctx, FormState::new());
        let mut status = StatusCode::UNPROCESSABLE_ENTITY;
        let message = match refusal {
            Refusal::Terminated(termination) => {
                page.terminated = Some(termination.message(lang));
                None
            }
            Refusal::Inactive => {
                page.inactive = true;
                None
            }
            Refusal::Disabled => {
                tracing::warn!(peer = %peer, "login refused: the account is disabled");
                Some("error-login-disabled")
            }
            Refusal::Banned(ban_id) => {
                tracing::warn!(peer = %peer, "login refused: the participant is banned (F.11.g)");
                // Said only to whoever knows the password: where to object to the ban (G.12).
                let subject = Subject::new(SubjectKind::Ban, ban_id);
                page.ban_objection = Some(links::action_objection_path(secret_key, lang, subject));
                Some("error-login-banned")
            }
            Refusal::Wrong => {
                tracing::warn!(peer = %peer, "login failed");
                Some("error-login-failed")
            }
            Refusal::Limited => {
                tracing::warn!(peer = %peer, "login refused: too many failures");
                status = StatusCode::TOO_MANY_REQUESTS;
                Some("error-login-limited")
            }
        };
        if let Some(key) = message {
            form.add_error("email", lang.t(key));
        }
        page.form = form;
        (status, page)
    }
}

async fn login_form(ctx: Ctx, query: web::Query<NoticeQuery>) -> Result<HttpResponse, AppError> {
    let notice = query.text(&ctx, NOTICES);
    if ctx.user.is_some() && notice.is_none() {
        return Ok(see_other(&ctx.href(ctx.home_path())));
    }
    render(&LoginPage {
        ctx,
        form: FormState::new(),
        notice,
        inactive: false,
        terminated: None,
        ban_objection: None,
    })
}

/// `POST /{lang}/login` (`email`, `password`): logs in, sends on to the second factor, or
/// shows the form again saying why not (`login::attempt` decides).
async fn login_submit(page: SessionPage, data: CsrfForm) -> Result<HttpResponse, AppError> {
    let ip_hash = page.ip_hash();
    let peer = page.address().map(|ip| ip.to_string()).unwrap_or_default();
    let (ctx, state, session) = page.into_parts();
    let mut form = FormState::new();
    form.set("email", data.get("email"));
    let Some((email, password)) = login_input(&mut form, ctx.lang, &data) else {
        return render_form(true, &LoginPage::again(ctx, form));
    };
    let outcome = with_conn(&state, move |conn| {
        login::attempt(conn, &email, &password, &ip_hash)
    })
    .await?;
    match outcome {
        LoginOutcome::LoggedIn(account, landing) => {
            Ok(see_other(&land(&ctx, &session, &account, landing, false)?))
        }
        LoginOutcome::SecondFactor(account_id, step) => {
            let enrol = step == second_factor::Needed::Enrolment;
            PendingLogin::start(&session, account_id, enrol)
                .map_err(|e| AppError::Other(anyhow::anyhow!("session: {e}")))?;
            tracing::info!(
                account_id = account_id.get(),
                enrol,
                "password right, second factor to come"
            );
            let next = if enrol { "/login/enrol" } else { "/login/code" };
            Ok(see_other(&ctx.href(next)))
        }
        LoginOutcome::Refused(refusal) => {
            let secret_key = &state.settings.secret_key;
            let (status, page) = LoginPage::refused(ctx, form, refusal, &peer, secret_key);
            crate::web::render_status(status, &page)
        }
    }
}

/// The address and password typed, or `None` with the messages next to the fields.
fn login_input(
    form: &mut FormState,
    lang: Lang,
    data: &CsrfForm,
) -> Option<(EmailAddress, String)> {
    let email = EmailAddress::parse(data.get("email"));
    let password = data.get("password").to_owned();
    if password.is_empty() {
        form.fail(lang, "password", "error-password-empty");
    }
    match email {
        Err(e) => {
            form.fail(lang, "email", e.message_key());
            None
        }
        Ok(_) if password.is_empty() => None,
        Ok(email) => Some((email, password)),
    }
}

/// Mails the account that its password changed, in its language, with the link to choose a new
/// one should someone else have done it.
async fn tell_password_changed(state: &web::Data<AppState>, account: &Account) {
    let lang = account.lang();
    let base = state.settings.base_url.as_str().trim_end_matches('/');
    let link = format!("{base}/{}/password/forgot", lang.code());
    let content = crate::mail::password_changed(lang, &link);
    state.mailer.deliver(content, &account.email).await;
}

/// A new session (new key, new CSRF token) for `account`: renewing at login defeats session
/// fixation.
fn start_session(session: &Session, account: &Account) -> Result<(), AppError> {
    session.renew();
    session.remove("csrf");
    let insert = |k: &str, v: serde_json::Value| {
        session
            .insert(k, v)
            .map_err(|e| AppError::Other(anyhow::anyhow!("session: {e}")))
    };
    insert(session::SESSION_ACCOUNT, account.id.get().into())?;
    insert(session::SESSION_EMAIL, account.email.clone().into())?;
    insert(session::SESSION_ROLE, account.role.as_str().into())?;
    insert(session::SESSION_ADMIN, account.is_administrator().into())?;
    insert(
        session::SESSION_AUTH_AT,
        chrono::Utc::now().timestamp().into(),
    )?;
    Ok(())
}

/// Logs the session in as `account` (a new session, see `start_session`), noting whether the
/// login passed a second factor; the path the login goes on to.
pub(super) fn land(
    ctx: &Ctx,
    session: &Session,
    account: &Account,
    landing: Landing,
    second_factor: bool,
) -> Result<String, AppError> {
    start_session(session, account)?;
    session.remove(session::SESSION_PENDING);
    session
        .insert(session::SESSION_SECOND_FACTOR, second_factor)
        .map_err(|e| AppError::Other(anyhow::anyhow!("session: {e}")))?;
    tracing::info!(account_id = account.id.get(), second_factor, "logged in");
    Ok(match landing {
        Landing::Home if account.is_manager() => ctx.href("/manage"),
        Landing::Home => ctx.href("/account"),
        Landing::Rules => ctx.href("/account/rules"),
        Landing::Stay => ctx.href(ctx.rest.split('?').next().unwrap_or("/account")),
    })
}

/// `POST /logout` (`csrf_token`, `lang`).
pub async fn logout(session: Session, data: CsrfForm) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_code(data.get("lang")).unwrap_or(Lang::DEFAULT);
    session.purge();
    Ok(see_other(&format!(
        "/{}/login?notice=logged-out",
        lang.code()
    )))
}

async fn forgot_form(ctx: Ctx) -> Result<HttpResponse, AppError> {
    super::mailed_links::form(ctx, Purpose::PasswordReset).await
}

async fn forgot_submit(
    ctx: Ctx,
    state: web::Data<AppState>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    super::mailed_links::submit(ctx, state, &data, Purpose::PasswordReset).await
}

#[derive(Template)]
#[template(path = "auth/reset.html")]
struct ResetPage {
    ctx: Ctx,
    form: FormState,
    token: String,
    problem: Option<TokenProblem>,
}

impl ResetPage {
    fn problem_key(&self) -> &'static str {
        match self.problem {
            None => "",
            Some(TokenProblem::Unknown) => "reset-unknown",
            Some(TokenProblem::Used) => "reset-used",
            Some(TokenProblem::Expired) => "reset-expired",
        }
    }
}

async fn reset_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    InPath(token): InPath<String>,
) -> Result<HttpResponse, AppError> {
    let check_token = token.clone();
    let checked = with_conn(&state, move |conn| {
        Ok(account_tokens::check(
            conn,
            &check_token,
            Purpose::PasswordReset,
        )?)
    })
    .await?;
    let page = ResetPage {
        ctx,
        form: FormState::new(),
        token: if checked.is_ok() {
            token
        } else {
            String::new()
        },
        problem: checked.err(),
    };
    if page.problem.is_some() {
        return crate::web::render_status(actix_web::http::StatusCode::NOT_FOUND, &page);
    }
    render(&page)
}

async fn reset_submit(
    page: SessionPage,
    InPath(token): InPath<String>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let (ctx, state, session) = page.into_parts();
    let check_token = token.clone();
    let account = with_conn(&state, move |conn| {
        Ok(
            match account_tokens::check(conn, &check_token, Purpose::PasswordReset)? {
                Ok((_, account_id)) => Ok(accounts::find(conn, account_id)?),
                Err(problem) => Err(problem),
            },
        )
    })
    .await?;
    let account = match account {
        Ok(Some(a)) => a,
        Ok(None) => return Err(AppError::NotFound),
        Err(problem) => {
            let page = ResetPage {
                ctx,
                form: FormState::new(),
                token: String::new(),
                problem: Some(problem),
            };
            return crate::web::render_status(actix_web::http::StatusCode::NOT_FOUND, &page);
        }
    };
    let mut form = FormState::new();
    let Some(password) = super::new_password(&mut form, ctx.lang, &data, &account.email) else {
        return render_form(
            true,
            &ResetPage {
                ctx,
                form,
                token,
                problem: None,
            },
        );
    };
    let hash = web::block(move || password.hash()).await?;
    let used = with_conn(&state, move |conn| {
        crate::db::write_transaction(conn, |conn| {
            let used = account_tokens::consume(conn, &token, Purpose::PasswordReset)?;
            if let Ok(account_id) = used {
                accounts::set_password_hash(conn, account_id, &hash)?;
                // Proven owner of the address with a password of their own: an account not
                // activated yet (maybe signed up by someone else) is theirs now.
                accounts::activate(conn, account_id)?;
                // Whoever was logged in with the old password is logged out.
                session_store::end_other_sessions(conn, account_id, None)?;
            }
            Ok::<_, diesel::result::Error>(used.is_ok())
        })
        .map_err(AppError::from)
    })
    .await?;
    if !used {
        return Err(AppError::NotFound);
    }
    tracing::info!(account_id = account.id.get(), "password reset");
    tell_password_changed(&state, &account).await;
    session.purge();
    Ok(see_other(&ctx.href("/login?notice=password-reset-done")))
}

#[derive(Template)]
#[template(path = "auth/dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    account: Account,
    kind: Option<String>,
    company_name: Option<String>,
    channels: Vec<crate::channels::ChannelSummary>,
    notice: Option<String>,
    unread_notices: i64,
    rules_pending: bool,
    /// Whether the account logs in with a second factor.
    second_factor: bool,
}

async fn dashboard(page: AccountPage) -> Result<HttpResponse, AppError> {
    if page.who.account.is_manager() {
        return Ok(see_other(&page.ctx.href("/manage")));
    }
    let (participant, channels, unread_notices, rules_pending, second_factor) = page
        .run(move |conn, account_id| -> Result<_, AppError> {
            let participant = participants::of_account(conn, account_id)?;
            let (channels, unread, pending) = match &participant {
                Some(p) => (
                    crate::channels::summaries(conn, p.id)?,
                    participants::standing::unread_notices(conn, p.id)?,
                    crate::programme::versions::to_accept(conn, p.id)?.is_some(),
                ),
                None => (Vec::new(), 0, false),
            };
            let second_factor = second_factor::is_enabled(conn, account_id)?;
            Ok((participant, channels, unread, pending, second_factor))
        })
        .await?;
    let notice = page.notice(NOTICES);
    let ctx = page.ctx;
    render(&DashboardPage {
        kind: participant
            .as_ref()
            .map(|p| ctx.t(&format!("kind-{}", p.kind.as_str()))),
        company_name: participant.map(|p| p.company_name),
        ctx,
        account: page.who.account,
        channels,
        notice,
        unread_notices,
        rules_pending,
        second_factor,
    })
}

#[derive(Template)]
#[template(path = "auth/password.html")]
struct ChangePasswordPage {
    ctx: Ctx,
    form: FormState,
}

async fn change_form(page: AccountPage) -> Result<HttpResponse, AppError> {
    render(&ChangePasswordPage {
        ctx: page.ctx,
        form: FormState::new(),
    })
}

async fn change_submit(
    session: Session,
    page: AccountPage,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let lang = page.ctx.lang;
    let account = &page.who.account;
    let mut form = FormState::new();
    let current = data.get("current_password").to_owned();
    let stored = account.password_hash.clone();
    let current_ok = web::block(move || password::verify(&current, &stored)).await?;
    if !current_ok {
        form.fail(lang, "current_password", "error-current-password");
    }
    let new = super::new_password(&mut form, lang, &data, &account.email);
    let Some(new) = new.filter(|_| current_ok) else {
        return render_form(
            true,
            &ChangePasswordPage {
                ctx: page.ctx,
                form,
            },
        );
    };
    let hash = web::block(move || new.hash()).await?;
    page.run(move |conn, account_id| {
        crate::db::write_transaction(conn, |conn| {
            accounts::set_password_hash(conn, account_id, &hash)?;
            // Every other session of the account ends; this one continues under a new key.
            session_store::end_other_sessions(conn, account_id, None)
        })
    })
    .await?;
    start_session(&session, account)?;
    tracing::info!(account_id = account.id.get(), "password changed");
    tell_password_changed(&page.state, account).await;
    Ok(see_other(
        &page.ctx.href("/account?notice=password-changed"),
    ))
}

#[derive(Template)]
#[template(path = "auth/sessions.html")]
struct SessionsPage {
    ctx: Ctx,
    /// When each logged-in session ends if left idle (this one included).
    sessions: Vec<chrono::NaiveDateTime>,
    notice: Option<String>,
}

/// `/{lang}/account/sessions`: how many sessions the account has, and "log out everywhere else".
async fn sessions_page(page: AccountPage) -> Result<HttpResponse, AppError> {
    let sessions = page.run(session_store::sessions_of).await?;
    render(&SessionsPage {
        notice: page.notice(&["sessions-ended"]),
        ctx: page.ctx,
        sessions,
    })
}

/// Ends every other session of the account; this one continues under a new key.
async fn end_other_sessions(
    session: Session,
    page: AccountPage,
    _data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let ended = page
        .run(|conn, account_id| session_store::end_other_sessions(conn, account_id, None))
        .await?;
    let account = &page.who.account;
    start_session(&session, account)?;
    tracing::info!(
        account_id = account.id.get(),
        ended,
        "logged out everywhere else"
    );
    Ok(see_other(
        &page.ctx.href("/account/sessions?notice=sessions-ended"),
    ))
}
