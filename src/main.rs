//! `sqlredact`: masks credentials in SQL statements (Flink connection statements and the other
//! statements that carry them), stdin to stdout.

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use sqlredact::stream::Output;
use sqlredact::{Redactor, Secret, Warning};

const HELP: &str = "\
sqlredact — masks credentials in SQL statements: Flink CREATE/ALTER CONNECTION, and the other
statements that carry them

Usage: sqlredact [OPTIONS] [FILE]...

Reads each FILE in turn (none, or -, means standard input) and writes it to standard output
with the values of sensitive keys replaced by '<REDACTED>'. Statements are found anywhere: in
scripts, log lines, JSON records, comments. Everything else passes through byte for byte, also
bytes that are not UTF-8. Each FILE is an input of its own: a statement never spans two.

What is masked:
  connection statements      CREATE CONNECTION c WITH ('api-key' = 'sk-1')
    (keys of the list below, near misses warned about; also OPTIONS (password 'p'))
  options with a sensitive   CREATE TABLE t (...) WITH ('password' = 'p')
  key (it contains password,   SET 'sql.secrets.openai' = 'sk-2'
  secret, token, api-key,      CREATE STAGE s CREDENTIALS = (AWS_SECRET_KEY = 'k')
  credential, ...)             ALTER ROLE r PASSWORD 'p'
  user passwords             CREATE USER 'u'@'%' IDENTIFIED BY 'p'
                             SET PASSWORD FOR 'u'@'%' = 'p'
  stored secrets             CREATE SECRET s AS 'v'   (DuckDB, Materialize)
Not masked: bare names after = outside connection statements (WHERE token = t.token), column
definitions (password STRING), references to stored secrets (PASSWORD = SECRET pg_pass).
Also read where logs carry statements: inside a JSON string, decoded (\\n, \\\", \\u0027, \\/ …),
and inside a SQL literal with its quotes doubled ('CREATE … (''token'' = ''t'')'); the mask is
written in the same form ('<REDACTED>' in JSON, ''<REDACTED>'' in a literal).

Which mode for which input:
  SQL scripts, migrations     sqlredact setup.sql > setup.redacted.sql
  logs, JSON logs             sqlredact --lines < app.log
  a CI gate, pre-commit       sqlredact --check migrations/*.sql
In text mode a literal that never closes runs to the end of the input, so on a log one cut-off
value masks the rest of the log (and --json reports those lines as the value). --lines ends
every literal and comment with its line instead, and with it the statement it stands in; a
statement whose line ends cleanly goes on to the next line, so one printed over several lines
is read whole.

Options:
      --lines            Line mode (for logs): a literal or comment still open at the end of
                         its line ends there, and so does its statement; offsets and line
                         numbers count from the start of the whole input
      --json             Print one JSON document per input (per FILE, or one for standard
                         input, in --lines mode too) instead of the text:
                         {\"text\", \"secrets\", \"warnings\", \"file\"}; \"file\" only when FILEs
                         are named. A secret is {key, value, connection, start, end, line}, a
                         warning {key, suggestion, start, end, line}; start and end are byte
                         offsets into the input, line counts from 1. The values are printed:
                         treat the output as secret. Needs UTF-8 input; holds one input in memory
      --secrets FILE     Also append every extracted secret to FILE as one JSON object per line
                         (key, value, connection, start, end, line, file); FILE is created
                         readable by its owner only; each value is held in memory until written
      --check            Print no text; name each unmasked secret (never its value) as
                         FILE:LINE: value of 'KEY' in connection 'NAME' is not masked
                         (or FILE:LINE: value of 'KEY' is not masked, outside one)
                         and exit 1 if there is any (for CI gates and pre-commit hooks). Text
                         masked with --mask TEXT passes only with the same --mask TEXT; add
                         --strict to fail on near misses too
      --mask TEXT        Write 'TEXT' instead of '<REDACTED>'
      --key KEY          Treat KEY as sensitive too (repeatable; in every statement)
      --no-default-keys  Start from an empty key list (use with --key)
      --fragment TEXT    Outside connection statements, treat a key that contains TEXT as
                         sensitive too (compared lower-cased, with _ and . read as -; repeatable)
      --no-default-fragments
                         Start from no fragments (use with --fragment)
      --connections-only Read only CREATE/ALTER CONNECTION statements
      --strict           Mask near misses too ('ap-key', 'pasword'), not only warn
  -q, --quiet            Print no near-miss warnings
  -h, --help             Print this help
  -V, --version          Print the version

Default sensitive keys (connection statements): api-key api_key aws-access-key aws-secret-key
aws-session-token service-key username password token client-id client-secret
Default fragments (other statements): password passwd secret token api-key apikey key-id
access-key private-key service-key account-key credential jaas-config auth-params basic-auth
http-headers

Exit status: 0 done; 1 --check found secrets; 2 usage or I/O error.
Text mode streams with bounded memory: output is written as soon as it is decided, and only an
unfinished connection statement is held back.
";

/// More warnings than this get a count at the end, so the last screen says how many there were.
const SCREENFUL: usize = 20;

struct Args {
    json: bool,
    check: bool,
    quiet: bool,
    secrets: Option<PathBuf>,
    files: Vec<OsString>,
    redactor: Redactor,
}

enum Failure {
    /// Already reported.
    Reported,
    /// Standard output was closed.
    BrokenPipe,
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => return ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sqlredact: {message}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(found) if args.check && found => ExitCode::from(1),
        Ok(_) => ExitCode::SUCCESS,
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Reported) => ExitCode::from(2),
    }
}

fn parse_args() -> Result<Option<Args>, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let mut builder = Redactor::builder();
    let (mut lines, mut json, mut check, mut quiet, mut strict) =
        (false, false, false, false, false);
    let (mut secrets, mut files) = (None, Vec::new());
    let (mut keys, mut no_defaults, mut mask) = (Vec::new(), false, None);
    let (mut fragments, mut no_default_fragments, mut connections_only) =
        (Vec::new(), false, false);
    let text = |value: OsString, what: &str| {
        value
            .into_string()
            .map_err(|_| format!("{what} must be UTF-8"))
    };
    while let Some(arg) = parser.next().map_err(|e| format!("{e} (see --help)"))? {
        match arg {
            Long("lines") => lines = true,
            Long("json") => json = true,
            Long("check") => check = true,
            Long("strict") => strict = true,
            Long("no-default-keys") => no_defaults = true,
            Short('q') | Long("quiet") => quiet = true,
            Long("secrets") => {
                secrets = Some(PathBuf::from(parser.value().map_err(|e| e.to_string())?))
            }
            Long("mask") => {
                mask = Some(text(parser.value().map_err(|e| e.to_string())?, "--mask")?)
            }
            Long("key") => keys.push(text(parser.value().map_err(|e| e.to_string())?, "--key")?),
            Long("fragment") => fragments.push(text(
                parser.value().map_err(|e| e.to_string())?,
                "--fragment",
            )?),
            Long("no-default-fragments") => no_default_fragments = true,
            Long("connections-only") => connections_only = true,
            Short('h') | Long("help") => {
                print!("{HELP}");
                return Ok(None);
            }
            Short('V') | Long("version") => {
                println!("sqlredact {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            Value(file) => files.push(file),
            _ => return Err(format!("{} (see --help)", arg.unexpected())),
        }
    }
    if json && check {
        return Err("--json and --check cannot be used together (see --help)".to_string());
    }
    if no_defaults {
        builder = builder.no_default_keys();
    }
    for key in &keys {
        if key.is_empty() {
            return Err("--key needs a non-empty key".to_string());
        }
        builder = builder.key(key);
    }
    if let Some(mask) = &mask {
        builder = builder.mask(mask);
    }
    if no_default_fragments {
        builder = builder.no_default_fragments();
    }
    for fragment in &fragments {
        if fragment.is_empty() {
            return Err("--fragment needs a non-empty text".to_string());
        }
        builder = builder.fragment(fragment);
    }
    if no_defaults && keys.is_empty() {
        return Err("--no-default-keys leaves no key to mask: add some with --key".to_string());
    }
    let redactor = builder
        .strict(strict)
        .lines(lines)
        .connections_only(connections_only)
        .build();
    Ok(Some(Args {
        json,
        check,
        quiet,
        secrets,
        files,
        redactor,
    }))
}

/// Runs over every input; true when a secret was found.
fn run(args: &Args) -> Result<bool, Failure> {
    let mut secrets_file = match &args.secrets {
        Some(path) => Some(open_secrets(path).map_err(|e| {
            eprintln!("sqlredact: {}: {}", path.display(), describe(&e));
            Failure::Reported
        })?),
        None => None,
    };
    let named = !args.files.is_empty();
    let inputs: Vec<OsString> = if named {
        args.files.clone()
    } else {
        vec!["-".into()]
    };
    let stdout = io::stdout();
    let mut stdout = stdout.lock();
    let mut found = false;
    let mut warned = 0;
    let mut failed = false;
    for input in &inputs {
        let name = if input == "-" {
            "<stdin>".to_string()
        } else {
            input.to_string_lossy().into_owned()
        };
        let file = named.then_some(name.as_str());
        let reader: Box<dyn Read> = if input == "-" {
            Box::new(io::stdin().lock())
        } else {
            match File::open(input) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    eprintln!("sqlredact: {name}: {}", describe(&e));
                    failed = true;
                    continue;
                }
            }
        };
        let mut report = Report {
            name: &name,
            file,
            args,
            out: &mut stdout,
            secrets_file: secrets_file.as_mut(),
            found: false,
            warned: 0,
        };
        let result = if args.json {
            report.json(reader)
        } else {
            report.stream(reader)
        };
        found |= report.found;
        warned += report.warned;
        match result {
            Ok(()) => {}
            Err(Problem::Stdout(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
                return Err(Failure::BrokenPipe);
            }
            Err(Problem::Stdout(e)) => {
                eprintln!("sqlredact: standard output: {}", describe(&e));
                return Err(Failure::Reported);
            }
            Err(Problem::Input(message)) => {
                eprintln!("sqlredact: {name}: {message}");
                failed = true;
            }
            Err(Problem::Secrets(e)) => {
                let path = args
                    .secrets
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                eprintln!("sqlredact: {path}: {}", describe(&e));
                return Err(Failure::Reported);
            }
        }
    }
    if warned > SCREENFUL && !args.quiet {
        eprintln!(
            "sqlredact: {warned} near-miss warnings in all; their values were left unmasked (--strict masks them, -q hides the warnings)"
        );
    }
    if failed {
        Err(Failure::Reported)
    } else {
        Ok(found)
    }
}

#[cfg(unix)]
fn open_secrets(path: &std::path::Path) -> io::Result<File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    let mut perms = file.metadata()?.permissions();
    if perms.mode() & 0o077 != 0 {
        perms.set_mode(perms.mode() & 0o700);
        file.set_permissions(perms)?;
    }
    Ok(file)
}

#[cfg(not(unix))]
fn open_secrets(path: &std::path::Path) -> io::Result<File> {
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
}

/// An I/O error as a person reads it: `no such file or directory`, not
/// `No such file or directory (os error 2)`.
fn describe(e: &io::Error) -> String {
    let text = e.to_string();
    let text = match text.rfind(" (os error ") {
        Some(at) if text.ends_with(')') => &text[..at],
        _ => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => format!("{:?}", e.kind()),
    }
}

enum Problem {
    Stdout(io::Error),
    Input(String),
    Secrets(io::Error),
}

struct Report<'a, W: Write> {
    name: &'a str,
    file: Option<&'a str>,
    args: &'a Args,
    out: &'a mut W,
    secrets_file: Option<&'a mut File>,
    found: bool,
    /// Near-miss warnings seen in this input.
    warned: usize,
}

impl<W: Write> Report<'_, W> {
    /// Text and check modes: masks block by block, writing as it goes.
    fn stream(&mut self, mut reader: Box<dyn Read>) -> Result<(), Problem> {
        let values = self.secrets_file.is_some();
        let mut stream = self.args.redactor.stream(values);
        let mut out = Output::default();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(Problem::Input(describe(&e))),
            };
            stream.feed(&buf[..n], &mut out);
            self.deliver(&mut out)?;
        }
        stream.finish(&mut out);
        self.deliver(&mut out)
    }

    fn deliver(&mut self, out: &mut Output) -> Result<(), Problem> {
        for warning in &out.warnings {
            self.warn(warning);
        }
        for secret in &out.secrets {
            self.secret(secret)?;
        }
        if !self.args.check && !out.text.is_empty() {
            self.out.write_all(&out.text).map_err(Problem::Stdout)?;
            self.out.flush().map_err(Problem::Stdout)?;
        }
        out.clear();
        Ok(())
    }

    /// JSON mode: one whole input, one document.
    fn json(&mut self, mut reader: Box<dyn Read>) -> Result<(), Problem> {
        let mut input = Vec::new();
        reader
            .read_to_end(&mut input)
            .map_err(|e| Problem::Input(describe(&e)))?;
        let text = String::from_utf8(input).map_err(|e| {
            Problem::Input(format!(
                "--json needs UTF-8 input (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ))
        })?;
        let r = self.args.redactor.redact(&text);
        for warning in r.warnings() {
            self.warn(warning);
        }
        for secret in r.secrets() {
            self.secret(secret)?;
        }
        let mut doc = serde_json::json!({
            "text": r.text(),
            "secrets": r.secrets(),
            "warnings": r.warnings(),
        });
        if let Some(file) = self.file {
            doc["file"] = file.into();
        }
        let mut line = serde_json::to_vec(&doc).expect("a JSON value serializes");
        line.push(b'\n');
        self.out
            .write_all(&line)
            .and_then(|()| self.out.flush())
            .map_err(Problem::Stdout)
    }

    fn warn(&mut self, w: &Warning) {
        self.warned += 1;
        if !self.args.quiet {
            eprintln!(
                "sqlredact: warning: {}:{}: key '{}' looks like '{}'; its value was left unmasked (--strict masks it)",
                self.name,
                w.line(),
                w.key(),
                w.suggestion()
            );
        }
    }

    fn secret(&mut self, s: &Secret) -> Result<(), Problem> {
        self.found = true;
        if self.args.check {
            let conn = match s.connection() {
                Some(name) => format!(" in connection '{name}'"),
                None => String::new(),
            };
            let line = format!(
                "{}:{}: value of '{}'{conn} is not masked\n",
                self.name,
                s.line(),
                s.key()
            );
            self.out
                .write_all(line.as_bytes())
                .map_err(Problem::Stdout)?;
        }
        if let Some(file) = self.secrets_file.as_mut() {
            let mut record = serde_json::to_value(s).expect("a secret serializes");
            record["file"] = self.name.into();
            let mut line = serde_json::to_vec(&record).expect("a JSON value serializes");
            line.push(b'\n');
            file.write_all(&line).map_err(Problem::Secrets)?;
        }
        Ok(())
    }
}
