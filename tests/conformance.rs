//! Every conformance case (tests/data/conformance/*, copied from the shared suite) through the
//! library: masked text, secrets and warnings, compared exactly.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/conformance");
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("the conformance cases are in the repository")
        .map(|e| e.expect("a readable entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

fn check(case: &Path) -> Result<(), String> {
    let input = fs::read(case.join("input.sql")).map_err(|e| e.to_string())?;
    let expected_text = fs::read(case.join("expected.sql")).map_err(|e| e.to_string())?;
    let expected: Value =
        serde_json::from_slice(&fs::read(case.join("expected.json")).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
    let lines = expected["mode"] == "lines";
    let redactor = sqlredact::Redactor::builder().lines(lines).build();
    let out = redactor.redact_bytes(&input);
    let mut problems = Vec::new();
    if out.bytes() != expected_text.as_slice() {
        problems.push(format!(
            "text differs:\n  want {:?}\n  got  {:?}",
            String::from_utf8_lossy(&expected_text),
            String::from_utf8_lossy(out.bytes())
        ));
    }
    let secrets: Vec<Value> = out
        .secrets()
        .iter()
        .map(|s| {
            json!({"key": s.key(), "value": s.value(), "connection": s.connection(),
                   "start": s.span().start, "end": s.span().end, "line": s.line()})
        })
        .collect();
    if Value::Array(secrets.clone()) != expected["secrets"] {
        problems.push(format!(
            "secrets differ:\n  want {}\n  got  {}",
            expected["secrets"],
            Value::Array(secrets)
        ));
    }
    let warnings: Vec<Value> = out
        .warnings()
        .iter()
        .map(|w| json!({"key": w.key(), "suggestion": w.suggestion(), "line": w.line()}))
        .collect();
    if Value::Array(warnings.clone()) != expected["warnings"] {
        problems.push(format!(
            "warnings differ:\n  want {}\n  got  {}",
            expected["warnings"],
            Value::Array(warnings)
        ));
    }
    if out.unmask() != input {
        problems.push("putting the secrets back does not give the input".to_string());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n"))
    }
}

#[test]
fn every_conformance_case_passes_through_the_library() {
    let cases = cases();
    assert!(
        cases.len() >= 60,
        "the conformance cases are missing: {}",
        cases.len()
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            check(case)
                .err()
                .map(|e| format!("FAIL {}\n{e}", case.display()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
