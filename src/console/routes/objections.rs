//! The console's side of objections (G.12): `/{lang}/manage/objections` lists the objections to
//! every kind of enforcement action, and a manager other than the one who took the action
//! decides each (four eyes).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;
use chrono::NaiveDateTime;

use crate::audit::Actor;
use crate::calendar::working_days::today;
use crate::console::handler::{show, Console, FormPage};
use crate::console::page::ConsoleWords;
use crate::db::ids::{AccountId, ObjectionId};
use crate::db::AnyConnection;
use crate::enforcement::objections::{self, DecideError, Deciders, Objection};
use crate::enforcement::states::ObjectionDecision;
use crate::enforcement::subjects::Action;
use crate::enforcement::telling::tell_decision;
use crate::forms::{FormData, FormState, REASON};
use crate::i18n::Lang;
use crate::ledger::states::CommissionState;
use crate::web::extract::{CsrfForm, InPath, Manager};
use crate::web::{AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/objections", web::get().to(show::<ObjectionsPage>))
        .route("/manage/objections/{id}/decision", web::post().to(decide));
}

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
    deciders: Vec<Deciders>,
}

impl FormPage for ObjectionsPage {
    const PATH: &'static str = "/manage/objections";
    const NOTICES: &'static [&'static str] = &["objection-decided", "objection-already-decided"];
    type Seat = Manager;
    type Data = (Vec<Objection>, Vec<Deciders>);
    type Forms = Option<(ObjectionId, FormState)>;

    fn load(conn: &mut AnyConnection, _: Lang) -> diesel::QueryResult<Self::Data> {
        let all = objections::all(conn)?;
        let open: Vec<&Objection> = all.iter().filter(|o| o.is_open()).collect();
        let deciders = objections::deciders(conn, &open)?;
        Ok((all, deciders))
    }

    fn build(
        ctx: Ctx,
        manager: &Manager,
        (objections, deciders): Self::Data,
        problem: Self::Forms,
        notice: Option<String>,
    ) -> Self {
        ObjectionsPage {
            words: ConsoleWords { lang: ctx.lang },
            ctx,
            objections,
            today: today(),
            problem,
            notice,
            me: manager.account.id,
            deciders,
        }
    }
}

impl ObjectionsPage {
    fn deciders_of(&self, o: &Objection) -> Option<&Deciders> {
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

/// A manager's decision on an objection, as its form gives it.
struct Verdict {
    upheld: bool,
    /// What an upheld objection to a rejected commission puts it back to.
    restore: Option<CommissionState>,
    reason: String,
}

impl Verdict {
    /// `decision` (`upheld` or `dismissed`), `reason`, and `restore` (`approved`, the default,
    /// or `pending`).
    fn from_form(data: &FormData, lang: Lang) -> Result<Verdict, FormState> {
        let mut form = FormState::new();
        form.set("decision", data.get("decision"));
        form.set("reason", data.get("reason"));
        form.set("restore", data.get("restore"));
        let upheld = match ObjectionDecision::parse(data.get("decision")) {
            Some(decision) => Some(decision == ObjectionDecision::Upheld),
            None => {
                form.fail(lang, "decision", "error-objection-decision");
                None
            }
        };
        let restore = match data.get("restore") {
            "" => None,
            "approved" => Some(CommissionState::Approved),
            "pending" => Some(CommissionState::Pending),
            _ => {
                form.fail(lang, "restore", "error-objection-restore");
                None
            }
        };
        let reason = REASON.read(&mut form, lang, "reason", data.get("reason"));
        match (upheld, reason, form.has_errors()) {
            (Some(upheld), Some(reason), false) => Ok(Verdict {
                upheld,
                restore,
                reason,
            }),
            _ => Err(form),
        }
    }
}

/// A decision taken, with what its mail says: the action as it was objected to (an upheld one
/// is undone by the decision) and the verdict.
struct Taken {
    decided: objections::Decided,
    before: Option<Action>,
    verdict: Verdict,
}

impl Verdict {
    /// Decides objection `id` so (`objections::decide`).
    fn decide(
        self,
        conn: &mut AnyConnection,
        actor: &Actor,
        id: ObjectionId,
        now: NaiveDateTime,
    ) -> Result<Taken, DecideError> {
        let before = objections::find(conn, id)?.and_then(|o| o.action);
        let (upheld, restore) = (self.upheld, self.restore);
        let decided = objections::decide(conn, actor, id, upheld, restore, &self.reason, now)?;
        Ok(Taken {
            decided,
            before,
            verdict: self,
        })
    }
}

async fn decide(
    console: Console,
    InPath(id): InPath<ObjectionId>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let verdict = match Verdict::from_form(&data, console.lang()) {
        Ok(verdict) => verdict,
        Err(form) => return console.refuse::<ObjectionsPage>(Some((id, form))).await,
    };
    let taken = console
        .attempt(move |conn, actor, now| verdict.decide(conn, actor, id, now))
        .await?;
    console
        .crediting_changed(taken.as_ref().is_ok_and(|t| t.decided.crediting_changed))
        .await;
    match taken {
        Ok(Taken {
            decided,
            before,
            verdict,
        }) => {
            let Verdict { upheld, reason, .. } = verdict;
            tell_decision(&console.state, decided, before, upheld, reason).await?;
            Ok(console.done::<ObjectionsPage>("objection-decided"))
        }
        Err(DecideError::NotFound) => Err(AppError::NotFound),
        Err(DecideError::Decided) => {
            Ok(console.done::<ObjectionsPage>("objection-already-decided"))
        }
        Err(DecideError::OwnMeasure) => {
            // Four eyes: refused beside the objection, with who decides it instead.
            let mut form = FormState::new();
            form.fail(console.lang(), "decision", "error-objection-own-measure");
            console
                .refuse_as::<ObjectionsPage>(StatusCode::FORBIDDEN, Some((id, form)))
                .await
        }
        Err(e) => Err(AppError::Other(e.into())),
    }
}
