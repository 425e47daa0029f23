//! Limits, from outside (security issue 14): how large a form, an upload or a request may be,
//! and what the visitor is told past it — in their language, with nothing stored. (Rate limits
//! per address and per account: `tests/auth.rs`, `tests/security.rs`; the conversion API's
//! body limit: `tests/conversions.rs`; 3 MB bodies on every form: `tests/corpus.rs`.)

use crate::common::enforcement::{object, pdf_of_size as pdf_of, taken, Measure, MeasureKind};
use crate::common::spawn_app;
use diesel::prelude::*;
use portal::db::schema::{objection_files, objections};

/// A form post far above what any form needs: 413, the page in the visitor's language.
#[tokio::test]
async fn a_form_body_above_the_limit_is_refused_in_the_visitors_language() {
    let app = spawn_app().await;
    let big = "x".repeat(3 << 20);
    let r = app
        .submit(
            "/nl/login",
            &[("email", "anna@example.nl"), ("password", big.as_str())],
        )
        .await;
    assert_eq!(r.status().as_u16(), 413);
    assert!(r.text().await.unwrap().contains("<html lang=\"nl\""));
}

/// Evidence above 10 MB a file is refused next to the field, the objection's words kept, and
/// nothing stored; a request far above what five files may take is refused as a whole.
#[tokio::test]
async fn an_upload_above_the_file_limit_is_refused_and_stores_nothing() {
    let app = spawn_app().await;
    let boss = app.administrator("beheer@partnerlink.nl").await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let id = taken(
        &app,
        &boss,
        anna.participant_id,
        Measure::new(MeasureKind::Deduct, &["F.11.d", "E.10.j"], "Fake orders.")
            .with("amount", "20"),
    )
    .await;
    let browser = app.client_for("anna@example.nl").await;
    let notice = format!("/en/account/notices/{id}");
    let action = format!("{notice}/objection");
    // The objection with one statement of `size` bytes.
    let send = |size: usize| {
        let (app, browser, notice, action) = (&app, &browser, &notice, &action);
        async move {
            let statement = pdf_of(size);
            object(
                app,
                browser,
                notice,
                action,
                "They were real orders.",
                &[("statement.pdf", "application/pdf", &statement)],
            )
            .await
        }
    };
    let r = send(10 * 1024 * 1024 + 1).await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("statement.pdf is larger than 10 MB."),
        "{page}"
    );
    assert!(page.contains(">They were real orders.</textarea>"));
    let stored: (i64, i64) = (
        objections::table
            .count()
            .get_result(&mut *app.conn())
            .unwrap(),
        objection_files::table
            .count()
            .get_result(&mut *app.conn())
            .unwrap(),
    );
    assert_eq!(stored, (0, 0));
    // Exactly 10 MB is taken.
    let r = send(10 * 1024 * 1024).await;
    assert_eq!(r.status().as_u16(), 303);
    let files: i64 = objection_files::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(files, 1);
}
