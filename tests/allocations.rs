//! Heap allocations per call, counted with a counting global allocator (this test binary
//! only). Timing is never asserted; allocation counts are exact and machine-independent.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations(f: impl Fn()) -> usize {
    f(); // warm up: the finder's per-thread cache
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    f();
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

const SCRIPT: &str = "CREATE TABLE t (id INT) WITH ('connector' = 'datagen', 'password' = 'not-a-connection');\n\
    INSERT INTO t SELECT 'it''s', 1 FROM s; -- CREATE CONNECTION in a comment with no options\n\
    /* ALTER TABLE t */ SELECT connection FROM c;\n";
const ONE: &str = "CREATE CONNECTION `prod`.`support`.`openai-summaries`\n  WITH (\n    'type' = 'openai',\n    'endpoint' = 'https://api.openai.com/v1/chat/completions',\n    'api-key' = 'sk-proj-7Hq2ExampleKeyDoNotUse0123456789'\n  );\n";

/// One test, so no other test thread allocates while it counts.
///
/// Nothing masked: no allocation. One statement: the target is two (the output text and the
/// list of secrets); a `Secret` owns its key, value, connection name and raw text, which is
/// where most of the rest goes. The bound keeps the count from growing unnoticed;
/// `cargo test --release --test allocations -- --nocapture` prints it.
#[test]
fn allocations_per_call() {
    let r = sqlredact::Redactor::new();
    assert_eq!(allocations(|| assert!(r.redact(SCRIPT).is_unchanged())), 0);
    one_statement_allocations_stay_bounded();
}

/// The target is two (the output text and the list of secrets); a `Secret` owns its key, value,
/// connection name and raw text, which is where most of the rest goes. This keeps the count
/// from growing unnoticed; `cargo test --release --test allocations -- --nocapture` prints it.
fn one_statement_allocations_stay_bounded() {
    let r = sqlredact::Redactor::new();
    let one = allocations(|| assert_eq!(r.redact(ONE).secrets().len(), 1));
    println!("allocations for one statement: {one}");
    assert!(one <= 12, "{one} allocations");
    let (mut text, mut secrets, mut warnings) = (String::new(), Vec::new(), Vec::new());
    let mut reuse = || {
        text.clear();
        secrets.clear();
        warnings.clear();
        r.redact_into(ONE, &mut text, &mut secrets, &mut warnings);
    };
    reuse();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    reuse();
    let into = ALLOCATIONS.load(Ordering::Relaxed) - before;
    println!("allocations for one statement into reused buffers: {into}");
    assert!(into < one);
}
