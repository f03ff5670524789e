//! Masking a stream as it arrives, with bounded memory.
//!
//! A [`Stream`] is fed blocks of one input in order and writes out everything it can decide:
//! bytes that are not inside an unfinished connection statement pass straight through, a mask
//! is written as soon as a sensitive value starts (its bytes are then dropped as they come,
//! however long it runs), and only the unfinished part of a statement is held back. The result
//! is byte for byte what [`Redactor::redact_bytes`] gives for the whole input at once, however
//! the input is cut into blocks.
//!
//! ```
//! use sqlredact::{stream::Output, Redactor};
//! let mut stream = Redactor::new().stream(true);
//! let mut out = Output::default();
//! stream.feed(b"ALTER CONNECTION c SET ('token' = 'se", &mut out);
//! stream.feed(b"cret'); SELECT 1;\n", &mut out);
//! stream.finish(&mut out);
//! assert_eq!(out.text, b"ALTER CONNECTION c SET ('token' = '<REDACTED>'); SELECT 1;\n");
//! assert_eq!(out.secrets[0].value(), "secret");
//! ```

use crate::engine::Sink;
use crate::readings::Readings;
use crate::redact::Redactor;
use crate::secret::{Secret, Warning};

/// How much of a block is first copied behind bytes held back from the block before.
const CARRY: usize = 4 << 10;

/// What the stream wrote since the caller last emptied it.
#[derive(Debug, Default)]
pub struct Output {
    /// Masked text.
    pub text: Vec<u8>,
    /// Secrets whose masks are in `text`, in input order. Their [`Secret::raw`] is empty.
    pub secrets: Vec<Secret<'static>>,
    /// Near misses, in input order.
    pub warnings: Vec<Warning>,
}

impl Output {
    /// Empties the three lists, keeping their allocations.
    pub fn clear(&mut self) {
        self.text.clear();
        self.secrets.clear();
        self.warnings.clear();
    }
}

/// One input being masked block by block; see the [module docs](self).
pub struct Stream {
    redactor: Redactor,
    engine: Readings,
    masks: [Vec<u8>; 4],
    /// Input bytes still needed, starting at absolute offset `base`.
    window: Vec<u8>,
    base: u64,
}

impl Redactor {
    /// A stream masking one input after another with this policy. `values`: whether
    /// [`Secret::value`] is filled in (it costs memory as large as the secret).
    pub fn stream(&self, values: bool) -> Stream {
        Stream {
            redactor: self.clone(),
            engine: Readings::new(0, 1, values),
            masks: self.policy().masks.clone(),
            window: Vec::new(),
            base: 0,
        }
    }
}

struct OutSink<'o> {
    out: &'o mut Output,
    masks: &'o [Vec<u8>; 4],
}

impl Sink<'_> for OutSink<'_> {
    fn text(&mut self, bytes: &[u8]) {
        self.out.text.extend_from_slice(bytes);
    }
    fn mask(&mut self, _start: u64, form: crate::embed::Form) {
        self.out.text.extend_from_slice(&self.masks[form as usize]);
    }
    fn secret(&mut self, secret: Secret<'_>) {
        self.out.secrets.push(secret.into_owned());
    }
    fn warning(&mut self, warning: Warning) {
        self.out.warnings.push(warning);
    }
}

impl Stream {
    /// Feeds the next block of the input.
    pub fn feed(&mut self, data: &[u8], out: &mut Output) {
        if self.window.is_empty() {
            let keep = self.advance_on(data, false, out);
            self.window
                .extend_from_slice(&data[(keep - self.base) as usize..]);
            self.base = keep;
        } else {
            self.feed_after_held(data, out);
        }
    }

    /// Feeds `data` after bytes held back from earlier blocks. Only as much of `data` as the
    /// held statement needs is copied behind them (a few KiB, doubled while it is still
    /// undecided); once the engine needs nothing before `data`, the rest is read in place, so
    /// a stream copies each byte once (into the output), not three times.
    fn feed_after_held(&mut self, data: &[u8], out: &mut Output) {
        let data_base = self.base + self.window.len() as u64;
        let (mut copied, mut want) = (0, data.len().min(CARRY));
        loop {
            self.window.extend_from_slice(&data[copied..want]);
            copied = want;
            let window = std::mem::take(&mut self.window);
            let keep = self.advance_on(&window, false, out);
            self.window = window;
            if keep >= data_base {
                // the held bytes are decided: go on in `data` itself from `keep`
                self.window.clear();
                self.base = keep;
                let rest = &data[(keep - data_base) as usize..];
                let keep = self.advance_on(rest, false, out);
                self.window
                    .extend_from_slice(&rest[(keep - self.base) as usize..]);
                self.base = keep;
                return;
            }
            if copied == data.len() {
                self.drop_before(keep);
                return;
            }
            want = data.len().min(copied.max(CARRY) * 2);
        }
    }

    /// Ends the input: writes what was held back. The stream is then ready for another input,
    /// whose offsets and lines count from the start again.
    pub fn finish(&mut self, out: &mut Output) {
        let window = std::mem::take(&mut self.window);
        self.advance_on(&window, true, out);
        self.window = window;
        self.window.clear();
        self.base = 0;
        self.engine.reset(0, 1);
    }

    /// Bytes of input held back now (the unfinished part of a statement).
    pub fn held(&self) -> usize {
        self.window.len()
    }

    fn advance_on(&mut self, win: &[u8], eof: bool, out: &mut Output) -> u64 {
        let mut sink = OutSink {
            out,
            masks: &self.masks,
        };
        let policy = self.redactor.policy();
        self.engine.advance(win, self.base, eof, policy, &mut sink)
    }

    /// Forgets the bytes before `keep`, once they are at least half the window (so moving the
    /// rest costs no more than reading it did).
    fn drop_before(&mut self, keep: u64) {
        let drop = (keep - self.base) as usize;
        if drop > 0 && drop * 2 >= self.window.len() {
            self.window.drain(..drop);
            self.base = keep;
        }
    }
}
