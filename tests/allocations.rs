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
    f(); // warm up: the per-thread engine and the keyword searches, built once
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    f();
    ALLOCATIONS.load(Ordering::Relaxed) - before
}

const SCRIPT: &str = "CREATE TABLE t (id INT) WITH ('connector' = 'datagen', 'rows-per-second' = '5');\n\
    INSERT INTO t SELECT 'it''s', 1 FROM s; -- CREATE CONNECTION in a comment with no options\n\
    /* ALTER TABLE t */ SELECT connection FROM c;\n";
/// The bench's statement: its name has three parts, which a secret holds joined.
const ONE: &str = "CREATE CONNECTION `prod`.`support`.`openai-summaries`\n  WITH (\n    'type' = 'openai',\n    'endpoint' = 'https://api.openai.com/v1/chat/completions',\n    'api-key' = 'sk-proj-7Hq2ExampleKeyDoNotUse0123456789'\n  );\n";
/// The same with a one-part name, which a secret borrows like its key and value.
const ONE_PART: &str = "CREATE CONNECTION `openai-summaries`\n  WITH (\n    'type' = 'openai',\n    'endpoint' = 'https://api.openai.com/v1/chat/completions',\n    'api-key' = 'sk-proj-7Hq2ExampleKeyDoNotUse0123456789'\n  );\n";

/// One test, so no other test thread allocates while it counts.
///
/// Nothing masked: no allocation. One statement: the output text and the list of secrets; a
/// `Secret` borrows its key, value, raw text and a one-part connection name from the input,
/// and owns only a name it had to join (`prod.support.openai-summaries`). Into reused buffers:
/// only that name. `cargo test --release --test allocations -- --nocapture` prints the counts.
#[test]
fn allocations_per_call() {
    let r = sqlredact::Redactor::new();
    assert_eq!(allocations(|| assert!(r.redact(SCRIPT).is_unchanged())), 0);
    for (input, name_parts, expected, into_expected) in [(ONE_PART, 1, 2, 0), (ONE, 3, 3, 1)] {
        let one = allocations(|| assert_eq!(r.redact(input).secrets().len(), 1));
        println!("allocations for one statement, {name_parts}-part name: {one}");
        assert_eq!(one, expected, "{name_parts}-part name");
        let (mut text, mut secrets, mut warnings) = (String::new(), Vec::new(), Vec::new());
        let mut reuse = || {
            text.clear();
            secrets.clear();
            warnings.clear();
            r.redact_into(input, &mut text, &mut secrets, &mut warnings);
        };
        reuse();
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        reuse();
        let into = ALLOCATIONS.load(Ordering::Relaxed) - before;
        println!("  into reused buffers: {into}");
        assert_eq!(
            into, into_expected,
            "{name_parts}-part name, reused buffers"
        );
    }
}
