#!/usr/bin/env python3
"""Tokenizer throughput: `gen tokenize` beside Hugging Face `tokenizers` on the same text, same run.

Usage: scripts/bench-tokenizer.py [--model GGUF] [--mb 4] [--repeat 5] [--gen PATH]

The text is every text of ../shared/tokenizer-reference/*.jsonl and ../shared/vocab/*.inp,
joined by newlines and repeated to about --mb megabytes. Both sides are timed inside their own
process, encoding only (no start-up, no model loading): ours via `gen tokenize --repeat N`, which
prints its internal time to stderr; the peer via time.perf_counter around Tokenizer.encode. Both
run single-threaded (one long string; HF's encode does not parallelise a single input). The HF
tokenizer is built from the same GGUF by ../shared/peerbench/make_tokenizer.py (Digits + ByteLevel
pre-tokenizer: SmolLM2's). Needs `pip install tokenizers gguf` and a release build of gen
(`swift build -c release --product gen`).
"""
import argparse, json, os, re, subprocess, sys, tempfile, time

# One thread for the peer, as for us (set before `tokenizers` starts its thread pool).
os.environ.setdefault("RAYON_NUM_THREADS", "1")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def shared_dir():
    d = os.environ.get("STRUCTGEN_SHARED") or os.path.join(ROOT, "..", "shared")
    if not os.path.isdir(d):
        sys.exit(f"bench-tokenizer: shared data not found at {d} (set STRUCTGEN_SHARED)")
    return d


def corpus(shared, megabytes):
    texts = []
    ref = os.path.join(shared, "tokenizer-reference")
    for name in sorted(os.listdir(ref)):
        if name.endswith(".jsonl"):
            with open(os.path.join(ref, name), encoding="utf-8") as f:
                texts += [json.loads(line)["text"] for line in f if line.strip()]
    voc = os.path.join(shared, "vocab")
    for name in sorted(os.listdir(voc)):
        if name.endswith(".inp"):
            with open(os.path.join(voc, name), encoding="utf-8") as f:
                texts += f.read().split("\n__ggml_vocab_test__\n")
    base = "\n".join(texts)
    n = max(1, int(megabytes * 1e6 / len(base.encode("utf-8")) + 0.5))
    return "\n".join([base] * n)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=os.environ.get("STRUCTGEN_MODEL") or os.path.join(ROOT, ".cache/models/SmolLM2-135M-Instruct.Q4_1.gguf"))
    ap.add_argument("--mb", type=float, default=4.0, help="size of the text in MB (default 4)")
    ap.add_argument("--repeat", type=int, default=5, help="encodings timed per side (default 5)")
    ap.add_argument("--gen", default=os.path.join(ROOT, ".build/release/gen"))
    ap.add_argument("--peer-detail", action="store_true",
                    help="also time the peer's encode_batch over the lines of the text (one thread)")
    args = ap.parse_args()
    if not os.path.exists(args.model):
        sys.exit(f"bench-tokenizer: model not found at {args.model} (run scripts/setup.sh or pass --model)")
    if not os.path.exists(args.gen):
        sys.exit(f"bench-tokenizer: {args.gen} missing; build it with: swift build -c release --product gen")
    try:
        from tokenizers import Tokenizer
    except ImportError:
        sys.exit("bench-tokenizer: needs `pip install tokenizers gguf`")

    shared = shared_dir()
    text = corpus(shared, args.mb)
    data = text.encode("utf-8")
    mb = len(data) / 1e6
    print(f"text: {mb:.2f} MB ({len(text)} characters), {args.repeat} encodings per side, model {os.path.basename(args.model)}")

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, os.path.join(shared, "peerbench", "make_tokenizer.py"), args.model, tmp],
                       check=True, stdout=subprocess.DEVNULL)
        hf = Tokenizer.from_file(os.path.join(tmp, "tokenizer.json"))

    # Ours: special tokens parsed, as the HF tokenizer (its added tokens always match) does.
    run = subprocess.run([args.gen, "tokenize", "--special", "--model", args.model, "--repeat", str(args.repeat)],
                         input=data, capture_output=True, check=True)
    m = re.search(r"in ([0-9.]+) s", run.stderr.decode())
    if not m:
        sys.exit("bench-tokenizer: no timing from gen tokenize: " + run.stderr.decode())
    ours_s = float(m.group(1)) / args.repeat
    ours_ids = json.loads(run.stdout)

    hf.encode(text[:10000], add_special_tokens=False)  # warm-up
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        enc = hf.encode(text, add_special_tokens=False)
        times.append(time.perf_counter() - t0)
    hf_s = sum(times) / len(times)
    hf_ids = enc.ids

    same = ours_ids == hf_ids
    print(f"ours (gen tokenize):      {mb / ours_s:8.2f} MB/s  ({ours_s * 1e3:.1f} ms per encoding, {len(ours_ids)} tokens)")
    print(f"HF tokenizers {__import__('tokenizers').__version__:8s}:  {mb / hf_s:8.2f} MB/s  ({hf_s * 1e3:.1f} ms per encoding, {len(hf_ids)} tokens)")
    print(f"ratio ours / HF: {hf_s / ours_s:.2f}x   ids identical: {same}")
    if args.peer_detail:
        lines = text.split("\n")
        t0 = time.perf_counter()
        hf.encode_batch(lines, add_special_tokens=False)
        dt = time.perf_counter() - t0
        print(f"HF encode_batch of the {len(lines)} lines, 1 thread: {mb / dt:8.2f} MB/s")
    if not same:
        diff = next(i for i, (a, b) in enumerate(zip(ours_ids, hf_ids)) if a != b) if any(
            a != b for a, b in zip(ours_ids, hf_ids)) else min(len(ours_ids), len(hf_ids))
        print(f"first difference at token {diff}: ours {ours_ids[diff:diff + 8]} HF {hf_ids[diff:diff + 8]}")


if __name__ == "__main__":
    main()
