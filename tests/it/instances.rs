//! Several instances of the portal on one PostgreSQL database (issue 24).

use std::time::{Duration, Instant};

use diesel::prelude::*;
use portal::config::DatabaseKind;

use crate::common::{spawn_app, spawn_app_with, Options};

/// The footer of every page names the publisher team's contact. Saved in the console, the new
/// one is the footer at once on the instance that saved it; every other instance read the old
/// one at its start and reads it again when told (`NOTIFY`) — without that, never. The wait
/// for the other instance is bounded only to fail rather than hang; how soon it came is printed
/// (`--nocapture`: 45 ms on an idle machine), not asserted.
#[tokio::test]
async fn a_contact_saved_in_the_console_is_every_instances_footer() {
    let app = spawn_app().await;
    let other = (app.kind() == DatabaseKind::Postgres).then(|| app.another_instance());
    let admin = app.administrator("admin@partnerlink.nl").await;
    let contact: i64 = {
        use portal::db::schema::programme_contacts;
        programme_contacts::table
            .filter(programme_contacts::role.eq("publisher_team"))
            .select(programme_contacts::id)
            .first(&mut *app.conn())
            .unwrap()
    };
    let new = "<a href=\"mailto:desk@partnerlink.nl\">Publisher Desk</a>";
    let footer = |body: &str| body.contains(new);
    let (_, before) = app.page("/en/login").await;
    assert!(!footer(&before));
    if let Some(other) = &other {
        assert!(!footer(&body(&format!("{}/en/login", other.address)).await));
    }

    let r = app
        .submit_with(
            &admin,
            "/en/manage/programme",
            &format!("/en/manage/programme/contacts/{contact}"),
            &[("name", "Publisher Desk"), ("email", "desk@partnerlink.nl")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, here) = app.page("/en/login").await;
    assert!(footer(&here), "the saving instance's footer");

    let Some(other) = other else { return };
    let saved = Instant::now();
    let deadline = saved + Duration::from_secs(60);
    loop {
        if footer(&body(&format!("{}/en/login", other.address)).await) {
            eprintln!(
                "the other instance's footer changed {:?} after the save",
                saved.elapsed()
            );
            break;
        }
        assert!(Instant::now() < deadline, "the other instance never heard");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn body(url: &str) -> String {
    reqwest::get(url).await.unwrap().text().await.unwrap()
}

/// The forms' per-address limit (login, signup, mail forms) holds across instances: each
/// instance lets an address post `rate_limit` times a minute, and on PostgreSQL the posts are
/// also counted in the database, so an address alternating between two instances gets no more.
/// The CSRF token of one instance's page is good on the other (one secret key).
#[tokio::test]
async fn the_form_limit_of_an_address_holds_across_instances() {
    let app = spawn_app_with(Options {
        rate_limit: 3,
        ..Options::default()
    })
    .await;
    if app.kind() != DatabaseKind::Postgres {
        return;
    }
    let other = app.another_instance();
    let client = app.new_client();
    let page = client.get(app.url("/en/login")).send().await.unwrap();
    let token = crate::common::csrf_token(&page.text().await.unwrap()).unwrap();
    let mut statuses = Vec::new();
    for base in [
        &app.address,
        &other.address,
        &app.address,
        &other.address,
        &app.address,
    ] {
        let r = client
            .post(format!("{base}/en/login"))
            .form(&[
                ("csrf_token", token.as_str()),
                ("email", "x@example.org"),
                ("password", "whatever"),
            ])
            .send()
            .await
            .unwrap();
        statuses.push(r.status().as_u16());
    }
    // Refused as a wrong login (422) by either instance with A's token, until the third post.
    assert_eq!(statuses, [422, 422, 422, 429, 429]);
}
