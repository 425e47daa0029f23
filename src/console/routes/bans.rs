//! The registration ban list's page (F.11.g): an administrator adds and lifts bans at
//! `/{lang}/manage/bans`. The list itself and its one check are `enforcement::bans`.

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::enforcement::bans::{add, all, lift, Added, Ban, Target};
use crate::enforcement::states::BanKind;
use crate::forms::{written_text, FormState, TextProblem, REASON_MAX};
use crate::i18n::Lang;
use crate::state::AppState;
use crate::web::extract::{Administrator, CsrfForm, InPath};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx, NoticeQuery};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/bans", web::get().to(list))
        .route("/manage/bans", web::post().to(add_submit))
        .route("/manage/bans/{id}/lift", web::post().to(lift_submit));
}

const NOTICES: &[&str] = &["ban-added", "ban-exists", "ban-lifted"];

#[derive(Template)]
#[template(path = "console/bans.html")]
struct BansPage {
    ctx: Ctx,
    bans: Vec<Ban>,
    form: FormState,
    /// A lifting refused for want of a reason: the ban and the message.
    lift_error: Option<(i64, String)>,
    notice: Option<String>,
}

impl BansPage {
    fn kind_label(&self, kind: &BanKind) -> String {
        self.ctx.t(&format!("bans-kind-{kind}"))
    }

    fn lift_error_for(&self, ban: &Ban) -> Option<&str> {
        self.lift_error
            .as_ref()
            .filter(|(id, _)| *id == ban.id)
            .map(|(_, m)| m.as_str())
    }
}

async fn bans_page(
    ctx: Ctx,
    state: &web::Data<AppState>,
    form: FormState,
    lift_error: Option<(i64, String)>,
    notice: Option<String>,
) -> Result<BansPage, AppError> {
    let bans = with_conn(state, |conn| Ok(all(conn)?)).await?;
    Ok(BansPage {
        ctx,
        bans,
        form,
        lift_error,
        notice,
    })
}

async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    _admin: Administrator,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query.text(&ctx, NOTICES);
    render(&bans_page(ctx, &state, FormState::new(), None, notice).await?)
}

fn reason_key(problem: TextProblem) -> &'static str {
    match problem {
        TextProblem::Empty => "error-ban-reason-empty",
        TextProblem::TooLong => "error-ban-reason-too-long",
        TextProblem::Characters | TextProblem::Invisible => "error-ban-reason-characters",
    }
}

/// `value` (an address or a domain), `reason`.
async fn add_submit(
    ctx: Ctx,
    state: web::Data<AppState>,
    admin: Administrator,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let lang: Lang = ctx.lang;
    let mut form = FormState::new();
    form.set("value", data.get("value"));
    form.set("reason", data.get("reason"));
    let target = Target::parse(data.get("value"))
        .map_err(|key| form.fail(lang, "value", key))
        .ok();
    let reason = written_text(data.get("reason"), REASON_MAX)
        .map_err(|p| form.fail(lang, "reason", reason_key(p)))
        .ok();
    let (Some(target), Some(reason)) = (target, reason) else {
        let page = bans_page(ctx, &state, form, None, None).await?;
        return render_form(true, &page);
    };
    let actor = admin.actor();
    let added = with_conn(&state, move |conn| {
        Ok(add(conn, &actor, &target, &reason, crate::db::now())?)
    })
    .await?;
    let notice = match added {
        Added::Added(_) => "ban-added",
        Added::Already(_) => "ban-exists",
    };
    Ok(see_other(
        &ctx.href(&format!("/manage/bans?notice={notice}")),
    ))
}

/// `reason`: why the ban is lifted.
async fn lift_submit(
    ctx: Ctx,
    state: web::Data<AppState>,
    admin: Administrator,
    InPath(id): InPath<i64>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let reason = match written_text(data.get("reason"), REASON_MAX) {
        Ok(r) => r,
        Err(p) => {
            let message = ctx.t(reason_key(p));
            let page = bans_page(ctx, &state, FormState::new(), Some((id, message)), None).await?;
            return render_form(true, &page);
        }
    };
    let actor = admin.actor();
    let lifted = with_conn(&state, move |conn| {
        Ok(lift(conn, &actor, id, &reason, crate::db::now())?)
    })
    .await?;
    if lifted.is_none() {
        return Err(AppError::NotFound);
    }
    Ok(see_other(&ctx.href("/manage/bans?notice=ban-lifted")))
}
