#!/usr/bin/env bash
# Runs the README's first command (set-up: build the native binary and start the broker with its defaults) word for
# word from the repository root, as a new user would, then checks what the README says of it: the broker listens on
# 127.0.0.1:7420 with data in ./data, a client command reaches it with no options, artifacts/bin holds only the
# binary and its debug symbols, and SIGTERM stops it cleanly (exit 0). Refuses to run over an existing ./data.
# usage: tests/readme-setup-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "readme set-up smoke: $*" >&2; exit 1; }

[ ! -e data ] || fail "./data exists; the README's command would use it (move it away first)"
# The first fenced block of the "Set-up" section.
command=$(awk '/^## Set-up/ {section=1} section && /^```/ {if (inside) exit; inside=1; next} inside {print}' README.md)
[ -n "$command" ] || fail "no command found in the README's Set-up section"
echo "README: $command"

log=$(mktemp /tmp/fastbroker-readme-setup.XXXXXX)
shell=
cleanup() {
  if [ -n "$shell" ]; then
    pkill -TERM -f -x "./artifacts/bin/fastbroker serve" 2>/dev/null || true
    wait "$shell" 2>/dev/null || true
  fi
  rm -rf data "$log"
}
trap cleanup EXIT

bash -c "$command" > "$log" 2>&1 &
shell=$!
for _ in $(seq 1 600); do
  grep -q "^fastbroker listening on" "$log" && break
  kill -0 "$shell" 2>/dev/null || { cat "$log"; fail "the command ended before the broker listened"; }
  sleep 0.5
done
grep -q "^fastbroker listening on 127.0.0.1:7420 (data $PWD/data, fsync always)$" "$log" \
  || { cat "$log"; fail "no 'listening on 127.0.0.1:7420' line with the default data directory and fsync policy"; }

contents=$(ls artifacts/bin | sort | tr '\n' ' ')
[ "$contents" = "fastbroker fastbroker.dbg " ] || fail "artifacts/bin holds '$contents', the README says fastbroker and fastbroker.dbg"

env -u FASTBROKER_SERVER ./artifacts/bin/fastbroker topic create readme-smoke > /dev/null || fail "a client command with no --server did not reach the broker"
[ "$(env -u FASTBROKER_SERVER ./artifacts/bin/fastbroker topic list)" = "$(printf 'readme-smoke\t1')" ] || fail "topic list does not show the topic just created"

pkill -TERM -f -x "./artifacts/bin/fastbroker serve" || fail "no './artifacts/bin/fastbroker serve' process to stop"
status=0
wait "$shell" || status=$?
shell=
[ "$status" -eq 0 ] || { cat "$log"; fail "the broker exited $status on SIGTERM"; }
grep -q "^fastbroker stopped$" "$log" || { cat "$log"; fail "no 'fastbroker stopped' line"; }
echo "readme set-up smoke passed: $(grep '^fastbroker listening' "$log")"
