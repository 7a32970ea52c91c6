#!/usr/bin/env python3
"""Differential test of `promvault import-ansible-vault` against the real `ansible-vault`.

Known and not modelled (counted apart, not failing): U+0085, U+2028 and U+2029 are line
breaks to PyYAML (YAML 1.1), which folds a scalar across them, and text to promvault's YAML
1.2 parser; PyYAML's emitter breaks long scalars there.

Each case is a random vars file (strings with quotes, colons, `#`, newlines, `{{ }}`, unicode,
YAML 1.1 look-alikes such as `yes`, `0777`, `1e3`; numbers, booleans, nulls, lists, mappings)
encrypted by the real `ansible-vault` CLI in one of three ways: a whole file in format 1.1,
a whole file in format 1.2 with a vault-id label, or inline `!vault` values made by
`ansible-vault encrypt_string`. Ansible's own DataLoader reads the encrypted file (its view of
the variables); promvault imports it into an age vault and renders every variable with
`to_json(sort_keys=True)`. The two JSON texts must be equal, byte for byte; when Ansible
refuses the file, promvault must refuse it too. A difference is
shrunk (variables removed one at a time while it stays) and printed; the exit code is 1.

Run it through ./run (which makes the venv). Direct use, with the venv's python:
  python diff.py --seed 1 --count 30 --bin target/debug/promvault
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

import yaml

WORDS = ["yes", "no", "on", "off", "null", "~", "0777", "0o17", "1e3", "0x1F", "1_000", ".inf",
         "2001-12-14", "12:30", "true", "True", "-", "'", '"', "", " ", "{{ x }}", "{% raw %}",
         "a: b", "a #b", "#c", "@x", "`y`", "%z", "!tag", "*alias", "&anchor", "| x", "> y"]
CHARS = "abcXYZ019 :#'\"\\{}[],&*!|>%@`-\n\té☃😀\u00a0"


def encrypted_inline(v):
    """What `encrypt_string` is given in an inline case (it refuses an empty string)."""
    return isinstance(v, str) and v != ""


KNOWN_BREAKS = ("\u0085", "\u2028", "\u2029")


def rand_string(rng):
    if rng.random() < 0.3:
        return rng.choice(WORDS)
    n = rng.randint(0, 24)
    text = "".join(rng.choice(CHARS) for _ in range(n))
    if rng.random() < 0.03:  # a known class, kept rare (see the module's documentation)
        text += rng.choice(KNOWN_BREAKS) + "x"
    return text


def rand_value(rng, depth=0):
    r = rng.random()
    if depth < 2 and r < 0.12:
        return [rand_value(rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if depth < 2 and r < 0.22:
        return {f"k{i}{rng.choice('abc')}": rand_value(rng, depth + 1)
                for i in range(rng.randint(0, 3))}
    if r < 0.30:
        return rng.choice([0, 1, -7, 511, 10**20, 3])
    if r < 0.34:
        return rng.choice([0.5, -1.25, 1e20, 3.0])
    if r < 0.38:
        return rng.choice([True, False])
    if r < 0.40:
        return None
    return rand_string(rng)


def dump(data, rng):
    return yaml.safe_dump(data, allow_unicode=rng.random() < 0.5,
                          default_flow_style=rng.choice([False, None]),
                          width=rng.choice([80, 20, 10**6]))


def plain(x):
    """Ansible's loaded value as plain JSON data (an inline vault value decrypts to its text)."""
    if isinstance(x, dict):
        return {str(k): plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [plain(v) for v in x]
    if x is None or isinstance(x, (bool, int, float)):
        return x
    return str(x)


def ansible_view(path, password, label, names):
    from ansible.parsing.dataloader import DataLoader
    from ansible.parsing.vault import VaultSecret, VaultSecretsContext
    secrets = [(label or "default", VaultSecret(password.encode()))]
    # inline values decrypt through the process-wide context (as ansible-playbook sets it)
    VaultSecretsContext._current = VaultSecretsContext(secrets)
    loader = DataLoader()
    loader.set_vault_secrets(secrets)
    try:
        data = loader.load_from_file(path) or {}
    except Exception:  # noqa: BLE001  (any refusal: promvault must refuse too)
        return "ERROR"
    return json.dumps({k: v for k, v in plain(data).items() if k in names}, sort_keys=True)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


class Case:
    def __init__(self, data, mode, password, label):
        self.data, self.mode, self.password, self.label = data, mode, password, label

    def write(self, d, vault_cli, rng_seed):
        rng = random.Random(rng_seed)
        pw = f"{d}/pw.txt"
        with open(pw, "w") as f:
            f.write(self.password + "\n")
        path = f"{d}/secrets.yml"
        if self.mode == "inline":
            lines = []
            for k, v in self.data.items():
                if encrypted_inline(v):
                    # through stdin: an argument `-` would mean stdin to ansible-vault
                    out = run([vault_cli, "encrypt_string", "--vault-password-file", pw,
                               "--stdin-name", k], input=v)
                    if out.returncode != 0:
                        raise RuntimeError(out.stderr)
                    lines.append(out.stdout.rstrip("\n") + "\n")
                else:
                    lines.append(dump({k: v}, rng))
            with open(path, "w") as f:
                f.write("".join(lines))
        else:
            with open(path, "w") as f:
                f.write(dump(self.data, rng))
            ident = (["--vault-id", f"{self.label}@{pw}"] if self.mode == "1.2"
                     else ["--vault-password-file", pw])
            out = run([vault_cli, "encrypt"] + ident + [path])
            if out.returncode != 0:
                raise RuntimeError(out.stderr)
        return path, pw


def promvault_view(bin_, d, path, pw, names):
    env = dict(os.environ, XDG_CONFIG_HOME=f"{d}/cfg", HOME=f"{d}/home", NO_COLOR="1")
    env.pop("PROMVAULT_AGE_KEY", None)
    proj = f"{d}/proj"
    os.makedirs(f"{proj}/templates", exist_ok=True)
    os.makedirs(f"{proj}/inventories/e", exist_ok=True)
    key = run([bin_, "keygen"], env=env)
    if key.returncode != 0:
        return f"keygen failed: {key.stderr}"
    with open(f"{proj}/promvault.yml", "w") as f:
        f.write(f"recipients:\n  - {key.stdout.strip()}\nenvironments:\n  e:\n    inventory: inventories/e\n"
                "outputs:\n  - template: templates/t.j2\n    dest: out/t.json\n")
    with open(f"{proj}/inventories/e/hosts.yml", "w") as f:
        f.write("all:\n  hosts:\n    localhost:\n")
    pairs = ", ".join(f"{json.dumps(n)}: {n}" for n in names)
    with open(f"{proj}/templates/t.j2", "w") as f:
        f.write("{{ {" + pairs + "} | to_json(sort_keys=True) }}")
    imp = run([bin_, "import-ansible-vault", "--vault-password-file", pw, "--env", "e", path],
              env=env, cwd=proj)
    if imp.returncode == 2:
        return "ERROR"
    if imp.returncode != 0:
        return f"import failed ({imp.returncode}): {imp.stderr}"
    out = run([bin_, "render", "e", "--stdout", "--no-validate"], env=env, cwd=proj)
    if out.returncode != 0:
        return f"render failed ({out.returncode}): {out.stderr}"
    return out.stdout


def compare(case, bin_, vault_cli, seed):
    d = tempfile.mkdtemp(prefix="pv-avdiff-")
    try:
        path, pw = case.write(d, vault_cli, seed)
        # inline: only the encrypted (string) values move into the vault
        names = [k for k, v in case.data.items() if case.mode != "inline" or encrypted_inline(v)]
        want = ansible_view(path, case.password, case.label if case.mode == "1.2" else None, names)
        got = promvault_view(bin_, d, path, pw, names)
        return want, got
    finally:
        shutil.rmtree(d, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=30)
    ap.add_argument("--bin", required=True)
    a = ap.parse_args()
    vault_cli = os.path.join(os.path.dirname(sys.executable), "ansible-vault")
    os.environ.setdefault("ANSIBLE_HOME", tempfile.mkdtemp(prefix="pv-avhome-"))
    rng = random.Random(a.seed)
    agree, known, differ = 0, 0, []
    for i in range(a.count):
        data = {f"v{j}_{rng.choice(['pw', 'key', 'x'])}": rand_value(rng)
                for j in range(rng.randint(1, 5))}
        mode = rng.choice(["1.1", "1.2", "inline"])
        if mode == "inline" and not any(encrypted_inline(v) for v in data.values()):
            data["v9_pw"] = rand_string(rng) + "s"
        password = "".join(rng.choice("abcXYZ019!@#$%^&*()-_ ") for _ in range(rng.randint(1, 20))).strip() or "p"
        case = Case(data, mode, password, rng.choice(["prod", "dev_1"]))
        want, got = compare(case, a.bin, vault_cli, a.seed * 100000 + i)
        if want == got:
            agree += 1
            continue
        # shrink: drop variables while the case still differs
        for name in list(case.data):
            if len(case.data) == 1:
                break
            smaller = Case({k: v for k, v in case.data.items() if k != name}, mode, password, case.label)
            w, g = compare(smaller, a.bin, vault_cli, a.seed * 100000 + i)
            if w != g:
                case, want, got = smaller, w, g
        if any(b in json.dumps(case.data, ensure_ascii=False) for b in KNOWN_BREAKS):
            known += 1
            continue
        differ.append((i, case, want, got))
    print(f"agree {agree}/{a.count}" + (f" (known: {known} with U+0085/U+2028/U+2029)" if known else ""))
    for i, case, want, got in differ:
        print(f"--- case {i} ({case.mode}): {json.dumps(case.data, ensure_ascii=False)}")
        print(f"ansible:   {want}")
        print(f"promvault: {got}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
