#!/usr/bin/env bash
# Busbar broker with the commit-stats instrumentation (apply commit-stats.patch and rebuild bus-core first), one
# warm client (4 uncounted runs, then the counted one), 1 partition x 1 KiB unless PARTS, SIZE, N say otherwise; prints
# the five runs' rates and the broker's last COMMITSTATS lines (one a second). Run from anywhere:
#   git apply bench/kafka-perf/results/20261205-group-commit-rounds/commit-stats.patch && mvn -B -q install -DskipTests
#   bash bench/kafka-perf/results/20261205-group-commit-rounds/commit-stats.sh
set -euo pipefail
ROOT=${ROOT_OVERRIDE:-$(cd "$(dirname "$0")/../../../.." && pwd)}
WORK=${WORK_DIR:-/tmp/commit-stats-work}; rm -rf $WORK; mkdir -p $WORK
. $ROOT/bench/kafka-perf/lib.sh
kp_resolve_tools
BUSBAR_CP="$ROOT/bus-kafka/target/classes:$ROOT/bus-core/target/classes:$(cat $ROOT/bus-kafka/target/broker-classpath.txt)"
LOG=/tmp/commit-stats-broker-${TAG:-x}.log; rm -f $LOG
kp_start_busbar $WORK/data fsync $LOG -Dbusbar.debug.commitStats=true ${JVM_EXTRA:-}
trap 'kill $BUSBAR_PID' EXIT
kp_create_topic $BUSBAR_BOOTSTRAP t ${PARTS:-1}
kp_create_topic $BUSBAR_BOOTSTRAP t-warm ${PARTS:-1}
mkdir -p $WORK/wc; javac -d $WORK/wc -cp "$TOOLS_CP" $ROOT/bench/kafka-perf/src/WarmProducerPerformance.java
java -Dwarm.runs=${RUNS:-4} -cp "$WORK/wc:$TOOLS_CP" WarmProducerPerformance --topic t --num-records ${N:-200000} --record-size ${SIZE:-1024} --throughput -1 --producer-props bootstrap.servers=$BUSBAR_BOOTSTRAP acks=all ${PROPS:-} 2>&1 | grep -v "^#" | grep "records sent" | tail -${RUNS_SHOW:-5}
echo "--- stats"; grep COMMITSTATS $LOG | tail -${STATS_SHOW:-8}
