//! How YAML 1.1 (PyYAML's `SafeLoader`, which Ansible uses) types a plain scalar: the
//! implicit resolvers for null, bool, int, float and timestamp. The loader uses this to type
//! plain scalars as Ansible would; the dumper uses it to decide which strings must be quoted
//! so that they read back as strings.

/// What a plain (unquoted, untagged) scalar means under YAML 1.1.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    /// Integers beyond 64 bits stay exact here.
    Int(i128),
    Float(f64),
    /// A date or date-time (PyYAML makes these `datetime` objects); kept as its text.
    Timestamp,
    Str,
}

/// Resolves a plain scalar as PyYAML 1.1 does.
#[must_use]
pub fn resolve_plain(s: &str) -> Resolved {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true)
        }
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false)
        }
        _ => {}
    }
    if let Some(i) = parse_int(s) {
        return Resolved::Int(i);
    }
    if let Some(f) = parse_float(s) {
        return Resolved::Float(f);
    }
    if is_timestamp(s) {
        return Resolved::Timestamp;
    }
    Resolved::Str
}

fn split_sign(s: &str) -> (i128, &str) {
    match s.as_bytes().first() {
        Some(b'-') => (-1, &s[1..]),
        Some(b'+') => (1, &s[1..]),
        _ => (1, s),
    }
}

/// PyYAML's int resolver and constructor:
/// `[-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(?:0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+ |
/// [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+` (sexagesimal).
fn parse_int(s: &str) -> Option<i128> {
    let (sign, body) = split_sign(s);
    if body.is_empty() {
        return None;
    }
    // PyYAML's patterns allow `_` anywhere after the prefix (`0_` and `0x_` are ints).
    let digits = |text: &str, radix: u32| -> Option<i128> {
        let cleaned: String = text.chars().filter(|&c| c != '_').collect();
        if text.is_empty() || !text.chars().all(|c| c == '_' || c.is_digit(radix)) {
            return None;
        }
        if cleaned.is_empty() {
            return Some(0);
        }
        i128::from_str_radix(&cleaned, radix).ok()
    };
    let value = if let Some(rest) = body.strip_prefix("0b") {
        digits(rest, 2)?
    } else if let Some(rest) = body.strip_prefix("0x") {
        digits(rest, 16)?
    } else if body == "0" {
        0
    } else if let Some(rest) = body.strip_prefix('0') {
        digits(rest, 8)?
    } else if body.contains(':') {
        let mut parts = body.split(':');
        let first = parts.next()?;
        if !first.starts_with(|c: char| ('1'..='9').contains(&c)) {
            return None;
        }
        let mut value = digits(first, 10)?;
        for part in parts {
            if part.is_empty() || part.len() > 2 || !part.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let n: i128 = part.parse().ok()?;
            if part.len() == 2 && part.as_bytes()[0] > b'5' {
                return None;
            }
            // past i128 it is not an int (as a too long decimal is not): no overflow panic
            value = value.checked_mul(60)?.checked_add(n)?;
        }
        value
    } else if body.starts_with(|c: char| ('1'..='9').contains(&c)) {
        digits(body, 10)?
    } else {
        return None;
    };
    Some(sign * value)
}

/// PyYAML's float resolver and constructor:
/// `[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)? | \.[0-9][0-9_]*(?:[eE][-+][0-9]+)? |
/// [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]* | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)`.
fn parse_float(s: &str) -> Option<f64> {
    match s {
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let (sign, body) = split_sign(s);
    let sign = sign as f64;
    if matches!(body, ".inf" | ".Inf" | ".INF") {
        return Some(sign * f64::INFINITY);
    }
    let cleaned: String = body.chars().filter(|&c| c != '_').collect();
    if body.contains(':') {
        // sexagesimal float: base-60 integer part, then a fraction
        let (int_part, frac) = body.split_once('.')?;
        if !frac.chars().all(|c| c.is_ascii_digit() || c == '_') {
            return None;
        }
        let int = parse_int(int_part)? as f64;
        let frac: String = frac.chars().filter(|&c| c != '_').collect();
        let frac: f64 = format!("0.{frac}").parse().ok()?;
        return Some(sign * (int + frac));
    }
    // mantissa: digits with one '.', then optional exponent with a mandatory sign
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int_part, frac_part) = mantissa.split_once('.')?;
    let starts_ok = if int_part.is_empty() {
        // `.5` is a float, `-.5` is not (PyYAML's second alternative has no sign)
        sign > 0.0 && !s.starts_with('+') && frac_part.starts_with(|c: char| c.is_ascii_digit())
    } else {
        int_part.starts_with(|c: char| c.is_ascii_digit())
    };
    if !starts_ok
        || !int_part.chars().all(|c| c.is_ascii_digit() || c == '_')
        || !frac_part.chars().all(|c| c.is_ascii_digit() || c == '_')
    {
        return None;
    }
    if let Some(exp) = exponent {
        let digits = exp.strip_prefix(['+', '-'])?;
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let text = if cleaned.starts_with('.') {
        format!("0{cleaned}")
    } else {
        cleaned
    };
    text.parse::<f64>().ok().map(|f| sign * f)
}

/// PyYAML's timestamp resolver: `YYYY-MM-DD` or a date-time with `T`/`t`/spaces.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let is_digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    // [0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?
    if !(0..4).all(is_digit) || b.get(4) != Some(&b'-') {
        return false;
    }
    let mut i = 5;
    let take_1_or_2 = |i: &mut usize| -> bool {
        if !is_digit(*i) {
            return false;
        }
        *i += 1;
        if is_digit(*i) {
            *i += 1;
        }
        true
    };
    if !take_1_or_2(&mut i) || b.get(i) != Some(&b'-') {
        return false;
    }
    i += 1;
    let month_day_start = i;
    if !take_1_or_2(&mut i) {
        return false;
    }
    if i == b.len() {
        // the date-only form needs exactly two-digit month and day
        return s.len() == 10 && month_day_start == 8;
    }
    // date-time: ([Tt]|[ \t]+) hour:minute:second (.fraction)? (([ \t]*)(Z|[-+]hh(:mm)?))?
    let rest = &s[i..];
    let rest = if let Some(r) = rest.strip_prefix(['T', 't']) {
        r
    } else {
        let trimmed = rest.trim_start_matches([' ', '\t']);
        if trimmed.len() == rest.len() {
            return false;
        }
        trimmed
    };
    let (time, zone) = rest.split_at(
        rest.find(|c: char| !(c.is_ascii_digit() || c == ':' || c == '.'))
            .unwrap_or(rest.len()),
    );
    let mut fields = time.split(':');
    let hour = fields.next().unwrap_or("");
    let minute = fields.next().unwrap_or("");
    let seconds = fields.next().unwrap_or("");
    let (second, fraction) = seconds.split_once('.').unwrap_or((seconds, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let time_ok = (1..=2).contains(&hour.len())
        && minute.len() == 2
        && second.len() == 2
        && all_digits(hour)
        && all_digits(minute)
        && all_digits(second)
        && all_digits(fraction)
        && fields.next().is_none();
    // zone: [ \t]*(Z|[-+][0-9][0-9]?(:[0-9][0-9])?)
    let zone = zone.trim_start_matches([' ', '\t']);
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || zone
            .strip_prefix(['+', '-'])
            .is_some_and(|z| match z.split_once(':') {
                Some((h, m)) => {
                    (1..=2).contains(&h.len()) && all_digits(h) && m.len() == 2 && all_digits(m)
                }
                None => (1..=2).contains(&z.len()) && all_digits(z),
            });
    time_ok && zone_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pyyaml_types_plain_scalars() {
        use Resolved::*;
        let cases: &[(&str, Resolved)] = &[
            ("", Null),
            ("~", Null),
            ("yes", Bool(true)),
            ("Off", Bool(false)),
            ("y", Str),
            ("n", Str),
            ("TrUe", Str),
            ("0", Int(0)),
            ("0777", Int(511)),
            ("0123456789", Str),
            ("0x1F", Int(31)),
            ("0b101", Int(5)),
            ("1_000", Int(1000)),
            ("-42", Int(-42)),
            ("1:20", Int(80)),
            ("190:20:30", Int(685_230)),
            ("1.5", Float(1.5)),
            ("1.", Float(1.0)),
            (".5", Float(0.5)),
            ("1e3", Str),
            ("1.0e+3", Float(1000.0)),
            ("1.0e3", Str),
            ("-.inf", Float(f64::NEG_INFINITY)),
            ("9100", Int(9100)),
            ("30s", Str),
            ("2001-12-14", Timestamp),
            ("2001-12-14t21:59:43.10-05:00", Timestamp),
            ("2001-12-14 21:59:43.10 -5", Timestamp),
            ("2001-1-1", Str),
            ("2001-12-14 21:59:43 junk", Str),
            ("2001-12-14 21:59:43.10.5", Str),
            ("0_", Int(0)),
            ("0x_", Int(0)),
            ("10.0.0.1", Str),
            ("1.2.3", Str),
        ];
        for (text, want) in cases {
            assert_eq!(&resolve_plain(text), want, "{text:?}");
        }
        assert!(matches!(resolve_plain(".nan"), Float(f) if f.is_nan()));
    }
}
