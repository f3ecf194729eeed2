#!/usr/bin/env bash
# MaskBench side by side: `gen maskbench` and llguidance (peerbench, pip) on the same files, with
# the same tokenizer, in the same run; prints both tables (common schema ids only).
#
#   scripts/maskbench-vs-llguidance.sh [--sample N] [--time-limit S] [--out DIR] [--compile-only] [--cold] PATH...
#
# Default PATH: ../shared/jsonschemabench. Needs a release build of gen (it builds one) and a venv
# with llguidance (.venv-peers, created on first use on top of the system's packages, where pip
# installed llguidance). Runs resume: existing records are kept. --compile-only: ours only compiles
# (status compiled / compile_error, TTFM and its phases), llguidance runs the whole protocol.
# --cold: ours empties its process-wide lexeme automata before each schema (`--cold-lexemes`).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${STRUCTGEN_SHARED:-../shared}"
MODEL="${STRUCTGEN_MODEL:-.cache/models/SmolLM2-135M-Instruct.Q4_1.gguf}"
SAMPLE=1; LIMIT=60; OUT=out/maskbench; ONLY=()
PATHS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sample) SAMPLE="$2"; shift 2 ;;
    --time-limit) LIMIT="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --compile-only) ONLY+=(--compile-only); shift ;;
    --cold) ONLY+=(--cold-lexemes); shift ;;
    *) PATHS+=("$1"); shift ;;
  esac
done
[ ${#PATHS[@]} -eq 0 ] && PATHS=("$SHARED/jsonschemabench")
mkdir -p "$OUT"
if [ ! -x .venv-peers/bin/python ]; then
  python3 -m venv --system-site-packages .venv-peers
fi
.venv-peers/bin/python -c 'import llguidance, transformers, gguf, tokenizers, numpy' 2>/dev/null \
  || .venv-peers/bin/pip install -q llguidance transformers gguf tokenizers numpy
[ -d "$OUT/tok" ] || .venv-peers/bin/python "$SHARED/peerbench/make_tokenizer.py" "$MODEL" "$OUT/tok"
swift build -c release --product gen >/dev/null
# The same file list for both engines (every SAMPLE-th file, sorted).
LIST="$OUT/files.txt"
: > "$LIST"
for p in "${PATHS[@]}"; do
  if [ -d "$p" ]; then find "$p" -name '*.json' | sort; else echo "$p"; fi
done | awk -v n="$SAMPLE" '(NR - 1) % n == 0' > "$LIST"
# A crash (which would end the run) is recorded for the file that caused it, and the run resumes.
while true; do
  rc=0
  .build/release/gen maskbench --list "$LIST" --out "$OUT/structgen.jsonl" --tokenizer "$MODEL" --time-limit "$LIMIT" ${ONLY[@]+"${ONLY[@]}"} || rc=$?
  [ "$rc" -le 128 ] || { echo "gen maskbench: exit $rc (signal): recording a crash and resuming" >&2; }
  [ "$rc" -eq 0 ] && break
  [ "$rc" -le 128 ] && exit "$rc"
  python3 - "$LIST" "$OUT/structgen.jsonl" <<'PY'
import json, os, sys
done = {json.loads(l)["id"] for l in open(sys.argv[2]) if l.strip()}
for p in open(sys.argv[1]):
    p = p.strip()
    if p and os.path.basename(p) not in done:
        open(sys.argv[2], "a").write(json.dumps({"id": os.path.basename(p), "engine": "structgen", "status": "crash",
                                                 "strict_status": "crash", "ttfm_us": None, "mask_us": [], "tests": 0}) + "\n")
        break
PY
done
.venv-peers/bin/python "$SHARED/peerbench/run.py" llguidance --tokenizer "$OUT/tok" --out "$OUT/llguidance.jsonl" \
  --time-limit "$LIMIT" --list "$LIST"
.build/release/gen maskbench --summary "$OUT/structgen.jsonl" "$OUT/llguidance.jsonl"
