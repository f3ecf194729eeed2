#!/usr/bin/env python3
"""Cross-check `gen validate` against Python jsonschema on every jsonschemabench instance.

Runs `gen validate --bench <shared>/jsonschemabench` (format asserted) and Python's
`validator_for(schema)(schema, format_checker=FormatChecker())` (needs `pip install 'jsonschema[format]'`)
on the same instances, then prints how each agrees with the files' labels (the reference) and
every disagreement between the two.

Usage: scripts/crosscheck-validator.py [--shared ../shared] [--gen .build/release/gen]
"""
import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections import Counter


def python_verdicts(folder):
    import jsonschema
    from jsonschema import FormatChecker
    from jsonschema.validators import validator_for
    checker = FormatChecker()
    missing = [f for f in ("uri", "hostname", "duration", "iri") if f not in checker.checkers]
    if missing:
        sys.exit(f"jsonschema format extras missing ({', '.join(missing)}): pip install 'jsonschema[format]'")
    out = {}
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            doc = json.load(f)
        tests = doc.get("tests", [])
        try:
            cls = validator_for(doc["schema"])
            validator = cls(doc["schema"], format_checker=checker)
        except Exception as e:  # noqa: BLE001 - report, do not stop
            for k in range(len(tests)):
                out[(name, k)] = f"error: {type(e).__name__}"
            continue
        for k, test in enumerate(tests):
            try:
                out[(name, k)] = validator.is_valid(test["data"])
            except Exception as e:  # noqa: BLE001
                out[(name, k)] = f"error: {type(e).__name__}: {str(e)[:80]}"
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=os.environ.get("STRUCTGEN_SHARED", "../shared"))
    parser.add_argument("--gen", default=".build/release/gen")
    args = parser.parse_args()
    folder = os.path.join(args.shared, "jsonschemabench")
    if not os.path.isdir(folder):
        sys.exit(f"jsonschemabench not found at {folder} (pass --shared or set STRUCTGEN_SHARED)")
    if not os.path.exists(args.gen):
        sys.exit(f"{args.gen} not found: swift build -c release --product gen (or pass --gen)")

    run = subprocess.run([args.gen, "validate", "--bench", folder], capture_output=True, text=True)
    ours_cpu = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    ours, labels, our_errors = {}, {}, {}
    for line in run.stdout.splitlines():
        r = json.loads(line)
        key = (r["id"], r["test"])
        labels[key] = r["label"]
        ours[key] = r["valid"] if r["valid"] is not None else "schema error"
        our_errors[key] = r.get("error", "")
    cpu_before = time.process_time()
    theirs = python_verdicts(folder)
    python_cpu = time.process_time() - cpu_before

    counts = Counter()
    disagreements = []
    for key in sorted(labels):
        label, mine, py = labels[key], ours[key], theirs.get(key, "missing")
        counts["instances"] += 1
        counts["ours agrees with label"] += mine == label
        counts["python agrees with label"] += py == label
        counts["ours agrees with python"] += mine == py
        if mine != py or mine != label:
            disagreements.append((key, label, mine, py, our_errors[key]))
    for k, v in counts.items():
        print(f"{k}: {v}")
    print(f"CPU time, loading every schema and validating every instance: gen validate {ours_cpu:.1f} s "
          f"(parse + compile + validate with error lists), Python jsonschema {python_cpu:.1f} s (json.load + is_valid)")
    print(f"disagreements (label / ours / python): {len(disagreements)}")
    for (name, k), label, mine, py, err in disagreements:
        print(f"  {name} test {k}: label={label} ours={mine} python={py}  {err[:160]}")


if __name__ == "__main__":
    main()
