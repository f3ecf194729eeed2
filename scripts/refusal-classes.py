#!/usr/bin/env python3
"""Refusal classes of a `gen maskbench --compile-only` output: counts per class of compile error.

Usage: scripts/refusal-classes.py RECORDS.jsonl [--examples N]

A class is the error's reason with the parts that name a schema location, a property, a format
or a number reduced to a placeholder (so 'format 'duration' …' and 'format 'ipv6' …' stay apart
but two pointers to different keywords of one kind do not).
"""
import json, re, sys
from collections import Counter, defaultdict

def reason(err):
    # "<pointer>: <kind>: <reason>"
    m = re.match(r"^(.*?): (cannot enforce exactly|invalid schema|over budget|not a leaf): (.*)$", err, re.S)
    if not m:
        return err[:120]
    kind, text = m.group(2), m.group(3)
    if text.startswith("format '"):
        return f"{kind}: {text.split(' is ')[0]}"
    text = re.sub(r"'[^']*'", "'…'", text)
    text = re.sub(r"\b\d+\b", "N", text)
    text = re.sub(r"at offset N.*", "", text)
    return f"{kind}: {text[:140]}"

def main():
    path = sys.argv[1]
    examples = int(sys.argv[sys.argv.index("--examples") + 1]) if "--examples" in sys.argv else 0
    status = Counter()
    classes = Counter()
    ids = defaultdict(list)
    for line in open(path):
        if not line.strip():
            continue
        r = json.loads(line)
        status[r["status"]] += 1
        if r["status"] == "compile_error":
            c = reason(r.get("error", ""))
            classes[c] += 1
            ids[c].append(r["id"])
    print(" ".join(f"{k}: {v}" for k, v in sorted(status.items())))
    for c, n in classes.most_common():
        print(f"{n:6d}  {c}")
        for i in ids[c][:examples]:
            print(f"          {i}")

main()
