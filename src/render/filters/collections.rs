//! `combine`, `dict2items`, `items2dict`, `flatten`, `extract`, `unique`, `join`.

use minijinja::{
    value::{Kwargs, Rest, ValueKind, ValueOrKwargs},
    Environment, Error, State, Value,
};

use super::{as_list, as_map, filter_error, map_value};
use crate::render::python::py_str;

pub(super) fn register(env: &mut Environment<'static>) {
    super::add_filter(env, "combine", combine);
    super::add_filter(env, "dict2items", dict2items);
    super::add_filter(env, "items2dict", items2dict);
    super::add_filter(env, "flatten", flatten);
    super::add_filter(env, "extract", extract);
    super::add_filter(env, "unique", unique);
    super::add_filter(env, "join", join);
    super::add_filter(
        env,
        "selectattr",
        |state: &mut State,
         value: Value,
         attr: String,
         test: Option<String>,
         args: Rest<ValueOrKwargs>| {
            if !has_attribute(&value, &attr, test.as_deref())? {
                return Ok(Value::UNDEFINED);
            }
            minijinja::filters::selectattr(state, value, attr.into(), test.map(Into::into), args)
                .map(Value::from)
        },
    );
    super::add_filter(
        env,
        "rejectattr",
        |state: &mut State,
         value: Value,
         attr: String,
         test: Option<String>,
         args: Rest<ValueOrKwargs>| {
            if !has_attribute(&value, &attr, test.as_deref())? {
                return Ok(Value::UNDEFINED);
            }
            minijinja::filters::rejectattr(state, value, attr.into(), test.map(Into::into), args)
                .map(Value::from)
        },
    );
    super::add_filter(env, "dictsort", dictsort);
    super::add_filter(
        env,
        "map",
        |state: &mut State, value: Value, args: Rest<ValueOrKwargs>| {
            // `map(attribute='x')` without a `default`: an item without it is an error under
            // Ansible's strict undefined (not an `Undefined` in the list)
            if let Some(kwargs) = args.last().filter(|v| v.is_kwargs()) {
                let attr = kwargs.get_attr("attribute")?;
                if let (Some(attr), true) =
                    (attr.as_str(), kwargs.get_attr("default")?.is_undefined())
                {
                    if !has_attribute(&value, attr, None)? {
                        return Ok(Value::UNDEFINED);
                    }
                }
            }
            // `map('filter', args..., key=value)`: Jinja2 passes the keyword arguments on to
            // the filter (minijinja's own map drops them)
            let has_kwargs = args.last().is_some_and(|v| v.is_kwargs());
            let name = args.first().and_then(|v| v.as_str().map(str::to_string));
            if let (true, Some(name)) = (has_kwargs, name) {
                let rest: Vec<Value> = args.into_values().into_iter().skip(1).collect();
                let mut out = Vec::new();
                for item in value.try_iter()? {
                    let mut call = vec![item];
                    call.extend(rest.iter().cloned());
                    out.push(state.apply_filter(&name, &call)?);
                }
                return Ok(Value::from(out));
            }
            minijinja::filters::map(state, value, args).map(Value::from)
        },
    );
    super::add_filter(env, "sum", py_sum);
    super::add_filter(
        env,
        "sort",
        |state: &State, value: Value, kwargs: Kwargs| {
            require_orderable("sort", &value, kwargs.peek("attribute")?)?;
            minijinja::filters::sort(state, value, kwargs)
        },
    );
    super::add_filter(env, "min", |state: &State, value: Value, kwargs: Kwargs| {
        require_orderable("min", &value, kwargs.peek("attribute")?)?;
        require_items("min", &value)?;
        minijinja::filters::min(state, value, kwargs)
    });
    super::add_filter(env, "max", |state: &State, value: Value, kwargs: Kwargs| {
        require_orderable("max", &value, kwargs.peek("attribute")?)?;
        require_items("max", &value)?;
        minijinja::filters::max(state, value, kwargs)
    });
}

/// Ansible's min/max of nothing: "No aggregated item, sequence was empty."
fn require_items(filter: &str, value: &Value) -> Result<(), Error> {
    if value.len() == Some(0) {
        return Err(filter_error(
            filter,
            "No aggregated item, sequence was empty.",
        ));
    }
    Ok(())
}

/// Python orders numbers (bools included) with numbers, strings with strings, lists with
/// lists; anything else (`None`, dicts, a string against a number) is a TypeError when two
/// items are compared. minijinja orders everything, so sorting is checked first.
fn require_orderable(filter: &str, value: &Value, attribute: Option<String>) -> Result<(), Error> {
    if value.is_undefined() {
        return Err(Error::new(
            minijinja::ErrorKind::UndefinedError,
            format!("{filter}: the value is undefined"),
        ));
    }
    // several attributes (`attribute='a,b'`) compare tuples: not checked
    if attribute.as_deref().is_some_and(|a| a.contains(',')) {
        return Ok(());
    }
    let Ok(items) = value.try_iter() else {
        return Ok(());
    };
    let mut keys = Vec::new();
    for item in items {
        let mut key = item;
        if let Some(attr) = attribute.as_deref() {
            for part in attr.split('.') {
                key = match part.parse::<i64>() {
                    Ok(i) if key.kind() == ValueKind::Seq => key.get_item(&Value::from(i))?,
                    _ => key.get_attr(part)?,
                };
            }
        }
        keys.push(key);
    }
    if keys.len() < 2 {
        return Ok(());
    }
    let class = |v: &Value| match v.kind() {
        ValueKind::Number | ValueKind::Bool => Some(0),
        ValueKind::String => Some(1),
        ValueKind::Seq => Some(2),
        _ => None,
    };
    let first = &keys[0];
    for other in &keys[1..] {
        match (class(first), class(other)) {
            (Some(a), Some(b)) if a == b => {}
            _ => {
                return Err(filter_error(
                    filter,
                    format!(
                        "'<' not supported between instances of '{}' and '{}'",
                        crate::render::python::py_type_name(other),
                        crate::render::python::py_type_name(first)
                    ),
                ))
            }
        }
    }
    Ok(())
}

/// Python's `sum(iterable, start=0)` (Jinja2's `sum(attribute=..., start=0)`): `+` as Python
/// does it, so numbers add, lists concatenate (from a list start), and a string is an error.
fn py_sum(value: &Value, kwargs: Kwargs) -> Result<Value, Error> {
    let attribute: Option<String> = kwargs.get("attribute")?;
    let mut total: Value = kwargs
        .get::<Option<Value>>("start")?
        .unwrap_or(Value::from(0));
    kwargs.assert_all_used()?;
    for item in value.try_iter()? {
        let mut item = item;
        if let Some(attr) = &attribute {
            for part in attr.split('.') {
                item = item.get_item(&Value::from(part))?;
            }
        }
        let numeric = |v: &Value| matches!(v.kind(), ValueKind::Number | ValueKind::Bool);
        total = match (total.kind(), item.kind()) {
            _ if numeric(&total) && numeric(&item) => {
                let as_num = |v: &Value| {
                    if v.kind() == ValueKind::Bool {
                        Value::from(i64::from(v.is_true()))
                    } else {
                        v.clone()
                    }
                };
                let (a, b) = (as_num(&total), as_num(&item));
                match (i64::try_from(a.clone()), i64::try_from(b.clone())) {
                    (Ok(x), Ok(y)) if a.is_integer() && b.is_integer() => x
                        .checked_add(y)
                        .map_or_else(|| Value::from(i128::from(x) + i128::from(y)), Value::from),
                    _ => Value::from(
                        f64::try_from(a).unwrap_or(f64::NAN) + f64::try_from(b).unwrap_or(f64::NAN),
                    ),
                }
            }
            (ValueKind::Seq, ValueKind::Seq) => {
                let mut all: Vec<Value> = total.try_iter()?.collect();
                all.extend(item.try_iter()?);
                Value::from(all)
            }
            _ => {
                return Err(filter_error(
                    "sum",
                    format!(
                        "unsupported operand type(s) for +: '{}' and '{}'",
                        crate::render::python::py_type_name(&total),
                        crate::render::python::py_type_name(&item)
                    ),
                ))
            }
        };
    }
    Ok(total)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ListMerge {
    Replace,
    Keep,
    Append,
    Prepend,
    AppendRp,
    PrependRp,
}

/// Ansible's `merge_hash(x, y, recursive, list_merge)`: `y` wins.
fn merge(x: &Value, y: &Value, recursive: bool, list_merge: ListMerge) -> Value {
    let (Some(xs), Some(ys)) = (as_map(x), as_map(y)) else {
        return y.clone();
    };
    let mut result: indexmap::IndexMap<Value, Value> = xs.into_iter().collect();
    for (key, y_value) in ys {
        let Some(x_value) = result.get(&key).cloned() else {
            result.insert(key, y_value);
            continue;
        };
        let new = match (x_value.kind(), y_value.kind()) {
            (ValueKind::Map, ValueKind::Map) if recursive => {
                merge(&x_value, &y_value, recursive, list_merge)
            }
            (ValueKind::Seq, ValueKind::Seq) => {
                let xl = as_list(&x_value).unwrap_or_default();
                let yl = as_list(&y_value).unwrap_or_default();
                let without = |a: &[Value], b: &[Value]| -> Vec<Value> {
                    a.iter().filter(|v| !b.contains(v)).cloned().collect()
                };
                Value::from(match list_merge {
                    ListMerge::Replace => yl,
                    ListMerge::Keep => xl,
                    ListMerge::Append => xl.into_iter().chain(yl).collect(),
                    ListMerge::Prepend => yl.into_iter().chain(xl).collect(),
                    ListMerge::AppendRp => without(&xl, &yl).into_iter().chain(yl).collect(),
                    ListMerge::PrependRp => {
                        let rest = without(&xl, &yl);
                        yl.into_iter().chain(rest).collect()
                    }
                })
            }
            _ => y_value,
        };
        result.insert(key, new);
    }
    map_value(result)
}

fn combine(value: &Value, others: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let recursive = kwargs.get::<Option<bool>>("recursive")?.unwrap_or(false);
    let list_merge = match kwargs
        .get::<Option<&str>>("list_merge")?
        .unwrap_or("replace")
    {
        "replace" => ListMerge::Replace,
        "keep" => ListMerge::Keep,
        "append" => ListMerge::Append,
        "prepend" => ListMerge::Prepend,
        "append_rp" => ListMerge::AppendRp,
        "prepend_rp" => ListMerge::PrependRp,
        other => {
            return Err(filter_error(
                "combine",
                format!("unknown list_merge `{other}`"),
            ))
        }
    };
    kwargs.assert_all_used()?;
    // `[d1, d2] | combine` is allowed: flatten one level
    let mut dicts = Vec::new();
    for v in std::iter::once(value).chain(others.iter()) {
        match as_list(v) {
            Some(items) => dicts.extend(items),
            None => dicts.push(v.clone()),
        }
    }
    for d in &dicts {
        if d.is_undefined() {
            return Err(filter_error("combine", "an argument is undefined"));
        }
        if as_map(d).is_none() {
            return Err(filter_error(
                "combine",
                format!("expects dictionaries, got {}", d.kind()),
            ));
        }
    }
    let Some((first, rest)) = dicts.split_first() else {
        return Ok(map_value(Vec::new()));
    };
    Ok(rest.iter().fold(first.clone(), |acc, d| {
        merge(&acc, d, recursive, list_merge)
    }))
}

/// The `key_name` and `value_name` of `dict2items`/`items2dict`: any value names an item's key
/// (`key_name=1` for dicts with integer keys), as in Python.
fn item_names(kwargs: &Kwargs) -> Result<(Value, Value), Error> {
    let key_name: Value = kwargs
        .get::<Option<Value>>("key_name")?
        .unwrap_or_else(|| Value::from("key"));
    let value_name: Value = kwargs
        .get::<Option<Value>>("value_name")?
        .unwrap_or_else(|| Value::from("value"));
    kwargs.assert_all_used()?;
    Ok((key_name, value_name))
}

fn dict2items(value: &Value, kwargs: Kwargs) -> Result<Value, Error> {
    let (key_name, value_name) = item_names(&kwargs)?;
    let entries = as_map(value).ok_or_else(|| {
        filter_error(
            "dict2items",
            format!("requires a dictionary, got {}", value.kind()),
        )
    })?;
    Ok(Value::from(
        entries
            .into_iter()
            .map(|(k, v)| {
                map_value([
                    (Value::from(key_name.as_str()), k),
                    (Value::from(value_name.as_str()), v),
                ])
            })
            .collect::<Vec<_>>(),
    ))
}

fn items2dict(value: &Value, kwargs: Kwargs) -> Result<Value, Error> {
    let (key_name, value_name) = item_names(&kwargs)?;
    let items = as_list(value)
        .ok_or_else(|| filter_error("items2dict", "requires a list of dictionaries"))?;
    let mut out = indexmap::IndexMap::new();
    for item in items {
        let k = item.get_item(&key_name)?;
        let v = item.get_item(&value_name)?;
        if k.is_undefined() || v.is_undefined() {
            return Err(filter_error(
                "items2dict",
                format!("every item needs `{key_name}` and `{value_name}`"),
            ));
        }
        out.insert(k, v);
    }
    Ok(map_value(out))
}

fn flatten_into(items: Vec<Value>, levels: Option<i64>, skip_nulls: bool, out: &mut Vec<Value>) {
    for item in items {
        let is_null = item.is_none() || matches!(item.as_str(), Some("None" | "null"));
        if skip_nulls && is_null {
            continue;
        }
        match (as_list(&item), levels) {
            (Some(inner), None) => flatten_into(inner, None, skip_nulls, out),
            (Some(inner), Some(l)) if l >= 1 => flatten_into(inner, Some(l - 1), skip_nulls, out),
            _ => out.push(item),
        }
    }
}

fn flatten(value: &Value, levels: Option<i64>, kwargs: Kwargs) -> Result<Value, Error> {
    let levels = kwargs.get::<Option<i64>>("levels")?.or(levels);
    let skip_nulls = kwargs.get::<Option<bool>>("skip_nulls")?.unwrap_or(true);
    kwargs.assert_all_used()?;
    let items = as_list(value).ok_or_else(|| filter_error("flatten", "requires a list"))?;
    let mut out = Vec::new();
    flatten_into(items, levels, skip_nulls, &mut out);
    Ok(Value::from(out))
}

fn extract(item: &Value, container: &Value, morekeys: Option<Value>) -> Result<Value, Error> {
    let mut value = container.get_item(item)?;
    if value.is_undefined() {
        return Ok(value);
    }
    if let Some(more) = morekeys {
        let keys = as_list(&more).unwrap_or_else(|| vec![more.clone()]);
        for k in keys {
            value = value.get_item(&k)?;
        }
    }
    Ok(value)
}

fn unique(value: &Value, kwargs: Kwargs) -> Result<Value, Error> {
    let case_sensitive = kwargs
        .get::<Option<bool>>("case_sensitive")?
        .unwrap_or(false);
    let attribute: Option<String> = kwargs.get("attribute")?;
    kwargs.assert_all_used()?;
    let items = as_list(value).ok_or_else(|| filter_error("unique", "requires a list"))?;
    let mut seen: Vec<Value> = Vec::new();
    let mut out = Vec::new();
    for item in items {
        let mut key = match &attribute {
            Some(a) => item.get_attr(a)?,
            None => item.clone(),
        };
        if !case_sensitive {
            if let Some(s) = key.as_str() {
                key = Value::from(s.to_lowercase());
            }
        }
        if !seen.contains(&key) {
            seen.push(key);
            out.push(item);
        }
    }
    Ok(Value::from(out))
}

/// Whether every item has the attribute (a missing one matters unless the test is about
/// definedness).
fn has_attribute(value: &Value, attr: &str, test: Option<&str>) -> Result<bool, Error> {
    // Only `defined`/`undefined` accept a missing attribute: any other test (and plain
    // truthiness) touches the undefined value, which makes the whole result undefined in
    // Ansible (an error when printed, rescued by `default`)
    if matches!(test, Some("defined" | "undefined")) {
        return Ok(true);
    }
    for item in value.try_iter()? {
        let mut v = item;
        for part in attr.split('.') {
            v = v.get_attr(part)?;
        }
        if v.is_undefined() {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Jinja2's `dictsort(value, case_sensitive=False, by='key', reverse=False)`, positional or
/// keyword arguments.
fn dictsort(
    value: &Value,
    case_sensitive: Option<bool>,
    by: Option<&str>,
    reverse: Option<bool>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let case_sensitive = kwargs
        .get::<Option<bool>>("case_sensitive")?
        .or(case_sensitive)
        .unwrap_or(false);
    let by: String = kwargs
        .get::<Option<String>>("by")?
        .or(by.map(str::to_string))
        .unwrap_or_else(|| "key".into());
    let reverse = kwargs
        .get::<Option<bool>>("reverse")?
        .or(reverse)
        .unwrap_or(false);
    kwargs.assert_all_used()?;
    let mut entries =
        as_map(value).ok_or_else(|| filter_error("dictsort", "requires a dictionary"))?;
    let by_value = match by.as_str() {
        "key" => false,
        "value" => true,
        other => {
            return Err(filter_error(
                "dictsort",
                format!("you can only sort by either \"key\" or \"value\", not `{other}`"),
            ))
        }
    };
    // Python compares the keys (or values): mixed types are a TypeError
    let sorted_on: Vec<Value> = entries
        .iter()
        .map(|(k, v)| if by_value { v.clone() } else { k.clone() })
        .collect();
    require_orderable("dictsort", &Value::from(sorted_on), None)?;
    let fold = |v: &Value| -> Value {
        match (case_sensitive, v.as_str()) {
            (false, Some(s)) => Value::from(s.to_lowercase()),
            _ => v.clone(),
        }
    };
    // Python's sorted(..., reverse=True) keeps equal items in their order
    entries.sort_by(|a, b| {
        let (x, y) = if by_value { (&a.1, &b.1) } else { (&a.0, &b.0) };
        let order = fold(x).cmp(&fold(y));
        if reverse {
            order.reverse()
        } else {
            order
        }
    });
    Ok(Value::from(
        entries
            .into_iter()
            .map(|(k, v)| Value::from(vec![k, v]))
            .collect::<Vec<_>>(),
    ))
}

fn join(
    value: &Value,
    sep: Option<&str>,
    attribute: Option<String>,
    kwargs: Kwargs,
) -> Result<String, Error> {
    let sep: Option<String> = kwargs
        .get::<Option<String>>("d")?
        .or(sep.map(str::to_string));
    let attribute = kwargs.get::<Option<String>>("attribute")?.or(attribute);
    kwargs.assert_all_used()?;
    let sep = sep.as_deref().unwrap_or("");
    if let Some(s) = value.as_str() {
        // a string joins its characters
        return Ok(s.chars().map(String::from).collect::<Vec<_>>().join(sep));
    }
    let items = as_list(value).ok_or_else(|| filter_error("join", "requires a list"))?;
    let mut parts = Vec::with_capacity(items.len());
    for item in items {
        let v = match &attribute {
            Some(a) => item.get_attr(a)?,
            None => item,
        };
        parts.push(py_str(&v));
    }
    Ok(parts.join(sep))
}
