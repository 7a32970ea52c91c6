//! Changes at the same time: two `set`s on one vault never lose an update.

use std::process::Stdio;

use crate::support::Sandbox;

#[test]
fn concurrent_sets_on_one_vault_lose_no_update() {
    let sb = Sandbox::new();
    sb.set("prod", "first", "1");
    let pairs = 50;
    for i in 0..pairs {
        let spawn = |key: String| {
            let mut child = sb
                .std_cmd(&["set", "prod", &key])
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write as _;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(format!("value-{key}").as_bytes())
                .unwrap();
            child
        };
        // both started before either finishes
        let a = spawn(format!("a{i}"));
        let b = spawn(format!("b{i}"));
        for child in [a, b] {
            let out = child.wait_with_output().unwrap();
            sb.collect(&["set", "prod"], &out);
            assert!(
                out.status.success(),
                "pair {i}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let all = sb.view(&["prod"]);
    for i in 0..pairs {
        for side in ["a", "b"] {
            let key = format!("{side}{i}");
            assert!(
                all.contains(&format!("{key}: \"value-{key}\"")),
                "{key} was lost:\n{all}"
            );
        }
    }
    // the vault's record is current: check finds nothing stale
    let out = sb.cmd(&["check"]).output().unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("vault-record-stale"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
