//! Logging in and out, passwords and sessions.

mod common;

use common::*;

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
