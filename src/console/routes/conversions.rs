//! `/{lang}/manage/conversions…`: the account managers' side of money — conversions per
//! participant with their decisions (reject, reverse; releasing a self-purchase hold is an
//! administrator's) and the CSV import with its preview. Payout runs, bank files and the
//! conversion API's secret are the administrators' (`routes/payouts.rs`).

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::db::ids::{AccountId, CommissionId, ParticipantId};
use crate::db::schema::{accounts, participants};
use crate::forms::FormState;
use crate::ledger::decide::{self, Action, DecideError};
use crate::ledger::import::{self, Counts, ImportLine};
use crate::ledger::queries::{self, ConversionLine, Scope};
use crate::ledger::words::CommissionWords;
use crate::state::AppState;
use crate::web::extract::{CsrfForm, InPath, Manager};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/conversions", web::get().to(conversions))
        .route(
            "/manage/commissions/{id}/decision",
            web::post().to(decision),
        )
        .service(
            web::resource("/manage/conversions/import")
                .route(web::get().to(import_form))
                .route(web::post().to(import_preview)),
        )
        .service(
            web::resource("/manage/conversions/import/confirm")
                // The file's text comes back URL-encoded: up to three times its size.
                .app_data(web::PayloadConfig::new(4 * import::FILE_LIMIT))
                .route(web::post().to(import_confirm)),
        );
}

/// The list shows the newest this many conversions.
const SHOWN: i64 = 300;
const NOTICES: &[&str] = &["commission-decided", "commission-gone", "import-stored"];

#[derive(serde::Deserialize)]
struct ConversionsQuery {
    participant: Option<String>,
    notice: Option<String>,
    created: Option<usize>,
    updated: Option<usize>,
    unchanged: Option<usize>,
}

/// A refused decision: which commission, the message, what was typed.
struct Problem {
    commission_id: CommissionId,
    message: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "console/conversions.html")]
struct ConversionsPage {
    ctx: Ctx,
    words: CommissionWords,
    lines: Vec<ConversionLine>,
    participants: Vec<(ParticipantId, String)>,
    /// The accounts that imported the listed conversions: id, e-mail.
    importers: Vec<(AccountId, String)>,
    chosen: Option<ParticipantId>,
    notice: Option<String>,
    problem: Option<Problem>,
}

impl ConversionsPage {
    fn company(&self, id: &Option<ParticipantId>) -> String {
        id.and_then(|id| self.participants.iter().find(|p| p.0 == id))
            .map(|p| p.1.clone())
            .unwrap_or_else(|| self.ctx.t("manage-conversion-nobody"))
    }

    fn actions(&self, line: &ConversionLine) -> Vec<(&'static str, String)> {
        let Some(state) = line.state else {
            return Vec::new();
        };
        decide::actions_for(
            crate::ledger::states::CommissionKind::Order,
            state,
            line.held,
        )
        .into_iter()
        // Releasing a hold makes money payable: an administrator's decision.
        .filter(|a| *a != Action::Release || self.ctx.is_administrator())
        .map(|a| match a {
            Action::Release => ("release", self.ctx.t("manage-commission-release")),
            Action::Reject => ("reject", self.ctx.t("manage-commission-reject")),
            Action::Reverse => ("reverse", self.ctx.t("manage-commission-reverse")),
        })
        .collect()
    }

    /// Who entered the conversion: "API (secret 3)" or "Import by beheer@…".
    fn entered(&self, line: &ConversionLine) -> String {
        match (line.entered_via.as_str(), line.secret_id, line.imported_by) {
            ("import", _, Some(id)) => {
                let who = self
                    .importers
                    .iter()
                    .find(|(i, _)| *i == id)
                    .map(|(_, email)| email.clone())
                    .unwrap_or_else(|| id.to_string());
                self.ctx
                    .t_args("manage-conversion-entered-import", &[("manager", who)])
            }
            ("import", _, None) => self.ctx.t("manage-conversion-entered-import-unknown"),
            (_, Some(secret), _) => self.ctx.t_args(
                "manage-conversion-entered-api",
                &[("secret", secret.to_string())],
            ),
            _ => self.ctx.t("manage-conversion-entered-api-unknown"),
        }
    }

    fn why(&self, line: &ConversionLine) -> String {
        self.words.why(line)
    }

    fn is_chosen(&self, id: &ParticipantId) -> bool {
        self.chosen == Some(*id)
    }

    fn error_for(&self, id: &Option<CommissionId>) -> Option<&str> {
        self.problem
            .as_ref()
            .filter(|p| Some(p.commission_id) == *id)
            .map(|p| p.message.as_str())
    }

    fn reason_value(&self, id: &Option<CommissionId>) -> &str {
        self.problem
            .as_ref()
            .filter(|p| Some(p.commission_id) == *id)
            .map(|p| p.reason.as_str())
            .unwrap_or("")
    }
}

async fn conversions_page(
    ctx: Ctx,
    state: &web::Data<AppState>,
    chosen: Option<ParticipantId>,
    notice: Option<String>,
    problem: Option<Problem>,
) -> Result<ConversionsPage, AppError> {
    use diesel::prelude::*;
    let scope = chosen.map(Scope::Participant).unwrap_or(Scope::All);
    let (lines, participants, importers, currency) = with_conn(state, move |conn| {
        let lines = queries::conversion_lines(conn, scope, SHOWN)?;
        let currency = queries::programme_currency(conn)?;
        let importer_ids: Vec<AccountId> = lines.iter().filter_map(|l| l.imported_by).collect();
        Ok((
            lines,
            participants::table
                .order(participants::company_name)
                .select((participants::id, participants::company_name))
                .load::<(ParticipantId, String)>(conn)?,
            accounts::table
                .filter(accounts::id.eq_any(importer_ids))
                .select((accounts::id, accounts::email))
                .load::<(AccountId, String)>(conn)?,
            currency,
        ))
    })
    .await?;
    let lang = ctx.lang;
    Ok(ConversionsPage {
        ctx,
        words: CommissionWords { lang, currency },
        lines,
        participants,
        importers,
        chosen,
        notice,
        problem,
    })
}

async fn conversions(
    ctx: Ctx,
    state: web::Data<AppState>,
    _manager: Manager,
    query: web::Query<ConversionsQuery>,
) -> Result<HttpResponse, AppError> {
    let chosen = query
        .participant
        .as_deref()
        .and_then(|p| p.parse::<ParticipantId>().ok());
    let notice = match query.notice.as_deref() {
        Some("import-stored") => Some(ctx.lang.t_counts(
            "notice-import-stored",
            &[
                ("created", query.created.unwrap_or(0) as i64),
                ("updated", query.updated.unwrap_or(0) as i64),
                ("unchanged", query.unchanged.unwrap_or(0) as i64),
            ],
            &[],
        )),
        Some(name) if NOTICES.contains(&name) => Some(ctx.t(&format!("notice-{name}"))),
        _ => None,
    };
    render(&conversions_page(ctx, &state, chosen, notice, None).await?)
}

fn data_action(action: Action) -> &'static str {
    match action {
        Action::Reject => "reject",
        Action::Reverse => "reverse",
        Action::Release => "release",
    }
}

async fn decision(
    ctx: Ctx,
    state: web::Data<AppState>,
    manager: Manager,
    InPath(commission_id): InPath<CommissionId>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let lang = ctx.lang;
    let chosen = data.get("participant").parse::<ParticipantId>().ok();
    let reason = data.get("reason").trim().to_owned();
    let action = Action::parse(data.get("action"));
    let problem = |key: &str| Problem {
        commission_id,
        message: lang.t(key),
        reason: data.get("reason").to_owned(),
    };
    let refused = match action {
        None => Some(problem("error-commission-action")),
        // Separation of duties: a plain account manager cannot make a held commission payable.
        Some(Action::Release) if !manager.account.is_administrator() => {
            Some(problem("error-release-administrator"))
        }
        Some(a) if a.needs_reason() && reason.is_empty() => Some(problem("error-reason-required")),
        _ => crate::forms::REASON
            .check_optional(&reason)
            .err()
            .map(problem),
    };
    if let Some(problem) = refused {
        let page = conversions_page(ctx, &state, chosen, None, Some(problem)).await?;
        return render_form(true, &page);
    }
    let action = action.unwrap_or(Action::Reject);
    let manager_id = manager.account.id;
    let actor = manager.actor();
    let why = Some(reason).filter(|r| !r.is_empty());
    let result = with_conn(&state, move |conn| {
        let now = crate::db::now();
        let outcome = crate::db::write_transaction(
            conn,
            |conn| -> diesel::QueryResult<Result<(), DecideError>> {
                match decide::decide(conn, commission_id, action, why.as_deref(), manager_id, now) {
                    Ok(participant_id) => {
                        let entry = crate::audit::Entry::new(
                            crate::audit::action::COMMISSION_DECIDED,
                            format!("commission {commission_id}"),
                        )
                        .participant(participant_id)
                        .after(serde_json::json!({ "action": data_action(action), "reason": why }));
                        crate::audit::record(conn, &actor, entry, now)?;
                        Ok(Ok(()))
                    }
                    Err(DecideError::Db(e)) => Err(e),
                    Err(e) => Ok(Err(e)),
                }
            },
        )?;
        Ok(outcome)
    })
    .await?;
    let back = |notice: &str| {
        let filter = chosen
            .map(|p| format!("participant={p}&"))
            .unwrap_or_default();
        see_other(&ctx.href(&format!("/manage/conversions?{filter}notice={notice}")))
    };
    match result {
        Ok(()) => Ok(back("commission-decided")),
        Err(DecideError::NotFound) => Err(AppError::NotFound),
        Err(_) => Ok(back("commission-gone")),
    }
}

#[derive(Template)]
#[template(path = "console/import.html")]
struct ImportPage {
    ctx: Ctx,
    form: FormState,
    /// The lines of the uploaded file, with their problems; `None` before an upload.
    lines: Option<Vec<ImportLine>>,
    counts: Option<Counts>,
    /// The file's text, carried to the confirmation when it has no problem.
    content: String,
}

impl ImportPage {
    fn problems(&self, line: &ImportLine) -> Vec<String> {
        line.problems
            .iter()
            .map(|p| format!("{}: {}", p.field, p.message(self.ctx.lang)))
            .collect()
    }

    fn has_problems(&self) -> bool {
        self.lines
            .as_ref()
            .is_some_and(|l| l.iter().any(|l| !l.problems.is_empty()))
    }

    /// How many lines have a problem, in words (one line, or several).
    fn problems_text(&self) -> String {
        self.ctx.lang.t_counts(
            "manage-import-problems",
            &[("count", self.problem_count() as i64)],
            &[],
        )
    }

    /// What storing the file would do, in words.
    fn ready_text(&self, c: &Counts) -> String {
        self.ctx.lang.t_counts(
            "manage-import-ready",
            &[
                ("created", c.created as i64),
                ("updated", c.updated as i64),
                ("unchanged", c.unchanged as i64),
            ],
            &[],
        )
    }

    fn problem_count(&self) -> usize {
        self.lines
            .as_ref()
            .map(|l| l.iter().filter(|l| !l.problems.is_empty()).count())
            .unwrap_or(0)
    }

    /// The lines the table shows: those with a problem (the first `PROBLEMS_SHOWN`), or, when
    /// every line is right, the first `SAMPLE_SHOWN` to see the file was read as meant. A file of
    /// 10,000 lines is not a page of 10,000 rows.
    fn shown(&self) -> Vec<&ImportLine> {
        let Some(lines) = &self.lines else {
            return Vec::new();
        };
        if self.has_problems() {
            lines
                .iter()
                .filter(|l| !l.problems.is_empty())
                .take(PROBLEMS_SHOWN)
                .collect()
        } else {
            lines.iter().take(SAMPLE_SHOWN).collect()
        }
    }

    /// What the table leaves out, in words; nothing when it shows every line it is about.
    fn shown_note(&self) -> Option<String> {
        let total = self.lines.as_ref().map_or(0, Vec::len);
        let shown = self.shown().len().to_string();
        if self.has_problems() {
            let count = self.problem_count();
            (count > PROBLEMS_SHOWN).then(|| {
                self.ctx.t_args(
                    "manage-import-shown-problems",
                    &[("shown", shown), ("count", count.to_string())],
                )
            })
        } else {
            (total > SAMPLE_SHOWN).then(|| {
                self.ctx.t_args(
                    "manage-import-shown-sample",
                    &[("shown", shown), ("total", total.to_string())],
                )
            })
        }
    }
}

/// The preview's table: at most this many lines with a problem, or this many of a right file.
const PROBLEMS_SHOWN: usize = 500;
const SAMPLE_SHOWN: usize = 20;

async fn import_form(ctx: Ctx, _manager: Manager) -> Result<HttpResponse, AppError> {
    render(&ImportPage {
        ctx,
        form: FormState::new(),
        lines: None,
        counts: None,
        content: String::new(),
    })
}

/// Reads the uploaded form: the CSRF token and the file (at most `FILE_LIMIT` bytes).
async fn read_upload(
    multipart: actix_multipart::Multipart,
) -> Result<(String, Result<Vec<u8>, import::FileProblem>), AppError> {
    let (token, file) = crate::web::file_form::read(multipart, import::FILE_LIMIT).await?;
    Ok((token, file.ok_or(import::FileProblem::TooLarge)))
}

async fn import_preview(
    req: actix_web::HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    _manager: Manager,
    multipart: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    let (token, file) = read_upload(multipart).await?;
    if !crate::web::csrf::verify_request(&req, &token) {
        return Err(AppError::Forbidden);
    }
    let bytes = match file {
        Ok(b) => b,
        Err(problem) => return import_file_problem(ctx, problem),
    };
    check_and_show(ctx, &state, bytes, None).await
}

fn import_file_problem(ctx: Ctx, problem: import::FileProblem) -> Result<HttpResponse, AppError> {
    let mut form = FormState::new();
    form.fail(ctx.lang, "file", problem.message_key());
    render_form(
        true,
        &ImportPage {
            ctx,
            form,
            lines: None,
            counts: None,
            content: String::new(),
        },
    )
}

/// Checks every line (storing nothing) and shows them; with `store`, stores the file when it
/// has no problem.
async fn check_and_show(
    ctx: Ctx,
    state: &web::Data<AppState>,
    bytes: Vec<u8>,
    store: Option<crate::audit::Actor>,
) -> Result<HttpResponse, AppError> {
    let now = crate::db::now();
    let storing = store.is_some();
    // Reading a large file is work for a blocking thread, not for the server's worker, which
    // answers clicks meanwhile.
    let checked = with_conn(state, move |conn| {
        let mut lines = match import::read(&bytes, now) {
            Ok(lines) => lines,
            Err(problem) => return Ok(Err(problem)),
        };
        let counts = match &store {
            // The preview reads only: no write transaction while a large file is checked.
            None => import::preview(conn, &mut lines, now)?,
            Some(actor) => crate::db::write_transaction(conn, |conn| {
                // The manager who imports is who entered these conversions.
                let manager_id = actor.id.ok_or(diesel::result::Error::NotFound)?;
                let entered = crate::ledger::states::EnteredBy::Import { manager_id };
                let counts = import::store(conn, &mut lines, entered, now)?;
                if let Some(c) = &counts {
                    let entry = crate::audit::Entry::new(
                        crate::audit::action::CONVERSIONS_IMPORTED,
                        format!("{} lines", lines.len()),
                    )
                    .after(serde_json::json!({
                        "created": c.created,
                        "updated": c.updated,
                        "unchanged": c.unchanged,
                    }));
                    crate::audit::record(conn, actor, entry, now)?;
                }
                Ok::<_, diesel::result::Error>(counts)
            })?,
        };
        Ok(Ok((lines, counts, bytes)))
    })
    .await?;
    let (lines, counts, bytes) = match checked {
        Ok(checked) => checked,
        Err(problem) => return import_file_problem(ctx, problem),
    };
    if storing {
        if let Some(c) = counts {
            return Ok(see_other(&ctx.href(&format!(
                "/manage/conversions?notice=import-stored&created={}&updated={}&unchanged={}",
                c.created, c.updated, c.unchanged
            ))));
        }
    }
    let has_problems = counts.is_none();
    let page = ImportPage {
        ctx,
        form: FormState::new(),
        lines: Some(lines),
        counts,
        content: String::from_utf8_lossy(&bytes).into_owned(),
    };
    render_form(has_problems, &page)
}

async fn import_confirm(
    ctx: Ctx,
    state: web::Data<AppState>,
    manager: Manager,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let bytes = data.get("content").as_bytes().to_vec();
    let actor = manager.actor();
    check_and_show(ctx, &state, bytes, Some(actor)).await
}
