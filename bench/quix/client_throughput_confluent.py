"""Worker of the client-throughput benchmark, librdkafka side (confluent-kafka): produces `count`
values of `valueBytes` bytes (acks all, linger 5 ms), flushes, then reads them back with a
consumer group (consume() in batches of 10k). Prints {"type":"result", produceMsgsPerSec,
produceCpuSeconds, fetchMsgsPerSec, fetchCpuSeconds}."""
import json
import resource
import sys
import time

from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic


def cpu():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return u.ru_utime + u.ru_stime


def main():
    args = json.loads(sys.argv[1])
    admin = AdminClient({"bootstrap.servers": args["broker"]})
    for f in admin.create_topics([NewTopic(args["topic"], num_partitions=1, replication_factor=1)]).values():
        f.result()
    value = b"x" * args["valueBytes"]
    producer = Producer({"bootstrap.servers": args["broker"], "acks": "all", "linger.ms": 5})
    producer.produce(args["topic"], value=value)
    producer.flush()
    c0, t0 = cpu(), time.perf_counter()
    for _ in range(args["count"]):
        while True:
            try:
                producer.produce(args["topic"], value=value)
                break
            except BufferError:
                producer.poll(0.01)
    producer.flush()
    produce_s, produce_cpu = time.perf_counter() - t0, cpu() - c0
    total = args["count"] + 1
    consumer = Consumer({"bootstrap.servers": args["broker"], "group.id": args["topic"] + "-reader", "auto.offset.reset": "earliest", "enable.auto.commit": False})
    consumer.subscribe([args["topic"]])
    fetched, f0, c1 = 0, 0.0, 0.0
    while fetched < total:
        msgs = consumer.consume(num_messages=10000, timeout=1.0)
        if msgs and f0 == 0.0:
            f0, c1 = time.perf_counter(), cpu()
        fetched += sum(1 for m in msgs if not m.error())
    fetch_s, fetch_cpu = time.perf_counter() - f0, cpu() - c1
    consumer.close()
    sys.stdout.write(json.dumps({"type": "result", "produceMsgsPerSec": args["count"] / produce_s, "produceCpuSeconds": produce_cpu, "fetchMsgsPerSec": total / fetch_s, "fetchCpuSeconds": fetch_cpu}) + "\n")


if __name__ == "__main__":
    main()
