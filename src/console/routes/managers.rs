//! What only administrators do in the console: manage account managers (and who is an
//! administrator), the programme's data (texts per language, rates with effective dates,
//! policies, contacts), the versions of the rules, and the holiday table working days are
//! counted with. Every change is in the audit log with its values before and after.

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::console::managers::{self, ManagerLine, NewManager};
use crate::forms::FormState;
use crate::state::AppState;
use crate::web::extract::{Administrator, CsrfForm, InPath};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx, NoticeQuery};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/managers", web::get().to(managers))
        .route("/manage/managers", web::post().to(create_manager))
        .route("/manage/managers/{id}/role", web::post().to(change_role))
        .route(
            "/manage/managers/{id}/access",
            web::post().to(change_access),
        );
}

const NOTICES: &[&str] = &[
    "manager-created",
    "role-changed",
    "role-last-administrator",
    "manager-disabled",
    "manager-enabled",
    "access-last-administrator",
];

#[derive(Template)]
#[template(path = "console/managers.html")]
struct ManagersPage {
    ctx: Ctx,
    managers: Vec<ManagerLine>,
    me: i64,
    form: FormState,
    notice: Option<String>,
}

impl ManagersPage {}

async fn managers_page(
    ctx: Ctx,
    state: &web::Data<AppState>,
    admin: &Administrator,
    form: FormState,
    notice: Option<String>,
) -> Result<ManagersPage, AppError> {
    let managers = with_conn(state, |conn| Ok(managers::all(conn)?)).await?;
    Ok(ManagersPage {
        ctx,
        managers,
        me: admin.account.id,
        form,
        notice,
    })
}

async fn managers(
    ctx: Ctx,
    state: web::Data<AppState>,
    admin: Administrator,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query.text(&ctx, NOTICES);
    render(&managers_page(ctx, &state, &admin, FormState::new(), notice).await?)
}

/// `email`, `lang`, `administrator` (`yes`): a new account manager, who chooses a password with
/// the link mailed to it.
async fn create_manager(
    ctx: Ctx,
    state: web::Data<AppState>,
    admin: Administrator,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let new = match NewManager::from_form(&data, ctx.lang) {
        Ok(new) => new,
        Err(form) => {
            let page = managers_page(ctx, &state, &admin, form, None).await?;
            return render_form(true, &page);
        }
    };
    let actor = admin.actor();
    let email = new.email.clone();
    let created = with_conn(&state, move |conn| {
        Ok(managers::create(conn, &actor, &new, crate::db::now())?)
    })
    .await?;
    if created.is_none() {
        let form = NewManager::refused(&data, ctx.lang);
        let page = managers_page(ctx, &state, &admin, form, None).await?;
        return crate::web::render_status(actix_web::http::StatusCode::CONFLICT, &page);
    }
    crate::auth::mailed_links::send(
        &state,
        email,
        crate::auth::account_tokens::Purpose::PasswordReset,
    )
    .await?;
    Ok(see_other(
        &ctx.href("/manage/managers?notice=manager-created"),
    ))
}

/// Where a change of a manager's role or access sends the administrator back to.
fn after_change(
    ctx: &Ctx,
    changed: managers::ManagerChange,
    done: &str,
    last: &str,
) -> Result<HttpResponse, AppError> {
    use managers::ManagerChange;
    let notice = match changed {
        ManagerChange::NotFound => return Err(AppError::NotFound),
        ManagerChange::Changed | ManagerChange::Unchanged => done,
        ManagerChange::LastAdministrator => last,
    };
    Ok(see_other(
        &ctx.href(&format!("/manage/managers?notice={notice}")),
    ))
}

/// `role`: `administrator` or `manager`. The last enabled administrator stays one.
async fn change_role(
    ctx: Ctx,
    state: web::Data<AppState>,
    admin: Administrator,
    InPath(id): InPath<i64>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let administrator = match data.get("role") {
        "administrator" => true,
        "manager" => false,
        _ => return Err(AppError::BadRequest),
    };
    let actor = admin.actor();
    let changed = with_conn(&state, move |conn| {
        Ok(managers::set_administrator_role(
            conn,
            &actor,
            id,
            administrator,
            crate::db::now(),
        )?)
    })
    .await?;
    after_change(&ctx, changed, "role-changed", "role-last-administrator")
}

/// `access`: `disable` (a manager who leaves: logged out at once, no login any more) or
/// `enable`. The last enabled administrator cannot be disabled.
async fn change_access(
    ctx: Ctx,
    state: web::Data<AppState>,
    admin: Administrator,
    InPath(id): InPath<i64>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let disabled = match data.get("access") {
        "disable" => true,
        "enable" => false,
        _ => return Err(AppError::BadRequest),
    };
    let actor = admin.actor();
    let changed = with_conn(&state, move |conn| {
        Ok(managers::set_manager_disabled(
            conn,
            &actor,
            id,
            disabled,
            crate::db::now(),
        )?)
    })
    .await?;
    let done = if disabled {
        "manager-disabled"
    } else {
        "manager-enabled"
    };
    after_change(&ctx, changed, done, "access-last-administrator")
}
