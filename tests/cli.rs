//! The filter binary, spawned for real with stdin written from a thread.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_sqlredact");

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sqlredact-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const STMT: &str = "CREATE CONNECTION c WITH ('type' = 'openai', 'api-key' = 'sk-cli-secret');\n";
const MASKED: &str = "CREATE CONNECTION c WITH ('type' = 'openai', 'api-key' = '<REDACTED>');\n";

#[track_caller]
fn assert_no_value(out: &Output, value: &str) {
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains(value),
        "stdout shows the value"
    );
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains(value),
        "stderr shows the value"
    );
}

#[test]
fn masks_stdin_to_stdout() {
    let out = run(&[], STMT.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), MASKED);
    assert!(out.stderr.is_empty());
}

#[test]
fn dash_is_stdin_and_files_are_separate_inputs() {
    let dir = temp_dir("files");
    // a statement never spans two files: the first ends inside an unterminated literal
    std::fs::write(dir.join("a.sql"), "ALTER CONNECTION a SET (token = 'cut").unwrap();
    std::fs::write(dir.join("b.sql"), STMT).unwrap();
    let a = dir.join("a.sql");
    let b = dir.join("b.sql");
    let out = run(
        &[a.to_str().unwrap(), "-", b.to_str().unwrap()],
        b"SELECT 1;\n",
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("ALTER CONNECTION a SET (token = '<REDACTED>'SELECT 1;\n{MASKED}")
    );
}

#[test]
fn json_prints_text_secrets_and_warnings() {
    let out = run(
        &["--json"],
        b"ALTER CONNECTION c SET ('token' = 't0k', 'ap-key' = 'k')",
    );
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["text"],
        "ALTER CONNECTION c SET ('token' = '<REDACTED>', 'ap-key' = 'k')"
    );
    assert_eq!(
        doc["secrets"],
        serde_json::json!([{"key": "token", "value": "t0k", "connection": "c", "start": 34, "end": 39, "line": 1}])
    );
    assert_eq!(
        doc["warnings"],
        serde_json::json!([{"key": "ap-key", "suggestion": "api-key", "start": 41, "end": 49, "line": 1}])
    );
    assert!(doc.get("file").is_none());
}

#[test]
fn json_names_the_file_when_files_are_given() {
    let dir = temp_dir("json-file");
    let path = dir.join("s.sql");
    std::fs::write(&path, STMT).unwrap();
    let out = run(&["--json", path.to_str().unwrap()], b"");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["file"], path.to_str().unwrap());
}

#[test]
fn json_refuses_invalid_utf8_with_exit_2() {
    let out = run(&["--json"], b"SELECT '\xff';");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("sqlredact: <stdin>: --json needs UTF-8"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
}

#[test]
fn invalid_utf8_passes_through_in_text_and_line_modes() {
    let input = b"\xff\xfe ALTER CONNECTION c SET (token = '\xc3') \xe9\n";
    for args in [&[][..], &["--lines"][..]] {
        let out = run(args, input);
        assert_eq!(
            out.stdout,
            b"\xff\xfe ALTER CONNECTION c SET (token = '<REDACTED>') \xe9\n"
        );
    }
}

#[test]
fn lines_mode_ends_literals_with_their_line() {
    let input = b"CREATE CONNECTION a WITH (token = 'cut\nCREATE CONNECTION b WITH (token = 'x')\n";
    let out = run(&["--lines"], input);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "CREATE CONNECTION a WITH (token = '<REDACTED>'\nCREATE CONNECTION b WITH (token = '<REDACTED>')\n"
    );
    let whole = run(&[], input);
    assert_eq!(
        String::from_utf8_lossy(&whole.stdout),
        "CREATE CONNECTION a WITH (token = '<REDACTED>'"
    );
}

#[test]
fn secrets_file_is_private_and_holds_json_lines() {
    let dir = temp_dir("secrets");
    let path = dir.join("secrets.jsonl");
    let out = run(&["--secrets", path.to_str().unwrap()], STMT.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert_no_value(&out, "sk-cli-secret");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let record: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(
        record,
        serde_json::json!({"key": "api-key", "value": "sk-cli-secret", "connection": "c", "start": 57, "end": 72, "line": 1, "file": "<stdin>"})
    );
    // appends, and tightens a file that others could read
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        run(&["--secrets", path.to_str().unwrap()], STMT.as_bytes());
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap().lines().count(), 2);
    }
}

#[test]
fn check_names_secrets_without_values_and_exits_1() {
    let dir = temp_dir("check");
    let dirty = dir.join("dirty.sql");
    let clean = dir.join("clean.sql");
    std::fs::write(&dirty, format!("-- setup\n{STMT}")).unwrap();
    std::fs::write(&clean, MASKED).unwrap();
    let out = run(
        &["--check", dirty.to_str().unwrap(), clean.to_str().unwrap()],
        b"",
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "{}:2: value of 'api-key' in connection 'c' is not masked\n",
            dirty.display()
        )
    );
    assert_no_value(&out, "sk-cli-secret");
    let out = run(&["--check", clean.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

#[test]
fn policy_flags() {
    let input = b"ALTER CONNECTION c SET (token = t, bearer = b, pasword = p)";
    let out = run(&["--mask", "x", "--key", "bearer", "--strict"], input);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ALTER CONNECTION c SET (token = 'x', bearer = 'x', pasword = 'x')"
    );
    let out = run(&["--no-default-keys", "--key", "bearer", "-q"], input);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ALTER CONNECTION c SET (token = t, bearer = '<REDACTED>', pasword = p)"
    );
    assert!(out.stderr.is_empty());
}

#[test]
fn statement_kind_and_fragment_flags() {
    let input = b"CREATE TABLE t WITH ('password' = 'p1', 'http.bearer' = 'b1');\n\
        ALTER CONNECTION c SET ('password' = 'p2');\n";
    let text = |args: &[&str]| String::from_utf8_lossy(&run(args, input).stdout).into_owned();
    assert_eq!(
        text(&[]),
        "CREATE TABLE t WITH ('password' = '<REDACTED>', 'http.bearer' = 'b1');\n\
         ALTER CONNECTION c SET ('password' = '<REDACTED>');\n"
    );
    assert_eq!(
        text(&["--connections-only"]),
        "CREATE TABLE t WITH ('password' = 'p1', 'http.bearer' = 'b1');\n\
         ALTER CONNECTION c SET ('password' = '<REDACTED>');\n"
    );
    assert_eq!(
        text(&["--fragment", "Bearer"]),
        "CREATE TABLE t WITH ('password' = '<REDACTED>', 'http.bearer' = '<REDACTED>');\n\
         ALTER CONNECTION c SET ('password' = '<REDACTED>');\n"
    );
    // fragments are not keys: connection statements keep their list
    assert_eq!(
        text(&["--no-default-fragments", "--fragment", "bearer"]),
        "CREATE TABLE t WITH ('password' = 'p1', 'http.bearer' = '<REDACTED>');\n\
         ALTER CONNECTION c SET ('password' = '<REDACTED>');\n"
    );
    let out = run(&["--fragment", ""], input);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "sqlredact: --fragment needs a non-empty text\n"
    );
    // --check names the connection where there is one
    let out = run(&["--check"], input);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "<stdin>:1: value of 'password' is not masked\n\
         <stdin>:2: value of 'password' in connection 'c' is not masked\n"
    );
    assert_no_value(&out, "p1");
}

#[test]
fn near_miss_warnings_go_to_stderr_without_values() {
    let out = run(
        &[],
        b"\nALTER CONNECTION c SET ('ap-key' = 'near-miss-value')",
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "sqlredact: warning: <stdin>:2: key 'ap-key' looks like 'api-key'; its value was left unmasked (--strict masks it)\n"
    );
    assert_eq!(out.status.code(), Some(0));
    let quiet = run(&["--quiet"], b"ALTER CONNECTION c SET ('ap-key' = 'k')");
    assert!(quiet.stderr.is_empty());
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    for args in [
        &["--bogus"][..],
        &["--mask"][..],
        &["--json", "--check"][..],
        &["--no-default-keys"][..],
    ] {
        let out = run(args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("sqlredact: ") && err.lines().count() == 1,
            "{args:?}: {err}"
        );
    }
}

#[test]
fn missing_file_is_named_and_exits_2() {
    let out = run(&["/nonexistent/x.sql"], b"");
    assert_eq!(out.status.code(), Some(2));
    // was `No such file or directory (os error 2)`
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "sqlredact: /nonexistent/x.sql: no such file or directory\n"
    );
}

#[test]
fn a_directory_is_named_without_an_os_error_code_and_the_rest_still_runs() {
    let dir = temp_dir("dir-input");
    let file = dir.join("s.sql");
    std::fs::write(&file, STMT).unwrap();
    let out = run(&[dir.to_str().unwrap(), file.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("sqlredact: {}: is a directory\n", dir.display())
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), MASKED);
}

#[test]
fn many_near_misses_end_with_a_count() {
    let input = |n: usize| "ALTER CONNECTION c SET ('ap-key' = 'k');\n".repeat(n);
    // a screenful (20) is listed as it is
    let out = run(&[], input(20).as_bytes());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 20);
    assert!(
        err.lines()
            .all(|l| l.starts_with("sqlredact: warning: <stdin>:"))
    );
    // more than that: every warning, then one line that counts them
    let out = run(&[], input(25).as_bytes());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 26);
    assert_eq!(
        err.lines().last(),
        Some(
            "sqlredact: 25 near-miss warnings in all; their values were left unmasked (--strict masks them, -q hides the warnings)"
        )
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(run(&["-q"], input(25).as_bytes()).stderr.is_empty());
}

#[test]
fn check_needs_the_mask_that_was_written_and_strict_fails_near_misses() {
    let masked = run(&["--mask", "XXX"], STMT.as_bytes()).stdout;
    // 'XXX' is a value like any other to a plain --check
    let plain = run(&["--check"], &masked);
    assert_eq!(plain.status.code(), Some(1));
    let same = run(&["--check", "--mask", "XXX"], &masked);
    assert_eq!(same.status.code(), Some(0));
    assert!(same.stdout.is_empty());
    let near = b"ALTER CONNECTION c SET ('pasword' = 'p')";
    assert_eq!(run(&["--check", "-q"], near).status.code(), Some(0));
    let strict = run(&["--check", "--strict"], near);
    assert_eq!(strict.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&strict.stdout),
        "<stdin>:1: value of 'pasword' in connection 'c' is not masked\n"
    );
}

#[test]
fn json_with_lines_prints_one_document_per_input() {
    let out = run(
        &["--json", "--lines"],
        b"ALTER CONNECTION a SET (token = 'cut\nALTER CONNECTION b SET (token = 'x')\n",
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 1, "{text}");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let lines: Vec<_> = doc["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [1, 2]);
}

/// Every command of the README's "As a filter" block, as written, from a copy of `examples/`,
/// with the built binary first on `PATH` (the block's `cargo install` line is what puts it
/// there for a user).
#[test]
fn readme_filter_commands_work_as_written() {
    let readme = include_str!("../README.md");
    let section = &readme[readme.find("## As a filter").expect("a filter section")..];
    let start = section.find("```sh\n").expect("a sh block") + 6;
    let block = &section[start..start + section[start..].find("```").unwrap()];
    let commands: Vec<&str> = block
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with("cargo install"))
        .collect();
    assert!(commands.len() >= 5, "{block}");
    let dir = temp_dir("readme");
    std::fs::create_dir_all(dir.join("examples")).unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["setup.sql", "app.log"] {
        std::fs::copy(
            root.join("examples").join(name),
            dir.join("examples").join(name),
        )
        .unwrap();
    }
    let bin_dir = Path::new(BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut transcript = String::new();
    for command in &commands {
        let out = Command::new("sh")
            .args(["-c", command])
            .current_dir(&dir)
            .env("PATH", &path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !String::from_utf8_lossy(&out.stderr)
                .lines()
                .any(|l| l.starts_with("sqlredact: ") && !l.starts_with("sqlredact: warning: ")),
            "{command} reported an error"
        );
        transcript.push_str(&stdout);
    }
    let redacted = std::fs::read_to_string(dir.join("setup.redacted.sql")).unwrap();
    assert!(redacted.contains("'password' = '<REDACTED>'"));
    let secrets = std::fs::read_to_string(dir.join("vault-import.jsonl")).unwrap();
    assert!(secrets.lines().count() >= 4, "{secrets}");
    assert!(transcript.contains("is not masked"), "{transcript}");
    assert!(transcript.contains("exit 1"), "{transcript}");
}

#[test]
fn help_and_version() {
    let help = run(&["--help"], b"");
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--lines",
        "--json",
        "--secrets",
        "--check",
        "--mask",
        "--key",
        "--no-default-keys",
        "--strict",
        "--quiet",
        "memory",
        "Which mode",
        "suggestion",
    ] {
        assert!(text.contains(flag), "help mentions {flag}");
    }
    let version = run(&["-V"], b"");
    assert_eq!(
        String::from_utf8_lossy(&version.stdout),
        format!("sqlredact {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn statement_split_across_two_writes_with_a_pause() {
    let mut child = Command::new(BIN)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"ALTER CONNECTION c SET ('password' = 'hun")
        .unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    stdin.write_all(b"ter2');\n").unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ALTER CONNECTION c SET ('password' = '<REDACTED>');\n"
    );
}

#[test]
fn lines_mode_answers_each_line_while_input_stays_open() {
    for args in [&["--lines"][..], &[][..]] {
        let mut child = Command::new(BIN)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        stdin
            .write_all(b"INFO stmt: ALTER CONNECTION c SET (token = 't')\n")
            .unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        assert_eq!(
            line, "INFO stmt: ALTER CONNECTION c SET (token = '<REDACTED>')\n",
            "{args:?}"
        );
        stdin.write_all(b"INFO done\n").unwrap();
        line.clear();
        stdout.read_line(&mut line).unwrap();
        assert_eq!(line, "INFO done\n");
        drop(stdin);
        assert!(child.wait().unwrap().success());
    }
}

#[test]
fn closed_stdout_is_a_quiet_exit() {
    let mut child = Command::new(BIN)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    let writer = std::thread::spawn(move || {
        let block = vec![b'x'; 1 << 16];
        for _ in 0..256 {
            if stdin.write_all(&block).is_err() {
                break;
            }
        }
    });
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let status = child.wait().unwrap();
    writer.join().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(err, "");
}

#[test]
fn every_conformance_case_passes_through_the_binary() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/conformance");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let case = entry.unwrap().path();
        let input = std::fs::read(case.join("input.sql")).unwrap();
        let expected = std::fs::read(case.join("expected.sql")).unwrap();
        let spec: serde_json::Value =
            serde_json::from_slice(&std::fs::read(case.join("expected.json")).unwrap()).unwrap();
        let mode: &[&str] = if spec["mode"] == "lines" {
            &["--lines"]
        } else {
            &[]
        };
        let out = run(mode, &input);
        assert_eq!(out.stdout, expected, "{}", case.display());
        let json = run(&[mode, &["--json"]].concat(), &input);
        let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        assert_eq!(
            doc["text"].as_str().unwrap().as_bytes(),
            expected,
            "{}",
            case.display()
        );
        let pick = |items: &serde_json::Value, fields: &[&str]| -> Vec<serde_json::Value> {
            items
                .as_array()
                .unwrap()
                .iter()
                .map(|i| fields.iter().map(|f| i[*f].clone()).collect())
                .collect()
        };
        let secret_fields = ["key", "value", "connection", "start", "end", "line"];
        assert_eq!(
            pick(&doc["secrets"], &secret_fields),
            pick(&spec["secrets"], &secret_fields),
            "{}",
            case.display()
        );
        let warning_fields = ["key", "suggestion", "line"];
        assert_eq!(
            pick(&doc["warnings"], &warning_fields),
            pick(&spec["warnings"], &warning_fields),
            "{}",
            case.display()
        );
        count += 1;
    }
    assert!(count >= 60);
}

#[test]
fn the_mixed_dialect_examples_leak_nothing() {
    let root = env!("CARGO_MANIFEST_DIR");
    for (file, args, values) in [
        (
            "examples/mixed.sql",
            &[][..],
            &[
                "flink-jdbc-pw",
                "sk-legacy-example",
                "Repl-2024!",
                "hu8jmn3",
                "AKIAEXAMPLE",
                "wJalrEXAMPLE",
                "mz-kafka-pass",
            ][..],
        ),
        (
            "examples/mixed.log",
            &["--lines"][..],
            &["flinkpw", "previous-pass", "Temp-Pass-1"][..],
        ),
    ] {
        let path = format!("{root}/{file}");
        let mut all = args.to_vec();
        all.push(&path);
        let out = run(&all, b"");
        assert_eq!(out.status.code(), Some(0), "{file}");
        for value in values {
            assert_no_value(&out, value);
        }
        // the column comment and the reference to a stored secret are left as they are
        let text = String::from_utf8_lossy(&out.stdout);
        if file.ends_with(".sql") {
            assert!(text.contains("COMMENT 'bcrypt, not a secret'"));
            assert!(text.contains("SASL PASSWORD = SECRET kafka_password"));
        }
    }
}
