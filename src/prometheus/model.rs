//! The scrape-relevant parts of a configuration promtool accepts, as the validator decoded
//! them: what Prometheus would request from each static target (after `relabel_configs`),
//! with which timeout, credentials, TLS settings and proxy. [`super::scrape_jobs`] builds it;
//! `promvault probe` sends its requests from it and nothing else.

use std::time::Duration;

use zeroize::Zeroizing;

/// A secret value of the configuration (a password, credentials); its `Debug` hides it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(pub Zeroizing<String>);

impl Secret {
    pub(crate) fn new(text: &str) -> Secret {
        Secret(Zeroizing::new(text.to_string()))
    }

    /// The secret's text.
    #[must_use]
    pub fn expose(&self) -> &str {
        self.0.as_str()
    }

    /// Whether it is empty (not configured).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() {
            "\"\""
        } else {
            "<secret>"
        })
    }
}

/// How the job's HTTP client authenticates (`HTTPClientConfig` after `Validate`, which turns
/// `bearer_token[_file]` into `authorization` of type `Bearer`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientAuth {
    None,
    /// `basic_auth`. File paths are as written (relative to the configuration's folder).
    Basic {
        username: String,
        username_file: String,
        password: Secret,
        password_file: String,
    },
    /// `authorization` (or the legacy `bearer_token[_file]`): `Authorization: TYPE CREDENTIALS`.
    Authorization {
        /// The type, trimmed, `Bearer` when unset.
        kind: String,
        credentials: Secret,
        credentials_file: String,
    },
    /// `oauth2`: Prometheus fetches a token from `token_url` first.
    OAuth2 {
        token_url: String,
    },
    /// A `*_ref` secret reference (3.x), resolved by a secret manager inside Prometheus.
    SecretRef {
        field: String,
    },
}

/// `tls_config`. File paths are as written (relative to the configuration's folder).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TlsSettings {
    /// Inline PEM (3.x `ca`).
    pub ca: String,
    pub ca_file: String,
    /// Inline PEM (3.x `cert`).
    pub cert: String,
    pub cert_file: String,
    /// Inline PEM (3.x `key`).
    pub key: Secret,
    pub key_file: String,
    pub server_name: String,
    pub insecure_skip_verify: bool,
    /// A `ca_ref`, `cert_ref` or `key_ref` (3.x) is set.
    pub uses_ref: bool,
}

/// One target Prometheus would scrape, after relabeling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrapeTarget {
    /// The address as written in `static_configs`.
    pub written: String,
    /// `__address__` after relabeling (with the default port Prometheus 2.42 adds).
    pub address: String,
    /// The request URL: `__scheme__://__address____metrics_path__?params`, the params being
    /// the job's with each `__param_NAME` label replacing the first value of `NAME`.
    pub url: String,
    /// `__scrape_interval__` after relabeling.
    pub scrape_interval: Duration,
    /// `__scrape_timeout__` after relabeling: the timeout of this target's scrapes.
    pub scrape_timeout: Duration,
    /// The target's labels after relabeling, `__meta_*` removed, `instance` defaulted to the
    /// address (sorted by name).
    pub labels: Vec<(String, String)>,
}

/// One `scrape_configs` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScrapeJob {
    pub job_name: String,
    /// `scheme`, `http` when unset.
    pub scheme: String,
    /// `metrics_path`, `/metrics` when unset.
    pub metrics_path: String,
    /// `params`, every value of each, in the order written.
    pub params: Vec<(String, Vec<String>)>,
    /// `scrape_interval`, the global one when unset (itself 1m when unset).
    pub scrape_interval: Duration,
    /// `scrape_timeout`; when unset, the global one capped at this job's interval
    /// (promtool refuses a timeout written greater than the interval).
    pub scrape_timeout: Duration,
    pub honor_labels: bool,
    pub honor_timestamps: bool,
    pub auth: ClientAuth,
    pub tls: TlsSettings,
    /// `proxy_url` as written, when set.
    pub proxy_url: Option<String>,
    /// `proxy_from_environment` (3.x).
    pub proxy_from_environment: bool,
    /// `follow_redirects` (true unless written false).
    pub follow_redirects: bool,
    /// The names of the `http_headers` (3.x) Prometheus adds to each request.
    pub http_headers: Vec<String>,
    /// Whether the job has service discoveries other than `static_configs` (their targets
    /// are not known before Prometheus runs).
    pub has_discovery: bool,
    /// The static targets that remain after relabeling, in the order written.
    pub targets: Vec<ScrapeTarget>,
    /// The static targets (as written) that `relabel_configs` drops.
    pub dropped: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::super::{scrape_jobs, Version};
    use super::*;

    fn jobs(text: &str) -> Vec<ScrapeJob> {
        scrape_jobs(text, Version::V3).unwrap_or_else(|f| panic!("{f:?}"))
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn defaults_are_prometheus_own() {
        let j = &jobs(
            "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ['h:9100']\n",
        )[0];
        assert_eq!(j.scheme, "http");
        assert_eq!(j.metrics_path, "/metrics");
        assert_eq!(j.scrape_interval, secs(60));
        assert_eq!(j.scrape_timeout, secs(10));
        assert!(!j.honor_labels);
        assert!(j.honor_timestamps);
        assert!(j.follow_redirects);
        assert_eq!(j.auth, ClientAuth::None);
        assert_eq!(j.targets[0].url, "http://h:9100/metrics");
        assert_eq!(j.targets[0].scrape_timeout, secs(10));
        assert!(j.targets[0]
            .labels
            .contains(&("instance".to_string(), "h:9100".to_string())));
    }

    #[test]
    fn the_timeout_defaults_to_the_global_one_capped_at_the_interval() {
        let text = "global:\n  scrape_timeout: 20s\n  scrape_interval: 30s\nscrape_configs:\n  - job_name: fast\n    scrape_interval: 5s\n    static_configs: [{targets: ['h:1']}]\n  - job_name: slow\n    static_configs: [{targets: ['h:2']}]\n  - job_name: own\n    scrape_interval: 2m\n    scrape_timeout: 1m\n    static_configs: [{targets: ['h:3']}]\n";
        let j = jobs(text);
        assert_eq!(
            (j[0].scrape_interval, j[0].scrape_timeout),
            (secs(5), secs(5))
        );
        assert_eq!(j[0].targets[0].scrape_timeout, secs(5));
        assert_eq!(
            (j[1].scrape_interval, j[1].scrape_timeout),
            (secs(30), secs(20))
        );
        assert_eq!(
            (j[2].scrape_interval, j[2].scrape_timeout),
            (secs(120), secs(60))
        );
        // the global default (10s) is capped too
        let j = jobs("scrape_configs:\n  - job_name: a\n    scrape_interval: 3s\n    static_configs: [{targets: ['h:1']}]\n");
        assert_eq!(j[0].scrape_timeout, secs(3));
    }

    #[test]
    fn a_timeout_written_above_the_interval_is_refused() {
        let text = "scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 10s\n    static_configs: [{targets: ['h:1']}]\n";
        let findings = scrape_jobs(text, Version::V3).unwrap_err();
        assert!(findings[0]
            .message
            .contains("scrape timeout greater than scrape interval"));
        let text = "global:\n  scrape_interval: 5s\n  scrape_timeout: 6s\n";
        assert!(scrape_jobs(text, Version::V2).is_err());
    }

    #[test]
    fn relabeling_drops_and_rewrites_targets() {
        let text = r#"scrape_configs:
  - job_name: blackbox
    metrics_path: /probe
    params: {module: [http_2xx], extra: [a, b]}
    static_configs:
      - targets: ['https://example.org', 'skip.me:1']
        labels: {team: web}
    relabel_configs:
      - source_labels: [__address__]
        regex: skip\..*
        action: drop
      - source_labels: [__address__]
        target_label: __param_target
      - target_label: __address__
        replacement: 127.0.0.1:9115
      - target_label: __scheme__
        replacement: https
      - source_labels: [team]
        target_label: __param_module
        replacement: ${1}_probe
"#;
        let j = &jobs(text)[0];
        assert_eq!(j.dropped, vec!["skip.me:1".to_string()]);
        assert_eq!(j.targets.len(), 1);
        let t = &j.targets[0];
        assert_eq!(t.written, "https://example.org");
        assert_eq!(t.address, "127.0.0.1:9115");
        assert_eq!(
            t.url,
            "https://127.0.0.1:9115/probe?extra=a&extra=b&module=web_probe&target=https%3A%2F%2Fexample.org"
        );
        assert!(t
            .labels
            .contains(&("instance".to_string(), "127.0.0.1:9115".to_string())));
    }

    #[test]
    fn relabeling_can_set_the_timeout_and_the_path() {
        let text = "scrape_configs:\n  - job_name: a\n    scrape_interval: 30s\n    static_configs: [{targets: ['h:1'], labels: {__scrape_timeout__: 7s, __metrics_path__: /m x}}]\n";
        let t = &jobs(text)[0].targets[0];
        assert_eq!(t.scrape_timeout, secs(7));
        assert_eq!(t.url, "http://h:1/m%20x");
        assert!(!t.labels.iter().any(|(n, _)| n.starts_with("__meta_")));
    }

    #[test]
    fn prometheus_2_adds_the_default_port() {
        let text = "scrape_configs:\n  - job_name: a\n    scheme: https\n    static_configs: [{targets: ['h']}]\n";
        let v2 = scrape_jobs(text, Version::V2).unwrap();
        assert_eq!(v2[0].targets[0].url, "https://h:443/metrics");
        let v3 = jobs(text);
        assert_eq!(v3[0].targets[0].url, "https://h/metrics");
    }

    #[test]
    fn yaml_v2_booleans_and_auth() {
        let text = "scrape_configs:\n  - job_name: a\n    honor_labels: on\n    follow_redirects: no\n    bearer_token_file: tok\n    tls_config: {insecure_skip_verify: yes, server_name: s, ca_file: ca.pem}\n    proxy_url: http://proxy:3128\n    static_configs: [{targets: ['h:1']}]\n  - job_name: b\n    tls_config: {insecure_skip_verify: off}\n    basic_auth: {username: u, password_file: p}\n    static_configs: [{targets: ['h:2']}]\n  - job_name: c\n    authorization: {type: ' apiKey ', credentials: k}\n    static_configs: [{targets: ['h:3']}]\n";
        let j = jobs(text);
        assert!(j[0].honor_labels);
        assert!(!j[0].follow_redirects);
        assert!(j[0].tls.insecure_skip_verify);
        assert_eq!(j[0].tls.server_name, "s");
        assert_eq!(j[0].tls.ca_file, "ca.pem");
        assert_eq!(j[0].proxy_url.as_deref(), Some("http://proxy:3128"));
        assert_eq!(
            j[0].auth,
            ClientAuth::Authorization {
                kind: "Bearer".to_string(),
                credentials: Secret::default(),
                credentials_file: "tok".to_string()
            }
        );
        assert!(!j[1].tls.insecure_skip_verify);
        assert!(
            matches!(&j[1].auth, ClientAuth::Basic { username, password_file, .. } if username == "u" && password_file == "p")
        );
        assert!(
            matches!(&j[2].auth, ClientAuth::Authorization { kind, credentials, .. } if kind == "apiKey" && credentials.expose() == "k")
        );
        assert!(!format!("{:?}", j[2].auth).contains("\"k\""));
        let j = jobs("scrape_configs:\n  - job_name: a\n    http_headers: {X-Api-Key: {secrets: [s]}}\n    static_configs: [{targets: ['h:1']}]\n");
        assert_eq!(j[0].http_headers, vec!["X-Api-Key".to_string()]);
    }

    #[test]
    fn an_invalid_configuration_has_no_model() {
        let text = "scrape_configs:\n  - job_name: a\n    tls_config: {insecure_skip_verify: maybe}\n    static_configs: [{targets: ['h:1']}]\n";
        assert!(scrape_jobs(text, Version::V3).is_err());
    }
}
