//! `promvault probe`: one scrape request per static target, sent as Prometheus sends it, with
//! a diagnosis of what went wrong. Credentials are never printed.
//!
//! Everything probe knows of a job comes from the validator's model
//! ([`crate::prometheus::scrape_jobs`]): the targets after `relabel_configs` (dropped ones are
//! not probed; `__address__`, `__scheme__`, `__metrics_path__`, `__param_*` and
//! `__scrape_timeout__` as relabeled), Prometheus' timeout defaults, the HTTP client's auth and
//! TLS settings, `proxy_url` and `follow_redirects`. A configuration promtool refuses is not
//! probed.
//!
//! Credential files (`password_file`, `credentials_file`, `bearer_token_file`,
//! `username_file`) are read only when they are inside the project: a pull request must not
//! make probe send `/proc/self/environ` or a private key to a target it chooses. Otherwise the
//! request goes without the credential and the diagnosis says so.

use std::{
    fmt::Write as _,
    fs,
    path::Path,
    time::{Duration, Instant},
};

use zeroize::Zeroizing;

use crate::prometheus::{ClientAuth, ScrapeJob, Version};

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
    /// A credential probe does not send (a file outside the project or unreadable, OAuth 2,
    /// a secret reference): why. The request goes without it.
    Withheld(String),
}

/// TLS settings from `tls_config`, files resolved against the configuration's folder.
#[derive(Clone, Default)]
pub struct Tls {
    pub insecure_skip_verify: bool,
    pub ca_file: Option<String>,
    pub cert_file: Option<String>,
    pub key_file: Option<String>,
    /// Inline PEM (`ca`, `cert`, `key`).
    pub ca: Option<String>,
    pub cert: Option<String>,
    pub key: Option<Zeroizing<String>>,
}

/// One scrape target of one job.
#[derive(Clone)]
pub struct Target {
    pub job: String,
    /// The address as written in `static_configs`.
    pub written: String,
    /// `__address__` after relabeling: where the request goes.
    pub address: String,
    pub url: String,
    pub auth: Auth,
    pub tls: Tls,
    pub timeout: Duration,
    pub proxy: Option<String>,
    pub follow_redirects: bool,
    /// What probe does differently from Prometheus for this target.
    pub notes: Vec<String>,
}

/// What one probe found.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub job: String,
    /// The target as shown: the address, or `written -> address` when relabeling changed it.
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

/// The secret files the render being probed would write (path, content): probe sends what
/// they will hold, not what an earlier render left on disk.
pub type Pending<'a> = [(&'a Path, &'a [u8])];

/// `path` with `.` and `..` resolved lexically.
fn lexical(path: &Path) -> std::path::PathBuf {
    let mut out = std::path::PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// Reads a credential file named in the configuration: `written` resolved against `base`,
/// a secret file the render writes (`pending`) as it will be, any other read only when inside
/// `project_root`. `Err` says why probe sends no credential.
fn read_secret_file(
    project_root: &Path,
    base: &Path,
    pending: &Pending<'_>,
    field: &str,
    written: &str,
) -> Result<Zeroizing<String>, String> {
    let path = base.join(written);
    let resolved = lexical(&path);
    if let Some((_, bytes)) = pending.iter().find(|(p, _)| lexical(p) == resolved) {
        let text = Zeroizing::new(String::from_utf8_lossy(bytes).into_owned());
        return Ok(Zeroizing::new(text.trim().to_string()));
    }
    match crate::sandbox::read_to_string(project_root, &path) {
        // prometheus/common reads these files with `strings.TrimSpace`
        Ok(text) => Ok(Zeroizing::new(Zeroizing::new(text).trim().to_string())),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Err(format!(
            "{field} `{}` is outside the project: probe reads only the project's files and sent no credential",
            path.display()
        )),
        Err(e) => Err(format!(
            "cannot read {field} `{}` ({e}): probe sent no credential",
            path.display()
        )),
    }
}

/// The credentials a job's targets are probed with.
fn auth(auth: &ClientAuth, project_root: &Path, base: &Path, pending: &Pending<'_>) -> Auth {
    let file_or = |value: &str, field: &str, file: &str| -> Result<Zeroizing<String>, String> {
        if file.is_empty() {
            Ok(Zeroizing::new(value.to_string()))
        } else {
            read_secret_file(project_root, base, pending, field, file)
        }
    };
    match auth {
        ClientAuth::None => Auth::None,
        ClientAuth::Basic {
            username,
            username_file,
            password,
            password_file,
        } => {
            let username = file_or(username, "basic_auth.username_file", username_file);
            let password = file_or(password.expose(), "basic_auth.password_file", password_file);
            match (username, password) {
                (Ok(username), Ok(password)) => Auth::Basic {
                    username: username.to_string(),
                    password,
                },
                (Err(why), _) | (_, Err(why)) => Auth::Withheld(why),
            }
        }
        ClientAuth::Authorization {
            kind,
            credentials,
            credentials_file,
        } => match file_or(
            credentials.expose(),
            "authorization.credentials_file",
            credentials_file,
        ) {
            Ok(credentials) => Auth::Header {
                kind: kind.clone(),
                credentials,
            },
            Err(why) => Auth::Withheld(why),
        },
        ClientAuth::OAuth2 { .. } => {
            Auth::Withheld("oauth2: probe does not fetch tokens and sent no credential".to_string())
        }
        ClientAuth::SecretRef { field } => Auth::Withheld(format!(
            "{field}: a secret reference only Prometheus resolves; probe sent no credential"
        )),
    }
}

/// The static targets of the scrape jobs (all, or `only_job`'s), as Prometheus would scrape
/// them: relabeled, dropped ones left out. `base` resolves the files the jobs name (the
/// configuration's folder); credential files are the `pending` secret files, or read only
/// inside `project_root`.
#[must_use]
pub fn targets_of(
    jobs: &[ScrapeJob],
    project_root: &Path,
    base: &Path,
    pending: &Pending<'_>,
    only_job: Option<&str>,
) -> Vec<Target> {
    let mut out = Vec::new();
    for job in jobs {
        if only_job.is_some_and(|j| j != job.job_name) {
            continue;
        }
        let auth = auth(&job.auth, project_root, base, pending);
        let file = |f: &str| (!f.is_empty()).then(|| base.join(f).display().to_string());
        let inline = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let t = &job.tls;
        let tls = Tls {
            insecure_skip_verify: t.insecure_skip_verify,
            ca_file: file(&t.ca_file),
            cert_file: file(&t.cert_file),
            key_file: file(&t.key_file),
            ca: inline(&t.ca),
            cert: inline(&t.cert),
            key: (!t.key.is_empty()).then(|| Zeroizing::new(t.key.expose().to_string())),
        };
        let mut notes = Vec::new();
        if !t.server_name.is_empty() {
            notes.push(format!(
                "probe checks the certificate against the address, not server_name `{}`",
                t.server_name
            ));
        }
        if t.uses_ref {
            notes.push("probe cannot resolve tls_config's *_ref secrets".to_string());
        }
        if !job.http_headers.is_empty() {
            notes.push(format!(
                "probe does not send http_headers ({})",
                job.http_headers.join(", ")
            ));
        }
        if job.proxy_from_environment {
            notes.push("probe does not use proxy_from_environment".to_string());
        }
        for target in &job.targets {
            out.push(Target {
                job: job.job_name.clone(),
                written: target.written.clone(),
                address: target.address.clone(),
                url: target.url.clone(),
                auth: auth.clone(),
                tls: tls.clone(),
                timeout: target.scrape_timeout,
                proxy: job.proxy_url.clone(),
                follow_redirects: job.follow_redirects,
                notes: notes.clone(),
            });
        }
    }
    out
}

/// The static targets of a rendered Prometheus configuration ([`targets_of`] of its
/// [`crate::prometheus::scrape_jobs`]).
///
/// # Errors
/// promtool would refuse the configuration: its first problem.
pub fn targets(
    config: &str,
    version: Version,
    project_root: &Path,
    base: &Path,
    pending: &Pending<'_>,
    only_job: Option<&str>,
) -> Result<Vec<Target>, String> {
    let jobs = crate::prometheus::scrape_jobs(config, version).map_err(|findings| {
        format!(
            "promtool {version} would refuse this configuration, so probe sends nothing: {}{}",
            findings[0],
            match findings.len() {
                1 => String::new(),
                n => format!(" (and {} more: `promvault validate` lists them)", n - 1),
            }
        )
    })?;
    Ok(targets_of(&jobs, project_root, base, pending, only_job))
}

fn agent(target: &Target) -> Result<ureq::Agent, String> {
    use ureq::tls::{Certificate, ClientCert, PrivateKey, RootCerts, TlsConfig};
    // TLS files are read wherever they are: a CA is never sent, a client certificate is
    // public and only a parsed certificate goes out, a key is only used to sign.
    let pem = |inline: Option<&str>, file: &Option<String>| -> Result<Option<Vec<u8>>, String> {
        match (inline, file) {
            (Some(text), _) => Ok(Some(text.as_bytes().to_vec())),
            (None, Some(f)) => fs::read(f)
                .map(Some)
                .map_err(|e| format!("cannot read {f}: {e}")),
            (None, None) => Ok(None),
        }
    };
    let t = &target.tls;
    let mut tls = TlsConfig::builder().disable_verification(t.insecure_skip_verify);
    if let Some(ca) = pem(t.ca.as_deref(), &t.ca_file)? {
        let cert = Certificate::from_pem(&ca)
            .map_err(|e| format!("{}: {e}", t.ca_file.as_deref().unwrap_or("tls_config.ca")))?;
        tls = tls.root_certs(RootCerts::new_with_certs(&[cert]));
    }
    let key = pem(t.key.as_ref().map(|k| k.as_str()), &t.key_file)?.map(Zeroizing::new);
    if let (Some(cert_pem), Some(key_pem)) = (pem(t.cert.as_deref(), &t.cert_file)?, key) {
        let cert = Certificate::from_pem(&cert_pem).map_err(|e| {
            format!(
                "{}: {e}",
                t.cert_file.as_deref().unwrap_or("tls_config.cert")
            )
        })?;
        let key = PrivateKey::from_pem(&key_pem)
            .map_err(|e| format!("{}: {e}", t.key_file.as_deref().unwrap_or("tls_config.key")))?;
        tls = tls.client_cert(Some(ClientCert::new_with_certs(&[cert], key)));
    }
    let proxy = match &target.proxy {
        // like Prometheus without proxy_url: no proxy from the environment
        None => None,
        Some(url) => Some(ureq::Proxy::new(url).map_err(|e| format!("proxy_url: {e}"))?),
    };
    Ok(ureq::Agent::config_builder()
        .proxy(proxy)
        .max_redirects(if target.follow_redirects { 10 } else { 0 })
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
    let outcome = |status: Option<u16>, ok: bool, diagnosis: String| {
        let mut diagnosis = diagnosis;
        for note in &target.notes {
            diagnosis = format!("{diagnosis} ({note})");
        }
        Outcome {
            job: target.job.clone(),
            address: if target.written == target.address {
                target.address.clone()
            } else {
                format!("{} -> {}", target.written, target.address)
            },
            status,
            elapsed: started.elapsed(),
            ok,
            diagnosis,
        }
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
        Auth::None | Auth::Withheld(_) => {}
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
            match &target.auth {
                // the scrape was not tried as Prometheus would try it
                Auth::Withheld(why) => outcome(
                    Some(status),
                    false,
                    format!("{why}; without it the target answered HTTP {status}"),
                ),
                auth => outcome(Some(status), ok, diagnose(status, auth)),
            }
        }
        Err(err) => {
            let problem = transport_problem(&err, target);
            match &target.auth {
                Auth::Withheld(why) => outcome(None, false, format!("{why}; {problem}")),
                _ => outcome(None, false, problem),
            }
        }
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
        (404, _) => "not found: check metrics_path (and the relabeling of __metrics_path__)".to_string(),
        (300..=399, _) => format!("HTTP {status}: a redirect, and the job has follow_redirects: false"),
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

/// The results as JSON: `{"targets": [{"job", "target", "status", "time_ms", "ok",
/// "result"}]}` (`status` is `null` when no answer came), ending with a newline.
#[must_use]
pub fn json(outcomes: &[Outcome]) -> String {
    let targets: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| {
            serde_json::json!({
                "job": o.job,
                "target": o.address,
                "status": o.status,
                "time_ms": o.elapsed.as_millis(),
                "ok": o.ok,
                "result": o.diagnosis,
            })
        })
        .collect();
    format!("{}\n", serde_json::json!({ "targets": targets }))
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

    fn here() -> &'static Path {
        Path::new(".")
    }

    #[test]
    fn targets_carry_auth_without_showing_it() {
        let config = "global:\n  scrape_timeout: 5s\nscrape_configs:\n  - job_name: a\n    basic_auth: {username: u, password: p}\n    params: {module: [x y]}\n    static_configs:\n      - targets: ['h:1', 'h:2']\n  - job_name: b\n    scheme: https\n    metrics_path: /m\n    authorization: {type: apiKey, credentials: k}\n    static_configs:\n      - targets: ['w:443']\n";
        let t = targets(config, Version::V3, here(), here(), &[], None).unwrap();
        assert_eq!(t.len(), 3);
        // url.Values.Encode, as Prometheus builds the query
        assert_eq!(t[0].url, "http://h:1/metrics?module=x+y");
        assert_eq!(t[2].url, "https://w:443/m");
        assert!(matches!(&t[2].auth, Auth::Header { kind, .. } if kind == "apiKey"));
        assert_eq!(t[0].timeout, Duration::from_secs(5));
        let only_b = targets(config, Version::V3, here(), here(), &[], Some("b")).unwrap();
        assert_eq!(only_b.len(), 1);
    }

    #[test]
    fn timeouts_booleans_and_refusals_come_from_the_validator() {
        let config = "scrape_configs:\n  - job_name: a\n    scrape_interval: 4s\n    tls_config: {insecure_skip_verify: on}\n    static_configs: [{targets: ['h:1']}]\n";
        let t = targets(config, Version::V3, here(), here(), &[], None).unwrap();
        assert_eq!(t[0].timeout, Duration::from_secs(4));
        assert!(t[0].tls.insecure_skip_verify);
        let refused = "scrape_configs:\n  - job_name: a\n    scrape_interval: 4s\n    scrape_timeout: 5s\n    static_configs: [{targets: ['h:1']}]\n";
        let e = targets(refused, Version::V3, here(), here(), &[], None)
            .err()
            .unwrap();
        assert!(e.contains("would refuse"), "{e}");
    }

    /// A server on 127.0.0.1 that answers 200 to every request and hands over each
    /// request's head.
    fn server() -> (u16, std::sync::mpsc::Receiver<String>) {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                    head.push(byte[0]);
                }
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nup\n",
                );
                if tx
                    .send(String::from_utf8_lossy(&head).into_owned())
                    .is_err()
                {
                    return;
                }
            }
        });
        (port, rx)
    }

    #[test]
    fn a_relabeled_target_is_probed_at_its_new_address_and_a_dropped_one_not_at_all() {
        let (port, requests) = server();
        let config = format!(
            "scrape_configs:\n  - job_name: bb\n    metrics_path: /probe\n    static_configs:\n      - targets: ['web.example:80', 'drop.example:80']\n    relabel_configs:\n      - {{source_labels: [__address__], regex: 'drop\\..*', action: drop}}\n      - {{source_labels: [__address__], target_label: __param_target}}\n      - {{target_label: __address__, replacement: '127.0.0.1:{port}'}}\n"
        );
        let t = targets(&config, Version::V3, here(), here(), &[], None).unwrap();
        assert_eq!(t.len(), 1, "the dropped target is not probed");
        assert_eq!(t[0].address, format!("127.0.0.1:{port}"));
        let o = probe(&t[0]);
        assert!(o.ok, "{}", o.diagnosis);
        assert_eq!(o.address, format!("web.example:80 -> 127.0.0.1:{port}"));
        let head = requests.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(
            head.starts_with("GET /probe?target=web.example%3A80 HTTP/1.1"),
            "{head}"
        );
        assert!(requests.recv_timeout(Duration::from_millis(200)).is_err());
    }

    #[test]
    fn a_password_file_outside_the_project_is_not_read() {
        let (port, requests) = server();
        let project = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let secret = outside.path().join("id_ed25519");
        fs::write(&secret, "PRIVATE-KEY-MATERIAL\n").unwrap();
        fs::write(project.path().join("pw"), " inside-pw\r\n").unwrap();
        let config = format!(
            "scrape_configs:\n  - job_name: out\n    basic_auth: {{username: u, password_file: {}}}\n    static_configs: [{{targets: ['127.0.0.1:{port}']}}]\n  - job_name: rel\n    authorization: {{credentials_file: ../{}/id_ed25519}}\n    static_configs: [{{targets: ['127.0.0.1:{port}']}}]\n  - job_name: in\n    basic_auth: {{username: u, password_file: pw}}\n    static_configs: [{{targets: ['127.0.0.1:{port}']}}]\n",
            secret.display(),
            outside.path().file_name().unwrap().to_string_lossy(),
        );
        let t = targets(
            &config,
            Version::V3,
            project.path(),
            project.path(),
            &[],
            None,
        )
        .unwrap();
        for target in &t[..2] {
            let Auth::Withheld(why) = &target.auth else {
                panic!("{} reads a file outside the project", target.job)
            };
            assert!(why.contains("outside the project"), "{why}");
            let o = probe(target);
            assert!(!o.ok);
            assert!(
                o.diagnosis.contains("sent no credential"),
                "{}",
                o.diagnosis
            );
            let head = requests.recv_timeout(Duration::from_secs(5)).unwrap();
            assert!(!head.to_lowercase().contains("authorization"), "{head}");
        }
        assert!(
            matches!(&t[2].auth, Auth::Basic { password, .. } if password.as_str() == "inside-pw")
        );
        assert!(probe(&t[2]).ok);
        let head = requests.recv_timeout(Duration::from_secs(5)).unwrap();
        assert!(
            head.to_lowercase().contains(
                "authorization: basic dTppbnNpZGUtcHc="
                    .to_lowercase()
                    .as_str()
            ),
            "{head}"
        );
    }

    #[test]
    fn refused_connections_are_named() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        let config = format!("scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n");
        let t = targets(&config, Version::V3, here(), here(), &[], None).unwrap();
        let o = probe(&t[0]);
        assert!(!o.ok);
        assert!(
            o.diagnosis.contains("connection refused"),
            "{}",
            o.diagnosis
        );
    }
}
