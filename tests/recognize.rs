//! The recognizer, one row per input shape: masked text and the (key, value) pairs extracted.

mod common;

use sqlredact::Redactor;

#[track_caller]
fn assert_redacts(input: &str, expected: &str, secrets: &[(&str, &str)]) {
    let out = sqlredact::redact(input);
    assert_eq!(out.text(), expected, "masked text of {input:?}");
    let got: Vec<(&str, &str)> = out.secrets().iter().map(|s| (s.key(), s.value())).collect();
    assert_eq!(got, secrets, "secrets of {input:?}");
    common::check_invariants(&Redactor::new(), input.as_bytes());
}

#[track_caller]
fn assert_untouched(input: &str) {
    assert_redacts(input, input, &[]);
}

#[test]
fn plain_pair() {
    assert_redacts(
        "CREATE CONNECTION c WITH ('api-key' = 'k')",
        "CREATE CONNECTION c WITH ('api-key' = '<REDACTED>')",
        &[("api-key", "k")],
    );
}

#[test]
fn header_words_in_any_order_and_case() {
    assert_redacts(
        "create or replace temporary system connection c with (token = t)",
        "create or replace temporary system connection c with (token = '<REDACTED>')",
        &[("token", "t")],
    );
}

#[test]
fn keyword_glued_to_a_word_is_not_the_keyword() {
    assert_untouched("RECREATE CONNECTION c WITH ('token' = 't')");
    // not connection statements; credential statements (SPEC §8), whose secrets name no
    // connection
    for input in [
        "CREATE CONNECTIONS c WITH ('token' = 't')",
        "CREATE myconnection c WITH ('token' = 't')",
    ] {
        let out = sqlredact::redact(input);
        assert_eq!(out.secrets()[0].connection(), None, "{input}");
        let connections = sqlredact::Redactor::builder()
            .connections_only(true)
            .build();
        assert!(connections.redact(input).is_unchanged(), "{input}");
    }
}

#[test]
fn other_words_between_create_and_connection_end_the_match() {
    let input = "CREATE TABLE connection WITH ('password' = 'p')";
    let connections = sqlredact::Redactor::builder()
        .connections_only(true)
        .build();
    assert!(connections.redact(input).is_unchanged());
    assert_redacts(
        input,
        "CREATE TABLE connection WITH ('password' = '<REDACTED>')",
        &[("password", "p")],
    );
}

#[test]
fn keyword_after_json_escaped_newline_is_found() {
    assert_redacts(
        r#"{"msg":"x\nALTER CONNECTION c SET (\npassword = 'p'\n)"}"#,
        r#"{"msg":"x\nALTER CONNECTION c SET (\npassword = '<REDACTED>'\n)"}"#,
        &[("password", "p")],
    );
}

#[test]
fn pairs_outside_parentheses_count() {
    assert_redacts(
        "ALTER CONNECTION c SET token = 't';",
        "ALTER CONNECTION c SET token = '<REDACTED>';",
        &[("token", "t")],
    );
}

#[test]
fn body_ends_at_closing_paren_of_first_paren() {
    assert_redacts(
        "ALTER CONNECTION c SET ((token = 'a')) token = 'b'",
        "ALTER CONNECTION c SET ((token = '<REDACTED>')) token = 'b'",
        &[("token", "a")],
    );
}

#[test]
fn body_ends_at_semicolon_before_any_paren() {
    assert_untouched("ALTER CONNECTION c RENAME TO d; token = 'x'");
}

#[test]
fn separator_then_terminator_has_no_value() {
    assert_redacts(
        "ALTER CONNECTION c SET (token = , password = p)",
        "ALTER CONNECTION c SET (token = , password = '<REDACTED>')",
        &[("password", "p")],
    );
}

#[test]
fn bare_value_runs_to_whitespace_comma_paren_or_semicolon() {
    assert_redacts(
        "ALTER CONNECTION c SET (token = a'b(c)",
        "ALTER CONNECTION c SET (token = '<REDACTED>')",
        &[("token", "a'b(c")],
    );
}

#[test]
fn continuation_stops_at_literal_followed_by_separator() {
    assert_redacts(
        "ALTER CONNECTION c SET ('token' = 'a' 'b' /* c */ 'c' 'type' => 'rest')",
        "ALTER CONNECTION c SET ('token' = '<REDACTED>' 'type' => 'rest')",
        &[("token", "abc")],
    );
}

#[test]
fn double_quoted_value_with_doubled_quote() {
    assert_redacts(
        r#"ALTER CONNECTION c SET (token = "a""b")"#,
        "ALTER CONNECTION c SET (token = '<REDACTED>')",
        &[("token", "a\"b")],
    );
}

#[test]
fn literal_glued_to_double_quoted_value_joins_it() {
    // masking `"v"` alone gave '<REDACTED>''x', one literal: masking twice changed it
    assert_redacts(
        r#"ALTER CONNECTION c SET (token = "v"'x')"#,
        "ALTER CONNECTION c SET (token = '<REDACTED>')",
        &[("token", "vx")],
    );
}

#[test]
fn unicode_escape_with_doubled_escape_character() {
    assert_redacts(
        r"ALTER CONNECTION c SET (token = U&'a\\b\0041')",
        "ALTER CONNECTION c SET (token = '<REDACTED>')",
        &[("token", r"a\bA")],
    );
}

#[test]
fn unterminated_double_quoted_value_masks_to_end() {
    assert_redacts(
        "ALTER CONNECTION c SET (token = \"abc\n)",
        "ALTER CONNECTION c SET (token = '<REDACTED>'",
        &[("token", "abc\n)")],
    );
}

#[test]
fn unclosed_comment_before_value_hides_nothing() {
    assert_redacts(
        "ALTER CONNECTION c SET (token = /* open",
        "ALTER CONNECTION c SET (token = /* open",
        &[],
    );
}

#[test]
fn statement_in_block_comment_of_another_body() {
    assert_redacts(
        "ALTER CONNECTION a SET (/* CREATE CONNECTION b WITH ('password' = 'p') */ token = 't')",
        "ALTER CONNECTION a SET (/* CREATE CONNECTION b WITH ('password' = '<REDACTED>') */ token = '<REDACTED>')",
        &[("password", "p"), ("token", "t")],
    );
}

#[test]
fn secret_inside_another_secret_is_reported_once() {
    let input = "ALTER CONNECTION a SET (token = 'x ALTER CONNECTION b SET (password = p) y')";
    let out = sqlredact::redact(input);
    assert_eq!(out.text(), "ALTER CONNECTION a SET (token = '<REDACTED>')");
    assert_eq!(out.secrets().len(), 1);
    assert_eq!(out.secrets()[0].connection(), Some("a"));
}

#[test]
fn names_with_parts() {
    let cases = [
        (
            "CREATE CONNECTION `a`.b.`c` WITH (token = t)",
            Some("a.b.c"),
        ),
        (
            "CREATE CONNECTION IF NOT EXISTS x$1 WITH (token = t)",
            Some("x$1"),
        ),
        (
            "ALTER CONNECTION IF EXISTS a.b SET (token = t)",
            Some("a.b"),
        ),
        ("CREATE CONNECTION (token = t)", None),
        ("CREATE CONNECTION COMMENT 'x' WITH (token = t)", None),
    ];
    for (input, name) in cases {
        assert_eq!(
            sqlredact::redact(input).secrets()[0].connection(),
            name,
            "{input}"
        );
    }
}

#[test]
fn empty_and_garbage_inputs() {
    for input in [
        "",
        "CREATE",
        "CREATE CONNECTION",
        "ALTER CONNECTION c SET (",
        "'",
        "/*",
        "--",
        "))))",
        "CREATE CONNECTION c WITH (token =",
    ] {
        assert_untouched(input);
    }
}

#[test]
fn statement_cut_at_every_byte_never_leaks_the_whole_value() {
    let full =
        "CREATE CONNECTION c WITH ('type' = 'x', 'password' = 'hunter2-long', 'token' = 't')";
    for cut in 0..=full.len() {
        let input = &full[..cut];
        common::check_invariants(&Redactor::new(), input.as_bytes());
        let out = sqlredact::redact(input);
        assert!(!out.text().contains("hunter2-long"), "{input:?}");
    }
}

#[test]
fn literal_after_bare_value_joins_it() {
    // masking `abc` alone gave '<REDACTED>' 'x', which a second pass read as one value
    assert_redacts(
        "ALTER CONNECTION c SET (token = abc 'x')",
        "ALTER CONNECTION c SET (token = '<REDACTED>')",
        &[("token", "abcx")],
    );
    assert_redacts(
        "ALTER CONNECTION c SET (token = abc 'type' = 'x')",
        "ALTER CONNECTION c SET (token = '<REDACTED>' 'type' = 'x')",
        &[("token", "abc")],
    );
}

#[test]
fn double_quoted_key_inside_a_json_string() {
    // `\"client-secret\"` was not seen as a key, and its value leaked from JSON logs
    assert_redacts(
        r#"{"msg":"CREATE CONNECTION c WITH (\"client-secret\" = 'cs', 'token' = \"t\"\"u\")"}"#,
        r#"{"msg":"CREATE CONNECTION c WITH (\"client-secret\" = '<REDACTED>', 'token' = '<REDACTED>')"}"#,
        // read from the JSON string's decoded content (SPEC §9): `"t""u"` is `t"u`
        &[("client-secret", "cs"), ("token", r#"t"u"#)],
    );
}

#[test]
fn statement_inside_a_key_literal_is_reported_as_overlapping() {
    // found by fuzzing: the inner statement reads `'password=^'` as one literal; once `^'` is
    // masked it reads `<REDACTED>` and `>` as a key and a separator, so a second pass masks more
    let input = "ALTER CONNECTION'ALTER CONNECTION'password=^' O'('password'='";
    let out = sqlredact::redact(input);
    assert_eq!(
        out.text(),
        "ALTER CONNECTION'ALTER CONNECTION'password='<REDACTED>' O'('password'='"
    );
    assert!(out.overlapping_statements());
    assert!(!sqlredact::redact(out.text()).is_unchanged());
}

#[test]
fn warnings_stream_in_input_order_when_a_key_literal_spans_reads() {
    // the inner statement's key literal was still being read when the outer statement's key
    // after it was warned about, so the stream wrote the two warnings in the wrong order
    let input = b"\0CREATE CONNECTION ('\0\0\nCREATE CONNECTION bedr 'aws-secret-ke:'= E  ";
    let r = sqlredact::Redactor::new();
    let whole: Vec<usize> = r
        .redact_bytes(input)
        .warnings()
        .iter()
        .map(|w| w.span().start)
        .collect();
    assert_eq!(whole.len(), 2);
    let cuts: Vec<usize> = (7..input.len()).step_by(7).collect();
    let streamed = common::stream_cut(&r, input, &cuts);
    let streamed: Vec<usize> = streamed.warnings.iter().map(|w| w.span().start).collect();
    assert_eq!(streamed, whole);
}

#[test]
fn a_read_ending_in_the_slash_of_a_comment_keeps_the_header_before_it() {
    // a read with no CONNECTION let the stream skip verbs whose header had ended; a read
    // ending in `/` may be opening a comment the header runs through
    let input = b"{\"msg\":\"CREATE /* c */ CONNECTION c WITH ('api-key' = 'sk-1')";
    let r = sqlredact::Redactor::new();
    for cut in 1..input.len() {
        let streamed = common::stream_cut(&r, input, &[cut]);
        assert_eq!(streamed.secrets.len(), 1, "cut at {cut}");
        assert!(
            streamed.text.ends_with(b"'api-key' = '<REDACTED>')"),
            "cut at {cut}"
        );
    }
}

#[test]
fn a_long_quoted_name_part_is_cut_at_1024_bytes_however_the_input_is_cut() {
    // a reader once kept only 256 bytes of a quoted name part, another reader
    // 1024 (found by fuzzing: the stream and the library named the connection differently)
    let name = format!("{}``{}", "n".repeat(1000), "m".repeat(100));
    let input = format!("ALTER CONNECTION `{name}` SET (token = t)");
    let r = sqlredact::Redactor::new();
    let expected = format!("{}`{}", "n".repeat(1000), "m".repeat(23));
    let whole = r.redact(&input);
    assert_eq!(whole.secrets()[0].connection(), Some(expected.as_str()));
    common::check_every_cut(input.as_bytes());
    let cuts: Vec<usize> = (7..input.len()).step_by(7).collect();
    let streamed = common::stream_cut(&r, input.as_bytes(), &cuts);
    assert_eq!(streamed.secrets[0].connection(), Some(expected.as_str()));
}

/// The stream's result for `input` cut once at every byte (and, for `lines`, at every line
/// end as `tail -f` writes it) must equal the whole input's.
#[track_caller]
fn assert_same_however_cut(input: &[u8]) {
    let r = sqlredact::Redactor::new();
    let whole = r.redact_bytes(input);
    assert_eq!(
        whole.secrets().len(),
        1,
        "{:?}",
        String::from_utf8_lossy(input)
    );
    for cut in 1..input.len() {
        let streamed = common::stream_cut(&r, input, &[cut]);
        assert_eq!(streamed.text, whole.bytes(), "cut at {cut}");
        assert_eq!(streamed.secrets.len(), 1, "cut at {cut}");
    }
    let lines: Vec<usize> = line_ends(input);
    let streamed = common::stream_cut(&r, input, &lines);
    assert_eq!(streamed.text, whole.bytes(), "cut at every line end");
}

fn line_ends(input: &[u8]) -> Vec<usize> {
    (0..input.len())
        .filter(|&i| input[i] == b'\n')
        .map(|i| i + 1)
        .collect()
}

#[test]
fn a_line_comment_opener_inside_a_block_comment_of_the_header_hides_nothing() {
    // the stream's backward guess at the header took `--` inside `/*--*/` for a line comment,
    // decided the header had ended, and skipped the statement when a read ended after it
    assert_same_however_cut(b"CREATE /*--*/ CONNECTION c WITH ('api-key' = 'sk-1');");
    assert_same_however_cut(b"ALTER /* see --help */ CONNECTION c SET ('api-key' = 'sk-1');");
}

#[test]
fn a_block_comment_closing_in_a_url_before_connection_on_the_next_line_hides_nothing() {
    // written one line at a time, as `tail -f` does: the guess read the `*/` of `docs/*/` as
    // the only close and the header as ended
    assert_same_however_cut(
        b"CREATE OR REPLACE /* see https://example.com/docs/*/\nCONNECTION c WITH ('api-key' = 'sk-2');\n",
    );
}

#[test]
fn a_name_part_may_end_with_a_hyphen() {
    // `CONNECTION llm-` was named `llm`
    let out = sqlredact::redact("CREATE CONNECTION llm- WITH ('token' = 't');");
    assert_eq!(out.secrets()[0].connection(), Some("llm-"));
}

#[test]
fn if_without_exists_is_the_name() {
    // `ALTER CONNECTION IF c` was named `c`
    let out = sqlredact::redact("ALTER CONNECTION IF c SET ('token' = 't');");
    assert_eq!(out.secrets()[0].connection(), Some("IF"));
}

#[test]
fn a_bare_key_ending_with_a_hyphen_hides_no_pair() {
    // `a-` was read as `a` and a stray `-`, and the pair after it was lost
    assert_redacts(
        "CREATE CONNECTION c WITH (a- = b', password = 'p');",
        "CREATE CONNECTION c WITH (a- = b', password = '<REDACTED>');",
        &[("password", "p")],
    );
}

#[test]
fn uescape_after_several_unicode_parts_belongs_to_the_value() {
    // ` UESCAPE '!'` was left unmasked and the value reported as `a!0041`
    assert_redacts(
        "CREATE CONNECTION c WITH ('token' = U&'a' U&'!0041' UESCAPE '!');",
        "CREATE CONNECTION c WITH ('token' = '<REDACTED>');",
        &[("token", "aA")],
    );
}

#[test]
fn a_literal_glued_to_a_value_and_followed_by_a_separator_is_the_next_key() {
    // it was joined to the value, and the next pair's value was left in clear
    let out = sqlredact::redact("CREATE CONNECTION c WITH (password = \"v\"'token' = 'x')");
    let got: Vec<(&str, &str)> = out.secrets().iter().map(|s| (s.key(), s.value())).collect();
    assert_eq!(got, [("password", "v"), ("token", "x")]);
    assert_eq!(
        out.text(),
        "CREATE CONNECTION c WITH (password = '<REDACTED>''token' = '<REDACTED>')"
    );
}
