#!/usr/bin/env python3
"""Differential test: random cases rendered by real ansible-core and by promvault, bytes
compared (and error against error), each difference shrunk to a minimal case.

Run it through ./run (which makes the venv). Direct use, with the venv's python:
  python diff.py --seed 1 --count 200 [--bin target/debug/promvault] [--jobs 2]
"""
import argparse
import concurrent.futures as cf
import json
import os
import re
import random
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402

# Tags present in nearly every case: they never characterise a difference.
GENERIC = {"var", "lit", "print", "lazy", "yaml", "yaml-list", "yaml-dict", "yaml-ld", "any"}


def setup_ansible_env(work):
    home = f"{work}/ansible-home"
    os.makedirs(home, exist_ok=True)
    cfg = f"{home}/ansible.cfg"
    with open(cfg, "w") as f:
        f.write("[defaults]\n")
    os.environ.update(
        ANSIBLE_HOME=home, ANSIBLE_LOCAL_TEMP=f"{home}/tmp", ANSIBLE_REMOTE_TEMP=f"{home}/rtmp",
        ANSIBLE_CONFIG=cfg, ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
        ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER=sys.executable,
        # The template action hands its result to `ansible.legacy.copy`; this local copy
        # writes it without starting a module process (the rendering is untouched).
        ANSIBLE_ACTION_PLUGINS=f"{HERE}/action_plugins",
        ANSIBLE_DEPRECATION_WARNINGS="0", ANSIBLE_SYSTEM_WARNINGS="0",
        # `strftime` renders in local time: both sides render in UTC
        TZ="UTC",
    )


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


RENDER_YML = ("---\n- hosts: {host}\n  connection: local\n  gather_facts: false\n  vars_files:\n    - vault.yml\n{role}"
              "  tasks:\n    - name: render\n      ansible.builtin.template:\n        src: template.j2\n"
              '        dest: "{{{{ playbook_dir }}}}/ansible.out"\n')


def write_case(c, d):
    """The layout of tests/data/ansible-generated/cases (plus extra.yml for -e @extra.yml)."""
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    write(f"{d}/inventory/hosts.yml", c["inv"])
    for rel, text in c.get("files", {}).items():
        write(f"{d}/inventory/{rel}", text)
    if c.get("defaults") is not None:
        write(f"{d}/defaults/main.yml", c["defaults"])
    if c.get("extra") is not None:
        write(f"{d}/extra.yml", c["extra"])
    write(f"{d}/vault.yml", c.get("vault", "---\n{}\n"))
    write(f"{d}/template.j2", c["template"])
    role = '  roles:\n    - role: "{{ playbook_dir }}"\n' if c.get("defaults") is not None else ""
    write(f"{d}/render.yml", RENDER_YML.format(host=c.get("host", "localhost"), role=role))


# ------------------------------------------------------------------ Ansible (forked, warm)
ANSIBLE_TIMEOUT = 60


def ansible_many(dirs, jobs):
    """Renders each case dir with ansible-playbook run in a forked child of this (warm)
    process. Returns {dir: (ok, bytes)}."""
    from ansible.cli.playbook import PlaybookCLI  # noqa: F401  (imported once, before forking)
    import ansible.plugins.action.template  # noqa: F401
    running, results, queue = {}, {}, list(dirs)
    while queue or running:
        while queue and len(running) < jobs:
            d = queue.pop(0)
            out = f"{d}/ansible.out"
            if os.path.exists(out):
                os.remove(out)
            pid = os.fork()
            if pid == 0:
                rc = 1
                try:
                    os.chdir(d)
                    fd = os.open("ansible.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
                    os.dup2(fd, 1)
                    os.dup2(fd, 2)
                    args = ["ansible-playbook", "-i", "inventory/hosts.yml", "render.yml"]
                    if os.path.exists("extra.yml"):
                        args += ["-e", "@extra.yml"]
                    from ansible.cli.playbook import PlaybookCLI as P
                    try:
                        P.cli_executor(args)
                        rc = 0
                    except SystemExit as e:
                        rc = e.code if isinstance(e.code, int) else 1
                except BaseException:  # noqa: BLE001
                    import traceback
                    traceback.print_exc()
                    rc = 99
                finally:
                    try:
                        sys.stdout.flush()
                        sys.stderr.flush()
                    finally:
                        os._exit(rc)
            running[pid] = (d, time.time())
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            # a case Ansible takes too long over (exponential recursion through
            # query('vars', ...)) is killed and left out of the count
            now = time.time()
            for p, (dd, started) in list(running.items()):
                if now - started > ANSIBLE_TIMEOUT:
                    os.kill(p, 9)
            time.sleep(0.02)
            continue
        d, _ = running.pop(pid)
        rc = os.waitstatus_to_exitcode(status)
        out = f"{d}/ansible.out"
        if rc == -9:
            results[d] = (None, b"TIMEOUT")
        elif rc == 0 and os.path.exists(out):
            results[d] = (True, open(out, "rb").read())
        else:
            results[d] = (False, open(f"{d}/ansible.log", "rb").read())
    return results


# ------------------------------------------------------------------ promvault
class Promvault:
    def __init__(self, binary, work):
        self.bin = binary
        self.home = f"{work}/pvhome"
        os.makedirs(self.home, exist_ok=True)
        rec = f"{self.home}/recipient"
        if not os.path.exists(rec):
            out = subprocess.run([binary, "keygen"], env=self.env(), capture_output=True, text=True, check=True)
            write(rec, out.stdout.strip())
        self.recipient = open(rec).read().strip()

    def env(self):
        e = dict(os.environ)
        e.update(HOME=self.home, XDG_CONFIG_HOME=f"{self.home}/.config", NO_COLOR="1", EDITOR="false")
        for k in ("XDG_RUNTIME_DIR", "PROMVAULT_IDENTITY", "PROMVAULT_AGE_KEY", "VISUAL"):
            e.pop(k, None)
        return e

    def render(self, c, d):
        w = f"{d}/pv"
        shutil.rmtree(w, ignore_errors=True)
        shutil.copytree(f"{d}/inventory", f"{w}/inventory")
        shutil.copy(f"{d}/template.j2", f"{w}/template.j2")
        dl = ""
        if os.path.exists(f"{d}/defaults"):
            shutil.copytree(f"{d}/defaults", f"{w}/defaults")
            dl = "    defaults: [defaults/main.yml]\n"
        write(f"{w}/promvault.yml",
              f"recipients: [{self.recipient}]\nenvironments:\n  case:\n    inventory: inventory\n    vault: vault/case.yml.age\n"
              f"outputs:\n  - template: template.j2\n    dest: out/expected.out\n    hosts: {c.get('host', 'localhost')}\n"
              f"    validate: none\n{dl}")
        shutil.copy(f"{d}/vault.yml", f"{w}/vault.yml")
        env = self.env()
        p = subprocess.run([self.bin, "encrypt", "vault.yml", "-o", "vault/case.yml.age"], cwd=w, env=env,
                           capture_output=True)
        if p.returncode != 0:
            return False, b"encrypt failed: " + p.stderr
        args = [self.bin, "render", "case", "--stdout"]
        if os.path.exists(f"{d}/extra.yml"):
            args += ["-e", f"@{d}/extra.yml"]
        try:
            p = subprocess.run(args, cwd=w, env=env, capture_output=True, timeout=120)
        except subprocess.TimeoutExpired:
            return False, b"promvault timed out"
        if p.returncode == 0:
            return True, p.stdout
        return False, p.stderr + p.stdout


def status_of(a, p):
    (a_ok, a_out), (p_ok, p_out) = a, p
    if a_ok is None:
        return "ansible_timeout"
    if a_ok and p_ok:
        return "match" if a_out == p_out else "DIFF"
    if a_ok:
        return "PV_ERROR"
    if p_ok:
        return "PV_ACCEPTED"
    return "both_error"


AGREE = ("match", "both_error")


def evaluate(cases, work, pv, jobs):
    """[(case, status, ansible, promvault)] for structured cases."""
    dirs = []
    for case in cases:
        d = f"{work}/cases/{case['name']}"
        write_case(gen.materialize(case), d)
        dirs.append(d)
    a = ansible_many(dirs, jobs)
    with cf.ThreadPoolExecutor(jobs) as ex:
        p = list(ex.map(lambda cd: pv.render(gen.materialize(cd[0]), cd[1]), zip(cases, dirs)))
    return [(c, status_of(a[d], pr), a[d], pr, d) for c, d, pr in zip(cases, dirs, p)]


# ------------------------------------------------------------------ shrinking
def candidates(case):
    """Smaller variants of a case, most drastic first."""
    frags = case["frags"]
    if len(frags) > 1:
        for i in range(len(frags)):
            yield dict(case, frags=frags[:i] + frags[i + 1:])
    if case["header"]:
        yield dict(case, header=None)
    for i, v in enumerate(case["vars"]):
        yield dict(case, vars=case["vars"][:i] + case["vars"][i + 1:])
        if len(v.defs) > 1:
            for j in range(len(v.defs)):
                nv = gen.Var(v.name, v.kind, v.defs[:j] + v.defs[j + 1:])
                yield dict(case, vars=case["vars"][:i] + [nv] + case["vars"][i + 1:])
    # node replacements, in fragments and in templated variable values
    roots = [("frag", i, f) for i, f in enumerate(frags)]
    for i, v in enumerate(case["vars"]):
        for j, d in enumerate(v.defs):
            if d[2] is not None:
                roots.append(("var", (i, j), d[2]))
    lit = gen.Gen(random.Random(0), {})
    for where, idx, root in roots:
        for node in list(root.walk()):
            reps = [n for n in node.walk() if n is not node and n.kind == node.kind and node.kind != "T"]
            if node.args and node.kind != "T":
                reps.append(lit.lit(node.kind))
            for rep in reps:
                new_root = replace(root, node, rep)
                yield rebuild(case, where, idx, new_root)


def replace(root, target, rep):
    if root is target:
        return rep
    return gen.Node(root.kind, root.fmt, [replace(a, target, rep) for a in root.args], root.tags)


def rebuild(case, where, idx, new_root):
    if where == "frag":
        frags = list(case["frags"])
        frags[idx] = new_root
        return dict(case, frags=frags)
    i, j = idx
    v = case["vars"][i]
    defs = list(v.defs)
    layer, text, _, tags = defs[j]
    defs[j] = (layer, text, new_root, tags)
    vars_ = list(case["vars"])
    vars_[i] = gen.Var(v.name, v.kind, defs)
    return dict(case, vars=vars_)


def size(case):
    n = sum(len(list(f.walk())) for f in case["frags"]) + len(case["frags"]) * 3
    for v in case["vars"]:
        n += 2 * len(v.defs)
        n += sum(len(list(d[2].walk())) for d in v.defs if d[2] is not None)
    return n + (1 if case["header"] else 0)


def shrink(case, status, work, pv, jobs, budget=120):
    """Greedy shrinking: take the first smaller variant that differs the same way."""
    tries = 0
    progress = True
    counter = [0]

    def named(c):
        counter[0] += 1
        return dict(c, name=f"{case['name']}-shrink{counter[0]:03d}")

    while progress and tries < budget:
        progress = False
        cur = size(case)
        # try the candidates a few at a time (in parallel), keep the first that still fails
        gen_iter = (named(c) for c in candidates(case) if size(c) < cur)
        while True:
            chunk = [c for _, c in zip(range(jobs * 2), gen_iter)]
            if not chunk:
                break
            tries += len(chunk)
            results = evaluate(chunk, work, pv, jobs)
            for c, st, *_rest in results:
                shutil.rmtree(_rest[-1], ignore_errors=True)
            hit = next((c for c, st, *_ in results if st == status), None)
            if hit is not None:
                case = dict(hit, name=case["name"])
                progress = True
                break
            if tries >= budget:
                break
    return case


def signature(case):
    return frozenset(gen.case_tags(case) - GENERIC)


# ------------------------------------------------------------------ known differences
def load_known(path):
    known = []
    for line in open(path, encoding="utf-8"):
        body, _, reason = line.partition("#")
        tags = [t.strip() for t in body.split(",") if t.strip()]
        if tags:
            known.append((frozenset(tags), reason.strip()))
    return known


def listed(sig, known):
    for tags, reason in known:
        if tags <= sig:
            return reason
    return None


def describe(case, a, p):
    m = gen.materialize(case)
    parts = [f"--- template.j2\n{m['template']}"]
    for rel, text in m.get("files", {}).items():
        parts.append(f"--- inventory/{rel}\n{text}")
    for key in ("defaults", "extra"):
        if m.get(key):
            parts.append(f"--- {key}\n{m[key]}")
    if m["vault"] != "---\n{}\n":
        parts.append(f"--- vault.yml\n{m['vault']}")
    inv_lines = [l for l in m["inv"].splitlines() if l.strip().startswith("v_")]
    if inv_lines:
        parts.append("--- inventory/hosts.yml (vars)\n" + "\n".join(inv_lines) + "\n")

    def show(r):
        ok, out = r
        t = out.decode("utf-8", "replace")
        if ok:
            return repr(t)
        lines = [l for l in t.splitlines() if "fatal" in l or "ERROR" in l or "error" in l]
        return "ERROR " + (lines[0] if lines else t[-300:])[:400]
    parts.append(f"--- ansible:   {show(a)}\n--- promvault: {show(p)}")
    return "\n".join(parts)


def recheck(args):
    """The kept differences of an earlier run, rendered again by --bin (Ansible is not rerun:
    its output or error is read from the case directory)."""
    work = os.path.abspath(args.work)
    setup_ansible_env(work)
    binary = f"{work}/promvault-recheck"
    shutil.copy(os.path.abspath(args.bin), binary)
    pv = Promvault(binary, work)
    known = load_known(args.known)
    names = sorted(n for n in os.listdir(f"{work}/cases")
                   if re.fullmatch(rf"s{args.seed}-\d+", n))
    still = {}
    for name in names:
        d = f"{work}/cases/{name}"
        case = gen.make_case(args.seed, int(name.split("-")[1]))
        if os.path.exists(f"{d}/ansible.out"):
            a = (True, open(f"{d}/ansible.out", "rb").read())
        else:
            a = (False, open(f"{d}/ansible.log", "rb").read())
        status = status_of(a, pv.render(gen.materialize(case), d))
        if status not in AGREE:
            sig = signature(case)
            reason = listed(sig, known)
            still.setdefault((status, reason or "NEW"), []).append(name)
    print(f"recheck: {len(names) - sum(map(len, still.values()))} of {len(names)} kept differences now agree")
    for (status, reason), cases in sorted(still.items(), key=lambda kv: -len(kv[1])):
        print(f"  {status} {reason}: {len(cases)} case(s): {' '.join(cases[:8])}{' ...' if len(cases) > 8 else ''}")
    return 1 if any(r == "NEW" for _, r in still) else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--bin", default=os.path.join(HERE, "..", "..", "..", "target", "debug", "promvault"))
    ap.add_argument("--work", default="/tmp/promvault-diff-ansible")
    ap.add_argument("--shrink", type=int, default=8, help="differences to shrink (others are classified by tags)")
    ap.add_argument("--shrink-known", action="store_true",
                    help="shrink differences that use a listed feature too (slower, stricter)")
    ap.add_argument("--known", default=os.path.join(HERE, "known.txt"))
    ap.add_argument("--keep", action="store_true", help="keep every case dir (default: only differences)")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--recheck", action="store_true",
                    help="render the differences an earlier run (same --seed and --work) kept with "
                         "--bin again, against Ansible's stored output, and say which still differ")
    args = ap.parse_args()
    if args.recheck:
        return recheck(args)

    work = os.path.abspath(args.work)
    os.makedirs(f"{work}/cases", exist_ok=True)
    setup_ansible_env(work)
    # a copy, so that rebuilding promvault during a run changes nothing
    binary = f"{work}/promvault"
    shutil.copy(os.path.abspath(args.bin), binary)
    pv = Promvault(binary, work)
    known = load_known(args.known)

    t0 = time.time()
    cases = [gen.make_case(args.seed, i) for i in range(args.count)]
    results = []
    for start in range(0, len(cases), 100):
        results += evaluate(cases[start:start + 100], work, pv, args.jobs)
        print(f"  {len(results)}/{len(cases)} rendered ({time.time() - t0:.0f}s)", file=sys.stderr, flush=True)
    timeouts = [r for r in results if r[1] == "ansible_timeout"]
    results = [r for r in results if r[1] != "ansible_timeout"]
    agree = sum(1 for r in results if r[1] in AGREE)
    diffs = [r for r in results if r[1] not in AGREE]
    if not args.keep:
        for r in results:
            if r[1] in AGREE:
                shutil.rmtree(r[4], ignore_errors=True)

    classes = []   # (signature, minimal case, status, a, p, [names])
    shrunk = 0
    report = []
    for case, status, a, p, d in diffs:
        sig = signature(case)
        cls = next((c for c in classes if c[2] == status and c[0] <= sig), None)
        reason = listed(sig, known)
        if cls is None and reason and not args.shrink_known:
            # it uses a feature of a listed class: counted as that class without shrinking
            # (fast; --shrink-known shrinks these too, to check the class is really the cause)
            tags = next(t for t, r in known if r == reason and t <= sig)
            cls = next((c for c in classes if c[0] == tags), None)
            if cls is None:
                cls = [tags, case, status, a, p, [], d]
                classes.append(cls)
        if cls is None and shrunk < args.shrink:
            shrunk += 1
            small = shrink(case, status, work, pv, args.jobs)
            (_, st, a2, p2, d2), = evaluate([dict(small, name=case["name"] + "-min")], work, pv, args.jobs)
            cls = [signature(small), small, st, a2, p2, [], d2]
            classes.append(cls)
        if cls is None:
            cls = [sig, case, status, a, p, [], d]
            classes.append(cls)
        cls[5].append(case["name"])

    unlisted = 0
    for sig, small, status, a, p, names, d in classes:
        reason = listed(sig, known)
        tag = f"known: {reason}" if reason else "NEW"
        if not reason:
            unlisted += len(names)
        print(f"\n=== {status} [{', '.join(sorted(sig)) or '-'}] {tag}; {len(names)} case(s): {' '.join(names[:6])}"
              f"{' ...' if len(names) > 6 else ''}\n    minimal case in {d}")
        print("    " + describe(small, a, p).replace("\n", "\n    "))
        report.append(dict(status=status, tags=sorted(sig), known=reason, cases=names, dir=d))
    if args.json:
        json.dump(dict(agree=agree, total=len(results), classes=report), open(args.json, "w"), indent=1)
    if timeouts:
        print(f"\n{len(timeouts)} case(s) left out: Ansible took over {ANSIBLE_TIMEOUT}s: "
              + " ".join(r[0]["name"] for r in timeouts))
    print(f"\nagree {agree}/{len(results)} (seed {args.seed}; {len(diffs) - unlisted} listed in known.txt, "
          f"{unlisted} not; {time.time() - t0:.0f}s)")
    sys.exit(1 if unlisted else 0)


if __name__ == "__main__":
    sys.exit(main())
