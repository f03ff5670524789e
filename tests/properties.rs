//! Property tests on generated SQL soup: the invariants hold, the stream gives the library's
//! result however the input is cut, line mode is each line on its own, and cutting the input
//! into windows anywhere (at every byte) gives what the whole input gives.
//! `PROPTEST_CASES=100000 cargo test --release --test properties` for a longer run.

mod common;

use common::*;
use proptest::prelude::*;
use sqlredact::Redactor;

fn redactors() -> [Redactor; 3] {
    [
        Redactor::new(),
        Redactor::builder().lines(true).build(),
        Redactor::builder().strict(true).mask("it's").build(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000),
        ..ProptestConfig::default()
    })]

    #[test]
    fn invariants_hold_for_any_chunking(input in soup(), cuts in prop::collection::vec(0usize..400, 0..12)) {
        for r in &redactors() {
            check_invariants_cut(r, &input, &cuts);
        }
    }

    #[test]
    fn engine_agrees_with_the_simple_reference(input in soup()) {
        check_against_reference(&input);
    }

    #[test]
    fn statements_agree_with_the_reference_and_hold_the_invariants(input in statement(), cuts in prop::collection::vec(0usize..400, 0..6)) {
        check_against_reference(&input);
        check_invariants_cut(&Redactor::new(), &input, &cuts);
        check_line_mode(&input);
    }

    #[test]
    fn line_mode_is_each_line_on_its_own(input in soup()) {
        check_line_mode(&input);
    }

    #[test]
    fn soup_cut_anywhere_reads_as_whole(input in soup()) {
        check_every_cut(&input);
    }

    #[test]
    fn statements_cut_anywhere_read_as_whole(input in statement()) {
        check_every_cut(&input);
    }
}

/// The engine's secrets and warnings equal the reference's (the connection name too, unless
/// statements overlapped: then which of two statements reports a shared value may differ).
#[track_caller]
fn check_against_reference(input: &[u8]) {
    let keys: Vec<String> = sqlredact::DEFAULT_KEYS
        .iter()
        .map(|k| k.to_string())
        .collect();
    // the reference knows connection statements (SPEC §2–6), not yet §8's credential
    // statements: compare what the engine finds in connection statements alone
    let connections = Redactor::builder().connections_only(true).build();
    let out = connections.redact_bytes(input);
    let (secrets, warnings) = reference(input, &keys, "<REDACTED>", false);
    let overlap = out.overlapping_statements();
    let got: Vec<_> = out
        .secrets()
        .iter()
        .map(|s| {
            (
                s.key().to_string(),
                s.value().to_string(),
                s.connection().filter(|_| !overlap).map(String::from),
                s.span().start,
                s.span().end,
                s.line(),
            )
        })
        .collect();
    let want: Vec<_> = secrets
        .iter()
        .map(|s| {
            (
                s.key.clone(),
                s.value.clone(),
                s.connection.clone().filter(|_| !overlap),
                s.start,
                s.end,
                s.line,
            )
        })
        .collect();
    assert_eq!(got, want, "secrets of {:?}", String::from_utf8_lossy(input));
    let got: Vec<_> = out
        .warnings()
        .iter()
        .map(|w| {
            (
                w.key().to_string(),
                w.suggestion().to_string(),
                w.span().start,
                w.line(),
            )
        })
        .collect();
    let want: Vec<_> = warnings
        .iter()
        .map(|w| (w.key.clone(), w.suggestion.clone(), w.start, w.line))
        .collect();
    assert_eq!(
        got,
        want,
        "warnings of {:?}",
        String::from_utf8_lossy(input)
    );
}

#[test]
fn conformance_inputs_agree_with_the_reference() {
    for case in std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/conformance"
    ))
    .unwrap()
    {
        let path = case.unwrap().path();
        let spec = std::fs::read_to_string(path.join("expected.json")).unwrap();
        if !spec.contains("\"lines\"") {
            check_against_reference(&std::fs::read(path.join("input.sql")).unwrap());
        }
    }
}

#[test]
fn conformance_inputs_cut_anywhere_read_as_whole() {
    for case in std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/conformance"
    ))
    .unwrap()
    {
        check_every_cut(&std::fs::read(case.unwrap().path().join("input.sql")).unwrap());
    }
}

#[test]
fn conformance_inputs_streamed_one_byte_at_a_time() {
    for case in std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/conformance"
    ))
    .unwrap()
    {
        let input = std::fs::read(case.unwrap().path().join("input.sql")).unwrap();
        let cuts: Vec<usize> = (0..input.len()).collect();
        for r in &redactors() {
            check_invariants_cut(r, &input, &cuts);
        }
    }
}
