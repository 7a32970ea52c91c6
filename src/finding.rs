//! Where something is ([`Location`]) and what was found there ([`Finding`]): the one shape
//! in which validation (Prometheus' own rules), the lints, `check` and `render` report a
//! problem to people, as text (`file:line: [id] field: message`, then `fix:`) or as JSON.
//!
//! This module is a leaf: it depends on nothing else in the crate, so every domain module can
//! use it without import circles.

use std::fmt;

/// A position in a file, shown as `path:line:column` (line and column 1-based).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    pub path: String,
    pub line: Option<u64>,
    pub column: Option<u64>,
}

impl Location {
    /// A whole file (no line).
    #[must_use]
    pub fn file(path: impl Into<String>) -> Location {
        Location {
            path: path.into(),
            line: None,
            column: None,
        }
    }

    /// A line of a file.
    #[must_use]
    pub fn line(path: impl Into<String>, line: Option<usize>) -> Location {
        Location {
            path: path.into(),
            line: line.map(|l| l as u64),
            column: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// How much a finding matters. Errors fail `check` (exit 1) and stop `render` from writing;
/// warnings are printed and fail only `check --strict`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One problem found in the project or in what it renders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `promtool` for Prometheus' own rules, else the check's or lint's id
    /// (`literal-credential`, `leak`, `render`, ...).
    pub id: String,
    pub severity: Severity,
    pub location: Location,
    /// The field path in a rendered config (`scrape_configs[0].basic_auth.password`), or empty.
    pub field_path: String,
    /// What is wrong; never holds a secret value.
    pub message: String,
    /// What to do about it, when there is something to say.
    pub fix: Option<String>,
    /// For a finding in a rendered output: the template file and line that wrote it.
    pub written_at: Option<Location>,
}

impl Finding {
    /// An error-level finding without field path or fix.
    #[must_use]
    pub fn error(id: impl Into<String>, location: Location, message: impl Into<String>) -> Self {
        Finding {
            id: id.into(),
            severity: Severity::Error,
            location,
            field_path: String::new(),
            message: message.into(),
            fix: None,
            written_at: None,
        }
    }

    #[must_use]
    pub fn with_written_at(mut self, source: Option<Location>) -> Self {
        self.written_at = source;
        self
    }

    #[must_use]
    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    #[must_use]
    pub fn with_field_path(mut self, path: impl Into<String>) -> Self {
        self.field_path = path.into();
        self
    }

    #[must_use]
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    #[must_use]
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.location)?;
        if self.severity == Severity::Warning {
            write!(f, "warning ")?;
        }
        write!(f, "[{}] ", self.id)?;
        if !self.field_path.is_empty() {
            write!(f, "{}: ", self.field_path)?;
        }
        write!(f, "{}", self.message)?;
        if let Some(source) = &self.written_at {
            write!(f, " (written at {source})")?;
        }
        if let Some(fix) = &self.fix {
            write!(f, "\n  fix: {fix}")?;
        }
        Ok(())
    }
}

/// Whether `text` matches `pattern`, where only `*` is special (any run of characters,
/// `/`, `.` and `[` included): how `check.allow` names files and field paths.
#[must_use]
pub fn star_match(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// The JSON form: flat, with every field present (`null` where there is none).
impl serde::Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("Finding", 9)?;
        s.serialize_field("id", &self.id)?;
        s.serialize_field("severity", &self.severity)?;
        s.serialize_field("file", &self.location.path)?;
        s.serialize_field("line", &self.location.line)?;
        s.serialize_field("field_path", &self.field_path)?;
        s.serialize_field("message", &self.message)?;
        s.serialize_field("fix", &self.fix)?;
        let source = self.written_at.as_ref();
        s.serialize_field("written_at_file", &source.map(|l| &l.path))?;
        s.serialize_field("written_at_line", &source.and_then(|l| l.line))?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_matches_any_run_and_nothing_else_is_special() {
        assert!(star_match(
            "scrape_configs[*].authorization.type",
            "scrape_configs[12].authorization.type"
        ));
        assert!(star_match(
            "out/*/prometheus.yml",
            "out/prod/prometheus.yml"
        ));
        assert!(star_match("*", ""));
        assert!(star_match("a", "a"));
        assert!(!star_match("a", "ab"));
        assert!(!star_match("scrape_configs[1].x", "scrape_configs[12].x"));
        assert!(!star_match("a*b*c", "abbc-"));
        assert!(star_match("a*b*c", "a-b-b-c"));
        assert!(!star_match("ab*ba", "aba"));
    }

    #[test]
    fn shown_with_location_id_field_and_fix() {
        let f = Finding::error(
            "literal-credential",
            Location::line("out/prod/prometheus.yml", Some(7)),
            "not from the vault",
        )
        .with_field_path("scrape_configs[0].basic_auth.password")
        .with_fix("use a vault variable");
        assert_eq!(
            f.to_string(),
            "out/prod/prometheus.yml:7: [literal-credential] scrape_configs[0].basic_auth.password: not from the vault\n  fix: use a vault variable"
        );
        let w = Finding::error("x", Location::file("a"), "m").warning();
        assert_eq!(w.to_string(), "a: warning [x] m");
        let json = serde_json::to_value(&f).unwrap();
        assert_eq!(json["severity"], "error");
        assert_eq!(json["line"], 7);
        assert_eq!(json["field_path"], "scrape_configs[0].basic_auth.password");
        assert_eq!(json["fix"], "use a vault variable");
    }
}
