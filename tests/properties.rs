//! Property tests on generated SQL soup: the invariants hold, the stream gives the library's
//! result however the input is cut, and line mode is each line on its own.
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
    fn line_mode_is_each_line_on_its_own(input in soup()) {
        check_line_mode(&input);
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
