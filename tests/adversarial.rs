//! Hostile shapes, each at most 1 MiB: every invariant holds, and planted secrets are masked.
//! A quadratic path would show here as a test that never ends; timings are measured in
//! `benches/`, never asserted.

mod common;

use common::{check_invariants, check_line_mode};
use sqlredact::Redactor;

const MIB: usize = 1 << 20;

#[track_caller]
fn check(input: &[u8]) {
    check_invariants(&Redactor::new(), input);
}

#[test]
fn run_of_quotes() {
    check(&vec![b'\''; MIB]);
    check(
        &[
            b"ALTER CONNECTION c SET (token = ".as_slice(),
            &vec![b'\''; MIB - 40],
        ]
        .concat(),
    );
}

#[test]
fn open_statements_repeated_without_terminators() {
    let input = b"CREATE CONNECTION (".repeat(MIB / 19);
    check(&input);
    let with_secrets = b"CREATE CONNECTION c ('password' = 'p4ss', ".repeat(MIB / 42);
    let out = Redactor::new().redact_bytes(&with_secrets);
    assert_eq!(out.secrets().len(), MIB / 42);
    check(&with_secrets);
}

#[test]
fn comment_openers_and_closers_alternating() {
    check(&b"/**/".repeat(MIB / 4));
    check(
        &[
            b"ALTER CONNECTION c SET (".as_slice(),
            &b"/**/*//*".repeat(MIB / 8),
        ]
        .concat(),
    );
}

#[test]
fn hundred_thousand_nested_parens() {
    let input = [
        b"CREATE CONNECTION c WITH ".as_slice(),
        &b"(".repeat(100_000),
        b"token = 't0k3n'",
        &b")".repeat(100_000),
    ]
    .concat();
    let out = Redactor::new().redact_bytes(&input);
    assert_eq!(out.secrets().len(), 1);
    check(&input);
}

#[test]
fn one_mebibyte_key_and_value() {
    let key = [
        b"ALTER CONNECTION c SET ('".as_slice(),
        &vec![b'k'; MIB],
        b"' = 'v', token = 't')",
    ]
    .concat();
    assert_eq!(Redactor::new().redact_bytes(&key).secrets().len(), 1);
    check(&key);
    let value = [
        b"ALTER CONNECTION c SET ('password' = '".as_slice(),
        &vec![b'v'; MIB],
        b"')",
    ]
    .concat();
    let out = Redactor::new().redact_bytes(&value);
    assert_eq!(
        out.bytes(),
        b"ALTER CONNECTION c SET ('password' = '<REDACTED>')"
    );
    assert_eq!(out.secrets()[0].value().len(), MIB);
    check(&value);
    let bare = [
        b"ALTER CONNECTION c SET (password = ".as_slice(),
        &vec![b'v'; MIB],
    ]
    .concat();
    assert_eq!(
        Redactor::new().redact_bytes(&bare).bytes(),
        b"ALTER CONNECTION c SET (password = '<REDACTED>'"
    );
}

#[test]
fn statement_cut_at_every_byte() {
    let full = "-- setup\nCREATE OR REPLACE CONNECTION IF NOT EXISTS `a`.b.c COMMENT 'x' WITH (\r\n  'type' = 'rest', /* c */ 'password' = U&'p\\0061ss' UESCAPE '\\', token = t0k3n,\n  \"client-secret\" = 'cs''1' 'cs2'\n);";
    for cut in 0..=full.len() {
        if full.is_char_boundary(cut) {
            check(&full.as_bytes()[..cut]);
            check_line_mode(&full.as_bytes()[..cut]);
        }
    }
}

#[test]
fn nul_bytes_and_invalid_utf8_in_keys_and_values() {
    let input = b"ALTER CONNECTION c\0 SET ('pass\xffword' = 'x', 'password' = 'a\0b\xfe\xc3', tok\0en = \xff\xff, token = '\0')";
    let out = Redactor::new().redact_bytes(input);
    assert_eq!(out.bytes(), b"ALTER CONNECTION c\0 SET ('pass\xffword' = 'x', 'password' = '<REDACTED>', tok\0en = \xff\xff, token = '<REDACTED>')");
    check(input);
}

#[test]
fn crlf_and_lone_cr_everywhere() {
    let input =
        "CREATE\r\nCONNECTION\rc\r\nWITH\r(\r'api-key'\r\n=\r'sk\r\n1'\r,\r-- c\rtoken = t\r)\r\n";
    let out = Redactor::new().redact(input);
    assert_eq!(
        out.text(),
        "CREATE\r\nCONNECTION\rc\r\nWITH\r(\r'api-key'\r\n=\r'<REDACTED>'\r,\r-- c\rtoken = '<REDACTED>'\r)\r\n"
    );
    assert_eq!(out.secrets()[1].line(), 5);
    check(input.as_bytes());
    check_line_mode(input.as_bytes());
}

/// Crashers found by fuzzing, minimised, replayed through the fuzz target's own checks.
#[test]
fn fuzz_regressions_replay() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fuzz/redact_bytes");
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let data = std::fs::read(entry.unwrap().path()).unwrap();
        common::fuzz_redact_bytes(&data);
        count += 1;
    }
    assert!(count > 0);
}

#[test]
fn more_than_a_mebibyte_of_comment_ends_a_pair() {
    // the documented limit that keeps a stream's held bytes finite: trivia over 1 MiB between
    // a key and its separator, or between the parts of a value, ends the pair
    let comment = [b"/*".as_slice(), &vec![b'c'; MIB + 16], b"*/"].concat();
    let far_separator = [
        b"ALTER CONNECTION c SET (token ".as_slice(),
        &comment,
        b" = 'after')",
    ]
    .concat();
    assert!(
        Redactor::new()
            .redact_bytes(&far_separator)
            .secrets()
            .is_empty()
    );
    check(&far_separator);
    let far_part = [
        b"ALTER CONNECTION c SET (token = 'a' ".as_slice(),
        &comment,
        b" 'b')",
    ]
    .concat();
    let out = Redactor::new().redact_bytes(&far_part);
    assert_eq!(out.secrets()[0].value(), "a");
    check(&far_part);
    let near_part = [b"ALTER CONNECTION c SET (token = 'a' /* short */ 'b')".as_slice()].concat();
    assert_eq!(
        Redactor::new().redact_bytes(&near_part).secrets()[0].value(),
        "ab"
    );
}

#[test]
fn occurrences_that_each_open_a_comment_that_never_closes() {
    // each occurrence's run read the rest of the input on its own: 512 KiB of `CREATE -- `
    // took 46 s (timings: benches/throughput.rs, `adversarial`)
    for unit in [
        &b"CREATE -- "[..],
        b"CREATE /* ",
        b"CREATE ",
        b"CREATE CONNECTION -- ",
        b"ALTER CONNECTION /* ",
        b"CREATE\n-- ",
    ] {
        let input = unit.repeat(MIB / unit.len());
        check(&input);
        check_line_mode(&input);
    }
    // the one statement after them all is still read
    let input = [
        b"CREATE /* ".repeat(MIB / 20).as_slice(),
        b"*/ CONNECTION c WITH ('api-key' = 'sk-after')",
    ]
    .concat();
    let out = Redactor::new().redact_bytes(&input);
    assert_eq!(out.secrets().len(), 1);
    check(&input);
}

#[test]
fn a_statement_held_across_blocks_is_decided_by_any_length_of_the_next_block() {
    // A stream copies only part of a block behind the bytes it holds back (4 KiB, doubled
    // while the held statement is undecided) and reads the rest in place. Here the separator
    // comes 5, 9, 17 and 40 KiB into the next block, so the copied part doubles zero to four
    // times, and the blocks are cut before, inside and after the key.
    for gap in [5 << 10, 9 << 10, 17 << 10, 40 << 10] {
        let input = [
            b"SELECT 1; ALTER CONNECTION c SET ('type' = 'x', 'password' ".as_slice(),
            &[b"/*".as_slice(), &vec![b'-'; gap], b"*/"].concat(),
            b" = 'p1', token = t2); CREATE CONNECTION d WITH ('api-key' = 'k3');\n",
        ]
        .concat();
        let whole = Redactor::new().redact_bytes(&input);
        let values: Vec<_> = whole.secrets().iter().map(|s| s.value()).collect();
        assert_eq!(values, ["p1", "t2", "k3"]);
        let key = input.windows(10).position(|w| w == b"'password'").unwrap();
        for cut in [key - 3, key + 4, key + 11, key + 200] {
            let streamed = common::stream_cut(&Redactor::new(), &input, &[cut]);
            common::assert_stream_matches(&whole, &streamed);
            let streamed = common::stream_cut(&Redactor::new(), &input, &[cut, cut + gap / 2]);
            common::assert_stream_matches(&whole, &streamed);
        }
    }
}

#[allow(dead_code)]
#[path = "../benches/inputs.rs"]
mod inputs;

#[test]
fn every_bench_shape_holds_the_invariants() {
    // the shapes whose time per byte the benches check, here for what they must give
    for (name, input, secrets) in inputs::adversarial(256 << 10) {
        let out = Redactor::new().redact_bytes(&input);
        assert_eq!(out.secrets().len(), secrets, "{name}");
        check_invariants(&Redactor::new(), &input);
        check_invariants(&Redactor::builder().lines(true).build(), &input);
    }
}

#[test]
fn a_value_read_by_a_credential_and_a_connection_statement_is_reported_alike_however_cut() {
    // found by fuzzing (redact_bytes): whole, the connection statement that starts inside the
    // first one's comment reports the value (SPEC section 2: a connection statement's report
    // wins); read a byte at a time, the credential statement's mask was opened first and its
    // report came out.
    let input = b"CREATE--CREATE CONNECTION'api-key'/*\n'apikey'/**/:\"";
    common::check_cuts(input, &[]);
}

#[test]
fn a_verb_read_as_the_name_of_a_stray_connection_statement_still_starts_its_statement() {
    // found by fuzzing (redact_structured): `alter connection` inside a literal, `---` a comment
    // to the line's end, so the next line's `create` was read as the connection's name and
    // claimed, and the `IDENTIFIED BY` password it holds stayed in clear
    let input = "create or replace secret s as '''''''''alter connection---';\n\
                 create user 'u'@'%' identified by N'-----------------------';";
    let out = sqlredact::redact(input);
    let values: Vec<&str> = out.secrets().iter().map(|s| s.value()).collect();
    assert!(values.contains(&"-----------------------"), "{values:?}");
    common::check_cuts(input.as_bytes(), &[]);
}

#[test]
fn a_verb_after_a_stray_connection_header_starts_its_statement_unless_it_opens_the_pairs() {
    // found by fuzzing (redact_structured): `alter connection` inside a literal, `---` comments
    // out the rest of its line, and the next line's `set` ended that header, so it was claimed
    // (SPEC section 8) and the credential statement it starts never ran; as the connection
    // statement's pair, `"MASTER_PASSWORD"` is not a sensitive key
    let input = "set BEARER.TOKEN => '''''''''alter connection---';\n\
                 set \"MASTER_PASSWORD\" == N'---------r connec';";
    let out = sqlredact::redact(input);
    let values: Vec<&str> = out.secrets().iter().map(|s| s.value()).collect();
    assert!(values.contains(&"---------r connec"), "{values:?}");
    common::check_cuts(input.as_bytes(), &[]);
    // the same with a commented-out connection statement before ordinary ones
    for (input, value) in [
        (
            "-- alter connection old\nSET 'sql.secrets.openai' = 'sk-1';",
            "sk-1",
        ),
        (
            "-- we need to alter connection\nset 'a.token' = 'sk-2';",
            "sk-2",
        ),
        (
            "-- ALTER CONNECTION old\nCREATE TABLE t WITH ('s3.secret-key' = 'sk-3');",
            "sk-3",
        ),
        ("/* alter connection x */ SET PASSWORD = 'sk-4';", "sk-4"),
    ] {
        let out = sqlredact::redact(input);
        let values: Vec<&str> = out.secrets().iter().map(|s| s.value()).collect();
        assert_eq!(values, [value], "{input}");
        common::check_cuts(input.as_bytes(), &[]);
    }
    // a verb that opens the pair list belongs to the connection statement, a comment between
    for header in [
        "ALTER CONNECTION c SET ('my-token-x' = 'v')",
        "ALTER CONNECTION c SET /* new key */ ('my-token-x' = 'v')",
        "ALTER CONNECTION c SET\n-- new key\n('my-token-x' = 'v')",
    ] {
        assert!(sqlredact::redact(header).is_unchanged(), "{header}");
        common::check_cuts(header.as_bytes(), &[]);
    }
}

/// Found by fuzzing (redact_bytes): a JSON string left open to the end of the input (`"` before
/// `password\"`) holds a statement whose value, read through the string, abuts a value of the
/// SQL reading. Read whole, the two are one mask reported by the larger value. A stream wrote
/// the first mask before the string was read and closed it at once, so the second came out as
/// a mask of its own; a mask now stays open while a region that may add to it is unread.
const OPEN_JSON_STRING_BESIDE_A_SQL_VALUE: &[u8] =
    b"SET\"password\\\" N''\x00SET/ \\\"password\\\" ''' 'e";

#[test]
fn an_open_json_string_beside_a_sql_value_masks_the_same_bytes_however_cut() {
    let input = OPEN_JSON_STRING_BESIDE_A_SQL_VALUE;
    let masked = |spans: Vec<std::ops::Range<usize>>| {
        let mut bytes = vec![false; input.len()];
        for span in spans {
            bytes[span].iter_mut().for_each(|b| *b = true);
        }
        bytes
    };
    for redactor in [
        sqlredact::Redactor::new(),
        sqlredact::Redactor::builder().lines(true).build(),
        sqlredact::Redactor::builder()
            .strict(true)
            .mask("it's")
            .build(),
    ] {
        let whole = redactor.redact_bytes(input);
        let want = masked(whole.secrets().iter().map(|s| s.span()).collect());
        assert!(want.iter().any(|&b| b), "the password value is masked");
        for cut in 1..input.len() {
            let out = common::stream_cut(&redactor, input, &[cut]);
            let got = masked(out.secrets.iter().map(|s| s.span()).collect());
            assert_eq!(got, want, "cut at {cut}: the same bytes are masked");
        }
    }
}

#[test]
fn an_open_json_string_beside_a_sql_value_reads_the_same_however_cut() {
    common::check_every_cut(OPEN_JSON_STRING_BESIDE_A_SQL_VALUE);
}
