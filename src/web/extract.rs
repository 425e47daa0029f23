//! Extractors that say what a handler needs, checked before the handler runs:
//! - `CurrentUser`: a logged-in account (checked against the database), else the login page;
//! - `SignedInParticipant`: the logged-in participant, else the login page (403 for a manager);
//! - `Manager`: an account manager, the role read from the database, whose login passed the
//!   second factor (else the login page), else a 403 page;
//! - `CsrfForm`: a form body whose `csrf_token` is this session's, else a 403 page;
//! - `InPath`: what the path holds after its language (an id, a token), else a 404 page;
//! - `Page`: what a signed-in page needs at once (the context, the state, who is signed in, the
//!   `?notice=` of a redirect), with `run` for its query on a connection: `ParticipantPage` for
//!   the participant's pages, `AccountPage` for any account's own (password, sessions),
//!   `SessionPage` for the steps before a login (the second factor at login, the signup).

use std::future::Future;
use std::pin::Pin;

use actix_session::SessionExt;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse, ResponseError};

use super::session::SessionUser;
use super::{see_other, with_conn, AppError, Ctx, NoticeQuery};
use crate::accounts::{self, Account};
use crate::db::ids::{AccountId, ParticipantId};
use crate::db::AnyConnection;
use crate::forms::FormData;
use crate::i18n::Lang;
use crate::participants;
use crate::state::AppState;

/// The logged-in account, checked against the database on every request. Without one the
/// visitor is sent to the login page.
pub struct CurrentUser {
    pub account: Account,
}

/// An extractor's answer that sends the visitor to another page of ours (303) instead of
/// running the handler: the login page when a page needs a login, step 1 of the signup when
/// its draft is gone.
#[derive(Debug)]
pub struct Redirect(pub String);

impl Redirect {
    /// The login page in `lang`, which says a login is needed.
    pub fn to_login(lang: Lang) -> Redirect {
        Redirect(format!("/{}/login?notice=login-required", lang.code()))
    }
}

impl std::fmt::Display for Redirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "redirect to {}", self.0)
    }
}

impl ResponseError for Redirect {
    fn status_code(&self) -> actix_web::http::StatusCode {
        actix_web::http::StatusCode::SEE_OTHER
    }

    fn error_response(&self) -> HttpResponse {
        see_other(&self.0)
    }
}

/// What an extractor that reads the database returns.
pub type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, actix_web::Error>>>>;

impl CurrentUser {
    async fn load(req: &HttpRequest) -> Result<CurrentUser, actix_web::Error> {
        let session = req.get_session();
        let lang = Lang::from_path(req.path()).unwrap_or(Lang::DEFAULT);
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let (Some(user), Some(state)) = (SessionUser::from_session(&session), state) else {
            session.purge();
            return Err(Redirect::to_login(lang).into());
        };
        let id = user.id;
        let account = with_conn(&state, move |conn| Ok(accounts::find(conn, id)?)).await?;
        let account = match account {
            Some(account) if !account.is_manager() => {
                // A participant terminated meanwhile (F.11.e) is logged out at once.
                let id = account.id;
                let (terminated, second_factor) = with_conn(&state, move |conn| {
                    Ok((
                        participants::standing::account_terminated(conn, id)?,
                        accounts::has_second_factor(conn, id)?,
                    ))
                })
                .await?;
                if terminated {
                    session.purge();
                    return Err(Redirect(format!(
                        "/{}/login?notice=account-terminated",
                        lang.code()
                    ))
                    .into());
                }
                // With a second factor on, only a login that passed it.
                if second_factor && !super::session::passed_second_factor(&session) {
                    session.purge();
                    return Err(Redirect::to_login(lang).into());
                }
                Some(account)
            }
            // An account manager's session counts only once the login passed the second
            // factor (issue 21, point 10): a password alone, or a session from before, does not.
            Some(account) if !super::session::passed_second_factor(&session) => {
                tracing::warn!(
                    account_id = account.id.get(),
                    "a manager's session without a second factor"
                );
                None
            }
            other => other,
        };
        match account {
            // A disabled account (a manager who left) is logged out at once, whatever session
            // it still holds.
            Some(account) if account.is_active() && !account.is_disabled() => {
                Ok(CurrentUser { account })
            }
            _ => {
                session.purge();
                Err(Redirect::to_login(lang).into())
            }
        }
    }
}

impl FromRequest for CurrentUser {
    type Error = actix_web::Error;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { CurrentUser::load(&req).await })
    }
}

/// The logged-in participant: its account and its participant record. An account manager has
/// none and gets a 403 page.
pub struct SignedInParticipant {
    pub account: Account,
    pub participant: participants::Participant,
}

impl FromRequest for SignedInParticipant {
    type Error = actix_web::Error;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = CurrentUser::load(&req).await?;
            let state = state_of(&req)?;
            let account_id = user.account.id;
            let participant = with_conn(&state, move |conn| {
                Ok(participants::of_account(conn, account_id)?)
            })
            .await?
            .ok_or(AppError::Forbidden)?;
            Ok(SignedInParticipant {
                account: user.account,
                participant,
            })
        })
    }
}

/// A logged-in account manager (the role as the database has it now, not as the session
/// remembers it). Anyone else gets a 403 page that tells nothing of what is there.
pub struct Manager {
    pub account: Account,
    /// The keyed hash of the address the request came from, for the audit log.
    pub ip_hash: [u8; 16],
}

impl Manager {
    /// Who acts in the audit log: this manager, from the address of this request.
    pub fn actor(&self) -> crate::audit::Actor {
        self.account.actor(&self.ip_hash)
    }
}

/// A logged-in administrator: an account manager who also manages managers and the
/// programme's data. Anyone else gets the 403 page.
pub struct Administrator(pub Manager);

impl FromRequest for Administrator {
    type Error = actix_web::Error;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let manager = Manager::from_request(req, payload);
        Box::pin(async move {
            let manager = manager.await?;
            if !manager.account.is_administrator() {
                return Err(AppError::Forbidden.into());
            }
            Ok(Administrator(manager))
        })
    }
}

impl FromRequest for Manager {
    type Error = actix_web::Error;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let user = CurrentUser::load(&req).await?;
            if !user.account.is_manager() {
                return Err(AppError::Forbidden.into());
            }
            // `load` refuses a manager's session that did not pass the second factor; said
            // again here, where the console relies on it.
            if !super::session::passed_second_factor(&req.get_session()) {
                let lang = Lang::from_path(req.path()).unwrap_or(Lang::DEFAULT);
                return Err(Redirect::to_login(lang).into());
            }
            let state = state_of(&req)?;
            let ip_hash = state.ip_hasher.hash(crate::client_ip::client_ip(&req));
            Ok(Manager {
                account: user.account,
                ip_hash,
            })
        })
    }
}

/// What a path holds after its language (`/{lang}/manage/bans/{id}` → the id): the language is
/// checked as `web::Path<(Lang, T)>` checks it (anything else answers 404, as before), the
/// handler gets the rest alone.
pub struct InPath<T>(pub T);

impl<T: serde::de::DeserializeOwned + 'static> FromRequest for InPath<T> {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, actix_web::Error>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        std::future::ready(
            web::Path::<(Lang, T)>::extract(req)
                .into_inner()
                .map(|path| InPath(path.into_inner().1)),
        )
    }
}

/// A submitted form whose `csrf_token` is this session's; any other POST gets a 403 page.
pub struct CsrfForm(pub FormData);

impl std::ops::Deref for CsrfForm {
    type Target = FormData;

    fn deref(&self) -> &FormData {
        &self.0
    }
}

impl FromRequest for CsrfForm {
    type Error = actix_web::Error;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        let body = web::Bytes::from_request(&req, payload);
        Box::pin(async move {
            let body = body.await?;
            let data = FormData::parse(&body);
            if data.has_nul() {
                return Err(AppError::BadRequest.into());
            }
            if super::csrf::verify_request(&req, data.get("csrf_token")) {
                Ok(CsrfForm(data))
            } else {
                tracing::warn!(path = %super::redacted_path(req.path()), "form refused: CSRF token missing or wrong");
                Err(AppError::Forbidden.into())
            }
        })
    }
}

/// Who a signed-in page is for: its account, and the id its queries take.
pub trait SignedIn: FromRequest<Error = actix_web::Error> {
    type Id: Copy + Send + 'static;

    fn id(&self) -> Self::Id;

    fn account(&self) -> &Account;
}

impl SignedIn for CurrentUser {
    type Id = AccountId;

    fn id(&self) -> AccountId {
        self.account.id
    }

    fn account(&self) -> &Account {
        &self.account
    }
}

impl SignedIn for SignedInParticipant {
    type Id = ParticipantId;

    fn id(&self) -> ParticipantId {
        self.participant.id
    }

    fn account(&self) -> &Account {
        &self.account
    }
}

/// What a signed-in page needs, extracted once instead of in every handler's signature: the
/// page context, the application state, who is signed in (`Who`, refused as its own extractor
/// refuses), and the `?notice=` a redirect left. `run` takes the page's query to a connection
/// with who it is for.
pub struct Page<Who> {
    pub ctx: Ctx,
    pub state: web::Data<AppState>,
    pub who: Who,
    /// The address the request came from (its keyed hash goes to the audit log).
    address: Option<std::net::IpAddr>,
    /// `None` where the query string is not one (a notice is then not shown).
    notice: Option<NoticeQuery>,
}

/// A page of the logged-in participant (its channels, links, money, notices).
pub type ParticipantPage = Page<SignedInParticipant>;

/// A page of any logged-in account's own (its password, sessions, second factor).
pub type AccountPage = Page<CurrentUser>;

/// A step before anyone is signed in (the login's second factor, the signup), with its session.
pub type SessionPage = Page<actix_session::Session>;

impl<Who: SignedIn> Page<Who> {
    /// Runs `query` with a pooled connection on the blocking pool, given whose page it is:
    /// `page.run(measures::of_participant)`.
    pub async fn run<T, E, F>(&self, query: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection, Who::Id) -> Result<T, E> + Send + 'static,
        E: Into<AppError>,
        T: Send + 'static,
    {
        let id = self.who.id();
        with_conn(&self.state, move |conn| query(conn, id).map_err(Into::into)).await
    }

    /// Who acts in the audit log: this account, from the address of this request.
    pub fn actor(&self) -> crate::audit::Actor {
        self.who.account().actor(&self.ip_hash())
    }
}

impl<Who> Page<Who> {
    /// The message `?notice=NAME` names, when NAME is one of `allowed` (see `NoticeQuery`).
    pub fn notice(&self, allowed: &[&str]) -> Option<String> {
        self.notice.as_ref()?.text(&self.ctx, allowed)
    }

    /// The address the request came from (the peer, or a trusted proxy's `X-Forwarded-For`).
    pub fn address(&self) -> Option<std::net::IpAddr> {
        self.address
    }

    /// The keyed hash of the address the request came from (the login's limits count it).
    pub fn ip_hash(&self) -> [u8; 16] {
        self.state.ip_hasher.hash(self.address)
    }

    /// The context, the state and who, for a handler that passes them on one by one.
    pub fn into_parts(self) -> (Ctx, web::Data<AppState>, Who) {
        (self.ctx, self.state, self.who)
    }
}

impl ParticipantPage {
    pub fn participant(&self) -> &participants::Participant {
        &self.who.participant
    }
}

impl<Who: FromRequest<Error = actix_web::Error> + 'static> FromRequest for Page<Who> {
    type Error = actix_web::Error;
    type Future = Extracted<Self>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let who = Who::from_request(req, payload);
        let ctx = Ctx::from_request(req);
        let state = state_of(req);
        let notice = web::Query::<NoticeQuery>::from_query(req.query_string())
            .ok()
            .map(web::Query::into_inner);
        let address = crate::client_ip::client_ip(req);
        Box::pin(async move {
            let who = who.await?;
            Ok(Page {
                ctx,
                state: state?,
                who,
                address,
                notice,
            })
        })
    }
}

fn state_of(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Other(anyhow::anyhow!("no application state")))
}
