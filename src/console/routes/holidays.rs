//! `/{lang}/manage/holidays`: the holiday table working days are counted with (G.12, G.13) —
//! a day added, renamed or removed at a time, or a year imported from a CSV file — and the
//! warning that it runs out (`calendar::holidays::warning`), which the console's home page shows too.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::calendar::holidays::{self as table, FileProblem, ImportLine, NewHoliday};
use crate::forms::FormState;
use crate::state::AppState;
use crate::web::extract::{Administrator, CsrfForm, InPath};
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
    let lang = ctx.lang;
    let overview = with_conn(state, move |conn| Ok(table::overview(conn, lang)?)).await?;
    Ok(HolidaysPage {
        ctx,
        holidays: overview.holidays,
        form,
        import_form,
        import_problems,
        notice,
        covered_until: overview.covered_until,
        warning: overview.warning,
    })
}

async fn holidays(
    ctx: Ctx,
    state: web::Data<AppState>,
    _admin: Administrator,
    query: web::Query<HolidaysQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query.text(&ctx);
    let empty = FormState::new;
    render(&holidays_page(ctx, &state, empty(), empty(), Vec::new(), notice).await?)
}

/// `day` (`2027-10-01`), `name`: adds a holiday, or renames the one on that day.
async fn add_holiday(
    ctx: Ctx,
    state: web::Data<AppState>,
    admin: Administrator,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let holiday = match NewHoliday::from_form(&data, ctx.lang) {
        Ok(holiday) => holiday,
        Err(form) => {
            let page = holidays_page(ctx, &state, form, FormState::new(), Vec::new(), None);
            return render_form(true, &page.await?);
        }
    };
    let actor = admin.actor();
    with_conn(&state, move |conn| {
        let now = crate::db::now();
        Ok(table::put(conn, &actor, holiday.day, &holiday.name, now)?)
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
    InPath(day): InPath<String>,
    _data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let day =
        chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| AppError::NotFound)?;
    let actor = admin.actor();
    let removed = with_conn(&state, move |conn| {
        Ok(table::remove(conn, &actor, day, crate::db::now())?)
    })
    .await?;
    if !removed {
        return Err(AppError::NotFound);
    }
    Ok(see_other(
        &ctx.href("/manage/holidays?notice=holiday-removed"),
    ))
}

/// `file`: a CSV file of holidays, `date,name` per line (at most `IMPORT_BYTES`). Stored whole or
/// not at all; the lines with a problem are shown with it, in the administrator's language.
async fn import(
    req: HttpRequest,
    ctx: Ctx,
    state: web::Data<AppState>,
    admin: Administrator,
    multipart: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    let (token, file) = crate::web::file_form::read(multipart, table::IMPORT_BYTES).await?;
    if !crate::web::csrf::verify_request(&req, &token) {
        return Err(AppError::Forbidden);
    }
    let file = file.ok_or(FileProblem::TooLarge);
    let actor = admin.actor();
    let outcome = with_conn(&state, move |conn| {
        Ok(table::import_file(conn, &actor, file, crate::db::now())?)
    })
    .await?;
    match outcome {
        Ok(done) => Ok(see_other(&ctx.href(&format!(
            "/manage/holidays?notice=holidays-imported&added={}&already={}",
            done.added, done.already
        )))),
        Err(refused) => {
            let (import_form, problems) = refused.form(ctx.lang);
            let page = holidays_page(ctx, &state, FormState::new(), import_form, problems, None);
            render_form(true, &page.await?)
        }
    }
}
