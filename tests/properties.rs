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
    fn statements_agree_with_the_reference_and_hold_the_invariants(input in any_statement(), cuts in prop::collection::vec(0usize..400, 0..6)) {
        check_against_reference(&input);
        check_invariants_cut(&Redactor::new(), &input, &cuts);
        check_line_mode(&input);
    }

    #[test]
    fn embedded_statements_are_masked_inside_their_record(
        (plain, how) in embedded(),
        cuts in prop::collection::vec(0usize..600, 0..4),
    ) {
        check_embedded(&plain, how, &cuts);
    }

    #[test]
    fn line_mode_ends_statements_at_a_line_of_one_semicolon(input in soup()) {
        check_line_mode(&input);
    }

    #[test]
    fn soup_cut_anywhere_reads_as_whole(input in soup()) {
        check_every_cut(&input);
    }

    #[test]
    fn statements_cut_anywhere_read_as_whole(input in any_statement()) {
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
    let out = Redactor::new().redact_bytes(input);
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

/// SPEC §9 on a generated statement embedded in a record: the invariants hold, the record still
/// parses (the literal still closes where it did), and the statement inside it is masked.
#[track_caller]
fn check_embedded(plain: &[u8], how: Embedding, cuts: &[usize]) {
    let record = embed(plain, how);
    let redactor = Redactor::new();
    // a literal or comment the statement leaves open runs on over the record's end in the
    // reading as written, which fails closed (SPEC §9): the record may then break
    let closes = every_statement_closes(plain);
    let breaks = pairings_differ(&redactor, plain, how);
    let alone = redactor.redact_bytes(plain);
    if breaks {
        // what still holds: any cut reads as the whole
        check_cuts(&record, cuts);
        return;
    }
    check_invariants_cut(&redactor, &record, cuts);
    // the record's own closing quote may also be read as the value of a statement cut short
    // (`… WITH (api_key ` + `');`): only whole statements keep their record whole
    let whole = plain.ends_with(b")") || plain.ends_with(b");");
    if !closes || !whole {
        return;
    }
    let out = redactor.redact_bytes(&record);
    let inside = unembed(out.bytes(), how);
    prop_assert_eq_or_panic(inside.is_some(), true, "the record still parses");
    // and the statement inside is masked: read on its own it has nothing left to mask (the
    // other readings of the record may mask more than it alone, never less)
    let inside = inside.unwrap_or_default();
    let again = redactor.redact_bytes(&inside);
    // (unless a value is glued to the literal that is the next key: masked, the two read as
    // one literal, which SPEC §3 accepts)
    let glued = alone
        .secrets()
        .iter()
        .any(|s| plain.get(s.span().end) == Some(&b'\''));
    if !glued {
        prop_assert_eq_or_panic(again.secrets().len(), 0, "the statement inside is masked");
    }
    if !alone.secrets().is_empty() {
        prop_assert_eq_or_panic(inside != plain, true, "and changed where it holds secrets");
    }
}

#[track_caller]
fn prop_assert_eq_or_panic<T: PartialEq + std::fmt::Debug>(a: T, b: T, what: &str) {
    assert!(a == b, "{what}: {a:?} != {b:?}");
}
