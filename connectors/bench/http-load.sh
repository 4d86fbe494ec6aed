#!/usr/bin/env bash
# Load test of the HTTP ingest with wrk (docs/performance.md, "HTTP connectors"). Loopback only, bounded in time:
# for each connection count, DURATION seconds against the durable ingest and against the same listener answering
# without the bus (the ceiling), after a 5 s warm-up of each. Prints requests/s and p99 latency, and at the end the
# number of records in the topic (every 2xx of the ingest is one record).
#   connectors/bench/http-load.sh            (from the repository root; installs wrk from Debian if missing)
#   DURATION=5 CONNECTIONS="16 64" connectors/bench/http-load.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-"1 16 64"}
THREADS=${THREADS:-2}

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }

DATA_DIR=$(mktemp -d)
# each module writes its own target/http-bench.classpath; the connectors one is what the server needs
mvn -B -q -pl connectors -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/http-bench.classpath -Dmdep.includeScope=test >/dev/null
CP="connectors/target/test-classes:connectors/target/classes:bus-core/target/classes:$(cat connectors/target/http-bench.classpath)"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
INGEST_PORT=$(free_port)
LIMIT_PORT=$(free_port)

FIFO=$(mktemp -u); mkfifo "$FIFO"
OUT=$(mktemp)
java -cp "$CP" io.busbar.connectors.http.bench.HttpIngestBenchServer "$DATA_DIR" "$INGEST_PORT" "$LIMIT_PORT" \
    < "$FIFO" > "$OUT" 2>&1 &
SERVER=$!
exec 3> "$FIFO"   # the server runs until this is closed
cleanup() { exec 3>&- 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$DATA_DIR" "$FIFO" "$OUT"; }
trap cleanup EXIT
for _ in $(seq 1 120); do grep -q READY "$OUT" && break; sleep 0.5; done
grep -q READY "$OUT" || { cat "$OUT"; echo "bench server did not start"; exit 1; }

run() { # name port connections
    local result rps p99 threads=$THREADS
    (( $3 < threads )) && threads=$3
    result=$(wrk -t"$threads" -c"$3" -d"${DURATION}s" --latency -s connectors/bench/http-load.lua \
        "http://127.0.0.1:$2/topics/bench")
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$result")
    p99=$(awk '$1=="99%" {print $2}' <<<"$result")
    non2xx=$(awk '/Non-2xx/ {print $4}' <<<"$result")
    printf '%-28s connections=%-3s requests/s=%-10s p99=%-9s non-2xx=%s\n' "$1" "$3" "$rps" "$p99" "${non2xx:-0}"
}
# warm-up (JIT, connection pools, segment files), not reported
wrk -t"$THREADS" -c16 -d"${WARMUP:-5}s" -s connectors/bench/http-load.lua "http://127.0.0.1:$INGEST_PORT/topics/bench" >/dev/null
wrk -t"$THREADS" -c16 -d"${WARMUP:-5}s" -s connectors/bench/http-load.lua "http://127.0.0.1:$LIMIT_PORT/topics/bench" >/dev/null
echo "wrk $(wrk --version 2>&1 | head -1 | awk '{print $2}'), $(nproc) cores, ${DURATION}s per run, single-record JSON POST"
for c in $CONNECTIONS; do
    run "ingest (durable ack, fsync)" "$INGEST_PORT" "$c"
    run "listener only (no bus)" "$LIMIT_PORT" "$c"
done
exec 3>&-
wait "$SERVER" || true
grep 'records in topic' "$OUT" || true
