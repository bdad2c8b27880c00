#!/usr/bin/env bash
# The standard comparison: FastBroker and its peers (Redis Streams, NATS JetStream, RabbitMQ) run the same
# scenarios on this machine in one go, next to the physical limits measured in the same run (sequential disk
# bandwidth with fdatasync, loopback TCP bandwidth). Rewrites the comparison section of docs/PERFORMANCE.md.
# Everything listens on and talks to 127.0.0.1 only; temp data directories are removed at the end.
#
# usage: load/compare.sh [--quick]      --quick: 2-second runs, to check the script itself
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

quick=0
[ "${1:-}" = "--quick" ] && quick=1
if [ "$quick" -eq 1 ]; then seconds=2; else seconds=15; fi
latency_seconds=$((seconds * 2 / 3 > 1 ? seconds * 2 / 3 : 2))
sizes=(100 1024)
targets=(fastbroker redis nats rabbitmq)
rates=(10000 50000)

stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
run_dir="$root/artifacts/compare/$(date -u +%Y%m%dT%H%M%SZ)"
work=$(mktemp -d /tmp/fastbroker-compare.XXXXXX)
export FASTBROKER_PEERS_DIR="$work/peers"
mkdir -p "$run_dir"
broker=
cleanup() {
  if [ -n "$broker" ]; then kill "$broker" 2>/dev/null || true; wait "$broker" 2>/dev/null || true; fi
  load/peers/stop.sh > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
say() { printf '\n== %s\n' "$*" >&2; }

say "build"
dotnet publish src/Server -c Release -o artifacts/bin > "$work/publish.log" 2>&1 || { cat "$work/publish.log"; exit 1; }
dotnet build load -c Release > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
load_dll=load/bin/Release/net10.0/FastBroker.Load.dll

say "physical limits"
disk=$(dd if=/dev/zero of="$work/dd" bs=1M count=1024 conv=fdatasync 2>&1 | tail -n 1)
rm -f "$work/dd"
disk_mbs=$(echo "$disk" | awk -F', ' '{print $NF}')
if ! command -v iperf3 > /dev/null; then
  apt-get update -qq > /dev/null 2>&1 || true
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iperf3 > /dev/null 2>&1 || true
fi
loopback="not measured (iperf3 unavailable)"
if command -v iperf3 > /dev/null; then
  iperf3 -s -B 127.0.0.1 -p 5399 -1 > /dev/null 2>&1 &
  sleep 0.5
  bits=$(iperf3 -c 127.0.0.1 -p 5399 -t 3 -f m 2>/dev/null | awk '/receiver/ {print $(NF-2)" "$(NF-1)}')
  [ -n "$bits" ] && loopback="$bits (iperf3, one TCP stream, 3 s)"
fi
echo "disk: $disk_mbs; loopback: $loopback" >&2

say "peers"
load/peers/start.sh > "$work/peers.txt"
cat "$work/peers.txt" >&2

start_broker() {
  rm -rf "$work/data"
  artifacts/bin/fastbroker serve --listen 127.0.0.1:0 --data "$work/data" --fsync "$1" --log-level warning > "$work/broker.out" 2>&1 &
  broker=$!
  for _ in $(seq 100); do grep -q "listening on" "$work/broker.out" && break; sleep 0.1; done
  address=$(sed -nE 's/.*listening on ([^ ]+).*/\1/p' "$work/broker.out")
  [ -n "$address" ] || { cat "$work/broker.out"; exit 1; }
}
stop_broker() { kill "$broker"; wait "$broker" || true; broker=; }

failures=0
run() { # target fsync-label scenario size [extra...]
  local target=$1 fsync=$2 scenario=$3 size=$4; shift 4
  local name="$target-$fsync-$scenario-${size}b${RATE_TAG:-}"
  echo "-- $name" >&2
  if ! dotnet "$load_dll" "$scenario" --target "$target" --fastbroker "$address" --fsync "$fsync" --size "$size" \
       --report-dir "$run_dir" --name "$name" "$@" > "$work/$name.out" 2>&1; then
    echo "   failed:" >&2; tail -n 5 "$work/$name.out" >&2
    failures=$((failures + 1))
  fi
}

suite() { # target fsync
  local target=$1 fsync=$2 size rate
  for size in "${sizes[@]}"; do
    # About 8 MiB of payload in flight per producer, whatever the message size.
    window=$((8 * 1024 * 1024 / size)); [ "$window" -gt 65536 ] && window=65536
    run "$target" "$fsync" publish "$size" --count 50M --duration "${seconds}s" --window "$window"
    run "$target" "$fsync" e2e "$size" --count 50M --duration "${seconds}s" --window "$window"
    for rate in "${rates[@]}"; do
      RATE_TAG="-${rate}ps" run "$target" "$fsync" latency "$size" --rate "$rate" --count $((rate * latency_seconds)) --duration "$((latency_seconds + 5))s" --linger 0
    done
  done
}

say "fastbroker, fsync always"
start_broker always
suite fastbroker always
for target in "${targets[@]:1}"; do
  say "$target"
  suite "$target" always
done
stop_broker

say "fastbroker, fsync never"
start_broker never
suite fastbroker never
stop_broker

say "combine"
dotnet "$load_dll" report --combine "$run_dir" --out "$run_dir/combined.md" --html "$run_dir/combined.html" \
  --title "FastBroker and peers, $stamp" > /dev/null

say "docs/PERFORMANCE.md"
section="$work/section.md"
{
  echo "<!-- compare:begin (written by load/compare.sh; edits here are overwritten) -->"
  echo "## Side by side with Redis Streams, NATS JetStream and RabbitMQ"
  echo
  echo "Run $stamp on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB,"
  echo "every broker on 127.0.0.1 with the load generator on the same machine. Command:"
  echo
  echo '```'
  echo "load/compare.sh$([ "$quick" -eq 1 ] && echo ' --quick')"
  echo '```'
  echo
  echo "Per target and payload size: \`publish\` (closed loop, ${seconds} s or 50M messages), \`e2e\` (publish and consume"
  echo "at once, ${seconds} s), \`latency\` (open loop at each rate for ${latency_seconds} s; latency from the *intended* send time,"
  echo "so coordinated omission is accounted for; FastBroker producers with \`--linger 0\`). Defaults otherwise: 4 partitions (streams, subjects, queues),"
  echo "2 producers with about 8 MiB of publishes in flight each (65,536 messages of 100 B, 8,192 of 1 KiB), 2 consumers. Full per-run reports (markdown, JSON, HTML)"
  echo "are written to \`artifacts/compare/\`."
  echo
  echo "### Physical limits, same run"
  echo
  echo "| limit | measured |"
  echo "|---|---|"
  echo "| sequential disk write with fdatasync (\`dd bs=1M count=1024 conv=fdatasync\`) | $disk_mbs |"
  echo "| loopback TCP | $loopback |"
  echo
  echo "### Servers"
  echo
  echo '```'
  cat "$work/peers.txt"
  echo "fastbroker: $(artifacts/bin/fastbroker serve --help > /dev/null 2>&1; echo 'native AOT build of this commit') ($(git rev-parse --short HEAD))"
  echo '```'
  echo
  echo "### Results"
  echo
  sed -e 's/^# /#### /' "$run_dir/combined.md"
  echo
  [ "$failures" -eq 0 ] || echo "$failures run(s) failed in this comparison; their rows are missing (see the script's output)."
  echo "<!-- compare:end -->"
} > "$section"

doc=docs/PERFORMANCE.md
if grep -q '<!-- compare:begin' "$doc"; then
  awk -v section="$section" '
    /<!-- compare:begin/ { while ((getline line < section) > 0) print line; skip = 1; next }
    /<!-- compare:end -->/ { skip = 0; next }
    !skip { print }' "$doc" > "$work/doc.md"
else
  { cat "$doc"; echo; cat "$section"; } > "$work/doc.md"
fi
cp "$work/doc.md" "$doc"
echo "compare: $failures failed run(s); results in $run_dir and $doc" >&2
[ "$failures" -eq 0 ]
