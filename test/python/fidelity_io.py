"""Produces and reads records for test/integration/operations/fidelity.test.ts with Confluent's own
client (confluent-kafka / librdkafka), independent of streamctl's fetcher and encoder.

  fidelity_io.py produce BOOTSTRAP TOPIC SPEC.json
      SPEC: [{"partition", "key", "value", "headers": [[name, value]], "timestamp", "codec"}], bytes
      as base64 or null. Records of one codec go through one producer with that compression.type.
  fidelity_io.py consume BOOTSTRAP TOPIC OUT.json
      Every committed record (isolation.level=read_committed) up to the end offsets, in partition
      and offset order, with the same encoding, written to OUT.json.
"""
import base64
import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition


def b64(b):
    return None if b is None else base64.b64encode(b).decode("ascii")


def unb64(s):
    return None if s is None else base64.b64decode(s)


def produce(bootstrap, topic, spec_path):
    with open(spec_path) as f:
        spec = json.load(f)
    by_codec = {}
    for r in spec:
        by_codec.setdefault(r["codec"], []).append(r)
    errors = []

    def report(err, _msg):
        if err is not None:
            errors.append(str(err))

    for codec, records in by_codec.items():
        p = Producer({"bootstrap.servers": bootstrap, "compression.type": codec, "linger.ms": 20,
                      "enable.idempotence": True, "message.max.bytes": 4000000})
        for r in records:
            headers = [(h[0], unb64(h[1])) for h in r["headers"]]
            while True:
                try:
                    p.produce(topic, key=unb64(r["key"]), value=unb64(r["value"]), partition=r["partition"],
                              timestamp=r["timestamp"], headers=headers, on_delivery=report)
                    break
                except BufferError:
                    p.poll(0.1)
            p.poll(0)
        if p.flush(60) != 0:
            errors.append(f"{codec}: records left unsent")
    if errors:
        print(json.dumps({"errors": errors[:5]}))
        sys.exit(1)
    print(json.dumps({"produced": len(spec)}))


def client_props(bootstrap):
    """A bootstrap list, or a JSON object of librdkafka properties (the secure cluster's SASL_SSL)."""
    return json.loads(bootstrap) if bootstrap.startswith("{") else {"bootstrap.servers": bootstrap}


def consume(bootstrap, topic, out_path):
    c = Consumer({**client_props(bootstrap), "group.id": f"fidelity-read-{time.time_ns()}",
                  "isolation.level": "read_committed", "enable.auto.commit": False, "auto.offset.reset": "earliest"})
    meta = c.list_topics(topic, timeout=30)
    partitions = sorted(meta.topics[topic].partitions.keys())
    ends = {}
    tps = []
    for p in partitions:
        low, high = c.get_watermark_offsets(TopicPartition(topic, p), timeout=30)
        ends[p] = high
        if high > low:
            tps.append(TopicPartition(topic, p, low))
    c.assign(tps)
    out = []
    remaining = {tp.partition for tp in tps}
    deadline = time.time() + 120
    last_message = time.time()
    while remaining and time.time() < deadline:
        m = c.poll(0.2)
        if m is None and time.time() - last_message > 4:
            # Everything was committed before this read began: 4 s without a record is the end, even
            # where a transaction marker is the last offset and the position never reaches it.
            remaining.clear()
            break
        if m is not None:
            last_message = time.time()
            if m.error():
                raise SystemExit(f"consume error: {m.error()}")
            out.append({"partition": m.partition(), "offset": m.offset(), "timestamp": m.timestamp()[1],
                        "key": b64(m.key()), "value": b64(m.value()),
                        "headers": [[k, b64(v)] for (k, v) in (m.headers() or [])]})
        # A partition is read once its position passed the end (transaction markers included).
        for tp in c.position([TopicPartition(topic, p) for p in list(remaining)]):
            if tp.offset >= ends[tp.partition]:
                remaining.discard(tp.partition)
    c.close()
    if remaining:
        raise SystemExit(f"partitions {sorted(remaining)} of {topic} not read to their end in time")
    out.sort(key=lambda r: (r["partition"], r["offset"]))
    with open(out_path, "w") as f:
        json.dump({"partitions": len(partitions), "records": out}, f)
    print(json.dumps({"read": len(out)}))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "produce":
        produce(sys.argv[2], sys.argv[3], sys.argv[4])
    elif cmd == "consume":
        consume(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit(f"unknown command {cmd}")
