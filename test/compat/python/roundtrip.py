"""Produce N keyed messages with confluent-kafka (librdkafka), then read them back in a consumer group.

Used by test/compat/confluent-kafka.compat.test.ts. Prints one JSON object on stdout:

    {"librdkafka": "2.x", "produced": [{"key","value","partition","offset"}...],
     "consumed": [{"key","value","partition","offset"}...], "committed": {"0": 7, ...},
     "partitions": 3}

Usage:
    python roundtrip.py --brokers 127.0.0.1:19092 --topic t --group g --count 30 --keys 5 [--partitions 3] [--timeout 60]

With --partitions the topic is created through the AdminClient first (and described to check the
partition count). Exits 1 with {"error": "..."} when anything fails or times out.
"""

import argparse
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition
from confluent_kafka import libversion
from confluent_kafka.admin import AdminClient, NewTopic


def fail(message):
    print(json.dumps({"error": message}))
    sys.exit(1)


def create_topic(brokers, topic, partitions, deadline):
    admin = AdminClient({"bootstrap.servers": brokers})
    futures = admin.create_topics([NewTopic(topic, num_partitions=partitions, replication_factor=1)])
    try:
        futures[topic].result(timeout=max(1.0, deadline - time.time()))
    except KafkaException as exc:
        if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
            fail(f"create topic {topic}: {exc}")
    while time.time() < deadline:
        meta = admin.list_topics(topic=topic, timeout=5)
        info = meta.topics.get(topic)
        if info is not None and info.error is None and len(info.partitions) == partitions:
            return len(info.partitions)
        time.sleep(0.2)
    fail(f"topic {topic} did not show {partitions} partitions in metadata")


def produce(brokers, topic, count, keys, deadline):
    producer = Producer({"bootstrap.servers": brokers, "acks": "all", "enable.idempotence": False,
                         "linger.ms": 5, "partitioner": "murmur2_random"})
    delivered = []
    errors = []

    def on_delivery(err, msg):
        if err is not None:
            errors.append(str(err))
        else:
            delivered.append({"key": msg.key().decode(), "value": msg.value().decode(),
                              "partition": msg.partition(), "offset": msg.offset()})

    for i in range(count):
        producer.produce(topic, key=f"key-{i % keys}", value=f"value-{i}", on_delivery=on_delivery)
        producer.poll(0)
    remaining = producer.flush(max(1.0, deadline - time.time()))
    if errors:
        fail(f"delivery failed: {errors[:3]}")
    if remaining or len(delivered) != count:
        fail(f"only {len(delivered)} of {count} deliveries reported")
    return delivered


def consume(brokers, topic, group, count, deadline):
    consumer = Consumer({"bootstrap.servers": brokers, "group.id": group, "auto.offset.reset": "earliest",
                         "enable.auto.commit": False, "session.timeout.ms": 10000,
                         "topic.metadata.refresh.interval.ms": 1000})
    consumer.subscribe([topic])
    consumed = []
    try:
        while len(consumed) < count and time.time() < deadline:
            msg = consumer.poll(0.5)
            if msg is None:
                continue
            if msg.error():
                if msg.error().code() == KafkaError._PARTITION_EOF:
                    continue
                fail(f"consume: {msg.error()}")
            consumed.append({"key": msg.key().decode(), "value": msg.value().decode(),
                             "partition": msg.partition(), "offset": msg.offset()})
        if len(consumed) < count:
            fail(f"consumed only {len(consumed)} of {count} before the timeout")
        consumer.commit(asynchronous=False)
        assignment = consumer.assignment()
        committed = consumer.committed(assignment, timeout=10)
        return consumed, {str(tp.partition): tp.offset for tp in committed}
    finally:
        consumer.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--brokers", required=True)
    parser.add_argument("--topic", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--keys", type=int, default=5)
    parser.add_argument("--partitions", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    deadline = time.time() + args.timeout

    partitions = create_topic(args.brokers, args.topic, args.partitions, deadline) if args.partitions else None
    produced = produce(args.brokers, args.topic, args.count, args.keys, deadline)
    consumed, committed = consume(args.brokers, args.topic, args.group, args.count, deadline)
    print(json.dumps({"librdkafka": libversion()[0], "partitions": partitions, "produced": produced,
                      "consumed": consumed, "committed": committed}))


if __name__ == "__main__":
    main()
