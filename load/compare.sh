#!/usr/bin/env bash
# The standard comparison: FastBroker and its peers (Redis Streams, NATS JetStream, RabbitMQ) run the same
# scenarios on this machine in one go, next to the physical limits measured in the same run (sequential disk
# bandwidth with fdatasync, loopback TCP bandwidth). Three parts, each rewriting its own marked section of
# docs/PERFORMANCE.md:
#   streams  publish, e2e and latency; FastBroker consumers are stream cursors     (<!-- compare:begin ... -->)
#   queues   consume, e2e and latency with competing consumers acking every message: FastBroker in queue mode
#            (--fastbroker-consumers queue), the peers with their usual consumers, which already compete and
#            ack; FastBroker stream cursors as the baseline                         (<!-- queues:begin ... -->)
#   routing  filtered fan-out: one topic, 10 routes each taking 10% of the keys (FastBroker: shared subscriptions
#            with a key filter; RabbitMQ: a topic exchange bound to 10 quorum queues), drained next to the same
#            count through one unfiltered queue; the broker's resident memory per run  (<!-- routing:begin ... -->)
#   fanout   one producer stream delivered to 4 subscriptions that each get every message (FastBroker: shared
#            subscriptions, and stream groups; Redis: consumer groups; NATS: durable consumers; RabbitMQ: a fanout
#            exchange bound to quorum queues); delivery checked per subscription     (<!-- fanout:begin ... -->)
#   idempotent  publish (100 B, fsync always and never, 1 and 2 producers) with FastBroker's idempotent producers
#            off and on, taking turns, next to the peers' plain publish              (<!-- idempotent:begin ... -->)
#   groups   consumer-group rebalance under load (FastBroker only: no peer assigns partitions to group members):
#            3 members, 12 partitions, open loop; a member joins, one leaves, one is killed (<!-- groups:begin ... -->)
# Everything listens on and talks to 127.0.0.1 only; temp data directories are removed at the end.
#
# usage: load/compare.sh [--quick] [--only streams|queues|routing|fanout|idempotent|groups] [--repeat N]
#   --quick: 2-second runs, to check the script itself; --only: run one part (default: both);
#   --repeat N: every run N times (the tables then show medians and the msg/s range; the time grows N-fold)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

usage() { echo "usage: load/compare.sh [--quick] [--only streams|queues|routing|fanout|idempotent|groups] [--repeat N]" >&2; exit 2; }
quick=0
only=all
repeat=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --only) [ $# -ge 2 ] || usage; only=$2; shift ;;
    --repeat) [ $# -ge 2 ] && [[ "$2" =~ ^[1-9]$ ]] || usage; repeat=$2; shift ;;
    *) usage ;;
  esac
  shift
done
case "$only" in all|streams|queues|routing|fanout|idempotent|groups) ;; *) usage ;; esac
want() { [ "$only" = all ] || [ "$only" = "$1" ]; }
if [ "$quick" -eq 1 ]; then seconds=2; else seconds=15; fi
latency_seconds=$((seconds * 2 / 3 > 1 ? seconds * 2 / 3 : 2))
sizes=(100 1024)
targets=(fastbroker redis nats rabbitmq)
rates=(10000 50000)

stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
run_dir="$root/artifacts/compare/$(date -u +%Y%m%dT%H%M%SZ)"
streams_dir="$run_dir/streams"
queues_dir="$run_dir/queues"
routing_dir="$run_dir/routing"
# The run with ten times the messages goes apart: it is there for the broker's memory, not for the table.
routing_memory_dir="$run_dir/routing-memory"
fanout_dir="$run_dir/fanout"
idempotent_dir="$run_dir/idempotent"
groups_dir="$run_dir/groups"
work=$(mktemp -d /tmp/fastbroker-compare.XXXXXX)
export FASTBROKER_PEERS_DIR="$work/peers"
mkdir -p "$streams_dir" "$queues_dir" "$routing_dir" "$routing_memory_dir" "$fanout_dir" "$idempotent_dir" "$groups_dir"
# The queue comparison's FastBroker consumers: pull (receive up to 1000, ack the batch in one frame) measured
# faster than push on this machine; see load/README.md.
queue_args=(--fastbroker-consumers queue --queue-receive pull)
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
# The routing part alone needs only RabbitMQ; the groups part none (an empty list would start them all).
if [ "$only" = routing ]; then peers=(rabbitmq); else peers=(); fi
if [ "$only" = groups ]; then
  echo "(no peers: the groups part runs FastBroker only)" > "$work/peers.txt"
else
  load/peers/start.sh "${peers[@]}" > "$work/peers.txt"
fi
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
run() { # dir target fsync-label scenario size [extra...]; RUN_TAG names the variant, RATE_TAG the rate
  local dir=$1 target=$2 fsync=$3 scenario=$4 size=$5; shift 5
  local base="$target${RUN_TAG:-}-$fsync-$scenario-${size}b${RATE_TAG:-}" name r
  for r in ${RUN_REPEATS:-$(seq "$repeat")}; do
    name=$base
    [ "$repeat" -eq 1 ] || name="$base-r$r"
    echo "-- $name" >&2
    if ! dotnet "$load_dll" "$scenario" --target "$target" --fastbroker "$address" --fsync "$fsync" --size "$size" \
         --report-dir "$dir" --name "$name" "$@" > "$work/$name.out" 2>&1; then
      echo "   failed:" >&2; tail -n 5 "$work/$name.out" >&2
      failures=$((failures + 1))
      echo "$name" >> "$work/$(basename "$dir").failed"
    fi
  done
}

# Copies the reports of run NAME (all its repeats) from the streams part into the queues part; false when the
# streams part has none.
reuse() { # name
  local files=("$streams_dir/$1".json "$streams_dir/$1"-r[0-9].json) file found=1
  for file in "${files[@]}"; do
    [ -f "$file" ] || continue
    cp "${file%.json}".* "$queues_dir/"
    found=0
  done
  return "$found"
}

# About 8 MiB of payload in flight per producer, whatever the message size.
window_for() { local w=$((8 * 1024 * 1024 / $1)); [ "$w" -gt 65536 ] && w=65536; echo "$w"; }

e2e_run() { # dir target fsync size [extra...]
  local dir=$1 target=$2 fsync=$3 size=$4; shift 4
  run "$dir" "$target" "$fsync" e2e "$size" --count 50M --duration "${seconds}s" --window "$(window_for "$size")" "$@"
}

latency_run() { # dir target fsync size rate [extra...]
  local dir=$1 target=$2 fsync=$3 size=$4 rate=$5; shift 5
  RATE_TAG="-${rate}ps" run "$dir" "$target" "$fsync" latency "$size" --rate "$rate" --count $((rate * latency_seconds)) \
    --duration "$((latency_seconds + 5))s" --linger 0 "$@"
}

suite() { # target fsync
  local target=$1 fsync=$2 size rate
  for size in "${sizes[@]}"; do
    run "$streams_dir" "$target" "$fsync" publish "$size" --count 50M --duration "${seconds}s" --window "$(window_for "$size")"
    e2e_run "$streams_dir" "$target" "$fsync" "$size"
    for rate in "${rates[@]}"; do
      latency_run "$streams_dir" "$target" "$fsync" "$size" "$rate"
    done
  done
}

# The work-queue comparison, one step at a time: consume (100 B), e2e (100 B, 1 KiB), latency at each rate (100 B).
# A run the streams part already made with the very same settings (the peers' and FastBroker stream cursors' e2e
# and latency) is reused rather than run again, which keeps the whole script near 20 minutes.
queue_steps=(consume e2e-100 e2e-1024)
for rate in "${rates[@]}"; do queue_steps+=("latency-$rate"); done
queue_step() { # step target fsync [extra...]
  local step=$1 target=$2 fsync=$3; shift 3
  case "$step" in
    consume)
      run "$queues_dir" "$target" "$fsync" consume 100 --count "$consume_count" --duration "${seconds}s" --window "$(window_for 100)" "$@" ;;
    e2e-*)
      [ -z "${RUN_TAG:-}" ] && reuse "$target-$fsync-e2e-${step#e2e-}b" || e2e_run "$queues_dir" "$target" "$fsync" "${step#e2e-}" "$@" ;;
    latency-*)
      [ -z "${RUN_TAG:-}" ] && reuse "$target-$fsync-latency-100b-${step#latency-}ps" || latency_run "$queues_dir" "$target" "$fsync" 100 "${step#latency-}" "$@" ;;
  esac
}
if [ "$quick" -eq 1 ]; then consume_count=200k; else consume_count=2M; fi

if want streams || want queues; then
say "fastbroker, fsync always"
start_broker always
if want streams; then suite fastbroker always; fi
if want queues; then
  # Stream cursors and queue consumers take turns step by step, so both meet the same state of a shared machine.
  for step in "${queue_steps[@]}"; do
    queue_step "$step" fastbroker always
    RUN_TAG=-queue queue_step "$step" fastbroker always "${queue_args[@]}"
  done
fi
for target in "${targets[@]:1}"; do
  say "$target"
  if want streams; then suite "$target" always; fi
  if want queues; then for step in "${queue_steps[@]}"; do queue_step "$step" "$target" always; done; fi
done
stop_broker

say "fastbroker, fsync never"
start_broker never
if want streams; then suite fastbroker never; fi
if want queues; then for step in "${queue_steps[@]}"; do RUN_TAG=-queue queue_step "$step" fastbroker never "${queue_args[@]}"; done; fi
stop_broker
fi

# Filtered fan-out. Each FastBroker run (each repeat) gets a fresh broker, so its resident memory (sampled by the harness at
# the start, after the fill and at the end, --rss-pid) belongs to that run alone.
routes=10
if [ "$quick" -eq 1 ]; then routing_count=100k; routing_big=1M; routing_seconds=10; else routing_count=1M; routing_big=10M; routing_seconds=120; fi
routed_args=(--routes "$routes")
routing_run() { # dir target tag count [extra...]
  local dir=$1 target=$2 tag=$3 count=$4; shift 4
  RUN_TAG=$tag run "$dir" "$target" always consume 100 --count "$count" --duration "${routing_seconds}s" --window "$(window_for 100)" "$@"
}
routing_fastbroker() { # dir tag count [extra...]
  local dir=$1 tag=$2 count=$3; shift 3
  start_broker always
  routing_run "$dir" fastbroker "$tag" "$count" --rss-pid "$broker" "$@"
  stop_broker
}
if want routing; then
  say "routing"
  # Unfiltered and routed take turns, repeat by repeat, so both meet the same state of the shared machine; every
  # repeat of a FastBroker run has a broker of its own (RUN_REPEATS: the one repeat `run` does).
  for r in $(seq "$repeat"); do
    RUN_REPEATS=$r routing_fastbroker "$routing_dir" -queue "$routing_count" "${queue_args[@]}"
    RUN_REPEATS=$r routing_fastbroker "$routing_dir" "-routes$routes" "$routing_count" "${routed_args[@]}"
    RUN_REPEATS=$r routing_run "$routing_dir" rabbitmq "" "$routing_count"
    RUN_REPEATS=$r routing_run "$routing_dir" rabbitmq "-routes$routes" "$routing_count" "${routed_args[@]}"
  done
  for r in $(seq "$repeat"); do
    RUN_REPEATS=$r routing_fastbroker "$routing_memory_dir" "-routes$routes-x10" "$routing_big" "${routed_args[@]}"
  done
fi

# Fan-out: every subscription gets every message; the harness fails a run in which one missed any. FastBroker's
# shared subscriptions (queue/pull) and stream groups take turns with the peers, repeat by repeat. The count is one
# the slowest peer delivers to every subscription within the time limit (RabbitMQ: about 20k deliveries/s here), so
# a run ends by its count, not with a backlog cut off by the deadline (which the harness reports as incomplete).
fanout_n=4
if [ "$quick" -eq 1 ]; then fanout_count=50k; fanout_seconds=30; else fanout_count=200k; fanout_seconds=120; fi
fanout_run() { # target [extra...]
  local target=$1; shift
  run "$fanout_dir" "$target" always fanout 100 --fanout "$fanout_n" --count "$fanout_count" --duration "${fanout_seconds}s" \
    --window "$(window_for 100)" "$@"
}
if want fanout; then
  say "fanout"
  start_broker always
  for r in $(seq "$repeat"); do
    RUN_REPEATS=$r RUN_TAG=-queue fanout_run fastbroker "${queue_args[@]}"
    RUN_REPEATS=$r RUN_TAG=-stream fanout_run fastbroker --fastbroker-consumers stream
    for target in "${targets[@]:1}"; do RUN_REPEATS=$r fanout_run "$target"; done
  done
  stop_broker
fi

# Idempotent publish: the streams part's publish (100 B, closed loop, about 8 MiB in flight per producer) with 1 and 2
# producers, FastBroker's idempotent producers off and on taking turns step by step under one broker per fsync policy,
# so both meet the same state of the shared machine; the peers' plain publish next to it, under the same broker.
idempotent_producers=(1 2)
idempotent_run() { # target fsync producers [extra...]
  local target=$1 fsync=$2 producers=$3; shift 3
  run "$idempotent_dir" "$target" "$fsync" publish 100 --count 50M --duration "${seconds}s" --window "$(window_for 100)" \
    --producers "$producers" "$@"
}
if want idempotent; then
  say "idempotent publish"
  for fsync in always never; do
    start_broker "$fsync"
    for r in $(seq "$repeat"); do
      for producers in "${idempotent_producers[@]}"; do
        # Which goes first alternates by repeat, so neither always follows the peers' runs (RabbitMQ's quorum
        # queues go on writing for a while after a run).
        for mode in $( [ $((r % 2)) -eq 1 ] && echo off on || echo on off ); do
          RUN_REPEATS=$r RUN_TAG="-p$producers-idem-$mode" idempotent_run fastbroker "$fsync" "$producers" --idempotent "$mode"
        done
        if [ "$fsync" = always ]; then
          for target in "${targets[@]:1}"; do RUN_REPEATS=$r RUN_TAG="-p$producers" idempotent_run "$target" always "$producers"; done
        fi
      done
    done
    stop_broker
  done
fi

# Consumer-group rebalance under load, FastBroker only (see the groups section for why no peer runs it): 3 members of
# one group on 12 partitions at a fixed rate; a 4th joins at a quarter of the run, the oldest leaves cleanly at half,
# the next is killed at three quarters (session timeout 3 s). Each repeat has a broker of its own.
groups_rate=20000
groups_session=3s
if [ "$quick" -eq 1 ]; then groups_seconds=28; else groups_seconds=60; fi
if want groups; then
  say "groups"
  for r in $(seq "$repeat"); do
    start_broker always
    RUN_REPEATS=$r run "$groups_dir" fastbroker always groups 100 --partitions 12 --consumers 3 --rate "$groups_rate" \
      --count 50M --duration "${groups_seconds}s" --session-timeout "$groups_session" --linger 0
    stop_broker
  done
fi

say "combine"
combine() { # dir title
  dotnet "$load_dll" report --combine "$1" --out "$1/combined.md" --html "$1/combined.html" --title "$2, $stamp" > /dev/null
}
if want streams; then combine "$streams_dir" "FastBroker and peers"; fi
if want queues; then combine "$queues_dir" "Work queues: FastBroker and peers"; fi
if want routing; then combine "$routing_dir" "Routing: FastBroker and RabbitMQ"; fi
if want fanout; then combine "$fanout_dir" "Fan-out: FastBroker and peers"; fi

command_line=load/compare.sh
[ "$quick" -eq 0 ] || command_line+=" --quick"
[ "$only" = all ] || command_line+=" --only $only"
[ "$repeat" -eq 1 ] || command_line+=" --repeat $repeat"

machine_and_limits() {
  echo "Run $stamp on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB,"
  echo "every broker on 127.0.0.1 with the load generator on the same machine. Command:"
  echo
  echo '```'
  echo "$command_line"
  echo '```'
  echo
}

limits_and_servers() {
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
  echo "fastbroker: native AOT build of this commit ($(git rev-parse --short HEAD))"
  echo '```'
  echo
}

failed_note() { # part
  [ -f "$work/$1.failed" ] || return 0
  echo "$(wc -l < "$work/$1.failed") run(s) failed in this comparison and their rows are missing: $(paste -sd ' ' "$work/$1.failed") (see the script's output)."
}

streams_section() {
  echo "<!-- compare:begin (written by load/compare.sh; edits here are overwritten) -->"
  echo "## Side by side with Redis Streams, NATS JetStream and RabbitMQ"
  echo
  machine_and_limits
  echo "Per target and payload size: \`publish\` (closed loop, ${seconds} s or 50M messages), \`e2e\` (publish and consume"
  echo "at once, ${seconds} s), \`latency\` (open loop at each rate for ${latency_seconds} s; latency from the *intended* send time,"
  echo "so coordinated omission is accounted for; FastBroker producers with \`--linger 0\`). Defaults otherwise: 4 partitions (streams, subjects, queues),"
  echo "2 producers with about 8 MiB of publishes in flight each (65,536 messages of 100 B, 8,192 of 1 KiB), 2 consumers. Full per-run reports (markdown, JSON, HTML)"
  echo "are written to \`artifacts/compare/\`."
  echo
  limits_and_servers
  echo "### Results"
  echo
  sed -e 's/^# /#### /' "$streams_dir/combined.md"
  echo
  failed_note streams
  echo "<!-- compare:end -->"
}

queues_section() {
  echo "<!-- queues:begin (written by load/compare.sh; edits here are overwritten) -->"
  echo "## Work queues side by side: competing consumers that ack every message"
  echo
  machine_and_limits
  echo "Every target's consumers compete for the messages of every partition (the peers: one stream, subject or quorum"
  echo "queue per partition) and ack each message after the handler saw it; a message counts when the handler sees it,"
  echo "for every target alike. FastBroker runs in queue mode"
  echo "(\`--fastbroker-consumers queue --queue-receive pull\`: the topic is created as a queue, each consumer receives up"
  echo "to 1,000 messages per long poll from every partition and acks the batch in one frame), under \`fsync always\` and"
  echo "\`never\`; its stream cursors (no per-message acks) are the baseline. How each target consumes and acks"
  echo "(details in load/README.md, \"Like for like\"):"
  echo
  echo "| target | consumers get messages by | ack | the ack is answered |"
  echo "|---|---|---|---|"
  echo "| fastbroker queue/pull | Receive of up to 1,000 from every partition (100 ms long poll), the next one asked for before handling | one Ack frame per batch, awaited (at most 4 frames unanswered before the loop waits) | after the ack is durable under the broker's fsync policy |"
  echo "| fastbroker (stream cursors, the baseline) | Fetch of its own partitions (p % consumers == i) | none per message; the group position is committed every second | after the commit is durable |"
  echo "| redis | XREADGROUP COUNT 1000 BLOCK 100 over every stream, one consumer group | XACK per batch, awaited before the next read | after the AOF write is fsynced (\`appendfsync always\`) |"
  echo "| nats | one durable pull consumer (MaxMsgs 1000; the client keeps pulls going), explicit acks | AckAsync per message, awaited: written to the connection | never (no double ack): fire and forget |"
  echo "| rabbitmq | push, prefetch 1000 per queue, each consumer on every queue | BasicAck per message (\`multiple=false\`), awaited: written to the channel | never (AMQP acks have no reply) |"
  echo
  echo "Per target: \`consume\` (fill the queue with up to ${consume_count} messages of 100 B, untimed, then time the two"
  echo "consumers draining it; fill and drain each at most ${seconds} s), \`e2e\` (publish and consume at once, ${seconds} s, 100 B and 1 KiB),"
  echo "\`latency\` (open loop at each rate for ${latency_seconds} s, 100 B, latency from the *intended* send time; FastBroker producers"
  echo "with \`--linger 0\`). 4 partitions, 2 producers, 2 consumers. FastBroker's stream and queue runs take turns step by step, so"
  echo "both meet the same state of the shared machine.$([ "$repeat" -eq 1 ] || echo " Every run ${repeat} times: each cell is the median, msg/s also shows the range.")"
  echo "Full per-run reports are written to \`artifacts/compare/\`."
  echo
  limits_and_servers
  echo "### Results"
  echo
  sed -e 's/^# /#### /' "$queues_dir/combined.md"
  echo
  failed_note queues
  echo "<!-- queues:end -->"
}

# The median msg/s of the successful runs named NAME (all repeats) in DIR; empty when there are none.
median_rate() { # dir name
  local files=("$1/$2".json "$1/$2"-r[0-9].json) present=() file
  for file in "${files[@]}"; do [ -f "$file" ] && present+=("$file"); done
  [ "${#present[@]}" -gt 0 ] || return 0
  jq -s 'map(select(.error == null) | .result.messagesPerSecond) | sort
         | if length == 0 then empty elif length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end' "${present[@]}"
}

ratio_line() { # label routed-name unfiltered-name
  local routed unfiltered
  routed=$(median_rate "$routing_dir" "$2")
  unfiltered=$(median_rate "$routing_dir" "$3")
  if [ -z "$routed" ] || [ -z "$unfiltered" ]; then
    echo "| $1 | - | - | - (a run failed) |"
    return
  fi
  awk -v label="$1" -v r="$routed" -v u="$unfiltered" '
    function thousands(n,  s) { s = sprintf("%d", n + 0.5); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s }
    BEGIN { printf "| %s | %s | %s | %.0f%% |\n", label, thousands(r), thousands(u), 100 * r / u }'
}

# One row per FastBroker run (every repeat): messages filled, then the broker's VmRSS at the three points.
memory_rows() { # dir
  local file
  for file in "$1"/fastbroker*.json; do
    [ -f "$file" ] || continue
    jq -r 'def at($p): [.brokerMemory[]? | select(.point == $p) | .rssBytes][0] // -1;
      [.name, .scenarioLabel, (.result.fill.messages // 0), at("start"), at("after fill"), at("end")] | @tsv' "$file"
  done | awk -F'\t' '
    function thousands(n,  s) { s = sprintf("%d", n); while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); return s }
    function mib(b) { return b < 0 ? "-" : sprintf("%.1f MiB", b / 1048576) }
    { printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, thousands($3), mib($4), mib($5), mib($6) }'
}

routing_section() {
  echo "<!-- routing:begin (written by load/compare.sh; edits here are overwritten) -->"
  echo "## Routing side by side: filtered fan-out against RabbitMQ's topic exchange"
  echo
  machine_and_limits
  echo "${routes} routes: the publishers key message *i* \`r{i % ${routes}}.{word}\` (\`--routes ${routes}\`), so each route takes 10%"
  echo "of the messages. FastBroker: the topic with ${routes} shared subscriptions \`{topic}-r{k}\`, each with the filter"
  echo "\`key ~ \"r{k}.#\"\` (PROTOCOL.md section 14), so each subscription skips 90% of the log; every consumer pulls from every"
  echo "subscription (up to 1,000 per receive) and acks each batch in one frame. RabbitMQ: a durable topic exchange bound to"
  echo "${routes} quorum queues with binding keys \`r{k}.#\`, persistent messages published with the key as routing key and"
  echo "publisher confirms; each consumer on every queue, prefetch 1,000 per queue, each message acked. The unfiltered baseline"
  echo "is the same \`consume\` unrouted (FastBroker \`--fastbroker-consumers queue\`: one queue; RabbitMQ: one quorum queue per"
  echo "partition): every message is delivered once in both cases. Each \`consume\` fills the topic with up to ${routing_count}"
  echo "messages of 100 B (untimed), then times 2 consumers draining it; fill and drain each at most ${routing_seconds} s. 4 partitions,"
  echo "2 producers. fsync always. Each FastBroker run, every repeat of it too, has a fresh broker.$([ "$repeat" -eq 1 ] || echo " Every run ${repeat} times: each cell is the median, msg/s also shows the range.")"
  echo "Full per-run reports are written to \`artifacts/compare/\`."
  echo
  limits_and_servers
  echo "### Results"
  echo
  sed -e 's/^# /#### /' "$routing_dir/combined.md"
  echo
  echo "### Filtered against unfiltered drain"
  echo
  echo "Goal: filtered delivery costs at most 20% of the unfiltered drain throughput (routed/unfiltered ≥ 80%)."
  echo
  echo "| target | routed msg/s | unfiltered msg/s | routed / unfiltered |"
  echo "|---|---:|---:|---:|"
  ratio_line "fastbroker (fsync always)" "fastbroker-routes$routes-always-consume-100b" "fastbroker-queue-always-consume-100b"
  ratio_line "rabbitmq" "rabbitmq-routes$routes-always-consume-100b" "rabbitmq-always-consume-100b"
  echo
  echo "### Broker memory"
  echo
  echo "FastBroker's resident memory (Linux VmRSS of the broker process, read by the harness from /proc) when the run"
  echo "starts, after the fill and after the drain. The last run has ten times the messages (${routing_big}), so ten times"
  echo "the messages each subscription's filter skips; goal: its memory does not grow with them. The fill runs before any"
  echo "consumer reads, so what grows up to \`after fill\` is the publish side's; what routing costs shows from \`after fill\` to"
  echo "\`after drain\`."
  echo
  echo "| run | scenario | messages filled | start | after fill | after drain |"
  echo "|---|---|---:|---:|---:|---:|"
  memory_rows "$routing_dir"
  memory_rows "$routing_memory_dir"
  echo
  failed_note routing
  failed_note routing-memory
  echo "<!-- routing:end -->"
}

fanout_section() {
  echo "<!-- fanout:begin (written by load/compare.sh; edits here are overwritten) -->"
  echo "## Fan-out side by side: every subscription gets every message"
  echo
  machine_and_limits
  echo "\`fanout --fanout ${fanout_n}\`: 2 producers publish up to ${fanout_count} messages of 100 B (closed loop, at most ${fanout_seconds} s) while"
  echo "${fanout_n} subscriptions, one consumer each, each receive every message and ack it. msg/s counts deliveries to all"
  echo "subscriptions together (${fanout_n} per message published); latency is e2e's, one value per delivery. Every run checks"
  echo "each subscription's sequence numbers and fails on a missing message. FastBroker (fsync always): ${fanout_n} shared"
  echo "subscriptions on the topic, each pulled by its consumer (\`queue/pull\`, batches of 1,000 acked in one frame), and"
  echo "${fanout_n} stream groups (\`fastbroker\`: one stream cursor per group over every partition, position committed every"
  echo "second, no per-message acks). Redis: one stream, ${fanout_n} consumer groups (XREADGROUP, XACK per batch). NATS: one"
  echo "stream, ${fanout_n} durable pull consumers (ack per message). RabbitMQ: a fanout exchange bound to ${fanout_n} quorum queues"
  echo "(manual ack per message).$([ "$repeat" -eq 1 ] || echo " Every run ${repeat} times: each cell is the median, msg/s also shows the range.")"
  echo "Full per-run reports are written to \`artifacts/compare/\`."
  echo
  limits_and_servers
  echo "### Results"
  echo
  sed -e 's/^# /#### /' "$fanout_dir/combined.md"
  echo
  failed_note fanout
  echo "<!-- fanout:end -->"
}

# "median (min-max)" of the msg/s of the successful runs named NAME (all repeats) in DIR, in thousands; "-" when none.
rate_range() { # dir name
  local files=("$1/$2".json "$1/$2"-r[0-9].json) present=() file
  for file in "${files[@]}"; do [ -f "$file" ] && present+=("$file"); done
  [ "${#present[@]}" -gt 0 ] || { echo "- (failed)"; return; }
  jq -rs 'map(select(.error == null) | .result.messagesPerSecond) | sort
          | if length == 0 then "- (failed)" else
              (if length % 2 == 1 then .[length / 2 | floor] else (.[length / 2 - 1] + .[length / 2]) / 2 end) as $m
              | if length == 1 then "\($m / 1000 | round)k" else "\($m / 1000 | round)k (\(.[0] / 1000 | round)k-\(.[-1] / 1000 | round)k)" end
            end' "${present[@]}"
}

# One row per variant of the idempotent part: median msg/s of its runs (and their range), and FastBroker's on/off ratio
# of the medians.
idempotent_rows() {
  local fsync producers target off on
  for fsync in always never; do
    for producers in "${idempotent_producers[@]}"; do
      off=$(median_rate "$idempotent_dir" "fastbroker-p$producers-idem-off-$fsync-publish-100b")
      on=$(median_rate "$idempotent_dir" "fastbroker-p$producers-idem-on-$fsync-publish-100b")
      awk -v label="fastbroker (fsync $fsync)" -v p="$producers" -v off="$off" -v on="$on" \
          -v offr="$(rate_range "$idempotent_dir" "fastbroker-p$producers-idem-off-$fsync-publish-100b")" \
          -v onr="$(rate_range "$idempotent_dir" "fastbroker-p$producers-idem-on-$fsync-publish-100b")" '
        BEGIN { printf "| %s | %s | %s | %s | %s |\n", label, p, offr, onr, (off == "" || on == "") ? "-" : sprintf("%.0f%%", 100 * on / off) }'
    done
  done
  for target in "${targets[@]:1}"; do
    for producers in "${idempotent_producers[@]}"; do
      echo "| $target (plain publish) | $producers | $(rate_range "$idempotent_dir" "$target-p$producers-always-publish-100b") | - | - |"
    done
  done
}

idempotent_section() {
  echo "<!-- idempotent:begin (written by load/compare.sh; edits here are overwritten) -->"
  echo "## Idempotent publish: what FastBroker's producer ids and sequence numbers cost"
  echo
  machine_and_limits
  echo "\`publish\` of 100 B messages (closed loop, ${seconds} s or 50M messages, about 8 MiB in flight per producer: window 65,536;"
  echo "FastBroker producers with the default batch 256 KiB and linger 1 ms) with 1 and 2 producers. FastBroker runs every step"
  echo "with \`--idempotent off\` and then \`on\` (a producer id from InitProducer, sequence-numbered batches, duplicates"
  echo "answered with the original offset by the broker), under \`fsync always\` and \`never\`. The peers publish plainly: none of"
  echo "their harness targets deduplicates (NATS JetStream's equivalent, a \`Nats-Msg-Id\` header per message checked against the"
  echo "stream's duplicate window, needs a header per publish that the harness's NATS publisher does not set), so their rows"
  echo "are the baseline of the machine, not an idempotent equivalent. msg/s in thousands$([ "$repeat" -eq 1 ] || echo ": the median of ${repeat} runs and their range; off and on take turns, the first of the two alternating by repeat; on / off compares the medians")."
  echo "Full per-run reports are written to \`artifacts/compare/\`."
  echo
  limits_and_servers
  echo "### Results"
  echo
  echo "| target | producers | msg/s, idempotent off | msg/s, idempotent on | on / off |"
  echo "|---|---:|---:|---:|---:|"
  idempotent_rows
  echo
  failed_note idempotent
  echo "<!-- idempotent:end -->"
}

# The phase table of one groups run from its JSON report's notes ("Phase NAME (FROM-TO s): F1; F2; ...").
groups_table() { # json
  echo "| phase | delivered msg/s | p50 | p99 | p99.9 | max | longest partition gap | longest unowned | delivered | duplicates |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  jq -r '.notes[] | select(startswith("Phase "))' "$1" | sed -E 's/^Phase ([^:]+): /\1; /; s/ msg\/s;/;/; s/ (p50|p99|p99\.9|max|longest partition gap|longest unowned) / /g; s/^(.*)\.$/\1/' |
    awk -F'; ' '{ row = "|"; for (i = 1; i <= NF; i++) { v = $i; sub(/^(p50|p99|p99\.9|max|longest partition gap|longest unowned) /, "", v); sub(/ (delivered|duplicates)$/, "", v); row = row " " v " |" } print row }'
}

groups_section() {
  local file
  echo "<!-- groups:begin (written by load/compare.sh; edits here are overwritten) -->"
  echo "## Consumer-group rebalance under load"
  echo
  machine_and_limits
  echo "\`groups\`: 3 members of one consumer group (ClientLite \`TopicReader\` with a group and no partitions: the broker assigns"
  echo "them, sticky and cooperative, PROTOCOL.md 5.29-5.31) read a topic of 12 partitions that 2 producers feed open loop at"
  echo "${groups_rate} msg/s of 100 B (\`--linger 0\`, fsync always) for ${groups_seconds} s. At a quarter of the run a 4th member joins; at half the"
  echo "oldest leaves cleanly (commits, then LeaveGroup); at three quarters the next is killed: it stops reading, committing"
  echo "and heartbeating at once, so its partitions move only when its session timeout (${groups_session}) has passed. Members heartbeat every"
  echo "third of the session timeout and commit every second; ClientLite commits a revoked partition before it gives it back."
  echo "Latency is measured from each message's intended send time; each delivery counts in the phase it was received in. A"
  echo "phase \`join\`/\`leave\` is the session timeout after the change, \`kill\` twice that. *Longest partition gap*: the longest time"
  echo "between two deliveries of one partition (to any member); *longest unowned*: the longest a partition had no live owner"
  echo "as the members last learnt their assignments (sampled every 10 ms); *duplicates*: deliveries of a message the group had"
  echo "received before (sequence numbers checked across members). A message never received fails the run."
  echo
  echo "No peer runs this. Redis Streams consumer groups, NATS JetStream pull consumers and RabbitMQ queues hand out"
  echo "individual messages to competing consumers and own no partitions, so there is nothing to rebalance (a dead"
  echo "consumer's unacked messages come back after a timeout: Redis XAUTOCLAIM, NATS AckWait, RabbitMQ on channel close)."
  echo "RabbitMQ's single-active-consumer is failover per queue (the first consumer of each queue gets it all; another takes"
  echo "over when it goes), not a balanced assignment, and Kafka, whose consumer groups are the model here, is not installed."
  echo "So FastBroker is compared with its own steady phase in the same run."
  echo
  limits_and_servers
  echo "### Results"
  echo
  for file in "$groups_dir"/*.json; do
    [ -f "$file" ] || continue
    echo "#### $(basename "$file" .json)"
    echo
    if [ "$(jq -r '.error // empty' "$file")" != "" ]; then
      echo "The run failed: $(jq -r '.error' "$file")"
      echo
    fi
    groups_table "$file"
    echo
    jq -r '.notes[] | select(startswith("Change ") or startswith("Group total") or startswith("The publishers")) | "- " + .' "$file"
    echo
  done
  failed_note groups
  echo "<!-- groups:end -->"
}

# Replaces the section between <!-- NAME:begin and <!-- NAME:end --> in the doc, or appends it.
replace_section() { # marker file
  local marker=$1 section=$2 doc=docs/PERFORMANCE.md
  if grep -q "<!-- $marker:begin" "$doc"; then
    awk -v section="$section" -v begin="<!-- $marker:begin" -v end="<!-- $marker:end -->" '
      index($0, begin) == 1 { while ((getline line < section) > 0) print line; skip = 1; next }
      index($0, end) == 1 { skip = 0; next }
      !skip { print }' "$doc" > "$work/doc.md"
  else
    { cat "$doc"; echo; cat "$section"; } > "$work/doc.md"
  fi
  cp "$work/doc.md" "$doc"
}

say "docs/PERFORMANCE.md"
if want streams; then streams_section > "$work/streams.md"; replace_section compare "$work/streams.md"; fi
if want queues; then queues_section > "$work/queues.md"; replace_section queues "$work/queues.md"; fi
if want routing; then routing_section > "$work/routing.md"; replace_section routing "$work/routing.md"; fi
if want fanout; then fanout_section > "$work/fanout.md"; replace_section fanout "$work/fanout.md"; fi
if want idempotent; then idempotent_section > "$work/idempotent.md"; replace_section idempotent "$work/idempotent.md"; fi
if want groups; then groups_section > "$work/groups.md"; replace_section groups "$work/groups.md"; fi
echo "compare: $failures failed run(s); results in $run_dir and docs/PERFORMANCE.md" >&2
[ "$failures" -eq 0 ]
