//! One connection statement, recognised token by token (SPEC §2–4).
//!
//! A [`Run`] starts at a `CREATE` or `ALTER` word and walks forward: the header up to
//! `CONNECTION`, the optional `IF [NOT] EXISTS`, the name, then the body, where it finds
//! `KEY SEP VALUE` pairs and reports the values of sensitive keys as [`Secret`]s and near
//! misses as [`Warning`]s. It stops at the `)` closing the first top-level `(`, at a `;`, or at
//! the end of the input.
//!
//! A run is resumable: [`Run::step`] consumes one token from a window of the input and answers
//! [`Step::NeedMore`] when the window ends first, keeping only what it needs (a key's text, the
//! value being extracted) so the caller may drop the bytes before [`Run::needs_from`].
//! Invariants: the tokens a run sees and the decisions it takes depend only on the bytes, not on
//! how they were cut into windows; a run never reports a mask that starts before
//! [`Run::hold`].

use std::borrow::Cow;

use crate::keys::{self, KeyClass};
use crate::lexer::{self, Lexed, Scan, Tok};
use crate::redact::Policy;
use crate::secret::{Secret, Warning};

/// Trivia longer than this between a key and its separator, or between the parts of a value,
/// ends the pair: no real statement has a megabyte of comments there, and the bound keeps the
/// bytes a stream must hold back finite.
pub(crate) const MAX_GAP: u64 = 1 << 20;
/// Stands for the two-byte quote `\"` of a double-quoted literal inside a JSON string.
pub(crate) const ESCAPED_QUOTE: u8 = b'\\';
/// Longest connection name part kept.
pub(crate) const MAX_NAME_PART: usize = 1024;

/// Text of a secret found: a range of the input (absolute offsets) that holds it as it is, or
/// owned. A range is turned into a borrow of the input when the secret is written.
pub(crate) enum Text {
    Input(u64, u64),
    Owned(String),
}

impl Text {
    fn get<'w>(self, win: &'w [u8], base: u64) -> Cow<'w, str> {
        match self {
            Text::Owned(text) => Cow::Owned(text),
            Text::Input(from, to) => {
                let bytes = &win[(from - base) as usize..(to - base) as usize];
                match std::str::from_utf8(bytes) {
                    Ok(text) => Cow::Borrowed(text),
                    Err(_) => String::from_utf8_lossy(bytes),
                }
            }
        }
    }

    fn own(&mut self, win: &[u8], base: u64) {
        if let Text::Input(..) = self {
            let text = std::mem::replace(self, Text::Owned(String::new()));
            *self = Text::Owned(text.get(win, base).into_owned());
        }
    }
}

/// A secret found, before it is written (no `Debug`: it holds the value).
pub(crate) struct Pending {
    pub key: Text,
    pub value: Text,
    pub connection: Option<Text>,
    pub start: u64,
    pub end: u64,
    pub line: u64,
}

impl Pending {
    /// The secret, borrowing what it can from `win` (which holds the input from `base`).
    pub(crate) fn secret<'w>(self, win: &'w [u8], base: u64) -> Secret<'w> {
        Secret {
            raw: Cow::Borrowed(&[]),
            key: self.key.get(win, base),
            value: self.value.get(win, base),
            connection: self.connection.map(|c| c.get(win, base)),
            start: self.start,
            end: self.end,
            line: self.line,
        }
    }

    /// Copies what it borrows, before `win` is dropped.
    pub(crate) fn own(&mut self, win: &[u8], base: u64) {
        self.key.own(win, base);
        self.value.own(win, base);
        if let Some(c) = &mut self.connection {
            c.own(win, base);
        }
    }
}

/// What runs report, which the engine orders and merges, and what they share.
#[derive(Default)]
pub(crate) struct Found {
    /// `(run start, secret)`.
    pub secrets: Vec<(u64, Pending)>,
    pub warnings: Vec<Warning>,
    /// The last comment stretch a run scanned, for runs that open a comment inside it.
    pub scanned: Scanned,
}

/// What one call of [`Run::step`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    Progress,
    NeedMore,
    Done,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Prefix {
    None,
    N,
    X,
    U,
    Charset,
}

impl Prefix {
    /// The prefix of a [`Tok::PrefixedQuote`] from its first byte.
    pub(crate) fn of(first: u8) -> Prefix {
        match first {
            b'n' | b'N' => Prefix::N,
            b'x' | b'X' => Prefix::X,
            b'u' | b'U' => Prefix::U,
            _ => Prefix::Charset,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Long {
    /// A literal or identifier closed by this quote byte.
    Quoted(u8, Prefix),
    BlockComment,
    LineComment,
    /// A bare value, up to whitespace, `,`, `)` or `;`.
    Bare,
}

/// A long token being scanned.
struct Partial {
    kind: Long,
    start: u64,
    line: u64,
    /// Where the content (between the quotes, or the whole bare value) starts.
    body: u64,
    resume: u64,
    /// Newlines between `start` and `resume`.
    newlines: u64,
    content: Vec<u8>,
    limit: usize,
}

/// A complete token.
struct Token<'w> {
    kind: Kind,
    start: u64,
    end: u64,
    line: u64,
    /// `\n` bytes in the token.
    newlines: u64,
    /// For words: the word. Empty otherwise.
    word: &'w [u8],
    /// For quoted tokens and bare values: the raw content (capped at the partial's limit).
    content: Vec<u8>,
    content_complete: bool,
    terminated: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Trivia,
    Quoted(u8, Prefix),
    Bare,
    Word,
    Sep,
    Open,
    Close,
    Semi,
    Comma,
    Other(u8),
}

/// A key candidate: a literal, quoted identifier or bare word that may be followed by `SEP`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Cand {
    start: u64,
    end: u64,
    line: u64,
    /// Unquoted, doubled quotes undone; `None` when longer than the key cap.
    text: Option<KeyText>,
}

/// A key's (or a name's) text, kept inline when short (nearly every key is), so a candidate costs no
/// allocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum KeyText {
    Inline(u8, [u8; 38]),
    Heap(Vec<u8>),
}

impl KeyText {
    pub(crate) fn new(text: &[u8]) -> KeyText {
        match u8::try_from(text.len()) {
            Ok(len) if text.len() <= 38 => {
                let mut buf = [0; 38];
                buf[..text.len()].copy_from_slice(text);
                KeyText::Inline(len, buf)
            }
            _ => KeyText::Heap(text.to_vec()),
        }
    }

    /// The text of a quoted key: `content` with doubled quotes undone.
    pub(crate) fn unquoted(content: &[u8], quote: u8) -> KeyText {
        let first = if quote == ESCAPED_QUOTE { b'"' } else { quote };
        if memchr::memchr(first, content).is_none() {
            KeyText::new(content)
        } else {
            KeyText::new(&undouble(content, quote))
        }
    }

    pub(crate) fn push(&mut self, more: &[u8]) {
        match self {
            KeyText::Inline(len, buf) if *len as usize + more.len() <= buf.len() => {
                buf[*len as usize..*len as usize + more.len()].copy_from_slice(more);
                *len += more.len() as u8;
            }
            KeyText::Inline(len, buf) => {
                let mut text = buf[..*len as usize].to_vec();
                text.extend_from_slice(more);
                *self = KeyText::Heap(text);
            }
            KeyText::Heap(text) => text.extend_from_slice(more),
        }
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            KeyText::Inline(len, buf) => &buf[..*len as usize],
            KeyText::Heap(text) => text,
        }
    }
}

/// A connection name as it is read: up to three parts joined by `.`, each cut at
/// [`MAX_NAME_PART`] bytes.
pub(crate) struct Name {
    text: KeyText,
    parts: u8,
}

impl Name {
    pub(crate) fn new() -> Name {
        Name {
            text: KeyText::new(b""),
            parts: 0,
        }
    }

    /// Whether another part may come.
    pub(crate) fn open(&self) -> bool {
        self.parts < 3
    }

    /// Adds a part, unless there are three already.
    pub(crate) fn push(&mut self, part: &[u8]) {
        if self.open() {
            if self.parts > 0 {
                self.text.push(b".");
            }
            self.text.push(&part[..part.len().min(MAX_NAME_PART)]);
            self.parts += 1;
        }
    }

    /// The name, or `None` before its first part.
    pub(crate) fn get(&self) -> Option<&[u8]> {
        (self.parts > 0).then(|| self.text.as_slice())
    }
}

/// One literal part of a value.
struct Part {
    quote: u8,
    prefix: Prefix,
    raw: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Treat {
    Mask,
    Keep,
}

enum Stage {
    /// After a literal part: a continuation literal, `UESCAPE`, or the end of the value.
    AfterPart,
    /// After `UESCAPE`: its one-character literal.
    Uescape,
    /// After a literal that may continue the value or be the next key: its fate waits for the
    /// next token.
    Cand(Cand, Part),
}

struct Value {
    key: Cand,
    treat: Treat,
    start: u64,
    line: u64,
    /// End of the last part that belongs to the value.
    end: u64,
    parts: Vec<Part>,
    /// The raw text may still equal the mask literal (then it is left alone).
    maybe_masked_already: bool,
    uescape: Option<u8>,
    uescape_allowed: bool,
    /// After a `"…"` or `` `…` `` value: a `'…'` literal glued to it joins it, because the mask
    /// ends with a quote and would otherwise merge with it into one literal.
    glued: bool,
    stage: Stage,
}

enum Phase {
    /// `CREATE`/`ALTER` (once `verb` is seen), then `OR REPLACE TEMPORARY SYSTEM`, then
    /// `CONNECTION`.
    Header {
        verb: bool,
    },
    /// After `CONNECTION`: `IF [NOT] EXISTS`, then the name.
    Connection {
        if_words: u8,
    },
    /// After a name part: `.` and another part.
    Name {
        dot: bool,
    },
    /// Looking for a key.
    Body,
    /// A key candidate; `SEP` makes it a key.
    Key(Cand),
    /// `KEY SEP`: the next token starts the value.
    Sep(Cand, Treat),
    Value(Value),
    Done,
}

/// One occurrence of `CREATE`/`ALTER`, recognised from there on.
pub(crate) struct Run {
    /// Where the `CREATE`/`ALTER` word starts.
    pub start: u64,
    pos: u64,
    line: u64,
    depth: u32,
    opened: bool,
    phase: Phase,
    /// The connection name, its parts joined by `.`.
    name: Name,
    /// A buffer kept for the content of the next long token.
    scratch: Vec<u8>,
    /// `name` joined, once a secret needed it.
    connection: Option<Option<String>>,
    partial: Option<Partial>,
    collect: bool,
}

impl Run {
    /// A run at `start`, on line `line`. `collect` says whether secret values are extracted.
    pub(crate) fn new(start: u64, line: u64, collect: bool) -> Run {
        Run {
            start,
            pos: start,
            line,
            depth: 0,
            opened: false,
            phase: Phase::Header { verb: false },
            name: Name::new(),
            scratch: Vec::new(),
            connection: None,
            partial: None,
            collect,
        }
    }

    pub(crate) fn pos(&self) -> u64 {
        self.partial.as_ref().map_or(self.pos, |p| p.resume)
    }

    pub(crate) fn is_done(&self) -> bool {
        matches!(self.phase, Phase::Done)
    }

    /// The earliest byte this run still reads.
    pub(crate) fn needs_from(&self) -> u64 {
        self.pos()
    }

    /// No mask this run reports later starts before this position, and no byte from here on
    /// is known to be outside its masks.
    pub(crate) fn hold(&self, policy: &Policy) -> u64 {
        // a literal being read that may still turn out to be a key (one short enough to be
        // compared) may yet be warned about: warnings come out in input order
        let key_pending = match &self.partial {
            Some(p)
                if matches!(p.kind, Long::Quoted(..)) && !matches!(self.phase, Phase::Sep(..)) =>
            {
                p.resume.saturating_sub(p.body) <= policy.key_cap as u64
            }
            _ => false,
        };
        let hold = self.hold_for_masks(policy);
        if key_pending {
            hold.min(self.partial.as_ref().map_or(hold, |p| p.start))
        } else {
            hold
        }
    }

    fn hold_for_masks(&self, policy: &Policy) -> u64 {
        if let Some((_, to)) = self.open_mask(policy) {
            return to;
        }
        match &self.phase {
            Phase::Done => u64::MAX,
            Phase::Key(cand) => cand.start,
            Phase::Value(v) => match &v.stage {
                _ if v.treat == Treat::Mask => v.start,
                Stage::Cand(cand, _) => cand.start,
                _ => self.pos(),
            },
            Phase::Sep(_, Treat::Mask) => match &self.partial {
                Some(p) if matches!(p.kind, Long::Quoted(..) | Long::Bare) => p.start,
                _ => self.pos(),
            },
            _ => self.pos(),
        }
    }

    /// A mask this run has begun and that is known to cover `start..to`, while its end is not
    /// known yet: the stream writes the mask and skips those bytes.
    pub(crate) fn open_mask(&self, policy: &Policy) -> Option<(u64, u64)> {
        match &self.phase {
            Phase::Sep(_, Treat::Mask) => {
                let p = self.partial.as_ref()?;
                let could_equal_mask = match p.kind {
                    Long::Quoted(b'\'', Prefix::None) => {
                        p.content.len() <= policy.mask_raw.len()
                            && policy.mask_raw.starts_with(&p.content)
                    }
                    Long::Quoted(..) | Long::Bare => false,
                    Long::BlockComment | Long::LineComment => return None,
                };
                (!could_equal_mask && p.resume > p.start).then_some((p.start, p.resume))
            }
            Phase::Value(v) if v.treat == Treat::Mask && !v.maybe_masked_already => {
                Some((v.start, v.end))
            }
            _ => None,
        }
    }

    /// A signature for merging two runs at the same position: equal signatures mean equal
    /// futures but for depth and name. Runs inside a comment at the same position are in the
    /// same lexical state, whoever opened it: `CREATE -- ` repeated on one line leaves one run
    /// in the comment, not one per verb.
    pub(crate) fn merge_key(&self) -> Option<(u8, u8, u64, u64)> {
        let inside = match self.partial.as_ref().map(|p| p.kind) {
            None => 0,
            Some(Long::LineComment) => 1,
            Some(Long::BlockComment) => 2,
            Some(_) => return None,
        };
        match &self.phase {
            Phase::Body => Some((0, inside, 0, 0)),
            Phase::Key(c) => Some((1, inside, c.start, c.end)),
            // no name part is read yet: the name is empty in both
            Phase::Header { verb: true } => Some((2, inside, 0, 0)),
            Phase::Connection { if_words } => Some((3, inside, u64::from(*if_words), 0)),
            _ => None,
        }
    }

    /// Whether the run is inside a literal, comment or bare value (which it reads on to the end
    /// of the window, wherever the next occurrence starts).
    pub(crate) fn in_long_token(&self) -> bool {
        self.partial.is_some()
    }

    /// Ends the run: another run at the same place finds everything it would.
    pub(crate) fn stop(&mut self) {
        self.phase = Phase::Done;
    }

    /// `(opened, depth)`: a run with `(true, d)` outlives one with `(true, e <= d)` from the
    /// same position, and `(false, _)` runs end together.
    pub(crate) fn reach(&self) -> (bool, u32) {
        (self.opened, self.depth)
    }

    /// Consumes one token. `limit`: occurrences starting before it are known, so the run may
    /// read a token starting before it.
    pub(crate) fn step(
        &mut self,
        win: &[u8],
        base: u64,
        eof: bool,
        limit: u64,
        policy: &Policy,
        found: &mut Found,
    ) -> Step {
        if self.is_done() {
            return Step::Done;
        }
        let tok = match self.next_token(win, base, eof, limit, policy, &mut found.scanned) {
            Ok(tok) => tok,
            Err(Step::Done) => {
                self.finish(found);
                return Step::Done;
            }
            Err(step) => {
                self.settle_gap(found);
                return step;
            }
        };
        self.pos = tok.end;
        self.line = tok.line + tok.newlines;
        let mut tok = tok;
        self.on_token(&mut tok, policy, found);
        if tok.content.capacity() > self.scratch.capacity() {
            tok.content.clear();
            self.scratch = tok.content;
        }
        if self.is_done() {
            Step::Done
        } else {
            Step::Progress
        }
    }

    fn next_token<'w>(
        &mut self,
        win: &'w [u8],
        base: u64,
        eof: bool,
        limit: u64,
        policy: &Policy,
        scanned: &mut Scanned,
    ) -> Result<Token<'w>, Step> {
        if self.partial.is_none() {
            // White space means the same in every phase (after the verb): step over it here.
            let (at, tok, len) = loop {
                if self.pos >= limit && !eof {
                    return Err(Step::NeedMore);
                }
                let at = (self.pos - base) as usize;
                match lexer::lex(&win[at..], eof) {
                    Lexed::End => return Err(Step::Done),
                    Lexed::NeedMore => return Err(Step::NeedMore),
                    Lexed::Token(Tok::Space | Tok::EscapedSpace, len)
                        if !matches!(self.phase, Phase::Header { verb: false }) =>
                    {
                        self.pos += len as u64;
                        self.line += lexer::count_newlines(&win[at..at + len]);
                    }
                    Lexed::Token(tok, len) => break (at, tok, len),
                }
            };
            let start = self.pos;
            let long = match tok {
                Tok::Quote => Some((Long::Quoted(b'\'', Prefix::None), 1)),
                Tok::PrefixedQuote => Some((Long::Quoted(b'\'', Prefix::of(win[at])), len)),
                Tok::DoubleQuote => Some((Long::Quoted(b'"', Prefix::None), 1)),
                Tok::EscapedDoubleQuote => Some((Long::Quoted(ESCAPED_QUOTE, Prefix::None), 2)),
                Tok::Backtick => Some((Long::Quoted(b'`', Prefix::None), 1)),
                Tok::BlockComment => Some((Long::BlockComment, 2)),
                Tok::LineComment => Some((Long::LineComment, 2)),
                _ if self.value_starts_bare(tok) => Some((Long::Bare, 0)),
                _ => None,
            };
            match long {
                Some((kind, opener)) => {
                    let limit = match kind {
                        Long::BlockComment | Long::LineComment => 0,
                        _ => self.content_limit(policy),
                    };
                    self.partial = Some(Partial {
                        kind,
                        start,
                        line: self.line,
                        body: start + opener as u64,
                        resume: start + opener as u64,
                        newlines: 0,
                        content: std::mem::take(&mut self.scratch),
                        limit,
                    });
                }
                None => {
                    let kind = match tok {
                        Tok::Space | Tok::EscapedSpace => Kind::Trivia,
                        Tok::Word => Kind::Word,
                        Tok::Sep => Kind::Sep,
                        Tok::Open => Kind::Open,
                        Tok::Close => Kind::Close,
                        Tok::Semi => Kind::Semi,
                        Tok::Comma => Kind::Comma,
                        _ => Kind::Other(win[at]),
                    };
                    let end = start + len as u64;
                    return Ok(Token {
                        kind,
                        start,
                        end,
                        line: self.line,
                        newlines: lexer::count_newlines(&win[at..at + len]),
                        word: if kind == Kind::Word {
                            &win[at..at + len]
                        } else {
                            &[]
                        },
                        content: Vec::new(),
                        content_complete: true,
                        terminated: true,
                    });
                }
            }
        }
        let p = self.partial.as_mut().expect("a long token is open");
        scanned.skip(p, base);
        let from = (p.resume - base) as usize;
        let scan = match p.kind {
            Long::Quoted(ESCAPED_QUOTE, _) => lexer::scan_escaped_quoted(win, from, eof),
            Long::Quoted(q, _) => lexer::scan_quoted(win, from, q, eof),
            Long::BlockComment => lexer::scan_block_comment(win, from, eof),
            Long::LineComment => lexer::scan_line_comment(win, from, eof),
            Long::Bare => lexer::scan_bare(win, from, eof),
        };
        let (end, content_end, terminated) = match (scan, p.kind) {
            (Scan::More(at), _) => {
                let at = at.max(from);
                p.take(win, base, from, at);
                p.resume = base + at as u64;
                scanned.record(p, p.resume);
                return Err(Step::NeedMore);
            }
            (Scan::Closed(end), Long::Quoted(ESCAPED_QUOTE, _)) => (end, end - 2, true),
            (Scan::Closed(end), Long::Quoted(..)) => (end, end - 1, true),
            (Scan::Closed(end), _) => (end, end, true),
            (Scan::Unterminated(end), _) => (end, end, false),
        };
        p.take(win, base, from, content_end.max(from));
        // a comment's body ends before its `*/` (and a line comment's at its end)
        let body_end = match p.kind {
            Long::BlockComment if terminated => content_end - 2,
            _ => content_end,
        };
        scanned.record(p, base + body_end.max(from) as u64);
        let p = self.partial.take().expect("a long token is open");
        let kind = match p.kind {
            Long::Quoted(q, prefix) => Kind::Quoted(q, prefix),
            Long::Bare => Kind::Bare,
            Long::BlockComment | Long::LineComment => Kind::Trivia,
        };
        let complete = p.content.len() as u64 == content_end as u64 + base - p.body;
        Ok(Token {
            kind,
            start: p.start,
            end: base + end as u64,
            line: p.line,
            newlines: p.newlines,
            word: &[],
            content: p.content,
            content_complete: complete,
            terminated,
        })
    }

    /// In `KEY SEP`, anything but trivia, a literal or a terminator starts a bare value.
    fn value_starts_bare(&self, tok: Tok) -> bool {
        matches!(self.phase, Phase::Sep(..))
            && !matches!(
                tok,
                Tok::Space
                    | Tok::EscapedSpace
                    | Tok::Sep
                    | Tok::Comma
                    | Tok::Close
                    | Tok::Semi
                    | Tok::LineComment
                    | Tok::BlockComment
            )
    }

    /// How much of a long token's content to keep: all of a sensitive value's when values are
    /// extracted, else enough to compare keys and the mask.
    fn content_limit(&self, policy: &Policy) -> usize {
        let small = policy.key_cap.max(policy.mask_raw.len() + 1);
        match &self.phase {
            Phase::Sep(_, Treat::Mask) if self.collect => usize::MAX,
            Phase::Value(v) if v.treat == Treat::Mask && self.collect => usize::MAX,
            // the first part of a value that is kept is never a key
            Phase::Sep(_, Treat::Keep) => 0,
            // a quoted name part is kept up to MAX_NAME_PART bytes once its doubled quotes
            // are undone, which needs at most twice as many
            Phase::Connection { .. } | Phase::Name { .. } => small.max(2 * MAX_NAME_PART + 2),
            _ => small,
        }
    }

    fn on_token(&mut self, tok: &mut Token<'_>, policy: &Policy, found: &mut Found) {
        let phase = std::mem::replace(&mut self.phase, Phase::Done);
        self.phase = match phase {
            Phase::Header { verb } => self.header(verb, tok),
            Phase::Connection { if_words } => self.connection(if_words, tok, policy),
            Phase::Name { dot } => self.name_part(dot, tok, policy),
            Phase::Body => self.body(tok, policy),
            Phase::Key(cand) => {
                if tok.start > cand.end + MAX_GAP {
                    self.body(tok, policy)
                } else {
                    match tok.kind {
                        Kind::Trivia => Phase::Key(cand),
                        Kind::Sep => self.separator(cand, policy, found),
                        _ => self.body(tok, policy),
                    }
                }
            }
            Phase::Sep(key, treat) => match tok.kind {
                Kind::Trivia | Kind::Sep => Phase::Sep(key, treat),
                Kind::Quoted(..) | Kind::Bare => self.value_part(key, treat, tok, policy, found),
                _ => self.body(tok, policy),
            },
            Phase::Value(value) => self.value_next(value, tok, policy, found),
            Phase::Done => Phase::Done,
        };
    }

    fn header(&mut self, verb: bool, tok: &Token<'_>) -> Phase {
        match tok.kind {
            Kind::Trivia if verb => Phase::Header { verb },
            Kind::Word if !verb && (is(tok.word, "CREATE") || is(tok.word, "ALTER")) => {
                Phase::Header { verb: true }
            }
            Kind::Word
                if verb
                    && ["OR", "REPLACE", "TEMPORARY", "SYSTEM"]
                        .iter()
                        .any(|w| is(tok.word, w)) =>
            {
                Phase::Header { verb }
            }
            Kind::Word if verb && is(tok.word, "CONNECTION") => Phase::Connection { if_words: 0 },
            _ => Phase::Done,
        }
    }

    fn connection(&mut self, if_words: u8, tok: &mut Token<'_>, p: &Policy) -> Phase {
        match tok.kind {
            Kind::Trivia => Phase::Connection { if_words },
            Kind::Word if if_words == 0 && is(tok.word, "IF") => Phase::Connection { if_words: 1 },
            Kind::Word if if_words == 1 && is(tok.word, "NOT") => Phase::Connection { if_words: 2 },
            Kind::Word if if_words >= 1 && is(tok.word, "EXISTS") => {
                Phase::Connection { if_words: 3 }
            }
            Kind::Word
                if !["WITH", "SET", "COMMENT", "RENAME", "RESET"]
                    .iter()
                    .any(|w| is(tok.word, w)) =>
            {
                self.name_part(true, tok, p)
            }
            Kind::Quoted(b'`', _) => self.name_part(true, tok, p),
            _ => self.body(tok, p),
        }
    }

    /// `dot`: a part may come now (at the start, or after a `.`).
    fn name_part(&mut self, dot: bool, tok: &mut Token<'_>, p: &Policy) -> Phase {
        match tok.kind {
            Kind::Word if dot && self.name.open() => {
                for part in tok.word.split(|&b| b == b'.') {
                    self.name.push(part);
                }
                Phase::Name {
                    dot: tok.word.ends_with(b"."),
                }
            }
            Kind::Quoted(b'`', _) if dot && self.name.open() => {
                let part = KeyText::unquoted(&tok.content, b'`');
                self.name.push(part.as_slice());
                Phase::Name { dot: false }
            }
            Kind::Other(b'.') if !dot => Phase::Name { dot: true },
            _ => self.body(tok, p),
        }
    }

    /// A token while looking for a key; also where every other phase hands over a token it
    /// does not take.
    fn body(&mut self, tok: &mut Token<'_>, policy: &Policy) -> Phase {
        match tok.kind {
            Kind::Semi => Phase::Done,
            Kind::Open => {
                self.opened = true;
                self.depth += 1;
                Phase::Body
            }
            Kind::Close if self.opened => {
                self.depth -= 1;
                if self.depth == 0 {
                    Phase::Done
                } else {
                    Phase::Body
                }
            }
            Kind::Word => Phase::Key(Cand {
                start: tok.start,
                end: tok.end,
                line: tok.line,
                text: (tok.word.len() <= policy.key_cap).then(|| KeyText::new(tok.word)),
            }),
            Kind::Quoted(q, _) => Phase::Key(Cand {
                start: tok.start,
                end: tok.end,
                line: tok.line,
                text: (tok.content_complete && tok.content.len() <= policy.key_cap)
                    .then(|| KeyText::unquoted(&tok.content, q)),
            }),
            _ => Phase::Body,
        }
    }

    fn separator(&mut self, key: Cand, policy: &Policy, found: &mut Found) -> Phase {
        let class = match &key.text {
            Some(text) => keys::classify(text.as_slice(), &policy.keys),
            None => KeyClass::Other,
        };
        let treat = match class {
            KeyClass::Sensitive => Treat::Mask,
            KeyClass::NearMiss(_) if policy.strict => Treat::Mask,
            KeyClass::NearMiss(i) => {
                found.warnings.push(Warning {
                    key: lossy(key.text.as_ref().map_or(&[][..], KeyText::as_slice)),
                    suggestion: policy.keys[i].clone(),
                    start: key.start,
                    end: key.end,
                    line: key.line,
                });
                Treat::Keep
            }
            KeyClass::Other => Treat::Keep,
        };
        Phase::Sep(key, treat)
    }

    fn value_part(
        &mut self,
        key: Cand,
        treat: Treat,
        tok: &mut Token<'_>,
        policy: &Policy,
        found: &mut Found,
    ) -> Phase {
        let (quote, prefix) = match tok.kind {
            Kind::Quoted(q, prefix) => (q, prefix),
            _ => (0, Prefix::None),
        };
        let maybe_masked_already = quote == b'\''
            && prefix == Prefix::None
            && tok.terminated
            && tok.content == policy.mask_raw;
        let mut value = Value {
            key,
            treat,
            start: tok.start,
            line: tok.line,
            end: tok.end,
            parts: Vec::new(),
            maybe_masked_already,
            uescape: None,
            uescape_allowed: prefix == Prefix::U,
            glued: false,
            stage: Stage::AfterPart,
        };
        if treat == Treat::Mask && self.collect {
            value.parts.push(Part {
                quote,
                prefix,
                raw: std::mem::take(&mut tok.content),
            });
        }
        // Every kind of value continues with the literals after it: once masked it is a literal,
        // and a second pass must read it the same way.
        if tok.terminated {
            value.glued = matches!(quote, b'"' | b'`' | ESCAPED_QUOTE);
            Phase::Value(value)
        } else {
            self.finish_value(value, found);
            Phase::Body
        }
    }

    fn value_next(
        &mut self,
        mut v: Value,
        tok: &mut Token<'_>,
        p: &Policy,
        f: &mut Found,
    ) -> Phase {
        if v.glued {
            v.glued = false;
            if tok.kind != Kind::Quoted(b'\'', Prefix::None) || tok.start != v.end {
                return self.value_next(v, tok, p, f);
            }
            v.end = tok.end;
            if v.treat == Treat::Mask && self.collect {
                v.parts.push(Part {
                    quote: b'\'',
                    prefix: Prefix::None,
                    raw: std::mem::take(&mut tok.content),
                });
            }
            if !tok.terminated {
                self.finish_value(v, f);
                return Phase::Body;
            }
            return Phase::Value(v);
        }
        let stage = std::mem::replace(&mut v.stage, Stage::AfterPart);
        match stage {
            Stage::AfterPart | Stage::Uescape if tok.start > v.end + MAX_GAP => {
                self.finish_value(v, f);
                self.body(tok, p)
            }
            Stage::AfterPart => match tok.kind {
                Kind::Trivia => Phase::Value(v),
                Kind::Word if v.uescape_allowed && is(tok.word, "UESCAPE") => {
                    v.stage = Stage::Uescape;
                    Phase::Value(v)
                }
                Kind::Quoted(b'\'', prefix) => {
                    let cand = Cand {
                        start: tok.start,
                        end: tok.end,
                        line: tok.line,
                        text: (tok.content_complete && tok.content.len() <= p.key_cap)
                            .then(|| KeyText::unquoted(&tok.content, b'\'')),
                    };
                    let terminated = tok.terminated;
                    v.stage = Stage::Cand(
                        cand,
                        Part {
                            quote: b'\'',
                            prefix,
                            raw: std::mem::take(&mut tok.content),
                        },
                    );
                    if terminated {
                        Phase::Value(v)
                    } else {
                        // an unterminated literal runs to the end: it cannot be a key
                        self.join_cand(&mut v);
                        self.finish_value(v, f);
                        Phase::Body
                    }
                }
                _ => {
                    self.finish_value(v, f);
                    self.body(tok, p)
                }
            },
            Stage::Uescape => match tok.kind {
                Kind::Trivia => {
                    v.stage = Stage::Uescape;
                    Phase::Value(v)
                }
                Kind::Quoted(b'\'', _) => {
                    v.uescape = undouble(&tok.content, b'\'').first().copied();
                    v.uescape_allowed = false;
                    v.end = tok.end;
                    v.maybe_masked_already = false;
                    Phase::Value(v)
                }
                _ => {
                    self.finish_value(v, f);
                    self.body(tok, p)
                }
            },
            Stage::Cand(cand, part) => {
                if tok.start > cand.end + MAX_GAP {
                    v.stage = Stage::Cand(cand, part);
                    self.join_cand(&mut v);
                    self.finish_value(v, f);
                    return self.body(tok, p);
                }
                match tok.kind {
                    Kind::Trivia => {
                        v.stage = Stage::Cand(cand, part);
                        Phase::Value(v)
                    }
                    Kind::Sep => {
                        self.finish_value(v, f);
                        self.separator(cand, p, f)
                    }
                    _ => {
                        v.stage = Stage::Cand(cand, part);
                        self.join_cand(&mut v);
                        self.value_next(v, tok, p, f)
                    }
                }
            }
        }
    }

    fn join_cand(&mut self, v: &mut Value) {
        if let Stage::Cand(cand, part) = std::mem::replace(&mut v.stage, Stage::AfterPart) {
            v.end = cand.end;
            v.maybe_masked_already = false;
            v.uescape_allowed = false;
            if v.treat == Treat::Mask && self.collect {
                v.parts.push(part);
            }
        }
    }

    fn finish_value(&mut self, v: Value, found: &mut Found) {
        if v.treat != Treat::Mask || v.maybe_masked_already {
            return;
        }
        let value = if self.collect {
            decode(
                v.parts.iter().map(|p| (p.quote, p.prefix, &p.raw[..])),
                v.uescape,
            )
        } else {
            Vec::new()
        };
        let name = &self.name;
        let connection = self
            .connection
            .get_or_insert_with(|| name.get().map(lossy))
            .clone();
        found.secrets.push((
            self.start,
            Pending {
                key: Text::Owned(lossy(
                    v.key.text.as_ref().map_or(&[][..], KeyText::as_slice),
                )),
                value: Text::Owned(
                    String::from_utf8(value).unwrap_or_else(|e| lossy(e.as_bytes())),
                ),
                connection: connection.map(Text::Owned),
                start: v.start,
                end: v.end,
                line: v.line,
            },
        ));
    }

    /// The input ended.
    fn finish(&mut self, found: &mut Found) {
        if let Phase::Value(mut v) = std::mem::replace(&mut self.phase, Phase::Done) {
            self.join_cand(&mut v);
            self.finish_value(v, found);
        }
    }

    /// While a trivia token is still being scanned after a key or a value part, the gap may
    /// already be known to exceed [`MAX_GAP`]: decide now, as the whole input would at the next
    /// token, so the stream can release the bytes held for it.
    fn settle_gap(&mut self, found: &mut Found) {
        let Some(p) = &self.partial else { return };
        if !matches!(p.kind, Long::BlockComment | Long::LineComment) {
            return;
        }
        let at = p.resume;
        let phase = std::mem::replace(&mut self.phase, Phase::Done);
        self.phase = match phase {
            Phase::Key(cand) if at > cand.end + MAX_GAP => Phase::Body,
            Phase::Value(mut v) => {
                let anchor = match &v.stage {
                    Stage::Cand(cand, _) => cand.end,
                    _ => v.end,
                };
                if at > anchor + MAX_GAP {
                    self.join_cand(&mut v);
                    self.finish_value(v, found);
                    Phase::Body
                } else {
                    Phase::Value(v)
                }
            }
            other => other,
        };
    }
}

/// The last stretch of a comment's body that a run scanned, known to hold no end of that kind
/// of comment: a comment of the same kind whose body starts inside the stretch ends where that
/// one ends, so a run opening it skips to the stretch's end instead of scanning the same bytes
/// again. This keeps runs that open comments inside each other's comments (`CREATE /* `
/// repeated) linear.
#[derive(Clone, Copy, Default)]
pub(crate) struct Scanned {
    /// `(kind, body start, end of the stretch, line at that end)`.
    stretch: Option<(Long, u64, u64, u64)>,
}

impl Scanned {
    /// Moves a comment whose body is about to be scanned from its start to the end of the
    /// stretch, when the stretch holds its start (and the window still holds the stretch's
    /// end, where the scan goes on).
    fn skip(&self, p: &mut Partial, base: u64) {
        let Some((kind, body, to, line)) = self.stretch else {
            return;
        };
        let fresh = p.resume == p.body && p.newlines == 0;
        if fresh && kind == p.kind && (body..=to).contains(&p.body) && to >= base {
            p.resume = to;
            // the opener holds no newline: those of the stretch are the ones before its end
            p.newlines = line - p.line;
        }
    }

    /// Notes that `p`'s body, from its start to `to`, holds no end of its kind.
    fn record(&mut self, p: &Partial, to: u64) {
        if matches!(p.kind, Long::LineComment | Long::BlockComment) {
            let line = p.line + p.newlines;
            self.stretch = Some((p.kind, p.body, to, line));
        }
    }
}

impl Partial {
    /// Keeps `win[from..to]` of the content, up to the limit.
    fn take(&mut self, win: &[u8], base: u64, from: usize, to: usize) {
        self.newlines += lexer::count_newlines(&win[from..to]);
        let body_from = ((self.body.max(base + from as u64)) - base) as usize;
        if body_from < to && self.content.len() < self.limit {
            let room = self.limit - self.content.len();
            let chunk = &win[body_from..to];
            self.content
                .extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
    }
}

pub(crate) fn is(word: &[u8], keyword: &str) -> bool {
    word.eq_ignore_ascii_case(keyword.as_bytes())
}

pub(crate) fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Undoes doubled quotes (`\"\"` for [`ESCAPED_QUOTE`]).
pub(crate) fn undouble(raw: &[u8], quote: u8) -> Vec<u8> {
    if quote == ESCAPED_QUOTE {
        let text = String::from_utf8_lossy(raw).replace("\\\"\\\"", "\\\"");
        return text.into_bytes();
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        out.push(raw[i]);
        i += if raw[i] == quote && raw.get(i + 1) == Some(&quote) {
            2
        } else {
            1
        };
    }
    out
}

/// The value as the SQL engine sees it (SPEC §6), from its parts: `(quote, prefix, raw
/// content)`, quote 0 for a bare value.
pub(crate) fn decode<'p>(
    parts: impl IntoIterator<Item = (u8, Prefix, &'p [u8])>,
    uescape: Option<u8>,
) -> Vec<u8> {
    let mut out = Vec::new();
    for (quote, prefix, raw) in parts {
        if quote == 0 {
            out.extend_from_slice(raw);
            continue;
        }
        let text = undouble(raw, quote);
        match prefix {
            Prefix::U => decode_unicode_escapes(&text, uescape.unwrap_or(b'\\'), &mut out),
            Prefix::X | Prefix::N | Prefix::Charset | Prefix::None => out.extend_from_slice(&text),
        }
    }
    out
}

/// `\XXXX`, `\+XXXXXX` and `\\` with `esc` in place of the backslash; anything else is kept.
fn decode_unicode_escapes(text: &[u8], esc: u8, out: &mut Vec<u8>) {
    let hex = |s: &[u8]| {
        std::str::from_utf8(s)
            .ok()
            .filter(|s| s.bytes().all(|b| b.is_ascii_hexdigit()))
            .and_then(|s| u32::from_str_radix(s, 16).ok())
            .and_then(char::from_u32)
    };
    let mut i = 0;
    while i < text.len() {
        if text[i] == esc {
            if text.get(i + 1) == Some(&esc) {
                out.push(esc);
                i += 2;
                continue;
            }
            if text.get(i + 1) == Some(&b'+') {
                if let Some(c) = text.get(i + 2..i + 8).and_then(hex) {
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                    i += 8;
                    continue;
                }
            } else if let Some(c) = text.get(i + 1..i + 5).and_then(hex) {
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                i += 5;
                continue;
            }
        }
        out.push(text[i]);
        i += 1;
    }
}
