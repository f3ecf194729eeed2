#!/usr/bin/env python3
"""Model runtime speed: `gen bench` beside llama.cpp (llama-cpp-python) on the same model, same run.

Usage: scripts/bench-model.py [--model GGUF] [--threads 2] [--prompt-tokens 200] [--gen-tokens 128]
                              [--context 2048] [--rounds 3] [--pairs 3] [--gen PATH] [--no-fill]
                              [--omp-wait passive|active]

Both engines get the same prompt token ids (the built-in text of `gen bench`, tokenized by our
tokenizer and cut to --prompt-tokens; `gen bench --print-prompt` prints them), the same thread
count, the same context size and an F16 KV cache, and generate --gen-tokens greedily, ignoring
end-of-sequence. Each engine runs in its own process (so each one's resident memory is its own);
the two alternate --pairs times and the best of every phase is kept, so a burst of load from
other processes on this shared machine hits both alike. Prompt processing is timed from the first
prompt token to the logits of the last; generation over --gen-tokens single-token steps,
argmax included. llama.cpp runs through `Llama.eval` (a ctypes call of llama_decode; the argmax
reads its logits buffer in place through numpy).

Memory: after timing, each engine fills its KV cache to --context positions (unless --no-fill)
and reports VmRSS from /proc/self/status, compared with the GGUF file size (target ≤ 1.3×).

Needs `pip install llama-cpp-python numpy` and a release build of gen
(`swift build -c release --product gen`).
"""
import argparse, json, os, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rss_bytes():
    """(VmRSS, VmHWM) of this process in bytes."""
    values = {}
    with open("/proc/self/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) * 1024
    return values.get("VmRSS", 0), values.get("VmHWM", 0)


def peer_worker(args):
    """Runs inside a child process: llama.cpp's side, printed as one JSON line."""
    import numpy as np
    import llama_cpp
    with open(args.prompt_file) as f:
        prompt = json.load(f)
    llm = llama_cpp.Llama(
        model_path=args.model, n_ctx=args.context, n_threads=args.threads, n_threads_batch=args.threads,
        n_batch=512, n_ubatch=512, logits_all=False, verbose=False)
    vocab = llm.n_vocab()

    def last_logits():
        # The last evaluated position's logits (Llama.eval keeps no copy unless logits_all).
        return np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(vocab,))

    best_pp = best_gen = float("inf")
    generated = []
    for _ in range(args.rounds):
        llm.reset()
        t0 = time.perf_counter()
        llm.eval(prompt)
        t1 = time.perf_counter()
        best_pp = min(best_pp, t1 - t0)
        out = []
        t0 = time.perf_counter()
        for _ in range(args.gen_tokens):
            tok = int(np.argmax(last_logits()))
            out.append(tok)
            llm.eval([tok])
        t1 = time.perf_counter()
        best_gen = min(best_gen, t1 - t0)
        generated = out
    filled = llm.n_tokens
    if args.fill:
        llm.reset()
        fill = (prompt * (args.context // len(prompt) + 1))[: args.context]
        llm.eval(fill)
        filled = llm.n_tokens
    rss, peak = rss_bytes()
    print(json.dumps({
        "engine": "llama.cpp " + getattr(llama_cpp, "__version__", "?"),
        "prompt_tok_s": len(prompt) / best_pp,
        "gen_tok_s": args.gen_tokens / best_gen if args.gen_tokens else 0.0,
        "filled_positions": filled, "rss_bytes": rss, "peak_rss_bytes": peak,
        "generated": generated,
    }))


def run_json(cmd):
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=os.environ.get("STRUCTGEN_MODEL") or os.path.join(ROOT, ".cache/models/SmolLM2-135M-Instruct.Q4_1.gguf"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--prompt-tokens", type=int, default=200)
    ap.add_argument("--gen-tokens", type=int, default=128)
    ap.add_argument("--context", type=int, default=2048)
    ap.add_argument("--rounds", type=int, default=3, help="rounds per engine process (best kept)")
    ap.add_argument("--pairs", type=int, default=3, help="alternations of the two engines (best kept)")
    ap.add_argument("--gen", default=os.path.join(ROOT, ".build/release/gen"))
    ap.add_argument("--no-fill", dest="fill", action="store_false",
                    help="measure memory without filling the KV cache to --context")
    ap.add_argument("--omp-wait", choices=["passive", "active"], default="active",
                    help="OMP_WAIT_POLICY for llama.cpp's threads. 'active' (its default, and its best on a "
                         "quiet machine: 2-thread decode 82 tok/s here against 26 with 'passive') spins; "
                         "when the other core is busy a spinning 2-thread decode collapses (~9x slower), so "
                         "on a loaded machine 'passive' is the fairer of two bad settings: say which was used")
    ap.add_argument("--peer-worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--prompt-file", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.peer_worker:
        return peer_worker(args)
    if not os.path.exists(args.model):
        sys.exit(f"bench-model: model not found at {args.model} (run scripts/setup.sh, pass --model or set STRUCTGEN_MODEL)")
    if not os.path.exists(args.gen):
        sys.exit(f"bench-model: {args.gen} missing; build it with: swift build -c release --product gen")
    try:
        import llama_cpp  # noqa: F401
    except ImportError:
        sys.exit("bench-model: llama-cpp-python missing: CMAKE_ARGS=\"-DGGML_NATIVE=ON\" pip install llama-cpp-python")

    # Read by libgomp when the child process loads llama.cpp.
    os.environ["OMP_WAIT_POLICY"] = args.omp_wait.upper()
    print(f"llama.cpp threads: OMP_WAIT_POLICY={args.omp_wait.upper()}", flush=True)
    common = ["--model", args.model, "--threads", str(args.threads), "--prompt-tokens", str(args.prompt_tokens),
              "--gen-tokens", str(args.gen_tokens), "--context", str(args.context)]
    prompt = run_json([args.gen, "bench", *common, "--print-prompt"])
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(prompt, f)
        prompt_file = f.name
    try:
        ours_cmd = [args.gen, "bench", *common, "--rounds", str(args.rounds), "--prompt-ids", prompt_file, "--json"]
        peer_cmd = [sys.executable, os.path.abspath(__file__), "--peer-worker", "--prompt-file", prompt_file,
                    *common, "--rounds", str(args.rounds)]
        results = {"ours": [], "peer": []}
        for pair in range(args.pairs):
            # Memory is measured once per engine, in the last pair (filling 2k positions takes seconds).
            fill = args.fill and pair == args.pairs - 1
            results["ours"].append(run_json(ours_cmd + (["--fill-context"] if fill else [])))
            results["peer"].append(run_json(peer_cmd + ([] if fill else ["--no-fill"])))
            o, p = results["ours"][-1], results["peer"][-1]
            print(f"pair {pair + 1}: structgen pp {o['prompt_tok_s']:.1f} gen {o['gen_tok_s']:.1f} | "
                  f"llama.cpp pp {p['prompt_tok_s']:.1f} gen {p['gen_tok_s']:.1f} tok/s", flush=True)
    finally:
        os.unlink(prompt_file)

    ours, peer = results["ours"], results["peer"]
    def best(rows, key):
        return max(r[key] for r in rows)
    try:
        load = open("/proc/loadavg").read().split()[:3]
    except OSError:
        load = ["?"] * 3
    print()
    print(f"model {args.model} ({os.path.getsize(args.model) / 1e6:.1f} MB), {args.threads} threads, "
          f"prompt {args.prompt_tokens} tokens, generation {args.gen_tokens} tokens, context {args.context}, "
          f"best of {args.pairs}×{args.rounds}; load average {' '.join(load)}")
    print(f"{'':22}{'structgen':>12}{peer[0]['engine']:>20}{'ratio':>9}{'target':>9}")
    for label, key, target in (("prompt tok/s", "prompt_tok_s", 0.8), ("generation tok/s", "gen_tok_s", 1.0)):
        o, p = best(ours, key), best(peer, key)
        print(f"{label:22}{o:12.1f}{p:20.1f}{o / p:9.2f}{'≥ ' + str(target):>9}")
    file_bytes = os.path.getsize(args.model)
    o, p = ours[-1], peer[-1]
    print(f"{'RSS MB':22}{o['rss_bytes'] / 1e6:12.1f}{p['rss_bytes'] / 1e6:20.1f}"
          f"{o['rss_bytes'] / p['rss_bytes']:9.2f}")
    print(f"{'RSS / file size':22}{o['rss_bytes'] / file_bytes:12.2f}{p['rss_bytes'] / file_bytes:20.2f}{'':9}{'≤ 1.3':>9}")
    print(f"{'cache positions filled':22}{o['filled_positions']:12d}{p['filled_positions']:20d}")
    same = sum(1 for a, b in zip(o["generated"], p["generated"]) if a == b)
    first = next((i for i, (a, b) in enumerate(zip(o["generated"], p["generated"])) if a != b), None)
    print(f"greedy tokens identical: {same}/{len(o['generated'])}"
          + ("" if first is None else f" (first difference at step {first})"))


if __name__ == "__main__":
    main()
