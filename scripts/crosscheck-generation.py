#!/usr/bin/env python3
"""Cross-check constrained generation: every finished output must be valid under independent judges.

Runs `gen --batch` (one model load) on:
  * JSON Schema: the first --schemas schemas of <shared>/jsonschemabench (sorted by file name) that
    our compiler accepts, each with a prompt built from its description, sampled at --temperature
    with a fixed seed per schema. Finished outputs are judged by Python `jsonschema`
    (`validator_for(schema)(schema, format_checker=FormatChecker())`, as DESIGN.md says) and by our
    own `gen validate --bench` (formats asserted); unfinished (max tokens) outputs are counted apart.
  * Regex: the `pattern`s of string properties found in jsonschemabench (first --regexes that
    compile), judged by PCRE2 (libpcre2-8 through ctypes, anchored at both ends).
  * Grammars: <shared>/grammars/gbnf/{json,json_arr,arithmetic,list} and Examples/*.gbnf (judged by
    Python `json` where the grammar is JSON, otherwise by `gen check`), and <shared>/grammars/lark/
    lark.lark plus Examples/*.lark (judged by Python `lark`, Earley with the dynamic_complete lexer).
  * Throughput: the first --throughput schema prompts, constrained and unconstrained, same seeds:
    decode tokens/s of each and the ratio. With --llama-cpp, llama-cpp-python generates the same
    prompts under `LlamaGrammar.from_json_schema` (same threads) for a side-by-side ratio.

Usage: scripts/crosscheck-generation.py [--shared ../shared] [--gen .build/release/gen]
           [--schemas 1000] [--regexes 200] [--max-tokens 256] [--temperature 1.5] [--throughput 40]
           [--llama-cpp] [--out .build/crosscheck-generation]
"""
import argparse
import ctypes
import ctypes.util
import glob
import json
import os
import subprocess
import sys
import time
from collections import Counter


def prompt_for(doc, name):
    schema = doc.get("schema")
    desc = doc.get("description") or (schema.get("description") if isinstance(schema, dict) else None) \
        or (schema.get("title") if isinstance(schema, dict) else None) or ""
    desc = " ".join(str(desc).split())[:300]
    topic = desc if desc else f"the data described by the schema '{name}'"
    return f"Produce one JSON value for: {topic}. Answer with JSON only."


def run_batch(gen, jobs, path, extra):
    with open(path, "w", encoding="utf-8") as f:
        for j in jobs:
            f.write(json.dumps(j, ensure_ascii=False) + "\n")
    t0 = time.time()
    p = subprocess.run([gen, "--batch", path] + extra, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"gen --batch failed ({p.returncode}): {p.stderr[-2000:]}")
    rows = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    if len(rows) != len(jobs):
        sys.exit(f"gen --batch returned {len(rows)} results for {len(jobs)} jobs")
    return rows, time.time() - t0


class PCRE2:
    """Full-match judge: pcre2_compile with PCRE2_ANCHORED | PCRE2_ENDANCHORED | PCRE2_UTF."""
    def __init__(self):
        name = ctypes.util.find_library("pcre2-8") or "libpcre2-8.so.0"
        self.lib = ctypes.CDLL(name)
        L = self.lib
        L.pcre2_compile_8.restype = ctypes.c_void_p
        L.pcre2_compile_8.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint32,
                                      ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_size_t), ctypes.c_void_p]
        L.pcre2_match_data_create_from_pattern_8.restype = ctypes.c_void_p
        L.pcre2_match_data_create_from_pattern_8.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        L.pcre2_match_8.restype = ctypes.c_int
        L.pcre2_match_8.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_size_t,
                                    ctypes.c_uint32, ctypes.c_void_p, ctypes.c_void_p]

    def fullmatch(self, pattern, text):
        err = ctypes.c_int(0)
        off = ctypes.c_size_t(0)
        pat = pattern.encode()
        flags = 0x80000000 | 0x20000000 | 0x00080000  # ANCHORED | ENDANCHORED | UTF
        code = self.lib.pcre2_compile_8(pat, len(pat), flags, ctypes.byref(err), ctypes.byref(off), None)
        if not code:
            return None
        md = self.lib.pcre2_match_data_create_from_pattern_8(code, None)
        b = text.encode()
        rc = self.lib.pcre2_match_8(code, b, len(b), 0, 0, md, None)
        return rc >= 0


def judge_schemas(args, folder, out):
    import jsonschema
    from jsonschema import FormatChecker
    from jsonschema.validators import validator_for
    names = sorted(n for n in os.listdir(folder) if n.endswith(".json"))
    jobs, docs = [], []
    for i, name in enumerate(names):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            text = f.read()
        doc = json.loads(text)
        # The schema text with its key order: re-serialize from the ordered dict Python keeps.
        schema_text = json.dumps(doc["schema"], ensure_ascii=False)
        jobs.append({"prompt": prompt_for(doc, name), "schema": schema_text, "seed": 1000 + i})
        docs.append((name, doc))
    # Compile-only pass is folded in: schemas that do not compile come back as errors at once.
    want = args.schemas
    chosen = []
    step = max(want * 3, 600)
    start = 0
    results = []
    t_total = 0.0
    while len(chosen) < want and start < len(jobs):
        chunk = list(range(start, min(len(jobs), start + step)))
        start += step
        # First see which compile (max_tokens 1 keeps it cheap), then generate for those.
        probe = [dict(jobs[k], compile_only=True) for k in chunk]
        rows, _ = run_batch(args.gen, probe, os.path.join(out, "probe.jsonl"), ["--temperature", str(args.temperature)])
        ok = [k for k, r in zip(chunk, rows) if r["status"] != "error" or not r["error"].startswith("constraint:")]
        ok = ok[: want - len(chosen)]
        rows, dt = run_batch(args.gen, [jobs[k] for k in ok], os.path.join(out, "schemas.jsonl"),
                             ["--temperature", str(args.temperature), "--max-tokens", str(args.max_tokens)])
        t_total += dt
        chosen += ok
        results += rows
        print(f"  schemas {len(chosen)}/{want} generated ({dt:.0f} s)", file=sys.stderr)
    checker = FormatChecker()
    counts = Counter()
    failures = []
    bench_dir = os.path.join(out, "instances")
    os.makedirs(bench_dir, exist_ok=True)
    for f in glob.glob(os.path.join(bench_dir, "*.json")):
        os.remove(f)
    finished_ids = {}
    for k, r in zip(chosen, results):
        name, doc = docs[k]
        counts["schemas"] += 1
        if r["status"] == "error":
            counts["error"] += 1
            failures.append((name, "error", r.get("error", "")[:200]))
            continue
        if r["status"] != "finished":
            counts["unfinished"] += 1
            continue
        counts["finished"] += 1
        try:
            data = json.loads(r["text"])
        except ValueError as e:
            counts["python_invalid"] += 1
            failures.append((name, "not JSON", r["text"][:200]))
            continue
        try:
            v = validator_for(doc["schema"])(doc["schema"], format_checker=checker)
            errs = list(v.iter_errors(data))
        except Exception as e:  # noqa: BLE001
            counts["python_error"] += 1
            failures.append((name, "jsonschema error", str(e)[:200]))
            continue
        if errs:
            counts["python_invalid"] += 1
            failures.append((name, "invalid (jsonschema)", f"{r['text'][:200]} :: {errs[0].message[:200]}"))
        else:
            counts["python_valid"] += 1
        with open(os.path.join(bench_dir, name), "w", encoding="utf-8") as f:
            json.dump({"schema": doc["schema"], "tests": [{"description": "generated", "valid": True, "data": data}]}, f,
                      ensure_ascii=False)
        finished_ids[name] = r["text"]
    p = subprocess.run([args.gen, "validate", "--bench", bench_dir], capture_output=True, text=True)
    for line in p.stdout.splitlines():
        rec = json.loads(line)
        if rec.get("valid") is True:
            counts["ours_valid"] += 1
        else:
            counts["ours_invalid"] += 1
            failures.append((rec["id"], "invalid (gen validate)", str(rec.get("error"))[:200]))
    tokens = sum(r.get("generated_tokens", 0) for r in results)
    counts["tokens"] = tokens
    return counts, failures, t_total, [jobs[k] for k in chosen]


def collect_patterns(folder, limit):
    seen, pats = set(), []
    def walk(x):
        if isinstance(x, dict):
            p = x.get("pattern")
            if isinstance(p, str) and p not in seen:
                seen.add(p)
                pats.append(p)
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    for name in sorted(os.listdir(folder)):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                walk(json.load(f).get("schema"))
        if len(pats) >= limit * 3:
            break
    return pats


def judge_regexes(args, folder, out):
    pcre = PCRE2()
    pats = collect_patterns(folder, args.regexes)
    # JSON Schema patterns search; --regex matches the whole output: anchor-free patterns are used as is.
    jobs = [{"prompt": f"Write a string that matches the regular expression {p}. Answer with the string only.",
             "regex": p, "seed": 5000 + i} for i, p in enumerate(pats)]
    probe = [dict(j, compile_only=True) for j in jobs]
    rows, _ = run_batch(args.gen, probe, os.path.join(out, "probe-regex.jsonl"), [])
    ok = [j for j, r in zip(jobs, rows) if r["status"] != "error" and pcre.fullmatch(j["regex"], "") is not None]
    ok = ok[: args.regexes]
    rows, dt = run_batch(args.gen, ok, os.path.join(out, "regex.jsonl"),
                         ["--temperature", str(args.temperature), "--max-tokens", str(args.max_tokens)])
    counts, failures = Counter(), []
    for j, r in zip(ok, rows):
        counts["regexes"] += 1
        if r["status"] == "error":
            counts["error"] += 1
            failures.append((j["regex"], "error", r["error"][:200]))
        elif r["status"] != "finished":
            counts["unfinished"] += 1
        else:
            counts["finished"] += 1
            if pcre.fullmatch(j["regex"], r["text"]):
                counts["pcre2_valid"] += 1
            else:
                counts["pcre2_invalid"] += 1
                failures.append((j["regex"], "PCRE2 rejects", r["text"][:200]))
    return counts, failures


def judge_grammars(args, shared, out):
    counts, failures = Counter(), []
    here = os.path.dirname(os.path.abspath(__file__))
    examples = os.path.join(here, "..", "Examples")
    gbnf = [os.path.join(shared, "grammars", "gbnf", n + ".gbnf") for n in ("json", "json_arr", "arithmetic", "list")]
    gbnf += sorted(glob.glob(os.path.join(examples, "*.gbnf")))
    lark_files = [os.path.join(shared, "grammars", "lark", "lark.lark")] + sorted(glob.glob(os.path.join(examples, "*.lark")))
    jobs, meta = [], []
    for path in gbnf:
        if not os.path.exists(path):
            continue
        text = open(path, encoding="utf-8").read()
        for s in range(args.grammar_seeds):
            jobs.append({"prompt": "Write an example.", "grammar": text, "seed": 7000 + s})
            meta.append(("gbnf", path))
    for path in lark_files:
        if not os.path.exists(path):
            continue
        text = open(path, encoding="utf-8").read()
        for s in range(args.grammar_seeds):
            jobs.append({"prompt": "Write an example.", "lark": text, "seed": 8000 + s})
            meta.append(("lark", path))
    rows, _ = run_batch(args.gen, jobs, os.path.join(out, "grammars.jsonl"),
                        ["--temperature", str(args.temperature), "--max-tokens", str(args.max_tokens)])
    try:
        import lark
    except ImportError:
        lark = None
    parsers = {}
    for (kind, path), j, r in zip(meta, jobs, rows):
        key = os.path.basename(path)
        counts[f"{key} runs"] += 1
        if r["status"] == "error":
            counts[f"{key} error"] += 1
            failures.append((key, "error", r["error"][:200]))
            continue
        if r["status"] != "finished":
            counts[f"{key} unfinished"] += 1
            continue
        text = r["text"]
        if kind == "gbnf" and key.startswith("json"):
            try:
                json.loads(text)
                ok, judge = True, "python json"
            except ValueError:
                ok, judge = False, "python json"
        elif kind == "lark" and lark is not None:
            if path not in parsers:
                parsers[path] = lark.Lark(open(path, encoding="utf-8").read(), parser="earley",
                                          lexer="dynamic_complete", start="start",
                                          import_paths=[os.path.dirname(path)])
            try:
                parsers[path].parse(text)
                ok = True
            except Exception:  # noqa: BLE001
                ok = False
            judge = "python lark"
        else:
            p = subprocess.run([args.gen, "check", "--grammar", path], input=text.replace("\n", "\\n") if "\n" in text else text,
                               capture_output=True, text=True)
            if "\n" in text:
                tmp = os.path.join(out, "check.txt")
                open(tmp, "w", encoding="utf-8").write(text)
                p = subprocess.run([args.gen, "check", "--grammar", path, "--file", tmp], capture_output=True, text=True)
            ok, judge = p.stdout.strip() == "accept", "gen check"
        counts[f"{key} finished"] += 1
        counts[f"{key} valid ({judge})"] += int(ok)
        if not ok:
            failures.append((key, f"rejected by {judge}", text[:200]))
    return counts, failures


def throughput(args, schema_jobs, out):
    jobs = schema_jobs[: args.throughput]
    extra = ["--temperature", str(args.temperature), "--max-tokens", str(args.throughput_tokens)]
    cons, _ = run_batch(args.gen, jobs, os.path.join(out, "tp-constrained.jsonl"), extra)
    free, _ = run_batch(args.gen, [{"prompt": j["prompt"], "seed": j["seed"]} for j in jobs],
                        os.path.join(out, "tp-free.jsonl"), extra)

    def rate(rows):
        toks = sum(max(0, r.get("generated_tokens", 0) - 1) for r in rows if r["status"] != "error")
        secs = sum(r.get("total_s", 0) - r.get("ttft_s", 0) for r in rows if r["status"] != "error")
        return toks / secs if secs > 0 else 0.0, toks
    (rc, tc), (rf, tf) = rate(cons), rate(free)
    mask_ms = sum(r.get("mask_s", 0) for r in cons) * 1e3
    res = {"prompts": len(jobs), "constrained_tok_s": rc, "unconstrained_tok_s": rf,
           "ratio": rc / rf if rf else 0, "constrained_tokens": tc, "unconstrained_tokens": tf,
           "mask_ms_total": mask_ms}
    if args.llama_cpp:
        res["llama_cpp"] = llama_cpp_side(args, jobs)
    return res


def llama_cpp_side(args, jobs):
    try:
        from llama_cpp import Llama, LlamaGrammar
    except ImportError:
        return {"skipped": "llama_cpp is not importable"}
    import jsonschema
    from jsonschema import FormatChecker
    from jsonschema.validators import validator_for
    llm = Llama(model_path=args.model, n_threads=2, n_ctx=2048, verbose=False, seed=0)
    toks_c = secs_c = toks_f = secs_f = 0
    valid = finished = compiled = 0
    for j in jobs:
        schema = json.loads(j["schema"])
        try:
            grammar = LlamaGrammar.from_json_schema(j["schema"], verbose=False)
        except Exception:  # noqa: BLE001
            continue
        compiled += 1
        msgs = [{"role": "user", "content": j["prompt"]}]
        for g, is_c in ((grammar, True), (None, False)):
            t0 = time.time()
            r = llm.create_chat_completion(messages=msgs, grammar=g, temperature=args.temperature,
                                           max_tokens=args.throughput_tokens, seed=j["seed"])
            dt = time.time() - t0
            n = r["usage"]["completion_tokens"]
            if is_c:
                toks_c += n; secs_c += dt
                text = r["choices"][0]["message"]["content"]
                if r["choices"][0]["finish_reason"] == "stop":
                    finished += 1
                    try:
                        data = json.loads(text)
                        if not list(validator_for(schema)(schema, format_checker=FormatChecker()).iter_errors(data)):
                            valid += 1
                    except Exception:  # noqa: BLE001
                        pass
            else:
                toks_f += n; secs_f += dt
    rc = toks_c / secs_c if secs_c else 0
    rf = toks_f / secs_f if secs_f else 0
    return {"schemas_compiled": compiled, "constrained_tok_s": rc, "unconstrained_tok_s": rf,
            "ratio": rc / rf if rf else 0, "finished": finished, "valid": valid,
            "note": "times include prompt processing (create_chat_completion)"}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.environ.get("STRUCTGEN_SHARED", "../shared"))
    ap.add_argument("--gen", default=".build/release/gen")
    ap.add_argument("--model", default=os.environ.get("STRUCTGEN_MODEL", ".cache/models/SmolLM2-135M-Instruct.Q4_1.gguf"))
    ap.add_argument("--schemas", type=int, default=1000)
    ap.add_argument("--regexes", type=int, default=200)
    ap.add_argument("--grammar-seeds", type=int, default=5)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--temperature", type=float, default=1.5)
    ap.add_argument("--throughput", type=int, default=40)
    ap.add_argument("--throughput-tokens", type=int, default=128)
    ap.add_argument("--llama-cpp", action="store_true")
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: schemas,regex,grammars,throughput")
    ap.add_argument("--out", default=".build/crosscheck-generation")
    args = ap.parse_args()
    folder = os.path.join(args.shared, "jsonschemabench")
    if not os.path.isdir(folder):
        sys.exit(f"jsonschemabench not found at {folder} (pass --shared or set STRUCTGEN_SHARED)")
    if not os.path.exists(args.gen):
        sys.exit(f"{args.gen} not found: swift build -c release --product gen (or pass --gen)")
    os.makedirs(args.out, exist_ok=True)
    skip = set(filter(None, args.skip.split(",")))
    report = {}
    all_failures = []
    schema_jobs = []
    if "schemas" not in skip or "throughput" not in skip:
        n = args.schemas if "schemas" not in skip else args.throughput
        saved = args.schemas
        args.schemas = n
        counts, failures, secs, schema_jobs = judge_schemas(args, folder, args.out)
        args.schemas = saved
        if "schemas" not in skip:
            report["json_schema"] = dict(counts, seconds=round(secs, 1))
            all_failures += failures
    if "regex" not in skip:
        counts, failures = judge_regexes(args, folder, args.out)
        report["regex"] = dict(counts)
        all_failures += failures
    if "grammars" not in skip:
        counts, failures = judge_grammars(args, args.shared, args.out)
        report["grammars"] = dict(counts)
        all_failures += failures
    if "throughput" not in skip:
        report["throughput"] = throughput(args, schema_jobs, args.out)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    for f in all_failures[:50]:
        print("FAIL", *f, file=sys.stderr)
    bad = sum(v for part in report.values() if isinstance(part, dict)
              for k, v in part.items() if isinstance(v, int) and ("invalid" in k))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
