//! The story the product comes from, for real on 127.0.0.1: a node_exporter behind basic auth
//! (its web config holding the bcrypt hash promvault rendered from the vault password) and a
//! web service that wants `Authorization: apiKey <key>`, scraped by a real Prometheus
//! (Debian's `prometheus` and `prometheus-node-exporter`) from the config promvault rendered.
//! Then a wrong password and an `apikey`-cased type: Prometheus sees 401s, and `probe` says why.
//! And a password Prometheus reads from a secret file, rotated with no reload.
//!
//! Every process is started on loopback with free ports and temporary folders, every wait has
//! a deadline, and a guard kills each process on success and on failure.

use std::{
    fs,
    io::{BufRead, BufReader, Write},
    net::{TcpListener, TcpStream},
    process::{Child, Command, Stdio},
    thread,
    time::{Duration, Instant},
};

use crate::support::{require, stderr, stdout, Sandbox};

/// Kills its process when dropped, whatever happened.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A tiny metrics endpoint that answers 200 only to `Authorization: apiKey <key>`.
fn api_key_endpoint(key: &str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let expected = format!("apiKey {key}");
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let _ = answer(stream, &expected);
        }
    });
    port
}

fn answer(mut stream: TcpStream, expected: &str) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut authorized = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("authorization") && value.trim() == expected {
                authorized = true;
            }
        }
    }
    let (status, body) = if authorized {
        ("200 OK", "# TYPE web_service_up gauge\nweb_service_up 1\n")
    } else {
        ("401 Unauthorized", "unauthorized\n")
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}

fn wait_for(what: &str, deadline: Duration, mut ok: impl FnMut() -> bool) {
    let until = Instant::now() + deadline;
    while !ok() {
        assert!(Instant::now() < until, "timed out waiting for {what}");
        thread::sleep(Duration::from_millis(250));
    }
}

/// (job, health, last error) of every active target.
fn targets(prometheus: u16) -> Vec<(String, String, String)> {
    let Ok(mut response) =
        ureq::get(&format!("http://127.0.0.1:{prometheus}/api/v1/targets")).call()
    else {
        return Vec::new();
    };
    let body: serde_json::Value = response.body_mut().read_json().unwrap_or_default();
    body["data"]["activeTargets"]
        .as_array()
        .map(|ts| {
            ts.iter()
                .map(|t| {
                    (
                        t["labels"]["job"].as_str().unwrap_or("").to_string(),
                        t["health"].as_str().unwrap_or("").to_string(),
                        t["lastError"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn health(prometheus: u16, job: &str) -> Option<(String, String)> {
    targets(prometheus)
        .into_iter()
        .find(|(j, _, _)| j == job)
        .map(|(_, h, e)| (h, e))
}

fn reload(prometheus: u16) {
    let out = ureq::post(&format!("http://127.0.0.1:{prometheus}/-/reload")).send_empty();
    assert!(out.is_ok(), "reload failed: {out:?}");
}

fn project(node_port: u16, web_port: u16) -> Sandbox {
    let sb = Sandbox::new();
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}prometheus_version: \"2.42\"\noutputs:\n  - template: templates/prometheus.yml.j2\n    dest: out/prometheus.yml\n  - template: templates/web.yml.j2\n    dest: out/web.yml\n"),
    );
    sb.write(
        "inventories/prod/hosts.yml",
        "all:\n  hosts:\n    localhost:\n",
    );
    sb.write(
        "inventories/prod/group_vars/all.yml",
        &format!("node_target: \"127.0.0.1:{node_port}\"\nweb_target: \"127.0.0.1:{web_port}\"\nweb_auth_type: apiKey\n"),
    );
    // the seed story's two jobs
    sb.write(
        "templates/prometheus.yml.j2",
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: node\n    basic_auth:\n      username: prometheus\n      password: {{ node_exporter_password | to_json }}\n    static_configs:\n      - targets: [{{ node_target | to_json }}]\n  - job_name: web-service\n    honor_labels: true\n    authorization:\n      type: {{ web_auth_type }}\n      credentials: {{ web_service_api_key | to_json }}\n    static_configs:\n      - targets: [{{ web_target | to_json }}]\n",
    );
    sb.write(
        "templates/web.yml.j2",
        "basic_auth_users:\n  prometheus: {{ node_exporter_password | bcrypt(cost=4) }}\n",
    );
    sb.set("prod", "node_exporter_password", "right: password #1");
    sb.set("prod", "web_service_api_key", "k3y-for-the-web-service");
    sb
}

fn probe(sb: &Sandbox) -> (i32, String) {
    let out = sb.cmd(&["probe", "prod"]).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!("{}{}", stdout(&out), stderr(&out)),
    )
}

#[test]
fn prometheus_scrapes_what_promvault_rendered_and_probe_explains_failures() {
    require("prometheus");
    require("prometheus-node-exporter");
    let started = Instant::now();
    let (node_port, prom_port) = (free_port(), free_port());
    let web_port = api_key_endpoint("k3y-for-the-web-service");
    let sb = project(node_port, web_port);
    sb.cmd(&["render", "prod"]).assert().success();
    // the exporter keeps the web config it started with (the right password's hash)
    let exporter_web = sb.home.join("exporter-web.yml");
    fs::copy(sb.path("out/web.yml"), &exporter_web).unwrap();
    let _exporter = Guard(
        Command::new("prometheus-node-exporter")
            .arg(format!("--web.listen-address=127.0.0.1:{node_port}"))
            .arg(format!("--web.config.file={}", exporter_web.display()))
            .args(["--collector.disable-defaults", "--collector.time"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let data = sb.home.join("prometheus-data");
    let _prometheus = Guard(
        Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                sb.path("out/prometheus.yml").display()
            ))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
            .arg("--web.enable-lifecycle")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );

    // 1. both jobs up
    wait_for("both jobs up", Duration::from_secs(40), || {
        let t = targets(prom_port);
        t.len() == 2 && t.iter().all(|(_, h, _)| h == "up")
    });
    let (code, table) = probe(&sb);
    assert_eq!(code, 0, "{table}");
    assert_eq!(
        table.lines().filter(|l| l.ends_with(" ok")).count(),
        2,
        "{table}"
    );
    assert!(
        !table.contains("right: password") && !table.contains("k3y-for"),
        "{table}"
    );

    // 2. a wrong password in the vault: Prometheus gets 401 from the exporter
    sb.set("prod", "node_exporter_password", "wrong-password");
    sb.cmd(&["render", "prod"]).assert().success();
    reload(prom_port);
    wait_for("node down with a 401", Duration::from_secs(30), || {
        health(prom_port, "node").is_some_and(|(h, e)| h == "down" && e.contains("401"))
    });
    let (code, table) = probe(&sb);
    assert_eq!(code, 1, "{table}");
    let node = table.lines().find(|l| l.starts_with("node ")).unwrap();
    assert!(
        node.contains("401") && node.contains("password rejected"),
        "{table}"
    );
    assert!(!table.contains("wrong-password"), "{table}");

    // 3. the right password again, but an `apikey`-cased type (render must be told to let it
    //    through: the lint stops it)
    sb.set("prod", "node_exporter_password", "right: password #1");
    let group_vars = sb.path("inventories/prod/group_vars/all.yml");
    fs::write(
        &group_vars,
        fs::read_to_string(&group_vars)
            .unwrap()
            .replace("apiKey", "apikey"),
    )
    .unwrap();
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("[authorization-type-case]"),
        "{}",
        stderr(&out)
    );
    sb.cmd(&["render", "prod", "--no-validate"])
        .assert()
        .success();
    reload(prom_port);
    wait_for(
        "web-service down with a 401",
        Duration::from_secs(30),
        || {
            health(prom_port, "web-service").is_some_and(|(h, e)| h == "down" && e.contains("401"))
                && health(prom_port, "node").is_some_and(|(h, _)| h == "up")
        },
    );
    let (code, table) = probe(&sb);
    assert_eq!(code, 1, "{table}");
    let web = table
        .lines()
        .find(|l| l.starts_with("web-service"))
        .unwrap();
    assert!(web.contains("401") && web.contains("exact case"), "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("node ") && l.ends_with(" ok")),
        "{table}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "the e2e suite took {:?}",
        started.elapsed()
    );
}

#[test]
fn probe_says_when_nothing_listens() {
    let port = free_port();
    let sb = project(port, free_port());
    let (code, table) = probe(&sb);
    assert_eq!(code, 1, "{table}");
    assert!(table.contains("connection refused"), "{table}");
    // the same as JSON, for scripts
    let out = sb
        .cmd(&["probe", "prod", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let targets = report["targets"].as_array().unwrap();
    assert!(!targets.is_empty());
    for t in targets {
        assert_eq!(t["ok"], false, "{t}");
        assert!(t["status"].is_null(), "{t}");
        assert!(t["job"].is_string() && t["target"].is_string() && t["time_ms"].is_u64());
        assert!(
            t["result"].as_str().unwrap().contains("connection refused"),
            "{t}"
        );
    }
}

/// A metrics endpoint that answers 200 to everything and records each request's line and
/// headers, lower-cased.
fn recording_endpoint() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let Ok(clone) = stream.try_clone() else {
                continue;
            };
            let mut reader = BufReader::new(clone);
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line.to_lowercase());
            }
            log.lock().unwrap().push(head);
            let body = "# TYPE up_from_test gauge\nup_from_test 1\n";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (port, seen)
}

/// The request lines (`GET /path?query HTTP/1.1`) recorded so far with the scrape timeout
/// header, deduplicated.
fn request_lines(seen: &std::sync::Mutex<Vec<String>>) -> Vec<String> {
    let mut lines: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|h| {
            let timeout = h
                .lines()
                .find(|l| l.starts_with("x-prometheus-scrape-timeout-seconds:"))
                .unwrap_or("no timeout header");
            format!("{} ({timeout})", h.lines().next().unwrap_or(""))
        })
        .collect();
    lines.sort();
    lines.dedup();
    lines
}

/// A project whose one output is `prometheus` (a template without variables).
fn project_with_config(config: &str) -> Sandbox {
    let sb = Sandbox::new();
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}prometheus_version: \"2.42\"\noutputs:\n  - template: templates/prometheus.yml.j2\n    dest: out/prometheus.yml\n"),
    );
    sb.write(
        "inventories/prod/hosts.yml",
        "all:\n  hosts:\n    localhost:\n",
    );
    sb.write("templates/prometheus.yml.j2", config);
    sb.set("prod", "unused", "x");
    sb
}

#[test]
fn probe_requests_what_prometheus_requests_after_relabeling() {
    require("prometheus");
    let (port, seen) = recording_endpoint();
    // a blackbox-style job (no timeout written): the written targets become a parameter, the address is rewritten,
    // one target is dropped; the written scheme is replaced by relabeling
    let config = format!(
        "global:\n  scrape_interval: 2s\nscrape_configs:\n  - job_name: blackbox\n    scheme: https\n    metrics_path: /probe\n    params:\n      module: [http_2xx]\n    static_configs:\n      - targets: ['web.invalid', 'drop.invalid:8080']\n        labels: {{team: web}}\n    relabel_configs:\n      - source_labels: [__address__]\n        regex: 'drop\\..*'\n        action: drop\n      - source_labels: [__address__]\n        target_label: __param_target\n      - target_label: __address__\n        replacement: 127.0.0.1:{port}\n      - target_label: __scheme__\n        replacement: http\n      - source_labels: [team]\n        target_label: __param_module\n        replacement: '${{1}}_check'\n"
    );
    let sb = project_with_config(&config);
    sb.cmd(&["render", "prod"]).assert().success();

    let (code, table) = probe(&sb);
    assert_eq!(code, 0, "{table}");
    assert_eq!(
        table.lines().count(),
        2,
        "one target, the dropped one not probed: {table}"
    );
    assert!(
        table.contains(&format!("web.invalid -> 127.0.0.1:{port}")),
        "{table}"
    );
    let from_probe = request_lines(&seen);
    assert_eq!(
        from_probe,
        // the timeout: the global default (10s) capped at the interval
        vec!["get /probe?module=web_check&target=web.invalid http/1.1 (x-prometheus-scrape-timeout-seconds: 2)".to_string()],
        "the parameter is the address as written (2.42 adds a default port only after relabeling)"
    );
    seen.lock().unwrap().clear();

    let prom_port = free_port();
    let data = sb.home.join("prometheus-data");
    let _prometheus = Guard(
        Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                sb.path("out/prometheus.yml").display()
            ))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(
        "Prometheus scrapes the target",
        Duration::from_secs(40),
        || !seen.lock().unwrap().is_empty(),
    );
    assert_eq!(
        request_lines(&seen),
        from_probe,
        "probe and Prometheus differ"
    );
}

#[test]
fn probe_sends_no_credential_from_a_file_outside_the_project() {
    let (port, seen) = recording_endpoint();
    let sb = project_with_config("");
    let outside = sb.home.join("id_ed25519");
    fs::write(&outside, "-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n").unwrap();
    sb.write(
        "templates/prometheus.yml.j2",
        &format!(
            "scrape_configs:\n  - job_name: hostile\n    basic_auth:\n      username: me\n      password_file: {}\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n  - job_name: traversal\n    authorization:\n      credentials_file: ../../home/id_ed25519\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n",
            outside.display()
        ),
    );
    sb.cmd(&["render", "prod"]).assert().success();
    let (code, table) = probe(&sb);
    assert_eq!(code, 1, "{table}");
    for job in ["hostile", "traversal"] {
        let line = table.lines().find(|l| l.starts_with(job)).unwrap();
        assert!(
            line.contains("outside the project") && line.contains("sent no credential"),
            "{table}"
        );
    }
    let heads = seen.lock().unwrap().clone();
    assert_eq!(heads.len(), 2, "{heads:?}");
    for head in &heads {
        assert!(!head.contains("authorization"), "{head}");
        assert!(!head.contains("secret"), "{head}");
    }
}

/// The number of scrapes of `job` Prometheus stored so far.
fn scrapes(prometheus: u16, job: &str) -> u64 {
    let Ok(mut response) = ureq::get(&format!("http://127.0.0.1:{prometheus}/api/v1/query"))
        .query("query", format!("count_over_time(up{{job=\"{job}\"}}[1h])"))
        .call()
    else {
        return 0;
    };
    let body: serde_json::Value = response.body_mut().read_json().unwrap_or_default();
    body["data"]["result"][0]["value"][1]
        .as_str()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

/// When Prometheus last (re)loaded its configuration.
fn last_config_time(prometheus: u16) -> String {
    let mut response = ureq::get(&format!(
        "http://127.0.0.1:{prometheus}/api/v1/status/runtimeinfo"
    ))
    .call()
    .unwrap();
    let body: serde_json::Value = response.body_mut().read_json().unwrap();
    body["data"]["lastConfigTime"].as_str().unwrap().to_string()
}

/// The story: Prometheus reads the exporter's password from a secret file on every
/// scrape, so rotating it (the vault value, the exporter's bcrypt hash and the secret file,
/// one render) keeps the target `up` with no reload; prometheus.yml never holds the password
/// and does not change.
#[test]
fn a_secret_rotated_through_a_secret_file_reaches_prometheus_without_a_reload() {
    require("prometheus");
    require("prometheus-node-exporter");
    let started = Instant::now();
    let (node_port, prom_port) = (free_port(), free_port());
    let sb = Sandbox::new();
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}prometheus_version: \"2.42\"\noutputs:\n  - template: templates/prometheus.yml.j2\n    dest: out/prometheus.yml\n  - template: templates/web.yml.j2\n    dest: out/web.yml\n"),
    );
    sb.write(
        "inventories/prod/hosts.yml",
        "all:\n  hosts:\n    localhost:\n",
    );
    sb.write(
        "inventories/prod/group_vars/all.yml",
        &format!("node_target: \"127.0.0.1:{node_port}\"\n"),
    );
    sb.write(
        "templates/prometheus.yml.j2",
        "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: node\n    basic_auth:\n      username: prometheus\n      password_file: {{ node_exporter_password | secret_file }}\n    static_configs:\n      - targets: [{{ node_target | to_json }}]\n",
    );
    sb.write(
        "templates/web.yml.j2",
        "basic_auth_users:\n  prometheus: {{ node_exporter_password | bcrypt(cost=4) }}\n",
    );
    sb.set("prod", "node_exporter_password", "first: password #1");
    sb.cmd(&["render", "prod"]).assert().success();
    let config = sb.read("out/prometheus.yml");
    assert!(
        String::from_utf8_lossy(&config)
            .contains("password_file: secrets/node_exporter_password\n"),
        "{}",
        String::from_utf8_lossy(&config)
    );
    // the exporter reads the rendered web config itself: it re-reads it on every request
    let _exporter = Guard(
        Command::new("prometheus-node-exporter")
            .arg(format!("--web.listen-address=127.0.0.1:{node_port}"))
            .arg(format!(
                "--web.config.file={}",
                sb.path("out/web.yml").display()
            ))
            .args(["--collector.disable-defaults", "--collector.time"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    // no --web.enable-lifecycle: nothing can ask this Prometheus to reload
    let data = sb.home.join("prometheus-data");
    let _prometheus = Guard(
        Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                sb.path("out/prometheus.yml").display()
            ))
            .arg(format!("--storage.tsdb.path={}", data.display()))
            .arg(format!("--web.listen-address=127.0.0.1:{prom_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for("node up", Duration::from_secs(40), || {
        health(prom_port, "node").is_some_and(|(h, _)| h == "up")
    });
    let loaded = last_config_time(prom_port);

    // rotate: a new password in the vault, one render
    sb.set("prod", "node_exporter_password", "second: password #2");
    let out = sb.cmd(&["render", "prod"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let summary = stdout(&out);
    for line in [
        "unchanged: out/prometheus.yml\n",
        "changed: out/secrets/node_exporter_password\n",
        "changed: out/web.yml\n",
    ] {
        assert!(summary.contains(line), "{summary}");
    }
    assert_eq!(
        sb.read("out/secrets/node_exporter_password"),
        b"second: password #2"
    );
    // scrapes after the rotation succeed (a scrape between the two files' renames may not)
    let after = scrapes(prom_port, "node");
    wait_for(
        "node up after the rotation",
        Duration::from_secs(30),
        || {
            scrapes(prom_port, "node") >= after + 2
                && health(prom_port, "node").is_some_and(|(h, e)| h == "up" && e.is_empty())
        },
    );
    assert_eq!(last_config_time(prom_port), loaded, "Prometheus reloaded");
    // probe reads the secret file as Prometheus does (beside the config)
    let (code, table) = probe(&sb);
    assert_eq!(code, 0, "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("node ") && l.ends_with(" ok")),
        "{table}"
    );
    assert_eq!(sb.read("out/prometheus.yml"), config);
    assert!(
        started.elapsed() < Duration::from_secs(120),
        "the test took {:?}",
        started.elapsed()
    );
}

/// probe renders in memory, secret files included: it sends what the render would write
/// (before any render, and after a rotation not rendered yet), not what is on disk.
#[test]
fn probe_sends_the_secret_file_a_render_would_write() {
    let (port, seen) = recording_endpoint();
    let sb = project_with_config(&format!(
        "scrape_configs:\n  - job_name: app\n    authorization:\n      credentials_file: {{{{ app_token | secret_file }}}}\n    static_configs:\n      - targets: ['127.0.0.1:{port}']\n"
    ));
    sb.set("prod", "app_token", "first-token");
    let (code, table) = probe(&sb);
    assert_eq!(code, 0, "{table}");
    assert!(!sb.path("out/secrets").exists(), "probe writes nothing");
    sb.cmd(&["render", "prod"]).assert().success();
    sb.set("prod", "app_token", "second-token");
    let (code, table) = probe(&sb);
    assert_eq!(code, 0, "{table}");
    let heads = seen.lock().unwrap().clone();
    assert_eq!(heads.len(), 2, "{heads:?}");
    assert!(
        heads[0].contains("authorization: bearer first-token\r\n"),
        "{}",
        heads[0]
    );
    assert!(
        heads[1].contains("authorization: bearer second-token\r\n"),
        "{}",
        heads[1]
    );
}
