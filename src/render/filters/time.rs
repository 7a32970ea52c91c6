//! Ansible's `strftime` filter: `time.strftime(format, time.localtime(second))` (or
//! `gmtime` with `utc=true`), through the C library's own `localtime_r`, `gmtime_r` and
//! `strftime`, as CPython's `time` module calls them: the same time zone (`TZ`), locale and
//! conversions. Without `second`, the current time.

use minijinja::{value::Kwargs, Environment, Error, ErrorKind, Value};

pub fn register(env: &mut Environment<'static>) {
    super::add_filter(env, "strftime", strftime);
}

/// Output is refused past this many bytes (a format that expands without end).
const MAX_OUTPUT: usize = 1 << 16;

/// `strftime(format, second=None, utc=False)`, each argument by position or keyword.
fn strftime(
    format: &Value,
    second: Option<Value>,
    utc: Option<Value>,
    kwargs: Kwargs,
) -> Result<String, Error> {
    let second = match second {
        Some(s) => Some(s),
        None => kwargs.get::<Option<Value>>("second")?,
    };
    let utc = match utc {
        Some(u) => Some(u),
        None => kwargs.get::<Option<Value>>("utc")?,
    }
    .is_some_and(|v| v.is_true());
    kwargs.assert_all_used()?;
    let Some(format) = format.as_str() else {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "strftime() argument 1 must be str",
        ));
    };
    let seconds: f64 = match second.filter(|s| !s.is_none()) {
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64()),
        Some(s) => number(&s).ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "Invalid value for epoch value ({})",
                    crate::render::python::py_str(&s)
                ),
            )
        })?,
    };
    if !seconds.is_finite() || seconds.abs() > 67_767_976_233_316_800.0 {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "timestamp out of range for platform time_t",
        ));
    }
    if format.contains('\0') {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "embedded null character",
        ));
    }
    format_time(format, seconds.floor() as libc::time_t, utc)
}

/// Python's `float(value)` for what a template passes: numbers, and strings of numbers.
fn number(value: &Value) -> Option<f64> {
    if let Some(s) = value.as_str() {
        return s.trim().parse::<f64>().ok();
    }
    if value.kind() == minijinja::value::ValueKind::Bool {
        return Some(if value.is_true() { 1.0 } else { 0.0 });
    }
    f64::try_from(value.clone()).ok()
}

extern "C" {
    /// POSIX: reads `TZ` (`localtime_r` need not).
    fn tzset();
}

fn format_time(format: &str, seconds: libc::time_t, utc: bool) -> Result<String, Error> {
    let c_format = std::ffi::CString::new(format)
        .map_err(|_| Error::new(ErrorKind::InvalidOperation, "embedded null character"))?;
    // SAFETY: `tm` is plain data that `*_r` fill in; each call gets valid pointers.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let filled = unsafe {
        if utc {
            libc::gmtime_r(&seconds, &mut tm)
        } else {
            tzset();
            libc::localtime_r(&seconds, &mut tm)
        }
    };
    if filled.is_null() {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "timestamp out of range for platform time_t",
        ));
    }
    // CPython grows its buffer until strftime fits (a result of 0 bytes is ambiguous: the
    // format may produce nothing), up to 256 times the format's length
    let mut size = 1024.max(format.len() * 4);
    loop {
        let mut buf = vec![0u8; size];
        // SAFETY: `buf` has `size` writable bytes; the format is NUL-terminated.
        let n = unsafe { libc::strftime(buf.as_mut_ptr().cast(), size, c_format.as_ptr(), &tm) };
        if n > 0 || size >= MAX_OUTPUT.max(format.len() * 256) {
            buf.truncate(n);
            return String::from_utf8(buf).map_err(|_| {
                Error::new(
                    ErrorKind::InvalidOperation,
                    "strftime wrote text that is not UTF-8",
                )
            });
        }
        size *= 4;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_in_utc_as_the_c_library_does() {
        assert_eq!(
            format_time("%Y-%m-%d %H:%M:%S %j %a %b %%", 1_700_000_000, true).unwrap(),
            "2023-11-14 22:13:20 318 Tue Nov %"
        );
        assert_eq!(format_time("", 0, true).unwrap(), "");
    }
}
