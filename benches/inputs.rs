//! Bench inputs, generated from a fixed seed (no pasted megabytes): each function returns the
//! input and how many secrets the default policy must find in it.

/// A tiny deterministic generator (xorshift), so inputs are the same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "orders",
    "customers",
    "clicks",
    "payments",
    "sessions",
    "tickets",
];

/// A Flink SQL script with no connection statements.
pub fn script(size: usize) -> (String, usize) {
    let mut rng = Rng::new(1);
    let mut s = String::with_capacity(size + 512);
    while s.len() < size {
        let t = rng.pick(WORDS);
        match rng.below(4) {
            0 => s.push_str(&format!(
                "CREATE TABLE {t}_{n} (\n  id BIGINT,\n  note STRING,\n  ts TIMESTAMP(3)\n) WITH (\n  'connector' = 'kafka',\n  'topic' = '{t}',\n  'properties.bootstrap.servers' = 'broker-{n}:9092',\n  'format' = 'json'\n);\n",
                n = rng.below(1000)
            )),
            1 => s.push_str(&format!(
                "INSERT INTO {t}_sink SELECT id, 'it''s {t}', UPPER(note) FROM {t} WHERE note <> 'password = none' AND id > {n};\n",
                n = rng.below(100_000)
            )),
            2 => s.push_str(&format!("-- refresh {t} every hour; see the runbook\n/* owner: data-platform, {t} */\n")),
            _ => s.push_str(&format!("SELECT {t}.id, COUNT(*) AS c FROM {t} GROUP BY {t}.id HAVING COUNT(*) > {n};\n", n = rng.below(50))),
        }
    }
    (s, 0)
}

fn connection_statement(rng: &mut Rng, n: usize) -> (String, usize) {
    let verb = rng.pick(&[
        "CREATE CONNECTION",
        "create or replace connection",
        "ALTER CONNECTION",
        "CREATE CONNECTION IF NOT EXISTS",
    ]);
    let alter = verb.starts_with("ALTER");
    let name = rng.pick(&["c", "`prod`.`ai`.`openai`", "mongo_history", "`my-conn`"]);
    let pairs = [
        ("'api-key'", "'sk-{n}-abcdefghijklmnop'"),
        ("'password'", "'pw''{n}'"),
        ("token", "tok{n}"),
        ("'aws-secret-key'", "'aws/{n}/secret'"),
        ("\"client-secret\"", "'cs-{n}' /* part two */ 'tail'"),
    ];
    let count = 1 + rng.below(3);
    let mut body = String::new();
    if !alter {
        body.push_str("'type' = 'openai',\n    'endpoint' = 'https://api.example.com/v1',\n    ");
    }
    for i in 0..count {
        let (k, v) = pairs[rng.below(pairs.len())];
        if i > 0 {
            body.push_str(",\n    ");
        }
        body.push_str(&format!("{k} = {}", v.replace("{n}", &n.to_string())));
    }
    let kw = if alter { "SET" } else { "WITH" };
    (format!("{verb} {name} {kw} (\n    {body}\n);\n"), count)
}

/// The `n`th record's time stamp in the generated logs.
fn timestamp(n: usize) -> String {
    format!(
        "2026-11-02T16:{:02}:{:02}.{:03}Z",
        n / 60000 % 60,
        n / 1000 % 60,
        n % 1000
    )
}

/// A statement as a JSON encoder writes it between the quotes of a string.
fn json_string_content(stmt: &str) -> String {
    stmt.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Application log lines; about 1 in 100 carries a connection statement, plain or in JSON.
pub fn logs(size: usize) -> (String, usize) {
    let mut rng = Rng::new(2);
    let mut s = String::with_capacity(size + 512);
    let mut secrets = 0;
    let mut n = 0;
    while s.len() < size {
        n += 1;
        let ts = timestamp(n);
        if rng.below(100) == 0 {
            let (stmt, count) = connection_statement(&mut rng, n);
            secrets += count;
            if rng.below(2) == 0 {
                s.push_str(&format!(
                    "{ts} INFO  [sql-gateway-2] SqlGatewayService - executing statement: {}\n",
                    stmt.replace('\n', " ")
                ));
            } else {
                let escaped = json_string_content(&stmt);
                s.push_str(&format!(
                    "{{\"ts\":\"{ts}\",\"level\":\"INFO\",\"msg\":\"{escaped}\"}}\n"
                ));
            }
        } else {
            let t = rng.pick(WORDS);
            s.push_str(&format!(
                "{ts} INFO  [worker-{w}] {t}Processor - processed {c} records from '{t}' in {ms} ms; user's checkpoint ok\n",
                w = rng.below(8),
                c = rng.below(10_000),
                ms = rng.below(500)
            ));
        }
    }
    (s, secrets)
}

/// Application logs where every record is JSON: one in a hundred carries a connection
/// statement, half of those written the way Gson writes strings (`'` as `\u0027`, `=` as
/// `\u003d`; SPEC section 9).
pub fn json_logs(size: usize) -> (String, usize) {
    let mut rng = Rng::new(3);
    let mut s = String::with_capacity(size + 512);
    let mut secrets = 0;
    let mut n = 0;
    while s.len() < size {
        n += 1;
        let ts = timestamp(n);
        let msg = if rng.below(100) == 0 {
            let (stmt, count) = connection_statement(&mut rng, n);
            secrets += count;
            let escaped = json_string_content(&stmt);
            if rng.below(2) == 0 {
                escaped
            } else {
                escaped.replace('\'', "\\u0027").replace('=', "\\u003d")
            }
        } else {
            let t = rng.pick(WORDS);
            format!(
                "processed {c} records from '{t}' in {ms} ms; user's checkpoint ok",
                c = rng.below(10_000),
                ms = rng.below(500)
            )
        };
        s.push_str(&format!(
            "{{\"ts\":\"{ts}\",\"level\":\"INFO\",\"logger\":\"worker-{w}\",\"msg\":\"{msg}\"}}\n",
            w = rng.below(8)
        ));
    }
    (s, secrets)
}

/// Nothing but connection statements with 1–3 secrets each.
pub fn dense(size: usize) -> (String, usize) {
    let mut rng = Rng::new(3);
    let mut s = String::with_capacity(size + 512);
    let mut secrets = 0;
    let mut n = 0;
    while s.len() < size {
        n += 1;
        let (stmt, count) = connection_statement(&mut rng, n);
        s.push_str(&stmt);
        secrets += count;
    }
    (s, secrets)
}

/// A script of Flink, PostgreSQL, MySQL and Snowflake statements in which about one statement
/// in five carries credentials (SPEC section 8): Flink `WITH` options, `SET 'sql.secrets…'`,
/// role and user passwords, foreign-server options, `IDENTIFIED BY`, Snowflake `CREDENTIALS`.
/// The other four in five are the statements around them: tables whose columns are named
/// `password_hash`, `SET` and `GRANT` without secrets, `COPY` without credentials.
pub fn families(size: usize) -> (String, usize) {
    let mut rng = Rng::new(4);
    let mut s = String::with_capacity(size + 512);
    let mut secrets = 0;
    let mut n = 0;
    while s.len() < size {
        n += 1;
        let t = rng.pick(WORDS);
        if rng.below(5) == 0 {
            let (stmt, count) = match rng.below(7) {
                0 => (
                    format!(
                        "CREATE TABLE {t}_jdbc (\n  id BIGINT,\n  note STRING\n) WITH (\n  'connector' = 'jdbc',\n  'url' = 'jdbc:postgresql://db-{n}:5432/app',\n  'table-name' = '{t}',\n  'username' = 'app',\n  'password' = 'pw-{n}-Zq8x'\n);\n"
                    ),
                    1,
                ),
                1 => (
                    format!(
                        "CREATE TABLE {t}_events (\n  id BIGINT,\n  payload STRING\n) WITH (\n  'connector' = 'kafka',\n  'topic' = '{t}',\n  'properties.security.protocol' = 'SASL_SSL',\n  'properties.sasl.jaas.config' = 'org.apache.kafka.common.security.plain.PlainLoginModule required username=\"svc\" password=\"k-{n}\";'\n);\n"
                    ),
                    1,
                ),
                2 => (
                    format!("SET 'sql.secrets.openai' = 'sk-{n}-abcdefghijklmnop';\n"),
                    1,
                ),
                3 => (
                    format!("ALTER ROLE app_{n} WITH LOGIN PASSWORD 'pg-{n}-secret';\n"),
                    1,
                ),
                4 => (
                    format!(
                        "CREATE USER MAPPING FOR app SERVER remote_{t} OPTIONS (user 'app', password 'fdw-{n}');\n"
                    ),
                    1,
                ),
                5 => (
                    format!("CREATE USER 'app{n}'@'%' IDENTIFIED BY 'my-{n}-pass';\n"),
                    1,
                ),
                _ => (
                    format!(
                        "COPY INTO {t} FROM 's3://bucket/{t}/{n}/'\n  CREDENTIALS = (AWS_KEY_ID = 'AKIA{n}' AWS_SECRET_KEY = 'sf-{n}-secret')\n  FILE_FORMAT = (TYPE = CSV);\n"
                    ),
                    2,
                ),
            };
            s.push_str(&stmt);
            secrets += count;
        } else {
            s.push_str(&match rng.below(6) {
                0 => format!("CREATE TABLE {t}_{n} (\n  id BIGINT,\n  password_hash STRING,\n  token_count INT,\n  ts TIMESTAMP(3)\n) WITH (\n  'connector' = 'kafka',\n  'topic' = '{t}',\n  'scan.startup.mode' = 'earliest-offset',\n  'format' = 'json'\n);\n"),
                1 => format!("SET search_path = app, public;\nSET 'pipeline.name' = '{t}-{n}';\n"),
                2 => format!("GRANT SELECT, INSERT ON {t} TO analyst_{n};\n"),
                3 => format!("COPY INTO {t} FROM @stage/{t}/ FILE_FORMAT = (TYPE = CSV SKIP_HEADER = 1);\n"),
                4 => format!("ALTER TABLE {t} ADD COLUMN note_{n} TEXT;\nCREATE INDEX {t}_idx_{n} ON {t} (id);\n"),
                _ => format!("INSERT INTO {t}_sink SELECT id, 'it''s {t}' FROM {t} WHERE token = {t}.token AND id > {n};\n"),
            });
        }
    }
    (s, secrets)
}

/// One typical ~300-byte statement.
pub fn one_statement() -> (String, usize) {
    let s = "CREATE CONNECTION `prod`.`support`.`openai-summaries`\n  WITH (\n    'type' = 'openai',\n    'endpoint' = 'https://api.openai.com/v1/chat/completions',\n    'api-key' = 'sk-proj-7Hq2ExampleKeyDoNotUse0123456789',\n    'organization' = 'org-example'\n  );\n".to_string();
    (s, 1)
}

/// One log line without a statement, as most lines a library call masks are.
pub fn one_line() -> (String, usize) {
    let s = "2026-12-04 20:46:25.118 INFO  [worker-3] ordersProcessor - processed 4182 records from 'orders' in 37 ms; user's checkpoint ok\n".to_string();
    (s, 0)
}

/// Adversarial shapes: `(name, input, secrets)`.
pub fn adversarial(size: usize) -> Vec<(&'static str, Vec<u8>, usize)> {
    let repeat = |unit: &[u8]| unit.repeat(size / unit.len());
    let mut big_secret = b"ALTER CONNECTION c SET ('password' = '".to_vec();
    big_secret.extend(std::iter::repeat_n(b'x', size));
    big_secret.extend_from_slice(b"');");
    vec![
        ("quotes", repeat(b"'"), 0),
        ("open_statements", repeat(b"CREATE CONNECTION ("), 0),
        ("comment_openers", repeat(b"/*"), 0),
        (
            "parens",
            [b"CREATE CONNECTION c WITH ".as_slice(), &repeat(b"(")].concat(),
            0,
        ),
        ("one_big_secret", big_secret, 1),
        // every occurrence opens a comment that never closes, or none at all: each used to be
        // read to the end of the input by its own run (quadratic)
        ("verbs_opening_line_comments", repeat(b"CREATE -- "), 0),
        ("verbs_opening_block_comments", repeat(b"CREATE /* "), 0),
        ("verbs", repeat(b"CREATE "), 0),
        (
            "statements_opening_line_comments",
            repeat(b"CREATE CONNECTION -- "),
            0,
        ),
        (
            "statements_opening_block_comments",
            repeat(b"CREATE CONNECTION /* "),
            0,
        ),
        // a credential statement's body that the skim cannot step over (no `(`, `)` or `,` to
        // go on from): each token used to make it look to the end again (quadratic)
        (
            "credential_body_without_boundaries",
            [b"SET ".as_slice(), &repeat(b"# ")].concat(),
            0,
        ),
        ("credential_verbs", repeat(b"SET # "), 0),
        // SPEC section 8's heads and clauses, each opening what the next one interrupts
        ("set_heads", repeat(b"SET "), 0),
        (
            "identified_by_repeated",
            [b"CREATE USER u ".as_slice(), &repeat(b"IDENTIFIED BY ")].concat(),
            // every other `IDENTIFIED` is the password of the one before
            size / b"IDENTIFIED BY ".len() / 2,
        ),
        ("secret_as_repeated", repeat(b"CREATE SECRET x AS "), 0),
        ("set_password_repeated", repeat(b"SET PASSWORD = "), 0),
        // a connection header ended by a verb: claimed when the pair list opens, else that
        // verb's statement reads on (and meets the next stray header in a comment)
        ("claimed_verbs", repeat(b"ALTER CONNECTION c SET ("), 0),
        (
            "stray_connection_headers",
            repeat(b"-- alter connection x\nSET "),
            0,
        ),
        (
            "keys_without_separator",
            [b"CREATE TABLE t WITH (".as_slice(), &repeat(b"password ")].concat(),
            0,
        ),
        // SPEC section 9: every JSON string and literal piece holds a statement word and an
        // escape or doubled quote, so each is decoded and read again; or one string or literal
        // holds them all (read in stretches of at most 1 MiB)
        ("json_strings_with_verbs", repeat(b"\"SET \\t\" "), 0),
        ("literal_pieces_with_verbs", repeat(b"'SET ''x'' '"), 0),
        (
            "one_json_string_of_verbs",
            [b"{\"msg\":\"".as_slice(), &repeat(b"CREATE \\u0027 ")].concat(),
            0,
        ),
        (
            "one_literal_of_verbs",
            [b"VALUES ('".as_slice(), &repeat(b"ALTER CONNECTION ''")].concat(),
            0,
        ),
    ]
}
