#!/usr/bin/env bash
# Kafka listener benchmark: Apache Kafka's own kafka-producer-perf-test / kafka-consumer-perf-test (kafka-tools 4.1.2)
# against Busbar's Kafka listener and, for comparison, against an Apache Kafka 4.1.2 KRaft single node, both
# fsyncing before acknowledging (Busbar's default durability; Kafka with log.flush.interval.messages=1).
#
#   bench/kafka-perf/run.sh [busbar|kafka|all]      (default: all)
#   RECORDS_100=500000 RECORDS_1K=200000 bench/kafka-perf/run.sh busbar
#   DURABILITY=os bench/kafka-perf/run.sh all   # Busbar without fsync (OS write-back) against Kafka's default
#   MODE=txn bench/kafka-perf/run.sh all         # produce only: idempotent against --transactional-id
#
# Prints one result line per case; see docs/performance.md, "Kafka listener". Needs Maven and a JDK 17+.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WHICH=${1:-all}
RECORDS_100=${RECORDS_100:-500000}
RECORDS_1K=${RECORDS_1K:-200000}
DURABILITY=${DURABILITY:-fsync}
WORK=$(mktemp -d /tmp/busbar-kafka-perf.XXXXXX)
# shellcheck source=lib.sh
. "$ROOT/bench/kafka-perf/lib.sh"
BROKER_PID=""
cleanup() {
  kp_stop "$BROKER_PID"
  rm -rf "$WORK"
}
trap cleanup EXIT

kp_resolve_tools

run_txn_cases() { # $1 = label, $2 = bootstrap: the same producer, idempotent and then transactional
  local label=$1 bootstrap=$2 n=${RECORDS_TXN:-200000}
  for partitions in 1 4; do
    for mode in idempotent transactional; do
      local topic="perf-txn-$partitions-$mode" extra=()
      [ "$mode" = transactional ] && extra=(--transactional-id "perf-$topic" --transaction-duration-ms "${TXN_MS:-100}")
      kp_create_topic "$bootstrap" "$topic" "$partitions"
      local produced
      produced=$(java -Xmx1g -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic "$topic" \
        --num-records "$n" --record-size 1024 --throughput -1 "${extra[@]}" \
        --producer-props bootstrap.servers="$bootstrap" acks=all 2>/dev/null | grep "records sent" | tail -1)
      local what=$mode; [ "$mode" = transactional ] && what="transactional, ${TXN_MS:-100} ms transactions"
      echo "$label | partitions=$partitions | record=1024B | $what | produce: $produced"
    done
  done
}

run_cases() { # $1 = label, $2 = bootstrap
  local label=$1 bootstrap=$2
  if [ "${MODE:-}" = txn ]; then run_txn_cases "$label" "$bootstrap"; return; fi
  for partitions in 1 4; do
    for size in 100 1024; do
      local n=$RECORDS_100; [ "$size" = 1024 ] && n=$RECORDS_1K
      local topic="perf-$partitions-$size"
      kp_create_topic "$bootstrap" "$topic" "$partitions"
      local produced consumed
      produced=$(java -Xmx1g -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic "$topic" \
        --num-records "$n" --record-size "$size" --throughput -1 \
        --producer-props bootstrap.servers="$bootstrap" acks=all 2>/dev/null | tail -1)
      consumed=$(java -Xmx1g -cp "$TOOLS_CP" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "$bootstrap" \
        --topic "$topic" --messages "$n" --timeout 120000 2>/dev/null | tail -1)
      echo "$label | partitions=$partitions | record=${size}B | produce: $produced"
      echo "$label | partitions=$partitions | record=${size}B | consume (start, end, MB, MB/s, msgs, msgs/s, ...): $consumed"
    done
  done
}

if [ "$WHICH" = busbar ] || [ "$WHICH" = all ]; then
  kp_build_busbar
  kp_start_busbar "$WORK/busbar" "$DURABILITY" "$WORK/busbar.log"
  BROKER_PID=$BUSBAR_PID
  run_cases "busbar ($DURABILITY)" "$BUSBAR_BOOTSTRAP"
  kp_stop "$BROKER_PID"; BROKER_PID=""
fi

if [ "$WHICH" = kafka ] || [ "$WHICH" = all ]; then
  kp_resolve_kafka
  kp_start_kafka "$WORK/kafka" "$([ "$DURABILITY" = fsync ] && echo yes || echo no)" "$WORK/kafka.log"
  BROKER_PID=$KAFKA_PID
  run_cases "kafka 4.1.2 ($([ "$DURABILITY" = fsync ] && echo fsync || echo "no fsync"))" "$KAFKA_BOOTSTRAP"
  kp_stop "$BROKER_PID"; BROKER_PID=""
fi
