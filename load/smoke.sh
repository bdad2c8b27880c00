#!/usr/bin/env bash
# Smoke test of the load harness against a broker it starts itself: every scenario for a few thousand messages,
# each bounded to 5 s, on 127.0.0.1 with a throwaway data directory; then the consuming scenarios again with
# FastBroker queue consumers (pulling, and e2e pushed too), and a consumer-group rebalance (groups: 12 s, the shortest
# a 1 s session timeout allows). Exits non-zero when any run fails.
# usage: load/smoke.sh [BROKER_BINARY]   (default artifacts/aot/fastbroker, else the framework-dependent build)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-artifacts/aot/fastbroker}
if [ -x "$bin" ]; then serve=("$bin" serve); else serve=(dotnet src/Server/bin/Release/net10.0/fastbroker.dll serve); fi
work=$(mktemp -d /tmp/fastbroker-load-smoke.XXXXXX)
broker=
trap 'if [ -n "$broker" ]; then kill "$broker" 2>/dev/null || true; wait "$broker" 2>/dev/null || true; fi; rm -rf "$work"' EXIT

dotnet build load -c Release > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
[ -x "$bin" ] || dotnet build src/Server -c Release > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }

"${serve[@]}" --listen 127.0.0.1:0 --data "$work/data" --log-level warning > "$work/broker.out" 2>&1 &
broker=$!
for _ in $(seq 100); do grep -q "listening on" "$work/broker.out" && break; sleep 0.1; done
address=$(sed -nE 's/.*listening on ([^ ]+).*/\1/p' "$work/broker.out")
[ -n "$address" ] || { echo "smoke: the broker did not start"; cat "$work/broker.out"; exit 1; }

load() { dotnet load/bin/Release/net10.0/FastBroker.Load.dll "$@" --fastbroker "$address" --duration 5s --report-dir "$work/reports"; }
load publish --count 5000 --name smoke-publish
load consume --count 5000 --name smoke-consume
load e2e --count 5000 --name smoke-e2e
load latency --count 5000 --rate 5000 --name smoke-latency
queue=(--fastbroker-consumers queue --topic load-queue --consumers 3)
load consume --count 5000 "${queue[@]}" --name smoke-queue-consume
load e2e --count 5000 "${queue[@]}" --name smoke-queue-e2e
load e2e --count 5000 "${queue[@]}" --queue-receive push --name smoke-queue-e2e-push
load latency --count 5000 --rate 5000 "${queue[@]}" --name smoke-queue-latency
dotnet load/bin/Release/net10.0/FastBroker.Load.dll groups --fastbroker "$address" --topic load-groups --partitions 6 --consumers 2 \
  --rate 2000 --duration 12s --session-timeout 1s --report-dir "$work/reports" --name smoke-groups
dotnet load/bin/Release/net10.0/FastBroker.Load.dll report --combine "$work/reports" > /dev/null
echo "load smoke: 4 scenarios with stream consumers, 3 with queue consumers (e2e pulled and pushed) and groups passed against $address"
