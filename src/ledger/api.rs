//! `POST /api/v1/conversions`: the advertiser's system reports orders and their later status
//! (the contract is in DESIGN.md, "The conversion API"). Answers are JSON; every refusal has a
//! stable code and stores nothing.
//!
//! Retries are safe: the identical signed request sent again (a timeout, a lost answer) answers
//! 200 with the conversion as stored and changes nothing — also when a later report changed it
//! meanwhile, so an old request replayed cannot undo a newer one. A request is identified by its
//! signature, which covers the time and the exact body; another body under a reused signature
//! does not verify.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde_json::json;

use super::intake::{self, IntakeError, Outcome};
use super::report::{Problem, RawReport, LOCKED};
use super::signature::{self, SignatureError};
use super::states::EnteredBy;
use crate::db::schema::signatures_seen;
use crate::i18n::Lang;
use crate::state::AppState;

/// A conversion report is a few hundred bytes; this leaves room and refuses anything else.
pub const BODY_LIMIT: usize = 16 * 1024;

/// The `too_large` answer's message, with the limit.
fn too_large_message() -> String {
    format!(
        "the body is larger than {} KiB ({BODY_LIMIT} bytes), the most a conversion report may be",
        BODY_LIMIT / 1024
    )
}

pub const SIGNATURE_HEADER: &str = "Partnerlink-Signature";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/conversions", web::post().to(conversions));
}

fn refuse(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    refuse_field(status, code, message, None)
}

fn refuse_field(
    status: StatusCode,
    code: &str,
    message: &str,
    field: Option<&str>,
) -> HttpResponse {
    let mut error = json!({ "code": code, "message": message });
    if let Some(field) = field {
        error["field"] = json!(field);
    }
    HttpResponse::build(status)
        .content_type("application/json")
        .json(json!({ "error": error }))
}

/// 422 `malformed` naming every field that is wrong (the first in `field`); or 409 `locked`
/// when the report came after the conversion's locking date.
fn problems_answer(problems: &[Problem]) -> HttpResponse {
    if let Some(locked) = problems.iter().find(|p| p.key == LOCKED) {
        return refuse_field(
            StatusCode::CONFLICT,
            "locked",
            &locked.message(Lang::En),
            Some(locked.field),
        );
    }
    let first = problems.first();
    let message = problems
        .iter()
        .map(|p| format!("{}: {}", p.field, p.message(Lang::En)))
        .collect::<Vec<_>>()
        .join(" ");
    HttpResponse::UnprocessableEntity().json(json!({
        "error": {
            "code": "malformed",
            "message": message,
            "field": first.map(|p| p.field),
            "problems": problems.iter().map(|p| json!({"field": p.field, "message": p.message(Lang::En)})).collect::<Vec<_>>(),
        }
    }))
}

enum Refusal {
    Bad,
    Stale,
    UnknownProgramme,
    Problems(Vec<Problem>),
}

/// Remembers a signature; `false` when it was seen before (the same request again). In a
/// savepoint: on PostgreSQL a refused insert would otherwise end the whole transaction.
fn first_time(
    conn: &mut crate::db::AnyConnection,
    signature: &str,
    signed_at: i64,
) -> diesel::QueryResult<bool> {
    use diesel::prelude::*;
    let inserted = crate::db::write_transaction(conn, |conn| {
        diesel::insert_into(signatures_seen::table)
            .values((
                signatures_seen::signature.eq(signature),
                signatures_seen::signed_at.eq(signed_at),
            ))
            .execute(conn)
    });
    match inserted {
        Ok(_) => Ok(true),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => Ok(false),
        Err(e) => Err(e),
    }
}

async fn conversions(
    req: HttpRequest,
    state: web::Data<AppState>,
    mut payload: web::Payload,
) -> Result<HttpResponse, actix_web::Error> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT) {
        return Ok(refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            &too_large_message(),
        ));
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > BODY_LIMIT {
            return Ok(refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                &too_large_message(),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    let is_json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        });
    if !is_json {
        return Ok(refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "malformed",
            "send Content-Type: application/json",
        ));
    }
    let raw: RawReport = match serde_json::from_slice::<serde_json::Value>(&body) {
        // A NUL in any text is refused before it reaches a query (PostgreSQL cannot store it).
        Ok(value) if crate::forms::json_has_nul(&value) => {
            return Ok(refuse(
                StatusCode::BAD_REQUEST,
                "malformed",
                "the body contains a NUL character",
            ));
        }
        Ok(value) => match RawReport::from_json(value) {
            Ok(raw) => raw,
            Err(e) => {
                return Ok(refuse_field(
                    StatusCode::BAD_REQUEST,
                    "malformed",
                    &e.message,
                    e.field.as_deref(),
                ));
            }
        },
        Err(e) => {
            return Ok(refuse(
                StatusCode::BAD_REQUEST,
                "malformed",
                &format!("the body is not a conversion: {e}"),
            ));
        }
    };
    let signature_header = req
        .headers()
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let now = crate::db::now();
    let pool = state.pool.clone();
    let result = web::block(
        move || -> Result<Result<intake::Recorded, Refusal>, anyhow::Error> {
            let mut conn = pool.get()?;
            let conn = &mut *conn;
            let Some(terms) = intake::programme_terms(conn, raw.programme.trim())? else {
                return Ok(Err(Refusal::UnknownProgramme));
            };
            let secrets = super::secrets::in_force(conn, terms.id, now)?;
            let unix_now = now.and_utc().timestamp();
            let verified =
                match signature::verify(signature_header.as_deref(), &body, &secrets, unix_now) {
                    Ok(v) => v,
                    Err(SignatureError::Bad) => return Ok(Err(Refusal::Bad)),
                    Err(SignatureError::Stale) => return Ok(Err(Refusal::Stale)),
                };
            let report = match raw.check(now) {
                Ok(r) => r,
                Err(problems) => return Ok(Err(Refusal::Problems(problems))),
            };
            let outcome = crate::db::write_transaction(conn, |conn| {
                if !first_time(conn, &verified.signature, unix_now)? {
                    // The same request again: what is stored now, unchanged.
                    if let Some(answer) = intake::stored_answer(conn, &report)? {
                        return Ok(Ok(answer));
                    }
                }
                // A refusal rolls back the remembered signature too: nothing is stored.
                let entered = EnteredBy::Api {
                    secret_id: verified.secret_id,
                };
                let recorded = intake::record(conn, &report, entered, now)?;
                audit_conversion(conn, &report, &recorded, verified.secret_id, now)?;
                Ok(Ok(recorded))
            });
            match outcome {
                Ok(answer) => Ok(answer),
                Err(IntakeError::UnknownProgramme) => Ok(Err(Refusal::UnknownProgramme)),
                Err(IntakeError::Problems(p)) => Ok(Err(Refusal::Problems(p))),
                Err(IntakeError::Db(e)) => Err(e.into()),
            }
        },
    )
    .await?
    .map_err(|e| {
        tracing::error!(error = %e, "conversion intake failed");
        actix_web::error::ErrorInternalServerError("conversion intake failed")
    })?;
    Ok(match result {
        Ok(recorded) => {
            let status = match recorded.outcome {
                Outcome::Created => StatusCode::CREATED,
                Outcome::Updated | Outcome::Repeated => StatusCode::OK,
            };
            HttpResponse::build(status).json(json!({
                "conversion_id": recorded.conversion_id,
                "state": recorded.state.map(|s| s.as_str()).unwrap_or("not_commissionable"),
                "attribution": recorded.attribution.as_str(),
                "commission": recorded.commission.plain(),
                "locks_at": recorded.locks_at.map(|t| t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
            }))
        }
        Err(Refusal::Bad) => refuse(StatusCode::UNAUTHORIZED, "bad_signature", "the Partnerlink-Signature header does not match the body with a secret of this programme"),
        Err(Refusal::Stale) => refuse(StatusCode::UNAUTHORIZED, "stale_timestamp", "the signature's time is more than 5 minutes from now"),
        Err(Refusal::UnknownProgramme) => refuse(StatusCode::NOT_FOUND, "unknown_programme", "there is no programme with this name"),
        Err(Refusal::Problems(problems)) => problems_answer(&problems),
    })
}

/// A conversion that arrived by the API (new or changed; not a repeat) in the audit log: which
/// order, its state and commission now, and the secret that signed it.
fn audit_conversion(
    conn: &mut crate::db::AnyConnection,
    report: &super::report::Report,
    recorded: &intake::Recorded,
    secret_id: i64,
    now: chrono::NaiveDateTime,
) -> Result<(), IntakeError> {
    if recorded.outcome == Outcome::Repeated {
        return Ok(());
    }
    let entry = crate::audit::Entry::new(
        crate::audit::action::CONVERSION_RECEIVED,
        format!("conversion {}", recorded.conversion_id),
    )
    .after(json!({
        "order_ref": report.order_ref,
        "status": report.status.as_str(),
        "new": recorded.outcome == Outcome::Created,
        "state": recorded.state.map(|s| s.as_str()),
        "commission": recorded.commission.plain(),
    }));
    crate::audit::record(
        conn,
        &crate::audit::Actor::advertiser(secret_id),
        entry,
        now,
    )?;
    Ok(())
}
