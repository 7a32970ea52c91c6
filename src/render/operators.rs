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
//! - `x[k]` → `x[__promvault_key(k)]`: an undefined key fails, as Python's hashing of an
//!   undefined value does in Ansible, where minijinja gives an undefined result.
//! - a macro whose body uses `varargs` or `kwargs` gets those parameters, and each call of a
//!   macro by name in the template that defines it goes through `__promvault_macro_call(m,
//!   ...)`, which puts the arguments the macro does not declare there, as Jinja does
//!   (minijinja's macros take no extra arguments), and fails on an undefined argument (Jinja
//!   passes it on and Ansible fails where it is used; minijinja would take the default).

use std::borrow::Cow;

use minijinja::machinery::{ast, parse, parse_expr};
use minijinja::syntax::SyntaxConfig;
use minijinja::{Error, ErrorKind, Value};

/// The global function `A % B` becomes.
pub const PERCENT: &str = "__promvault_percent";
/// The global function `A < B` (and `<=`, `>`, `>=`) becomes.
pub const COMPARE: &str = "__promvault_compare";
/// The global function a subscript's key goes through (`x[KEY(k)]`).
pub const KEY: &str = "__promvault_key";
/// The global function a call of a macro that uses `varargs` or `kwargs` goes through.
pub const MACRO_CALL: &str = "__promvault_macro_call";

/// `source` with every operator of its expressions rewritten (see the module's
/// documentation), or unchanged when it has none or does not parse (minijinja then reports
/// the error on the text as written).
pub fn rewrite_template<'s>(source: &'s str, syntax: &SyntaxConfig) -> Cow<'s, str> {
    if !source.contains(['%', '<', '>', '(', '[']) {
        return Cow::Borrowed(source);
    }
    match parse(source, "<template>", syntax.clone()) {
        Ok(stmt) => {
            let mut rewriter = Rewriter::new(source);
            walk_stmt(&stmt, &mut |node| rewriter.collect_macro(node));
            walk_stmt(&stmt, &mut |node| rewriter.visit(node));
            apply(source, rewriter.edits)
        }
        Err(_) => Cow::Borrowed(source),
    }
}

/// [`rewrite_template`] for a standalone expression (`compile_expression`).
pub fn rewrite_expression(source: &str) -> Cow<'_, str> {
    if !source.contains(['%', '<', '>', '[']) {
        return Cow::Borrowed(source);
    }
    match parse_expr(source) {
        Ok(expr) => {
            let mut rewriter = Rewriter::new(source);
            walk_expr(&expr, &mut |node| rewriter.visit(node));
            apply(source, rewriter.edits)
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

fn apply(source: &str, mut edits: Vec<Edit>) -> Cow<'_, str> {
    if edits.is_empty() {
        return Cow::Borrowed(source);
    }
    // Nested rewrites share start or end offsets: the walk pushes an outer expression's edits
    // before an inner one's, and the stable sort keeps that order at one offset, so an outer
    // call opens first (the closing `)`s are all alike).
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

/// What the walk over a template's syntax tree meets.
enum Node<'x, 'a> {
    Expr(&'x ast::Expr<'a>),
    /// A macro's definition (`{% macro %}`, not a call block's anonymous one).
    Macro(&'x ast::Spanned<ast::Macro<'a>>),
    /// A call outside an expression (`{% do %}`, `{% call %}`).
    Call(&'x ast::Spanned<ast::Call<'a>>),
}

fn walk_stmts<'x, 'a>(stmts: &'x [ast::Stmt<'a>], f: &mut dyn FnMut(Node<'x, 'a>)) {
    for stmt in stmts {
        walk_stmt(stmt, f);
    }
}

fn walk_stmt<'x, 'a>(stmt: &'x ast::Stmt<'a>, f: &mut dyn FnMut(Node<'x, 'a>)) {
    use ast::Stmt;
    match stmt {
        Stmt::Template(t) => walk_stmts(&t.children, f),
        Stmt::EmitExpr(e) => walk_expr(&e.expr, f),
        Stmt::ForLoop(l) => {
            walk_expr(&l.target, f);
            walk_expr(&l.iter, f);
            if let Some(e) = &l.filter_expr {
                walk_expr(e, f);
            }
            walk_stmts(&l.body, f);
            walk_stmts(&l.else_body, f);
        }
        Stmt::IfCond(i) => {
            walk_expr(&i.expr, f);
            walk_stmts(&i.true_body, f);
            walk_stmts(&i.false_body, f);
        }
        Stmt::WithBlock(w) => {
            for (target, value) in &w.assignments {
                walk_expr(target, f);
                walk_expr(value, f);
            }
            walk_stmts(&w.body, f);
        }
        Stmt::Set(s) => {
            walk_expr(&s.target, f);
            walk_expr(&s.expr, f);
        }
        Stmt::SetBlock(s) => {
            walk_expr(&s.target, f);
            if let Some(e) = &s.filter {
                walk_expr(e, f);
            }
            walk_stmts(&s.body, f);
        }
        Stmt::AutoEscape(a) => {
            walk_expr(&a.enabled, f);
            walk_stmts(&a.body, f);
        }
        Stmt::FilterBlock(b) => {
            walk_expr(&b.filter, f);
            walk_stmts(&b.body, f);
        }
        Stmt::Block(b) => walk_stmts(&b.body, f),
        Stmt::Import(i) => {
            walk_expr(&i.expr, f);
            walk_expr(&i.name, f);
        }
        Stmt::FromImport(i) => walk_expr(&i.expr, f),
        Stmt::Extends(e) => walk_expr(&e.name, f),
        Stmt::Include(i) => walk_expr(&i.name, f),
        Stmt::Macro(m) => {
            f(Node::Macro(m));
            walk_macro(m, f);
        }
        Stmt::CallBlock(c) => {
            f(Node::Call(&c.call));
            walk_call(&c.call, f);
            walk_macro(&c.macro_decl, f);
        }
        Stmt::Do(d) => {
            f(Node::Call(&d.call));
            walk_call(&d.call, f);
        }
        Stmt::EmitRaw(_) => {}
    }
}

fn walk_macro<'x, 'a>(m: &'x ast::Macro<'a>, f: &mut dyn FnMut(Node<'x, 'a>)) {
    for e in m.args.iter().chain(&m.defaults) {
        walk_expr(e, f);
    }
    walk_stmts(&m.body, f);
}

fn walk_call<'x, 'a>(c: &'x ast::Call<'a>, f: &mut dyn FnMut(Node<'x, 'a>)) {
    walk_expr(&c.expr, f);
    walk_args(&c.args, f);
}

fn walk_args<'x, 'a>(args: &'x [ast::CallArg<'a>], f: &mut dyn FnMut(Node<'x, 'a>)) {
    for a in args {
        match a {
            ast::CallArg::Pos(e)
            | ast::CallArg::Kwarg(_, e)
            | ast::CallArg::PosSplat(e)
            | ast::CallArg::KwargSplat(e) => walk_expr(e, f),
        }
    }
}

/// Every expression in `expr`, outermost first.
fn walk_expr<'x, 'a>(expr: &'x ast::Expr<'a>, f: &mut dyn FnMut(Node<'x, 'a>)) {
    use ast::Expr;
    f(Node::Expr(expr));
    match expr {
        Expr::Var(_) | Expr::Const(_) => {}
        Expr::Slice(s) => {
            walk_expr(&s.expr, f);
            for e in [&s.start, &s.stop, &s.step].into_iter().flatten() {
                walk_expr(e, f);
            }
        }
        Expr::UnaryOp(u) => walk_expr(&u.expr, f),
        Expr::BinOp(b) => {
            walk_expr(&b.left, f);
            walk_expr(&b.right, f);
        }
        Expr::Compare(c) => {
            walk_expr(&c.expr, f);
            for op in &c.ops {
                walk_expr(&op.expr, f);
            }
        }
        Expr::IfExpr(i) => {
            walk_expr(&i.test_expr, f);
            walk_expr(&i.true_expr, f);
            if let Some(e) = &i.false_expr {
                walk_expr(e, f);
            }
        }
        Expr::Filter(x) => {
            if let Some(e) = &x.expr {
                walk_expr(e, f);
            }
            walk_args(&x.args, f);
        }
        Expr::Test(t) => {
            walk_expr(&t.expr, f);
            walk_args(&t.args, f);
        }
        Expr::GetAttr(g) => walk_expr(&g.expr, f),
        Expr::GetItem(g) => {
            walk_expr(&g.expr, f);
            walk_expr(&g.subscript_expr, f);
        }
        Expr::Call(c) => walk_call(c, f),
        Expr::List(l) => l.items.iter().for_each(|e| walk_expr(e, f)),
        Expr::Tuple(t) => t.items.iter().for_each(|e| walk_expr(e, f)),
        Expr::Map(m) => m.keys.iter().chain(&m.values).for_each(|e| walk_expr(e, f)),
    }
}

/// Where an expression's text starts: a filter's, test's, attribute's, item's, call's or
/// slice's own span may start after the expression it applies to.
fn expr_start(expr: &ast::Expr<'_>) -> usize {
    use ast::Expr;
    let own = expr.span().start_offset as usize;
    match expr {
        // an operator's or conditional expression's own span may start before it
        Expr::BinOp(b) => expr_start(&b.left),
        Expr::Compare(c) => expr_start(&c.expr),
        Expr::IfExpr(i) => expr_start(&i.true_expr),
        // a filter's, test's, attribute's, item's, call's or slice's may start after the
        // expression it applies to
        Expr::Filter(f) => f.expr.as_ref().map_or(own, |e| expr_start(e).min(own)),
        Expr::Test(t) => expr_start(&t.expr).min(own),
        Expr::GetAttr(g) => expr_start(&g.expr).min(own),
        Expr::GetItem(g) => expr_start(&g.expr).min(own),
        Expr::Call(c) => expr_start(&c.expr).min(own),
        Expr::Slice(s) => expr_start(&s.expr).min(own),
        _ => own,
    }
}

/// How many `)` in an expression's text close a `(` before it (string literals skipped).
fn unopened_brackets(text: &str) -> usize {
    let (mut open, mut unopened) = (0usize, 0usize);
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(_), '\\') => {
                chars.next();
            }
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(') => open += 1,
            (None, ')') if open > 0 => open -= 1,
            (None, ')') => unopened += 1,
            (None, _) => {}
        }
    }
    unopened
}

/// The edits of one template.
struct Rewriter<'s> {
    source: &'s str,
    edits: Vec<Edit>,
    /// Macros defined in this template: (name, uses varargs, uses kwargs).
    catching: Vec<(String, bool, bool)>,
}

impl<'s> Rewriter<'s> {
    fn new(source: &'s str) -> Self {
        Rewriter {
            source,
            edits: Vec::new(),
            catching: Vec::new(),
        }
    }

    /// A macro that uses `varargs` or `kwargs`, as Jinja's do: they get those parameters
    /// (`varargs=[]`, `kwargs={}`), and its calls go through [`MACRO_CALL`], which puts the
    /// arguments its parameters do not take there.
    fn collect_macro(&mut self, node: Node<'_, '_>) {
        let Node::Macro(m) = node else { return };
        let (mut varargs, mut kwargs) = (false, false);
        walk_stmts(&m.body, &mut |n| {
            if let Node::Expr(ast::Expr::Var(v)) = n {
                varargs |= v.id == "varargs";
                kwargs |= v.id == "kwargs";
            }
        });
        let declared = |name: &str| {
            m.args
                .iter()
                .any(|a| matches!(a, ast::Expr::Var(v) if v.id == name))
        };
        varargs &= !declared("varargs");
        kwargs &= !declared("kwargs");
        // every call of a macro defined here goes through MACRO_CALL (an undefined argument)
        self.catching.push((m.name.to_string(), varargs, kwargs));
        if !(varargs || kwargs) {
            return;
        }
        // the signature's closing bracket: after the last parameter or default, or after
        // the name's `(`
        let span = m.span();
        let mut from = span.start_offset as usize;
        for e in m.args.iter().chain(&m.defaults) {
            from = from.max(e.span().end_offset as usize);
        }
        if m.args.is_empty() {
            let Some(name_at) = self
                .source
                .get(from..)
                .and_then(|t| t.find(m.name))
                .map(|i| from + i + m.name.len())
            else {
                return;
            };
            from = name_at;
        }
        let Some(close) = self
            .source
            .get(from..)
            .and_then(|t| t.find(')'))
            .map(|i| from + i)
        else {
            return;
        };
        let comma = if m.args.is_empty() { "" } else { ", " };
        let insert: &'static str = match (varargs, kwargs, comma) {
            (true, true, "") => "varargs=[], kwargs={}",
            (true, true, _) => ", varargs=[], kwargs={}",
            (true, false, "") => "varargs=[]",
            (true, false, _) => ", varargs=[]",
            (false, true, "") => "kwargs={}",
            (false, true, _) => ", kwargs={}",
            (false, false, _) => return,
        };
        self.edits.push(Edit {
            at: close,
            remove: 0,
            insert,
        });
    }

    fn visit(&mut self, node: Node<'_, '_>) {
        match node {
            Node::Expr(ast::Expr::BinOp(b)) => self.operator(b),
            Node::Expr(ast::Expr::GetItem(g)) => {
                // `x[key]` → `x[__promvault_key(key)]` (a constant is always defined)
                let constant = match &g.subscript_expr {
                    ast::Expr::Const(_) => true,
                    ast::Expr::UnaryOp(u) => matches!(u.expr, ast::Expr::Const(_)),
                    _ => false,
                };
                if constant {
                    return;
                }
                // inside the brackets, whatever brackets stand around the key
                let source = self.source;
                let after = g.expr.span().end_offset as usize;
                let from = source
                    .get(after..)
                    .and_then(|t| t.find('['))
                    .map(|i| after + i + 1);
                let to = (g.span().end_offset as usize).checked_sub(1);
                let (Some(from), Some(to)) = (from, to) else {
                    return;
                };
                if from < to
                    && source.as_bytes().get(to) == Some(&b']')
                    && from <= expr_start(&g.subscript_expr)
                {
                    self.edits.push(Edit {
                        at: from,
                        remove: 0,
                        insert: concat!("__promvault_key", "("),
                    });
                    self.edits.push(Edit {
                        at: to,
                        remove: 0,
                        insert: ")",
                    });
                }
            }
            Node::Expr(ast::Expr::Call(c)) => self.call(c),
            Node::Call(c) => self.call(c),
            _ => {}
        }
    }

    /// `name(args)` of a macro defined in this template → `MACRO_CALL(name, args)`.
    fn call(&mut self, c: &ast::Spanned<ast::Call<'_>>) {
        let ast::Expr::Var(callee) = &c.expr else {
            return;
        };
        if !self.catching.iter().any(|(name, ..)| name == callee.id) {
            return;
        }
        let start = callee.span().start_offset as usize;
        let end = callee.span().end_offset as usize;
        let Some(open) = self
            .source
            .get(end..)
            .and_then(|t| t.find('('))
            .map(|i| end + i)
        else {
            return;
        };
        self.edits.push(Edit {
            at: start,
            remove: 0,
            insert: concat!("__promvault_macro_call", "("),
        });
        self.edits.push(Edit {
            at: open,
            remove: 1,
            insert: if c.args.is_empty() { "" } else { ", " },
        });
    }

    /// `A % B` and `A < B` (`<=`, `>`, `>=`) → their functions.
    fn operator(&mut self, b: &ast::Spanned<ast::BinOp<'_>>) {
        let (symbol, call, separator) = match b.op {
            ast::BinOpKind::Rem => ("%", concat!("__promvault_percent", "("), ","),
            ast::BinOpKind::Lt => ("<", concat!("__promvault_compare", "("), ",'<',"),
            ast::BinOpKind::Lte => ("<=", concat!("__promvault_compare", "("), ",'<=',"),
            ast::BinOpKind::Gt => (">", concat!("__promvault_compare", "("), ",'>',"),
            ast::BinOpKind::Gte => (">=", concat!("__promvault_compare", "("), ",'>=',"),
            _ => return,
        };
        let source = self.source;
        let to = b.span().end_offset as usize;
        let gap = b.left.span().end_offset as usize..expr_start(&b.right);
        // the operator: between the operands (only brackets and blanks stand beside it)
        let Some(op) = source
            .get(gap.clone())
            .and_then(|g| g.find(symbol))
            .map(|i| gap.start + i)
        else {
            return;
        };
        // the left operand's start, with the brackets that close in its text: those around
        // it (`(a) < b`) and those around its own first operand (`(a) + 1 < b`), which the
        // spans of the expressions leave out
        let mut from = expr_start(&b.left);
        for _ in 0..unopened_brackets(source.get(from..op).unwrap_or("")) {
            let before = source[..from].trim_end();
            if !before.ends_with('(') {
                break;
            }
            from = before.len() - 1;
        }
        self.edits.push(Edit {
            at: from,
            remove: 0,
            insert: call,
        });
        self.edits.push(Edit {
            at: op,
            remove: symbol.len(),
            insert: separator,
        });
        self.edits.push(Edit {
            at: to,
            remove: 0,
            insert: ")",
        });
    }
}

/// `MACRO_CALL(macro, args..., kwargs...)`: the call, with the positional arguments past the
/// macro's own parameters as its `varargs` list and the keyword arguments it does not
/// declare as its `kwargs` mapping (when it has those parameters: else minijinja refuses
/// them as Jinja does).
pub fn macro_call(
    state: &mut minijinja::State,
    callee: Value,
    args: minijinja::value::Rest<Value>,
    kwargs: minijinja::value::Kwargs,
) -> Result<Value, Error> {
    let names: Vec<String> = callee
        .get_attr("arguments")
        .ok()
        .and_then(|a| a.try_iter().ok())
        .map(|it| it.filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    let catch_varargs = names.iter().any(|n| n == "varargs");
    let catch_kwargs = names.iter().any(|n| n == "kwargs");
    let own: Vec<&String> = names
        .iter()
        .filter(|n| *n != "varargs" && *n != "kwargs")
        .collect();
    let mut positional = args.0;
    // Jinja hands an undefined argument on as it is (a parameter's default is for a missing
    // one), and Ansible's undefined fails where the macro uses it; minijinja would put the
    // default in its place, so the call fails here
    let undefined = positional.iter().any(Value::is_undefined)
        || kwargs
            .args()
            .any(|k| kwargs.peek::<Value>(k).is_ok_and(|v| v.is_undefined()));
    if undefined {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            format!(
                "an undefined value is passed to macro `{}`",
                callee
                    .get_attr("name")
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ),
        ));
    }
    let mut keywords: Vec<(String, Value)> = Vec::new();
    if catch_varargs && positional.len() > own.len() {
        let extra = positional.split_off(own.len());
        // a list, as Ansible hands Jinja's tuple on
        keywords.push(("varargs".into(), Value::from(extra)));
    }
    let mut caught = indexmap::IndexMap::new();
    for key in kwargs.args() {
        let value: Value = kwargs.get(key)?;
        if catch_kwargs && key != "caller" && !own.iter().any(|n| *n == key) {
            caught.insert(Value::from(key), value);
        } else {
            keywords.push((key.to_string(), value));
        }
    }
    if catch_kwargs {
        keywords.push(("kwargs".into(), Value::from_object(caught)));
    }
    positional.push(Value::from(minijinja::value::Kwargs::from_iter(keywords)));
    callee.call(state, &positional)
}

/// A subscript's key, which must be defined: Python hashes it to look it up, and Ansible's
/// undefined fails there (so `d[missing] | default(x)` fails, where minijinja gives undefined).
pub fn key(value: Value) -> Result<Value, Error> {
    if value.is_undefined() {
        return Err(Error::new(
            ErrorKind::UndefinedError,
            "a subscript's key is undefined",
        ));
    }
    Ok(value)
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
        let int = super::python::py_int;
        if let (Some(x), Some(y)) = (int(a), int(b)) {
            return Ok(Some(x.cmp(&y)));
        }
        return Ok(match (py_float(a), py_float(b)) {
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

/// A number (or bool) as a Python float, for arithmetic mixing ints and floats.
fn py_float(v: &Value) -> Option<f64> {
    super::python::py_int(v)
        .map(|i| i as f64)
        .or_else(|| f64::try_from(v.clone()).ok())
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
    let int = super::python::py_int;
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
    let (Some(a), Some(b)) = (py_float(lhs), py_float(rhs)) else {
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
    fn a_left_operand_keeps_its_brackets() {
        assert_eq!(
            rewrite_expression("(a | length) + 1 > 2"),
            "__promvault_compare((a | length) + 1 ,'>', 2)"
        );
        assert_eq!(
            rewrite_expression("((a) + (b)) * 2 < c"),
            "__promvault_compare(((a) + (b)) * 2 ,'<', c)"
        );
        assert_eq!(
            rewrite_expression("(a) < b"),
            "__promvault_compare((a) ,'<', b)"
        );
        assert_eq!(
            rewrite_expression("(')' ~ a) + ')' < b"),
            "__promvault_compare((')' ~ a) + ')' ,'<', b)"
        );
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
            rewritten("{{ d[(a) if c else b] }}{{ (d)[k] }}{{ l[-1] }}{{ d['x'] }}"),
            "{{ d[__promvault_key((a) if c else b)] }}{{ (d)[__promvault_key(k)] }}{{ l[-1] }}{{ d['x'] }}"
        );
        assert!(key(Value::UNDEFINED).is_err());
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
