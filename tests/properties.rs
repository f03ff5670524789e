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
    let lower = plain.to_ascii_lowercase();
    let starts = (0..plain.len()).filter(|&i| {
        // every word that may start a statement (SPEC sections 2 and 8)
        [
            "create", "alter", "set", "copy", "unload", "change", "grant",
        ]
        .iter()
        .any(|w| lower[i..].starts_with(w.as_bytes()))
    });
    let closes = starts
        .into_iter()
        .chain([0])
        .all(|i| everything_closes(&plain[i..]));
    // inside a SQL literal, a value that the reading as written finds as well (a bare token, a
    // double-quoted literal) is reported by it and masked as written (SPEC §9's order, and
    // the `fam-` cases): the literal then breaks, and a second pass reads it differently; a
    // `'…'` value reads as `''…''` there, which the SQL reading alone finds
    let alone = redactor.redact_bytes(plain);
    let literals = alone.secrets().iter().all(|s| {
        let raw = s.raw();
        let prefix = raw.iter().position(|&b| b == b'\'').unwrap_or(raw.len());
        // `''` doubles to `''''`, which the reading as written reads as one literal too
        raw != b"''"
            && prefix < raw.len()
            && raw[..prefix]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"&_".contains(b))
    });
    // (and a `"` or `` ` `` key or literal inside reads differently in the two: `'a"k"='` is one literal
    // in the SQL reading, a key `"k"` as written)
    // (and where the literals pair up differently read from another quote: `'a'='b,k='c'`)
    let quotes_pair = (0..plain.len())
        .filter(|&i| plain[i] == b'\'')
        .all(|i| everything_closes(&plain[i..]));
    let breaks = matches!(how, Embedding::Sql | Embedding::SqlInJson)
        && (!literals || !quotes_pair || plain.iter().any(|b| b"\"`".contains(b)));
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

/// Whether every literal, quoted identifier and block comment in `text` closes (SPEC §4).
fn everything_closes(text: &[u8]) -> bool {
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let close: Option<usize> = match rest[0] {
            q @ (b'\'' | b'"' | b'`') => {
                let mut j = 1;
                loop {
                    match rest[j..].iter().position(|&b| b == q) {
                        None => break None,
                        Some(k) if rest.get(j + k + 1) == Some(&q) => j += k + 2,
                        Some(k) => break Some(j + k + 1),
                    }
                }
            }
            b'/' if rest.starts_with(b"/*") => {
                rest[2..].windows(2).position(|w| w == b"*/").map(|k| k + 4)
            }
            b'-' if rest.starts_with(b"--") => {
                Some(rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len()))
            }
            _ => Some(1),
        };
        match close {
            Some(len) => i += len,
            None => return false,
        }
    }
    true
}
