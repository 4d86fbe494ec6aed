#!/usr/bin/env bash
# Where a produce request's time goes, seen from the client: the warm ProducerPerformance (compare.sh's, 4 uncounted
# runs first) with --print-metrics against Kafka 4.1.2 (default configuration) and Busbar (--durability fsync), one
# case, brokers alternating, REPS runs each. Prints, per run, the rate and the producer's own metrics of the counted
# run: request-latency-avg/max (send to response), records-per-request-avg, batch-size-avg, record-queue-time-avg
# (a record's wait in the accumulator), requests-in-flight. See docs/performance.md ("request round trip").
#
#   bench/kafka-perf/request-latency.sh
#   CASE_PARTITIONS=1 RECORD_SIZE=1024 RECORDS=200000 bench/kafka-perf/request-latency.sh
#
# Environment (defaults): CASE_PARTITIONS (4), RECORD_SIZE (100), RECORDS (1000000), REPS (3), WARM_RUNS (4),
# SKIP_BUILD (0), RESULTS (bench/kafka-perf/results/<date-time>-request-latency)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/kafka-perf"
P=${CASE_PARTITIONS:-4}; SIZE=${RECORD_SIZE:-100}; N=${RECORDS:-1000000}; REPS=${REPS:-3}; WARM_RUNS=${WARM_RUNS:-4}
RESULTS=${RESULTS:-$HERE/results/$(date +%Y%m%d-%H%M%S)-request-latency}
mkdir -p "$RESULTS/raw"
WORK=$(mktemp -d /tmp/busbar-request-latency.XXXXXX)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
kp_side_by_side "$RESULTS" "$WARM_RUNS"
{ echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); cpus: $(nproc); commit: $(git -C "$ROOT" rev-parse --short HEAD)"
  echo "case: $P partitions x $SIZE B, $N records; reps: $REPS; warm runs: $WARM_RUNS; load: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$RESULTS/environment.txt"

# the counted run's value of one producer-metrics metric (the last block --print-metrics wrote)
metric() { grep -E "^producer-metrics:$2:\{client-id=" "$1" | tail -1 | awk -F': *' '{print $NF}'; }

printf '| run | broker | rec/s | request-latency avg / max ms | records per request | batch bytes avg | record queue time avg ms | requests in flight |\n' \
  | tee "$RESULTS/table.md"
printf '|---|---|---|---|---|---|---|---|\n' | tee -a "$RESULTS/table.md"
for rep in $(seq 1 "$REPS"); do
  order="kafka busbar"; [ $((rep % 2)) = 0 ] && order="busbar kafka"
  for broker in $order; do
    if [ "$broker" = kafka ]; then boot=$KAFKA_BOOTSTRAP; else boot=$BUSBAR_BOOTSTRAP; fi
    topic="rl-r$rep"
    kp_create_topic "$boot" "$topic" "$P"; kp_create_topic "$boot" "$topic-warm" "$P"
    out="$RESULTS/raw/rep$rep-$broker.out"
    java -Xmx1g "${WARM_PRODUCER[@]/-Dwarm.gate=true/-Dwarm.gate=false}" --topic "$topic" --num-records "$N" \
      --record-size "$SIZE" --throughput -1 --print-metrics \
      --producer-props bootstrap.servers="$boot" acks=all > "$out" 2> "$RESULTS/raw/rep$rep-$broker.err"
    rate=$(grep "99th" "$out" | tail -1 | sed -E 's/^[0-9]+ records sent, ([0-9.]+) records\/sec.*/\1/')
    printf '| %s | %s | %.0f | %.2f / %.0f | %.0f | %.0f | %.2f | %.2f |\n' "$rep" "$broker" "$rate" \
      "$(metric "$out" request-latency-avg)" "$(metric "$out" request-latency-max)" \
      "$(metric "$out" records-per-request-avg)" "$(metric "$out" batch-size-avg)" \
      "$(metric "$out" record-queue-time-avg)" "$(metric "$out" requests-in-flight)" | tee -a "$RESULTS/table.md"
  done
done
echo "raw outputs: $RESULTS"
