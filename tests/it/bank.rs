//! The bank details form (`/{lang}/account/bank`) as the contract names it (`iban`,
//! `account_holder`, `password`), holder names a bank can take (the SEPA Latin set), and the
//! audit line every change of where money goes leaves behind (issue 20, points 4, 7 and 12).

use crate::common;
use portal::db::ids::ParticipantId;

use crate::common::audit;
use crate::common::spawn_app;
use diesel::prelude::*;
use portal::db::schema::bank_accounts;

const PATH_EN: &str = "/en/account/bank";

fn stored(app: &common::TestApp, participant_id: ParticipantId) -> Vec<(String, String)> {
    bank_accounts::table
        .filter(bank_accounts::participant_id.eq(participant_id))
        .order(bank_accounts::id)
        .select((bank_accounts::iban, bank_accounts::holder))
        .load(&mut *app.conn())
        .unwrap()
}

/// Sends the bank form of `path` (its page's CSRF token, then the contract's three fields).
async fn save(
    app: &common::TestApp,
    browser: &reqwest::Client,
    path: &str,
    iban: &str,
    account_holder: &str,
    password: &str,
) -> reqwest::Response {
    app.submit_with(
        browser,
        path,
        path,
        &[
            ("iban", iban),
            ("account_holder", account_holder),
            ("password", password),
        ],
    )
    .await
}

#[tokio::test]
async fn bank_form_takes_the_account_holder_field_the_contract_names() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let browser = app.client_for("anna@example.nl").await;

    let (_, form) = app.page_with(&browser, PATH_EN).await;
    assert!(form.contains("name=\"account_holder\""), "{form}");
    assert!(!form.contains("name=\"holder\""), "{form}");

    let r = save(
        &app,
        &browser,
        PATH_EN,
        "NL91 ABNA 0417 1643 00",
        "Anna de Vries",
        common::PASSWORD,
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        stored(&app, anna.participant_id),
        vec![("NL91ABNA0417164300".to_owned(), "Anna de Vries".to_owned())]
    );
    // The saved name is offered again under the contract's name.
    let (_, again) = app.page_with(&browser, PATH_EN).await;
    assert!(again.contains("value=\"Anna de Vries\""), "{again}");
}

#[tokio::test]
async fn holder_names_a_bank_cannot_take_are_refused_beside_the_field_in_both_languages() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let browser = app.client_for("anna@example.nl").await;
    // (name as typed, how the message names the character it refuses)
    let refused = [
        ("Ωmega Trading", "“Ω”"),
        ("Koopjes 😀 B.V.", "“😀”"),
        ("Jan\u{FFFF} de Vries", "U+FFFF"),
        ("Jan\u{7} de Vries", "U+0007"),
        ("株式会社 Koopjes", "“株”"),
    ];
    // Direction controls and other invisible characters: said in words of their own.
    let invisible = [
        "Anna\u{202E}seirV ed",
        "Zero\u{200B}Width",
        "\u{2066}Koopjes\u{2069}",
    ];
    for (lang, words, hidden_words) in [
        (
            "en",
            "Banks take an account holder&#39;s name in Latin letters only",
            "The name contains an invisible formatting character",
        ),
        (
            "nl",
            "Banken nemen de naam van een rekeninghouder alleen in Latijnse letters aan",
            "De naam bevat een onzichtbaar opmaakteken",
        ),
    ] {
        let path = format!("/{lang}/account/bank");
        let cases = refused
            .iter()
            .map(|(name, named)| (*name, words, Some(*named)))
            .chain(invisible.iter().map(|name| (*name, hidden_words, None)));
        for (name, words, named) in cases {
            let r = save(
                &app,
                &browser,
                &path,
                "NL91 ABNA 0417 1643 00",
                name,
                common::PASSWORD,
            )
            .await;
            assert_eq!(r.status().as_u16(), 422, "{lang} {name:?}");
            let page = r.text().await.unwrap();
            let page = page.replace("&#x27;", "&#39;");
            // The message sits beside the field (its error paragraph) and names the character.
            let beside = page
                .split("id=\"account_holder-error\"")
                .nth(1)
                .and_then(|rest| rest.split("</p>").next())
                .unwrap_or_else(|| panic!("no error beside the field ({lang} {name:?}): {page}"));
            assert!(beside.contains(words), "{lang} {name:?}: {beside}");
            if let Some(named) = named {
                assert!(beside.contains(named), "{lang} {name:?}: {beside}");
            }
            // What was typed is kept.
            assert!(
                page.contains(&format!("value=\"{name}\"")),
                "{lang} {name:?}: {page}"
            );
            assert!(page.contains("aria-invalid=\"true\""));
        }
    }
    assert!(stored(&app, anna.participant_id).is_empty());
    assert!(audit::lines(&app, "bank_details_changed").is_empty());

    // Accents, ligatures and `&` have a spelling in the set: stored as typed, the bank file
    // spells them.
    let r = save(
        &app,
        &browser,
        PATH_EN,
        "NL91 ABNA 0417 1643 00",
        "Zoë & Søn Łódź Straße",
        common::PASSWORD,
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        stored(&app, anna.participant_id),
        vec![(
            "NL91ABNA0417164300".to_owned(),
            "Zoë & Søn Łódź Straße".to_owned()
        )]
    );
}

#[tokio::test]
async fn a_change_of_bank_details_leaves_an_audit_line_with_both_ibans_masked() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let browser = app.client_for("anna@example.nl").await;
    for (iban, holder) in [
        ("NL91ABNA0417164300", "Anna de Vries"),
        ("DE89 3704 0044 0532 0130 00", "A. de Vries"),
    ] {
        let r = save(&app, &browser, PATH_EN, iban, holder, common::PASSWORD).await;
        assert_eq!(r.status().as_u16(), 303);
    }
    // A refused change (wrong password) changes nothing and leaves no line.
    let r = save(
        &app,
        &browser,
        PATH_EN,
        "NL91ABNA0417164300",
        "Mallory",
        "not the password at all",
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);

    let lines = audit::lines(&app, "bank_details_changed");
    assert_eq!(lines.len(), 2, "{lines:?}");
    for line in &lines {
        audit::assert_by(&app, line, "anna@example.nl");
        assert_eq!(line.participant_id, Some(anna.participant_id));
        for text in [&line.before, &line.after].into_iter().flatten() {
            // Never a whole account number in the log.
            assert!(!text.contains("0417164300"), "{text}");
            assert!(!text.contains("0532013000"), "{text}");
        }
    }
    let first: serde_json::Value =
        serde_json::from_str(lines[0].after.as_deref().unwrap()).unwrap();
    assert_eq!(first["iban"], "NL91 **** **** **** 00");
    assert_eq!(first["holder"], "Anna de Vries");
    assert_eq!(lines[0].before, None);
    let before: serde_json::Value =
        serde_json::from_str(lines[1].before.as_deref().unwrap()).unwrap();
    let after: serde_json::Value =
        serde_json::from_str(lines[1].after.as_deref().unwrap()).unwrap();
    assert_eq!(before["iban"], "NL91 **** **** **** 00");
    assert_eq!(after["iban"], "DE89 **** **** **** **** 00");
    assert_eq!(after["holder"], "A. de Vries");
    // The earlier details are kept: a change is a new row.
    assert_eq!(stored(&app, anna.participant_id).len(), 2);
}

/// A browser whose requests reach the portal through the trusted proxy from `ip`.
fn browser_from(ip: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", ip.parse().unwrap());
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .default_headers(headers)
        .build()
        .unwrap()
}

const IBAN: &str = "NL91ABNA0417164300";

/// Issue 21, point 8: wrong passwords on the bank form count against the login's limit, per
/// account and address: three wrong here and two at the login, and from that address not even
/// the right password is taken, on either form.
#[tokio::test]
async fn wrong_passwords_on_the_bank_form_and_the_login_share_the_limit_of_an_address() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let browser = app.client_for("anna@example.nl").await;
    for _ in 0..3 {
        let r = save(&app, &browser, PATH_EN, IBAN, "Anna", "not the password").await;
        assert_eq!(r.status().as_u16(), 422);
    }
    for _ in 0..2 {
        let r = app
            .log_in(
                &app.new_client(),
                "en",
                "anna@example.nl",
                "not the password",
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
    }
    let r = app
        .log_in(&app.new_client(), "en", "anna@example.nl", common::PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 429);
    for (path, words) in [
        (
            PATH_EN,
            "Too many failed attempts with this account&#39;s password.",
        ),
        (
            "/nl/account/bank",
            "Te veel mislukte pogingen met het wachtwoord van dit account.",
        ),
    ] {
        let r = save(&app, &browser, path, IBAN, "Anna", common::PASSWORD).await;
        assert_eq!(r.status().as_u16(), 429, "{path}");
        let page = r.text().await.unwrap().replace("&#x27;", "&#39;");
        let beside = page
            .split("id=\"password-error\"")
            .nth(1)
            .and_then(|rest| rest.split("</p>").next())
            .unwrap_or_else(|| panic!("no message beside the password ({path}): {page}"));
        assert!(beside.contains(words), "{path}: {beside}");
        assert!(page.contains("value=\"Anna\""), "what was typed is kept");
    }
    assert!(stored(&app, anna.participant_id).is_empty());
}

/// Issue 21, point 8: the account's own limit — tries from every address together, on both
/// forms — holds too: after twenty wrong passwords spread over five addresses (four each, below
/// any address's limit) the right one is refused from a sixth, at the login and on the bank
/// form. An address without an account is limited the same way, so the answer tells nothing.
#[tokio::test]
async fn wrong_passwords_spread_over_addresses_and_both_forms_reach_the_accounts_limit() {
    let app = common::spawn_app_with(common::Options {
        trusted_proxies: Some("127.0.0.1, ::1"),
        ..common::Options::default()
    })
    .await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let browsers: Vec<reqwest::Client> = (1..=6)
        .map(|i| browser_from(&format!("198.51.100.{i}")))
        .collect();
    for browser in &browsers {
        app.login_as(browser, "anna@example.nl").await;
    }
    for (i, browser) in browsers[..5].iter().enumerate() {
        for n in 0..4 {
            let status = if (i + n) % 2 == 0 {
                save(&app, browser, PATH_EN, IBAN, "Anna", "not the password")
                    .await
                    .status()
            } else {
                // A browser of its own from the same address (the logged-in one has no login form).
                let address = format!("198.51.100.{}", i + 1);
                app.log_in(
                    &browser_from(&address),
                    "en",
                    "anna@example.nl",
                    "not the password",
                )
                .await
                .status()
            };
            assert_eq!(status.as_u16(), 422, "address {i}, try {n}");
        }
    }
    let sixth = &browsers[5];
    let r = save(&app, sixth, PATH_EN, IBAN, "Anna", common::PASSWORD).await;
    assert_eq!(r.status().as_u16(), 429);
    let r = app
        .log_in(
            &browser_from("198.51.100.7"),
            "en",
            "anna@example.nl",
            common::PASSWORD,
        )
        .await;
    assert_eq!(r.status().as_u16(), 429);
    assert!(stored(&app, anna.participant_id).is_empty());

    // Twenty-one tries for an address nobody has get the same answers.
    let mut statuses = Vec::new();
    for i in 0..21 {
        let r = app
            .log_in(
                &browser_from(&format!("203.0.113.{}", i % 5 + 1)),
                "en",
                "nobody@example.nl",
                "not the password",
            )
            .await;
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses[..20], [422; 20]);
    assert_eq!(statuses[20], 429);
}
