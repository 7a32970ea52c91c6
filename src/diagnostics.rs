//! The error type people read: every failure names the file (and line, where there is one),
//! says what went wrong, and where it can, what to do next.
//!
//! Errors never hold a secret value: vault contents are reported by position only.

use std::{fmt, io, path::PathBuf};

pub use crate::finding::Location;

use crate::{
    edit::EditError, identity::IdentityError, pipeline::RunError, project::ProjectError,
    vault::VaultError,
};

/// Everything that can stop a command. All of them map to exit code 2 ("trouble");
/// findings (exit code 1) are not errors and are reported by the commands themselves.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Project(Box<ProjectError>),
    #[error(transparent)]
    Identity(Box<IdentityError>),
    #[error(transparent)]
    Vault(Box<VaultError>),
    #[error(transparent)]
    Edit(Box<EditError>),
    #[error(transparent)]
    Run(Box<RunError>),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{message}")]
    Usage {
        message: String,
        hint: Option<String>,
    },
}

macro_rules! boxed_from {
    ($($variant:ident($ty:ty)),*) => {$(
        impl From<$ty> for Error {
            fn from(e: $ty) -> Self {
                Error::$variant(Box::new(e))
            }
        }
    )*};
}
boxed_from!(
    Project(ProjectError),
    Identity(IdentityError),
    Vault(VaultError),
    Edit(EditError),
    Run(RunError)
);

impl Error {
    /// The process exit code for this error (see PRODUCT.md: 2 means trouble).
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        2
    }

    /// A one-line suggestion of what to do next, when there is one.
    #[must_use]
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Project(e) => e.hint(),
            Error::Identity(e) => e.hint(),
            Error::Vault(e) => e.hint(),
            Error::Edit(e) => e.hint(),
            Error::Run(e) => e.hint(),
            Error::Io { .. } => None,
            Error::Usage { hint, .. } => hint.clone(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub fn usage(message: impl Into<String>, hint: Option<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint,
        }
    }

    /// The whole report: `error: ...` then `hint: ...`.
    #[must_use]
    pub fn report(&self) -> Report<'_> {
        Report(self)
    }
}

/// Displays an [`Error`] the way the command line prints it.
pub struct Report<'a>(&'a Error);

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.0)?;
        if let Some(hint) = self.0.hint() {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}
