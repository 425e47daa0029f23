//! Two-factor login (issue 21, point 10): account managers must log in with a code from an
//! authenticator app (RFC 6238) after the password, and enrol at their first login; a publisher
//! may turn it on and off. Codes are computed from the secret as the app would.

use crate::common;
use crate::common::ReviewState;

use crate::common::{location, recovery_codes, shown_secret, spawn_app, TestApp, PASSWORD};
use portal::auth::second_factor;

/// A six-digit code that is not the secret's for any step the portal takes now.
fn wrong_code(secret: &[u8]) -> String {
    let now = second_factor::now_seconds();
    let taken: Vec<String> = [now - 30, now, now + 30, now + 60]
        .iter()
        .map(|t| second_factor::code_at(secret, *t))
        .collect();
    (0..10)
        .map(|d| format!("{d}{d}{d}{d}{d}{d}"))
        .find(|c| !taken.contains(c))
        .unwrap()
}

fn error_of(html: &str, field: &str) -> String {
    let at = html
        .find(&format!("id=\"{field}-error\""))
        .unwrap_or_else(|| panic!("no message next to {field}"));
    let text = &html[at..];
    let text = &text[text.find("</span>").unwrap() + 7..];
    text[..text.find("</p>").unwrap()].to_owned()
}

fn rate_limit_events(app: &TestApp, bucket_prefix: &str) -> i64 {
    use diesel::prelude::*;
    use portal::db::schema::rate_limit_events as e;
    e::table
        .filter(e::bucket.like(format!("{bucket_prefix}%")))
        .count()
        .get_result(&mut *app.conn())
        .unwrap()
}

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    app.submit_with(client, path, path, fields).await
}

#[tokio::test]
async fn a_manager_enrols_at_the_first_login_and_sees_ten_recovery_codes_once() {
    let app = spawn_app().await;
    for (round, (lang, message)) in [
        ("nl", "Deze code klopt niet"),
        ("en", "This code is not right"),
    ]
    .into_iter()
    .enumerate()
    {
        let email = format!("beheer-{lang}@partnerlink.nl");
        let id = app.add_manager_without_second_factor(&email);
        let client = app.new_client();
        let r = app.log_in_password(&client, lang, &email, PASSWORD).await;
        assert_eq!(location(&r), format!("/{lang}/login/enrol"));
        // Nothing else until enrolled: the console sends back to the login.
        for page in ["/manage", "/manage/participants", "/account"] {
            let r = client
                .get(app.url(&format!("/{lang}{page}")))
                .send()
                .await
                .unwrap();
            assert_eq!(r.status().as_u16(), 303, "{page}");
            assert!(
                location(&r).starts_with(&format!("/{lang}/login")),
                "{page}"
            );
        }
        let r = app.log_in_password(&client, lang, &email, PASSWORD).await;
        assert_eq!(location(&r), format!("/{lang}/login/enrol"));

        let enrol = format!("/{lang}/login/enrol");
        let (status, page) = app.page_with(&client, &enrol).await;
        assert_eq!(status, 200);
        let secret = shown_secret(&page);
        assert_eq!(secret.len(), 20);
        // The QR code holds what the app needs: SHA-1, 6 digits and 30 seconds are the
        // otpauth defaults, so the address names only the secret and the issuer.
        let svg = &page[page.find("<svg").unwrap()..];
        let svg = &svg[..svg.find("</svg>").unwrap() + 6];
        let url = common::qr::decode_svg(svg);
        let base32 = totp_rs::TOTP::new_unchecked(
            totp_rs::Algorithm::SHA1,
            6,
            1,
            30,
            secret.clone(),
            None,
            String::new(),
        )
        .get_secret_base32();
        assert_eq!(
            url,
            format!(
                "otpauth://totp/Partnerlink:beheer-{lang}%40partnerlink.nl?secret={base32}&issuer=Partnerlink"
            )
        );
        assert!(page.contains("autocomplete=\"one-time-code\""));
        assert!(page.contains("inputmode=\"numeric\""));
        // The page shown again shows the same secret (the app may have scanned it already).
        let (_, again) = app.page_with(&client, &enrol).await;
        assert_eq!(shown_secret(&again), secret);

        // A wrong code: refused, said next to the field in the page's language, kept.
        let wrong = wrong_code(&secret);
        let r = post(&app, &client, &enrol, &[("code", &wrong)]).await;
        assert_eq!(r.status().as_u16(), 422);
        let html = r.text().await.unwrap();
        assert!(error_of(&html, "code").contains(message), "{html}");
        assert!(html.contains(&format!("value=\"{wrong}\"")));
        assert_eq!(shown_secret(&html), secret);
        let r = client
            .get(app.url(&format!("/{lang}/manage")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 303, "still not in");
        // (which ended the login under way: the password again, the same secret)
        let r = app.log_in_password(&client, lang, &email, PASSWORD).await;
        assert_eq!(location(&r), format!("/{lang}/login/enrol"));
        let (_, again) = app.page_with(&client, &enrol).await;
        assert_eq!(shown_secret(&again), secret);

        // The right one: on, ten recovery codes shown, logged in.
        let code = second_factor::code_at(&secret, second_factor::now_seconds());
        let r = post(&app, &client, &enrol, &[("code", &code)]).await;
        assert_eq!(r.status().as_u16(), 200);
        let html = r.text().await.unwrap();
        let codes = recovery_codes(&html);
        assert_eq!(codes.len(), 10);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), 10);
        assert!(html.contains(&format!("href=\"/{lang}/manage\"")));
        let (status, _) = app.page_with(&client, &format!("/{lang}/manage")).await;
        assert_eq!(status, 200);
        assert_eq!(
            common::audit::lines(&app, "manager_login").len(),
            round + 1,
            "the login is an audit line once enrolled"
        );
        // Never shown again: the enrolment page is gone, the account's page shows neither the
        // secret nor the codes.
        let r = client.get(app.url(&enrol)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303);
        let (status, page) = app
            .page_with(&client, &format!("/{lang}/account/second-factor"))
            .await;
        assert_eq!(status, 200);
        assert!(!page.contains("id=\"secret\""));
        assert!(recovery_codes(&page).is_empty());
        assert!(page.contains("10"), "codes left");
        // At rest: the secret encrypted, the codes hashed.
        assert_stored_unreadable(&app, id, &secret, &codes);
    }
}

fn assert_stored_unreadable(
    app: &TestApp,
    id: portal::db::ids::AccountId,
    secret: &[u8],
    codes: &[String],
) {
    use diesel::prelude::*;
    use portal::db::schema::{recovery_codes as rc, second_factors as sf};
    let stored: String = sf::table
        .find(id)
        .select(sf::secret)
        .first(&mut *app.conn())
        .unwrap();
    let base32 = totp_rs::TOTP::new_unchecked(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        secret.to_vec(),
        None,
        String::new(),
    )
    .get_secret_base32();
    assert!(!stored.contains(&hex::encode(secret)));
    assert!(!stored.to_uppercase().contains(&base32));
    assert!(second_factor::open(&[0u8; 32], id, &stored).is_none());
    let hashes: Vec<String> = rc::table
        .filter(rc::account_id.eq(id))
        .select(rc::code_hash)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(hashes.len(), 10);
    for code in codes {
        let bare = second_factor::normalize_recovery_code(code);
        assert!(hashes.iter().all(|h| !h.contains(&bare)));
        assert!(!hashes.contains(&portal::tokens::sha256_hex(&bare)));
    }
}

#[tokio::test]
async fn the_password_alone_does_not_log_in_a_wrong_code_is_refused_and_the_right_one_does() {
    let app = spawn_app().await;
    app.add_manager("beheer@partnerlink.nl");
    let client = app.new_client();
    // No login under way: the code page sends to the login.
    let r = client.get(app.url("/en/login/code")).send().await.unwrap();
    assert_eq!(location(&r), "/en/login?notice=second-factor-expired");

    let r = app
        .log_in_password(&client, "en", "beheer@partnerlink.nl", PASSWORD)
        .await;
    assert_eq!(location(&r), "/en/login/code");
    let r = client.get(app.url("/en/manage")).send().await.unwrap();
    assert_eq!(location(&r), "/en/login?notice=login-required");
    assert!(common::audit::lines(&app, "manager_login").is_empty());
    // That ended the login under way; the password again.
    let r = app
        .log_in_password(&client, "en", "beheer@partnerlink.nl", PASSWORD)
        .await;
    assert_eq!(location(&r), "/en/login/code");

    let (status, page) = app.page_with(&client, "/en/login/code").await;
    assert_eq!(status, 200);
    assert!(page.contains("autocomplete=\"one-time-code\""));
    let token_before = common::csrf_token(&page).unwrap();
    let before = rate_limit_events(&app, "login:beheer@partnerlink.nl:");

    for (lang, message) in [
        ("en", "This code is not right"),
        ("nl", "Deze code klopt niet"),
    ] {
        let path = format!("/{lang}/login/code");
        let r = post(
            &app,
            &client,
            &path,
            &[("code", &wrong_code(common::MANAGER_SECRET))],
        )
        .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(error_of(&r.text().await.unwrap(), "code").contains(message));
    }
    let r = post(&app, &client, "/en/login/code", &[("code", "")]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(error_of(&r.text().await.unwrap(), "code").contains("Enter the code"));
    // The wrong codes counted against the login's limit (the empty one did not).
    assert_eq!(
        rate_limit_events(&app, "login:beheer@partnerlink.nl:"),
        before + 2
    );

    let r = app.enter_code(&client, "en", "beheer@partnerlink.nl").await;
    assert_eq!(location(&r), "/en/manage");
    let (status, page) = app.page_with(&client, "/en/manage").await;
    assert_eq!(status, 200);
    // A new session: the CSRF token of the code page is not this one's.
    assert_ne!(common::csrf_token(&page).unwrap(), token_before);
    assert_eq!(common::audit::lines(&app, "manager_login").len(), 1);
    // The login succeeded: this address's tries are forgotten.
    assert_eq!(rate_limit_events(&app, "login:beheer@partnerlink.nl:"), 0);
}

#[tokio::test]
async fn wrong_codes_count_against_the_login_limit_until_even_the_right_code_is_refused() {
    let app = spawn_app().await;
    app.add_manager("beheer@partnerlink.nl");
    let client = app.new_client();
    let r = app
        .log_in_password(&client, "en", "beheer@partnerlink.nl", PASSWORD)
        .await;
    assert_eq!(location(&r), "/en/login/code");
    // The password was the first of five tries; four wrong codes make five.
    let wrong = wrong_code(common::MANAGER_SECRET);
    for _ in 0..4 {
        let r = post(&app, &client, "/en/login/code", &[("code", &wrong)]).await;
        assert_eq!(r.status().as_u16(), 422);
    }
    let r = app.enter_code(&client, "en", "beheer@partnerlink.nl").await;
    assert_eq!(r.status().as_u16(), 429);
    assert!(error_of(&r.text().await.unwrap(), "code").contains("Too many failed attempts"));
    let r = client.get(app.url("/en/manage")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    // The password again does not start over.
    let r = app
        .log_in_password(&client, "en", "beheer@partnerlink.nl", PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 429);
}

#[tokio::test]
async fn a_code_used_once_is_refused_the_second_time() {
    let app = spawn_app().await;
    app.add_manager("beheer@partnerlink.nl");
    let first = app.new_client();
    app.log_in_password(&first, "en", "beheer@partnerlink.nl", PASSWORD)
        .await;
    let code = app.second_factor_code("beheer@partnerlink.nl");
    let r = post(&app, &first, "/en/login/code", &[("code", &code)]).await;
    assert_eq!(location(&r), "/en/manage");

    // The same code, seen over the shoulder, in another browser with the password.
    let second = app.new_client();
    let r = app
        .log_in_password(&second, "en", "beheer@partnerlink.nl", PASSWORD)
        .await;
    assert_eq!(location(&r), "/en/login/code");
    let r = post(&app, &second, "/en/login/code", &[("code", &code)]).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(error_of(&r.text().await.unwrap(), "code").contains("used already"));
    let r = second.get(app.url("/en/manage")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn of_two_requests_with_the_same_code_at_the_same_moment_one_passes() {
    let app = spawn_app().await;
    let id = app.add_manager("beheer@partnerlink.nl");
    let key = app.settings.secret_key.clone();
    let now = second_factor::now_seconds();
    let code = second_factor::code_at(common::MANAGER_SECRET, now);
    let job = |key: Vec<u8>, code: String| -> common::Job<'_, second_factor::Checked> {
        Box::new(move |conn| second_factor::check(conn, &key, id, &code, now).unwrap())
    };
    let answers = app.at_once(vec![
        job(key.clone(), code.clone()),
        job(key.clone(), code.clone()),
    ]);
    let passed = answers
        .iter()
        .filter(|a| **a == second_factor::Checked::Code)
        .count();
    assert_eq!(passed, 1, "{answers:?}");
}

#[tokio::test]
async fn a_recovery_code_logs_in_once() {
    let app = spawn_app().await;
    app.add_manager_without_second_factor("beheer@partnerlink.nl");
    let client = app.new_client();
    app.log_in_password(&client, "nl", "beheer@partnerlink.nl", PASSWORD)
        .await;
    let codes = app.enrol_at_login(&client, "nl").await;

    let log_in_with = |code: String| {
        let app = &app;
        async move {
            let client = app.new_client();
            let r = app
                .log_in_password(&client, "nl", "beheer@partnerlink.nl", PASSWORD)
                .await;
            assert_eq!(location(&r), "/nl/login/code");
            let r = post(app, &client, "/nl/login/code", &[("recovery_code", &code)]).await;
            (r.status().as_u16(), location(&r), r.text().await.unwrap())
        }
    };
    let (status, to, _) = log_in_with(codes[0].clone()).await;
    assert_eq!((status, to.as_str()), (303, "/nl/manage"));
    // Used up.
    let (status, _, html) = log_in_with(codes[0].clone()).await;
    assert_eq!(status, 422);
    assert!(error_of(&html, "recovery_code").contains("al gebruikt"));
    assert!(
        html.contains("<details open>"),
        "the recovery field stays open"
    );
    // Typed in capitals with spaces instead of dashes: the same code.
    let typed = codes[1].to_uppercase().replace('-', " ");
    let (status, to, _) = log_in_with(typed).await;
    assert_eq!((status, to.as_str()), (303, "/nl/manage"));
    let id = app.account_id("beheer@partnerlink.nl");
    assert_eq!(
        second_factor::recovery_codes_left(&mut app.conn(), id).unwrap(),
        8
    );
}

#[tokio::test]
async fn a_session_that_did_not_pass_the_second_factor_never_reaches_the_console() {
    let app = spawn_app().await;
    // A publisher logged in with its password alone is made an account manager meanwhile:
    // its session is refused by the console (and everywhere else) until it logs in again.
    app.add_publisher("anna@example.nl", ReviewState::Approved);
    let client = app.client_for("anna@example.nl").await;
    let (status, _) = app.page_with(&client, "/en/account").await;
    assert_eq!(status, 200);
    // Written here: the portal makes managers only as managers, never from a participant.
    use diesel::prelude::*;
    use portal::db::schema::accounts;
    use portal::participants::Role;
    diesel::update(accounts::table.find(app.account_id("anna@example.nl")))
        .set(accounts::role.eq(Role::Manager))
        .execute(&mut *app.conn())
        .unwrap();
    let r = client.get(app.url("/en/manage")).send().await.unwrap();
    assert_eq!(location(&r), "/en/login?notice=login-required");
    let r = client.get(app.url("/en/account")).send().await.unwrap();
    assert_eq!(location(&r), "/en/login?notice=login-required");
    // Logging in again asks for the enrolment.
    let r = app
        .log_in_password(&client, "en", "anna@example.nl", PASSWORD)
        .await;
    assert_eq!(location(&r), "/en/login/enrol");
}

#[tokio::test]
async fn a_publisher_turns_two_step_login_on_and_off() {
    let app = spawn_app().await;
    app.add_publisher("anna@example.nl", ReviewState::Approved);
    let client = app.client_for("anna@example.nl").await;
    let elsewhere = app.client_for("anna@example.nl").await;
    let (_, dashboard) = app.page_with(&client, "/en/account").await;
    assert!(dashboard.contains("href=\"/en/account/second-factor\""));
    assert!(dashboard.contains("Turn on two-step login"));

    let (status, page) = app.page_with(&client, "/en/account/second-factor").await;
    assert_eq!(status, 200);
    let secret = shown_secret(&page);
    let r = post(
        &app,
        &client,
        "/en/account/second-factor",
        &[("code", &wrong_code(&secret))],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(error_of(&r.text().await.unwrap(), "code").contains("This code is not right"));
    let code = second_factor::code_at(&secret, second_factor::now_seconds());
    let r = post(
        &app,
        &client,
        "/en/account/second-factor",
        &[("code", &code)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(recovery_codes(&r.text().await.unwrap()).len(), 10);
    // This session goes on; the one elsewhere, which did not pass the code, ends.
    let (status, _) = app.page_with(&client, "/en/account").await;
    assert_eq!(status, 200);
    let r = elsewhere.get(app.url("/en/account")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 303);

    // The next login asks for the code.
    let other = app.new_client();
    let r = app
        .log_in_password(&other, "en", "anna@example.nl", PASSWORD)
        .await;
    assert_eq!(location(&r), "/en/login/code");
    let r = app.enter_code(&other, "en", "anna@example.nl").await;
    assert_eq!(location(&r), "/en/account");

    // Off: the password and a code, each checked.
    let (status, page) = app.page_with(&other, "/en/account/second-factor").await;
    assert_eq!(status, 200);
    assert!(!page.contains("id=\"secret\""));
    let off = "/en/account/second-factor/off";
    let form = "/en/account/second-factor";
    let code = app.second_factor_code("anna@example.nl");
    let r = app
        .submit_with(
            &other,
            form,
            off,
            &[("password", "not the password"), ("code", &code)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(error_of(&html, "password").contains("not right"), "{html}");
    let r = app
        .submit_with(
            &other,
            form,
            off,
            &[("password", PASSWORD), ("code", &wrong_code(&secret))],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(error_of(&r.text().await.unwrap(), "code").contains("This code is not right"));
    let code = app.second_factor_code("anna@example.nl");
    let r = app
        .submit_with(
            &other,
            form,
            off,
            &[("password", PASSWORD), ("code", &code)],
        )
        .await;
    assert_eq!(location(&r), "/en/account?notice=second-factor-turned-off");
    let (_, page) = app
        .page_with(&other, "/en/account?notice=second-factor-turned-off")
        .await;
    assert!(page.contains("Two-step login is off"));
    // The password alone again.
    let r = app
        .log_in_password(&app.new_client(), "en", "anna@example.nl", PASSWORD)
        .await;
    assert_eq!(location(&r), "/en/account");
}

#[tokio::test]
async fn a_manager_cannot_turn_it_off() {
    let app = spawn_app().await;
    let client = app.manager("beheer@partnerlink.nl").await;
    let (status, page) = app.page_with(&client, "/nl/account/second-factor").await;
    assert_eq!(status, 200);
    assert!(!page.contains("/account/second-factor/off"));
    let code = app.second_factor_code("beheer@partnerlink.nl");
    let r = app
        .submit_with(
            &client,
            "/nl/account/second-factor",
            "/nl/account/second-factor/off",
            &[("password", PASSWORD), ("code", &code)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let id = app.account_id("beheer@partnerlink.nl");
    assert!(second_factor::is_enabled(&mut app.conn(), id).unwrap());
}

/// `portal admin reset-second-factor --email …`: a manager who lost the phone and the recovery
/// codes; the second factor goes, the sessions end, an audit line names the command, and the
/// next login enrols again.
#[tokio::test]
async fn an_operator_resets_a_lost_second_factor_and_the_next_login_enrols_again() {
    let app = spawn_app().await;
    let id = app.add_manager("beheer@partnerlink.nl");
    let client = app.client_for("beheer@partnerlink.nl").await;
    let reset = |email: &str| {
        let output = common::binary::portal(app.database())
            .args(["admin", "reset-second-factor", "--email", email])
            .output()
            .expect("run portal");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (ok, out, err) = reset("Beheer@Partnerlink.nl");
    assert!(ok, "{out}{err}");
    assert!(out.contains("removed"), "{out}");
    assert!(!second_factor::is_enabled(&mut app.conn(), id).unwrap());
    assert_eq!(
        second_factor::recovery_codes_left(&mut app.conn(), id).unwrap(),
        0
    );
    let r = client.get(app.url("/nl/manage")).send().await.unwrap();
    assert_eq!(location(&r), "/nl/login?notice=login-required");
    let line = common::audit::only(&app, "second_factor_reset");
    assert_eq!(line.subject, format!("account {id}"));
    assert!(line.actor.contains("reset-second-factor"), "{line:?}");
    let r = app
        .log_in_password(&app.new_client(), "nl", "beheer@partnerlink.nl", PASSWORD)
        .await;
    assert_eq!(location(&r), "/nl/login/enrol");
    // Again: nothing to remove, no second line; an unknown address fails in words.
    let (ok, out, _) = reset("beheer@partnerlink.nl");
    assert!(ok && out.contains("had no second factor"), "{out}");
    assert_eq!(common::audit::lines(&app, "second_factor_reset").len(), 1);
    let (ok, _, err) = reset("niemand@partnerlink.nl");
    assert!(!ok);
    assert!(err.contains("there is no account"), "{err}");
}

/// A manager disabled between the password and the enrolment is not logged in by completing
/// the enrolment: the password again, which says why (as the code step does).
#[tokio::test]
async fn a_manager_disabled_during_the_enrolment_is_not_logged_in_by_it() {
    let app = spawn_app().await;
    app.add_manager("beheer@partnerlink.nl");
    let id = app.add_manager_without_second_factor("nieuw@partnerlink.nl");
    let client = app.new_client();
    let r = app
        .log_in_password(&client, "en", "nieuw@partnerlink.nl", common::PASSWORD)
        .await;
    assert_eq!(common::location(&r), "/en/login/enrol");
    let (status, page) = app.page_with(&client, "/en/login/enrol").await;
    assert_eq!(status, 200);
    app.disable_quietly(id);
    let code = portal::auth::second_factor::code_at(
        &common::shown_secret(&page),
        portal::auth::second_factor::now_seconds(),
    );
    let r = app
        .submit_with(
            &client,
            "/en/login/enrol",
            "/en/login/enrol",
            &[("code", &code)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(
        common::location(&r).starts_with("/en/login"),
        "{}",
        common::location(&r)
    );
    let (status, _) = app.page_with(&client, "/en/manage").await;
    assert_ne!(status, 200, "not logged in");
}
