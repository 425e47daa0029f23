//! Telling the participant: the mail of a measure and of a decision on an objection, in its
//! language.

use actix_web::web;

use super::links::objection_key;
use super::measures::{self, Measure};
use super::notices;
use super::objections;
use super::subjects::{Action, SubjectKind};
use crate::db::ids::{MeasureId, ParticipantId};
use crate::i18n::Lang;
use crate::participants::MeasureKind;
use crate::state::AppState;
use crate::web::{with_conn, AppError};

/// Mails the participant the decision on its objection, in its language: for a measure the
/// measure's mail, else the action's.
pub async fn tell_decision(
    state: &web::Data<AppState>,
    decided: objections::Decided,
    before: Option<Action>,
    upheld: bool,
    reason: String,
) -> Result<(), AppError> {
    let subject = decided.subject;
    if subject.kind == SubjectKind::Measure {
        return tell(state, MeasureId(subject.id), move |lang, m, link| {
            notices::decision_mail(lang, m, upheld, &reason, link)
        })
        .await;
    }
    let participant_id = decided.participant_id;
    let Some(action) = before else {
        return Ok(());
    };
    let (email, lang) = with_conn(state, move |conn| Ok(address_of(conn, participant_id)?)).await?;
    let link = state
        .settings
        .base_url
        .join(&format!("/{}{}", lang.code(), subject.path()))
        .map(String::from)
        .unwrap_or_default();
    let content = notices::action_decision_mail(lang, &action, upheld, &reason, &link);
    state.mailer.deliver(content, &email).await;
    Ok(())
}

/// Where a participant is told: its account's address, and the language it chose.
fn address_of(
    conn: &mut crate::db::AnyConnection,
    participant_id: ParticipantId,
) -> diesel::QueryResult<(String, Lang)> {
    use crate::db::schema::{accounts, participants};
    use diesel::prelude::*;
    let (email, lang): (String, String) = participants::table
        .inner_join(accounts::table)
        .filter(participants::id.eq(participant_id))
        .select((accounts::email, accounts::lang))
        .first(conn)?;
    Ok((email, Lang::from_code(&lang).unwrap_or(Lang::DEFAULT)))
}

/// The link a notice mail points to.
pub fn notice_link(state: &AppState, lang: Lang, measure: &Measure) -> String {
    let path = if measure.kind == MeasureKind::Terminate {
        format!(
            "/{}/objection/{}/{}",
            lang.code(),
            measure.id,
            objection_key(&state.settings.secret_key, measure.id)
        )
    } else {
        format!("/{}/account/notices/{}", lang.code(), measure.id)
    };
    state
        .settings
        .base_url
        .join(&path)
        .map(String::from)
        .unwrap_or_default()
}

/// Mails the participant of `measure` in its language.
pub async fn tell(
    state: &web::Data<AppState>,
    measure_id: MeasureId,
    what: impl FnOnce(Lang, &Measure, &str) -> crate::mail::MailContent,
) -> Result<(), AppError> {
    let found = with_conn(state, move |conn| {
        let Some(measure) = measures::find(conn, measure_id)? else {
            return Ok(None);
        };
        let (email, lang) = address_of(conn, measure.participant_id)?;
        Ok(Some((measure, email, lang)))
    })
    .await?;
    let Some((measure, email, lang)) = found else {
        return Ok(());
    };
    let link = notice_link(state, lang, &measure);
    let content = what(lang, &measure, &link);
    state.mailer.deliver(content, &email).await;
    Ok(())
}
