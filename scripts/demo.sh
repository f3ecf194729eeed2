#!/usr/bin/env bash
# The project's main job, as a user would run it after `make build`.
set -euo pipefail
cd "$(dirname "$0")/.."
gen=.build/release/gen
echo '$ printf "2026-11-25\n2026-13-01\n" | gen check --regex "^\d{4}-(0[1-9]|1[0-2])-\d{2}$"'
printf '2026-11-25\n2026-13-01\n' | "$gen" check --regex '^\d{4}-(0[1-9]|1[0-2])-\d{2}$'
