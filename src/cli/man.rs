//! `promvault man`: one roff man page, promvault(1), made by clap_mangen from the same clap
//! definitions as `--help`: the usual sections for `promvault` itself, then a COMMANDS section
//! with each command's synopsis, description and options, so that one installed file documents
//! every command.

use std::io::{self, Write};

use clap_mangen::Man;

/// Writes the man page of `cmd` (the whole command line) to `out`.
///
/// # Errors
/// Writing to `out`.
pub fn write(mut cmd: clap::Command, out: &mut dyn Write) -> io::Result<()> {
    cmd.build();
    let man = Man::new(cmd.clone());
    let mut page = Vec::new();
    man.render_title(&mut page)?;
    man.render_name_section(&mut page)?;
    man.render_synopsis_section(&mut page)?;
    man.render_description_section(&mut page)?;
    man.render_options_section(&mut page)?;
    writeln!(page, ".SH COMMANDS")?;
    for sub in commands(&cmd) {
        let name = sub
            .get_bin_name()
            .unwrap_or_else(|| sub.get_name())
            .to_string();
        writeln!(page, ".SS \"{}\"", name.replace('"', ""))?;
        let man = Man::new(sub.clone());
        // Each part without its own `.SH` heading: they are subsections here.
        for render in [
            Man::render_synopsis_section as fn(&Man, &mut dyn Write) -> io::Result<()>,
            Man::render_description_section,
            Man::render_options_section,
        ] {
            let mut part = Vec::new();
            render(&man, &mut part)?;
            for line in String::from_utf8_lossy(&part).lines() {
                if !line.starts_with(".SH ") {
                    writeln!(page, "{line}")?;
                }
            }
            writeln!(page, ".PP")?;
        }
    }
    man.render_version_section(&mut page)?;
    out.write_all(without_repeated_preamble(&String::from_utf8_lossy(&page)).as_bytes())
}

/// Each clap_mangen part starts with the same two-line preamble (defining `\*(Aq`); the page
/// needs it once, at the top.
fn without_repeated_preamble(page: &str) -> String {
    let mut seen = std::collections::HashSet::new();
    let mut kept = String::with_capacity(page.len());
    for line in page.lines() {
        let preamble = line.starts_with(".ie \\n(.g .ds Aq") || line.starts_with(".el .ds Aq");
        if preamble && !seen.insert(line) {
            continue;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    kept
}

/// Every visible command and subcommand (`hook install`...), depth first, `help` left out.
fn commands(cmd: &clap::Command) -> Vec<clap::Command> {
    let mut found = Vec::new();
    for sub in cmd.get_subcommands() {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        found.push(sub.clone());
        found.extend(commands(sub));
    }
    found
}
