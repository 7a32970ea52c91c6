//! Ansible's filters and tests, one file per family, registered on a minijinja environment.
//! Each behaves as ansible-core 2.19's (checked against real Ansible output in
//! `tests/data/ansible/`): Python's `str()` of values, PyYAML's and `json.dumps`' layouts.

mod collections;
mod hashing;

pub use hashing::{bcrypt_cost_allowed, MAX_BCRYPT_COST};
mod markup;
mod numbers;
mod paths;
mod serialize;
mod sets;
mod tests;
mod text;
mod time;

use minijinja::{
    functions::Function,
    value::{FunctionArgs, FunctionResult},
    Environment, Error, ErrorKind, State, Value,
};

/// Registers every filter and test promvault provides, each also under its fully qualified
/// Ansible name (`ansible.builtin.to_nice_yaml`).
pub fn register(env: &mut Environment<'static>) {
    serialize::register(env);
    collections::register(env);
    text::register(env);
    hashing::register(env);
    tests::register(env);
    time::register(env);
    sets::register(env);
    paths::register(env);
    markup::register(env);
    numbers::register(env);
    builtin_aliases(env);
}

/// Adds a filter under its name and as `ansible.builtin.NAME`.
///
/// As in Ansible 2.19, a filter is not called on an undefined value: the result is undefined
/// too, so `nope | list | first | default('x')` is `x` and `(nope | upper) is defined` is
/// false, while printing it still fails, naming the variable. `default`, `d` and `mandatory`
/// are called, since they are about undefined values.
pub(crate) fn add_filter<F, Rv, Args>(env: &mut Environment<'static>, name: &'static str, f: F)
where
    F: Function<Rv, Args> + Clone,
    Rv: FunctionResult,
    Args: for<'a> FunctionArgs<'a>,
{
    if matches!(name, "default" | "d" | "mandatory") {
        env.add_filter(name, f.clone());
        env.add_filter(format!("ansible.builtin.{name}"), f);
        return;
    }
    let iterates_truthy = matches!(
        name,
        "map" | "select" | "reject" | "selectattr" | "rejectattr"
    );
    let reads_items = matches!(
        name,
        "intersect"
            | "difference"
            | "symmetric_difference"
            | "union"
            | "product"
            | "unique"
            | "select"
            | "reject"
            | "selectattr"
            | "rejectattr"
            | "map"
            | "join"
            | "sort"
            | "min"
            | "max"
            | "sum"
    );
    let inner = Value::from_function(f);
    let wrapped = move |state: &mut State,
                        args: minijinja::value::Rest<minijinja::value::ValueOrKwargs>|
          -> Result<Value, Error> {
        let args = args.into_values();
        if args.first().is_some_and(Value::is_undefined) {
            return Ok(Value::UNDEFINED);
        }
        // Jinja's `map`, `select`, `reject`, `selectattr` and `rejectattr` start with `if
        // value:` — a falsy value (`false`, `0`, `none`) gives nothing, not a type error
        if iterates_truthy && args.first().is_some_and(|v| !v.is_true()) {
            return Ok(Value::from(Vec::<Value>::new()));
        }
        // a filter that reads every item (compares, hashes, joins or tests it) trips on an
        // undefined one (from `query('vars', 'missing')`), as Ansible's undefined does
        if reads_items && args.iter().any(holds_undefined_item) {
            return Err(Error::new(
                ErrorKind::UndefinedError,
                format!(
                    "`{name}`: a list holds an undefined value (a variable that was not found)"
                ),
            ));
        }
        inner.call(state, &args)
    };
    env.add_filter(name, wrapped.clone());
    env.add_filter(format!("ansible.builtin.{name}"), wrapped);
}

/// Whether a value is a list holding an undefined item.
fn holds_undefined_item(value: &Value) -> bool {
    value.kind() == minijinja::value::ValueKind::Seq
        && value
            .try_iter()
            .is_ok_and(|mut it| it.any(|v| v.is_undefined()))
}

/// Adds a test under its name and as `ansible.builtin.NAME`.
pub(crate) fn add_test<F, Rv, Args>(env: &mut Environment<'static>, name: &'static str, f: F)
where
    F: Function<Rv, Args> + Clone,
    Rv: FunctionResult,
    Args: for<'a> FunctionArgs<'a>,
{
    if matches!(name, "defined" | "undefined" | "none") {
        env.add_test(name, f.clone());
        env.add_test(format!("ansible.builtin.{name}"), f);
        return;
    }
    let compares_items = matches!(
        name,
        "subset" | "superset" | "issubset" | "issuperset" | "contains" | "all" | "any" | "in"
    );
    // A test given an undefined value fails (only `defined`/`undefined` take one), and tests
    // that compare the items of lists touch every item: an undefined one (from
    // `query('vars', 'missing')`) fails, as in Ansible
    let inner = Value::from_function(f);
    let wrapped = move |state: &mut State,
                        args: minijinja::value::Rest<minijinja::value::ValueOrKwargs>|
          -> Result<bool, Error> {
        let args = args.into_values();
        if args.first().is_some_and(Value::is_undefined) {
            return Err(Error::new(
                ErrorKind::UndefinedError,
                format!("test `{name}`: the value is undefined"),
            ));
        }
        for arg in args.iter().filter(|_| compares_items) {
            if arg.is_undefined() || holds_undefined_item(arg) {
                return Err(Error::new(
                    ErrorKind::UndefinedError,
                    format!("`{name}`: an undefined value is compared"),
                ));
            }
        }
        inner.call(state, &args).map(|v| v.is_true())
    };
    env.add_test(name, wrapped.clone());
    env.add_test(format!("ansible.builtin.{name}"), wrapped);
}

/// Jinja2's own filters that Ansible templates call by their qualified names too.
fn builtin_aliases(env: &mut Environment<'static>) {
    use minijinja::filters as f;
    add_filter(env, "upper", f::upper);
    add_filter(env, "lower", f::lower);
    add_filter(env, "capitalize", f::capitalize);
    add_filter(env, "title", f::title);
    // minijinja's own `replace` (with a count) is not the exported function: left as it is
    env.add_filter("ansible.builtin.replace", f::replace);
    add_filter(env, "length", f::length);
    add_filter(env, "count", f::length);
    add_filter(env, "trim", f::trim);
    add_filter(env, "first", f::first);
    add_filter(env, "last", f::last);
    add_filter(env, "list", f::list);
    add_filter(env, "select", f::select);
    add_filter(env, "reject", f::reject);
    // Python's bool is an int: `false | round` is 0
    add_filter(
        env,
        "round",
        |value: Value,
         precision: Option<i32>,
         method: Option<&str>,
         kwargs: minijinja::value::Kwargs| {
            let value = if value.kind() == minijinja::value::ValueKind::Bool {
                Value::from(i64::from(value.is_true()))
            } else {
                value
            };
            f::round(value, precision, method, kwargs)
        },
    );
    add_filter(env, "abs", f::abs);
    add_filter(env, "reverse", f::reverse);
    add_filter(env, "batch", f::batch);
    add_filter(env, "slice", f::slice);
    add_filter(env, "groupby", f::groupby);
    add_filter(env, "format", f::format);
    add_filter(env, "items", f::items);
    add_filter(env, "split", f::split);
}

/// A filter's input as Python's `str()` gives it; an undefined input is an error, as with
/// Ansible's strict undefined (so `{{ typo | b64encode }}` names `typo` instead of encoding "").
pub(crate) fn text(value: &Value) -> Result<String, Error> {
    if value.is_undefined() {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            "an undefined value was passed to a filter",
        ));
    }
    Ok(crate::render::python::py_str(value))
}

/// An error from a filter, in Ansible's words.
pub(crate) fn filter_error(filter: &str, message: impl std::fmt::Display) -> Error {
    Error::new(ErrorKind::InvalidOperation, format!("{filter}: {message}"))
}

/// A value's items when it is a list (or any iterable but a string or map).
pub(crate) fn as_list(value: &Value) -> Option<Vec<Value>> {
    use minijinja::value::ValueKind;
    match value.kind() {
        ValueKind::Seq | ValueKind::Iterable => value.try_iter().ok().map(Iterator::collect),
        _ => None,
    }
}

/// A map's entries in order.
pub(crate) fn as_map(value: &Value) -> Option<Vec<(Value, Value)>> {
    use minijinja::value::ValueKind;
    if value.kind() != ValueKind::Map {
        return None;
    }
    let keys: Vec<Value> = value.try_iter().ok()?.collect();
    Some(
        keys.into_iter()
            .map(|k| {
                let v = value.get_item(&k).unwrap_or(Value::UNDEFINED);
                (k, v)
            })
            .collect(),
    )
}

/// A map value from entries, keeping their order.
pub(crate) fn map_value(entries: impl IntoIterator<Item = (Value, Value)>) -> Value {
    Value::from_object(
        entries
            .into_iter()
            .collect::<indexmap::IndexMap<Value, Value>>(),
    )
}
