//! What every console handler shares, written once: the `Console` extractor (the signed-in
//! `Page` of an account manager or administrator: the page context, the app's state, who acts,
//! the notice of a redirect), the connection it runs one
//! query or one change on, and `FormPage`, the shape of a page with forms — read the form, on a
//! problem show the page again with the form and its messages (422), else call one function of
//! the feature and send the manager back to the page with a notice.

use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::audit::Actor;
use crate::changes::Change;
use crate::db::AnyConnection;
use crate::i18n::Lang;
use crate::programme::cache::{read_footer_contact, ProgrammePages};
use crate::web::extract::{Administrator, Manager, Page};
use crate::web::{render, render_form, render_status, see_other, with_conn, AppError, Ctx};

/// Who may open a console page: any account manager (`Manager`) or an administrator only
/// (`Administrator`).
pub trait Seat: FromRequest<Error = actix_web::Error> + 'static {
    fn manager(&self) -> &Manager;
}

impl Seat for Manager {
    fn manager(&self) -> &Manager {
        self
    }
}

impl Seat for Administrator {
    fn manager(&self) -> &Manager {
        &self.0
    }
}

/// What a console handler starts from: the signed-in page (`web::extract::Page`: the page
/// context, the app's state, the `?notice=` of a redirect) whose `who` is an account manager,
/// or an administrator (`Console<Administrator>`; anyone else gets the 403 page before the
/// handler runs).
pub type Console<W = Manager> = Page<W>;

/// A change's refusal that may also be a database error: the refusal is the handler's to
/// answer, the database error is the 500 page.
pub trait Refusal: Sized + Send + 'static {
    /// The database error, or the refusal itself.
    fn database(self) -> Result<diesel::result::Error, Self>;
}

macro_rules! refusals {
    ($($error:path),* $(,)?) => {$(
        impl Refusal for $error {
            fn database(self) -> Result<diesel::result::Error, Self> {
                match self {
                    Self::Db(e) => Ok(e),
                    other => Err(other),
                }
            }
        }
    )*};
}

refusals!(
    crate::enforcement::measures::TakeError,
    crate::enforcement::measures::LiftError,
    crate::enforcement::measures::CureError,
    crate::enforcement::objections::DecideError,
    crate::enforcement::reinstatement::ReinstateError,
    crate::ledger::decide::DecideError,
    crate::ledger::payouts::PayoutError,
    crate::programme::versions::PublishError,
);

impl<W: Seat> Page<W> {
    pub fn lang(&self) -> Lang {
        self.ctx.lang
    }

    /// Runs `f` (one query of the feature) on a pooled connection.
    pub async fn read<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection) -> QueryResult<T> + Send + 'static,
        T: Send + 'static,
    {
        with_conn(&self.state, move |conn| Ok(f(conn)?)).await
    }

    /// Runs `f` (one change of the feature) as the manager acting, for the audit log, now.
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut AnyConnection, &Actor, NaiveDateTime) -> QueryResult<T> + Send + 'static,
        T: Send + 'static,
    {
        let actor = self.who.manager().actor();
        self.read(move |conn| f(conn, &actor, crate::db::now()))
            .await
    }

    /// `write` for a change that may be refused: the refusal comes back for the handler to
    /// answer, a database error is the 500 page.
    pub async fn attempt<T, E, F>(&self, f: F) -> Result<Result<T, E>, AppError>
    where
        F: FnOnce(&mut AnyConnection, &Actor, NaiveDateTime) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: Refusal,
    {
        let actor = self.who.manager().actor();
        with_conn(&self.state, move |conn| {
            match f(conn, &actor, crate::db::now()) {
                Ok(done) => Ok(Ok(done)),
                Err(e) => match e.database() {
                    Ok(db) => Err(db.into()),
                    Err(refused) => Ok(Err(refused)),
                },
            }
        })
        .await
    }

    /// After a change has committed that credits a participant's clicks otherwise: the click
    /// writer forgets what it knew of their links (told before the commit, a click judged in
    /// between would cache the old state again).
    /// Every instance's click writer is told (`AppState::crediting_changed`).
    pub async fn crediting_changed(&self, changed: bool) {
        if changed {
            self.state.crediting_changed().await;
        }
    }

    /// After a change of the programme's data has committed: this instance reads its footer's
    /// contact again and then its programme pages forget what they kept (in that order: a page
    /// kept in between would show the old footer), and every other instance is told to do the
    /// same (`changes`).
    pub async fn programme_changed(&self, pages: &ProgrammePages) {
        let state = self.state.clone();
        let _ = actix_web::web::block(move || read_footer_contact(&state)).await;
        pages.forget_all();
        self.state.announce(Change::Programme).await;
    }

    /// 303 to `rest` (after the language) of the console.
    pub fn back(&self, rest: &str) -> HttpResponse {
        see_other(&self.ctx.href(rest))
    }

    /// 303 back to page `P` with `notice` (one of `P::NOTICES`).
    pub fn done<P: FormPage>(&self, notice: &str) -> HttpResponse {
        self.back(&format!("{}?notice={notice}", P::PATH))
    }

    /// Page `P` with its forms as `forms` says and `notice` above them.
    pub async fn page<P: FormPage>(
        self,
        forms: P::Forms,
        notice: Option<String>,
    ) -> Result<P, AppError> {
        let lang = self.ctx.lang;
        let data = self.read(move |conn| P::load(conn, lang)).await?;
        Ok(P::build(self.ctx, self.who.manager(), data, forms, notice))
    }

    /// Page `P` again with a refused form and its messages (422).
    pub async fn refuse<P: FormPage>(self, forms: P::Forms) -> Result<HttpResponse, AppError> {
        render_form(true, &self.page::<P>(forms, None).await?)
    }

    /// Page `P` again with a form the state of things refused (409 for a conflict, 403 for a
    /// decision that is someone else's).
    pub async fn refuse_as<P: FormPage>(
        self,
        status: StatusCode,
        forms: P::Forms,
    ) -> Result<HttpResponse, AppError> {
        render_status(status, &self.page::<P>(forms, None).await?)
    }
}

/// A console page with forms (bans, brand terms, rules, managers, holidays, the programme's
/// data, objections): what it reads, how it is built, where its forms send the manager back to.
pub trait FormPage: Template + Sized + 'static {
    /// Its path after the language (`/manage/bans`): a form done sends the manager back here.
    const PATH: &'static str;
    /// The notices (`?notice=NAME`) it shows after a redirect.
    const NOTICES: &'static [&'static str];
    /// Who may open it.
    type Seat: Seat;
    /// What it reads from the database.
    type Data: Send + 'static;
    /// What its forms show: blank (`Default`), or a refused form with its messages.
    type Forms: Default;

    fn load(conn: &mut AnyConnection, lang: Lang) -> QueryResult<Self::Data>;

    fn build(
        ctx: Ctx,
        manager: &Manager,
        data: Self::Data,
        forms: Self::Forms,
        notice: Option<String>,
    ) -> Self;
}

/// `GET P::PATH`: the page with blank forms and the notice a redirect named.
pub async fn show<P: FormPage>(console: Console<P::Seat>) -> Result<HttpResponse, AppError> {
    let notice = console.notice(P::NOTICES);
    render(&console.page::<P>(P::Forms::default(), notice).await?)
}
