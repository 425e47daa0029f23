//! `/{lang}/manage…`: the account managers' review queue (channels and programme applications)
//! and the share of flagged clicks per channel. Only account managers get in (403 otherwise).

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::channels::{ChannelForReview, DecisionNotice, MembershipForReview};
use crate::db::ids::{AccountId, ChannelId, MembershipId};
use crate::domain::participant;
use crate::forms::FormData;
use crate::i18n::Lang;
use crate::state::AppState;
use crate::tracking::stats::ChannelQuality;
use crate::web::extract::{CsrfForm, Manager};
use crate::web::{render_form, see_other, with_conn, AppError, Ctx, NoticeQuery};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage", web::get().to(index)).route(
        "/manage/{subject:channels|memberships}/{id}/review",
        web::post().to(review),
    );
}

/// A decision form that was refused: which item, and the message for its reason field.
struct FormProblem {
    field_id: String,
    message: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "console/home.html")]
struct ManagePage {
    ctx: Ctx,
    email: String,
    channels: Vec<ChannelForReview>,
    memberships: Vec<MembershipForReview>,
    quality: Vec<ChannelQuality>,
    notice: Option<String>,
    problem: Option<FormProblem>,
    /// Cure periods past their deadline with no decision.
    overdue_cures: Vec<crate::enforcement::measures::Measure>,
    /// Objections waiting for a decision, by due date.
    open_objections: Vec<crate::enforcement::objections::Objection>,
    today: chrono::NaiveDate,
    /// Mails the queue could not send yet.
    stuck_mail: Vec<crate::mail::Waiting>,
    /// For administrators: the holiday table runs out within 90 days (`calendar::warning`).
    holidays_warning: Option<String>,
}

impl ManagePage {
    fn methods(&self, methods: &[String]) -> String {
        methods
            .iter()
            .map(|m| participant::method_label(m, self.ctx.lang))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn category(&self, category: &str) -> String {
        self.ctx
            .t(&format!("category-{}", category.replace('_', "-")))
    }

    fn error_for(&self, field_id: &str) -> Option<&str> {
        self.problem
            .as_ref()
            .filter(|p| p.field_id == field_id)
            .map(|p| p.message.as_str())
    }

    fn reason_value(&self, field_id: &str) -> &str {
        self.problem
            .as_ref()
            .filter(|p| p.field_id == field_id)
            .map(|p| p.reason.as_str())
            .unwrap_or("")
    }

    fn when(&self, at: &chrono::NaiveDateTime) -> String {
        format!("{} {}", self.ctx.date(at), at.format("%H:%M"))
    }

    /// A period that ends with the Hong Kong day `day`, with its zone.
    fn deadline(&self, day: &chrono::NaiveDate) -> String {
        crate::calendar::working_days::deadline_day_moment(
            self.ctx.lang,
            *day,
            crate::i18n::READER_ZONE,
        )
    }

    fn objection_overdue(&self, o: &crate::enforcement::objections::Objection) -> bool {
        o.overdue(self.today)
    }

    fn share(&self, q: &ChannelQuality) -> String {
        self.ctx.lang.format_percent(q.flagged_share_percent())
    }

    fn number(&self, n: impl std::borrow::Borrow<i64>) -> String {
        self.ctx
            .lang
            .format_decimal(rust_decimal::Decimal::from(*n.borrow()))
    }
}

const NOTICES: &[&str] = &["decision-saved", "decision-gone"];

async fn page(
    ctx: Ctx,
    state: &web::Data<AppState>,
    manager: &Manager,
    notice: Option<String>,
    problem: Option<FormProblem>,
) -> Result<ManagePage, AppError> {
    let since = chrono::Utc::now().date_naive()
        - chrono::Days::new(crate::console::participants::QUALITY_DAYS - 1);
    let (channels, memberships, quality, (overdue_cures, open_objections), stuck_mail) =
        with_conn(state, move |conn| {
            Ok((
                crate::channels::channels_for_review(conn)?,
                crate::channels::memberships_for_review(conn)?,
                crate::tracking::stats::channel_quality(conn, since)?,
                crate::console::participants::overdue(conn)?,
                crate::mail::stuck(conn)?,
            ))
        })
        .await?;
    let today = crate::calendar::working_days::today();
    let holidays_warning = if manager.account.is_administrator() {
        let covered = with_conn(state, |conn| {
            Ok(crate::calendar::holidays::covered_until(conn)?)
        })
        .await?;
        crate::calendar::holidays::warning(ctx.lang, covered, today)
    } else {
        None
    };
    Ok(ManagePage {
        ctx,
        email: manager.account.email.clone(),
        channels,
        memberships,
        quality,
        notice,
        problem,
        overdue_cures,
        open_objections,
        today,
        stuck_mail,
        holidays_warning,
    })
}

async fn index(
    ctx: Ctx,
    state: web::Data<AppState>,
    manager: Manager,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query.text(&ctx, NOTICES);
    crate::web::render(&page(ctx, &state, &manager, notice, None).await?)
}

/// Reads `decision` (approve/reject) and `reason` (required to reject).
fn read_decision(
    data: &FormData,
    lang: Lang,
    field_id: String,
) -> Result<(bool, Option<String>), FormProblem> {
    let fail = |key: &str| FormProblem {
        field_id: field_id.clone(),
        message: lang.t(key),
        reason: data.get("reason").to_owned(),
    };
    let reason = crate::forms::REASON
        .check_optional(data.get("reason"))
        .map_err(fail)?;
    match (data.get("decision"), reason) {
        ("approve", reason) => Ok((true, reason)),
        ("reject", None) => Err(fail("error-reason-required")),
        ("reject", reason) => Ok((false, reason)),
        _ => Err(fail("error-decision")),
    }
}

async fn tell(
    state: &web::Data<AppState>,
    notice: DecisionNotice,
    approved: bool,
    reason: Option<String>,
) {
    let lang = Lang::from_code(&notice.lang).unwrap_or(Lang::DEFAULT);
    let link = state
        .settings
        .base_url
        .join(&format!("/{}/account/channels", lang.code()))
        .map(String::from)
        .unwrap_or_default();
    let decision = crate::mail::Decision {
        channel_name: &notice.channel_name,
        programme_name: notice.programme_name.as_deref(),
        approved,
        reason: reason.as_deref(),
    };
    let content = crate::mail::decision(lang, &decision, &link);
    state.mailer.deliver(content, &notice.email).await;
}

/// What a manager decides on: a channel waiting for review, or a membership application
/// (`/manage/channels/{id}/review`, `/manage/memberships/{id}/review`).
#[derive(Debug, Clone, Copy, serde::Deserialize)]
enum Subject {
    #[serde(rename = "channels")]
    Channel,
    #[serde(rename = "memberships")]
    Membership,
}

impl Subject {
    fn name(self) -> &'static str {
        match self {
            Subject::Channel => "channel",
            Subject::Membership => "membership",
        }
    }

    /// Decides number `id` of this kind: the URL's number, a channel's or a membership's id,
    /// typed here as the one or the other.
    fn decide(
        self,
        conn: &mut crate::db::AnyConnection,
        id: i64,
        manager_id: AccountId,
        approve: bool,
        reason: Option<&str>,
    ) -> diesel::QueryResult<Option<DecisionNotice>> {
        match self {
            Subject::Channel => {
                crate::channels::decide_channel(conn, ChannelId(id), manager_id, approve, reason)
            }
            Subject::Membership => crate::channels::decide_membership(
                conn,
                MembershipId(id),
                manager_id,
                approve,
                reason,
            ),
        }
    }
}

/// Approves or rejects `subject` number `id`, then tells the participant by mail. A decision on
/// something no longer waiting (decided meanwhile by another manager) changes nothing.
async fn review(
    ctx: Ctx,
    state: web::Data<AppState>,
    manager: Manager,
    path: web::Path<(Lang, Subject, i64)>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let (_, subject, id) = path.into_inner();
    let field_id = format!("reason-{}-{id}", subject.name());
    let (approve, reason) = match read_decision(&data, ctx.lang, field_id) {
        Ok(d) => d,
        Err(problem) => {
            let page = page(ctx, &state, &manager, None, Some(problem)).await?;
            return render_form(true, &page);
        }
    };
    let manager_id = manager.account.id;
    let actor = manager.actor();
    let r = reason.clone();
    let decided = with_conn(&state, move |conn| {
        let decided = crate::db::write_transaction(conn, |conn| {
            let decided = subject.decide(conn, id, manager_id, approve, r.as_deref())?;
            if let Some(notice) = &decided {
                let action = match subject {
                    Subject::Channel => crate::audit::action::CHANNEL_REVIEW,
                    Subject::Membership => crate::audit::action::MEMBERSHIP_REVIEW,
                };
                let entry = crate::audit::Entry::new(action, format!("{} {id}", subject.name()))
                    .participant(notice.participant_id)
                    .before(serde_json::json!({ "state": "pending" }))
                    .after(serde_json::json!({
                        "state": if approve { "approved" } else { "rejected" },
                        "reason": r,
                    }));
                crate::audit::record(conn, &actor, entry, crate::db::now())?;
            }
            Ok::<_, diesel::result::Error>(decided)
        })?;
        Ok(decided)
    })
    .await?;
    let Some(notice) = decided else {
        return Ok(see_other(&ctx.href("/manage?notice=decision-gone")));
    };
    // Committed: the click writer forgets what it cached about links (`state::CreditingChanges`);
    // told inside the transaction, a click judged in between would cache the old state again.
    state.crediting.changed();
    tracing::info!(
        subject = subject.name(),
        id,
        manager_id = manager_id.get(),
        approve,
        "decision saved"
    );
    tell(&state, notice, approve, reason).await;
    Ok(see_other(&ctx.href("/manage?notice=decision-saved")))
}
