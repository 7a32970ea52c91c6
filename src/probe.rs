//! `promvault probe`: one scrape request per static target, sent as Prometheus sends it
//! (scheme, metrics_path, params, basic auth, authorization type and credentials, TLS
//! settings, timeout), with a diagnosis of what went wrong. Credentials are never printed.

use std::{
    fmt::Write as _,
    fs,
    path::Path,
    time::{Duration, Instant},
};

use zeroize::Zeroizing;

use crate::yaml::tree::{self, Node, NodeKind};

/// How a target authenticates.
#[derive(Clone)]
pub enum Auth {
    None,
    Basic {
        username: String,
        password: Zeroizing<String>,
    },
    /// `authorization` (and the legacy `bearer_token`): `TYPE CREDENTIALS`.
    Header {
        kind: String,
        credentials: Zeroizing<String>,
    },
}

/// TLS settings from `tls_config`.
#[derive(Clone, Default)]
pub struct Tls {
    pub insecure_skip_verify: bool,
    pub ca_file: Option<String>,
    pub cert_file: Option<String>,
    pub key_file: Option<String>,
}

/// One scrape target of one job.
#[derive(Clone)]
pub struct Target {
    pub job: String,
    pub address: String,
    pub url: String,
    pub auth: Auth,
    pub tls: Tls,
    pub timeout: Duration,
}

/// What one probe found.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub job: String,
    pub address: String,
    pub status: Option<u16>,
    pub elapsed: Duration,
    pub ok: bool,
    pub diagnosis: String,
}

/// Parses a Prometheus duration (`15s`, `1m30s`, `500ms`), as the validator does.
#[must_use]
pub fn parse_duration(text: &str) -> Option<Duration> {
    crate::prometheus::goutil::parse_duration(text.trim(), crate::prometheus::Version::V3)
        .ok()
        .map(Duration::from_millis)
}

fn str_at<'a>(node: &'a Node, key: &str) -> Option<&'a str> {
    match &node.get(key)?.kind {
        NodeKind::Scalar { text, .. } => Some(text),
        _ => None,
    }
}

fn read_secret_file(base: &Path, file: &str) -> Result<Zeroizing<String>, String> {
    let path = base.join(file);
    fs::read_to_string(&path)
        .map(|s| Zeroizing::new(s.trim_end_matches(['\n', '\r']).to_string()))
        .map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// The static targets of a rendered Prometheus configuration (`base` resolves `*_file`).
///
/// # Errors
/// The configuration is not YAML, or a credentials file cannot be read.
pub fn targets(config: &str, base: &Path, only_job: Option<&str>) -> Result<Vec<Target>, String> {
    let doc = tree::parse(config).ok_or("the configuration is not valid YAML")?;
    let global_timeout = doc
        .get("global")
        .and_then(|g| str_at(g, "scrape_timeout"))
        .and_then(parse_duration)
        .unwrap_or(Duration::from_secs(10));
    let Some(NodeKind::Seq(jobs)) = doc.get("scrape_configs").map(|n| &n.kind) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for job in jobs {
        let name = str_at(job, "job_name").unwrap_or("?").to_string();
        if only_job.is_some_and(|j| j != name) {
            continue;
        }
        let scheme = str_at(job, "scheme").unwrap_or("http");
        let path = str_at(job, "metrics_path").unwrap_or("/metrics");
        let timeout = str_at(job, "scrape_timeout")
            .and_then(parse_duration)
            .unwrap_or(global_timeout);
        let mut query = Vec::new();
        if let Some(NodeKind::Map(params)) = job.get("params").map(|n| &n.kind) {
            for (k, v) in params {
                let NodeKind::Scalar { text: key, .. } = &k.kind else {
                    continue;
                };
                if let NodeKind::Seq(values) = &v.kind {
                    for value in values {
                        if let NodeKind::Scalar { text, .. } = &value.kind {
                            query.push(format!("{}={}", encode(key), encode(text)));
                        }
                    }
                }
            }
        }
        let auth = if let Some(basic) = job.get("basic_auth") {
            let password = match (str_at(basic, "password"), str_at(basic, "password_file")) {
                (Some(p), _) => Zeroizing::new(p.to_string()),
                (None, Some(f)) => read_secret_file(base, f)?,
                _ => Zeroizing::new(String::new()),
            };
            Auth::Basic {
                username: str_at(basic, "username").unwrap_or("").to_string(),
                password,
            }
        } else if let Some(authz) = job.get("authorization") {
            let credentials = match (
                str_at(authz, "credentials"),
                str_at(authz, "credentials_file"),
            ) {
                (Some(c), _) => Zeroizing::new(c.to_string()),
                (None, Some(f)) => read_secret_file(base, f)?,
                _ => Zeroizing::new(String::new()),
            };
            Auth::Header {
                kind: str_at(authz, "type").unwrap_or("Bearer").to_string(),
                credentials,
            }
        } else if let Some(token) = str_at(job, "bearer_token") {
            Auth::Header {
                kind: "Bearer".to_string(),
                credentials: Zeroizing::new(token.to_string()),
            }
        } else if let Some(file) = str_at(job, "bearer_token_file") {
            Auth::Header {
                kind: "Bearer".to_string(),
                credentials: read_secret_file(base, file)?,
            }
        } else {
            Auth::None
        };
        let tls = job.get("tls_config").map_or_else(Tls::default, |t| Tls {
            insecure_skip_verify: str_at(t, "insecure_skip_verify")
                .is_some_and(|v| matches!(v, "true" | "True" | "yes")),
            ca_file: str_at(t, "ca_file").map(|f| base.join(f).display().to_string()),
            cert_file: str_at(t, "cert_file").map(|f| base.join(f).display().to_string()),
            key_file: str_at(t, "key_file").map(|f| base.join(f).display().to_string()),
        });
        let Some(NodeKind::Seq(statics)) = job.get("static_configs").map(|n| &n.kind) else {
            continue;
        };
        for group in statics {
            let Some(NodeKind::Seq(addresses)) = group.get("targets").map(|n| &n.kind) else {
                continue;
            };
            for address in addresses {
                let NodeKind::Scalar { text: address, .. } = &address.kind else {
                    continue;
                };
                let mut url = format!("{scheme}://{address}{path}");
                if !query.is_empty() {
                    url.push('?');
                    url.push_str(&query.join("&"));
                }
                out.push(Target {
                    job: name.clone(),
                    address: address.clone(),
                    url,
                    auth: auth.clone(),
                    tls: tls.clone(),
                    timeout,
                });
            }
        }
    }
    Ok(out)
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn agent(target: &Target) -> Result<ureq::Agent, String> {
    use ureq::tls::{Certificate, ClientCert, PrivateKey, RootCerts, TlsConfig};
    let mut tls = TlsConfig::builder().disable_verification(target.tls.insecure_skip_verify);
    if let Some(ca) = &target.tls.ca_file {
        let pem = fs::read(ca).map_err(|e| format!("cannot read {ca}: {e}"))?;
        let cert = Certificate::from_pem(&pem).map_err(|e| format!("{ca}: {e}"))?;
        tls = tls.root_certs(RootCerts::new_with_certs(&[cert]));
    }
    if let (Some(cert_file), Some(key_file)) = (&target.tls.cert_file, &target.tls.key_file) {
        let cert_pem = fs::read(cert_file).map_err(|e| format!("cannot read {cert_file}: {e}"))?;
        let key_pem = fs::read(key_file).map_err(|e| format!("cannot read {key_file}: {e}"))?;
        let cert = Certificate::from_pem(&cert_pem).map_err(|e| format!("{cert_file}: {e}"))?;
        let key = PrivateKey::from_pem(&key_pem).map_err(|e| format!("{key_file}: {e}"))?;
        tls = tls.client_cert(Some(ClientCert::new_with_certs(&[cert], key)));
    }
    Ok(ureq::Agent::config_builder()
        // like Prometheus without proxy_url: no proxy from the environment
        .proxy(None)
        .timeout_global(Some(target.timeout))
        .http_status_as_error(false)
        .tls_config(tls.build())
        .build()
        .new_agent())
}

/// Sends one scrape request to `target` and diagnoses the answer.
#[must_use]
pub fn probe(target: &Target) -> Outcome {
    let started = Instant::now();
    let outcome = |status: Option<u16>, ok: bool, diagnosis: String| Outcome {
        job: target.job.clone(),
        address: target.address.clone(),
        status,
        elapsed: started.elapsed(),
        ok,
        diagnosis,
    };
    let agent = match agent(target) {
        Ok(a) => a,
        Err(e) => return outcome(None, false, e),
    };
    let mut request = agent
        .get(&target.url)
        .header("Accept", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
        .header("User-Agent", "Prometheus/promvault-probe")
        .header("X-Prometheus-Scrape-Timeout-Seconds", &format!("{}", target.timeout.as_secs_f64()));
    match &target.auth {
        Auth::None => {}
        Auth::Basic { username, password } => {
            use base64::Engine;
            let token = Zeroizing::new(
                base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{}", password.as_str())),
            );
            request = request.header("Authorization", &format!("Basic {}", token.as_str()));
        }
        Auth::Header { kind, credentials } => {
            request = request.header("Authorization", &format!("{kind} {}", credentials.as_str()));
        }
    }
    match request.call() {
        Ok(response) => {
            let status = response.status().as_u16();
            let ok = (200..300).contains(&status);
            outcome(Some(status), ok, diagnose(status, &target.auth))
        }
        Err(err) => outcome(None, false, transport_problem(&err, target)),
    }
}

fn diagnose(status: u16, auth: &Auth) -> String {
    match (status, auth) {
        (200..=299, _) => "ok".to_string(),
        (401 | 403, Auth::Basic { password, .. }) if crate::lints::is_bcrypt_hash(password) => {
            "password rejected: the vault holds a bcrypt hash, but Prometheus sends the password as written; store the plaintext instead".to_string()
        }
        (401 | 403, Auth::Basic { .. }) => {
            "password rejected; if the vault holds a bcrypt hash, store the plaintext instead".to_string()
        }
        (401 | 403, Auth::Header { kind, .. }) => format!(
            "credentials rejected; check the type's exact case (`{kind}` is sent as written: `apiKey` is not `apikey`) and the key"
        ),
        (401 | 403, Auth::None) => "the target wants credentials: add basic_auth or authorization to the job".to_string(),
        (404, _) => "not found: check metrics_path".to_string(),
        (code, _) => format!("HTTP {code}"),
    }
}

fn transport_problem(err: &ureq::Error, target: &Target) -> String {
    let text = err.to_string();
    let lower = text.to_lowercase();
    if lower.contains("refused") {
        format!("connection refused: nothing listens at {}", target.address)
    } else if matches!(err, ureq::Error::Timeout(_))
        || lower.contains("timed out")
        || lower.contains("timeout")
    {
        format!("no answer within {:?} (scrape_timeout)", target.timeout)
    } else if lower.contains("tls") || lower.contains("certificate") || lower.contains("handshake")
    {
        format!("TLS failed: {text}")
    } else if lower.contains("dns") || lower.contains("resolve") || lower.contains("lookup") {
        format!("cannot resolve the host: {text}")
    } else {
        text
    }
}

/// The results as a table: job, target, status, time, diagnosis.
#[must_use]
pub fn table(outcomes: &[Outcome]) -> String {
    let rows: Vec<[String; 5]> = outcomes
        .iter()
        .map(|o| {
            [
                o.job.clone(),
                o.address.clone(),
                o.status.map_or_else(|| "-".to_string(), |s| s.to_string()),
                format!("{}ms", o.elapsed.as_millis()),
                o.diagnosis.clone(),
            ]
        })
        .collect();
    let header = ["JOB", "TARGET", "STATUS", "TIME", "RESULT"];
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let line = |cells: &[String], out: &mut String| {
        let mut l = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                l.push_str(cell);
            } else {
                let _ = write!(l, "{cell:<w$}  ", w = widths[i]);
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&header.map(str::to_string), &mut out);
    for row in &rows {
        line(row, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15s"), Some(Duration::from_secs(15)));
        assert_eq!(parse_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("1.5s"), None);
        assert_eq!(parse_duration(""), None);
    }

    #[test]
    fn targets_carry_auth_without_showing_it() {
        let config = "global:\n  scrape_timeout: 5s\nscrape_configs:\n  - job_name: a\n    basic_auth: {username: u, password: p}\n    params: {module: [x y]}\n    static_configs:\n      - targets: ['h:1', 'h:2']\n  - job_name: b\n    scheme: https\n    metrics_path: /m\n    authorization: {type: apiKey, credentials: k}\n    static_configs:\n      - targets: ['w:443']\n";
        let t = targets(config, Path::new("."), None).unwrap();
        assert_eq!(t.len(), 3);
        assert_eq!(t[0].url, "http://h:1/metrics?module=x%20y");
        assert_eq!(t[2].url, "https://w:443/m");
        assert!(matches!(&t[2].auth, Auth::Header { kind, .. } if kind == "apiKey"));
        assert_eq!(t[0].timeout, Duration::from_secs(5));
        assert_eq!(targets(config, Path::new("."), Some("b")).unwrap().len(), 1);
    }

    #[test]
    fn refused_connections_are_named() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let config = format!("scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n");
        let t = targets(&config, Path::new("."), None).unwrap();
        let o = probe(&t[0]);
        assert!(!o.ok);
        assert!(
            o.diagnosis.contains("connection refused"),
            "{}",
            o.diagnosis
        );
    }
}
