//! Outgoing mail: SMTP when `PORTAL_SMTP_URL` is set, otherwise `.eml` files in the outbox folder.
//! Every mail is multipart (plain text and HTML) in the recipient's language.

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

pub struct MailSender {
    mailer: Mailer,
    from: Mailbox,
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
        Ok(MailSender { mailer, from })
    }

    pub async fn send(&self, mail: Mail) -> Result<(), MailError> {
        let to: Mailbox = mail
            .to
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Address(e.to_string()))?;
        let message = Message::builder()
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

    /// Renders and sends a mail; a failure is logged, never shown to the visitor as an error
    /// (every mail can be asked for again).
    pub async fn deliver(&self, content: MailContent, to: &str) {
        match content.render(to) {
            Ok(mail) => {
                if let Err(e) = self.send(mail).await {
                    tracing::error!(error = %e, "mail not sent");
                }
            }
            Err(e) => tracing::error!(error = %e, "mail not rendered"),
        }
    }
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
    let mut mail = MailContent::new(lang, "mail-activation-subject");
    mail.paragraphs.push(lang.t("mail-activation-intro"));
    mail.action = Some((lang.t("mail-activation-action"), link.to_owned()));
    mail.after_action
        .push(lang.t_args("mail-link-validity", &[("hours", valid_hours.to_string())]));
    mail.after_action.push(lang.t("mail-not-you"));
    mail
}

/// Sent instead of an activation mail when the address has an account already, so the signup
/// form never tells a stranger which addresses are registered.
pub fn already_registered(lang: Lang, login_link: &str, reset_link: &str) -> MailContent {
    let mut mail = MailContent::new(lang, "mail-existing-subject");
    mail.paragraphs.push(lang.t("mail-existing-intro"));
    mail.action = Some((lang.t("mail-existing-action"), login_link.to_owned()));
    mail.after_action
        .push(lang.t_args("mail-existing-forgot", &[("link", reset_link.to_owned())]));
    mail.after_action.push(lang.t("mail-not-you"));
    mail
}

/// A one-time link to choose a new password.
pub fn password_reset(lang: Lang, link: &str, valid_hours: i64) -> MailContent {
    let mut mail = MailContent::new(lang, "mail-reset-subject");
    mail.paragraphs.push(lang.t("mail-reset-intro"));
    mail.action = Some((lang.t("mail-reset-action"), link.to_owned()));
    mail.after_action
        .push(lang.t_args("mail-link-validity", &[("hours", valid_hours.to_string())]));
    mail.after_action.push(lang.t("mail-reset-not-you"));
    mail
}

/// Sent when the bank details payouts go to were changed, so a change the participant did not
/// make does not go unnoticed.
pub fn bank_details_changed(lang: Lang, masked_iban: &str, link: &str) -> MailContent {
    let mut mail = MailContent::new(lang, "mail-bank-subject");
    mail.paragraphs
        .push(lang.t_args("mail-bank-intro", &[("iban", masked_iban.to_owned())]));
    mail.action = Some((lang.t("mail-bank-action"), link.to_owned()));
    mail.after_action.push(lang.t("mail-bank-not-you"));
    mail
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
