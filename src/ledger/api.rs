//! `POST /api/v1/conversions`: the advertiser's system reports orders and their later status
//! (the contract is in DESIGN.md, "The conversion API"). Answers are JSON; every refusal has a
//! stable code and stores nothing.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde_json::json;

use super::intake::{self, IntakeError, Outcome};
use super::report::RawReport;
use super::signature::{self, SignatureError};
use super::states::EventSource;
use crate::db::schema::signatures_seen;
use crate::i18n::Lang;
use crate::state::AppState;

/// A conversion report is a few hundred bytes; this leaves room and refuses anything else.
pub const BODY_LIMIT: usize = 16 * 1024;

pub const SIGNATURE_HEADER: &str = "Partnerlink-Signature";

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/conversions", web::post().to(conversions));
}

fn refuse(status: StatusCode, code: &str, message: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json")
        .json(json!({ "error": { "code": code, "message": message } }))
}

fn problems_answer(problems: &[super::report::Problem]) -> HttpResponse {
    let first = problems.first();
    let message = problems
        .iter()
        .map(|p| format!("{}: {}", p.field, Lang::En.t(p.key)))
        .collect::<Vec<_>>()
        .join(" ");
    HttpResponse::UnprocessableEntity().json(json!({
        "error": {
            "code": "malformed",
            "message": message,
            "field": first.map(|p| p.field),
            "problems": problems.iter().map(|p| json!({"field": p.field, "message": Lang::En.t(p.key)})).collect::<Vec<_>>(),
        }
    }))
}

enum Refusal {
    Bad,
    Stale,
    Replayed,
    UnknownProgramme,
    Problems(Vec<super::report::Problem>),
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
            "the body is larger than 16 KiB",
        ));
    }
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > BODY_LIMIT {
            return Ok(refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "the body is larger than 16 KiB",
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
        Ok(value) => match serde_json::from_value(value) {
            Ok(raw) => raw,
            Err(e) => {
                return Ok(refuse(
                    StatusCode::BAD_REQUEST,
                    "malformed",
                    &format!("the body is not a conversion: {e}"),
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
            use diesel::prelude::*;
            let Some(terms) = intake::programme_terms(conn, raw.programme.trim())? else {
                return Ok(Err(Refusal::UnknownProgramme));
            };
            let secrets = super::secrets::in_force(conn, terms.id, now)?;
            let unix_now = now.and_utc().timestamp();
            let signature =
                match signature::verify(signature_header.as_deref(), &body, &secrets, unix_now) {
                    Ok(s) => s,
                    Err(SignatureError::Bad) => return Ok(Err(Refusal::Bad)),
                    Err(SignatureError::Stale) => return Ok(Err(Refusal::Stale)),
                };
            let report = match raw.check(now) {
                Ok(r) => r,
                Err(problems) => return Ok(Err(Refusal::Problems(problems))),
            };
            let outcome = crate::db::write_transaction(conn, |conn| {
                let seen = diesel::insert_into(signatures_seen::table)
                    .values((
                        signatures_seen::signature.eq(&signature),
                        signatures_seen::signed_at.eq(unix_now),
                    ))
                    .execute(conn);
                match seen {
                    Err(diesel::result::Error::DatabaseError(
                        diesel::result::DatabaseErrorKind::UniqueViolation,
                        _,
                    )) => return Ok(Err(Refusal::Replayed)),
                    other => other.map_err(IntakeError::Db)?,
                };
                match intake::record(conn, &report, EventSource::Advertiser, now) {
                    Ok(recorded) => Ok(Ok(recorded)),
                    // Roll back the remembered signature too: nothing is stored.
                    Err(e) => Err(e),
                }
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
        Err(Refusal::Replayed) => refuse(StatusCode::CONFLICT, "replayed", "this signed request was received before; sign each request anew"),
        Err(Refusal::UnknownProgramme) => refuse(StatusCode::NOT_FOUND, "unknown_programme", "there is no programme with this name"),
        Err(Refusal::Problems(problems)) => problems_answer(&problems),
    })
}
