//! Every form in which a secret could be printed, written independently of the masker's own
//! list (so that each checks the other): used by the suite's output collector
//! (`support::Collector`), the targeted leak tests and the masking property
//! (`tests/properties`).

#![allow(dead_code)]

/// The printed forms of `secret`: as written; JSON-escaped (non-ASCII kept, and as `\uXXXX`
/// with surrogate pairs, as Python's `json.dumps` writes it with `ensure_ascii`); URL-encoded (every reserved
/// byte, and with `/` kept, as Jinja's `urlencode` does); base64 (standard and URL-safe).
pub fn forms(secret: &str) -> Vec<String> {
    use base64::Engine as _;
    let mut out = vec![
        secret.to_string(),
        json_escaped(secret, false),
        json_escaped(secret, true),
        url_encoded(secret, ""),
        url_encoded(secret, "/"),
        base64::engine::general_purpose::STANDARD.encode(secret),
        base64::engine::general_purpose::URL_SAFE.encode(secret),
    ];
    out.dedup();
    out.sort();
    out.dedup();
    out
}

/// The inside of a JSON string holding `s` (no quotes around it).
pub fn json_escaped(s: &str, ascii: bool) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            // Python's `ensure_ascii` escapes everything past `~`, DEL included
            c if ascii && (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` URL-encoded: every byte but letters, digits, `-_.~` and `safe` as `%XX`.
pub fn url_encoded(s: &str, safe: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) || safe.as_bytes().contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The forms of `secret` found in `text`.
pub fn printed_forms(text: &str, secret: &str) -> Vec<String> {
    forms(secret)
        .into_iter()
        .filter(|form| text.contains(form.as_str()))
        .collect()
}
