//! Templates written for Ansible's template module render here to the same bytes: every case
//! in tests/data/ansible/cases (real ansible-core 2.19 output in `expected.out`, or the error
//! Ansible failed with in `expected.err`) is rendered by promvault in a temporary project with
//! the case's inventory, role defaults and vault (encrypted here), for the case's host.

use std::{
    fs,
    path::{Path, PathBuf},
};

use crate::support::{stderr, Sandbox};

fn cases() -> Vec<PathBuf> {
    cases_in("tests/data/ansible/cases")
}

fn cases_in(rel: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let mut cases: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    cases
}

/// The host the case's play targets (`- hosts: NAME` in render.yml).
fn play_host(case: &Path) -> String {
    let play = fs::read_to_string(case.join("render.yml")).unwrap();
    play.lines()
        .find_map(|l| l.trim().strip_prefix("- hosts:"))
        .map(|h| h.trim().to_string())
        .expect("render.yml names its hosts")
}

/// Sets up the case as a promvault project and runs `render --stdout`.
fn render_case(case: &Path) -> (Sandbox, std::process::Output) {
    let sb = Sandbox::new();
    crate::support::copy_dir(&case.join("inventory"), &sb.path("inventory"));
    fs::copy(case.join("template.j2"), sb.path("template.j2")).unwrap();
    let defaults = case.join("defaults/main.yml");
    let defaults_line = if defaults.exists() {
        crate::support::copy_dir(&case.join("defaults"), &sb.path("defaults"));
        "    defaults: [defaults/main.yml]\n"
    } else {
        ""
    };
    sb.write(
        "promvault.yml",
        &format!(
            "recipients: [{}]\nenvironments:\n  case:\n    inventory: inventory\n    vault: vault/case.yml.age\noutputs:\n  - template: template.j2\n    dest: out/expected.out\n    hosts: {}\n    validate: none\n{defaults_line}",
            sb.recipient,
            play_host(case)
        ),
    );
    fs::copy(case.join("vault.yml"), sb.path("vault.yml")).unwrap();
    sb.cmd(&["encrypt", "vault.yml", "-o", "vault/case.yml.age"])
        .assert()
        .success();
    fs::remove_file(sb.path("vault.yml")).unwrap();
    // extra variables (`-e @extra.yml`), in the cases that have them
    let extra = case.join("extra.yml");
    let extra_arg = format!("@{}", extra.display());
    let mut args = vec!["render", "case", "--stdout"];
    if extra.exists() {
        args.extend(["-e", extra_arg.as_str()]);
    }
    let out = sb.cmd(&args).output().unwrap();
    (sb, out)
}

fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) =
        (expected.split('\n').collect(), actual.split('\n').collect());
    for i in 0..e.len().max(a.len()) {
        if e.get(i) != a.get(i) {
            return format!(
                "first difference at line {}:\n  expected: {:?}\n  actual:   {:?}",
                i + 1,
                e.get(i).unwrap_or(&"<end>"),
                a.get(i).unwrap_or(&"<end>")
            );
        }
    }
    "(they differ only in their final newline)".to_string()
}

#[test]
fn every_ansible_case_renders_to_ansibles_bytes() {
    let mut failures = Vec::new();
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let (_sb, out) = render_case(&case);
        if case.join("expected.err").exists() {
            if out.status.code() != Some(2) {
                failures.push(format!(
                    "{name}: Ansible failed here, promvault exited {:?}",
                    out.status.code()
                ));
            }
            continue;
        }
        let expected = fs::read_to_string(case.join("expected.out")).unwrap();
        if !out.status.success() {
            failures.push(format!("{name}: render failed: {}", stderr(&out)));
            continue;
        }
        let actual = String::from_utf8_lossy(&out.stdout).to_string();
        if actual != expected {
            failures.push(format!("{name}: {}", first_difference(&expected, &actual)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The generated corpus (tests/data/ansible-generated): hundreds of one-aspect cases rendered
/// by real Ansible. Every case must match byte for byte, except the listed known differences,
/// which must still differ (so the list stays true).
#[test]
fn generated_ansible_cases_render_to_ansibles_bytes() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ansible-generated");
    let known: Vec<String> = fs::read_to_string(root.join("known-differences.txt"))
        .unwrap()
        .lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let cases = cases_in("tests/data/ansible-generated/cases");
    assert!(cases.len() > 500, "the corpus is there");
    let results = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(case) = cases.get(i) else { break };
                let name = case.file_name().unwrap().to_string_lossy().to_string();
                let (_sb, out) = render_case(case);
                let actual = String::from_utf8_lossy(&out.stdout).to_string();
                // Ansible failed on this case (its message in expected.err): so must promvault
                let verdict = if case.join("expected.err").exists() {
                    if out.status.code() == Some(2) {
                        Ok(())
                    } else {
                        Err(format!(
                            "Ansible failed here, promvault exited {:?}",
                            out.status.code()
                        ))
                    }
                } else if !out.status.success() {
                    Err(format!(
                        "render failed: {}",
                        stderr(&out).lines().next().unwrap_or("")
                    ))
                } else if let Some(e) = fs::read_to_string(case.join("expected.out"))
                    .ok()
                    .filter(|expected| *expected != actual)
                {
                    Err(first_difference(&e, &actual))
                } else {
                    Ok(())
                };
                results.lock().unwrap().push((name, verdict));
            });
        }
    });
    let mut failures = Vec::new();
    let mut matched = 0;
    for (name, verdict) in results.into_inner().unwrap() {
        match (verdict, known.contains(&name)) {
            (Ok(()), false) => matched += 1,
            (Ok(()), true) => failures.push(format!(
                "{name}: now matches; remove it from known-differences.txt"
            )),
            (Err(e), false) => failures.push(format!("{name}: {e}")),
            (Err(_), true) => {}
        }
    }
    failures.sort();
    assert!(
        failures.is_empty(),
        "{} of {} cases:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert!(matched + known.len() >= cases.len(), "{matched} matched");
}
