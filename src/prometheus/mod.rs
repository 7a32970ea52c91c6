//! Checking rendered Prometheus files the way `promtool` judges them:
//! [`check_config`] is `promtool check config --syntax-only` (for Prometheus 2.42 or 3.x,
//! see [`Version`]), [`check_config_agent`] adds `--agent`, and [`check_web_config`] is
//! `promtool check web-config`. Each returns every problem found as a [`Finding`] with its
//! field path and position; an empty list means promtool would accept the file.
//!
//! The rules are Prometheus' own (its `config`, `discovery/*` and `model/relabel` packages,
//! prometheus/common's HTTP client config, exporter-toolkit's web config), decoded with Go
//! yaml.v2's strict semantics. The submodules:
//! - [`yaml`]: the YAML tree with positions, resolved as yaml.v2 does;
//! - [`decode`]: typed decoding, unknown/duplicate fields and type errors;
//! - [`schema`]: the Go structs as data: one field table per table-shaped struct, with the
//!   version each field came with and whether Go holds it as a secret;
//! - [`goutil`]: durations, sizes, URLs, host:port and other Go library rules;
//! - [`goregex`]: Go (RE2) regular expressions;
//! - [`config`]: the configuration file's sections;
//! - [`http`]: the HTTP client block, TLS, OAuth2, SigV4, Azure AD;
//! - [`relabel`]: relabel rules, their validation and application;
//! - [`model`]: the scrape jobs of a valid configuration ([`scrape_jobs`]), for `probe`;
//! - [`sd`]: the service discoveries, one file per mechanism (`sd/consul.rs`...);
//! - [`web`]: the web config file.

use std::path::Path;

mod config;
mod decode;
mod goregex;
pub(crate) mod goutil;
mod http;
mod model;
mod relabel;
mod schema;
mod sd;
mod web;
mod yaml;
mod yamlv2;

#[cfg(test)]
mod tests;

pub use model::{ClientAuth, ScrapeJob, ScrapeTarget, Secret, TlsSettings};
pub use schema::is_secret_path;

/// The Prometheus version whose rules apply. Ordered (`V2 < V3`), so a rule that came with
/// 3.x reads `version >= Version::V3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Version {
    /// Prometheus 2.42 (prometheus/common v0.39).
    V2,
    /// Prometheus 3.x (3.14, prometheus/common v0.70); the default.
    #[default]
    V3,
}

impl Version {
    /// Parses `2`, `2.42`, `v2.42.0`, `3`, `3.14`, `v3.14.0`... Any 2.x is [`Version::V2`],
    /// any 3.x [`Version::V3`].
    #[must_use]
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim();
        let s = s.strip_prefix(['v', 'V']).unwrap_or(s);
        let mut parts = s.split('.');
        let major = parts.next()?;
        if parts.any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit())) {
            return None;
        }
        match major {
            "2" => Some(Version::V2),
            "3" => Some(Version::V3),
            _ => None,
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Version::V2 => "2.42",
            Version::V3 => "3.x",
        })
    }
}

/// One problem, with the field path (e.g. `scrape_configs[2].basic_auth.password`) and
/// 1-based line/column when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{}: {}: {}", l, c, self.path, self.message),
            (Some(l), None) => write!(f, "{}: {}: {}", l, self.path, self.message),
            _ => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// The node tree of a YAML text as Prometheus (yaml.v2) reads it: what the lints and the diff
/// masker walk. `None` when the text is empty or not YAML (the validator says why).
#[must_use]
pub fn document(text: &str) -> Option<crate::yaml::node::Node> {
    yaml::load(text).ok().flatten()
}

/// A boolean scalar of a [`document`] as yaml.v2 resolves it (`true`, `yes`, `on`...).
#[must_use]
pub fn resolved_bool(node: &crate::yaml::node::Node) -> Option<bool> {
    match node.scalar()?.resolve() {
        yaml::Resolved::Bool(b) => Some(b),
        _ => None,
    }
}

/// An integer scalar of a [`document`] as yaml.v2 resolves it (`0x1f`, `1_000`...).
#[must_use]
pub fn resolved_int(node: &crate::yaml::node::Node) -> Option<i64> {
    match node.scalar()?.resolve() {
        yaml::Resolved::Int(i) => Some(i),
        _ => None,
    }
}

fn syntax_finding(e: &yaml::SyntaxError) -> Finding {
    Finding {
        path: "(document)".to_string(),
        line: (e.line > 0).then_some(e.line),
        column: (e.line > 0).then_some(e.column),
        message: format!("YAML syntax error: {}", e.message),
    }
}

fn run_config(text: &str, version: Version, agent: bool) -> (Vec<Finding>, Vec<ScrapeJob>) {
    let (findings, jobs, _) = run_config_document(text, version, agent);
    (findings, jobs)
}

/// [`run_config`], also giving back the document it read (what [`document`] gives).
fn run_config_document(
    text: &str,
    version: Version,
    agent: bool,
) -> (
    Vec<Finding>,
    Vec<ScrapeJob>,
    Option<crate::yaml::node::Node>,
) {
    let mut cx = decode::Cx::new(version);
    let (jobs, root) = match yaml::load(text) {
        Ok(root) => (config::check(&mut cx, root.as_ref(), agent), root),
        Err(e) => {
            cx.findings.push(syntax_finding(&e));
            (Vec::new(), None)
        }
    };
    let mut findings = cx.findings;
    findings.dedup();
    (findings, jobs, root)
}

/// Checks a Prometheus configuration as `promtool check config --syntax-only` does.
/// Empty means promtool would accept it.
#[must_use]
pub fn check_config(text: &str, version: Version) -> Vec<Finding> {
    run_config(text, version, false).0
}

/// [`check_config`] and [`document`] from one reading of the text: the validator's findings,
/// and the node tree the lints walk (`None` when the text is empty or not YAML).
#[must_use]
pub fn check_config_document(
    text: &str,
    version: Version,
) -> (Vec<Finding>, Option<crate::yaml::node::Node>) {
    let (findings, _, root) = run_config_document(text, version, false);
    (findings, root)
}

/// The scrape jobs of a Prometheus configuration as the validator decoded them: each job's
/// settings with Prometheus' defaults (scheme, metrics_path, interval, the timeout defaulting
/// to the global one capped at the interval), its HTTP client settings, and its static
/// targets after `relabel_configs`, as `scrape.PopulateLabels` makes them (dropped ones
/// apart). Only for a configuration promtool accepts (`check_config` empty).
///
/// # Errors
/// What `check_config` finds, when it finds anything.
pub fn scrape_jobs(text: &str, version: Version) -> Result<Vec<ScrapeJob>, Vec<Finding>> {
    let (findings, jobs) = run_config(text, version, false);
    if findings.is_empty() {
        Ok(jobs)
    } else {
        Err(findings)
    }
}

/// Checks a Prometheus configuration as `promtool check config --agent --syntax-only` does.
#[must_use]
pub fn check_config_agent(text: &str, version: Version) -> Vec<Finding> {
    run_config(text, version, true).0
}

/// Checks a web config file's text as `promtool check web-config` does, except for the files
/// it names (certificate, key, client CA), which need a directory: see
/// [`check_web_config_in`].
#[must_use]
pub fn check_web_config(text: &str) -> Vec<Finding> {
    web::run(text, None)
}

/// Like [`check_web_config`], also loading the certificate, key and client CA files, with
/// relative paths resolved against `base_dir` (the web config file's directory), as promtool
/// does.
#[must_use]
pub fn check_web_config_in(text: &str, base_dir: &Path) -> Vec<Finding> {
    web::run(text, Some(base_dir))
}

/// Reads and checks a web config file, resolving the files it names against its directory.
///
/// # Errors
/// When the file cannot be read.
pub fn check_web_config_file(path: &Path) -> std::io::Result<Vec<Finding>> {
    let text = std::fs::read_to_string(path)?;
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    Ok(check_web_config_in(&text, dir))
}
