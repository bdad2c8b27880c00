#!/usr/bin/env bash
# Publish throughput of the native broker under fsync always and never, next to the disk's sequential
# fdatasync bandwidth measured in the same run. Everything on 127.0.0.1; temp data dirs are removed.
# usage: load/publish-baseline.sh [COUNT] [SIZE] [PRODUCERS]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-3000000}; size=${2:-100}; producers=${3:-2}
work=$(mktemp -d /tmp/fastbroker-baseline.XXXXXX)
trap 'kill $broker 2>/dev/null || true; rm -rf "$work"' EXIT

dotnet publish src/Server -c Release -o artifacts/bin > /dev/null
dotnet build load -c Release > /dev/null

echo "disk: $(dd if=/dev/zero of="$work/dd" bs=1M count=1024 conv=fdatasync 2>&1 | tail -n 1)"
rm -f "$work/dd"

for fsync in always never; do
  rm -rf "$work/data"
  artifacts/bin/fastbroker serve --listen 127.0.0.1:0 --data "$work/data" --fsync "$fsync" --log-level warning > "$work/broker.out" &
  broker=$!
  for _ in $(seq 50); do grep -q "listening on" "$work/broker.out" && break; sleep 0.1; done
  address=$(sed -nE 's/.*listening on ([^ ]+).*/\1/p' "$work/broker.out")
  result=$(dotnet load/bin/Release/net10.0/FastBroker.Load.dll publish --server "$address" --count "$count" --size "$size" --producers "$producers" | tail -n 1)
  echo "fsync $fsync: $result"
  kill "$broker"; wait "$broker" || true
done
