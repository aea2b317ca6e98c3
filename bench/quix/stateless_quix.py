"""Worker of the stateless benchmark, Quix Streams side: consume -> filter -> transform -> produce
(the same work as bench/workers/stateless-sluice.ts). Prints {"type":"first"|"result"} JSON lines.
Runs until SIGTERM."""
import json
import resource
import sys
import time

from quixstreams import Application


def emit(kind, **fields):
    sys.stdout.write(json.dumps({"type": kind, **fields}) + "\n")
    sys.stdout.flush()


def main():
    args = json.loads(sys.argv[1])
    first = {"t": 0}

    def keep(e):
        if first["t"] == 0:
            first["t"] = int(time.time() * 1000)
            emit("first", t=first["t"])
        return e["action"] != "view"

    def reshape(e):
        return {"id": e["id"], "user": e["user"], "action": e["action"], "cents": round(e["amount"] * 100), "page": e["page"]}

    app = Application(broker_address=args["broker"], consumer_group=args["group"], auto_offset_reset="earliest", loglevel="WARNING")
    events = app.topic(args["input"], value_deserializer="json")
    out = app.topic(args["output"], value_serializer="json", key_serializer="str")
    sdf = app.dataframe(events)
    sdf = sdf.filter(keep).apply(reshape)
    sdf.to_topic(out, key=lambda o: o["user"])
    app.run()
    emit("result", rssMb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


if __name__ == "__main__":
    main()
