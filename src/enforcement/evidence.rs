//! Evidence for an objection: PDF, PNG or JPEG files of at most 10 MB, five at most. The type is
//! read from the content, never from the name or the browser's word, and the content must be
//! what its type says (issue 21 point 3): a PDF must parse as one (lopdf) and have a page; a
//! picture is decoded and encoded anew, which keeps the picture and nothing else (no script
//! after the image's end, no metadata). SVG is not a picture we take. Files are stored under
//! `{data_dir}/evidence/` with a random name, outside anything the web server serves, and handed
//! out by `serve` only, to the participant whose objection it is of (or a manager), as
//! `evidence-{number}.{type}` whatever the upload was called.

use std::cell::Cell;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use actix_web::{web, HttpResponse};
use diesel::QueryResult;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::ids::{ObjectionFileId, ParticipantId};
use crate::db::schema::{objection_files, objections};
use crate::db::AnyConnection;
use crate::state::AppState;
use crate::web::{with_conn, AppError};

pub const MAX_FILES: usize = 5;
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// A picture's longest side, in pixels: a phone's 48-megapixel photo fits.
pub const MAX_IMAGE_SIDE: u32 = 8000;
/// What decoding one picture may allocate (an 8000 x 6000 RGB photo is 144 MB).
const MAX_IMAGE_DECODE_BYTES: u64 = 160 * 1024 * 1024;
/// What one stream of a PDF may inflate to while it is parsed (object and xref streams hold
/// small objects; a page's content is not inflated to check the file).
const MAX_PDF_STREAM_BYTES: usize = 4 * 1024 * 1024;
/// Object streams in one PDF: with the bound above, what a parse may hold at most.
const MAX_PDF_OBJECT_STREAMS: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Png,
    Jpeg,
}

impl FileType {
    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
        }
    }

    pub fn parse(content_type: &str) -> Option<FileType> {
        match content_type {
            "application/pdf" => Some(FileType::Pdf),
            "image/png" => Some(FileType::Png),
            "image/jpeg" => Some(FileType::Jpeg),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Png => "png",
            FileType::Jpeg => "jpg",
        }
    }
}

/// The name a stored file is offered under: its number and its type, never the upload's
/// name (`proof.html`, `evil.hta` or a name reversed by U+202E all become `evidence-12.pdf`).
pub fn download_name(file_id: ObjectionFileId, content_type: &str) -> String {
    let extension = FileType::parse(content_type).map_or("bin", FileType::extension);
    format!("evidence-{file_id}.{extension}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    Empty,
    TooLarge,
    /// Not a PDF, PNG or JPEG, whatever its name says.
    NotAllowed,
    /// Begins as a PDF but does not parse as one with a page.
    BrokenPdf,
    /// Begins as a PNG or JPEG but does not decode (or is larger than we decode).
    BrokenImage,
}

impl FileProblem {
    pub fn message_key(self) -> &'static str {
        match self {
            FileProblem::Empty => "error-evidence-empty",
            FileProblem::TooLarge => "error-evidence-too-large",
            FileProblem::NotAllowed => "error-evidence-type",
            FileProblem::BrokenPdf => "error-evidence-pdf",
            FileProblem::BrokenImage => "error-evidence-image",
        }
    }
}

/// A file that is what it says: its type and the bytes to keep (a picture encoded anew).
#[derive(Debug)]
pub struct Accepted {
    pub file_type: FileType,
    pub bytes: Vec<u8>,
}

/// What the bytes are by their signature: PDF, PNG, JPEG, or a problem.
fn sniff(bytes: &[u8]) -> Result<FileType, FileProblem> {
    if bytes.is_empty() {
        return Err(FileProblem::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileProblem::TooLarge);
    }
    match infer::get(bytes).map(|t| t.mime_type()) {
        Some("application/pdf") => Ok(FileType::Pdf),
        Some("image/png") => Ok(FileType::Png),
        Some("image/jpeg") => Ok(FileType::Jpeg),
        _ => Err(FileProblem::NotAllowed),
    }
}

/// Checks an upload and returns what to keep: a PDF as sent once it parses, a picture decoded
/// and encoded again in its own format. CPU and memory bound (a picture's decoding is capped
/// by `MAX_IMAGE_SIDE` and `MAX_IMAGE_DECODE_BYTES`); run it off the async workers.
pub fn inspect(bytes: Vec<u8>) -> Result<Accepted, FileProblem> {
    let file_type = sniff(&bytes)?;
    // A parser's panic on a hostile file is a refusal of that file, not a failed request.
    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match file_type {
        FileType::Pdf => check_pdf(&bytes).map(|()| None),
        FileType::Png | FileType::Jpeg => reencode(&bytes, file_type).map(Some),
    }));
    match checked {
        Ok(Ok(None)) => Ok(Accepted { file_type, bytes }),
        Ok(Ok(Some(bytes))) => Ok(Accepted { file_type, bytes }),
        Ok(Err(problem)) => Err(problem),
        Err(_) if file_type == FileType::Pdf => Err(FileProblem::BrokenPdf),
        Err(_) => Err(FileProblem::BrokenImage),
    }
}

thread_local! {
    /// The object streams met by the parse running on this thread (lopdf's filter is a plain
    /// function; without rayon the whole parse runs on the calling thread).
    static OBJECT_STREAMS: Cell<usize> = const { Cell::new(0) };
}

/// lopdf's filter: keeps every object, but drops the object streams past
/// `MAX_PDF_OBJECT_STREAMS` (each may inflate to `MAX_PDF_STREAM_BYTES`), which refuses the
/// file: many small bombs are no better than one large one.
fn count_object_streams(
    id: lopdf::ObjectId,
    object: &mut lopdf::Object,
) -> Option<(lopdf::ObjectId, lopdf::Object)> {
    if let lopdf::Object::Stream(stream) = object {
        if stream.dict.has_type(b"ObjStm") {
            let seen = OBJECT_STREAMS.with(|n| {
                n.set(n.get() + 1);
                n.get()
            });
            if seen > MAX_PDF_OBJECT_STREAMS {
                return None;
            }
        }
    }
    // lopdf keeps `object` itself for objects read from the file, and what is returned for
    // those read from an object stream: both must be the object.
    Some((id, object.clone()))
}

/// A PDF that parses, with at least one page. Its pages are not rendered: a manager's own
/// reader shows them.
fn check_pdf(bytes: &[u8]) -> Result<(), FileProblem> {
    OBJECT_STREAMS.with(|n| n.set(0));
    let mut options = lopdf::LoadOptions::with_filter(count_object_streams);
    options.max_decompressed_size = Some(MAX_PDF_STREAM_BYTES);
    let document = lopdf::Document::load_mem_with_options(bytes, options)
        .map_err(|_| FileProblem::BrokenPdf)?;
    if OBJECT_STREAMS.with(Cell::get) > MAX_PDF_OBJECT_STREAMS {
        return Err(FileProblem::BrokenPdf);
    }
    if document.get_pages().is_empty() {
        return Err(FileProblem::BrokenPdf);
    }
    Ok(())
}

/// The picture decoded (at most `MAX_IMAGE_SIDE` a side, turned as its EXIF orientation says)
/// and encoded again: PNG as PNG, JPEG as JPEG. Whatever else the file held is gone.
fn reencode(bytes: &[u8], file_type: FileType) -> Result<Vec<u8>, FileProblem> {
    use image::ImageDecoder;
    let format = match file_type {
        FileType::Png => image::ImageFormat::Png,
        FileType::Jpeg => image::ImageFormat::Jpeg,
        FileType::Pdf => return Err(FileProblem::NotAllowed),
    };
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_DECODE_BYTES);
    reader.limits(limits);
    let broken = |_| FileProblem::BrokenImage;
    let mut decoder = reader.into_decoder().map_err(broken)?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = image::DynamicImage::from_decoder(decoder).map_err(broken)?;
    picture.apply_orientation(orientation);
    let mut out = Cursor::new(Vec::new());
    match file_type {
        FileType::Jpeg => {
            let rgb = picture.into_rgb8();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
                .encode_image(&rgb)
                .map_err(broken)?;
        }
        _ => picture
            .write_to(&mut out, image::ImageFormat::Png)
            .map_err(broken)?,
    }
    Ok(out.into_inner())
}

/// A file written to the evidence folder.
#[derive(Debug, Clone)]
pub struct Stored {
    pub file_name: String,
    pub file_type: FileType,
    pub size: usize,
    pub stored_as: String,
    pub sha256: String,
}

pub fn folder(data_dir: &Path) -> PathBuf {
    data_dir.join("evidence")
}

/// Writes an accepted file under a random name; the caller records it (and removes the file
/// should recording fail). `file_name` is the upload's name, kept as text to show.
pub fn store(data_dir: &Path, file_name: &str, file: &Accepted) -> std::io::Result<Stored> {
    let folder = folder(data_dir);
    std::fs::create_dir_all(&folder)?;
    let mut random = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut random);
    let stored_as = hex::encode(random);
    std::fs::write(folder.join(&stored_as), &file.bytes)?;
    Ok(Stored {
        file_name: clean_name(file_name),
        file_type: file.file_type,
        size: file.bytes.len(),
        stored_as,
        sha256: hex::encode(Sha256::digest(&file.bytes)),
    })
}

/// The upload's name as shown, as text only: no path, no control characters, no direction
/// controls or other invisible format characters ("bewijs<U+202E>fdp.exe" would show as
/// "bewijsexe.pdf"), at most 120 characters.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base
        .chars()
        .filter(|&c| !c.is_control() && !crate::domain::text::is_invisible(c) && c != '"')
        .take(120)
        .collect();
    if cleaned.trim().is_empty() {
        "evidence".to_owned()
    } else {
        cleaned
    }
}

pub fn read(data_dir: &Path, stored_as: &str) -> std::io::Result<Vec<u8>> {
    // Names are ours (hex); anything else never reaches the file system.
    if stored_as.len() != 32 || !stored_as.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(std::io::Error::from(std::io::ErrorKind::NotFound));
    }
    std::fs::read(folder(data_dir).join(stored_as))
}

pub fn remove(data_dir: &Path, stored: &[Stored]) {
    for file in stored {
        let _ = std::fs::remove_file(folder(data_dir).join(&file.stored_as));
    }
}

/// An evidence file as it is served: the participant whose objection it is of, the type its
/// content was checked to be, and its name on disk.
#[derive(diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = objection_files)]
struct ServedFile {
    #[diesel(select_expression = objections::participant_id)]
    participant_id: ParticipantId,
    content_type: String,
    stored_as: String,
}

fn find(conn: &mut AnyConnection, file_id: ObjectionFileId) -> QueryResult<Option<ServedFile>> {
    use diesel::prelude::*;
    objection_files::table
        .inner_join(objections::table)
        .filter(objection_files::id.eq(file_id))
        .select(ServedFile::as_select())
        .first(conn)
        .optional()
}

/// An evidence file, for the participant `owner` of its objection only, or for anyone (`None`:
/// the console's managers); 404 otherwise.
pub async fn serve(
    state: &web::Data<AppState>,
    file_id: ObjectionFileId,
    owner: Option<ParticipantId>,
) -> Result<HttpResponse, AppError> {
    let data_dir = state.settings.data_dir.clone();
    let found = with_conn(state, move |conn| {
        let Some(file) = find(conn, file_id)? else {
            return Ok(None);
        };
        if owner.is_some_and(|o| o != file.participant_id) {
            return Ok(None);
        }
        let bytes = read(&data_dir, &file.stored_as).map_err(|e| AppError::Other(e.into()))?;
        Ok(Some((file.content_type, bytes)))
    })
    .await?;
    let (content_type, bytes) = found.ok_or(AppError::NotFound)?;
    Ok(response(file_id, &content_type, bytes))
}

/// An evidence file as a download named by its number and type (`evidence-12.pdf`), with the
/// type its content was checked to be, never sniffed (`nosniff`) and, should a browser show it
/// anyway, in a sandbox without script or origin (issue 21 point 3).
fn response(file_id: ObjectionFileId, content_type: &str, bytes: Vec<u8>) -> HttpResponse {
    use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
    let content_type =
        FileType::parse(content_type).map_or("application/octet-stream", FileType::content_type);
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(download_name(
                file_id,
                content_type,
            ))],
        })
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CONTENT_SECURITY_POLICY, "sandbox"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PDF of `objects` (object 1 is the catalog) with its cross-reference table.
    fn pdf_of(objects: &[&str]) -> Vec<u8> {
        let mut out = b"%PDF-1.5\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        let size = objects.len() + 1;
        out.extend(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
        for offset in offsets {
            out.extend(format!("{offset:010} 00000 n \n").as_bytes());
        }
        out.extend(
            format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n")
                .as_bytes(),
        );
        out
    }

    const ONE_PAGE: [&str; 3] = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ];

    fn picture(format: image::ImageFormat, width: u32, height: u32) -> Vec<u8> {
        let pixels = image::RgbImage::from_fn(width, height, |x, y| {
            image::Rgb([(x * 40) as u8, (y * 60) as u8, 90])
        });
        let mut out = Cursor::new(Vec::new());
        image::DynamicImage::ImageRgb8(pixels)
            .write_to(&mut out, format)
            .unwrap();
        out.into_inner()
    }

    fn holds(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_pdf_that_parses_and_pictures_that_decode_are_accepted() {
        let pdf = pdf_of(&ONE_PAGE);
        let accepted = inspect(pdf.clone()).unwrap();
        assert_eq!(accepted.file_type, FileType::Pdf);
        assert_eq!(accepted.bytes, pdf, "a PDF is kept as sent");
        for (format, file_type) in [
            (image::ImageFormat::Png, FileType::Png),
            (image::ImageFormat::Jpeg, FileType::Jpeg),
        ] {
            let accepted = inspect(picture(format, 5, 3)).unwrap();
            assert_eq!(accepted.file_type, file_type);
            let again = image::load_from_memory_with_format(&accepted.bytes, format).unwrap();
            assert_eq!((again.width(), again.height()), (5, 3));
        }
    }

    #[test]
    fn polyglots_are_refused_or_lose_everything_but_the_picture() {
        // An HTML page between a PDF's header and its end (the issue's `proof.html`).
        let html = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n";
        assert_eq!(inspect(html.to_vec()).unwrap_err(), FileProblem::BrokenPdf);
        // What the old check took for a PDF: a header, a trailer and no page.
        let no_page =
            b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
        assert_eq!(
            inspect(no_page.to_vec()).unwrap_err(),
            FileProblem::BrokenPdf
        );
        // A PNG with an SVG after its end (the issue's `pic.svg`): the picture stays.
        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>";
        let mut mixed = picture(image::ImageFormat::Png, 4, 4);
        mixed.extend_from_slice(svg);
        let kept = inspect(mixed).unwrap();
        assert_eq!(kept.file_type, FileType::Png);
        assert!(!holds(&kept.bytes, b"<svg") && !holds(&kept.bytes, b"script"));
        // A JPEG whose comment segment carries a script.
        let jpeg = picture(image::ImageFormat::Jpeg, 4, 4);
        let comment = b"<script>alert(1)</script>";
        let mut commented = jpeg[..2].to_vec();
        commented.extend_from_slice(&[0xFF, 0xFE, 0, (comment.len() + 2) as u8]);
        commented.extend_from_slice(comment);
        commented.extend_from_slice(&jpeg[2..]);
        assert!(holds(&commented, b"<script>"));
        let kept = inspect(commented).unwrap();
        assert_eq!(kept.file_type, FileType::Jpeg);
        assert!(!holds(&kept.bytes, b"<script>"));
        // An SVG alone is no picture of ours; a cut-off PNG does not decode.
        assert_eq!(inspect(svg.to_vec()).unwrap_err(), FileProblem::NotAllowed);
        let png = picture(image::ImageFormat::Png, 40, 40);
        assert_eq!(
            inspect(png[..png.len() / 2].to_vec()).unwrap_err(),
            FileProblem::BrokenImage
        );
    }

    #[test]
    fn a_picture_wider_than_we_decode_and_a_pdf_of_many_object_streams_are_refused() {
        let wide = picture(image::ImageFormat::Png, MAX_IMAGE_SIDE + 1, 1);
        assert_eq!(inspect(wide).unwrap_err(), FileProblem::BrokenImage);
        let just = picture(image::ImageFormat::Png, MAX_IMAGE_SIDE, 1);
        assert!(inspect(just).is_ok());
        let stream = "<< /Type /ObjStm /N 0 /First 0 /Length 0 >>\nstream\n\nendstream";
        let mut objects = ONE_PAGE.to_vec();
        objects.extend(std::iter::repeat_n(stream, MAX_PDF_OBJECT_STREAMS));
        assert!(inspect(pdf_of(&objects)).is_ok());
        objects.push(stream);
        assert_eq!(
            inspect(pdf_of(&objects)).unwrap_err(),
            FileProblem::BrokenPdf
        );
    }

    #[test]
    fn files_that_lie_about_their_type_are_refused() {
        // A script, a ZIP, an HTML page: whatever name they come with.
        for bytes in [
            &b"#!/bin/sh\nrm -rf /\n"[..],
            b"PK\x03\x04rest",
            b"<html><script>alert(1)</script>",
        ] {
            assert_eq!(
                inspect(bytes.to_vec()).unwrap_err(),
                FileProblem::NotAllowed
            );
        }
        assert_eq!(inspect(Vec::new()).unwrap_err(), FileProblem::Empty);
        let mut big = pdf_of(&ONE_PAGE);
        big.resize(MAX_FILE_BYTES + 1, b' ');
        assert_eq!(inspect(big).unwrap_err(), FileProblem::TooLarge);
    }

    #[test]
    fn a_stored_file_is_offered_under_its_number_and_type() {
        for (id, mime, name) in [
            (12, "application/pdf", "evidence-12.pdf"),
            (3, "image/png", "evidence-3.png"),
            (4, "image/jpeg", "evidence-4.jpg"),
            (5, "text/html", "evidence-5.bin"),
        ] {
            assert_eq!(download_name(ObjectionFileId(id), mime), name);
        }
    }

    #[test]
    fn names_lose_their_paths() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\x\\proof.pdf"), "proof.pdf");
        assert_eq!(clean_name("a\"b\n.pdf"), "ab.pdf");
        assert_eq!(clean_name("bewijs\u{202e}fdp.exe"), "bewijsfdp.exe");
        assert_eq!(clean_name("be\u{200b}wijs\u{feff}.pdf"), "bewijs.pdf");
        assert_eq!(clean_name(""), "evidence");
    }

    #[test]
    fn only_our_names_are_read() {
        let dir = std::env::temp_dir();
        assert!(read(&dir, "../secret.key").is_err());
        assert!(read(&dir, "zz").is_err());
    }
}
