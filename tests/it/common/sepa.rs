//! Bank files checked as a bank would: against the ISO 20022 pain.001.001.03 schema kept in
//! `tests/schemas/` (see its README for the source), with `xmllint` from libxml2.

use std::io::Write;

/// Fails the test unless `xml` is well-formed and valid against pain.001.001.03.
pub fn assert_valid_pain001(xml: &str) {
    let schema =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/pain.001.001.03.xsd");
    let mut file = tempfile::NamedTempFile::new().expect("a temporary file");
    file.write_all(xml.as_bytes()).expect("write the bank file");
    let output = std::process::Command::new("xmllint")
        .arg("--noout")
        .arg("--nonet")
        .arg("--schema")
        .arg(&schema)
        .arg(file.path())
        .output()
        .expect("xmllint (Debian: libxml2-utils) validates the bank files");
    assert!(
        output.status.success(),
        "the bank file is not valid pain.001.001.03:\n{}\n{xml}",
        String::from_utf8_lossy(&output.stderr)
    );
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
