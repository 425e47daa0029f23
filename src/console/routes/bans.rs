//! The registration ban list's page (F.11.g): an administrator adds and lifts bans at
//! `/{lang}/manage/bans`. The list itself and its one check are `enforcement::bans`.

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::console::handler::{show, Console, FormPage};
use crate::db::ids::BanId;
use crate::db::AnyConnection;
use crate::enforcement::bans::{add, all, lift, Added, Ban, Target};
use crate::enforcement::states::BanKind;
use crate::forms::{written_text, FormData, FormState, TextProblem, REASON_MAX};
use crate::i18n::Lang;
use crate::web::extract::{Administrator, CsrfForm, InPath, Manager};
use crate::web::{AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/bans", web::get().to(show::<BansPage>))
        .route("/manage/bans", web::post().to(add_submit))
        .route("/manage/bans/{id}/lift", web::post().to(lift_submit));
}

#[derive(Template)]
#[template(path = "console/bans.html")]
struct BansPage {
    ctx: Ctx,
    bans: Vec<Ban>,
    form: FormState,
    /// A lifting refused for want of a reason: the ban and the message.
    lift_error: Option<(BanId, String)>,
    notice: Option<String>,
}

/// The page's forms: the new ban's, and a lifting refused.
#[derive(Default)]
struct BanForms {
    add: FormState,
    lift_error: Option<(BanId, String)>,
}

impl FormPage for BansPage {
    const PATH: &'static str = "/manage/bans";
    const NOTICES: &'static [&'static str] = &["ban-added", "ban-exists", "ban-lifted"];
    type Seat = Administrator;
    type Data = Vec<Ban>;
    type Forms = BanForms;

    fn load(conn: &mut AnyConnection, _: Lang) -> diesel::QueryResult<Vec<Ban>> {
        all(conn)
    }

    fn build(
        ctx: Ctx,
        _: &Manager,
        bans: Vec<Ban>,
        forms: BanForms,
        notice: Option<String>,
    ) -> Self {
        BansPage {
            ctx,
            bans,
            form: forms.add,
            lift_error: forms.lift_error,
            notice,
        }
    }
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

fn reason_key(problem: TextProblem) -> &'static str {
    match problem {
        TextProblem::Empty => "error-ban-reason-empty",
        TextProblem::TooLong => "error-ban-reason-too-long",
        TextProblem::Characters | TextProblem::Invisible => "error-ban-reason-characters",
    }
}

/// Reads the new ban's form: `value` (an address or a domain), `reason`.
fn read_ban(data: &FormData, lang: Lang) -> Result<(Target, String), FormState> {
    let mut form = FormState::new();
    form.set("value", data.get("value"));
    form.set("reason", data.get("reason"));
    let target = Target::parse(data.get("value"))
        .map_err(|key| form.fail(lang, "value", key))
        .ok();
    let reason = written_text(data.get("reason"), REASON_MAX)
        .map_err(|p| form.fail(lang, "reason", reason_key(p)))
        .ok();
    match (target, reason) {
        (Some(target), Some(reason)) => Ok((target, reason)),
        _ => Err(form),
    }
}

async fn add_submit(
    console: Console<Administrator>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let (target, reason) = match read_ban(&data, console.lang()) {
        Ok(ban) => ban,
        Err(add) => {
            return console
                .refuse::<BansPage>(BanForms {
                    add,
                    lift_error: None,
                })
                .await
        }
    };
    let added = console
        .write(move |conn, actor, now| add(conn, actor, &target, &reason, now))
        .await?;
    Ok(console.done::<BansPage>(match added {
        Added::Added(_) => "ban-added",
        Added::Already(_) => "ban-exists",
    }))
}

/// `reason`: why the ban is lifted.
async fn lift_submit(
    console: Console<Administrator>,
    InPath(id): InPath<BanId>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let reason = match written_text(data.get("reason"), REASON_MAX) {
        Ok(r) => r,
        Err(p) => {
            let lift_error = Some((id, console.ctx.t(reason_key(p))));
            let forms = BanForms {
                add: FormState::new(),
                lift_error,
            };
            return console.refuse::<BansPage>(forms).await;
        }
    };
    let lifted = console
        .write(move |conn, actor, now| lift(conn, actor, id, &reason, now))
        .await?;
    lifted.ok_or(AppError::NotFound)?;
    Ok(console.done::<BansPage>("ban-lifted"))
}
