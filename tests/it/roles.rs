//! Every `/{lang}/manage` route checks the role. The table below names each route with the role
//! it needs; the test reads the routes the source registers, so a new console route that is not
//! in the table (and so not checked here) fails it.

use crate::common;

use crate::common::{csrf_token, location, spawn_app, TestApp};

#[derive(Clone, Copy, PartialEq, Debug)]
enum Needs {
    Manager,
    Administrator,
}

/// (method, route as registered, role).
const ROUTES: &[(&str, &str, Needs)] = &[
    ("GET", "/manage", Needs::Manager),
    (
        "POST",
        "/manage/{subject:channels|memberships}/{id}/review",
        Needs::Manager,
    ),
    ("GET", "/manage/participants", Needs::Manager),
    ("GET", "/manage/participants/{id}", Needs::Manager),
    ("POST", "/manage/participants/{id}/measures", Needs::Manager),
    (
        "POST",
        "/manage/participants/{id}/measures/{mid}/lift",
        Needs::Manager,
    ),
    (
        "POST",
        "/manage/participants/{id}/measures/{mid}/cure",
        Needs::Manager,
    ),
    (
        "GET",
        "/manage/participants/{id}/reinstate",
        Needs::Administrator,
    ),
    (
        "POST",
        "/manage/participants/{id}/reinstate",
        Needs::Administrator,
    ),
    ("GET", "/manage/objections", Needs::Manager),
    ("POST", "/manage/objections/{id}/decision", Needs::Manager),
    ("GET", "/manage/evidence/{file}", Needs::Manager),
    ("GET", "/manage/conversions", Needs::Manager),
    ("POST", "/manage/commissions/{id}/decision", Needs::Manager),
    ("GET", "/manage/conversions/import", Needs::Manager),
    ("POST", "/manage/conversions/import", Needs::Manager),
    ("POST", "/manage/conversions/import/confirm", Needs::Manager),
    // Separation of duties (issue 20): paying out and the key that makes money are an
    // administrator's; a plain account manager enters conversions and decides commissions.
    ("GET", "/manage/payouts", Needs::Administrator),
    ("POST", "/manage/payouts", Needs::Administrator),
    (
        "GET",
        "/manage/payouts/{id}/pain001.xml",
        Needs::Administrator,
    ),
    ("POST", "/manage/programme/secret", Needs::Administrator),
    ("GET", "/manage/audit", Needs::Administrator),
    ("GET", "/manage/audit.csv", Needs::Administrator),
    ("GET", "/manage/managers", Needs::Administrator),
    ("POST", "/manage/managers", Needs::Administrator),
    ("POST", "/manage/managers/{id}/role", Needs::Administrator),
    ("POST", "/manage/managers/{id}/access", Needs::Administrator),
    ("GET", "/manage/holidays", Needs::Administrator),
    ("POST", "/manage/holidays", Needs::Administrator),
    ("POST", "/manage/holidays/import", Needs::Administrator),
    (
        "POST",
        "/manage/holidays/{day}/remove",
        Needs::Administrator,
    ),
    ("GET", "/manage/programme", Needs::Administrator),
    ("POST", "/manage/programme/texts/{id}", Needs::Administrator),
    ("POST", "/manage/programme/rates", Needs::Administrator),
    (
        "POST",
        "/manage/programme/policies/{key}",
        Needs::Administrator,
    ),
    (
        "POST",
        "/manage/programme/contacts/{id}",
        Needs::Administrator,
    ),
    ("GET", "/manage/rules", Needs::Administrator),
    ("POST", "/manage/rules", Needs::Administrator),
    // The lists the rules name (issue 22, point 9).
    ("GET", "/manage/bans", Needs::Administrator),
    ("POST", "/manage/bans", Needs::Administrator),
    ("POST", "/manage/bans/{id}/lift", Needs::Administrator),
    ("GET", "/manage/brands", Needs::Administrator),
    ("POST", "/manage/brands", Needs::Administrator),
    ("POST", "/manage/brands/{id}/remove", Needs::Administrator),
];

/// The `/manage` routes the source registers: the first string after each `.route(` or
/// `web::resource(`.
fn registered_routes() -> Vec<String> {
    let mut found = Vec::new();
    let mut dirs = vec![std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            for marker in [".route(", "web::resource("] {
                for (at, _) in source.match_indices(marker) {
                    let rest = &source[at + marker.len()..];
                    let Some(open) = rest.find('"') else { continue };
                    // Only a literal that is the call's first argument.
                    if !rest[..open].trim().is_empty() {
                        continue;
                    }
                    let literal = &rest[open + 1..];
                    let route = &literal[..literal.find('"').unwrap()];
                    if route.starts_with("/manage") {
                        found.push(route.to_owned());
                    }
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn every_console_route_is_in_the_table() {
    let registered = registered_routes();
    assert!(registered.len() > 20, "found {registered:?}");
    for route in &registered {
        assert!(
            ROUTES.iter().any(|(_, r, _)| r == route),
            "{route} is a console route without a row in the role table"
        );
    }
    for (_, route, _) in ROUTES {
        assert!(
            registered.iter().any(|r| r == route),
            "{route} is no longer registered"
        );
    }
}

/// A path for the route with its parameters filled in.
fn concrete(route: &str) -> String {
    format!(
        "/en{}",
        route
            .replace("{subject:channels|memberships}", "channels")
            .replace("{day}", "2026-12-25")
            .replace("{key}", "cookie_period")
            .replace("{id}", "1")
            .replace("{mid}", "1")
            .replace("{file}", "1")
    )
}

async fn call(
    app: &TestApp,
    client: &reqwest::Client,
    method: &str,
    path: &str,
) -> reqwest::Response {
    if method == "GET" {
        return client.get(app.url(path)).send().await.unwrap();
    }
    // A real CSRF token of the session, so what answers is the role check.
    let html = client
        .get(app.url("/en/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_token(&html).unwrap_or_default();
    client
        .post(app.url(path))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn each_console_route_admits_only_its_role() {
    let app = spawn_app().await;
    app.add_ready_publisher("anna@example.nl");
    let participant = app.client_for("anna@example.nl").await;
    let manager = app.manager("beheer@partnerlink.nl").await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let anonymous = app.new_client();
    for (method, route, needs) in ROUTES {
        let path = concrete(route);
        let r = call(&app, &anonymous, method, &path).await;
        let status = r.status().as_u16();
        assert!(
            status == 403 || (status == 303 && location(&r).contains("/login")),
            "{method} {path}: a visitor got {status}"
        );
        let r = call(&app, &participant, method, &path).await;
        assert_eq!(r.status().as_u16(), 403, "{method} {path}: a participant");
        let r = call(&app, &manager, method, &path).await;
        let status = r.status().as_u16();
        match needs {
            Needs::Administrator => assert_eq!(status, 403, "{method} {path}: a manager"),
            Needs::Manager => assert!(
                status != 403 && status < 500 && !location(&r).contains("/login"),
                "{method} {path}: a manager got {status}"
            ),
        }
        let r = call(&app, &admin, method, &path).await;
        let status = r.status().as_u16();
        assert!(
            status != 403 && status < 500 && !location(&r).contains("/login"),
            "{method} {path}: an administrator got {status}"
        );
    }
}

#[tokio::test]
async fn a_participant_learns_nothing_about_what_is_behind_a_console_route() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let client = app.client_for("anna@example.nl").await;
    let existing = client
        .get(app.url(&format!("/en/manage/participants/{}", anna.participant_id)))
        .send()
        .await
        .unwrap();
    let missing = client
        .get(app.url("/en/manage/participants/999999"))
        .send()
        .await
        .unwrap();
    assert_eq!(existing.status().as_u16(), 403);
    assert_eq!(missing.status().as_u16(), 403);
    let (a, b) = (
        existing.text().await.unwrap(),
        missing.text().await.unwrap(),
    );
    // The same page but for the address in the language switch.
    let a = a.replace(
        &format!("/manage/participants/{}\"", anna.participant_id),
        "/manage/participants/N\"",
    );
    let b = b.replace("/manage/participants/999999\"", "/manage/participants/N\"");
    assert_eq!(common::strip_tokens(&a), common::strip_tokens(&b));
}
