//! Property tests: the invariants hold on generated input, and the stream gives the library's
//! result however the input is cut.

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
    fn invariants_hold_on_soup(input in soup()) {
        for r in &redactors() {
            check_invariants(r, &input);
        }
    }

    #[test]
    fn any_chunking_streams_the_same_bytes(input in soup(), cuts in prop::collection::vec(0usize..400, 0..12)) {
        for r in &redactors() {
            let whole = r.redact_bytes(&input);
            let streamed = stream_cut(r, &input, &cuts);
            prop_assert_eq!(String::from_utf8_lossy(&streamed.text), String::from_utf8_lossy(whole.bytes()));
            let a: Vec<_> = whole.secrets().iter().map(fields).collect();
            let b: Vec<_> = streamed.secrets.iter().map(fields).collect();
            prop_assert_eq!(a, b);
            let a: Vec<_> = whole.warnings().iter().map(warning_fields).collect();
            let b: Vec<_> = streamed.warnings.iter().map(warning_fields).collect();
            prop_assert_eq!(a, b);
        }
    }

    #[test]
    fn line_mode_is_each_line_on_its_own(input in soup()) {
        let lines = Redactor::builder().lines(true).build();
        let whole = Redactor::new();
        let out = lines.redact_bytes(&input);
        let mut expected = Vec::new();
        let mut at = 0;
        for piece in input.split_inclusive(|&b| b == b'\n') {
            let content_len = piece.len() - match piece {
                [.., b'\r', b'\n'] => 2,
                [.., b'\n'] => 1,
                _ => 0,
            };
            let one = whole.redact_bytes(&piece[..content_len]);
            expected.extend_from_slice(one.bytes());
            expected.extend_from_slice(&piece[content_len..]);
            let _ = at;
            at += piece.len();
        }
        prop_assert_eq!(out.bytes(), expected.as_slice());
    }
}

#[test]
fn one_byte_at_a_time_streams_the_same_bytes() {
    for case in std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/conformance"
    ))
    .unwrap()
    {
        let input = std::fs::read(case.unwrap().path().join("input.sql")).unwrap();
        let cuts: Vec<usize> = (0..input.len()).collect();
        for r in &redactors() {
            let streamed = stream_cut(r, &input, &cuts);
            assert_eq!(
                streamed.text,
                r.redact_bytes(&input).bytes(),
                "{}",
                String::from_utf8_lossy(&input)
            );
        }
    }
}
