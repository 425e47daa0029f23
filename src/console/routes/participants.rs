//! The console's participants and objections: `/{lang}/manage/participants` (search, filters,
//! pages), a participant's page with its whole history, taking and lifting measures, deciding
//! cure periods and objections, and the evidence files. Every handler takes `Manager`: anyone
//! else gets the 403 page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::calendar::working_days::today;
use crate::console::handler::{Console, Seat};
use crate::console::page::ConsoleWords;
use crate::console::participants::{
    self as queries, ChannelLine, ClickQuality, ListQuery, ListResult, MembershipLine, Profile,
    Summary,
};
use crate::db::ids::{MeasureId, ObjectionFileId, ParticipantId};
use crate::enforcement::evidence;
use crate::enforcement::measures::{self, CureError, LiftError, Measure, Proposal, TakeError};
use crate::enforcement::notices;
use crate::enforcement::objections::Objection;
use crate::enforcement::proposal::new_request_key;
use crate::enforcement::reinstatement::{self, ReinstateError};
use crate::enforcement::telling::tell;
use crate::forms::{FormState, REASON};
use crate::i18n::Lang;
use crate::participants::MeasureKind;
use crate::programme::versions::ClauseText;
use crate::web::extract::{Administrator, CsrfForm, InPath};
use crate::web::{render, render_status, AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/participants", web::get().to(list))
        .route("/manage/participants/{id}", web::get().to(show))
        .route("/manage/participants/{id}/measures", web::post().to(take))
        .route(
            "/manage/participants/{id}/measures/{mid}/lift",
            web::post().to(lift),
        )
        .route(
            "/manage/participants/{id}/measures/{mid}/cure",
            web::post().to(accept_cure),
        )
        .route(
            "/manage/participants/{id}/reinstate",
            web::get().to(reinstate_form),
        )
        .route(
            "/manage/participants/{id}/reinstate",
            web::post().to(reinstate),
        )
        .route("/manage/evidence/{file}", web::get().to(evidence_file));
}

const NOTICES: &[&str] = &[
    "measure-taken",
    "measure-exists",
    "measure-lifted",
    "measure-already-lifted",
    "cure-accepted",
    "cure-closed",
    "participant-reinstated",
];

#[derive(Template)]
#[template(path = "console/participants.html")]
struct ListPage {
    ctx: Ctx,
    words: ConsoleWords,
    query: ListQuery,
    result: ListResult,
    countries: Vec<String>,
}

impl ListPage {
    fn page_href(&self, page: usize) -> String {
        let rest = self.query.without_page();
        let sep = if rest.is_empty() { "" } else { "&" };
        self.ctx
            .href(&format!("/manage/participants?{rest}{sep}page={page}"))
    }

    fn open_text(&self, line: &queries::ParticipantLine) -> String {
        line.open_measures
            .iter()
            .map(|k| notices::title(self.ctx.lang, *k))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn status(&self, line: &queries::ParticipantLine) -> String {
        if line.terminated_at.is_some() {
            self.ctx.t("participant-status-terminated")
        } else if line.activated {
            self.ctx.t("participant-status-active")
        } else {
            self.ctx.t("participant-status-inactive")
        }
    }

    fn kinds(&self) -> Vec<(&'static str, String)> {
        MeasureKind::ALL
            .iter()
            .map(|k| (k.as_str(), notices::title(self.ctx.lang, *k)))
            .collect()
    }
}

async fn list(console: Console, query: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let q = query.clone();
    let (result, countries) = console
        .read(move |conn| Ok((queries::list(conn, &q, today())?, queries::countries(conn)?)))
        .await?;
    render(&ListPage {
        words: ConsoleWords {
            lang: console.lang(),
        },
        ctx: console.ctx,
        query,
        result,
        countries,
    })
}

#[derive(Template)]
#[template(path = "console/participant.html")]
struct ParticipantPage {
    ctx: Ctx,
    words: ConsoleWords,
    profile: Profile,
    channels: Vec<ChannelLine>,
    memberships: Vec<MembershipLine>,
    quality: ClickQuality,
    summary: Summary,
    measures: Vec<(Measure, Option<Objection>)>,
    acceptances: Vec<(i32, chrono::NaiveDateTime)>,
    clauses: Vec<ClauseText>,
    /// The rules' sections (letter, title), to group the clauses by.
    sections: Vec<(String, String)>,
    rules_version: i32,
    form: FormState,
    /// The form of a lift that was refused: (measure, its form).
    lift_problem: Option<(MeasureId, FormState)>,
    escalating: Option<i64>,
    notice: Option<String>,
    today: chrono::NaiveDate,
}

impl ParticipantPage {
    /// The participant's language in words, in the reader's language ("Nederlands", "Dutch").
    fn language(&self) -> String {
        match Lang::from_code(&self.profile.lang) {
            Some(l) => self.ctx.t(&format!("participant-language-{}", l.code())),
            None => self.profile.lang.clone(),
        }
    }

    fn cure_overdue(&self, m: &Measure) -> bool {
        m.cure_overdue(self.today)
    }

    fn measure_title(&self, m: &Measure) -> String {
        notices::title(self.ctx.lang, m.kind)
    }

    fn effect(&self, m: &Measure) -> String {
        notices::effect(self.ctx.lang, m)
    }

    fn kinds(&self) -> Vec<(&'static str, String)> {
        MeasureKind::ALL
            .iter()
            .map(|k| (k.as_str(), self.kind_label(k)))
            .collect()
    }

    fn kind_label(&self, k: &MeasureKind) -> String {
        format!("{} ({})", notices::title(self.ctx.lang, *k), k.clause())
    }

    /// The measure whose fields the form shows (step two), once one is chosen.
    fn chosen_kind(&self) -> Option<MeasureKind> {
        MeasureKind::parse(self.form.value("kind"))
    }

    /// Whether the form itself is shown: a kind is chosen, or a form sent back with mistakes.
    fn form_open(&self) -> bool {
        self.chosen_kind().is_some() || self.form.has_errors()
    }

    /// Step one: a link per measure that opens the form with that measure's fields.
    fn kind_href(&self, kind: &str) -> String {
        let escalate = self
            .escalating
            .map(|id| format!("escalate={id}&"))
            .unwrap_or_default();
        self.action(&format!("?{escalate}kind={kind}#measure-form"))
    }

    fn change_kind_href(&self) -> String {
        match self.escalating {
            Some(id) => self.action(&format!("?escalate={id}#measure-form")),
            None => self.action("#measure-form"),
        }
    }

    fn shows(&self, field: &str) -> bool {
        use MeasureKind::*;
        matches!(
            (self.chosen_kind(), field),
            (Some(CurePeriod), "deadline")
                | (Some(Deduct), "amount")
                | (Some(Restrict), "restriction")
                | (Some(Ban), "ban")
        )
    }

    /// The clauses grouped by section: those a breach can cite (B–E) first, then the
    /// penalties (F), then the rest.
    fn clause_groups(&self) -> Vec<ClauseGroup<'_>> {
        let mut groups: Vec<ClauseGroup<'_>> = self
            .sections
            .iter()
            .map(|(letter, title)| {
                let clauses: Vec<&ClauseText> = self
                    .clauses
                    .iter()
                    .filter(|c| &c.section == letter)
                    .collect();
                let breach = measures::BREACH_SECTIONS.contains(&letter.as_str());
                let chosen = clauses.iter().filter(|c| self.clause_chosen(c)).count();
                ClauseGroup {
                    letter: letter.clone(),
                    title: title.clone(),
                    open: chosen > 0 || letter == "E",
                    chosen,
                    breach,
                    clauses,
                }
            })
            .filter(|g| !g.clauses.is_empty())
            .collect();
        groups.sort_by_key(|g| (!g.breach, g.letter != "F"));
        groups
    }

    fn clause_chosen(&self, c: &ClauseText) -> bool {
        self.form.is_chosen("clauses", c.citation())
    }

    fn action(&self, rest: &str) -> String {
        self.ctx
            .href(&format!("/manage/participants/{}{rest}", self.profile.id))
    }

    /// A clause a measure cites, in the version of the rules it quoted.
    fn clause_href(&self, anchor: &str, version: &i32) -> String {
        self.ctx.href(&format!(
            "/programmes/aliexpress/rules/v/{version}#{anchor}"
        ))
    }

    fn lift_error(&self, measure_id: &MeasureId) -> Option<String> {
        self.lift_problem
            .as_ref()
            .filter(|(id, _)| id == measure_id)
            .and_then(|(_, f)| f.error("reason").map(str::to_owned))
    }

    fn lift_value(&self, measure_id: &MeasureId) -> String {
        self.lift_problem
            .as_ref()
            .filter(|(id, _)| id == measure_id)
            .map(|(_, f)| f.value("reason").to_owned())
            .unwrap_or_default()
    }

    fn review_state(&self, c: &ChannelLine) -> String {
        self.ctx.t(&format!("review-{}", c.review_state.as_str()))
    }

    fn membership_state(&self, m: &MembershipLine) -> String {
        self.ctx.t(&format!("membership-{}", m.state.as_str()))
    }

    fn open_memberships(&self) -> Vec<&MembershipLine> {
        self.memberships
            .iter()
            .filter(|m| m.state == crate::participants::MembershipState::Approved)
            .collect()
    }
}

/// A section of the rules in the clause chooser.
struct ClauseGroup<'a> {
    letter: String,
    title: String,
    clauses: Vec<&'a ClauseText>,
    /// Its clauses can be breached (B–E).
    breach: bool,
    /// How many of its clauses are ticked.
    chosen: usize,
    /// Shown unfolded: it holds a ticked clause, or it is E (restricted behaviours).
    open: bool,
}

/// A new form; with a measure chosen (step two), its clause of F.11 ticked already.
fn fresh_form(escalating: Option<i64>, kind: Option<MeasureKind>) -> FormState {
    let mut form = FormState::new();
    form.set("request_key", new_request_key());
    if let Some(id) = escalating {
        form.set("escalates", id.to_string());
    }
    if let Some(kind) = kind {
        form.set("kind", kind.as_str());
        form.set_all("clauses", vec![kind.clause().to_owned()]);
    }
    form
}

#[derive(serde::Deserialize)]
struct ShowQuery {
    notice: Option<String>,
    escalate: Option<i64>,
    /// The measure chosen in the form's first step.
    kind: Option<String>,
}

/// The participant page's forms: the measure's (step one, or step two with a measure chosen, or
/// sent back with its problems), a lift refused, and the measure being escalated.
struct MeasureForms {
    form: Option<FormState>,
    lift_problem: Option<(MeasureId, FormState)>,
    escalating: Option<i64>,
}

impl MeasureForms {
    /// The measure's form as `form` says, escalating measure `escalating`.
    fn measure(form: FormState, escalating: Option<i64>) -> MeasureForms {
        MeasureForms {
            form: Some(form),
            lift_problem: None,
            escalating,
        }
    }

    /// A lift of `measure_id` refused, with its form.
    fn lift(measure_id: MeasureId, form: FormState) -> MeasureForms {
        MeasureForms {
            form: None,
            lift_problem: Some((measure_id, form)),
            escalating: None,
        }
    }
}

async fn participant_page<W: Seat>(
    console: Console<W>,
    participant_id: ParticipantId,
    forms: MeasureForms,
    notice: Option<String>,
) -> Result<ParticipantPage, AppError> {
    let today = today();
    let data = console
        .read(move |conn| queries::participant_data(conn, participant_id, today))
        .await?
        .ok_or(AppError::NotFound)?;
    let MeasureForms {
        form,
        lift_problem,
        escalating,
    } = forms;
    Ok(ParticipantPage {
        words: ConsoleWords {
            lang: console.lang(),
        },
        ctx: console.ctx,
        profile: data.profile,
        channels: data.channels,
        memberships: data.memberships,
        quality: data.quality,
        summary: data.summary,
        measures: data.measures,
        acceptances: data.acceptances,
        clauses: data.clauses,
        sections: data.sections,
        rules_version: data.rules_version,
        form: form.unwrap_or_else(|| fresh_form(escalating, None)),
        lift_problem,
        escalating,
        notice,
        today,
    })
}

/// The participant's page again with a refused form: 422 for a form's mistakes, 409 for a
/// change the state of things refused.
async fn refuse(
    console: Console,
    participant_id: ParticipantId,
    status: StatusCode,
    forms: MeasureForms,
) -> Result<HttpResponse, AppError> {
    render_status(
        status,
        &participant_page(console, participant_id, forms, None).await?,
    )
}

/// 303 back to the participant's page with `notice`.
fn back<W: Seat>(console: &Console<W>, id: ParticipantId, notice: &str) -> HttpResponse {
    console.back(&format!("/manage/participants/{id}?notice={notice}"))
}

async fn show(
    console: Console,
    InPath(id): InPath<ParticipantId>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query
        .notice
        .as_deref()
        .filter(|n| NOTICES.contains(n))
        .map(|n| console.ctx.t(&format!("notice-{n}")));
    let kind = query.kind.as_deref().and_then(MeasureKind::parse);
    let forms = MeasureForms::measure(fresh_form(query.escalate, kind), query.escalate);
    render(&participant_page(console, id, forms, notice).await?)
}

/// The measure's form (`Proposal::from_form`): a measure against the participant, citing
/// clauses of the rules in force.
async fn take(
    console: Console,
    InPath(id): InPath<ParticipantId>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let clauses = console.read(queries::clauses_in_force).await?;
    let escalating = data.get("escalates").parse().ok();
    let proposal = match Proposal::from_form(&data, console.lang(), &clauses, today()) {
        Ok(p) => p,
        Err(form) => {
            let forms = MeasureForms::measure(form, escalating);
            return refuse(console, id, StatusCode::UNPROCESSABLE_ENTITY, forms).await;
        }
    };
    let p = proposal.clone();
    let taken = console
        .attempt(move |conn, actor, now| queries::take_measure(conn, actor, id, &p, now))
        .await?;
    console
        .crediting_changed(taken.as_ref().is_ok_and(|t| t.crediting_changed))
        .await;
    match taken {
        Ok(t) if t.new => {
            tracing::info!(
                measure_id = t.measure_id.get(),
                participant_id = id.get(),
                "measure taken"
            );
            tell(&console.state, t.measure_id, notices::taken_mail).await?;
            Ok(back(&console, id, "measure-taken"))
        }
        Ok(_) => Ok(back(&console, id, "measure-exists")),
        Err(TakeError::UnknownParticipant) => Err(AppError::NotFound),
        Err(problem) => {
            let form = proposal.refused(&data, console.lang(), &problem);
            let forms = MeasureForms::measure(form, escalating);
            refuse(console, id, StatusCode::CONFLICT, forms).await
        }
    }
}

/// `reason`: why the measure is lifted.
async fn lift(
    console: Console,
    path: web::Path<(Lang, ParticipantId, MeasureId)>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let (_, id, measure_id) = path.into_inner();
    let mut form = FormState::new();
    form.set("reason", data.get("reason"));
    let Some(reason) = REASON.read(&mut form, console.lang(), "reason", data.get("reason")) else {
        let forms = MeasureForms::lift(measure_id, form);
        return refuse(console, id, StatusCode::UNPROCESSABLE_ENTITY, forms).await;
    };
    let r = reason.clone();
    let lifted = console
        .attempt(move |conn, actor, now| {
            queries::lift_measure(conn, actor, (id, measure_id), &r, now)
        })
        .await?;
    console
        .crediting_changed(lifted.as_ref().is_ok_and(|l| l.crediting_changed))
        .await;
    match lifted {
        Ok(_) => {
            tell(&console.state, measure_id, move |lang, m, link| {
                notices::lifted_mail(lang, m, &reason, link)
            })
            .await?;
            Ok(back(&console, id, "measure-lifted"))
        }
        Err(LiftError::NotFound) => Err(AppError::NotFound),
        Err(LiftError::AlreadyLifted) => Ok(back(&console, id, "measure-already-lifted")),
        Err(_) => {
            form.fail(console.lang(), "reason", "error-termination-lift");
            let forms = MeasureForms::lift(measure_id, form);
            refuse(console, id, StatusCode::CONFLICT, forms).await
        }
    }
}

async fn accept_cure(
    console: Console,
    path: web::Path<(Lang, ParticipantId, MeasureId)>,
    _data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let (_, id, measure_id) = path.into_inner();
    let accepted = console
        .attempt(move |conn, actor, now| queries::accept_cure(conn, actor, (id, measure_id), now))
        .await?;
    match accepted {
        Ok(_) => Ok(back(&console, id, "cure-accepted")),
        Err(CureError::NotFound) => Err(AppError::NotFound),
        Err(_) => Ok(back(&console, id, "cure-closed")),
    }
}

async fn evidence_file(
    console: Console,
    InPath(file_id): InPath<ObjectionFileId>,
) -> Result<HttpResponse, AppError> {
    evidence::serve(&console.state, file_id, None).await
}

// ---- reinstatement: an administrator reinstates a terminated participant, with a reason ----

#[derive(Template)]
#[template(path = "console/reinstate.html")]
struct ReinstatePage {
    ctx: Ctx,
    participant_id: ParticipantId,
    company_name: String,
    terminated: bool,
    form: FormState,
}

/// The reinstatement's page with its form as `form` says, answered with `status`.
async fn reinstate_page(
    console: Console<Administrator>,
    participant_id: ParticipantId,
    status: StatusCode,
    form: FormState,
) -> Result<HttpResponse, AppError> {
    let found = console
        .read(move |conn| queries::terminated(conn, participant_id))
        .await?;
    let (company_name, terminated) = found.ok_or(AppError::NotFound)?;
    let page = ReinstatePage {
        ctx: console.ctx,
        participant_id,
        company_name,
        terminated,
        form,
    };
    render_status(status, &page)
}

async fn reinstate_form(
    console: Console<Administrator>,
    InPath(id): InPath<ParticipantId>,
) -> Result<HttpResponse, AppError> {
    reinstate_page(console, id, StatusCode::OK, FormState::new()).await
}

/// `reason`: why the participant is reinstated (required).
async fn reinstate(
    console: Console<Administrator>,
    InPath(id): InPath<ParticipantId>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let lang = console.lang();
    let mut form = FormState::new();
    form.set("reason", data.get("reason"));
    let reason = if data.get("reason").trim().is_empty() {
        form.fail(lang, "reason", "error-reinstate-reason-required");
        None
    } else {
        REASON.read(&mut form, lang, "reason", data.get("reason"))
    };
    let Some(reason) = reason else {
        return reinstate_page(console, id, StatusCode::UNPROCESSABLE_ENTITY, form).await;
    };
    let done = console
        .attempt(move |conn, actor, now| {
            reinstatement::reinstate_participant(conn, actor, id, &reason, now)
        })
        .await?;
    match done {
        Ok(()) => {
            // Committed: its clicks are credited again from the next one on.
            console.crediting_changed(true).await;
            Ok(back(&console, id, "participant-reinstated"))
        }
        Err(ReinstateError::NotFound) => Err(AppError::NotFound),
        Err(_) => {
            form.fail(lang, "reason", "error-reinstate-not-terminated");
            reinstate_page(console, id, StatusCode::CONFLICT, form).await
        }
    }
}
