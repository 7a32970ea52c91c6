#!/usr/bin/env python3
"""Differential test of promvault's Prometheus validator against the real promtool 2.42.

Starts from configs promtool accepts, mutates them (values by field kind, keys, lines, and
YAML-level oddities that Go's yaml.v2 reads its own way), judges each mutant with
`promtool check config --syntax-only` and with promvault (`examples/validate.rs`, one
long-running process), prints `agree A/N`, shrinks each disagreement to a small case and
writes it out. Standard library only. See README.md beside this file.
"""

import argparse
import concurrent.futures
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
DATA = os.path.join(ROOT, "tests", "data", "prometheus")

# Debian's promtool 2.42 is built without these service discoveries: a config naming one is
# refused for that alone, where promvault follows upstream (see tests/data/prometheus/SOURCES.md).
MISSING_SD = ("consul_sd_configs", "kubernetes_sd_configs", "kuma_sd_configs",
              "nomad_sd_configs", "linode_sd_configs")
MISSING_RE = re.compile(r"field (%s) not found" % "|".join(MISSING_SD))


# ---------------------------------------------------------------- seeds

def strip_missing_sd(text):
    """Drops the blocks of the service discoveries Debian's build lacks."""
    out, skip = [], None
    for line in text.split("\n"):
        ind = len(line) - len(line.lstrip(" "))
        if skip is not None:
            if line.strip() == "" or ind > skip or (ind == skip and line.lstrip().startswith("- ")):
                continue
            skip = None
        m = re.match(r"^( *)(- )?([a-z_]+):", line)
        if m and m.group(3) in MISSING_SD:
            if m.group(2):  # a list item made of it: keep the dash alone
                out.append(m.group(1) + "- job_name: dropped_sd")
            skip = len(m.group(1)) + len(m.group(2) or "")
            continue
        out.append(line)
    return "\n".join(out)


def load_seeds():
    seeds = []
    with open(os.path.join(DATA, "verdicts.tsv"), encoding="utf-8") as f:
        rows = [l.rstrip("\n").split("\t") for l in f][1:]
    for row in rows:
        kind, path, syntax = row[0], row[1], row[2]
        if kind != "config" or not path.endswith(".yml"):
            continue
        with open(os.path.join(DATA, path), encoding="utf-8") as f:
            text = f.read()
        good = syntax == "0" or path.endswith(".good.yml")
        if any(sd in text for sd in MISSING_SD):
            if not good:
                continue
            text = strip_missing_sd(text)
        seeds.append((path, text, good))
    for name in sorted(os.listdir(os.path.join(HERE, "seeds"))):
        with open(os.path.join(HERE, "seeds", name), encoding="utf-8") as f:
            seeds.append(("seeds/" + name, f.read(), True))
    return seeds


# ---------------------------------------------------------------- value pools

DURATIONS = ["30s", "1m", "1h30m", "0s", "0", "5", "1.5s", "1d", "1w", "1y", "100ms", "-1s",
             "1µs", "1us", "1ns", "10S", "1h1h", "''", "5m0s", "2562047h", "106751d", "292y",
             "293y", "1m1s1ms", "1h 30m", "1H", "0.5m", "1ms1s", "15", "-0s", "9999999999999999999ms",
             "1d12h", "1w1d", "0y", "0ms", "01s", "1e3s", "+1s", "1.0s", "5m1s", "1s1m"]
SIZES = ["0", "1KB", "1MB", "10GB", "1TB", "1PB", "1EB", "1.5MB", "1kB", "1 MB", "1MiB", "100",
         "-1B", "1B", "0B", "1b", "9EB", "100EB", "1ZB", "10mb", "1KiB", "''"]
INTS = ["0", "1", "-1", "1.5", "1e3", "0x10", "0o17", "017", "09", "9223372036854775807",
        "9223372036854775808", "18446744073709551615", "18446744073709551616",
        "-9223372036854775808", "-9223372036854775809", "4294967295", "4294967296", "2147483648",
        "-2147483649", "65535", "65536", "1_000", ".5", "1.", "+1", "true", "2.0", "1e19", "1e20",
        "-1e19", "1.8446744073709552e19", "9.223372036854775807e18", "0b101", "-0b1", "'5'",
        "4.294967295e9", "1e-3", "-0", "0.0", "!!int 5", "!!float 5", ".inf", "-.inf", ".nan",
        "12345678901234567890123"]
FLOATS = ["0.5", "1", "1.5", "-0.1", ".inf", ".nan", "1e400", "0x1p-2", "1e308", "2", "-1",
          "0", "1.0000001", "'0.5'", "1_0.5", ".5", "5."]
URLS = ["http://a:9090/x", "https://example.com", "ftp://x", "localhost:9090", "/path", "http://",
        "http://[::1]:80", "'http://a b'", "http://%zz", "http://user:pass@h", "unix:///x",
        "http://h:99999", "http://h:port", "https://h/p?q=1#f", "HTTP://H", "http:h", "://x",
        "http://h:80:80", "http://[::1", "''", "http://ä.example", "https://h/%2F", "h",
        "http://h\\x", "mailto:a@b", "http://h/{x}", "http://#frag", "http://h?"]
LABEL_NAMES = ["foo", "foo_bar", "Foo", "0foo", "foo-bar", "foo.bar", "__name__", "__meta_x",
               "ä", "''", "_", "a1", "le", "__address__", "__tmp", "job", "instance",
               "__scheme__", "__metrics_path__", "__param_x", "${1}", "a${1}", "$1"]
REGEXES = ["'.*'", "'(.*)'", "'['", "'(?P<n>x)'", "'(?P<n>a)(?P<n>b)'", "'\\p{Greek}'",
           "'\\p{IsGreek}'", "'\\pL'", "'a{1001}'", "'a{1000}'", "'(?i)x'", "'(?U)x'", "'\\C'",
           "'\\z'", "'\\Z'", "'\\Q.*\\E'", "'(?<n>x)'", "'[[:alpha:]]'", "'[[:foo:]]'", "'x**'",
           "'(?=x)'", "'\\1'", "'\\b'", "'\\8'", "'a{,5}'", "'(?s).'", "'\\pN+'", "'\\p{Han}'",
           "'\\p{Foo}'", "'[a-'", "'(?m)^x$'", "'x{2,1}'", "'\\x{10FFFF}'", "'\\x{110000}'",
           "'[\\d-z]'", "'(?P<>x)'", "'(?P<1a>x)'", "'(?P<a.b>x)'", "'\\k<n>'", "'a++'",
           "'(?#c)'", "'\\e'", "'\\cA'", "'\\0'", "'\\012'", "'[^\\x00-\\x{10FFFF}]'", "'\\p{^Greek}'",
           "'\\P{L}'", "'(?i:a)'", "'(a)|b'", "'^$'", "'\\.'", "'\\_'", "'\\-'", "'a{2}{3}'",
           "'((((((((((a))))))))))'", "'\\Qab'", "'[]a]'", "'[]'", "'[^]'", "'()'", "'(|a)'",
           "'x{1001,}'", "'\\p{Latin}'", "'\\p{Lu}'", "'\\p{Any}'", "'(?-s:.)'", "'(?flags)'"]
ACTIONS = ["replace", "keep", "drop", "hashmod", "labelmap", "labeldrop", "labelkeep",
           "lowercase", "uppercase", "keepequal", "dropequal", "Replace", "KEEP", "foo", "''",
           "HashMod", "LabelMap"]
BOOLS = ["true", "false", "yes", "no", "on", "off", "y", "n", "True", "'true'", "1", "0",
         "TRUE", "Yes", "oN", "~", "!!bool true", "!!bool 'yes'"]
STRINGS = ["x", "''", "'a b'", "\"\\u00e9\"", "'null'", "null", "~", "Null", "NULL", "!!null",
           "!!null ''", "!!str 5", "5", "1.5", "[]", "{}", "[a, b]", "{a: b}", "\"\\/x\"",
           "\"\\ud800\"", "\"\\U0001F600\"", "\"\\x41\"", "\"\\N\"", "\"\\_\"", "\"\\L\"",
           "\"\\P\"", "\"\\e\"", "\"\\0\"", "\"\\a\"", "\"\\'\"", "\"\\q\"", "\"\\uD83D\\uDE00\"",
           "!x y", "!!binary aGVsbG8=", "!!binary '!!!'", "!!timestamp 2001-12-14", "2001-12-14",
           "|\n  block", ">-\n  folded", "&a x", "'#x'", "a #c", "\"a\"#c", "'a'#c", "\"a\" #c",
           "\"\\x85\"", "\"\\u2028\"", "'a\tb'", "\"a\\tb\"", "-", "'-'", "? x", "@x", "`x",
           "%x", "!", "!!", "!<tag:yaml.org,2002:str> v", "!<!x> v", "a: b", "[a, {b: c}]",
           "0x1f", "0o7", "08", "+.inf", "1e2", "1:30", "190:20:30", "'\\u00e9'", "\"\\uDC00\"",
           "\"\\U00110000\"", "\"\\uFFFF\"", "\"\\x\"", "\"\\u12\"", "*undefined", "< x", "x\u00a0y"]
SCHEMES = ["http", "https", "HTTP", "ftp", "''", "Https"]
AUTH_TYPES = ["Bearer", "Basic", "bearer", "''", "ApiKey", "basic", "BASIC", "x y"]
HOSTS = ["h:1", "h", "'[::1]:9090'", "'::1'", "h:99999", "'http://h:1'", "h:1/x", "':1'", "'h:'",
         "'a b:1'", "'h:0'", "'h:-1'", "'[::1]'", "'1.2.3.4:80'", "'ä:1'", "'h:1:2'", "''", "'h:port'",
         "'%:1'", "'h:1 '"]
TLS_VERSIONS = ["TLS10", "TLS11", "TLS12", "TLS13", "TLS14", "tls12", "''", "SSL30"]

ALL_POOLS = [DURATIONS, SIZES, INTS, FLOATS, URLS, LABEL_NAMES, REGEXES, ACTIONS, BOOLS,
             STRINGS, SCHEMES, AUTH_TYPES, HOSTS, TLS_VERSIONS]


def pool_for(key):
    k = key.lower()
    if k in ("scheme",):
        return SCHEMES
    if k == "action":
        return ACTIONS
    if k == "regex":
        return REGEXES
    if k in ("type",):
        return AUTH_TYPES + ["A", "AAAA", "SRV", "MX", "NS", "srv"]
    if k in ("min_version", "max_version"):
        return TLS_VERSIONS
    if "size" in k or k == "body_size_limit" or k == "retention_size":
        return SIZES
    if ("interval" in k or "timeout" in k or "backoff" in k or "deadline" in k
            or k in ("retention", "out_of_order_time_window", "time", "query_offset",
                     "refresh_interval", "keep_dropped_targets")):
        return DURATIONS
    if ("limit" in k or "port" in k or "shards" in k or k in ("capacity", "modulus",
            "max_samples_per_send", "max_exemplars", "max_retries", "version")):
        return INTS
    if k in ("sampling_fraction", "percentage"):
        return FLOATS
    if "url" in k or k in ("server", "endpoint", "api_server", "host", "servers"):
        return URLS
    if k in ("target_label", "source_labels", "labels", "labeldrop"):
        return LABEL_NAMES
    if k.startswith(("honor_", "enable_", "send", "insecure", "follow_", "read_recent",
                     "retry_on", "proxy_from", "allow_stale", "include_", "use_")):
        return BOOLS
    if k in ("targets",):
        return HOSTS
    return None


# ---------------------------------------------------------------- mutations

KEY_LINE = re.compile(r"^(\s*)(- )?([^\s:#][^:#]*?):( +(.*))?$")


def key_lines(lines):
    out = []
    for i, l in enumerate(lines):
        m = KEY_LINE.match(l)
        if m and not l.lstrip().startswith("#"):
            out.append((i, m))
    return out


def block_end(lines, i):
    ind = len(lines[i]) - len(lines[i].lstrip())
    if lines[i].lstrip().startswith("- "):
        ind += 2
    j = i + 1
    while j < len(lines):
        s = lines[j]
        if s.strip() and (len(s) - len(s.lstrip())) <= ind and not (
                (len(s) - len(s.lstrip())) == ind and s.lstrip().startswith("- ")
                and not lines[i].lstrip().startswith("- ")):
            break
        j += 1
    return j


class Mutator:
    def __init__(self, rng, vocab):
        self.rng = rng
        self.vocab = vocab

    def value_for(self, key):
        r = self.rng
        p = pool_for(key)
        if p is not None and r.random() < 0.75:
            return r.choice(p)
        return r.choice(r.choice(ALL_POOLS))

    # each op takes the list of lines and returns it changed (or None when it does not apply)
    def op_value(self, lines):
        cands = [(i, m) for i, m in key_lines(lines) if m.group(5)]
        if not cands:
            return None
        i, m = self.rng.choice(cands)
        val = self.value_for(m.group(3))
        if "\n" in val:
            ind = " " * (len(m.group(1)) + len(m.group(2) or "") + 2)
            val = val.replace("\n", "\n" + ind)
        lines[i] = "%s%s%s: %s" % (m.group(1), m.group(2) or "", m.group(3), val)
        return lines

    def op_list_item(self, lines):
        cands = [i for i, l in enumerate(lines)
                 if re.match(r"^\s*- [^:]*$", l) and not l.strip().startswith("#")]
        flow = [i for i, l in enumerate(lines) if re.search(r": \[.*\]\s*$", l)]
        r = self.rng
        if flow and (not cands or r.random() < 0.5):
            i = r.choice(flow)
            m = re.match(r"^(\s*(?:- )?)([^:]+): \[(.*)\]\s*$", lines[i])
            if not m:
                return None
            items = [x.strip() for x in m.group(3).split(",") if x.strip()]
            v = self.value_for(m.group(2))
            if "\n" in v:
                v = "x"
            if items and r.random() < 0.6:
                items[r.randrange(len(items))] = v
            else:
                items.append(v)
            lines[i] = "%s%s: [%s]" % (m.group(1), m.group(2), ", ".join(items))
            return lines
        if not cands:
            return None
        i = r.choice(cands)
        ind = lines[i][: lines[i].index("-")]
        parent = ""
        for j in range(i - 1, -1, -1):
            m = KEY_LINE.match(lines[j])
            if m and len(lines[j]) - len(lines[j].lstrip()) < len(ind) + 1:
                parent = m.group(3)
                break
        v = self.value_for(parent)
        if "\n" in v:
            v = "x"
        lines[i] = "%s- %s" % (ind, v)
        return lines

    def op_delete(self, lines):
        cands = key_lines(lines)
        if not cands:
            return None
        i, _ = self.rng.choice(cands)
        if self.rng.random() < 0.5:
            del lines[i:block_end(lines, i)]
        else:
            del lines[i]
        return lines

    def op_duplicate(self, lines):
        cands = key_lines(lines)
        if not cands:
            return None
        i, m = self.rng.choice(cands)
        j = block_end(lines, i)
        block = lines[i:j]
        if m.group(2):
            block = [block[0]] + block[1:]
        lines[j:j] = block
        return lines

    def op_insert(self, lines):
        cands = key_lines(lines)
        if not cands:
            return None
        i, m = self.rng.choice(cands)
        ind = m.group(1) + (" " * len(m.group(2) or ""))
        key = self.rng.choice(self.vocab)
        if self.rng.random() < 0.1:
            key = key + self.rng.choice(["s", "_", "x"]) if self.rng.random() < 0.5 else key.upper()
        val = self.value_for(key)
        if "\n" in val:
            val = val.replace("\n", "\n" + ind + "  ")
        j = block_end(lines, i)
        lines[j:j] = ["%s%s: %s" % (ind, key, val)]
        return lines

    def op_rename(self, lines):
        cands = key_lines(lines)
        if not cands:
            return None
        i, m = self.rng.choice(cands)
        r = self.rng
        k = m.group(3)
        new = r.choice([k.upper(), k + "s", k[:-1], r.choice(self.vocab), "'%s'" % k,
                        "\"%s\"" % k, "!!str %s" % k, "? %s" % k, k.replace("_", "-")])
        rest = lines[i][m.end(3):]
        if new.startswith("? "):
            lines[i] = "%s%s%s\n%s%s%s" % (m.group(1), m.group(2) or "", new, m.group(1),
                                          " " * len(m.group(2) or ""), rest)
            lines[i:i + 1] = lines[i].split("\n")
        else:
            lines[i] = m.group(1) + (m.group(2) or "") + new + rest
        return lines

    def op_auth(self, lines):
        """Adds an auth, TLS or proxy block beside a field of a job or endpoint."""
        cands = [(i, m) for i, m in key_lines(lines)
                 if m.group(3) in ("job_name", "url", "scheme", "server", "api_server",
                                   "endpoint", "region", "port")]
        if not cands:
            return None
        i, m = self.rng.choice(cands)
        ind = m.group(1) + " " * len(m.group(2) or "")
        r = self.rng
        blocks = [
            ["basic_auth:", "  username: u", "  password: p"],
            ["basic_auth:", "  username: u", "  password_file: p", "  password: q"],
            ["basic_auth:", "  password: p"],
            ["basic_auth: {}"],
            ["authorization:", "  credentials: c"],
            ["authorization:", "  type: %s" % r.choice(AUTH_TYPES), "  credentials_file: c"],
            ["authorization:", "  credentials: c", "  credentials_file: d"],
            ["bearer_token: t"], ["bearer_token_file: t"],
            ["oauth2:", "  client_id: i", "  client_secret: s", "  token_url: %s" % r.choice(URLS)],
            ["oauth2:", "  client_id: i", "  client_secret_file: s", "  client_secret: x",
             "  token_url: http://t"],
            ["tls_config:", "  cert_file: c"],
            ["tls_config:", "  cert_file: c", "  key_file: k"],
            ["tls_config:", "  ca: x", "  ca_file: y"],
            ["tls_config:", "  cert: x", "  key_file: k"],
            ["tls_config:", "  min_version: %s" % r.choice(TLS_VERSIONS)],
            ["tls_config:", "  key: x"],
            ["proxy_url: %s" % r.choice(URLS)],
            ["proxy_connect_header:", "  X: [a]"],
            ["follow_redirects: %s" % r.choice(BOOLS)],
            ["enable_http2: %s" % r.choice(BOOLS)],
            ["sigv4:", "  region: r"],
            ["azuread:", "  cloud: AzurePublic", "  managed_identity:", "    client_id: x"],
            ["headers:", "  %s: v" % r.choice(["X-Foo", "Authorization", "Content-Type",
                                               "User-Agent", "x-prometheus-remote-write-version"])],
        ]
        n = r.choice([1, 1, 2])
        add = []
        for _ in range(n):
            add.extend(ind + l for l in r.choice(blocks))
        j = block_end(lines, i)
        lines[j:j] = add
        return lines

    def op_relabel(self, lines):
        cands = [i for i, l in enumerate(lines)
                 if re.match(r"^\s*(- )?(relabel_configs|metric_relabel_configs|write_relabel_configs|alert_relabel_configs):", l)]
        r = self.rng
        if not cands:
            cands = [i for i, m in key_lines(lines) if m.group(3) == "job_name"]
            if not cands:
                return None
            i = r.choice(cands)
            ind = lines[i][: len(lines[i]) - len(lines[i].lstrip())] + ("  " if "- " in lines[i] else "")
            lines[block_end(lines, i):block_end(lines, i)] = [ind + "relabel_configs:"]
            return self.op_relabel(lines)
        i = r.choice(cands)
        ind = " " * (len(lines[i]) - len(lines[i].lstrip()) + (2 if lines[i].lstrip().startswith("- ") else 0)) + "  "
        rule = ["- action: %s" % r.choice(ACTIONS)]
        for f in r.sample(["source_labels", "target_label", "regex", "replacement", "modulus",
                           "separator"], r.randint(0, 4)):
            if f == "source_labels":
                v = "[%s]" % ", ".join(r.choice(LABEL_NAMES) for _ in range(r.randint(0, 2)))
            elif f == "replacement":
                v = r.choice(["x", "$1", "${1}", "''", "${1}_${2}", "$$", "a$b"])
            elif f == "separator":
                v = r.choice([";", "''", "'a'"])
            else:
                v = self.value_for(f)
                if "\n" in v:
                    v = "x"
            rule.append("  %s: %s" % (f, v))
        lines[i + 1:i + 1] = [ind + l for l in rule]
        return lines

    def op_sd(self, lines):
        """Adds a service discovery block to a job, with random fields."""
        cands = [(i, m) for i, m in key_lines(lines) if m.group(3) == "job_name"]
        if not cands:
            return None
        i, m = self.rng.choice(cands)
        r = self.rng
        ind = m.group(1) + " " * len(m.group(2) or "")
        sds = {
            "azure": ["subscription_id: s", "tenant_id: t", "client_id: c", "client_secret: x",
                      "authentication_method: %s" % r.choice(["OAuth", "ManagedIdentity", "foo"]),
                      "environment: AzurePublicCloud", "port: 9100", "resource_group: g"],
            "digitalocean": ["port: 9100", "refresh_interval: 1m"],
            "docker": ["host: %s" % r.choice(["unix:///var/run/docker.sock", "tcp://h:2375", "''", "%zz"]),
                       "port: 80", "host_networking_host: localhost", "filters: [{name: n, values: [v]}]"],
            "dockerswarm": ["host: http://h:2375", "role: %s" % r.choice(["nodes", "services", "tasks", "pods", "''"]),
                            "port: 80"],
            "dns": ["names: [a.example.com]", "type: %s" % r.choice(["A", "AAAA", "SRV", "MX", "NS", "CNAME"]),
                    "port: 53", "refresh_interval: 30s"],
            "ec2": ["region: us-east-1", "port: 80", "endpoint: %s" % r.choice(URLS),
                    "filters: [{name: n, values: %s}]" % r.choice(["[v]", "[]"]), "role_arn: x"],
            "eureka": ["server: %s" % r.choice(URLS)],
            "file": ["files: [%s]" % r.choice(["a.json", "a.yml", "a.yaml", "a.txt", "dir/*.json", "'[.json'", "''"]),
                     "refresh_interval: 5m"],
            "gce": ["project: p", "zone: z", "port: 80", "filter: x", "tag_separator: ','"],
            "hetzner": ["role: %s" % r.choice(["robot", "hcloud", "foo", "''"])],
            "http": ["url: %s" % r.choice(URLS)],
            "ionos": ["datacenter_id: %s" % r.choice(["d", "''"]), "port: 80"],
            "lightsail": ["region: r", "port: 80", "endpoint: %s" % r.choice(URLS)],
            "marathon": ["servers: [%s]" % r.choice(URLS), "auth_token: t"],
            "nerve": ["servers: [h:2181]", "paths: [/p]", "timeout: 10s"],
            "serverset": ["servers: [h:2181]", "paths: [%s]" % r.choice(["/p", "p", "''"])],
            "openstack": ["role: %s" % r.choice(["instance", "hypervisor", "loadbalancer", "foo"]),
                          "region: r", "availability: %s" % r.choice(["public", "admin", "internal", "foo"]),
                          "identity_endpoint: %s" % r.choice(URLS)],
            "ovhcloud": ["application_key: k", "application_secret: s", "consumer_key: c",
                         "service: %s" % r.choice(["vps", "dedicated_server", "foo"]),
                         "endpoint: %s" % r.choice(["ovh-eu", "http://x"])],
            "puppetdb": ["url: %s" % r.choice(URLS), "query: 'resources { type = \"Class\" }'",
                         "include_parameters: true", "port: 80"],
            "scaleway": ["role: %s" % r.choice(["instance", "baremetal", "foo"]),
                         "project_id: %s" % r.choice(["11111111-1111-1111-1111-111111111111", "p"]),
                         "access_key: %s" % r.choice(["SCWXXXXXXXXXXXXXXXXX", "k"]),
                         "secret_key: 11111111-1111-1111-1111-111111111111",
                         "zone: fr-par-1"],
            "triton": ["account: a", "dns_suffix: d", "endpoint: e", "version: 1",
                       "role: %s" % r.choice(["container", "cn", "foo"])],
            "uyuni": ["server: %s" % r.choice(URLS), "username: u", "password: p",
                      "entitlement: monitoring_entitled"],
            "vultr": ["port: 80", "refresh_interval: 1m"],
        }
        name = r.choice(sorted(sds))
        fields = sds[name]
        chosen = r.sample(fields, r.randint(max(0, len(fields) - 2), len(fields)))
        block = [ind + "%s_sd_configs:" % name, ind + "  - " + (chosen[0] if chosen else "{}")]
        block += [ind + "    " + f for f in chosen[1:]]
        j = block_end(lines, i)
        lines[j:j] = block
        return lines

    def op_yaml(self, lines):
        """A YAML-level oddity that Go's yaml.v2 reads its own way."""
        r = self.rng
        n = len(lines)
        i = r.randrange(n + 1)
        kind = r.randrange(24)
        if kind == 0:  # a blank line holding tabs or spaces and tabs
            lines.insert(i, r.choice(["\t", " \t", "\t\t", "  \t "]))
        elif kind == 1:  # a comment line indented with a tab
            lines.insert(i, r.choice(["\t# c", " \t#c", "#\tc", "\t#"]))
        elif kind == 2:  # NEL, LS, PS, or other unusual characters somewhere
            ch = r.choice(["\x85", "\u2028", "\u2029", "\ufeff", "\x0b", "\x0c", "\u00a0", "\r",
                           "\x7f", "\x01"])
            if lines and r.random() < 0.6:
                k = r.randrange(len(lines))
                pos = r.randrange(len(lines[k]) + 1)
                lines[k] = lines[k][:pos] + ch + lines[k][pos:]
            else:
                lines.insert(i, ch if r.random() < 0.5 else "# c" + ch + "d")
        elif kind == 3:  # something before the first document
            pre = r.choice(["...", "---", "--- # c", "%YAML 1.1\n---", "%YAML 1.2\n---",
                            "%YAML 2.0\n---", "%FOO bar\n---", "%TAG ! tag:x,2000:\n---",
                            "%TAG !e! tag:e.com,2000:\n---", "%YAML 1.1", "...\n---", "# c\n...",
                            "%YAML 1.1\n%YAML 1.1\n---", "--- !!map", "--- &a", "---\n...\n---",
                            "\ufeff", "%YAML  1.1\n---", "%YAML 1.1 # c\n---"])
            lines[0:0] = pre.split("\n")
        elif kind == 4:  # something after it
            lines.extend(r.choice(["...", "---", "--- x", "...\nfoo", "---\n- [", "... # c",
                                   "---\nscrape_configs: 5", "...\n%YAML 1.1\n---"]).split("\n"))
        elif kind == 5:  # a comment right after a quoted scalar
            cands = [(k, m) for k, m in key_lines(lines) if m.group(5)]
            if not cands:
                return None
            k, m = r.choice(cands)
            v = m.group(5).strip()
            q = r.choice(["\"%s\"", "'%s'"]) % v.strip("'\"")
            lines[k] = "%s%s%s: %s%s" % (m.group(1), m.group(2) or "", m.group(3), q,
                                        r.choice(["#c", " #c", "\t#c", "# c"]))
        elif kind == 6:  # a tag in a flow mapping or sequence
            cands = [(k, m) for k, m in key_lines(lines) if m.group(5)]
            if not cands:
                return None
            k, m = r.choice(cands)
            v = m.group(5).strip()
            if v.startswith(("[", "{", "|", ">")):
                return None
            form = r.choice(["{%s: !x %s}", "{!x %s: %s}", "[!x %s, %s]", "{%s: !!str %s}",
                             "{%s: !x}", "{!x : %s}", "{? !x %s : %s}", "{%s: !<x> %s}",
                             "{%s: !x%s}", "{%s: !!null}", "{%s: !}"])
            if form.count("%s") == 2:
                val = form % (r.choice(["a", "k"]), v)
            else:
                val = form % v
            lines[k] = "%s%s%s: %s" % (m.group(1), m.group(2) or "", m.group(3), val)
        elif kind == 7:  # null-ish spellings for a whole value
            cands = key_lines(lines)
            if not cands:
                return None
            k, m = r.choice(cands)
            val = r.choice(["~", "null", "Null", "NULL", "!!null", "!!null ''", "\"null\"",
                            "'null'", "''", "", "!!null null", "nUll", "!!str", "!!map {}",
                            "!!seq []", "{}", "[]", "[~]", "[null]", "{a: ~}", "!!null ~",
                            "\"~\"", "!!str null", "!!null x"])
            end = block_end(lines, k) if r.random() < 0.7 else k + 1
            lines[k:end] = ["%s%s%s: %s" % (m.group(1), m.group(2) or "", m.group(3), val)]
        elif kind == 8:  # escapes in a double-quoted value
            cands = [(k, m) for k, m in key_lines(lines) if m.group(5)]
            if not cands:
                return None
            k, m = r.choice(cands)
            v = m.group(5).strip().strip("'\"")
            esc = r.choice(["\\/", "\\ud800", "\\udc00", "\\ud83d\\ude00", "\\U0001F600",
                            "\\x41", "\\N", "\\_", "\\L", "\\P", "\\e", "\\0", "\\a", "\\b", "\\v",
                            "\\f", "\\ ", "\\\t", "\\'", "\\q", "\\u00e9", "\\U00110000",
                            "\\xff", "\\x", "\\u12", "\\uFFFE", "\\\"", "\\\\", "\\t", "\\r\\n"])
            pos = r.randrange(len(v) + 1)
            lines[k] = "%s%s%s: \"%s\"" % (m.group(1), m.group(2) or "", m.group(3),
                                           v[:pos] + esc + v[pos:])
        elif kind == 9:  # indentation off by one
            cands = key_lines(lines)
            if not cands:
                return None
            k, _ = r.choice(cands)
            lines[k] = (" " + lines[k]) if r.random() < 0.5 else lines[k][1:]
        elif kind == 10:  # tabs after a key's colon or as separation
            cands = [(k, m) for k, m in key_lines(lines) if m.group(5)]
            if not cands:
                return None
            k, m = r.choice(cands)
            sep = r.choice([":\t", ": \t", ":\t ", " \t:"])
            lines[k] = "%s%s%s%s%s" % (m.group(1), m.group(2) or "", m.group(3), sep,
                                       m.group(5).strip())
        elif kind == 11:  # trailing tab or spaces or comment after a value
            if not lines:
                return None
            k = r.randrange(len(lines))
            lines[k] = lines[k] + r.choice(["\t", " ", "  #c", "\t#c", " # \t", "#c"])
        elif kind == 12:  # CRLF line endings, or a bare CR
            return "\r\n".join(lines).split("\n") if r.random() < 0.7 else [l + "\r" for l in lines[:1]] + lines[1:]
        elif kind == 13:  # anchors, aliases and merge keys
            cands = [(k, m) for k, m in key_lines(lines) if m.group(5)]
            if not cands:
                return None
            k, m = r.choice(cands)
            form = r.choice(["&a %s", "!!str &a %s", "&a !!str %s", "*a", "*nope", "&a"])
            v = m.group(5).strip()
            lines[k] = "%s%s%s: %s" % (m.group(1), m.group(2) or "", m.group(3),
                                       form % v if "%s" in form else form)
            if "&a" in form and r.random() < 0.6:
                lines.insert(k + 1, "%s%s%s_copy: *a" % (m.group(1), " " * len(m.group(2) or ""), m.group(3)))
            if r.random() < 0.3:
                lines.insert(k + 1, "%s%s<<: %s" % (m.group(1), " " * len(m.group(2) or ""),
                                                     r.choice(["{}", "*a", "[{}]", "{a: b}", "x", "[x]"])))
        elif kind == 14:  # block scalars
            cands = [(k, m) for k, m in key_lines(lines) if m.group(5)]
            if not cands:
                return None
            k, m = r.choice(cands)
            v = m.group(5).strip().strip("'\"")
            ind = " " * (len(m.group(1)) + len(m.group(2) or "") + 2)
            head = r.choice(["|", ">", "|-", ">-", "|+", ">+", "|2", "|-1", "|10", ">\t", "| #c"])
            body = [ind + v]
            if r.random() < 0.3:
                body.append(r.choice(["", ind + "\t", ind[:-1] + "\t"]))
            lines[k:k + 1] = ["%s%s%s: %s" % (m.group(1), m.group(2) or "", m.group(3), head)] + body
        elif kind == 15:  # a long or deep flow value
            cands = key_lines(lines)
            if not cands:
                return None
            k, m = r.choice(cands)
            val = r.choice(["[" * 30 + "]" * 30, "{a: " * 20 + "b" + "}" * 20, "x" * 1100,
                            "'" + "y" * 70000 + "'", "[a,]", "{a: b,}", "[a,,b]", "{a, b}",
                            "{a}", "[a: b]", "[? a : b]", "{? a}", "[-a]", "[- a]", "{[a]: b}",
                            "{{a: b}: c}", "[a, b]]", "{a: b}}", "[a\n  b]", "{\"a\":b}",
                            "{a:b}", "{'a':b}", "{a:\"b\"}", "[a, #c\n b]"])
            lines[k] = "%s%s%s: %s" % (m.group(1), m.group(2) or "", m.group(3), val)
            lines[k:k + 1] = lines[k].split("\n")
        elif kind == 16:  # multi-line plain or quoted scalars
            cands = [(k, m) for k, m in key_lines(lines) if m.group(5)]
            if not cands:
                return None
            k, m = r.choice(cands)
            ind = " " * (len(m.group(1)) + len(m.group(2) or "") + r.choice([0, 1, 2, 4]))
            cont = r.choice(["more", "# not a comment", "- x", "key: v", "\tmore", "'", "\"",
                             "", "..."])
            lines.insert(k + 1, ind + cont)
        elif kind == 17:  # unicode and control characters inside values or keys
            cands = key_lines(lines)
            if not cands:
                return None
            k, m = r.choice(cands)
            ch = r.choice(["é", "\u200b", "\U0001F600", "\ufffd", "\ue000", "\u0300", "\t", "\\"])
            lines[k] = lines[k].replace(m.group(3), m.group(3) + ch, 1) if r.random() < 0.3 else lines[k] + ch
        elif kind == 18:  # a key that is itself a complex node
            cands = key_lines(lines)
            if not cands:
                return None
            k, m = r.choice(cands)
            lines.insert(k, "%s%s%s: x" % (m.group(1), " " * len(m.group(2) or ""),
                                           r.choice(["[a]", "{a: b}", "? [a]", "1", "true", "~",
                                                     "1.5", "!!binary aGk=", "'' ", "2001-12-14",
                                                     "\"\"", "!!int 1", "<<"])))
        elif kind == 19:  # a document that is not a mapping
            lines[:] = r.choice([["- a"], ["x"], ["[]"], ["{}"], ["~"], ["''"], ["!!map {}"],
                                 ["!!str"], ["---"], ["..."], ["# c"], [""], ["--- |", "  x"],
                                 ["\t"], ["%YAML 1.1"]]) + (lines if r.random() < 0.3 else [])
        elif kind == 20:  # flow style across lines with odd indentation
            cands = [(k, m) for k, m in key_lines(lines) if m.group(5)]
            if not cands:
                return None
            k, m = r.choice(cands)
            lines[k:k + 1] = ["%s%s%s: [" % (m.group(1), m.group(2) or "", m.group(3)),
                              r.choice(["", " ", "\t", "  "]) + m.group(5).strip(),
                              r.choice(["]", " ]", "\t]"])]
        elif kind == 21:  # a key spelled with quotes or escapes
            cands = key_lines(lines)
            if not cands:
                return None
            k, m = r.choice(cands)
            key = m.group(3)
            alt = r.choice(['"%s"' % key, "'%s'" % key, '"%s"' % key.replace("_", "\\x5f"),
                            '"%s"' % key.replace("_", "\\u005f"), "!!str %s" % key,
                            "%s " % key, '"%s "' % key])
            lines[k] = lines[k][:m.start(3)] + alt + lines[k][m.end(3):]
        elif kind == 22:  # an empty document between comments, or only comments
            lines.insert(i, r.choice(["#", "# ---", "#...", "  # c", "--- #", " ---"]))
        else:  # explicit keys and values
            cands = [(k, m) for k, m in key_lines(lines) if m.group(5)]
            if not cands:
                return None
            k, m = r.choice(cands)
            ind = m.group(1) + (m.group(2) or "")
            ind2 = m.group(1) + " " * len(m.group(2) or "")
            lines[k:k + 1] = [ind + "? " + m.group(3), ind2 + ": " + m.group(5).strip()]
        return lines

    OPS = [("value", 30), ("list_item", 8), ("delete", 8), ("duplicate", 4), ("insert", 10),
           ("rename", 5), ("auth", 8), ("relabel", 8), ("sd", 8), ("yaml", 25)]

    def mutate(self, text):
        lines = text.split("\n")
        n = self.rng.choice([1, 1, 1, 2, 2, 3])
        done = []
        tries = 0
        while len(done) < n and tries < 20:
            tries += 1
            names = [o for o, _ in self.OPS]
            weights = [w for _, w in self.OPS]
            op = self.rng.choices(names, weights)[0]
            got = getattr(self, "op_" + op)(list(lines))
            if got is None:
                continue
            lines = got
            done.append(op)
        return "\n".join(lines), done


def vocabulary(seeds):
    keys = set()
    for _, text, _ in seeds:
        for l in text.split("\n"):
            m = KEY_LINE.match(l)
            if m and re.match(r"^[a-z_0-9]+$", m.group(3)):
                keys.add(m.group(3))
    keys.update(["no_proxy", "proxy_from_environment", "scrape_protocols", "http_headers",
                 "enable_compression", "keep_dropped_targets", "native_histogram_bucket_limit",
                 "scrape_classic_histograms", "query_offset", "runtime", "otlp",
                 "scrape_config_files", "foo", "ca", "cert", "key"])
    return sorted(keys)


# ---------------------------------------------------------------- judging

def normalize(msg):
    msg = re.sub(r"\S*\.yml", "F", msg)
    msg = re.sub(r"\d+", "N", msg)
    return msg.strip()[:200]


class Judge:
    def __init__(self, promtool, promvault, workdir, jobs):
        self.promtool = promtool
        self.workdir = workdir
        self.jobs = jobs
        self.pv = subprocess.Popen(promvault, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   text=True, encoding="utf-8", errors="replace", bufsize=1)
        self.counter = 0

    def close(self):
        self.pv.stdin.close()
        self.pv.wait()

    def write(self, text):
        self.counter += 1
        d = os.path.join(self.workdir, "c%d" % (self.counter % 64))
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, "prometheus-%d.yml" % self.counter)
        with open(path, "w", encoding="utf-8", newline="", errors="surrogatepass") as f:
            f.write(text)
        return path

    def promtool_one(self, path):
        try:
            p = subprocess.run([self.promtool, "check", "config", "--syntax-only", path],
                               capture_output=True, text=True, errors="replace", timeout=30,
                               cwd=os.path.dirname(path))
        except subprocess.TimeoutExpired:
            return 124, "timeout"
        out = p.stdout + p.stderr
        msg = ""
        lines = out.split("\n")
        for k, l in enumerate(lines):
            if "FAILED" in l or "rror" in l:
                msg = l.strip()
                if msg.endswith(":") and k + 1 < len(lines):
                    msg += " " + lines[k + 1].strip()
                break
        return (0 if p.returncode == 0 else 1), msg

    def promvault_one(self, path):
        self.pv.stdin.write(path + "\n")
        self.pv.stdin.flush()
        line = self.pv.stdout.readline().rstrip("\n")
        if not line:
            raise RuntimeError("promvault validator died")
        code, _, msg = line.partition("\t")
        return int(code), msg

    def judge_many(self, texts):
        paths = [self.write(t) for t in texts]
        with concurrent.futures.ThreadPoolExecutor(self.jobs) as ex:
            pt = list(ex.map(self.promtool_one, paths))
        pv = [self.promvault_one(p) for p in paths]
        for p in paths:
            os.unlink(p)
        return list(zip(pt, pv))


def signature(pt, pv):
    """A disagreement's class: which side refused, and the refusal's message, normalised."""
    if pt[0] != 0:
        return "promtool-only: " + normalize(pt[1])
    return "promvault-only: " + normalize(re.sub(r"^\d+:\d+: ", "", pv[1]))


def shrink(judge, text, sig, budget=400):
    """Removes lines, then characters runs, while the disagreement keeps its class."""
    def same(t):
        (pt, pv), = judge.judge_many([t])
        return pt[0] != pv[0] and pt[0] != 124 and signature(pt, pv) == sig

    lines = text.split("\n")
    spent = 0
    chunk = max(1, len(lines) // 2)
    while chunk >= 1 and spent < budget:
        i = 0
        changed = False
        while i < len(lines) and spent < budget:
            cand = lines[:i] + lines[i + chunk:]
            spent += 1
            if cand and same("\n".join(cand)):
                lines = cand
                changed = True
            else:
                i += chunk
        if not changed:
            chunk //= 2
    # shorten single lines: drop trailing comments / parts between spaces
    text = "\n".join(lines)
    return text


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=500)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--promtool", default=shutil.which("promtool") or "/usr/bin/promtool")
    ap.add_argument("--promvault", default=os.path.join(ROOT, "target", "debug", "examples", "validate"),
                    help="the validator: examples/validate.rs built (cargo build --example validate)")
    ap.add_argument("--out", default=None, help="folder for the shrunk disagreements")
    ap.add_argument("--shrink", type=int, default=3, help="cases shrunk per class (0: none)")
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--min-agreement", type=float, default=0.0,
                    help="exit 1 when agreement falls below this fraction")
    ap.add_argument("--show", action="store_true", help="print every disagreeing case")
    args = ap.parse_args()

    rng = random.Random(args.seed)
    seeds = load_seeds()
    vocab = vocabulary(seeds)
    mut = Mutator(rng, vocab)
    work = tempfile.mkdtemp(prefix="pvdiff-")
    judge = Judge(args.promtool, [args.promvault], work, args.jobs)
    agree = 0
    total = 0
    classes = OrderedDict()
    ops_count = Counter()
    try:
        done = 0
        while done < args.count:
            n = min(args.batch, args.count - done)
            texts, meta = [], []
            for _ in range(n):
                name, text, good = rng.choice(seeds)
                if not good and rng.random() < 0.7:
                    name, text, good = rng.choice([s for s in seeds if s[2]])
                mutated, ops = mut.mutate(text)
                texts.append(mutated)
                meta.append((name, ops))
            for text, (name, ops), (pt, pv) in zip(texts, meta, judge.judge_many(texts)):
                total += 1
                if pt[0] == 124:
                    continue
                if MISSING_RE.search(pt[1]):
                    # Debian's build lacks it; promvault follows upstream: not comparable
                    total -= 1
                    continue
                if pt[0] == pv[0]:
                    agree += 1
                    continue
                sig = signature(pt, pv)
                classes.setdefault(sig, []).append((text, name, ops, pt, pv))
                for o in ops:
                    ops_count[o] += 1
            done += n
            print("  %d/%d cases, %d disagreements" % (done, args.count, total - agree),
                  file=sys.stderr, flush=True)
        print("agree %d/%d (%.2f%%)" % (agree, total, 100.0 * agree / max(total, 1)))
        print("%d disagreement class(es)" % len(classes))
        if args.out:
            os.makedirs(args.out, exist_ok=True)
        for ci, (sig, cases) in enumerate(classes.items()):
            print("\n[%d] %s  (%d case(s))" % (ci, sig, len(cases)))
            text, name, ops, pt, pv = cases[0]
            print("    seed %s, ops %s" % (name, ",".join(ops)))
            print("    promtool: %d %s" % pt)
            print("    promvault: %d %s" % pv)
            small = text
            if args.shrink and (args.out or args.show):
                small = shrink(judge, text, sig)
            if args.show:
                print("    ---- minimal case ----")
                for l in small.split("\n"):
                    print("    | " + repr(l)[1:-1])
            if args.out:
                for k, (t, *_rest) in enumerate(cases[: max(args.shrink, 1)]):
                    s = small if k == 0 else (shrink(judge, t, sig) if args.shrink else t)
                    with open(os.path.join(args.out, "class%02d-%d.yml" % (ci, k)), "w",
                              encoding="utf-8", newline="", errors="surrogatepass") as f:
                        f.write(s)
    finally:
        judge.close()
        shutil.rmtree(work, ignore_errors=True)
    if total and agree / total < args.min_agreement:
        print("agreement below %.4f" % args.min_agreement)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
