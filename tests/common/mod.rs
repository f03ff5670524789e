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
    "COPY ",
    "GRANT ",
    "CREATE TABLE t ",
    "CREATE SECRET s ",
    " AS ",
    "IDENTIFIED BY ",
    " WITH p ",
    "PASSWORD ",
    "SET PASSWORD = ",
    "'sql.secrets.x'",
    "AWS_KEY_ID",
    "SECRET pg ",
    "failed to create user's session ",
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
            cut_short(s, do_cut.then_some(cut))
        })
}

/// Credential statements (SPEC §8): the heads of Flink, PostgreSQL, MySQL, Snowflake, Trino,
/// DuckDB and Materialize statements, with 0–6 items: pairs with and without a separator (keys
/// with and without a fragment, known-safe keys), `IDENTIFIED … BY`, `AS` values, `PASSWORD`
/// values, references to stored secrets, column definitions and conditions that must stay
/// untouched; sometimes inside a log line or cut short.
pub fn credential_statement() -> impl Strategy<Value = Vec<u8>> {
    let gap = prop::sample::select(vec!["", " ", "\n", "\r\n", " /* c */ ", " -- n\n", "\\n"]);
    // between a key and a value without a separator there must be some
    let apart = prop::sample::select(vec![" ", "\n", "\t", " /* c */ ", "/**/", " -- n\n"]);
    let key = prop::sample::select(vec![
        "'properties.sasl.jaas.config'",
        "'openai.api_key'",
        "'s3.secret-key'",
        "AWS_KEY_ID",
        "AWS_SECRET_KEY",
        "\"connection-password\"",
        "MASTER_PASSWORD",
        "'sql.secrets.openai'",
        "password",
        "`token`",
        "'token-endpoint'",
        "'connector'",
        "username",
        "'scan.startup.mode'",
        "SECRET",
        "KEY_ID",
        "pasword",
    ]);
    let value = prop::sample::select(vec![
        "'sk-1'",
        "'it''s'",
        "N'nat'",
        "U&'p\\0061ss'",
        "U&'p!0061' UESCAPE '!'",
        "\"dq\"",
        "'a' 'b'",
        "'a' /* c */ 'b'",
        "'<REDACTED>'",
        "''",
        "'multi\nline'",
        "'never closed",
        "'with ) and ; inside'",
        "'SET x = ''y'''",
        "bare_tok",
        "t.token",
        "`bt`",
        "SECRET pg_pass",
    ]);
    let sep = prop::sample::select(vec!["=", ":", "=>", " = "]);
    let item = prop_oneof![
        (key.clone(), gap.clone(), sep, gap, value.clone())
            .prop_map(|(k, g1, s, g2, v)| format!("{k}{g1}{s}{g2}{v}")),
        (key, apart, value.clone()).prop_map(|(k, g, v)| format!("{k}{g}{v}")),
        (
            prop::sample::select(vec![
                "IDENTIFIED BY ",
                "identified with caching_sha2_password by ",
                "IDENTIFIED WITH 'plugin' BY PASSWORD ",
                "IDENTIFIED /* c */ BY\n",
                "AS ",
                "PASSWORD ",
                "WITH LOGIN PASSWORD ",
                "SASL PASSWORD = ",
            ]),
            value
        )
            .prop_map(|(c, v)| format!("{c}{v}")),
        prop::sample::select(vec![
            "password STRING",
            "token_count INT",
            "WHERE token = t.token",
            "SECRET pg_pass",
            "(",
            ")",
        ])
        .prop_map(String::from),
    ];
    let head = prop::sample::select(vec![
        "CREATE TABLE t (id INT) WITH (",
        "create temporary table t with (",
        "SET ",
        "CREATE MODEL m INPUT (x STRING) WITH (",
        "ALTER ROLE r ",
        "CREATE USER MAPPING FOR u SERVER s OPTIONS (",
        "CREATE USER 'u'@'%' ",
        "ALTER USER u ",
        "GRANT ALL ON *.* TO 'u'@'%' ",
        "COPY INTO t FROM 's3://b' CREDENTIALS = (",
        "UNLOAD ('select 1') TO 's3://b' ",
        "CHANGE REPLICATION SOURCE TO ",
        "CREATE OR REPLACE PERSISTENT SECRET s ",
        "CREATE SECRET \"my secret\" (",
        "ALTER SECRET s ",
        "SET PASSWORD FOR 'u'@'%' = ",
        "set password = ",
        "CREATE CATALOG c USING postgresql WITH (",
        "CREATE CONNECTION pg TO POSTGRES (",
        "ALTER CONNECTION c SET (",
    ]);
    let wrap = prop::sample::select(vec![
        "",
        "INFO failed to create user's session: ",
        "-- ",
        "{\"msg\":\"",
    ]);
    let between = prop::sample::select(vec![", ", ",", " ", "\n"]);
    (
        wrap,
        head,
        prop::collection::vec((item, between), 0..6),
        prop::sample::select(vec![");", ")", ";", "", ";\nSELECT 1;"]),
        any::<u16>(),
        any::<bool>(),
    )
        .prop_map(|(wrap, head, items, tail, cut, do_cut)| {
            let mut s = format!("{wrap}{head}");
            for (i, (item, between)) in items.iter().enumerate() {
                if i > 0 {
                    s.push_str(between);
                }
                s.push_str(item);
            }
            s.push_str(tail);
            cut_short(s, do_cut.then_some(cut))
        })
}

/// A generated statement's bytes, cut short at `cut` (modulo its length) when given.
fn cut_short(statement: String, cut: Option<u16>) -> Vec<u8> {
    let mut bytes = statement.into_bytes();
    if let Some(cut) = cut {
        bytes.truncate(cut as usize % (bytes.len() + 1));
    }
    bytes
}

/// A connection statement or a credential statement.
pub fn any_statement() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![statement(), credential_statement()]
}

/// A generated statement and an embedding of it.
pub fn embedded() -> impl Strategy<Value = (Vec<u8>, Embedding)> {
    (
        any_statement(),
        prop::sample::select(vec![
            Embedding::Json,
            Embedding::JsonEscaped,
            Embedding::Sql,
            Embedding::SqlInJson,
        ]),
    )
}
