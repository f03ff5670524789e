//! The ASCII-case-insensitive searches for the keywords, over whole windows.
//!
//! Blocks of 32 positions are tested at once for three letters of a keyword, each byte's case
//! bit forced (`| 0x20`, so `CrEaTe` counts and no other byte does): the loop has no branch,
//! and the compiler turns it into vector code. Only a block with a candidate is looked at
//! position by position. There is nothing to set up per call, so a search that ends a few bytes
//! on costs a few instructions; a regex search costs about a thousand to start, and the engine
//! searches once per statement.
//!
//! Invariant: [`verb`] and [`connection`] return the leftmost match at or after `from`, exactly
//! as `(?i-u)create|alter` and `(?i-u)connection` would (tested against those regexes).

const BLOCK: usize = 32;

/// The first `CREATE` or `ALTER` starting at or after `from`.
pub(crate) fn verb(hay: &[u8], from: usize) -> Option<usize> {
    let is_at = |i: usize| {
        let rest = &hay[i..];
        match rest[0] | 0x20 {
            b'c' => starts_with_ignore_case(rest, b"create"),
            b'a' => starts_with_ignore_case(rest, b"alter"),
            _ => false,
        }
    };
    let first = |a: u8, b: u8, c: u8| (a == b'c') & (b == b'r') & (c == b'e');
    let second = |a: u8, b: u8, c: u8| (a == b'a') & (b == b'l') & (c == b't');
    scan(hay, from, |a, b, c| first(a, b, c) | second(a, b, c), is_at)
}

/// The first `CONNECTION` starting at or after `from`.
pub(crate) fn connection(hay: &[u8], from: usize) -> Option<usize> {
    // its `NEC` (at offset 3) is rarer in SQL and logs than its start (`con`nector, `con`fig)
    const OFFSET: usize = 3;
    let is_at =
        |i: usize| i >= OFFSET && starts_with_ignore_case(&hay[i - OFFSET..], b"connection");
    let hit = |a: u8, b: u8, c: u8| (a == b'n') & (b == b'e') & (c == b'c');
    scan(hay, from.saturating_add(OFFSET), hit, is_at).map(|i| i - OFFSET)
}

fn starts_with_ignore_case(hay: &[u8], word: &[u8]) -> bool {
    hay.len() >= word.len() && hay[..word.len()].eq_ignore_ascii_case(word)
}

/// The first position at or after `from` where `is_at` holds; `hit` (of the three bytes there,
/// case bits forced) holds wherever `is_at` does.
#[inline(always)]
fn scan(
    hay: &[u8],
    from: usize,
    hit: impl Fn(u8, u8, u8) -> bool,
    is_at: impl Fn(usize) -> bool,
) -> Option<usize> {
    let mut i = from;
    while i + BLOCK + 2 <= hay.len() {
        // three overlapping blocks, one for each byte of the candidates: each is one load
        let block =
            |at: usize| -> &[u8; BLOCK] { hay[at..at + BLOCK].try_into().expect("a block") };
        let (first, second, third) = (block(i), block(i + 1), block(i + 2));
        let mut any = false;
        for j in 0..BLOCK {
            any |= hit(first[j] | 0x20, second[j] | 0x20, third[j] | 0x20);
        }
        if any && let Some(j) = (i..i + BLOCK).find(|&j| is_at(j)) {
            return Some(j);
        }
        i += BLOCK;
    }
    (i..hay.len()).find(|&j| is_at(j))
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
    fn any_case_at_any_offset_across_blocks() {
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
