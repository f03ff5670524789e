//! Arbitrary bytes through `redact_bytes` (and `redact` when UTF-8) and through the stream with
//! a fuzzer-chosen chunking; every invariant of `tests/common/invariants.rs` must hold.

#![no_main]

use libfuzzer_sys::fuzz_target;
use sqlredact::Redactor;

#[path = "../../tests/common/invariants.rs"]
mod invariants;

fuzz_target!(|data: &[u8]| {
    // the first bytes choose the chunking and the policy; the rest is the input
    let (head, input) = data.split_at(data.len().min(4));
    let step = head.first().map_or(7, |&b| b as usize + 1);
    let cuts: Vec<usize> = (step..input.len()).step_by(step).collect();
    let redactor = match head.get(1).map(|b| b % 3) {
        Some(1) => Redactor::builder().lines(true).build(),
        Some(2) => Redactor::builder().strict(true).mask("it's").build(),
        _ => Redactor::new(),
    };
    invariants::check_invariants_cut(&redactor, input, &cuts);
    invariants::check_line_mode(input);
    if let Ok(text) = std::str::from_utf8(input) {
        let r = redactor.redact(text);
        assert_eq!(r.text().as_bytes(), redactor.redact_bytes(input).bytes());
    }
});
