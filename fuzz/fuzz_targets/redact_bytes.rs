//! Arbitrary bytes through `redact_bytes` (and `redact` when UTF-8) and through the stream with
//! a fuzzer-chosen chunking; every invariant of `tests/common/invariants.rs` must hold.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/common/invariants.rs"]
mod invariants;
#[path = "../../tests/common/reference.rs"]
mod reference;
use invariants::unicode_unescape;

fuzz_target!(|data: &[u8]| invariants::fuzz_redact_bytes(data));
