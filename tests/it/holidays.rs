//! The holiday table working days are counted with (G.12, G.13; issue 22, point 5): the console
//! warns administrators 90 days before it runs out, and an administrator imports the next year
//! from a CSV file, checked line by line, stored whole or not at all.

use crate::common;

use crate::common::{spawn_app, TestApp};
use chrono::{Datelike, Days, NaiveDate};
use diesel::prelude::*;
use portal::db::schema::{audit_log, holidays};
use portal::i18n::Lang;

fn today() -> NaiveDate {
    portal::calendar::working_days::hong_kong_day(portal::db::now())
}

/// Empties the table and puts one holiday in `year`: the table then covers up to and including
/// 31 December of that year.
fn table_ending_in(app: &TestApp, year: i32) {
    let mut conn = app.conn();
    diesel::delete(holidays::table).execute(&mut *conn).unwrap();
    diesel::insert_into(holidays::table)
        .values((
            holidays::day.eq(NaiveDate::from_ymd_opt(year, 12, 25).unwrap()),
            holidays::name.eq("Christmas Day"),
        ))
        .execute(&mut *conn)
        .unwrap();
}

fn holiday_count(app: &TestApp) -> i64 {
    holidays::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

fn holiday_audit_lines(app: &TestApp) -> i64 {
    audit_log::table
        .filter(audit_log::action.eq("holiday_changed"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

#[tokio::test]
async fn the_console_warns_administrators_ninety_days_before_the_holiday_table_runs_out() {
    let app = spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let manager = app.manager("beheer@partnerlink.nl").await;

    // Whatever today is: a table whose last year ends more than 90 days from now warns nobody…
    let far = (today() + Days::new(91)).year();
    table_ending_in(&app, far);
    for page in [
        "/nl/manage",
        "/en/manage",
        "/nl/manage/holidays",
        "/en/manage/holidays",
    ] {
        let (status, html) = app.page_with(&admin, page).await;
        assert_eq!(status, 200, "{page}");
        assert!(!html.contains("id=\"holidays-warning\""), "{page}");
    }
    let (_, html) = app.page_with(&admin, "/en/manage/holidays").await;
    assert!(html.contains(&format!(
        "The table covers the days up to and including 31 December {far}."
    )));

    // …and one that ends within 90 days (or has ended) warns administrators, in their language,
    // on the console's home and the holidays page.
    let near = (today() + Days::new(90)).year() - 1;
    table_ending_in(&app, near);
    let end = NaiveDate::from_ymd_opt(near, 12, 31).unwrap();
    let (nl_text, en_text) = if end >= today() {
        (
            format!(
                "De feestdagentabel loopt tot en met {}. Importeer vóór die datum de Hongkongse feestdagen van {}",
                Lang::Nl.format_long_date(end),
                near + 1
            ),
            format!(
                "The holiday table ends on {}. Import the Hong Kong holidays of {} before then",
                Lang::En.format_long_date(end),
                near + 1
            ),
        )
    } else {
        (
            format!(
                "De feestdagentabel liep tot en met {}. Importeer de Hongkongse feestdagen van {}",
                Lang::Nl.format_long_date(end),
                near + 1
            ),
            format!(
                "The holiday table ended on {}. Import the Hong Kong holidays of {}",
                Lang::En.format_long_date(end),
                near + 1
            ),
        )
    };
    for (page, text) in [
        ("/nl/manage", &nl_text),
        ("/en/manage", &en_text),
        ("/nl/manage/holidays", &nl_text),
        ("/en/manage/holidays", &en_text),
    ] {
        let (_, html) = app.page_with(&admin, page).await;
        assert!(html.contains("id=\"holidays-warning\""), "{page}");
        assert!(html.contains(text.as_str()), "{page}: {text}\n{html}");
    }
    let (_, html) = app.page_with(&admin, "/nl/manage").await;
    assert!(html.contains("href=\"/nl/manage/holidays#import\">Feestdagen importeren</a>"));
    // An account manager who is no administrator cannot import, and is not asked to.
    let (_, html) = app.page_with(&manager, "/nl/manage").await;
    assert!(!html.contains("id=\"holidays-warning\""));

    // An empty table warns too.
    diesel::delete(holidays::table)
        .execute(&mut *app.conn())
        .unwrap();
    let (_, html) = app.page_with(&admin, "/en/manage").await;
    assert!(html.contains("The holiday table is empty"));
}

async fn import(
    app: &TestApp,
    client: &reqwest::Client,
    lang: &str,
    csv: &str,
) -> reqwest::Response {
    let (_, page) = app
        .page_with(client, &format!("/{lang}/manage/holidays"))
        .await;
    let token = common::csrf_token(&page).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .part(
            "file",
            reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("holidays.csv"),
        );
    client
        .post(app.url(&format!("/{lang}/manage/holidays/import")))
        .multipart(form)
        .send()
        .await
        .unwrap()
}

const YEAR_2028: &str = "date,name\n\
    2028-01-01,The first day of January\n\
    2028-01-26,Lunar New Year's Day\n\
    2028-04-04,\"Ching Ming Festival, observed\"\n";

#[tokio::test]
async fn an_administrator_imports_a_year_of_holidays_from_a_csv_file() {
    let app = spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let before = holiday_count(&app);
    let audit_before = holiday_audit_lines(&app);

    // A file with wrong lines stores nothing and says, per line and in the page's language,
    // what is wrong.
    let wrong = "date,name\n\
        2028-01-01,The first day of January\n\
        01-02-2028,Wrong order\n\
        2028-01-01,Twice\n\
        2028-05-01\n";
    let r = import(&app, &admin, "nl", wrong).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"file-error\""));
    assert!(html.contains("Sommige regels hebben een probleem; er is niets opgeslagen."));
    assert!(html.contains(
        "<td class=\"num\">3</td><td><code>01-02-2028,Wrong order</code></td><td>Schrijf de datum als jaar-maand-dag, bijvoorbeeld 2028-01-01.</td>"
    ), "{html}");
    assert!(html.contains("<td>Dezelfde datum als regel 2.</td>"));
    assert!(html.contains("<td>Schrijf de datum en de naam, gescheiden door een komma.</td>"));
    let r = import(&app, &admin, "en", wrong).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("<td>Write the date as year-month-day, for example 2028-01-01.</td>"));
    assert!(html.contains("<td>The same date as line 2.</td>"));
    assert_eq!(holiday_count(&app), before);
    for (file, message) in [
        ("", "Choose a CSV file with at least one holiday."),
        (
            "date,name\n",
            "Choose a CSV file with at least one holiday.",
        ),
        ("\u{0}\u{1}", "The file is not a text file (UTF-8)"),
    ] {
        let r = import(&app, &admin, "en", file).await;
        assert_eq!(r.status().as_u16(), 422, "{file:?}");
        assert!(r.text().await.unwrap().contains(message), "{file:?}");
    }

    // A right file is stored, each holiday with its audit line.
    let r = import(&app, &admin, "en", YEAR_2028).await;
    assert_eq!(r.status().as_u16(), 303);
    let next = common::location(&r);
    assert!(next.starts_with("/en/manage/holidays?notice=holidays-imported"));
    let (_, html) = app.page_with(&admin, &next).await;
    assert!(
        html.contains("The file has been imported: 3 holidays added, 0 were already in the table."),
        "{html}"
    );
    assert!(html.contains("Ching Ming Festival, observed"));
    assert_eq!(holiday_count(&app), before + 3);
    assert_eq!(holiday_audit_lines(&app), audit_before + 3);

    // The same file again changes nothing.
    let r = import(&app, &admin, "nl", YEAR_2028).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, html) = app.page_with(&admin, &common::location(&r)).await;
    assert!(html.contains(
        "Het bestand is geïmporteerd: 0 feestdagen toegevoegd, 3 stonden al in de tabel."
    ));
    assert_eq!(holiday_count(&app), before + 3);
    assert_eq!(holiday_audit_lines(&app), audit_before + 3);

    // A date the table has under another name is refused, and the file with it.
    let other = "2028-01-01,New Year\n2028-10-02,Day after National Day\n";
    let r = import(&app, &admin, "en", other).await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("The table already has a holiday on this date: “The first day of January”.")
    );
    assert_eq!(holiday_count(&app), before + 3);

    // One holiday added: the plural form of one.
    let r = import(&app, &admin, "nl", "2028-10-02,Day after National Day\n").await;
    let (_, html) = app.page_with(&admin, &common::location(&r)).await;
    assert!(html.contains(
        "Het bestand is geïmporteerd: één feestdag toegevoegd, 0 stonden al in de tabel."
    ));

    // Without this session's token, or for an account manager who is no administrator: refused.
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", "wrong")
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"2028-12-25,Christmas Day\n".to_vec()),
        );
    let r = admin
        .post(app.url("/en/manage/holidays/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let manager = app.manager("beheer@partnerlink.nl").await;
    let (status, _) = app.page_with(&manager, "/en/manage/holidays").await;
    assert_eq!(status, 403);
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"2028-12-25,Christmas Day\n".to_vec()),
    );
    let r = manager
        .post(app.url("/en/manage/holidays/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(holiday_count(&app), before + 4);

    // The imported days are holidays to the working-day count.
    let calendar = portal::calendar::holidays::load(&mut app.conn()).unwrap();
    assert!(!calendar.is_working_day(NaiveDate::from_ymd_opt(2028, 1, 26).unwrap()));
}
