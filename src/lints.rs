//! Lints beyond what promtool checks: the auth mistakes that make a scrape fail silently, and
//! secrets that did not come from the vault. Each finding has an id, a field path, the line
//! in the rendered output, and a one-line fix.

use crate::{
    secrets::Secrets,
    yaml::node::{Kind, Node, Scalar},
};

/// One lint finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lint {
    pub id: &'static str,
    /// The field path, e.g. `scrape_configs[2].basic_auth.password`.
    pub path: String,
    /// 1-based line in the rendered output.
    pub line: usize,
    /// 1-based column (in characters) of what the lint is about.
    pub column: usize,
    pub message: String,
    pub fix: String,
}

pub use crate::secrets::is_bcrypt_hash;

/// Whether the field at `path` of a Prometheus configuration holds a secret (a Go `config.Secret` in the schema).
#[must_use]
pub fn is_credential_field(path: &str) -> bool {
    crate::prometheus::is_secret_path(path)
}

/// The authorization schemes whose spelling is well known; the type is sent as written.
const SCHEMES: &[&str] = &["Bearer", "Basic", "Digest", "Negotiate", "NTLM", "apiKey"];

/// Lints a rendered Prometheus configuration. `secrets` are the vault's values.
#[must_use]
pub fn lint_prometheus(text: &str, secrets: &Secrets) -> Vec<Lint> {
    lint_document(text, crate::prometheus::document(text).as_ref(), secrets)
}

/// [`lint_prometheus`] on the document already read from `text` (by
/// [`crate::prometheus::check_config_document`]): `None` when it is not YAML.
#[must_use]
pub fn lint_document(text: &str, doc: Option<&Node>, secrets: &Secrets) -> Vec<Lint> {
    lint_document_and_values(text, doc, secrets).0
}

/// [`lint_document`] and, from the same walk of the document, what
/// [`document_credential_values`] gives (empty when there is no document).
#[must_use]
pub fn lint_document_and_values(
    text: &str,
    doc: Option<&Node>,
    secrets: &Secrets,
) -> (Vec<Lint>, std::collections::HashMap<String, String>) {
    let mut values = std::collections::HashMap::new();
    let Some(doc) = doc else {
        // Not YAML at all (Prometheus' rules report that); a vault value may be the cause.
        return (broken_secrets(text, None, secrets), values);
    };
    let mut lints = Vec::new();
    doc.walk("", &mut |path, node| {
        let Kind::Scalar(Scalar { text: value, .. }) = &node.kind else {
            return;
        };
        if path.ends_with("basic_auth.password") && is_bcrypt_hash(value) {
            lints.push(Lint {
                id: "bcrypt-in-client-password",
                path: path.to_string(),
                line: node.line,
                column: node.column,
                message: "this is a bcrypt hash, but Prometheus sends basic_auth.password to the target exactly as written".to_string(),
                fix: "keep the plaintext password in the vault here; the hash belongs in the target's web config (basic_auth_users)".to_string(),
            });
        }
        if path.ends_with("authorization.type") {
            if let Some(scheme) = SCHEMES
                .iter()
                .find(|s| s.eq_ignore_ascii_case(value) && **s != value.as_str())
            {
                lints.push(Lint {
                    id: "authorization-type-case",
                    path: path.to_string(),
                    line: node.line,
                    column: node.column,
                    message: format!("type `{value}` differs only in case from the common scheme `{scheme}`; Prometheus sends it exactly as written, and targets compare it exactly"),
                    fix: format!("write `{scheme}` if that is what the target expects"),
                });
            }
        }
        if !is_credential_field(path) {
            return;
        }
        values.insert(path.to_string(), value.clone());
        // Every written credential is a candidate: whether it comes from the vault is decided
        // by provenance (`pipeline::render_and_validate` renders again with every vault value
        // changed and keeps only the fields that stayed the same), never by comparing text.
        if !value.is_empty() && !is_bcrypt_hash(value) {
            lints.push(Lint {
                id: "literal-credential",
                path: path.to_string(),
                line: node.line,
                column: node.column,
                message: "this credential does not come from the vault: it is written in a template or inventory in plain text".to_string(),
                fix: "store it with `promvault set ENV NAME` and use `{{ NAME }}` here".to_string(),
            });
        }
    });
    lints.extend(broken_secrets(text, Some(doc), secrets));
    (lints, values)
}

/// The credential fields of a rendered Prometheus config and their values, by field path;
/// `None` when the text is not YAML.
#[must_use]
pub fn credential_values(text: &str) -> Option<std::collections::HashMap<String, String>> {
    Some(document_credential_values(&crate::prometheus::document(
        text,
    )?))
}

/// [`credential_values`] of a document already read.
#[must_use]
pub fn document_credential_values(doc: &Node) -> std::collections::HashMap<String, String> {
    let mut out = std::collections::HashMap::new();
    doc.walk("", &mut |path, node| {
        if let Kind::Scalar(Scalar { text: value, .. }) = &node.kind {
            if is_credential_field(path) {
                out.insert(path.to_string(), value.clone());
            }
        }
    });
    out
}

/// Vault values that appear in the text but in no scalar: interpolated unquoted, they broke
/// the YAML (a `#` started a comment, `: ` made a mapping, a newline split the value).
///
/// One pass over the text finds where each value first appears, and one pass over the
/// scalars which of those appear in one (not one search per value).
fn broken_secrets(text: &str, doc: Option<&Node>, secrets: &Secrets) -> Vec<Lint> {
    use aho_corasick::AhoCorasick;
    // each distinct value of 4 characters or more, once
    let mut values: Vec<&str> = Vec::new();
    let mut index: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (_, value) in secrets.iter() {
        if value.chars().count() >= 4 && !index.contains_key(value) {
            index.insert(value, values.len());
            values.push(value);
        }
    }
    if values.is_empty() {
        return Vec::new();
    }
    let Ok(all) = AhoCorasick::new(&values) else {
        return Vec::new();
    };
    // the first occurrence of each value: matches come by end, so a value's first one is its
    // leftmost
    let mut first: Vec<Option<usize>> = vec![None; values.len()];
    let mut left = values.len();
    for m in all.find_overlapping_iter(text) {
        let slot = &mut first[m.pattern().as_usize()];
        if slot.is_none() {
            *slot = Some(m.start());
            left -= 1;
            if left == 0 {
                break;
            }
        }
    }
    // of the values found, those some scalar holds
    let found: Vec<usize> = (0..values.len()).filter(|&i| first[i].is_some()).collect();
    let mut in_scalar = vec![false; values.len()];
    if let (Some(doc), false) = (doc, found.is_empty()) {
        if let Ok(seen) = AhoCorasick::new(found.iter().map(|&i| values[i])) {
            let mut left = found.len();
            doc.walk("", &mut |_, node| {
                let Kind::Scalar(Scalar { text, .. }) = &node.kind else {
                    return;
                };
                if left == 0 {
                    return;
                }
                for m in seen.find_overlapping_iter(text.as_str()) {
                    let slot = &mut in_scalar[found[m.pattern().as_usize()]];
                    if !*slot {
                        *slot = true;
                        left -= 1;
                    }
                }
            });
        }
    }
    let mut lints = Vec::new();
    for (name, value) in secrets.iter() {
        let Some(&i) = index.get(value) else {
            continue;
        };
        if lints.iter().any(|l: &Lint| l.path == name) || in_scalar[i] {
            continue;
        }
        let Some(offset) = first[i] else {
            continue;
        };
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        lints.push(Lint {
            id: "vault-value-not-string",
            path: name.to_string(),
            line: text[..offset].matches('\n').count() + 1,
            column: text[line_start..offset].chars().count() + 1,
            message: format!("the vault value `{name}` is interpolated here without quoting and does not read back as one string (its characters change the YAML)"),
            fix: format!("write `{{{{ {name} | to_json }}}}` so it is quoted whatever it holds"),
        });
    }
    lints
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(pairs: &[(&str, &str)]) -> Secrets {
        Secrets::from_pairs(pairs.iter().copied())
    }

    fn ids(text: &str, s: &[(&str, &str)]) -> Vec<(&'static str, String, usize)> {
        lint_prometheus(text, &secrets(s))
            .into_iter()
            .filter(|l| l.id != "literal-credential")
            .map(|l| (l.id, l.path, l.line))
            .collect()
    }

    #[test]
    fn bcrypt_hash_as_client_password() {
        let hash = "$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234";
        let text = format!("scrape_configs:\n  - job_name: a\n    basic_auth:\n      username: u\n      password: '{hash}'\n");
        assert_eq!(
            ids(&text, &[("pw", hash)]),
            [(
                "bcrypt-in-client-password",
                "scrape_configs[0].basic_auth.password".to_string(),
                5
            )]
        );
    }

    #[test]
    fn authorization_type_case() {
        let text = "scrape_configs:\n  - job_name: a\n    authorization:\n      type: apikey\n      credentials: k3y-value\n  - job_name: b\n    authorization:\n      type: apiKey\n      credentials: k3y-value\n";
        assert_eq!(
            ids(text, &[("k", "k3y-value")]),
            [(
                "authorization-type-case",
                "scrape_configs[0].authorization.type".to_string(),
                4
            )]
        );
    }

    #[test]
    fn every_written_credential_is_a_literal_credential_candidate() {
        // whether one comes from the vault is the pipeline's provenance check, not the text's
        let text = "remote_write:\n  - url: http://x\n    authorization:\n      credentials: from-vault-1234\n    oauth2:\n      client_id: id\n      client_secret: pasted-secret\n      client_secret_file: /x\n";
        let found: Vec<(String, usize)> =
            lint_prometheus(text, &secrets(&[("v", "from-vault-1234")]))
                .into_iter()
                .filter(|l| l.id == "literal-credential")
                .map(|l| (l.path, l.line))
                .collect();
        assert_eq!(
            found,
            [
                ("remote_write[0].authorization.credentials".to_string(), 4),
                ("remote_write[0].oauth2.client_secret".to_string(), 7)
            ]
        );
    }

    #[test]
    fn a_vault_value_that_breaks_the_yaml() {
        let text = "scrape_configs:\n  - job_name: a\n    basic_auth:\n      password: pa #ss\n";
        let found = ids(text, &[("pw", "pa #ss")]);
        assert!(
            found.contains(&("vault-value-not-string", "pw".to_string(), 4)),
            "{found:?}"
        );
        // quoted, it is fine
        let text =
            "scrape_configs:\n  - job_name: a\n    basic_auth:\n      password: \"pa #ss\"\n";
        assert!(ids(text, &[("pw", "pa #ss")]).is_empty());
    }

    #[test]
    fn vault_values_found_in_one_pass() {
        // `abcd` is a scalar (line 2) and inside `abcdef` (line 4, in a comment); `abcdef` is
        // in no scalar, under two names; `xy` is too short to count
        let text =
            "scrape_configs:\n  - job_name: abcd\n    basic_auth:\n      password: x #abcdef xy\n";
        let s = [("a", "abcd"), ("b", "abcdef"), ("c", "abcdef"), ("d", "xy")];
        assert_eq!(
            ids(text, &s),
            [
                ("vault-value-not-string", "b".to_string(), 4),
                ("vault-value-not-string", "c".to_string(), 4)
            ]
        );
        let columns: Vec<usize> = lint_prometheus(text, &secrets(&s))
            .iter()
            .filter(|l| l.id == "vault-value-not-string")
            .map(|l| l.column)
            .collect();
        assert_eq!(columns, [20, 20]);
        // a value that broke the document: no scalar to hold it
        assert_eq!(
            ids("a: [abcd\n", &s[..1]),
            [("vault-value-not-string", "a".to_string(), 1)]
        );
    }
}
