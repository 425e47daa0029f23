//! `/{lang}/manage/holidays`: the holiday table working days are counted with (G.12, G.13) —
//! a day added, renamed or removed at a time, or a year imported from a CSV file — and the
//! warning that it runs out (`calendar::holidays::warning`), which the console's home page shows too.

use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;

use crate::calendar::holidays::{self as table, FileProblem, ImportLine, NewHoliday, Overview};
use crate::console::handler::{Console, FormPage};
use crate::db::AnyConnection;
use crate::forms::FormState;
use crate::i18n::Lang;
use crate::web::extract::{Administrator, CsrfForm, InPath, Manager};
use crate::web::{render, AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage/holidays", web::get().to(holidays))
        .route("/manage/holidays", web::post().to(add_holiday))
        .route("/manage/holidays/import", web::post().to(import))
        .route(
            "/manage/holidays/{day}/remove",
            web::post().to(remove_holiday),
        );
}

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
        HolidaysPage::NOTICES
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

/// The page's two forms: a day's, and the import's with the lines of the file that have a
/// problem.
#[derive(Default)]
struct HolidayForms {
    day: FormState,
    import: FormState,
    problems: Vec<ImportLine>,
}

impl FormPage for HolidaysPage {
    const PATH: &'static str = "/manage/holidays";
    const NOTICES: &'static [&'static str] = &["holiday-saved", "holiday-removed"];
    type Seat = Administrator;
    type Data = Overview;
    type Forms = HolidayForms;

    fn load(conn: &mut AnyConnection, lang: Lang) -> diesel::QueryResult<Overview> {
        table::overview(conn, lang)
    }

    fn build(
        ctx: Ctx,
        _: &Manager,
        data: Overview,
        forms: HolidayForms,
        notice: Option<String>,
    ) -> Self {
        HolidaysPage {
            ctx,
            holidays: data.holidays,
            form: forms.day,
            import_form: forms.import,
            import_problems: forms.problems,
            notice,
            covered_until: data.covered_until,
            warning: data.warning,
        }
    }
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

async fn holidays(
    console: Console<Administrator>,
    query: web::Query<HolidaysQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query.text(&console.ctx);
    render(
        &console
            .page::<HolidaysPage>(HolidayForms::default(), notice)
            .await?,
    )
}

/// `day` (`2027-10-01`), `name`: adds a holiday, or renames the one on that day.
async fn add_holiday(
    console: Console<Administrator>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let holiday = match NewHoliday::from_form(&data, console.lang()) {
        Ok(holiday) => holiday,
        Err(day) => {
            let forms = HolidayForms {
                day,
                ..HolidayForms::default()
            };
            return console.refuse::<HolidaysPage>(forms).await;
        }
    };
    console
        .write(move |conn, actor, now| table::put(conn, actor, holiday.day, &holiday.name, now))
        .await?;
    Ok(console.done::<HolidaysPage>("holiday-saved"))
}

async fn remove_holiday(
    console: Console<Administrator>,
    InPath(day): InPath<String>,
    _data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let day =
        chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| AppError::NotFound)?;
    let removed = console
        .write(move |conn, actor, now| table::remove(conn, actor, day, now))
        .await?;
    if !removed {
        return Err(AppError::NotFound);
    }
    Ok(console.done::<HolidaysPage>("holiday-removed"))
}

/// `file`: a CSV file of holidays, `date,name` per line (at most `IMPORT_BYTES`). Stored whole or
/// not at all; the lines with a problem are shown with it, in the administrator's language.
async fn import(
    req: HttpRequest,
    console: Console<Administrator>,
    multipart: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    let (token, file) = crate::web::file_form::read(multipart, table::IMPORT_BYTES).await?;
    if !crate::web::csrf::verify_request(&req, &token) {
        return Err(AppError::Forbidden);
    }
    let file = file.ok_or(FileProblem::TooLarge);
    let outcome = console
        .write(move |conn, actor, now| table::import_file(conn, actor, file, now))
        .await?;
    match outcome {
        Ok(done) => Ok(console.back(&format!(
            "/manage/holidays?notice=holidays-imported&added={}&already={}",
            done.added, done.already
        ))),
        Err(refused) => {
            let (import, problems) = refused.form(console.lang());
            let forms = HolidayForms {
                import,
                problems,
                ..HolidayForms::default()
            };
            console.refuse::<HolidaysPage>(forms).await
        }
    }
}
