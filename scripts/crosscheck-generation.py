#!/usr/bin/env python3
"""Cross-check constrained generation: every finished output must be valid under independent judges.

Parts (each resumable: results are appended to <out>/<part>.jsonl one job at a time, and a rerun
with the same arguments skips the jobs already there; `report` only reads them):

  schemas    jsonschemabench schemas in a fixed pseudo-random order (sha1 of the file name, so all
             eleven sources are represented) until --schemas of them compile; a prompt from each
             description through the chat template; temperature --temperature, seed 1000 + the
             file's index in name order. Finished outputs are judged by Python `jsonschema`
             (`validator_for(schema)(schema, format_checker=FormatChecker())`) and by our own
             `gen validate --bench` (formats asserted). Unfinished (max tokens) and timeouts (the
             per-job --time-limit, or a gen process silent for --hang seconds, killed) are counted
             apart, never as outputs.
  regex      `pattern`s of jsonschemabench (same order) that compile, generated with `--regex`
             (full match) and judged by PCRE2 (libpcre2-8 through ctypes: ANCHORED | ENDANCHORED |
             UTF | ALT_BSUX | DOLLAR_ENDONLY, so `\\uHHHH` and `$` mean what they mean in ECMA-262,
             and `\\s` spelled as ECMA's Unicode whitespace set, see PCRE2.ecma_spaces).
  grammars   <shared>/grammars/gbnf and Examples/*.gbnf, <shared>/grammars/lark/lark.lark and
             Examples/*.lark: JSON grammars judged by Python `json`, Lark grammars by Python `lark`
             (Earley, lexer="dynamic_complete"), the other GBNF grammars by Python `lark` on a
             hand translation to Lark (LARK_OF_GBNF below).
  throughput the first --throughput compiled schemas (same prompts and seeds): ours constrained and
             unconstrained, and with llama-cpp-python importable, llama.cpp under
             `LlamaGrammar.from_json_schema` and unconstrained; all four on the same prompt text
             (ours renders the GGUF's ChatML template; llama.cpp gets the same text, special
             tokens parsed; the prompt token counts are compared), same model file, 2 threads,
             plain temperature sampling (top-k/top-p/min-p off), --throughput-tokens at most. Run in rounds of
             --round jobs alternating the engines, so the machine's load hits both alike. Decode
             rate = (tokens − 1) / (time of the last token − time of the first), summed over jobs.

Usage (from the repository root, after `swift build --product gen -c release`):
  scripts/crosscheck-generation.py [--shared /work/shared] [--parts schemas,regex,grammars,throughput]
      [--schemas 1000] [--max-tokens 128] [--time-limit 20] [--out out/crosscheck]
  scripts/crosscheck-generation.py --parts report      # the tables from what is on disk
Exit status 1 when any finished output is invalid under any judge.
"""
import argparse
import ctypes
import ctypes.util
import glob
import hashlib
import json
import os
import select
import subprocess
import sys
import time
from collections import Counter

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# llama-cpp-python's wheel runs its threads under OpenMP, whose default is to spin while waiting:
# on this shared 2-core machine (load 9) that made its decode 9× slower (0.45 s vs 0.05 s per
# token, measured 2026-12-02). Passive waiting is what our own worker threads do. Set before
# llama_cpp (and libgomp) is loaded.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# ----------------------------------------------------------------------------------------------
# Running jobs through `gen --batch`, resumably


def load_done(path):
    done = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    try:
                        r = json.loads(line)
                    except ValueError:
                        continue  # a line cut by a kill: the job runs again
                    done[r["key"]] = r
    return done


def run_jobs(args, jobs, path, extra, want=None, counts_toward=None):
    """Runs the jobs not yet in `path` (by "key") through `gen --batch`, appending each result.

    Chunks of --chunk jobs per process (a model load each); a process that prints nothing for
    --hang seconds is killed and its current job recorded as a timeout ("hung"). With `want`,
    stops once `want` results satisfy `counts_toward`.
    """
    done = load_done(path)
    todo = [j for j in jobs if j["key"] not in done]
    have = sum(1 for r in done.values() if counts_toward is None or counts_toward(r))
    tmp = path + ".batch"
    with open(path, "a", encoding="utf-8") as out:
        while todo and (want is None or have < want):
            n = args.chunk if want is None else max(1, min(args.chunk, want - have))
            chunk, todo = todo[:n], todo[n:]
            with open(tmp, "w", encoding="utf-8") as f:
                for j in chunk:
                    f.write(json.dumps({k: v for k, v in j.items() if k != "key" and not k.startswith("_")},
                                       ensure_ascii=False) + "\n")
            cmd = [args.gen, "--batch", tmp, "--time-limit", str(args.time_limit)] + extra
            p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            buf, k, last = b"", 0, time.time()
            while k < len(chunk):
                ready, _, _ = select.select([p.stdout], [], [], 5)
                if ready:
                    data = os.read(p.stdout.fileno(), 1 << 16)
                    if not data:
                        break
                    buf += data
                    last = time.time()
                    while b"\n" in buf and k < len(chunk):
                        line, buf = buf.split(b"\n", 1)
                        r = json.loads(line)
                        r["key"] = chunk[k]["key"]
                        out.write(json.dumps(r, ensure_ascii=False) + "\n")
                        out.flush()
                        have += int(counts_toward is None or counts_toward(r))
                        k += 1
                elif time.time() - last > args.hang:
                    p.kill()  # the gen process this function started
                    r = {"key": chunk[k]["key"], "status": "timeout", "hung": True,
                         "error": f"no result after {args.hang:.0f} s; process killed"}
                    out.write(json.dumps(r) + "\n")
                    out.flush()
                    have += int(counts_toward is None or counts_toward(r))
                    k += 1
                    break
            p.wait()
            if k < len(chunk) and p.returncode not in (0, -9):
                err = p.stderr.read().decode(errors="replace")[-500:]
                r = {"key": chunk[k]["key"], "status": "error", "error": f"gen exited {p.returncode}: {err}"}
                out.write(json.dumps(r) + "\n")
                out.flush()
                k += 1
            todo = chunk[k:] + todo  # what a killed process did not reach runs again
            print(f"  {os.path.basename(path)}: {have}{'/' + str(want) if want else ''} "
                  f"({len(todo)} queued) {time.strftime('%H:%M:%S')}", file=sys.stderr, flush=True)
    return load_done(path)


def compiled(r):
    return not (r.get("status") == "error" and str(r.get("error", "")).startswith("constraint"))


# ----------------------------------------------------------------------------------------------
# Schemas


def prompt_for(doc, name):
    schema = doc.get("schema")
    desc = doc.get("description") or (schema.get("description") if isinstance(schema, dict) else None) \
        or (schema.get("title") if isinstance(schema, dict) else None) or ""
    desc = " ".join(str(desc).split())[:300]
    topic = desc if desc else f"the data described by the schema '{name}'"
    return f"Produce one JSON value for: {topic}. Answer with JSON only."


def order_key(name):
    return hashlib.sha1(name.encode()).hexdigest()


def schema_jobs(folder):
    names = sorted(n for n in os.listdir(folder) if n.endswith(".json"))
    jobs = []
    for i, name in enumerate(names):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            doc = json.load(f)
        # Key order matters (properties order): json keeps it in dicts.
        jobs.append({"key": name, "prompt": prompt_for(doc, name),
                     "schema": json.dumps(doc["schema"], ensure_ascii=False), "seed": 1000 + i, "_doc": doc})
    jobs.sort(key=lambda j: order_key(j["key"]))
    return jobs


def judge_schemas(args, jobs, results, out):
    from jsonschema import FormatChecker
    from jsonschema.validators import validator_for
    checker = FormatChecker()
    counts, failures = Counter(), []
    bench_dir = os.path.join(out, "instances")
    os.makedirs(bench_dir, exist_ok=True)
    for f in glob.glob(os.path.join(bench_dir, "*.json")):
        os.remove(f)
    by_key = {j["key"]: j for j in jobs}
    judged = []
    for key, r in results.items():
        j = by_key[key]
        counts["tried"] += 1
        if not compiled(r):
            counts["not compiled (refused with a pointer)"] += 1
            continue
        counts["schemas"] += 1
        src = key.split("---")[0].split("_")[0]
        counts[f"source {src}: schemas"] += 1
        counts[f"source {src}: finished"] += int(r.get("status") == "finished")
        counts["tokens"] += r.get("generated_tokens", 0)
        counts["seconds"] += r.get("total_s", 0)
        st = r["status"]
        if st == "error":
            counts["error"] += 1
            failures.append((key, "error", r.get("error", "")[:300]))
            continue
        if st == "timeout":
            counts["timeout"] += 1
            continue
        if st != "finished":
            counts["unfinished"] += 1
            continue
        counts["finished"] += 1
        schema = j["_doc"]["schema"]
        overflow = []  # numbers Python's float makes ±inf (a judge limit, reported as such)

        def parse_float(t):
            v = float(t)
            if v in (float("inf"), float("-inf")):
                overflow.append(t)
            return v
        try:
            data = json.loads(r["text"], parse_float=parse_float)
        except ValueError:
            counts["jsonschema invalid"] += 1
            failures.append((key, "not JSON", r["text"][:300]))
            continue
        try:
            errs = list(validator_for(schema)(schema, format_checker=checker).iter_errors(data))
        except Exception as e:  # noqa: BLE001 - a judge that cannot judge is reported, not counted valid
            counts["jsonschema could not judge"] += 1
            failures.append((key, "jsonschema error", f"{type(e).__name__}: {str(e)[:200]}"))
            errs = None
        if errs:
            why = f" (numbers beyond the double range, parsed as inf by Python: {', '.join(overflow)[:100]})" if overflow else ""
            counts["jsonschema invalid" + (" (float overflow)" if overflow else "")] += 1
            failures.append((key, "invalid (jsonschema)" + why, f"{r['text'][:300]} :: {errs[0].message[:300]}"))
        elif errs is not None:
            counts["jsonschema valid"] += 1
        # The generated text goes in verbatim (1.0 stays 1.0, key order and duplicates stay).
        with open(os.path.join(bench_dir, key), "w", encoding="utf-8") as f:
            f.write('{"schema": %s, "tests": [{"description": "generated", "valid": true, "data": %s}]}'
                    % (j["schema"], r["text"]))
        judged.append(key)
    if judged:
        p = subprocess.run([args.gen, "validate", "--bench", bench_dir], capture_output=True, text=True)
        for line in p.stdout.splitlines():
            rec = json.loads(line)
            if rec.get("valid") is True:
                counts["gen validate valid"] += 1
            else:
                counts["gen validate invalid"] += 1
                failures.append((rec["id"], "invalid (gen validate)", str(rec.get("error"))[:300]))
    n = counts["finished"]
    counts["both judges valid"] = n - len({f[0] for f in failures if f[1] != "error"})
    counts["seconds"] = round(counts["seconds"])
    return counts, failures


# ----------------------------------------------------------------------------------------------
# Regexes


class PCRE2:
    """Full-match judge on libpcre2-8."""
    ANCHORED, ENDANCHORED, UTF, ALT_BSUX, DOLLAR_ENDONLY = 0x80000000, 0x20000000, 0x00080000, 0x2, 0x10

    def __init__(self):
        self.lib = ctypes.CDLL(ctypes.util.find_library("pcre2-8") or "libpcre2-8.so.0")
        L = self.lib
        L.pcre2_compile_8.restype = ctypes.c_void_p
        L.pcre2_compile_8.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint32,
                                      ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_size_t), ctypes.c_void_p]
        L.pcre2_match_data_create_from_pattern_8.restype = ctypes.c_void_p
        L.pcre2_match_data_create_from_pattern_8.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
        L.pcre2_match_8.restype = ctypes.c_int
        L.pcre2_match_8.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
                                    ctypes.c_size_t, ctypes.c_uint32, ctypes.c_void_p, ctypes.c_void_p]
        self.cache = {}

    # ECMA-262 §22.2.2.9 (CharacterClassEscape): \s is WhiteSpace and LineTerminator, Unicode-wide;
    # PCRE2 10.42's \s (without UCP, which would also widen \d and \w) is ASCII only.
    # (In \u form: with ALT_BSUX, PCRE2 reads \x as the two-digit \xhh of ECMA-262.)
    ECMA_WS = r"\t\n\u000b\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"

    @classmethod
    def ecma_spaces(cls, pattern):
        """The pattern with \s (and \S outside classes) spelled as ECMA's whitespace set."""
        out, i, in_class = [], 0, False
        while i < len(pattern):
            c = pattern[i]
            if c == "\\" and i + 1 < len(pattern):
                e = pattern[i + 1]
                if e == "s":
                    out.append(cls.ECMA_WS if in_class else f"[{cls.ECMA_WS}]")
                elif e == "S" and not in_class:
                    out.append(f"[^{cls.ECMA_WS}]")
                else:
                    out.append(pattern[i:i + 2])
                i += 2
                continue
            if c == "[" and not in_class:
                in_class = True
                out.append(c)
                if pattern[i + 1:i + 2] == "^":
                    out.append("^")
                    i += 1
                if pattern[i + 1:i + 2] == "]":  # ECMA: "[]" is an empty class; keep it as written
                    pass
            elif c == "]" and in_class:
                in_class = False
                out.append(c)
            else:
                out.append(c)
            i += 1
        return "".join(out)

    def code(self, pattern, end_anchored=True):
        if (pattern, end_anchored) not in self.cache:
            err, off = ctypes.c_int(0), ctypes.c_size_t(0)
            pat = self.ecma_spaces(pattern).encode()
            flags = self.ANCHORED | self.UTF | self.ALT_BSUX | self.DOLLAR_ENDONLY | (self.ENDANCHORED if end_anchored else 0)
            c = self.lib.pcre2_compile_8(pat, len(pat), flags, ctypes.byref(err), ctypes.byref(off), None)
            self.cache[(pattern, end_anchored)] = (c, self.lib.pcre2_match_data_create_from_pattern_8(c, None) if c else None)
        return self.cache[(pattern, end_anchored)]

    def fullmatch(self, pattern, text):
        """True/False, or None when PCRE2 cannot compile the pattern."""
        c, md = self.code(pattern)
        if not c:
            return None
        b = text.encode()
        return self.lib.pcre2_match_8(c, b, len(b), 0, 0, md, None) >= 0

    def viable_prefix(self, pattern, text):
        """Whether some continuation of text matches in full: PCRE2_PARTIAL_HARD (which PCRE2 refuses
        with ENDANCHORED, so without it) reports PCRE2_ERROR_PARTIAL when the subject ends inside a match."""
        c, md = self.code(pattern, end_anchored=False)
        b = text.encode()
        return self.lib.pcre2_match_8(c, b, len(b), 0, 0x20, md, None) == -2 or bool(self.fullmatch(pattern, text))


def collect_patterns(folder):
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
    for name in sorted(os.listdir(folder), key=order_key):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                walk(json.load(f).get("schema"))
    return pats


def regex_jobs(folder, pcre):
    jobs = []
    for i, p in enumerate(collect_patterns(folder)):
        if pcre.fullmatch(p, "") is None:
            continue  # PCRE2 cannot judge it
        jobs.append({"key": p, "prompt": f"Write a string that matches the regular expression {p}. "
                     "Answer with the string only.", "regex": p, "seed": 5000 + i})
    return jobs


def judge_regexes(results, pcre):
    counts, failures = Counter(), []
    for key, r in results.items():
        counts["tried"] += 1
        if not compiled(r):
            counts["not compiled"] += 1
            continue
        counts["regexes"] += 1
        st = r["status"]
        if st == "error":
            counts["error"] += 1
            failures.append((key, "error", r.get("error", "")[:300]))
        elif st == "timeout":
            counts["timeout"] += 1
        elif st != "finished":
            counts["unfinished"] += 1
            # A cut output must still be the start of a match.
            if pcre.viable_prefix(key, r["text"]):
                counts["unfinished, PCRE2 viable prefix"] += 1
            else:
                counts["unfinished, PCRE2 no match can start so (invalid)"] += 1
                failures.append((key, "PCRE2: not a prefix of any match", repr(r["text"][:300])))
        else:
            counts["finished"] += 1
            if pcre.fullmatch(key, r["text"]):
                counts["PCRE2 valid"] += 1
            else:
                counts["PCRE2 invalid"] += 1
                failures.append((key, "PCRE2 rejects", repr(r["text"][:300])))
    return counts, failures


# ----------------------------------------------------------------------------------------------
# Grammars

# Hand translations of the GBNF grammars that are not JSON, so Python `lark` can judge them.
LARK_OF_GBNF = {
    "arithmetic.gbnf": r"""
start: (expr "=" ws term "\n")+
expr: term (OP term)*
term: ident | num | "(" ws expr ")" ws
ident: LOWER IDCH* ws
num: DIGIT+ ws
ws: WS*
OP: /[-+*\/]/
LOWER: /[a-z]/
IDCH: /[a-z0-9_]/
DIGIT: /[0-9]/
WS: /[ \t\n]/
""",
    "list.gbnf": r"""
start: item+
item: "- " CH+ "\n"
CH: /[^\r\n\x0b\x0c\x85\u2028\u2029]/
""",
    "chess.gbnf": r"""
start: "1. " move " " move "\n" (NZ D? ". " move " " move "\n")+
move: (pawn | nonpawn | castle) CHECK?
nonpawn: PIECE FILE? RANK? "x"? FILE RANK
pawn: (FILE "x")? FILE RANK ("=" PIECE)?
castle: "O-O" "-O"?
CHECK: /[+#]/
PIECE: /[NBKQR]/
FILE: /[a-h]/
RANK: /[1-8]/
NZ: /[1-9]/
D: /[0-9]/
""",
    "yesno.gbnf": r"""
start: ("yes" | "no") ", because " CH~1..60 "."
CH: /[a-z ,]/
""",
}

GRAMMAR_PROMPTS = {
    "json.gbnf": "Describe a book as JSON.", "json_arr.gbnf": "List three fruits as a JSON array.",
    "arithmetic.gbnf": "Write a few arithmetic equations.", "list.gbnf": "List some things to pack for a trip.",
    "chess.gbnf": "Write the first moves of a chess game.", "yesno.gbnf": "Is the sky blue?",
    "lark.lark": "Write a Lark grammar for arithmetic expressions.", "list.lark": "List some numbers and words.",
}


def grammar_files(shared):
    ex = os.path.join(ROOT, "Examples")
    gbnf = [os.path.join(shared, "grammars", "gbnf", n + ".gbnf") for n in ("json", "json_arr", "arithmetic", "list", "chess")]
    gbnf += sorted(glob.glob(os.path.join(ex, "*.gbnf")))
    lark_files = [os.path.join(shared, "grammars", "lark", "lark.lark")] + sorted(glob.glob(os.path.join(ex, "*.lark")))
    return [("gbnf", p) for p in gbnf if os.path.exists(p)] + [("lark", p) for p in lark_files if os.path.exists(p)]


def grammar_jobs(args):
    jobs = []
    for kind, path in grammar_files(args.shared):
        name = os.path.basename(path)
        text = open(path, encoding="utf-8").read()
        for s in range(args.grammar_seeds):
            jobs.append({"key": f"{name}#{s}", "prompt": GRAMMAR_PROMPTS.get(name, "Write an example."),
                         "grammar" if kind == "gbnf" else "lark": text, "seed": 7000 + s, "_path": path, "_kind": kind})
    return jobs


def judge_grammars(jobs, results):
    import lark
    counts, failures, parsers = Counter(), [], {}
    by_key = {j["key"]: j for j in jobs}
    for key, r in results.items():
        if key not in by_key:
            counts["runs with a seed beyond --grammar-seeds (not judged)"] += 1
            continue
        j = by_key[key]
        name = os.path.basename(j["_path"])
        counts[f"{name} runs"] += 1
        st = r["status"]
        if st == "error":
            counts[f"{name} error"] += 1
            failures.append((key, "error", r.get("error", "")[:300]))
            continue
        if st != "finished":
            counts[f"{name} {'timeout' if st == 'timeout' else 'unfinished'}"] += 1
            continue
        counts[f"{name} finished"] += 1
        text = r["text"]
        if name.startswith("json"):
            judge = "python json"
            try:
                json.loads(text)
                ok = True
            except ValueError:
                ok = False
        else:
            judge = "python lark" if j["_kind"] == "lark" else "python lark (hand translation)"
            if name not in parsers:
                src = open(j["_path"], encoding="utf-8").read() if j["_kind"] == "lark" else LARK_OF_GBNF[name]
                parsers[name] = lark.Lark(src, parser="earley", lexer="dynamic_complete", start="start",
                                          import_paths=[os.path.dirname(j["_path"])])
            try:
                parsers[name].parse(text)
                ok = True
            except lark.exceptions.LarkError:
                ok = False
        counts[f"{name} valid ({judge})"] += int(ok)
        if not ok:
            counts[f"{name} INVALID ({judge})"] += 1
            failures.append((key, f"rejected by {judge}", repr(text[:300])))
    return counts, failures


# ----------------------------------------------------------------------------------------------
# Throughput: ours constrained / unconstrained, llama-cpp-python constrained / unconstrained


def chatml(prompt):
    # SmolLM2's tokenizer.chat_template with no system message: its default one, then the user turn.
    return ("<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
            f"<|im_start|>user\n{prompt}<|im_end|>\n<|im_start|>assistant\n")


def decode_rate(rows):
    toks = sum(max(0, r["tokens"] - 1) for r in rows)
    secs = sum(r["decode_s"] for r in rows)
    return (toks / secs if secs > 0 else 0.0), toks, secs


def llama_run(llm, prompt, grammar, args, seed):
    """Streams one completion; returns tokens, decode time (first → last token), text, finish reason."""
    t_first = t_last = None
    n, parts, reason = 0, [], None
    llm.set_seed(seed)
    for chunk in llm.create_completion(prompt, grammar=grammar, max_tokens=args.throughput_tokens,
                                       temperature=args.temperature, top_k=0, top_p=1.0, min_p=0.0,
                                       repeat_penalty=1.0, seed=seed, stream=True):
        now = time.time()
        t_first = t_first or now
        t_last = now
        n += 1
        c = chunk["choices"][0]
        parts.append(c["text"])
        reason = c.get("finish_reason") or reason
    return {"tokens": n, "decode_s": (t_last - t_first) if n > 1 else 0.0, "text": "".join(parts), "reason": reason}


def llama_grammar_probe_child(path, model):
    """Child process: builds llama.cpp's grammar sampler for each schema, printing a line per schema."""
    import llama_cpp
    from llama_cpp import Llama, LlamaGrammar
    llm = Llama(model_path=model, vocab_only=True, verbose=False)
    for j in json.load(open(path, encoding="utf-8")):
        try:
            g = LlamaGrammar.from_json_schema(j["schema"], verbose=False)
        except Exception as e:  # noqa: BLE001
            print(json.dumps({"key": j["key"], "error": f"from_json_schema: {type(e).__name__}: {str(e)[:200]}"}), flush=True)
            continue
        sampler = llama_cpp.llama_sampler_init_grammar(llm._model.vocab, g._grammar.encode(), g._root.encode())
        if not sampler:
            print(json.dumps({"key": j["key"], "error": "llama_sampler_init_grammar returned NULL"}), flush=True)
            continue
        llama_cpp.llama_sampler_free(sampler)
        print(json.dumps({"key": j["key"], "ok": True}), flush=True)


def llama_grammar_probe(args, jobs, out):
    """{key: None if llama.cpp can build its grammar sampler, else why not}. A crash of the child
    (llama.cpp's grammar parser segfaults on some schemas, e.g. maxLength 32767) marks that schema
    and the probe goes on with the rest in a new child."""
    verdicts, todo = {}, list(jobs)
    path = os.path.join(out, "llama-probe.json")
    while todo:
        json.dump([{"key": j["key"], "schema": j["schema"]} for j in todo], open(path, "w", encoding="utf-8"))
        p = subprocess.run([sys.executable, os.path.abspath(__file__), "--llama-probe", path, "--model", args.model],
                           capture_output=True, text=True)
        for line in p.stdout.splitlines():
            r = json.loads(line)
            verdicts[r["key"]] = r.get("error")
        todo = [j for j in todo if j["key"] not in verdicts]
        if todo and p.returncode != 0:
            verdicts[todo[0]["key"]] = f"llama.cpp crashed building the grammar sampler (exit {p.returncode})"
            todo = todo[1:]
        elif todo:
            break
    return verdicts


def throughput(args, jobs, out):
    from jsonschema import FormatChecker
    from jsonschema.validators import validator_for
    res_path = os.path.join(out, "throughput.jsonl")
    done = load_done(res_path)
    try:
        from llama_cpp import Llama, LlamaGrammar
        llm = Llama(model_path=args.model, n_threads=2, n_threads_batch=2, n_ctx=1024, verbose=False)
    except ImportError as e:
        llm, LlamaGrammar = None, None
        print(f"  llama-cpp-python not importable ({e}): ours only", file=sys.stderr)
    # Ours renders the chat template itself; llama.cpp gets the same text (chatml) with special tokens parsed.
    extra = ["--temperature", str(args.temperature), "--max-tokens", str(args.throughput_tokens), "--model", args.model]
    todo = [j for j in jobs if j["key"] not in done]
    probe = llama_grammar_probe(args, todo, out) if llm is not None and todo else {}
    with open(res_path, "a", encoding="utf-8") as f:
        for start in range(0, len(todo), args.round):
            rnd = todo[start:start + args.round]
            batch = []
            for j in rnd:
                batch.append({"key": j["key"] + "|c", "prompt": j["prompt"], "schema": j["schema"], "seed": j["seed"]})
                batch.append({"key": j["key"] + "|u", "prompt": j["prompt"], "seed": j["seed"]})
            tmp = os.path.join(out, "throughput-round.jsonl")
            if os.path.exists(tmp):
                os.remove(tmp)
            ours = run_jobs(args, batch, tmp, extra)
            for j in rnd:
                rec = {"key": j["key"]}
                for tag in ("c", "u"):
                    r = ours[j["key"] + "|" + tag]
                    rec["ours_" + tag] = {"status": r["status"], "tokens": r.get("generated_tokens", 0),
                                          "decode_s": r.get("total_s", 0) - r.get("ttft_s", 0),
                                          "mask_s": r.get("mask_s", 0), "text": r.get("text", ""),
                                          "prompt_tokens": r.get("prompt_tokens")}
                if llm is not None:
                    raw = chatml(j["prompt"])
                    why = probe.get(j["key"], "not probed")
                    rec["llama_prompt_tokens"] = len(llm.tokenize(raw.encode(), add_bos=False, special=True))
                    g = None
                    if why:
                        rec["llama_c"] = {"error": why}
                    else:
                        try:
                            g = LlamaGrammar.from_json_schema(j["schema"], verbose=False)
                        except Exception as e:  # noqa: BLE001
                            rec["llama_c"] = {"error": f"from_json_schema: {type(e).__name__}: {str(e)[:200]}"}
                    if g is not None:
                        try:
                            rec["llama_c"] = llama_run(llm, raw, g, args, j["seed"])
                        except Exception as e:  # noqa: BLE001
                            rec["llama_c"] = {"error": f"{type(e).__name__}: {str(e)[:200]}"}
                    rec["llama_u"] = llama_run(llm, raw, None, args, j["seed"])
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                f.flush()
            print(f"  throughput: {start + len(rnd)}/{len(todo)} {time.strftime('%H:%M:%S')}", file=sys.stderr, flush=True)
    done = load_done(res_path)
    by_key = {j["key"]: j for j in jobs}
    rows = [done[j["key"]] for j in jobs if j["key"] in done]
    checker = FormatChecker()

    def valid(key, text):
        schema = by_key[key]["_doc"]["schema"]
        try:
            return not list(validator_for(schema)(schema, format_checker=checker).iter_errors(json.loads(text)))
        except Exception:  # noqa: BLE001
            return False
    rep = {"prompts": len(rows), "max_tokens": args.throughput_tokens,
           "same prompt token count (ours, llama.cpp)": sum(r.get("llama_prompt_tokens") == r["ours_c"].get("prompt_tokens")
                                                            for r in rows if "llama_prompt_tokens" in r)}
    for side in ("ours_c", "ours_u", "llama_c", "llama_u"):
        rs = [r[side] for r in rows if side in r and "error" not in r[side]]
        if not rs:
            continue
        rate, toks, secs = decode_rate(rs)
        e = {"tok_s": round(rate, 1), "tokens": toks, "decode_s": round(secs, 1), "runs": len(rs)}
        if side.endswith("_c"):
            fin = [(r_, row["key"]) for row in rows if side in row and "error" not in row[side] for r_ in [row[side]]
                   if (r_.get("status") == "finished" if side == "ours_c" else r_.get("reason") == "stop")]
            e["finished"] = len(fin)
            e["valid (jsonschema)"] = sum(valid(k, r_["text"]) for r_, k in fin)
            e["errors"] = sum(1 for r in rows if side in r and "error" in r[side])
            if side == "llama_c":
                e["grammar crashes (segfault)"] = sum(1 for r in rows if "crashed" in r.get(side, {}).get("error", ""))
        if side == "ours_c":
            e["mask_s"] = round(sum(r.get("mask_s", 0) for r in rs), 2)
        rep[side] = e
    def pair_median(a, b):
        # Per prompt, rate under a / rate under b (both ≥ 16 tokens): robust to the load drifting.
        rs = sorted(((r[a]["tokens"] - 1) / r[a]["decode_s"]) / ((r[b]["tokens"] - 1) / r[b]["decode_s"])
                    for r in rows if a in r and b in r and "error" not in r[a] and "error" not in r[b]
                    and r[a]["tokens"] >= 16 and r[b]["tokens"] >= 16 and r[a]["decode_s"] > 0 and r[b]["decode_s"] > 0)
        return {"median": round(rs[len(rs) // 2], 3), "pairs": len(rs)} if rs else None
    for a, b in (("ours_c", "ours_u"), ("llama_c", "llama_u"), ("ours_c", "llama_c"), ("ours_u", "llama_u")):
        rep[f"per-prompt ratio {a}/{b}"] = pair_median(a, b)
    if "ours_c" in rep and "ours_u" in rep:
        rep["ours constrained / unconstrained"] = round(rep["ours_c"]["tok_s"] / rep["ours_u"]["tok_s"], 3)
    if "llama_c" in rep and "llama_u" in rep:
        rep["llama.cpp constrained / unconstrained"] = round(rep["llama_c"]["tok_s"] / rep["llama_u"]["tok_s"], 3)
        rep["ours constrained / llama.cpp constrained"] = round(rep["ours_c"]["tok_s"] / rep["llama_c"]["tok_s"], 3)
    return rep


# ----------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=os.environ.get("STRUCTGEN_SHARED", os.path.join(ROOT, "..", "shared")))
    ap.add_argument("--gen", default=os.path.join(ROOT, ".build/release/gen"))
    ap.add_argument("--model", default=os.environ.get("STRUCTGEN_MODEL", os.path.join(ROOT, ".cache/models/SmolLM2-135M-Instruct.Q4_1.gguf")))
    ap.add_argument("--parts", default="schemas,regex,grammars,throughput,report")
    ap.add_argument("--schemas", type=int, default=1000)
    ap.add_argument("--regexes", type=int, default=200)
    ap.add_argument("--grammar-seeds", type=int, default=6)
    ap.add_argument("--max-tokens", type=int, default=128)
    ap.add_argument("--temperature", type=float, default=1.5)
    ap.add_argument("--time-limit", type=float, default=20, help="seconds per job (compile + prompt + generation)")
    ap.add_argument("--hang", type=float, default=180, help="kill a gen process silent this long")
    ap.add_argument("--chunk", type=int, default=25, help="jobs per gen process")
    ap.add_argument("--throughput", type=int, default=100)
    ap.add_argument("--throughput-tokens", type=int, default=64)
    ap.add_argument("--round", type=int, default=5, help="throughput jobs per alternation round")
    ap.add_argument("--out", default=os.path.join(ROOT, "out", "crosscheck"))
    ap.add_argument("--llama-probe", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.llama_probe:
        return llama_grammar_probe_child(args.llama_probe, args.model)
    folder = os.path.join(args.shared, "jsonschemabench")
    if not os.path.isdir(folder):
        sys.exit(f"jsonschemabench not found at {folder} (pass --shared or set STRUCTGEN_SHARED)")
    if not os.path.exists(args.gen):
        sys.exit(f"{args.gen} not found: swift build -c release --product gen (or pass --gen)")
    os.makedirs(args.out, exist_ok=True)
    parts = set(args.parts.split(","))
    env_model = ["--model", args.model]
    sampling = ["--temperature", str(args.temperature), "--max-tokens", str(args.max_tokens)] + env_model
    args_gen_extra = sampling
    jobs = schema_jobs(folder)
    pcre = PCRE2()
    report, failures = {}, []
    if "schemas" in parts:
        run_jobs(args, jobs, os.path.join(args.out, "schemas.jsonl"), args_gen_extra, want=args.schemas, counts_toward=compiled)
    if "regex" in parts:
        run_jobs(args, regex_jobs(folder, pcre), os.path.join(args.out, "regex.jsonl"), args_gen_extra,
                 want=args.regexes, counts_toward=compiled)
    if "grammars" in parts:
        run_jobs(args, grammar_jobs(args), os.path.join(args.out, "grammars.jsonl"), args_gen_extra)
    if "throughput" in parts:
        done = load_done(os.path.join(args.out, "schemas.jsonl"))
        ok = [j for j in jobs if j["key"] in done and compiled(done[j["key"]])][: args.throughput]
        report["throughput"] = throughput(args, ok, args.out)
        with open(os.path.join(args.out, "throughput-report.json"), "w") as f:
            json.dump(report["throughput"], f, indent=2)
    if "report" in parts:
        for part, path in (("json_schema", "schemas.jsonl"), ("regex", "regex.jsonl"), ("grammars", "grammars.jsonl")):
            results = load_done(os.path.join(args.out, path))
            if not results:
                continue
            if part == "json_schema":
                c, fl = judge_schemas(args, jobs, results, args.out)
            elif part == "regex":
                c, fl = judge_regexes(results, pcre)
            else:
                c, fl = judge_grammars(grammar_jobs(args), results)
            report[part] = dict(sorted(c.items()))
            failures += fl
        tp = os.path.join(args.out, "throughput-report.json")
        if "throughput" not in report and os.path.exists(tp):
            report["throughput"] = json.load(open(tp))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    with open(os.path.join(args.out, "failures.txt"), "w", encoding="utf-8") as f:
        for fl in failures:
            print("FAIL", *fl, file=f)
    for fl in failures[:40]:
        print("FAIL", *fl, file=sys.stderr)
    bad = sum(v for part in report.values() if isinstance(part, dict)
              for k, v in part.items() if isinstance(v, int) and "invalid" in k.lower())
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
