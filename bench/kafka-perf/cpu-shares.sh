#!/usr/bin/env bash
# Where Busbar's broker spends its CPU while ProducerPerformance produces to it: async-profiler (event=cpu, so kernel
# frames are sampled too) on the broker for each produce run after a warm-up, collapsed stacks kept, and a table of
# shares (fdatasync, write() into the page cache, socket I/O, the JIT compiler, CRC32C, the rest) printed by
# cpu-shares.py. Needs perf events: echo 1 > /proc/sys/kernel/perf_event_paranoid (and kptr_restrict 0 for kernel
# symbols).
#
#   bench/kafka-perf/cpu-shares.sh                        # p1-100 p4-100 p1-1k p4-1k, 2 runs each, about 5 minutes
#   CASES="p4-1k" RUNS=3 bench/kafka-perf/cpu-shares.sh
#
# Environment (defaults): CASES ("p1-100 p4-100 p1-1k p4-1k": partitions-record size), RUNS (2), RECORDS_100 (1000000),
#   RECORDS_1K (200000), BUSBAR_ARGS (further BusbarBroker arguments), SKIP_BUILD, RESULTS (a fresh
#   bench/kafka-perf/results/<date-time>-cpu-shares directory).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CASES=${CASES:-"p1-100 p4-100 p1-1k p4-1k"}
RUNS=${RUNS:-2}
RECORDS_100=${RECORDS_100:-1000000}
RECORDS_1K=${RECORDS_1K:-200000}
RESULTS=${RESULTS:-$HERE/results/$(date -u +%Y%m%d-%H%M%S)-cpu-shares}
WORK=$(mktemp -d /tmp/busbar-cpu-shares.XXXXXX)
mkdir -p "$RESULTS/collapsed" "$RESULTS/raw"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
BUSBAR_PID=""
trap 'kp_stop "$BUSBAR_PID"; rm -rf "$WORK"' EXIT

kp_resolve_tools
kp_build_busbar
kp_resolve_profiler "$WORK"

KP_BUSBAR_ARGS=${BUSBAR_ARGS:-} kp_start_busbar "$WORK/data" fsync "$RESULTS/broker.log" \
  -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); commit: $(git -C "$ROOT" rev-parse --short HEAD)"
  echo "cpus: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); java: $(java -version 2>&1 | head -1)"
  echo "busbar arguments: ${BUSBAR_ARGS:-none}; uptime: $(uptime)"
} | tee "$RESULTS/environment.txt" >&2

produce() { # produce TOPIC PARTITIONS SIZE RECORDS OUT
  kp_create_topic "$BUSBAR_BOOTSTRAP" "$1" "$2"
  java -Xmx1g -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic "$1" --num-records "$4" \
    --record-size "$3" --throughput -1 --producer-props bootstrap.servers="$BUSBAR_BOOTSTRAP" acks=all > "$5" 2>&1
}
echo "# warm-up: $RECORDS_100 x 100 B on 4 partitions, $((RECORDS_1K * 2)) x 1 KiB on 1" >&2
produce warmup-100 4 100 "$RECORDS_100" "$RESULTS/raw/warmup-100.out"
produce warmup-1k 1 1024 $((RECORDS_1K * 2)) "$RESULTS/raw/warmup-1k.out"
printf 'run\trecords\tcpu_ticks\trate\n' > "$RESULTS/samples.tsv"
for c in $CASES; do
  partitions=${c%%-*}; partitions=${partitions#p}; size=${c#*-}
  if [ "$size" = 1k ]; then size=1024; n=$RECORDS_1K; else n=$RECORDS_100; fi
  for r in $(seq 1 "$RUNS"); do
    name="$c-r$r"
    # jcmd splits its arguments at '=': the agent's options go quoted
    jcmd "$BUSBAR_PID" JVMTI.agent_load "$PROFILER_SO" '"start,event=cpu,interval=1ms"' >/dev/null
    before=$(kp_cpu_ticks "$BUSBAR_PID")
    produce "$name" "$partitions" "$size" "$n" "$RESULTS/raw/$name.out"
    after=$(kp_cpu_ticks "$BUSBAR_PID")
    jcmd "$BUSBAR_PID" JVMTI.agent_load "$PROFILER_SO" "\"stop,file=$WORK/$name.collapsed,collapsed\"" >/dev/null
    gzip -9 -c "$WORK/$name.collapsed" > "$RESULTS/collapsed/$name.collapsed.gz"
    rate=$(grep "99th" "$RESULTS/raw/$name.out" | tail -1 | sed -E 's/^[0-9]+ records sent, ([0-9.]+) records\/sec.*/\1/')
    printf '%s\t%s\t%s\t%s\n' "$name" "$n" $((after - before)) "$rate" >> "$RESULTS/samples.tsv"
    echo "[$(date +%H:%M:%S)] $name: $rate rec/s, $((after - before)) CPU ticks" >&2
  done
done
python3 "$HERE/cpu-shares.py" "$RESULTS" | tee "$RESULTS/table.md"
echo "collapsed stacks, raw outputs and the table: $RESULTS" >&2
