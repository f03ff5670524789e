//! What the bytes inside a connection statement are.
//!
//! Two layers. [`lex`] recognises the token that starts at a position with a `logos` DFA; it
//! never allocates and never fails (unknown bytes are [`Tok::Other`]). Tokens whose bodies can be
//! arbitrarily long and must survive being cut across reads (quoted literals, comments, bare
//! values) are opened by `lex` and then scanned by the resumable `scan_*` functions, which look
//! for the closing delimiter with `memchr` and can stop and resume at any byte.
//!
//! Invariant: the result depends only on the bytes, never on where the input was cut. A token is
//! reported only when the bytes after it that could extend it are available (or the input has ended), and
//! no token is longer than [`MAX_TOKEN`], so a window of `MAX_TOKEN + LOOKAHEAD` bytes always
//! decides the same way as the whole input.

use logos::Logos;

/// The longest token `lex` reports; a longer word or run of spaces is reported in pieces.
pub(crate) const MAX_TOKEN: usize = 1 << 20;
/// The most bytes that must follow a token before it is known to be complete.
pub(crate) const LOOKAHEAD: usize = 2;

/// The token that starts at a position (Flink SQL, after Calcite).
#[derive(Logos, Clone, Copy, Debug, PartialEq, Eq)]
#[logos(utf8 = false)]
pub(crate) enum Tok {
    /// ` `, `\t`, form feed, `\n`, `\r\n`, lone `\r`
    #[regex(r"[ \t\x0c\r\n]+")]
    Space,
    /// `-- …` to the end of the line (body scanned by [`scan_line_comment`])
    #[token("--")]
    LineComment,
    /// `/* … */`, hints `/*+ … */` too, not nested (body scanned by [`scan_block_comment`])
    #[token("/*")]
    BlockComment,
    /// `'` opening a string literal (body scanned by [`scan_quoted`])
    #[token("'")]
    Quote,
    /// `N'`, `X'`, `U&'`, `_UTF8'`: a literal prefix glued to its opening quote. Longest match
    /// makes `N'` win over the word `N`, so no priority is needed; a charset name has the
    /// shape of a word, so one byte after a word decides between the two.
    #[regex(r"[nNxX]'")]
    #[regex(r"[uU]&'")]
    #[regex(r"_[A-Za-z0-9_$]*(?:[.-][A-Za-z0-9_$]+)*'")]
    PrefixedQuote,
    /// `"` opening a double-quoted literal
    #[token("\"")]
    DoubleQuote,
    /// `` ` `` opening a quoted identifier
    #[token("`")]
    Backtick,
    /// `api-key`, `aws.region`, `CONNECTION`, `bedrock-cli-connection`, `123456`, `$x`: a single
    /// `-` or `.` may join two runs of word characters (`a--b` is `a` and a comment)
    #[regex(r"[A-Za-z0-9_$]+(?:[.-][A-Za-z0-9_$]+)*")]
    Word,
    /// `=`, `:`, `=>`, `==`
    #[regex(r"[=:>]+")]
    Sep,
    /// `(`
    #[token("(")]
    Open,
    /// `)`
    #[token(")")]
    Close,
    /// `;`
    #[token(";")]
    Semi,
    /// `,`
    #[token(",")]
    Comma,
    /// any other byte
    Other,
}

/// What [`lex`] found at the start of its input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Lexed {
    /// A token of this kind and length; for the openers of long tokens, the opener only.
    Token(Tok, usize),
    /// The input may continue the token: feed more bytes (never returned at the end of input).
    NeedMore,
    /// Nothing left (only at the end of input).
    End,
}

/// Recognises the token at the start of `rest`. `eof` says that `rest` runs to the end of the
/// input.
#[cfg(test)]
pub(crate) fn lex(rest: &[u8], eof: bool) -> Lexed {
    Lexer::new(rest, eof, 0).lex(0)
}

/// Recognises tokens one after another in a window with one `logos` lexer, for as long as the
/// positions asked for follow each other (the bodies of long tokens, scanned elsewhere, are
/// stepped over); it starts a new one only where a token would cross the end of what it reads.
///
/// Invariant: [`Lexer::lex`] at `at` answers what one lexer over `win[at..]` would: the token is
/// reported only when the bytes that could extend it are there (or the input has ended), and is
/// at most [`MAX_TOKEN`] long, so the answer never depends on where the input was cut.
pub(crate) struct Lexer<'w> {
    win: &'w [u8],
    eof: bool,
    /// Where `inner`'s input starts in `win`; it reads at most `MAX_TOKEN + LOOKAHEAD` bytes.
    from: usize,
    inner: logos::Lexer<'w, Tok>,
}

impl<'w> Lexer<'w> {
    /// A lexer over `win` (which runs to the end of the input if `eof`), to start at `at`.
    pub(crate) fn new(win: &'w [u8], eof: bool, at: usize) -> Lexer<'w> {
        Lexer {
            win,
            eof,
            from: at,
            inner: Tok::lexer(Self::chunk(win, at)),
        }
    }

    fn chunk(win: &[u8], at: usize) -> &[u8] {
        &win[at..win.len().min(at + MAX_TOKEN + LOOKAHEAD)]
    }

    /// A word goes on over `.` and over a `-` that does not open a comment, also at its end
    /// (`llm-`, `a-.b`; SPEC §3 and §6), which the DFA's pattern does not take.
    fn extend_word(&self, at: usize, len: usize) -> Lexed {
        let mut end = at + len;
        while end - at < MAX_TOKEN {
            match self.win.get(end) {
                Some(b'.') => end += 1,
                Some(b'-') => match self.win.get(end + 1) {
                    Some(b'-') => break,
                    None if !self.eof => return Lexed::NeedMore,
                    _ => end += 1,
                },
                Some(&b) if b.is_ascii_alphanumeric() || b == b'_' || b == b'$' => end += 1,
                None if !self.eof && end > at + len => return Lexed::NeedMore,
                _ => break,
            }
        }
        Lexed::Token(Tok::Word, end - at)
    }

    fn restart(&mut self, at: usize) {
        self.from = at;
        self.inner = Tok::lexer(Self::chunk(self.win, at));
    }

    /// The token that starts at `at`.
    pub(crate) fn lex(&mut self, at: usize) -> Lexed {
        if at >= self.win.len() {
            return if self.eof {
                Lexed::End
            } else {
                Lexed::NeedMore
            };
        }
        let here = self.from + self.inner.span().end;
        let end = self.from + self.inner.source().len();
        if at != here {
            if at > here && at < end {
                self.inner.bump(at - here);
            } else {
                self.restart(at);
            }
        } else if at == end {
            self.restart(at);
        }
        loop {
            let avail = self.from + self.inner.source().len() - at;
            let kind = match self.inner.next() {
                Some(Ok(kind)) => kind,
                Some(Err(())) | None => Tok::Other,
            };
            let len = (self.from + self.inner.span().end - at).max(1);
            // Bytes after the token that decide it is complete: none for fixed tokens nothing
            // longer starts with; two after a word that a `.`/`-` could extend or a `&` could
            // turn into `U&'`; one otherwise (a space, `=` or `-` could continue it).
            let after = match kind {
                Tok::Open
                | Tok::Close
                | Tok::Semi
                | Tok::Comma
                | Tok::Quote
                | Tok::PrefixedQuote
                | Tok::DoubleQuote
                | Tok::Backtick
                | Tok::LineComment
                | Tok::BlockComment => 0,
                Tok::Word if matches!(self.win.get(at + len), Some(b'.' | b'-' | b'&')) => 2,
                _ => 1,
            };
            if len + after <= avail {
                if kind == Tok::Word {
                    return self.extend_word(at, len);
                }
                return Lexed::Token(kind, len);
            }
            // what `win[at..]` shows a lexer: at most MAX_TOKEN + LOOKAHEAD bytes
            let rest = self.win.len() - at;
            let capped = rest > MAX_TOKEN + LOOKAHEAD;
            if avail < rest.min(MAX_TOKEN + LOOKAHEAD) {
                // this lexer started before `at` and reads less than `win[at..]` shows
                self.restart(at);
                continue;
            }
            return if capped {
                Lexed::Token(kind, len.min(MAX_TOKEN))
            } else if self.eof {
                Lexed::Token(kind, len)
            } else {
                Lexed::NeedMore
            };
        }
    }
}

/// White space as [`Tok::Space`] reads it: space, tab, form feed, `\r`, `\n`.
pub(crate) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\x0c' | b'\r' | b'\n')
}

/// The end of the white space that starts at `at` in `win` (`at` when there is none): the
/// [`Tok::Space`] tokens there, stepped over without the DFA. White space is trivia wherever a
/// reader skips it, so where a window cuts it changes nothing.
pub(crate) fn skip_space(win: &[u8], mut at: usize) -> usize {
    while win.get(at).is_some_and(|&b| is_space(b)) {
        at += 1;
    }
    at
}

/// How far a resumable scan got.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Scan {
    /// The token ends here: after the closing delimiter (quotes, `*/`), or before the line
    /// break (line comment), or before the delimiter (bare value).
    Closed(usize),
    /// The input ended first: the token runs to the end (`terminated: false`).
    Unterminated(usize),
    /// Everything before this position belongs to the token; feed more and resume here.
    More(usize),
}

/// Scans the body of a literal opened by `quote` (`'`, `"` or `` ` ``) from `from`, where
/// a doubled quote stands for one. Backslash is not an escape.
pub(crate) fn scan_quoted(bytes: &[u8], from: usize, quote: u8, eof: bool) -> Scan {
    let mut at = from;
    while let Some(i) = memchr::memchr(quote, &bytes[at..]) {
        let i = at + i;
        match bytes.get(i + 1) {
            Some(&next) if next == quote => at = i + 2,
            Some(_) => return Scan::Closed(i + 1),
            None if eof => return Scan::Closed(i + 1),
            None => return Scan::More(i),
        }
    }
    if eof {
        Scan::Unterminated(bytes.len())
    } else {
        Scan::More(bytes.len())
    }
}

/// Scans a `/* … */` comment body from `from` (after the opener).
pub(crate) fn scan_block_comment(bytes: &[u8], from: usize, eof: bool) -> Scan {
    match memchr::memmem::find(&bytes[from..], b"*/") {
        Some(i) => Scan::Closed(from + i + 2),
        None if eof => Scan::Unterminated(bytes.len()),
        // a final `*` may be the start of `*/`
        None => Scan::More(bytes.len().saturating_sub(1).max(from)),
    }
}

/// Scans a `--` comment body from `from` to the end of its line (a `\n` or a `\r`).
pub(crate) fn scan_line_comment(bytes: &[u8], from: usize, eof: bool) -> Scan {
    match memchr::memchr2(b'\n', b'\r', &bytes[from..]) {
        Some(i) => Scan::Closed(from + i),
        None if eof => Scan::Unterminated(bytes.len()),
        None => Scan::More(bytes.len()),
    }
}

/// Scans a bare value from `from`: everything up to whitespace, `,`, `)`, `;` or a backslash.
pub(crate) fn scan_bare(bytes: &[u8], from: usize, eof: bool) -> Scan {
    let end = bytes[from..]
        .iter()
        .position(|&b| is_space(b) || matches!(b, b',' | b')' | b';' | b'\\'));
    match end {
        Some(i) => Scan::Closed(from + i),
        None if eof => Scan::Closed(bytes.len()),
        None => Scan::More(bytes.len()),
    }
}

/// A line number carried forward through the input: `line` is the line of `at`. Each reader
/// keeps one and asks only forward, so every `\n` is counted once per reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lines {
    pub(crate) at: u64,
    pub(crate) line: u64,
}

impl Lines {
    pub(crate) fn new(at: u64, line: u64) -> Lines {
        Lines { at, line }
    }

    /// The line of `to`, counting the `\n` bytes from `at` (`win` holds the input from `base`
    /// and both positions). A `to` before `at` gives the line of `at`.
    pub(crate) fn of(&mut self, win: &[u8], base: u64, to: u64) -> u64 {
        if to > self.at {
            debug_assert!(
                self.at >= base,
                "lines were counted up to what the window holds"
            );
            let from = (self.at.max(base) - base) as usize;
            self.line += count_newlines(&win[from..(to - base) as usize]);
            self.at = to;
        }
        self.line
    }
}

/// Number of `\n` bytes.
pub(crate) fn count_newlines(bytes: &[u8]) -> u64 {
    // the vector code pays for its set-up from a few dozen bytes on (measured on `script`: the
    // engine and each run count the lines between tokens and statements, mostly under 512)
    if bytes.len() < 64 {
        bytes.iter().filter(|&&b| b == b'\n').count() as u64
    } else {
        bytecount::count(bytes, b'\n') as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn assert_tokens(input: &str, expected: &[(Tok, &str)]) {
        let bytes = input.as_bytes();
        let mut at = 0;
        let mut got = Vec::new();
        while let Lexed::Token(kind, len) = lex(&bytes[at..], true) {
            got.push((kind, &input[at..at + len]));
            at += len;
        }
        assert_eq!(got, expected);
    }

    #[test]
    fn option_pair() {
        use Tok::*;
        assert_tokens(
            "('api-key'=",
            &[
                (Open, "("),
                (Quote, "'"),
                (Word, "api-key"),
                (Quote, "'"),
                (Sep, "="),
            ],
        );
    }

    #[test]
    fn prefixes_glue_to_quote() {
        use Tok::*;
        assert_tokens(
            "N'x U&'_UTF8' X' n",
            &[
                (PrefixedQuote, "N'"),
                (Word, "x"),
                (Space, " "),
                (PrefixedQuote, "U&'"),
                (PrefixedQuote, "_UTF8'"),
                (Space, " "),
                (PrefixedQuote, "X'"),
                (Space, " "),
                (Word, "n"),
            ],
        );
    }

    #[test]
    fn double_dash_ends_word() {
        use Tok::*;
        assert_tokens(
            "a--b a-b.c",
            &[
                (Word, "a"),
                (LineComment, "--"),
                (Word, "b"),
                (Space, " "),
                (Word, "a-b.c"),
            ],
        );
    }

    #[test]
    fn separators_and_backslash() {
        use Tok::*;
        // a backslash means nothing here: `\n` is a backslash and a word
        assert_tokens(
            "=>\\n: ==\\x",
            &[
                (Sep, "=>"),
                (Other, "\\"),
                (Word, "n"),
                (Sep, ":"),
                (Space, " "),
                (Sep, "=="),
                (Other, "\\"),
                (Word, "x"),
            ],
        );
    }

    #[test]
    fn token_at_end_waits_for_more_unless_eof() {
        assert_eq!(lex(b"abc", false), Lexed::NeedMore);
        assert_eq!(lex(b"abc", true), Lexed::Token(Tok::Word, 3));
        assert_eq!(lex(b"abc    ", false), Lexed::Token(Tok::Word, 3));
        // `a-` may become the word `a-b`
        assert_eq!(lex(b"a-", false), Lexed::NeedMore);
        assert_eq!(lex(b"", true), Lexed::End);
    }

    #[test]
    fn long_word_is_cut_at_max_token() {
        let long = vec![b'a'; MAX_TOKEN * 2];
        assert_eq!(lex(&long, true), Lexed::Token(Tok::Word, MAX_TOKEN));
        assert_eq!(lex(&long, false), Lexed::Token(Tok::Word, MAX_TOKEN));
    }

    #[test]
    fn invalid_utf8_is_other() {
        assert_eq!(lex(b"\xff\xfe  ", true), Lexed::Token(Tok::Other, 1));
    }

    #[test]
    fn quoted_scans() {
        assert_eq!(scan_quoted(b"it''s' x", 0, b'\'', true), Scan::Closed(6));
        assert_eq!(scan_quoted(b"ab'", 0, b'\'', false), Scan::More(2));
        assert_eq!(scan_quoted(b"ab'", 0, b'\'', true), Scan::Closed(3));
        assert_eq!(scan_quoted(b"back\\' x", 0, b'\'', true), Scan::Closed(6));
        assert_eq!(scan_quoted(b"never", 0, b'\'', true), Scan::Unterminated(5));
        assert_eq!(scan_quoted(b"never", 0, b'\'', false), Scan::More(5));
    }

    #[test]
    fn comment_scans() {
        assert_eq!(scan_block_comment(b" x */y", 0, true), Scan::Closed(5));
        assert_eq!(scan_block_comment(b" x *", 0, false), Scan::More(3));
        assert_eq!(scan_block_comment(b" x", 0, true), Scan::Unterminated(2));
        assert_eq!(scan_line_comment(b" x\ny", 0, true), Scan::Closed(2));
        // `\n` written as two characters is text (a JSON string is read decoded, SPEC §9)
        assert_eq!(
            scan_line_comment(b" x\\nWITH", 0, true),
            Scan::Unterminated(8)
        );
        assert_eq!(scan_line_comment(b" a\\b\r\n", 0, true), Scan::Closed(4));
        assert_eq!(scan_line_comment(b" x\\", 0, false), Scan::More(3));
    }

    #[test]
    fn bare_scans() {
        assert_eq!(scan_bare(b"tok123, x", 0, true), Scan::Closed(6));
        assert_eq!(scan_bare(b"a'b c", 0, true), Scan::Closed(3));
        assert_eq!(scan_bare(b"abc", 0, true), Scan::Closed(3));
        assert_eq!(scan_bare(b"abc", 0, false), Scan::More(3));
    }
}
