//! Shared by the integration tests: generators of SQL-shaped input and the invariant checker.

#![allow(dead_code)]

use proptest::prelude::*;

mod embedding;
mod invariants;
mod reference;
pub use embedding::*;
pub use invariants::*;
#[allow(unused_imports)] // the reference is used by the property tests only
pub use reference::*;

/// Fragments weighted toward what changes how a connection statement is read.
pub const FRAGMENTS: &[&str] = &[
    "CREATE ",
    "ALTER ",
    "create",
    "CONNECTION ",
    "connection",
    " OR REPLACE ",
    "IF NOT EXISTS ",
    "c ",
    "`a`.`b`.c ",
    "WITH ",
    "SET ",
    "(",
    ")",
    "(",
    ")",
    "'",
    "''",
    "\"",
    "`",
    "--",
    "/*",
    "*/",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "=",
    "=>",
    ":",
    ",",
    ";",
    "'api-key'",
    "api-key",
    "'password'",
    "token",
    "'sk-1234'",
    "'pw-5678'",
    "tok9876",
    "x",
    "N'",
    "U&'",
    "X'",
    "_UTF8'",
    "UESCAPE '!'",
    "\\n",
    "ap-key",
    "'pasword'",
    "\u{e9}",
    "\u{1F511}",
    "\\",
    "-",
    "/",
    "*",
    "<REDACTED>",
    "'<REDACTED>'",
    "INFO user's request: ",
    "{\"msg\":\"",
    "\"}",
    "SELECT 'CREATE CONNECTION' ",
    "\\\"",
    "\\\"client-secret\\\"",
];

/// Input made of fragments, with an occasional raw byte (possibly not UTF-8).
pub fn soup() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            8 => prop::sample::select(FRAGMENTS).prop_map(|f| f.as_bytes().to_vec()),
            1 => any::<u8>().prop_map(|b| vec![b]),
        ],
        0..60,
    )
    .prop_map(|parts| parts.concat())
}

/// Connection statements: keyword case, `OR REPLACE`, `IF NOT EXISTS`, qualified names,
/// comments and white space between tokens, 0–8 pairs of sensitive, known-safe, near-miss and
/// other keys with any separator and quoting, values with quotes, prefixes, continuations,
/// sometimes a missing comma, sometimes inside a log line or cut short.
pub fn statement() -> impl Strategy<Value = Vec<u8>> {
    let gap = prop::sample::select(vec![
        "",
        " ",
        "  ",
        "\n",
        "\r\n",
        "\t",
        " /* c */ ",
        "/*+ h */",
        " -- n\n",
        "\\n",
    ]);
    let key = prop::sample::select(vec![
        "'api-key'",
        "api_key",
        "\"password\"",
        "`token`",
        "'AWS-SECRET-KEY'",
        "client-secret",
        "'type'",
        "endpoint",
        "'ap-key'",
        "pasword",
        "\"apikey\"",
        "'connector'",
        "`format`",
        "'service-account-key'",
    ]);
    let value = prop::sample::select(vec![
        "'sk-1'",
        "'it''s'",
        "N'nat'",
        "X'cafe'",
        "_UTF8'u8'",
        "U&'p\\0061ss'",
        "U&'p!0061' UESCAPE '!'",
        "tok123",
        "\"dq\"",
        "'a' 'b'",
        "'a' /* c */ 'b'",
        "'<REDACTED>'",
        "''",
        "'multi\nline'",
        "'never closed",
        "'with ) and ; inside'",
        "'CREATE CONNECTION x (token = y)'",
    ]);
    let sep = prop::sample::select(vec!["=", "==", ":", "=>", " = "]);
    let pair = (key, gap.clone(), sep, gap.clone(), value, any::<bool>()).prop_map(
        |(k, g1, s, g2, v, comma)| format!("{k}{g1}{s}{g2}{v}{}", if comma { "," } else { "" }),
    );
    let head = prop::sample::select(vec![
        "CREATE CONNECTION c WITH (",
        "create or replace connection if not exists `a`.b.c with (",
        "ALTER CONNECTION IF EXISTS x SET (",
        "CREATE TEMPORARY SYSTEM CONNECTION c COMMENT 'x' WITH (",
        "CREATE /* c */ CONNECTION WITH (",
        "ALTER\nCONNECTION -- n\n`we``ird` SET (",
    ]);
    let wrap = prop::sample::select(vec!["", "INFO user's request: ", "{\"msg\":\""]);
    (
        wrap,
        head,
        prop::collection::vec((pair, gap), 0..8),
        prop::sample::select(vec![");", ")", ""]),
        any::<u16>(),
        any::<bool>(),
    )
        .prop_map(|(wrap, head, pairs, tail, cut, do_cut)| {
            let mut s = format!("{wrap}{head}");
            for (p, g) in pairs {
                s.push_str(&p);
                s.push_str(g);
            }
            s.push_str(tail);
            let mut bytes = s.into_bytes();
            if do_cut {
                bytes.truncate(cut as usize % (bytes.len() + 1));
            }
            bytes
        })
}

/// A generated statement and an embedding of it.
pub fn embedded() -> impl Strategy<Value = (Vec<u8>, Embedding)> {
    (
        statement(),
        prop::sample::select(vec![
            Embedding::Json,
            Embedding::JsonEscaped,
            Embedding::Sql,
            Embedding::SqlInJson,
        ]),
    )
}
