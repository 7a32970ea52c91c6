//! Shell completion: clap_complete's dynamic completion. The script `promvault completions
//! SHELL` prints asks promvault itself for the candidates at each TAB (`COMPLETE=SHELL
//! promvault -- WORDS...`), so environment arguments complete to the environments of the
//! promvault.yml found from the current folder.

use std::io::{self, Write};

use clap_complete::engine::CompletionCandidate;
use clap_complete::env::EnvCompleter;

use crate::project::Project;

/// The variable that turns a run of promvault into a completion request (clap's default).
pub const VAR: &str = "COMPLETE";

/// Answers a completion request and exits, when this run is one (`COMPLETE` is set).
pub fn answer_if_asked() {
    clap_complete::CompleteEnv::with_factory(<super::Cli as clap::CommandFactory>::command)
        .var(VAR)
        .complete();
}

/// The environments of the project found from the current folder (none outside a project or
/// when its promvault.yml has an error: completion never prints one).
#[must_use]
pub fn environments() -> Vec<CompletionCandidate> {
    Project::discover(None)
        .map(|p| {
            p.environment_names()
                .into_iter()
                .map(CompletionCandidate::new)
                .collect()
        })
        .unwrap_or_default()
}

/// The output names of the project found from the current folder (`render --output`).
#[must_use]
pub fn outputs() -> Vec<CompletionCandidate> {
    Project::discover(None)
        .map(|p| {
            p.output_names()
                .into_iter()
                .map(CompletionCandidate::new)
                .collect()
        })
        .unwrap_or_default()
}

/// The hosts of every environment's inventory in the project found from the current folder
/// (`--host`), and `localhost`; an inventory with an error offers none.
#[must_use]
pub fn hosts() -> Vec<CompletionCandidate> {
    let Ok(project) = Project::discover(None) else {
        return Vec::new();
    };
    let mut names = vec!["localhost".to_string()];
    for env in project.environments() {
        if let Ok(inventory) = crate::inventory::Inventory::load(&env.inventory, &project.root) {
            for host in inventory.hosts.keys() {
                if !names.contains(host) {
                    names.push(host.clone());
                }
            }
        }
    }
    names.into_iter().map(CompletionCandidate::new).collect()
}

/// Writes the script that registers promvault's completion with `shell`.
///
/// # Errors
/// Writing to `out`, or a shell clap_complete has no dynamic completion for.
pub fn write_registration(shell: clap_complete::Shell, out: &mut dyn Write) -> io::Result<()> {
    use clap_complete::env::{Bash, Elvish, Fish, Powershell, Zsh};
    let completer: &dyn EnvCompleter = match shell {
        clap_complete::Shell::Bash => &Bash,
        clap_complete::Shell::Elvish => &Elvish,
        clap_complete::Shell::Fish => &Fish,
        clap_complete::Shell::PowerShell => &Powershell,
        clap_complete::Shell::Zsh => &Zsh,
        other => {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("no completion for {other}"),
            ))
        }
    };
    // `promvault` as found on PATH answers each request.
    completer.write_registration(VAR, "promvault", "promvault", "promvault", out)
}
