//! `/{lang}/manage/holidays`: the holiday table working days are counted with (G.12, G.13) —
//! a day added, renamed or removed at a time, or a year imported from a CSV file — and the
//! warning that it runs out (`calendar::warning`), which the console's home page shows too.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::enforcement::calendar::{self, FileProblem, ImportLine};
use crate::forms::FormState;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::web::extract::{Administrator, CsrfForm};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/holidays", web::get().to(holidays))
        .route("/manage/holidays", web::post().to(add_holiday))
        .route("/manage/holidays/import", web::post().to(import))
        .route(
            "/manage/holidays/{day}/remove",
            web::post().to(remove_holiday),
        );
}

const NOTICES: &[&str] = &["holiday-saved", "holiday-removed"];

/// `?notice=…`, and the counts of an import.
#[derive(serde::Deserialize)]
struct HolidaysQuery {
    #[serde(default)]
    notice: Option<String>,
    #[serde(default)]
    added: Option<u32>,
    #[serde(default)]
    already: Option<u32>,
}

impl HolidaysQuery {
    fn text(&self, ctx: &Ctx) -> Option<String> {
        let name = self.notice.as_deref()?;
        if name == "holidays-imported" {
            return Some(ctx.lang.t_counts(
                "notice-holidays-imported",
                &[
                    ("added", i64::from(self.added.unwrap_or(0))),
                    ("already", i64::from(self.already.unwrap_or(0))),
                ],
                &[],
            ));
        }
        NOTICES
            .contains(&name)
            .then(|| ctx.t(&format!("notice-{name}")))
    }
}

#[derive(Template)]
#[template(path = "console/holidays.html")]
struct HolidaysPage {
    ctx: Ctx,
    holidays: Vec<(chrono::NaiveDate, String)>,
    form: FormState,
    /// The import's form: the file's problem, if any.
    import_form: FormState,
    /// The lines of an imported file that have a problem.
    import_problems: Vec<ImportLine>,
    notice: Option<String>,
    covered_until: Option<chrono::NaiveDate>,
    warning: Option<String>,
}

impl HolidaysPage {

    fn long_day(&self, day: &chrono::NaiveDate) -> String {
        self.ctx.lang.format_long_date(*day)
    }

    fn weekday(&self, day: &chrono::NaiveDate) -> String {
        use chrono::Datelike;
        self.ctx
            .t(&format!("weekday-{}", day.weekday().number_from_monday()))
    }

    fn problem(&self, line: &ImportLine) -> String {
        line.problem
            .as_ref()
            .map(|p| p.message(self.ctx.lang))
            .unwrap_or_default()
    }
}

async fn holidays_page(
    ctx: Ctx,
    state: &web::Data<AppState>,
    form: FormState,
    import_form: FormState,
    import_problems: Vec<ImportLine>,
    notice: Option<String>,
) -> Result<HolidaysPage, AppError> {
    let (holidays, covered_until) = with_conn(state, |conn| {
        Ok((calendar::all(conn)?, calendar::covered_until(conn)?))
    })
    .await?;
    let today = crate::domain::working_days::hong_kong_day(crate::db::now());
    Ok(HolidaysPage {
        warning: calendar::warning(ctx.lang, covered_until, today),
        ctx,
        holidays,
        form,
        import_form,
        import_problems,
        notice,
        covered_until,
    })
}

async fn holidays(
    ctx: Ctx,
    state: web::Data<AppState>,
    _admin: Administrator,
    query: web::Query<HolidaysQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query.text(&ctx);
    let page = holidays_page(
        ctx,
        &state,
        FormState::new(),
        FormState::new(),
        Vec::new(),
        notice,
    )
    .await?;
    render(&page)
}

/// `day` (`2027-10-01`), `name`: adds a holiday, or renames the one on that day.
async fn add_holiday(
    ctx: Ctx,
    state: web::Data<AppState>,
    admin: Administrator,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let mut form = FormState::new();
    form.set("day", data.get("day"));
    form.set("name", data.get("name"));
    let day = chrono::NaiveDate::parse_from_str(data.get("day").trim(), "%Y-%m-%d").ok();
    if day.is_none() {
        form.fail(ctx.lang, "day", "error-holiday-day");
    }
    let name = data.get("name").trim().to_owned();
    let readable = crate::domain::text::readable(&name, crate::domain::text::Lines::One).is_ok();
    if name.is_empty() || name.chars().count() > calendar::NAME_MAX || !readable {
        form.fail(ctx.lang, "name", "error-holiday-name");
    }
    let Some(day) = day.filter(|_| !form.has_errors()) else {
        let page = holidays_page(ctx, &state, form, FormState::new(), Vec::new(), None).await?;
        return render_form(true, &page);
    };
    let actor = admin.actor();
    with_conn(&state, move |conn| {
        Ok(calendar::put(conn, &actor, day, &name, crate::db::now())?)
    })
    .await?;
    Ok(see_other(
        &ctx.href("/manage/holidays?notice=holiday-saved"),
    ))
}

async fn remove_holiday(
    ctx: Ctx,
    state: web::Data<AppState>,
    admin: Administrator,
    path: web::Path<(Lang, String)>,
    _data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let (_, day) = path.into_inner();
    let day =
        chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| AppError::NotFound)?;
    let actor = admin.actor();
    let removed = with_conn(&state, move |conn| {
        Ok(calendar::remove(conn, &actor, day, crate::db::now())?)
    })
    .await?;
    if !removed {
        return Err(AppError::NotFound);
    }
    Ok(see_other(
        &ctx.href("/manage/holidays?notice=holiday-removed"),
    ))
}

/// Reads the import form: the CSRF token and the file (at most `calendar::IMPORT_BYTES`).
async fn read_upload(
    multipart: actix_multipart::Multipart,
) -> Result<(String, Result<Vec<u8>, FileProblem>), AppError> {
    let (token, file) = crate::web::file_form::read(multipart, calendar::IMPORT_BYTES).await?;
    Ok((token, file.ok_or(FileProblem::TooLarge)))
}

/// `file`: a CSV file of holidays, `date,name` per line. Stored whole or not at all; the lines
/// with a problem are shown with it, in the administrator's language.
async fn import(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    admin: Administrator,
    multipart: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    let (token, file) = read_upload(multipart).await?;
    if !crate::web::csrf::verify_request(&req, &token) {
        return Err(AppError::Forbidden);
    }
    let actor = admin.actor();
    let outcome = match file.and_then(|bytes| calendar::read_import(&bytes)) {
        Err(problem) => Err(problem),
        Ok(mut lines) => Ok(with_conn(&state, move |conn| {
            let stored = calendar::import(conn, &actor, &mut lines, crate::db::now())?;
            Ok((stored, lines))
        })
        .await?),
    };
    let mut import_form = FormState::new();
    let problems = match outcome {
        Ok((Some(done), _)) => {
            return Ok(see_other(&ctx.href(&format!(
                "/manage/holidays?notice=holidays-imported&added={}&already={}",
                done.added, done.already
            ))));
        }
        Ok((None, lines)) => {
            import_form.fail(ctx.lang, "file", "error-holidays-file-lines");
            lines.into_iter().filter(|l| l.problem.is_some()).collect()
        }
        Err(problem) => {
            import_form.fail(ctx.lang, "file", problem.message_key());
            Vec::new()
        }
    };
    let page = holidays_page(ctx, &state, FormState::new(), import_form, problems, None).await?;
    render_form(true, &page)
}
