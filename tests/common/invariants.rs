//! The invariants every result must hold, shared by the integration tests and the fuzz targets
//! (`fuzz/` includes this file). Each check panics naming the invariant it found broken.

#![allow(dead_code)]

use sqlredact::stream::Output;
use sqlredact::{Redactor, Secret, Warning};

/// The fields a test compares (the raw text is absent from streamed secrets).
pub fn fields(
    s: &Secret,
) -> (
    String,
    String,
    Option<String>,
    std::ops::Range<usize>,
    usize,
) {
    (
        s.key().to_string(),
        s.value().to_string(),
        s.connection().map(String::from),
        s.span(),
        s.line(),
    )
}

/// Warnings as compared tuples.
pub fn warning_fields(w: &Warning) -> (String, String, std::ops::Range<usize>, usize) {
    (
        w.key().to_string(),
        w.suggestion().to_string(),
        w.span(),
        w.line(),
    )
}

/// Streams `input` cut at `cuts` (offsets, any order, clamped to the input).
pub fn stream_cut(redactor: &Redactor, input: &[u8], cuts: &[usize]) -> Output {
    let mut cuts: Vec<usize> = cuts.iter().map(|&c| c.min(input.len())).collect();
    cuts.push(input.len());
    cuts.sort_unstable();
    let mut stream = redactor.stream(true);
    let mut out = Output::default();
    let mut at = 0;
    for cut in cuts {
        stream.feed(&input[at..cut], &mut out);
        at = cut;
    }
    stream.finish(&mut out);
    out
}

/// Invariants 2–4 and 6 for one result, and 8 for the chunking `cuts`.
#[track_caller]
pub fn check_invariants_cut(redactor: &Redactor, input: &[u8], cuts: &[usize]) {
    let out = redactor.redact_bytes(input);
    let text = out.bytes();
    let mask = redactor.mask_literal();
    let utf8 = std::str::from_utf8(input).ok();
    // 2, 6: outside the masked ranges the output equals the input; spans sorted, disjoint, in
    // bounds, on character boundaries; each value is what its span decodes to
    let (mut at, mut text_at) = (0, 0);
    for s in out.secrets() {
        let span = s.span();
        assert!(
            span.start >= at && span.start < span.end && span.end <= input.len(),
            "spans sorted, disjoint, in bounds: {span:?}"
        );
        assert_eq!(
            &text[text_at..text_at + span.start - at],
            &input[at..span.start],
            "bytes outside masks are kept"
        );
        text_at += span.start - at;
        // the mask is written as written, or inside a SQL literal with its quotes doubled
        // (SPEC §9; inside a JSON string the default mask needs no escape)
        let doubled = mask.replace('\'', "''");
        let written = [doubled.as_str(), mask.as_str()]
            .into_iter()
            .find(|m| text[text_at..].starts_with(m.as_bytes()));
        let written = written.expect("the mask is written");
        text_at += written.len();
        assert_eq!(s.raw(), &input[span.clone()], "raw is the replaced bytes");
        if let Some(s) = utf8 {
            assert!(
                s.is_char_boundary(span.start) && s.is_char_boundary(span.end),
                "spans on char boundaries"
            );
        }
        // where one statement's value starts inside another's mask, only its remainder is
        // masked separately, and its value is still the whole value (see
        // `overlapping_statements`)
        if !out.overlapping_statements() {
            // through the encoding of one of the readings of SPEC §9
            let json = super::reference::json_decode(s.raw()).0;
            let readings = [
                s.raw().to_vec(),
                super::reference::sql_decode(s.raw()).0,
                json.clone(),
                super::reference::sql_decode(&json).0,
            ];
            assert!(
                readings.iter().any(|raw| s.value().as_bytes()
                    == String::from_utf8_lossy(&decode_raw(raw)).as_bytes()),
                "the value is what its span decodes to"
            );
        }
        at = span.end;
    }
    assert_eq!(
        &text[text_at..],
        &input[at..],
        "bytes after the last mask are kept"
    );
    // 3: putting the raw values back gives the input
    assert_eq!(
        out.unmask(),
        input,
        "putting the secrets back gives the input"
    );
    // 4: masking the output again changes nothing and reports nothing, unless statements
    // overlapped (see `overlapping_statements`)
    let again = redactor.redact_bytes(text);
    // (nor when a mask replaced a line break: the JSON reading of SPEC §9 reads each line from
    // its start, and the joined line may hold a string that the input's two lines did not)
    let joins_lines = out.secrets().iter().any(|s| s.raw().contains(&b'\n'));
    // (nor in line mode when a literal cut at the end of its line was masked: the cut ended
    // its statement, and the mask, a closed literal, lets it go on to the next line)
    let lines = format!("{redactor:?}").contains("lines: true");
    let odd = |raw: &[u8], q: u8| raw.iter().filter(|&&b| b == q).count() % 2 == 1;
    let cut_literal = lines
        && out
            .secrets()
            .iter()
            .any(|s| odd(s.raw(), b'\'') || odd(s.raw(), b'"') || odd(s.raw(), b'`'));
    // (nor where the readings of SPEC §9 see different text: a mask written where one reading
    // found a value changes what another sees, so a second pass may find a value the first
    // did not: a masked `"dq"` moves a line's JSON strings, a value masked by the JSON
    // reading ends a bare token the reading as written had run over the next pair; there
    // masking converges instead: a third pass changes nothing the second did not)
    let readings_differ =
        input.contains(&b'"') || input.contains(&b'\\') || input.windows(2).any(|w| w == b"''");
    if !out.overlapping_statements() && !joins_lines && !cut_literal {
        if readings_differ {
            let third = redactor.redact_bytes(again.bytes());
            assert!(
                third.secrets().is_empty() && third.bytes() == again.bytes(),
                "masking converges"
            );
        } else {
            assert!(
                again.secrets().is_empty() && again.bytes() == text,
                "masking twice changes nothing"
            );
        }
    }
    // a Debug output is built from the other fields alone: it cannot show the value
    for s in out.secrets() {
        let expected = format!(
            "Secret {{ key: {:?}, value: <redacted>, connection: {:?}, span: {:?}, line: {:?} }}",
            s.key(),
            s.connection(),
            s.span(),
            s.line()
        );
        assert!(format!("{s:?}") == expected, "Debug hides the value");
    }
    // 8: the stream gives the same, whatever the chunking
    assert_stream_matches(&out, &stream_cut(redactor, input, cuts));
}

/// The stream wrote what `redact_bytes` gives for the whole input: text, secrets, warnings.
#[track_caller]
pub fn assert_stream_matches(out: &sqlredact::RedactedBytes, streamed: &Output) {
    assert!(
        streamed.text == out.bytes(),
        "the stream writes the same bytes"
    );
    // with overlapping statements, which of two statements reports a value they share (and so
    // its connection name) may depend on where the stream was cut
    let overlap = out.overlapping_statements();
    let strip = |mut f: (
        String,
        String,
        Option<String>,
        std::ops::Range<usize>,
        usize,
    )| {
        if overlap {
            f.2 = None;
        }
        f
    };
    let a: Vec<_> = out.secrets().iter().map(fields).map(strip).collect();
    let b: Vec<_> = streamed.secrets.iter().map(fields).map(strip).collect();
    assert!(a == b, "the stream reports the same secrets");
    let a: Vec<_> = out.warnings().iter().map(warning_fields).collect();
    let b: Vec<_> = streamed.warnings.iter().map(warning_fields).collect();
    assert!(a == b, "the stream reports the same warnings");
}

/// [`check_invariants_cut`] with the input fed in two halves.
#[track_caller]
pub fn check_invariants(redactor: &Redactor, input: &[u8]) {
    check_invariants_cut(redactor, input, &[input.len() / 2]);
}

/// What the `redact_bytes` fuzz target checks for one input: its first four bytes choose the
/// chunking and the policy, the rest is the input. Crashers replayed by `cargo test` go
/// through here too.
pub fn fuzz_redact_bytes(data: &[u8]) {
    let (head, input) = data.split_at(data.len().min(4));
    let step = head.first().map_or(7, |&b| b as usize + 1);
    let cuts: Vec<usize> = (step..input.len()).step_by(step).collect();
    let redactor = match head.get(1).map(|b| b % 3) {
        Some(1) => Redactor::builder().lines(true).build(),
        Some(2) => Redactor::builder().strict(true).mask("it's").build(),
        _ => Redactor::new(),
    };
    check_invariants_cut(&redactor, input, &cuts);
    check_line_mode(input);
    let cuts: Vec<usize> = head
        .iter()
        .map(|&b| b as usize * input.len() / 256)
        .collect();
    check_cuts(input, &cuts);
    if let Ok(text) = std::str::from_utf8(input) {
        assert!(
            redactor.redact(text).text().as_bytes() == redactor.redact_bytes(input).bytes(),
            "redact and redact_bytes agree"
        );
    }
}

/// Cut into two windows at each of `cuts`, and into windows of one byte, the input gives what
/// it gives whole, in each mode: one reader, whatever the windows.
#[track_caller]
pub fn check_cuts(input: &[u8], cuts: &[usize]) {
    let modes = [
        Redactor::new(),
        Redactor::builder().lines(true).build(),
        Redactor::builder().strict(true).mask("it's").build(),
    ];
    let bytes: Vec<usize> = (1..input.len()).collect();
    for redactor in &modes {
        let whole = redactor.redact_bytes(input);
        for &cut in cuts {
            assert_stream_matches(&whole, &stream_cut(redactor, input, &[cut]));
        }
        assert_stream_matches(&whole, &stream_cut(redactor, input, &bytes));
    }
}

/// [`check_cuts`] at every byte.
#[track_caller]
pub fn check_every_cut(input: &[u8]) {
    check_cuts(input, &(0..=input.len()).collect::<Vec<_>>());
}

/// Invariant 7 (SPEC §5): in line mode no literal, quoted identifier, comment or embedded
/// reading runs past the end of its line, so a line holding only `;` ends every statement
/// before it: put after any line of the input, it splits the input into two that mask as if
/// each were alone (and a statement may still run over the lines before it).
#[track_caller]
pub fn check_line_mode(input: &[u8]) {
    let lines = Redactor::builder().lines(true).build();
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            (0..input.len())
                .filter(|&i| input[i] == b'\n')
                .map(|i| i + 1),
        )
        .collect();
    let step = (starts.len() / 8).max(1);
    for &k in starts.iter().step_by(step) {
        let head = [&input[..k], b";\n"].concat();
        let tail = &input[k..];
        let joined = [head.as_slice(), tail].concat();
        let whole = lines.redact_bytes(&joined);
        let (a, b) = (lines.redact_bytes(&head), lines.redact_bytes(tail));
        let expected = [a.bytes(), b.bytes()].concat();
        assert!(
            whole.bytes() == expected.as_slice(),
            "in line mode a line with only `;` ends every statement before it"
        );
        let shift = head.len();
        let parts: Vec<_> = a
            .secrets()
            .iter()
            .map(|s| (s.key().to_string(), s.span()))
            .chain(b.secrets().iter().map(|s| {
                (
                    s.key().to_string(),
                    s.span().start + shift..s.span().end + shift,
                )
            }))
            .collect();
        let all: Vec<_> = whole
            .secrets()
            .iter()
            .map(|s| (s.key().to_string(), s.span()))
            .collect();
        assert!(all == parts, "and reports the secrets of both parts");
    }
}

/// Decodes a masked span the simple way, byte by byte: literal parts (with their prefixes and
/// `UESCAPE`), double-quoted, backticked and bare parts, with white space and comments between.
pub fn decode_raw(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut escape = b'\\';
    let mut unicode_parts: Vec<(usize, usize)> = Vec::new();
    while i < raw.len() {
        let rest = &raw[i..];
        if matches!(rest[0], b' ' | b'\t' | b'\r' | b'\n' | 0x0c) {
            i += 1;
        } else if rest.starts_with(b"/*") {
            i += find(rest, b"*/", 2).map_or(rest.len(), |e| e + 2);
        } else if rest.starts_with(b"--") {
            i += (2..rest.len())
                .find(|&j| matches!(rest[j], b'\n' | b'\r'))
                .unwrap_or(rest.len());
        } else if !unicode_parts.is_empty()
            && rest.len() >= 7
            && rest[..7].eq_ignore_ascii_case(b"UESCAPE")
        {
            i += 7;
            while i < raw.len() && raw[i] != b'\'' {
                i += 1;
            }
            let (content, len) = quoted(&raw[i..], b"'");
            escape = content.first().copied().unwrap_or(b'\\');
            i += len;
        } else if matches!(rest[0], b'"' | b'`') {
            let (content, len) = quoted(rest, &rest[..1]);
            out.extend(content);
            i += len;
        } else {
            let prefix = literal_prefix(rest);
            if let Some(p) = prefix {
                let (content, len) = quoted(&rest[p..], b"'");
                let unicode = rest[0].eq_ignore_ascii_case(&b'u');
                if unicode {
                    unicode_parts.push((out.len(), content.len()));
                }
                out.extend(content);
                i += p + len;
            } else {
                let len = rest
                    .iter()
                    .position(|b| {
                        matches!(b, b' ' | b'\t' | 0x0c | b'\r' | b'\n' | b',' | b')' | b';')
                    })
                    .unwrap_or(rest.len());
                out.extend_from_slice(&rest[..len]);
                i += len.max(1);
            }
        }
    }
    for (start, len) in unicode_parts.into_iter().rev() {
        let decoded = unicode_unescape(&out[start..start + len], escape);
        out.splice(start..start + len, decoded);
    }
    out
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    (from..=hay.len().saturating_sub(needle.len())).find(|&j| hay[j..].starts_with(needle))
}

/// The length of `N`, `X`, `U&`, `_charset` before an opening quote (0 for a bare quote), as
/// the lexer reads them: a charset name has the shape of a word (`_UTF8`, `_ISO-8859-1`).
fn literal_prefix(rest: &[u8]) -> Option<usize> {
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let len = match rest {
        [b'\'', ..] => 0,
        [b'n' | b'N' | b'x' | b'X', b'\'', ..] => 1,
        [b'u' | b'U', b'&', b'\'', ..] => 2,
        [b'_', ..] => {
            let mut e = 1;
            while e < rest.len() && word(rest[e]) {
                e += 1;
            }
            while e + 1 < rest.len() && matches!(rest[e], b'.' | b'-') && word(rest[e + 1]) {
                e += 1;
                while e < rest.len() && word(rest[e]) {
                    e += 1;
                }
            }
            e
        }
        _ => return None,
    };
    (rest.get(len) == Some(&b'\'')).then_some(len)
}

/// The content of a quoted part starting with `quote` (doubled quotes undone) and its length.
fn quoted(rest: &[u8], quote: &[u8]) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    let mut j = quote.len();
    while j < rest.len() {
        if rest[j..].starts_with(quote) {
            if rest[j + quote.len()..].starts_with(quote) {
                out.extend_from_slice(quote);
                j += 2 * quote.len();
                continue;
            }
            return (out, j + quote.len());
        }
        out.push(rest[j]);
        j += 1;
    }
    (out, rest.len())
}

pub fn unicode_unescape(text: &[u8], esc: u8) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    let hex = |s: &[u8]| -> Option<char> {
        if !s.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        char::from_u32(u32::from_str_radix(std::str::from_utf8(s).ok()?, 16).ok()?)
    };
    while i < text.len() {
        if text[i] == esc {
            if text.get(i + 1) == Some(&esc) {
                out.push(esc);
                i += 2;
                continue;
            }
            let (digits, skip) = if text.get(i + 1) == Some(&b'+') {
                (text.get(i + 2..i + 8), 8)
            } else {
                (text.get(i + 1..i + 5), 5)
            };
            if let Some(c) = digits.and_then(hex) {
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                i += skip;
                continue;
            }
        }
        out.push(text[i]);
        i += 1;
    }
    out
}
