//! `/{lang}/manage/conversions…`: the account managers' side of money — conversions per
//! participant with their decisions (reject, reverse; releasing a self-purchase hold is an
//! administrator's) and the CSV import with its preview. Payout runs, bank files and the
//! conversion API's secret are the administrators' (`routes/payouts.rs`).

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::console::conversions::{self as listed, CommissionDecision, Conversions};
use crate::console::handler::Console;
use crate::db::ids::{AccountId, CommissionId, ParticipantId};
use crate::forms::FormState;
use crate::ledger::decide::{self, Action, DecideError};
use crate::ledger::import::{self, Counts, FileProblem, ImportLine};
use crate::ledger::queries::ConversionLine;
use crate::ledger::words::CommissionWords;
use crate::web::extract::{CsrfForm, InPath};
use crate::web::{render, render_form, AppError, Ctx};

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
    console: Console,
    chosen: Option<ParticipantId>,
    notice: Option<String>,
    problem: Option<Problem>,
) -> Result<ConversionsPage, AppError> {
    let Conversions {
        lines,
        participants,
        importers,
        currency,
    } = console
        .read(move |conn| listed::conversions(conn, chosen))
        .await?;
    let lang = console.lang();
    Ok(ConversionsPage {
        ctx: console.ctx,
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
    console: Console,
    query: web::Query<ConversionsQuery>,
) -> Result<HttpResponse, AppError> {
    let chosen = query
        .participant
        .as_deref()
        .and_then(|p| p.parse::<ParticipantId>().ok());
    let ctx = &console.ctx;
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
    render(&conversions_page(console, chosen, notice, None).await?)
}

/// `action` (`reject`, `reverse`, `release`), `reason`, and `participant`: the list's filter to
/// go back to.
async fn decision(
    console: Console,
    InPath(commission_id): InPath<CommissionId>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let chosen = data.get("participant").parse::<ParticipantId>().ok();
    let administrator = console.who.account.is_administrator();
    let decision = match CommissionDecision::from_form(&data, administrator) {
        Ok(decision) => decision,
        Err(key) => {
            let problem = Problem {
                commission_id,
                message: console.ctx.t(key),
                reason: data.get("reason").to_owned(),
            };
            let page = conversions_page(console, chosen, None, Some(problem)).await?;
            return render_form(true, &page);
        }
    };
    let by: (CommissionId, AccountId) = (commission_id, console.who.account.id);
    let result = console
        .attempt(move |conn, actor, now| listed::decide(conn, actor, by, &decision, now))
        .await?;
    let filter = chosen
        .map(|p| format!("participant={p}&"))
        .unwrap_or_default();
    let notice = match result {
        Ok(()) => "commission-decided",
        Err(DecideError::NotFound) => return Err(AppError::NotFound),
        Err(_) => "commission-gone",
    };
    Ok(console.back(&format!("/manage/conversions?{filter}notice={notice}")))
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

async fn import_form(console: Console) -> Result<HttpResponse, AppError> {
    render(&ImportPage::new(console.ctx, FormState::new()))
}

impl ImportPage {
    /// The page before an upload, or with the file's problem.
    fn new(ctx: Ctx, form: FormState) -> ImportPage {
        ImportPage {
            ctx,
            form,
            lines: None,
            counts: None,
            content: String::new(),
        }
    }
}

/// `file`: a CSV file of conversions (at most `FILE_LIMIT` bytes), checked and shown, nothing
/// stored.
async fn import_preview(
    req: HttpRequest,
    console: Console,
    multipart: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    let (token, file) = crate::web::file_form::read(multipart, import::FILE_LIMIT).await?;
    if !crate::web::csrf::verify_request(&req, &token) {
        return Err(AppError::Forbidden);
    }
    match file {
        Some(bytes) => check_and_show(console, bytes, false).await,
        None => import_file_problem(console.ctx, FileProblem::TooLarge),
    }
}

fn import_file_problem(ctx: Ctx, problem: FileProblem) -> Result<HttpResponse, AppError> {
    let mut form = FormState::new();
    form.fail(ctx.lang, "file", problem.message_key());
    render_form(true, &ImportPage::new(ctx, form))
}

/// Checks every line (storing nothing) and shows them; `storing`, stores the file when it has
/// no problem and sends the manager to the conversions with what it did.
async fn check_and_show(
    console: Console,
    bytes: Vec<u8>,
    storing: bool,
) -> Result<HttpResponse, AppError> {
    // Reading a large file is work for a blocking thread, not for the server's worker, which
    // answers clicks meanwhile.
    let checked = console
        .write(move |conn, actor, now| {
            listed::check_file(conn, storing.then_some(actor), bytes, now)
        })
        .await?;
    let (lines, counts, bytes) = match checked {
        Ok(checked) => checked,
        Err(problem) => return import_file_problem(console.ctx, problem),
    };
    if let (true, Some(c)) = (storing, &counts) {
        return Ok(console.back(&format!(
            "/manage/conversions?notice=import-stored&created={}&updated={}&unchanged={}",
            c.created, c.updated, c.unchanged
        )));
    }
    let has_problems = counts.is_none();
    let page = ImportPage {
        ctx: console.ctx,
        form: FormState::new(),
        lines: Some(lines),
        counts,
        content: String::from_utf8_lossy(&bytes).into_owned(),
    };
    render_form(has_problems, &page)
}

/// `content`: the previewed file's text, stored when no line has a problem.
async fn import_confirm(console: Console, data: CsrfForm) -> Result<HttpResponse, AppError> {
    let bytes = data.get("content").as_bytes().to_vec();
    check_and_show(console, bytes, true).await
}
