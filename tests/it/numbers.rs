//! Numbers in URLs (issue 21, point 7): a page, an offset or an id past its range answers 404 or
//! 400 — or, for a page past the last, the last page, as the lists do — never a server error, on
//! SQLite and on PostgreSQL (`page=92233720368547760` made the audit log's offset overflow:
//! "OFFSET must not be negative" on PostgreSQL in a release build, a panic in a debug one).
//! `tests/corpus.rs` sends such numbers to every route that takes one, ids in paths included
//! (those answered 404 already: a path segment that is not an i64 is not found, and no row has
//! a negative, zero or unused id).

use crate::common::spawn_app;

/// Past i64, i64 itself, the page whose offset overflowed i64, and the smallest i64.
const HUGE: &[&str] = &[
    "92233720368547760",
    "9223372036854775807",
    "-9223372036854775808",
];

/// Not whole numbers, or past i64: refused as a bad request.
const NOT_A_PAGE: &[&str] = &["1e3", "99999999999999999999", "1.5", "abc", "0x10"];

#[tokio::test]
async fn an_audit_page_past_the_last_shows_the_last_and_odd_numbers_are_refused() {
    let app = spawn_app().await;
    let boss = app.administrator("beheer@partnerlink.nl").await;
    // 150 lines of one action: two pages of 100, the newest first.
    {
        let mut conn = app.conn();
        for n in 1..=150 {
            portal::audit::record(
                &mut conn,
                &portal::audit::Actor::command("test"),
                portal::audit::Entry::new(
                    portal::audit::action::SECRET_ROTATED,
                    format!("line {n}"),
                ),
                portal::db::now(),
            )
            .unwrap();
        }
    }
    let page = |n: &str| {
        let boss = &boss;
        let app = &app;
        let path = format!("/en/manage/audit?action=secret_rotated&page={n}");
        async move { app.page_with(boss, &path).await }
    };
    let shows = |html: &str, line: u32| html.contains(&format!(">line {line}<"));
    // The lines and the pager (the rest of the page holds per-request tokens).
    let listing = |html: &str| {
        let from = html.find("<table").expect("a table");
        let to = html[from..].find("</nav>").expect("the pager") + from;
        html[from..to].to_owned()
    };

    let (status, first) = page("1").await;
    assert_eq!(status, 200);
    assert!(shows(&first, 150) && shows(&first, 51) && !shows(&first, 50));
    assert!(first.contains("rel=\"next\"") && !first.contains("rel=\"prev\""));
    let (status, last) = page("2").await;
    assert_eq!(status, 200);
    assert!(shows(&last, 50) && shows(&last, 1) && !shows(&last, 51));
    assert!(!last.contains("rel=\"next\"") && last.contains("rel=\"prev\""));

    for past in ["3", HUGE[0], HUGE[1]] {
        let (status, html) = page(past).await;
        assert_eq!(status, 200, "page={past}: {html}");
        assert_eq!(
            listing(&html),
            listing(&last),
            "page={past} shows the last page"
        );
    }
    for before in ["0", "-1", HUGE[2]] {
        let (status, html) = page(before).await;
        assert_eq!(status, 200, "page={before}: {html}");
        assert_eq!(
            listing(&html),
            listing(&first),
            "page={before} shows the first"
        );
    }
    for odd in NOT_A_PAGE {
        let (status, html) = page(odd).await;
        assert_eq!(status, 400, "page={odd}: {html}");
        assert!(html.contains("<html lang=\"en\""), "a page in English");
    }
}
