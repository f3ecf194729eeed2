#!/usr/bin/env python3
"""Independent judge of the Lark front-end: ours (`gen check --lark`) must accept exactly what
Python's `lark` accepts (Earley, lexer="dynamic_complete": every split of the text into terminals
counts, which is the language docs/grammar-engine.md defines).

Cases:
  1. lark.lark on Lark's own grammar files and random mutations of them (deletions, insertions,
     duplications, truncations), so both accepted and rejected texts are sampled;
  2. grammars using common.lark's terminals (%import common.X) on sampled strings;
  3. random generated grammars (strings, character ranges, regexes, terminals built from terminals,
     ?rule inlining, [optional], repetition, %ignore) on every string up to a length over their
     alphabet.
  4. (--python N) python.lark under the indentation post-lexer (ours: `--postlex python`; lark:
     `postlex=PythonIndenter()`, parser="lalr", start file_input), on top-level definitions of N
     files of Python's standard library and mutations of them (lines deleted, duplicated,
     re-indented, joined, brackets and tabs inserted). python.lark's NAME, STRING and LONG_STRING
     regexes use Python-`re` features our translation refuses (`\w`/`\W`, flag `i`,
     look-behind, a trailing look-ahead in DEC_NUMBER), so both sides get `python_grammar()`:
     python.lark with those four terminals spelt as exact ASCII regexes that match what lark's
     lexer takes (first match of the lazy original: a string ends at its first unescaped quote).

Usage (from the repository root, release build):
    .venv-peers/bin/pip install lark
    swift build --product gen -c release
    .venv-peers/bin/python scripts/lark-judge.py [--seed 1] [--grammars 60] [--mutations 150]
Exit status 1 when any verdict differs (each difference is printed with the grammar and text).
"""
import argparse, itertools, os, random, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("STRUCTGEN_SHARED", os.path.join(ROOT, "..", "shared"))
LARK_DIR = os.path.join(SHARED, "grammars", "lark")


def lark_verdicts(grammar_text, texts, import_paths):
    import lark
    try:
        parser = lark.Lark(grammar_text, parser="earley", lexer="dynamic_complete", import_paths=import_paths)
    except Exception as e:
        return None, str(e).splitlines()[0]
    # lark's own internal errors ("Earley should not generate multiple start symbol items"):
    # no verdict, the text is left out.
    return parse_verdicts(parser, texts, RuntimeError), None


def parse_verdicts(parser, texts, internal_errors):
    """True/False per text; None where lark raised one of `internal_errors` (left out)."""
    import lark
    out = []
    for t in texts:
        try:
            parser.parse(t)
            out.append(True)
        except lark.exceptions.LarkError:
            out.append(False)
        except internal_errors:
            out.append(None)
    return out


def our_verdicts(gen, grammar_path, texts, extra=()):
    """One `gen check` process; each text a --file (texts may hold newlines)."""
    with tempfile.TemporaryDirectory() as d:
        files = []
        for i, t in enumerate(texts):
            p = os.path.join(d, f"{i}.txt")
            with open(p, "wb") as f:
                f.write(t.encode("utf-8"))
            files.append(p)
        out = []
        for chunk in range(0, len(files), 500):
            args = [gen, "check", "--lark", grammar_path, *extra]
            for p in files[chunk:chunk + 500]:
                args += ["--file", p]
            r = subprocess.run(args, capture_output=True, text=True)
            if r.returncode == 2:
                return None, r.stderr.strip()
            if r.returncode != 0:
                raise RuntimeError(f"gen check failed: {r.stderr.strip()}")
            out += [line == "accept" for line in r.stdout.split()]
        return out, None


def mutations(text, n, rng):
    out = [text, text[: len(text) // 2], text[: len(text) // 3]]
    alphabet = sorted(set(text))
    for _ in range(n):
        t = list(text)
        for _ in range(rng.randint(1, 3)):
            op = rng.randrange(4)
            i = rng.randrange(len(t) + 1)
            if op == 0 and i < len(t):
                del t[i]
            elif op == 1:
                t.insert(i, rng.choice(alphabet))
            elif op == 2 and i < len(t):
                j = min(len(t), i + rng.randint(1, 12))
                t[i:i] = t[i:j]
            else:
                t = t[:i]
        out.append("".join(t))
    return out


def random_grammar(rng):
    """A small Lark grammar over the letters a, b, c (and spaces when %ignore'd)."""
    def atom(depth):
        k = rng.randrange(9 if depth < 2 else 4)
        if k == 0:
            return '"' + rng.choice(["a", "b", "ab", "ca", "c", "bb"]) + '"'
        if k == 1:
            return rng.choice(['"a".."b"', "/[ab]c?/", "/a+/", "/(ab|c)+/", "/b{1,2}/"])
        if k == 2:
            return rng.choice(["A", "B", "r1", "r2"])
        if k == 3:
            return rng.choice(["r1", "r2", "A"])
        if k == 4:
            return "(" + alt(depth + 1) + ")" + rng.choice(["*", "+", "?", ""])
        if k == 5:
            return "[" + alt(depth + 1) + "]"
        if k == 6:
            return "(" + atom(depth + 1) + ")" + rng.choice(["*", "+", "?"])
        if k == 7:
            return "(" + atom(depth + 1) + ") ~ " + rng.choice(["2", "0..2", "1..3"])
        return '"c"'

    def seq(depth):
        return " ".join(atom(depth) for _ in range(rng.randint(1, 3)))

    def alt(depth):
        # lark refuses a rule with the same alternative twice ("Rules defined twice").
        return " | ".join(dict.fromkeys(seq(depth) for _ in range(rng.randint(1, 3))))

    lines = ["start: " + alt(0), ("?" if rng.random() < 0.3 else "") + "r1: " + alt(1), "r2: " + alt(1) + " | \"b\"",
             "A: " + rng.choice(['"a" B?', "/a[bc]*/", '"ab" | "c"', "B B"]),
             "B: " + rng.choice(['"b"', '/b+/', '"b" | "cb"'])]
    ignore = rng.random() < 0.3
    if ignore:
        lines += ["%ignore \" \""]
    return "\n".join(lines) + "\n", ("abc " if ignore else "abc")


def judge(name, grammar_text, grammar_path, texts, gen, import_paths, report):
    ours, our_err = our_verdicts(gen, grammar_path, texts)
    theirs, their_err = lark_verdicts(grammar_text, texts, import_paths)
    if ours is None or theirs is None:
        report["refused"].append((name, our_err, their_err))
        return
    diff = [(t, a, b) for t, a, b in zip(texts, ours, theirs) if b is not None and a != b]
    report["texts"] += sum(1 for b in theirs if b is not None)
    report["lark_errors"] += sum(1 for b in theirs if b is None)
    report["accepted"] += sum(1 for b in theirs if b)
    report["grammars"] += 1
    print(f"{name.splitlines()[0]}: {len(texts)} texts, {len(diff)} differ", flush=True)
    for t, a, b in diff[:5]:
        print(f"DIFF {name}: {t[:80]!r}: ours {'accept' if a else 'reject'}, lark {'accept' if b else 'reject'}")
    report["diffs"] += len(diff)


def python_grammar():
    """python.lark with NAME, STRING, LONG_STRING and DEC_NUMBER in exact, translatable spellings."""
    src = open(os.path.join(LARK_DIR, "python.lark"), encoding="utf-8").read()
    body = r'''([^"\\]|\\[^\n]|\\\n|""?([^"\\]|\\[^\n]|\\\n))*'''
    prefix = "([ubfUBF]?[rR]?|[rR][ubfUBF])"
    swaps = {
        r"NAME: /[^\W\d]\w*/": "NAME: /[A-Za-z_][A-Za-z0-9_]*/",
        r"""STRING: /([ubf]?r?|r[ubf])("(?!"").*?(?<!\\)(\\\\)*?"|'(?!'').*?(?<!\\)(\\\\)*?')/i""":
            "STRING: /" + prefix + r'''("([^"\\\n]|\\[^\n])*"|'([^'\\\n]|\\[^\n])*')/''',
        r"""LONG_STRING: /([ubf]?r?|r[ubf])(\"\"\".*?(?<!\\)(\\\\)*?\"\"\"|'''.*?(?<!\\)(\\\\)*?''')/is""".replace('\\"', '"'):
            "LONG_STRING: /" + prefix + '("""' + body + '"""|' + "'''" + body.replace('"', "'") + "'''" + ")/",
        '"0"             ("_"?  "0"                            )* /(?![1-9])/':
            '"0"             ("_"?  "0"                            )*',
    }
    for a, b in swaps.items():
        assert src.count(a) == 1, a
        src = src.replace(a, b)
    return src


def python_texts(n, mutations_per_text, rng):
    """Top-level definitions (a line at column 0 up to the next one) of n standard-library files,
    then line- and character-level mutations of each."""
    import sysconfig
    lib = sysconfig.get_paths()["stdlib"]
    files = sorted(f for f in os.listdir(lib) if f.endswith(".py"))
    rng.shuffle(files)
    blocks = []
    for f in files[:n]:
        lines = open(os.path.join(lib, f), encoding="utf-8", errors="replace").read().splitlines(keepends=True)
        starts = [i for i, l in enumerate(lines) if l[:1] not in ("", " ", "\t", "\n", "#", ")", "]", "}")]
        for a, b in zip(starts, starts[1:] + [len(lines)]):
            block = "".join(lines[a:b])
            if 0 < len(block) <= 3000 and block.isascii():
                blocks.append(block)
    rng.shuffle(blocks)
    out = []
    for block in blocks[: 40 * n]:
        out.append(block)
        lines = block.splitlines(keepends=True)
        for _ in range(mutations_per_text):
            t = list(lines)
            i = rng.randrange(len(t))
            op = rng.randrange(8)
            if op == 0:
                del t[i]
            elif op == 1:
                t.insert(i, t[i])
            elif op == 2:
                t[i] = " " * rng.choice([1, 2, 4]) + t[i]
            elif op == 3:
                t[i] = t[i][rng.choice([1, 2, 4]):] if t[i].startswith(" ") else t[i]
            elif op == 4 and i + 1 < len(t):
                t[i:i + 2] = [t[i].rstrip("\n") + " " + t[i + 1].lstrip()]
            elif op == 5:
                j = rng.randrange(len(t[i]) + 1)
                t[i] = t[i][:j] + rng.choice("()[]{}") + t[i][j:]
            elif op == 6:
                t[i] = "\t" + t[i].lstrip(" ") if t[i].startswith("        ") else "\n" + t[i]
            else:
                text = "".join(t)
                j = rng.randrange(len(text) + 1)
                t = [text[:j] + rng.choice(["", "\n", " ", "#", ":", "\\\n", "\f"]) + text[j + rng.randint(0, 2):]]
            out.append("".join(t))
    return out


def python_verdicts(grammar_text, texts):
    """lark's LALR parser with PythonIndenter: DedentError and syntax errors are rejections; an
    IndexError (a newline token without \\n: a comment at the very end) or the indenter's
    AssertionError (a closing bracket with none open) are lark failing, not verdicts."""
    import lark
    from lark.indenter import PythonIndenter
    parser = lark.Lark(grammar_text, parser="lalr", postlex=PythonIndenter(), start="file_input")
    return parse_verdicts(parser, texts, (IndexError, AssertionError))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gen", default=os.path.join(ROOT, ".build", "release", "gen"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--grammars", type=int, default=60, help="random grammars")
    ap.add_argument("--length", type=int, default=5, help="longest enumerated string for random grammars")
    ap.add_argument("--mutations", type=int, default=150, help="mutations per lark.lark text")
    ap.add_argument("--python", type=int, default=0, help="standard-library files for the python.lark case (0: skip)")
    ap.add_argument("--python-mutations", type=int, default=6, help="mutations per Python text")
    ap.add_argument("--only-python", action="store_true", help="run the python.lark case alone")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    report = {"texts": 0, "lark_errors": 0, "accepted": 0, "grammars": 0, "diffs": 0, "refused": []}

    if args.python:
        with tempfile.TemporaryDirectory() as d:
            g = python_grammar()
            path = os.path.join(d, "python.lark")
            open(path, "w").write(g)
            texts = python_texts(args.python, args.python_mutations, rng)
            theirs = python_verdicts(g, texts)
            ours, err = our_verdicts(args.gen, path, texts, ["--start", "file_input", "--postlex", "python"])
            if ours is None:
                report["refused"].append(("python.lark (ASCII terminals)", err, None))
            else:
                diff = [(t, a, b) for t, a, b in zip(texts, ours, theirs) if b is not None and a != b]
                report["texts"] += sum(1 for b in theirs if b is not None)
                report["lark_errors"] += sum(1 for b in theirs if b is None)
                report["accepted"] += sum(1 for b in theirs if b)
                report["grammars"] += 1
                report["diffs"] += len(diff)
                print(f"python.lark (ASCII terminals, PythonIndenter): {len(texts)} texts, "
                      f"{sum(1 for b in theirs if b)} accepted by lark, {len(diff)} differ", flush=True)
                for t, a, b in diff[:20]:
                    print(f"DIFF python: {t[:300]!r}: ours {'accept' if a else 'reject'}, lark {'accept' if b else 'reject'}")
        # The original python.lark: ours refuses its regexes (where and why), lark loads it.
        ours, err = our_verdicts(args.gen, os.path.join(LARK_DIR, "python.lark"), ["x = 1\n"],
                                 ["--start", "file_input", "--postlex", "python"])
        print(f"python.lark as shipped: ours {'compiles' if ours is not None else 'refuses: ' + err}")
    if args.only_python:
        print(f"{report['grammars']} grammars judged, {report['texts']} texts ({report['accepted']} accepted by lark), "
              f"{report['diffs']} verdicts differ; {report['lark_errors']} texts left out where lark itself failed")
        sys.exit(1 if report["diffs"] else 0)

    # 1. lark.lark on Lark's own grammars and their mutations.
    lark_path = os.path.join(LARK_DIR, "lark.lark")
    # Windows of 1 to 8 consecutive lines (lark's dynamic Earley is slow on whole files), then
    # mutations of each.
    texts = []
    for n in ["common", "lark", "python", "unicode"]:
        lines = open(os.path.join(LARK_DIR, n + ".lark"), encoding="utf-8").read().splitlines(keepends=True)
        for _ in range(args.mutations // 4):
            i = rng.randrange(len(lines))
            window = "".join(lines[i:i + rng.randint(1, 8)])
            texts += mutations(window, 3, rng)
    judge("lark.lark", open(lark_path, encoding="utf-8").read(), lark_path, texts, args.gen, [LARK_DIR], report)

    with tempfile.TemporaryDirectory() as d:
        # 2. common.lark's terminals.
        commons = {
            "numbers": ('start: NUMBER ("," NUMBER)*\n%import common.NUMBER\n%import common.WS\n%ignore WS\n',
                        "0123456789.,eE-+ "),
            "names": ('start: CNAME ("=" (SIGNED_INT | ESCAPED_STRING))?\n%import common (CNAME, SIGNED_INT, ESCAPED_STRING)\n',
                      'ab_1="=\\-'),
            "words": ('start: WORD+\n%import common.WORD\n%import common.WS_INLINE\n%ignore WS_INLINE\n', "ab \t1"),
        }
        for name, (g, alphabet) in commons.items():
            path = os.path.join(d, name + ".lark")
            open(path, "w").write(g)
            sample = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))) for _ in range(400)]
            # The common import must resolve beside the file for ours: `common` is built in.
            judge(name, g, path, sample, args.gen, [LARK_DIR], report)

        # 3. Random grammars, every string up to --length.
        for gi in range(args.grammars):
            g, alphabet = random_grammar(rng)
            path = os.path.join(d, f"random{gi}.lark")
            open(path, "w").write(g)
            texts = ["".join(p) for n in range(args.length + 1) for p in itertools.product(alphabet, repeat=n)]
            judge(f"random{gi}:\n{g}", g, path, texts, args.gen, [LARK_DIR], report)

    for name, ours, theirs in report["refused"]:
        first = name.splitlines()[0]
        print(f"refused {first}: ours: {ours or 'compiled'}; lark: {theirs or 'compiled'}")
    print(f"{report['grammars']} grammars judged, {report['texts']} texts ({report['accepted']} accepted by lark), "
          f"{report['diffs']} verdicts differ; {len(report['refused'])} grammars refused by one side or both; "
          f"{report['lark_errors']} texts left out where lark itself failed internally")
    sys.exit(1 if report["diffs"] else 0)


if __name__ == "__main__":
    main()
