//! `/{lang}/manage/audit` (+ `.csv`): the audit log for administrators, with filters on the
//! actor, the subject (or a participant's number), the action and the dates.

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::audit::words::{self, Change};
use crate::audit::{action, lines, Filter, Line};
use crate::forms::FormState;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::web::csv::Cell;
use crate::web::extract::Administrator;
use crate::web::{render, render_form, with_conn, AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/audit", web::get().to(page))
        .route("/manage/audit.csv", web::get().to(csv));
}

/// Lines per page; the CSV has them all.
pub const PAGE_SIZE: i64 = 100;

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AuditQuery {
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
    /// The filter, or the form with a message per wrong field.
    fn filter(&self, lang: Lang) -> Result<Filter, FormState> {
        let mut form = FormState::new();
        for (k, v) in [
            ("actor", &self.actor),
            ("subject", &self.subject),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            form.set(k, v.as_str());
        }
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
        let mut out = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("actor", &self.actor),
            ("subject", &self.subject),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ] {
            if !v.trim().is_empty() {
                out.append_pair(k, v.trim());
            }
        }
        out.finish()
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
    ctx: Ctx,
    state: web::Data<AppState>,
    _admin: Administrator,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let asked = query.page.unwrap_or(1);
    let filter = match query.filter(ctx.lang) {
        Ok(f) => f,
        Err(form) => {
            return render_form(
                true,
                &AuditPage {
                    ctx,
                    form,
                    lines: Vec::new(),
                    page: 1,
                    more: false,
                    query: String::new(),
                },
            )
        }
    };
    let (found, page_no, more) = with_conn(&state, move |conn| {
        let pages = Pages::of(crate::audit::count(conn, &filter)?);
        let page_no = pages.clamp(asked);
        let found = lines(conn, &filter, pages.offset(page_no), PAGE_SIZE)?;
        Ok((found, page_no, page_no < pages.last))
    })
    .await?;
    let mut form = FormState::new();
    for (k, v) in [
        ("actor", &query.actor),
        ("subject", &query.subject),
        ("action", &query.action),
        ("from", &query.from),
        ("to", &query.to),
    ] {
        form.set(k, v.as_str());
    }
    render(&AuditPage {
        ctx,
        form,
        lines: found,
        page: page_no,
        more,
        query: query.without_page(),
    })
}

/// The pages of a list of `PAGE_SIZE` lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Pages {
    /// The last page's number (1 for an empty list).
    last: i64,
}

impl Pages {
    fn of(lines: i64) -> Pages {
        Pages {
            last: (lines.max(0) / PAGE_SIZE + i64::from(lines % PAGE_SIZE > 0)).max(1),
        }
    }

    /// The page shown when `asked` is asked for: below the first the first, past the last the
    /// last, as the participants list does (issue 21, 7: `page=92233720368547760` overflowed).
    fn clamp(self, asked: i64) -> i64 {
        asked.clamp(1, self.last)
    }

    /// The first line of page `page` (a page `clamp` gave).
    fn offset(self, page: i64) -> i64 {
        (page - 1) * PAGE_SIZE
    }
}

async fn csv(
    ctx: Ctx,
    state: web::Data<AppState>,
    _admin: Administrator,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let lang = ctx.lang;
    let filter = query.filter(lang).map_err(|_| AppError::BadRequest)?;
    let found = with_conn(&state, move |conn| Ok(lines(conn, &filter, 0, i64::MAX)?)).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_past_the_last_or_before_the_first_are_the_last_and_the_first() {
        assert_eq!(Pages::of(0).last, 1);
        assert_eq!(Pages::of(1).last, 1);
        assert_eq!(Pages::of(100).last, 1);
        assert_eq!(Pages::of(101).last, 2);
        assert_eq!(Pages::of(i64::MAX).last, i64::MAX / 100 + 1);
        let three = Pages::of(250);
        for (asked, shown) in [
            (i64::MIN, 1),
            (-1, 1),
            (0, 1),
            (1, 1),
            (3, 3),
            (4, 3),
            (92_233_720_368_547_760, 3),
            (i64::MAX, 3),
        ] {
            assert_eq!(three.clamp(asked), shown, "{asked}");
        }
        assert_eq!(three.offset(3), 200);
        let most = Pages::of(i64::MAX);
        assert_eq!(most.offset(most.clamp(i64::MAX)), i64::MAX / 100 * 100);
    }
}
