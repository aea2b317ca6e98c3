#!/usr/bin/env bash
# Installs the real Kafka clients the compatibility suites (test/compat/*.compat.test.ts) drive.
# Idempotent: each step checks first and does nothing when its client is already there.
#
#   scripts/compat/install.sh
#
#   kcat              Debian package (apt-get update only when the package list lacks it); needs root
#   confluent-kafka   Python (librdkafka) in the venv test/compat/.venv, from a manylinux wheel
#   kafka-go          test/compat/go: `go build` of rebalance-reader and writer into test/compat/go/bin
#   Java tools        Apache Kafka jars through scripts/kafka/kafka.sh install (needs java 17+ and mvn)
#
# Needs: python3 (with venv), go 1.23+, a JDK 17+ (java and javac), mvn. Run as root in CI (for apt-get).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
COMPAT="$ROOT/test/compat"
VENV="$COMPAT/.venv"
CONFLUENT_KAFKA_VERSION="2.12.2"

say() { echo "compat/install: $*"; }
die() { echo "compat/install: $*" >&2; exit 1; }

apt_install() {
  [[ "$(id -u)" == 0 ]] || die "need root to apt-get install $* (or install it yourself)"
  command -v apt-get >/dev/null || die "no apt-get on this machine: install $* yourself"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  fi
}

# kcat (librdkafka command-line client)
if command -v kcat >/dev/null; then
  say "kcat present ($(kcat -V 2>&1 | sed -n 's/^Version //p' | cut -d' ' -f1))"
else
  apt_install kcat
  say "kcat installed"
fi

# confluent-kafka for Python, in a venv
command -v python3 >/dev/null || die "python3 not found: install Python 3.9+"
if [[ ! -x "$VENV/bin/python" ]]; then
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    rm -rf "$VENV"
    apt_install python3-venv
    python3 -m venv "$VENV"
  fi
fi
if "$VENV/bin/python" -c "import sys, importlib.metadata as m; sys.exit(m.version('confluent-kafka') != '$CONFLUENT_KAFKA_VERSION')" 2>/dev/null; then
  say "confluent-kafka $CONFLUENT_KAFKA_VERSION present in $VENV"
else
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --only-binary=:all: "confluent-kafka==$CONFLUENT_KAFKA_VERSION"
  say "confluent-kafka $CONFLUENT_KAFKA_VERSION installed in $VENV"
fi

# kafka-go programs
command -v go >/dev/null || die "go not found: install Go 1.23+ (https://go.dev/doc/install) and re-run"
(cd "$COMPAT/go" && go build -buildvcs=false -o bin/ ./cmd/...)
say "kafka-go programs built in $COMPAT/go/bin ($(ls "$COMPAT/go/bin" | tr '\n' ' '))"

# Java tools (TopicCommand, ConsoleProducer, ConsoleConsumer) from the Apache Kafka jars
command -v javac >/dev/null || die "javac not found: install a JDK 17+ (apt-get install -y openjdk-17-jdk-headless); test/compat/java/*.java run as single-file programs"
"$ROOT/scripts/kafka/kafka.sh" install
say "done"
