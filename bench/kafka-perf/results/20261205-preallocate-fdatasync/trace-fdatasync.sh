#!/usr/bin/env bash
# probe2.sh ARGS...: broker with ARGS; warm-up topic; then perf trace -s on fdatasync during 1M x 100 B on 1 partition
set -euo pipefail
ROOT=/work/main; WORK=/tmp/probe/work; mkdir -p $WORK
. $ROOT/bench/kafka-perf/lib.sh
TOOLS_CP=$(cat $WORK/tools.cp (kafka-tools 4.1.2 classpath: bench/kafka-perf/lib.sh kp_resolve_tools))
BUSBAR_CP="$ROOT/bus-kafka/target/classes:$ROOT/bus-core/target/classes:$(cat "$ROOT/bus-kafka/target/broker-classpath.txt")"
rm -rf /tmp/probe/data
java -Xmx1g -cp "$BUSBAR_CP" io.busbar.kafka.BusbarBroker --data-dir /tmp/probe/data --listener 127.0.0.1:19092 --durability fsync --group-initial-rebalance-delay-ms 0 "$@" > /tmp/probe/broker.log 2>&1 &
PID=$!
for _ in $(seq 1 60); do grep -qs BUSBAR_KAFKA_LISTENING /tmp/probe/broker.log && break; sleep 0.5; done
kp_create_topic 127.0.0.1:19092 w1 1
java -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic w1 --num-records 1000000 --record-size 100 --throughput -1 --producer-props bootstrap.servers=127.0.0.1:19092 acks=all 2>&1 | tail -1
kp_create_topic 127.0.0.1:19092 t1 1
perf trace -s -p $PID -e fdatasync,fsync,pwrite64,write -o /tmp/probe/trace.txt &
TP=$!
sleep 1
java -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic t1 --num-records 1000000 --record-size 100 --throughput -1 --producer-props bootstrap.servers=127.0.0.1:19092 acks=all 2>&1 | tail -1
kill -INT $TP; wait $TP || true
kill $PID; wait $PID || true
