#!/usr/bin/env bash
# Produce throughput over SASL_SSL (SCRAM-SHA-512, TLS) against PLAINTEXT, on Busbar and on Apache Kafka 4.1.2, with
# Apache Kafka's own kafka-producer-perf-test (kafka-tools 4.1.2). Each broker serves both listeners at once; the same
# CA and server certificate (made here with keytool) serve both brokers. Both fsync before acknowledging (Busbar's
# default; Kafka with log.flush.interval.messages=1), as run.sh does.
#
#   bench/kafka-perf/security.sh [busbar|kafka|all]          (default: all)
#   RECORDS=200000 SIZE=1024 PARTITIONS=1 bench/kafka-perf/security.sh busbar
#   DURABILITY=os ROUNDS=2 bench/kafka-perf/security.sh busbar   # no fsync (TLS cost shows more); alternate twice
#
# Prints one line per broker and protocol; see docs/performance.md, "Kafka listener over SASL_SSL".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WHICH=${1:-all}
RECORDS=${RECORDS:-100000}
SIZE=${SIZE:-1024}
PARTITIONS=${PARTITIONS:-1}
DURABILITY=${DURABILITY:-fsync}
ROUNDS=${ROUNDS:-1}
WORK=$(mktemp -d /tmp/busbar-kafka-sec-perf.XXXXXX)
BROKER_PID=""
cleanup() {
  if [ -n "$BROKER_PID" ]; then kill "$BROKER_PID" 2>/dev/null || true; wait "$BROKER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
PASS=bench-secret
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

echo "# certificates" >&2
(cd "$WORK" && {
  keytool -genkeypair -alias ca -keyalg EC -groupname secp256r1 -dname "CN=bench CA" -ext bc:c -validity 2 \
    -keystore ca.p12 -storetype PKCS12 -storepass $PASS
  keytool -exportcert -rfc -alias ca -keystore ca.p12 -storepass $PASS -file ca.pem
  keytool -importcert -noprompt -alias ca -file ca.pem -keystore truststore.p12 -storetype PKCS12 -storepass $PASS
  keytool -genkeypair -alias server -keyalg EC -groupname secp256r1 -dname "CN=localhost" -validity 2 \
    -keystore server.p12 -storetype PKCS12 -storepass $PASS
  keytool -certreq -alias server -keystore server.p12 -storepass $PASS -file server.csr
  keytool -gencert -alias ca -keystore ca.p12 -storepass $PASS -infile server.csr -outfile server.crt -rfc \
    -ext san=dns:localhost,ip:127.0.0.1 -validity 2
  keytool -importcert -noprompt -alias ca -file ca.pem -keystore server.p12 -storepass $PASS
  keytool -importcert -alias server -file server.crt -keystore server.p12 -storepass $PASS
} >/dev/null 2>&1)
echo "$PASS" > "$WORK/password"
cat > "$WORK/client-sasl-ssl.properties" <<PROPS
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="bench" password="$PASS";
ssl.truststore.location=$WORK/truststore.p12
ssl.truststore.password=$PASS
ssl.truststore.type=PKCS12
PROPS
: > "$WORK/client-plaintext.properties"

echo "# resolving kafka-tools 4.1.2" >&2
mvn -B -q -f "$ROOT/bench/kafka-perf/pom.xml" dependency:build-classpath -Dmdep.outputFile="$WORK/tools.cp" >&2
TOOLS_CP=$(cat "$WORK/tools.cp")

produce() { # $1 label, $2 bootstrap, $3 client properties, $4 topic
  java -cp "$TOOLS_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "$2" --command-config "$3" --create \
    --topic "$4" --partitions "$PARTITIONS" --replication-factor 1 >/dev/null 2>&1 || true
  local out
  out=$(java -Xmx1g -cp "$TOOLS_CP" org.apache.kafka.tools.ProducerPerformance --topic "$4" --num-records "$RECORDS" \
    --record-size "$SIZE" --throughput -1 --producer.config "$3" \
    --producer-props bootstrap.servers="$2" acks=all 2>/dev/null | tail -1)
  echo "$1 | partitions=$PARTITIONS | record=${SIZE}B | load $(cut -d' ' -f1-3 /proc/loadavg) | $out"
}

if [ "$WHICH" = busbar ] || [ "$WHICH" = all ]; then
  mvn -B -q -f "$ROOT/pom.xml" -pl bus-kafka -am test-compile >&2
  BROKER_CP="$ROOT/bus-kafka/target/classes:$(cat "$ROOT/bus-kafka/target/broker-classpath.txt")"
  P1=$(free_port); P2=$(free_port)
  cat > "$WORK/busbar.properties" <<PROPS
busbar.kafka.listeners=PLAIN://127.0.0.1:$P1,SECURE://127.0.0.1:$P2
busbar.kafka.listener.security.protocol.map=PLAIN:PLAINTEXT,SECURE:SASL_SSL
busbar.kafka.sasl.enabled.mechanisms=SCRAM-SHA-512
busbar.kafka.ssl.keystore.location=$WORK/server.p12
busbar.kafka.ssl.keystore.password=$PASS
busbar.kafka.super.users=User:bench;User:ANONYMOUS
PROPS
  java -Xmx1g -cp "$BROKER_CP" io.busbar.kafka.BusbarBroker --data-dir "$WORK/busbar" --config "$WORK/busbar.properties" \
    --scram-user "bench=$WORK/password" --durability "$DURABILITY" > "$WORK/busbar.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 1 120); do grep -q BUSBAR_KAFKA_LISTENING "$WORK/busbar.log" && break; sleep 0.5; done
  grep -q BUSBAR_KAFKA_LISTENING "$WORK/busbar.log" || { cat "$WORK/busbar.log" >&2; exit 1; }
  for round in $(seq 1 "$ROUNDS"); do
    produce "busbar ($DURABILITY) PLAINTEXT" "127.0.0.1:$P1" "$WORK/client-plaintext.properties" "perf-plain-$round"
    produce "busbar ($DURABILITY) SASL_SSL " "127.0.0.1:$P2" "$WORK/client-sasl-ssl.properties" "perf-secure-$round"
  done
  kill "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true; BROKER_PID=""
fi

if [ "$WHICH" = kafka ] || [ "$WHICH" = all ]; then
  mvn -B -q -f "$ROOT/bench/kafka-perf/pom.xml" -P 'broker,!tools' dependency:build-classpath \
    -Dmdep.outputFile="$WORK/kafka.cp" >&2
  KAFKA_CP=$(cat "$WORK/kafka.cp")
  P1=$(free_port); P2=$(free_port); CPORT=$(free_port)
  cat > "$WORK/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CPORT
listeners=PLAINTEXT://127.0.0.1:$P1,SASL_SSL://127.0.0.1:$P2,CONTROLLER://127.0.0.1:$CPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$P1,SASL_SSL://127.0.0.1:$P2
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
ssl.keystore.location=$WORK/server.p12
ssl.keystore.password=$PASS
ssl.keystore.type=PKCS12
log.dirs=$WORK/kafka-logs
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  [ "$DURABILITY" = fsync ] && echo "log.flush.interval.messages=1" >> "$WORK/server.properties"
  java -cp "$KAFKA_CP" kafka.tools.StorageTool format -t "$(java -cp "$KAFKA_CP" kafka.tools.StorageTool random-uuid)" \
    -c "$WORK/server.properties" --add-scram "SCRAM-SHA-512=[name=bench,password=$PASS]" >&2
  java -Xmx1g -cp "$KAFKA_CP" kafka.Kafka "$WORK/server.properties" > "$WORK/kafka.log" 2>&1 &
  BROKER_PID=$!
  for _ in $(seq 1 240); do grep -q "Kafka Server started" "$WORK/kafka.log" && break; sleep 0.5; done
  grep -q "Kafka Server started" "$WORK/kafka.log" || { echo "Kafka did not start:" >&2; tail -50 "$WORK/kafka.log" >&2; exit 1; }
  for round in $(seq 1 "$ROUNDS"); do
    produce "kafka 4.1.2 ($DURABILITY) PLAINTEXT" "127.0.0.1:$P1" "$WORK/client-plaintext.properties" "perf-plain-$round"
    produce "kafka 4.1.2 ($DURABILITY) SASL_SSL " "127.0.0.1:$P2" "$WORK/client-sasl-ssl.properties" "perf-secure-$round"
  done
  kill "$BROKER_PID"; wait "$BROKER_PID" 2>/dev/null || true; BROKER_PID=""
fi
