//! One connection statement, read token by token (SPEC §2–4): the one reader of the grammar.
//!
//! A [`Run`] starts at a `CREATE` or `ALTER` word and walks forward: the header up to
//! `CONNECTION`, the optional `IF [NOT] EXISTS`, the name, then the body, where it finds
//! `KEY SEP VALUE` pairs and reports the values of sensitive keys as secrets and near misses as
//! [`Warning`]s. It stops at the `)` closing the first top-level `(`, at a `;`, or at the end of
//! the input.
//!
//! A run is resumable at any byte, and its whole state is a small `Copy` value of positions and
//! flags: it never copies a token's content. What it reads again later (a key's text when its
//! separator comes, a value's parts when secrets are collected) it reads from the window, which
//! the engine keeps from [`Run::needs_from`]; the little text a secret carries beyond its window
//! (the connection name, the key) goes to [`Found`]. The lexer runs over the window, and the
//! bodies of literals, comments and bare values are skipped with `memchr`.
//!
//! Invariants: the tokens a run sees and the decisions it takes depend only on the bytes, not on
//! how they were cut into windows; a run never reports a mask that starts before
//! [`Run::hold`].

use std::borrow::Cow;

use crate::find::VERBS;
use crate::found::{Found, Pending, Text};
use crate::keys::{self, KeyClass};
use crate::lexer::{self, Lexed, Lexer, Lines, Scan, Tok};
use crate::redact::Policy;
use crate::secret::Warning;

/// Trivia longer than this between a key and its separator, or between the parts of a value,
/// ends the pair: no real statement has a megabyte of comments there, and the bound keeps the
/// bytes a stream must hold back finite.
pub(crate) const MAX_GAP: u64 = 1 << 20;
/// Longest connection name part kept.
pub(crate) const MAX_NAME_PART: usize = 1024;
/// Raw bytes of a quoted name part kept: enough for [`MAX_NAME_PART`] once doubled quotes are
/// undone.
const MAX_NAME_RAW: usize = 2 * MAX_NAME_PART + 2;

/// What one call of [`Run::read`] did.
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
    fn of(first: u8) -> Prefix {
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
#[derive(Clone, Copy, Debug)]
struct Partial {
    kind: Long,
    start: u64,
    line: u64,
    /// Where the content (between the quotes, or the whole bare value) starts.
    body: u64,
    resume: u64,
    /// The content so far is a prefix of the mask's (for `'…'` literals).
    masklike: bool,
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

/// A complete token; its content (quoted tokens and bare values) is `body..body_end`.
#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    start: u64,
    end: u64,
    body: u64,
    body_end: u64,
    /// The line of `start`, for long tokens (others count it when they need it).
    line: Option<u64>,
    terminated: bool,
    masklike: bool,
}

/// A key candidate: a literal, quoted identifier or bare word that may be followed by `SEP`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Cand {
    start: u64,
    end: u64,
    line: u64,
    body: u64,
    body_end: u64,
    /// The quote, 0 for a word.
    quote: u8,
    /// The key is short enough to be compared (the window then holds it until it is).
    fits: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Treat {
    Mask,
    Keep,
}

#[derive(Clone, Copy, Debug)]
enum Stage {
    /// After a literal part: a continuation literal, `UESCAPE`, or the end of the value.
    AfterPart,
    /// After `UESCAPE`: its one-character literal.
    Uescape,
    /// After a literal that may continue the value or be the next key: its fate waits for the
    /// next token.
    Cand(Cand),
    /// After a bare `SECRET`: a name after it makes the two a reference to a stored secret.
    Reference,
}

#[derive(Clone, Copy, Debug)]
struct Value {
    treat: Treat,
    start: u64,
    line: u64,
    /// End of the last part that belongs to the value.
    end: u64,
    /// End of its first part.
    first_end: u64,
    /// The raw text may still equal the mask literal (then it is left alone).
    maybe_masked_already: bool,
    uescape_allowed: bool,
    stage: Stage,
}

#[derive(Clone, Copy, Debug)]
enum Phase {
    /// `CREATE`/`ALTER` (once `verb` is seen), then `OR REPLACE TEMPORARY SYSTEM`, then
    /// `CONNECTION`; `plain` until another word (`PERSISTENT`) stands there.
    Header {
        verb: bool,
        plain: bool,
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
    Sep(Treat),
    /// After `SET`: `PASSWORD` makes it `SET PASSWORD … = 'value'` (SPEC §8).
    SetHead,
    /// `SET PASSWORD`: everything up to `=`, then the value.
    SetPassword,
    /// After `CREATE … SECRET` or `ALTER SECRET`: the secret's name.
    SecretName,
    /// `AS` in a secret statement: the value follows.
    SecretAs,
    /// `IDENTIFIED [WITH plugin] BY [PASSWORD] value`, by stage: 0 after `IDENTIFIED`, 1 after
    /// `WITH`, 2 after the plugin, 3 after `BY`, 4 after `PASSWORD`.
    Identified(u8),
    Value(Value),
    Done,
}

/// The window a run reads and what it reports to.
struct Cx<'a, 'w> {
    win: &'w [u8],
    base: u64,
    eof: bool,
    policy: &'a Policy,
    found: &'a mut Found,
    lexer: Lexer<'w>,
}

impl<'w> Cx<'_, 'w> {
    fn bytes(&self, from: u64, to: u64) -> &'w [u8] {
        &self.win[(from - self.base) as usize..(to - self.base) as usize]
    }

    /// A word token's text; empty for other tokens (which may start before the window).
    fn word(&self, tok: &Token) -> &'w [u8] {
        if tok.kind == Kind::Word {
            self.bytes(tok.start, tok.end)
        } else {
            &[]
        }
    }
}

/// One occurrence of `CREATE`/`ALTER`, read from there on.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Run {
    /// Where the `CREATE`/`ALTER` word starts.
    pub start: u64,
    pos: u64,
    /// The line of the last position asked for.
    lines: Lines,
    depth: u32,
    opened: bool,
    collect: bool,
    /// A credential statement (SPEC §8), not a connection statement.
    cred: bool,
    /// A secret statement (`CREATE … SECRET`, `ALTER SECRET`): `AS` introduces its value.
    secret: bool,
    /// How far [`Run::skim`] has looked: it does not look at a byte twice.
    skimmed: u64,
    /// Started inside another statement's body (set by the engine; cleared when a connection
    /// statement's header claims the verb).
    pub(crate) overlapping: bool,
    /// Line mode: the token just read was cut at the end of its line, which ends the run.
    line_cut: bool,
    /// A verb that ended the connection header: claimed if the next token opens the pair list.
    claimable: Option<u64>,
    name_parts: u8,
    phase: Phase,
    partial: Option<Partial>,
}

impl Run {
    /// A run at `start`, on line `line`. `collect` says whether secret values are extracted.
    pub(crate) fn new(start: u64, line: u64, collect: bool) -> Run {
        Run {
            start,
            pos: start,
            lines: Lines::new(start, line),
            depth: 0,
            opened: false,
            collect,
            cred: false,
            secret: false,
            skimmed: start,
            overlapping: false,
            line_cut: false,
            claimable: None,
            name_parts: 0,
            phase: Phase::Header {
                verb: false,
                plain: true,
            },
            partial: None,
        }
    }

    pub(crate) fn pos(&self) -> u64 {
        self.partial.as_ref().map_or(self.pos, |p| p.resume)
    }

    pub(crate) fn is_done(&self) -> bool {
        matches!(self.phase, Phase::Done)
    }

    /// The earliest byte this run still reads: where it goes on, and the text it will read
    /// again (a key that may meet its separator, a sensitive value when values are collected).
    pub(crate) fn needs_from(&self, policy: &Policy) -> u64 {
        let mut from = self.pos().min(self.lines.at);
        if self.key_pending(policy) {
            from = from.min(self.partial.map_or(from, |p| p.start));
        }
        match self.phase {
            Phase::Key(c) if c.fits => from.min(c.start),
            Phase::Sep(Treat::Mask) | Phase::Identified(_) | Phase::SecretAs if self.collect => {
                match self.partial {
                    Some(p) if matches!(p.kind, Long::Quoted(..) | Long::Bare) => from.min(p.start),
                    _ => from,
                }
            }
            Phase::Value(v) => {
                if v.treat == Treat::Mask && self.collect {
                    from = from.min(v.start);
                }
                match v.stage {
                    Stage::Cand(c) if c.fits => from.min(c.start),
                    _ => from,
                }
            }
            _ => from,
        }
    }

    /// A literal being read that may still turn out to be a key short enough to be compared.
    fn key_pending(&self, policy: &Policy) -> bool {
        match self.partial {
            Some(p)
                if matches!(p.kind, Long::Quoted(..)) && !matches!(self.phase, Phase::Sep(..)) =>
            {
                p.resume - p.body <= policy.key_cap as u64
            }
            _ => false,
        }
    }

    /// No mask this run reports later starts before this position, and no byte from here on
    /// is known to be outside its masks.
    pub(crate) fn hold(&self, policy: &Policy) -> u64 {
        let hold = self.hold_for_masks(policy);
        // a key may yet be warned about: warnings come out in input order
        if self.key_pending(policy) {
            hold.min(self.partial.map_or(hold, |p| p.start))
        } else {
            hold
        }
    }

    fn hold_for_masks(&self, policy: &Policy) -> u64 {
        if let Some((_, to)) = self.open_mask(policy) {
            return to;
        }
        match self.phase {
            Phase::Done => u64::MAX,
            Phase::Key(cand) => cand.start,
            Phase::Value(v) => match v.stage {
                _ if v.treat == Treat::Mask => v.start,
                Stage::Cand(cand) => cand.start,
                _ => self.pos(),
            },
            // a value being read whose mask has not begun
            Phase::Sep(Treat::Mask) | Phase::Identified(_) | Phase::SecretAs => {
                match self.partial {
                    Some(p) if matches!(p.kind, Long::Quoted(..) | Long::Bare) => p.start,
                    _ => self.pos(),
                }
            }
            _ => self.pos(),
        }
    }

    /// A mask this run has begun and that is known to cover `start..to`, while its end is not
    /// known yet: the stream writes the mask and skips those bytes.
    pub(crate) fn open_mask(&self, policy: &Policy) -> Option<(u64, u64)> {
        match self.phase {
            Phase::Sep(Treat::Mask) | Phase::Identified(3 | 4) | Phase::SecretAs => {
                let p = self.partial?;
                let identified = matches!(self.phase, Phase::Identified(_));
                let undecided = match p.kind {
                    Long::Quoted(b'\'', Prefix::None) => {
                        p.masklike && p.resume - p.body <= policy.mask_raw.len() as u64
                    }
                    // a credential statement's value is a literal (or after `IDENTIFIED BY` a
                    // bare word), never these
                    Long::Quoted(b'`', _) if self.cred => return None,
                    Long::Bare if self.cred && !identified => return None,
                    // `SECRET name` names a stored secret; `BY PASSWORD` precedes the value
                    Long::Bare => p.masklike,
                    Long::Quoted(..) => false,
                    Long::BlockComment | Long::LineComment => return None,
                };
                (!undecided && p.resume > p.start).then_some((p.start, p.resume))
            }
            Phase::Value(Value {
                stage: Stage::Reference,
                ..
            }) => None,
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
        let inside = match self.partial.map(|p| p.kind) {
            None => 0,
            Some(Long::LineComment) => 1,
            Some(Long::BlockComment) => 2,
            Some(_) => return None,
        };
        let kind = 16 * u8::from(self.cred) + 32 * u8::from(self.secret);
        match self.phase {
            Phase::Body => Some((kind, inside, 0, 0)),
            Phase::Key(c) => Some((kind + 1, inside, c.start, c.end)),
            // no name part is read yet: the name is empty in both
            Phase::Header { verb: true, plain } => Some((2 + 8 * u8::from(plain), inside, 0, 0)),
            Phase::Connection { if_words } => Some((3, inside, u64::from(if_words), 0)),
            _ => None,
        }
    }

    /// Whether the run is inside a literal, comment or bare value (which it reads on to the end
    /// of the window, wherever the next occurrence starts).
    pub(crate) fn in_long_token(&self) -> bool {
        self.partial.is_some()
    }

    /// Whether the run reads a credential statement (SPEC §8), not a connection statement.
    pub(crate) fn is_credential(&self) -> bool {
        self.cred
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

    /// Reads from `win` (the input from `base`; `eof`: to its end): one token, or while `alone`
    /// as many as come before `limit`. `limit`: occurrences starting before it are known, so
    /// the run may read a token starting before it.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn read(
        &mut self,
        win: &[u8],
        base: u64,
        eof: bool,
        limit: u64,
        alone: bool,
        policy: &Policy,
        found: &mut Found,
    ) -> Step {
        let mut cx = Cx {
            win,
            base,
            eof,
            policy,
            found,
            lexer: Lexer::new(win, eof, (self.pos() - base) as usize),
        };
        let step = loop {
            let step = self.step(&mut cx, limit);
            if !(step == Step::Progress && alone && self.pos() < limit) {
                break step;
            }
        };
        // lines are counted up to where the run goes on, so the window may drop what is before
        self.line_at(&cx, self.pos());
        step
    }

    fn step(&mut self, cx: &mut Cx<'_, '_>, limit: u64) -> Step {
        if self.is_done() {
            return Step::Done;
        }
        if self.cred
            && !self.secret
            && self.partial.is_none()
            && self.pos >= self.skimmed
            && matches!(self.phase, Phase::Body)
        {
            self.skim(cx, limit);
        }
        let tok = match self.next_token(cx, limit) {
            Ok(tok) => tok,
            Err(Step::Done) => {
                self.finish(cx);
                return Step::Done;
            }
            Err(step) => {
                self.settle_gap(cx);
                return step;
            }
        };
        self.pos = tok.end;
        self.phase = self.on_token(cx, &tok);
        if std::mem::take(&mut self.line_cut) {
            self.finish(cx);
        }
        if self.is_done() {
            Step::Done
        } else {
            Step::Progress
        }
    }

    /// In a credential statement's body with nothing pending, steps over what cannot hold a
    /// secret: everything before the next trigger ([`crate::find::Triggers`]), literals skipped
    /// whole, up to a byte that changes how the rest reads (a comment, a `;`, one the window
    /// does not show the meaning of yet). Tokens are read again from the last `(`, `)` or `,`
    /// before where it stops: after each of them every credential statement's phase is `Body`,
    /// as here, so what follows reads as if every token before had been read, and what was
    /// stepped over holds no key a credential statement masks.
    // Kept out of `step`: inlined there, it costs every other token's step registers
    // (BENCHMARKS.md, run I).
    #[inline(never)]
    fn skim(&mut self, cx: &mut Cx<'_, '_>, limit: u64) {
        let win = cx.win;
        let stop = (limit.min(cx.base + win.len() as u64) - cx.base) as usize;
        let start = (self.pos - cx.base) as usize;
        // `bound`: where the phase is known to be `Body` (outside literals)
        let (mut at, mut bound) = (start, start);
        // The skim never steps past `end`, so the first trigger after where it stands stays
        // this one. A trigger that starts before `start` is in a word that starts after it.
        let end = stop.min(next_trigger(cx, start).max(start));
        let resume = loop {
            if at >= stop {
                self.skimmed = cx.base + stop as u64;
                break bound;
            }
            let significant = win[at..end]
                .iter()
                .position(|&b| matches!(b, b'\'' | b'"' | b'`' | b';' | b'-' | b'/' | b'\\'))
                .map(|i| at + i);
            bound = last_boundary(win, at, significant.unwrap_or(end)).unwrap_or(bound);
            let Some(l) = significant else {
                self.skimmed = cx.base + end as u64;
                break bound;
            };
            // tokens are read again from `bound`; the skim looks again past `l`
            self.skimmed = cx.base + l as u64 + 1;
            let literal = match (win[l], win.get(l + 1)) {
                (q @ (b'\'' | b'"' | b'`'), _) => Some(lexer::scan_quoted(win, l + 1, q, cx.eof)),
                // part of a word or another token: nothing changes
                (b'-', Some(&b)) if b != b'-' => None,
                (b'/', Some(&b)) if b != b'*' => None,
                (b'\\', Some(_)) => None,
                // a `;`, a comment, or a byte the window does not show the meaning of
                _ => break bound,
            };
            match literal {
                None => at = l + 1,
                Some(Scan::Closed(e))
                    if e <= end
                        && !(cx.policy.lines && memchr::memchr(b'\n', &win[l..e]).is_some()) =>
                {
                    at = e
                }
                // a literal that holds the trigger (it may be a key) or runs on
                Some(_) => break bound,
            }
        };
        self.pos = cx.base + resume as u64;
    }

    /// The line of `at`, which is at or after every position asked for before.
    fn line_at(&mut self, cx: &Cx<'_, '_>, at: u64) -> u64 {
        self.lines.of(cx.win, cx.base, at)
    }

    fn token_line(&mut self, cx: &Cx<'_, '_>, tok: &Token) -> u64 {
        match tok.line {
            Some(line) => line,
            None => self.line_at(cx, tok.start),
        }
    }

    fn next_token(&mut self, cx: &mut Cx<'_, '_>, limit: u64) -> Result<Token, Step> {
        if self.partial.is_none() {
            // White space means the same in every phase (after the verb): step over it here.
            let (tok, len) = loop {
                let mut at = (self.pos - cx.base) as usize;
                if !matches!(self.phase, Phase::Header { verb: false, .. }) {
                    at = lexer::skip_space(cx.win, at);
                    self.pos = cx.base + at as u64;
                }
                if self.pos >= limit && !cx.eof {
                    return Err(Step::NeedMore);
                }
                match cx.lexer.lex(at) {
                    Lexed::End => return Err(Step::Done),
                    Lexed::NeedMore => return Err(Step::NeedMore),
                    Lexed::Token(Tok::Space, len)
                        if !matches!(self.phase, Phase::Header { verb: false, .. }) =>
                    {
                        self.pos += len as u64;
                    }
                    Lexed::Token(tok, len) => break (tok, len),
                }
            };
            let start = self.pos;
            let first = cx.win[(start - cx.base) as usize];
            let long = match tok {
                Tok::Quote => Some((Long::Quoted(b'\'', Prefix::None), 1)),
                Tok::PrefixedQuote => Some((Long::Quoted(b'\'', Prefix::of(first)), len)),
                Tok::DoubleQuote => Some((Long::Quoted(b'"', Prefix::None), 1)),
                Tok::Backtick => Some((Long::Quoted(b'`', Prefix::None), 1)),
                Tok::BlockComment => Some((Long::BlockComment, 2)),
                Tok::LineComment => Some((Long::LineComment, 2)),
                _ if self.value_starts_bare(tok) => Some((Long::Bare, 0)),
                _ => None,
            };
            let Some((kind, opener)) = long else {
                return Ok(short_token(tok, start, len, first));
            };
            let line = self.line_at(cx, start);
            let body = start + opener as u64;
            self.partial = Some(Partial {
                kind,
                start,
                line,
                body,
                resume: body,
                // only a value that would be masked is compared with the mask
                masklike: match kind {
                    Long::Quoted(b'\'', Prefix::None) => self.value_may_start(),
                    Long::Bare => {
                        matches!(self.phase, Phase::Sep(Treat::Mask) | Phase::Identified(3))
                    }
                    _ => false,
                },
            });
        }
        self.scan_long(cx)
    }

    /// Scans on in the long token that is open.
    fn scan_long(&mut self, cx: &mut Cx<'_, '_>) -> Result<Token, Step> {
        let mut p = self.partial.expect("a long token is open");
        let comment = matches!(p.kind, Long::BlockComment | Long::LineComment);
        if comment && let Some((to, line)) = cx.found.scanned.skip(&p, cx.base) {
            p.resume = to;
            self.lines = Lines::new(to, line);
        }
        let from = (p.resume - cx.base) as usize;
        let (mut win, mut eof) = (cx.win, cx.eof);
        // line mode: a literal or comment that has not closed by the end of its line ends
        // there, before its `\r\n` or `\n`, and so does the statement (SPEC §5)
        let mut line_cut = false;
        if cx.policy.lines && matches!(p.kind, Long::Quoted(..) | Long::BlockComment) {
            match memchr::memchr(b'\n', &win[from..]) {
                Some(i) => {
                    let content = crate::engine::line_content(&win[..from + i]);
                    win = &win[..content.len().max(from)];
                    (eof, line_cut) = (true, true);
                }
                // a final `\r` may be the start of the `\r\n` that ends the line
                None if !eof && win.last() == Some(&b'\r') => {
                    win = &win[..(win.len() - 1).max(from)]
                }
                None => {}
            }
        }
        let scan = match p.kind {
            Long::Quoted(q, _) => lexer::scan_quoted(win, from, q, eof),
            Long::BlockComment => lexer::scan_block_comment(win, from, eof),
            Long::LineComment => lexer::scan_line_comment(win, from, eof),
            Long::Bare => lexer::scan_bare(win, from, eof),
        };
        let (end, content_end, terminated) = match (scan, p.kind) {
            (Scan::More(at), _) => {
                let at = at.max(from);
                self.take(cx, &mut p, from, at);
                p.resume = cx.base + at as u64;
                if comment {
                    let line = self.line_at(cx, p.resume);
                    cx.found.scanned.record(&p, p.resume, line);
                }
                self.partial = Some(p);
                return Err(Step::NeedMore);
            }
            (Scan::Closed(end), Long::Quoted(..)) => (end, end - 1, true),
            (Scan::Closed(end), _) => (end, end, true),
            (Scan::Unterminated(end), _) => (end, end, false),
        };
        if line_cut && !terminated {
            self.line_cut = true;
        }
        let content_end = content_end.max(from);
        self.take(cx, &mut p, from, content_end);
        if comment {
            // a comment's body ends before its `*/` (and a line comment's at its end)
            let body_end = match p.kind {
                Long::BlockComment if terminated => content_end - 2,
                _ => content_end,
            };
            let to = cx.base + body_end.max(from) as u64;
            let line = self.line_at(cx, to);
            cx.found.scanned.record(&p, to, line);
        }
        self.partial = None;
        let kind = match p.kind {
            Long::Quoted(q, prefix) => Kind::Quoted(q, prefix),
            Long::Bare => Kind::Bare,
            Long::BlockComment | Long::LineComment => Kind::Trivia,
        };
        Ok(Token {
            kind,
            start: p.start,
            end: cx.base + end as u64,
            body: p.body,
            body_end: cx.base + content_end as u64,
            line: Some(p.line),
            terminated,
            masklike: p.masklike,
        })
    }

    /// Notes the content `win[from..to]` of the long token `p`: whether it may still be the
    /// mask, and a quoted name part's raw text.
    fn take(&mut self, cx: &mut Cx<'_, '_>, p: &mut Partial, from: usize, to: usize) {
        let name = p.kind == Long::Quoted(b'`', Prefix::None)
            && matches!(
                self.phase,
                Phase::Connection { .. } | Phase::Name { dot: true }
            );
        let from = from.max(p.body.saturating_sub(cx.base) as usize);
        if from >= to || !(p.masklike || name) {
            return;
        }
        let chunk = &cx.win[from..to];
        let offset = (cx.base + from as u64 - p.body) as usize;
        if p.masklike {
            p.masklike = match p.kind {
                // a bare value is compared with `SECRET`, which makes it a reference, and
                // after `IDENTIFIED BY` with `PASSWORD`, which the value follows
                Long::Bare => {
                    let word: &[u8] = match self.phase {
                        Phase::Identified(_) => b"PASSWORD",
                        _ => b"SECRET",
                    };
                    word.get(offset..offset + chunk.len())
                        .is_some_and(|m| m.eq_ignore_ascii_case(chunk))
                }
                _ => {
                    let mask = &cx.policy.mask_raw;
                    mask.get(offset..offset + chunk.len()) == Some(chunk)
                }
            };
        }
        if name && self.name_parts < 3 {
            let raw = &mut cx.found.texts(self.start).raw_part;
            let room = MAX_NAME_RAW.saturating_sub(raw.len());
            raw.extend_from_slice(&chunk[..chunk.len().min(room)]);
        }
    }

    /// Whether the next literal may be a value that is masked (which is compared with the
    /// mask: one that equals it is masked already).
    fn value_may_start(&self) -> bool {
        matches!(
            self.phase,
            Phase::Sep(Treat::Mask) | Phase::Key(_) | Phase::Identified(_) | Phase::SecretAs
        )
    }

    /// In `KEY SEP`, anything but trivia, a literal or a terminator starts a bare value (in a
    /// connection statement: a credential statement's values are literals, and what follows its
    /// `=` otherwise is read as the body it is).
    fn value_starts_bare(&self, tok: Tok) -> bool {
        (matches!(self.phase, Phase::Sep(..)) && !self.cred
            || matches!(self.phase, Phase::Identified(3 | 4)))
            && !matches!(
                tok,
                Tok::Space
                    | Tok::Sep
                    | Tok::Comma
                    | Tok::Close
                    | Tok::Semi
                    | Tok::LineComment
                    | Tok::BlockComment
            )
    }

    fn on_token(&mut self, cx: &mut Cx<'_, '_>, tok: &Token) -> Phase {
        if let Some(at) = self.claimable {
            match tok.kind {
                Kind::Trivia => {}
                Kind::Open => {
                    cx.found.claims.push(at);
                    self.claimable = None;
                }
                _ => self.claimable = None,
            }
        }
        match self.phase {
            Phase::Header { verb, plain } => self.header(cx, verb, plain, tok),
            Phase::Connection { if_words } => self.connection(cx, if_words, tok),
            Phase::Name { dot } => self.name_part(cx, dot, tok),
            Phase::Body => self.body(cx, tok),
            Phase::Key(cand) if tok.start > cand.end + MAX_GAP => self.body(cx, tok),
            Phase::Key(cand) => match tok.kind {
                Kind::Trivia => Phase::Key(cand),
                Kind::Sep => self.separator(cx, cand),
                // `KEY 'value'`: a pair without a separator
                Kind::Quoted(b'\'', _) if tok.start > cand.end => {
                    let treat = self.treat(cx, &cand, false);
                    self.value_part(cx, treat, tok)
                }
                _ => self.body(cx, tok),
            },
            Phase::Sep(treat) => match tok.kind {
                Kind::Trivia | Kind::Sep => Phase::Sep(treat),
                // a credential statement's value is a literal: a bare token after `=` is a name
                Kind::Bare | Kind::Quoted(b'`', _) if self.cred => {
                    self.value_part(cx, Treat::Keep, tok)
                }
                Kind::Quoted(..) | Kind::Bare => self.value_part(cx, treat, tok),
                _ => self.body(cx, tok),
            },
            Phase::SetHead => match tok.kind {
                Kind::Trivia => Phase::SetHead,
                Kind::Word if is(cx.word(tok), "PASSWORD") => {
                    self.key_words(cx, &[(tok.start, tok.end)]);
                    Phase::SetPassword
                }
                _ => self.body(cx, tok),
            },
            Phase::SetPassword => match tok.kind {
                Kind::Sep => Phase::Sep(Treat::Mask),
                Kind::Semi => Phase::Done,
                _ => Phase::SetPassword,
            },
            Phase::SecretName => match tok.kind {
                Kind::Trivia => Phase::SecretName,
                Kind::Word | Kind::Quoted(..) => {
                    let cand = self.cand(cx, tok);
                    let name = key_text(cx, &cand).unwrap_or_default();
                    cx.found.texts(self.start).secret_name.set(&name);
                    Phase::Body
                }
                _ => self.body(cx, tok),
            },
            Phase::SecretAs => match tok.kind {
                Kind::Trivia => Phase::SecretAs,
                Kind::Quoted(b'\'' | b'"', _) => {
                    let texts = cx.found.texts(self.start);
                    let name = std::mem::take(&mut texts.secret_name);
                    texts.key.set(name.as_slice());
                    texts.key_at = None;
                    texts.key_span = None;
                    texts.secret_name = name;
                    self.value_part(cx, Treat::Mask, tok)
                }
                _ => self.body(cx, tok),
            },
            Phase::Identified(stage) => self.identified(cx, stage, tok),
            Phase::Value(value) => self.value_next(cx, value, tok),
            Phase::Done => Phase::Done,
        }
    }

    fn header(&mut self, cx: &mut Cx<'_, '_>, verb: bool, plain: bool, tok: &Token) -> Phase {
        let word = cx.word(tok);
        let credentials = !cx.policy.connections_only;
        if !verb {
            return match tok.kind {
                Kind::Word if is(word, "CREATE") || is(word, "ALTER") => Phase::Header {
                    verb: true,
                    plain: true,
                },
                Kind::Word if credentials && is(word, "SET") => {
                    self.cred = true;
                    Phase::SetHead
                }
                Kind::Word
                    if credentials
                        && ["COPY", "UNLOAD", "CHANGE", "GRANT"]
                            .iter()
                            .any(|w| is(word, w)) =>
                {
                    self.cred = true;
                    Phase::Body
                }
                _ => Phase::Done,
            };
        }
        match tok.kind {
            Kind::Trivia => Phase::Header { verb, plain },
            Kind::Word
                if ["OR", "REPLACE", "TEMPORARY", "SYSTEM"]
                    .iter()
                    .any(|w| is(word, w)) =>
            {
                Phase::Header { verb, plain }
            }
            Kind::Word if plain && is(word, "CONNECTION") => Phase::Connection { if_words: 0 },
            _ if !credentials => Phase::Done,
            Kind::Word if is(word, "PERSISTENT") => Phase::Header { verb, plain: false },
            Kind::Word if is(word, "SECRET") => {
                self.cred = true;
                self.secret = true;
                Phase::SecretName
            }
            _ => {
                self.cred = true;
                self.body(cx, tok)
            }
        }
    }

    /// `IDENTIFIED [WITH plugin] BY [PASSWORD] value` at `stage` (see [`Phase::Identified`]).
    fn identified(&mut self, cx: &mut Cx<'_, '_>, stage: u8, tok: &Token) -> Phase {
        let word = cx.word(tok);
        match (stage, tok.kind) {
            (_, Kind::Trivia) => Phase::Identified(stage),
            (0, Kind::Word) if is(word, "WITH") => Phase::Identified(1),
            (1, Kind::Word | Kind::Quoted(..)) => Phase::Identified(2),
            (0 | 2, Kind::Word) if is(word, "BY") => {
                let texts = cx.found.texts(self.start);
                texts.key.push(b" ");
                texts.key.push(word);
                Phase::Identified(3)
            }
            // after `BY` every token but a literal is read as a bare value, as after `=` in a
            // connection statement: `PASSWORD` is the keyword, anything else the password
            (3, Kind::Bare) if tok.masklike && tok.body_end - tok.body == 8 => Phase::Identified(4),
            (3 | 4, Kind::Bare | Kind::Quoted(b'\'' | b'"', _)) => {
                self.value_part(cx, Treat::Mask, tok)
            }
            _ => self.body(cx, tok),
        }
    }

    /// The key of a pair that a statement's own words make (`PASSWORD`, `IDENTIFIED`): the
    /// words as written.
    fn key_words(&mut self, cx: &mut Cx<'_, '_>, words: &[(u64, u64)]) {
        let texts = cx.found.texts(self.start);
        texts.key.clear();
        texts.key_at = None;
        texts.key_span = None;
        for (i, &(from, to)) in words.iter().enumerate() {
            if i > 0 {
                texts.key.push(b" ");
            }
            texts
                .key
                .push(&cx.win[(from - cx.base) as usize..(to - cx.base) as usize]);
        }
    }

    fn connection(&mut self, cx: &mut Cx<'_, '_>, if_words: u8, tok: &Token) -> Phase {
        let word = cx.word(tok);
        match tok.kind {
            Kind::Trivia => Phase::Connection { if_words },
            Kind::Word if if_words == 0 && is(word, "IF") => {
                cx.found.texts(self.start).if_word = [word[0], word[1]];
                Phase::Connection { if_words: 1 }
            }
            Kind::Word if if_words == 1 && is(word, "NOT") => Phase::Connection { if_words: 2 },
            Kind::Word if if_words >= 1 && is(word, "EXISTS") => Phase::Connection { if_words: 3 },
            // `IF` not followed by `[NOT] EXISTS` is the name (`ALTER CONNECTION IF c`)
            _ if if_words == 1 => {
                let texts = cx.found.texts(self.start);
                let if_word = texts.if_word;
                push_part(&mut texts.name, &mut self.name_parts, &if_word);
                texts.name_at = None;
                self.name_part(cx, false, tok)
            }
            Kind::Word
                if !["WITH", "SET", "COMMENT", "RENAME", "RESET"]
                    .iter()
                    .any(|w| is(word, w)) =>
            {
                self.name_part(cx, true, tok)
            }
            Kind::Quoted(b'`', _) => self.name_part(cx, true, tok),
            _ => self.header_end(cx, tok),
        }
    }

    /// `dot`: a part may come now (at the start, or after a `.`).
    fn name_part(&mut self, cx: &mut Cx<'_, '_>, dot: bool, tok: &Token) -> Phase {
        match tok.kind {
            Kind::Word if dot && self.name_parts < 3 => {
                let word = cx.word(tok);
                let at = (self.name_parts == 0).then_some((tok.start, tok.end));
                let texts = cx.found.texts(self.start);
                // a word may end with the `.` before the next part (`b.` in `` `a`.b.`c` ``)
                for part in word.split(|&b| b == b'.').filter(|p| !p.is_empty()) {
                    push_part(&mut texts.name, &mut self.name_parts, part);
                }
                texts.name_at = at;
                Phase::Name {
                    dot: word.ends_with(b"."),
                }
            }
            Kind::Quoted(b'`', _) if dot && self.name_parts < 3 => {
                let at = (self.name_parts == 0).then_some((tok.body, tok.body_end));
                let texts = cx.found.texts(self.start);
                let raw = std::mem::take(&mut texts.raw_part);
                let part = match memchr::memchr(b'`', &raw) {
                    None => Cow::Borrowed(&raw[..]),
                    Some(_) => Cow::Owned(undouble(&raw, b'`')),
                };
                push_part(&mut texts.name, &mut self.name_parts, &part);
                drop(part);
                texts.raw_part = raw;
                texts.raw_part.clear();
                texts.name_at = at;
                Phase::Name { dot: false }
            }
            Kind::Other(b'.') if !dot => Phase::Name { dot: true },
            _ => self.header_end(cx, tok),
        }
    }

    /// The token that ends a connection statement's header (`SET` in `ALTER CONNECTION c SET
    /// (…)`): a verb there that opens the pair list belongs to the statement and starts nothing
    /// (SPEC §8). Any other verb starts its statement: the header may be a stray `CONNECTION` in
    /// a comment or a literal (`-- alter connection old` before `CREATE TABLE … WITH (…)` or
    /// `SET 'sql.secrets.openai' = …`), whose name or end is the next statement's verb.
    fn header_end(&mut self, cx: &mut Cx<'_, '_>, tok: &Token) -> Phase {
        if VERBS.iter().any(|v| cx.word(tok).eq_ignore_ascii_case(v)) {
            self.claimable = Some(tok.start);
        }
        self.body(cx, tok)
    }

    /// A token while looking for a key; also where every other phase hands over a token it
    /// does not take.
    fn body(&mut self, cx: &mut Cx<'_, '_>, tok: &Token) -> Phase {
        match tok.kind {
            Kind::Semi => Phase::Done,
            // a credential statement runs to its `;`, at any depth
            Kind::Open | Kind::Close if self.cred => Phase::Body,
            Kind::Word if self.cred && is(cx.word(tok), "IDENTIFIED") => {
                self.key_words(cx, &[(tok.start, tok.end)]);
                Phase::Identified(0)
            }
            Kind::Word if self.secret && is(cx.word(tok), "AS") => Phase::SecretAs,
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
            Kind::Word | Kind::Quoted(..) => Phase::Key(self.cand(cx, tok)),
            _ => Phase::Body,
        }
    }

    fn cand(&mut self, cx: &Cx<'_, '_>, tok: &Token) -> Cand {
        let quote = match tok.kind {
            Kind::Quoted(q, _) => q,
            _ => 0,
        };
        Cand {
            start: tok.start,
            end: tok.end,
            line: self.token_line(cx, tok),
            body: tok.body,
            body_end: tok.body_end,
            quote,
            fits: tok.body_end - tok.body <= cx.policy.key_cap as u64,
        }
    }

    /// `KEY SEP`: whether the value is masked; a near miss is warned about here.
    fn separator(&mut self, cx: &mut Cx<'_, '_>, key: Cand) -> Phase {
        Phase::Sep(self.treat(cx, &key, true))
    }

    /// Whether the value of `key` is masked: by the sensitive list and near misses in a
    /// connection statement (warned about when `warn`), by the fragment rule in a credential
    /// statement. A masked key's text is kept for its secret.
    fn treat(&mut self, cx: &mut Cx<'_, '_>, key: &Cand, warn: bool) -> Treat {
        let text = key_text(cx, key);
        let treat = match &text {
            None => Treat::Keep,
            Some(text) if self.cred => {
                if cx.policy.fragments.sensitive(text, &cx.policy.extra_keys) {
                    Treat::Mask
                } else {
                    Treat::Keep
                }
            }
            Some(text) => match keys::classify(text, &cx.policy.keys) {
                KeyClass::Sensitive => Treat::Mask,
                KeyClass::NearMiss(_) if cx.policy.strict => Treat::Mask,
                KeyClass::NearMiss(i) if warn => {
                    let warning = Warning {
                        key: lossy(text),
                        suggestion: cx.policy.keys[i].clone(),
                        start: key.start,
                        end: key.end,
                        line: key.line,
                    };
                    cx.found.warnings.push(warning);
                    Treat::Keep
                }
                KeyClass::NearMiss(_) | KeyClass::Other => Treat::Keep,
            },
        };
        if treat == Treat::Mask {
            // the key goes with the secret, which may be complete only in a later window
            let at = matches!(text, Some(Cow::Borrowed(_))).then_some((key.body, key.body_end));
            let text = text.unwrap_or_default();
            let texts = cx.found.texts(self.start);
            texts.key.set(&text);
            texts.key_at = at;
            texts.key_span = Some((key.start, key.end));
        }
        treat
    }

    fn value_part(&mut self, cx: &mut Cx<'_, '_>, treat: Treat, tok: &Token) -> Phase {
        let (quote, prefix) = match tok.kind {
            Kind::Quoted(q, prefix) => (q, prefix),
            _ => (0, Prefix::None),
        };
        let maybe_masked_already = quote == b'\''
            && prefix == Prefix::None
            && tok.terminated
            && tok.masklike
            && tok.body_end - tok.body == cx.policy.mask_raw.len() as u64;
        let value = Value {
            treat,
            start: tok.start,
            line: self.token_line(cx, tok),
            end: tok.end,
            first_end: tok.end,
            maybe_masked_already,
            uescape_allowed: prefix == Prefix::U,
            stage: Stage::AfterPart,
        };
        if tok.kind == Kind::Bare
            && tok.masklike
            && tok.body_end - tok.body == 6
            && matches!(self.phase, Phase::Sep(_))
        {
            // `SECRET` and a name name a stored secret
            return Phase::Value(Value {
                stage: Stage::Reference,
                ..value
            });
        }
        if tok.terminated {
            Phase::Value(value)
        } else {
            self.finish_value(cx, value);
            Phase::Body
        }
    }

    fn value_next(&mut self, cx: &mut Cx<'_, '_>, mut v: Value, tok: &Token) -> Phase {
        match v.stage {
            Stage::AfterPart | Stage::Uescape if tok.start > v.end + MAX_GAP => {
                self.finish_value(cx, v);
                self.body(cx, tok)
            }
            Stage::AfterPart => self.after_part(cx, v, tok),
            Stage::Reference => match tok.kind {
                Kind::Trivia => Phase::Value(v),
                Kind::Word => Phase::Body,
                _ => {
                    v.stage = Stage::AfterPart;
                    self.value_next(cx, v, tok)
                }
            },
            Stage::Uescape => match tok.kind {
                Kind::Trivia => Phase::Value(v),
                Kind::Quoted(b'\'', _) => {
                    v.stage = Stage::AfterPart;
                    v.uescape_allowed = false;
                    v.end = tok.end;
                    v.maybe_masked_already = false;
                    Phase::Value(v)
                }
                _ => {
                    self.finish_value(cx, v);
                    self.body(cx, tok)
                }
            },
            Stage::Cand(cand) if tok.start > cand.end + MAX_GAP => {
                join_cand(&mut v);
                self.finish_value(cx, v);
                self.body(cx, tok)
            }
            Stage::Cand(cand) => match tok.kind {
                Kind::Trivia => Phase::Value(v),
                Kind::Sep => {
                    self.finish_value(cx, v);
                    self.separator(cx, cand)
                }
                _ => {
                    join_cand(&mut v);
                    self.value_next(cx, v, tok)
                }
            },
        }
    }

    /// After a part of a value: a literal that continues it or is the next key, `UESCAPE`, or
    /// the end of the value.
    fn after_part(&mut self, cx: &mut Cx<'_, '_>, mut v: Value, tok: &Token) -> Phase {
        match tok.kind {
            Kind::Trivia => Phase::Value(v),
            Kind::Word if v.uescape_allowed && is(cx.word(tok), "UESCAPE") => {
                v.stage = Stage::Uescape;
                Phase::Value(v)
            }
            Kind::Quoted(b'\'', _) => {
                v.stage = Stage::Cand(self.cand(cx, tok));
                if tok.terminated {
                    Phase::Value(v)
                } else {
                    // an unterminated literal runs to the end: it cannot be a key
                    join_cand(&mut v);
                    self.finish_value(cx, v);
                    Phase::Body
                }
            }
            _ => {
                self.finish_value(cx, v);
                self.body(cx, tok)
            }
        }
    }

    fn finish_value(&mut self, cx: &mut Cx<'_, '_>, v: Value) {
        if cx.found.embedded && v.treat == Treat::Mask && v.maybe_masked_already {
            cx.found.already.push((v.start, v.end));
        }
        if v.treat != Treat::Mask || v.maybe_masked_already {
            return;
        }
        if cx.found.embedded && v.start >= cx.base && !value_closed(cx.bytes(v.start, v.end)) {
            return;
        }
        let value = if self.collect {
            value_text(cx.win, cx.base, v.start, v.first_end, v.end)
        } else {
            Text::Owned(String::new())
        };
        let in_window = |(from, _): (u64, u64)| from >= cx.base;
        let (win, base, start) = (cx.win, cx.base, self.start);
        let texts = cx.found.texts(start);
        let key_span = texts.key_span;
        let key = match texts.key_at.filter(|&at| in_window(at)) {
            Some((from, to)) => Text::Input(from, to),
            None => Text::Owned(lossy(texts.key.as_slice())),
        };
        let name = texts.name.as_slice();
        let connection = (self.name_parts > 0 && !self.cred).then(|| match texts.name_at {
            Some((from, to))
                if from >= base && &win[(from - base) as usize..(to - base) as usize] == name =>
            {
                Text::Input(from, to)
            }
            _ => Text::Owned(lossy(name)),
        });
        cx.found.secrets.push((
            self.start,
            Pending {
                key,
                value,
                connection,
                start: v.start,
                end: v.end,
                line: v.line,
                key_span,
                credential: self.cred,
            },
        ));
    }

    /// The input ended.
    fn finish(&mut self, cx: &mut Cx<'_, '_>) {
        if let Phase::Value(mut v) = self.phase {
            self.phase = Phase::Done;
            join_cand(&mut v);
            self.finish_value(cx, v);
        }
        self.phase = Phase::Done;
    }

    /// While a trivia token is still being scanned after a key or a value part, the gap may
    /// already be known to exceed [`MAX_GAP`]: decide now, as the whole input would at the next
    /// token, so the stream can release the bytes held for it.
    fn settle_gap(&mut self, cx: &mut Cx<'_, '_>) {
        let Some(p) = self.partial else { return };
        if !matches!(p.kind, Long::BlockComment | Long::LineComment) {
            return;
        }
        let at = p.resume;
        match self.phase {
            Phase::Key(cand) if at > cand.end + MAX_GAP => self.phase = Phase::Body,
            Phase::Value(mut v) => {
                let anchor = match v.stage {
                    Stage::Cand(cand) => cand.end,
                    _ => v.end,
                };
                if at > anchor + MAX_GAP {
                    join_cand(&mut v);
                    self.finish_value(cx, v);
                    self.phase = Phase::Body;
                }
            }
            _ => {}
        }
    }
}

/// The position after the last `(`, `)` or `,` in `win[from..to]` (bytes outside literals and
/// comments, where each of them is a token of its own).
fn last_boundary(win: &[u8], from: usize, to: usize) -> Option<usize> {
    win[from..to]
        .iter()
        .rposition(|&b| matches!(b, b'(' | b')' | b','))
        .map(|i| from + i + 1)
}

/// The first trigger at or after `at` (an index into the window; `usize::MAX`: none in it).
fn next_trigger(cx: &mut Cx<'_, '_>, at: usize) -> usize {
    let t = cx
        .found
        .next_trigger(cx.win, cx.base, at, cx.eof, &cx.policy.triggers);
    if t == u64::MAX {
        usize::MAX
    } else {
        (t - cx.base).max(at as u64) as usize
    }
}

/// A token that is whole once lexed.
fn short_token(tok: Tok, start: u64, len: usize, first: u8) -> Token {
    let kind = match tok {
        Tok::Space => Kind::Trivia,
        Tok::Word => Kind::Word,
        Tok::Sep => Kind::Sep,
        Tok::Open => Kind::Open,
        Tok::Close => Kind::Close,
        Tok::Semi => Kind::Semi,
        Tok::Comma => Kind::Comma,
        _ => Kind::Other(first),
    };
    let end = start + len as u64;
    Token {
        kind,
        start,
        end,
        body: start,
        body_end: end,
        line: None,
        terminated: true,
        masklike: false,
    }
}

/// The literal that waited to see whether it was a key belongs to the value.
fn join_cand(v: &mut Value) {
    if let Stage::Cand(cand) = v.stage {
        v.stage = Stage::AfterPart;
        v.end = cand.end;
        v.maybe_masked_already = false;
        // a `UESCAPE` after the parts of a `U&` literal still names its escape character
    }
}

/// Adds a name part, cut at [`MAX_NAME_PART`] bytes, unless there are three already.
fn push_part(name: &mut crate::found::Short, parts: &mut u8, part: &[u8]) {
    if *parts < 3 {
        if *parts > 0 {
            name.push(b".");
        }
        name.push(&part[..part.len().min(MAX_NAME_PART)]);
        *parts += 1;
    }
}

/// A key's text: unquoted, doubled quotes undone, borrowed when the input holds it as it is;
/// `None` when it is too long to compare.
fn key_text<'w>(cx: &Cx<'_, 'w>, key: &Cand) -> Option<Cow<'w, [u8]>> {
    if !key.fits {
        return None;
    }
    let win: &'w [u8] = cx.win;
    let raw = &win[(key.body - cx.base) as usize..(key.body_end - cx.base) as usize];
    Some(
        if key.quote == 0 || memchr::memchr(key.quote, raw).is_none() {
            Cow::Borrowed(raw)
        } else {
            Cow::Owned(undouble(raw, key.quote))
        },
    )
}

/// The value whose masked span is `start..end` (which `win`, from `base`, holds), as the SQL
/// engine sees it (SPEC §6): a range of the input when that holds it as it is.
fn value_text(win: &[u8], base: u64, start: u64, first_end: u64, end: u64) -> Text {
    let span = &win[..(end - base) as usize];
    let at = (start - base) as usize;
    let first_end = (first_end - base) as usize;
    let (mut count, mut first) = (0, None);
    value_parts(span, at, first_end, |part| {
        count += 1;
        first = first.or(Some(part));
    });
    if let (1, Some((quote, prefix, from, to))) = (count, first)
        && prefix != Prefix::U
        && memchr::memchr(quote, &span[from..to]).is_none()
    {
        return Text::Input(base + from as u64, base + to as u64);
    }
    let mut parts = Vec::new();
    let (uescape, _) = value_parts(span, at, first_end, |part| parts.push(part));
    let value = decode(
        parts
            .iter()
            .map(|&(q, prefix, from, to)| (q, prefix, &span[from..to])),
        uescape,
    );
    Text::Owned(String::from_utf8(value).unwrap_or_else(|e| lossy(e.as_bytes())))
}

/// Whether the value `span` (a masked span, from its start) ends with its literals closed.
fn value_closed(span: &[u8]) -> bool {
    let first_end = match lexer::scan_bare(span, 0, true) {
        Scan::Closed(end) | Scan::Unterminated(end) | Scan::More(end) => end,
    };
    value_parts(span, 0, first_end, |_| {}).1
}

/// The parts of the value that starts at `at` and runs to the end of `span`, as `(quote,
/// prefix, content range)` (quote 0 for a bare part); returns the `UESCAPE` character and
/// whether the last literal closed.
fn value_parts(
    span: &[u8],
    at: usize,
    first_end: usize,
    mut part: impl FnMut((u8, Prefix, usize, usize)),
) -> (Option<u8>, bool) {
    let mut lexer = Lexer::new(span, true, at);
    let mut at = at;
    let mut first = true;
    let mut uescape_next = false;
    let mut uescape = None;
    let mut closed = true;
    while let Lexed::Token(tok, len) = lexer.lex(at) {
        let (quote, prefix) = match tok {
            Tok::Quote => (b'\'', Prefix::None),
            Tok::PrefixedQuote => (b'\'', Prefix::of(span[at])),
            Tok::DoubleQuote => (b'"', Prefix::None),
            Tok::Backtick => (b'`', Prefix::None),
            Tok::BlockComment | Tok::LineComment | Tok::Space if !first => {
                at = match scan_trivia(span, at, tok, len) {
                    Scan::Closed(end) | Scan::Unterminated(end) | Scan::More(end) => end,
                };
                continue;
            }
            Tok::Word if !first && is(&span[at..at + len], "UESCAPE") => {
                uescape_next = true;
                at += len;
                continue;
            }
            _ if !first => {
                at += len;
                continue;
            }
            _ => {
                // a bare value is the first and only token that is not a literal; it ends
                // where the reader found it to end (a bare token, or a word)
                let end = first_end.clamp(at + 1, span.len());
                part((0, Prefix::None, at, end));
                at = end;
                first = false;
                continue;
            }
        };
        first = false;
        let body = at + len;
        let (end, content_end) = match lexer::scan_quoted(span, body, quote, true) {
            Scan::Closed(end) => (end, end - 1),
            Scan::Unterminated(end) | Scan::More(end) => {
                closed = false;
                (end, end)
            }
        };
        if uescape_next {
            uescape_next = false;
            uescape = undouble(&span[body..content_end.max(body)], b'\'')
                .first()
                .copied();
        } else {
            part((quote, prefix, body, content_end.max(body)));
        }
        at = end;
    }
    (uescape, closed)
}

/// The end of a white-space or comment token opened at `at`.
fn scan_trivia(span: &[u8], at: usize, tok: Tok, len: usize) -> Scan {
    match tok {
        Tok::BlockComment => lexer::scan_block_comment(span, at + 2, true),
        Tok::LineComment => lexer::scan_line_comment(span, at + 2, true),
        _ => Scan::Closed(at + len),
    }
}

pub(crate) fn is(word: &[u8], keyword: &str) -> bool {
    word.eq_ignore_ascii_case(keyword.as_bytes())
}

pub(crate) fn lossy(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Undoes doubled quotes.
fn undouble(raw: &[u8], quote: u8) -> Vec<u8> {
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
fn decode<'p>(
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
    /// Where a comment whose body is about to be scanned may go on from, and the line there:
    /// the end of the stretch, when the stretch holds its start (and the window still holds
    /// the stretch's end, where the scan goes on).
    fn skip(&self, p: &Partial, base: u64) -> Option<(u64, u64)> {
        let (kind, body, to, line) = self.stretch?;
        let fresh = p.resume == p.body;
        (fresh && kind == p.kind && (body..=to).contains(&p.body) && to >= base && to > p.resume)
            .then_some((to, line))
    }

    /// Notes that `p`'s body, from its start to `to` (on line `line`), holds no end of its
    /// kind.
    fn record(&mut self, p: &Partial, to: u64, line: u64) {
        self.stretch = Some((p.kind, p.body, to, line));
    }
}
