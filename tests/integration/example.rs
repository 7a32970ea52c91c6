//! The example project shipped at the top of the repository works out of the box.

use std::path::Path;

use assert_cmd::Command;

fn in_repo(args: &[&str]) -> Command {
    let mut c = Command::new(crate::support::BIN);
    let home = tempfile::tempdir().unwrap().keep();
    c.args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env_remove("PROMVAULT_IDENTITY")
        .env_remove("PROMVAULT_AGE_KEY");
    c
}

#[test]
fn the_shipped_vaults_open_with_the_committed_demo_identity() {
    for env in ["staging", "prod"] {
        let out = in_repo(&["view", env]).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        for key in ["node_exporter_basic_auth_password", "web_service_api_key"] {
            assert!(text.contains(key), "{env}: {text}");
        }
    }
}

#[test]
fn the_demo_identity_is_marked_as_one() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("vault/demo-identity.txt"),
    )
    .unwrap();
    assert!(promvault::project::is_demo_identity(&text));
}

#[test]
fn the_shipped_example_renders_and_re_renders_identically() {
    let out_dir = tempfile::tempdir().unwrap();
    let dir = out_dir.path().to_str().unwrap();
    let first = in_repo(&["render", "--out-dir", dir]).output().unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let summary = String::from_utf8(first.stdout).unwrap();
    assert!(summary.contains("prod/prometheus.yml"), "{summary}");
    assert!(summary.contains("prod/node-prod-2/web.yml"), "{summary}");
    let prom = std::fs::read_to_string(out_dir.path().join("prod/prometheus.yml")).unwrap();
    assert!(prom.contains("type: apiKey"), "{prom}");
    let web = std::fs::read_to_string(out_dir.path().join("prod/node-prod-1/web.yml")).unwrap();
    let hash = web
        .lines()
        .last()
        .unwrap()
        .split_whitespace()
        .last()
        .unwrap();
    assert!(
        bcrypt::verify("prod-demo-node-password", hash).unwrap(),
        "{web}"
    );
    in_repo(&["render", "--out-dir", dir, "--check"])
        .assert()
        .code(0);
}
