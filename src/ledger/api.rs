//! `POST /api/v1/conversions`: the advertiser's system reports orders and their later status
//! (the contract: README.md, "Money: conversions, commissions, the ledger and payouts").
//! Answers are JSON; every refusal has a stable code and stores nothing.
//!
//! Retries are safe: the identical signed request sent again (a timeout, a lost answer) answers
//! 200 with the conversion as stored and changes nothing — also when a later report changed it
//! meanwhile, so an old request replayed cannot undo a newer one. A request is identified by its
//! signature, which covers the time and the exact body; another body under a reused signature
//! does not verify.
//!
//! What a caller without a secret can cost is bounded (issue 21, 1): requests per address are
//! limited before anything is read; the signature header is read strictly (one `t`, at most
//! four `v1`, at most 1 KiB) before the body; the signature is checked — one HMAC per secret in
//! force, whatever the header holds — before anything tells whether the programme exists, with
//! no pooled connection held meanwhile; signed requests are limited per programme.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use futures_util::StreamExt;
use serde_json::json;

use super::intake::{self, IntakeError, Outcome};
use super::report::{Problem, RawReport, LOCKED};
use super::signature::{self, SignatureError};
use crate::db::ids::ProgrammeId;
use crate::i18n::Lang;
use crate::keyed_limit::PerMinute;
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

/// What the conversion API keeps between requests: its rate limits.
pub struct ConversionApi {
    /// Requests per minute per address (`client_ip::address_key`), counted before anything else.
    per_address: PerMinute<u64>,
    /// Signed requests per minute per programme, counted once the signature matched (so an
    /// anonymous caller cannot use up an advertiser's allowance).
    per_programme: PerMinute<i64>,
}

impl ConversionApi {
    /// `per_address` and `per_programme`: requests per minute (0: no limit).
    pub fn new(per_address: u32, per_programme: u32) -> ConversionApi {
        ConversionApi {
            per_address: PerMinute::new(per_address),
            per_programme: PerMinute::new(per_programme),
        }
    }

    /// Forgets the addresses and programmes whose allowance is full again; how many it still
    /// holds.
    pub fn forget_idle(&self) -> usize {
        self.per_address.forget_idle() + self.per_programme.forget_idle()
    }
}

/// 429 `rate_limited` with `Retry-After` (whole seconds, at least 1).
fn too_many(wait: std::time::Duration, whose: &str) -> HttpResponse {
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    let seconds = seconds.max(1);
    let mut answer = refuse(
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
        &format!("too many requests a minute {whose}; try again in {seconds} s"),
    );
    if let Ok(value) = header::HeaderValue::from_str(&seconds.to_string()) {
        answer.headers_mut().insert(header::RETRY_AFTER, value);
    }
    answer
}

/// The answer to a signature that is missing, malformed or matches no secret in force of the
/// programme the body names — the same whether that programme exists or not, so a caller
/// without a secret learns nothing about which programmes there are.
fn bad_signature() -> HttpResponse {
    refuse(
        StatusCode::UNAUTHORIZED,
        "bad_signature",
        &format!(
            "the Partnerlink-Signature header is missing, is not t=<unix seconds>,v1=<64 hex \
             digits> (one t, at most {} v1 values, at most {} bytes) or does not match the body \
             with a secret in force of the programme named in it",
            signature::MAX_SIGNATURES,
            signature::MAX_HEADER_LEN
        ),
    )
}

/// Checks the signature against the secrets in force of the programme `slug` names: read with
/// a pooled connection that is given back before the first HMAC. An unknown programme has no
/// secrets and is refused as a known one with a wrong signature (one HMAC with a key nobody
/// knows: the same work as a programme with one secret). Returns the programme and the
/// verified signature.
async fn check_signature(
    state: &web::Data<AppState>,
    parsed: signature::SignatureHeader,
    body: web::Bytes,
    slug: String,
    now: chrono::NaiveDateTime,
) -> Result<Result<(ProgrammeId, signature::Verified), SignatureError>, actix_web::Error> {
    let pool = state.pool.clone();
    web::block(move || -> anyhow::Result<_> {
        let found = {
            let mut conn = pool.get()?;
            super::secrets::in_force_for(&mut conn, &slug, now)?
        };
        let (programme_id, secrets) = found.unwrap_or_default();
        Ok(parsed
            .verify(&body, &secrets, now.and_utc().timestamp())
            .map(|verified| (programme_id, verified)))
    })
    .await?
    .map_err(|e| {
        tracing::error!(error = %e, "reading the programme's secrets failed");
        actix_web::error::ErrorServiceUnavailable("the database is unavailable")
    })
}

/// `POST /api/v1/conversions`: the rate limits, the body read and parsed, the signature
/// verified, then `intake::receive` records the report; the answer says what is stored.
async fn conversions(
    req: HttpRequest,
    state: web::Data<AppState>,
    api: web::Data<ConversionApi>,
    payload: web::Payload,
) -> Result<HttpResponse, actix_web::Error> {
    let address = crate::client_ip::address_key(crate::client_ip::client_ip(&req));
    if let Err(wait) = api.per_address.admit(&address) {
        return Ok(too_many(wait, "from this address"));
    }
    let (parsed, body, raw) = match read_request(&req, payload).await? {
        Ok(read) => read,
        Err(refusal) => return Ok(refusal),
    };
    let now = crate::db::now();
    // The signature is checked before anything that depends on the programme, with no pooled
    // connection held while the HMACs are computed (issue 21, 1).
    let slug = raw.programme.trim().to_owned();
    let (programme_id, verified) = match check_signature(&state, parsed, body, slug, now).await? {
        Ok(checked) => checked,
        Err(SignatureError::Bad) => return Ok(bad_signature()),
        Err(SignatureError::Stale) => {
            return Ok(refuse(
                StatusCode::UNAUTHORIZED,
                "stale_timestamp",
                "the signature's time is more than 5 minutes from now",
            ))
        }
    };
    if let Err(wait) = api.per_programme.admit(&programme_id.get()) {
        return Ok(too_many(wait, "for this programme"));
    }
    let report = match raw.check(now) {
        Ok(r) => r,
        Err(problems) => return Ok(problems_answer(&problems)),
    };
    let pool = state.pool.clone();
    let received = web::block(move || -> anyhow::Result<_> {
        let mut conn = pool.get()?;
        let signed = intake::SignedReport {
            report: &report,
            signature: &verified.signature,
            secret_id: verified.secret_id,
            now,
        };
        Ok(intake::receive(&mut conn, &signed))
    })
    .await?;
    answer(received)
}

/// The header, body and report of a request, or the answer that refuses it: a body over the
/// limit, a missing or malformed signature header (read strictly before the body: a malformed
/// one costs nothing more), another content type than JSON, a NUL, a body that is no report.
async fn read_request(
    req: &HttpRequest,
    mut payload: web::Payload,
) -> Result<
    Result<(signature::SignatureHeader, web::Bytes, RawReport), HttpResponse>,
    actix_web::Error,
> {
    let too_large = || {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            &too_large_message(),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT) {
        return Ok(Err(too_large()));
    }
    let parsed = match req
        .headers()
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(signature::SignatureHeader::parse)
    {
        Some(Ok(parsed)) => parsed,
        None | Some(Err(_)) => return Ok(Err(bad_signature())),
    };
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > BODY_LIMIT {
            return Ok(Err(too_large()));
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
        return Ok(Err(refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "malformed",
            "send Content-Type: application/json",
        )));
    }
    let malformed = |message: &str| refuse(StatusCode::BAD_REQUEST, "malformed", message);
    let raw = match serde_json::from_slice::<serde_json::Value>(&body) {
        // A NUL in any text is refused before it reaches a query (PostgreSQL cannot store it).
        Ok(value) if crate::forms::json_has_nul(&value) => {
            return Ok(Err(malformed("the body contains a NUL character")));
        }
        Ok(value) => match RawReport::from_json(value) {
            Ok(raw) => raw,
            Err(e) => {
                return Ok(Err(refuse_field(
                    StatusCode::BAD_REQUEST,
                    "malformed",
                    &e.message,
                    e.field.as_deref(),
                )));
            }
        },
        Err(e) => {
            return Ok(Err(malformed(&format!(
                "the body is not a conversion: {e}"
            ))))
        }
    };
    Ok(Ok((parsed, body.freeze(), raw)))
}

/// The answer to a report `intake::receive` took in or refused.
fn answer(
    received: anyhow::Result<Result<intake::Recorded, IntakeError>>,
) -> Result<HttpResponse, actix_web::Error> {
    let recorded = match received {
        Ok(Ok(recorded)) => recorded,
        // Only a signed caller gets here: the programme went between the check and the record.
        Ok(Err(IntakeError::UnknownProgramme)) => {
            return Ok(refuse(
                StatusCode::NOT_FOUND,
                "unknown_programme",
                "there is no programme with this name",
            ))
        }
        Ok(Err(IntakeError::Problems(problems))) => return Ok(problems_answer(&problems)),
        Ok(Err(IntakeError::Db(e))) => return Err(intake_failed(e.into())),
        Err(e) => return Err(intake_failed(e)),
    };
    let status = match recorded.outcome {
        Outcome::Created => StatusCode::CREATED,
        Outcome::Updated | Outcome::Repeated => StatusCode::OK,
    };
    Ok(HttpResponse::build(status).json(json!({
        "conversion_id": recorded.conversion_id,
        "state": recorded.state.map(|s| s.as_str()).unwrap_or("not_commissionable"),
        "attribution": recorded.attribution.as_str(),
        "commission": recorded.commission.plain(),
        "locks_at": recorded.locks_at.map(|t| t.and_utc().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    })))
}

fn intake_failed(e: anyhow::Error) -> actix_web::Error {
    tracing::error!(error = %e, "conversion intake failed");
    actix_web::error::ErrorInternalServerError("conversion intake failed")
}
