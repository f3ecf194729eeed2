#!/usr/bin/env python3
"""Token-mask time, ours beside llguidance, on the same grammars, texts, token ids and vocabularies.

Runs `gen benchmark grammar --records FILE` (our numbers, and the token ids of every text), then drives
llguidance (pip) over exactly the same token sequences: before every token the full mask is computed
(timed with perf_counter_ns around llguidance.numpy.fill_next_token_bitmask, so the Python binding's
own cost of about a microsecond is inside llguidance's figures), the token must be allowed, then it is
consumed; between texts both engines roll their one matcher back to the start (`--fresh`: a new
matcher per text, for both). Prints p50/p90/p99/p99.9 side by side with the ratio ours/llguidance.

Usage (from the repository root, release build; needs only `llguidance` and `numpy`, from pip):
    swift build --product gen -c release
    python3 scripts/bench-masks.py            # [--workloads json,c,lark,python] [--max-texts N] [--fresh]

The python workload (python.lark under lark's PythonIndenter, `python_workload` below) is ours
alone: llguidance has no indentation post-lexer. It needs `lark` (pip) to pick its texts.

llguidance's tokenizer is built from the vocabulary `gen` writes into the records file (the same
token bytes our matcher uses; control tokens as special tokens), through llguidance's
TokenizerWrapper, so no Hugging Face tokenizer is needed. The wrapper's own text encoder (greedy
longest match) is only used by llguidance for its grammars' literals, never for the benchmark's
token ids, which come from our tokenizer.
"""
import argparse, json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.environ.get("STRUCTGEN_SHARED", os.path.join(ROOT, "..", "shared"))


def percentile(xs, q):
    """Nearest rank, as `Stopwatch.percentile` in the gen benchmark."""
    s = sorted(xs)
    if not s:
        return float("nan")
    import math
    rank = min(len(s) - 1, max(0, math.ceil(q * len(s)) - 1))
    return s[rank]


class VocabTokenizer:
    """The object llguidance.TokenizerWrapper expects: token bytes, EOS, special ids, an encoder."""

    def __init__(self, vocab_rec):
        self.tokens = [bytes.fromhex(h) for h in vocab_rec["tokens_hex"]]
        self.special_token_ids = list(vocab_rec["special"])
        eos = vocab_rec["eos"]
        self.eos_token_id = eos[0] if eos else len(self.tokens) - 1
        self.bos_token_id = None
        special = set(self.special_token_ids)
        self.by_bytes = {}
        for i, t in enumerate(self.tokens):
            if i not in special and t and t not in self.by_bytes:
                self.by_bytes[t] = i
        self.longest = max(len(t) for t in self.by_bytes)

    def __call__(self, text):
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        out, i = [], 0
        while i < len(data):
            for n in range(min(self.longest, len(data) - i), 0, -1):
                t = self.by_bytes.get(data[i:i + n])
                if t is not None:
                    out.append(t)
                    i += n
                    break
            else:
                raise ValueError(f"byte {data[i]:#x} is in no token")
        return out


class LLG:
    def __init__(self, vocab_rec):
        import llguidance
        from llguidance.numpy import allocate_token_bitmask, fill_next_token_bitmask
        self.llg = llguidance
        self.fill = fill_next_token_bitmask
        tok = VocabTokenizer(vocab_rec)
        self.tok = llguidance.LLTokenizer(llguidance.TokenizerWrapper(tok), n_vocab=len(tok.tokens),
                                          eos_token=vocab_rec["eos"] or None)
        self.mask = allocate_token_bitmask(1, self.tok.vocab_size)

    def grammar(self, fmt, path):
        from llguidance import grammar_from
        text = open(path, encoding="utf-8").read()
        return grammar_from("gbnf" if fmt == "gbnf" else "lark", text)

    def matcher(self, spec):
        m = self.llg.LLMatcher(self.tok, spec)
        if m.is_error():
            raise ValueError(m.get_error())
        return m

    def allowed(self, t):
        return bool(int(self.mask[0, t // 32]) & (1 << (t % 32)))


def python_workload(folder, count=8):
    """gen arguments for the python workload: python.lark with exact ASCII terminals (as
    scripts/lark-judge.py's python_grammar()) and `count` files of Python's standard library
    (1-8 KB, ASCII, sorted by name) that lark accepts with PythonIndenter, copied into `folder`."""
    import importlib.util, sysconfig
    import lark
    from lark.indenter import PythonIndenter
    spec = importlib.util.spec_from_file_location("lark_judge", os.path.join(ROOT, "scripts", "lark-judge.py"))
    judge = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(judge)
    grammar = judge.python_grammar()
    open(os.path.join(folder, "python.lark"), "w").write(grammar)
    parser = lark.Lark(grammar, parser="lalr", postlex=PythonIndenter(), start="file_input")
    texts = os.path.join(folder, "texts")
    os.makedirs(texts)
    lib = sysconfig.get_paths()["stdlib"]
    picked = 0
    for f in sorted(os.listdir(lib)):
        path = os.path.join(lib, f)
        if picked == count or not f.endswith(".py") or not 1000 <= os.path.getsize(path) <= 8000:
            continue
        text = open(path, "rb").read()
        if not text.isascii():
            continue
        try:
            parser.parse(text.decode())
        except Exception:
            continue
        open(os.path.join(texts, f), "wb").write(text)
        picked += 1
    return ["--python-grammar", os.path.join(folder, "python.lark"), "--python-texts", texts]


def run_llguidance(rec, engines, vocabs, fresh):
    if rec["format"] == "lark-python":
        return {"error": "no indentation post-lexer (python.lark needs lark's PythonIndenter)"}
    vocab = rec["vocab"]
    if vocab not in engines:
        engines[vocab] = LLG(vocabs[vocab])
    e = engines[vocab]
    try:
        spec = e.grammar(rec["format"], rec["grammar"])
        e.matcher(spec)
    except Exception as err:
        return {"error": str(err).splitlines()[0][:200]}
    compile_us = []
    for _ in range(3):
        t0 = time.perf_counter_ns()
        m = e.matcher(spec)
        compile_us.append((time.perf_counter_ns() - t0) / 1e3)
    times, refused = [], 0
    m = e.matcher(spec)
    for ids in rec["texts"]:
        if fresh:
            m = e.matcher(spec)
        n = 0
        ok = True
        for t in ids:
            t0 = time.perf_counter_ns()
            e.fill(m, e.mask, 0)
            times.append((time.perf_counter_ns() - t0) / 1e3)
            if not e.allowed(t) or not m.consume_token(t):
                ok = False
                break
            n += 1
        if not ok:
            refused += 1
        if not fresh:
            if m.is_error():
                m = e.matcher(spec)
            else:
                m.rollback(n)
    return {"mask_us": times, "compile_us": min(compile_us), "refused": refused}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gen", default=os.path.join(ROOT, ".build", "release", "gen"))
    ap.add_argument("--workloads", default="json,c,lark")
    ap.add_argument("--max-texts", type=int, default=0)
    ap.add_argument("--fresh", action="store_true", help="a new matcher per text, in both engines")
    ap.add_argument("--vocab", action="append", default=[], help="GGUF (repeatable), passed to gen")
    args = ap.parse_args()

    records = tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False).name
    cmd = [args.gen, "benchmark", "grammar", "--records", records, "--workloads", args.workloads,
           "--max-texts", str(args.max_texts)]
    if os.path.isdir(SHARED):
        cmd += ["--shared", SHARED]
    for v in args.vocab:
        cmd += ["--vocab", v]
    if args.fresh:
        cmd.append("--fresh")
    if "python" in args.workloads.split(","):
        cmd += python_workload(tempfile.mkdtemp())
    print("$ " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, cwd=ROOT)
    lines = [json.loads(l) for l in open(records)]
    os.unlink(records)
    vocabs = {r["vocabulary"]: r for r in lines if "vocabulary" in r}
    recs = [r for r in lines if "workload" in r]

    print("\nside by side: mask µs per token (ours / llguidance, same token ids; ratio < 1: ours faster)")
    qs = [(0.5, "p50"), (0.9, "p90"), (0.99, "p99"), (0.999, "p99.9")]
    header = f"{'gram':<6} {'vocab':<28} {'tokens':>7} " + " ".join(f"{n + ' ours':>10} {n + ' llg':>10} {'ratio':>6}" for _, n in qs)
    print(header)
    engines = {}
    compile_rows = []
    for rec in recs:
        llg = run_llguidance(rec, engines, vocabs, args.fresh)
        vname = os.path.basename(rec["vocab"])[:28]
        ours = rec["mask_us"]
        if "error" in llg:
            print(f"{rec['workload']:<6} {vname:<28} {len(ours):>7}  llguidance refused the grammar: {llg['error']}")
            continue
        row = f"{rec['workload']:<6} {vname:<28} {len(ours):>7} "
        for q, _ in qs:
            a, b = percentile(ours, q), percentile(llg["mask_us"], q)
            row += f"{a:>10.1f} {b:>10.1f} {a / b:>6.2f} "
        print(row)
        if llg["refused"]:
            print(f"       llguidance refused {llg['refused']} of {len(rec['texts'])} texts part way")
        compile_rows.append((rec["workload"], vname, rec["compile_us"], llg["compile_us"]))
    print("\ncompile (grammar source to a matcher ready for its first mask; llguidance: LLMatcher(tok, grammar), best of 3)")
    for w, v, a, b in compile_rows:
        print(f"  {w:<6} {v:<28} ours {a / 1e3:8.2f} ms   llguidance {b / 1e3:8.2f} ms")


if __name__ == "__main__":
    main()
