//! Shared by the integration tests: generators of SQL-shaped input and the invariant checker.

#![allow(dead_code)]

use proptest::prelude::*;
use sqlredact::stream::Output;
use sqlredact::{Redactor, Secret, Warning};

/// Fragments weighted toward what changes how a connection statement is read.
pub const FRAGMENTS: &[&str] = &[
    "CREATE ",
    "ALTER ",
    "create",
    "CONNECTION ",
    "connection",
    " OR REPLACE ",
    "IF NOT EXISTS ",
    "c ",
    "`a`.`b`.c ",
    "WITH ",
    "SET ",
    "(",
    ")",
    "(",
    ")",
    "'",
    "''",
    "\"",
    "`",
    "--",
    "/*",
    "*/",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "=",
    "=>",
    ":",
    ",",
    ";",
    "'api-key'",
    "api-key",
    "'password'",
    "token",
    "'sk-1234'",
    "'pw-5678'",
    "tok9876",
    "x",
    "N'",
    "U&'",
    "X'",
    "_UTF8'",
    "UESCAPE '!'",
    "\\n",
    "ap-key",
    "'pasword'",
    "\u{e9}",
    "\u{1F511}",
    "\\",
    "-",
    "/",
    "*",
    "<REDACTED>",
    "'<REDACTED>'",
    "INFO user's request: ",
    "{\"msg\":\"",
    "\"}",
    "SELECT 'CREATE CONNECTION' ",
    "\\\"",
    "\\\"client-secret\\\"",
];

/// Input made of fragments, with an occasional raw byte (possibly not UTF-8).
pub fn soup() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            8 => prop::sample::select(FRAGMENTS).prop_map(|f| f.as_bytes().to_vec()),
            1 => any::<u8>().prop_map(|b| vec![b]),
        ],
        0..60,
    )
    .prop_map(|parts| parts.concat())
}

/// The fields a test compares (the raw text is absent from streamed secrets).
pub fn fields(
    s: &Secret,
) -> (
    String,
    String,
    Option<String>,
    std::ops::Range<usize>,
    usize,
) {
    (
        s.key().to_string(),
        s.value().to_string(),
        s.connection().map(String::from),
        s.span(),
        s.line(),
    )
}

/// Streams `input` cut at `cuts` (offsets, any order).
pub fn stream_cut(redactor: &Redactor, input: &[u8], cuts: &[usize]) -> Output {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(input.len())).collect();
    cuts.push(input.len());
    cuts.sort_unstable();
    let mut stream = redactor.stream(true);
    let mut out = Output::default();
    let mut at = 0;
    for cut in cuts {
        stream.feed(&input[at..cut], &mut out);
        at = cut;
    }
    stream.finish(&mut out);
    out
}

/// The invariants every result must hold; panics naming the first one broken.
#[track_caller]
pub fn check_invariants(redactor: &Redactor, input: &[u8]) {
    let out = redactor.redact_bytes(input);
    let text = out.bytes();
    let mask = redactor.mask_literal();
    // outside the masked ranges the output equals the input, and the raw values put back give it
    let mut at = 0;
    let mut text_at = 0;
    for s in out.secrets() {
        let span = s.span();
        assert!(
            span.start >= at && span.start < span.end && span.end <= input.len(),
            "spans sorted, disjoint, in bounds: {span:?}"
        );
        assert_eq!(
            &text[text_at..text_at + span.start - at],
            &input[at..span.start],
            "bytes outside masks kept"
        );
        text_at += span.start - at;
        assert_eq!(
            &text[text_at..text_at + mask.len()],
            mask.as_bytes(),
            "mask written"
        );
        text_at += mask.len();
        assert_eq!(s.raw(), &input[span.clone()]);
        if let Ok(s) = std::str::from_utf8(input) {
            assert!(
                s.is_char_boundary(span.start) && s.is_char_boundary(span.end),
                "spans on char boundaries"
            );
        }
        at = span.end;
    }
    assert_eq!(
        &text[text_at..],
        &input[at..],
        "bytes after the last mask kept"
    );
    assert_eq!(
        out.unmask(),
        input,
        "putting the secrets back gives the input"
    );
    // masking the output again changes nothing
    let again = redactor.redact_bytes(text);
    assert!(
        again.secrets().is_empty() && again.bytes() == text,
        "masking twice changes nothing"
    );
    // no secret and no warning in a Debug output shows a value
    for s in out.secrets() {
        // a value that also spells a field name, the key or the name cannot be told apart
        let shown_anyway = format!(
            "Secret key value connection span line {:?} {:?} {:?}",
            s.key(),
            s.connection(),
            s.span()
        );
        if s.value().len() >= 4 && !shown_anyway.contains(s.value()) {
            assert!(
                !format!("{s:?}").contains(s.value()),
                "Debug hides the value"
            );
        }
    }
}

/// Warnings as compared tuples.
pub fn warning_fields(w: &Warning) -> (String, String, std::ops::Range<usize>, usize) {
    (
        w.key().to_string(),
        w.suggestion().to_string(),
        w.span(),
        w.line(),
    )
}
