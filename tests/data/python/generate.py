#!/usr/bin/env python3
"""Generates the test vectors for src/render/python.rs from real CPython (3.11) and passlib.

    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install passlib==1.7.4 'bcrypt<4.1'
    /tmp/venv/bin/python tests/data/python/generate.py

Deterministic (fixed seed); rewrites repr.json, floats.json, json.json, random.json and
bcrypt.json next to this script.

Values are encoded in JSON with tags where JSON alone cannot say what Python had:
  {"$map": [[k, v], ...]}   a dict (any key types, insertion order)
  {"$tuple": [...]}         a tuple
  {"$int": "123"}           an int outside the signed/unsigned 64-bit range
  {"$float": "1.5"}         a float, as its repr (JSON numbers are not read back exactly)
  {"$bytes": "00ff"}        bytes
plain JSON numbers are ints. floats.json and the random() results give floats as IEEE bits.
"""

import json
import math
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = random.Random(20240611)


def fbits(f):
    return struct.pack(">d", f).hex()


def enc(v):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        if -(2**63) <= v < 2**64:
            return v
        return {"$int": str(v)}
    if isinstance(v, float):
        return {"$float": repr(v)}
    if isinstance(v, bytes):
        return {"$bytes": v.hex()}
    if isinstance(v, tuple):
        return {"$tuple": [enc(x) for x in v]}
    if isinstance(v, list):
        return [enc(x) for x in v]
    if isinstance(v, dict):
        return {"$map": [[enc(k), enc(x)] for k, x in v.items()]}
    raise TypeError(type(v))


def write(name, items):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write("[\n")
        for i, item in enumerate(items):
            sep = ",\n" if i + 1 < len(items) else "\n"
            f.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + sep)
        f.write("]\n")
    print(f"{name}: {len(items)} vectors, {os.path.getsize(path)} bytes", file=sys.stderr)


# ---------------------------------------------------------------- building blocks

def printable_boundaries():
    """Code points on either side of every printable/non-printable boundary."""
    out = []
    prev = None
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            prev = None
            continue
        p = chr(cp).isprintable()
        if prev is not None and p != prev:
            out.extend([cp - 1, cp])
        prev = p
    return sorted(set(c for c in out if not 0xD800 <= c <= 0xDFFF))


def random_char():
    r = RNG.random()
    if r < 0.35:
        return chr(RNG.randrange(0x20, 0x7F))
    if r < 0.45:
        return RNG.choice("'\"\\\n\r\t\b\f\x00\x1f\x7f ")
    if r < 0.55:
        return chr(RNG.randrange(0, 0x100))
    if r < 0.75:
        cp = RNG.randrange(0x100, 0x10000)
        while 0xD800 <= cp <= 0xDFFF:
            cp = RNG.randrange(0x100, 0x10000)
        return chr(cp)
    if r < 0.85:
        return chr(RNG.randrange(0x10000, 0x110000))
    return RNG.choice("éü日本🔑\u2028\u2029\u00a0\u200b\ufeff\U000e0001")


def random_str(maxlen=12):
    return "".join(random_char() for _ in range(RNG.randrange(0, maxlen + 1)))


SPECIAL_FLOATS = [
    0.0, -0.0, 1.0, -1.0, 3.0, 1.5, 0.1, 0.2, 0.3, 1 / 3, 2 / 3, 100.0, 1e15, 1e16, 1e17,
    123456789012345678.0, 9007199254740992.0, 9007199254740993.0, 1e-4, 1e-5, 0.00012345,
    1.2345e-5, 1e22, 1e23, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308,
    float("inf"), float("-inf"), float("nan"), 12345678901234567.0, 1234567890123456.7,
    0.5, 0.25, 2.5e-10, 6.02214076e23, 1e100, -1e-100, 9999999999999998.0, 999999999999999.9,
    0.001, 0.01, 1e-3, 123.456, -273.15, 4.35, 0.30000000000000004,
]


def random_float():
    r = RNG.random()
    if r < 0.3:
        return RNG.choice(SPECIAL_FLOATS)
    if r < 0.5:
        return struct.unpack(">d", RNG.getrandbits(64).to_bytes(8, "big"))[0]
    if r < 0.7:
        return round(RNG.uniform(-1000, 1000), RNG.randrange(0, 6))
    if r < 0.85:
        return RNG.random() * 10 ** RNG.randrange(-25, 25)
    return float(RNG.randrange(-(10**18), 10**18))


def random_int():
    r = RNG.random()
    if r < 0.5:
        return RNG.randrange(-1000, 1000)
    if r < 0.7:
        return RNG.choice([0, 1, -1, 2**31, 2**32, 2**63 - 1, -(2**63), 2**64 - 1, 2**63])
    if r < 0.9:
        return RNG.randrange(-(2**63), 2**64)
    return RNG.randrange(-(2**126), 2**126)


def random_scalar(float_ok=True):
    r = RNG.random()
    if r < 0.35:
        return random_str()
    if r < 0.55:
        return random_int()
    if r < 0.75 and float_ok:
        f = random_float()
        return f if not math.isnan(f) else 1.25
    if r < 0.85:
        return RNG.choice([True, False])
    return None


def random_value(depth=0, key_kinds=("str",), tuples=True):
    r = RNG.random()
    if depth >= 3 or r < 0.45:
        return random_scalar()
    if r < 0.7:
        items = [random_value(depth + 1, key_kinds, tuples) for _ in range(RNG.randrange(0, 5))]
        if tuples and RNG.random() < 0.2:
            return tuple(items)
        return items
    d = {}
    for _ in range(RNG.randrange(0, 5)):
        kind = RNG.choice(key_kinds)
        if kind == "str":
            k = random_str(6)
        elif kind == "int":
            k = RNG.randrange(-50, 50)
        elif kind == "float":
            k = RNG.choice([0.5, 1.25, -3.75, 1e20, float("inf"), 2.5])
        elif kind == "bool":
            k = RNG.choice([True, False])
        else:
            k = None
        d[k] = random_value(depth + 1, key_kinds, tuples)
    return d


# ---------------------------------------------------------------- repr / str

def gen_repr():
    values = [
        "", "a", "it's", 'say "hi"', "it's \"both\"", "back\\slash", "tab\tnl\nrc\r",
        "\x00\x01\x1f\x7f\x80\x9f\xa0\xad", "pässwörd-日本-🔑", "\u2028\u2029\ufeff\U000e0001",
        3.0, 1.5, True, False, None, 0, -5, 2**64 - 1, -(2**63), 2**100,
        [1, "two", None, False], {"k": "v"}, {"name": "backend", "critical": False},
        [], {}, (), (1,), (1, "a"), [[]], {1: "a", None: [2.5, (3,)], True: {}},
        {"k": ("x", [b"by\x00tes'", b'q"'])}, b"", b"'", b"\"'", b"\t\n\r\x00\xff\\",
        [float("nan"), float("inf"), -0.0, 1e16, 1e-05],
    ]
    bounds = printable_boundaries()
    for i in range(0, len(bounds), 96):
        values.append("".join(chr(c) for c in bounds[i:i + 96]))
    for lo in range(0, 0x600, 0x100):
        values.append("".join(chr(c) for c in range(lo, lo + 0x100) if not 0xD800 <= c <= 0xDFFF))
    for _ in range(100):
        values.append(random_str(20))
    for _ in range(100):
        values.append(random_value(key_kinds=("str", "int", "bool", "none", "float")))
    out = []
    for v in values:
        item = {"v": enc(v), "repr": repr(v)}
        if not isinstance(v, str):  # str(s) is s itself
            item["str"] = str(v)
        out.append(item)
    return out


def gen_floats():
    fs = list(SPECIAL_FLOATS)
    for e in range(-30, 30):
        fs.append(10.0**e)
        fs.append(-1.5 * 10.0**e)
        fs.append(1.2345678901234567 * 10.0**e)
    # exact ties between two shortest candidates (Python rounds half to even)
    for n in (2**47, 2**47 + 12345, 3 * 2**46 + 1):
        fs.extend(n + frac for frac in (0.125, 0.375, 0.625, 0.875))
    # powers of two: the gap below is half the gap above
    for k in (-1074, -1022, -100, -10, 0, 10, 52, 53, 60, 100, 1023):
        f = 2.0**k
        fs.extend([f, math.nextafter(f, 0.0), math.nextafter(f, math.inf)])
    for _ in range(600):
        fs.append(random_float())
    return [[fbits(f), repr(f)] for f in fs]


# ---------------------------------------------------------------- json.dumps

OPTION_SETS = [
    {"indent": None, "sort_keys": False, "ensure_ascii": True},
    {"indent": None, "sort_keys": True, "ensure_ascii": True},
    {"indent": None, "sort_keys": False, "ensure_ascii": False},
    {"indent": 4, "sort_keys": True, "ensure_ascii": True},
    {"indent": 4, "sort_keys": False, "ensure_ascii": False},
    {"indent": 2, "sort_keys": True, "ensure_ascii": False},
    {"indent": 0, "sort_keys": False, "ensure_ascii": True},
]


def gen_json():
    values = [
        {"env": "prod", "tier": {"name": "backend", "critical": False}},
        {
            "colon_space": "user: admin", "unicode": "pässwörd-日本-🔑",
            "everything": " a: b # c 'd' \"e\" {f} \\g\nh {{i}} é",
        },
        ["monitoring", "webservers"], [], {}, [[]], [{}], {"a": []}, {"a": {}},
        "\x00\x01\x08\x0c\x1f\x7f\x80\u2028\U0001F511", 1, -1, 2**64 - 1, 2**100, 1.0, 0.1,
        float("nan"), float("inf"), float("-inf"), -0.0, 1e16, True, False, None,
        {1: "int", True: "bool", None: "none", 2.5: "float", "s": "str"},
        {"b": 1, "a": 2, "B": 3, "é": 4, "🔑": 5, "\uffff": 6, "": 7},
        {3: "x", -1: "y", 2.5: "z", False: "f"},
        (1, (2, 3), []),
        {"a": [1, {"b": [None, {"c": ()}]}]},
    ]
    for _ in range(140):
        values.append(random_value())
    for _ in range(40):
        values.append(random_value(key_kinds=("str", "int", "bool", "none", "float")))
    for _ in range(20):
        values.append(random_value(key_kinds=("int", "float", "bool")))
    out = []
    for i, v in enumerate(values):
        opts = OPTION_SETS[i % len(OPTION_SETS)] if i >= 30 else None
        for o in ([opts] if opts else OPTION_SETS):
            try:
                res = json.dumps(v, **o)
                out.append({"v": enc(v), "opts": o, "out": res})
            except TypeError as e:
                out.append({"v": enc(v), "opts": o, "error": str(e)})
    return out


# ---------------------------------------------------------------- random.Random

ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ1234567890"


def gen_random():
    seeds = [
        "localhost", "prom1", "prometheus1", "web-01.example.com", "", "a", "0", "héllo",
        "日本", "🔑", "x" * 200, "node_exporter", "10.0.0.1",
        0, 1, -1, 2, 42, -42, 12345, 2**31, 2**32 - 1, 2**32, 2**32 + 1, 2**63 - 1, -(2**63),
        2**64 - 1, 2**64, 2**100 + 12345, -(2**127) + 1, 2**127 - 1,
        True, False, 1.5, -2.0, 0.1, 1e300, 2.0**70, -0.0, float("inf"), float("-inf"), 3.0,
    ]
    for _ in range(15):
        seeds.append(random_str(10))
    for _ in range(8):
        seeds.append(RNG.randrange(-(2**100), 2**100))
    out = []
    for seed in seeds:
        item = {"seed": enc(seed)}
        letters = list(ALPHABET)
        random.Random(seed).shuffle(letters)
        item["alphabet"] = "".join(letters)
        r = random.Random(seed)
        ops = []
        for n in (1, 2, 3, 10):
            xs = list(range(n))
            r.shuffle(xs)
            ops.append(["shuffle", n, xs])
        for n in (1, 2, 3, 7, 100, 2**31, 2**32, 2**32 + 1, 2**53 + 3, 2**63 + 5, 2**64 - 1):
            ops.append(["randbelow", n, r._randbelow(n)])
        for a, b, s in ((0, 10, 1), (5, 6, 1), (-100, 100, 7), (100, 0, -3), (0, 2**40, 1),
                        (1, 2, 5), (10, 1, -1), (0, 1000, 10), (-(2**62), 2**62, 3)):
            ops.append(["randrange", [a, b, s], r.randrange(a, b, s)])
        for _ in range(5):
            ops.append(["random", fbits(r.random())])
        for n in (1, 2, 5, 62):
            ops.append(["choice", n, r.choice(range(n))])
        for _ in range(3):
            ops.append(["random", fbits(r.random())])
        item["ops"] = ops
        out.append(item)
    return out


# ---------------------------------------------------------------- passlib bcrypt

BCRYPT64 = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def gen_bcrypt():
    import warnings

    from passlib.hash import bcrypt

    warnings.simplefilter("ignore")
    cases = [
        ("scrape-me-please", "promvaultFixedSalt0123", 4, "2b"),
        ("Adm1n: p@ss # ünïcode", "promvaultFixedSalt0123", 4, "2b"),
        ("", "abcdefghijklmnopqrstuu", 4, "2b"),
        ("a", "abcdefghijklmnopqrstuu", 4, "2a"),
        ("a", "abcdefghijklmnopqrstuu", 4, "2y"),
        ("x" * 71, "abcdefghijklmnopqrstu.", 4, "2b"),
        ("x" * 72, "abcdefghijklmnopqrstu.", 4, "2b"),
        ("x" * 73, "abcdefghijklmnopqrstu.", 4, "2b"),
        ("y" * 300, "abcdefghijklmnopqrstu.", 4, "2a"),
        ("y" * 300, "abcdefghijklmnopqrstu.", 4, "2b"),
        ("é" * 40, "abcdefghijklmnopqrstuO", 4, "2b"),
        ("🔑日本", "abcdefghijklmnopqrstue", 5, "2b"),
        ("nul\x00inside", "abcdefghijklmnopqrstue", 4, "2b"),
        ("pw", "abcdefghijklmnopqrstue", 3, "2b"),
        ("pw", "abcdefghijklmnopqrstue", 32, "2b"),
        ("pw", "abcdefghijklmnopqrstu", 4, "2b"),
        ("pw", "abcdefghijklmnopqrstuvw", 4, "2b"),
        ("pw", "abcdefghijklmnopqrst!u", 4, "2b"),
        ("pw", "abcdefghijklmnopqrstu!", 4, "2b"),
        ("pw", "abcdefghijklmnopqrstué", 4, "2b"),
        ("pw", "abcdefghijklmnopqrstuu", 4, "2x"),
        ("pw", "abcdefghijklmnopqrstuu", 4, "3b"),
    ]
    for last in BCRYPT64:
        cases.append(("last-char-" + last, "ABCDEFGHIJKLMNOPQRSTU" + last, 4, "2b"))
    for i in range(30):
        salt = "".join(RNG.choice(BCRYPT64) for _ in range(22))
        secret = random_str(RNG.choice([5, 20, 80])).replace("\x00", "0")
        cases.append((secret, salt, RNG.choice([4, 4, 4, 5, 6]), RNG.choice(["2a", "2b", "2y"])))
    letters = list(ALPHABET)
    random.Random("localhost").shuffle(letters)
    shuffle_salt = "".join(letters)[:22]
    out = []
    for secret, salt, rounds, ident in cases:
        item = {"secret": secret, "salt": salt, "rounds": rounds, "ident": ident}
        try:
            item["hash"] = bcrypt.using(salt=salt, rounds=rounds, ident=ident).hash(secret)
        except Exception as e:  # noqa: BLE001 - any refusal is an expected error
            item["error"] = f"{type(e).__name__}: {e}"
        out.append(item)
    # the salt Ansible's upstream web_config template derives for inventory_hostname=localhost
    out.append({"secret": "scrape-me-please", "salt": shuffle_salt, "rounds": 4, "ident": "2b",
                "hash": bcrypt.using(salt=shuffle_salt, rounds=4, ident="2b").hash("scrape-me-please")})
    return out


def main():
    write("repr.json", gen_repr())
    write("floats.json", gen_floats())
    write("json.json", gen_json())
    write("random.json", gen_random())
    write("bcrypt.json", gen_bcrypt())


if __name__ == "__main__":
    main()
