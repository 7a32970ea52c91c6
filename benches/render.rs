//! Rendering speed: the shipped example, and a generated config with 10,000 scrape jobs
//! (a group_vars list rendered through `to_nice_yaml`, as the upstream Prometheus role does,
//! each job's password templated from the vault), and validating a 10,000-job config as
//! promtool would. Run with `cargo bench --bench render`.

use std::{fs, path::Path, sync::Arc};

use promvault::{
    data::Data,
    identity::Lookup,
    inventory::{Inventory, Origin, Var, VarLayer},
    pipeline,
    project::Project,
    prometheus, render,
    vars::{Play, Shared},
};

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 20)]
fn shipped_example(bencher: divan::Bencher) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let project = Project::load(root).unwrap();
    let ids = Lookup {
        explicit: vec![root.join("vault/demo-identity.txt")],
        ..Lookup::default()
    }
    .load()
    .unwrap();
    bencher.bench_local(|| {
        let mut n = 0;
        for env in project.environments() {
            let vault = pipeline::vault_layer(&project, &env, &ids).unwrap();
            n += pipeline::render_environment(&project, &env, vault, &VarLayer::new(), None, false)
                .unwrap()
                .0
                .len();
        }
        n
    });
}

const JOBS: usize = 10_000;

/// A project folder with an inventory whose group_vars hold 10,000 scrape jobs.
fn big_inventory(dir: &Path) {
    let mut vars = String::from("prometheus_scrape_configs:\n");
    for i in 0..JOBS {
        vars.push_str(&format!(
            "  - job_name: \"job-{i}\"\n    scheme: https\n    basic_auth:\n      username: scraper\n      password: \"{{{{ vault_password }}}}\"\n    static_configs:\n      - targets: [\"app-{i}.example.com:8443\"]\n        labels:\n          team: \"team-{}\"\n",
            i % 17
        ));
    }
    fs::create_dir_all(dir.join("group_vars")).unwrap();
    fs::write(dir.join("group_vars/all.yml"), vars).unwrap();
    fs::write(dir.join("hosts.yml"), "all:\n  hosts:\n    localhost:\n").unwrap();
}

#[divan::bench(sample_count = 5)]
fn ten_thousand_jobs(bencher: divan::Bencher) {
    let dir = tempfile::tempdir().unwrap();
    big_inventory(dir.path());
    let template = "global:\n  scrape_interval: 15s\nscrape_configs:\n  {{ prometheus_scrape_configs | to_nice_yaml(indent=2, sort_keys=False) | indent(2, False) }}\n";
    let mut vault = VarLayer::new();
    vault.insert(
        "vault_password".to_string(),
        Var {
            data: Data::Unsafe("s3cr3t: #1".to_string()),
            origin: Origin {
                file: "vault".to_string(),
                line: None,
            },
        },
    );
    bencher.bench_local(|| {
        let inventory = Arc::new(Inventory::load(dir.path(), dir.path()).unwrap());
        let env = Arc::new(render::environment(&render::Settings::default()).unwrap());
        let shared = Shared::new(
            Play {
                env_name: "bench".to_string(),
                inventory,
                defaults: VarLayer::new(),
                vault: vault.clone(),
                extra: VarLayer::new(),
                play_hosts: vec!["localhost".to_string()],
                hash_key: Vec::new(),
                quick_hashes: false,
                project_root: String::new(),
                inventory_dir: String::new(),
            },
            env,
        );
        let scope = shared.scope("localhost", true);
        render::render(&shared, &scope, "prometheus.yml.j2", template)
            .unwrap()
            .len()
    });
}

/// promtool-equivalent validation of a 10,000-job configuration (and the lints).
#[divan::bench(sample_count = 5)]
fn validate_ten_thousand_jobs(bencher: divan::Bencher) {
    let mut config = String::from("global:\n  scrape_interval: 15s\nscrape_configs:\n");
    for i in 0..JOBS {
        config.push_str(&format!(
            "  - job_name: job-{i}\n    scheme: https\n    basic_auth:\n      username: scraper\n      password: \"s3cr3t\"\n    relabel_configs:\n      - source_labels: [__address__]\n        regex: '(.*):\\d+'\n        target_label: host\n    static_configs:\n      - targets: [\"app-{i}.example.com:8443\"]\n        labels:\n          team: team-{}\n",
            i % 17
        ));
    }
    bencher.bench_local(|| {
        let findings = prometheus::check_config(&config, prometheus::Version::V3);
        assert!(findings.is_empty(), "{:?}", findings.first());
        findings.len()
    });
}

/// The whole pipeline `render` and `check` run on 10,000 jobs that each carry the vault's
/// password: render, validate, lint, and decide by provenance (a second render) that every
/// credential comes from the vault. (A per-finding re-read of the output once made this take
/// minutes.)
#[divan::bench(sample_count = 3)]
fn render_and_validate_ten_thousand_credentials(bencher: divan::Bencher) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("templates")).unwrap();
    fs::create_dir_all(root.join("inv")).unwrap();
    fs::write(
        root.join("promvault.yml"),
        "recipients: [age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p]\nenvironments:\n  e:\n    inventory: inv\noutputs:\n  - template: templates/p.j2\n    dest: out/prometheus.yml\n",
    )
    .unwrap();
    fs::write(
        root.join("inv/hosts.yml"),
        "all:\n  hosts:\n    localhost:\n",
    )
    .unwrap();
    fs::write(
        root.join("templates/p.j2"),
        format!("scrape_configs:\n{{% for i in range({JOBS}) %}}\n  - job_name: job{{{{ i }}}}\n    basic_auth: {{username: u, password: {{{{ pw | to_json }}}}}}\n    static_configs: [{{targets: [\"h{{{{ i }}}}:9100\"]}}]\n{{% endfor %}}\n"),
    )
    .unwrap();
    let project = Project::load(root).unwrap();
    let env = project.environment("e").unwrap();
    let mut vault = VarLayer::new();
    vault.insert(
        "pw".to_string(),
        Var {
            data: Data::Str("s3cr3t-pw".to_string()),
            origin: Origin {
                file: "vault".to_string(),
                line: None,
            },
        },
    );
    bencher.bench_local(|| {
        let validated = pipeline::render_and_validate(
            &project,
            &env,
            &vault,
            &VarLayer::new(),
            None,
            false,
            prometheus::Version::V3,
        )
        .unwrap();
        assert!(
            validated.findings.is_empty(),
            "{:?}",
            validated.findings.first()
        );
        validated.rendered.len()
    });
}
