//! A deliberately simple reference implementation of SPEC §2–6, §8's credential statements and
//! §9's readings (text mode), kept next to the tests to check the engine against: whole input
//! only, byte by byte, each statement examined on its own from scratch (quadratic, which is
//! fine for test inputs), no streaming, no merging of runs, no search for where a credential
//! statement may hold a key; every JSON string and every literal piece is decoded whole and
//! read again. It follows the same reading as the engine where the spec leaves room: every
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
    /// Where its key stands (`None` for a statement's own words: `IDENTIFIED BY`, `PASSWORD`,
    /// a secret's name).
    pub key_span: Option<(usize, usize)>,
    /// Its last literal closed.
    pub closed: bool,
    /// It is the mask literal (not masked, not reported; SPEC §9 needs where it stands).
    pub already: bool,
    /// Read by a credential statement (SPEC §8).
    pub credential: bool,
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

/// The words that start a statement: `CREATE` and `ALTER` (connection statements, SPEC §2) and
/// the other heads of credential statements (SPEC §8).
const VERBS: [&str; 7] = [
    "CREATE", "ALTER", "SET", "COPY", "UNLOAD", "CHANGE", "GRANT",
];

/// What the reference reads with: the sensitive keys (those not in the default list count as
/// added by the user, also in credential statements), the mask as written inside a literal,
/// strict mode, and whether credential statements are read.
pub struct Rules {
    pub keys: Vec<String>,
    pub mask_raw: Vec<u8>,
    pub strict: bool,
    pub credentials: bool,
}

impl Rules {
    pub fn new(keys: &[String], mask: &str, strict: bool) -> Rules {
        Rules {
            keys: keys.to_vec(),
            mask_raw: mask.replace('\'', "''").into_bytes(),
            strict,
            credentials: true,
        }
    }

    fn added(&self) -> impl Iterator<Item = &String> {
        self.keys
            .iter()
            .filter(|k| !sqlredact::DEFAULT_KEYS.contains(&k.as_str()))
    }
}

/// What one statement read.
#[derive(Default)]
struct Read {
    secrets: Vec<RefSecret>,
    warnings: Vec<RefWarning>,
    /// Verbs that its connection header reads: they start nothing (SPEC §8).
    claims: Vec<usize>,
}

/// The key of a pair: its text (unquoted), and where it stands (`None` for the words of a
/// statement's own syntax: `IDENTIFIED BY`, `PASSWORD`, a secret's name).
struct Key {
    text: Vec<u8>,
    span: Option<(usize, usize)>,
}

/// One statement, from its verb.
struct Statement<'a> {
    s: &'a [u8],
    rules: &'a Rules,
    /// A credential statement (SPEC §8), not a connection statement.
    cred: bool,
    /// In a secret statement (`CREATE SECRET name … AS`), the name.
    secret: Option<Vec<u8>>,
    connection: Option<String>,
    out: Read,
}

/// The next token that is not a comment.
fn solid(s: &[u8], mut p: usize) -> Tok {
    loop {
        let t = token(s, p);
        if t.k != K::Comment {
            return t;
        }
        p = t.end;
    }
}

/// One statement from its verb at `at`: its secrets and warnings, and the verbs it claims.
fn statement(s: &[u8], at: usize, rules: &Rules) -> Read {
    let verb = token(s, at);
    let Some(v) = VERBS.iter().position(|w| word_is(s, &verb, w)) else {
        return Read::default();
    };
    if verb.start != at || v >= 2 && !rules.credentials {
        return Read::default();
    }
    let mut st = Statement {
        s,
        rules,
        cred: true,
        secret: None,
        connection: None,
        out: Read::default(),
    };
    let mut t = token(s, verb.end);
    if v < 2 {
        // `CREATE`/`ALTER`, then `OR REPLACE TEMPORARY SYSTEM` (and `PERSISTENT`, which only
        // a secret statement has)
        let mut plain = true;
        loop {
            if t.k == K::Comment
                || ["OR", "REPLACE", "TEMPORARY", "SYSTEM"]
                    .iter()
                    .any(|w| word_is(s, &t, w))
            {
                t = token(s, t.end);
            } else if plain && word_is(s, &t, "CONNECTION") {
                st.cred = false;
                let t = st.connection_header(t.end);
                st.body(t);
                return st.out;
            } else if !rules.credentials {
                return st.out;
            } else if word_is(s, &t, "PERSISTENT") {
                plain = false;
                t = token(s, t.end);
            } else if word_is(s, &t, "SECRET") {
                let name = solid(s, t.end);
                st.secret = Some(vec![]);
                t = name.clone();
                if matches!(name.k, K::Word | K::Quoted(..)) {
                    st.secret = Some(key_text(s, &name).unwrap_or_default());
                    t = token(s, name.end);
                }
                break;
            } else {
                break;
            }
        }
    } else if v == 2 {
        // `SET PASSWORD [FOR user] = 'value'`
        t = solid(s, verb.end);
        if word_is(s, &t, "PASSWORD") {
            let key = Key {
                text: s[t.start..t.end].to_vec(),
                span: None,
            };
            loop {
                t = token(s, t.end);
                match t.k {
                    K::Semi | K::End => return st.out,
                    K::Sep => break,
                    _ => {}
                }
            }
            t = st.after_sep(t, Some(key));
        }
    }
    st.body(t);
    st.out
}

impl Statement<'_> {
    /// After `CONNECTION`: `IF [NOT] EXISTS` and the name; returns the body's first token.
    fn connection_header(&mut self, p: usize) -> Tok {
        let s = self.s;
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
        self.connection =
            (!name.is_empty()).then(|| String::from_utf8_lossy(&name.join(&b'.')).into_owned());
        // a verb that ends the header (the body's first token) and opens the pair list belongs
        // to it; one read as the name, or followed by anything else, starts its own statement
        if VERBS.iter().any(|w| word_is(s, &t, w)) && solid(s, t.end).k == K::Open {
            self.out.claims.push(t.start);
        }
        t
    }

    /// The body from its first token `t`: pairs, and in a credential statement the clauses of
    /// SPEC §8, to the end of the statement.
    fn body(&mut self, mut t: Tok) {
        let s = self.s;
        let (mut depth, mut opened) = (0usize, false);
        let mut key: Option<Tok> = None;
        loop {
            match t.k {
                K::End | K::Semi => break,
                // a credential statement runs to its `;`, at any depth
                K::Open | K::Close if self.cred => key = None,
                K::Word if self.cred && word_is(s, &t, "IDENTIFIED") => {
                    key = None;
                    t = self.identified(t);
                    continue;
                }
                K::Word if self.secret.is_some() && word_is(s, &t, "AS") => {
                    key = None;
                    t = solid(s, t.end);
                    if matches!(t.k, K::Quoted(b'\'' | b'"', _)) {
                        let name = self.secret.clone().unwrap_or_default();
                        t = self.value(
                            t,
                            true,
                            &Key {
                                text: name,
                                span: None,
                            },
                        );
                    }
                    continue;
                }
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
                K::Sep if key.is_some() => {
                    t = self.pair(key.take().unwrap(), t, false);
                    continue;
                }
                K::Quoted(b'\'', _) if key.as_ref().is_some_and(|k| t.start > k.end) => {
                    t = self.pair(key.take().unwrap(), t, true);
                    continue;
                }
                K::Word | K::Quoted(..) => {
                    let end = t.end;
                    key = Some(t);
                    t = token(s, end);
                    continue;
                }
                K::Comment if key.is_some() => {}
                _ => key = None,
            }
            t = token(s, t.end);
        }
    }

    /// A pair: key `k`, then `t`, its `SEP` (or its value when `sepless`); returns the token
    /// after it.
    fn pair(&mut self, k: Tok, t: Tok, sepless: bool) -> Tok {
        let s = self.s;
        let text = key_text(s, &k);
        let mask = match text.as_deref() {
            None => false,
            Some(text) if self.cred => self.has_fragment(text),
            Some(text) => match classify(text, &self.rules.keys) {
                Some(None) => true,
                Some(Some(_)) if self.rules.strict => true,
                Some(Some(_)) if sepless => false,
                Some(Some(i)) => {
                    self.out.warnings.push(RefWarning {
                        key: String::from_utf8_lossy(text).into_owned(),
                        suggestion: self.rules.keys[i].clone(),
                        start: k.start,
                        end: k.end,
                        line: line_of(s, k.start),
                    });
                    false
                }
                None => false,
            },
        };
        let key = Key {
            text: text.unwrap_or_default(),
            span: Some((k.start, k.end)),
        };
        if sepless {
            return self.value(t, mask, &key);
        }
        self.after_sep(t, mask.then_some(key))
    }

    /// After `SEP` (the token `t`): the value, masked when `key` is given.
    fn after_sep(&mut self, t: Tok, key: Option<Key>) -> Tok {
        let s = self.s;
        let mut v = token(s, t.end);
        while matches!(v.k, K::Comment | K::Sep) {
            v = token(s, v.end);
        }
        let mask = key.is_some();
        let key = key.unwrap_or(Key {
            text: vec![],
            span: None,
        });
        match v.k {
            K::Comma | K::Close | K::Semi | K::End => v,
            // a credential statement's value is a literal: a bare token after `=` is a name
            K::Quoted(b'`', _) if self.cred => self.value(v, false, &key),
            K::Quoted(..) => self.value(v, mask, &key),
            _ if self.cred => v,
            _ if bare_secret_reference(s, &v) => {
                // `SECRET name` names a stored secret: no value
                let name = solid(s, v.start + 6);
                token(s, name.end)
            }
            _ => self.value(v, mask, &key),
        }
    }

    /// `IDENTIFIED [WITH plugin] BY [PASSWORD] value`, from `IDENTIFIED`; returns the token after
    /// what it read.
    fn identified(&mut self, identified: Tok) -> Tok {
        let s = self.s;
        let mut t = solid(s, identified.end);
        if word_is(s, &t, "WITH") {
            let plugin = solid(s, t.end);
            if !matches!(plugin.k, K::Word | K::Quoted(..)) {
                return plugin;
            }
            t = solid(s, plugin.end);
        }
        if !word_is(s, &t, "BY") {
            return t;
        }
        let mut text = s[identified.start..identified.end].to_vec();
        text.push(b' ');
        text.extend_from_slice(&s[t.start..t.end]);
        let key = Key { text, span: None };
        let mut v = solid(s, t.end);
        let mut password = true;
        loop {
            match v.k {
                K::Quoted(b'\'' | b'"', _) => return self.value(v, true, &key),
                K::Quoted(..) | K::Comma | K::Close | K::Semi | K::End | K::Sep => return v,
                _ => {
                    // after `BY` anything else is a bare value: `PASSWORD` is the keyword,
                    // anything else the password
                    let end = bare_end(s, v.start);
                    if password && s[v.start..end].eq_ignore_ascii_case(b"PASSWORD") {
                        password = false;
                        v = solid(s, end);
                        continue;
                    }
                    return self.value(v, true, &key);
                }
            }
        }
    }

    /// The fragment rule of credential statements (SPEC §8): the key, lower-cased with `_` and
    /// `.` read as `-`, contains a fragment and is not known to be safe, or a user added it.
    fn has_fragment(&self, key: &[u8]) -> bool {
        if self
            .rules
            .added()
            .any(|k| key.eq_ignore_ascii_case(k.as_bytes()))
        {
            return true;
        }
        let norm = |k: &[u8]| -> Vec<u8> {
            k.iter()
                .map(|b| match b.to_ascii_lowercase() {
                    b'_' | b'.' => b'-',
                    b => b,
                })
                .collect()
        };
        let key = norm(key);
        let contains = |f: &&str| {
            let f = norm(f.as_bytes());
            key.windows(f.len()).any(|w| w == f)
        };
        sqlredact::SENSITIVE_FRAGMENTS.iter().any(contains)
            && !sqlredact::KNOWN_SAFE_KEYS
                .iter()
                .any(|k| norm(k.as_bytes()) == key)
    }

    /// The value that starts with `v` (a literal, or a bare token) and the literals that continue
    /// it (SPEC §3); a secret when `mask`. Returns the token after it.
    fn value(&mut self, v: Tok, mask: bool, key: &Key) -> Tok {
        let s = self.s;
        let (vstart, mut vend, mut parts, quote, terminated);
        match v.k {
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
            _ => {
                vstart = v.start;
                vend = bare_end(s, v.start);
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
        let mut already = quote == b'\''
            && parts[0].prefix == 0
            && terminated
            && parts[0].content == self.rules.mask_raw;
        let mut uescape = None;
        let mut next = token(s, vend);
        if terminated {
            // a `'…'` glued to a `"…"` or `` `…` `` value continues it like one set apart,
            // unless a separator follows it (SPEC §3)
            let mut uescape_allowed = parts[0].prefix == b'U';
            loop {
                while next.k == K::Comment {
                    next = token(s, next.end);
                }
                if uescape_allowed && word_is(s, &next, "UESCAPE") {
                    let lit = solid(s, next.end);
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
                    let after = solid(s, next.end);
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
        if !mask {
            return next;
        }
        let key_span = key.span;
        if already {
            self.out.secrets.push(RefSecret {
                key: String::new(),
                value: String::new(),
                connection: None,
                start: vstart,
                end: vend,
                line: 0,
                key_span,
                closed,
                already: true,
                credential: self.cred,
            });
            return next;
        }
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
        self.out.secrets.push(RefSecret {
            key: String::from_utf8_lossy(&key.text).into_owned(),
            value: String::from_utf8_lossy(&value).into_owned(),
            connection: self.connection.clone(),
            start: vstart,
            end: vend,
            line: line_of(s, vstart),
            key_span,
            closed,
            already: false,
            credential: self.cred,
        });
        next
    }
}

/// The line `p` stands on.
fn line_of(s: &[u8], p: usize) -> usize {
    1 + s[..p].iter().filter(|&&b| b == b'\n').count()
}

/// A key's text: unquoted, doubled quotes undone; `None` when it is longer than 256 bytes or
/// a literal that never closes.
fn key_text(s: &[u8], k: &Tok) -> Option<Vec<u8>> {
    let text = match k.k {
        K::Word => s[k.start..k.end].to_vec(),
        K::Quoted(q, _) if k.terminated => undouble(&k.content, q),
        _ => return None,
    };
    (text.len() <= 256).then_some(text)
}

/// The end of a bare value starting at `p`: white space, `,`, `)`, `;` or a backslash.
fn bare_end(s: &[u8], p: usize) -> usize {
    (p..s.len())
        .find(|&i| {
            matches!(
                s[i],
                b' ' | b'\t' | 0x0c | b'\r' | b'\n' | b',' | b')' | b';' | b'\\'
            )
        })
        .unwrap_or(s.len())
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
/// `embedded`: the text is an embedded reading's, where a value whose literal the text leaves
/// open gives no value (SPEC §9), so it neither hides another value nor a near miss.
fn as_written(
    input: &[u8],
    rules: &Rules,
    embedded: bool,
) -> (Vec<RefSecret>, Vec<RefWarning>, Vec<(usize, usize)>) {
    let mut all = vec![];
    let mut warnings = vec![];
    let mut already = vec![];
    let mut claimed = vec![];
    let lower = input.to_ascii_lowercase();
    for at in 0..input.len() {
        let starts = VERBS
            .iter()
            .any(|v| lower[at..].starts_with(v.to_ascii_lowercase().as_bytes()));
        let glued = at > 0 && is_word(input[at - 1]);
        if starts && !glued && !claimed.contains(&at) {
            let read = statement(input, at, rules);
            let (masks, s): (Vec<_>, Vec<_>) = read.secrets.into_iter().partition(|s| s.already);
            already.extend(masks.iter().map(|s| (s.start, s.end)));
            all.extend(
                s.into_iter()
                    .filter(|s| !embedded || s.closed)
                    .map(|s| (at, s)),
            );
            warnings.extend(read.warnings);
            claimed.extend(read.claims);
        }
    }
    // a value two statements read is reported by a connection statement if one reads it, else
    // by the one that starts first (SPEC §2, §8)
    all.sort_by_key(|(run, s)| (s.start, s.credential, *run));
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
fn read_decoded(input: &[u8], (text, map): &Decoded, rank: u8, rules: &Rules) -> Reading {
    let (secrets, warnings, already) = as_written(text, rules, true);
    let line = |p: usize| 1 + input[..p].iter().filter(|&&b| b == b'\n').count();
    let span = |a: usize, b: usize| (map[a].0, map[b - 1].1);
    let secrets = secrets
        .into_iter()
        .filter(|s| s.closed && s.end > s.start)
        .map(|mut s| {
            (s.start, s.end) = span(s.start, s.end);
            s.key_span = s.key_span.map(|(a, b)| span(a, b));
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
    reference_with(input, &Rules::new(keys, mask, strict))
}

/// [`reference`] with all the rules spelled out (connection statements alone, for one).
pub fn reference_with(input: &[u8], rules: &Rules) -> (Vec<RefSecret>, Vec<RefWarning>) {
    let (s, w, _) = as_written(input, rules, false);
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
            readings.push(read_decoded(input, &piece, 1, rules));
        }
        readings.push(read_decoded(input, &(text, map), 0, rules));
    }
    let identity: Vec<_> = (0..input.len()).map(|i| (i, i + 1)).collect();
    // a piece without a doubled quote reads as the text as written does, cut short (only where a
    // value starts inside another statement's mask may it report differently: `"…COPY …` read
    // from `COPY` alone): it is not read again
    for (a, b) in sql_pieces(input) {
        if !input[a..b].windows(2).any(|w| w == b"''") {
            continue;
        }
        let piece = compose(&identity, sql_decode(&input[a..b]), a);
        readings.push(read_decoded(input, &piece, 3, rules));
    }
    // a value that an embedded reading sees as the mask literal is masked already
    let already: Vec<(usize, usize)> = readings.iter().flat_map(|r| r.3.clone()).collect();
    let mut all: Vec<(u8, RefSecret)> = readings
        .iter()
        .flat_map(|(rank, s, _, _)| s.iter().map(|s| (*rank, s.clone())))
        .filter(|(_, s)| !already.iter().any(|&(a, b)| a <= s.start && s.start < b))
        .collect();
    all.sort_by_key(|(rank, s)| (s.start, *rank));
    // a group takes in every value that starts inside it, and one value of the reading as
    // written: a second one is cut to what reaches past the group, as a value that starts inside
    // another statement's mask is (SPEC §2)
    let mut all: std::collections::VecDeque<(u8, RefSecret)> = all.into();
    let mut out: Vec<(u8, RefSecret)> = vec![];
    while let Some((rank, first)) = all.pop_front() {
        let (mut best_rank, mut group) = (rank, first);
        let mut as_written = rank == 2;
        let mut cut = vec![];
        while all.front().is_some_and(|(_, s)| s.start < group.end) {
            let (rank, s) = all.pop_front().expect("checked");
            if rank == 2 && as_written {
                cut.push((rank, s));
                continue;
            }
            as_written |= rank == 2;
            let (start, end, line) = (group.start, group.end.max(s.end), group.line);
            let (l, lb) = (s.end - s.start, group.end - group.start);
            if l > lb || l == lb && rank < best_rank {
                group = s;
                best_rank = rank;
            }
            (group.start, group.end, group.line) = (start, end, line);
        }
        let end = group.end;
        out.push((best_rank, group));
        for (rank, mut s) in cut {
            if s.end > end {
                s.start = end;
                all.push_front((rank, s));
            }
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
                        .any(|s| s.key_span.is_some_and(|(a, b)| a < w.end && w.start < b))
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
