//! The CSV import of conversions by an account manager: the API's fields as columns, with a
//! header row. Every line is checked before anything is stored; a file with any problem stores
//! nothing, and the same file twice stores nothing new (orders are idempotent).
//!
//! The preview only reads: the file in one pass, then the programme, its groups and the stored
//! conversions of the file's orders a few queries at a time. It never opens a write transaction,
//! so on SQLite — one writer at a time — clicks and every other writer go on while a large file
//! is checked. The confirmation stores the file through the intake in one transaction, which
//! checks every line again: what changed since the preview is found there.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::commissions::Commission;
use super::conversions::Conversion;
use super::intake::{self, IntakeError, Outcome};
use super::report::{Detail, Problem, RawReport, Report, LOCKED};
use super::states::{CommissionKind, CommissionState, EnteredBy};
use crate::db::ids::{CommissionGroupId, ConversionId};
use crate::db::schema::{commission_groups, commissions, conversions};
use crate::db::AnyConnection;
use crate::domain::text::NotText;

/// An import file is at most this large (10,000 lines of the API's fields take about 1 MB).
pub const FILE_LIMIT: usize = 2 * 1024 * 1024;
pub const LINES_MAX: usize = 10_000;

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
    "coupon_codes",
    "in_stock",
];

/// The columns a file may leave out: each is optional in the API too.
const OPTIONAL_COLUMNS: &[&str] = &["returned_amount", "coupon_codes", "in_stock"];

/// Coupon codes in one cell, between vertical bars (`SUMMER10|WELKOM5`): a comma or semicolon
/// separates the cells themselves.
pub const COUPON_SEPARATOR: char = '|';

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

/// The line numbers of a file as an editor shows them, counted as the reader goes: each record
/// costs the bytes since the one before, so the file is counted once however long it is. (The
/// csv reader's own line count leaves blank lines out.)
struct LineNumbers<'a> {
    bytes: &'a [u8],
    /// Counted up to here: the start of the last record found.
    offset: usize,
    /// The line `offset` is on.
    line: usize,
}

impl<'a> LineNumbers<'a> {
    fn new(text: &'a str) -> LineNumbers<'a> {
        LineNumbers {
            bytes: text.as_bytes(),
            offset: 0,
            line: 1,
        }
    }

    /// The line of the record the reader found at `byte`: where it began looking, before any
    /// blank lines, so those are skipped first. Records come in the file's order.
    fn line_at(&mut self, byte: u64) -> usize {
        let bytes = self.bytes;
        let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\n' | b'\r') {
            start += 1;
        }
        if start > self.offset {
            self.line += bytes[self.offset..start]
                .iter()
                .filter(|b| **b == b'\n')
                .count();
            self.offset = start;
        }
        self.line
    }
}

fn coupon(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Some(true),
        "false" | "0" | "no" | "" => Some(false),
        _ => None,
    }
}

/// `in_stock`: empty when the file does not say; else true or false.
fn stock(text: &str) -> Result<Option<bool>, ()> {
    match text.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "true" | "1" | "yes" => Ok(Some(true)),
        "false" | "0" | "no" => Ok(Some(false)),
        _ => Err(()),
    }
}

/// The coupon codes of a cell (none when it is empty).
fn coupon_codes(text: &str) -> Option<Vec<String>> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.split(COUPON_SEPARATOR).map(str::to_owned).collect())
}

/// Reads the file and checks each line's fields (nothing from the database yet).
pub fn read(bytes: &[u8], now: NaiveDateTime) -> Result<Vec<ImportLine>, FileProblem> {
    let text = crate::domain::text::uploaded(bytes, FILE_LIMIT).map_err(|e| match e {
        NotText::TooLarge => FileProblem::TooLarge,
        NotText::Binary => FileProblem::NotText,
    })?;
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
        .find(|c| !OPTIONAL_COLUMNS.contains(c) && !position.contains_key(**c))
    {
        return Err(FileProblem::MissingColumn(missing));
    }
    let mut lines = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut numbering = LineNumbers::new(text);
    for (index, record) in reader.records().enumerate() {
        if index >= LINES_MAX {
            return Err(FileProblem::TooManyLines);
        }
        let record = record.map_err(|_| FileProblem::NotText)?;
        let number = record
            .position()
            .map(|p| numbering.line_at(p.byte()))
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
        let in_stock = stock(&cell("in_stock")).unwrap_or_else(|()| {
            problems.push(Problem::new("in_stock", "error-import-in-stock"));
            None
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
            coupon_codes: coupon_codes(&cell("coupon_codes")),
            in_stock,
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

/// What the database knows of one programme named in the file.
struct Known {
    currency: String,
    /// Commission group code → id.
    groups: HashMap<String, CommissionGroupId>,
    /// The file's orders that are stored already, by order reference.
    stored: HashMap<String, Conversion>,
}

/// How many values one `IN (…)` takes: well below SQLite's and PostgreSQL's limits.
const CHUNK: usize = 500;

fn known(conn: &mut AnyConnection, slug: &str, order_refs: &[&str]) -> QueryResult<Option<Known>> {
    let Some(terms) = intake::programme_terms(conn, slug)? else {
        return Ok(None);
    };
    let groups = commission_groups::table
        .filter(commission_groups::programme_id.eq(terms.id))
        .select((commission_groups::code, commission_groups::id))
        .load::<(String, CommissionGroupId)>(conn)?
        .into_iter()
        .collect();
    let mut stored = HashMap::new();
    for chunk in order_refs.chunks(CHUNK) {
        let found: Vec<(String, Conversion)> = conversions::table
            .filter(conversions::programme_id.eq(terms.id))
            .filter(conversions::order_ref.eq_any(chunk))
            .select((conversions::order_ref, Conversion::as_select()))
            .load(conn)?;
        stored.extend(found);
    }
    Ok(Some(Known {
        currency: terms.currency,
        groups,
        stored,
    }))
}

/// The order commissions (not returns) of `conversion_ids`, by conversion.
fn order_commissions(
    conn: &mut AnyConnection,
    conversion_ids: &[ConversionId],
) -> QueryResult<HashMap<ConversionId, Commission>> {
    let mut found = HashMap::new();
    for chunk in conversion_ids.chunks(CHUNK) {
        let rows: Vec<Commission> = commissions::table
            .filter(commissions::conversion_id.eq_any(chunk))
            .filter(commissions::kind.eq(CommissionKind::Order))
            .select(Commission::as_select())
            .load(conn)?;
        for row in rows {
            found.insert(row.conversion_id, row);
        }
    }
    Ok(found)
}

/// The locking date that refuses `report`'s change of `stored`, if it has passed: after it, only
/// a further return of an order whose commission still counts is taken (see `intake`). The
/// order's state is the one it has, or the one settling it at its date gives.
fn locked_since(
    stored: &Conversion,
    order: &Commission,
    report: &Report,
    now: NaiveDateTime,
) -> Option<NaiveDateTime> {
    if order.locks_at > now {
        return None;
    }
    let state = if order.state == CommissionState::Pending && !order.held {
        super::locking::final_state(order, stored, Some(order.state)).0
    } else {
        order.state
    };
    // The intake's own rule, so the preview foretells what the confirmation decides.
    (!intake::is_further_return(stored, report, state)).then_some(order.locks_at)
}

/// The preview: what storing `lines` would do (new, updated, unchanged), or `None` when a line
/// has a problem (added to its line). Reads only, in a few queries per programme and 500 orders,
/// and no transaction: nothing waits for it.
pub fn preview(
    conn: &mut AnyConnection,
    lines: &mut [ImportLine],
    now: NaiveDateTime,
) -> QueryResult<Option<Counts>> {
    let mut refs_by_programme: HashMap<&str, Vec<&str>> = HashMap::new();
    for report in lines.iter().filter_map(|l| l.report.as_ref()) {
        refs_by_programme
            .entry(report.programme.as_str())
            .or_default()
            .push(report.order_ref.as_str());
    }
    let mut programmes: HashMap<String, Option<Known>> = HashMap::new();
    for (slug, refs) in refs_by_programme {
        programmes.insert(slug.to_owned(), known(conn, slug, &refs)?);
    }
    let updated_ids: Vec<ConversionId> = lines
        .iter()
        .filter_map(|l| l.report.as_ref())
        .filter_map(|r| {
            let known = programmes.get(&r.programme)?.as_ref()?;
            let stored = known.stored.get(&r.order_ref)?;
            (!intake::same_report(stored, r)).then_some(stored.id)
        })
        .collect();
    let orders = order_commissions(conn, &updated_ids)?;

    let mut counts = Counts::default();
    let Ok(all_fit) = check_lines(lines, |report| {
        let Some(known) = programmes.get(&report.programme).and_then(Option::as_ref) else {
            return Ok::<_, std::convert::Infallible>(vec![unknown_programme()]);
        };
        let group_id = known.groups.get(&report.commission_group).copied();
        let mut problems = intake::misfits(report, &known.currency, group_id);
        if let (Some(group_id), true) = (group_id, problems.is_empty()) {
            let stored = known.stored.get(&report.order_ref);
            match foretell(stored, report, group_id, &orders, now) {
                Ok(outcome) => counts.add(outcome),
                Err(problem) => problems.push(problem),
            }
        }
        Ok(problems)
    });
    Ok(all_fit.then_some(counts))
}

/// What the intake will do with `report` of an order that fits its programme (`stored`: the
/// order as stored, if it is; `orders`: the order commissions of the stored orders it changes),
/// or the problem it will find.
fn foretell(
    stored: Option<&Conversion>,
    report: &Report,
    group_id: CommissionGroupId,
    orders: &HashMap<ConversionId, Commission>,
    now: NaiveDateTime,
) -> Result<Outcome, Problem> {
    let Some(stored) = stored else {
        return Ok(Outcome::Created);
    };
    if let Some(problem) = intake::changed_fact(stored, report, group_id) {
        return Err(problem);
    }
    if intake::same_report(stored, report) {
        return Ok(Outcome::Repeated);
    }
    match orders
        .get(&stored.id)
        .and_then(|order| locked_since(stored, order, report, now))
    {
        Some(at) => Err(Problem::new("status", LOCKED).with(Detail::LockedSince(at))),
        None => Ok(Outcome::Updated),
    }
}

/// Checks every line of the file with `check` (the problems it finds in a line's report are
/// added to the line; a line that could not be read has its problems already). `Ok(true)` when
/// no line has a problem; an error of `check` stops at once.
fn check_lines<E>(
    lines: &mut [ImportLine],
    mut check: impl FnMut(&Report) -> Result<Vec<Problem>, E>,
) -> Result<bool, E> {
    let mut all_fit = true;
    for line in lines.iter_mut() {
        let Some(report) = &line.report else {
            all_fit = false;
            continue;
        };
        let mut problems = check(report)?;
        if !problems.is_empty() {
            all_fit = false;
            line.problems.append(&mut problems);
        }
    }
    Ok(all_fit)
}

fn unknown_programme() -> Problem {
    Problem::new("programme", "error-conversion-unknown-programme")
}

impl Counts {
    fn add(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Created => self.created += 1,
            Outcome::Updated => self.updated += 1,
            Outcome::Repeated => self.unchanged += 1,
        }
    }
}

/// The confirmation: stores every line through the intake in one transaction, or nothing when
/// a line has a problem (added to its line; found again here, whatever the preview said).
pub fn store(
    conn: &mut AnyConnection,
    lines: &mut [ImportLine],
    entered: EnteredBy,
    now: NaiveDateTime,
) -> Result<Option<Counts>, diesel::result::Error> {
    #[derive(Debug)]
    enum Stop {
        Problems,
        Db(diesel::result::Error),
    }
    impl From<diesel::result::Error> for Stop {
        fn from(e: diesel::result::Error) -> Stop {
            Stop::Db(e)
        }
    }
    let outcome = crate::db::write_transaction(conn, |conn| -> Result<Counts, Stop> {
        let mut counts = Counts::default();
        let all_fit = check_lines(lines, |report| {
            // A savepoint per line, so one refused line does not end the checks of the others.
            let result = crate::db::write_transaction(conn, |conn| {
                intake::record(conn, report, entered, now)
            });
            match result {
                Ok(recorded) => {
                    counts.add(recorded.outcome);
                    Ok(Vec::new())
                }
                Err(IntakeError::UnknownProgramme) => Ok(vec![unknown_programme()]),
                Err(IntakeError::Problems(found)) => Ok(found),
                Err(IntakeError::Db(e)) => Err(Stop::Db(e)),
            }
        })?;
        if all_fit {
            Ok(counts)
        } else {
            Err(Stop::Problems)
        }
    });
    match outcome {
        Ok(counts) => Ok(Some(counts)),
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
    "error-import-in-stock",
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
    fn coupon_codes_and_stock_are_optional_columns() {
        let header = "programme,click_id,order_ref,order_amount,currency,commission_group,coupon_redeemed,status,returned_amount,occurred_at,coupon_codes,in_stock\n";
        let file = format!(
            "{header}aliexpress,abc,AE-1,10.00,EUR,sales,false,pending,,2026-11-29T14:03:00Z,SUMMER10|WELKOM5,false\n\
             aliexpress,abc,AE-2,10.00,EUR,sales,false,pending,,2026-11-29T14:03:00Z,,\n\
             aliexpress,abc,AE-3,10.00,EUR,sales,false,pending,,2026-11-29T14:03:00Z,SUMMER10,perhaps\n\
             aliexpress,abc,AE-4,10.00,EUR,sales,false,pending,,2026-11-29T14:03:00Z,A||B,true\n"
        );
        let lines = read(file.as_bytes(), now()).unwrap();
        let report = lines[0].report.as_ref().unwrap();
        assert_eq!(report.coupon_codes, ["SUMMER10", "WELKOM5"]);
        assert_eq!(report.in_stock, Some(false));
        let report = lines[1].report.as_ref().unwrap();
        assert!(report.coupon_codes.is_empty());
        assert_eq!(report.in_stock, None);
        let problems: Vec<_> = lines[2].problems.iter().map(|p| (p.field, p.key)).collect();
        assert_eq!(problems, [("in_stock", "error-import-in-stock")]);
        let problems: Vec<_> = lines[3].problems.iter().map(|p| (p.field, p.key)).collect();
        assert_eq!(problems, [("coupon_codes", "error-conversion-ref-empty")]);
        // Files without the new columns are read as before.
        let old = format!(
            "{HEADER}aliexpress,abc,AE-1,10.00,EUR,sales,false,pending,,2026-11-29T14:03:00Z\n"
        );
        let lines = read(old.as_bytes(), now()).unwrap();
        let report = lines[0].report.as_ref().unwrap();
        assert_eq!((report.coupon_codes.len(), report.in_stock), (0, None));
    }

    #[test]
    fn line_numbers_count_blank_lines_crlf_and_cells_over_two_lines() {
        let line = |order: &str| {
            format!("aliexpress,abc,{order},1.00,EUR,sales,false,pending,,2026-11-29T14:03:00Z")
        };
        let file = format!(
            "{}\r\n{}\r\n\r\n\r\n{}\r\n{}\n\n{}",
            HEADER.trim_end(),
            line("A-2"),
            line("A-5"),
            line("\"A-6\nA-7\""),
            line("A-9"),
        );
        let lines = read(file.as_bytes(), now()).unwrap();
        let numbers: Vec<(usize, &str)> = lines
            .iter()
            .map(|l| (l.number, l.order_ref.as_str()))
            .collect();
        assert_eq!(
            numbers,
            [(2, "A-2"), (5, "A-5"), (6, "A-6\nA-7"), (9, "A-9")]
        );
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
