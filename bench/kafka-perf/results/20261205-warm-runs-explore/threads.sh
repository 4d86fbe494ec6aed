#!/usr/bin/env bash
# exploratory: per-thread CPU of the warm producer's counted run, plus client metrics, against both brokers
export LC_ALL=C
set -euo pipefail
ROOT=/work/main; HERE=$ROOT/bench/kafka-perf
WORK=$(mktemp -d /tmp/explore-t.XXXXXX); OUT=${OUT:-/tmp/explore/out-t}; mkdir -p $OUT
. $HERE/lib.sh
KAFKA_PID=""; BUSBAR_PID=""
trap 'kp_stop "$KAFKA_PID"; kp_stop "$BUSBAR_PID"; rm -rf "$WORK"' EXIT
kp_resolve_tools; kp_resolve_kafka; SKIP_BUILD=1 kp_build_busbar
mkdir -p $WORK/wc; javac -d $WORK/wc -cp "$TOOLS_CP" $HERE/src/WarmProducerPerformance.java
if [[ "${BROKERS:-kafka}" == *kafka* ]]; then kp_start_kafka $WORK/kafka no $OUT/kafka.log; fi
rm -f $OUT/busbar.log $OUT/kafka.log; kp_start_busbar $WORK/busbar fsync $OUT/busbar.log ${BUSBAR_JVM:-}
P=${P:-1}; SIZE=${SIZE:-100}; N=${N:-1000000}
snap() { awk '{ c = $0; sub(/^[^(]*\(/, "", c); sub(/\).*$/, "", c); r = $0; sub(/^.*\) /, "", r); split(r, f, " "); print c "\t" f[12] + f[13] }' /proc/$1/task/*/stat | awk -F'\t' '{t[$1]+=$2} END {for (k in t) print k "\t" t[k]}' | sort; }
for rep in $(seq 1 ${REPS:-2}); do for b in ${BROKERS:-kafka busbar}; do
  if [ $b = kafka ]; then boot=$KAFKA_BOOTSTRAP; bpid=$KAFKA_PID; else boot=$BUSBAR_BOOTSTRAP; bpid=$BUSBAR_PID; fi
  t=t-$b-$rep; java -cp "$TOOLS_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server $boot --create --topic $t --partitions $P --replication-factor 1 | tail -1; java -cp "$TOOLS_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server $boot --create --topic $t-warm --partitions $P --replication-factor 1 | tail -1
  rm -f $WORK/in; mkfifo $WORK/in
  java -Xmx1g ${CJVM:-} -Dwarm.gate=true -cp "$WORK/wc:$TOOLS_CP" WarmProducerPerformance --topic $t --num-records $N --record-size $SIZE --throughput -1 \
     --print-metrics --producer-props bootstrap.servers=$boot acks=all ${EXTRA:-} < $WORK/in > $OUT/$b-$rep.out 2>&1 &
  pid=$!; exec 9> $WORK/in
  until grep -q "# measured" $OUT/$b-$rep.out; do kill -0 $pid || exit 1; sleep 0.2; done
  sync; snap $pid > $WORK/c0; snap $bpid > $WORK/b0; m0=$(kp_machine_ticks); t0=$(date +%s.%N)
  echo go >&9
  until grep -q "# done" $OUT/$b-$rep.out; do sleep 0.2; done
  snap $pid > $WORK/c1; snap $bpid > $WORK/b1; m1=$(kp_machine_ticks); t1=$(date +%s.%N)
  echo go >&9; exec 9>&-; wait $pid || true
  wall=$(echo "$t1 - $t0" | bc)
  echo "== $b $rep: $(grep 'records sent' $OUT/$b-$rep.out | tail -1 | cut -d, -f1-3) wall(gate) ${wall}s machine $((m1-m0)) ticks"
  echo "-- client threads (ticks)"; join -t$'\t' $WORK/c0 $WORK/c1 | awk -F'\t' '$3-$2>2 {printf "   %-40s %d\n", $1, $3-$2}' 
  echo "-- broker threads (ticks)"; join -t$'\t' $WORK/b0 $WORK/b1 | awk -F'\t' '$3-$2>2 {printf "   %-40s %d\n", $1, $3-$2}' 
  sync
done; done
