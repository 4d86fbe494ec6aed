#!/usr/bin/env bash
# probe3.sh CASE(p1-100|p4-1k...) : broker; warm-up; async-profiler (cpu, collapsed) over one ProducerPerformance run
set -euo pipefail
ROOT=/work/main; WORK=/tmp/probe/work; mkdir -p $WORK
. $ROOT/bench/kafka-perf/lib.sh
TOOLS_CP=$(cat $WORK/tools.cp)
BUSBAR_CP="$ROOT/bus-kafka/target/classes:$ROOT/bus-core/target/classes:$(cat "$ROOT/bus-kafka/target/broker-classpath.txt")"
rm -rf /tmp/probe/data
java -Xmx1g -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints -cp "$BUSBAR_CP" io.busbar.kafka.BusbarBroker --data-dir /tmp/probe/data --listener 127.0.0.1:19092 --durability fsync --group-initial-rebalance-delay-ms 0 ${BROKER_ARGS:-} > /tmp/probe/broker.log 2>&1 &
PID=$!
for _ in $(seq 1 60); do grep -qs BUSBAR_KAFKA_LISTENING /tmp/probe/broker.log && break; sleep 0.5; done
perf_run() { # topic partitions records size
  java -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic $1 --num-records $3 --record-size $4 --throughput -1 --producer-props bootstrap.servers=127.0.0.1:19092 acks=all 2>&1 | tail -1; }
kp_create_topic 127.0.0.1:19092 w1 4; perf_run w1 4 1000000 100
kp_create_topic 127.0.0.1:19092 w2 1; perf_run w2 1 400000 1024
for c in "$@"; do
  p=${c%%-*}; p=${p#p}; s=${c#*-}; [ "$s" = 1k ] && { s=1024; n=200000; } || n=1000000
  kp_create_topic 127.0.0.1:19092 t-$c $p
  jcmd $PID JVMTI.agent_load /tmp/probe/ap/libasyncProfiler.so '"start,event=cpu,interval=100000"' > /dev/null
  perf_run t-$c $p $n $s
  jcmd $PID JVMTI.agent_load /tmp/probe/ap/libasyncProfiler.so "\"stop,file=/tmp/probe/prof-$c${TAG:-}.collapsed,collapsed\"" > /dev/null
done
kill $PID; wait $PID || true
