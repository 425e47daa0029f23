//! What only administrators do in the console: manage account managers (and who is an
//! administrator), the programme's data (texts per language, rates with effective dates,
//! policies, contacts), the versions of the rules, and the holiday table working days are
//! counted with. Every change is in the audit log with its values before and after.

use actix_web::{web, HttpResponse};
use askama::Template;
use diesel::prelude::*;
use serde_json::json;

use crate::audit::{self, action};
use crate::console::managers;
use crate::db::schema::accounts;
use crate::domain::{EmailAddress, Password};
use crate::forms::FormState;
use crate::i18n::Lang;
use crate::participants::Role;
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

#[derive(Debug, Clone, Queryable)]
struct ManagerLine {
    id: i64,
    email: String,
    administrator: bool,
    created_at: chrono::NaiveDateTime,
    disabled_at: Option<chrono::NaiveDateTime>,
}

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

fn load_managers(conn: &mut crate::db::AnyConnection) -> QueryResult<Vec<ManagerLine>> {
    accounts::table
        .filter(accounts::role.eq(Role::Manager))
        .order(accounts::email)
        .select((
            accounts::id,
            accounts::email,
            accounts::administrator,
            accounts::created_at,
            accounts::disabled_at,
        ))
        .load(conn)
}

async fn managers_page(
    ctx: Ctx,
    state: &web::Data<AppState>,
    admin: &Administrator,
    form: FormState,
    notice: Option<String>,
) -> Result<ManagersPage, AppError> {
    let managers = with_conn(state, |conn| Ok(load_managers(conn)?)).await?;
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
    let mut form = FormState::new();
    form.set("email", data.get("email"));
    form.set("lang", data.get("lang"));
    form.set("administrator", data.get("administrator"));
    let email = match EmailAddress::parse(data.get("email")) {
        Ok(e) => Some(e),
        Err(e) => {
            form.fail(ctx.lang, "email", e.message_key());
            None
        }
    };
    let lang = Lang::from_code(data.get("lang"));
    if lang.is_none() {
        form.fail(ctx.lang, "lang", "error-manager-lang");
    }
    let (Some(email), Some(lang)) = (email, lang) else {
        let page = managers_page(ctx, &state, &admin, form, None).await?;
        return render_form(true, &page);
    };
    let administrator = data.get("administrator") == "yes";
    let actor = admin.actor();
    // An unusable password until the new manager chooses one with the mailed link.
    let address = email.clone();
    let created = with_conn(&state, move |conn| {
        let placeholder = Password::random_hash();
        crate::db::write_transaction(conn, |conn| -> QueryResult<_> {
            let id = match crate::accounts::create_manager(conn, &address, &placeholder, lang) {
                Ok(id) => id,
                Err(crate::accounts::CreateError::Exists(_)) => return Ok(None),
                Err(crate::accounts::CreateError::Database(e)) => return Err(e),
            };
            diesel::update(accounts::table.find(id))
                .set(accounts::administrator.eq(administrator))
                .execute(conn)?;
            let entry = audit::Entry::new(action::MANAGER_CREATED, format!("account {id}"))
                .after(json!({ "email": address.as_str(), "administrator": administrator }));
            audit::record(conn, &actor, entry, crate::db::now())?;
            Ok(Some(id))
        })
        .map_err(AppError::from)
    })
    .await?;
    if created.is_none() {
        form.fail(ctx.lang, "email", "error-manager-exists");
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
