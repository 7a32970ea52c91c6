"""Harness: write a case dir, render with real Ansible and with promvault, compare bytes."""
import os, shutil, subprocess, json, sys, concurrent.futures as cf

ROOT = "/tmp/ansible-diff"
CASES_DIR = f"{ROOT}/cases"
PV_DIR = f"{ROOT}/pv"
FAIL_DIR = f"{ROOT}/failures"
PVHOME = f"{ROOT}/pvhome"
BIN = "/tmp/diff-target/debug/promvault"
ANSIBLE_BIN = "/tmp/ansible-venv/bin/ansible-playbook"
AHOME = "/tmp/ansible-home"

DEFAULT_INV = "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"


def ensure_identity():
    os.makedirs(PVHOME, exist_ok=True)
    rec_file = f"{PVHOME}/recipient"
    if not os.path.exists(rec_file):
        out = subprocess.run([BIN, "keygen"], env=pv_env(), capture_output=True, text=True, check=True)
        open(rec_file, "w").write(out.stdout.strip())
    return open(rec_file).read().strip()


def pv_env():
    e = dict(os.environ)
    e.update(HOME=PVHOME, XDG_CONFIG_HOME=f"{PVHOME}/.config", NO_COLOR="1", EDITOR="false")
    for k in ("XDG_RUNTIME_DIR", "PROMVAULT_IDENTITY", "PROMVAULT_AGE_KEY", "VISUAL"):
        e.pop(k, None)
    return e


def ansible_env(name):
    os.makedirs(AHOME, exist_ok=True)
    cfg = f"{AHOME}/ansible.cfg"
    if not os.path.exists(cfg):
        open(cfg, "w").write("[defaults]\n")
    e = dict(os.environ)
    e.update(ANSIBLE_HOME=AHOME, ANSIBLE_LOCAL_TEMP=f"{AHOME}/tmp-{name}", ANSIBLE_REMOTE_TEMP=f"{AHOME}/rtmp-{name}",
             ANSIBLE_CONFIG=cfg, ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
             ANSIBLE_LOCALHOST_WARNING="0", ANSIBLE_PYTHON_INTERPRETER="/tmp/ansible-venv/bin/python3",
             PATH="/tmp/ansible-venv/bin:" + os.environ["PATH"])
    return e


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def write_case(c):
    d = f"{CASES_DIR}/{c['name']}"
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    inv = c.get("inv", DEFAULT_INV)
    write(f"{d}/inventory/hosts.ini" if c.get("ini") else f"{d}/inventory/hosts.yml", inv)
    for rel, text in c.get("files", {}).items():   # relative to inventory/: group_vars/x.yml, host_vars/...
        write(f"{d}/inventory/{rel}", text)
    if c.get("defaults") is not None:
        write(f"{d}/defaults/main.yml", c["defaults"])
    write(f"{d}/vault.yml", c.get("vault", "---\n{}\n"))
    write(f"{d}/template.j2", c["template"])
    host = c.get("host", "localhost")
    role = '  roles:\n    - role: "{{ playbook_dir }}"\n' if c.get("defaults") is not None else ""
    write(f"{d}/render.yml",
          f"---\n- hosts: {host}\n  connection: local\n  gather_facts: false\n  vars_files:\n    - vault.yml\n{role}"
          "  tasks:\n    - name: render\n      ansible.builtin.template:\n        src: template.j2\n"
          '        dest: "{{ playbook_dir }}/ansible.out"\n')
    write(f"{d}/case.json", json.dumps({k: v for k, v in c.items()}, indent=1, ensure_ascii=False))
    return d


def run_ansible(c, d):
    inv = f"{d}/inventory/hosts.ini" if c.get("ini") else f"{d}/inventory/hosts.yml"
    out_path = f"{d}/ansible.out"
    if os.path.exists(out_path):
        os.remove(out_path)
    p = subprocess.run([ANSIBLE_BIN, "-i", inv, "render.yml"], cwd=d, env=ansible_env(c["name"]),
                       capture_output=True)
    log = p.stdout + p.stderr
    open(f"{d}/ansible.log", "wb").write(log)
    if p.returncode == 0 and os.path.exists(out_path):
        return True, open(out_path, "rb").read()
    return False, log


def run_promvault(c, d, recipient):
    w = f"{PV_DIR}/{c['name']}"
    shutil.rmtree(w, ignore_errors=True)
    shutil.copytree(f"{d}/inventory", f"{w}/inventory")
    shutil.copy(f"{d}/template.j2", f"{w}/template.j2")
    dl = ""
    if c.get("defaults") is not None:
        shutil.copytree(f"{d}/defaults", f"{w}/defaults")
        dl = "    defaults: [defaults/main.yml]\n"
    host = c.get("host", "localhost")
    write(f"{w}/promvault.yml",
          f"recipients: [{recipient}]\nenvironments:\n  case:\n    inventory: inventory\n    vault: vault/case.yml.age\n"
          f"outputs:\n  - template: template.j2\n    dest: out/expected.out\n    hosts: {host}\n    validate: none\n{dl}")
    shutil.copy(f"{d}/vault.yml", f"{w}/vault.yml")
    env = pv_env()
    p = subprocess.run([BIN, "encrypt", "vault.yml", "-o", "vault/case.yml.age"], cwd=w, env=env, capture_output=True)
    if p.returncode != 0:
        return False, b"encrypt failed: " + p.stderr
    os.remove(f"{w}/vault.yml")
    p = subprocess.run([BIN, "render", "case", "--stdout"], cwd=w, env=env, capture_output=True)
    if p.returncode == 0:
        return True, p.stdout
    return False, p.stderr + p.stdout


def ansible_error_summary(log):
    text = log.decode("utf-8", "replace")
    for line in text.splitlines():
        if line.startswith("fatal:") or "ERROR!" in line or line.startswith("[ERROR]"):
            return line[:600]
    return text[-600:]


def run_case(c, recipient):
    d = write_case(c)
    a_ok, a_out = run_ansible(c, d)
    p_ok, p_out = run_promvault(c, d, recipient)
    open(f"{d}/promvault.out", "wb").write(p_out)
    if a_ok and p_ok:
        status = "match" if a_out == p_out else "DIFF"
    elif a_ok and not p_ok:
        status = "PV_ERROR"
    elif not a_ok and p_ok:
        status = "PV_ACCEPTED"   # Ansible refused, promvault rendered
    else:
        status = "both_error"
    res = dict(name=c["name"], status=status, ansible_ok=a_ok, pv_ok=p_ok,
               ansible=a_out.decode("utf-8", "replace") if a_ok else ansible_error_summary(a_out),
               promvault=p_out.decode("utf-8", "replace"))
    open(f"{d}/result.json", "w").write(json.dumps(res, indent=1, ensure_ascii=False))
    if status not in ("match", "both_error"):
        f = f"{FAIL_DIR}/{c['name']}"
        shutil.rmtree(f, ignore_errors=True)
        shutil.copytree(d, f)
    return res


def main(cases, jobs=2, only=None):
    if only:
        cases = [c for c in cases if any(o in c["name"] for o in only)]
    names = [c["name"] for c in cases]
    dup = {n for n in names if names.count(n) > 1}
    assert not dup, dup
    recipient = ensure_identity()
    if not only:
        shutil.rmtree(FAIL_DIR, ignore_errors=True)
    os.makedirs(FAIL_DIR, exist_ok=True)
    results = []
    with cf.ThreadPoolExecutor(jobs) as ex:
        for r in ex.map(lambda c: run_case(c, recipient), cases):
            results.append(r)
            mark = "." if r["status"] in ("match",) else ("s" if r["status"] == "both_error" else "F")
            print(f"{r['status']:12} {r['name']}", flush=True)
    counts = {}
    for r in results:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    print(json.dumps(counts))
    json.dump(results, open(f"{ROOT}/results.json" if not only else f"{ROOT}/results-partial.json", "w"),
              indent=1, ensure_ascii=False)
    return results
