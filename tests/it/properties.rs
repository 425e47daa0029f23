//! Property tests of the domain types and fuzzing of the two ways data comes in from outside —
//! the conversion postback and the CSV import — with arbitrary bytes (security issue 14; `cargo
//! fuzz` needs a nightly toolchain, proptest runs on stable). The seeds are fixed, so a run is
//! the same run every time; `PROPTEST_CASES` runs more cases.

use chrono::{NaiveDate, NaiveDateTime};
use portal::calendar::working_days::Calendar;
use portal::db::ids::{ChannelId, ProgrammeId, SecretId};
use portal::domain::{EmailAddress, Rate, WebsiteUrl};
use portal::ledger::report::RawReport;
use portal::ledger::{import, signature};
use portal::tracking::link::{is_valid_epi, LinkParams, EPI_MAX};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

fn config(cases: u32) -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(cases),
        rng_seed: RngSeed::Fixed(20261130),
        failure_persistence: None,
        ..Config::default()
    }
}

fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 30)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
}

/// Text as an attacker sends it: any characters, some ASCII-ish structure.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[ -~]{0,80}",
        "[a-zA-Z0-9._%+-]{1,20}@[a-zA-Z0-9.-]{1,20}\\.[a-z]{2,6}",
        "(https?://)?[a-z0-9.-]{1,30}(:[0-9]{1,5})?(/[ -~]{0,20})?",
    ]
}

proptest! {
    #![proptest_config(config(512))]

    /// An accepted address is trimmed, lower case, ASCII, with a local part and a dotted
    /// domain, and reads back as itself.
    #[test]
    fn email_addresses_are_normalised_and_read_back_as_themselves(input in any_text()) {
        if let Ok(email) = EmailAddress::parse(&input) {
            let text = email.as_str();
            prop_assert!(text.is_ascii());
            prop_assert_eq!(text, text.trim());
            prop_assert_eq!(text.to_owned(), text.to_lowercase());
            prop_assert!(!email.local_part().is_empty());
            prop_assert!(email.domain().contains('.'));
            prop_assert!(text.len() <= 254);
            let again = EmailAddress::parse(text).unwrap();
            prop_assert_eq!(again.as_str(), text);
        }
    }

    /// An accepted website is http(s) with a public host name, no credentials, no spaces, and
    /// reads back as itself.
    #[test]
    fn websites_are_public_http_addresses_that_read_back_as_themselves(input in any_text()) {
        if let Ok(site) = WebsiteUrl::parse(&input) {
            let url = url::Url::parse(site.as_str()).unwrap();
            prop_assert!(matches!(url.scheme(), "http" | "https"));
            prop_assert!(url.username().is_empty() && url.password().is_none());
            prop_assert!(matches!(url.host(), Some(url::Host::Domain(_))));
            prop_assert!(!site.as_str().chars().any(char::is_whitespace));
            prop_assert!(!site.domain().starts_with("www."));
            let again = WebsiteUrl::parse(site.as_str()).unwrap();
            prop_assert_eq!(again.as_str(), site.as_str());
        }
    }

    /// A sub-ID is 1 to 64 characters of a small safe set; anything else is refused.
    #[test]
    fn epis_are_short_and_of_a_safe_set(input in any_text()) {
        let valid = is_valid_epi(&input);
        let expected = (1..=EPI_MAX).contains(&input.len())
            && input.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        prop_assert_eq!(valid, expected);
    }

    /// A tracking link reads back as the parameters it was made of; any query string is read
    /// without a panic, and what is read has valid ids and a valid sub-ID.
    #[test]
    fn tracking_links_read_back_as_their_parameters(
        programme_id in 1i64..=999_999_999_999,
        channel_id in 1i64..=999_999_999_999,
        ad_id in proptest::option::of(1i64..=999_999_999),
        epi in proptest::option::of("[a-zA-Z0-9._-]{1,64}"),
        query in any_text(),
    ) {
        let params = LinkParams {
            programme_id: ProgrammeId(programme_id),
            channel_id: ChannelId(channel_id),
            ad_id,
            epi,
            deep_url: None,
        };
        let base = url::Url::parse("https://partners.example/").unwrap();
        let link = url::Url::parse(&params.url(&base)).unwrap();
        let read = LinkParams::from_query(link.query().unwrap()).unwrap();
        prop_assert_eq!(read, params);
        if let Some(read) = LinkParams::from_query(&query) {
            prop_assert!(read.programme_id.get() > 0 && read.channel_id.get() > 0);
            prop_assert!(read.epi.as_deref().is_none_or(is_valid_epi));
        }
    }

    /// A rate is above 0 and at most 100 %, with at most four decimals, and its stored text
    /// reads back as the same rate.
    #[test]
    fn rates_are_within_range_and_read_back(input in prop_oneof![any_text(), "-?[0-9]{0,4}(\\.[0-9]{0,6})?"]) {
        if let Ok(rate) = Rate::parse_percent(&input) {
            prop_assert!(rate.percent() > rust_decimal::Decimal::ZERO);
            prop_assert!(rate.percent() <= rust_decimal::Decimal::ONE_HUNDRED);
            prop_assert!(rate.percent().scale() <= 4);
            prop_assert_eq!(Rate::parse_percent(&rate.to_db()).unwrap(), rate);
        }
    }

    /// Adding n working days lands on a working day after the start, with exactly n working
    /// days in between, whatever the holidays.
    #[test]
    fn adding_working_days_counts_exactly_those_days(
        start in 0u32..3650,
        n in 0u32..60,
        holidays in proptest::collection::vec(0u32..3700, 0..40),
    ) {
        let epoch = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        let day = |offset: u32| epoch + chrono::Days::new(u64::from(offset));
        let calendar = Calendar::new(holidays.into_iter().map(day));
        let from = day(start);
        let to = calendar.add_working_days(from, n);
        prop_assert!(to >= from);
        prop_assert_eq!(calendar.working_days_between(from, to), n);
        if n > 0 {
            prop_assert!(calendar.is_working_day(to));
            prop_assert!(to > from);
        }
    }
}

proptest! {
    #![proptest_config(config(2048))]

    /// The postback's signature: any header and body are judged without a panic; a signature
    /// made with the secret passes, and so does nothing else — a changed body or another
    /// secret fails.
    #[test]
    fn postback_signatures_pass_only_for_their_body_and_secret(
        body in proptest::collection::vec(any::<u8>(), 0..512),
        header in any_text(),
        flip in any::<usize>(),
    ) {
        let secret = "whsec_programme";
        let t = now().and_utc().timestamp();
        let _ = signature::verify(Some(&header), &body, &[(SecretId(1), secret.to_owned())], t);
        let good = signature::header(secret, t, &body);
        prop_assert!(signature::verify(Some(&good), &body, &[(SecretId(1), secret.to_owned())], t).is_ok());
        prop_assert!(signature::verify(Some(&good), &body, &[(SecretId(1), "another".to_owned())], t).is_err());
        if !body.is_empty() {
            let mut changed = body.clone();
            changed[flip % body.len()] ^= 0x01;
            prop_assert!(signature::verify(Some(&good), &changed, &[(SecretId(1), secret.to_owned())], t).is_err());
        }
    }

    /// Postback bodies: arbitrary bytes and arbitrary JSON objects are read and checked without
    /// a panic; a report that passes has non-negative amounts and returns no more than ordered.
    #[test]
    fn postback_bodies_are_read_without_a_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..400),
        fields in proptest::collection::vec(
            (prop_oneof![
                Just("programme"), Just("click_id"), Just("order_ref"), Just("order_amount"),
                Just("currency"), Just("commission_group"), Just("coupon_redeemed"), Just("status"),
                Just("returned_amount"), Just("occurred_at"), Just("unknown_field"),
            ], prop_oneof![
                any_text().prop_map(serde_json::Value::from),
                any::<f64>().prop_map(serde_json::Value::from),
                any::<i64>().prop_map(serde_json::Value::from),
                any::<bool>().prop_map(serde_json::Value::from),
                Just(serde_json::Value::Null),
            ]),
            0..9,
        ),
    ) {
        if let Ok(raw) = serde_json::from_slice::<RawReport>(&bytes) {
            let _ = raw.check(now());
        }
        let object: serde_json::Map<String, serde_json::Value> =
            fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        if let Ok(raw) = serde_json::from_value::<RawReport>(serde_json::Value::Object(object)) {
            if let Ok(report) = raw.check(now()) {
                prop_assert!(report.order_amount.minor >= 0);
                prop_assert!(report.returned_amount.minor >= 0);
                prop_assert!(report.returned_amount.minor <= report.order_amount.minor);
                prop_assert!(report.occurred_at <= now() + chrono::Duration::hours(1));
            }
        }
    }

    /// The CSV import: arbitrary bytes are read without a panic, into lines or a reason.
    #[test]
    fn csv_imports_of_arbitrary_bytes_are_read_without_a_panic(
        bytes in proptest::collection::vec(any::<u8>(), 0..600),
    ) {
        if let Ok(lines) = import::read(&bytes, now()) {
            for line in lines {
                prop_assert!(line.number >= 2, "the header is line 1");
            }
        }
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// A well-formed import file reads back line by line as it was written: every line checked,
    /// with its amount to the cent.
    #[test]
    fn csv_import_lines_read_back_as_written(
        rows in proptest::collection::vec(("[A-Z0-9]{4,12}", 1i64..10_000_000, 0usize..3, any::<bool>()), 1..30),
    ) {
        let statuses = ["pending", "completed", "cancelled"];
        let mut file = String::from(
            "programme,click_id,order_ref,order_amount,currency,commission_group,coupon_redeemed,status,returned_amount,occurred_at\n",
        );
        for (order, cents, status, coupon) in &rows {
            file.push_str(&format!(
                "aliexpress,{:032x},{order},{}.{:02},EUR,default,{coupon},{},,2026-11-20T10:00:00Z\n",
                cents, cents / 100, cents % 100, statuses[*status]
            ));
        }
        let Ok(lines) = import::read(file.as_bytes(), now()) else {
            return Err(TestCaseError::fail("a well-formed file is refused as a whole"));
        };
        prop_assert_eq!(lines.len(), rows.len());
        for (line, (order, cents, status, coupon)) in lines.iter().zip(&rows) {
            prop_assert_eq!(&line.order_ref, order);
            prop_assert_eq!(&line.status, statuses[*status]);
            prop_assert!(line.problems.is_empty(), "{:?}", line.problems);
            let report = line.report.as_ref().unwrap();
            prop_assert_eq!(report.order_amount.minor, *cents);
            prop_assert_eq!(report.coupon_redeemed, *coupon);
        }
    }
}
