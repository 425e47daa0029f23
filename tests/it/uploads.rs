//! Evidence uploads (issue 21, points 2 and 3): nobody makes the server hold what it would not
//! keep or read a file before the request is allowed, and a stored file is what it says.
//!
//! The uploads "held open" below are sent by hand: the request's head announces the whole body,
//! part of it is sent, and the connection stays open. That the server has read what was sent is
//! seen in the kernel's socket queues (`/proc/net/tcp`), not guessed from time.

use crate::common;
use portal::db::ids::MeasureId;

use std::sync::Arc;
use std::time::Duration;

use crate::common::enforcement::{last_measure, object, picture, take, PDF};
use crate::common::{csrf_token, spawn_app, TestApp, PASSWORD};
use diesel::prelude::*;
use portal::db::schema::objection_files;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BOUNDARY: &str = "----held-upload-7MA4YWxkTrZu0gW";

/// A multipart part's head (and, for a field, its value and end).
fn field(name: &str, value: &str) -> Vec<u8> {
    format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
        .into_bytes()
}

fn file_head(file_name: &str) -> Vec<u8> {
    format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"evidence\"; \
         filename=\"{file_name}\"\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes()
}

/// Opens a connection and sends a POST to `path` whose head announces `announced` bytes of
/// body, then `body` (less than that); the connection is held open by the caller.
async fn begin(port: u16, path: &str, cookie: &str, body: &[u8], announced: usize) -> TcpStream {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n\
         Content-Length: {announced}\r\nCookie: {cookie}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    stream
}

/// The status of the answer on `stream`: it must come within two minutes although the body
/// is not all sent (a server that waits for the body never answers).
async fn status_before_the_body_ends(stream: &mut TcpStream) -> u16 {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    let read = async {
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buffer).await.unwrap();
            assert!(n > 0, "the connection closed without an answer");
            head.extend_from_slice(&buffer[..n]);
        }
    };
    tokio::time::timeout(Duration::from_secs(120), read)
        .await
        .expect("an answer before the upload's body ended");
    let text = String::from_utf8_lossy(&head);
    text[9..12].parse().unwrap()
}

/// The connections to `port` as the kernel sees them: (server-side connections established,
/// bytes the server has not read yet, bytes the clients have not had taken yet).
fn socket_queues(port: u16) -> (usize, u64, u64) {
    let (mut established, mut unread, mut unsent) = (0, 0, 0);
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        for line in text.lines().skip(1) {
            let columns: Vec<&str> = line.split_whitespace().collect();
            let port_of = |address: &str| {
                u16::from_str_radix(address.rsplit(':').next().unwrap_or(""), 16).unwrap_or(0)
            };
            let (tx, rx) = columns[4].split_once(':').unwrap();
            let (tx, rx) = (
                u64::from_str_radix(tx, 16).unwrap(),
                u64::from_str_radix(rx, 16).unwrap(),
            );
            // State 01: established.
            if columns[3] != "01" {
                continue;
            }
            if port_of(columns[1]) == port {
                established += 1;
                unread += rx;
            } else if port_of(columns[2]) == port {
                unsent += tx;
            }
        }
    }
    (established, unread, unsent)
}

/// Waits (at most three minutes) until `connections` connections to `port` are open and the
/// server has read every byte sent on them.
async fn until_read(port: u16, connections: usize) {
    let deadline = std::time::Instant::now() + Duration::from_secs(180);
    loop {
        let (established, unread, unsent) = socket_queues(port);
        if established >= connections && unread == 0 && unsent == 0 {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server did not read what was sent: {established} connections, \
             {unread} bytes unread, {unsent} unsent"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A participant with a measure to object to: (the participant's browser, its cookies, the
/// notice's path).
async fn deduction(app: &TestApp) -> (reqwest::Client, Arc<reqwest::cookie::Jar>, String) {
    let boss = app.administrator("beheer@partnerlink.nl").await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let r = take(
        app,
        &boss,
        anna.participant_id,
        &[
            ("kind", "deduct"),
            ("clauses", "F.11.d"),
            ("clauses", "E.10.j"),
            ("reason", "Fake orders."),
            ("amount", "20"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_provider(jar.clone())
        .build()
        .unwrap();
    let r = app
        .log_in(&browser, "en", "anna@example.nl", PASSWORD)
        .await;
    assert_eq!(r.status().as_u16(), 303);
    (
        browser,
        jar,
        format!("/en/account/notices/{}", last_measure(app)),
    )
}

/// A terminated participant's objection link: (its path, the measure).
async fn termination(app: &TestApp) -> (String, MeasureId) {
    let boss = app.administrator("beheer@partnerlink.nl").await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let r = take(
        app,
        &boss,
        anna.participant_id,
        &[
            ("kind", "terminate"),
            ("clauses", "F.11.e"),
            ("clauses", "E.10.c"),
            ("reason", "Fraudulent traffic."),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let id = last_measure(app);
    let key = portal::enforcement::links::objection_key(&app.settings.secret_key, id);
    (format!("/en/objection/{id}/{key}"), id)
}

/// The objection page's CSRF token and the cookie it belongs to (anonymous: the nonce cookie).
async fn token_and_cookie(base: &str, path: &str) -> (String, String) {
    let r = reqwest::get(format!("{base}{path}")).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or("").to_owned())
        .collect::<Vec<_>>()
        .join("; ");
    let token = csrf_token(&r.text().await.unwrap()).expect("a token");
    (token, cookie)
}

#[tokio::test]
async fn an_upload_is_answered_before_its_body_is_read_when_its_key_session_or_token_is_wrong() {
    let app = spawn_app().await;
    let (link, id) = termination(&app).await;
    let (token, cookie) = token_and_cookie(&app.address, &link).await;
    let announced = 50 * 1024 * 1024;
    let mut body = field("csrf_token", &token);
    body.extend(field("text", "Mijn bezwaar."));
    body.extend(file_head("big.pdf"));
    body.extend(vec![b'x'; 64 * 1024]);

    // A forged key: 404, and the 50 MB announced are never waited for.
    let forged = format!("/en/objection/{id}/{}", "0".repeat(32));
    let mut stream = begin(app.port, &forged, &cookie, &body, announced).await;
    assert_eq!(status_before_the_body_ends(&mut stream).await, 404);
    // The right key without a session or its cookie: the token is not this browser's.
    let mut stream = begin(app.port, &link, "", &body, announced).await;
    assert_eq!(status_before_the_body_ends(&mut stream).await, 403);
    // A wrong token.
    let mut wrong = field("csrf_token", &"f".repeat(64));
    wrong.extend(file_head("big.pdf"));
    let mut stream = begin(app.port, &link, &cookie, &wrong, announced).await;
    assert_eq!(status_before_the_body_ends(&mut stream).await, 403);
    // A form whose first part is not its token (a file first): refused before that file.
    let mut file_first = file_head("big.pdf");
    file_first.extend(vec![b'x'; 64 * 1024]);
    let mut stream = begin(app.port, &link, &cookie, &file_first, announced).await;
    assert_eq!(status_before_the_body_ends(&mut stream).await, 403);
    // The participant's own route without a session: sent to the login page.
    let own = format!("/en/account/notices/{id}/objection");
    let mut stream = begin(app.port, &own, &cookie, &body, announced).await;
    assert_eq!(status_before_the_body_ends(&mut stream).await, 303);

    // Nothing was filed; the right token and key still work.
    let files: i64 = objection_files::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(files, 0);
    let client = app.new_client();
    let r = object(
        &app,
        &client,
        &link,
        &link,
        "Het verkeer kwam uit mijn nieuwsbrief.",
        &[("nieuwsbrief.pdf", "application/pdf", PDF)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
}

#[tokio::test]
async fn an_address_has_two_uploads_under_way_at_once_and_a_third_waits_its_turn() {
    let app = spawn_app().await;
    let (browser, jar, notice) = deduction(&app).await;
    let action = format!("{notice}/objection");
    let html = browser
        .get(app.url(&notice))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_token(&html).unwrap();
    let session = {
        use reqwest::cookie::CookieStore;
        let url = app.url("/").parse().unwrap();
        jar.cookies(&url).unwrap().to_str().unwrap().to_owned()
    };
    let mut body = field("csrf_token", &token);
    body.extend(field("text", "They were real orders."));
    body.extend(file_head("orders.pdf"));
    body.extend(vec![b'x'; 100 * 1024]);
    // Two uploads held open, read by the server as far as they were sent.
    let first = begin(app.port, &action, &session, &body, 5 << 20).await;
    let second = begin(app.port, &action, &session, &body, 5 << 20).await;
    until_read(app.port, 2).await;
    // A third from the same address is refused at once, its body unread — once the two hold
    // their slots. The kernel's queues being empty says the server read their bytes, not that
    // their handlers took a slot yet (that waits for the session and measure checks), so until
    // then a third is taken in like any objection without words (422, nothing stored).
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let r = object(
            &app,
            &browser,
            &notice,
            &action,
            "",
            &[("orders.pdf", "application/pdf", PDF)],
        )
        .await;
        match r.status().as_u16() {
            429 => break,
            422 => assert!(
                std::time::Instant::now() < deadline,
                "two uploads held open never took both slots"
            ),
            other => panic!("a third upload answered {other}"),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // One of the two goes away: its slot comes free (when the server sees the connection end).
    drop(first);
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        // An objection without words: taken in (422 with its message) once a slot is free.
        let r = object(
            &app,
            &browser,
            &notice,
            &action,
            "",
            &[("orders.pdf", "application/pdf", PDF)],
        )
        .await;
        match r.status().as_u16() {
            429 => {
                assert!(std::time::Instant::now() < deadline, "no slot came free");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            422 => {
                assert!(r.text().await.unwrap().contains("Write your objection."));
                break;
            }
            other => panic!("unexpected answer {other}"),
        }
    }
    drop(second);
}

/// The polyglots: HTML between a PDF's first and last line (named proof.html or
/// evil.hta) is refused; a PNG with an SVG after it (pic.svg) is kept as the picture alone; a
/// name with U+202E is shown without it; every file is offered as `evidence-{id}.{type}`, of its
/// checked type, not sniffed, in a sandbox.
#[tokio::test]
async fn polyglots_are_refused_or_cleaned_and_evidence_is_served_by_number_not_sniffed_and_sandboxed(
) {
    let app = spawn_app().await;
    let (browser, _, notice) = deduction(&app).await;
    let action = format!("{notice}/objection");
    let polyglot = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>\n%%EOF\n";
    for name in ["proof.html", "evil.hta"] {
        let r = object(
            &app,
            &browser,
            &notice,
            &action,
            "Zie het bewijs.",
            &[(name, "application/pdf", polyglot)],
        )
        .await;
        assert_eq!(r.status().as_u16(), 422, "{name}");
        let page = r.text().await.unwrap();
        assert!(
            page.contains(&format!("{name} is not a PDF that can be opened")),
            "{page}"
        );
        assert!(page.contains(">Zie het bewijs.</textarea>"));
    }
    // In Dutch too.
    let dutch = notice.replacen("/en/", "/nl/", 1);
    let r = object(
        &app,
        &browser,
        &dutch,
        &format!("{dutch}/objection"),
        "Zie het bewijs.",
        &[("proof.html", "application/pdf", polyglot)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("proof.html is geen pdf die te openen is"));
    // An SVG alone is not a picture we take.
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
    let r = object(
        &app,
        &browser,
        &notice,
        &action,
        "Zie het bewijs.",
        &[("pic.svg", "image/svg+xml", svg)],
    )
    .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("pic.svg is not a PDF, PNG or JPEG file."));
    assert_eq!(
        objection_files::table
            .count()
            .get_result::<i64>(&mut *app.conn())
            .unwrap(),
        0
    );

    // A real PDF named evil.hta, a PNG with an SVG after it, a JPEG with a reversed name.
    let mut png_svg = picture(image::ImageFormat::Png, 30, 20);
    png_svg.extend_from_slice(svg);
    let jpeg = picture(image::ImageFormat::Jpeg, 24, 16);
    let reversed = "bewijs\u{202e}gpj.exe";
    let r = object(
        &app,
        &browser,
        &notice,
        &action,
        "Zie het bewijs.",
        &[
            ("evil.hta", "application/hta", PDF),
            ("pic.svg", "image/svg+xml", &png_svg),
            (reversed, "image/jpeg", &jpeg),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let files: Vec<(i64, String, String)> = objection_files::table
        .order(objection_files::id)
        .select((
            objection_files::id,
            objection_files::file_name,
            objection_files::content_type,
        ))
        .load(&mut *app.conn())
        .unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(names, ["evil.hta", "pic.svg", "bewijsgpj.exe"]);
    let types: Vec<&str> = files.iter().map(|f| f.2.as_str()).collect();
    assert_eq!(types, ["application/pdf", "image/png", "image/jpeg"]);

    // The notice shows the names it is offered under, and the upload's name as text only.
    let (_, page) = app.page_with(&browser, &notice).await;
    let (pdf_id, png_id, jpeg_id) = (files[0].0, files[1].0, files[2].0);
    for expected in [
        format!("evidence-{pdf_id}.pdf</a>"),
        format!("evidence-{png_id}.png</a>"),
        format!("evidence-{jpeg_id}.jpg</a>"),
        "sent as “bewijsgpj.exe”".to_owned(),
    ] {
        assert!(page.contains(&expected), "{expected}");
    }
    assert!(!page.contains('\u{202e}'));

    let boss = app.client_for("beheer@partnerlink.nl").await;
    for (id, extension, content_type) in [
        (pdf_id, "pdf", "application/pdf"),
        (png_id, "png", "image/png"),
        (jpeg_id, "jpg", "image/jpeg"),
    ] {
        for (client, url) in [
            (&browser, format!("{notice}/evidence/{id}")),
            (&boss, format!("/en/manage/evidence/{id}")),
        ] {
            let r = client.get(app.url(&url)).send().await.unwrap();
            assert_eq!(r.status().as_u16(), 200, "{url}");
            let header = |name: &str| r.headers()[name].to_str().unwrap().to_owned();
            assert_eq!(header("content-type"), content_type);
            assert_eq!(header("x-content-type-options"), "nosniff");
            assert_eq!(header("content-security-policy"), "sandbox");
            assert_eq!(
                header("content-disposition"),
                format!("attachment; filename=\"evidence-{id}.{extension}\"")
            );
            let bytes = r.bytes().await.unwrap();
            match extension {
                "pdf" => assert_eq!(bytes.as_ref(), PDF),
                _ => {
                    let format = image::guess_format(&bytes).unwrap();
                    let picture = image::load_from_memory_with_format(&bytes, format).unwrap();
                    assert!(picture.width() > 0);
                    assert!(!bytes.windows(4).any(|w| w == b"<svg"), "the SVG is gone");
                }
            }
        }
    }
}

/// 64 uploads of 8 MB each, sent as far as 8 MB and held open, to the real server: what it
/// read is on disk, not in memory (before, each was kept whole in memory: 64 x 8 MB), and
/// `/healthz` still answers. The figures measured are printed (bench/slow-uploads.md).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_uploads_held_open_keep_the_server_small_and_healthz_answers() {
    const UPLOADS: usize = 64;
    const SENT: usize = 8 * 1024 * 1024;
    let app = spawn_app().await;
    let (link, _) = termination(&app).await;
    let mut server = common::binary::serve_with(
        app.database(),
        &[
            ("PORTAL_SECRET_KEY", &hex::encode(&app.settings.secret_key)),
            ("PORTAL_UPLOADS_IN_FLIGHT", "64"),
            ("PORTAL_UPLOADS_PER_ADDRESS", "64"),
            ("PORTAL_UPLOAD_IDLE_SECONDS", "900"),
            ("PORTAL_UPLOAD_SECONDS", "900"),
        ],
    );
    let port = server.port;
    let base = format!("http://127.0.0.1:{port}");
    let (token, cookie) = token_and_cookie(&base, &link).await;
    let rss_before = rss_kib(server.child.id());

    let mut head = field("csrf_token", &token);
    head.extend(field("text", "Het verkeer kwam uit mijn nieuwsbrief."));
    head.extend(file_head("scan.pdf"));
    let file = Arc::new(vec![b'x'; SENT]);
    let announced = head.len() + SENT + 1024;
    let mut held = Vec::new();
    for _ in 0..UPLOADS {
        let (head, file, link, cookie) = (head.clone(), file.clone(), link.clone(), cookie.clone());
        held.push(tokio::spawn(async move {
            let mut stream = begin(port, &link, &cookie, &head, announced).await;
            stream.write_all(&file).await.unwrap();
            stream
        }));
    }
    let mut streams = Vec::new();
    for task in held {
        streams.push(task.await.unwrap());
    }
    until_read(port, UPLOADS).await;
    let rss_held = rss_kib(server.child.id());
    // `/healthz` while they are held: it must answer (a minute at most; its latency is
    // measured, not asserted — bench/slow_uploads.sh collects it).
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let mut latencies = Vec::new();
    for _ in 0..20 {
        let started = std::time::Instant::now();
        let health = client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .expect("/healthz answers while 64 uploads are held open");
        assert_eq!(health.status().as_u16(), 200);
        latencies.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let first = latencies[0];
    latencies.sort_by(f64::total_cmp);
    println!(
        "bench: uploads={UPLOADS} sent_mib={} rss_before_mib={:.1} rss_held_mib={:.1} \
         healthz_first_ms={first:.2} healthz_p50_ms={:.2} healthz_max_ms={:.2}",
        SENT >> 20,
        rss_before as f64 / 1024.0,
        rss_held as f64 / 1024.0,
        latencies[latencies.len() / 2],
        latencies[latencies.len() - 1],
    );
    assert!(
        rss_held < 150 * 1024,
        "the server holds {} MiB with {UPLOADS} uploads of {} MiB read",
        rss_held / 1024,
        SENT >> 20
    );
    drop(streams);
    server.child.kill().unwrap();
    server.child.wait().unwrap();
}

/// The resident memory of process `pid`, in KiB (VmRSS).
fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}
