#!/usr/bin/env bash
# Starts the peer brokers the load harness compares FastBroker against, each in its durable configuration, bound to
# 127.0.0.1 only, with its data in a fresh temp dir, in the background. Stop them with stop.sh.
#
#   load/peers/start.sh [redis] [nats] [rabbitmq]      (no names: all three)
#
# Installs a missing Debian package first (apt-get; FASTBROKER_PEERS_INSTALL_ONLY=1: only that, start nothing;
# FASTBROKER_PEERS_NO_INSTALL=1: never install, fail instead, as the tests run it). Ports, state dir and timeouts come from the FASTBROKER_* variables
# described in common.sh. Prints one line per server: name, version, address, data dir, durability settings.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
. "$here/common.sh"

names_text="$(peer_names "$@")" || exit $?
mapfile -t names <<< "$names_text"
mkdir -p "$PEERS_DIR"

missing_packages() {
    local name
    for name in "${names[@]}"; do
        case "$name" in
            redis) { command -v redis-server && command -v redis-cli; } > /dev/null || echo redis-server redis-tools ;;
            nats) command -v nats-server > /dev/null || echo nats-server ;;
            rabbitmq) { [ -x "$RABBITMQ_BIN/rabbitmq-server" ] && command -v epmd; } > /dev/null || echo rabbitmq-server ;;
        esac
    done
}

ensure_packages() {
    local missing=() lock
    read -r -a missing <<< "$(missing_packages | tr '\n' ' ')"
    [ "${#missing[@]}" -eq 0 ] && return 0
    [ "${FASTBROKER_PEERS_NO_INSTALL:-0}" = 1 ] &&
        die "missing packages ${missing[*]}; install them first: FASTBROKER_PEERS_INSTALL_ONLY=1 load/peers/start.sh"
    # Several peer starts may run at once: one installs at a time, and the others find its packages when they get
    # the lock. apt itself waits for a lock held by anything else rather than failing.
    exec {lock}> "${TMPDIR:-/tmp}/fastbroker-peers-install.lock"
    flock "$lock"
    read -r -a missing <<< "$(missing_packages | tr '\n' ' ')"
    [ "${#missing[@]}" -eq 0 ] && return 0

    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo > /dev/null || die "missing packages ${missing[*]}; not root and no sudo to install them"
        sudo=(sudo -n)
    fi
    command -v apt-get > /dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
    log "installing ${missing[*]}"
    "${sudo[@]}" apt-get -o DPkg::Lock::Timeout=300 update -qq >&2 ||
        die "apt-get update failed (no network?); cannot install ${missing[*]}"
    # Debian's maintainer scripts would start the packaged services on their default ports, on every
    # interface; a policy-rc.d that answers 101 ("action forbidden") keeps them stopped. Ours run on loopback only.
    local policy=/usr/sbin/policy-rc.d placed=0
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" > /dev/null && "${sudo[@]}" chmod +x "$policy" && placed=1
    fi
    local ok=1
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" >&2 || ok=0
    [ "$placed" -eq 1 ] && "${sudo[@]}" rm -f "$policy"
    [ "$ok" -eq 1 ] || die "apt-get install ${missing[*]} failed (no network?)"
}

# Polls "$3" until it succeeds; gives up when the server's process group is gone or the timeout passes.
wait_until_ready() {
    local name="$1" pid="$2" check="$3" deadline=$((SECONDS + PEERS_TIMEOUT))
    until "$check"; do
        if ! group_alive "$pid"; then
            log "$name: exited during start-up; last lines of $PEERS_DIR/$name.log:"
            tail -n 20 "$PEERS_DIR/$name.log" >&2 || true
            return 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            log "$name: no answer within ${PEERS_TIMEOUT}s; last lines of $PEERS_DIR/$name.log:"
            tail -n 20 "$PEERS_DIR/$name.log" >&2 || true
            return 1
        fi
        sleep 0.2
    done
}

# Undoes a start that did not come up, so no half-started server or state is left behind.
abandon() {
    local name="$1" key
    for key in "$name" "$name-epmd"; do
        [ -s "$PEERS_DIR/$key.pid" ] && terminate_group "$(cat "$PEERS_DIR/$key.pid")" "$key" || true
    done
    remove_state "$name"
    die "$name did not start"
}

require_free_port() {
    if port_open "$2"; then
        die "$1: 127.0.0.1:$2 is already in use by another process (set FASTBROKER_*_PORT to use other ports)"
    fi
}

new_data_dir() {
    local data
    data="$(mktemp -d "${TMPDIR:-/tmp}/fastbroker-$1.XXXXXX")"
    printf '%s\n' "$data" > "$PEERS_DIR/$1.data"
    printf '%s\n' "$data"
}

report() {
    printf '%-9s %-18s 127.0.0.1:%-6s data=%s  durable: %s\n' "$1" "$2" "$3" "$4" "$5"
}

redis_ready() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2> /dev/null)" = PONG ]; }

start_redis() {
    require_free_port redis "$REDIS_PORT"
    local data version
    data="$(new_data_dir redis)"
    printf 'PORT=%q\n' "$REDIS_PORT" > "$PEERS_DIR/redis.env"
    # appendfsync always: Redis writes and fsyncs the AOF before it sends the replies of that event-loop pass, the
    # same group commit FastBroker does under fsync=always. save "": no RDB snapshots competing for the disk.
    setsid redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes --daemonize no \
        --dir "$data" --appendonly yes --appendfsync always --save "" \
        > "$PEERS_DIR/redis.log" 2>&1 < /dev/null &
    printf '%s\n' "$!" > "$PEERS_DIR/redis.pid"
    wait_until_ready redis "$!" redis_ready || abandon redis
    version="$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" info server | tr -d '\r' | sed -n 's/^redis_version://p')"
    report redis "Redis $version" "$REDIS_PORT" "$data" 'appendonly yes, appendfsync always, save "" (XADD replies after the AOF fsync)'
}

# The INFO line a NATS server sends first on every client connection.
nats_info() {
    (
        exec 3<> "/dev/tcp/127.0.0.1/$NATS_PORT"
        IFS= read -r -t 2 line <&3
        printf '%s\n' "$line"
    ) 2> /dev/null
}

nats_ready() { nats_info | grep -q '"jetstream":true'; }

start_nats() {
    require_free_port nats "$NATS_PORT"
    local data version
    data="$(new_data_dir nats)"
    printf 'PORT=%q\n' "$NATS_PORT" > "$PEERS_DIR/nats.env"
    # No -m: the monitoring port stays closed; no cluster or leaf ports either. nats-server 2.9.10 rejects the
    # sync_interval option (it arrived in 2.10), so JetStream acknowledges after the write to the OS and fsyncs on
    # its own two-minute timer; the target's Durability text says so.
    setsid nats-server -a 127.0.0.1 -p "$NATS_PORT" -n fbpeer-nats -js -sd "$data" \
        > "$PEERS_DIR/nats.log" 2>&1 < /dev/null &
    printf '%s\n' "$!" > "$PEERS_DIR/nats.pid"
    wait_until_ready nats "$!" nats_ready || abandon nats
    version="$(nats_info | sed -n 's/.*"version":"\([^"]*\)".*/\1/p')"
    report nats "NATS $version" "$NATS_PORT" "$data" 'JetStream file store; PubAck after write to the OS, fsync every 2 min (2.9 has no sync_interval: always)'
}

rabbitmq_ready() { timeout 20 "$RABBITMQ_BIN/rabbitmq-diagnostics" -q ping > /dev/null 2>&1; }

start_rabbitmq() {
    require_free_port rabbitmq "$RABBITMQ_PORT"
    require_free_port rabbitmq "$RABBITMQ_DIST_PORT"
    require_free_port rabbitmq "$EPMD_PORT"
    local data version
    data="$(new_data_dir rabbitmq)"
    printf 'PORT=%q\nDIST_PORT=%q\nEPMD_PORT=%q\nNODE=%q\n' \
        "$RABBITMQ_PORT" "$RABBITMQ_DIST_PORT" "$EPMD_PORT" "$RABBITMQ_NODE" > "$PEERS_DIR/rabbitmq.env"
    mkdir -p "$data/mnesia" "$data/log"
    # No plugins at all: the management plugin would open an HTTP port and cost CPU the comparison should not pay.
    printf '[].\n' > "$data/enabled_plugins"
    # An empty env file keeps /etc/rabbitmq/rabbitmq-env.conf (the system node's settings) out of this node.
    : > "$data/rabbitmq-env.conf"
    # The listener itself comes from RABBITMQ_NODE_IP_ADDRESS/RABBITMQ_NODE_PORT (see rabbitmq_env).
    printf 'loopback_users.guest = true\n' > "$data/rabbitmq.conf"
    # The node and the CLI tools authenticate to each other with this cookie, found through HOME=$data.
    od -An -N16 -tx1 /dev/urandom | tr -d ' \n' > "$data/.erlang.cookie"
    chmod 400 "$data/.erlang.cookie"

    (
        rabbitmq_env "$data"
        setsid epmd -address 127.0.0.1 -port "$EPMD_PORT" > "$PEERS_DIR/rabbitmq-epmd.log" 2>&1 < /dev/null &
        printf '%s\n' "$!" > "$PEERS_DIR/rabbitmq-epmd.pid"
        epmd_ready() { port_open "$EPMD_PORT"; }
        wait_until_ready rabbitmq-epmd "$!" epmd_ready
    ) || abandon rabbitmq
    (
        rabbitmq_env "$data"
        setsid "$RABBITMQ_BIN/rabbitmq-server" > "$PEERS_DIR/rabbitmq.log" 2>&1 < /dev/null &
        printf '%s\n' "$!" > "$PEERS_DIR/rabbitmq.pid"
        wait_until_ready rabbitmq "$!" rabbitmq_ready &&
            timeout "$PEERS_TIMEOUT" "$RABBITMQ_BIN/rabbitmqctl" -q await_startup --timeout "$PEERS_TIMEOUT" > /dev/null
    ) || abandon rabbitmq
    version="$(rabbitmq_env "$data"; timeout 20 "$RABBITMQ_BIN/rabbitmq-diagnostics" -q server_version 2> /dev/null || echo unknown)"
    report rabbitmq "RabbitMQ $version" "$RABBITMQ_PORT" "$data" \
        "node $RABBITMQ_NODE (dist 127.0.0.1:$RABBITMQ_DIST_PORT, epmd 127.0.0.1:$EPMD_PORT), no plugins; the target uses quorum queues (WAL fsync before confirm), persistent messages, publisher confirms"
}

# A state file left by a server that is no longer running: clear it so the next start is fresh.
clear_stale() {
    local name="$1"
    if [ -e "$PEERS_DIR/$name.pid" ] || [ -e "$PEERS_DIR/$name.data" ]; then
        log "$name: clearing state of a server that is no longer running"
        [ -s "$PEERS_DIR/$name-epmd.pid" ] && recorded_alive "$name-epmd" && terminate_group "$(cat "$PEERS_DIR/$name-epmd.pid")" "$name-epmd"
        remove_state "$name"
    fi
}

ensure_packages
# CI installs every peer once, before any test runs, so no two test classes install at the same time.
[ "${FASTBROKER_PEERS_INSTALL_ONLY:-0}" = 1 ] && exit 0
for name in "${names[@]}"; do
    if recorded_alive "$name"; then
        printf '%-9s already running (pid %s, data %s); stop it with %s/stop.sh %s\n' \
            "$name" "$(cat "$PEERS_DIR/$name.pid")" "$(cat "$PEERS_DIR/$name.data" 2> /dev/null || echo '?')" "$here" "$name"
        continue
    fi
    clear_stale "$name"
    "start_$name"
done
