//! Versioned public rules (issue 22, point 6): the rules page names the version in force and its
//! date, lists the earlier versions with a page each, a notice links every clause it cites in the
//! version it quoted, and the summary of a new version reaches each participant in their
//! language.

use crate::common::enforcement::{taken, Measure};
use crate::common::{spawn_app, TestApp};
use diesel::prelude::*;
use portal::db::schema::rule_clauses;
use portal::i18n::Lang;

const ADMIN_RULES: &str = "/en/manage/rules";
const ADDED: &str = "Brand bidding on misspellings of the brand is forbidden too.";

fn clause_now(app: &TestApp, anchor: &str) -> String {
    rule_clauses::table
        .filter(rule_clauses::anchor.eq(anchor))
        .select(rule_clauses::body)
        .first(&mut *app.conn())
        .unwrap()
}

/// Publishes version 2, in which E.10.c also forbids misspellings; returns E.10.c as version 1
/// has it.
async fn publish_second_version(app: &TestApp, admin: &reqwest::Client) -> String {
    let old = clause_now(app, "E-10-c");
    let new_body = format!("{old} {ADDED}");
    let r = app
        .submit_with(
            admin,
            ADMIN_RULES,
            ADMIN_RULES,
            &[
                ("clause", "E-10-c"),
                ("body", &new_body),
                ("summary_en", "E.10.c now covers misspellings."),
                ("summary_nl", "E.10.c geldt nu ook voor verschrijvingen."),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    old
}

#[tokio::test]
async fn the_rules_page_names_the_version_in_force_and_links_the_earlier_ones() {
    let app = spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;

    // Version 1, the rules as seeded, is dated by the rules' own month, in the page's language.
    let (status, nl) = app.page("/nl/programmes/aliexpress/rules").await;
    assert_eq!(status, 200);
    assert!(
        nl.contains("Versie 1, van kracht sinds september 2015"),
        "{nl}"
    );
    assert!(!nl.contains("Bijgewerkt") && !nl.contains("Eerdere versies"));
    let (_, en) = app.page("/en/programmes/aliexpress/rules").await;
    assert!(en.contains("Version 1, in force since September 2015"));
    assert!(!en.contains("Updated:") && !en.contains("Earlier versions"));

    publish_second_version(&app, &admin).await;
    let today = portal::db::now().date();

    // The page shows version 2 with its date, and links version 1.
    for (lang, in_force, earlier, line, date) in [
        (
            "nl",
            "Versie 2, van kracht sinds",
            "Eerdere versies",
            "Versie 1 (september 2015)",
            portal::i18n::Lang::Nl.format_long_date(today),
        ),
        (
            "en",
            "Version 2, in force since",
            "Earlier versions",
            "Version 1 (September 2015)",
            portal::i18n::Lang::En.format_long_date(today),
        ),
    ] {
        let (_, page) = app
            .page(&format!("/{lang}/programmes/aliexpress/rules"))
            .await;
        assert!(
            page.contains(&format!("{in_force} {date}")),
            "{lang}: {page}"
        );
        assert!(page.contains(earlier), "{lang}");
        assert!(
            page.contains(&format!(
                "<a href=\"/{lang}/programmes/aliexpress/rules/v/1\">{line}</a>"
            )),
            "{lang}: {page}"
        );
        assert!(page.contains(ADDED), "today's text");

        // Version 1's page: its own text, marked as no longer in force, with the way back.
        let (status, v1) = app
            .page(&format!("/{lang}/programmes/aliexpress/rules/v/1"))
            .await;
        assert_eq!(status, 200, "{lang}");
        assert!(!v1.contains(ADDED), "{lang}: version 1 reads as it did");
        assert!(v1.contains("id=\"E-10-c\""), "{lang}");
        assert!(
            v1.contains(&format!("<a href=\"/{lang}/programmes/aliexpress/rules\">")),
            "{lang}: a link to the rules in force"
        );
        assert!(v1.contains("aria-current=\"page\""), "{lang}");
        // Version 2's own page is the rules in force.
        let (status, v2) = app
            .page(&format!("/{lang}/programmes/aliexpress/rules/v/2"))
            .await;
        assert_eq!(status, 200);
        assert!(v2.contains(ADDED) && v2.contains(&format!("{in_force} {date}")));
    }
    let (_, v1) = app.page("/nl/programmes/aliexpress/rules/v/1").await;
    assert!(v1.contains(
        "Dit is versie 1 van de regels, van september 2015. Deze versie is niet meer van kracht."
    ));
    assert!(v1.contains(&format!(
        "Sinds {} geldt versie 2.",
        portal::i18n::Lang::Nl.format_long_date(today)
    )));
    let (_, v1) = app.page("/en/programmes/aliexpress/rules/v/1").await;
    assert!(
        v1.contains("This is version 1 of the rules, of September 2015. It is no longer in force.")
    );

    // Anything but the number of a version is a page that is not there, never an error.
    for number in ["3", "0", "-1", "abc", "1.5", "+1", "99999999999999999999"] {
        for lang in ["nl", "en"] {
            let (status, _) = app
                .page(&format!("/{lang}/programmes/aliexpress/rules/v/{number}"))
                .await;
            assert_eq!(status, 404, "/{lang}/…/rules/v/{number}");
        }
    }
    let (status, _) = app.page("/en/programmes/no-such/rules/v/1").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_notice_links_each_clause_in_the_version_it_quoted() {
    let app = spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let anna_client = app.client_for("anna@example.nl").await;
    let under_v1 = taken(
        &app,
        &admin,
        anna.participant_id,
        Measure::warning(&["E.10.c"], "Bids on the brand name"),
    )
    .await;
    let old = publish_second_version(&app, &admin).await;
    let under_v2 = taken(
        &app,
        &admin,
        anna.participant_id,
        Measure::warning(&["E.10.c"], "Bids on a misspelled brand name"),
    )
    .await;
    assert_ne!(under_v1, under_v2);

    for lang in ["nl", "en"] {
        for (measure, version) in [(under_v1, 1), (under_v2, 2)] {
            let (status, notice) = app
                .page_with(&anna_client, &format!("/{lang}/account/notices/{measure}"))
                .await;
            assert_eq!(status, 200, "{lang} notice {measure}");
            let link = format!("/{lang}/programmes/aliexpress/rules/v/{version}#E-10-c");
            assert!(
                notice.contains(&format!("href=\"{link}\"")),
                "{lang}: notice {measure} links {link}"
            );
            assert!(!notice.contains(&format!("href=\"/{lang}/programmes/aliexpress/rules#")));
            // The link opens the text the notice quoted.
            let (status, rules) = app.page(&link).await;
            assert_eq!(status, 200);
            assert_eq!(rules.contains(ADDED), version == 2, "{link}");
            assert!(rules.contains("id=\"E-10-c\""));
        }
    }
    assert!(!old.contains(ADDED));
    // The console's page of the participant links each measure's clauses the same way.
    for lang in ["nl", "en"] {
        let (_, console) = app
            .page_with(
                &admin,
                &format!("/{lang}/manage/participants/{}", anna.participant_id),
            )
            .await;
        for version in [1, 2] {
            assert!(
                console.contains(&format!(
                    "href=\"/{lang}/programmes/aliexpress/rules/v/{version}#E-10-c\""
                )),
                "{lang}: console links version {version}"
            );
        }
    }
}

#[tokio::test]
async fn a_new_version_is_summarised_to_each_participant_in_their_language() {
    let app = spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    app.add_ready_publisher("anna@example.nl");
    app.add_ready_publisher_in("bob@example.com", Lang::En);

    // Both summaries are asked for, with the message next to the one missing, in the page's
    // language, and what was typed kept.
    let old = clause_now(&app, "E-10-c");
    let new_body = format!("{old} {ADDED}");
    for (page, field, message) in [
        (
            "/nl/manage/rules",
            "summary_nl",
            "Vermeld in het Nederlands wat er veranderd is.",
        ),
        (
            "/en/manage/rules",
            "summary_nl",
            "Say in Dutch what changed.",
        ),
    ] {
        let r = app
            .submit_with(
                &admin,
                page,
                page,
                &[
                    ("clause", "E-10-c"),
                    ("body", &new_body),
                    ("summary_en", "E.10.c now covers misspellings."),
                    ("summary_nl", "  "),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{page}");
        assert!(html.contains(message), "{page}");
        assert!(html.contains(">E.10.c now covers misspellings.</textarea>"));
    }
    let r = app
        .submit_with(
            &admin,
            ADMIN_RULES,
            ADMIN_RULES,
            &[
                ("clause", "E-10-c"),
                ("body", &new_body),
                ("summary_en", ""),
                ("summary_nl", "E.10.c geldt nu ook voor verschrijvingen."),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Say in English what changed."));
    assert_eq!(clause_now(&app, "E-10-c"), old, "nothing was published");

    publish_second_version(&app, &admin).await;
    let anna = app.smtp().wait_for("anna@example.nl", 0).await;
    let bob = app.smtp().wait_for("bob@example.com", 0).await;
    assert!(anna.subject().contains("advertentieregels"));
    assert!(anna
        .text()
        .contains("E.10.c geldt nu ook voor verschrijvingen."));
    assert!(!anna.text().contains("now covers"), "{}", anna.text());
    assert!(bob.subject().contains("Advertising Rules"));
    assert!(bob.text().contains("E.10.c now covers misspellings."));
    assert!(!bob.text().contains("verschrijvingen"));

    // The page that asks to accept it shows the same summary.
    let anna_client = app.client_for("anna@example.nl").await;
    let (_, accept) = app.page_with(&anna_client, "/nl/account/rules").await;
    assert!(accept.contains("E.10.c geldt nu ook voor verschrijvingen."));
    // What changed links the clause in the version to accept.
    assert!(accept.contains("href=\"/nl/programmes/aliexpress/rules/v/2#E-10-c\""));
    let (_, console) = app.page_with(&admin, ADMIN_RULES).await;
    assert!(console.contains("E.10.c geldt nu ook voor verschrijvingen."));
    assert!(console.contains("E.10.c now covers misspellings."));
}
