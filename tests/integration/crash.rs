//! Crash safety: SIGKILL at many instants during `set`, `render` and `rekey` leaves every file
//! as it was or as it would have been, never half of one, and every vault opens.

use std::{fs, process::Stdio, time::Duration};

use crate::support::{stderr, Sandbox};

/// A fixed pseudo-random sequence of delays (0 to 40 ms), so a failure can be replayed.
fn delays(seed: u64, n: usize) -> Vec<Duration> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            Duration::from_micros(x % 40_000)
        })
        .collect()
}

fn kill_after(sb: &Sandbox, args: &[&str], stdin: Option<&str>, delay: Duration) {
    let mut child = sb
        .std_cmd(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    if let Some(text) = stdin {
        use std::io::Write as _;
        let _ = child.stdin.take().unwrap().write_all(text.as_bytes());
    }
    std::thread::sleep(delay);
    let _ = child.kill();
    child.wait().unwrap();
}

fn project() -> Sandbox {
    let sb = Sandbox::new();
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}outputs:\n  - template: templates/out.j2\n    dest: \"out/{{{{ env }}}}/out.txt\"\n"),
    );
    sb.write(
        "templates/out.j2",
        "{% for i in range(2000) %}marker {{ marker }} line {{ i }}\n{% endfor %}",
    );
    sb.write(
        "inventories/prod/hosts.yml",
        "all:\n  hosts:\n    localhost:\n",
    );
    sb.write(
        "inventories/staging/hosts.yml",
        "all:\n  hosts:\n    localhost:\n",
    );
    sb.set("prod", "start", "1");
    sb.set("staging", "start", "1");
    sb
}

fn full_output(marker: usize) -> String {
    (0..2000)
        .map(|i| format!("marker {marker} line {i}\n"))
        .collect()
}

#[test]
fn sigkill_at_any_instant_leaves_old_or_new_files() {
    let sb = project();
    let mut kills = 0;
    // set: 100 kills; each key is either there with its whole value, or not there
    for (i, delay) in delays(7, 100).into_iter().enumerate() {
        let key = format!("k{i}");
        kill_after(
            &sb,
            &["set", "prod", &key],
            Some(&format!("value-{i}")),
            delay,
        );
        kills += 1;
        let out = sb.cmd(&["view", "prod"]).output().unwrap();
        assert!(out.status.success(), "after kill {kills}: {}", stderr(&out));
        let all = String::from_utf8_lossy(&out.stdout).into_owned();
        let line = all.lines().find(|l| l.starts_with(&format!("{key}:")));
        if let Some(line) = line {
            assert_eq!(line, format!("{key}: \"value-{i}\""));
        }
    }
    // render: 60 kills; the output is a whole earlier or later render
    sb.cmd(&["render", "prod", "-e", "marker=0"])
        .assert()
        .success();
    let mut last = 0;
    for (i, delay) in delays(11, 60).into_iter().enumerate() {
        let marker = i + 1;
        kill_after(
            &sb,
            &["render", "prod", "-e", &format!("marker={marker}")],
            None,
            delay,
        );
        kills += 1;
        let text = fs::read_to_string(sb.path("out/prod/out.txt")).unwrap();
        if text == full_output(marker) {
            last = marker;
        } else {
            assert_eq!(text, full_output(last), "after kill {kills}: half a file");
        }
    }
    // the next render leaves no temporary file of a killed one behind
    sb.cmd(&["render", "prod", "-e", "marker=999"])
        .assert()
        .success();
    let left: Vec<_> = fs::read_dir(sb.path("out/prod"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["out.txt"], "temporary files left: {left:?}");
    // rekey: 40 kills; both vaults always open
    for delay in delays(13, 40) {
        kill_after(&sb, &["rekey", "--force"], None, delay);
        kills += 1;
        for env in ["prod", "staging"] {
            let out = sb.cmd(&["view", env, "start"]).output().unwrap();
            assert!(out.status.success(), "after kill {kills}: {}", stderr(&out));
            assert_eq!(String::from_utf8_lossy(&out.stdout), "1");
        }
    }
    assert!(kills >= 200);
    // no temporary vault file survives the next write either
    sb.set("prod", "after", "x");
    let left: Vec<_> = fs::read_dir(sb.path("vault"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// A project with one environment, `prod`, and one output using its variable `a`.
fn one_environment() -> Sandbox {
    let sb = Sandbox::new();
    sb.write(
        "promvault.yml",
        &format!("recipients:\n  - {}\nenvironments:\n  prod:\n    vault: vault/prod.yml.age\noutputs:\n  - template: templates/out.j2\n    dest: \"out/{{{{ env }}}}/out.txt\"\n", sb.recipient),
    );
    sb.write(
        "inventories/prod/hosts.yml",
        "all:\n  hosts:\n    localhost:\n",
    );
    sb.write("templates/out.j2", "a={{ a }}\n");
    sb
}

/// `check`'s stdout and exit code.
fn check(sb: &Sandbox, identity: Option<&std::path::Path>) -> (Option<i32>, String) {
    let mut cmd = sb.cmd(&["check"]);
    if let Some(identity) = identity {
        cmd.env("PROMVAULT_IDENTITY", identity);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out)),
    )
}

/// A kill between the vault write and the record write, as a promvault without pending
/// records (or another tool) leaves it: the new vault, the old record. With a key, `check`
/// says the vault is genuine and the record stale; without one, that it cannot tell an
/// interrupted write from tampering. `render` works; the next `set` repairs the record.
#[test]
fn a_vault_newer_than_its_record_is_reported_honestly_and_repaired_by_the_next_set() {
    let sb = one_environment();
    sb.set("prod", "a", "first");
    let (code, all) = check(&sb, None);
    assert_eq!(code, Some(0), "{all}");
    let old_record = sb.read("vault/prod.yml.age.recipients");
    sb.set("prod", "a", "second");
    fs::write(sb.path("vault/prod.yml.age.recipients"), &old_record).unwrap();

    let (code, all) = check(&sb, None);
    assert_eq!(code, Some(1), "{all}");
    assert!(all.contains("vault-record-stale"), "{all}");
    assert!(
        all.contains("the vault opens with your identity, but its record describes another file"),
        "{all}"
    );
    assert!(all.contains("promvault rekey prod"), "{all}");
    assert!(!all.contains("tamper"), "{all}");

    let (other, _) = sb.other_identity("other.txt");
    let (code, all) = check(&sb, Some(&other));
    assert_eq!(code, Some(1), "{all}");
    assert!(
        all.contains(
            "cannot be told from a vault changed by something else (age -e, a merge, tampering)"
        ),
        "{all}"
    );
    assert!(all.contains("someone who can open it"), "{all}");

    sb.cmd(&["render", "prod"]).assert().success();
    assert_eq!(
        fs::read_to_string(sb.path("out/prod/out.txt")).unwrap(),
        "a=second\n"
    );
    sb.set("prod", "b", "x");
    let (code, all) = check(&sb, None);
    assert_eq!(code, Some(0), "{all}");
    assert!(!all.contains("vault-record"), "{all}");
}

/// A kill between the vault write and the record write as promvault now writes them: the
/// record already holds the new file's record as `pending`, so even without a key `check`
/// knows the vault is the file promvault wrote (a warning, not an error), and a kill before
/// the vault write leaves the old vault, which `check` says too. The next `set` completes it.
#[test]
fn a_kill_between_the_vault_and_its_record_leaves_a_pending_record_check_accepts() {
    let sb = one_environment();
    sb.set("prod", "a", "first");
    let before = String::from_utf8(sb.read("vault/prod.yml.age.recipients")).unwrap();
    let old_vault = sb.read("vault/prod.yml.age");
    sb.set("prod", "a", "second");
    sb.set("prod", "c", "third");
    let after = String::from_utf8(sb.read("vault/prod.yml.age.recipients")).unwrap();
    // the record as it stands between the vault write and the record write
    let pending: String = after
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("  {l}\n"))
        .collect();
    let interrupted = format!("{before}pending:\n{pending}");
    fs::write(sb.path("vault/prod.yml.age.recipients"), &interrupted).unwrap();
    let (other, _) = sb.other_identity("other.txt");
    for identity in [None, Some(other.as_path())] {
        let (code, all) = check(&sb, identity);
        assert_eq!(code, Some(0), "{all}");
        assert!(all.contains("vault-record-unfinished"), "{all}");
        assert!(!all.contains("vault-record-stale"), "{all}");
    }
    // killed before the vault write: the old vault, whole
    fs::write(sb.path("vault/prod.yml.age"), &old_vault).unwrap();
    let (code, all) = check(&sb, Some(&other));
    assert_eq!(code, Some(0), "{all}");
    assert!(all.contains("vault-write-interrupted"), "{all}");
    assert_eq!(sb.view(&["prod", "a"]), "first");
    // the next write completes the record
    sb.set("prod", "a", "second-value-7");
    let record = String::from_utf8(sb.read("vault/prod.yml.age.recipients")).unwrap();
    assert!(!record.contains("pending"), "{record}");
    let (code, all) = check(&sb, None);
    assert_eq!(code, Some(0), "{all}");
    assert!(!all.contains("vault-"), "{all}");
}
