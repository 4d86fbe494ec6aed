#!/usr/bin/env bash
# The two latency cases of compare.sh (producer p99 at a fixed rate; end to end with one record in flight) alone, on
# brokers started once and warmed up, several repetitions alternating the broker order. For before/after runs of a
# change on the latency path without the whole compare.sh. Every tool run (warm-ups included) takes
# flock /tmp/bench.lock, so it never overlaps another benchmark that does the same. See docs/performance.md.
#
#   bench/kafka-perf/latency-probe.sh                         # Kafka 4.1.2 and this checkout's Busbar
#   BROKERS="kafka before=/tmp/busbar-before busbar" bench/kafka-perf/latency-probe.sh   # before/after
#
# BROKERS: any of kafka (4.1.2, default configuration), busbar (this checkout's build), NAME=DIR (Busbar built
# elsewhere: DIR holds bus-kafka/target/classes, bus-core/target/classes and bus-kafka/target/broker-classpath.txt,
# e.g. a copy of those taken before a change). ARGS_<NAME>: further BusbarBroker arguments for that broker, e.g.
#   BROKERS="kafka off=. busbar" ARGS_off="--log-preallocate-bytes 0" bench/kafka-perf/latency-probe.sh
# Environment (defaults): BROKERS ("kafka busbar"), CASES ("e2e p99"), REPS (3), E2E_MESSAGES (10000), P99_RECORDS
#   (500000), P99_RATE (50000), WARMUP_RECORDS (500000 x 100 B on 4 partitions, produced and consumed, plus one
#   uncounted end-to-end run of 2000), BUSBAR_JVM (extra JVM options for Busbar's brokers), RESULTS (a fresh
#   /tmp/busbar-latency.* directory), SKIP_BUILD.
# Prints one line per run: rep, broker, case, 1-minute load average just before, and the tool's figures. End-to-end
# runs also write every round trip (ack and total nanoseconds) to raw/*-e2e.trips.tsv.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/kafka-perf"
BROKERS=${BROKERS:-"kafka busbar"}
BROKER_SPECS=$BROKERS
CASES=${CASES:-"e2e p99"}
REPS=${REPS:-3}
E2E_MESSAGES=${E2E_MESSAGES:-10000}
P99_RECORDS=${P99_RECORDS:-500000}
P99_RATE=${P99_RATE:-50000}
WARMUP_RECORDS=${WARMUP_RECORDS:-500000}
WORK=$(mktemp -d /tmp/busbar-latency-work.XXXXXX)
RESULTS=${RESULTS:-$(mktemp -d /tmp/busbar-latency.XXXXXX)}
mkdir -p "$RESULTS/raw"
RESULTS=$(cd "$RESULTS" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
read -r -a BUSBAR_JVM_OPTS <<< "${BUSBAR_JVM:-}"

declare -A PID BOOT
cleanup() { for b in "${!PID[@]}"; do kp_stop "${PID[$b]}"; done; rm -rf "$WORK"; }
trap cleanup EXIT

kp_resolve_tools
classpath_of() { echo "$1/bus-kafka/target/classes:$1/bus-core/target/classes:$(cat "$1/bus-kafka/target/broker-classpath.txt")"; }
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -o -f "$ROOT/pom.xml" -pl bus-kafka -am test-compile >&2
NAMES=""
for spec in $BROKERS; do
  b=${spec%%=*}
  NAMES="$NAMES $b"
  case $spec in
    kafka) kp_resolve_kafka; kp_start_kafka "$WORK/kafka" no "$RESULTS/kafka-broker.log"; PID[kafka]=$KAFKA_PID; BOOT[kafka]=$KAFKA_BOOTSTRAP ;;
    busbar|*=*)
      checkout=$ROOT; [ "$spec" = busbar ] || checkout=${spec#*=}
      BUSBAR_CP=$(classpath_of "$checkout")
      args_var="ARGS_$b"
      KP_BUSBAR_ARGS=${!args_var:-} kp_start_busbar "$WORK/$b" fsync "$RESULTS/$b-broker.log" "${BUSBAR_JVM_OPTS[@]}"
      PID[$b]=$BUSBAR_PID; BOOT[$b]=$BUSBAR_BOOTSTRAP ;;
    *) echo "unknown broker $spec" >&2; exit 1 ;;
  esac
done
BROKERS=${NAMES# }
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); cpus: $(nproc); java: $(java -version 2>&1 | head -1)"
  echo "commit: $(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD || echo ' (uncommitted changes)')"
  echo "brokers: ${BROKER_SPECS}; cases: $CASES; reps: $REPS; e2e: $E2E_MESSAGES; p99: $P99_RECORDS at $P99_RATE/s"
  echo "busbar jvm: ${BUSBAR_JVM:-}"
  for b in $BROKERS; do args_var="ARGS_$b"; [ -z "${!args_var:-}" ] || echo "$b arguments: ${!args_var}"; done
} | tee "$RESULTS/environment.txt" >&2

locked() { flock /tmp/bench.lock "$@"; }
load1() { cut -d' ' -f1 /proc/loadavg; }

topic_n=0
fresh_topic() { # fresh_topic BROKER PARTITIONS: creates a new topic, prints its name
  topic_n=$((topic_n + 1))
  kp_create_topic "${BOOT[$1]}" "t$topic_n" "$2"
  echo "t$topic_n"
}

if [ "$WARMUP_RECORDS" -gt 0 ]; then
  for b in $BROKERS; do
    t=$(fresh_topic "$b" 4)
    echo "# warm-up $b" >&2
    locked java -Xmx1g -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic "$t" --num-records "$WARMUP_RECORDS" \
      --record-size 100 --throughput -1 --producer-props bootstrap.servers="${BOOT[$b]}" acks=all > "$RESULTS/raw/warmup-$b.out" 2>&1
    locked java -Xmx1g -cp "$TOOLS_CP" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "${BOOT[$b]}" \
      --topic "$t" --messages "$WARMUP_RECORDS" --timeout 60000 >> "$RESULTS/raw/warmup-$b.out" 2>&1
    t=$(fresh_topic "$b" 1)
    locked java -Xmx1g -cp "$TOOLS_CP" "$HERE/src/EndToEndMicros.java" "${BOOT[$b]}" "$t" 2000 100 >> "$RESULTS/raw/warmup-$b.out" 2>&1
  done
fi

printf 'rep\tbroker\tcase\tload1\tresult\n' | tee "$RESULTS/runs.tsv"
for rep in $(seq 1 "$REPS"); do
  order=$BROKERS
  [ $((rep % 2)) = 0 ] && order=$(echo "$BROKERS" | tr ' ' '\n' | tac | tr '\n' ' ')
  for c in $CASES; do
    for b in $order; do
      name="rep$rep-$b-$c"
      case $c in
        e2e)
          t=$(fresh_topic "$b" 1)
          l=$(load1)
          locked java -Xmx1g -cp "$TOOLS_CP" "$HERE/src/EndToEndMicros.java" "${BOOT[$b]}" "$t" "$E2E_MESSAGES" 100 \
            "$RESULTS/raw/$name.trips.tsv" > "$RESULTS/raw/$name.out" 2> "$RESULTS/raw/$name.err" || echo "$name failed" >&2
          r=$(tr '\n' ' ' < "$RESULTS/raw/$name.out") ;;
        p99)
          t=$(fresh_topic "$b" 1)
          l=$(load1)
          locked java -Xmx1g -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic "$t" \
            --num-records "$P99_RECORDS" --record-size 100 --throughput "$P99_RATE" \
            --producer-props bootstrap.servers="${BOOT[$b]}" acks=all > "$RESULTS/raw/$name.out" 2> "$RESULTS/raw/$name.err" || echo "$name failed" >&2
          r=$(tail -1 "$RESULTS/raw/$name.out") ;;
        *) echo "unknown case $c" >&2; exit 1 ;;
      esac
      printf '%s\t%s\t%s\t%s\t%s\n' "$rep" "$b" "$c" "$l" "$r" | tee -a "$RESULTS/runs.tsv"
    done
  done
done
echo "results: $RESULTS" >&2
