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

static VERB: LazyLock<Fragment> =
    LazyLock::new(|| Fragment::new(&["cre", "alt", "set", "cop", "unl", "cha", "gra"], 0));
static CONNECTION: LazyLock<Fragment> = LazyLock::new(|| Fragment::new(&["ecti"], 4));

/// The words that can start a statement the engine reads (SPEC §2 and §8).
pub(crate) const VERBS: [&[u8]; 7] = [
    b"create", b"alter", b"set", b"copy", b"unload", b"change", b"grant",
];

/// The first verb ([`VERBS`]) starting at or after `from`.
pub(crate) fn verb(hay: &[u8], from: usize) -> Option<usize> {
    VERB.find(hay, from, |i| {
        let rest = &hay[i..];
        VERBS.iter().any(|v| starts_with_ignore_case(rest, v))
    })
}

/// The first `CONNECTION` starting at or after `from`.
pub(crate) fn connection(hay: &[u8], from: usize) -> Option<usize> {
    CONNECTION.find(hay, from, |i| {
        starts_with_ignore_case(&hay[i..], b"connection")
    })
}

/// Where a credential statement's body may hold something to mask: the start of a fragment of
/// the rule (in any case, `_` and `.` for `-`), of a key the user added, or of `IDENTIFIED`.
/// Candidates come from a prefilter over every case (and separator) variant of each one's first
/// three bytes and are then compared whole, so a body with none of them is skimmed, not read.
#[derive(Clone, Debug)]
pub(crate) struct Triggers {
    search: Option<Prefilter>,
    /// Normalized fragments (`keys::normalized`), compared as the rule reads keys.
    fragments: Vec<Vec<u8>>,
    /// Compared ASCII-case-insensitively: the added keys and `identified`.
    words: Vec<Vec<u8>>,
}

impl Triggers {
    pub(crate) fn new(fragments: &[Vec<u8>], extra_keys: &[String]) -> Triggers {
        let mut words: Vec<Vec<u8>> = extra_keys.iter().map(|k| k.as_bytes().to_vec()).collect();
        words.push(b"identified".to_vec());
        let mut variants: Vec<Vec<u8>> = Vec::new();
        for stem in fragments.iter().chain(&words) {
            let stem = &stem[..stem.len().min(3)];
            let mut these: Vec<Vec<u8>> = vec![Vec::new()];
            for &b in stem {
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
            variants.extend(these.into_iter().filter(|v| !v.is_empty()));
        }
        variants.sort();
        variants.dedup();
        Triggers {
            search: Prefilter::new(MatchKind::LeftmostFirst, &variants),
            fragments: fragments
                .iter()
                .filter(|f| !f.is_empty())
                .cloned()
                .collect(),
            words,
        }
    }

    /// The first trigger at or after `from`; one the window cuts (`!eof`) counts.
    pub(crate) fn find(&self, hay: &[u8], from: usize, eof: bool) -> Option<usize> {
        let search = self.search.as_ref()?;
        let mut at = from;
        while at < hay.len() {
            let c = search.find(hay, Span::from(at..hay.len()))?.start;
            if self.is_at(&hay[c..], eof) {
                return Some(c);
            }
            at = c + 1;
        }
        None
    }

    fn is_at(&self, rest: &[u8], eof: bool) -> bool {
        let normal = |b: u8| match b.to_ascii_lowercase() {
            b'_' | b'.' => b'-',
            b => b,
        };
        let cut = |len: usize| !eof && rest.len() < len;
        self.fragments.iter().any(|f| {
            cut(f.len())
                || (rest.len() >= f.len() && rest.iter().zip(f).all(|(&a, &b)| normal(a) == b))
        }) || self
            .words
            .iter()
            .any(|w| cut(w.len()) || starts_with_ignore_case(rest, w))
    }
}

fn starts_with_ignore_case(hay: &[u8], word: &[u8]) -> bool {
    hay.len() >= word.len() && hay[..word.len()].eq_ignore_ascii_case(word)
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
            assert_eq!(all(verb, hay.as_bytes()), [p, p + 9, p + 41], "pad {pad}");
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
            assert_eq!(verb(hay.as_bytes(), 0), None, "{hay}");
            assert_eq!(connection(hay.as_bytes(), 0), None, "{hay}");
        }
        // the case bit of a non-letter does not make a letter
        assert_eq!(verb(b"\x03\x12\x05\x01\x14\x05 C\x12EATE", 0), None);
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
            proptest::prop_assert_eq!(verb(&hay, from), verbs.find_at(&hay, from).map(|m| m.start()));
            proptest::prop_assert_eq!(connection(&hay, from), connections.find_at(&hay, from).map(|m| m.start()));
        }
    }
}
