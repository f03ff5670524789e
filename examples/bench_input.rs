//! Writes a generated bench input to stdout, for whole-process runs of the filter:
//! `cargo run --release --example bench_input -- logs 1024 > /tmp/logs.txt` (shape, MiB).
//! The shapes are the ones `benches/throughput.rs` uses.

use std::io::Write;

#[path = "../benches/inputs.rs"]
#[allow(dead_code)]
mod inputs;

fn main() {
    let mut args = std::env::args().skip(1);
    let shape = args.next().unwrap_or_else(|| "script".to_string());
    let mib: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1024);
    let make = match shape.as_str() {
        "script" => inputs::script,
        "logs" => inputs::logs,
        "dense" => inputs::dense,
        "json_logs" => inputs::json_logs,
        "families" => inputs::families,
        other => {
            eprintln!(
                "bench_input: unknown shape '{other}' (script, logs, json_logs, dense, families)"
            );
            std::process::exit(2);
        }
    };
    // 64 MiB generated once and repeated keeps generation fast and memory small
    let block = make(64 << 20).0;
    let out = std::io::stdout();
    let mut out = out.lock();
    let mut written = 0;
    while written < mib << 20 {
        if out.write_all(block.as_bytes()).is_err() {
            return;
        }
        written += block.len();
    }
}
