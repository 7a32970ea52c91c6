//! Colour for people at a terminal: findings (errors red, warnings yellow) and diffs (removed
//! lines red, added green, hunks cyan). Off when the stream is not a terminal, when `NO_COLOR`
//! is set to anything but the empty string (<https://no-color.org>), or with `TERM=dumb`.

use std::borrow::Cow;

use anstyle::{AnsiColor, Style};

/// Whether, and how, to colour what goes to one stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Palette {
    on: bool,
}

impl Palette {
    /// The palette for a stream: on only at a terminal, without `NO_COLOR` or `TERM=dumb`.
    #[must_use]
    pub fn for_stream(is_terminal: bool) -> Palette {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
        Palette {
            on: is_terminal && !no_color && !dumb,
        }
    }

    fn paint(self, style: Style, text: &str) -> String {
        format!("{}{text}{}", style.render(), style.render_reset())
    }

    /// A unified diff, line by line.
    #[must_use]
    pub fn diff(self, text: &str) -> Cow<'_, str> {
        if !self.on || text.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len() + 64);
        for line in text.split_inclusive('\n') {
            let (body, end) = match line.strip_suffix('\n') {
                Some(b) => (b, "\n"),
                None => (line, ""),
            };
            let style = if body.starts_with("+++") || body.starts_with("---") {
                Some(Style::new().bold())
            } else if body.starts_with('+') {
                Some(AnsiColor::Green.on_default())
            } else if body.starts_with('-') {
                Some(AnsiColor::Red.on_default())
            } else if body.starts_with("@@") {
                Some(AnsiColor::Cyan.on_default())
            } else {
                None
            };
            match style {
                Some(style) => out.push_str(&self.paint(style, body)),
                None => out.push_str(body),
            }
            out.push_str(end);
        }
        Cow::Owned(out)
    }

    /// A finding as text (`path:line: [id] ...` or `path:line: warning [id] ...`): its id in
    /// red for an error, in yellow for a warning.
    #[must_use]
    pub fn finding<'t>(self, finding: &crate::finding::Finding, text: &'t str) -> Cow<'t, str> {
        let tag = format!("[{}]", finding.id);
        match text.find(&tag) {
            Some(at) if self.on => {
                let colour = if finding.is_error() {
                    AnsiColor::Red
                } else {
                    AnsiColor::Yellow
                };
                let style = colour.on_default().bold();
                Cow::Owned(format!(
                    "{}{}{}",
                    &text[..at],
                    self.paint(style, &tag),
                    &text[at + tag.len()..]
                ))
            }
            _ => Cow::Borrowed(text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_only_when_on() {
        let on = Palette { on: true };
        let off = Palette { on: false };
        let diff = "--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n same\n";
        assert_eq!(off.diff(diff), diff);
        let painted = on.diff(diff);
        assert!(painted.contains("\u{1b}[31m-old"), "{painted:?}");
        assert!(painted.contains("\u{1b}[32m+new"), "{painted:?}");
        assert!(painted.ends_with(" same\n"));
        let f = crate::finding::Finding::error("leak", crate::finding::Location::file("x"), "m");
        let painted = on.finding(&f, &f.to_string()).into_owned();
        assert!(
            painted.contains("\u{1b}[31m") && painted.contains("[leak]\u{1b}[0m"),
            "{painted:?}"
        );
        assert_eq!(off.finding(&f, &f.to_string()), f.to_string());
    }
}
