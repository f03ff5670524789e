//! A deliberately simple reference implementation of SPEC §2–6, kept next to the tests to check
//! the engine against: whole input only, byte by byte, each statement examined on its own from
//! scratch (quadratic, which is fine for test inputs), no streaming, no merging of runs.
//! It follows the same reading as the engine where the spec leaves room: `\n`-escapes are white
//! space, `\"…\"` is a double-quoted literal, every value continues with the literals after it,
//! and a `'…'` glued to a `"…"` or `` `…` `` value joins it.

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
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefWarning {
    pub key: String,
    pub suggestion: String,
    pub start: usize,
    pub line: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum K {
    Comment,
    /// quote byte (`\\` for `\"`), prefix letter (0, b'N', b'X', b'U', b'_')
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
    match s[p] {
        b' ' | b'\t' | b'\r' | b'\n' | 0x0c => 1,
        b'\\' if matches!(s.get(p + 1), Some(b'n' | b'r' | b't')) => 2,
        _ => 0,
    }
}

/// The end of a word (`a`, `a-b.c`) starting at `p`.
fn word_end(s: &[u8], p: usize) -> usize {
    let mut e = p;
    while e < s.len() && is_word(s[e]) {
        e += 1;
    }
    while e + 1 < s.len() && matches!(s[e], b'.' | b'-') && is_word(s[e + 1]) {
        e += 1;
        while e < s.len() && is_word(s[e]) {
            e += 1;
        }
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
        while e < s.len()
            && !matches!(s[e], b'\n' | b'\r')
            && !(s[e] == b'\\' && matches!(s.get(e + 1), Some(b'n' | b'r')))
        {
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
    if rest.starts_with(b"\\\"") {
        let (c, e, t) = quoted(s, p + 2, b"\\\"");
        return tok(K::Quoted(b'\\', 0), e, c, t);
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
    let unit: &[u8] = if q == b'\\' {
        b"\\\""
    } else {
        std::slice::from_ref(&q)
    };
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
    loop {
        if t.k == K::Comment {
        } else if ifs == 0 && word_is(s, &t, "IF") {
            ifs = 1;
        } else if ifs == 1 && word_is(s, &t, "NOT") {
            ifs = 2;
        } else if ifs >= 1 && word_is(s, &t, "EXISTS") {
            ifs = 3;
        } else {
            break;
        }
        t = token(s, t.end);
    }
    let named = (t.k == K::Word
        && !["WITH", "SET", "COMMENT", "RENAME", "RESET"]
            .iter()
            .any(|w| word_is(s, &t, w)))
        || t.k == K::Quoted(b'`', 0);
    if named {
        loop {
            if name.len() < 3 {
                if t.k == K::Word {
                    for part in s[t.start..t.end].split(|&b| b == b'.') {
                        if name.len() < 3 {
                            name.push(part.to_vec());
                        }
                    }
                } else {
                    name.push(undouble(&t.content, b'`'));
                }
            }
            let dot = token(s, t.end);
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
                                    b' ' | b'\t' | 0x0c | b'\r' | b'\n' | b',' | b')' | b';'
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
                let already = quote == b'\''
                    && parts[0].prefix == 0
                    && terminated
                    && parts[0].content == mask_raw;
                let mut already = already;
                let mut uescape = None;
                let mut next = token(s, vend);
                if terminated {
                    // a `'…'` glued to a `"…"`, `` `…` `` or `\"…\"` value joins it
                    if matches!(quote, b'"' | b'`' | b'\\')
                        && next.k == K::Quoted(b'\'', 0)
                        && next.start == vend
                    {
                        vend = next.end;
                        let glued_terminated = next.terminated;
                        parts.push(Part {
                            quote: b'\'',
                            prefix: 0,
                            content: std::mem::take(&mut next.content),
                        });
                        next = token(s, vend);
                        if !glued_terminated {
                            next = end_of(s);
                        }
                    }
                    let mut uescape_allowed = parts[0].prefix == b'U' && parts.len() == 1;
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
                            uescape_allowed = false;
                            let term = next.terminated;
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

/// Every statement of `input` (whole-input mode, default mask), combined: sorted by start,
/// a secret inside an earlier mask dropped, one reaching past it cut to the remainder.
pub fn reference(
    input: &[u8],
    keys: &[String],
    mask: &str,
    strict: bool,
) -> (Vec<RefSecret>, Vec<RefWarning>) {
    let mask_raw = mask.replace('\'', "''").into_bytes();
    let mut all = vec![];
    let mut warnings = vec![];
    let lower = input.to_ascii_lowercase();
    for at in 0..input.len() {
        let starts = lower[at..].starts_with(b"create") || lower[at..].starts_with(b"alter");
        let glued = at > 0 && {
            let prev = input[at - 1];
            let escape = at > 1 && input[at - 2] == b'\\' && matches!(prev, b'n' | b'r' | b't');
            is_word(prev) && !escape
        };
        if starts && !glued {
            let (s, w) = statement(input, at, keys, &mask_raw, strict);
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
            s.start = at;
            covered = s.end;
            out.push(s);
        }
    }
    warnings.sort_by_key(|w| w.start);
    warnings.dedup_by_key(|w| w.start);
    warnings.retain(|w| !out.iter().any(|s| s.start <= w.start && w.start < s.end));
    (out, warnings)
}
