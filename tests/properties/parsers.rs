//! Every parser, on any input: no panic, no hang, bounded memory (see `harness::guarded`).
//! The result itself (value or error) is not judged here.

use std::path::PathBuf;

use promvault::data::Data;
use proptest::prelude::*;

use crate::{
    harness::{check, guarded},
    strategies::{
        as_yaml, keyed_yaml, list, mutated, named, section, soup, text, yaml_string, yaml_text,
    },
};

fn bytes(s: &str) -> usize {
    s.len()
}

#[test]
fn yaml_load() {
    check("yaml_load", yaml_text(), |text| {
        let len = bytes(&text);
        guarded(len, move || {
            let _ = promvault::yaml::load::load(&text);
        })
    });
}

#[test]
fn yaml_tree() {
    use promvault::yaml::node::{load, Documents};
    check("yaml_tree", yaml_text(), |text| {
        let len = bytes(&text);
        guarded(len, move || {
            for documents in [Documents::First, Documents::One] {
                if let Ok(Some(node)) = load(&text, documents) {
                    let _ = node.duplicate_keys();
                }
            }
            let _ = promvault::prometheus::document(&text);
        })
    });
}

/// The serde-saphyr readers: vault plaintexts (their variables and top-level keys) and the
/// inventory's vars files.
#[test]
fn yaml_variables() {
    check("yaml_variables", yaml_text(), |text| {
        let len = bytes(&text);
        guarded(len, move || {
            let _ = promvault::yaml::parse_variables(&text);
            let _ = promvault::yaml::top_level_keys(&text);
            let _ = promvault::vault::variables(&text, "v");
            let _ = promvault::inventory::vars_from_yaml(&text, "group_vars/all.yml");
        })
    });
}

const PROMETHEUS_KEYS: &[&str] = &[
    "global",
    "scrape_interval",
    "scrape_timeout",
    "evaluation_interval",
    "external_labels",
    "scrape_configs",
    "job_name",
    "static_configs",
    "targets",
    "labels",
    "relabel_configs",
    "metric_relabel_configs",
    "source_labels",
    "separator",
    "regex",
    "target_label",
    "replacement",
    "action",
    "modulus",
    "basic_auth",
    "username",
    "password",
    "password_file",
    "tls_config",
    "ca_file",
    "cert_file",
    "key_file",
    "insecure_skip_verify",
    "server_name",
    "authorization",
    "type",
    "credentials",
    "credentials_file",
    "oauth2",
    "client_id",
    "client_secret",
    "token_url",
    "scopes",
    "bearer_token",
    "proxy_url",
    "no_proxy",
    "proxy_from_environment",
    "follow_redirects",
    "enable_http2",
    "honor_labels",
    "honor_timestamps",
    "metrics_path",
    "scheme",
    "params",
    "sample_limit",
    "body_size_limit",
    "kubernetes_sd_configs",
    "role",
    "namespaces",
    "names",
    "selectors",
    "api_server",
    "file_sd_configs",
    "files",
    "refresh_interval",
    "dns_sd_configs",
    "port",
    "consul_sd_configs",
    "server",
    "services",
    "http_sd_configs",
    "url",
    "ec2_sd_configs",
    "region",
    "alerting",
    "alertmanagers",
    "alert_relabel_configs",
    "rule_files",
    "remote_write",
    "remote_read",
    "write_relabel_configs",
    "queue_config",
    "storage",
    "tsdb",
    "out_of_order_time_window",
    "scrape_config_files",
    "scrape_protocols",
    "fallback_scrape_protocol",
    "runtime",
    "gogc",
    "tls_server_config",
    "http_server_config",
    "basic_auth_users",
    "headers",
    "client_auth_type",
    "client_ca_file",
    "min_version",
    "max_version",
    "cipher_suites",
    "http2",
    "admin",
    "x",
];

const PROMETHEUS_LEAVES: &[&str] = &[
    "15s",
    "1m",
    "0s",
    "-1s",
    "1h30m",
    "5d",
    "1y",
    "10",
    "a",
    "node",
    "job",
    "__address__",
    "__meta_x",
    "localhost:9100",
    "host:99999",
    "http://a/b",
    "https://u:p@h:1/p?q#f",
    "::1",
    "[::1]:9100",
    "replace",
    "keep",
    "drop",
    "hashmod",
    "labelmap",
    "labeldrop",
    "labelkeep",
    "lowercase",
    "uppercase",
    "keepequal",
    "dropequal",
    "(.*)",
    "$1",
    "${1}x",
    "a|b",
    "[",
    "(?P<n>x)",
    "\\d+",
    "pod",
    "service",
    "endpoints",
    "node",
    "ingress",
    "Bearer",
    "Basic",
    "secret",
    "/etc/x",
    "../x",
    "",
    " ",
    "NoClientCert",
    "RequireAndVerifyClientCert",
    "TLS12",
    "TLS13",
    "TLS10",
    "$2y$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0",
    "100MB",
    "1KiB",
    "PrometheusProto",
    "OpenMetricsText1.0.0",
    "http",
    "https",
    "us-east-1",
];

/// A value where Prometheus expects a scalar: one of its own kind, or anything.
fn leaf() -> BoxedStrategy<Data> {
    prop_oneof![
        5 => prop::sample::select(PROMETHEUS_LEAVES).prop_map(|s| Data::Str(s.to_string())),
        1 => yaml_string().prop_map(Data::Str),
        1 => any::<i32>().prop_map(|i| Data::Int(i.into())),
        1 => any::<bool>().prop_map(Data::Bool),
        1 => Just(Data::Null),
    ]
    .boxed()
}

/// A Prometheus config shaped as Prometheus expects it (each field present or not), with
/// values of every kind where its scalars go.
fn prometheus_config_data() -> BoxedStrategy<Data> {
    let labels = section(&["a", "job", "__name__", "x-y", "é"], leaf());
    let relabel = section(
        &[
            "source_labels",
            "separator",
            "regex",
            "target_label",
            "replacement",
            "action",
            "modulus",
        ],
        prop_oneof![3 => leaf(), 1 => list(leaf(), 3)].boxed(),
    );
    let auth = section(
        &[
            "username",
            "username_file",
            "password",
            "password_file",
            "type",
            "credentials",
            "credentials_file",
            "client_id",
            "client_secret",
            "token_url",
            "scopes",
            "ca_file",
            "cert_file",
            "key_file",
            "server_name",
            "insecure_skip_verify",
            "min_version",
        ],
        leaf(),
    );
    let sd = section(
        &[
            "files",
            "refresh_interval",
            "role",
            "names",
            "port",
            "url",
            "api_server",
            "namespaces",
        ],
        prop_oneof![2 => leaf(), 1 => list(leaf(), 3)].boxed(),
    );
    let job = named(&[
        ("job_name", leaf()),
        ("scrape_interval", leaf()),
        ("scrape_timeout", leaf()),
        ("metrics_path", leaf()),
        ("scheme", leaf()),
        ("honor_labels", leaf()),
        (
            "static_configs",
            list(
                named(&[("targets", list(leaf(), 3)), ("labels", labels.clone())]),
                3,
            ),
        ),
        ("relabel_configs", list(relabel.clone(), 3)),
        ("metric_relabel_configs", list(relabel.clone(), 2)),
        ("basic_auth", auth.clone()),
        ("authorization", auth.clone()),
        ("oauth2", auth.clone()),
        ("tls_config", auth.clone()),
        ("file_sd_configs", list(sd.clone(), 2)),
        ("kubernetes_sd_configs", list(sd.clone(), 2)),
        ("dns_sd_configs", list(sd, 2)),
        ("params", section(&["module", "x"], list(leaf(), 2))),
        ("sample_limit", leaf()),
        ("body_size_limit", leaf()),
    ]);
    let alertmanagers = list(
        named(&[(
            "static_configs",
            list(named(&[("targets", list(leaf(), 2))]), 2),
        )]),
        2,
    );
    named(&[
        (
            "global",
            named(&[
                ("scrape_interval", leaf()),
                ("scrape_timeout", leaf()),
                ("evaluation_interval", leaf()),
                ("external_labels", labels),
            ]),
        ),
        ("scrape_configs", list(job, 4)),
        ("rule_files", list(leaf(), 2)),
        ("alerting", named(&[("alertmanagers", alertmanagers)])),
        (
            "remote_write",
            list(
                named(&[
                    ("url", leaf()),
                    ("write_relabel_configs", list(relabel, 2)),
                    ("basic_auth", auth),
                ]),
                2,
            ),
        ),
    ])
}

/// A web config shaped as Prometheus expects it.
fn web_config_data() -> BoxedStrategy<Data> {
    let tls = section(
        &[
            "cert_file",
            "key_file",
            "client_auth_type",
            "client_ca_file",
            "min_version",
            "max_version",
            "cipher_suites",
            "curve_preferences",
            "prefer_server_cipher_suites",
        ],
        prop_oneof![3 => leaf(), 1 => list(leaf(), 2)].boxed(),
    );
    let headers = section(
        &["X-Frame-Options", "Strict-Transport-Security", "x"],
        leaf(),
    );
    named(&[
        ("tls_server_config", tls),
        (
            "http_server_config",
            named(&[("http2", leaf()), ("headers", headers)]),
        ),
        (
            "basic_auth_users",
            section(&["alice", "bob", "", "é"], leaf()),
        ),
    ])
}

fn prometheus_text() -> BoxedStrategy<String> {
    prop_oneof![
        3 => as_yaml(prometheus_config_data()),
        1 => as_yaml(web_config_data()),
        1 => mutated(as_yaml(prometheus_config_data())),
        1 => keyed_yaml(PROMETHEUS_KEYS, PROMETHEUS_LEAVES),
        1 => yaml_text(),
    ]
    .boxed()
}

#[test]
fn prometheus_config() {
    check("prometheus_config", prometheus_text(), |text| {
        let len = bytes(&text);
        guarded(len, move || {
            use promvault::prometheus::{check_config, check_config_agent, scrape_jobs, Version};
            for version in [Version::V2, Version::V3] {
                let _ = check_config(&text, version);
                let _ = check_config_agent(&text, version);
                let _ = scrape_jobs(&text, version);
            }
        })
    });
}

#[test]
fn prometheus_web_config() {
    check("prometheus_web_config", prometheus_text(), |text| {
        let len = bytes(&text);
        guarded(len, move || {
            let _ = promvault::prometheus::check_web_config(&text);
        })
    });
}

/// Go's RE2 syntax and Perl/PCRE syntax that Go refuses.
const GO_REGEX: &[&str] = &[
    "a",
    "b",
    "é",
    ".",
    "*",
    "+",
    "?",
    "*?",
    "+?",
    "??",
    "{2}",
    "{1,3}",
    "{1,}",
    "{,2}",
    "{1000}",
    "{1001}",
    "{2}{2}",
    "(",
    ")",
    "(?:",
    "(?i)",
    "(?i:",
    "(?s)",
    "(?m)",
    "(?U)",
    "(?-i)",
    "(?P<n>",
    "(?<n>",
    "(?P=n)",
    "(?=",
    "(?!",
    "(?<=",
    "(?#",
    "[",
    "]",
    "[^",
    "[]a]",
    "[:alpha:]",
    "[[:digit:]]",
    "[[:^space:]]",
    "[[=a=]]",
    "\\",
    "\\d",
    "\\D",
    "\\w",
    "\\s",
    "\\S",
    "\\pL",
    "\\p{Greek}",
    "\\PL",
    "\\p{^L}",
    "\\Q",
    "\\E",
    "\\z",
    "\\Z",
    "\\A",
    "\\b",
    "\\B",
    "\\C",
    "\\G",
    "\\x41",
    "\\x{10FFFF}",
    "\\x{110000}",
    "\\101",
    "\\0",
    "\\8",
    "\\1",
    "\\k<n>",
    "\\n",
    "\\t",
    "\\f",
    "\\v",
    "\\a",
    "\\e",
    "^",
    "$",
    "|",
    "-",
    "a-z",
    "z-a",
    "\\-",
    "\u{0}",
    "\n",
    "😀",
    "\u{fffd}",
];

fn regex_config(regex: &str, replacement: &str) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap();
    format!(
        "scrape_configs:\n  - job_name: j\n    static_configs:\n      - targets: [\"a:1\", \"b:2\"]\n        labels: {{x: \"éé\", y: \"\"}}\n    relabel_configs:\n      - source_labels: [__address__, x]\n        regex: {r}\n        target_label: t\n        replacement: {p}\n      - regex: {r}\n        action: labelmap\n      - source_labels: [t]\n        regex: {r}\n        action: keep\n    metric_relabel_configs:\n      - regex: {r}\n        action: labeldrop\n",
        r = q(regex),
        p = q(replacement),
    )
}

/// The Go regexp translator, through the relabel rules that compile and run it.
#[test]
fn go_regexp() {
    let strategy = (
        prop_oneof![4 => soup(GO_REGEX, 16), 1 => any::<String>()],
        prop_oneof![
            soup(
                &["$1", "${1}", "$n", "${n}", "$$", "$", "${", "a", "$0x", "$10"],
                5
            ),
            any::<String>()
        ],
    );
    check("go_regexp", strategy, |(regex, replacement)| {
        let config = regex_config(&regex, &replacement);
        let len = config.len();
        guarded(len, move || {
            use promvault::prometheus::{check_config, scrape_jobs, Version};
            for version in [Version::V2, Version::V3] {
                let _ = check_config(&config, version);
                let _ = scrape_jobs(&config, version);
            }
        })
    });
}

const INI: &[&str] = &[
    "\n",
    "\n",
    "\n",
    " ",
    "  ",
    "[",
    "]",
    "[web]",
    "[web:vars]",
    "[web:children]",
    "[all:vars]",
    "[db]",
    "[all]",
    "[ungrouped]",
    "[x:y:z]",
    "[:vars]",
    "host1",
    "web",
    "db",
    "all",
    "host[1:3]",
    "h[a:c]",
    "h[01:10:2]",
    "h[1:3][a:b]",
    "h[9:1]",
    "h[1:3:0]",
    "h[:]",
    "h[1:",
    "[1:100000]",
    "x.example.com:2222",
    ":22",
    "::1",
    "=",
    "a=1",
    "ansible_host=1.2.3.4",
    "ansible_port=22",
    "ansible_port=x",
    "x='y z'",
    "x=\"a\\\"b\"",
    "\"",
    "'",
    "#",
    ";",
    ":",
    "{",
    "}",
    "(",
    ")",
    "[1, 2]",
    "{'a': 1}",
    "(1,)",
    "True",
    "None",
    "0x10",
    "1e400",
    "1_0",
    "-0",
    "\\",
    "\t",
    "é",
    "u'x'",
    "b'x'",
    "1j",
    "...",
    "\r",
    "\u{feff}",
    "{{ x }}",
];

fn ini_text() -> BoxedStrategy<String> {
    text(INI, 60)
}

/// A folder for one case's files, under the target's temporary folder.
pub fn scratch() -> tempfile::TempDir {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&base).unwrap();
    tempfile::tempdir_in(base).unwrap()
}

const PATTERNS: &[&str] = &[
    "all",
    "*",
    "web",
    "db",
    "host1",
    "h*",
    "~",
    "~^h.*$",
    "~(",
    "!",
    "&",
    ":",
    ",",
    "[0]",
    "[1:]",
    "[-1]",
    "[:2]",
    "[",
    "]",
    "?",
    "ungrouped",
    "web:&db",
    "web:!db",
    "\\",
    " ",
    "é",
];

/// INI inventories, read as `promvault` reads them (a file in a project), then the host
/// patterns of `--limit`.
#[test]
fn ini_inventory() {
    let strategy = (ini_text(), soup(PATTERNS, 6));
    check("ini_inventory", strategy, |(text, pattern)| {
        let len = text.len() + pattern.len();
        guarded(len, move || {
            let dir = scratch();
            let path = dir.path().join("hosts");
            std::fs::write(&path, &text).unwrap();
            if let Ok(inventory) = promvault::inventory::Inventory::load(&path, dir.path()) {
                let _ = inventory.hosts_matching(&pattern);
                for host in inventory.hosts_matching("all").unwrap_or_default() {
                    let _ = inventory.host_vars(&host);
                    let _ = inventory.group_names(&host);
                }
                let _ = inventory.groups_dict();
            }
            for word in text.split_whitespace() {
                let _ = promvault::inventory::expand_host_pattern(word);
            }
        })
    });
}

const INVENTORY_KEYS: &[&str] = &[
    "all",
    "children",
    "hosts",
    "vars",
    "web",
    "db",
    "host1",
    "h[1:3]",
    "ansible_host",
    "ansible_port",
    "x",
];

/// YAML inventories, the same way.
#[test]
fn yaml_inventory() {
    let strategy = (
        prop_oneof![3 => keyed_yaml(INVENTORY_KEYS, INVENTORY_KEYS), 1 => yaml_text()],
        soup(PATTERNS, 6),
    );
    check("yaml_inventory", strategy, |(text, pattern)| {
        let len = text.len() + pattern.len();
        guarded(len, move || {
            let dir = scratch();
            let path = dir.path().join("hosts.yml");
            std::fs::write(&path, &text).unwrap();
            if let Ok(inventory) = promvault::inventory::Inventory::load(&path, dir.path()) {
                let _ = inventory.hosts_matching(&pattern);
                for host in inventory.hosts_matching("all").unwrap_or_default() {
                    let _ = inventory.host_vars(&host);
                }
            }
        })
    });
}

const PYTHON: &[&str] = &[
    "[",
    "]",
    "(",
    ")",
    "{",
    "}",
    ",",
    ", ",
    ":",
    "'",
    "\"",
    "\"\"\"",
    "'''",
    "\\",
    "\\x41",
    "\\x4",
    "\\u00e9",
    "\\U0001F600",
    "\\N{EM DASH}",
    "\\N{",
    "\\777",
    "\\\n",
    "1",
    "0",
    "-",
    "+",
    "~",
    "0x",
    "0o",
    "0b",
    "_",
    ".",
    "e",
    "E",
    "j",
    "J",
    "1e309",
    "9999999999999999999999",
    "True",
    "False",
    "None",
    "set()",
    "b",
    "r",
    "u",
    "f",
    "rb",
    "br",
    "U",
    " ",
    "\t",
    "\n",
    "#",
    "a",
    "é",
    "...",
    "not",
    "lambda",
    "*",
    "**",
    "=",
    ";",
];

#[test]
fn python_literal() {
    check("python_literal", text(PYTHON, 40), |text| {
        let len = text.len();
        guarded(len, move || {
            use promvault::inventory::pyliteral::{literal_eval, shlex_split, split_words};
            let _ = literal_eval(&text);
            let _ = shlex_split(&text);
            let _ = split_words(&text, true);
            let _ = split_words(&text, false);
        })
    });
}

/// A key file under the target's temporary folder, made once per run.
fn identity_file() -> &'static PathBuf {
    static FILE: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        use secrecy::ExposeSecret as _;
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("properties");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("identity-{}.txt", std::process::id()));
        let (key, _recipient) = promvault::identity::generate();
        std::fs::write(&path, key.expose_secret()).unwrap();
        std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o600))
            .unwrap();
        path
    })
}

/// The identities of [`identity_file`] and its recipient.
pub fn identities() -> (promvault::identity::Identities, String) {
    let identities =
        promvault::identity::Lookup::from_environment(vec![identity_file().clone()], None)
            .load()
            .unwrap();
    let recipient = identities.recipients[0].clone();
    (identities, recipient)
}

const ARMOR: &[&str] = &[
    "-----BEGIN AGE ENCRYPTED FILE-----\n",
    "-----END AGE ENCRYPTED FILE-----\n",
    "-----BEGIN AGE ENCRYPTED FILE-----",
    "-----END AGE ENCRYPTED FILE-----",
    "YWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSB",
    "AAAA",
    "====",
    "=",
    "\n",
    "\r\n",
    " ",
    "-",
    "+",
    "/",
    "YWdl",
    "age-encryption.org/v1\n",
    "-> X25519 ",
    "-> scrypt ",
    "-> ssh-ed25519 ",
    "--- ",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "\n",
    "<<<<<<< ours\n",
    ">>>>>>> theirs\n",
    "$ANSIBLE_VAULT;1.1;AES256\n",
];

/// The vault reader: armored and binary age files, damaged, plaintext or something else.
#[test]
fn vault_reader() {
    // real vaults, cut and changed
    let real = (
        prop::collection::vec(any::<u8>(), 0..300),
        any::<prop::sample::Index>(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    )
        .prop_map(|(plain, cut, changes)| {
            let (_, recipient) = identities();
            let mut file = promvault::vault::encrypt(&plain, &[recipient], "v").unwrap();
            file.truncate(cut.index(file.len() + 1));
            for (at, byte) in changes {
                if !file.is_empty() {
                    let i = at.index(file.len());
                    file[i] = byte;
                }
            }
            file
        });
    let strategy = prop_oneof![
        3 => real,
        1 => any::<Vec<u8>>(),
        1 => soup(ARMOR, 40).prop_map(String::into_bytes),
        1 => (soup(ARMOR, 12), any::<Vec<u8>>())
            .prop_map(|(head, tail)| [head.into_bytes(), tail].concat()),
    ];
    check("vault_reader", strategy, |raw| {
        let len = raw.len();
        guarded(len, move || {
            let (ids, _) = identities();
            let _ = promvault::vault::decrypt_bytes(&raw, "v", &ids, &[]);
            let _ = promvault::vault::stanza_summary(&raw);
            let _ = promvault::vault::has_conflict_markers(&raw);
        })
    });
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// ansible-vault's format: a header line, then the hex of `salt\nhmac\nciphertext` (each hex
/// itself) in lines of 80.
fn ansible_vault_text() -> BoxedStrategy<String> {
    const HEADERS: &[&str] = &[
        "$ANSIBLE_VAULT;1.1;AES256\n",
        "$ANSIBLE_VAULT;1.2;AES256;dev\n",
        "$ANSIBLE_VAULT;1.0;AES\n",
        "$ANSIBLE_VAULT;1.1;AES256",
        "$ANSIBLE_VAULT;;\n",
        "$ANSIBLE_VAULT\n",
    ];
    let structured = (
        prop::sample::select(HEADERS),
        prop::collection::vec(any::<u8>(), 0..40),
        prop::collection::vec(any::<u8>(), 0..40),
        prop::collection::vec(any::<u8>(), 0..80),
        1usize..100,
    )
        .prop_map(|(header, salt, mac, body, width)| {
            let inner = format!("{}\n{}\n{}", hex(&salt), hex(&mac), hex(&body));
            let outer = hex(inner.as_bytes());
            let lines: Vec<&str> = outer
                .as_bytes()
                .chunks(width)
                .map(|c| std::str::from_utf8(c).unwrap())
                .collect();
            format!("{header}{}\n", lines.join("\n"))
        })
        .boxed();
    prop_oneof![
        3 => structured.clone(),
        2 => mutated(structured),
        1 => text(&["$ANSIBLE_VAULT", ";", "1.1", "AES256", "\n", "0", "a", "f", "g", "3", " ", "  "], 40),
        1 => keyed_yaml(&["a", "b", "!vault"], &["x", "$ANSIBLE_VAULT;1.1;AES256"])
    ]
    .boxed()
}

/// ansible-vault decryption (whole files and inline `!vault` values) and its header.
#[test]
fn ansible_vault() {
    check("ansible_vault", ansible_vault_text(), |text| {
        let len = text.len();
        guarded(len, move || {
            use promvault::ansible_vault::{decrypt, header, is_ansible_vault, read_variables};
            let _ = is_ansible_vault(text.as_bytes());
            let _ = header(&text);
            let _ = decrypt(&text, b"pw");
            let _ = read_variables("v.yml", &text, b"pw");
            // an inline value inside a vars file
            let inline = format!(
                "a: !vault |\n{}",
                text.lines().map(|l| format!("  {l}\n")).collect::<String>()
            );
            let _ = read_variables("v.yml", &inline, b"pw");
        })
    });
}

const PROJECT_KEYS: &[&str] = &[
    "recipients",
    "environments",
    "outputs",
    "defaults",
    "prometheus_version",
    "demo_identity",
    "check",
    "ignore",
    "staging",
    "prod",
    "dev-1",
    "inventory",
    "vault",
    "template",
    "dest",
    "mode",
    "kind",
    "web_config",
    "x",
];

const PROJECT_LEAVES: &[&str] = &[
    "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p",
    "age1invalid",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsKLqeplhpW+uObz5dvMgjz1OxfM/XXUB/VRtFbfdpr x@y",
    "ssh-rsa AAAA",
    "vault/prod.yml.age",
    "inventories/prod",
    "templates/p.j2",
    "out/{{ env }}/prometheus.yml",
    "../x",
    "/etc/passwd",
    "~/x",
    "3.14",
    "2",
    "v9",
    "web",
    "prometheus",
    "**",
    "*.yml",
    "",
];

/// A project file shaped as promvault expects it, with values of every kind.
fn project_data() -> BoxedStrategy<Data> {
    let leaf = || -> BoxedStrategy<Data> {
        prop_oneof![
            5 => prop::sample::select(PROJECT_LEAVES).prop_map(|s| Data::Str(s.to_string())),
            1 => yaml_string().prop_map(Data::Str),
            1 => any::<i32>().prop_map(|i| Data::Int(i.into())),
            1 => Just(Data::Null),
        ]
        .boxed()
    };
    let environment = named(&[
        ("inventory", leaf()),
        ("vault", leaf()),
        ("recipients", list(leaf(), 3)),
    ]);
    let output = named(&[
        ("template", leaf()),
        ("dest", leaf()),
        ("hosts", leaf()),
        ("validate", leaf()),
        ("kind", leaf()),
        ("defaults", list(leaf(), 2)),
    ]);
    named(&[
        ("recipients", list(leaf(), 4)),
        (
            "environments",
            section(&["staging", "prod", "dev-1", "", "a b"], environment),
        ),
        ("outputs", list(output, 3)),
        ("defaults", list(leaf(), 2)),
        ("prometheus_version", leaf()),
        ("demo_identity", leaf()),
        ("check", named(&[("ignore", list(leaf(), 3))])),
    ])
}

#[test]
fn project_file() {
    let strategy = prop_oneof![
        3 => as_yaml(project_data()),
        1 => mutated(as_yaml(project_data())),
        1 => keyed_yaml(PROJECT_KEYS, PROJECT_LEAVES),
        1 => mutated(keyed_yaml(PROJECT_KEYS, PROJECT_LEAVES)),
        1 => yaml_text(),
    ];
    check("project_file", strategy, |text| {
        let len = text.len();
        guarded(len, move || {
            let _ = promvault::project::parse_project_file(&text);
        })
    });
}

const HEADER: &[&str] = &[
    "#jinja2:",
    "#jinja2:",
    "trim_blocks",
    "lstrip_blocks",
    "keep_trailing_newline",
    "newline_sequence",
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "x",
    ":",
    ": ",
    ",",
    ", ",
    "True",
    "False",
    "true",
    "'",
    "\"",
    " ",
    "\n",
    "{%",
    "%}",
    "{{",
    "}}",
    "{#",
    "#}",
    "[%",
    "%]",
    "<<",
    ">>",
    "",
    "é",
    "\\n",
    "{",
    "}",
    "%",
    "#",
    "[",
    "]",
];

/// The `#jinja2:` header, and the template environment its settings make.
#[test]
fn template_header() {
    let strategy = prop_oneof![
        3 => soup(HEADER, 24).prop_map(|s| format!("#jinja2:{s}")),
        1 => text(HEADER, 24),
    ];
    check("template_header", strategy, |source| {
        let len = source.len();
        guarded(len, move || {
            if let Ok((settings, body)) = promvault::render::split_header(&source) {
                assert!(source.ends_with(body), "the body is the source's tail");
                if let Ok(env) = promvault::render::environment(&settings) {
                    let _ = env.template_from_str(body);
                }
            }
        })
    });
}
