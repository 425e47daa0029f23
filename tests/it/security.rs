//! The weaknesses found from outside (security issue 14), each with its test.

use crate::common;
use portal::db::ids::ChannelId;

use crate::common::{spawn_app, ReviewState, TestApp};
use diesel::prelude::*;
use portal::db::schema::{clicks, memberships};

fn membership_state(app: &TestApp, channel_id: ChannelId) -> (String, Option<String>) {
    memberships::table
        .filter(memberships::channel_id.eq(channel_id))
        .select((memberships::state, memberships::reason))
        .first(&mut *app.conn())
        .unwrap()
}

/// 7: a channel edited to declare a method the programme forbids loses its membership at once,
/// and even approved again earns no credited click.
#[tokio::test]
async fn a_channel_that_now_declares_a_forbidden_method_loses_its_membership() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let client = app.client_for("anna@example.nl").await;
    let path = format!("/en/account/channels/{}", anna.channel_id);
    // An edit without forbidden methods keeps the membership.
    let r = app
        .submit_with(
            &client,
            &path,
            &path,
            &[
                ("website_url", "www.anna-example.nl"),
                ("channel_name", "Anna's reviews"),
                ("category", "reviews"),
                ("promotion_methods", "reviews"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(membership_state(&app, anna.channel_id).0, "approved");
    let r = app
        .submit_with(
            &client,
            &path,
            &path,
            &[
                ("website_url", "www.anna-example.nl"),
                ("channel_name", "Anna's reviews"),
                ("category", "reviews"),
                ("promotion_methods", "reviews"),
                ("promotion_methods", "keyword_marketing"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (state, reason) = membership_state(&app, anna.channel_id);
    assert_eq!(state, "rejected");
    assert_eq!(
        reason.as_deref(),
        Some("forbidden-methods:keyword_marketing")
    );
    let (_, page) = app.page_with(&client, "/en/account/channels").await;
    assert!(
        page.contains("Ended: the channel now declares"),
        "the reason in words"
    );

    // A manager approves the changed channel: its clicks are still not credited.
    app.set_review_state(anna.channel_id, ReviewState::Approved);
    common::money::click(&app, anna.channel_id).await;
    let credited: bool = clicks::table
        .order(clicks::clicked_at.desc())
        .select(clicks::credited)
        .first(&mut *app.conn())
        .unwrap();
    assert!(!credited);
}

/// 9: a request that read a session before logout (or a password change) deleted it, and saves
/// it afterwards, gets a new empty session, not the old login under a new key.
#[tokio::test]
async fn a_session_ended_meanwhile_does_not_come_back_under_a_new_key() {
    use actix_session::storage::{SessionKey, SessionStore};
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let store = portal::auth::session_store::DbSessionStore::new(app.pool.clone());
    let ttl = actix_web::cookie::time::Duration::minutes(30);
    let mut state = std::collections::HashMap::new();
    state.insert("account_id".to_owned(), anna.account_id.to_string());
    state.insert("csrf".to_owned(), "\"token\"".to_owned());
    let key = store.save(state.clone(), &ttl).await.unwrap();
    let same = SessionKey::try_from(key.as_ref().to_owned()).unwrap();
    // Logout deletes it; a slower request of the same browser then saves what it had read.
    store.delete(&key).await.unwrap();
    let new_key = store.update(same, state, &ttl).await.unwrap();
    let loaded = store.load(&new_key).await.unwrap().unwrap_or_default();
    assert!(!loaded.contains_key("account_id"), "{loaded:?}");
    assert!(!loaded.contains_key("csrf"), "{loaded:?}");
    use portal::db::schema::sessions;
    let logged_in: i64 = sessions::table
        .filter(sessions::account_id.is_not_null())
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(logged_in, 0);
}

fn client_from(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .local_address(std::net::IpAddr::from(address))
        .build()
        .unwrap()
}

/// 5: wrong passwords from one address hold back that address, not the owner elsewhere; and of
/// attempts sent at the same moment no more than five are tried.
#[tokio::test]
async fn failed_logins_hold_back_their_address_not_the_owner_and_are_counted_atomically() {
    let app = spawn_app().await;
    app.add_ready_publisher("anna@example.nl");
    let attacker = client_from([127, 0, 0, 3]);
    for _ in 0..5 {
        let r = app
            .log_in(&attacker, "en", "anna@example.nl", "a wrong password here")
            .await;
        assert_eq!(r.status().as_u16(), 422);
    }
    let r = app
        .log_in(&attacker, "en", "anna@example.nl", common::PASSWORD)
        .await;
    assert_eq!(
        r.status().as_u16(),
        429,
        "the attacking address is held back"
    );
    let owner = client_from([127, 0, 0, 4]);
    let r = app
        .log_in(&owner, "en", "anna@example.nl", common::PASSWORD)
        .await;
    assert_eq!(
        r.status().as_u16(),
        303,
        "the owner gets through from elsewhere"
    );

    // Twelve guesses at once from a new address: at most five are tried.
    app.add_ready_publisher("bob@example.nl");
    let guesser = client_from([127, 0, 0, 5]);
    let html = guesser
        .get(app.url("/en/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = common::csrf_token(&html).unwrap();
    let tries = (0..12).map(|n| {
        let guesser = guesser.clone();
        let url = app.url("/en/login");
        let token = token.clone();
        async move {
            let password = format!("wrong guess number {n}");
            guesser
                .post(url)
                .form(&[
                    ("csrf_token", token.as_str()),
                    ("email", "bob@example.nl"),
                    ("password", password.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(tries).await;
    let tried = statuses.iter().filter(|s| **s == 422).count();
    assert!(tried <= 5, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 422 || *s == 429),
        "{statuses:?}"
    );
}

/// 2: a visitor who is not logged in reads pages with forms without a session row being stored;
/// its forms still carry a token only its browser can send.
#[tokio::test]
async fn anonymous_pages_with_forms_store_no_session_and_their_forms_still_work() {
    use portal::db::schema::sessions;
    let app = spawn_app().await;
    app.add_ready_publisher("anna@example.nl");
    let sessions_now = |app: &TestApp| -> i64 {
        sessions::table
            .count()
            .get_result(&mut *app.conn())
            .unwrap()
    };
    let visitor = app.new_client();
    for page in [
        "/en/login",
        "/nl/signup",
        "/en/password/forgot",
        "/en/programmes/aliexpress",
    ] {
        let (status, _) = app.page_with(&visitor, page).await;
        assert_eq!(status, 200, "{page}");
    }
    assert_eq!(sessions_now(&app), 0, "no session rows for anonymous pages");

    // Another browser's token is refused; this browser's works and logs in.
    let stranger = app.new_client();
    let html = stranger
        .get(app.url("/en/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let foreign = common::csrf_token(&html).unwrap();
    let r = visitor
        .post(app.url("/en/login"))
        .form(&[
            ("csrf_token", foreign.as_str()),
            ("email", "anna@example.nl"),
            ("password", common::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = app
        .log_in(&visitor, "en", "anna@example.nl", common::PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(sessions_now(&app), 1, "the login has its session");
}

/// Issue 21 point 6: the CSRF token belongs to the session alone. After login, neither the token
/// this browser had before it (the anonymous one) nor a token made for a nonce another site
/// planted in the `portal_csrf` cookie is taken; the token changes at login; the session's works.
#[tokio::test]
async fn after_login_only_the_sessions_own_csrf_token_is_taken() {
    use std::sync::Arc;
    let app = spawn_app().await;
    app.add_ready_publisher("anna@example.nl");
    let url = reqwest::Url::parse(&app.url("/")).unwrap();

    // The attacker's own visit gives a nonce and the token made for it.
    let attacker = app.new_client();
    let page = attacker.get(app.url("/en/login")).send().await.unwrap();
    let nonce = page
        .cookies()
        .find(|c| c.name() == "portal_csrf")
        .map(|c| c.value().to_owned())
        .expect("an anonymous visitor gets a nonce cookie");
    let planted_token = common::csrf_token(&page.text().await.unwrap()).unwrap();

    let jar = Arc::new(reqwest::cookie::Jar::default());
    let victim = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_provider(jar.clone())
        .build()
        .unwrap();
    let (_, html) = app.page_with(&victim, "/en/login").await;
    let before_login = common::csrf_token(&html).unwrap();
    let r = app
        .log_in(&victim, "en", "anna@example.nl", common::PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, html) = app.page_with(&victim, "/en/account").await;
    assert_eq!(status, 200);
    let session_token = common::csrf_token(&html).unwrap();
    assert_ne!(session_token, before_login, "the token changes at login");

    // A logged-in form: the password change (with a wrong current password, so that a form
    // that gets through changes nothing and says so next to the field).
    let change_password = |token: String| {
        let victim = victim.clone();
        let url = app.url("/en/account/password");
        async move {
            victim
                .post(url)
                .form(&[
                    ("csrf_token", token.as_str()),
                    ("current_password", "not the password"),
                    ("new_password", "a new and long password"),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    // The token from before the login, with this browser's own nonce cookie still in place.
    assert_eq!(change_password(before_login).await, 403);
    // A nonce planted in the cookie, and the token the attacker got for it.
    jar.add_cookie_str(&format!("portal_csrf={nonce}; Path=/"), &url);
    assert_eq!(change_password(planted_token).await, 403);
    // The session's own token is taken: the form answers with its message.
    let status = change_password(session_token).await;
    assert!(status != 403 && status < 500, "{status}");
}

/// 10: signing up again and again under one address (someone else's) sends it at most three
/// mails an hour, and the answer is the same each time.
#[tokio::test]
async fn signing_up_again_and_again_under_one_address_sends_at_most_three_mails() {
    let app = spawn_app().await;
    app.add_ready_publisher("victim@example.nl");
    let mut answers = Vec::new();
    for _ in 0..5 {
        let client = app.new_client();
        let r = app
            .submit_with(
                &client,
                "/en/signup",
                "/en/signup",
                &[("email", "victim@example.nl")],
            )
            .await;
        answers.push((r.status().as_u16(), common::location(&r)));
        let channel = [
            ("website_url", "www.koopjesblog.nl"),
            ("channel_name", "Koopjesblog"),
            ("category", "content"),
            ("participant_kind", "publisher"),
            ("promotion_methods", "content"),
            ("company_name", "Koopjes B.V."),
            ("contact_name", "Jan Jansen"),
            ("country", "NL"),
        ];
        app.submit_with(
            &client,
            "/en/signup/channel",
            "/en/signup/channel",
            &channel,
        )
        .await;
        let r = app
            .submit_with(
                &client,
                "/en/signup/account",
                "/en/signup/account",
                &[
                    ("password", common::PASSWORD),
                    ("password_confirm", common::PASSWORD),
                    ("accept_rules", "yes"),
                ],
            )
            .await;
        answers.push((r.status().as_u16(), common::location(&r)));
    }
    assert!(
        answers.chunks(2).all(|a| a == &answers[0..2]),
        "{answers:?}"
    );
    // Every mail queued has been sent: the fourth and fifth were never queued.
    app.mail_sent().await;
    assert_eq!(app.smtp().mails_to("victim@example.nl").len(), 3);
}

/// The mail queue (and security 4): the forgotten-password form answers the same for a known and
/// an unknown address and never waits for SMTP — the mail is a queued row the worker sends, with
/// a Message-ID; a mail queued before a restart is sent, once.
#[tokio::test]
async fn mail_goes_through_the_queue_with_a_message_id_and_is_sent_once() {
    use portal::db::schema::mail_queue;
    let app = spawn_app().await;
    app.add_ready_publisher("anna@example.nl");
    let known = app
        .submit("/en/password/forgot", &[("email", "anna@example.nl")])
        .await;
    let unknown = app
        .submit("/en/password/forgot", &[("email", "nobody@example.nl")])
        .await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(
        common::strip_tokens(&known.text().await.unwrap()),
        common::strip_tokens(&unknown.text().await.unwrap())
    );
    let mail = app.smtp().wait_for("anna@example.nl", 0).await;
    let message_id = mail.parsed().message_id().expect("a Message-ID").to_owned();
    // The worker marks it sent after the SMTP server's answer.
    app.mail_sent().await;
    let (stored, sent): (String, Option<chrono::NaiveDateTime>) = mail_queue::table
        .select((mail_queue::message_id, mail_queue::sent_at))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(stored.trim_matches(['<', '>']), message_id);
    assert!(sent.is_some());

    // A mail left queued (a server stopped before sending it) goes out once.
    app.sql(
        "INSERT INTO mail_queue (message_id, recipient, subject, text_body, html_body, created_at, attempts, next_attempt_at) \
         VALUES ('<left@partnerlink.test>', 'later@example.nl', 'Queued before the restart', 'text', '<p>html</p>', '2026-11-30 00:00:00', 0, '2026-11-30 00:00:00')",
    );
    let later = app.smtp().wait_for("later@example.nl", 0).await;
    assert_eq!(later.subject(), "Queued before the restart");
    app.mail_sent().await;
    assert_eq!(app.smtp().mails_to("later@example.nl").len(), 1);
}

#[test]
fn failed_mail_waits_longer_each_time_up_to_an_hour() {
    let waits: Vec<i64> = (0..10).map(portal::mail::backoff_seconds).collect();
    assert_eq!(waits, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
}

/// SMTP down: requests that mail still succeed; the mail waits in the queue with its error, and
/// the account managers see it on the console's home page.
#[tokio::test]
async fn with_smtp_down_requests_succeed_and_managers_see_the_mail_waiting() {
    use portal::db::schema::mail_queue;
    let app = common::spawn_app_with(common::Options {
        smtp_down: true,
        ..common::Options::default()
    })
    .await;
    app.add_ready_publisher("anna@example.nl");
    let r = app
        .submit("/en/password/forgot", &[("email", "anna@example.nl")])
        .await;
    assert_eq!(r.status().as_u16(), 200);
    // The worker tries, fails and sets the next attempt later.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let (attempts, error) = loop {
        let row: (i32, Option<String>, Option<chrono::NaiveDateTime>) = mail_queue::table
            .select((
                mail_queue::attempts,
                mail_queue::last_error,
                mail_queue::sent_at,
            ))
            .first(&mut *app.conn())
            .unwrap();
        assert!(row.2.is_none(), "sent without an SMTP server?");
        if row.1.is_some() {
            break (row.0, row.1);
        }
        assert!(std::time::Instant::now() < deadline, "no attempt was made");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert_eq!(attempts, 1);
    assert!(error.unwrap().len() > 3);
    let boss = app.manager("beheer@partnerlink.nl").await;
    let (_, home) = app.page_with(&boss, "/en/manage").await;
    assert!(home.contains("Mail not sent yet") && home.contains("anna@example.nl"));
}

/// 3: a new user agent per click no longer makes every click a new visitor: one address gets
/// at most three times the per-visitor limit of credited clicks a minute.
#[tokio::test]
async fn changing_the_user_agent_per_click_does_not_pass_the_velocity_check() {
    let app = spawn_app().await; // 20 clicks per visitor a minute: 60 per address
    let anna = app.add_ready_publisher("anna@example.nl");
    let client = app.new_client();
    for n in 0..70 {
        let r = client
            .get(app.url(&format!(
                "/click?p={}&a={}",
                app.programme_id(),
                anna.channel_id
            )))
            .header("user-agent", format!("{} build/{n}", common::BROWSER))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 302);
    }
    let verdicts: Vec<(bool, Option<String>)> = clicks::table
        .select((clicks::credited, clicks::reason))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(verdicts.len(), 70);
    let credited = verdicts.iter().filter(|(c, _)| *c).count();
    assert_eq!(credited, 60, "{verdicts:?}");
    assert!(verdicts
        .iter()
        .filter(|(c, _)| !c)
        .all(|(_, r)| r.as_deref() == Some("velocity")));
}

/// A client whose requests say (through `X-Forwarded-For`) that they come from `ip`.
fn client_claiming(ip: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", ip.parse().unwrap());
    headers.insert("user-agent", common::BROWSER.parse().unwrap());
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .default_headers(headers)
        .build()
        .unwrap()
}

async fn click_status(app: &TestApp, client: &reqwest::Client, channel_id: ChannelId) -> u16 {
    let link = format!("/click?p={}&a={channel_id}", app.programme_id());
    client
        .get(app.url(&link))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// 1: `/click` takes a limited number of clicks a minute from one address; the next ones get a
/// 429 (with when to try again, in the visitor's language) and reach neither the click writer
/// nor the click log.
#[tokio::test]
async fn one_address_gets_its_clicks_per_minute_and_then_a_429() {
    let app = common::spawn_app_with(common::Options {
        click_limit: 5,
        ..common::Options::default()
    })
    .await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let client = app.new_client();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(click_status(&app, &client, anna.channel_id).await);
    }
    assert_eq!(statuses, [302, 302, 302, 302, 302, 429, 429]);
    let stored: i64 = clicks::table.count().get_result(&mut *app.conn()).unwrap();
    assert_eq!(stored, 5);
    // Unknown links count too: ever new ids cannot reach the writer past the limit either.
    let r = client
        .get(app.url("/click?p=999999&a=888888"))
        .header("accept-language", "nl")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert_eq!(r.headers()["retry-after"], "60");
    assert!(r.text().await.unwrap().contains("lang=\"nl\""));
}

/// 12: without a trusted proxy, `X-Forwarded-For` is anyone's word and changes nothing: the
/// limit stays with the address that connects.
#[tokio::test]
async fn a_forged_forwarded_for_does_not_escape_the_limits() {
    let app = common::spawn_app_with(common::Options {
        click_limit: 2,
        rate_limit: 2,
        ..common::Options::default()
    })
    .await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let mut statuses = Vec::new();
    for n in 1..=3 {
        let client = client_claiming(&format!("198.51.100.{n}"));
        statuses.push(click_status(&app, &client, anna.channel_id).await);
    }
    assert_eq!(statuses, [302, 302, 429]);
    let mut statuses = Vec::new();
    for n in 1..=3 {
        let client = client_claiming(&format!("198.51.100.{n}"));
        let r = app
            .submit_with(
                &client,
                "/en/login",
                "/en/login",
                &[("email", "x@example.org"), ("password", "whatever")],
            )
            .await;
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [422, 422, 429]);
}

/// 12: behind a reverse proxy named in `PORTAL_TRUSTED_PROXIES`, every visitor is counted under
/// the address the proxy saw, not the proxy's own: each has their own limits and IP hash, and a
/// visitor's forged entry in front of the proxy's is ignored.
#[tokio::test]
async fn behind_a_trusted_proxy_each_visitor_has_their_own_limits() {
    let app = common::spawn_app_with(common::Options {
        click_limit: 2,
        rate_limit: 2,
        trusted_proxies: Some("127.0.0.1, ::1"),
        ..common::Options::default()
    })
    .await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let first = client_claiming("198.51.100.1");
    // The visitor wrote "203.0.113.50" themselves; the proxy appended what it saw.
    let forging = client_claiming("203.0.113.50, 198.51.100.1");
    let second = client_claiming("198.51.100.2");
    let statuses = [
        click_status(&app, &first, anna.channel_id).await,
        click_status(&app, &forging, anna.channel_id).await,
        click_status(&app, &first, anna.channel_id).await,
        click_status(&app, &second, anna.channel_id).await,
    ];
    assert_eq!(statuses, [302, 302, 429, 302]);
    let hashes: Vec<Vec<u8>> = clicks::table
        .select(clicks::ip_hash)
        .order(clicks::clicked_at)
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(hashes.len(), 3);
    assert_eq!(hashes[0], hashes[1], "the forged entry is ignored");
    assert_ne!(hashes[0], hashes[2], "two visitors behind one proxy");
    let mut statuses = Vec::new();
    for client in [&first, &first, &first, &second] {
        let r = app
            .submit_with(
                client,
                "/en/login",
                "/en/login",
                &[("email", "x@example.org"), ("password", "whatever")],
            )
            .await;
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses, [422, 422, 429, 422]);
}
