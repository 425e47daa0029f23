//! Evidence for an objection: PDF, PNG or JPEG files of at most 10 MB, five at most. The type is
//! read from the content (its signature and its end), never from the name or the browser's
//! word. Files are stored under `{data_dir}/evidence/` with a random name, outside anything the
//! web server serves, and handed out only by the routes that check who asks.

use std::path::{Path, PathBuf};

use rand::RngCore;
use sha2::{Digest, Sha256};

pub const MAX_FILES: usize = 5;
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

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
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileProblem {
    Empty,
    TooLarge,
    /// Not a whole PDF, PNG or JPEG, whatever its name says.
    NotAllowed,
}

impl FileProblem {
    pub fn message_key(self) -> &'static str {
        match self {
            FileProblem::Empty => "error-evidence-empty",
            FileProblem::TooLarge => "error-evidence-too-large",
            FileProblem::NotAllowed => "error-evidence-type",
        }
    }
}

/// What the bytes are: a PDF, PNG or JPEG that begins and ends as one, or a problem.
pub fn check(bytes: &[u8]) -> Result<FileType, FileProblem> {
    if bytes.is_empty() {
        return Err(FileProblem::Empty);
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileProblem::TooLarge);
    }
    let kind = match infer::get(bytes).map(|t| t.mime_type()) {
        Some("application/pdf") => FileType::Pdf,
        Some("image/png") => FileType::Png,
        Some("image/jpeg") => FileType::Jpeg,
        _ => return Err(FileProblem::NotAllowed),
    };
    // The signature alone would let a file of another kind pass with a few bytes in front:
    // each kind must also end as it should.
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    let ends_well = match kind {
        FileType::Pdf => contains(tail, b"%%EOF"),
        FileType::Png => contains(tail, b"IEND"),
        FileType::Jpeg => {
            let trimmed = trim_end(bytes);
            trimmed.ends_with(&[0xFF, 0xD9])
        }
    };
    if ends_well {
        Ok(kind)
    } else {
        Err(FileProblem::NotAllowed)
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn trim_end(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .rposition(|b| !matches!(b, b'\0' | b'\r' | b'\n' | b' '))
        .map(|i| i + 1)
        .unwrap_or(0);
    &bytes[..end]
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

/// Writes `bytes` under a random name; the caller records it (and removes the file should
/// recording fail).
pub fn store(
    data_dir: &Path,
    file_name: &str,
    file_type: FileType,
    bytes: &[u8],
) -> std::io::Result<Stored> {
    let folder = folder(data_dir);
    std::fs::create_dir_all(&folder)?;
    let mut random = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut random);
    let stored_as = hex::encode(random);
    std::fs::write(folder.join(&stored_as), bytes)?;
    Ok(Stored {
        file_name: clean_name(file_name),
        file_type,
        size: bytes.len(),
        stored_as,
        sha256: hex::encode(Sha256::digest(bytes)),
    })
}

/// The name as shown and offered for download: no path, no control characters, no direction
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

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

    fn png() -> Vec<u8> {
        let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        bytes.extend_from_slice(&[0, 0, 0, 13]);
        bytes.extend_from_slice(b"IHDR");
        bytes.extend_from_slice(&[0; 17]);
        bytes.extend_from_slice(&[0, 0, 0, 0]);
        bytes.extend_from_slice(b"IEND");
        bytes.extend_from_slice(&[0xAE, 0x42, 0x60, 0x82]);
        bytes
    }

    #[test]
    fn pdf_png_and_jpeg_pass() {
        assert_eq!(check(PDF), Ok(FileType::Pdf));
        assert_eq!(check(&png()), Ok(FileType::Png));
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 0xFF, 0xD9,
        ];
        assert_eq!(check(&jpeg), Ok(FileType::Jpeg));
    }

    #[test]
    fn files_that_lie_about_their_type_are_refused() {
        // A script, a ZIP, an HTML page: whatever name they come with.
        assert_eq!(
            check(b"#!/bin/sh\nrm -rf /\n"),
            Err(FileProblem::NotAllowed)
        );
        assert_eq!(check(b"PK\x03\x04rest"), Err(FileProblem::NotAllowed));
        assert_eq!(
            check(b"<html><script>alert(1)</script>"),
            Err(FileProblem::NotAllowed)
        );
        // A PDF header in front of something that is not a PDF.
        assert_eq!(
            check(b"%PDF-1.4\n<html>not a pdf"),
            Err(FileProblem::NotAllowed)
        );
        // A cut-off PNG.
        assert_eq!(check(&png()[..20]), Err(FileProblem::NotAllowed));
        assert_eq!(check(b""), Err(FileProblem::Empty));
        let mut big = PDF.to_vec();
        big.resize(MAX_FILE_BYTES + 1, b' ');
        assert_eq!(check(&big), Err(FileProblem::TooLarge));
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
