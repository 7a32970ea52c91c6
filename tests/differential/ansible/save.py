#!/usr/bin/env python3
"""Keeps a (minimal) case the harness rendered as a regression case of the generated corpus:
  python3 save.py /tmp/promvault-diff-ansible/cases/s2-00060-min raw-keeps-newline
copies it to tests/data/ansible-generated/cases/NAME with Ansible's own output as
expected.out (or, when Ansible failed, its error as expected.err). Nothing is edited."""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEST = os.path.join(HERE, "..", "..", "data", "ansible-generated", "cases")


def save(src, name):
    d = os.path.join(DEST, name)
    if os.path.exists(d):
        sys.exit(f"{d} exists")
    os.makedirs(d)
    for item in ("inventory", "defaults"):
        if os.path.isdir(f"{src}/{item}"):
            shutil.copytree(f"{src}/{item}", f"{d}/{item}")
    for item in ("vault.yml", "template.j2", "render.yml", "extra.yml"):
        if os.path.exists(f"{src}/{item}"):
            shutil.copy(f"{src}/{item}", f"{d}/{item}")
    log = open(f"{src}/ansible.log", encoding="utf-8", errors="replace").read()
    if os.path.exists(f"{src}/ansible.out") and "failed=0" in log:
        shutil.copy(f"{src}/ansible.out", f"{d}/expected.out")
    else:
        lines = [l for l in log.splitlines() if l.startswith(("fatal:", "[ERROR]", "ERROR!"))]
        with open(f"{d}/expected.err", "w") as f:
            f.write("\n".join(lines or log.splitlines()[-5:]) + "\n")
    print(d)


if __name__ == "__main__":
    save(sys.argv[1], sys.argv[2])
