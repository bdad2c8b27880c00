# Shared settings and helpers for start.sh and stop.sh; sourced, never run.
#
# Everything can be overridden through the environment so that tests (and two people on one machine) can run
# their own copies side by side without touching each other's servers:
#   FASTBROKER_PEERS_DIR            state dir: NAME.pid, NAME.data, NAME.log, NAME.env   (${TMPDIR:-/tmp}/fastbroker-peers)
#   FASTBROKER_REDIS_PORT           Redis port                                            (6390)
#   FASTBROKER_NATS_PORT            NATS client port                                      (4230)
#   FASTBROKER_RABBITMQ_PORT        RabbitMQ AMQP port                                    (5680)
#   FASTBROKER_RABBITMQ_DIST_PORT   Erlang distribution port of the RabbitMQ node         (AMQP port + 20000)
#   FASTBROKER_EPMD_PORT            port of the private epmd the RabbitMQ node registers in (4375)
#   FASTBROKER_RABBITMQ_NODE        Erlang node name                                      (fbpeer@localhost)
#   FASTBROKER_PEERS_TIMEOUT        seconds to wait for a server to answer or to exit     (60)

PEERS_ALL=(redis nats rabbitmq)
PEERS_DIR="${FASTBROKER_PEERS_DIR:-${TMPDIR:-/tmp}/fastbroker-peers}"
REDIS_PORT="${FASTBROKER_REDIS_PORT:-6390}"
NATS_PORT="${FASTBROKER_NATS_PORT:-4230}"
RABBITMQ_PORT="${FASTBROKER_RABBITMQ_PORT:-5680}"
RABBITMQ_DIST_PORT="${FASTBROKER_RABBITMQ_DIST_PORT:-$((RABBITMQ_PORT + 20000))}"
# A private epmd on its own port: the shared default 4369 may belong to someone else's Erlang nodes, and an epmd we
# started ourselves is one we can also stop by its PID.
EPMD_PORT="${FASTBROKER_EPMD_PORT:-4375}"
RABBITMQ_NODE="${FASTBROKER_RABBITMQ_NODE:-fbpeer@localhost}"
PEERS_TIMEOUT="${FASTBROKER_PEERS_TIMEOUT:-60}"
# The Debian wrappers in /usr/sbin switch to the rabbitmq user and drop our environment; the real scripts do not.
RABBITMQ_BIN=/usr/lib/rabbitmq/bin

log() { printf '%s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Validates peer names; no arguments means all of them.
peer_names() {
    if [ "$#" -eq 0 ]; then
        printf '%s\n' "${PEERS_ALL[@]}"
        return
    fi
    local name
    for name in "$@"; do
        case "$name" in
            redis|nats|rabbitmq) printf '%s\n' "$name" ;;
            *) log "unknown peer '$name' (expected: ${PEERS_ALL[*]})"; exit 2 ;;
        esac
    done
}

# What the server process's command line must contain, so a recycled PID is never signalled.
peer_signature() {
    case "$1" in
        redis) echo redis-server ;;
        nats) echo nats-server ;;
        rabbitmq) echo rabbitmq-server ;;
        rabbitmq-epmd) echo epmd ;;
    esac
}

# True when the process group led by $1 still has a running member. Right after "setsid cmd &" the child may not
# have become a group leader yet, so the PID itself counts too. Zombies do not count: they hold no port or file, and
# whether they are reaped is up to whoever is PID 1 here.
group_alive() {
    local member state
    for member in "$1" $(pgrep -g "$1" 2> /dev/null || true); do
        state="$(sed 's/^.*) //' "/proc/$member/stat" 2> /dev/null || true)"
        state="${state%% *}"
        if [ -n "$state" ] && [ "$state" != Z ]; then
            return 0
        fi
    done
    return 1
}

signal_group() { kill "-$1" -- "-$2" 2>/dev/null || true; kill "-$1" "$2" 2>/dev/null || true; }

# True when the recorded PID file names a live process group that really is the expected server.
recorded_alive() {
    local key="$1" file="$PEERS_DIR/$1.pid" pid args member
    [ -s "$file" ] && [ -n "$(peer_signature "$key")" ] || return 1
    pid="$(cat "$file")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    group_alive "$pid" || return 1
    # The leader may already be gone while its children linger; check whichever member is still there.
    for member in $pid $(pgrep -g "$pid" 2>/dev/null || true); do
        args="$(tr '\0' ' ' < "/proc/$member/cmdline" 2>/dev/null || true)"
        case "$args" in
            *"$(peer_signature "$key")"*) return 0 ;;
            *"-s rabbit boot"*) [ "$key" = rabbitmq ] && return 0 ;;
        esac
    done
    return 1
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Environment for the RabbitMQ node and its CLI tools, everything inside data dir $1.
rabbitmq_env() {
    local data="$1"
    export HOME="$data"
    export RABBITMQ_NODENAME="$RABBITMQ_NODE"
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_NODE_PORT="$RABBITMQ_PORT"
    export RABBITMQ_DIST_PORT
    export ERL_EPMD_ADDRESS=127.0.0.1
    export ERL_EPMD_PORT="$EPMD_PORT"
    export RABBITMQ_CONF_ENV_FILE="$data/rabbitmq-env.conf"
    export RABBITMQ_CONFIG_FILE="$data/rabbitmq.conf"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$data/enabled_plugins"
    export RABBITMQ_MNESIA_BASE="$data/mnesia"
    export RABBITMQ_LOG_BASE="$data/log"
    export RABBITMQ_PLUGINS_EXPAND_DIR="$data/plugins-expand"
    # Without this the distribution listener binds every interface; the CLI tools start a node of their own too.
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
}

# Sends SIGTERM to the process group led by $1, waits, then SIGKILL; all bounded.
terminate_group() {
    local pid="$1" what="$2" waited=0
    group_alive "$pid" || return 0
    signal_group TERM "$pid"
    while group_alive "$pid" && [ "$waited" -lt $((PEERS_TIMEOUT * 10)) ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    if group_alive "$pid"; then
        log "$what: still running ${PEERS_TIMEOUT}s after SIGTERM, sending SIGKILL"
        signal_group KILL "$pid"
        waited=0
        while group_alive "$pid" && [ "$waited" -lt 50 ]; do
            sleep 0.1
            waited=$((waited + 1))
        done
    fi
    ! group_alive "$pid"
}

# Removes the data dir and every state file of peer $1. Only a dir start.sh made (fastbroker-NAME.*) is ever removed.
remove_state() {
    local name="$1" data
    if [ -s "$PEERS_DIR/$name.data" ]; then
        data="$(cat "$PEERS_DIR/$name.data")"
        case "$data" in
            */fastbroker-"$name".*) rm -rf -- "$data" ;;
            *) log "$name: not removing unexpected data dir '$data'" ;;
        esac
    fi
    rm -f -- "$PEERS_DIR/$name.pid" "$PEERS_DIR/$name.data" "$PEERS_DIR/$name.env" "$PEERS_DIR/$name.log" \
        "$PEERS_DIR/$name-epmd.pid" "$PEERS_DIR/$name-epmd.log"
}
