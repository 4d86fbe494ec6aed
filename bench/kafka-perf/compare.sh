#!/usr/bin/env bash
# Busbar's Kafka listener against Apache Kafka 4.1.2, side by side on this machine, with Kafka's own perf tools
# (kafka-tools 4.1.2): prints the two tables of issue #21 from the medians of REPS repetitions. See docs/performance.md,
# "Kafka listener".
#
#   bench/kafka-perf/compare.sh
#   RECORDS_100=50000 RECORDS_1K=10000 REPS=1 FORCE=1 bench/kafka-perf/compare.sh     # smoke run
#   PROFILE=1 bench/kafka-perf/compare.sh          # + async-profiler flame graphs of Busbar's broker, per produce run
#
# Both brokers start once (fresh data directories) and stay up; only one is loaded at a time. Each repetition runs
# every case on both, alternating which broker goes first, and every run writes a fresh topic. Brokers:
#   * Busbar: io.busbar.kafka.BusbarBroker --durability fsync (its default: fsync before acknowledging);
#   * Kafka: 4.1.2 KRaft single node, default configuration (no fsync); the "fsync" row uses a topic created with
#     flush.messages=1, the per-topic form of log.flush.interval.messages=1 (fsync every append).
# Broker CPU per record: utime+stime of the broker JVM (/proc/<pid>/stat, fields 14 and 15) just before and just
# after each run, divided by the records. Machine CPU per record less the client: the whole machine's busy CPU
# (/proc/stat) from just before the run to after a sync(1) that follows it, less the tool's own CPU, divided by the
# records: the broker plus the kernel threads that do its write-back (Kafka's pages are written back by the kernel's
# flusher threads, which its own CPU figure leaves out; Busbar's fdatasync does that work in the broker's threads).
#
# Environment (defaults):
#   RECORDS_100 (1000000)  RECORDS_1K (200000)  REPS (3)
#   P99_RECORDS (500000) records at P99_RATE (50000) records/s for the producer-latency case
#   E2E_MESSAGES (10000)   end-to-end round trips, one record in flight (src/EndToEndMicros.java; first 10% warm up)
#   WARMUP_RECORDS (1000000) 100 B and WARMUP_RECORDS_1K (400000) 1 KiB records produced to each broker (and
#                          consumed) before measuring, so that both JITs have compiled the paths (0: no warm-up)
#   IDLE_S (5)             seconds of each broker's idle CPU sampled after the warm-up (idle.txt)
#   RESULTS (bench/kafka-perf/results/<date-time>)  raw tool outputs, samples.tsv, table.md
#   DATA_DIR (a fresh /tmp/busbar-kafka-compare.* directory)  both brokers' data
#   MAX_LOAD (1.0), FORCE (0): refuse to start when the 1-minute load average is above MAX_LOAD unless FORCE=1
#   PROFILE (0)            1: async-profiler (tools.profiler:async-profiler:4.1) on Busbar's broker
#   SKIP_BUILD (0)         1: use the bus-kafka classes already built
#   WARM_CLIENT (4)        N > 0: each producer run (throughput and fixed-rate rows) is the last of N + 1
#                          ProducerPerformance runs in one JVM (src/WarmProducerPerformance.java; the first N, on
#                          TOPIC-warm, are not counted), and every CPU figure covers that last run only; each consumer
#                          run likewise (src/WarmConsumerPerformance.java, its N warm-up runs reading TOPIC-warm; since
#                          2026-12-05 23:30 UTC, "warm consumer" in environment.txt). 1 was the
#                          default from 2026-12-05 17:00 to 20:22 UTC; its client's C2 compiler still took a third of
#                          the machine in the counted run. 0: one cold ProducerPerformance JVM per run, as before
#                          2026-12-05 17:00 UTC, whose C1/C2 compiler threads take 4-5 CPU seconds of the 2-core
#                          machine during a 1 KiB run (client-threads.sh)
#   BUSBAR_ARGS ()         further BusbarBroker arguments, e.g. "--log-preallocate-bytes 8388608" (environment.txt)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/kafka-perf"
RECORDS_100=${RECORDS_100:-1000000}
RECORDS_1K=${RECORDS_1K:-200000}
REPS=${REPS:-3}
P99_RECORDS=${P99_RECORDS:-500000}
P99_RATE=${P99_RATE:-50000}
E2E_MESSAGES=${E2E_MESSAGES:-10000}
WARMUP_RECORDS=${WARMUP_RECORDS:-1000000}
WARMUP_RECORDS_1K=${WARMUP_RECORDS_1K:-400000}
MAX_LOAD=${MAX_LOAD:-1.0}
FORCE=${FORCE:-0}
PROFILE=${PROFILE:-0}
WARM_CLIENT=${WARM_CLIENT:-4}
RESULTS=${RESULTS:-$HERE/results/$(date +%Y%m%d-%H%M%S)}
# shellcheck source=lib.sh
. "$HERE/lib.sh"

# --- quiet machine ---------------------------------------------------------------------------------------------------
UPTIME_START=$(uptime)
echo "$UPTIME_START"
LOAD1=$(cut -d' ' -f1 /proc/loadavg)
FORCED=""
if awk -v l="$LOAD1" -v m="$MAX_LOAD" 'BEGIN { exit !(l > m) }'; then
  echo "!!! 1-minute load average $LOAD1 is above $MAX_LOAD: this is not a quiet machine, the figures would be noise." >&2
  if [ "$FORCE" != 1 ]; then echo "!!! refusing to start; FORCE=1 runs anyway (and table.md says so)." >&2; exit 2; fi
  echo "!!! FORCE=1: running anyway." >&2
  FORCED="FORCED: load average $LOAD1 > $MAX_LOAD at start"
fi

mkdir -p "$RESULTS/raw"
RESULTS=$(cd "$RESULTS" && pwd)
RAW="$RESULTS/raw"
echo "$UPTIME_START" > "$RESULTS/uptime-start.txt"
[ -z "$FORCED" ] || echo "$FORCED" > "$RESULTS/forced.txt"
echo "$MAX_LOAD" > "$RESULTS/max-load.txt"
WORK=$(mktemp -d /tmp/busbar-kafka-compare-work.XXXXXX)
DATA_DIR=${DATA_DIR:-$(mktemp -d /tmp/busbar-kafka-compare.XXXXXX)}
mkdir -p "$DATA_DIR"

log() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$RESULTS/progress.log" >&2; }

KAFKA_PID=""; BUSBAR_PID=""
cleanup() {
  kp_stop "$BUSBAR_PID"; kp_stop "$KAFKA_PID"
  [ -n "${BUSBAR_LOG:-}" ] && cp "$BUSBAR_LOG" "$RESULTS/busbar-broker.log" 2>/dev/null
  [ -n "${KAFKA_LOG:-}" ] && cp "$KAFKA_LOG" "$RESULTS/kafka-broker.log" 2>/dev/null
  rm -rf "$WORK" "$DATA_DIR"
  true
}
trap cleanup EXIT

# --- tools and brokers -----------------------------------------------------------------------------------------------
kp_resolve_tools
kp_resolve_kafka
kp_build_busbar
if [ "$WARM_CLIENT" -gt 0 ]; then
  kp_warm_client "$WORK/warm-client" "$WARM_CLIENT"
  PRODUCER_TOOL=("${WARM_PRODUCER[@]}"); CONSUMER_TOOL=("${WARM_CONSUMER[@]}")
else
  PRODUCER_TOOL=(-cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance)
  CONSUMER_TOOL=(-cp "$TOOLS_CP" org.apache.kafka.tools.ConsumerPerformance)
fi

BUSBAR_JVM=()
PROFILER_SO=""
if [ "$PROFILE" = 1 ]; then
  mkdir -p "$WORK/async-profiler"
  kp_resolve_profiler "$WORK/async-profiler"
  mkdir -p "$RESULTS/flame"
  BUSBAR_JVM=(-XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints)
  if ! command -v jcmd >/dev/null; then
    # no jcmd to start and stop it per run: one flame graph of the whole broker run, written when the JVM exits
    BUSBAR_JVM+=("-agentpath:$PROFILER_SO=start,event=itimer,interval=1ms,file=$RESULTS/flame/busbar-whole-run.html")
  fi
fi

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git -C "$ROOT" rev-parse HEAD 2>/dev/null)$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)')"
  echo "cpus: $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory: $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
  echo "java: $(java -version 2>&1 | head -1)"
  echo "data dir: $DATA_DIR ($(df -P "$DATA_DIR" | awk 'NR==2{print $1}'))"
  echo "records: ${RECORDS_100} x 100 B, ${RECORDS_1K} x 1 KiB; reps: $REPS; p99: $P99_RECORDS at $P99_RATE/s; e2e: $E2E_MESSAGES"
  echo "clock ticks/s: $(getconf CLK_TCK)"
  echo "profile: $PROFILE"
  echo "warm client: $WARM_CLIENT"
  echo "warm consumer: $WARM_CLIENT"
  echo "busbar arguments: ${BUSBAR_ARGS:-}"
} > "$RESULTS/environment.txt"

log "starting Kafka 4.1.2 (default configuration) and Busbar (--durability fsync)"
KAFKA_LOG="$WORK/kafka.log"; BUSBAR_LOG="$WORK/busbar.log"
kp_start_kafka "$DATA_DIR/kafka" no "$KAFKA_LOG"
cp "$DATA_DIR/kafka/server.properties" "$RESULTS/kafka-server.properties"
KP_BUSBAR_ARGS=${BUSBAR_ARGS:-} kp_start_busbar "$DATA_DIR/busbar" fsync "$BUSBAR_LOG" "${BUSBAR_JVM[@]}"
log "Kafka pid $KAFKA_PID at $KAFKA_BOOTSTRAP; Busbar pid $BUSBAR_PID at $BUSBAR_BOOTSTRAP"

CLK_TCK=$(getconf CLK_TCK)
pid_of() { if [ "$1" = kafka ]; then echo "$KAFKA_PID"; else echo "$BUSBAR_PID"; fi; }
bootstrap_of() { if [ "$1" = kafka ]; then echo "$KAFKA_BOOTSTRAP"; else echo "$BUSBAR_BOOTSTRAP"; fi; }
printf 'rep\tbroker\tkind\tcase\trecords\tcpu_ticks\tclk_tck\twall_s\traw\tmachine_ticks\tclient_ticks\n' \
  > "$RESULTS/samples.tsv"
sample() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RESULTS/samples.tsv"; }

# jcmd splits its arguments at '=': the agent's options go quoted
profile_start() { # $1 broker
  [ "$PROFILE" = 1 ] && [ "$1" = busbar ] && command -v jcmd >/dev/null || return 0
  jcmd "$BUSBAR_PID" JVMTI.agent_load "$PROFILER_SO" '"start,event=itimer,interval=1ms"' >> "$RESULTS/flame/jcmd.log" 2>&1 || true
}
profile_stop() { # $1 broker, $2 file name
  [ "$PROFILE" = 1 ] && [ "$1" = busbar ] && command -v jcmd >/dev/null || return 0
  jcmd "$BUSBAR_PID" JVMTI.agent_load "$PROFILER_SO" "\"stop,file=$RESULTS/flame/$2.html\"" >> "$RESULTS/flame/jcmd.log" 2>&1 || true
}

# measured BROKER REP KIND CASE RECORDS NAME -- COMMAND...: runs the tool with its stdout and stderr saved under raw/,
# reading the broker's CPU just before and just after. Also the machine's: from just before to after a sync(1) that
# follows the tool, so the write-back of the run's pages falls inside it whenever the kernel does it; less the
# tool's own CPU (bash's time), that is what taking the run cost the machine besides the client.
measured() {
  local broker=$1 rep=$2 kind=$3 case=$4 records=$5 name=$6; shift 7
  local pid before after t0 t1 m0 m1 client rc=0 TIMEFORMAT='%3U %3S'
  pid=$(pid_of "$broker")
  if [ "${GATED:-0}" -gt 0 ]; then measured_gated "$@"; return; fi
  [ "$kind" = produce ] && profile_start "$broker"
  m0=$(kp_machine_ticks); before=$(kp_cpu_ticks "$pid"); t0=$(date +%s.%N)
  { time "$@" > "$RAW/$name.out" 2> "$RAW/$name.err" || rc=$?; } 2> "$WORK/time.txt"
  t1=$(date +%s.%N); after=$(kp_cpu_ticks "$pid")
  sync; m1=$(kp_machine_ticks)
  client=$(kp_time_ticks "$WORK/time.txt" "$CLK_TCK")
  [ "$kind" = produce ] && profile_stop "$broker" "busbar-$case-rep$rep"
  measured_sample
}

# measured_gated COMMAND...: the same for the warm client (called by measured, whose locals it sets): every counter is
# read while the tool waits at its gates, around the counted run only; the tool's own CPU from its /proc/<pid>/stat.
measured_gated() {
  t0=0 t1=0 m0=0 m1=0 before=0 after=0 client=0
  kp_gated_run "$WORK" "$RAW/$name.out" "$RAW/$name.err" gate_opened gate_closed "$@" || rc=$?
  measured_sample
}
gate_opened() {
  if [ "$kind" = produce ]; then profile_start "$broker"; fi
  m0=$(kp_machine_ticks); before=$(kp_cpu_ticks "$pid"); client=$(kp_cpu_ticks "$KP_TOOL_PID"); t0=$(date +%s.%N)
}
gate_closed() {
  t1=$(date +%s.%N); after=$(kp_cpu_ticks "$pid")
  client=$(( $(kp_cpu_ticks "$KP_TOOL_PID" 2>/dev/null || echo "$client") - client ))
  sync; m1=$(kp_machine_ticks)
  if [ "$kind" = produce ]; then profile_stop "$broker" "busbar-$case-rep$rep"; fi
}

measured_sample() {
  [ $rc = 0 ] || log "WARNING: $name exited with $rc (see raw/$name.err)"
  sample "$rep" "$broker" "$kind" "$case" "$records" $((after - before)) "$CLK_TCK" \
    "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b - a}')" "raw/$name.out" $((m1 - m0)) "$client"
}

new_topic() { # new_topic BROKER PARTITIONS TOPIC [--config K=V]: creates it and prints its name
  local broker=$1 partitions=$2 topic=$3; shift 3
  java -cp "$TOOLS_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "$(bootstrap_of "$broker")" --create \
    --topic "$topic" --partitions "$partitions" --replication-factor 1 "$@" >> "$RAW/topics-$broker.log" 2>&1
  echo "$topic"
}

# produce BROKER REP CASE PARTITIONS SIZE RECORDS CONSUME(yes|no) TOPIC_CONFIG [PRODUCER_PROP...]
produce() {
  local broker=$1 rep=$2 case=$3 partitions=$4 size=$5 n=$6 consume=$7 tconf=$8; shift 8
  local topic bootstrap name="rep$rep-$broker-$case"
  bootstrap=$(bootstrap_of "$broker")
  local tconfig=(); [ -z "$tconf" ] || tconfig=(--config "$tconf")
  topic=$(new_topic "$broker" "$partitions" "$case-r$rep" "${tconfig[@]}")
  [ "$WARM_CLIENT" = 0 ] || new_topic "$broker" "$partitions" "$topic-warm" "${tconfig[@]}" > /dev/null
  log "rep $rep: $broker produce $case ($n records on $topic)"
  GATED=$WARM_CLIENT measured "$broker" "$rep" produce "$case" "$n" "$name-produce" -- \
    java -Xmx1g "${PRODUCER_TOOL[@]}" --topic "$topic" --num-records "$n" \
      --record-size "$size" --throughput -1 --producer-props bootstrap.servers="$bootstrap" acks=all "$@"
  if [ "$consume" = yes ]; then
    log "rep $rep: $broker consume $case"
    GATED=$WARM_CLIENT measured "$broker" "$rep" consume "$case" "$n" "$name-consume" -- \
      java -Xmx1g "${CONSUMER_TOOL[@]}" --bootstrap-server "$bootstrap" \
        --topic "$topic" --messages "$n" --timeout 60000
  fi
}

latency() { # latency BROKER REP: producer p99 at a fixed rate, then end to end with one record in flight
  local broker=$1 rep=$2 topic bootstrap
  bootstrap=$(bootstrap_of "$broker")
  topic=$(new_topic "$broker" 1 "p99-r$rep")
  [ "$WARM_CLIENT" = 0 ] || new_topic "$broker" 1 "$topic-warm" > /dev/null
  log "rep $rep: $broker producer latency at $P99_RATE records/s"
  GATED=$WARM_CLIENT measured "$broker" "$rep" p99 p1-100 "$P99_RECORDS" "rep$rep-$broker-p99" -- \
    java -Xmx1g "${PRODUCER_TOOL[@]}" --topic "$topic" \
      --num-records "$P99_RECORDS" --record-size 100 --throughput "$P99_RATE" \
      --producer-props bootstrap.servers="$bootstrap" acks=all
  topic=$(new_topic "$broker" 1 "e2e-r$rep")
  log "rep $rep: $broker end-to-end latency"
  measured "$broker" "$rep" e2e p1-100 "$E2E_MESSAGES" "rep$rep-$broker-e2e" -- \
    java -Xmx1g -cp "$TOOLS_CP" "$HERE/src/EndToEndMicros.java" "$bootstrap" "$topic" "$E2E_MESSAGES" 100
}

# --- the runs --------------------------------------------------------------------------------------------------------
if [ "$WARMUP_RECORDS" -gt 0 ]; then
  # both sizes: the JIT compiles the 1 KiB paths (larger copies, other batch shapes) only after a few 100k of them
  for b in kafka busbar; do
    produce "$b" 0 warmup 4 100 "$WARMUP_RECORDS" yes ""
    produce "$b" 0 warmup-1k 1 1024 "$WARMUP_RECORDS_1K" yes ""
  done
fi

# idle baseline: what each broker burns with no client, which lands in every run's CPU figure
IDLE_S=${IDLE_S:-5}
for b in kafka busbar; do
  before=$(kp_cpu_ticks "$(pid_of "$b")"); sleep "$IDLE_S"; after=$(kp_cpu_ticks "$(pid_of "$b")")
  echo "$b idle CPU: $(( (after - before) * 1000 / CLK_TCK / IDLE_S )) ms/s over ${IDLE_S} s" | tee -a "$RESULTS/idle.txt" >&2
done

for rep in $(seq 1 "$REPS"); do
  if [ $((rep % 2)) = 1 ]; then ORDER="kafka busbar"; else ORDER="busbar kafka"; fi
  for b in $ORDER; do produce "$b" "$rep" p1-100 1 100 "$RECORDS_100" yes ""; done
  for b in $ORDER; do produce "$b" "$rep" p4-100 4 100 "$RECORDS_100" yes ""; done
  for b in $ORDER; do produce "$b" "$rep" p1-1k 1 1024 "$RECORDS_1K" yes ""; done
  for b in $ORDER; do produce "$b" "$rep" p4-1k 4 1024 "$RECORDS_1K" yes ""; done
  for b in $ORDER; do produce "$b" "$rep" p4-100-linger 4 100 "$RECORDS_100" no "" linger.ms=5 batch.size=65536; done
  for b in $ORDER; do
    # Kafka: fsync on every append (flush.messages=1 on the topic); Busbar: its default (fsync, group commit)
    if [ "$b" = kafka ]; then produce kafka "$rep" p4-100-fsync 4 100 "$RECORDS_100" no flush.messages=1
    else produce busbar "$rep" p4-100-fsync 4 100 "$RECORDS_100" no ""; fi
  done
  for b in $ORDER; do latency "$b" "$rep"; done
done

log "stopping the brokers"
kp_stop "$BUSBAR_PID"; BUSBAR_PID=""
kp_stop "$KAFKA_PID"; KAFKA_PID=""
uptime | tee "$RESULTS/uptime-end.txt"
python3 "$HERE/compare-table.py" "$RESULTS" | tee "$RESULTS/table.md"
echo "raw outputs and table.md: $RESULTS" >&2
