//! Small re-implementations of the Go library functions whose exact behaviour decides whether
//! Prometheus accepts a value: `model.ParseDuration` (2.42's and 3.x's), `units.ParseBase2Bytes`,
//! `net/url.Parse`, `net.SplitHostPort`, `http.CanonicalHeaderKey`, `uuid.Parse`,
//! `strconv.ParseBool`, label-name rules, and Go regexp's `Expand`.

use super::Version;

const MS_PER_SECOND: u64 = 1000;
const MS_PER_MINUTE: u64 = 60 * MS_PER_SECOND;
const MS_PER_HOUR: u64 = 60 * MS_PER_MINUTE;
const MS_PER_DAY: u64 = 24 * MS_PER_HOUR;
const MS_PER_WEEK: u64 = 7 * MS_PER_DAY;
const MS_PER_YEAR: u64 = 365 * MS_PER_DAY;

/// The largest duration Go's `time.Duration` holds, in milliseconds.
const MAX_MS: u64 = (i64::MAX as u64) / 1_000_000;

/// `model.ParseDuration`: `1h30m`, `5m`, `0`, units `y w d h m s ms` from biggest to smallest,
/// no fractions, no sign. Returns milliseconds.
pub(crate) fn parse_duration(s: &str, version: Version) -> Result<u64, String> {
    match s {
        "0" => return Ok(0),
        "" => return Err("empty duration string".to_string()),
        _ => {}
    }
    let invalid = || format!("not a valid duration string: {s:?}");
    let units: [(&str, u64); 7] = [
        ("y", MS_PER_YEAR),
        ("w", MS_PER_WEEK),
        ("d", MS_PER_DAY),
        ("h", MS_PER_HOUR),
        ("m", MS_PER_MINUTE),
        ("s", MS_PER_SECOND),
        ("ms", 1),
    ];
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut last_pos = 0usize;
    let mut total: u128 = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(invalid());
        }
        let number = &s[start..i];
        let ustart = i;
        while i < bytes.len() && !bytes[i].is_ascii_digit() {
            i += 1;
        }
        let unit = &s[ustart..i];
        let Some(pos) = units.iter().position(|(u, _)| *u == unit) else {
            return Err(match version {
                Version::V3 if !unit.is_empty() => {
                    format!("unknown unit {unit:?} in duration {s:?}")
                }
                _ => invalid(),
            });
        };
        if pos < last_pos {
            return Err(invalid());
        }
        last_pos = pos + 1;
        let mult = units[pos].1;
        let n: u128 = match number.parse::<u128>() {
            Ok(n) => n,
            Err(_) => return Err("duration out of range".to_string()),
        };
        if n > u128::from(MAX_MS / mult) {
            return Err("duration out of range".to_string());
        }
        total += n * u128::from(mult);
        if total > u128::from(MAX_MS) {
            return Err("duration out of range".to_string());
        }
    }
    u64::try_from(total).map_err(|_| "duration out of range".to_string())
}

/// `model.Duration.String()`: `1m30s`, `0s`, `2w`.
pub(crate) fn duration_string(ms: u64) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    let mut out = String::new();
    let mut rest = ms;
    for (unit, mult, exact) in [
        ("y", MS_PER_YEAR, true),
        ("w", MS_PER_WEEK, true),
        ("d", MS_PER_DAY, false),
        ("h", MS_PER_HOUR, false),
        ("m", MS_PER_MINUTE, false),
        ("s", MS_PER_SECOND, false),
        ("ms", 1, false),
    ] {
        if exact && !rest.is_multiple_of(mult) {
            continue;
        }
        let v = rest / mult;
        if v > 0 {
            out.push_str(&format!("{v}{unit}"));
            rest -= v * mult;
        }
    }
    out
}

/// `units.ParseBase2Bytes`: `512MB`, `1GiB`, `1.5KB`, `0`; a bare number needs a unit.
pub(crate) fn parse_base2_bytes(s: &str) -> Result<i64, String> {
    let iec = |u: &str| -> Option<f64> {
        Some(match u {
            "B" => 1.0,
            "KiB" => 1024f64,
            "MiB" => 1024f64.powi(2),
            "GiB" => 1024f64.powi(3),
            "TiB" => 1024f64.powi(4),
            "PiB" => 1024f64.powi(5),
            "EiB" => 1024f64.powi(6),
            _ => return None,
        })
    };
    let old = |u: &str| -> Option<f64> {
        Some(match u {
            "B" => 1.0,
            "KB" => 1024f64,
            "MB" => 1024f64.powi(2),
            "GB" => 1024f64.powi(3),
            "TB" => 1024f64.powi(4),
            "PB" => 1024f64.powi(5),
            "EB" => 1024f64.powi(6),
            _ => return None,
        })
    };
    match parse_unit(s, &iec) {
        Ok(v) => Ok(v),
        Err(_) => parse_unit(s, &old),
    }
}

/// alecthomas/units `ParseUnit`.
fn parse_unit(orig: &str, unit_map: &dyn Fn(&str) -> Option<f64>) -> Result<i64, String> {
    let mut s = orig;
    let mut neg = false;
    if let Some(c) = s.chars().next() {
        if c == '-' || c == '+' {
            neg = c == '-';
            s = &s[1..];
        }
    }
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(format!("units: invalid {orig}"));
    }
    let mut f = 0f64;
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !(b[i] == b'.' || b[i].is_ascii_digit()) {
            return Err(format!("units: invalid {orig}"));
        }
        let start = i;
        let mut x: i64 = 0;
        while i < b.len() && b[i].is_ascii_digit() {
            if x >= (i64::MAX - 10) / 10 {
                return Err(format!("units: invalid {orig}"));
            }
            x = x * 10 + i64::from(b[i] - b'0');
            i += 1;
        }
        let mut g = x as f64;
        let pre = i != start;
        let mut post = false;
        if i < b.len() && b[i] == b'.' {
            i += 1;
            let fstart = i;
            let mut y: i64 = 0;
            while i < b.len() && b[i].is_ascii_digit() {
                if y >= (i64::MAX - 10) / 10 {
                    return Err(format!("units: invalid {orig}"));
                }
                y = y * 10 + i64::from(b[i] - b'0');
                i += 1;
            }
            let mut scale = 1.0;
            for _ in fstart..i {
                scale *= 10.0;
            }
            g += y as f64 / scale;
            post = i != fstart;
        }
        if !pre && !post {
            return Err(format!("units: invalid {orig}"));
        }
        let ustart = i;
        while i < b.len() && !(b[i] == b'.' || b[i].is_ascii_digit()) {
            i += 1;
        }
        let u = &s[ustart..i];
        match unit_map(u) {
            Some(unit) => f += g * unit,
            None => return Err(format!("units: unknown unit {u} in {orig}")),
        }
    }
    if neg {
        f = -f;
    }
    if !(-9.223_372_036_854_776e18..=9.223_372_036_854_776e18).contains(&f) {
        return Err("units: overflow parsing unit".to_string());
    }
    Ok(f as i64)
}

/// The legacy label-name rule `^[a-zA-Z_][a-zA-Z0-9_]*$`.
pub(crate) fn is_legacy_label_name(s: &str) -> bool {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A label name under a validation scheme: legacy, or (UTF-8) any non-empty valid UTF-8.
pub(crate) fn is_valid_label_name(s: &str, valid_utf8: bool, legacy: bool) -> bool {
    if legacy {
        valid_utf8 && is_legacy_label_name(s)
    } else {
        !s.is_empty() && valid_utf8
    }
}

/// A parsed Go URL, with the parts the checks look at.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct GoUrl {
    pub scheme: String,
    pub host: String,
    pub opaque: String,
    pub has_user: bool,
    pub path: String,
    pub raw_query: String,
    pub fragment: String,
}

impl GoUrl {
    /// Whether `URL.String()` would be empty.
    pub fn is_empty_string(&self) -> bool {
        self.scheme.is_empty()
            && self.host.is_empty()
            && self.opaque.is_empty()
            && !self.has_user
            && self.path.is_empty()
            && self.raw_query.is_empty()
            && self.fragment.is_empty()
    }
}

/// Go's `net/url.Parse`.
pub(crate) fn url_parse(raw: &str) -> Result<GoUrl, String> {
    let (u, frag) = match raw.split_once('#') {
        Some((u, f)) => (u, Some(f)),
        None => (raw, None),
    };
    let mut url = parse_url_inner(u).map_err(|e| format!("parse {u:?}: {e}"))?;
    if let Some(f) = frag {
        url.fragment = unescape(f, Mode::Fragment).map_err(|e| format!("parse {raw:?}: {e}"))?;
    }
    Ok(url)
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Path,
    Host,
    Zone,
    UserPassword,
    Fragment,
    QueryComponent,
}

/// Go's `url.escape`: `%XX` for every byte `should_escape` names, `+` for a space in a query
/// component.
fn escape(s: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if !should_escape(c, mode) {
            out.push(c as char);
        } else if c == b' ' && mode == Mode::QueryComponent {
            out.push('+');
        } else {
            out.push_str(&format!("%{c:02X}"));
        }
    }
    out
}

/// Go's `url.Values.Encode`: sorted by name, each value `name=value`, query-escaped.
pub(crate) fn encode_query(values: &[(String, Vec<String>)]) -> String {
    let mut sorted: Vec<&(String, Vec<String>)> = values.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut parts = Vec::new();
    for (name, vs) in sorted {
        let key = escape(name, Mode::QueryComponent);
        for v in vs {
            parts.push(format!("{key}={}", escape(v, Mode::QueryComponent)));
        }
    }
    parts.join("&")
}

/// Go's `url.URL{Scheme, Host, Path, RawQuery}.String()`.
pub(crate) fn url_string(scheme: &str, host: &str, path: &str, raw_query: &str) -> String {
    let mut out = String::new();
    if !scheme.is_empty() {
        out.push_str(scheme);
        out.push(':');
    }
    if !scheme.is_empty() || !host.is_empty() {
        if !host.is_empty() || !path.is_empty() {
            out.push_str("//");
        }
        out.push_str(&escape(host, Mode::Host));
    }
    let escaped = if path == "*" {
        path.to_string()
    } else {
        escape(path, Mode::Path)
    };
    if !escaped.is_empty() && !escaped.starts_with('/') && !host.is_empty() {
        out.push('/');
    }
    out.push_str(&escaped);
    if !raw_query.is_empty() {
        out.push('?');
        out.push_str(raw_query);
    }
    out
}

fn parse_url_inner(raw: &str) -> Result<GoUrl, String> {
    if raw.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".to_string());
    }
    let mut url = GoUrl::default();
    if raw == "*" {
        url.path = "*".to_string();
        return Ok(url);
    }
    let (scheme, rest) = get_scheme(raw)?;
    url.scheme = scheme.to_lowercase();
    let mut rest = rest.to_string();
    if rest.ends_with('?') && rest.matches('?').count() == 1 {
        rest.pop();
    } else if let Some((r, q)) = rest.clone().split_once('?') {
        rest = r.to_string();
        url.raw_query = q.to_string();
    }
    if !rest.starts_with('/') {
        if !url.scheme.is_empty() {
            url.opaque = rest;
            return Ok(url);
        }
        let segment = rest.split('/').next().unwrap_or("");
        if segment.contains(':') {
            return Err("first path segment in URL cannot contain colon".to_string());
        }
    }
    if (!url.scheme.is_empty() || !rest.starts_with("///")) && rest.starts_with("//") {
        let after = &rest[2..];
        let (authority, path) = match after.find('/') {
            Some(i) => (&after[..i], &after[i..]),
            None => (after, ""),
        };
        let (has_user, host) = parse_authority(authority)?;
        url.has_user = has_user;
        url.host = host;
        rest = path.to_string();
    }
    url.path = unescape(&rest, Mode::Path)?;
    Ok(url)
}

fn get_scheme(raw: &str) -> Result<(String, &str), String> {
    for (i, c) in raw.bytes().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                if i == 0 {
                    return Ok((String::new(), raw));
                }
            }
            b':' => {
                if i == 0 {
                    return Err("missing protocol scheme".to_string());
                }
                return Ok((raw[..i].to_string(), &raw[i + 1..]));
            }
            _ => return Ok((String::new(), raw)),
        }
    }
    Ok((String::new(), raw))
}

fn parse_authority(authority: &str) -> Result<(bool, String), String> {
    let (user, host) = match authority.rfind('@') {
        Some(i) => (Some(&authority[..i]), &authority[i + 1..]),
        None => (None, authority),
    };
    let host = parse_host(host)?;
    if let Some(user) = user {
        if !user.chars().all(|r| {
            r.is_ascii_alphanumeric()
                || matches!(
                    r,
                    '-' | '.'
                        | '_'
                        | ':'
                        | '~'
                        | '!'
                        | '$'
                        | '&'
                        | '\''
                        | '('
                        | ')'
                        | '*'
                        | '+'
                        | ','
                        | ';'
                        | '='
                        | '%'
                        | '@'
                )
        }) {
            return Err("net/url: invalid userinfo".to_string());
        }
        match user.split_once(':') {
            Some((u, p)) => {
                unescape(u, Mode::UserPassword)?;
                unescape(p, Mode::UserPassword)?;
            }
            None => {
                unescape(user, Mode::UserPassword)?;
            }
        }
        return Ok((true, host));
    }
    Ok((false, host))
}

fn valid_optional_port(port: &str) -> bool {
    if port.is_empty() {
        return true;
    }
    match port.strip_prefix(':') {
        Some(digits) => digits.bytes().all(|b| b.is_ascii_digit()),
        None => false,
    }
}

fn parse_host(host: &str) -> Result<String, String> {
    if host.starts_with('[') {
        let Some(i) = host.rfind(']') else {
            return Err("missing ']' in host".to_string());
        };
        let colon_port = &host[i + 1..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {colon_port:?} after host"));
        }
        if let Some(zone) = host[..i].find("%25") {
            let h1 = unescape(&host[..zone], Mode::Host)?;
            let h2 = unescape(&host[zone..i], Mode::Zone)?;
            let h3 = unescape(&host[i..], Mode::Host)?;
            return Ok(h1 + &h2 + &h3);
        }
    } else if let Some(i) = host.rfind(':') {
        let colon_port = &host[i..];
        if !valid_optional_port(colon_port) {
            return Err(format!("invalid port {colon_port:?} after host"));
        }
    }
    unescape(host, Mode::Host)
}

fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if (mode == Mode::Host || mode == Mode::Zone)
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match mode {
            Mode::Path => return c == b'?',
            Mode::UserPassword => return c == b'@' || c == b'/' || c == b'?' || c == b':',
            Mode::Fragment => return false,
            _ => {}
        },
        _ => {}
    }
    if mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*') {
        return false;
    }
    true
}

fn unhex(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Go's `url.unescape`, for its errors only (the text is returned unchanged but validated).
fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' => {
                let hex = |j: usize| b.get(j).and_then(|c| unhex(*c));
                let (Some(h), Some(l)) = (hex(i + 1), hex(i + 2)) else {
                    let tail: String = s[i..].chars().take(3).collect();
                    return Err(format!("invalid URL escape {tail:?}"));
                };
                if mode == Mode::Host && h < 8 && &s[i..i + 3] != "%25" {
                    return Err(format!("invalid URL escape {:?}", &s[i..i + 3]));
                }
                if mode == Mode::Zone {
                    // Only %25 may be followed by further escapes in a zone; Go checks the
                    // unescaped byte here too.
                    let v = h * 16 + l;
                    if &s[i..i + 3] != "%25" && v != b' ' && should_escape(v, Mode::Host) {
                        return Err(format!("invalid URL escape {:?}", &s[i..i + 3]));
                    }
                }
                i += 3;
            }
            c => {
                if (mode == Mode::Host || mode == Mode::Zone) && c < 0x80 && should_escape(c, mode)
                {
                    return Err(format!(
                        "invalid character {:?} in host name",
                        char::from(c).to_string()
                    ));
                }
                i += 1;
            }
        }
    }
    Ok(s.to_string())
}

/// Go's `net.SplitHostPort`.
pub(crate) fn split_host_port(hostport: &str) -> Result<(String, String), String> {
    let Some(i) = hostport.rfind(':') else {
        return Err("missing port in address".to_string());
    };
    let (host, j, k);
    if hostport.starts_with('[') {
        let Some(end) = hostport.find(']') else {
            return Err("missing ']' in address".to_string());
        };
        if end + 1 == hostport.len() {
            return Err("missing port in address".to_string());
        } else if end + 1 != i {
            if hostport.as_bytes()[end + 1] == b':' {
                return Err("too many colons in address".to_string());
            }
            return Err("missing port in address".to_string());
        }
        host = hostport[1..end].to_string();
        j = 1;
        k = end + 1;
    } else {
        let h = &hostport[..i];
        if h.contains(':') {
            return Err("too many colons in address".to_string());
        }
        host = h.to_string();
        j = 0;
        k = 0;
    }
    if hostport[j..].contains('[') {
        return Err("unexpected '[' in address".to_string());
    }
    if hostport[k..].contains(']') {
        return Err("unexpected ']' in address".to_string());
    }
    Ok((host, hostport[i + 1..].to_string()))
}

/// Go's `http.CanonicalHeaderKey`.
pub(crate) fn canonical_header_key(s: &str) -> String {
    let valid = |c: u8| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            )
    };
    if !s.bytes().all(valid) {
        return s.to_string();
    }
    let mut upper = true;
    s.bytes()
        .map(|c| {
            let out = if upper {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            };
            upper = c == b'-';
            char::from(out)
        })
        .collect()
}

/// `github.com/google/uuid.Parse`: 36-character form, with `urn:uuid:` or braces, or 32 hex digits.
pub(crate) fn is_uuid(s: &str) -> bool {
    let body = match s.len() {
        36 => s,
        45 => match s.get(..9) {
            Some(p) if p.eq_ignore_ascii_case("urn:uuid:") => &s[9..],
            _ => return false,
        },
        38 => {
            if !(s.starts_with('{') && s.ends_with('}')) {
                return false;
            }
            &s[1..37]
        }
        32 => return s.bytes().all(|b| b.is_ascii_hexdigit()),
        _ => return false,
    };
    let b = body.as_bytes();
    if b.len() != 36 || b[8] != b'-' || b[13] != b'-' || b[18] != b'-' || b[23] != b'-' {
        return false;
    }
    b.iter()
        .enumerate()
        .all(|(i, c)| matches!(i, 8 | 13 | 18 | 23) || c.is_ascii_hexdigit())
}

/// Go's `strconv.ParseBool`.
pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Go regexp's `Expand`: `$1`, `${1}`, `$name`, `${name}`, `$$`; a `$` followed by anything
/// else is kept as is. `groups[i]` is the text of group `i`, `names[i]` its name.
pub(crate) fn expand(template: &str, groups: &[Option<&str>], names: &[Option<&str>]) -> String {
    let mut out = String::new();
    let mut rest = template;
    while let Some(pos) = rest.find('$') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos + 1..];
        if let Some(r) = rest.strip_prefix('$') {
            out.push('$');
            rest = r;
            continue;
        }
        match extract(rest) {
            Some((name, num, after)) => {
                rest = after;
                match num {
                    Some(n) => {
                        if let Some(Some(g)) = groups.get(n) {
                            out.push_str(g);
                        }
                    }
                    None => {
                        // Go takes the first group of that name that took part in the match.
                        let hit = names
                            .iter()
                            .zip(groups)
                            .find_map(|(n, g)| g.filter(|_| *n == Some(name)));
                        if let Some(g) = hit {
                            out.push_str(g);
                        }
                    }
                }
            }
            None => out.push('$'),
        }
    }
    out.push_str(rest);
    out
}

fn extract(s: &str) -> Option<(&str, Option<usize>, &str)> {
    let (brace, body) = match s.strip_prefix('{') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let mut end = 0;
    for (i, c) in body.char_indices() {
        if !(c.is_alphabetic() || c.is_numeric() || c == '_') {
            break;
        }
        end = i + c.len_utf8();
    }
    if end == 0 {
        return None;
    }
    let name = &body[..end];
    let mut rest = &body[end..];
    if brace {
        rest = rest.strip_prefix('}')?;
    }
    let mut num: Option<usize> = Some(0);
    for b in name.bytes() {
        match num {
            Some(n) if b.is_ascii_digit() && n < 100_000_000 => {
                num = Some(n * 10 + usize::from(b - b'0'))
            }
            _ => {
                num = None;
                break;
            }
        }
    }
    if name.starts_with('0') && name.len() > 1 {
        num = None;
    }
    Some((name, num, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("1h30m", Version::V2), Ok(90 * 60 * 1000));
        assert_eq!(parse_duration("0", Version::V2), Ok(0));
        assert!(parse_duration("5x", Version::V2).is_err());
        assert!(parse_duration("1.5s", Version::V3).is_err());
        assert!(parse_duration("1m1h", Version::V3).is_err());
        assert!(parse_duration("-1h", Version::V3).is_err());
        assert!(parse_duration("", Version::V3).is_err());
        assert_eq!(duration_string(90_000), "1m30s");
        assert_eq!(duration_string(14 * MS_PER_DAY), "2w");
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_base2_bytes("1KB"), Ok(1024));
        assert_eq!(parse_base2_bytes("1KiB"), Ok(1024));
        assert_eq!(parse_base2_bytes("0"), Ok(0));
        assert!(parse_base2_bytes("100").is_err());
        assert!(parse_base2_bytes("1kB").is_err());
    }

    #[test]
    fn urls() {
        assert!(url_parse("http://localhost:9090/api").is_ok());
        assert_eq!(
            url_parse("localhost:9090").map(|u| u.scheme),
            Ok("localhost".to_string())
        );
        assert!(url_parse(":foo").is_err());
        assert!(url_parse("http://host:port").is_err());
        assert!(url_parse("http://a b").is_err());
        assert!(url_parse("%zz").is_err());
        assert_eq!(url_parse("http:///path").map(|u| u.host), Ok(String::new()));
    }

    #[test]
    fn host_ports() {
        assert!(split_host_port("host:80").is_ok());
        assert!(split_host_port("host").is_err());
        assert!(split_host_port("[::1]:80").is_ok());
        assert!(split_host_port("::1").is_err());
    }

    #[test]
    fn expands_like_go() {
        let groups = [Some("ab"), Some("a")];
        let names = [None, Some("x")];
        assert_eq!(expand("l-$1", &groups, &names), "l-a");
        assert_eq!(expand("${1}x", &groups, &names), "ax");
        assert_eq!(expand("$1x", &groups, &names), "");
        assert_eq!(expand("$x", &groups, &names), "a");
        assert_eq!(expand("$$1", &groups, &names), "$1");
        let (groups, names) = ([Some("ab"), None, Some("b")], [None, Some("n"), Some("n")]);
        assert_eq!(expand("<$n>", &groups, &names), "<b>");
    }
}
