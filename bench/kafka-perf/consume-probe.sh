#!/usr/bin/env bash
# The 1 KiB consumer probe (docs/performance.md, "The 1 KiB consumer gap"): Kafka 4.1.2 (default configuration) and
# Busbar (--durability fsync, group initial rebalance delay 0 as lib.sh gives Kafka, this checkout's build) side by side, a topic of N x 1 KiB records on each (PARTS
# partitions, produced once), then consumed REPS times alternately by ConsumerPerformance --print-metrics. Prints per
# run: fetch-only and overall rec/s, broker CPU ticks, the consumer's fetch-latency-avg, fetch-size-avg,
# records-per-request-avg and fetch-total, then the load average and the consumer JVM's user, sys and wall seconds and
# minor page faults.
#
#   bench/kafka-perf/consume-probe.sh           # N=200000 REPS=4 PARTS=1; OUT (/tmp/consume-probe-out): raw outputs
#   BUSBAR_CONFIG=file BUSBAR_JVM="-D..." ...    # BusbarBroker --config and JVM options
#   CONSUMER_JVM="-agentpath:.../libasyncProfiler.so=start,event=cpu,interval=1ms,file=%RUN%.collapsed,collapsed"
#                                                # the measured consumers' JVM options; %RUN% becomes $OUT/rep<n>-<broker>
#   DUMP=1 ...                                   # first one Fetch of t1k from each broker (src/FetchDump.java,
#                                                # FETCH_SIZE bytes, default 1 MiB): fields, batches, $OUT/<broker>-fetch.bin
# Build first: mvn -B -q -pl bus-kafka -am test-compile
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d /tmp/consume-probe.XXXXXX)
OUT=${OUT:-/tmp/consume-probe-out}; mkdir -p "$OUT"
N=${N:-200000}; REPS=${REPS:-4}; PARTS=${PARTS:-1}
. "$ROOT/bench/kafka-perf/lib.sh"
KAFKA_PID=""; BUSBAR_PID=""
cleanup() { kp_stop "$BUSBAR_PID"; kp_stop "$KAFKA_PID"; rm -rf "$WORK"; }
trap cleanup EXIT
kp_resolve_tools; kp_resolve_kafka
BUSBAR_CP="$ROOT/bus-kafka/target/classes:$ROOT/bus-core/target/classes:$(cat "$ROOT/bus-kafka/target/broker-classpath.txt")"
kp_start_kafka "$WORK/kafka" no "$WORK/kafka.log"
extra=(); [ -z "${BUSBAR_CONFIG:-}" ] || extra=(--config "$BUSBAR_CONFIG")
java -Xmx1g ${BUSBAR_JVM:-} -cp "$BUSBAR_CP" io.busbar.kafka.BusbarBroker --data-dir "$WORK/busbar" \
    --listener 127.0.0.1:"$(kp_free_port)" --durability fsync --group-initial-rebalance-delay-ms 0 "${extra[@]}" \
    > "$WORK/busbar.log" 2>&1 &
BUSBAR_PID=$!
for _ in $(seq 1 120); do grep -qs BUSBAR_KAFKA_LISTENING "$WORK/busbar.log" && break; sleep 0.5; done
BUSBAR_BOOTSTRAP=$(awk '/BUSBAR_KAFKA_LISTENING/{print $2}' "$WORK/busbar.log")
echo "busbar pid $BUSBAR_PID $BUSBAR_BOOTSTRAP; kafka pid $KAFKA_PID $KAFKA_BOOTSTRAP" >&2
cpu() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
for b in kafka busbar; do
  boot=$KAFKA_BOOTSTRAP; [ $b = busbar ] && boot=$BUSBAR_BOOTSTRAP
  for t in warm t1k; do
    kp_create_topic "$boot" "$t" "$PARTS"
    java -Xmx1g -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic $t --num-records "$N" --record-size 1024 \
      --throughput -1 --producer-props bootstrap.servers="$boot" acks=all 2>/dev/null | tail -1 >&2
  done
  java -Xmx1g -cp "$TOOLS_CP" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$boot" --topic warm \
      --messages "$N" --timeout 60000 >/dev/null 2>&1
  if [ "${DUMP:-0}" = 1 ]; then
    echo "# $b: one Fetch of t1k at offset 0" >&2
    java -cp "$TOOLS_CP" "$ROOT/bench/kafka-perf/src/FetchDump.java" "$boot" t1k 0 "${FETCH_SIZE:-1048576}" "$OUT/$b-fetch.bin" >&2
  fi
done
printf 'rep\tbroker\tfetch_nmsg_s\tnmsg_s\tcpu_ticks\tfetch_latency_avg\tfetch_size_avg\trecords_per_request\tfetch_total\tload\n'
for rep in $(seq 1 "$REPS"); do
  order="kafka busbar"; [ $((rep % 2)) = 0 ] && order="busbar kafka"
  for b in $order; do
    boot=$KAFKA_BOOTSTRAP; pid=$KAFKA_PID; [ $b = busbar ] && { boot=$BUSBAR_BOOTSTRAP; pid=$BUSBAR_PID; }
    load=$(cut -d' ' -f1 /proc/loadavg); c0=$(cpu $pid)
    jvm=${CONSUMER_JVM:-}; jvm=${jvm//%RUN%/$OUT/rep$rep-$b}
    /usr/bin/time -f "%U %S %e %R" -o "$OUT/rep$rep-$b.time" java -Xmx1g $jvm -cp "$TOOLS_CP" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$boot" --topic t1k \
      --messages "$N" --timeout 60000 --print-metrics ${CONSUMER_ARGS:-} > "$OUT/rep$rep-$b.out" 2>/dev/null
    c1=$(cpu $pid)
    vals=$(grep -A1 "^start.time" "$OUT/rep$rep-$b.out" | tail -1)
    m() { grep "consumer-fetch-manager-metrics:$1:{client-id" "$OUT/rep$rep-$b.out" | head -1 | awk -F': ' '{print $NF}' | tr -d ' '; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' $rep $b "$(echo "$vals" | awk -F', ' '{print $10}')" \
      "$(echo "$vals" | awk -F', ' '{print $6}')" $((c1 - c0)) "$(m fetch-latency-avg)" "$(m fetch-size-avg)" \
      "$(m records-per-request-avg)" "$(m fetch-total)" "$load $(cat $OUT/rep$rep-$b.time)"
  done
done
