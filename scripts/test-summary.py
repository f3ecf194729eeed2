#!/usr/bin/env python3
"""Prints the plain closing line 'tests: N passed, N failed' from swift test's xUnit output.

`swift test --parallel` prints no XCTest totals, and Swift Testing's own closing line counts only its
own tests, so this line is the one that tells how many tests ran. Exits non-zero if any failed or none ran.
"""
import sys
import xml.etree.ElementTree as ET

total = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        continue
    for case in root.iter("testcase"):
        total += 1
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
passed = total - failed - skipped
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or total == 0 else 0)
