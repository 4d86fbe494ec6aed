#!/usr/bin/env bash
set -euo pipefail
ROOT=/work/main; HERE=$ROOT/bench/kafka-perf
WORK=$(mktemp -d /tmp/explore-c.XXXXXX); OUT=/tmp/explore/out-c; mkdir -p $OUT
. $HERE/lib.sh
KAFKA_PID=""; BUSBAR_PID=""
trap 'kp_stop "$KAFKA_PID"; kp_stop "$BUSBAR_PID"; rm -rf "$WORK"' EXIT
kp_resolve_tools; SKIP_BUILD=1 kp_build_busbar
mkdir -p $WORK/wc; javac -d $WORK/wc -cp "$TOOLS_CP" $HERE/src/WarmProducerPerformance.java
kp_start_busbar $WORK/busbar fsync $OUT/busbar.log
boot=$BUSBAR_BOOTSTRAP
kp_create_topic $boot c1 1; kp_create_topic $boot c1-warm 1
java -Xmx1g -XX:+PrintCompilation ${CJVM:-} -cp "$WORK/wc:$TOOLS_CP" WarmProducerPerformance --topic c1 --num-records 1000000 --record-size 100 --throughput -1 \
     --producer-props bootstrap.servers=$boot acks=all > $OUT/comp.out 2>&1
