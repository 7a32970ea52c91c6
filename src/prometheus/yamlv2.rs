//! Where Go's `gopkg.in/yaml.v2` (a port of libyaml, YAML 1.1) reads text differently from the
//! YAML 1.2 scanner the tree is built with, emulated around it:
//! - [`prepare`]: NEL, LS and PS are line breaks in yaml.v2 (`is_break`), so they become `\n`;
//!   `\'` is a known escape in double-quoted scalars, and a comment may follow a quoted scalar
//!   or a flow collection's end with no space before `#`, and a tag runs on over `,`, `[`, `]`
//!   and `!` (in flow context too): the text is repaired so the 1.2 scanner reads it the same
//!   way;
//! - [`check`]: what yaml.v2 refuses that the 1.2 scanner takes: tabs where libyaml wants
//!   spaces (`yaml_parser_scan_to_next_token` skips a tab only in flow context or where no
//!   simple key may start; plain and block scalars refuse one in their indentation), `%YAML`
//!   other than 1.1 and unknown directives, `...` before the first document, and double-quoted
//!   escapes YAML 1.1 lacks (`\/`) or code points that are surrogates.
//!
//! Only the first document is looked at: yaml.v2's `Unmarshal` reads no further.

use std::borrow::Cow;

use serde_saphyr::granit_parser::{
    Options, ScalarStyle, ScanError, Scanner, Span, StrInput, TokenType,
};

use super::yaml::SyntaxError;

/// How many repairs [`prepare`] makes at most before it lets the 1.2 scanner's error stand.
const MAX_REPAIRS: usize = 1000;

fn scanner(text: &str) -> Scanner<'_, StrInput<'_>> {
    let mut options = Options::default();
    options.set_emit_comments(false);
    let limit = crate::yaml::Budget::MAX_DEPTH + options.simple_key_max_lookahead + 1;
    options.flow_nesting_limit = limit;
    options.block_nesting_limit = limit;
    Scanner::with_options(StrInput::new(text), options)
}

fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r')
}

/// The text as yaml.v2 reads it, fit for the 1.2 scanner (see the module's documentation).
pub(crate) fn prepare(text: &str) -> Cow<'_, str> {
    if unchanged_by_prepare(text) {
        return Cow::Borrowed(text);
    }
    prepare_scanning(text)
}

/// [`prepare`] step by step: each repair scans the text again.
fn prepare_scanning(text: &str) -> Cow<'_, str> {
    let mut text: Cow<'_, str> = if text.contains(['\u{85}', '\u{2028}', '\u{2029}']) {
        Cow::Owned(text.replace(['\u{85}', '\u{2028}', '\u{2029}'], "\n"))
    } else {
        Cow::Borrowed(text)
    };
    for _ in 0..MAX_REPAIRS {
        let Some(err) = first_error(&text) else { break };
        let Some(fixed) = repair(&text, &err).or_else(|| tag_repair(&text, &err)) else {
            break;
        };
        text = Cow::Owned(fixed);
    }
    if let Some(fixed) = tag_suffixes(&text) {
        text = Cow::Owned(fixed);
    }
    for _ in 0..MAX_REPAIRS {
        let Some(fixed) = flow_indicators(&text) else {
            break;
        };
        text = Cow::Owned(fixed);
    }
    match inner_boms(&text) {
        Some(fixed) => Cow::Owned(fixed),
        None => text,
    }
}

/// Whether [`prepare_scanning`] would leave `text` as it is, found in one scan: the text is
/// ASCII (no NEL, LS, PS or byte-order mark; a character index is a byte index), the first
/// document scans without error, and no token is one [`tag_suffixes`] or
/// [`flow_indicators`] rewrites. `false` when unsure: then [`prepare_scanning`] decides.
pub(crate) fn unchanged_by_prepare(text: &str) -> bool {
    if !text.is_ascii() {
        return false;
    }
    let bytes = text.as_bytes();
    let at = |i: usize| bytes.get(i).copied();
    // as in `first_error`: whether the first document has ended (later errors are not repaired)
    let mut depth_open = 0usize;
    let mut first_done = false;
    let mut flow = 0usize;
    let mut plain: Option<usize> = None;
    for tok in scanner(text) {
        let Ok(tok) = tok else { return first_done };
        let (span, kind): (Span, TokenType<'_>) = tok.into_parts();
        let (start, end) = (span.start.index(), span.end.index());
        if !first_done {
            first_done = first_document_ends(&kind, &mut depth_open);
        }
        let rewritten = match kind {
            TokenType::Tag(..) => {
                at(start + 1) != Some(b'<') && at(end).is_some_and(|c| b",[]!".contains(&c))
            }
            TokenType::FlowMappingStart | TokenType::FlowSequenceStart => {
                flow += usize::from(end > start);
                false
            }
            TokenType::FlowMappingEnd | TokenType::FlowSequenceEnd => {
                if end > start {
                    flow = flow.saturating_sub(1);
                }
                false
            }
            TokenType::Scalar(ScalarStyle::Plain, _) if flow > 0 => {
                at(start) == Some(b'?') || (at(start) == Some(b':') && end > start + 1)
            }
            TokenType::Value if flow > 0 => {
                plain == Some(start)
                    && at(start) == Some(b':')
                    && at(start + 1).is_some_and(|c| b",[]{}".contains(&c))
            }
            _ => false,
        };
        if rewritten {
            return false;
        }
        plain = match kind {
            TokenType::Scalar(ScalarStyle::Plain, _) => Some(end),
            _ => None,
        };
    }
    true
}

/// yaml.v2 reads `:` and `?` in flow context as libyaml 0.1 does, unlike YAML 1.2:
/// - where a token starts, `:` is always the value indicator and `?` always the key
///   indicator (`yaml_parser_fetch_next_token`), even when a non-blank follows (`[:x]`,
///   `{?a: b}`), where 1.2 starts a plain scalar: a space is put after the indicator;
/// - inside a plain scalar, `:` ends it only before a blank (`yaml_parser_scan_plain_scalar`),
///   so `{a: b:}` holds the scalar `b:`, where 1.2 ends the scalar before a `:` that a flow
///   indicator follows: that scalar is single-quoted, colon included.
///
/// (`?` inside a plain scalar in flow context ends it in yaml.v2 and is then refused: see
/// [`check`].) `None` when nothing is rewritten.
fn flow_indicators(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    // (position, text to insert) or (from, to, replacement)
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut flow = 0usize;
    let mut plain: Option<(usize, usize)> = None;
    for tok in scanner(text) {
        let Ok(tok) = tok else { break };
        let (span, kind): (Span, TokenType<'_>) = tok.into_parts();
        let (start, end) = (span.start.index(), span.end.index());
        match kind {
            TokenType::FlowMappingStart | TokenType::FlowSequenceStart if end > start => flow += 1,
            TokenType::FlowMappingEnd | TokenType::FlowSequenceEnd if end > start => {
                flow = flow.saturating_sub(1);
            }
            TokenType::Scalar(ScalarStyle::Plain, _) if flow > 0 => {
                let first = chars.get(start);
                if first == Some(&'?') || (first == Some(&':') && end > start + 1) {
                    edits.push((start + 1, start + 1, " ".to_string()));
                }
            }
            TokenType::Value if flow > 0 => {
                if let Some((from, to)) = plain {
                    if to == start
                        && chars.get(start) == Some(&':')
                        && chars.get(start + 1).is_some_and(|c| ",[]{}".contains(*c))
                        && edits.last().is_none_or(|e| e.0 != from + 1)
                    {
                        let source: String = chars[from..=start].iter().collect();
                        edits.push((from, start + 1, format!("'{}'", source.replace('\'', "''"))));
                    }
                }
            }
            _ => {}
        }
        plain = match kind {
            TokenType::Scalar(ScalarStyle::Plain, _) => Some((start, end)),
            _ => None,
        };
    }
    if edits.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + edits.len() * 2);
    let mut at = 0;
    for (from, to, with) in edits {
        out.extend(&chars[at..from]);
        out.push_str(&with);
        at = to;
    }
    out.extend(&chars[at..]);
    Some(out)
}

/// A byte-order mark after the first character is an ordinary character to yaml.v2 (its
/// reader skips one only where the stream starts), where the 1.2 scanner refuses it in a
/// plain scalar: each plain scalar holding one is double-quoted, with the mark escaped.
/// `None` when there is no such scalar.
fn inner_boms(text: &str) -> Option<String> {
    const BOM: char = '\u{feff}';
    let mut chars = text.chars();
    let first = chars.next()?;
    if !chars.as_str().contains(BOM) {
        return None;
    }
    // The marks stand in as a private-use character the text does not hold, so the scanner
    // says where each plain scalar holding one starts and ends.
    let stand_in = ('\u{e000}'..='\u{f8ff}').find(|c| !text.contains(*c))?;
    let mut swapped = String::with_capacity(text.len());
    swapped.push(first);
    swapped.extend(chars.map(|c| if c == BOM { stand_in } else { c }));
    let chars: Vec<char> = swapped.chars().collect();
    let mut quoted: Vec<(usize, usize)> = Vec::new();
    for tok in scanner(&swapped) {
        let Ok(tok) = tok else { break };
        let (span, kind): (Span, TokenType<'_>) = tok.into_parts();
        let (start, end) = (span.start.index(), span.end.index().min(chars.len()));
        if matches!(kind, TokenType::Scalar(ScalarStyle::Plain, _))
            && chars[start..end].contains(&stand_in)
        {
            quoted.push((start, end));
        }
    }
    if quoted.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(text.len() + quoted.len() * 8);
    let mut at = 0;
    let restore = |c: &char| if *c == stand_in { BOM } else { *c };
    for (from, to) in quoted {
        out.extend(chars[at..from].iter().map(restore));
        out.push('"');
        for c in &chars[from..to] {
            match *c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                c if c == stand_in => out.push_str("\\ufeff"),
                c => out.push(c),
            }
        }
        out.push('"');
        at = to;
    }
    out.extend(chars[at..].iter().map(restore));
    Some(out)
}

/// A tag the 1.2 scanner refuses where it meets `,`, `[`, `]` or `!` (`- !!str,x a`) and
/// yaml.v2 reads on: that run percent-encoded (see [`tag_suffixes`]).
fn tag_repair(text: &str, err: &ScanError) -> Option<String> {
    if !err.info().contains("tag") {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut at = err.marker().index();
    if chars.get(at) == Some(&'!') {
        // The tag's start: past its handle (`!`, `!!` or `!word!`) to the suffix.
        let mut j = at + 1;
        while j < chars.len() && (chars[j].is_ascii_alphanumeric() || "-_".contains(chars[j])) {
            j += 1;
        }
        at = if chars.get(j) == Some(&'!') {
            j + 1
        } else {
            at + 1
        };
        while at < chars.len() && is_uri(chars[at]) && !",[]!".contains(chars[at]) {
            at += 1;
        }
    }
    if !chars.get(at).is_some_and(|c| ",[]!".contains(*c)) {
        return None;
    }
    let mut stop = at;
    while stop < chars.len() && is_uri(chars[stop]) {
        stop += 1;
    }
    Some(encode_run(&chars, &[(at, stop)]))
}

/// A character of yaml.v2's tag URIs.
fn is_uri(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_-;/?:@&=+$,.!~*'()[]%".contains(c)
}

/// The text with `,`, `[`, `]` and `!` percent-encoded in the given runs.
fn encode_run(chars: &[char], runs: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(chars.len() + 8);
    let mut at = 0;
    for &(from, to) in runs {
        out.extend(&chars[at..from]);
        for &c in &chars[from..to] {
            if ",[]!".contains(c) {
                out.push_str(&format!("%{:02X}", c as u32));
            } else {
                out.push(c);
            }
        }
        at = to;
    }
    out.extend(&chars[at..]);
    out
}

/// yaml.v2's tag scanner (`yaml_parser_scan_tag_uri`) takes every URI character, `,`, `[`, `]`
/// and `!` included, in flow context too: `[!!str]` is a tag `!!str]` and an unclosed sequence,
/// `[!!str, b]` the tagged item `b`. The 1.2 scanner stops a tag at those characters; they are
/// percent-encoded (which both decode to the same tag) so it reads the tag as yaml.v2 does.
/// `None` when no tag runs on so.
fn tag_suffixes(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut runs = Vec::new();
    for tok in scanner(text) {
        let Ok(tok) = tok else { break };
        let (span, kind): (Span, TokenType<'_>) = tok.into_parts();
        if !matches!(kind, TokenType::Tag(..)) {
            continue;
        }
        let (start, end) = (span.start.index(), span.end.index());
        if chars.get(start + 1) == Some(&'<') {
            continue; // a verbatim tag `!<…>` ends at its `>`
        }
        let mut stop = end;
        while stop < chars.len() && is_uri(chars[stop]) {
            stop += 1;
        }
        if stop > end && ",[]!".contains(chars[end]) {
            runs.push((end, stop));
        }
    }
    if runs.is_empty() {
        return None;
    }
    Some(encode_run(&chars, &runs))
}

/// Whether token `kind` ends the first document (a document marker after its content);
/// `depth_open` counts the content tokens seen so far.
fn first_document_ends(kind: &TokenType<'_>, depth_open: &mut usize) -> bool {
    match kind {
        TokenType::DocumentStart | TokenType::DocumentEnd if *depth_open > 0 => true,
        TokenType::StreamStart
        | TokenType::VersionDirective(..)
        | TokenType::TagDirective(..)
        | TokenType::ReservedDirective(..)
        | TokenType::DocumentStart => false,
        _ => {
            *depth_open += 1;
            false
        }
    }
}

/// The scanner's first error in the first document.
fn first_error(text: &str) -> Option<ScanError> {
    let mut depth_open = 0usize;
    for tok in scanner(text) {
        match tok {
            Err(e) => return Some(e),
            Ok(t) if first_document_ends(t.token_type(), &mut depth_open) => return None,
            Ok(_) => {}
        }
    }
    None
}

/// Tabs starting a line inside a flow collection: yaml.v2 skips them as any blank there
/// (`yaml_parser_scan_to_next_token` takes tabs in flow context), where the 1.2 scanner reads
/// them as indentation. They become spaces, unless a plain scalar goes on over the line break
/// (yaml.v2 then checks them against the indentation: see [`check`]).
fn flow_line_tabs(text: &str, chars: &[char], at: usize) -> Option<String> {
    let line_start = chars[..at.min(chars.len())]
        .iter()
        .rposition(|c| is_break(*c))
        .map_or(0, |i| i + 1);
    let mut flow = 0usize;
    let mut after_plain = false;
    for tok in scanner(text) {
        let Ok(tok) = tok else { break };
        let (span, kind): (Span, TokenType<'_>) = tok.into_parts();
        if span.start.index() >= line_start {
            break;
        }
        match kind {
            TokenType::FlowMappingStart | TokenType::FlowSequenceStart => flow += 1,
            TokenType::FlowMappingEnd | TokenType::FlowSequenceEnd => {
                flow = flow.saturating_sub(1);
            }
            _ => {}
        }
        after_plain = matches!(kind, TokenType::Scalar(ScalarStyle::Plain, _));
    }
    if flow == 0 || after_plain {
        return None;
    }
    let mut out: String = chars[..line_start].iter().collect();
    let mut i = line_start;
    while i < chars.len() && matches!(chars[i], ' ' | '\t') {
        out.push(' ');
        i += 1;
    }
    if i == line_start || !chars[line_start..i].contains(&'\t') {
        return None;
    }
    out.extend(&chars[i..]);
    Some(out)
}

/// The text with the one construct yaml.v2 takes and the 1.2 scanner refuses at `err`
/// rewritten, or `None` when the error is a real one.
fn repair(text: &str, err: &ScanError) -> Option<String> {
    let at = err.marker().index();
    let chars: Vec<char> = text.chars().collect();
    let info = err.info();
    let byte = |i: usize| text.char_indices().nth(i).map_or(text.len(), |(b, _)| b);
    if info.contains("tabs disallowed within this context") {
        return flow_line_tabs(text, &chars, at);
    }
    if info.contains("unknown escape character") {
        // the marker is on the scalar's opening quote: find the first escape YAML 1.2 lacks
        let mut i = at + 1;
        while i + 1 < chars.len() && chars[i] != '"' {
            if chars[i] != '\\' {
                i += 1;
                continue;
            }
            if matches!(
                chars[i + 1],
                '0' | 'a'
                    | 'b'
                    | 't'
                    | '\t'
                    | 'n'
                    | 'v'
                    | 'f'
                    | 'r'
                    | 'e'
                    | ' '
                    | '"'
                    | '/'
                    | '\\'
                    | 'N'
                    | '_'
                    | 'L'
                    | 'P'
                    | 'x'
                    | 'u'
                    | 'U'
                    | '\n'
                    | '\r'
            ) {
                i += 2;
                continue;
            }
            break;
        }
        if chars.get(i) != Some(&'\\') || chars.get(i + 1) != Some(&'\'') {
            return None;
        }
        let b = byte(i);
        return Some(format!("{}\\x27{}", &text[..b], &text[b + 2..]));
    }
    if info.contains("comments must be separated from other tokens by whitespace") {
        let hash = (at.saturating_sub(1)..=at.min(chars.len().saturating_sub(1)))
            .find(|&i| chars[i] == '#')?;
        let prev = *chars.get(hash.checked_sub(1)?)?;
        if matches!(prev, '"' | '\'' | ']' | '}') {
            let b = byte(hash);
            return Some(format!("{} {}", &text[..b], &text[b..]));
        }
    }
    None
}

/// What yaml.v2 refuses in `text` (already [`prepare`]d) that the 1.2 scanner takes. Errors
/// of the 1.2 scanner itself are left to the loader.
pub(crate) fn check(text: &str) -> Result<(), SyntaxError> {
    let chars: Vec<char> = text.chars().collect();
    // where each line starts (a char index): a line and column are computed when asked, not
    // kept for every character
    let mut starts = vec![0];
    for (i, ch) in chars.iter().enumerate() {
        if *ch == '\n' || (*ch == '\r' && chars.get(i + 1) != Some(&'\n')) {
            starts.push(i + 1);
        }
    }
    let mut st = State {
        chars: &chars,
        starts: &starts,
        flow: 0,
        indents: Vec::new(),
        prev: Prev::StreamStart,
        prev_end: 0,
    };
    let mut content = false;
    let mut after_root = false;
    // whether the latest key was an explicit `? key` (after its `:`, a simple key may start)
    let mut explicit_key = false;
    let mut explicit_start = false;
    // the closing indicators of the open flow collections, innermost last
    let mut closers: Vec<char> = Vec::new();
    // whether the latest token opens a flow collection or follows `,` or `:` in one
    let mut after_flow_entry = false;
    let mut after_value = false;
    for tok in scanner(text) {
        let Ok(tok) = tok else { return Ok(()) };
        let (span, kind): (Span, TokenType<'_>) = tok.into_parts();
        let (start, end) = (span.start.index(), span.end.index());
        let virtual_token = start == end
            && matches!(
                kind,
                TokenType::BlockMappingStart
                    | TokenType::BlockSequenceStart
                    | TokenType::BlockEnd
                    | TokenType::Key
                    | TokenType::StreamEnd
            );
        // a block scalar's span starts at its content: its header is in the gap
        let mut gap_end = start.min(chars.len());
        if matches!(
            kind,
            TokenType::Scalar(ScalarStyle::Literal | ScalarStyle::Folded, _)
        ) {
            if let Some(h) = (st.prev_end..gap_end).find(|&i| matches!(chars[i], '|' | '>')) {
                gap_end = h;
            }
        }
        if !virtual_token || matches!(kind, TokenType::StreamEnd) {
            st.gap(st.prev_end, gap_end)?;
        }
        let document_marker = matches!(kind, TokenType::DocumentStart | TokenType::DocumentEnd);
        match &kind {
            TokenType::VersionDirective(major, minor) if (*major, *minor) != (1u32, 1u32) => {
                return Err(st.error(start, "found incompatible YAML document"));
            }
            TokenType::ReservedDirective(..) => {
                return Err(st.error(start, "found unknown directive name"));
            }
            TokenType::DocumentEnd if !content && !explicit_start => {
                return Err(st.error(start, "did not find expected node content"));
            }
            _ => {}
        }
        if content && document_marker {
            return Ok(());
        }
        explicit_start |= matches!(kind, TokenType::DocumentStart);
        match &kind {
            TokenType::StreamStart
            | TokenType::StreamEnd
            | TokenType::VersionDirective(..)
            | TokenType::TagDirective(..)
            | TokenType::DocumentStart => {}
            _ => content = true,
        }
        match &kind {
            TokenType::BlockMappingStart | TokenType::BlockSequenceStart => {
                st.indents.push(span.start.col());
            }
            TokenType::BlockEnd => {
                st.indents.pop();
            }
            TokenType::FlowMappingStart | TokenType::FlowSequenceStart => {
                st.flow += 1;
                if end > start {
                    closers.push(if matches!(kind, TokenType::FlowMappingStart) {
                        '}'
                    } else {
                        ']'
                    });
                }
            }
            TokenType::FlowMappingEnd | TokenType::FlowSequenceEnd => {
                st.flow = st.flow.saturating_sub(1);
                if end > start {
                    closers.pop();
                }
            }
            _ => {}
        }
        // `:` and `?` in flow context, as yaml.v2 reads them (see [`flow_indicators`])
        if let Some(&closer) = closers.last() {
            match &kind {
                // a value with no key before it: yaml.v2's parser wants a node there
                TokenType::Value if after_flow_entry => {
                    return Err(st.error(start, "did not find expected node content"));
                }
                // nor may an explicit key follow a value indicator
                TokenType::Key if end > start && after_value => {
                    return Err(st.error(start, "did not find expected node content"));
                }
                // `?` ends a plain scalar, and the key indicator cannot follow a node
                TokenType::Scalar(ScalarStyle::Plain, _) => {
                    if let Some(q) = (start + 1..end.min(chars.len())).find(|&i| chars[i] == '?') {
                        return Err(
                            st.error(q, &format!("did not find expected ',' or '{closer}'"))
                        );
                    }
                }
                _ => {}
            }
        }
        if !(matches!(
            kind,
            TokenType::FlowMappingStart | TokenType::FlowMappingEnd
        ) && end == start)
        {
            after_value = matches!(kind, TokenType::Value);
            after_flow_entry = matches!(
                kind,
                TokenType::FlowMappingStart
                    | TokenType::FlowSequenceStart
                    | TokenType::FlowEntry
                    | TokenType::Value
            );
        }
        if matches!(kind, TokenType::Key) {
            explicit_key = !virtual_token;
        }
        // yaml.v2's Unmarshal reads one document: once its root node is complete, the parser
        // looks at one more token (is it `...`?) and stops; nothing after it is scanned
        if after_root && !virtual_token {
            return Ok(());
        }
        after_root |= content
            && st.flow == 0
            && st.indents.is_empty()
            && matches!(
                kind,
                TokenType::Scalar(..)
                    | TokenType::Alias(..)
                    | TokenType::FlowMappingEnd
                    | TokenType::FlowSequenceEnd
                    | TokenType::BlockEnd
            );
        if virtual_token {
            continue;
        }
        st.prev = match &kind {
            TokenType::Scalar(ScalarStyle::Plain, _) => {
                st.plain_inside(start, end.min(chars.len()))?;
                Prev::Plain(st.plain_indent())
            }
            TokenType::Scalar(ScalarStyle::DoubleQuoted, _) => {
                st.escapes(start, end.min(chars.len()))?;
                Prev::Other
            }
            TokenType::Scalar(ScalarStyle::Literal | ScalarStyle::Folded, _) => {
                st.block_scalar(gap_end)?;
                Prev::KeyAllowed
            }
            TokenType::Key if st.flow == 0 => Prev::KeyAllowed,
            TokenType::Value if st.flow == 0 && explicit_key => Prev::KeyAllowed,
            TokenType::BlockEntry | TokenType::StreamStart => Prev::KeyAllowed,
            _ => Prev::Other,
        };
        st.prev_end = end;
    }
    Ok(())
}

/// The previous token, as far as the tabs after it are concerned.
#[derive(Clone, Copy, PartialEq)]
enum Prev {
    StreamStart,
    /// A plain scalar: its scanner goes on through blanks and breaks (least column of a tab
    /// after a break: yaml.v2's `parser.indent + 1` when it started).
    Plain(usize),
    /// A token after which a simple key may start, so a tab is not skipped.
    KeyAllowed,
    Other,
}

struct State<'a> {
    chars: &'a [char],
    /// The char index each line starts at.
    starts: &'a [usize],
    flow: usize,
    /// Columns of the open block collections (yaml.v2's indent stack).
    indents: Vec<usize>,
    prev: Prev,
    prev_end: usize,
}

impl State<'_> {
    /// The 1-based line of char index `at`.
    fn line(&self, at: usize) -> usize {
        self.starts.partition_point(|&s| s <= at)
    }

    /// The 0-based column (in chars) of char index `at`.
    fn col(&self, at: usize) -> usize {
        at - self.starts[self.line(at) - 1]
    }

    fn error(&self, at: usize, message: &str) -> SyntaxError {
        let at = at.min(self.chars.len());
        SyntaxError {
            line: self.line(at),
            column: self.col(at) + 1,
            message: message.to_string(),
        }
    }

    /// yaml.v2's `parser.indent + 1`, the least column of a plain scalar's continuation.
    fn plain_indent(&self) -> usize {
        self.indents.last().map_or(0, |c| c + 1)
    }

    /// The whitespace and comments between two tokens.
    fn gap(&self, from: usize, to: usize) -> Result<(), SyntaxError> {
        let mut after_break = matches!(self.prev, Prev::StreamStart);
        let (mut plain, indent) = match self.prev {
            Prev::Plain(n) => (true, n),
            _ => (false, 0),
        };
        let mut comment = false;
        for i in from..to {
            let c = self.chars[i];
            if is_break(c) {
                comment = false;
                after_break = true;
                continue;
            }
            if comment {
                continue;
            }
            match c {
                '#' => {
                    comment = true;
                    plain = false;
                }
                '\t' => {
                    if plain {
                        if after_break && self.col(i) < indent {
                            return Err(
                                self.error(i, "found a tab character that violates indentation")
                            );
                        }
                    } else if self.flow == 0
                        && (after_break
                            || matches!(self.prev, Prev::KeyAllowed | Prev::StreamStart))
                    {
                        return Err(self.error(i, "found character that cannot start any token"));
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Tabs in the indentation of a plain scalar's continuation lines.
    fn plain_inside(&self, from: usize, to: usize) -> Result<(), SyntaxError> {
        let mut leading = false;
        for i in from..to {
            match self.chars[i] {
                c if is_break(c) => leading = true,
                ' ' => {}
                '\t' if leading && self.col(i) < self.plain_indent() => {
                    return Err(self.error(i, "found a tab character that violates indentation"));
                }
                '\t' => {}
                _ => leading = false,
            }
        }
        Ok(())
    }

    /// Tabs in a block scalar's indentation (`yaml_parser_scan_block_scalar_breaks`).
    fn block_scalar(&self, start: usize) -> Result<(), SyntaxError> {
        let chars = self.chars;
        let mut i = start + 1;
        let mut explicit = None;
        while i < chars.len() && !is_break(chars[i]) {
            if let Some(d) = chars[i].to_digit(10) {
                if explicit.is_none() && d > 0 && !matches!(chars[i - 1], ' ' | '\t' | '#') {
                    explicit = Some(d as usize);
                }
            }
            if chars[i] == '#' {
                while i < chars.len() && !is_break(chars[i]) {
                    i += 1;
                }
                break;
            }
            i += 1;
        }
        let base = self.indents.last().map_or(0, |c| c + 1);
        let mut indent = explicit.map(|d| (base + d).saturating_sub(1).max(1));
        // line by line from the one after the header
        while i < chars.len() {
            // at a line break: step over it
            if chars[i] == '\r' && chars.get(i + 1) == Some(&'\n') {
                i += 1;
            }
            i += 1;
            let line_start = i;
            while i < chars.len() && chars[i] == ' ' && indent.is_none_or(|n| i - line_start < n) {
                i += 1;
            }
            if i >= chars.len() {
                break;
            }
            let column = i - line_start;
            if chars[i] == '\t' && indent.is_none_or(|n| column < n) {
                return Err(self.error(
                    i,
                    "found a tab character where an indentation space is expected",
                ));
            }
            if is_break(chars[i]) {
                continue;
            }
            let n = *indent.get_or_insert_with(|| {
                let mut j = i;
                while j < chars.len() && chars[j] == ' ' {
                    j += 1;
                }
                (j - line_start).max(base).max(1)
            });
            if column < n {
                // a line with content left of the indentation ends the scalar
                if chars[i] != ' ' {
                    break;
                }
            }
            while i < chars.len() && !is_break(chars[i]) {
                i += 1;
            }
            if i >= chars.len() {
                break;
            }
        }
        Ok(())
    }

    /// The escapes of a double-quoted scalar, with yaml.v2's (YAML 1.1) table.
    fn escapes(&self, from: usize, to: usize) -> Result<(), SyntaxError> {
        let chars = self.chars;
        let mut i = from + 1;
        while i + 1 < to {
            if chars[i] != '\\' {
                i += 1;
                continue;
            }
            let e = chars[i + 1];
            let len = match e {
                '0' | 'a' | 'b' | 't' | '\t' | 'n' | 'v' | 'f' | 'r' | 'e' | ' ' | '"' | '\''
                | '\\' | 'N' | '_' | 'L' | 'P' | '\n' | '\r' => 0,
                'x' => 2,
                'u' => 4,
                'U' => 8,
                _ => return Err(self.error(i, "found unknown escape character")),
            };
            if len > 0 {
                let digits: String = chars[i + 2..(i + 2 + len).min(chars.len())]
                    .iter()
                    .collect();
                if let Ok(v) = u32::from_str_radix(&digits, 16) {
                    if digits.len() == len && ((0xD800..=0xDFFF).contains(&v) || v > 0x10FFFF) {
                        return Err(self.error(i, "found invalid Unicode character escape code"));
                    }
                }
            }
            i += 2 + len;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(text: &str) -> bool {
        super::super::yaml::load(text).is_err()
    }

    /// The one-scan test agrees with the repairs: on every Prometheus file the tests hold,
    /// and on each with a line cut short, whatever it leaves alone is left alone.
    #[test]
    fn the_one_scan_test_agrees_with_the_repairs() {
        let mut files = Vec::new();
        let mut dirs = vec![std::path::PathBuf::from("tests/data/prometheus")];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                    files.push(std::fs::read_to_string(&path).unwrap_or_default());
                }
            }
        }
        assert!(files.len() > 400, "{} files", files.len());
        let (mut unchanged, mut rewritten) = (0, 0);
        for text in &files {
            let mut variants = vec![text.clone()];
            for (i, _) in text.match_indices('\n').step_by(7) {
                let cut = i.saturating_sub(3);
                if text.is_char_boundary(cut) {
                    variants.push(format!("{}{}", &text[..cut], &text[i..]));
                }
            }
            for v in &variants {
                if unchanged_by_prepare(v) {
                    assert_eq!(prepare_scanning(v), v.as_str(), "{v}");
                    unchanged += 1;
                } else if prepare_scanning(v) != v.as_str() {
                    rewritten += 1;
                }
            }
        }
        assert!(unchanged > 500 && rewritten > 10, "{unchanged} {rewritten}");
        for text in [
            "a: [:x]\n",
            "a: {b: c:,d: e}\n",
            "a: !x,y b\n",
            "a: \"x\"#c\n",
        ] {
            assert!(!unchanged_by_prepare(text), "{text}");
        }
    }

    #[test]
    fn tabs_where_libyaml_wants_spaces() {
        assert!(refused("a: 1\n\t# c\n"));
        assert!(refused("  \t \n"));
        assert!(refused("a:\n  b: c\n  \t# x\n"));
        assert!(!refused("a: c\n  \t# x\n"));
        assert!(!refused("a: [b,\n\tc]\n"));
        assert!(!refused("a: b\t# c\n"));
        assert!(refused("a: >\n  \tx\n"));
        assert!(!refused("a: |\n  x\n  \ty\n"));
        assert!(!refused("# a\tb\n"));
        assert!(!refused("a:\t\n"));
        assert!(refused("? a\n:\tb\n"));
        assert!(refused("a:\n-\tx\n"));
        assert!(refused("a: [b\n\t]\n"));
        assert!(refused("a:\n  b: |\n    x\n\t# c\n"));
        assert!(!refused("a:\n  - b: [c,\n\td]\n"));
        assert!(!refused("!!map {}\n- a\n\t\n"));
        assert!(refused("!!map {}\n\t- a\n"));
        assert!(!refused("a:\n  - b: [\n \t]\n"));
    }

    #[test]
    fn directives_documents_and_escapes() {
        assert!(refused("%YAML 1.2\n---\na: 1\n"));
        assert!(!refused("%YAML 1.1\n---\na: 1\n"));
        assert!(refused("%FOO bar\n---\na: 1\n"));
        assert!(refused("...\na: 1\n"));
        assert!(refused("# c\n...\n"));
        assert!(!refused("---\n...\n"));
        assert!(!refused("a: 1\n...\n"));
        assert!(refused("a: \"\\/\"\n"));
        assert!(refused("a: \"\\ud800\"\n"));
        assert!(!refused("a: \"\\u00e9 \\x41 \\N\"\n"));
        assert!(!refused("a: 1\n---\nb: \"\\/\"\n"));
    }

    #[test]
    fn flow_indicators_as_libyaml_reads_them() {
        assert_eq!(prepare("a: [:x]\n"), "a: [: x]\n");
        assert_eq!(prepare("a: {?b: c}\n"), "a: {? b: c}\n");
        assert_eq!(prepare("a: {b: c:,d: e}\n"), "a: {b: 'c:',d: e}\n");
        assert_eq!(prepare("a: {b: 'c':}\n"), "a: {b: 'c':}\n");
        assert_eq!(prepare("a: b:c\n"), "a: b:c\n");
        assert!(refused("a: [:x]\n"));
        assert!(refused("a: { : x}\n"));
        assert!(refused("a: {b: :x}\n"));
        assert!(refused("a: {b: c?d}\n"));
        assert!(refused("a: [c ?d]\n"));
        assert!(!refused("a: {?b: c}\n"));
        assert!(!refused("a: {b: c:}\n"));
        assert!(!refused("a: {b :x}\n"));
        assert!(!refused("a: {? : x}\n"));
        assert!(!refused("a: ?x\n"));
        assert!(refused("a: {b: ?}\n"));
        assert!(!refused("a: {?}\n"));
    }

    #[test]
    fn byte_order_marks_inside_the_stream() {
        assert_eq!(prepare("a: {b: \u{feff}}\n"), "a: {b: \"\\ufeff\"}\n");
        assert_eq!(prepare("\u{feff}a: b\n"), "\u{feff}a: b\n");
        assert!(!refused("a: {b: \u{feff}}\n"));
        assert!(!refused("a: x\u{feff}\"y\\\n"));
        assert!(refused("a: b\n\u{feff}\n"));
    }

    #[test]
    fn repairs() {
        assert_eq!(prepare("a: \"x\\'y\"\n"), "a: \"x\\x27y\"\n");
        assert_eq!(prepare("a: \"x\"#c\n"), "a: \"x\" #c\n");
        assert_eq!(prepare("# c\u{85}d\n"), "# c\nd\n");
    }
}
