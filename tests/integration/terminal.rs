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
