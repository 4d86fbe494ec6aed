# Shared by run.sh and compare.sh (sourced, not run): resolving Kafka's tools and broker, building Busbar's broker,
# and starting either broker on a free loopback port. Needs ROOT (the repository root) and WORK (a scratch directory).
# Functions set globals (bash has no multiple return values): TOOLS_CP, KAFKA_CP, BUSBAR_CP, BUSBAR_PID,
# BUSBAR_BOOTSTRAP, KAFKA_PID, KAFKA_BOOTSTRAP.

# The whole machine's busy CPU in clock ticks (user, nice, system, irq, softirq of /proc/stat's cpu line; no idle,
# iowait or steal): the kernel's write-back threads included, which write Kafka's pages out later and are charged to
# no broker. Read it before a run and after a sync(1) that follows the run.
kp_machine_ticks() { awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8; exit }' /proc/stat; }
# kp_time_ticks FILE CLK_TCK: the CPU a command took, in clock ticks, from what bash's `time` wrote to FILE with
# TIMEFORMAT='%3U %3S' (user and system seconds, the command's children included)
kp_time_ticks() { awk -v hz="$2" '{ printf "%d", ($1 + $2) * hz }' "$1"; }

kp_cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; } # a process's utime + stime (ticks)

kp_free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

kp_resolve_tools() { # kafka-tools 4.1.2 (ProducerPerformance, ConsumerPerformance, EndToEndLatency, TopicCommand)
  echo "# resolving kafka-tools 4.1.2" >&2
  mvn -B -q -f "$ROOT/bench/kafka-perf/pom.xml" dependency:build-classpath -Dmdep.outputFile="$WORK/tools.cp" >&2
  TOOLS_CP=$(cat "$WORK/tools.cp")
}

kp_resolve_kafka() { # the Apache Kafka 4.1.2 broker (kafka_2.13) from Maven Central
  echo "# resolving the Kafka 4.1.2 broker" >&2
  mvn -B -q -f "$ROOT/bench/kafka-perf/pom.xml" -P 'broker,!tools' dependency:build-classpath \
    -Dmdep.outputFile="$WORK/kafka.cp" >&2
  KAFKA_CP=$(cat "$WORK/kafka.cp")
}

kp_build_busbar() { # test-compile writes bus-kafka/target/broker-classpath.txt; this checkout's bus-core classes go
  # before that list, which names the bus-core jar in ~/.m2 (possibly from another checkout). SKIP_BUILD=1: the
  # classes already built.
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    echo "# building bus-kafka" >&2
    mvn -B -q -f "$ROOT/pom.xml" -pl bus-kafka -am test-compile >&2
  fi
  BUSBAR_CP="$ROOT/bus-kafka/target/classes:$ROOT/bus-core/target/classes:$(cat "$ROOT/bus-kafka/target/broker-classpath.txt")"
}

# kp_start_busbar DATA_DIR DURABILITY LOG [JVM_OPTION...]: sets BUSBAR_PID and BUSBAR_BOOTSTRAP; KP_BUSBAR_ARGS (split
# on spaces) are further BusbarBroker arguments
kp_start_busbar() {
  local dir=$1 durability=$2 log=$3 extra; shift 3
  read -r -a extra <<< "${KP_BUSBAR_ARGS:-}"
  # the group's initial rebalance delay as kp_start_kafka sets Kafka's (0; Busbar's default is 100 ms)
  java -Xmx1g "$@" -cp "$BUSBAR_CP" io.busbar.kafka.BusbarBroker --data-dir "$dir" \
    --listener 127.0.0.1:"$(kp_free_port)" --durability "$durability" --group-initial-rebalance-delay-ms 0 \
    "${extra[@]}" > "$log" 2>&1 &
  BUSBAR_PID=$!
  for _ in $(seq 1 120); do grep -qs BUSBAR_KAFKA_LISTENING "$log" && break; sleep 0.5; done
  BUSBAR_BOOTSTRAP=$(awk '/BUSBAR_KAFKA_LISTENING/{print $2}' "$log")
  [ -n "$BUSBAR_BOOTSTRAP" ] || { echo "Busbar did not start:" >&2; tail -50 "$log" >&2; return 1; }
}

# kp_start_kafka DIR FSYNC(yes|no) LOG: a KRaft single node (broker and controller in one JVM) with a fresh log dir
# under DIR; FSYNC=yes adds log.flush.interval.messages=1 (fsync every append before acknowledging). Sets KAFKA_PID
# and KAFKA_BOOTSTRAP.
kp_start_kafka() {
  local dir=$1 fsync=$2 log=$3 port cport
  port=$(kp_free_port); cport=$(kp_free_port)
  mkdir -p "$dir"
  cat > "$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/kafka-logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  if [ "$fsync" = yes ]; then
    # fsync every appended batch before acknowledging: the durability Busbar gives by default
    echo "log.flush.interval.messages=1" >> "$dir/server.properties"
  fi
  java -cp "$KAFKA_CP" kafka.tools.StorageTool format -t "$(java -cp "$KAFKA_CP" kafka.tools.StorageTool random-uuid)" \
    -c "$dir/server.properties" >&2
  java -Xmx1g -cp "$KAFKA_CP" kafka.Kafka "$dir/server.properties" > "$log" 2>&1 &
  KAFKA_PID=$!
  for _ in $(seq 1 240); do grep -qs "Kafka Server started" "$log" && break; sleep 0.5; done
  grep -q "Kafka Server started" "$log" || { echo "Kafka did not start:" >&2; tail -50 "$log" >&2; return 1; }
  KAFKA_BOOTSTRAP="127.0.0.1:$port"
}

# kp_resolve_profiler DIR: async-profiler 4.1 (tools.profiler:async-profiler, the profiler profile of pom.xml) unpacked
# into DIR; sets PROFILER_SO
kp_resolve_profiler() {
  local arch
  mvn -B -q -f "$ROOT/bench/kafka-perf/pom.xml" -P 'profiler,!tools' dependency:build-classpath \
    -Dmdep.outputFile="$1/profiler.cp" >&2
  case "$(uname -m)" in x86_64) arch=linux-x64 ;; aarch64) arch=linux-arm64 ;; *) echo "no async-profiler for $(uname -m)" >&2; return 1 ;; esac
  unzip -q -o -j "$(cat "$1/profiler.cp")" "$arch/libasyncProfiler.so" -d "$1"
  PROFILER_SO="$1/libasyncProfiler.so"
}

kp_stop() { # kp_stop PID: SIGTERM and wait (both brokers shut down cleanly on SIGTERM)
  [ -n "${1:-}" ] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# kp_side_by_side RESULTS WARM_RUNS: the client tools, the Kafka 4.1.2 broker, this checkout's build and the warm
# client (kp_warm_client), then Kafka (default configuration) and Busbar (--durability fsync) started under $WORK with
# their logs in RESULTS. Sets KAFKA_PID, KAFKA_BOOTSTRAP, BUSBAR_PID, BUSBAR_BOOTSTRAP, and an EXIT trap that stops both
# and removes $WORK.
kp_side_by_side() {
  KAFKA_PID=""; BUSBAR_PID=""
  trap 'kp_stop "$KAFKA_PID"; kp_stop "$BUSBAR_PID"; rm -rf "$WORK"' EXIT
  kp_resolve_tools; kp_resolve_kafka; kp_build_busbar
  kp_warm_client "$WORK/warm-client" "$2"
  kp_start_kafka "$WORK/kafka" no "$1/kafka-broker.log"
  kp_start_busbar "$WORK/busbar" fsync "$1/busbar-broker.log"
}

# kp_create_topic BOOTSTRAP TOPIC PARTITIONS [--config K=V ...]
kp_create_topic() {
  local bootstrap=$1 topic=$2 partitions=$3; shift 3
  java -cp "$TOOLS_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bootstrap" --create \
    --topic "$topic" --partitions "$partitions" --replication-factor 1 "$@" >/dev/null 2>&1
}

# kp_warm_client DIR RUNS: compiles src/WarmProducerPerformance.java and src/WarmConsumerPerformance.java into DIR
# (TOOLS_CP first); sets WARM_PRODUCER and WARM_CONSUMER, the java arguments that run each with its gates after RUNS
# uncounted warm-up runs (the consumer's on TOPIC-warm, which the producer's warm-up runs wrote)
kp_warm_client() {
  mkdir -p "$1"
  javac -d "$1" -cp "$TOOLS_CP" "$ROOT/bench/kafka-perf/src/WarmProducerPerformance.java" \
    "$ROOT/bench/kafka-perf/src/WarmConsumerPerformance.java"
  WARM_PRODUCER=(-Dwarm.gate=true -Dwarm.runs="$2" -cp "$1:$TOOLS_CP" WarmProducerPerformance)
  WARM_CONSUMER=(-Dwarm.gate=true -Dwarm.runs="$2" -cp "$1:$TOOLS_CP" WarmConsumerPerformance)
}

# kp_gated_run WORK_DIR OUT ERR AT_START AT_END COMMAND...: runs a gated Warm{Producer,Consumer}Performance command (its
# uncounted warm-up runs, then the counted one) with its stdout relayed to OUT through a FIFO, and calls the function
# AT_START while the tool waits before the counted run (after a sync, so that the warm-up's write-back stays out
# of the count) and AT_END while it waits after it; KP_TOOL_PID is the tool's pid. A blocking read relays the
# output: polling a file for the gate lines took a third of a core in the middle of the measurement. Returns the
# tool's exit status, or 3 when it ended before its first gate (AT_START and AT_END not called).
kp_gated_run() {
  local work=$1 out=$2 err=$3 at_start=$4 at_end=$5 started=0 rc=0; shift 5
  local gate="$work/gate" said="$work/said"
  rm -f "$gate" "$said"; mkfifo "$gate" "$said"
  "$@" < "$gate" > "$said" 2> "$err" &
  KP_TOOL_PID=$!
  exec 7> "$gate" 8< "$said"
  : > "$out"
  if kp_relay_until "$out" '# measured'; then
    started=1
    sync
    "$at_start"
    echo go >&7
    kp_relay_until "$out" '# done' || true
    "$at_end"
    if kill -0 "$KP_TOOL_PID" 2>/dev/null; then echo go >&7; fi
  fi
  exec 7>&-
  kp_relay_until "$out" '' || true
  exec 8<&-
  wait "$KP_TOOL_PID" || rc=$?
  if [ "$started" = 0 ] && [ "$rc" = 0 ]; then rc=3; fi
  return "$rc"
}

kp_relay_until() { # kp_relay_until OUT LINE: the tool's output (fd 8) to OUT up to LINE (status 1 at its end; '': all)
  local line
  while IFS= read -r line <&8; do
    printf '%s\n' "$line" >> "$1"
    if [ -n "$2" ] && [ "$line" = "$2" ]; then return 0; fi
  done
  return 1
}
