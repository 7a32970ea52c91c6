//! Set and combination filters: `difference`, `intersect`, `union`, `symmetric_difference`,
//! `product`, `zip`, `zip_longest`, `subelements`; and the tests `subset`, `superset`, `all`,
//! `any`. Order is the first list's, duplicates removed, as Ansible's `unique` would.

use minijinja::{
    value::{Kwargs, Rest},
    Environment, Error, Value,
};

use super::{as_list, filter_error};

pub(super) fn register(env: &mut Environment<'static>) {
    super::add_filter(env, "difference", difference);
    super::add_filter(env, "intersect", intersect);
    super::add_filter(env, "union", union);
    super::add_filter(env, "symmetric_difference", symmetric_difference);
    super::add_filter(env, "product", product);
    super::add_filter(env, "zip", zip);
    super::add_filter(env, "zip_longest", zip_longest);
    super::add_filter(env, "subelements", subelements);
    super::add_test(
        env,
        "subset",
        |a: &Value, b: &Value| -> Result<bool, Error> {
            let (a, b) = (list("subset", a)?, list("subset", b)?);
            Ok(a.iter().all(|x| b.contains(x)))
        },
    );
    super::add_test(
        env,
        "superset",
        |a: &Value, b: &Value| -> Result<bool, Error> {
            let (a, b) = (list("superset", a)?, list("superset", b)?);
            Ok(b.iter().all(|x| a.contains(x)))
        },
    );
    super::add_test(env, "all", |a: &Value| -> Result<bool, Error> {
        Ok(list("all", a)?.iter().all(Value::is_true))
    });
    super::add_test(env, "any", |a: &Value| -> Result<bool, Error> {
        Ok(list("any", a)?.iter().any(Value::is_true))
    });
}

fn list(name: &str, v: &Value) -> Result<Vec<Value>, Error> {
    if v.is_undefined() {
        return Err(Error::new(
            minijinja::ErrorKind::UndefinedError,
            format!("{name}: the value is undefined"),
        ));
    }
    if let Some(s) = v.as_str() {
        return Ok(s.chars().map(|c| Value::from(c.to_string())).collect());
    }
    as_list(v)
        .or_else(|| v.try_iter().ok().map(Iterator::collect))
        .ok_or_else(|| filter_error(name, "requires a list"))
}

/// The items once each. Ansible builds these with Python sets when it can, so a set of small
/// non-negative integers comes out in ascending order (their hash order); other items keep
/// their first order (Python's order for strings changes from run to run).
fn dedup(items: impl IntoIterator<Item = Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    if out
        .iter()
        .all(|v| v.is_integer() && v.as_i64().is_some_and(|i| (0..1 << 30).contains(&i)))
    {
        out.sort_by_key(|v| v.as_i64().unwrap_or(0));
    }
    out
}

fn difference(a: &Value, b: &Value) -> Result<Value, Error> {
    let b = list("difference", b)?;
    Ok(Value::from(dedup(
        list("difference", a)?
            .into_iter()
            .filter(|x| !b.contains(x)),
    )))
}

fn intersect(a: &Value, b: &Value) -> Result<Value, Error> {
    let b = list("intersect", b)?;
    Ok(Value::from(dedup(
        list("intersect", a)?.into_iter().filter(|x| b.contains(x)),
    )))
}

fn union(a: &Value, b: &Value) -> Result<Value, Error> {
    Ok(Value::from(dedup(
        list("union", a)?.into_iter().chain(list("union", b)?),
    )))
}

fn symmetric_difference(a: &Value, b: &Value) -> Result<Value, Error> {
    let (a, b) = (
        list("symmetric_difference", a)?,
        list("symmetric_difference", b)?,
    );
    let left = a.iter().filter(|x| !b.contains(x)).cloned();
    let right = b.iter().filter(|x| !a.contains(x)).cloned();
    Ok(Value::from(dedup(left.chain(right))))
}

fn product(a: &Value, others: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let repeat = kwargs.get::<Option<usize>>("repeat")?.unwrap_or(1);
    kwargs.assert_all_used()?;
    let mut pools = vec![list("product", a)?];
    for o in others.iter() {
        pools.push(list("product", o)?);
    }
    let pools: Vec<Vec<Value>> = (0..repeat).flat_map(|_| pools.clone()).collect();
    let mut result: Vec<Vec<Value>> = vec![Vec::new()];
    for pool in &pools {
        result = result
            .into_iter()
            .flat_map(|prefix| {
                pool.iter().map(move |x| {
                    let mut p = prefix.clone();
                    p.push(x.clone());
                    p
                })
            })
            .collect();
    }
    Ok(Value::from(
        result.into_iter().map(Value::from).collect::<Vec<_>>(),
    ))
}

fn zip(a: &Value, others: Rest<Value>) -> Result<Value, Error> {
    let mut lists = vec![list("zip", a)?];
    for o in others.iter() {
        lists.push(list("zip", o)?);
    }
    let n = lists.iter().map(Vec::len).min().unwrap_or(0);
    Ok(Value::from(
        (0..n)
            .map(|i| Value::from(lists.iter().map(|l| l[i].clone()).collect::<Vec<_>>()))
            .collect::<Vec<_>>(),
    ))
}

fn zip_longest(a: &Value, others: Rest<Value>, kwargs: Kwargs) -> Result<Value, Error> {
    let fill = kwargs
        .get::<Option<Value>>("fillvalue")?
        .unwrap_or(Value::from(()));
    kwargs.assert_all_used()?;
    let mut lists = vec![list("zip_longest", a)?];
    for o in others.iter() {
        lists.push(list("zip_longest", o)?);
    }
    let n = lists.iter().map(Vec::len).max().unwrap_or(0);
    Ok(Value::from(
        (0..n)
            .map(|i| {
                Value::from(
                    lists
                        .iter()
                        .map(|l| l.get(i).cloned().unwrap_or_else(|| fill.clone()))
                        .collect::<Vec<_>>(),
                )
            })
            .collect::<Vec<_>>(),
    ))
}

/// Ansible's `subelements(obj, path, skip_missing=False)`: (item, subitem) pairs.
fn subelements(
    obj: &Value,
    path: &str,
    skip_missing: Option<bool>,
    kwargs: Kwargs,
) -> Result<Value, Error> {
    let skip_missing = kwargs
        .get::<Option<bool>>("skip_missing")?
        .or(skip_missing)
        .unwrap_or(false);
    kwargs.assert_all_used()?;
    let items = match as_list(obj) {
        Some(items) => items,
        None => super::as_map(obj)
            .map(|m| m.into_iter().map(|(_, v)| v).collect())
            .ok_or_else(|| {
                filter_error(
                    "subelements",
                    "obj must be a list of dicts or a nested dict",
                )
            })?,
    };
    let mut out = Vec::new();
    for item in items {
        let mut values = item.clone();
        let mut missing = false;
        for key in path.split('.') {
            let next = values.get_attr(key)?;
            if next.is_undefined() {
                missing = true;
                break;
            }
            values = next;
        }
        if missing {
            if skip_missing {
                continue;
            }
            return Err(filter_error(
                "subelements",
                format!("could not find `{path}` in an item"),
            ));
        }
        let subs = as_list(&values).ok_or_else(|| {
            filter_error(
                "subelements",
                format!("the key `{path}` should point to a list"),
            )
        })?;
        for sub in subs {
            out.push(Value::from(vec![item.clone(), sub]));
        }
    }
    Ok(Value::from(out))
}
