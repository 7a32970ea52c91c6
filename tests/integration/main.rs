//! End-to-end tests: the real `promvault` binary in temporary projects, with a private HOME,
//! config folder and temp folder each, and real peers (`age`, `ssh-keygen`) where they exist.

mod forms;
mod support;

mod age_interop;
mod ansible_cases;
mod check;
mod collector;
mod concurrency;
mod crash;
mod debug_one;
mod e2e;
mod edit;
mod example;
mod git_diff;
mod hostile;
mod identities;
mod import;
mod keys_and_init;
mod kubernetes;
mod messages;
mod one_truth;
mod pre_commit;
mod project_file;
mod promtool;
mod recipients;
mod render;
mod secret_files;
mod shell;
mod tamper;
mod terminal;
mod validate;
mod vault_commands;
