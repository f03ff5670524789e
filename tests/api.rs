//! The public API: types, policy options, borrowing, bytes, round trips.

mod common;

use sqlredact::{Redactor, Secret, Warning};

#[test]
fn public_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Redactor>();
    assert_send_sync::<Secret>();
    assert_send_sync::<Warning>();
    assert_send_sync::<sqlredact::Redacted<'static>>();
    assert_send_sync::<sqlredact::stream::Stream>();
}

#[test]
fn debug_never_shows_a_value() {
    let input =
        "ALTER CONNECTION c SET ('password' = 'hunter2-secret', 'pasword' = 'near-miss-value')";
    let out = sqlredact::redact(input);
    let debug = format!("{out:?} {:?}", out.secrets());
    assert!(!debug.contains("hunter2-secret"), "{debug}");
    assert!(debug.contains("<redacted>"));
    assert_eq!(out.secrets()[0].value(), "hunter2-secret");
    // a warning names the key, never its value
    let warning = format!("{:?}", out.warnings());
    assert!(
        warning.contains("pasword") && !warning.contains("near-miss-value"),
        "{warning}"
    );
}

#[test]
fn redactor_debug_shows_the_policy_not_internals() {
    let builder = sqlredact::Redactor::builder()
        .no_default_keys()
        .key("bearer")
        .mask("it's")
        .strict(true)
        .no_default_fragments()
        .fragment("sas_token");
    // was `mask_raw: [105, 116, …]`, `key_cap`, `one_pass`
    assert_eq!(
        format!("{builder:?}"),
        r#"RedactorBuilder { keys: ["bearer"], mask: "it's", strict: true, lines: false, connections_only: false, fragments: ["sas_token"] }"#
    );
    assert_eq!(
        format!("{:?}", builder.build()),
        r#"Redactor { keys: ["bearer"], mask: "'it''s'", strict: true, lines: false, connections_only: false, fragments: ["sas-token"] }"#
    );
}

#[test]
fn serializing_a_secret_gives_the_spec_fields() {
    let out = sqlredact::redact("ALTER CONNECTION c SET (token = 't')");
    let json = serde_json::to_value(&out.secrets()[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"key": "token", "value": "t", "connection": "c", "start": 32, "end": 35, "line": 1})
    );
    let out = sqlredact::redact("ALTER CONNECTION c SET (tokn = 't')");
    let json = serde_json::to_value(&out.warnings()[0]).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"key": "tokn", "suggestion": "token", "start": 24, "end": 28, "line": 1})
    );
}

#[test]
fn unchanged_text_is_borrowed() {
    let input = String::from("SELECT * FROM t; CREATE CONNECTION c WITH ('type' = 'x');");
    let out = sqlredact::redact(&input);
    assert!(out.is_unchanged());
    assert!(std::ptr::eq(out.text().as_ptr(), input.as_ptr()));
    assert!(!sqlredact::redact("ALTER CONNECTION c SET (token = t)").is_unchanged());
}

#[test]
fn custom_keys_and_mask_with_a_quote() {
    let r = Redactor::builder()
        .key("Bearer")
        .remove_key("token")
        .mask("o'clock")
        .build();
    let out = r.redact("ALTER CONNECTION c SET ('bearer' = 'b', 'token' = 't')");
    assert_eq!(
        out.text(),
        "ALTER CONNECTION c SET ('bearer' = 'o''clock', 'token' = 't')"
    );
    assert_eq!(r.mask_literal(), "'o''clock'");
    // masking again recognises the custom mask
    assert!(r.redact(out.text()).is_unchanged());
    common::check_invariants(
        &r,
        b"ALTER CONNECTION c SET ('bearer' = 'b', bearer = 'o''clock')",
    );
}

#[test]
fn strict_mode_masks_near_misses() {
    let input = "ALTER CONNECTION c SET ('ap-key' = 'k')";
    assert!(sqlredact::redact(input).is_unchanged());
    assert_eq!(
        sqlredact::redact(input).warnings()[0].suggestion(),
        "api-key"
    );
    let strict = Redactor::builder().strict(true).build().redact(input);
    assert_eq!(
        strict.text(),
        "ALTER CONNECTION c SET ('ap-key' = '<REDACTED>')"
    );
}

#[test]
fn invalid_utf8_passes_through_and_statements_around_it_are_masked() {
    let input = b"\xff\xfe before; ALTER CONNECTION c SET ('token' = 'a\xffb') \xc3 after";
    let out = Redactor::new().redact_bytes(input);
    assert_eq!(
        out.bytes(),
        b"\xff\xfe before; ALTER CONNECTION c SET ('token' = '<REDACTED>') \xc3 after"
    );
    assert_eq!(out.secrets()[0].value(), "a\u{fffd}b");
    assert_eq!(out.unmask(), input);
}

#[test]
fn into_forms_append_and_match_the_plain_forms() {
    let r = Redactor::new();
    let input = "x; ALTER CONNECTION c SET (token = t, tokn = u)";
    let (mut text, mut secrets, mut warnings) = (String::from("prefix:"), Vec::new(), Vec::new());
    r.redact_into(input, &mut text, &mut secrets, &mut warnings);
    let plain = r.redact(input);
    assert_eq!(text, format!("prefix:{}", plain.text()));
    assert_eq!(secrets, plain.secrets());
    assert_eq!(warnings, plain.warnings());
}

#[test]
fn display_writes_the_masked_text() {
    let r = Redactor::builder().mask("m").build();
    assert_eq!(
        format!("[{}]", r.display("ALTER CONNECTION c SET (token = t)")),
        "[ALTER CONNECTION c SET (token = 'm')]"
    );
    assert_eq!(sqlredact::display("SELECT 1").to_string(), "SELECT 1");
}

#[test]
fn line_mode_offsets_and_lines_count_from_the_start() {
    let r = Redactor::builder().lines(true).build();
    let out =
        r.redact("a\r\nALTER CONNECTION c SET (token = 'x\r\nALTER CONNECTION d SET (token = y)");
    let spans: Vec<_> = out.secrets().iter().map(|s| (s.span(), s.line())).collect();
    assert_eq!(spans, vec![(35..37, 2), (71..72, 3)]);
    assert_eq!(
        out.text(),
        "a\r\nALTER CONNECTION c SET (token = '<REDACTED>'\r\nALTER CONNECTION d SET (token = '<REDACTED>')"
    );
}

#[test]
fn only_a_statement_the_engine_reads_can_overlap_a_statement() {
    // with connection statements only, `CREATE TABLE` inside a value starts nothing
    let inner_table = "CREATE CONNECTION c WITH ('type' = 'CREATE TABLE t', 'api-key' = 'k')";
    let connections = sqlredact::Redactor::builder()
        .connections_only(true)
        .build();
    let out = connections.redact(inner_table);
    assert!(!out.overlapping_statements());
    assert_eq!(out.secrets()[0].value(), "k");
    // by default it starts a credential statement (SPEC §8), which overlaps
    let out = sqlredact::redact(inner_table);
    assert!(out.overlapping_statements());
    assert_eq!(out.secrets()[0].value(), "k");
    assert!(
        !sqlredact::redact("CREATE CONNECTION c WITH ('type' = 'SELECT 1')")
            .overlapping_statements()
    );
    // a nested connection statement is
    let inner_connection =
        "CREATE CONNECTION c WITH ('type' = 'CREATE CONNECTION', 'api-key' = 'k')";
    assert!(sqlredact::redact(inner_connection).overlapping_statements());
}
