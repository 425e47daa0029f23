//! The holiday table behind working days (G.13): seeded with the Hong Kong general holidays
//! 2026–2027 by the migration, kept up to date by administrators — one day at a time, or a
//! year at once from a CSV file (`date,name` per line). The table covers the years it has
//! holidays in; 90 days before the last of them ends, the console warns administrators, since
//! after that every weekday would count as a working day.

use chrono::{Datelike, NaiveDate};
use diesel::prelude::*;
use serde_json::json;

use super::working_days::Calendar;
use crate::audit::{self, action, Actor};
use crate::db::schema::holidays;
use crate::db::AnyConnection;
use crate::domain::text::NotText;
use crate::forms::{FormData, FormState};
use crate::i18n::Lang;

pub fn load(conn: &mut AnyConnection) -> QueryResult<Calendar> {
    let days: Vec<NaiveDate> = holidays::table.select(holidays::day).load(conn)?;
    Ok(Calendar::new(days))
}

/// The console warns this many days before the holiday table runs out.
pub const WARN_DAYS: i64 = 90;

/// The last day the table covers: 31 December of the last year it has a holiday in (`None` when
/// it is empty).
pub fn covered_until(conn: &mut AnyConnection) -> QueryResult<Option<NaiveDate>> {
    let last: Option<NaiveDate> = holidays::table
        .select(diesel::dsl::max(holidays::day))
        .first(conn)?;
    Ok(last.and_then(|d| NaiveDate::from_ymd_opt(d.year(), 12, 31)))
}

/// Whether the table needs the next year: it runs out within `WARN_DAYS` of `today` (Hong
/// Kong's), has run out, or is empty.
pub fn runs_out_soon(covered_until: Option<NaiveDate>, today: NaiveDate) -> bool {
    covered_until.is_none_or(|last| (last - today).num_days() <= WARN_DAYS)
}

/// The warning an administrator sees on the console while `runs_out_soon`, in `lang`.
pub fn warning(lang: Lang, covered_until: Option<NaiveDate>, today: NaiveDate) -> Option<String> {
    if !runs_out_soon(covered_until, today) {
        return None;
    }
    Some(match covered_until {
        None => lang.t("holidays-warning-empty"),
        Some(last) => {
            let args = [
                ("date", lang.format_long_date(last)),
                ("year", (last.year() + 1).to_string()),
            ];
            let key = if last < today {
                "holidays-warning-past"
            } else {
                "holidays-warning-soon"
            };
            lang.t_args(key, &args)
        }
    })
}

/// Longest CSV file of holidays, and most lines (a year has some twenty).
pub const IMPORT_BYTES: usize = 64 * 1024;
pub const IMPORT_LINES: usize = 400;
/// Longest holiday name.
pub const NAME_MAX: usize = 100;

/// Why a CSV file of holidays cannot be read at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    Empty,
    TooLarge,
    NotText,
    TooManyLines,
}

impl FileProblem {
    pub fn message_key(self) -> &'static str {
        match self {
            FileProblem::Empty => "error-holidays-file-empty",
            FileProblem::TooLarge => "error-holidays-file-too-large",
            FileProblem::NotText => "error-holidays-file-not-text",
            FileProblem::TooManyLines => "error-holidays-file-too-many-lines",
        }
    }
}

/// What is wrong with one line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineProblem {
    /// Not two fields, `date,name`.
    Fields,
    Date,
    Name,
    /// The same date earlier in the file (its line).
    Repeated(usize),
    /// The table has a holiday of another name on that date.
    OtherName(String),
}

impl LineProblem {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            LineProblem::Fields => lang.t("error-holidays-line-fields"),
            LineProblem::Date => lang.t("error-holidays-line-date"),
            LineProblem::Name => lang.t("error-holidays-line-name"),
            LineProblem::Repeated(line) => lang.t_args(
                "error-holidays-line-repeated",
                &[("line", line.to_string())],
            ),
            LineProblem::OtherName(name) => {
                lang.t_args("error-holidays-line-other-name", &[("name", name.clone())])
            }
        }
    }
}

/// A line of the file: its number (from 1, as an editor counts), what it says, and its problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportLine {
    pub number: usize,
    pub text: String,
    pub day: Option<NaiveDate>,
    pub name: String,
    pub problem: Option<LineProblem>,
}

/// Reads a CSV file of holidays: `date,name` per line (`2028-01-01,The first day of January`), an
/// optional header line `date,name`, blank lines ignored, names with a comma in double quotes.
/// Every line is checked on its own and against the lines before it; nothing is stored.
pub fn read_import(bytes: &[u8]) -> Result<Vec<ImportLine>, FileProblem> {
    let text = crate::domain::text::uploaded(bytes, IMPORT_BYTES).map_err(|e| match e {
        NotText::TooLarge => FileProblem::TooLarge,
        NotText::Binary => FileProblem::NotText,
    })?;
    let mut lines: Vec<ImportLine> = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            continue;
        }
        if lines.is_empty() && raw.trim().eq_ignore_ascii_case("date,name") {
            continue;
        }
        if lines.len() == IMPORT_LINES {
            return Err(FileProblem::TooManyLines);
        }
        lines.push(read_line(index + 1, raw, &lines));
    }
    if lines.is_empty() {
        return Err(FileProblem::Empty);
    }
    Ok(lines)
}

fn read_line(number: usize, raw: &str, before: &[ImportLine]) -> ImportLine {
    let mut line = ImportLine {
        number,
        text: raw.to_owned(),
        day: None,
        name: String::new(),
        problem: None,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(raw.as_bytes());
    let fields: Vec<String> = match reader.records().next() {
        Some(Ok(record)) => record.iter().map(|f| f.trim().to_owned()).collect(),
        _ => Vec::new(),
    };
    if fields.len() != 2 {
        line.problem = Some(LineProblem::Fields);
        return line;
    }
    line.name = fields[1].clone();
    line.day = NaiveDate::parse_from_str(&fields[0], "%Y-%m-%d").ok();
    let readable = crate::domain::text::readable(&line.name, crate::domain::text::Lines::One);
    line.problem = match line.day {
        None => Some(LineProblem::Date),
        Some(_) if line.name.is_empty() || line.name.chars().count() > NAME_MAX => {
            Some(LineProblem::Name)
        }
        Some(_) if readable.is_err() => Some(LineProblem::Name),
        Some(day) => before
            .iter()
            .find(|b| b.day == Some(day))
            .map(|b| LineProblem::Repeated(b.number)),
    };
    line
}

/// How an import went: how many holidays were added and how many the table had already.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub added: usize,
    pub already: usize,
}

/// Stores the lines of a file `read_import` read, all or none: a line with a problem, or a date
/// the table has under another name, stores nothing and comes back with its problem. A date the
/// table has under the same name is left as it is, so importing a file twice changes nothing.
/// Each holiday added has its audit line.
pub fn import(
    conn: &mut AnyConnection,
    actor: &Actor,
    lines: &mut [ImportLine],
    now: chrono::NaiveDateTime,
) -> QueryResult<Option<Imported>> {
    crate::db::write_transaction(conn, |conn| {
        let days: Vec<NaiveDate> = lines.iter().filter_map(|l| l.day).collect();
        let known: Vec<(NaiveDate, String)> = holidays::table
            .filter(holidays::day.eq_any(&days))
            .select((holidays::day, holidays::name))
            .load(conn)?;
        let mut imported = Imported {
            added: 0,
            already: 0,
        };
        for line in lines.iter_mut().filter(|l| l.problem.is_none()) {
            match known.iter().find(|(d, _)| Some(*d) == line.day) {
                Some((_, name)) if *name == line.name => imported.already += 1,
                Some((_, name)) => line.problem = Some(LineProblem::OtherName(name.clone())),
                None => imported.added += 1,
            }
        }
        if lines.iter().any(|l| l.problem.is_some()) {
            return Ok(None);
        }
        let known_days: Vec<NaiveDate> = known.iter().map(|(d, _)| *d).collect();
        for line in lines.iter() {
            let Some(day) = line.day.filter(|d| !known_days.contains(d)) else {
                continue;
            };
            diesel::insert_into(holidays::table)
                .values((holidays::day.eq(day), holidays::name.eq(&line.name)))
                .execute(conn)?;
            let entry = audit::Entry::new(action::HOLIDAY_CHANGED, format!("holiday {day}"))
                .before(json!({ "name": null }))
                .after(json!({ "name": line.name, "imported": true }));
            audit::record(conn, actor, entry, now)?;
        }
        Ok(Some(imported))
    })
}

/// Every holiday, in date order.
pub fn all(conn: &mut AnyConnection) -> QueryResult<Vec<(NaiveDate, String)>> {
    holidays::table
        .order(holidays::day)
        .select((holidays::day, holidays::name))
        .load(conn)
}

/// Adds a holiday (or renames the one on that day).
pub fn put(
    conn: &mut AnyConnection,
    actor: &Actor,
    day: NaiveDate,
    name: &str,
    now: chrono::NaiveDateTime,
) -> QueryResult<()> {
    crate::db::write_transaction(conn, |conn| {
        let before = name_on(conn, day)?;
        if before.is_some() {
            diesel::update(holidays::table.find(day))
                .set(holidays::name.eq(name))
                .execute(conn)?;
        } else {
            diesel::insert_into(holidays::table)
                .values((holidays::day.eq(day), holidays::name.eq(name)))
                .execute(conn)?;
        }
        audit_change(conn, actor, day, (before.as_deref(), Some(name)), now)
    })
}

/// Removes the holiday on `day`; false when there was none.
pub fn remove(
    conn: &mut AnyConnection,
    actor: &Actor,
    day: NaiveDate,
    now: chrono::NaiveDateTime,
) -> QueryResult<bool> {
    crate::db::write_transaction(conn, |conn| {
        let Some(before) = name_on(conn, day)? else {
            return Ok(false);
        };
        diesel::delete(holidays::table.find(day)).execute(conn)?;
        audit_change(conn, actor, day, (Some(&before), None), now)?;
        Ok(true)
    })
}

/// The name of the holiday on `day`, if there is one.
fn name_on(conn: &mut AnyConnection, day: NaiveDate) -> QueryResult<Option<String>> {
    holidays::table
        .find(day)
        .select(holidays::name)
        .first(conn)
        .optional()
}

/// The audit line of a change of the holiday on `day`: its name before and after (none: no
/// holiday).
fn audit_change(
    conn: &mut AnyConnection,
    actor: &Actor,
    day: NaiveDate,
    (before, after): (Option<&str>, Option<&str>),
    now: chrono::NaiveDateTime,
) -> QueryResult<()> {
    let entry = audit::Entry::new(action::HOLIDAY_CHANGED, format!("holiday {day}"))
        .before(json!({ "name": before }))
        .after(json!({ "name": after }));
    audit::record(conn, actor, entry, now)
}

/// What the console's holidays page shows: every holiday, the last day the table covers, and
/// the warning while it runs out soon.
pub struct Overview {
    pub holidays: Vec<(NaiveDate, String)>,
    pub covered_until: Option<NaiveDate>,
    pub warning: Option<String>,
}

pub fn overview(conn: &mut AnyConnection, lang: Lang) -> QueryResult<Overview> {
    let covered_until = covered_until(conn)?;
    Ok(Overview {
        holidays: all(conn)?,
        covered_until,
        warning: warning(lang, covered_until, super::working_days::today()),
    })
}

/// A holiday as an administrator types it: `day` (`2027-10-01`) and `name`.
pub struct NewHoliday {
    pub day: NaiveDate,
    pub name: String,
}

impl NewHoliday {
    /// Reads the form; the form with its errors (and what was typed) otherwise.
    pub fn from_form(data: &FormData, lang: Lang) -> Result<NewHoliday, FormState> {
        let mut form = FormState::new();
        form.set("day", data.get("day"));
        form.set("name", data.get("name"));
        let day = NaiveDate::parse_from_str(data.get("day").trim(), "%Y-%m-%d").ok();
        if day.is_none() {
            form.fail(lang, "day", "error-holiday-day");
        }
        let name = data.get("name").trim().to_owned();
        let readable = crate::domain::text::readable(&name, crate::domain::text::Lines::One);
        if name.is_empty() || name.chars().count() > NAME_MAX || readable.is_err() {
            form.fail(lang, "name", "error-holiday-name");
        }
        match day {
            Some(day) if !form.has_errors() => Ok(NewHoliday { day, name }),
            _ => Err(form),
        }
    }
}

/// Why an uploaded file of holidays was not stored: the file (`FileProblem`) or some of its
/// lines (only those, with their problems).
pub enum Refused {
    File(FileProblem),
    Lines(Vec<ImportLine>),
}

impl Refused {
    /// The import form with its message, and the lines to show under it.
    pub fn form(self, lang: Lang) -> (FormState, Vec<ImportLine>) {
        let mut form = FormState::new();
        match self {
            Refused::File(problem) => {
                form.fail(lang, "file", problem.message_key());
                (form, Vec::new())
            }
            Refused::Lines(lines) => {
                form.fail(lang, "file", "error-holidays-file-lines");
                (form, lines)
            }
        }
    }
}

/// Reads an uploaded file (`read_import`) and stores it whole or not at all (`import`).
pub fn import_file(
    conn: &mut AnyConnection,
    actor: &Actor,
    file: Result<Vec<u8>, FileProblem>,
    now: chrono::NaiveDateTime,
) -> QueryResult<Result<Imported, Refused>> {
    let mut lines = match file.and_then(|bytes| read_import(&bytes)) {
        Ok(lines) => lines,
        Err(problem) => return Ok(Err(Refused::File(problem))),
    };
    Ok(match import(conn, actor, &mut lines, now)? {
        Some(done) => Ok(done),
        None => Err(Refused::Lines(
            lines.into_iter().filter(|l| l.problem.is_some()).collect(),
        )),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_warning_comes_ninety_days_before_the_table_runs_out() {
        let end = Some(day("2027-12-31"));
        assert!(!runs_out_soon(end, day("2027-10-01")), "91 days left");
        assert!(runs_out_soon(end, day("2027-10-02")), "90 days left");
        assert!(runs_out_soon(end, day("2028-01-05")), "run out");
        assert!(runs_out_soon(None, day("2027-01-01")), "no table at all");
        for lang in crate::i18n::Lang::ALL {
            assert_eq!(warning(lang, end, day("2027-10-01")), None);
        }
        assert_eq!(
            warning(crate::i18n::Lang::En, end, day("2027-10-02")).unwrap(),
            "The holiday table ends on 31 December 2027. Import the Hong Kong holidays of 2028 \
             before then: after that day, every weekday counts as a working day."
        );
        assert_eq!(
            warning(crate::i18n::Lang::Nl, end, day("2028-01-05")).unwrap(),
            "De feestdagentabel liep tot en met 31 december 2027. Importeer de Hongkongse \
             feestdagen van 2028: tot dan telt elke doordeweekse dag als werkdag."
        );
    }

    #[test]
    fn a_file_is_read_line_by_line_with_a_problem_per_line() {
        let file = "\u{feff}date,name\n\
                    2028-01-01,The first day of January\r\n\
                    \n\
                    2028-02-30,Nothing\n\
                    2028-04-04,\"Ching Ming Festival, observed\"\n\
                    2028-01-01,Again\n\
                    2028-05-01\n\
                    2028-05-02,\n\
                    2028-05-03,Tab\tin name\n";
        let lines = read_import(file.as_bytes()).unwrap();
        let found: Vec<(usize, Option<LineProblem>)> = lines
            .iter()
            .map(|l| (l.number, l.problem.clone()))
            .collect();
        assert_eq!(
            found,
            [
                (2, None),
                (4, Some(LineProblem::Date)),
                (5, None),
                (6, Some(LineProblem::Repeated(2))),
                (7, Some(LineProblem::Fields)),
                (8, Some(LineProblem::Name)),
                (9, Some(LineProblem::Name)),
            ]
        );
        assert_eq!(lines[2].name, "Ching Ming Festival, observed");
        assert_eq!(read_import(b""), Err(FileProblem::Empty));
        assert_eq!(read_import(b"date,name\n\n"), Err(FileProblem::Empty));
        assert_eq!(read_import(b"\xff\xfe2"), Err(FileProblem::NotText));
        let long = "2028-01-01,x\n".repeat(IMPORT_LINES + 1);
        assert_eq!(read_import(long.as_bytes()), Err(FileProblem::TooManyLines));
        assert_eq!(
            read_import(&vec![b'a'; IMPORT_BYTES + 1]),
            Err(FileProblem::TooLarge)
        );
        for lang in crate::i18n::Lang::ALL {
            let messages: std::collections::HashSet<String> = [
                LineProblem::Fields,
                LineProblem::Date,
                LineProblem::Name,
                LineProblem::Repeated(2),
                LineProblem::OtherName("x".into()),
            ]
            .iter()
            .map(|p| p.message(lang))
            .collect();
            assert_eq!(messages.len(), 5);
            assert!(
                messages.iter().all(|m| !m.contains("error-")),
                "{messages:?}"
            );
        }
    }
}
