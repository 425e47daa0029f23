//! The console's participants and objections: `/{lang}/manage/participants` (search, filters,
//! pages), a participant's page with its whole history, taking and lifting measures, deciding
//! cure periods and objections, and the evidence files. Every handler takes `Manager`: anyone
//! else gets the 403 page.

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::calendar::working_days::today;
use crate::console::page::ConsoleWords;
use crate::console::participants::{
    self as queries, ChannelLine, ClickQuality, ListQuery, ListResult, MembershipLine, Profile,
};
use crate::db::ids::{MeasureId, ObjectionFileId, ParticipantId};
use crate::domain::Currency;
use crate::enforcement::evidence;
use crate::enforcement::measures::{self, LiftError, Measure, Proposal, TakeError};
use crate::enforcement::notices;
use crate::enforcement::objections::{self, Objection};
use crate::enforcement::proposal::new_request_key;
use crate::enforcement::reinstatement;
use crate::enforcement::telling::tell;
use crate::forms::{FormState, REASON};
use crate::i18n::Lang;
use crate::ledger::states::{CommissionKind, CommissionState};
use crate::participants::MeasureKind;
use crate::programme::versions::{self, ClauseText};
use crate::state::AppState;
use crate::web::extract::{Administrator, CsrfForm, InPath, Manager};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx};

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

async fn list(
    ctx: Ctx,
    state: web::Data<AppState>,
    _manager: Manager,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let q = query.clone();
    let (result, countries) = with_conn(&state, move |conn| {
        use crate::db::schema::participants;
        use diesel::prelude::*;
        let countries: Vec<String> = participants::table
            .select(participants::country)
            .distinct()
            .order(participants::country)
            .load(conn)?;
        Ok((queries::list(conn, &q, today())?, countries))
    })
    .await?;
    render(&ListPage {
        words: ConsoleWords { lang: ctx.lang },
        ctx,
        query,
        result,
        countries,
    })
}

/// What a participant's page shows: amounts in minor units of the programme's `currency`.
struct Summary {
    conversions: i64,
    pending: i64,
    approved: i64,
    balance: i64,
    currency: Currency,
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

async fn participant_page(
    ctx: Ctx,
    state: &web::Data<AppState>,
    participant_id: ParticipantId,
    form: Option<FormState>,
    lift_problem: Option<(MeasureId, FormState)>,
    escalating: Option<i64>,
    notice: Option<String>,
) -> Result<ParticipantPage, AppError> {
    let today = today();
    let data = with_conn(state, move |conn| {
        let Some(profile) = queries::profile(conn, participant_id)? else {
            return Ok(None);
        };
        let since = today - chrono::Days::new(queries::QUALITY_DAYS - 1);
        let quality = queries::click_quality(conn, since, Some(participant_id))?
            .get(&participant_id)
            .copied()
            .unwrap_or_default();
        let commissions = crate::ledger::queries::commission_lines(conn, participant_id)?;
        let summary = Summary {
            // One order row per conversion; a return is a row of its own, not a conversion.
            conversions: commissions
                .iter()
                .filter(|c| c.kind == CommissionKind::Order)
                .count() as i64,
            pending: commissions
                .iter()
                .filter(|c| c.state == CommissionState::Pending)
                .map(|c| c.amount)
                .sum(),
            approved: commissions
                .iter()
                .filter(|c| c.state == CommissionState::Approved)
                .map(|c| c.amount)
                .sum(),
            balance: crate::ledger::payouts::balance(conn, participant_id)?,
            currency: crate::ledger::queries::programme_currency(conn)?,
        };
        let mut history = Vec::new();
        for m in measures::of_participant(conn, participant_id)? {
            let objection = objections::of_measure(conn, m.id)?;
            history.push((m, objection));
        }
        let programme_id = crate::programme::current(conn)?;
        let version = versions::current(conn, programme_id)?;
        let sections = queries::rule_sections(conn, programme_id)?;
        Ok(Some((
            profile,
            queries::channels_of(conn, participant_id)?,
            queries::memberships_of(conn, participant_id)?,
            quality,
            summary,
            history,
            versions::acceptances(conn, participant_id)?,
            (version, sections),
        )))
    })
    .await?;
    let (profile, channels, memberships, quality, summary, history, acceptances, rules) =
        data.ok_or(AppError::NotFound)?;
    let (version, sections) = rules;
    let (clauses, rules_version) = version.map(|v| (v.clauses, v.number)).unwrap_or_default();
    Ok(ParticipantPage {
        words: ConsoleWords { lang: ctx.lang },
        ctx,
        profile,
        channels,
        memberships,
        quality,
        summary,
        measures: history,
        acceptances,
        clauses,
        sections,
        rules_version,
        form: form.unwrap_or_else(|| fresh_form(escalating, None)),
        lift_problem,
        escalating,
        notice,
        today,
    })
}

async fn show(
    ctx: Ctx,
    state: web::Data<AppState>,
    _manager: Manager,
    InPath(id): InPath<ParticipantId>,
    query: web::Query<ShowQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query
        .notice
        .as_deref()
        .filter(|n| NOTICES.contains(n))
        .map(|n| ctx.t(&format!("notice-{n}")));
    let kind = query.kind.as_deref().and_then(MeasureKind::parse);
    let form = fresh_form(query.escalate, kind);
    let page = participant_page(ctx, &state, id, Some(form), None, query.escalate, notice).await?;
    render(&page)
}

async fn take(
    ctx: Ctx,
    state: web::Data<AppState>,
    manager: Manager,
    InPath(id): InPath<ParticipantId>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let today = today();
    let clauses = with_conn(&state, |conn| {
        let programme_id = crate::programme::current(conn)?;
        Ok(versions::current(conn, programme_id)?
            .map(|v| v.clauses)
            .unwrap_or_default())
    })
    .await?;
    let escalating = data.get("escalates").parse().ok();
    let proposal = match Proposal::from_form(&data, ctx.lang, &clauses, today) {
        Ok(p) => p,
        Err(form) => {
            let page =
                participant_page(ctx, &state, id, Some(form), None, escalating, None).await?;
            return render_form(true, &page);
        }
    };
    let actor = manager.actor();
    let p = proposal.clone();
    let taken = with_conn(&state, move |conn| {
        let calendar = crate::calendar::holidays::load(conn)?;
        match measures::take(conn, &actor, id, &p, &calendar, crate::db::now()) {
            Ok(t) => Ok(Ok(t)),
            Err(TakeError::Db(e)) => Err(e.into()),
            Err(other) => Ok(Err(other)),
        }
    })
    .await?;
    if taken.as_ref().is_ok_and(|t| t.crediting_changed) {
        // Committed: the click writer forgets what it knew of the participant's links.
        state.crediting.changed();
    }
    match taken {
        Ok(t) if t.new => {
            tracing::info!(
                measure_id = t.measure_id.get(),
                participant_id = id.get(),
                "measure taken"
            );
            tell(&state, t.measure_id, notices::taken_mail).await?;
            Ok(see_other(&ctx.href(&format!(
                "/manage/participants/{id}?notice=measure-taken"
            ))))
        }
        Ok(_) => Ok(see_other(
            &ctx.href(&format!("/manage/participants/{id}?notice=measure-exists")),
        )),
        Err(TakeError::UnknownParticipant) => Err(AppError::NotFound),
        Err(problem) => {
            let form = proposal.refused(&data, ctx.lang, &problem);
            let page =
                participant_page(ctx, &state, id, Some(form), None, escalating, None).await?;
            crate::web::render_status(actix_web::http::StatusCode::CONFLICT, &page)
        }
    }
}

async fn lift(
    ctx: Ctx,
    state: web::Data<AppState>,
    manager: Manager,
    path: web::Path<(Lang, ParticipantId, MeasureId)>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let (_, id, measure_id) = path.into_inner();
    let mut form = FormState::new();
    form.set("reason", data.get("reason"));
    let Some(reason) = REASON.read(&mut form, ctx.lang, "reason", data.get("reason")) else {
        let page =
            participant_page(ctx, &state, id, None, Some((measure_id, form)), None, None).await?;
        return render_form(true, &page);
    };
    let actor = manager.actor();
    let r = reason.clone();
    let lifted = with_conn(&state, move |conn| {
        // The measure must be this participant's.
        match measures::find(conn, measure_id)? {
            Some(m) if m.participant_id == id => {}
            _ => return Ok(Err(LiftError::NotFound)),
        }
        match measures::lift(conn, &actor, measure_id, &r, crate::db::now()) {
            Ok(lifted) => Ok(Ok(lifted)),
            Err(LiftError::Db(e)) => Err(e.into()),
            Err(other) => Ok(Err(other)),
        }
    })
    .await?;
    if lifted.as_ref().is_ok_and(|l| l.crediting_changed) {
        // Committed: the click writer forgets what it knew of the participant's links.
        state.crediting.changed();
    }
    match lifted {
        Ok(_) => {
            tell(&state, measure_id, move |lang, m, link| {
                notices::lifted_mail(lang, m, &reason, link)
            })
            .await?;
            Ok(see_other(&ctx.href(&format!(
                "/manage/participants/{id}?notice=measure-lifted"
            ))))
        }
        Err(LiftError::NotFound) => Err(AppError::NotFound),
        Err(LiftError::AlreadyLifted) => Ok(see_other(&ctx.href(&format!(
            "/manage/participants/{id}?notice=measure-already-lifted"
        )))),
        Err(_) => {
            form.fail(ctx.lang, "reason", "error-termination-lift");
            let page =
                participant_page(ctx, &state, id, None, Some((measure_id, form)), None, None)
                    .await?;
            crate::web::render_status(actix_web::http::StatusCode::CONFLICT, &page)
        }
    }
}

async fn accept_cure(
    ctx: Ctx,
    state: web::Data<AppState>,
    manager: Manager,
    path: web::Path<(Lang, ParticipantId, MeasureId)>,
    _data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let (_, id, measure_id) = path.into_inner();
    let actor = manager.actor();
    let accepted = with_conn(&state, move |conn| {
        match measures::find(conn, measure_id)? {
            Some(m) if m.participant_id == id => {}
            _ => return Ok(Err(measures::CureError::NotFound)),
        }
        match measures::accept_cure(conn, &actor, measure_id, crate::db::now()) {
            Ok(p) => Ok(Ok(p)),
            Err(measures::CureError::Db(e)) => Err(e.into()),
            Err(other) => Ok(Err(other)),
        }
    })
    .await?;
    match accepted {
        Ok(_) => Ok(see_other(
            &ctx.href(&format!("/manage/participants/{id}?notice=cure-accepted")),
        )),
        Err(measures::CureError::NotFound) => Err(AppError::NotFound),
        Err(_) => Ok(see_other(
            &ctx.href(&format!("/manage/participants/{id}?notice=cure-closed")),
        )),
    }
}

async fn evidence_file(
    state: web::Data<AppState>,
    _manager: Manager,
    InPath(file_id): InPath<ObjectionFileId>,
) -> Result<HttpResponse, AppError> {
    evidence::serve(&state, file_id, None).await
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

async fn reinstate_page(
    ctx: Ctx,
    state: &web::Data<AppState>,
    participant_id: ParticipantId,
    form: FormState,
) -> Result<ReinstatePage, AppError> {
    let found = with_conn(state, move |conn| {
        Ok(queries::terminated(conn, participant_id)?)
    })
    .await?;
    let (company_name, terminated) = found.ok_or(AppError::NotFound)?;
    Ok(ReinstatePage {
        ctx,
        participant_id,
        company_name,
        terminated,
        form,
    })
}

async fn reinstate_form(
    ctx: Ctx,
    state: web::Data<AppState>,
    _admin: Administrator,
    InPath(id): InPath<ParticipantId>,
) -> Result<HttpResponse, AppError> {
    render(&reinstate_page(ctx, &state, id, FormState::new()).await?)
}

async fn reinstate(
    ctx: Ctx,
    state: web::Data<AppState>,
    admin: Administrator,
    InPath(id): InPath<ParticipantId>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let mut form = FormState::new();
    form.set("reason", data.get("reason"));
    let reason = if data.get("reason").trim().is_empty() {
        form.fail(ctx.lang, "reason", "error-reinstate-reason-required");
        None
    } else {
        REASON.read(&mut form, ctx.lang, "reason", data.get("reason"))
    };
    let Some(reason) = reason else {
        return render_form(true, &reinstate_page(ctx, &state, id, form).await?);
    };
    let actor = admin.actor();
    let done = with_conn(&state, move |conn| {
        let now = crate::db::now();
        match reinstatement::reinstate_participant(conn, &actor, id, &reason, now) {
            Err(reinstatement::ReinstateError::Db(e)) => Err(e.into()),
            other => Ok(other),
        }
    })
    .await?;
    match done {
        Ok(()) => {
            // Committed: its clicks are credited again from the next one on.
            state.crediting.changed();
            Ok(see_other(&ctx.href(&format!(
                "/manage/participants/{id}?notice=participant-reinstated"
            ))))
        }
        Err(reinstatement::ReinstateError::NotFound) => Err(AppError::NotFound),
        Err(_) => {
            form.fail(ctx.lang, "reason", "error-reinstate-not-terminated");
            let page = reinstate_page(ctx, &state, id, form).await?;
            crate::web::render_status(actix_web::http::StatusCode::CONFLICT, &page)
        }
    }
}
