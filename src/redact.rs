//! The library surface: [`Redactor`], its builder, and the [`Redacted`] result.
//!
//! Invariant: the masked text is the input with some byte ranges replaced by the mask literal;
//! it is spliced from the input, never re-rendered from tokens, and borrows the input when
//! nothing was masked.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, OnceLock};

use crate::embed::Form;
use crate::engine::Sink;
use crate::keys::{self, DEFAULT_KEYS, SENSITIVE_FRAGMENTS};
use crate::readings::Readings;
use crate::secret::{Secret, Warning};

/// A [`Redactor`]'s settings, as the engine and its readers use them.
#[derive(Clone, Debug)]
pub(crate) struct Policy {
    pub keys: Vec<String>,
    /// The mask text with `'` doubled: what stands between the quotes of the mask literal.
    pub mask_raw: Vec<u8>,
    /// `'` + `mask_raw` + `'`.
    pub mask_literal: Vec<u8>,
    /// The mask literal in each [`Form`](crate::embed::Form), by its index.
    pub masks: [Vec<u8>; 4],
    pub strict: bool,
    pub lines: bool,
    /// Keys longer than this (unquoted) are neither sensitive nor near misses.
    pub key_cap: usize,
    /// Only connection statements are read (SPEC §2–3), not credential statements (§8).
    pub connections_only: bool,
    /// The fragment rule's fragments, normalized (`keys::normalized`), and their search.
    pub fragments: keys::Fragments,
    /// Keys added to the sensitive list: sensitive in credential statements too.
    pub extra_keys: Vec<String>,
    /// Where a credential statement may hold a secret (built from the two above).
    pub triggers: crate::find::Triggers,
}

impl Policy {
    /// `fragments`: normalized (`keys::normalized`); `extra_keys`: keys added to the defaults.
    pub(crate) fn new(
        keys: Vec<String>,
        mask: String,
        strict: bool,
        lines: bool,
        fragments: Vec<Vec<u8>>,
        extra_keys: Vec<String>,
    ) -> Self {
        let mask_raw = mask.replace('\'', "''").into_bytes();
        let longest = keys.iter().map(|k| k.len()).max().unwrap_or(0);
        let key_cap = 256.max(2 * longest + 2);
        let mask_literal = [&b"'"[..], &mask_raw, b"'"].concat();
        use crate::embed::Form;
        let masks = [Form::Plain, Form::Json, Form::Sql, Form::JsonSql]
            .map(|form| form.encode(&mask_literal));
        Policy {
            keys,
            mask_raw,
            masks,
            mask_literal,
            strict,
            lines,
            key_cap,
            connections_only: false,
            triggers: crate::find::Triggers::new(&fragments, &extra_keys),
            fragments: keys::Fragments::new(fragments),
            extra_keys,
        }
    }
}

/// Masks the values of sensitive keys in connection statements, with a fixed policy.
///
/// Cheap to clone and safe to share between threads.
///
/// ```
/// use sqlredact::Redactor;
/// let redactor = Redactor::builder().key("bearer").mask("***").build();
/// let r = redactor.redact("ALTER CONNECTION c SET ('bearer' = 'b1', 'password' = 'p')");
/// assert_eq!(r.text(), "ALTER CONNECTION c SET ('bearer' = '***', 'password' = '***')");
/// ```
#[derive(Clone)]
pub struct Redactor {
    policy: Arc<Policy>,
}

/// The policy as a user set it: keys, mask literal, strict and line modes, the statements read
/// and the fragment rule's fragments (normalized).
///
/// ```
/// let r = sqlredact::Redactor::builder()
///     .no_default_keys()
///     .key("token")
///     .no_default_fragments()
///     .fragment("Pass_Word")
///     .build();
/// assert_eq!(
///     format!("{r:?}"),
///     r#"Redactor { keys: ["token"], mask: "'<REDACTED>'", strict: false, lines: false, connections_only: false, fragments: ["pass-word"] }"#
/// );
/// ```
impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let policy = &self.policy;
        f.debug_struct("Redactor")
            .field("keys", &policy.keys)
            .field("mask", &String::from_utf8_lossy(&policy.mask_literal))
            .field("strict", &policy.strict)
            .field("lines", &policy.lines)
            .field("connections_only", &policy.connections_only)
            .field(
                "fragments",
                &policy
                    .fragments
                    .list
                    .iter()
                    .map(|f| String::from_utf8_lossy(f))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// Builds a [`Redactor`]: which keys are sensitive, the mask, strict and line modes.
///
/// ```
/// let r = sqlredact::Redactor::builder().no_default_keys().key("secret").build();
/// assert!(r.redact("CREATE CONNECTION c WITH ('api-key' = 'k')").is_unchanged());
/// ```
#[derive(Clone)]
pub struct RedactorBuilder {
    keys: Vec<String>,
    mask: String,
    strict: bool,
    lines: bool,
    connections_only: bool,
    fragments: Vec<String>,
}

impl Default for RedactorBuilder {
    fn default() -> Self {
        RedactorBuilder {
            keys: DEFAULT_KEYS.iter().map(|k| k.to_string()).collect(),
            mask: "<REDACTED>".to_string(),
            strict: false,
            lines: false,
            connections_only: false,
            fragments: SENSITIVE_FRAGMENTS.iter().map(|f| f.to_string()).collect(),
        }
    }
}

/// The settings so far, as [`Redactor`]'s `Debug` shows them once built.
impl fmt::Debug for RedactorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedactorBuilder")
            .field("keys", &self.keys)
            .field("mask", &self.mask)
            .field("strict", &self.strict)
            .field("lines", &self.lines)
            .field("connections_only", &self.connections_only)
            .field("fragments", &self.fragments)
            .finish()
    }
}

impl RedactorBuilder {
    /// Adds a sensitive key (compared ASCII-case-insensitively).
    ///
    /// ```
    /// let r = sqlredact::Redactor::builder().key("private-key").build();
    /// assert_eq!(r.redact("ALTER CONNECTION c SET (private-key = x)").secrets().len(), 1);
    /// ```
    pub fn key(mut self, key: &str) -> Self {
        if !self.keys.iter().any(|k| k.eq_ignore_ascii_case(key)) {
            self.keys.push(key.to_string());
        }
        self
    }

    /// Removes a sensitive key, default or added.
    ///
    /// ```
    /// let r = sqlredact::Redactor::builder().remove_key("username").build();
    /// assert!(r.redact("ALTER CONNECTION c SET ('username' = 'u')").is_unchanged());
    /// ```
    pub fn remove_key(mut self, key: &str) -> Self {
        self.keys.retain(|k| !k.eq_ignore_ascii_case(key));
        self
    }

    /// Starts from an empty list instead of the default one.
    ///
    /// ```
    /// let r = sqlredact::Redactor::builder().no_default_keys().build();
    /// assert!(r.redact("ALTER CONNECTION c SET ('token' = 't')").is_unchanged());
    /// ```
    pub fn no_default_keys(mut self) -> Self {
        self.keys.clear();
        self
    }

    /// The text written between the quotes of the mask literal (default `<REDACTED>`). Quotes
    /// in it are doubled, so the output stays valid SQL.
    ///
    /// ```
    /// let r = sqlredact::Redactor::builder().mask("it's gone").build();
    /// assert_eq!(r.redact("ALTER CONNECTION c SET (token = t)").text(),
    ///            "ALTER CONNECTION c SET (token = 'it''s gone')");
    /// ```
    pub fn mask(mut self, text: &str) -> Self {
        self.mask = text.to_string();
        self
    }

    /// Masks near misses too (`'ap-key'`), instead of only warning about them.
    ///
    /// ```
    /// let r = sqlredact::Redactor::builder().strict(true).build();
    /// let out = r.redact("ALTER CONNECTION c SET ('pasword' = 'p')");
    /// assert_eq!(out.secrets()[0].key(), "pasword");
    /// assert!(out.warnings().is_empty());
    /// ```
    pub fn strict(mut self, yes: bool) -> Self {
        self.strict = yes;
        self
    }

    /// Line mode (SPEC §5), for logs: a literal, quoted name or comment still open at the end
    /// of its line ends there (before its `\r\n` or `\n`), and so does the statement it stands
    /// in, so one cut-off value cannot swallow the log; a statement whose line ends with
    /// nothing open goes on to the next line. Offsets and line numbers count from the start.
    ///
    /// ```
    /// let r = sqlredact::Redactor::builder().lines(true).build();
    /// let out = r.redact("ALTER CONNECTION a SET (token = 'cut\nALTER CONNECTION b\n  SET (token = 'x')\n");
    /// assert_eq!(out.secrets().len(), 2);
    /// assert_eq!(out.secrets()[1].line(), 3);
    /// ```
    pub fn lines(mut self, yes: bool) -> Self {
        self.lines = yes;
        self
    }

    /// Reads only connection statements (SPEC §2–3), not the other statements that carry
    /// credentials (§8: `CREATE TABLE … WITH ('password' = …)`, `IDENTIFIED BY`, …).
    ///
    /// ```
    /// let sql = "CREATE TABLE t WITH ('password' = 'p')";
    /// assert_eq!(sqlredact::redact(sql).secrets().len(), 1);
    /// let r = sqlredact::Redactor::builder().connections_only(true).build();
    /// assert!(r.redact(sql).is_unchanged());
    /// ```
    pub fn connections_only(mut self, yes: bool) -> Self {
        self.connections_only = yes;
        self
    }

    /// Adds a fragment to the rule of credential statements: a key that contains it (lower-cased,
    /// `_` and `.` read as `-`) is sensitive there.
    ///
    /// ```
    /// let r = sqlredact::Redactor::builder().fragment("bearer").build();
    /// assert_eq!(r.redact("CREATE TABLE t WITH ('http.bearer' = 'b')").secrets().len(), 1);
    /// ```
    pub fn fragment(mut self, fragment: &str) -> Self {
        let normal = keys::normalized(fragment.as_bytes());
        if !self
            .fragments
            .iter()
            .any(|f| keys::normalized(f.as_bytes()) == normal)
        {
            self.fragments.push(fragment.to_string());
        }
        self
    }

    /// Removes a fragment, default or added (compared as the rule compares keys).
    ///
    /// ```
    /// let r = sqlredact::Redactor::builder().remove_fragment("token").build();
    /// assert!(r.redact("SET 'sql.token' = 't'").is_unchanged());
    /// ```
    pub fn remove_fragment(mut self, fragment: &str) -> Self {
        let normal = keys::normalized(fragment.as_bytes());
        self.fragments
            .retain(|f| keys::normalized(f.as_bytes()) != normal);
        self
    }

    /// Starts from no fragments instead of [`SENSITIVE_FRAGMENTS`].
    pub fn no_default_fragments(mut self) -> Self {
        self.fragments.clear();
        self
    }

    /// The redactor.
    pub fn build(self) -> Redactor {
        let extra_keys = self
            .keys
            .iter()
            .filter(|k| !DEFAULT_KEYS.iter().any(|d| d.eq_ignore_ascii_case(k)))
            .cloned()
            .collect();
        let fragments = self
            .fragments
            .iter()
            .map(|f| keys::normalized(f.as_bytes()))
            .collect();
        let mut policy = Policy::new(
            self.keys,
            self.mask,
            self.strict,
            self.lines,
            fragments,
            extra_keys,
        );
        policy.connections_only = self.connections_only;
        Redactor {
            policy: Arc::new(policy),
        }
    }
}

impl Default for Redactor {
    fn default() -> Self {
        RedactorBuilder::default().build()
    }
}

/// Masks `sql` with the default policy.
///
/// ```
/// let r = sqlredact::redact("CREATE CONNECTION c WITH ('api-key' = 'sk-1');");
/// assert_eq!(r.text(), "CREATE CONNECTION c WITH ('api-key' = '<REDACTED>');");
/// assert_eq!(r.secrets()[0].value(), "sk-1");
/// ```
pub fn redact(sql: &str) -> Redacted<'_> {
    default_redactor().redact(sql)
}

/// Writes `sql` masked with the default policy, for logging:
/// `log::info!("{}", sqlredact::display(&stmt))`.
///
/// ```
/// let line = format!("{}", sqlredact::display("ALTER CONNECTION c SET ('token' = 't')"));
/// assert_eq!(line, "ALTER CONNECTION c SET ('token' = '<REDACTED>')");
/// ```
pub fn display(sql: &str) -> Display<'_> {
    Display {
        redactor: default_redactor(),
        sql,
    }
}

fn default_redactor() -> &'static Redactor {
    static DEFAULT: OnceLock<Redactor> = OnceLock::new();
    DEFAULT.get_or_init(Redactor::default)
}

impl Redactor {
    /// A redactor with the default policy.
    ///
    /// ```
    /// let r = sqlredact::Redactor::new();
    /// assert_eq!(r.redact("ALTER CONNECTION c SET ('token' = 't')").secrets().len(), 1);
    /// ```
    pub fn new() -> Redactor {
        Redactor::default()
    }

    /// A builder, starting from the default policy.
    ///
    /// ```
    /// let r = sqlredact::Redactor::builder().build();
    /// assert!(r.redact("SELECT 1").is_unchanged());
    /// ```
    pub fn builder() -> RedactorBuilder {
        RedactorBuilder::default()
    }

    /// The mask literal written in place of a value, quotes included (`'<REDACTED>'`).
    ///
    /// ```
    /// assert_eq!(sqlredact::Redactor::new().mask_literal(), "'<REDACTED>'");
    /// ```
    pub fn mask_literal(&self) -> String {
        String::from_utf8_lossy(&self.policy.mask_literal).into_owned()
    }

    /// Masks `sql`.
    ///
    /// ```
    /// let r = sqlredact::Redactor::new().redact("SELECT 'password = x'");
    /// assert!(r.is_unchanged());
    /// ```
    pub fn redact<'a>(&self, sql: &'a str) -> Redacted<'a> {
        let out = self.run(sql.as_bytes());
        let text = match out.text {
            Cow::Borrowed(_) => Cow::Borrowed(sql),
            Cow::Owned(bytes) => Cow::Owned(
                String::from_utf8(bytes)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
        };
        Redacted {
            text,
            secrets: out.secrets,
            warnings: out.warnings,
            mask_lens: self.policy.masks.each_ref().map(Vec::len),
            overlapped: out.overlapped,
        }
    }

    /// Masks input that need not be UTF-8: bytes that are not pass through untouched, and the
    /// statements around them are still masked.
    ///
    /// ```
    /// let r = sqlredact::Redactor::new().redact_bytes(b"\xff ALTER CONNECTION c SET (token = t)");
    /// assert_eq!(r.bytes(), b"\xff ALTER CONNECTION c SET (token = '<REDACTED>')");
    /// ```
    pub fn redact_bytes<'a>(&self, sql: &'a [u8]) -> RedactedBytes<'a> {
        let out = self.run(sql);
        RedactedBytes {
            text: out.text,
            secrets: out.secrets,
            warnings: out.warnings,
            mask_lens: self.policy.masks.each_ref().map(Vec::len),
            overlapped: out.overlapped,
        }
    }

    /// Like [`redact`](Self::redact), appending to the caller's buffers (for hot loops that
    /// reuse them).
    ///
    /// ```
    /// let r = sqlredact::Redactor::new();
    /// let (mut text, mut secrets, mut warnings) = (String::new(), Vec::new(), Vec::new());
    /// r.redact_into("ALTER CONNECTION c SET (token = t)", &mut text, &mut secrets, &mut warnings);
    /// assert_eq!(text, "ALTER CONNECTION c SET (token = '<REDACTED>')");
    /// assert_eq!(secrets.len(), 1);
    /// ```
    pub fn redact_into<'a>(
        &self,
        sql: &'a str,
        text: &mut String,
        secrets: &mut Vec<Secret<'a>>,
        warnings: &mut Vec<Warning>,
    ) {
        let mut sink = IntoSink {
            text: Text::Str(text),
            input: sql.as_bytes(),
            masks: &self.policy.masks,
            secrets,
            warnings,
        };
        self.drive(sql.as_bytes(), &mut sink);
    }

    /// Like [`redact_bytes`](Self::redact_bytes), appending to the caller's buffers.
    ///
    /// ```
    /// let r = sqlredact::Redactor::new();
    /// let (mut text, mut secrets, mut warnings) = (Vec::new(), Vec::new(), Vec::new());
    /// r.redact_bytes_into(b"ALTER CONNECTION c SET (token = t)", &mut text, &mut secrets, &mut warnings);
    /// assert_eq!(text, b"ALTER CONNECTION c SET (token = '<REDACTED>')");
    /// ```
    pub fn redact_bytes_into<'a>(
        &self,
        sql: &'a [u8],
        text: &mut Vec<u8>,
        secrets: &mut Vec<Secret<'a>>,
        warnings: &mut Vec<Warning>,
    ) {
        let mut sink = IntoSink {
            text: Text::Bytes(text),
            input: sql,
            masks: &self.policy.masks,
            secrets,
            warnings,
        };
        self.drive(sql, &mut sink);
    }

    /// Writes `sql` masked, for logging.
    ///
    /// ```
    /// let r = sqlredact::Redactor::builder().mask("x").build();
    /// assert_eq!(r.display("ALTER CONNECTION c SET (token = t)").to_string(),
    ///            "ALTER CONNECTION c SET (token = 'x')");
    /// ```
    pub fn display<'a>(&'a self, sql: &'a str) -> Display<'a> {
        Display {
            redactor: self,
            sql,
        }
    }

    pub(crate) fn policy(&self) -> &Policy {
        &self.policy
    }

    fn run<'a>(&self, sql: &'a [u8]) -> Outcome<'a> {
        let mut sink = LazySink {
            input: sql,
            at: 0,
            text: None,
            masks: &self.policy.masks,
            secrets: Vec::new(),
            warnings: Vec::new(),
        };
        let overlapped = self.drive(sql, &mut sink);
        Outcome {
            overlapped,
            text: sink.text.map_or(Cow::Borrowed(sql), Cow::Owned),
            secrets: sink.secrets,
            warnings: sink.warnings,
        }
    }

    /// Reads the whole input (SPEC §9's four readings). Returns whether statements overlapped.
    fn drive<'a>(&self, sql: &'a [u8], sink: &mut dyn Sink<'a>) -> bool {
        // One reader state per thread, reused: its lists keep their capacity between calls.
        thread_local! {
            static READINGS: std::cell::RefCell<Option<Readings>> = const { std::cell::RefCell::new(None) };
        }
        let mut read = |readings: &mut Readings| {
            readings.reset(0, 1);
            readings.advance(sql, 0, true, &self.policy, sink);
            readings.overlapped()
        };
        // Read in place: moving the state out and back copied all of it on every call. Should
        // the state be in use (a call made while another runs on this thread), a fresh one.
        READINGS.with(|cell| match cell.try_borrow_mut() {
            Ok(mut slot) => read(slot.get_or_insert_with(|| Readings::new(0, 1, true))),
            Err(_) => read(&mut Readings::new(0, 1, true)),
        })
    }
}

struct Outcome<'a> {
    overlapped: bool,
    text: Cow<'a, [u8]>,
    secrets: Vec<Secret<'a>>,
    warnings: Vec<Warning>,
}

/// Copies nothing until the first mask.
struct LazySink<'o, 'a> {
    input: &'a [u8],
    at: usize,
    text: Option<Vec<u8>>,
    masks: &'o [Vec<u8>; 4],
    secrets: Vec<Secret<'a>>,
    warnings: Vec<Warning>,
}

impl<'a> Sink<'a> for LazySink<'_, 'a> {
    fn text(&mut self, bytes: &[u8]) {
        if let Some(text) = &mut self.text {
            text.extend_from_slice(bytes);
        }
        self.at += bytes.len();
    }
    fn mask(&mut self, start: u64, form: Form) {
        let text = self.text.get_or_insert_with(|| {
            let mut text = Vec::with_capacity(self.input.len() + 64);
            text.extend_from_slice(&self.input[..self.at]);
            text
        });
        text.extend_from_slice(&self.masks[form as usize]);
        self.at = start as usize;
    }
    fn secret(&mut self, secret: Secret<'a>) {
        self.at = secret.end as usize;
        self.secrets.push(with_raw(secret, self.input));
    }
    fn warning(&mut self, warning: Warning) {
        self.warnings.push(warning);
    }
}

enum Text<'o> {
    Str(&'o mut String),
    Bytes(&'o mut Vec<u8>),
}

struct IntoSink<'o, 'a> {
    text: Text<'o>,
    input: &'a [u8],
    masks: &'o [Vec<u8>; 4],
    secrets: &'o mut Vec<Secret<'a>>,
    warnings: &'o mut Vec<Warning>,
}

impl<'a> Sink<'a> for IntoSink<'_, 'a> {
    fn text(&mut self, bytes: &[u8]) {
        match &mut self.text {
            Text::Str(s) => s.push_str(&String::from_utf8_lossy(bytes)),
            Text::Bytes(b) => b.extend_from_slice(bytes),
        }
    }
    fn mask(&mut self, _start: u64, form: Form) {
        let masks = self.masks;
        self.text(&masks[form as usize]);
    }
    fn secret(&mut self, secret: Secret<'a>) {
        self.secrets.push(with_raw(secret, self.input));
    }
    fn warning(&mut self, warning: Warning) {
        self.warnings.push(warning);
    }
}

fn with_raw<'a>(mut secret: Secret<'a>, input: &'a [u8]) -> Secret<'a> {
    secret.raw = Cow::Borrowed(&input[secret.span()]);
    secret
}

/// Puts each secret's original text back in place of its mask.
fn unmask(text: &[u8], secrets: &[Secret], mask_lens: &[usize; 4]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let (mut input_at, mut text_at) = (0usize, 0usize);
    for s in secrets {
        let span = s.span();
        let keep = span.start - input_at;
        out.extend_from_slice(&text[text_at..text_at + keep]);
        out.extend_from_slice(&s.raw);
        text_at += keep + mask_lens[s.form as usize];
        input_at = span.end;
    }
    out.extend_from_slice(&text[text_at.min(text.len())..]);
    out
}

/// The result of masking UTF-8 text.
#[derive(Debug)]
pub struct Redacted<'a> {
    text: Cow<'a, str>,
    secrets: Vec<Secret<'a>>,
    warnings: Vec<Warning>,
    mask_lens: [usize; 4],
    overlapped: bool,
}

impl<'a> Redacted<'a> {
    /// The masked text; borrows the input when nothing was masked.
    ///
    /// ```
    /// assert_eq!(sqlredact::redact("SELECT 1").text(), "SELECT 1");
    /// ```
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The masked values, in input order.
    ///
    /// ```
    /// assert_eq!(sqlredact::redact("ALTER CONNECTION c SET (token = t)").secrets()[0].key(), "token");
    /// ```
    pub fn secrets(&self) -> &[Secret<'a>] {
        &self.secrets
    }

    /// The near misses, in input order.
    ///
    /// ```
    /// assert_eq!(sqlredact::redact("ALTER CONNECTION c SET (tokn = t)").warnings()[0].suggestion(), "token");
    /// ```
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// True when nothing was masked (the text is the input, borrowed).
    ///
    /// ```
    /// assert!(sqlredact::redact("DROP CONNECTION c").is_unchanged());
    /// ```
    pub fn is_unchanged(&self) -> bool {
        matches!(self.text, Cow::Borrowed(_))
    }

    /// The masked text, owned only if something was masked.
    ///
    /// ```
    /// let text = sqlredact::redact("SELECT 1").into_text();
    /// assert!(matches!(text, std::borrow::Cow::Borrowed("SELECT 1")));
    /// ```
    pub fn into_text(self) -> Cow<'a, str> {
        self.text
    }

    /// True when a connection statement stood inside a literal or comment of another one's
    /// body (`-- old: CREATE CONNECTION …` inside an option list, say). Every statement was
    /// examined and masked as it reads; but the masked text, read again, can split differently
    /// where a mask replaced quote or comment characters that the two statements read
    /// differently, so masking the output again may find more. Also true when readings of
    /// the input through a JSON string or a SQL literal (SPEC §9) found values that overlap
    /// without one holding the other: they are masked as one, reported by the larger value,
    /// whose span is then the whole mask.
    ///
    /// ```
    /// let r = sqlredact::redact("ALTER CONNECTION c SET (/* ALTER CONNECTION d SET (token = t) */)");
    /// assert!(r.overlapping_statements());
    /// assert!(!sqlredact::redact("ALTER CONNECTION c SET (token = t)").overlapping_statements());
    /// ```
    pub fn overlapping_statements(&self) -> bool {
        self.overlapped
    }

    /// The input again: each secret's original text put back in place of its mask.
    ///
    /// ```
    /// let sql = "ALTER CONNECTION c SET (token = 'it''s')";
    /// assert_eq!(sqlredact::redact(sql).unmask(), sql);
    /// ```
    pub fn unmask(&self) -> String {
        let bytes = unmask(self.text.as_bytes(), &self.secrets, &self.mask_lens);
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// The result of masking bytes that need not be UTF-8.
#[derive(Debug)]
pub struct RedactedBytes<'a> {
    text: Cow<'a, [u8]>,
    secrets: Vec<Secret<'a>>,
    warnings: Vec<Warning>,
    mask_lens: [usize; 4],
    overlapped: bool,
}

impl<'a> RedactedBytes<'a> {
    /// The masked bytes; borrows the input when nothing was masked.
    ///
    /// ```
    /// assert_eq!(sqlredact::Redactor::new().redact_bytes(b"\xffSELECT").bytes(), b"\xffSELECT");
    /// ```
    pub fn bytes(&self) -> &[u8] {
        &self.text
    }

    /// The masked values, in input order.
    ///
    /// ```
    /// let r = sqlredact::Redactor::new();
    /// assert_eq!(r.redact_bytes(b"ALTER CONNECTION c SET (token = t)").secrets().len(), 1);
    /// ```
    pub fn secrets(&self) -> &[Secret<'a>] {
        &self.secrets
    }

    /// The near misses, in input order.
    ///
    /// ```
    /// let r = sqlredact::Redactor::new();
    /// assert_eq!(r.redact_bytes(b"ALTER CONNECTION c SET (tokn = t)").warnings().len(), 1);
    /// ```
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// True when nothing was masked.
    ///
    /// ```
    /// assert!(sqlredact::Redactor::new().redact_bytes(b"SELECT").is_unchanged());
    /// ```
    pub fn is_unchanged(&self) -> bool {
        matches!(self.text, Cow::Borrowed(_))
    }

    /// The masked bytes, owned only if something was masked.
    ///
    /// ```
    /// let r = sqlredact::Redactor::new();
    /// assert_eq!(&*r.redact_bytes(b"SELECT").into_bytes(), b"SELECT");
    /// ```
    pub fn into_bytes(self) -> Cow<'a, [u8]> {
        self.text
    }

    /// True when a connection statement stood inside a literal or comment of another one's
    /// body (`-- old: CREATE CONNECTION …` inside an option list, say). Every statement was
    /// examined and masked as it reads; but the masked text, read again, can split differently
    /// where a mask replaced quote or comment characters that the two statements read
    /// differently, so masking the output again may find more. Also true when readings of
    /// the input through a JSON string or a SQL literal (SPEC §9) found values that overlap
    /// without one holding the other: they are masked as one, reported by the larger value,
    /// whose span is then the whole mask.
    ///
    /// ```
    /// let r = sqlredact::Redactor::new().redact_bytes(b"ALTER CONNECTION c SET (/* ALTER CONNECTION d SET (token = t) */)");
    /// assert!(r.overlapping_statements());
    /// assert!(!sqlredact::Redactor::new().redact_bytes(b"ALTER CONNECTION c SET (token = t)").overlapping_statements());
    /// ```
    pub fn overlapping_statements(&self) -> bool {
        self.overlapped
    }

    /// The input again: each secret's original bytes put back in place of its mask.
    ///
    /// ```
    /// let sql = b"ALTER CONNECTION c SET (token = '\xff')";
    /// assert_eq!(sqlredact::Redactor::new().redact_bytes(sql).unmask(), sql);
    /// ```
    pub fn unmask(&self) -> Vec<u8> {
        unmask(&self.text, &self.secrets, &self.mask_lens)
    }
}

/// Writes a statement masked; see [`display`](crate::display).
pub struct Display<'a> {
    redactor: &'a Redactor,
    sql: &'a str,
}

impl fmt::Display for Display<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.redactor.redact(self.sql).text())
    }
}

impl fmt::Debug for Display<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Makes a second call from inside the first (as a sink that logs through the library
    /// would), when the first call's first secret arrives.
    struct Nesting<'r> {
        redactor: &'r Redactor,
        nested: Option<(String, Vec<(String, String)>)>,
        keys: Vec<String>,
    }

    impl<'w> Sink<'w> for Nesting<'_> {
        fn text(&mut self, _bytes: &[u8]) {}
        fn mask(&mut self, _start: u64, _form: crate::embed::Form) {}
        fn secret(&mut self, secret: Secret<'w>) {
            self.keys.push(secret.key().to_owned());
            if self.nested.is_none() {
                let inner = self
                    .redactor
                    .redact("CREATE CONNECTION n WITH ('token' = 't1', 'password' = 'p1')");
                let secrets = inner
                    .secrets()
                    .iter()
                    .map(|s| (s.key().to_owned(), s.value().to_owned()))
                    .collect();
                self.nested = Some((inner.text().to_owned(), secrets));
            }
        }
        fn warning(&mut self, _warning: Warning) {}
    }

    #[test]
    fn a_call_made_during_a_call_gets_its_own_reader_state() {
        let redactor = Redactor::new();
        let outer = b"CREATE CONNECTION a WITH ('api-key' = 'k1');\n\
            CREATE CONNECTION b WITH ('api-key' = 'k2', 'client-secret' = 'k3');";
        let mut sink = Nesting {
            redactor: &redactor,
            nested: None,
            keys: Vec::new(),
        };
        redactor.drive(outer, &mut sink);
        let (text, secrets) = sink.nested.expect("the first secret made the nested call");
        assert_eq!(
            text,
            "CREATE CONNECTION n WITH ('token' = '<REDACTED>', 'password' = '<REDACTED>')"
        );
        assert_eq!(
            secrets,
            [("token", "t1"), ("password", "p1")].map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        // the outer call read on in its own state, past the nested call's input
        assert_eq!(sink.keys, ["api-key", "api-key", "client-secret"]);
        // and the thread's state serves the next call as before
        let after = redactor.redact("ALTER CONNECTION c SET ('token' = 'x')");
        assert_eq!(
            after.text(),
            "ALTER CONNECTION c SET ('token' = '<REDACTED>')"
        );
    }
}
