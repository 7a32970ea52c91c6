//! The suite's secret collector (`support::Ledger`) itself: it sees every form of a vault
//! value in what a command prints, however the value got into the vault, and lets only the
//! commands that print secrets by design show them, on stdout only.

use std::{
    os::unix::process::ExitStatusExt as _,
    panic::{catch_unwind, AssertUnwindSafe},
    process::{ExitStatus, Output},
};

use crate::support::Sandbox;

fn printed(stream: &str, text: &str) -> Output {
    let (stdout, stderr) = match stream {
        "stdout" => (text.as_bytes().to_vec(), Vec::new()),
        _ => (Vec::new(), text.as_bytes().to_vec()),
    };
    Output {
        status: ExitStatus::from_raw(0),
        stdout,
        stderr,
    }
}

/// Whether handing `text`, printed by `args` on `stream`, to the collector fails the test.
fn caught(sb: &Sandbox, args: &[&str], stream: &str, text: &str) -> bool {
    catch_unwind(AssertUnwindSafe(|| {
        sb.collect(args, &printed(stream, text))
    }))
    .is_err()
}

#[test]
fn every_form_of_a_vault_value_is_caught_where_it_must_not_be() {
    let secret = "Zq7 s3cret/+é:#{x}";
    let sb = Sandbox::new();
    sb.set("prod", "pw", secret);
    for form in crate::forms::forms(secret) {
        let text = format!("line 1\nerror near {form}: bad\n");
        for (args, stream) in [
            (&["check"][..], "stdout"),
            (&["check"], "stderr"),
            (&["render", "prod"], "stdout"),
            (&["view", "prod"], "stderr"),
            (&["render", "prod", "--stdout"], "stderr"),
        ] {
            assert!(
                caught(&sb, args, stream, &text),
                "{args:?} {stream}: {form}"
            );
        }
    }
    // the commands that print secrets by design, on stdout
    for args in [
        &["view", "prod"][..],
        &["view", "prod", "pw"],
        &["decrypt", "vault/prod.yml.age", "-o", "-"],
        &["render", "prod", "--stdout"],
    ] {
        assert!(!caught(&sb, args, "stdout", secret), "{args:?}");
    }
    // what is not a vault value, or too short to tell
    assert!(!caught(&sb, &["check"], "stderr", "Zq7 s3cret/+é:#{y}"));
    sb.set("prod", "short", "abc");
    assert!(!caught(&sb, &["check"], "stderr", "abc"));
}

#[test]
fn a_value_put_into_the_vault_by_an_editor_is_known_too() {
    let sb = Sandbox::new();
    sb.set("prod", "a", "first-value");
    let editor = sb.script(
        "ed.sh",
        "printf 'a: first-value\\nb: edited-in-value\\n' > \"$1\"",
    );
    sb.cmd(&["edit", "prod"])
        .env("EDITOR", &editor)
        .assert()
        .success();
    assert!(caught(&sb, &["check"], "stderr", "x edited-in-value x"));
    // and a value printed before it was learnt is caught when the sandbox ends
    let sb = Sandbox::new();
    sb.set("prod", "a", "first-value");
    sb.collect(&["check"], &printed("stderr", "later-value"));
    let editor = sb.script("ed.sh", "printf 'a: later-value\\n' > \"$1\"");
    // the edit's own output is clean; the ledger learns the value after it
    sb.cmd(&["edit", "prod"])
        .env("EDITOR", &editor)
        .assert()
        .success();
    assert!(catch_unwind(AssertUnwindSafe(move || drop(sb))).is_err());
}
