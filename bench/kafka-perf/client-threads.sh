#!/usr/bin/env bash
# Where the producer client's CPU goes: per-thread CPU of the ProducerPerformance JVM against Kafka 4.1.2 (default
# configuration) and Busbar (--durability fsync). A cold client is one ProducerPerformance JVM per run, its threads
# read every second (/proc/<pid>/task/*/stat; each thread's last reading). A warm client is compare.sh's
# (src/WarmProducerPerformance.java with WARM_RUNS uncounted runs first), its threads read at the gates before and
# after the counted run, so its figures cover the counted run only. Brokers alternate; REPS runs of each. See
# docs/performance.md, "The client's compiler".
#
#   bench/kafka-perf/client-threads.sh
#   CASE_PARTITIONS=1 RECORD_SIZE=100 RECORDS=1000000 CLIENTS=warm WARM_RUNS=1 bench/kafka-perf/client-threads.sh
#
# Environment (defaults): CASE_PARTITIONS (1), RECORD_SIZE (1024), RECORDS (200000), REPS (3), CLIENTS ("cold warm"),
# WARM_RUNS (4), SKIP_BUILD (0), RESULTS (bench/kafka-perf/results/<date-time>-client-threads)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
HERE="$ROOT/bench/kafka-perf"
P=${CASE_PARTITIONS:-1}; SIZE=${RECORD_SIZE:-1024}; N=${RECORDS:-200000}; REPS=${REPS:-3}
CLIENTS=${CLIENTS:-cold warm}; WARM_RUNS=${WARM_RUNS:-4}
RESULTS=${RESULTS:-$HERE/results/$(date +%Y%m%d-%H%M%S)-client-threads}
mkdir -p "$RESULTS/raw"
WORK=$(mktemp -d /tmp/busbar-client-threads.XXXXXX)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
kp_side_by_side "$RESULTS" "$WARM_RUNS"
{ echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); cpus: $(nproc); commit: $(git -C "$ROOT" rev-parse --short HEAD)"
  echo "records: $N x $SIZE B on $P partition(s); reps: $REPS; clients: $CLIENTS; warm-up runs of the warm client: $WARM_RUNS"
  echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"; } > "$RESULTS/environment.txt"
printf 'client\tbroker\trep\trecords_per_s\tthread\tcpu_ticks\n' > "$RESULTS/threads.tsv"

# every thread of process $1: tid, name, utime + stime (ticks); one awk, so that reading takes little of the CPU it measures
thread_ticks() {
  awk '{ c = $0; sub(/^[^(]*\(/, "", c); sub(/\).*$/, "", c); r = $0; sub(/^.*\) /, "", r); split(r, f, " ")
         n = split(FILENAME, p, "/"); print p[n - 1] "\t" c "\t" f[12] + f[13] }' /proc/"$1"/task/*/stat 2>/dev/null || true
}
# the process's own figure also holds the threads that ended (the counted run's producer network thread ends when its
# producer closes, before the closing gate): what it adds to the live threads is put down as "exited threads"
gate_opened() { thread_ticks "$KP_TOOL_PID" > "$WORK/start.snap"; process_start=$(kp_cpu_ticks "$KP_TOOL_PID"); }
gate_closed() { thread_ticks "$KP_TOOL_PID" > "$WORK/end.snap"; process_end=$(kp_cpu_ticks "$KP_TOOL_PID"); }

run() { # run CLIENT(cold|warm) BROKER BOOTSTRAP REP
  local client=$1 broker=$2 boot=$3 rep=$4 pid
  local topic="$client-$broker-$rep" name="$client-$broker-$rep"
  local producer=(--topic "$topic" --num-records "$N" --record-size "$SIZE" --throughput -1
    --producer-props bootstrap.servers="$boot" acks=all)
  kp_create_topic "$boot" "$topic" "$P"; kp_create_topic "$boot" "$topic-warm" "$P"
  if [ "$client" = warm ]; then
    # the counted run's threads: each one's CPU at the closing gate less its CPU at the opening one (0 if born later)
    kp_gated_run "$WORK" "$RESULTS/raw/$name.out" "$RESULTS/raw/$name.err" gate_opened gate_closed \
      java -Xmx1g "${WARM_PRODUCER[@]}" "${producer[@]}" || echo "WARNING: $name exited with $?" >&2
    awk -F'\t' -v process=$((process_end - process_start)) \
      'NR == FNR { s[$1] = $3; next } { d = $3 - s[$1]; live += d; print $1 "\t" $2 "\t" d }
       END { print "exited\texited threads\t" process - live }' "$WORK/start.snap" "$WORK/end.snap" > "$WORK/$name.snaps"
  else
    java -Xmx1g -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance "${producer[@]}" \
      > "$RESULTS/raw/$name.out" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do thread_ticks "$pid" >> "$WORK/$name.snaps"; sleep 1; done
    wait "$pid" || true
  fi
  local rate
  rate=$(grep 'records sent' "$RESULTS/raw/$name.out" | tail -1 | sed -E 's/.* ([0-9.]+) records\/sec.*/\1/')
  awk -F'\t' -v c="$client" -v b="$broker" -v r="$rep" -v rate="$rate" \
    '{ if ($3 > t[$1]) t[$1] = $3; n[$1] = $2 } END { for (k in t) if (t[k] > 0) print c "\t" b "\t" r "\t" rate "\t" n[k] "\t" t[k] }' \
    "$WORK/$name.snaps" >> "$RESULTS/threads.tsv"
  echo "$name: $rate records/s" >&2
  sync
}

for client in $CLIENTS; do
  for rep in $(seq 1 "$REPS"); do
    if [ $((rep % 2)) = 1 ]; then run $client kafka "$KAFKA_BOOTSTRAP" "$rep"; run $client busbar "$BUSBAR_BOOTSTRAP" "$rep"
    else run $client busbar "$BUSBAR_BOOTSTRAP" "$rep"; run $client kafka "$KAFKA_BOOTSTRAP" "$rep"; fi
  done
done

# medians over the repetitions: the client's CPU seconds by thread group, and the rate
python3 - "$RESULTS" "$(getconf CLK_TCK)" <<'PY' | tee "$RESULTS/table.md"
import csv, statistics, sys, collections
hz = int(sys.argv[2])
rows = list(csv.DictReader(open(sys.argv[1] + "/threads.tsv"), delimiter="\t"))
def group(name):
    if name.startswith("C2 Compiler") or name.startswith("C1 Compiler"): return name[:2] + " compiler"
    if name.startswith("kafka-producer"): return "producer network thread (kafka-producer-network-thread)"
    if name == "exited threads": return "exited threads (warm: the counted run's producer network thread)"
    if name == "java": return "main (record generation, send)"
    if name.startswith("GC ") or name.startswith("G1 "): return "GC"
    return "other"
runs = collections.defaultdict(lambda: collections.Counter())
rates = {}
for r in rows:
    key = (r["client"], r["broker"], r["rep"])
    runs[key][group(r["thread"])] += int(r["cpu_ticks"])
    rates[key] = float(r["records_per_s"] or 0)
groups = ["C2 compiler", "C1 compiler", "producer network thread (kafka-producer-network-thread)",
          "exited threads (warm: the counted run's producer network thread)", "main (record generation, send)", "GC", "other"]
cols = [(c, b) for c in ("cold", "warm") for b in ("kafka", "busbar") if any(k[0] == c for k in runs)]
print("| client CPU seconds per run (median) | " + " | ".join(f"{c} client, {b}" for c, b in cols) + " |")
print("|---|" + "---|" * len(cols))
def med(c, b, f):
    vals = [f(k) for k in runs if k[0] == c and k[1] == b]
    return statistics.median(vals) if vals else float("nan")
for g in groups:
    print(f"| {g} | " + " | ".join(f"{med(c, b, lambda k: runs[k][g]) / hz:.2f}" for c, b in cols) + " |")
print("| all threads | " + " | ".join(f"{med(c, b, lambda k: sum(runs[k].values())) / hz:.2f}" for c, b in cols) + " |")
print("| records/s of the (counted) run | " + " | ".join(f"{med(c, b, lambda k: rates[k]) / 1000:.1f}k" for c, b in cols) + " |")
PY
