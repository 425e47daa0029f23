//! The bad-input corpus (security issue 14): every request of `tests/corpus/requests.jsonl`
//! (written by `tests/corpus/make.py`: over-long fields, invalid UTF-8, NUL bytes, look-alike
//! characters, HTML/JS/SQL in every field, wrong content types, huge bodies, repeated
//! parameters, missing, forged or doubled CSRF tokens, other participants' ids, on every route)
//! is sent to the portal, on SQLite and — with `PORTAL_TEST_DATABASE_URL` — on PostgreSQL.
//! None may get a 5xx; a refused one (4xx) may change no stored data; every page answers in the
//! request's language.

use crate::common;

use crate::common::enforcement::take;
use crate::common::{csrf_token, spawn_app, TestApp};
use diesel::prelude::*;

#[derive(Debug, serde::Deserialize)]
struct CorpusRequest {
    #[serde(rename = "as")]
    who: String,
    method: String,
    path: String,
    lang: String,
    #[serde(default)]
    form: Option<Vec<(String, String)>>,
    #[serde(default)]
    query: Option<Vec<(String, String)>>,
    #[serde(default)]
    raw: Option<String>,
    #[serde(default, rename = "type")]
    content_type: Option<String>,
    #[serde(default = "valid")]
    csrf: String,
}

fn valid() -> String {
    "valid".into()
}

/// The tables whose rows are the portal's data (bookkeeping such as sessions, rate-limit
/// counts, signup drafts and seen signatures is left out: a refused request may count).
const DATA_TABLES: &[&str] = &[
    "account_tokens",
    "accounts",
    "audit_log",
    "bank_accounts",
    "brand_terms",
    "channels",
    "clicks",
    "commission_events",
    "commission_rates",
    "commissions",
    "conversions",
    "holidays",
    "ledger_entries",
    "mail_queue",
    "measure_clauses",
    "measures",
    "memberships",
    "objection_files",
    "objections",
    "participants",
    "payout_runs",
    "payouts",
    "programme_contacts",
    "programme_policies",
    "programme_secrets",
    "programme_texts",
    "programmes",
    "registration_bans",
    "rule_clauses",
    "rules_acceptances",
    "rules_versions",
];

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Row counts of the data tables, and the values a refused request could change in place.
fn snapshot(app: &TestApp) -> Vec<String> {
    use portal::db::schema::{accounts, bank_accounts, channels, memberships, participants};
    let mut conn = app.conn();
    let mut state: Vec<String> = DATA_TABLES
        .iter()
        .map(|table| {
            let count: Count = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}"))
                .get_result(&mut *conn)
                .unwrap();
            format!("{table}: {}", count.n)
        })
        .collect();
    let passwords: Vec<(i64, String, Option<chrono::NaiveDateTime>)> = accounts::table
        .order(accounts::id)
        .select((
            accounts::id,
            accounts::password_hash,
            accounts::activated_at,
        ))
        .load(&mut *conn)
        .unwrap();
    state.push(format!("{passwords:?}"));
    let channels: Vec<(i64, String, String, String)> = channels::table
        .order(channels::id)
        .select((
            channels::id,
            channels::website_url,
            channels::name,
            channels::review_state,
        ))
        .load(&mut *conn)
        .unwrap();
    state.push(format!("{channels:?}"));
    let memberships: Vec<(i64, String)> = memberships::table
        .order(memberships::id)
        .select((memberships::id, memberships::state))
        .load(&mut *conn)
        .unwrap();
    state.push(format!("{memberships:?}"));
    let banks: Vec<(i64, String)> = bank_accounts::table
        .order(bank_accounts::participant_id)
        .select((bank_accounts::participant_id, bank_accounts::iban))
        .load(&mut *conn)
        .unwrap();
    state.push(format!("{banks:?}"));
    let standing: Vec<(i64, Option<chrono::NaiveDateTime>)> = participants::table
        .order(participants::id)
        .select((participants::id, participants::terminated_at))
        .load(&mut *conn)
        .unwrap();
    state.push(format!("{standing:?}"));
    state
}

struct Actors {
    clients: std::collections::HashMap<&'static str, reqwest::Client>,
    /// Each client's CSRF token (the session's, or the anonymous visitor's).
    tokens: std::collections::HashMap<&'static str, String>,
    places: Vec<(&'static str, String)>,
}

impl Actors {
    fn fill(&self, text: &str, lang: &str) -> String {
        let mut text = text.replace("{lang}", lang);
        for (name, value) in &self.places {
            text = text.replace(name, value);
        }
        text.replace("{long}", &"x".repeat(10_000))
            .replace("{huge}", &"y".repeat(3 << 20))
    }
}

fn who(name: &str) -> &'static str {
    match name {
        "anonymous" => "anonymous",
        "publisher" => "publisher",
        "manager" => "manager",
        "administrator" => "administrator",
        other => panic!("no such sender: {other}"),
    }
}

async fn token_of(app: &TestApp, client: &reqwest::Client, page: &str) -> String {
    let (_, html) = app.page_with(client, page).await;
    csrf_token(&html).unwrap_or_else(|| panic!("no csrf token on {page}"))
}

#[tokio::test]
async fn the_bad_input_corpus_gets_no_server_error_changes_nothing_refused_and_keeps_the_language()
{
    let app = spawn_app().await;
    let anna = app.add_ready_publisher("anna@example.nl");
    let bob = app.add_ready_publisher("bob@example.nl");
    let boss = app.administrator("beheer@partnerlink.nl").await;
    let manager = app.manager("manager@partnerlink.nl").await;
    let r = take(
        &app,
        &boss,
        bob.participant_id,
        &[
            ("kind", "warning"),
            ("clauses", "C.6.a"),
            ("reason", "Merknaam in een advertentie"),
        ],
    )
    .await;
    assert_eq!(r.status().as_u16(), 303, "a warning for bob");
    let bobs_notice = common::enforcement::last_measure(&app);
    let publisher = app.client_for("anna@example.nl").await;
    let anonymous = app.new_client();

    let mut actors = Actors {
        clients: Default::default(),
        tokens: Default::default(),
        places: vec![
            ("{own_channel}", anna.channel_id.to_string()),
            ("{other_channel}", bob.channel_id.to_string()),
            ("{own_participant}", anna.participant_id.to_string()),
            ("{other_participant}", bob.participant_id.to_string()),
            ("{other_notice}", bobs_notice.to_string()),
            ("{token}", "a".repeat(43)),
        ],
    };
    for (name, client, page) in [
        ("anonymous", anonymous, "/nl/login"),
        ("publisher", publisher, "/nl/account"),
        ("manager", manager, "/nl/manage"),
        ("administrator", boss, "/nl/manage"),
    ] {
        let token = token_of(&app, &client, page).await;
        actors.tokens.insert(name, token);
        actors.clients.insert(name, client);
    }

    let corpus = include_str!("../corpus/requests.jsonl");
    let mut failures = Vec::new();
    let mut sent = 0;
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for (line, text) in corpus.lines().enumerate() {
        let request: CorpusRequest = serde_json::from_str(text)
            .unwrap_or_else(|e| panic!("requests.jsonl line {}: {e}", line + 1));
        let sender = who(&request.who);
        let client = &actors.clients[sender];
        let token = actors.tokens[sender].clone();
        let lang = request.lang.as_str();
        let mut path = actors.fill(&request.path, lang);
        if let Some(query) = &request.query {
            let mut pairs = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in query {
                pairs.append_pair(k, &actors.fill(v, lang));
            }
            path = format!("{path}?{}", pairs.finish());
        }
        let mut builder = match request.method.as_str() {
            "GET" => client.get(app.url(&path)),
            "POST" => client.post(app.url(&path)),
            other => panic!("line {}: method {other}", line + 1),
        }
        .header("accept-language", lang);
        if let Some(form) = &request.form {
            let mut body: Vec<(String, String)> = Vec::new();
            match request.csrf.as_str() {
                "valid" => body.push(("csrf_token".into(), token.clone())),
                "forged" => body.push(("csrf_token".into(), "f".repeat(64))),
                "twice" => {
                    body.push(("csrf_token".into(), "f".repeat(64)));
                    body.push(("csrf_token".into(), token.clone()));
                }
                _ => {}
            }
            body.extend(form.iter().map(|(k, v)| (k.clone(), actors.fill(v, lang))));
            builder = builder.form(&body);
        } else if let Some(raw) = &request.raw {
            let body = actors.fill(raw, lang).replace("{csrf}", &token);
            builder = builder
                .header(
                    "content-type",
                    request.content_type.as_deref().unwrap_or("text/plain"),
                )
                .body(body);
        }
        let before = snapshot(&app);
        let response = match builder.send().await {
            Ok(response) => response,
            Err(e) => {
                failures.push(format!("line {}: no answer ({e})", line + 1));
                continue;
            }
        };
        sent += 1;
        let status = response.status().as_u16();
        *statuses.entry(status).or_default() += 1;
        let is_html = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let body = response.text().await.unwrap_or_default();
        let what = format!(
            "line {} ({} {} as {}, {status})",
            line + 1,
            request.method,
            request.path,
            request.who
        );
        if status >= 500 {
            failures.push(format!("{what}: a server error"));
        }
        if is_html && !body.contains(&format!("<html lang=\"{lang}\"")) {
            failures.push(format!("{what}: not answered in {lang}"));
        }
        if status >= 400 {
            let after = snapshot(&app);
            if after != before {
                let changed: Vec<_> = before
                    .iter()
                    .zip(&after)
                    .filter(|(b, a)| b != a)
                    .map(|(b, a)| format!("{b} → {a}"))
                    .collect();
                failures.push(format!("{what}: refused but stored {changed:?}"));
            }
        }
    }
    eprintln!("{sent} requests answered: {statuses:?}");
    assert!(
        sent >= 500,
        "the corpus has at least 500 requests ({sent} answered)"
    );
    // The replay reaches the checks it is about: forged tokens, refused fields, foreign ids,
    // bodies too large.
    for refusal in [400, 403, 404, 413, 422] {
        assert!(
            statuses.contains_key(&refusal),
            "no {refusal} in {statuses:?}"
        );
    }
    assert!(
        failures.is_empty(),
        "{} of {sent} requests went wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
