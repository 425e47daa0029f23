//! `/{lang}/manage…`: the account managers' review queue (channels and programme applications)
//! and the share of flagged clicks per channel. Only account managers get in (403 otherwise).

use actix_web::{web, HttpResponse};
use askama::Template;

use crate::channels::{ChannelForReview, DecisionNotice, MembershipForReview};
use crate::console::handler::{show, Console, FormPage};
use crate::console::review::{self, Decision, FormProblem, Subject};
use crate::db::AnyConnection;
use crate::domain::participant;
use crate::enforcement::measures::Measure;
use crate::enforcement::objections::Objection;
use crate::i18n::Lang;
use crate::mail::Waiting;
use crate::state::AppState;
use crate::tracking::stats::ChannelQuality;
use crate::web::extract::{CsrfForm, Manager};
use crate::web::{AppError, Ctx};

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/manage", web::get().to(show::<ManagePage>))
        .route(
            "/manage/{subject:channels|memberships}/{id}/review",
            web::post().to(review),
        );
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
    overdue_cures: Vec<Measure>,
    /// Objections waiting for a decision, by due date.
    open_objections: Vec<Objection>,
    today: chrono::NaiveDate,
    /// Mails the queue could not send yet.
    stuck_mail: Vec<Waiting>,
    /// For administrators: the holiday table runs out within 90 days (`calendar::warning`).
    holidays_warning: Option<String>,
}

/// What the home page reads.
struct Queue {
    channels: Vec<ChannelForReview>,
    memberships: Vec<MembershipForReview>,
    quality: Vec<ChannelQuality>,
    overdue_cures: Vec<Measure>,
    open_objections: Vec<Objection>,
    stuck_mail: Vec<Waiting>,
    holidays_covered_until: Option<chrono::NaiveDate>,
}

impl FormPage for ManagePage {
    const PATH: &'static str = "/manage";
    const NOTICES: &'static [&'static str] = &["decision-saved", "decision-gone"];
    type Seat = Manager;
    type Data = Queue;
    type Forms = Option<FormProblem>;

    fn load(conn: &mut AnyConnection, _: Lang) -> diesel::QueryResult<Queue> {
        let since = chrono::Utc::now().date_naive()
            - chrono::Days::new(crate::console::participants::QUALITY_DAYS - 1);
        let (overdue_cures, open_objections) = crate::console::participants::overdue(conn)?;
        Ok(Queue {
            channels: crate::channels::channels_for_review(conn)?,
            memberships: crate::channels::memberships_for_review(conn)?,
            quality: crate::tracking::stats::channel_quality(conn, since)?,
            overdue_cures,
            open_objections,
            stuck_mail: crate::mail::stuck(conn)?,
            holidays_covered_until: crate::calendar::holidays::covered_until(conn)?,
        })
    }

    fn build(
        ctx: Ctx,
        manager: &Manager,
        queue: Queue,
        problem: Option<FormProblem>,
        notice: Option<String>,
    ) -> Self {
        let today = crate::calendar::working_days::today();
        let holidays_warning = manager
            .account
            .is_administrator()
            .then(|| {
                crate::calendar::holidays::warning(ctx.lang, queue.holidays_covered_until, today)
            })
            .flatten();
        ManagePage {
            ctx,
            email: manager.account.email.clone(),
            channels: queue.channels,
            memberships: queue.memberships,
            quality: queue.quality,
            notice,
            problem,
            overdue_cures: queue.overdue_cures,
            open_objections: queue.open_objections,
            today,
            stuck_mail: queue.stuck_mail,
            holidays_warning,
        }
    }
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

/// Approves or rejects `subject` number `id`, then tells the participant by mail. A decision on
/// something no longer waiting (decided meanwhile by another manager) changes nothing.
async fn review(
    console: Console,
    path: web::Path<(Lang, Subject, i64)>,
    data: CsrfForm,
) -> Result<HttpResponse, AppError> {
    let (_, subject, id) = path.into_inner();
    let decision = match Decision::from_form(&data, console.lang(), subject, id) {
        Ok(decision) => decision,
        Err(problem) => return console.refuse::<ManagePage>(Some(problem)).await,
    };
    let manager_id = console.who.account.id;
    let (decided, decision) = console
        .write(move |conn, actor, now| {
            let decided = review::decide(conn, actor, (subject, id), manager_id, &decision, now);
            decided.map(|d| (d, decision))
        })
        .await?;
    let Some(notice) = decided else {
        return Ok(console.done::<ManagePage>("decision-gone"));
    };
    // Committed: the click writer forgets what it cached about links (`state::CreditingChanges`).
    console.crediting_changed(true).await;
    tracing::info!(
        subject = subject.name(),
        id,
        manager_id = manager_id.get(),
        approve = decision.approve,
        "decision saved"
    );
    tell(&console.state, notice, decision.approve, decision.reason).await;
    Ok(console.done::<ManagePage>("decision-saved"))
}
