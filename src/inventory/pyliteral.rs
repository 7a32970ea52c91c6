//! Python's `ast.literal_eval` for the values of INI inventories (`port=9100` is an int,
//! `labels="{'a': 1}"` a dict, `x=True` a bool), and POSIX `shlex.split(line, comments=True)`
//! for INI host lines. Whatever is not a literal stays the string it was.

use crate::data::Data;

/// How many brackets (`[`, `(`, `{`) may be open at once: Python's tokenizer refuses the 201st
/// ("too many nested parentheses", a `SyntaxError`, so Ansible keeps the text as a string) and
/// so does this parser, which recurses once per bracket.
pub const MAX_NESTING: usize = 200;

/// `ast.literal_eval(text)`, or `None` when Python would raise (the caller keeps the string).
#[must_use]
pub fn literal_eval(text: &str) -> Option<Data> {
    let mut p = Parser {
        s: text.as_bytes(),
        src: text,
        i: 0,
        depth: 0,
    };
    p.ws();
    let value = p.value()?;
    p.ws();
    (p.i == p.s.len()).then_some(value)
}

struct Parser<'a> {
    s: &'a [u8],
    src: &'a str,
    i: usize,
    /// Brackets open now.
    depth: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && matches!(self.s[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<Data> {
        self.ws();
        match self.peek()? {
            open @ (b'[' | b'(' | b'{') => {
                if self.depth >= MAX_NESTING {
                    return None;
                }
                self.i += 1;
                self.depth += 1;
                let value = match open {
                    b'[' => self.sequence(b']').map(Data::Seq),
                    b'(' => self.sequence(b')').map(Data::Seq),
                    _ => self.mapping(),
                };
                self.depth -= 1;
                value
            }
            b'\'' | b'"' => self.string(),
            b'r' | b'R' | b'u' | b'U' | b'b' | b'B'
                if matches!(self.s.get(self.i + 1), Some(b'\'' | b'"')) =>
            {
                let raw = matches!(self.peek(), Some(b'r' | b'R'));
                self.i += 1;
                if raw {
                    self.raw_string()
                } else {
                    self.string()
                }
            }
            b'-' | b'+' => {
                // One sign before a number literal (`--1` is not a literal for Python).
                let negative = self.peek() == Some(b'-');
                self.i += 1;
                self.ws();
                if !self.peek().is_some_and(|c| c.is_ascii_digit() || c == b'.') {
                    return None;
                }
                match self.number()? {
                    Data::Int(i) => Some(Data::Int(if negative { -i } else { i })),
                    Data::Float(f) => Some(Data::Float(if negative { -f } else { f })),
                    _ => None,
                }
            }
            c if c.is_ascii_digit() || c == b'.' => self.number(),
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = self.i;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == b'_')
                {
                    self.i += 1;
                }
                match &self.src[start..self.i] {
                    "True" => Some(Data::Bool(true)),
                    "False" => Some(Data::Bool(false)),
                    "None" => Some(Data::Null),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    fn sequence(&mut self, close: u8) -> Option<Vec<Data>> {
        let mut items = Vec::new();
        loop {
            if self.eat(close) {
                return Some(items);
            }
            items.push(self.value()?);
            if !self.eat(b',') {
                return self.eat(close).then_some(items);
            }
        }
    }

    fn mapping(&mut self) -> Option<Data> {
        let mut entries: Vec<(Data, Data)> = Vec::new();
        loop {
            if self.eat(b'}') {
                return Some(Data::Map(entries));
            }
            let key = self.value()?;
            if !self.eat(b':') {
                // a set literal: not something an inventory value would be
                return None;
            }
            let value = self.value()?;
            entries.retain(|(k, _)| k != &key);
            entries.push((key, value));
            if !self.eat(b',') {
                return self.eat(b'}').then_some(Data::Map(entries));
            }
        }
    }

    fn number(&mut self) -> Option<Data> {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_'))
            || (matches!(self.peek(), Some(b'+' | b'-'))
                && matches!(self.s.get(self.i.wrapping_sub(1)), Some(b'e' | b'E'))
                && !self.src[start..self.i].starts_with("0x"))
        {
            self.i += 1;
        }
        let text = &self.src[start..self.i];
        if text.ends_with('_') || text.contains("__") {
            return None;
        }
        let clean: String = text.chars().filter(|&c| c != '_').collect();
        let lower = clean.to_ascii_lowercase();
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
            if let Some(digits) = lower.strip_prefix(prefix) {
                return i128::from_str_radix(digits, radix).ok().map(Data::Int);
            }
        }
        if lower.bytes().all(|c| c.is_ascii_digit()) {
            // Python 3 rejects leading zeros in decimal integers ("0123")
            if lower.len() > 1 && lower.starts_with('0') && lower.bytes().any(|c| c != b'0') {
                return None;
            }
            return lower.parse().ok().map(Data::Int);
        }
        if lower.ends_with('j') {
            return None;
        }
        lower.parse::<f64>().ok().map(Data::Float)
    }

    fn raw_string(&mut self) -> Option<Data> {
        let quote = self.peek()?;
        self.i += 1;
        let start = self.i;
        while self.peek()? != quote {
            if self.peek() == Some(b'\\') {
                self.i += 1;
            }
            self.i += 1;
        }
        let text = self.src.get(start..self.i)?.to_string();
        self.i += 1;
        Some(Data::Str(text))
    }

    fn string(&mut self) -> Option<Data> {
        let quote = self.peek()?;
        self.i += 1;
        let mut out = String::new();
        let rest = self.src.get(self.i..)?;
        let mut chars = rest.char_indices();
        while let Some((offset, c)) = chars.next() {
            if c as u32 == u32::from(quote) {
                self.i += offset + 1;
                return Some(Data::Str(out));
            }
            if c == '\n' {
                return None;
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let (_, e) = chars.next()?;
            match e {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '0' => out.push('\0'),
                'a' => out.push('\u{7}'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'v' => out.push('\u{b}'),
                '\\' | '\'' | '"' => out.push(e),
                '\n' => {}
                'x' | 'u' | 'U' => {
                    let len = match e {
                        'x' => 2,
                        'u' => 4,
                        _ => 8,
                    };
                    let hex: String = (0..len)
                        .filter_map(|_| chars.next().map(|(_, h)| h))
                        .collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
                }
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
        }
        None
    }
}

/// POSIX `shlex.split(line, comments=True)`: words split on white space, quotes removed,
/// backslash escapes, `#` starting a word begins a comment.
///
/// # Errors
/// An unclosed quote or a trailing backslash.
pub fn shlex_split(line: &str) -> Result<Vec<String>, String> {
    split_words(line, true)
}

/// POSIX `shlex.split(line)` without comments (for `-e KEY=VALUE` arguments).
///
/// # Errors
/// An unclosed quote or a trailing backslash.
pub fn split_words(line: &str, comments: bool) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            // POSIX shlex with comments: `#` outside quotes ends the line, even mid-word
            '#' if comments => break,
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => word.push(ch),
                        None => return Err("no closing quotation".to_string()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\' | '$' | '`')) => word.push(ch),
                            Some('\n') => {}
                            Some(ch) => {
                                word.push('\\');
                                word.push(ch);
                            }
                            None => return Err("no closing quotation".to_string()),
                        },
                        Some(ch) => word.push(ch),
                        None => return Err("no closing quotation".to_string()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some(ch) => word.push(ch),
                    None => return Err("no escaped character".to_string()),
                }
            }
            other => {
                in_word = true;
                word.push(other);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Data {
        Data::Str(x.to_string())
    }

    #[test]
    fn literals_as_python_reads_them() {
        assert_eq!(literal_eval("9100"), Some(Data::Int(9100)));
        assert_eq!(literal_eval("-3"), Some(Data::Int(-3)));
        assert_eq!(literal_eval("1_000"), Some(Data::Int(1000)));
        assert_eq!(literal_eval("0123"), None);
        assert_eq!(literal_eval("1.5"), Some(Data::Float(1.5)));
        assert_eq!(literal_eval("1e3"), Some(Data::Float(1000.0)));
        assert_eq!(literal_eval("True"), Some(Data::Bool(true)));
        assert_eq!(literal_eval("true"), None);
        assert_eq!(literal_eval("None"), Some(Data::Null));
        assert_eq!(literal_eval("'a # b'"), Some(s("a # b")));
        assert_eq!(literal_eval("\"/metrics\""), Some(s("/metrics")));
        assert_eq!(literal_eval("20s"), None);
        assert_eq!(literal_eval("staging"), None);
        assert_eq!(literal_eval("10.1.0.4"), None);
        assert_eq!(
            literal_eval("{'role': 'primary', 'n': [1, 2.0]}"),
            Some(Data::Map(vec![
                (s("role"), s("primary")),
                (s("n"), Data::Seq(vec![Data::Int(1), Data::Float(2.0)]))
            ]))
        );
        assert_eq!(
            literal_eval("(1, 2)"),
            Some(Data::Seq(vec![Data::Int(1), Data::Int(2)]))
        );
    }

    #[test]
    fn nesting_stops_where_pythons_tokenizer_does() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        let mut value = Data::Seq(Vec::new());
        for _ in 1..MAX_NESTING {
            value = Data::Seq(vec![value]);
        }
        assert_eq!(literal_eval(&nested(MAX_NESTING)), Some(value));
        assert_eq!(literal_eval(&nested(MAX_NESTING + 1)), None);
        // deep enough to overflow any stack if each level recursed: stays a string
        assert_eq!(literal_eval(&"[".repeat(100_000)), None);
        assert_eq!(literal_eval(&"({[".repeat(30_000)), None);
        // a sign takes a number, once: `--1` is a string for Python, and so is a long chain
        assert_eq!(literal_eval("- 1"), Some(Data::Int(-1)));
        assert_eq!(literal_eval("+1.5"), Some(Data::Float(1.5)));
        assert_eq!(literal_eval("--1"), None);
        assert_eq!(literal_eval("-+1"), None);
        assert_eq!(literal_eval(&format!("{}1", "-".repeat(100_000))), None);
        assert_eq!(literal_eval("-True"), None);
    }

    #[test]
    fn shlex_splits_like_python() {
        assert_eq!(
            shlex_split(r#"h1 a=1 labels="{'role': 'primary'}" q='x # y' # comment"#).unwrap(),
            ["h1", "a=1", "labels={'role': 'primary'}", "q=x # y"]
        );
        assert_eq!(
            shlex_split(r#"a="b\"c" d=e\ f"#).unwrap(),
            ["a=b\"c", "d=e f"]
        );
        assert!(shlex_split("a='open").is_err());
        assert_eq!(shlex_split("x=a#b").unwrap(), ["x=a"]);
    }
}
