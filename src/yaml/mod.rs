//! YAML helpers shared by the project file, the vault and inventories: the [`Budget`] every
//! YAML text is read under, error positions, secret-safe parse errors, double-quoted scalars,
//! and text-preserving edits of a top-level mapping (so comments and key order survive
//! `promvault set`).
//!
//! The parser is `serde-saphyr` (see `docs/decisions.md` for why).

pub mod dump;
pub mod load;
pub mod node;
pub mod resolve;

use indexmap::IndexMap;

use crate::data::Data;
use serde::de::IgnoredAny;
use serde_saphyr::{granit_parser, Spanned};

/// The limits every YAML text is loaded under, and the loader's running count against them.
///
/// The loaders expand aliases themselves (a copy of the anchored value at each `*alias`), so a
/// few hundred bytes of nested aliases (`b: &b [*a, *a, ...]`, nine levels deep) can ask for
/// billions of nodes, and a chain of aliases can nest a value deeper than any text could. The
/// node layer ([`node`], which every YAML reader but serde-saphyr's builds on) count what they produce here and
/// stop at the first event that would go over a limit:
///
/// - **Nesting**: at most [`Budget::MAX_DEPTH`] (256) collections inside each other, counting
///   the depth an alias brings along. Real configurations nest a dozen levels; the YAML parser's
///   own defaults stop at 255 flow or 255 block levels, and everything that later walks the
///   value (templates, JSON, validation) recurses, so the limit also keeps the stack safe (256
///   levels take under 1.2 MiB of stack in each loader even unoptimized).
/// - **Nodes**: at most [`Budget::MIN_NODES`] (1,000,000) scalars and collections, or
///   [`Budget::NODES_PER_BYTE`] (4) per byte of input when that is more. Without aliases a text
///   cannot produce more than about one node per byte (`[a,a]`, `-\n-\n`), so only alias
///   expansion can reach the limit, and a million nodes is far beyond any configuration. The
///   copy a loader keeps of each anchored value counts too (anchors nested in anchors each keep
///   one), so memory stays bounded whatever the anchors' shape.
/// - **Text**: at most [`Budget::MIN_TEXT`] (32 MiB) of scalar text, or 4 bytes per byte of input
///   when that is more: an alias copies its scalars too, and a long string repeated through
///   aliases is a bomb with few nodes. Without aliases scalar text never exceeds the input.
///
/// Every serde-saphyr read goes through [`from_str`], which gives serde-saphyr's own budget
/// these limits, with a shallower depth and a lower floor of nodes for the small files it
/// reads ([`saphyr_options`], [`Budget::SERDE_MAX_DEPTH`], [`Budget::SERDE_MIN_NODES`]).
#[derive(Debug, Clone)]
pub struct Budget {
    max_nodes: usize,
    max_text: usize,
    /// Collections open now.
    depth: usize,
    /// The deepest nesting reached inside the node being loaded (see [`Budget::begin`]).
    deepest: usize,
    nodes: usize,
    text: usize,
}

/// Where a node's loading began, to tell what the node cost ([`Budget::end`]).
#[derive(Debug, Clone, Copy)]
pub struct Mark {
    depth: usize,
    deepest: usize,
    nodes: usize,
    text: usize,
}

impl Mark {
    /// How many collections were open when the node began.
    #[must_use]
    pub fn depth(&self) -> usize {
        self.depth
    }
}

/// What an anchored node cost: each alias to it costs as much again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    nodes: usize,
    text: usize,
    /// How many collections deep the node goes (0 for a scalar).
    height: usize,
}

/// Which limit of a [`Budget`] a YAML text went over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BudgetError {
    TooDeep { max: usize },
    TooManyNodes { max: usize },
    TooMuchText { max: usize },
}

impl std::fmt::Display for BudgetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BudgetError::TooDeep { max } => write!(f, "YAML nesting deeper than {max}"),
            BudgetError::TooManyNodes { max } => {
                write!(
                    f,
                    "aliases expand to more than {max} nodes (an alias bomb?)"
                )
            }
            BudgetError::TooMuchText { max } => write!(
                f,
                "aliases expand to more than {} MiB of text (an alias bomb?)",
                max / (1024 * 1024)
            ),
        }
    }
}

impl std::error::Error for BudgetError {}

impl Budget {
    /// How many collections may nest inside each other.
    pub const MAX_DEPTH: usize = 256;
    /// How many collections may nest inside each other in a file read with serde-saphyr (the
    /// project file, vault values, records: shallow files). Its deserializer recurses with
    /// about 20 KiB of stack per level in an unoptimized build, so this stays at its own
    /// default, 64, not [`Budget::MAX_DEPTH`].
    pub const SERDE_MAX_DEPTH: usize = 64;
    /// The least number of nodes a file read with serde-saphyr may produce. serde-saphyr keeps
    /// a copy of each event inside an anchor and replays them at every alias, which costs
    /// several times what the loaders' copies do (a million replayed events take seconds and
    /// hundreds of MiB unoptimized); the files it reads are small and written by hand, so a
    /// tenth of [`Budget::MIN_NODES`] is still far more than they need.
    pub const SERDE_MIN_NODES: usize = 100_000;
    /// The least number of nodes any text may produce.
    pub const MIN_NODES: usize = 1_000_000;
    /// Nodes allowed per byte of input, for texts large enough to need more than the minimum.
    pub const NODES_PER_BYTE: usize = 4;
    /// The least scalar text (bytes) any text may produce.
    pub const MIN_TEXT: usize = 32 * 1024 * 1024;
    /// Bytes of scalar text allowed per byte of input, above the minimum.
    pub const TEXT_PER_BYTE: usize = 4;

    /// The budget for loading `text`.
    #[must_use]
    pub fn for_text(text: &str) -> Budget {
        Self::with_min_nodes(text, Self::MIN_NODES)
    }

    fn with_min_nodes(text: &str, min_nodes: usize) -> Budget {
        Budget {
            max_nodes: min_nodes.max(text.len().saturating_mul(Self::NODES_PER_BYTE)),
            max_text: Self::MIN_TEXT.max(text.len().saturating_mul(Self::TEXT_PER_BYTE)),
            depth: 0,
            deepest: 0,
            nodes: 0,
            text: 0,
        }
    }

    /// A parser for `text` whose own nesting limits lie beyond [`Budget::MAX_DEPTH`], so that
    /// the budget, with its clearer message, is what stops a deep text. (The scanner reads up
    /// to a simple key's length ahead of the events, so its limits must be that much further
    /// out; it keeps its nesting in a list, not on the stack.)
    #[must_use]
    pub fn parser(text: &str) -> granit_parser::Parser<'_, granit_parser::StrInput<'_>> {
        let mut options = granit_parser::Options::default();
        let limit = Self::MAX_DEPTH + options.simple_key_max_lookahead + 1;
        options.flow_nesting_limit = limit;
        options.block_nesting_limit = limit;
        granit_parser::Parser::new_from_str_with_options(text, options)
    }

    /// Starts a node (call [`Budget::end`] when it is loaded).
    pub fn begin(&mut self) -> Mark {
        let mark = Mark {
            depth: self.depth,
            deepest: self.deepest,
            nodes: self.nodes,
            text: self.text,
        };
        self.deepest = self.depth;
        mark
    }

    /// Ends the node begun at `mark`: what it cost, for the aliases to it.
    pub fn end(&mut self, mark: Mark) -> Cost {
        let cost = Cost {
            nodes: self.nodes - mark.nodes,
            text: self.text - mark.text,
            height: self.deepest - mark.depth,
        };
        self.deepest = self.deepest.max(mark.deepest);
        cost
    }

    /// Counts a scalar of `len` bytes.
    ///
    /// # Errors
    /// When the nodes or the text go over the budget.
    pub fn scalar(&mut self, len: usize) -> Result<(), BudgetError> {
        self.charge(1, len)
    }

    /// Opens a collection (close it with [`Budget::close`]).
    ///
    /// # Errors
    /// When it nests deeper than [`Budget::MAX_DEPTH`], or the nodes go over the budget.
    pub fn open(&mut self) -> Result<(), BudgetError> {
        self.reach(self.depth + 1)?;
        self.depth += 1;
        self.charge(1, 0)
    }

    /// Closes the innermost collection.
    pub fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Counts an alias to a node that cost `cost`: as much again, at the current depth.
    ///
    /// # Errors
    /// When the copy would nest too deep or go over the nodes or text budget.
    pub fn alias(&mut self, cost: Cost) -> Result<(), BudgetError> {
        self.reach(self.depth + cost.height)?;
        self.charge(cost.nodes, cost.text)
    }

    /// Counts the copy a loader keeps of an anchored node that cost `cost`, so that anchors
    /// nested in anchors (each keeping its own copy of what is inside) are bounded too.
    ///
    /// # Errors
    /// When the copy would go over the nodes or text budget.
    pub fn anchor(&mut self, cost: Cost) -> Result<(), BudgetError> {
        self.charge(cost.nodes, cost.text)
    }

    fn reach(&mut self, depth: usize) -> Result<(), BudgetError> {
        if depth > Self::MAX_DEPTH {
            return Err(BudgetError::TooDeep {
                max: Self::MAX_DEPTH,
            });
        }
        self.deepest = self.deepest.max(depth);
        Ok(())
    }

    fn charge(&mut self, nodes: usize, text: usize) -> Result<(), BudgetError> {
        self.nodes = self.nodes.saturating_add(nodes);
        self.text = self.text.saturating_add(text);
        if self.nodes > self.max_nodes {
            return Err(BudgetError::TooManyNodes {
                max: self.max_nodes,
            });
        }
        if self.text > self.max_text {
            return Err(BudgetError::TooMuchText { max: self.max_text });
        }
        Ok(())
    }
}

/// serde-saphyr's options with the limits of [`Budget`] for `text`: nodes (parsed, kept for
/// anchors and replayed through aliases; at least [`Budget::SERDE_MIN_NODES`]), scalar text,
/// and nesting ([`Budget::SERDE_MAX_DEPTH`]). Everything else is serde-saphyr's default.
#[must_use]
pub fn saphyr_options(text: &str) -> serde_saphyr::Options {
    let ours = Budget::with_min_nodes(text, Budget::SERDE_MIN_NODES);
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = Budget::SERDE_MAX_DEPTH;
    budget.max_nodes = ours.max_nodes;
    budget.max_recorded_anchor_events = ours.max_nodes;
    budget.max_recorded_anchor_bytes = ours.max_text;
    budget.max_events = budget.max_events.max(ours.max_nodes.saturating_mul(2));
    budget.max_total_scalar_bytes = ours.max_text;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = ours.max_nodes;
    options
}

/// `serde_saphyr::from_str` under the limits of [`Budget`] ([`saphyr_options`]).
///
/// # Errors
/// serde-saphyr's error: invalid YAML, a value of the wrong shape, a limit reached.
pub fn from_str<'de, T: serde::Deserialize<'de>>(text: &'de str) -> Result<T, serde_saphyr::Error> {
    serde_saphyr::from_str_with_options(text, saphyr_options(text))
}

/// The 1-based line and column a parse error points at, when it has one.
#[must_use]
pub fn error_position(err: &serde_saphyr::Error) -> (Option<u64>, Option<u64>) {
    match err.location() {
        Some(loc) if loc.line() > 0 => (Some(loc.line()), Some(loc.column())),
        _ => (None, None),
    }
}

/// The error's message without the source excerpt and without the trailing position
/// (which callers print as `file:line:column`). Only for files that hold no secrets.
#[must_use]
pub fn error_message(err: &serde_saphyr::Error) -> String {
    // An error at an alias wraps the error itself; its position is the alias's.
    let mut err = err.without_snippet();
    while let serde_saphyr::Error::AliasError { error, .. } = err {
        err = error.without_snippet();
    }
    let rendered = err.render();
    let first = rendered.lines().next().unwrap_or("invalid YAML").trim();
    // serde-saphyr appends " at line L, column C"; the caller shows the position itself.
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    }
}

/// Why a text is not a mapping of variable names to values. Never holds any of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappingProblem {
    /// Not valid YAML at all.
    Syntax,
    /// Valid YAML, but the document is a list or a scalar.
    NotAMapping { found: &'static str },
    /// A key that cannot name a template variable.
    BadKey { key: String },
    /// A key written twice (refused where a vault is written: one of the two values would
    /// be lost without a word).
    DuplicateKey { key: String, first_line: usize },
}

/// A [`MappingProblem`] with its 1-based position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappingError {
    pub line: Option<u64>,
    pub column: Option<u64>,
    pub problem: MappingProblem,
}

impl MappingError {
    /// Where, in words: `line 3, column 5`.
    #[must_use]
    pub fn position(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("line {l}, column {c}"),
            (Some(l), None) => format!("line {l}"),
            _ => "somewhere".to_string(),
        }
    }
}

impl std::fmt::Display for MappingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.problem {
            MappingProblem::Syntax => write!(f, "invalid YAML syntax"),
            MappingProblem::NotAMapping { found } => write!(
                f,
                "the document is {found}, but it must be a mapping of variable names to values"
            ),
            MappingProblem::BadKey { key } => write!(
                f,
                "`{key}` is not a valid variable name (letters, digits and `_`, not starting with a digit)"
            ),
            MappingProblem::DuplicateKey { key, first_line } => write!(
                f,
                "`{key}` is written twice (first at line {first_line}); only the last value would be kept: remove one"
            ),
        }
    }
}

/// Parses a mapping of variable names to values (a vault's plaintext) with the YAML 1.1 rules
/// Ansible reads it with ([`load`]): `view`, the vault's record and templates all see the
/// same values (`0777` is 511, `1e3` a string). Problems are reported by position only, never
/// by content. An empty document (or only comments) is an empty mapping.
///
/// # Errors
/// A [`MappingError`] naming the line and what is wrong.
pub fn parse_variables(text: &str) -> Result<IndexMap<String, Variable>, MappingError> {
    read_variables(text, false)
}

fn read_variables(text: &str, strict: bool) -> Result<IndexMap<String, Variable>, MappingError> {
    // the loader's message may quote the text: only its position is kept
    let doc = load::load(text).map_err(|e| MappingError {
        line: Some(e.line as u64),
        column: Some(e.column as u64),
        problem: MappingProblem::Syntax,
    })?;
    if let Some(d) = doc.duplicates.first().filter(|_| strict) {
        return Err(MappingError {
            line: Some(d.line as u64),
            column: None,
            problem: MappingProblem::DuplicateKey {
                key: d.key.clone(),
                first_line: d.first_line,
            },
        });
    }
    let load::Document {
        data, line_index, ..
    } = doc;
    let line_of = |key: &str| line_index.get(key).copied();
    let entries = match data {
        Data::Null => return Ok(IndexMap::new()),
        Data::Map(entries) => entries,
        other => {
            return Err(MappingError {
                line: Some(1),
                column: None,
                problem: MappingProblem::NotAMapping {
                    found: if matches!(other, Data::Seq(_)) {
                        "a list"
                    } else {
                        "a single value"
                    },
                },
            })
        }
    };
    let mut out = IndexMap::with_capacity(entries.len());
    for (key, value) in entries {
        let name = match &key {
            Data::Str(s) | Data::Unsafe(s) => s.clone(),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::Null => "null".to_string(),
            Data::Float(f) => f.to_string(),
            Data::Seq(_) | Data::Map(_) => "(a list or mapping)".to_string(),
        };
        let line = line_of(&name);
        if !is_variable_name(&name) {
            return Err(MappingError {
                line: line.map(|l| l as u64),
                column: Some(1),
                problem: MappingProblem::BadKey { key: name },
            });
        }
        // PyYAML: a key written twice keeps its last value
        out.insert(name, Variable { value, line });
    }
    Ok(out)
}

/// [`parse_variables`], refusing a key written twice in any mapping: what a vault must be
/// when promvault writes it (`edit`), so no value is lost without a word.
///
/// # Errors
/// As [`parse_variables`]; the first duplicate key with both its lines.
pub fn parse_variables_strict(text: &str) -> Result<IndexMap<String, Variable>, MappingError> {
    read_variables(text, true)
}

/// A value as `view ENV KEY` prints it: a string exactly as it is, another scalar as YAML
/// writes it (`511`, `true`, `null`, `1.5`), a list or mapping as block YAML.
#[must_use]
pub fn display_value(value: &Data) -> String {
    match value {
        Data::Str(s) | Data::Unsafe(s) => s.clone(),
        Data::Null => "null".to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Int(i) => i.to_string(),
        other => dump::dump(&other.to_value(), &dump::DumpOptions::to_nice_yaml())
            .map(|t| t.trim_end_matches("\n...\n").trim_end().to_string())
            .unwrap_or_default(),
    }
}

/// One variable of a vault (or vars) mapping: its value as Ansible reads it, and the 1-based
/// line of its key.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    pub value: Data,
    pub line: Option<usize>,
}

/// The top-level keys of a mapping document with the 1-based line each stands on.
///
/// # Errors
/// The parse error, when the text is not a mapping with string keys.
pub fn top_level_keys(text: &str) -> Result<Vec<(String, u64)>, serde_saphyr::Error> {
    let map: Option<IndexMap<Spanned<String>, IgnoredAny>> = from_str(text)?;
    Ok(map
        .unwrap_or_default()
        .into_keys()
        .map(|k| (k.value, k.referenced.line()))
        .collect())
}

/// Whether `name` can be used as a template variable (a Jinja identifier).
#[must_use]
pub fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// `value` as a YAML double-quoted scalar that reads back as exactly `value`: quotes,
/// backslashes, control characters, line breaks and leading or trailing spaces included.
#[must_use]
pub fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            '\u{feff}' => out.push_str("\\uFEFF"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || (0x80..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Replaces the top-level entry `key` of a block-mapping document by `entry` (one or more
/// complete lines, ending in a newline), or appends `entry` when the key is absent. All
/// other lines (comments, blank lines, other entries) are kept as they were.
///
/// An entry starts on its key's line and runs until the next line that starts in column 0
/// and is not blank or a comment (in a block mapping every continuation of a value is
/// indented). Comment and blank lines just before the next entry stay with that entry.
///
/// # Errors
/// The parse error when `text` is not a mapping; `Ok(None)` when the key is in a flow mapping
/// (`{a: 1}`) and cannot be replaced line-wise.
pub fn replace_top_level_entry(
    text: &str,
    key: &str,
    entry: &str,
) -> Result<Option<String>, serde_saphyr::Error> {
    let keys = top_level_keys(text)?;
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some(&(_, key_line)) = keys.iter().find(|(k, _)| k == key) else {
        let mut out = text.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        if keys.is_empty() && text.trim_start().starts_with('{') {
            return Ok(None);
        }
        out.push_str(entry);
        return Ok(Some(out));
    };
    let start = usize::try_from(key_line.saturating_sub(1)).unwrap_or(usize::MAX);
    let Some(first) = lines.get(start) else {
        return Ok(None);
    };
    if first.starts_with([' ', '\t', '{']) {
        return Ok(None);
    }
    let starts_entry =
        |line: &str| !line.starts_with([' ', '\t', '#', '\n', '\r']) && !line.trim().is_empty();
    let mut end = start + 1;
    while end < lines.len() && !starts_entry(lines[end]) {
        end += 1;
    }
    // Leave trailing comments and blank lines to whatever follows.
    while end > start + 1 {
        let prev = lines[end - 1];
        if prev.trim().is_empty() || prev.starts_with('#') {
            end -= 1;
        } else {
            break;
        }
    }
    let mut out = String::with_capacity(text.len() + entry.len());
    lines[..start].iter().for_each(|l| out.push_str(l));
    out.push_str(entry);
    lines[end..].iter().for_each(|l| out.push_str(l));
    Ok(Some(out))
}

/// Hostile texts for the loaders' tests.
#[cfg(test)]
pub(crate) mod hostile {
    /// The classic alias bomb: `a` holds 10 scalars, `b` 10 aliases to `a`, ... `levels` levels
    /// (10^levels scalars, from a few hundred bytes). The last level is on line `levels`.
    pub fn alias_bomb(levels: usize) -> String {
        let names: Vec<String> = (0..levels).map(|i| format!("l{i}")).collect();
        let mut text = format!("{}: &{} [x,x,x,x,x,x,x,x,x,x]\n", names[0], names[0]);
        for pair in names.windows(2) {
            let alias = format!("*{}", pair[0]);
            text.push_str(&format!(
                "{}: &{} [{}]\n",
                pair[1],
                pair[1],
                vec![alias; 10].join(",")
            ));
        }
        text
    }

    /// One long string repeated through aliases: few nodes, gigabytes of text.
    pub fn text_bomb() -> String {
        let mut text = format!("s: &s \"{}\"\n", "x".repeat(1 << 20));
        text.push_str(&format!("t: [{}]\n", vec!["*s"; 100].join(",")));
        text
    }

    /// `levels` flow sequences inside each other: `[[[...]]]`.
    pub fn deep_flow(levels: usize) -> String {
        format!("{}{}", "[".repeat(levels), "]".repeat(levels))
    }

    /// `levels` block sequences inside each other: `- - - x`.
    pub fn deep_block(levels: usize) -> String {
        format!("{}x\n", "- ".repeat(levels))
    }

    /// A chain of anchors each 100 levels deep and holding an alias to the previous one: the
    /// text nests 100 levels, the value 100 more at each link.
    pub fn deep_through_aliases(links: usize) -> String {
        let mut text = format!("a0: &a0 {}\n", super::hostile::deep_flow(100));
        for i in 1..links {
            text.push_str(&format!(
                "a{i}: &a{i} {}*a{}{}\n",
                "[".repeat(100),
                i - 1,
                "]".repeat(100)
            ));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn read_back(quoted: &str) -> String {
        let doc = format!("k: {quoted}\n");
        let map: IndexMap<String, String> = serde_saphyr::from_str(&doc).unwrap();
        map["k"].clone()
    }

    #[test]
    fn double_quoting_round_trips_awkward_values() {
        for v in [
            "",
            "plain",
            ": # ' \" { } \\",
            "  leading and trailing  ",
            "line1\nline2\n",
            "tab\there",
            "é ☃ 🔑",
            "{{ not a template }}",
            "\u{7f}\u{85}\u{2028}\u{feff}\0\r",
            "- not a list",
        ] {
            assert_eq!(read_back(&double_quoted(v)), v, "value {v:?}");
        }
    }

    proptest! {
        #[test]
        fn double_quoting_round_trips_any_string(v in any::<String>()) {
            prop_assert_eq!(read_back(&double_quoted(&v)), v);
        }

        #[test]
        fn replacing_an_entry_keeps_the_others(
            values in proptest::collection::vec(any::<String>(), 1..5),
            new in any::<String>(),
            pick in 0usize..5,
        ) {
            let mut text = String::from("# a comment on top\n");
            for (i, v) in values.iter().enumerate() {
                text.push_str(&format!("k{i}: {}\n# about the next one\n", double_quoted(v)));
            }
            let key = format!("k{}", pick % (values.len() + 1));
            let entry = format!("{key}: {}\n", double_quoted(&new));
            let out = replace_top_level_entry(&text, &key, &entry).unwrap().unwrap();
            let map: IndexMap<String, String> = serde_saphyr::from_str(&out).unwrap();
            prop_assert_eq!(&map[&key], &new);
            for (i, v) in values.iter().enumerate() {
                let k = format!("k{i}");
                if k != key {
                    prop_assert_eq!(&map[&k], v);
                }
            }
            prop_assert!(out.starts_with("# a comment on top\n"));
            prop_assert_eq!(out.matches("# about the next one").count(), values.len());
        }
    }

    #[test]
    fn replaces_block_scalars_and_nested_values_whole() {
        let text = "a: 1\nb: |\n  line one\n\n  line two\n# keep me\nc:\n  nested: true\n";
        let out = replace_top_level_entry(text, "b", "b: \"x\"\n")
            .unwrap()
            .unwrap();
        assert_eq!(out, "a: 1\nb: \"x\"\n# keep me\nc:\n  nested: true\n");
        let out = replace_top_level_entry(text, "c", "c: 2\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            out,
            "a: 1\nb: |\n  line one\n\n  line two\n# keep me\nc: 2\n"
        );
        let out = replace_top_level_entry("a: 1", "z", "z: 2\n")
            .unwrap()
            .unwrap();
        assert_eq!(out, "a: 1\nz: 2\n");
        assert_eq!(
            replace_top_level_entry("{a: 1}", "a", "a: 2\n").unwrap(),
            None
        );
    }

    #[test]
    fn serde_saphyr_reads_under_the_budget_too() {
        use hostile::{alias_bomb, deep_block, deep_flow, text_bomb};
        let message = |text: &str| {
            let err = from_str::<serde_json::Value>(text).unwrap_err();
            (error_position(&err).0, error_message(&err))
        };
        // fails at the alias where the copies go over (line 5 asks for 10^5 scalars)
        let (line, bomb) = message(&alias_bomb(12));
        assert_eq!(line, Some(5), "{bomb}");
        assert!(bomb.starts_with("budget breached"), "{bomb}");
        let (line, text) = message(&text_bomb());
        assert_eq!(line, Some(2), "{text}");
        assert!(text.starts_with("budget breached"), "{text}");
        for deep in [deep_flow(10_000), deep_block(10_000)] {
            let (line, m) = message(&deep);
            assert_eq!(line, Some(1));
            assert!(m.contains("depth") || m.contains("recursion limit"), "{m}");
        }
        assert!(from_str::<serde_json::Value>(&deep_flow(64)).is_ok());
        assert!(from_str::<serde_json::Value>(&alias_bomb(4)).is_ok());
        // the project file goes through it; vault values through the Ansible loader's budget
        let err = parse_variables(&alias_bomb(12)).unwrap_err();
        assert_eq!((err.line, &err.problem), (Some(6), &MappingProblem::Syntax));
        assert!(crate::project::parse_project_file(&alias_bomb(12)).is_err());
    }

    #[test]
    fn variables_errors_name_the_line_but_never_the_content() {
        let err = parse_variables("ok: 1\nbad: [unclosed secret-value\n").unwrap_err();
        assert_eq!(err.problem, MappingProblem::Syntax);
        assert!(err.line.is_some());
        assert!(!err.to_string().contains("secret-value"));
        let err = parse_variables("- hunter2\n").unwrap_err();
        assert_eq!(err.problem, MappingProblem::NotAMapping { found: "a list" });
        assert!(!err.to_string().contains("hunter2"));
        let err = parse_variables("hunter2\n").unwrap_err();
        assert!(!err.to_string().contains("hunter2"));
        let err = parse_variables("a: 1\nnot-a-name: 2\n").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(parse_variables("# only a comment\n").unwrap().is_empty());
        assert!(parse_variables("").unwrap().is_empty());
    }
}
