//! What promvault gives the shell: `promvault man` (a roff page that groff and man render, with
//! every command) and `promvault completions SHELL` (a script bash sources, completing the
//! project's environment names at each TAB by asking promvault).

use std::{fs, process::Command};

use clap::CommandFactory;

use crate::support::{self, require, stderr, stdout, Sandbox};

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

/// Asks promvault for the candidates of the last word of `words`, as the bash script does.
fn complete(sb: &Sandbox, words: &[&str]) -> Vec<String> {
    let mut args = vec!["--"];
    args.extend_from_slice(words);
    let out = sb
        .cmd(&args)
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .env("_CLAP_IFS", "\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).lines().map(str::to_string).collect()
}

#[test]
fn environment_arguments_complete_to_the_projects_environments() {
    let sb = Sandbox::new();
    for words in [
        &["promvault", "render", ""][..],
        &["promvault", "render", "staging", ""],
        &["promvault", "view", ""],
        &["promvault", "edit", ""],
        &["promvault", "set", ""],
        &["promvault", "probe", ""],
        &["promvault", "rekey", ""],
        &["promvault", "import-ansible-vault", "--env", ""],
        &["promvault", "encrypt", "--env", ""],
        &["promvault", "recipients", "add", "--env", ""],
    ] {
        let got = complete(&sb, words);
        assert!(
            got.iter().any(|c| c == "staging") && got.iter().any(|c| c == "prod"),
            "{words:?}: {got:?}"
        );
    }
    assert_eq!(complete(&sb, &["promvault", "view", "st"]), ["staging"]);
    // From a subfolder, the project above is found.
    fs::create_dir_all(sb.path("templates")).unwrap();
    let out = sb
        .cmd(&["--", "promvault", "view", "p"])
        .current_dir(sb.path("templates"))
        .env("COMPLETE", "bash")
        .env("_CLAP_COMPLETE_INDEX", "2")
        .output()
        .unwrap();
    assert_eq!(stdout(&out).trim(), "prod");
    // Commands and options complete too.
    assert!(complete(&sb, &["promvault", "ren"]).contains(&"render".to_string()));
    assert!(complete(&sb, &["promvault", "render", "--out"]).contains(&"--out-dir".to_string()));
    // Outside a project: no names (only the options), and no error.
    let outside = Sandbox::empty();
    let got = complete(&outside, &["promvault", "view", ""]);
    assert!(got.iter().all(|c| c.starts_with("--")), "{got:?}");
}

#[test]
fn bash_sources_the_completion_script_and_completes_environment_names() {
    require("bash");
    let sb = Sandbox::new();
    let bin_dir = std::path::Path::new(support::BIN).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // The completion function bash calls at a TAB after `promvault render `.
    let script = r#"set -u
source <(promvault completions bash) || exit 3
complete -p promvault || exit 4
COMP_WORDS=(promvault render "")
COMP_CWORD=2
COMP_LINE="promvault render "
COMP_POINT=${#COMP_LINE}
COMP_TYPE=9
_clap_complete_promvault promvault "" render
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let out = Command::new("bash")
        .args(["--noprofile", "--norc", "-c", script])
        .current_dir(&sb.root)
        .env("PATH", &path)
        .env("HOME", &sb.home)
        .env("XDG_CONFIG_HOME", sb.home.join(".config"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "bash complains about the script");
    let shown = stdout(&out);
    let lines: Vec<&str> = shown.lines().collect();
    assert!(lines[0].starts_with("complete "), "{shown}");
    assert!(
        lines.contains(&"staging") && lines.contains(&"prod"),
        "{shown}"
    );

    // Every shell's script is printed.
    for shell in ["bash", "elvish", "fish", "powershell", "zsh"] {
        let out = sb.cmd(&["completions", shell]).output().unwrap();
        assert!(
            out.status.success() && out.stdout.len() > 100,
            "{shell}: {}",
            stderr(&out)
        );
        assert!(stdout(&out).contains("COMPLETE"), "{shell}");
    }
}
