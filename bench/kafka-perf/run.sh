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
BROKER_PID=""
cleanup() {
  if [ -n "$BROKER_PID" ]; then kill "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "# resolving kafka-tools 4.1.2 and building bus-kafka" >&2
mvn -B -q -f "$ROOT/bench/kafka-perf/pom.xml" dependency:build-classpath -Dmdep.outputFile="$WORK/tools.cp" >&2
TOOLS_CP=$(cat "$WORK/tools.cp")

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

run_txn_cases() { # $1 = label, $2 = bootstrap: the same producer, idempotent and then transactional
  local label=$1 bootstrap=$2 n=${RECORDS_TXN:-200000}
  for partitions in 1 4; do
    for mode in idempotent transactional; do
      local topic="perf-txn-$partitions-$mode" extra=()
      [ "$mode" = transactional ] && extra=(--transactional-id "perf-$topic" --transaction-duration-ms "${TXN_MS:-100}")
      java -cp "$TOOLS_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create \
        --topic "$topic" --partitions "$partitions" --replication-factor 1 >/dev/null 2>&1
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
      java -cp "$TOOLS_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create \
        --topic "$topic" --partitions "$partitions" --replication-factor 1 >/dev/null 2>&1
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
  mvn -B -q -f "$ROOT/pom.xml" -pl bus-kafka -am test-compile >&2
  BROKER_CP="$ROOT/bus-kafka/target/classes:$(cat "$ROOT/bus-kafka/target/broker-classpath.txt")"
  java -Xmx1g -cp "$BROKER_CP" io.busbar.kafka.BusbarBroker --data-dir "$WORK/busbar" \
    --listener 127.0.0.1:"$(free_port)" --durability "$DURABILITY" > "$WORK/busbar.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 1 120); do grep -q BUSBAR_KAFKA_LISTENING "$WORK/busbar.log" && break; sleep 0.5; done
  BOOTSTRAP=$(awk '/BUSBAR_KAFKA_LISTENING/{print $2}' "$WORK/busbar.log")
  [ -n "$BOOTSTRAP" ] || { cat "$WORK/busbar.log" >&2; exit 1; }
  run_cases "busbar ($DURABILITY)" "$BOOTSTRAP"
  kill "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true; BROKER_PID=""
fi

if [ "$WHICH" = kafka ] || [ "$WHICH" = all ]; then
  mvn -B -q -f "$ROOT/bench/kafka-perf/pom.xml" -P 'broker,!tools' dependency:build-classpath \
    -Dmdep.outputFile="$WORK/kafka.cp" >&2
  KAFKA_CP=$(cat "$WORK/kafka.cp")
  PORT=$(free_port); CPORT=$(free_port)
  cat > "$WORK/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$WORK/kafka-logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  if [ "$DURABILITY" = fsync ]; then
    # fsync every appended batch before acknowledging: the durability Busbar gives by default
    echo "log.flush.interval.messages=1" >> "$WORK/server.properties"
  fi
  java -cp "$KAFKA_CP" kafka.tools.StorageTool format -t "$(java -cp "$KAFKA_CP" kafka.tools.StorageTool random-uuid)" \
    -c "$WORK/server.properties" >&2
  java -Xmx1g -cp "$KAFKA_CP" kafka.Kafka "$WORK/server.properties" > "$WORK/kafka.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 1 240); do grep -q "Kafka Server started" "$WORK/kafka.log" && break; sleep 0.5; done
  grep -q "Kafka Server started" "$WORK/kafka.log" || { echo "Kafka did not start:" >&2; tail -50 "$WORK/kafka.log" >&2; exit 1; }
  run_cases "kafka 4.1.2 ($([ "$DURABILITY" = fsync ] && echo fsync || echo "no fsync"))" "127.0.0.1:$PORT"
  kill "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true; BROKER_PID=""
fi
