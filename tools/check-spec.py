#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Proves that the netlink spec, the uapi header and the module's policies agree.

Documentation/netlink/s2svpn.yaml (YNL, genetlink-legacy) is the source:
  * every enum, attribute set and the command list has the same names and
    values in uapi/linux/s2svpn.h;
  * every "const" definition is a #define of the same value in the header;
  * the family name, version and multicast group match the header;
  * kmod/netlink.c has one top-level policy per command that takes exactly
    the attributes the spec lists for its request (do and dump), of the
    spec's types and checks; nested policies take exactly the attributes
    that are not read-only (an attribute whose doc starts with "Read-only"),
    with the spec's types and checks; do/dump and the uns-admin-perm flag
    match the ops table.

Prints one line per disagreement and exits 1 when there is any; prints
"spec, uapi and policies agree" and exits 0 otherwise.

usage: tools/check-spec.py [SPEC HEADER NETLINK_C]
"""
import re
import sys

import yaml

TOP = __file__.rsplit('/tools/', 1)[0]

problems = []


def problem(msg):
    problems.append(msg)


def c_upper(name):
    return name.upper().replace('-', '_')


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', ' ', text, flags=re.S)
    return re.sub(r'//[^\n]*', ' ', text)


# ---- C constant expressions ----

def c_eval(expr, env):
    """Evaluates an integer C constant expression over the names in env."""
    expr = expr.strip()
    expr = re.sub(r'sizeof\s*\(\s*struct\s+in6_addr\s*\)', '16', expr)
    expr = re.sub(r'sizeof\s*\(\s*struct\s+in_addr\s*\)', '4', expr)
    expr = re.sub(r'\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b', r'\1', expr)
    expr = expr.replace('/', '//')
    expr = re.sub(r'\b[A-Za-z_]\w*\b',
                  lambda m: str(env[m.group(0)]) if m.group(0) in env
                  else m.group(0), expr)
    return int(eval(expr, {'__builtins__': {}}, {}))


# ---- the uapi header ----

def parse_header(path):
    text = open(path).read()
    text = text.replace('\\\n', ' ')
    code = strip_comments(text)
    defines, enums, env = {}, {}, {'IFNAMSIZ': 16}
    for m in re.finditer(r'^#define\s+(\w+)(\(?)[ \t]*(.*)$', code, re.M):
        name, func, value = m.group(1), m.group(2), m.group(3).strip()
        if not func and value:
            defines[name] = value
    for m in re.finditer(r'enum\s+(\w*)\s*\{(.*?)\}\s*;', code, re.S):
        entries, value = [], 0
        for item in m.group(2).split(','):
            item = item.strip()
            if not item:
                continue
            if '=' in item:
                name, expr = (s.strip() for s in item.split('=', 1))
                value = c_eval(expr, env)
            else:
                name = item
            entries.append((name, value))
            env[name] = value
            value += 1
        if m.group(1):
            enums[m.group(1)] = entries
    macros = Macros(code)
    for name, value in defines.items():
        if value.startswith('"'):
            env[name] = value
            continue
        try:
            env[name] = c_eval(macros.expand(value), env)
        except (SyntaxError, NameError, TypeError, ValueError):
            pass
    return defines, enums, env


def header_enum(enums, name, what):
    if name not in enums:
        problem(f'{what}: enum {name} is not in the header')
        return None
    return [(n, v) for n, v in enums[name]
            if not n.startswith('__') and not n.endswith('_UNSPEC')]


def compare_entries(what, spec, header):
    if header is None:
        return
    if spec != header:
        s, h = dict(spec), dict(header)
        for name, value in spec:
            if name not in h:
                problem(f'{what}: {name} (= {value}) is in the spec, not in the header')
            elif h[name] != value:
                problem(f'{what}: {name} is {value} in the spec, {h[name]} in the header')
        for name, value in header:
            if name not in s:
                problem(f'{what}: {name} (= {value}) is in the header, not in the spec')


def check_definitions(spec, defines, enums, env):
    family_prefix = spec['name'] + '-'
    for d in spec.get('definitions', []):
        prefix = d.get('name-prefix', family_prefix)
        if d['type'] == 'const':
            cname = c_upper(prefix + d['name'])
            value = d['value']
            if cname not in env:
                problem(f'const {d["name"]}: {cname} is not defined in the header')
            elif isinstance(value, str):
                if env[cname] != f'"{value}"':
                    problem(f'const {d["name"]}: {cname} is {env[cname]}, the spec says "{value}"')
            elif env[cname] != value:
                problem(f'const {d["name"]}: {cname} is {env[cname]}, the spec says {value}')
        elif d['type'] == 'enum':
            ename = c_upper(d.get('enum-name', prefix + d['name'])).lower()
            value = d.get('value-start', 0)
            entries = []
            for e in d['entries']:
                ename_e = e if isinstance(e, str) else e['name']
                if isinstance(e, dict) and 'value' in e:
                    value = e['value']
                entries.append((c_upper(prefix + ename_e), value))
                value += 1
            compare_entries(f'enum {d["name"]}', entries,
                            header_enum(enums, ename, f'enum {d["name"]}'))


def attr_entries(aset):
    value, entries = 1, []
    for a in aset['attributes']:
        if 'value' in a:
            value = a['value']
        entries.append((c_upper(aset['name-prefix'] + a['name']), value, a))
        value += 1
    return entries


def check_attr_sets(spec, enums):
    for aset in spec['attribute-sets']:
        ename = c_upper(aset['enum-name']).lower()
        compare_entries(f'attribute set {aset["name"]}',
                        [(n, v) for n, v, _ in attr_entries(aset)],
                        header_enum(enums, ename,
                                    f'attribute set {aset["name"]}'))


def check_ops(spec, enums, defines):
    ops = spec['operations']
    value, entries = 1, []
    for op in ops['list']:
        value = op.get('value', value)
        entries.append((c_upper(ops['name-prefix'] + op['name']), value))
        value += 1
    compare_entries('operations', entries,
                    header_enum(enums, c_upper(ops['enum-name']).lower(),
                                'operations'))
    if defines.get(c_upper(spec['c-family-name'])) != f'"{spec["name"]}"':
        problem(f'family name: {c_upper(spec["c-family-name"])} is not "{spec["name"]}"')
    if defines.get(c_upper(spec['c-version-name'])) != str(spec['version']):
        problem(f'family version: {c_upper(spec["c-version-name"])} is not {spec["version"]}')
    for grp in spec['mcast-groups']['list']:
        cname = c_upper(grp['c-define-name'])
        if defines.get(cname) != f'"{grp["name"]}"':
            problem(f'multicast group {grp["name"]}: {cname} is not "{grp["name"]}"')


# ---- the module's policies ----

def split_top(text, sep=','):
    parts, depth, cur = [], 0, ''
    for ch in text:
        if ch in '({[':
            depth += 1
        elif ch in ')}]':
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ''
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


class Macros:
    def __init__(self, code):
        self.obj, self.func = {}, {}
        for m in re.finditer(r'^#define\s+(\w+)(\(([^)]*)\))?[ \t]*(.*)$',
                             code, re.M):
            if m.group(2):
                args = [a.strip() for a in m.group(3).split(',')]
                self.func[m.group(1)] = (args, m.group(4))
            else:
                self.obj[m.group(1)] = m.group(4)

    def expand(self, text):
        for _ in range(10):
            before = text
            for name, body in self.obj.items():
                text = re.sub(r'\b%s\b' % name, body, text)
            for name, (args, body) in self.func.items():
                m = re.search(r'\b%s\s*\(' % name, text)
                while m:
                    depth, i = 1, m.end()
                    while depth:
                        depth += {'(': 1, ')': -1}.get(text[i], 0)
                        i += 1
                    vals = split_top(text[m.end():i - 1])
                    out = body
                    for a, v in zip(args, vals):
                        out = re.sub(r'\b%s\b' % a, v, out)
                    text = text[:m.start()] + out + text[i:]
                    m = re.search(r'\b%s\s*\(' % name, text)
            if text == before:
                return text
        return text


NLA_TYPES = {'NLA_U8': 'u8', 'NLA_U16': 'u16', 'NLA_U32': 'u32',
             'NLA_U64': 'u64', 'NLA_FLAG': 'flag', 'NLA_NUL_STRING': 'string',
             'NLA_BINARY': 'binary'}


def policy_entry(expr, env):
    """(type, checks, nested policy name) of one nla_policy initializer."""
    expr = ' '.join(expr.split())
    m = re.match(r'NLA_POLICY_NESTED\((\w+)\)$', expr)
    if m:
        return 'nest', {}, m.group(1)
    m = re.match(r'NLA_POLICY_(RANGE|MAX|MIN)\((\w+),(.*)\)$', expr)
    if m:
        kind, t, args = m.group(1), NLA_TYPES[m.group(2).strip()], split_top(m.group(3))
        vals = [c_eval(a, env) for a in args]
        lo, hi = ('min-len', 'max-len') if t == 'binary' else ('min', 'max')
        checks = {'RANGE': {lo: vals[0], hi: vals[-1]},
                  'MAX': {hi: vals[0]}, 'MIN': {lo: vals[0]}}[kind]
        return t, checks, None
    m = re.match(r'\{\s*\.type\s*=\s*(\w+)\s*(?:,\s*\.len\s*=\s*(.*?))?\s*,?\s*\}$', expr)
    if m:
        t = NLA_TYPES[m.group(1)]
        checks = {'max-len': c_eval(m.group(2), env)} if m.group(2) else {}
        return t, checks, None
    raise ValueError(f'cannot read the policy entry "{expr}"')


def parse_netlink_c(path, env):
    code = strip_comments(open(path).read().replace('\\\n', ' '))
    macros = Macros(code)
    policies = {}
    for m in re.finditer(r'static const struct nla_policy (\w+)\[[^\]]*\]\s*=\s*\{(.*?)\};',
                         code, re.S):
        entries = {}
        for item in split_top(macros.expand(m.group(2))):
            im = re.match(r'\[(\w+)\]\s*=\s*(.*)$', item, re.S)
            entries[im.group(1)] = policy_entry(im.group(2), env)
        policies[m.group(1)] = entries
    ops = {}
    m = re.search(r'static const struct genl_ops \w+\[\]\s*=\s*\{(.*?)\n\};', code, re.S)
    for item in split_top(macros.expand(m.group(1))):
        fields = {}
        for f in split_top(item.strip()[1:-1]):
            fm = re.match(r'\.(\w+)\s*=\s*\(?\s*([^()]*?)\s*\)?$', f, re.S)
            if fm and fm.group(2).strip() != 'NULL':
                fields[fm.group(1)] = fm.group(2).strip()
        ops[fields['cmd']] = fields
    return policies, ops


def compare_policy(what, policy, aset, sets_by_name, nested_seen, policies,
                   allowed=None):
    attrs = {n: a for n, _, a in attr_entries(aset)}
    if allowed is None:
        allowed = {n for n, a in attrs.items()
                   if a['type'] != 'pad' and
                   not str(a.get('doc', '')).startswith('Read-only')}
    for name in sorted(allowed - set(policy)):
        problem(f'{what}: the spec takes {name}, the policy does not')
    for name in sorted(set(policy) - allowed):
        problem(f'{what}: the policy takes {name}, the spec does not '
                '(read-only, or not in the request)')
    for name in sorted(allowed & set(policy)):
        a, (t, checks, nested) = attrs[name], policy[name]
        if a['type'] != t:
            problem(f'{what}: {name} is {a["type"]} in the spec, {t} in the policy')
        spec_checks = dict(a.get('checks', {}))
        if spec_checks != checks:
            problem(f'{what}: {name} checks are {spec_checks} in the spec, '
                    f'{checks} in the policy')
        if nested:
            if nested not in policies:
                problem(f'{what}: {name} nests {nested}, not found')
            elif nested not in nested_seen:
                nested_seen.add(nested)
                sub = sets_by_name[a['nested-attributes']]
                compare_policy(f'policy {nested}', policies[nested], sub,
                               sets_by_name, nested_seen, policies)


def check_policies(spec, policies, ops):
    sets_by_name = {s['name']: s for s in spec['attribute-sets']}
    prefix = spec['operations']['name-prefix']
    nested_seen = set()
    for op in spec['operations']['list']:
        cmd = c_upper(prefix + op['name'])
        if 'event' in op:
            if cmd in ops:
                problem(f'{op["name"]}: an event, but the ops table handles it')
            continue
        if cmd not in ops:
            problem(f'{op["name"]}: not in the ops table')
            continue
        kop = ops[cmd]
        for mode, handler in (('do', 'doit'), ('dump', 'dumpit')):
            if (mode in op) != (handler in kop):
                problem(f'{op["name"]}: {"" if mode in op else "no "}{mode} '
                        f'in the spec, but .{handler} '
                        f'{"missing" if mode in op else "present"} in the ops table')
        if ('uns-admin-perm' in op.get('flags', [])) != \
                ('GENL_UNS_ADMIN_PERM' in kop.get('flags', '')):
            problem(f'{op["name"]}: uns-admin-perm differs from the ops table')
        aset = sets_by_name[op['attribute-set']]
        wanted = set()
        for mode in ('do', 'dump'):
            req = op.get(mode) or {}
            req = req.get('request') or {}
            wanted |= {c_upper(aset['name-prefix'] + a)
                       for a in req.get('attributes', [])}
        policy = policies.get(kop.get('policy'), {}) if 'policy' in kop else {}
        if 'policy' in kop and kop['policy'] not in policies:
            problem(f'{op["name"]}: policy {kop["policy"]} not found')
        compare_policy(f'{op["name"]} request', policy, aset, sets_by_name,
                       nested_seen, policies, allowed=wanted)


def main(argv):
    spec_path = argv[1] if len(argv) > 1 else f'{TOP}/Documentation/netlink/s2svpn.yaml'
    header_path = argv[2] if len(argv) > 2 else f'{TOP}/uapi/linux/s2svpn.h'
    nl_path = argv[3] if len(argv) > 3 else f'{TOP}/kmod/netlink.c'
    spec = yaml.safe_load(open(spec_path))
    defines, enums, env = parse_header(header_path)
    check_definitions(spec, defines, enums, env)
    check_attr_sets(spec, enums)
    check_ops(spec, enums, defines)
    policies, ops = parse_netlink_c(nl_path, env)
    check_policies(spec, policies, ops)
    for p in problems:
        print(f'drift: {p}')
    if problems:
        print(f'{len(problems)} disagreements between {spec_path}, '
              f'{header_path} and {nl_path}')
        return 1
    print('spec, uapi and policies agree')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
