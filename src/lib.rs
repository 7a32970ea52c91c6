//! promvault keeps Prometheus configuration as Jinja templates plus Ansible-style inventories,
//! with the secrets in age-encrypted vault files.
//!
//! The modules are named after the domain. Data flows one way: project → inventory, vault →
//! vars → render → pipeline (validation, lints) → output; `check` and `probe` use the same
//! pipeline as `render`.
//! - [`project`]: finding and reading `promvault.yml`, and editing its recipient lists;
//! - [`sandbox`]: the project as a sandbox: what promvault may read and write;
//! - [`identity`]: where identities are looked up, and parsing recipients;
//! - [`vault`]: the age-encrypted vault files (open, decrypt, encrypt, set) and their records;
//! - [`recipients`]: changing who can open the vaults, and rekeying them, as one transaction;
//! - [`edit`]: the `$EDITOR` session on a vault's plaintext;
//! - [`secret_files`]: the `secret_file` filter: a vault value in an owner-only file of its
//!   own beside an output, the output holding only its path;
//! - [`secrets`]: the vault's values as held in memory, masking and the bcrypt shape;
//! - [`inventory`]: Ansible inventories (YAML, INI), group and host vars, precedence;
//! - [`vars`]: the per-host variable store and Ansible's lazy templating;
//! - [`explain`]: `vars`: the variables a host sees, each with the file, line and precedence
//!   layer it comes from (vault values masked);
//! - [`render`]: minijinja with Ansible's settings, filters and tests, and the provenance of
//!   each output (which template line wrote it);
//! - [`pipeline`]: one run of render/check/probe: load, render, validate, findings;
//! - [`publish`]: what `render` does with a prepared run: drift, masked diff, stdout, writes;
//! - [`prometheus`]: Prometheus' own rules for configs and web configs (as promtool), and the
//!   scrape jobs of a valid config with their relabeled targets (`scrape_jobs`, for `probe`);
//!   its Go structs as field tables (`schema`: known keys, versions, which fields are secrets),
//!   one file per service discovery (`prometheus/sd/`);
//! - [`kubernetes`]: an output as Kubernetes manifests for the Prometheus Operator (a Secret
//!   for `additionalScrapeConfigs`, or ScrapeConfig resources and their credentials' Secret);
//! - [`lints`]: promvault's own findings on rendered configs (auth mistakes, literal secrets);
//! - [`check`]: the pre-commit checks over a project (vaults, records, renders, leaks);
//! - [`probe`]: scrape requests as Prometheus sends them, with a diagnosis;
//! - [`output`]: atomic, owner-only writes of files, and masked diffs;
//! - [`git`]: git plumbing (tracked files, the index snapshot, the pre-commit hook);
//! - [`git_integration`]: vaults in git: `textconv` for readable diffs, `git-setup`, the
//!   merge driver (a key-by-key merge of the decrypted vaults, [`vault::merge`]);
//! - [`scaffold`]: what `init` writes;
//! - [`hardening`]: no core dumps, a stack big enough for the parsers' own limits;
//! - [`parallel`]: independent work (environments, a text's checks) on several cores;
//! - [`yaml`]: the YAML layer: one node tree (`yaml::node`: positions, tags, the budget) read
//!   with PyYAML's rules for Ansible data (`yaml::load`), PyYAML-exact dumping, quoting, and
//!   text-preserving edits (Prometheus' yaml.v2 reading of the same tree is `prometheus::yaml`);
//! - [`data`]: the values Ansible's YAML gives (strings, numbers, lists, mappings);
//! - [`finding`]: where something is and what was found there, shown as text or JSON (a leaf);
//! - [`diagnostics`]: the error type people read, with file, line and a hint;
//! - [`colour`]: colour for findings and diffs at a terminal (`NO_COLOR` honoured);
//! - [`cli`]: the command line, which only turns arguments into calls of the above and prints.

pub mod ansible_vault;
pub mod check;
pub mod cli;
pub mod colour;
pub mod data;
pub mod diagnostics;
pub mod edit;
pub mod explain;
pub mod finding;
pub mod git;
pub mod git_integration;
pub mod hardening;
pub mod identity;
pub mod inventory;
pub mod kubernetes;
pub mod lints;
pub mod output;
pub mod parallel;
pub mod pipeline;
pub mod probe;
pub mod project;
pub mod prometheus;
pub mod publish;
pub mod recipients;
pub mod render;
pub mod sandbox;
pub mod scaffold;
pub mod secret_files;
pub mod secrets;
pub mod vars;
pub mod vault;
pub mod yaml;

pub use diagnostics::Error;
