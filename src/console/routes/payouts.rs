//! `/{lang}/manage/payouts…` and `/{lang}/manage/programme/secret`: the administrators' side of
//! money going out. Paying out and holding the key that makes money are kept apart from the
//! account managers' daily work (issue 20, separation of duties): only an administrator runs
//! payouts, downloads a bank file, or makes (and so sees) the conversion API's secret; a plain
//! account manager gets the 403 page. Each of these is written to the audit log.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::config::Settings;
use crate::console::handler::{Console, Seat};
use crate::console::payouts::{self as paying, Overview, PayerAccount, RunLine, SecretState};
use crate::db::ids::PayoutRunId;
use crate::forms::{FormData, FormState};
use crate::i18n::Lang;
use crate::ledger::payouts::{Period, Run, RunOutcome};
use crate::ledger::words::{month_label, CommissionWords};
use crate::web::extract::{Administrator, CsrfForm, InPath};
use crate::web::{render, render_form, AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/manage/payouts")
            .route(web::get().to(payout_runs))
            .route(web::post().to(payout_run)),
    )
    .route("/manage/payouts/{id}/pain001.xml", web::get().to(bank_file))
    .route("/manage/programme/secret", web::post().to(new_secret));
}

const NOTICES: &[&str] = &["payout-run-done", "payout-run-nobody"];

#[derive(Template)]
#[template(path = "console/payouts.html")]
struct PayoutsPage {
    ctx: Ctx,
    words: CommissionWords,
    form: FormState,
    runs: Vec<RunLine>,
    payer_ready: bool,
    notice: Option<String>,
    secret: Option<String>,
    secrets: SecretState,
}

impl PayoutsPage {
    fn period(&self, run: &Run) -> String {
        Period::parse(&run.period)
            .map(|p| month_label(self.ctx.lang, p.start().date()))
            .unwrap_or_else(|| run.period.clone())
    }
}

/// The page with the run's form as `form` says, a notice, and a new secret shown once.
async fn payouts_page(
    console: Console<Administrator>,
    form: FormState,
    notice: Option<String>,
    secret: Option<String>,
) -> Result<PayoutsPage, AppError> {
    let now = crate::db::now();
    let Overview {
        runs,
        secrets,
        currency,
    } = console
        .read(move |conn| paying::overview(conn, now))
        .await?;
    let lang = console.lang();
    Ok(PayoutsPage {
        ctx: console.ctx,
        words: CommissionWords { lang, currency },
        form,
        runs,
        payer_ready: console.state.settings.payer_iban.is_some(),
        notice,
        secret,
        secrets,
    })
}

/// The month before today's: what a run at the start of a month pays.
fn last_month(today: chrono::NaiveDate) -> String {
    let first = Period::of(today).start().date();
    Period::of(first - chrono::Days::new(1)).to_string()
}

fn period_form() -> FormState {
    let mut form = FormState::new();
    form.set("period", last_month(chrono::Utc::now().date_naive()));
    form
}

fn payer(settings: &Settings) -> PayerAccount {
    PayerAccount {
        name: settings.payer_name.clone(),
        iban: settings.payer_iban.clone(),
    }
}

async fn payout_runs(console: Console<Administrator>) -> Result<HttpResponse, AppError> {
    let notice = console.notice(NOTICES);
    render(&payouts_page(console, period_form(), notice, None).await?)
}

/// Reads the run's form: `period` (`2026-10`), a month begun, and the payer's account set.
fn read_period(data: &FormData, lang: Lang, payer: &PayerAccount) -> Result<Period, FormState> {
    let mut form = FormState::new();
    form.set("period", data.get("period").trim());
    let key = match Period::parse(data.get("period")) {
        None => "error-period-format",
        Some(p) if p.start() > crate::db::now() => "error-period-future",
        Some(_) if payer.iban.is_none() => "error-payer-missing",
        Some(p) => return Ok(p),
    };
    form.fail(lang, "period", key);
    Err(form)
}

async fn payout_run(
    console: Console<Administrator>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let from = payer(&console.state.settings);
    let period = match read_period(&data, console.lang(), &from) {
        Ok(period) => period,
        Err(form) => return render_form(true, &payouts_page(console, form, None, None).await?),
    };
    let by = console.who.manager().account.id;
    let outcome = console
        .attempt(move |conn, actor, now| paying::pay(conn, actor, period, by, &from, now))
        .await?
        .map_err(|e| AppError::Other(e.into()))?;
    tracing::info!(period = %period, paid = outcome.paid().map_or(0, |s| s.payouts), "payout run");
    Ok(console.back(match outcome {
        RunOutcome::Paid(_) => "/manage/payouts?notice=payout-run-done",
        RunOutcome::NobodyToPay(_) => "/manage/payouts?notice=payout-run-nobody",
    }))
}

async fn bank_file(
    console: Console<Administrator>,
    InPath(run_id): InPath<PayoutRunId>,
) -> Result<HttpResponse, AppError> {
    let from = payer(&console.state.settings);
    let (period, file) = console
        .attempt(move |conn, actor, now| paying::bank_file(conn, actor, run_id, &from, now))
        .await?
        .map_err(|e| AppError::Other(e.into()))?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"pain001-{period}-{}.xml\"",
                file.message_id
            ),
        ))
        .body(file.xml))
}

/// A new secret for the conversion API, shown once on the page that answers this POST (never
/// again: it is not in any URL, and a reload asks to post again; the page is not stored).
async fn new_secret(
    console: Console<Administrator>,
    _data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let secret = console
        .write(crate::ledger::secrets::rotate_recorded)
        .await?
        .ok_or(AppError::NotFound)?;
    tracing::info!(
        admin_id = console.who.manager().account.id.get(),
        "conversion API secret rotated"
    );
    render(&payouts_page(console, period_form(), None, Some(secret)).await?)
}
