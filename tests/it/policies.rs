//! Typed policies (issue 22, point 3): an administrator chooses each policy's value from the
//! values it takes, in either language; the rules come from the value (keyword marketing,
//! deeplinking), never from words typed; notes are kept per language; and no free programme
//! text may state a rate.

use crate::common;
use crate::common::ReviewState;

use crate::common::{location, spawn_app, TestApp};
use diesel::prelude::*;
use portal::db::schema::{memberships, programme_policies};

const KEYWORD: &str = "/nl/manage/programme/policies/keyword_marketing";

/// A publisher whose approved channel declares keyword marketing applies to the programme;
/// returns the answer's status and page.
async fn apply_with_keyword_marketing(app: &TestApp, email: &str) -> (u16, String) {
    let p = app.add_publisher(email, ReviewState::Approved);
    app.declare_methods(p.channel_id, &["content", "keyword_marketing"]);
    let client = app.client_for(&p.email).await;
    let apply = format!("/nl/account/channels/{}/apply", p.channel_id);
    let r = app
        .submit_with(&client, "/nl/account/channels", &apply, &[])
        .await;
    let status = r.status().as_u16();
    (status, r.text().await.unwrap())
}

fn memberships_of_keyword_channels(app: &TestApp) -> i64 {
    memberships::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

fn stored(app: &TestApp, key: &str) -> String {
    programme_policies::table
        .filter(programme_policies::key.eq(key))
        .select(programme_policies::value)
        .first(&mut *app.conn())
        .unwrap()
}

#[tokio::test]
async fn keyword_marketing_follows_the_value_chosen_in_the_dutch_form_never_typed_words() {
    let app = spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let page = "/nl/manage/programme";

    // The Dutch form offers the values as choices, with their Dutch labels.
    let (_, form) = app.page_with(&admin, page).await;
    assert!(form.contains(
        "<input type=\"radio\" id=\"policy-keyword_marketing-closed\" name=\"value\" value=\"closed\" checked> <label for=\"policy-keyword_marketing-closed\">Gesloten, geen brandbidding</label>"
    ), "{form}");
    assert!(form.contains(">Open, geen brandbidding</label>"));
    assert!(form.contains(">Open, brandbidding toegestaan</label>"));

    // Typing "Gesloten" is no value: refused beside the field, what was typed kept, and the
    // keyword ban stays (today it switched the ban off).
    let r = app
        .submit_with(
            &admin,
            page,
            KEYWORD,
            &[("value", "Gesloten"), ("note_nl", "Geen SEA")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(
        "<p class=\"error-message\" id=\"policy-keyword_marketing-value-error\">Kies een van de aangeboden waarden.</p>"
    ), "{html}");
    assert!(html.contains("value=\"Geen SEA\""));
    assert_eq!(stored(&app, "keyword_marketing"), "closed");
    let (status, html) = apply_with_keyword_marketing(&app, "sea1@koopjes.nl").await;
    assert_eq!(status, 422, "{html}");
    assert!(html.contains("Keyword marketing"), "{html}");
    assert_eq!(memberships_of_keyword_channels(&app), 0);

    // Opened (without brand bidding): a channel with keyword marketing may apply.
    let r = app
        .submit_with(&admin, page, KEYWORD, &[("value", "open_no_brand_bidding")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(location(&r).ends_with("notice=programme-saved"));
    let (status, _) = apply_with_keyword_marketing(&app, "sea2@koopjes.nl").await;
    assert_eq!(status, 303);
    assert_eq!(memberships_of_keyword_channels(&app), 1);

    // Choosing "Gesloten, geen brandbidding" in the Dutch form closes it again.
    let r = app
        .submit_with(&admin, page, KEYWORD, &[("value", "closed")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, _) = apply_with_keyword_marketing(&app, "sea3@koopjes.nl").await;
    assert_eq!(status, 422);
    assert_eq!(memberships_of_keyword_channels(&app), 1);

    // The database itself takes no other value.
    let mut conn = app.conn();
    let refused = diesel::sql_query(
        "UPDATE programme_policies SET value = 'Gesloten' WHERE key = 'keyword_marketing'",
    )
    .execute(&mut *conn);
    assert!(refused.is_err());
    let refused = diesel::sql_query(
        "UPDATE programme_policies SET value = 'allowed' WHERE key = 'keyword_marketing'",
    )
    .execute(&mut *conn);
    assert!(refused.is_err(), "a value of another policy");
}

#[tokio::test]
async fn deeplinking_follows_the_value_chosen() {
    let app = spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let programme = app.programme_id();
    app.sql(&format!(
        "INSERT INTO programme_domains (programme_id, domain) VALUES ({programme}, 'aliexpress.com')"
    ));
    let p = app.add_ready_publisher("deep@koopjes.nl");
    let client = app.client_for(&p.email).await;
    let deep = format!(
        "/en/account/links?channel={}&url=https%3A%2F%2Fnl.aliexpress.com%2Fitem%2F1005.html",
        p.channel_id
    );
    let page = "/en/manage/programme";
    let path = "/en/manage/programme/policies/deeplinking";
    let (status, html) = app.page_with(&client, &deep).await;
    assert_eq!(status, 422);
    assert!(html.contains("Deeplinking to AliExpress is currently not possible."));

    // Words are no value, in any language: refused, and deep links stay off.
    for typed in ["Allowed", "toegestaan", "yes"] {
        let r = app
            .submit_with(&admin, page, path, &[("value", typed)])
            .await;
        assert_eq!(r.status().as_u16(), 422, "{typed}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("Choose one of the values offered."),
            "{typed}"
        );
    }
    assert_eq!(stored(&app, "deeplinking"), "not_possible");

    let r = app
        .submit_with(&admin, page, path, &[("value", "allowed")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, html) = app.page_with(&client, &deep).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("nl.aliexpress.com"));

    let r = app
        .submit_with(&admin, page, path, &[("value", "not_possible")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, _) = app.page_with(&client, &deep).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn a_text_that_states_a_rate_is_refused_in_both_languages_and_kept() {
    let app = spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let text_id = |lang: &str| -> i64 {
        use portal::db::schema::programme_texts;
        programme_texts::table
            .filter(programme_texts::lang.eq(lang))
            .filter(programme_texts::section.eq("description"))
            .select(programme_texts::id)
            .first(&mut *app.conn())
            .unwrap()
    };
    for (lang, typed, message) in [
        (
            "en",
            "AliExpress pays up to 9% on every order.",
            "refer to the commission table",
        ),
        (
            "nl",
            "AliExpress betaalt tot 9 procent op elke bestelling.",
            "verwijs naar de commissietabel",
        ),
        (
            "nl",
            "Telefoons: 3,5 % commissie.",
            "verwijs naar de commissietabel",
        ),
        (
            "en",
            "Earn 9 percent on phones.",
            "refer to the commission table",
        ),
    ] {
        let id = text_id(lang);
        let page = format!("/{lang}/manage/programme");
        let r = app
            .submit_with(
                &admin,
                &page,
                &format!("/{lang}/manage/programme/texts/{id}"),
                &[("body", typed)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422, "{typed}");
        let html = r.text().await.unwrap();
        let error = format!("<p class=\"error-message\" id=\"text-{id}-body-error\">");
        let at = html.find(&error).unwrap_or_else(|| panic!("{html}"));
        assert!(html[at..].starts_with(&error) && html[at..at + 400].contains(message));
        assert!(html.contains(&format!(">{typed}</textarea>")), "{typed}");
        let (_, public) = app.page(&format!("/{lang}/programmes/aliexpress")).await;
        assert!(!public.contains(typed));
    }
    // A policy's note is a programme text too.
    let r = app
        .submit_with(
            &admin,
            "/nl/manage/programme",
            "/nl/manage/programme/policies/coupon_sites",
            &[
                ("value", "allowed"),
                ("note_nl", "Kortingscodes leveren 2 % op"),
                ("note_en", "Coupon codes are welcome"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"policy-coupon_sites-note_nl-error\""));
    assert!(html.contains("value=\"Kortingscodes leveren 2 % op\""));
    assert!(html.contains("value=\"Coupon codes are welcome\""));
}

#[tokio::test]
async fn the_programme_page_shows_each_policys_label_and_note_in_the_readers_language() {
    let app = spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let r = app
        .submit_with(
            &admin,
            "/en/manage/programme",
            "/en/manage/programme/policies/keyword_marketing",
            &[
                ("value", "open_brand_bidding"),
                ("note_nl", "Alleen op Google Ads, na overleg."),
                ("note_en", "Only on Google Ads, after consultation."),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, nl) = app.page("/nl/programmes/aliexpress").await;
    assert!(nl.contains(
        "<th scope=\"row\">Keyword marketing</th><td>Open, brandbidding toegestaan<br><span class=\"muted\">Alleen op Google Ads, na overleg.</span></td>"
    ), "{nl}");
    assert!(!nl.contains("after consultation"));
    let (_, en) = app.page("/en/programmes/aliexpress").await;
    assert!(en.contains(
        "<th scope=\"row\">Keyword marketing</th><td>Open, brand bidding allowed<br><span class=\"muted\">Only on Google Ads, after consultation.</span></td>"
    ), "{en}");
    assert!(!en.contains("na overleg"));
    // The audit line names what changed.
    let line = common::audit::only(&app, "text_changed");
    assert_eq!(line.subject, "policy keyword_marketing");
    assert!(line.before.unwrap().contains("\"value\":\"closed\""));
    assert!(line.after.unwrap().contains("open_brand_bidding"));
    // The seed's values, in each language's words.
    let fresh = spawn_app().await;
    let (_, nl) = fresh.page("/nl/programmes/aliexpress").await;
    assert!(
        nl.contains("<th scope=\"row\">Keyword marketing</th><td>Gesloten, geen brandbidding</td>")
    );
    assert!(nl.contains("<th scope=\"row\">Deeplinking</th><td>Niet mogelijk</td>"));
    let (_, en) = fresh.page("/en/programmes/aliexpress").await;
    assert!(
        en.contains("<th scope=\"row\">Keyword marketing</th><td>Closed, no brand bidding</td>")
    );
    assert!(en.contains("<th scope=\"row\">Deeplinking</th><td>Not possible</td>"));
}

#[tokio::test]
async fn the_session_window_is_set_with_the_cookie_period_and_bad_input_is_explained() {
    let app = spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let path = "/nl/manage/programme/policies/cookie_period";
    let page = "/nl/manage/programme";
    for typed in ["24 uur", "0", "43201", ""] {
        let r = app
            .submit_with(
                &admin,
                page,
                path,
                &[
                    ("value", "session_based"),
                    ("session_window_minutes", typed),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422, "{typed}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("id=\"policy-cookie_period-session_window_minutes-error\">Vul een heel aantal minuten in van 1 tot en met 43200"),
            "{typed}: {html}"
        );
        assert!(html.contains(&format!("value=\"{typed}\"")), "{typed}");
    }
    let r = app
        .submit_with(
            &admin,
            page,
            path,
            &[("value", "session_based"), ("session_window_minutes", "90")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let window: i32 = {
        use portal::db::schema::programmes;
        programmes::table
            .select(programmes::session_window_minutes)
            .first(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(window, 90);
    let (_, nl) = app.page("/nl/programmes/aliexpress").await;
    assert!(nl.contains("Sessiegebaseerd: 90 minuten na de klik"));
    let (_, en) = app.page("/en/programmes/aliexpress").await;
    assert!(en.contains("Session based: 90 minutes after the click"));
    let line = common::audit::only(&app, "text_changed");
    assert_eq!(line.subject, "policy cookie_period");
    assert_eq!(
        line.before.as_deref(),
        Some(r#"{"session_window_minutes":1440}"#)
    );
    assert_eq!(
        line.after.as_deref(),
        Some(r#"{"session_window_minutes":90}"#)
    );
}
