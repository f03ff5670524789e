//! A generated connection statement, or a family of credential statements (SPEC section 8),
//! must give exactly the planted sensitive values as secrets and exactly the planted near
//! misses as warnings, whatever its formatting; cut short, every value that was complete is
//! still masked. Embedded the ways logs carry statements (SPEC §9: a JSON string, with `'` and
//! `=` escaped or not, a SQL literal, a SQL literal in JSON), the invariants hold, the record
//! still parses, and no planted value is left in its content.

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use sqlredact::Redactor;

#[path = "../../tests/common/invariants.rs"]
mod invariants;
#[path = "../../tests/common/reference.rs"]
mod reference;
#[path = "../../tests/common/embedding.rs"]
mod embedding;
use invariants::unicode_unescape;

const SENSITIVE: &[&str] = sqlredact::DEFAULT_KEYS;
const SAFE: &[&str] = sqlredact::KNOWN_SAFE_KEYS;
const NEAR: &[(&str, &str)] = &[("ap-key", "api-key"), ("pasword", "password"), ("apikey", "api-key"), ("aws_secret_key", "aws-secret-key"), ("tokens", "token"), ("usrname", "username")];
/// Keys the fragment rule of credential statements masks, and keys it leaves alone.
const CRED_SENSITIVE: &[&str] = &["properties.sasl.jaas.config", "openai.api_key", "s3.secret-key", "AWS_KEY_ID", "connection-password", "MASTER_PASSWORD", "sql.secrets.openai", "password", "passwd", "bearer.token"];
const CRED_OTHER: &[&str] = &["connector", "format", "scan.startup.mode", "username", "token-endpoint", "user", "host", "topic"];
const OTHER: &[&str] = &["connector", "format", "model", "max-retries", "dimensions", "provider"];
const GAPS: &[&str] = &[" ", "  ", "\n", "\r\n", "\t", " /* c */ ", "/*+ hint */", " -- note\n", "\n\n  "];

#[derive(Arbitrary, Debug, Clone, Copy)]
enum KeyKind {
    Sensitive(u8),
    Safe(u8),
    Near(u8),
    Other(u8),
}

#[derive(Arbitrary, Debug)]
struct Pair {
    key: KeyKind,
    quote: u8,
    upper: bool,
    sep: u8,
    value: String,
    prefix: u8,
}

#[derive(Arbitrary)]
struct Stmt {
    alter: bool,
    lower: bool,
    or_replace: bool,
    if_exists: u8,
    name: Vec<(bool, u8)>,
    comment: bool,
    gaps: Vec<u8>,
    pairs: Vec<Pair>,
    comma: Vec<bool>,
    wrap: u8,
    cut: Option<u16>,
    embed: u8,
    /// 0: a connection statement; else a family of credential statements (SPEC section 8).
    kind: u8,
}

impl Stmt {
    /// The input the redactor sees: rendered, then cut where `cut` says.
    fn input(&self) -> String {
        let mut input = self.render().text;
        if let Some(cut) = self.cut {
            let mut cut = cut as usize % (input.len() + 1);
            while !input.is_char_boundary(cut) {
                cut -= 1;
            }
            input.truncate(cut);
        }
        input
    }
}

/// The rendered input and a one-line reproduction, instead of the fields.
impl std::fmt::Debug for Stmt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let input = self.input();
        writeln!(f, "input: {input:?}")?;
        write!(f, "repro: printf '%s' '{}' | sqlredact --json", input.replace('\'', "'\\''"))
    }
}

struct Rendered {
    text: String,
    /// `(value, end offset of its literal, literal length)` for every sensitive pair.
    secrets: Vec<(String, usize, usize)>,
    warnings: Vec<(String, String)>,
    /// How many words that may start a statement were written.
    verbs: usize,
}

impl Stmt {
    fn render(&self) -> Rendered {
        if self.kind % 5 != 0 {
            return self.render_credentials();
        }
        let json = self.wrap % 3 == 2;
        let mut g = 0;
        let mut gap = |out: &mut String| {
            let pick = self.gaps.get(g).copied().unwrap_or(0) as usize;
            g += 1;
            let text = GAPS[pick % GAPS.len()];
            // inside a JSON string a line break is written as \n
            out.push_str(&if json { text.replace("\r\n", "\\n").replace('\n', "\\n").replace('\t', "\\t") } else { text.to_string() });
        };
        let kw = |w: &str| if self.lower { w.to_lowercase() } else { w.to_string() };
        let mut s = match self.wrap % 3 {
            1 => "2026-11-02T10:00:00Z INFO user's request: ".to_string(),
            2 => "{\"level\":\"INFO\",\"msg\":\"".to_string(),
            _ => String::new(),
        };
        s.push_str(&kw(if self.alter { "ALTER" } else { "CREATE" }));
        gap(&mut s);
        if self.or_replace && !self.alter {
            s.push_str(&kw("OR REPLACE"));
            gap(&mut s);
        }
        s.push_str(&kw("CONNECTION"));
        gap(&mut s);
        match self.if_exists % 3 {
            1 => s.push_str(&kw("IF EXISTS ")),
            2 => s.push_str(&kw("IF NOT EXISTS ")),
            _ => {}
        }
        for (i, (quoted, n)) in self.name.iter().take(3).enumerate() {
            if i > 0 {
                s.push('.');
            }
            let part = format!("conn{n}");
            s.push_str(&if *quoted { format!("`{part}`") } else { part });
        }
        gap(&mut s);
        if self.comment && !self.alter {
            s.push_str(&kw("COMMENT 'a comment'"));
            gap(&mut s);
        }
        s.push_str(&kw(if self.alter { "SET" } else { "WITH" }));
        gap(&mut s);
        s.push('(');
        let mut secrets = Vec::new();
        let mut warnings = Vec::new();
        for (i, pair) in self.pairs.iter().take(8).enumerate() {
            gap(&mut s);
            let (key, sensitive, near) = match pair.key {
                KeyKind::Sensitive(k) => (SENSITIVE[k as usize % SENSITIVE.len()].to_string(), true, None),
                KeyKind::Safe(k) => (SAFE[k as usize % SAFE.len()].to_string(), false, None),
                KeyKind::Near(k) => {
                    let (n, suggestion) = NEAR[k as usize % NEAR.len()];
                    (n.to_string(), false, Some(suggestion))
                }
                KeyKind::Other(k) => (OTHER[k as usize % OTHER.len()].to_string(), false, None),
            };
            let key = if pair.upper { key.to_uppercase() } else { key };
            let dq = if json { "\\\"" } else { "\"" };
            s.push_str(&match pair.quote % 4 {
                0 => format!("'{key}'"),
                1 => format!("{dq}{key}{dq}"),
                2 => format!("`{key}`"),
                _ => key.clone(),
            });
            gap(&mut s);
            s.push_str(["=", "==", ":", "=>"][pair.sep as usize % 4]);
            gap(&mut s);
            // values: any text, with quotes doubled; inside JSON, no backslash, quote or control
            let value: String = if json { pair.value.chars().filter(|c| !matches!(c, '\\' | '"') && !c.is_control()).collect() } else { pair.value.clone() };
            let prefix = ["", "N", "_UTF8", ""][pair.prefix as usize % 4];
            let literal = format!("{prefix}'{}'", value.replace('\'', "''"));
            s.push_str(&literal);
            // a value that already is the mask literal is left alone
            if sensitive && !(prefix.is_empty() && value == "<REDACTED>") {
                secrets.push((value, s.len(), literal.len()));
            }
            if let Some(suggestion) = near {
                warnings.push((key, suggestion.to_string()));
            }
            if i + 1 < self.pairs.len().min(8) {
                // a missing comma must not hide the next pair
                if self.comma.get(i).copied().unwrap_or(true) {
                    s.push(',');
                }
            }
        }
        gap(&mut s);
        s.push_str(");");
        if json {
            s.push_str("\"}");
        }
        let verbs = 1 + usize::from(self.alter);
        Rendered { text: s, secrets, warnings, verbs }
    }

    /// Credential statements of one family (SPEC section 8): Flink `CREATE TABLE … WITH` with
    /// keys the fragment rule masks or not, `SET 'key' = 'value'` lines, `OPTIONS (key 'value')`
    /// pairs without a separator, and user passwords (`IDENTIFIED BY`, `PASSWORD`, `SET
    /// PASSWORD`, `CREATE SECRET … AS`). Near misses are not warned about there.
    fn render_credentials(&self) -> Rendered {
        let json = self.wrap % 3 == 2;
        let mut g = 0;
        let mut gap = |out: &mut String, apart: bool| {
            let pick = self.gaps.get(g).copied().unwrap_or(0) as usize;
            g += 1;
            // a pair without a separator needs white space or a comment between its parts
            let text = match GAPS[pick % GAPS.len()] {
                "/*+ hint */" if apart => " /*+ hint */",
                text => text,
            };
            out.push_str(&if json { text.replace("\r\n", "\\n").replace('\n', "\\n").replace('\t', "\\t") } else { text.to_string() });
        };
        let kw = |w: &str| if self.lower { w.to_lowercase() } else { w.to_string() };
        let mut s = match self.wrap % 3 {
            1 => "2026-11-02T10:00:00Z ERROR failed to create user's session: ".to_string(),
            2 => "{\"level\":\"INFO\",\"msg\":\"".to_string(),
            _ => String::new(),
        };
        let family = self.kind % 5;
        let mut verbs = 0;
        let mut secrets = Vec::new();
        let dq = if json { "\\\"" } else { "\"" };
        let newline = if json { "\\n" } else { "\n" };
        if family == 1 {
            s.push_str(&kw("CREATE TABLE t (id INT, password_hash STRING) WITH ("));
            verbs += 1;
        } else if family == 3 {
            s.push_str(&kw("CREATE USER MAPPING FOR u SERVER s OPTIONS ("));
            verbs += 1;
        }
        let pairs: Vec<&Pair> = self.pairs.iter().take(8).collect();
        for (i, pair) in pairs.iter().enumerate() {
            let (key, sensitive) = match pair.key {
                KeyKind::Sensitive(k) => (CRED_SENSITIVE[k as usize % CRED_SENSITIVE.len()], true),
                KeyKind::Safe(k) | KeyKind::Near(k) | KeyKind::Other(k) => (CRED_OTHER[k as usize % CRED_OTHER.len()], false),
            };
            let key = if pair.upper { key.to_uppercase() } else { key.to_string() };
            let value: String = if json { pair.value.chars().filter(|c| !matches!(c, '\\' | '"') && !c.is_control()).collect() } else { pair.value.clone() };
            let prefix = ["", "N", "_UTF8", ""][pair.prefix as usize % 4];
            let literal = format!("{prefix}'{}'", value.replace('\'', "''"));
            let mut sensitive = sensitive;
            match family {
                // `KEY SEP 'value'`, the key quoted any way
                1 | 2 => {
                    if family == 2 {
                        if i > 0 {
                            s.push_str(newline);
                        }
                        s.push_str(&kw("SET "));
                        verbs += 1;
                    } else {
                        gap(&mut s, false);
                    }
                    s.push_str(&match pair.quote % 4 {
                        0 => format!("'{key}'"),
                        1 => format!("{dq}{key}{dq}"),
                        2 => format!("`{key}`"),
                        _ => key.clone(),
                    });
                    gap(&mut s, false);
                    s.push_str(["=", "==", ":", "=>"][pair.sep as usize % 4]);
                    gap(&mut s, false);
                }
                // `key 'value'`: a bare key, set apart
                3 => {
                    gap(&mut s, false);
                    s.push_str(&key);
                    s.push(' ');
                    gap(&mut s, true);
                }
                // the clauses that carry a user's password
                _ => {
                    if i > 0 {
                        s.push_str(newline);
                    }
                    let head = [
                        "CREATE USER 'u'@'%' IDENTIFIED BY ",
                        "ALTER USER u IDENTIFIED WITH caching_sha2_password BY ",
                        "ALTER ROLE r WITH LOGIN PASSWORD ",
                        "SET PASSWORD FOR 'u'@'%' = ",
                        "CREATE OR REPLACE SECRET s AS ",
                    ][pair.sep as usize % 5];
                    s.push_str(&kw(head));
                    verbs += 1;
                    sensitive = true;
                }
            }
            s.push_str(&literal);
            if sensitive && !(prefix.is_empty() && value == "<REDACTED>") {
                secrets.push((value, s.len(), literal.len()));
            }
            match family {
                1 | 3 if i + 1 < pairs.len() => s.push(','),
                2 | 4 => s.push(';'),
                _ => {}
            }
        }
        if family == 1 || family == 3 {
            gap(&mut s, false);
            s.push_str(");");
        }
        if json {
            s.push_str("\"}");
        }
        Rendered { text: s, secrets, warnings: vec![], verbs }
    }
}

/// How many words in `text` may start a statement (SPEC sections 2 and 8), glued or not.
fn statement_words(text: &str) -> usize {
    let lower = text.to_ascii_lowercase();
    ["create", "alter", "set", "copy", "unload", "change", "grant"]
        .iter()
        .map(|w| lower.matches(w).count())
        .sum()
}

/// The text between masks in `out`, where a planted value must not appear.
fn unmasked<'a>(out: &'a str, mask: &str) -> Vec<&'a str> {
    out.split(mask).collect()
}

/// The rendered statement embedded in a record: every planted value long enough to recognise
/// and found nowhere else is masked in the record's content, and the record still parses.
fn check_embedded(stmt: &Stmt, rendered: &Rendered, how: embedding::Embedding) {
    let record = embedding::embed(rendered.text.as_bytes(), how);
    let redactor = Redactor::new();
    // inside a SQL literal, where the SQL reading pairs the statement's quotes differently
    // from the reading as written, masking need not converge (see tests/common/embedding.rs):
    // what still holds is that any cut reads as the whole
    let text = rendered.text.as_bytes();
    if embedding::pairings_differ(&redactor, text, how) {
        invariants::check_cuts(&record, &[]);
    } else {
        invariants::check_invariants(&redactor, &record);
    }
    // a statement inside a value (`SET (k = '` in a literal) may leave a literal open to the
    // record's end, which the reading as written masks (it fails closed)
    if !embedding::every_statement_closes(text) {
        return;
    }
    let out = redactor.redact_bytes(&record);
    let Some(content) = embedding::unembed(out.bytes(), how) else {
        // a value read as written may break a SQL literal around it (see tests/properties.rs)
        assert!(
            matches!(how, embedding::Embedding::Sql | embedding::Embedding::SqlInJson),
            "the record still parses: {:?}",
            String::from_utf8_lossy(&record)
        );
        return;
    };
    let content = String::from_utf8_lossy(&content).into_owned();
    let mask = redactor.mask_literal();
    for (value, end, literal) in &rendered.secrets {
        let elsewhere = [&rendered.text[..end - literal], &rendered.text[*end..]].join("\u{0}");
        if value.chars().count() >= 4 && !elsewhere.contains(value.as_str()) && stmt.cut.is_none() {
            assert!(
                !unmasked(&content, &mask).iter().any(|part| part.contains(value.as_str())),
                "a planted value survived in {:?}",
                String::from_utf8_lossy(&record)
            );
        }
    }
}

/// Whether a literal part opens after white space, also white space as a JSON string writes it
/// (`\n`, `\r`, `\t` as two characters).
fn next_part_opens(rest: &str) -> bool {
    let mut rest = rest.trim_start();
    while let Some(after) = ["\\n", "\\r", "\\t"].iter().find_map(|e| rest.strip_prefix(e)) {
        rest = after.trim_start();
    }
    rest.starts_with('\'')
}

fuzz_target!(|stmt: Stmt| {
    let rendered = stmt.render();
    // JSON-wrapped statements are written by hand (wrap 2); the others are also embedded
    if stmt.wrap % 3 != 2 && stmt.cut.is_none() {
        use embedding::Embedding::*;
        if let Some(&how) = [Json, JsonEscaped, Sql, SqlInJson].get(stmt.embed as usize % 5) {
            check_embedded(&stmt, &rendered, how);
            return;
        }
    }
    let input = stmt.input();
    let redactor = Redactor::new();
    invariants::check_invariants(&redactor, input.as_bytes());
    let out = redactor.redact(&input);
    // the text between masks (a value can also be spelled by the text around its mask)
    let mask = redactor.mask_literal();
    let unmasked = unmasked(out.text(), &mask);
    // SPEC section 9: in a JSON string cut short, a value whose next literal part the cut
    // leaves open gives no value in the JSON reading, and as written its key may be a near miss
    // (`\"API_KEY\"` reads `API_KEY\`): the value stays in clear (raised on issue #11)
    let json_cut_open = stmt.wrap % 3 == 2 && !input.ends_with("\"}");
    for (value, end, literal) in &rendered.secrets {
        // only a value that occurs nowhere else in the input, its own literal blanked out
        let elsewhere = [&rendered.text[..end - literal], &rendered.text[*end..]].join("\u{0}");
        let continued_open = json_cut_open && input.get(*end..).is_some_and(next_part_opens);
        if *end <= input.len() && !continued_open && value.chars().count() >= 4 && !elsewhere.contains(value.as_str()) {
            assert!(!unmasked.iter().any(|part| part.contains(value.as_str())), "a planted value survived in {input:?}");
        }
    }
    // a value that holds a statement of its own is examined too and may add secrets
    // (counted in the rendered text: inside JSON, control characters are dropped from values)
    let nested = statement_words(&rendered.text) > rendered.verbs;
    // a doubled quote (an empty value, a quote inside one) is a quote to the readings of SQL
    // literals (SPEC section 9), which may then read a larger value
    let doubled = rendered.text.contains("''");
    if stmt.cut.is_none() && !nested && !doubled {
        // exactly (no statement word inside a value, which would start a statement of its own)
        let out = Redactor::new().redact(&input);
        let got: Vec<&str> = out.secrets().iter().map(|s| s.value()).collect();
        let want: Vec<&str> = rendered.secrets.iter().map(|(v, _, _)| v.as_str()).collect();
        let warnings: Vec<(String, String)> = out.warnings().iter().map(|w| (w.key().to_string(), w.suggestion().to_string())).collect();
        if stmt.wrap % 3 == 2 && got.len() > want.len() {
            // a JSON string read as written may be a credential statement of its own (SPEC
            // section 8: `CREATE\n…` is no connection statement there, and `\"k\"` is the key
            // `k\`), whose fragment rule masks more (fail closed): the planted ones among them
            let mut rest = got.iter();
            assert!(want.iter().all(|w| rest.any(|g| g == w)), "the planted secrets in {input:?}: {got:?}");
        } else {
            assert_eq!(got, want, "exactly the planted secrets in {input:?}");
            assert_eq!(warnings, rendered.warnings, "exactly the planted near misses in {input:?}");
        }
    }
});
