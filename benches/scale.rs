//! How the work grows with the project: inventory loading, rendering, validation, vault
//! decryption, the masked diff and `check`, on the shipped example and on generated projects
//! (the sizes are divan arguments: scrape jobs, hosts in one group, vault keys); bcrypt's cost
//! on its own. The generated project is the one `scripts/gen-project` writes (its template
//! renders a group_vars list of jobs through `to_nice_yaml`, as the upstream Prometheus role
//! does, every password from the vault).
//!
//! `cargo bench --bench scale` runs all; `cargo bench --bench scale -- validate` one group.
//! The 100,000-job cases take seconds per sample.

use std::{
    fmt::Write as _,
    fs,
    path::{Path, PathBuf},
};

use promvault::{
    check,
    identity::{Identities, Lookup},
    inventory::{Inventory, VarLayer},
    output::diff,
    pipeline,
    project::Project,
    prometheus,
    secrets::Secrets,
    vault,
};

fn main() {
    divan::main();
}

const DEMO_RECIPIENT: &str = "age165lvrtkwgy47xaqgfagrtcsup68jz37phq4z8t4qdznze2hsjgdq79llx3";

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A generated project: `jobs` scrape jobs in group_vars, `hosts` hosts in one group (one
/// more job lists them), a vault of `vault_keys` keys. Kept until dropped.
struct Generated {
    dir: tempfile::TempDir,
}

impl Generated {
    fn new(jobs: usize, hosts: usize, vault_keys: usize) -> Generated {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for sub in ["templates", "inv/group_vars", "vault"] {
            fs::create_dir_all(root.join(sub)).unwrap();
        }
        fs::write(
            root.join("promvault.yml"),
            format!(
                "demo_identity: vault/demo-identity.txt\nrecipients:\n  - {DEMO_RECIPIENT}\nenvironments:\n  bench:\n    inventory: inv\n    vault: vault/bench.yml.age\noutputs:\n  - template: templates/prometheus.yml.j2\n    dest: \"out/{{{{ env }}}}/prometheus.yml\"\n    validate: prometheus\n"
            ),
        )
        .unwrap();
        fs::copy(
            manifest().join("vault/demo-identity.txt"),
            root.join("vault/demo-identity.txt"),
        )
        .unwrap();
        fs::write(
            root.join("templates/prometheus.yml.j2"),
            "global:\n  scrape_interval: 15s\nscrape_configs:\n  - job_name: hosts\n    static_configs:\n      - targets:\n{% for host in groups['targets'] %}\n          - \"{{ hostvars[host]['ansible_host'] }}:9100\"\n{% endfor %}\n  {{ prometheus_scrape_configs | to_nice_yaml(indent=2, sort_keys=False) | indent(2, False) }}\n",
        )
        .unwrap();
        let mut inv = String::from("all:\n  children:\n    targets:\n      hosts:\n");
        for i in 0..hosts {
            writeln!(
                inv,
                "        host-{i}:\n          ansible_host: host-{i}.example.internal"
            )
            .unwrap();
        }
        fs::write(root.join("inv/hosts.yml"), inv).unwrap();
        fs::write(root.join("inv/group_vars/all.yml"), jobs_yaml(jobs)).unwrap();
        let mut plain = String::from("vault_password: \"s3cr3t-scrape-password\"\n");
        for i in 1..vault_keys {
            writeln!(plain, "vault_key_{i}: \"value-{i}-of-the-vault\"").unwrap();
        }
        // with its record, as promvault writes a vault (`check` stops at a vault without one)
        vault::write(
            &root.join("vault/bench.yml.age"),
            "vault/bench.yml.age",
            plain.as_bytes(),
            &[DEMO_RECIPIENT.to_string()],
        )
        .unwrap();
        Generated { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }
}

/// The group_vars list of `n` scrape jobs.
fn jobs_yaml(n: usize) -> String {
    let mut out = String::from("prometheus_scrape_configs:\n");
    for i in 0..n {
        write!(
            out,
            "  - job_name: \"job-{i}\"\n    scheme: https\n    basic_auth:\n      username: scraper\n      password: \"{{{{ vault_password }}}}\"\n    relabel_configs:\n      - source_labels: [__address__]\n        regex: '(.*):\\\\d+'\n        target_label: host\n    static_configs:\n      - targets: [\"app-{i}.example.com:8443\"]\n        labels:\n          team: \"team-{}\"\n",
            i % 17
        )
        .unwrap();
    }
    out
}

fn identities(root: &Path) -> Identities {
    Lookup {
        explicit: vec![root.join("vault/demo-identity.txt")],
        ..Lookup::default()
    }
    .load()
    .unwrap()
}

/// One environment rendered and validated, as `render` does it.
fn render_validate(project: &Project, ids: &Identities, validate: bool) -> Vec<pipeline::Rendered> {
    let extra = VarLayer::new();
    let options = pipeline::Options {
        extra: &extra,
        out_dir: None,
        validate,
        version: prometheus::Version::V3,
        selection: &pipeline::Selection::ALL,
    };
    let prepared = pipeline::prepare(project, &project.environments(), ids, &options).unwrap();
    assert!(
        prepared.findings.is_empty(),
        "{:?}",
        prepared.findings.first()
    );
    prepared.rendered
}

const JOBS: &[usize] = &[1_000, 10_000, 100_000];
const HOSTS: &[usize] = &[1_000, 10_000];

/// The shipped example: every environment rendered and validated. Its web configs' bcrypt
/// hashes are computed in the first sample only (a process hashes each password once), so
/// the slowest sample is what one `promvault render` pays.
#[divan::bench(sample_count = 20)]
fn example_render_validate(bencher: divan::Bencher) {
    let project = Project::load(manifest()).unwrap();
    let ids = identities(manifest());
    bencher.bench_local(|| render_validate(&project, &ids, true).len());
}

/// The shipped example's `check` (vaults, records, renders with stand-ins, leak scan of the
/// project's own files).
#[divan::bench(sample_count = 10)]
fn example_check(bencher: divan::Bencher) {
    let project = Project::load(manifest()).unwrap();
    let ids = identities(manifest());
    let scan: Vec<PathBuf> = vec![
        "promvault.yml".into(),
        "templates/prometheus.yml.j2".into(),
        "inventories/prod/hosts.yml".into(),
    ];
    bencher.bench_local(|| check::run(&project, &scan, Some(&ids)).findings.len());
}

/// Loading an inventory whose group_vars hold `n` scrape jobs.
#[divan::bench(args = JOBS, sample_count = 3)]
fn inventory_jobs(bencher: divan::Bencher, n: usize) {
    let g = Generated::new(n, 10, 1);
    let inv = g.root().join("inv");
    bencher.bench_local(|| Inventory::load(&inv, g.root()).unwrap());
}

/// Loading an inventory of `n` hosts in one group.
#[divan::bench(args = HOSTS, sample_count = 5)]
fn inventory_hosts(bencher: divan::Bencher, n: usize) {
    let g = Generated::new(10, n, 1);
    let inv = g.root().join("inv");
    bencher.bench_local(|| Inventory::load(&inv, g.root()).unwrap());
}

/// Rendering `n` jobs without validation (`render --no-validate`).
#[divan::bench(args = JOBS, sample_count = 3)]
fn render_jobs(bencher: divan::Bencher, n: usize) {
    let g = Generated::new(n, 10, 1);
    let project = Project::load(g.root()).unwrap();
    let ids = identities(g.root());
    bencher.bench_local(|| render_validate(&project, &ids, false).len());
}

/// Rendering and validating `n` jobs (what `render` does before writing).
#[divan::bench(args = JOBS, sample_count = 3)]
fn render_validate_jobs(bencher: divan::Bencher, n: usize) {
    let g = Generated::new(n, 10, 1);
    let project = Project::load(g.root()).unwrap();
    let ids = identities(g.root());
    bencher.bench_local(|| render_validate(&project, &ids, true).len());
}

/// Rendering for `n` hosts in one group (a job lists them all through `hostvars`).
#[divan::bench(args = HOSTS, sample_count = 3)]
fn render_validate_hosts(bencher: divan::Bencher, n: usize) {
    let g = Generated::new(10, n, 1);
    let project = Project::load(g.root()).unwrap();
    let ids = identities(g.root());
    bencher.bench_local(|| render_validate(&project, &ids, true).len());
}

/// promtool's rules alone (`check config --syntax-only`) on the rendered `n` jobs.
#[divan::bench(args = JOBS, sample_count = 3)]
fn validate_jobs(bencher: divan::Bencher, n: usize) {
    let g = Generated::new(n, 10, 1);
    let project = Project::load(g.root()).unwrap();
    let ids = identities(g.root());
    let rendered = render_validate(&project, &ids, false);
    let text = String::from_utf8(rendered[0].bytes.clone()).unwrap();
    bencher.bench_local(|| {
        let findings = prometheus::check_config(&text, prometheus::Version::V3);
        assert!(findings.is_empty());
    });
}

/// Opening a vault of `n` keys (decrypting and reading it as Ansible does).
#[divan::bench(args = [1_000, 10_000, 100_000], sample_count = 5)]
fn vault_keys(bencher: divan::Bencher, n: usize) {
    let g = Generated::new(1, 1, n);
    let project = Project::load(g.root()).unwrap();
    let ids = identities(g.root());
    let env = project.environment("bench").unwrap();
    bencher.bench_local(|| pipeline::vault_layer(&project, &env, &ids).unwrap().len());
}

/// Only decrypting a vault of `n` keys (30: about 1 KB of plaintext, 300,000: about 13 MB), as
/// every command that opens one does (`view` prints this): reading, de-armoring with the
/// canonical-armor check, decrypting.
#[divan::bench(args = [30, 30_000, 300_000], sample_count = 10)]
fn vault_decrypt(bencher: divan::Bencher, n: usize) {
    let g = Generated::new(1, 1, n);
    let ids = identities(g.root());
    let path = g.root().join("vault/bench.yml.age");
    bencher.bench_local(|| vault::decrypt(&path, "vault", &ids, &[]).unwrap().len());
}

/// The masked diff of `n` rendered jobs against the same with every password changed (not
/// 100,000: still superlinear, it would take minutes per sample; see docs/performance.md).
#[divan::bench(args = [1_000, 10_000], sample_count = 3)]
fn diff_jobs(bencher: divan::Bencher, n: usize) {
    let g = Generated::new(n, 10, 1);
    let project = Project::load(g.root()).unwrap();
    let ids = identities(g.root());
    let new = render_validate(&project, &ids, false).remove(0).bytes;
    let old = String::from_utf8(new.clone())
        .unwrap()
        .replace("s3cr3t-scrape-password", "old-scrape-password");
    let secrets = Secrets::from_pairs([("vault_password", "s3cr3t-scrape-password")]);
    let masker = diff::Masker::new(&secrets);
    bencher
        .bench_local(|| diff::unified(&masker, "prometheus.yml", Some(old.as_bytes()), &new).len());
}

/// `check` on a generated project of `n` jobs (the renders it makes included).
#[divan::bench(args = JOBS, sample_count = 3)]
fn check_jobs(bencher: divan::Bencher, n: usize) {
    let g = Generated::new(n, 10, 1);
    let project = Project::load(g.root()).unwrap();
    let ids = identities(g.root());
    let scan: Vec<PathBuf> = vec!["promvault.yml".into(), "templates/prometheus.yml.j2".into()];
    // the environment is rendered and checked, not stopped at its vault
    let report = check::run(&project, &scan, Some(&ids));
    assert!(report.findings.is_empty(), "{:?}", report.findings.first());
    assert_eq!(report.files_scanned, scan.len());
    bencher.bench_local(|| check::run(&project, &scan, Some(&ids)).findings.len());
}

/// bcrypt at Ansible's default cost (`password_hash('bcrypt')`: 12 rounds), apart from
/// everything else: a web config with one user pays it once per render (each password, salt
/// and cost is hashed once per process: every sample hashes a password of its own).
#[divan::bench(args = [10, 12], sample_count = 3)]
fn bcrypt_rounds(n: u32) -> String {
    static SAMPLE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let i = SAMPLE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    promvault::render::python::passlib_bcrypt(
        format!("s3cr3t-scrape-password-{i}").as_bytes(),
        "abcdefghijklmnopqrstuu",
        n,
        "2b",
    )
    .unwrap()
}
