//! Placeholder until the validator lands: accepts everything.

/// The Prometheus version whose rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    V2,
    V3,
}

impl Version {
    #[must_use]
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim().trim_start_matches('v');
        match s.split('.').next()? {
            "2" => Some(Version::V2),
            "3" => Some(Version::V3),
            _ => None,
        }
    }
}

/// One problem found by Prometheus' rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

#[must_use]
pub fn check_config(_text: &str, _version: Version) -> Vec<Finding> {
    Vec::new()
}

#[must_use]
pub fn check_web_config(_text: &str) -> Vec<Finding> {
    Vec::new()
}
