//! The participant's side: `/{lang}/account/notices` (the measures taken, with the clauses
//! quoted), answering a cure period, objecting with evidence within the claim period, the
//! evidence files, and accepting a new version of the rules. A terminated participant cannot
//! log in; the termination mail links to `/{lang}/objection/{measure}/{key}` to object there.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use super::evidence::{self, FileProblem, Stored};
use super::links::{action_key_matches, action_objection_path, key_matches};
use super::measures::{self, Measure};
use super::notices;
use super::objectable::{actions_with_objections, claim_deadline, decision_words, today};
use super::objections::{self, FileError, Objection};
use super::subjects::{self, Action, Subject, SubjectKind};
use super::upload::{self, Received, UploadGate};
use crate::audit::Actor;
use crate::db::ids::{AccountId, MeasureId, ObjectionFileId, ParticipantId, RulesVersionId};
use crate::forms::FormState;
use crate::i18n::Lang;
use crate::participants::MeasureKind;
use crate::programme::versions::{self, ClauseChange, Version};
use crate::state::AppState;
use crate::web::extract::{CsrfForm, InPath, ParticipantPage};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx, NoticeQuery};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/account/notices", web::get().to(list))
        .route("/account/notices/{id}", web::get().to(show))
        .route("/account/notices/{id}/objection", web::post().to(object))
        .route("/account/notices/{id}/cured", web::post().to(cured))
        .route(
            "/account/notices/{id}/evidence/{file}",
            web::get().to(evidence_file),
        )
        .route("/account/objections", web::get().to(objections_list))
        .service(
            web::resource("/account/objections/{kind}/{id}")
                .route(web::get().to(action_show))
                .route(web::post().to(action_object)),
        )
        .route(
            "/account/objections/{kind}/{id}/evidence/{file}",
            web::get().to(action_evidence_file),
        )
        .route("/account/rules", web::get().to(rules_form))
        .route("/account/rules", web::post().to(rules_accept))
        .service(
            web::resource("/objection/{id}/{key}")
                .route(web::get().to(token_show))
                .route(web::post().to(token_object)),
        )
        .service(
            web::resource("/objection/{kind}/{id}/{key}")
                .route(web::get().to(linked_action_show))
                .route(web::post().to(linked_action_object)),
        );
}

const NOTICES: &[&str] = &["objection-filed", "cure-answered", "rules-accepted"];

#[derive(Template)]
#[template(path = "enforcement/notices.html")]
struct ListPage {
    ctx: Ctx,
    measures: Vec<Measure>,
}

impl ListPage {
    fn title(&self, m: &Measure) -> String {
        notices::title(self.ctx.lang, m.kind)
    }
}

async fn list(page: ParticipantPage) -> Result<HttpResponse, AppError> {
    let measures = page.run(measures::of_participant).await?;
    render(&ListPage {
        ctx: page.ctx,
        measures,
    })
}

#[derive(Template)]
#[template(path = "enforcement/notice.html")]
struct NoticePage {
    ctx: Ctx,
    measure: Measure,
    /// The objection to the measure (on the termination link's page: no cure answer, no
    /// account links).
    section: ObjectionSection,
    cure_form: FormState,
    notice: Option<String>,
}

impl NoticePage {
    fn title(&self) -> String {
        notices::title(self.ctx.lang, self.measure.kind)
    }

    fn effect(&self) -> String {
        notices::effect(self.ctx.lang, &self.measure)
    }

    fn cure_action(&self) -> String {
        self.ctx
            .href(&format!("/account/notices/{}/cured", self.measure.id))
    }

    /// The clause in the version of the rules the measure quoted, not today's.
    fn clause_href(&self, anchor: &str) -> String {
        self.ctx.href(&format!(
            "/programmes/aliexpress/rules/v/{}#{anchor}",
            self.measure.rules_version
        ))
    }

    fn may_answer_cure(&self) -> bool {
        self.section.logged_in
            && self.measure.kind == MeasureKind::CurePeriod
            && self.measure.cure_decision.is_none()
            && self.measure.lifted_at.is_none()
    }
}

/// The objection part of a measure's notice or of another action's page
/// (`enforcement/_objection.html`): the objection filed, or its form while the claim period
/// runs, and where that form is sent.
struct ObjectionSection {
    lang: Lang,
    objection: Option<Objection>,
    /// Where the objection form posts (the page's own, or the link's).
    action: String,
    /// Where evidence files are fetched from, before `/{file}` (none on a link's page).
    evidence_base: String,
    /// False on a link's page, reached without logging in.
    logged_in: bool,
    /// The claim period's last day, and whether it is still open today.
    claim: (chrono::NaiveDate, bool),
    form: FormState,
}

impl ObjectionSection {
    fn may_object(&self) -> bool {
        self.objection.is_none() && self.claim.1
    }

    /// The claim period's last day, with its zone.
    fn claim_deadline(&self) -> String {
        claim_deadline(self.lang, self.claim.0)
    }

    fn size(&self, bytes: &i64) -> String {
        let kb = rust_decimal::Decimal::from(*bytes) / rust_decimal::Decimal::from(1024);
        format!("{} KB", self.lang.format_decimal(kb.round_dp(0)))
    }

    fn decision_text(&self, o: &Objection) -> String {
        decision_words(self.lang, o)
    }
}

/// The signed-in participant's measure numbered `id`, with its objection (the notice marked
/// read when `mark_read`); 404 for anyone else's.
async fn load_notice(
    page: &ParticipantPage,
    id: MeasureId,
    mark_read: bool,
) -> Result<(Measure, Option<Objection>), AppError> {
    page.run(move |conn, participant_id| {
        let Some(measure) =
            measures::find(conn, id)?.filter(|m| m.participant_id == participant_id)
        else {
            return Err(AppError::NotFound);
        };
        if mark_read {
            measures::mark_read(conn, id, crate::db::now())?;
        }
        Ok((measure, objections::of_measure(conn, id)?))
    })
    .await
}

async fn show(
    page: ParticipantPage,
    InPath(id): InPath<MeasureId>,
) -> Result<HttpResponse, AppError> {
    let (measure, objection) = load_notice(&page, id, true).await?;
    let notice = page.notice(NOTICES);
    let place = ObjectionPage::of_notice(&page.ctx, id);
    render(&NoticePage {
        notice,
        ..place.page(page.ctx, measure, objection)
    })
}

/// The participant's words (an objection, a cure answer): required, at most `forms::TEXT_MAX`
/// characters, no control characters.
fn check_text(form: &mut FormState, lang: Lang, field: &str, text: &str) -> Option<String> {
    const TEXT: crate::forms::TextField = crate::forms::TextField {
        max: crate::forms::TEXT_MAX,
        empty: "error-objection-text-required",
        too_long: "error-objection-text-too-long",
    };
    TEXT.read(form, lang, field, text)
}

/// A file as sent: its name, and what checking and storing it gave.
type CheckedFile = (String, Result<Stored, FileProblem>);

/// Checks an objection's words and the number of its files; the form with its errors, or
/// `None` when both are right.
fn check_words(lang: Lang, received: &Received) -> (FormState, Option<String>) {
    let mut form = FormState::new();
    let text = if received.text_too_long {
        form.fail(lang, "text", "error-objection-text-too-long");
        None
    } else {
        form.set("text", received.text.clone());
        check_text(&mut form, lang, "text", &received.text)
    };
    if received.files.is_empty() {
        form.fail(lang, "evidence", "error-evidence-required");
    } else if received.files.len() > evidence::MAX_FILES {
        form.fail(lang, "evidence", "error-evidence-too-many");
    }
    (form, text)
}

/// Adds each refused file's problem to the form, in the user's language; the upload's name is
/// shown as text only, cleaned of direction and control characters.
fn check_files(form: &mut FormState, lang: Lang, files: &[CheckedFile]) {
    for (name, checked) in files {
        if let Err(problem) = checked {
            form.add_error(
                "evidence",
                lang.t_args(
                    problem.message_key(),
                    &[("file", evidence::clean_name(name))],
                ),
            );
        }
    }
}

/// Files the objection with its stored files; on a refusal, or should filing fail, the stored
/// files are removed.
async fn file_objection(
    state: &web::Data<AppState>,
    actor: Actor,
    participant_id: ParticipantId,
    subject: Subject,
    text: String,
    stored: Vec<Stored>,
) -> Result<Result<i64, FileError>, AppError> {
    let data_dir = state.settings.data_dir.clone();
    let kept = stored.clone();
    let result = with_conn(state, move |conn| {
        let calendar = crate::calendar::holidays::load(conn)?;
        let result = objections::file(
            conn,
            &actor,
            participant_id,
            subject,
            &text,
            &stored,
            &calendar,
            crate::db::now(),
        );
        match result {
            Err(FileError::Db(e)) => Err(e.into()),
            other => Ok(other),
        }
    })
    .await;
    if !matches!(result, Ok(Ok(_))) {
        evidence::remove(&data_dir, &kept);
    }
    result
}

fn actor_of(state: &AppState, req: &HttpRequest, account: &crate::accounts::Account) -> Actor {
    let ip_hash = state.ip_hasher.hash(crate::client_ip::client_ip(req));
    account.actor(&ip_hash)
}

/// Where an objection is sent from: the form's action, the evidence links' base, and whether
/// the participant is logged in (not on the termination link's page).
struct ObjectionPage {
    action: String,
    evidence_base: String,
    logged_in: bool,
}

impl ObjectionPage {
    /// The notice of measure `id` in the account.
    fn of_notice(ctx: &Ctx, id: MeasureId) -> ObjectionPage {
        ObjectionPage {
            action: ctx.href(&format!("/account/notices/{id}/objection")),
            evidence_base: ctx.href(&format!("/account/notices/{id}/evidence")),
            logged_in: true,
        }
    }

    /// The termination link's page, without logging in (and without evidence links).
    fn of_link(ctx: &Ctx, id: MeasureId, key: &str) -> ObjectionPage {
        ObjectionPage {
            action: ctx.href(&format!("/objection/{id}/{key}")),
            evidence_base: String::new(),
            logged_in: false,
        }
    }

    /// The objection section sent from here, with an empty form, to what may be objected to
    /// until `claim_until`.
    fn section(
        &self,
        lang: Lang,
        objection: Option<Objection>,
        claim_until: chrono::NaiveDate,
        claim_open: bool,
    ) -> ObjectionSection {
        ObjectionSection {
            lang,
            objection,
            action: self.action.clone(),
            evidence_base: self.evidence_base.clone(),
            logged_in: self.logged_in,
            claim: (claim_until, claim_open),
            form: FormState::new(),
        }
    }

    /// The notice page of `measure`, with empty forms and no notice.
    fn page(&self, ctx: Ctx, measure: Measure, objection: Option<Objection>) -> NoticePage {
        let open = measure.claim_open(today());
        NoticePage {
            section: self.section(ctx.lang, objection, measure.claim_until, open),
            cure_form: FormState::new(),
            notice: None,
            ctx,
            measure,
        }
    }
}

/// The message when no objection can be filed to an action any more (one was filed, or the
/// claim period is over): said before a byte of the upload is read.
fn closed_to_objections(claim_open: bool, objection: &Option<Objection>) -> Option<&'static str> {
    if objection.is_some() {
        Some("error-objection-filed")
    } else if !claim_open {
        Some("error-claim-period-over")
    } else {
        None
    }
}

/// An objection's form re-shown: (the language, the form with its errors, the status).
type Show<'a> = Box<dyn Fn(Ctx, FormState, StatusCode) -> Result<HttpResponse, AppError> + 'a>;

/// The form re-shown because the action is closed to objections, with `key`'s message.
fn refused_as_closed(
    ctx: Ctx,
    show: &Show,
    key: &str,
    text: &str,
) -> Result<HttpResponse, AppError> {
    let mut form = FormState::new();
    form.set("text", text);
    form.fail(ctx.lang, "text", key);
    show(ctx, form, StatusCode::CONFLICT)
}

/// An objection to `subject` of `participant_id`, whose page `show` shows again; `closed` says
/// why none can be filed any more (checked by the caller, who knows who asks): receives the
/// upload (slot, CSRF token, files on disk), checks the words and the files, stores and files
/// it, then sends the browser to `done`.
struct Submission<'a> {
    subject: Subject,
    participant_id: ParticipantId,
    closed: Option<&'static str>,
    show: Show<'a>,
    done: String,
}

async fn objection_submitted(
    req: &HttpRequest,
    ctx: Ctx,
    state: &web::Data<AppState>,
    gate: &web::Data<UploadGate>,
    actor: Actor,
    sub: Submission<'_>,
    multipart: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    if let Some(key) = sub.closed {
        return refused_as_closed(ctx, &sub.show, key, "");
    }
    let data_dir = state.settings.data_dir.clone();
    let incoming = evidence::folder(&data_dir).join("incoming");
    let mut received = upload::receive(req, gate, incoming, multipart).await?;
    let sent_files = !received.files.is_empty();
    let (mut form, text) = check_words(ctx.lang, &received);
    let files = if form.invalid("evidence") {
        Vec::new()
    } else {
        received.inspect_and_store(gate, &data_dir).await?
    };
    check_files(&mut form, ctx.lang, &files);
    let stored: Vec<Stored> = files.into_iter().filter_map(|(_, r)| r.ok()).collect();
    let text = match text {
        Some(text) if !form.has_errors() => text,
        _ => {
            evidence::remove(&data_dir, &stored);
            if sent_files {
                form.add_error("evidence", ctx.lang.t("error-evidence-choose-again"));
            }
            return (sub.show)(ctx, form, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let filed = file_objection(state, actor, sub.participant_id, sub.subject, text, stored).await?;
    match filed {
        Ok(_) => Ok(see_other(&sub.done)),
        Err(problem) => {
            let key = match problem {
                FileError::ClaimPeriodOver => "error-claim-period-over",
                FileError::AlreadyFiled => "error-objection-filed",
                _ => return Err(AppError::NotFound),
            };
            refused_as_closed(ctx, &sub.show, key, &received.text)
        }
    }
}

/// The notice page of a measure, shown again with the objection's form.
fn notice_show<'a>(
    page: ObjectionPage,
    measure: Measure,
    objection: Option<Objection>,
) -> Show<'a> {
    Box::new(move |ctx, form, status| {
        let mut page = page.page(ctx, measure.clone(), objection.clone());
        page.section.form = form;
        crate::web::render_status(status, &page)
    })
}

/// A measure's objection: the measure, whose it is, and its page.
fn measure_submission<'a>(
    measure: Measure,
    objection: Option<Objection>,
    page: ObjectionPage,
    done: String,
) -> Submission<'a> {
    Submission {
        subject: Subject::new(SubjectKind::Measure, measure.id),
        participant_id: measure.participant_id,
        closed: closed_to_objections(measure.claim_open(today()), &objection),
        show: notice_show(page, measure, objection),
        done,
    }
}

async fn object(
    req: HttpRequest,
    page: ParticipantPage,
    gate: web::Data<UploadGate>,
    InPath(id): InPath<MeasureId>,
    multipart: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    // Whose measure it is, before a byte of the upload is read.
    let (measure, objection) = load_notice(&page, id, false).await?;
    let actor = page.actor();
    let place = ObjectionPage::of_notice(&page.ctx, id);
    let done = page
        .ctx
        .href(&format!("/account/notices/{id}?notice=objection-filed"));
    let sub = measure_submission(measure, objection, place, done);
    objection_submitted(&req, page.ctx, &page.state, &gate, actor, sub, multipart).await
}

async fn cured(
    page: ParticipantPage,
    InPath(id): InPath<MeasureId>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let lang = page.ctx.lang;
    let mut cure_form = FormState::new();
    cure_form.set("cured_text", data.get("text"));
    let text = check_text(&mut cure_form, lang, "cured_text", data.get("text"));
    let (measure, objection) = load_notice(&page, id, false).await?;
    let place = ObjectionPage::of_notice(&page.ctx, id);
    let shown = |ctx: Ctx, cure_form| NoticePage {
        cure_form,
        ..place.page(ctx, measure.clone(), objection.clone())
    };
    let Some(text) = text else {
        return render_form(true, &shown(page.ctx, cure_form));
    };
    let actor = page.actor();
    let answered = page
        .run(move |conn, participant_id| {
            let now = crate::db::now();
            match measures::answer_cure(conn, &actor, participant_id, id, &text, now) {
                Ok(()) => Ok(Ok(())),
                Err(measures::CureError::Db(e)) => Err(e),
                Err(other) => Ok(Err(other)),
            }
        })
        .await?;
    match answered {
        Ok(()) => {
            Ok(see_other(&page.ctx.href(&format!(
                "/account/notices/{id}?notice=cure-answered"
            ))))
        }
        Err(measures::CureError::NotFound) => Err(AppError::NotFound),
        Err(_) => {
            cure_form.fail(lang, "cured_text", "error-cure-closed");
            let page = shown(page.ctx, cure_form);
            crate::web::render_status(actix_web::http::StatusCode::CONFLICT, &page)
        }
    }
}

async fn evidence_file(
    page: ParticipantPage,
    path: web::Path<(Lang, MeasureId, ObjectionFileId)>,
) -> Result<HttpResponse, AppError> {
    let (_, _, file_id) = path.into_inner();
    evidence::serve(&page.state, file_id, Some(page.participant().id)).await
}

/// The account of a participant (a link's page acts for it without a login).
fn account_of(
    conn: &mut crate::db::AnyConnection,
    participant_id: ParticipantId,
) -> diesel::QueryResult<Option<crate::accounts::Account>> {
    use crate::db::schema::participants;
    use diesel::prelude::*;
    let account_id: AccountId = participants::table
        .find(participant_id)
        .select(participants::account_id)
        .first(conn)?;
    crate::accounts::find(conn, account_id)
}

/// The termination (and the participant) a link is for; `None` when the key is wrong or the
/// measure is not a termination.
async fn linked_termination(
    state: &web::Data<AppState>,
    id: MeasureId,
    key: &str,
) -> Result<(Measure, Option<Objection>, crate::accounts::Account), AppError> {
    if !key_matches(&state.settings.secret_key, id, key) {
        return Err(AppError::NotFound);
    }
    with_conn(state, move |conn| {
        let terminated = measures::find(conn, id)?.filter(|m| m.kind == MeasureKind::Terminate);
        let Some(measure) = terminated else {
            return Err(AppError::NotFound);
        };
        let account = account_of(conn, measure.participant_id)?.ok_or(AppError::NotFound)?;
        Ok((measure, objections::of_measure(conn, id)?, account))
    })
    .await
}

async fn token_show(
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(Lang, MeasureId, String)>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let (_, id, key) = path.into_inner();
    let (measure, objection, _) = linked_termination(&state, id, &key).await?;
    let notice = query.text(&ctx, NOTICES);
    let place = ObjectionPage::of_link(&ctx, id, &key);
    render(&NoticePage {
        notice,
        ..place.page(ctx, measure, objection)
    })
}

async fn token_object(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    gate: web::Data<UploadGate>,
    path: web::Path<(Lang, MeasureId, String)>,
    multipart: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    let (_, id, key) = path.into_inner();
    // The link's key and its termination, before a byte of the upload is read.
    let (measure, objection, account) = linked_termination(&state, id, &key).await?;
    let actor = actor_of(&state, &req, &account);
    let place = ObjectionPage::of_link(&ctx, id, &key);
    let done = ctx.href(&format!("/objection/{id}/{key}?notice=objection-filed"));
    let sub = measure_submission(measure, objection, place, done);
    objection_submitted(&req, ctx, &state, &gate, actor, sub, multipart).await
}

// ---- objections to actions other than measures (G.12: "any enforcement actions") ----

/// The participant's list of every action against it open to objection or objected to.
#[derive(Template)]
#[template(path = "enforcement/account_objections.html")]
struct ActionsPage {
    ctx: Ctx,
    actions: Vec<(Action, Option<Objection>)>,
    today: chrono::NaiveDate,
}

impl ActionsPage {
    fn title(&self, a: &Action) -> String {
        notices::action_title(self.ctx.lang, a)
    }

    fn href(&self, a: &Action) -> String {
        self.ctx.href(&a.subject.path())
    }

    /// Where the objection stands, or until when one may be filed.
    fn state(&self, a: &Action, o: &Option<Objection>) -> String {
        let lang = self.ctx.lang;
        match o {
            Some(o) => decision_words(lang, o),
            None if a.claim_open(self.today) => lang.t_args(
                "objections-may-object-until",
                &[("date", claim_deadline(lang, a.claim_until))],
            ),
            None if !a.in_force => lang.t("objections-not-in-force"),
            None => lang.t_args(
                "objection-period-over",
                &[("date", claim_deadline(lang, a.claim_until))],
            ),
        }
    }

    fn may_object(&self, a: &Action, o: &Option<Objection>) -> bool {
        o.is_none() && a.claim_open(self.today)
    }
}

async fn objections_list(page: ParticipantPage) -> Result<HttpResponse, AppError> {
    let actions = page.run(actions_with_objections).await?;
    render(&ActionsPage {
        ctx: page.ctx,
        actions,
        today: today(),
    })
}

#[derive(Template)]
#[template(path = "enforcement/objection.html")]
struct ActionPage {
    ctx: Ctx,
    action: Action,
    /// The objection to the action (on the page a banned participant reaches by its link,
    /// without logging in: no account links).
    section: ObjectionSection,
    notice: Option<String>,
}

impl ActionPage {
    fn title(&self) -> String {
        notices::action_title(self.ctx.lang, &self.action)
    }

    fn reason(&self) -> Option<String> {
        let reason = self.action.reason.as_deref()?;
        Some(crate::ledger::states::reason::in_words(
            self.ctx.lang,
            reason,
        ))
    }
}

/// The signed-in participant's action `kind`/`id`, with its objection; 404 for an unknown
/// kind, a measure (its notice is its page) or anyone else's action.
async fn load_action(
    page: &ParticipantPage,
    kind: &str,
    id: i64,
) -> Result<(Action, Option<Objection>), AppError> {
    let kind = SubjectKind::parse(kind)
        .filter(|k| *k != SubjectKind::Measure)
        .ok_or(AppError::NotFound)?;
    let subject = Subject::new(kind, id);
    page.run(move |conn, participant_id| {
        let calendar = crate::calendar::holidays::load(conn)?;
        let Some(action) = subjects::find(conn, &calendar, participant_id, subject)? else {
            return Err(AppError::NotFound);
        };
        Ok((action, objections::of_subject(conn, subject)?))
    })
    .await
}

fn action_page(
    ctx: Ctx,
    (action, objection): (Action, Option<Objection>),
    form: FormState,
    notice: Option<String>,
) -> ActionPage {
    let path = action.subject.path();
    let place = ObjectionPage {
        action: ctx.href(&path),
        evidence_base: ctx.href(&format!("{path}/evidence")),
        logged_in: true,
    };
    let open = action.claim_open(today());
    let section = ObjectionSection {
        form,
        ..place.section(ctx.lang, objection, action.claim_until, open)
    };
    ActionPage {
        ctx,
        action,
        section,
        notice,
    }
}

async fn action_show(
    page: ParticipantPage,
    path: web::Path<(Lang, String, i64)>,
) -> Result<HttpResponse, AppError> {
    let (_, kind, id) = path.into_inner();
    let found = load_action(&page, &kind, id).await?;
    let notice = page.notice(NOTICES);
    render(&action_page(page.ctx, found, FormState::new(), notice))
}

async fn action_object(
    req: HttpRequest,
    page: ParticipantPage,
    gate: web::Data<UploadGate>,
    path: web::Path<(Lang, String, i64)>,
    multipart: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    let (_, kind, id) = path.into_inner();
    // Whose action it is, before a byte of the upload is read.
    let (action, objection) = load_action(&page, &kind, id).await?;
    let actor = page.actor();
    let (ctx, state, _) = page.into_parts();
    let done = ctx.href(&format!("{}?notice=objection-filed", action.subject.path()));
    let sub = Submission {
        subject: action.subject,
        participant_id: action.participant_id,
        closed: closed_to_objections(action.claim_open(today()), &objection),
        show: Box::new(move |ctx, form, status| {
            let page = action_page(ctx, (action.clone(), objection.clone()), form, None);
            crate::web::render_status(status, &page)
        }),
        done,
    };
    objection_submitted(&req, ctx, &state, &gate, actor, sub, multipart).await
}

async fn action_evidence_file(
    page: ParticipantPage,
    path: web::Path<(Lang, String, i64, ObjectionFileId)>,
) -> Result<HttpResponse, AppError> {
    let (_, _, _, file_id) = path.into_inner();
    evidence::serve(&page.state, file_id, Some(page.participant().id)).await
}

// ---- a banned participant objects by a link (it cannot log in, F.11.g) ----

/// The ban a link is for (with the banned participant's account); 404 for a wrong key or
/// anything but a ban.
async fn linked_action(
    state: &web::Data<AppState>,
    kind: &str,
    id: i64,
    key: &str,
) -> Result<(Action, Option<Objection>, crate::accounts::Account), AppError> {
    let kind = SubjectKind::parse(kind)
        .filter(|k| *k == SubjectKind::Ban)
        .ok_or(AppError::NotFound)?;
    let subject = Subject::new(kind, id);
    if !action_key_matches(&state.settings.secret_key, subject, key) {
        return Err(AppError::NotFound);
    }
    with_conn(state, move |conn| {
        let calendar = crate::calendar::holidays::load(conn)?;
        let Some(action) = subjects::find_any(conn, &calendar, subject)? else {
            return Err(AppError::NotFound);
        };
        let account = account_of(conn, action.participant_id)?.ok_or(AppError::NotFound)?;
        Ok((action, objections::of_subject(conn, subject)?, account))
    })
    .await
}

fn linked_page(
    ctx: Ctx,
    path: &str,
    found: (Action, Option<Objection>),
    form: FormState,
    notice: Option<String>,
) -> ActionPage {
    let mut page = action_page(ctx, found, form, notice);
    page.section.action = path.to_owned();
    page.section.evidence_base = String::new();
    page.section.logged_in = false;
    page
}

async fn linked_action_show(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    path: web::Path<(Lang, String, i64, String)>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let (_, kind, id, key) = path.into_inner();
    let (action, objection, _) = linked_action(&state, &kind, id, &key).await?;
    let notice = query.text(&ctx, NOTICES);
    let here = req.path().to_owned();
    render(&linked_page(
        ctx,
        &here,
        (action, objection),
        FormState::new(),
        notice,
    ))
}

async fn linked_action_object(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    gate: web::Data<UploadGate>,
    path: web::Path<(Lang, String, i64, String)>,
    multipart: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    let (_, kind, id, key) = path.into_inner();
    // The link's key and its ban, before a byte of the upload is read.
    let (action, objection, account) = linked_action(&state, &kind, id, &key).await?;
    let actor = actor_of(&state, &req, &account);
    let here = action_objection_path(&state.settings.secret_key, ctx.lang, action.subject);
    let sub = Submission {
        subject: action.subject,
        participant_id: action.participant_id,
        closed: closed_to_objections(action.claim_open(today()), &objection),
        show: Box::new({
            let here = here.clone();
            move |ctx, form, status| {
                let found = (action.clone(), objection.clone());
                crate::web::render_status(status, &linked_page(ctx, &here, found, form, None))
            }
        }),
        done: format!("{here}?notice=objection-filed"),
    };
    objection_submitted(&req, ctx, &state, &gate, actor, sub, multipart).await
}

#[derive(Template)]
#[template(path = "enforcement/rules_accept.html")]
struct RulesPage {
    ctx: Ctx,
    version: Option<Version>,
    changes: Vec<ClauseChange>,
    accepted: Vec<(i32, chrono::NaiveDateTime)>,
    notice: Option<String>,
}

async fn rules_form(page: ParticipantPage) -> Result<HttpResponse, AppError> {
    let view = page.run(versions::for_participant).await?;
    render(&RulesPage {
        notice: page.notice(NOTICES),
        ctx: page.ctx,
        version: view.version,
        changes: view.changes,
        accepted: view.accepted,
    })
}

async fn rules_accept(page: ParticipantPage, data: CsrfForm) -> Result<HttpResponse, AppError> {
    let version_id: RulesVersionId = data
        .get("version")
        .parse()
        .map_err(|_| AppError::BadRequest)?;
    let actor = page.actor();
    let accepted = page
        .run(move |conn, participant_id| {
            versions::accept_in_force(conn, &actor, participant_id, version_id, crate::db::now())
        })
        .await?;
    let to = if accepted {
        "/account/rules?notice=rules-accepted"
    } else {
        "/account/rules"
    };
    Ok(see_other(&page.ctx.href(to)))
}
