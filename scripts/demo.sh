#!/usr/bin/env bash
# The project's main job, as a user would run it after `make build`: the README's examples.
set -euo pipefail
cd "$(dirname "$0")/.."
gen=.build/release/gen
run() { printf '\n$ %s\n' "$*"; "$@"; }

run "$gen" --schema Examples/person.schema.json --prompt "Invent a person who speaks French." --stats
run "$gen" --regex '\d{4}-(0[1-9]|1[0-2])-\d{2}' --prompt "When did Apollo 11 land on the Moon? Answer with the date."
run "$gen" --grammar Examples/yesno.gbnf --prompt "Is the sky blue?" --temperature 0.8 --seed 7
run "$gen" --lark Examples/list.lark --prompt "List three colours." --max-tokens 64
printf '\n$ printf "2026-11-25\\n2026-13-01\\n" | gen check --regex "\\d{4}-(0[1-9]|1[0-2])-\\d{2}"\n'
printf '2026-11-25\n2026-13-01\n' | "$gen" check --regex '\d{4}-(0[1-9]|1[0-2])-\d{2}'
