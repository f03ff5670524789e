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
