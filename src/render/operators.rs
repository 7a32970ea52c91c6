//! Python's operators where Jinja inherits them from Python and minijinja differs. Each
//! template is parsed once with minijinja's own parser, and each such operator in it is
//! rewritten to a call before the template is compiled; the edits add no line, so lines and
//! provenance stay those of the template as written.
//! - `A % B` → `__promvault_percent(A, B)`: printf-style formatting when `A` is a string
//!   (`{{ '%s:%d' % (host, port) }}`; a tuple gives the arguments, a mapping serves
//!   `%(key)s`), otherwise Python's remainder (the result has the divisor's sign);
//!   minijinja's `%` is arithmetic only.
//! - `A < B` (and `<=`, `>`, `>=`) → `__promvault_compare(A, '<', B)`: Python's ordering, in
//!   which a string and a number, `None`, mappings, or a list and a tuple cannot be ordered (a
//!   TypeError that fails the render in Ansible), where minijinja orders values of any types.

use std::borrow::Cow;

use minijinja::machinery::{ast, parse, parse_expr};
use minijinja::syntax::SyntaxConfig;
use minijinja::{Error, ErrorKind, Value};

/// The global function `A % B` becomes.
pub const PERCENT: &str = "__promvault_percent";
/// The global function `A < B` (and `<=`, `>`, `>=`) becomes.
pub const COMPARE: &str = "__promvault_compare";

/// `source` with every `%` operator of its expressions rewritten (see the module's
/// documentation), or unchanged when it has none or does not parse (minijinja then reports
/// the error on the text as written).
pub fn rewrite_template<'s>(source: &'s str, syntax: &SyntaxConfig) -> Cow<'s, str> {
    if !source.contains(['%', '<', '>']) {
        return Cow::Borrowed(source);
    }
    match parse(source, "<template>", syntax.clone()) {
        Ok(stmt) => {
            let mut edits = Vec::new();
            stmt_edits(&stmt, source, &mut edits);
            apply(source, edits)
        }
        Err(_) => Cow::Borrowed(source),
    }
}

/// [`rewrite_template`] for a standalone expression (`compile_expression`).
pub fn rewrite_expression(source: &str) -> Cow<'_, str> {
    if !source.contains(['%', '<', '>']) {
        return Cow::Borrowed(source);
    }
    match parse_expr(source) {
        Ok(expr) => {
            let mut edits = Vec::new();
            expr_edits(&expr, source, &mut edits);
            apply(source, edits)
        }
        Err(_) => Cow::Borrowed(source),
    }
}

/// One point edit: at byte `at`, replace `remove` bytes by `insert`.
struct Edit {
    at: usize,
    remove: usize,
    insert: &'static str,
}

/// The edits that make `left OP right` (spanning `from..to`) the call `function(left, right)`
/// (`separator` takes the operator's place), when the operator `symbol` is found between the
/// operands (only brackets and blanks can stand beside it).
#[allow(clippy::too_many_arguments)]
fn call_edits_for(
    source: &str,
    from: usize,
    to: usize,
    gap: std::ops::Range<usize>,
    symbol: &str,
    call: &'static str,
    separator: &'static str,
    out: &mut Vec<Edit>,
) {
    let Some(op) = source
        .get(gap.clone())
        .and_then(|g| g.find(symbol))
        .map(|i| gap.start + i)
    else {
        return;
    };
    out.push(Edit {
        at: from,
        remove: 0,
        insert: call,
    });
    out.push(Edit {
        at: op,
        remove: symbol.len(),
        insert: separator,
    });
    out.push(Edit {
        at: to,
        remove: 0,
        insert: ")",
    });
}

fn apply(source: &str, mut edits: Vec<Edit>) -> Cow<'_, str> {
    if edits.is_empty() {
        return Cow::Borrowed(source);
    }
    // Nested operators share start or end offsets: the edits at one place are all the same
    // text (`FUNCTION(` or `)`), so their order among themselves does not matter.
    edits.sort_by_key(|e| e.at);
    let mut out = String::with_capacity(source.len() + edits.len() * (PERCENT.len() + 2));
    let mut at = 0;
    for e in edits {
        if e.at < at || e.at > source.len() {
            return Cow::Borrowed(source); // overlapping spans: leave the text to minijinja
        }
        out.push_str(&source[at..e.at]);
        out.push_str(e.insert);
        at = e.at + e.remove;
    }
    out.push_str(&source[at.min(source.len())..]);
    Cow::Owned(out)
}

fn stmts_edits(stmts: &[ast::Stmt<'_>], source: &str, out: &mut Vec<Edit>) {
    for stmt in stmts {
        stmt_edits(stmt, source, out);
    }
}

fn stmt_edits(stmt: &ast::Stmt<'_>, source: &str, out: &mut Vec<Edit>) {
    use ast::Stmt;
    match stmt {
        Stmt::Template(t) => stmts_edits(&t.children, source, out),
        Stmt::EmitExpr(e) => expr_edits(&e.expr, source, out),
        Stmt::ForLoop(f) => {
            expr_edits(&f.target, source, out);
            expr_edits(&f.iter, source, out);
            if let Some(e) = &f.filter_expr {
                expr_edits(e, source, out);
            }
            stmts_edits(&f.body, source, out);
            stmts_edits(&f.else_body, source, out);
        }
        Stmt::IfCond(i) => {
            expr_edits(&i.expr, source, out);
            stmts_edits(&i.true_body, source, out);
            stmts_edits(&i.false_body, source, out);
        }
        Stmt::WithBlock(w) => {
            for (target, value) in &w.assignments {
                expr_edits(target, source, out);
                expr_edits(value, source, out);
            }
            stmts_edits(&w.body, source, out);
        }
        Stmt::Set(s) => {
            expr_edits(&s.target, source, out);
            expr_edits(&s.expr, source, out);
        }
        Stmt::SetBlock(s) => {
            expr_edits(&s.target, source, out);
            if let Some(e) = &s.filter {
                expr_edits(e, source, out);
            }
            stmts_edits(&s.body, source, out);
        }
        Stmt::AutoEscape(a) => {
            expr_edits(&a.enabled, source, out);
            stmts_edits(&a.body, source, out);
        }
        Stmt::FilterBlock(f) => {
            expr_edits(&f.filter, source, out);
            stmts_edits(&f.body, source, out);
        }
        Stmt::Block(b) => stmts_edits(&b.body, source, out),
        Stmt::Import(i) => {
            expr_edits(&i.expr, source, out);
            expr_edits(&i.name, source, out);
        }
        Stmt::FromImport(i) => {
            expr_edits(&i.expr, source, out);
        }
        Stmt::Extends(e) => expr_edits(&e.name, source, out),
        Stmt::Include(i) => expr_edits(&i.name, source, out),
        Stmt::Macro(m) => macro_edits(m, source, out),
        Stmt::CallBlock(c) => {
            call_edits(&c.call, source, out);
            macro_edits(&c.macro_decl, source, out);
        }
        Stmt::Do(d) => call_edits(&d.call, source, out),
        Stmt::EmitRaw(_) => {}
    }
}

fn macro_edits(m: &ast::Macro<'_>, source: &str, out: &mut Vec<Edit>) {
    for e in m.args.iter().chain(&m.defaults) {
        expr_edits(e, source, out);
    }
    stmts_edits(&m.body, source, out);
}

fn call_edits(c: &ast::Call<'_>, source: &str, out: &mut Vec<Edit>) {
    expr_edits(&c.expr, source, out);
    args_edits(&c.args, source, out);
}

fn args_edits(args: &[ast::CallArg<'_>], source: &str, out: &mut Vec<Edit>) {
    for a in args {
        match a {
            ast::CallArg::Pos(e)
            | ast::CallArg::Kwarg(_, e)
            | ast::CallArg::PosSplat(e)
            | ast::CallArg::KwargSplat(e) => expr_edits(e, source, out),
        }
    }
}

/// Where an expression's text starts: a filter's, test's, attribute's, item's, call's or
/// slice's own span may start after the expression it applies to.
fn expr_start(expr: &ast::Expr<'_>) -> usize {
    use ast::Expr;
    let own = expr.span().start_offset as usize;
    let inner = match expr {
        Expr::Filter(f) => f.expr.as_ref().map(expr_start),
        Expr::Test(t) => Some(expr_start(&t.expr)),
        Expr::GetAttr(g) => Some(expr_start(&g.expr)),
        Expr::GetItem(g) => Some(expr_start(&g.expr)),
        Expr::Call(c) => Some(expr_start(&c.expr)),
        Expr::Slice(s) => Some(expr_start(&s.expr)),
        Expr::BinOp(b) => Some(expr_start(&b.left)),
        Expr::Compare(c) => Some(expr_start(&c.expr)),
        Expr::IfExpr(i) => Some(expr_start(&i.true_expr)),
        _ => None,
    };
    inner.map_or(own, |i| i.min(own))
}

fn expr_edits(expr: &ast::Expr<'_>, source: &str, out: &mut Vec<Edit>) {
    use ast::Expr;
    match expr {
        Expr::Var(_) | Expr::Const(_) => {}
        Expr::Slice(s) => {
            expr_edits(&s.expr, source, out);
            for e in [&s.start, &s.stop, &s.step].into_iter().flatten() {
                expr_edits(e, source, out);
            }
        }
        Expr::UnaryOp(u) => expr_edits(&u.expr, source, out),
        Expr::BinOp(b) => {
            expr_edits(&b.left, source, out);
            expr_edits(&b.right, source, out);
            let to = b.span().end_offset as usize;
            let gap = b.left.span().end_offset as usize..expr_start(&b.right);
            // the left operand's start, with the brackets around it that close before the
            // operator (a comparison's own span may start before its left operand)
            let mut from = expr_start(&b.left);
            let closing = source.get(gap.clone()).map_or(0, |g| {
                g.chars()
                    .take_while(|c| *c != '%' && *c != '<' && *c != '>')
                    .filter(|c| *c == ')')
                    .count()
            });
            for _ in 0..closing {
                let before = source[..from].trim_end();
                if !before.ends_with('(') {
                    break;
                }
                from = before.len() - 1;
            }
            let (symbol, call, separator) = match b.op {
                ast::BinOpKind::Rem => ("%", concat!("__promvault_percent", "("), ","),
                ast::BinOpKind::Lt => ("<", concat!("__promvault_compare", "("), ",'<',"),
                ast::BinOpKind::Lte => ("<=", concat!("__promvault_compare", "("), ",'<=',"),
                ast::BinOpKind::Gt => (">", concat!("__promvault_compare", "("), ",'>',"),
                ast::BinOpKind::Gte => (">=", concat!("__promvault_compare", "("), ",'>=',"),
                _ => return,
            };
            call_edits_for(source, from, to, gap, symbol, call, separator, out);
        }
        Expr::Compare(c) => {
            expr_edits(&c.expr, source, out);
            for op in &c.ops {
                expr_edits(&op.expr, source, out);
            }
        }
        Expr::IfExpr(i) => {
            expr_edits(&i.test_expr, source, out);
            expr_edits(&i.true_expr, source, out);
            if let Some(e) = &i.false_expr {
                expr_edits(e, source, out);
            }
        }
        Expr::Filter(f) => {
            if let Some(e) = &f.expr {
                expr_edits(e, source, out);
            }
            args_edits(&f.args, source, out);
        }
        Expr::Test(t) => {
            expr_edits(&t.expr, source, out);
            args_edits(&t.args, source, out);
        }
        Expr::GetAttr(g) => expr_edits(&g.expr, source, out),
        Expr::GetItem(g) => {
            expr_edits(&g.expr, source, out);
            expr_edits(&g.subscript_expr, source, out);
        }
        Expr::Call(c) => call_edits(c, source, out),
        Expr::List(l) => l.items.iter().for_each(|e| expr_edits(e, source, out)),
        Expr::Tuple(t) => t.items.iter().for_each(|e| expr_edits(e, source, out)),
        Expr::Map(m) => m
            .keys
            .iter()
            .chain(&m.values)
            .for_each(|e| expr_edits(e, source, out)),
    }
}

/// `lhs OP rhs` for an ordering operator, as Python computes it.
pub fn compare(lhs: Value, op: &str, rhs: Value) -> Result<bool, Error> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let Some(order) = order(&lhs, &rhs, op)? else {
        return Ok(false); // NaN: every ordering is false
    };
    Ok(match op {
        "<" => order == Less,
        "<=" => order != Greater,
        ">" => order == Greater,
        ">=" => order != Less,
        _ => order == Equal,
    })
}

/// Python's ordering of two values (`None` where it is unordered: NaN), or its TypeError.
fn order(a: &Value, b: &Value, op: &str) -> Result<Option<std::cmp::Ordering>, Error> {
    use minijinja::value::ValueKind as K;
    let numeric = |v: &Value| matches!(v.kind(), K::Number | K::Bool);
    if a.is_undefined() || b.is_undefined() {
        return Err(Error::new(ErrorKind::UndefinedError, "undefined value"));
    }
    if numeric(a) && numeric(b) {
        let int = |v: &Value| {
            if v.kind() == K::Bool {
                Some(i128::from(v.is_true()))
            } else if v.is_integer() {
                i128::try_from(v.clone()).ok()
            } else {
                None
            }
        };
        if let (Some(x), Some(y)) = (int(a), int(b)) {
            return Ok(Some(x.cmp(&y)));
        }
        let float = |v: &Value| {
            int(v)
                .map(|i| i as f64)
                .or_else(|| f64::try_from(v.clone()).ok())
        };
        return Ok(match (float(a), float(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y),
            _ => None,
        });
    }
    if let (Some(x), Some(y)) = (a.as_str(), b.as_str()) {
        return Ok(Some(x.cmp(y)));
    }
    let sequence = |v: &Value| v.kind() == K::Seq && !is_lazy_or_special(v);
    if sequence(a) && sequence(b) && a.is_tuple() == b.is_tuple() {
        // element by element: the first pair that differs decides, else the lengths
        let (xs, ys): (Vec<Value>, Vec<Value>) = (a.try_iter()?.collect(), b.try_iter()?.collect());
        for (x, y) in xs.iter().zip(&ys) {
            if x != y {
                return order(x, y, op);
            }
        }
        return Ok(Some(xs.len().cmp(&ys.len())));
    }
    Err(Error::new(
        ErrorKind::InvalidOperation,
        format!(
            "'{op}' not supported between instances of '{}' and '{}'",
            super::python::py_type_name(a),
            super::python::py_type_name(b)
        ),
    ))
}

/// Sequences that are not lists or tuples to Python (`range`, generators) cannot be ordered.
fn is_lazy_or_special(v: &Value) -> bool {
    !matches!(super::python::py_type_name(v), "list" | "tuple")
}

/// `lhs % rhs` as Python computes it.
pub fn percent(lhs: Value, rhs: Value) -> Result<Value, Error> {
    if let Some(format) = lhs.as_str() {
        return format_printf(format, &rhs).map(Value::from);
    }
    remainder(&lhs, &rhs)
}

/// `format % args`: a tuple gives the arguments; a mapping is the one argument that
/// `%(key)s` reads; anything else is the one argument. Values are given as Python's `str()`
/// writes them unless they are numbers, booleans or strings (which the formatter converts
/// itself, numbers for `%d`, `%x`, `%f`, ...).
fn format_printf(format: &str, args: &Value) -> Result<String, Error> {
    let items: Vec<Value> = if args.is_tuple() {
        args.try_iter()?.collect()
    } else {
        vec![args.clone()]
    };
    let by_key = format.contains("%(") && args.kind() == minijinja::value::ValueKind::Map;
    let (format, items): (Cow<'_, str>, Vec<Value>) = if by_key {
        (Cow::Borrowed(format), items)
    } else {
        let mut items: Vec<Value> = items.into_iter().map(as_python_argument).collect();
        (reprs_as_strings(format, &mut items), items)
    };
    let format: &str = &format;
    use minijinja::formatting::{format as fmt, FormatStyle};
    let text = fmt(FormatStyle::Printf, format, &items).map_err(python_error)?;
    // Python refuses arguments the format does not use (a mapping excepted)
    if !by_key
        && !items.is_empty()
        && fmt(FormatStyle::Printf, format, &items[..items.len() - 1]).is_ok()
    {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "not all arguments converted during string formatting",
        ));
    }
    Ok(text)
}

/// What minijinja's formatter lacks, written in terms it has: `%r` and `%a` (Python's
/// `repr()`) become `%s` of the argument's `repr()`, and a `*` width or precision becomes
/// the number its argument holds (that argument dropped). The arguments each conversion
/// takes are found by walking the conversions.
fn reprs_as_strings<'f>(format: &'f str, items: &mut Vec<Value>) -> Cow<'f, str> {
    if !format.contains(['r', 'a', '*']) {
        return Cow::Borrowed(format);
    }
    let bytes = format.as_bytes();
    let mut out = String::with_capacity(format.len());
    let mut kept = Vec::with_capacity(items.len());
    let (mut i, mut arg, mut copied, mut changed) = (0, 0, 0, false);
    while i < bytes.len() {
        if bytes[i] != b'%' {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < bytes.len() && b"#0- +".contains(&bytes[j]) {
            j += 1;
        }
        for _ in 0..2 {
            // the width, then the precision after its `.`
            if bytes.get(j) == Some(&b'*') {
                out.push_str(&format[copied..j]);
                match items.get(arg).and_then(|v| i64::try_from(v.clone()).ok()) {
                    Some(n) => out.push_str(&n.max(0).to_string()),
                    None => return Cow::Borrowed(format), // Python: "* wants int"
                }
                copied = j + 1;
                changed = true;
                arg += 1;
                j += 1;
            } else {
                while j < bytes.len() && bytes[j].is_ascii_digit() {
                    j += 1;
                }
            }
            if bytes.get(j) == Some(&b'.') {
                j += 1;
            } else {
                break;
            }
        }
        while j < bytes.len() && b"hlL".contains(&bytes[j]) {
            j += 1;
        }
        match bytes.get(j) {
            Some(b'%') => {}
            Some(c) => {
                if let Some(item) = items.get(arg) {
                    if matches!(c, b'r' | b'a') {
                        out.push_str(&format[copied..j]);
                        out.push('s');
                        copied = j + 1;
                        changed = true;
                        kept.push(Value::from(super::python::py_repr(item)));
                    } else {
                        kept.push(item.clone());
                    }
                }
                arg += 1;
            }
            None => break,
        }
        i = j + 1;
    }
    if !changed {
        return Cow::Borrowed(format);
    }
    // arguments no conversion takes stay, so that Python's "not all arguments converted" holds
    kept.extend(items.drain(..).skip(arg));
    *items = kept;
    out.push_str(&format[copied..]);
    Cow::Owned(out)
}

fn as_python_argument(value: Value) -> Value {
    use minijinja::value::ValueKind;
    match value.kind() {
        ValueKind::String | ValueKind::Number | ValueKind::Bool => value,
        _ => Value::from(super::python::py_str(&value)),
    }
}

fn python_error(e: Error) -> Error {
    let detail = e.detail().unwrap_or_default();
    let message = if detail.contains("missing an argument") {
        "not enough arguments for format string".to_string()
    } else {
        detail.to_string()
    };
    Error::new(ErrorKind::InvalidOperation, message)
}

/// Python's `%` on numbers: integers stay integers, the result takes the divisor's sign.
fn remainder(lhs: &Value, rhs: &Value) -> Result<Value, Error> {
    use minijinja::value::ValueKind;
    let numeric = |v: &Value| matches!(v.kind(), ValueKind::Number | ValueKind::Bool);
    if !numeric(lhs) || !numeric(rhs) {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "unsupported operand type(s) for %: '{}' and '{}'",
                super::python::py_type_name(lhs),
                super::python::py_type_name(rhs)
            ),
        ));
    }
    let int = |v: &Value| {
        if v.kind() == ValueKind::Bool {
            Some(i128::from(v.is_true()))
        } else if v.is_integer() {
            i128::try_from(v.clone()).ok()
        } else {
            None
        }
    };
    if let (Some(a), Some(b)) = (int(lhs), int(rhs)) {
        if b == 0 {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                "integer modulo by zero",
            ));
        }
        let r = a.rem_euclid(b);
        let r = if b < 0 && r != 0 { r + b } else { r };
        return Ok(match i64::try_from(r) {
            Ok(small) => Value::from(small),
            Err(_) => Value::from(r),
        });
    }
    let float = |v: &Value| {
        int(v)
            .map(|i| i as f64)
            .or_else(|| f64::try_from(v.clone()).ok())
    };
    let (Some(a), Some(b)) = (float(lhs), float(rhs)) else {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "unsupported operand for %",
        ));
    };
    if b == 0.0 {
        return Err(Error::new(ErrorKind::InvalidOperation, "float modulo"));
    }
    let mut r = a % b;
    if r != 0.0 && (r < 0.0) != (b < 0.0) {
        r += b;
    } else if r == 0.0 {
        r = 0.0f64.copysign(b);
    }
    Ok(Value::from(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rewritten(source: &str) -> String {
        rewrite_template(source, &SyntaxConfig::default()).into_owned()
    }

    #[test]
    fn every_percent_operator_becomes_a_call() {
        assert_eq!(
            rewritten("{{ '%s:%d' % (h, p) }}"),
            "{{ __promvault_percent('%s:%d' , (h, p)) }}"
        );
        assert_eq!(
            rewritten("{% set x = 'a%sb' % y ~ z %}{{ x }}"),
            "{% set x = __promvault_percent('a%sb' , y) ~ z %}{{ x }}"
        );
        assert_eq!(
            rewritten("{{ '%s' % x % 3 }}"),
            "{{ __promvault_percent(__promvault_percent('%s' , x) , 3) }}"
        );
        assert_eq!(
            rewritten("100% {{ x }} {# 5 % 2 #}"),
            "100% {{ x }} {# 5 % 2 #}"
        );
        assert_eq!(rewritten("{{ '50%' }}"), "{{ '50%' }}");
        assert_eq!(rewrite_expression("7 % n"), "__promvault_percent(7 , n)");
    }

    #[test]
    fn orders_as_python() {
        let c = |a: Value, op: &str, b: Value| compare(a, op, b);
        assert!(c(Value::from(1), "<", Value::from(2.5)).unwrap());
        assert!(c(Value::from(true), ">=", Value::from(1)).unwrap());
        assert!(c(Value::from("b"), ">", Value::from("a")).unwrap());
        assert!(c(Value::from(vec![1, 2]), "<", Value::from(vec![1, 3])).unwrap());
        assert!(c(Value::from(vec![1]), "<", Value::from(vec![1, 0])).unwrap());
        assert!(!c(Value::from(f64::NAN), "<", Value::from(1)).unwrap());
        let e = c(Value::from("10"), ">", Value::from(5)).unwrap_err();
        assert_eq!(
            e.detail(),
            Some("'>' not supported between instances of 'str' and 'int'")
        );
        assert!(c(Value::from(()), "<", Value::from(1)).is_err());
        assert!(c(Value::from(vec![1]), "<", Value::from(vec!["a"])).is_err());
        assert_eq!(
            rewritten("{{ ((a)) < (b) }}{{ (x % 2) % 3 }}"),
            "{{ __promvault_compare(((a)) ,'<', (b)) }}{{ __promvault_percent((__promvault_percent(x , 2)) , 3) }}"
        );
        assert_eq!(
            rewritten("{{ a | length > 0 }}{{ x.y[0] < 'b' | upper }}"),
            "{{ __promvault_compare(a | length ,'>', 0) }}{{ __promvault_compare(x.y[0] ,'<', 'b' | upper) }}"
        );
        assert_eq!(
            rewritten("{{ a < b }}{% if x >= 3 %}{% endif %}{{ 1 < 2 < 3 }}"),
            "{{ __promvault_compare(a ,'<', b) }}{% if __promvault_compare(x ,'>=', 3) %}{% endif %}{{ 1 < 2 < 3 }}"
        );
    }

    #[test]
    fn formats_and_remainders_as_python() {
        let tuple = |v: Vec<Value>| Value::from(minijinja::value::Tuple::from(v));
        let f = |fmt: &str, args: Value| percent(Value::from(fmt), args).map(|v| v.to_string());
        assert_eq!(
            f("%s:%d", tuple(vec![Value::from("h"), Value::from(9100)])).unwrap(),
            "h:9100"
        );
        assert_eq!(f("%s", Value::from(vec![1, 2])).unwrap(), "[1, 2]");
        assert_eq!(f("%s", Value::from(true)).unwrap(), "True");
        assert_eq!(
            f(
                "%*d|%r|%5r",
                tuple(vec![
                    Value::from(3),
                    Value::from(7),
                    Value::from("a"),
                    Value::from(1)
                ])
            )
            .unwrap(),
            "  7|'a'|    1"
        );
        assert_eq!(f("%05.1f%%", Value::from(2.25)).unwrap(), "002.2%");
        assert!(f("%s %s", Value::from("a")).is_err());
        assert!(f("x", Value::from("a")).is_err());
        let rem = |a: Value, b: Value| percent(a, b).map(|v| v.to_string());
        assert_eq!(rem(Value::from(-7), Value::from(2)).unwrap(), "1");
        assert_eq!(rem(Value::from(7), Value::from(-2)).unwrap(), "-1");
        assert_eq!(rem(Value::from(7.5), Value::from(2)).unwrap(), "1.5");
        assert!(rem(Value::from(1), Value::from(0)).is_err());
    }
}
