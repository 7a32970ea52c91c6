//! What happens when a person is at a terminal: no-echo prompts, and re-opening the editor
//! after an invalid edit.

use crate::support::{on_terminal, Sandbox};

#[test]
fn set_prompts_twice_without_echo() {
    let sb = Sandbox::new();
    let (code, shown) = on_terminal(
        &sb,
        &["set", "prod", "api_key"],
        &[],
        "typed-secret\ntyped-secret\n",
    );
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("value for api_key"), "{shown}");
    assert!(
        !shown.contains("typed-secret"),
        "the secret was echoed: {shown}"
    );
    assert_eq!(sb.view(&["prod", "api_key"]), "typed-secret");

    let (code, shown) = on_terminal(&sb, &["set", "prod", "api_key"], &[], "one\ntwo\n");
    assert_eq!(code, 2, "{shown}");
    assert!(shown.contains("differ"), "{shown}");
    assert_eq!(sb.view(&["prod", "api_key"]), "typed-secret");
}

#[test]
fn an_invalid_edit_can_be_reopened_and_fixed() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "old");
    // First run: invalid YAML. Second run (after "y"): a valid fix. (No PATH on the
    // terminal: the editor uses shell builtins only.)
    let editor = sb.script(
        "ed.sh",
        &format!(
            r#"if [ -e {m} ]; then printf 'a: "fixed"\n' > "$1"; else : > {m}; printf 'a: [broken\n' > "$1"; fi"#,
            m = sb.home.join("opened-once").display()
        ),
    );
    let (code, shown) = on_terminal(
        &sb,
        &["edit", "prod"],
        &[("EDITOR", editor.to_str().unwrap())],
        "y\n",
    );
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("Re-open the editor"), "{shown}");
    assert_eq!(sb.view(&["prod", "a"]), "fixed");
    assert!(sb.leftovers().is_empty());
}

#[test]
fn declining_to_reopen_changes_nothing() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "old");
    let before = sb.read("vault/prod.yml.age");
    let editor = sb.script("ed.sh", r#"printf 'a: [broken\n' > "$1""#);
    let (code, shown) = on_terminal(
        &sb,
        &["edit", "prod"],
        &[("EDITOR", editor.to_str().unwrap())],
        "n\n",
    );
    assert_eq!(code, 2, "{shown}");
    assert_eq!(sb.read("vault/prod.yml.age"), before);
    assert!(sb.leftovers().is_empty());
}

#[test]
fn diffs_and_findings_are_coloured_at_a_terminal_unless_no_color() {
    let sb = Sandbox::new();
    let text = String::from_utf8(sb.read("promvault.yml")).unwrap();
    sb.write(
        "promvault.yml",
        &format!("{text}outputs:\n  - template: t.j2\n    dest: out/prometheus.yml\n"),
    );
    sb.write(
        "inventories/prod/hosts.yml",
        "all:\n  hosts:\n    localhost:\n",
    );
    sb.write(
        "t.j2",
        "scrape_configs:\n  - job_name: a\n    authorization:\n      type: apikey\n      credentials: {{ k | to_json }}\n    static_configs: [{targets: ['a:1']}]\n",
    );
    sb.set("prod", "k", "first-value");
    sb.write("out/prometheus.yml", "old\n");
    let esc = '\u{1b}';
    let (code, shown) = on_terminal(&sb, &["render", "prod", "--check", "--diff"], &[], "");
    assert_eq!(code, 2, "{shown}");
    // the finding's id in red
    assert!(
        shown.contains(&format!("{esc}[31m"))
            && shown.contains(&format!("[authorization-type-case]{esc}[0m")),
        "{shown:?}"
    );
    sb.write("t.j2", "scrape_configs: []\n");
    let (code, shown) = on_terminal(&sb, &["render", "prod", "--check", "--diff"], &[], "");
    assert_eq!(code, 1, "{shown}");
    assert!(shown.contains(&format!("{esc}[31m-old")), "{shown:?}");
    assert!(
        shown.contains(&format!("{esc}[32m+scrape_configs: []")),
        "{shown:?}"
    );
    // NO_COLOR, or not a terminal: plain text
    let (_, shown) = on_terminal(
        &sb,
        &["render", "prod", "--check", "--diff"],
        &[("NO_COLOR", "1")],
        "",
    );
    assert!(!shown.contains(esc) && shown.contains("-old"), "{shown:?}");
    let out = sb
        .cmd(&["render", "prod", "--check", "--diff"])
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains(esc));
}
