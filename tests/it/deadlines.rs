//! Deadlines with their zone (issue 22, point 5): the rules count days in Hong Kong (G.13), so
//! every deadline the portal shows — in the measure's mail, on the notice, on the console — says
//! the Hong Kong date and time it ends and the same moment in the Netherlands, in the reader's
//! language.

use crate::common;

use crate::common::enforcement::{last_measure, object, take, taken, Measure, MeasureKind, PDF};
use crate::common::spawn_app;
use chrono::NaiveDate;
use diesel::prelude::*;
use portal::calendar::working_days::deadline_day_moment;
use portal::db::schema::{measures, objections};
use portal::i18n::{Lang, READER_ZONE};

#[tokio::test]
async fn every_deadline_says_hong_kong_time_and_the_time_in_the_netherlands() {
    let app = spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let bob = app.add_ready_publisher_in("bob@example.com", Lang::En);

    for (participant, email, lang) in [
        (&anna, "anna@example.nl", Lang::Nl),
        (&bob, "bob@example.com", Lang::En),
    ] {
        let r = take(
            &app,
            &admin,
            participant.participant_id,
            &[
                ("kind", "warning"),
                ("clauses", "E.10.c"),
                ("reason", "Bids on the brand name"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        let measure = last_measure(&app);
        let claim_until: NaiveDate = measures::table
            .find(measure)
            .select(measures::claim_until)
            .first(&mut *app.conn())
            .unwrap();
        let expected = deadline_day_moment(lang, claim_until, READER_ZONE);
        let (hong_kong, netherlands) = match lang {
            Lang::Nl => ("23:59 Hongkongse tijd (", "in Nederland)"),
            Lang::En => ("23:59 Hong Kong time (", "in the Netherlands)"),
        };
        assert!(expected.contains(hong_kong) && expected.contains(netherlands));

        // The mail that tells the participant of the measure.
        let mail = app.smtp().wait_for(email, 0).await;
        let text = mail.text().replace("\r\n", " ").replace('\n', " ");
        assert!(text.contains(&expected), "{email}: {expected}\n{text}");

        // The notice.
        let client = app.client_for(email).await;
        let (status, notice) = app
            .page_with(
                &client,
                &format!("/{}/account/notices/{measure}", lang.code()),
            )
            .await;
        assert_eq!(status, 200);
        assert!(notice.contains(&expected), "{email}: notice");

        // The console's page of the participant, in both languages.
        for console_lang in Lang::ALL {
            let (_, page) = app
                .page_with(
                    &admin,
                    &format!(
                        "/{}/manage/participants/{}",
                        console_lang.code(),
                        participant.participant_id
                    ),
                )
                .await;
            let shown = deadline_day_moment(console_lang, claim_until, READER_ZONE);
            assert!(page.contains(&shown), "console {console_lang:?}: {shown}");
        }

        // An objection: its decision is due at the end of a Hong Kong day too.
        let r = object(
            &app,
            &client,
            &format!("/{}/account/notices/{measure}", lang.code()),
            &format!("/{}/account/notices/{measure}/objection", lang.code()),
            "I did not bid on the brand.",
            &[("ads.pdf", "application/pdf", PDF)],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303, "{email}: objection filed");
    }

    let due_on: NaiveDate = objections::table
        .order(objections::id.desc())
        .select(objections::due_on)
        .first(&mut *app.conn())
        .unwrap();
    for lang in Lang::ALL {
        let shown = deadline_day_moment(lang, due_on, READER_ZONE);
        for page in ["/manage", "/manage/objections"] {
            let (_, html) = app
                .page_with(&admin, &format!("/{}{page}", lang.code()))
                .await;
            assert!(html.contains(&shown), "{lang:?} {page}: {shown}");
        }
    }
}

#[tokio::test]
async fn a_cure_period_ends_at_the_end_of_its_hong_kong_day() {
    let app = spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let today = portal::calendar::working_days::hong_kong_day(portal::db::now());
    let deadline = today + chrono::Days::new(20);
    let measure = taken(
        &app,
        &admin,
        anna.participant_id,
        Measure::new(
            MeasureKind::CurePeriod,
            &["E.10.c"],
            "Bids on the brand name",
        )
        .with("deadline", &deadline.to_string()),
    )
    .await;
    let client = app.client_for("anna@example.nl").await;
    for lang in Lang::ALL {
        let (_, notice) = app
            .page_with(
                &client,
                &format!("/{}/account/notices/{measure}", lang.code()),
            )
            .await;
        let shown = deadline_day_moment(lang, deadline, READER_ZONE);
        let sentence = match lang {
            Lang::Nl => format!("U hebt tot {shown} om de overtreding te herstellen"),
            Lang::En => format!("You have until {shown} to cure the breach"),
        };
        assert!(notice.contains(&sentence), "{lang:?}: {sentence}");
    }
}

#[tokio::test]
async fn a_terminated_participant_is_told_at_login_until_when_to_object_with_the_zone() {
    let app = spawn_app().await;
    let admin = app.administrator("admin@partnerlink.nl").await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let r = take(
        &app,
        &admin,
        anna.participant_id,
        &[
            ("kind", "terminate"),
            ("clauses", "E.10.c"),
            ("reason", "Bids on the brand name again"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let claim_until: NaiveDate = measures::table
        .find(last_measure(&app))
        .select(measures::claim_until)
        .first(&mut *app.conn())
        .unwrap();
    for lang in Lang::ALL {
        let r = app
            .log_in_password(
                &app.new_client(),
                lang.code(),
                "anna@example.nl",
                common::PASSWORD,
            )
            .await;
        let html = r.text().await.unwrap();
        let shown = deadline_day_moment(lang, claim_until, READER_ZONE);
        let sentence = match lang {
            Lang::Nl => format!("U kunt tot en met {shown} bezwaar maken"),
            Lang::En => format!("You can object until {shown} with the link"),
        };
        assert!(html.contains(&sentence), "{lang:?}: {sentence}\n{html}");
    }
}
