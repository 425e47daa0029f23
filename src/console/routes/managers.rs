//! What only administrators do in the console: manage account managers (and who is an
//! administrator), the programme's data (texts per language, rates with effective dates,
//! policies, contacts), the versions of the rules, and the holiday table working days are
//! counted with. Every change is in the audit log with its values before and after.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::console::handler::{show, Console, FormPage};
use crate::console::managers::{self, Change, ManagerChange, ManagerLine, NewManager};
use crate::db::ids::AccountId;
use crate::db::AnyConnection;
use crate::forms::FormState;
use crate::i18n::Lang;
use crate::web::extract::{Administrator, CsrfForm, InPath, Manager};
use crate::web::{AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/managers", web::get().to(show::<ManagersPage>))
        .route("/manage/managers", web::post().to(create_manager))
        // One handler: the URL names the setting a form changes.
        .route("/manage/managers/{id}/role", web::post().to(change_manager))
        .route(
            "/manage/managers/{id}/access",
            web::post().to(change_manager),
        );
}

#[derive(Template)]
#[template(path = "console/managers.html")]
struct ManagersPage {
    ctx: Ctx,
    managers: Vec<ManagerLine>,
    me: AccountId,
    form: FormState,
    notice: Option<String>,
}

impl FormPage for ManagersPage {
    const PATH: &'static str = "/manage/managers";
    const NOTICES: &'static [&'static str] = &[
        "manager-created",
        "role-changed",
        "role-last-administrator",
        "manager-disabled",
        "manager-enabled",
        "access-last-administrator",
    ];
    type Seat = Administrator;
    type Data = Vec<ManagerLine>;
    type Forms = FormState;

    fn load(conn: &mut AnyConnection, _: Lang) -> diesel::QueryResult<Vec<ManagerLine>> {
        managers::all(conn)
    }

    fn build(
        ctx: Ctx,
        me: &Manager,
        managers: Vec<ManagerLine>,
        form: FormState,
        notice: Option<String>,
    ) -> Self {
        ManagersPage {
            ctx,
            managers,
            me: me.account.id,
            form,
            notice,
        }
    }
}

/// `email`, `lang`, `administrator` (`yes`): a new account manager, who chooses a password with
/// the link mailed to it.
async fn create_manager(
    console: Console<Administrator>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let new = match NewManager::from_form(&data, console.lang()) {
        Ok(new) => new,
        Err(form) => return console.refuse::<ManagersPage>(form).await,
    };
    let email = new.email.clone();
    let created = console
        .write(move |conn, actor, now| managers::create(conn, actor, &new, now))
        .await?;
    if created.is_none() {
        let form = NewManager::refused(&data, console.lang());
        return console
            .refuse_as::<ManagersPage>(StatusCode::CONFLICT, form)
            .await;
    }
    let reset = crate::auth::account_tokens::Purpose::PasswordReset;
    crate::auth::mailed_links::send(&console.state, email, reset).await?;
    Ok(console.done::<ManagersPage>("manager-created"))
}

/// `role` (`administrator` or `manager`) at `…/role`, `access` (`disable`: a manager who leaves
/// is logged out at once and logs in no more; or `enable`) at `…/access`. The last enabled
/// administrator stays one, and stays enabled.
async fn change_manager(
    console: Console<Administrator>,
    req: HttpRequest,
    InPath(id): InPath<AccountId>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let field = req.path().rsplit('/').next().unwrap_or_default();
    let change = Change::from_form(field, &data).ok_or(AppError::BadRequest)?;
    let changed = console
        .write(move |conn, actor, now| managers::change(conn, actor, id, change, now))
        .await?;
    let (done, last) = change.notices();
    Ok(console.done::<ManagersPage>(match changed {
        ManagerChange::NotFound => return Err(AppError::NotFound),
        ManagerChange::Changed | ManagerChange::Unchanged => done,
        ManagerChange::LastAdministrator => last,
    }))
}
