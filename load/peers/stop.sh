#!/usr/bin/env bash
# Stops exactly the peer brokers start.sh started, by the PIDs it recorded (never by process name: other people's
# servers may run on this machine), then removes their temp data dirs and state files.
#
#   load/peers/stop.sh [redis] [nats] [rabbitmq]       (no names: all three)
#
# Uses the same FASTBROKER_PEERS_DIR as start.sh. Stopping something that is not running is not an error.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=common.sh
. "$here/common.sh"

names_text="$(peer_names "$@")" || exit $?
mapfile -t names <<< "$names_text"

# Asks the RabbitMQ node to stop cleanly first (flushes queues, deregisters from epmd); SIGTERM follows regardless.
rabbitmq_graceful_stop() {
    [ -s "$PEERS_DIR/rabbitmq.env" ] && [ -s "$PEERS_DIR/rabbitmq.data" ] || return 0
    (
        # shellcheck source=/dev/null
        . "$PEERS_DIR/rabbitmq.env"
        RABBITMQ_PORT="$PORT" RABBITMQ_DIST_PORT="$DIST_PORT" EPMD_PORT="$EPMD_PORT" RABBITMQ_NODE="$NODE"
        rabbitmq_env "$(cat "$PEERS_DIR/rabbitmq.data")"
        timeout "$PEERS_TIMEOUT" "$RABBITMQ_BIN/rabbitmqctl" -q stop > /dev/null 2>&1
    ) || log "rabbitmq: rabbitmqctl stop did not succeed; falling back to signals"
}

failed=0
for name in "${names[@]}"; do
    if [ ! -e "$PEERS_DIR/$name.pid" ] && [ ! -e "$PEERS_DIR/$name.data" ]; then
        printf '%-9s not running\n' "$name"
        continue
    fi
    stopped=1
    if recorded_alive "$name"; then
        [ "$name" = rabbitmq ] && rabbitmq_graceful_stop
        terminate_group "$(cat "$PEERS_DIR/$name.pid")" "$name" || stopped=0
    fi
    if recorded_alive "$name-epmd"; then
        terminate_group "$(cat "$PEERS_DIR/$name-epmd.pid")" "$name-epmd" || stopped=0
    fi
    if [ "$stopped" -eq 0 ]; then
        # Keep the state so a second stop.sh can try again; its data is still in use.
        log "$name: some processes survived SIGKILL; state kept in $PEERS_DIR"
        failed=1
        continue
    fi
    remove_state "$name"
    printf '%-9s stopped\n' "$name"
done
# The state dir itself goes too once nothing in it is left.
rmdir "$PEERS_DIR" 2> /dev/null || true
exit "$failed"
