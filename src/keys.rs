//! Which option keys are sensitive, which are known to be safe, and which look like a
//! misspelling of a sensitive one (a *near miss*).
//!
//! Keys are compared after their quotes are removed and doubled quotes undone,
//! ASCII-case-insensitively, with the exact spelling of a list entry (SPEC §3).

/// The sensitive keys masked by default, in the order near-miss suggestions are chosen.
///
/// | key | used by (Confluent Cloud for Apache Flink connection types) |
/// |---|---|
/// | `api-key` | openai, azureopenai, anthropic, azureml, googleai, pinecone, elastic, mcp_server, … |
/// | `api_key` | spelled so in Confluent's own AzureML examples |
/// | `aws-access-key`, `aws-secret-key`, `aws-session-token` | bedrock, sagemaker, s3vectors |
/// | `service-key` | vertexai (a Google service-account JSON key) |
/// | `username`, `password` | mongodb, couchbase, confluent_jdbc, elastic, rest, a2a, mcp_server |
/// | `token`, `client-id`, `client-secret` | rest, mcp_server, a2a (bearer token and OAuth) |
pub const DEFAULT_KEYS: &[&str] = &[
    "api-key",
    "api_key",
    "aws-access-key",
    "aws-secret-key",
    "aws-session-token",
    "service-key",
    "username",
    "password",
    "token",
    "client-id",
    "client-secret",
];

/// Flink's rule for sensitive options, which credential statements (SPEC §8) follow: a key is
/// sensitive when, ASCII-lower-cased and with `_` and `.` read as `-`, it contains one of these.
pub const SENSITIVE_FRAGMENTS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "api-key",
    "apikey",
    "key-id",
    "access-key",
    "private-key",
    "service-key",
    "account-key",
    "credential",
    "jaas-config",
    "auth-params",
    "basic-auth",
    "http-headers",
];

/// Keys that are known and not sensitive: never masked, never warned about.
pub const KNOWN_SAFE_KEYS: &[&str] = &[
    "type",
    "endpoint",
    "sse-endpoint",
    "transport-type",
    "token-endpoint",
    "scope",
    "environment",
    "cloud",
    "region",
];

/// What a key is, for one policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyClass {
    /// In the sensitive list: its value is masked.
    Sensitive,
    /// Resembles the sensitive key with this index in the list.
    NearMiss(usize),
    /// Anything else.
    Other,
}

/// Classifies `key` (unquoted) against `sensitive`.
pub(crate) fn classify(key: &[u8], sensitive: &[String]) -> KeyClass {
    if sensitive
        .iter()
        .any(|k| key.eq_ignore_ascii_case(k.as_bytes()))
    {
        return KeyClass::Sensitive;
    }
    if KNOWN_SAFE_KEYS
        .iter()
        .any(|k| key.eq_ignore_ascii_case(k.as_bytes()))
    {
        return KeyClass::Other;
    }
    for (i, k) in sensitive.iter().enumerate() {
        if one_edit_apart(key, k.as_bytes()) || without_separators_equal(key, k.as_bytes()) {
            return KeyClass::NearMiss(i);
        }
    }
    KeyClass::Other
}

/// A key's byte as the fragment rule reads it: ASCII-lower-cased, `_` and `.` read as `-`.
pub(crate) fn normal(b: u8) -> u8 {
    match b.to_ascii_lowercase() {
        b'_' | b'.' => b'-',
        b => b,
    }
}

/// A key as the fragment rule reads it.
pub(crate) fn normalized(key: &[u8]) -> Vec<u8> {
    key.iter().map(|&b| normal(b)).collect()
}

/// The fragment rule of credential statements (SPEC §8), for one policy: its fragments
/// (normalized) and one search for all of them, run over a key once it is normalized (an
/// automaton, not a scan per fragment: every key of every credential statement is asked).
#[derive(Clone, Debug)]
pub(crate) struct Fragments {
    pub list: Vec<Vec<u8>>,
    search: Option<aho_corasick::AhoCorasick>,
}

impl Fragments {
    /// `list`: normalized (see [`normalized`]).
    pub(crate) fn new(list: Vec<Vec<u8>>) -> Fragments {
        let patterns: Vec<&Vec<u8>> = list.iter().filter(|f| !f.is_empty()).collect();
        let search = (!patterns.is_empty()).then(|| {
            aho_corasick::AhoCorasick::builder()
                .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                .build(patterns)
                .expect("an automaton for a few short fragments")
        });
        Fragments { list, search }
    }

    /// Whether `key` (unquoted) is sensitive in a credential statement: it contains one of
    /// the fragments and is not known to be safe, or it is one of `extra`, the keys a user
    /// added (compared as in connection statements).
    pub(crate) fn sensitive(&self, key: &[u8], extra: &[String]) -> bool {
        if extra.iter().any(|k| key.eq_ignore_ascii_case(k.as_bytes())) {
            return true;
        }
        let Some(search) = &self.search else {
            return false;
        };
        // keys are short: normalized on the stack (a longer one once on the heap)
        let mut buf = [0u8; 128];
        let heap;
        let key_normal: &[u8] = if key.len() <= buf.len() {
            for (to, &b) in buf.iter_mut().zip(key) {
                *to = normal(b);
            }
            &buf[..key.len()]
        } else {
            heap = normalized(key);
            &heap
        };
        search.is_match(key_normal)
            && !KNOWN_SAFE_KEYS
                .iter()
                .any(|k| k.bytes().map(normal).eq(key_normal.iter().copied()))
    }
}

/// `a` and `b` are equal, ASCII-case-insensitively, once `-`, `_` and `.` are left out.
fn without_separators_equal(a: &[u8], b: &[u8]) -> bool {
    fn letters(key: &[u8]) -> impl Iterator<Item = u8> + '_ {
        key.iter()
            .filter(|b| !matches!(b, b'-' | b'_' | b'.'))
            .map(u8::to_ascii_lowercase)
    }
    letters(a).eq(letters(b))
}

/// True when `a` becomes `b` by exactly one insertion, deletion, replacement or swap of two
/// neighbouring bytes, comparing ASCII-case-insensitively.
pub(crate) fn one_edit_apart(a: &[u8], b: &[u8]) -> bool {
    let eq = |x: u8, y: u8| x.eq_ignore_ascii_case(&y);
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    match long.len() - short.len() {
        0 => {
            let mut diff = (0..a.len()).filter(|&i| !eq(a[i], b[i]));
            match (diff.next(), diff.next(), diff.next()) {
                (Some(_), None, _) => true,
                (Some(i), Some(j), None) => j == i + 1 && eq(a[i], b[j]) && eq(a[j], b[i]),
                _ => false,
            }
        }
        1 => {
            let prefix = short
                .iter()
                .zip(long)
                .take_while(|&(&x, &y)| eq(x, y))
                .count();
            short[prefix..].eq_ignore_ascii_case(&long[prefix + 1..])
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> Vec<String> {
        DEFAULT_KEYS.iter().map(|k| k.to_string()).collect()
    }

    #[track_caller]
    fn assert_class(key: &str, expected: KeyClass) {
        assert_eq!(classify(key.as_bytes(), &defaults()), expected, "{key}");
    }

    #[test]
    fn exact_keys_any_case_are_sensitive() {
        assert_class("api-key", KeyClass::Sensitive);
        assert_class("API-KEY", KeyClass::Sensitive);
        assert_class("Password", KeyClass::Sensitive);
        assert_class("api_key", KeyClass::Sensitive);
    }

    #[test]
    fn near_misses_name_the_first_resembling_key() {
        assert_class("ap-key", KeyClass::NearMiss(0));
        assert_class("apikey", KeyClass::NearMiss(0));
        assert_class("api-keys", KeyClass::NearMiss(0));
        assert_class("pasword", KeyClass::NearMiss(7));
        assert_class("passwrod", KeyClass::NearMiss(7));
        assert_class("aws_secret_key", KeyClass::NearMiss(3));
        assert_class("tokens", KeyClass::NearMiss(8));
    }

    #[test]
    fn known_safe_and_unrelated_keys_are_other() {
        assert_class("token-endpoint", KeyClass::Other);
        assert_class("type", KeyClass::Other);
        assert_class("service-account-key", KeyClass::Other);
        assert_class("connector", KeyClass::Other);
    }

    #[test]
    fn one_edit() {
        assert!(one_edit_apart(b"abc", b"acb"));
        assert!(one_edit_apart(b"abc", b"abd"));
        assert!(one_edit_apart(b"abc", b"abcd"));
        assert!(one_edit_apart(b"abc", b"bc"));
        assert!(!one_edit_apart(b"abc", b"abc"));
        assert!(!one_edit_apart(b"abc", b"cba"));
        assert!(!one_edit_apart(b"abc", b"a"));
        assert!(
            one_edit_apart(b"ABC", b"acb"),
            "case does not count as an edit"
        );
        assert!(!one_edit_apart(b"ABC", b"abc"));
    }
}
