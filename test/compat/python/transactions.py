"""Kafka transactions with confluent-kafka (librdkafka): commit, abort, zombie fencing and a
consume-transform-produce loop with send_offsets_to_transaction (KIP-447 group metadata).

Used by test/compat/confluent-kafka-transactions.compat.test.ts. Prints one JSON object on stdout:

    {"librdkafka": "2.x",
     "read_committed": [values...], "read_uncommitted": [values...],
     "zombie": {"error": "<KafkaError name>", "fatal": true, "fresh_committed": true},
     "transformed": [values...], "group_offsets": {"0": n, "1": m}, "end_offsets": {"0": n, "1": m}}

Usage:
    python transactions.py --brokers 127.0.0.1:19092 --topic t --output t-out --group g --txn-id tx [--timeout 90]

Exits 1 with {"error": "..."} when anything fails or times out.
"""

import argparse
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition, libversion
from confluent_kafka.admin import AdminClient, NewTopic


def fail(message):
    print(json.dumps({"error": message}))
    sys.exit(1)


def create_topics(brokers, topics, deadline):
    admin = AdminClient({"bootstrap.servers": brokers})
    futures = admin.create_topics([NewTopic(t, num_partitions=2, replication_factor=1) for t in topics])
    for topic, future in futures.items():
        try:
            future.result(timeout=max(1.0, deadline - time.time()))
        except KafkaException as exc:
            if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                fail(f"create topic {topic}: {exc}")


def txn_producer(brokers, txn_id):
    return Producer({"bootstrap.servers": brokers, "transactional.id": txn_id, "transaction.timeout.ms": 60000,
                     "linger.ms": 5})


def run_transaction(producer, topic, values, commit):
    producer.begin_transaction()
    for i, value in enumerate(values):
        producer.produce(topic, key=f"k{i}", value=value)
    if commit:
        producer.commit_transaction(30)
    else:
        producer.flush(30)
        producer.abort_transaction(30)


def read_all(brokers, topic, isolation, deadline):
    """Reads both partitions from the beginning until the position reaches the end offset (which is
    the last stable offset for read_committed): a reader that leaked aborted records would show them."""
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": f"reader-{isolation}-{time.time()}",
                         "isolation.level": isolation, "enable.auto.commit": False, "enable.partition.eof": True})
    try:
        parts = [TopicPartition(topic, p, 0) for p in range(2)]
        consumer.assign(parts)
        values = []
        eof = set()
        while len(eof) < 2 and time.time() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    eof.add(msg.partition())
                    continue
                fail(f"read {isolation}: {msg.error()}")
            eof.discard(msg.partition())
            values.append(msg.value().decode())
        if len(eof) < 2:
            fail(f"read {isolation}: did not reach the end of both partitions before the timeout")
        return values
    finally:
        consumer.close()


def zombie_fencing(brokers, topic, txn_id):
    zombie = txn_producer(brokers, txn_id)
    zombie.init_transactions(30)
    zombie.begin_transaction()
    zombie.produce(topic, key="z", value="zombie")
    zombie.flush(30)
    fresh = txn_producer(brokers, txn_id)
    fresh.init_transactions(30)
    result = {"error": None, "fatal": False}
    try:
        zombie.commit_transaction(30)
    except KafkaException as exc:
        err = exc.args[0]
        result = {"error": err.name(), "fatal": err.fatal()}
    run_transaction(fresh, topic, ["fresh"], commit=True)
    result["fresh_committed"] = True
    return result


def consume_transform_produce(brokers, topic, output, group, txn_id, expected, deadline):
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": group, "isolation.level": "read_committed",
                         "enable.auto.commit": False, "auto.offset.reset": "earliest", "session.timeout.ms": 10000})
    producer = txn_producer(brokers, txn_id)
    producer.init_transactions(30)
    consumer.subscribe([topic])
    transformed = []
    try:
        while len(transformed) < expected and time.time() < deadline:
            msgs = consumer.consume(100, 0.5)
            msgs = [m for m in msgs if not m.error()]
            if not msgs:
                continue
            producer.begin_transaction()
            for m in msgs:
                value = m.value().decode().upper()
                producer.produce(output, key=m.key(), value=value)
                transformed.append(value)
            producer.send_offsets_to_transaction(consumer.position(consumer.assignment()),
                                                 consumer.consumer_group_metadata(), 30)
            producer.commit_transaction(30)
        if len(transformed) < expected:
            fail(f"transformed only {len(transformed)} of {expected} records before the timeout")
        committed = consumer.committed([TopicPartition(topic, p) for p in range(2)], timeout=10)
        ends = {}
        for p in range(2):
            _, high = consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)
            ends[str(p)] = high
        return transformed, {str(tp.partition): tp.offset for tp in committed}, ends
    finally:
        consumer.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--brokers", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--output", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--txn-id", required=True)
    parser.add_argument("--timeout", type=float, default=90)
    args = parser.parse_args()
    deadline = time.time() + args.timeout
    try:
        create_topics(args.brokers, [args.topic, args.output], deadline)
        producer = txn_producer(args.brokers, args.txn_id)
        producer.init_transactions(30)
        run_transaction(producer, args.topic, [f"first-{i}" for i in range(10)], commit=True)
        run_transaction(producer, args.topic, [f"aborted-{i}" for i in range(5)], commit=False)
        run_transaction(producer, args.topic, [f"second-{i}" for i in range(10)], commit=True)
        zombie = zombie_fencing(args.brokers, args.topic, args.txn_id + "-zombie")
        committed = read_all(args.brokers, args.topic, "read_committed", deadline)
        uncommitted = read_all(args.brokers, args.topic, "read_uncommitted", deadline)
        transformed, group_offsets, end_offsets = consume_transform_produce(
            args.brokers, args.topic, args.output, args.group, args.txn_id + "-ctp", len(committed), deadline)
    except KafkaException as exc:
        fail(f"{exc}")
    print(json.dumps({"librdkafka": libversion()[0], "read_committed": committed, "read_uncommitted": uncommitted,
                      "zombie": zombie, "transformed": transformed, "group_offsets": group_offsets,
                      "end_offsets": end_offsets}))


if __name__ == "__main__":
    main()
