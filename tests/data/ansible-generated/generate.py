#!/usr/bin/env python3
"""Generate small Ansible-vs-promvault template cases, render each with real ansible-core
(/tmp/ansible-venv) and with promvault (/tmp/diff-target/debug/promvault), compare bytes.

  python3 generate.py            # all cases; failures copied to /tmp/ansible-diff/failures/
  python3 generate.py NAME ...   # only cases whose name contains NAME
Each case dir: inventory/, vault.yml (play vars_files), defaults/main.yml (role defaults),
template.j2, render.yml, ansible.out (Ansible), promvault.out, result.json.
"""
import sys
sys.path.insert(0, "/tmp/ansible-diff")
import harness

CASES = []
LOCAL = "all:\n  vars:\n    ansible_connection: local\n"


def case(name, template, vault=None, inv=None, files=None, defaults=None, host="localhost", ini=False):
    c = dict(name=name, template=template, host=host, ini=ini)
    if vault is not None:
        c["vault"] = vault
    if inv is not None:
        c["inv"] = inv
    if files:
        c["files"] = files
    if defaults is not None:
        c["defaults"] = defaults
    CASES.append(c)


def t(name, template, vars=None, **kw):
    """Simple localhost case: vars in inventory/group_vars/all.yml (promvault never templates
    vault values, a documented choice, so lazy templating is tested through group_vars)."""
    files = dict(kw.pop("files", {}) or {})
    if vars:
        files["group_vars/all.yml"] = "---\n" + vars
    case(name, template, files=files, **kw)


# ---------------------------------------------------------------- precedence / inventory
INV3 = """all:
  vars:
    ansible_connection: local
    x_inv_all: inv_all
  children:
    a:
      vars:
        lvl: inv_a
      children:
        b:
          children:
            c:
              hosts:
                h1:
                h2:
"""
case("prec-nested-3deep", "lvl={{ lvl }} only_ab={{ only_ab }} only_a={{ only_a }} all={{ from_all }}\ngroup_names={{ group_names }}\n",
     inv=INV3, host="h1", files={
         "group_vars/all.yml": "lvl: all\nfrom_all: gv_all\n",
         "group_vars/a.yml": "lvl: a\nonly_ab: a\nonly_a: a\n",
         "group_vars/b.yml": "lvl: b\nonly_ab: b\n",
         "group_vars/c.yml": "lvl: c\n"})

case("prec-inventory-groupvars-vs-gv-all-file",
     "x={{ x }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    web:\n      vars:\n        x: inventory_web\n      hosts:\n        h1:\n",
     host="h1", files={"group_vars/all.yml": "x: gv_all_file\n"})

case("prec-inventory-allvars-vs-gv-all-file",
     "x={{ x }} y={{ y }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n    x: inv_all\n    y: inv_all\n  hosts:\n    h1:\n",
     host="h1", files={"group_vars/all.yml": "x: gv_all_file\n"})

case("prec-inventory-group-vs-gv-group-file",
     "x={{ x }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    web:\n      vars:\n        x: inventory_web\n      hosts:\n        h1:\n",
     host="h1", files={"group_vars/web.yml": "x: gv_web_file\n"})

case("prec-inventory-hostvar-vs-gv-file",
     "x={{ x }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    web:\n      hosts:\n        h1:\n          x: inv_host\n",
     host="h1", files={"group_vars/web.yml": "x: gv_web\n", "group_vars/all.yml": "x: gv_all\n"})

case("prec-hostvars-file-vs-inventory-host",
     "x={{ x }} y={{ y }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  hosts:\n    h1:\n      x: inv_host\n      y: inv_host\n",
     host="h1", files={"host_vars/h1.yml": "x: hv_file\n"})

SIB = "all:\n  vars:\n    ansible_connection: local\n  children:\n    alpha:\n{ap}      hosts:\n        h1:\n    zeta:\n{zp}      hosts:\n        h1:\n"
case("prec-siblings-alphabetical", "x={{ x }}\n",
     inv=SIB.format(ap="", zp=""), host="h1",
     files={"group_vars/alpha.yml": "x: alpha\n", "group_vars/zeta.yml": "x: zeta\n"})
case("prec-group-priority-inventory", "x={{ x }}\n",
     inv=SIB.format(ap="      vars:\n        ansible_group_priority: 10\n", zp=""), host="h1",
     files={"group_vars/alpha.yml": "x: alpha\n", "group_vars/zeta.yml": "x: zeta\n"})
case("prec-group-priority-in-gv-file", "x={{ x }}\n",
     inv=SIB.format(ap="", zp=""), host="h1",
     files={"group_vars/alpha.yml": "ansible_group_priority: 10\nx: alpha\n", "group_vars/zeta.yml": "x: zeta\n"})
case("prec-group-priority-vs-depth", "x={{ x }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    top:\n      vars:\n        ansible_group_priority: 99\n      hosts:\n        h1:\n    p:\n      children:\n        deep:\n          hosts:\n            h1:\n",
     host="h1", files={"group_vars/top.yml": "x: top\n", "group_vars/deep.yml": "x: deep\n"})
case("prec-group-priority-ini", "x={{ x }}\n",
     inv="h1 ansible_connection=local\n\n[alpha]\nh1\n\n[zeta]\nh1\n\n[alpha:vars]\nansible_group_priority=5\nx=alpha_inv\n\n[zeta:vars]\nx=zeta_inv\n",
     ini=True, host="h1")
case("prec-depth-beats-name", "x={{ x }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    zzz:\n      hosts:\n        h1:\n    parent:\n      children:\n        aaa:\n          hosts:\n            h1:\n",
     host="h1", files={"group_vars/zzz.yml": "x: zzz\n", "group_vars/aaa.yml": "x: aaa\n", "group_vars/parent.yml": "x: parent\n"})
case("prec-gv-dir-and-file", "x={{ x }} y={{ y|default('none') }} z={{ z|default('none') }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    web:\n      hosts:\n        h1:\n",
     host="h1", files={"group_vars/web.yml": "x: file\ny: file\n",
                       "group_vars/web/a.yml": "x: dir_a\nz: dir_a\n",
                       "group_vars/web/b.yml": "x: dir_b\n"})
case("prec-gv-dir-order", "x={{ x }} y={{ y }} w={{ w }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    web:\n      hosts:\n        h1:\n",
     host="h1", files={"group_vars/web/10-base.yml": "x: base\ny: base\nw: base\n",
                       "group_vars/web/2-over.yml": "x: two\n",
                       "group_vars/web/sub/z.yml": "y: sub_z\n",
                       "group_vars/web/zz.yaml": "w: zz_yaml\n"})
case("prec-gv-yml-vs-yaml", "x={{ x }} y={{ y|default('unset') }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    web:\n      hosts:\n        h1:\n",
     host="h1", files={"group_vars/web.yml": "x: yml\n", "group_vars/web.yaml": "x: yaml\ny: yaml\n"})
case("prec-gv-json-file", "x={{ x }} n={{ n }} t={{ n|type_debug }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    web:\n      hosts:\n        h1:\n",
     host="h1", files={"group_vars/web.json": '{"x": "json", "n": 5}\n'})
case("prec-gv-noext-file", "x={{ x }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    web:\n      hosts:\n        h1:\n",
     host="h1", files={"group_vars/web": "x: noext\n"})
case("prec-gv-all-dir", "x={{ x }} y={{ y }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  hosts:\n    h1:\n",
     host="h1", files={"group_vars/all/main.yml": "x: main\ny: main\n", "group_vars/all/vault.yml": "y: vaultfile\n"})
case("prec-hv-dir", "x={{ x }} y={{ y }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  hosts:\n    h1:\n",
     host="h1", files={"host_vars/h1/a.yml": "x: a\ny: a\n", "host_vars/h1/b.yml": "y: b\n"})
case("prec-vault-over-hostvars", "x={{ x }}\n",
     vault="---\nx: vault\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  hosts:\n    h1:\n      x: inv\n",
     host="h1", files={"host_vars/h1.yml": "x: hv\n"})
case("prec-defaults-lowest", "x={{ x }} y={{ y }} z={{ z }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n    y: inv_all\n  hosts:\n    localhost:\n",
     defaults="x: default\ny: default\nz: default\n", vault="---\nz: vault\n")
case("prec-multi-groups-same-depth", "x={{ x }} group_names={{ group_names }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    mmm:\n      hosts:\n        h1:\n    bbb:\n      hosts:\n        h1:\n    kkk:\n      hosts:\n        h1:\n",
     host="h1", files={"group_vars/mmm.yml": "x: mmm\n", "group_vars/bbb.yml": "x: bbb\n", "group_vars/kkk.yml": "x: kkk\n"})
case("prec-group-names-sorted", "{{ group_names }}\n{{ group_names | to_json }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    Zulu:\n      hosts:\n        h1:\n    alpha:\n      hosts:\n        h1:\n    Beta:\n      children:\n        _x:\n          hosts:\n            h1:\n",
     host="h1")
case("prec-ungrouped-groupnames", "gn={{ group_names }} ungrouped={{ groups['ungrouped'] }} all={{ groups['all'] }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  hosts:\n    h1:\n    h2:\n  children:\n    g:\n      hosts:\n        h2:\n",
     host="h1")
case("prec-groups-order-children-before-hosts",
     "{% for g in ['all','parent','kid'] %}{{ g }}={{ groups[g] | join(',') }}\n{% endfor %}",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    parent:\n      children:\n        kid:\n          hosts:\n            k2:\n            k1:\n      hosts:\n        p2:\n        p1:\n  hosts:\n    top1:\n",
     host="top1")
case("prec-groups-keys-order", "{{ groups.keys() | list }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    zz:\n      hosts:\n        h1:\n    aa:\n      children:\n        mm:\n          hosts:\n            h2:\n    empty:\n",
     host="h1")
case("prec-groups-empty-group", "empty={{ groups['empty'] }} len={{ groups['empty']|length }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    empty:\n    g:\n      hosts:\n        h1:\n",
     host="h1")
case("prec-host-in-several-groups-hostvars",
     "{% for h in groups['all'] %}{{ h }}: {{ hostvars[h].role }} {{ hostvars[h].group_names }}\n{% endfor %}",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    web:\n      hosts:\n        h1:\n        h2:\n    db:\n      hosts:\n        h2:\n        h3:\n",
     host="h1", files={"group_vars/web.yml": "role: web\n", "group_vars/db.yml": "role: db\n"})
case("prec-hostvars-lazy-other-host",
     "{% for h in groups['all'] %}{{ hostvars[h].url }}\n{% endfor %}",
     inv="all:\n  vars:\n    ansible_connection: local\n    port: 80\n  hosts:\n    h1:\n      ansible_host: 10.0.0.1\n    h2:\n      ansible_host: 10.0.0.2\n      port: 8080\n",
     host="h1", files={"group_vars/all.yml": "url: \"http://{{ ansible_host }}:{{ port }}/{{ inventory_hostname }}\"\n"})
case("prec-hostvars-missing-ansible-host",
     "{% for h in groups['all'] %}{{ hostvars[h].ansible_host | default(h) }}\n{% endfor %}",
     inv="all:\n  vars:\n    ansible_connection: local\n  hosts:\n    h1:\n      ansible_host: 10.0.0.1\n    h2:\n",
     host="h1")
case("prec-hostvars-inventory-hostname-short",
     "{{ inventory_hostname }} {{ inventory_hostname_short }} {{ hostvars['db.example.com'].inventory_hostname_short }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  hosts:\n    web1.example.com:\n    db.example.com:\n",
     host="web1.example.com")
case("prec-yaml-host-with-port",
     "{% for h in groups['all'] %}{{ h }} port={{ hostvars[h].ansible_port | default('none') }}\n{% endfor %}",
     inv="all:\n  vars:\n    ansible_connection: local\n  hosts:\n    h1:\n    web1:2222:\n    web2:2200:\n      ansible_port: 3333\n",
     host="h1")
case("prec-ini-host-with-port",
     "{% for h in groups['all'] %}{{ h }} port={{ hostvars[h].ansible_port | default('none') }} {{ hostvars[h].ansible_port | default('') | type_debug }}\n{% endfor %}",
     inv="h1 ansible_connection=local\nweb1:2222\n[g]\nweb2:2200 ansible_port=3333\n", ini=True, host="h1")
case("prec-yaml-host-range",
     "{{ groups['web'] }}\n{{ groups['db'] }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    web:\n      hosts:\n        web[01:03].example.com:\n    db:\n      hosts:\n        db-[a:c]:\n        h[8:10]:\n",
     host="web01.example.com")
case("prec-ini-host-range",
     "{{ groups['web'] }}\n{{ groups['db'] }}\n{{ hostvars['web2'].p }}\n",
     inv="[all:vars]\nansible_connection=local\n[web]\nweb[1:3] p=9\n[db]\ndb[0:6:3]\nx[a:b]y\n", ini=True, host="web1")
case("prec-ini-children-before-group",
     "{{ groups['parent'] }} {{ groups['kid'] }} {{ x }} {{ group_names }}\n",
     inv="[all:vars]\nansible_connection=local\n[parent:children]\nkid\n\n[parent:vars]\nx=from_parent\n\n[kid]\nh1\nh2\n", ini=True, host="h1")
case("prec-ini-vs-yaml-same-host-var-int",
     "{{ port + 1 }} {{ port | type_debug }}\n",
     inv="h1 ansible_connection=local port=9100\n", ini=True, host="h1")
case("prec-ini-host-multiple-groups",
     "x={{ x }} gn={{ group_names }}\n",
     inv="[b]\nh1 ansible_connection=local\n[a]\nh1\n[a:vars]\nx=a\n[b:vars]\nx=b\n", ini=True, host="h1")
case("prec-ini-ungrouped",
     "ungrouped={{ groups['ungrouped'] }} all={{ groups['all'] }}\n",
     inv="h2 ansible_connection=local\nh1 ansible_connection=local\n[g]\nh3 ansible_connection=local\nh1\n", ini=True, host="h1")
case("prec-group-var-refs-host-var",
     "{{ msg }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    g:\n      vars:\n        msg: \"hello {{ who }}\"\n      hosts:\n        h1:\n          who: h1-host\n",
     host="h1")
case("prec-inventory-var-template-in-inventory",
     "{{ a }} {{ b }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n    a: \"{{ b }}-a\"\n  hosts:\n    h1:\n      b: \"{{ inventory_hostname }}\"\n",
     host="h1")
case("prec-hostvars-own-vault-visible",
     "{{ hostvars[inventory_hostname].sec }} {{ hostvars['h2'].sec | default('none') }}\n",
     vault="---\nsec: vaulted\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  hosts:\n    h1:\n    h2:\n", host="h1")
case("prec-hostvars-other-host-defaults",
     "{{ hostvars['h2'].d1 | default('undef') }} {{ d1 }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  hosts:\n    h1:\n    h2:\n", host="h1",
     defaults="d1: role_default\n")
case("prec-yaml-group-vars-dict-no-merge",
     "{{ cfg }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    g:\n      hosts:\n        h1:\n",
     host="h1", files={"group_vars/all.yml": "cfg:\n  a: 1\n  b: 2\n", "group_vars/g.yml": "cfg:\n  b: 3\n"})
case("prec-same-host-listed-twice-yaml",
     "{{ x }} {{ y }} {{ groups['all'] }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  hosts:\n    h1:\n      x: first\n      y: first\n  children:\n    g:\n      hosts:\n        h1:\n          x: second\n",
     host="h1")
case("prec-groups-parent-order",
     "{{ groups['p'] }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    p:\n      hosts:\n        z1:\n      children:\n        c2:\n          hosts:\n            b1:\n          children:\n            gc:\n              hosts:\n                a1:\n        c1:\n          hosts:\n            y1:\n            b1:\n",
     host="z1")
case("prec-host-with-dash-and-dot-vars",
     "{{ hostvars['web-1.a'].v }} {{ groups['my-group'] }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  children:\n    my-group:\n      hosts:\n        web-1.a:\n          v: dashed\n",
     host="web-1.a")
case("prec-magic-vars",
     "{{ inventory_hostname }} {{ groups['all'] | length }} {{ hostvars | length }}\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  hosts:\n    h1:\n    h2:\n    h3:\n", host="h2")

# ---------------------------------------------------------------- lazy templating
t("lazy-chain", "{{ a }}\n", "a: \"{{ b }}!\"\nb: \"{{ c }}-x\"\nc: \"{{ d | upper }}\"\nd: hi\n")
t("lazy-list-with-templates", "{{ l }}\n{{ l | join(',') }}\n{{ l[0] }}\n", "l:\n  - \"{{ a }}\"\n  - b\n  - \"{{ n }}\"\na: hi\nn: 5\n")
t("lazy-dict-with-templates", "{{ d }}\n{{ d.k }}\n", "d:\n  k: \"{{ a }}\"\n  n: \"{{ n + 1 }}\"\na: hi\nn: 5\n")
t("lazy-native-int", "{{ n + 1 }} {{ n | type_debug }}\n", "n: \"{{ 5 }}\"\n")
t("lazy-native-list", "{{ n }} {{ n | length }} {{ n | type_debug }}\n", "n: \"{{ [1, 2] }}\"\n")
t("lazy-native-dict-var", "{{ n }} {{ n.a }} {{ n | type_debug }}\n", "some_dict:\n  a: 1\n  b: [x]\nn: \"{{ some_dict }}\"\n")
t("lazy-native-quoted-number", "{{ n }} {{ n | type_debug }}\n", "n: \"{{ '5' }}\"\n")
t("lazy-native-two-nodes", "{{ n }} {{ n | type_debug }}\n", "n: \"{{ 1 }}{{ 2 }}\"\n")
t("lazy-native-leading-space", "[{{ n }}] {{ n | type_debug }}\n", "n: \" {{ 5 }}\"\n")
t("lazy-native-bool-none", "[{{ b }}] {{ b | type_debug }} [{{ z }}] {{ z | type_debug }}\n", "b: \"{{ true }}\"\nz: \"{{ none }}\"\n")
t("lazy-native-string-list-literal", "{{ n }} {{ n | type_debug }}\n", "n: \"[1, 2]\"\n")
t("lazy-native-float", "{{ f }} {{ f | type_debug }} {{ f * 2 }}\n", "f: \"{{ 1.5 }}\"\n")
t("lazy-native-arith", "{{ p }} {{ p * 2 }}\n", "base: 9000\np: \"{{ base + 1 }}\"\n")
t("lazy-undefined-unused", "ok {{ a }}\n", "a: fine\nbroken: \"{{ does_not_exist }}\"\n")
t("lazy-default-chain", "{{ nope | default(also_nope) | default('z') }}\n{{ nope | default(a) }}\n", "a: A\n")
t("lazy-default-of-var-with-undefined", "{{ x | default('fallback') }}\n", "x: \"{{ missing }}\"\n")
t("lazy-default-boolean", "[{{ e | default('d', true) }}] [{{ z | default('d', true) }}] [{{ f | default('d', boolean=true) }}] [{{ n | default('d', true) }}] [{{ n | default('d') }}] [{{ e | default('d') }}]\n",
  "e: ''\nz: 0\nf: false\nn: null\n")
t("lazy-if-in-var", "{{ x }}\n", "flag: true\nx: \"{% if flag %}on{% else %}off{% endif %}\"\n")
t("lazy-concat", "{{ a ~ b }} {{ a + b }} {{ n ~ 'x' }} {{ n ~ f }} {{ a ~ none }}\n", "a: foo\nb: bar\nn: 5\nf: 1.5\n")
t("lazy-unsafe", "{{ x }} {{ y }}\n", "x: !unsafe \"{{ not_templated }}\"\ny: \"{{ x }}\"\n")
t("lazy-nested-structure-to-yaml", "{{ cfg | to_nice_yaml }}", "host: db\ncfg:\n  jobs:\n    - name: \"{{ host }}\"\n      targets: [\"{{ host }}:9100\", \"{{ host }}:{{ port }}\"]\nport: 9187\n")
t("lazy-defaults-ref-inventory", "{{ url }}\n", None, defaults="url: \"http://{{ listen }}:{{ port }}\"\nport: 9090\n",
  files={"group_vars/all.yml": "listen: 0.0.0.0\n"})
t("lazy-template-in-key", "{{ d }}\n", "k: real\nd:\n  \"{{ k }}\": v\n")
t("lazy-var-referencing-list-elem", "{{ x }} {{ y }}\n", "l: [10, 20]\nx: \"{{ l[1] }}\"\ny: \"{{ l | sum }}\"\n")
t("lazy-whole-string-list-concat", "{{ x }} {{ x | type_debug }}\n", "a: [1]\nb: [2]\nx: \"{{ a + b }}\"\n")
t("lazy-string-with-json-literal", "{{ x }} {{ x | type_debug }}\n", "x: '{\"a\": 1}'\n")
t("lazy-var-from-filter-dict", "{{ x }} {{ x | type_debug }}\n", "d: {b: 2, a: 1}\nx: \"{{ d | dict2items }}\"\n")
t("lazy-int-string-plus", "{{ x }} {{ x | type_debug }}\n", "x: \"{{ '1' + '2' }}\"\n")
t("lazy-recursion-error", "{{ x }}\n", "x: \"{{ x }}\"\n")
t("lazy-undefined-used-error", "{{ x }}\n", "x: \"{{ missing }}\"\n")
t("lazy-undefined-attr-default", "{{ d.missing | default('dflt') }} {{ d.k.missing | default('d2') }}\n", "d:\n  k: {}\n")

case("vault-values-templated", "{{ a }}\n", vault="---\na: \"{{ b }}!\"\nb: hi\n")
case("vault-value-refs-inventory", "{{ pw }}\n", vault="---\npw: \"{{ base }}-suffix\"\n", files={"group_vars/all.yml": "base: from_inv\n"})
case("vault-inventory-refs-vault", "{{ api_key }}\n", vault="---\nvault_api_key: s3cr3t\n", files={"group_vars/all.yml": "api_key: \"{{ vault_api_key }}\"\n"})

# ---------------------------------------------------------------- printing / python semantics
t("print-scalars", "[{{ none }}] [{{ true }}] [{{ false }}] [{{ 1.0 }}] [{{ 0.1 + 0.2 }}] [{{ 1e20 }}] [{{ 1.5e-7 }}] [{{ -0.0 }}]\n")
t("print-collections", "{{ [none, true, 'a', 1.0, {'k': none}] }}\n{{ {'a': [1, 2], 'b': {'c': 'd'}} }}\n{{ [] }} {{ {} }}\n")
t("print-string-repr", "{{ ['it\\'s', 'a\"b', 'both\\'\"', 'C:\\\\temp', 'tab\\there', 'nl\\nx'] }}\n")
t("print-unicode-repr", "{{ l }}\n", "l: ['é', '日本', \"\\U0001F511\", \"\\x07\", \"\\u00a0\"]\n")
t("print-vault-types", "{{ v }}\n", "v:\n  i: 1\n  f: 1.50\n  b: yes\n  n: ~\n  s: '007'\n  d: 2024-01-02\n  o: 0o17\n  x: 0x1F\n  e: 1e3\n  inf: .inf\n")
t("print-tuple-and-range", "{{ (1, 2) }} {{ range(3) | list }} {{ (1,) }}\n")
t("print-dict-keys", "{{ d.keys() }}|{{ d.values() }}|{{ d.items() }}\n", "d: {a: 1, b: 2}\n")
t("print-big-ints", "{{ 2 ** 64 }} {{ 10 ** 20 }} {{ -2 ** 63 }} {{ 2 ** -1 }}\n")
t("print-float-formats", "{{ 1/3 }} {{ 2/3 }} {{ 10/2 }} {{ 1e16 }} {{ 1e15 }} {{ 123456789.0 * 10**10 }} {{ 0.000123 }} {{ 1e-5 }} {{ 3.0e0 }}\n")
t("print-none-in-string-concat", "{{ 'x' ~ none ~ 'y' }} {{ none | string }} {{ [none] | join('-') }}\n")
t("print-whole-template-list-no-newline", "{{ [1, 'a'] }}")
t("print-whole-template-int-no-newline", "{{ 5 }}")
t("print-whole-template-none-no-newline", "{{ none }}")
t("print-whole-template-dict-var", "{{ d }}", "d: {a: 1}\n")

# ---------------------------------------------------------------- math
t("math-basic", "{{ 7 / 2 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 2 ** 10 }} {{ 2 ** 0.5 }} {{ 3 * 'ab' }} {{ 'ab' * 3 }}\n")
t("math-float-int-mix", "{{ 1 + 1.0 }} {{ 3 - 1.5 }} {{ 4 * 0.5 }} {{ 1 // 0.3 }} {{ 5.5 % 2 }} {{ -5.5 % 2 }}\n")
t("math-round", "{{ 2.5 | round }} {{ 3.5 | round }} {{ 2.675 | round(2) }} {{ 2.5 | round(0, 'floor') }} {{ 2.1 | round(0, 'ceil') }} {{ 7 | round }} {{ 1234.5678 | round(-2) }}\n")
t("math-abs-int-conv", "{{ -3 | abs }} {{ -3.5 | abs }} {{ 3.9 | int }} {{ -3.9 | int }} {{ '0x1A' | int(base=16) }} {{ '012' | int }} {{ '4.7' | int }} {{ 'abc' | int }} {{ 'abc' | int(7) }} {{ ' 42 ' | int }}\n")
t("math-float-conv", "{{ '3' | float }} {{ 'abc' | float }} {{ '1e3' | float }} {{ 5 | float }} {{ '  2.5 ' | float }} {{ 'inf' | float }} {{ 'nan' | float }}\n")
t("math-compare-mixed", "{{ 1 == 1.0 }} {{ '1' == 1 }} {{ 2 > 1.5 }} {{ 'a' < 'b' }} {{ [1,2] == [1,2] }} {{ true == 1 }}\n")
t("math-sum-min-max", "{{ l | sum }} {{ l | min }} {{ l | max }} {{ f | sum }} {{ s | min }} {{ s | max }} {{ d | sum(attribute='v') }} {{ d | max(attribute='v') }}\n",
  "l: [3, 1, 2]\nf: [0.1, 0.2]\ns: ['b', 'A', 'c']\nd: [{v: 1}, {v: 5}, {v: 3}]\n")
t("math-ansible-math", "{{ 8 | log(2) }} {{ 100 | log10 }} {{ 2 | pow(10) }} {{ 27 | root(3) }} {{ 16 | root }}\n")

# ---------------------------------------------------------------- string ops / formatting
t("str-percent-format", "{{ '%05.2f' % 3.14159 }}|{{ '%-5s|' % 'ab' }}|{{ '%x' % 255 }}|{{ '%r' % 'a' }}|{{ '%s' % [1, 'a'] }}|{{ '%d%%' % 50 }}|{{ '%s-%s' % ('a', 2) }}|{{ '%(k)s' % d }}\n", "d: {k: v}\n")
t("str-format-method", "{{ '{}-{}'.format('a', 2) }} {{ '{0:>5}'.format('x') }} {{ '{k}'.format(k=1) }} {{ '%s' | format('z') }} {{ '%s=%d' | format('a', 3) }}\n")
t("str-methods-split", "{{ s.split() }} {{ s.split(',') }} {{ s.split(',', 1) }} {{ 'a b  c'.split(' ') }} {{ s.rsplit(',', 1) }} {{ 'a\\nb'.splitlines() }}\n", "s: 'x,y, z'\n")
t("str-methods-case", "{{ s.upper() }}|{{ s.lower() }}|{{ s.title() }}|{{ s.capitalize() }}|{{ s.swapcase() }}|{{ s | title }}|{{ s | capitalize }}\n", "s: \"hELLo wORLD it's o'neil 3rd\"\n")
t("str-methods-strip", "[{{ s.strip() }}] [{{ s.lstrip() }}] [{{ s.rstrip() }}] [{{ 'xxaxx'.strip('x') }}] [{{ s | trim }}] [{{ 'xxaxx' | trim('x') }}]\n", "s: '  pad  '\n")
t("str-methods-misc", "{{ s.startswith('ab') }} {{ s.endswith('z') }} {{ s.replace('b', 'B') }} {{ s.replace('b', 'B', 1) }} {{ s.find('c') }} {{ s.count('b') }} {{ s.zfill(8) }} {{ '5'.isdigit() }} {{ s.center(9, '*') }} {{ '-'.join(['a', 'b']) }} {{ s.startswith(('x', 'a')) }}\n", "s: abcb\n")
t("str-replace-filter", "{{ s | replace('a', 'X') }} {{ s | replace('a', 'X', 1) }} {{ s | replace('', '-') }}\n", "s: banana\n")
t("str-slicing", "{{ s[1:3] }} {{ s[-2:] }} {{ s[::-1] }} {{ s[::2] }} {{ l[1:] }} {{ l[-1] }} {{ l[:-1] }}\n", "s: abcdef\nl: [1, 2, 3]\n")
t("str-tilde-types", "{{ 1 ~ 2 }} {{ 1.5 ~ '' }} {{ true ~ '' }} {{ [1] ~ '' }} {{ {'a': 1} ~ '' }}\n")
t("str-in-operator", "{{ 'a' in 'cat' }} {{ 2 in [1, 2] }} {{ 'k' in d }} {{ 'v' in d }} {{ 'x' not in l }} {{ 1 in d.values() | list }}\n", "d: {k: 1}\nl: [a]\n")
t("str-inline-if", "[{{ 'a' if x else 'b' }}] [{{ 'a' if not x }}] [{{ 'yes' if l }}] [{{ 'y' if 0 else 'n' }}]\n", "x: true\nl: []\n")
t("str-truncate-wordwrap", "{{ s | truncate(10) }}|{{ s | truncate(10, true) }}|{{ s | truncate(10, false, '..') }}|{{ s | wordcount }}\n{{ s | wordwrap(12) }}\n", "s: 'the quick brown fox jumps over'\n")
t("str-center-filesize", "[{{ 'ab' | center(7) }}] {{ 1000 | filesizeformat }} {{ 1024 | filesizeformat(true) }} {{ 123456789 | filesizeformat }}\n")
t("str-urlencode", "{{ 'a b&c=d/é' | urlencode }} {{ {'a': 'b c', 'd': 1} | urlencode }}\n")
t("str-escape", "{{ '<a href=\"x\">&\\'</a>' | e }} {{ '<x>' | escape }} {{ '<b>' | striptags }}\n")
t("str-length-unicode", "{{ s | length }} {{ s | upper }} {{ s | reverse }} {{ s | list }}\n", "s: 'héllo'\n")
t("str-string-filter", "{{ 5 | string }} {{ [1, 'a'] | string }} {{ none | string }} {{ true | string }} {{ 1.0 | string }}\n")
t("str-first-last", "{{ s | first }} {{ s | last }} {{ l | first }} {{ l | last }} {{ l | length }} {{ d | length }} {{ s | count }}\n", "s: abc\nl: [1, 2, 3]\nd: {a: 1}\n")

# ---------------------------------------------------------------- to_nice_yaml / to_yaml
t("yaml-nice-nested", "{{ d | to_nice_yaml }}", "d:\n  b: [1, 2, {x: y, a: [3]}]\n  a: {k: v, e: []}\n  c: []\n  z: {}\n")
t("yaml-nice-indent2", "{{ d | to_nice_yaml(indent=2) }}", "d:\n  list: [a, b]\n  map: {k: [1, {n: m}]}\n")
t("yaml-nice-sort-false", "{{ d | to_nice_yaml(sort_keys=false) }}", "d:\n  zeta: 1\n  alpha: 2\n  mid: {z: 1, a: 2}\n")
t("yaml-nice-long-string-wrap", "{{ d | to_nice_yaml }}", "d:\n  long: 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'\n  longnospace: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'\n")
t("yaml-nice-width", "{{ d | to_nice_yaml(width=1000) }}{{ d | to_nice_yaml(width=20) }}", "d:\n  long: 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore'\n")
t("yaml-nice-empty", "{{ {} | to_nice_yaml }}|{{ [] | to_nice_yaml }}|{{ d | to_nice_yaml }}", "d: {a: {}, b: [], c: '', n: null}\n")
t("yaml-nice-quoting-keywords", "{{ l | to_nice_yaml }}", "l: ['yes', 'no', 'on', 'off', 'y', 'n', 'true', 'True', 'null', 'NULL', '~', '', 'Yes', 'nO']\n")
t("yaml-nice-quoting-numbers", "{{ l | to_nice_yaml }}", "l: ['123', '1.5', '0x1F', '1e3', '1_000', '0o17', '.inf', '.5', '+1', '12:30', '0b101', '007', '1.0e+3', '-1', '2024-01-01', '1:2:3']\n")
t("yaml-nice-quoting-indicators", "{{ l | to_nice_yaml }}", "l: ['-', ':', '@x', '`x', '%x', '!x', '&x', '*x', '? x', 'a: b', 'a #b', '#x', ' x', 'x ', '---', '...', '[x', ']x', '{x', '}x', ',x', 'x,y', '|x', '>x', \"'x\", '\"x', 'a:b', 'a#b', '-x', '- x', 'x:']\n")
t("yaml-nice-multiline", "{{ l | to_nice_yaml }}", "l: [\"a\\nb\", \"a\\n\", \"\\nlead\", \"trail  \", \"tab\\there\", \"a\\n\\nb\", \"cr\\r\\nx\"]\n")
t("yaml-nice-unicode", "{{ l | to_nice_yaml }}", "l: ['é', '日本語', \"\\U0001F511 key\", \"bell\\x07\", \"nb\\u00a0sp\", \"ls\\u2028x\", \"\\ufeffbom\", \"del\\x7f\", \"\\x85nel\"]\n")
t("yaml-nice-scalars", "{{ 5 | to_nice_yaml }}|{{ 'abc' | to_nice_yaml }}|{{ none | to_nice_yaml }}|{{ true | to_nice_yaml }}|{{ 1.5 | to_nice_yaml }}|{{ 'multi\nline' | to_nice_yaml }}")
t("yaml-nice-types", "{{ d | to_nice_yaml }}", "d:\n  i: 1\n  f: 1.0\n  big: 100000000000000000000\n  small: 0.000001\n  neg: -5\n  b: true\n  n: null\n  date: 2024-01-02\n  inf: .inf\n  nan: .nan\n  e: 1e3\n")
t("yaml-nice-nested-lists", "{{ d | to_nice_yaml }}", "d: [[1, 2], [], [[a]], {k: [[x]]}]\n")
t("yaml-nice-key-quoting", "{{ d | to_nice_yaml }}", "d: {'yes': 1, '1': 2, 'a b': 3, 'a: b': 4, '': 5, 'null': 6, 1: 7, true: 8}\n")
t("yaml-nice-anchors-shared", "{{ d | to_nice_yaml }}", "shared: &s {a: 1}\nd: {x: *s, y: *s}\n")
t("yaml-nice-long-key", "{{ d | to_nice_yaml }}", "d:\n  " + "k" * 130 + ": v\n")
t("yaml-nice-fqcn", "{{ d | ansible.builtin.to_nice_yaml }}{{ d | ansible.builtin.to_json }}\n", "d: {a: [1]}\n")
t("yaml-nice-in-indent", "cfg:\n  {{ d | to_nice_yaml(indent=2) | indent(2) }}\n", "d: {a: 1, b: [x, y], c: {d: e}}\n")
t("yaml-flow-nested", "{{ d | to_yaml }}", "d:\n  b: [1, 2, {x: y}]\n  a: {k: v, e: []}\n  s: 'yes'\n")
t("yaml-flow-long-wrap", "{{ l | to_yaml }}", "l: [" + ", ".join(f"item-number-{i}" for i in range(12)) + "]\n")
t("yaml-flow-scalars", "{{ 'abc' | to_yaml }}|{{ 5 | to_yaml }}|{{ '' | to_yaml }}|{{ 'a: b' | to_yaml }}")
t("yaml-flow-indent-style", "{{ d | to_yaml(indent=4, default_flow_style=false) }}", "d: {a: [1, {b: 2}], c: x}\n")
t("yaml-flow-unicode-quoting", "{{ l | to_yaml }}", "l: ['é', \"\\U0001F511\", 'yes', '123', 'a\\nb', \"it's\"]\n")
t("yaml-from-yaml-roundtrip", "{{ (s | from_yaml).a }} {{ s | from_yaml }} {{ '[1, 2]' | from_yaml | sum }} {{ '{\"a\": 1}' | from_json }}\n", "s: \"a: 1\\nb: [x, 'yes']\\nc: yes\\n\"\n")

# ---------------------------------------------------------------- JSON
t("json-basic", "{{ d | to_json }}\n", "d: {b: 1, a: [1, 2.5, null, true], c: {d: \"e\"}}\n")
t("json-unicode-escape", "{{ l | to_json }}\n{{ l | to_json(ensure_ascii=false) }}\n", "l: ['é', \"\\U0001F511\", \"tab\\t\", \"nl\\n\", \"q\\\"\", \"bs\\\\\", '</script>', \"\\x07\"]\n")
t("json-nice", "{{ d | to_nice_json }}\n", "d: {b: 1, a: [1, {z: 2, y: []}], c: {}, e: 'é'}\n")
t("json-nice-indent2", "{{ d | to_nice_json(indent=2) }}\n", "d: {b: [1], a: {}}\n")
t("json-options", "{{ d | to_json(indent=2) }}\n{{ d | to_json(sort_keys=true) }}\n{{ d | to_json(separators=[',', ':']) }}\n", "d: {b: 1, a: [1, 2]}\n")
t("json-floats", "{{ l | to_json }}\n", "l: [1.0, 0.1, 1e20, 1.5e-7, 100.0, -0.0, 3.14159265358979]\n")
t("json-scalars", "{{ 'a' | to_json }} {{ 5 | to_json }} {{ none | to_json }} {{ true | to_json }} {{ '' | to_json }}\n")
t("json-jinja-tojson", "{{ d | tojson }}\n", "d: {b: \"<&'>\", a: 1}\n")
t("json-date-value", "{{ d | to_json }}\n", "d: {day: 2024-01-02}\n")
t("json-nice-unicode", "{{ d | to_nice_json }}\n", "d: {k: \"日本\", e: \"\\U0001F511\"}\n")

# ---------------------------------------------------------------- combine etc
t("combine-shallow", "{{ a | combine(b) }}\n{{ a | combine(b, c) }}\n{{ [a, b] | combine }}\n", "a: {x: 1, n: {p: 1, q: 2}}\nb: {y: 2, n: {q: 3}}\nc: {x: 9}\n")
t("combine-recursive", "{{ a | combine(b, recursive=true) }}\n", "a: {x: 1, n: {p: 1, q: {r: 1}}, l: [1]}\nb: {n: {q: {s: 2}, t: 3}, l: [2]}\n")
t("combine-list-merge", "{% for m in ['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'] %}{{ m }}: {{ a | combine(b, list_merge=m) }}\n{% endfor %}", "a: {l: [1, 2, 3]}\nb: {l: [3, 4, 1]}\n")
t("combine-list-merge-recursive", "{{ a | combine(b, recursive=true, list_merge='append_rp') }}\n", "a: {n: {l: [1, 2], m: {k: [a]}}}\nb: {n: {l: [2, 3], m: {k: [b]}}}\n")
t("combine-none-values", "{{ a | combine(b) }} {{ a | combine(b, recursive=true) }}\n", "a: {x: {y: 1}, z: 1}\nb: {x: null, z: null}\n")
t("dict2items", "{{ d | dict2items }}\n{{ d | dict2items(key_name='k', value_name='v') }}\n", "d: {b: 1, a: [2]}\n")
t("items2dict", "{{ l | items2dict }} {{ l2 | items2dict(key_name='name', value_name='val') }}\n", "l: [{key: a, value: 1}, {key: b, value: 2}]\nl2: [{name: x, val: y}]\n")
t("flatten", "{{ l | flatten }} {{ l | flatten(levels=1) }} {{ l | flatten(1) }} {{ n | flatten }}\n", "l: [1, [2, [3, [4]]], [], 'ab']\nn: [1, null, [null, 2]]\n")
t("unique", "{{ l | unique }} {{ l | unique(case_sensitive=false) }} {{ m | unique }}\n", "l: [a, A, b, a, B]\nm: [1, 1.0, '1', true]\n")
t("unique-dicts", "{{ l | unique }}\n", "l: [{a: 1}, {a: 1}, {a: 2}]\n")
t("set-ops", "{{ a | difference(b) }} {{ a | intersect(b) }} {{ a | union(b) }} {{ a | symmetric_difference(b) }}\n", "a: [3, 1, 2, 2]\nb: [2, 4, 3]\n")
t("join-variants", "{{ l | join }} {{ l | join(', ') }} {{ n | join('-') }} {{ d | join(',', attribute='k') }} {{ s | join('.') }}\n", "l: [a, b]\nn: [1, 2.5, true, null]\nd: [{k: x}, {k: y}]\ns: abc\n")
t("map-filters", "{{ l | map('upper') | list }} {{ d | map(attribute='k') | list }} {{ n | map('int') | list }} {{ n | map('string') | list }} {{ d | map(attribute='z', default='D') | list }} {{ l | map('regex_replace', '^', '-') | list }}\n",
  "l: [a, b]\nd: [{k: x}, {k: y}]\nn: ['1', '2']\n")
t("map-generator-print", "{{ l | map('upper') }}|{{ l | select }}\n", "l: [a, b]\n")
t("select-reject", "{{ n | select('odd') | list }} {{ n | reject('odd') | list }} {{ s | select('match', '^a') | list }} {{ s | select('search', 'b') | list }} {{ m | select | list }} {{ n | select('gt', 2) | list }} {{ n | select('in', [1, 4]) | list }}\n",
  "n: [1, 2, 3, 4]\ns: [abc, bcd, xab]\nm: [0, '', a, null, 1, []]\n")
t("selectattr", "{{ d | selectattr('on') | map(attribute='n') | list }} {{ d | selectattr('v', 'equalto', 2) | map(attribute='n') | list }} {{ d | rejectattr('on') | map(attribute='n') | list }} {{ d | selectattr('v', '>=', 2) | map(attribute='n') | list }} {{ d | selectattr('x', 'defined') | map(attribute='n') | list }}\n",
  "d: [{n: a, on: true, v: 1}, {n: b, on: false, v: 2, x: 1}, {n: c, v: 3}]\n")
t("sort-variants", "{{ n | sort }} {{ s | sort }} {{ s | sort(case_sensitive=true) }} {{ s | sort(reverse=true) }} {{ d | sort(attribute='v') | map(attribute='n') | list }} {{ f | sort }}\n",
  "n: [3, 1, 2]\ns: [b, A, a, C]\nd: [{n: x, v: 2}, {n: y, v: 1}]\nf: [1.5, 1, 0.5]\n")
t("sort-multi-attr", "{{ d | sort(attribute='a,b') | map(attribute='n') | list }}\n", "d: [{n: 1, a: 2, b: 1}, {n: 2, a: 1, b: 2}, {n: 3, a: 1, b: 1}]\n")
t("dictsort", "{{ d | dictsort }}\n{{ d | dictsort(by='value') }}\n{{ d | dictsort(reverse=true) }}\n{{ d | dictsort(true) }}\n", "d: {b: 2, A: 3, a: 1}\n")
t("min-max-strings", "{{ s | min }} {{ s | max }} {{ s | min(case_sensitive=true) }} {{ s | max(case_sensitive=true) }}\n", "s: [b, A, c, B]\n")
t("groupby", "{% for g in d | groupby('t') %}{{ g.grouper }}={{ g.list | map(attribute='n') | list }};{% endfor %}\n{{ d | groupby('t') }}\n", "d: [{t: y, n: 1}, {t: x, n: 2}, {t: y, n: 3}]\n")
t("batch-slice", "{{ l | batch(2) | list }} {{ l | batch(2, 'z') | list }} {{ l | slice(2) | list }}\n", "l: [1, 2, 3]\n")
t("list-methods", "{{ l.index(2) }} {{ l.count(1) }} {{ l + [4] }} {{ l * 2 }} {{ l | reverse | list }} {{ l | list }} {{ d | list }}\n", "l: [1, 2, 1]\nd: {b: 1, a: 2}\n")
t("dict-methods", "{{ d.items() | list }} {{ d.keys() | list }} {{ d.values() | list }} {{ d.get('a') }} {{ d.get('z', 'dflt') }} [{{ d.get('z') }}] {{ d['a'] }} {{ d.a }}\n", "d: {b: 1, a: 2}\n")
t("zip-product-subelements", "{{ a | zip(b) | list }} {{ a | product(b) | list }} {{ s | subelements('l') | map('last') | list }}\n", "a: [1, 2]\nb: [x, y]\ns: [{n: 1, l: [a, b]}]\n")
t("extract", "{{ [0, 2] | map('extract', l) | list }} {{ ['a'] | map('extract', d) | list }}\n", "l: [x, y, z]\nd: {a: 1}\n")
t("mutation-append-sandbox", "{% set l = [1] %}{{ l.append(2) }}{{ l }}\n")

# ---------------------------------------------------------------- regex
t("regex-replace", "{{ s | regex_replace('(\\\\w+)@(\\\\w+)', '\\\\2 at \\\\1') }}|{{ s | regex_replace('(?P<u>\\\\w+)@', '\\\\g<u>#') }}|{{ s | regex_replace('O', '0', ignorecase=true) }}|{{ 'a\\nb' | regex_replace('^', '> ', multiline=true) }}|{{ s | regex_replace('o', '0', count=1) }}\n", "s: 'foo@bar.com foo'\n")
t("regex-replace-special", "{{ s | regex_replace('\\\\.', '\\\\\\\\.') }}|{{ s | regex_replace('$', '!') }}|{{ s | regex_replace('x*', '-') }}\n", "s: 'a.b'\n")
t("regex-search", "[{{ s | regex_search('\\\\d+') }}] [{{ s | regex_search('(\\\\w+)=(\\\\d+)', '\\\\2', '\\\\1') }}] [{{ s | regex_search('zzz') }}] [{{ s | regex_search('PORT', ignorecase=true) }}] [{{ s | regex_search('(?P<k>\\\\w+)=', '\\\\g<k>') }}]\n", "s: 'port=9100 host=a'\n")
t("regex-findall", "{{ s | regex_findall('\\\\d+') }} {{ s | regex_findall('(\\\\w)=(\\\\d)') }} {{ s | regex_findall('A', ignorecase=true) }}\n", "s: 'a=1 b=2 c=3'\n")
t("regex-escape-tests", "{{ 'a.b*c' | regex_escape }} {{ 'abc' is match('b') }} {{ 'abc' is search('b') }} {{ 'abc' is regex('^a') }} {{ 'ABC' is match('a', ignorecase=true) }}\n")

# ---------------------------------------------------------------- misc filters
t("b64", "{{ 'héllo' | b64encode }} {{ 'aGk=' | b64decode }} {{ '' | b64encode }} {{ 'w6k=' | b64decode }} {{ 'user:pa:ss' | b64encode }}\n")
t("quote", "{{ \"it's\" | quote }} [{{ '' | quote }}] {{ 'plain' | quote }} {{ 'a b' | quote }} {{ 'a$b' | quote }} {{ 5 | quote }}\n")
t("bool-filter", "{{ 'yes' | bool }} {{ 'on' | bool }} {{ '1' | bool }} {{ 'no' | bool }} {{ 'foo' | bool }} {{ 1 | bool }} {{ 0 | bool }} {{ 'True' | bool }} {{ 'y' | bool }} {{ 't' | bool }} {{ 2 | bool }} {{ 1.0 | bool }}\n")
t("bool-none", "{{ none | bool }}\n")
t("ternary", "{{ true | ternary('a', 'b') }} {{ false | ternary('a', 'b') }} {{ none | ternary('a', 'b', 'n') }} {{ 'x' | ternary(1, 2) }} {{ '' | ternary(1, 2) }}\n")
t("mandatory-ok", "{{ x | mandatory }} {{ x | mandatory('msg') }}\n", "x: present\n")
t("mandatory-missing", "{{ y | mandatory }}\n")
t("indent-variants", "[{{ s | indent }}]\n[{{ s | indent(2) }}]\n[{{ s | indent(2, true) }}]\n[{{ s | indent(2, first=true, blank=true) }}]\n[{{ s | indent('>>') }}]\n", "s: \"a\\n\\nb\\n\"\n")
t("comment-default", "{{ 'one\ntwo' | comment }}")
t("comment-styles", "{{ 'x' | comment('erlang') }}{{ 'x' | comment('c') }}{{ 'x' | comment('cblock') }}{{ 'x' | comment('xml') }}{{ 'x' | comment('plain') }}")
t("comment-custom", "{{ 'a\nb' | comment(decoration='! ', prefix='<<', postfix='>>', prefix_count=2, postfix_count=0) }}{{ 'x' | comment('c', decoration='-- ') }}{{ 'y' | comment(beginning='/*', end='*/', decoration=' * ') }}")
t("type-debug", "{{ d | type_debug }} {{ l | type_debug }} {{ s | type_debug }} {{ i | type_debug }} {{ f | type_debug }} {{ b | type_debug }} {{ n | type_debug }} {{ 'lit' | type_debug }} {{ 1 | type_debug }} {{ none | type_debug }} {{ dt | type_debug }}\n",
  "d: {}\nl: []\ns: x\ni: 1\nf: 1.5\nb: true\nn: null\ndt: 2024-01-01\n")
t("version-test", "{{ '1.2.3' is version('1.2.0', '>') }} {{ '2.0' is version('10.0', 'lt') }} {{ '1.0' is version('1.0.0', '==') }} {{ '1.0' is version('1.0.0', 'eq', strict=true) }} {{ '2.10' is version('2.9', 'ge') }} {{ '1.0.0-rc1' is version('1.0.0', '<', version_type='semver') }} {{ 'v1.2' is version('1.1', '>') }}\n")
t("version-loose-alpha", "{{ '1.2a' is version('1.2', '>') }} {{ '1.2.post1' is version('1.2', '>') }} {{ '2.0' is version('2.0.0', '!=') }} {{ '3.1' is version_compare('3.0', '>') }}\n")
t("password-hash-bcrypt", "{{ 'secret' | password_hash('bcrypt', salt='abcdefghijklmnopqrstuv') }}\n{{ 'secret' | password_hash('bcrypt', salt='abcdefghijklmnopqrstuv', rounds=10) }}\n{{ 'secret' | password_hash('bcrypt', salt='abcdefghijklmnopqrstu1', ident='2y') }}\n")
t("password-hash-sha512", "{{ 'secret' | password_hash('sha512', salt='saltsalt') }}\n{{ 'secret' | password_hash('sha512', 'abc', rounds=5000) }}\n{{ 'secret' | password_hash('sha256', salt='saltsalt') }}\n")
t("hash-filters", "{{ 'abc' | hash('sha1') }} {{ 'abc' | hash('md5') }} {{ 'abc' | hash('sha256') }} {{ 'abc' | checksum }} {{ 'abc' | md5 }} {{ 'abc' | sha1 }} {{ 'é' | hash('sha1') }}\n")
t("shuffle-random-seed", "{{ l | shuffle(seed='x') }} {{ l | random(seed='x') }} {{ 100 | random(seed='x') }} {{ 100 | random(seed=inventory_hostname) }} {{ l | shuffle(seed=5) }} {{ 10 | random(start=5, step=2, seed='k') }}\n", "l: [1, 2, 3, 4, 5, 6, 7, 8]\n")
t("path-filters", "{{ p | basename }} {{ p | dirname }} {{ p | splitext }} {{ 'a' | path_join('b') }} {{ ['a', '/b', 'c'] | path_join }} {{ 'C:\\\\x\\\\y.txt' | win_basename }}\n", "p: /etc/prom/conf.yml\n")
t("urlsplit", "{{ u | urlsplit('hostname') }} {{ u | urlsplit('port') }} {{ u | urlsplit('path') }} {{ u | urlsplit('query') }} {{ (u | urlsplit).scheme }}\n", "u: 'https://user:pw@Example.com:8443/a/b?x=1#f'\n")
t("to-uuid-human", "{{ 'abc' | to_uuid }} {{ 1048576 | human_readable }} {{ '1K' | human_to_bytes }} {{ 1500 | human_readable(unit='K') }}\n")
t("split-filter", "{{ 'a,b,,c' | split(',') }} {{ 'a b  c' | split }} {{ 'a.b.c' | split('.', 1) }}\n")
t("strftime-fixed", "{{ '%Y-%m-%d %H:%M:%S' | strftime(0) }} {{ '%Y' | strftime(1700000000, utc=true) }}\n")
t("list-literal-filters", "{{ [3, 1] | sort | first }} {{ {'b': 1, 'a': 2} | dictsort | first }} {{ 'abc' | list | reverse | join }}\n")

# ---------------------------------------------------------------- tests
t("tests-basic", "{{ x is defined }} {{ y is defined }} {{ y is undefined }} {{ n is none }} {{ s is string }} {{ i is number }} {{ d is mapping }} {{ l is iterable }} {{ s is iterable }} {{ l is sequence }} {{ d is sequence }} {{ i is integer }} {{ f is float }} {{ b is boolean }}\n",
  "x: 1\nn: null\ns: str\ni: 1\nf: 1.5\nd: {}\nl: []\nb: false\n")
t("tests-more", "{{ 4 is divisibleby 2 }} {{ 3 is odd }} {{ 4 is even }} {{ 'a' is in ['a'] }} {{ [1] is subset([1, 2]) }} {{ [1, 2] is superset([1]) }} {{ [1, 2] is contains(2) }} {{ 'x' is lower }} {{ 'X' is upper }} {{ l is sameas l }} {{ 1 is eq 1 }} {{ 2 is gt 1 }} {{ '' is truthy }} {{ 0 is falsy }}\n",
  "l: [1]\n")
t("tests-all-any", "{{ [true, 1] is all }} {{ [0, ''] is any }} {{ l | select('defined') | list }}\n", "l: [1, 2]\n")

# ---------------------------------------------------------------- jinja syntax
t("loop-vars", "{% for x in l %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }}/{{ loop.cycle('a', 'b') }}\n{% endfor %}", "l: [x, y, z]\n")
t("loop-prev-next-changed", "{% for x in l %}{{ loop.previtem | default('-') }}>{{ x }}>{{ loop.nextitem | default('-') }} {{ loop.changed(x) }}\n{% endfor %}", "l: [a, a, b]\n")
t("loop-else-filter", "{% for x in [] %}x{% else %}empty{% endfor %}\n{% for x in l if x > 1 %}{{ x }}{{ ',' if not loop.last }}{% endfor %}\n", "l: [1, 2, 3]\n")
t("loop-dict-items", "{% for k, v in d.items() %}{{ k }}={{ v }}\n{% endfor %}{% for k in d %}{{ k }};{% endfor %}\n", "d: {b: 1, a: 2, c: 3}\n")
t("loop-recursive", "{% for n in tree recursive %}{{ n.name }}{% if n.kids %}({{ loop(n.kids) }}){% endif %}{{ loop.depth }} {% endfor %}\n", "tree: [{name: a, kids: [{name: b, kids: []}, {name: c}]}, {name: d}]\n")
t("loop-nested-scope", "{% set c = 0 %}{% for x in [1, 2] %}{% set c = c + x %}{{ c }}{% endfor %} after={{ c }}\n{% set ns = namespace(c=0) %}{% for x in [1, 2] %}{% set ns.c = ns.c + x %}{% endfor %}ns={{ ns.c }}\n")
t("loop-break-continue", "{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x > 4 %}{% break %}{% endif %}{{ x }}{% endfor %}\n")
t("loop-string-and-dict-iter", "{% for c in 'ab' %}{{ c }}-{% endfor %}\n{% for k in {'z': 1, 'a': 2} %}{{ k }}{% endfor %}\n")
t("set-block", "{% set x %}multi\nline {{ 1 + 1 }}{% endset %}[{{ x }}]\n{% set a, b = 1, 2 %}{{ a }}{{ b }}\n{% set y | upper %}shout{% endset %}{{ y }}\n")
t("macro-basic", "{% macro f(a, b='dflt') %}[{{ a }}|{{ b }}|{{ varargs }}|{{ kwargs }}]{% endmacro %}{{ f(1) }}{{ f(1, 2) }}{{ f(1, b=3) }}{{ f(1, 2, 3, k=4) }}\n")
t("macro-caller", "{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}{% call wrap('b') %}inside {{ 1 }}{% endcall %}\n{% macro m() %}x{% endmacro %}{{ m() | upper }} {{ m | type_debug }}\n")
t("macro-whitespace", "{% macro item(n) %}\n  - {{ n }}\n{% endmacro %}\nlist:\n{% for n in [1, 2] %}\n{{ item(n) }}\n{% endfor %}\nend\n")
t("raw-block", "{% raw %}{{ not }} {% if %}{% endraw %}\n{% raw -%}  x  {%- endraw %}|\n")
t("whitespace-minus", "a  {{- 1 -}}  b\n{%- if true %}\nc\n{%- endif %}\nd {# comment #} e\n  {#- c2 -#}  f\n")
t("whitespace-plus-lstrip", "#jinja2: lstrip_blocks: True\n  {% if true %}\n  a\n  {%+ if true %}b{% endif %}\n  {% endif %}\nend\n")
t("whitespace-trim-blocks-default", "x\n{% if true %}\ny\n{% endif %}\n  {% if true %}\nz\n  {% endif %}\n{% for i in [1,2] %}\n{{ i }}\n{% endfor %}\nend\n")
t("jinja2-header-trim-false", "#jinja2: trim_blocks: False\n{% if true %}\ny\n{% endif %}\nend\n")
t("jinja2-header-delimiters", "#jinja2: variable_start_string: '[%', variable_end_string: '%]'\n[% x %] {{ x }}\n", "x: 1\n")
t("jinja2-header-keep-newline", "#jinja2: keep_trailing_newline: True\nx\n\n")
t("jinja2-header-not-first-line", "\n#jinja2: trim_blocks: False\n{% if true %}\ny\n{% endif %}\n")
t("trailing-newlines", "x\n\n\n")
t("no-trailing-newline", "x{% if true %}\n{% endif %}")
t("crlf-template", "a\r\n{% if true %}\r\nb\r\n{% endif %}\r\nc\r\n")
t("comment-block-trim", "a\n{# comment #}\nb\n{#- c -#}\nc\n")
t("filter-block", "{% filter upper %}abc {{ x }}{% endfilter %}\n{% with y = 5 %}{{ y }}{% endwith %}\n", "x: q\n")
t("expr-literals", "{{ {'a': 1}['a'] }} {{ [1, 2][0] }} {{ 'abc'[0] }} {{ none is none }} {{ True }} {{ None }} {{ false or 'x' }} {{ 0 and 1 }} {{ '' or none }} {{ not 0 }}\n")
t("expr-attr-vs-item", "{{ d.items }} {{ d['items'] }} {{ d.keys }}\n", "d: {items: I, keys: K}\n")
t("expr-conditional-chain", "{% if x == 1 %}one{% elif x == 2 %}two{% else %}other{% endif %} {{ x is eq 2 }} {{ (x > 1) and (x < 3) }}\n", "x: 2\n")
t("undefined-print-error", "{{ undefined_var }}\n")
t("undefined-attr-on-dict-error", "{{ d.nope }}\n", "d: {a: 1}\n")
t("undefined-in-if", "{% if nope %}x{% else %}y{% endif %} {{ nope is defined }} {{ (nope | default(none)) is none }}\n")
t("undefined-in-loop-default", "{% for x in nope | default([]) %}{{ x }}{% endfor %}done\n")
t("omit-in-template", "[{{ x | default(omit) }}]\n")
t("int-dict-keys", "{{ d }} {{ d[1] }} {{ d | to_json }} {{ d | dict2items }}\n", "d: {1: one, 2: two}\n")
t("bool-keys-yaml", "{{ d }}\n", "d: {yes: a, off: b}\n")
t("string-escapes-template", "{{ 'a\\tb' }}|{{ \"q\\\"q\" }}|{{ 'u\\u00e9' }}|{{ 'x\\\\y' }}\n")
t("dict-literal-order", "{{ {'b': 1, 'a': 2, 'c': 3} }} {{ dict(z=1, a=2) }} {{ dict(d, x=1) }}\n", "d: {q: 0}\n")
t("concat-list-dict-errors", "{{ [1] + [2] }} {{ 'a' ~ [1] }} {{ (1, 2) + (3,) }}\n")
t("jinja-builtins", "{{ lipsum is defined }} {{ cycler('a', 'b').next() }} {{ joiner is defined }} {{ range(1, 10, 3) | list }} {{ dict(a=1) }}\n")


# ---------------------------------------------------------------- one expression per case
# (cases above that mixed several expressions, where one unsupported expression hid the rest)
def each(name, exprs, vars=None, **kw):
    """One case per expression: template `<{{ EXPR }}>` + newline, named NAME--K."""
    global CASES
    CASES = [c for c in CASES if c["name"] != name]
    for i, e in enumerate(exprs, 1):
        t(f"{name}--{i:02d}", "<{{ " + e + " }}>\n", vars, **kw)


each("str-percent-format", ["'%05.2f' % 3.14159", "'%-5s|' % 'ab'", "'%x' % 255", "'%r' % 'a'", "'%s' % [1, 'a']", "'%d%%' % 50", "'%s-%s' % ('a', 2)", "'%(k)s' % d", "'%s' % none", "'%.3f' % 2"], "d: {k: v}\n")
each("str-format-method", ["'{}-{}'.format('a', 2)", "'{0:>5}'.format('x')", "'{k}'.format(k=1)", "'%s' | format('z')", "'%s=%d' | format('a', 3)", "'%05d' | format(42)"])
each("str-methods-split", ["s.split()", "s.split(',')", "s.split(',', 1)", "'a b  c'.split(' ')", "s.rsplit(',', 1)", "'a\\nb'.splitlines()", "s.partition(',')"], "s: 'x,y, z'\n")
each("str-methods-case", ["s.upper()", "s.lower()", "s.title()", "s.capitalize()", "s.swapcase()", "s | title", "s | capitalize", "s | upper", "s | lower"], "s: \"hELLo wORLD it's o'neil 3rd\"\n")
each("str-methods-misc", ["s.startswith('ab')", "s.endswith('z')", "s.replace('b', 'B')", "s.replace('b', 'B', 1)", "s.find('c')", "s.count('b')", "s.zfill(8)", "'5'.isdigit()", "s.center(9, '*')", "'-'.join(['a', 'b'])", "s.startswith(('x', 'a'))", "s.ljust(6, '.')", "s.index('c')", "'a-b'.isalnum()", "s.islower()", "s.encode('utf-8')"], "s: abcb\n")
each("str-truncate-wordwrap", ["s | truncate(10)", "s | truncate(10, true)", "s | truncate(10, false, '..')", "s | wordcount", "s | wordwrap(12)"], "s: 'the quick brown fox jumps over'\n")
each("str-center-filesize", ["'ab' | center(7)", "1000 | filesizeformat", "1024 | filesizeformat(true)", "123456789 | filesizeformat"])
each("str-escape", ["'<a href=\"x\">&\\'</a>' | e", "'<x>' | escape", "'<b>x</b>' | striptags", "'a  b' | forceescape"])
each("yaml-nice-fqcn", ["d | ansible.builtin.to_nice_yaml", "d | ansible.builtin.to_json", "d | ansible.builtin.combine({'b': 2})", "'x' | ansible.builtin.regex_replace('x', 'y')", "[1, [2]] | ansible.builtin.flatten"], "d: {a: [1]}\n")
each("json-options", ["d | to_json(indent=2)", "d | to_json(sort_keys=true)", "d | to_json(separators=[',', ':'])", "d | to_nice_json(sort_keys=false)"], "d: {b: 1, a: [1, 2]}\n")
each("set-ops", ["a | difference(b)", "a | intersect(b)", "a | union(b)", "a | symmetric_difference(b)"], "a: [3, 1, 2, 2]\nb: [2, 4, 3]\n")
each("join-variants", ["l | join", "l | join(', ')", "n | join('-')", "d | join(',', attribute='k')", "s | join('.')"], "l: [a, b]\nn: [1, 2.5, true, null]\nd: [{k: x}, {k: y}]\ns: abc\n")
each("dictsort", ["d | dictsort", "d | dictsort(by='value')", "d | dictsort(reverse=true)", "d | dictsort(true)", "d | dictsort(case_sensitive=true)", "d | dictsort(false, 'value')"], "d: {b: 2, A: 3, a: 1}\n")
each("list-methods", ["l.index(2)", "l.count(1)", "l + [4]", "l * 2", "l | reverse | list", "l | list", "d | list", "l | length", "l[1:] + l[:1]"], "l: [1, 2, 1]\nd: {b: 1, a: 2}\n")
each("zip-product-subelements", ["a | zip(b) | list", "a | product(b) | list", "s | subelements('l') | map('last') | list", "a | zip_longest(c, fillvalue='-') | list"], "a: [1, 2]\nb: [x, y]\nc: [q]\ns: [{n: 1, l: [a, b]}]\n")
each("mutation-append-sandbox", ["l.append(2)", "d.update({'b': 1})", "l.pop()"], "l: [1]\nd: {a: 1}\n")
each("regex-escape-tests", ["'a.b*c' | regex_escape", "'abc' is match('b')", "'abc' is search('b')", "'abc' is regex('^a')", "'ABC' is match('a', ignorecase=true)", "'a\\nb' is search('^b', multiline=true)"])
each("hash-filters", ["'abc' | hash('sha1')", "'abc' | hash('md5')", "'abc' | hash('sha256')", "'abc' | checksum", "'abc' | md5", "'abc' | sha1", "'é' | hash('sha512')"])
each("path-filters", ["p | basename", "p | dirname", "p | splitext", "['a', '/b', 'c'] | path_join", "'C:\\\\x\\\\y.txt' | win_basename", "p | realpath"], "p: /etc/prom/conf.yml\n")
each("urlsplit", ["u | urlsplit('hostname')", "u | urlsplit('port')", "(u | urlsplit).scheme"], "u: 'https://user:pw@Example.com:8443/a/b?x=1#f'\n")
each("to-uuid-human", ["'abc' | to_uuid", "1048576 | human_readable", "'1K' | human_to_bytes", "'abc' | regex_replace('b')"])
each("strftime-fixed", ["'%Y-%m-%d %H:%M:%S' | strftime(0)", "'%Y' | strftime(1700000000, utc=true)"])
each("tests-more", ["4 is divisibleby 2", "3 is odd", "'a' is in ['a']", "[1] is subset([1, 2])", "[1, 2] is superset([1])", "[1, 2] is contains(2)", "'x' is lower", "'X' is upper", "l is sameas l", "1 is eq 1", "2 is gt 1", "'' is truthy", "0 is falsy", "'a' is in 'cat'"], "l: [1]\n")
each("tests-all-any", ["[true, 1] is all", "[0, ''] is any", "l | select('defined') | list", "[true, 0] | select | list | length"], "l: [1, 2]\n")
each("macro-basic", ["f(1)", "f(1, 2)", "f(1, b=3)", "g(1, 2, 3)", "h(k=4)"])
for c in CASES:
    if c["name"].startswith("macro-basic--"):
        c["template"] = "{% macro f(a, b='dflt') %}[{{ a }}|{{ b }}]{% endmacro %}{% macro g(a) %}[{{ a }}|{{ varargs }}]{% endmacro %}{% macro h() %}[{{ kwargs }}]{% endmacro %}" + c["template"]
each("jinja-builtins", ["lipsum is defined", "cycler('a', 'b').next()", "joiner is defined", "range(1, 10, 3) | list", "dict(a=1)", "namespace(a=1).a"])
each("math-ansible-math", ["8 | log(2)", "100 | log", "2 | pow(10)", "27 | root(3)", "16 | root", "[1, 2] | product([3]) | list"])
each("version-test", ["'1.2.3' is version('1.2.0', '>')", "'2.0' is version('10.0', 'lt')", "'1.0' is version('1.0.0', '==')", "'1.0' is version('1.0.0', 'eq', strict=true)", "'2.10' is version('2.9', 'ge')", "'1.0.0-rc1' is version('1.0.0', '<', version_type='semver')", "'1.2a' is version('1.2', '>')", "'1.2.post1' is version('1.2', '>')", "'2.0' is version('2.0.0', '!=')", "'3.1' is version_compare('3.0', '>')", "'1.10' is version('1.9')", "'1.0' is version('1.0', 'ne')", "'1.2.3' is version('1.2.3', '<=', version_type='pep440')"])
each("password-hash-sha512", ["'secret' | password_hash('sha512', salt='saltsalt')", "'secret' | password_hash('sha512', 'abc', rounds=5000)", "'secret' | password_hash('sha256', salt='saltsalt')", "'secret' | password_hash('md5_crypt', salt='saltsalt')"])
each("type-debug", ["d | type_debug", "l | type_debug", "s | type_debug", "i | type_debug", "f | type_debug", "b | type_debug", "n | type_debug", "'lit' | type_debug", "dt | type_debug", "(l | map('upper')) | type_debug", "range(2) | type_debug", "d.items() | type_debug", "(1, 2) | type_debug", "(s ~ 'x') | type_debug", "groups | type_debug", "hostvars | type_debug", "[1] | flatten | type_debug"],
     "d: {a: 1}\nl: [a]\ns: x\ni: 1\nf: 1.5\nb: true\nn: null\ndt: 2024-01-01\n")
each("tests-basic", ["x is defined", "y is defined", "n is none", "s is string", "i is number", "d is mapping", "l is iterable", "s is iterable", "l is sequence", "d is sequence", "s is sequence", "i is integer", "f is float", "b is boolean", "d is iterable"],
     "x: 1\nn: null\ns: str\ni: 1\nf: 1.5\nd: {}\nl: []\nb: false\n")
each("expr-attr-vs-item", ["d.items", "d['items']", "d.keys", "d.get", "d.a"], "d: {items: I, keys: K, get: G, a: A}\n")
each("omit", ["x | default(omit)", "omit is string", "(x | default(omit)) == omit"])
each("print-scalars", ["none", "true", "false", "1.0", "0.1 + 0.2", "1e20", "1.5e-7", "-0.0", "1e16", "1e15", "123456789.0 * 10**10", "0.000123", "1e-5", "1/3", "10/2", "2 ** 64", "-2 ** 63", "2 ** -1", "'%s' % 1e22"])
each("default-undefined-inside", ["x | default('fallback')", "y | default('fb2')", "(x | default(none)) is none", "x is defined", "z | default('fb3')", "x ~ '' if x is defined else 'u'"],
     "x: \"{{ missing }}\"\ny: \"{{ x }}\"\nz: \"{{ d.nokey }}\"\nd: {}\n")
each("selectattr-missing-attr", ["d | selectattr('on') | list | length", "d | rejectattr('on') | list | length", "d | map(attribute='on') | list", "d | sort(attribute='on') | list | length", "d | selectattr('on', 'defined') | list | length"],
     "d: [{n: a, on: true}, {n: b}]\n")
each("vars-magic", ["vars['a']", "vars.b", "hostvars[inventory_hostname]['b']", "hostvars['localhost'].a", "lookup('vars', 'b')", "query('vars', 'a')", "lookup('env', 'PROMVAULT_DEFINITELY_UNSET')", "lookup('env', 'PROMVAULT_DEFINITELY_UNSET', default='d')", "ansible_managed", "playbook_dir is defined", "inventory_dir is defined", "inventory_file is defined", "ansible_play_hosts", "ansible_play_batch", "ansible_version.major", "role_path is defined", "ansible_check_mode", "omit is defined", "play_hosts"], "a: A\nb: \"{{ a }}B\"\n")

# INI inventory: value types via hostvars (promvault has no `vars`), and comment handling
for k, v in [("a", "5"), ("b", "yes"), ("c", "True"), ("d", "'5'"), ("e", "\"[1, 2]\""), ("f", "1.5"), ("g", "0x10"), ("h", "None"), ("i", "\"{'k': 1}\""), ("j", "1e3"), ("k", "07"), ("l", "-3"), ("m", "\"a b\""), ("n", "'[1'")]:
    case(f"ini-hostline-type-{k}", "<{{ hostvars[inventory_hostname]['v'] }}> <{{ hostvars[inventory_hostname]['v'] | type_debug }}>\n",
         inv=f"h1 ansible_connection=local v={v}\n", ini=True, host="h1")
for k, v in [("a", "5"), ("b", "yes"), ("c", "True"), ("d", "'5'"), ("e", "[1, 2]"), ("f", "1.5"), ("g", "hello world"), ("h", "a=b"), ("i", "x # trailing comment"), ("j", "\"quoted\""), ("k", "{'k': 1}"), ("l", "None"), ("m", "")]:
    case(f"ini-groupvars-type-{k}", "<{{ v }}> <{{ v | type_debug }}>\n",
         inv=f"[g]\nh1 ansible_connection=local\n[g:vars]\nv={v}\n", ini=True, host="h1")
case("ini-hostline-hash-in-value", "<{{ c }}>\n", inv="[g]\nh1 ansible_connection=local c=plain#hash\n", ini=True, host="h1")
case("ini-hostline-empty-quoted", "<{{ d }}> <{{ d | type_debug }}>\n", inv="[g]\nh1 ansible_connection=local d=\"\"\n", ini=True, host="h1")
case("ini-hostline-quoted-hash", "<{{ b }}>\n", inv="[g]\nh1 ansible_connection=local b='p # q'\n", ini=True, host="h1")
case("ini-semicolon-comment", "<{{ groups['g'] }}> <{{ v }}>\n", inv="[g]\n; comment line\nh1 ansible_connection=local\n# another\n[g:vars]\nv=1 ; not a comment?\n", ini=True, host="h1")
case("ini-vars-section-spaces", "<{{ v }}> <{{ w }}>\n", inv="[g]\nh1 ansible_connection=local\n[g:vars]\nv = spaced value \nw= x\n", ini=True, host="h1")
case("ini-all-vars-vs-group-vars", "<{{ v }}> <{{ w }}>\n", inv="[all:vars]\nv=all\nw=all\nansible_connection=local\n[g]\nh1\n[g:vars]\nv=g\n", ini=True, host="h1")
case("ini-hostvar-vs-groupvar", "<{{ v }}>\n", inv="[g]\nh1 ansible_connection=local v=host\n[g:vars]\nv=group\n", ini=True, host="h1")
case("ini-range-leading-zero-alpha", "{{ groups['g'] }}\n", inv="[all:vars]\nansible_connection=local\n[g]\nn[08:11]\nz[y:z]q\n", ini=True, host="n08")

# ---------------------------------------------------------------- trailing newline handling
t("nl-single-expr-int", "{{ n }}\n", "n: 5\n")
t("nl-single-expr-list", "{{ l }}\n", "l: [1, 2]\n")
t("nl-single-expr-bool", "{{ b }}\n", "b: true\n")
t("nl-single-expr-str", "{{ s }}\n", "s: abc\n")
t("nl-single-expr-none", "{{ n }}\n", "n: null\n")
t("nl-single-expr-list-2nl", "{{ l }}\n\n", "l: [1, 2]\n")
t("nl-single-expr-join", "{{ l | join(',') }}\n", "l: [1, 2]\n")
t("nl-single-expr-str-ending-nl", "{{ s }}\n", "s: \"abc\\n\"\n")
t("nl-to-nice-yaml-then-newline", "{{ d | to_nice_yaml }}\n", "d: {a: 1, b: [x]}\n")
t("nl-text-then-yaml-then-newline", "cfg:\n{{ d | to_nice_yaml }}\n", "d: {a: 1, b: [x]}\n")
t("nl-yaml-then-2-newlines", "{{ d | to_nice_yaml }}\n\n", "d: {a: 1}\n")
t("nl-string-ending-2nl-template-1nl", "x {{ s }}\n", "s: \"abc\\n\\n\"\n")
t("nl-endfor-newline", "{% for x in [1, 2] %}{{ x }}\n{% endfor %}\n")
t("nl-endif-newline", "a\n{% if true %}\nb\n{% endif %}\n")
t("nl-endif-2-newlines", "a\n{% if true %}\nb\n{% endif %}\n\n")
t("nl-set-at-end", "a\n{% set x = 1 %}\n")
t("nl-comment-at-end", "a\n{# c #}\n")
t("nl-endif-false-newline", "a\n{% if false %}\nb\n{% endif %}\n")
t("nl-only-block", "{% if true %}x{% endif %}\n")
t("nl-whole-expr-with-minus", "{{ l -}}\n", "l: [1]\n")
t("nl-crlf-simple", "a\r\nb\r\n")
t("nl-cr-only", "a\rb\n")


# ---------------------------------------------------------------- extra probes
each("bool-none-wrapped", ["none | bool", "'' | bool", "'false' | bool"])
each("undefined-inside-list", ["l | default(['d'])", "l | length", "l is defined"], "l: [\"{{ missing }}\", ok]\n")
case("undefined-inside-other-hostvar", "<{{ hostvars['h2'].x | default('d') }}>\n",
     inv="all:\n  vars:\n    ansible_connection: local\n  hosts:\n    h1:\n    h2:\n      x: \"{{ missing }}\"\n", host="h1")
t("date-in-to-nice-yaml", "{{ d | to_nice_yaml }}", "d: {expires: 2024-01-02}\n")
t("datetime-in-vars", "<{{ d }}> <{{ d | to_json }}>\n", "d: 2024-01-02 10:20:30\n")
t("tuple-literal-print", "<{{ (1, 'a') }}>\n")
t("crlf-with-expression", "a={{ 1 }}\r\nb\r\n")

if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser()
    ap.add_argument("only", nargs="*")
    ap.add_argument("-j", type=int, default=2)
    a = ap.parse_args()
    print(f"{len(CASES)} cases", flush=True)
    harness.main(CASES, jobs=a.j, only=a.only)
