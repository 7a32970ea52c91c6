//! promvault.yml's reference: docs/promvault.schema.json is generated from the structs that
//! read the file (src/project.rs), so it cannot drift from them; every project file the suite
//! and `init` write is validated against it; docs/promvault-yml.md names every key; errors in
//! promvault.yml keep their file:line.

use std::{collections::BTreeSet, fs, path::Path};

use serde_json::Value;

use crate::support::{self, stderr, Sandbox};

const SCHEMA_FILE: &str = "docs/promvault.schema.json";
const DOC_FILE: &str = "docs/promvault-yml.md";

fn repo(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The committed schema is exactly the one generated from the structs. After changing them,
/// regenerate it with `PROMVAULT_WRITE_SCHEMA=1 cargo test --test integration project_file`.
#[test]
fn the_committed_schema_is_generated_from_the_structs() {
    let generated =
        serde_json::to_string_pretty(&promvault::project::json_schema()).unwrap() + "\n";
    let path = repo(SCHEMA_FILE);
    if std::env::var_os("PROMVAULT_WRITE_SCHEMA").is_some() {
        fs::write(&path, &generated).unwrap();
    }
    let committed = fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{SCHEMA_FILE} is not the schema of src/project.rs's structs; regenerate it with \
         PROMVAULT_WRITE_SCHEMA=1 cargo test --test integration project_file"
    );
}

#[test]
fn the_shipped_project_file_and_the_one_init_writes_match_the_schema() {
    let shipped = fs::read_to_string(repo("promvault.yml")).unwrap();
    assert_eq!(support::schema_errors(&shipped), Vec::<String>::new());

    let sb = Sandbox::empty();
    let out = sb.cmd(&["init"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let written = String::from_utf8(sb.read("promvault.yml")).unwrap();
    assert_eq!(support::schema_errors(&written), Vec::<String>::new());

    // The schema is not a yes-machine: a misspelt key, a wrong type and a missing required
    // key are each reported.
    for bad in [
        "environments: {prod: {}}\noutput: []\n",
        "environments: {prod: {inventory: [a]}}\n",
        "recipients: []\n",
    ] {
        assert!(!support::schema_errors(bad).is_empty(), "{bad}");
    }
}

/// A project whose `staging` vault exists and whose one output is trivial; `extra` is
/// appended to the output's mapping, `top` to the file.
fn project(sb: &Sandbox, env_name: &str, output_extra: &str, top: &str) -> String {
    let text = format!(
        "recipients: [{}]\nenvironments:\n  {env_name}: {{vault: vault/staging.yml.age, inventory: inventories/staging}}\noutputs:\n  - template: templates/p.yml.j2\n    dest: \"out/{{{{ env }}}}/prometheus.yml\"\n{output_extra}{top}",
        sb.recipient
    );
    fs::write(sb.path("promvault.yml"), &text).unwrap();
    text
}

/// The schema's own constraints (environment names, `validate`, `mode`, `prometheus_version`:
/// the parts written by hand in src/project.rs) say yes and no exactly where promvault does.
#[test]
fn the_schema_refuses_exactly_what_promvault_refuses() {
    let sb = Sandbox::new();
    // `{}` is both a valid Prometheus config and a valid web config.
    sb.write("templates/p.yml.j2", "{}\n");
    sb.write(
        "inventories/staging/hosts.yml",
        "all:\n  hosts:\n    localhost:\n",
    );
    sb.set("staging", "x", "y");
    // (environment name, lines added to the output, lines added at the top level)
    let cases: &[(&str, &str, &str)] = &[
        ("staging", "", ""),
        ("stage_2.eu-west", "", ""),
        ("staging", "    validate: prometheus\n", ""),
        ("staging", "    validate: web-config\n", ""),
        ("staging", "    validate: none\n", ""),
        ("staging", "    validate: promtool\n", ""),
        ("staging", "    mode: \"0640\"\n", ""),
        ("staging", "    mode: 0640\n", ""),
        ("staging", "    mode: \"644\"\n", ""),
        ("staging", "    mode: \"0755\"\n", ""),
        ("staging", "    mode: \"4644\"\n", ""),
        ("staging", "    mode: rw\n", ""),
        ("staging", "", "prometheus_version: \"2.53\"\n"),
        ("staging", "", "prometheus_version: 3.5\n"),
        ("staging", "", "prometheus_version: v3.5.0\n"),
        ("staging", "", "prometheus_version: \"4.0\"\n"),
        ("staging", "", "prometheus_version: latest\n"),
        ("-staging", "", ""),
        ("staging", "", "check: {ignore: [tests/**]}\n"),
        ("staging", "", "check: {skip: [tests/**]}\n"),
        (
            "staging",
            "    defaults: [templates/p.yml.j2]\n",
            "defaults: []\n",
        ),
    ];
    let mut disagreements = Vec::new();
    let mut refused = 0;
    for (env, output_extra, top) in cases {
        let text = project(&sb, env, output_extra, top);
        let out = sb.cmd(&["render", env, "--stdout"]).output().unwrap();
        let promvault_accepts = out.status.success();
        if !promvault_accepts {
            refused += 1;
            assert_eq!(out.status.code(), Some(2), "{text}\n{}", stderr(&out));
        }
        let errors = support::schema_errors(&text);
        if promvault_accepts != errors.is_empty() {
            disagreements.push(format!(
                "promvault {} but the schema says {errors:?}:\n{text}\n{}",
                if promvault_accepts {
                    "accepts"
                } else {
                    "refuses"
                },
                stderr(&out)
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
    assert_eq!(refused, 8, "the refused cases are really refused");
}

/// Every key of every object in the schema (so: every key the structs accept).
fn schema_keys(schema: &Value, node: &Value, prefix: &str, keys: &mut BTreeSet<String>) {
    if let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/definitions/");
        schema_keys(schema, &schema["definitions"][name], prefix, keys);
    }
    for combinator in ["allOf", "anyOf", "oneOf"] {
        for sub in node
            .get(combinator)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            schema_keys(schema, sub, prefix, keys);
        }
    }
    if let Some(props) = node.get("properties").and_then(Value::as_object) {
        for (key, sub) in props {
            let path = format!("{prefix}{key}");
            keys.insert(path.clone());
            schema_keys(schema, sub, &format!("{path}."), keys);
        }
    }
    for nested in ["items", "additionalProperties"] {
        if let Some(sub) = node.get(nested).filter(|s| s.is_object()) {
            let seg = if nested == "items" { "[]." } else { ".ENV." };
            schema_keys(
                schema,
                sub,
                &format!("{}{seg}", prefix.trim_end_matches('.')),
                keys,
            );
        }
    }
}

/// docs/promvault-yml.md documents every key of the schema (so of the structs), each as a
/// heading `` `path` ``, and says how to hook the schema to an editor; the README links it.
#[test]
fn the_reference_documents_every_key() {
    let schema = promvault::project::json_schema();
    let mut keys = BTreeSet::new();
    schema_keys(&schema, &schema, "", &mut keys);
    assert!(keys.contains("outputs[].mode"), "{keys:?}");
    assert!(keys.contains("environments.ENV.recipients"), "{keys:?}");
    assert!(keys.contains("check.ignore"), "{keys:?}");
    let doc = fs::read_to_string(repo(DOC_FILE)).unwrap();
    let headings: BTreeSet<&str> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("### `")?.strip_suffix('`'))
        .collect();
    let missing: Vec<&String> = keys
        .iter()
        .filter(|k| !headings.contains(k.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "{DOC_FILE} has no `### `KEY`` heading for {missing:?}"
    );
    let stale: Vec<&&str> = headings.iter().filter(|h| !keys.contains(**h)).collect();
    assert!(
        stale.is_empty(),
        "{DOC_FILE} documents keys promvault does not have: {stale:?}"
    );
    assert!(doc.contains("# yaml-language-server: $schema="));
    let readme = fs::read_to_string(repo("README.md")).unwrap();
    assert!(readme.contains("(docs/promvault-yml.md)"));
}

/// A mistake in promvault.yml is reported with its file and line, by every command.
#[test]
fn project_file_errors_name_their_line() {
    let sb = Sandbox::new();
    sb.set("prod", "x", "y");
    sb.write(
        "inventories/prod/hosts.yml",
        "all:\n  hosts:\n    localhost:\n",
    );
    let all: &[&[&str]] = &[&["render", "--stdout"], &["view", "prod"], &["check"]];
    let cases = [
        (
            format!("# x\nrecipients: [{}]\nenvironments:\n  prod: {{}}\nouptuts: []\n", sb.recipient),
            "promvault.yml:5",
            "ouptuts",
            all,
        ),
        (
            format!("recipients: [{}]\nenvironments:\n  prod:\n    vault: [a, b]\n", sb.recipient),
            "promvault.yml:4",
            "vault",
            all,
        ),
        (
            format!("recipients: [{}]\nenvironments:\n  prod: {{}}\noutputs:\n  - template: t.j2\n    dest: out/x.yml\n    mode: \"0755\"\n", sb.recipient),
            "promvault.yml:5",
            "0755",
            &all[..1],
        ),
    ];
    for (text, place, word, commands) in &cases {
        fs::write(sb.path("promvault.yml"), text).unwrap();
        for args in *commands {
            let out = sb.cmd(args).output().unwrap();
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{args:?}\n{text}\n{err}");
            assert!(
                err.contains(place) && err.contains(word),
                "{args:?}: wanted {place} about {word}:\n{text}\n{err}"
            );
        }
    }
}
