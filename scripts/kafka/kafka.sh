#!/usr/bin/env bash
# Real Apache Kafka (KRaft: one node, or a cluster of several) from Maven Central jars, for CI and for
# developers without Docker.
#
#   scripts/kafka/kafka.sh install                      copy the Kafka jars into scripts/kafka/target/lib (idempotent)
#   scripts/kafka/kafka.sh start [--port P] [--dir D]   format storage in D, start a broker+controller on 127.0.0.1:P,
#                                                       wait until it answers metadata requests; prints the address
#   scripts/kafka/kafka.sh start --nodes 3 [--port P] [--dir D]
#                                                       a 3-node cluster (each node broker+controller, 256 MB heap)
#                                                       on ports P..P+2, data in D/node-1..3, internal and new topics
#                                                       replicated 3 times, min.insync.replicas 2; prints the
#                                                       bootstrap list 127.0.0.1:P,127.0.0.1:P+1,127.0.0.1:P+2
#   scripts/kafka/kafka.sh stop  [--dir D] [--node N]   SIGTERM the broker(s) started in D (only node N of a cluster
#                                                       with --node), SIGKILL after 30 s
#   scripts/kafka/kafka.sh start-node N [--dir D]       start node N of the cluster in D again (after stop --node N)
#   scripts/kafka/kafka.sh status [--dir D]             exit 0 and print the address if the broker(s) in D are running
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
DAEMON_EXTRA_OPTIONS=(nodes node)
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

# --port/--dir (daemon.sh) plus --nodes N (start a cluster) and --node N (stop one node of it).
kafka_options() {
  daemon_options 19092 "$DEFAULT_DIR" "$@"
  NODES="${OPT_NODES:-1}"
  NODE="${OPT_NODE:-}"
  [[ "$NODES" =~ ^[1-9]$ ]] || die "--nodes must be a number from 1 to 9, got '$NODES'"
  [[ -z "$NODE" || "$NODE" =~ ^[1-9]$ ]] || die "--node must be a node number (1, 2, ...), got '$NODE'"
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
  kafka_options "$@"
  need_lib
  command -v java >/dev/null || die "java not found — install a JDK 17+ (apt-get install -y openjdk-17-jre-headless)"
  [[ -z "$NODE" ]] || die "--node is for stop; start a stopped node with: scripts/kafka/kafka.sh start-node $NODE --dir D"
  local n
  for n in $(cluster_nodes); do
    node_pid "$n" >/dev/null && die "a cluster from $DIR is running; stop it first: scripts/kafka/kafka.sh stop --dir $DIR"
  done
  if (( NODES > 1 )); then
    daemon_check_free
    cmd_start_cluster
    return
  fi
  rm -rf "$DIR"/node-*
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

# --- several nodes: D/node-N holds node N's config, logs, pid and address ---

cluster_nodes() { ls -d "$DIR"/node-* 2>/dev/null | sed 's/.*node-//' | sort -n; }

node_pid() {
  local pidfile="$DIR/node-$1/kafka.pid"
  [[ -f "$pidfile" ]] || return 1
  local pid; pid="$(cat "$pidfile")"
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

write_node_config() {
  local node="$1" port="$2" voters="$3" controller_port="$4" nodes="$5"
  local nd="$DIR/node-$node"
  mkdir -p "$nd"
  cat >"$nd/server.properties" <<PROPERTIES
process.roles=broker,controller
node.id=$node
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.quorum.voters=$voters
log.dirs=$nd/logs
num.partitions=1
default.replication.factor=$nodes
min.insync.replicas=2
offsets.topic.replication.factor=$nodes
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=$nodes
transaction.state.log.min.isr=2
transaction.state.log.num.partitions=3
transaction.abort.timed.out.transaction.cleanup.interval.ms=1000
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
unclean.leader.election.enable=false
# patient timeouts: three JVMs start on a busy 2-core machine
initial.broker.registration.timeout.ms=180000
controller.quorum.election.timeout.ms=3000
controller.quorum.fetch.timeout.ms=6000
broker.session.timeout.ms=18000
log.retention.hours=24
log.segment.bytes=67108864
# the log cleaner allocates its dedupe buffer (128 MB by default) in the 256 MB heap at start: keep it small
log.cleaner.dedupe.buffer.size=16777216
PROPERTIES
  sed "s#$DIR/server.log#$nd/server.log#" "$DIR/log4j.properties" >"$nd/log4j.properties"
  echo "127.0.0.1:$port" >"$nd/address"
}

launch_node() {
  local nd="$DIR/node-$1"
  nohup java -Xmx256m -Xms128m -XX:+UseG1GC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$nd/log4j.properties" -Dkafka.logs.dir="$nd" \
    -cp "$LIB/*" kafka.Kafka "$nd/server.properties" >>"$nd/stdout.log" 2>&1 &
  echo $! >"$nd/kafka.pid"
}

# Waits until node N answers metadata requests; returns 1 at the deadline or when the node exits.
await_node() {
  local node="$1" deadline="$2" address; address="$(cat "$DIR/node-$node/address")"
  until port_open "${address##*:}" && java_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$address" --list >/dev/null 2>"$DIR/node-$node/probe.err"; do
    if ! node_pid "$node" >/dev/null; then
      tail -n 40 "$DIR/node-$node/server.log" >&2 || true
      echo "kafka.sh: node $node exited during startup (logs in $DIR/node-$node)" >&2
      return 1
    fi
    if (( $(now_s) >= deadline )); then
      echo "kafka.sh: node $node did not answer metadata requests within the start timeout (logs in $DIR/node-$node)" >&2
      return 1
    fi
    sleep 1
  done
}

cmd_start_cluster() {
  local started; started="$(now_s)"
  local i port voters="" controller_ports=()
  for (( i = 1; i <= NODES; i++ )); do
    port=$(( PORT + i - 1 ))
    port_open "$port" && die "port $port on 127.0.0.1 is already in use — pick another base port with --port"
    controller_ports[i]="$(free_port)"
    voters+="${voters:+,}$i@127.0.0.1:${controller_ports[i]}"
  done
  rm -rf "$DIR"/node-* "$DIR/kafka.pid"
  write_config "${controller_ports[1]}" # the log4j template
  local cluster_id; cluster_id="$(java_tool kafka.tools.StorageTool random-uuid)"
  local bootstrap=""
  for (( i = 1; i <= NODES; i++ )); do
    port=$(( PORT + i - 1 ))
    write_node_config "$i" "$port" "$voters" "${controller_ports[i]}" "$NODES"
    java_tool kafka.tools.StorageTool format -t "$cluster_id" -c "$DIR/node-$i/server.properties" >"$DIR/node-$i/format.out" 2>&1 \
      || { cat "$DIR/node-$i/format.out" >&2; die "formatting storage of node $i failed"; }
    bootstrap+="${bootstrap:+,}127.0.0.1:$port"
  done
  for (( i = 1; i <= NODES; i++ )); do launch_node "$i"; done
  echo "$bootstrap" >"$DIR/address"
  # the nodes elect a controller among themselves: give the whole cluster twice one node's timeout
  local deadline=$(( started + START_TIMEOUT_S * 2 ))
  for (( i = 1; i <= NODES; i++ )); do
    await_node "$i" "$deadline" || { cmd_stop_cluster; die "the cluster in $DIR did not start"; }
  done
  echo "kafka.sh: Apache Kafka cluster of $NODES nodes ready at $bootstrap (dir $DIR) in $(( $(now_s) - started ))s" >&2
  echo "$bootstrap"
}

cmd_start_node() {
  local node="${1:-}"
  [[ "$node" =~ ^[1-9]$ ]] || die "start-node needs a node number, e.g. start-node 2 --dir D"
  shift
  kafka_options "$@"
  need_lib
  [[ -f "$DIR/node-$node/server.properties" ]] || die "no node $node in $DIR (start a cluster with: scripts/kafka/kafka.sh start --nodes 3 --dir $DIR)"
  local pid
  if pid="$(node_pid "$node")"; then die "node $node is already running (pid $pid)"; fi
  launch_node "$node"
  await_node "$node" $(( $(now_s) + START_TIMEOUT_S )) || die "node $node did not come back"
  echo "kafka.sh: node $node of $DIR is up again at $(cat "$DIR/node-$node/address")" >&2
}

cmd_stop_cluster() {
  local n pid
  for n in $(cluster_nodes); do
    [[ -z "$NODE" || "$NODE" == "$n" ]] || continue
    if pid="$(node_pid "$n")"; then
      daemon_stop_pid "$pid" &
    fi
  done
  wait
  for n in $(cluster_nodes); do
    [[ -z "$NODE" || "$NODE" == "$n" ]] || continue
    rm -f "$DIR/node-$n/kafka.pid"
    echo "kafka.sh: stopped node $n of $DIR" >&2
  done
}


cmd_stop() {
  kafka_options "$@"
  local pid
  if [[ -n "$(cluster_nodes)" ]]; then
    cmd_stop_cluster
    return
  fi
  [[ -z "$NODE" ]] || die "no cluster in $DIR: --node applies to clusters started with --nodes"
  daemon_stop
}

cmd_status() {
  kafka_options "$@"
  local pid n down=""
  if [[ -n "$(cluster_nodes)" ]]; then
    for n in $(cluster_nodes); do node_pid "$n" >/dev/null || down+=" $n"; done
    if [[ -z "$down" ]]; then echo "$(cat "$DIR/address") (cluster of $(cluster_nodes | wc -l) nodes)"; return 0; fi
    echo "kafka.sh: nodes not running in $DIR:$down" >&2
    return 1
  fi
  daemon_status
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  case "$cmd" in
    install) cmd_install ;;
    start) cmd_start "$@" ;;
    start-node) cmd_start_node "$@" ;;
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
      [[ -n "$class" ]] || die "unknown command '$cmd' — commands: install, start, start-node, stop, status, tool CLASS, tools, and Kafka's script names (kafka-topics, kafka-consumer-groups, ...; see: scripts/kafka/kafka.sh tools)"
      need_lib
      java_tool "$class" "$@" ;;
  esac
}

main "$@"
