//! Unified diffs of rendered outputs with every secret masked: each vault value (as written,
//! and as `to_json` or YAML single quotes would escape it) becomes `<vault:NAME>`, and every
//! bcrypt hash becomes `<bcrypt>`. What is masked is masked in both the old and the new text,
//! so a diff shows that a secret changed (its line changes) without showing it.

use minijinja::Value;
use zeroize::Zeroizing;

use crate::render::python::{json_dumps, url_quote, JsonOptions};

/// Masks secrets in text.
pub struct Masker {
    /// (text to hide, replacement), longest first.
    needles: Vec<(Zeroizing<String>, String)>,
    bcrypt: regex_lite::Regex,
}

impl Masker {
    /// A masker for these vault values: (variable name, value).
    #[must_use]
    pub fn new(secrets: &crate::secrets::Secrets) -> Masker {
        let mut needles: Vec<(Zeroizing<String>, String)> = Vec::new();
        for (name, value) in secrets.iter() {
            if value.is_empty() {
                continue;
            }
            let label = format!("<vault:{name}>");
            let mut forms = vec![value.to_string()];
            if let Ok(json) = json_dumps(
                &Value::from(value),
                &JsonOptions {
                    indent: None,
                    sort_keys: false,
                    ensure_ascii: true,
                    separators: None,
                },
            ) {
                forms.push(json.trim_matches('"').to_string());
            }
            if let Ok(json) = json_dumps(
                &Value::from(value),
                &JsonOptions {
                    indent: None,
                    sort_keys: false,
                    ensure_ascii: false,
                    separators: None,
                },
            ) {
                forms.push(json.trim_matches('"').to_string());
            }
            forms.push(value.replace('\'', "''"));
            // what `urlencode` and `b64encode` make of it (a URL parameter, a header value)
            if value.chars().count() >= 4 {
                use base64::Engine as _;
                forms.push(url_quote(value, "/", false));
                forms.push(url_quote(value, "", false));
                forms.push(base64::engine::general_purpose::STANDARD.encode(value));
                forms.push(base64::engine::general_purpose::URL_SAFE.encode(value));
            }
            // a multi-line secret (a key, a certificate) may be written line by line
            if value.contains('\n') {
                forms.extend(
                    value
                        .lines()
                        .map(str::trim)
                        .filter(|l| l.chars().count() >= 6)
                        .map(str::to_string),
                );
            }
            for form in forms {
                if !needles.iter().any(|(n, _)| n.as_str() == form) {
                    needles.push((Zeroizing::new(form), label.clone()));
                }
            }
        }
        needles.sort_by_key(|n| std::cmp::Reverse(n.0.len()));
        Masker {
            needles,
            bcrypt: regex_lite::Regex::new(r"\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53}")
                .expect("valid pattern"),
        }
    }

    /// Every place a secret (in any of its written forms) stands in `text`: its label and
    /// byte offset, in text order, one per place (the longest form wins where forms overlap).
    #[must_use]
    pub fn find_all(&self, text: &str) -> Vec<(&str, usize)> {
        let mut found: Vec<(&str, usize, usize)> = Vec::new();
        // needles are sorted longest first: a shorter form inside a longer match is skipped
        for (needle, label) in self.needles.iter().filter(|(n, _)| n.chars().count() >= 4) {
            for (at, _) in text.match_indices(needle.as_str()) {
                let end = at + needle.len();
                if !found.iter().any(|(_, s, e)| at < *e && *s < end) {
                    found.push((label.as_str(), at, end));
                }
            }
        }
        found.sort_by_key(|(_, at, _)| *at);
        found.into_iter().map(|(l, at, _)| (l, at)).collect()
    }

    /// `text` with every secret replaced by its label.
    #[must_use]
    pub fn mask(&self, text: &str) -> String {
        let mut out = self.bcrypt.replace_all(text, "<bcrypt>").into_owned();
        for (needle, label) in &self.needles {
            if needle.chars().count() >= 4 {
                out = out.replace(needle.as_str(), label);
            } else {
                out = replace_whole_words(&out, needle, label);
            }
        }
        out
    }
}

/// Replaces `needle` where it is not part of a longer word (for very short secrets).
fn replace_whole_words(text: &str, needle: &str, label: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let is_word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
    let mut prev: Option<char> = None;
    while let Some(i) = rest.find(needle) {
        let before = rest[..i]
            .chars()
            .next_back()
            .or(if i == 0 { prev } else { None });
        let after = rest[i + needle.len()..].chars().next();
        out.push_str(&rest[..i]);
        if is_word(before) || is_word(after) {
            out.push_str(needle);
        } else {
            out.push_str(label);
        }
        prev = needle.chars().next_back();
        rest = &rest[i + needle.len()..];
    }
    out.push_str(rest);
    out
}

/// Masks, in the old text, what stands where the new text has a masked secret: the old file
/// may hold a secret the vault no longer has (a rotated password), which the masker cannot
/// know. A line `password: <vault:pw>` in the new text masks any old line
/// `password: ...` with the same beginning and end, as `<vault:pw (before)>`, so the diff
/// shows that the secret changed.
fn mask_old_by_shape(old: &str, new_masked: &str) -> String {
    let shapes: Vec<(&str, &str, &str)> = new_masked
        .lines()
        .filter_map(|line| {
            let start = line.find("<vault:")?;
            let end = start + line[start..].find('>')? + 1;
            if line[end..].contains("<vault:") {
                return None;
            }
            Some((&line[..start], &line[start..end], &line[end..]))
        })
        .collect();
    old.split_inclusive('\n')
        .map(|raw| {
            let (line, newline) = match raw.strip_suffix('\n') {
                Some(l) => (l, "\n"),
                None => (raw, ""),
            };
            for (prefix, label, suffix) in &shapes {
                if !line.contains("<vault:")
                    && line.len() > prefix.len() + suffix.len()
                    && line.starts_with(prefix)
                    && line.ends_with(suffix)
                    && !prefix.trim().is_empty()
                {
                    // a different value stood there: say so, without showing it
                    let old_label = label.replacen('>', " (before)>", 1);
                    return format!("{prefix}{old_label}{suffix}{newline}");
                }
            }
            raw.to_string()
        })
        .collect()
}

/// A key whose name says it holds a credential (`password`, `api_key`, an `Authorization`
/// header...), in any file: the schema knows Prometheus' secret fields, but a diff masks
/// more rather than less (a web config, custom headers, another tool's file).
fn named_like_a_credential(path: &str) -> bool {
    let key = path.rsplit('.').next().unwrap_or(path);
    let key = key.split('[').next().unwrap_or(key).to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "credential",
        "api_key",
        "apikey",
        "api-key",
        "private_key",
        "passphrase",
        "authorization",
    ]
    .iter()
    .any(|word| key.contains(word))
}

/// Replaces the values of credential fields (passwords, tokens, ...) found in a YAML text by
/// `label`: what the vault masker cannot know (an old secret, a literal one) is hidden too.
fn mask_credentials(text: &str, label: &str) -> String {
    let Some(doc) = crate::prometheus::document(text) else {
        return text.to_string();
    };
    let mut values: Vec<String> = Vec::new();
    doc.walk("", &mut |path, node| {
        if let crate::yaml::node::Kind::Scalar(crate::yaml::node::Scalar { text, .. }) = &node.kind
        {
            if (crate::lints::is_credential_field(path) || named_like_a_credential(path))
                && text.chars().count() >= 4
                && !text.starts_with("<vault:")
                && !text.starts_with("<bcrypt>")
            {
                values.push(text.clone());
            }
        }
    });
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    let mut out = text.to_string();
    for v in values {
        out = out.replace(&v, label);
    }
    out
}

/// A unified diff of `old` and `new` (both masked), labelled with `path`; empty when equal.
#[must_use]
pub fn unified(masker: &Masker, path: &str, old: Option<&[u8]>, new: &[u8]) -> String {
    let new_text = mask_credentials(&masker.mask(&String::from_utf8_lossy(new)), "<credential>");
    let old_text = old
        .map(|o| {
            let masked = masker.mask(&String::from_utf8_lossy(o));
            mask_credentials(
                &mask_old_by_shape(&masked, &new_text),
                "<credential (before)>",
            )
        })
        .unwrap_or_default();
    if old.is_some() && old_text == new_text {
        if old.is_some_and(|o| o != new) {
            return format!("--- {path}\n+++ {path}\n@@ only masked secrets changed @@\n");
        }
        return String::new();
    }
    let old_label = if old.is_some() {
        path.to_string()
    } else {
        "/dev/null".to_string()
    };
    similar::TextDiff::from_lines(&old_text, &new_text)
        .unified_diff()
        .context_radius(3)
        .header(&old_label, path)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(pairs: &[(&str, &str)]) -> crate::secrets::Secrets {
        crate::secrets::Secrets::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn masks_url_encoded_and_base64_forms() {
        let m = Masker::new(&secrets(&[("pw", "p@ss w/rd+1")]));
        for form in [
            "p%40ss%20w/rd%2B1",
            "p%40ss%20w%2Frd%2B1",
            "cEBzcyB3L3JkKzE=",
        ] {
            let masked = m.mask(&format!("x: {form}\n"));
            assert_eq!(masked, "x: <vault:pw>\n", "{form}");
        }
    }

    #[test]
    fn masks_values_their_escapes_and_bcrypt_hashes() {
        let m = Masker::new(&secrets(&[("api_key", "s3cr3t\"é"), ("pw", "it's-long")]));
        let text = "a: s3cr3t\"é\nb: \"s3cr3t\\\"\\u00e9\"\nc: 'it''s-long'\nd: $2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234\n";
        let masked = m.mask(text);
        assert!(!masked.contains("s3cr3t"), "{masked}");
        assert!(!masked.contains("it''s"), "{masked}");
        assert!(masked.contains("a: <vault:api_key>"), "{masked}");
        assert!(masked.contains("d: <bcrypt>"), "{masked}");
    }

    #[test]
    fn old_credentials_of_another_shape_and_multi_line_secrets_are_masked() {
        let m = Masker::new(&secrets(&[
            ("pw", "new-password"),
            (
                "key",
                "-----BEGIN KEY-----\nAAAAbbbbCCCCdddd\n-----END KEY-----\n",
            ),
        ]));
        let d = unified(
            &m,
            "p.yml",
            Some(b"basic_auth:\n  password: 'S3cretPassw0rd!'\n"),
            b"basic_auth: {username: u, password: new-password}\ntls:\n  key: |\n    AAAAbbbbCCCCdddd\n",
        );
        assert!(
            !d.contains("S3cretPassw0rd") && !d.contains("new-password") && !d.contains("AAAAbbbb"),
            "{d}"
        );
    }

    #[test]
    fn credentials_outside_prometheus_fields_are_masked_by_their_name() {
        let m = Masker::new(&secrets(&[]));
        let d = unified(
            &m,
            "other.yml",
            Some(b"password: 'OldLiteralPw1'\nremote_write:\n  - headers:\n      Authorization: 'Bearer OldTok3n'\n"),
            b"password: 'NewLiteralPw2'\n",
        );
        assert!(
            !d.contains("OldLiteralPw1") && !d.contains("NewLiteralPw2") && !d.contains("OldTok3n"),
            "{d}"
        );
    }

    #[test]
    fn short_secrets_are_masked_as_whole_words_only() {
        let m = Masker::new(&secrets(&[("pin", "42")]));
        assert_eq!(
            m.mask("pin: 42\nport: 9142\n"),
            "pin: <vault:pin>\nport: 9142\n"
        );
    }

    #[test]
    fn diffs_show_a_changed_secret_without_its_value() {
        // the vault now holds only the new password; the old one is on disk
        let m = Masker::new(&secrets(&[("pw", "new-password")]));
        let d = unified(
            &m,
            "out/p.yml",
            Some(b"user: a\npassword: old-password\n"),
            b"user: b\npassword: new-password\n",
        );
        assert!(
            !d.contains("old-password") && !d.contains("new-password"),
            "{d}"
        );
        assert!(d.contains("-user: a") && d.contains("+user: b"), "{d}");
        let only_secret = unified(
            &m,
            "x",
            Some(b"password: old-password\n"),
            b"password: new-password\n",
        );
        assert!(
            only_secret.contains("-password: <vault:pw (before)>\n+password: <vault:pw>\n"),
            "{only_secret}"
        );
        assert_eq!(unified(&m, "x", Some(b"same\n"), b"same\n"), "");
    }
}
