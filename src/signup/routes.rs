//! `/{lang}/signup` (step 1), `/{lang}/signup/channel` (2), `/{lang}/signup/account` (3),
//! `/{lang}/signup/sent`, `/{lang}/signup/resend` and `/activate/{token}`.

use actix_session::Session;
use actix_web::{web, HttpResponse};
use askama::Template;

use super::draft::{self, ChannelInput, Draft, DraftData};
use super::registration::{self, Outcome};
use crate::accounts;
use crate::auth::account_tokens::{self, Purpose, TokenProblem};
use crate::db::ids::AccountId;
use crate::domain::participant;
use crate::domain::EmailAddress;
use crate::forms::{FormData, FormState};
use crate::i18n::Lang;
use crate::participants::ParticipantKind;
use crate::state::AppState;
use crate::web::extract::{CsrfForm, Extracted, Page, Redirect, SessionPage};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx};

#[derive(Template)]
#[template(path = "signup/email.html")]
struct EmailStep {
    ctx: Ctx,
    form: FormState,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "signup/channel.html")]
struct ChannelStep {
    ctx: Ctx,
    form: FormState,
    email: String,
}

#[derive(Template)]
#[template(path = "signup/account.html")]
struct AccountStep {
    ctx: Ctx,
    form: FormState,
    email: String,
}

#[derive(Template)]
#[template(path = "signup/sent.html")]
struct SentPage {
    ctx: Ctx,
}

#[derive(Template)]
#[template(path = "signup/activate.html")]
struct ActivatePage {
    ctx: Ctx,
    form: FormState,
    token: String,
    problem: Option<TokenProblem>,
}

impl ActivatePage {
    fn problem_key(&self) -> &'static str {
        problem_key(self.problem)
    }
}

#[derive(Template)]
#[template(path = "signup/activated.html")]
struct ActivatedPage {
    ctx: Ctx,
    problem: Option<TokenProblem>,
}

impl ChannelStep {
    fn kinds(&self) -> Vec<(&'static str, String, String)> {
        ParticipantKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    self.ctx.t(&format!("kind-{}", k.as_str())),
                    self.ctx.t(&format!("kind-{}-help", k.as_str())),
                )
            })
            .collect()
    }

    fn categories(&self) -> Vec<(&'static str, String)> {
        participant::category_options(self.ctx.lang)
    }

    fn methods(&self) -> Vec<(&'static str, String)> {
        participant::method_options(self.ctx.lang)
    }

    fn countries(&self) -> Vec<(&'static str, &'static str)> {
        participant::countries(self.ctx.lang)
    }
}

pub fn configure(cfg: &mut web::ServiceConfig, limiter: &crate::web::limiter::Limiter) {
    cfg.service(limiter.form("/signup", email_form, email_submit))
        .service(limiter.form("/signup/channel", channel_form, channel_submit))
        .service(limiter.form("/signup/account", account_form, account_submit))
        .route("/signup/sent", web::get().to(sent))
        .service(limiter.form("/signup/resend", resend_form, resend_submit));
}

fn draft_id(session: &Session) -> Option<String> {
    session.get::<String>(draft::SESSION_KEY).ok().flatten()
}

/// The visitor's signup draft (what steps 1 and 2 kept). Steps 2 and 3 without one send the
/// visitor to step 1, which says why.
struct SignupDraft(Draft);

impl actix_web::FromRequest for SignupDraft {
    type Error = actix_web::Error;
    type Future = Extracted<Self>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let session = actix_session::SessionExt::get_session(req);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let lang = Lang::from_path(req.path()).unwrap_or(Lang::DEFAULT);
        Box::pin(async move {
            let draft = match (draft_id(&session), state) {
                (Some(id), Some(state)) => {
                    with_conn(&state, move |conn| Ok(draft::load(conn, &id)?)).await?
                }
                _ => None,
            };
            draft
                .map(SignupDraft)
                .ok_or_else(|| Redirect(format!("/{}/signup?expired=1", lang.code())).into())
        })
    }
}

/// A signup step's session with the draft it keeps, for the steps that change the draft: a
/// `Page<Drafted>` is the step's page, its session and its draft in one extractor.
struct Drafted {
    session: Session,
    draft: Draft,
}

impl actix_web::FromRequest for Drafted {
    type Error = actix_web::Error;
    type Future = Extracted<Self>;

    fn from_request(
        req: &actix_web::HttpRequest,
        payload: &mut actix_web::dev::Payload,
    ) -> Self::Future {
        let session = actix_session::SessionExt::get_session(req);
        let draft = SignupDraft::from_request(req, payload);
        Box::pin(async move {
            let SignupDraft(draft) = draft.await?;
            Ok(Drafted { session, draft })
        })
    }
}

#[derive(serde::Deserialize)]
struct StepOneQuery {
    #[serde(default)]
    expired: Option<String>,
}

async fn email_form(
    ctx: Ctx,
    draft: Option<SignupDraft>,
    query: web::Query<StepOneQuery>,
) -> Result<HttpResponse, AppError> {
    let mut form = FormState::new();
    if let Some(SignupDraft(d)) = draft {
        form.set("email", d.email);
    }
    let notice = query
        .expired
        .as_ref()
        .map(|_| ctx.t("signup-draft-expired"));
    render(&EmailStep { ctx, form, notice })
}

async fn email_submit(page: SessionPage, data: CsrfForm) -> Result<HttpResponse, AppError> {
    let (ctx, state, session) = page.into_parts();
    let lang = ctx.lang;
    let mut form = FormState::new();
    form.set("email", data.get("email"));
    let email = match EmailAddress::parse(data.get("email")) {
        Ok(e) => e,
        Err(e) => {
            form.fail(lang, "email", e.message_key());
            return render_form(
                true,
                &EmailStep {
                    ctx,
                    form,
                    notice: None,
                },
            );
        }
    };
    let existing = draft_id(&session);
    let saved = with_conn(&state, move |conn| {
        // F.11.g: a barred address or domain goes no further.
        if registration::is_banned(conn, Some(&email), None)? {
            return Ok(None);
        }
        let data = match existing.as_deref() {
            Some(id) => draft::load(conn, id)?.map(|d| d.data).unwrap_or_default(),
            None => DraftData::default(),
        };
        Ok(Some(draft::save(
            conn,
            existing.as_deref(),
            lang,
            email.as_str(),
            &data,
        )?))
    })
    .await?;
    match saved {
        None => {
            form.fail(lang, "email", "error-registration-barred");
            render_form(
                true,
                &EmailStep {
                    ctx,
                    form,
                    notice: None,
                },
            )
        }
        Some(id) => {
            session
                .insert(draft::SESSION_KEY, id)
                .map_err(|e| AppError::Other(anyhow::anyhow!("session: {e}")))?;
            Ok(see_other(&ctx.href("/signup/channel")))
        }
    }
}

async fn channel_form(ctx: Ctx, SignupDraft(d): SignupDraft) -> Result<HttpResponse, AppError> {
    let form = registration::channel_form_state(&d.data.channel);
    render(&ChannelStep {
        ctx,
        form,
        email: d.email,
    })
}

fn channel_input(data: &FormData) -> ChannelInput {
    ChannelInput {
        website_url: data.get("website_url").to_owned(),
        channel_name: data.get("channel_name").to_owned(),
        category: data.get("category").to_owned(),
        participant_kind: data.get("participant_kind").to_owned(),
        promotion_methods: data.all("promotion_methods"),
        company_name: data.get("company_name").to_owned(),
        contact_name: data.get("contact_name").to_owned(),
        country: data.get("country").to_owned(),
        is_platform_seller: crate::channels::fields::is_seller_answer(
            data.get("is_platform_seller"),
        ),
        storefront_url: data.get("storefront_url").to_owned(),
    }
}

async fn channel_submit(page: Page<Drafted>, data: CsrfForm) -> Result<HttpResponse, AppError> {
    let (ctx, state, Drafted { session, draft: d }) = page.into_parts();
    let lang = ctx.lang;
    let input = channel_input(&data);
    let validated = registration::validate_channel(&input, lang);
    let domain = validated
        .as_ref()
        .ok()
        .map(|v| v.channel.website.domain().to_owned());
    let email = EmailAddress::parse(&d.email).ok();
    let mut draft_data = DraftData {
        channel: input.clone(),
        channel_valid: validated.is_ok(),
    };
    // Whatever was typed is kept, also when it is wrong.
    let draft_id = d.id.clone();
    let draft_email = d.email.clone();
    let (banned, saved) = {
        let draft_data = draft_data.clone();
        with_conn(&state, move |conn| {
            let banned = match &domain {
                Some(domain) => registration::is_banned(conn, email.as_ref(), Some(domain))?,
                None => false,
            };
            let mut to_save = draft_data;
            to_save.channel_valid &= !banned;
            let saved = draft::save(conn, Some(&draft_id), lang, &draft_email, &to_save)?;
            Ok((banned, saved))
        })
        .await?
    };
    if saved != d.id {
        session
            .insert(draft::SESSION_KEY, saved)
            .map_err(|e| AppError::Other(anyhow::anyhow!("session: {e}")))?;
    }
    match validated {
        Ok(_) if !banned => Ok(see_other(&ctx.href("/signup/account"))),
        Ok(_) => {
            draft_data.channel_valid = false;
            let mut form = registration::channel_form_state(&input);
            form.fail(lang, "website_url", "error-registration-barred");
            render_form(
                true,
                &ChannelStep {
                    ctx,
                    form,
                    email: d.email,
                },
            )
        }
        Err(form) => render_form(
            true,
            &ChannelStep {
                ctx,
                form,
                email: d.email,
            },
        ),
    }
}

async fn account_form(ctx: Ctx, SignupDraft(d): SignupDraft) -> Result<HttpResponse, AppError> {
    if !d.data.channel_valid {
        return Ok(see_other(&ctx.href("/signup/channel")));
    }
    render(&AccountStep {
        ctx,
        form: FormState::new(),
        email: d.email,
    })
}

async fn account_submit(page: Page<Drafted>, data: CsrfForm) -> Result<HttpResponse, AppError> {
    let (ctx, state, Drafted { session, draft: d }) = page.into_parts();
    let lang = ctx.lang;
    let Ok(email) = EmailAddress::parse(&d.email) else {
        return Ok(see_other(&ctx.href("/signup?expired=1")));
    };
    let channel = match registration::validate_channel(&d.data.channel, lang) {
        Ok(c) if d.data.channel_valid => c,
        _ => return Ok(see_other(&ctx.href("/signup/channel"))),
    };

    let mut form = FormState::new();
    let accepted = data.get("accept_rules") == "yes";
    if accepted {
        form.set("accept_rules", "yes");
    }
    let password = crate::auth::new_password(&mut form, lang, &data, email.as_str());
    if !accepted {
        form.fail(lang, "accept_rules", "error-accept-rules");
    }
    let Some(password) = password.filter(|_| !form.has_errors()) else {
        return render_form(
            true,
            &AccountStep {
                ctx,
                form,
                email: d.email,
            },
        );
    };

    // Hashing takes ~15 ms of CPU: off the async workers. It runs for known addresses too, so
    // the answer takes as long either way.
    let hash = web::block(move || password.hash()).await?;
    let draft_id = d.id.clone();
    let outcome = {
        let email = email.clone();
        with_conn(&state, move |conn| {
            let outcome = registration::complete(conn, &email, &channel, &hash, lang)?;
            draft::delete(conn, &draft_id)?;
            Ok(outcome)
        })
        .await?
    };
    session.remove(draft::SESSION_KEY);
    send_signup_mail(&state, &email, outcome).await;
    Ok(see_other(&ctx.href("/signup/sent")))
}

/// Sends the activation mail, or the "you already have an account" mail. A mail that cannot be
/// sent is logged; the visitor can ask for the link again.
async fn send_signup_mail(state: &web::Data<AppState>, email: &EmailAddress, outcome: Outcome) {
    // At most three signup mails to one address an hour (security 10): signing up again and
    // again under someone's address cannot flood it. The page answers the same either way.
    let bucket = format!("mail:signup:{}", email.as_str());
    let allowed = with_conn(state, move |conn| {
        Ok(crate::rate_limit::try_acquire(
            conn,
            &bucket,
            crate::rate_limit::MAILS_PER_ADDRESS,
        )?)
    })
    .await
    .unwrap_or(false);
    if !allowed {
        tracing::warn!("signup mail not sent: three to this address in the last hour");
        return;
    }
    let base = state
        .settings
        .base_url
        .as_str()
        .trim_end_matches('/')
        .to_owned();
    let content = match outcome {
        Outcome::Created { account_id, token } => {
            tracing::info!(account_id = account_id.get(), "participant signed up");
            crate::mail::activation(
                lang_of_outcome(state, account_id).await,
                &format!("{base}/activate/{token}"),
                crate::auth::account_tokens::LIFETIME_HOURS,
            )
        }
        Outcome::AlreadyRegistered { lang } => crate::mail::already_registered(
            lang,
            &format!("{base}/{}/login", lang.code()),
            &format!("{base}/{}/password/forgot", lang.code()),
        ),
    };
    state.mailer.deliver(content, email.as_str()).await;
}

async fn lang_of_outcome(state: &web::Data<AppState>, account_id: AccountId) -> Lang {
    with_conn(state, move |conn| Ok(accounts::find(conn, account_id)?))
        .await
        .ok()
        .flatten()
        .map(|a| a.lang())
        .unwrap_or(Lang::DEFAULT)
}

async fn sent(ctx: Ctx) -> Result<HttpResponse, AppError> {
    render(&SentPage { ctx })
}

async fn resend_form(ctx: Ctx) -> Result<HttpResponse, AppError> {
    crate::auth::mailed_links::form(ctx, Purpose::Activation).await
}

async fn resend_submit(
    ctx: Ctx,
    state: web::Data<AppState>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    crate::auth::mailed_links::submit(ctx, state, &data, Purpose::Activation).await
}

/// The account behind a still-valid activation token and the token's state, read without
/// using the token up; the page answers in the account's language, also when the link no longer
/// works.
async fn activation_of(
    state: &web::Data<AppState>,
    token: &str,
) -> Result<(Result<accounts::Account, TokenProblem>, Option<Lang>), AppError> {
    let token = token.to_owned();
    with_conn(state, move |conn| {
        let checked = account_tokens::check(conn, &token, Purpose::Activation)?;
        let owner = match checked {
            Ok((_, account_id)) => Some(account_id),
            Err(_) => account_tokens::owner(conn, &token)?,
        };
        let account = match owner {
            Some(id) => accounts::find(conn, id)?,
            None => None,
        };
        let lang = account.as_ref().map(accounts::Account::lang);
        let outcome = match (checked, account) {
            (Ok(_), Some(account)) => Ok(account),
            (Ok(_), None) => Err(TokenProblem::Unknown),
            (Err(problem), _) => Err(problem),
        };
        Ok((outcome, lang))
    })
    .await
}

fn activation_page(
    req: &actix_web::HttpRequest,
    lang: Option<Lang>,
    token: &str,
    form: FormState,
    problem: Option<TokenProblem>,
) -> ActivatePage {
    let mut ctx = Ctx::from_request(req);
    if let Some(lang) = lang {
        ctx.lang = lang;
    }
    ActivatePage {
        ctx,
        form,
        token: if problem.is_none() {
            token.to_owned()
        } else {
            String::new()
        },
        problem,
    }
}

/// `GET /activate/{token}`: asks for the password chosen at signup (security issue 14,
/// weakness 10: whoever signs up under someone else's address cannot have the owner activate
/// the stranger's password by clicking the mail). Nothing is used up by reading the page, so a
/// mail scanner opening the link activates nothing either.
pub async fn activate_form(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let (outcome, lang) = activation_of(&state, &token).await?;
    let problem = outcome.err();
    let page = activation_page(&req, lang, &token, FormState::new(), problem);
    if page.problem.is_some() {
        return crate::web::render_status(actix_web::http::StatusCode::NOT_FOUND, &page);
    }
    render(&page)
}

/// `POST /activate/{token}`: the password chosen at signup activates the account; a wrong one
/// is said next to the field, and the page offers to choose a new password instead (by a
/// reset link, which activates the account as well).
pub async fn activate_submit(
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let (outcome, lang) = activation_of(&state, &token).await?;
    let account = match outcome {
        Ok(account) => account,
        Err(problem) => {
            let page = activation_page(&req, lang, &token, FormState::new(), Some(problem));
            return crate::web::render_status(actix_web::http::StatusCode::NOT_FOUND, &page);
        }
    };
    let mut form = FormState::new();
    let lang = account.lang();
    let candidate = data.get("password").to_owned();
    if candidate.is_empty() {
        form.fail(lang, "password", "error-password-empty");
    } else {
        let stored = account.password_hash.clone();
        let matches =
            web::block(move || crate::domain::password::verify(&candidate, &stored)).await?;
        if !matches {
            form.fail(lang, "password", "activate-wrong-password");
        }
    }
    if form.has_errors() {
        tracing::warn!(
            account_id = account.id.get(),
            "activation with a wrong password"
        );
        let page = activation_page(&req, Some(lang), &token, form, None);
        return render_form(true, &page);
    }
    let activated = with_conn(&state, move |conn| {
        conn_transaction(conn, |conn| {
            match account_tokens::consume(conn, &token, Purpose::Activation)? {
                Ok(account_id) => {
                    accounts::activate(conn, account_id)?;
                    Ok(Ok(account_id))
                }
                Err(problem) => Ok(Err(problem)),
            }
        })
    })
    .await?;
    let mut ctx = Ctx::from_request(&req);
    ctx.lang = lang;
    match activated {
        Ok(_) => {
            tracing::info!(account_id = account.id.get(), "account activated");
            render(&ActivatedPage { ctx, problem: None })
        }
        Err(problem) => {
            let page = ActivatedPage {
                ctx,
                problem: Some(problem),
            };
            crate::web::render_status(actix_web::http::StatusCode::NOT_FOUND, &page)
        }
    }
}

fn conn_transaction<T>(
    conn: &mut crate::db::AnyConnection,
    f: impl FnOnce(&mut crate::db::AnyConnection) -> diesel::QueryResult<T>,
) -> Result<T, AppError> {
    Ok(crate::db::write_transaction(conn, f)?)
}

impl ActivatedPage {
    fn problem_key(&self) -> &'static str {
        problem_key(self.problem)
    }
}

fn problem_key(problem: Option<TokenProblem>) -> &'static str {
    match problem {
        None => "",
        Some(TokenProblem::Unknown) => "activate-unknown",
        Some(TokenProblem::Used) => "activate-used",
        Some(TokenProblem::Expired) => "activate-expired",
    }
}
