//! Receiving an objection's form (issue 21 point 2): nobody may make the server hold what it
//! would not keep, nor make it read a byte of a file before the request is allowed.
//!
//! - The handler checks the link's key or the session, and the measure, before it reads the body.
//! - A slot of `UploadGate` comes next: a few uploads at once per address and in all; one more
//!   is answered 429 without being read.
//! - The form's first part must be its `csrf_token` (the hidden field comes first in the page,
//!   and browsers send fields in their order); it is read alone, at most 256 bytes, and checked
//!   before any other part.
//! - Each file streams into an unnamed temporary file, at most `MAX_FILE_BYTES`; past
//!   `MAX_FILES` (plus one, to say "too many") files are read and dropped; the whole body is
//!   at most `MAX_REQUEST_BYTES`. In memory only a chunk and a small write buffer per upload.
//! - An upload that sends nothing for `idle_seconds`, or takes longer than `total_seconds`, ends.
//! - The checks that decode (`evidence::inspect`) take one of `INSPECTIONS` permits, so their
//!   memory does not add up across uploads.

use std::collections::HashMap;
use std::io::{Read, Seek, Write};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{web, HttpRequest};
use futures_util::StreamExt;
use tokio::time::Instant;

use super::evidence::{self, FileProblem, MAX_FILES, MAX_FILE_BYTES};
use crate::config::UploadLimits;
use crate::web::AppError;

/// The most a whole objection form may send: the files it may keep, one more, and the text.
pub const MAX_REQUEST_BYTES: usize = (MAX_FILES + 2) * MAX_FILE_BYTES;
/// Longest text field (the objection's words are at most 5,000 characters).
const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Longest CSRF token (ours are 64 hexadecimal characters).
const MAX_TOKEN_BYTES: usize = 256;
/// A file's bytes are written to disk in pieces of this size.
const WRITE_BUFFER: usize = 256 * 1024;
/// Decoding checks at once, each up to ~10 MB of file and what its picture decodes to.
const INSPECTIONS: usize = 2;

/// How many uploads are under way, in all and per address; shared by the workers.
pub struct UploadGate {
    limits: UploadLimits,
    counts: Mutex<Counts>,
    inspections: tokio::sync::Semaphore,
}

#[derive(Default)]
struct Counts {
    total: usize,
    /// Addresses with an upload under way (`client_ip::limit_key`); `None`: unknown.
    by_address: HashMap<Option<IpAddr>, usize>,
}

impl UploadGate {
    pub fn new(limits: UploadLimits) -> UploadGate {
        UploadGate {
            limits,
            counts: Mutex::new(Counts::default()),
            inspections: tokio::sync::Semaphore::new(INSPECTIONS),
        }
    }

    /// A slot for one upload from `address`, or `None` when this instance or this address has
    /// as many under way as allowed. The slot is given back when dropped.
    pub fn enter(self: &Arc<Self>, address: Option<IpAddr>) -> Option<Slot> {
        let address = address.map(crate::client_ip::limit_key);
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        let mine = counts.by_address.get(&address).copied().unwrap_or(0);
        if counts.total >= self.limits.in_flight || mine >= self.limits.per_address {
            return None;
        }
        counts.total += 1;
        counts.by_address.insert(address, mine + 1);
        Some(Slot {
            gate: Arc::clone(self),
            address,
        })
    }

    fn leave(&self, address: Option<IpAddr>) {
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        counts.total = counts.total.saturating_sub(1);
        // An address without uploads is forgotten: the map holds only those under way.
        if let Some(n) = counts.by_address.get_mut(&address) {
            *n -= 1;
            if *n == 0 {
                counts.by_address.remove(&address);
            }
        }
    }
}

/// One upload under way (see `UploadGate::enter`).
pub struct Slot {
    gate: Arc<UploadGate>,
    address: Option<IpAddr>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.gate.leave(self.address);
    }
}

/// A file as received: in an unnamed temporary file (gone when dropped), and its size.
pub struct Incoming {
    file: std::fs::File,
    size: usize,
}

/// An objection form as sent, its token checked: the text and the files, each streamed to
/// disk or its problem. Holds the upload's slot until dropped.
pub struct Received {
    pub text: String,
    /// The text was longer than any objection may be.
    pub text_too_long: bool,
    pub files: Vec<(String, Result<Incoming, FileProblem>)>,
    _slot: Slot,
}

/// The waits of one upload: each at most `idle` long, and none past `deadline`.
struct Clock {
    idle: Duration,
    deadline: Instant,
}

impl Clock {
    async fn next<S: futures_util::Stream + Unpin>(
        &self,
        stream: &mut S,
    ) -> Result<Option<S::Item>, AppError> {
        let until = std::cmp::min(Instant::now() + self.idle, self.deadline);
        tokio::time::timeout_at(until, stream.next())
            .await
            .map_err(|_| AppError::BadRequest)
    }
}

/// Takes a slot for this request's address, checks the form's first part is this browser's
/// CSRF token, then streams the rest (see the module's text). Call it only once the request
/// may object at all.
pub async fn receive(
    req: &HttpRequest,
    gate: &web::Data<UploadGate>,
    incoming_dir: std::path::PathBuf,
    mut multipart: actix_multipart::Multipart,
) -> Result<Received, AppError> {
    let gate = gate.clone().into_inner();
    let slot = gate
        .enter(crate::client_ip::client_ip(req))
        .ok_or(AppError::TooManyRequests)?;
    let clock = Clock {
        idle: Duration::from_secs(gate.limits.idle_seconds),
        deadline: Instant::now() + Duration::from_secs(gate.limits.total_seconds),
    };
    let mut read = 0usize;

    // The token first, alone.
    let Some(field) = clock.next(&mut multipart).await? else {
        return Err(AppError::Forbidden);
    };
    let mut field = field.map_err(|_| AppError::BadRequest)?;
    if field.name() != Some("csrf_token") {
        return Err(AppError::Forbidden);
    }
    let (token, too_long) = read_small(&clock, &mut field, MAX_TOKEN_BYTES, &mut read).await?;
    // The next part is read only once this one is gone (actix-multipart waits for it).
    drop(field);
    if too_long || !crate::web::csrf::verify_request(req, &String::from_utf8_lossy(&token)) {
        return Err(AppError::Forbidden);
    }

    let mut received = Received {
        text: String::new(),
        text_too_long: false,
        files: Vec::new(),
        _slot: slot,
    };
    while let Some(field) = clock.next(&mut multipart).await? {
        let mut field = field.map_err(|_| AppError::BadRequest)?;
        let name = field.name().unwrap_or("").to_owned();
        match name.as_str() {
            "text" => {
                let (bytes, too_long) =
                    read_small(&clock, &mut field, MAX_TEXT_BYTES, &mut read).await?;
                received.text = String::from_utf8_lossy(&bytes).into_owned();
                received.text_too_long = too_long;
            }
            // Past one file more than allowed (enough to say "too many"), files are read and
            // dropped: a form with a thousand parts costs no memory and no disk.
            "evidence" if received.files.len() <= MAX_FILES => {
                let file_name = field
                    .content_disposition()
                    .and_then(|cd| cd.get_filename().map(str::to_owned))
                    .unwrap_or_default();
                let file = to_disk(&clock, &mut field, &incoming_dir, &mut read).await?;
                // A file input left empty sends a part without a name or bytes.
                if file_name.is_empty() && matches!(&file, Err(FileProblem::Empty)) {
                    continue;
                }
                received.files.push((file_name, file));
            }
            _ => {
                read_small(&clock, &mut field, 0, &mut read).await?;
            }
        }
    }
    Ok(received)
}

/// Reads a part, keeping at most `keep` bytes (and whether it held more); every byte counts
/// towards the request's `MAX_REQUEST_BYTES`.
async fn read_small(
    clock: &Clock,
    field: &mut actix_multipart::Field,
    keep: usize,
    read: &mut usize,
) -> Result<(Vec<u8>, bool), AppError> {
    let mut bytes = Vec::new();
    let mut more = false;
    while let Some(chunk) = clock.next(field).await? {
        let chunk = chunk.map_err(|_| AppError::BadRequest)?;
        count(read, chunk.len())?;
        if bytes.len() + chunk.len() > keep {
            more = true;
            continue;
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok((bytes, more))
}

fn count(read: &mut usize, more: usize) -> Result<(), AppError> {
    *read += more;
    if *read > MAX_REQUEST_BYTES {
        return Err(AppError::BadRequest);
    }
    Ok(())
}

/// Streams a file part into an unnamed temporary file in `dir`: at most `MAX_FILE_BYTES`
/// (a larger one is read to its end and dropped).
async fn to_disk(
    clock: &Clock,
    field: &mut actix_multipart::Field,
    dir: &std::path::Path,
    read: &mut usize,
) -> Result<Result<Incoming, FileProblem>, AppError> {
    let dir = dir.to_owned();
    let file = web::block(move || {
        std::fs::create_dir_all(&dir)?;
        tempfile::tempfile_in(&dir)
    })
    .await?
    .map_err(|e| AppError::Other(e.into()))?;
    let mut file = Some(file);
    let mut buffer: Vec<u8> = Vec::with_capacity(WRITE_BUFFER);
    let mut size = 0usize;
    while let Some(chunk) = clock.next(field).await? {
        let chunk = chunk.map_err(|_| AppError::BadRequest)?;
        count(read, chunk.len())?;
        size += chunk.len();
        if size > MAX_FILE_BYTES {
            // Too large: the rest is only read, the file goes.
            file = None;
            buffer = Vec::new();
            continue;
        }
        buffer.extend_from_slice(&chunk);
        if buffer.len() >= WRITE_BUFFER {
            if let Some(open) = file.take() {
                let (open, emptied) = write(open, buffer).await?;
                file = Some(open);
                buffer = emptied;
            }
        }
    }
    let Some(open) = file else {
        return Ok(Err(FileProblem::TooLarge));
    };
    if size == 0 {
        return Ok(Err(FileProblem::Empty));
    }
    let (file, _) = write(open, buffer).await?;
    Ok(Ok(Incoming { file, size }))
}

/// Writes `buffer` to `file` off the async workers; hands both back, the buffer emptied.
async fn write(
    mut file: std::fs::File,
    mut buffer: Vec<u8>,
) -> Result<(std::fs::File, Vec<u8>), AppError> {
    web::block(move || {
        file.write_all(&buffer)?;
        buffer.clear();
        Ok::<_, std::io::Error>((file, buffer))
    })
    .await?
    .map_err(|e| AppError::Other(e.into()))
}

impl Received {
    /// Checks every file (`evidence::inspect`) and stores those that are what they say under
    /// `data_dir`; the caller records them or removes them (`evidence::remove`).
    pub async fn inspect_and_store(
        &mut self,
        gate: &web::Data<UploadGate>,
        data_dir: &std::path::Path,
    ) -> Result<Vec<(String, Result<evidence::Stored, FileProblem>)>, AppError> {
        let mut checked = Vec::new();
        for (name, file) in std::mem::take(&mut self.files) {
            let incoming = match file {
                Ok(incoming) => incoming,
                Err(problem) => {
                    checked.push((name, Err(problem)));
                    continue;
                }
            };
            let _permit = gate
                .inspections
                .acquire()
                .await
                .map_err(|e| AppError::Other(e.into()))?;
            let folder = data_dir.to_owned();
            let upload_name = name.clone();
            let stored = web::block(move || -> std::io::Result<_> {
                let Incoming { mut file, size } = incoming;
                let mut bytes = Vec::with_capacity(size);
                file.rewind()?;
                file.read_to_end(&mut bytes)?;
                match evidence::inspect(bytes) {
                    Ok(accepted) => Ok(Ok(evidence::store(&folder, &upload_name, &accepted)?)),
                    Err(problem) => Ok(Err(problem)),
                }
            })
            .await?
            .map_err(|e| AppError::Other(e.into()));
            match stored {
                Ok(result) => checked.push((name, result)),
                Err(e) => {
                    let kept: Vec<_> = checked.into_iter().filter_map(|(_, r)| r.ok()).collect();
                    evidence::remove(data_dir, &kept);
                    return Err(e);
                }
            }
        }
        Ok(checked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gate(in_flight: usize, per_address: usize) -> Arc<UploadGate> {
        Arc::new(UploadGate::new(UploadLimits {
            in_flight,
            per_address,
            idle_seconds: 30,
            total_seconds: 600,
        }))
    }

    #[test]
    fn an_address_has_its_share_of_uploads_and_the_instance_its_total() {
        let gate = gate(3, 2);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "2001:db8::1".parse().unwrap();
        // The same /64 counts as one address.
        let b_too: IpAddr = "2001:db8::2".parse().unwrap();
        let first = gate.enter(Some(a)).expect("a's first");
        let second = gate.enter(Some(a)).expect("a's second");
        assert!(gate.enter(Some(a)).is_none(), "a's third waits");
        let third = gate.enter(Some(b)).expect("b's first");
        assert!(gate.enter(Some(b_too)).is_none(), "three in all");
        drop(first);
        assert!(gate.enter(Some(b_too)).is_some(), "a slot came free");
        drop((second, third));
        let counts = gate.counts.lock().unwrap();
        assert_eq!(counts.total, 0);
        assert!(counts.by_address.is_empty(), "no address kept");
    }
}
