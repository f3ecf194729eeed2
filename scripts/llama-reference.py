#!/usr/bin/env python3
"""llama.cpp on this machine against ../shared/model-reference, and the same records recomputed here.

Usage: scripts/llama-reference.py [--model GGUF] [--out FILE.jsonl] [--flash-attn] [--cache f16|q8_0|f32]
                                  [--threads 2] [--batch 512]

For every record of model-reference/smollm2-135m-q4_1.jsonl it evaluates the prompt ids in one
batch with llama-cpp-python (`logits_all=True`, as the recorded top-20 logits need), then
generates greedily one token at a time up to the recorded continuation's length, and prints
the scores our ModelReferenceTests use: top-1 agreement at the recorded positions, |logit
difference| (max, mean) over the recorded top-20 ids, and how many greedy continuations are
identical. With --out it writes the records as computed here (same format), so that
`STRUCTGEN_MODEL_REFERENCE_HERE=FILE swift test --filter ModelReferenceTests` also scores our
runtime against llama.cpp as built on this machine.

Needs llama-cpp-python (pip) and numpy.
"""
import argparse, json, os, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=os.environ.get("STRUCTGEN_MODEL") or os.path.join(ROOT, ".cache/models/SmolLM2-135M-Instruct.Q4_1.gguf"))
    shared = os.environ.get("STRUCTGEN_SHARED") or os.path.join(ROOT, "..", "shared")
    ap.add_argument("--reference", default=os.path.join(shared, "model-reference/smollm2-135m-q4_1.jsonl"))
    ap.add_argument("--out", help="write the records as computed here to this .jsonl")
    ap.add_argument("--flash-attn", action="store_true", help="flash attention (llama-cpp-python's default is off)")
    ap.add_argument("--cache", default="f16", choices=["f16", "q8_0", "f32"], help="KV cache type (K and V)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=512, help="n_batch = n_ubatch")
    args = ap.parse_args()

    import numpy as np
    import llama_cpp
    ggml_type = {"f32": 0, "f16": 1, "q8_0": 8}[args.cache]
    llm = llama_cpp.Llama(model_path=args.model, n_ctx=256, n_threads=args.threads, n_threads_batch=args.threads,
                          n_batch=args.batch, n_ubatch=args.batch, logits_all=True, flash_attn=args.flash_attn,
                          type_k=ggml_type, type_v=ggml_type, verbose=False)
    vocab = llm.n_vocab()
    records = [json.loads(line) for line in open(args.reference) if line.strip()]
    positions = top1 = compared = identical = 0
    max_diff = sum_diff = 0.0
    out = []
    for n, rec in enumerate(records):
        ids = rec["ids"]
        llm.reset()
        llm.eval(ids)
        rows = np.array(llm.scores[: len(ids)], dtype=np.float32)
        here = dict(rec)
        here["logits_top20"] = []
        for entry in rec["logits_top20"]:
            row = rows[entry["position"]]
            positions += 1
            top1 += int(np.argmax(row)) == entry["top"][0][0]
            for tok, logit in entry["top"]:
                d = abs(float(row[tok]) - logit)
                max_diff = max(max_diff, d)
                sum_diff += d
                compared += 1
            order = np.argsort(-row, kind="stable")[:20]
            here["logits_top20"].append({"position": entry["position"], "top": [[int(t), round(float(row[t]), 4)] for t in order]})
        greedy = []
        logits = rows[-1]
        for step in range(len(rec["greedy_ids"])):
            tok = int(np.argmax(logits))
            greedy.append(tok)
            if step + 1 < len(rec["greedy_ids"]):
                llm.eval([tok])
                logits = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(vocab,))
        same = greedy == rec["greedy_ids"]
        identical += same
        if not same:
            step = next(i for i, (a, b) in enumerate(zip(greedy, rec["greedy_ids"])) if a != b)
            print(f"  prompt {n} ({rec['kind']}) diverges at step {step}: here {greedy[step]}, reference {rec['greedy_ids'][step]}")
        here["greedy_ids"] = greedy
        here.pop("greedy_text", None)
        out.append(here)
    print(f"llama.cpp {llama_cpp.__version__} here (flash_attn={args.flash_attn}, cache {args.cache}, threads {args.threads}, "
          f"batch {args.batch}) vs {os.path.basename(args.reference)}: top-1 {top1}/{positions}, "
          f"logit |diff| max {max_diff:.3f} mean {sum_diff / compared:.4f} over {compared}, greedy identical {identical}/{len(records)}")
    if args.out:
        with open(args.out, "w") as f:
            for rec in out:
                f.write(json.dumps(rec) + "\n")


if __name__ == "__main__":
    sys.exit(main())
