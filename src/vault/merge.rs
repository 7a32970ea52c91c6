//! The three-way merge of a vault's plaintext, for git's merge driver (`promvault
//! merge-driver`, installed by `promvault git-setup`).
//!
//! The decrypted mappings are merged per key path, nested mappings key by key: a key changed
//! on one side only takes that side's value; a key changed identically on both sides is kept;
//! a key added on one side is added; a key deleted on one side and unchanged on the other is
//! deleted. Anything else (both sides changed it differently, one changed it and the other
//! deleted it, both added it with different values) is a conflict, reported by key path and
//! by what each side did (the kind of value, never the value).
//!
//! The result is written as an edit of our side's text: our comments, blank lines, order and
//! formatting are kept; an entry that changes is rewritten as `promvault set` writes it (a
//! string double-quoted, a list or mapping as block YAML), so comments inside that entry are
//! lost, and entries the other side added go to the end, in its order, without its comments.
//! Should the text not be editable line-wise (a flow mapping), the merged mapping is written
//! as YAML from scratch (no comments).

use zeroize::Zeroizing;

use crate::{data::Data, yaml};

use super::{record, VaultError};

/// One key both sides changed in ways that do not merge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    /// The key path: `api_key`, or `users.alice` inside a mapping.
    pub key: String,
    /// What our side did, e.g. `changed it (a string)`.
    pub ours: String,
    /// What their side did.
    pub theirs: String,
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: ours {}, theirs {}",
            self.key, self.ours, self.theirs
        )
    }
}

/// What a merge gives.
#[derive(Debug)]
pub enum Outcome {
    /// The merged plaintext is our side's, as it is.
    Ours,
    /// The merged plaintext, and how many top-level keys it took from their side.
    Merged {
        text: Zeroizing<String>,
        taken: usize,
    },
    /// Keys that do not merge (nothing is merged then).
    Conflicts(Vec<Conflict>),
}

/// Merges the plaintexts of a vault's base, our and their versions (`display` names the
/// vault in messages). An empty `base` is an empty mapping (both sides added the vault).
///
/// # Errors
/// A side that is not a mapping of variables (by position only, never by content).
pub fn three_way(
    base: &str,
    ours: &str,
    theirs: &str,
    display: &str,
) -> Result<Outcome, VaultError> {
    let as_map = |text: &str, side: &str| -> Result<Data, VaultError> {
        let vars = super::variables(text, &format!("{display} ({side})"))?;
        Ok(Data::Map(
            vars.into_iter()
                .map(|(k, v)| (Data::Str(k), v.value))
                .collect(),
        ))
    };
    let (b, o, t) = (
        as_map(base, "base")?,
        as_map(ours, "ours")?,
        as_map(theirs, "theirs")?,
    );
    let mut conflicts = Vec::new();
    let merged = merge_value("", Some(&b), Some(&o), Some(&t), &mut conflicts);
    if !conflicts.is_empty() {
        return Ok(Outcome::Conflicts(conflicts));
    }
    let merged = merged.unwrap_or(Data::Map(Vec::new()));
    if same(&merged, &o) {
        return Ok(Outcome::Ours);
    }
    let (Data::Map(merged_entries), Data::Map(our_entries)) = (&merged, &o) else {
        return Ok(Outcome::Ours);
    };
    let taken = merged_entries
        .iter()
        .filter(|(k, v)| lookup(our_entries, k).is_none_or(|ov| !same(ov, v)))
        .count()
        + our_entries
            .iter()
            .filter(|(k, _)| lookup(merged_entries, k).is_none())
            .count();
    let text = match edit_ours(ours, our_entries, merged_entries, display) {
        Some(text) => text,
        None => from_scratch(&merged, display)?,
    };
    Ok(Outcome::Merged { text, taken })
}

/// Two values as templates see them (a `!unsafe` string equals the same plain string).
fn same(a: &Data, b: &Data) -> bool {
    a.to_value() == b.to_value()
}

fn lookup<'a>(entries: &'a [(Data, Data)], key: &Data) -> Option<&'a Data> {
    entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
}

fn key_text(key: &Data) -> String {
    key.as_str()
        .map_or_else(|| yaml::display_value(key), str::to_string)
}

/// What one side did to a value, described without it.
fn describe(base: Option<&Data>, side: Option<&Data>) -> String {
    let kind = |d: &Data| match record::kind_of(d) {
        "string" => "a string",
        "bcrypt" => "a bcrypt hash",
        "mapping" => "a mapping",
        "list" => "a list",
        "number" => "a number",
        "bool" => "a boolean",
        _ => "null",
    };
    match (base, side) {
        (_, None) => "deleted it".to_string(),
        (None, Some(v)) => format!("added it ({})", kind(v)),
        (Some(b), Some(v)) if same(b, v) => "kept it".to_string(),
        (Some(_), Some(v)) => format!("changed it ({})", kind(v)),
    }
}

fn merge_value(
    path: &str,
    base: Option<&Data>,
    ours: Option<&Data>,
    theirs: Option<&Data>,
    conflicts: &mut Vec<Conflict>,
) -> Option<Data> {
    let eq = |a: Option<&Data>, b: Option<&Data>| match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => same(a, b),
        _ => false,
    };
    if eq(ours, theirs) || eq(base, theirs) {
        return ours.cloned();
    }
    if eq(base, ours) {
        return theirs.cloned();
    }
    let empty = Vec::new();
    let base_map = match base {
        Some(Data::Map(b)) => Some(b),
        None => Some(&empty),
        Some(_) => None,
    };
    if let (Some(b), Some(Data::Map(o)), Some(Data::Map(t))) = (base_map, ours, theirs) {
        let mut keys: Vec<&Data> = Vec::new();
        for (k, _) in o.iter().chain(t.iter()) {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        let mut out = Vec::with_capacity(keys.len());
        for k in keys {
            let sub = if path.is_empty() {
                key_text(k)
            } else {
                format!("{path}.{}", key_text(k))
            };
            if let Some(v) = merge_value(&sub, lookup(b, k), lookup(o, k), lookup(t, k), conflicts)
            {
                out.push((k.clone(), v));
            }
        }
        return Some(Data::Map(out));
    }
    conflicts.push(Conflict {
        key: if path.is_empty() {
            "(the whole vault)".to_string()
        } else {
            path.to_string()
        },
        ours: describe(base, ours),
        theirs: describe(base, theirs),
    });
    ours.cloned()
}

/// Our text with the top-level entries that the merge changed rewritten; `None` when it
/// cannot be edited line-wise or does not read back as the merged mapping.
fn edit_ours(
    ours: &str,
    our_entries: &[(Data, Data)],
    merged: &[(Data, Data)],
    display: &str,
) -> Option<Zeroizing<String>> {
    let mut text = Zeroizing::new(ours.to_string());
    for (k, _) in our_entries {
        let key = k.as_str()?;
        if lookup(merged, k).is_none() {
            text = Zeroizing::new(yaml::replace_top_level_entry(&text, key, "").ok()??);
        }
    }
    for (k, v) in merged {
        if lookup(our_entries, k).is_some_and(|ov| same(ov, v)) {
            continue;
        }
        if let Some(new) = super::set_data(&text, k.as_str()?, v, display).ok()? {
            text = new;
        }
    }
    reads_back(&text, merged).then_some(text)
}

/// The merged mapping written as YAML from scratch.
fn from_scratch(merged: &Data, display: &str) -> Result<Zeroizing<String>, VaultError> {
    let Data::Map(entries) = merged else {
        return Ok(Zeroizing::new(String::new()));
    };
    let unwritable = || VaultError::Unsupported {
        message: format!("the merged {display} cannot be written as YAML"),
    };
    let text = if entries.is_empty() {
        Zeroizing::new("{}\n".to_string())
    } else {
        Zeroizing::new(
            yaml::dump::dump(&merged.to_value(), &yaml::dump::DumpOptions::to_nice_yaml())
                .map_err(|_| unwritable())?,
        )
    };
    if reads_back(&text, entries) {
        Ok(text)
    } else {
        Err(unwritable())
    }
}

/// Whether `text` reads as exactly the mapping `merged`, in its order.
fn reads_back(text: &str, merged: &[(Data, Data)]) -> bool {
    let Ok(vars) = yaml::parse_variables(text) else {
        return false;
    };
    vars.len() == merged.len()
        && vars
            .iter()
            .zip(merged)
            .all(|((name, var), (k, v))| k.as_str() == Some(name) && same(&var.value, v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(base: &str, ours: &str, theirs: &str) -> String {
        match three_way(base, ours, theirs, "v").unwrap() {
            Outcome::Merged { text, .. } => text.to_string(),
            Outcome::Ours => ours.to_string(),
            Outcome::Conflicts(c) => panic!("{c:?}"),
        }
    }

    fn conflicts(base: &str, ours: &str, theirs: &str) -> Vec<String> {
        match three_way(base, ours, theirs, "v").unwrap() {
            Outcome::Conflicts(c) => c.iter().map(ToString::to_string).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn different_keys_merge_and_our_comments_stay() {
        let base = "# prod\na: \"1\"  # first\nb: \"2\"\nc: \"3\"\n";
        let ours = "# prod\na: \"10\"  # first\nb: \"2\"\nc: \"3\"\n";
        let theirs = "# prod\na: \"1\"  # first\nb: \"20\"\nc: \"3\"\nd: \"4\"\n";
        assert_eq!(
            merged(base, ours, theirs),
            "# prod\na: \"10\"  # first\nb: \"20\"\nc: \"3\"\nd: \"4\"\n"
        );
        // deleted on one side, unchanged on the other: deleted
        let theirs = "# prod\na: \"1\"  # first\nc: \"3\"\n";
        assert_eq!(
            merged(base, ours, theirs),
            "# prod\na: \"10\"  # first\nc: \"3\"\n"
        );
        // the same change on both sides
        assert!(matches!(
            three_way(base, ours, ours, "v").unwrap(),
            Outcome::Ours
        ));
    }

    #[test]
    fn nested_mappings_merge_key_by_key() {
        let base = "users:\n  alice: \"a\"\n  bob: \"b\"\n";
        let ours = "users:\n  alice: \"A\"\n  bob: \"b\"\n";
        let theirs = "users:\n  alice: \"a\"\n  bob: \"B\"\n  carol: \"c\"\n";
        assert_eq!(
            merged(base, ours, theirs),
            // rewritten as `set` writes a mapping (to_nice_yaml: four spaces)
            "users:\n    alice: A\n    bob: B\n    carol: c\n"
        );
    }

    #[test]
    fn conflicts_name_the_key_and_what_each_side_did_never_the_value() {
        let base = "a: \"one\"\nb: \"two\"\nusers:\n  alice: \"x\"\n";
        let ours = "a: \"ours-value\"\nusers:\n  alice: \"y\"\n";
        let theirs = "a: \"theirs-value\"\nb: \"changed\"\nusers:\n  alice: \"z\"\n";
        let found = conflicts(base, ours, theirs);
        assert_eq!(
            found,
            [
                "a: ours changed it (a string), theirs changed it (a string)",
                "users.alice: ours changed it (a string), theirs changed it (a string)",
                "b: ours deleted it, theirs changed it (a string)",
            ]
        );
        assert!(!found.concat().contains("value"));
        let found = conflicts("", "a: \"1\"\n", "a: [1]\n");
        assert_eq!(
            found,
            ["a: ours added it (a string), theirs added it (a list)"]
        );
    }

    #[test]
    fn a_flow_mapping_is_written_from_scratch() {
        let out = merged(
            "{a: \"1\", b: \"2\"}\n",
            "{a: \"3\", b: \"2\"}\n",
            "{a: \"1\", b: \"4\"}\n",
        );
        assert_eq!(out, "a: '3'\nb: '4'\n");
    }
}
