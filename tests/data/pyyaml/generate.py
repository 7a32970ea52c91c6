#!/usr/bin/env python3
"""Generates tests/data/pyyaml/vectors.json: random structures and their `yaml.dump` output.

Ansible's `to_yaml` / `to_nice_yaml` dump with `AnsibleDumper`, which derives from PyYAML's
`CSafeDumper` (libyaml's emitter) whenever libyaml is available -- as it is with the PyYAML
wheels from PyPI. So the reference here is `yaml.CSafeDumper`; this script refuses to run
without it.

    pip install pyyaml==6.0.2
    python3 tests/data/pyyaml/generate.py > tests/data/pyyaml/vectors.json

Input encoding (so that Rust can rebuild the exact Python values):
  null / true / false / JSON integers (64-bit) / JSON strings as themselves,
  {"$int": "123..."} for integers beyond 64 bits, {"$float": "<repr>"} for every float,
  {"$bytes": "<hex>"} for bytes, {"$map": [[key, value], ...]} for dicts (any key type,
  insertion order kept), JSON arrays for lists.
The "resolver" list holds strings and the tag PyYAML's implicit resolver gives them as plain
scalars (what decides whether a string must be quoted).
"""

import json
import random
import sys

import yaml

assert yaml.__with_libyaml__, "PyYAML was built without libyaml"

SEED = 20250611
rng = random.Random(SEED)

# Option sets: name -> yaml.dump keyword arguments (besides Dumper and allow_unicode=True).
OPTIONS = {
    "to_yaml": dict(default_flow_style=None),
    "to_yaml_unsorted": dict(default_flow_style=None, sort_keys=False),
    "nice2": dict(default_flow_style=False, indent=2),
    "nice2_unsorted": dict(default_flow_style=False, indent=2, sort_keys=False),
    "nice4": dict(default_flow_style=False, indent=4),
    "nice4_unsorted": dict(default_flow_style=False, indent=4, sort_keys=False),
    "flow": dict(default_flow_style=True),
    "nice3_w40": dict(default_flow_style=False, indent=3, width=40, sort_keys=False),
    "yaml_w30_explicit": dict(
        default_flow_style=None, width=30, explicit_start=True, explicit_end=True
    ),
}

KEYWORDS = [
    "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF",
    "true", "True", "TRUE", "false", "False", "FALSE", "y", "Y", "n", "N", "TrUe",
    "null", "Null", "NULL", "~", "nULL", "<<", "=", "!", "&", "*", "==", "<", "<<<",
]

NUMBERISH = [
    "0777", "0o17", "0x1F", "0x", "0x_", "0xg", "0b101", "0b", "0b_", "0b2", "0_", "00",
    "09", "0", "-0", "+0", "1_", "1__2", "1_000", "1e3", "1E3", "1.0e3", "1.0e+3", "1.0E-3",
    "1e+3", ".5", "-.5", "+.5", "._5", "._", ".", "+1", "-1", "1.", "1..", "-1.", "1.5_",
    "1:20", "1:20.5", "-1:20", "190:20:30", "1:60", "1:6", "0:20", "1:2:3", "1:", ":1",
    ".inf", "-.inf", "+.inf", ".Inf", ".INF", ".iNf", ".NaN", ".nan", ".NAN", "-.nan",
    "nan", "inf", "Infinity", "2001-12-14", "2001-12-14 21:59:43.10 -5",
    "2001-12-14t21:59:43.10-05:00", "2001-12-14T21:59:43Z", "2001-12-14 21:59:43 junk",
    "2001-1-1", "2001-1-1 1:02:03", "2001-12-14T21:59", "2001-12-14 21:59:43.", "20011-12-14",
    "2001-12-14 21:59:43.10.5", "2001-12-14 \t 21:59:43 +01:00", "10.0.0.1", "1.2.3",
    "0123456789", "0.0", "1_2.3_4", "12e", "1,000", "$1", "1e-05", "6.02e23", "6.02e+23",
    "1.0e+17", "0x1F_", "-0b1", "+0x_F", "0o", "1:2.3", "1:20:", "9100", "30s",
]

INDICATORS = [
    "-", "?", ":", "---", "...", "--- x", "... x", "----", "-x", "- x", "?x", "? x", ":x",
    ": x", "x:", "x: y", "x:y", "x :", "x #y", "x#y", "#x", "@x", "`x", "%x", "|x", ">x",
    "'x", '"x', "[x", "]x", "{x", "}x", ",x", "x,y", "x[y", "x]", "x{y}", "x?", "a?b",
    "&a", "*a", "!tag", "x -", "x - y", "x ?", "-1x", "--x", "- ", "-\t", ":\t", "x:\ty",
    "x\t#y", "{{ var }}", "{% raw %}", "a: b # c 'd' \"e\" {f} \\g", "key=value", "a|b",
]

SPACEY = [
    " ", "  ", " x", "x ", " x ", "a  b", "a   b", "a\tb", "\t", "x\t", "\tx", "a \tb",
]

BREAKS = [
    "\n", "a\n", "\na", "a\nb", "a\n\nb", "a\n\n\nb", "a \nb", "a\n b", "a\r\nb", "a\rb",
    "\u2028", "a\u2028b", "a\u2029b", "a\x85b", "a\n\n", "\n\n", "a\nb\n", " a\nb",
    "a\u2028 b", "a \u2028b", "a\n\u2028b", "line1\nline2",
]

QUOTES = [
    "it's", 'say "hi"', "'", '"', "''", '""', "\\", "C:\\temp\\new\\\\x", "\\n", "'a'",
    '"a"', "a'", "a\"", "'a", "it's \"both\"",
]

UNICODE = [
    "é", "pässwörd", "日本語", "🔑", "x🔑y", "pässwörd-日本-🔑", "\u00a0", "a\u00a0b",
    "\ufeff", "a\ufeffb", "\ufffd", "\ufffe", "\uffff", "\ue000", "\ud7ff", "\U00010000",
    "\U0010ffff", "\x7f", "\x80", "\x9f", "ÿ", "\u0100", "ß", "Ω", "€", "\u200b", "\u3000",
]

CONTROL = [
    "\x00", "a\x00b", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "a\x00",
]

WORDS = [
    "alpha", "beta", "gamma", "delta", "prometheus", "scrape", "job", "target", "metrics",
    "x", "a", "b", "node", "9090", "localhost:9090", "http://example.com/path?q=1",
    "user@example.com", "s3cr3t", "é", "日本", "🔑", "'", '"', "\\", "#", ":", "-", "{",
    "}", "[", "]", ",", "?", "&", "*", "!", "|", ">", "%", "@", "`", "~", "=",
]

SEPARATORS = [" ", " ", " ", "", "", "  ", "\n", ": ", " #", ", ", "\t", "-", ":", " - "]

FIXED = KEYWORDS + NUMBERISH + INDICATORS + SPACEY + BREAKS + QUOTES + UNICODE + CONTROL + [""]


def random_long():
    """Long strings (folding at the line width)."""
    kind = rng.randrange(8)
    n = rng.randrange(60, 260)
    if kind == 0:  # words and single spaces
        return " ".join(rng.choice(WORDS[:16]) for _ in range(n // 6))
    if kind == 1:  # words with runs of spaces
        return "".join(rng.choice(WORDS[:16]) + " " * rng.choice([1, 1, 2, 3]) for _ in range(n // 6))
    if kind == 2:  # no spaces at all
        return "x" * n
    if kind == 3:  # needs double quotes (tab / emoji) and has spaces
        return " ".join(rng.choice(WORDS[:16] + ["\t", "🔑", "a\tb"]) for _ in range(n // 6))
    if kind == 4:  # needs single quotes and has newlines
        return " ".join(rng.choice(WORDS[:16] + ["\n", "x:", "# c", "a\n\nb"]) for _ in range(n // 6))
    if kind == 5:  # leading / trailing spaces
        return " " + " ".join(rng.choice(WORDS[:16]) for _ in range(n // 6)) + " "
    if kind == 6:  # double-quoted with double spaces (escaped folding)
        return "\t" + "  ".join(rng.choice(WORDS[:16]) for _ in range(n // 6))
    # multibyte characters
    return " ".join(rng.choice(["é", "日本語", "pässwörd", "ÿÿ", "x"]) for _ in range(n // 4))


def random_string():
    r = rng.random()
    if r < 0.35:
        return rng.choice(FIXED)
    if r < 0.45:
        return random_long()
    if r < 0.55:
        return rng.choice(WORDS)
    parts = []
    for _ in range(rng.randrange(1, 5)):
        parts.append(rng.choice(FIXED + WORDS + WORDS))
        parts.append(rng.choice(SEPARATORS))
    if rng.random() < 0.6:
        parts.pop()
    return "".join(parts)


def random_float():
    r = rng.random()
    if r < 0.3:
        return rng.choice([
            0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 1.5, 3.0, 100.0, 1e15, 1e16, 1e17, 1.5e16,
            123456789012345678.0, 1e-4, 1e-5, 0.00012, 1.5e-7, 1e300, -1e300, 5e-324,
            1.7976931348623157e308, float("inf"), float("-inf"), float("nan"), 2.5e-5,
            9999999999999998.0, 0.30000000000000004, 1e22, 1e21, 12345.678,
        ])
    mant = rng.uniform(-10, 10)
    return mant * 10 ** rng.randrange(-30, 30)


def random_int():
    r = rng.random()
    if r < 0.3:
        return rng.choice([0, 1, -1, 42, 9100, 2**63 - 1, -(2**63), 2**64 - 1, 2**64, 2**100, -(2**90), 777])
    return rng.randrange(-100000, 100000)


def random_scalar():
    r = rng.random()
    if r < 0.62:
        return random_string()
    if r < 0.75:
        return random_int()
    if r < 0.85:
        return random_float()
    if r < 0.93:
        return rng.choice([True, False])
    if r < 0.99:
        return None
    return bytes(rng.randrange(256) for _ in range(rng.randrange(0, 80)))


def random_key():
    r = rng.random()
    if r < 0.8:
        if rng.random() < 0.5:
            return rng.choice(WORDS[:16] + ["job_name", "static_configs", "targets", "labels"])
        return random_string()
    if r < 0.9:
        return random_int()
    if r < 0.95:
        return random_float() if rng.random() < 0.5 else rng.choice([True, False])
    return None


def random_value(depth):
    r = rng.random()
    if depth <= 0 or r < 0.4:
        return random_scalar()
    if r < 0.7:
        return [random_value(depth - 1) for _ in range(rng.choice([0, 1, 1, 2, 3, 4, 6]))]
    d = {}
    for _ in range(rng.choice([0, 1, 2, 2, 3, 4, 6])):
        k = random_key()
        if isinstance(k, float) and k != k:
            continue
        d[k] = random_value(depth - 1)
    # keys of one type, so that sort_keys sorts (mixed types stay unsorted, as in Python)
    if rng.random() < 0.7:
        d = {k: v for k, v in d.items() if isinstance(k, str)}
    return d


def encode(v):
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        if -(2**63) <= v < 2**64:
            return v
        return {"$int": str(v)}
    if isinstance(v, float):
        return {"$float": repr(v)}
    if isinstance(v, bytes):
        return {"$bytes": v.hex()}
    if isinstance(v, list):
        return [encode(x) for x in v]
    if isinstance(v, dict):
        return {"$map": [[encode(k), encode(x)] for k, x in v.items()]}
    raise TypeError(type(v))


def dump(data, opts):
    return yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, **opts)


def main():
    inputs = []
    # every fixed string alone, as a mapping value, as a key, in a list and in a flow mapping
    for s in FIXED:
        inputs.append(s)
        inputs.append({"k": s, "l": [s, "x"], s: "v"})
    for _ in range(40):
        inputs.append(random_long())
        inputs.append({"key": random_long(), "list": [random_long(), random_long()]})
    # long keys around the 128-byte simple-key limit
    for n in (126, 127, 128, 129, 130):
        inputs.append({"k" * n: 1, "é" * (n // 2): [1, 2], "x" * n + "\n": "y"})
    for _ in range(40):
        inputs.append(random_float())
        inputs.append(random_int())
    for _ in range(300):
        inputs.append(random_value(rng.randrange(1, 5)))
    inputs += [None, True, False, [], {}, [[]], [{}], {"a": []}, {"a": {}}, [[[]]], {"": ""},
               {None: None}, {1: "a", 2: "b"}, {2: "a", 1: "b", 0.5: "c", True: "d"},
               {"b": 1, 1: 2}, {"z": 1, "a": 2}]

    cases = []
    for data in inputs:
        expected = {name: dump(data, opts) for name, opts in OPTIONS.items()}
        cases.append({"input": encode(data), "expected": expected})

    resolver = yaml.resolver.Resolver()
    strings = sorted(set(FIXED + WORDS + [s + "\n" for s in NUMBERISH + KEYWORDS]))
    tags = [[s, resolver.resolve(yaml.ScalarNode, s, (True, False)).rsplit(":", 1)[1]] for s in strings]

    # floats: many random ones, and ones whose shortest repr is a tie (few fraction bits)
    frng = random.Random(SEED + 1)
    floats = set()
    for _ in range(1500):
        floats.add(frng.uniform(-1, 1) * 10 ** frng.randrange(-320, 309))
        floats.add(frng.randrange(1, 2**53) / 2 ** frng.randrange(1, 12))
        floats.add(float(frng.randrange(1, 2**62)) * 2 ** frng.randrange(0, 40))
    floats = sorted(f for f in floats if f == f and abs(f) != float("inf"))
    representer = yaml.representer.SafeRepresenter()
    float_reprs = [[repr(f), representer.represent_float(f).value] for f in floats]

    json.dump(
        {
            "generator": "tests/data/pyyaml/generate.py",
            "pyyaml": yaml.__version__,
            "dumper": "CSafeDumper",
            "seed": SEED,
            "options": OPTIONS,
            "cases": cases,
            "resolver": tags,
            "floats": float_reprs,
        },
        sys.stdout,
        ensure_ascii=True,
        indent=None,
        separators=(",", ":"),
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
