//! A deliberately simple reference implementation of SPEC §2–6 and §9's readings (text mode),
//! kept next to the tests to check the engine against: whole input only, byte by byte, each
//! statement examined on its own from scratch (quadratic, which is fine for test inputs), no
//! streaming, no merging of runs; every JSON string and every literal piece is decoded whole
//! and read again. It follows the same reading as the engine where the spec leaves room: every
//! value continues with the literals after it, glued or not.

#![allow(dead_code)]
#![allow(clippy::needless_range_loop)] // the textbook dynamic programme reads best with indices

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefSecret {
    pub key: String,
    pub value: String,
    pub connection: Option<String>,
    pub start: usize,
    pub end: usize,
    pub line: usize,
    /// Where its key stands.
    pub key_span: (usize, usize),
    /// Its last literal closed.
    pub closed: bool,
    /// It is the mask literal (not masked, not reported; SPEC §9 needs where it stands).
    pub already: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefWarning {
    pub key: String,
    pub suggestion: String,
    pub start: usize,
    pub end: usize,
    pub line: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum K {
    Comment,
    /// quote byte, prefix letter (0, b'N', b'X', b'U', b'_')
    Quoted(u8, u8),
    Word,
    Sep,
    Open,
    Close,
    Semi,
    Comma,
    Other(u8),
    End,
}

#[derive(Clone)]
struct Tok {
    k: K,
    start: usize,
    end: usize,
    content: Vec<u8>,
    terminated: bool,
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

fn space_at(s: &[u8], p: usize) -> usize {
    usize::from(matches!(s[p], b' ' | b'\t' | b'\r' | b'\n' | 0x0c))
}

/// The end of a word (`a`, `a-b.c`, `llm-`) starting at `p`: word bytes, `.`, and `-` unless
/// it opens a comment.
fn word_end(s: &[u8], p: usize) -> usize {
    let mut e = p;
    while e < s.len()
        && (is_word(s[e]) || s[e] == b'.' || s[e] == b'-' && s.get(e + 1) != Some(&b'-'))
    {
        e += 1;
    }
    e
}

/// Reads a quoted body from `p` (after the opener) closed by `q`; doubled closers stand for one.
fn quoted(s: &[u8], mut p: usize, q: &[u8]) -> (Vec<u8>, usize, bool) {
    let mut content = Vec::new();
    while p < s.len() {
        if s[p..].starts_with(q) {
            if s[p + q.len()..].starts_with(q) {
                content.extend_from_slice(&s[p..p + 2 * q.len()]);
                p += 2 * q.len();
                continue;
            }
            return (content, p + q.len(), true);
        }
        content.push(s[p]);
        p += 1;
    }
    (content, s.len(), false)
}

/// The token at `p`, white space skipped first.
fn token(s: &[u8], mut p: usize) -> Tok {
    while p < s.len() && space_at(s, p) > 0 {
        p += space_at(s, p);
    }
    let start = p;
    let tok = |k, end, content, terminated| Tok {
        k,
        start,
        end,
        content,
        terminated,
    };
    if p >= s.len() {
        return tok(K::End, p, vec![], true);
    }
    let rest = &s[p..];
    if rest.starts_with(b"--") {
        let mut e = p + 2;
        while e < s.len() && !matches!(s[e], b'\n' | b'\r') {
            e += 1;
        }
        return tok(K::Comment, e, vec![], true);
    }
    if rest.starts_with(b"/*") {
        let e = (p + 2..s.len().saturating_sub(1))
            .find(|&i| &s[i..i + 2] == b"*/")
            .map_or(s.len(), |i| i + 2);
        return tok(K::Comment, e, vec![], true);
    }
    match s[p] {
        b'\'' | b'"' | b'`' => {
            let (c, e, t) = quoted(s, p + 1, &s[p..p + 1]);
            return tok(K::Quoted(s[p], 0), e, c, t);
        }
        b'(' => return tok(K::Open, p + 1, vec![], true),
        b')' => return tok(K::Close, p + 1, vec![], true),
        b';' => return tok(K::Semi, p + 1, vec![], true),
        b',' => return tok(K::Comma, p + 1, vec![], true),
        b'=' | b':' | b'>' => {
            let e = (p..s.len())
                .find(|&i| !matches!(s[i], b'=' | b':' | b'>'))
                .unwrap_or(s.len());
            return tok(K::Sep, e, vec![], true);
        }
        _ => {}
    }
    // prefixes glued to a quote: N' X' U&' _charset'
    let upper = s[p].to_ascii_uppercase();
    if matches!(upper, b'N' | b'X') && s.get(p + 1) == Some(&b'\'') {
        let (c, e, t) = quoted(s, p + 2, b"'");
        return tok(K::Quoted(b'\'', upper), e, c, t);
    }
    if upper == b'U' && s.get(p + 1) == Some(&b'&') && s.get(p + 2) == Some(&b'\'') {
        let (c, e, t) = quoted(s, p + 3, b"'");
        return tok(K::Quoted(b'\'', b'U'), e, c, t);
    }
    if is_word(s[p]) {
        let e = word_end(s, p);
        if s[p] == b'_' && s.get(e) == Some(&b'\'') {
            let (c, e2, t) = quoted(s, e + 1, b"'");
            return tok(K::Quoted(b'\'', b'_'), e2, c, t);
        }
        return tok(K::Word, e, vec![], true);
    }
    tok(K::Other(s[p]), p + 1, vec![], true)
}

/// The end of the input, as a token: an unterminated literal has run to it.
fn end_of(s: &[u8]) -> Tok {
    Tok {
        k: K::End,
        start: s.len(),
        end: s.len(),
        content: vec![],
        terminated: true,
    }
}

fn undouble(content: &[u8], q: u8) -> Vec<u8> {
    let unit: &[u8] = std::slice::from_ref(&q);
    let mut out = Vec::new();
    let mut i = 0;
    while i < content.len() {
        if content[i..].starts_with(unit) && content[i + unit.len()..].starts_with(unit) {
            out.extend_from_slice(unit);
            i += 2 * unit.len();
        } else {
            out.push(content[i]);
            i += 1;
        }
    }
    out
}

fn word_is(s: &[u8], t: &Tok, w: &str) -> bool {
    t.k == K::Word && s[t.start..t.end].eq_ignore_ascii_case(w.as_bytes())
}

struct Part {
    quote: u8,
    prefix: u8,
    content: Vec<u8>,
}

/// One statement from its verb at `at`: its secrets (each with the statement start) and
/// warnings.
fn statement(
    s: &[u8],
    at: usize,
    keys: &[String],
    mask_raw: &[u8],
    strict: bool,
) -> (Vec<RefSecret>, Vec<RefWarning>) {
    let (mut secrets, mut warnings) = (vec![], vec![]);
    let line = |p: usize| 1 + s[..p].iter().filter(|&&b| b == b'\n').count();
    let verb = token(s, at);
    if verb.start != at || !(word_is(s, &verb, "CREATE") || word_is(s, &verb, "ALTER")) {
        return (secrets, warnings);
    }
    let mut p = verb.end;
    loop {
        let t = token(s, p);
        if t.k == K::Comment
            || ["OR", "REPLACE", "TEMPORARY", "SYSTEM"]
                .iter()
                .any(|w| word_is(s, &t, w))
        {
            p = t.end;
        } else if word_is(s, &t, "CONNECTION") {
            p = t.end;
            break;
        } else {
            return (secrets, warnings);
        }
    }
    // IF [NOT] EXISTS and the name
    let mut ifs = 0;
    let mut name: Vec<Vec<u8>> = vec![];
    let mut t = token(s, p);
    let mut if_word = vec![];
    loop {
        if t.k == K::Comment {
        } else if ifs == 0 && word_is(s, &t, "IF") {
            ifs = 1;
            if_word = s[t.start..t.end].to_vec();
        } else if ifs == 1 && word_is(s, &t, "NOT") {
            ifs = 2;
        } else if ifs >= 1 && word_is(s, &t, "EXISTS") {
            ifs = 3;
        } else {
            break;
        }
        t = token(s, t.end);
    }
    // `IF` without `[NOT] EXISTS` after it is the name
    if ifs == 1 {
        name.push(if_word);
    }
    let named = ifs != 1
        && (t.k == K::Word
            && !["WITH", "SET", "COMMENT", "RENAME", "RESET"]
                .iter()
                .any(|w| word_is(s, &t, w))
            || t.k == K::Quoted(b'`', 0));
    if named {
        loop {
            if name.len() < 3 {
                if t.k == K::Word {
                    for part in s[t.start..t.end].split(|&b| b == b'.') {
                        if name.len() < 3 && !part.is_empty() {
                            name.push(part.to_vec());
                        }
                    }
                } else {
                    name.push(undouble(&t.content, b'`'));
                }
            }
            // a word may end with the `.` before the next part
            let ends_with_dot = t.k == K::Word && s[t.end - 1] == b'.';
            let dot = if ends_with_dot {
                Tok {
                    k: K::Other(b'.'),
                    start: t.end,
                    end: t.end,
                    content: vec![],
                    terminated: true,
                }
            } else {
                token(s, t.end)
            };
            let part = token(s, dot.end);
            if dot.k == K::Other(b'.')
                && name.len() < 3
                && (part.k == K::Word || part.k == K::Quoted(b'`', 0))
            {
                t = part;
            } else if dot.k == K::Other(b'.') && name.len() < 3 {
                t = part;
                break;
            } else {
                t = dot;
                break;
            }
        }
    }
    let connection =
        (!name.is_empty()).then(|| String::from_utf8_lossy(&name.join(&b'.')).into_owned());
    // the body: `t` is its first token
    let (mut depth, mut opened) = (0usize, false);
    let mut key: Option<Tok> = None;
    loop {
        match t.k {
            K::End | K::Semi => break,
            K::Open => {
                opened = true;
                depth += 1;
                key = None;
            }
            K::Close if opened => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
                key = None;
            }
            // `KEY SEP VALUE`, or `KEY 'value'` with white space or a comment between (SPEC §3)
            K::Sep if key.is_some() => {}
            K::Quoted(b'\'', _) if key.as_ref().is_some_and(|k| t.start > k.end) => {}
            K::Word | K::Quoted(..) => {
                let end = t.end;
                key = Some(t);
                t = token(s, end);
                continue;
            }
            K::Comment if key.is_some() => {}
            _ => key = None,
        }
        if matches!(t.k, K::Sep | K::Quoted(..)) && key.is_some() {
            let sepless = t.k != K::Sep;
            {
                let k = key.take().unwrap();
                let text = if k.k == K::Word {
                    s[k.start..k.end].to_vec()
                } else {
                    undouble(
                        &k.content,
                        match k.k {
                            K::Quoted(q, _) => q,
                            _ => 0,
                        },
                    )
                };
                let class = if text.len() > 256 || (k.k != K::Word && !k.terminated) {
                    None
                } else {
                    classify(&text, keys)
                };
                let mask = match class {
                    Some(None) => true,
                    Some(Some(i)) if strict => {
                        let _ = i;
                        true
                    }
                    Some(Some(_)) if sepless => false,
                    Some(Some(i)) => {
                        warnings.push(RefWarning {
                            key: String::from_utf8_lossy(&text).into_owned(),
                            suggestion: keys[i].clone(),
                            start: k.start,
                            end: k.end,
                            line: line(k.start),
                        });
                        false
                    }
                    None => false,
                };
                // the value
                let mut v = if sepless { t.clone() } else { token(s, t.end) };
                while matches!(v.k, K::Comment | K::Sep) {
                    v = token(s, v.end);
                }
                let (vstart, mut vend, mut parts, quote, terminated);
                match v.k {
                    K::Comma | K::Close | K::Semi | K::End => {
                        t = v;
                        continue;
                    }
                    K::Quoted(q, prefix) => {
                        vstart = v.start;
                        vend = v.end;
                        quote = q;
                        terminated = v.terminated;
                        parts = vec![Part {
                            quote: q,
                            prefix,
                            content: v.content,
                        }];
                    }
                    _ if bare_secret_reference(s, &v) => {
                        // `SECRET name` names a stored secret: no value
                        let mut name = token(s, v.start + 6);
                        while name.k == K::Comment {
                            name = token(s, name.end);
                        }
                        t = token(s, name.end);
                        continue;
                    }
                    _ => {
                        vstart = v.start;
                        vend = (v.start..s.len())
                            .find(|&i| {
                                matches!(
                                    s[i],
                                    b' ' | b'\t'
                                        | 0x0c
                                        | b'\r'
                                        | b'\n'
                                        | b','
                                        | b')'
                                        | b';'
                                        | b'\\'
                                )
                            })
                            .unwrap_or(s.len());
                        quote = 0;
                        terminated = true;
                        parts = vec![Part {
                            quote: 0,
                            prefix: 0,
                            content: s[vstart..vend].to_vec(),
                        }];
                    }
                }
                let mut closed = terminated;
                let already = quote == b'\''
                    && parts[0].prefix == 0
                    && terminated
                    && parts[0].content == mask_raw;
                let mut already = already;
                let mut uescape = None;
                let mut next = token(s, vend);
                if terminated {
                    // a `'…'` glued to a `"…"` or `` `…` `` value continues it like one set
                    // apart, unless a separator follows it (SPEC §3)
                    let _ = quote;
                    let mut uescape_allowed = parts[0].prefix == b'U';
                    loop {
                        while next.k == K::Comment {
                            next = token(s, next.end);
                        }
                        if uescape_allowed && word_is(s, &next, "UESCAPE") {
                            let mut lit = token(s, next.end);
                            while lit.k == K::Comment {
                                lit = token(s, lit.end);
                            }
                            if lit.k == K::Quoted(b'\'', lit_prefix(&lit)) {
                                uescape = undouble(&lit.content, b'\'').first().copied();
                                uescape_allowed = false;
                                vend = lit.end;
                                already = false;
                                closed = lit.terminated;
                                next = token(s, vend);
                                continue;
                            }
                            next = lit;
                            break;
                        }
                        if let K::Quoted(b'\'', prefix) = next.k {
                            // a literal followed by a separator is the next key
                            let mut after = token(s, next.end);
                            while after.k == K::Comment {
                                after = token(s, after.end);
                            }
                            if after.k == K::Sep && next.terminated {
                                break;
                            }
                            vend = next.end;
                            already = false;
                            let term = next.terminated;
                            closed = term;
                            parts.push(Part {
                                quote: b'\'',
                                prefix,
                                content: std::mem::take(&mut next.content),
                            });
                            if !term {
                                next = end_of(s);
                                break;
                            }
                            next = token(s, vend);
                            continue;
                        }
                        break;
                    }
                }
                if mask && already {
                    secrets.push(RefSecret {
                        key: String::new(),
                        value: String::new(),
                        connection: None,
                        start: vstart,
                        end: vend,
                        line: 0,
                        key_span: (k.start, k.end),
                        closed,
                        already: true,
                    });
                }
                if mask && !already {
                    let mut value = Vec::new();
                    for part in &parts {
                        if part.quote == 0 {
                            value.extend_from_slice(&part.content);
                        } else if part.prefix == b'U' {
                            value.extend(super::unicode_unescape(
                                &undouble(&part.content, part.quote),
                                uescape.unwrap_or(b'\\'),
                            ));
                        } else {
                            value.extend(undouble(&part.content, part.quote));
                        }
                    }
                    secrets.push(RefSecret {
                        key: String::from_utf8_lossy(&text).into_owned(),
                        value: String::from_utf8_lossy(&value).into_owned(),
                        connection: connection.clone(),
                        start: vstart,
                        end: vend,
                        line: line(vstart),
                        key_span: (k.start, k.end),
                        closed,
                        already: false,
                    });
                }
                t = next;
                continue;
            }
        }
        t = token(s, t.end);
    }
    (secrets, warnings)
}

/// A bare value that is the word `SECRET` followed by a name.
fn bare_secret_reference(s: &[u8], v: &Tok) -> bool {
    let end = (v.start..s.len())
        .find(|&i| {
            matches!(
                s[i],
                b' ' | b'\t' | 0x0c | b'\r' | b'\n' | b',' | b')' | b';'
            )
        })
        .unwrap_or(s.len());
    if end - v.start != 6 || !s[v.start..end].eq_ignore_ascii_case(b"SECRET") {
        return false;
    }
    let mut name = token(s, end);
    while name.k == K::Comment {
        name = token(s, name.end);
    }
    name.k == K::Word
}

fn lit_prefix(t: &Tok) -> u8 {
    match t.k {
        K::Quoted(_, p) => p,
        _ => 0,
    }
}

/// `None`: sensitive; `Some(Some(i))`: near miss of key `i`; outer `None`: anything else.
fn classify(key: &[u8], keys: &[String]) -> Option<Option<usize>> {
    if keys.iter().any(|k| key.eq_ignore_ascii_case(k.as_bytes())) {
        return Some(None);
    }
    if sqlredact::KNOWN_SAFE_KEYS
        .iter()
        .any(|k| key.eq_ignore_ascii_case(k.as_bytes()))
    {
        return None;
    }
    let lower = key.to_ascii_lowercase();
    let strip = |k: &[u8]| -> Vec<u8> {
        k.iter()
            .copied()
            .filter(|b| !matches!(b, b'-' | b'_' | b'.'))
            .collect()
    };
    for (i, k) in keys.iter().enumerate() {
        let k = k.to_ascii_lowercase();
        if edit_distance(&lower, k.as_bytes()) == 1 || strip(&lower) == strip(k.as_bytes()) {
            return Some(Some(i));
        }
    }
    None
}

/// Optimal string alignment distance (insert, delete, replace, swap of neighbours), the
/// textbook dynamic programme.
fn edit_distance(a: &[u8], b: &[u8]) -> usize {
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in 0..=a.len() {
        d[i][0] = i;
    }
    for j in 0..=b.len() {
        d[0][j] = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// Every statement of `input` as written (whole-input mode), combined: sorted by start, a
/// secret inside an earlier mask dropped, one reaching past it cut to the remainder.
fn as_written(
    input: &[u8],
    keys: &[String],
    mask_raw: &[u8],
    strict: bool,
) -> (Vec<RefSecret>, Vec<RefWarning>, Vec<(usize, usize)>) {
    let mut all = vec![];
    let mut warnings = vec![];
    let mut already = vec![];
    let lower = input.to_ascii_lowercase();
    for at in 0..input.len() {
        let starts = lower[at..].starts_with(b"create") || lower[at..].starts_with(b"alter");
        let glued = at > 0 && is_word(input[at - 1]);
        if starts && !glued {
            let (s, w) = statement(input, at, keys, mask_raw, strict);
            let (masks, s): (Vec<_>, Vec<_>) = s.into_iter().partition(|s| s.already);
            already.extend(masks.iter().map(|s| (s.start, s.end)));
            all.extend(s.into_iter().map(|s| (at, s)));
            warnings.extend(w);
        }
    }
    all.sort_by_key(|(run, s)| (s.start, *run));
    let mut out = vec![];
    let mut covered = 0;
    for (_, mut s) in all {
        let at = s.start.max(covered);
        if s.end > at {
            // a value that starts inside another's mask starts where that mask ends, on its line
            s.line += input[s.start..at].iter().filter(|&&b| b == b'\n').count();
            s.start = at;
            covered = s.end;
            out.push(s);
        }
    }
    warnings.sort_by_key(|w| w.start);
    warnings.dedup_by_key(|w| w.start);
    warnings.retain(|w| !out.iter().any(|s| s.start <= w.start && w.start < s.end));
    (out, warnings, already)
}

/// Decoded text, and for each decoded byte the encoded range it came from.
pub type Decoded = (Vec<u8>, Vec<(usize, usize)>);

/// The content ranges of the JSON strings of `input`: each line read from its start as JSON
/// text; a string ends at its closing `"` or at the end of its line (before a `\r\n`).
fn json_strings(input: &[u8]) -> Vec<(usize, usize)> {
    let mut out = vec![];
    let mut line_start = 0;
    for line in input.split(|&b| b == b'\n') {
        let mut open = None;
        let mut i = 0;
        while i < line.len() {
            match (open, line[i]) {
                (None, b'"') => open = Some(i + 1),
                (Some(_), b'\\') => i += 1,
                (Some(a), b'"') => {
                    out.push((line_start + a, line_start + i));
                    open = None;
                }
                _ => {}
            }
            i += 1;
        }
        if let Some(a) = open {
            let end = line.len() - usize::from(line.ends_with(b"\r"));
            out.push((line_start + a, line_start + end.max(a)));
        }
        line_start += line.len() + 1;
    }
    out
}

pub fn json_decode(raw: &[u8]) -> Decoded {
    let (mut out, mut from) = (vec![], vec![]);
    let hex = |at: usize| -> Option<u32> {
        let h = raw.get(at..at + 4)?;
        if h.iter().all(|b| b.is_ascii_hexdigit()) {
            u32::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok()
        } else {
            None
        }
    };
    let mut i = 0;
    while i < raw.len() {
        let mut push = |bytes: &[u8], len: usize| {
            out.extend_from_slice(bytes);
            from.extend(std::iter::repeat_n((i, i + len), bytes.len()));
            len
        };
        if raw[i] != b'\\' {
            i += push(&raw[i..i + 1], 1);
            continue;
        }
        let simple = match raw.get(i + 1) {
            Some(b'"') => Some(b'"'),
            Some(b'\\') => Some(b'\\'),
            Some(b'/') => Some(b'/'),
            Some(b'b') => Some(8),
            Some(b'f') => Some(12),
            Some(b'n') => Some(b'\n'),
            Some(b'r') => Some(b'\r'),
            Some(b't') => Some(b'\t'),
            _ => None,
        };
        if let Some(b) = simple {
            i += push(&[b], 2);
        } else if raw.get(i + 1) == Some(&b'u')
            && let Some(hi) = hex(i + 2)
        {
            let pair = (0xD800..0xDC00).contains(&hi) && raw.get(i + 6..i + 8) == Some(b"\\u");
            let lo = if pair {
                hex(i + 8).filter(|lo| (0xDC00..0xE000).contains(lo))
            } else {
                None
            };
            let (c, len) = match lo {
                Some(lo) => (0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00), 12),
                None => (hi, 6),
            };
            let c = char::from_u32(c).unwrap_or('\u{FFFD}');
            let mut buf = [0; 4];
            i += push(c.encode_utf8(&mut buf).as_bytes(), len);
        } else {
            i += push(b"\\", 1);
        }
    }
    (out, from)
}

/// The pieces of `text` cut at every `'` that is not doubled.
fn sql_pieces(text: &[u8]) -> Vec<(usize, usize)> {
    let (mut out, mut start, mut i) = (vec![], 0, 0);
    while i < text.len() {
        if text[i] == b'\'' {
            if text.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            out.push((start, i));
            start = i + 1;
        }
        i += 1;
    }
    out.push((start, text.len()));
    out
}

pub fn sql_decode(raw: &[u8]) -> Decoded {
    let (mut out, mut from) = (vec![], vec![]);
    let mut i = 0;
    while i < raw.len() {
        let len = if raw[i..].starts_with(b"''") { 2 } else { 1 };
        out.push(raw[i]);
        from.push((i, i + len));
        i += len;
    }
    (out, from)
}

/// A reading's rank (JSON 0, SQL in JSON 1, as written 2, SQL 3), secrets, warnings, and the
/// values it sees as the mask literal.
type Reading = (u8, Vec<RefSecret>, Vec<RefWarning>, Vec<(usize, usize)>);

/// Reads decoded text as written and maps what it finds to the input: `map` gives each decoded
/// byte's range in the input. Values whose literal the decoded text leaves open give nothing.
fn read_decoded(
    input: &[u8],
    (text, map): &Decoded,
    rank: u8,
    keys: &[String],
    mask_raw: &[u8],
    strict: bool,
) -> Reading {
    let (secrets, warnings, already) = as_written(text, keys, mask_raw, strict);
    let line = |p: usize| 1 + input[..p].iter().filter(|&&b| b == b'\n').count();
    let span = |a: usize, b: usize| (map[a].0, map[b - 1].1);
    let secrets = secrets
        .into_iter()
        .filter(|s| s.closed && s.end > s.start)
        .map(|mut s| {
            (s.start, s.end) = span(s.start, s.end);
            s.key_span = span(s.key_span.0, s.key_span.1);
            s.line = line(s.start);
            s
        })
        .collect();
    let warnings = warnings
        .into_iter()
        .map(|mut w| {
            (w.start, w.end) = span(w.start, w.end);
            w.line = line(w.start);
            w
        })
        .collect();
    let already = already.into_iter().map(|(a, b)| span(a, b)).collect();
    (rank, secrets, warnings, already)
}

/// Every statement of `input` in the four readings of SPEC §9 (whole input, text mode),
/// combined: masks that overlap are one, reported by the largest value (among equals, the
/// readings through a JSON string first, then the readings' order), and a near miss whose key another reading masks
/// a value of is dropped.
pub fn reference(
    input: &[u8],
    keys: &[String],
    mask: &str,
    strict: bool,
) -> (Vec<RefSecret>, Vec<RefWarning>) {
    let mask_raw = mask.replace('\'', "''").into_bytes();
    let (s, w, _) = as_written(input, keys, &mask_raw, strict);
    let mut readings: Vec<Reading> = vec![(2, s, w, vec![])];
    let compose = |outer: &[(usize, usize)], (text, inner): Decoded, at: usize| -> Decoded {
        let map = inner
            .iter()
            .map(|&(a, b)| (outer[at + a].0, outer[at + b - 1].1))
            .collect();
        (text, map)
    };
    for (a, b) in json_strings(input) {
        let (text, map) = json_decode(&input[a..b]);
        let map: Vec<_> = map.iter().map(|&(x, y)| (a + x, a + y)).collect();
        for (pa, pb) in sql_pieces(&text) {
            let piece = compose(&map, sql_decode(&text[pa..pb]), pa);
            readings.push(read_decoded(input, &piece, 1, keys, &mask_raw, strict));
        }
        readings.push(read_decoded(
            input,
            &(text, map),
            0,
            keys,
            &mask_raw,
            strict,
        ));
    }
    let identity: Vec<_> = (0..input.len()).map(|i| (i, i + 1)).collect();
    for (a, b) in sql_pieces(input) {
        let piece = compose(&identity, sql_decode(&input[a..b]), a);
        readings.push(read_decoded(input, &piece, 3, keys, &mask_raw, strict));
    }
    // a value that an embedded reading sees as the mask literal is masked already
    let already: Vec<(usize, usize)> = readings.iter().flat_map(|r| r.3.clone()).collect();
    let mut all: Vec<(u8, RefSecret)> = readings
        .iter()
        .flat_map(|(rank, s, _, _)| s.iter().map(|s| (*rank, s.clone())))
        .filter(|(_, s)| !already.iter().any(|&(a, b)| a <= s.start && s.start < b))
        .collect();
    all.sort_by_key(|(rank, s)| (s.start, *rank));
    let mut out: Vec<(u8, RefSecret)> = vec![];
    for (rank, s) in all {
        match out.last_mut() {
            Some((best_rank, group)) if s.start < group.end => {
                let (start, end, line) = (group.start, group.end.max(s.end), group.line);
                let (l, lb) = (s.end - s.start, group.end - group.start);
                if l > lb || l == lb && rank < *best_rank {
                    *group = s;
                    *best_rank = rank;
                }
                (group.start, group.end, group.line) = (start, end, line);
            }
            _ => out.push((rank, s)),
        }
    }
    let mut warnings: Vec<RefWarning> = vec![];
    for (rank, _, ws, _) in &readings {
        for w in ws {
            let masked = readings.iter().any(|(r, ss, _, _)| {
                *r != 2
                    && r != rank
                    && ss
                        .iter()
                        .any(|s| s.key_span.0 < w.end && w.start < s.key_span.1)
            });
            if !masked {
                warnings.push(w.clone());
            }
        }
    }
    warnings.sort_by_key(|w| w.start);
    warnings.dedup_by(|a, b| a.start == b.start && a.key == b.key);
    (out.into_iter().map(|(_, s)| s).collect(), warnings)
}
