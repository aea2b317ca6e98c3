#!/usr/bin/env bash
# Real Apache Kafka (single KRaft node) from Maven Central jars, for CI and for developers without Docker.
#
#   scripts/kafka/kafka.sh install                      copy the Kafka jars into scripts/kafka/target/lib (idempotent)
#   scripts/kafka/kafka.sh start [--port P] [--dir D]   format storage in D, start a broker+controller on 127.0.0.1:P,
#                                                       wait until it answers metadata requests; prints the address
#   scripts/kafka/kafka.sh stop  [--dir D]              SIGTERM the broker started in D, SIGKILL after 30 s
#   scripts/kafka/kafka.sh status [--dir D]             exit 0 and print the address if the broker in D is running
#   scripts/kafka/kafka.sh KAFKA-SCRIPT [ARGS...]       run one of Kafka's bin/ tools by its script name, as written:
#       kafka-topics --bootstrap-server 127.0.0.1:P --describe --topic t
#       kafka-consumer-groups.sh --bootstrap-server 127.0.0.1:P --describe --group g
#       kafka-console-consumer --bootstrap-server 127.0.0.1:P --topic t --from-beginning
#     (kafka-topics, kafka-consumer-groups, kafka-console-consumer, kafka-console-producer, kafka-configs,
#      kafka-get-offsets, kafka-delete-records, kafka-transactions, kafka-acls, kafka-broker-api-versions,
#      kafka-log-dirs, kafka-leader-election, kafka-features, kafka-metadata-quorum, kafka-dump-log,
#      kafka-producer-perf-test, kafka-consumer-perf-test, kafka-e2e-latency, kafka-verifiable-producer,
#      kafka-verifiable-consumer, kafka-streams-application-reset, kafka-storage; `.sh` optional;
#      `scripts/kafka/kafka.sh tools` lists them with their classes)
#   scripts/kafka/kafka.sh tool CLASS [ARGS...]         run a Kafka Java tool by class name with the same class path
#   scripts/kafka/kafka.sh topics|console-consumer|console-producer ARGS...   shorthands kept from before
#
# The jars are installed on first use (Maven prints each one as it comes). Defaults: --port 19092,
# --dir scripts/kafka/.work. Needs java (17+) and, for the install, mvn.
# Measured on the 2-core dev/CI machine: install ~6 s from a warm Maven cache (105 jars, 56 MB),
# start ~4-6 s until a metadata request succeeds, stop ~2 s.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LIB="$HERE/target/lib"
DEFAULT_DIR="$HERE/.work"
START_TIMEOUT_S="${KAFKA_START_TIMEOUT_S:-90}"

DAEMON_SCRIPT=kafka.sh DAEMON_WHAT='Kafka broker' DAEMON_PIDFILE=kafka.pid DAEMON_STATUS_FILE=address DAEMON_STOP_TIMEOUT_S=30
# shellcheck source=../lib/daemon.sh
source "$HERE/../lib/daemon.sh"

have_lib() {
  compgen -G "$LIB/kafka_2.13-*.jar" >/dev/null && compgen -G "$LIB/kafka-tools-*.jar" >/dev/null
}

# The jars, installed on first use (one installer at a time: concurrent callers wait for it).
need_lib() {
  have_lib && return 0
  mkdir -p "$HERE/target"
  exec 9>"$HERE/target/.install.lock"
  if command -v flock >/dev/null; then flock 9; fi
  have_lib || cmd_install
  exec 9>&-
}

java_tool() {
  # Tools log at WARN to stderr so their output stays readable.
  java -Xmx256m -Dlog4j.configuration="file:$HERE/tools-log4j.properties" -cp "$LIB/*" "$@"
}

cmd_install() {
  command -v mvn >/dev/null || die "mvn not found — install Maven (apt-get install -y maven), then run: scripts/kafka/kafka.sh install"
  if have_lib && [[ "$LIB" -nt "$HERE/pom.xml" ]]; then
    echo "kafka.sh: jars already in $LIB" >&2
    return 0
  fi
  echo "kafka.sh: installing the Apache Kafka jars from Maven Central into $LIB (about 105 jars, 56 MB; seconds when Maven has them cached)" >&2
  mkdir -p "$HERE/target"
  local log="$HERE/target/install.log" ok=1 watcher
  count_jars &
  watcher=$!
  (cd "$HERE" && mvn -B dependency:copy-dependencies </dev/null 2>&1) | tee "$log" | install_progress || ok=0
  kill "$watcher" 2>/dev/null || true
  wait "$watcher" 2>/dev/null || true
  if (( ! ok )); then
    tail -n 30 "$log" >&2
    die "installing the Kafka jars failed (Maven's output is in $log); check the network or Maven's settings, then run: scripts/kafka/kafka.sh install"
  fi
  touch "$LIB"
  echo "kafka.sh: installed $(ls "$LIB" | wc -l) jars into $LIB" >&2
}

# Progress on stderr (a tool's stdout stays its own): Maven's line for each jar it downloads...
install_progress() {
  local line
  while IFS= read -r line; do
    case "$line" in
      *"Downloaded from"*.jar*) echo "kafka.sh: downloaded ${line##*/}" >&2 ;;
    esac
  done
}

# ...and every 2 s how many jars are in place (Maven copies cached ones silently).
count_jars() {
  local last=-1 now
  while sleep 2; do
    now=$(ls "$LIB" 2>/dev/null | grep -c '[.]jar$' || true)
    (( now != last )) && echo "kafka.sh: $now jars in $LIB so far" >&2
    last=$now
  done
}

# Kafka's bin/ script names (3.9) and the classes they run.
KAFKA_SCRIPTS="
kafka-acls kafka.admin.AclCommand
kafka-broker-api-versions kafka.admin.BrokerApiVersionsCommand
kafka-configs kafka.admin.ConfigCommand
kafka-console-consumer org.apache.kafka.tools.consumer.ConsoleConsumer
kafka-console-producer kafka.tools.ConsoleProducer
kafka-consumer-groups org.apache.kafka.tools.consumer.group.ConsumerGroupCommand
kafka-consumer-perf-test org.apache.kafka.tools.ConsumerPerformance
kafka-delete-records org.apache.kafka.tools.DeleteRecordsCommand
kafka-dump-log kafka.tools.DumpLogSegments
kafka-e2e-latency org.apache.kafka.tools.EndToEndLatency
kafka-features org.apache.kafka.tools.FeatureCommand
kafka-get-offsets org.apache.kafka.tools.GetOffsetShell
kafka-leader-election org.apache.kafka.tools.LeaderElectionCommand
kafka-log-dirs org.apache.kafka.tools.LogDirsCommand
kafka-metadata-quorum org.apache.kafka.tools.MetadataQuorumCommand
kafka-producer-perf-test org.apache.kafka.tools.ProducerPerformance
kafka-storage kafka.tools.StorageTool
kafka-streams-application-reset org.apache.kafka.tools.StreamsResetter
kafka-topics org.apache.kafka.tools.TopicCommand
kafka-transactions org.apache.kafka.tools.TransactionsCommand
kafka-verifiable-consumer org.apache.kafka.tools.VerifiableConsumer
kafka-verifiable-producer org.apache.kafka.tools.VerifiableProducer
"

# The class of a Kafka script name (with or without .sh), or nothing.
script_class() {
  local name="${1%.sh}"
  awk -v n="$name" '$1 == n { print $2 }' <<<"$KAFKA_SCRIPTS"
}

write_config() {
  local controller_port="$1"
  cat >"$DIR/server.properties" <<EOF
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.quorum.voters=1@127.0.0.1:$controller_port
log.dirs=$DIR/logs
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=1
transaction.abort.timed.out.transaction.cleanup.interval.ms=1000
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
log.retention.hours=24
log.segment.bytes=67108864
EOF
  cat >"$DIR/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$DIR/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
EOF
}

cmd_start() {
  daemon_options 19092 "$DEFAULT_DIR" "$@"
  need_lib
  command -v java >/dev/null || die "java not found — install a JDK 17+ (apt-get install -y openjdk-17-jre-headless)"
  daemon_check_free
  local started; started="$(now_s)"
  local controller_port; controller_port="$(free_port)"
  rm -rf "$DIR/logs"
  write_config "$controller_port"
  local cluster_id; cluster_id="$(java_tool kafka.tools.StorageTool random-uuid)"
  java_tool kafka.tools.StorageTool format -t "$cluster_id" -c "$DIR/server.properties" >"$DIR/format.out" 2>&1 \
    || { cat "$DIR/format.out" >&2; die "formatting storage in $DIR/logs failed"; }
  nohup java -Xmx512m -Xms256m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$DIR/log4j.properties" -Dkafka.logs.dir="$DIR" \
    -cp "$LIB/*" kafka.Kafka "$DIR/server.properties" >"$DIR/stdout.log" 2>&1 &
  local pid=$!
  echo "$pid" >"$DIR/kafka.pid"
  echo "127.0.0.1:$PORT" >"$DIR/address"

  local deadline=$(( started + START_TIMEOUT_S ))
  until port_open "$PORT"; do
    kill -0 "$pid" 2>/dev/null || { tail -n 40 "$DIR/server.log" "$DIR/stdout.log" >&2 || true; die "Kafka exited during startup (logs in $DIR)"; }
    (( $(now_s) < deadline )) || { daemon_stop_pid "$pid"; die "Kafka did not open port $PORT within ${START_TIMEOUT_S}s (logs in $DIR)"; }
    sleep 0.5
  done
  # The port answering is not enough: wait until a metadata request (topic list) succeeds.
  until java_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$PORT" --list >/dev/null 2>"$DIR/probe.err"; do
    kill -0 "$pid" 2>/dev/null || die "Kafka exited during startup (logs in $DIR)"
    (( $(now_s) < deadline )) || { daemon_stop_pid "$pid"; die "Kafka did not answer metadata requests within ${START_TIMEOUT_S}s (logs in $DIR)"; }
    sleep 1
  done
  echo "kafka.sh: Apache Kafka ready at 127.0.0.1:$PORT (pid $pid, dir $DIR) in $(( $(now_s) - started ))s" >&2
  echo "127.0.0.1:$PORT"
}

cmd_stop() {
  daemon_options 19092 "$DEFAULT_DIR" "$@"
  daemon_stop
}

cmd_status() {
  daemon_options 19092 "$DEFAULT_DIR" "$@"
  daemon_status
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    install) cmd_install ;;
    start) cmd_start "$@" ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status "$@" ;;
    tool) [[ $# -gt 0 ]] || die "tool needs a Java class name, e.g. tool org.apache.kafka.tools.TopicCommand --help"; need_lib; java_tool "$@" ;;
    tools) awk 'NF == 2 { printf "%-34s %s\n", $1, $2 }' <<<"$KAFKA_SCRIPTS" ;;
    topics) need_lib; java_tool org.apache.kafka.tools.TopicCommand "$@" ;;
    console-consumer) need_lib; java_tool org.apache.kafka.tools.consumer.ConsoleConsumer "$@" ;;
    console-producer) need_lib; java_tool kafka.tools.ConsoleProducer "$@" ;;
    ""|-h|--help|help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}" ;;
    *)
      local class; class="$(script_class "$cmd")"
      [[ -n "$class" ]] || die "unknown command '$cmd' — commands: install, start, stop, status, tool CLASS, tools, and Kafka's script names (kafka-topics, kafka-consumer-groups, ...; see: scripts/kafka/kafka.sh tools)"
      need_lib
      java_tool "$class" "$@" ;;
  esac
}

main "$@"
