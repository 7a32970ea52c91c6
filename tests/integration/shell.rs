//! What promvault gives the shell: `promvault man`, a roff page that groff and man render,
//! with every command.

use std::{fs, process::Command};

use clap::CommandFactory;

use crate::support::{require, stderr, stdout, Sandbox};

/// Every command path of the command line, `promvault render`, `promvault hook install`...
fn command_paths(cmd: &clap::Command, prefix: &str, out: &mut Vec<String>) {
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        let path = format!("{prefix} {}", sub.get_name());
        out.push(path.clone());
        command_paths(sub, &path, out);
    }
}

#[test]
fn the_man_page_is_roff_that_groff_and_man_render_with_every_command() {
    require("groff");
    require("man");
    let sb = Sandbox::empty();
    let out = sb.cmd(&["man"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let page = out.stdout;
    let roff = String::from_utf8(page.clone()).unwrap();
    assert_eq!(roff.matches("\n.TH promvault 1 ").count(), 1, "{roff}");

    // groff with every warning on: valid roff renders without a single one.
    let mut groff = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-rLL=100n"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        groff.stdin.take().unwrap().write_all(&page).unwrap();
    }
    let rendered = groff.wait_with_output().unwrap();
    assert!(rendered.status.success(), "{}", stderr(&rendered));
    assert_eq!(stderr(&rendered), "", "groff warns about the page");
    // The text without groff's bold/underline overstrikes.
    let text = regex_lite::Regex::new(".\x08")
        .unwrap()
        .replace_all(&stdout(&rendered), "")
        .into_owned();

    let mut paths = Vec::new();
    command_paths(&promvault::cli::Cli::command(), "promvault", &mut paths);
    assert!(paths.len() >= 15, "{paths:?}");
    for path in &paths {
        assert!(
            text.contains(path.as_str()),
            "the man page lacks `{path}`:\n{text}"
        );
    }
    for option in [
        "--out-dir",
        "--staged",
        "--keep-newline",
        "--vault-password-file",
    ] {
        assert!(text.contains(option), "{option}:\n{text}");
    }

    // Installed as the README says, `man promvault` shows it.
    let man1 = sb.home.join(".local/share/man/man1");
    fs::create_dir_all(&man1).unwrap();
    fs::write(man1.join("promvault.1"), &page).unwrap();
    let shown = Command::new("man")
        .args(["-P", "cat", "promvault"])
        .env("MANPATH", sb.home.join(".local/share/man"))
        .env("MANWIDTH", "100")
        .env("HOME", &sb.home)
        .output()
        .unwrap();
    assert!(shown.status.success(), "{}", stderr(&shown));
    let shown = regex_lite::Regex::new(".\x08")
        .unwrap()
        .replace_all(&stdout(&shown), "")
        .into_owned();
    assert!(shown.contains("promvault import-ansible-vault"), "{shown}");
}
