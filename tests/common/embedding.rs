//! Statements wrapped the way logs carry them (SPEC §9), and unwrapped again: shared by the
//! property tests and the structured fuzz target.

/// How [`embed`] wraps a statement (SPEC §9).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Embedding {
    /// A JSON string, as serde_json writes it.
    Json,
    /// A JSON string from an encoder that escapes `'` and `=` (Gson's default).
    JsonEscaped,
    /// A SQL literal with its quotes doubled.
    Sql,
    /// A SQL literal inside a JSON string.
    SqlInJson,
}

/// Wraps `plain` in a log record or an audit insert the way `how` says.
pub fn embed(plain: &[u8], how: Embedding) -> Vec<u8> {
    let text = String::from_utf8_lossy(plain);
    let sql = |t: &str| format!("INSERT INTO audit VALUES ('{}');", t.replace('\'', "''"));
    let json = |t: &str| serde_json::to_string(t).expect("a string serializes");
    let out = match how {
        Embedding::Json => format!("{{\"msg\":{}}}", json(&text)),
        Embedding::JsonEscaped => format!(
            "{{\"msg\":{}}}",
            json(&text).replace('\'', "\\u0027").replace('=', "\\u003d")
        ),
        Embedding::Sql => sql(&text),
        Embedding::SqlInJson => format!("{{\"msg\":{}}}", json(&sql(&text))),
    };
    out.into_bytes()
}

/// The statement inside a record [`embed`] made (after masking): the JSON string decoded, the
/// literal's quotes undoubled. `None` when the record no longer parses or the literal no longer
/// closes where it did.
pub fn unembed(record: &[u8], how: Embedding) -> Option<Vec<u8>> {
    let from_sql = |t: &str| -> Option<String> {
        let body = t
            .strip_prefix("INSERT INTO audit VALUES ('")?
            .strip_suffix("');")?;
        // the literal closes only at its end: every quote inside is doubled
        let undoubled = body.replace("''", "");
        (!undoubled.contains('\'')).then(|| body.replace("''", "'"))
    };
    let from_json = |r: &[u8]| -> Option<String> {
        let v: serde_json::Value = serde_json::from_slice(r).ok()?;
        Some(v.get("msg")?.as_str()?.to_string())
    };
    let text = match how {
        Embedding::Json | Embedding::JsonEscaped => from_json(record)?,
        Embedding::Sql => from_sql(std::str::from_utf8(record).ok()?)?,
        Embedding::SqlInJson => from_sql(&from_json(record)?)?,
    };
    Some(text.into_bytes())
}

/// Whether a statement embedded `how` may be read differently as written and in the SQL
/// reading, so that masking it need not converge: inside a SQL literal, where the two pair
/// its quotes differently. A value that the reading as written finds as well (a bare token, a
/// double-quoted literal) is reported by it and masked as written (SPEC §9's order, and the
/// `fam-` cases): the literal then breaks, and a second pass reads it differently. A `'…'`
/// value reads as `''…''` there, which the SQL reading alone finds. (Raised on issue #10:
/// SPEC §9 says masking again finds nothing new.)
pub fn pairings_differ(redactor: &sqlredact::Redactor, plain: &[u8], how: Embedding) -> bool {
    if !matches!(how, Embedding::Sql | Embedding::SqlInJson) {
        return false;
    }
    let alone = redactor.redact_bytes(plain);
    let literals = alone.secrets().iter().all(|s| {
        let raw = s.raw();
        let prefix = raw.iter().position(|&b| b == b'\'').unwrap_or(raw.len());
        // `''` doubles to `''''`, which the reading as written reads as one literal too
        raw != b"''"
            && prefix < raw.len()
            && raw[..prefix]
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || b"&_".contains(b))
    });
    // where the literals pair up differently read from another quote: `'a'='b,k='c'`
    let quotes_pair = (0..plain.len())
        .filter(|&i| plain[i] == b'\'')
        .all(|i| everything_closes(&plain[i..]));
    // a `"` or `` ` `` key or literal inside reads differently in the two: `'a"k"='` is one
    // literal in the SQL reading, a key `"k"` as written
    !literals || !quotes_pair || plain.iter().any(|b| b"\"`".contains(b))
}

/// Whether the text from every word that may start a statement (SPEC sections 2 and 8), and
/// from the start, leaves no literal or comment open: one left open runs on over the record's
/// end in the reading as written, which fails closed (SPEC §9), and the record may then break.
pub fn every_statement_closes(plain: &[u8]) -> bool {
    let lower = plain.to_ascii_lowercase();
    let verbs = [
        "create", "alter", "set", "copy", "unload", "change", "grant",
    ];
    (0..plain.len())
        .filter(|&i| verbs.iter().any(|w| lower[i..].starts_with(w.as_bytes())))
        .chain([0])
        .all(|i| everything_closes(&plain[i..]))
}

/// Whether every literal, quoted identifier and block comment in `text` closes (SPEC §4).
pub fn everything_closes(text: &[u8]) -> bool {
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let close: Option<usize> = match rest[0] {
            q @ (b'\'' | b'"' | b'`') => {
                let mut j = 1;
                loop {
                    match rest[j..].iter().position(|&b| b == q) {
                        None => break None,
                        Some(k) if rest.get(j + k + 1) == Some(&q) => j += k + 2,
                        Some(k) => break Some(j + k + 1),
                    }
                }
            }
            b'/' if rest.starts_with(b"/*") => {
                rest[2..].windows(2).position(|w| w == b"*/").map(|k| k + 4)
            }
            b'-' if rest.starts_with(b"--") => {
                Some(rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len()))
            }
            _ => Some(1),
        };
        match close {
            Some(len) => i += len,
            None => return false,
        }
    }
    true
}
