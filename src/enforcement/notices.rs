//! How a measure is told to the participant: the words for each kind, and the mail sent when it
//! is taken, lifted or when an objection is decided — in the participant's language, with the
//! cited clauses quoted as they read when the measure was taken.

use super::measures::Measure;
use crate::i18n::Lang;
use crate::mail::MailContent;
use crate::participants::{MeasureKind, Restriction};

/// The measure's name: "Written warning".
pub fn title(lang: Lang, kind: MeasureKind) -> String {
    lang.t(&format!("measure-{}", kind.as_str().replace('_', "-")))
}

/// What the measure does, in a sentence, with its figures.
pub fn effect(lang: Lang, measure: &Measure) -> String {
    match measure.kind {
        MeasureKind::Warning => lang.t("measure-effect-warning"),
        MeasureKind::CurePeriod => lang.t_args(
            "measure-effect-cure-period",
            &[(
                "date",
                measure
                    .deadline
                    .map(|d| {
                        crate::calendar::working_days::deadline_day_moment(
                            lang,
                            d,
                            crate::i18n::READER_ZONE,
                        )
                    })
                    .unwrap_or_default(),
            )],
        ),
        MeasureKind::Withhold => lang.t("measure-effect-withhold"),
        MeasureKind::Deduct => lang.t_args(
            "measure-effect-deduct",
            &[(
                "amount",
                measure.amount.map(|m| m.written(lang)).unwrap_or_default(),
            )],
        ),
        MeasureKind::Terminate => lang.t("measure-effect-terminate"),
        MeasureKind::Restrict => match measure.restriction {
            Some(Restriction::Membership) => lang.t("measure-effect-restrict-membership"),
            _ => lang.t("measure-effect-restrict-applications"),
        },
        MeasureKind::Ban => lang.t("measure-effect-ban"),
    }
}

/// The mail sent when the measure is taken; `link` is the notice's page (or, for a terminated
/// participant, the page to object without logging in).
pub fn taken_mail(lang: Lang, measure: &Measure, link: &str) -> MailContent {
    let mut mail = MailContent::new(lang, "mail-measure-subject");
    mail.subject = lang.t_args(
        "mail-measure-subject",
        &[("measure", title(lang, measure.kind))],
    );
    mail.paragraphs.push(lang.t_args(
        "mail-measure-intro",
        &[("measure", title(lang, measure.kind))],
    ));
    mail.paragraphs.push(effect(lang, measure));
    mail.paragraphs
        .push(lang.t_args("mail-measure-reason", &[("reason", measure.reason.clone())]));
    for clause in &measure.clauses {
        mail.paragraphs
            .push(format!("{} — “{}”", clause.citation, clause.body));
    }
    mail.paragraphs.push(lang.t_args(
        "mail-measure-objection",
        &[(
            "date",
            crate::calendar::working_days::deadline_day_moment(
                lang,
                measure.claim_until,
                crate::i18n::READER_ZONE,
            ),
        )],
    ));
    mail.action = Some((lang.t("mail-measure-action"), link.to_owned()));
    mail
}

/// The mail sent when a measure is lifted by hand.
pub fn lifted_mail(lang: Lang, measure: &Measure, reason: &str, link: &str) -> MailContent {
    about_measure(
        lang,
        measure,
        ("mail-lifted-subject", "mail-lifted-intro"),
        reason,
        link,
    )
}

/// The mail that tells the participant the decision on its objection.
pub fn decision_mail(
    lang: Lang,
    measure: &Measure,
    upheld: bool,
    reason: &str,
    link: &str,
) -> MailContent {
    let intro = if upheld {
        "mail-objection-upheld"
    } else {
        "mail-objection-rejected"
    };
    about_measure(
        lang,
        measure,
        ("mail-objection-subject", intro),
        reason,
        link,
    )
}

/// A mail about what became of `measure` (lifted, objection decided): the subject and the
/// first paragraph name it and its date, then the reason and the link to the notice.
fn about_measure(
    lang: Lang,
    measure: &Measure,
    (subject, intro): (&str, &str),
    reason: &str,
    link: &str,
) -> MailContent {
    let mut mail = MailContent::new(lang, subject);
    mail.subject = lang.t_args(subject, &[("measure", title(lang, measure.kind))]);
    mail.paragraphs.push(lang.t_args(
        intro,
        &[
            ("measure", title(lang, measure.kind)),
            ("date", lang.format_date(measure.taken_at.date())),
        ],
    ));
    mail.paragraphs
        .push(lang.t_args("mail-measure-reason", &[("reason", reason.to_owned())]));
    mail.action = Some((lang.t("mail-measure-action"), link.to_owned()));
    mail
}

/// Any enforcement action objected to, in words: a measure's name, or "Commission on order
/// 1001 rejected", "Channel “Deals” rejected", "Registration ban on example.com".
pub fn action_title(lang: Lang, action: &super::subjects::Action) -> String {
    use super::subjects::What;
    use crate::ledger::states::CommissionState;
    let label = action.label.clone();
    match &action.what {
        What::Measure(kind) => title(lang, *kind),
        What::Commission(_, true) => {
            lang.t_args("objection-action-commission-held", &[("order", label)])
        }
        What::Commission(CommissionState::Reversed, _) => {
            lang.t_args("objection-action-commission-reversed", &[("order", label)])
        }
        What::Commission(CommissionState::Rejected, _) => {
            lang.t_args("objection-action-commission-rejected", &[("order", label)])
        }
        What::Commission(_, _) => lang.t_args("objection-action-commission", &[("order", label)]),
        What::Channel => lang.t_args("objection-action-channel", &[("name", label)]),
        What::Membership => lang.t_args("objection-action-membership", &[("name", label)]),
        What::Ban => lang.t_args("objection-action-ban", &[("value", label)]),
    }
}

/// The mail that tells the participant the decision on its objection to an action that is not
/// a measure (a commission, channel, membership or ban).
pub fn action_decision_mail(
    lang: Lang,
    action: &super::subjects::Action,
    upheld: bool,
    reason: &str,
    link: &str,
) -> MailContent {
    let key = if upheld {
        "mail-action-objection-upheld"
    } else {
        "mail-action-objection-rejected"
    };
    let what = action_title(lang, action);
    let mut mail = MailContent::new(lang, "mail-objection-subject");
    mail.subject = lang.t_args("mail-objection-subject", &[("measure", what.clone())]);
    mail.paragraphs.push(lang.t_args(
        key,
        &[
            ("action", what),
            ("date", lang.format_date(action.taken_at.date())),
        ],
    ));
    mail.paragraphs
        .push(lang.t_args("mail-measure-reason", &[("reason", reason.to_owned())]));
    mail.action = Some((lang.t("mail-measure-action"), link.to_owned()));
    mail
}
