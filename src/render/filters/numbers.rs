//! Numbers: `human_readable`, `human_to_bytes`, `filesizeformat`, `log`, `pow`, `root`.

use minijinja::{value::Kwargs, Environment, Error, Value};

use super::filter_error;

pub(super) fn register(env: &mut Environment<'static>) {
    super::add_filter(env, "human_readable", human_readable);
    super::add_filter(env, "human_to_bytes", human_to_bytes);
    super::add_filter(env, "filesizeformat", filesizeformat);
    // Ansible: math.log10(x) for base 10, else math.log(x, base); Python's domain errors
    super::add_filter(env, "log", |x: f64, base: Option<f64>| {
        let domain = || super::filter_error("log", "math domain error");
        if x <= 0.0 || x.is_nan() {
            return Err(domain());
        }
        match base {
            Some(b) if (b - 10.0).abs() < f64::EPSILON => Ok(x.log10()),
            Some(b) if b <= 0.0 => Err(domain()),
            Some(b) if (b - 1.0).abs() < f64::EPSILON => {
                Err(super::filter_error("log", "float division by zero"))
            }
            Some(b) => Ok(x.ln() / b.ln()),
            None => Ok(x.ln()),
        }
    });
    super::add_filter(env, "pow", |x: f64, y: f64| x.powf(y));
    super::add_filter(env, "root", |x: f64, base: Option<f64>| {
        let b = base.unwrap_or(2.0);
        if (b - 2.0).abs() < f64::EPSILON {
            if x < 0.0 {
                return Err(super::filter_error("root", "math domain error"));
            }
            Ok(x.sqrt())
        } else {
            Ok(x.powf(1.0 / b))
        }
    });
}

fn number(value: &Value, filter: &str) -> Result<f64, Error> {
    if let Ok(n) = f64::try_from(value.clone()) {
        return Ok(n);
    }
    let text = super::text(value)?;
    text.trim()
        .parse()
        .map_err(|_| filter_error(filter, format!("`{text}` is not a number")))
}

/// Ansible's `human_readable(size, isbits=False, unit=None)`.
fn human_readable(
    value: &Value,
    isbits: Option<bool>,
    unit: Option<&str>,
    kwargs: Kwargs,
) -> Result<String, Error> {
    let isbits = kwargs
        .get::<Option<bool>>("isbits")?
        .or(isbits)
        .unwrap_or(false);
    let unit: Option<String> = kwargs
        .get::<Option<String>>("unit")?
        .or(unit.map(str::to_string));
    kwargs.assert_all_used()?;
    let size = number(value, "human_readable")?;
    let units = ["Y", "Z", "E", "P", "T", "G", "M", "K", ""];
    let (suffix, base) = if isbits {
        ("b", "bits")
    } else {
        ("B", "Bytes")
    };
    for (i, u) in units.iter().enumerate() {
        let limit = 1024f64.powi(i32::try_from(8 - i).unwrap_or(0));
        let chosen = match &unit {
            Some(want) => {
                want.chars()
                    .next()
                    .map(|c| c.to_ascii_uppercase().to_string())
                    == Some((*u).to_string())
            }
            None => size >= limit,
        };
        if chosen || u.is_empty() {
            let v = size / limit;
            return Ok(if u.is_empty() {
                format!("{v:.2} {base}")
            } else {
                format!("{v:.2} {u}{suffix}")
            });
        }
    }
    Ok(format!("{size:.2} {base}"))
}

/// Ansible's `human_to_bytes(size, default_unit=None, isbits=False)`.
fn human_to_bytes(
    value: &Value,
    default_unit: Option<&str>,
    isbits: Option<bool>,
) -> Result<Value, Error> {
    let text = super::text(value)?;
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ' '))
        .unwrap_or(text.len());
    let (num, unit) = (text[..split].trim(), text[split..].trim());
    let num: f64 = num
        .parse()
        .map_err(|_| filter_error("human_to_bytes", format!("cannot read `{text}` as a size")))?;
    let unit = if unit.is_empty() {
        default_unit.unwrap_or("B")
    } else {
        unit
    };
    let letter = unit
        .chars()
        .next()
        .map(|c| c.to_ascii_uppercase())
        .unwrap_or('B');
    let power = "BKMGTPEZY"
        .find(letter)
        .ok_or_else(|| filter_error("human_to_bytes", format!("unknown unit `{unit}`")))?;
    let is_bits_unit = unit.len() > 1 && unit.ends_with('b') || unit == "b";
    if isbits.unwrap_or(false) != is_bits_unit && unit.len() > 1 {
        return Err(filter_error(
            "human_to_bytes",
            format!(
                "`{unit}` is not a {} unit",
                if isbits.unwrap_or(false) {
                    "bit"
                } else {
                    "byte"
                }
            ),
        ));
    }
    let bytes = num * 1024f64.powi(i32::try_from(power).unwrap_or(0));
    Ok(Value::from(bytes.round() as i64))
}

/// Jinja2's `filesizeformat(value, binary=False)`.
fn filesizeformat(value: &Value, binary: Option<bool>) -> Result<String, Error> {
    let bytes = number(value, "filesizeformat")?;
    let binary = binary.unwrap_or(false);
    let base: f64 = if binary { 1024.0 } else { 1000.0 };
    let prefixes = if binary {
        ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"]
    } else {
        ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
    };
    if (bytes - 1.0).abs() < f64::EPSILON {
        return Ok("1 Byte".to_string());
    }
    if bytes < base {
        return Ok(format!("{} Bytes", bytes.trunc() as i64));
    }
    let mut unit = base;
    for (i, prefix) in prefixes.iter().enumerate() {
        unit = base.powi(i32::try_from(i + 2).unwrap_or(2));
        if bytes < unit {
            return Ok(format!("{:.1} {prefix}", base * bytes / unit));
        }
    }
    Ok(format!("{:.1} {}", base * bytes / unit, prefixes[7]))
}
