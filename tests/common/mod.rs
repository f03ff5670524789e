//! Shared by the integration tests: generators of SQL-shaped input and the invariant checker.

#![allow(dead_code)]

use proptest::prelude::*;

mod invariants;
pub use invariants::*;

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
