#!/usr/bin/env python3
"""Cross-check of the compiled data against the PyPI package vietnamadminunits (MIT), which is NOT a
source: every commune of list 2025-06 through its convert_address, compared with the NSO table.
Run from the repository root: pip install --target /tmp/addr/pypkg vietnamadminunits; python3 data/address/crosscheck.py
Result of 2026-12-06 (vietnamadminunits 1.0.4) in docs/address.md."""
import collections, os, sys
sys.path.insert(0, os.environ.get('PYPKG', '/tmp/addr/pypkg'))
from vietnamadminunits import convert_address
def load(path):
    body = open(path, encoding='utf-8').read().split('#"""\n', 1)[1].rsplit('\n"""#', 1)[0]
    return [l.split('\t') for l in body.split('\n')]
former = load('Sources/AdminUnits/Data/List202506.swift')
conv = collections.defaultdict(list)
for old, new, kind in load('Sources/AdminUnits/Data/Conversion.swift'):
    conv[old].append(new)
P = {r[1]: r[2] for r in former if r[0] == 'P'}
D = {r[1]: (r[2], r[3]) for r in former if r[0] == 'D'}
stats = collections.Counter(); examples = collections.defaultdict(list)
for r in former:
    if r[0] != 'C': continue
    code, dist, name = r[1], r[2], r[3]
    pc, dname = D[dist]
    try:
        got = convert_address(f'{name}, {dname}, {P[pc]}').ward_code
    except Exception as e:
        got = None
    targets = conv.get(code, [])
    if got is None: k = 'package: no answer'
    elif len(targets) == 1: k = 'whole: same' if got == targets[0] else 'whole: different'
    else: k = 'split: package picked one of ours (a default)' if got in targets else 'split: package outside our candidates'
    stats[k] += 1
    if len(examples[k]) < 5: examples[k].append(f'{name}, {dname}, {P[pc]} -> {got}, table {targets}')
for k, v in sorted(stats.items()): print(f'{v:6d} {k}')
for k, v in examples.items():
    if 'same' not in k: print(k, v)
