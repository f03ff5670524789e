//! Finds the `CREATE`/`ALTER` words that can start a statement, reads each statement, and
//! writes the masked text.
//!
//! The engine is fed windows of one input (all of it at once for the library, blocks for the
//! filter) and writes to a [`Sink`] everything it can decide: text, masks, secrets and
//! warnings, in input order. At the end of the input a verb with no `CONNECTION` after it is
//! skipped; before the end every verb is read, by the same reader, at least as far as its
//! header goes (a few tokens where it is not a connection statement). Each occurrence gets a
//! [`Run`], the one reader of the grammar; a run alone reads on with one lexer over the window
//! until the next occurrence starts. Runs advance together, the one furthest behind first; two
//! runs that reach the same position in the same state are merged (also inside a comment,
//! whoever opened it), and a run opening a comment inside one another run has scanned skips to
//! where that scan ended ([`Scanned`](crate::reader::Scanned)), so however occurrences overlap
//! each byte is lexed by a bounded number of runs and time stays linear.
//!
//! Invariant: the sink receives the same calls whatever the windows are, as long as every
//! window starts at or before [`Engine::advance`]'s returned position and ends after it.

use crate::find;
use crate::found::Found;
use crate::lexer::Lines;
use crate::reader::{Run, Step};
use crate::redact::Policy;
use crate::secret::{Secret, Warning};

/// Where the verbs `win` shows whole end: at its end when it runs to the end of the input
/// (`eof`), else before the bytes at its end that could begin a verb (`CREATE`, `SET`, …),
/// which the search holds back until more input shows what they are.
pub(crate) fn whole_words(win: &[u8], eof: bool) -> usize {
    if eof {
        return win.len();
    }
    let tail = (1..=5)
        .rev()
        .find(|&n| {
            n <= win.len()
                && find::VERBS
                    .iter()
                    .any(|k| k.len() > n && k[..n].eq_ignore_ascii_case(&win[win.len() - n..]))
        })
        .unwrap_or(0);
    win.len() - tail
}

/// Line mode: a line's content, without the `\r` of a `\r\n` that ends it (`line` holds the
/// bytes before its `\n`).
pub(crate) fn line_content(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Where the engine's results go; `'w`: the windows' lifetime, which secrets may borrow.
pub(crate) trait Sink<'w> {
    /// Input bytes that pass through unchanged.
    fn text(&mut self, bytes: &[u8]);
    /// The mask literal written in `form`, in place of a secret's span.
    fn mask(&mut self, start: u64, form: crate::embed::Form);
    /// A secret whose mask was written; called once its end is known.
    fn secret(&mut self, secret: Secret<'w>);
    /// A near miss.
    fn warning(&mut self, warning: Warning);
}

/// One input's state between windows.
pub(crate) struct Engine {
    runs: Vec<Run>,
    blocked: Vec<bool>,
    found: Found,
    /// Where the next keyword search starts.
    search_from: u64,
    /// An occurrence found but not started yet: `(start, line)`.
    next: Option<(u64, u64)>,
    /// At the end of the input: where the next `CONNECTION` after the last occurrence found
    /// starts (`u64::MAX`: none), if known.
    connection_at: Option<u64>,
    /// The line of each occurrence found (counted on to the position kept between windows).
    lines: Lines,
    /// Bytes before this are written.
    out: u64,
    /// A mask written whose end is still growing: `(run start, span start, written at)`.
    open: Option<(u64, u64, u64)>,
    last_mask_end: u64,
    /// Start of the last warning written: two runs may warn about the same key.
    last_warning: Option<u64>,
    /// A statement that started inside the body of another one has ended (see
    /// [`Run::overlapping`] for those still read).
    overlapped: bool,
    collect: bool,
}

impl Engine {
    /// An engine for an input that starts at absolute offset `base` on line `line`.
    pub(crate) fn new(base: u64, line: u64, collect: bool) -> Engine {
        Engine {
            runs: Vec::new(),
            blocked: Vec::new(),
            found: Found::default(),
            search_from: base,
            next: None,
            connection_at: None,
            lines: Lines::new(base, line),
            out: base,
            open: None,
            last_mask_end: base,
            last_warning: None,
            overlapped: false,
            collect,
        }
    }

    /// Starts a new input at `base` on `line`, keeping the allocations.
    pub(crate) fn reset(&mut self, base: u64, line: u64) {
        self.runs.clear();
        self.found.clear();
        self.search_from = base;
        self.next = None;
        self.lines = Lines::new(base, line);
        self.out = base;
        self.open = None;
        self.last_mask_end = base;
        self.last_warning = None;
        self.overlapped = false;
        self.found.already.clear();
    }

    /// Reads an embedded reading's decoded text (SPEC §9): a value whose literal the text
    /// leaves open gives no value.
    pub(crate) fn embedded(&mut self) {
        self.found.embedded = true;
    }

    /// The values this engine saw as the mask literal since the last call.
    pub(crate) fn take_already(&mut self) -> std::vec::Drain<'_, (u64, u64)> {
        self.found.already.drain(..)
    }

    /// True once a statement started inside the body of another (in a literal or comment of
    /// it): the only case where masking the output again can read it differently.
    pub(crate) fn overlapped(&self) -> bool {
        self.overlapped || self.runs.iter().any(|r| r.overlapping)
    }

    /// Processes `win`, which holds the input from absolute offset `base`; `eof` says it runs to
    /// the end. Returns the first position the next window must still hold.
    pub(crate) fn advance<'w>(
        &mut self,
        win: &'w [u8],
        base: u64,
        eof: bool,
        policy: &Policy,
        verbs: &mut find::VerbList,
        sink: &mut dyn Sink<'w>,
    ) -> u64 {
        let end = base + win.len() as u64;
        self.connection_at = None;
        let scan_to = if eof {
            end
        } else {
            (base + whole_words(win, false) as u64).max(self.search_from)
        };
        self.schedule(win, base, eof, scan_to, policy, verbs);
        let mut decided = self.next.map_or(scan_to, |(start, _)| start);
        for run in &self.runs {
            decided = decided.min(run.hold(policy));
        }
        if eof && self.runs.is_empty() && self.next.is_none() {
            decided = end;
        }
        self.emit(win, base, decided, policy, sink);
        // what is left waits for a later window: it must not borrow this one
        for (_, secret) in &mut self.found.secrets {
            secret.own(win, base);
        }
        self.keep(win, base, eof, policy)
    }

    /// Starts a run at each occurrence before `scan_to` and advances the runs, the one furthest
    /// behind first, until each has read what this window lets it.
    fn schedule(
        &mut self,
        win: &[u8],
        base: u64,
        eof: bool,
        scan_to: u64,
        policy: &Policy,
        verbs: &mut find::VerbList,
    ) {
        self.blocked.clear();
        self.blocked.resize(self.runs.len(), false);
        loop {
            if self.next.is_none() {
                self.next = self.find_next(win, base, scan_to, eof, policy, verbs);
            }
            let behind = (0..self.runs.len())
                .filter(|&i| !self.blocked[i])
                .min_by_key(|&i| (self.runs[i].pos(), self.runs[i].start));
            match (behind, self.next) {
                (b, Some((start, line))) if b.is_none_or(|i| self.runs[i].pos() >= start) => {
                    self.next = None;
                    let mut run = Run::new(start, line, self.collect);
                    run.overlapping = self.runs.iter().any(|r| !r.is_done());
                    self.runs.push(run);
                    self.blocked.push(false);
                }
                (Some(i), next) => {
                    let limit = next.map_or(scan_to, |(start, _)| start);
                    // A run alone steps on by itself until the next occurrence starts: nothing
                    // can merge with it and no other run is behind it.
                    let alone = self.runs.len() == 1;
                    let run = &mut self.runs[i];
                    match run.read(win, base, eof, limit, alone, policy, &mut self.found) {
                        Step::Progress if alone => {}
                        Step::Progress => self.merge(i),
                        Step::NeedMore => {
                            // a run that stopped at the next occurrence goes on once that has
                            // started; one that reached the end of the window waits for the
                            // next (kept waiting, runs piled up: quadratic time)
                            let at_next = next.is_some_and(|(start, _)| {
                                !self.runs[i].in_long_token() && self.runs[i].pos() >= start
                            });
                            self.blocked[i] = !at_next;
                            self.merge(i);
                        }
                        Step::Done => {}
                    }
                    // A verb a connection statement's header claims belongs to it: its run
                    // stops. The claim comes with the `(` after the verb, and no run reads a
                    // token past a verb whose run has not started (`limit`), so that run exists
                    // (or has already ended).
                    for claim in self.found.claims.drain(..) {
                        if let Some(run) = self.runs.iter_mut().find(|r| r.start == claim) {
                            run.overlapping = false;
                            run.stop()
                        }
                    }
                    if self.runs[i].is_done() {
                        self.overlapped |= self.runs[i].overlapping;
                        self.found.forget(self.runs[i].start);
                        self.runs.swap_remove(i);
                        self.blocked.swap_remove(i);
                    }
                }
                (None, _) => break,
            }
        }
    }

    /// The first position a later window must still hold. Lines are counted up to it, so
    /// positions before it are never needed again; at the end of the input there is no later
    /// window, and nothing is counted.
    fn keep(&mut self, win: &[u8], base: u64, eof: bool, policy: &Policy) -> u64 {
        let end = base + win.len() as u64;
        let mut keep = self.out.min(self.search_from.saturating_sub(2).max(base));
        if let Some((start, _)) = self.next {
            keep = keep.min(start);
        }
        for run in &self.runs {
            keep = keep.min(run.needs_from(policy));
        }
        if let Some((_, start, _)) = self.open {
            keep = keep.min(self.out.max(start));
        }
        let keep = keep.max(base).min(end);
        if !eof {
            self.lines.of(win, base, keep);
        }
        keep
    }

    /// The next `CREATE`/`ALTER` starting before `scan_to` that is not glued to a word before
    /// it. At the end of the
    /// input (`eof`), none after the last `CONNECTION`: no statement can start there, so a
    /// script without connection statements costs one search.
    fn find_next(
        &mut self,
        win: &[u8],
        base: u64,
        scan_to: u64,
        eof: bool,
        policy: &Policy,
        verbs: &mut find::VerbList,
    ) -> Option<(u64, u64)> {
        let connections_only = policy.connections_only;
        while self.search_from < scan_to {
            let from = (self.search_from - base) as usize;
            let found = verbs
                .next(win, base, from, eof, !connections_only)
                .filter(|&s| base + (s as u64) < scan_to);
            let Some(at) = found else {
                self.search_from = scan_to;
                return None;
            };
            self.search_from = base + at as u64 + 1;
            let glued = at > 0 && {
                let prev = win[at - 1];
                prev.is_ascii_alphanumeric() || prev == b'_' || prev == b'$'
            };
            if !glued {
                let start = base + at as u64;
                if eof {
                    if self.connection_at.is_none_or(|c| c < start) {
                        let next = find::connection(win, at);
                        self.connection_at = Some(next.map_or(u64::MAX, |c| base + c as u64));
                    }
                    // a credential statement holds a secret only where a trigger stands
                    let trigger_after = !connections_only
                        && self
                            .found
                            .next_trigger(win, base, at, true, &policy.triggers)
                            != u64::MAX;
                    if self.connection_at == Some(u64::MAX) && !trigger_after {
                        self.search_from = scan_to;
                        return None;
                    }
                }
                return Some((start, self.lines.of(win, base, start)));
            }
        }
        None
    }

    /// Drops run `i`, or the run it meets, when one of them will find everything the other
    /// would.
    fn merge(&mut self, i: usize) {
        let Some(key) = self.runs[i].merge_key() else {
            return;
        };
        let pos = self.runs[i].pos();
        let other = (0..self.runs.len()).find(|&j| {
            j != i && self.runs[j].pos() == pos && self.runs[j].merge_key() == Some(key)
        });
        let Some(j) = other else { return };
        let (a, b) = (self.runs[i].reach(), self.runs[j].reach());
        let newer = if self.runs[i].start > self.runs[j].start {
            i
        } else {
            j
        };
        let drop = match (a, b) {
            ((false, _), (false, _)) => newer,
            ((true, da), (true, db)) if da == db => newer,
            ((true, da), (true, db)) => {
                if da < db {
                    i
                } else {
                    j
                }
            }
            _ => return,
        };
        self.runs[drop].stop();
    }

    /// Writes everything before `decided` (and masks that start before it).
    fn emit<'w>(
        &mut self,
        win: &'w [u8],
        base: u64,
        decided: u64,
        policy: &Policy,
        sink: &mut dyn Sink<'w>,
    ) {
        self.found
            .secrets
            .sort_by_key(|(run, s)| std::cmp::Reverse((s.start, s.credential, *run)));
        self.found
            .warnings
            .sort_by_key(|w| std::cmp::Reverse(w.start));
        loop {
            if let Some(open) = self.open {
                if self.mask_still_open(open, win, base, policy, sink) {
                    return;
                }
                continue;
            }
            // at one start a connection statement's value comes first: its report wins (SPEC §2)
            let secret = self
                .found
                .secrets
                .last()
                .map(|(r, s)| (s.start, s.credential, *r));
            let open = self
                .runs
                .iter()
                .filter_map(|r| {
                    r.open_mask(policy)
                        .map(|(s, to)| ((s, r.is_credential(), r.start), to))
                })
                .min();
            let warning = self.found.warnings.last().map(|w| w.start);
            let mask_at = match (secret, open) {
                (Some(s), Some((o, _))) => Some(s.min(o)),
                (s, o) => s.or(o.map(|o| o.0)),
            };
            let next = match (mask_at, warning) {
                (Some(m), Some(w)) => m.0.min(w),
                (Some(m), None) => m.0,
                (None, Some(w)) => w,
                (None, None) => u64::MAX,
            };
            if next >= decided {
                self.write_text(win, base, decided, sink);
                return;
            }
            self.write_text(win, base, next, sink);
            if mask_at.is_some_and(|m| m.0 == next) {
                let m = mask_at.expect("checked");
                if secret == Some(m) {
                    let (_, mut secret) = self.found.secrets.pop().expect("checked");
                    let at = secret.start.max(self.out);
                    if secret.end > at {
                        sink.mask(at, crate::embed::Form::Plain);
                        secret.start_at(at, win, base);
                        self.out = secret.end;
                        self.last_mask_end = secret.end;
                        sink.secret(secret.secret(win, base));
                    }
                } else {
                    let ((start, _, run_start), to) = open.expect("checked");
                    let at = start.max(self.out);
                    if to <= at {
                        return;
                    }
                    sink.mask(at, crate::embed::Form::Plain);
                    self.open = Some((run_start, start, at));
                    self.out = to;
                }
            } else {
                let warning = self.found.warnings.pop().expect("checked");
                if warning.start >= self.last_mask_end && self.last_warning != Some(warning.start) {
                    self.last_warning = Some(warning.start);
                    sink.warning(warning);
                }
            }
        }
    }

    /// A mask written before its end was known: true while its run still reads the value
    /// (the bytes it has covered so far are skipped); once the value ends, its secret is
    /// written and the mask is closed.
    fn mask_still_open<'w>(
        &mut self,
        (run_start, start, at): (u64, u64, u64),
        win: &'w [u8],
        base: u64,
        policy: &Policy,
        sink: &mut dyn Sink<'w>,
    ) -> bool {
        let still_open = self.runs.iter().find_map(|r| {
            (r.start == run_start)
                .then(|| r.open_mask(policy))
                .flatten()
                .filter(|m| m.0 == start)
        });
        if let Some((_, to)) = still_open {
            self.out = self.out.max(to);
            return true;
        }
        self.open = None;
        let index = self
            .found
            .secrets
            .iter()
            .position(|(r, s)| *r == run_start && s.start == start);
        if let Some(index) = index {
            let (_, mut secret) = self.found.secrets.remove(index);
            secret.start_at(at, win, base);
            self.out = self.out.max(secret.end);
            self.last_mask_end = self.out;
            sink.secret(secret.secret(win, base));
        }
        false
    }

    fn write_text<'w>(&mut self, win: &'w [u8], base: u64, to: u64, sink: &mut dyn Sink<'w>) {
        let to = to.min(base + win.len() as u64);
        if to > self.out {
            sink.text(&win[(self.out - base) as usize..(to - base) as usize]);
            self.out = to;
        }
    }
}
