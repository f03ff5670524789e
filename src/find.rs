//! The ASCII-case-insensitive searches for the keywords, over whole windows.
//!
//! Candidates come from `regex-automata`'s prefilter (a vectorised multi-substring search,
//! Teddy where the CPU has it) over every ASCII case variant of a short fragment of the keyword;
//! each candidate is then compared with the whole keyword. The fragments are chosen for rarity:
//! `cre`/`alt` for the verbs, and `ecti` inside CONNECTION, which `connector` and `config`
//! do not hold.
//!
//! Invariant: [`verb`] and [`connection`] return the leftmost match at or after `from`, exactly
//! as `(?i-u)create|alter` and `(?i-u)connection` would (tested against those regexes).

use std::sync::LazyLock;

use regex_automata::util::prefilter::Prefilter;
use regex_automata::{MatchKind, Span};

/// A fragment of a keyword, where it stands in the keyword, and a search for it in any case.
struct Fragment {
    offset: usize,
    search: Prefilter,
}

impl Fragment {
    /// Searches for every ASCII case variant of each fragment; all must have `offset`.
    fn new(fragments: &[&str], offset: usize) -> Fragment {
        let mut variants = Vec::new();
        for fragment in fragments {
            let bytes = fragment.as_bytes();
            for mask in 0..1u32 << bytes.len() {
                let variant: Vec<u8> = (0..bytes.len())
                    .map(|i| match mask >> i & 1 {
                        1 => bytes[i].to_ascii_uppercase(),
                        _ => bytes[i],
                    })
                    .collect();
                variants.push(variant);
            }
        }
        let search = Prefilter::new(MatchKind::LeftmostFirst, &variants)
            .expect("a prefilter for a few short literals");
        Fragment { offset, search }
    }

    /// The first keyword start at or after `from` for which `is_at` holds, among the places
    /// where the fragment stands `offset` bytes in.
    fn find(&self, hay: &[u8], from: usize, is_at: impl Fn(usize) -> bool) -> Option<usize> {
        let mut at = from.checked_add(self.offset)?;
        while at < hay.len() {
            let candidate = self.search.find(hay, Span::from(at..hay.len()))?.start;
            let start = candidate - self.offset;
            if is_at(start) {
                return Some(start);
            }
            at = candidate + 1;
        }
        None
    }
}

/// The verbs in groups of at most 16 case variants, so each search is a slim Teddy: `CREATE`
/// and `ALTER` (the only ones with connections only), then the verbs of credential statements.
static VERBS_BY_GROUP: LazyLock<[Fragment; 4]> = LazyLock::new(|| {
    [
        Fragment::new(&["cre", "alt"], 0),
        Fragment::new(&["set", "cop"], 0),
        Fragment::new(&["unl", "cha"], 0),
        Fragment::new(&["gra"], 0),
    ]
});
static CONNECTION: LazyLock<Fragment> = LazyLock::new(|| Fragment::new(&["ecti"], 4));

/// The words that can start a statement the engine reads (SPEC §2 and §8).
pub(crate) const VERBS: [&[u8]; 7] = [
    b"create", b"alter", b"set", b"copy", b"unload", b"change", b"grant",
];

/// The first verb (`CREATE` or `ALTER`, and with `credentials` any of [`VERBS`]) over one
/// window after another, remembering each group's next match so a search is
/// not repeated for every match of another group.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct VerbCursor {
    /// Per group `(from, at, end)`: its first match at or after `from` is at `at`
    /// (`u64::MAX`: none before `end`, the end of the window searched). Absolute offsets.
    memo: [Option<(u64, u64, u64)>; 4],
}

impl VerbCursor {
    /// The first verb starting at or after `from` in `hay`, which holds the input from `base`.
    pub(crate) fn next(
        &mut self,
        hay: &[u8],
        base: u64,
        from: usize,
        credentials: bool,
    ) -> Option<usize> {
        let groups = if credentials { 4 } else { 1 };
        let (q, end) = (base + from as u64, base + hay.len() as u64);
        let mut best = u64::MAX;
        for (group, memo) in VERBS_BY_GROUP[..groups].iter().zip(&mut self.memo) {
            let at = match *memo {
                Some((f, a, _)) if f <= q && q <= a && a != u64::MAX => a,
                Some((f, u64::MAX, e)) if f <= q && e == end => u64::MAX,
                _ => {
                    let a = group
                        .find(hay, from, |i| {
                            VERBS.iter().any(|v| starts_with_ignore_case(&hay[i..], v))
                        })
                        .map_or(u64::MAX, |i| base + i as u64);
                    *memo = Some((q, a, end));
                    a
                }
            };
            best = best.min(at);
        }
        (best != u64::MAX).then(|| (best - base) as usize)
    }
}

/// The verbs of one input, found once and answered to every reader that asks (the reading as
/// written and the scanners of SPEC §9 each walk the input at their own pace): every verb
/// starting before `searched` (and not released) is in `found`.
#[derive(Debug, Default)]
pub(crate) struct VerbList {
    cursor: VerbCursor,
    found: std::collections::VecDeque<u64>,
    searched: u64,
}

impl VerbList {
    pub(crate) fn reset(&mut self, base: u64) {
        self.cursor = VerbCursor::default();
        self.found.clear();
        self.searched = base;
    }

    /// As [`VerbCursor::next`]: the first verb starting at or after `from` in `hay`, which holds
    /// the input from `base`.
    pub(crate) fn next(
        &mut self,
        hay: &[u8],
        base: u64,
        from: usize,
        credentials: bool,
    ) -> Option<usize> {
        let q = base + from as u64;
        loop {
            let i = self.found.partition_point(|&v| v < q);
            if let Some(&v) = self.found.get(i) {
                return Some((v - base) as usize);
            }
            let end = base + hay.len() as u64;
            let at = self.searched.max(base);
            if at >= end {
                return None;
            }
            match self
                .cursor
                .next(hay, base, (at - base) as usize, credentials)
            {
                Some(v) => {
                    self.found.push_back(base + v as u64);
                    self.searched = base + v as u64 + 1;
                }
                None => {
                    // a verb that starts this close to the end may be cut: searched again later
                    self.searched = self.searched.max(end.saturating_sub(5));
                    return None;
                }
            }
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
    CONNECTION.find(hay, from, |i| {
        starts_with_ignore_case(&hay[i..], b"connection")
    })
}

/// Where a credential statement's body may hold something to mask: a fragment of the rule (in
/// any case, `_` and `.` for `-`), a key the user added, or `IDENTIFIED`. Candidates come from a
/// prefilter over every case variant of a three-byte stem taken from inside each (for the
/// default fragments, eight stems cover all sixteen: `key` is in seven of them), and each
/// candidate is compared whole, so a body with none of them is skimmed, not read.
#[derive(Clone, Debug)]
pub(crate) struct Triggers {
    search: Option<Prefilter>,
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
/// stop at every `CREATE`, `htt` at every URL).
const STEMS: &[&[u8]] = &[
    b"ssw", b"ecr", b"oke", b"key", b"den", b"aas", b"uth", b"hea",
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
        let mut variants: Vec<Vec<u8>> = Vec::new();
        for (stem, _) in &stems {
            let stem: Vec<u8> = stem.iter().copied().filter(|&b| b != 0).collect();
            let mut these: Vec<Vec<u8>> = vec![Vec::new()];
            for &b in &stem {
                let options: Vec<u8> = match b {
                    b'-' | b'_' | b'.' => vec![b'-', b'_', b'.'],
                    b if b.is_ascii_alphabetic() => {
                        vec![b.to_ascii_lowercase(), b.to_ascii_uppercase()]
                    }
                    b => vec![b],
                };
                these = these
                    .iter()
                    .flat_map(|v| {
                        options.iter().map(move |&o| {
                            let mut v = v.clone();
                            v.push(o);
                            v
                        })
                    })
                    .collect();
            }
            variants.extend(these);
        }
        variants.sort();
        variants.dedup();
        Triggers {
            search: Prefilter::new(MatchKind::LeftmostFirst, &variants),
            stems,
        }
    }

    /// The start of the first trigger that covers a position at or after `from` (it may start
    /// a little before `from`); one the window cuts (`!eof`) counts.
    pub(crate) fn find(&self, hay: &[u8], from: usize, eof: bool) -> Option<usize> {
        let search = self.search.as_ref()?;
        let mut at = from;
        while at < hay.len() {
            let c = search.find(hay, Span::from(at..hay.len()))?.start;
            if let Some(start) = self.at(hay, c, eof) {
                return Some(start);
            }
            at = c + 1;
        }
        None
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
/// The first verb at or after `from` (tests only: the readers keep a [`VerbCursor`]).
fn verb(hay: &[u8], from: usize, credentials: bool) -> Option<usize> {
    VerbCursor::default().next(hay, 0, from, credentials)
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
            // one cursor over a first window and then the whole input, as the stream uses it
            let cut = cut.min(hay.len());
            let mut cursor = VerbCursor::default();
            let mut got = Vec::new();
            let mut at = 0;
            while let Some(i) = cursor.next(&hay[..cut], 0, at, true) {
                if i + 7 > cut {
                    break; // a window's last bytes may hold a verb cut short
                }
                got.push(i);
                at = i + 1;
            }
            while let Some(i) = cursor.next(&hay, 0, at, true) {
                got.push(i);
                at = i + 1;
            }
            proptest::prop_assert_eq!(got, want);
        }
    }
}
