//! Where statements stand embedded in other text (SPEC §9): inside JSON strings and inside SQL
//! string literals, and how their encoded text decodes.
//!
//! Two scanners walk the raw input once each, as it arrives, and report *regions*: stretches of
//! raw text whose decoded content must be read again by the statement reader. A region starts
//! at a statement word (`CREATE`, `SET`, …) and ends where its enclosing string or literal piece
//! ends, so text without statement words costs one keyword search. A literal piece without a
//! doubled quote is not reported: it holds no literal, so its reading is the reading as written
//! cut short, which finds nothing that reading does not. A JSON string always is: where it ends
//! changes what it holds (`('k' = 'v' 'next'` ends with a value that continues, where the text
//! after the string may make `'next'` a key).
//!
//! Invariant: the regions reported depend only on the bytes, never on where the input was cut:
//! a scanner decides nothing about a byte until the bytes that could change the decision are
//! there (or the input has ended), and returns from where it needs the input kept.

use crate::find;
use crate::redact::Policy;

/// The most raw bytes one region reads: a longer JSON string or literal piece is read in
/// stretches of this length, each from the first statement word in it (a bound on what a
/// stream holds back; no real statement is a megabyte long).
pub(crate) const MAX_REGION: u64 = 1 << 20;

/// How a mask is written where an embedded reading found the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub(crate) enum Form {
    /// As written: the mask literal.
    #[default]
    Plain,
    /// Inside a JSON string: the mask literal with `"`, `\` and control bytes escaped.
    Json,
    /// Inside a SQL literal: the mask literal with its quotes doubled.
    Sql,
    /// Inside a SQL literal inside a JSON string.
    JsonSql,
}

impl Form {
    /// The mask literal `mask` written in this form.
    pub(crate) fn encode(self, mask: &[u8]) -> Vec<u8> {
        match self {
            Form::Plain => mask.to_vec(),
            Form::Json => json_escape(mask),
            Form::Sql => double_quotes(mask),
            Form::JsonSql => json_escape(&double_quotes(mask)),
        }
    }

    /// Which reading reports a value that several find (SPEC §9): a reading through a JSON
    /// string (the string's content, then the literals in it), then the others in the order
    /// as written, SQL literal. The readings through JSON decode what the SQL engine sees.
    pub(crate) fn rank(self) -> u8 {
        match self {
            Form::Json => 0,
            Form::JsonSql => 1,
            Form::Plain => 2,
            Form::Sql => 3,
        }
    }
}

fn double_quotes(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 4);
    for &b in text {
        out.push(b);
        if b == b'\'' {
            out.push(b'\'');
        }
    }
    out
}

fn json_escape(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 4);
    for &b in text {
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0..0x20 => out.extend_from_slice(format!("\\u{b:04x}").as_bytes()),
            _ => out.push(b),
        }
    }
    out
}

/// Decoded text and, for each decoded byte (and one past the end), the offset in the encoded
/// text of the unit it came from.
#[derive(Debug, Default)]
pub(crate) struct Decoded {
    pub bytes: Vec<u8>,
    pub from: Vec<u32>,
}

impl Decoded {
    fn clear(&mut self) {
        self.bytes.clear();
        self.from.clear();
    }

    fn push(&mut self, bytes: &[u8], at: usize) {
        self.bytes.extend_from_slice(bytes);
        self.from
            .extend(std::iter::repeat_n(at as u32, bytes.len()));
    }

    /// Bytes that stand for themselves, from encoded offset `at` on.
    fn plain(&mut self, bytes: &[u8], at: usize) {
        self.bytes.extend_from_slice(bytes);
        self.from.extend((at..at + bytes.len()).map(|i| i as u32));
    }

    fn end(&mut self, len: usize) {
        self.from.push(len as u32);
    }

    /// The encoded offset where the decoded range starting at `d` starts.
    pub fn start_of(&self, d: usize) -> usize {
        self.from[d] as usize
    }

    /// The encoded offset where the decoded range ending at `d` ends: the end of the unit
    /// that gave byte `d - 1`.
    pub fn end_of(&self, d: usize) -> usize {
        if d == 0 {
            return self.from[0] as usize;
        }
        let unit = self.from[d - 1];
        self.from[d..]
            .iter()
            .find(|&&f| f > unit)
            .map_or(*self.from.last().unwrap_or(&0), |&f| f) as usize
    }
}

/// Decodes the content of a JSON string (`raw` holds no unescaped `"`): `\"` `\\` `\/` `\b`
/// `\f` `\n` `\r` `\t`, and `\uXXXX` with surrogate pairs joined (a lone surrogate gives
/// U+FFFD); any other backslash stands for itself.
pub(crate) fn decode_json(raw: &[u8], out: &mut Decoded) {
    out.clear();
    let mut at = 0;
    while at < raw.len() {
        let i = memchr::memchr(b'\\', &raw[at..]).map_or(raw.len(), |i| at + i);
        out.plain(&raw[at..i], at);
        if i == raw.len() {
            break;
        }
        let (c, len) = json_escape_at(&raw[i..]);
        let mut buf = [0; 4];
        out.push(c.encode_utf8(&mut buf).as_bytes(), i);
        at = i + len;
    }
    out.end(raw.len());
}

fn hex4(raw: &[u8]) -> Option<u32> {
    let digits = raw.get(..4)?;
    let text = std::str::from_utf8(digits).ok()?;
    if !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    u32::from_str_radix(text, 16).ok()
}

/// The JSON escape at the start of `raw` (which starts with a backslash): the character it
/// stands for and its length. A backslash that starts none of them stands for itself.
fn json_escape_at(raw: &[u8]) -> (char, usize) {
    let simple = match raw.get(1) {
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        _ => return unicode_escape(raw).unwrap_or(('\\', 1)),
    };
    (simple, 2)
}

/// `\uXXXX` (or a surrogate pair `\uD8xx\uDCxx`) at the start of `raw`: the character and the
/// escape's length.
fn unicode_escape(raw: &[u8]) -> Option<(char, usize)> {
    if raw.get(1) != Some(&b'u') {
        return None;
    }
    let hi = hex4(&raw[2..])?;
    if (0xD800..0xDC00).contains(&hi)
        && raw.get(6..8) == Some(b"\\u")
        && let Some(lo) = hex4(&raw[8..])
        && (0xDC00..0xE000).contains(&lo)
    {
        let c = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
        return Some((char::from_u32(c).unwrap_or('\u{FFFD}'), 12));
    }
    Some((char::from_u32(hi).unwrap_or('\u{FFFD}'), 6))
}

/// Decodes a piece of a SQL literal's content (`raw` holds no undoubled `'`): `''` is `'`.
pub(crate) fn decode_sql(raw: &[u8], out: &mut Decoded) {
    out.clear();
    let mut at = 0;
    while at < raw.len() {
        out.bytes.push(raw[at]);
        out.from.push(at as u32);
        at += if raw[at] == b'\'' && raw.get(at + 1) == Some(&b'\'') {
            2
        } else {
            1
        };
    }
    out.end(raw.len());
}

/// Whether `b` continues a word, so that a statement word after it is glued to it.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

/// A stretch of raw text to read through an encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Region {
    pub start: u64,
    pub end: u64,
}

/// The next statement word at or after `from` that a region may start at; `limit`: where the
/// window stops showing whole words.
fn next_verb(
    verbs: &mut find::VerbList,
    win: &[u8],
    base: u64,
    from: usize,
    limit: usize,
    eof: bool,
    credentials: bool,
) -> Option<usize> {
    verbs
        .next(win, base, from, eof, credentials)
        .filter(|&v| v < limit)
}

/// Finds the SQL literal pieces that hold a statement word and a doubled quote after it
/// (SPEC §9: the text is cut at every `'` that is not doubled; `''` reads as `'`).
#[derive(Clone, Debug, Default)]
pub(crate) struct SqlScan {
    /// The next byte to look at.
    at: u64,
    /// A region open since its statement word: `(start, doubled quote seen)`.
    open: Option<(u64, bool)>,
    /// Report pieces without a doubled quote too.
    every: bool,
}

impl SqlScan {
    pub(crate) fn reset(&mut self, base: u64) {
        *self = SqlScan {
            at: base,
            ..SqlScan::default()
        };
    }

    /// A scanner that reports every piece holding a statement word, for the content of a JSON
    /// string: there the reading it is compared with (the JSON reading) gives no value for a
    /// literal left open, where the piece cut before its quote may read a bare value
    /// (`k = N'` reads `N`).
    pub(crate) fn every() -> SqlScan {
        SqlScan {
            every: true,
            ..SqlScan::default()
        }
    }

    /// Scans `win` (from absolute `base`; `eof`: it runs to the end of the input) and reports
    /// each region found; returns where the input must be kept from.
    pub(crate) fn scan(
        &mut self,
        win: &[u8],
        base: u64,
        eof: bool,
        policy: &Policy,
        verbs: &mut find::VerbList,
        mut region: impl FnMut(Region),
    ) -> u64 {
        let (lines, credentials) = (policy.lines, !policy.connections_only);
        let end = win.len();
        let limit = crate::engine::whole_words(win, eof);
        loop {
            let at = (self.at - base) as usize;
            let Some((start, doubled)) = self.open else {
                let found = next_verb(verbs, win, base, at, limit, eof, credentials);
                let Some(v) = found else {
                    self.at = base + limit.max(at) as u64;
                    return self.at;
                };
                if v > 0 && is_word(win[v - 1]) {
                    self.at = base + v as u64 + 1;
                } else {
                    self.open = Some((base + v as u64, false));
                    self.at = base + v as u64;
                }
                continue;
            };
            let cap = (start + MAX_REGION).saturating_sub(base) as usize;
            let stop = end.min(cap);
            let hit = if lines {
                memchr::memchr2(b'\'', b'\n', &win[at..stop])
            } else {
                memchr::memchr(b'\'', &win[at..stop])
            };
            let close = match hit.map(|i| at + i) {
                Some(i) if win[i] == b'\'' => match win.get(i + 1) {
                    Some(b'\'') => {
                        self.open = Some((start, true));
                        self.at = base + i as u64 + 2;
                        continue;
                    }
                    None if !eof => {
                        self.at = base + i as u64;
                        return start;
                    }
                    _ => Some((i, i + 1)),
                },
                // line mode: a piece ends at the end of its line (before a `\r\n`)
                Some(i) => Some((i - usize::from(i > at && win[i - 1] == b'\r'), i + 1)),
                None if stop == cap => Some((cap, cap)),
                None if eof => Some((end, end)),
                None => None,
            };
            let Some((close, next)) = close else {
                self.at = base + end as u64;
                return start;
            };
            if doubled || self.every {
                region(Region {
                    start,
                    end: base + close as u64,
                });
            }
            self.open = None;
            self.at = base + next as u64;
        }
    }
}

/// Finds the JSON strings that hold a statement word (SPEC §9: each
/// line is scanned from its start as JSON text; a string ends at its closing `"` or at the end
/// of its line).
#[derive(Clone, Debug, Default)]
pub(crate) struct JsonScan {
    /// The next byte to look at; the state below holds there.
    at: u64,
    in_string: bool,
    /// The end of the last escape read, and whether it decoded to a word character.
    escape_end: u64,
    escape_word: bool,
    /// Where the region open since its statement word starts.
    open: Option<u64>,
}

impl JsonScan {
    pub(crate) fn reset(&mut self, base: u64) {
        *self = JsonScan {
            at: base,
            ..JsonScan::default()
        };
    }

    /// As [`SqlScan::scan`].
    pub(crate) fn scan(
        &mut self,
        win: &[u8],
        base: u64,
        eof: bool,
        policy: &Policy,
        verbs: &mut find::VerbList,
        mut region: impl FnMut(Region),
    ) -> u64 {
        let credentials = !policy.connections_only;
        let end = win.len();
        let limit = crate::engine::whole_words(win, eof);
        loop {
            let at = (self.at - base) as usize;
            if let Some(start) = self.open {
                // inside a string, in a region: find where the string ends
                let cap = (start + MAX_REGION).saturating_sub(base) as usize;
                let stop = end.min(cap);
                let close =
                    match memchr::memchr3(b'"', b'\\', b'\n', &win[at..stop]).map(|i| at + i) {
                        Some(i) if win[i] == b'\\' => {
                            if i + 1 >= end && !eof {
                                self.at = base + i as u64;
                                return start;
                            }
                            self.at = base + (i + json_escape_at(&win[i..]).1) as u64;
                            continue;
                        }
                        Some(i) if win[i] == b'"' => (i, i + 1, false),
                        Some(i) => (i - usize::from(i > at && win[i - 1] == b'\r'), i + 1, false),
                        None if stop == cap => (cap, cap, true),
                        None if eof => (end, end, false),
                        None => {
                            self.at = base + end as u64;
                            return start;
                        }
                    };
                let (close, next, still_in_string) = close;
                region(Region {
                    start,
                    end: base + close as u64,
                });
                self.open = None;
                self.in_string = still_in_string;
                self.at = base + next as u64;
                continue;
            }
            // outside a region: go to the line of the next statement word, and walk that
            // line's JSON from its start (or from here) to the word
            let target = next_verb(verbs, win, base, at, limit, eof, credentials);
            let to = target.unwrap_or(limit.max(at));
            if target.is_none() && eof {
                // no region starts before the end: the JSON state is not needed again
                self.at = base + to as u64;
                return self.at;
            }
            let from = match memchr::memrchr(b'\n', &win[at..to]) {
                Some(i) => {
                    self.in_string = false;
                    at + i + 1
                }
                None => at,
            };
            let Some(walked) = self.walk(win, base, from, to, eof) else {
                return self.at;
            };
            let Some(v) = target else {
                self.at = base + walked as u64;
                return self.at;
            };
            let prev_word = if self.escape_end == base + v as u64 {
                self.escape_word
            } else {
                v > 0 && is_word(win[v - 1])
            };
            if self.in_string && walked == v && !prev_word {
                self.open = Some(base + v as u64);
                self.at = base + v as u64;
            } else {
                // outside a string, glued to a word, or inside an escape: not a start
                self.at = base + walked.max(v + 1) as u64;
                if walked < v + 1 {
                    let again = self.walk(win, base, walked, v + 1, eof);
                    if again.is_none() {
                        return self.at;
                    }
                }
            }
        }
    }

    /// Walks the JSON state from `from` to `to` (no statement word between); returns where it
    /// stopped (`to`, or past it when an escape straddles it), or `None` when it needs more input
    /// (with `self.at` set to resume).
    fn walk(&mut self, win: &[u8], base: u64, from: usize, to: usize, eof: bool) -> Option<usize> {
        let mut at = from;
        while at < to {
            if !self.in_string {
                match memchr::memchr(b'"', &win[at..to]) {
                    Some(i) => {
                        self.in_string = true;
                        at += i + 1;
                    }
                    None => return Some(to),
                }
                continue;
            }
            match memchr::memchr3(b'"', b'\\', b'\n', &win[at..to]) {
                Some(i) if win[at + i] == b'\\' => {
                    let i = at + i;
                    let Some(&next) = win.get(i + 1) else {
                        if eof {
                            return Some(win.len());
                        }
                        self.at = base + i as u64;
                        return None;
                    };
                    if next == b'u' && i + 6 > win.len() && !eof {
                        self.at = base + i as u64;
                        return None;
                    }
                    let (c, len) = json_escape_at(&win[i..]);
                    // `\u0041` may continue a word; a backslash standing for itself does not
                    let word = len > 2 && c.is_ascii() && is_word(c as u8);
                    at = (i + len).min(win.len());
                    self.escape_end = base + at as u64;
                    self.escape_word = word;
                }
                Some(i) => {
                    self.in_string = false;
                    at += i + 1;
                }
                None => return Some(to),
            }
        }
        Some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The regions one scanner reports over the whole of `text`, as text.
    macro_rules! regions {
        ($scanner:ty, $text:expr, $redactor:expr) => {{
            let (text, mut out): (&str, Vec<String>) = ($text, Vec::new());
            <$scanner>::default().scan(
                text.as_bytes(),
                0,
                true,
                $redactor.policy(),
                &mut find::VerbList::default(),
                |r| out.push(text[r.start as usize..r.end as usize].to_string()),
            );
            out
        }};
    }

    fn json_regions(text: &str) -> Vec<String> {
        regions!(JsonScan, text, crate::Redactor::new())
    }

    fn sql_regions(text: &str, lines: bool) -> Vec<String> {
        regions!(
            SqlScan,
            text,
            crate::Redactor::builder().lines(lines).build()
        )
    }

    #[test]
    fn json_regions_start_at_a_word_inside_a_string() {
        assert_eq!(
            json_regions(r#"{"a":"x","msg":"CREATE CONNECTION c WITH (\n'k' = 'v')"} CREATE"#),
            [r#"CREATE CONNECTION c WITH (\n'k' = 'v')"#]
        );
        // also without an escape: where the string ends matters
        assert_eq!(
            json_regions(r#"{"msg":"CREATE CONNECTION c"}"#),
            ["CREATE CONNECTION c"]
        );
        // outside a string, or glued to a word
        assert!(json_regions(r#"CREATE x \n "aCREATE \n""#).is_empty());
        // an escaped newline before the word is not a word character
        assert_eq!(json_regions(r#""x\nSET a\t""#), [r#"SET a\t"#]);
        // a string ends at the end of its line, and the next line starts outside strings
        assert_eq!(
            json_regions("\"SET \\t x\nSET \"SET \\t\""),
            ["SET \\t x", "SET \\t"]
        );
        // `\"` does not end the string
        assert_eq!(json_regions(r#""SET \"a\" b" c"#), [r#"SET \"a\" b"#]);
        // a backslash that starts no escape stands for itself, as the decoder reads it: the
        // word after it starts a region, and a line break after it ends the string
        assert_eq!(json_regions(r#""\CREATE x" y"#), ["CREATE x"]);
        assert_eq!(json_regions("\"SET a\\\nSET b\""), ["SET a\\"]);
    }

    #[test]
    fn sql_regions_start_at_a_word_and_end_at_an_undoubled_quote() {
        assert_eq!(
            sql_regions(
                "VALUES ('ALTER CONNECTION c SET (''k'' = ''v'')') CREATE x",
                false
            ),
            ["ALTER CONNECTION c SET (''k'' = ''v'')"]
        );
        assert!(sql_regions("CREATE CONNECTION c WITH ('k' = 'v')", false).is_empty());
        assert_eq!(sql_regions("'SET ''a''\nb'", false), ["SET ''a''\nb"]);
        assert_eq!(sql_regions("'SET ''a''\r\nb'", true), ["SET ''a''"]);
    }

    #[test]
    fn decodes_json_and_maps_back() {
        let raw = br#"a\u0027b\n\ud83d\ude00\qrs"#;
        let mut d = Decoded::default();
        decode_json(raw, &mut d);
        assert_eq!(d.bytes, "a'b\n\u{1F600}\\qrs".as_bytes());
        assert_eq!(d.start_of(9), 23);
        assert_eq!(d.start_of(1), 1);
        assert_eq!(d.end_of(2), 7);
        assert_eq!(d.end_of(4), 10);
        assert_eq!(d.end_of(8), 22);
        assert_eq!(d.end_of(10), 24);
        assert_eq!(d.end_of(d.bytes.len()), raw.len());
    }

    #[test]
    fn decodes_sql_pieces() {
        let mut d = Decoded::default();
        decode_sql(b"a''b''", &mut d);
        assert_eq!(d.bytes, b"a'b'");
        assert_eq!((d.start_of(1), d.end_of(2)), (1, 3));
        assert_eq!(d.end_of(4), 6);
    }

    #[test]
    fn masks_in_each_form() {
        assert_eq!(Form::Sql.encode(b"'<R>'"), b"''<R>''");
        assert_eq!(Form::Json.encode(b"'a\"\\'"), b"'a\\\"\\\\'");
        assert_eq!(Form::JsonSql.encode(b"'\"'"), b"''\\\"''");
    }
}
