//! Channels, programme membership, the link generator, the click redirect and statistics.

use crate::common;
use crate::common::{MembershipState, ReviewState};
use portal::db::ids::ChannelId;

use crate::common::{location, spawn_app, spawn_app_with, Options, TestApp, BROWSER};
use diesel::prelude::*;
use portal::db::schema::{channels, clicks, memberships, referrers, user_agents};

/// Follows a tracking link (path and query) as a browser would, without following the redirect.
async fn click(app: &TestApp, path_and_query: &str, user_agent: &str) -> reqwest::Response {
    app.client
        .get(app.url(path_and_query))
        .header("user-agent", user_agent)
        .header("accept-language", "nl-NL,nl;q=0.9")
        .send()
        .await
        .unwrap()
}

/// The stored clicks as (channel, credited, reason), oldest first.
fn stored(app: &TestApp) -> Vec<(i64, bool, Option<String>)> {
    clicks::table
        // Click ids ascend in the order the writer judged the clicks.
        .order(clicks::click_id)
        .select((clicks::channel_id, clicks::credited, clicks::reason))
        .load(&mut *app.conn())
        .unwrap()
}

fn link_for(app: &TestApp, channel_id: ChannelId) -> String {
    format!("/click?p={}&a={channel_id}", app.programme_id())
}

/// The tracking link shown on a generator page.
fn shown_link(html: &str) -> Option<String> {
    let at = html.find("id=\"link\" type=\"text\" readonly value=\"")?;
    let rest = &html[at + "id=\"link\" type=\"text\" readonly value=\"".len()..];
    Some(
        rest[..rest.find('"')?]
            .replace("&#38;", "&")
            .replace("&amp;", "&"),
    )
}

#[tokio::test]
async fn a_publisher_goes_from_channel_to_credited_click() {
    let app = spawn_app().await;
    let publisher = app.add_publisher("anna@koopjes.nl", ReviewState::Pending);
    app.add_manager("manager@partnerlink.nl");
    let anna = app.client_for(&publisher.email).await;
    let manager = app.client_for("manager@partnerlink.nl").await;
    let channel_path = format!("/nl/account/channels/{}/apply", publisher.channel_id);

    // The channel is not approved yet: applying is refused with a message beside it.
    let r = app
        .submit_with(&anna, "/nl/account/channels", &channel_path, &[])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("nog niet goedgekeurd"));

    // The manager sees it in the queue; rejecting needs a reason, which is kept when missing.
    let (status, queue) = app.page_with(&manager, "/nl/manage").await;
    assert_eq!(status, 200);
    assert!(queue.contains("Kanaal anna-koopjes.nl"));
    let review = format!("/nl/manage/channels/{}/review", publisher.channel_id);
    let r = app
        .submit_with(
            &manager,
            "/nl/manage",
            &review,
            &[("decision", "reject"), ("reason", "  ")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(&format!(
        "id=\"reason-channel-{}-error\"",
        publisher.channel_id
    )));
    assert!(html.contains("Geef de reden van de afwijzing."));
    let r = app
        .submit_with(
            &manager,
            "/nl/manage",
            &review,
            &[("decision", "approve"), ("reason", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let mail = app.smtp().wait_for(&publisher.email, 0).await;
    assert!(
        mail.subject().contains("is goedgekeurd"),
        "{}",
        mail.subject()
    );

    // Now the channel applies; the manager rejects once (with a reason the publisher sees),
    // the publisher applies again and is approved.
    let r = app
        .submit_with(&anna, "/nl/account/channels", &channel_path, &[])
        .await;
    assert_eq!(
        location(&r),
        "/nl/account/channels?notice=membership-applied"
    );
    let membership_id = app.membership_of(publisher.channel_id);
    let decide = format!("/nl/manage/memberships/{membership_id}/review");
    let r = app
        .submit_with(
            &manager,
            "/nl/manage",
            &decide,
            &[
                ("decision", "reject"),
                ("reason", "Graag eerst <b>meer</b> inhoud"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, mine) = app.page_with(&anna, "/nl/account/channels").await;
    assert!(mine.contains("Aanvraag afgewezen"));
    assert!(mine.contains("Graag eerst &#60;b&#62;meer&#60;/b&#62; inhoud"));
    let r = app
        .submit_with(&anna, "/nl/account/channels", &channel_path, &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .submit_with(&manager, "/nl/manage", &decide, &[("decision", "approve")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let mail = app.smtp().wait_for(&publisher.email, 2).await;
    assert!(
        mail.subject().contains("neemt nu deel aan AliExpress"),
        "{}",
        mail.subject()
    );

    // The generator makes the link; following it lands on AliExpress with a click id.
    let (status, html) = app
        .page_with(
            &anna,
            &format!(
                "/nl/account/links?channel={}&epi=blog-1",
                publisher.channel_id
            ),
        )
        .await;
    assert_eq!(status, 200);
    let link = shown_link(&html).expect("a link on the page");
    assert_eq!(
        link,
        format!(
            "{}/click?p={}&a={}&epi=blog-1",
            app.address,
            app.programme_id(),
            publisher.channel_id
        )
    );
    assert!(html.contains("<svg role=\"img\" aria-labelledby=\"qr-label\""));
    // The QR code on the page reads as the link itself.
    let svg_at = html.find("<svg role=\"img\"").unwrap();
    let svg = &html[svg_at..svg_at + html[svg_at..].find("</svg>").unwrap() + 6];
    assert_eq!(common::qr::decode_svg(svg), link);
    assert!(html.contains("rel=&#34;sponsored noopener&#34;"));
    let r = click(&app, link.strip_prefix(&app.address).unwrap(), BROWSER).await;
    assert_eq!(r.status().as_u16(), 302);
    let target = location(&r);
    let click_id = target
        .strip_prefix("https://www.aliexpress.com/?click_id=")
        .expect("lands on AliExpress with a click id");
    assert_eq!(click_id.len(), 32);
    let click_id = hex::decode(click_id).expect("the click id is hex");
    let (credited, epi): (bool, Option<String>) = clicks::table
        .filter(clicks::click_id.eq(click_id))
        .select((clicks::credited, clicks::epi))
        .first(&mut *app.conn())
        .unwrap();
    assert!(credited);
    assert_eq!(epi.as_deref(), Some("blog-1"));

    // And it shows in the statistics, per day, channel and sub-ID, and in the CSV.
    // Per day the statistics have a chart beside the table; grouped otherwise, the table only.
    let (_, per_day) = app.page_with(&anna, "/nl/account/statistics").await;
    assert!(per_day.contains("<svg class=\"chart\" role=\"img\" aria-labelledby=\"clicks-chart-title clicks-chart-desc\""));
    assert!(per_day.contains("<title id=\"clicks-chart-title\">Kliks per dag</title>"));
    let (_, stats) = app
        .page_with(&anna, "/nl/account/statistics?group=epi")
        .await;
    assert!(!stats.contains("<svg class=\"chart\""));
    assert!(stats.contains("<th scope=\"row\">blog-1</th><td class=\"num\">1</td><td class=\"num\">0</td><td class=\"num\">1</td>"), "{stats}");
    let csv = anna
        .get(app.url("/nl/account/statistics.csv?group=channel"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let body = csv.text().await.unwrap();
    assert_eq!(
        body,
        "\"Kanaal\";\"Vergoed\";\"Niet vergoed\";\"Totaal\"\n\"Kanaal anna-koopjes.nl\";1;0;1\n"
    );
}

#[tokio::test]
async fn links_for_every_combination_of_parameters() {
    let app = spawn_app().await;
    let p = app.add_ready_publisher("links@koopjes.nl");
    let client = app.client_for(&p.email).await;
    let base = format!(
        "{}/click?p={}&a={}",
        app.address,
        app.programme_id(),
        p.channel_id
    );
    for (ad, epi, expected) in [
        ("", "", base.clone()),
        ("42", "", format!("{base}&g=42")),
        ("", "nl.home_1-a", format!("{base}&epi=nl.home_1-a")),
        ("7", "x", format!("{base}&g=7&epi=x")),
        (" 7 ", " x ", format!("{base}&g=7&epi=x")),
    ] {
        let path = format!(
            "/en/account/links?channel={}&ad={}&epi={}",
            p.channel_id,
            urlencode(ad),
            urlencode(epi)
        );
        let (status, html) = app.page_with(&client, &path).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(
            shown_link(&html).as_deref(),
            Some(expected.as_str()),
            "{path}"
        );
        // Every link generated leads to a redirect.
        let r = click(&app, expected.strip_prefix(&app.address).unwrap(), BROWSER).await;
        assert_eq!(r.status().as_u16(), 302);
    }
    // The QR code downloads as SVG for the same parameters, and only for one's own channel.
    let r = client
        .get(app.url(&format!(
            "/en/account/links/qr.svg?p={}&a={}&epi=x",
            app.programme_id(),
            p.channel_id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "image/svg+xml");
    assert_eq!(
        common::qr::decode_svg(&r.text().await.unwrap()),
        format!(
            "{}/click?p={}&a={}&epi=x",
            app.address,
            app.programme_id(),
            p.channel_id
        )
    );
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test]
async fn bad_generator_input_is_explained_beside_the_field_and_kept() {
    let app = spawn_app().await;
    let p = app.add_ready_publisher("wrong@koopjes.nl");
    let other = app.add_ready_publisher("other@koopjes.nl");
    let client = app.client_for(&p.email).await;
    let cases = [
        ("epi", "met spatie", "Een sub-ID heeft 1 tot 64 tekens"),
        ("epi", &"x".repeat(65), "Een sub-ID heeft 1 tot 64 tekens"),
        ("epi", "<script>", "Een sub-ID heeft 1 tot 64 tekens"),
        ("ad", "-3", "Een advertentie-ID is een getal"),
        ("ad", "1000000000", "Een advertentie-ID is een getal"),
        (
            "url",
            "https://www.aliexpress.com/item/1005.html",
            "Deeplinking naar AliExpress is momenteel niet mogelijk.",
        ),
    ];
    for (field, value, message) in cases {
        let path = format!(
            "/nl/account/links?channel={}&{field}={}",
            p.channel_id,
            urlencode(value)
        );
        let (status, html) = app.page_with(&client, &path).await;
        assert_eq!(status, 422, "{field}={value}");
        assert!(
            html.contains(&format!("id=\"{field}-error\"")),
            "{field}={value}"
        );
        assert!(html.contains(message), "{field}={value}");
        let kept = value
            .replace('&', "&#38;")
            .replace('<', "&#60;")
            .replace('>', "&#62;");
        assert!(
            html.contains(&format!("value=\"{kept}\"")),
            "{field}={value} kept"
        );
        assert!(shown_link(&html).is_none());
    }
    // Another participant's channel id: the same message as any unknown channel, no link.
    for channel in [other.channel_id.to_string(), "999999".into(), "abc".into()] {
        let (status, html) = app
            .page_with(&client, &format!("/nl/account/links?channel={channel}"))
            .await;
        assert_eq!(status, 422);
        assert!(html.contains("Kies een van uw advertentiekanalen"));
        assert!(shown_link(&html).is_none());
        assert!(!html.contains("other-koopjes.nl"));
    }
    let r = client
        .get(app.url(&format!(
            "/nl/account/links/qr.svg?p={}&a={}",
            app.programme_id(),
            other.channel_id
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn a_programme_that_allows_deeplinks_takes_only_its_own_domains() {
    let app = spawn_app().await;
    let p = app.add_ready_publisher("deep@koopjes.nl");
    let programme = app.programme_id();
    app.sql(&format!(
        "UPDATE programme_policies SET value = 'allowed' WHERE key = 'deeplinking' AND programme_id = {programme};
         INSERT INTO programme_domains (programme_id, domain) VALUES ({programme}, 'aliexpress.com');"
    ));
    let client = app.client_for(&p.email).await;
    let deep = "https://nl.aliexpress.com/item/1005.html?lang=nl";
    let (status, html) = app
        .page_with(
            &client,
            &format!(
                "/en/account/links?channel={}&url={}",
                p.channel_id,
                urlencode(deep)
            ),
        )
        .await;
    assert_eq!(status, 200);
    let link = shown_link(&html).unwrap();
    assert!(link.ends_with(&format!("&u={}", urlencode(deep))), "{link}");
    // The click goes to the deep URL, with the click id.
    let r = click(&app, link.strip_prefix(&app.address).unwrap(), BROWSER).await;
    assert_eq!(r.status().as_u16(), 302);
    assert!(location(&r).starts_with("https://nl.aliexpress.com/item/1005.html?lang=nl&click_id="));

    for (url, message) in [
        (
            "https://aliexpress.com.evil.example/",
            "Only pages on the advertiser",
        ),
        (
            "https://evil.example/?aliexpress.com",
            "Only pages on the advertiser",
        ),
        ("javascript:alert(1)", "Enter a full web address"),
    ] {
        let (status, html) = app
            .page_with(
                &client,
                &format!(
                    "/en/account/links?channel={}&url={}",
                    p.channel_id,
                    urlencode(url)
                ),
            )
            .await;
        assert_eq!(status, 422, "{url}");
        assert!(html.contains(message), "{url}");
        // Typed straight into a click link, such a URL gets the 404 page and no redirect.
        let r = click(
            &app,
            &format!("{}&u={}", link_for(&app, p.channel_id), urlencode(url)),
            BROWSER,
        )
        .await;
        assert_eq!(r.status().as_u16(), 404, "{url}");
        assert!(r.headers().get("location").is_none());
    }
}

#[tokio::test]
async fn the_redirect_target_never_comes_from_the_request() {
    let app = spawn_app().await;
    let p = app.add_ready_publisher("safe@koopjes.nl");
    let link = link_for(&app, p.channel_id);
    // Deep URLs are refused for this programme; other parameters are ignored.
    let r = click(
        &app,
        &format!("{link}&u=https%3A%2F%2Fevil.example%2F"),
        BROWSER,
    )
    .await;
    assert_eq!(r.status().as_u16(), 404);
    for extra in [
        "&url=https://evil.example/",
        "&redirect=//evil.example",
        "&fbclid=abc",
    ] {
        let r = click(&app, &format!("{link}{extra}"), BROWSER).await;
        assert_eq!(r.status().as_u16(), 302, "{extra}");
        assert!(
            location(&r).starts_with("https://www.aliexpress.com/?click_id="),
            "{extra}"
        );
    }
    // Unknown or malformed parameters: the localized 404 page, nothing stored.
    let before = app.click_count();
    for bad in [
        "/click".to_owned(),
        "/click?p=1".to_owned(),
        format!("/click?p=999&a={}", p.channel_id),
        format!("/click?p={}&a=999999", app.programme_id()),
        format!("{link}&epi=met%20spatie"),
        format!("{link}&epi={}", "x".repeat(65)),
        format!("{link}&g=abc"),
        format!("{link}&a={}", p.channel_id),
        "/click?p=-1&a=1".to_owned(),
    ] {
        let r = click(&app, &bad, BROWSER).await;
        assert_eq!(r.status().as_u16(), 404, "{bad}");
        assert!(r.headers().get("location").is_none(), "{bad}");
        let html = r.text().await.unwrap();
        assert!(html.contains("<html lang=\"nl\">"), "{bad}");
    }
    assert_eq!(app.click_count(), before);
}

#[tokio::test]
async fn clicks_that_are_not_credited_say_why() {
    let app = spawn_app_with(Options {
        click_velocity: 3,
        ..Options::default()
    })
    .await;
    let ready = app.add_ready_publisher("ready@koopjes.nl");
    let pending = app.add_publisher("pending@koopjes.nl", ReviewState::Pending);
    app.add_membership(pending.channel_id, MembershipState::Approved);
    let no_membership = app.add_publisher("solo@koopjes.nl", ReviewState::Approved);
    let applied = app.add_publisher("applied@koopjes.nl", ReviewState::Approved);
    app.add_membership(applied.channel_id, MembershipState::Pending);
    let ended = app.add_ready_publisher("ended@koopjes.nl");
    app.terminate(ended.participant_id);

    // The visitor still reaches the advertiser in every case.
    for (channel, agent) in [
        (pending.channel_id, BROWSER),
        (no_membership.channel_id, BROWSER),
        (applied.channel_id, BROWSER),
        (ended.channel_id, BROWSER),
        (
            ready.channel_id,
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        ),
        (ready.channel_id, ""),
    ] {
        let r = click(&app, &link_for(&app, channel), agent).await;
        assert_eq!(r.status().as_u16(), 302);
    }
    let reasons: Vec<Option<String>> = stored(&app).into_iter().map(|(_, _, r)| r).collect();
    assert_eq!(
        reasons,
        [
            Some("channel_not_approved".to_owned()),
            Some("membership_not_approved".to_owned()),
            Some("membership_not_approved".to_owned()),
            Some("participant_terminated".to_owned()),
            Some("bot".to_owned()),
            Some("bot".to_owned()),
        ]
    );

    // A browser: the first click counts, the same link again within 30 s is a duplicate, and
    // more than 3 clicks a minute (the limit set above) is too fast.
    let link = link_for(&app, ready.channel_id);
    let before = stored(&app).len();
    let visitor = format!("{BROWSER} (another visitor)");
    for path in [
        link.clone(),
        link.clone(),
        format!("{link}&epi=a"),
        format!("{link}&epi=b"),
        format!("{link}&epi=c"),
    ] {
        assert_eq!(click(&app, &path, &visitor).await.status().as_u16(), 302);
    }
    let last: Vec<(bool, Option<String>)> = stored(&app)[before..]
        .iter()
        .map(|(_, c, r)| (*c, r.clone()))
        .collect();
    assert_eq!(
        last,
        [
            (true, None),
            (false, Some("duplicate".to_owned())),
            (true, None),
            (false, Some("velocity".to_owned())),
            (false, Some("velocity".to_owned())),
        ]
    );

    // The address is stored only as a keyed hash.
    let (ip_hash, agent): (Vec<u8>, String) = clicks::table
        .inner_join(user_agents::table)
        .order(clicks::click_id.desc())
        .select((clicks::ip_hash, user_agents::user_agent))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(ip_hash.len(), 16);
    assert!(!ip_hash.windows(4).any(|w| w == [127, 0, 0, 1]));
    assert_eq!(agent, visitor);

    // The managers see the flagged share per channel: 2 bots + 1 duplicate + 2 velocity of 7.
    let manager = app.manager("quality@partnerlink.nl").await;
    let (_, html) = app.page_with(&manager, "/en/manage").await;
    assert!(html.contains("71.4%"), "{html}");
    let (_, html) = app.page_with(&manager, "/nl/manage").await;
    assert!(html.contains("71,4 %"));

    // A user agent is stored once, however many clicks carry it; a referrer the same way.
    let copies: i64 = user_agents::table
        .filter(user_agents::user_agent.eq(&visitor))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(copies, 1);
    let carrying: i64 = clicks::table
        .inner_join(user_agents::table)
        .filter(user_agents::user_agent.eq(&visitor))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(carrying, 5);
    let page = "https://fietsblog.example/lampen?p=2";
    for _ in 0..2 {
        let r = app
            .client
            .get(app.url(&link))
            .header(
                "user-agent",
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Firefox/133.0",
            )
            .header("referer", page)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 302);
    }
    let referrer_ids: Vec<Option<i64>> = clicks::table
        .order(clicks::click_id.desc())
        .select(clicks::referrer_id)
        .limit(3)
        .load(&mut *app.conn())
        .unwrap();
    assert!(referrer_ids[0].is_some());
    assert_eq!(referrer_ids[0], referrer_ids[1]);
    assert_eq!(referrer_ids[2], None, "a click without a Referer has none");
    let stored_page: String = referrers::table
        .find(referrer_ids[0].unwrap())
        .select(referrers::referrer)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(stored_page, page);
}

#[tokio::test]
async fn statistics_add_up_to_the_stored_clicks() {
    let app = spawn_app().await;
    let network = app.add_network("network@koopjes.nl", ReviewState::Approved);
    app.add_membership(network.channel_id, MembershipState::Approved);
    let second = app.add_channel(network.participant_id, "tweede.nl", ReviewState::Approved);
    app.add_membership(second, MembershipState::Approved);
    let other = app.add_ready_publisher("other@koopjes.nl");
    let mut expected_total = 0;
    for (channel, epi, n) in [
        (network.channel_id, "a", 3),
        (second, "b", 2),
        (second, "", 1),
    ] {
        for i in 0..n {
            // Different visitors (user agents), so none is a duplicate.
            let agent = format!("{BROWSER} visitor-{channel}-{epi}-{i}");
            let path = if epi.is_empty() {
                link_for(&app, channel)
            } else {
                format!("{}&epi={epi}", link_for(&app, channel))
            };
            assert_eq!(click(&app, &path, &agent).await.status().as_u16(), 302);
            expected_total += 1;
        }
    }
    // Someone else's clicks never show in this participant's statistics.
    click(&app, &link_for(&app, other.channel_id), BROWSER).await;
    let client = app.client_for(&network.email).await;
    for group in ["day", "channel", "epi"] {
        let csv = client
            .get(app.url(&format!("/en/account/statistics.csv?group={group}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let total: i64 = csv
            .lines()
            .skip(1)
            .map(|l| l.rsplit(',').next().unwrap().parse::<i64>().unwrap())
            .sum();
        assert_eq!(total, expected_total, "{group}: {csv}");
        assert!(!csv.contains("other-koopjes"), "{csv}");
    }
    let stored_for_network: i64 = clicks::table
        .filter(clicks::participant_id.eq(network.participant_id))
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(stored_for_network, expected_total);
    let (_, html) = app
        .page_with(&client, "/en/account/statistics?group=epi")
        .await;
    assert!(html.contains("(no sub-ID)"));
    assert!(html.contains(&format!(
        "<tfoot><tr><th scope=\"row\">Total</th><td class=\"num\">{expected_total}</td>"
    )));

    // A period in the past has no clicks; a bad period is explained beside the field.
    let (status, html) = app
        .page_with(
            &client,
            "/en/account/statistics?from=2020-01-01&to=2020-01-31",
        )
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("No clicks in this period."));
    for (query, field) in [
        ("from=2026-02-30&to=2026-03-01", "from"),
        ("from=2026-03-01&to=morgen", "to"),
        ("from=2026-03-01&to=2026-02-01", "to"),
        ("from=2020-01-01&to=2026-01-01", "to"),
        ("group=week", "group"),
    ] {
        let (status, html) = app
            .page_with(&client, &format!("/nl/account/statistics?{query}"))
            .await;
        assert_eq!(status, 422, "{query}");
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{query}");
        let csv = client
            .get(app.url(&format!("/nl/account/statistics.csv?{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(csv.status().as_u16(), 422, "{query}");
    }
}

#[tokio::test]
async fn channels_are_added_changed_and_screened() {
    let app = spawn_app().await;
    let publisher = app.add_publisher("one@koopjes.nl", ReviewState::Approved);
    let network = app.add_network("many@koopjes.nl", ReviewState::Approved);
    let pub_client = app.client_for(&publisher.email).await;
    let net_client = app.client_for(&network.email).await;

    // A publisher has one channel (A.1.g): no form for a second, and a post is refused.
    let r = pub_client
        .get(app.url("/en/account/channels/new"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/en/account/channels");
    let fields = [
        ("website_url", "www.tweede-site.nl"),
        ("channel_name", "Tweede site"),
        ("category", "reviews"),
        ("promotion_methods", "reviews"),
    ];
    let r = app
        .submit_with(
            &pub_client,
            "/en/account/channels",
            "/en/account/channels/new",
            &fields,
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("A publisher has one advertising channel"));

    // A network adds as many as it runs; bad input is explained and kept.
    let bad = [
        ("website_url", "ftp://tweede-site.nl"),
        ("channel_name", "x"),
        ("category", "casino"),
    ];
    let r = app
        .submit_with(
            &net_client,
            "/nl/account/channels/new",
            "/nl/account/channels/new",
            &bad,
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let html = r.text().await.unwrap();
    for field in [
        "website_url",
        "channel_name",
        "category",
        "promotion_methods",
    ] {
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    assert!(html.contains("value=\"ftp://tweede-site.nl\""));
    let r = app
        .submit_with(
            &net_client,
            "/nl/account/channels/new",
            "/nl/account/channels/new",
            &fields,
        )
        .await;
    assert_eq!(location(&r), "/nl/account/channels?notice=channel-added");
    let added: (String, String) = channels::table
        .filter(channels::participant_id.eq(network.participant_id))
        .order(channels::id.desc())
        .select((channels::review_state, channels::website_url))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(
        added,
        ("pending".into(), "https://www.tweede-site.nl/".into())
    );

    // Changing an approved channel sends it back to review; a brand in the name flags it.
    let edit = format!("/en/account/channels/{}", network.channel_id);
    let (_, form) = app.page_with(&net_client, &edit).await;
    assert!(form.contains("an account manager reviews it again"));
    let changed = [
        ("website_url", "https://www.many-koopjes.nl/"),
        ("channel_name", "AliExpress koopjes"),
        ("category", "content"),
        ("promotion_methods", "content"),
    ];
    let r = app.submit_with(&net_client, &edit, &edit, &changed).await;
    assert_eq!(location(&r), "/en/account/channels?notice=channel-saved");
    let state: (String, Option<String>) = channels::table
        .find(network.channel_id)
        .select((channels::review_state, channels::screening_note))
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(state.0, "flagged");
    assert!(state.1.unwrap().contains("aliexpress"));
    // Saving the same values again changes nothing.
    let r = app.submit_with(&net_client, &edit, &edit, &changed).await;
    assert_eq!(
        location(&r),
        "/en/account/channels?notice=channel-unchanged"
    );
}

#[tokio::test]
async fn a_channel_with_keyword_marketing_is_told_before_it_applies() {
    let app = spawn_app().await;
    let p = app.add_publisher("sea@koopjes.nl", ReviewState::Approved);
    app.declare_methods(p.channel_id, &["content", "keyword_marketing"]);
    let client = app.client_for(&p.email).await;
    let (_, html) = app.page_with(&client, "/en/account/channels").await;
    assert!(
        html.contains("AliExpress has a closed keyword policy and does not allow brand bidding.")
    );
    let apply = format!("/en/account/channels/{}/apply", p.channel_id);
    let r = app
        .submit_with(&client, "/en/account/channels", &apply, &[])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("declares Keyword marketing"));
    let applied: i64 = memberships::table
        .count()
        .get_result(&mut *app.conn())
        .unwrap();
    assert_eq!(applied, 0);
}

#[tokio::test]
async fn nobody_sees_or_changes_another_participants_channels() {
    let app = spawn_app().await;
    let owner = app.add_ready_publisher("owner@koopjes.nl");
    let intruder = app.add_network("intruder@koopjes.nl", ReviewState::Approved);
    let client = app.client_for(&intruder.email).await;
    let id = owner.channel_id;
    for path in [
        format!("/nl/account/channels/{id}"),
        "/nl/account/channels/abc".to_owned(),
        "/nl/account/channels/99999999".to_owned(),
    ] {
        let (status, html) = app.page_with(&client, &path).await;
        assert_eq!(status, 404, "{path}");
        assert!(!html.contains("owner-koopjes.nl"));
    }
    let fields = [
        ("website_url", "https://www.gekaapt.nl/"),
        ("channel_name", "Gekaapt"),
        ("category", "content"),
        ("promotion_methods", "content"),
    ];
    let edit = format!("/nl/account/channels/{id}");
    let r = app
        .submit_with(&client, "/nl/account/channels", &edit, &fields)
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let r = app
        .submit_with(
            &client,
            "/nl/account/channels",
            &format!("{edit}/apply"),
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 404);
    let name: String = channels::table
        .find(id)
        .select(channels::name)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(name, "Kanaal owner-koopjes.nl");
    let (_, mine) = app.page_with(&client, "/nl/account/channels").await;
    assert!(!mine.contains("owner-koopjes.nl"));

    // A participant is not an account manager; a visitor must log in first.
    let (status, _) = app.page_with(&client, "/nl/manage").await;
    assert_eq!(status, 403);
    let r = app
        .submit_with(
            &client,
            "/nl/account/channels",
            &format!("/nl/manage/channels/{}/review", intruder.channel_id),
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    for path in [
        "/nl/account/channels",
        "/nl/account/links",
        "/nl/account/statistics",
    ] {
        let r = app.new_client().get(app.url(path)).send().await.unwrap();
        assert_eq!(r.status().as_u16(), 303, "{path}");
        assert!(location(&r).starts_with("/nl/login"));
    }
    // A form without the CSRF token is refused.
    let r = client
        .post(app.url(&format!(
            "/nl/account/channels/{}/apply",
            intruder.channel_id
        )))
        .form(&[("x", "y")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test]
async fn account_pages_render_in_both_languages() {
    let app = spawn_app().await;
    let p = app.add_ready_publisher("pages@koopjes.nl");
    let client = app.client_for(&p.email).await;
    for (lang, words) in [
        (
            "nl",
            ["Advertentiekanalen", "Trackinglinks", "Klikstatistieken"],
        ),
        (
            "en",
            ["Advertising channels", "Tracking links", "Click statistics"],
        ),
    ] {
        for (path, word) in ["channels", "links", "statistics"].iter().zip(words) {
            let (status, html) = app
                .page_with(&client, &format!("/{lang}/account/{path}"))
                .await;
            assert_eq!(status, 200, "{lang} {path}");
            assert!(html.contains(word), "{lang} {path}");
            assert!(html.contains("aria-current=\"page\""), "{lang} {path}");
        }
    }
}

#[tokio::test]
async fn manager_decisions_refuse_bad_input_and_keep_the_reason() {
    let app = spawn_app().await;
    let p = app.add_publisher("wacht@koopjes.nl", ReviewState::Pending);
    let manager = app.manager("beheer@partnerlink.nl").await;
    let review = format!("/nl/manage/channels/{}/review", p.channel_id);
    let long = "x".repeat(1001);
    for (decision, reason, message) in [
        ("misschien", "", "Kies goedkeuren of afwijzen."),
        ("", "", "Kies goedkeuren of afwijzen."),
        (
            "reject",
            long.as_str(),
            "Een reden heeft hoogstens 1.000 tekens.",
        ),
        (
            "reject",
            "bel\u{7}signaal",
            "De reden bevat tekens die niet zijn toegestaan.",
        ),
        ("reject", "\n\t ", "Geef de reden van de afwijzing."),
    ] {
        let r = app
            .submit_with(
                &manager,
                "/nl/manage",
                &review,
                &[("decision", decision), ("reason", reason)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422, "{decision}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains(&format!("id=\"reason-channel-{}-error\"", p.channel_id)),
            "{decision}"
        );
        assert!(html.contains(message), "{decision}: {message}");
        if reason.len() > 20 {
            assert!(html.contains(reason), "the reason typed is kept");
        }
    }
    let state: String = channels::table
        .find(p.channel_id)
        .select(channels::review_state)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(state, "pending", "nothing was decided");
    app.mail_sent().await;
    assert_eq!(app.smtp().count(), 0, "nobody was told anything");

    // Ids that are not numbers are not found; a decision on something no longer waiting
    // changes nothing and says so; a form without its CSRF token is refused.
    for path in [
        "/nl/manage/channels/abc/review",
        "/nl/manage/memberships/1e3/review",
        // Only channels and memberships are reviewed.
        "/nl/manage/participants/1/review",
    ] {
        let r = app
            .submit_with(&manager, "/nl/manage", path, &[("decision", "approve")])
            .await;
        assert_eq!(r.status().as_u16(), 404, "{path}");
    }
    let r = app
        .submit_with(
            &manager,
            "/nl/manage",
            "/nl/manage/memberships/999999/review",
            &[("decision", "approve")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(location(&r), "/nl/manage?notice=decision-gone");
    let r = manager
        .post(app.url(&review))
        .form(&[("decision", "approve")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let state: String = channels::table
        .find(p.channel_id)
        .select(channels::review_state)
        .first(&mut *app.conn())
        .unwrap();
    assert_eq!(state, "pending");
}

#[tokio::test]
async fn long_or_broken_user_agents_and_referrers_are_kept_cut_and_readable() {
    let app = spawn_app().await;
    let publisher = app.add_ready_publisher("headers@koopjes.nl");
    let link = link_for(&app, publisher.channel_id);
    let send = |agent: reqwest::header::HeaderValue, referrer: reqwest::header::HeaderValue| {
        app.client
            .get(app.url(&link))
            .header(reqwest::header::USER_AGENT, agent)
            .header(reqwest::header::REFERER, referrer)
            .send()
    };
    let latest = || -> (String, Option<String>) {
        let (agent, referrer_id): (String, Option<i64>) = clicks::table
            .inner_join(user_agents::table)
            .order(clicks::click_id.desc())
            .select((user_agents::user_agent, clicks::referrer_id))
            .first(&mut *app.conn())
            .unwrap();
        let referrer = referrer_id.map(|id| {
            referrers::table
                .find(id)
                .select(referrers::referrer)
                .first(&mut *app.conn())
                .unwrap()
        });
        (agent, referrer)
    };

    // Too long: cut at 512 and 1024 bytes, never inside a character (é is two bytes).
    let agent = format!("Mozilla/5.0 x{}", "é".repeat(600));
    let referrer = format!("https://blog.example/{}", "é".repeat(1000));
    let r = send(
        agent.parse().unwrap(),
        reqwest::header::HeaderValue::from_bytes(referrer.as_bytes()).unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 302);
    let (stored_agent, stored_referrer) = latest();
    let stored_referrer = stored_referrer.unwrap();
    assert!(stored_agent.len() <= 512 && stored_agent.len() >= 511);
    assert!(agent.starts_with(&stored_agent));
    assert!(stored_referrer.len() <= 1024 && stored_referrer.len() >= 1023);
    assert!(referrer.starts_with(&stored_referrer));

    // Not UTF-8: kept with the broken bytes replaced, and the visitor still redirected.
    let r = send(
        reqwest::header::HeaderValue::from_bytes(b"Mozilla/5.0 caf\xe9").unwrap(),
        reqwest::header::HeaderValue::from_bytes(b"https://blog.example/caf\xe9").unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 302);
    assert_eq!(
        latest(),
        (
            "Mozilla/5.0 caf\u{fffd}".to_owned(),
            Some("https://blog.example/caf\u{fffd}".to_owned())
        )
    );
}

#[tokio::test]
async fn the_csv_export_defuses_formula_cells() {
    let app = spawn_app().await;
    let p = app.add_ready_publisher("formule@koopjes.nl");
    // A channel name and sub-IDs a spreadsheet would run as formulas.
    app.sql(&format!(
        "UPDATE channels SET name = '=HYPERLINK(\"https://evil.example\")' WHERE id = {}",
        p.channel_id
    ));
    for epi in ["-2.5", "-cmd", "plain"] {
        let path = format!("{}&epi={epi}", link_for(&app, p.channel_id));
        assert_eq!(click(&app, &path, BROWSER).await.status().as_u16(), 302);
    }
    let client = app.client_for("formule@koopjes.nl").await;
    let csv = |group: &'static str| {
        let client = client.clone();
        let url = app.url(&format!("/en/account/statistics.csv?group={group}"));
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let by_epi = csv("epi").await;
    let mut rows: Vec<&str> = by_epi.lines().skip(1).collect();
    rows.sort();
    assert_eq!(
        rows,
        ["\"'-2.5\",1,0,1", "\"'-cmd\",1,0,1", "\"plain\",1,0,1"],
        "{by_epi}"
    );
    let by_channel = csv("channel").await;
    assert_eq!(
        by_channel.lines().nth(1),
        Some("\"'=HYPERLINK(\"\"https://evil.example\"\")\",3,0,3"),
        "{by_channel}"
    );
}

/// A ready publisher whose link was clicked once (credited, today): the click the statistics
/// tests copy to other days and sub-IDs.
async fn publisher_with_one_click(app: &TestApp, email: &str) -> common::Participant {
    let p = app.add_ready_publisher(email);
    let response = click(app, &link_for(app, p.channel_id), BROWSER).await;
    assert_eq!(response.status().as_u16(), 302);
    p
}

#[tokio::test]
async fn a_years_statistics_count_every_day_of_the_year() {
    let app = spawn_app().await;
    let p = publisher_with_one_click(&app, "jaar@koopjes.nl").await;
    // Copies of that click on days before today, at month ends and the period's first day
    // (counted by the rollups' trigger, as the click writer's clicks are).
    let days_ago = [30, 31, 334, 335, 365];
    for ago in days_ago {
        let new_id = match app.kind() {
            portal::config::DatabaseKind::Sqlite => "randomblob(16)",
            portal::config::DatabaseKind::Postgres => "decode(md5(random()::text), 'hex')",
        };
        app.sql(&format!(
            "INSERT INTO clicks (click_id, clicked_at, day, programme_id, channel_id, \
             participant_id, ad_id, epi, ip_hash, user_agent_id, referrer_id, credited, reason) \
             SELECT {new_id}, clicked_at - {ago} * CAST(86400000 AS BIGINT), day - {ago}, programme_id, \
             channel_id, participant_id, ad_id, epi, ip_hash, user_agent_id, referrer_id, \
             credited, reason FROM clicks WHERE participant_id = {0} \
             AND day = (SELECT max(day) FROM clicks WHERE participant_id = {0})",
            p.participant_id
        ));
    }
    let today = chrono::Utc::now().date_naive();
    let from = today - chrono::Days::new(365);
    let client = app.client_for(&p.email).await;
    let csv = |query: String| {
        let client = client.clone();
        let url = app.url(&format!("/en/account/statistics.csv?{query}"));
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let by_day = csv(format!("from={from}&to={today}&group=day")).await;
    let days: Vec<String> = by_day
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_owned())
        .collect();
    let mut expected: Vec<String> = std::iter::once(0)
        .chain(days_ago)
        .map(|ago| (today - chrono::Days::new(ago)).to_string())
        .collect();
    expected.sort();
    assert_eq!(days, expected, "{by_day}");
    let by_channel = csv(format!("from={from}&to={today}&group=channel")).await;
    assert_eq!(
        by_channel
            .lines()
            .nth(1)
            .map(|l| l.rsplit(',').next().unwrap()),
        Some("6"),
        "{by_channel}"
    );
}

/// Issue 15: statistics come from the daily rollups, and the CSV file of a period with more
/// sub-IDs than one chunk holds is written a chunk at a time, every sub-ID once and in order;
/// the page shows the first chunk, says so, and totals the whole period.
#[tokio::test]
async fn thousands_of_sub_ids_are_exported_in_chunks_and_the_page_totals_them_all() {
    let app = spawn_app().await;
    let p = publisher_with_one_click(&app, "subids@koopjes.nl").await;
    let n = 2_500;
    let copies = match app.kind() {
        portal::config::DatabaseKind::Sqlite => format!(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
             INSERT INTO clicks (click_id, clicked_at, day, programme_id, channel_id, \
             participant_id, ad_id, epi, ip_hash, user_agent_id, referrer_id, credited, reason) \
             SELECT randomblob(16), c.clicked_at, c.day, c.programme_id, c.channel_id, \
             c.participant_id, c.ad_id, printf('e%05d', i), c.ip_hash, c.user_agent_id, \
             c.referrer_id, i % 3 = 0, CASE WHEN i % 3 = 0 THEN NULL ELSE 'duplicate' END \
             FROM n, (SELECT * FROM clicks WHERE participant_id = {0} LIMIT 1) c",
            p.participant_id
        ),
        portal::config::DatabaseKind::Postgres => format!(
            "INSERT INTO clicks (click_id, clicked_at, day, programme_id, channel_id, \
             participant_id, ad_id, epi, ip_hash, user_agent_id, referrer_id, credited, reason) \
             SELECT decode(md5(random()::text || i), 'hex'), c.clicked_at, c.day, \
             c.programme_id, c.channel_id, c.participant_id, c.ad_id, \
             'e' || lpad(i::text, 5, '0'), c.ip_hash, c.user_agent_id, c.referrer_id, \
             i % 3 = 0, CASE WHEN i % 3 = 0 THEN NULL ELSE 'duplicate' END \
             FROM generate_series(1, {n}) i, \
             (SELECT * FROM clicks WHERE participant_id = {0} LIMIT 1) c",
            p.participant_id
        ),
    };
    app.sql(&copies);
    let client = app.client_for(&p.email).await;
    let today = chrono::Utc::now().date_naive();
    let csv = client
        .get(app.url(&format!(
            "/en/account/statistics.csv?from={today}&to={today}&group=epi"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "\"Sub-ID\",\"Credited\",\"Not credited\",\"Total\""
    );
    // The click without a sub-ID first, then every copy once, in order, across the chunks.
    assert_eq!(lines.len(), 1 + 1 + n, "{}", &csv[..200]);
    assert_eq!(lines[1], "\"\",1,0,1");
    let expected: Vec<String> = (1..=n)
        .map(|i| {
            let credited = i % 3 == 0;
            format!(
                "\"e{i:05}\",{},{},1",
                u8::from(credited),
                u8::from(!credited)
            )
        })
        .collect();
    assert_eq!(
        lines[2..],
        expected.iter().map(String::as_str).collect::<Vec<_>>()[..]
    );

    let (status, page) = app
        .page_with(
            &client,
            &format!("/en/account/statistics?from={today}&to={today}&group=epi"),
        )
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("Only the first 1,000 sub-IDs are shown here"),
        "{page}"
    );
    assert!(page.contains("e00999") && !page.contains("e01000"));
    // The totals are the whole period's: 1 + 833 credited, 1,667 not.
    let totals = page.split("<tfoot>").nth(1).unwrap();
    assert!(
        totals.contains(">834<") && totals.contains(">1,667<") && totals.contains(">2,501<"),
        "{totals}"
    );
}

/// A.1.f defines a Network and A.1.g a Publisher (issue 22, point 1): the channel limit cites
/// each by the clause that defines it, in both languages, as the published rules number them.
#[tokio::test]
async fn the_channel_limit_cites_the_clauses_that_define_publisher_and_network() {
    use portal::i18n::Lang;
    let app = spawn_app().await;
    let (status, rules) = app.page("/en/programmes/aliexpress/rules").await;
    assert_eq!(status, 200);
    let clause = |citation: &str| -> String {
        let anchor = format!("id=\"{}\"", citation.replace('.', "-"));
        let start = rules
            .find(&anchor)
            .unwrap_or_else(|| panic!("no clause {citation} on the rules page"));
        let end = start + rules[start..].find("</p>").unwrap();
        rules[start..end].to_owned()
    };
    for lang in [Lang::En, Lang::Nl] {
        for key in ["channels-publisher-one", "error-channel-limit"] {
            let text = lang.t(key);
            let cited: Vec<&str> = text
                .match_indices("A.1.")
                .map(|(i, _)| &text[i..i + 5])
                .collect();
            // The publisher's clause comes first, the network's (where named) second.
            assert!(
                clause(cited[0]).contains("“Publisher” means"),
                "{lang:?} {key}: {cited:?}"
            );
            if let Some(network) = cited.get(1) {
                assert!(
                    clause(network).contains("“Network” means"),
                    "{lang:?} {key}: {cited:?}"
                );
            }
        }
    }
}

/// Issue 23, point 6: a decision tells the click writer only after the outermost commit. The
/// console decides a membership inside its own transaction (as the review queue does); a click
/// judged before that commits — through the click writer's own link cache, with a connection
/// of its own — is judged against the state committed so far; once committed and signalled, the
/// next click is judged against the decision. Signalled before the commit instead, the click in
/// between would keep the old state as if it were new, and the last click would still go
/// uncredited (until the cache's two seconds are up).
#[tokio::test]
async fn a_click_between_a_decision_and_its_commit_does_not_outlive_the_commit() {
    use portal::state::CreditingChanges;
    use portal::tracking::abnormal::NotCredited;
    use portal::tracking::writer::{read_link, LinkCache};

    let app = spawn_app().await;
    let manager = app.add_manager("lisa@partnerlink.example");
    let anna = app.add_publisher("anna@koopjes.nl", ReviewState::Approved);
    let membership = app.add_membership(anna.channel_id, MembershipState::Pending);
    let programme = app.programme_id();
    let crediting = CreditingChanges::default();
    let mut writer = LinkCache::new(crediting.clone());
    let mut writer_conn = app.app_conn();
    // As the judge does for each batch: the signal first, then the one cache rule.
    let mut judged = |cache: &mut LinkCache| {
        cache.forget_if_changed();
        cache
            .verdict((programme, anna.channel_id), false, || {
                read_link(&mut writer_conn, programme, anna.channel_id)
            })
            .unwrap()
            .expect("a link")
            .not_credited
    };
    let pending = Some(NotCredited::MembershipNotApproved);
    assert_eq!(judged(&mut writer), pending);

    let mut console = app.conn();
    let notice = portal::db::write_transaction(&mut console, |conn| {
        let review = portal::participants::reviews::Review {
            by: manager,
            approve: true,
            reason: None,
        };
        let notice = portal::channels::decide_membership(conn, membership, review)?;
        // Not committed yet: a click now is judged as before the decision.
        assert_eq!(judged(&mut writer), pending, "a click before the commit");
        Ok::<_, diesel::result::Error>(notice)
    })
    .unwrap();
    assert!(notice.is_some(), "the application was decided");
    // What the review handler does once the decision is committed.
    crediting.changed();
    assert_eq!(
        judged(&mut writer),
        None,
        "the first click after the commit"
    );
}
