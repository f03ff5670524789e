//! What statement readers report to the engine: secrets not yet written, warnings, and the
//! text (names and keys) a secret will carry, kept apart from the readers' own state.
//!
//! Invariant: a [`Text::Input`] range lies inside the window the engine is processing when it
//! is made; the engine turns it into a borrow, or into an owned copy before that window goes.

use std::borrow::Cow;

use crate::secret::{Secret, Warning};

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
    /// Where its key stands, when it has one (SPEC §9 compares readings by it).
    pub key_span: Option<(u64, u64)>,
    /// Found in a credential statement: where a connection statement reports the same value,
    /// its report wins.
    pub credential: bool,
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
            form: crate::embed::Form::Plain,
            key_span: self.key_span,
        }
    }

    /// Starts the secret at `at`, inside its value (where another statement's mask ends), on
    /// the line `at` is on. The window holds the value from its start in the library and when
    /// values are collected; otherwise the line stays the value's.
    pub(crate) fn start_at(&mut self, at: u64, win: &[u8], base: u64) {
        if at > self.start && self.start >= base && at <= base + win.len() as u64 {
            let skipped = &win[(self.start - base) as usize..(at - base) as usize];
            self.line += crate::lexer::count_newlines(skipped);
        }
        self.start = at;
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

/// Short text kept inline (nearly every key and name is short), so keeping it costs no
/// allocation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Short {
    Inline(u8, [u8; 38]),
    Heap(Vec<u8>),
}

impl Default for Short {
    fn default() -> Short {
        Short::Inline(0, [0; 38])
    }
}

impl Short {
    pub(crate) fn push(&mut self, more: &[u8]) {
        match self {
            Short::Inline(len, buf) if *len as usize + more.len() <= buf.len() => {
                buf[*len as usize..*len as usize + more.len()].copy_from_slice(more);
                *len += more.len() as u8;
            }
            Short::Inline(len, buf) => {
                let mut text = buf[..*len as usize].to_vec();
                text.extend_from_slice(more);
                *self = Short::Heap(text);
            }
            Short::Heap(text) => text.extend_from_slice(more),
        }
    }

    pub(crate) fn set(&mut self, text: &[u8]) {
        self.clear();
        self.push(text);
    }

    pub(crate) fn clear(&mut self) {
        match self {
            Short::Inline(len, _) => *len = 0,
            Short::Heap(text) => text.clear(),
        }
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        match self {
            Short::Inline(len, buf) => &buf[..*len as usize],
            Short::Heap(text) => text,
        }
    }
}

/// The text one statement's secrets carry: its connection name and the key of the pair being
/// read. A reader keeps positions only; text it will need after its window is gone is copied
/// here.
#[derive(Default)]
pub(crate) struct Texts {
    /// The statement (its start).
    pub run: u64,
    /// The name's parts joined by `.`; `parts` of them.
    pub name: Short,
    pub parts: u8,
    /// Where the input holds the name as it is (one part, nothing to undo), if it does.
    pub name_at: Option<(u64, u64)>,
    /// `IF` as written after `CONNECTION`: the name, unless `[NOT] EXISTS` follows.
    pub if_word: [u8; 2],
    /// The raw content of a quoted name part being read.
    pub raw_part: Vec<u8>,
    /// The key of the sensitive pair being read, unquoted, and where the input holds it as it
    /// is, if it does.
    pub key: Short,
    pub key_at: Option<(u64, u64)>,
    /// Where that key stands (quotes included), when a pair has one.
    pub key_span: Option<(u64, u64)>,
    /// A secret statement's name: the key of the value after `AS`.
    pub secret_name: Short,
}

/// What readers report, which the engine orders and merges, and what they share.
#[derive(Default)]
pub(crate) struct Found {
    /// `(statement start, secret)`.
    pub secrets: Vec<(u64, Pending)>,
    pub warnings: Vec<Warning>,
    /// In an embedded reading, values of sensitive keys that are the mask literal already:
    /// `(start, end)` (SPEC §9: another reading leaves them alone).
    pub already: Vec<(u64, u64)>,
    /// Text kept for statements being read; entries are reused.
    texts: Vec<Texts>,
    live: usize,
    /// The last comment stretch a run scanned, for runs that open a comment inside it.
    pub scanned: crate::reader::Scanned,
    /// Starts of verbs that a connection statement's header read: they start nothing.
    pub claims: Vec<u64>,
    /// The input is an embedded reading's decoded text (SPEC §9): a value whose literal it
    /// leaves open gives no value.
    pub embedded: bool,
    /// `(from, at, end)`: the first trigger (`find::Triggers`) at or after `from` is at `at`
    /// (`u64::MAX`: none before `end`, where the window that was searched ended). Two, for the
    /// engine looking one verb ahead and the run reading behind it.
    pub trigger: [Option<(u64, u64, u64)>; 2],
}

impl Found {
    /// The text kept for the statement starting at `run`.
    pub(crate) fn texts(&mut self, run: u64) -> &mut Texts {
        let i = match self.texts[..self.live].iter().position(|t| t.run == run) {
            Some(i) => i,
            None => {
                if self.live == self.texts.len() {
                    self.texts.push(Texts::default());
                }
                let t = &mut self.texts[self.live];
                t.run = run;
                t.name.clear();
                t.parts = 0;
                t.name_at = None;
                t.raw_part.clear();
                t.key.clear();
                t.key_at = None;
                t.key_span = None;
                t.secret_name.clear();
                self.live += 1;
                self.live - 1
            }
        };
        &mut self.texts[i]
    }

    /// Forgets the text kept for a statement that is read.
    pub(crate) fn forget(&mut self, run: u64) {
        if let Some(i) = self.texts[..self.live].iter().position(|t| t.run == run) {
            self.live -= 1;
            self.texts.swap(i, self.live);
        }
    }

    /// The first trigger of a credential statement (`find::Triggers`) at or after `at` in `win`
    /// (which holds the input from `base`), absolute; `u64::MAX`: none in the window. Runs and
    /// the engine ask in nearly increasing order, so the answer is remembered.
    pub(crate) fn next_trigger(
        &mut self,
        win: &[u8],
        base: u64,
        at: usize,
        eof: bool,
        triggers: &crate::find::Triggers,
    ) -> u64 {
        let q = base + at as u64;
        let end = base + win.len() as u64;
        let known = self.trigger.iter().find_map(|memo| match *memo {
            Some((from, t, _)) if from <= q && q <= t && t != u64::MAX => Some(t),
            Some((from, u64::MAX, e)) if from <= q && e == end => Some(u64::MAX),
            _ => None,
        });
        known.unwrap_or_else(|| {
            let t = triggers
                .find(win, at, eof)
                .map_or(u64::MAX, |i| (base + i as u64).max(q));
            // replace the memo that starts further back
            let slot = usize::from(
                self.trigger[0].map_or(0, |m| m.0) > self.trigger[1].map_or(0, |m| m.0),
            );
            self.trigger[slot] = Some((q, t, end));
            t
        })
    }

    /// Forgets everything, keeping the allocations.
    pub(crate) fn clear(&mut self) {
        self.secrets.clear();
        self.warnings.clear();
        self.live = 0;
        self.scanned = Default::default();
        self.claims.clear();
        self.trigger = [None; 2];
    }
}
