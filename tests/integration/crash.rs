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
