//! A whole connection statement read in one pass, when the window holds all of it.
//!
//! A [`Run`](crate::scan::Run) is resumable: it keeps its state between tokens and windows and
//! copies what it must keep, which costs hundreds of instructions per token. Nearly every
//! statement lies inside one window, start to end, with no other `CREATE`/`ALTER` inside it.
//! For those, [`statement`] reads the same tokens with the same rules straight from the slice:
//! nothing kept between calls, contents borrowed, an allocation only for what a secret owns.
//! Most occurrences are not connection statements at all (`CREATE TABLE`); they cost three
//! tokens here.
//!
//! Invariant: when [`statement`] answers, it has pushed exactly the secrets and warnings a `Run`
//! started at the same place would push, and returns the position where that run ends. It
//! declines (`None`, nothing pushed) wherever a run would need more input, wherever a statement
//! is long enough for a size limit to matter, and wherever the next occurrence starts before the
//! statement ends; the caller then starts a `Run`. `tests/properties.rs` checks the two agree.

use std::borrow::Cow;

use crate::keys::{self, KeyClass};
use crate::lexer::{self, Lexed, Scan, Tok};
use crate::redact::Policy;
use crate::scan::{
    self, ESCAPED_QUOTE, Found, KeyText, Name, Pending, Prefix, Text, decode, is, lossy,
};
use crate::secret::Warning;

/// Statements (and tokens) longer than this are left to a `Run`: far below every size limit
/// (`MAX_GAP`, `MAX_TOKEN`), so none of them can apply here.
const MAX_STATEMENT: usize = 64 << 10;

/// One literal part of a value, as a range of the window.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PartRef {
    quote: u8,
    prefix: Prefix,
    from: usize,
    to: usize,
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

/// A complete token; `from..to` is the content of quoted tokens and bare values.
#[derive(Clone, Copy, Debug)]
struct Tk {
    kind: Kind,
    start: usize,
    end: usize,
    from: usize,
    to: usize,
    terminated: bool,
}

/// A key candidate: a word, or a quoted token whose content is `from..to`.
#[derive(Clone, Copy, Debug)]
struct Cand {
    start: usize,
    end: usize,
    from: usize,
    to: usize,
    /// The quote (0 for a word) and prefix.
    quote: u8,
    prefix: Prefix,
}

#[derive(Debug)]
enum Stage {
    AfterPart,
    Uescape,
    /// A literal that may continue the value or be the next key (its content is the part).
    Cand(Cand),
}

#[derive(Debug)]
struct Value {
    key: Cand,
    mask: bool,
    start: usize,
    end: usize,
    maybe_masked_already: bool,
    uescape: Option<u8>,
    uescape_allowed: bool,
    glued: bool,
    stage: Stage,
}

#[derive(Debug)]
enum State {
    Header,
    Connection(u8),
    Name(bool),
    Body,
    Key(Cand),
    Sep(Cand, bool),
    Value(Value),
    Done,
}

struct Reader<'a> {
    win: &'a [u8],
    base: u64,
    /// Where the statement starts (index into `win`).
    start: usize,
    line: u64,
    /// Newlines are counted up to here.
    line_at: usize,
    at: usize,
    eof: bool,
    limit: usize,
    policy: &'a Policy,
    collect: bool,
    found: &'a mut Found,
    parts: &'a mut Vec<PartRef>,
    depth: u32,
    opened: bool,
    name: Name,
    /// The text of the name's first token: the name itself when the input holds it so.
    name_span: (usize, usize),
}

/// Why a statement is left to a `Run`.
struct Decline;

/// Reads the statement whose `CREATE`/`ALTER` starts at `start` in `win` (absolute offset
/// `base`, on line `line`), pushing its secrets and warnings to `found`, and returns where it
/// ends; or declines. `limit`: the next occurrence's start (or how far occurrences are known).
#[allow(clippy::too_many_arguments)]
pub(crate) fn statement(
    win: &[u8],
    base: u64,
    start: usize,
    line: u64,
    eof: bool,
    limit: usize,
    policy: &Policy,
    collect: bool,
    found: &mut Found,
    parts: &mut Vec<PartRef>,
) -> Option<usize> {
    let (secrets, warnings) = (found.secrets.len(), found.warnings.len());
    let mut reader = Reader {
        win,
        base,
        start,
        line,
        line_at: start,
        at: start,
        eof,
        limit: limit.min(start.saturating_add(MAX_STATEMENT)),
        policy,
        collect,
        found,
        parts,
        depth: 0,
        opened: false,
        name: Name::new(),
        name_span: (start, start),
    };
    match reader.read() {
        Ok(end) if end <= reader.limit => Some(end),
        _ => {
            reader.found.secrets.truncate(secrets);
            reader.found.warnings.truncate(warnings);
            None
        }
    }
}

impl<'a> Reader<'a> {
    fn read(&mut self) -> Result<usize, Decline> {
        let mut state = State::Header;
        // the verb itself: the search found its letters here, the token may be longer
        let first = self.token(false)?.ok_or(Decline)?;
        let verb = &self.win[first.start..first.end];
        if first.kind != Kind::Word || !(is(verb, "CREATE") || is(verb, "ALTER")) {
            return Ok(first.end);
        }
        loop {
            if matches!(state, State::Body)
                && let Some(value) = self.plain_pair()
            {
                state = value;
                continue;
            }
            let Some(tok) = self.token(matches!(state, State::Sep(..)))? else {
                if let State::Value(mut v) = state {
                    self.join_cand(&mut v);
                    self.finish_value(v);
                }
                return Ok(self.win.len());
            };
            state = self.on_token(state, &tok);
            if matches!(state, State::Done) {
                return Ok(tok.end);
            }
        }
    }

    /// In the body, the commonest pair, `'key' = 'value'` with only white space between, read
    /// without the token loop: the key, the separator and the first part of the value are
    /// taken exactly as the loop takes them, and the loop goes on from the value. `None` (nothing
    /// read) for anything else, including anything the window may not hold whole.
    fn plain_pair(&mut self) -> Option<State> {
        let win = self.win;
        let space = |mut at: usize| {
            while at < win.len() && lexer::is_space(win[at]) {
                at += 1;
            }
            at
        };
        let literal = |at: usize| match win.get(at) {
            Some(b'\'') => match lexer::scan_quoted(win, at + 1, b'\'', self.eof) {
                Scan::Closed(end) => Some(end),
                _ => None,
            },
            _ => None,
        };
        let key_start = space(self.at);
        let key_end = literal(key_start)?;
        let sep = space(key_end);
        // one `=` (after `==`, `=>` or `=:` the next byte is not the value's quote)
        if win.get(sep) != Some(&b'=') {
            return None;
        }
        let value_start = space(sep + 1);
        let value_end = literal(value_start)?;
        if value_end > self.limit {
            return None;
        }
        let key = Cand {
            start: key_start,
            end: key_end,
            from: key_start + 1,
            to: key_end - 1,
            quote: b'\'',
            prefix: Prefix::None,
        };
        let mask = self.masks(&key);
        let value = Tk {
            kind: Kind::Quoted(b'\'', Prefix::None),
            start: value_start,
            end: value_end,
            from: value_start + 1,
            to: value_end - 1,
            terminated: true,
        };
        self.at = value_end;
        Some(self.value_part(key, mask, &value))
    }

    /// The next token after white space; `None` at the end of the input. `sep`: after
    /// `KEY SEP`, where most tokens start a bare value.
    fn token(&mut self, sep: bool) -> Result<Option<Tk>, Decline> {
        let (tok, len) = loop {
            if self.at >= self.limit {
                return if self.eof && self.at == self.win.len() {
                    Ok(None)
                } else {
                    Err(Decline)
                };
            }
            // white space and the one-byte tokens nothing longer starts with are read here,
            // as the lexer reads them; the rest goes to the lexer
            match self.win.get(self.at) {
                Some(&b) if lexer::is_space(b) => {
                    self.at += 1;
                    continue;
                }
                Some(b'\'') => break (Tok::Quote, 1),
                Some(b'(') => break (Tok::Open, 1),
                Some(b')') => break (Tok::Close, 1),
                Some(b',') => break (Tok::Comma, 1),
                Some(b';') => break (Tok::Semi, 1),
                _ => {}
            }
            match lexer::lex(&self.win[self.at..], self.eof) {
                Lexed::End => return Ok(None),
                Lexed::NeedMore => return Err(Decline),
                Lexed::Token(Tok::Space | Tok::EscapedSpace, len) => self.at += len,
                Lexed::Token(tok, len) => break (tok, len),
            }
        };
        let start = self.at;
        let long = match tok {
            Tok::Quote => Some((Kind::Quoted(b'\'', Prefix::None), 1)),
            Tok::PrefixedQuote => Some((Kind::Quoted(b'\'', Prefix::of(self.win[start])), len)),
            Tok::DoubleQuote => Some((Kind::Quoted(b'"', Prefix::None), 1)),
            Tok::EscapedDoubleQuote => Some((Kind::Quoted(ESCAPED_QUOTE, Prefix::None), 2)),
            Tok::Backtick => Some((Kind::Quoted(b'`', Prefix::None), 1)),
            Tok::BlockComment | Tok::LineComment => Some((Kind::Trivia, 2)),
            Tok::Sep | Tok::Comma | Tok::Close | Tok::Semi => None,
            _ if sep => Some((Kind::Bare, 0)),
            _ => None,
        };
        let Some((kind, opener)) = long else {
            let kind = match tok {
                Tok::Word => Kind::Word,
                Tok::Sep => Kind::Sep,
                Tok::Open => Kind::Open,
                Tok::Close => Kind::Close,
                Tok::Semi => Kind::Semi,
                Tok::Comma => Kind::Comma,
                _ => Kind::Other(self.win[start]),
            };
            self.at = start + len;
            return Ok(Some(Tk {
                kind,
                start,
                end: self.at,
                from: start,
                to: start,
                terminated: true,
            }));
        };
        let from = start + opener;
        let scan = match (kind, tok) {
            (Kind::Quoted(ESCAPED_QUOTE, _), _) => {
                lexer::scan_escaped_quoted(self.win, from, self.eof)
            }
            (Kind::Quoted(q, _), _) => lexer::scan_quoted(self.win, from, q, self.eof),
            (_, Tok::BlockComment) => lexer::scan_block_comment(self.win, from, self.eof),
            (_, Tok::LineComment) => lexer::scan_line_comment(self.win, from, self.eof),
            _ => lexer::scan_bare(self.win, from, self.eof),
        };
        let (end, to, terminated) = match (scan, kind) {
            (Scan::More(_), _) => return Err(Decline),
            (Scan::Closed(end), Kind::Quoted(ESCAPED_QUOTE, _)) => (end, end - 2, true),
            (Scan::Closed(end), Kind::Quoted(..)) => (end, end - 1, true),
            (Scan::Closed(end), _) => (end, end, true),
            (Scan::Unterminated(end), _) => (end, end, false),
        };
        if end > self.start + MAX_STATEMENT {
            return Err(Decline);
        }
        self.at = end;
        Ok(Some(Tk {
            kind,
            start,
            end,
            from,
            to: to.max(from),
            terminated,
        }))
    }

    fn content(&self, tok: &Tk) -> &[u8] {
        &self.win[tok.from..tok.to]
    }

    /// Line of a position at or after the last one asked for (else counted from the start).
    fn line_of(&mut self, at: usize) -> u64 {
        if at < self.line_at {
            // positions come in order when reading in order; be right anyway
            self.line -= lexer::count_newlines(&self.win[self.start..self.line_at]);
            self.line_at = self.start;
        }
        self.line += lexer::count_newlines(&self.win[self.line_at..at]);
        self.line_at = at;
        self.line
    }

    fn cand(&self, tok: &Tk) -> Cand {
        let (from, to, quote, prefix) = match tok.kind {
            Kind::Quoted(q, prefix) => (tok.from, tok.to, q, prefix),
            _ => (tok.start, tok.end, 0, Prefix::None),
        };
        Cand {
            start: tok.start,
            end: tok.end,
            from,
            to,
            quote,
            prefix,
        }
    }

    /// A key's text: unquoted, doubled quotes undone; `None` when longer than the key cap.
    /// Borrowed when the input holds it as it is.
    fn key_text(&self, key: &Cand) -> Option<Cow<'a, [u8]>> {
        let win: &'a [u8] = self.win;
        let raw = &win[key.from..key.to];
        if raw.len() > self.policy.key_cap {
            return None;
        }
        let first = if key.quote == ESCAPED_QUOTE {
            b'"'
        } else {
            key.quote
        };
        Some(if key.quote == 0 || memchr::memchr(first, raw).is_none() {
            Cow::Borrowed(raw)
        } else {
            Cow::Owned(scan::undouble(raw, key.quote))
        })
    }

    fn on_token(&mut self, state: State, tok: &Tk) -> State {
        match state {
            State::Header => match tok.kind {
                Kind::Trivia => State::Header,
                Kind::Word => {
                    let word = &self.win[tok.start..tok.end];
                    if ["OR", "REPLACE", "TEMPORARY", "SYSTEM"]
                        .iter()
                        .any(|w| is(word, w))
                    {
                        State::Header
                    } else if is(word, "CONNECTION") {
                        State::Connection(0)
                    } else {
                        State::Done
                    }
                }
                _ => State::Done,
            },
            State::Connection(if_words) => {
                let word = &self.win[tok.start..tok.end];
                match tok.kind {
                    Kind::Trivia => State::Connection(if_words),
                    Kind::Word if if_words == 0 && is(word, "IF") => State::Connection(1),
                    Kind::Word if if_words == 1 && is(word, "NOT") => State::Connection(2),
                    Kind::Word if if_words >= 1 && is(word, "EXISTS") => State::Connection(3),
                    Kind::Word
                        if !["WITH", "SET", "COMMENT", "RENAME", "RESET"]
                            .iter()
                            .any(|w| is(word, w)) =>
                    {
                        self.name_part(true, tok)
                    }
                    Kind::Quoted(b'`', _) => self.name_part(true, tok),
                    _ => self.body(tok),
                }
            }
            State::Name(dot) => self.name_part(dot, tok),
            State::Body => self.body(tok),
            State::Key(cand) => match tok.kind {
                Kind::Trivia => State::Key(cand),
                Kind::Sep => self.separator(cand),
                _ => self.body(tok),
            },
            State::Sep(key, mask) => match tok.kind {
                Kind::Trivia | Kind::Sep => State::Sep(key, mask),
                Kind::Quoted(..) | Kind::Bare => self.value_part(key, mask, tok),
                _ => self.body(tok),
            },
            State::Value(v) => self.value_next(v, tok),
            State::Done => State::Done,
        }
    }

    fn name_part(&mut self, dot: bool, tok: &Tk) -> State {
        if self.name.get().is_none() {
            self.name_span = match tok.kind {
                Kind::Quoted(..) => (tok.from, tok.to),
                _ => (tok.start, tok.end),
            };
        }
        match tok.kind {
            Kind::Word if dot && self.name.open() => {
                let word = &self.win[tok.start..tok.end];
                for part in word.split(|&b| b == b'.') {
                    self.name.push(part);
                }
                State::Name(word.ends_with(b"."))
            }
            Kind::Quoted(b'`', _) if dot && self.name.open() => {
                let part = KeyText::unquoted(self.content(tok), b'`');
                self.name.push(part.as_slice());
                State::Name(false)
            }
            Kind::Other(b'.') if !dot => State::Name(true),
            _ => self.body(tok),
        }
    }

    fn body(&mut self, tok: &Tk) -> State {
        match tok.kind {
            Kind::Semi => State::Done,
            Kind::Open => {
                self.opened = true;
                self.depth += 1;
                State::Body
            }
            Kind::Close if self.opened => {
                self.depth -= 1;
                if self.depth == 0 {
                    State::Done
                } else {
                    State::Body
                }
            }
            Kind::Word | Kind::Quoted(..) => State::Key(self.cand(tok)),
            _ => State::Body,
        }
    }

    fn separator(&mut self, key: Cand) -> State {
        let mask = self.masks(&key);
        State::Sep(key, mask)
    }

    /// Whether the value of `key` is masked; warns about a near miss.
    fn masks(&mut self, key: &Cand) -> bool {
        let text = self.key_text(key);
        let class = match &text {
            Some(text) => keys::classify(text, &self.policy.keys),
            None => KeyClass::Other,
        };
        match class {
            KeyClass::Sensitive => true,
            KeyClass::NearMiss(_) if self.policy.strict => true,
            KeyClass::NearMiss(i) => {
                let line = self.line_of(key.start);
                self.found.warnings.push(Warning {
                    key: lossy(text.as_deref().unwrap_or_default()),
                    suggestion: self.policy.keys[i].clone(),
                    start: self.base + key.start as u64,
                    end: self.base + key.end as u64,
                    line,
                });
                false
            }
            KeyClass::Other => false,
        }
    }

    fn part(&mut self, mask: bool, quote: u8, prefix: Prefix, tok: &Tk) {
        if mask && self.collect {
            self.parts.push(PartRef {
                quote,
                prefix,
                from: tok.from,
                to: tok.to,
            });
        }
    }

    fn value_part(&mut self, key: Cand, mask: bool, tok: &Tk) -> State {
        let (quote, prefix) = match tok.kind {
            Kind::Quoted(q, prefix) => (q, prefix),
            _ => (0, Prefix::None),
        };
        let maybe_masked_already = quote == b'\''
            && prefix == Prefix::None
            && tok.terminated
            && self.content(tok) == &self.policy.mask_raw[..];
        self.parts.clear();
        self.part(mask, quote, prefix, tok);
        let v = Value {
            key,
            mask,
            start: tok.start,
            end: tok.end,
            maybe_masked_already,
            uescape: None,
            uescape_allowed: prefix == Prefix::U,
            glued: tok.terminated && matches!(quote, b'"' | b'`' | ESCAPED_QUOTE),
            stage: Stage::AfterPart,
        };
        if tok.terminated {
            State::Value(v)
        } else {
            self.finish_value(v);
            State::Body
        }
    }

    fn value_next(&mut self, mut v: Value, tok: &Tk) -> State {
        if v.glued {
            v.glued = false;
            if tok.kind == Kind::Quoted(b'\'', Prefix::None) && tok.start == v.end {
                v.end = tok.end;
                self.part(v.mask, b'\'', Prefix::None, tok);
                if !tok.terminated {
                    self.finish_value(v);
                    return State::Body;
                }
                return State::Value(v);
            }
        }
        match std::mem::replace(&mut v.stage, Stage::AfterPart) {
            Stage::AfterPart => match tok.kind {
                Kind::Trivia => State::Value(v),
                Kind::Word if v.uescape_allowed && is(&self.win[tok.start..tok.end], "UESCAPE") => {
                    v.stage = Stage::Uescape;
                    State::Value(v)
                }
                Kind::Quoted(b'\'', _) => {
                    v.stage = Stage::Cand(self.cand(tok));
                    if tok.terminated {
                        State::Value(v)
                    } else {
                        self.join_cand(&mut v);
                        self.finish_value(v);
                        State::Body
                    }
                }
                _ => {
                    self.finish_value(v);
                    self.body(tok)
                }
            },
            Stage::Uescape => match tok.kind {
                Kind::Trivia => {
                    v.stage = Stage::Uescape;
                    State::Value(v)
                }
                Kind::Quoted(b'\'', _) => {
                    v.uescape = scan::undouble(self.content(tok), b'\'').first().copied();
                    v.uescape_allowed = false;
                    v.end = tok.end;
                    v.maybe_masked_already = false;
                    State::Value(v)
                }
                _ => {
                    self.finish_value(v);
                    self.body(tok)
                }
            },
            Stage::Cand(cand) => match tok.kind {
                Kind::Trivia => {
                    v.stage = Stage::Cand(cand);
                    State::Value(v)
                }
                Kind::Sep => {
                    self.finish_value(v);
                    self.separator(cand)
                }
                _ => {
                    v.stage = Stage::Cand(cand);
                    self.join_cand(&mut v);
                    self.value_next(v, tok)
                }
            },
        }
    }

    fn join_cand(&mut self, v: &mut Value) {
        if let Stage::Cand(cand) = std::mem::replace(&mut v.stage, Stage::AfterPart) {
            let part = PartRef {
                quote: b'\'',
                prefix: cand.prefix,
                from: cand.from,
                to: cand.to,
            };
            v.end = cand.end;
            v.maybe_masked_already = false;
            v.uescape_allowed = false;
            if v.mask && self.collect {
                self.parts.push(part);
            }
        }
    }

    fn finish_value(&mut self, v: Value) {
        if !v.mask || v.maybe_masked_already {
            return;
        }
        let base = self.base;
        let input = |(from, to): (usize, usize)| Text::Input(base + from as u64, base + to as u64);
        let value = if !self.collect {
            Text::Owned(String::new())
        } else if let [p] = &self.parts[..]
            && p.prefix != Prefix::U
            && memchr::memchr(p.quote, &self.win[p.from..p.to]).is_none()
        {
            input((p.from, p.to))
        } else {
            let win = self.win;
            let value = decode(
                self.parts
                    .iter()
                    .map(|p| (p.quote, p.prefix, &win[p.from..p.to])),
                v.uescape,
            );
            Text::Owned(String::from_utf8(value).unwrap_or_else(|e| lossy(e.as_bytes())))
        };
        let key = match self.key_text(&v.key) {
            Some(Cow::Borrowed(_)) => input((v.key.from, v.key.to)),
            Some(Cow::Owned(text)) => Text::Owned(lossy(&text)),
            None => Text::Owned(String::new()),
        };
        // the name as written when the input holds it so (one part, no doubled quotes), else
        // joined for each secret (it owns its copy)
        let (from, to) = self.name_span;
        let connection = self.name.get().map(|name| {
            if &self.win[from..to] == name {
                input((from, to))
            } else {
                Text::Owned(lossy(name))
            }
        });
        let line = self.line_of(v.start);
        self.found.secrets.push((
            self.base + self.start as u64,
            Pending {
                key,
                value,
                connection,
                start: self.base + v.start as u64,
                end: self.base + v.end as u64,
                line,
            },
        ));
    }
}
