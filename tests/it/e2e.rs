//! End-to-end journeys in a real headless Chromium, in Dutch and in English. Every page visited is
//! screenshotted to `target/e2e-screenshots/`, checked with axe-core (WCAG 2.2 A and AA) inside
//! the browser, and its HTML validated with the Nu Html Checker.
//!
//! Needs `chromium`, `chromedriver`, `java` and the npm packages `vnu-jar` and `axe-core` (in
//! `target/e2e-tools/node_modules`, or `PORTAL_E2E_TOOLS`). The journeys are ignored unless asked
//! for (`cargo test -- --include-ignored`, as CI runs them); asked for, a missing tool fails them.

use crate::common;
use portal::db::ids::{ChannelId, CommissionId, ParticipantId};

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::{spawn_app, TestApp};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;

const PASSWORD: &str = "een lange zin als wachtwoord";

struct Tools {
    chromium: PathBuf,
    chromedriver: PathBuf,
    axe: PathBuf,
    vnu: PathBuf,
}

fn find_tools() -> Result<Tools, String> {
    let which = |name: &str| -> Option<PathBuf> {
        std::env::var_os("PATH")?
            .to_str()?
            .split(':')
            .map(|dir| Path::new(dir).join(name))
            .find(|p| p.is_file())
    };
    let chromium = which("chromium")
        .or_else(|| which("chromium-browser"))
        .ok_or("chromium not found")?;
    let chromedriver = which("chromedriver").ok_or("chromedriver not found")?;
    which("java").ok_or("java not found")?;
    let modules = std::env::var_os("PORTAL_E2E_TOOLS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-tools/node_modules")
        });
    let axe = modules.join("axe-core/axe.min.js");
    let vnu = modules.join("vnu-jar/build/dist/vnu.jar");
    for file in [&axe, &vnu] {
        if !file.is_file() {
            return Err(format!("{} not found", file.display()));
        }
    }
    Ok(Tools {
        chromium,
        chromedriver,
        axe,
        vnu,
    })
}

/// The tools; the journeys are ignored tests, so whoever runs them asked for them, and a missing
/// tool fails them.
fn tools() -> Tools {
    find_tools().unwrap_or_else(|why| {
        panic!("the browser tests need their tools, but {why} (see README, 'Browser tests')")
    })
}

struct Browser {
    client: Client,
    driver: Child,
    name: String,
    seq: usize,
    shots: PathBuf,
    pages: Vec<PathBuf>,
    axe_source: String,
    violations: Vec<String>,
    _profile: tempfile::TempDir,
}

impl Browser {
    async fn start(tools: &Tools, name: &str) -> Browser {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().unwrap();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": tools.chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        let client = loop {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => break c,
                Err(e) if std::time::Instant::now() < deadline => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("cannot start a browser session: {e}"),
            }
        };
        let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/e2e-screenshots");
        std::fs::create_dir_all(&shots).unwrap();
        Browser {
            client,
            driver,
            name: name.to_owned(),
            seq: 0,
            shots,
            pages: Vec::new(),
            axe_source: std::fs::read_to_string(&tools.axe).unwrap(),
            violations: Vec::new(),
            _profile: profile,
        }
    }

    /// Screenshot, HTML for the validator, and axe-core on the page now shown.
    async fn check_page(&mut self, label: &str) {
        self.seq += 1;
        let stem = format!("{}-{:02}-{label}", self.name, self.seq);
        self.settle().await;
        // A navigation the page started itself (a redirect still being followed) can abort a
        // command with "Not attached to an active page"; once the page is loaded it answers.
        let mut tries = 0;
        let png = loop {
            match self.client.screenshot().await {
                Ok(png) => break png,
                Err(e) if tries < 5 => {
                    tries += 1;
                    eprintln!("{stem}: screenshot retried after {e}");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                    self.settle().await;
                }
                Err(e) => panic!("{stem}: no screenshot: {e}"),
            }
        };
        std::fs::write(self.shots.join(format!("{stem}.png")), png).unwrap();
        let source = self.client.source().await.unwrap();
        let html = self.shots.join(format!("{stem}.html"));
        std::fs::write(&html, format!("<!DOCTYPE html>\n{source}")).unwrap();
        self.pages.push(html);

        self.client.execute(&self.axe_source, vec![]).await.unwrap();
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, {runOnly: {type: 'tag',
                     values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})
                   .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' -> ' +
                       v.nodes.map(n => n.target.join(' ')).join(', '))))
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .unwrap();
        for v in result.as_array().cloned().unwrap_or_default() {
            self.violations
                .push(format!("{stem}: {}", v.as_str().unwrap_or_default()));
        }
    }

    async fn goto(&mut self, url: &str, label: &str) {
        self.client.goto(url).await.unwrap();
        self.check_page(label).await;
    }

    async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    async fn text_of(&self, css: &str) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    async fn type_into(&self, id: &str, text: &str) {
        let field = self.client.find(Locator::Id(id)).await.unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    async fn value_of(&self, id: &str) -> String {
        let field = self.client.find(Locator::Id(id)).await.unwrap();
        field.prop("value").await.unwrap().unwrap_or_default()
    }

    /// A number the page's script returns.
    async fn number(&self, script: &str) -> i64 {
        let value = self.client.execute(script, vec![]).await.unwrap();
        value
            .as_i64()
            .or_else(|| value.as_f64().map(|f| f.ceil() as i64))
            .unwrap_or_else(|| panic!("{script}: {value}"))
    }

    /// Brings `css` to the top of the window (for the screenshot of a long page).
    async fn scroll_to(&self, css: &str) {
        self.client
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView();",
                vec![serde_json::Value::from(css)],
            )
            .await
            .unwrap();
    }

    /// Nothing on the page is wider than the window: no sideways scrolling.
    async fn fits_window(&self) {
        let over = self
            .number("return document.documentElement.scrollWidth - window.innerWidth;")
            .await;
        let path = self.path().await;
        assert!(over <= 0, "{path} is {over} px wider than the window");
    }

    async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    /// Clicks something that loads another page, and waits until the old page is gone.
    async fn click_to_navigate(&self, css: &str) {
        let old = self.client.find(Locator::Css("html")).await.unwrap();
        self.click(css).await;
        for _ in 0..200 {
            if old.tag_name().await.is_err() {
                self.settle().await;
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("clicking {css} did not load a page");
    }

    /// Waits until the page now shown has loaded (a new document that has only just replaced
    /// the old one may still be loading, or following a redirect).
    async fn settle(&self) {
        for _ in 0..400 {
            let state = self
                .client
                .execute("return document.readyState", vec![])
                .await;
            if matches!(&state, Ok(v) if v.as_str() == Some("complete")) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    async fn submit(&mut self, label: &str) {
        self.click_to_navigate("main form button[type=submit]")
            .await;
        self.check_page(label).await;
    }

    async fn finish(mut self) -> (Vec<PathBuf>, Vec<String>) {
        let _ = self.client.close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        (self.pages, self.violations)
    }
}

struct Words {
    lang: &'static str,
    other: &'static str,
    signup: &'static str,
    step1: &'static str,
    step2: &'static str,
    step3: &'static str,
    sent: &'static str,
    activate: &'static str,
    activated: &'static str,
    dashboard: &'static str,
    pending: &'static str,
    logged_out: &'static str,
    bad_email: &'static str,
    short_password: &'static str,
    mismatch: &'static str,
    accept: &'static str,
    programme_title: &'static str,
    /// The approved balance after the journey's order of 400.00 (7 %).
    balance: &'static str,
    iban_mistyped: &'static str,
    held: &'static str,
    warning: &'static str,
    cite_breach: &'static str,
    unread: &'static str,
    objection_filed: &'static str,
    upheld: &'static str,
    terminated: &'static str,
    enrol: &'static str,
    wrong_code: &'static str,
    recovery_codes: &'static str,
}

const NL: Words = Words {
    lang: "nl",
    other: "en",
    signup: "Aanmelden",
    step1: "Stap 1 uit 3",
    step2: "Stap 2 uit 3",
    step3: "Stap 3 uit 3",
    sent: "Kijk in uw mailbox",
    activate: "Activeer uw account",
    activated: "Uw account is geactiveerd",
    dashboard: "Mijn account",
    pending: "Wacht op beoordeling",
    logged_out: "U bent uitgelogd.",
    bad_email: "Vul een geldig e-mailadres in",
    short_password: "minstens 12 tekens",
    mismatch: "niet gelijk",
    accept: "akkoord gaat met de regels",
    programme_title: "AliExpress affiliate programma",
    balance: "€\u{a0}28,00",
    iban_mistyped: "er is een teken verkeerd getypt",
    held: "Ter beoordeling aangehouden",
    warning: "Schriftelijke waarschuwing",
    cite_breach: "Kies ten minste één artikel dat de deelnemer heeft geschonden",
    unread: "Ongelezen berichten: 1.",
    objection_filed: "Uw bezwaar is verstuurd.",
    upheld: "Uw bezwaar is gegrond verklaard",
    terminated: "Uw account is beëindigd",
    enrol: "Inloggen in twee stappen aanzetten",
    wrong_code: "Deze code klopt niet",
    recovery_codes: "Uw herstelcodes",
};

const EN: Words = Words {
    lang: "en",
    other: "nl",
    signup: "Sign up",
    step1: "Step 1 of 3",
    step2: "Step 2 of 3",
    step3: "Step 3 of 3",
    sent: "Check your mailbox",
    activate: "Activate your account",
    activated: "Your account is activated",
    dashboard: "My account",
    pending: "Awaiting review",
    logged_out: "You have logged out.",
    bad_email: "Enter a valid e-mail address",
    short_password: "at least 12 characters",
    mismatch: "not the same",
    accept: "only sign up if you accept the rules",
    programme_title: "AliExpress affiliate programme",
    balance: "€28.00",
    iban_mistyped: "a character is mistyped",
    held: "Held for review",
    warning: "Written warning",
    cite_breach: "Cite at least one clause the participant breached",
    unread: "Unread notices: 1.",
    objection_filed: "Your objection has been sent.",
    upheld: "Your objection was upheld",
    terminated: "Your account has been terminated",
    enrol: "Turn on two-step login",
    wrong_code: "This code is not right",
    recovery_codes: "Your recovery codes",
};

async fn journeys(app: &TestApp, b: &mut Browser, w: &Words) {
    let base = &app.address;
    let lang = w.lang;

    // A visitor reads the programme page and switches language: same page, other language.
    b.goto(&format!("{base}/{lang}/programmes/aliexpress"), "programme")
        .await;
    assert_eq!(b.text_of("h1").await, w.programme_title);
    b.click(&format!(".lang-switch a[hreflang={}]", w.other))
        .await;
    b.check_page("programme-switched").await;
    assert_eq!(
        b.path().await,
        format!("/{}/programmes/aliexpress", w.other)
    );
    b.click(&format!(".lang-switch a[hreflang={lang}]")).await;
    assert_eq!(b.path().await, format!("/{lang}/programmes/aliexpress"));
    b.goto(
        &format!("{base}/{lang}/programmes/aliexpress/rules"),
        "rules",
    )
    .await;

    // Mistakes on purpose: each message beside its field, the typed input still there.
    let email = format!("browser-{lang}@koopjes.nl");
    b.goto(&format!("{base}/{lang}/"), "home").await;
    b.click(".main-nav a.button").await;
    b.check_page("signup-step1").await;
    assert!(b.text_of(".step-indicator").await.contains(w.step1));
    b.type_into("email", "browser-at-koopjes.nl").await;
    b.submit("signup-step1-error").await;
    assert!(b.text_of("#email-error").await.contains(w.bad_email));
    assert!(b.text_of(".error-summary").await.contains(w.bad_email));
    assert_eq!(b.value_of("email").await, "browser-at-koopjes.nl");

    b.type_into("email", &email).await;
    b.submit("signup-step2").await;
    assert!(b.text_of(".step-indicator").await.contains(w.step2));
    b.type_into("website_url", "www.koopjes-browser.nl").await;
    b.type_into("channel_name", "Koopjes in de browser").await;
    b.client
        .find(Locator::Id("category"))
        .await
        .unwrap()
        .select_by_value("reviews")
        .await
        .unwrap();
    b.click("#promotion_methods").await;
    b.click("#participant_kind").await;
    b.type_into("company_name", "Browser B.V.").await;
    b.type_into("contact_name", "Bea Browser").await;
    b.client
        .find(Locator::Id("country"))
        .await
        .unwrap()
        .select_by_value("BE")
        .await
        .unwrap();
    b.submit("signup-step3").await;
    assert!(b.text_of(".step-indicator").await.contains(w.step3));

    b.type_into("password", "kort").await;
    b.type_into("password_confirm", "anders").await;
    b.submit("signup-step3-errors").await;
    assert!(b
        .text_of("#password-error")
        .await
        .contains(w.short_password));
    assert!(b
        .text_of("#password_confirm-error")
        .await
        .contains(w.mismatch));
    assert!(b.text_of("#accept_rules-error").await.contains(w.accept));

    // Back to step 2 and forward again: nothing typed there is lost.
    b.goto(
        &format!("{base}/{lang}/signup/channel"),
        "signup-step2-again",
    )
    .await;
    assert_eq!(b.value_of("channel_name").await, "Koopjes in de browser");
    assert_eq!(b.value_of("country").await, "BE");
    b.submit("signup-step3-again").await;

    b.type_into("password", PASSWORD).await;
    b.type_into("password_confirm", PASSWORD).await;
    b.click("#accept_rules").await;
    b.submit("signup-sent").await;
    assert_eq!(b.text_of("h1").await, w.sent);

    // The mail the portal sent, opened in the browser.
    let mail = app.smtp().wait_for(&email, 0).await;
    let link = mail.link_containing("/activate/").expect("activation link");
    // The link asks for the password chosen at signup before it activates anything.
    b.goto(&link, "activate").await;
    assert_eq!(b.text_of("h1").await, w.activate);
    b.type_into("password", PASSWORD).await;
    b.submit("activated").await;
    assert_eq!(b.text_of("h1").await, w.activated);
    b.click("main a.button").await;
    b.check_page("login").await;
    b.type_into("email", &email).await;
    b.type_into("password", PASSWORD).await;
    b.submit("dashboard").await;
    assert_eq!(b.path().await, format!("/{lang}/account"));
    assert_eq!(b.text_of("h1").await, w.dashboard);
    assert!(b.text_of("main").await.contains(w.pending));
    assert!(b.text_of("main").await.contains("Koopjes in de browser"));

    b.click(".main-nav .link-button").await;
    b.check_page("logged-out").await;
    assert!(b.text_of(".notice").await.contains(w.logged_out));
    let signup_link = b.text_of(".main-nav a.button").await;
    assert_eq!(signup_link, w.signup);
}

/// Logs in through the form and checks the page it lands on. An account with a second factor
/// (every manager) gets the code step: the code its app shows now, typed in.
async fn log_in(b: &mut Browser, app: &TestApp, lang: &str, email: &str, label: &str) {
    let base = &app.address;
    b.goto(&format!("{base}/{lang}/login"), &format!("{label}-login"))
        .await;
    b.type_into("email", email).await;
    // Managers come from the fixtures, the publisher from the signup journey.
    let password = if email.starts_with("beheer-") {
        common::PASSWORD
    } else {
        PASSWORD
    };
    b.type_into("password", password).await;
    b.click_to_navigate("main form button[type=submit]").await;
    if b.path().await == format!("/{lang}/login/code") {
        b.check_page(&format!("{label}-code")).await;
        b.type_into("code", &app.second_factor_code(email)).await;
        b.click_to_navigate("main form button[type=submit]").await;
    }
    b.check_page(label).await;
}

/// An account manager's first login: the enrolment, read from the page as a person with an
/// authenticator app does (the key shown as text next to the QR code), a wrong code first, then
/// the right one and the ten recovery codes; then a login with the code.
async fn second_factor_journey(app: &TestApp, b: &mut Browser, w: &Words) {
    let base = &app.address;
    let lang = w.lang;
    let manager = format!("beheer-enrol-{lang}@partnerlink.nl");
    app.add_manager_without_second_factor(&manager);
    b.goto(&format!("{base}/{lang}/login"), "enrol-login").await;
    b.type_into("email", &manager).await;
    b.type_into("password", common::PASSWORD).await;
    b.submit("enrol").await;
    assert_eq!(b.path().await, format!("/{lang}/login/enrol"));
    assert_eq!(b.text_of("h1").await, w.enrol);
    let shown = b.text_of("#secret").await.replace(' ', "");
    let secret = totp_rs::Secret::Encoded(shown).to_bytes().expect("base32");
    assert_eq!(secret.len(), 20);
    let now = portal::auth::second_factor::now_seconds();
    let right = portal::auth::second_factor::code_at(&secret, now);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    b.type_into("code", wrong).await;
    b.submit("enrol-wrong-code").await;
    assert!(b.text_of("#code-error").await.contains(w.wrong_code));
    b.type_into("code", &right).await;
    b.submit("enrol-recovery-codes").await;
    assert_eq!(b.text_of("h1").await, w.recovery_codes);
    let codes = b
        .client
        .find_all(Locator::Css("ol.recovery-codes li"))
        .await
        .unwrap();
    assert_eq!(codes.len(), 10);
    b.click_to_navigate("main a.button").await;
    b.check_page("enrol-console").await;
    assert_eq!(b.path().await, format!("/{lang}/manage"));
    log_out(b).await;
    // From now on: the password, then the code.
    log_in(b, app, lang, &manager, "enrolled-manager").await;
    assert_eq!(b.path().await, format!("/{lang}/manage"));
    b.goto(
        &format!("{base}/{lang}/account/second-factor"),
        "manager-second-factor",
    )
    .await;
    log_out(b).await;
    // A publisher may turn it on from the account page.
    let publisher = format!("browser-{lang}@koopjes.nl");
    log_in(b, app, lang, &publisher, "publisher-before-second-factor").await;
    b.click_to_navigate("main a[href$='/account/second-factor']")
        .await;
    b.check_page("publisher-second-factor").await;
    assert_eq!(b.text_of("h1").await, w.enrol);
    log_out(b).await;
}

async fn log_out(b: &mut Browser) {
    b.click_to_navigate(".main-nav .link-button").await;
    assert!(b.path().await.contains("/login"), "{}", b.path().await);
}

/// The publisher from the signup journey gets its channel and membership approved by an account
/// manager, makes a tracking link, follows it and finds the click in its statistics.
async fn tracking_journey(app: &TestApp, b: &mut Browser, w: &Words) {
    let base = &app.address;
    let lang = w.lang;
    let publisher = format!("browser-{lang}@koopjes.nl");
    let manager = format!("beheer-{lang}@partnerlink.nl");
    app.add_manager(&manager);
    // The advertiser's landing page is this portal's programme page, so the browser can reach it.
    let landing = format!("{base}/{lang}/programmes/aliexpress?utm_source=partnerlink");
    app.sql(&format!("UPDATE programmes SET landing_url = '{landing}'"));

    // The manager reviews the new channel: a rejection without a reason is refused, then approved.
    log_in(b, app, lang, &manager, "manage-queue").await;
    assert_eq!(b.path().await, format!("/{lang}/manage"));
    assert!(b.text_of("main").await.contains("Koopjes in de browser"));
    b.click_to_navigate("form[action*='/manage/channels/'] button[value=reject]")
        .await;
    b.check_page("manage-reject-without-reason").await;
    assert!(b.text_of(".error-summary").await.len() > 3);
    b.click_to_navigate("form[action*='/manage/channels/'] button[value=approve]")
        .await;
    b.check_page("manage-channel-approved").await;
    log_out(b).await;

    // The publisher applies to the programme with the approved channel.
    log_in(b, app, lang, &publisher, "publisher-dashboard").await;
    b.goto(&format!("{base}/{lang}/account/channels"), "channels")
        .await;
    assert!(b.text_of("main").await.contains("Koopjes in de browser"));
    b.click_to_navigate("form[action$='/apply'] button").await;
    b.check_page("channels-applied").await;
    assert!(b.text_of("main .state-pending").await.len() > 3);
    log_out(b).await;

    log_in(b, app, lang, &manager, "manage-membership").await;
    b.click_to_navigate("form[action*='/manage/memberships/'] button[value=approve]")
        .await;
    b.check_page("manage-membership-approved").await;
    log_out(b).await;

    // The link generator: a deep URL is refused in the programme's words, the input stays.
    log_in(b, app, lang, &publisher, "publisher-again").await;
    b.goto(&format!("{base}/{lang}/account/links"), "links")
        .await;
    b.type_into("epi", "nieuwsbrief-1").await;
    b.type_into("url", "https://www.aliexpress.com/item/1005.html")
        .await;
    b.submit("links-deep-url-refused").await;
    assert!(b.text_of("#url-error").await.len() > 10);
    assert_eq!(b.value_of("epi").await, "nieuwsbrief-1");
    assert_eq!(
        b.value_of("url").await,
        "https://www.aliexpress.com/item/1005.html"
    );
    b.type_into("url", "").await;
    b.submit("links-generated").await;
    let link = b.value_of("link").await;
    assert!(
        link.starts_with(&format!("{base}/click?p=")) && link.ends_with("&epi=nieuwsbrief-1"),
        "{link}"
    );
    assert!(b
        .value_of("snippet")
        .await
        .contains(&link.replace('&', "&amp;")));
    b.client
        .find(Locator::Css("figure.qr svg"))
        .await
        .expect("a QR code");

    // A visitor follows the link and lands on the advertiser's page with a click id.
    b.click_to_navigate("a[rel=nofollow]").await;
    let landed = b.path().await;
    assert!(
        landed.starts_with(&format!(
            "/{lang}/programmes/aliexpress?utm_source=partnerlink&click_id="
        )),
        "{landed}"
    );
    b.check_page("advertiser-landing").await;

    // The click is in the statistics, under its sub-id.
    b.goto(
        &format!("{base}/{lang}/account/statistics?group=epi"),
        "statistics-by-epi",
    )
    .await;
    assert!(b.text_of("main table").await.contains("nieuwsbrief-1"));
    assert_eq!(app.click_count(), 1);
    log_out(b).await;
}

/// The advertiser reports an order for the journey's click; it is held (the publisher logged in
/// from the address the click came from, E.10.j) until an administrator releases it; it
/// becomes final, shows on the Commissions tab, the publisher enters bank details, the account
/// manager imports a file, the administrator runs the payouts (separation of duties: whoever
/// enters conversions does not pay them out), and the publisher finds the payout in the ledger.
async fn money_journey(app: &TestApp, b: &mut Browser, w: &Words) {
    use diesel::prelude::*;
    use portal::db::schema::clicks;
    let base = &app.address;
    let lang = w.lang;
    let publisher = format!("browser-{lang}@koopjes.nl");
    let manager = format!("beheer-{lang}@partnerlink.nl");
    let treasurer = format!("beheer-financien-{lang}@partnerlink.nl");
    let treasurer_id = app.add_manager(&treasurer);
    app.make_administrator(treasurer_id);
    // The browser's own click was not credited (headless Chromium says it is a robot): a
    // visitor with an ordinary browser follows the same channel's link.
    let channel_id: ChannelId = clicks::table
        .select(clicks::channel_id)
        .first(&mut *app.conn())
        .unwrap();
    let (click_id, at) = common::money::click(app, channel_id).await;
    let key = common::money::secret(app);
    let mut order = common::money::report(&click_id, "AE-7001", "400.00", &at);
    order["status"] = "completed".into();
    let (status, answer) = common::money::send(app, &key, &order).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["attribution"], "self_purchase");

    // The publisher sees it pending, held for review.
    log_in(b, app, lang, &publisher, "money-publisher").await;
    b.goto(
        &format!("{base}/{lang}/account/commissions/conversions"),
        "commissions-conversions-held",
    )
    .await;
    assert!(b.text_of("main table").await.contains(w.held));
    log_out(b).await;

    // An administrator releases the hold.
    log_in(b, app, lang, &treasurer, "money-administrator").await;
    b.goto(
        &format!("{base}/{lang}/manage/conversions"),
        "manage-conversions",
    )
    .await;
    b.click_to_navigate("form[action*='/decision'] button[value=release]")
        .await;
    b.check_page("manage-conversions-released").await;
    log_out(b).await;

    // Its locking date passes: approved, in the ledger.
    common::money::pass_locking_dates(app);
    log_in(b, app, lang, &publisher, "money-publisher-approved").await;
    b.goto(
        &format!("{base}/{lang}/account/commissions"),
        "commissions-earnings",
    )
    .await;
    assert!(
        b.text_of("main .figures")
            .await
            .contains(&w.balance.replace('\u{a0}', " "))
            || b.text_of("main .figures").await.contains(w.balance)
    );
    b.client
        .find(Locator::Css("figure.chart-figure svg[role=img]"))
        .await
        .expect("the earnings chart");
    b.goto(
        &format!("{base}/{lang}/account/commissions/ledger"),
        "commissions-ledger",
    )
    .await;
    // Bank details: a mistyped IBAN is refused next to the field, the input kept.
    b.goto(&format!("{base}/{lang}/account/bank"), "bank").await;
    b.type_into("iban", "NL91 ABNA 0417 1643 01").await;
    b.type_into("account_holder", "Koopjes B.V.").await;
    b.type_into("password", PASSWORD).await;
    b.submit("bank-mistyped").await;
    assert!(b.text_of("#iban-error").await.contains(w.iban_mistyped));
    assert_eq!(b.value_of("account_holder").await, "Koopjes B.V.");
    b.type_into("iban", "NL91 ABNA 0417 1643 00").await;
    b.type_into("password", PASSWORD).await;
    b.submit("bank-saved").await;
    assert!(b.text_of("main").await.contains("NL91 **** **** **** 00"));
    log_out(b).await;

    // The manager imports a file (previewed, then stored).
    log_in(b, app, lang, &manager, "money-manager-import").await;
    let csv = std::env::temp_dir().join(format!(
        "portal-e2e-import-{lang}-{}.csv",
        std::process::id()
    ));
    std::fs::write(
        &csv,
        format!(
            "programme,click_id,order_ref,order_amount,currency,commission_group,coupon_redeemed,status,returned_amount,occurred_at\n\
             aliexpress,{click_id},AE-7002,20.00,EUR,marketplace,false,pending,,{at}\n"
        ),
    )
    .unwrap();
    b.goto(
        &format!("{base}/{lang}/manage/conversions/import"),
        "manage-import",
    )
    .await;
    b.client
        .find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(&csv.to_string_lossy())
        .await
        .unwrap();
    b.submit("manage-import-preview").await;
    b.submit("manage-import-stored").await;
    assert!(b.path().await.contains("notice=import-stored"));
    let _ = std::fs::remove_file(&csv);
    log_out(b).await;

    // The administrator runs the month's payouts.
    log_in(b, app, lang, &treasurer, "money-administrator-payouts").await;
    b.goto(&format!("{base}/{lang}/manage/payouts"), "manage-payouts")
        .await;
    let month = portal::ledger::payouts::Period::of(portal::db::now().date()).to_string();
    b.type_into("period", &month).await;
    b.submit("manage-payouts-run").await;
    assert!(b
        .text_of("main table")
        .await
        .contains(&format!("pain001-{month}.xml")));
    log_out(b).await;

    log_in(b, app, lang, &publisher, "money-publisher-paid").await;
    b.goto(
        &format!("{base}/{lang}/account/commissions/ledger"),
        "commissions-ledger-paid",
    )
    .await;
    assert!(b
        .text_of("#payouts-heading + div table")
        .await
        .contains("NL91 **** **** **** 00"));
    log_out(b).await;
}

/// The account manager warns the publisher from the console (a mistake first), the publisher
/// reads the notice and objects with a PDF, another manager upholds the objection; the manager
/// terminates another participant, who can no longer log in.
async fn enforcement_journey(app: &TestApp, b: &mut Browser, w: &Words) {
    let base = &app.address;
    let lang = w.lang;
    let publisher = format!("browser-{lang}@koopjes.nl");
    let manager = format!("beheer-{lang}@partnerlink.nl");
    // The manager is an administrator too, to read the audit log at the end.
    app.make_administrator(app.account_id(&manager));

    log_in(b, app, lang, &manager, "enforce-manager").await;
    b.goto(
        &format!("{base}/{lang}/manage/participants?q=browser-{lang}"),
        "participants-search",
    )
    .await;
    b.click_to_navigate("main table a").await;
    b.check_page("participant").await;
    // Step one chooses the measure; step two shows its fields, its F.11 clause ticked. The
    // penalty alone is no breach: the message stands next to the clauses; the reason typed
    // stays. Ticking the clause breached (brand bidding, E.10.i) takes the measure.
    b.click_to_navigate("#kind-warning").await;
    b.check_page("measure-warning-form").await;
    b.type_into("reason", "Brand bidding on AliExpress coupons.")
        .await;
    b.click_to_navigate("#measure-form button[type=submit]")
        .await;
    b.check_page("measure-without-breach").await;
    assert!(b.text_of("#clauses-error").await.contains(w.cite_breach));
    assert_eq!(
        b.value_of("reason").await,
        "Brand bidding on AliExpress coupons."
    );
    b.click("#clause-E-10-i").await;
    b.click_to_navigate("#measure-form button[type=submit]")
        .await;
    b.check_page("measure-taken").await;
    assert!(b.path().await.contains("notice=measure-taken"));
    assert!(b
        .text_of("#history-heading + article")
        .await
        .contains(w.warning));
    log_out(b).await;

    // The publisher finds the notice and objects with a PDF.
    log_in(b, app, lang, &publisher, "enforce-publisher").await;
    assert!(b.text_of("main").await.contains(w.unread));
    b.goto(&format!("{base}/{lang}/account/notices"), "notices")
        .await;
    b.click_to_navigate("main table a").await;
    b.check_page("notice").await;
    assert!(b.text_of("main blockquote").await.len() > 20);
    let pdf = std::env::temp_dir().join(format!(
        "portal-e2e-evidence-{lang}-{}.pdf",
        std::process::id()
    ));
    std::fs::write(&pdf, common::enforcement::PDF).unwrap();
    b.type_into("text", "We bid on our own coupon pages, not on the brand.")
        .await;
    b.client
        .find(Locator::Id("evidence"))
        .await
        .unwrap()
        .send_keys(&pdf.to_string_lossy())
        .await
        .unwrap();
    b.click_to_navigate("form[enctype] button[type=submit]")
        .await;
    b.check_page("objection-filed").await;
    let _ = std::fs::remove_file(&pdf);
    assert!(b.text_of(".notice").await.contains(w.objection_filed));
    log_out(b).await;

    // Another manager upholds it: the one who took the measure does not decide the objection
    // to it (four eyes, issue 21 point 9); the administrator of the money journey does.
    let other_manager = format!("beheer-financien-{lang}@partnerlink.nl");
    log_in(
        b,
        app,
        lang,
        &other_manager,
        "enforce-other-manager-decides",
    )
    .await;
    b.goto(&format!("{base}/{lang}/manage/objections"), "objections")
        .await;
    b.click("input[value=upheld]").await;
    b.type_into(
        &b.client
            .find(Locator::Css("textarea[name=reason]"))
            .await
            .unwrap()
            .attr("id")
            .await
            .unwrap()
            .unwrap(),
        "The bids were on the publisher's own coupon pages.",
    )
    .await;
    b.click_to_navigate("form[action$='/decision'] button[type=submit]")
        .await;
    b.check_page("objection-decided").await;
    assert!(b.path().await.contains("notice=objection-decided"));
    log_out(b).await;

    // The manager terminates another participant.
    log_in(b, app, lang, &manager, "enforce-manager-terminates").await;
    let other = format!("stop-{lang}@example.nl");
    let target = app.add_ready_publisher(&other);
    b.goto(
        &format!(
            "{base}/{lang}/manage/participants/{}",
            target.participant_id
        ),
        "participant-to-terminate",
    )
    .await;
    b.click_to_navigate("#kind-terminate").await;
    b.click("#clause-E-10-c").await;
    b.type_into("reason", "Fraudulent traffic from click farms.")
        .await;
    b.click_to_navigate("#measure-form button[type=submit]")
        .await;
    b.check_page("terminated").await;
    b.goto(&format!("{base}/{lang}/manage/audit"), "audit")
        .await;
    assert!(b.text_of("main table").await.contains(&manager));
    log_out(b).await;

    // The publisher reads that the objection was upheld.
    log_in(b, app, lang, &publisher, "enforce-publisher-upheld").await;
    b.goto(&format!("{base}/{lang}/account/notices"), "notices-after")
        .await;
    b.click_to_navigate("main table a").await;
    b.check_page("notice-upheld").await;
    assert!(b.text_of("main").await.contains(w.upheld));
    log_out(b).await;

    // The terminated participant cannot log in, and is told why.
    b.goto(&format!("{base}/{lang}/login"), "terminated-login")
        .await;
    b.type_into("email", &other).await;
    b.type_into("password", common::PASSWORD).await;
    b.submit("terminated-refused").await;
    assert!(b.path().await.ends_with("/login"));
    assert!(b.text_of(".error-summary").await.contains(w.terminated));
    assert!(b
        .text_of(".error-summary")
        .await
        .contains("Fraudulent traffic from click farms."));
}

/// A rejected commission open to objection (issue 22, point 4): an account manager rejects a
/// commission; the publisher finds "Object (until …, Hong Kong time)" beside it on the
/// conversions page, objects with a PDF, another manager upholds the objection, and the
/// commission is approved.
async fn commission_objection_journey(app: &TestApp, b: &mut Browser, w: &Words) {
    use diesel::prelude::*;
    use portal::db::schema::{clicks, commissions, conversions, participants};
    let base = &app.address;
    let lang = w.lang;
    let publisher = format!("browser-{lang}@koopjes.nl");
    let manager = format!("beheer-{lang}@partnerlink.nl");
    let other_manager = format!("beheer-financien-{lang}@partnerlink.nl");
    let (object_words, hong_kong, approved) = match lang {
        "nl" => (
            "Bezwaar maken (tot en met",
            "Hongkongse tijd",
            "Goedgekeurd",
        ),
        _ => ("Object (until", "Hong Kong time", "Approved"),
    };
    // Another order through the click the visitor of the money journey made on the
    // publisher's channel.
    let participant_id: ParticipantId = participants::table
        .filter(participants::account_id.eq(app.account_id(&publisher)))
        .select(participants::id)
        .first(&mut *app.conn())
        .unwrap();
    let (click_id, clicked_at): (Vec<u8>, i64) = clicks::table
        .filter(clicks::participant_id.eq(participant_id))
        .filter(clicks::credited.eq(true))
        .order(clicks::clicked_at.desc())
        .select((clicks::click_id, clicks::clicked_at))
        .first(&mut *app.conn())
        .unwrap();
    let at = chrono::DateTime::from_timestamp(clicked_at.div_euclid(1000), 0)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let key = common::money::secret(app);
    let order_ref = format!("AE-8{lang}");
    let mut order = common::money::report(&hex::encode(&click_id), &order_ref, "250.00", &at);
    order["status"] = "completed".into();
    let (status, answer) = common::money::send(app, &key, &order).await;
    assert_eq!(status, 201, "{answer}");
    let commission: CommissionId = commissions::table
        .inner_join(conversions::table)
        .filter(conversions::order_ref.eq(&order_ref))
        .select(commissions::id)
        .first(&mut *app.conn())
        .unwrap();
    let manager_id = app.account_id(&manager);
    portal::ledger::decide::decide(
        &mut app.conn(),
        commission,
        portal::ledger::decide::Action::Reject,
        Some("Order not known to the shop."),
        manager_id,
        portal::db::now(),
    )
    .unwrap();

    log_in(b, app, lang, &publisher, "object-commission-publisher").await;
    b.goto(
        &format!("{base}/{lang}/account/commissions/conversions"),
        "conversions-rejected",
    )
    .await;
    let object_link = format!("main table a.object-link[href$='/commission/{commission}']");
    let link = b.text_of(&object_link).await;
    assert!(link.contains(object_words), "{link}");
    assert!(link.contains(hong_kong), "{link}");
    b.click_to_navigate(&object_link).await;
    b.check_page("commission-objection-form").await;
    let pdf = std::env::temp_dir().join(format!(
        "portal-e2e-receipt-{lang}-{}.pdf",
        std::process::id()
    ));
    std::fs::write(&pdf, common::enforcement::PDF).unwrap();
    b.type_into(
        "text",
        "The customer kept the order; the receipt is attached.",
    )
    .await;
    b.client
        .find(Locator::Id("evidence"))
        .await
        .unwrap()
        .send_keys(&pdf.to_string_lossy())
        .await
        .unwrap();
    b.click_to_navigate("form[enctype] button[type=submit]")
        .await;
    b.check_page("commission-objection-filed").await;
    let _ = std::fs::remove_file(&pdf);
    assert!(b.text_of(".notice").await.contains(w.objection_filed));
    b.goto(
        &format!("{base}/{lang}/account/objections"),
        "account-objections",
    )
    .await;
    log_out(b).await;

    // Another manager than the one who rejected it upholds the objection.
    let objection = common::enforcement::objection_to(
        app,
        common::enforcement::SubjectKind::Commission,
        commission,
    );
    log_in(b, app, lang, &other_manager, "object-commission-decides").await;
    b.goto(
        &format!("{base}/{lang}/manage/objections"),
        "objections-commission",
    )
    .await;
    b.click(&format!("#upheld-{objection}")).await;
    b.type_into(
        &format!("reason-{objection}"),
        "The shop confirmed the order.",
    )
    .await;
    b.click_to_navigate(&format!(
        "form[action$='/objections/{objection}/decision'] button[type=submit]"
    ))
    .await;
    b.check_page("objection-commission-decided").await;
    assert!(b.path().await.contains("notice=objection-decided"));
    log_out(b).await;

    log_in(b, app, lang, &publisher, "object-commission-upheld").await;
    b.goto(
        &format!("{base}/{lang}/account/commissions/conversions"),
        "conversions-restored",
    )
    .await;
    assert!(b.text_of("main table").await.contains(approved));
    b.goto(
        &format!("{base}/{lang}/account/objections/commission/{commission}"),
        "commission-objection-upheld",
    )
    .await;
    assert!(b.text_of("main").await.contains(w.upheld));
    let state: String = commissions::table
        .find(commission)
        .select(commissions::state)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(state, "approved");
    log_out(b).await;
}

/// The lists the rules name (issue 22, points 8-10): an administrator bars a domain (a mistake
/// first), lifts the ban with a reason and adds a brand term; the publisher's channel form asks
/// whether it sells on AliExpress, and a channel renamed with the new brand is flagged with the
/// term and B.5.a in words.
async fn lists_journey(app: &TestApp, b: &mut Browser, w: &Words) {
    use diesel::prelude::*;
    use portal::db::schema::{channels, registration_bans};
    let base = &app.address;
    let lang = w.lang;
    let (reason_missing, lifted, brand_words) = match lang {
        "nl" => (
            "Geef de reden op.",
            "Opgeheven op",
            "bevat lazada, een merk van de Alibaba Group",
        ),
        _ => (
            "Give the reason.",
            "Lifted on",
            "contains lazada, a brand of the Alibaba Group",
        ),
    };
    let admin = format!("beheer-lists-{lang}@partnerlink.nl");
    app.add_manager(&admin);
    app.make_administrator(app.account_id(&admin));
    log_in(b, app, lang, &admin, "lists-admin").await;
    b.goto(&format!("{base}/{lang}/manage/bans"), "bans").await;
    let domain = format!("counterfeit-{lang}.com");
    b.type_into("value", &domain).await;
    b.submit("bans-without-reason").await;
    assert!(b.text_of("#reason-error").await.contains(reason_missing));
    assert_eq!(b.value_of("value").await, domain);
    b.type_into("reason", "Sells counterfeit goods.").await;
    b.submit("bans-added").await;
    assert!(b.text_of("table.data").await.contains(&domain));
    let id: i64 = registration_bans::table
        .filter(registration_bans::value.eq(&domain))
        .select(registration_bans::id)
        .first(&mut *app.conn())
        .unwrap();
    b.type_into(
        &format!("lift-reason-{id}"),
        "Owner proved it was a mistake.",
    )
    .await;
    b.click_to_navigate(&format!("#ban-{id} button")).await;
    // The screenshot shows the list, below the form.
    b.client
        .execute(
            "document.querySelector('table.data').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    b.check_page("bans-lifted").await;
    assert!(b.text_of(&format!("#ban-{id}")).await.contains(lifted));

    b.goto(&format!("{base}/{lang}/manage/brands"), "brands")
        .await;
    b.type_into("term", "Lazada").await;
    b.click("#matching-contained").await;
    b.submit("brands-added").await;
    assert!(b.text_of("table.data").await.contains("lazada"));
    log_out(b).await;

    let publisher = format!("browser-{lang}@koopjes.nl");
    log_in(b, app, lang, &publisher, "lists-publisher").await;
    let channel: ChannelId = channels::table
        .filter(channels::domain.eq("koopjes-browser.nl"))
        .select(channels::id)
        .first(&mut *app.conn())
        .unwrap();
    b.client
        .goto(&format!("{base}/{lang}/account/channels/{channel}"))
        .await
        .unwrap();
    // The question E.10.k asks, at the end of the form.
    b.client
        .execute(
            "document.getElementById('storefront_url').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    b.check_page("channel-form-seller").await;
    b.type_into("channel_name", "Lazada koopjes").await;
    b.submit("channel-flagged").await;
    assert!(b.text_of("main").await.contains(brand_words));
    assert!(b.text_of("main").await.contains("B.5.a"));
    log_out(b).await;
}

/// The console as a manager works in it (issue 22, point 13), at 1280 px and on a 360 px
/// phone, in the journey's language: its home, the participants list, a participant's page with
/// the measure form in two steps, the audit log and the programme's rates. No page is wider than
/// its window; the measures in force are in sight; the form is above the history; clauses are
/// ticked, no key chord; each audit line is compact; a sub-menu keeps its items on one row;
/// a date does not break.
async fn console_journey(app: &TestApp, b: &mut Browser, w: &Words) {
    let base = &app.address;
    let lang = w.lang;
    let nl = lang == "nl";
    let manager = format!("beheer-{lang}@partnerlink.nl");
    log_in(b, app, lang, &manager, "console").await;
    for (width, height) in [(1280u32, 1000u32), (360, 780)] {
        b.client.set_window_size(width, height).await.unwrap();
        let wide = width >= 1280;
        let at = |page: &str| format!("console-{width}-{page}");

        b.goto(&format!("{base}/{lang}/manage"), &at("home")).await;
        b.fits_window().await;
        let greeting = b.text_of("main h1 + p").await;
        assert!(
            greeting.contains(if nl {
                "als beheerder"
            } else {
                "as an administrator"
            }),
            "{greeting}"
        );
        if wide {
            // Each sub-menu on one row: no item alone on a second.
            let rows: i64 = b
                .number(
                    "return Math.max(...Array.from(document.querySelectorAll('.sub-nav ul'))
                       .map(ul => new Set(Array.from(ul.children).map(li => li.offsetTop)).size));",
                )
                .await;
            assert_eq!(rows, 1, "a sub-menu wraps at {width} px");
        }

        // Those with a measure in force (the participant terminated by the enforcement
        // journey): the column shows it, inside the window.
        b.goto(
            &format!("{base}/{lang}/manage/participants?open=any"),
            &at("participants"),
        )
        .await;
        b.fits_window().await;
        b.scroll_to("table.participants").await;
        b.check_page(&at("participants-table")).await;
        let open = "table.participants tbody tr td:nth-child(2)";
        let measures = b.text_of("table.participants tbody").await;
        assert!(
            measures.contains(if nl {
                "Account beëindigd"
            } else {
                "Account terminated"
            }),
            "{measures}"
        );
        let right: i64 = b
            .number(&format!(
                "const r = document.querySelector('{open}').getBoundingClientRect();
                 return Math.ceil(r.right) <= window.innerWidth && r.width > 0 ? 1 : 0;"
            ))
            .await;
        assert_eq!(
            right, 1,
            "the measures in force are out of sight at {width} px"
        );

        b.goto(
            &format!("{base}/{lang}/manage/participants?q=browser-{lang}"),
            &at("participants-search"),
        )
        .await;
        b.fits_window().await;
        b.click_to_navigate("table.participants tbody a").await;
        b.check_page(&at("participant")).await;
        b.fits_window().await;
        // The publisher signed up in the journey's language: named in words.
        assert!(b.text_of("#account-heading + dl").await.contains(if nl {
            "Nederlands"
        } else {
            "English"
        }));
        let above: i64 = b
            .number(
                "return document.getElementById('measure-form').getBoundingClientRect().top <
                        document.getElementById('history-heading').getBoundingClientRect().top ? 1 : 0;",
            )
            .await;
        assert_eq!(above, 1, "the measure form is below the history");
        // Step two: a deduction shows its amount and no other measure's fields.
        b.click_to_navigate("#kind-deduct").await;
        b.check_page(&at("measure-deduct")).await;
        b.fits_window().await;
        assert!(b.client.find(Locator::Id("amount")).await.is_ok());
        for other in ["deadline", "restriction", "ban"] {
            assert!(
                b.client.find(Locator::Id(other)).await.is_err(),
                "{other} shown for a deduction"
            );
        }
        let boxes: i64 = b
            .number(
                "return document.querySelectorAll('fieldset#clauses input[type=checkbox][name=clauses]').length;",
            )
            .await;
        assert!(boxes > 60, "{boxes} clauses to tick");
        assert!(b
            .client
            .find(Locator::Css("select[multiple]"))
            .await
            .is_err());
        // The clauses a breach can cite come first; E is open, its whole text readable.
        let first: String = b.text_of("fieldset#clauses details summary").await;
        assert!(first.starts_with("B."), "{first}");
        b.click("#clause-E-10-j").await;
        assert!(b
            .client
            .find(Locator::Css("#clause-E-10-j:checked"))
            .await
            .is_ok());

        b.goto(&format!("{base}/{lang}/manage/audit"), &at("audit"))
            .await;
        b.fits_window().await;
        b.scroll_to("table.audit-log").await;
        b.check_page(&at("audit-lines")).await;
        assert!(b.client.find(Locator::Css("code.json")).await.is_err());
        let tallest: i64 = b
            .number(
                "return Math.ceil(Math.max(...Array.from(
                   document.querySelectorAll('table.audit-log tbody tr'))
                   .map(tr => tr.getBoundingClientRect().height)));",
            )
            .await;
        let limit = if wide { 150 } else { 420 };
        assert!(
            tallest <= limit,
            "an audit line {tallest} px tall at {width} px"
        );
        let words = b.text_of("table.audit-log tbody").await;
        assert!(words.contains(if nl { "Maatregel " } else { "Measure " }));
        // No stored subject ("measure 5") on the page.
        assert!(
            (1..=50).all(|n| !words.contains(&format!("measure {n}"))),
            "{words}"
        );

        b.goto(&format!("{base}/{lang}/manage/programme"), &at("rates"))
            .await;
        b.fits_window().await;
        let broken: i64 = b
            .number(
                "return Array.from(document.querySelectorAll('main table .nowrap'))
                   .filter(e => e.getClientRects().length > 1).length;",
            )
            .await;
        assert_eq!(broken, 0, "a date breaks at {width} px");
    }
    b.client.set_window_size(1280, 1000).await.unwrap();
    log_out(b).await;
}

/// Typed policies (issue 22, point 3): an administrator chooses keyword marketing's value on the
/// programme form in the journey's language, with a note per language; a note that states a rate
/// is refused beside its field, kept; the programme page shows the value's label and the note in
/// the reader's language, the cookie period with its session window.
async fn policies_journey(app: &TestApp, b: &mut Browser, w: &Words) {
    let base = &app.address;
    let lang = w.lang;
    let (rate_refused, open_label, saved, window) = match lang {
        "nl" => (
            "verwijs naar de commissietabel",
            "Open, brandbidding toegestaan",
            "Opgeslagen.",
            "Sessiegebaseerd: 24 uur na de klik",
        ),
        _ => (
            "refer to the commission table",
            "Open, brand bidding allowed",
            "Saved.",
            "Session based: 24 hours after the click",
        ),
    };
    let admin = format!("beheer-policies-{lang}@partnerlink.nl");
    app.add_manager(&admin);
    app.make_administrator(app.account_id(&admin));
    log_in(b, app, lang, &admin, "policies-admin").await;
    b.client
        .goto(&format!("{base}/{lang}/manage/programme"))
        .await
        .unwrap();
    b.scroll_to("#policies").await;
    b.check_page("policies-form").await;
    b.fits_window().await;
    b.click("#policy-keyword_marketing-open_brand_bidding")
        .await;
    b.type_into(
        "policy-keyword_marketing-note_nl",
        "Tot 3 % extra op Google Ads.",
    )
    .await;
    b.type_into("policy-keyword_marketing-note_en", "Only on Google Ads.")
        .await;
    b.click_to_navigate("form[action$='/policies/keyword_marketing'] button[type=submit]")
        .await;
    b.scroll_to("#policy-keyword_marketing-value").await;
    b.check_page("policies-rate-refused").await;
    assert!(b
        .text_of("#policy-keyword_marketing-note_nl-error")
        .await
        .contains(rate_refused));
    assert_eq!(
        b.value_of("policy-keyword_marketing-note_nl").await,
        "Tot 3 % extra op Google Ads."
    );
    b.type_into("policy-keyword_marketing-note_nl", "Alleen op Google Ads.")
        .await;
    b.click("#policy-keyword_marketing-open_brand_bidding")
        .await;
    b.click_to_navigate("form[action$='/policies/keyword_marketing'] button[type=submit]")
        .await;
    b.check_page("policies-saved").await;
    assert!(b.text_of(".notice").await.contains(saved));

    b.client
        .goto(&format!("{base}/{lang}/programmes/aliexpress"))
        .await
        .unwrap();
    b.scroll_to("#policies").await;
    b.check_page("programme-policies").await;
    let table = b.text_of("#policies + table").await;
    assert!(table.contains(open_label), "{table}");
    assert!(table.contains(window), "{table}");
    let note = match lang {
        "nl" => "Alleen op Google Ads.",
        _ => "Only on Google Ads.",
    };
    assert!(table.contains(note), "{table}");
    // Closed again, as the programme's rules have it, for the journeys after this one.
    app.sql("UPDATE programme_policies SET value = 'closed', note_nl = NULL, note_en = NULL WHERE key = 'keyword_marketing'");
    log_out(b).await;
}

/// Runs the Nu Html Checker over every saved page; returns its complaints.
/// Every decision in words (issue 22, point 8): a publisher with a held commission, a deduction
/// and a membership ended by a restriction reads each in words — what, under which clauses, why,
/// with the measure's notice — on its channels, earnings, conversions and ledger pages.
async fn explained_journey(app: &TestApp, b: &mut Browser, w: &Words) {
    use crate::common::enforcement::take;
    let base = &app.address;
    let lang = w.lang;
    let (restricted, deducted, held, next_run) = match lang {
        "nl" => (
            "Beperkte samenwerking (regel F.11.f)",
            "Ingehouden door een accountmanager (regel F.11.d)",
            "ter beoordeling aangehouden als mogelijke eigen aankoop (regel E.10.j)",
            "De volgende uitbetalingsronde is op",
        ),
        _ => (
            "Restricted collaboration (rule F.11.f)",
            "Deducted by an account manager (rule F.11.d)",
            "held for review as possible self-purchase (rule E.10.j)",
            "The next payout run is on",
        ),
    };
    let publisher = format!("uitleg-{lang}@koopjes.nl");
    let p = app.add_ready_publisher(&publisher);
    let manager = format!("beheer-uitleg-{lang}@partnerlink.nl");
    let boss = app.manager(&manager).await;
    let membership = app.membership_of(p.channel_id);
    b.goto(&format!("{base}/{lang}/login"), "explained-login")
        .await;
    b.type_into("email", &publisher).await;
    b.type_into("password", common::PASSWORD).await;
    b.click_to_navigate("main form button[type=submit]").await;
    b.check_page("explained-dashboard").await;
    // A click from the address the publisher just logged in from: held (E.10.j).
    let (click_id, at) = common::money::click(app, p.channel_id).await;
    let key = common::money::secret(app);
    let order = common::money::report(&click_id, "AE-8001", "80.00", &at);
    let (_, answer) = common::money::send(app, &key, &order).await;
    assert_eq!(answer["attribution"], "self_purchase");
    // Then a deduction, and the membership ended (which credits no further click).
    for fields in [
        vec![
            ("kind", "deduct"),
            ("clauses", "F.11.d"),
            ("clauses", "E.10.d"),
            ("reason", "Cookie stuffing: the damages of November."),
            ("amount", "12,50"),
        ],
        vec![
            ("kind", "restrict"),
            ("clauses", "F.11.f"),
            ("clauses", "E.10.l"),
            ("reason", "A coupon site."),
            ("restriction", "membership"),
            ("membership", &membership.to_string()),
        ],
    ] {
        let r = take(app, &boss, p.participant_id, &fields).await;
        assert_eq!(r.status().as_u16(), 303);
    }
    for (path, label, expected) in [
        ("/account/channels", "explained-channels", restricted),
        ("/account/commissions", "explained-earnings", held),
        ("/account/commissions", "explained-earnings-run", next_run),
        (
            "/account/commissions/conversions",
            "explained-conversions",
            held,
        ),
        ("/account/commissions/ledger", "explained-ledger", deducted),
    ] {
        b.goto(&format!("{base}/{lang}{path}"), label).await;
        let main = b.text_of("main").await;
        assert!(main.contains(expected), "{label}: {main}");
    }
    log_out(b).await;
}

/// The rules page names the version in force and links the earlier ones; an earlier version
/// has a page of its own, marked as no longer in force (issue 22, point 6). Then the console's
/// rules and holiday pages as an administrator sees them: a CSV file of holidays with wrong
/// lines, and the warning when the table runs out (point 5).
async fn rules_versions_journey(app: &TestApp, b: &mut Browser, w: &Words) {
    use diesel::prelude::*;
    use portal::db::schema::{holidays, rule_clauses};
    let base = &app.address;
    let lang = w.lang;
    let nl = lang == "nl";
    let added = "Misspellings of the brand count as the brand.";
    let email = format!("beheer-regels-{lang}@partnerlink.nl");
    let admin = app.administrator(&email).await;
    let body: String = rule_clauses::table
        .filter(rule_clauses::anchor.eq("E-10-c"))
        .select(rule_clauses::body)
        .first(&mut *app.conn())
        .unwrap();
    let page = format!("/{lang}/manage/rules");
    let r = app
        .submit_with(
            &admin,
            &page,
            &page,
            &[
                ("clause", "E-10-c"),
                ("body", &format!("{body} {added}")),
                ("summary_en", "E.10.c now covers misspellings."),
                ("summary_nl", "E.10.c geldt nu ook voor verschrijvingen."),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);

    b.goto(
        &format!("{base}/{lang}/programmes/aliexpress/rules"),
        "rules-in-force",
    )
    .await;
    let header = b.text_of(".rules header").await;
    assert!(
        header.contains(if nl {
            "Versie 2, van kracht sinds"
        } else {
            "Version 2, in force since"
        }),
        "{header}"
    );
    assert!(b.text_of("#E-10-c").await.contains(added));
    b.click_to_navigate(".rules-versions a").await;
    b.check_page("rules-version-1").await;
    assert_eq!(
        b.path().await,
        format!("/{lang}/programmes/aliexpress/rules/v/1")
    );
    let header = b.text_of(".rules header").await;
    assert!(
        header.contains(if nl {
            "Dit is versie 1 van de regels, van september 2015."
        } else {
            "This is version 1 of the rules, of September 2015."
        }),
        "{header}"
    );
    assert!(!b.text_of("#E-10-c").await.contains(added));
    b.click_to_navigate(".rules header .notice a").await;
    b.check_page("rules-back-in-force").await;
    assert_eq!(
        b.path().await,
        format!("/{lang}/programmes/aliexpress/rules")
    );

    // The administrator's side: the versions with both summaries, then the holiday table.
    log_in(b, app, lang, &email, "rules-admin").await;
    b.goto(
        &format!("{base}/{lang}/manage/rules"),
        "rules-admin-versions",
    )
    .await;
    b.fits_window().await;
    let main = b.text_of("main").await;
    assert!(main.contains("E.10.c geldt nu ook voor verschrijvingen."));
    assert!(main.contains("E.10.c now covers misspellings."));
    // The table ends within 90 days: the console says so.
    let today = portal::calendar::working_days::hong_kong_day(portal::db::now());
    let near = chrono::Datelike::year(&(today + chrono::Days::new(90))) - 1;
    diesel::delete(
        holidays::table
            .filter(holidays::day.gt(chrono::NaiveDate::from_ymd_opt(near, 12, 31).unwrap())),
    )
    .execute(&mut *app.conn())
    .unwrap();
    b.goto(&format!("{base}/{lang}/manage"), "holidays-warning-home")
        .await;
    let warning = b.text_of("#holidays-warning").await;
    assert!(
        warning.contains(if nl {
            "De feestdagentabel"
        } else {
            "The holiday table"
        }),
        "{warning}"
    );
    b.click_to_navigate("#holidays-warning a").await;
    b.check_page("holidays").await;
    b.fits_window().await;
    let csv = tempfile::Builder::new().suffix(".csv").tempfile().unwrap();
    std::fs::write(
        csv.path(),
        format!(
            "date,name\n{}-01-01,The first day of January\n01-02-{},Wrong order\n",
            near + 1,
            near + 1
        ),
    )
    .unwrap();
    b.client
        .find(Locator::Id("file"))
        .await
        .unwrap()
        .send_keys(&csv.path().display().to_string())
        .await
        .unwrap();
    b.click_to_navigate("#import form button[type=submit]")
        .await;
    b.check_page("holidays-import-problems").await;
    b.fits_window().await;
    let problem = b.text_of("#import table").await;
    assert!(
        problem.contains(if nl {
            "Schrijf de datum als jaar-maand-dag"
        } else {
            "Write the date as year-month-day"
        }),
        "{problem}"
    );
    log_out(b).await;
}

fn validate_html(tools: &Tools, pages: &[PathBuf]) -> Vec<String> {
    let output = Command::new("java")
        .arg("-jar")
        .arg(&tools.vnu)
        .arg("--errors-only")
        .args(pages)
        .output()
        .expect("run the Nu Html Checker");
    let text = String::from_utf8_lossy(&output.stderr).into_owned()
        + &String::from_utf8_lossy(&output.stdout);
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

async fn run(words: &'static Words) {
    let tools = tools();
    let app = spawn_app().await;
    let mut browser = Browser::start(&tools, words.lang).await;
    journeys(&app, &mut browser, words).await;
    second_factor_journey(&app, &mut browser, words).await;
    tracking_journey(&app, &mut browser, words).await;
    money_journey(&app, &mut browser, words).await;
    enforcement_journey(&app, &mut browser, words).await;
    console_journey(&app, &mut browser, words).await;
    explained_journey(&app, &mut browser, words).await;
    lists_journey(&app, &mut browser, words).await;
    commission_objection_journey(&app, &mut browser, words).await;
    policies_journey(&app, &mut browser, words).await;
    // Last: a new version of the rules asks every participant to accept it at their next login.
    rules_versions_journey(&app, &mut browser, words).await;
    let (pages, violations) = browser.finish().await;
    assert!(
        violations.is_empty(),
        "axe-core violations:\n{}",
        violations.join("\n")
    );
    let errors = validate_html(&tools, &pages);
    assert!(errors.is_empty(), "HTML errors:\n{}", errors.join("\n"));
    assert!(pages.len() >= 30, "{} pages checked", pages.len());
}

#[tokio::test]
#[ignore = "needs Chromium, chromedriver, Java and npm's vnu-jar and axe-core: cargo test -- --include-ignored (README, 'Browser tests')"]
async fn browser_journeys_in_dutch() {
    run(&NL).await;
}

#[tokio::test]
#[ignore = "needs Chromium, chromedriver, Java and npm's vnu-jar and axe-core: cargo test -- --include-ignored (README, 'Browser tests')"]
async fn browser_journeys_in_english() {
    run(&EN).await;
}
