//! The real promtool (Debian package `prometheus`) accepts what the shipped example renders.

use std::{path::Path, process::Command};

use crate::support::{require, stderr};

fn promtool(args: &[&str], file: &Path) -> std::process::Output {
    Command::new("promtool")
        .args(args)
        .arg(file)
        .output()
        .unwrap()
}

#[test]
fn promtool_accepts_the_rendered_example() {
    require("promtool");
    let out_dir = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(crate::support::BIN)
        .args(["render", "--quiet", "--out-dir"])
        .arg(out_dir.path())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join(".config"))
        .env_remove("PROMVAULT_AGE_KEY")
        .env_remove("PROMVAULT_IDENTITY")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut checked = 0;
    for env in ["staging", "prod"] {
        let config = out_dir.path().join(env).join("prometheus.yml");
        let out = promtool(&["check", "config", "--syntax-only"], &config);
        assert!(
            out.status.success(),
            "{env}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(&out)
        );
        checked += 1;
        for entry in std::fs::read_dir(out_dir.path().join(env)).unwrap() {
            let web = entry.unwrap().path().join("web.yml");
            if web.exists() {
                let out = promtool(&["check", "web-config"], &web);
                assert!(
                    out.status.success(),
                    "{}: {}",
                    web.display(),
                    String::from_utf8_lossy(&out.stdout)
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 5, "2 configs and 3 web configs");
}
