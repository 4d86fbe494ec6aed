#!/usr/bin/env bash
# probe4.sh ARGS...: broker with ARGS; warm-up topic; sectors written to /dev/vda (and broker CPU) during
# 1,000,000 x 100 B on 1 partition and 200,000 x 1 KiB on 4 partitions, each followed by a sync so write-back counts
set -euo pipefail
ROOT=/work/main; WORK=/tmp/probe/work; mkdir -p $WORK
. $ROOT/bench/kafka-perf/lib.sh
TOOLS_CP=$(cat $WORK/tools.cp)
BUSBAR_CP="$ROOT/bus-kafka/target/classes:$ROOT/bus-core/target/classes:$(cat "$ROOT/bus-kafka/target/broker-classpath.txt")"
rm -rf /tmp/probe/data
java -Xmx1g -cp "$BUSBAR_CP" io.busbar.kafka.BusbarBroker --data-dir /tmp/probe/data --listener 127.0.0.1:19092 --durability fsync --group-initial-rebalance-delay-ms 0 "$@" > /tmp/probe/broker.log 2>&1 &
PID=$!
for _ in $(seq 1 60); do grep -qs BUSBAR_KAFKA_LISTENING /tmp/probe/broker.log && break; sleep 0.5; done
perf_run() { java -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic $1 --num-records $3 --record-size $4 --throughput -1 --producer-props bootstrap.servers=127.0.0.1:19092 acks=all 2>&1 | tail -1 | cut -d, -f1-2; }
sectors() { awk '{print $7}' /sys/block/vda/stat; }
kp_create_topic 127.0.0.1:19092 w1 1; perf_run w1 1 1000000 100 > /dev/null
for c in "1 1000000 100" "4 200000 1024"; do
  set -- $c; t=t-$1-$3; kp_create_topic 127.0.0.1:19092 $t $1; sync; sleep 1
  s0=$(sectors); r=$(perf_run $t $1 $2 $3); sync; s1=$(sectors)
  logical=$(du -cb /tmp/probe/data/$t-*/*.log | tail -1 | cut -f1)
  echo "$t: $r; written to vda $(( (s1-s0)*512/1048576 )) MiB; segment files $(( logical/1048576 )) MiB on disk now"
done
kill $PID; wait $PID || true
