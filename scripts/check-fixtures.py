#!/usr/bin/env python3
"""Second judge of Fixtures/: Python jsonschema with its format extras.

Every fixture under Fixtures/ (MaskBench format) is validated by
`validator_for(schema)(schema, format_checker=FormatChecker())` (needs
`pip install 'jsonschema[format]'`), and its verdicts are compared with the labels.
Prints agreement per folder and every disagreement; a disagreement listed in the
fixture's `meta.known_judge_disagreements` (a test index list, or "all", with the
reason Python is wrong) is counted apart. Also checks the order policy of DESIGN.md on
valid instances: an object's keys named in `properties` appear in `properties` order
(followed through properties, items, prefixItems, allOf, anyOf, oneOf, local $ref).
Exits 1 on any unexplained disagreement or order violation.

Usage: scripts/check-fixtures.py [--fixtures Fixtures] [--verbose]
"""
import argparse
import json
import os
import sys
from collections import defaultdict


def resolve(root, ref):
    """A local $ref ('#/a/b') inside `root`, or None."""
    if not ref.startswith("#/"):
        return None
    node = root
    for part in ref[2:].split("/"):
        part = part.replace("%20", " ").replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def order_violations(root, schema, value, where="", depth=0):
    """Objects in `value` whose keys from schema's `properties` are out of that order."""
    if not isinstance(schema, dict) or depth > 50:
        return []
    out = []
    if "$ref" in schema:
        target = resolve(root, schema["$ref"])
        if target is not None:
            out += order_violations(root, target, value, where, depth + 1)
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key, []):
            out += order_violations(root, sub, value, where, depth + 1)
    if isinstance(value, dict) and isinstance(schema.get("properties"), dict):
        props = list(schema["properties"])
        present = [k for k in value if k in schema["properties"]]
        if present != sorted(present, key=props.index):
            out.append(f"{where or '/'}: keys {present} not in properties order {props}")
        for k, v in value.items():
            if k in schema["properties"]:
                out += order_violations(root, schema["properties"][k], v, f"{where}/{k}", depth + 1)
    if isinstance(value, list):
        prefix = schema.get("prefixItems", schema.get("items") if isinstance(schema.get("items"), list) else [])
        rest = schema.get("items") if isinstance(schema.get("items"), dict) else None
        for i, v in enumerate(value):
            sub = prefix[i] if i < len(prefix) else rest
            out += order_violations(root, sub, v, f"{where}/{i}", depth + 1)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", default=os.path.join(here, "..", "Fixtures"))
    parser.add_argument("--verbose", action="store_true", help="also list the explained disagreements")
    args = parser.parse_args()

    from jsonschema import FormatChecker
    from jsonschema.validators import validator_for
    checker = FormatChecker()
    missing = [f for f in ("uri", "hostname", "duration", "date-time", "ipv4", "uuid") if f not in checker.checkers]
    if missing:
        sys.exit(f"jsonschema format extras missing ({', '.join(missing)}): pip install 'jsonschema[format]'")

    counts = defaultdict(lambda: [0, 0, 0, 0])  # files, agree, explained, unexplained
    unexplained, explained, order_count = [], [], 0
    for folder, _, names in sorted(os.walk(args.fixtures)):
        for name in sorted(n for n in names if n.endswith(".json")):
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, args.fixtures)
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
            key = os.path.dirname(rel)
            counts[key][0] += 1
            known = {}
            for note in doc.get("meta", {}).get("known_judge_disagreements", []):
                if note.get("judge") != "python-jsonschema":
                    continue
                tests = note["tests"]
                for k in (range(len(doc["tests"])) if tests == "all" else tests):
                    known[k] = note["reason"]
            try:
                validator = validator_for(doc["schema"])(doc["schema"], format_checker=checker)
                verdicts = [validator.is_valid(t["data"]) for t in doc["tests"]]
            except Exception as e:  # noqa: BLE001 - a judge that cannot judge is a disagreement
                verdicts = [f"error: {type(e).__name__}: {e}"] * len(doc["tests"])
            for k, test in enumerate(doc["tests"]):
                if test["valid"]:
                    for v in order_violations(doc["schema"], doc["schema"], test["data"]):
                        order_count += 1
                        unexplained.append(f"{rel} test {k}: order policy: {v}")
            for k, (test, verdict) in enumerate(zip(doc["tests"], verdicts)):
                if verdict is test["valid"]:
                    counts[key][1] += 1
                    if k in known:
                        unexplained.append(f"{rel} test {k}: listed as a known disagreement but Python agrees")
                    continue
                line = f"{rel} test {k} ({test['description']}): label {test['valid']}, python {verdict}"
                if k in known:
                    counts[key][2] += 1
                    explained.append(f"{line}\n    why: {known[k]}")
                else:
                    counts[key][3] += 1
                    unexplained.append(line)
    total = [sum(c[i] for c in counts.values()) for i in range(4)]
    for key in sorted(counts):
        files, agree, expl, unexpl = counts[key]
        print(f"Fixtures/{key}: {files} files, {agree} instances agree, {expl} known disagreements, {unexpl} unexplained")
    print(f"total: {total[0]} files, {total[1]} of {total[1] + total[2] + total[3]} instances agree with python jsonschema; "
          f"{total[2]} known disagreements (Python is wrong, reasons in meta), {total[3]} unexplained; "
          f"{order_count} valid instances out of properties order")
    if args.verbose:
        for e in explained:
            print("  known:", e)
    for u in unexplained:
        print("  UNEXPLAINED:", u)
    sys.exit(1 if unexplained else 0)


if __name__ == "__main__":
    main()
