//! What `render` does with the outputs the [`pipeline`](crate::pipeline) prepared, once
//! every one of them rendered and validated: compare each with the file on disk (drift, and
//! a diff with every secret masked), print them (`--stdout`), or write them all atomically.

use std::{
    fs, io,
    os::unix::fs::PermissionsExt,
    path::{Path, PathBuf},
};

use crate::{
    output::diff::Masker,
    output::{self, WriteOutcome},
    pipeline::Rendered,
};

/// One output next to the file it would replace.
pub struct Drift<'a> {
    pub rendered: &'a Rendered,
    old: Option<Vec<u8>>,
    old_mode: Option<u32>,
}

impl Drift<'_> {
    /// Whether writing would change the file (its bytes or its mode).
    #[must_use]
    pub fn changed(&self) -> bool {
        self.old.as_deref() != Some(self.rendered.bytes.as_slice())
            || self.old_mode != Some(self.rendered.mode)
    }

    /// A unified diff of the change, secrets masked (vault values in every form, bcrypt
    /// hashes, credential fields old and new), plus a line for a change of mode only; empty
    /// when nothing changes.
    #[must_use]
    pub fn diff(&self, masker: &Masker) -> String {
        if !self.changed() {
            return String::new();
        }
        let r = self.rendered;
        let mut text = output::diff::unified(masker, &r.display, self.old.as_deref(), &r.bytes);
        if self.old.as_deref() == Some(r.bytes.as_slice()) {
            text.push_str(&format!(
                "mode {:04o} -> {:04o}: {}\n",
                self.old_mode.unwrap_or(0),
                r.mode,
                r.display
            ));
        }
        text
    }
}

/// Each output compared with what is on disk now.
#[must_use]
pub fn drift(rendered: &[Rendered]) -> Vec<Drift<'_>> {
    rendered
        .iter()
        .map(|r| Drift {
            rendered: r,
            old: fs::read(&r.dest).ok(),
            old_mode: fs::metadata(&r.dest)
                .ok()
                .map(|m| m.permissions().mode() & 0o7777),
        })
        .collect()
}

/// The outputs as `render --stdout` prints them: one output as it is; several each after a
/// `---` line naming it (and ending with a newline).
#[must_use]
pub fn to_stdout(rendered: &[Rendered]) -> Vec<u8> {
    if let [only] = rendered {
        return only.bytes.clone();
    }
    let mut out = Vec::new();
    for r in rendered {
        out.extend_from_slice(
            format!("---\n# promvault: {} ({}, {})\n", r.display, r.env, r.host).as_bytes(),
        );
        out.extend_from_slice(&r.bytes);
        if !r.bytes.ends_with(b"\n") && !r.bytes.is_empty() {
            out.push(b'\n');
        }
    }
    out
}

/// Writes every output atomically and owner-only (or with its mode), each prepared before
/// any replaces its target; an unchanged file is left untouched.
///
/// # Errors
/// The file that could not be written, and why.
pub fn write(rendered: &[Rendered]) -> Result<Vec<WriteOutcome>, (PathBuf, io::Error)> {
    let files: Vec<(&Path, &[u8], u32)> = rendered
        .iter()
        .map(|r| (r.dest.as_path(), r.bytes.as_slice(), r.mode))
        .collect();
    output::write_all_atomic(&files)
}

/// The word `render` prints for what happened to a file.
#[must_use]
pub fn word(outcome: WriteOutcome) -> &'static str {
    match outcome {
        WriteOutcome::Created => "created",
        WriteOutcome::Changed => "changed",
        WriteOutcome::Unchanged => "unchanged",
    }
}
