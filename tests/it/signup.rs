//! Signing up in three steps and activating by e-mail (a real SMTP conversation) — and every bad
//! input on the way. Logging in, passwords and sessions are in `auth.rs`.

use crate::common;
use portal::db::ids::ParticipantId;

use crate::common::{
    location, spawn_app, spawn_app_with, strip_tokens, Options, ReviewState, TestApp,
};
use diesel::prelude::*;
use portal::db::schema::{accounts, channels, participants};

const PASSWORD: &str = "groene fiets op het dak";

fn channel_fields<'a>() -> Vec<(&'a str, &'a str)> {
    vec![
        ("website_url", "www.koopjesblog.nl"),
        ("channel_name", "Koopjesblog"),
        ("category", "content"),
        ("participant_kind", "publisher"),
        ("promotion_methods", "content"),
        ("promotion_methods", "reviews"),
        ("company_name", "Koopjes B.V."),
        ("contact_name", "Jan Jansen"),
        ("country", "NL"),
    ]
}

/// Steps 1 to 3 with `client`; returns the last response.
async fn sign_up(
    app: &TestApp,
    client: &reqwest::Client,
    lang: &str,
    email: &str,
    channel: &[(&str, &str)],
) -> reqwest::Response {
    let step1 = format!("/{lang}/signup");
    let r = app
        .submit_with(client, &step1, &step1, &[("email", email)])
        .await;
    assert_eq!(r.status().as_u16(), 303, "step 1");
    assert_eq!(location(&r), format!("/{lang}/signup/channel"));
    let step2 = format!("/{lang}/signup/channel");
    let r = app.submit_with(client, &step2, &step2, channel).await;
    assert_eq!(
        r.status().as_u16(),
        303,
        "step 2: {}",
        r.text().await.unwrap()
    );
    let step3 = format!("/{lang}/signup/account");
    app.submit_with(
        client,
        &step3,
        &step3,
        &[
            ("password", PASSWORD),
            ("password_confirm", PASSWORD),
            ("accept_rules", "yes"),
        ],
    )
    .await
}

fn account_count(app: &TestApp) -> i64 {
    accounts::table.count().get_result(&mut app.conn()).unwrap()
}

#[tokio::test]
async fn a_new_publisher_signs_up_activates_logs_in_and_out_in_each_language() {
    let app = spawn_app().await;
    for (lang, email, subject, pending, activated) in [
        (
            "nl",
            "jan@koopjes.nl",
            "Activeer uw Partnerlink-account",
            "Wacht op beoordeling",
            "Uw account is geactiveerd",
        ),
        (
            "en",
            "ann@bargains.example.com",
            "Activate your Partnerlink account",
            "Awaiting review",
            "Your account is activated",
        ),
    ] {
        let client = app.new_client();
        // The steps say where the visitor is.
        let (status, page) = app.page_with(&client, &format!("/{lang}/signup")).await;
        assert_eq!(status, 200);
        assert!(page.contains(if lang == "nl" {
            "Stap 1 uit 3"
        } else {
            "Step 1 of 3"
        }));

        let mut channel = channel_fields();
        channel[0].1 = if lang == "nl" {
            "www.koopjesblog.nl"
        } else {
            "bargains-blog.com"
        };
        let r = sign_up(&app, &client, lang, email, &channel).await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), format!("/{lang}/signup/sent"));

        let mail = app.smtp().wait_for(email, 0).await;
        assert_eq!(mail.subject(), subject);
        assert!(
            mail.html().contains("<a href=\"http://127.0.0.1"),
            "HTML part with a link"
        );
        let link = mail.link_containing("/activate/").expect("activation link");

        // Logging in before activating explains what to do.
        let r = app.log_in(&client, lang, email, PASSWORD).await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(body.contains(&format!("href=\"/{lang}/signup/resend\"")));

        let r = app.activate_with(&client, &link, PASSWORD).await;
        assert_eq!(r.status().as_u16(), 200);
        assert!(r.text().await.unwrap().contains(activated));

        let r = app.log_in(&client, lang, email, PASSWORD).await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(location(&r), format!("/{lang}/account"));
        let dashboard = client
            .get(app.url(&format!("/{lang}/account")))
            .send()
            .await
            .unwrap();
        assert_eq!(dashboard.status().as_u16(), 200);
        let body = dashboard.text().await.unwrap();
        assert!(body.contains(email));
        assert!(body.contains("Publisher"));
        assert!(body.contains("Koopjesblog"));
        assert!(body.contains(pending));

        // Log out (a POST with the CSRF token), and the dashboard is closed again.
        let token = common::csrf_token(&body).unwrap();
        let r = client
            .post(app.url("/logout"))
            .form(&[("csrf_token", token.as_str()), ("lang", lang)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303);
        let r = client
            .get(app.url(&format!("/{lang}/account")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303);
        assert!(location(&r).starts_with(&format!("/{lang}/login")));
    }
    // Signing up accepted the rules in force (version 1), recorded with its time: no request to
    // accept them at the first login (it went to the dashboard above).
    let accepted: Vec<(i32, chrono::NaiveDateTime)> = {
        use portal::db::schema::{rules_acceptances, rules_versions};
        rules_acceptances::table
            .inner_join(rules_versions::table)
            .select((rules_versions::number, rules_acceptances::accepted_at))
            .load(&mut *app.conn())
            .unwrap()
    };
    assert_eq!(accepted.len(), 2);
    assert!(accepted.iter().all(|(number, _)| *number == 1));
}

#[tokio::test]
async fn without_smtp_the_activation_mail_lands_in_the_outbox() {
    let app = spawn_app_with(Options {
        smtp: false,
        ..Options::default()
    })
    .await;
    let client = app.new_client();
    let r = sign_up(&app, &client, "nl", "outbox@koopjes.nl", &channel_fields()).await;
    assert_eq!(r.status().as_u16(), 303);
    // The queue's worker writes the file.
    app.mail_sent().await;
    let outbox = app.settings.outbox_dir();
    let files: Vec<_> = std::fs::read_dir(&outbox).unwrap().collect();
    assert_eq!(files.len(), 1);
    let path = files[0].as_ref().unwrap().path();
    assert_eq!(path.extension().unwrap(), "eml");
    let raw = std::fs::read(path).unwrap();
    let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
    assert_eq!(message.subject(), Some("Activeer uw Partnerlink-account"));
    assert!(message.body_text(0).unwrap().contains("/activate/"));
}

#[tokio::test]
async fn skipping_steps_sends_the_visitor_to_step_one_with_a_message() {
    let app = spawn_app().await;
    for path in ["/nl/signup/channel", "/en/signup/account"] {
        let r = app.get(path).await;
        assert_eq!(r.status().as_u16(), 303, "{path}");
        assert!(location(&r).ends_with("/signup?expired=1"));
    }
    let (_, page) = app.page("/nl/signup?expired=1").await;
    assert!(page.contains("Uw aanmelding is verlopen"));

    // Step 3 before step 2 is valid: back to step 2.
    let r = app
        .submit("/en/signup", &[("email", "skip@example.org")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app.get("/en/signup/account").await;
    assert_eq!(location(&r), "/en/signup/channel");
}

#[tokio::test]
async fn going_back_or_refreshing_keeps_what_was_typed() {
    let app = spawn_app().await;
    app.submit("/nl/signup", &[("email", "terug@koopjes.nl")])
        .await;
    // Step 2 with a mistake: everything typed comes back, with the message beside the field.
    let mut fields = channel_fields();
    fields[0].1 = "ftp://koopjes.nl";
    let r = app.submit("/nl/signup/channel", &fields).await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("id=\"website_url-error\""));
    assert!(body.contains("Alleen adressen die met http:// of https:// beginnen"));
    assert!(body.contains("value=\"ftp://koopjes.nl\""));
    assert!(body.contains("value=\"Koopjesblog\""));
    assert!(body.contains("value=\"reviews\" id=\"promotion_methods-reviews\" checked"));
    assert!(body.contains("<option value=\"NL\" selected>Nederland</option>"));
    // An error summary links to the field.
    assert!(body.contains("<a href=\"#website_url\">"));

    // A fresh GET (back button, refresh) shows the same input.
    let (_, again) = app.page("/nl/signup/channel").await;
    assert!(again.contains("value=\"ftp://koopjes.nl\""));
    assert!(again.contains("value=\"Jan Jansen\""));
    let (_, step1) = app.page("/nl/signup").await;
    assert!(step1.contains("value=\"terug@koopjes.nl\""));
}

#[tokio::test]
async fn step_one_bad_inputs_get_a_message_and_keep_the_input() {
    let app = spawn_app().await;
    let long = format!("{}@example.org", "a".repeat(250));
    for (lang, input, message) in [
        ("nl", "", "Vul uw e-mailadres in."),
        ("en", "   ", "Enter your e-mail address."),
        ("en", "not-an-address", "Enter a valid e-mail address"),
        ("nl", "jan@@koopjes.nl", "Vul een geldig e-mailadres in"),
        ("en", "jаn@example.org", "Enter a valid e-mail address"), // Cyrillic а
        ("en", "<script>@x.org", "Enter a valid e-mail address"),
        ("en", long.as_str(), "at most 254 characters"),
    ] {
        let path = format!("/{lang}/signup");
        let r = app.submit(&path, &[("email", input)]).await;
        assert_eq!(r.status().as_u16(), 422, "{input:?}");
        let body = r.text().await.unwrap();
        assert!(body.contains(message), "{input:?}: {message}");
        assert!(body.contains("id=\"email-error\""));
        assert!(body.contains("aria-invalid=\"true\""));
        if input == "<script>@x.org" {
            assert!(
                body.contains("value=\"&#60;script&#62;@x.org\"")
                    || body.contains("value=\"&lt;script&gt;@x.org\"")
            );
            assert!(!body.contains("<script>@x.org"));
        }
    }
    assert_eq!(account_count(&app), 0);
}

#[tokio::test]
async fn step_two_bad_inputs_get_a_message_next_to_their_field() {
    let app = spawn_app().await;
    app.submit("/en/signup", &[("email", "fields@example.org")])
        .await;
    let long_name = "x".repeat(101);
    let cases: Vec<(&str, &str, &str)> = vec![
        ("website_url", "", "Enter your website"),
        (
            "website_url",
            "javascript:alert(1)",
            "Only addresses starting with http",
        ),
        (
            "website_url",
            "https://user:secret@shop.nl",
            "may not contain a user name or password",
        ),
        (
            "website_url",
            "http://localhost:8080",
            "Enter the address of a public website",
        ),
        (
            "website_url",
            "http://192.168.1.1",
            "Enter the address of a public website",
        ),
        (
            "website_url",
            "www.\u{430}liexpress-deals.nl",
            "look-alike letters from another script",
        ),
        (
            "channel_name",
            "",
            "Enter the name of your advertising channel.",
        ),
        ("channel_name", "x", "at least 2 characters"),
        ("channel_name", long_name.as_str(), "at most 100 characters"),
        ("channel_name", "Shop<b>", "characters that are not allowed"),
        // Direction controls and other invisible format characters: the message says so,
        // since nobody sees what is wrong (issue 20).
        (
            "channel_name",
            "Shop\u{202e}evil",
            "contains an invisible formatting character",
        ),
        (
            "company_name",
            "Koopjes\u{200b} B.V.",
            "contains an invisible formatting character",
        ),
        (
            "contact_name",
            "\u{2066}Anna de Vries",
            "contains an invisible formatting character",
        ),
        ("category", "", "Choose the kind of website."),
        ("category", "casino", "Choose the kind of website."),
        (
            "participant_kind",
            "",
            "Choose whether you are a publisher or a network.",
        ),
        (
            "participant_kind",
            "advertiser",
            "Choose whether you are a publisher or a network.",
        ),
        ("company_name", "", "Enter your company name."),
        ("contact_name", " ", "Enter the contact person"),
        ("country", "", "Choose a country from the list."),
        ("country", "XX", "Choose a country from the list."),
        ("country", "nl", "Choose a country from the list."),
    ];
    for (field, value, message) in cases {
        let mut fields: Vec<(&str, &str)> = channel_fields()
            .into_iter()
            .filter(|(k, _)| *k != field)
            .collect();
        fields.push((field, value));
        let r = app.submit("/en/signup/channel", &fields).await;
        assert_eq!(r.status().as_u16(), 422, "{field}={value:?}");
        let body = r.text().await.unwrap();
        assert!(
            body.contains(&format!("id=\"{field}-error\"")),
            "{field}={value:?}"
        );
        assert!(body.contains(message), "{field}={value:?}: {message}");
        // The other fields keep their values.
        if field != "company_name" {
            assert!(body.contains("value=\"Koopjes B.V.\""), "{field}");
        }
    }
    // No promotion method, or one we do not know.
    let without: Vec<(&str, &str)> = channel_fields()
        .into_iter()
        .filter(|(k, _)| *k != "promotion_methods")
        .collect();
    let r = app.submit("/en/signup/channel", &without).await;
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Choose at least one promotion method."));
    let mut unknown = without.clone();
    unknown.push(("promotion_methods", "spam"));
    let r = app.submit("/en/signup/channel", &unknown).await;
    assert_eq!(r.status().as_u16(), 422);
    assert_eq!(account_count(&app), 0);
}

#[tokio::test]
async fn step_three_bad_inputs_create_nothing() {
    let app = spawn_app().await;
    app.submit("/nl/signup", &[("email", "wachtwoord@koopjes.nl")])
        .await;
    let r = app.submit("/nl/signup/channel", &channel_fields()).await;
    assert_eq!(r.status().as_u16(), 303);
    let long = "x".repeat(129);
    for (password, confirm, accept, field, message) in [
        ("kort", "kort", "yes", "password", "minstens 12 tekens"),
        (
            "éénéénéén",
            "éénéénéén",
            "yes",
            "password",
            "minstens 12 tekens",
        ),
        (
            long.as_str(),
            long.as_str(),
            "yes",
            "password",
            "hoogstens 128 tekens",
        ),
        (
            "password1234",
            "password1234",
            "yes",
            "password",
            "komt te vaak voor",
        ),
        (
            "mijn naam is wachtwoord!",
            "mijn naam is wachtwoord!",
            "yes",
            "password",
            "mag uw e-mailadres niet bevatten",
        ),
        (
            PASSWORD,
            "iets anders dan dat",
            "yes",
            "password_confirm",
            "niet gelijk",
        ),
        (
            PASSWORD,
            "",
            "yes",
            "password_confirm",
            "Herhaal het wachtwoord.",
        ),
        (
            PASSWORD,
            PASSWORD,
            "",
            "accept_rules",
            "akkoord gaat met de regels",
        ),
        (
            PASSWORD,
            PASSWORD,
            "no",
            "accept_rules",
            "akkoord gaat met de regels",
        ),
    ] {
        let r = app
            .submit(
                "/nl/signup/account",
                &[
                    ("password", password),
                    ("password_confirm", confirm),
                    ("accept_rules", accept),
                ],
            )
            .await;
        assert_eq!(
            r.status().as_u16(),
            422,
            "{password:?} {confirm:?} {accept:?}"
        );
        let body = r.text().await.unwrap();
        assert!(body.contains(&format!("id=\"{field}-error\"")), "{field}");
        assert!(body.contains(message), "{message}");
        // Passwords are never written back into the page.
        assert!(!body.contains(&format!("value=\"{password}\"")) || password.is_empty());
    }
    assert_eq!(account_count(&app), 0);
    app.mail_sent().await;
    assert_eq!(app.smtp().count(), 0);
}

#[tokio::test]
async fn posts_without_the_csrf_token_are_refused_with_a_clear_page() {
    let app = spawn_app().await;
    // No token at all, a wrong token, and a token from another session.
    let other = app.new_client();
    let page = other
        .get(app.url("/en/signup"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let foreign = common::csrf_token(&page).unwrap();
    app.get("/en/signup").await;
    for (path, token) in [
        ("/en/signup", None),
        ("/nl/signup", Some("0000")),
        ("/en/signup", Some(foreign.as_str())),
        ("/en/login", None),
        ("/nl/signup/resend", None),
        ("/en/password/forgot", Some("")),
    ] {
        let mut form = vec![("email", "csrf@example.org"), ("password", PASSWORD)];
        if let Some(t) = token {
            form.push(("csrf_token", t));
        }
        let r = app
            .client
            .post(app.url(path))
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 403, "{path}");
        let body = r.text().await.unwrap();
        assert!(
            body.contains("Access denied") || body.contains("Geen toegang"),
            "{path}"
        );
    }
    let r = app
        .client
        .post(app.url("/logout"))
        .form(&[("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(account_count(&app), 0);
}

#[tokio::test]
async fn a_platform_seller_may_join_but_not_with_its_own_storefront_and_the_answer_is_kept() {
    let app = spawn_app().await;
    for (lang, own_storefront, not_a_storefront) in [
        (
            "en",
            "Under rule E.10.k a seller may take part, but may not advertise their own storefront",
            "This is not a storefront on AliExpress.",
        ),
        (
            "nl",
            "Volgens regel E.10.k mag een verkoper deelnemen, maar geen reclame maken voor zijn eigen winkel",
            "Dit is geen winkel op AliExpress.",
        ),
    ] {
        let client = app.new_client();
        let step1 = format!("/{lang}/signup");
        let step2 = format!("/{lang}/signup/channel");
        app.submit_with(&client, &step1, &step1, &[("email", &format!("seller-{lang}@example.org"))])
            .await;
        // A seller names its storefront.
        let mut fields = channel_fields();
        fields.push(("is_platform_seller", "yes"));
        let r = app.submit_with(&client, &step2, &step2, &fields).await;
        assert_eq!(r.status().as_u16(), 422, "{lang}");
        let body = r.text().await.unwrap();
        assert!(body.contains("id=\"storefront_url-error\""));
        assert!(body.contains("value=\"Koopjesblog\""));
        assert!(body.contains("id=\"is_platform_seller\" name=\"is_platform_seller\" value=\"yes\""));
        let mut fields = channel_fields();
        fields.push(("is_platform_seller", "yes"));
        fields.push(("storefront_url", "https://www.aliexpress.com/"));
        let r = app.submit_with(&client, &step2, &step2, &fields).await;
        assert!(r.text().await.unwrap().contains(not_a_storefront), "{lang}");
        // Its own storefront cannot be its channel (E.10.k, said next to the website).
        let mut fields = channel_fields();
        fields[0].1 = "https://aliexpress.com/store/912345/pages/all.html";
        fields.push(("is_platform_seller", "yes"));
        fields.push(("storefront_url", "www.aliexpress.com/store/912345"));
        let r = app.submit_with(&client, &step2, &step2, &fields).await;
        assert_eq!(r.status().as_u16(), 422);
        let body = r.text().await.unwrap();
        assert!(body.contains("id=\"website_url-error\""));
        assert!(body.contains(own_storefront), "{lang}");
        assert!(body.contains("value=\"www.aliexpress.com/store/912345\""), "kept");
        let r = app.get(&format!("/{lang}/signup/account")).await;
        assert_ne!(r.status().as_u16(), 200);
    }
    // With a website of its own the seller joins, and the answer stays with the channel.
    let client = app.new_client();
    let mut fields = channel_fields();
    fields.push(("is_platform_seller", "yes"));
    fields.push(("storefront_url", "https://www.aliexpress.com/store/912345"));
    let r = sign_up(&app, &client, "en", "seller@example.org", &fields).await;
    assert_eq!(r.status().as_u16(), 303);
    let kept: (bool, Option<String>) = channels::table
        .select((channels::platform_seller, channels::storefront_url))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(
        kept,
        (true, Some("https://www.aliexpress.com/store/912345".into()))
    );
    // The account manager sees it when reviewing the channel.
    let seller = app.account_id("seller@example.org");
    portal::accounts::activate(&mut app.conn(), seller).unwrap();
    let manager = app.manager("beheer@partnerlink.nl").await;
    let (_, html) = app.page_with(&manager, "/nl/manage").await;
    assert!(html.contains("Verkoopt op AliExpress (E.10.k)"));
    assert!(html.contains("https://www.aliexpress.com/store/912345"));
    // And on the participant's page, also once the channel is decided.
    let participant: ParticipantId = participants::table
        .select(participants::id)
        .first(&mut app.conn())
        .unwrap();
    let channel = common::fixtures::only_channel(&mut app.conn(), participant);
    app.set_review_state(channel, ReviewState::Approved);
    let (_, html) = app
        .page_with(&manager, &format!("/en/manage/participants/{participant}"))
        .await;
    assert!(html.contains("Sells on AliExpress (E.10.k): https://www.aliexpress.com/store/912345"));
}

#[tokio::test]
async fn barred_addresses_and_domains_are_refused_without_saying_why() {
    let app = spawn_app().await;
    use portal::enforcement::bans::{self, Target};
    let new_year = common::moment("2026-01-01 00:00:00");
    for (value, reason) in [
        ("banned@example.org", "F.11.g fraud"),
        ("spamdomain.net", "F.11.g"),
        ("badsite.com", "F.11.g"),
    ] {
        let target = Target::parse(value).unwrap();
        bans::put(&mut app.conn(), &target, reason, None, None, new_year).unwrap();
    }
    for email in ["banned@example.org", "Anyone@SpamDomain.net"] {
        let r = app.submit("/en/signup", &[("email", email)]).await;
        assert_eq!(r.status().as_u16(), 422, "{email}");
        let body = r.text().await.unwrap();
        assert!(body.contains("Please contact the publisher team."));
        assert!(!body.contains("fraud") && !body.contains("F.11.g"));
    }
    // A website on a barred domain, at step 2.
    app.submit("/en/signup", &[("email", "fine@example.org")])
        .await;
    let mut fields = channel_fields();
    fields[0].1 = "https://www.badsite.com/blog";
    let r = app.submit("/en/signup/channel", &fields).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("id=\"website_url-error\""));
    assert_eq!(
        location(&app.get("/en/signup/account").await),
        "/en/signup/channel"
    );
}

#[tokio::test]
async fn a_brand_in_the_channel_name_or_domain_is_flagged_for_review() {
    let app = spawn_app().await;
    let client = app.new_client();
    let mut fields = channel_fields();
    fields[0].1 = "aliexpress-koopjes.nl";
    fields[1].1 = "Ali Koopjes";
    let r = sign_up(&app, &client, "nl", "brand@koopjes.nl", &fields).await;
    assert_eq!(r.status().as_u16(), 303);
    let (state, note): (String, Option<String>) = channels::table
        .select((channels::review_state, channels::screening_note))
        .first(&mut app.conn())
        .unwrap();
    assert_eq!(state, "flagged");
    assert!(note
        .unwrap()
        .contains(r#"{"key":"brand","args":{"terms":"ali, aliexpress"}}"#));

    // "australia" is no brand.
    let client = app.new_client();
    let mut fields = channel_fields();
    fields[0].1 = "australia-travel.com";
    fields[1].1 = "Australia Travel";
    sign_up(&app, &client, "en", "travel@example.org", &fields).await;
    let states: Vec<String> = channels::table
        .order(channels::id)
        .select(channels::review_state)
        .load(&mut app.conn())
        .unwrap();
    assert_eq!(states, ["flagged", "pending"]);
}

#[tokio::test]
async fn signing_up_twice_with_one_address_reveals_nothing_and_mails_the_owner() {
    let app = spawn_app().await;
    let first = sign_up(
        &app,
        &app.new_client(),
        "nl",
        "twice@koopjes.nl",
        &channel_fields(),
    )
    .await;
    let second = sign_up(
        &app,
        &app.new_client(),
        "en",
        "Twice@Koopjes.nl",
        &channel_fields(),
    )
    .await;
    assert_eq!(first.status(), second.status());
    assert_eq!(location(&first).replace("/nl/", "/en/"), location(&second));
    assert_eq!(account_count(&app), 1);
    let participants: i64 = participants::table
        .count()
        .get_result(&mut app.conn())
        .unwrap();
    assert_eq!(participants, 1);
    let second_mail = app.smtp().wait_for("twice@koopjes.nl", 1).await;
    // In the language of the existing account.
    assert_eq!(second_mail.subject(), "U heeft al een Partnerlink-account");
    assert!(second_mail.link_containing("/nl/login").is_some());
}

#[tokio::test]
async fn activation_links_work_once_and_only_within_48_hours() {
    let app = spawn_app().await;
    sign_up(
        &app,
        &app.new_client(),
        "en",
        "once@example.org",
        &channel_fields(),
    )
    .await;
    let link = app
        .smtp()
        .wait_for("once@example.org", 0)
        .await
        .link_containing("/activate/")
        .unwrap();
    // Opening the link (a mail scanner does too) uses nothing up: it asks for the password.
    for _ in 0..2 {
        let page = app.client.get(&link).send().await.unwrap();
        assert_eq!(page.status().as_u16(), 200);
        assert!(page.text().await.unwrap().contains("Activate my account"));
    }
    let r = app.activate_with(&app.client, &link, PASSWORD).await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Your account is activated"));
    let replay = app.client.get(&link).send().await.unwrap();
    assert_eq!(replay.status().as_u16(), 404);
    assert!(replay
        .text()
        .await
        .unwrap()
        .contains("has been used already"));
    let replay = app
        .client
        .post(&link)
        .form(&[("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status().as_u16(), 403, "no CSRF token");

    for bad in [
        "/activate/abc",
        "/activate/../../etc/passwd",
        &format!("/activate/{}", "0".repeat(64)),
    ] {
        let r = app.get(bad).await;
        assert_eq!(r.status().as_u16(), 404, "{bad}");
    }

    sign_up(
        &app,
        &app.new_client(),
        "en",
        "late@example.org",
        &channel_fields(),
    )
    .await;
    let link = app
        .smtp()
        .wait_for("late@example.org", 0)
        .await
        .link_containing("/activate/")
        .unwrap();
    app.sql("UPDATE account_tokens SET expires_at = '2000-01-01 00:00:00' WHERE used_at IS NULL");
    let r = app.client.get(&link).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
    assert!(r.text().await.unwrap().contains("has expired"));
    let active: Option<chrono::NaiveDateTime> = accounts::table
        .filter(accounts::email.eq("late@example.org"))
        .select(accounts::activated_at)
        .first(&mut app.conn())
        .unwrap();
    assert!(active.is_none());
}

#[tokio::test]
async fn a_new_link_can_be_sent_and_the_old_one_stops_working() {
    let app = spawn_app().await;
    sign_up(
        &app,
        &app.new_client(),
        "nl",
        "opnieuw@koopjes.nl",
        &channel_fields(),
    )
    .await;
    let old = app
        .smtp()
        .wait_for("opnieuw@koopjes.nl", 0)
        .await
        .link_containing("/activate/")
        .unwrap();
    let known = app
        .submit("/nl/signup/resend", &[("email", "opnieuw@koopjes.nl")])
        .await;
    let unknown = app
        .submit("/nl/signup/resend", &[("email", "niemand@koopjes.nl")])
        .await;
    // The same answer for a known and an unknown address.
    assert_eq!(known.status(), unknown.status());
    let (known, unknown) = (known.text().await.unwrap(), unknown.text().await.unwrap());
    assert!(known.contains("hebben wij een nieuwe link gestuurd"));
    assert_eq!(strip_tokens(&known), strip_tokens(&unknown));

    let new = app
        .smtp()
        .wait_for("opnieuw@koopjes.nl", 1)
        .await
        .link_containing("/activate/")
        .unwrap();
    assert_ne!(old, new);
    assert_eq!(
        app.client.get(&old).send().await.unwrap().status().as_u16(),
        404
    );
    assert_eq!(
        app.client.get(&new).send().await.unwrap().status().as_u16(),
        200
    );

    // At most three mails an hour per address.
    sign_up(
        &app,
        &app.new_client(),
        "en",
        "often@example.org",
        &channel_fields(),
    )
    .await;
    for _ in 0..5 {
        app.submit("/en/signup/resend", &[("email", "often@example.org")])
            .await;
    }
    // Once the queue is empty every mail sent has arrived.
    app.mail_sent().await;
    assert_eq!(app.smtp().mails_to("often@example.org").len(), 1 + 3);

    let r = app
        .submit("/en/signup/resend", &[("email", "no address")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
}

#[tokio::test]
async fn odd_request_bodies_never_cause_a_server_error() {
    let app = spawn_app().await;
    let page = app.get("/en/signup").await.text().await.unwrap();
    let token = common::csrf_token(&page).unwrap();
    for body in [
        format!("csrf_token={token}&email=%ZZ%%"),
        format!("csrf_token={token}&email=\u{0}\u{1}"),
        format!("csrf_token={token}&email[]=a&email[]=b"),
        format!("csrf_token={token}&{}", "x=1&".repeat(5000)),
    ] {
        let r = app
            .client
            .post(app.url("/en/signup"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_client_error(), "{}", r.status());
    }
    let r = app
        .client
        .post(app.url("/en/signup"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, 0x00, 0x80])
        .send()
        .await
        .unwrap();
    // A NUL in the body is refused before anything else (security 16).
    assert_eq!(r.status().as_u16(), 400);
    let r = app
        .client
        .post(app.url("/en/signup"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, 0x80])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

/// Security issue 14, weakness 10: someone signs up under another person's address with a
/// password of their own. The owner's click on the mail no longer activates the stranger's
/// password: the link asks for it, a wrong one is said next to the field, and the owner takes
/// the address over by choosing a new password through a reset link instead.
#[tokio::test]
async fn a_signup_under_someone_elses_address_cannot_be_activated_without_its_password() {
    let app = spawn_app().await;
    let owner = "eigenaar@koopjes.nl";
    sign_up(&app, &app.new_client(), "nl", owner, &channel_fields()).await;
    let link = app
        .smtp()
        .wait_for(owner, 0)
        .await
        .link_containing("/activate/")
        .unwrap();
    let client = app.new_client();
    for wrong in ["", "niet mijn wachtwoord"] {
        let r = app.activate_with(&client, &link, wrong).await;
        assert_eq!(r.status().as_u16(), 422, "{wrong:?}");
        let page = r.text().await.unwrap();
        let expected = if wrong.is_empty() {
            "Vul uw wachtwoord in."
        } else {
            "Dit is niet het wachtwoord dat bij het aanmelden is gekozen."
        };
        assert!(page.contains(expected), "{page}");
        assert!(page.contains("aria-invalid=\"true\""));
        assert!(page.contains("href=\"/nl/password/forgot\""));
    }
    let activated: Option<chrono::NaiveDateTime> = accounts::table
        .filter(accounts::email.eq(owner))
        .select(accounts::activated_at)
        .first(&mut app.conn())
        .unwrap();
    assert!(activated.is_none());

    // The owner chooses a new password by mail; the account is theirs and active.
    let r = app
        .submit_with(
            &client,
            "/nl/password/forgot",
            "/nl/password/forgot",
            &[("email", owner)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let reset = app
        .smtp()
        .wait_for(owner, 1)
        .await
        .link_containing("/nl/password/reset/")
        .expect("a reset link for an account not activated yet");
    let path = reset.trim_start_matches(&app.address).to_owned();
    let new_password = "mijn eigen nieuwe wachtwoord";
    let r = app
        .submit_with(
            &client,
            &path,
            &path,
            &[
                ("password", new_password),
                ("password_confirm", new_password),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app.log_in(&client, "nl", owner, PASSWORD).await;
    assert_eq!(r.status().as_u16(), 422, "the stranger's password is gone");
    let r = app.log_in(&client, "nl", owner, new_password).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/nl/account");
    // The activation link is no use any more: it asks for a password the stranger no longer has.
    let r = app.activate_with(&app.new_client(), &link, PASSWORD).await;
    assert_eq!(r.status().as_u16(), 422);
}
