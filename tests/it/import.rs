//! The account managers' CSV import of conversions (issue 20, point 15): a file of 10,000 lines
//! is previewed line by line — each problem on its line as an editor numbers it — and stored
//! whole at the confirmation; the preview only reads, so it never takes the database's write
//! lock from the click writer and the other writers (SQLite has one writer at a time).

use crate::common;
use crate::common::fixtures::manager_and_anna;

use crate::common::audit;
use crate::common::money::{
    click, pass_locking_dates, report, secret, send, stored_conversions as stored,
    upload_import as upload, IMPORT_HEADER as HEADER,
};
use crate::common::spawn_app;
use diesel::connection::SimpleConnection;
use portal::config::DatabaseKind;
use portal::db::AnyConnection;
use portal::ledger::import;

/// `n` orders `BIG-00000…` of one click, with a blank line after the 5,000th (editors count it,
/// so the lines after it are one further down) and `group` as the commission group of the
/// orders `odd_ones`.
fn big_file(click_id: &str, at: &str, n: usize, odd_ones: &[usize], group: &str) -> String {
    let mut csv = HEADER.to_owned();
    for i in 0..n {
        let group = if odd_ones.contains(&i) {
            group
        } else {
            "sales"
        };
        csv.push_str(&format!(
            "aliexpress,{click_id},BIG-{i:05},{}.{:02},EUR,{group},false,pending,,{at}\n",
            10 + i % 500,
            i % 100
        ));
        if i == 4_999 {
            csv.push('\n');
        }
    }
    csv
}

#[tokio::test]
async fn a_ten_thousand_line_file_is_previewed_line_by_line_and_stored_whole_at_the_confirmation() {
    let (app, boss, anna) = manager_and_anna().await;
    let (click_id, at) = click(&app, anna.channel_id).await;

    // Five orders name a group the programme does not have: the first, one on each side of the
    // blank line, one further on and the last. Each is shown on its line of the file (the header
    // is line 1, order 0 line 2, and the blank line after order 4,999 counts).
    let wrong = big_file(
        &click_id,
        &at,
        10_000,
        &[0, 4_999, 5_000, 7_000, 9_999],
        "shoes",
    );
    let r = upload(&app, &boss, wrong).await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("5 regels hebben een fout"),
        "{}",
        &page[..2000]
    );
    assert!(
        page.contains("commission_group: Het programma heeft geen commissiegroep met deze naam.")
    );
    for (line, order) in [
        (2, "BIG-00000"),
        (5001, "BIG-04999"),
        (5003, "BIG-05000"),
        (7003, "BIG-07000"),
        (10002, "BIG-09999"),
    ] {
        let row = format!(
            "<tr class=\"row-invalid\"><td class=\"num\">{line}</td><th scope=\"row\">{order}</th>"
        );
        assert!(page.contains(&row), "line {line}");
    }
    // The table lists the lines with a problem, not the 9,995 right ones.
    assert!(!page.contains("<th scope=\"row\">BIG-00001</th>"));
    assert!(
        !page.contains("name=\"content\""),
        "no confirmation with a problem"
    );
    assert_eq!(stored(&app), 0);

    let right = big_file(&click_id, &at, 10_000, &[7_000], "marketplace");
    let r = upload(&app, &boss, right.clone()).await;
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Elke regel klopt: 10000 nieuwe conversies, 0 updates, 0 ongewijzigd."),
        "{}",
        &page[..2000]
    );
    assert!(page.contains("name=\"content\""));
    // A right file shows its first lines, to see it was read as meant.
    assert!(page.contains("De eerste 20 van de 10000 regels van het bestand:"));
    assert!(page.contains("<td class=\"num\">21</td><th scope=\"row\">BIG-00019</th>"));
    assert!(!page.contains("<th scope=\"row\">BIG-00020</th>"));
    // The previews stored nothing and wrote no audit line.
    assert_eq!(stored(&app), 0);
    assert!(audit::lines(&app, "conversions_imported").is_empty());

    let r = common::money::confirm_import(&app, &boss, &right).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(stored(&app), 10_000);
    let line = audit::only(&app, "conversions_imported");
    audit::assert_by(&app, &line, "beheer@partnerlink.nl");
    assert_eq!(line.subject, "10000 lines");

    // The same file again: every line unchanged, nothing new stored.
    let r = upload(&app, &boss, right).await;
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Elke regel klopt: 0 nieuwe conversies, 0 updates, 10000 ongewijzigd."),
        "{}",
        &page[..2000]
    );
}

#[tokio::test]
async fn the_preview_tells_new_updated_unchanged_and_locked_lines_as_the_confirmation_finds_them() {
    let (app, boss, anna) = manager_and_anna().await;
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    // Stored before the file: one order that becomes final, then two still open.
    let mut done = report(&click_id, "P-LOCKED", "100.00", &at);
    done["status"] = "completed".into();
    assert_eq!(send(&app, &key, &done).await.0, 201);
    pass_locking_dates(&app);
    for order in ["P-SAME", "P-CHANGED"] {
        assert_eq!(
            send(&app, &key, &report(&click_id, order, "50.00", &at))
                .await
                .0,
            201
        );
    }
    let line = |order: &str, amount: &str, status: &str| {
        format!("aliexpress,{click_id},{order},{amount},EUR,sales,false,{status},,{at}\n")
    };
    let ready = format!(
        "{HEADER}{}{}{}",
        line("P-NEW", "20.00", "pending"),
        line("P-SAME", "50.00", "pending"),
        line("P-CHANGED", "50.00", "completed"),
    );
    let r = upload(&app, &boss, ready.clone()).await;
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Elke regel klopt: 1 nieuwe conversie, 1 update, 1 ongewijzigd."),
        "{page}"
    );
    // A change of the final order is refused with its locking date, in the preview already.
    let locked = format!("{ready}{}", line("P-LOCKED", "100.00", "cancelled"));
    let r = upload(&app, &boss, locked.clone()).await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("1 regel heeft een fout"), "{page}");
    let preview_problem = page
        .split("<td class=\"num\">5</td><th scope=\"row\">P-LOCKED</th>")
        .nth(1)
        .and_then(|rest| rest.split("</tr>").next())
        .expect("the locked line")
        .to_owned();
    assert!(
        preview_problem.contains("status: De vergrendeldatum ("),
        "{preview_problem}"
    );
    // The confirmation of that file (sent as if the preview had let it through) finds the same.
    let r = common::money::confirm_import(&app, &boss, &locked).await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains(&preview_problem), "{page}");
    assert_eq!(stored(&app), 3, "a file with a problem stores nothing");

    let r = common::money::confirm_import(&app, &boss, &ready).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(stored(&app), 4);
    let line = audit::only(&app, "conversions_imported");
    assert_eq!(
        line.after.as_deref(),
        Some("{\"created\":1,\"unchanged\":1,\"updated\":1}")
    );
}

/// Structurally: another writer holds the database's write lock (SQLite: `BEGIN IMMEDIATE`;
/// PostgreSQL: the conversions table locked against every change) from before the preview of a
/// large file until after it, and commits then. The preview completes meanwhile with the right
/// answer. A preview that wrote, even in a transaction it rolls back, would wait for that lock
/// (and fail: SQLite's busy timeout, PostgreSQL's lock timeout set here).
#[tokio::test]
async fn a_preview_needs_no_write_lock_while_another_writer_holds_it() {
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let key = secret(&app);
    let (click_id, at) = click(&app, anna.channel_id).await;
    assert_eq!(
        send(&app, &key, &report(&click_id, "BIG-00001", "11.01", &at))
            .await
            .0,
        201
    );
    let file = big_file(&click_id, &at, 3_000, &[], "sales");
    let now = portal::db::now();
    let entered = portal::ledger::states::EnteredBy::Import {
        manager_id: app.add_manager("beheer@partnerlink.nl"),
    };

    let mut writer_conn = app.conn();
    let writer: &mut AnyConnection = &mut writer_conn;
    let postgres = matches!(app.kind(), DatabaseKind::Postgres);
    writer
        .batch_execute(if postgres {
            "BEGIN; LOCK TABLE conversions IN EXCLUSIVE MODE"
        } else {
            "BEGIN IMMEDIATE"
        })
        .unwrap();
    writer
        .batch_execute("UPDATE programmes SET session_window_minutes = session_window_minutes")
        .unwrap();

    let mut reader_conn = app.app_conn();
    let reader: &mut AnyConnection = &mut reader_conn;
    if postgres {
        reader.batch_execute("SET lock_timeout = '10s'").unwrap();
    }
    let mut lines = import::read(file.as_bytes(), now).unwrap();
    assert_eq!(lines.len(), 3_000);
    let counts = import::preview(reader, &mut lines, now)
        .expect("the preview reads while the other writer holds the lock")
        .expect("no problem in the file");
    assert_eq!(
        (counts.created, counts.updated, counts.unchanged),
        (2_999, 0, 1)
    );
    assert_eq!(lines[2_999].number, 3_001);

    // The lock is real: storing the file now would have to wait for it, and gives up.
    let mut copy = lines.clone();
    assert!(
        import::store(reader, &mut copy, entered, now).is_err(),
        "a write waits for the other writer"
    );
    writer
        .batch_execute("COMMIT")
        .expect("the other writer commits");
    drop(writer_conn);
    // And the confirmation stores it, once the lock is free.
    let counts = import::store(reader, &mut lines, entered, now)
        .unwrap()
        .expect("stored");
    assert_eq!(
        (counts.created, counts.updated, counts.unchanged),
        (2_999, 0, 1)
    );
    assert_eq!(stored(&app), 3_000);
}

#[tokio::test]
async fn the_import_takes_coupon_codes_and_stock_as_the_api_does() {
    use diesel::prelude::*;
    use portal::db::schema::{commissions, conversions};
    let (app, boss, anna) = manager_and_anna().await;
    let (click_id, at) = click(&app, anna.channel_id).await;
    let header = "programme,click_id,order_ref,order_amount,currency,commission_group,coupon_redeemed,status,returned_amount,occurred_at,coupon_codes,in_stock\n";
    let file = format!(
        "{header}aliexpress,{click_id},IC-1,100.00,EUR,sales,false,pending,,{at},SUMMER10|WELKOM5,\n\
         aliexpress,{click_id},IC-2,100.00,EUR,sales,false,pending,,{at},,false\n\
         aliexpress,{click_id},IC-3,100.00,EUR,sales,false,pending,,{at},SUMMER10,true\n"
    );
    // A cell that is no yes or no is named beside its line.
    let wrong = format!(
        "{header}aliexpress,{click_id},IC-9,100.00,EUR,sales,false,pending,,{at},,misschien\n"
    );
    let r = upload(&app, &boss, wrong).await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("Schrijf in_stock als true of false"),
        "{page}"
    );
    assert_eq!(stored(&app), 0);

    let r = upload(&app, &boss, file.clone()).await;
    assert_eq!(r.status().as_u16(), 200);
    let r = common::money::confirm_import(&app, &boss, &file).await;
    assert_eq!(r.status().as_u16(), 303);
    // order, coupon codes, in stock, state, reason
    type Row = (String, String, Option<bool>, String, Option<String>);
    let rows: Vec<Row> = conversions::table
        .inner_join(commissions::table)
        .order(conversions::order_ref)
        .select((
            conversions::order_ref,
            conversions::coupon_codes,
            conversions::in_stock,
            commissions::state,
            commissions::reason,
        ))
        .load(&mut *app.conn())
        .unwrap();
    assert_eq!(
        rows,
        [
            (
                "IC-1".into(),
                "SUMMER10\nWELKOM5".into(),
                None,
                "rejected".into(),
                Some("more_than_one_coupon".into())
            ),
            (
                "IC-2".into(),
                String::new(),
                Some(false),
                "rejected".into(),
                Some("not_in_stock".into())
            ),
            (
                "IC-3".into(),
                "SUMMER10".into(),
                Some(true),
                "pending".into(),
                None
            ),
        ]
    );
    // The same file again stores nothing new.
    let r = upload(&app, &boss, file).await;
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("3 ongewijzigd"), "{page}");
}
