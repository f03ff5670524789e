//! The extracted secrets and near-miss warnings (SPEC §6).
//!
//! Invariant: a secret's value is reachable only through [`Secret::value`] and serialization;
//! `Debug` prints `<redacted>` in its place and there is no `Display`.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use serde::Serialize;

/// One masked value.
///
/// It borrows its text from the input where the input holds it as it is (the usual case: a
/// plain literal), so masking a statement copies nothing; [`into_owned`](Self::into_owned)
/// detaches it.
///
/// `Serialize` writes the SPEC §6 fields `key`, `value`, `connection`, `start`, `end`, `line`.
/// **Serializing exposes the value**: do it only towards a secret store.
///
/// ```
/// let r = sqlredact::redact("ALTER CONNECTION c SET ('token' = 't0k');");
/// let s = &r.secrets()[0];
/// assert_eq!((s.key(), s.value(), s.connection()), ("token", "t0k", Some("c")));
/// assert_eq!(format!("{s:?}").contains("t0k"), false);
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct Secret<'a> {
    #[serde(skip)]
    pub(crate) raw: Cow<'a, [u8]>,
    /// How its mask is written (SPEC §9).
    #[serde(skip)]
    pub(crate) form: crate::embed::Form,
    /// Where its key stands, when it has one.
    #[serde(skip)]
    pub(crate) key_span: Option<(u64, u64)>,
    pub(crate) key: Cow<'a, str>,
    pub(crate) value: Cow<'a, str>,
    pub(crate) connection: Option<Cow<'a, str>>,
    pub(crate) start: u64,
    pub(crate) end: u64,
    pub(crate) line: u64,
}

impl Secret<'_> {
    /// The same secret, owning its text.
    ///
    /// ```
    /// let owned = {
    ///     let sql = String::from("ALTER CONNECTION c SET (token = t)");
    ///     sqlredact::redact(&sql).secrets()[0].clone().into_owned()
    /// };
    /// assert_eq!(owned.value(), "t");
    /// ```
    pub fn into_owned(self) -> Secret<'static> {
        Secret {
            raw: Cow::Owned(self.raw.into_owned()),
            key: Cow::Owned(self.key.into_owned()),
            value: Cow::Owned(self.value.into_owned()),
            connection: self.connection.map(|c| Cow::Owned(c.into_owned())),
            start: self.start,
            end: self.end,
            line: self.line,
            form: self.form,
            key_span: self.key_span,
        }
    }

    /// The key as written, without its quotes (`api-key`, `API-KEY`).
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The value as the SQL engine would see it: quotes and prefixes removed, doubled quotes
    /// undone, literal parts joined, `U&` escapes decoded. This is the secret itself.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The connection name (`cat.db.conn`); `None` outside connection statements (SPEC §8) and
    /// where a connection statement names none.
    pub fn connection(&self) -> Option<&str> {
        self.connection.as_deref()
    }

    /// The bytes the mask replaced, exactly as written (quotes, prefixes, parts); as secret as
    /// the value. Empty for secrets reported by the streaming filter.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The byte range of the input that the mask replaced.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// 1 + the number of `\n` bytes before the span.
    pub fn line(&self) -> usize {
        self.line as usize
    }
}

impl fmt::Debug for Secret<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("key", &self.key)
            .field("value", &format_args!("<redacted>"))
            .field("connection", &self.connection)
            .field("span", &self.span())
            .field("line", &self.line)
            .finish()
    }
}

/// A key that looks like a misspelled sensitive key; its value was left unmasked.
///
/// ```
/// let r = sqlredact::redact("CREATE CONNECTION c WITH ('ap-key' = 'x')");
/// let w = &r.warnings()[0];
/// assert_eq!((w.key(), w.suggestion(), w.line()), ("ap-key", "api-key", 1));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub(crate) key: String,
    pub(crate) suggestion: String,
    pub(crate) start: u64,
    pub(crate) end: u64,
    pub(crate) line: u64,
}

impl Warning {
    /// The key as written, without its quotes.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The sensitive key it resembles.
    pub fn suggestion(&self) -> &str {
        &self.suggestion
    }

    /// The byte range of the key (with its quotes).
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// 1 + the number of `\n` bytes before the key.
    pub fn line(&self) -> usize {
        self.line as usize
    }
}
