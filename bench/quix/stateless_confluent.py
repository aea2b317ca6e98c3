"""Worker of the stateless benchmark, a hand-written librdkafka loop (confluent-kafka): consume in
batches -> filter -> transform -> produce (acks all) -> flush -> commit. The "native client"
reference: the same work as bench/workers/stateless-kafkajs.ts. Prints {"type":"first"|"result"}
JSON lines. Runs until SIGTERM."""
import json
import resource
import signal
import sys
import time

from confluent_kafka import Consumer, Producer


def emit(kind, **fields):
    sys.stdout.write(json.dumps({"type": kind, **fields}) + "\n")
    sys.stdout.flush()


def main():
    args = json.loads(sys.argv[1])
    consumer = Consumer({"bootstrap.servers": args["broker"], "group.id": args["group"], "auto.offset.reset": "earliest", "enable.auto.commit": False})
    producer = Producer({"bootstrap.servers": args["broker"], "acks": "all", "linger.ms": 5})
    consumer.subscribe([args["input"]])
    running = {"on": True}
    signal.signal(signal.SIGTERM, lambda *_: running.update(on=False))
    first = 0
    processed = 0
    while running["on"]:
        msgs = consumer.consume(num_messages=10000, timeout=0.5)
        if not msgs:
            continue
        if first == 0:
            first = int(time.time() * 1000)
            emit("first", t=first)
        for m in msgs:
            if m.error():
                continue
            e = json.loads(m.value())
            if e["action"] == "view":
                continue
            o = {"id": e["id"], "user": e["user"], "action": e["action"], "cents": round(e["amount"] * 100), "page": e["page"]}
            while True:
                try:
                    producer.produce(args["output"], key=o["user"], value=json.dumps(o), timestamp=m.timestamp()[1])
                    break
                except BufferError:
                    producer.poll(0.05)
            producer.poll(0)
        producer.flush()
        consumer.commit(asynchronous=False)
        processed += len(msgs)
    consumer.close()
    emit("result", processed=processed, rssMb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


if __name__ == "__main__":
    main()
