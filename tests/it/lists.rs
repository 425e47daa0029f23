//! The lists the rules name, kept by administrators (issue 22, point 9): the registration ban
//! list (F.11.g), checked at signup, at login and for channels; the brand terms (A.1.e, B.5.a)
//! the screening reads; a domain another participant already uses, flagged with the reason; and
//! the screening's notes in the reader's language (point 8).

use crate::common;
use crate::common::audit;
use crate::common::ReviewState;
use portal::db::ids::{BanId, ChannelId};

use crate::common::enforcement::{taken, Measure, MeasureKind};
use crate::common::{location, TestApp, PASSWORD};
use diesel::prelude::*;
use portal::db::schema::{channels, registration_bans};

/// The ban on `value`: (id, lifted, lift reason).
fn ban(app: &TestApp, value: &str) -> (BanId, bool, Option<String>) {
    let (id, lifted_at, reason): (BanId, Option<chrono::NaiveDateTime>, Option<String>) =
        registration_bans::table
            .filter(registration_bans::value.eq(value))
            .select((
                registration_bans::id,
                registration_bans::lifted_at,
                registration_bans::lift_reason,
            ))
            .first(&mut *app.conn())
            .unwrap();
    (id, lifted_at.is_some(), reason)
}

/// A channel's review state and stored screening note.
fn screening(app: &TestApp, channel_id: ChannelId) -> (String, Option<String>) {
    channels::table
        .find(channel_id)
        .select((channels::review_state, channels::screening_note))
        .first(&mut *app.conn())
        .unwrap()
}

fn newest_channel(app: &TestApp) -> ChannelId {
    channels::table
        .order(channels::id.desc())
        .select(channels::id)
        .first(&mut *app.conn())
        .unwrap()
}

fn channel_form<'a>(website: &'a str, name: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("website_url", website),
        ("channel_name", name),
        ("category", "content"),
        ("promotion_methods", "content"),
    ]
}

/// Adds a channel on the participant's channel form; returns the answer.
async fn add_channel(
    app: &TestApp,
    client: &reqwest::Client,
    lang: &str,
    website: &str,
    name: &str,
) -> reqwest::Response {
    let path = format!("/{lang}/account/channels/new");
    app.submit_with(client, &path, &path, &channel_form(website, name))
        .await
}

#[tokio::test]
async fn administrators_add_and_lift_bans_with_a_reason_and_audit_lines_in_each_language() {
    let app = common::spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    for (lang, title, added, lifted) in [
        ("en", "Ban list", "The ban has been added.", "Lifted on"),
        (
            "nl",
            "Uitsluitingen",
            "De uitsluiting is toegevoegd.",
            "Opgeheven op",
        ),
    ] {
        let page = format!("/{lang}/manage/bans");
        let domain = format!("spam-{lang}.net");
        let (status, html) = app.page_with(&admin, &page).await;
        assert_eq!(status, 200);
        assert!(html.contains(title), "{lang}");
        // Bad input: a message next to the field, what was typed kept.
        for (value, reason, field) in [
            ("", "Fraud.", "value"),
            ("not an address@", "Fraud.", "value"),
            ("localhost", "Fraud.", "value"),
            (domain.as_str(), "   ", "reason"),
        ] {
            let r = app
                .submit_with(
                    &admin,
                    &page,
                    &page,
                    &[("value", value), ("reason", reason)],
                )
                .await;
            assert_eq!(r.status().as_u16(), 422, "{value:?} {reason:?}");
            let body = r.text().await.unwrap();
            assert!(body.contains(&format!("id=\"{field}-error\"")), "{value:?}");
            if field == "reason" {
                assert!(body.contains(&format!("value=\"{domain}\"")), "kept");
            }
        }
        // A domain, typed as an address's domain: normalised.
        let typed = format!("@WWW.{}", domain.to_uppercase());
        let r = app
            .submit_with(
                &admin,
                &page,
                &page,
                &[
                    ("value", &typed),
                    ("reason", "Fake orders from this domain."),
                ],
            )
            .await;
        assert_eq!(location(&r), format!("{page}?notice=ban-added"));
        let (_, html) = app.page_with(&admin, &location(&r)).await;
        assert!(html.contains(added) && html.contains(&domain));
        assert!(html.contains("Fake orders from this domain."));
        // The same again changes nothing.
        let r = app
            .submit_with(
                &admin,
                &page,
                &page,
                &[("value", &domain), ("reason", "Again.")],
            )
            .await;
        assert_eq!(location(&r), format!("{page}?notice=ban-exists"));
        let (id, is_lifted, _) = ban(&app, &domain);
        assert!(!is_lifted);

        // Lifting needs a reason, said next to that ban's field.
        let lift = format!("{page}/{id}/lift");
        let r = app
            .submit_with(&admin, &page, &lift, &[("reason", "")])
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(r
            .text()
            .await
            .unwrap()
            .contains(&format!("id=\"lift-reason-{id}-error\"")));
        let r = app
            .submit_with(
                &admin,
                &page,
                &lift,
                &[("reason", "Owner proved it was hacked.")],
            )
            .await;
        assert_eq!(location(&r), format!("{page}?notice=ban-lifted"));
        // The row stays, lifted, with its reason; the page says so.
        assert_eq!(
            ban(&app, &domain),
            (id, true, Some("Owner proved it was hacked.".into()))
        );
        let (_, html) = app.page_with(&admin, &page).await;
        assert!(html.contains(lifted), "{lang}");
        // A lifted ban cannot be lifted again.
        let r = app
            .submit_with(&admin, &page, &lift, &[("reason", "Twice.")])
            .await;
        assert_eq!(r.status().as_u16(), 404);
    }
    assert_eq!(audit::count(&app, "ban_added"), 2);
    assert_eq!(audit::count(&app, "ban_lifted"), 2);
    // Barring a lifted address again puts the same row in force again.
    let page = "/en/manage/bans";
    let (id, _, _) = ban(&app, "spam-en.net");
    let r = app
        .submit_with(
            &admin,
            page,
            page,
            &[("value", "spam-en.net"), ("reason", "Back at it.")],
        )
        .await;
    assert_eq!(location(&r), "/en/manage/bans?notice=ban-added");
    assert_eq!(ban(&app, "spam-en.net"), (id, false, None));
    assert_eq!(audit::count(&app, "ban_added"), 3);
}

#[tokio::test]
async fn account_managers_who_are_not_administrators_may_not_touch_the_lists() {
    let app = common::spawn_app().await;
    let manager = app.manager("beheer@partnerlink.nl").await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    app.submit_with(
        &admin,
        "/en/manage/bans",
        "/en/manage/bans",
        &[("value", "spam.net"), ("reason", "Fraud.")],
    )
    .await;
    let (id, _, _) = ban(&app, "spam.net");
    for page in ["/en/manage/bans", "/nl/manage/brands"] {
        let (status, _) = app.page_with(&manager, page).await;
        assert_eq!(status, 403, "{page}");
    }
    // The manager's own console page carries a valid token: the refusal is the role's.
    for (post, fields) in [
        (
            "/en/manage/bans",
            vec![("value", "other.net"), ("reason", "x")],
        ),
        (
            &*format!("/en/manage/bans/{id}/lift"),
            vec![("reason", "x")],
        ),
        (
            "/en/manage/brands",
            vec![("term", "lazada"), ("matching", "contained")],
        ),
        ("/en/manage/brands/1/remove", vec![]),
    ] {
        let r = app.submit_with(&manager, "/en/manage", post, &fields).await;
        assert_eq!(r.status().as_u16(), 403, "{post}");
    }
    assert!(!ban(&app, "spam.net").1, "still in force");
    assert_eq!(audit::count(&app, "ban_added"), 1);
    assert_eq!(audit::count(&app, "brand_term_added"), 0);
}

#[tokio::test]
async fn a_barred_domain_is_refused_at_signup_and_when_a_channel_is_added_or_changed() {
    let app = common::spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let network = app.add_network("net@koopjes.nl", ReviewState::Approved);
    let client = app.client_for("net@koopjes.nl").await;
    app.submit_with(
        &admin,
        "/en/manage/bans",
        "/en/manage/bans",
        &[("value", "badsite.com"), ("reason", "Sells counterfeits.")],
    )
    .await;

    // Signing up: an address on the domain, or a website on a subdomain of it.
    let r = app
        .submit("/en/signup", &[("email", "someone@shop.badsite.com")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(!r.text().await.unwrap().contains("counterfeits"));

    // Adding a channel, in each language, with the rule cited next to the field.
    for (lang, words) in [
        (
            "en",
            "Channels on this domain cannot be registered (rule F.11.g)",
        ),
        (
            "nl",
            "Kanalen op dit domein kunnen niet worden aangemeld (regel F.11.g)",
        ),
    ] {
        let r = add_channel(&app, &client, lang, "https://shop.badsite.com/", "Shop").await;
        assert_eq!(r.status().as_u16(), 422, "{lang}");
        let body = r.text().await.unwrap();
        assert!(body.contains("id=\"website_url-error\""));
        assert!(body.contains(words), "{lang}");
        assert!(body.contains("value=\"Shop\""), "kept");
    }
    // Changing the channel onto the domain.
    let edit = format!("/en/account/channels/{}", network.channel_id);
    let r = app
        .submit_with(
            &client,
            &edit,
            &edit,
            &channel_form("www.badsite.com", "Mine"),
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("id=\"website_url-error\""));
    let count: i64 = channels::table
        .filter(channels::domain.like("%badsite.com"))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(count, 0);
    // Another domain is fine.
    let r = add_channel(&app, &client, "en", "goodsite.com", "Good").await;
    assert_eq!(location(&r), "/en/account/channels?notice=channel-added");
}

#[tokio::test]
async fn a_banned_participant_cannot_log_in_and_only_the_password_holder_learns_why() {
    let app = common::spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    app.add_ready_publisher("anna@koopjes.nl");
    // Her website's domain (anna-koopjes.nl) is barred, not her address.
    app.submit_with(
        &admin,
        "/en/manage/bans",
        "/en/manage/bans",
        &[("value", "anna-koopjes.nl"), ("reason", "Fake traffic.")],
    )
    .await;
    for (lang, words) in [
        (
            "en",
            "This account is barred from the programme (rule F.11.g)",
        ),
        (
            "nl",
            "Dit account is uitgesloten van het programma (regel F.11.g)",
        ),
    ] {
        let client = app.new_client();
        let r = app
            .log_in_password(&client, lang, "anna@koopjes.nl", PASSWORD)
            .await;
        assert_eq!(r.status().as_u16(), 422, "{lang}");
        let body = r.text().await.unwrap();
        assert!(body.contains(words), "{lang}");
        assert!(!body.contains("Fake traffic"));
        let (status, _) = app.page_with(&client, &format!("/{lang}/account")).await;
        assert_ne!(status, 200, "not logged in");
        // A wrong password hears nothing about the ban.
        let r = app
            .log_in_password(&client, lang, "anna@koopjes.nl", "wrong password here")
            .await;
        let body = r.text().await.unwrap();
        assert!(!body.contains("F.11.g"), "{lang}");
    }
    // Lifted, she logs in again.
    let (id, _, _) = ban(&app, "anna-koopjes.nl");
    app.submit_with(
        &admin,
        "/en/manage/bans",
        &format!("/en/manage/bans/{id}/lift"),
        &[("reason", "Traffic was a competitor's.")],
    )
    .await;
    let client = app.new_client();
    let r = app
        .log_in_password(&client, "en", "anna@koopjes.nl", PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn a_ban_measure_writes_into_the_ban_list_and_lifting_it_keeps_the_row() {
    let app = common::spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let anna = app.add_ready_publisher("anna@koopjes.nl");
    let measure = taken(
        &app,
        &admin,
        anna.participant_id,
        Measure::new(MeasureKind::Ban, &["F.11.g", "E.10.j"], "Repeated fraud.")
            .with("ban", "email")
            .with("ban", "domain"),
    )
    .await;
    let (_, html) = app.page_with(&admin, "/en/manage/bans").await;
    assert!(html.contains("anna@koopjes.nl") && html.contains("anna-koopjes.nl"));
    assert!(html.contains(&format!("by measure {measure}")));
    let page = format!("/en/manage/participants/{}", anna.participant_id);
    let r = app
        .submit_with(
            &admin,
            &page,
            &format!("{page}/measures/{measure}/lift"),
            &[("reason", "Settled.")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        ban(&app, "anna@koopjes.nl"),
        (
            ban(&app, "anna@koopjes.nl").0,
            true,
            Some("Settled.".into())
        )
    );
    assert!(ban(&app, "anna-koopjes.nl").1);
}

#[tokio::test]
async fn a_brand_term_added_by_an_administrator_flags_a_new_channel_in_words() {
    let app = common::spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    app.add_network("net@koopjes.nl", ReviewState::Approved);
    let client = app.client_for("net@koopjes.nl").await;
    // Not on the list yet: a channel with the name is not flagged.
    let r = add_channel(&app, &client, "en", "lazadadeals.nl", "Deals").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(screening(&app, newest_channel(&app)).0, "pending");

    let page = "/en/manage/brands";
    for (term, matching, field) in [
        ("", "contained", "term"),
        ("lazada deals", "contained", "term"),
        ("lazada", "sometimes", "matching"),
        ("AliExpress", "contained", "term"),
    ] {
        let r = app
            .submit_with(
                &admin,
                page,
                page,
                &[("term", term), ("matching", matching)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422, "{term} {matching}");
        assert!(r
            .text()
            .await
            .unwrap()
            .contains(&format!("id=\"{field}-error\"")));
    }
    let r = app
        .submit_with(
            &admin,
            page,
            page,
            &[("term", " Lazada "), ("matching", "contained")],
        )
        .await;
    assert_eq!(location(&r), "/en/manage/brands?notice=brand-term-added");
    assert_eq!(audit::count(&app, "brand_term_added"), 1);

    let r = add_channel(&app, &client, "en", "mylazadashop.nl", "My shop").await;
    assert_eq!(r.status().as_u16(), 303);
    let id = newest_channel(&app);
    assert_eq!(screening(&app, id).0, "flagged");
    // The participant reads the term found and the rule, in each language.
    for (lang, words) in [
        (
            "en",
            "contains lazada, a brand of the Alibaba Group (A.1.e). Rule B.5.a",
        ),
        (
            "nl",
            "bevat lazada, een merk van de Alibaba Group (A.1.e). Volgens regel B.5.a",
        ),
    ] {
        let (_, html) = app
            .page_with(&client, &format!("/{lang}/account/channels"))
            .await;
        assert!(html.contains(words), "{lang}");
    }
    // So does the manager, in the review queue.
    let (_, html) = app.page_with(&admin, "/nl/manage").await;
    assert!(html.contains("bevat lazada"));

    // Removed, it flags nothing new.
    let term_id: i64 = portal::db::schema::brand_terms::table
        .filter(portal::db::schema::brand_terms::term.eq("lazada"))
        .select(portal::db::schema::brand_terms::id)
        .first(&mut *app.conn())
        .unwrap();
    let r = app
        .submit_with(&admin, page, &format!("{page}/{term_id}/remove"), &[])
        .await;
    assert_eq!(location(&r), "/en/manage/brands?notice=brand-term-removed");
    assert_eq!(audit::count(&app, "brand_term_removed"), 1);
    add_channel(&app, &client, "en", "lazada-koopjes.nl", "Koopjes").await;
    assert_eq!(screening(&app, newest_channel(&app)).0, "pending");
}

#[tokio::test]
async fn a_whole_word_term_does_not_flag_a_word_that_contains_it() {
    let app = common::spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    app.add_network("net@koopjes.nl", ReviewState::Approved);
    let client = app.client_for("net@koopjes.nl").await;
    let page = "/en/manage/brands";
    let r = app
        .submit_with(
            &admin,
            page,
            page,
            &[("term", "ae"), ("matching", "whole_word")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    add_channel(&app, &client, "en", "maestro-deals.nl", "Maestro deals").await;
    assert_eq!(screening(&app, newest_channel(&app)).0, "pending");
    add_channel(&app, &client, "en", "ae-deals.nl", "Deals").await;
    let (state, note) = screening(&app, newest_channel(&app));
    assert_eq!(state, "flagged");
    assert!(note.unwrap().contains("\"terms\":\"ae\""));
}

#[tokio::test]
async fn a_domain_another_participant_uses_is_flagged_with_the_reason_naming_no_one() {
    let app = common::spawn_app().await;
    // anna has a channel on anna-koopjes.nl (the fixture's domain).
    app.add_ready_publisher("anna@koopjes.nl");
    app.add_network("bob@example.org", ReviewState::Approved);
    let bob = app.client_for("bob@example.org").await;
    let r = add_channel(&app, &bob, "en", "https://www.anna-koopjes.nl/bob", "Bob").await;
    assert_eq!(r.status().as_u16(), 303);
    let id = newest_channel(&app);
    let (state, note) = screening(&app, id);
    assert_eq!(state, "flagged");
    assert!(note.unwrap().contains("duplicate_domain"));
    for (lang, words) in [
        (
            "en",
            "Another participant already has a channel on anna-koopjes.nl.",
        ),
        (
            "nl",
            "Een andere deelnemer heeft al een kanaal op anna-koopjes.nl.",
        ),
    ] {
        let (_, html) = app
            .page_with(&bob, &format!("/{lang}/account/channels"))
            .await;
        assert!(html.contains(words), "{lang}");
        assert!(!html.contains("anna@koopjes.nl") && !html.contains("Bedrijf anna"));
    }
    // A domain of his own is not flagged, nor is his own domain used twice.
    add_channel(&app, &bob, "en", "bob-deals.nl", "Deals").await;
    assert_eq!(screening(&app, newest_channel(&app)).0, "pending");
    add_channel(&app, &bob, "en", "bob-deals.nl/tweede", "Tweede").await;
    assert_eq!(screening(&app, newest_channel(&app)).0, "pending");
}

#[tokio::test]
async fn a_dutch_participant_reads_a_screening_note_in_dutch() {
    let app = common::spawn_app().await;
    let p = app.add_publisher("jan@koopjes.nl", ReviewState::Flagged);
    // As the migration stores the notes that were English text ("B.5.a: contains aliexpress").
    app.sql(&format!(
        "UPDATE channels SET screening_note = '[{{\"key\":\"brand\",\"args\":{{\"terms\":\"aliexpress\"}}}}]' WHERE id = {}",
        p.channel_id
    ));
    let client = app.client_for("jan@koopjes.nl").await;
    let (_, html) = app.page_with(&client, "/nl/account/channels").await;
    assert!(
        html.contains("De naam of het adres bevat aliexpress"),
        "{html}"
    );
    assert!(!html.contains("contains"));
    let (_, html) = app.page_with(&client, "/en/account/channels").await;
    assert!(html.contains("The name or address contains aliexpress"));
}

/// Two administrators barring the same domain at the same moment, then lifting it: one adds it
/// and the other finds it barred, one lifts it and the other finds nothing to lift — one audit
/// line each, never a failure (on PostgreSQL only the unique index and the row lock order them).
#[tokio::test]
async fn two_administrators_barring_and_lifting_the_same_domain_at_once_do_it_once() {
    use portal::enforcement::bans::{add, lift, Added, Target};
    let app = common::spawn_app().await;
    let actor = |name: &str| portal::audit::Actor::command(name);
    for round in 0..5 {
        let domain = format!("race-{round}.com");
        let target = Target::parse(&domain).unwrap();
        let now = portal::db::now();
        let jobs: Vec<common::Job<Added>> = (0..2)
            .map(|n| {
                let target = target.clone();
                let job: common::Job<Added> = Box::new(move |conn| {
                    add(conn, &actor(&format!("admin {n}")), &target, "Fraud.", now).unwrap()
                });
                job
            })
            .collect();
        let mut added: Vec<String> = app
            .at_once(jobs)
            .iter()
            .map(|a| match a {
                Added::Added(_) => "added".to_owned(),
                Added::Already(_) => "already".to_owned(),
            })
            .collect();
        added.sort();
        assert_eq!(added, ["added", "already"], "round {round}");
        let (id, _, _) = ban(&app, &domain);
        let jobs: Vec<common::Job<bool>> = (0..2)
            .map(|n| {
                let job: common::Job<bool> = Box::new(move |conn| {
                    lift(conn, &actor(&format!("admin {n}")), id, "Settled.", now)
                        .unwrap()
                        .is_some()
                });
                job
            })
            .collect();
        let mut lifted = app.at_once(jobs);
        lifted.sort();
        assert_eq!(lifted, [false, true], "round {round}");
    }
    assert_eq!(audit::count(&app, "ban_added"), 5);
    assert_eq!(audit::count(&app, "ban_lifted"), 5);
}

/// The migration turns the English notes stored before ("B.5.a: contains ali, aliexpress") into
/// the brand note with its terms, on either database, so a Dutch participant reads it in Dutch.
#[tokio::test]
async fn the_migration_turns_stored_english_notes_into_keys_with_arguments() {
    use portal::config::DatabaseKind;
    let app = common::spawn_app().await;
    let p = app.add_publisher("jan@koopjes.nl", ReviewState::Flagged);
    let other = app.add_publisher("piet@koopjes.nl", ReviewState::Flagged);
    app.sql(&format!(
        "UPDATE channels SET screening_note = 'B.5.a: contains ali, aliexpress' WHERE id = {}",
        p.channel_id
    ));
    app.sql(&format!(
        "UPDATE channels SET screening_note = 'checked by hand' WHERE id = {}",
        other.channel_id
    ));
    let dialect = match app.kind() {
        DatabaseKind::Sqlite => "sqlite",
        DatabaseKind::Postgres => "postgres",
    };
    let up = std::fs::read_to_string(format!(
        "{}/migrations/{dialect}/2026-12-07-000020_lists/up.sql",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let update = &up[up.rfind("UPDATE channels").expect("the notes' UPDATE")..];
    app.sql(update.trim().trim_end_matches(';'));
    assert_eq!(
        screening(&app, p.channel_id).1.as_deref(),
        Some(r#"[{"key":"brand","args":{"terms":"ali, aliexpress"}}]"#)
    );
    // A note it cannot read stays as it was (and is shown as it is).
    assert_eq!(
        screening(&app, other.channel_id).1.as_deref(),
        Some("checked by hand")
    );
    let client = app.client_for("jan@koopjes.nl").await;
    let (_, html) = app.page_with(&client, "/nl/account/channels").await;
    assert!(html.contains("De naam of het adres bevat ali, aliexpress"));
}
