//! The web configuration file (`--web.config.file`), checked as `promtool check web-config`
//! does with prometheus/exporter-toolkit v0.8.2: `tls_server_config`, `http_server_config`
//! and `basic_auth_users` (bcrypt hashes). With a base directory, the referenced certificate,
//! key and client CA files are loaded too (relative paths resolve against it).

use std::path::{Path, PathBuf};

use base64::Engine as _;

use super::decode::{join, Cx};
use super::yaml::Node;
use super::Version;

/// The cipher suites Go's `tls.CipherSuites()` lists (go1.19).
const CIPHERS: &[&str] = &[
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
];

const CURVES: &[&str] = &["CurveP256", "CurveP384", "CurveP521", "X25519"];
const TLS_VERSIONS: &[&str] = &["TLS13", "TLS12", "TLS11", "TLS10"];
const CLIENT_AUTH: &[&str] = &[
    "RequestClientCert",
    "RequireAnyClientCert",
    "RequireClientCert",
    "VerifyClientCertIfGiven",
    "RequireAndVerifyClientCert",
    "",
    "NoClientCert",
];

/// Checks a web config; `base_dir` enables the file checks.
pub(crate) fn check(cx: &mut Cx, root: Option<&Node>, base_dir: Option<&Path>) {
    let Some(root) = root else {
        return;
    };
    let Some(obj) = cx.obj(
        root,
        "",
        "the web config (web.Config)",
        &[
            "tls_server_config",
            "http_server_config",
            "basic_auth_users",
        ],
    ) else {
        return;
    };
    let mut tls = TlsSettings::default();
    if let Some(n) = obj.get("tls_server_config") {
        tls = tls_config(cx, n, "tls_server_config");
    }
    if let Some(n) = obj.get("http_server_config") {
        http_config(cx, n, "http_server_config");
    }
    if let Some(entries) = cx.map(
        obj.get("basic_auth_users"),
        "basic_auth_users",
        "map[string]config.Secret",
    ) {
        for (user, _, value) in entries {
            let p = join("basic_auth_users", &user.text);
            let hash = cx.string(Some(value), &p);
            if let Err(e) = bcrypt_cost(hash.text.as_bytes()) {
                cx.err(
                    &p,
                    Some(value),
                    format!("{e} (basic_auth_users values must be bcrypt hashes)"),
                );
            }
        }
    }
    if cx.findings.is_empty() {
        to_tls_config(cx, &tls, root, base_dir);
    }
}

#[derive(Default)]
struct TlsSettings {
    cert_file: String,
    key_file: String,
    client_auth: String,
    client_cas: String,
    node: Option<Node>,
}

fn tls_config(cx: &mut Cx, node: &Node, path: &str) -> TlsSettings {
    let mut t = TlsSettings::default();
    let fields = [
        "cert_file",
        "key_file",
        "client_auth_type",
        "client_ca_file",
        "cipher_suites",
        "curve_preferences",
        "min_version",
        "max_version",
        "prefer_server_cipher_suites",
    ];
    let Some(o) = cx.obj(node, path, "tls_server_config (web.TLSConfig)", &fields) else {
        return t;
    };
    t.node = Some(node.clone());
    t.cert_file = cx.string(o.get("cert_file"), &o.child("cert_file")).text;
    t.key_file = cx.string(o.get("key_file"), &o.child("key_file")).text;
    t.client_auth = cx
        .string(o.get("client_auth_type"), &o.child("client_auth_type"))
        .text;
    t.client_cas = cx
        .string(o.get("client_ca_file"), &o.child("client_ca_file"))
        .text;
    let names = |cx: &mut Cx, field: &str, known: &[&str], what: &str| {
        if let Some(items) = cx.seq(o.get(field), &o.child(field), what) {
            for (p, n) in items {
                if n.is_null() {
                    continue;
                }
                let v = cx.string(Some(n), &p);
                if !known.contains(&v.as_str()) {
                    let hint = super::decode::closest(&v.text, known)
                        .map(|k| format!("; did you mean `{k}`?"))
                        .unwrap_or_default();
                    cx.err(&p, Some(n), format!("unknown {what}: {}{hint}", v.text));
                }
            }
        }
    };
    names(cx, "cipher_suites", CIPHERS, "cipher");
    names(cx, "curve_preferences", CURVES, "curve");
    for f in ["min_version", "max_version"] {
        if let Some(n) = o.get(f) {
            if n.quoted_nil() {
                cx.type_error(n, &o.child(f), "config.TLSVersion");
            }
            if n.is_nil() {
                continue;
            }
            let v = cx.string(Some(n), &o.child(f));
            if !TLS_VERSIONS.contains(&v.as_str()) {
                cx.err(
                    &o.child(f),
                    Some(n),
                    format!("unknown TLS version: {}", v.text),
                );
            }
        }
    }
    cx.boolean(
        o.get("prefer_server_cipher_suites"),
        &o.child("prefer_server_cipher_suites"),
    );
    t
}

fn http_config(cx: &mut Cx, node: &Node, path: &str) {
    let Some(o) = cx.obj(
        node,
        path,
        "http_server_config (web.HTTPConfig)",
        &["http2", "headers"],
    ) else {
        return;
    };
    cx.boolean(o.get("http2"), &o.child("http2"));
    let hp = o.child("headers");
    for (name, value, line, column) in cx.string_map(o.get("headers"), &hp).unwrap_or_default() {
        let at = Node {
            kind: super::yaml::Kind::Seq(Vec::new()),
            line,
            column,
        };
        let p = join(&hp, &name.text);
        let allowed: Option<&[&str]> = match name.as_str() {
            "Strict-Transport-Security" | "X-XSS-Protection" | "Content-Security-Policy" => {
                Some(&[])
            }
            "X-Content-Type-Options" => Some(&["nosniff"]),
            "X-Frame-Options" => Some(&["deny", "sameorigin"]),
            _ => None,
        };
        match allowed {
            None => cx.err(
                &p,
                Some(&at),
                format!(
                    "HTTP header {:?} can not be configured (allowed: Strict-Transport-Security, X-Content-Type-Options, X-Frame-Options, X-XSS-Protection, Content-Security-Policy)",
                    name.text
                ),
            ),
            Some(values) if !values.is_empty() && !values.contains(&value.as_str()) => cx.err(
                &p,
                Some(&at),
                format!("invalid value for {}. Expected one of: {values:?}, but got: {:?}", name.text, value.text),
            ),
            Some(_) => {}
        }
    }
}

/// `bcrypt.Cost`: the hash's version and cost prefix (the rest is not checked).
fn bcrypt_cost(h: &[u8]) -> Result<u32, String> {
    if h.len() < 59 {
        return Err("crypto/bcrypt: hashedSecret too short to be a bcrypted password".to_string());
    }
    if h[0] != b'$' {
        return Err(format!(
            "crypto/bcrypt: bcrypt hashes must start with '$', but hashedSecret started with '{}'",
            char::from(h[0])
        ));
    }
    if h[1] > b'2' {
        return Err(format!("crypto/bcrypt: bcrypt algorithm version '{}' requested is newer than current version '2'", char::from(h[1])));
    }
    let n = if h[2] == b'$' { 3 } else { 4 };
    let cost = std::str::from_utf8(&h[n..n + 2])
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
        .ok_or_else(|| {
            format!(
                "strconv.Atoi: parsing {:?}: invalid syntax",
                String::from_utf8_lossy(&h[n..n + 2])
            )
        })?;
    if !(4..=31).contains(&cost) {
        return Err(format!(
            "crypto/bcrypt: cost {cost} is outside allowed range (4,31)"
        ));
    }
    Ok(cost)
}

/// `ConfigToTLSConfig`: needed files and client auth settings.
fn to_tls_config(cx: &mut Cx, t: &TlsSettings, root: &Node, base_dir: Option<&Path>) {
    if t.cert_file.is_empty()
        && t.key_file.is_empty()
        && t.client_auth.is_empty()
        && t.client_cas.is_empty()
    {
        return;
    }
    let at = t.node.as_ref().unwrap_or(root);
    if t.cert_file.is_empty() {
        cx.err("tls_server_config.cert_file", Some(at), "missing cert_file");
        return;
    }
    if t.key_file.is_empty() {
        cx.err("tls_server_config.key_file", Some(at), "missing key_file");
        return;
    }
    if let Some(dir) = base_dir {
        let cert = resolve(dir, &t.cert_file);
        let key = resolve(dir, &t.key_file);
        if let Err(e) = load_key_pair(&cert, &key) {
            cx.err(
                "tls_server_config",
                Some(at),
                format!("failed to load X509KeyPair: {e}"),
            );
            return;
        }
        if !t.client_cas.is_empty() {
            let ca = resolve(dir, &t.client_cas);
            if let Err(e) = std::fs::read(&ca) {
                cx.err(
                    "tls_server_config.client_ca_file",
                    Some(at),
                    format!("open {}: {e}", ca.display()),
                );
                return;
            }
        }
    }
    if !CLIENT_AUTH.contains(&t.client_auth.as_str()) {
        cx.err(
            "tls_server_config.client_auth_type",
            Some(at),
            format!("Invalid ClientAuth: {}", t.client_auth),
        );
        return;
    }
    if !t.client_cas.is_empty() && matches!(t.client_auth.as_str(), "" | "NoClientCert") {
        cx.err(
            "tls_server_config.client_ca_file",
            Some(at),
            "Client CA's have been configured without a Client Auth Policy",
        );
    }
}

fn resolve(dir: &Path, file: &str) -> PathBuf {
    let p = Path::new(file);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        dir.join(p)
    }
}

/// `tls.LoadX509KeyPair`: both files read, PEM blocks found, the certificate parsed and the
/// private key matching its public key.
fn load_key_pair(cert: &Path, key: &Path) -> Result<(), String> {
    let cert_pem = std::fs::read(cert).map_err(|e| format!("open {}: {e}", cert.display()))?;
    let key_pem = std::fs::read(key).map_err(|e| format!("open {}: {e}", key.display()))?;
    let certs = pem_blocks(&cert_pem);
    let Some((_, cert_der)) = certs.iter().find(|(t, _)| t == "CERTIFICATE") else {
        return Err(match certs.as_slice() {
            [] => "tls: failed to find any PEM data in certificate input".to_string(),
            [(t, _)] if t.ends_with("PRIVATE KEY") => {
                "tls: failed to find certificate PEM data in certificate input, but did find a private key; PEM inputs may have been switched".to_string()
            }
            _ => "tls: failed to find \"CERTIFICATE\" PEM block in certificate input".to_string(),
        });
    };
    let keys = pem_blocks(&key_pem);
    let Some((_, key_der)) = keys
        .iter()
        .find(|(t, _)| t == "PRIVATE KEY" || t.ends_with(" PRIVATE KEY"))
    else {
        return Err(match keys.as_slice() {
            [] => "tls: failed to find any PEM data in key input".to_string(),
            [(t, _)] if t == "CERTIFICATE" => {
                "tls: found a certificate rather than a key in the PEM for the private key"
                    .to_string()
            }
            _ => "tls: failed to find PEM block with type ending in \"PRIVATE KEY\" in key input"
                .to_string(),
        });
    };
    let public = der::certificate_public_key(cert_der)
        .ok_or_else(|| "x509: malformed certificate".to_string())?;
    let private =
        der::private_key(key_der).ok_or_else(|| "tls: failed to parse private key".to_string())?;
    match (public, private) {
        (der::PublicKey::Rsa(n), der::PrivateKey::Rsa(m)) => {
            if n != m {
                return Err("tls: private key does not match public key".to_string());
            }
        }
        (der::PublicKey::Ec(p), der::PrivateKey::Ec(q)) => {
            if let Some(q) = q {
                if p != q {
                    return Err("tls: private key does not match public key".to_string());
                }
            }
        }
        (der::PublicKey::Ed25519, der::PrivateKey::Ed25519) => {}
        (der::PublicKey::Other, _) => return Err("tls: unknown public key algorithm".to_string()),
        _ => return Err("tls: private key type does not match public key type".to_string()),
    }
    Ok(())
}

/// The PEM blocks of a file: type and decoded bytes (blocks that do not decode are skipped,
/// as Go's `pem.Decode` does).
fn pem_blocks(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let text = String::from_utf8_lossy(data);
    let mut out = Vec::new();
    let mut rest: &str = &text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + 11..];
        let Some(end_type) = after.find("-----") else {
            break;
        };
        let kind = after[..end_type].to_string();
        let body_start = &after[end_type + 5..];
        let end_marker = format!("-----END {kind}-----");
        let Some(end) = body_start.find(&end_marker) else {
            rest = body_start;
            continue;
        };
        let body: String = body_start[..end]
            .lines()
            .filter(|l| !l.contains(':'))
            .flat_map(|l| l.chars().filter(|c| !c.is_whitespace()))
            .collect();
        if let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(body.as_bytes()) {
            out.push((kind, bytes));
        }
        rest = &body_start[end + end_marker.len()..];
    }
    out
}

/// Just enough DER to compare a certificate's public key with a private key.
mod der {
    const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];

    pub enum PublicKey {
        Rsa(Vec<u8>),
        Ec(Vec<u8>),
        Ed25519,
        Other,
    }

    pub enum PrivateKey {
        Rsa(Vec<u8>),
        /// The public point, when the key carries it.
        Ec(Option<Vec<u8>>),
        Ed25519,
    }

    /// One TLV: tag, contents, and the rest of the input.
    fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
        let tag = *input.first()?;
        let first = *input.get(1)?;
        let (len, header) = if first < 0x80 {
            (usize::from(first), 2)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 {
                return None;
            }
            let mut len = 0usize;
            for i in 0..n {
                len = (len << 8) | usize::from(*input.get(2 + i)?);
            }
            (len, 2 + n)
        };
        let content = input.get(header..header + len)?;
        Some((tag, content, &input[header + len..]))
    }

    fn seq(input: &[u8]) -> Option<(&[u8], &[u8])> {
        let (tag, content, rest) = tlv(input)?;
        (tag == 0x30).then_some((content, rest))
    }

    fn integer(input: &[u8]) -> Option<(Vec<u8>, &[u8])> {
        let (tag, content, rest) = tlv(input)?;
        if tag != 0x02 {
            return None;
        }
        let trimmed: Vec<u8> = content.iter().skip_while(|b| **b == 0).copied().collect();
        Some((trimmed, rest))
    }

    fn skip(input: &[u8]) -> Option<&[u8]> {
        tlv(input).map(|(_, _, rest)| rest)
    }

    /// The subject public key of an X.509 certificate.
    pub fn certificate_public_key(der: &[u8]) -> Option<PublicKey> {
        let (cert, _) = seq(der)?;
        let (tbs, _) = seq(cert)?;
        let mut rest = tbs;
        // Optional [0] version.
        if rest.first() == Some(&0xa0) {
            rest = skip(rest)?;
        }
        rest = skip(rest)?; // serial
        rest = skip(rest)?; // signature algorithm
        rest = skip(rest)?; // issuer
        rest = skip(rest)?; // validity
        rest = skip(rest)?; // subject
        let (spki, _) = seq(rest)?;
        let (alg, rest) = seq(spki)?;
        let (tag, oid, _) = tlv(alg)?;
        if tag != 0x06 {
            return None;
        }
        let (tag, bits, _) = tlv(rest)?;
        if tag != 0x03 || bits.is_empty() {
            return None;
        }
        let key = &bits[1..];
        Some(if oid == OID_RSA {
            let (inner, _) = seq(key)?;
            let (n, _) = integer(inner)?;
            PublicKey::Rsa(n)
        } else if oid == OID_EC {
            PublicKey::Ec(key.to_vec())
        } else if oid == OID_ED25519 {
            PublicKey::Ed25519
        } else {
            PublicKey::Other
        })
    }

    /// A PKCS#1, PKCS#8 or SEC 1 private key.
    pub fn private_key(der: &[u8]) -> Option<PrivateKey> {
        let (body, _) = seq(der)?;
        let (version, rest) = integer(body)?;
        // PKCS#1 RSA: version, modulus, ...
        if let Some((n, rest2)) = integer(rest) {
            if version.is_empty() || version == [1] {
                // RSA has at least public exponent and more integers after the modulus.
                if integer(rest2).is_some() {
                    return Some(PrivateKey::Rsa(n));
                }
            }
        }
        // PKCS#8: version, AlgorithmIdentifier, OCTET STRING.
        if let Some((alg, rest2)) = seq(rest) {
            let (tag, oid, _) = tlv(alg)?;
            if tag != 0x06 {
                return None;
            }
            let (tag, inner, _) = tlv(rest2)?;
            if tag != 0x04 {
                return None;
            }
            if oid == OID_RSA {
                let (b, _) = seq(inner)?;
                let (_, r) = integer(b)?;
                let (n, _) = integer(r)?;
                return Some(PrivateKey::Rsa(n));
            }
            if oid == OID_EC {
                return ec_private(inner);
            }
            if oid == OID_ED25519 {
                return Some(PrivateKey::Ed25519);
            }
            return None;
        }
        // SEC 1 EC: version 1, OCTET STRING key, [0] params, [1] public key.
        ec_private(der)
    }

    fn ec_private(der: &[u8]) -> Option<PrivateKey> {
        let (body, _) = seq(der)?;
        let (_, mut rest) = integer(body)?;
        let (tag, _, r) = tlv(rest)?;
        if tag != 0x04 {
            return None;
        }
        rest = r;
        let mut public = None;
        while !rest.is_empty() {
            let (tag, content, r) = tlv(rest)?;
            if tag == 0xa1 {
                let (t, bits, _) = tlv(content)?;
                if t == 0x03 && !bits.is_empty() {
                    public = Some(bits[1..].to_vec());
                }
            }
            rest = r;
        }
        Some(PrivateKey::Ec(public))
    }
}

/// Entry point used by `super::check_web_config*`.
pub(crate) fn run(text: &str, base_dir: Option<&Path>) -> Vec<super::Finding> {
    let mut cx = Cx::new(Version::V2);
    match super::yaml::load(text) {
        Ok(root) => check(&mut cx, root.as_ref(), base_dir),
        Err(e) => cx.findings.push(super::syntax_finding(&e)),
    }
    cx.findings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcrypt_prefix_only() {
        let good = format!("$2b$10${}", "x".repeat(53));
        assert_eq!(bcrypt_cost(good.as_bytes()), Ok(10));
        assert!(bcrypt_cost(b"s3cr3t").is_err());
        let bad_cost = format!("$2b$99${}", "x".repeat(53));
        assert!(bcrypt_cost(bad_cost.as_bytes()).is_err());
    }
}
