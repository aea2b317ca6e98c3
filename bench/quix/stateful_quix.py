"""Worker of the stateful benchmark, Quix Streams side (same modes and protocol as
bench/workers/stateful-sluice.ts):
  count   keyed running count in durable state (RocksDB + changelog), one output per input
  window  1 s tumbling-window sum of `amount` per key, `.current()` (one output per input)
Prints JSON lines {"type": "first"|"recovery-start"|"recovery-end"|"result", ...} on stdout.
Runs until SIGTERM.
"""
import json
import logging
import sys
import time

from quixstreams import Application
from quixstreams.dataframe.windows import Sum


def emit(kind, **fields):
    sys.stdout.write(json.dumps({"type": kind, **fields}) + "\n")
    sys.stdout.flush()


class RecoveryTimer(logging.Handler):
    """Turns Quix's recovery log lines into timed protocol lines."""

    def emit(self, record):
        msg = record.getMessage()
        if msg.startswith("Beginning recovery check"):
            emit("recovery-start", t=int(time.time() * 1000))
        elif msg.startswith("Recovery process complete"):
            emit("recovery-end", t=int(time.time() * 1000))


def main():
    args = json.loads(sys.argv[1])
    first = {"t": 0}

    def mark(_value):
        if first["t"] == 0:
            first["t"] = int(time.time() * 1000)
            emit("first", t=first["t"])

    app = Application(
        broker_address=args["broker"],
        consumer_group=args["group"],
        auto_offset_reset="earliest",
        state_dir=args["stateDir"],
        loglevel="INFO",
    )
    logging.getLogger("quixstreams").addHandler(RecoveryTimer())
    events = app.topic(args["input"], value_deserializer="json")
    out = app.topic(args["output"], value_serializer="json")
    sdf = app.dataframe(events)
    sdf = sdf.update(mark)
    if args["mode"] == "count":

        def count(event, state):
            n = state.get("count", 0) + 1
            state.set("count", n)
            return {"key": event["key"], "count": n}

        sdf = sdf.apply(count, stateful=True)
    else:
        sdf = sdf.tumbling_window(duration_ms=1000).agg(total=Sum("amount")).current()
    sdf.to_topic(out)
    app.run()
    emit("result")


if __name__ == "__main__":
    main()
