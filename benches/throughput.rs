//! sqlredact against what a user would otherwise pick, on the same inputs in one group:
//! the regex one-liner, sqlparser's tokenizer, Datadog's SQL obfuscator (with the
//! `bench-datadog` feature), and memchr's memmem as the floor.
//!
//! `cargo bench --bench throughput` (add `-- --test` to only check that every bench runs).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use regex::Regex;
use sqlredact::Redactor;

mod inputs;

const MIB: usize = 1 << 20;

fn size() -> usize {
    std::env::var("SQLREDACT_BENCH_MIB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16)
        * MIB
}

/// The one-liner a user would write (wrong on many conformance cases; a speed reference).
fn one_liner() -> Regex {
    let keys = sqlredact::DEFAULT_KEYS.join("|");
    Regex::new(&format!(r"(?i)('(?:{keys})'\s*=\s*)'(?:[^']|'')*'")).unwrap()
}

/// The one-liner a user would write for the statements of SPEC section 8 (the issue's).
fn families_one_liner() -> Regex {
    Regex::new(r"(?i)((?:'[^']*(?:password|secret|token|api[-_.]?key|access[-_.]?key)[^']*'|\b\w*(?:password|secret|token)\w*)\s*=?\s*)'(?:[^']|'')*'").unwrap()
}

fn tokens(sql: &str) -> usize {
    use sqlparser::dialect::GenericDialect;
    use sqlparser::tokenizer::Tokenizer;
    Tokenizer::new(&GenericDialect {}, sql)
        .tokenize()
        .map(|t| t.len())
        .unwrap_or(0)
}

/// What the tracing industry runs on SQL before it leaves a process: every literal replaced
/// and the text re-rendered (`cargo bench --features bench-datadog`).
#[cfg(feature = "bench-datadog")]
fn datadog(sql: &str) -> usize {
    libdd_trace_obfuscation::sql::obfuscate_sql_string(sql).map_or(0, |s| s.len())
}

fn floor(sql: &str) -> usize {
    memchr::memmem::find_iter(sql.as_bytes(), b"CONNECTION").count()
}

fn compare(c: &mut Criterion, name: &str, input: &str, secrets: usize, with_sqlparser: bool) {
    compare_with(c, name, input, secrets, with_sqlparser, one_liner());
}

fn compare_with(
    c: &mut Criterion,
    name: &str,
    input: &str,
    secrets: usize,
    with_sqlparser: bool,
    one_liner: Regex,
) {
    let redactor = Redactor::new();
    let found = redactor.redact(input).secrets().len();
    assert_eq!(
        found, secrets,
        "{name}: sqlredact must find every planted secret before timing"
    );
    let mut group = c.benchmark_group(name);
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.sample_size(10);
    group.bench_function("sqlredact", |b| {
        b.iter(|| black_box(redactor.redact(black_box(input))).secrets().len())
    });
    group.bench_function("regex_one_liner", |b| {
        b.iter(|| {
            one_liner
                .replace_all(black_box(input), "$1'<REDACTED>'")
                .len()
        })
    });
    if with_sqlparser {
        group.bench_function("sqlparser_tokenizer", |b| {
            b.iter(|| tokens(black_box(input)))
        });
    }
    #[cfg(feature = "bench-datadog")]
    group.bench_function("datadog_obfuscator", |b| {
        b.iter(|| datadog(black_box(input)))
    });
    group.bench_function("memmem_floor", |b| b.iter(|| floor(black_box(input))));
    group.finish();
}

fn shapes(c: &mut Criterion) {
    let size = size();
    let (script, n) = inputs::script(size);
    compare(c, "script", &script, n, true);
    let (logs, n) = inputs::logs(size);
    compare(c, "logs", &logs, n, true);
    let (logs, n) = inputs::json_logs(size);
    compare(c, "logs_json", &logs, n, true);
    let (dense, n) = inputs::dense(size);
    compare(c, "dense", &dense, n, true);
    let (families, n) = inputs::families(size);
    compare_with(c, "families", &families, n, true, families_one_liner());
    let (one, n) = inputs::one_statement();
    compare(c, "one_statement", &one, n, true);
    let (line, n) = inputs::one_line();
    compare(c, "one_line", &line, n, true);
}

/// The fastest of a few runs of `f`.
fn fastest(mut f: impl FnMut()) -> Duration {
    (0..5)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .min()
        .expect("five runs")
}

/// Fails when an adversarial shape costs much more per byte at 16 times the size, through the
/// library and through the stream the binary uses (a quadratic path costs 16 times more).
fn assert_linear(redactor: &Redactor, name: &str, small: &[u8], big: &[u8]) {
    let library = |input: &[u8]| fastest(|| drop(black_box(redactor.redact_bytes(input))));
    let stream = |input: &[u8]| {
        fastest(|| {
            let mut stream = redactor.stream(false);
            let mut out = sqlredact::stream::Output::default();
            for block in input.chunks(256 * 1024) {
                stream.feed(block, &mut out);
                out.clear();
            }
            stream.finish(&mut out);
        })
    };
    for (how, time) in [
        ("library", &library as &dyn Fn(&[u8]) -> Duration),
        ("stream", &stream),
    ] {
        let (t_small, t_big) = (time(small), time(big));
        let per_byte = |t: Duration, n: usize| t.as_secs_f64() / n as f64;
        let ratio = per_byte(t_big, big.len()) / per_byte(t_small, small.len()).max(1e-12);
        println!("adversarial/{name} ({how}): {ratio:.2}× the time per byte at 16× the size");
        assert!(
            ratio < 4.0,
            "{name} ({how}): {:?} for {} bytes but {:?} for {} bytes: not linear",
            t_small,
            small.len(),
            t_big,
            big.len()
        );
    }
}

fn adversarial(c: &mut Criterion) {
    let redactor = Redactor::new();
    let mut group = c.benchmark_group("adversarial");
    group.sample_size(10);
    let sizes = [size() / 16, size()];
    let small: Vec<_> = inputs::adversarial(sizes[0]);
    for (size, shapes) in [
        (sizes[0], small.clone()),
        (sizes[1], inputs::adversarial(sizes[1])),
    ] {
        for (i, (name, input, secrets)) in shapes.into_iter().enumerate() {
            assert_eq!(
                redactor.redact_bytes(&input).secrets().len(),
                secrets,
                "{name}"
            );
            if size == sizes[1] {
                assert_linear(&redactor, name, &small[i].1, &input);
            }
            group.throughput(Throughput::Bytes(input.len() as u64));
            group.bench_with_input(BenchmarkId::new(name, size / 1024), &input, |b, input| {
                b.iter(|| redactor.redact_bytes(black_box(input)).secrets().len())
            });
        }
    }
    group.finish();
}

criterion_group!(benches, shapes, adversarial);
criterion_main!(benches);
