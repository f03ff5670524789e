//! The four readings of SPEC §9, combined: the input as written, the content of JSON strings,
//! the content of SQL literals, and SQL literals inside JSON strings.
//!
//! One [`Engine`] reads the input as written. The scanners of [`embed`] report the regions an
//! encoding changes (a JSON string, a literal piece with a doubled quote, each from a statement
//! word on); each is decoded and read by the same engine (the one reader), and what it finds
//! is mapped back to raw offsets. [`Readings::advance`] first scans the window, then lets the
//! engine read it as written; what that reading writes before every open region goes out at
//! once, the rest waits in order until the regions there are read. Both are merged through
//! [`Combine`]: overlapping masks become one, reported by the largest value (among equals a
//! reading through a JSON string first, then the order as written, SQL literal) and written
//! in that value's form (`''<REDACTED>''` inside a literal); a value another reading sees as
//! the mask literal is left as it is.
//!
//! Invariant: as for [`Engine`], the sink receives the same calls whatever the windows are.

use std::collections::VecDeque;

use crate::embed::{self, Decoded, Form, JsonScan, Region, SqlScan};
use crate::engine::{Engine, Sink};
use crate::find::VerbList;
use crate::lexer::{self, Lines};
use crate::redact::Policy;
use crate::secret::{Secret, Warning};

/// How far after a near miss's key an embedded value's key is looked for.
const MAX_PAIR: u64 = 1 << 12;

/// What the embedded readings of one window found, in raw offsets.
#[derive(Default)]
struct Findings {
    hits: Vec<Hit>,
    warnings: Vec<Warning>,
    /// Values a reading sees as the mask literal.
    already: Vec<(u64, u64)>,
}

/// A value an embedded reading found: its raw span and the mask's form.
struct Hit {
    form: Form,
    secret: Secret<'static>,
}

/// One input's readings between windows.
pub(crate) struct Readings {
    engine: Engine,
    /// Reads decoded regions (kept for its allocations).
    inner: Box<Option<Engine>>,
    json: JsonScan,
    sql: SqlScan,
    /// The lines of each scanner's regions.
    json_line: Lines,
    sql_line: Lines,
    decoded: Decoded,
    pieces: Decoded,
    collect: bool,
    combine: Combine,
    /// Statements overlapped in an embedded reading.
    overlapped: bool,
    /// The verbs of the input, for the three readers of it; and of a decoded region.
    verbs: VerbList,
    inner_verbs: VerbList,
}

impl Readings {
    pub(crate) fn new(base: u64, line: u64, collect: bool) -> Readings {
        let mut readings = Readings {
            engine: Engine::new(base, line, collect),
            inner: Box::new(None),
            json: JsonScan::default(),
            sql: SqlScan::default(),
            json_line: Lines::new(base, line),
            sql_line: Lines::new(base, line),
            decoded: Decoded::default(),
            pieces: Decoded::default(),
            collect,
            combine: Combine::default(),
            overlapped: false,
            verbs: VerbList::default(),
            inner_verbs: VerbList::default(),
        };
        readings.reset(base, line);
        readings
    }

    /// Starts a new input at `base` on `line`, keeping the allocations.
    pub(crate) fn reset(&mut self, base: u64, line: u64) {
        self.engine.reset(base, line);
        self.json.reset(base);
        self.sql.reset(base);
        self.json_line = Lines::new(base, line);
        self.sql_line = Lines::new(base, line);
        self.combine.reset(base);
        self.overlapped = false;
        self.verbs.reset(base);
    }

    /// Whether statements overlapped in any reading.
    pub(crate) fn overlapped(&self) -> bool {
        self.engine.overlapped() || self.overlapped || self.combine.overlapped
    }

    /// As [`Engine::advance`], for all four readings.
    pub(crate) fn advance<'w>(
        &mut self,
        win: &'w [u8],
        base: u64,
        eof: bool,
        policy: &Policy,
        sink: &mut dyn Sink<'w>,
    ) -> u64 {
        let end = base + win.len() as u64;
        let mut regions = Vec::new();
        let verbs = &mut self.verbs;
        let json_keep = self.json.scan(win, base, eof, policy, verbs, |r| {
            regions.push((r, Form::Json))
        });
        let sql_keep = self.sql.scan(win, base, eof, policy, verbs, |r| {
            regions.push((r, Form::Sql))
        });
        let mut found = Findings::default();
        for (region, form) in regions {
            let counter = if form == Form::Json {
                &mut self.json_line
            } else {
                &mut self.sql_line
            };
            let line = counter.of(win, base, region.start);
            self.read_region(win, base, region, line, form, policy, &mut found);
        }
        if !eof {
            // for the regions of later windows (at the end of the input there are none)
            self.json_line.of(win, base, json_keep);
            self.sql_line.of(win, base, sql_keep);
        }
        // a value that another reading sees as the mask literal is masked already, whichever
        // window either was found in
        let pos = self.combine.pos;
        self.combine.already.retain(|&(_, end)| end > pos);
        self.combine.already.extend(found.already.iter().copied());
        let already = &self.combine.already;
        let masked = |h: &Hit| {
            already
                .iter()
                .any(|&(a, b)| a <= h.secret.start && h.secret.start < b)
        };
        found.hits.retain(|h| !masked(h));
        if !found.already.is_empty() {
            self.combine.hits.retain(|h| !masked(h));
        }
        self.combine.add((found.hits, found.warnings));
        let safe = if eof {
            end
        } else {
            json_keep.min(sql_keep).min(end)
        };
        self.combine.safe = safe;
        let mut overlay = Overlay {
            out: sink,
            st: &mut self.combine,
            win,
            base,
        };
        overlay.replay(safe);
        let keep = self
            .engine
            .advance(win, base, eof, policy, &mut self.verbs, &mut overlay);
        overlay.replay(safe);
        if eof {
            overlay.finish();
        }
        // what waits is written from the window later
        let waits = self
            .combine
            .queue
            .front()
            .map_or(u64::MAX, |event| match event {
                Event::Text(from, _) => *from,
                Event::Mask(start) => *start,
                Event::Secret(secret) => secret.end,
                Event::Warning(w) => w.start,
            });
        let skipping = self.combine.skipping.unwrap_or(u64::MAX);
        let keep = keep.min(safe).min(waits).min(skipping);
        self.verbs.release(keep);
        keep
    }

    /// Decodes `region` and reads it (and, for a JSON string, the SQL literal pieces in its
    /// decoded content), adding what is found to `hits`.
    #[allow(clippy::too_many_arguments)]
    fn read_region(
        &mut self,
        win: &[u8],
        base: u64,
        region: Region,
        line: u64,
        form: Form,
        policy: &Policy,
        found: &mut Findings,
    ) {
        let raw = &win[(region.start - base) as usize..(region.end - base) as usize];
        let mut decoded = std::mem::take(&mut self.decoded);
        match form {
            Form::Json => embed::decode_json(raw, &mut decoded),
            _ => embed::decode_sql(raw, &mut decoded),
        }
        self.read_decoded(&decoded, raw, region.start, line, form, policy, found);
        if form == Form::Json {
            let mut pieces = std::mem::take(&mut self.pieces);
            let mut scan = SqlScan::every();
            let mut regions = Vec::new();
            scan.scan(
                &decoded.bytes,
                0,
                true,
                policy,
                &mut VerbList::default(),
                |r| regions.push(r),
            );
            for r in regions {
                let (s, e) = (r.start as usize, r.end as usize);
                embed::decode_sql(&decoded.bytes[s..e], &mut pieces);
                // offsets into `raw`: through the piece's decoding, then the string's
                for f in pieces.from.iter_mut() {
                    *f = decoded.from[s + *f as usize];
                }
                if let Some(last) = pieces.from.last_mut() {
                    *last = decoded.end_of(e) as u32;
                }
                self.read_decoded(
                    &pieces,
                    raw,
                    region.start,
                    line,
                    Form::JsonSql,
                    policy,
                    found,
                );
            }
            self.pieces = pieces;
        }
        self.decoded = decoded;
    }

    /// Reads decoded text with the one reader; `raw`: the encoded text it came from, which
    /// starts at absolute `raw_start` on `line`.
    #[allow(clippy::too_many_arguments)]
    fn read_decoded(
        &mut self,
        decoded: &Decoded,
        raw: &[u8],
        raw_start: u64,
        line: u64,
        form: Form,
        policy: &Policy,
        found: &mut Findings,
    ) {
        let engine = self
            .inner
            .get_or_insert_with(|| Engine::new(0, 1, self.collect));
        engine.reset(0, 1);
        engine.embedded();
        let mut read = Found::default();
        self.inner_verbs.reset(0);
        engine.advance(
            &decoded.bytes,
            0,
            true,
            policy,
            &mut self.inner_verbs,
            &mut read,
        );
        self.overlapped |= engine.overlapped();
        let at = |d: u64, end: bool| {
            let r = if end {
                decoded.end_of(d as usize)
            } else {
                decoded.start_of(d as usize)
            };
            (
                raw_start + r as u64,
                line + lexer::count_newlines(&raw[..r]),
            )
        };
        for mut secret in read.secrets {
            let (start, line) = at(secret.start, false);
            secret.end = at(secret.end, true).0;
            secret.key_span = secret
                .key_span
                .map(|(s, e)| (at(s, false).0, at(e, true).0));
            secret.start = start;
            secret.line = line;
            secret.form = form;
            found.hits.push(Hit { form, secret });
        }
        for (start, end) in engine.take_already() {
            found.already.push((at(start, false).0, at(end, true).0));
        }
        for mut warning in read.warnings {
            let (start, line) = at(warning.start, false);
            warning.end = at(warning.end, true).0;
            warning.start = start;
            warning.line = line;
            found.warnings.push(warning);
        }
    }
}

/// What a reading of decoded text found, in decoded offsets.
#[derive(Default)]
struct Found {
    secrets: Vec<Secret<'static>>,
    warnings: Vec<Warning>,
}

impl Sink<'_> for Found {
    fn text(&mut self, _bytes: &[u8]) {}
    fn mask(&mut self, _start: u64, _form: Form) {}
    fn secret(&mut self, secret: Secret<'_>) {
        self.secrets.push(secret.into_owned());
    }
    fn warning(&mut self, warning: Warning) {
        self.warnings.push(warning);
    }
}

/// Masks found but not written yet, and the mask being written.
#[derive(Default)]
struct Combine {
    /// Output is written up to here (masks included).
    pos: u64,
    /// Where the reading as written is (its text continues here).
    raw_pos: u64,
    /// The reading as written opened a mask inside one already written.
    raw_covered: bool,
    group: Option<Group>,
    /// Embedded values and near misses not reached yet, by start.
    hits: VecDeque<Hit>,
    warnings: VecDeque<Warning>,
    /// The last near miss written: `(start, key)`.
    last_warning: Option<(u64, String)>,
    /// Where the keys of the last embedded values taken stand.
    recent_keys: VecDeque<(u64, u64)>,
    /// A mask covered values of several readings that overlap.
    overlapped: bool,
    /// Every region before this is read: output may go out up to here.
    safe: u64,
    /// Where the reading as written has written to (`raw_pos` is where the output has taken
    /// it to), and what it wrote past `safe`.
    raw_at: u64,
    queue: VecDeque<Event>,
    /// Spans another reading sees as the mask literal (SPEC §9), and the start of a value of
    /// the reading as written inside one: it is written as it is, not masked.
    already: Vec<(u64, u64)>,
    skipping: Option<u64>,
}

/// Masks that overlap, written as one.
struct Group {
    start: u64,
    end: u64,
    form: Form,
    /// The reading as written has a mask open here whose end is not known yet.
    raw_open: bool,
    /// The embedded value that reports the group so far.
    best: Option<Secret<'static>>,
    /// The line of `start`, once known.
    line: Option<u64>,
    /// Its mask is written (in `form`).
    written: bool,
}

impl Combine {
    fn reset(&mut self, base: u64) {
        self.pos = base;
        self.raw_pos = base;
        self.raw_covered = false;
        self.group = None;
        self.hits.clear();
        self.warnings.clear();
        self.last_warning = None;
        self.recent_keys.clear();
        self.overlapped = false;
        self.safe = base;
        self.raw_at = base;
        self.queue.clear();
        self.already.clear();
        self.skipping = None;
    }

    fn add(&mut self, (hits, warnings): (Vec<Hit>, Vec<Warning>)) {
        if !hits.is_empty() {
            let mut all: Vec<Hit> = self.hits.drain(..).chain(hits).collect();
            all.sort_by_key(|h| (h.secret.start, h.form.rank()));
            self.hits = all.into();
        }
        if !warnings.is_empty() {
            let mut all: Vec<Warning> = self.warnings.drain(..).chain(warnings).collect();
            all.sort_by_key(|w| w.start);
            self.warnings = all.into();
        }
    }
}

struct Overlay<'r, 's, 'w> {
    out: &'s mut dyn Sink<'w>,
    st: &'r mut Combine,
    /// The window, from `base`.
    win: &'w [u8],
    base: u64,
}

impl<'w> Overlay<'_, '_, 'w> {
    /// Writes embedded near misses that start before `to`.
    fn warnings_before(&mut self, to: u64) {
        while self.st.warnings.front().is_some_and(|w| w.start < to) {
            let w = self.st.warnings.pop_front().expect("checked");
            self.warn(w);
        }
    }

    fn warn(&mut self, w: Warning) {
        let same = self
            .st
            .last_warning
            .as_ref()
            .is_some_and(|(s, k)| *s == w.start && *k == w.key);
        // a near miss whose value another reading masks is not warned about: that reading
        // read the same key (its key overlaps this one)
        let overlaps = |&(s, e): &(u64, u64)| s < w.end && w.start < e;
        let masked = self.st.recent_keys.iter().any(overlaps)
            || self
                .st
                .hits
                .iter()
                .take_while(|h| h.secret.start < w.end + MAX_PAIR)
                .any(|h| h.secret.key_span.as_ref().is_some_and(overlaps));
        if !same && !masked {
            self.st.last_warning = Some((w.start, w.key.clone()));
            self.out.warning(w);
        }
    }

    /// Takes the embedded values that start inside the group into it; while its mask is not
    /// written, its form follows the value that reports it.
    fn absorb(&mut self) {
        let Some(g) = &mut self.st.group else {
            return;
        };
        while self.st.hits.front().is_some_and(|h| h.secret.start < g.end) {
            let hit = self.st.hits.pop_front().expect("checked");
            remember(&mut self.st.recent_keys, hit.secret.key_span);
            g.end = g.end.max(hit.secret.end);
            let better = g
                .best
                .as_ref()
                .is_none_or(|b| better(&hit.secret, hit.form, b, b.form));
            if better {
                if !g.written {
                    g.form = hit.form;
                }
                g.best = Some(hit.secret);
            }
        }
    }

    /// Opens a group with an embedded value at its start, and writes its mask if `write`.
    fn open_hit(&mut self, write: bool) {
        let hit = self.st.hits.pop_front().expect("caller checked");
        self.warnings_before(hit.secret.start);
        remember(&mut self.st.recent_keys, hit.secret.key_span);
        let start = hit.secret.start;
        self.st.group = Some(Group {
            start,
            end: hit.secret.end,
            form: hit.form,
            raw_open: false,
            written: false,
            line: Some(hit.secret.line),
            best: Some(hit.secret),
        });
        // the mask is written in the form of the value that reports the group (the largest)
        self.absorb();
        if write {
            self.write_mask();
        }
    }

    /// Writes the open group's mask in its form, once.
    fn write_mask(&mut self) {
        if let Some(g) = &mut self.st.group
            && !g.written
        {
            g.written = true;
            self.out.mask(g.start, g.form);
        }
    }

    /// Writes the group's secret (the reading as written's `raw`, if it reports it).
    fn close(&mut self, raw: Option<Secret<'w>>) {
        let Some(g) = self.st.group.take() else {
            return;
        };
        self.st.pos = g.end;
        let mut secret = match (raw, g.best) {
            (Some(r), b) if raw_reports(b.as_ref(), &r) => r,
            (_, Some(b)) => b,
            (_, None) => return,
        };
        // values of two readings that overlap, neither inside the other, are masked as one,
        // reported by the larger: its span is then more than its value
        if (secret.start, secret.end) != (g.start, g.end) {
            self.st.overlapped = true;
        }
        secret.line = g.line.unwrap_or(secret.line);
        secret.start = g.start;
        secret.end = g.end;
        secret.form = g.form;
        self.out.secret(secret);
    }

    /// At the end of the input: writes what is left.
    fn finish(&mut self) {
        if self.st.group.as_ref().is_some_and(|g| !g.raw_open) {
            self.close(None);
        }
        self.warnings_before(u64::MAX);
    }
}

/// Notes where an embedded value's key stands, for near misses written after it.
fn remember(recent: &mut VecDeque<(u64, u64)>, key: Option<(u64, u64)>) {
    if let Some(span) = key {
        if recent.len() == 8 {
            recent.pop_front();
        }
        recent.push_back(span);
    }
}

/// Whether value `a` (found in form `fa`) reports a group rather than `b`: the larger span,
/// then the JSON reading, then the order of the readings.
fn better(a: &Secret, fa: Form, b: &Secret, fb: Form) -> bool {
    let (la, lb) = (a.end - a.start, b.end - b.start);
    la > lb || la == lb && fa.rank() < fb.rank()
}

/// Whether the reading as written's value `raw` reports a group rather than `best`, the
/// embedded value that reports it so far.
fn raw_reports(best: Option<&Secret>, raw: &Secret) -> bool {
    best.is_none_or(|b| !better(b, b.form, raw, Form::Plain))
}

/// What the reading as written wrote past `safe`, waiting until the regions there are read.
enum Event {
    Text(u64, u64),
    Mask(u64),
    Secret(Secret<'static>),
    Warning(Warning),
}

impl<'w> Overlay<'_, '_, 'w> {
    /// Writes what waited and now stands before `safe` (`win` holds the input from `base`).
    fn replay(&mut self, safe: u64) {
        let (win, base) = (self.win, self.base);
        while let Some(event) = self.st.queue.pop_front() {
            match event {
                Event::Text(from, to) if from < safe => {
                    let upto = to.min(safe);
                    self.text_now(&win[(from - base) as usize..(upto - base) as usize]);
                    if upto < to {
                        self.st.queue.push_front(Event::Text(upto, to));
                        return;
                    }
                }
                Event::Mask(start) if start < safe => self.mask_or_skip(start),
                Event::Secret(secret) if secret.end <= safe => self.secret_now(secret),
                Event::Warning(w) if w.start < safe => self.warning_now(w),
                event => {
                    self.st.queue.push_front(event);
                    return;
                }
            }
        }
    }

    fn text_now(&mut self, bytes: &[u8]) {
        let (mut at, end) = (self.st.raw_pos, self.st.raw_pos + bytes.len() as u64);
        self.st.raw_pos = end;
        while at < end {
            if let Some(g) = &self.st.group {
                if g.end > at {
                    at = g.end.min(end);
                    continue;
                }
                self.close(None);
            }
            at = at.max(self.st.pos);
            if at >= end {
                break;
            }
            // values that start inside what is written: only their rest is new
            while let Some(h) = self.st.hits.front_mut()
                && h.secret.start < at
            {
                if h.secret.end <= at {
                    self.st.hits.pop_front();
                } else {
                    h.secret.start = at;
                    break;
                }
            }
            let next = self.st.hits.front().map_or(u64::MAX, |h| h.secret.start);
            let to = next.min(end);
            if to > at {
                self.warnings_before(to);
                let from = (at - (end - bytes.len() as u64)) as usize;
                let upto = (to - (end - bytes.len() as u64)) as usize;
                self.out.text(&bytes[from..upto]);
                self.st.pos = to;
                at = to;
            }
            if next < end && next <= at {
                self.open_hit(true);
            }
        }
    }

    /// A mask of the reading as written, unless its value starts where another reading sees
    /// the mask literal: that value is masked already.
    fn mask_or_skip(&mut self, start: u64) {
        if self
            .st
            .already
            .iter()
            .any(|&(a, b)| a <= start && start < b)
        {
            self.st.raw_pos = start;
            self.st.skipping = Some(start);
        } else {
            self.mask_now(start);
        }
    }

    fn mask_now(&mut self, start: u64) {
        self.st.raw_pos = start;
        if let Some(g) = &mut self.st.group
            && start < g.end
        {
            g.raw_open = true;
            return;
        }
        self.close(None);
        if start < self.st.pos {
            self.st.raw_covered = true;
            return;
        }
        // an embedded reading finds a value here too: the mask's form follows whichever
        // reports it, known once this value ends
        if self
            .st
            .hits
            .front()
            .is_some_and(|h| h.secret.start == start)
        {
            self.open_hit(false);
            if let Some(g) = &mut self.st.group {
                g.raw_open = true;
            }
            return;
        }
        self.warnings_before(start);
        self.out.mask(start, Form::Plain);
        self.st.pos = start;
        self.st.group = Some(Group {
            start,
            end: start,
            form: Form::Plain,
            raw_open: true,
            best: None,
            line: None,
            written: true,
        });
        self.absorb();
    }

    fn secret_now(&mut self, secret: Secret<'w>) {
        if let Some(start) = self.st.skipping.take() {
            // the value is written as it is (the window holds it: see `Readings::advance`)
            self.st.raw_pos = start;
            let bytes = &self.win[(start - self.base) as usize..(secret.end - self.base) as usize];
            self.text_now(bytes);
            return;
        }
        self.st.raw_pos = secret.end;
        if std::mem::take(&mut self.st.raw_covered) {
            if secret.end <= self.st.pos {
                return;
            }
            // part of it is masked already: mask the rest
            let start = self.st.pos;
            self.out.mask(start, Form::Plain);
            self.st.group = Some(Group {
                start,
                end: secret.end,
                form: Form::Plain,
                raw_open: false,
                best: None,
                line: None,
                written: true,
            });
        }
        if let Some(g) = &mut self.st.group {
            g.raw_open = false;
            g.end = g.end.max(secret.end);
            g.line.get_or_insert(secret.line);
            if !g.written && raw_reports(g.best.as_ref(), &secret) {
                g.form = Form::Plain;
            }
        }
        self.absorb();
        self.write_mask();
        match &mut self.st.group {
            // A region not read yet (a JSON string still open in a stream) may hold values
            // that start inside the group: it closes once the text reaches its end.
            Some(g) if g.end > self.st.safe => {
                if raw_reports(g.best.as_ref(), &secret) {
                    g.best = Some(secret.into_owned());
                }
            }
            _ => self.close(Some(secret)),
        }
    }

    fn warning_now(&mut self, warning: Warning) {
        self.warnings_before(warning.start + 1);
        self.warn(warning);
    }
}

/// The reading as written writes through here: what stands before `safe` (every region there
/// read) goes out now, the rest waits in order, so that reading runs on over the whole window
/// while a JSON string or literal piece is still open.
impl<'w> Sink<'w> for Overlay<'_, '_, 'w> {
    fn text(&mut self, bytes: &[u8]) {
        let (from, to) = (self.st.raw_at, self.st.raw_at + bytes.len() as u64);
        self.st.raw_at = to;
        let mut at = from;
        if self.st.queue.is_empty() && from < self.st.safe {
            let now = to.min(self.st.safe);
            self.text_now(&bytes[..(now - from) as usize]);
            at = now;
        }
        if at < to {
            self.st.queue.push_back(Event::Text(at, to));
        }
    }

    fn mask(&mut self, start: u64, _form: Form) {
        self.st.raw_at = start;
        if self.st.queue.is_empty() && start < self.st.safe {
            self.mask_or_skip(start);
        } else {
            self.st.queue.push_back(Event::Mask(start));
        }
    }

    fn secret(&mut self, secret: Secret<'w>) {
        self.st.raw_at = secret.end;
        if self.st.queue.is_empty() && secret.end <= self.st.safe {
            self.secret_now(secret);
        } else {
            self.st.queue.push_back(Event::Secret(secret.into_owned()));
        }
    }

    fn warning(&mut self, warning: Warning) {
        if self.st.queue.is_empty() && warning.start < self.st.safe {
            self.warning_now(warning);
        } else {
            self.st.queue.push_back(Event::Warning(warning));
        }
    }
}
