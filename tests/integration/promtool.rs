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

/// A short differential run (`tests/differential/promtool/`): mutated configs judged by the
/// real promtool 2.42 and by promvault's validator (`examples/validate.rs`, which
/// `cargo test` builds), with a fixed seed. All must agree (400/400 since the null spellings,
/// integer-field floats and Go regex group names follow Go; see the harness's README).
#[test]
fn promtool_differential_short_run() {
    require("promtool");
    require("python3");
    // target/debug/deps/integration-… → target/debug/examples/validate
    let exe = std::env::current_exe().unwrap();
    let validator = exe
        .parent()
        .and_then(Path::parent)
        .unwrap()
        .join("examples")
        .join(format!("validate{}", std::env::consts::EXE_SUFFIX));
    assert!(
        validator.exists(),
        "{} is missing: `cargo test` builds it, or run `cargo build --example validate`",
        validator.display()
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("python3")
        .arg(root.join("tests/differential/promtool/mutate.py"))
        .args([
            "--seed", "1", "--count", "400", "--jobs", "2", "--shrink", "0",
        ])
        .args(["--min-agreement", "1.0", "--promvault"])
        .arg(&validator)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}");
    assert!(out.status.success(), "{stdout}{}", stderr(&out));
    assert!(stdout.contains("agree "), "{stdout}");
}
