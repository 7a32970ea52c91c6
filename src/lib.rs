//! promvault keeps Prometheus configuration as Jinja templates plus Ansible-style inventories,
//! with the secrets in age-encrypted vault files.
//!
//! The modules are named after the domain:
//! - [`project`]: finding and reading `promvault.yml`, and editing its recipient lists;
//! - [`identity`]: where identities are looked up, and parsing recipients;
//! - [`vault`]: the age-encrypted vault files (decrypt, encrypt, set, rekey);
//! - [`edit`]: the `$EDITOR` session on a vault's plaintext;
//! - [`secrets`]: the vault's values as held in memory, masking and the bcrypt shape;
//! - [`output`]: atomic, owner-only writes of files;
//! - [`sandbox`]: the project as a sandbox: what promvault may read and write;
//! - [`yaml`]: the YAML helpers shared by the others (locations, quoting, top-level keys);
//! - [`finding`]: where something is and what was found there, shown as text or JSON;
//! - [`diagnostics`]: the error type people read, with file, line and a hint;
//! - [`cli`]: the command line, which only turns arguments into calls of the above.

pub mod check;
pub mod cli;
pub mod data;
pub mod diagnostics;
pub mod edit;
pub mod finding;
pub mod git;
pub mod identity;
pub mod inventory;
pub mod lints;
pub mod output;
pub mod pipeline;
pub mod probe;
pub mod project;
pub mod prometheus;
pub mod recipients;
pub mod render;
pub mod sandbox;
pub mod scaffold;
pub mod secrets;
pub mod vars;
pub mod vault;
pub mod yaml;

pub use diagnostics::Error;
