//! The ASCII-case-insensitive searches for the keywords, over whole windows.
//!
//! Candidates come from one vectorised multi-substring search (`regex-automata`'s prefilter:
//! Teddy where the CPU has it, memmem for one pattern) over the haystack folded to lower case,
//! a stretch at a time ([`Folded`]); each candidate is then compared with the whole keyword in
//! the haystack itself. The fragments are chosen for rarity: the verbs' first three letters,
//! and `ecti` inside CONNECTION, which `connector` and `config` do not hold.
//!
//! Invariant: [`verb`] and [`connection`] return the leftmost match at or after `from`, exactly
//! as `(?i-u)create|alter` and `(?i-u)connection` would (tested against those regexes).

use std::sync::LazyLock;

use regex_automata::util::prefilter::Prefilter;
use regex_automata::{MatchKind, Span};

/// The first stretch folded, and the longest.
const FIRST: usize = 256;
const STRETCH: usize = 4096;

/// A search for short lower-case patterns in any ASCII case. Each stretch of the haystack is
/// copied with bit `0x20` set, which turns `A`–`Z` into `a`–`z` and no other byte into a
/// letter, and searched by one prefilter: a set of keywords costs one vectorised search, not
/// one per group of case variants. Stretches start short and double, so a search costs about
/// the distance to what it finds.
#[derive(Clone, Debug)]
struct Folded {
    search: Prefilter,
    /// The longest pattern: stretches overlap by one byte less.
    longest: usize,
}

impl Folded {
    /// `None` when there is nothing to search for. A pattern byte that is not a lower-case
    /// letter must be as folded (`_` is `0x7f`).
    fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Option<Folded> {
        let longest = patterns.iter().map(|p| p.as_ref().len()).max()?;
        let search = Prefilter::new(MatchKind::LeftmostFirst, patterns)?;
        Some(Folded { search, longest })
    }

    /// The first `Some` that `at` gives for a candidate, over the candidates at or after `from`
    /// in order: the positions in `hay` where a pattern stands once folded.
    fn find_map<T>(
        &self,
        hay: &[u8],
        from: usize,
        mut at: impl FnMut(usize) -> Option<T>,
    ) -> Option<T> {
        FOLDED.with_borrow_mut(|buf| {
            let (mut start, mut len, mut next) = (from, FIRST, from);
            while start < hay.len() {
                let end = hay.len().min(start + len);
                let folded = &mut buf[..end - start];
                for (f, &b) in folded.iter_mut().zip(&hay[start..end]) {
                    *f = b | 0x20;
                }
                let mut span = Span::from(next - start..folded.len());
                while let Some(m) = self.search.find(folded, span) {
                    let c = start + m.start;
                    if let Some(found) = at(c) {
                        return Some(found);
                    }
                    next = c + 1;
                    span.start = m.start + 1;
                }
                if end == hay.len() {
                    break;
                }
                // a pattern cut by the stretch's end is searched again in the next one
                start = end + 1 - self.longest;
                next = next.max(start);
                len = (len * 2).min(STRETCH);
            }
            None
        })
    }
}

thread_local! {
    /// Where [`Folded`] folds a stretch (its candidates' checks search nothing themselves).
    static FOLDED: std::cell::RefCell<[u8; STRETCH]> = const {
        std::cell::RefCell::new([0; STRETCH])
    };
}

/// The words that can start a statement the engine reads (SPEC §2 and §8).
pub(crate) const VERBS: [&[u8]; 7] = [
    b"create", b"alter", b"set", b"copy", b"unload", b"change", b"grant",
];

/// The verbs by their first three letters: `CREATE` and `ALTER` (the only ones with
/// connections only), and all of them.
static VERB_SEARCHES: LazyLock<[Folded; 2]> = LazyLock::new(|| {
    let stems: Vec<&[u8]> = VERBS.iter().map(|v| &v[..3]).collect();
    [&stems[..2], &stems[..]].map(|s| Folded::new(s).expect("verb stems"))
});
static CONNECTION: LazyLock<Folded> =
    LazyLock::new(|| Folded::new(&[b"ecti"]).expect("one pattern"));

/// The longest verb (`UNLOAD`, `CHANGE`, `CREATE`).
const VERB_LONGEST: usize = 6;

/// The verbs of one input, found once and answered to every reader that asks (the reading as
/// written and the scanners of SPEC §9 each walk the input at their own pace): every verb
/// starting before `searched` (and not released) is in `found`.
#[derive(Debug, Default)]
pub(crate) struct VerbList {
    found: std::collections::VecDeque<u64>,
    searched: u64,
    /// Verbs before this are in `found` (or released): a stretch searched again adds none twice.
    fresh: u64,
}

impl VerbList {
    pub(crate) fn reset(&mut self, base: u64) {
        self.found.clear();
        self.searched = base;
        self.fresh = base;
    }

    /// The first verb (`CREATE` or `ALTER`, and with `credentials` any of [`VERBS`]) starting
    /// at or after `from` in `hay`, which holds the input from `base` (to its end with `eof`).
    /// The verbs are found a stretch at a time, all of a stretch with one fold and search.
    pub(crate) fn next(
        &mut self,
        hay: &[u8],
        base: u64,
        from: usize,
        eof: bool,
        credentials: bool,
    ) -> Option<usize> {
        let q = base + from as u64;
        let end = base + hay.len() as u64;
        let verbs: &[&[u8]] = if credentials { &VERBS } else { &VERBS[..2] };
        loop {
            let i = self.found.partition_point(|&v| v < q);
            if let Some(&v) = self.found.get(i) {
                return Some((v - base) as usize);
            }
            let at = self.searched.max(base);
            if at >= end {
                return None;
            }
            // candidates up to `stop`, each compared with the verbs in the whole window
            let stop = end.min(at + STRETCH as u64);
            let to = hay.len().min((stop - base) as usize + VERB_LONGEST);
            let (found, fresh) = (&mut self.found, &mut self.fresh);
            VERB_SEARCHES[usize::from(credentials)].find_map(
                &hay[..to],
                (at - base) as usize,
                |i| {
                    let v = base + i as u64;
                    if v >= stop {
                        return Some(());
                    }
                    if v >= *fresh && verbs.iter().any(|w| starts_with_ignore_case(&hay[i..], w)) {
                        found.push_back(v);
                        *fresh = v + 1;
                    }
                    None
                },
            );
            if stop == end {
                // a verb that starts this close to the end may be cut: searched again later
                // (not at the end of the input: every reader would search it again)
                self.searched = if eof {
                    end
                } else {
                    at.max(end.saturating_sub(VERB_LONGEST as u64 - 1))
                };
                let i = self.found.partition_point(|&v| v < q);
                return self.found.get(i).map(|&v| (v - base) as usize);
            }
            self.searched = stop;
        }
    }

    /// Forgets the verbs before `at`: no reader asks for them again.
    pub(crate) fn release(&mut self, at: u64) {
        while self.found.front().is_some_and(|&v| v < at) {
            self.found.pop_front();
        }
    }
}

/// The first `CONNECTION` starting at or after `from`.
pub(crate) fn connection(hay: &[u8], from: usize) -> Option<usize> {
    CONNECTION.find_map(hay, from.checked_add(4)?, |c| {
        let i = c - 4;
        starts_with_ignore_case(&hay[i..], b"connection").then_some(i)
    })
}

/// Where a credential statement's body may hold something to mask: a fragment of the rule (in
/// any case, `_` and `.` for `-`), a key the user added, or `IDENTIFIED`. Candidates come from
/// one folded search ([`Folded`]) for a three-byte stem taken from inside each (for the default
/// fragments, eight stems cover all sixteen: `key` is in seven of them), and each candidate is
/// compared whole, so a body with none of them is skimmed, not read.
#[derive(Clone, Debug)]
pub(crate) struct Triggers {
    search: Option<Folded>,
    /// Per stem (lower case): the texts that hold it, where, and how they are compared.
    stems: Vec<Stem>,
}

/// A stem (zero-padded) and the triggers that hold it, with its offset in each.
type Stem = ([u8; 3], Vec<(Trigger, usize)>);

/// One thing a trigger may be.
#[derive(Clone, Debug)]
struct Trigger {
    text: Vec<u8>,
    /// Compared as the fragment rule reads keys (else ASCII-case-insensitively).
    normalized: bool,
}

/// Stems for the default fragments that are rarer in SQL than their first bytes (`cre` would
/// stop at every `CREATE`, `htt` at every URL, and `oke` inside `token` at every Kafka
/// `broker`).
const STEMS: &[&[u8]] = &[
    b"ssw", b"ecr", b"tok", b"key", b"den", b"aas", b"uth", b"hea",
];

impl Triggers {
    pub(crate) fn new(fragments: &[Vec<u8>], extra_keys: &[String]) -> Triggers {
        let mut all: Vec<Trigger> = fragments
            .iter()
            .filter(|f| !f.is_empty())
            .map(|f| Trigger {
                text: f.clone(),
                normalized: true,
            })
            .collect();
        all.extend(
            extra_keys
                .iter()
                .map(|k| k.to_ascii_lowercase().into_bytes())
                .chain([b"identified".to_vec()])
                .filter(|k| !k.is_empty())
                .map(|text| Trigger {
                    text,
                    normalized: false,
                }),
        );
        let mut stems: Vec<Stem> = Vec::new();
        for trigger in all {
            let text = &trigger.text;
            // a known rare stem inside it, else its first bytes
            let (stem, at) = STEMS
                .iter()
                .find_map(|s| text.windows(3).position(|w| w == *s).map(|i| (*s, i)))
                .unwrap_or((&text[..text.len().min(3)], 0));
            let mut key = [0; 3];
            key[..stem.len()].copy_from_slice(stem);
            match stems.iter_mut().find(|(k, _)| *k == key) {
                Some((_, list)) => list.push((trigger, at)),
                None => stems.push((key, vec![(trigger, at)])),
            }
        }
        // each stem as folded (`Folded`), with `-`, `_` and `.` standing for one another
        let mut variants: Vec<Vec<u8>> = Vec::new();
        for (stem, _) in &stems {
            let mut these: Vec<Vec<u8>> = vec![Vec::new()];
            for &b in stem.iter().take_while(|&&b| b != 0) {
                let options: &[u8] = match b {
                    b'-' | b'_' | b'.' => &[b'-', b'_' | 0x20, b'.'],
                    b => &[b | 0x20],
                };
                these = these
                    .iter()
                    .flat_map(|v| options.iter().map(move |&o| [&v[..], &[o]].concat()))
                    .collect();
            }
            variants.extend(these);
        }
        variants.sort();
        variants.dedup();
        Triggers {
            search: Folded::new(&variants),
            stems,
        }
    }

    /// The start of the first trigger that covers a position at or after `from` (it may start
    /// a little before `from`); one the window cuts (`!eof`) counts.
    pub(crate) fn find(&self, hay: &[u8], from: usize, eof: bool) -> Option<usize> {
        self.search
            .as_ref()?
            .find_map(hay, from, |c| self.at(hay, c, eof))
    }

    /// The start of a trigger whose stem stands at `c`.
    fn at(&self, hay: &[u8], c: usize, eof: bool) -> Option<usize> {
        let normal = crate::keys::normal;
        let found = self.stems.iter().filter(|(stem, _)| {
            stem.iter()
                .take_while(|&&b| b != 0)
                .enumerate()
                .all(|(i, &b)| hay.get(c + i).is_some_and(|&h| normal(h) == normal(b)))
        });
        for (_, list) in found {
            for (trigger, offset) in list {
                let Some(start) = c.checked_sub(*offset) else {
                    continue;
                };
                let text = &trigger.text;
                let rest = &hay[start..];
                if !eof && rest.len() < text.len() {
                    return Some(start);
                }
                let matches = rest.len() >= text.len()
                    && if trigger.normalized {
                        rest.iter().zip(text).all(|(&a, &b)| normal(a) == b)
                    } else {
                        rest[..text.len()].eq_ignore_ascii_case(text)
                    };
                if matches {
                    return Some(start);
                }
            }
        }
        None
    }
}

fn starts_with_ignore_case(hay: &[u8], word: &[u8]) -> bool {
    hay.len() >= word.len() && hay[..word.len()].eq_ignore_ascii_case(word)
}

#[cfg(test)]
/// The first verb at or after `from` (tests only: the readers keep a [`VerbList`]).
fn verb(hay: &[u8], from: usize, credentials: bool) -> Option<usize> {
    VerbList::default().next(hay, 0, from, true, credentials)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(find: fn(&[u8], usize) -> Option<usize>, hay: &[u8]) -> Vec<usize> {
        let mut found = Vec::new();
        let mut at = 0;
        while let Some(i) = find(hay, at) {
            found.push(i);
            at = i + 1;
        }
        found
    }

    #[test]
    fn any_case_at_any_offset() {
        for pad in 0..70 {
            let hay = format!(
                "{}CrEaTe x ALTER y connection z CONNECTION aLtEr",
                "-".repeat(pad)
            );
            let p = pad;
            assert_eq!(
                all(|h, at| verb(h, at, false), hay.as_bytes()),
                [p, p + 9, p + 41],
                "pad {pad}"
            );
            assert_eq!(
                all(connection, hay.as_bytes()),
                [p + 17, p + 30],
                "pad {pad}"
            );
        }
    }

    #[test]
    fn keywords_across_every_stretch_boundary_are_found() {
        // stretches of 256, 512, 1024, 2048, then 4096 bytes, each overlapping the next by the
        // longest pattern less one byte
        let mut ends = vec![];
        let (mut start, mut len) = (0, FIRST);
        while start < 20_000 {
            ends.push(start + len);
            start += len - 2;
            len = (len * 2).min(STRETCH);
        }
        // and the verbs' stretches, one after another from the start
        ends.extend((1..5).map(|k| k * STRETCH));
        let triggers = Triggers::new(&[b"password".to_vec(), b"api-key".to_vec()], &[]);
        for end in ends {
            for at in end - 12..end + 4 {
                for word in ["CrEaTe", "SET", "ConNection", "PassWord", "API_KEY"] {
                    // lower-case letters that fold to nothing searched, and a near miss
                    let hay = format!("{}{word} {}", "q@_".repeat(at).get(..at).unwrap(), "crea ");
                    let hay = hay.as_bytes();
                    let want = |w: &str| (w == word).then_some(at);
                    let verb_at = verb(hay, 0, true);
                    assert_eq!(verb_at, want("CrEaTe").or(want("SET")), "{word} at {at}");
                    assert_eq!(connection(hay, 0), want("ConNection"), "{word} at {at}");
                    let trigger = want("PassWord").or(want("API_KEY"));
                    assert_eq!(triggers.find(hay, 0, true), trigger, "{word} at {at}");
                    // and from 300 bytes before it, where the first stretch starts elsewhere
                    if let Some(v) = verb_at {
                        assert_eq!(verb(hay, v.saturating_sub(300), true), Some(v));
                    }
                }
            }
        }
    }

    #[test]
    fn near_misses_and_cut_words_are_not_found() {
        for hay in [
            "creat alte connectio",
            "CREAT",
            "ALTE",
            "connectio",
            "c",
            "",
        ] {
            assert_eq!(verb(hay.as_bytes(), 0, false), None, "{hay}");
            assert_eq!(connection(hay.as_bytes(), 0), None, "{hay}");
        }
        // the case bit of a non-letter does not make a letter
        assert_eq!(verb(b"\x03\x12\x05\x01\x14\x05 C\x12EATE", 0, false), None);
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_regexes(
            hay in proptest::collection::vec(proptest::sample::select(b"cCrReEaAtTlLoOnNiI -\x03".to_vec()), 0..200),
            words in proptest::collection::vec((0usize..200, proptest::sample::select(vec!["create", "ALTER", "Connection", "cReAtE", "conNECTION", "alte"])), 0..6),
            from in 0usize..200,
        ) {
            let mut hay = hay;
            for (at, word) in words {
                let at = at.min(hay.len());
                hay.splice(at..at, word.bytes());
            }
            let from = from.min(hay.len());
            let verbs = regex::bytes::Regex::new("(?i-u)create|alter").unwrap();
            let connections = regex::bytes::Regex::new("(?i-u)connection").unwrap();
            proptest::prop_assert_eq!(verb(&hay, from, false), verbs.find_at(&hay, from).map(|m| m.start()));
            proptest::prop_assert_eq!(connection(&hay, from), connections.find_at(&hay, from).map(|m| m.start()));
        }

        #[test]
        fn every_verb_agrees_with_the_regex_window_after_window(
            hay in proptest::collection::vec(proptest::sample::select(b"sSeEtTcCoOpPuUnNlLaAdDhHgGrR -".to_vec()), 0..300),
            words in proptest::collection::vec((0usize..300, proptest::sample::select(vec!["SET", "copy", "UnLoAd", "change", "GRANT", "create", "alter", "se", "gran"])), 0..8),
            cut in 0usize..300,
        ) {
            let mut hay = hay;
            for (at, word) in words {
                let at = at.min(hay.len());
                hay.splice(at..at, word.bytes());
            }
            let verbs = regex::bytes::Regex::new("(?i-u)create|alter|set|copy|unload|change|grant").unwrap();
            let want: Vec<usize> = {
                let mut v = Vec::new();
                let mut at = 0;
                while let Some(m) = verbs.find_at(&hay, at) {
                    v.push(m.start());
                    at = m.start() + 1;
                }
                v
            };
            // one list over a first window and then the whole input, as the stream uses it
            let cut = cut.min(hay.len());
            let mut list = VerbList::default();
            let mut got = Vec::new();
            let mut at = 0;
            while let Some(i) = list.next(&hay[..cut], 0, at, false, true) {
                got.push(i);
                at = i + 1;
            }
            while let Some(i) = list.next(&hay, 0, at, true, true) {
                got.push(i);
                at = i + 1;
            }
            proptest::prop_assert_eq!(got, want);
        }
    }
}
