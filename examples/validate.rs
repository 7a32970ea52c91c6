//! Validates Prometheus configs as `promtool check config --syntax-only` (2.42) would, for the
//! differential harness in `tests/differential/promtool/`: reads one file path a line on
//! standard input and answers each with one line, `0` (valid) or `1<TAB>first finding`.
//! `cargo run --example validate [-- 3]` (the argument picks the Prometheus version).

use std::io::{BufRead, Write};

use promvault::prometheus::{check_config, Version};

fn main() {
    let version = std::env::args()
        .nth(1)
        .and_then(|v| Version::parse(&v))
        .unwrap_or(Version::V2);
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(path) = line else { break };
        let answer = match std::fs::read(&path) {
            Ok(bytes) => {
                let text = String::from_utf8_lossy(&bytes);
                match check_config(&text, version).first() {
                    None => "0".to_string(),
                    Some(f) => format!("1\t{}", f.to_string().replace(['\n', '\t'], " ")),
                }
            }
            Err(e) => format!("1\tcannot read {path}: {e}"),
        };
        if writeln!(out, "{answer}")
            .and_then(|()| out.flush())
            .is_err()
        {
            break;
        }
    }
}
