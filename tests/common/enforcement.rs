//! Measures and objections as the console and the participant's pages make them.

use diesel::prelude::*;
use portal::db::schema::{accounts, measures};

use super::{csrf_token, TestApp};

/// The value of the first hidden field `name` in a page.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker)?;
    let rest = &html[at + marker.len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// An administrator (an account manager who also administers), logged in.
pub async fn administrator(app: &TestApp, email: &str) -> reqwest::Client {
    let id = app.add_manager(email);
    diesel::update(accounts::table.find(id))
        .set(accounts::administrator.eq(true))
        .execute(&mut *app.conn())
        .unwrap();
    app.client_for(email).await
}

/// Takes a measure on `participant_id`'s console page as a manager would: the page's CSRF
/// token and one-time key, plus `fields` (`kind`, `clauses`, `reason`, …).
pub async fn take(
    app: &TestApp,
    client: &reqwest::Client,
    participant_id: i64,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = format!("/en/manage/participants/{participant_id}");
    let html = client
        .get(app.url(&page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_token(&html).expect("a csrf token");
    let key = hidden(&html, "request_key").expect("a request key");
    let mut body: Vec<(&str, &str)> = vec![("csrf_token", &token), ("request_key", &key)];
    body.extend_from_slice(fields);
    client
        .post(app.url(&format!("{page}/measures")))
        .form(&body)
        .send()
        .await
        .unwrap()
}

/// The newest measure's id.
pub fn last_measure(app: &TestApp) -> i64 {
    measures::table
        .order(measures::id.desc())
        .select(measures::id)
        .first(&mut *app.conn())
        .unwrap()
}

/// A small PDF that is a PDF from its first byte to its last.
pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// Files an objection to `measure_id` from the notice page at `page` (posting to `action`),
/// with `files` as (name, content type as the browser claims it, bytes).
pub async fn object(
    app: &TestApp,
    client: &reqwest::Client,
    page: &str,
    action: &str,
    text: &str,
    files: &[(&str, &str, &[u8])],
) -> reqwest::Response {
    let html = client
        .get(app.url(page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_token(&html).expect("a csrf token on the notice");
    let mut form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("text", text.to_owned());
    for (name, content_type, bytes) in files {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec())
            .file_name(name.to_string())
            .mime_str(content_type)
            .unwrap();
        form = form.part("evidence", part);
    }
    client
        .post(app.url(action))
        .multipart(form)
        .send()
        .await
        .unwrap()
}
