#!/usr/bin/env python3
"""Makes a regression case of the generated corpus from a template (and optional
group_vars/all.yml text), rendered by real Ansible (run with the venv's python):
  python mkcase.py NAME TEMPLATE [GROUP_VARS_ALL_YAML]
Writes tests/data/ansible-generated/cases/NAME with Ansible's output as expected.out, or
its error as expected.err. Nothing is edited by hand."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import diff  # noqa: E402
import save  # noqa: E402

INV = "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"


def main():
    name, template = sys.argv[1], sys.argv[2]
    work = "/tmp/promvault-mkcase"
    diff.setup_ansible_env(work)
    c = dict(inv=INV, host="localhost", template=template)
    if len(sys.argv) > 3:
        c["files"] = {"group_vars/all.yml": "---\n" + sys.argv[3]}
    d = f"{work}/{name}"
    diff.write_case(c, d)
    diff.ansible_many([d], 1)
    save.save(d, name)
    out = f"{save.DEST}/{name}"
    for f in ("expected.out", "expected.err"):
        if os.path.exists(f"{out}/{f}"):
            print(f, repr(open(f"{out}/{f}").read()))


if __name__ == "__main__":
    main()
