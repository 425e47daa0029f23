//! `/{lang}/account/commissions…` and `/{lang}/account/bank`: the publisher's Commissions tab —
//! rates, earnings, conversions, the ledger with its running balance, payouts, CSV exports — and
//! the bank details payouts go to.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::bank::{self, masked_iban, BankForm, Submitted};
use crate::db::ids::MeasureId;
use crate::domain::{Currency, Money};
use crate::forms::FormState;
use crate::i18n::Lang;
use crate::ledger::earnings::{self, EarningsLine, NotPaid, Waiting};
use crate::ledger::payouts::{self, BankAccount};
use crate::ledger::queries::{self, ConversionLine, LedgerLine, PayoutLine, ProgrammeRates};
use crate::ledger::states::EntryKind;
use crate::ledger::words::{is_held, month_label, CommissionWords};
use crate::participants::explain::MeasureInWords;
use crate::web::chart::{Bar, Chart};
use crate::web::csv::Cell;
use crate::web::extract::{CsrfForm, InPath, ParticipantPage};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig, limiter: &crate::web::limiter::Limiter) {
    cfg.route("/account/commissions", web::get().to(overview))
        .route(
            "/account/commissions/conversions",
            web::get().to(conversions),
        )
        .route("/account/commissions/ledger", web::get().to(ledger))
        .route("/account/commissions/{file}.csv", web::get().to(csv_export))
        .service(
            // The password is asked for here: limited like the login form.
            limiter.form("/account/bank", bank_form, bank_submit),
        );
}

/// The conversions page shows the newest this many (the CSV has them all).
const CONVERSIONS_SHOWN: i64 = 500;

const NOTICES: &[&str] = &["bank-saved"];

#[derive(Template)]
#[template(path = "account_money/overview.html")]
struct OverviewPage {
    ctx: Ctx,
    words: CommissionWords,
    balance: i64,
    threshold: i64,
    not_paid: Vec<NotPaid>,
    bank: Option<BankAccount>,
    lines: Vec<EarningsLine>,
    totals: earnings::Earnings,
    group_names: std::collections::HashMap<String, String>,
    rates: Vec<ProgrammeRates>,
    /// The participant's measures, for a withholding in words.
    measures: std::collections::HashMap<MeasureId, MeasureInWords>,
    next_run: chrono::NaiveDate,
}

impl OverviewPage {
    fn month(&self, line: &EarningsLine) -> String {
        month_label(self.ctx.lang, line.month)
    }

    fn group(&self, code: &str) -> String {
        self.group_names
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }

    fn percent(&self, p: &rust_decimal::Decimal) -> String {
        self.ctx.lang.format_percent(*p)
    }

    fn masked_iban(&self) -> String {
        self.bank
            .as_ref()
            .map(|b| masked_iban(&b.iban))
            .unwrap_or_default()
    }

    fn not_paid_text(&self, why: &NotPaid) -> String {
        let words = &self.words;
        match why {
            NotPaid::Withheld { .. } => self.ctx.t("payout-why-withheld"),
            NotPaid::NoBankDetails => self.ctx.t("payout-why-no-bank"),
            NotPaid::BelowThreshold { missing } => self.ctx.t_args(
                "payout-why-below-threshold",
                &[
                    ("threshold", words.money(self.threshold)),
                    ("missing", words.money(*missing)),
                ],
            ),
            NotPaid::Held { amount, orders } => self.ctx.lang.t_counts(
                "payout-why-held",
                &[("orders", *orders)],
                &[("amount", words.money(*amount))],
            ),
            NotPaid::NotYetLocked { pending } => self.ctx.t_args(
                "payout-why-not-locked",
                &[("pending", words.money(*pending))],
            ),
            NotPaid::ApprovedSinceCutoff { amount } => self.ctx.t_args(
                "payout-why-since-cutoff",
                &[
                    ("amount", words.money(*amount)),
                    ("cutoff", self.ctx.day(&cutoff(self.next_run))),
                    ("date", self.ctx.day(&self.next_run)),
                ],
            ),
        }
    }

    /// The measure that withholds the payments, to say it in words with its notice.
    fn withholding(&self, why: &NotPaid) -> Option<&MeasureInWords> {
        match why {
            NotPaid::Withheld { measure_id } => self.measures.get(measure_id),
            _ => None,
        }
    }

    /// Where the held orders are listed, each with how to object.
    fn held_link(&self, why: &NotPaid) -> Option<String> {
        match why {
            NotPaid::Held { .. } => Some(self.ctx.href("/account/commissions/conversions")),
            _ => None,
        }
    }

    /// Whether the balance goes out in the next run (a hold keeps back only what is held).
    fn balance_paid(&self) -> bool {
        !self.not_paid.iter().any(NotPaid::blocks_balance)
    }

    fn next_run_text(&self, key: &str) -> String {
        self.ctx
            .t_args(key, &[("date", self.ctx.day(&self.next_run))])
    }

    /// Months in order with their paid, approved and pending amounts stacked.
    fn chart(&self) -> String {
        let mut months: Vec<(chrono::NaiveDate, [i64; 3])> = Vec::new();
        for line in &self.lines {
            let f = &line.figures;
            match months.iter_mut().find(|(m, _)| *m == line.month) {
                Some((_, v)) => {
                    v[0] += f.paid;
                    v[1] += f.approved;
                    v[2] += f.pending;
                }
                None => months.push((line.month, [f.paid, f.approved, f.pending])),
            }
        }
        let lang = self.ctx.lang;
        Chart {
            id: "earnings-chart",
            title: self.ctx.t("earnings-chart-title"),
            description: self.ctx.t("earnings-chart-desc"),
            series: vec![
                self.ctx.t("earnings-paid"),
                self.ctx.t("earnings-approved"),
                self.ctx.t("earnings-pending"),
            ],
            bars: months
                .into_iter()
                .map(|(m, v)| Bar {
                    label: month_label(lang, m),
                    values: v.to_vec(),
                })
                .collect(),
        }
        .to_svg(|v| self.words.money(v))
    }
}

/// The first day after the period a run on `run` pays (the month before): the first of its month.
fn cutoff(run: chrono::NaiveDate) -> chrono::NaiveDate {
    payouts::Period::of(run).start().date()
}

async fn overview(page: ParticipantPage) -> Result<HttpResponse, AppError> {
    let lang = page.ctx.lang;
    let now = crate::db::now();
    let (commissions, ledger, threshold, bank, group_names, rates, withheld, currency, measures) =
        page.run(move |conn, participant_id| -> Result<_, AppError> {
            Ok((
                queries::commission_lines(conn, participant_id)?,
                queries::ledger_lines(conn, participant_id)?,
                payouts::threshold(conn)?.minor,
                payouts::bank_account(conn, participant_id)?,
                queries::group_names(conn, lang)?,
                queries::rate_tables(conn, participant_id, lang, now)?,
                crate::participants::standing::withholding(conn, participant_id)?,
                queries::programme_currency(conn)?,
                crate::participants::explain::of_participant(conn, participant_id)?,
            ))
        })
        .await?;
    let lines = earnings::earnings(&commissions, &ledger);
    let balance: i64 = ledger.iter().map(|e| e.amount).sum();
    let waiting = Waiting::of(&commissions);
    let next_run = earnings::next_payout_run(now.date(), page.state.settings.payout_day);
    // What that run pays, as `payouts::payable` will count it.
    let payable = earnings::Payable::of(&ledger, cutoff(next_run).and_time(chrono::NaiveTime::MIN));
    let page = OverviewPage {
        totals: earnings::totals(&lines),
        not_paid: earnings::why_not_paid(payable, threshold, bank.is_some(), waiting, withheld),
        measures,
        next_run,
        group_names,
        rates,
        ctx: page.ctx,
        words: CommissionWords { lang, currency },
        balance,
        threshold,
        bank,
        lines,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "account_money/conversions.html")]
struct ConversionsPage {
    ctx: Ctx,
    words: CommissionWords,
    lines: Vec<ConversionLine>,
    group_names: std::collections::HashMap<String, String>,
    /// "Object" next to a commission rejected, reversed or held (G.12).
    objectable: crate::enforcement::objectable::Objectable,
}

impl ConversionsPage {
    fn group(&self, code: &str) -> String {
        self.group_names
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }

    /// The state in words, or why the conversion earns nothing.
    fn state_text(&self, line: &ConversionLine) -> String {
        self.words.state_of(line)
    }

    fn why(&self, line: &ConversionLine) -> String {
        self.words.why(line)
    }

    fn held(&self, line: &ConversionLine) -> bool {
        is_held(line)
    }
}

async fn conversions(page: ParticipantPage) -> Result<HttpResponse, AppError> {
    let lang = page.ctx.lang;
    let (lines, group_names, currency, objectable) = page
        .run(move |conn, participant_id| -> Result<_, AppError> {
            Ok((
                queries::conversion_lines(
                    conn,
                    queries::Scope::Participant(participant_id),
                    CONVERSIONS_SHOWN,
                )?,
                queries::group_names(conn, lang)?,
                queries::programme_currency(conn)?,
                crate::enforcement::objectable::Objectable::load(conn, lang, participant_id)?,
            ))
        })
        .await?;
    render(&ConversionsPage {
        lines,
        group_names,
        objectable,
        ctx: page.ctx,
        words: CommissionWords { lang, currency },
    })
}

#[derive(Template)]
#[template(path = "account_money/ledger.html")]
struct LedgerPage {
    ctx: Ctx,
    words: CommissionWords,
    /// Oldest first, with the balance after each.
    lines: Vec<(LedgerLine, i64)>,
    payouts: Vec<PayoutLine>,
    /// The participant's measures, for a deduction in words with its notice.
    measures: std::collections::HashMap<MeasureId, MeasureInWords>,
}

impl LedgerPage {
    fn kind(&self, kind: &EntryKind) -> String {
        self.ctx.t(&format!("entry-kind-{}", kind.as_str()))
    }

    fn entry_reason(&self, line: &LedgerLine) -> String {
        entry_reason(&self.words, line)
    }

    /// The measure behind a deduction or its undoing.
    fn measure_of(&self, line: &LedgerLine) -> Option<&MeasureInWords> {
        line.measure_id.and_then(|id| self.measures.get(&id))
    }

    fn masked(&self, iban: &str) -> String {
        masked_iban(iban)
    }
}

/// What an entry is for: the order, and the reason or the payout run.
fn entry_reason(words: &CommissionWords, line: &LedgerLine) -> String {
    let reason = match (line.kind, line.reason.as_deref()) {
        // Stored as a code (`deduction`, `deduction_undone`): in words, by which way it moved
        // the balance; the measure itself is said beside it.
        (EntryKind::Deduction, _) if line.amount < 0 => words.lang.t("entry-deduction"),
        (EntryKind::Deduction, _) => words.lang.t("entry-deduction-undone"),
        (EntryKind::Payout, Some(period)) => words
            .lang
            .t_args("entry-payout-period", &[("period", period.to_owned())]),
        (_, Some(text)) => words.reason(text),
        (_, None) => String::new(),
    };
    match &line.order_ref {
        Some(order) => {
            let order = words
                .lang
                .t_args("entry-order", &[("order", order.clone())]);
            if reason.is_empty() {
                order
            } else {
                format!("{order} — {reason}")
            }
        }
        None => reason,
    }
}

fn with_running_balance(lines: Vec<LedgerLine>) -> Vec<(LedgerLine, i64)> {
    let mut balance = 0;
    lines
        .into_iter()
        .map(|l| {
            balance += l.amount;
            (l, balance)
        })
        .collect()
}

async fn ledger(page: ParticipantPage) -> Result<HttpResponse, AppError> {
    let lang = page.ctx.lang;
    let (lines, payouts, currency, measures) = page
        .run(move |conn, participant_id| -> Result<_, AppError> {
            Ok((
                queries::ledger_lines(conn, participant_id)?,
                queries::payout_lines(conn, participant_id)?,
                queries::programme_currency(conn)?,
                crate::participants::explain::of_participant(conn, participant_id)?,
            ))
        })
        .await?;
    render(&LedgerPage {
        lines: with_running_balance(lines),
        payouts,
        measures,
        ctx: page.ctx,
        words: CommissionWords { lang, currency },
    })
}

/// An amount cell: the plain number in the language's decimal separator. A negative amount is a
/// number, not a formula, and stays as it is.
fn amount_cell(lang: Lang, currency: Currency, minor: i64) -> Cell {
    Cell::number(lang.format_plain_amount(Money::new(minor, currency).for_display()))
}

async fn csv_export(
    page: ParticipantPage,
    InPath(file): InPath<String>,
) -> Result<HttpResponse, AppError> {
    if !matches!(file.as_str(), "conversions" | "ledger" | "payouts") {
        return Err(AppError::NotFound);
    }
    let lang = page.ctx.lang;
    let name = file.clone();
    let rows: Vec<Vec<Cell>> = page
        .run(move |conn, participant_id| -> Result<_, AppError> {
            let currency = queries::programme_currency(conn)?;
            let words = CommissionWords { lang, currency };
            let t = |k: &str| Cell::text(lang.t(k));
            Ok(match file.as_str() {
                "conversions" => {
                    let names = queries::group_names(conn, lang)?;
                    let mut rows = vec![vec![
                        t("conversion-order"),
                        t("conversion-date"),
                        t("conversion-group"),
                        t("conversion-amount"),
                        t("conversion-returned"),
                        t("conversion-commission"),
                        t("conversion-state"),
                        t("conversion-reason"),
                        t("conversion-locks-at"),
                    ]];
                    for l in queries::conversion_lines(
                        conn,
                        queries::Scope::Participant(participant_id),
                        i64::MAX,
                    )? {
                        let why = words.why(&l);
                        rows.push(vec![
                            Cell::text(&l.order_ref),
                            Cell::number(l.occurred_at.format("%Y-%m-%d %H:%M")),
                            Cell::text(names.get(&l.group_code).unwrap_or(&l.group_code)),
                            amount_cell(lang, currency, l.order_amount),
                            amount_cell(lang, currency, l.returned_amount),
                            amount_cell(lang, currency, l.commission),
                            Cell::text(words.state_of(&l)),
                            Cell::text(why),
                            Cell::number(
                                l.locks_at
                                    .filter(|_| !is_held(&l))
                                    .map(|d| d.format("%Y-%m-%d").to_string())
                                    .unwrap_or_default(),
                            ),
                        ]);
                    }
                    rows
                }
                "ledger" => {
                    let measures =
                        crate::participants::explain::of_participant(conn, participant_id)?;
                    let mut rows = vec![vec![
                        t("ledger-date"),
                        t("ledger-kind"),
                        t("ledger-reason"),
                        t("ledger-amount"),
                        t("ledger-balance"),
                    ]];
                    for (l, balance) in
                        with_running_balance(queries::ledger_lines(conn, participant_id)?)
                    {
                        rows.push(vec![
                            Cell::number(l.created_at.format("%Y-%m-%d %H:%M")),
                            Cell::text(lang.t(&format!("entry-kind-{}", l.kind.as_str()))),
                            Cell::text(match l.measure_id.and_then(|id| measures.get(&id)) {
                                Some(m) => {
                                    format!("{} — {}", entry_reason(&words, &l), m.sentence(lang))
                                }
                                None => entry_reason(&words, &l),
                            }),
                            amount_cell(lang, currency, l.amount),
                            amount_cell(lang, currency, balance),
                        ]);
                    }
                    rows
                }
                _ => {
                    let mut rows =
                        vec![vec![t("payout-date"), t("payout-amount"), t("payout-iban")]];
                    for p in queries::payout_lines(conn, participant_id)? {
                        rows.push(vec![
                            Cell::number(p.created_at.format("%Y-%m-%d")),
                            amount_cell(lang, currency, p.amount),
                            Cell::text(masked_iban(&p.iban)),
                        ]);
                    }
                    rows
                }
            })
        })
        .await?;
    crate::web::csv::download(lang, &name, rows)
}

#[derive(Template)]
#[template(path = "account_money/bank.html")]
struct BankPage {
    ctx: Ctx,
    form: FormState,
    current: Option<BankAccount>,
    notice: Option<String>,
}

impl BankPage {
    fn masked(&self, iban: &str) -> String {
        masked_iban(iban)
    }
}

async fn bank_form(page: ParticipantPage) -> Result<HttpResponse, AppError> {
    let current = page.run(payouts::bank_account).await?;
    let mut form = FormState::new();
    if let Some(b) = &current {
        form.set("account_holder", b.holder.clone());
    }
    let notice = page.notice(NOTICES);
    render(&BankPage {
        ctx: page.ctx,
        form,
        current,
        notice,
    })
}

async fn bank_submit(page: ParticipantPage, data: CsrfForm) -> Result<HttpResponse, AppError> {
    let ip_hash = page.ip_hash();
    let (ctx, state, user) = page.into_parts();
    let lang = ctx.lang;
    let form = BankForm::read(&data, lang);
    let participant_id = user.participant.id;
    let account = user.account.clone();
    let submitted = with_conn(&state, move |conn| {
        bank::submit(conn, form, &account, participant_id, &ip_hash, lang)
    })
    .await?;
    let masked = match submitted {
        Submitted::Saved { masked } => masked,
        Submitted::Refused {
            form,
            current,
            limited,
        } => {
            let page = BankPage {
                ctx,
                form,
                current,
                notice: None,
            };
            if limited {
                return crate::web::render_status(
                    actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                    &page,
                );
            }
            return render_form(true, &page);
        }
    };
    tracing::info!(
        participant_id = participant_id.get(),
        "bank details changed"
    );
    let account_lang = Lang::from_code(&user.account.lang).unwrap_or(lang);
    let link = format!(
        "{}{}/account/bank",
        state.settings.base_url.as_str().trim_end_matches('/'),
        format_args!("/{}", account_lang.code())
    );
    state
        .mailer
        .deliver(
            crate::mail::bank_details_changed(account_lang, &masked, &link),
            &user.account.email,
        )
        .await;
    Ok(see_other(&ctx.href("/account/bank?notice=bank-saved")))
}
