//! `/{lang}/manage/payouts…` and `/{lang}/manage/programme/secret`: the administrators' side of
//! money going out. Paying out and holding the key that makes money are kept apart from the
//! account managers' daily work (issue 20, separation of duties): only an administrator runs
//! payouts, downloads a bank file, or makes (and so sees) the conversion API's secret; a plain
//! account manager gets the 403 page. Each of these is written to the audit log.

use actix_web::http::header;
use actix_web::{web, HttpResponse};
use askama::Template;

use crate::db::ids::PayoutRunId;
use crate::forms::FormState;
use crate::ledger::payouts::{self, Payer, Period, Run, RunOutcome};
use crate::ledger::words::{month_label, CommissionWords};
use crate::state::AppState;
use crate::web::extract::{Administrator, CsrfForm, InPath};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx, NoticeQuery};

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

/// A run as the page lists it: its payouts' count and total, and its file's message id.
struct RunLine {
    run: Run,
    count: usize,
    total: i64,
    message_id: Option<String>,
}

/// The conversion API's secrets as an administrator may know them (never the secret itself,
/// which is shown once, on the page that answers the rotation).
struct SecretState {
    current_since: Option<chrono::NaiveDateTime>,
    /// When the replaced secret(s) stop working, if one still works.
    previous_until: Option<chrono::NaiveDateTime>,
}

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

async fn payouts_page(
    ctx: Ctx,
    state: &web::Data<AppState>,
    form: FormState,
    notice: Option<String>,
    secret: Option<String>,
) -> Result<PayoutsPage, AppError> {
    let now = crate::db::now();
    let (runs, secrets, currency) = with_conn(state, move |conn| {
        let mut out = Vec::new();
        for run in payouts::runs(conn)? {
            let rows = payouts::payouts_of_run(conn, run.id)?;
            let message_id = payouts::message_id_of(conn, run.id)?;
            out.push(RunLine {
                count: rows.len(),
                total: rows.iter().map(|r| r.amount).sum(),
                message_id,
                run,
            });
        }
        let programme =
            crate::ledger::intake::programme_terms(conn, crate::programme::ACCOUNT_PROGRAMME)?;
        let secrets = match programme {
            Some(terms) => {
                let (current_since, previous_until) =
                    crate::ledger::secrets::status(conn, terms.id, now)?;
                SecretState {
                    current_since,
                    previous_until,
                }
            }
            None => SecretState {
                current_since: None,
                previous_until: None,
            },
        };
        Ok((
            out,
            secrets,
            crate::ledger::queries::programme_currency(conn)?,
        ))
    })
    .await?;
    let lang = ctx.lang;
    Ok(PayoutsPage {
        ctx,
        words: CommissionWords { lang, currency },
        form,
        runs,
        payer_ready: state.settings.payer_iban.is_some(),
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

async fn payout_runs(
    ctx: Ctx,
    state: web::Data<AppState>,
    _admin: Administrator,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query.text(&ctx, NOTICES);
    render(&payouts_page(ctx, &state, period_form(), notice, None).await?)
}

async fn payout_run(
    ctx: Ctx,
    state: web::Data<AppState>,
    admin: Administrator,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let mut form = FormState::new();
    form.set("period", data.get("period").trim());
    let now = crate::db::now();
    let period = Period::parse(data.get("period"));
    match period {
        None => form.fail(ctx.lang, "period", "error-period-format"),
        Some(p) if p.start() > now => form.fail(ctx.lang, "period", "error-period-future"),
        Some(_) if state.settings.payer_iban.is_none() => {
            form.fail(ctx.lang, "period", "error-payer-missing")
        }
        Some(_) => {}
    }
    let (Some(period), Some(payer_iban)) = (
        period.filter(|_| !form.has_errors()),
        state.settings.payer_iban.clone(),
    ) else {
        let page = payouts_page(ctx, &state, form, None, None).await?;
        return render_form(true, &page);
    };
    let admin_id = admin.account.id;
    let payer_name = state.settings.payer_name.clone();
    let actor = admin.actor();
    let outcome = with_conn(&state, move |conn| {
        let payer = Payer {
            name: &payer_name,
            iban: &payer_iban,
        };
        let outcome = payouts::run(conn, period, Some(admin_id), Some(payer), now)
            .map_err(|e| AppError::Other(e.into()))?;
        payouts::audit_run(conn, &actor, &outcome, now)?;
        Ok(outcome)
    })
    .await?;
    tracing::info!(period = %period, paid = outcome.paid().map_or(0, |s| s.payouts), "payout run");
    let notice = match outcome {
        RunOutcome::Paid(_) => "payout-run-done",
        RunOutcome::NobodyToPay(_) => "payout-run-nobody",
    };
    Ok(see_other(
        &ctx.href(&format!("/manage/payouts?notice={notice}")),
    ))
}

async fn bank_file(
    state: web::Data<AppState>,
    admin: Administrator,
    InPath(run_id): InPath<PayoutRunId>,
) -> Result<HttpResponse, AppError> {
    let payer_name = state.settings.payer_name.clone();
    let payer_iban = state.settings.payer_iban.clone();
    let actor = admin.actor();
    let (period, file) = with_conn(&state, move |conn| {
        let Some(run) = payouts::find_run(conn, run_id)? else {
            return Err(AppError::NotFound);
        };
        let payer = payer_iban.as_ref().map(|iban| Payer {
            name: &payer_name,
            iban,
        });
        let file = payouts::bank_file(conn, &run, payer)
            .map_err(|e| AppError::Other(e.into()))?
            .ok_or(AppError::NotFound)?;
        let entry = crate::audit::Entry::new(
            crate::audit::action::BANK_FILE_DOWNLOADED,
            format!("payout run {}", run.id),
        )
        .after(serde_json::json!({
            "message_id": file.message_id,
            "sha256": file.sha256,
        }));
        crate::audit::record(conn, &actor, entry, crate::db::now())?;
        Ok((run.period, file))
    })
    .await?;
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
/// again: it is not in any URL, and a reload asks to post again).
async fn new_secret(
    ctx: Ctx,
    state: web::Data<AppState>,
    admin: Administrator,
    _data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let admin_id = admin.account.id;
    let actor = admin.actor();
    let secret = with_conn(&state, move |conn| {
        crate::ledger::secrets::rotate_recorded(conn, &actor, crate::db::now())?
            .ok_or(AppError::NotFound)
    })
    .await?;
    tracing::info!(admin_id = admin_id.get(), "conversion API secret rotated");
    let page = payouts_page(ctx, &state, period_form(), None, Some(secret)).await?;
    let mut response = render(&page)?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}
