//! The CSV import of conversions by an account manager: the API's fields as columns, with a
//! header row. Every line is checked before anything is stored; a file with any problem stores
//! nothing, and the same file twice stores nothing new (orders are idempotent).

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::intake::{self, IntakeError, Outcome};
use super::report::{Problem, RawReport, Report};
use super::states::EventSource;
use crate::db::AnyConnection;

/// An import file is at most this large (about 2,000 lines).
pub const FILE_LIMIT: usize = 256 * 1024;
pub const LINES_MAX: usize = 5000;

pub const COLUMNS: &[&str] = &[
    "programme",
    "click_id",
    "order_ref",
    "order_amount",
    "currency",
    "commission_group",
    "coupon_redeemed",
    "status",
    "returned_amount",
    "occurred_at",
];

/// A problem with the file as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    Empty,
    TooLarge,
    NotText,
    /// A required column is missing from the header row (its name).
    MissingColumn(&'static str),
    TooManyLines,
}

impl FileProblem {
    pub fn message_key(self) -> &'static str {
        match self {
            FileProblem::Empty => "error-import-empty",
            FileProblem::TooLarge => "error-import-too-large",
            FileProblem::NotText => "error-import-not-text",
            FileProblem::MissingColumn(_) => "error-import-missing-column",
            FileProblem::TooManyLines => "error-import-too-many-lines",
        }
    }
}

/// One line of the file, as read, with its problems (none: it can be stored).
#[derive(Debug, Clone)]
pub struct ImportLine {
    /// The line number in the file (the header is line 1).
    pub number: usize,
    pub order_ref: String,
    pub order_amount: String,
    pub status: String,
    pub problems: Vec<Problem>,
    pub report: Option<Report>,
}

fn coupon(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" | "" => Some(false),
        _ => None,
    }
}

/// Reads the file and checks each line's fields (nothing from the database yet).
pub fn read(bytes: &[u8], now: NaiveDateTime) -> Result<Vec<ImportLine>, FileProblem> {
    if bytes.len() > FILE_LIMIT {
        return Err(FileProblem::TooLarge);
    }
    let text = std::str::from_utf8(bytes).map_err(|_| FileProblem::NotText)?;
    // A NUL is no text a spreadsheet writes (and PostgreSQL refuses it in any query).
    if text.contains('\0') {
        return Err(FileProblem::NotText);
    }
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(FileProblem::Empty);
    }
    // Spreadsheets in Dutch write `;` between cells.
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if first_line.contains(';') && !first_line.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|_| FileProblem::NotText)?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let position: HashMap<&str, usize> = COLUMNS
        .iter()
        .filter_map(|c| headers.iter().position(|h| h == c).map(|p| (*c, p)))
        .collect();
    if let Some(missing) = COLUMNS
        .iter()
        .find(|c| **c != "returned_amount" && !position.contains_key(**c))
    {
        return Err(FileProblem::MissingColumn(missing));
    }
    let mut lines = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (index, record) in reader.records().enumerate() {
        if index >= LINES_MAX {
            return Err(FileProblem::TooManyLines);
        }
        let record = record.map_err(|_| FileProblem::NotText)?;
        // The line in the file as an editor shows it (blank lines are skipped, not counted out).
        // (The csv reader's own line count leaves blank lines out.)
        let number = record
            .position()
            .map(|p| {
                // The position is where the reader began looking: before any blank lines.
                let bytes = text.as_bytes();
                let mut start = (p.byte() as usize).min(bytes.len());
                while start < bytes.len() && (bytes[start] == b'\n' || bytes[start] == b'\r') {
                    start += 1;
                }
                bytes[..start].iter().filter(|b| **b == b'\n').count() + 1
            })
            .unwrap_or(index + 2);
        let cell = |name: &str| {
            position
                .get(name)
                .and_then(|p| record.get(*p))
                .unwrap_or("")
                .to_owned()
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut problems = Vec::new();
        let coupon_redeemed = coupon(&cell("coupon_redeemed")).unwrap_or_else(|| {
            problems.push(Problem::new("coupon_redeemed", "error-import-coupon"));
            false
        });
        let raw = RawReport {
            programme: cell("programme"),
            click_id: cell("click_id"),
            order_ref: cell("order_ref"),
            order_amount: cell("order_amount"),
            currency: cell("currency"),
            commission_group: cell("commission_group"),
            coupon_redeemed,
            status: cell("status"),
            returned_amount: Some(cell("returned_amount")).filter(|t| !t.trim().is_empty()),
            occurred_at: cell("occurred_at"),
        };
        let key = format!("{}\u{0}{}", raw.programme.trim(), raw.order_ref.trim());
        if let Some(first) = seen.insert(key, number) {
            let _ = first;
            problems.push(Problem::new("order_ref", "error-import-duplicate"));
        }
        let report = match raw.check(now) {
            Ok(report) if problems.is_empty() => Some(report),
            Ok(_) => None,
            Err(mut found) => {
                problems.append(&mut found);
                None
            }
        };
        lines.push(ImportLine {
            number,
            order_ref: raw.order_ref.clone(),
            order_amount: raw.order_amount.clone(),
            status: raw.status.clone(),
            problems,
            report,
        });
    }
    if lines.is_empty() {
        return Err(FileProblem::Empty);
    }
    Ok(lines)
}

/// What storing the file did, or would do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// Checks the lines against the database by storing them in a transaction that is then rolled
/// back (`store: false`: the preview), or kept (`store: true`: the confirmation). Any problem
/// rolls everything back: a file with an error stores nothing.
pub fn run(
    conn: &mut AnyConnection,
    lines: &mut [ImportLine],
    store: bool,
    now: NaiveDateTime,
) -> Result<Option<Counts>, diesel::result::Error> {
    #[derive(Debug)]
    enum Stop {
        Problems,
        Preview(Counts),
        Db(diesel::result::Error),
    }
    impl From<diesel::result::Error> for Stop {
        fn from(e: diesel::result::Error) -> Stop {
            Stop::Db(e)
        }
    }
    let outcome = crate::db::write_transaction(conn, |conn| -> Result<Counts, Stop> {
        let mut counts = Counts::default();
        let mut failed = false;
        for line in lines.iter_mut() {
            let Some(report) = &line.report else {
                failed = true;
                continue;
            };
            // A savepoint per line, so one refused line does not end the checks of the others.
            let result = crate::db::write_transaction(conn, |conn| {
                intake::record(conn, report, EventSource::Import, now)
            });
            match result {
                Ok(recorded) => match recorded.outcome {
                    Outcome::Created => counts.created += 1,
                    Outcome::Updated => counts.updated += 1,
                    Outcome::Repeated => counts.unchanged += 1,
                },
                Err(IntakeError::UnknownProgramme) => {
                    failed = true;
                    line.problems.push(Problem::new(
                        "programme",
                        "error-conversion-unknown-programme",
                    ));
                }
                Err(IntakeError::Problems(mut found)) => {
                    failed = true;
                    line.problems.append(&mut found);
                }
                Err(IntakeError::Db(e)) => return Err(Stop::Db(e)),
            }
        }
        if failed {
            Err(Stop::Problems)
        } else if store {
            Ok(counts)
        } else {
            Err(Stop::Preview(counts))
        }
    });
    match outcome {
        Ok(counts) => Ok(Some(counts)),
        Err(Stop::Preview(counts)) => Ok(Some(counts)),
        Err(Stop::Problems) => Ok(None),
        Err(Stop::Db(e)) => Err(e),
    }
}

pub const PROBLEM_KEYS: &[&str] = &[
    "error-import-empty",
    "error-import-too-large",
    "error-import-not-text",
    "error-import-missing-column",
    "error-import-too-many-lines",
    "error-import-coupon",
    "error-import-duplicate",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        chrono::DateTime::parse_from_rfc3339("2026-11-29T15:00:00Z")
            .unwrap()
            .naive_utc()
    }

    const HEADER: &str = "programme,click_id,order_ref,order_amount,currency,commission_group,coupon_redeemed,status,returned_amount,occurred_at\n";

    #[test]
    fn every_line_is_read_with_its_problems() {
        let file = format!(
            "{HEADER}aliexpress,abc,AE-1,129.95,EUR,sales,false,completed,,2026-11-29T14:03:00Z\n\
             aliexpress,abc,AE-2,12;95,EUR,sales,maybe,shipped,,2026-11-29T14:03:00Z\n\
             \n\
             aliexpress,abc,AE-1,1.00,EUR,sales,no,pending,,2026-11-29T14:03:00Z\n"
        );
        let lines = read(file.as_bytes(), now()).unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].number, 2);
        assert!(lines[0].problems.is_empty() && lines[0].report.is_some());
        let fields: Vec<&str> = lines[1].problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["coupon_redeemed", "order_amount", "status"]);
        assert_eq!(lines[2].number, 5);
        assert_eq!(lines[2].problems[0].key, "error-import-duplicate");
    }

    #[test]
    fn a_dutch_spreadsheet_with_semicolons_is_read_too() {
        let file = HEADER.replace(',', ";")
            + "aliexpress;abc;AE-1;129.95;EUR;sales;0;pending;;2026-11-29T14:03:00Z\n";
        let lines = read(file.as_bytes(), now()).unwrap();
        assert!(lines[0].report.is_some(), "{:?}", lines[0].problems);
    }

    #[test]
    fn files_that_are_not_an_import_are_refused() {
        assert_eq!(read(b"", now()).unwrap_err(), FileProblem::Empty);
        assert_eq!(
            read(HEADER.as_bytes(), now()).unwrap_err(),
            FileProblem::Empty
        );
        assert_eq!(
            read(b"programme,order_ref\naliexpress,AE-1\n", now()).unwrap_err(),
            FileProblem::MissingColumn("click_id")
        );
        assert_eq!(
            read(&[0xff, 0xfe, 0x00], now()).unwrap_err(),
            FileProblem::NotText
        );
        assert_eq!(
            read(&vec![b'a'; FILE_LIMIT + 1], now()).unwrap_err(),
            FileProblem::TooLarge
        );
    }

    #[test]
    fn every_problem_has_its_own_message() {
        crate::i18n::assert_distinct_messages(PROBLEM_KEYS);
    }
}
