//! Unified diffs of rendered outputs with every secret masked: each vault value (as written,
//! and as `to_json` or YAML single quotes would escape it) becomes `<vault:NAME>`, and every
//! bcrypt hash becomes `<bcrypt>`. What is masked is masked in both the old and the new text,
//! so a diff shows that a secret changed (its line changes) without showing it.
//!
//! The old file may hold a secret the vault no longer has (after `set` rotated it, the old one
//! is still live on the target until the new file is deployed). Its values are learned from
//! the old text (where the new text has a masked secret, and credential fields) and masked,
//! in every form above, everywhere in both texts, as `<vault:NAME (before)>` or
//! `<credential (before)>`.

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
        Masker::labelled(
            secrets
                .iter()
                .map(|(name, value)| (format!("<vault:{name}>"), value)),
        )
    }

    /// A masker for values under their own labels: (label, value); the first label given
    /// for a written form wins.
    fn labelled<'a>(values: impl IntoIterator<Item = (String, &'a str)>) -> Masker {
        let mut needles: Vec<(Zeroizing<String>, String)> = Vec::new();
        // where each form already taken is in `needles`, by its hash (so that many secrets
        // cost no scan per form, and the set holds no copy of a secret)
        let mut taken: std::collections::HashMap<u64, Vec<usize>> =
            std::collections::HashMap::new();
        let state = std::collections::hash_map::RandomState::new();
        let hash = |form: &str| std::hash::BuildHasher::hash_one(&state, form);
        for (label, value) in values {
            if value.is_empty() {
                continue;
            }
            let mut forms = vec![value.to_string()];
            if let Ok(json) = json_dumps(
                &Value::from(value),
                &JsonOptions {
                    indent: None,
                    sort_keys: false,
                    ensure_ascii: true,
                    separators: None,
                    keys_as_strings: false,
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
                    keys_as_strings: false,
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
                let form = Zeroizing::new(form);
                let same = taken.entry(hash(&form)).or_default();
                if !same.iter().any(|&i| needles[i].0 == form) {
                    same.push(needles.len());
                    needles.push((form, label.clone()));
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
        // the places found, by start: (end, label); they never overlap
        let mut found: std::collections::BTreeMap<usize, (usize, &str)> =
            std::collections::BTreeMap::new();
        // needles are sorted longest first: a shorter form inside a longer match is skipped
        for (needle, label) in self.needles.iter().filter(|(n, _)| n.chars().count() >= 4) {
            for (at, _) in text.match_indices(needle.as_str()) {
                let end = at + needle.len();
                // of the places starting before `end`, the last one ends last
                let overlaps = found
                    .range(..end)
                    .next_back()
                    .is_some_and(|(_, (e, _))| at < *e);
                if !overlaps {
                    found.insert(at, (end, label.as_str()));
                }
            }
        }
        found.into_iter().map(|(at, (_, l))| (l, at)).collect()
    }

    /// Every place a secret stands inside a longer base64 text (a whole file in a Kubernetes
    /// Secret's `data:`), where [`Masker::find_all`] cannot see it (a value's base64 depends
    /// on its offset in the encoded text): its label and the offset of that base64 text, once
    /// per label and text.
    #[must_use]
    pub fn find_in_base64(&self, text: &str) -> Vec<(&str, usize)> {
        use base64::Engine as _;
        let config = base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent);
        let engines = [
            base64::engine::GeneralPurpose::new(&base64::alphabet::STANDARD, config),
            base64::engine::GeneralPurpose::new(&base64::alphabet::URL_SAFE, config),
        ];
        let is_b64 =
            |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_');
        let mut found = Vec::new();
        let mut start = None;
        for (i, c) in text
            .char_indices()
            .chain(std::iter::once((text.len(), ' ')))
        {
            match (is_b64(c), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    start = None;
                    let run = &text[s..i];
                    if run.len() < 16 {
                        continue;
                    }
                    let Some(decoded) = engines.iter().find_map(|e| e.decode(run).ok()) else {
                        continue;
                    };
                    let decoded = Zeroizing::new(String::from_utf8_lossy(&decoded).into_owned());
                    let mut labels: Vec<&str> = Vec::new();
                    for (label, _) in self.find_all(&decoded) {
                        if let Some(own) = self
                            .needles
                            .iter()
                            .map(|(_, l)| l.as_str())
                            .find(|l| *l == label)
                        {
                            if !labels.contains(&own) {
                                labels.push(own);
                            }
                        }
                    }
                    found.extend(labels.into_iter().map(|l| (l, s)));
                }
                _ => {}
            }
        }
        found
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
    // each shape once, in order: a repeated one never decides (the first one did)
    let mut seen = std::collections::HashSet::new();
    let shapes: Vec<(&str, &str, &str)> = shapes.into_iter().filter(|s| seen.insert(*s)).collect();
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
    // `password_file`, `credentials_file`: the path of a file (a secret file's), not a secret
    if key.ends_with("_file") {
        return false;
    }
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

/// The old values of secrets (a rotated password the vault no longer holds, which the masker
/// cannot know), learned from the old text: (label, value), each as written and as decoded
/// from the forms a template writes (JSON or YAML escapes, urlencoded, base64), so that a
/// [`Masker`] built from them hides every form of them, everywhere in both texts.
///
/// Two sources: where a changed line of the new text holds masked secrets
/// (`password: "<vault:pw>"`), an old line with the same literal text around them held the
/// old values (`<vault:pw (before)>`); and the values of credential fields (passwords,
/// tokens, ...) of the old text (`<credential (before)>`).
fn old_values(old_masked: &str, new_masked: &str) -> Vec<(String, Zeroizing<String>)> {
    let mut out: Vec<(String, Zeroizing<String>)> = Vec::new();
    let new_lines: std::collections::HashSet<&str> = new_masked.lines().collect();
    // each shape once, in order (a repeated shape matches where its first did: 10,000 jobs
    // with one password line must not cost 10,000 tries per old line)
    let mut seen = std::collections::HashSet::new();
    let shapes: Vec<Vec<&str>> = new_masked
        .lines()
        .filter(|l| l.contains("<vault:"))
        .filter_map(split_at_labels)
        .filter(|shape| seen.insert(shape.clone()))
        .collect();
    for line in old_masked.lines().filter(|l| !new_lines.contains(l)) {
        for shape in &shapes {
            if let Some(values) = match_shape(line, shape) {
                for (label, value) in values {
                    if !value.is_empty() && !value.starts_with('<') {
                        let before = label.replacen('>', " (before)>", 1);
                        for decoded in decodings(value) {
                            out.push((before.clone(), decoded));
                        }
                    }
                }
                break;
            }
        }
    }
    let mut values = credentials_in(old_masked);
    values.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    for value in values {
        if !value.starts_with('<') {
            out.push(("<credential (before)>".to_string(), value));
        }
    }
    out
}

/// A line holding masked secrets as its pieces: literal text, label, literal text, ...
/// (always an odd count). `None` when two labels touch (no text tells their values apart)
/// or the line starts with one (nothing anchors it).
fn split_at_labels(line: &str) -> Option<Vec<&str>> {
    let mut pieces = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find("<vault:") {
        let end = start + rest[start..].find('>')? + 1;
        pieces.push(&rest[..start]);
        pieces.push(&rest[start..end]);
        rest = &rest[end..];
    }
    pieces.push(rest);
    let literals_apart = pieces
        .iter()
        .step_by(2)
        .enumerate()
        .all(|(i, lit)| i == 0 || i == pieces.len() / 2 || !lit.is_empty());
    (pieces.len() > 1 && !pieces[0].trim().is_empty() && literals_apart).then_some(pieces)
}

/// The values `line` holds where `shape` (from [`split_at_labels`]) has labels, when its
/// literal text is the same: (label, value as written).
fn match_shape<'a, 'b>(line: &'a str, shape: &[&'b str]) -> Option<Vec<(&'b str, &'a str)>> {
    let (first, last) = (shape[0], shape[shape.len() - 1]);
    if line.len() < first.len() + last.len() || !line.starts_with(first) || !line.ends_with(last) {
        return None;
    }
    let mut rest = &line[first.len()..line.len() - last.len()];
    let mut values = Vec::new();
    let mut i = 1;
    while i < shape.len() - 1 {
        let literal = shape[i + 1];
        let end = if i + 2 == shape.len() {
            rest.len()
        } else {
            rest.find(literal)?
        };
        values.push((shape[i], &rest[..end]));
        rest = &rest[end..];
        if i + 2 < shape.len() {
            rest = &rest[literal.len()..];
        }
        i += 2;
    }
    Some(values)
}

/// `written` and what it decodes to from each form a template may have written a value in.
fn decodings(written: &str) -> Vec<Zeroizing<String>> {
    use base64::Engine as _;
    let mut out = vec![Zeroizing::new(written.to_string())];
    let mut add = |s: String| {
        if !s.is_empty() && !out.iter().any(|o| o.as_str() == s) {
            out.push(Zeroizing::new(s));
        }
    };
    if let Ok(s) = serde_json::from_str::<String>(&format!("\"{written}\"")) {
        add(s);
    }
    if let Some(inner) = written
        .strip_prefix('"')
        .and_then(|w| w.strip_suffix('"'))
        .and_then(|w| serde_json::from_str::<String>(&format!("\"{w}\"")).ok())
    {
        add(inner);
    }
    let unquoted = written
        .strip_prefix('\'')
        .and_then(|w| w.strip_suffix('\''))
        .unwrap_or(written);
    add(unquoted.replace("''", "'"));
    if written.contains('%') {
        if let Some(s) = percent_decode(written) {
            add(s);
        }
    }
    if written.len() >= 8 {
        for engine in [
            &base64::engine::general_purpose::STANDARD,
            &base64::engine::general_purpose::URL_SAFE,
        ] {
            if let Some(s) = engine
                .decode(written)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .filter(|s| !s.chars().any(char::is_control))
            {
                add(s);
            }
        }
    }
    out
}

/// `%XX` sequences decoded; `None` when one is malformed or the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Replaces the values of credential fields (passwords, tokens, ...) found in a YAML text by
/// `label`: what the vault masker cannot know (an old secret, a literal one) is hidden too.
fn mask_credentials(text: &str, label: &str) -> String {
    let mut values = credentials_in(text);
    values.retain(|v| v.chars().count() >= 4 && !v.starts_with("<bcrypt>"));
    values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    let mut out = text.to_string();
    for v in values {
        out = out.replace(v.as_str(), label);
    }
    out
}

/// The values of the credential fields of a YAML text (the schema's secret fields, and keys
/// named like credentials), except those already masked.
fn credentials_in(text: &str) -> Vec<Zeroizing<String>> {
    let Some(doc) = crate::prometheus::document(text) else {
        return Vec::new();
    };
    let mut values: Vec<Zeroizing<String>> = Vec::new();
    doc.walk("", &mut |path, node| {
        if let Some(s) = node.scalar() {
            if (crate::lints::is_credential_field(path) || named_like_a_credential(path))
                && !s.text.is_empty()
                && !s.text.starts_with("<vault:")
                && !s.text.starts_with("<credential")
                && !values.iter().any(|v| v.as_str() == s.text)
            {
                values.push(Zeroizing::new(s.text.clone()));
            }
        }
    });
    values
}

/// A unified diff of `old` and `new` (both masked), labelled with `path`; empty when equal.
#[must_use]
pub fn unified(masker: &Masker, path: &str, old: Option<&[u8]>, new: &[u8]) -> String {
    // a Kubernetes Secret's base64 `data:` is shown decoded, so its secrets are masked and
    // what changed inside it shows
    let readable = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes);
        let text = crate::kubernetes::readable_for_diff(&text).unwrap_or_else(|| text.into_owned());
        masker.mask(&text)
    };
    let new_masked = readable(new);
    let old_masked = old.map(readable);
    // the old file may hold secrets the vault no longer has (a rotation): learn them from
    // the old text, and hide every form of them in both texts
    let before = Masker::labelled(
        old_masked
            .as_deref()
            .map(|o| old_values(o, &new_masked))
            .unwrap_or_default()
            .iter()
            .map(|(label, value)| (label.clone(), value.as_str())),
    );
    let new_text = mask_credentials(&before.mask(&new_masked), "<credential>");
    let old_text = old_masked
        .map(|masked| {
            mask_credentials(
                &mask_old_by_shape(&before.mask(&masked), &new_text),
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

/// The diff of a secret file (one value, the whole file): only that it is created, changed
/// or removed, its content masked whole as `<secret_file:NAME>` (the old value as
/// `<secret_file:NAME (before)>`); empty when the bytes are the same.
#[must_use]
pub fn secret_file(path: &str, name: &str, old: Option<&[u8]>, new: Option<&[u8]>) -> String {
    if old == new {
        return String::new();
    }
    let label = |p: Option<&[u8]>| if p.is_some() { path } else { "/dev/null" };
    let mut text = format!("--- {}\n+++ {}\n", label(old), label(new));
    text.push_str(&format!(
        "@@ -{} +{} @@\n",
        u8::from(old.is_some()),
        u8::from(new.is_some())
    ));
    if old.is_some() {
        text.push_str(&format!("-<secret_file:{name} (before)>\n"));
    }
    if new.is_some() {
        text.push_str(&format!("+<secret_file:{name}>\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(pairs: &[(&str, &str)]) -> crate::secrets::Secrets {
        crate::secrets::Secrets::from_pairs(pairs.iter().copied())
    }

    #[test]
    fn a_secret_files_path_is_shown_and_its_content_never() {
        let m = Masker::new(&secrets(&[("key", "s3cr3t-value")]));
        let old = b"authorization:\n  credentials: s3cr3t-value\n";
        let new = b"authorization:\n  credentials_file: secrets/key\n";
        let diff = unified(&m, "p.yml", Some(old), new);
        assert!(
            diff.contains("-  credentials: <vault:key>\n+  credentials_file: secrets/key\n"),
            "{diff}"
        );
        let diff = secret_file(
            "secrets/key",
            "key",
            Some(b"old-value"),
            Some(b"s3cr3t-value"),
        );
        assert!(!diff.contains("value"), "{diff}");
        assert_eq!(secret_file("k", "k", Some(b"same"), Some(b"same")), "");
    }

    #[test]
    fn find_all_keeps_the_longest_form_where_forms_overlap() {
        // the rule as first written: longest needle first, each match skipped when it
        // overlaps any match already kept
        fn reference<'a>(m: &'a Masker, text: &str) -> Vec<(&'a str, usize)> {
            let mut found: Vec<(&str, usize, usize)> = Vec::new();
            for (needle, label) in m.needles.iter().filter(|(n, _)| n.chars().count() >= 4) {
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
        let m = Masker::new(&secrets(&[
            ("a", "abcdefgh"),
            ("b", "efghijkl"),
            ("c", "ghij"),
            ("d", "aaaa"),
            ("e", "klmnop"),
        ]));
        for text in [
            "abcdefghijklmnop",
            "xxefghijklmnopabcdefgh ghij ghijkl",
            "aaaaaaaaaa abcdefghij klmnopqrs aaaabcdefgh",
            "efghijklmnopefghijkl",
        ] {
            let found = m.find_all(text);
            assert_eq!(found, reference(&m, text), "{text}");
            assert!(!found.is_empty());
        }
        // a form shared by two values is kept once, under the first label given
        let m = Masker::new(&secrets(&[("x", "same-value"), ("y", "same-value")]));
        assert_eq!(m.find_all("a same-value"), [("<vault:x>", 2)]);
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
    fn secrets_are_found_inside_a_longer_base64_text_at_any_offset() {
        use base64::Engine as _;
        let m = Masker::new(&secrets(&[("pw", "S3cret-pw")]));
        for prefix in ["", "a", "ab", "abc"] {
            let file = format!("- job_name: x\n  password: {prefix}S3cret-pw\n");
            let b64 = base64::engine::general_purpose::STANDARD.encode(&file);
            let text = format!("data:\n  f.yaml: {b64}\n");
            assert_eq!(m.find_in_base64(&text), [("<vault:pw>", 16)], "{prefix}");
            // at an offset that is not a multiple of 3, the value's own base64 is not there
            let at = file.find("S3cret").unwrap();
            assert_eq!(m.find_all(&text).is_empty(), at % 3 != 0, "{prefix}");
        }
        assert!(m
            .find_in_base64("data:\n  f.yaml: bm90aGluZyBzZWNyZXQgaGVyZQ==\n")
            .is_empty());
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

    #[test]
    fn old_values_are_learned_and_masked_in_every_form_everywhere() {
        use base64::Engine as _;
        let m = Masker::new(&secrets(&[("pw", "new-password"), ("user", "admin-user")]));
        let old_pw = "0ld \"pw\"/é";
        let b64 = base64::engine::general_purpose::STANDARD.encode(old_pw);
        let old = format!(
            "a: {{x: {json}, y: \"admin-user\"}}\nurl: https://h/?t=0ld%20%22pw%22/%C3%A9&u=1\nauth: {b64}\ncomment: {old_pw}\n",
            json = serde_json::to_string(old_pw).unwrap()
        );
        let new = "a: {x: \"new-password\", y: \"admin-user\"}\nurl: https://h/?t=new-password&u=1\nauth: bmV3LXBhc3N3b3Jk\n";
        let d = unified(&m, "x", Some(old.as_bytes()), new.as_bytes());
        for form in ["0ld", "%22pw", &b64, "\\\"pw"] {
            assert!(!d.contains(form), "{form} in {d}");
        }
        assert!(
            d.contains("-a: {x: \"<vault:pw (before)>\", y: \"<vault:user>\"}"),
            "{d}"
        );
        assert!(d.contains("-comment: <vault:pw (before)>"), "{d}");
    }

    #[test]
    fn shapes_split_at_labels_and_match_old_lines() {
        let shape = split_at_labels("k: {a: \"<vault:a>\", b: <vault:b>}").unwrap();
        assert_eq!(
            match_shape("k: {a: \"1\", b: 22}", &shape).unwrap(),
            [("<vault:a>", "1"), ("<vault:b>", "22")]
        );
        assert!(match_shape("j: {a: \"1\", b: 22}", &shape).is_none());
        // nothing anchors a line that starts with a label, or two labels that touch
        assert!(split_at_labels("<vault:a> x").is_none());
        assert!(split_at_labels("k: <vault:a><vault:b>").is_none());
        let decoded: Vec<String> = decodings("p%40ss").iter().map(|d| d.to_string()).collect();
        assert!(decoded.contains(&"p@ss".to_string()), "{decoded:?}");
    }
}
