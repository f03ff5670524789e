//! Masks credentials in SQL statements wherever they stand (scripts, log lines, JSON records,
//! comments): Flink `CREATE CONNECTION` / `ALTER CONNECTION`, and the other statements that carry
//! them (`CREATE TABLE … WITH ('password' = …)`, `SET 'sql.secrets.…'`, `IDENTIFIED BY`,
//! `CREDENTIALS`, `CREATE SECRET`, …).
//!
//! ```
//! let r = sqlredact::redact(
//!     "INFO executing: CREATE CONNECTION llm WITH ('type' = 'openai', 'api-key' = 'sk-1');",
//! );
//! assert_eq!(
//!     r.text(),
//!     "INFO executing: CREATE CONNECTION llm WITH ('type' = 'openai', 'api-key' = '<REDACTED>');"
//! );
//! let secret = &r.secrets()[0];
//! assert_eq!((secret.key(), secret.value(), secret.connection()), ("api-key", "sk-1", Some("llm")));
//! assert_eq!(secret.span(), 75..81);
//! ```
//!
//! The same engine ships as a command-line filter, `sqlredact` (`cargo install sqlredact`):
//! stdin or files to stdout, with `--lines` for logs, `--json`, `--secrets FILE` and `--check`
//! for CI gates; `sqlredact --help` says which mode suits which input.
//!
//! # Which call
//!
//! | you have | call | you get |
//! |---|---|---|
//! | one `&str` to log, default keys | [`redact`] or [`display`] | [`Redacted`] (text, secrets, warnings); `display` writes straight into `format!`/`log!` |
//! | your own keys, mask, strict or line mode | build a [`Redactor`] once ([`Redactor::builder`]), then [`Redactor::redact`] | the same; `Redactor` is `Clone + Send + Sync` |
//! | bytes that may not be UTF-8 | [`Redactor::redact_bytes`] | [`RedactedBytes`] |
//! | a hot loop, many small statements | [`Redactor::redact_into`] / [`Redactor::redact_bytes_into`] | appends to your reused text and secret buffers |
//! | input that arrives in blocks (a pipe, a socket, a huge file) | [`Redactor::stream`] | a [`stream::Stream`]: output as soon as it is decided, memory bounded |
//!
//! # Guarantees
//!
//! - Total: every input gives a result (no panic, no error), in time and memory linear in its
//!   length, however statements, literals and comments overlap.
//! - Splice, never re-render: outside the masked ranges the output is the input byte for byte
//!   (whitespace, comments, case, line endings, bytes that are not UTF-8).
//! - Putting each [`Secret::raw`] back in place of its mask gives the input
//!   ([`Redacted::unmask`]). Masking the output again changes nothing, unless statements
//!   overlapped ([`Redacted::overlapping_statements`]).
//! - A secret's value appears only through [`Secret::value`], [`Secret::raw`] and
//!   serialization; never in `Debug`, an error or a warning.
//! - Fail closed: an unterminated literal after a sensitive key is masked to the end of the
//!   input; a missing comma does not hide the next pair; every occurrence of the keywords is
//!   examined, also inside comments and literals.
//!
//! # Scope
//!
//! - In `CREATE`/`ALTER … CONNECTION` statements: the values of keys in the sensitive list
//!   ([`DEFAULT_KEYS`] plus the keys you add). A misspelled key (`'ap-key'`) is a near miss:
//!   reported as a [`Warning`] and left unmasked, unless [`RedactorBuilder::strict`] is set.
//! - In the other statements that start `CREATE`, `ALTER`, `SET`, `COPY`, `UNLOAD`, `CHANGE` or
//!   `GRANT` (to the next `;`): literal values of keys that contain a fragment of
//!   [`SENSITIVE_FRAGMENTS`] (Flink's rule: `'properties.sasl.jaas.config'`, `AWS_SECRET_KEY`)
//!   or are in the sensitive list, with or without a separator (`PASSWORD 'p'`), and the values
//!   of `IDENTIFIED BY`, `CREATE SECRET … AS` and `SET PASSWORD … =`. A bare name after `=`
//!   (`WHERE token = t.token`), a column definition and a reference to a stored secret
//!   (`PASSWORD = SECRET pg_pass`) are left alone; [`Secret::connection`] is `None` there.
//!   [`RedactorBuilder::connections_only`] limits the engine to connection statements.
//! - Keys longer than 256 bytes, and pairs whose parts are more than 1 MiB of comments apart,
//!   are not recognised as pairs.
//! - Inside JSON records, `\n`, `\r`, `\t` written as two characters are white space and
//!   `\"…\"` is a double-quoted literal; other JSON escapes in a value are reported as written.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod embed;
mod engine;
mod find;
mod found;
mod keys;
mod lexer;
mod reader;
mod readings;
mod redact;
mod secret;
pub mod stream;

pub use keys::{DEFAULT_KEYS, KNOWN_SAFE_KEYS, SENSITIVE_FRAGMENTS};
pub use redact::{Display, Redacted, RedactedBytes, Redactor, RedactorBuilder, display, redact};
pub use secret::{Secret, Warning};

/// The README's Rust examples, run as doctests so they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;
