//! Outgoing mail: SMTP when `PORTAL_SMTP_URL` is set, otherwise `.eml` files in the outbox folder.
//! Every mail is multipart (plain text and HTML) in the recipient's language, with a
//! `Message-ID`.
//!
//! A mail is a row of `mail_queue` first (`deliver`); a worker (`run_queue`) sends due rows, one
//! claim at a time, with retries and a growing back-off: a request never waits for SMTP, SMTP
//! down or a full disk delays mail but fails no request, and a restart sends what is queued.

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::Settings;

#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox(AsyncFileTransport<Tokio1Executor>),
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address: {0}")]
    Address(String),
    #[error("cannot build the message: {0}")]
    Build(String),
    #[error("cannot send: {0}")]
    Send(String),
}

/// A rendered mail, ready to send.
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Clone)]
pub struct MailSender {
    mailer: Mailer,
    from: Mailbox,
    queue: Option<Queue>,
}

/// The database queue and the bell that wakes its worker.
#[derive(Clone)]
struct Queue {
    pool: crate::db::Pool,
    wake: std::sync::Arc<tokio::sync::Notify>,
}

/// How long a claimed mail is left alone before another attempt (a worker that died mid-send).
const CLAIM_SECONDS: i64 = 600;
/// Rows sent per round.
const BATCH: i64 = 20;

/// The wait before attempt `attempts + 1`: 30 s, 1 min, 2 min, … at most an hour.
pub fn backoff_seconds(attempts: i32) -> i64 {
    let exponent = u32::try_from(attempts.clamp(0, 7)).unwrap_or(7);
    (30 * 2i64.pow(exponent)).min(3600)
}

impl MailSender {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<MailSender> {
        let mailer = match &settings.smtp_url {
            Some(url) => Mailer::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("PORTAL_SMTP_URL: {e}"))?
                    .timeout(Some(std::time::Duration::from_secs(15)))
                    .build(),
            ),
            None => {
                let dir = settings.outbox_dir();
                std::fs::create_dir_all(&dir)
                    .map_err(|e| anyhow::anyhow!("cannot create {} ({e})", dir.display()))?;
                Mailer::Outbox(AsyncFileTransport::new(dir))
            }
        };
        let from: Mailbox = settings
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("PORTAL_MAIL_FROM: {e}"))?;
        Ok(MailSender {
            mailer,
            from,
            queue: None,
        })
    }

    /// Mails go through the database queue (the server); without it they are sent at once
    /// (commands).
    pub fn with_queue(mut self, pool: crate::db::Pool) -> MailSender {
        self.queue = Some(Queue {
            pool,
            wake: std::sync::Arc::new(tokio::sync::Notify::new()),
        });
        self
    }

    fn message_id(&self) -> String {
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        rand::thread_rng().fill_bytes(&mut bytes);
        format!("<{}@{}>", hex::encode(bytes), self.from.email.domain())
    }

    pub async fn send(&self, mail: Mail) -> Result<(), MailError> {
        let id = self.message_id();
        self.send_with_id(mail, id).await
    }

    async fn send_with_id(&self, mail: Mail, message_id: String) -> Result<(), MailError> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Address(e.to_string()))?;
        let message = Message::builder()
            .message_id(Some(message_id))
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject)
            .multipart(
                MultiPart::alternative()
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_PLAIN)
                            .body(mail.text),
                    )
                    .singlepart(
                        SinglePart::builder()
                            .header(ContentType::TEXT_HTML)
                            .body(mail.html),
                    ),
            )
            .map_err(|e| MailError::Build(e.to_string()))?;
        let result = match &self.mailer {
            Mailer::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
            Mailer::Outbox(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
        };
        result.map_err(MailError::Send)
    }

    /// Renders a mail and queues it (or, without a queue, sends it); a failure is logged, never
    /// shown to the visitor as an error (every mail can be asked for again).
    pub async fn deliver(&self, content: MailContent, to: &str) {
        let mail = match content.render(to) {
            Ok(mail) => mail,
            Err(e) => {
                tracing::error!(error = %e, "mail not rendered");
                return;
            }
        };
        let Some(queue) = &self.queue else {
            if let Err(e) = self.send(mail).await {
                tracing::error!(error = %e, "mail not sent");
            }
            return;
        };
        let message_id = self.message_id();
        let pool = queue.pool.clone();
        let stored = actix_web::web::block(move || -> anyhow::Result<()> {
            use crate::db::schema::mail_queue as q;
            use diesel::prelude::*;
            let now = crate::db::now();
            diesel::insert_into(q::table)
                .values((
                    q::message_id.eq(message_id),
                    q::recipient.eq(mail.to),
                    q::subject.eq(mail.subject),
                    q::text_body.eq(mail.text),
                    q::html_body.eq(mail.html),
                    q::created_at.eq(now),
                    q::next_attempt_at.eq(now),
                ))
                .execute(&mut *pool.get()?)?;
            Ok(())
        })
        .await;
        match stored {
            Ok(Ok(())) => queue.wake.notify_one(),
            Ok(Err(e)) => tracing::error!(error = %e, "mail not queued"),
            Err(e) => tracing::error!(error = %e, "mail not queued"),
        }
    }

    /// The queue's worker: sends what is due, then waits for a new mail or a second.
    pub async fn run_queue(self) {
        let Some(queue) = self.queue.clone() else {
            return;
        };
        loop {
            match self.send_due(&queue).await {
                Ok(sent) if sent > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "mail queue"),
            }
            tokio::select! {
                _ = queue.wake.notified() => {}
                _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
            }
        }
    }

    /// Sends the due rows, each claimed first (a conditional update: one worker of all the
    /// instances sends it). Returns how many were sent.
    async fn send_due(&self, queue: &Queue) -> anyhow::Result<usize> {
        use crate::db::schema::mail_queue as q;
        use diesel::prelude::*;
        /// A queued mail as the sender claims it.
        #[derive(Queryable, Selectable)]
        #[diesel(table_name = q)]
        struct Row {
            id: i64,
            message_id: String,
            recipient: String,
            subject: String,
            text_body: String,
            html_body: String,
            attempts: i32,
        }
        let pool = queue.pool.clone();
        let claimed: Vec<Row> = actix_web::web::block(move || -> anyhow::Result<Vec<Row>> {
            let mut conn = pool.get()?;
            let now = crate::db::now();
            let due: Vec<Row> = q::table
                .filter(q::sent_at.is_null())
                .filter(q::next_attempt_at.le(now))
                .order(q::id)
                .limit(BATCH)
                .select(Row::as_select())
                .load(&mut *conn)?;
            let mut mine = Vec::new();
            for row in due {
                let claimed = diesel::update(
                    q::table
                        .find(row.id)
                        .filter(q::sent_at.is_null())
                        .filter(q::attempts.eq(row.attempts)),
                )
                .set((
                    q::attempts.eq(row.attempts + 1),
                    q::next_attempt_at.eq(now + chrono::Duration::seconds(CLAIM_SECONDS)),
                ))
                .execute(&mut *conn)?;
                if claimed == 1 {
                    mine.push(row);
                }
            }
            Ok(mine)
        })
        .await??;
        let mut sent = 0;
        for Row {
            id,
            message_id,
            recipient: to,
            subject,
            text_body: text,
            html_body: html,
            attempts,
        } in claimed
        {
            let result = self
                .send_with_id(
                    Mail {
                        to,
                        subject,
                        text,
                        html,
                    },
                    message_id,
                )
                .await;
            let pool = queue.pool.clone();
            let ok = result.is_ok();
            let error = result.err().map(|e| e.to_string());
            if let Some(e) = &error {
                tracing::warn!(error = %e, id, attempt = attempts + 1, "mail not sent yet");
            }
            actix_web::web::block(move || -> anyhow::Result<()> {
                let now = crate::db::now();
                let this = q::table.find(id);
                let mut conn = pool.get()?;
                if ok {
                    diesel::update(this)
                        .set((q::sent_at.eq(now), q::last_error.eq(None::<String>)))
                        .execute(&mut *conn)?;
                } else {
                    let wait = backoff_seconds(attempts);
                    diesel::update(this)
                        .set((
                            q::next_attempt_at.eq(now + chrono::Duration::seconds(wait)),
                            q::last_error.eq(error),
                        ))
                        .execute(&mut *conn)?;
                }
                Ok(())
            })
            .await??;
            sent += usize::from(ok);
        }
        Ok(sent)
    }
}

/// A mail not sent yet, as the console lists it.
#[derive(Debug, Clone, diesel::Queryable)]
pub struct Waiting {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub created_at: chrono::NaiveDateTime,
    pub attempts: i32,
    pub next_attempt_at: chrono::NaiveDateTime,
    pub last_error: Option<String>,
}

/// Mails that are stuck: not sent after a failed attempt, or queued longer than five minutes.
pub fn stuck(conn: &mut crate::db::AnyConnection) -> diesel::QueryResult<Vec<Waiting>> {
    use crate::db::schema::mail_queue as q;
    use diesel::prelude::*;
    let five_minutes_ago = crate::db::now() - chrono::Duration::minutes(5);
    q::table
        .filter(q::sent_at.is_null())
        .filter(
            q::last_error
                .is_not_null()
                .or(q::created_at.lt(five_minutes_ago)),
        )
        .order(q::id)
        .limit(200)
        .select((
            q::id,
            q::recipient,
            q::subject,
            q::created_at,
            q::attempts,
            q::next_attempt_at,
            q::last_error,
        ))
        .load(conn)
}

#[derive(askama::Template)]
#[template(path = "mail/mail.txt")]
struct MailText<'a> {
    content: &'a MailContent,
}

#[derive(askama::Template)]
#[template(path = "mail/mail.html")]
struct MailHtml<'a> {
    content: &'a MailContent,
}

/// The words of a mail, in one language; rendered as plain text and as HTML.
pub struct MailContent {
    pub lang: Lang,
    pub subject: String,
    pub paragraphs: Vec<String>,
    /// The button / link: label and absolute URL.
    pub action: Option<(String, String)>,
    pub after_action: Vec<String>,
    pub signature: String,
}

impl MailContent {
    pub fn new(lang: Lang, subject_key: &str) -> MailContent {
        MailContent {
            lang,
            subject: lang.t(subject_key),
            paragraphs: Vec::new(),
            action: None,
            after_action: Vec::new(),
            signature: lang.t("mail-signature"),
        }
    }

    /// Adds a paragraph before the button.
    pub fn paragraph(mut self, text: String) -> MailContent {
        self.paragraphs.push(text);
        self
    }

    /// The button: its label and the absolute URL it opens.
    pub fn action(mut self, label: String, link: &str) -> MailContent {
        self.action = Some((label, link.to_owned()));
        self
    }

    /// Adds a line after the button.
    pub fn after(mut self, text: String) -> MailContent {
        self.after_action.push(text);
        self
    }

    pub fn render(self, to: &str) -> Result<Mail, askama::Error> {
        use askama::Template;
        let text = MailText { content: &self }.render()?;
        let html = MailHtml { content: &self }.render()?;
        Ok(Mail {
            to: to.to_owned(),
            subject: self.subject,
            text,
            html,
        })
    }
}

use crate::i18n::Lang;

/// Sent at the end of signup: the one-time activation link.
pub fn activation(lang: Lang, link: &str, valid_hours: i64) -> MailContent {
    MailContent::new(lang, "mail-activation-subject")
        .paragraph(lang.t("mail-activation-intro"))
        .action(lang.t("mail-activation-action"), link)
        .after(link_validity(lang, valid_hours))
        .after(lang.t("mail-not-you"))
}

/// How long a one-time link in a mail works.
fn link_validity(lang: Lang, valid_hours: i64) -> String {
    lang.t_counts("mail-link-validity", &[("hours", valid_hours)], &[])
}

/// Sent instead of an activation mail when the address has an account already, so the signup
/// form never tells a stranger which addresses are registered.
pub fn already_registered(lang: Lang, login_link: &str, reset_link: &str) -> MailContent {
    MailContent::new(lang, "mail-existing-subject")
        .paragraph(lang.t("mail-existing-intro"))
        .action(lang.t("mail-existing-action"), login_link)
        .after(lang.t_args("mail-existing-forgot", &[("link", reset_link.to_owned())]))
        .after(lang.t("mail-not-you"))
}

/// A one-time link to choose a new password.
pub fn password_reset(lang: Lang, link: &str, valid_hours: i64) -> MailContent {
    MailContent::new(lang, "mail-reset-subject")
        .paragraph(lang.t("mail-reset-intro"))
        .action(lang.t("mail-reset-action"), link)
        .after(link_validity(lang, valid_hours))
        .after(lang.t("mail-reset-not-you"))
}

/// Sent when the bank details payouts go to were changed, so a change the participant did not
/// make does not go unnoticed.
pub fn bank_details_changed(lang: Lang, masked_iban: &str, link: &str) -> MailContent {
    MailContent::new(lang, "mail-bank-subject")
        .paragraph(lang.t_args("mail-bank-intro", &[("iban", masked_iban.to_owned())]))
        .action(lang.t("mail-bank-action"), link)
        .after(lang.t("mail-bank-not-you"))
}

/// Sent when the account's password was changed or reset, so a change the owner did not make
/// does not go unnoticed.
pub fn password_changed(lang: Lang, reset_link: &str) -> MailContent {
    MailContent::new(lang, "mail-password-changed-subject")
        .paragraph(lang.t("mail-password-changed-intro"))
        .action(lang.t("mail-password-changed-action"), reset_link)
        .after(lang.t("mail-password-changed-not-you"))
}

/// What a decision mail tells: the channel, the programme (for an application), the decision
/// and the manager's reason.
pub struct Decision<'a> {
    pub channel_name: &'a str,
    /// `None` for a channel's review, the programme's name for an application.
    pub programme_name: Option<&'a str>,
    pub approved: bool,
    pub reason: Option<&'a str>,
}

/// An account manager's decision on a channel or a programme application, with the reason.
pub fn decision(lang: Lang, decision: &Decision<'_>, link: &str) -> MailContent {
    let (subject_key, intro_key) = match (decision.programme_name, decision.approved) {
        (None, true) => (
            "mail-channel-approved-subject",
            "mail-channel-approved-intro",
        ),
        (None, false) => (
            "mail-channel-rejected-subject",
            "mail-channel-rejected-intro",
        ),
        (Some(_), true) => (
            "mail-membership-approved-subject",
            "mail-membership-approved-intro",
        ),
        (Some(_), false) => (
            "mail-membership-rejected-subject",
            "mail-membership-rejected-intro",
        ),
    };
    let args = [
        ("channel", decision.channel_name.to_owned()),
        (
            "programme",
            decision.programme_name.unwrap_or_default().to_owned(),
        ),
    ];
    let mut mail = MailContent::new(lang, subject_key);
    mail.subject = lang.t_args(subject_key, &args);
    mail.paragraphs.push(lang.t_args(intro_key, &args));
    if let Some(reason) = decision.reason {
        mail.paragraphs
            .push(lang.t_args("mail-decision-reason", &[("reason", reason.to_owned())]));
    }
    mail.action = Some((lang.t("mail-decision-action"), link.to_owned()));
    mail
}
