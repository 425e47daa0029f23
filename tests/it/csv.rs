//! CSV exports (issue 20, point 14): text cells quoted, and no cell a spreadsheet would run as a
//! formula, whichever separator the spreadsheet splits the file on — the English `,` file opened
//! in a Dutch `;` locale, the Dutch `;` file in an English one, or a reader that ignores quotes.
//! Amounts stay numbers, negative ones included.

use crate::common;

use crate::common::enforcement::take;
use crate::common::money::{click, pass_locking_dates, report, secret, send};
use crate::common::{spawn_app, TestApp};

/// Order references, a reason and a channel name that carry a formula after a separator.
const INV_SEMICOLON: &str = "INV-2;=1+1";
const INV_COMMA: &str = "INV-3,=1+1";
const INV_AT: &str = "@SUM(A1)";
const INV_LINE: &str = "INV-4 +31; -cmd";
const REASON: &str = "Schade;=HYPERLINK(\"https://evil.example\"),+1";

/// The cells a spreadsheet that splits every line on `separator`, honouring no quotes, would
/// run as formulas: those starting with `=`, `+`, `@`, tab or CR, or with `-` when they are no
/// number (`-12.50` is an amount).
fn formulas_when_split_on(file: &str, separator: char) -> Vec<String> {
    let mut found = Vec::new();
    for line in file.split('\n') {
        for piece in line.split(separator) {
            let cell = piece.trim_matches(' ').trim_start_matches('"');
            let cell = cell.trim_start_matches(' ');
            let runs = match cell.chars().next() {
                Some('=' | '+' | '@' | '\t' | '\r') => true,
                Some('-') => {
                    !cell[1..].starts_with(|c: char| c.is_ascii_digit())
                        || !cell[1..]
                            .trim_end_matches('"')
                            .chars()
                            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ':' | '-' | ' '))
                }
                _ => false,
            };
            if runs {
                found.push(format!("{cell:?} in {line:?}"));
            }
        }
    }
    found
}

/// The file read by a CSV reader that honours quotes, with the file's own separator.
fn records(file: &str, separator: u8) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .from_reader(file.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

async fn get_text(app: &TestApp, client: &reqwest::Client, path: &str) -> String {
    let r = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "{path}");
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    r.text().await.unwrap()
}

/// Anna: an approved order `INV-2;=1+1` (129.95 → 9.10), pending ones with formulas in their
/// references, and a deduction of 12.50 whose reason carries formulas.
async fn anna_with_formulas(app: &TestApp) -> common::Participant {
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(app);
    let (click_id, at) = click(app, anna.channel_id).await;
    let mut approved = report(&click_id, INV_SEMICOLON, "129.95", &at);
    approved["status"] = "completed".into();
    assert_eq!(send(app, &key, &approved).await.0, 201);
    pass_locking_dates(app);
    for order in [INV_COMMA, INV_AT, INV_LINE] {
        let (status, answer) = send(app, &key, &report(&click_id, order, "10.00", &at)).await;
        assert_eq!(status, 201, "{order}: {answer}");
    }
    let boss = app.administrator("beheer@partnerlink.nl").await;
    let r = take(
        app,
        &boss,
        anna.participant_id,
        &[
            ("kind", "deduct"),
            ("clauses", "F.11.d"),
            ("clauses", "E.10.g"),
            ("reason", REASON),
            ("amount", "12,50"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    anna
}

#[tokio::test]
async fn commission_files_run_no_formula_whichever_separator_a_spreadsheet_splits_on() {
    let app = spawn_app().await;
    anna_with_formulas(&app).await;
    let browser = app.client_for("anna@example.nl").await;
    for (lang, separator) in [("en", b','), ("nl", b';')] {
        for file in ["conversions", "ledger", "payouts"] {
            let path = format!("/{lang}/account/commissions/{file}.csv");
            let body = get_text(&app, &browser, &path).await;
            for split_on in [',', ';'] {
                let formulas = formulas_when_split_on(&body, split_on);
                assert!(
                    formulas.is_empty(),
                    "{path} split on {split_on:?}: {formulas:#?}\n{body}"
                );
            }
            // Read as the file says (its separator, quotes honoured), every row has the
            // header's cells and the header is quoted text.
            let rows = records(&body, separator);
            assert!(body.starts_with('"'), "{path}: {body}");
            assert!(
                rows.iter().all(|r| r.len() == rows[0].len()),
                "{path}: {rows:?}"
            );
        }
    }

    // The references as a spreadsheet shows them: the text, defused where a cell could start.
    let en = get_text(&app, &browser, "/en/account/commissions/conversions.csv").await;
    let rows = records(&en, b',');
    let orders: Vec<&str> = rows.iter().skip(1).map(|r| r[0].as_str()).collect();
    for expected in [
        "INV-2;'=1+1",
        "INV-3,'=1+1",
        "'@SUM(A1)",
        "INV-4 +31; '-cmd",
    ] {
        assert!(orders.contains(&expected), "{expected:?} in {orders:?}");
    }
    // Text quoted, amounts and dates as they are.
    let line = en
        .lines()
        .find(|l| l.starts_with("\"INV-2;"))
        .expect("the approved order's line");
    assert!(
        line.starts_with("\"INV-2;'=1+1\",20") && line.contains(",129.95,0.00,9.10,\""),
        "{line}"
    );
    let nl = get_text(&app, &browser, "/nl/account/commissions/conversions.csv").await;
    let line = nl
        .lines()
        .find(|l| l.starts_with("\"INV-2;"))
        .expect("the approved order's line");
    assert!(
        line.starts_with("\"INV-2;'=1+1\";20") && line.contains(";129,95;0,00;9,10;\""),
        "{line}"
    );
}

#[tokio::test]
async fn negative_amounts_stay_numbers_in_both_languages() {
    let app = spawn_app().await;
    anna_with_formulas(&app).await;
    let browser = app.client_for("anna@example.nl").await;
    let en = get_text(&app, &browser, "/en/account/commissions/ledger.csv").await;
    let rows = records(&en, b',');
    let deduction = rows
        .iter()
        .find(|r| r[3] == "-12.50")
        .unwrap_or_else(|| panic!("a deduction of -12.50: {en}"));
    // The amount and the balance after it are unquoted numbers.
    assert_eq!(deduction[4], "-3.40");
    let line = en
        .lines()
        .find(|l| l.ends_with(",-12.50,-3.40"))
        .unwrap_or_else(|| panic!("the deduction's line: {en}"));
    // Date, then the entry's kind and reason as quoted text, then the numbers.
    assert!(line.contains(",\"") && line.contains("\",-12.50"), "{line}");
    let nl = get_text(&app, &browser, "/nl/account/commissions/ledger.csv").await;
    assert!(nl.contains("\";-12,50;-3,40\n"), "{nl}");
    let rows = records(&nl, b';');
    assert!(rows.iter().any(|r| r[3] == "-12,50"), "{nl}");
}

#[tokio::test]
async fn statistics_and_audit_files_run_no_formula_in_either_language() {
    let app = spawn_app().await;
    let anna = anna_with_formulas(&app).await;
    app.sql(&format!(
        "UPDATE channels SET name = 'Koopjes;=1+1,@SUM(A1)' WHERE id = {}",
        anna.channel_id
    ));
    let browser = app.client_for("anna@example.nl").await;
    let boss = app.client_for("beheer@partnerlink.nl").await;
    for (lang, separator) in [("en", b','), ("nl", b';')] {
        let stats = get_text(
            &app,
            &browser,
            &format!("/{lang}/account/statistics.csv?group=channel"),
        )
        .await;
        let audit = get_text(&app, &boss, &format!("/{lang}/manage/audit.csv")).await;
        for (name, body) in [("statistics", &stats), ("audit", &audit)] {
            for split_on in [',', ';'] {
                let formulas = formulas_when_split_on(body, split_on);
                assert!(
                    formulas.is_empty(),
                    "{lang} {name} split on {split_on:?}: {formulas:#?}\n{body}"
                );
            }
        }
        // Each language's file has its own separator; counts stay numbers.
        let rows = records(&stats, separator);
        assert_eq!(rows[1][0], "Koopjes;'=1+1,'@SUM(A1)", "{stats}");
        assert_eq!(&rows[1][1..], ["1", "0", "1"], "{stats}");
        let sep = char::from(separator);
        assert!(
            stats.contains(&format!("\"{sep}1{sep}0{sep}1\n")),
            "{stats}"
        );
        let rows = records(&audit, separator);
        let measure = rows
            .iter()
            .find(|r| r[3] == "measure_taken")
            .unwrap_or_else(|| panic!("the measure's line: {audit}"));
        assert!(measure[7].contains("Schade;'=HYPERLINK"), "{measure:?}");
        assert_eq!(measure[5], anna.participant_id.to_string());
    }
}
