//! The console's side of objections (G.12): `/{lang}/manage/objections` lists the objections to
//! every kind of enforcement action, and a manager other than the one who took the action
//! decides each (four eyes).

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::calendar::working_days::today;
use crate::console::page::ConsoleWords;
use crate::db::ids::{AccountId, ObjectionId};
use crate::enforcement::objections::{self, DecideError, Objection};
use crate::enforcement::states::ObjectionDecision;
use crate::forms::{FormState, REASON};
use crate::ledger::states::CommissionState;
use crate::state::AppState;
use crate::web::extract::{CsrfForm, InPath, Manager};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx, NoticeQuery};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/objections", web::get().to(objections_page))
        .route("/manage/objections/{id}/decision", web::post().to(decide));
}

const NOTICES: &[&str] = &["objection-decided", "objection-already-decided"];

#[derive(Template)]
#[template(path = "console/objections.html")]
struct ObjectionsPage {
    ctx: Ctx,
    words: ConsoleWords,
    objections: Vec<Objection>,
    today: chrono::NaiveDate,
    /// A decision form that was refused: (objection, its form).
    problem: Option<(ObjectionId, FormState)>,
    notice: Option<String>,
    /// The manager looking.
    me: AccountId,
    /// Who decides each open objection (four eyes).
    deciders: Vec<objections::Deciders>,
}

impl ObjectionsPage {
    fn deciders_of(&self, o: &Objection) -> Option<&objections::Deciders> {
        self.deciders.iter().find(|d| d.objection_id == o.id)
    }

    /// Whether the decision form is offered to the manager looking.
    fn may_decide(&self, o: &Objection) -> bool {
        self.deciders_of(o).is_none_or(|d| d.may_decide(self.me))
    }

    fn title(&self, o: &Objection) -> String {
        o.title(&self.ctx.lang)
    }

    fn error(&self, id: &ObjectionId, field: &str) -> Option<String> {
        self.problem
            .as_ref()
            .filter(|(o, _)| o == id)
            .and_then(|(_, f)| f.error(field).map(str::to_owned))
    }

    fn value(&self, id: &ObjectionId, field: &str) -> String {
        self.problem
            .as_ref()
            .filter(|(o, _)| o == id)
            .map(|(_, f)| f.value(field).to_owned())
            .unwrap_or_default()
    }

    fn open(&self) -> Vec<&Objection> {
        self.objections.iter().filter(|o| o.is_open()).collect()
    }

    fn decided(&self) -> Vec<&Objection> {
        self.objections.iter().filter(|o| !o.is_open()).collect()
    }

    fn is_overdue(&self, o: &Objection) -> bool {
        o.overdue(self.today)
    }

    fn overdue_count(&self) -> usize {
        self.objections
            .iter()
            .filter(|o| o.overdue(self.today))
            .count()
    }
}

async fn objections_view(
    ctx: Ctx,
    state: &web::Data<AppState>,
    manager: &Manager,
    problem: Option<(ObjectionId, FormState)>,
    notice: Option<String>,
) -> Result<ObjectionsPage, AppError> {
    let (objections, deciders) = with_conn(state, |conn| {
        let all = objections::all(conn)?;
        let open: Vec<&Objection> = all.iter().filter(|o| o.is_open()).collect();
        let deciders = objections::deciders(conn, &open)?;
        Ok((all, deciders))
    })
    .await?;
    Ok(ObjectionsPage {
        words: ConsoleWords { lang: ctx.lang },
        ctx,
        objections,
        today: today(),
        problem,
        notice,
        me: manager.account.id,
        deciders,
    })
}

async fn objections_page(
    ctx: Ctx,
    state: web::Data<AppState>,
    manager: Manager,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query.text(&ctx, NOTICES);
    render(&objections_view(ctx, &state, &manager, None, notice).await?)
}

/// The state an upheld objection puts a rejected commission back to: `approved` (the default
/// when the form offers no choice) or `pending`.
fn restore_choice(text: &str) -> Result<Option<CommissionState>, ()> {
    match text {
        "" => Ok(None),
        "approved" => Ok(Some(CommissionState::Approved)),
        "pending" => Ok(Some(CommissionState::Pending)),
        _ => Err(()),
    }
}

async fn decide(
    ctx: Ctx,
    state: web::Data<AppState>,
    manager: Manager,
    InPath(id): InPath<ObjectionId>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let mut form = FormState::new();
    form.set("decision", data.get("decision"));
    form.set("reason", data.get("reason"));
    form.set("restore", data.get("restore"));
    let upheld = match ObjectionDecision::parse(data.get("decision")) {
        Some(decision) => Some(decision == ObjectionDecision::Upheld),
        None => {
            form.fail(ctx.lang, "decision", "error-objection-decision");
            None
        }
    };
    let restore = restore_choice(data.get("restore"))
        .map_err(|()| form.fail(ctx.lang, "restore", "error-objection-restore"))
        .ok()
        .flatten();
    let reason = REASON.read(&mut form, ctx.lang, "reason", data.get("reason"));
    let (Some(upheld), Some(reason), false) = (upheld, reason, form.has_errors()) else {
        let page = objections_view(ctx, &state, &manager, Some((id, form)), None).await?;
        return render_form(true, &page);
    };
    let actor = manager.actor();
    let r = reason.clone();
    let decided = with_conn(&state, move |conn| {
        let now = crate::db::now();
        // The action as it was objected to, for the mail (an upheld one is undone after).
        let before = objections::find(conn, id)?.and_then(|o| o.action);
        match objections::decide(conn, &actor, id, upheld, restore, &r, now) {
            Ok(decided) => Ok(Ok((decided, before))),
            Err(DecideError::Db(e)) => Err(e.into()),
            Err(other) => Ok(Err(other)),
        }
    })
    .await?;
    if decided.as_ref().is_ok_and(|(d, _)| d.crediting_changed) {
        // Committed: the click writer forgets what it knew of the participant's links.
        state.crediting.changed();
    }
    match decided {
        Ok((decided, before)) => {
            crate::enforcement::telling::tell_decision(&state, decided, before, upheld, reason)
                .await?;
            Ok(see_other(
                &ctx.href("/manage/objections?notice=objection-decided"),
            ))
        }
        Err(DecideError::NotFound) => Err(AppError::NotFound),
        Err(DecideError::Decided) => Ok(see_other(
            &ctx.href("/manage/objections?notice=objection-already-decided"),
        )),
        Err(DecideError::OwnMeasure) => {
            // Four eyes: refused beside the objection, with who decides it instead.
            let mut form = FormState::new();
            form.fail(ctx.lang, "decision", "error-objection-own-measure");
            let page = objections_view(ctx, &state, &manager, Some((id, form)), None).await?;
            crate::web::render_status(actix_web::http::StatusCode::FORBIDDEN, &page)
        }
        Err(e) => Err(AppError::Other(e.into())),
    }
}
