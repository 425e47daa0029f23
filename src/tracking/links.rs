//! `/{lang}/account/links`: the link generator. For one of the participant's channels with an
//! approved membership it shows the tracking link, an HTML snippet and a QR code (SVG).

use actix_web::http::header;
use actix_web::web::{self, Query};
use actix_web::HttpResponse;
use askama::Template;

use super::link::{is_valid_epi, parse_ad_id, LinkParams};
use crate::channels::Channel;
use crate::domain::deeplink::{DeeplinkPolicy, DeeplinkRefusal};
use crate::forms::FormState;
use crate::i18n::Lang;
use crate::programme::account_programme;
use crate::programme::queries::{self, Programme};
use crate::web::extract::ParticipantPage;
use crate::web::{render_form, AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/account/links", web::get().to(page))
        .route("/account/links/qr.svg", web::get().to(qr_download));
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct LinkQuery {
    channel: Option<String>,
    ad: Option<String>,
    epi: Option<String>,
    url: Option<String>,
}

/// A generated link and what goes with it.
pub struct Generated {
    pub link: String,
    pub snippet: String,
    /// An inline `<svg>` element.
    pub qr_svg: String,
    pub qr_href: String,
}

struct Checked {
    params: LinkParams,
}

/// Checks the generator's fields against the channels that may have links.
fn check(query: &LinkQuery, lang: Lang, loaded: &Loaded) -> (FormState, Option<Checked>) {
    let Loaded {
        programme,
        eligible,
        deeplinks,
        deeplink_words,
    } = loaded;
    let programme_id = programme.id;
    let mut form = FormState::new();
    let channel_text = query.channel.as_deref().unwrap_or("").trim().to_owned();
    let ad_text = query.ad.as_deref().unwrap_or("").trim().to_owned();
    let epi_text = query.epi.as_deref().unwrap_or("").trim().to_owned();
    let url_text = query.url.as_deref().unwrap_or("").trim().to_owned();
    form.set("channel", &channel_text);
    form.set("ad", &ad_text);
    form.set("epi", &epi_text);
    form.set("url", &url_text);
    // Only the participant's own channels with an approved membership: anything else (another
    // participant's id included) gets the same message.
    let channel = eligible.iter().find(|c| c.id.to_string() == channel_text);
    if channel.is_none() {
        form.fail(lang, "channel", "error-link-channel");
    }
    let ad_id = if ad_text.is_empty() {
        None
    } else {
        let parsed = parse_ad_id(&ad_text);
        if parsed.is_none() {
            form.fail(lang, "ad", "error-link-ad");
        }
        parsed
    };
    let epi = if epi_text.is_empty() {
        None
    } else if is_valid_epi(&epi_text) {
        Some(epi_text.clone())
    } else {
        form.fail(lang, "epi", "error-link-epi");
        None
    };
    let deep_url = if url_text.is_empty() {
        None
    } else {
        match deeplinks.check(&url_text) {
            Ok(url) => Some(url.to_string()),
            Err(DeeplinkRefusal::NotPossible) => {
                // The programme's own words, e.g. "Deeplinking to AliExpress is currently not
                // possible."
                let words = if deeplink_words.is_empty() {
                    lang.t("error-link-deeplink-off")
                } else {
                    deeplink_words.join(" ")
                };
                form.add_error("url", words);
                None
            }
            Err(DeeplinkRefusal::Invalid) => {
                form.fail(lang, "url", "error-link-url-invalid");
                None
            }
            Err(DeeplinkRefusal::OtherDomain) => {
                form.fail(lang, "url", "error-link-url-domain");
                None
            }
        }
    };
    match channel {
        Some(channel) if !form.has_errors() => (
            form,
            Some(Checked {
                params: LinkParams {
                    programme_id,
                    channel_id: channel.id,
                    ad_id,
                    epi,
                    deep_url,
                },
            }),
        ),
        _ => (form, None),
    }
}

/// The QR code of `link` as an SVG document.
pub fn qr_svg(link: &str) -> Option<String> {
    use qrcode::render::svg;
    let code =
        qrcode::QrCode::with_error_correction_level(link.as_bytes(), qrcode::EcLevel::M).ok()?;
    Some(
        code.render::<svg::Color<'_>>()
            .min_dimensions(200, 200)
            .dark_color(svg::Color("#000000"))
            .light_color(svg::Color("#ffffff"))
            .build(),
    )
}

/// The SVG document as an element for inline use in HTML, labelled for screen readers.
fn inline_svg(document: &str, label_id: &str) -> String {
    let start = document.find("<svg").unwrap_or(0);
    document[start..].replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-labelledby=\"{label_id}\""),
        1,
    )
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[derive(Template)]
#[template(path = "tracking/links.html")]
struct LinksPage {
    ctx: Ctx,
    programme: Programme,
    form: FormState,
    eligible: Vec<Channel>,
    deeplinks_allowed: bool,
    deeplink_words: Vec<String>,
    generated: Option<Generated>,
}

struct Loaded {
    programme: Programme,
    eligible: Vec<Channel>,
    deeplinks: DeeplinkPolicy,
    deeplink_words: Vec<String>,
}

/// The programme, the signed-in participant's channels that may carry links, and the
/// programme's deeplink policy.
async fn load(page: &ParticipantPage) -> Result<Loaded, AppError> {
    let programme = account_programme(&page.state).await?;
    let (programme_id, lang) = (programme.id, page.ctx.lang);
    let (channels, deeplinks, deeplink_words) = page
        .run(move |conn, participant_id| -> Result<_, AppError> {
            Ok((
                crate::channels::channels_of(conn, participant_id, programme_id, None)?,
                queries::deeplink_policy(conn, programme_id)?,
                queries::programme_text(conn, programme_id, "deeplinking", lang)?,
            ))
        })
        .await?;
    let eligible = if page.participant().terminated {
        Vec::new()
    } else {
        channels
            .into_iter()
            .filter(|c| c.is_approved() && c.membership_approved())
            .collect()
    };
    Ok(Loaded {
        programme,
        eligible,
        deeplinks,
        deeplink_words,
    })
}

async fn page(page: ParticipantPage, query: Query<LinkQuery>) -> Result<HttpResponse, AppError> {
    let loaded = load(&page).await?;
    let (ctx, state, _) = page.into_parts();
    let asked = query.channel.is_some();
    let (mut form, checked) = check(&query, ctx.lang, &loaded);
    let generated = checked.map(|c| {
        let link = c.params.url(&state.settings.base_url);
        let snippet = format!(
            "<a href=\"{}\" rel=\"sponsored noopener\">{}</a>",
            escape_html(&link),
            escape_html(&loaded.programme.name)
        );
        let qr_svg = qr_svg(&link)
            .map(|svg| inline_svg(&svg, "qr-label"))
            .unwrap_or_default();
        let qr_href = ctx.href(&format!(
            "/account/links/qr.svg?{}",
            link.split_once('?').map(|(_, q)| q).unwrap_or("")
        ));
        Generated {
            link,
            snippet,
            qr_svg,
            qr_href,
        }
    });
    if !asked {
        // The empty form: no messages yet, the only (or first) channel chosen.
        form = FormState::new();
        if let Some(first) = loaded.eligible.first() {
            form.set("channel", first.id.to_string());
        }
    }
    let has_errors = asked && form.has_errors();
    render_form(
        has_errors,
        &LinksPage {
            ctx,
            programme: loaded.programme,
            form,
            eligible: loaded.eligible,
            deeplinks_allowed: matches!(loaded.deeplinks, DeeplinkPolicy::Allowed { .. }),
            deeplink_words: loaded.deeplink_words,
            generated: if asked { generated } else { None },
        },
    )
}

/// The QR code as a file to download; takes the tracking link's own parameters.
async fn qr_download(
    page: ParticipantPage,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, AppError> {
    let loaded = load(&page).await?;
    let (ctx, state, _) = page.into_parts();
    let params = LinkParams::from_query(req.query_string()).ok_or(AppError::NotFound)?;
    let query = LinkQuery {
        channel: Some(params.channel_id.to_string()),
        ad: params.ad_id.map(|g| g.to_string()),
        epi: params.epi.clone(),
        url: params.deep_url.clone(),
    };
    let (_, checked) = check(&query, ctx.lang, &loaded);
    let checked = checked
        .filter(|c| c.params.programme_id == params.programme_id)
        .ok_or(AppError::NotFound)?;
    let link = checked.params.url(&state.settings.base_url);
    let svg = qr_svg(&link).ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!(
                "attachment; filename=\"link-{}.svg\"",
                checked.params.channel_id
            ),
        ))
        .body(svg))
}

impl LinksPage {
    fn channel_label(&self, channel: &Channel) -> String {
        format!("{} ({})", channel.name, channel.website_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_an_svg_element() {
        let svg = qr_svg("https://portal.example/click?p=1&a=2").unwrap();
        assert!(svg.contains("<svg"));
        let inline = inline_svg(&svg, "qr-label");
        assert!(inline.starts_with("<svg role=\"img\" aria-labelledby=\"qr-label\""));
        assert!(!inline.contains("<?xml"));
    }
}
