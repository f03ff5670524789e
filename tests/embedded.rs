//! Statements where logs carry them (SPEC §9) and line mode keeping them whole (§5): each input
//! leaked before these readings existed (text unchanged, `--check` silent).

mod common;

use sqlredact::Redactor;

/// Masks `input`, checks the text, the (key, value) pairs and the invariants, and returns the
/// masked text.
#[track_caller]
fn assert_masks(redactor: &Redactor, input: &str, expected: &str, secrets: &[(&str, &str)]) {
    let out = redactor.redact(input);
    assert_eq!(out.text(), expected, "masked text of {input:?}");
    let got: Vec<(&str, &str)> = out.secrets().iter().map(|s| (s.key(), s.value())).collect();
    assert_eq!(got, secrets, "secrets of {input:?}");
    common::check_invariants(redactor, input.as_bytes());
    common::check_every_cut(input.as_bytes());
}

/// The `msg` of a JSON record, decoded.
fn msg(record: &str) -> String {
    let value: serde_json::Value = serde_json::from_str(record).expect("the record parses");
    value["msg"].as_str().expect("a msg").to_string()
}

#[test]
fn gson_writes_quotes_and_equals_signs_as_unicode_escapes() {
    let input =
        r#"{"msg": "CREATE CONNECTION c WITH (\u0027api-key\u0027 \u003d \u0027sk-1\u0027)"}"#;
    let expected =
        r#"{"msg": "CREATE CONNECTION c WITH (\u0027api-key\u0027 \u003d '<REDACTED>')"}"#;
    assert_masks(&Redactor::new(), input, expected, &[("api-key", "sk-1")]);
    assert_eq!(
        msg(expected),
        "CREATE CONNECTION c WITH ('api-key' = '<REDACTED>')"
    );
}

#[test]
fn php_writes_slashes_escaped_so_the_comment_closes_only_when_decoded() {
    let input = r#"{"msg": "CREATE CONNECTION c WITH (\/* prod *\/ 'api-key' = 'sk-2')"}"#;
    let expected = r#"{"msg": "CREATE CONNECTION c WITH (\/* prod *\/ 'api-key' = '<REDACTED>')"}"#;
    assert_masks(&Redactor::new(), input, expected, &[("api-key", "sk-2")]);
    msg(expected);
}

#[test]
fn a_statement_quoted_in_an_audit_insert_is_masked_with_its_quotes_doubled() {
    assert_masks(
        &Redactor::new(),
        "INSERT INTO audit_log VALUES ('CREATE CONNECTION c WITH (''api-key'' = ''sk-3'')')",
        "INSERT INTO audit_log VALUES ('CREATE CONNECTION c WITH (''api-key'' = ''<REDACTED>'')')",
        &[("api-key", "sk-3")],
    );
}

#[test]
fn a_statement_quoted_in_an_error_message() {
    assert_masks(
        &Redactor::new(),
        "ERROR: statement 'ALTER CONNECTION c SET (''password'' = ''pw'')' failed",
        "ERROR: statement 'ALTER CONNECTION c SET (''password'' = ''<REDACTED>'')' failed",
        &[("password", "pw")],
    );
}

#[test]
fn a_tab_indented_statement_in_json_with_a_bare_value_before_a_comment() {
    // the bare value ran over the escaped tab into the comment and stopped at its `;`
    let input = r#"{"level":"INFO","msg":"CREATE CONNECTION c WITH (\n\t'token'\t=\ttok-123\t--rotated(see;ops)\n\t,'password'\t=\t'pw'\n)"}"#;
    let expected = r#"{"level":"INFO","msg":"CREATE CONNECTION c WITH (\n\t'token'\t=\t'<REDACTED>'\t--rotated(see;ops)\n\t,'password'\t=\t'<REDACTED>'\n)"}"#;
    assert_masks(
        &Redactor::new(),
        input,
        expected,
        &[("token", "tok-123"), ("password", "pw")],
    );
    msg(expected);
}

#[test]
fn a_windows_path_in_a_plain_comment_is_just_text() {
    // `\n` in `C:\notes` ended the comment, so the next line was read as its rest
    assert_masks(
        &Redactor::new(),
        "CREATE CONNECTION azure_ml WITH (\n  -- key copied from C:\\notes\\azure.txt\n  'api-key' = 'sk-4'\n);",
        "CREATE CONNECTION azure_ml WITH (\n  -- key copied from C:\\notes\\azure.txt\n  'api-key' = '<REDACTED>'\n);",
        &[("api-key", "sk-4")],
    );
}

#[test]
fn line_mode_reads_the_statements_of_the_shipped_example_whole() {
    // line mode read every line on its own and left three of the four secrets in clear
    let script =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/setup.sql"))
            .expect("the example ships");
    let text = Redactor::new().redact(&script);
    let lines = Redactor::builder().lines(true).build().redact(&script);
    assert_eq!(lines.secrets().len(), 4);
    assert_eq!(lines.text(), text.text());
    for s in text.secrets() {
        assert!(!lines.text().contains(s.value()), "{:?} leaked", s.key());
    }
}

#[test]
fn line_mode_still_ends_a_stray_apostrophe_with_its_line() {
    let redactor = Redactor::builder().lines(true).build();
    assert_masks(
        &redactor,
        "INFO user's session\nALTER CONNECTION c\n  SET ('token' = 't1');\n",
        "INFO user's session\nALTER CONNECTION c\n  SET ('token' = '<REDACTED>');\n",
        &[("token", "t1")],
    );
    // a literal open at the end of its line ends there, and so does its statement
    assert_masks(
        &redactor,
        "ALTER CONNECTION c SET ('token' = 'cut\n'password' = 'p')",
        "ALTER CONNECTION c SET ('token' = '<REDACTED>'\n'password' = 'p')",
        &[("token", "cut")],
    );
}

#[test]
fn a_json_string_and_a_sql_literal_inside_it() {
    assert_masks(
        &Redactor::new(),
        r#"{"msg":"INSERT INTO audit VALUES ('ALTER CONNECTION c SET (''token'' = ''t\u002d9'')')"}"#,
        r#"{"msg":"INSERT INTO audit VALUES ('ALTER CONNECTION c SET (''token'' = ''<REDACTED>'')')"}"#,
        &[("token", "t-9")],
    );
}

#[test]
fn an_unclosed_literal_in_an_embedded_reading_gives_no_value() {
    // the JSON reading stops at the string's end; the reading as written still fails closed
    let input = r#"{"msg":"ALTER CONNECTION c SET ('token' = 'open"} tail"#;
    let out = Redactor::new().redact(input);
    assert_eq!(
        out.text(),
        r#"{"msg":"ALTER CONNECTION c SET ('token' = '<REDACTED>'"#
    );
    assert_eq!(out.secrets().len(), 1);
}

#[test]
fn a_value_reported_by_two_readings_is_reported_once_by_the_json_reading() {
    // as written, `\"sec\"` is a backslash and a literal `"sec\"`; decoded, `"sec"`
    let input = r#"{"msg":"CREATE CONNECTION c WITH (\"client-secret\" = \"sec\")"}"#;
    let out = Redactor::new().redact(input);
    assert_eq!(out.secrets().len(), 1);
    assert_eq!(out.secrets()[0].value(), "sec");
    assert!(out.warnings().is_empty(), "{:?}", out.warnings());
}

#[test]
fn a_value_cut_to_its_remainder_in_an_embedded_reading_still_counts_as_closed() {
    // found by fuzzing: inside the JSON string, a nested statement's mask ends one byte into
    // the `'er conneNV'` value; its remainder `er conneNV'` was judged an unclosed literal and
    // dropped, leaving the value in clear
    let input = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/embedded/nested-statement-in-json.json"
    ))
    .expect("the input ships");
    let out = Redactor::new().redact(&input);
    assert!(!out.text().contains("er conneNV"), "{}", out.text());
    common::check_invariants(&Redactor::new(), input.as_bytes());
}
