//! Measures and objections as the console and the participant's pages make them.

use diesel::prelude::*;
use portal::db::ids::{AnyId, MeasureId, ObjectionId, ParticipantId};
use portal::db::schema::measures;
pub use portal::enforcement::subjects::SubjectKind;
pub use portal::participants::MeasureKind;

use super::{csrf_token, TestApp};

/// The value of the first hidden field `name` in a page.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker)?;
    let rest = &html[at + marker.len()..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// Takes a measure on `participant_id`'s console page as a manager would: the page's CSRF
/// token and one-time key, plus `fields` (`kind`, `clauses`, `reason`, …).
pub async fn take(
    app: &TestApp,
    client: &reqwest::Client,
    participant_id: ParticipantId,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = format!("/en/manage/participants/{participant_id}");
    // The form's second step, where the measure chosen shows its fields and the form's key.
    let kind = fields
        .iter()
        .find(|(name, _)| *name == "kind")
        .map_or("warning", |(_, kind)| *kind);
    let html = client
        .get(app.url(&format!("{page}?kind={}", urlencoding(kind))))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_token(&html).expect("a csrf token");
    let key = hidden(&html, "request_key").expect("a request key");
    let mut body: Vec<(&str, &str)> = vec![("csrf_token", &token), ("request_key", &key)];
    body.extend_from_slice(fields);
    client
        .post(app.url(&format!("{page}/measures")))
        .form(&body)
        .send()
        .await
        .unwrap()
}

/// A measure as the console's form sends it: its kind, the clauses it cites (in this order), the
/// manager's reason, and the fields its kind adds (`amount`, `restriction`, `ban`, …).
pub struct Measure<'a> {
    fields: Vec<(&'a str, &'a str)>,
}

impl<'a> Measure<'a> {
    pub fn new(kind: MeasureKind, clauses: &[&'a str], reason: &'a str) -> Measure<'a> {
        let mut fields = vec![("kind", kind.as_str())];
        fields.extend(clauses.iter().map(|clause| ("clauses", *clause)));
        fields.push(("reason", reason));
        Measure { fields }
    }

    /// A warning (F.11.a) citing `clauses`.
    pub fn warning(clauses: &[&'a str], reason: &'a str) -> Measure<'a> {
        Measure::new(MeasureKind::Warning, clauses, reason)
    }

    /// One more field of the form (a field may repeat).
    pub fn with(mut self, name: &'a str, value: &'a str) -> Measure<'a> {
        self.fields.push((name, value));
        self
    }
}

/// `measure` taken on the console with `take` (refused if the console does not take it), and
/// its id: for a test that starts from a measure.
pub async fn taken(
    app: &TestApp,
    client: &reqwest::Client,
    participant_id: ParticipantId,
    measure: Measure<'_>,
) -> MeasureId {
    let r = take(app, client, participant_id, &measure.fields).await;
    assert_eq!(r.status().as_u16(), 303, "the measure is taken");
    last_measure(app)
}

fn urlencoding(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

/// The objection to the action `kind` `id` (the one a test filed).
pub fn objection_to(app: &TestApp, kind: SubjectKind, id: impl AnyId) -> ObjectionId {
    use portal::db::schema::objections;
    objections::table
        .filter(objections::subject_kind.eq(kind))
        .filter(objections::subject_id.eq(id.number()))
        .select(objections::id)
        .first(&mut *app.conn())
        .unwrap()
}

/// The newest measure's id.
pub fn last_measure(app: &TestApp) -> MeasureId {
    measures::table
        .order(measures::id.desc())
        .select(measures::id)
        .first(&mut *app.conn())
        .unwrap()
}

/// A small PDF that is a PDF from its first byte to its last: one page, and the
/// cross-reference table at the offsets its objects are at.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n\
2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n\
3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>\nendobj\n\
xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n\
trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n";

/// A one-page PDF of exactly `size` bytes: a comment after the header fills it up, and the
/// cross-reference table points where the objects are.
pub fn pdf_of_size(size: usize) -> Vec<u8> {
    let build = |filler: usize| {
        let mut out = b"%PDF-1.4\n%".to_vec();
        out.resize(out.len() + filler, b'x');
        out.push(b'\n');
        let mut offsets = Vec::new();
        for (i, body) in [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        ]
        .iter()
        .enumerate()
        {
            offsets.push(out.len());
            out.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend(b"xref\n0 4\n0000000000 65535 f \n");
        for offset in offsets {
            out.extend(format!("{offset:010} 00000 n \n").as_bytes());
        }
        out.extend(
            format!("trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
        );
        out
    };
    // The offset's digits grow with the filler: settle in a few rounds.
    let mut filler = size.saturating_sub(build(0).len());
    loop {
        let pdf = build(filler);
        match pdf.len().cmp(&size) {
            std::cmp::Ordering::Equal => return pdf,
            std::cmp::Ordering::Greater => filler -= pdf.len() - size,
            std::cmp::Ordering::Less => filler += size - pdf.len(),
        }
    }
}

/// A small picture (a gradient) encoded as `format` (PNG or JPEG), as a camera or a
/// screenshot tool would make it.
pub fn picture(format: image::ImageFormat, width: u32, height: u32) -> Vec<u8> {
    let pixels = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 7) as u8, (y * 11) as u8, 120])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(pixels)
        .write_to(&mut out, format)
        .unwrap();
    out.into_inner()
}

/// Files an objection to `measure_id` from the notice page at `page` (posting to `action`),
/// with `files` as (name, content type as the browser claims it, bytes).
pub async fn object(
    app: &TestApp,
    client: &reqwest::Client,
    page: &str,
    action: &str,
    text: &str,
    files: &[(&str, &str, &[u8])],
) -> reqwest::Response {
    let html = client
        .get(app.url(page))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = csrf_token(&html).expect("a csrf token on the notice");
    let mut form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("text", text.to_owned());
    for (name, content_type, bytes) in files {
        let part = reqwest::multipart::Part::bytes(bytes.to_vec())
            .file_name(name.to_string())
            .mime_str(content_type)
            .unwrap();
        form = form.part("evidence", part);
    }
    client
        .post(app.url(action))
        .multipart(form)
        .send()
        .await
        .unwrap()
}
