//! Logging in and out, passwords and sessions.

use crate::common::*;
use diesel::prelude::*;

#[tokio::test]
async fn error_pages_know_who_is_looking() {
    let app = spawn_app().await;
    let publisher = app.add_ready_publisher("kijker@example.org");
    let client = app.client_for(&publisher.email).await;
    // 404: another participant's channel (none here), a page that does not exist, a bad id.
    for path in [
        "/en/account/channels/999999",
        "/en/no-such-page",
        "/en/account/channels/12x",
        // Ids of 18 digits are read and not found; longer ones are no ids at all.
        "/en/account/channels/999999999999999999",
        "/en/account/channels/99999999999999999999",
        "/en/account/channels/-1",
    ] {
        let (status, html) = app.page_with(&client, path).await;
        assert_eq!(status, 404, "{path}");
        assert!(html.contains("Log out"), "{path}: the logged-in header");
        assert!(!html.contains(">Log in<"), "{path}");
        assert!(html.contains(&publisher.email), "{path}");
    }
    // 403: a participant in the console.
    let (status, html) = app.page_with(&client, "/en/manage").await;
    assert_eq!(status, 403);
    assert!(html.contains("Log out"));
    // The session is still valid afterwards.
    let (status, _) = app.page_with(&client, "/en/account").await;
    assert_eq!(status, 200);
    // A visitor who is not logged in sees the logged-out header on the same pages.
    let (status, html) = app.page("/en/no-such-page").await;
    assert_eq!(status, 404);
    assert!(html.contains(">Log in<") && !html.contains("Log out"));
}

fn session_cookie(r: &reqwest::Response) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("portal_session=") || c.starts_with("__Host-portal_session="))
}

fn cookie_named(r: &reqwest::Response, prefix: &str) -> Option<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with(prefix))
}

fn cookie_value(cookie: &str) -> &str {
    cookie.split(';').next().unwrap()
}

async fn status(client: &reqwest::Client, app: &TestApp, path: &str) -> u16 {
    client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn wrong_credentials_get_one_generic_message() {
    let app = spawn_app().await;
    app.add_publisher("known@example.org", ReviewState::Approved);
    let wrong_password = app
        .log_in(
            &app.new_client(),
            "en",
            "known@example.org",
            "not the password",
        )
        .await;
    let unknown = app
        .log_in(
            &app.new_client(),
            "en",
            "unknown@example.org",
            "not the password",
        )
        .await;
    assert_eq!(wrong_password.status().as_u16(), 422);
    assert_eq!(unknown.status().as_u16(), 422);
    let a = wrong_password.text().await.unwrap();
    let b = unknown.text().await.unwrap();
    assert!(a.contains("The e-mail address or the password is not right."));
    assert_eq!(
        strip_tokens(&a).replace("known@", "X@"),
        strip_tokens(&b).replace("unknown@", "X@")
    );

    for (email, password, field) in [
        ("", PASSWORD, "email"),
        ("x", PASSWORD, "email"),
        ("known@example.org", "", "password"),
    ] {
        let r = app.log_in(&app.new_client(), "en", email, password).await;
        assert_eq!(r.status().as_u16(), 422);
        let html = r.text().await.unwrap();
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{field}");
        // What was typed stays in the form (never the password).
        if !email.is_empty() {
            assert!(html.contains(&format!("value=\"{email}\"")), "{email}");
        }
        assert!(!html.contains(PASSWORD));
    }
}

#[tokio::test]
async fn five_failed_logins_lock_the_account_for_15_minutes() {
    let app = spawn_app().await;
    app.add_publisher("slot@koopjes.nl", ReviewState::Approved);
    for _ in 0..5 {
        let r = app
            .log_in(
                &app.new_client(),
                "nl",
                "slot@koopjes.nl",
                "fout wachtwoord!",
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
    }
    let r = app
        .log_in(&app.new_client(), "nl", "slot@koopjes.nl", PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 429);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Te veel mislukte pogingen"));
    // Fourteen minutes later it is still locked; fifteen minutes after the failures it lifts.
    app.age("rate_limit_events", &["at"], 14 * 60);
    let r = app
        .log_in(&app.new_client(), "nl", "slot@koopjes.nl", PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 429, "after 14 minutes");
    app.age("rate_limit_events", &["at"], 60);
    let r = app
        .log_in(&app.new_client(), "nl", "slot@koopjes.nl", PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303, "after 15 minutes");
}

#[tokio::test]
async fn forms_are_rate_limited_per_ip() {
    let app = spawn_app_with(Options {
        rate_limit: 3,
        ..Options::default()
    })
    .await;
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let r = app
            .submit(
                "/en/login",
                &[("email", "x@example.org"), ("password", "whatever")],
            )
            .await;
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [422, 422, 422, 429, 429]);
    let r = app
        .submit(
            "/en/login",
            &[("email", "x@example.org"), ("password", "x")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 429);
    assert!(r.text().await.unwrap().contains("Too many attempts"));
    // Reading pages is not limited.
    assert_eq!(app.get("/en/login").await.status().as_u16(), 200);
}

#[tokio::test]
async fn login_renews_the_session_and_cookies_are_locked_down() {
    let app = spawn_app().await;
    app.add_publisher("cookie@example.org", ReviewState::Approved);
    let client = app.new_client();
    // A session that exists before login (signup's step 1 keeps a draft in it) is renewed.
    let r = app
        .submit_with(
            &client,
            "/en/signup",
            "/en/signup",
            &[("email", "draft@example.org")],
        )
        .await;
    let before = session_cookie(&r).expect("a session before login");
    assert!(before.contains("HttpOnly"));
    assert!(before.contains("SameSite=Lax"));
    assert!(!before.contains("Max-Age"), "a browser-session cookie");
    let page = client.get(app.url("/en/login")).send().await.unwrap();
    let token = csrf_token(&page.text().await.unwrap()).unwrap();
    let r = client
        .post(app.url("/en/login"))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "cookie@example.org"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let after = session_cookie(&r).expect("a new session at login");
    assert_ne!(cookie_value(&before), cookie_value(&after));
    // Only hashes of session keys are stored: the key's SHA-256, not the key.
    let key = cookie_value(&after).trim_start_matches("portal_session=");
    let stored: Vec<String> = portal::db::schema::sessions::table
        .select(portal::db::schema::sessions::key_hash)
        .load(&mut app.conn())
        .unwrap();
    assert!(!stored.iter().any(|h| after.contains(h.as_str())));
    assert!(!stored
        .iter()
        .any(|h| key.contains(h.as_str()) || h.contains(key)));
}

#[tokio::test]
async fn a_forgotten_password_is_reset_by_mail() {
    let app = spawn_app().await;
    app.add_publisher("vergeten@koopjes.nl", ReviewState::Approved);
    // Logged in somewhere with the password that is about to be replaced.
    let elsewhere = app.client_for("vergeten@koopjes.nl").await;

    let known = app
        .submit("/nl/password/forgot", &[("email", "vergeten@koopjes.nl")])
        .await;
    let unknown = app
        .submit("/nl/password/forgot", &[("email", "onbekend@koopjes.nl")])
        .await;
    assert_eq!(
        strip_tokens(&known.text().await.unwrap()),
        strip_tokens(&unknown.text().await.unwrap())
    );
    let mail = app.smtp().wait_for("vergeten@koopjes.nl", 0).await;
    assert_eq!(mail.subject(), "Kies een nieuw wachtwoord voor Partnerlink");
    let reset = mail.link_containing("/password/reset/").unwrap();
    let path = reset.trim_start_matches(&app.address).to_owned();
    app.mail_sent().await;
    assert!(app.smtp().mails_to("onbekend@koopjes.nl").is_empty());

    // Bad input on the reset form first: the message is next to the field.
    let r = app
        .submit(&path, &[("password", "kort"), ("password_confirm", "kort")])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("id=\"password-error\""));
    let new_password = "een heel nieuw wachtwoord";
    let r = app
        .submit(
            &path,
            &[
                ("password", new_password),
                ("password_confirm", new_password),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/nl/login?notice=password-reset-done");
    let told = app.smtp().wait_for("vergeten@koopjes.nl", 1).await;
    assert_eq!(told.subject(), "Uw Partnerlink-wachtwoord is gewijzigd");
    // The old session is gone, the old password no longer works, the new one does.
    assert_eq!(
        status(&elsewhere, &app, "/nl/account").await,
        303,
        "the session with the old password ended"
    );
    let old = app
        .log_in(&app.new_client(), "nl", "vergeten@koopjes.nl", PASSWORD)
        .await;
    assert_eq!(old.status().as_u16(), 422);
    let new = app
        .log_in(&app.new_client(), "nl", "vergeten@koopjes.nl", new_password)
        .await;
    assert_eq!(new.status().as_u16(), 303);
    // The link works once.
    assert_eq!(app.get(&path).await.status().as_u16(), 404);
}

#[tokio::test]
async fn a_new_reset_link_ends_the_older_ones_and_links_expire_after_48_hours() {
    let app = spawn_app().await;
    app.add_publisher("twee@koopjes.nl", ReviewState::Approved);
    for _ in 0..2 {
        app.submit("/nl/password/forgot", &[("email", "twee@koopjes.nl")])
            .await;
    }
    let mut links = Vec::new();
    for n in 0..2 {
        let mail = app.smtp().wait_for("twee@koopjes.nl", n).await;
        let url = mail.link_containing("/password/reset/").unwrap();
        links.push(url.trim_start_matches(&app.address).to_owned());
    }
    let (first, second) = (&links[0], &links[1]);
    assert_ne!(first, second);
    let (status, html) = app.page(first).await;
    assert_eq!(status, 404, "the older link stopped working");
    assert!(html.contains("al gebruikt"), "it says why: {html}");
    assert_eq!(app.page(second).await.0, 200);
    // 47 hours and 59 minutes after it was made the link still works; 48 hours after, not.
    app.age(
        "account_tokens",
        &["created_at", "expires_at"],
        48 * 3600 - 60,
    );
    assert_eq!(app.page(second).await.0, 200);
    app.age("account_tokens", &["created_at", "expires_at"], 60);
    let (status, html) = app.page(second).await;
    assert_eq!(status, 404);
    assert!(
        html.contains("verlopen"),
        "it says the link expired: {html}"
    );
}

#[tokio::test]
async fn forgot_password_mails_at_most_three_an_hour_per_address() {
    let app = spawn_app().await;
    app.add_publisher("vaak@koopjes.nl", ReviewState::Approved);
    for _ in 0..5 {
        let r = app
            .submit("/nl/password/forgot", &[("email", "vaak@koopjes.nl")])
            .await;
        // Always the same answer, limited or not.
        assert_eq!(r.status().as_u16(), 200);
    }
    // A mail is stored by the SMTP server before it answers, and the form waits for that
    // answer: after the last response every mail that was sent has arrived.
    app.mail_sent().await;
    assert_eq!(app.smtp().mails_to("vaak@koopjes.nl").len(), 3);
}

#[tokio::test]
async fn changing_the_password_logs_out_every_other_session() {
    let app = spawn_app().await;
    app.add_publisher("change@example.org", ReviewState::Approved);
    let laptop = app.client_for("change@example.org").await;
    let phone = app.client_for("change@example.org").await;

    let new_password = "another long passphrase";
    let r = app
        .submit_with(
            &laptop,
            "/en/account/password",
            "/en/account/password",
            &[
                ("current_password", "wrong current password"),
                ("password", new_password),
                ("password_confirm", new_password),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("id=\"current_password-error\""));

    let r = app
        .submit_with(
            &laptop,
            "/en/account/password",
            "/en/account/password",
            &[
                ("current_password", PASSWORD),
                ("password", new_password),
                ("password_confirm", new_password),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(status(&laptop, &app, "/en/account").await, 200);
    assert_eq!(
        status(&phone, &app, "/en/account").await,
        303,
        "the other session ended"
    );
    // The owner is told by mail, in its language, with a way back should it not have been them.
    let mail = app.smtp().wait_for("change@example.org", 0).await;
    assert_eq!(mail.subject(), "Uw Partnerlink-wachtwoord is gewijzigd");
    assert!(mail.link_containing("/nl/password/forgot").is_some());
}

#[tokio::test]
async fn account_managers_land_in_the_console_and_participants_may_not() {
    let app = spawn_app().await;
    app.add_manager("manager@partnerlink.example.com");
    let manager = app.new_client();
    let r = app
        .log_in(&manager, "en", "manager@partnerlink.example.com", PASSWORD)
        .await;
    assert_eq!(location(&r), "/en/manage");
    let console = manager.get(app.url("/en/manage")).send().await.unwrap();
    assert_eq!(console.status().as_u16(), 200);
    assert!(console.text().await.unwrap().contains("account manager"));
    // The dashboard sends a manager to the console.
    let r = manager.get(app.url("/en/account")).send().await.unwrap();
    assert_eq!(location(&r), "/en/manage");

    app.add_publisher("pub@example.org", ReviewState::Approved);
    let publisher = app.new_client();
    let r = app
        .log_in(&publisher, "en", "pub@example.org", PASSWORD)
        .await;
    assert_eq!(location(&r), "/en/account");
    assert_eq!(status(&publisher, &app, "/en/manage").await, 403);
    // Not logged in at all: to the login page.
    let r = app
        .new_client()
        .get(app.url("/nl/manage"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/nl/login?notice=login-required");
}

#[tokio::test]
async fn a_request_moves_the_idle_deadline_and_sessions_end_after_30_idle_minutes() {
    use portal::db::schema::sessions;
    let app = spawn_app().await;
    app.add_publisher("idle@example.org", ReviewState::Approved);
    let idle = app.client_for("idle@example.org").await;
    let deadline = || -> chrono::NaiveDateTime {
        sessions::table
            .filter(sessions::account_id.is_not_null())
            .select(sessions::expires_at)
            .first(&mut app.conn())
            .unwrap()
    };
    // Twenty minutes idle: ten minutes are left.
    app.sql(&format!(
        "UPDATE sessions SET expires_at = '{}' WHERE account_id IS NOT NULL",
        (chrono::Utc::now() + chrono::Duration::minutes(10))
            .naive_utc()
            .format("%Y-%m-%d %H:%M:%S")
    ));
    let before = deadline();
    // Whole seconds: the store may keep no fractions.
    let asked_at = chrono::Utc::now().naive_utc() - chrono::Duration::seconds(1);
    assert_eq!(status(&idle, &app, "/en/account").await, 200);
    let answered_at = chrono::Utc::now().naive_utc() + chrono::Duration::seconds(1);
    let after = deadline();
    // The request moved the deadline to 30 minutes after itself, whenever it was served.
    assert!(after > before);
    assert!(after >= asked_at + chrono::Duration::minutes(30), "{after}");
    assert!(
        after <= answered_at + chrono::Duration::minutes(30),
        "{after}"
    );

    app.sql("UPDATE sessions SET expires_at = '2000-01-01 00:00:00'");
    assert_eq!(
        status(&idle, &app, "/en/account").await,
        303,
        "idle session ended"
    );
}

#[tokio::test]
async fn sessions_end_12_hours_after_login_however_active() {
    use portal::db::schema::sessions;
    let app = spawn_app().await;
    app.add_publisher("busy@example.org", ReviewState::Approved);
    let busy = app.client_for("busy@example.org").await;
    let set_login_time = |seconds_ago: i64| {
        let state: String = sessions::table
            .filter(sessions::account_id.is_not_null())
            .select(sessions::state)
            .first(&mut app.conn())
            .unwrap();
        let mut map: std::collections::HashMap<String, String> =
            serde_json::from_str(&state).unwrap();
        let at = chrono::Utc::now().timestamp() - seconds_ago;
        map.insert("auth_at".into(), at.to_string());
        let new_state = serde_json::to_string(&map).unwrap().replace('\'', "''");
        app.sql(&format!(
            "UPDATE sessions SET state = '{new_state}' WHERE account_id IS NOT NULL"
        ));
    };
    // Logged in 11 hours ago: still in.
    set_login_time(11 * 3600);
    assert_eq!(status(&busy, &app, "/en/account").await, 200);
    // 13 hours ago: out, although the session was never idle.
    set_login_time(13 * 3600);
    assert_eq!(
        status(&busy, &app, "/en/account").await,
        303,
        "session past 12 hours ended"
    );
}

#[tokio::test]
async fn on_https_cookies_are_secure_and_hsts_is_sent() {
    let app = spawn_app_with(Options {
        https: true,
        ..Options::default()
    })
    .await;
    let r = app.get("/en/signup").await;
    assert!(r.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
    // An anonymous page sets only the CSRF nonce cookie: `__Host-`, Secure, HttpOnly.
    let nonce = cookie_named(&r, "__Host-portal_csrf=").expect("the nonce cookie");
    assert!(
        nonce.contains("Secure") && nonce.contains("HttpOnly"),
        "{nonce}"
    );
    assert!(
        nonce.contains("Path=/") && !nonce.contains("Domain="),
        "{nonce}"
    );
    assert!(
        session_cookie(&r).is_none(),
        "no session for an anonymous page"
    );
    // A form that stores something (signup's step 1) starts the session: `__Host-` too.
    let token = csrf_token(&r.text().await.unwrap()).unwrap();
    let bare = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = bare
        .post(app.url("/en/signup"))
        .header("cookie", cookie_value(&nonce))
        .form(&[
            ("csrf_token", token.as_str()),
            ("email", "https@example.org"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let cookie = session_cookie(&r).expect("session cookie");
    assert!(cookie.contains("Secure"), "{cookie}");
    // Security 11: the `__Host-` prefix (Secure, Path=/, no Domain).
    assert!(cookie.starts_with("__Host-portal_session="), "{cookie}");
    assert!(
        cookie.contains("Path=/") && !cookie.contains("Domain="),
        "{cookie}"
    );
    let plain = spawn_app().await;
    let r = plain.get("/en/signup").await;
    assert!(!r.headers().contains_key("strict-transport-security"));
    assert!(!cookie_named(&r, "portal_csrf=")
        .expect("the nonce cookie")
        .contains("Secure"));
}

#[tokio::test]
async fn log_out_everywhere_else_ends_the_other_sessions_and_keeps_this_one() {
    let app = spawn_app().await;
    app.add_publisher("overal@example.org", ReviewState::Approved);
    let laptop = app.client_for("overal@example.org").await;
    let phone = app.client_for("overal@example.org").await;
    let (status_code, page) = app.page_with(&laptop, "/en/account/sessions").await;
    assert_eq!(status_code, 200);
    assert!(page.contains("this one included: 2."), "{page}");
    // Without the form's token nothing happens.
    let r = laptop
        .post(app.url("/en/account/sessions"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(status(&phone, &app, "/en/account").await, 200);
    let r = app
        .submit_with(&laptop, "/en/account/sessions", "/en/account/sessions", &[])
        .await;
    assert_eq!(location(&r), "/en/account/sessions?notice=sessions-ended");
    assert_eq!(
        status(&phone, &app, "/en/account").await,
        303,
        "the phone is logged out"
    );
    let (status_code, page) = app.page_with(&laptop, "/nl/account/sessions").await;
    assert_eq!(status_code, 200, "the laptop stays logged in");
    assert!(page.contains("deze meegeteld: 1."), "{page}");
    // A visitor is sent to the login page.
    let r = app.get("/en/account/sessions").await;
    assert!(location(&r).starts_with("/en/login"));
}
