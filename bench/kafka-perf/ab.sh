#!/usr/bin/env bash
# Two builds (or two configurations) of Busbar's broker side by side, for a before/after of a listener change: both
# start once (--durability fsync, fresh data directories), are warmed up, then every repetition runs each case on A
# and on B, alternating which goes first, with Kafka's own perf tools (kafka-tools 4.1.2), one broker loaded at a time.
# Prints the medians per case (rec/s and broker CPU µs/record, B/A) and every run with the 1-minute load average
# read just before it.
#
#   A_ROOT=/tmp/busbar-before bench/kafka-perf/ab.sh            # A: another checkout, already built; B: this one
#   A_CONFIG=nio.properties bench/kafka-perf/ab.sh              # A and B: this checkout, A with BusbarBroker --config
#   A_ARGS="--log-flush-threads 2" bench/kafka-perf/ab.sh        # A and B: this checkout, A with further broker arguments
#
# A checkout is built with: mvn -B -q -pl bus-kafka -am test-compile (SKIP_BUILD=1: this one is already built too).
# Environment (defaults): A_ROOT (this checkout), A_CONFIG, B_CONFIG, A_ARGS, B_ARGS (none), RECORDS_100 (1000000),
#   RECORDS_1K (200000), REPS (5), CASES ("p1-100 p4-100 p1-1k p4-1k": partitions-record size), WARMUP_RECORDS
#   (1000000 x 100 B, then a fifth of it x 1 KiB, to each broker), RESULTS (a fresh /tmp/busbar-ab.* directory),
#   WARM_CLIENT (4: each producer run is the counted last run of a client JVM that made 4 uncounted runs first, as in
#   compare.sh, and so is each consumer run since 2026-12-05 23:30 UTC; 1 was the default from 2026-12-05 17:30 to
#   20:22 UTC; 0: one cold ProducerPerformance and ConsumerPerformance JVM per run, as before 2026-12-05 17:30 UTC).
# Broker CPU per record: utime+stime of the broker JVM (/proc/<pid>/stat) just before and after each run. Machine
# CPU per record less the client (produce): the whole machine's busy CPU from just before the run to after a sync(1)
# that follows it, less the producer tool's own CPU: the broker, the other (idle) broker and the kernel threads that
# write back and commit what the broker wrote (lib.sh, kp_machine_ticks).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
A_ROOT=$(cd "${A_ROOT:-$ROOT}" && pwd)
RECORDS_100=${RECORDS_100:-1000000}
RECORDS_1K=${RECORDS_1K:-200000}
REPS=${REPS:-5}
CASES=${CASES:-"p1-100 p4-100 p1-1k p4-1k"}
WARMUP_RECORDS=${WARMUP_RECORDS:-1000000}
WORK=$(mktemp -d /tmp/busbar-ab-work.XXXXXX)
RESULTS=${RESULTS:-$(mktemp -d /tmp/busbar-ab.XXXXXX)}
mkdir -p "$RESULTS/raw"
# shellcheck source=lib.sh
. "$ROOT/bench/kafka-perf/lib.sh"

A_PID=""; B_PID=""
cleanup() { kp_stop "$A_PID"; kp_stop "$B_PID"; rm -rf "$WORK"; }
trap cleanup EXIT

kp_resolve_tools
classpath_of() { echo "$1/bus-kafka/target/classes:$1/bus-core/target/classes:$(cat "$1/bus-kafka/target/broker-classpath.txt")"; }
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -f "$ROOT/pom.xml" -pl bus-kafka -am test-compile >&2
WARM_CLIENT=${WARM_CLIENT:-4}
[ "$WARM_CLIENT" = 0 ] || kp_warm_client "$WORK/warm-client" "$WARM_CLIENT"

start() { # start NAME CHECKOUT CONFIG ARGS: sets PID and BOOTSTRAP
  local name=$1 checkout=$2 config=$3 log="$RESULTS/$1-broker.log" extra=()
  [ -z "$config" ] || extra=(--config "$config")
  read -r -a more <<< "$4"; extra+=("${more[@]}")
  java -Xmx1g -cp "$(classpath_of "$checkout")" io.busbar.kafka.BusbarBroker --data-dir "$WORK/$name" \
    --listener 127.0.0.1:"$(kp_free_port)" --durability fsync "${extra[@]}" > "$log" 2>&1 &
  PID=$!
  for _ in $(seq 1 120); do grep -qs BUSBAR_KAFKA_LISTENING "$log" && break; sleep 0.5; done
  BOOTSTRAP=$(awk '/BUSBAR_KAFKA_LISTENING/{print $2}' "$log")
  [ -n "$BOOTSTRAP" ] || { echo "broker $name did not start:" >&2; tail -50 "$log" >&2; exit 1; }
}
start A "$A_ROOT" "${A_CONFIG:-}" "${A_ARGS:-}"; A_PID=$PID; A_BOOT=$BOOTSTRAP
start B "$ROOT" "${B_CONFIG:-}" "${B_ARGS:-}"; B_PID=$PID; B_BOOT=$BOOTSTRAP
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); cpus: $(nproc); java: $(java -version 2>&1 | head -1)"
  echo "A: $A_ROOT ($(git -C "$A_ROOT" rev-parse --short HEAD 2>/dev/null || echo 'not a git checkout')) config ${A_CONFIG:-none} args ${A_ARGS:-none}"
  echo "B: $ROOT ($(git -C "$ROOT" rev-parse --short HEAD)$(git -C "$ROOT" diff --quiet HEAD || echo ', uncommitted changes')) config ${B_CONFIG:-none} args ${B_ARGS:-none}"
  echo "records: $RECORDS_100 x 100 B, $RECORDS_1K x 1 KiB; reps: $REPS; cases: $CASES; warm client: $WARM_CLIENT; warm consumer: $WARM_CLIENT"
  # the broker logs nothing without a logging back end: the native library in its memory map tells the transport
  for b in A B; do
    pid=$A_PID; [ $b = B ] && pid=$B_PID
    if grep -qs netty_transport_native_epoll "/proc/$pid/maps"; then echo "$b: native epoll loaded"; else echo "$b: no native epoll (NIO)"; fi
  done
} | tee "$RESULTS/environment.txt" >&2

CLK_TCK=$(getconf CLK_TCK)
printf 'rep\tbuild\tkind\tcase\trecords\tcpu_ticks\trate\tfetch_rate\tload1\tmachine_less_client_ticks\n' \
  > "$RESULTS/samples.tsv"

run() { # run BUILD REP CASE PARTITIONS SIZE RECORDS: produce to a fresh topic, then consume it
  local build=$1 rep=$2 case=$3 partitions=$4 size=$5 n=$6 pid boot topic="$3-r$2" name="rep$2-$1-$3"
  if [ "$build" = A ]; then pid=$A_PID; boot=$A_BOOT; else pid=$B_PID; boot=$B_BOOT; fi
  kp_create_topic "$boot" "$topic" "$partitions"
  local load before after rate m0 m1 client TIMEFORMAT='%3U %3S'
  local producer=(--topic "$topic" --num-records "$n" --record-size "$size" --throughput -1
    --producer-props bootstrap.servers="$boot" acks=all)
  load=$(cut -d' ' -f1 /proc/loadavg)
  if [ "$WARM_CLIENT" -gt 0 ]; then
    kp_create_topic "$boot" "$topic-warm" "$partitions"
    kp_gated_run "$WORK" "$RESULTS/raw/$name-produce.out" "$RESULTS/raw/$name-produce.err" gate_opened gate_closed \
      java -Xmx1g "${WARM_PRODUCER[@]}" "${producer[@]}" || echo "WARNING: $name exited with $?" >&2
  else
    m0=$(kp_machine_ticks); before=$(kp_cpu_ticks "$pid")
    { time java -Xmx1g -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance "${producer[@]}" \
      > "$RESULTS/raw/$name-produce.out" 2>&1; } 2> "$WORK/time.txt"
    after=$(kp_cpu_ticks "$pid"); sync; m1=$(kp_machine_ticks)
    client=$(kp_time_ticks "$WORK/time.txt" "$CLK_TCK")
  fi
  rate=$(grep "99th" "$RESULTS/raw/$name-produce.out" | tail -1 | sed -E 's/^[0-9]+ records sent, ([0-9.]+) records\/sec.*/\1/')
  printf '%s\t%s\tproduce\t%s\t%s\t%s\t%s\t-\t%s\t%s\n' "$rep" "$build" "$case" "$n" $((after - before)) "$rate" "$load" \
    $((m1 - m0 - client)) >> "$RESULTS/samples.tsv"
  load=$(cut -d' ' -f1 /proc/loadavg)
  local consumer=(--bootstrap-server "$boot" --topic "$topic" --messages "$n" --timeout 60000)
  if [ "$WARM_CLIENT" -gt 0 ]; then # its warm-up runs read $topic-warm, which the producer's warm-up runs wrote
    kp_gated_run "$WORK" "$RESULTS/raw/$name-consume.out" "$RESULTS/raw/$name-consume.err" gate_opened gate_closed \
      java -Xmx1g "${WARM_CONSUMER[@]}" "${consumer[@]}" || echo "WARNING: $name consume exited with $?" >&2
  else
    before=$(kp_cpu_ticks "$pid")
    java -Xmx1g -cp "$TOOLS_CP" org.apache.kafka.tools.ConsumerPerformance "${consumer[@]}" \
      > "$RESULTS/raw/$name-consume.out" 2> "$RESULTS/raw/$name-consume.err"
    after=$(kp_cpu_ticks "$pid")
  fi
  # the values line: ..., data.consumed.in.nMsg (5), nMsg.sec (6), ..., fetch.nMsg.sec (10)
  local values; values=$(grep -A1 "^start.time" "$RESULTS/raw/$name-consume.out" | tail -1)
  printf '%s\t%s\tconsume\t%s\t%s\t%s\t%s\t%s\t%s\t-\n' "$rep" "$build" "$case" "$n" $((after - before)) \
    "$(echo "$values" | awk -F', ' '{print $6}')" "$(echo "$values" | awk -F', ' '{print $10}')" "$load" >> "$RESULTS/samples.tsv"
  echo "[$(date +%H:%M:%S)] rep $rep $build $case (load $load)" >&2
}

# the warm client's gates (kp_gated_run), in run's locals: the counters around the counted run only
gate_opened() { m0=$(kp_machine_ticks); before=$(kp_cpu_ticks "$pid"); client=$(kp_cpu_ticks "$KP_TOOL_PID"); }
gate_closed() {
  after=$(kp_cpu_ticks "$pid"); client=$(( $(kp_cpu_ticks "$KP_TOOL_PID" 2>/dev/null || echo "$client") - client ))
  sync; m1=$(kp_machine_ticks)
}

case_args() { # p4-1k -> "4 1024 RECORDS_1K"
  local p=${1%%-*} s=${1#*-}
  if [ "$s" = 1k ]; then echo "${p#p} 1024 $RECORDS_1K"; else echo "${p#p} $s $RECORDS_100"; fi
}

if [ "$WARMUP_RECORDS" -gt 0 ]; then
  # in a subshell: the warm-up sizes stay there
  (
    RECORDS_100=$WARMUP_RECORDS; RECORDS_1K=$((WARMUP_RECORDS / 5))
    for b in A B; do
      read -r p s n <<< "$(case_args p4-100)"; run "$b" 0 warmup "$p" "$s" "$n"
      read -r p s n <<< "$(case_args p1-1k)"; run "$b" 0 warmup-1k "$p" "$s" "$n"
    done
  )
fi

for rep in $(seq 1 "$REPS"); do
  if [ $((rep % 2)) = 1 ]; then ORDER="A B"; else ORDER="B A"; fi
  for c in $CASES; do
    read -r p s n <<< "$(case_args "$c")"
    for b in $ORDER; do run "$b" "$rep" "$c" "$p" "$s" "$n"; done
  done
done

python3 - "$RESULTS" "$CLK_TCK" "$ROOT/bench/kafka-perf" <<'PY' | tee "$RESULTS/table.md"
import csv, statistics, sys
sys.path.insert(0, sys.argv[3])
from slowdown import slowdowns
rows = [r for r in csv.DictReader(open(sys.argv[1] + "/samples.tsv"), delimiter="\t") if r["rep"] != "0"]
tck = int(sys.argv[2])
def cpu_us(r): return int(r["cpu_ticks"]) * 1e6 / tck / int(r["records"])
print("| kind | case | A rec/s | B rec/s (B/A) | A CPU µs/rec | B CPU µs/rec (B/A) | A machine less client µs/rec "
      "| B machine less client (B/A) | A fetch-only rec/s | B fetch-only (B/A) |")
print("|---|---|---|---|---|---|---|---|---|---|")
keys = []
for r in rows:
    if (r["kind"], r["case"]) not in keys: keys.append((r["kind"], r["case"]))
for kind, case in keys:
    sel = {b: [r for r in rows if r["kind"] == kind and r["case"] == case and r["build"] == b] for b in "AB"}
    rate = {b: statistics.median(float(r["rate"]) for r in sel[b]) for b in "AB"}
    cpu = {b: statistics.median(cpu_us(r) for r in sel[b]) for b in "AB"}
    if kind == "consume":
        fr = {b: statistics.median(float(r["fetch_rate"]) for r in sel[b]) for b in "AB"}
        fcell = f"{fr['A']/1000:.1f}k | {fr['B']/1000:.1f}k ({fr['B']/fr['A']:.2f}×)"
        mcell = "— | —"
    else:
        fcell = "— | —"
        m = {b: statistics.median(int(r["machine_less_client_ticks"]) * 1e6 / tck / int(r["records"]) for r in sel[b])
             for b in "AB"}
        mcell = f"{m['A']:.2f} | {m['B']:.2f} ({m['B']/m['A']:.2f}×)"
    print(f"| {kind} | {case} | {rate['A']/1000:.1f}k | {rate['B']/1000:.1f}k ({rate['B']/rate['A']:.2f}×) | "
          f"{cpu['A']:.2f} | {cpu['B']:.2f} ({cpu['B']/cpu['A']:.2f}×) | {mcell} | {fcell} |")
print()
print("Every run: rate k rec/s / CPU µs per record / 1-minute load average just before")
print()
print("| kind | case | A | B |")
print("|---|---|---|---|")
for kind, case in keys:
    cells = []
    for b in "AB":
        sel = [r for r in rows if r["kind"] == kind and r["case"] == case and r["build"] == b]
        cells.append(" · ".join(f"{float(r['rate'])/1000:.1f}k/{cpu_us(r):.2f}/{r['load1']}" for r in sel))
    print(f"| {kind} | {case} | {cells[0]} | {cells[1]} |")
slow = []
for kind, case in keys:
    for b in "AB":
        sel = [r for r in rows if r["kind"] == kind and r["case"] == case and r["build"] == b]
        slow += [f"rep {r['rep']} {b} {kind} {case}: {slower:.1f}x its best repetition's CPU per record"
                 for r, slower in zip(sel, slowdowns(kind, [cpu_us(r) for r in sel])) if slower]
if slow:
    print()
    print("**Warning: the host slowed down during this run; rerun when quiet.** " + "; ".join(slow))
PY
echo "samples, raw outputs and broker logs: $RESULTS" >&2
