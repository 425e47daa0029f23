//! `/{lang}/account/channels…`: the participant's channels, adding and changing them, and
//! applying to the programme.

use actix_web::{web, HttpResponse};
use askama::Template;

use super::fields::{check_channel_fields, is_seller_answer, ChannelFields, ChannelTyped};
use super::{ApplyRefusal, ApplyRefusalOr, Channel};
use crate::db::ids::{ChannelId, MeasureId};
use crate::domain::participant;
use crate::forms::{FormData, FormState};
use crate::i18n::Lang;
use crate::programme::account_programme;
use crate::programme::queries::{self, Programme};
use crate::state::AppState;
use crate::web::extract::{self, CsrfForm, ParticipantPage};
use crate::web::{render, render_form, see_other, with_conn, AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/account/channels", web::get().to(list))
        .service(
            web::resource("/account/channels/new")
                .route(web::get().to(new_form))
                .route(web::post().to(new_submit)),
        )
        .service(
            web::resource("/account/channels/{id}")
                .route(web::get().to(edit_form))
                .route(web::post().to(edit_submit)),
        )
        .route("/account/channels/{id}/apply", web::post().to(apply));
}

const NOTICES: &[&str] = &[
    "channel-added",
    "channel-saved",
    "channel-unchanged",
    "membership-applied",
];

#[derive(Template)]
#[template(path = "channels/list.html")]
struct ChannelsPage {
    ctx: Ctx,
    programme: Programme,
    channels: Vec<Channel>,
    may_add: bool,
    is_publisher: bool,
    terminated: bool,
    /// Methods the programme forbids, and its own words about them.
    forbidden: Vec<&'static str>,
    keyword_policy: Vec<String>,
    notice: Option<String>,
    /// A refused application: the channel and the message.
    apply_error: Option<(ChannelId, String)>,
    /// "Object" next to a rejected channel or membership (G.12).
    objectable: crate::enforcement::objectable::Objectable,
    /// The participant's measures: a membership a restriction ended says which, in words.
    measures: std::collections::HashMap<MeasureId, crate::participants::explain::MeasureInWords>,
}

impl ChannelsPage {
    /// The restriction (F.11.f) that ended a membership, when its reason points at one.
    fn restriction(&self, reason: &str) -> Option<&crate::participants::explain::MeasureInWords> {
        crate::participants::explain::in_reason(reason).and_then(|id| self.measures.get(&id))
    }

    fn method_label(&self, method: &str) -> String {
        participant::method_label(method, self.ctx.lang)
    }

    fn category_label(&self, category: &str) -> String {
        self.ctx
            .t(&format!("category-{}", category.replace('_', "-")))
    }

    /// A membership's reason: an account manager's words as they are, or the words for a
    /// membership ended by forbidden methods.
    fn membership_reason(&self, reason: &str) -> String {
        match reason.strip_prefix(super::FORBIDDEN_METHODS_REASON) {
            Some(methods) => self.ctx.t_args(
                "membership-ended-forbidden",
                &[(
                    "methods",
                    methods
                        .split(',')
                        .map(|m| self.method_label(m))
                        .collect::<Vec<_>>()
                        .join(", "),
                )],
            ),
            None => reason.to_owned(),
        }
    }

    fn forbidden_in(&self, channel: &Channel) -> Vec<String> {
        channel
            .promotion_methods
            .iter()
            .filter(|m| self.forbidden.contains(&m.as_str()))
            .map(|m| self.method_label(m))
            .collect()
    }

    /// What the screening found, in the reader's language (B.5.a names the brand term).
    fn screening_text(&self, stored: &str) -> String {
        super::screening::text(stored, self.ctx.lang)
    }

    fn apply_error_for(&self, channel: &Channel) -> Option<&str> {
        self.apply_error
            .as_ref()
            .filter(|(id, _)| *id == channel.id)
            .map(|(_, m)| m.as_str())
    }
}

async fn channels_page(
    page: ParticipantPage,
    notice: Option<String>,
    apply_error: Option<(ChannelId, String)>,
) -> Result<ChannelsPage, AppError> {
    let programme = account_programme(&page.state).await?;
    let (programme_id, lang) = (programme.id, page.ctx.lang);
    let (channels, forbidden, keyword_policy, objectable, measures) = page
        .run(move |conn, participant_id| -> Result<_, AppError> {
            Ok((
                super::channels_of(conn, participant_id, programme_id, None)?,
                queries::forbidden_methods(conn, programme_id)?,
                queries::programme_text(conn, programme_id, "keyword_policy", lang)?,
                crate::enforcement::objectable::Objectable::load(conn, lang, participant_id)?,
                crate::participants::explain::of_participant(conn, participant_id)?,
            ))
        })
        .await?;
    let participant = &page.who.participant;
    Ok(ChannelsPage {
        may_add: super::may_add_channel(participant, channels.len()),
        is_publisher: participant.kind.max_channels().is_some(),
        terminated: participant.terminated,
        ctx: page.ctx,
        programme,
        channels,
        forbidden,
        keyword_policy,
        notice,
        apply_error,
        objectable,
        measures,
    })
}

async fn list(page: ParticipantPage) -> Result<HttpResponse, AppError> {
    let notice = page.notice(NOTICES);
    render(&channels_page(page, notice, None).await?)
}

#[derive(Template)]
#[template(path = "channels/form.html")]
struct ChannelFormPage {
    ctx: Ctx,
    form: FormState,
    /// `None` for a new channel.
    channel_id: Option<ChannelId>,
    /// Changing an approved channel sends it back to review; the form says so.
    was_approved: bool,
}

impl ChannelFormPage {
    /// The form of a new channel.
    fn new(ctx: Ctx, form: FormState) -> ChannelFormPage {
        ChannelFormPage {
            ctx,
            form,
            channel_id: None,
            was_approved: false,
        }
    }

    /// The form of `channel`, as it is or as sent.
    fn of(ctx: Ctx, form: FormState, channel: &Channel) -> ChannelFormPage {
        ChannelFormPage {
            ctx,
            form,
            channel_id: Some(channel.id),
            was_approved: channel.is_approved(),
        }
    }

    fn categories(&self) -> Vec<(&'static str, String)> {
        participant::category_options(self.ctx.lang)
    }

    fn methods(&self) -> Vec<(&'static str, String)> {
        participant::method_options(self.ctx.lang)
    }

    fn action(&self) -> String {
        match self.channel_id {
            Some(id) => self.ctx.href(&format!("/account/channels/{id}")),
            None => self.ctx.href("/account/channels/new"),
        }
    }
}

fn form_from(data: &FormData) -> FormState {
    let mut form = FormState::new();
    for name in ["website_url", "channel_name", "category", "storefront_url"] {
        form.set(name, data.get(name));
    }
    form.set_all("promotion_methods", data.all("promotion_methods"));
    if is_seller_answer(data.get("is_platform_seller")) {
        form.set("is_platform_seller", "yes");
    }
    form
}

fn check(form: &mut FormState, lang: Lang, data: &FormData) -> Option<ChannelFields> {
    check_channel_fields(
        form,
        lang,
        &ChannelTyped {
            website_url: data.get("website_url"),
            channel_name: data.get("channel_name"),
            category: data.get("category"),
            promotion_methods: &data.all("promotion_methods"),
            is_platform_seller: is_seller_answer(data.get("is_platform_seller")),
            storefront_url: data.get("storefront_url"),
        },
    )
}

/// F.11.g: a channel on a barred domain is refused, next to the website's field.
async fn refuse_barred(
    state: &web::Data<AppState>,
    form: &mut FormState,
    lang: Lang,
    fields: &Option<ChannelFields>,
) -> Result<(), AppError> {
    let Some(domain) = fields.as_ref().map(|f| f.website.domain().to_owned()) else {
        return Ok(());
    };
    let barred = with_conn(state, move |conn| {
        Ok(crate::enforcement::bans::find(conn, None, &[domain.as_str()])?.is_some())
    })
    .await?;
    if barred {
        form.fail(lang, "website_url", "error-channel-domain-barred");
    }
    Ok(())
}

async fn new_form(page: ParticipantPage) -> Result<HttpResponse, AppError> {
    let count = channel_count(&page).await?;
    if !super::may_add_channel(page.participant(), count) {
        return Ok(see_other(&page.ctx.href("/account/channels")));
    }
    render(&ChannelFormPage::new(page.ctx, FormState::new()))
}

/// How many channels the signed-in participant has.
async fn channel_count(page: &ParticipantPage) -> Result<usize, AppError> {
    use crate::db::schema::channels;
    use diesel::prelude::*;
    let n: i64 = page
        .run(move |conn, participant_id| {
            channels::table
                .filter(channels::participant_id.eq(participant_id))
                .count()
                .get_result(conn)
        })
        .await?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

async fn new_submit(page: ParticipantPage, data: CsrfForm) -> Result<HttpResponse, AppError> {
    let lang = page.ctx.lang;
    let mut form = form_from(&data);
    let fields = check(&mut form, lang, &data);
    refuse_barred(&page.state, &mut form, lang, &fields).await?;
    let count = channel_count(&page).await?;
    if !super::may_add_channel(page.participant(), count) {
        form.fail(lang, "website_url", "error-channel-limit");
    }
    let Some(fields) = fields.filter(|_| !form.has_errors()) else {
        return render_form(true, &ChannelFormPage::new(page.ctx, form));
    };
    let participant = page.participant().clone();
    let added = page
        .run(move |conn, _| super::add_channel(conn, &participant, &fields))
        .await?;
    let Some(id) = added else {
        // Another form, sent at the same moment, added the channel the limit allows.
        form.fail(lang, "website_url", "error-channel-limit");
        return render_form(true, &ChannelFormPage::new(page.ctx, form));
    };
    tracing::info!(
        participant_id = page.participant().id.get(),
        channel_id = id.get(),
        "channel added"
    );
    Ok(see_other(
        &page.ctx.href("/account/channels?notice=channel-added"),
    ))
}

/// One of the logged-in participant's own channels, named by the path's id
/// (`/{lang}/account/channels/{id}…`). Someone else's channel looks exactly like one that does
/// not exist: a 404.
struct OwnChannel {
    page: ParticipantPage,
    channel: Channel,
}

impl actix_web::FromRequest for OwnChannel {
    type Error = actix_web::Error;
    type Future = extract::Extracted<Self>;

    fn from_request(
        req: &actix_web::HttpRequest,
        payload: &mut actix_web::dev::Payload,
    ) -> Self::Future {
        let page = ParticipantPage::from_request(req, payload);
        let path = web::Path::<(Lang, ChannelId)>::extract(req);
        Box::pin(async move {
            let page = page.await?;
            let (_, id) = path.await?.into_inner();
            let programme = account_programme(&page.state).await?;
            let channel = page
                .run(move |conn, participant_id| {
                    super::own_channel(conn, participant_id, programme.id, id)
                })
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(OwnChannel { page, channel })
        })
    }
}

async fn edit_form(own: OwnChannel) -> Result<HttpResponse, AppError> {
    let channel = own.channel;
    let mut form = FormState::new();
    form.set("website_url", &channel.website_url);
    form.set("channel_name", &channel.name);
    form.set("category", &channel.category);
    form.set_all("promotion_methods", channel.promotion_methods.clone());
    if let Some(storefront) = &channel.storefront_url {
        form.set("is_platform_seller", "yes");
        form.set("storefront_url", storefront);
    }
    render(&ChannelFormPage::of(own.page.ctx, form, &channel))
}

async fn edit_submit(data: CsrfForm, own: OwnChannel) -> Result<HttpResponse, AppError> {
    let OwnChannel { page, channel } = own;
    let (id, lang) = (channel.id, page.ctx.lang);
    let mut form = form_from(&data);
    if page.participant().terminated {
        form.fail(lang, "website_url", "error-terminated");
    }
    let fields = check(&mut form, lang, &data);
    refuse_barred(&page.state, &mut form, lang, &fields).await?;
    let Some(fields) = fields.filter(|_| !form.has_errors()) else {
        return render_form(true, &ChannelFormPage::of(page.ctx, form, &channel));
    };
    let changed = page
        .run(move |conn, participant_id| super::update_channel(conn, participant_id, id, &fields))
        .await?;
    let notice = if changed {
        // Committed: the click writer forgets what it knew of the channel.
        page.state.crediting_changed().await;
        tracing::info!(
            participant_id = page.participant().id.get(),
            channel_id = id.get(),
            "channel changed, review again"
        );
        "channel-saved"
    } else {
        "channel-unchanged"
    };
    Ok(see_other(
        &page.ctx.href(&format!("/account/channels?notice={notice}")),
    ))
}

async fn apply(_form: CsrfForm, own: OwnChannel) -> Result<HttpResponse, AppError> {
    let OwnChannel { page, channel } = own;
    let (id, ctx) = (channel.id, &page.ctx);
    let programme = account_programme(&page.state).await?;
    let (p, c, programme_id) = (page.participant().clone(), channel.clone(), programme.id);
    let result = with_conn(&page.state, move |conn| {
        Ok(super::apply(conn, &p, &c, programme_id))
    })
    .await?;
    let refusal = match result {
        Ok(()) => {
            tracing::info!(
                participant_id = page.participant().id.get(),
                channel_id = id.get(),
                "applied to programme"
            );
            return Ok(see_other(
                &ctx.href("/account/channels?notice=membership-applied"),
            ));
        }
        Err(ApplyRefusalOr::Database(e)) => return Err(e.into()),
        Err(ApplyRefusalOr::Refused(r)) => r,
    };
    let message = match &refusal {
        ApplyRefusal::Terminated => ctx.t("error-terminated"),
        ApplyRefusal::Restricted { .. } => ctx.t("error-applications-restricted"),
        ApplyRefusal::ChannelNotApproved => ctx.t("error-apply-not-approved"),
        ApplyRefusal::AlreadyApplied => ctx.t("error-apply-already"),
        ApplyRefusal::ForbiddenMethods(methods) => {
            let names: Vec<String> = methods
                .iter()
                .map(|m| participant::method_label(m, ctx.lang))
                .collect();
            ctx.t_args("error-apply-forbidden", &[("methods", names.join(", "))])
        }
    };
    let mut page = channels_page(page, None, Some((id, message))).await?;
    // The restriction in words: its clauses and its reason, not only that there is one.
    if let ApplyRefusal::Restricted { measure_id } = refusal {
        if let (Some(measure), Some((_, message))) =
            (page.measures.get(&measure_id), page.apply_error.as_mut())
        {
            message.push(' ');
            message.push_str(&measure.sentence(page.ctx.lang));
        }
    }
    render_form(true, &page)
}
