"""Random case generator for the Ansible differential harness.

A case is a host's variables, spread over Ansible's precedence layers, and a template made of
fragments. Every template expression and every templated variable value is a tree of `Node`s,
so a difference can be shrunk by replacing a node with a smaller node of the same kind.

Kinds: S str, I int, F float, B bool, L list of str, LI list of int, D dict, LD list of
dicts (name/port), A anything (YAML 1.1 scalars whose type the reader must work out), N none,
T a template fragment.
"""
import random

LAYERS = ["defaults", "inv_all", "gv_all", "inv_group", "gv_group", "gv_child", "inv_host", "hv", "vault", "extra"]


class Node:
    __slots__ = ("kind", "fmt", "args", "tags")

    def __init__(self, kind, fmt, args=(), tags=()):
        self.kind, self.fmt, self.args, self.tags = kind, fmt, list(args), tuple(tags)

    def text(self):
        return self.fmt.format(*[a.text() for a in self.args])

    def all_tags(self):
        out = set(self.tags)
        for a in self.args:
            out |= a.all_tags()
        return out

    def walk(self):
        yield self
        for a in self.args:
            yield from a.walk()


def leaf(kind, text, *tags):
    return Node(kind, text.replace("{", "{{").replace("}", "}}"), (), tags)


STR_LITS = ["'abc'", "'Web-01'", "\"it's\"", "'a b c'", "''", "'x,y,z'", "'1.2.10'", "'ünï'", "'a\\\\b'",
            "'tab\\there'", "'line\\nbreak'", "'50%'", "'A_b-C'", "'{{ raw }}'", "'007'", "'yes'"]
INT_LITS = ["0", "1", "2", "3", "7", "42", "-3", "10"]
FLOAT_LITS = ["1.5", "0.1", "2.0", "-0.5", "1e3", "3.14159"]


class Gen:
    def __init__(self, rng, varpool):
        self.r = rng
        self.vars = varpool          # kind -> [names]

    def pick(self, seq):
        return self.r.choice(seq)

    def var(self, kind):
        names = self.vars.get(kind, [])
        if kind == "A":
            names = names + [n for k in ("S", "I", "F", "B", "N") for n in self.vars.get(k, [])]
        if not names:
            return None
        return leaf(kind, self.pick(names), "var")

    def lit(self, kind):
        r = self.r
        if kind == "S":
            return leaf("S", self.pick(STR_LITS), "lit")
        if kind == "I":
            return leaf("I", self.pick(INT_LITS), "lit")
        if kind == "F":
            return leaf("F", self.pick(FLOAT_LITS), "lit")
        if kind == "B":
            return leaf("B", self.pick(["true", "false", "True", "False"]), "lit")
        if kind == "N":
            return leaf("N", self.pick(["none", "None"]), "lit")
        if kind == "L":
            n = r.randint(0, 3)
            return Node("L", "[" + ", ".join(["{%d}" % i for i in range(n)]) + "]", [self.lit("S") for _ in range(n)], ["lit"])
        if kind == "LI":
            n = r.randint(0, 4)
            return leaf("LI", "[" + ", ".join(self.pick(INT_LITS) for _ in range(n)) + "]", "lit")
        if kind == "D":
            keys = r.sample(["a", "b", "name", "port", "k1"], r.randint(0, 3))
            return Node("D", "{{" + ", ".join("'%s': {%d}" % (k, i) for i, k in enumerate(keys)) + "}}",
                        [self.lit(self.pick(["S", "I", "B"])) for _ in keys], ["lit"])
        if kind == "LD":
            return leaf("LD", "[{'name': 'b', 'port': 2}, {'name': 'a', 'port': 10}]", "lit")
        if kind == "A":
            return self.lit(self.pick(["S", "I", "F", "B", "N"]))
        raise ValueError(kind)

    def expr(self, kind, depth=0):
        r = self.r
        if depth >= 3 or r.random() < 0.3:
            v = self.var(kind) if r.random() < 0.7 else None
            return v or self.lit(kind)
        prods = PRODUCTIONS.get(kind, [])
        fmt, argkinds, tag = self.pick(prods)
        args = [self.expr(k, depth + 1) for k in argkinds]
        return Node(kind, fmt, args, [tag])

    def fragment(self):
        fmt, argkinds, tag = self.pick(FRAGMENTS)
        args = [self.expr(k, 1) for k in argkinds]
        return Node("T", fmt, args, [tag])


# (format, argument kinds, tag). `{0}` etc. are argument texts; literal braces are doubled.
PRODUCTIONS = {
    "S": [
        ("{0} | upper", "S", "upper"), ("{0} | lower", "S", "lower"), ("{0} | capitalize", "S", "capitalize"),
        ("{0} | title", "S", "title"), ("{0} | trim", "S", "trim"),
        ("{0} | replace('a', 'o')", "S", "replace"), ("{0} | regex_replace('[aeiou]', '_')", "S", "regex_replace"),
        ("{0} | regex_replace('^(.)(.*)$', '\\\\2\\\\1')", "S", "regex_replace-backref"),
        ("{0} | regex_search('[a-z]+') | default('none', true)", "S", "regex_search"),
        ("{0} | b64encode", "S", "b64encode"), ("{0} | b64encode | b64decode", "S", "b64decode"),
        ("{0} | to_json", "A", "to_json"), ("{0} | to_json", "L", "to_json"), ("{0} | to_json", "D", "to_json"),
        ("{0} | to_yaml", "A", "to_yaml"), ("{0} | to_nice_json", "D", "to_nice_json"),
        ("{0} | string", "A", "string"), ("{0} | string", "I", "string"),
        ("{0} ~ {1}", "SS", "tilde"), ("{0} ~ {1}", "SI", "tilde"), ("{0} ~ {1}", "SA", "tilde"), ("{0} + {1}", "SS", "plus-str"),
        ("{0} | join(',')", "L", "join"), ("{0} | join('-')", "LI", "join"), ("{0} | first | default('e')", "L", "first"),
        ("{0} | last | default('e')", "L", "last"),
        ("{0}[1:3]", "S", "slice"), ("{0}[::-1]", "S", "slice-rev"),
        ("{0} | default('dflt')", "S", "default"), ("undefined_thing | default({0})", "S", "default-undef"),
        ("{0} | d('x', true)", "S", "default-true"),
        ("{0} | ternary('yes', 'no')", "B", "ternary"), ("{0} | ternary({1}, {2})", "BSS", "ternary"),
        ("{0}.upper()", "S", "method"), ("{0}.replace('b', 'B')", "S", "method"), ("{0}.strip()", "S", "method"),
        ("{0}.startswith('a') | string", "S", "method"), ("{0}.split(',') | join('+')", "S", "method-split"),
        ("'%s-%s' % ({0}, {1})", "SI", "percent-format"), ("'%d' % {0}", "I", "percent-format"),
        ("'%s' | format({0})", "A", "format"), ("'{{}}:{{}}'.format({0}, {1})", "SI", "str-format"),
        ("{0} | basename", "S", "basename"), ("{0} | dirname", "S", "dirname"), ("({0} | splitext)[1]", "S", "splitext"),
        ("{0} | hash('sha1')", "S", "hash"), ("{0} | checksum", "S", "checksum"), ("{0} | md5", "S", "md5"),
        ("{0} | comment", "S", "comment"), ("{0} | indent(2)", "S", "indent"), ("{0} | urlencode", "S", "urlencode"),
        ("{0} | regex_escape", "S", "regex_escape"), ("{0} | quote", "S", "quote"),
        ("{0} | truncate(5)", "S", "truncate"), ("{0} | center(9)", "S", "center"), ("{0} | wordwrap(5)", "S", "wordwrap"),
        ("{0} if {1} else {2}", "SBS", "inline-if"),
        ("{0} | dict2items | map(attribute='key') | join(',')", "D", "dict2items"),
        ("{0}.get('a', {1}) | string", "DS", "dict-get"), ("{0}['name'] | default('noname')", "D", "getitem-default"),
        ("{0} | string", "L", "string-list"), ("{0} | string", "D", "string-dict"), ("{0} | string", "LD", "string-ld"),
        ("{0} | map('upper') | join(' ')", "L", "map-filter"),
        ("{0} | map('regex_replace', '^', '>') | join(' ')", "L", "map-filter-args"),
        ("{0} | map('regex_replace', 'A', 'z', ignorecase=true) | join(' ')", "L", "map-filter-kwargs"),
        ("{0} | map('default', 'x') | join(' ')", "L", "map-filter-args"),
        ("{0} | to_nice_yaml", "D", "to_nice_yaml"), ("{0} | to_nice_yaml(indent=4)", "LD", "to_nice_yaml"),
        ("{0} | items2dict | to_json", "LD", "items2dict"),
        ("{0} | items2dict(key_name='name', value_name='port') | to_json", "LD", "items2dict-names"),
        ("{0} | items2dict(key_name=1, value_name=2) | string", "LD", "items2dict-intnames"),
        ("dict({0} | zip({1})) | string", "LLI", "dict-pairs"),
        ("dict([[1, {0}], [2, 'x']]) | string", "S", "dict-pairs-int"),
        ("lookup('vars', 'v_s0', default={0})", "S", "lookup-vars-default"),
        ("lookup('vars', 'nope_nope', default={0})", "S", "lookup-vars-default"),
        ("query('vars', 'v_s0') | string", "", "query-vars"),
        ("{0} | urlsplit('hostname') | default('nohost', true)", "S", "urlsplit"),
        ("{0} | human_readable", "I", "human_readable"),
        ("{0} | mandatory", "S", "mandatory"), ("{0} | type_debug", "A", "type_debug"),
        ("{0} | from_yaml | string", "S", "from_yaml"),
    ],
    "I": [
        ("{0} + {1}", "II", "arith"), ("{0} * {1}", "II", "arith"), ("{0} - {1}", "II", "arith"),
        ("{0} // {1}", "II", "floordiv"), ("{0} % {1}", "II", "mod"), ("{0} ** 2", "I", "pow"),
        ("{0} | length", "S", "length"), ("{0} | length", "L", "length"), ("{0} | length", "D", "length"),
        ("{0} | int", "S", "int"), ("{0} | int", "F", "int"), ("{0} | int", "A", "int"), ("{0} | round | int", "F", "round"),
        ("{0} | sum", "LI", "sum"), ("{0} | max", "LI", "max"), ("{0} | min", "LI", "min"),
        ("{0} | first | default(0)", "LI", "first"), ("{0} | abs", "I", "abs"), ("{0} | int", "B", "int-bool"),
        ("{0} | wordcount", "S", "wordcount"), ("'0x1F' | int(base=16)", "", "int-base"), ("{0} | count", "L", "count"),
        ("[{0}, {1}] | max", "II", "max"), ("{0} | human_to_bytes", "S", "human_to_bytes"),
        ("({0} | length) + {1}", "LI", "arith"), ("{0}.count('a')", "S", "method-count"),
        ("{0} | float | int", "S", "float-int"),
    ],
    "F": [
        ("{0} / {1}", "II", "truediv"), ("{0} * 2", "F", "arith-float"), ("{0} | float", "I", "float"),
        ("{0} | float", "S", "float"), ("{0} | round(1)", "F", "round"), ("{0} + {1}", "FI", "arith-float"),
        ("{0} | float", "A", "float"), ("{0} | log", "I", "log"), ("{0} | root", "I", "root"),
    ],
    "B": [
        ("{0} and {1}", "BB", "and"), ("{0} or {1}", "BB", "or"), ("not {0}", "B", "not"),
        ("{0} > {1}", "II", "cmp"), ("{0} == {1}", "SS", "eq"), ("{0} == {1}", "SI", "eq-mixed"),
        ("{0} < {1}", "SI", "cmp-mixed"), ("{0} >= {1}", "FI", "cmp"),
        ("{0} in {1}", "SL", "in"), ("{0} in {1}", "SS", "in-str"), ("{0} in {1}", "SD", "in-dict"),
        ("{0} is match('a')", "S", "test-match"), ("{0} is search('b')", "S", "test-search"),
        ("{0} is regex('^[a-z]+$')", "S", "test-regex"),
        ("{0} is defined", "A", "test-defined"), ("undefined_thing is defined", "", "test-defined"),
        ("{0} is string", "A", "test-string"), ("{0} is number", "A", "test-number"),
        ("{0} is sequence", "A", "test-sequence"), ("{0} is mapping", "D", "test-mapping"),
        ("{0} is iterable", "A", "test-iterable"), ("{0} is none", "A", "test-none"),
        ("{0} is boolean", "A", "test-boolean"), ("{0} is integer", "A", "test-integer"), ("{0} is float", "A", "test-float"),
        ("{0} | bool", "S", "bool"), ("{0} | bool", "A", "bool"), ("{0} | bool", "I", "bool"),
        ("{0} is even", "I", "test-even"), ("{0} is divisibleby(3)", "I", "test-divisibleby"),
        ("{0} is subset({1})", "LL", "test-subset"), ("{0} is superset({1})", "LL", "test-superset"),
        ("{0} is version('1.2', '>=')", "S", "test-version"), ("{0} is truthy", "A", "test-truthy"),
        ("{0} is falsy", "A", "test-falsy"), ("{0} is contains('a')", "L", "test-contains"),
        ("{0} is eq {1}", "II", "test-eq"), ("{0} is sameas true", "A", "test-sameas"),
        ("{0} | length > 0", "L", "length-cmp"), ("{0} is in {1}", "SL", "test-in"),
    ],
    "L": [
        ("{0} | split(',')", "S", "split"), ("{0}.split()", "S", "method-split"), ("{0} + {1}", "LL", "list-plus"),
        ("{0} | sort", "L", "sort"), ("{0} | unique", "L", "unique"), ("{0} | reverse | list", "L", "reverse"),
        ("{0} | map('upper') | list", "L", "map-filter"), ("{0} | select('match', 'a') | list", "L", "select"),
        ("{0} | reject('equalto', 'a') | list", "L", "reject"), ("{0} | union({1}) | sort", "LL", "union"),
        ("{0} | intersect({1}) | sort", "LL", "intersect"), ("{0} | difference({1}) | sort", "LL", "difference"),
        ("{0} | symmetric_difference({1}) | sort", "LL", "symmetric_difference"),
        ("{0} | list", "D", "dict-list"), ("{0}.keys() | list", "D", "dict-keys"),
        ("{0} | map(attribute='name') | list", "LD", "map-attr"),
        ("{0} | selectattr('port', 'gt', {1}) | map(attribute='name') | list", "LDI", "selectattr"),
        ("{0} | rejectattr('name', 'eq', 'a') | map(attribute='name') | list", "LD", "rejectattr"),
        ("{0}[1:]", "L", "slice"), ("[{0}, {1}]", "SS", "list-lit"), ("{0} | map('string') | list", "LI", "map-string"),
        ("{0} | zip({1}) | map('join', '-') | list", "LL", "zip"), ("{0} | product({1}) | map('join') | list", "LL", "product"),
        ("{0} | batch(2) | map('join', '') | list", "L", "batch"), ("{0} | list", "S", "str-list"),
        ("{0} | dictsort | map('first') | list", "D", "dictsort"), ("[{0}] | flatten", "L", "flatten"),
        ("{0} | map('regex_replace', 'a', 'b') | list", "L", "map-filter-args"),
        ("{0} | map('regex_replace', 'A', 'z', ignorecase=true) | list", "L", "map-filter-kwargs"),
        ("query('vars', 'v_s0', 'v_s0')", "", "query-vars"), ("{0} | shuffle(seed='x') | sort", "L", "shuffle-seed"),
        ("{0} | sort(reverse=true)", "L", "sort-kw"), ("{0} | unique | list", "L", "unique"),
        ("{0} | select | list", "L", "select-truthy"), ("{0} | subelements('k') | list", "LD", "subelements"),
    ],
    "LI": [
        ("{0} | sort(reverse=true)", "LI", "sort-kw"), ("{0} | map('length') | list", "L", "map-length"),
        ("range({0}) | list", "I", "range"), ("{0} | map('int') | list", "L", "map-int"), ("{0} | unique", "LI", "unique"), ("{0} | union({1}) | sort", "LILI", "union"),
        ("{0} + {1}", "LILI", "list-plus"), ("{0} | map(attribute='port') | list", "LD", "map-attr"),
        ("{0} | select('odd') | list", "LI", "select-test"), ("[{0}, {1}]", "II", "list-lit"),
        ("{0} | map('int') | map('abs') | list", "LI", "map-chain"),
    ],
    "D": [
        ("{0} | combine({1})", "DD", "combine"), ("{0} | combine({1}, recursive=true)", "DD", "combine-rec"),
        ("dict(a=1, b={0})", "S", "dict-kwargs"), ("{0} | dict2items | items2dict", "D", "items2dict"),
        ("{0} | items2dict(key_name='name', value_name='port')", "LD", "items2dict-names"),
        ("dict({0} | zip({1}))", "LLI", "dict-pairs"), ("{0} | combine({{'k': {1}}})", "DS", "combine-lit"),
        ("{0} | from_json", "S", "from_json"), ("{{{0}: {1}}}", "SI", "dict-lit"), ("{{{0}: {1}}}", "IS", "dict-lit-intkey"),
    ],
    "LD": [
        ("{0} | dict2items(key_name='name', value_name='port')", "D", "dict2items-names"),
        ("{0} | sort(attribute='name')", "LD", "sort-attr"), ("{0} | sort(attribute='port', reverse=true)", "LD", "sort-attr"),
        ("{0} | dict2items", "D", "dict2items"),
    ],
    "A": [
        ("{0}", "S", "any"), ("{0}", "I", "any"), ("{0}", "B", "any"), ("{0}", "F", "any"),
    ],
    "N": [("{0}.get('zz')", "D", "dict-get-none")],
}

FRAGMENTS = [
    ("{{{{ {0} }}}}\n", "S", "print"), ("{{{{ {0} }}}}\n", "I", "print"), ("{{{{ {0} }}}}\n", "F", "print"),
    ("{{{{ {0} }}}}\n", "B", "print"), ("{{{{ {0} }}}}\n", "L", "print"), ("{{{{ {0} }}}}\n", "LI", "print"),
    ("{{{{ {0} }}}}\n", "D", "print"), ("{{{{ {0} }}}}\n", "A", "print"), ("{{{{ {0} }}}}\n", "LD", "print"),
    ("{{{{ {0} }}}}\n", "N", "print"),
    ("[{{{{ {0} }}}}] [{{{{ {1} }}}}]\n", "AA", "print-two"),
    ("{{% if {0} %}}yes{{% elif {1} %}}elif{{% else %}}no{{% endif %}}\n", "BB", "if"),
    ("{{% if {0} %}}\n  on: {{{{ {1} }}}}\n{{% endif %}}\n", "BS", "if-block"),
    ("  {{% if {0} %}}\n  indented\n  {{% endif %}}\n", "B", "if-indented"),
    ("{{% for x in {0} %}}{{{{ loop.index }}}}:{{{{ x }}}}{{% if not loop.last %}},{{% endif %}}{{% endfor %}}\n", "L", "for"),
    ("{{% for x in {0} %}}\n- {{{{ x }}}} {{{{ loop.first }}}} {{{{ loop.revindex0 }}}} {{{{ loop.length }}}}\n{{% else %}}\nempty\n{{% endfor %}}\n", "LI", "for-else"),
    ("{{% for k, v in {0}.items() %}}\n{{{{ k }}}}={{{{ v }}}}\n{{% endfor %}}\n", "D", "for-items"),
    ("{{% for k, v in {0} | dictsort %}}{{{{ k }}}}={{{{ v }}}};{{% endfor %}}\n", "D", "for-dictsort"),
    ("{{% for x in {0} -%}}\n  {{{{ x }}}}\n{{%- endfor %}}\n", "L", "ws-for"),
    ("{{% for x in {0} %}}{{{{ loop.cycle('odd', 'even') }}}} {{% endfor %}}\n", "LI", "loop-cycle"),
    ("{{% set v = {0} %}}{{{{ v }}}} {{{{ v | type_debug }}}}\n", "A", "set"),
    ("{{% set v = {0} %}}\n{{{{ v }}}}\n", "L", "set"),
    ("{{% set b %}}\n{{{{ {0} }}}}\n{{% endset %}}[{{{{ b }}}}]\n", "S", "set-block"),
    ("{{% raw %}}\n{{{{ not_a_var }}}}{{% endraw %}}\n", "", "raw"),
    ("{{% raw %}}{{{{ x }}}}\n{{% endraw %}}{{{{ {0} }}}}\n", "S", "raw"),
    ("{{# comment #}}\n{{{{ {0} }}}}\n", "S", "comment"),
    ("a\n{{%- if {0} %}}\nb\n{{%- endif %}}\nc\n", "B", "ws-dash"),
    ("x  {{{{- {0} -}}}}  y\n", "S", "ws-expr"),
    ("{{% if {0} +%}}\nplus\n{{% endif %}}\n", "B", "ws-plus"),
    ("{{% if {0} -%}}\n   dashed\n{{% endif -%}}\n", "B", "ws-dash"),
    ("{{% macro m(a, b='d') %}}[{{{{ a }}}}|{{{{ b }}}}]{{% endmacro %}}{{{{ m({0}) }}}}{{{{ m({1}, b={2}) }}}}\n", "SSS", "macro"),
    ("{{% macro m() %}}{{{{ varargs | join(',') }}}}{{% endmacro %}}{{{{ m({0}, {1}) }}}}\n", "SS", "macro-varargs"),
    ("{{% macro m(a) %}}{{{{ a }}}}{{{{ kwargs }}}}{{% endmacro %}}{{{{ m({0}, z={1}) }}}}\n", "SI", "macro-kwargs"),
    ("{{% set ns = namespace(n=0) %}}{{% for x in {0} %}}{{% set ns.n = ns.n + x %}}{{% endfor %}}{{{{ ns.n }}}}\n", "LI", "namespace"),
    ("{{% filter upper %}}{{{{ {0} }}}}{{% endfilter %}}\n", "S", "filter-block"),
    ("{{{{ {0} | to_nice_json }}}}\n", "LD", "to_nice_json"), ("{{{{ {0} | to_nice_yaml }}}}", "L", "to_nice_yaml"),
    ("{{% for d in {0} %}}{{{{ d.name }}}}:{{{{ d['port'] }}}} {{% endfor %}}\n", "LD", "for-attr"),
    ("{{{{ {0} }}}}", "S", "print-no-newline"),
    ("{{{{ lookup('vars', 'v_' ~ 's0') }}}}\n", "", "lookup-vars"),
    ("{{{{ hostvars[inventory_hostname][{0}] | default('hv') }}}}\n", "S", "hostvars"),
    ("{{{{ group_names }}}} {{{{ groups['g1'] }}}} {{{{ inventory_hostname }}}}\n", "", "magic"),
    ("{{{{ {0} }}}}\r\n", "S", "crlf"),
]

# YAML 1.1 scalars (as PyYAML reads them) by the kind Ansible sees
YAML_SCALARS = {
    "S": ["hello", "'007'", "\"a\\tb\"", "'yes'", "web-01", "'a:b'", "1e3", "'x,y,z'", "'a\\b'", "\"a\\\\b\"",
          "'It''s'", "ünï", "'  spaced  '", "'1.2.10'", "y", "n", "'{{ lit }}'", "\"\\u00e9t\\u00e9\"", "0.1.2", "'#x'"],
    "I": ["42", "0o17", "0x1F", "1_000", "+7", "012", "1:30", "0b101", "-3", "0", "190:20:30"],
    "F": ["1.5", "1.0e+3", ".5", "6.0", "1_000.5", "-0.0", "3.", ".inf", "-.Inf", "1.5E2"],
    "B": ["yes", "no", "on", "off", "True", "FALSE", "true", "Off"],
    "N": ["~", "null", "", "Null"],
}


def yq(s):
    """A YAML single-quoted scalar."""
    return "'" + s.replace("'", "''") + "'"


class Var:
    def __init__(self, name, kind, defs):
        self.name, self.kind, self.defs = name, kind, defs   # defs: [(layer, yaml_text, node_or_None, tags)]


def make_case(seed, index):
    r = random.Random(f"{seed}-{index}")
    pool = {}
    variables = []
    kinds = ["S", "I", "F", "B", "L", "LI", "D", "LD", "N", "S", "S", "I", "L", "D"]
    nvars = r.randint(2, 7)
    counters = {}
    for _ in range(nvars):
        kind = r.choice(kinds)
        n = counters.get(kind, 0)
        counters[kind] = n + 1
        name = f"v_{kind.lower()}{n}"
        g = Gen(r, {k: list(v) for k, v in pool.items()})
        defs = []
        nlayers = 1 if r.random() < 0.6 else r.randint(2, 3)
        layers = sorted(r.sample(LAYERS, nlayers), key=LAYERS.index)
        for layer in layers:
            defs.append((layer,) + value_def(r, g, kind, layer))
        variables.append(Var(name, kind, defs))
        pool.setdefault(kind, []).append(name)
    g = Gen(r, pool)
    frags = [g.fragment() for _ in range(r.randint(1, 5))]
    header = None
    if r.random() < 0.08:
        header = r.choice(["#jinja2: lstrip_blocks: True\n", "#jinja2: trim_blocks: False\n",
                           "#jinja2: trim_blocks: False, lstrip_blocks: True\n"])
    return dict(name=f"s{seed}-{index:05d}", vars=variables, frags=frags, header=header)


def value_def(r, g, kind, layer):
    """(yaml text, node or None, tags) for a variable of `kind` in `layer`."""
    templated_ok = layer != "vault"   # promvault never templates vault values (documented)
    roll = r.random()
    if templated_ok and roll < 0.35:
        e = g.expr(kind, 1)
        style = r.random()
        if kind == "S" and style < 0.2:
            node = Node("S", "pre-{{{{ {0} }}}}-post", [e], ["lazy-text"])
        elif style < 0.3:
            node = Node(kind, "{{% if true %}}{{{{ {0} }}}}{{% endif %}}", [e], ["lazy-stmt-native"])
        elif kind == "S" and style < 0.4:
            node = Node("S", "{{{{ {0} }}}}-{{{{ {1} }}}}", [e, g.expr("S", 2)], ["lazy-two"])
        else:
            node = Node(kind, "{{{{ {0} }}}}", [e], ["lazy"])
        return None, node, ("lazy",)
    if kind in YAML_SCALARS:
        choices = [c for c in YAML_SCALARS[kind] if templated_ok or "{" not in c]
        return r.choice(choices), None, ("yaml",)
    if kind == "L":
        items = r.sample(["a", "b", "'c d'", "yes", "'007'", "web", "A"], r.randint(0, 4))
        if templated_ok and g.vars.get("S") and r.random() < 0.3:
            items.append(yq("{{ %s }}" % r.choice(g.vars["S"])))
        return "[" + ", ".join(items) + "]", None, ("yaml-list",)
    if kind == "LI":
        return "[" + ", ".join(r.choice(YAML_SCALARS["I"]) for _ in range(r.randint(0, 4))) + "]", None, ("yaml-list",)
    if kind == "D":
        keys = r.sample(["a", "b", "name", "port", "k1", "1", "yes"], r.randint(0, 3))
        vals = [r.choice(YAML_SCALARS[r.choice("SIB")]) for _ in keys]
        if templated_ok and keys and g.vars.get("I") and r.random() < 0.3:
            vals[0] = yq("{{ %s }}" % r.choice(g.vars["I"]))
        return "{" + ", ".join(f"{k}: {v}" for k, v in zip(keys, vals)) + "}", None, ("yaml-dict",)
    if kind == "LD":
        return "[{name: b, port: 2, k: [x]}, {name: a, port: 10, k: []}]", None, ("yaml-ld",)
    raise ValueError(kind)


def var_yaml(d):
    """The YAML value text of one definition."""
    layer, text, node, tags = d
    return yq(node.text()) if node is not None else text


def template_text(case):
    return (case["header"] or "") + "".join(f.text() for f in case["frags"])


def case_tags(case):
    tags = set()
    for f in case["frags"]:
        tags |= f.all_tags()
    for v in case["vars"]:
        for d in v.defs:
            tags |= set(d[3])
            if d[2] is not None:
                tags |= d[2].all_tags()
        if len(v.defs) > 1:
            tags.add("precedence")
    if case["header"]:
        tags.add("header")
    return tags


INV = """all:
  vars:
    ansible_connection: local
{inv_all}  children:
    g1:
      vars:
        g1_marker: 1
{inv_group}      children:
        g2:
          hosts:
            h1:
{inv_host}            h2:
"""


def indent(lines, n):
    return "".join(" " * n + l + "\n" for l in lines)


def materialize(case):
    """The harness form: files relative to inventory/, vault, defaults, extra, template."""
    layers = {l: [] for l in LAYERS}
    for v in case["vars"]:
        for d in v.defs:
            layers[d[0]].append(f"{v.name}: {var_yaml(d)}")
    files = {}
    if layers["gv_all"]:
        files["group_vars/all.yml"] = "---\n" + indent(layers["gv_all"], 0)
    if layers["gv_group"]:
        files["group_vars/g1.yml"] = "---\n" + indent(layers["gv_group"], 0)
    if layers["gv_child"]:
        files["group_vars/g2.yml"] = "---\n" + indent(layers["gv_child"], 0)
    if layers["hv"]:
        files["host_vars/h1.yml"] = "---\n" + indent(layers["hv"], 0)
    inv = INV.format(inv_all=indent(layers["inv_all"], 4), inv_group=indent(layers["inv_group"], 8),
                     inv_host=indent(layers["inv_host"], 14))
    c = dict(name=case["name"], template=template_text(case), host="h1", inv=inv, files=files,
             vault="---\n" + (indent(layers["vault"], 0) if layers["vault"] else "{}\n"))
    if layers["defaults"]:
        c["defaults"] = "---\n" + indent(layers["defaults"], 0)
    if layers["extra"]:
        c["extra"] = "---\n" + indent(layers["extra"], 0)
    return c
