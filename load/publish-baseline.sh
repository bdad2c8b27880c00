#!/usr/bin/env bash
# Publish throughput of the native broker under fsync always and never, next to the disk's sequential
# fdatasync bandwidth measured in the same run. Everything on 127.0.0.1; temp data dirs are removed.
# Reports (md/json/html) of each run land in load/reports/.
# usage: load/publish-baseline.sh [COUNT] [SIZE] [PRODUCERS]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-3000000}; size=${2:-100}; producers=${3:-2}
work=$(mktemp -d /tmp/fastbroker-baseline.XXXXXX)
broker=
trap 'if [ -n "$broker" ]; then kill "$broker" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

dotnet publish src/Server -c Release -o artifacts/bin > /dev/null
dotnet build load -c Release > /dev/null

echo "disk: $(dd if=/dev/zero of="$work/dd" bs=1M count=1024 conv=fdatasync 2>&1 | tail -n 1)"
rm -f "$work/dd"

stamp=$(date -u +%Y%m%d-%H%M%S)
for fsync in always never; do
  rm -rf "$work/data"
  artifacts/bin/fastbroker serve --listen 127.0.0.1:0 --data "$work/data" --fsync "$fsync" --log-level warning > "$work/broker.out" &
  broker=$!
  for _ in $(seq 50); do grep -q "listening on" "$work/broker.out" && break; sleep 0.1; done
  address=$(sed -nE 's/.*listening on ([^ ]+).*/\1/p' "$work/broker.out")
  # stdout is the result table; its last row is this run.
  row=$(dotnet load/bin/Release/net10.0/FastBroker.Load.dll publish --fastbroker "$address" --fsync "$fsync" \
          --count "$count" --size "$size" --producers "$producers" --duration 5m \
          --name "baseline-publish-$fsync-$stamp" 2>/dev/null | grep '^| fastbroker' | tail -n 1)
  echo "fsync $fsync: $(echo "$row" | awk -F'|' '{ printf "%s messages in %s: %s msg/s, %s MB/s payload", $7, $8, $9, $10 }' | tr -s ' ')"
  kill "$broker"; wait "$broker" || true
  broker=
done
