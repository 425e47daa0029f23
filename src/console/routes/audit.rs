//! `/{lang}/manage/audit` (+ `.csv`): the audit log for administrators, with filters on the
//! actor, the subject (or a participant's number), the action and the dates.

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::audit::words::{self, Change};
use crate::audit::{action, lines, Filter, Line};
use crate::console::audit::{self as found, Found};
use crate::console::handler::Console;
use crate::forms::FormState;
use crate::i18n::Lang;
use crate::web::csv::Cell;
use crate::web::extract::Administrator;
use crate::web::{render, render_form, AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/audit", web::get().to(page))
        .route("/manage/audit.csv", web::get().to(csv));
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    page: Option<i64>,
}

impl AuditQuery {
    /// The filters as typed, by their fields' names.
    fn fields(&self) -> [(&'static str, &str); 5] {
        [
            ("actor", self.actor.as_str()),
            ("subject", self.subject.as_str()),
            ("action", self.action.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
        ]
    }

    /// The filters' form as typed.
    fn form(&self) -> FormState {
        let mut form = FormState::new();
        for (k, v) in self.fields() {
            form.set(k, v);
        }
        form
    }

    /// The filter, or the form with a message per wrong field.
    fn filter(&self, lang: Lang) -> Result<Filter, FormState> {
        let mut form = self.form();
        let date = |form: &mut FormState, field: &str, text: &str| {
            if text.trim().is_empty() {
                return None;
            }
            match chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    form.fail(lang, field, "error-audit-date");
                    None
                }
            }
        };
        let from = date(&mut form, "from", &self.from);
        let to = date(&mut form, "to", &self.to);
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                form.fail(lang, "to", "error-audit-dates-order");
            }
        }
        let action = match self.action.as_str() {
            "" => None,
            a => match action::ALL.iter().find(|x| **x == a) {
                Some(found) => Some(*found),
                None => {
                    form.fail(lang, "action", "error-audit-action");
                    None
                }
            },
        };
        if form.has_errors() {
            return Err(form);
        }
        Ok(Filter {
            actor: self.actor.trim().to_owned(),
            // As typed in either language: "maatregel 12" finds the stored "measure 12".
            subject: words::stored_subject(&self.subject),
            action,
            from,
            to,
        })
    }

    fn without_page(&self) -> String {
        crate::console::filters::query_string(self.fields())
    }
}

#[derive(Template)]
#[template(path = "console/audit.html")]
struct AuditPage {
    ctx: Ctx,
    form: FormState,
    lines: Vec<Line>,
    page: i64,
    more: bool,
    query: String,
}

impl AuditPage {
    fn new(ctx: Ctx, form: FormState, found: Found, query: String) -> AuditPage {
        AuditPage {
            ctx,
            form,
            lines: found.lines,
            page: found.page,
            more: found.more,
            query,
        }
    }

    fn action_label(&self, code: &str) -> String {
        self.ctx
            .t(&format!("audit-action-{}", code.replace('_', "-")))
    }

    fn actions(&self) -> Vec<(&'static str, String)> {
        action::ALL
            .iter()
            .map(|a| (*a, self.action_label(a)))
            .collect()
    }

    /// What was done to what, in words: "Maatregel 5 — Ingehouden betalingen, volgens E.10.c".
    fn summary(&self, line: &Line) -> String {
        words::summary(
            self.ctx.lang,
            &line.action,
            &line.subject,
            line.after.as_deref(),
        )
    }

    /// The fields that changed, in words; the CSV keeps the JSON.
    fn changes(&self, line: &Line) -> Vec<Change> {
        words::changes(self.ctx.lang, line.before.as_deref(), line.after.as_deref())
    }

    /// The first characters of the address hash: enough to tell two addresses apart on the page.
    fn short_hash(&self, hash: &str) -> String {
        hash.chars().take(8).collect()
    }

    fn at(&self, line: &Line) -> String {
        format!("{} {}", self.ctx.date(&line.at), line.at.format("%H:%M:%S"))
    }

    fn page_href(&self, page: i64) -> String {
        let sep = if self.query.is_empty() { "" } else { "&" };
        self.ctx
            .href(&format!("/manage/audit?{}{sep}page={page}", self.query))
    }

    fn csv_href(&self) -> String {
        let sep = if self.query.is_empty() { "" } else { "?" };
        self.ctx
            .href(&format!("/manage/audit.csv{sep}{}", self.query))
    }
}

async fn page(
    console: Console<Administrator>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let asked = query.page.unwrap_or(1);
    let (filter, form) = match query.filter(console.lang()) {
        Ok(filter) => (filter, query.form()),
        Err(form) => {
            let nothing = Found {
                lines: Vec::new(),
                page: 1,
                more: false,
            };
            let page = AuditPage::new(console.ctx, form, nothing, String::new());
            return render_form(true, &page);
        }
    };
    let found = console
        .read(move |conn| found::find(conn, &filter, asked))
        .await?;
    render(&AuditPage::new(
        console.ctx,
        form,
        found,
        query.without_page(),
    ))
}

async fn csv(
    console: Console<Administrator>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = console.lang();
    let filter = query.filter(lang).map_err(|_| AppError::BadRequest)?;
    let found = console
        .read(move |conn| lines(conn, &filter, 0, i64::MAX))
        .await?;
    let text = |key: &str| Cell::text(lang.t(key));
    let mut rows = vec![vec![
        text("audit-at"),
        text("audit-actor"),
        text("audit-ip-hash"),
        text("audit-action"),
        text("audit-subject"),
        text("audit-participant"),
        text("audit-before"),
        text("audit-after"),
    ]];
    for l in found {
        rows.push(vec![
            Cell::number(l.at.format("%Y-%m-%d %H:%M:%S")),
            Cell::text(l.actor),
            Cell::text(l.ip_hash.unwrap_or_default()),
            Cell::text(l.action),
            Cell::text(l.subject),
            l.participant_id.map_or(Cell::text(""), Cell::number),
            Cell::text(l.before.unwrap_or_default()),
            Cell::text(l.after.unwrap_or_default()),
        ]);
    }
    crate::web::csv::download(lang, "audit", rows)
}
